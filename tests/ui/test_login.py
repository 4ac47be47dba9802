"""The login dialog, driven as a cashier does at the start of a shift: keyboard only."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from app.models import audit
from app.models.settings import get_settings
from app.ui.login_dialog import LoginDialog

WRONG_LOGIN = "Nama pengguna atau PIN/kata sandi salah."


@pytest.fixture
def dialog(shop_db, keys) -> LoginDialog:
    dialog = LoginDialog(shop_db, get_settings(shop_db))
    keys.show(dialog, dialog.username)
    return dialog


def test_enter_after_the_user_name_moves_to_the_pin_and_does_not_log_in(dialog, keys, shop_db):
    before = audit.recent(shop_db, 1)[0]["seq"]
    keys.type("kasir")
    keys.press(Qt.Key.Key_Return)

    assert keys.focused() is dialog.secret
    assert dialog.isVisible()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.user is None
    assert dialog.error.isHidden()
    assert audit.recent(shop_db, 1)[0]["seq"] == before  # no login attempt at all


def test_cashier_logs_in_with_name_enter_pin_enter(dialog, keys, shop_db):
    keys.type("kasir")
    keys.press(Qt.Key.Key_Return)
    keys.type("1234")
    keys.press(Qt.Key.Key_Return)

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert not dialog.isVisible()
    assert dialog.user is not None
    assert dialog.user.username == "kasir"
    assert dialog.user.role == "kasir"
    last = audit.recent(shop_db, 1)[0]
    assert (last["action"], last["username"]) == ("login", "kasir")


def test_tab_also_moves_from_the_name_to_the_pin(dialog, keys):
    keys.type("kasir")
    keys.press(Qt.Key.Key_Tab)
    assert keys.focused() is dialog.secret
    keys.type("1234")
    keys.press(Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.user is not None and dialog.user.role == "kasir"


def test_wrong_pin_is_refused_with_a_message_clears_the_pin_and_is_audited(dialog, keys, shop_db):
    before = audit.recent(shop_db, 1)[0]["seq"]
    keys.type("kasir")
    keys.press(Qt.Key.Key_Return)
    keys.type("9999")
    keys.press(Qt.Key.Key_Return)

    assert dialog.isVisible()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.user is None
    assert dialog.error.isVisible()
    assert dialog.error.text().strip()
    assert WRONG_LOGIN in dialog.error.text()
    assert dialog.secret.text() == ""
    assert dialog.username.text() == "kasir"
    assert keys.focused() is dialog.secret  # ready for the PIN again

    rows = [r for r in audit.recent(shop_db, 10) if r["seq"] > before]
    assert [(r["action"], r["username"]) for r in rows] == [("login.failed", "kasir")]


def test_right_pin_after_a_wrong_one_logs_in_and_hides_nothing_from_the_audit(
        dialog, keys, shop_db):
    before = audit.recent(shop_db, 1)[0]["seq"]
    keys.type("kasir")
    keys.press(Qt.Key.Key_Return)
    keys.type("0000")
    keys.press(Qt.Key.Key_Return)
    assert dialog.isVisible()
    keys.type("1234")
    keys.press(Qt.Key.Key_Return)

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.user is not None and dialog.user.username == "kasir"
    actions = [r["action"] for r in reversed(audit.recent(shop_db, 10)) if r["seq"] > before]
    assert actions == ["login.failed", "login"]


def test_unknown_user_is_refused_with_the_same_message(dialog, keys, shop_db):
    before = audit.recent(shop_db, 1)[0]["seq"]
    keys.type("tidakada")
    keys.press(Qt.Key.Key_Return)
    keys.type("1234")
    keys.press(Qt.Key.Key_Return)

    assert dialog.isVisible()
    assert dialog.user is None
    assert WRONG_LOGIN in dialog.error.text()
    assert dialog.secret.text() == ""
    assert audit.recent(shop_db, 1)[0]["seq"] == before  # nobody to record it against


def test_enter_with_an_empty_pin_is_refused_not_accepted(dialog, keys):
    keys.type("kasir")
    keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.user is None
    assert WRONG_LOGIN in dialog.error.text()


def test_escape_closes_the_login_without_anyone_logged_in(dialog, keys):
    keys.type("kasir")
    keys.press(Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert not dialog.isVisible()
    assert dialog.user is None


def test_escape_from_the_pin_field_also_closes(dialog, keys):
    keys.type("kasir")
    keys.press(Qt.Key.Key_Return)
    keys.type("12")
    keys.press(Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert dialog.user is None


def test_after_five_wrong_pins_even_the_right_pin_must_wait(dialog, keys, shop_db):
    keys.type("kasir")
    keys.press(Qt.Key.Key_Return)
    for _ in range(5):
        keys.type("0000")
        keys.press(Qt.Key.Key_Return)
        assert dialog.isVisible()
    keys.type("1234")
    keys.press(Qt.Key.Key_Return)

    assert dialog.isVisible()
    assert dialog.user is None
    assert "Terlalu banyak percobaan gagal" in dialog.error.text()
    assert dialog.secret.text() == ""
    failed = [r for r in audit.recent(shop_db, 10) if r["action"] == "login.failed"]
    assert len(failed) == 5
