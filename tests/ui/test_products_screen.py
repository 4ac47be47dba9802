"""The catalog screen and the product form, driven by keys as the manager and the cashier do."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from app.models import audit
from app.models.barcodes import with_check_digit
from app.models.product_search import count_products, list_products, search_products
from app.models.products import (
    ProductInput,
    create_product,
    find_by_barcode,
    get_product,
    set_archived,
)
from app.ui.main_window import MainWindow
from app.ui.product_dialog import ProductDialog
from app.ui.products_screen import ProductsScreen

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
#: The product form's fields in the order Tab visits them (a new product).
NEW_PRODUCT_FIELDS = ("name", "brand", "category", "base_unit", "price", "cost", "het",
                      "min_stock", "opening_stock", "barcodes")
NEW_CODE = with_check_digit("899" + "246813579")  # not in the demo shop
WRONG_CHECK_DIGIT = NEW_CODE[:-1] + str((int(NEW_CODE[-1]) + 1) % 10)


def keripik(**changes) -> dict[str, str]:
    """A local producer's snack, as the manager types it in the form."""
    values = {
        "name": "Keripik Singkong Balado 250 g", "brand": "UMKM Sukamaju",
        "category": "Makanan Ringan", "base_unit": "bungkus", "price": "12.500",
        "cost": "9000", "het": "", "min_stock": "5", "opening_stock": "20",
        "barcodes": NEW_CODE,
    }
    values.update(changes)
    return values


def rows_in(db, table: str) -> int:
    return db.scalar(f"SELECT count(*) FROM {table}")


def written_rows(db) -> dict[str, int]:
    return {t: rows_in(db, t) for t in ("products", "barcodes", "product_units", "audit_log",
                                        "stock_movements")}


def shown_names(screen: ProductsScreen) -> list[str]:
    model = screen.model
    return [model.data(model.index(row, 0)) for row in range(model.rowCount())]


def selected_name(screen: ProductsScreen) -> str:
    index = screen.table.currentIndex()
    return screen.model.data(index.siblingAtColumn(0))


def in_field(widget, dialog: ProductDialog, key: str) -> bool:
    """``widget`` is the field's line edit, or the editable combo box that holds it."""
    edit = dialog.fields[key]
    return widget is edit or widget is edit.parentWidget()


def fill_by_keys(keys, dialog: ProductDialog, values: dict[str, str],
                 order=NEW_PRODUCT_FIELDS) -> None:
    """Type each value into its field, Tab to the next, as the manager does."""
    for i, key in enumerate(order):
        assert in_field(keys.focused(), dialog, key), (
            f"Tab should lead to {key!r}, focus is on {keys.focused()!r}")
        if values.get(key):
            keys.type(values[key])
        if i < len(order) - 1:
            keys.press(Key.Key_Tab)


def shown_errors(dialog: ProductDialog) -> dict[str, str]:
    return {key: label.text() for key, label in dialog.errors.items() if label.isVisible()}


@pytest.fixture
def manager_screen(manajer_session, keys) -> ProductsScreen:
    screen = ProductsScreen(manajer_session)
    screen.resize(1200, 700)
    keys.show(screen, screen.search)
    return screen


@pytest.fixture
def cashier_screen(kasir_session, keys) -> ProductsScreen:
    screen = ProductsScreen(kasir_session)
    screen.resize(1200, 700)
    keys.show(screen, screen.search)
    return screen


def search_by_keys(keys, qtbot, screen: ProductsScreen, text: str) -> None:
    keys.type(text)
    qtbot.waitUntil(lambda: screen.model.text == text and not screen._timer.isActive(),
                    timeout=2000)


def go_to_product(keys, screen: ProductsScreen, name: str) -> None:
    """Ctrl+F, the full name and Enter: the first hit is selected, the keys in the table."""
    keys.press(Key.Key_F, CTRL)
    assert keys.focused() is screen.search
    keys.type(name)
    keys.press(Key.Key_Return)
    assert keys.focused() is screen.table
    assert selected_name(screen) == name


# --- the list -------------------------------------------------------------------------


def test_the_list_shows_the_whole_catalog(manager_screen, shop_db):
    on_sale = count_products(shop_db)
    assert on_sale == 300
    assert manager_screen.model.rowCount() == on_sale
    assert "300" in manager_screen.count_label.text()
    first_page = list_products(shop_db, limit=5)
    assert shown_names(manager_screen)[:5] == [p.name for p in first_page]
    # The last row is fetched too when scrolled to (pages are loaded lazily).
    last = list_products(shop_db, offset=on_sale - 1, limit=1)[0]
    assert manager_screen.model.data(manager_screen.model.index(on_sale - 1, 0)) == last.name


def test_typing_a_name_prefix_filters_the_list_after_a_short_pause(
        manager_screen, keys, qtbot, shop_db):
    catalog = list_products(shop_db, limit=1000)
    expected = {p.name for p in catalog
                if any(w.lower().startswith("pewang") for w in p.name.split())}
    assert 1 < len(expected) < len(catalog)

    search_by_keys(keys, qtbot, manager_screen, "pewang")

    names = shown_names(manager_screen)
    assert set(names) == expected
    assert len(names) == len(expected) == count_products(shop_db, "pewang")
    assert all(any(w.lower().startswith("pewang") for w in n.split()) for n in names)
    assert str(len(expected)) in manager_screen.count_label.text()
    assert keys.focused() is manager_screen.search  # still typing


def test_two_word_search_narrows_to_rows_with_both_words(manager_screen, keys, qtbot, shop_db):
    search_by_keys(keys, qtbot, manager_screen, "mie gor")
    assert shown_names(manager_screen) == ["Mie Instan Goreng"]


def test_escape_in_the_search_clears_it_and_shows_everything_again(
        manager_screen, keys, qtbot, shop_db):
    search_by_keys(keys, qtbot, manager_screen, "pupuk")
    assert manager_screen.model.rowCount() == 2
    keys.press(Key.Key_Escape)
    assert manager_screen.search.text() == ""
    qtbot.waitUntil(lambda: manager_screen.model.rowCount() == count_products(shop_db),
                    timeout=2000)


@pytest.mark.parametrize("which", ["Kecap Manis 520 ml", "last in the list"])
def test_scanning_a_barcode_selects_that_product_and_moves_to_the_table(
        manager_screen, keys, shop_db, which):
    catalog = list_products(shop_db, limit=1000)
    product = catalog[-1] if which == "last in the list" else next(
        p for p in catalog if p.name == which)
    name = product.name
    code = get_product(shop_db, product.id).barcodes[0]

    keys.type(code)  # a scanner types the digits and Enter
    keys.press(Key.Key_Return)

    assert keys.focused() is manager_screen.table
    assert manager_screen.selected_id() == product.id
    assert selected_name(manager_screen) == name
    assert manager_screen.table.selectionModel().isRowSelected(
        manager_screen.table.currentIndex().row())


def test_scanning_a_carton_barcode_selects_its_product(manager_screen, keys, shop_db):
    hit = next(find_by_barcode(shop_db, code)
               for p in list_products(shop_db, "Mie Instan Goreng", limit=5)
               for code in p.codes.split()
               if find_by_barcode(shop_db, code).unit is not None)
    assert hit.unit.name == "dus"
    keys.type(hit.unit.barcodes[0])
    keys.press(Key.Key_Return)
    assert keys.focused() is manager_screen.table
    assert manager_screen.selected_id() == hit.product.id


def test_scanning_an_unknown_barcode_shows_no_product_and_stays_in_the_search(
        manager_screen, keys):
    keys.type(with_check_digit("899" + "000000001"))
    keys.press(Key.Key_Return)
    assert manager_screen.model.rowCount() == 0
    assert "0" in manager_screen.count_label.text()
    assert keys.focused() is manager_screen.search


def test_down_from_the_search_moves_into_the_table_and_up_comes_back(manager_screen, keys):
    keys.press(Key.Key_Down)
    assert keys.focused() is manager_screen.table
    assert manager_screen.table.currentIndex().row() == 0
    first = selected_name(manager_screen)
    keys.press(Key.Key_Down)
    assert manager_screen.table.currentIndex().row() == 1
    assert selected_name(manager_screen) != first
    keys.press(Key.Key_Up)
    keys.press(Key.Key_Up)
    assert keys.focused() is manager_screen.search


def test_ctrl_f_from_the_table_goes_back_to_the_search_with_the_text_selected(
        manager_screen, keys, qtbot):
    search_by_keys(keys, qtbot, manager_screen, "kopi")
    keys.press(Key.Key_Down)
    assert keys.focused() is manager_screen.table
    keys.press(Key.Key_F, CTRL)
    assert keys.focused() is manager_screen.search
    assert manager_screen.search.selectedText() == "kopi"


# --- adding a product -----------------------------------------------------------------


def test_f2_adds_a_product_typed_by_keys_and_ctrl_s_saves_it(manager_screen, keys, shop_db):
    before = written_rows(shop_db)
    seen: dict = {}

    def fill(dialog):
        assert isinstance(dialog, ProductDialog)
        seen["title"] = dialog.windowTitle()
        fill_by_keys(keys, dialog, keripik())
        keys.press(Key.Key_S, CTRL)

    raised = keys.when_modal(fill)
    keys.press(Key.Key_F2)
    assert not raised, raised
    assert seen["title"] == "Produk baru"

    [row] = search_products(shop_db, "Keripik Singkong")
    hit = find_by_barcode(shop_db, NEW_CODE)
    assert hit is not None and hit.unit is None
    product = hit.product
    assert product.id == row.id
    assert product.name == "Keripik Singkong Balado 250 g"
    assert product.brand == "UMKM Sukamaju"
    assert product.category == "Makanan Ringan"
    assert product.base_unit == "bungkus"
    assert product.price == 12500 and type(product.price) is int
    assert product.cost == 9000 and type(product.cost) is int
    assert product.het is None
    assert product.min_stock == 5000
    assert product.stock == 20000
    assert product.barcodes == (NEW_CODE,)
    assert not product.archived

    after = written_rows(shop_db)
    assert after["products"] == before["products"] + 1
    assert after["barcodes"] == before["barcodes"] + 1
    assert after["stock_movements"] == before["stock_movements"] + 1
    last = audit.recent(shop_db, 1)[0]
    assert (last["action"], last["username"]) == ("product.create", "manajer")
    assert json.loads(last["detail"])["price"] == 12500

    # Back on the list, the new product is selected and the keyboard is in the table.
    assert manager_screen.selected_id() == product.id
    assert keys.focused() is manager_screen.table


def test_a_product_with_a_het_above_its_price_is_saved_with_both_as_int(
        manager_screen, keys, shop_db):
    def fill(dialog):
        fill_by_keys(keys, dialog, keripik(name="Beras Lokal Sukamaju 5 kg", category="Beras",
                                           base_unit="pcs", price="Rp 64.000", het="65000",
                                           barcodes=""))
        keys.press(Key.Key_S, CTRL)

    raised = keys.when_modal(fill)
    keys.press(Key.Key_F2)
    assert not raised, raised
    [row] = search_products(shop_db, "Beras Lokal Sukamaju")
    product = get_product(shop_db, row.id)
    assert (product.price, product.het) == (64000, 65000)
    assert type(product.price) is int and type(product.het) is int


def test_escape_cancels_a_new_product_and_writes_nothing(manager_screen, keys, shop_db):
    before = written_rows(shop_db)

    def fill(dialog):
        fill_by_keys(keys, dialog, keripik())
        keys.press(Key.Key_Escape)

    raised = keys.when_modal(fill)
    keys.press(Key.Key_F2)
    assert not raised, raised
    assert written_rows(shop_db) == before
    assert find_by_barcode(shop_db, NEW_CODE) is None


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"name": ""}, "name", "Nama produk belum diisi."),
    ({"price": "abc"}, "price", 'Harga jual tidak valid: "abc"'),
    ({"price": ""}, "price", "Harga jual belum diisi."),
    ({"price": "-500"}, "price", "Harga jual tidak boleh negatif."),
    ({"het": "10000"}, "price", "di atas HET"),
    ({"opening_stock": "2,5"}, "opening_stock", "harus bilangan bulat"),
    ({"base_unit": ""}, "base_unit", "Satuan dasar belum diisi"),
    ({"barcodes": WRONG_CHECK_DIGIT}, "barcodes", "Angka pemeriksa barcode"),
    ({"barcodes": f"{NEW_CODE}, {NEW_CODE}"}, "barcodes", "ditulis dua kali"),
    ({"barcodes": "ab"}, "barcodes", "tidak valid"),
    ("taken", "barcodes", "sudah dipakai oleh Kecap Manis 520 ml"),
], ids=["empty-name", "price-abc", "price-empty", "price-negative", "price-above-het",
        "half-a-bungkus", "no-unit", "wrong-check-digit", "code-twice", "code-too-short",
        "code-of-another-product"])
def test_invalid_product_is_refused_with_a_message_by_the_field_and_writes_nothing(
        manager_screen, keys, shop_db, changes, field, message):
    if changes == "taken":
        kecap = search_products(shop_db, "Kecap Manis 520")[0]
        changes = {"barcodes": get_product(shop_db, kecap.id).barcodes[0]}
    before = written_rows(shop_db)
    seen: dict = {}

    def fill(dialog):
        fill_by_keys(keys, dialog, keripik(**changes))
        keys.press(Key.Key_S, CTRL)
        seen["open"] = dialog.isVisible() and QApplication.activeModalWidget() is dialog
        seen["errors"] = shown_errors(dialog)
        seen["general"] = dialog.general_error.text() if dialog.general_error.isVisible() else ""
        seen["focus in field"] = in_field(keys.focused(), dialog, field)
        seen["rows"] = written_rows(shop_db)
        keys.press(Key.Key_Escape)

    raised = keys.when_modal(fill)
    keys.press(Key.Key_F2)
    assert not raised, raised

    assert seen["open"], "the form must stay open to correct the mistake"
    assert field in seen["errors"], (seen["errors"], seen["general"])
    assert message in seen["errors"][field]
    assert seen["focus in field"], "the cursor waits in the field to correct"
    assert seen["rows"] == before
    assert written_rows(shop_db) == before
    assert search_products(shop_db, "Keripik Singkong") == []


def test_every_mistake_in_the_form_is_shown_at_once(manager_screen, keys, shop_db):
    before = written_rows(shop_db)
    seen: dict = {}

    def fill(dialog):
        fill_by_keys(keys, dialog, keripik(name="", price="abc", cost="x"))
        keys.press(Key.Key_S, CTRL)
        seen["errors"] = shown_errors(dialog)
        keys.press(Key.Key_Escape)

    raised = keys.when_modal(fill)
    keys.press(Key.Key_F2)
    assert not raised, raised
    assert {"price", "cost"} <= set(seen["errors"])
    assert all(text.strip() for text in seen["errors"].values())
    assert written_rows(shop_db) == before


def test_corrected_form_saves_and_the_old_messages_go_away(manager_screen, keys, shop_db):
    seen: dict = {}

    def fill(dialog):
        fill_by_keys(keys, dialog, keripik(price="abc"))
        keys.press(Key.Key_S, CTRL)
        assert keys.focused() is dialog.fields["price"]
        seen["before"] = shown_errors(dialog)
        keys.press(Key.Key_A, CTRL)
        keys.type("12500")
        keys.press(Key.Key_S, CTRL)
        seen["after"] = shown_errors(dialog)

    raised = keys.when_modal(fill)
    keys.press(Key.Key_F2)
    assert not raised, raised
    assert "price" in seen["before"]
    assert seen["after"] == {}
    assert find_by_barcode(shop_db, NEW_CODE).product.price == 12500


# --- editing a product ----------------------------------------------------------------


@pytest.mark.parametrize("key", [Key.Key_Return, Key.Key_F4], ids=["enter", "f4"])
def test_changing_the_price_of_a_selected_product_is_saved_and_audited(
        manager_screen, keys, shop_db, key):
    name = "Kecap Manis 520 ml"
    go_to_product(keys, manager_screen, name)
    product_id = manager_screen.selected_id()
    before = get_product(shop_db, product_id)
    assert before.price == 24000
    seen: dict = {}

    def change_price(dialog):
        seen["title"] = dialog.windowTitle()
        seen["name"] = dialog.fields["name"].text()
        for _ in range(4):  # name, brand, category, unit → price
            keys.press(Key.Key_Tab)
        assert in_field(keys.focused(), dialog, "price")
        assert dialog.fields["price"].text() == "24.000"
        keys.press(Key.Key_A, CTRL)
        keys.type("25.500")
        keys.press(Key.Key_S, CTRL)

    raised = keys.when_modal(change_price)
    keys.press(key)
    assert not raised, raised
    assert seen == {"title": "Ubah produk", "name": name}

    after = get_product(shop_db, product_id)
    assert after.price == 25500 and type(after.price) is int
    # Nothing else of the product changed on the way through the form.
    assert (after.name, after.brand, after.category, after.base_unit, after.cost, after.het,
            after.min_stock, after.barcodes, after.units, after.stock) == (
        before.name, before.brand, before.category, before.base_unit, before.cost, before.het,
        before.min_stock, before.barcodes, before.units, before.stock)

    rows = audit.recent(shop_db, 2)
    assert [r["action"] for r in rows] == ["product.price", "product.update"]
    price_row = rows[0]
    assert price_row["entity_id"] == product_id
    assert price_row["username"] == "manajer"
    assert json.loads(price_row["detail"]) == {"price": [24000, 25500]}

    assert manager_screen.selected_id() == product_id
    assert keys.focused() is manager_screen.table
    row = manager_screen.table.currentIndex().row()
    assert manager_screen.model.data(manager_screen.model.index(row, 4)) == "25.500"


def test_saving_a_product_unchanged_writes_no_price_audit(manager_screen, keys, shop_db):
    go_to_product(keys, manager_screen, "Kecap Manis 520 ml")
    before = audit.recent(shop_db, 1)[0]["seq"]

    raised = keys.when_modal(lambda dialog: keys.press(Key.Key_S, CTRL))
    keys.press(Key.Key_F4)
    assert not raised, raised
    actions = [r["action"] for r in audit.recent(shop_db, 5) if r["seq"] > before]
    assert actions == ["product.update"]


def test_editing_a_product_with_cartons_keeps_the_cartons(manager_screen, keys, shop_db):
    go_to_product(keys, manager_screen, "Mie Instan Goreng")
    before = get_product(shop_db, manager_screen.selected_id())
    assert before.units

    raised = keys.when_modal(lambda dialog: keys.press(Key.Key_S, CTRL))
    keys.press(Key.Key_Return)
    assert not raised, raised
    after = get_product(shop_db, before.id)
    assert after.units == before.units
    assert after.barcodes == before.barcodes


# --- archiving ------------------------------------------------------------------------


def answer_question(keys, key: Qt.Key, seen: dict):
    def answer(box):
        assert isinstance(box, QMessageBox)
        seen["text"] = box.text()
        keys.press(key)

    return answer


def test_f8_archives_the_product_after_yes_and_f9_shows_it_again(
        manager_screen, keys, qtbot, shop_db):
    name = "Sarden 155 g"
    go_to_product(keys, manager_screen, name)
    product_id = manager_screen.selected_id()
    on_sale = count_products(shop_db)
    seen: dict = {}

    raised = keys.when_modal(answer_question(keys, Key.Key_Y, seen))
    keys.press(Key.Key_F8)
    assert not raised, raised
    qtbot.waitUntil(lambda: get_product(shop_db, product_id).archived, timeout=2000)

    assert name in seen["text"]
    assert count_products(shop_db) == on_sale - 1
    last = audit.recent(shop_db, 1)[0]
    assert (last["action"], last["entity_id"], last["username"]) == (
        "product.archive", product_id, "manajer")
    qtbot.waitUntil(lambda: manager_screen.model.row_of(product_id) is None, timeout=2000)
    assert name not in shown_names(manager_screen)

    # F9: the archive is shown, marked as such.
    keys.press(Key.Key_F9)
    assert manager_screen.show_archived.isChecked()
    assert f"{name} (arsip)" in shown_names(manager_screen)
    assert manager_screen.model.row_of(product_id) is not None

    # F9 again hides it.
    keys.press(Key.Key_F9)
    assert not manager_screen.show_archived.isChecked()
    assert manager_screen.model.row_of(product_id) is None


def test_answering_no_to_the_archive_question_changes_nothing(
        manager_screen, keys, qtbot, shop_db):
    go_to_product(keys, manager_screen, "Sarden 155 g")
    product_id = manager_screen.selected_id()
    before = audit.recent(shop_db, 1)[0]["seq"]
    seen: dict = {}

    raised = keys.when_modal(answer_question(keys, Key.Key_Escape, seen))
    keys.press(Key.Key_F8)
    assert not raised, raised
    qtbot.wait(50)
    assert seen["text"]
    assert not get_product(shop_db, product_id).archived
    assert audit.recent(shop_db, 1)[0]["seq"] == before
    assert manager_screen.model.row_of(product_id) is not None


def test_an_archived_product_is_restored_with_f9_then_f8(manager_screen, keys, qtbot, shop_db):
    name = "Sarden 155 g"
    go_to_product(keys, manager_screen, name)
    product_id = manager_screen.selected_id()
    raised = keys.when_modal(answer_question(keys, Key.Key_Y, {}))
    keys.press(Key.Key_F8)
    assert not raised, raised
    qtbot.waitUntil(lambda: get_product(shop_db, product_id).archived, timeout=2000)

    keys.press(Key.Key_F9)  # the search still holds its name: the one hit is selected
    assert keys.focused() is manager_screen.table
    assert manager_screen.selected_id() == product_id
    assert selected_name(manager_screen) == f"{name} (arsip)"
    seen: dict = {}
    raised = keys.when_modal(answer_question(keys, Key.Key_Y, seen))
    keys.press(Key.Key_F8)
    assert not raised, raised
    qtbot.waitUntil(lambda: not get_product(shop_db, product_id).archived, timeout=2000)
    assert "Pulihkan" in seen["text"]
    assert audit.recent(shop_db, 1)[0]["action"] == "product.restore"
    assert search_products(shop_db, name)[0].id == product_id


# --- the cashier ----------------------------------------------------------------------


def no_dialog_opens(keys, qtbot, key) -> list:
    opened: list = []

    def record(dialog):
        opened.append(dialog.windowTitle())
        dialog.reject()

    keys.when_modal(record, timeout_ms=300)
    keys.press(key)
    qtbot.wait(350)
    return opened


def test_the_cashier_sees_no_add_edit_or_archive_buttons(cashier_screen):
    assert cashier_screen.add_button.isHidden()
    assert cashier_screen.edit_button.isHidden()
    assert cashier_screen.archive_button.isHidden()
    assert cashier_screen.search.isVisible()
    assert cashier_screen.table.isVisible()


@pytest.mark.parametrize("key", [Key.Key_F2, Key.Key_F4, Key.Key_F8, Key.Key_Return],
                         ids=["f2", "f4", "f8", "enter"])
def test_the_cashier_cannot_add_edit_or_archive_by_keys(cashier_screen, keys, qtbot, shop_db, key):
    go_to_product(keys, cashier_screen, "Kecap Manis 520 ml")
    before = written_rows(shop_db)
    assert no_dialog_opens(keys, qtbot, key) == []
    assert written_rows(shop_db) == before


def test_the_cashier_can_still_search_and_scan(cashier_screen, keys, shop_db):
    kecap = search_products(shop_db, "Kecap Manis 520")[0]
    keys.type(get_product(shop_db, kecap.id).barcodes[0])
    keys.press(Key.Key_Return)
    assert keys.focused() is cashier_screen.table
    assert cashier_screen.selected_id() == kecap.id


# --- through the main window ----------------------------------------------------------


def test_the_manager_adds_a_product_from_the_main_window(manajer_session, keys, shop_db):
    window = MainWindow(manajer_session)
    keys.show(window)
    keys.press(Key.Key_2, CTRL)
    screen = window.screens["products"]
    assert screen.isVisible()
    assert keys.focused() is screen.search

    def fill(dialog):
        fill_by_keys(keys, dialog, keripik())
        keys.press(Key.Key_S, CTRL)

    raised = keys.when_modal(fill)
    keys.press(Key.Key_F2)
    assert not raised, raised
    assert find_by_barcode(shop_db, NEW_CODE).product.price == 12500
    assert screen.selected_id() == find_by_barcode(shop_db, NEW_CODE).product.id


# --- scanning one product after another, browsing and editing ---------------------------


def test_the_next_scan_while_the_table_has_the_focus_selects_the_next_product(
        manager_screen, keys, qtbot, shop_db):
    catalog = list_products(shop_db, limit=1000)
    first, second = catalog[10], catalog[200]
    keys.type(first.codes.split()[0])
    keys.press(Key.Key_Return)
    assert keys.focused() is manager_screen.table
    assert manager_screen.selected_id() == first.id

    before = written_rows(shop_db)
    opened: list = []
    keys.when_modal(lambda dialog: (opened.append(dialog.windowTitle()), dialog.reject()),
                    timeout_ms=300)
    keys.type(second.codes.split()[0])  # the scanner does not know where the focus is
    keys.press(Key.Key_Return)
    qtbot.wait(350)

    assert opened == [], "a scan must not open the product selected before"
    assert manager_screen.selected_id() == second.id
    assert keys.focused() is manager_screen.table
    assert written_rows(shop_db) == before


def test_after_editing_while_browsing_the_same_product_stays_selected(
        manager_screen, keys, shop_db):
    keys.press(Key.Key_Down)
    for _ in range(30):
        keys.press(Key.Key_Down)
    row = manager_screen.table.currentIndex().row()
    assert row == 30
    product_id = manager_screen.selected_id()

    def change_price(dialog):
        for _ in range(4):
            keys.press(Key.Key_Tab)
        keys.press(Key.Key_A, CTRL)
        keys.type("99.000")
        keys.press(Key.Key_S, CTRL)

    raised = keys.when_modal(change_price)
    keys.press(Key.Key_F4)
    assert not raised, raised
    assert get_product(shop_db, product_id).price == 99000

    assert manager_screen.search.text() == ""  # still browsing the whole catalog
    assert manager_screen.model.rowCount() == count_products(shop_db)
    assert manager_screen.table.currentIndex().row() == row
    assert manager_screen.selected_id() == product_id
    keys.press(Key.Key_Down)  # and the next product is the one below it
    assert manager_screen.table.currentIndex().row() == row + 1


def test_a_new_product_added_while_browsing_is_selected_in_the_whole_list(
        manager_screen, keys, shop_db):
    def fill(dialog):
        fill_by_keys(keys, dialog, keripik())
        keys.press(Key.Key_S, CTRL)

    raised = keys.when_modal(fill)
    keys.press(Key.Key_F2)
    assert not raised, raised
    new = find_by_barcode(shop_db, NEW_CODE).product
    assert manager_screen.selected_id() == new.id
    assert selected_name(manager_screen) == new.name


def test_scanning_an_archived_product_never_selects_another_one(
        manager_screen, manajer_session, keys, shop_db):
    sarden = search_products(shop_db, "Sarden 155")[0]
    code = get_product(shop_db, sarden.id).barcodes[0]
    # A look-alike stays on sale; the scanned one is archived.
    look_alike = create_product(shop_db, user=manajer_session.user, data=ProductInput(
        name="Sarden 155 g Pedas", base_unit="kaleng", price=9500))
    set_archived(shop_db, user=manajer_session.user, product_id=sarden.id, archived=True)

    keys.type(code)
    keys.press(Key.Key_Return)

    assert manager_screen.selected_id() != look_alike.id
    assert not manager_screen.table.selectionModel().hasSelection()
    assert keys.focused() is manager_screen.search


def test_enter_after_a_completed_category_goes_on_to_the_unit(manager_screen, keys, shop_db):
    """An editable combo keeps Enter for itself while it completes a category: the unit must
    not end up typed into the category ("Bahan Bakarpcs")."""
    seen = {}

    def fill(dialog):
        dialog.fields["category"].setFocus()
        keys.type("Bahan")
        keys.press(Key.Key_Return)
        seen["focus_after"] = in_field(keys.focused(), dialog, "category")
        seen["category"] = dialog.fields["category"].text()
        dialog.reject()

    raised = keys.when_modal(fill)
    keys.press(Key.Key_F2)
    assert not raised, raised
    assert seen == {"focus_after": False, "category": "Bahan Bakar"}
