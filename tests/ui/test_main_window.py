"""The main window for each role: the areas it may use, Ctrl+number to switch, the status bar."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt

from app.models.clock import format_local, now
from app.models.settings import get_settings
from app.ui.audit_screen import AuditScreen
from app.ui.main_window import OWN_KEYS, MainWindow
from app.ui.members_screen import MembersScreen
from app.ui.products_screen import ProductsScreen
from app.ui.reports_screen import ReportsScreen
from app.ui.settings_screen import SettingsScreen
from app.ui.till_screen import TillScreen
from app.ui.users_screen import UsersScreen

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
AREAS_BY_ROLE = {
    "kasir": ["till", "products", "purchasing", "stock", "settings"],
    "bendahara": ["products", "audit", "purchasing", "stock", "consignment", "reports",
                  "settings", "members", "journal"],
    "manajer": ["till", "products", "audit", "users", "purchasing", "stock", "consignment",
                "reports", "settings", "members", "journal"],
    "pengawas": ["products", "audit", "stock", "reports", "settings"],
    "admin": ["till", "products", "audit", "users", "purchasing", "stock", "consignment",
              "reports", "settings", "members", "journal"],
}
FULL_NAMES = {"kasir": "Agus Saputra", "bendahara": "Dewi Lestari", "manajer": "Siti Aminah",
              "pengawas": "Bambang Sutrisno", "admin": "Rahmat Hidayat"}


def areas(window: MainWindow) -> list[str]:
    return [window.nav.item(i).data(Qt.ItemDataRole.UserRole) for i in range(window.nav.count())]


def open_window(login, keys, role: str) -> MainWindow:
    window = MainWindow(login(role))
    keys.show(window)
    return window


@pytest.mark.parametrize("role", sorted(AREAS_BY_ROLE))
def test_the_navigation_lists_only_the_areas_the_role_may_use(login, keys, role):
    window = open_window(login, keys, role)
    assert areas(window) == AREAS_BY_ROLE[role]
    labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    for number, (key, label) in enumerate(zip(areas(window), labels, strict=True), start=1):
        # The tenth area is Ctrl+0; the journal has Ctrl+J whatever its place.
        assert label.endswith(f"({OWN_KEYS.get(key, f'Ctrl+{number % 10}')})")
    assert ("Log audit" in " ".join(labels)) == (role != "kasir")


def test_the_cashier_has_no_way_to_the_audit_log(login, keys):
    window = open_window(login, keys, "kasir")
    for number in range(1, 10):
        keys.press(getattr(Key, f"Key_{number}"), CTRL)
        assert not isinstance(window.stack.currentWidget(), AuditScreen)
    assert not any(isinstance(s, AuditScreen) for s in window.screens.values())


def test_the_cashiers_window_opens_on_the_till_with_the_cursor_in_the_scan_field(login, keys):
    window = open_window(login, keys, "kasir")
    screen = window.stack.currentWidget()
    assert isinstance(screen, TillScreen)
    assert keys.focused() is screen.scan


@pytest.mark.parametrize("role", ["bendahara", "pengawas"])
def test_who_keeps_the_books_opens_on_the_reports_with_the_cursor_in_the_list(
        login, keys, role):
    window = open_window(login, keys, role)
    screen = window.stack.currentWidget()
    assert isinstance(screen, ReportsScreen)
    assert window.nav.currentItem().data(Qt.ItemDataRole.UserRole) == "reports"
    assert keys.focused() is screen.list
    keys.press(Key.Key_1, CTRL)                 # the products are still one key away
    assert isinstance(window.stack.currentWidget(), ProductsScreen)
    assert keys.focused() is window.screens["products"].search


@pytest.mark.parametrize("role", ["manajer", "kasir"])
def test_ctrl_number_switches_between_the_areas(login, keys, role):
    window = open_window(login, keys, role)
    expected = {"products": ProductsScreen, "audit": AuditScreen, "settings": SettingsScreen,
                "users": UsersScreen, "till": TillScreen, "members": MembersScreen}
    order = [key for key in AREAS_BY_ROLE[role] if key not in OWN_KEYS]   # numbered first
    for number in [1, len(order), 2]:
        keys.press(getattr(Key, f"Key_{number % 10}"), CTRL)
        key = order[number - 1]
        assert window.nav.currentRow() == number - 1
        assert isinstance(window.stack.currentWidget(), expected[key])
        assert window.stack.currentWidget() is window.screens[key]
        assert window.screens[key].isVisible()
    # Back on the products, the keys work there again: the search has the focus.
    assert keys.focused() is window.screens["products"].search


def test_ctrl_2_brings_the_cursor_back_to_the_search_from_anywhere(login, keys):
    window = open_window(login, keys, "manajer")
    keys.press(Key.Key_2, CTRL)
    products = window.screens["products"]
    keys.press(Key.Key_Down)
    assert keys.focused() is products.table
    window.nav.setFocus()  # as after tabbing over to the navigation
    keys.press(Key.Key_2, CTRL)
    assert window.stack.currentWidget() is products
    assert keys.focused() is products.search


def test_the_audit_area_shows_the_latest_logins(login, keys):
    window = open_window(login, keys, "manajer")
    keys.press(Key.Key_3, CTRL)
    screen = window.screens["audit"]
    assert screen.table.rowCount() > 0
    assert screen.table.item(0, 1).text() == "manajer"
    assert screen.table.item(0, 2).text() == "Masuk aplikasi"
    assert screen.table.item(0, 0).text().endswith("WIB")


@pytest.mark.parametrize("role", sorted(AREAS_BY_ROLE))
def test_the_status_bar_shows_shop_user_time_with_zone_and_database(login, keys, shop_db, role):
    window = open_window(login, keys, role)
    settings = get_settings(shop_db)
    assert settings.shop_name in window.status_shop.text()
    assert settings.shop_code in window.status_shop.text()
    assert FULL_NAMES[role] in window.status_user.text()
    assert window.status_time.text().endswith(" WIB")
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d WIB", window.status_time.text())
    # The clock shows the shop's local time (WIB = UTC+7), within a minute of now.
    shown, expected = window.status_time.text(), format_local(now(), "WIB")
    assert shown[:-4][:13] == expected[:-4][:13]
    assert str(shop_db.path) in window.status_db.text()
    assert settings.shop_name in window.windowTitle()
    for label in (window.status_shop, window.status_user, window.status_time, window.status_db):
        assert label.isVisible()


def test_ctrl_l_logs_out(login, keys, qtbot):
    window = open_window(login, keys, "kasir")
    with qtbot.waitSignal(window.logout_requested, timeout=1000) as signal:
        keys.press(Key.Key_L, CTRL)
    assert signal.args == [True]
    assert not window.isVisible()
