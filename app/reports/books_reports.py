"""The treasurer's books on paper and in a spreadsheet: the cash book (buku kas) and the bank
book, the trial balance (neraca saldo) and the treasurer's own journal. The PHU and the
neraca are in :mod:`app.reports.statement_reports`.

Every amount is signed the same way everywhere: a minus sign, never brackets. Figures come
from :mod:`app.models.ledger` and :mod:`app.models.books`; this module only arranges them.

Imports the domain, ``app.i18n`` and ``app.reports``; never Qt.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.i18n import _, ngettext
from app.models import books, ledger
from app.models.books import JournalEntry
from app.models.clock import now_iso
from app.models.db import Database
from app.models.errors import UserError
from app.models.money import format_rupiah
from app.models.report_sales import check_period
from app.models.settings import get_settings
from app.models.users import User, require
from app.reports.document_pdf import (
    Document,
    Fields,
    Note,
    Signatures,
    day_text,
    period_text,
)
from app.reports.output import check_format, check_target, save_report
from app.reports.tabular import MONEY, Column, ReportTable, data, total

#: The two books: which accounts each follows.
BOOKS = {"cash": books.CASH, "bank": (books.BANK,)}


def begin_report(db: Database, out, fmt: str, printed_by: User, date_from, date_to
           ) -> tuple[date, date]:
    """What every writer checks before any work: the right, the format, the file and the
    period (reversed, or not over yet, is refused: a book of days to come is a guess)."""
    require(printed_by, "report.finance")
    check_format(fmt)
    check_target(out)
    return check_period(db, date_from, date_to)


def signatures(printed_by: User) -> Signatures:
    """The treasurer prepares, the chair and the supervisor sign the books."""
    return Signatures(((_("Dibuat oleh, Bendahara"),
                        printed_by.full_name if printed_by.role == "bendahara" else ""),
                       (_("Mengetahui, Ketua"), ""), (_("Diperiksa, Pengawas"), "")))


def save_book_report(db: Database, out, fmt: str, printed_by: User, document: Document,
          sheets: tuple[ReportTable, ...]) -> Path:
    return save_report(out, fmt, settings=get_settings(db), printed_by=printed_by.full_name,
                       printed_at=now_iso(), document=document, sheets=sheets)


# --- buku kas / buku bank -------------------------------------------------------------------

def book_title(book: str) -> str:
    return _("BUKU KAS") if book == "cash" else _("BUKU BANK")


def book_memo(line: ledger.BookLine, bank: bool) -> str:
    """What a line of the book is, in the book's own words: a shift's sales are its cash
    (or, in the bank book, its QRIS and transfers), and what a closed shift leaves in the
    cash book is the difference found when the drawer was counted. The shift's number is
    in its own column."""
    if line.source == "sales":
        return _("Penjualan QRIS/transfer (shift)") if bank else _("Penjualan tunai (shift)")
    if line.source == "shift_close":
        return (_("Kas lebih saat tutup shift") if line.money_in
                else _("Kas kurang saat tutup shift"))
    return line.memo


def cashbook_table(book: ledger.CashBook, caption: str = "") -> ReportTable:
    """The opening balance, a line per document that moved money (its running balance),
    and the sums with the closing balance. In and out are blank where nothing moved."""
    bank = book.accounts == (books.BANK,)
    columns = (Column(_("Tanggal")), Column(_("Nomor"), weight=2),
               Column(_("Keterangan"), weight=3),
               Column(_("Masuk (Rp)"), MONEY), Column(_("Keluar (Rp)"), MONEY),
               Column(_("Saldo (Rp)"), MONEY))
    lines = [data(day_text(book.date_from), "", _("Saldo awal"), None, None, book.opening)]
    lines += [data(day_text(date.fromisoformat(x.day)), x.number, book_memo(x, bank),
                   x.money_in or None,
                   x.money_out or None, x.balance) for x in book.lines]
    lines.append(total(_("Jumlah"), "", _("Saldo akhir"), book.money_in, book.money_out,
                       book.closing))
    return ReportTable(columns, tuple(lines), caption=caption,
                       sheet=_("Buku bank") if bank else _("Buku kas"))


def _cashbook_note(book: str) -> Note:
    if book == "cash":
        return Note(_("Buku kas = kas di laci kasir (1101) dan kas bendahara (1102). Modal laci"
                      " dari bendahara dan setoran laci saat tutup shift hanya memindahkan uang"
                      " di antara keduanya, jadi tidak tercatat sebagai masuk atau keluar;"
                      " selisih hitung laci saat tutup shift tercatat. Penjualan tunai dijumlah"
                      " per shift dan per hari."))
    return Note(_("Buku bank = rekening bank gerai, termasuk uang QRIS (1110). Cocokkan saldo"
                  " akhir dengan rekening koran atau mutasi bank pada hari yang sama."))


def write_cashbook(db: Database, out, date_from, date_to, fmt: str = "pdf", *,
                   printed_by: User, book: str = "cash") -> Path:
    """Buku kas (``book="cash"``: the drawer and the treasurer's cash) or buku bank
    (``book="bank"``) of the days ``date_from``..``date_to``: PDF, XLSX or CSV."""
    if book not in BOOKS:
        raise UserError(_("Buku harus kas atau bank."), "book")
    first, last = begin_report(db, out, fmt, printed_by, date_from, date_to)
    found = ledger.cash_book(db, first, last, BOOKS[book])
    table = cashbook_table(found)
    pairs = [(_("Saldo awal"), format_rupiah(found.opening)),
             (_("Uang masuk"), format_rupiah(found.money_in)),
             (_("Uang keluar"), format_rupiah(found.money_out)),
             (_("Saldo akhir"), format_rupiah(found.closing))]
    if book == "cash":
        drawer = ledger.cash_book(db, first, last, (books.CASH_DRAWER,)).closing
        pairs += [(_("Di laci kasir"), format_rupiah(drawer)),
                  (_("Di kas bendahara"), format_rupiah(found.closing - drawer))]
    document = Document(book_title(book), (Fields(tuple(pairs)), table, _cashbook_note(book),
                                            signatures(printed_by)),
                        period=period_text(first, last))
    return save_book_report(db, out, fmt, printed_by, document, (table,))


# --- neraca saldo ---------------------------------------------------------------------------

def _sides(amount: int) -> tuple[int | None, int | None]:
    """A balance (debit +) in the debit or the credit column; blank where it is not."""
    return (amount, None) if amount > 0 else (None, -amount) if amount < 0 else (None, None)


def trial_table(rows: list[ledger.TrialRow]) -> ReportTable:
    columns = (Column(_("Akun")), Column(_("Nama akun"), weight=3),
               Column(_("Saldo awal debit (Rp)"), MONEY),
               Column(_("Saldo awal kredit (Rp)"), MONEY),
               Column(_("Mutasi debit (Rp)"), MONEY), Column(_("Mutasi kredit (Rp)"), MONEY),
               Column(_("Saldo akhir debit (Rp)"), MONEY),
               Column(_("Saldo akhir kredit (Rp)"), MONEY))
    lines = [data(r.account.code, r.account.name, *_sides(r.opening), r.debit or None,
                  r.credit or None, *_sides(r.closing)) for r in rows]

    def column_sum(i: int) -> int:
        return sum(line.cells[i] or 0 for line in lines)

    lines.append(total(_("Jumlah"), "", *(column_sum(i) for i in range(2, 8))))
    return ReportTable(columns, tuple(lines), sheet=_("Neraca saldo"),
                       empty=_("Belum ada transaksi sampai akhir periode ini."))


def trial_check(table: ReportTable) -> Fields:
    """Whether each pair of columns is equal, said in words under the table's sums."""
    sums = table.lines[-1].cells[2:]
    pairs = []
    for label, debit, credit in ((_("Saldo awal"), sums[0], sums[1]),
                                 (_("Mutasi periode"), sums[2], sums[3]),
                                 (_("Saldo akhir"), sums[4], sums[5])):
        pairs.append((label, _("debit = kredit = {amount}").format(amount=format_rupiah(debit))
                      if debit == credit else _("TIDAK SEIMBANG: debit {debit}, kredit {credit},"
                                                " selisih {diff}").format(
                          debit=format_rupiah(debit), credit=format_rupiah(credit),
                          diff=format_rupiah(debit - credit))))
    return Fields(tuple(pairs), columns=1)


def write_trial_balance(db: Database, out, date_from, date_to, fmt: str = "pdf", *,
                        printed_by: User) -> Path:
    """Neraca saldo: each account's opening balance, its debits and credits in the period
    and its closing balance, on the debit or the credit side; each pair sums equal."""
    first, last = begin_report(db, out, fmt, printed_by, date_from, date_to)
    table = trial_table(ledger.trial_balance(db, first, last))
    note = Note(_("Saldo di sisi debit untuk aset dan beban, di sisi kredit untuk kewajiban,"
                  " ekuitas dan pendapatan (sebaliknya berarti saldo berlawanan, mis. kas"
                  " minus). Mutasi = jumlah debit dan kredit semua transaksi periode ini,"
                  " termasuk perpindahan antar-akun."))
    document = Document(_("NERACA SALDO"), (trial_check(table), table, note),
                        period=period_text(first, last), landscape=True)
    return save_book_report(db, out, fmt, printed_by, document, (table,))


# --- the treasurer's journal ------------------------------------------------------------------

def _entry_text(entry: JournalEntry, reversed_by: dict[str, str]) -> str:
    text = entry.memo
    if entry.reference:
        text += " · " + _("ref. {reference}").format(reference=entry.reference)
    if entry.id in reversed_by:
        text += " · " + _("dibalik dengan {number}").format(number=reversed_by[entry.id])
    return text


def journal_table(db: Database, entries: list[JournalEntry], *, flat: bool) -> ReportTable:
    """A line per account of each entry. On paper (``flat=False``) the entry's day, number,
    kind and text stand on its first line only, as in a journal book; in a spreadsheet
    every line carries them, to sort and filter by."""
    names = {a.code: a.name for a in books.accounts(db)}
    reversed_by = {e.reverses: e.number for e in entries if e.reverses}
    columns = (Column(_("Tanggal")), Column(_("Nomor"), weight=2), Column(_("Jenis")),
               Column(_("Keterangan"), weight=3), Column(_("Akun")),
               Column(_("Nama akun"), weight=2), Column(_("Debit (Rp)"), MONEY),
               Column(_("Kredit (Rp)"), MONEY))
    lines = []
    for entry in entries:
        head = (day_text(date.fromisoformat(entry.entry_date)), entry.number,
                books.entry_kind_label(entry.kind), _entry_text(entry, reversed_by))
        for n, (code, amount) in enumerate(entry.lines):
            cells = head if flat or n == 0 else ("", "", "", "")
            # On paper the accounts credited stand indented under those debited.
            name = names.get(code, code)
            lines.append(data(*cells, code, name if flat or amount > 0 else "    " + name,
                              amount if amount > 0 else None, -amount if amount < 0 else None))
    if entries:
        debit = sum(a for e in entries for _c, a in e.lines if a > 0)
        lines.append(total(_("Jumlah"), ngettext("{n} jurnal", "{n} jurnal", len(entries))
                           .format(n=len(entries)), "", "", "", "", debit, debit))
    return ReportTable(columns, tuple(lines), sheet=_("Jurnal bendahara"),
                       empty=_("Tidak ada jurnal bendahara pada periode ini."))


def write_journal(db: Database, out, date_from, date_to, fmt: str = "pdf", *,
                  printed_by: User) -> Path:
    """Daftar jurnal dan biaya: the treasurer's own entries of the period (expenses, other
    income, opening balances, cash to the bank, reversals) with their lines."""
    first, last = begin_report(db, out, fmt, printed_by, date_from, date_to)
    entries = books.list_entries(db, first, last)
    paper = journal_table(db, entries, flat=False)
    sheet = journal_table(db, entries, flat=True)
    note = Note(_("Hanya jurnal yang dicatat bendahara. Penjualan, pembelian, persediaan,"
                  " simpanan dan bon dibukukan langsung dari transaksinya dan tidak tercantum"
                  " di sini. Jurnal tidak pernah diubah: kesalahan dibetulkan dengan jurnal"
                  " pembalik."))
    document = Document(_("DAFTAR JURNAL DAN BIAYA"), (paper, note, signatures(printed_by)),
                        period=period_text(first, last), landscape=True)
    return save_book_report(db, out, fmt, printed_by, document, (sheet,))
