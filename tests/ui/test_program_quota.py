"""Program goods at the counter and in the product form, driven by keys.

LPG 3 kg goes to members only, four cylinders a month each: the till says so as soon as the
cylinder is scanned, refuses F10 until a member is picked (F7) and the quantity is within
what is left, and then sells as usual. The manager sets the program and quota in the form.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.models.barcodes import with_check_digit
from app.models.cart import Cart, add_product, set_member
from app.models.members import create_member
from app.models.money import QTY_SCALE
from app.models.products import ProductInput, create_product, find_by_barcode, get_product
from app.models.sales import PaymentInput, complete_sale, recent_sales, returnable_lines
from app.models.shifts import open_shift
from app.models.till_settings import TillSettings, save_till_settings
from app.ui.product_dialog import ProductDialog
from app.ui.till_dialogs import MemberDialog, PaymentDialog
from app.ui.till_screen import TillScreen

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
K = QTY_SCALE
LPG_CODE = with_check_digit("899" + "135792468")
SALE_TABLES = ("sales", "sale_lines", "payments", "stock_movements")


def written_rows(db) -> dict[str, int]:
    return {table: db.scalar(f"SELECT count(*) FROM {table}") for table in SALE_TABLES}


def scan(keys, code: str) -> None:
    keys.type(code)
    keys.press(Key.Key_Return)


@pytest.fixture
def lpg(shop_db, manajer_session):
    return create_product(shop_db, user=manajer_session.user, data=ProductInput(
        name="LPG 3 kg Pangkalan", brand="Pertamina", category="LPG", base_unit="tabung",
        price=20_000, cost=18_000, het=20_000, barcodes=(LPG_CODE,), opening_stock=80 * K,
        program="LPG 3 kg", quota_qty=4 * K, quota_period="month"))


@pytest.fixture
def member(shop_db, manajer_session):
    return create_member(shop_db, user=manajer_session.user, name="Parmi Wulandari")


@pytest.fixture
def till(shop_db, kasir_session, admin_session, keys, tmp_path) -> TillScreen:
    settings = save_till_settings(shop_db, user=admin_session.user, settings=TillSettings(
        printer_kind="file", printer_target=str(tmp_path / "printer.bin")))
    open_shift(shop_db, user=kasir_session.user, till=settings.till, opening_float=200_000)
    screen = TillScreen(kasir_session)
    screen.resize(1100, 700)
    keys.show(screen, screen.scan)
    return screen


def pick_member(keys, name: str) -> list:
    def handle(dialog):
        assert isinstance(dialog, MemberDialog)
        keys.type(name)
        keys.press(Key.Key_Return)

    raised = keys.when_modal(handle)
    keys.press(Key.Key_F7)
    return raised


def pay_cash(keys, tendered: str) -> list:
    def handle(dialog):
        assert isinstance(dialog, PaymentDialog)
        assert keys.focused() is dialog.cash
        keys.type(tendered)
        keys.press(Key.Key_Return)

    raised = keys.when_modal(handle)
    keys.press(Key.Key_F10)
    return raised


def test_a_cylinder_without_a_member_is_stopped_until_f7_picks_one(
        till, keys, shop_db, lpg, member):
    before = written_rows(shop_db)
    scan(keys, LPG_CODE)
    assert till.status.text() == "LPG 3 kg Pangkalan hanya untuk anggota; pilih anggota (F7)."

    keys.press(Key.Key_F10)  # no payment dialog: the cashier is told what to do
    assert QApplication.activeModalWidget() is None
    assert "pilih anggota (F7)" in till.status.text()
    assert written_rows(shop_db) == before
    assert keys.focused() is till.scan

    raised = pick_member(keys, "Parmi")
    assert not raised, raised
    assert member.name in till.member_label.text()
    assert till.status.text() == ""  # nothing stands in the way any more

    raised = pay_cash(keys, "20000")
    assert not raised, raised
    sale = recent_sales(shop_db, limit=1)[0]
    assert (sale.member_id, sale.total) == (member.id, 20_000)
    assert [(line.name, line.qty) for line in returnable_lines(shop_db, sale.id)] == [
        ("LPG 3 kg Pangkalan", K)]
    assert get_product(shop_db, lpg.id).stock == 79 * K


def test_more_than_the_member_has_left_is_said_at_the_scan_and_refused_at_f10(
        till, keys, shop_db, lpg, member, kasir_session):
    # Earlier this month Parmi took three cylinders.
    cart = set_member(add_product(shop_db, Cart(), lpg.id, qty=3 * K), member)
    complete_sale(shop_db, user=kasir_session.user, till="KASIR-1", cart=cart,
                  payments=[PaymentInput("cash", 60_000)])
    raised = pick_member(keys, "Parmi")
    assert not raised, raised
    keys.type("2*")
    scan(keys, LPG_CODE)
    expected = ("LPG 3 kg Pangkalan: kuota 4 tabung per anggota per bulan. Parmi Wulandari"
                " sudah membeli 3 tabung, sisa 1 tabung; di keranjang 2 tabung.")
    assert till.status.text() == expected
    before = written_rows(shop_db)

    keys.press(Key.Key_F10)
    assert QApplication.activeModalWidget() is None
    assert till.status.text() == expected
    assert written_rows(shop_db) == before

    def one(dialog):
        keys.press(Key.Key_A, CTRL)
        keys.type("1")
        keys.press(Key.Key_Return)

    raised = keys.when_modal(one)
    keys.press(Key.Key_F4)  # one cylinder is what is left
    assert not raised, raised
    assert till.status.text() == ""
    raised = pay_cash(keys, "20000")
    assert not raised, raised
    sale = recent_sales(shop_db, limit=1)[0]
    assert (sale.member_id, sale.total) == (member.id, 20_000)


# --- the product form ----------------------------------------------------------------------


@pytest.fixture
def form(manajer_session, keys) -> ProductDialog:
    dialog = ProductDialog(manajer_session)
    keys.show(dialog, dialog.fields["name"])
    return dialog


def in_field(widget, dialog: ProductDialog, key: str) -> bool:
    """``widget`` is the field's line edit, or the editable combo box that holds it."""
    edit = dialog.fields[key]
    return widget is edit or widget is edit.parentWidget()


def type_into(keys, dialog: ProductDialog, values: dict[str, str]) -> None:
    """Tab to each field in turn (as the manager does) and type its value."""
    for key, text in values.items():
        for _step in range(30):
            if in_field(keys.focused(), dialog, key):
                break
            keys.press(Key.Key_Tab)
        assert in_field(keys.focused(), dialog, key), f"Tab never reached {key!r}"
        keys.type(text)


def test_the_manager_sets_a_program_and_a_weekly_quota_by_keys(form, keys, shop_db):
    code = with_check_digit("899" + "864213579")
    type_into(keys, form, {"name": "Beras SPHP 5 kg Bulog", "base_unit": "pcs",
                           "price": "62500", "het": "62.500", "barcodes": code,
                           "program": "SPHP", "quota_qty": "2"})
    assert form.program.findText("SPHP") >= 0  # offered, not only typed
    keys.press(Key.Key_Return)  # Enter moves on from the quota to its period
    assert keys.focused() is form.quota_period
    assert form.quota_period.currentText() == "per bulan"
    keys.press(Key.Key_Up)      # per minggu
    assert form.quota_period.currentText() == "per minggu"
    keys.press(Key.Key_S, CTRL)

    product = find_by_barcode(shop_db, code).product
    assert (product.program, product.quota_qty, product.quota_period, product.het) == (
        "SPHP", 2 * K, "week", 62_500)

    # Opened again, the form shows what was saved.
    again = ProductDialog(form.session, product)
    assert (again.fields["program"].text(), again.fields["quota_qty"].text(),
            again.quota_period.currentText()) == ("SPHP", "2", "per minggu")


def test_a_quota_without_a_program_is_shown_under_the_quota_and_nothing_is_saved(
        form, keys, shop_db):
    products = shop_db.scalar("SELECT count(*) FROM products")
    type_into(keys, form, {"name": "Minyak Curah", "base_unit": "liter", "price": "15000",
                           "quota_qty": "abc"})
    keys.press(Key.Key_S, CTRL)
    assert form.isVisible()
    shown = {key: label.text() for key, label in form.errors.items() if label.isVisible()}
    assert list(shown) == ["quota_qty"] and "tidak valid" in shown["quota_qty"]
    assert keys.focused() is form.fields["quota_qty"]

    form.fields["quota_qty"].selectAll()
    keys.type("2,5")
    keys.press(Key.Key_S, CTRL)
    shown = {key: label.text() for key, label in form.errors.items() if label.isVisible()}
    assert list(shown) == ["quota_qty"] and "nama program" in shown["quota_qty"]
    assert shop_db.scalar("SELECT count(*) FROM products") == products

    type_into(keys, form, {"program": "MinyaKita"})
    keys.press(Key.Key_S, CTRL)
    assert not form.isVisible()
    saved = form.saved
    assert (saved.program, saved.quota_qty, saved.quota_period) == ("MinyaKita", 2_500,
                                                                   "month")
