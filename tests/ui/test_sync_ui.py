"""Sync seen from the screens, driven by keys: the shop's Sinkronisasi tab makes its key,
enrolls with the district and writes a package to a stick (and says only then that it may
be pulled); the district office's screens register the shop, import its packages (next,
then duplicate), refuse a damaged one without touching the hub's books, and show a fork
with both heads until the officer accepts it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

import app.ui.hub_office_pages as hub_office_module
import app.ui.hub_screens as hub_screens_module
import app.ui.sync_page as sync_page_module
from app.models import hub_store, sync_data
from app.models.db import open_db
from app.models.settings import ShopSettings, get_settings
from app.models.shop import setup_shop
from app.models.users import authenticate
from app.sync import hub as sync_hub
from app.sync import shop as sync_shop
from app.ui.hub_office_pages import HubReportsPage, ReferencePage
from app.ui.hub_screens import HubImportPage, HubShopsPage
from app.ui.main_window import MainWindow
from app.ui.session import Session
from app.ui.settings_screen import SettingsScreen
from app.ui.sync_page import SyncPage

Key = Qt.Key
SHIFT = Qt.KeyboardModifier.ShiftModifier
HUB_SECRET = "rahasia-dinas-1"


@pytest.fixture(autouse=True)
def sync_keys(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "sync-keys"
    monkeypatch.setenv("GERAI_SYNC_KEY_DIR", str(folder))
    return folder


@pytest.fixture
def hub_db(tmp_path):
    """A district office: ``gerai init`` (its admin) then ``gerai hub init``."""
    db = open_db(tmp_path / "dinas.db")
    setup_shop(db, settings=ShopSettings(cooperative_name="Dinas Koperasi Lampung Selatan",
                                         shop_name="Dinas Koperasi", shop_code="DINAS"),
               username="admin", full_name="Petugas Dinas", secret=HUB_SECRET)
    sync_hub.init(db, district="LAMSEL")
    yield db
    db.close()


@pytest.fixture
def hub_session(hub_db) -> Session:
    user = authenticate(hub_db, username="admin", secret=HUB_SECRET)
    return Session(hub_db, user, get_settings(hub_db))


@pytest.fixture
def district_key(hub_db, tmp_path) -> Path:
    return sync_hub.write_public(hub_db, tmp_path / "district.pub")


@pytest.fixture
def stick(tmp_path) -> Path:
    path = tmp_path / "usb"
    path.mkdir()
    return path


def choose(monkeypatch, module, *, folder=None, file=None, files=None) -> None:
    """What the file dialogs answer (no modal dialog in the test)."""
    dialog = module.QFileDialog
    monkeypatch.setattr(dialog, "getExistingDirectory",
                        lambda *a, **k: str(folder) if folder else "")
    monkeypatch.setattr(dialog, "getOpenFileName",
                        lambda *a, **k: (str(file) if file else "", ""))
    monkeypatch.setattr(dialog, "getOpenFileNames",
                        lambda *a, **k: ([str(f) for f in files or ()], ""))


def sync_page(keys, session) -> SyncPage:
    page = SyncPage(session)
    page.resize(1000, 600)
    keys.show(page)
    return page


def exported_shop(shop_db, district_key, stick) -> Path:
    """A shop that made its key, enrolled and wrote its first package to the stick."""
    sync_shop.keygen(shop_db)
    sync_shop.enroll(shop_db, district_key)
    return sync_shop.export(shop_db, stick).path


def register(hub_db, shop_db, tmp_path) -> None:
    sync_hub.register(hub_db, sync_shop.write_public(shop_db, tmp_path / "shop.pub"),
                      code=sync_data.shop_code(shop_db))


# --- the shop ---------------------------------------------------------------------------------


def test_keygen_enroll_and_export_to_the_stick_by_keys(login, keys, shop_db, district_key,
                                                       stick, monkeypatch):
    page = sync_page(keys, login("manajer"))
    assert "F2" in page.fingerprint.text() and page.keygen_button.isVisible()
    assert "belum terdaftar" in page.district.text()
    waiting = int(page.pending.text())
    assert waiting > 0 and page.table.rowCount() == 0

    keys.press(Key.Key_F2)
    print_ = sync_page_module.sync_keys.fingerprint(sync_shop.public_key(shop_db))
    assert page.fingerprint.text() == print_ and print_ in page.message.text()
    assert not page.keygen_button.isVisible()

    choose(monkeypatch, sync_page_module, folder=stick)
    keys.press(Key.Key_F3)
    shop_pub = stick / f"{sync_data.shop_code(shop_db)}.pub"
    assert shop_pub.read_text().startswith("untrusted comment: gerai ")
    assert "Kunci publik tersimpan" in page.message.text()
    shop_pub.unlink()

    choose(monkeypatch, sync_page_module, file=district_key)
    keys.press(Key.Key_F4)
    assert page.district.text() == "LAMSEL" and "LAMSEL" in page.message.text()

    choose(monkeypatch, sync_page_module, folder=stick)
    keys.press(Key.Key_F5)
    [package] = list(stick.iterdir())
    assert package.suffix == ".gerai" and package.stat().st_size > 0
    assert "Aman dicabut" in page.message.text() and package.name in page.message.text()
    [sent] = sync_data.exports(shop_db)
    assert sent["file"] == package.name and f"{sent['rows']} baris" in page.message.text()
    assert page.table.rowCount() == 1 and page.table.item(0, 5).text() == package.name
    # What waits now is only what the export itself logged (its audit row, the next
    # package's).
    assert int(page.pending.text()) < min(waiting, 5)


def test_shift_f5_asks_then_sends_everything_again(login, keys, dialogs, shop_db,
                                                   district_key, stick, monkeypatch):
    exported_shop(shop_db, district_key, stick)
    page = sync_page(keys, login("admin"))
    choose(monkeypatch, sync_page_module, folder=stick)
    dialogs.expect("no, not everything", lambda box: keys.press(Key.Key_Escape),
                   kind=QMessageBox)
    keys.press(Key.Key_F5, SHIFT)
    dialogs.check()
    assert len(sync_data.exports(shop_db)) == 1

    def yes(box: QMessageBox):
        box.button(QMessageBox.StandardButton.Yes).click()

    dialogs.expect("yes, everything", yes, kind=QMessageBox)
    keys.press(Key.Key_F5, SHIFT)
    dialogs.check()
    newest = sync_data.exports(shop_db)[0]
    assert newest["full"] == 1 and newest["seq_from"] == 1 and newest["seq"] == 2
    assert "Aman dicabut" in page.message.text()
    assert page.table.item(0, 4).text() == "lengkap"


def test_export_before_enrolling_is_refused_and_writes_nothing(login, keys, shop_db, stick,
                                                               snapshot, monkeypatch):
    sync_shop.keygen(shop_db)
    page = sync_page(keys, login("admin"))
    before = snapshot(shop_db)
    choose(monkeypatch, sync_page_module, folder=stick)
    keys.press(Key.Key_F5)
    assert "belum terdaftar di dinas" in page.message.text()
    assert "Aman dicabut" not in page.message.text()
    assert list(stick.iterdir()) == [] and snapshot(shop_db) == before


def test_a_damaged_district_key_is_refused_and_writes_nothing(login, keys, shop_db, tmp_path,
                                                              snapshot, monkeypatch):
    bad = tmp_path / "district.pub"
    bad.write_text("untrusted comment: bukan kunci\nAAAA\n")
    page = sync_page(keys, login("admin"))
    before = snapshot(shop_db)
    choose(monkeypatch, sync_page_module, file=bad)
    keys.press(Key.Key_F4)
    assert page.message.text() and "terdaftar di dinas" not in page.message.text()
    assert "belum terdaftar" in page.district.text() and snapshot(shop_db) == before


def test_the_tab_is_for_managers_and_admins(login, keys):
    for role, shown in (("admin", True), ("manajer", True), ("kasir", False),
                        ("bendahara", False)):
        screen = SettingsScreen(login(role))
        tabs = [screen.pages.tabText(i) for i in range(screen.pages.count())]
        assert ("Sinkronisasi" in tabs) is shown, role
        assert tabs[-1] == "Cadangan data"


# --- the district office ----------------------------------------------------------------------


def test_a_hub_database_opens_the_hub_screens(hub_session, keys):
    window = MainWindow(hub_session)
    keys.show(window)
    labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert labels[0].startswith("Gerai") and "Ctrl+2" in labels[1]
    assert not any("Kasir" in label for label in labels)
    assert isinstance(window.screens["hub_shops"], HubShopsPage)
    keys.press(Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(window.stack.currentWidget(), HubImportPage)


def test_register_import_next_then_duplicate_then_a_damaged_file(
        hub_session, hub_db, shop_db, district_key, stick, tmp_path, keys, monkeypatch,
        snapshot):
    package = exported_shop(shop_db, district_key, stick)
    code = sync_data.shop_code(shop_db)
    shop_pub = sync_shop.write_public(shop_db, tmp_path / "shop.pub")

    shops = HubShopsPage(hub_session)
    shops.resize(1000, 600)
    keys.show(shops, shops.code)
    choose(monkeypatch, hub_screens_module, file=shop_pub)
    keys.press(Key.Key_F2)                       # no code typed: said, nothing asked
    assert "Isi kode gerai" in shops.errors["code"].text() and hub_store.shops(hub_db) == []
    keys.type(code.lower())
    keys.press(Key.Key_F2)
    assert f"Gerai {code} terdaftar" in shops.message.text()
    assert shops.table.rowCount() == 1 and shops.table.item(0, 0).text() == code
    assert shops.table.item(0, 4).text() == "–"
    keys.type(code)                              # the same shop again: refused, said
    keys.press(Key.Key_F2)
    assert "sudah terdaftar" in shops.errors["code"].text() and len(hub_store.shops(hub_db)) == 1

    page = HubImportPage(hub_session)
    page.resize(1200, 600)
    keys.show(page)
    choose(monkeypatch, hub_screens_module, folder=stick)
    keys.press(Key.Key_F5)
    row = [page.table.item(0, c).text() for c in range(7)]
    assert row[:3] == [package.name, code, "berikutnya"] and row[5] == "ya"
    assert int(row[3]) > 0 and row[4] == "0"
    assert hub_db.scalar("SELECT count(*) FROM s_sales") == shop_db.scalar(
        "SELECT count(*) FROM sales")
    assert "1 diterapkan" in page.summary.text()
    shops.refresh()
    epoch = hub_store.shops(hub_db)[0]["epoch"]
    assert shops.table.item(0, 4).text() == f"{epoch} / 1" and shops.table.item(0, 3).text() != "belum"

    keys.press(Key.Key_F5)
    row = [page.table.item(0, c).text() for c in range(7)]
    assert row[2] == "duplikat" and row[5] == "tidak" and "Sudah pernah" in row[6]
    assert "1 sudah ada" in page.summary.text()

    damaged = tmp_path / "rusak" / package.name
    damaged.parent.mkdir()
    data = bytearray(package.read_bytes())
    data[len(data) // 2] ^= 0x40
    damaged.write_bytes(bytes(data))
    before = snapshot(hub_db)
    choose(monkeypatch, hub_screens_module, files=[damaged])
    keys.press(Key.Key_F6)
    row = [page.table.item(0, c).text() for c in range(7)]
    assert row[2] == "ditolak" and row[5] == "tidak" and row[6]
    assert "1 ditolak" in page.summary.text()
    assert snapshot(hub_db) == before


def test_a_fork_shows_both_heads_and_is_accepted_only_after_the_question(
        hub_session, hub_db, shop_db, district_key, stick, tmp_path, keys, dialogs,
        monkeypatch):
    first = exported_shop(shop_db, district_key, stick)
    register(hub_db, shop_db, tmp_path)
    sync_hub.import_files(hub_db, [first])
    # A copy of the shop as it was after its first package: it goes on on its own chain.
    shop_db.checkpoint("TRUNCATE")
    twin_path = tmp_path / "kembaran.db"
    shutil.copy(shop_db.path, twin_path)
    twin = open_db(twin_path, create=False)
    try:
        sync_hub.import_files(hub_db, [sync_shop.export(shop_db, tmp_path).path])
        other = tmp_path / "cabang"
        other.mkdir()
        sync_shop.export(twin, other)
        forked = sync_shop.export(twin, other).path
    finally:
        twin.close()

    page = HubImportPage(hub_session)
    page.resize(1200, 600)
    keys.show(page)
    choose(monkeypatch, hub_screens_module, files=[forked])
    keys.press(Key.Key_F6)
    row = [page.table.item(0, c).text() for c in range(7)]
    assert row[2] == "cabang" and row[5] == "tidak"
    assert "menyambung masa" in row[6] and "dinas punya masa" in row[6]
    seq_before = hub_store.shops(hub_db)[0]["last_seq"]
    fork = [b for b in page.findChildren(QPushButton) if "F8" in b.text()][0]
    assert fork.isEnabled()

    dialogs.expect("not this one", lambda box: keys.press(Key.Key_Escape), kind=QMessageBox)
    keys.press(Key.Key_F8)
    dialogs.check()
    assert hub_store.shops(hub_db)[0]["last_seq"] == seq_before

    def yes(box: QMessageBox):
        assert "menyambung" in box.text()
        box.button(QMessageBox.StandardButton.Yes).click()

    dialogs.expect("accept the fork", yes, kind=QMessageBox)
    keys.press(Key.Key_F8)
    dialogs.check()
    row = [page.table.item(0, c).text() for c in range(7)]
    assert row[2] == "cabang" and row[5] == "ya" and "Diterima" in row[6]
    assert not fork.isEnabled()


def test_the_gap_setting_is_kept(hub_session, hub_db, keys):
    page = HubImportPage(hub_session)
    keys.show(page)
    page.allow_gaps.setFocus()
    keys.press(Key.Key_Space)
    assert hub_store.hub_setting(hub_db, hub_store.ALLOW_GAPS) == "1"
    assert HubImportPage(hub_session).allow_gaps.isChecked()
    keys.press(Key.Key_Space)
    assert hub_store.hub_setting(hub_db, hub_store.ALLOW_GAPS) == "0"


# --- the district's outputs -------------------------------------------------------------------


@pytest.fixture
def imported_hub(hub_db, shop_db, district_key, stick, tmp_path) -> Path:
    """The hub with the demo shop registered and its first package imported."""
    package = exported_shop(shop_db, district_key, stick)
    register(hub_db, shop_db, tmp_path)
    [done] = sync_hub.import_files(hub_db, [package])
    assert done.applied
    return package


def test_a_district_report_is_written_where_the_officer_says(
        hub_session, hub_db, shop_db, imported_hub, tmp_path, keys, monkeypatch):
    page = HubReportsPage(hub_session)
    page.resize(900, 500)
    keys.show(page)
    names = [page.name.itemData(i) for i in range(page.name.count())]
    assert "shops" in names and page.message.text() == ""
    page.name.setCurrentIndex(names.index("shops"))
    page.format.setCurrentText("csv")           # the period: this month so far
    out = tmp_path / "laporan" / "gerai.csv"
    out.parent.mkdir()
    monkeypatch.setattr(hub_office_module.QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(out), ""))
    keys.press(Key.Key_F5)
    assert "Laporan tersimpan" in page.message.text(), page.message.text()
    assert sync_data.shop_code(shop_db) in out.read_text(encoding="utf-8-sig")
    # A day that is not one: said under its field, no file asked for.
    monkeypatch.setattr(hub_office_module.QFileDialog, "getSaveFileName",
                        lambda *a, **k: pytest.fail("no file is asked"))
    page.end.setFocus()
    page.end.selectAll()
    keys.type("31-02-2026")
    keys.press(Key.Key_F5)
    assert "tidak valid" in page.errors["end"].text() and keys.focused() is page.end


def test_reference_packages_by_f6_and_an_empty_het_list_is_said(
        hub_session, hub_db, imported_hub, tmp_path, keys, monkeypatch):
    page = ReferencePage(hub_session)
    page.resize(900, 400)
    keys.show(page)
    out = tmp_path / "usb-ref"
    out.mkdir()
    choose(monkeypatch, hub_office_module, folder=out)
    page.kind.setCurrentIndex(page.kind.findData("het"))
    counted = "SELECT (SELECT count(*) FROM audit_log), (SELECT count(*) FROM hub_reference)"
    before = tuple(hub_db.one(counted))
    keys.press(Key.Key_F6)
    assert "HET dinas masih kosong" in page.message.text()
    assert list(out.iterdir()) == [] and tuple(hub_db.one(counted)) == before
    page.kind.setCurrentIndex(page.kind.findData("catalog"))
    keys.press(Key.Key_F6)
    [written] = list(out.iterdir())
    assert written.suffix == ".gerai" and "Aman dicabut" in page.message.text()
    assert written.name in page.message.text()


def test_the_het_zone_and_a_district_list_applied_by_keys(login, keys, shop_db, hub_db,
                                                          district_key, stick, tmp_path,
                                                          monkeypatch):
    """The manager picks the shop's HET zone, then F6 applies the district's HET list:
    the cap is set in that zone, the price is never touched, and the page names the
    product now priced above its cap."""
    from app.models import reference_data
    from app.sync import reference

    exported_shop(shop_db, district_key, stick)
    row = shop_db.one("SELECT p.id, p.price, b.code FROM products p JOIN barcodes b"
                      " ON b.product_id = p.id AND b.unit_id IS NULL WHERE p.price > 2000"
                      " ORDER BY p.name LIMIT 1")
    het = tmp_path / "het.csv"
    het.write_text("barcode,nama,satuan,zona,het\n"
                   f"{row['code']},Uji,pcs,I,{row['price'] + 500}\n"
                   f"{row['code']},Uji,pcs,II,{row['price'] - 1000}\n", encoding="utf-8")
    reference_data.load_het(hub_db, het, user=None)
    package = reference.export_reference(hub_db, kind="het", out=tmp_path)

    page = sync_page(keys, login("manajer"))
    assert page.zone.currentData() == "I" and "belum ada" in page.references.text()
    page.zone.setFocus()
    keys.press(Key.Key_Down)            # a closed combo box steps to the next item
    page.zone.activated.emit(page.zone.currentIndex())
    assert reference_data.het_zone(shop_db) == "II"
    choose(monkeypatch, sync_page_module, file=package)
    keys.press(Key.Key_F6)
    assert shop_db.scalar("SELECT het FROM products WHERE id = ?", (row["id"],)) == \
        row["price"] - 1000
    assert shop_db.scalar("SELECT price FROM products WHERE id = ?", (row["id"],)) == \
        row["price"]
    name = shop_db.scalar("SELECT name FROM products WHERE id = ?", (row["id"],))
    assert "Harga jual di atas HET" in page.message.text() and name in page.message.text()
    assert "HET versi 1 dari LAMSEL" in page.references.text()
    # The same list again: refused as a replay, nothing changes.
    before = shop_db.scalar("SELECT count(*) FROM audit_log")
    keys.press(Key.Key_F6)
    assert "versi" in page.message.text()
    assert shop_db.scalar("SELECT count(*) FROM audit_log") == before


def test_a_folder_dragged_from_the_file_manager_is_imported(hub_session, hub_db, shop_db,
                                                            district_key, stick, tmp_path,
                                                            keys):
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    package = exported_shop(shop_db, district_key, stick)
    register(hub_db, shop_db, tmp_path)
    page = HubImportPage(hub_session)
    page.resize(1200, 600)
    keys.show(page)
    assert page.acceptDrops()
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(stick))])
    action = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(page.rect().center(), action, data, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    page.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(page.rect().center()), action, data, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    page.dropEvent(drop)
    assert page.table.item(0, 0).text() == package.name
    assert page.table.item(0, 2).text() == "berikutnya"
    # Text dragged in (no files) is not taken.
    words = QMimeData()
    words.setText("KDMP017")
    enter = QDragEnterEvent(page.rect().center(), action, words, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    enter.ignore()
    page.dragEnterEvent(enter)
    assert not enter.isAccepted()
