"""Buying from distributors by keys: the manager adds a supplier, orders, receives the truck
with the scanner, and the treasurer pays. Every test checks the real database afterwards.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dialogs import Dialogs, back_in
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from app.models import payables, purchasing, receiving, stock, suppliers
from app.models.clock import local_date, now_iso
from app.models.money import QTY_SCALE, format_qty, format_rupiah
from app.models.product_search import list_products
from app.models.products import get_product
from app.models.purchasing import LineInput
from app.models.receiving import ReceiptLineInput
from app.ui.main_window import MainWindow
from app.ui.po_dialog import PODialog
from app.ui.purchasing_screen import PurchasingScreen
from app.ui.receiving_dialog import ReceivingDialog
from app.ui.supplier_dialog import SupplierDialog
from app.ui.supplier_payment_dialog import SupplierPaymentDialog

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
K = QTY_SCALE
OIL, GULA, MIE = "MinyaKita 1 L", "Gula Pasir 1 kg", "Mie Instan Goreng"
#: Names no demo supplier starts with, so typing the first letters picks them alone.
SUPPLIER, NEW_SUPPLIER = "Wahana Niaga Sembako", "Yasa Distribusi Natar"


# --- the shop --------------------------------------------------------------------------------


def product(db, name: str):
    row = next(p for p in list_products(db, name, limit=20) if p.name == name)
    return get_product(db, row.id)


def dus(item):
    return item.units[0]


def database_state(db) -> str:
    return "\n".join(db.conn.iterdump())


@pytest.fixture
def supplier(shop_db, manajer_session):
    return suppliers.create_supplier(shop_db, user=manajer_session.user, data=suppliers.SupplierInput(
        name=SUPPLIER, phone="0721 123456", terms_days=30, lead_days=3))


@pytest.fixture
def oil(shop_db):
    return product(shop_db, OIL)   # a dus holds 12


@pytest.fixture
def gula(shop_db):
    return product(shop_db, GULA)  # a dus holds 20


def sent_po(db, user, supplier, *lines):
    po = purchasing.create_po(db, user=user, supplier_id=supplier.id, lines=list(lines))
    return purchasing.send_po(db, user=user, po_id=po.id)


def shop_today() -> date:
    """The shop's own day (WIB), which may not be the test machine's."""
    return local_date(now_iso(), "WIB")


def row_of(table, text: str) -> int:
    """The row of a list whose first or second column shows ``text``."""
    return next(r for r in range(table.rowCount())
                if text in (table.item(r, 0).text(), table.item(r, 1).text()))


def mine(table) -> int:
    """How many rows of a list are for the test's supplier."""
    return sum(table.item(r, 1).text() == SUPPLIER for r in range(table.rowCount()))


def later(days: int) -> str:
    return (shop_today() + timedelta(days=days)).strftime("%d-%m-%Y")


# --- modal dialogs that keys open --------------------------------------------------------------


def answer(dialogs: Dialogs, what: str, key=Key.Key_Return, seen: list | None = None) -> None:
    """A message box: note its text, then Enter (Yes / OK) or Esc (No)."""
    def handle(box: QMessageBox):
        if seen is not None:
            seen.append(box.text())
        dialogs.keys.press(key)

    dialogs.expect(what, handle, kind=QMessageBox)


# --- the screen ----------------------------------------------------------------------------------


def open_screen(keys, session) -> PurchasingScreen:
    screen = PurchasingScreen(session)
    screen.resize(1200, 700)
    keys.show(screen)
    return screen


def scan(keys, code: str) -> None:
    """A USB scanner: the digits, then Enter."""
    keys.type(code)
    keys.press(Key.Key_Return)


def cells(dialog, column_key: str) -> list[str]:
    editor = dialog.lines
    col = next(i for i, c in enumerate(editor.columns) if c.key == column_key)
    return [editor.table.item(row, col).text() for row in range(editor.table.rowCount())]


def edit_cell(keys, dialog, text: str, commit=Key.Key_Return) -> None:
    """Typing in a cell of the lines replaces what it held; Enter keeps it (once the editor
    has closed, as it does a moment later), Tab keeps it and opens the next cell."""
    keys.type(text)
    keys.press(commit)
    if commit == Key.Key_Return:
        table = dialog.lines.table
        keys.qtbot.waitUntil(lambda: table.state() != table.State.EditingState, timeout=2000)


# --- 1. a supplier and an order ----------------------------------------------------------------


def test_the_manager_adds_a_supplier_and_orders_from_them_by_keys_and_sends_the_order(
        manajer_session, keys, dialogs, shop_db, oil):
    screen = open_screen(keys, manajer_session)
    assert keys.focused() is screen.suppliers.search
    written = {}

    def add_supplier(dialog: SupplierDialog):
        assert keys.focused() is dialog.fields["name"]
        keys.type(NEW_SUPPLIER)
        keys.press(Key.Key_Tab)
        keys.type("Pak Joko")
        keys.press(Key.Key_Tab)
        keys.type("nomor saya")        # not a telephone number
        keys.press(Key.Key_S, CTRL)
        written["after refusal"] = database_state(shop_db)
        assert dialog.errors["phone"].isVisible()
        assert "Nomor telepon tidak valid" in dialog.errors["phone"].text()
        assert keys.focused() is dialog.fields["phone"]
        keys.type("0812 7788 9900")    # the wrong text was selected: typing replaces it
        for _ in range(5):             # address, bank, account, holder, terms
            keys.press(Key.Key_Tab)
        assert keys.focused() is dialog.fields["terms_days"]
        keys.type("14")
        keys.press(Key.Key_S, CTRL)

    before = database_state(shop_db)
    dialogs.expect("supplier", add_supplier, kind=SupplierDialog)
    keys.press(Key.Key_F2)
    dialogs.check()
    assert written["after refusal"] == before
    [made] = suppliers.list_suppliers(shop_db, "Yasa")
    assert (made.contact, made.phone, made.terms_days) == ("Pak Joko", "0812 7788 9900", 14)
    assert screen.suppliers.table.item(screen.suppliers.table.currentRow(), 0).text() == (
        NEW_SUPPLIER)

    keys.press(Key.Key_2, ALT)
    orders = screen.orders
    assert keys.focused() is orders.table

    def new_order(dialog: PODialog):
        assert keys.focused() is dialog.supplier
        keys.type("Yas")               # typing a name's first letters picks the supplier
        assert dialog.supplier.currentText() == NEW_SUPPLIER
        keys.press(Key.Key_Return)
        assert keys.focused() is dialog.lines.scan
        scan(keys, dus(oil).barcodes[0])
        keys.type("Mie Instan Gor")
        keys.qtbot.waitUntil(lambda: dialog.lines.suggestions.isVisible(), timeout=2000)
        assert dialog.lines.suggestions.currentItem().text().startswith(MIE)
        keys.press(Key.Key_Return)
        assert cells(dialog, "name") == [OIL, MIE]
        assert cells(dialog, "pack") == ["dus isi 12", "dus isi 40"]
        assert cells(dialog, "qty") == ["1", "1"]
        # No price from this supplier yet: the cost per dus (14.500 × 12, 2.950 × 40).
        assert cells(dialog, "price") == ["174.000", "118.000"]
        keys.press(Key.Key_Down)       # to the lines: the quantity of the last one added
        assert keys.focused() is dialog.lines.table
        keys.press(Key.Key_Up)
        edit_cell(keys, dialog, "5")
        keys.press(Key.Key_Tab)        # the pack
        keys.press(Key.Key_Tab)        # the price
        edit_cell(keys, dialog, "180000")
        assert cells(dialog, "qty") == ["5", "1"]
        assert cells(dialog, "amount") == ["900.000", "118.000"]
        assert dialog.total.text() == "Total Rp1.018.000"
        keys.press(Key.Key_S, CTRL)

    dialogs.expect("order", new_order, kind=PODialog)
    keys.press(Key.Key_F2)
    dialogs.check()
    [summary] = purchasing.list_pos(shop_db, supplier_id=made.id)
    po = purchasing.get_po(shop_db, summary.id)
    assert po.status == "draft"
    assert [(li.name, li.unit_name, li.qty, li.unit_price) for li in po.lines] == [
        (OIL, "dus", 5 * K, 180_000), (MIE, "dus", 1 * K, 118_000)]
    assert orders.message.text() == f"Pesanan {po.number}: Draf."
    row = orders.table.currentRow()
    assert orders.table.item(row, 0).text() == po.number

    keys.press(Key.Key_F6)             # send it
    assert purchasing.get_po(shop_db, po.id).status == "sent"
    assert orders.table.item(orders.table.currentRow(), 3).text() == "Terkirim"


def test_an_order_without_a_supplier_or_lines_is_refused_where_it_is_wrong(
        manajer_session, keys, dialogs, shop_db, supplier):
    screen = open_screen(keys, manajer_session)
    keys.press(Key.Key_2, ALT)
    shown = screen.orders.table.rowCount()
    before = database_state(shop_db)

    def empty_order(dialog: PODialog):
        keys.press(Key.Key_S, CTRL)
        assert dialog.form.errors["supplier"].text() == "Pilih pemasok dulu."
        assert keys.focused() is dialog.supplier
        keys.type("Wah")
        keys.press(Key.Key_Return)
        scan(keys, "0000000000000")
        assert "tidak dikenal" in dialog.lines.error.text()
        keys.press(Key.Key_Escape)     # clears the scan field
        keys.press(Key.Key_S, CTRL)
        assert "Belum ada barang" in dialog.lines.error.text()
        keys.press(Key.Key_Escape)     # nothing typed: closes without asking

    dialogs.expect("order", empty_order, kind=PODialog)
    keys.press(Key.Key_F2)
    dialogs.check()
    assert database_state(shop_db) == before
    assert screen.orders.table.rowCount() == shown


def test_reorder_suggestions_fill_the_order_at_the_last_price(
        manajer_session, keys, dialogs, shop_db, supplier, oil):
    user = manajer_session.user
    receiving.post_receipt(shop_db, user=user, supplier_id=supplier.id, lines=[
        ReceiptLineInput(oil.id, "1", "175000", dus(oil).id)])
    with shop_db.atomic():   # the shop wants 20 dus more on the shelf than it has
        shop_db.execute("UPDATE products SET min_stock = ? WHERE id = ?",
                        (stock.on_hand(shop_db, oil.id) + 240 * K, oil.id))
    # 20 dus and what sells while the order is on its way.
    [wanted] = purchasing.reorder_suggestions(shop_db, supplier_id=supplier.id)
    assert wanted.qty >= 20 * K
    open_screen(keys, manajer_session)
    keys.press(Key.Key_2, ALT)

    def suggested(dialog: PODialog):
        keys.type("Wah")
        keys.press(Key.Key_Return)
        keys.press(Key.Key_F6)
        assert cells(dialog, "name") == [OIL]
        assert cells(dialog, "qty") == [format_qty(wanted.qty)]
        assert cells(dialog, "price") == ["175.000"]
        keys.press(Key.Key_F10)        # save and send

    dialogs.expect("order", suggested, kind=PODialog)
    keys.press(Key.Key_F2)
    dialogs.check()
    [summary] = purchasing.list_pos(shop_db, supplier_id=supplier.id)
    assert (summary.status, summary.total) == ("sent", wanted.qty // K * 175_000)


def test_a_sent_order_is_cancelled_only_with_a_reason(manajer_session, keys, dialogs, shop_db,
                                                     supplier, oil):
    po = sent_po(shop_db, manajer_session.user, supplier,
                 LineInput(oil.id, "2", "180000", dus(oil).id))
    screen = open_screen(keys, manajer_session)
    keys.press(Key.Key_2, ALT)
    screen.orders.select(po.id)
    before = database_state(shop_db)
    refused: list[str] = []

    def no_reason(dialog: QInputDialog):
        assert po.number in dialog.labelText()
        answer(dialogs, "refused", seen=refused)
        keys.press(Key.Key_Return)

    dialogs.expect("reason", no_reason, kind=QInputDialog)
    keys.press(Key.Key_F8)
    dialogs.check()
    assert refused == ["Alasan pembatalan harus diisi."]
    assert database_state(shop_db) == before

    def reason(dialog: QInputDialog):
        keys.type("Distributor kehabisan stok")
        keys.press(Key.Key_Return)

    dialogs.expect("reason again", reason, kind=QInputDialog)
    keys.press(Key.Key_F8)
    dialogs.check()
    assert purchasing.get_po(shop_db, po.id).status == "cancelled"
    assert screen.orders.message.text() == f"Pesanan {po.number}: Dibatalkan."


# --- 2. receiving an order with the scanner ------------------------------------------------------


def receive_selected(keys, dialogs, screen, handle) -> None:
    keys.press(Key.Key_2, ALT)
    assert keys.focused() is screen.orders.table
    dialogs.expect("receipt", handle, kind=ReceivingDialog)
    keys.press(Key.Key_F5)
    dialogs.check()


def test_receiving_an_order_by_scanning_moves_stock_and_makes_the_invoice(
        manajer_session, keys, dialogs, shop_db, supplier, oil, gula):
    user = manajer_session.user
    po = sent_po(shop_db, user, supplier, LineInput(oil.id, "5", "180000", dus(oil).id),
                 LineInput(gula.id, "10", "340000", dus(gula).id))
    oil_before, gula_before = stock.on_hand(shop_db, oil.id), stock.on_hand(shop_db, gula.id)
    screen = open_screen(keys, manajer_session)
    expiry = later(400)
    done: list[str] = []

    def receive(dialog: ReceivingDialog):
        assert keys.focused() is dialog.lines.scan
        # What is still due is filled in; the first scan of a line counts it from one.
        assert cells(dialog, "expected") == ["5 dus", "10 dus"]
        assert cells(dialog, "qty") == ["5", "10"]
        for _ in range(3):
            scan(keys, dus(oil).barcodes[0])
        assert cells(dialog, "qty") == ["3", "10"]
        keys.press(Key.Key_Down)       # into the lines, on the oil's quantity
        keys.press(Key.Key_Down)       # the sugar: only 8 dus came
        edit_cell(keys, dialog, "8")
        keys.press(Key.Key_Up)
        for _ in range(3):             # pack, price, lot
            keys.press(Key.Key_Tab)
        edit_cell(keys, dialog, "MK-2611", commit=Key.Key_Tab)   # Tab goes on to the expiry
        edit_cell(keys, dialog, expiry)
        assert cells(dialog, "lot") == ["MK-2611", ""]
        assert cells(dialog, "expiry") == [expiry, ""]
        assert dialog.total.text() == "Total Rp3.260.000"
        answer(dialogs, "posted", seen=done)
        keys.press(Key.Key_F10)

    receive_selected(keys, dialogs, screen, receive)

    assert stock.on_hand(shop_db, oil.id) == oil_before + 3 * 12 * K
    assert stock.on_hand(shop_db, gula.id) == gula_before + 8 * 20 * K
    po = purchasing.get_po(shop_db, po.id)
    assert po.status == "partial"
    assert [li.remaining_base for li in po.lines] == [2 * 12 * K, 2 * 20 * K]
    [receipt] = receiving.list_receipts(shop_db, supplier_id=supplier.id)
    lines = receiving.get_receipt(shop_db, receipt["id"]).lines
    assert [(li.name, li.qty, li.lot, li.expiry) for li in lines] == [
        (OIL, 3 * K, "MK-2611", (shop_today() + timedelta(days=400)).isoformat()),
        (GULA, 8 * K, "", None)]
    [invoice] = payables.invoices(shop_db, supplier_id=supplier.id)
    assert invoice.amount == 3 * 180_000 + 8 * 340_000
    assert invoice.receipt_number == receipt["number"]
    assert receipt["number"] in done[0] and "Rp3.260.000" in done[0]
    assert "Diterima sebagian" in done[0]


def test_a_wrong_expiry_is_refused_in_its_cell_and_nothing_is_posted(
        manajer_session, keys, dialogs, shop_db, supplier, oil):
    po = sent_po(shop_db, manajer_session.user, supplier,
                 LineInput(oil.id, "2", "180000", dus(oil).id))
    screen = open_screen(keys, manajer_session)
    before = database_state(shop_db)

    def receive(dialog: ReceivingDialog):
        keys.press(Key.Key_Down)
        for _ in range(4):             # pack, price, lot, expiry
            keys.press(Key.Key_Tab)
        keys.type("31-02-2027")
        keys.press(Key.Key_Return)
        keys.qtbot.waitUntil(lambda: "tidak valid" in dialog.lines.error.text(), timeout=2000)
        assert cells(dialog, "expiry") == [""]
        # The cell that was refused is open again for the right date.
        table = dialog.lines.table
        keys.qtbot.waitUntil(lambda: table.state() == table.State.EditingState, timeout=2000)
        assert table.currentColumn() == 6
        keys.press(Key.Key_Escape)     # leaves the cell
        keys.press(Key.Key_Escape)     # leaves the lines for the scan field
        assert keys.focused() is dialog.lines.scan
        keys.press(Key.Key_Escape)     # nothing was changed: it closes without asking
        assert not dialog.isVisible()

    receive_selected(keys, dialogs, screen, receive)
    assert database_state(shop_db) == before
    assert purchasing.get_po(shop_db, po.id).status == "sent"


# --- 3. more than was ordered --------------------------------------------------------------------


def test_an_over_receipt_asks_first_and_posts_only_once_confirmed(
        manajer_session, keys, dialogs, shop_db, supplier, oil):
    user = manajer_session.user
    po = sent_po(shop_db, user, supplier, LineInput(oil.id, "2", "180000", dus(oil).id))
    oil_before = stock.on_hand(shop_db, oil.id)
    screen = open_screen(keys, manajer_session)
    before = database_state(shop_db)
    asked: list[str] = []
    unchanged = []

    def receive(dialog: ReceivingDialog):
        for _ in range(2):
            scan(keys, dus(oil).barcodes[0])
        keys.press(Key.Key_Down)       # in the lines: the next scan is still a scan
        scan(keys, dus(oil).barcodes[0])
        keys.qtbot.waitUntil(lambda: cells(dialog, "qty") == ["3"], timeout=2000)
        assert keys.focused() is dialog.lines.scan
        answer(dialogs, "over: no", key=Key.Key_Escape, seen=asked)
        keys.press(Key.Key_F10)
        unchanged.append(database_state(shop_db) == before)
        back_in(keys, dialog)
        assert dialog.isVisible()
        answer(dialogs, "over: yes", seen=asked)
        answer(dialogs, "posted")
        keys.press(Key.Key_F10)

    receive_selected(keys, dialogs, screen, receive)
    assert unchanged == [True]
    assert "melebihi pesanan" in asked[0] and "dipesan 2 dus" in asked[0]
    assert asked[1] == asked[0]
    assert stock.on_hand(shop_db, oil.id) == oil_before + 3 * 12 * K
    assert purchasing.get_po(shop_db, po.id).status == "received"
    assert shop_db.scalar("SELECT approved_by FROM goods_receipts WHERE po_id = ?",
                          (po.id,)) == user.id


def test_receiving_without_an_order_warns_of_near_expiry_and_can_be_paid_in_cash(
        manajer_session, keys, dialogs, shop_db, supplier, gula):
    gula_before = stock.on_hand(shop_db, gula.id)
    open_screen(keys, manajer_session)
    keys.press(Key.Key_2, ALT)
    warned: list[str] = []

    def receive(dialog: ReceivingDialog):
        assert keys.focused() is dialog.supplier
        keys.press(Key.Key_F10)
        assert dialog.form.errors["supplier"].text() == "Pilih pemasok dulu."
        keys.type("Wah")
        keys.press(Key.Key_Return)
        assert keys.focused() is dialog.lines.scan
        scan(keys, gula.barcodes[0])   # a single kilo pack
        scan(keys, gula.barcodes[0])
        assert cells(dialog, "pack") == ["pcs"] and cells(dialog, "qty") == ["2"]
        keys.press(Key.Key_Down)
        for _ in range(4):             # pack, price, lot, expiry
            keys.press(Key.Key_Tab)
        edit_cell(keys, dialog, later(10))
        keys.press(Key.Key_Escape)
        keys.press(Key.Key_Tab)        # the lines
        keys.press(Key.Key_Tab)        # past the last cell: the supplier's invoice number
        assert keys.focused() is dialog.invoice_no
        keys.type("SJ-889")
        keys.press(Key.Key_Tab)
        keys.type("2.000")             # freight
        assert dialog.total.text() == "Total " + format_rupiah(2 * 16_000 + 2_000)
        keys.press(Key.Key_Tab)
        assert keys.focused() is dialog.pay
        keys.press(Key.Key_Down)       # paid in cash on delivery
        answer(dialogs, "near expiry", seen=warned)
        answer(dialogs, "posted")
        keys.press(Key.Key_F10)

    dialogs.expect("receipt", receive, kind=ReceivingDialog)
    keys.press(Key.Key_F7)
    dialogs.check()
    assert "kedaluwarsa dalam 10 hari" in warned[0]
    assert stock.on_hand(shop_db, gula.id) == gula_before + 2 * K
    [invoice] = payables.invoices(shop_db, supplier_id=supplier.id)
    # At cost with the freight, on the supplier's invoice number, paid in cash.
    assert (invoice.amount, invoice.open, invoice.invoice_no) == (2 * 16_000 + 2_000, 0,
                                                                 "SJ-889")
    assert suppliers.get_supplier(shop_db, supplier.id).balance == 0


# --- 4. paying a supplier ------------------------------------------------------------------------


@pytest.fixture
def invoice(shop_db, manajer_session, supplier, oil):
    receiving.post_receipt(shop_db, user=manajer_session.user, supplier_id=supplier.id,
                           lines=[ReceiptLineInput(oil.id, "1", "150000", dus(oil).id)],
                           invoice_no="INV-77")
    [made] = payables.invoices(shop_db, supplier_id=supplier.id)
    return made


def test_a_transfer_without_its_reference_is_refused_next_to_the_field_and_writes_nothing(
        bendahara_session, keys, dialogs, shop_db, invoice):
    screen = open_screen(keys, bendahara_session)
    assert screen.count() == 2 and screen.orders is None   # suppliers and payables only
    keys.press(Key.Key_2, ALT)
    page = screen.payables
    assert keys.focused() is page.table
    row = row_of(page.table, invoice.number)
    page.table.selectRow(row)          # as ↓ to it would
    assert page.table.item(row, 6).text() == "150.000"
    before = database_state(shop_db)

    def pay(dialog: SupplierPaymentDialog):
        assert keys.focused() is dialog.amount and dialog.amount.text() == "150.000"
        keys.type("50000")
        keys.press(Key.Key_Tab)
        keys.press(Key.Key_Down)       # Tunai → Transfer bank
        assert dialog.method.currentData() == "transfer"
        keys.press(Key.Key_S, CTRL)
        assert dialog.isVisible()
        assert dialog.errors["reference"].isVisible()
        assert "referensi" in dialog.errors["reference"].text()
        assert keys.focused() is dialog.reference
        assert database_state(shop_db) == before
        keys.type("BRI 7781")
        keys.press(Key.Key_S, CTRL)

    dialogs.expect("pay", pay, kind=SupplierPaymentDialog)
    keys.press(Key.Key_F5)
    dialogs.check()
    paid = payables.get_invoice(shop_db, invoice.id)
    assert paid.open == 100_000
    assert tuple(shop_db.one("SELECT method, reference, amount FROM supplier_payments"
                             " WHERE invoice_id = ?", (invoice.id,))) == (
        "transfer", "BRI 7781", 50_000)
    assert page.table.item(row_of(page.table, invoice.number), 6).text() == "100.000"
    assert page.aging_table.item(row_of(page.aging_table, SUPPLIER), 6).text() == "100.000"
    assert "Rp50.000" in page.message.text()


def test_paying_a_supplier_spreads_over_the_oldest_invoices(
        bendahara_session, manajer_session, keys, dialogs, shop_db, supplier, oil, invoice):
    receiving.post_receipt(shop_db, user=manajer_session.user, supplier_id=supplier.id,
                           lines=[ReceiptLineInput(oil.id, "1", "150000", dus(oil).id)])
    screen = open_screen(keys, bendahara_session)
    keys.press(Key.Key_2, ALT)
    assert mine(screen.payables.table) == 2

    def pay(dialog: SupplierPaymentDialog):
        assert dialog.amount.text() == "300.000"
        keys.type("200000")
        keys.press(Key.Key_S, CTRL)    # cash

    screen.payables.aging_table.setFocus()   # Tab from the invoices
    screen.payables.aging_table.selectRow(row_of(screen.payables.aging_table, SUPPLIER))
    dialogs.expect("pay", pay, kind=SupplierPaymentDialog)
    keys.press(Key.Key_F6)
    dialogs.check()
    assert [i.open for i in payables.invoices(shop_db, supplier_id=supplier.id)] == [
        0, 100_000]
    assert mine(screen.payables.table) == 1


# --- where it lives ------------------------------------------------------------------------------


@pytest.mark.parametrize("role, shown", [("manajer", True), ("admin", True),
                                         ("bendahara", True), ("kasir", True),
                                         ("pengawas", False)])
def test_the_purchasing_area_is_there_for_who_buys_and_pays(login, keys, role, shown):
    window = MainWindow(login(role))
    keys.show(window)
    keys_of = [window.nav.item(i).data(Qt.ItemDataRole.UserRole)
               for i in range(window.nav.count())]
    assert ("purchasing" in keys_of) == shown
    if shown:
        number = keys_of.index("purchasing") + 1
        keys.press(getattr(Key, f"Key_{number}"), CTRL)
        screen = window.stack.currentWidget()
        assert isinstance(screen, PurchasingScreen)
        if role == "kasir":   # members' pre-orders only: no suppliers, orders or debts
            assert screen.count() == 1 and screen.suppliers is None
            assert keys.focused() is screen.preorders.table
        else:
            assert keys.focused() is screen.suppliers.search



# --- papers to send and keep ----------------------------------------------------------------


def test_ctrl_p_saves_the_order_and_the_supplier_account_as_pdfs(
        manajer_session, keys, monkeypatch, tmp_path, qtbot):
    """Ctrl+P on an order writes its PDF where the manager chooses (and opens it); on the
    payables tab, the supplier's account card. Both are read back."""
    import subprocess

    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QFileDialog

    from app.models import purchasing
    from app.models.suppliers import SupplierInput, create_supplier
    from app.ui.payables_page import PayablesPage
    from app.ui.purchasing_screen import OrdersPage

    db, user = manajer_session.db, manajer_session.user
    supplier = create_supplier(db, user=user, data=SupplierInput(name="UD Kertas Uji"))
    product = db.one("SELECT id FROM products WHERE archived = 0 ORDER BY name LIMIT 1")
    po = purchasing.create_po(db, user=user, supplier_id=supplier.id, lines=[
        purchasing.LineInput(product["id"], "3", "12.500")])
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(opened.append))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(
        lambda _p, _t, name, _f: (str(tmp_path / name), "PDF (*.pdf)")))
    page = OrdersPage(manajer_session)
    page.status.setCurrentIndex(page.status.findData(None))
    keys.show(page, page.table)
    page.select(po.id)
    keys.press(Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / f"{po.number}.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert po.number in text and "UD Kertas Uji" in text and "37.500" in text
    assert len(opened) == 1
    receiving.post_receipt(db, user=user, supplier_id=supplier.id, po_id=po.id, lines=[
        receiving.ReceiptLineInput(product["id"], "3", "12.500")])
    payables_page = PayablesPage(manajer_session)
    keys.show(payables_page, payables_page.table)
    payables_page.refresh()
    row = next(i for i, inv in enumerate(payables_page.invoices)
               if inv.supplier_id == supplier.id)
    payables_page.table.selectRow(row)
    keys.press(Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "Kartu utang UD Kertas Uji.pdf"),
                           "-"], capture_output=True, text=True, check=True).stdout
    assert "KARTU UTANG PEMASOK" in text and "37.500" in text
    assert len(opened) == 2
