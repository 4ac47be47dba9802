"""A consigned snack's papers for a toserba (kelengkapan izin), filled in by keys from the
products screen: F10 opens them for the selected product. Every test checks the real
database (and the photo beside it) afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from app.models import compliance, consignment, consignors
from app.models.barcodes import with_check_digit
from app.models.money import QTY_SCALE
from app.models.products import ProductInput, create_product
from app.ui.compliance_dialog import ComplianceDialog
from app.ui.products_screen import ProductsScreen

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
NAME = "Keripik Nanas Ujicoba 200 g"
CODE = with_check_digit("899555000123")


def database_state(db) -> str:
    return "\n".join(db.conn.iterdump())


@pytest.fixture
def sari(shop_db, manajer_session):
    return consignors.create_consignor(shop_db, user=manajer_session.user, data=consignors.
                                       consignor_from_form({"name": "Ibu Sari Ujicoba",
                                                            "village": "Desa Hanura",
                                                            "commission": "15"}))


@pytest.fixture
def snack(shop_db, manajer_session, sari):
    user = manajer_session.user
    item = create_product(shop_db, user=user, data=ProductInput(
        name=NAME, base_unit="pcs", price=15_000, category="UMKM", barcodes=(CODE,)))
    consignment.post_intake(shop_db, user=user, consignor_id=sari.id, lines=[
        consignment.IntakeLine(item.id, 12 * QTY_SCALE)])
    return item


@pytest.fixture
def photo(tmp_path) -> Path:
    path = tmp_path / "keripik nanas.png"
    Image.new("RGB", (320, 200), (230, 180, 40)).save(path, "PNG")
    return path


def choose_file(monkeypatch, path) -> None:
    """The file the manager picks in the photo dialog."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *args, **kw: (str(path), "")))


def open_screen(keys, session) -> ProductsScreen:
    screen = ProductsScreen(session)
    screen.resize(1200, 700)
    keys.show(screen, screen.search)
    keys.type(NAME)
    keys.press(Key.Key_Return)         # the product selected, the list has the keys
    assert screen.selected_id() is not None
    return screen


def test_the_manager_fills_in_a_snacks_papers_by_keys_with_a_photo(
        manajer_session, keys, dialogs, shop_db, snack, sari, photo, monkeypatch):
    screen = open_screen(keys, manajer_session)
    assert screen.selected_id() == snack.id
    assert screen.compliance_button.isVisible()
    choose_file(monkeypatch, photo)
    before = database_state(shop_db)
    seen = {}

    def fill(dialog: ComplianceDialog):
        assert dialog.status.text().startswith("Belum siap: izin edar")
        assert keys.focused() is dialog.producer
        keys.press(Key.Key_Down)                       # the only producer
        assert dialog.producer.currentData() == sari.id
        keys.press(Key.Key_Return)
        assert keys.focused() is dialog.permit_kind
        keys.press(Key.Key_Down)
        assert dialog.permit_kind.currentText() == "P-IRT"
        for text in ("12345", "ID31110000123450321", "31-12-2030", "250g"):
            keys.press(Key.Key_Return)
            keys.type(text)
        for _box in range(4):                          # each line of the label: ticked
            keys.press(Key.Key_Return)
            keys.press(Key.Key_Space)
        assert keys.focused() is dialog.fields["label_barcode"]
        keys.press(Key.Key_Return)                     # Enter in the last box saves
        seen["after refusal"] = database_state(shop_db)
        assert "15 angka" in dialog.errors["permit_no"].text()
        assert dialog.errors["permit_no"].isVisible()
        assert keys.focused() is dialog.fields["permit_no"]
        keys.type("P-IRT No. 2063271010123-30")       # the wrong text was selected
        keys.press(Key.Key_O, CTRL)
        assert not dialog.thumbnail.pixmap().isNull()
        assert dialog.thumbnail.pixmap().width() == 160   # scaled to the box, wide side
        keys.press(Key.Key_S, CTRL)

    dialogs.expect("papers", fill, kind=ComplianceDialog)
    keys.press(Key.Key_F10)
    dialogs.check()
    assert seen["after refusal"] == before
    saved = compliance.get_compliance(shop_db, snack.id)
    assert (saved.producer_id, saved.permit_kind, saved.permit_no, saved.net_weight) == (
        sari.id, "pirt", "2063271010123-30", "250 g")
    assert saved.label_producer and saved.label_ingredients and saved.label_barcode
    assert (compliance.photos_dir(shop_db) / saved.photo).read_bytes() == photo.read_bytes()
    assert compliance.readiness_of(shop_db, snack.id).ready
    assert screen.selected_id() == snack.id            # still on the product


def test_a_wrong_photo_is_named_under_its_field_and_esc_writes_nothing(
        manajer_session, keys, dialogs, shop_db, snack, tmp_path, monkeypatch):
    compliance.save_compliance(shop_db, user=manajer_session.user, product_id=snack.id,
                               data=compliance.ComplianceInput(net_weight="200 g",
                                                               label_expiry=True))
    fake = tmp_path / "bukan-foto.jpg"
    fake.write_text("ini catatan, bukan foto")
    choose_file(monkeypatch, fake)
    open_screen(keys, manajer_session)
    before = database_state(shop_db)

    def look(dialog: ComplianceDialog):
        assert dialog.fields["net_weight"].text() == "200 g"     # what was saved before
        assert dialog.fields["label_expiry"].isChecked()
        assert not dialog.fields["label_producer"].isChecked()
        keys.press(Key.Key_O, CTRL)
        assert dialog.errors["photo"].text() == "Foto harus berkas JPEG atau PNG."
        assert dialog.photo_source is None and dialog.thumbnail.pixmap().isNull()
        keys.press(Key.Key_Escape)

    dialogs.expect("papers", look, kind=ComplianceDialog)
    keys.press(Key.Key_F10)
    dialogs.check()
    assert database_state(shop_db) == before
    assert not compliance.photos_dir(shop_db).exists()


def test_a_cashier_has_no_key_for_the_papers(kasir_session, keys, snack):
    screen = ProductsScreen(kasir_session)
    keys.show(screen)
    assert not screen.compliance_button.isVisible()
