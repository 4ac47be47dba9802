"""The order or receipt being typed: scans, packs, prices, and what the screen posts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.models import purchase_drafts as drafts
from app.models import purchasing, receiving, stock, suppliers
from app.models.errors import UserError
from app.models.money import QTY_SCALE, amount
from app.models.product_search import list_products
from app.models.products import get_product, set_archived
from app.models.purchasing import LineInput
from app.models.receiving import ReceiptLineInput

K = QTY_SCALE
TODAY = date(2026, 11, 26)


def product(db, name: str):
    return get_product(db, next(p for p in list_products(db, name, limit=20)
                                if p.name == name).id)


@pytest.fixture
def supplier(shop, manajer):
    return suppliers.create_supplier(shop, user=manajer, data=suppliers.SupplierInput(
        name="Wahana Niaga Sembako", terms_days=30))


@pytest.fixture
def oil(shop):
    return product(shop, "MinyaKita 1 L")     # pcs; a dus of 12


@pytest.fixture
def rice(shop):
    return product(shop, "Beras Curah Medium")  # kg, weighed; a karung of 50


def test_scanning_a_pack_adds_one_pack_at_the_cost_when_the_supplier_is_new(shop, supplier,
                                                                           oil):
    draft = drafts.Draft(supplier.id)
    for _ in range(2):
        draft = drafts.scan(shop, draft, oil.units[0].barcodes[0])
    [line] = draft.lines
    assert (line.pack.name, line.pack.label, line.qty) == ("dus", "dus isi 12", 2 * K)
    assert line.unit_price == amount(oil.cost, 12 * K)
    assert draft.total == 2 * line.unit_price
    draft = drafts.scan(shop, draft, oil.barcodes[0])   # a single bottle: its own line
    assert [(li.pack.name, li.qty) for li in draft.lines] == [("dus", 2 * K), ("pcs", K)]
    assert draft.touched == 1


def test_the_suppliers_last_price_is_offered_and_kept_in_proportion_for_another_pack(
        shop, supplier, oil, manajer):
    receiving.post_receipt(shop, user=manajer, supplier_id=supplier.id, lines=[
        ReceiptLineInput(oil.id, "1", "170000", oil.units[0].id)])
    draft = drafts.add_product(shop, drafts.Draft(supplier.id), oil.id)
    assert (draft.lines[0].pack.name, draft.lines[0].unit_price) == ("dus", 170_000)
    draft = drafts.set_pack(shop, draft, 0, None)
    assert (draft.lines[0].pack.name, draft.lines[0].unit_price) == ("pcs", 14_167)  # ÷ 12
    # Another supplier has no history with it: the moving-average cost.
    other = drafts.add_product(shop, drafts.Draft(None), oil.id)
    assert other.lines[0].unit_price == amount(get_product(shop, oil.id).cost, 12 * K)


def test_receiving_an_order_starts_from_what_is_due_and_counts_from_the_first_scan(
        shop, supplier, oil, manajer):
    po = purchasing.create_po(shop, user=manajer, supplier_id=supplier.id, lines=[
        LineInput(oil.id, "5", "170000", oil.units[0].id)])
    draft = drafts.from_po(shop, purchasing.get_po(shop, po.id), receiving=True)
    [line] = draft.lines
    assert (line.qty, line.expected_text, line.po_line_id) == (5 * K, "5 dus", po.lines[0].id)
    draft = drafts.scan(shop, draft, oil.units[0].barcodes[0])
    assert draft.lines[0].qty == K
    draft = drafts.scan(shop, draft, oil.units[0].barcodes[0])
    assert draft.lines[0].qty == 2 * K
    # Loose bottles of the same product belong to the same order line.
    draft = drafts.scan(shop, draft, oil.barcodes[0])
    assert draft.lines[1].po_line_id == po.lines[0].id
    result = receiving.post_receipt(shop, user=manajer, supplier_id=supplier.id, po_id=po.id,
                                    lines=drafts.receipt_lines(draft))
    assert result.total == 2 * 170_000 + draft.lines[1].unit_price
    assert purchasing.get_po(shop, po.id).lines[0].received_base == 25 * K
    # What is still due is what the next receipt starts from: 35 bottles are not whole
    # cartons, so they are counted as bottles, at the carton's price per bottle.
    again = drafts.from_po(shop, purchasing.get_po(shop, po.id), receiving=True)
    [line] = again.lines
    assert (line.pack.name, line.qty, line.unit_price, line.expected_text) == (
        "pcs", 35 * K, 14_167, "35 pcs")
    receiving.post_receipt(shop, user=manajer, supplier_id=supplier.id, po_id=po.id,
                           lines=drafts.receipt_lines(again))
    assert purchasing.get_po(shop, po.id).status == "received"


def test_a_typed_quantity_stays_and_later_scans_add_to_it(shop, supplier, oil, manajer):
    po = purchasing.create_po(shop, user=manajer, supplier_id=supplier.id, lines=[
        LineInput(oil.id, "5", "170000", oil.units[0].id)])
    draft = drafts.from_po(shop, po, receiving=True)
    draft = drafts.set_qty(draft, 0, "3")
    draft = drafts.scan(shop, draft, oil.units[0].barcodes[0])
    assert draft.lines[0].qty == 4 * K


@pytest.mark.parametrize("change, message", [
    (lambda d: drafts.set_qty(d, 0, "1,5"), "bilangan bulat"),
    (lambda d: drafts.set_qty(d, 0, "0"), "tidak boleh nol"),
    (lambda d: drafts.set_qty(d, 0, "-2"), "tidak boleh negatif"),
    (lambda d: drafts.set_qty(d, 0, "dua"), "tidak valid"),
    (lambda d: drafts.set_price(d, 0, "-5"), "tidak boleh negatif"),
    (lambda d: drafts.set_price(d, 0, "99999999999999"), "terlalu besar"),
    (lambda d: drafts.set_expiry(d, 0, "25-11-2026", today=TODAY), "sudah lewat"),
    (lambda d: drafts.set_expiry(d, 0, "31-02-2027", today=TODAY), "tidak valid"),
    (lambda d: drafts.set_qty(d, 3, "1"), "Pilih baris"),
    (lambda d: drafts.receipt_total(d, "lima ribu"), "tidak valid"),
])
def test_a_bad_cell_is_refused_and_the_draft_stays_as_it_was(shop, supplier, oil, change,
                                                            message):
    draft = drafts.scan(shop, drafts.Draft(supplier.id), oil.units[0].barcodes[0])
    with pytest.raises(UserError, match=message):
        change(draft)
    assert draft.lines[0].qty == K and draft.lines[0].expiry == ""


def test_a_weighed_good_takes_decimals_only_in_its_base_unit(shop, supplier, rice):
    draft = drafts.add_product(shop, drafts.Draft(supplier.id), rice.id)
    assert draft.lines[0].pack.name == "karung"
    with pytest.raises(UserError, match="bilangan bulat"):
        drafts.set_qty(draft, 0, "1,5")
    draft = drafts.set_pack(shop, draft, 0, None)
    draft = drafts.set_qty(draft, 0, "12,5")
    assert (draft.lines[0].pack.name, draft.lines[0].qty) == ("kg", 12_500)
    # Back to the sack: the quantity becomes whole.
    assert drafts.set_pack(shop, draft, 0, rice.units[0].id).lines[0].qty == 12 * K


def test_unknown_and_archived_goods_are_refused(shop, supplier, oil, manajer):
    draft = drafts.Draft(supplier.id)
    with pytest.raises(UserError, match="tidak dikenal"):
        drafts.scan(shop, draft, "0000000000000")
    with pytest.raises(UserError, match="Scan barcode"):
        drafts.scan(shop, draft, "  ")
    set_archived(shop, user=manajer, product_id=oil.id, archived=True)
    with pytest.raises(UserError, match="diarsipkan"):
        drafts.scan(shop, draft, oil.barcodes[0])


def test_suggestions_set_the_quantity_of_a_line_already_there(shop, supplier, oil, manajer):
    receiving.post_receipt(shop, user=manajer, supplier_id=supplier.id, lines=[
        ReceiptLineInput(oil.id, "1", "170000", oil.units[0].id)])
    with shop.atomic():
        shop.execute("UPDATE products SET min_stock = ? WHERE id = ?",
                     (stock.on_hand(shop, oil.id) + 24 * K, oil.id))
    found = purchasing.reorder_suggestions(shop, supplier_id=supplier.id)
    draft = drafts.add_product(shop, drafts.Draft(supplier.id), oil.id)
    draft = drafts.add_suggestions(shop, draft, found)
    assert [(li.qty, li.unit_price) for li in draft.lines] == [(found[0].qty, 170_000)]
    po = purchasing.create_po(shop, user=manajer, supplier_id=supplier.id,
                              lines=drafts.po_lines(draft))
    assert po.total == draft.total


def test_the_receipt_total_adds_the_freight(shop, supplier, oil):
    draft = drafts.scan(shop, drafts.Draft(supplier.id), oil.units[0].barcodes[0])
    assert drafts.receipt_total(draft, "") == draft.total
    assert drafts.receipt_total(draft, "12.500") == draft.total + 12_500


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from([0, 1, 2]), max_size=25))
def test_each_line_holds_as_many_packs_as_its_barcode_was_scanned(shop, supplier, oil, rice,
                                                                  scans):
    codes = [oil.units[0].barcodes[0], oil.barcodes[0], rice.units[0].barcodes[0]]
    draft = drafts.Draft(supplier.id)
    for i in scans:
        draft = drafts.scan(shop, draft, codes[i])
    seen = list(dict.fromkeys(scans))
    assert [li.qty for li in draft.lines] == [scans.count(i) * K for i in seen]
    assert draft.total == sum(amount(li.unit_price, li.qty) for li in draft.lines)
    expiry = (TODAY + timedelta(days=400)).strftime("%d-%m-%Y")
    for row in range(len(draft.lines)):
        draft = drafts.set_expiry(draft, row, expiry, today=TODAY)
    assert all(li.expiry == expiry for li in draft.lines)
