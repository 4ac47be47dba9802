"""Staff accounts kept by the manager, and a new shop's first start, all by keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.models import audit
from app.models.db import open_db
from app.models.errors import UserError
from app.models.settings import get_settings
from app.models.users import authenticate, has_users, list_users
from app.ui.main_window import MainWindow
from app.ui.product_dialog import ProductDialog
from app.ui.setup_dialog import SetupDialog
from app.ui.users_screen import UsersScreen

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier


def test_the_manager_adds_a_cashier_who_can_then_log_in(manajer_session, keys):
    window = keys.show(MainWindow(manajer_session))
    keys.press(Key.Key_4, CTRL)
    assert isinstance(window.stack.currentWidget(), UsersScreen)
    seen = {}

    def fill(dialog):
        seen["roles"] = [dialog.inputs["role"].itemData(i)
                         for i in range(dialog.inputs["role"].count())]
        keys.type("Wati Susanti")
        keys.press(Key.Key_Tab)
        keys.type("wati")
        keys.press(Key.Key_Tab)
        keys.press(Key.Key_Tab)  # the role stays at the first choice: kasir
        keys.type("97531")
        keys.press(Key.Key_S, CTRL)
        if dialog.isVisible():
            seen["errors"] = {k: e.text() for k, e in dialog.errors.items() if e.text()}
            dialog.reject()

    raised = keys.when_modal(fill)
    keys.press(Key.Key_F2)
    assert not raised, raised
    assert "errors" not in seen, seen
    assert "admin" not in seen["roles"]
    wati = authenticate(manajer_session.db, username="wati", secret="97531")
    assert (wati.full_name, wati.role) == ("Wati Susanti", "kasir")


def test_a_new_account_with_a_short_pin_is_refused_next_to_the_field(manajer_session, keys):
    screen = keys.show(UsersScreen(manajer_session))
    users_before = len(list_users(manajer_session.db))
    shown = {}

    def fill(dialog):
        keys.type("Wati")
        keys.press(Key.Key_Tab)
        keys.type("wati")
        keys.press(Key.Key_Tab)
        keys.press(Key.Key_Tab)
        keys.type("12")
        keys.press(Key.Key_S, CTRL)
        shown["secret"] = dialog.errors["secret"].text()
        shown["open"] = dialog.isVisible()
        dialog.reject()

    raised = keys.when_modal(fill)
    keys.press(Key.Key_F2)
    assert not raised, raised
    assert shown["open"] and "PIN" in shown["secret"]
    assert len(list_users(manajer_session.db)) == users_before
    assert screen.table.rowCount() == users_before


def test_f8_deactivates_a_cashier_who_leaves_and_she_can_no_longer_log_in(manajer_session, keys):
    screen = keys.show(UsersScreen(manajer_session))
    row = next(i for i, u in enumerate(screen.users) if u.username == "kasir2")
    screen.table.selectRow(row)
    screen.table.setFocus()
    keys.press(Key.Key_F8)
    assert screen.table.item(row, 3).text() == "nonaktif"
    with pytest.raises(UserError):
        authenticate(manajer_session.db, username="kasir2", secret="2345")
    assert audit.recent(manajer_session.db, 1)[0]["action"] == "user.deactivate"


def test_a_new_shop_is_set_up_on_first_start_by_keys(tmp_path, keys):
    db = open_db(tmp_path / "empty.db")
    dialog = keys.show(SetupDialog(db))
    for text in ("Koperasi Desa Merah Putih Way Huwi", "Gerai Way Huwi", "kdmp099",
                 "Jl. Way Huwi 1"):
        keys.press(Key.Key_A, CTRL)
        keys.type(text)
        keys.press(Key.Key_Tab)
    keys.press(Key.Key_Tab)  # zone stays WIB
    keys.type("Sari Wulandari")
    keys.press(Key.Key_Tab)
    keys.press(Key.Key_Tab)  # user name stays "admin"
    keys.type("rahasia123")
    keys.press(Key.Key_S, CTRL)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert get_settings(db).shop_code == "KDMP099"
    assert authenticate(db, username="admin", secret="rahasia123").full_name == "Sari Wulandari"


def test_a_first_start_with_missing_details_says_what_is_missing_and_writes_nothing(tmp_path, keys):
    db = open_db(tmp_path / "empty.db")
    dialog = keys.show(SetupDialog(db))
    keys.press(Key.Key_S, CTRL)
    assert dialog.isVisible()
    assert dialog.errors["cooperative_name"].isVisible()
    assert dialog.errors["shop_code"].text()
    assert dialog.errors["full_name"].text()
    assert dialog.errors["secret"].text()
    assert not has_users(db)
    assert db.scalar("SELECT count(*) FROM settings") == 0


def test_a_scanners_enter_in_the_barcode_field_readies_it_for_the_next_code(manajer_session, keys):
    dialog = keys.show(ProductDialog(manajer_session))
    products_before = manajer_session.db.scalar("SELECT count(*) FROM products")
    keys.type("Emping Melinjo")
    keys.press(Key.Key_Return)
    assert keys.focused() is dialog.fields["brand"]
    dialog.fields["barcodes"].setFocus()
    keys.type("8991234567891")
    keys.press(Key.Key_Return)
    keys.type("EMP001")
    keys.press(Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.fields["barcodes"].text() == "8991234567891, EMP001, "
    assert manajer_session.db.scalar("SELECT count(*) FROM products") == products_before
