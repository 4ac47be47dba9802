"""The till as the shop runs it: scanning, selling, paying, returning, shifts and receipts.

Expected amounts are worked out by hand from the shop's rules (integer rupiah, quantities in
thousandths, one rounding rule: half up) and written next to each assertion; the property
tests at the end check the rules that must hold after any day at the counter: ledgers equal
balances, every sale is paid exactly, and money is neither made nor lost.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.models import stock
from app.models.cart import (
    Cart,
    open_cart,
    remove_line,
    save_open_cart,
    scan,
    set_cart_discount,
    set_line_discount,
    set_member,
    set_qty,
)
from app.models.check import run_checks
from app.models.clock import frozen_clock
from app.models.db import Database, open_db
from app.models.errors import PermissionDenied, UserError
from app.models.members import create_member, credit_mismatches, get_member
from app.models.product_search import list_products
from app.models.products import (
    Product,
    ProductInput,
    UnitInput,
    get_product,
    set_archived,
    update_product,
)
from app.models.returns import return_items, void_sale
from app.models.sale_receipts import receipt_for
from app.models.sales import PaymentInput, complete_sale, returnable_lines
from app.models.shifts import (
    cash_in_out,
    close_shift,
    open_shift,
    open_shift_for,
    shift_summary,
)
from app.models.till_settings import TillSettings, save_till_settings

TILL = "KASIR-1"
#: Each test's till opens with this float in the drawer.
FLOAT = 100_000


# --- helpers ------------------------------------------------------------------------------


def product(db: Database, name: str) -> Product:
    """A demo product by its exact name (the catalog search, then the product itself)."""
    rows = [r for r in list_products(db, name, limit=100) if r.name == name]
    assert len(rows) == 1, f"demo product {name!r}: {rows}"
    return get_product(db, rows[0].id)


def pack_code(p: Product, unit: str) -> str:
    return next(u for u in p.units if u.name == unit).barcodes[0]


def as_input(p: Product, **changes) -> ProductInput:
    """The product as its form would send it back, with ``changes``."""
    units = tuple(UnitInput(u.name, u.factor, u.price, u.barcodes, u.id) for u in p.units)
    data = ProductInput(name=p.name, base_unit=p.base_unit, price=p.price, brand=p.brand,
                        category=p.category, fractional=p.fractional, cost=p.cost,
                        min_stock=p.min_stock, het=p.het, barcodes=p.barcodes, units=units,
                        plu=p.plu)
    return replace(data, **changes)


def ean13(first12: str) -> str:
    """An EAN-13 with its check digit worked out here: weights 1, 3, 1, 3 ... from the left."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return first12 + str((10 - total % 10) % 10)


def rows(db: Database, sql: str, params=()) -> list[dict]:
    return [dict(r) for r in db.query(sql, params)]


def sale_rows(db: Database, sale_id: str) -> dict:
    """Everything written for one sale record, to prove it is never changed afterwards."""
    return {
        "sale": rows(db, "SELECT * FROM sales WHERE id = ?", (sale_id,)),
        "lines": rows(db, "SELECT * FROM sale_lines WHERE sale_id = ? ORDER BY line_no",
                      (sale_id,)),
        "payments": rows(db, "SELECT * FROM payments WHERE sale_id = ? ORDER BY rowid",
                         (sale_id,)),
    }


def payments_by_method(db: Database, sale_id: str) -> dict[str, tuple[int, int | None, str]]:
    return {r["method"]: (r["amount"], r["tendered"], r["reference"])
            for r in db.query("SELECT * FROM payments WHERE sale_id = ?", (sale_id,))}


def refused(db: Database, snapshot, call, error=UserError, match: str | None = None):
    """``call`` is refused with ``error`` and the database is exactly as it was."""
    before = snapshot(db)
    with pytest.raises(error, match=match) as caught:
        call()
    assert snapshot(db) == before
    return caught.value


def cart_of(db: Database, *codes: str, cart: Cart | None = None) -> Cart:
    cart = cart or Cart()
    for code in codes:
        cart = scan(db, cart, code)
    return cart


@pytest.fixture
def kasir2(demo_users):
    return demo_users["kasir2"]


@pytest.fixture
def till(shop, kasir):
    """The cashier's shift on KASIR-1, opened with Rp100.000 in the drawer."""
    return open_shift(shop, user=kasir, till=TILL, opening_float="100.000")


@pytest.fixture
def minyak(shop) -> Product:
    """MinyaKita 1 L: Rp15.700 a bottle (its HET), cost Rp14.500; dus of 12 at Rp186.000."""
    p = product(shop, "MinyaKita 1 L")
    assert (p.price, p.cost, p.het, [(u.name, u.factor, u.price) for u in p.units]) == (
        15_700, 14_500, 15_700, [("dus", 12_000, 186_000)]), "the demo shop changed"
    return p


@pytest.fixture
def gula(shop) -> Product:
    """Gula Pasir 1 kg: Rp17.500 a pack, cost Rp16.000, no HET."""
    p = product(shop, "Gula Pasir 1 kg")
    assert (p.price, p.cost, p.het, p.fractional) == (17_500, 16_000, None, False), \
        "the demo shop changed"
    return p


@pytest.fixture
def beras_curah(shop) -> Product:
    """Beras Curah Medium, by the kg: Rp13.000 (HET Rp13.500), cost Rp11.800; karung 50 kg
    at Rp640.000."""
    p = product(shop, "Beras Curah Medium")
    assert (p.base_unit, p.fractional, p.price, p.cost, p.het,
            [(u.name, u.factor, u.price) for u in p.units]) == (
        "kg", True, 13_000, 11_800, 13_500, [("karung", 50_000, 640_000)]), "the demo shop changed"
    return p


@pytest.fixture
def siti(shop, manajer):
    """A member who may owe the shop up to Rp100.000 on bon."""
    return create_member(shop, user=manajer, name="Siti Aminah Uji", credit_limit=100_000)


# --- scanning ------------------------------------------------------------------------------


def test_scanning_a_product_barcode_adds_one_base_unit_at_its_price(shop, minyak):
    empty = Cart()
    cart = scan(shop, empty, minyak.barcodes[0])
    assert empty.lines == ()
    [line] = cart.lines
    assert (line.product_id, line.unit_id, line.unit_name, line.qty, line.factor,
            line.unit_price) == (minyak.id, None, "pcs", 1000, 1000, 15_700)
    assert line.amount == 15_700 and line.base_qty == 1000
    assert cart.total == 15_700


def test_scanning_the_same_barcode_again_adds_to_its_line(shop, minyak):
    once = scan(shop, Cart(), minyak.barcodes[0])
    twice = scan(shop, once, minyak.barcodes[0])
    [line] = twice.lines
    assert line.qty == 2000 and line.amount == 31_400  # 2 × 15.700
    assert twice.id == once.id
    assert once.lines[0].qty == 1000  # the cart it came from is untouched


def test_a_pack_barcode_adds_that_pack_at_the_pack_price(shop, minyak, beras_curah):
    kopi = product(shop, "Kopi Bubuk Sachet")
    cart = cart_of(shop, minyak.barcodes[0], pack_code(minyak, "dus"),
                   pack_code(kopi, "renteng"), pack_code(beras_curah, "karung"))
    got = [(line.name, line.unit_name, line.qty, line.factor, line.base_qty, line.unit_price,
            line.amount) for line in cart.lines]
    assert got == [
        ("MinyaKita 1 L", "pcs", 1000, 1000, 1000, 15_700, 15_700),
        ("MinyaKita 1 L", "dus", 1000, 12_000, 12_000, 186_000, 186_000),
        ("Kopi Bubuk Sachet", "renteng", 1000, 10_000, 10_000, 14_000, 14_000),
        ("Beras Curah Medium", "karung", 1000, 50_000, 50_000, 640_000, 640_000),
    ]
    assert cart.total == 15_700 + 186_000 + 14_000 + 640_000
    again = scan(shop, cart, pack_code(minyak, "dus"))
    assert again.lines[1].qty == 2000 and again.lines[1].base_qty == 24_000
    assert again.total == cart.total + 186_000


def test_a_weighed_scale_label_sells_its_grams_at_the_kilo_price_rounded_half_up(shop, manajer):
    bawang = product(shop, "Bawang Merah")
    # A kilo price that does not make whole rupiah for every gram, and the PLU the scale prints.
    update_product(shop, user=manajer, product_id=bawang.id,
                   data=as_input(bawang, price=40_500, plu=4242))
    label = ean13("2" + "1" + "04242" + "01255")  # prefix 2, flag 1, PLU 04242, 1.255 g
    cart = scan(shop, Cart(), label)
    [line] = cart.lines
    assert (line.product_id, line.unit_name, line.qty, line.unit_price, line.weighed) == (
        bawang.id, "kg", 1255, 40_500, True)
    assert line.amount == 50_828  # 40.500 × 1,255 kg = 50.827,5 → half up
    # Two weighings of the same goods are two lines: each label is its own bag.
    second = scan(shop, cart, ean13("2" + "0" + "04242" + "00500"))
    assert [(x.qty, x.amount) for x in second.lines] == [(1255, 50_828), (500, 20_250)]


def test_a_scale_label_that_is_misread_or_not_registered_is_refused(shop):
    cart = cart_of(shop)
    good = ean13("21" + "09876" + "01000")  # no product has PLU 9876
    with pytest.raises(UserError, match="9876"):
        scan(shop, cart, good)
    misread = good[:-1] + str((int(good[-1]) + 1) % 10)
    with pytest.raises(UserError):
        scan(shop, cart, misread)
    assert cart == Cart(id=cart.id)


@pytest.mark.parametrize("code", ["8991234567899", "TIDAK-ADA", "   ", ""])
def test_an_unknown_barcode_is_refused_and_the_cart_stays(shop, minyak, code):
    cart = scan(shop, Cart(), minyak.barcodes[0])
    before = cart.to_json()
    with pytest.raises(UserError):
        scan(shop, cart, code)
    assert cart.to_json() == before


def test_an_archived_product_cannot_be_scanned(shop, manajer, gula):
    cart = scan(shop, Cart(), gula.barcodes[0])
    set_archived(shop, user=manajer, product_id=gula.id, archived=True)
    before = cart.to_json()
    with pytest.raises(UserError, match="diarsipkan"):
        scan(shop, cart, gula.barcodes[0])
    with pytest.raises(UserError, match="diarsipkan"):
        scan(shop, cart, pack_code(gula, "dus"))
    assert cart.to_json() == before


# --- typing a quantity ------------------------------------------------------------------


def test_a_quantity_with_decimals_is_taken_for_goods_sold_by_weight(shop, beras_curah):
    cart = scan(shop, Cart(), beras_curah.barcodes[0])
    changed = set_qty(cart, 0, "1,25")
    assert changed.lines[0].qty == 1250
    assert changed.lines[0].amount == 16_250  # 13.000 × 1,25 kg
    assert changed.lines[0].base_qty == 1250
    assert cart.lines[0].qty == 1000


@pytest.mark.parametrize("text", ["1,25", "0", "-1", "abc", "99999999", "", "1,2345"])
def test_a_refused_quantity_on_a_piece_good_leaves_the_cart_as_it_was(shop, minyak, text):
    cart = scan(shop, Cart(), minyak.barcodes[0])
    before = cart.to_json()
    with pytest.raises(UserError):
        set_qty(cart, 0, text)
    assert cart.to_json() == before and cart.lines[0].qty == 1000


@pytest.mark.parametrize("text", ["0", "-1", "abc", "99999999", "0,000", "10001"])
def test_a_refused_quantity_on_goods_by_weight_leaves_the_cart_as_it_was(shop, beras_curah,
                                                                          text):
    cart = scan(shop, Cart(), beras_curah.barcodes[0])
    before = cart.to_json()
    with pytest.raises(UserError):
        set_qty(cart, 0, text)
    assert cart.to_json() == before


def test_a_pack_is_sold_in_whole_packs(shop, beras_curah):
    cart = scan(shop, Cart(), pack_code(beras_curah, "karung"))
    with pytest.raises(UserError):
        set_qty(cart, 0, "0,5")
    assert set_qty(cart, 0, "2").lines[0].base_qty == 100_000  # 2 karung of 50 kg


# --- HET ------------------------------------------------------------------------------------


def test_a_price_above_het_is_refused_at_the_scanner(shop, minyak):
    # Setup: a HET reference package lowered the cap below the shop's price.
    shop.execute("UPDATE products SET het = ? WHERE id = ?", (15_000, minyak.id))
    cart = Cart()
    with pytest.raises(UserError, match="HET"):
        scan(shop, cart, minyak.barcodes[0])
    with pytest.raises(UserError, match="HET"):
        scan(shop, cart, pack_code(minyak, "dus"))  # 186.000 > 12 × 15.000
    assert cart.lines == ()


def test_a_price_above_het_is_refused_when_paying(shop, kasir, till, minyak, snapshot):
    cart = cart_of(shop, minyak.barcodes[0], pack_code(minyak, "dus"))
    save_open_cart(shop, till=TILL, user_id=kasir.id, cart=cart)
    # Setup: a HET reference package lowered the cap while the customer was at the counter.
    shop.execute("UPDATE products SET het = ? WHERE id = ?", (15_000, minyak.id))
    refused(shop, snapshot, lambda: complete_sale(
        shop, user=kasir, till=TILL, cart=cart, payments=[PaymentInput("cash", 300_000)]),
        match="HET")
    assert open_cart(shop, till=TILL) == cart


# --- completing a sale -----------------------------------------------------------------------


def test_a_sale_writes_sale_lines_payment_stock_and_audit_in_one_go(shop, kasir, till, minyak):
    gula_curah = product(shop, "Gula Pasir Curah")  # Rp17.000/kg, cost Rp15.500
    stock_before = {p: stock.on_hand(shop, p) for p in (minyak.id, gula_curah.id)}
    audit_before = shop.scalar("SELECT max(seq) FROM audit_log")
    cart = cart_of(shop, minyak.barcodes[0], minyak.barcodes[0], pack_code(minyak, "dus"),
                   gula_curah.barcodes[0])
    cart = set_qty(cart, 2, "1,001")
    save_open_cart(shop, till=TILL, user_id=kasir.id, cart=cart)

    result = complete_sale(shop, user=kasir, till=TILL, cart=cart,
                           payments=[PaymentInput("cash", 250_000)])

    # 2 × 15.700 + 186.000 + 17.000 × 1,001 kg (17.017) = 234.417; change 250.000 − 234.417
    assert (result.kind, result.total, result.change, result.paid_cash) == (
        "sale", 234_417, 15_583, True)
    [sale] = rows(shop, "SELECT * FROM sales WHERE id = ?", (result.sale_id,))
    assert {k: sale[k] for k in ("number", "kind", "shift_id", "user_id", "member_id",
                                 "original_id", "subtotal", "cart_discount", "total", "change",
                                 "approved_by")} == {
        "number": result.number, "kind": "sale", "shift_id": till.id, "user_id": kasir.id,
        "member_id": None, "original_id": None, "subtotal": 234_417, "cart_discount": 0,
        "total": 234_417, "change": 15_583, "approved_by": None}
    lines = [(r["line_no"], r["product_id"], r["unit_name"], r["qty"], r["factor"],
              r["base_qty"], r["unit_price"], r["amount"], r["net_amount"], r["cost"])
             for r in shop.query("SELECT * FROM sale_lines WHERE sale_id = ? ORDER BY line_no",
                                 (result.sale_id,))]
    assert lines == [
        (1, minyak.id, "pcs", 2000, 1000, 2000, 15_700, 31_400, 31_400, 29_000),  # 2 × 14.500
        (2, minyak.id, "dus", 1000, 12_000, 12_000, 186_000, 186_000, 186_000, 174_000),  # 12×
        # cost 15.500 × 1,001 kg = 15.515,5 → 15.516
        (3, gula_curah.id, "kg", 1001, 1000, 1001, 17_000, 17_017, 17_017, 15_516),
    ]
    # Cash is recorded at what it paid; what was handed over is kept beside it.
    assert payments_by_method(shop, result.sale_id) == {"cash": (234_417, 250_000, "")}
    moves = sorted((r["product_id"], r["kind"], r["qty"], r["unit_cost"]) for r in shop.query(
        "SELECT * FROM stock_movements WHERE doc_type = 'sale' AND doc_id = ?",
        (result.sale_id,)))
    assert moves == sorted([(minyak.id, "sale", -2000, 14_500),
                            (minyak.id, "sale", -12_000, 14_500),
                            (gula_curah.id, "sale", -1001, 15_500)])
    assert stock.on_hand(shop, minyak.id) == stock_before[minyak.id] - 14_000
    assert stock.on_hand(shop, gula_curah.id) == stock_before[gula_curah.id] - 1001
    audit_rows = rows(shop, "SELECT * FROM audit_log WHERE seq > ?", (audit_before,))
    assert [(a["action"], a["entity_id"], a["user_id"], json.loads(a["detail"]))
            for a in audit_rows] == [
        ("sale.complete", result.sale_id, kasir.id, {"number": result.number, "total": 234_417})]
    assert shop.scalar("SELECT count(*) FROM carts WHERE till = ? AND held = 0", (TILL,)) == 0
    assert open_cart(shop, till=TILL).lines == ()
    assert stock.ledger_mismatches(shop) == []


def test_sale_numbers_are_gap_free_per_day_in_the_shops_zone(shop, kasir, till, minyak,
                                                             snapshot):
    def sell(cash=15_700):
        return complete_sale(shop, user=kasir, till=TILL, cart=cart_of(shop, minyak.barcodes[0]),
                             payments=[PaymentInput("cash", cash)])

    # 16:59 UTC is 23:59 WIB on 14 March 2031; 17:00 UTC is already the 15th in the shop.
    with frozen_clock(datetime(2031, 3, 14, 16, 59, tzinfo=UTC)):
        first = sell()
        refused(shop, snapshot, lambda: sell(cash=15_699))  # its number is given back
        second = sell()
    with frozen_clock(datetime(2031, 3, 14, 17, 0, tzinfo=UTC)):
        third = sell()
    assert [first.number, second.number, third.number] == [
        "KDMP017-310314-0001", "KDMP017-310314-0002", "KDMP017-310315-0001"]


def test_qris_with_cash_on_top_gives_change_from_the_cash_only(shop, kasir, till, minyak):
    cart = cart_of(shop, minyak.barcodes[0], minyak.barcodes[0])  # 31.400
    result = complete_sale(shop, user=kasir, till=TILL, cart=cart, payments=[
        PaymentInput("qris", 20_000, "QR-20251122-01"), PaymentInput("cash", 20_000)])
    assert result.change == 8_600  # cash due 31.400 − 20.000 = 11.400; 20.000 handed over
    assert payments_by_method(shop, result.sale_id) == {
        "qris": (20_000, None, "QR-20251122-01"), "cash": (11_400, 20_000, "")}


def test_transfer_bon_and_cash_together_put_the_bon_on_the_members_account(
        shop, kasir, till, minyak, siti):
    beras = product(shop, "Beras Medium 5 kg")  # Rp67.000
    cart = set_member(cart_of(shop, beras.barcodes[0], minyak.barcodes[0]), siti)  # 82.700
    result = complete_sale(shop, user=kasir, till=TILL, cart=cart, payments=[
        PaymentInput("transfer", 30_000, "TRF 889911"), PaymentInput("bon", 40_000),
        PaymentInput("cash", 20_000)])
    assert (result.total, result.change) == (82_700, 7_300)  # cash due 12.700
    assert payments_by_method(shop, result.sale_id) == {
        "transfer": (30_000, None, "TRF 889911"), "bon": (40_000, None, ""),
        "cash": (12_700, 20_000, "")}
    assert shop.scalar("SELECT member_id FROM sales WHERE id = ?", (result.sale_id,)) == siti.id
    assert [(r["amount"], r["kind"], r["doc_id"]) for r in shop.query(
        "SELECT * FROM member_credit_movements WHERE member_id = ?", (siti.id,))] == [
        (40_000, "sale", result.sale_id)]
    member = get_member(shop, siti.id)
    assert (member.balance, member.credit_left) == (40_000, 60_000)
    assert credit_mismatches(shop) == []


def test_a_sale_paid_exactly_in_cash_has_no_change_and_qris_alone_needs_no_cash(
        shop, kasir, till, minyak):
    cart = cart_of(shop, minyak.barcodes[0])
    exact = complete_sale(shop, user=kasir, till=TILL, cart=cart,
                          payments=[PaymentInput("cash", 15_700)])
    assert exact.change == 0
    assert payments_by_method(shop, exact.sale_id) == {"cash": (15_700, 15_700, "")}
    qris = complete_sale(shop, user=kasir, till=TILL, cart=cart,
                         payments=[PaymentInput("qris", 15_700, "QR1")])
    assert (qris.change, qris.paid_cash) == (0, False)
    assert payments_by_method(shop, qris.sale_id) == {"qris": (15_700, None, "QR1")}


def test_bon_is_refused_above_what_is_left_of_the_members_limit(shop, kasir, till, siti,
                                                                snapshot):
    beras = product(shop, "Beras Medium 5 kg")
    cart = set_member(cart_of(shop, beras.barcodes[0], beras.barcodes[0]), siti)  # 134.000
    refused(shop, snapshot, lambda: complete_sale(
        shop, user=kasir, till=TILL, cart=cart,
        payments=[PaymentInput("bon", 100_001), PaymentInput("cash", 33_999)]), match="bon")
    complete_sale(shop, user=kasir, till=TILL, cart=cart,
                  payments=[PaymentInput("bon", 100_000), PaymentInput("cash", 34_000)])
    assert get_member(shop, siti.id).credit_left == 0
    again = set_member(cart_of(shop, beras.barcodes[0]), siti)
    refused(shop, snapshot, lambda: complete_sale(
        shop, user=kasir, till=TILL, cart=again,
        payments=[PaymentInput("bon", 1), PaymentInput("cash", 66_999)]), match="bon")


PAYMENT_REFUSALS = {
    "qris without a reference": [PaymentInput("qris", 31_400)],
    "transfer with a blank reference": [PaymentInput("transfer", 31_400, "   ")],
    "bon without a member": [PaymentInput("bon", 31_400)],
    "cash short by a rupiah": [PaymentInput("cash", 31_399)],
    "nothing paid": [],
    "qris above the total": [PaymentInput("qris", 31_401, "QR1")],
    "non-cash above the total even with cash": [
        PaymentInput("qris", 20_000, "QR1"), PaymentInput("transfer", 11_401, "T1"),
        PaymentInput("cash", 50_000)],
    "a zero payment": [PaymentInput("cash", 0)],
    "a negative payment": [PaymentInput("cash", 40_000), PaymentInput("qris", -8_600, "Q")],
    "an amount that is not whole rupiah": [PaymentInput("cash", 31_400.0)],
    "an unknown way to pay": [PaymentInput("kartu kredit", 31_400)],
}


@pytest.mark.parametrize("payments", PAYMENT_REFUSALS.values(), ids=PAYMENT_REFUSALS.keys())
def test_a_payment_that_does_not_settle_the_sale_is_refused_and_writes_nothing(
        shop, kasir, till, minyak, payments, snapshot):
    cart = cart_of(shop, minyak.barcodes[0], minyak.barcodes[0])  # 31.400
    save_open_cart(shop, till=TILL, user_id=kasir.id, cart=cart)
    refused(shop, snapshot, lambda: complete_sale(shop, user=kasir, till=TILL, cart=cart,
                                                  payments=payments))
    assert open_cart(shop, till=TILL) == cart


def test_selling_without_an_open_shift_is_refused(shop, kasir, minyak, snapshot):
    assert open_shift_for(shop, TILL) is None
    cart = cart_of(shop, minyak.barcodes[0])
    refused(shop, snapshot, lambda: complete_sale(
        shop, user=kasir, till=TILL, cart=cart, payments=[PaymentInput("cash", 20_000)]),
        match="shift")


def test_only_a_cashier_or_manager_sells_and_only_on_a_shift_they_may_run(
        shop, kasir2, pengawas, bendahara, till, minyak, snapshot):
    cart = cart_of(shop, minyak.barcodes[0])
    pay = [PaymentInput("cash", 20_000)]
    for user in (pengawas, bendahara, kasir2):  # kasir2: the shift is Agus's
        refused(shop, snapshot, lambda u=user: complete_sale(shop, user=u, till=TILL, cart=cart,
                                                             payments=pay),
                error=PermissionDenied)


def test_an_empty_cart_cannot_be_sold(shop, kasir, till, snapshot):
    refused(shop, snapshot, lambda: complete_sale(shop, user=kasir, till=TILL, cart=Cart(),
                                                  payments=[PaymentInput("cash", 1000)]))


def test_a_product_archived_while_in_the_cart_is_refused_at_payment(
        shop, kasir, manajer, till, gula, snapshot):
    cart = cart_of(shop, gula.barcodes[0])
    set_archived(shop, user=manajer, product_id=gula.id, archived=True)
    refused(shop, snapshot, lambda: complete_sale(shop, user=kasir, till=TILL, cart=cart,
                                                  payments=[PaymentInput("cash", 20_000)]),
            match="diarsipkan")


def test_a_cart_discount_left_larger_than_what_remains_is_refused(
        shop, manajer, till, minyak, gula, snapshot):
    cart = set_cart_discount(cart_of(shop, minyak.barcodes[0], gula.barcodes[0]), "20.000")
    cart = remove_line(cart, 1)  # 15.700 left under a discount of 20.000 set on 33.200
    assert cart.total == -4_300
    for payments in ([], [PaymentInput("cash", 1_000)]):
        refused(shop, snapshot, lambda p=payments: complete_sale(
            shop, user=manajer, till=TILL, cart=cart, payments=p), match="Diskon")
    # 15.000 off what is left (15.700) is still a sale: 700 to pay.
    smaller = remove_line(set_cart_discount(
        cart_of(shop, minyak.barcodes[0], gula.barcodes[0]), "15.000"), 1)
    assert complete_sale(shop, user=manajer, till=TILL, cart=smaller,
                         payments=[PaymentInput("cash", 1_000)]).change == 300


# --- discounts and approval ----------------------------------------------------------------


def _discounted(shop, beras, text="6.000") -> Cart:
    return set_cart_discount(cart_of(shop, beras.barcodes[0], beras.barcodes[0]), text)


def test_a_discount_above_the_till_limit_needs_a_managers_approval(
        shop, kasir, kasir2, pengawas, manajer, till, snapshot):
    beras = product(shop, "Beras Medium 5 kg")
    cart = _discounted(shop, beras)  # 134.000 − 6.000 = 128.000; the limit is 5.000
    pay = [PaymentInput("cash", 128_000)]
    refused(shop, snapshot, lambda: complete_sale(shop, user=kasir, till=TILL, cart=cart,
                                                  payments=pay), error=PermissionDenied)
    for not_a_manager in (kasir2, pengawas):
        refused(shop, snapshot, lambda s=not_a_manager: complete_sale(
            shop, user=kasir, till=TILL, cart=cart, payments=pay, supervisor=s),
            error=PermissionDenied)
    approved = complete_sale(shop, user=kasir, till=TILL, cart=cart, payments=pay,
                             supervisor=manajer)
    assert approved.total == 128_000
    assert tuple(shop.one("SELECT approved_by, user_id, cart_discount FROM sales WHERE id = ?",
                          (approved.sale_id,))) == (manajer.id, kasir.id, 6_000)


def test_a_manager_gives_a_large_discount_without_asking_anyone(shop, manajer, till):
    beras = product(shop, "Beras Medium 5 kg")
    result = complete_sale(shop, user=manajer, till=TILL, cart=_discounted(shop, beras),
                           payments=[PaymentInput("cash", 130_000)])
    assert result.change == 2_000
    assert shop.scalar("SELECT approved_by FROM sales WHERE id = ?",
                       (result.sale_id,)) == manajer.id


def test_a_discount_up_to_the_limit_needs_no_approval_and_line_discounts_count_too(
        shop, kasir, till, snapshot):
    beras = product(shop, "Beras Medium 5 kg")
    at_limit = complete_sale(shop, user=kasir, till=TILL, cart=_discounted(shop, beras, "5.000"),
                             payments=[PaymentInput("cash", 129_000)])
    assert shop.scalar("SELECT approved_by FROM sales WHERE id = ?", (at_limit.sale_id,)) is None
    # 3.000 off one line and 2.001 off the cart: 5.001 in all, above the limit.
    cart = set_line_discount(cart_of(shop, beras.barcodes[0], beras.barcodes[0]), 0, "3000")
    cart = set_cart_discount(cart, "2001")
    refused(shop, snapshot, lambda: complete_sale(shop, user=kasir, till=TILL, cart=cart,
                                                  payments=[PaymentInput("cash", 130_000)]),
            error=PermissionDenied)


def test_the_discount_limit_is_the_tills_own_setting(shop, kasir, admin, till):
    save_till_settings(shop, user=admin, settings=TillSettings(discount_limit=10_000))
    beras = product(shop, "Beras Medium 5 kg")
    result = complete_sale(shop, user=kasir, till=TILL, cart=_discounted(shop, beras),
                           payments=[PaymentInput("cash", 128_000)])
    assert shop.scalar("SELECT approved_by FROM sales WHERE id = ?", (result.sale_id,)) is None


# --- returns and voids -----------------------------------------------------------------------


@pytest.fixture
def bon_sale(shop, kasir, till, minyak, gula, siti):
    """3 MinyaKita (47.100) + 2 Gula (35.000) − 1.000 off the cart = 81.100, paid
    bon 30.000 + QRIS 20.000 + cash 31.100 (40.000 handed over)."""
    cart = cart_of(shop, *[minyak.barcodes[0]] * 3, gula.barcodes[0], gula.barcodes[0])
    cart = set_member(set_cart_discount(cart, "1.000"), siti)
    result = complete_sale(shop, user=kasir, till=TILL, cart=cart, payments=[
        PaymentInput("bon", 30_000), PaymentInput("qris", 20_000, "QR-9"),
        PaymentInput("cash", 40_000)])
    assert (result.total, result.change) == (81_100, 8_900)
    return result


def test_a_cart_discount_is_shared_over_the_lines_to_the_rupiah(shop, bon_sale):
    # 1.000 × 47.100 / 82.100 = 573,7 and 1.000 × 35.000 / 82.100 = 426,3: 999 in whole
    # rupiah, the last rupiah to the larger remainder (MinyaKita).
    assert [(r["amount"], r["net_amount"], r["cost"]) for r in shop.query(
        "SELECT * FROM sale_lines WHERE sale_id = ? ORDER BY line_no", (bon_sale.sale_id,))] == [
        (47_100, 46_526, 43_500), (35_000, 34_574, 32_000)]


def test_returns_in_pieces_give_back_by_the_way_it_was_paid_and_add_up_to_the_sale(
        shop, kasir, manajer, minyak, gula, siti, bon_sale):
    original = sale_rows(shop, bon_sale.sale_id)
    stock_after_sale = {p: stock.on_hand(shop, p) for p in (minyak.id, gula.id)}
    minyak_line, gula_line = (x.line_id for x in returnable_lines(shop, bon_sale.sale_id))

    first = return_items(shop, user=kasir, till=TILL, sale_id=bon_sale.sale_id,
                         quantities={minyak_line: 1000}, reason="Kemasan bocor",
                         supervisor=manajer)
    # One of three bottles: 46.526 / 3 = 15.508,67 → 15.509, taken off the bon first.
    assert (first.kind, first.total) == ("return", -15_509)
    assert payments_by_method(shop, first.sale_id) == {"bon": (-15_509, None, "")}
    assert get_member(shop, siti.id).balance == 30_000 - 15_509
    assert stock.on_hand(shop, minyak.id) == stock_after_sale[minyak.id] + 1000
    [row] = rows(shop, "SELECT * FROM sales WHERE id = ?", (first.sale_id,))
    assert {k: row[k] for k in ("kind", "original_id", "member_id", "subtotal", "cart_discount",
                                "total", "reason", "approved_by", "user_id")} == {
        "kind": "return", "original_id": bon_sale.sale_id, "member_id": siti.id,
        "subtotal": -15_700, "cart_discount": -191, "total": -15_509,
        "reason": "Kemasan bocor", "approved_by": manajer.id, "user_id": kasir.id}
    [line] = rows(shop, "SELECT * FROM sale_lines WHERE sale_id = ?", (first.sale_id,))
    assert (line["original_line_id"], line["qty"], line["base_qty"], line["amount"],
            line["net_amount"], line["cost"]) == (minyak_line, -1000, -1000, -15_700, -15_509,
                                                  -14_500)

    second = return_items(shop, user=kasir, till=TILL, sale_id=bon_sale.sale_id,
                          quantities={minyak_line: 1000}, reason="Kemasan bocor",
                          supervisor=manajer)
    # Two of three are worth 46.526 × 2/3 = 31.017,33 → 31.017; less the 15.509 already back.
    assert second.total == -15_508
    # What is left of the bon (14.491) first, then QRIS.
    assert payments_by_method(shop, second.sale_id) == {"bon": (-14_491, None, ""),
                                                        "qris": (-1_017, None, "")}
    assert get_member(shop, siti.id).balance == 0

    void = void_sale(shop, user=manajer, till=TILL, sale_id=bon_sale.sale_id,
                     reason="Pembeli batal")
    # The last bottle takes the rest of its line (46.526 − 31.017) and the sugar all of its own.
    assert (void.kind, void.total) == ("void", -(15_509 + 34_574))
    assert payments_by_method(shop, void.sale_id) == {"qris": (-18_983, None, ""),
                                                      "cash": (-31_100, None, "")}
    totals = [first.total, second.total, void.total]
    assert -sum(totals) == 81_100
    refunded = {}
    for result in (first, second, void):
        for method, (value, _t, _r) in payments_by_method(shop, result.sale_id).items():
            refunded[method] = refunded.get(method, 0) - value
    assert refunded == {"bon": 30_000, "qris": 20_000, "cash": 31_100}
    returned_cost = -shop.scalar("SELECT sum(cost) FROM sale_lines l JOIN sales s ON"
                                 " s.id = l.sale_id WHERE s.original_id = ?", (bon_sale.sale_id,))
    assert returned_cost == 43_500 + 32_000
    assert stock.on_hand(shop, minyak.id) == stock_after_sale[minyak.id] + 3000
    assert stock.on_hand(shop, gula.id) == stock_after_sale[gula.id] + 2000
    assert sale_rows(shop, bon_sale.sale_id) == original
    assert [r["action"] for r in shop.query(
        "SELECT action FROM audit_log WHERE entity_id IN (?, ?, ?) ORDER BY seq",
        (first.sale_id, second.sale_id, void.sale_id))] == ["sale.return", "sale.return",
                                                            "sale.void"]
    # Sales, returns and voids share one numbering.
    numbers = [shop.scalar("SELECT number FROM sales WHERE id = ?", (s,)) for s in (
        bon_sale.sale_id, first.sale_id, second.sale_id, void.sale_id)]
    sequence = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert sequence == list(range(sequence[0], sequence[0] + 4))
    assert stock.ledger_mismatches(shop) == [] and credit_mismatches(shop) == []


def test_returning_more_than_was_sold_is_refused_also_over_two_returns(
        shop, kasir, manajer, bon_sale, snapshot):
    minyak_line, gula_line = (x.line_id for x in returnable_lines(shop, bon_sale.sale_id))
    refused(shop, snapshot, lambda: return_items(
        shop, user=kasir, till=TILL, sale_id=bon_sale.sale_id, quantities={minyak_line: 4000},
        reason="Rusak", supervisor=manajer), match="melebihi")
    return_items(shop, user=kasir, till=TILL, sale_id=bon_sale.sale_id,
                 quantities={minyak_line: 2000}, reason="Rusak", supervisor=manajer)
    refused(shop, snapshot, lambda: return_items(
        shop, user=kasir, till=TILL, sale_id=bon_sale.sale_id, quantities={minyak_line: 2000},
        reason="Rusak", supervisor=manajer), match="melebihi")
    return_items(shop, user=kasir, till=TILL, sale_id=bon_sale.sale_id,
                 quantities={minyak_line: 1000, gula_line: 2000}, reason="Rusak",
                 supervisor=manajer)
    refused(shop, snapshot, lambda: void_sale(shop, user=manajer, till=TILL,
                                              sale_id=bon_sale.sale_id, reason="Batal"))


def test_a_return_needs_a_reason_and_a_managers_approval(
        shop, kasir, kasir2, pengawas, manajer, bon_sale, snapshot):
    line = returnable_lines(shop, bon_sale.sale_id)[0].line_id

    def back(reason="Rusak", supervisor=None, user=kasir):
        return lambda: return_items(shop, user=user, till=TILL, sale_id=bon_sale.sale_id,
                                    quantities={line: 1000}, reason=reason,
                                    supervisor=supervisor)

    refused(shop, snapshot, back(reason="", supervisor=manajer), match="Alasan")
    refused(shop, snapshot, back(reason="   ", supervisor=manajer), match="Alasan")
    refused(shop, snapshot, back(), error=PermissionDenied)
    refused(shop, snapshot, back(supervisor=pengawas), error=PermissionDenied)
    refused(shop, snapshot, back(supervisor=kasir2), error=PermissionDenied)
    refused(shop, snapshot, lambda: void_sale(shop, user=kasir, till=TILL,
                                              sale_id=bon_sale.sale_id, reason="Batal"),
            error=PermissionDenied)
    refused(shop, snapshot, lambda: void_sale(shop, user=kasir, till=TILL,
                                              sale_id=bon_sale.sale_id, reason="",
                                              supervisor=manajer))
    assert back(supervisor=manajer)().total < 0


def test_odd_return_requests_are_refused_and_write_nothing(
        shop, kasir, manajer, minyak, bon_sale, snapshot):
    minyak_line, gula_line = (x.line_id for x in returnable_lines(shop, bon_sale.sale_id))
    other = complete_sale(shop, user=kasir, till=TILL, cart=cart_of(shop, minyak.barcodes[0]),
                          payments=[PaymentInput("cash", 15_700)])
    other_line = returnable_lines(shop, other.sale_id)[0].line_id

    def back(quantities, sale_id=bon_sale.sale_id):
        return lambda: return_items(shop, user=kasir, till=TILL, sale_id=sale_id,
                                    quantities=quantities, reason="Rusak", supervisor=manajer)

    for quantities in ({}, {minyak_line: 0}, {minyak_line: -1000}, {minyak_line: 500},
                       {minyak_line: 1000.0}, {minyak_line: "1"}, {other_line: 1000},
                       {"bukan-baris": 1000}):
        refused(shop, snapshot, back(quantities))
    a_return = back({minyak_line: 1000})()
    return_line = rows(shop, "SELECT id FROM sale_lines WHERE sale_id = ?",
                       (a_return.sale_id,))[0]["id"]
    refused(shop, snapshot, back({return_line: 1000}, sale_id=a_return.sale_id))
    refused(shop, snapshot, lambda: void_sale(shop, user=manajer, till=TILL,
                                              sale_id=a_return.sale_id, reason="Batal"))


def test_goods_by_weight_come_back_by_the_gram_and_a_return_needs_an_open_shift(
        shop, kasir, manajer, till, beras_curah, snapshot):
    cart = set_qty(scan(shop, Cart(), beras_curah.barcodes[0]), 0, "2,5")  # 32.500
    sale = complete_sale(shop, user=kasir, till=TILL, cart=cart,
                         payments=[PaymentInput("cash", 50_000)])
    line = returnable_lines(shop, sale.sale_id)[0].line_id
    back = return_items(shop, user=kasir, till=TILL, sale_id=sale.sale_id,
                        quantities={line: 333}, reason="Basah", supervisor=manajer)
    # 32.500 × 0,333 / 2,5 = 4.329 rupiah; cost 29.500 × 0,333 / 2,5 = 3.929,4 → 3.929
    assert back.total == -4_329
    assert shop.scalar("SELECT cost FROM sale_lines WHERE sale_id = ?", (back.sale_id,)) == -3_929
    close_shift(shop, user=kasir, till=TILL, counts={})
    refused(shop, snapshot, lambda: return_items(
        shop, user=kasir, till=TILL, sale_id=sale.sale_id, quantities={line: 1000},
        reason="Basah", supervisor=manajer), match="shift")


# --- shifts ------------------------------------------------------------------------------------


def test_a_till_has_one_open_shift_at_a_time(shop, kasir, kasir2, till, snapshot):
    assert (till.till, till.opening_float, till.user_id) == (TILL, FLOAT, kasir.id)
    refused(shop, snapshot, lambda: open_shift(shop, user=kasir2, till=TILL, opening_float=0),
            match="masih terbuka")
    refused(shop, snapshot, lambda: open_shift(shop, user=kasir, till=TILL, opening_float=0))
    other = open_shift(shop, user=kasir2, till="KASIR-2", opening_float="50.000")
    assert other.till == "KASIR-2" and open_shift_for(shop, TILL).id == till.id


@pytest.mark.parametrize("amount, reason", [("50.000", ""), ("50.000", "   "), ("0", "Modal"),
                                            ("abc", "Modal"), ("", "Modal")])
def test_cash_in_or_out_needs_an_amount_and_a_reason(shop, kasir, till, amount, reason,
                                                     snapshot):
    refused(shop, snapshot, lambda: cash_in_out(shop, user=kasir, till=TILL, amount=amount,
                                                reason=reason))


def test_x_report_expects_float_plus_cash_sales_less_refunds_plus_in_less_out(
        shop, kasir, manajer, till, minyak, gula, snapshot):
    sale = complete_sale(shop, user=kasir, till=TILL,
                         cart=cart_of(shop, minyak.barcodes[0], minyak.barcodes[0]),
                         payments=[PaymentInput("cash", 50_000)])  # 31.400 in cash
    complete_sale(shop, user=kasir, till=TILL, cart=cart_of(shop, gula.barcodes[0]),
                  payments=[PaymentInput("qris", 17_500, "QR5")])
    return_items(shop, user=kasir, till=TILL, sale_id=sale.sale_id,
                 quantities={returnable_lines(shop, sale.sale_id)[0].line_id: 1000},
                 reason="Bocor", supervisor=manajer)  # 15.700 back in cash
    cash_in_out(shop, user=kasir, till=TILL, amount="25.000", reason="Tambah uang kecil")
    cash_in_out(shop, user=kasir, till=TILL, amount="-10.000", reason="Beli kantong plastik")

    x = shift_summary(shop, till.id)
    expected = 100_000 + 31_400 - 15_700 + 25_000 - 10_000
    assert (x.sales, x.returns, x.gross_sales, x.refunds, x.cash_in, x.cash_out,
            x.expected_cash) == (2, 1, 48_900, 15_700, 25_000, 10_000, expected)
    assert dict(x.by_method) == {"cash": 15_700, "qris": 17_500, "transfer": 0, "bon": 0}
    # The drawer holds 130.700: a rupiah more cannot be taken out.
    refused(shop, snapshot, lambda: cash_in_out(shop, user=kasir, till=TILL,
                                                amount="-130.701", reason="Setor bank"))

    z = close_shift(shop, user=kasir, till=TILL,
                    counts={100_000: 1, 20_000: 1, 10_000: 1, 500: 1})
    assert (z.expected_cash, z.counted_cash, z.over_short) == (130_700, 130_500, -200)
    [row] = rows(shop, "SELECT * FROM shifts WHERE id = ?", (till.id,))
    assert row["closed_at"] and row["closed_by"] == kasir.id
    assert (row["expected_cash"], row["counted_cash"], row["over_short"]) == (130_700, 130_500,
                                                                              -200)
    assert json.loads(row["count_detail"]) == {"100000": 1, "20000": 1, "10000": 1, "500": 1}
    assert open_shift_for(shop, TILL) is None
    refused(shop, snapshot, lambda: complete_sale(
        shop, user=kasir, till=TILL, cart=cart_of(shop, minyak.barcodes[0]),
        payments=[PaymentInput("cash", 20_000)]), match="shift")
    refused(shop, snapshot, lambda: cash_in_out(shop, user=kasir, till=TILL, amount="5000",
                                                reason="Modal"))


def test_counting_every_denomination_gives_the_sum_and_the_over(shop, kasir, till):
    counts = {100_000: 1, 50_000: 1, 20_000: 1, 10_000: 1, 5_000: 1, 2_000: 1, 1_000: 1,
              500: 1, 200: 1, 100: 1}
    z = close_shift(shop, user=kasir, till=TILL, counts=counts)
    assert z.counted_cash == 188_800
    assert z.over_short == 88_800  # nothing sold: Rp100.000 expected


@pytest.mark.parametrize("counts", [{75_000: 1}, {1_000: -1}, {100_000: 1, 50: 3},
                                    {1_000: 1.5}, {"100000": 1}, {1_000: True}],
                         ids=["unknown note", "negative pieces", "no 50 coin", "half a piece",
                              "denomination as text", "a flag not a count"])
def test_a_drawer_count_that_cannot_be_right_is_refused_and_the_shift_stays_open(
        shop, kasir, till, counts, snapshot):
    refused(shop, snapshot, lambda: close_shift(shop, user=kasir, till=TILL, counts=counts))
    assert open_shift_for(shop, TILL).id == till.id


# --- receipts -----------------------------------------------------------------------------------


def test_a_receipt_shows_member_payments_change_and_what_het_saved(
        shop, kasir, till, minyak, gula, beras_curah, siti):
    beras = product(shop, "Beras Medium 5 kg")  # 67.000, HET 67.500
    cart = cart_of(shop, beras.barcodes[0], beras.barcodes[0], pack_code(beras_curah, "karung"),
                   beras_curah.barcodes[0], minyak.barcodes[0], gula.barcodes[0])
    cart = set_member(set_qty(cart, 2, "1,255"), siti)
    # 134.000 + 640.000 + 13.000 × 1,255 (16.315) + 15.700 + 17.500 = 823.515
    assert cart.total == 823_515
    sale = complete_sale(shop, user=kasir, till=TILL, cart=cart, payments=[
        PaymentInput("bon", 50_000), PaymentInput("qris", 100_000, "QR-77"),
        PaymentInput("cash", 700_000)])
    receipt = receipt_for(shop, sale.sale_id)
    assert (receipt.number, receipt.title, receipt.member, receipt.cashier) == (
        sale.number, "STRUK PENJUALAN", f"{siti.number} Siti Aminah Uji", "Agus Saputra")
    assert (receipt.subtotal, receipt.cart_discount, receipt.total, receipt.change) == (
        823_515, 0, 823_515, 26_485)  # cash due 673.515 of 700.000
    assert [(p.method_label, p.amount, p.reference) for p in receipt.payments] == [
        ("Bon", 50_000, ""), ("QRIS", 100_000, "QR-77"), ("Tunai", 700_000, "")]
    # Below HET: beras 2 × 500; karung 50 × 13.500 − 640.000 = 35.000; 1,255 kg × 500 = 627,5
    # → 628; MinyaKita is at its HET, gula has none.
    assert [(x.name, x.qty_text, x.het_saving) for x in receipt.lines] == [
        ("Beras Medium 5 kg", "2 pcs", 1_000), ("Beras Curah Medium", "1 karung", 35_000),
        ("Beras Curah Medium", "1,255 kg", 628), ("MinyaKita 1 L", "1 pcs", 0),
        ("Gula Pasir 1 kg", "1 pcs", 0)]
    assert receipt.het_saving == 36_628
    assert (receipt.shop_name, receipt.copy, receipt.notes) == (
        "Gerai Sembako Sukamaju", False, ())
    assert receipt_for(shop, sale.sale_id, copy=True).copy is True


def test_a_return_receipt_names_the_original_and_the_reason(shop, kasir, manajer, bon_sale,
                                                           siti):
    line = returnable_lines(shop, bon_sale.sale_id)[0].line_id
    back = return_items(shop, user=kasir, till=TILL, sale_id=bon_sale.sale_id,
                        quantities={line: 1000}, reason="Kemasan bocor", supervisor=manajer)
    receipt = receipt_for(shop, back.sale_id)
    assert (receipt.title, receipt.total, receipt.change, receipt.het_saving) == (
        "RETUR", -15_509, 0, 0)
    assert receipt.notes == (f"Atas struk {bon_sale.number}", "Alasan: Kemasan bocor")
    assert receipt.member == f"{siti.number} Siti Aminah Uji"
    assert [(p.method_label, p.amount) for p in receipt.payments] == [("Bon", -15_509)]
    assert [(x.qty_text, x.amount) for x in receipt.lines] == [("-1 pcs", -15_700)]
    void = void_sale(shop, user=manajer, till=TILL, sale_id=bon_sale.sale_id, reason="Batal")
    assert receipt_for(shop, void.sale_id).title == "PEMBATALAN"


# --- properties: any day at the counter ------------------------------------------------------

#: (product, pack) the property tests sell: pieces, packs, goods by weight, a cheap sachet.
POOL = (("MinyaKita 1 L", None), ("MinyaKita 1 L", "dus"), ("Gula Pasir 1 kg", None),
        ("Beras Curah Medium", None), ("Beras Curah Medium", "karung"), ("Telur Ayam Ras", None),
        ("Mie Instan Goreng", None), ("Kopi Bubuk Sachet", "renteng"), ("Sampo Sachet", None),
        ("Minyak Tanah", None), ("Beras Medium 5 kg", None))
#: GERAI_EXAMPLES=1000 for a longer hunt than the default run's.
PROPERTY = settings(max_examples=int(os.environ.get("GERAI_EXAMPLES", "50")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


class Counter:
    """A fresh copy of the demo shop with an open shift, for one Hypothesis example."""

    def __init__(self, template, users):
        self.dir = Path(tempfile.mkdtemp(prefix="till-"))
        shutil.copy(template.path, self.dir / "shop.db")
        self.db = open_db(self.dir / "shop.db", create=False)
        self.kasir, self.manajer = users["kasir"], users["manajer"]
        self.shift = open_shift(self.db, user=self.kasir, till=TILL, opening_float=FLOAT)
        self.products = {name: product(self.db, name) for name, _pack in POOL}
        self.codes = [self.products[name].barcodes[0] if pack is None
                      else pack_code(self.products[name], pack) for name, pack in POOL]
        self.stock = {p.id: stock.on_hand(self.db, p.id) for p in self.products.values()}

    def close(self):
        self.db.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def fingerprint(self) -> tuple:
        """What a refused call must leave as it was (cheaper than a full dump)."""
        db = self.db
        return tuple(db.scalar(f"SELECT count(*) FROM {t}") for t in (
            "sales", "sale_lines", "payments", "stock_movements", "member_credit_movements",
            "audit_log", "shift_cash", "doc_sequences")) + (
            tuple(db.query("SELECT * FROM doc_sequences ORDER BY kind, day")),
            tuple(db.query("SELECT * FROM stock_balances ORDER BY product_id")),
            tuple(db.query("SELECT * FROM member_credit ORDER BY member_id")))


def draw_cart(data, counter: Counter) -> Cart:
    db = counter.db
    picks = data.draw(st.lists(st.integers(0, len(POOL) - 1), min_size=1, max_size=4,
                               unique=True), label="items")
    cart = Cart()
    for index in picks:
        for _ in range(data.draw(st.integers(1, 3), label="scans")):
            cart = scan(db, cart, counter.codes[index])
    for i, line in enumerate(cart.lines):
        if line.fractional and data.draw(st.booleans(), label="weigh"):
            grams = data.draw(st.integers(1, 9_999), label="thousandths")
            cart = set_qty(cart, i, f"{grams // 1000},{grams % 1000:03d}")
        if data.draw(st.integers(0, 4), label="line discount?") == 0:
            cart = set_line_discount(cart, i, str(data.draw(
                st.integers(0, cart.lines[i].gross), label="line discount")))
    if data.draw(st.booleans(), label="cart discount?"):
        cart = set_cart_discount(cart, str(data.draw(st.integers(0, cart.subtotal),
                                                     label="cart discount")))
    return cart


def draw_payments(data, total: int) -> tuple[list[PaymentInput], int, int]:
    """A way to pay ``total`` (bon included, whether or not it will be allowed):
    the payments, what bon takes, and the cash due."""
    payments, left, bon = [], total, 0
    for method in data.draw(st.lists(st.sampled_from(("bon", "qris", "transfer")), unique=True,
                                     max_size=3), label="non-cash"):
        if left == 0:
            break
        part = data.draw(st.integers(1, left), label=method)
        payments.append(PaymentInput(method, part, f"REF-{method}" if method != "bon" else ""))
        left -= part
        bon += part if method == "bon" else 0
    if left or data.draw(st.booleans(), label="cash anyway"):
        extra = data.draw(st.sampled_from((0, 0, 300, 5_000, 50_000)), label="over")
        if left + extra:
            payments.append(PaymentInput("cash", left + extra))
    return payments, bon, left


def refund_for(line: dict, returned_before: int, qty: int) -> dict[str, int]:
    """What returning ``qty`` of a sold line gives back, by the shop's rule: the running total
    of what has come back is worth its share of the line, rounded half up; the last pieces
    take what is left."""
    sold = line["qty"]

    def share(value: int, upto: int) -> int:
        if upto == sold:
            return value
        return (2 * value * upto + sold) // (2 * sold)  # value × upto / sold, half up (≥ 0)

    return {key: share(line[key], returned_before + qty) - share(line[key], returned_before)
            for key in ("net_amount", "cost", "base_qty")}


def check_books(counter: Counter, sales: list[str], expected_stock: dict[str, int],
                expected_credit: dict[str, int]) -> None:
    db = counter.db
    assert stock.ledger_mismatches(db) == []
    assert credit_mismatches(db) == []
    for product_id, qty in expected_stock.items():
        assert stock.on_hand(db, product_id) == qty
    for member_id, owed in expected_credit.items():
        assert get_member(db, member_id).balance == owed
    unpaid = db.query("SELECT s.number, s.total, coalesce(sum(p.amount), 0) AS paid FROM sales s"
                      " LEFT JOIN payments p ON p.sale_id = s.id GROUP BY s.id"
                      " HAVING paid <> s.total")
    assert [tuple(r) for r in unpaid] == []
    assert db.scalar("SELECT coalesce(sum(total), 0) FROM sales") == db.scalar(
        "SELECT coalesce(sum(amount), 0) FROM payments")
    # Cash: applied ≤ handed over, and the change is the difference.
    for sale_id in sales:
        cash = db.one("SELECT amount, tendered FROM payments WHERE sale_id = ? AND"
                      " method = 'cash'", (sale_id,))
        change = db.scalar("SELECT change FROM sales WHERE id = ?", (sale_id,))
        assert change == (cash["tendered"] - cash["amount"] if cash else 0)
    x = shift_summary(db, counter.shift.id)
    cash_moved = db.scalar("SELECT coalesce(sum(p.amount), 0) FROM payments p JOIN sales s ON"
                           " s.id = p.sale_id WHERE s.shift_id = ? AND p.method = 'cash'",
                           (counter.shift.id,))
    assert x.expected_cash == FLOAT + cash_moved
    assert all(check.ok for check in run_checks(db)), run_checks(db)


@PROPERTY
@given(data=st.data())
def test_returning_a_sale_in_any_pieces_gives_back_exactly_what_was_paid(demo_template,
                                                                         demo_users, data):
    counter = Counter(demo_template, demo_users)
    try:
        db, manajer = counter.db, counter.manajer
        member = create_member(db, user=manajer, name="Anggota Uji", credit_limit=10_000_000)
        cart = set_member(draw_cart(data, counter), member)
        payments, bon, cash_due = draw_payments(data, cart.total)
        sale = complete_sale(db, user=manajer, till=TILL, cart=cart, payments=payments)
        paid = {m: v for m, (v, _t, _r) in payments_by_method(db, sale.sale_id).items()}
        original = sale_rows(db, sale.sale_id)
        lines = {r["id"]: r for r in original["lines"]}
        assert sum(r["net_amount"] for r in lines.values()) == cart.total
        if cart.subtotal:
            for r in lines.values():  # the cart discount shared to within a rupiah
                exact = r["amount"] * cart.cart_discount / cart.subtotal
                assert abs((r["amount"] - r["net_amount"]) - exact) < 1
        returned = dict.fromkeys(lines, 0)
        refunded = dict.fromkeys(paid, 0)
        steps = 0
        while any(returned[i] < lines[i]["qty"] for i in lines):
            steps += 1
            if steps > 6 or data.draw(st.integers(0, 5), label="void now") == 0:
                quantities = {i: lines[i]["qty"] - returned[i] for i in lines}
                result = void_sale(db, user=manajer, till=TILL, sale_id=sale.sale_id,
                                   reason="Batal")
            else:
                quantities = {}
                for x in returnable_lines(db, sale.sale_id):
                    step = 1 if x.fractional else 1000
                    quantities[x.line_id] = data.draw(st.integers(0, x.remaining // step),
                                                      label="back") * step
                if not any(quantities.values()):
                    continue
                result = return_items(db, user=manajer, till=TILL, sale_id=sale.sale_id,
                                      quantities=quantities, reason="Retur uji")
            expected = {i: refund_for(lines[i], returned[i], q)
                        for i, q in quantities.items() if q}
            refund = sum(e["net_amount"] for e in expected.values())
            assert result.total == -refund <= 0
            back_lines = {r["original_line_id"]: r for r in db.query(
                "SELECT * FROM sale_lines WHERE sale_id = ?", (result.sale_id,))}
            assert {i: (-r["net_amount"], -r["cost"], -r["base_qty"])
                    for i, r in back_lines.items()} == {
                i: (e["net_amount"], e["cost"], e["base_qty"]) for i, e in expected.items()}
            # Money goes back the way it came: bon, QRIS, transfer, cash; never more per way.
            want, left = {}, refund
            for method in ("bon", "qris", "transfer", "cash"):
                take = min(left, paid.get(method, 0) - refunded.get(method, 0))
                if take > 0:
                    want[method] = take
                    left -= take
            assert left == 0
            got = {m: -v for m, (v, _t, _r) in payments_by_method(db, result.sale_id).items()}
            assert got == want
            for method, value in got.items():
                refunded[method] += value
            for i, q in quantities.items():
                returned[i] += q
        assert refunded == paid
        assert -db.scalar("SELECT sum(total) FROM sales WHERE original_id = ?",
                          (sale.sale_id,)) == sale.total
        assert -db.scalar("SELECT sum(l.cost) FROM sale_lines l JOIN sales s ON s.id = l.sale_id"
                          " WHERE s.original_id = ?", (sale.sale_id,)) == sum(
            r["cost"] for r in lines.values())
        assert sale_rows(db, sale.sale_id) == original
        check_books(counter, [sale.sale_id], counter.stock, {member.id: 0})
    finally:
        counter.close()


@PROPERTY
@given(data=st.data())
def test_after_any_day_of_sales_and_returns_the_books_balance(demo_template, demo_users, data):
    counter = Counter(demo_template, demo_users)
    try:
        db, kasir, manajer = counter.db, counter.kasir, counter.manajer
        members = [create_member(db, user=manajer, name="Anggota Bon", credit_limit=100_000),
                   create_member(db, user=manajer, name="Anggota Tunai", credit_limit=0)]
        expected_stock = dict(counter.stock)
        owed = {m.id: 0 for m in members}
        sold: list[str] = []
        for _ in range(data.draw(st.integers(1, 8), label="events")):
            event = data.draw(st.sampled_from(("sale", "sale", "return", "void")), label="event")
            if event == "sale":
                cart = draw_cart(data, counter)
                member = data.draw(st.sampled_from([None, *members]), label="member")
                cart = set_member(cart, member)
                supervisor = data.draw(st.sampled_from([None, manajer]), label="supervisor")
                payments, bon, cash_due = draw_payments(data, cart.total)
                refuse = (cart.discounts > 5_000 and supervisor is None) or (bon and (
                    member is None or bon > member.credit_limit - owed[member.id]))
                before = counter.fingerprint()
                if refuse:
                    with pytest.raises(UserError):
                        complete_sale(db, user=kasir, till=TILL, cart=cart, payments=payments,
                                      supervisor=supervisor)
                    assert counter.fingerprint() == before
                    continue
                result = complete_sale(db, user=kasir, till=TILL, cart=cart, payments=payments,
                                       supervisor=supervisor)
                tendered = sum(p.amount for p in payments if p.method == "cash")
                assert result.total == cart.total
                assert result.change == (tendered - cash_due if tendered else 0)
                for line in cart.lines:
                    expected_stock[line.product_id] -= line.base_qty
                if bon:
                    owed[member.id] += bon
                sold.append(result.sale_id)
            elif sold:
                sale_id = data.draw(st.sampled_from(sold), label="which sale")
                member_id = db.scalar("SELECT member_id FROM sales WHERE id = ?", (sale_id,))
                left = {x.line_id: x.remaining for x in returnable_lines(db, sale_id)}
                if event == "void":
                    quantities = left
                else:
                    quantities = {}
                    for x in returnable_lines(db, sale_id):
                        step = 1 if x.fractional else 1000
                        quantities[x.line_id] = data.draw(
                            st.integers(0, x.remaining // step), label="back") * step
                if not any(quantities.values()):
                    # Nothing left to void, or nothing chosen to return: refused, nothing written.
                    before = counter.fingerprint()
                    with pytest.raises(UserError):
                        if event == "void":
                            void_sale(db, user=kasir, till=TILL, sale_id=sale_id,
                                      reason="Batal", supervisor=manajer)
                        else:
                            return_items(db, user=kasir, till=TILL, sale_id=sale_id,
                                         quantities=quantities, reason="Retur",
                                         supervisor=manajer)
                    assert counter.fingerprint() == before
                    continue
                bases = {r["id"]: (r["product_id"], r["base_qty"], r["qty"]) for r in db.query(
                    "SELECT * FROM sale_lines WHERE sale_id = ?", (sale_id,))}
                if event == "void":
                    result = void_sale(db, user=kasir, till=TILL, sale_id=sale_id,
                                       reason="Batal", supervisor=manajer)
                else:
                    result = return_items(db, user=kasir, till=TILL, sale_id=sale_id,
                                          quantities=quantities, reason="Retur",
                                          supervisor=manajer)
                assert result.total <= 0
                for r in db.query("SELECT * FROM sale_lines WHERE sale_id = ?",
                                  (result.sale_id,)):
                    product_id, _base, _qty = bases[r["original_line_id"]]
                    expected_stock[product_id] -= r["base_qty"]  # negative: it comes back
                    assert r["qty"] == -quantities[r["original_line_id"]]
                bon_back = -(db.scalar("SELECT sum(amount) FROM payments WHERE sale_id = ? AND"
                                       " method = 'bon'", (result.sale_id,)) or 0)
                if bon_back:
                    owed[member_id] -= bon_back
                # Every line fully returned has brought back all of its stock.
                for line_id, (_product, base, _qty) in bases.items():
                    if left[line_id] == quantities[line_id] and quantities[line_id]:
                        assert -db.scalar("SELECT sum(base_qty) FROM sale_lines WHERE"
                                          " original_line_id = ?", (line_id,)) == base
        check_books(counter, sold, expected_stock, owed)
    finally:
        counter.close()
