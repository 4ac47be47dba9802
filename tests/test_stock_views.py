"""What the manager reads about stock: the stock card, stock on hand, low stock, lots near
their expiry and the valuation — each checked against the ledger it is read from, worked out
here a second way."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from app.models import stock, suppliers
from app.models.cart import Cart, add_product
from app.models.clock import frozen_clock, local_date, now
from app.models.errors import NotFound, UserError
from app.models.money import amount
from app.models.products import ProductInput, create_product, get_product, set_archived
from app.models.receiving import ReceiptLineInput, post_receipt
from app.models.returns import return_items
from app.models.sales import PaymentInput, complete_sale
from app.models.shifts import open_shift
from app.models.stock_count import count_item, open_count, post_count
from app.models.stock_ops import close_bulk, open_bulk, write_off
from app.models.stock_views import (
    kind_label,
    low_stock,
    near_expiry,
    stock_card,
    stock_on_hand,
    valuation,
)

TILL = "KASIR-1"
K = 1000


def pid(db, name: str) -> str:
    product_id = db.scalar("SELECT id FROM products WHERE name = ?", (name,))
    assert product_id, name
    return product_id


@pytest.fixture
def supplier(shop, manajer):
    return suppliers.create_supplier(shop, user=manajer, data=suppliers.SupplierInput(
        name="CV Sumber Pangan Lampung", terms_days=30))


# --- the stock card -------------------------------------------------------------------------


def test_the_stock_card_lists_every_movement_with_its_running_balance(shop):
    curah = pid(shop, "Beras Curah Medium")
    card = stock_card(shop, curah)
    ledger = stock.movements(shop, curah)
    assert (card.name, card.unit, card.opening_qty, card.opening_value) == (
        "Beras Curah Medium", "kg", 0, 0)
    assert [(line.created_at, line.kind, line.reason) for line in card.lines] == [
        (m.created_at, m.kind, m.reason) for m in ledger]
    qty = value = 0
    for line, m in zip(card.lines, ledger, strict=True):
        qty, value = qty + m.qty, value + m.value
        assert (line.qty, line.value, line.balance_qty, line.balance_value) == (
            m.qty, m.value, qty, value)
        assert line.kind_label == kind_label(m.kind) and line.kind_label
    held = stock.balance(shop, curah)
    assert (card.closing_qty, card.closing_value) == (held.qty, held.value)
    sales = [line for line in card.lines if line.kind == "sale"]
    sold_on = [shop.scalar("SELECT number FROM sales WHERE id = ?", (m.doc_id,))
               for m in ledger if m.kind == "sale"]
    assert sales and [line.doc_number for line in sales] == sold_on
    assert {line.user_name for line in sales} <= {"Agus Saputra", "Nur Aini"}


def test_the_stock_card_names_the_document_of_every_kind_of_movement(
        shop, kasir, manajer, supplier):
    curah = pid(shop, "Beras Curah Medium")
    bag = pid(shop, "Beras Medium 5 kg")
    open_shift(shop, user=kasir, till=TILL, opening_float=0)
    cart = add_product(shop, Cart(), curah, qty=2 * K)
    sale = complete_sale(shop, user=kasir, till=TILL, cart=cart,
                         payments=[PaymentInput("cash", cart.total)])
    line_id = shop.scalar("SELECT id FROM sale_lines WHERE sale_id = ?", (sale.sale_id,))
    back = return_items(shop, user=kasir, till=TILL, sale_id=sale.sale_id,
                        quantities={line_id: K}, reason="Salah timbang", supervisor=manajer)
    received = post_receipt(shop, user=manajer, supplier_id=supplier.id,
                            lines=[ReceiptLineInput(curah, "20", "11800")])
    dropped = write_off(shop, user=kasir, product_id=curah, qty="1", reason_kind="rusak",
                        approver=manajer)
    bulk = open_bulk(shop, user=kasir, source_product_id=bag, target_product_id=curah,
                     content="5")
    count = open_count(shop, user=kasir, scope="category", scope_value="Beras")
    count_item(shop, user=kasir, count_id=count.id, product_id=curah, qty="1")
    post_count(shop, user=kasir, count_id=count.id, approver=manajer)
    stock.adjust_stock(shop, user=manajer, product_id=curah, qty="2", reason="Ketemu di gudang")
    today = local_date(now(), "WIB")
    card = stock_card(shop, curah, today, today)
    named = [(line.kind, line.doc_number, line.user_name) for line in card.lines[-7:]]
    assert named == [
        ("sale", sale.number, "Agus Saputra"),
        ("return", back.number, "Agus Saputra"),
        ("receipt", received.number, "Siti Aminah"),
        ("writeoff", dropped.number, "Agus Saputra"),
        ("breakbulk", bulk.number, "Agus Saputra"),
        ("count", count.number, "Agus Saputra"),
        ("adjustment", None, "Siti Aminah"),
    ]
    assert card.lines[-1].reason == "Ketemu di gudang"
    assert card.closing_qty == stock.on_hand(shop, curah) == 3000


def test_a_stock_card_for_some_days_starts_from_the_balance_before_them(shop):
    curah = pid(shop, "Beras Curah Medium")
    ledger = stock.movements(shop, curah)
    days = sorted({local_date(m.created_at, "WIB") for m in ledger})
    assert len(days) >= 3
    first, last = days[1], days[-2]
    card = stock_card(shop, curah, first, last)
    before = [m for m in ledger if local_date(m.created_at, "WIB") < first]
    within = [m for m in ledger if first <= local_date(m.created_at, "WIB") <= last]
    assert within and before
    assert (card.opening_qty, card.opening_value) == (sum(m.qty for m in before),
                                                       sum(m.value for m in before))
    assert [(line.created_at, line.kind, line.qty) for line in card.lines] == [
        (m.created_at, m.kind, m.qty) for m in within]
    assert card.closing_qty == sum(m.qty for m in before + within)
    # A day with nothing: the balance carries through.
    empty = stock_card(shop, curah, last + timedelta(days=30), last + timedelta(days=31))
    assert empty.lines == () and empty.closing_qty == stock.on_hand(shop, curah)


def test_a_stock_card_refuses_an_unknown_product_and_backwards_or_unreadable_dates(shop):
    curah = pid(shop, "Beras Curah Medium")
    with pytest.raises(NotFound):
        stock_card(shop, "no-such-id")
    day = local_date(now(), "WIB")
    with pytest.raises(UserError):
        stock_card(shop, curah, day, day - timedelta(days=1))
    with pytest.raises(UserError) as refused:
        stock_card(shop, curah, "31 Januari")
    assert refused.value.field == "date_from"
    assert stock_card(shop, curah, day.isoformat()).opening_qty is not None


# --- stock on hand, low stock, valuation --------------------------------------------------


def test_stock_on_hand_lists_every_product_with_its_balance_and_average_cost(
        shop, kasir, manajer):
    # The odd cases: stock gone negative, a product that never had stock, an archived one.
    kecap = pid(shop, "Kecap Manis 520 ml")
    write_off(shop, user=kasir, product_id=kecap, qty=stock.on_hand(shop, kecap) + 3 * K,
              reason_kind="hilang", approver=manajer)
    fresh = create_product(shop, user=manajer, data=ProductInput(
        name="Keripik Pisang Lampung", base_unit="bungkus", price=15_000, cost=11_000))
    set_archived(shop, user=manajer, product_id=pid(shop, "Sarden 155 g"), archived=True)
    rows = stock_on_hand(shop)
    assert sorted(r.id for r in rows) == sorted(
        r[0] for r in shop.query("SELECT id FROM products"))
    for row in rows:
        product = get_product(shop, row.id)
        held = stock.balance(shop, row.id)
        assert (row.qty, row.value, row.min_stock, row.archived, row.category, row.unit) == (
            held.qty, held.value, product.min_stock, product.archived, product.category,
            product.base_unit)
        assert row.average_cost == stock.average_cost(held, product.cost), row.name
    by_id = {r.id: r for r in rows}
    assert by_id[kecap].qty == -3 * K
    assert (by_id[fresh.id].qty, by_id[fresh.id].average_cost) == (0, 11_000)
    assert by_id[pid(shop, "Sarden 155 g")].archived


def test_low_stock_lists_products_on_sale_at_or_under_their_minimum(shop, kasir, manajer):
    gula = pid(shop, "Gula Pasir 1 kg")
    minimum = get_product(shop, gula).min_stock
    write_off(shop, user=kasir, product_id=gula, qty=stock.on_hand(shop, gula) - minimum,
              reason_kind="rusak", approver=manajer)
    archived = pid(shop, "Kecap Manis 520 ml")
    write_off(shop, user=kasir, product_id=archived, qty=stock.on_hand(shop, archived),
              reason_kind="rusak", approver=manajer)
    set_archived(shop, user=manajer, product_id=archived, archived=True)
    rows = low_stock(shop)
    expected = {r.id for r in stock_on_hand(shop)
                if not r.archived and r.min_stock > 0 and r.qty <= r.min_stock}
    assert {r.id for r in rows} == expected
    low = next(r for r in rows if r.id == gula)
    assert (low.qty, low.shortfall) == (minimum, 0)
    assert archived not in expected
    # Products without a minimum are never "low", even at zero.
    assert all(r.min_stock > 0 for r in rows)


def test_the_valuation_adds_up_the_stock_by_category(shop):
    rows = valuation(shop)
    expected: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in stock_on_hand(shop):
        if not r.archived or r.qty or r.value:
            expected[r.category][0] += 1
            expected[r.category][1] += r.qty
            expected[r.category][2] += r.value
    assert {r.category: [r.products, r.qty, r.value] for r in rows} == dict(expected)
    assert sum(r.value for r in rows) == shop.scalar("SELECT sum(value) FROM stock_balances")
    beras = next(r for r in rows if r.category == "Beras")
    assert beras.products == 4


# --- near expiry ----------------------------------------------------------------------------


def test_near_expiry_lists_the_lots_still_on_the_shelf_first_expiry_first_out(
        shop, kasir, manajer, supplier):
    susu = pid(shop, "Susu Kental Manis 370 g")
    write_off(shop, user=kasir, product_id=susu, qty=stock.on_hand(shop, susu),
              reason_kind="kedaluwarsa", approver=manajer)
    today = local_date(now(), "WIB")
    received_at = datetime.now(UTC) - timedelta(days=100)
    with frozen_clock(received_at):
        post_receipt(shop, user=manajer, supplier_id=supplier.id, lines=[
            ReceiptLineInput(susu, "5", "11000", lot="L-OLD", expiry=today - timedelta(days=5)),
            ReceiptLineInput(susu, "10", "11000", lot="L-SOON",
                             expiry=today + timedelta(days=10)),
            ReceiptLineInput(susu, "20", "11000", lot="L-LATE",
                             expiry=today + timedelta(days=60)),
        ])
    average = stock.average_cost(stock.balance(shop, susu), 0)
    lots = [(x.lot, x.days_left, x.received_qty, x.remaining_qty, x.expired)
            for x in near_expiry(shop, days=30, today=today) if x.product_id == susu]
    # All 35 on hand: every lot is full; the late one is beyond 30 days.
    assert lots == [("L-OLD", -5, 5 * K, 5 * K, True), ("L-SOON", 10, 10 * K, 10 * K, False)]
    assert [x.value for x in near_expiry(shop, today=today) if x.product_id == susu] == [
        amount(average, 5 * K), amount(average, 10 * K)]
    # 10 sold: the oldest lots went first; 25 left sit in L-LATE (20) and L-SOON (5).
    write_off(shop, user=kasir, product_id=susu, qty="10", reason_kind="rusak", approver=manajer)
    lots = [(x.lot, x.remaining_qty) for x in near_expiry(shop, days=30, today=today)
            if x.product_id == susu]
    assert lots == [("L-SOON", 5 * K)]
    # Looking 90 days ahead shows the late lot too; looking 0 days, only what already expired.
    assert [(x.lot, x.remaining_qty) for x in near_expiry(shop, days=90, today=today)
            if x.product_id == susu] == [("L-SOON", 5 * K), ("L-LATE", 20 * K)]
    assert [x.lot for x in near_expiry(shop, days=0, today=today) if x.product_id == susu] == []


@pytest.mark.parametrize("days", [-1, 4000, "30", None, 1.5, True])
def test_near_expiry_refuses_a_nonsense_number_of_days(shop, days):
    with pytest.raises(UserError) as refused:
        near_expiry(shop, days=days)
    assert refused.value.field == "days"


def test_break_bulk_and_susut_show_on_the_card_of_the_opened_product(shop, kasir, manajer):
    curah = pid(shop, "Beras Curah Medium")
    karung = get_product(shop, curah).units[0].id
    bulk = open_bulk(shop, user=kasir, source_product_id=curah, unit_id=karung)
    close_bulk(shop, user=manajer, bulk_id=bulk.id, remaining="49")
    last = stock_card(shop, curah).lines[-1]
    assert (last.kind, last.qty, last.doc_number, last.user_name) == (
        "susut", -K, bulk.number, "Siti Aminah")
