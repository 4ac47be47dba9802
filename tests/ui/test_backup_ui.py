"""Backups seen from the screens, driven by keys: the till's Z close makes one (and a
failing folder is said while the shift stays closed), the Cadangan page makes one with F5
and lists it, copies to a USB stick with F6, saves the personal-data key locked with a
passphrase (F7) and puts it back (F8), and the main window makes the daily one."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from dialogs import Dialogs
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QPlainTextEdit, QPushButton

import app.ui.backup_page as backup_page_module
import app.ui.main_window as main_window_module
from app.models import backup as backups
from app.models import members, personal
from app.models.backup_settings import (
    BackupSettings,
    get_backup_settings,
    last_backup,
    record_backup,
    save_backup_settings,
)
from app.models.clock import frozen_clock, now, to_iso
from app.models.shifts import open_shift, open_shift_for
from app.ui.backup_page import BackupPage
from app.ui.main_window import MainWindow
from app.ui.settings_screen import SettingsScreen
from app.ui.till_screen import TillScreen
from app.ui.till_shift import CloseShiftDialog

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier


def generations(folder: Path, db) -> list[Path]:
    from app.models.settings import get_settings

    return backups.backups_in(folder, get_settings(db).shop_code) if folder.is_dir() else []


@pytest.fixture
def folder(shop_db, admin_session, tmp_path) -> Path:
    """The admin's backup folder (not there yet: the first backup makes it)."""
    path = tmp_path / "cadangan"
    save_backup_settings(shop_db, user=admin_session.user,
                         settings=BackupSettings(folder=str(path), keep=3))
    return path


# --- the till: a backup after the Z close -------------------------------------------------


def close_the_shift(keys, dialogs: Dialogs, *, then=None) -> None:
    """Ctrl+Z, an empty drawer counted, Yes, the Z report read and closed (Esc)."""

    def count(dialog: CloseShiftDialog):
        dialogs.expect("are you sure", lambda box: keys.press(Key.Key_Return),
                       kind=QMessageBox, where=lambda b: "Tutup shift" in b.text())
        dialogs.expect("Z report", lambda d: keys.press(Key.Key_Escape),
                       where=lambda d: d.findChild(QPlainTextEdit, "report_text") is not None)
        if then is not None:
            then()
        keys.press(Key.Key_S, CTRL)

    dialogs.expect("drawer count", count, kind=CloseShiftDialog)
    keys.press(Key.Key_Z, CTRL)
    dialogs.check()


@pytest.fixture
def till(shop_db, kasir_session, keys) -> TillScreen:
    open_shift(shop_db, user=kasir_session.user, till="KASIR-1", opening_float="200000")
    screen = TillScreen(kasir_session)
    screen.resize(1100, 700)
    keys.show(screen, screen.scan)
    assert open_shift_for(shop_db, screen.till.till) is not None
    return screen


def test_the_z_close_makes_a_verified_backup(till, keys, dialogs, shop_db, folder):
    close_the_shift(keys, dialogs)
    assert open_shift_for(shop_db, till.till.till) is None
    [made] = generations(folder, shop_db)
    assert backups.verify_backup(made) > 0
    assert "Shift ditutup" in till.status.text() and made.name in till.status.text()
    assert last_backup(shop_db) is not None
    assert shop_db.scalar("SELECT user_id FROM audit_log WHERE action = 'backup.made'") == (
        till.session.user.id)
    assert keys.focused() is till.scan


def test_a_file_in_the_folders_place_is_said_and_the_shift_stays_closed(
        till, keys, dialogs, shop_db, folder):
    folder.write_text("USB lama, bukan folder")
    seen = {}

    def failed(box: QMessageBox):
        seen["text"] = box.text()
        keys.press(Key.Key_Return)

    close_the_shift(keys, dialogs, then=lambda: dialogs.expect(
        "backup failed", failed, kind=QMessageBox,
        where=lambda b: b.windowTitle() == "Cadangan gagal"))
    assert open_shift_for(shop_db, till.till.till) is None
    assert "Shift sudah ditutup" in seen["text"] and "bukan folder" in seen["text"]
    assert "cadangan otomatis gagal" in till.status.text()
    assert folder.read_text() == "USB lama, bukan folder"
    assert last_backup(shop_db) is None


def test_no_backup_at_shift_close_when_the_admin_turned_it_off(
        till, keys, dialogs, shop_db, admin_session, tmp_path):
    path = tmp_path / "cadangan"
    save_backup_settings(shop_db, user=admin_session.user,
                         settings=BackupSettings(folder=str(path), at_shift_close=False))
    close_the_shift(keys, dialogs)
    assert open_shift_for(shop_db, till.till.till) is None
    assert not path.exists() and till.status.text() == "Shift ditutup."


# --- the Cadangan page ----------------------------------------------------------------------


def open_page(keys, session) -> BackupPage:
    page = BackupPage(session)
    page.resize(900, 600)
    keys.show(page)
    return page


def listed(page: BackupPage) -> list[tuple[str, str, str]]:
    return [tuple(page.table.item(r, c).text() for c in range(3))
            for r in range(page.table.rowCount())]


def test_f5_makes_a_backup_and_the_list_shows_it_newest_first(login, keys, shop_db, folder):
    page = open_page(keys, login("manajer"))     # not the admin: she may back up, not edit
    assert listed(page) == [] and str(folder) in page.where.text()
    assert "belum pernah" in page.where.text()
    keys.press(Key.Key_F5)
    [first] = generations(folder, shop_db)
    assert "Cadangan dibuat" in page.message.text() and first.name in page.message.text()
    assert [row[2] for row in listed(page)] == [first.name]
    made, size, _name = listed(page)[0]
    assert made[2] == "/" and made[5] == "/" and made[13] == ":"   # 26/11/2026 21:15:30
    assert size.endswith(("KB", "MB"))
    assert "belum pernah" not in page.where.text()
    # An hour later another: newest first.
    with frozen_clock(now() + timedelta(hours=1)):
        keys.press(Key.Key_F5)
    newer = generations(folder, shop_db)[0]
    assert [row[2] for row in listed(page)] == [newer.name, first.name]


def test_the_admin_saves_the_settings_and_bad_ones_write_nothing(login, keys, shop_db,
                                                                 tmp_path, snapshot):
    page = open_page(keys, login("admin"))
    before = snapshot(shop_db)
    page.keep.setFocus()
    page.keep.selectAll()
    keys.type("0")
    keys.press(Key.Key_S, CTRL)
    assert "1 sampai 1000" in page.errors["keep"].text()
    assert keys.focused() is page.keep and page.message.text() == "Belum tersimpan."
    page.folder.setFocus()
    keys.type("relatif")
    page.keep.setFocus()
    page.keep.selectAll()
    keys.type("5")
    keys.press(Key.Key_S, CTRL)
    assert "lengkap dari akarnya" in page.errors["folder"].text()
    assert snapshot(shop_db) == before
    page.folder.setFocus()
    page.folder.selectAll()
    keys.type(str(tmp_path / "cadangan"))
    page.daily.setFocus()
    keys.press(Key.Key_Space)
    keys.press(Key.Key_S, CTRL)
    assert page.message.text() == "Pengaturan cadangan tersimpan."
    assert get_backup_settings(shop_db) == BackupSettings(str(tmp_path / "cadangan"), 5,
                                                         True, False)
    assert str(tmp_path / "cadangan") in page.where.text()


def test_others_read_the_settings_and_have_no_usb_copy(login, keys, shop_db, folder,
                                                       snapshot, monkeypatch):
    monkeypatch.setattr(backup_page_module.QFileDialog, "getExistingDirectory",
                        lambda *a, **k: pytest.fail("no folder is asked"))
    page = open_page(keys, login("kasir"))
    assert not page.folder.isEnabled() and not page.keep.isEnabled()
    visible = [b.text() for b in page.findChildren(QPushButton) if b.isVisible()]
    assert visible == ["Cadangkan sekarang (F5)"]
    before = snapshot(shop_db)
    keys.press(Key.Key_S, CTRL)
    keys.press(Key.Key_F6)
    assert snapshot(shop_db) == before and page.message.text() == ""


def test_f6_copies_to_the_usb_stick_and_says_when_it_may_be_pulled(login, keys, shop_db,
                                                                   tmp_path, monkeypatch):
    stick = tmp_path / "usb"
    stick.mkdir()
    monkeypatch.setattr(backup_page_module.QFileDialog, "getExistingDirectory",
                        lambda *a, **k: str(stick))
    page = open_page(keys, login("admin"))
    keys.press(Key.Key_F6)
    [copy] = generations(stick, shop_db)
    assert backups.verify_backup(copy) > 0
    assert "aman dicabut" in page.message.text() and copy.name in page.message.text()
    # The stick pulled before the next copy: said, nothing left behind.
    copy.unlink()
    stick.rmdir()
    keys.press(Key.Key_F6)
    assert "aman dicabut" not in page.message.text() and "tidak ada" in page.message.text()


def test_the_settings_have_a_cadangan_tab(login, keys):
    screen = SettingsScreen(login("admin"))
    keys.show(screen)
    tabs = [screen.pages.tabText(i) for i in range(screen.pages.count())]
    assert tabs[-1] == "Cadangan data"
    assert isinstance(screen.pages.widget(len(tabs) - 1), BackupPage)


# --- the daily backup when the main window opens -----------------------------------------------


def test_the_main_window_makes_the_daily_backup_in_the_background(
        login, keys, qtbot, shop_db, folder, monkeypatch):
    monkeypatch.setattr(main_window_module, "DAILY_BACKUP_DELAY_MS", 0)
    window = MainWindow(login("kasir"))
    keys.show(window)
    qtbot.waitUntil(lambda: "Cadangan harian dibuat" in window.status_backup.text(),
                    timeout=10_000)
    [made] = generations(folder, shop_db)
    assert made.name in window.status_backup.text() and backups.verify_backup(made) > 0
    assert last_backup(shop_db) is not None


def test_no_daily_backup_within_a_day_of_the_last(login, keys, qtbot, shop_db, folder,
                                                  monkeypatch):
    monkeypatch.setattr(main_window_module, "DAILY_BACKUP_DELAY_MS", 0)
    record_backup(shop_db, to_iso(now() - timedelta(hours=2)))
    window = MainWindow(login("kasir"))
    keys.show(window)
    qtbot.wait(300)
    assert window.status_backup.text() == "" and not folder.exists()


def test_a_failing_daily_backup_is_said_and_the_window_works_on(
        login, keys, qtbot, shop_db, folder, monkeypatch):
    monkeypatch.setattr(main_window_module, "DAILY_BACKUP_DELAY_MS", 0)
    folder.write_text("bukan folder")
    window = MainWindow(login("kasir"))
    keys.show(window)
    qtbot.waitUntil(lambda: "Cadangan harian gagal" in window.status_backup.text(),
                    timeout=10_000)
    assert "bukan folder" in window.status_backup.text()
    assert last_backup(shop_db) is None


# --- the personal-data key: saved with a passphrase (F7), put back (F8) ---------------------

WORDS = "kopi tubruk pagi hari"
NIK = "1871034101900001"


@pytest.fixture
def own_key(shop_db, tmp_path, monkeypatch, admin_session) -> Path:
    """This test's key folder with a copy of the shop's key (the demo's key file is shared
    by every copy of the demo shop), and a member whose NIK it seals. Returns the key file."""
    key_file = personal.key_path(personal.personal_key(shop_db).key_id)
    folder = tmp_path / "keys"
    folder.mkdir()
    shutil.copy(key_file, folder / key_file.name)
    monkeypatch.setenv("GERAI_KEY_DIR", str(folder))
    return folder / key_file.name


@pytest.fixture
def siti(shop_db, own_key, admin_session) -> str:
    """A member whose NIK the key seals."""
    return members.create_member(shop_db, user=admin_session.user, name="Siti Aminah",
                                 nik=NIK).id


def type_passphrase(keys, words: str, seen: list | None = None):
    def handle(dialog: QInputDialog):
        assert dialog.textEchoMode() == QLineEdit.EchoMode.Password
        if seen is not None:
            seen.append(dialog.labelText())
        keys.type(words)
        keys.press(Key.Key_Return)
    return handle


def folder_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_f7_saves_the_key_and_f8_puts_it_back(keys, dialogs, shop_db, own_key, siti,
                                              admin_session, tmp_path, monkeypatch):
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(backup_page_module.QFileDialog, "getExistingDirectory",
                        lambda *a, **k: str(usb))
    page = open_page(keys, admin_session)
    assert str(own_key) in page.key_where.text()
    asked: list[str] = []
    dialogs.expect("passphrase", type_passphrase(keys, WORDS, asked), kind=QInputDialog)
    dialogs.expect("again", type_passphrase(keys, WORDS, asked), kind=QInputDialog)
    keys.press(Key.Key_F7)
    dialogs.check()
    assert "paling sedikit 10" in asked[0] and "sekali lagi" in asked[1]
    [saved] = usb.iterdir()
    assert saved.name.startswith("gerai-kunci-") and saved.suffix == ".age"
    assert "Salinan kunci tersimpan" in page.message.text() and saved.name in page.message.text()

    # The computer died: the key is gone, the member's NIK locked; F8 brings it back.
    own_key.unlink()
    personal._cache.clear()
    page.refresh()
    assert "terkunci" in page.key_where.text()
    assert members.get_member(shop_db, siti).nik_masked == members.LOCKED
    monkeypatch.setattr(backup_page_module.QFileDialog, "getOpenFileName",
                        lambda *a, **k: (str(saved), ""))
    dialogs.expect("wrong passphrase", type_passphrase(keys, "bukan kata sandinya"),
                   kind=QInputDialog)
    keys.press(Key.Key_F8)
    dialogs.check()
    assert "Kata sandi salah" in page.message.text() and not own_key.exists()
    dialogs.expect("passphrase", type_passphrase(keys, WORDS), kind=QInputDialog)
    keys.press(Key.Key_F8)
    dialogs.check()
    assert "dipulihkan" in page.message.text() and own_key.exists()
    assert "terkunci" not in page.key_where.text() and str(own_key) in page.key_where.text()
    assert members.get_member(shop_db, siti).nik_masked == "1871**********01"


def test_f7_refuses_a_short_or_mistyped_passphrase_before_asking_a_folder(
        keys, dialogs, own_key, admin_session, tmp_path, monkeypatch):
    monkeypatch.setattr(backup_page_module.QFileDialog, "getExistingDirectory",
                        lambda *a, **k: pytest.fail("no folder is asked"))
    page = open_page(keys, admin_session)
    dialogs.expect("short", type_passphrase(keys, "pendek"), kind=QInputDialog)
    keys.press(Key.Key_F7)
    dialogs.check()
    assert "paling sedikit 10" in page.message.text()
    dialogs.expect("first", type_passphrase(keys, WORDS), kind=QInputDialog)
    dialogs.expect("second", type_passphrase(keys, WORDS + "!"), kind=QInputDialog)
    keys.press(Key.Key_F7)
    dialogs.check()
    assert "tidak sama" in page.message.text()
    assert not list(tmp_path.rglob("gerai-kunci-*"))


def test_only_the_admin_saves_or_restores_the_key(login, keys, own_key, monkeypatch):
    monkeypatch.setattr(backup_page_module.QFileDialog, "getExistingDirectory",
                        lambda *a, **k: pytest.fail("no folder is asked"))
    monkeypatch.setattr(backup_page_module.QFileDialog, "getOpenFileName",
                        lambda *a, **k: pytest.fail("no file is asked"))
    monkeypatch.setattr(backup_page_module.QInputDialog, "getText",
                        lambda *a, **k: pytest.fail("no passphrase is asked"))
    page = open_page(keys, login("manajer"))
    keys.press(Key.Key_F7)
    keys.press(Key.Key_F8)
    assert page.message.text() == "" and folder_files(own_key.parent) == [own_key.name]
