"""Jurnal & biaya by keys, as the treasurer works: F2 an expense, F3 other income, F4 an
opening balance typed in the grid with its sums shown as she types, F6 a reversal with its
reason, F7 cash to the bank, F9 a new expense account; PgUp/PgDn the months. What the
domain refuses is said on the screen and nothing is written.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from app.models import books, journal_input, ledger
from app.models.settings import shop_today
from app.ui.expense_dialog import AccountDialog, BankDepositDialog, ExpenseDialog
from app.ui.journal_entry_dialog import GeneralEntryDialog
from app.ui.journal_page import JournalPage, month_after
from app.ui.main_window import MainWindow

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier


def database_state(db) -> str:
    return "\n".join(db.conn.iterdump())


def open_page(keys, session) -> JournalPage:
    page = JournalPage(session)
    page.resize(1100, 650)
    keys.show(page, page.table)
    return page


def answer(dialogs, what: str, seen: list) -> None:
    """A message box: note its text, then Enter."""
    def handle(box: QMessageBox):
        seen.append(box.text())
        dialogs.keys.press(Key.Key_Return)

    dialogs.expect(what, handle, kind=QMessageBox)


def pick(keys, combo, data) -> None:
    """Down (or Up) in a combo box until ``data`` is chosen, as by hand."""
    assert keys.focused() is combo
    keys.press(Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentData() == data:
            return
        keys.press(Key.Key_Down)
    raise AssertionError(f"{data} is not offered")


# --- F2 an expense ---------------------------------------------------------------------------


def test_the_treasurer_enters_an_expense_by_keys(bendahara_session, keys, dialogs):
    db = bendahara_session.db
    today = shop_today(db)
    page = open_page(keys, bendahara_session)
    assert page.table.rowCount() == 0
    surplus = ledger.income_statement(db, today, today).surplus
    cash = ledger.cash_book(db, today, today).closing

    def expense(dialog: ExpenseDialog):
        offered = [dialog.account.itemData(i) for i in range(dialog.account.count())]
        assert "6101" in offered and not {"5101", "6106", "6107", "6108", "6110"} & set(offered)
        pick(keys, dialog.account, "6101")
        keys.press(Key.Key_Return)                   # Enter goes on to the amount
        assert keys.focused() is dialog.amount
        keys.type("350.000")
        keys.press(Key.Key_Return)
        assert keys.focused() is dialog.method and dialog.method.currentData() == "cash"
        keys.press(Key.Key_Return)
        keys.press(Key.Key_Return)                   # no reference for cash
        assert keys.focused() is dialog.memo
        keys.type("Listrik dan air Oktober")
        keys.press(Key.Key_S, CTRL)

    dialogs.expect("expense", expense, kind=ExpenseDialog)
    keys.press(Key.Key_F2)
    dialogs.check()
    [entry] = books.list_entries(db)
    assert (entry.kind, entry.lines) == ("expense", (("6101", 350_000), ("1102", -350_000)))
    assert page.table.rowCount() == 1
    assert page.table.item(0, 4).text() == "350.000"
    assert page.table.item(0, 3).text() == "Listrik dan air Oktober"
    assert page.message.text() == f"Biaya {entry.number} tercatat: Rp350.000."
    assert page.lines.rowCount() == 2 and page.lines.item(1, 3).text() == "350.000"
    assert ledger.income_statement(db, today, today).surplus == surplus - 350_000
    assert ledger.cash_book(db, today, today).closing == cash - 350_000
    assert keys.focused() is page.table


def test_a_transfer_without_its_reference_is_refused_under_the_field_and_writes_nothing(
        bendahara_session, keys, dialogs, shop_db):
    page = open_page(keys, bendahara_session)
    before = database_state(shop_db)
    seen = {}

    def expense(dialog: ExpenseDialog):
        pick(keys, dialog.account, "6102")
        keys.press(Key.Key_Return)
        keys.type("1.500.000")
        keys.press(Key.Key_Return)
        pick(keys, dialog.method, "transfer")
        keys.press(Key.Key_Tab)
        keys.press(Key.Key_Tab)
        keys.type("Honor kasir")
        keys.press(Key.Key_S, CTRL)
        assert dialog.isVisible()
        seen["error"] = dialog.form.errors["reference"].text()
        seen["state"] = database_state(shop_db)
        assert keys.focused() is dialog.reference
        keys.type("TRF 0921")
        keys.press(Key.Key_S, CTRL)

    dialogs.expect("expense", expense, kind=ExpenseDialog)
    keys.press(Key.Key_F2)
    dialogs.check()
    assert seen["error"] == "Transfer perlu nomor referensi dari slip atau mutasi bank."
    assert seen["state"] == before
    [entry] = books.list_entries(shop_db)
    assert entry.reference == "TRF 0921" and entry.lines[1] == ("1110", -1_500_000)
    assert page.table.item(0, 3).text() == "Honor kasir (TRF 0921)"


def test_a_future_day_or_a_bad_amount_is_said_under_its_field(bendahara_session, keys,
                                                               dialogs, shop_db):
    open_page(keys, bendahara_session)
    before = database_state(shop_db)
    tomorrow = shop_today(shop_db) + timedelta(days=1)
    seen = []

    def expense(dialog: ExpenseDialog):
        dialog.day.setFocus()
        dialog.day.selectAll()
        keys.type(tomorrow.strftime("%d-%m-%Y"))
        keys.press(Key.Key_Return)
        keys.press(Key.Key_Return)
        keys.type("12,5")
        dialog.memo.setFocus()
        keys.type("Ongkos angkut")
        keys.press(Key.Key_S, CTRL)
        seen.append(dialog.form.errors["amount"].text())
        assert keys.focused() is dialog.amount
        keys.type("12.500")
        keys.press(Key.Key_S, CTRL)
        seen.append(dialog.form.errors["day"].text())
        assert keys.focused() is dialog.day
        keys.press(Key.Key_Escape)

    dialogs.expect("expense", expense, kind=ExpenseDialog)
    keys.press(Key.Key_F2)
    dialogs.check()
    assert "tidak valid" in seen[0]
    assert seen[1].startswith("Tanggal") and "belum terjadi" in seen[1]
    assert database_state(shop_db) == before


# --- F3 other income, F7 to the bank, F9 a new account -------------------------------------


def test_other_income_and_cash_to_the_bank(bendahara_session, keys, dialogs, shop_db):
    page = open_page(keys, bendahara_session)
    today = shop_today(shop_db)

    def income(dialog: ExpenseDialog):
        assert dialog.windowTitle() == "Pendapatan lain"
        assert dialog.account.currentData() == "4201"
        keys.press(Key.Key_Return)
        keys.type("250000")
        dialog.memo.setFocus()
        keys.type("Sewa freezer")
        keys.press(Key.Key_S, CTRL)

    dialogs.expect("income", income, kind=ExpenseDialog)
    keys.press(Key.Key_F3)
    dialogs.check()
    held = journal_input.office_cash(shop_db, today)
    bank = ledger.balance_sheet(shop_db, today)
    seen = {}

    def deposit(dialog: BankDepositDialog):
        assert "Rp" in dialog.findChild(type(page.message), "intro").text()
        assert keys.focused() is dialog.amount
        keys.type(str(held + 1))
        keys.press(Key.Key_Return)
        keys.type("SLIP 7")
        keys.press(Key.Key_S, CTRL)
        seen["too much"] = dialog.form.errors["amount"].text()
        dialog.amount.selectAll()
        keys.type("100.000")
        keys.press(Key.Key_S, CTRL)

    dialogs.expect("deposit", deposit, kind=BankDepositDialog)
    keys.press(Key.Key_F7)
    dialogs.check()
    assert "terlalu besar" in seen["too much"]
    kinds = [page.table.item(r, 2).text() for r in range(page.table.rowCount())]
    assert kinds == ["Pendapatan lain", "Pindah kas/bank"]
    after = ledger.balance_sheet(shop_db, today)

    def asset(sheet, code):
        return next(v for a, v in sheet.assets if a.code == code)

    assert asset(after, "1110") == asset(bank, "1110") + 100_000
    assert journal_input.office_cash(shop_db, today) == held - 100_000


def test_a_new_expense_account_is_offered_at_once(bendahara_session, keys, dialogs):
    page = open_page(keys, bendahara_session)

    def account(dialog: AccountDialog):
        assert dialog.kind.currentData() == "expense"
        keys.press(Key.Key_Return)
        keys.type("6111")
        keys.press(Key.Key_Return)
        keys.type("Beban kebersihan")
        keys.press(Key.Key_S, CTRL)

    dialogs.expect("account", account, kind=AccountDialog)
    keys.press(Key.Key_F9)
    dialogs.check()
    assert page.message.text() == "Akun 6111 Beban kebersihan ditambahkan."
    offered = []

    def expense(dialog: ExpenseDialog):
        offered.extend(dialog.account.itemData(i) for i in range(dialog.account.count()))
        keys.press(Key.Key_Escape)

    dialogs.expect("expense", expense, kind=ExpenseDialog)
    keys.press(Key.Key_F2)
    dialogs.check()
    assert "6111" in offered


# --- F4 the grid ---------------------------------------------------------------------------------


def test_an_opening_balance_typed_in_the_grid_shows_its_sums_and_must_balance(
        bendahara_session, keys, dialogs, shop_db):
    page = open_page(keys, bendahara_session)
    seen = {}

    def grid(dialog: GeneralEntryDialog):
        assert dialog.kind.currentData() == "opening"
        assert keys.focused() is dialog.memo
        keys.type("Saldo awal kas, bank dan peralatan")
        keys.press(Key.Key_Tab)
        keys.press(Key.Key_Tab)
        assert keys.focused() is dialog.grid
        keys.type("1102")
        keys.press(Key.Key_Tab)
        keys.type("5.000.000")
        keys.press(Key.Key_Tab)
        keys.press(Key.Key_Tab)                      # no credit: on to the next line
        keys.type("3201")
        keys.press(Key.Key_Tab)
        keys.press(Key.Key_Tab)
        keys.type("4.000.000")
        keys.press(Key.Key_Return)
        seen["sums"] = dialog.sums.text()
        seen["names"] = [dialog.grid.item(r, 3).text() for r in range(2)]
        keys.press(Key.Key_S, CTRL)
        assert dialog.isVisible()
        seen["refused"] = dialog.lines_error.text()
        seen["state"] = database_state(shop_db)
        assert keys.focused() is dialog.grid
        dialog.grid.setCurrentCell(2, 0)
        keys.type("3301")
        keys.press(Key.Key_Tab)
        keys.press(Key.Key_Tab)
        keys.type("1.000.000")
        keys.press(Key.Key_Return)
        seen["balanced"] = dialog.sums.text()
        keys.press(Key.Key_S, CTRL)

    before = database_state(shop_db)
    dialogs.expect("grid", grid, kind=GeneralEntryDialog)
    keys.press(Key.Key_F4)
    dialogs.check()
    assert seen["sums"] == "Debit Rp5.000.000 · Kredit Rp4.000.000 · selisih Rp1.000.000"
    assert seen["names"] == ["Kas bendahara", "Modal awal dan hibah"]
    assert seen["refused"] == "Debit dan kredit tidak seimbang: selisih Rp1.000.000."
    assert seen["state"] == before
    assert seen["balanced"] == "Debit Rp5.000.000 · Kredit Rp5.000.000 · seimbang"
    [entry] = books.list_entries(shop_db)
    assert entry.kind == "opening"
    assert entry.lines == (("1102", 5_000_000), ("3201", -4_000_000), ("3301", -1_000_000))
    assert page.table.item(0, 2).text() == "Saldo awal"


def test_the_grid_refuses_an_account_kept_by_another_ledger(bendahara_session, keys, dialogs,
                                                            shop_db):
    open_page(keys, bendahara_session)
    before = database_state(shop_db)
    seen = {}

    def grid(dialog: GeneralEntryDialog):
        keys.type("Koreksi persediaan")
        dialog.grid.setFocus()
        keys.type("1130")
        keys.press(Key.Key_Tab)
        keys.type("100")
        keys.press(Key.Key_Tab)
        keys.press(Key.Key_Tab)
        keys.type("3201")
        keys.press(Key.Key_Tab)
        keys.press(Key.Key_Tab)
        keys.type("100")
        keys.press(Key.Key_S, CTRL)
        seen["name"] = dialog.grid.item(0, 3).text()
        seen["refused"] = dialog.lines_error.text()
        keys.press(Key.Key_Escape)

    dialogs.expect("grid", grid, kind=GeneralEntryDialog)
    keys.press(Key.Key_F4)
    dialogs.check()
    assert seen["name"] == "akun tidak dapat dipakai"
    assert seen["refused"] == "Baris 1: akun 1130 tidak dapat dipakai di jurnal umum."
    assert database_state(shop_db) == before


# --- F6 a reversal --------------------------------------------------------------------------------


def test_a_reversal_asks_why_and_undoes_the_entry(bendahara_session, keys, dialogs, shop_db):
    today = shop_today(shop_db)
    entry = books.record_expense(shop_db, user=bendahara_session.user, day=today,
                                 account="6105", amount=45_000, method="cash", memo="ATK")
    page = open_page(keys, bendahara_session)
    surplus = ledger.income_statement(shop_db, today, today).surplus
    before = database_state(shop_db)
    refused: list = []

    def no_reason(dialog: QInputDialog):
        assert entry.number in dialog.labelText()
        keys.press(Key.Key_Return)

    dialogs.expect("no reason", no_reason, kind=QInputDialog)
    answer(dialogs, "refused", refused)
    keys.press(Key.Key_F6)
    dialogs.check()
    assert refused == ["Alasan pembalikan harus diisi."]
    assert database_state(shop_db) == before

    def reason(dialog: QInputDialog):
        keys.type("Salah catat, ATK dibayar kas laci")
        keys.press(Key.Key_Return)

    dialogs.expect("reason", reason, kind=QInputDialog, again=True)
    keys.press(Key.Key_F6)
    dialogs.check()
    reversal = next(e for e in books.list_entries(shop_db) if e.reverses == entry.id)
    assert page.message.text() == f"{entry.number} dibalik dengan {reversal.number}."
    assert page.selected().id == reversal.id
    assert ledger.income_statement(shop_db, today, today).surplus == surplus + 45_000
    assert page.table.item(0, 0).foreground().color().name() == "#777777"


# --- the months and the window ----------------------------------------------------------------


def test_page_up_and_down_go_through_the_months(bendahara_session, keys, shop_db):
    today = shop_today(shop_db)
    books.record_expense(shop_db, user=bendahara_session.user, day=today, account="6104",
                         amount=20_000, method="cash", memo="Ongkos")
    page = open_page(keys, bendahara_session)
    assert page.table.rowCount() == 1
    keys.press(Key.Key_PageUp)
    assert page.month == month_after(today.replace(day=1), -1)
    assert page.table.rowCount() == 0
    assert "0 jurnal" in page.heading.text()
    keys.press(Key.Key_PageDown)
    assert page.table.rowCount() == 1


def test_month_after_crosses_the_years():
    assert month_after(date(2026, 12, 1), 1) == date(2027, 1, 1)
    assert month_after(date(2026, 1, 1), -1) == date(2025, 12, 1)


@pytest.mark.parametrize("role, has", [("bendahara", True), ("manajer", True), ("admin", True),
                                       ("kasir", False), ("pengawas", False)])
def test_the_journal_is_in_the_window_of_who_keeps_it_on_ctrl_j(login, keys, role, has):
    window = MainWindow(login(role))
    keys.show(window)
    labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert ("Jurnal & biaya  (Ctrl+J)" in labels) == has
    keys.press(Key.Key_J, CTRL)
    assert isinstance(window.stack.currentWidget(), JournalPage) == has
    if has:
        assert keys.focused() is window.stack.currentWidget().table
