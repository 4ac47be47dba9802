"""Importing a catalog file from the products screen, by keys: F6, the preview, F10."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from app.models.product_search import count_products
from app.models.products import find_by_barcode
from app.ui.catalog_import_dialog import CatalogImportDialog
from app.ui.products_screen import ProductsScreen

Key = Qt.Key
GOOD = ("nama,satuan,harga,harga_pokok,barcode,stok\n"
        "Keripik Pisang Lampung,bungkus,15000,11000,8990000000013,12\n"
        "Kopi Robusta Lampung 250 g,pcs,32.000,26.500,8990000000020,6\n")
BAD = ("nama,harga\n"
       "Keripik Pisang Lampung,15000\n")


@pytest.fixture
def screen(manajer_session, keys) -> ProductsScreen:
    screen = ProductsScreen(manajer_session)
    screen.resize(1200, 700)
    keys.show(screen, screen.search)
    return screen


def choose_file(monkeypatch, path) -> None:
    """The file the manager picks in the system's open dialog."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))


def test_f6_previews_a_file_and_f10_imports_it(screen, keys, monkeypatch, tmp_path, shop_db,
                                               qtbot):
    path = tmp_path / "katalog.csv"
    path.write_text(GOOD, encoding="utf-8")
    choose_file(monkeypatch, path)
    before = count_products(shop_db)
    seen = {}

    def preview(dialog):
        assert isinstance(dialog, CatalogImportDialog)
        seen["problems"] = dialog.problems.toPlainText()
        seen["shown"] = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]
        assert dialog.import_button.isEnabled()
        keys.when_modal(lambda box: box.accept())   # "2 produk diimpor."
        keys.press(Key.Key_F10)

    raised = keys.when_modal(preview)
    keys.press(Key.Key_F6)
    assert not raised, raised
    assert seen["problems"] == ""
    assert seen["shown"] == ["Keripik Pisang Lampung", "Kopi Robusta Lampung 250 g"]
    assert count_products(shop_db) == before + 2
    assert find_by_barcode(shop_db, "8990000000020").product.price == 32_000


def test_a_file_with_problems_shows_them_and_imports_nothing(screen, keys, monkeypatch,
                                                             tmp_path, shop_db, snapshot):
    path = tmp_path / "katalog.csv"
    path.write_text(BAD, encoding="utf-8")
    choose_file(monkeypatch, path)
    before = snapshot(shop_db)
    seen = {}

    def preview(dialog):
        seen["problems"] = dialog.problems.toPlainText()
        seen["enabled"] = dialog.import_button.isEnabled()
        keys.press(Key.Key_F10)      # does nothing: the button is off
        keys.press(Key.Key_Escape)

    raised = keys.when_modal(preview)
    keys.press(Key.Key_F6)
    assert not raised, raised
    assert "satuan" in seen["problems"] and not seen["enabled"]
    assert snapshot(shop_db) == before
