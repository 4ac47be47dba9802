"""The cooperative's two statements for the RAT: the PHU (laporan perhitungan hasil usaha)
of a period and the neraca (laporan posisi keuangan) at the end of a day.

In the PHU every amount is signed by what it does to the SHU — sales plus, returns, the
cost of goods and the expenses minus — so the column adds down to the SHU, on paper and in
a spreadsheet alike (the CSV holds the account lines only, and they too sum to the SHU).
A column for the same days a year earlier is added when the books hold anything for them.

Figures come from :mod:`app.models.ledger`; this module only arranges them. Imports the
domain, ``app.i18n`` and ``app.reports``; never Qt.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.i18n import _
from app.models import books, ledger
from app.models.books import Account
from app.models.db import Database
from app.models.money import format_rupiah
from app.models.report_aging import check_as_of
from app.models.users import User, require
from app.reports.books_reports import begin_report, save_book_report, signatures
from app.reports.document_pdf import Document, Fields, Note, day_text, period_text
from app.reports.output import check_format, check_target
from app.reports.tabular import MONEY, Column, Line, ReportTable, data, group, subtotal, total

# --- PHU ------------------------------------------------------------------------------------


def year_before(day: date) -> date:
    """The same day a year earlier (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def comparison(db: Database, first: date, last: date) -> ledger.IncomeStatement | None:
    """The same days a year earlier, when the books hold anything for them."""
    before_first, before_last = year_before(first), year_before(last)
    if not ledger.lines(db, before_first, before_last):
        return None
    return ledger.income_statement(db, before_first, before_last)


def _signed(statement: ledger.IncomeStatement) -> dict[str, int]:
    """Each account's amount as it counts towards the SHU (costs minus)."""
    found = {a.code: v for a, v in statement.income}
    found[books.COGS] = -statement.cogs
    found.update({a.code: -v for a, v in statement.expenses})
    return found


def _surplus_label(values: list[int]) -> str:
    if all(v >= 0 for v in values):
        return _("SHU periode ini")
    if all(v < 0 for v in values):
        return _("Rugi periode ini")
    return _("SHU (rugi) periode ini")


def phu_table(db: Database, now: ledger.IncomeStatement,
              before: ledger.IncomeStatement | None) -> ReportTable:
    """Sales, returns, net sales, cost of goods, gross margin, other income, each expense
    and the SHU; with a column a year earlier when ``before`` is given."""
    statements = [s for s in (now, before) if s is not None]
    signed = [_signed(s) for s in statements]
    columns = (Column(_("Akun")), Column(_("Uraian"), weight=3),
               Column(_("Periode ini (Rp)"), MONEY),
               *((Column(_("Tahun lalu (Rp)"), MONEY),) if before else ()))

    def account_line(account: Account) -> Line:
        return data(account.code, account.name, *(s.get(account.code, 0) for s in signed))

    def sum_line(style, label: str, values) -> Line:
        return style("", label, *values)

    used = {code for s in signed for code, v in s.items() if v}
    by_code = {a.code: a for a in books.accounts(db)}
    other_income = [a for a in books.accounts(db, kind="income")
                    if a.code not in (books.SALES, books.SALES_RETURNS) and a.code in used]
    expenses = [a for a in books.accounts(db, kind="expense")
                if a.code != books.COGS and a.code in used]
    lines = [group(_("Penjualan")),
             account_line(by_code[books.SALES]), account_line(by_code[books.SALES_RETURNS]),
             sum_line(subtotal, _("Penjualan bersih"), (s.net_sales for s in statements)),
             account_line(by_code[books.COGS]),
             sum_line(subtotal, _("Laba kotor"), (s.gross_margin for s in statements)),
             group(_("Pendapatan lain")),
             *(account_line(a) for a in other_income),
             sum_line(subtotal, _("Jumlah pendapatan lain"),
                      (s.other_income for s in statements)),
             group(_("Beban usaha")),
             *(account_line(a) for a in expenses),
             sum_line(subtotal, _("Jumlah beban usaha"),
                      (-s.total_expenses for s in statements)),
             sum_line(total, _surplus_label([s.surplus for s in statements]),
                      (s.surplus for s in statements))]
    return ReportTable(columns, tuple(lines), sheet=_("PHU"))


def write_phu(db: Database, out, date_from, date_to, fmt: str = "pdf", *,
              printed_by: User) -> Path:
    """Laporan perhitungan hasil usaha of the days ``date_from``..``date_to``."""
    first, last = begin_report(db, out, fmt, printed_by, date_from, date_to)
    now = ledger.income_statement(db, first, last)
    before = comparison(db, first, last)
    table = phu_table(db, now, before)
    summary = Fields(((_("Penjualan bersih"), format_rupiah(now.net_sales)),
                      (_("Laba kotor"), format_rupiah(now.gross_margin)),
                      (_("Beban usaha"), format_rupiah(now.total_expenses)),
                      (_surplus_label([now.surplus]), format_rupiah(now.surplus))))
    text = _("Angka minus mengurangi SHU; kolom dijumlah dari atas ke bawah. Penjualan, retur"
             " dan harga pokok diambil dari transaksi kasir; beban dari jurnal bendahara"
             " serta selisih kas, susut dan kekurangan barang titipan yang dicatat sistem."
             " SHU ini sebelum dibagi menurut AD/ART.")
    if before is not None:
        text += " " + _("Kolom tahun lalu: {period}.").format(
            period=period_text(before.date_from, before.date_to))
    else:
        text += " " + _("Buku belum berisi transaksi untuk periode yang sama tahun lalu,"
                        " jadi kolom pembanding tidak ditampilkan.")
    document = Document(_("PERHITUNGAN HASIL USAHA"),
                        (summary, table, Note(text), signatures(printed_by)),
                        period=period_text(first, last))
    return save_book_report(db, out, fmt, printed_by, document, (table,))


# --- neraca ---------------------------------------------------------------------------------


def _equity_lines(sheet: ledger.BalanceSheet) -> list[tuple[str, str, int]]:
    """(code, name, amount) of equity, with the two surpluses no account holds."""
    return [*((a.code, a.name, v) for a, v in sheet.equity),
            ("", _("SHU tahun berjalan"), sheet.surplus_this_year),
            ("", _("SHU tahun lalu belum dibagi"), sheet.surplus_before)]


def _sections(sheet: ledger.BalanceSheet):
    """(kind label, its lines, the label of its sum, the sum) for assets, liabilities and
    equity."""
    return ((books.kind_label("asset"), [(a.code, a.name, v) for a, v in sheet.assets],
             _("Jumlah aset"), sheet.total_assets),
            (books.kind_label("liability"), [(a.code, a.name, v) for a, v in sheet.liabilities],
             _("Jumlah kewajiban"), sheet.total_liabilities),
            (books.kind_label("equity"), _equity_lines(sheet), _("Jumlah ekuitas"),
             sheet.total_equity))


def difference(sheet: ledger.BalanceSheet) -> int:
    return sheet.total_assets - sheet.total_liabilities - sheet.total_equity


def neraca_table(sheet: ledger.BalanceSheet, *, flat: bool) -> ReportTable:
    """On paper a section per kind under its heading; in a spreadsheet each line also
    names its section, to filter by."""
    lead = (Column(_("Kelompok")),) if flat else ()
    columns = (*lead, Column(_("Akun")), Column(_("Uraian"), weight=3),
               Column(_("Jumlah (Rp)"), MONEY))
    lines: list[Line] = []
    for kind, rows, label, amount in _sections(sheet):
        first = (kind,) if flat else ()
        blank = ("",) if flat else ()
        if not flat:
            lines.append(group(kind))
        lines += [data(*first, code, name, value) for code, name, value in rows]
        lines.append(subtotal(*blank, "", label, amount))
    blank = ("",) if flat else ()
    lines.append(total(*blank, "", _("Jumlah kewajiban dan ekuitas"),
                       sheet.total_liabilities + sheet.total_equity))
    lines.append(total(*blank, "", _("Selisih aset dengan kewajiban dan ekuitas (harus 0)"),
                       difference(sheet)))
    return ReportTable(columns, tuple(lines), sheet=_("Neraca"))


def balance_words(sheet: ledger.BalanceSheet) -> str:
    off = difference(sheet)
    if not off:
        return _("Seimbang: aset = kewajiban + ekuitas = {amount}").format(
            amount=format_rupiah(sheet.total_assets))
    if off > 0:
        text = _("TIDAK SEIMBANG: aset lebih besar {amount} dari kewajiban + ekuitas.")
    else:
        text = _("TIDAK SEIMBANG: aset lebih kecil {amount} dari kewajiban + ekuitas.")
    return text.format(amount=format_rupiah(abs(off))) + " " + _(
        "Jalankan pemeriksaan data (gerai check).")


def write_neraca(db: Database, out, as_of, fmt: str = "pdf", *, printed_by: User) -> Path:
    """Laporan posisi keuangan at the end of ``as_of`` (None: today)."""
    require(printed_by, "report.finance")
    check_format(fmt)
    check_target(out)
    as_of = check_as_of(db, as_of)
    sheet = ledger.balance_sheet(db, as_of)
    paper, flat = neraca_table(sheet, flat=False), neraca_table(sheet, flat=True)
    summary = Fields(((_("Jumlah aset"), format_rupiah(sheet.total_assets)),
                      (_("Kewajiban + ekuitas"),
                       format_rupiah(sheet.total_liabilities + sheet.total_equity)),
                      (_("Pemeriksaan"), balance_words(sheet))), columns=1)
    note = Note(_("SHU tahun berjalan = hasil usaha sejak 1 Januari {year} sampai tanggal"
                  " neraca. SHU tahun lalu belum dibagi = hasil tahun-tahun sebelumnya yang"
                  " pembagiannya belum dicatat di jurnal. Simpanan pokok dan wajib termasuk"
                  " ekuitas; simpanan sukarela termasuk kewajiban.").format(year=as_of.year))
    document = Document(_("POSISI KEUANGAN (NERACA)"),
                        (summary, paper, note, signatures(printed_by)),
                        period=_("Per {day}").format(day=day_text(as_of)))
    return save_book_report(db, out, fmt, printed_by, document, (flat,))
