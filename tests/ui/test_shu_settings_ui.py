"""The SHU page of the settings, driven by keys: the admin changes the split of the AD/ART,
sees the sum as she types, and a split that is not 100% is refused with nothing saved."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from app.models.shu_settings import SETTING_KEY, default_allocation, get_shu_allocation
from app.ui.shu_settings_page import LABEL, PERCENT, ShuSettingsPage

CTRL = Qt.KeyboardModifier.ControlModifier


def _type_in(keys, page, row: int, column: int, text: str) -> None:
    """Over-type one cell (typing in a cell replaces what it held); Enter keeps it once its
    editor has closed, a moment later."""
    page.table.setCurrentCell(row, column)
    page.table.setFocus()
    keys.type(text)
    keys.press(Qt.Key.Key_Return)
    keys.qtbot.waitUntil(lambda: page.table.state() != page.table.State.EditingState,
                         timeout=2000)


def test_the_admin_moves_five_percent_and_adds_a_part(login, keys, shop_db):
    page = ShuSettingsPage(login("admin"))
    keys.show(page)
    assert page.table.rowCount() == len(default_allocation())
    assert page.total.text() == "Jumlah: 100%."
    _type_in(keys, page, 0, PERCENT, "30")                 # cadangan 40 → 30
    assert page.total.text() == "Jumlah: 90% — harus tepat 100%."
    keys.press(Qt.Key.Key_N, CTRL)                         # the new row's name, open
    keys.type("Dana pembangunan daerah kerja")
    keys.press(Qt.Key.Key_Return)
    keys.qtbot.waitUntil(lambda: page.table.state() != page.table.State.EditingState,
                         timeout=2000)
    _type_in(keys, page, page.table.rowCount() - 1, PERCENT, "10")
    assert page.total.text() == "Jumlah: 100%."
    keys.press(Qt.Key.Key_S, CTRL)
    assert page.message.text() == "Pembagian SHU tersimpan."
    saved = get_shu_allocation(shop_db)
    assert (saved[0].key, saved[0].bp) == ("cadangan", 3000)
    assert (saved[-1].key, saved[-1].label, saved[-1].bp) == (
        "dana_pembangunan_daerah", "Dana pembangunan daerah kerja", 1000)


def test_a_split_that_is_not_100_is_refused_and_nothing_is_saved(login, keys, shop_db,
                                                                 snapshot):
    page = ShuSettingsPage(login("admin"))
    keys.show(page)
    page.table.setCurrentCell(len(default_allocation()) - 1, LABEL)   # Dana sosial, 5%
    keys.press(Qt.Key.Key_Delete, CTRL)
    assert page.total.text() == "Jumlah: 95% — harus tepat 100%."
    before = snapshot(shop_db)
    # The percent still being typed counts too.
    page.table.setCurrentCell(0, PERCENT)
    keys.type("4x")
    keys.press(Qt.Key.Key_S, CTRL)
    assert "Persen bagian ke-1 tidak valid" in page.error.text()
    assert page.table.currentRow() == 0 and page.table.currentColumn() == PERCENT
    assert page.message.text() == "Belum tersimpan."
    _type_in(keys, page, 0, PERCENT, "40")
    keys.press(Qt.Key.Key_S, CTRL)
    assert "harus tepat 100%; sekarang 95%" in page.error.text()
    assert snapshot(shop_db) == before
    assert shop_db.scalar("SELECT count(*) FROM settings WHERE key = ?", (SETTING_KEY,)) == 0


def test_the_treasurer_reads_the_split_but_cannot_change_it(login, keys):
    page = ShuSettingsPage(login("bendahara"))
    keys.show(page)
    assert page.table.rowCount() == len(default_allocation())
    assert page.table.editTriggers() == page.table.EditTrigger.NoEditTriggers
    assert not any(button.isVisible() for button in page.findChildren(QPushButton))
    # Ctrl+S does nothing for her either.
    keys.press(Qt.Key.Key_S, CTRL)
    assert page.message.text() == ""


def test_the_settings_screen_has_the_shu_page_and_its_ctrl_s_saves_only_the_split(
        login, keys, shop_db):
    from app.ui.settings_screen import SettingsScreen

    screen = SettingsScreen(login("admin"))
    keys.show(screen)
    titles = [screen.pages.tabText(i) for i in range(screen.pages.count())]
    assert "SHU" in titles
    screen.pages.setCurrentIndex(titles.index("SHU"))
    page = screen.findChild(ShuSettingsPage)
    _type_in(keys, page, 0, PERCENT, "35")
    _type_in(keys, page, 1, PERCENT, "30")
    keys.press(Qt.Key.Key_S, CTRL)
    assert page.message.text() == "Pembagian SHU tersimpan."
    assert [p.bp for p in get_shu_allocation(shop_db)][:2] == [3500, 3000]
    assert screen.message.text() == ""          # the shop page did not save
