"""Bank reconciliation as the treasurer does it: the bank's statement CSV of the shop's own
QRIS and transfer money (written here from the shop's payments, in two banks' styles), one
line the books do not know and one payment the bank never booked. Everything else matches,
one line on its amount and day alone; a broken file is refused whole and nothing is
written; the report and the dialog show the same lists.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog

from app.models import books, member_money
from app.models.bank_recon import (
    BY_AMOUNT_DATE,
    BY_REFERENCE,
    StatementLine,
    book_items,
    parse_amount_text,
    parse_statement,
    reconcile,
)
from app.models.clock import local_date
from app.models.errors import PermissionDenied, UserError, ValidationError
from app.models.members import list_members
from app.models.payables import PaymentInput, pay_invoice
from app.models.receiving import ReceiptLineInput, post_receipt
from app.models.settings import get_settings, shop_today
from app.reports.bank_recon_report import write_bank_recon
from app.ui.bank_recon_dialog import BankReconDialog
from app.ui.session import Session

FOREIGN = "BUNGA JASA GIRO"


@dataclass(frozen=True)
class Booked:
    """Money through the bank as the test reads it from the shop's own tables."""

    number: str
    day: date
    amount: int
    reference: str


@pytest.fixture
def office_money(shop, bendahara, manajer):
    """Money through the bank at the office: a supplier paid by transfer, bon repaid by
    QRIS, sukarela saved by transfer, electricity paid from the bank (a journal entry)."""
    supplier = shop.scalar("SELECT id FROM suppliers ORDER BY rowid")
    product = shop.scalar("SELECT id FROM products WHERE consigned = 0 ORDER BY rowid")
    receipt = post_receipt(shop, user=manajer, supplier_id=supplier,
                           lines=[ReceiptLineInput(product, "20", 6_150)])
    pay_invoice(shop, user=bendahara, invoice_id=receipt.invoice_id,
                payment=PaymentInput(123_000, "transfer", "TRX SUP 0001"))
    debtor = next(m for m in list_members(shop) if m.balance > 0)
    member_money.repay_credit(shop, user=bendahara, member_id=debtor.id,
                              amount=min(debtor.balance, 7_300), method="qris",
                              reference="QRBON7731")
    saver = list_members(shop)[1]
    member_money.deposit(shop, user=bendahara, member_id=saver.id, kind="sukarela",
                         amount=250_000, method="transfer", reference="TRFSAV5521")
    books.record_expense(shop, user=bendahara, day=None, account="6101", amount=351_917,
                         method="transfer", memo="Listrik bulan ini", reference="PLN998877")


@pytest.fixture
def period(shop):
    today = shop_today(shop)
    return today - timedelta(days=5), today


def booked(shop, period) -> list[Booked]:
    """Every rupiah the books say went through the bank, read here from the tables."""
    zone = get_settings(shop).zone
    start, end = (d.isoformat() for d in (period[0] - timedelta(days=1),
                                           period[1] + timedelta(days=1)))
    found = [Booked(r[0], local_date(r[1], zone), r[2], r[3]) for r in shop.query(
        "SELECT s.number, s.created_at, p.amount, CASE WHEN p.reference <> '' THEN p.reference"
        " ELSE (SELECT q.reference FROM payments q WHERE q.sale_id = s.original_id"
        "       AND q.method = p.method) END"
        " FROM payments p JOIN sales s ON s.id = p.sale_id"
        " WHERE p.method IN ('qris', 'transfer') AND s.created_at BETWEEN ? AND ?"
        " UNION ALL SELECT number, created_at, -amount, reference FROM supplier_payments"
        " WHERE method = 'transfer'"
        " UNION ALL SELECT number, created_at, amount, reference FROM credit_payments"
        " WHERE method IN ('qris', 'transfer')"
        " UNION ALL SELECT number, created_at, amount, reference FROM savings_movements"
        " WHERE method = 'transfer' ORDER BY 2", (start, end))]
    found += [Booked(r[0], date.fromisoformat(r[1]), r[2], r[3]) for r in shop.query(
        "SELECT e.number, e.entry_date, l.amount, e.reference FROM journal_entries e"
        " JOIN journal_lines l ON l.entry_id = e.id WHERE l.account = '1110'")]
    return [b for b in found if period[0] <= b.day <= period[1]]


def bank_lines(money: list[Booked]) -> tuple[list[tuple], Booked, Booked]:
    """The bank's lines (day, description, reference, amount) for ``money``: one payment
    left out, one line written without any reference, and one line the books lack."""
    missing = next(b for b in money if b.amount > 0 and b.reference.startswith("QR"))
    loose = next(b for b in money if b.reference == "PLN998877")
    lines = []
    for b in money:
        if b is missing:
            continue
        if b is loose:
            lines.append((b.day, "PEMBAYARAN TAGIHAN LISTRIK", "", b.amount))
        elif b.amount > 0:
            lines.append((b.day, f"QRIS/TRF MASUK {b.reference.lower()}", "", b.amount))
        else:
            lines.append((b.day, "TRSF E-BANKING DB", b.reference.replace(" ", ""), b.amount))
    lines.append((money[0].day, FOREIGN, "", 1_235))
    return lines, missing, loose


def indonesian_csv(lines) -> str:
    """A ``;`` export with lines about the account on top and the balance at the end."""
    def amount(value: int) -> str:
        return f"{abs(value):,}".replace(",", ".") + ",00"

    out = ["Informasi Rekening - Mutasi Rekening", "No. Rekening;0123456789",
           "Nama;KOPERASI DESA MERAH PUTIH", "",
           "Tanggal;Keterangan;Referensi;Jumlah;DB/CR;Saldo"]
    for day, text, reference, value in lines:
        out.append(f"{day:%d/%m/%Y};{text};{reference};{amount(value)};"
                   f"{'CR' if value > 0 else 'DB'};10.000.000,00")
    out += ["", "Saldo Awal;;;;;1.000.000,00", "Mutasi Kredit : 12.000.000,00",
            "Saldo Akhir;;;;;10.000.000,00"]
    return "\r\n".join(out) + "\r\n"


def english_csv(lines) -> str:
    """A ``,`` export: ISO days, debit and credit in two columns, dots for decimals."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Transaction Date", "Description", "Reference No", "Debit", "Credit",
                     "Balance"])
    for day, text, reference, value in lines:
        writer.writerow([day.isoformat(), text + ", ONLINE", reference,
                         f"{-value}.00" if value < 0 else "", f"{value}.00" if value > 0 else "",
                         "10000000.00"])
    return out.getvalue()


@pytest.fixture
def statement(shop, office_money, period, tmp_path):
    money = booked(shop, period)
    lines, missing, loose = bank_lines(money)
    path = tmp_path / "mutasi.csv"
    path.write_text(indonesian_csv(lines), encoding="utf-8")
    return path, money, missing, loose


def test_the_shops_own_payments_match_but_a_foreign_line_and_a_missing_one(
        shop, statement, period, snapshot):
    path, money, missing, loose = statement
    assert len(money) > 20 and any(b.amount < 0 for b in money)
    before = snapshot(shop)
    rec = reconcile(shop, parse_statement(path), *period)
    assert snapshot(shop) == before
    assert len(rec.matched) == len(money) - 1
    assert [s.description for s in rec.unmatched_statement] == [FOREIGN]
    assert [(i.number, i.amount) for i in rec.unmatched_books] == [(missing.number,
                                                                    missing.amount)]
    loose_match = [m for m in rec.matched if m.rule == BY_AMOUNT_DATE]
    assert [(m.item.number, m.line.description) for m in loose_match] == [
        (loose.number, "PEMBAYARAN TAGIHAN LISTRIK")]
    for m in rec.matched:
        assert m.line.amount == m.item.amount
        if m.rule == BY_REFERENCE:
            written = re.sub(r"\W", "", m.line.description + m.line.reference).upper()
            assert any(re.sub(r"\W", "", k).upper() in written
                       for k in [m.item.number, *m.item.reference.split()] if len(k) >= 4)
    # Each side matched at most once.
    assert len({m.line.line_no for m in rec.matched}) == len(rec.matched)
    assert len({m.item.id for m in rec.matched}) == len(rec.matched)
    assert rec.money_in == sum(b.amount for b in money if b.amount > 0) - missing.amount + 1_235
    assert rec.money_out == -sum(b.amount for b in money if b.amount < 0)
    sources = {m.item.source for m in rec.matched}
    assert {"sale", "supplier_payment", "credit_payment", "savings", "journal"} <= sources


def test_both_banks_styles_read_the_same(shop, statement, tmp_path):
    path, money, _missing, _loose = statement
    lines, _m, _l = bank_lines(money)
    other = tmp_path / "statement.csv"
    other.write_text(english_csv(lines), encoding="utf-8")
    ours, theirs = parse_statement(path), parse_statement(other)
    assert [(s.day, s.amount, s.reference) for s in ours] == \
           [(s.day, s.amount, s.reference) for s in theirs] == \
           [(d, a, r) for d, _t, r, a in lines]
    assert ours[0].line_no == 6 and theirs[0].line_no == 2
    assert theirs[-1].description == FOREIGN + ", ONLINE"


@pytest.mark.parametrize("text, value", [
    ("1.500.000,00", 1_500_000), ("1,500,000.00", 1_500_000), ("1500000.00", 1_500_000),
    ("1500000", 1_500_000), ("1.500", 1_500), ("25.000,00 DB", -25_000),
    ("1.500.000,00 CR", 1_500_000), ("-7.300", -7_300), ("(2.500)", -2_500),
    ("Rp 15.000,-", None), ("1.234,56", 1_235), ("12,5", 13), ("abc", None),
    ("1.50.000", None), ("", None)])
def test_amounts_as_banks_write_them(text, value):
    assert parse_amount_text(text) == value


@pytest.mark.parametrize("damage, line", [
    (lambda t: t.replace("Tanggal;", "Tgl Valuta;", 1), None),          # no header
    (lambda t: t.replace(";", "|").replace("Tanggal|", "Datum|"), None),
    (lambda t: t.replace("/", "-", 2).replace("\r\n", "\r\n32/13/2026;RUSAK;;1.000,00;CR;0\r\n",
                                               5), 6),
    (lambda t: t.replace(",00;CR", ",00;XX", 1), 6),
    (lambda t: "\x00\x01PK" + t, None),
    (lambda t: "", None),
])
def test_a_broken_statement_is_refused_whole_and_nothing_is_written(
        shop, bendahara, statement, period, tmp_path, snapshot, damage, line):
    path, *_rest = statement
    broken = tmp_path / "broken.csv"
    broken.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    before = snapshot(shop)
    with pytest.raises(UserError) as refused:
        parse_statement(broken)
    if line is not None:
        assert isinstance(refused.value, ValidationError)
        assert f"Baris {line}:" in refused.value.message
    out = tmp_path / "out" / "recon.pdf"
    out.parent.mkdir()
    with pytest.raises(UserError):
        write_bank_recon(shop, out, broken, *period, printed_by=bendahara)
    assert list(out.parent.iterdir()) == []
    assert snapshot(shop) == before


def test_the_amount_alone_matches_only_when_neither_side_has_another_choice(
        shop, bendahara, period):
    one, two, three = list_members(shop)[2:5]
    for member, reference in ((one, "SAV-A-1001"), (two, "SAV-B-2002")):
        member_money.deposit(shop, user=bendahara, member_id=member.id, kind="sukarela",
                             amount=250_000, method="transfer", reference=reference)
    member_money.deposit(shop, user=bendahara, member_id=three.id, kind="sukarela",
                         amount=123_457, method="transfer", reference="SAV-C-3003")
    today = period[1]
    lines = [StatementLine(1, today, "SETORAN TUNAI", "", 250_000),      # two items fit
             StatementLine(2, today, "SETORAN", "", 123_457),             # two lines fit
             StatementLine(3, today - timedelta(days=1), "SETORAN", "", 123_457)]
    rec = reconcile(shop, lines, *period)
    assert rec.matched == ()
    assert [s.line_no for s in rec.unmatched_statement] == [1, 2, 3]
    # With the reference written, each finds its own.
    lines = [StatementLine(1, today, "SETORAN sav-b-2002", "", 250_000),
             StatementLine(2, today, "SETORAN", "SAV C 3003", 123_457),
             StatementLine(3, today, "SETORAN TUNAI", "", 250_000)]
    rec = reconcile(shop, lines, *period)
    found = {m.line.line_no: (m.item.reference, m.rule) for m in rec.matched}
    assert found == {1: ("SAV-B-2002", BY_REFERENCE), 2: ("SAV-C-3003", BY_REFERENCE),
                     3: ("SAV-A-1001", BY_AMOUNT_DATE)}


def test_a_statement_line_outside_the_period_is_set_apart(shop, period):
    lines = [StatementLine(1, period[0] - timedelta(days=30), "LAMA", "", 5_000)]
    rec = reconcile(shop, lines, *period)
    assert rec.outside == tuple(lines) and not rec.unmatched_statement
    assert len(rec.unmatched_books) == len(book_items(shop, *period))


def test_the_report_says_what_the_lists_say(shop, bendahara, statement, period, tmp_path):
    path, money, missing, _loose = statement
    rec = reconcile(shop, parse_statement(path), *period)
    pdf = write_bank_recon(shop, tmp_path / "recon.pdf", path, *period, printed_by=bendahara)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "REKONSILIASI BANK" in text and FOREIGN in text and missing.number in text
    assert "cocok jumlah/tanggal" in text
    assert f"{len(rec.matched)} mutasi (1 hanya jumlah/tanggal)" in " ".join(text.split())
    book = openpyxl.load_workbook(write_bank_recon(shop, tmp_path / "recon.xlsx", path,
                                                   *period, "xlsx", printed_by=bendahara))
    assert len(book.sheetnames) == 3
    rows = list(csv.reader(io.StringIO(write_bank_recon(
        shop, tmp_path / "recon.csv", path, *period, "csv", printed_by=bendahara)
        .read_text(encoding="utf-8-sig"))))
    statuses = [r[0] for r in rows[1:]]
    assert statuses.count("Cocok") == len(rec.matched)
    assert statuses.count("Hanya di bank") == statuses.count("Hanya di buku") == 1
    assert next(r for r in rows if r[0] == "Hanya di buku")[8] == missing.number


def test_a_cashier_may_not_print_it(shop, kasir, statement, period, tmp_path):
    with pytest.raises(PermissionDenied):
        write_bank_recon(shop, tmp_path / "x.pdf", statement[0], *period, printed_by=kasir)
    assert not (tmp_path / "x.pdf").exists()


# --- the dialog -------------------------------------------------------------------------------


def opened(qtbot, shop, user) -> BankReconDialog:
    """The dialog shown as the active window, the keyboard in it."""
    dialog = BankReconDialog(Session(shop, user, get_settings(shop)))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)
    dialog.statement.setFocus()
    return dialog


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key where the keyboard is, as a person presses it; then what the application's
    event loop does before the next key (here no loop runs between two test lines): the
    widgets finished with, such as an operation's busy bar, are deleted."""
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def test_the_dialog_shows_the_three_lists_and_saves_the_report(
        qtbot, shop, bendahara, statement, period, tmp_path, monkeypatch):
    path, money, missing, _loose = statement
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *_a: (str(path), "CSV")))
    saved = tmp_path / "saved" / "rekonsiliasi.pdf"
    saved.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *_a: (str(saved), "PDF (*.pdf)")))
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda _url: True))
    dialog = opened(qtbot, shop, bendahara)
    dialog.date_from.setText(f"{period[0]:%d-%m-%Y}")
    press(qtbot, Qt.Key.Key_F3)                    # pick the file: it is matched at once
    assert dialog.result is not None
    tabs = [dialog.tabs.tabText(i) for i in range(3)]
    assert tabs == [f"Cocok ({len(money) - 1})", "Hanya di bank (1)", "Hanya di buku (1)"]
    assert dialog.tabs.currentIndex() == 1
    assert any(FOREIGN in cell for row in dialog.panels[1].rows() for cell in row)
    assert any(missing.number in row for row in dialog.panels[2].rows())
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert saved.exists() and saved.read_bytes().startswith(b"%PDF")


def test_the_dialog_says_what_is_wrong_under_the_field(qtbot, shop, bendahara, statement):
    dialog = opened(qtbot, shop, bendahara)
    dialog.statement.setText(str(statement[0]))
    dialog.date_from.setText("31-12-2099")
    press(qtbot, Qt.Key.Key_F5)
    assert dialog.result is None
    assert dialog.errors["date_from"].isVisible() or dialog.errors["date_to"].isVisible()
    dialog.date_from.setText("01-01-2026")
    dialog.statement.setText(str(Path(statement[0]).with_name("tidak-ada.csv")))
    press(qtbot, Qt.Key.Key_F5)
    assert dialog.result is None and dialog.errors["statement"].isVisible()
