"""Members' pre-orders by keys: F2 takes one with a deposit into the drawer, F5 hands the
goods over with the rest paid in cash."""

from __future__ import annotations

import pytest
from dialogs import back_in
from PySide6.QtCore import Qt

from app.models import preorders
from app.models.members import create_member
from app.models.products import find_by_barcode
from app.models.shifts import open_shift, shift_summary
from app.models.till_settings import get_till_settings
from app.ui.preorders_page import PreorderDialog, PreordersPage
from app.ui.till_dialogs import MemberDialog, PaymentDialog

Key = Qt.Key


@pytest.fixture
def page(kasir_session, keys) -> PreordersPage:
    page = PreordersPage(kasir_session)
    page.resize(1200, 600)
    keys.show(page, page.table)
    page.refresh()
    return page


@pytest.fixture
def shift(shop_db, kasir_session):
    return open_shift(shop_db, user=kasir_session.user, till=get_till_settings(shop_db).till,
                      opening_float="100000")


@pytest.fixture
def member(shop_db, manajer_session):
    return create_member(shop_db, user=manajer_session.user, name="Parmi Wulandari")


def rice_code(db) -> str:
    return db.scalar("SELECT b.code FROM barcodes b JOIN products p ON p.id = b.product_id"
                     " WHERE p.name = 'Beras Medium 5 kg' AND b.unit_id IS NULL")


def test_a_pre_order_is_taken_with_a_deposit_and_handed_over_by_keys(
        page, keys, dialogs, shop_db, shift, member):
    code = rice_code(shop_db)
    price = find_by_barcode(shop_db, code).price

    def pick_member(dialog: MemberDialog):
        keys.type("parmi")
        keys.press(Key.Key_Return)

    def fill(dialog: PreorderDialog):
        dialogs.expect("member", pick_member, kind=MemberDialog)
        keys.press(Key.Key_F7)
        back_in(keys, dialog)
        assert member.name in dialog.member_button.text()
        keys.type(code)
        keys.press(Key.Key_Return)          # the rice, by its barcode
        assert keys.focused() is dialog.qty
        keys.type("3")
        keys.press(Key.Key_Return)
        keys.type("50000")
        keys.press(Key.Key_Return)          # Enter in the last field saves

    dialogs.expect("pre-order", fill, kind=PreorderDialog)
    keys.press(Key.Key_F2)
    dialogs.check()
    [order] = [o for o in preorders.list_preorders(shop_db) if o.member_id == member.id]
    assert (order.qty, order.deposit, order.total) == (3000, 50_000, 3 * price)
    assert shift_summary(shop_db, shift.id).expected_cash == 100_000 + 50_000

    def pay(dialog: PaymentDialog):
        assert dialog.total == 3 * price - 50_000
        keys.type(str(3 * price - 50_000))
        keys.press(Key.Key_Return)

    page.table.selectRow(page.orders.index(next(o for o in page.orders if o.id == order.id)))
    dialogs.expect("payment", pay, kind=PaymentDialog)
    keys.press(Key.Key_F5)
    dialogs.check()
    assert preorders.get_preorder(shop_db, order.id).status == "fulfilled"
    assert shift_summary(shop_db, shift.id).expected_cash == 100_000 + 3 * price
    assert "Diserahkan" in page.message.text()


def test_a_pre_order_without_a_member_writes_nothing(page, keys, dialogs, shop_db, shift,
                                                     snapshot):
    before = snapshot(shop_db)
    seen = {}

    def fill(dialog: PreorderDialog):
        assert keys.focused() is dialog.member_button   # Enter here would open the picker
        keys.press(Key.Key_Tab)
        keys.type(rice_code(shop_db))
        keys.press(Key.Key_Return)
        keys.type("1")
        keys.press(Key.Key_Return)
        keys.press(Key.Key_Return)
        seen["error"] = dialog.form.errors["member"].text()
        keys.press(Key.Key_Escape)

    dialogs.expect("pre-order", fill, kind=PreorderDialog)
    keys.press(Key.Key_F2)
    dialogs.check()
    assert "anggota" in seen["error"]
    assert snapshot(shop_db) == before
