"""The Stok screen driven by keys alone: a stock count by scanner posted with the manager's PIN,
a cashier's write-off that waits for that PIN, the stock card after a sale, a sack of rice
opened and closed with its susut, and the lists saved as files.

Every result is checked in the real database through the domain, and on the screen.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable

import openpyxl
import pytest
from dialogs import back_in
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QMessageBox,
    QWidget,
)

from app.models import stock
from app.models.cart import Cart, scan, set_qty
from app.models.money import QTY_SCALE, format_rupiah
from app.models.product_search import list_products
from app.models.products import get_product
from app.models.sales import PaymentInput, complete_sale
from app.models.shifts import open_shift
from app.models.stock_count import get_count, list_counts
from app.models.stock_ops import get_bulk
from app.models.stock_views import valuation
from app.ui.main_window import MainWindow
from app.ui.stock_dialogs import OpenBulkDialog, OpenCountDialog, WriteOffDialog
from app.ui.stock_screen import StockScreen
from app.ui.till_dialogs import SupervisorDialog

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
K = QTY_SCALE
GULA, MIE, KECAP, BERAS_CURAH = ("Gula Pasir 1 kg", "Mie Instan Goreng", "Kecap Manis 520 ml",
                                 "Beras Curah Medium")
TILL = "KASIR-1"


# --- the shop ------------------------------------------------------------------------------


def product(db, name: str):
    row = next(p for p in list_products(db, name, limit=20) if p.name == name)
    return get_product(db, row.id)


def database_state(db) -> str:
    return "\n".join(db.conn.iterdump())


def sell(db, user, name: str, qty: str) -> str:
    """A cash sale at the till of ``qty`` of the product's base unit; its number."""
    item = product(db, name)
    cart = set_qty(scan(db, Cart(), item.barcodes[0]), 0, qty)
    return complete_sale(db, user=user, till=TILL, cart=cart,
                         payments=[PaymentInput("cash", cart.total)]).number


@pytest.fixture
def shift(shop_db, kasir_session):
    return open_shift(shop_db, user=kasir_session.user, till=TILL, opening_float="100000")


# --- modal dialogs that keys open ------------------------------------------------------------


def manager_pin(keys) -> Callable[[SupervisorDialog], None]:
    def handle(dialog: SupervisorDialog):
        assert keys.focused() is dialog.username
        keys.type("manajer")
        keys.press(Key.Key_Return)
        assert keys.focused() is dialog.secret
        keys.type("5678")
        keys.press(Key.Key_Return)
    return handle


def press_enter(keys, seen: list | None = None) -> Callable[[QWidget], None]:
    def handle(dialog):
        if seen is not None:
            seen.append(dialog.text() if isinstance(dialog, QMessageBox) else dialog)
        keys.press(Key.Key_Return)
    return handle


def start_everything(keys) -> Callable[[OpenCountDialog], None]:
    """A count of every product: Enter past the scope and the note."""
    def handle(dialog: OpenCountDialog):
        keys.press(Key.Key_Return)
        keys.press(Key.Key_Return)
    return handle


def open_stock(keys, session) -> StockScreen:
    screen = StockScreen(session)
    screen.resize(1200, 720)
    keys.show(screen)
    return screen


def scan_code(keys, code: str) -> None:
    keys.type(code)
    keys.press(Key.Key_Return)


# --- (1) a stock count by scanner ---------------------------------------------------------------


def test_a_count_by_scanning_is_posted_with_the_managers_pin_and_moves_the_variances(
        kasir_session, shop_db, keys, dialogs):
    db = shop_db
    gula, mie, kecap = product(db, GULA), product(db, MIE), product(db, KECAP)
    screen = open_stock(keys, kasir_session)
    page = screen.pages["count"]
    assert keys.focused() is page.scan

    def everything(dialog: OpenCountDialog):
        assert dialog.scope.currentData().scope == "all"
        keys.press(Key.Key_Return)       # the scope: on to the note
        keys.type("opname akhir bulan")
        keys.press(Key.Key_Return)       # the last field: start

    dialogs.expect("open", everything, kind=OpenCountDialog)
    keys.press(Key.Key_F2)
    dialogs.check()
    count = page.current
    assert count is not None and get_count(db, count.id).note == "opname akhir bulan"
    assert keys.focused() is page.scan

    scan_code(keys, gula.barcodes[0])
    scan_code(keys, gula.barcodes[0])
    keys.type("12*")
    assert page.qty_label.text() == "Jumlah berikut: 12"
    scan_code(keys, mie.barcodes[0])
    assert page.qty_label.text() == ""
    scan_code(keys, kecap.barcodes[0])
    assert page.selected().name == KECAP
    assert page.status.text().startswith(f"{KECAP}: dihitung 1 pcs")

    # F4 on the selected line: the kecap counted again, typed.

    def three(dialog: QInputDialog):
        assert dialog.textValue() == "1"
        keys.press(Key.Key_A, CTRL)
        keys.type("3")
        keys.press(Key.Key_Return)

    dialogs.expect("kecap", three, kind=QInputDialog)
    keys.press(Key.Key_F4)
    dialogs.check()

    shown = {line.name: line for line in page.model.lines if line.counted}
    assert {name: line.counted_qty for name, line in shown.items()} == {
        GULA: 2 * K, KECAP: 3 * K, MIE: 12 * K}
    assert page.progress.text().startswith("3 dari ")
    row = page.model.row_of(kecap.id)
    assert [page.model.data(page.model.index(row, c)) for c in range(5)] == [
        KECAP, "pcs", str(kecap.stock // K), "3", f"{3 - kecap.stock // K:+d}".replace("+0", "0")]

    # F6: only the lines whose count differs from the books.
    keys.press(Key.Key_F6)
    assert page.only_variances.isChecked()
    assert {page.model.line(r).name for r in range(page.model.rowCount())} == {
        name for name, line in shown.items() if line.variance_qty}
    keys.press(Key.Key_F6)

    summary = []
    dialogs.expect("pin", manager_pin(keys), kind=SupervisorDialog)
    dialogs.expect("summary", press_enter(keys, summary), kind=QMessageBox)
    keys.press(Key.Key_F10)
    dialogs.check()

    posted = get_count(db, count.id)
    manajer = db.scalar("SELECT id FROM users WHERE username = 'manajer'")
    assert (posted.status, posted.approved_by, posted.closed_by) == (
        "posted", manajer, kasir_session.user.id)
    moved = {r["product_id"]: r["qty"] for r in db.query(
        "SELECT product_id, qty FROM stock_movements WHERE kind = 'count' AND doc_id = ?",
        (count.id,))}
    expected = {p.id: counted - p.stock for p, counted in (
        (gula, 2 * K), (kecap, 3 * K), (mie, 12 * K)) if counted != p.stock}
    assert moved == expected
    for item, counted in ((gula, 2 * K), (kecap, 3 * K), (mie, 12 * K)):
        assert stock.on_hand(db, item.id) == counted
    assert stock.ledger_mismatches(db) == [] and stock.ledger_mismatches(db, "value") == []
    assert count.number in summary[0] and "disesuaikan" in summary[0]
    assert page.current is None and count.number in page.status.text()


def test_a_count_cannot_be_posted_without_the_managers_pin_and_nothing_moves(
        kasir_session, shop_db, keys, dialogs):
    db = shop_db
    gula = product(db, GULA)
    screen = open_stock(keys, kasir_session)
    page = screen.pages["count"]
    dialogs.expect("open", start_everything(keys), kind=OpenCountDialog)
    keys.press(Key.Key_F2)
    dialogs.check()
    scan_code(keys, gula.barcodes[0])
    before = database_state(db)

    def wrong_then_escape(dialog: SupervisorDialog):
        keys.type("manajer")
        keys.press(Key.Key_Return)
        keys.type("0000")
        keys.press(Key.Key_Return)
        assert dialog.isVisible() and "salah" in dialog.error.text()
        keys.press(Key.Key_Escape)

    dialogs.expect("pin", wrong_then_escape, kind=SupervisorDialog)
    keys.press(Key.Key_F10)
    dialogs.check()
    assert get_count(db, page.current.id).status == "open"
    assert "belum disetujui" in page.status.text()
    after = database_state(db)
    # The wrong PIN is remembered (login throttling and its audit row); stock is not touched.
    assert [line for line in after.splitlines() if "stock_movements" in line] == [
        line for line in before.splitlines() if "stock_movements" in line]
    assert stock.on_hand(db, gula.id) == gula.stock


def test_a_barcode_nobody_knows_is_said_and_selected_for_the_next_scan(
        kasir_session, shop_db, keys, dialogs):
    screen = open_stock(keys, kasir_session)
    page = screen.pages["count"]
    dialogs.expect("open", start_everything(keys), kind=OpenCountDialog)
    keys.press(Key.Key_F2)
    dialogs.check()
    before = database_state(shop_db)
    scan_code(keys, "2999999999999")
    assert page.status.text() == "Barcode 2999999999999 tidak dikenal."
    assert page.scan.selectedText() == "2999999999999"
    assert database_state(shop_db) == before


# --- (2) a cashier's write-off ----------------------------------------------------------------


def test_a_cashiers_write_off_waits_for_the_managers_pin_and_then_takes_the_goods_out(
        kasir_session, shop_db, keys, dialogs):
    db = shop_db
    kecap = product(db, KECAP)
    screen = open_stock(keys, kasir_session)
    keys.press(Key.Key_2, ALT)
    page = screen.pages["bulk"]
    assert screen.currentWidget() is page
    before = database_state(db)
    seen = {}

    def refuse(dialog: SupervisorDialog):
        keys.press(Key.Key_Escape)

    def fill_in(dialog: WriteOffDialog):
        assert keys.focused() is dialog.product.edit
        scan_code(keys, kecap.barcodes[0])
        assert keys.focused() is dialog.qty
        keys.type("2")
        keys.press(Key.Key_Return)
        assert keys.focused() is dialog.reason
        keys.type("k")                      # Kedaluwarsa
        assert dialog.reason.currentData() == "kedaluwarsa"
        keys.press(Key.Key_Return)
        keys.type("lewat tanggal")
        dialogs.expect("no pin", refuse, kind=SupervisorDialog)
        keys.press(Key.Key_Return)          # the last field: save, which asks for the PIN
        back_in(keys, dialog)
        assert dialog.isVisible()
        seen["refused"] = dialog.form.general.text()
        seen["unchanged"] = database_state(db) == before
        dialogs.expect("pin", manager_pin(keys), kind=SupervisorDialog)
        keys.press(Key.Key_S, CTRL)

    dialogs.expect("write-off", fill_in, kind=WriteOffDialog)
    keys.press(Key.Key_F7)
    dialogs.check()

    assert seen["refused"] == ("Penghapusan belum disetujui manajer; tidak ada yang"
                               " disimpan.")
    assert seen["unchanged"]
    row = db.one("SELECT * FROM writeoffs")
    manajer = db.scalar("SELECT id FROM users WHERE username = 'manajer'")
    assert (row["product_id"], row["qty"], row["reason_kind"], row["note"], row["user_id"],
            row["approved_by"]) == (kecap.id, 2 * K, "kedaluwarsa", "lewat tanggal",
                                    kasir_session.user.id, manajer)
    assert stock.on_hand(db, kecap.id) == kecap.stock - 2 * K
    assert row["number"] in page.status.text()
    assert format_rupiah(row["value"]) in page.status.text()


def test_a_write_off_of_a_bad_quantity_is_said_under_the_field_before_any_pin(
        manajer_session, shop_db, keys, dialogs):
    kecap = product(shop_db, KECAP)
    open_stock(keys, manajer_session)
    keys.press(Key.Key_2, ALT)
    before = database_state(shop_db)
    seen = {}

    def fill_in(dialog: WriteOffDialog):
        scan_code(keys, kecap.barcodes[0])
        keys.type("1,5")
        keys.press(Key.Key_S, CTRL)
        seen["qty"] = dialog.form.errors["qty"].text()
        keys.press(Key.Key_Escape)

    dialogs.expect("write-off", fill_in, kind=WriteOffDialog)
    keys.press(Key.Key_F7)
    dialogs.check()
    assert seen["qty"] == "Jumlah yang dihapus harus bilangan bulat untuk barang ini."
    assert database_state(shop_db) == before


# --- (3) the stock card ---------------------------------------------------------------------------


@pytest.fixture
def opened(monkeypatch) -> list:
    """Files the screen opens in the system's viewer (to print them), not opened here."""
    urls: list = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(urls.append))
    return urls


def test_the_stock_card_shows_a_sale_with_its_number_and_the_balance_after_it(
        manajer_session, kasir_session, shop_db, keys, dialogs, shift, tmp_path, opened):
    db = shop_db
    gula = product(db, GULA)
    number = sell(db, kasir_session.user, GULA, "3")
    screen = open_stock(keys, manajer_session)
    keys.press(Key.Key_3, ALT)
    page = screen.pages["card"]
    assert keys.focused() is page.product.edit
    scan_code(keys, gula.barcodes[0])

    rows = page.report.rows()
    sale = next(r for r in rows if r[2] == number)
    # Waktu, Jenis, Dokumen, Keterangan, Oleh, Masuk, Keluar, Saldo, Nilai, Saldo nilai
    assert (sale[1], sale[4], sale[5], sale[6], sale[7]) == (
        "Penjualan", "Agus Saputra", "", "3", str((gula.stock - 3 * K) // K))
    assert rows[-1][1] == "Saldo akhir" and rows[-1][7] == str((gula.stock - 3 * K) // K)
    assert GULA in page.title.text()

    # F8: the same card as an A4 PDF where the manager types.
    target = tmp_path / "kartu-gula.pdf"

    def save_as(dialog: QFileDialog):
        keys.press(Key.Key_A, CTRL)
        keys.type(str(target))
        keys.press(Key.Key_Return)

    dialogs.expect("save", save_as, kind=QFileDialog)
    keys.press(Key.Key_F8)
    dialogs.check()
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "KARTU STOK" in text and number in text
    assert str(target) in page.status.text()
    assert [url.toLocalFile() for url in opened] == [str(target)]   # to print from there


# --- (4) break bulk ------------------------------------------------------------------------------


def test_a_sack_opened_and_closed_by_keys_records_its_susut(
        manajer_session, kasir_session, shop_db, keys, dialogs, shift):
    db = shop_db
    beras = product(db, BERAS_CURAH)
    karung = next(u for u in beras.units if u.name == "karung")
    screen = open_stock(keys, manajer_session)
    keys.press(Key.Key_2, ALT)
    page = screen.pages["bulk"]

    def open_sack(dialog: OpenBulkDialog):
        keys.type("beras curah")
        keys.press(Key.Key_Return)          # the first match; on to the pack
        assert dialog.source.product.id == beras.id
        assert keys.focused() is dialog.unit
        assert dialog.unit.currentData() == karung.id
        for _field in ("unit", "qty", "target"):
            keys.press(Key.Key_Return)      # one karung, sold as the same product
        assert keys.focused() is dialog.content
        keys.press(Key.Key_Return)          # the last field: open it

    dialogs.expect("open", open_sack, kind=OpenBulkDialog)
    keys.press(Key.Key_F2)
    dialogs.check()
    (bulk_id,) = [b.id for b in page.bulks]
    bulk = get_bulk(db, bulk_id)
    assert (bulk.source_unit_id, bulk.expected_qty) == (karung.id, 50 * K)
    assert bulk.number in page.status.text()
    assert stock.on_hand(db, beras.id) == beras.stock   # same product: nothing moves

    sell(db, kasir_session.user, BERAS_CURAH, "20")
    sell(db, kasir_session.user, BERAS_CURAH, "27,5")
    page.refresh()
    assert page.table.item(0, 5).text() == "47,5 kg"

    def one_and_a_half_left(dialog: QInputDialog):
        keys.press(Key.Key_A, CTRL)
        keys.type("1,5")
        keys.press(Key.Key_Return)

    dialogs.expect("close", one_and_a_half_left, kind=QInputDialog)
    keys.press(Key.Key_F4)
    dialogs.check()

    closed = get_bulk(db, bulk_id)
    # 50 kg in the sack − 47,5 kg sold by the kilo − 1,5 kg left = 1 kg susut.
    assert (closed.sold_qty, closed.remaining_qty, closed.susut_qty) == (
        47_500, 1_500, 1_000)
    (susut,) = db.query("SELECT qty, value FROM stock_movements WHERE kind = 'susut'"
                        " AND doc_id = ?", (bulk_id,))
    assert susut["qty"] == -1_000 and susut["value"] < 0
    assert stock.on_hand(db, beras.id) == beras.stock - 47_500 - 1_000
    assert "susut 1 kg" in page.status.text()
    assert page.bulks == []
    (row,) = [r for r in page.susut.report.rows() if r[0] == BERAS_CURAH]
    assert row[6] == "1" and row[7] == "2,00%"
    assert row[8] == f"{-susut['value']:,}".replace(",", ".")


# --- the lists -----------------------------------------------------------------------------------


def test_the_valuation_by_category_is_saved_as_a_workbook_with_the_screens_totals(
        manajer_session, shop_db, keys, dialogs, tmp_path, opened):
    screen = open_stock(keys, manajer_session)
    keys.press(Key.Key_6, ALT)
    page = screen.pages["valuation"]
    rows = page.report.rows()
    by_category = {v.category: v.value for v in valuation(shop_db)}
    assert rows[-1][0] == "Total"
    assert rows[-1][2] == f"{sum(by_category.values()):,}".replace(",", ".")
    target = tmp_path / "nilai.xlsx"

    def save_as(dialog: QFileDialog):
        keys.press(Key.Key_A, CTRL)
        keys.type(str(target))
        keys.press(Key.Key_Return)

    dialogs.expect("save", save_as, kind=QFileDialog)
    keys.press(Key.Key_F9)
    dialogs.check()
    sheet = openpyxl.load_workbook(target)["Per kategori"]
    values = [r for r in sheet.iter_rows(values_only=True) if r and r[0] == "Total"]
    assert values and values[-1][2] == sum(by_category.values())


def test_the_cashier_sees_the_count_and_the_shelf_work_but_no_costs(kasir_session, keys):
    screen = open_stock(keys, kasir_session)
    assert list(screen.pages) == ["count", "bulk"]
    assert screen.pages["bulk"].susut is None


def test_the_stock_area_is_in_the_managers_navigation(manajer_session, keys):
    window = MainWindow(manajer_session)
    keys.show(window)
    assert isinstance(window.screen("stock"), StockScreen)


def test_no_open_count_means_f2_is_said_and_scans_write_nothing(
        manajer_session, shop_db, keys):
    assert not [c for c in list_counts(shop_db) if c.status == "open"]
    screen = open_stock(keys, manajer_session)
    page = screen.pages["count"]
    before = database_state(shop_db)
    scan_code(keys, product(shop_db, GULA).barcodes[0])
    assert "F2" in page.status.text()
    assert database_state(shop_db) == before


def test_goods_without_a_barcode_are_counted_by_name_and_a_typed_quantity(
        manajer_session, shop_db, keys, dialogs):
    beras = product(shop_db, BERAS_CURAH)
    screen = open_stock(keys, manajer_session)
    page = screen.pages["count"]
    dialogs.expect("open", start_everything(keys), kind=OpenCountDialog)
    keys.press(Key.Key_F2)
    dialogs.check()
    asked = []

    def weighed(dialog: QInputDialog):
        asked.append(dialog.labelText())
        keys.type("12,5")
        keys.press(Key.Key_Return)

    dialogs.expect("qty", weighed, kind=QInputDialog)
    keys.type("beras curah")
    keys.press(Key.Key_Return)
    dialogs.check()
    assert asked == [f"Jumlah {BERAS_CURAH} di rak (kg):"]
    line = page.selected()
    assert (line.name, line.counted_qty, line.counted_book_qty) == (
        BERAS_CURAH, 12_500, beras.stock)
    assert keys.focused() is page.scan


def test_the_manager_posts_a_count_without_a_pin_after_saying_yes(
        manajer_session, shop_db, keys, dialogs):
    kecap = product(shop_db, KECAP)
    screen = open_stock(keys, manajer_session)
    page = screen.pages["count"]
    dialogs.expect("open", start_everything(keys), kind=OpenCountDialog)
    keys.press(Key.Key_F2)
    dialogs.check()
    count = page.current
    keys.type("4*")
    scan_code(keys, kecap.barcodes[0])
    dialogs.expect("yes", press_enter(keys), kind=QMessageBox)
    dialogs.expect("summary", press_enter(keys), kind=QMessageBox)
    keys.press(Key.Key_F10)
    dialogs.check()
    posted = get_count(shop_db, count.id)
    assert (posted.status, posted.approved_by) == ("posted", manajer_session.user.id)
    assert stock.on_hand(shop_db, kecap.id) == 4 * K


def test_a_count_cancelled_with_its_reason_moves_no_stock(kasir_session, shop_db, keys,
                                                          dialogs):
    gula = product(shop_db, GULA)
    screen = open_stock(keys, kasir_session)
    page = screen.pages["count"]
    dialogs.expect("open", start_everything(keys), kind=OpenCountDialog)
    keys.press(Key.Key_F2)
    dialogs.check()
    count = page.current
    keys.type("abc*")
    assert page.status.text().startswith("Jumlah barang tidak valid")
    scan_code(keys, gula.barcodes[0])
    movements = shop_db.scalar("SELECT count(*) FROM stock_movements")

    def reason(dialog: QInputDialog):
        keys.type("salah rak")
        keys.press(Key.Key_Return)

    dialogs.expect("cancel", reason, kind=QInputDialog)
    keys.press(Key.Key_F8)
    dialogs.check()
    assert get_count(shop_db, count.id).status == "cancelled"
    audit = shop_db.one("SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1")
    assert audit["action"] == "stock.count.cancel" and "salah rak" in audit["detail"]
    assert shop_db.scalar("SELECT count(*) FROM stock_movements") == movements
    assert stock.on_hand(shop_db, gula.id) == gula.stock
    assert page.current is None and count.number in page.status.text()


def test_back_in_the_stock_area_after_a_sale_the_count_shows_the_books_of_now(
        manajer_session, kasir_session, shop_db, keys, dialogs, shift):
    gula = product(shop_db, GULA)
    window = MainWindow(manajer_session)
    keys.show(window)
    screen = window.screen("stock")
    page = screen.pages["count"]
    dialogs.expect("open", start_everything(keys), kind=OpenCountDialog)
    keys.press(Key.Key_F2)
    dialogs.check()
    row = page.model.row_of(gula.id)
    assert page.model.line(row).book_qty == gula.stock
    window.screen("products")
    sell(shop_db, kasir_session.user, GULA, "2")
    window.screen("stock")
    row = page.model.row_of(gula.id)
    assert page.model.line(row).book_qty == gula.stock - 2 * K
