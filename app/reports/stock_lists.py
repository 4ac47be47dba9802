"""Two more stock lists the manager reads on screen and prints: lots near their expiry (what
to put at the front of the shelf, or write off) and the shrinkage (susut) of the sacks and
cartons opened for retail over a period.

The figures come from ``app.models.stock_views`` and ``app.models.stock_ops``; this module
only arranges them, in the same tables the screen shows and the files carry.

Imports the domain, ``app.i18n`` and ``app.reports``; never Qt.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.i18n import _, ngettext
from app.models import stock_ops, stock_views
from app.models.clock import format_local, now_iso
from app.models.db import Database
from app.models.settings import get_settings
from app.models.users import User, require
from app.reports.document_pdf import Document, Note, day_text, period_text
from app.reports.output import save_report
from app.reports.tabular import COUNT, MONEY, QTY, Column, ReportTable, data, total


def _as_of(db: Database, at: str) -> str:
    return _("Per {when}").format(when=format_local(at, get_settings(db).zone))


def days_left_text(days: int) -> str:
    """``5 hari lagi``, ``hari ini``, ``lewat 3 hari``: the lot's expiry as the shelf reads it."""
    if days > 0:
        return ngettext("{n} hari lagi", "{n} hari lagi", days).format(n=days)
    if days == 0:
        return _("hari ini")
    return ngettext("lewat {n} hari", "lewat {n} hari", -days).format(n=-days)


def near_expiry_table(db: Database, days: int = 30, today=None) -> ReportTable:
    """Each lot that expires within ``days`` (or already did) and is probably still on the
    shelf, soonest first, with what it is worth and a total."""
    lots = stock_views.near_expiry(db, days, today)
    lines = [data(lot.name, lot.lot, day_text(date.fromisoformat(lot.expiry)), days_left_text(lot.days_left),
                  lot.unit, lot.remaining_qty, lot.value) for lot in lots]
    if lots:
        lines.append(total(ngettext("{n} lot", "{n} lot", len(lots)).format(n=len(lots)),
                           None, None, None, None, None, sum(lot.value for lot in lots)))
    return ReportTable(
        (Column(_("Produk"), weight=3), Column(_("Lot")), Column(_("Kedaluwarsa")),
         Column(_("Sisa waktu"), weight=1.1), Column(_("Satuan")),
         Column(_("Perkiraan di rak"), QTY), Column(_("Nilai (Rp)"), MONEY)),
        tuple(lines), sheet=_("Hampir kedaluwarsa"),
        empty=ngettext("Tidak ada lot yang kedaluwarsa dalam {n} hari.",
                       "Tidak ada lot yang kedaluwarsa dalam {n} hari.", days).format(n=days))


def write_near_expiry(db: Database, path, format: str = "pdf", *, days: int = 30,
                      printed_by: User) -> Path:
    """The near-expiry list as of now; pdf, xlsx or csv."""
    require(printed_by, "report.stock")
    at = now_iso()
    table = near_expiry_table(db, days)
    note = Note(_("Sisa di rak diperkirakan: barang dijual menurut tanggal kedaluwarsa "
                  "(yang paling dulu kedaluwarsa, paling dulu keluar), jadi stok yang ada "
                  "dianggap berasal dari lot yang paling akhir kedaluwarsa."))
    period = ngettext("Kedaluwarsa dalam {n} hari · {as_of}",
                      "Kedaluwarsa dalam {n} hari · {as_of}", days).format(
        n=days, as_of=_as_of(db, at))
    document = Document(_("BARANG HAMPIR KEDALUWARSA"), (table, note), period=period)
    return save_report(path, format, settings=get_settings(db), printed_by=printed_by.full_name,
                       printed_at=at, document=document, sheets=(table,))


def susut_table(db: Database, date_from, date_to) -> ReportTable:
    """Shrinkage per product over the packs closed in the period, with a total value."""
    rows = stock_ops.susut_report(db, date_from, date_to)
    lines = [data(r.name, r.unit, r.bulks, r.expected, r.sold, r.remaining, r.susut,
                  r.susut_percent, r.susut_value) for r in rows]
    if rows:
        lines.append(total(_("Total"), None, sum(r.bulks for r in rows), None, None, None,
                           None, None, sum(r.susut_value for r in rows)))
    return ReportTable(
        (Column(_("Produk"), weight=3), Column(_("Satuan")), Column(_("Kemasan"), COUNT),
         Column(_("Isi"), QTY), Column(_("Terjual"), QTY), Column(_("Sisa"), QTY),
         Column(_("Susut"), QTY), Column(_("Susut %")), Column(_("Nilai susut (Rp)"), MONEY)),
        tuple(lines), sheet=_("Susut"),
        empty=_("Tidak ada kemasan yang ditutup pada periode ini."))


def write_susut(db: Database, path, format: str = "pdf", *, date_from, date_to,
                printed_by: User) -> Path:
    """The susut report of the packs closed between two shop days; pdf, xlsx or csv."""
    require(printed_by, "report.stock")
    at = now_iso()
    table = susut_table(db, date_from, date_to)
    note = Note(_("Susut = isi kemasan − yang terjual eceran sejak dibuka − sisa saat ditutup;"
                  " nilainya dihapus dari stok pada HPP rata-rata."))
    document = Document(_("LAPORAN SUSUT"), (table, note),
                        period=period_text(date_from, date_to))
    return save_report(path, format, settings=get_settings(db), printed_by=printed_by.full_name,
                       printed_at=at, document=document, sheets=(table,))
