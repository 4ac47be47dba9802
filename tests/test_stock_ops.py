"""Write-offs and break bulk as the shop does them, and a day of everything at once.

A sack of beras curah is opened for retail; what the till sold from it, plus what is left in
it, should add up to 50 kg, and the difference is susut. Expected figures are worked out by
hand from the shop's rules (thousandths of the base unit, integer rupiah, the moving average
= stock value / quantity). The state machine at the end mixes sales, returns, counts,
write-offs and break bulk and checks after every step that the ledgers equal the balances and
that no rupiah of stock value is made or lost.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from app.models import stock
from app.models.cart import Cart, add_product, scan
from app.models.clock import frozen_clock, local_date, to_iso
from app.models.db import open_db
from app.models.errors import NotFound, PermissionDenied, UserError
from app.models.money import QTY_SCALE, amount, div_round_half_up
from app.models.products import ProductInput, create_product, get_product, set_archived
from app.models.returns import return_items
from app.models.sales import PaymentInput, complete_sale
from app.models.shifts import open_shift
from app.models.stock_count import count_item, open_count, post_count
from app.models.stock_ops import (
    close_bulk,
    get_bulk,
    open_bulk,
    open_bulks,
    sold_from,
    susut_report,
    write_off,
)
from app.models.stock_views import stock_on_hand

TILL = "KASIR-1"
K = QTY_SCALE


def pid(db, name: str) -> str:
    product_id = db.scalar("SELECT id FROM products WHERE name = ?", (name,))
    assert product_id, name
    return product_id


def unit_id(db, product_name: str, unit: str) -> str:
    return next(u.id for u in get_product(db, pid(db, product_name)).units if u.name == unit)


def refused(db, snapshot, call, error=UserError, match: str | None = None):
    before = snapshot(db)
    with pytest.raises(error, match=match) as caught:
        call()
    assert snapshot(db) == before
    return caught.value


def last_audit(db):
    return db.one("SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1")


class Clock:
    """Shop time that moves on a minute per step, so 'since the sack was opened' is exact."""

    def __init__(self):
        self.at = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)

    @contextmanager
    def step(self):
        self.at += timedelta(minutes=1)
        with frozen_clock(self.at):
            yield


def sell(db, kasir, product_id: str, qty: int = K, *, code: str | None = None) -> str:
    """A cash sale: ``qty`` thousandths of the base unit, or one pack scanned by ``code``."""
    cart = scan(db, Cart(), code) if code else add_product(db, Cart(), product_id, qty=qty)
    return complete_sale(db, user=kasir, till=TILL, cart=cart,
                         payments=[PaymentInput("cash", cart.total)]).sale_id


def give_back(db, kasir, manajer, sale_id: str, qty: int) -> None:
    line_id = db.scalar("SELECT id FROM sale_lines WHERE sale_id = ?", (sale_id,))
    return_items(db, user=kasir, till=TILL, sale_id=sale_id, quantities={line_id: qty},
                 reason="Salah timbang", supervisor=manajer)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def till(shop, kasir, clock):
    with clock.step():
        return open_shift(shop, user=kasir, till=TILL, opening_float="100.000")


# --- write-offs ------------------------------------------------------------------------------


def test_a_write_off_takes_the_goods_out_at_the_average_with_approval(shop, kasir, manajer):
    telur = pid(shop, "Telur Ayam Ras")
    held = stock.balance(shop, telur)
    done = write_off(shop, user=kasir, product_id=telur, qty="1,5", reason_kind="rusak",
                     note="  Pecah waktu bongkar  ", approver=manajer)
    assert re.fullmatch(r"KDMP017-\d{6}-W0001", done.number)
    # 1,5 kg of what is held at the moving average: its share of the stock value.
    share = div_round_half_up(1500 * held.value, held.qty)
    assert (done.qty, done.value, done.note, done.approved_by) == (
        1500, share, "Pecah waktu bongkar", manajer.id)
    assert stock.balance(shop, telur) == stock.Balance(held.qty - 1500, held.value - share)
    moved = shop.one("SELECT * FROM stock_movements WHERE doc_id = ?", (done.id,))
    assert (moved["kind"], moved["qty"], moved["value"], moved["doc_type"], moved["user_id"]) == (
        "writeoff", -1500, -share, "writeoff", kasir.id)
    assert moved["reason"] == "Rusak: Pecah waktu bongkar"
    row = shop.one("SELECT * FROM writeoffs WHERE id = ?", (done.id,))
    assert (row["qty"], row["value"], row["reason_kind"], row["approved_by"]) == (
        1500, share, "rusak", manajer.id)
    audit = last_audit(shop)
    assert (audit["action"], audit["entity_id"], audit["user_id"]) == (
        "stock.writeoff", telur, kasir.id)


def test_writing_off_more_than_the_books_hold_is_allowed_and_shows_as_negative_stock(
        shop, manajer):
    kecap = pid(shop, "Kecap Manis 520 ml")
    held = stock.balance(shop, kecap)
    done = write_off(shop, user=manajer, product_id=kecap, qty=held.qty + 2 * K,
                     reason_kind="hilang", approver=manajer)
    # All the value held goes, and the two pieces the books never had leave at the cost.
    assert done.value == held.value + amount(get_product(shop, kecap).cost, 2 * K)
    assert stock.on_hand(shop, kecap) == -2 * K


@pytest.mark.parametrize("qty", ["0", "-1", "abc", "", None, 1.5, "99999999", "20000",
                                 "0,5"])
def test_a_bad_write_off_quantity_is_refused_and_writes_nothing(shop, kasir, manajer, snapshot,
                                                                qty):
    mie = pid(shop, "Mie Instan Goreng")
    error = refused(shop, snapshot, lambda: write_off(
        shop, user=kasir, product_id=mie, qty=qty, reason_kind="rusak", approver=manajer))
    assert error.field == "qty" and error.message.strip()


@pytest.mark.parametrize("kind", ["", "dicuri", None, "RUSAK"])
def test_a_write_off_needs_a_known_reason(shop, kasir, manajer, snapshot, kind):
    mie = pid(shop, "Mie Instan Goreng")
    error = refused(shop, snapshot, lambda: write_off(
        shop, user=kasir, product_id=mie, qty="1", reason_kind=kind, approver=manajer))
    assert error.field == "reason_kind"


def test_a_write_off_without_a_manager_or_of_an_archived_product_is_refused(
        shop, kasir, manajer, user_by_role, snapshot):
    mie = pid(shop, "Mie Instan Goreng")
    for approver in ("kasir", "bendahara", "pengawas"):
        refused(shop, snapshot, lambda a=approver: write_off(
            shop, user=kasir, product_id=mie, qty="1", reason_kind="rusak",
            approver=user_by_role[a]), PermissionDenied)
    refused(shop, snapshot, lambda: write_off(
        shop, user=user_by_role["pengawas"], product_id=mie, qty="1", reason_kind="rusak",
        approver=manajer), PermissionDenied)
    refused(shop, snapshot, lambda: write_off(
        shop, user=kasir, product_id="no-such-id", qty="1", reason_kind="rusak",
        approver=manajer), NotFound)
    set_archived(shop, user=manajer, product_id=mie, archived=True)
    refused(shop, snapshot, lambda: write_off(
        shop, user=kasir, product_id=mie, qty="1", reason_kind="kedaluwarsa", approver=manajer))


# --- break bulk: a packaging unit of the same product ------------------------------------


def test_opening_a_sack_of_the_same_product_records_what_it_should_yield_and_moves_nothing(
        shop, kasir, clock):
    curah = pid(shop, "Beras Curah Medium")
    movements = shop.scalar("SELECT count(*) FROM stock_movements")
    with clock.step():
        bulk = open_bulk(shop, user=kasir, source_product_id=curah,
                         unit_id=unit_id(shop, "Beras Curah Medium", "karung"))
    assert re.fullmatch(r"KDMP017-\d{6}-B0001", bulk.number)
    assert (bulk.source_unit_name, bulk.source_qty, bulk.target_product_id, bulk.expected_qty,
            bulk.unit_factor) == ("karung", K, curah, 50 * K, 50 * K)
    assert shop.scalar("SELECT count(*) FROM stock_movements") == movements
    assert open_bulks(shop) == [bulk]
    audit = last_audit(shop)
    assert (audit["action"], audit["entity_id"]) == ("stock.bulk.open", bulk.id)


def test_closing_a_sack_counts_retail_sales_since_it_was_opened_and_writes_off_the_susut(
        shop, kasir, manajer, till, clock):
    curah = pid(shop, "Beras Curah Medium")
    karung = get_product(shop, curah).units[0]
    with clock.step():
        sell(shop, kasir, curah, 4 * K)                    # before the sack: not from it
    with clock.step():
        bulk = open_bulk(shop, user=kasir, source_product_id=curah, unit_id=karung.id)
    with clock.step():
        first = sell(shop, kasir, curah, 3 * K)
    with clock.step():
        sell(shop, kasir, curah, 2500)
    with clock.step():
        sell(shop, kasir, curah, code=karung.barcodes[0])  # a whole sack: not from the open one
    with clock.step():
        give_back(shop, kasir, manajer, first, K)
    assert sold_from(shop, get_bulk(shop, bulk.id)) == 4500
    held = stock.balance(shop, curah)
    with clock.step():
        closed = close_bulk(shop, user=manajer, bulk_id=bulk.id, remaining="40")
    # 50 kg − (3 + 2,5 − 1) kg sold − 40 kg left = 5,5 kg susut, at its share of the value.
    assert (closed.sold_qty, closed.remaining_qty, closed.susut_qty) == (4500, 40 * K, 5500)
    assert closed.closed_by == manajer.id and closed.closed_at
    share = div_round_half_up(5500 * held.value, held.qty)
    moved = shop.one("SELECT * FROM stock_movements WHERE doc_id = ? AND kind = 'susut'",
                     (bulk.id,))
    assert (moved["qty"], moved["value"], moved["doc_type"], moved["reason"]) == (
        -5500, -share, "bulk", f"Susut {bulk.number}")
    assert stock.balance(shop, curah) == stock.Balance(held.qty - 5500, held.value - share)
    assert open_bulks(shop) == []
    audit = last_audit(shop)
    assert (audit["action"], audit["entity_id"]) == ("stock.bulk.close", bulk.id)


def test_a_sack_that_gave_more_than_expected_records_no_susut_movement(
        shop, kasir, manajer, till, clock):
    mie = pid(shop, "Mie Instan Goreng")
    with clock.step():
        bulk = open_bulk(shop, user=kasir, source_product_id=mie,
                         unit_id=unit_id(shop, "Mie Instan Goreng", "dus"))
    with clock.step():
        sell(shop, kasir, mie, 5 * K)
    movements = shop.scalar("SELECT count(*) FROM stock_movements")
    with clock.step():
        closed = close_bulk(shop, user=manajer, bulk_id=bulk.id, remaining="36")
    assert (closed.sold_qty, closed.susut_qty) == (5 * K, -K)
    assert shop.scalar("SELECT count(*) FROM stock_movements") == movements


def test_one_open_sack_per_product(shop, kasir, manajer, clock, snapshot):
    curah = pid(shop, "Beras Curah Medium")
    karung = unit_id(shop, "Beras Curah Medium", "karung")
    with clock.step():
        first = open_bulk(shop, user=kasir, source_product_id=curah, unit_id=karung)
    error = refused(shop, snapshot, lambda: open_bulk(
        shop, user=kasir, source_product_id=curah, unit_id=karung))
    assert first.number in error.message
    # Nor another product opened into it.
    refused(shop, snapshot, lambda: open_bulk(
        shop, user=kasir, source_product_id=pid(shop, "Beras Medium 5 kg"),
        target_product_id=curah, content="5"), match=first.number)
    with clock.step():
        close_bulk(shop, user=manajer, bulk_id=first.id, remaining="50")
    with clock.step():
        open_bulk(shop, user=kasir, source_product_id=curah, unit_id=karung)


# --- break bulk: one product into another ----------------------------------------------------


def test_a_bag_opened_into_loose_goods_moves_the_goods_and_exactly_their_value(
        shop, kasir, clock):
    bag, curah = pid(shop, "Beras Medium 5 kg"), pid(shop, "Beras Curah Medium")
    bag_held, curah_held = stock.balance(shop, bag), stock.balance(shop, curah)
    with clock.step():
        bulk = open_bulk(shop, user=kasir, source_product_id=bag, qty="2",
                         target_product_id=curah, content="5")
    assert (bulk.source_qty, bulk.expected_qty, bulk.source_unit_name, bulk.unit_factor) == (
        2 * K, 10 * K, "pcs", 5 * K)
    moved = {m["product_id"]: m for m in shop.query(
        "SELECT * FROM stock_movements WHERE doc_type = 'bulk' AND doc_id = ?", (bulk.id,))}
    share = div_round_half_up(2 * K * bag_held.value, bag_held.qty)
    assert (moved[bag]["kind"], moved[bag]["qty"], moved[bag]["value"]) == (
        "breakbulk", -2 * K, -share)
    assert (moved[curah]["kind"], moved[curah]["qty"], moved[curah]["value"]) == (
        "breakbulk", 10 * K, share)
    assert stock.balance(shop, curah) == stock.Balance(curah_held.qty + 10 * K,
                                                       curah_held.value + share)
    # The loose rice's moving average now includes what the bags cost.
    assert get_product(shop, curah).cost == stock.average_cost(stock.balance(shop, curah), 0)


def test_goods_in_the_same_unit_open_one_to_one(shop, kasir, manajer, clock):
    eceran = create_product(shop, user=manajer, data=ProductInput(
        name="Gula Curah Eceran", base_unit="kg", price=18_000, barcodes=("GULAEC01",)))
    gula = pid(shop, "Gula Pasir Curah")
    with clock.step():
        bulk = open_bulk(shop, user=kasir, source_product_id=gula,
                         unit_id=unit_id(shop, "Gula Pasir Curah", "karung"),
                         target_product_id=eceran.id)
    assert bulk.expected_qty == 50 * K
    assert stock.on_hand(shop, eceran.id) == 50 * K


def test_bad_break_bulk_requests_are_refused_and_write_nothing(
        shop, kasir, manajer, user_by_role, snapshot):
    curah, bag = pid(shop, "Beras Curah Medium"), pid(shop, "Beras Medium 5 kg")
    karung = unit_id(shop, "Beras Curah Medium", "karung")
    dus = unit_id(shop, "Mie Instan Goreng", "dus")
    for call, field in (
        (lambda: open_bulk(shop, user=kasir, source_product_id=curah), "unit"),
        (lambda: open_bulk(shop, user=kasir, source_product_id=curah, unit_id=dus), "unit"),
        (lambda: open_bulk(shop, user=kasir, source_product_id=curah, unit_id=karung,
                           qty="0"), "qty"),
        (lambda: open_bulk(shop, user=kasir, source_product_id=curah, unit_id=karung,
                           qty="-1"), "qty"),
        (lambda: open_bulk(shop, user=kasir, source_product_id=curah, unit_id=karung,
                           qty="0,5"), "qty"),
        (lambda: open_bulk(shop, user=kasir, source_product_id=curah, unit_id=karung,
                           qty="100000"), "qty"),
        (lambda: open_bulk(shop, user=kasir, source_product_id=bag, target_product_id=curah),
         "content"),
        (lambda: open_bulk(shop, user=kasir, source_product_id=bag, target_product_id=curah,
                           content="abc"), "content"),
        (lambda: open_bulk(shop, user=kasir, source_product_id=bag, target_product_id=curah,
                           content="5", qty="1000"), "qty"),       # more bags than in stock
    ):
        assert refused(shop, snapshot, call).field == field
    refused(shop, snapshot, lambda: open_bulk(
        shop, user=user_by_role["pengawas"], source_product_id=curah, unit_id=karung),
        PermissionDenied)
    refused(shop, snapshot, lambda: open_bulk(
        shop, user=kasir, source_product_id="no-such-id", unit_id=karung), NotFound)
    set_archived(shop, user=manajer, product_id=curah, archived=True)
    assert refused(shop, snapshot, lambda: open_bulk(
        shop, user=kasir, source_product_id=bag, target_product_id=curah,
        content="5")).field == "target"
    assert refused(shop, snapshot, lambda: open_bulk(
        shop, user=kasir, source_product_id=curah, unit_id=karung)).field == "source"


def test_closing_needs_a_manager_an_open_sack_and_a_sane_remainder(
        shop, kasir, manajer, clock, snapshot):
    curah = pid(shop, "Beras Curah Medium")
    with clock.step():
        bulk = open_bulk(shop, user=kasir, source_product_id=curah,
                         unit_id=unit_id(shop, "Beras Curah Medium", "karung"))
    refused(shop, snapshot, lambda: close_bulk(shop, user=kasir, bulk_id=bulk.id),
            PermissionDenied)
    for remaining in ("-1", "abc", None, 2.5, "99999999"):
        refused(shop, snapshot, lambda r=remaining: close_bulk(
            shop, user=manajer, bulk_id=bulk.id, remaining=r))
    refused(shop, snapshot, lambda: close_bulk(shop, user=manajer, bulk_id="no-such-id"),
            NotFound)
    with clock.step():
        close_bulk(shop, user=manajer, bulk_id=bulk.id, remaining="50")
    refused(shop, snapshot, lambda: close_bulk(shop, user=manajer, bulk_id=bulk.id),
            match=bulk.number)


# --- the susut report -------------------------------------------------------------------


def test_the_susut_report_adds_up_the_sacks_closed_in_the_period(
        shop, kasir, manajer, till, clock):
    curah = pid(shop, "Beras Curah Medium")
    karung = unit_id(shop, "Beras Curah Medium", "karung")
    susut_values = []
    for sold, left in ((10 * K, 39 * K), (20 * K, 29_500)):
        with clock.step():
            bulk = open_bulk(shop, user=kasir, source_product_id=curah, unit_id=karung)
        with clock.step():
            sell(shop, kasir, curah, sold)
        with clock.step():
            close_bulk(shop, user=manajer, bulk_id=bulk.id, remaining=left)
        susut_values.append(-shop.scalar(
            "SELECT value FROM stock_movements WHERE doc_id = ? AND kind = 'susut'", (bulk.id,)))
    day = local_date(clock.at, "WIB")
    [row] = susut_report(shop, day - timedelta(days=1), day + timedelta(days=1))
    # 2 sacks: 100 kg expected, 30 kg sold, 68,5 kg left: 1,5 kg susut = 1,50%.
    assert (row.name, row.bulks, row.expected, row.sold, row.remaining, row.susut) == (
        "Beras Curah Medium", 2, 100 * K, 30 * K, 68_500, 1500)
    assert (row.susut_bp, row.susut_percent) == (150, "1,50%")
    assert row.susut_value == sum(susut_values) > 0
    assert susut_report(shop, day + timedelta(days=1), day + timedelta(days=2)) == []
    with pytest.raises(UserError):
        susut_report(shop, day, day - timedelta(days=1))


# --- everything at once ---------------------------------------------------------------------


#: The goods the day turns around, and the packs it opens: (source, unit, target, content).
POOL = ("Beras Curah Medium", "Mie Instan Goreng", "Beras Medium 5 kg", "Gula Pasir Curah")
OPENINGS = (
    ("Beras Curah Medium", "karung", None, None),
    ("Mie Instan Goreng", "dus", None, None),
    ("Gula Pasir Curah", "karung", None, None),
    ("Beras Medium 5 kg", None, "Beras Curah Medium", "5"),
)


def test_after_any_mix_of_sales_returns_counts_write_offs_and_break_bulk_the_books_balance(
        demo_template):
    users = demo_template.users
    kasir, manajer = users["kasir"], users["manajer"]
    workdir = Path(tempfile.mkdtemp(prefix="stock-ops-"))

    class Shop(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.path = workdir / f"shop-{id(self)}.db"
            shutil.copy(demo_template.path, self.path)
            self.db = open_db(self.path, create=False)
            self.clock = Clock()
            self.ids = {name: pid(self.db, name) for name in POOL}
            self.products = {i: get_product(self.db, i) for i in self.ids.values()}
            self.expected = {i: stock.on_hand(self.db, i) for i in self.ids.values()}
            self.start_value = sum(stock.balance(self.db, i).value for i in self.ids.values())
            # The demo's history is in the past; everything this machine does comes after.
            self.began = to_iso(self.clock.at)
            self.sales: list[str] = []
            self.line_bulk: dict[str, str] = {}      # sale line → the open sack it came from
            self.bulks: dict[str, dict] = {}         # open sacks: id → model
            self.count_id: str | None = None
            self.counted: dict[str, tuple[int, int]] = {}   # product → (counted, book then)

        def teardown(self):
            self.db.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)

        def fingerprint(self):
            return tuple(self.db.scalar(f"SELECT count(*) FROM {t}") for t in (
                "stock_movements", "sales", "writeoffs", "bulk_opens", "audit_log",
                "stock_count_lines")) + (
                tuple(map(tuple, self.db.query("SELECT * FROM stock_balances ORDER BY 1"))),
                tuple(map(tuple, self.db.query("SELECT * FROM doc_sequences ORDER BY 1, 2"))))

        @initialize()
        def open_the_till(self):
            with self.clock.step():
                open_shift(self.db, user=kasir, till=TILL, opening_float=100_000)

        def _open_bulk_on(self, product_id: str):
            return next((b for b in self.bulks.values() if b["target"] == product_id), None)

        @rule(data=st.data(), amount=st.integers(1, 12_000), pack=st.booleans())
        def sell(self, data, amount, pack):
            # Goods from an open sack sell more often, as they do in a shop.
            opened = [b["target"] for b in self.bulks.values()] * 2
            product = self.products[data.draw(st.sampled_from(
                [*self.ids.values(), *opened]), label="product")]
            with self.clock.step():
                if pack and product.units:
                    unit = product.units[0]
                    cart = scan(self.db, Cart(), unit.barcodes[0])
                else:
                    qty = amount if product.fractional else (amount // 3000 + 1) * K
                    cart = add_product(self.db, Cart(), product.id, qty=qty)
                sale = complete_sale(self.db, user=kasir, till=TILL, cart=cart,
                                     payments=[PaymentInput("cash", cart.total)])
            line = self.db.one("SELECT * FROM sale_lines WHERE sale_id = ?", (sale.sale_id,))
            self.expected[product.id] -= line["base_qty"]
            bulk = self._open_bulk_on(product.id)
            if bulk and line["factor"] < bulk["factor"]:
                bulk["sold"] += line["base_qty"]
                self.line_bulk[line["id"]] = bulk["id"]
            self.sales.append(sale.sale_id)

        @precondition(lambda self: self.sales)
        @rule(data=st.data())
        def give_back(self, data):
            # Mostly a recent sale: goods come back soon, while their sack is still open.
            sale_id = data.draw(st.sampled_from(self.sales[-3:]), label="sale")
            line = self.db.one("SELECT * FROM sale_lines WHERE sale_id = ?", (sale_id,))
            returned = -self.db.scalar("SELECT coalesce(sum(qty), 0) FROM sale_lines"
                                       " WHERE original_line_id = ?", (line["id"],))
            left = line["qty"] - returned
            step = 1 if line["factor"] == K and self.products[line["product_id"]].fractional \
                else K
            if left < step:
                return
            qty = data.draw(st.integers(1, left // step), label="back") * step
            with self.clock.step():
                result = return_items(self.db, user=kasir, till=TILL, sale_id=sale_id,
                                      quantities={line["id"]: qty}, reason="Retur",
                                      supervisor=manajer)
            base = -self.db.scalar("SELECT base_qty FROM sale_lines WHERE sale_id = ?",
                                   (result.sale_id,))
            self.expected[line["product_id"]] += base
            bulk = self.bulks.get(self.line_bulk.get(line["id"], ""))
            if bulk:
                bulk["sold"] -= base

        @rule(which=st.sampled_from(POOL), amount=st.integers(1, 5_000),
              kind=st.sampled_from(("rusak", "kedaluwarsa", "hilang")))
        def write_off(self, which, amount, kind):
            product = self.products[self.ids[which]]
            qty = amount if product.fractional else (amount // 1000 + 1) * K
            with self.clock.step():
                done = write_off(self.db, user=kasir, product_id=product.id, qty=qty,
                                 reason_kind=kind, approver=manajer)
            assert done.qty == qty
            self.expected[product.id] -= qty

        @precondition(lambda self: self.count_id is None)
        @rule()
        def open_a_count(self):
            with self.clock.step():
                self.count_id = open_count(self.db, user=kasir).id
            self.counted = {}

        @precondition(lambda self: self.count_id is not None)
        @rule(which=st.sampled_from(POOL), delta=st.integers(-5_000, 5_000))
        def count(self, which, delta):
            product = self.products[self.ids[which]]
            if not product.fractional:
                delta = delta // K * K
            book = stock.on_hand(self.db, product.id)
            counted = max(book + delta, 0)
            if not product.fractional:
                counted -= counted % K
            with self.clock.step():
                line = count_item(self.db, user=kasir, count_id=self.count_id,
                                  product_id=product.id, qty=counted)
            assert (line.counted_qty, line.counted_book_qty) == (counted, book)
            self.counted[product.id] = (counted, book)

        @precondition(lambda self: self.count_id is not None)
        @rule()
        def post_the_count(self):
            with self.clock.step():
                result = post_count(self.db, user=kasir, count_id=self.count_id,
                                    approver=manajer)
            for product_id, (counted, book) in self.counted.items():
                self.expected[product_id] += counted - book
            assert result.adjusted == sum(c != b for c, b in self.counted.values())
            self.count_id = None

        @rule(opening=st.sampled_from(OPENINGS))
        def open_a_pack(self, opening):
            source_name, unit, target_name, content = opening
            source = self.ids[source_name]
            target = self.ids[target_name] if target_name else source
            unit = unit_id(self.db, source_name, unit) if unit else None
            short = target != source and stock.on_hand(self.db, source) < K
            call = lambda: open_bulk(self.db, user=kasir, source_product_id=source,  # noqa: E731
                                     unit_id=unit, target_product_id=target, content=content)
            if self._open_bulk_on(target) or short:
                before = self.fingerprint()
                with pytest.raises(UserError):
                    call()
                assert self.fingerprint() == before
                return
            with self.clock.step():
                bulk = call()
            if target != source:
                self.expected[source] -= K
                self.expected[target] += bulk.expected_qty
            self.bulks[bulk.id] = {"id": bulk.id, "target": target, "sold": 0,
                                   "factor": bulk.unit_factor, "expected": bulk.expected_qty}

        @precondition(lambda self: self.bulks)
        @rule(data=st.data())
        def close_a_pack(self, data):
            bulk = self.bulks.pop(data.draw(st.sampled_from(sorted(self.bulks)), label="pack"))
            fractional = self.products[bulk["target"]].fractional
            left = data.draw(st.integers(0, bulk["expected"] // (1 if fractional else K)),
                             label="left") * (1 if fractional else K)
            with self.clock.step():
                closed = close_bulk(self.db, user=manajer, bulk_id=bulk["id"], remaining=left)
            susut = bulk["expected"] - bulk["sold"] - left
            assert (closed.sold_qty, closed.susut_qty) == (bulk["sold"], susut)
            if susut > 0:
                self.expected[bulk["target"]] -= susut

        @invariant()
        def ledgers_equal_balances_and_the_model(self):
            assert stock.ledger_mismatches(self.db) == []
            assert stock.ledger_mismatches(self.db, "value") == []
            for product_id, qty in self.expected.items():
                assert stock.on_hand(self.db, product_id) == qty

        @invariant()
        def no_rupiah_of_stock_value_is_made_or_lost(self):
            db, ids = self.db, tuple(self.ids.values())
            marks = ",".join("?" * len(ids))
            now = sum(stock.balance(db, i).value for i in ids)
            # What left, by the documents' own figures: the cost on the sale lines (net of
            # returns), the write-offs; and what the counts and susut moved.
            cogs = db.scalar(f"SELECT coalesce(sum(l.cost), 0) FROM sale_lines l JOIN sales s"
                             f" ON s.id = l.sale_id WHERE l.product_id IN ({marks})"
                             " AND s.created_at > ?", (*ids, self.began))
            written_off = db.scalar(f"SELECT coalesce(sum(value), 0) FROM writeoffs"
                                    f" WHERE product_id IN ({marks})", ids)
            moved = dict(db.query(
                f"SELECT kind, sum(value) FROM stock_movements WHERE product_id IN ({marks})"
                " AND kind IN ('count', 'susut', 'breakbulk') AND created_at > ?"
                " GROUP BY kind", (*ids, self.began)))
            assert now + cogs + written_off == (self.start_value + moved.get("count", 0)
                                                + moved.get("susut", 0)
                                                + moved.get("breakbulk", 0))
            # Opening one product into another moves value, never makes it.
            assert moved.get("breakbulk", 0) == 0
            # The views read the same balances.
            rows = {r.id: r for r in stock_on_hand(db) if r.id in ids}
            for i in ids:
                held = stock.balance(db, i)
                assert (rows[i].qty, rows[i].value) == (held.qty, held.value)
                assert rows[i].average_cost == stock.average_cost(
                    held, db.scalar("SELECT cost FROM products WHERE id = ?", (i,)))

    try:
        run_state_machine_as_test(
            Shop, settings=settings(max_examples=80, stateful_step_count=30, deadline=None))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def test_a_day_of_the_machine_reads_like_the_shop(shop, kasir, manajer, till, clock):
    """One path through the machine by hand, so its figures are easy to check."""
    curah = pid(shop, "Beras Curah Medium")
    start = stock.on_hand(shop, curah)
    with clock.step():
        bulk = open_bulk(shop, user=kasir, source_product_id=curah,
                         unit_id=unit_id(shop, "Beras Curah Medium", "karung"))
    with clock.step():
        sale = sell(shop, kasir, curah, 7 * K)
    with clock.step():
        give_back(shop, kasir, manajer, sale, 2 * K)
    with clock.step():
        write_off(shop, user=kasir, product_id=curah, qty="1", reason_kind="rusak",
                  approver=manajer)
    with clock.step():
        count = open_count(shop, user=kasir, scope="category", scope_value="Beras")
    with clock.step():
        count_item(shop, user=kasir, count_id=count.id, product_id=curah,
                   qty=start - 7 * K + 2 * K - K - 500)
    with clock.step():
        post_count(shop, user=kasir, count_id=count.id, approver=manajer)
    with clock.step():
        closed = close_bulk(shop, user=manajer, bulk_id=bulk.id, remaining="44")
    # Sold 7 − 2 = 5 kg from the sack, 44 kg left: 1 kg susut.
    assert (closed.sold_qty, closed.susut_qty) == (5 * K, K)
    assert stock.on_hand(shop, curah) == start - 5 * K - K - 500 - K
    assert stock.ledger_mismatches(shop) == [] and stock.ledger_mismatches(shop, "value") == []
