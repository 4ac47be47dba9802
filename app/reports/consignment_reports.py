"""Consignment by consignor over a period: what sold, the shop's commission, what was settled
and paid, and what the shop owes and holds now.

Figures come from ``app.models.consignment_settlement``; this module only arranges them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.i18n import _
from app.models.clock import now_iso
from app.models.consignment_settlement import consignor_summary
from app.models.db import Database
from app.models.settings import get_settings
from app.models.users import User, require
from app.reports.document_pdf import Document, Note, period_text
from app.reports.output import save_report
from app.reports.tabular import MONEY, Column, ReportTable, data, total

_FIELDS = ("gross", "commission", "producer_sales", "count_charges", "settled", "paid",
           "balance", "unsettled", "on_hand_value")


def summary_table(db: Database, date_from: date, date_to: date) -> ReportTable:
    columns = (Column(_("Penitip"), weight=2), Column(_("Desa/Kel."), weight=1.5),
               Column(_("Ketentuan")), Column(_("Penjualan"), MONEY),
               Column(_("Komisi"), MONEY), Column(_("Hak produsen"), MONEY),
               Column(_("Selisih hitung"), MONEY), Column(_("Diselesaikan"), MONEY),
               Column(_("Dibayar"), MONEY), Column(_("Utang sekarang"), MONEY),
               Column(_("Belum diselesaikan"), MONEY), Column(_("Stok titipan (harga jual)"),
                                                             MONEY))
    rows = consignor_summary(db, date_from, date_to)
    lines = [data(r.name, r.village, r.terms, *(getattr(r, f) for f in _FIELDS)) for r in rows]
    if rows:
        lines.append(total(_("Total"), "", "", *(sum(getattr(r, f) for r in rows)
                                                 for f in _FIELDS)))
    return ReportTable(columns, tuple(lines), sheet=_("Titipan per penitip"),
                       empty=_("Tidak ada barang titipan pada periode ini."))


def write_consignment_summary(db: Database, path, date_from: date, date_to: date,
                              format: str = "pdf", *, printed_by: User) -> Path:
    """Titip jual per penitip for a period (PDF, XLSX or CSV)."""
    require(printed_by, "report.stock")
    table = summary_table(db, date_from, date_to)
    note = Note(_("Penjualan = dijual dikurangi retur pembeli, setelah diskon. Hak produsen ="
                  " penjualan dikurangi komisi gerai (atau harga tetap ke produsen). Utang"
                  " sekarang = sudah diselesaikan tetapi belum dibayar; belum diselesaikan ="
                  " sudah terjual tetapi belum masuk nota penyelesaian."))
    document = Document(_("TITIPAN PER PENITIP"), (table, note),
                        period=period_text(date_from, date_to), landscape=True)
    return save_report(path, format, settings=get_settings(db), printed_by=printed_by.full_name,
                       printed_at=now_iso(), document=document, sheets=(table,))
