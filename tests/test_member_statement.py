"""A member's account read as the treasurer reads it to them: the bon with a running balance
and its age, the savings by kind, and the purchases that their SHU share is reckoned on.
Expected figures are worked out by hand from the story below; the demo shop's members are
checked against the ledgers and balance tables.

Sari joins on day 0 (Monday 2 March 2026) and pays her pokok; she takes bon of 100.000 on
day 0 and 50.000 on day 3, buys 27.500 in cash on day 5, brings back 10.000 of day 3's
goods on day 10, pays 60.000 off by transfer on day 20, takes 30.000 on bon on day 25
that is voided the same day, and 40.000 on day 40. Wajib for March and April on day 1 and
May on day 35; 200.000 into sukarela on day 15, 75.000 out on day 30.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from app.models import member_money, members
from app.models.cart import Cart, add_product, set_member
from app.models.clock import frozen_clock, zone
from app.models.errors import NotFound, UserError
from app.models.member_statement import (
    credit_statement,
    member_history,
    purchases_total,
    savings_statement,
)
from app.models.money import QTY_SCALE as K
from app.models.products import ProductInput, create_product
from app.models.returns import return_items, void_sale
from app.models.sales import PaymentInput, complete_sale, returnable_lines
from app.models.shifts import open_shift

TILL = "KASIR-1"
DAY0 = date(2026, 3, 2)
WIB = zone("WIB")


def at(day: int, hour: int = 10, minute: int = 0):
    return frozen_clock(datetime.combine(DAY0 + timedelta(days=day), time(hour, minute), WIB))


def day(n: int) -> date:
    return DAY0 + timedelta(days=n)


@pytest.fixture
def story(shop, manajer, kasir, bendahara):
    with at(0, 7):
        paket = create_product(shop, user=manajer, data=ProductInput(
            name="Paket Sembako Uji", base_unit="pcs", price=10_000, cost=8_000,
            opening_stock=500 * K))
        gula = create_product(shop, user=manajer, data=ProductInput(
            name="Gula Pasir Uji 1 kg", base_unit="pcs", price=17_500, cost=15_000,
            opening_stock=50 * K))
    with at(0, 7, 30):
        open_shift(shop, user=kasir, till=TILL, opening_float="100.000")
    with at(0, 8):
        sari = members.create_member(shop, user=bendahara, name="Sari Uji Rekening",
                                     nik="1871034101900001", phone="081234567890",
                                     credit_limit=500_000, village="Sukamaju")
        member_money.deposit(shop, user=bendahara, member_id=sari.id, kind="pokok")

    def sell(on: int, amount: int, method: str = "bon", extra=(), hour: int = 10):
        with at(on, hour):
            cart = add_product(shop, Cart(), paket.id, qty=amount // 10_000 * K)
            for product in extra:
                cart = add_product(shop, cart, product.id)
            cart = set_member(cart, members.get_member(shop, sari.id))
            return complete_sale(shop, user=kasir, till=TILL, cart=cart,
                                 payments=[PaymentInput(method, cart.total)])

    sales = {"A": sell(0, 100_000)}
    with at(1, 9):
        member_money.deposit(shop, user=bendahara, member_id=sari.id, kind="wajib", months=2)
    sales["B"] = sell(3, 50_000)
    sales["cash"] = sell(5, 10_000, "cash", extra=(gula,))
    [line] = returnable_lines(shop, sales["B"].sale_id)
    with at(10):
        sales["return"] = return_items(shop, user=kasir, till=TILL, sale_id=sales["B"].sale_id,
                                       quantities={line.line_id: K}, reason="Kemasan rusak",
                                       supervisor=manajer)
    with at(15):
        member_money.deposit(shop, user=bendahara, member_id=sari.id, kind="sukarela",
                             amount=200_000)
    with at(20):
        paid = member_money.repay_credit(shop, user=bendahara, member_id=sari.id,
                                         amount=60_000, method="transfer", reference="BRI-778")
    sales["C"] = sell(25, 30_000)
    with at(25, 11):
        sales["void"] = void_sale(shop, user=kasir, till=TILL, sale_id=sales["C"].sale_id,
                                  reason="Salah anggota", supervisor=manajer)
    with at(30):
        member_money.withdraw(shop, user=bendahara, member_id=sari.id, amount=75_000)
    with at(35):
        member_money.deposit(shop, user=bendahara, member_id=sari.id, kind="wajib", months=1)
    sales["D"] = sell(40, 40_000)
    numbers = {key: shop.scalar("SELECT number FROM sales WHERE id = ?", (s.sale_id,))
               for key, s in sales.items()}
    return sari, numbers, paid


# --- bon ----------------------------------------------------------------------------------


def test_the_bon_statement_runs_from_the_opening_balance_through_each_document(shop, story):
    sari, numbers, paid = story
    with at(45, 12):
        found = credit_statement(shop, sari.id, day(4), day(40))
    assert found.opening == 150_000             # A and B, before the period
    got = [(ln.day, ln.number, ln.charge, ln.payment, ln.balance) for ln in found.lines]
    assert got == [
        (day(10), numbers["return"], 0, 10_000, 140_000),
        (day(20), paid.number, 0, 60_000, 80_000),
        (day(25), numbers["C"], 30_000, 0, 110_000),
        (day(25), numbers["void"], 0, 30_000, 80_000),
        (day(40), numbers["D"], 40_000, 0, 120_000),
    ]
    descriptions = [ln.description for ln in found.lines]
    assert numbers["B"] in descriptions[0] and "Retur" in descriptions[0]
    assert "Transfer" in descriptions[1] and "BRI-778" in descriptions[1]
    assert numbers["C"] in descriptions[3] and "Pembatalan" in descriptions[3]
    assert (found.charges, found.payments, found.closing) == (70_000, 100_000, 120_000)


def test_the_bon_left_is_aged_on_the_last_day_the_oldest_paid_first(shop, story):
    sari, _numbers, _paid = story
    with at(45, 12):
        found = credit_statement(shop, sari.id, day(4), day(40))
    # Credits of 10.000, 60.000 and 30.000 paid day 0's 100.000 off; day 3's 50.000 is 37
    # days old on day 40, day 25's 30.000 15 days, day 40's 40.000 is current.
    assert found.buckets == {"current": 40_000, "d30": 30_000, "d60": 50_000, "d90": 0,
                             "over90": 0}
    assert sum(found.buckets.values()) == found.closing


def test_without_a_period_the_statement_ends_at_the_members_balance_today(shop, story):
    sari, numbers, _paid = story
    with at(45, 12):
        found = credit_statement(shop, sari.id, None, None)
        member = members.get_member(shop, sari.id)
    assert found.opening == 0 and found.period.first is None and found.period.last == day(45)
    assert found.closing == member.balance == 120_000
    assert [ln.number for ln in found.lines][:2] == [numbers["A"], numbers["B"]]
    assert found.lines[-1].balance == found.closing


def test_two_periods_back_to_back_join_at_their_balances(shop, story):
    sari, _numbers, _paid = story
    with at(45, 12):
        first = credit_statement(shop, sari.id, day(0), day(19))
        second = credit_statement(shop, sari.id, day(20), day(45))
        whole = credit_statement(shop, sari.id, day(0), day(45))
    assert first.closing == second.opening == 140_000
    assert len(first.lines) + len(second.lines) == len(whole.lines)
    assert second.closing == whole.closing


def test_every_demo_member_s_statement_closes_at_their_balances(shop):
    ids = [r[0] for r in shop.query("SELECT id FROM members")]
    assert len(ids) > 10
    for member_id in ids:
        member = members.get_member(shop, member_id)
        bon = credit_statement(shop, member_id, None, None)
        assert bon.closing == member.balance == sum(bon.buckets.values())
        held = member_money.balances(shop, member_id)
        savings = savings_statement(shop, member_id, None, None)
        assert {a.kind: a.closing for a in savings.accounts} == held


# --- savings ------------------------------------------------------------------------------


def test_the_savings_statement_keeps_a_balance_for_each_kind(shop, story):
    sari, _numbers, _paid = story
    with at(45, 12):
        found = savings_statement(shop, sari.id, day(4), day(40))
    pokok, wajib, sukarela = found.accounts
    assert (pokok.kind, pokok.opening, pokok.lines, pokok.closing) == ("pokok", 100_000, (),
                                                                       100_000)
    assert wajib.opening == 20_000
    assert [(ln.day, ln.period, ln.paid_in, ln.balance) for ln in wajib.lines] == [
        (day(35), "2026-05", 10_000, 30_000)]
    assert [(ln.day, ln.paid_in, ln.paid_out, ln.balance, ln.method)
            for ln in sukarela.lines] == [(day(15), 200_000, 0, 200_000, "cash"),
                                          (day(30), 0, 75_000, 125_000, "cash")]
    assert found.closing == 100_000 + 30_000 + 125_000
    assert all(ln.number.startswith("KDMP") for a in found.accounts for ln in a.lines)
    assert found.wajib_unpaid == ()          # March to May paid, the period ends in April
    assert found.wajib_paid_to == "2026-05"


def test_wajib_months_unpaid_run_from_joining_to_the_last_day(shop, story):
    sari, _numbers, _paid = story
    with at(100, 12):                       # 10 June 2026
        found = savings_statement(shop, sari.id, None, None)
    assert found.wajib_unpaid == ("2026-06",)
    assert {a.kind: a.closing for a in found.accounts} == member_money.balances(shop, sari.id)


# --- purchases ----------------------------------------------------------------------------


def test_the_purchase_history_lists_every_receipt_and_nets_returns_and_voids(shop, story):
    sari, numbers, _paid = story
    with at(45, 12):
        rows = member_history(shop, sari.id, day(0), day(45))
        net = purchases_total(shop, sari.id, day(0), day(45))
    got = [(r.number, r.kind, r.total, r.on_bon, r.methods, r.items) for r in rows]
    assert got == [
        (numbers["A"], "sale", 100_000, 100_000, ("bon",), 1),
        (numbers["B"], "sale", 50_000, 50_000, ("bon",), 1),
        (numbers["cash"], "sale", 27_500, 0, ("cash",), 2),
        (numbers["return"], "return", -10_000, -10_000, ("bon",), 1),
        (numbers["C"], "sale", 30_000, 30_000, ("bon",), 1),
        (numbers["void"], "void", -30_000, -30_000, ("bon",), 1),
        (numbers["D"], "sale", 40_000, 40_000, ("bon",), 1),
    ]
    assert rows[3].original_number == numbers["B"] and rows[5].original_number == numbers["C"]
    assert not rows[2].on_credit and rows[0].on_credit
    assert net == sum(r.total for r in rows) == 207_500


def test_the_purchase_history_keeps_to_its_period(shop, story):
    sari, numbers, _paid = story
    with at(45, 12):
        rows = member_history(shop, sari.id, day(5), day(10))
        assert purchases_total(shop, sari.id, day(5), day(10)) == 17_500
    assert [r.number for r in rows] == [numbers["cash"], numbers["return"]]
    assert [r.day for r in rows] == [day(5), day(10)]


# --- refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize("read", [credit_statement, savings_statement, member_history,
                                  purchases_total])
def test_an_unknown_member_is_not_found(shop, read):
    with pytest.raises(NotFound):
        read(shop, "no-such-member", None, None)


@pytest.mark.parametrize("read", [credit_statement, savings_statement, member_history,
                                  purchases_total])
@pytest.mark.parametrize(("first", "last", "field"), [
    (day(10), day(5), "date_from"),          # reversed
    (day(0), day(46), "date_to"),            # ends tomorrow
    (day(46), None, "date_from"),            # starts tomorrow, ends today
    ("2026-03-01", day(5), "date_from"),     # not a day
    (day(0), 20260305, "date_to"),
])
def test_a_period_reversed_in_the_future_or_not_of_days_is_refused(shop, story, read, first,
                                                                   last, field):
    sari, _numbers, _paid = story
    with at(45, 12), pytest.raises(UserError) as refused:
        read(shop, sari.id, first, last)
    assert refused.value.field == field
    assert not isinstance(refused.value, NotFound)
