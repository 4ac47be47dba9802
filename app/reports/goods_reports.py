"""Program goods sold per member against their HET and quota.

Figures come from ``app.models.program_goods``; this module only arranges them. Imports the
domain, ``app.i18n`` and ``app.reports``; never Qt.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.i18n import _
from app.models import program_goods
from app.models.clock import now_iso
from app.models.db import Database
from app.models.money import format_qty, format_rupiah
from app.models.products import quota_period_label
from app.models.settings import get_settings
from app.models.users import User, require
from app.reports.document_pdf import Document, Note, period_text
from app.reports.output import save_report
from app.reports.tabular import MONEY, QTY, Column, ReportTable, data, group, total


def _save(db: Database, path, fmt: str, user: User, document: Document, sheets) -> Path:
    return save_report(path, fmt, settings=get_settings(db), printed_by=user.full_name,
                       printed_at=now_iso(), document=document, sheets=sheets)


# --- program goods -----------------------------------------------------------------------


def program_tables(db: Database, date_from: date, date_to: date
                   ) -> tuple[ReportTable, ReportTable]:
    """(by product with its members, for paper; one flat list, for a spreadsheet)."""
    columns = (Column(_("No. anggota")), Column(_("Anggota"), weight=2), Column(_("Jumlah"), QTY),
               Column(_("Satuan")), Column(_("Dibayar"), MONEY),
               Column(_("Harga tertinggi / satuan"), MONEY), Column(_("Di atas HET")))
    grouped, flat = [], []
    yes, no = _("YA"), _("tidak")
    for product in program_goods.program_sales(db, date_from, date_to):
        rule = (_("HET {het}").format(het=format_rupiah(product.het)) if product.het
                else _("tanpa HET"))
        if product.quota:
            rule += " · " + _("kuota {qty} {unit} per anggota {period}").format(
                qty=format_qty(product.quota), unit=product.base_unit, period=quota_period_label(product.quota_period).lower())
        grouped.append(group(f"{product.program} — {product.name} ({rule})"))
        for m in product.members:
            cells = (m.member_number, m.member_name, m.qty, product.base_unit, m.amount,
                     m.max_unit_price, yes if m.above_het else no)
            grouped.append(data(*cells))
            flat.append(data(product.program, product.name, *cells))
        if product.without_member_qty:
            cells = ("", _("(tanpa anggota)"), product.without_member_qty, product.base_unit,
                     product.without_member_amount, None, "")
            grouped.append(data(*cells))
            flat.append(data(product.program, product.name, *cells))
        grouped.append(total(_("Jumlah {name}").format(name=product.name), None,
                             product.qty + product.without_member_qty, product.base_unit,
                             product.amount + product.without_member_amount,
                             product.max_unit_price or None, yes if product.above_het else no))
    empty = _("Tidak ada barang program.")
    return (ReportTable(columns, tuple(grouped), empty=empty),
            ReportTable((Column(_("Program")), Column(_("Produk"), weight=2), *columns),
                        tuple(flat), sheet=_("Barang program"), empty=empty))


def write_program_goods(db: Database, path, date_from: date, date_to: date,
                        format: str = "pdf", *, printed_by: User) -> Path:
    """Program goods (MinyaKita, SPHP, LPG 3 kg, subsidised fertiliser) sold per member, with
    the highest price charged against the HET; a sale above HET is marked YA."""
    require(printed_by, "report.stock")
    by_product, flat = program_tables(db, date_from, date_to)
    note = Note(_("Harga tertinggi per satuan dasar; 'Di atas HET' = YA bila ada baris yang "
                  "dijual di atas HET satuannya (seharusnya tidak pernah). Retur dihitung pada "
                  "hari barang kembali."))
    document = Document(_("PENJUALAN BARANG PROGRAM PER ANGGOTA"), (by_product, note),
                        period=period_text(date_from, date_to))
    return _save(db, path, format, printed_by, document, (flat,))
