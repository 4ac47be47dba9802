"""The demo shop's consignment: a month of a dozen Lampung producers' goods at the till,
taken in, sold, brought back, counted, settled twice and paid — made by ``gerai demo`` as
``make run`` makes it (30 days), and checked through the domain and the ledgers."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import ean

from app.cli import run
from app.models import consignment_settlement as settlement
from app.models import consignment_stock
from app.models.check import run_checks
from app.models.clock import local_date
from app.models.consignors import list_consignors
from app.models.db import Database, open_db
from app.models.demo import STAPLES, build_demo
from app.models.demo_consignment import (
    GOODS,
    MIN_DAYS,
    NEAR_EXPIRY_DAYS,
    catalog_share,
    period_ends,
    settlement_ends,
)
from app.models.money import QTY_SCALE as K
from app.models.product_search import count_products
from app.models.settings import get_settings
from app.models.stock_views import day_bounds

DAYS = 30   # the demo's default length


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Database:
    """``gerai demo`` with its default history (a month) and a smaller catalog; read only."""
    path = tmp_path_factory.mktemp("demo-consignment") / "shop.db"
    assert run(["demo", "--db", str(path), "--products", "100", "--seed", "1"]) == 0
    db = open_db(path, create=False)
    yield db
    db.close()


def zone(db: Database) -> str:
    return get_settings(db).zone


# --- who and what ---------------------------------------------------------------------------


def test_a_dozen_lampung_producers_leave_their_goods(demo):
    producers = list_consignors(demo)
    assert len(producers) >= 10
    assert all(p.village and p.phone for p in producers)
    assert {p.terms for p in producers} == {"percent", "fixed"}
    assert {p.period for p in producers} == {"weekly", "biweekly", "monthly"}
    assert {p.loss_policy for p in producers} == {"shop", "producer"}
    assert all(1000 <= p.commission_bp <= 2000 for p in producers if p.terms == "percent")
    transfer = [p for p in producers if p.pay_method == "transfer"]
    assert transfer and all(p.bank_name and p.bank_account for p in transfer)
    assert {"BRI", "BNI", "Bank Lampung"} <= {p.bank_name for p in transfer}


def test_the_umkm_goods_are_consigned_and_scan_at_the_till(demo):
    goods = demo.query("SELECT p.id, p.category, p.price, b.code FROM products p"
                       " JOIN barcodes b ON b.product_id = p.id WHERE p.consigned = 1")
    assert 20 <= len(goods) <= 30
    assert {g["category"] for g in goods} == {"UMKM - Makanan", "UMKM - Minuman",
                                              "UMKM - Kerajinan"}
    assert all(g["code"].startswith("2990") and ean.is_valid(g["code"]) for g in goods)
    # The producers' goods are part of the catalog the command was asked for, never in
    # the shop's own stock ledger.
    assert count_products(demo, include_archived=True) == 100
    assert demo.scalar("SELECT count(*) FROM stock_movements m JOIN products p"
                       " ON p.id = m.product_id WHERE p.consigned = 1") == 0
    assert max(g["price"] for g in goods) >= 300_000          # a tapis selendang


# --- intakes, the till, returns and the count -------------------------------------------


def test_producers_bring_goods_every_week_or_two_with_dates_ahead(demo):
    intakes = Counter(r[0] for r in demo.query(
        "SELECT consignor_id FROM consignment_intakes"))
    assert len(intakes) >= 10 and min(intakes.values()) >= 2
    for batch in consignment_stock.batches(demo):
        taken_in = local_date(batch.intake_at, zone(demo))
        assert batch.batch_code
        if batch.expires_on is None:       # only the woven tapis keeps forever
            assert "Tapis" in batch.product_name
            continue
        produced, expires = (date.fromisoformat(d) for d in (batch.produced_on,
                                                               batch.expires_on))
        assert produced <= taken_in
        assert 60 <= (expires - taken_in).days <= 366


def test_consigned_goods_sell_a_few_a_day_keripik_and_kopi_most(demo):
    sold = Counter()
    for name, qty in demo.query(
            "SELECT p.name, -sum(m.qty) FROM consignment_movements m"
            " JOIN products p ON p.id = m.product_id WHERE m.kind = 'sale' GROUP BY p.id"):
        sold[name] = qty // K
    per_day = sum(sold.values()) / DAYS
    assert 5 <= per_day <= 30
    top = [name for name, _qty in sold.most_common(4)]
    assert any(name.startswith("Keripik Pisang") for name in top)
    assert any(name.startswith("Kopi") for name in top)
    # Sold with the rest of a customer's basket, not alone.
    mixed = demo.scalar("SELECT count(*) FROM sales s WHERE EXISTS (SELECT 1 FROM sale_lines l"
                        " JOIN products p ON p.id = l.product_id WHERE l.sale_id = s.id"
                        " AND p.consigned = 1) AND EXISTS (SELECT 1 FROM sale_lines l"
                        " JOIN products p ON p.id = l.product_id WHERE l.sale_id = s.id"
                        " AND p.consigned = 0)")
    assert mixed > DAYS


def test_a_keripik_of_two_producers_sells_the_oldest_batch_first(demo):
    """Replaying the ledger of each product two producers make: every sale takes from the
    oldest batches still on the shelf, whoever made them, and some sale lines take from both
    producers at once."""
    shared = [r[0] for r in demo.query(
        "SELECT product_id FROM consignment_batches GROUP BY product_id"
        " HAVING count(DISTINCT consignor_id) > 1")]
    assert shared
    across = 0
    for product_id in shared:
        order = {r[0]: n for n, r in enumerate(demo.query(
            "SELECT id FROM consignment_batches WHERE product_id = ?"
            " ORDER BY created_at, id", (product_id,)))}
        on_hand: dict[str, int] = defaultdict(int)
        sellers = set()
        rows = demo.query("SELECT batch_id, consignor_id, kind, qty, sale_line_id"
                          " FROM consignment_movements WHERE product_id = ? ORDER BY rowid",
                          (product_id,))
        n = 0
        while n < len(rows):
            row = rows[n]
            if row["kind"] != "sale":
                on_hand[row["batch_id"]] += row["qty"]
                n += 1
                continue
            line = [r for r in rows[n:] if r["sale_line_id"] == row["sale_line_id"]]
            taken = sorted((order[r["batch_id"]], -r["qty"], r["batch_id"]) for r in line)
            newest = taken[-1][0]
            for batch_id, position in order.items():
                if position < newest:    # older batches: emptied by this line, or already
                    took = sum(q for _p, q, b in taken if b == batch_id)
                    assert on_hand[batch_id] == took, "an older batch was left on the shelf"
            for r in line:
                on_hand[r["batch_id"]] += r["qty"]
                sellers.add(r["consignor_id"])
            across += len({r["consignor_id"] for r in line}) > 1
            n += len(line)
        assert len(sellers) == 2
    assert across >= 1
    line_id = demo.scalar(
        "SELECT sale_line_id FROM consignment_movements WHERE kind = 'sale'"
        " GROUP BY sale_line_id HAVING count(DISTINCT consignor_id) > 1 LIMIT 1")
    assert len(consignment_stock.line_owners(demo, line_id)) == 2


def test_customers_bring_some_back_and_near_expiry_goods_go_back(demo):
    assert demo.scalar("SELECT count(*) FROM consignment_movements WHERE kind = 'sale_return'")
    returns = demo.query("SELECT r.id, r.created_at FROM consignment_returns r")
    assert returns
    for r in returns:
        day = local_date(r["created_at"], zone(demo))
        for expires in demo.query(
                "SELECT b.expires_on FROM consignment_movements m JOIN consignment_batches b"
                " ON b.id = m.batch_id WHERE m.doc_id = ?", (r["id"],)):
            assert (date.fromisoformat(expires[0]) - day).days <= NEAR_EXPIRY_DAYS


def test_one_count_finds_a_small_shortage(demo):
    assert demo.scalar("SELECT count(*) FROM consignment_counts") == 1
    short = demo.query("SELECT m.qty, m.due, c.loss_policy FROM consignment_movements m"
                       " JOIN consignors c ON c.id = m.consignor_id WHERE m.kind = 'count'")
    assert 1 <= len(short) <= 3 and all(r["qty"] == -K for r in short)
    # The shop pays a producer whose loss it bears; the other bears it himself.
    assert {(r["loss_policy"], r["due"] > 0) for r in short} == {("shop", True),
                                                                ("producer", False)}


# --- settlements and payments ---------------------------------------------------------------


def test_every_producer_is_settled_at_least_twice(demo):
    settled = Counter(s.consignor_id for s in settlement.list_settlements(demo))
    producers = list_consignors(demo)
    assert all(settled[p.id] >= 2 for p in producers)
    for p in producers:
        rows = sorted(settlement.list_settlements(demo, consignor_id=p.id),
                      key=lambda s: s.period_from)
        for before, after in zip(rows, rows[1:], strict=False):
            assert date.fromisoformat(after.period_from) == (
                date.fromisoformat(before.period_to) + timedelta(days=1))


def test_settled_movements_are_exactly_the_linked_ones(demo):
    for producer in list_consignors(demo):
        rows = settlement.list_settlements(demo, consignor_id=producer.id)
        last = max(date.fromisoformat(s.period_to) for s in rows)
        _start, until = day_bounds(demo, None, last)
        due_by_then = {r[0] for r in demo.query(
            "SELECT id FROM consignment_movements WHERE consignor_id = ?"
            f" AND kind IN {settlement.SETTLED_KINDS} AND created_at < ?", (producer.id, until))}
        linked = {r[0] for r in demo.query(
            "SELECT l.movement_id FROM consignment_settlement_lines l"
            " JOIN consignment_settlements s ON s.id = l.settlement_id"
            " WHERE s.consignor_id = ?", (producer.id,))}
        assert linked == due_by_then
        assert settlement.unsettled_due(demo, producer.id) == demo.scalar(
            "SELECT coalesce(sum(due), 0) FROM consignment_movements WHERE consignor_id = ?"
            f" AND kind IN {settlement.SETTLED_KINDS} AND created_at >= ?", (producer.id, until))
    assert demo.scalar(
        "SELECT count(*) FROM consignment_settlement_lines l JOIN consignment_movements m"
        " ON m.id = l.movement_id JOIN consignment_settlements s ON s.id = l.settlement_id"
        f" WHERE m.consignor_id <> s.consignor_id OR m.kind NOT IN {settlement.SETTLED_KINDS}"
    ) == 0
    assert demo.scalar("SELECT sum(due) FROM consignment_settlements") == demo.scalar(
        "SELECT sum(m.due) FROM consignment_settlement_lines l"
        " JOIN consignment_movements m ON m.id = l.movement_id")


def test_payments_never_exceed_the_settlements_and_two_are_left_owing(demo):
    owing = []
    for producer in list_consignors(demo):
        account = settlement.statement(demo, producer.id)
        assert all(line.balance >= 0 for line in account.lines)
        settled = sum(s.due for s in settlement.list_settlements(demo, consignor_id=producer.id))
        paid = demo.scalar("SELECT coalesce(sum(amount), 0) FROM consignor_payments"
                           " WHERE consignor_id = ?", (producer.id,))
        assert 0 < paid <= settled
        assert producer.balance == settled - paid == account.closing
        if producer.balance:
            owing.append(producer)
    assert 1 <= len(owing) <= 2
    references = [r[0] for r in demo.query(
        "SELECT reference FROM consignor_payments WHERE method = 'transfer'")]
    assert references and all(ref.startswith("TRF-") for ref in references)
    assert demo.scalar("SELECT count(*) FROM consignor_payments WHERE method = 'cash'")


def test_the_demo_passes_gerai_check(demo):
    assert consignment_stock.mismatches(demo) == []
    assert all(r.ok for p in list_consignors(demo) for r in consignment_stock.reconcile(demo, p.id))
    failed = [(r.name, r.detail) for r in run_checks(demo) if not r.ok]
    assert failed == []
    assert demo.scalar("SELECT count(*) FROM consignment_balances WHERE qty < 0") == 0


# --- the size of it -------------------------------------------------------------------------


def test_a_short_or_switched_off_demo_has_no_consignment(shop, tmp_path):
    assert list_consignors(shop, include_archived=True) == []      # the suite's 3-day shop
    db = open_db(tmp_path / "off.db")
    try:
        build_demo(db, products=60, days=MIN_DAYS, seed=2, consignment=False)
        assert list_consignors(db) == []
        assert count_products(db, include_archived=True) == 60
    finally:
        db.close()


def test_consigned_goods_take_half_of_what_the_staples_leave():
    staples = len(STAPLES)
    assert catalog_share(500, DAYS, staples) == len(GOODS)
    assert catalog_share(50, DAYS, staples) == 8
    assert catalog_share(staples, DAYS, staples) == 0
    assert catalog_share(500, MIN_DAYS - 1, staples) == 0


def test_periods_end_each_week_fortnight_or_month():
    first = date(2026, 10, 27)
    assert period_ends("weekly", first, date(2026, 11, 25)) == [
        date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)]
    assert period_ends("biweekly", first, date(2026, 11, 25)) == [
        date(2026, 11, 9), date(2026, 11, 23)]
    # Four days of October go with November; a month's history holds no second month end.
    assert period_ends("monthly", first, date(2027, 1, 25)) == [
        date(2026, 11, 30), date(2026, 12, 31)]
    assert settlement_ends("monthly", first, date(2026, 11, 25)) == [
        date(2026, 11, 10), date(2026, 11, 25)]
    assert settlement_ends("monthly", date(2026, 11, 1), date(2026, 11, 30)) == [
        date(2026, 11, 15), date(2026, 11, 30)]


@given(period=st.sampled_from(("weekly", "biweekly", "monthly")),
       first=st.dates(date(2024, 1, 1), date(2030, 12, 31)),
       length=st.integers(4, 400))
def test_any_history_of_a_few_days_settles_at_least_twice_in_order(period, first, length):
    last = first + timedelta(days=length)
    ends = settlement_ends(period, first, last)
    assert len(ends) >= 2
    assert ends == sorted(set(ends))
    assert first <= ends[0] and ends[-1] <= last
    assert set(period_ends(period, first, last)) <= set(ends)
