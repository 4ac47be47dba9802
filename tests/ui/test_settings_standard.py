"""The retail standard on the settings screen: what a UMKM product needs to be offered to a
toserba or a marketplace, chosen by the admin and saved with the other settings."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.models.compliance import STANDARD_ITEMS, get_standard
from app.ui.settings_screen import SettingsScreen

CTRL = Qt.KeyboardModifier.ControlModifier


def test_the_admin_drops_the_photo_from_the_standard_and_it_is_saved(login, keys, shop_db):
    screen = SettingsScreen(login("admin"))
    keys.show(screen)
    assert set(get_standard(shop_db)) == set(STANDARD_ITEMS)
    box = screen.standard["photo"]
    box.setFocus()
    keys.press(Qt.Key.Key_Space)
    keys.press(Qt.Key.Key_S, CTRL)
    assert "photo" not in get_standard(shop_db)
    assert screen.message.text() == "Pengaturan tersimpan."


def test_an_empty_standard_is_refused_and_nothing_is_saved(login, keys, shop_db, snapshot):
    screen = SettingsScreen(login("admin"))
    keys.show(screen)
    screen.findChild(type(screen.inputs["shop_name"]), "shop_name").setText("Gerai Baru")
    for box in screen.standard.values():
        box.setChecked(False)
    before = snapshot(shop_db)
    keys.press(Qt.Key.Key_S, CTRL)
    assert "paling sedikit satu" in screen.message.text()
    assert snapshot(shop_db) == before          # the shop name was not saved either


def test_a_manager_sees_the_standard_but_cannot_change_it(login, keys):
    screen = SettingsScreen(login("manajer"))
    keys.show(screen)
    assert not any(box.isEnabled() for box in screen.standard.values())
