"""The treasurer settles with a producer by keys: Ibu Sari left keripik, the till sold some
(a customer brought one back), the treasurer settles the period and pays part in cash, pays
the rest later by transfer, and cannot settle the same days twice.

The clock is frozen (as in tests/test_consignment.py): the goods came in and sold on
Monday 2 November 2026, the treasurer settles on Tuesday.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from dialogs import Dialogs, back_in
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from app.models import consignment, consignors
from app.models import consignment_settlement as settlement
from app.models.cart import Cart, add_product
from app.models.clock import frozen_clock
from app.models.money import QTY_SCALE as K
from app.models.money import format_rupiah
from app.models.payables import PaymentInput as Pay
from app.models.products import ProductInput, create_product
from app.models.returns import return_items
from app.models.sales import PaymentInput, complete_sale
from app.models.shifts import open_shift
from app.ui.consignment_settlement_dialog import SettlementDialog, can_print_slip
from app.ui.consignment_settlement_page import (
    ConsignorHistoryDialog,
    SettlementDetailDialog,
    SettlementPage,
)
from app.ui.consignor_payment_dialog import ConsignorPaymentDialog

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
TILL = "KASIR-1"
DAY = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)   # Monday 10:00 WIB
SARI = "Ibu Sari Uji Titipan"
SUMMARY = ("gross", "commission", "producer_sales", "count_charges", "due",
           "previous_balance", "to_pay")


class Clock:
    def __init__(self):
        self.at = DAY

    def __call__(self, days: int = 0, minutes: int = 1):
        self.at += timedelta(days=days, minutes=minutes)
        return frozen_clock(self.at)

    @property
    def today(self) -> date:
        return (self.at + timedelta(hours=7)).date()


def database_state(db) -> str:
    return "\n".join(db.conn.iterdump())


# --- the shop: a producer, her keripik, what sold --------------------------------------------


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def sari(shop_db, manajer_session, clock):
    data = consignors.consignor_from_form({
        "name": SARI, "village": "Desa Hanura", "commission": "15", "bank_name": "BRI",
        "bank_account": "0123 0100 7777 501", "bank_holder": "Sari Wulandari"})
    with clock():
        return consignors.create_consignor(shop_db, user=manajer_session.user, data=data)


@pytest.fixture
def keripik(shop_db, manajer_session, clock):
    with clock():
        return create_product(shop_db, user=manajer_session.user, data=ProductInput(
            name="Keripik Pisang Uji 250 g", base_unit="pcs", price=12_000, category="UMKM"))


def sell(db, user, clock, item, qty):
    with clock():
        cart = add_product(db, Cart(), item.id, qty=qty * K)
        return complete_sale(db, user=user, till=TILL, cart=cart,
                             payments=[PaymentInput("cash", cart.total)])


@pytest.fixture
def sold(shop_db, manajer_session, kasir_session, clock, sari, keripik):
    """Ten keripik in; two sold (24,000, 20,400 hers), one sold and brought back."""
    manajer, kasir = manajer_session.user, kasir_session.user
    with clock():
        consignment.post_intake(shop_db, user=manajer, consignor_id=sari.id, lines=[
            consignment.IntakeLine(keripik.id, 10 * K, batch_code="KP-01")])
        open_shift(shop_db, user=kasir, till=TILL, opening_float="100.000")
    sell(shop_db, kasir, clock, keripik, 2)
    sale = sell(shop_db, kasir, clock, keripik, 1)
    line_id = shop_db.scalar("SELECT id FROM sale_lines WHERE sale_id = ?", (sale.sale_id,))
    with clock():
        return_items(shop_db, user=manajer, till=TILL, sale_id=sale.sale_id,
                     quantities={line_id: K}, reason="Bungkus sobek")
    return sari


@pytest.fixture
def tuesday(clock, sold):
    """The treasurer's day: the day after the sales."""
    with clock(days=1):
        yield


def settled(db, user, clock, sari, paid: int | None = 15_000) -> str:
    with clock():
        return settlement.settle(db, user=user, consignor_id=sari.id, period_to=clock.today,
                                 payment=Pay(paid, "cash") if paid else None)


# --- the page ----------------------------------------------------------------------------------


def open_page(keys, session, consignor) -> SettlementPage:
    page = SettlementPage(session)
    page.resize(1200, 600)
    keys.show(page, page.table)
    page.refresh()                # as its tab does each time it is shown
    page.select(consignor.id)     # as ↑↓ to her would
    return page


def row_texts(page: SettlementPage, consignor) -> list[str]:
    row = next(r for r, due in enumerate(page.rows) if due.consignor.id == consignor.id)
    return [page.table.item(row, c).text() for c in range(page.table.columnCount())]


def column(table, c: int) -> list[str]:
    return [table.item(r, c).text() for r in range(table.rowCount())]


def no_slip(dialogs: Dialogs) -> None:
    """Where the slip can be printed, the treasurer is asked; here she says not now."""
    if can_print_slip():
        dialogs.expect("slip", lambda _box: dialogs.keys.press(Key.Key_Escape),
                       kind=QMessageBox)


# --- settling ----------------------------------------------------------------------------------


def test_the_treasurer_settles_the_period_by_keys_and_pays_part_in_cash(
        bendahara_session, keys, dialogs, shop_db, sold, tuesday):
    sari = sold
    page = open_page(keys, bendahara_session, sari)
    assert row_texts(page, sari) == [SARI, "Desa Hanura", "0", "20.400", "—",
                                     "02-11-2026 s/d 03-11-2026"]
    preview = settlement.preview_settlement(shop_db, sari.id)
    seen_lines = []

    def settle(dialog: SettlementDialog):
        # The preview on screen is the domain's own.
        for key in SUMMARY:
            assert dialog.summary.values[key].text() == format_rupiah(getattr(preview, key))
        assert dialog.summary.values["due"].text() == "Rp20.400"
        assert dialog.summary.values["commission"].text() == "Rp3.600"
        seen_lines.extend(column(dialog.lines, 1))
        assert column(dialog.lines, 2) == [line.document for line in preview.lines]
        assert column(dialog.lines, 5) == ["2 pcs", "1 pcs", "-1 pcs"]
        assert column(dialog.lines, 0)[0].endswith("WIB")
        assert "0123 0100 7777 501" in dialog.pay.bank.text()
        assert keys.focused() is dialog.pay.amount and dialog.pay.amount.text() == "20.400"
        keys.type("15000")
        keys.press(Key.Key_S, CTRL)

    dialogs.expect("settle", settle, kind=SettlementDialog)
    no_slip(dialogs)
    keys.press(Key.Key_F2)
    dialogs.check()
    assert seen_lines == ["Terjual", "Terjual", "Retur pembeli"]

    [made] = settlement.list_settlements(shop_db, consignor_id=sari.id)
    assert (made.period_from, made.period_to, made.gross, made.commission, made.due,
            made.paid) == ("2026-11-02", "2026-11-03", 24_000, 3_600, 20_400, 15_000)
    assert shop_db.scalar("SELECT count(*) FROM consignment_settlement_lines"
                          " WHERE settlement_id = ?", (made.id,)) == 3
    assert tuple(shop_db.one("SELECT method, amount, reference FROM consignor_payments"
                             " WHERE settlement_id = ?", (made.id,))) == ("cash", 15_000, "")
    assert consignors.get_consignor(shop_db, sari.id).balance == 5_400
    assert settlement.unsettled_due(shop_db, sari.id) == 0
    assert row_texts(page, sari)[2:5] == ["5.400", "0", "03-11-2026"]
    assert made.number in page.message.text() and "Rp15.000" in page.message.text()
    assert keys.focused() is page.table


def test_enter_settles_too_and_zero_now_means_pay_later(
        manajer_session, keys, dialogs, shop_db, sold, tuesday):
    sari = sold
    page = open_page(keys, manajer_session, sari)

    def settle(dialog: SettlementDialog):
        keys.type("0")
        keys.press(Key.Key_S, CTRL)

    dialogs.expect("settle", settle, kind=SettlementDialog)
    no_slip(dialogs)
    keys.press(Key.Key_Return)
    dialogs.check()
    [made] = settlement.list_settlements(shop_db, consignor_id=sari.id)
    assert (made.due, made.paid) == (20_400, 0)
    assert shop_db.scalar("SELECT count(*) FROM consignor_payments WHERE consignor_id = ?",
                          (sari.id,)) == 0
    assert consignors.get_consignor(shop_db, sari.id).balance == 20_400
    assert row_texts(page, sari)[2:4] == ["20.400", "0"]


def test_a_sale_after_the_preview_is_refused_in_the_dialog_and_shown_again(
        bendahara_session, kasir_session, keys, dialogs, shop_db, sold, tuesday, clock,
        keripik):
    sari = sold
    page = open_page(keys, bendahara_session, sari)

    def settle(dialog: SettlementDialog):
        assert dialog.summary.values["due"].text() == "Rp20.400"
        sell(shop_db, kasir_session.user, clock, keripik, 1)   # the till goes on selling
        before = database_state(shop_db)
        keys.press(Key.Key_S, CTRL)
        assert dialog.isVisible()
        assert "transaksi baru" in dialog.form.general.text()
        assert database_state(shop_db) == before
        # What she sees now is what would be settled; the amount follows it.
        assert dialog.summary.values["due"].text() == "Rp30.600"
        assert dialog.pay.amount.text() == "30.600"
        keys.press(Key.Key_S, CTRL)

    dialogs.expect("settle", settle, kind=SettlementDialog)
    no_slip(dialogs)
    keys.press(Key.Key_F2)
    dialogs.check()
    [made] = settlement.list_settlements(shop_db, consignor_id=sari.id)
    assert (made.due, made.paid) == (30_600, 30_600)
    assert consignors.get_consignor(shop_db, sari.id).balance == 0
    assert "Rp30.600" in page.message.text()


def test_the_same_days_cannot_be_settled_twice_and_nothing_is_written(
        bendahara_session, keys, dialogs, shop_db, sold, tuesday, clock):
    sari = sold
    settled(shop_db, bendahara_session.user, clock, sari)
    with clock(days=1):        # Wednesday: nothing new has sold
        page = open_page(keys, bendahara_session, sari)
        assert row_texts(page, sari)[4:] == ["03-11-2026", "04-11-2026 s/d 04-11-2026"]
        before = database_state(shop_db)

        def again(dialog: SettlementDialog):
            assert "Tidak ada penjualan" in dialog.form.general.text()
            keys.press(Key.Key_Tab, SHIFT)      # from the amount back to the period
            keys.press(Key.Key_Tab, SHIFT)
            assert keys.focused() is dialog.period_from
            keys.type("02112026")
            assert dialog.period_from.date().toPython() == date(2026, 11, 2)
            message = dialog.form.errors["period_from"]
            assert message.isVisible() and "sudah diselesaikan" in message.text()
            assert dialog.summary.values["due"].text() == "—"
            keys.press(Key.Key_S, CTRL)
            assert dialog.isVisible() and "sudah diselesaikan" in message.text()
            assert database_state(shop_db) == before
            keys.press(Key.Key_Escape)

        dialogs.expect("settle again", again, kind=SettlementDialog)
        keys.press(Key.Key_F2)
        dialogs.check()
    assert database_state(shop_db) == before
    assert len(settlement.list_settlements(shop_db, consignor_id=sari.id)) == 1


def test_a_period_not_over_yet_is_refused_where_it_is_typed(
        bendahara_session, keys, dialogs, shop_db, sold, tuesday):
    sari = sold
    open_page(keys, bendahara_session, sari)
    before = database_state(shop_db)

    def future(dialog: SettlementDialog):
        keys.press(Key.Key_Tab, SHIFT)
        assert keys.focused() is dialog.period_to
        keys.type("04112026")
        assert "belum berakhir" in dialog.form.errors["period_to"].text()
        keys.press(Key.Key_S, CTRL)
        assert dialog.isVisible() and database_state(shop_db) == before
        keys.press(Key.Key_Escape)

    dialogs.expect("future", future, kind=SettlementDialog)
    keys.press(Key.Key_F2)
    dialogs.check()
    assert database_state(shop_db) == before


# --- paying later --------------------------------------------------------------------------------


def test_the_rest_is_paid_later_by_transfer_and_needs_its_reference(
        bendahara_session, keys, dialogs, shop_db, sold, tuesday, clock):
    sari = sold
    settled(shop_db, bendahara_session.user, clock, sari)       # 15,000 of 20,400 paid
    page = open_page(keys, bendahara_session, sari)
    before = database_state(shop_db)

    def pay(dialog: ConsignorPaymentDialog):
        fields = dialog.fields
        assert keys.focused() is fields.amount and fields.amount.text() == "5.400"
        assert "BRI 0123 0100 7777 501 a.n. Sari Wulandari" in fields.bank.text()
        keys.press(Key.Key_Return)              # Enter: on to the method
        assert keys.focused() is fields.method
        keys.press(Key.Key_Down)                # Tunai → Transfer bank
        assert fields.method.currentData() == "transfer"
        keys.press(Key.Key_S, CTRL)
        assert dialog.isVisible()
        assert dialog.form.errors["reference"].isVisible()
        assert "referensi" in dialog.form.errors["reference"].text()
        assert keys.focused() is fields.reference
        assert database_state(shop_db) == before
        keys.type("BRI 889123")
        keys.press(Key.Key_S, CTRL)

    dialogs.expect("pay", pay, kind=ConsignorPaymentDialog)
    keys.press(Key.Key_F6)
    dialogs.check()
    assert consignors.get_consignor(shop_db, sari.id).balance == 0
    assert tuple(shop_db.one(
        "SELECT method, reference, amount FROM consignor_payments WHERE consignor_id = ?"
        " AND settlement_id IS NULL", (sari.id,))) == (
            "transfer", "BRI 889123", 5_400)
    assert row_texts(page, sari)[2] == "0"
    assert "Rp5.400" in page.message.text()


def test_paying_more_than_is_owed_is_refused_and_writes_nothing(
        bendahara_session, keys, dialogs, shop_db, sold, tuesday, clock):
    sari = sold
    settled(shop_db, bendahara_session.user, clock, sari)
    open_page(keys, bendahara_session, sari)
    before = database_state(shop_db)

    def pay(dialog: ConsignorPaymentDialog):
        keys.type("5401")
        keys.press(Key.Key_S, CTRL)
        assert "melebihi" in dialog.form.errors["amount"].text()
        assert keys.focused() is dialog.fields.amount
        assert database_state(shop_db) == before
        keys.press(Key.Key_Escape)

    dialogs.expect("pay", pay, kind=ConsignorPaymentDialog)
    keys.press(Key.Key_F6)
    dialogs.check()
    assert database_state(shop_db) == before


# --- the history ---------------------------------------------------------------------------------


def test_the_history_shows_the_account_and_each_settlements_lines(
        bendahara_session, keys, dialogs, shop_db, sold, tuesday, clock):
    sari = sold
    settled(shop_db, bendahara_session.user, clock, sari)
    open_page(keys, bendahara_session, sari)
    [made] = settlement.list_settlements(shop_db, consignor_id=sari.id)

    def detail(dialog: SettlementDetailDialog):
        assert column(dialog.lines, 1) == ["Terjual", "Terjual", "Retur pembeli"]
        assert dialog.summary.values["due"].text() == "Rp20.400"
        assert dialog.summary.values["paid"].text() == "Rp15.000"
        keys.press(Key.Key_Escape)

    def history(dialog: ConsignorHistoryDialog):
        assert column(dialog.account_table, 1) == ["Penyelesaian", "Pembayaran"]
        assert column(dialog.account_table, 3) == ["02-11-2026 – 03-11-2026", "Tunai"]
        assert column(dialog.account_table, 4) == ["20.400", "-15.000"]
        assert column(dialog.account_table, 5) == ["20.400", "5.400"]
        assert column(dialog.table, 0) == [made.number]
        assert keys.focused() is dialog.table
        dialogs.expect("detail", detail, kind=SettlementDetailDialog)
        keys.press(Key.Key_Return)
        back_in(keys, dialog)
        keys.press(Key.Key_Escape)

    dialogs.expect("history", history, kind=ConsignorHistoryDialog)
    keys.press(Key.Key_F7)
    dialogs.check()


# --- who may -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["pengawas", "kasir"])
def test_who_may_not_settle_sees_the_list_and_the_history_only(
        login, keys, dialogs, shop_db, sold, tuesday, role):
    sari = sold
    page = open_page(keys, login(role), sari)
    shown = {b.text() for b in page.findChildren(QPushButton) if b.isVisible()}
    assert shown == {"Riwayat (F7)"}
    before = database_state(shop_db)
    keys.press(Key.Key_F2)                 # hidden buttons answer no keys
    keys.press(Key.Key_F6)
    dialogs.expect("history", lambda _d: keys.press(Key.Key_Escape),
                   kind=ConsignorHistoryDialog)
    keys.press(Key.Key_Return)             # Enter reads instead of settling
    dialogs.check()
    assert database_state(shop_db) == before


# --- the slip ------------------------------------------------------------------------------------


@pytest.mark.skipif(not can_print_slip(), reason="app.reports.consignment_pdf not there yet")
def test_after_settling_the_slip_is_saved_as_a_pdf(
        bendahara_session, keys, dialogs, shop_db, sold, tuesday, monkeypatch, tmp_path):
    import subprocess

    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QFileDialog

    sari = sold
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(opened.append))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(
        lambda _p, _t, name, _f: (str(tmp_path / name), "PDF (*.pdf)")))
    open_page(keys, bendahara_session, sari)
    dialogs.expect("settle", lambda _d: keys.press(Key.Key_S, CTRL), kind=SettlementDialog)
    dialogs.expect("slip", lambda _box: keys.press(Key.Key_Return), kind=QMessageBox)
    keys.press(Key.Key_F2)
    dialogs.check()
    [made] = settlement.list_settlements(shop_db, consignor_id=sari.id)
    path = tmp_path / f"Nota penyelesaian {made.number}.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert made.number in text and "20.400" in text
    assert len(opened) == 1
