"""The books read back as the treasurer reads them: the cash and bank books, the PHU, the
neraca, the trial balance and the journal list, each as a PDF (pdftotext), a workbook
(openpyxl) and a CSV, against the figures of the ledger. A period that is reversed or not
over yet, a wrong format or a person without the right gets no file.
"""

from __future__ import annotations

import csv
import re
import subprocess
from datetime import date, timedelta

import openpyxl
import pytest
from books_shop import ELECTRICITY, on

from app.models import books, ledger
from app.models.books import Account
from app.models.errors import PermissionDenied, UserError
from app.reports.books_reports import (
    write_cashbook,
    write_journal,
    write_trial_balance,
)
from app.reports.statement_reports import (
    balance_words,
    write_neraca,
    write_phu,
    year_before,
)
from app.reports.xlsx import RUPIAH_FORMAT

NUMBER = re.compile(r"^-?\d{1,3}(?:\.\d{3})*$")
DAY = re.compile(r"^\d\d/\d\d/\d{4}\b")


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


# --- reading the files back ----------------------------------------------------------------


def pdf_text(path) -> str:
    text = subprocess.run(["pdftotext", "-layout", "-nodiag", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.replace("\u2007", " ").replace("\u2008", " ")


def amounts(line: str) -> list[int]:
    """The amounts at the end of a printed table line (``1.250.000``, ``-50``)."""
    cells = line.split()
    found = []
    while cells and NUMBER.match(cells[-1]):
        found.insert(0, int(cells.pop().replace(".", "")))
    return found


def table_row(text: str, *labels: str) -> str:
    """The one table line holding every label (the summary above tables says "Rp")."""
    found = [line for line in text.splitlines()
             if all(label in line for label in labels) and "Rp" not in line]
    assert len(found) == 1, (labels, found)
    return found[0]


def summary_amount(text: str, label: str) -> int:
    """``Saldo akhir   Rp410.005.000`` in the fields above the table."""
    match = re.search(re.escape(label) + r"\s+Rp(-?[\d.]+)", text)
    assert match, label
    return int(match.group(1).replace(".", ""))


def csv_rows(path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def sheet_rows(path) -> tuple[list, list[list], object]:
    """The only sheet's header (row 5) and the rows under it, and the sheet."""
    book = openpyxl.load_workbook(path)
    assert len(book.worksheets) == 1
    ws = book.worksheets[0]
    assert ws.freeze_panes == "A6"
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A5:")
    return [c.value for c in ws[5]], [[c.value for c in r] for r in ws.iter_rows(min_row=6)], ws


def number(cell: str) -> int:
    return int(cell) if cell else 0


def write_all(writer, folder, name, *args, **kwargs) -> dict[str, object]:
    return {fmt: writer(*args[:1], folder / f"{name}.{fmt}", *args[1:], fmt, **kwargs)
            for fmt in ("pdf", "xlsx", "csv")}


# --- the cash and bank books ---------------------------------------------------------------


@pytest.mark.parametrize("book, accounts", [("cash", books.CASH), ("bank", (books.BANK,))])
def test_the_book_on_paper_in_the_sheet_and_in_the_csv_is_the_ledgers_book(
        busy, books_template, treasurer, out, book, accounts):
    first, last = books_template.today - timedelta(days=9), books_template.today - timedelta(days=1)
    model = ledger.cash_book(busy, first, last, accounts)
    files = write_all(write_cashbook, out, book, busy, first, last, printed_by=treasurer,
                      book=book)
    assert model.lines and model.money_in and model.money_out

    header, rows = csv_rows(files["csv"])
    assert header == ["Tanggal", "Nomor", "Keterangan", "Masuk (Rp)", "Keluar (Rp)",
                      "Saldo (Rp)"]
    assert rows[0][2] == "Saldo awal" and number(rows[0][5]) == model.opening
    assert [(number(r[3]), number(r[4]), number(r[5])) for r in rows[1:]] == [
        (x.money_in, x.money_out, x.balance) for x in model.lines]
    assert [r[1] for r in rows[1:]] == [x.number for x in model.lines]

    header_x, sheet, ws = sheet_rows(files["xlsx"])
    assert header_x == header
    body, last_row = sheet[:-1], sheet[-1]
    assert [[v if v is not None else "" for v in r[:3]] for r in body] == [r[:3] for r in rows]
    assert [[v or 0 for v in r[3:]] for r in body] == [
        [number(c) for c in r[3:]] for r in rows]
    assert last_row[3:] == [model.money_in, model.money_out, model.closing]
    assert ws.cell(row=6, column=6).number_format == RUPIAH_FORMAT

    text = pdf_text(files["pdf"])
    title = "BUKU KAS" if book == "cash" else "BUKU BANK"
    assert title in text
    assert f"Periode {first:%d/%m/%Y} – {last:%d/%m/%Y}" in text
    printed = [line for line in text.splitlines() if DAY.match(line.strip())]
    # Every line's running balance, in order, as in the CSV (a long text may wrap, the
    # amounts stay on the line that carries the day).
    assert [amounts(line)[-1] for line in printed] == [number(r[5]) for r in rows]
    assert amounts(table_row(text, "Jumlah", "Saldo akhir")) == [
        model.money_in, model.money_out, model.closing]
    for label, value in (("Saldo awal", model.opening), ("Uang masuk", model.money_in),
                         ("Uang keluar", model.money_out), ("Saldo akhir", model.closing)):
        assert summary_amount(text, label) == value
    assert "Halaman 1 dari" in text and "Dicetak oleh Dewi Lestari" in text


def test_the_cash_book_ends_where_the_neraca_puts_the_cash_and_names_the_drawer_part(
        busy, books_template, treasurer, out):
    path = write_cashbook(busy, out / "kas.pdf", books_template.days["opening"], books_template.today,
                          printed_by=treasurer)
    text = pdf_text(path)
    sheet = ledger.balance_sheet(busy, books_template.today)
    cash = {a.code: v for a, v in sheet.assets}
    assert summary_amount(text, "Saldo akhir") == cash["1101"] + cash["1102"]
    assert summary_amount(text, "Di laci kasir") == cash["1101"]
    assert summary_amount(text, "Di kas bendahara") == cash["1102"]
    # What the treasurer entered stands in the book in its own words.
    assert amounts(table_row(text, "Listrik dan air bulan lalu"))[:1] == [ELECTRICITY]
    assert "Kas kurang saat tutup shift" in text or "Kas lebih saat tutup shift" in text
    assert "Penjualan tunai (shift)" in text


# --- PHU --------------------------------------------------------------------------------------


def test_the_phu_adds_down_to_the_surplus_on_paper_in_the_sheet_and_in_the_csv(
        busy, books_template, treasurer, out):
    first, last = books_template.days["opening"], books_template.today
    model = ledger.income_statement(busy, first, last)
    files = write_all(write_phu, out, "phu", busy, first, last, printed_by=treasurer)

    header, rows = csv_rows(files["csv"])
    assert header == ["Akun", "Uraian", "Periode ini (Rp)"]       # no data a year ago
    by_code = {r[0]: int(r[2]) for r in rows}
    assert sum(by_code.values()) == model.surplus
    assert by_code["4101"] - by_code.get("4102", 0) > 0
    assert by_code["5101"] == -model.cogs
    assert by_code["6101"] == -ELECTRICITY
    assert by_code["4201"] > 0
    assert set(by_code) == {"4101", "4102", "5101"} | {
        a.code for a, v in model.income if v} | {a.code for a, _v in model.expenses}

    header_x, sheet, ws = sheet_rows(files["xlsx"])
    assert header_x == header
    data = [r for r in sheet if r[0] and r[2] is not None]       # not the group headings
    assert [(r[0], r[2]) for r in data] == [(r[0], int(r[2])) for r in rows]
    sums = {r[1]: r[2] for r in sheet if not r[0] and r[2] is not None}
    assert sums["Penjualan bersih"] == model.net_sales
    assert sums["Laba kotor"] == model.gross_margin
    assert sums["Jumlah pendapatan lain"] == model.other_income
    assert sums["Jumlah beban usaha"] == -model.total_expenses
    assert sums["SHU periode ini"] == model.surplus > 0

    text = pdf_text(files["pdf"])
    assert "PERHITUNGAN HASIL USAHA" in text
    for code, value in by_code.items():
        assert amounts(table_row(text, code + " "))[-1] == value, code
    for label, value in (("Penjualan bersih", model.net_sales),
                         ("Laba kotor", model.gross_margin),
                         ("Jumlah beban usaha", -model.total_expenses),
                         ("SHU periode ini", model.surplus)):
        assert amounts(table_row(text, label)) == [value], label
    assert "kolom pembanding tidak ditampilkan" in text


def test_the_phu_compares_with_the_same_days_a_year_earlier_when_there_were_any(
        busy, books_template, treasurer, out):
    last = books_template.today
    first = last - timedelta(days=6)
    a_year_ago = year_before(last - timedelta(days=2))
    with on(a_year_ago):
        books.record_expense(busy, user=treasurer, day=a_year_ago, account="6103",
                             amount=400_000, method="cash", memo="Sewa tempat tahun lalu")
    files = write_all(write_phu, out, "phu", busy, first, last, printed_by=treasurer)
    header, rows = csv_rows(files["csv"])
    assert header == ["Akun", "Uraian", "Periode ini (Rp)", "Tahun lalu (Rp)"]
    by_code = {r[0]: (int(r[2]), int(r[3])) for r in rows}
    assert by_code["6103"] == (0, -400_000)
    assert sum(v[1] for v in by_code.values()) == -400_000
    text = pdf_text(files["pdf"])
    assert amounts(table_row(text, "6103 ")) == [0, -400_000]
    assert amounts(table_row(text, "periode ini", "SHU")) == [
        ledger.income_statement(busy, first, last).surplus, -400_000]
    assert "SHU (rugi) periode ini" in text
    assert "Kolom tahun lalu: Periode {} – {}".format(
        f"{year_before(first):%d/%m/%Y}", f"{year_before(last):%d/%m/%Y}") in text


def test_a_year_earlier_of_the_29th_of_february_is_the_28th():
    assert year_before(date(2028, 2, 29)) == date(2027, 2, 28)
    assert year_before(date(2027, 3, 1)) == date(2026, 3, 1)


# --- neraca ------------------------------------------------------------------------------------


def test_the_neraca_on_paper_and_in_the_sheet_balances_and_says_so(
        busy, books_template, treasurer, out):
    day = books_template.days["income"]
    model = ledger.balance_sheet(busy, day)
    files = write_all(write_neraca, out, "neraca", busy, day, printed_by=treasurer)

    header, rows = csv_rows(files["csv"])
    assert header == ["Kelompok", "Akun", "Uraian", "Jumlah (Rp)"]
    groups: dict[str, int] = {}
    for kind, _code, _name, amount in rows:
        groups[kind] = groups.get(kind, 0) + int(amount)
    assert groups == {"Aset": model.total_assets, "Kewajiban": model.total_liabilities,
                      "Ekuitas": model.total_equity}
    assert groups["Aset"] == groups["Kewajiban"] + groups["Ekuitas"]
    shu = {r[2]: int(r[3]) for r in rows if not r[1]}
    assert shu == {"SHU tahun berjalan": model.surplus_this_year,
                   "SHU tahun lalu belum dibagi": model.surplus_before}
    equipment = next(r for r in rows if r[1] == "1210")
    assert int(equipment[3]) > 0

    header_x, sheet, _ws = sheet_rows(files["xlsx"])
    assert header_x == header
    assert [[c or "" for c in r[:3]] + [r[3]] for r in sheet if r[0]] == [
        [*r[:3], int(r[3])] for r in rows]
    assert sheet[-1][2].startswith("Selisih") and sheet[-1][3] == 0

    text = pdf_text(files["pdf"])
    assert f"Per {day:%d/%m/%Y}" in text
    assert amounts(table_row(text, "Jumlah aset")) == [model.total_assets]
    assert amounts(table_row(text, "Jumlah kewajiban dan ekuitas")) == [
        model.total_liabilities + model.total_equity]
    assert amounts(table_row(text, "Selisih aset")) == [0]
    assert "Seimbang: aset = kewajiban + ekuitas = Rp" in text
    for a, v in model.assets:
        assert amounts(table_row(text, a.code + " "))[-1] == v


def test_a_neraca_that_does_not_balance_says_by_how_much():
    account = Account("1102", "Kas bendahara", "asset", True, True)
    capital = Account("3201", "Modal", "equity", True, True)
    sheet = ledger.BalanceSheet(date(2026, 11, 1), ((account, 1_000_000),), (),
                                ((capital, 990_000),), 0, 0)
    assert not sheet.balanced
    words = balance_words(sheet)
    assert words.startswith("TIDAK SEIMBANG") and "Rp10.000" in words and "besar" in words


# --- trial balance and journal -----------------------------------------------------------------


def test_the_trial_balance_sums_debit_equal_to_credit_in_each_pair(
        busy, books_template, treasurer, out):
    first, last = books_template.days["savings"], books_template.today
    model = ledger.trial_balance(busy, first, last)
    files = write_all(write_trial_balance, out, "ns", busy, first, last, printed_by=treasurer)
    header, rows = csv_rows(files["csv"])
    assert len(header) == 8 and header[0] == "Akun"
    assert [r[0] for r in rows] == [t.account.code for t in model]
    for r, t in zip(rows, model, strict=True):
        assert number(r[2]) - number(r[3]) == t.opening
        assert (number(r[4]), number(r[5])) == (t.debit, t.credit)
        assert number(r[6]) - number(r[7]) == t.closing
    sums = [sum(number(r[i]) for r in rows) for i in range(2, 8)]
    assert sums[0] == sums[1] and sums[2] == sums[3] and sums[4] == sums[5] > 0
    _h, sheet, _ws = sheet_rows(files["xlsx"])
    assert sheet[-1][0] == "Jumlah" and sheet[-1][2:] == sums
    text = pdf_text(files["pdf"])
    assert amounts(table_row(text, "Jumlah")) == sums
    assert text.count("debit = kredit = Rp") == 3


def test_the_journal_lists_each_entry_with_its_lines(busy, books_template, treasurer, out):
    first, last = books_template.days["opening"], books_template.today
    entries = books.list_entries(busy, first, last)
    files = write_all(write_journal, out, "jurnal", busy, first, last, printed_by=treasurer)
    header, rows = csv_rows(files["csv"])
    assert header[:4] == ["Tanggal", "Nomor", "Jenis", "Keterangan"]
    assert [(r[1], r[4], number(r[6]) - number(r[7])) for r in rows] == [
        (e.number, code, amount) for e in entries for code, amount in e.lines]
    assert sum(number(r[6]) for r in rows) == sum(number(r[7]) for r in rows)
    wages = next(e for e in entries if e.id == books_template.wages_entry)
    reversal = next(e for e in entries if e.reverses == wages.id)
    text = pdf_text(files["pdf"])
    assert f"dibalik dengan {reversal.number}" in text
    assert "ref. SLIP 0042" in text
    # On paper the entry's number stands once, on its first line.
    assert text.count(wages.number) == 2          # its own line and the reversal's text
    total = sum(number(r[6]) for r in rows)
    assert amounts(table_row(text, "Jumlah", "jurnal")) == [total, total]
    _h, sheet, _ws = sheet_rows(files["xlsx"])
    assert sheet[-1][-2:] == [total, total]


def test_a_period_without_entries_prints_an_empty_journal(shop, bendahara, out):
    today = ledger.shop_today(shop)
    path = write_journal(shop, out / "j.pdf", today, today, printed_by=bendahara)
    assert "Tidak ada jurnal bendahara pada periode ini." in pdf_text(path)


# --- refusals -----------------------------------------------------------------------------------


def test_a_reversed_or_unfinished_period_a_wrong_format_or_a_cashier_gets_no_file(
        shop, bendahara, kasir, out):
    today = ledger.shop_today(shop)
    yesterday, tomorrow = today - timedelta(days=1), today + timedelta(days=1)
    ranged = (write_cashbook, write_phu, write_trial_balance, write_journal)
    for writer in ranged:
        for first, last, said in ((today, yesterday, "sesudah"),
                                  (yesterday, tomorrow, "belum tiba"),
                                  ("kemarin", today, "tidak valid")):
            target = out / f"{writer.__name__}.pdf"
            with pytest.raises(UserError, match=said):
                writer(shop, target, first, last, printed_by=bendahara)
            assert not target.exists()
        with pytest.raises(UserError, match="Format"):
            writer(shop, out / "x.doc", today, today, "doc", printed_by=bendahara)
        with pytest.raises(PermissionDenied):
            writer(shop, out / "x.pdf", today, today, printed_by=kasir)
    with pytest.raises(UserError, match="kas atau bank"):
        write_cashbook(shop, out / "k.pdf", today, today, printed_by=bendahara, book="laci")
    with pytest.raises(UserError, match="belum terjadi"):
        write_neraca(shop, out / "n.pdf", tomorrow, printed_by=bendahara)
    with pytest.raises(PermissionDenied):
        write_neraca(shop, out / "n.pdf", today, printed_by=kasir)
    with pytest.raises(UserError, match="Folder"):
        write_neraca(shop, out / "nowhere" / "n.pdf", today, printed_by=bendahara)
    assert list(out.iterdir()) == []
