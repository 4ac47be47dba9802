"""Printing after the commit: the thermal printer from the till settings, or a PDF file."""

from __future__ import annotations

import platformdirs

from app.models.receipts import Receipt
from app.models.till_settings import TillSettings
from app.reports.receipt_escpos import make_printer, print_receipt, print_rows
from app.reports.receipt_pdf import rows_pdf, write_pdf, write_receipt_pdf


def receipts_dir():
    path = platformdirs.user_data_path("gerai", appauthor=False) / "receipts"
    path.mkdir(parents=True, exist_ok=True)
    return path


def print_sale_receipt(receipt: Receipt, till: TillSettings, *, open_drawer: bool) -> str:
    """Print (or, without a printer, save as PDF); returns where it went. Raises UserError
    when the printer fails — the sale is already saved and can be reprinted."""
    if till.printer_kind == "none":
        suffix = "-salinan" if receipt.copy else ""
        path = receipts_dir() / f"{receipt.number}{suffix}.pdf"
        write_receipt_pdf(receipt, path, width=till.paper_columns)
        return str(path)
    printer = make_printer(till.printer_kind, till.printer_target)
    print_receipt(receipt, printer, till.paper_columns,
                  open_drawer=open_drawer and till.open_drawer)
    return till.printer_target


def print_report(rows, till: TillSettings, name: str) -> str:
    """An X/Z report on the thermal printer, or as a PDF when the till has none."""
    if till.printer_kind != "none":
        print_rows(rows, make_printer(till.printer_kind, till.printer_target), till.paper_columns)
        return till.printer_target
    path = receipts_dir() / f"{name}.pdf"
    write_pdf(rows_pdf(rows, till.paper_columns, title=name), path)
    return str(path)
