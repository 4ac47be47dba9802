"""What the stock screen asks of the domain and the reports besides the stock documents: the
shelves a count can cover, a scan with a typed quantity ("12*" then the code), the lots near
their expiry and the susut of the sacks closed in a period — on screen and in the files.
"""

from __future__ import annotations

import csv
import subprocess
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.models import stock, suppliers
from app.models.cart import Cart, scan, set_qty
from app.models.clock import frozen_clock, local_date, now
from app.models.errors import PermissionDenied, UserError
from app.models.money import QTY_SCALE, amount
from app.models.products import get_product
from app.models.receiving import ReceiptLineInput, post_receipt
from app.models.sales import PaymentInput, complete_sale
from app.models.shifts import open_shift
from app.models.stock_count import count_line, open_count
from app.models.stock_entry import count_scan_qty, count_scopes
from app.models.stock_ops import close_bulk, open_bulk, write_off
from app.models.stock_views import near_expiry
from app.reports.stock_lists import (
    days_left_text,
    near_expiry_table,
    susut_table,
    write_near_expiry,
    write_susut,
)
from app.reports.tabular import TOTAL
from app.reports.xlsx import qty_number

K = QTY_SCALE
TILL = "KASIR-1"


def pid(db, name: str) -> str:
    product_id = db.scalar("SELECT id FROM products WHERE name = ?", (name,))
    assert product_id, name
    return product_id


def refused(db, snapshot, call, error=UserError):
    before = snapshot(db)
    with pytest.raises(error) as caught:
        call()
    assert snapshot(db) == before
    return caught.value


# --- the shelves a count can cover ------------------------------------------------------------


def test_a_count_can_cover_everything_each_category_and_each_rack_with_goods_on_sale(
        shop, kasir):
    with shop.atomic():   # no domain call sets a rack yet (the product form lacks the field)
        shop.execute("UPDATE products SET rack = 'A1' WHERE category = 'Beras'")
        shop.execute("UPDATE products SET rack = 'B2' WHERE name = 'Kecap Manis 520 ml'")
    scopes = count_scopes(shop)
    on_sale = shop.scalar("SELECT count(*) FROM products WHERE archived = 0")
    assert (scopes[0].scope, scopes[0].value, scopes[0].products) == ("all", "", on_sale)
    assert scopes[0].label == "Semua produk"
    categories = {s.value: s.products for s in scopes if s.scope == "category"}
    assert categories == {r[0]: r[1] for r in shop.query(
        "SELECT category, count(*) FROM products WHERE archived = 0 AND category <> ''"
        " GROUP BY category")}
    assert list(categories) == sorted(categories, key=str.lower)
    racks = [(s.value, s.products, s.label) for s in scopes if s.scope == "rack"]
    assert racks == [("A1", 4, "Rak A1"), ("B2", 1, "Rak B2")]
    # Every choice opens a count.
    for scope in scopes[:2] + scopes[-1:]:
        assert open_count(shop, user=kasir, scope=scope.scope,
                          scope_value=scope.value).scope == scope.scope


# --- a scan with a typed quantity --------------------------------------------------------------


@pytest.fixture
def mie_count(shop, kasir):
    return open_count(shop, user=kasir, scope="category", scope_value="Mie Instan")


def test_a_typed_quantity_then_a_cartons_code_counts_that_many_cartons(shop, kasir, mie_count):
    mie = get_product(shop, pid(shop, "Mie Instan Goreng"))
    dus = next(u for u in mie.units if u.name == "dus")
    line = count_scan_qty(shop, user=kasir, count_id=mie_count.id, code=dus.barcodes[0],
                          qty="2")
    assert (line.counted_qty, line.counted_book_qty) == (80 * K, mie.stock)   # 2 × 40 pcs
    # Typed again with the piece's code: the line is replaced, not added to.
    line = count_scan_qty(shop, user=kasir, count_id=mie_count.id, code=mie.barcodes[0],
                          qty=7 * K)
    assert line.counted_qty == 7 * K
    assert line.variance_qty == 7 * K - mie.stock
    assert count_line(shop, mie_count.id, mie.id) == line


def test_zero_typed_before_a_scan_is_a_count_of_nothing_on_the_shelf(shop, kasir, mie_count):
    mie = get_product(shop, pid(shop, "Mie Instan Soto"))
    line = count_scan_qty(shop, user=kasir, count_id=mie_count.id, code=mie.barcodes[0],
                          qty="0")
    assert (line.counted_qty, line.variance_qty) == (0, -mie.stock)


@pytest.mark.parametrize("code, qty", [
    ("0000000000000", "2"), ("", "2"),             # nobody knows the code
    (None, "2"), ("MIE", "-1"), ("MIE", "abc"), ("MIE", ""), ("MIE", None), ("MIE", 1.5),
    ("MIE", "1,5"),                                # half a packet of noodles
    ("DUS", "0,01"),                               # 0,4 of a packet
    ("MIE", "99999999"),
])
def test_a_bad_scan_with_a_quantity_is_refused_and_writes_nothing(shop, kasir, mie_count,
                                                                  snapshot, code, qty):
    mie = get_product(shop, pid(shop, "Mie Instan Goreng"))
    code = {"MIE": mie.barcodes[0], "DUS": mie.units[0].barcodes[0]}.get(code, code)
    error = refused(shop, snapshot, lambda: count_scan_qty(
        shop, user=kasir, count_id=mie_count.id, code=code, qty=qty))
    assert error.field in ("code", "qty")


def test_a_scan_with_a_quantity_needs_a_counter_and_a_product_in_the_count(
        shop, bendahara, kasir, mie_count, snapshot):
    mie = get_product(shop, pid(shop, "Mie Instan Goreng"))
    refused(shop, snapshot, lambda: count_scan_qty(
        shop, user=bendahara, count_id=mie_count.id, code=mie.barcodes[0], qty="1"),
        PermissionDenied)
    kecap = get_product(shop, pid(shop, "Kecap Manis 520 ml"))
    error = refused(shop, snapshot, lambda: count_scan_qty(
        shop, user=kasir, count_id=mie_count.id, code=kecap.barcodes[0], qty="1"))
    assert "tidak termasuk" in error.message


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(packs=st.integers(0, 250), thousandths=st.integers(0, 999), by_carton=st.booleans())
def test_the_counted_quantity_is_what_was_typed_times_the_unit_scanned(
        shop, kasir, mie_count, packs, thousandths, by_carton):
    """Whole pieces or cartons are always taken, exactly; a fraction only when it makes
    whole pieces (the noodles are counted in pieces)."""
    mie = get_product(shop, pid(shop, "Mie Instan Goreng"))
    dus = mie.units[0]
    factor = dus.factor if by_carton else K
    code = dus.barcodes[0] if by_carton else mie.barcodes[0]
    typed = packs * K + thousandths
    base, rest = divmod(typed * factor, K)
    if rest or base % K:
        with pytest.raises(UserError):
            count_scan_qty(shop, user=kasir, count_id=mie_count.id, code=code, qty=typed)
        return
    line = count_scan_qty(shop, user=kasir, count_id=mie_count.id, code=code, qty=typed)
    assert line.counted_qty == base
    assert line.variance_qty == base - line.counted_book_qty


# --- lots near their expiry ----------------------------------------------------------------------


@pytest.fixture
def susu_lots(shop, kasir, manajer):
    """Susu kental manis: the demo's stock written off, then three lots received 100 days ago
    (one expired 5 days ago, one in 10 days, one in 60)."""
    supplier = suppliers.create_supplier(shop, user=manajer, data=suppliers.SupplierInput(
        name="CV Sumber Pangan Lampung", terms_days=30))
    susu = pid(shop, "Susu Kental Manis 370 g")
    held = stock.on_hand(shop, susu)
    if held > 0:
        write_off(shop, user=kasir, product_id=susu, qty=held, reason_kind="kedaluwarsa",
                  approver=manajer)
    today = local_date(now(), "WIB")
    with frozen_clock(datetime.now(UTC) - timedelta(days=100)):
        post_receipt(shop, user=manajer, supplier_id=supplier.id, lines=[
            ReceiptLineInput(susu, "5", "11000", lot="L-OLD", expiry=today - timedelta(days=5)),
            ReceiptLineInput(susu, "10", "11000", lot="L-SOON",
                             expiry=today + timedelta(days=10)),
            ReceiptLineInput(susu, "20", "11000", lot="L-LATE",
                             expiry=today + timedelta(days=60)),
        ])
    return susu, today


def test_the_near_expiry_table_is_the_domains_lots_soonest_first_with_their_total(
        shop, susu_lots):
    susu, today = susu_lots
    lots = near_expiry(shop, 30, today)
    table = near_expiry_table(shop, 30, today)
    mine = [line.cells for line in table.data if line.cells[1].startswith("L-")]
    old, soon = (today - timedelta(days=5)), (today + timedelta(days=10))
    assert mine == [
        ("Susu Kental Manis 370 g", "L-OLD", old.strftime("%d/%m/%Y"), "lewat 5 hari", "pcs",
         5 * K, amount(stock.average_cost(stock.balance(shop, susu), 0), 5 * K)),
        ("Susu Kental Manis 370 g", "L-SOON", soon.strftime("%d/%m/%Y"), "10 hari lagi", "pcs",
         10 * K, amount(stock.average_cost(stock.balance(shop, susu), 0), 10 * K)),
    ]
    assert len(table.data) == len(lots)
    (last,) = [line for line in table.lines if line.style == TOTAL]
    assert last.cells[-1] == sum(lot.value for lot in lots)
    assert table.lines[-1] is last


def test_nothing_near_expiry_says_so(shop):
    table = near_expiry_table(shop, 0, today=date(2000, 1, 1))   # before any lot's expiry
    assert table.lines == ()
    assert table.empty == "Tidak ada lot yang kedaluwarsa dalam 0 hari."


@pytest.mark.parametrize("days, text", [(5, "5 hari lagi"), (1, "1 hari lagi"),
                                        (0, "hari ini"), (-3, "lewat 3 hari")])
def test_days_left_read_as_the_shelf_reads_them(days, text):
    assert days_left_text(days) == text


def test_the_near_expiry_list_saved_as_a_workbook_and_a_csv_and_a_pdf(
        shop, manajer, susu_lots, tmp_path):
    susu, today = susu_lots
    xlsx = write_near_expiry(shop, tmp_path / "exp.xlsx", "xlsx", days=30, printed_by=manajer)
    sheet = openpyxl.load_workbook(xlsx).worksheets[0]
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[1] in ("L-OLD", "L-SOON")]
    assert [(r[1], r[5]) for r in rows] == [("L-OLD", qty_number(5 * K)),
                                           ("L-SOON", qty_number(10 * K))]
    path = write_near_expiry(shop, tmp_path / "exp.csv", "csv", days=30, printed_by=manajer)
    with open(path, encoding="utf-8-sig", newline="") as f:
        lines = list(csv.reader(f))
    assert lines[0][:3] == ["Produk", "Lot", "Kedaluwarsa"]
    assert [(r[1], r[5]) for r in lines[1:] if r[1].startswith("L-")] == [
        ("L-OLD", "5"), ("L-SOON", "10")]
    pdf = write_near_expiry(shop, tmp_path / "exp.pdf", "pdf", days=30, printed_by=manajer)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "BARANG HAMPIR KEDALUWARSA" in text and "Kedaluwarsa dalam 30 hari" in text
    assert "L-OLD" in text and "L-SOON" in text and "L-LATE" not in text


def test_the_near_expiry_list_is_not_for_the_counter_and_a_refusal_writes_no_file(
        shop, kasir, tmp_path):
    with pytest.raises(PermissionDenied):
        write_near_expiry(shop, tmp_path / "x.pdf", "pdf", printed_by=kasir)
    assert not (tmp_path / "x.pdf").exists()


# --- the susut report -----------------------------------------------------------------------------


def test_the_susut_table_and_its_files_add_up_the_sacks_closed(shop, kasir, manajer, tmp_path):
    open_shift(shop, user=kasir, till=TILL, opening_float="100000")
    curah = pid(shop, "Beras Curah Medium")
    karung = get_product(shop, curah).units[0]
    bulk = open_bulk(shop, user=kasir, source_product_id=curah, unit_id=karung.id)
    cart = set_qty(scan(shop, Cart(), get_product(shop, curah).barcodes[0]), 0, "45")
    complete_sale(shop, user=kasir, till=TILL, cart=cart,
                  payments=[PaymentInput("cash", cart.total)])
    close_bulk(shop, user=manajer, bulk_id=bulk.id, remaining="4")
    value = -shop.scalar("SELECT value FROM stock_movements WHERE kind = 'susut'")
    today = local_date(now(), "WIB")
    table = susut_table(shop, today, today)
    # 50 kg − 45 sold − 4 left = 1 kg, 2% of the sack.
    assert [line.cells for line in table.data] == [
        ("Beras Curah Medium", "kg", 1, 50 * K, 45 * K, 4 * K, K, "2,00%", value)]
    assert table.lines[-1].cells[-1] == value and table.lines[-1].style == TOTAL
    book = openpyxl.load_workbook(write_susut(shop, tmp_path / "s.xlsx", "xlsx",
                                              date_from=today, date_to=today,
                                              printed_by=manajer))
    assert any(r[0] == "Beras Curah Medium" and r[-1] == value
               for r in book.worksheets[0].iter_rows(values_only=True))
    yesterday = today - timedelta(days=1)
    assert susut_table(shop, yesterday, yesterday).lines == ()
