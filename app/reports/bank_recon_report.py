"""The bank reconciliation on paper and in a spreadsheet: what the bank's statement and the
books say went through the account over a period, what matched, and what is left on each
side for the treasurer to chase.

The PDF opens with the totals and how lines were matched, then the three lists: on the
statement but not in the books, in the books but not on the statement (what the treasurer
chases, first), and what matched. The workbook has a sheet for each list, in that order;
the CSV is one table of every line and item with its status, for filtering.

Figures come from :mod:`app.models.bank_recon`; this module only arranges them. Imports the
domain, ``app.i18n`` and ``app.reports``; never Qt.
"""

from __future__ import annotations

from pathlib import Path

from app.i18n import _, ngettext
from app.models.bank_recon import (
    BY_AMOUNT_DATE,
    DATE_WINDOW,
    BookItem,
    Reconciliation,
    StatementLine,
    parse_statement,
    reconcile,
    rule_label,
    source_label,
)
from app.models.clock import day_text, now_iso
from app.models.db import Database
from app.models.money import format_rupiah
from app.models.settings import get_settings
from app.models.users import User, require
from app.reports.document_pdf import Document, Fields, Note, period_text
from app.reports.output import check_format, check_target, save_report, write_atomically
from app.reports.tabular import COUNT, MONEY, Column, ReportTable, csv_bytes, data, total


def _in_out(amount: int) -> tuple[int | None, int | None]:
    return (amount, None) if amount > 0 else (None, -amount)


def _count(n: int) -> str:
    return ngettext("{n} baris", "{n} baris", n).format(n=n)


def matched_table(rec: Reconciliation) -> ReportTable:
    columns = (Column(_("Baris"), COUNT), Column(_("Tgl bank")),
               Column(_("Keterangan bank"), weight=2.5), Column(_("Jumlah"), MONEY),
               Column(_("Sumber")), Column(_("Nomor"), weight=1.5), Column(_("Tgl buku")),
               Column(_("Cara cocok")))
    lines = [data(m.line.line_no, day_text(m.line.day),
                  " ".join(t for t in (m.line.description, m.line.reference) if t),
                  m.line.amount, source_label(m.item.source), m.item.number,
                  day_text(m.item.day), rule_label(m.rule)) for m in rec.matched]
    if lines:
        lines.append(total(None, _("Total"), _count(len(rec.matched)),
                           sum(m.line.amount for m in rec.matched), "", "", "", ""))
    return ReportTable(columns, tuple(lines), caption=_("Cocok"), sheet=_("Cocok"),
                       empty=_("Tidak ada mutasi yang cocok dengan buku."))


def statement_table(rows: tuple[StatementLine, ...]) -> ReportTable:
    columns = (Column(_("Baris"), COUNT), Column(_("Tanggal")),
               Column(_("Keterangan"), weight=3), Column(_("Referensi"), weight=1.5),
               Column(_("Uang masuk"), MONEY), Column(_("Uang keluar"), MONEY))
    lines = [data(s.line_no, day_text(s.day), s.description, s.reference, *_in_out(s.amount))
             for s in rows]
    if lines:
        lines.append(total(None, _("Total"), _count(len(rows)), "",
                           sum(s.amount for s in rows if s.amount > 0),
                           -sum(s.amount for s in rows if s.amount < 0)))
    return ReportTable(columns, tuple(lines), caption=_("Ada di mutasi bank, tidak ada di buku"),
                       sheet=_("Hanya di bank"),
                       empty=_("Setiap mutasi bank pada periode ini ada di buku."))


def books_table(rows: tuple[BookItem, ...]) -> ReportTable:
    columns = (Column(_("Tanggal")), Column(_("Sumber")), Column(_("Nomor"), weight=1.5),
               Column(_("Keterangan"), weight=2.5), Column(_("Referensi"), weight=1.5),
               Column(_("Uang masuk"), MONEY), Column(_("Uang keluar"), MONEY))
    lines = [data(day_text(i.day), source_label(i.source), i.number, i.description,
                  i.reference, *_in_out(i.amount)) for i in rows]
    if lines:
        lines.append(total(_("Total"), "", _count(len(rows)), "", "",
                           sum(i.amount for i in rows if i.amount > 0),
                           -sum(i.amount for i in rows if i.amount < 0)))
    return ReportTable(columns, tuple(lines), caption=_("Ada di buku, tidak ada di mutasi bank"),
                       sheet=_("Hanya di buku"),
                       empty=_("Setiap catatan buku pada periode ini ada di mutasi bank."))


def recon_tables(rec: Reconciliation) -> tuple[ReportTable, ReportTable, ReportTable]:
    """The three lists: matched, only on the statement, only in the books."""
    return (matched_table(rec), statement_table(rec.unmatched_statement),
            books_table(rec.unmatched_books))


def paper_tables(rec: Reconciliation) -> tuple[ReportTable, ReportTable, ReportTable]:
    """The lists in the order the treasurer works them: what is left to chase first (short),
    what matched last (long)."""
    matched, only_bank, only_books = recon_tables(rec)
    return only_bank, only_books, matched


def all_rows_table(rec: Reconciliation) -> ReportTable:
    """Every line and item in one table with its status (the CSV)."""
    columns = (Column(_("Status")), Column(_("Cara cocok")), Column(_("Baris"), COUNT),
               Column(_("Tgl bank")), Column(_("Keterangan bank")), Column(_("Referensi bank")),
               Column(_("Jumlah bank"), MONEY), Column(_("Sumber")), Column(_("Nomor")),
               Column(_("Tgl buku")), Column(_("Referensi buku")), Column(_("Jumlah buku"), MONEY))
    blank_line = ("", "", None, "", "", "", None)
    blank_item = ("", "", "", "", None)

    def line(s: StatementLine) -> tuple:
        return (s.line_no, day_text(s.day), s.description, s.reference, s.amount)

    def item(i: BookItem) -> tuple:
        return (source_label(i.source), i.number, day_text(i.day), i.reference, i.amount)

    lines = [data(_("Cocok"), rule_label(m.rule), *line(m.line), *item(m.item))
             for m in rec.matched]
    lines += [data(_("Hanya di bank"), "", *line(s), *blank_item)
              for s in rec.unmatched_statement]
    lines += [data(_("Hanya di buku"), "", *blank_line[2:], *item(i))
              for i in rec.unmatched_books]
    return ReportTable(columns, tuple(lines), sheet=_("Rekonsiliasi"))


def summary(rec: Reconciliation) -> Fields:
    only_bank = sum(s.amount for s in rec.unmatched_statement)
    only_books = sum(i.amount for i in rec.unmatched_books)
    matched = ngettext("{n} mutasi", "{n} mutasi", len(rec.matched)).format(n=len(rec.matched))
    if rec.by_amount_date:
        matched += " " + _("({n} hanya jumlah/tanggal)").format(n=rec.by_amount_date)
    pairs = [
        (_("Masuk (kredit)"), format_rupiah(rec.money_in)),
        (_("Keluar (debet)"), format_rupiah(rec.money_out)),
        (_("Cocok dengan buku"), matched),
        (_("Hanya di bank"), _("{count}, bersih {amount}").format(
            count=_count(len(rec.unmatched_statement)), amount=format_rupiah(only_bank))),
        (_("Hanya di buku"), _("{count}, bersih {amount}").format(
            count=_count(len(rec.unmatched_books)), amount=format_rupiah(only_books))),
    ]
    if rec.outside:
        pairs.append((_("Di luar periode"), _("{count} mutasi, tidak dihitung").format(
            count=_count(len(rec.outside)))))
    return Fields(tuple(pairs))


def explanation() -> Note:
    return Note(_(
        "Mutasi bank dan catatan buku cocok bila jumlahnya sama dan nomor referensi atau"
        " nomor dokumen di buku tertulis di referensi atau keterangan mutasi (huruf besar/kecil,"
        " spasi dan tanda baca diabaikan). Sisanya dicocokkan menurut jumlah saja bila hanya ada satu"
        " pasangan dalam {days} hari: periksa baris \"{rule}\". Buku: QRIS dan transfer di"
        " kasir (retur sebagai uang keluar), bayar bon QRIS/transfer, simpanan, pembayaran"
        " pemasok dan penitip lewat transfer, dan jurnal pada akun bank 1110. Mutasi bank dari"
        " QRIS yang dipotong biaya MDR atau digabung per hari tidak akan cocok jumlahnya.")
        .format(days=DATE_WINDOW, rule=rule_label(BY_AMOUNT_DATE)),
        heading=_("Cara mencocokkan"))


def write_bank_recon(db: Database, out, statement_path, date_from, date_to, fmt: str = "pdf",
                     *, printed_by: User) -> Path:
    """Rekonsiliasi bank: the statement CSV at ``statement_path`` against the books over
    the shop's days ``date_from``..``date_to``, as a PDF, a workbook or a CSV."""
    require(printed_by, "report.finance")
    fmt = check_format(fmt)
    check_target(out)
    rec = reconcile(db, parse_statement(statement_path), date_from, date_to)
    if fmt == "csv":
        return write_atomically(out, csv_bytes((all_rows_table(rec),)))
    tables = paper_tables(rec)
    document = Document(_("REKONSILIASI BANK"),
                        (summary(rec), explanation(), *tables),
                        period=period_text(rec.date_from, rec.date_to), landscape=True)
    return save_report(out, fmt, settings=get_settings(db), printed_by=printed_by.full_name,
                       printed_at=now_iso(), document=document, sheets=tables)
