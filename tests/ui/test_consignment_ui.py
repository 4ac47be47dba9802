"""The Titipan screen by keys alone, as a shop manager does it: a new producer, a nota titip
by scanner, an expired delivery refused, goods given back, a count with approval and the
reconciliation per batch; and what the treasurer may see. Every result is checked in the real
database through the domain.
"""

from __future__ import annotations

import subprocess
from datetime import date, timedelta

import pytest
from dialogs import back_in
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton

from app.models import consignment, consignment_stock, consignors
from app.models.barcodes import with_check_digit
from app.models.cart import Cart, add_product
from app.models.clock import local_date, now_iso
from app.models.money import QTY_SCALE
from app.models.product_search import list_products
from app.models.products import ProductInput, create_product, get_product
from app.models.sales import PaymentInput, complete_sale
from app.models.shifts import open_shift
from app.ui.consignment_pages import NEAR, CountDialog, ReconcileDialog, ReturnDialog
from app.ui.consignment_screen import ConsignmentScreen
from app.ui.consignment_settlement_page import SettlementPage
from app.ui.consignor_dialog import ConsignorDialog
from app.ui.intake_dialog import IntakeDialog
from app.ui.product_dialog import ProductDialog

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
K = QTY_SCALE
KERIPIK, EMPING = "Keripik Pisang Sari 250 g", "Emping Melinjo Budi 250 g"
KERIPIK_CODE = with_check_digit("779100000001")
TILL = "KASIR-1"


# --- the shop --------------------------------------------------------------------------------


def database_state(db) -> str:
    return "\n".join(db.conn.iterdump())


def shop_today() -> date:
    """The shop's own day (WIB), which may not be the test machine's."""
    return local_date(now_iso(), "WIB")


def day(offset: int) -> str:
    return (shop_today() + timedelta(days=offset)).strftime("%d-%m-%Y")


def new_consignor(db, user, **form) -> consignors.Consignor:
    return consignors.create_consignor(db, user=user, data=consignors.consignor_from_form(form))


@pytest.fixture
def sari(shop_db, manajer_session):
    """Keripik on a 15% commission."""
    return new_consignor(shop_db, manajer_session.user, name="Ibu Sari", village="Desa Hanura",
                         commission="15")


@pytest.fixture
def budi(shop_db, manajer_session):
    """Emping at a fixed price per piece, paid by transfer every week."""
    return new_consignor(shop_db, manajer_session.user, name="Pak Budi",
                         village="Kel. Way Halim", terms="fixed", period="weekly",
                         pay_method="transfer", bank_name="BRI",
                         bank_account="0123 0100 5555 501", loss_policy="producer")


def umkm_product(db, user, name: str, price: int, codes=()):
    return create_product(db, user=user, data=ProductInput(
        name=name, base_unit="pcs", price=price, category="UMKM", barcodes=tuple(codes)))


@pytest.fixture
def keripik(shop_db, manajer_session):
    return umkm_product(shop_db, manajer_session.user, KERIPIK, 12_000, [KERIPIK_CODE])


@pytest.fixture
def emping(shop_db, manajer_session):
    return umkm_product(shop_db, manajer_session.user, EMPING, 15_000)


def take_in(db, user, who, item, qty: int, **line) -> str:
    return consignment.post_intake(db, user=user, consignor_id=who.id, lines=[
        consignment.IntakeLine(item.id, qty * K, **line)])


# --- driving it -------------------------------------------------------------------------------


def open_screen(keys, session) -> ConsignmentScreen:
    screen = ConsignmentScreen(session)
    screen.resize(1200, 700)
    keys.show(screen)
    return screen


def scan(keys, code: str) -> None:
    """A USB scanner: the digits, then Enter."""
    keys.type(code)
    keys.press(Key.Key_Return)


def cells(dialog, key: str) -> list[str]:
    col = next(i for i, c in enumerate(dialog.columns) if c.key == key)
    return [dialog.table.item(row, col).text() for row in range(dialog.table.rowCount())]


def edit_cell(keys, dialog, text: str) -> None:
    """Typing in a cell replaces what it held; Enter keeps it (once its editor closed)."""
    keys.type(text)
    keys.press(Key.Key_Return)
    table = dialog.table
    keys.qtbot.waitUntil(lambda: table.state() != table.State.EditingState, timeout=2000)


def answer(dialogs, what: str, key=Key.Key_Escape, seen: list | None = None) -> None:
    """A message box: note its text, then Esc (No / OK) or Enter (Yes)."""
    def handle(box: QMessageBox):
        if seen is not None:
            seen.append(box.text())
        dialogs.keys.press(key)

    dialogs.expect(what, handle, kind=QMessageBox)


# --- 1. a new producer ---------------------------------------------------------------------------


def test_the_manager_adds_a_producer_by_keys_and_each_mistake_shows_under_its_field(
        manajer_session, keys, dialogs, shop_db):
    screen = open_screen(keys, manajer_session)
    page = screen.consignors
    assert keys.focused() is page.search
    written = {}

    def add(dialog: ConsignorDialog):
        fields = dialog.fields
        assert keys.focused() is fields["name"]
        keys.type("Ibu Rina Lempok")
        keys.press(Key.Key_Return)
        keys.type("Desa Sukamaju")
        keys.press(Key.Key_Return)
        keys.type("nomor saya")          # not a telephone number
        keys.press(Key.Key_Return)
        keys.press(Key.Key_Return)       # no address
        assert keys.focused() is fields["terms"]
        keys.press(Key.Key_Down)         # a fixed price: no commission to type
        assert fields["terms"].currentData() == "fixed"
        assert not fields["commission"].isEnabled()
        keys.press(Key.Key_Up)           # back to a commission
        keys.press(Key.Key_Return)
        assert keys.focused() is fields["commission"]
        keys.type("120")                 # replaces the 15 offered
        keys.press(Key.Key_S, CTRL)
        written["after refusal"] = database_state(shop_db)
        assert dialog.errors["commission"].text() == "Komisi tidak boleh lebih dari 100%."
        assert dialog.errors["phone"].text() == "Nomor telepon hanya angka, spasi, + atau -."
        assert keys.focused() is fields["commission"]
        keys.type("12,5")
        for _ in range(3):               # terms, address, phone
            keys.press(Key.Key_Tab, SHIFT)
        assert keys.focused() is fields["phone"]
        keys.type("0812 7788 9900")
        for _ in range(6):               # address, terms, commission, period, loss, payment
            keys.press(Key.Key_Tab)
        assert keys.focused() is fields["pay_method"]
        assert not fields["bank_account"].isEnabled()
        keys.press(Key.Key_Down)         # by transfer: the bank fields open
        assert fields["pay_method"].currentData() == "transfer"
        keys.press(Key.Key_Tab)
        keys.type("BRI")
        keys.press(Key.Key_S, CTRL)
        assert dialog.errors["bank_account"].text() == (
            "Pembayaran lewat transfer perlu nomor rekening penitip.")
        assert keys.focused() is fields["bank_account"]
        keys.type("0123 0100 7777 501")
        keys.press(Key.Key_S, CTRL)

    before = database_state(shop_db)
    dialogs.expect("consignor", add, kind=ConsignorDialog)
    keys.press(Key.Key_F2)
    dialogs.check()
    assert written["after refusal"] == before
    [made] = consignors.list_consignors(shop_db, "Rina")
    assert (made.village, made.phone, made.terms, made.commission_bp, made.pay_method,
            made.bank_name, made.bank_account) == (
        "Desa Sukamaju", "0812 7788 9900", "percent", 1250, "transfer", "BRI",
        "0123 0100 7777 501")
    row = page.table.currentRow()
    assert [page.table.item(row, c).text() for c in range(6)] == [
        "Ibu Rina Lempok", "Desa Sukamaju", "Komisi 12,5%", "Bulanan", "0", "0"]
    assert page.message.text() == "Penitip Ibu Rina Lempok tersimpan."
    assert keys.focused() is page.table


def test_f8_archives_a_producer_with_nothing_left_in_the_shop_and_restores_them(
        manajer_session, keys, dialogs, shop_db, sari):
    screen = open_screen(keys, manajer_session)
    page = screen.consignors
    keys.type("Sari")
    keys.press(Key.Key_Down)
    answer(dialogs, "archive?", Key.Key_Return)
    keys.press(Key.Key_F8)
    dialogs.check()
    assert consignors.get_consignor(shop_db, sari.id).archived
    assert page.table.rowCount() == 0
    keys.press(Key.Key_F9)               # show the archive
    assert page.table.item(0, 0).text() == "Ibu Sari (arsip)"
    page.table.setFocus()
    answer(dialogs, "restore?", Key.Key_Return)
    keys.press(Key.Key_F8)
    dialogs.check()
    assert not consignors.get_consignor(shop_db, sari.id).archived


# --- 2. a nota titip by scanner ---------------------------------------------------------------


def test_a_nota_titip_by_scanner_takes_the_batch_in_with_its_price_and_dates(
        manajer_session, keys, dialogs, shop_db, budi, keripik):
    screen = open_screen(keys, manajer_session)
    page = screen.consignors
    keys.type("Budi")
    keys.press(Key.Key_Down)
    assert keys.focused() is page.table
    seen: list[str] = []

    def intake(dialog: IntakeDialog):
        assert dialog.consignor.currentData() == budi.id
        assert dialog.terms.text() == "Harga tetap ke produsen · Mingguan"
        assert keys.focused() is dialog.scan.edit
        scan(keys, KERIPIK_CODE)
        scan(keys, KERIPIK_CODE)         # a second scan adds one
        assert cells(dialog, "name") == [KERIPIK]
        assert cells(dialog, "qty") == ["2"]
        assert cells(dialog, "shop_price") == ["12.000"]
        keys.press(Key.Key_Down)         # to the line: its quantity
        assert keys.focused() is dialog.table
        keys.type("24")
        keys.press(Key.Key_Tab)          # the price to the producer
        keys.type("9500")
        keys.press(Key.Key_Tab)          # the batch code
        keys.type("KP-07")
        keys.press(Key.Key_Tab)          # made on
        keys.type(day(-3))
        keys.press(Key.Key_Tab)          # best before
        edit_cell(keys, dialog, day(60))
        assert cells(dialog, "producer_price") == ["9.500"]
        assert cells(dialog, "owed") == ["228.000"]
        assert dialog.totals.text() == "1 baris · nilai jual Rp288.000 · untuk produsen Rp228.000"
        assert not dialog.error.isVisible()
        answer(dialogs, "saved", seen=seen)   # Esc: no slip now
        keys.press(Key.Key_S, CTRL)

    dialogs.expect("intake", intake, kind=IntakeDialog)
    keys.press(Key.Key_F7)
    dialogs.check()
    [batch] = consignment_stock.batches(shop_db, consignor_id=budi.id)
    assert (batch.product_id, batch.qty_in, batch.on_hand, batch.producer_price,
            batch.shop_price, batch.batch_code) == (keripik.id, 24 * K, 24 * K, 9_500, 12_000,
                                                    "KP-07")
    assert batch.produced_on == (shop_today() - timedelta(days=3)).isoformat()
    assert batch.expires_on == (shop_today() + timedelta(days=60)).isoformat()
    assert get_product(shop_db, keripik.id).consigned
    assert page.message.text() == f"Nota titip {batch.intake_number} tersimpan."
    assert seen[0].startswith(f"Nota titip {batch.intake_number} dari Pak Budi tersimpan")


def test_a_delivery_already_past_its_expiry_is_refused_and_nothing_is_written(
        manajer_session, keys, dialogs, shop_db, sari, keripik):
    screen = open_screen(keys, manajer_session)
    keys.type("Sari")
    keys.press(Key.Key_Down)
    before = database_state(shop_db)
    shown = {}

    def expired(dialog: IntakeDialog):
        scan(keys, KERIPIK_CODE)
        # A commission: the producer's price follows the till's (12.000 less 15%).
        assert cells(dialog, "producer_price") == ["10.200"]
        keys.press(Key.Key_Down)
        keys.type("10")
        keys.press(Key.Key_Tab)          # the batch code (no price to type)
        keys.press(Key.Key_Tab)          # made on
        keys.press(Key.Key_Tab)          # best before: yesterday
        edit_cell(keys, dialog, day(-1))
        assert cells(dialog, "owed") == ["102.000"]
        message = (f"Baris 1: {KERIPIK} sudah kedaluwarsa ({day(-1)}); barang kedaluwarsa"
                   " tidak diterima.")
        assert dialog.error.text() == message     # said at once
        keys.press(Key.Key_S, CTRL)
        assert dialog.isVisible()
        assert dialog.error.text() == message     # and refused when posting
        shown["written"] = database_state(shop_db)
        keys.press(Key.Key_Escape)       # out of the lines
        assert keys.focused() is dialog.scan.edit
        answer(dialogs, "close without saving?", Key.Key_Return)
        keys.press(Key.Key_Escape)

    dialogs.expect("intake", expired, kind=IntakeDialog)
    keys.press(Key.Key_F7)
    dialogs.check()
    assert shown["written"] == before
    assert database_state(shop_db) == before
    assert screen.consignors.table.rowCount() == 1


def test_the_shops_own_stock_cannot_be_taken_in_as_consigned(
        manajer_session, keys, dialogs, shop_db, sari):
    gula = get_product(shop_db, next(p for p in list_products(shop_db, "Gula Pasir 1 kg")
                                     if p.name == "Gula Pasir 1 kg").id)
    open_screen(keys, manajer_session)
    keys.press(Key.Key_2, ALT)           # the goods of every producer: nobody chosen yet

    def own_stock(dialog: IntakeDialog):
        assert keys.focused() is dialog.consignor
        keys.type("Ibu")
        keys.press(Key.Key_Return)
        assert keys.focused() is dialog.scan.edit
        scan(keys, gula.barcodes[0])
        assert "stok milik gerai" in dialog.error.text()
        assert dialog.table.rowCount() == 0
        keys.press(Key.Key_Escape)       # nothing on the nota: closes without asking

    dialogs.expect("intake", own_stock, kind=IntakeDialog)
    keys.press(Key.Key_F7)
    dialogs.check()
    assert consignment_stock.batches(shop_db) == []


def test_f4_makes_a_new_umkm_product_on_the_spot_and_it_comes_in_consigned(
        manajer_session, keys, dialogs, shop_db, sari):
    screen = open_screen(keys, manajer_session)
    keys.type("Sari")
    keys.press(Key.Key_Down)

    def product(dialog: ProductDialog):
        assert not dialog.fields["opening_stock"].isVisibleTo(dialog)
        keys.type("Lempok Durian Sari 200 g")
        keys.press(Key.Key_Tab)          # brand
        keys.press(Key.Key_Tab)          # category
        keys.type("UMKM")
        keys.press(Key.Key_Tab)          # base unit
        keys.type("pcs")
        keys.press(Key.Key_Tab)
        keys.type("25000")
        keys.press(Key.Key_S, CTRL)

    def intake(dialog: IntakeDialog):
        dialogs.expect("product", product, kind=ProductDialog)
        keys.press(Key.Key_F4)
        back_in(keys, dialog)
        assert cells(dialog, "name") == ["Lempok Durian Sari 200 g"]
        assert keys.focused() is dialog.scan.edit
        keys.press(Key.Key_Down)
        edit_cell(keys, dialog, "6")
        answer(dialogs, "saved")
        keys.press(Key.Key_S, CTRL)

    dialogs.expect("intake", intake, kind=IntakeDialog)
    keys.press(Key.Key_F7)
    dialogs.check()
    [batch] = consignment_stock.batches(shop_db, consignor_id=sari.id)
    assert (batch.product_name, batch.qty_in, batch.shop_price, batch.producer_price) == (
        "Lempok Durian Sari 200 g", 6 * K, 25_000, 21_250)
    assert get_product(shop_db, batch.product_id).consigned
    assert screen.consignors.table.rowCount() == 1


def test_the_intake_slip_is_saved_as_a_pdf_when_asked(
        manajer_session, keys, dialogs, shop_db, budi, keripik, monkeypatch, tmp_path):
    opened: list = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(opened.append))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(
        lambda _p, _t, name, _f: (str(tmp_path / name), "PDF (*.pdf)")))
    open_screen(keys, manajer_session)
    keys.type("Budi")
    keys.press(Key.Key_Down)

    def intake(dialog: IntakeDialog):
        scan(keys, KERIPIK_CODE)
        keys.press(Key.Key_Down)
        keys.type("5")
        keys.press(Key.Key_Tab)
        edit_cell(keys, dialog, "9500")
        answer(dialogs, "print?", Key.Key_Return)   # yes, the slip
        keys.press(Key.Key_S, CTRL)

    dialogs.expect("intake", intake, kind=IntakeDialog)
    keys.press(Key.Key_F7)
    dialogs.check()
    [batch] = consignment_stock.batches(shop_db, consignor_id=budi.id)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / f"{batch.intake_number}.pdf"),
                           "-"], capture_output=True, text=True, check=True).stdout
    assert batch.intake_number in text and "Pak Budi" in text and KERIPIK in text
    assert len(opened) == 1


# --- 3. the goods in the shop ---------------------------------------------------------------------


def test_goods_go_back_to_their_producer_by_keys_never_more_than_is_left(
        manajer_session, keys, dialogs, shop_db, sari, keripik, emping, monkeypatch, tmp_path):
    opened: list = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(opened.append))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(
        lambda _p, _t, name, _f: (str(tmp_path / name), "PDF (*.pdf)")))
    user = manajer_session.user
    take_in(shop_db, user, sari, keripik, 10, batch_code="KP-01",
            expires_on=shop_today() + timedelta(days=5))
    take_in(shop_db, user, sari, emping, 5)
    screen = open_screen(keys, manajer_session)
    keys.press(Key.Key_2, ALT)
    page = screen.batches
    assert keys.focused() is page.table
    assert [page.table.item(r, 1).text() for r in range(page.table.rowCount())] == [
        EMPING, KERIPIK]
    assert page.table.item(1, 4).foreground().color() == NEAR   # five days left
    keys.press(Key.Key_F, CTRL)
    keys.type("Ibu")                     # the producer's goods only
    assert page.consignor.currentData() == sari.id
    before = database_state(shop_db)
    shown = {}
    seen: list[str] = []

    def give_back(dialog: ReturnDialog):
        assert [b.product_name for b in dialog.batches] == [EMPING, KERIPIK]
        assert keys.focused() is dialog.table
        keys.press(Key.Key_Down)         # the emping stays
        edit_cell(keys, dialog, "12")
        keys.press(Key.Key_S, CTRL)
        assert dialog.error.text() == (
            f"{KERIPIK}: dikembalikan 12 pcs, padahal sisa di gerai 10 pcs.")
        edit_cell(keys, dialog, "4")     # the refused cell has the keyboard
        keys.press(Key.Key_S, CTRL)
        assert dialog.form.errors["reason"].text() == "Alasan pengembalian harus diisi."
        shown["written"] = database_state(shop_db)
        assert keys.focused() is dialog.reason
        keys.type("tidak laku")
        answer(dialogs, "saved", Key.Key_Return, seen=seen)   # yes, the slip to sign
        keys.press(Key.Key_S, CTRL)

    dialogs.expect("return", give_back, kind=ReturnDialog)
    keys.press(Key.Key_F6)
    dialogs.check()
    assert shown["written"] == before
    left = {b.product_name: b.on_hand for b in consignment_stock.batches(shop_db, consignor_id=sari.id)}
    assert left == {EMPING: 5 * K, KERIPIK: 6 * K}
    number, reason = shop_db.one("SELECT number, reason FROM consignment_returns")
    assert reason == "tidak laku"
    assert seen[0].startswith(f"Pengembalian {number} ke Ibu Sari tersimpan.")
    assert page.status.text() == f"Pengembalian {number} ke Ibu Sari tersimpan."
    assert [page.table.item(r, 6).text() for r in range(2)] == ["5 pcs", "6 pcs"]
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / f"{number}.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert number in text and "Ibu Sari" in text and KERIPIK in text and EMPING not in text
    assert len(opened) == 1


def test_a_count_is_posted_with_the_managers_approval_and_charges_the_difference(
        manajer_session, keys, dialogs, shop_db, budi, emping):
    take_in(shop_db, manajer_session.user, budi, emping, 10, producer_price=9_500)
    screen = open_screen(keys, manajer_session)
    keys.press(Key.Key_2, ALT)
    before = database_state(shop_db)
    shown = {}

    def count(dialog: CountDialog):
        assert cells(dialog, "books") == ["10 pcs"]
        edit_cell(keys, dialog, "dua")
        keys.press(Key.Key_S, CTRL)
        assert "tidak valid" in dialog.error.text()
        shown["written"] = database_state(shop_db)
        edit_cell(keys, dialog, "8")     # two missing
        assert cells(dialog, "variance") == ["-2"]
        assert cells(dialog, "value") == ["-19.000"]
        assert dialog.totals.text() == "1 dihitung · 1 berselisih · nilai selisih -Rp19.000"
        keys.press(Key.Key_S, CTRL)

    dialogs.expect("count", count, kind=CountDialog)
    keys.press(Key.Key_F5)
    dialogs.check()
    assert shown["written"] == before
    number, approved_by, user_id = shop_db.one(
        "SELECT number, approved_by, user_id FROM consignment_counts")
    assert approved_by == user_id == manajer_session.user.id
    [line] = consignment_stock.reconcile(shop_db, budi.id)
    assert (line.adjusted, line.batch.on_hand, line.ok) == (-2 * K, 8 * K, True)
    assert screen.batches.status.text() == (
        f"Hitung titipan {number}: 1 dihitung, 1 berselisih, nilai -Rp19.000.")


def test_the_reconciliation_shows_each_batch_taken_in_sold_given_back_and_counted(
        manajer_session, kasir_session, keys, dialogs, shop_db, sari, keripik):
    user = manajer_session.user
    take_in(shop_db, user, sari, keripik, 10, batch_code="KP-01")
    open_shift(shop_db, user=kasir_session.user, till=TILL, opening_float="100.000")
    cart = add_product(shop_db, Cart(), keripik.id, qty=3 * K)
    complete_sale(shop_db, user=kasir_session.user, till=TILL, cart=cart,
                  payments=[PaymentInput("cash", cart.total)])
    [batch] = consignment_stock.batches(shop_db, consignor_id=sari.id)
    consignment_stock.return_to_producer(shop_db, user=user, consignor_id=sari.id,
                                   quantities={batch.id: 2 * K}, reason="rusak")
    consignment_stock.post_count(shop_db, user=user, counted={batch.id: 4 * K}, approver=user)
    open_screen(keys, manajer_session)
    keys.press(Key.Key_2, ALT)

    def check(dialog: ReconcileDialog):
        table = dialog.table
        assert [table.item(0, c).text() for c in range(11)] == [
            KERIPIK, batch.intake_number, "KP-01", "pcs", "10", "3", "2", "-1", "4", "4", "✓"]
        assert dialog.verdict.text() == "Semua batch cocok dengan bukunya."
        keys.press(Key.Key_Escape)

    dialogs.expect("reconcile", check, kind=ReconcileDialog)
    keys.press(Key.Key_F9)               # the producer of the selected batch
    dialogs.check()


# --- 4. who sees what -------------------------------------------------------------------------------


def test_the_manager_has_the_three_tabs_and_alt_3_opens_the_settlement(
        manajer_session, keys):
    screen = open_screen(keys, manajer_session)
    assert [screen.tabText(i) for i in range(screen.count())] == [
        "Penitip  (Alt+1)", "Barang titipan  (Alt+2)", "Penyelesaian  (Alt+3)"]
    keys.press(Key.Key_3, ALT)
    assert isinstance(screen.currentWidget(), SettlementPage)
    keys.press(Key.Key_1, ALT)
    assert keys.focused() is screen.consignors.search



def test_the_treasurer_reads_the_producers_but_changes_nothing(
        bendahara_session, keys, dialogs, shop_db, budi):
    screen = open_screen(keys, bendahara_session)
    assert [screen.tabText(i) for i in range(screen.count())] == [
        "Penitip  (Alt+1)", "Penyelesaian  (Alt+2)"]
    assert screen.batches is None
    page = screen.consignors
    assert not [b.text() for b in page.findChildren(QPushButton) if b.isVisibleTo(page)]
    keys.type("Budi")
    keys.press(Key.Key_Down)
    before = database_state(shop_db)

    def read(dialog: ConsignorDialog):
        assert dialog.fields["bank_account"].text() == "0123 0100 5555 501"
        assert dialog.fields["name"].isReadOnly()
        keys.type("x")
        keys.press(Key.Key_S, CTRL)
        assert dialog.isVisible()
        keys.press(Key.Key_Escape)

    dialogs.expect("read only", read, kind=ConsignorDialog)
    keys.press(Key.Key_Return)
    dialogs.check()
    keys.press(Key.Key_F2)               # no new producer for the treasurer
    keys.press(Key.Key_F7)               # nor a nota titip
    assert database_state(shop_db) == before


def test_with_nothing_in_the_shop_f5_and_f6_say_so_instead_of_opening_empty_forms(
        manajer_session, keys, sari):
    screen = open_screen(keys, manajer_session)
    keys.press(Key.Key_2, ALT)
    page = screen.batches
    assert page.status.text() == "0 batch titipan di gerai"
    keys.press(Key.Key_F5)
    assert page.status.text() == "Tidak ada barang titipan di gerai untuk dihitung."
    keys.press(Key.Key_F, CTRL)
    keys.type("Ibu")
    keys.press(Key.Key_F6)
    assert page.status.text() == "Ibu Sari tidak punya barang titipan di gerai."


def test_f8_saves_price_labels_for_the_selected_goods_one_per_piece(
        manajer_session, keys, shop_db, sari, keripik, emping, monkeypatch, tmp_path, qtbot):
    opened: list = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(opened.append))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(
        lambda _p, _t, name, _f: (str(tmp_path / name), "PDF (*.pdf)")))
    user = manajer_session.user
    take_in(shop_db, user, sari, keripik, 4)
    take_in(shop_db, user, sari, emping, 3)          # no barcode yet: it gets a 2990 code
    screen = open_screen(keys, manajer_session)
    keys.press(Key.Key_2, ALT)
    page = screen.batches
    assert page.table.item(0, 1).text() == EMPING
    keys.press(Key.Key_F8)
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=10_000)
    [pdf] = tmp_path.glob("label-*.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert text.count(EMPING) == 3 and KERIPIK not in text
    code = get_product(shop_db, emping.id).barcodes[0]
    assert code.startswith("2990") and len(code) == 13
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", "-"], input=subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", str(pdf)], capture_output=True,
        check=True).stdout, capture_output=True).stdout.decode().split()
    assert code in decoded
