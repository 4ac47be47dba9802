"""The treasurer's two aging reports on one day: ``ar-aging``, what members owe on bon by
the age of their charges, and ``ap-aging``, what the shop owes its suppliers by how long
their invoices are past due and what it owes the producers who leave goods on consignment.

Figures come from ``app.models.report_aging`` and ``app.models.payables``; this module only
arranges them.

Imports the domain, ``app.i18n`` and ``app.reports``; never Qt.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.i18n import _, ngettext
from app.models import payables
from app.models.clock import now_iso
from app.models.db import Database
from app.models.money import format_rupiah
from app.models.payables import BUCKETS, bucket_label
from app.models.report_aging import check_as_of, consignor_payables, credit_aging
from app.models.settings import get_settings, shop_today
from app.models.users import User, require
from app.reports.document_pdf import Document, Fields, Note, day_text
from app.reports.output import check_format, save_report, write_atomically
from app.reports.tabular import MONEY, Column, ReportTable, csv_bytes, data, total


def as_of_text(as_of: date) -> str:
    return _("Per {day}").format(day=day_text(as_of))


def _bucket_columns() -> tuple[Column, ...]:
    return tuple(Column(bucket_label(b), MONEY) for b in BUCKETS)


def _sums(rows, key) -> list[int]:
    return [sum(key(r)[b] for r in rows) for b in BUCKETS]


# --- ar-aging: member credit ------------------------------------------------------------


def credit_table(rows) -> ReportTable:
    columns = (Column(_("No. anggota")), Column(_("Nama anggota"), weight=2),
               Column(_("Batas bon"), MONEY), Column(_("Saldo bon"), MONEY),
               *_bucket_columns(), Column(_("Keterangan")))
    over = _("Lewat batas")
    lines = [data(r.number, r.name, r.credit_limit, r.balance,
                  *(r.buckets[b] for b in BUCKETS), over if r.over_limit else "")
             for r in rows]
    if rows:
        n_over = sum(r.over_limit for r in rows)
        lines.append(total(
            _("Total"), ngettext("{n} anggota", "{n} anggota", len(rows)).format(n=len(rows)),
            None, sum(r.balance for r in rows), *_sums(rows, lambda r: r.buckets),
            ngettext("{n} lewat batas", "{n} lewat batas", n_over).format(n=n_over)
            if n_over else ""))
    return ReportTable(columns, tuple(lines), sheet=_("Piutang bon"),
                       empty=_("Tidak ada anggota yang berutang bon pada tanggal ini."))


def write_ar_aging(db: Database, out, as_of: date | None, format: str = "pdf", *,
                   printed_by: User) -> Path:
    """Umur piutang anggota (bon) at the end of ``as_of`` (default today): PDF, XLSX or
    CSV."""
    require(printed_by, "report.finance")
    as_of = check_as_of(db, as_of)
    check_format(format)
    rows = credit_aging(db, as_of)
    table = credit_table(rows)
    n_over = sum(r.over_limit for r in rows)
    summary = Fields((
        (_("Piutang bon"), format_rupiah(sum(r.balance for r in rows))),
        (_("Anggota berutang"), str(sum(r.balance > 0 for r in rows))),
        (_("Lebih dari 90 hari"), format_rupiah(sum(r.buckets["over90"] for r in rows))),
        (_("Lewat batas bon"), ngettext("{n} anggota", "{n} anggota", n_over).format(n=n_over)),
    ))
    note = Note(_("Umur bon = hari sejak belanja bon sampai {day}; bon pada hari itu sendiri"
                  " belum jatuh tempo. Pembayaran dan retur melunasi bon yang paling lama"
                  " lebih dulu, jadi sisa tiap bon menurut umurnya. Saldo minus = anggota"
                  " membayar lebih dari bonnya. Lewat batas = saldo bon melebihi batas bon"
                  " anggota.").format(day=day_text(as_of)))
    document = Document(_("UMUR PIUTANG BON ANGGOTA"), (summary, table, note),
                        period=as_of_text(as_of), landscape=True)
    return save_report(out, format, settings=get_settings(db), printed_by=printed_by.full_name,
                       printed_at=now_iso(), document=document, sheets=(table,))


# --- ap-aging: suppliers and consignors -------------------------------------------------


def supplier_table(rows: list[payables.AgingRow]) -> ReportTable:
    columns = (Column(_("Pemasok"), weight=2), *_bucket_columns(), Column(_("Total"), MONEY))
    lines = [data(r.supplier_name, *(r.buckets[b] for b in BUCKETS), r.total) for r in rows]
    if rows:
        lines.append(total(_("Total"), *_sums(rows, lambda r: r.buckets),
                           sum(r.total for r in rows)))
    return ReportTable(columns, tuple(lines), caption=_("Utang ke pemasok"),
                       sheet=_("Utang pemasok"), empty=_("Tidak ada faktur pemasok yang belum"
                                                         " lunas."))


def consignor_table(rows) -> ReportTable:
    columns = (Column(_("Penitip"), weight=2), Column(_("Desa/Kel."), weight=1.5),
               Column(_("Diselesaikan, belum dibayar"), MONEY),
               Column(_("Terjual, belum diselesaikan"), MONEY), Column(_("Total"), MONEY))
    lines = [data(r.name, r.village, r.settled, r.unsettled, r.total) for r in rows]
    if rows:
        lines.append(total(_("Total"), "", sum(r.settled for r in rows),
                           sum(r.unsettled for r in rows), sum(r.total for r in rows)))
    return ReportTable(columns, tuple(lines), caption=_("Utang ke penitip"),
                       sheet=_("Utang penitip"),
                       empty=_("Tidak ada utang ke penitip barang titipan."))


def write_ap_aging(db: Database, out, as_of: date | None, format: str = "pdf", *,
                   printed_by: User) -> Path:
    """Umur utang: supplier invoices by days past due on ``as_of`` (default today), and
    what the consignors are owed: PDF, XLSX, or a CSV holding both tables one under the
    other (a blank line between), so no debt is left out of any format."""
    require(printed_by, "report.finance")
    as_of = check_as_of(db, as_of)
    fmt = check_format(format)
    suppliers = payables.aging(db, as_of)
    consignors = consignor_payables(db)
    tables = (supplier_table(suppliers), consignor_table(consignors))
    if fmt == "csv":
        return write_atomically(out, csv_bytes(tables))
    owed_suppliers = sum(r.total for r in suppliers)
    owed_consignors = sum(r.total for r in consignors)
    summary = Fields((
        (_("Utang ke pemasok"), format_rupiah(owed_suppliers)),
        (_("Utang ke penitip"), format_rupiah(owed_consignors)),
        (_("Jumlah utang"), format_rupiah(owed_suppliers + owed_consignors)),
    ), columns=1)
    text = _("Umur utang pemasok = hari lewat jatuh tempo faktur pada {day}; faktur yang"
             " belum jatuh tempo ada di kolom pertama. Utang ke penitip: nota penyelesaian"
             " yang belum dibayar, dan barang titipan yang sudah terjual tetapi belum masuk"
             " nota penyelesaian.").format(day=day_text(as_of))
    if as_of < shop_today(db):
        text += " " + _("Sisa faktur dan utang ke penitip adalah keadaan saat laporan"
                        " dicetak, bukan pada {day}.").format(day=day_text(as_of))
    document = Document(_("UMUR UTANG"),
                        (summary, *tables, Note(text)), period=as_of_text(as_of))
    return save_report(out, fmt, settings=get_settings(db), printed_by=printed_by.full_name,
                       printed_at=now_iso(), document=document, sheets=tables)
