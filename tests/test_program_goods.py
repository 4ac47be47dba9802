"""Program goods: HET-capped staples sold only to members, within a quota per period.

A quota counts what a member bought in the shop's own day, ISO week or calendar month (WIB
in the demo shop), net of returns; a return counts against the period of the sale it
returns. The report lists program goods sold per member, flags any unit sold above its HET
and lists what was sold to no member.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.models.cart import Cart, add_product, scan, set_member
from app.models.check import run_checks
from app.models.clock import frozen_clock
from app.models.db import Database, open_db
from app.models.demo import build_demo
from app.models.errors import UserError, ValidationError
from app.models.members import create_member
from app.models.money import MAX_QTY, QTY_SCALE
from app.models.products import (
    ProductInput,
    UnitInput,
    create_product,
    get_product,
    parse_product_form,
    product_from_form,
    update_product,
)
from app.models.program_goods import (
    bought_in_period,
    cart_quota_problem,
    period_bounds,
    program_sales,
    program_sales_without_member,
    quota_problem,
    quota_status,
)
from app.models.returns import return_items
from app.models.sales import PaymentInput, complete_sale, returnable_lines
from app.models.shifts import open_shift

TILL = "KASIR-1"
K = QTY_SCALE
#: Wednesday 15 May 2030, 10:00 WIB: after the demo's history, in the middle of a week.
WEDNESDAY = datetime(2030, 5, 15, 3, 0, tzinfo=UTC)
LPG_CODE, SPHP_CODE, SPHP_KARUNG, MINYAK_CODE = (
    "8990000000013", "8990000000020", "8990000000037", "8990000000044")


def wib(year, month, day, hour, minute=0) -> datetime:
    """A moment on the shop's clock (WIB = UTC+7), as UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC) - timedelta(hours=7)


def lpg_input(**changes) -> ProductInput:
    """LPG 3 kg: HET Rp20.000 a cylinder, four cylinders per member per month."""
    return replace(ProductInput(
        name="LPG 3 kg Uji", brand="Pertamina", category="LPG", base_unit="tabung",
        price=20_000, cost=18_000, het=20_000, barcodes=(LPG_CODE,),
        opening_stock=500 * K, program="LPG 3 kg", quota_qty=4 * K, quota_period="month"),
        **changes)


@pytest.fixture
def lpg(shop, manajer):
    return create_product(shop, user=manajer, data=lpg_input())


@pytest.fixture
def sphp(shop, manajer):
    """SPHP rice by the kilo at its HET Rp12.500, a karung of 5 kg at Rp62.500; members may
    take 10 kg a week."""
    return create_product(shop, user=manajer, data=ProductInput(
        name="Beras SPHP Curah Uji", brand="Bulog", category="Beras", base_unit="kg",
        price=12_500, cost=11_800, het=12_500, barcodes=(SPHP_CODE,),
        units=(UnitInput("karung", 5 * K, 62_500, (SPHP_KARUNG,)),),
        opening_stock=500 * K, program="SPHP", quota_qty=10 * K, quota_period="week"))


@pytest.fixture
def minyak(shop, manajer):
    """A program good with a HET and no quota: anyone may buy it."""
    return create_product(shop, user=manajer, data=ProductInput(
        name="MinyaKita 1 L Uji", base_unit="pcs", price=15_700, cost=14_500, het=15_700,
        barcodes=(MINYAK_CODE,), opening_stock=100 * K, program="MinyaKita"))


@pytest.fixture
def parmi(shop, manajer):
    return create_member(shop, user=manajer, name="Parmi Wulandari")


@pytest.fixture
def joko(shop, manajer):
    return create_member(shop, user=manajer, name="Joko Susilo Uji")


@pytest.fixture
def shift(shop, kasir):
    with frozen_clock(WEDNESDAY - timedelta(days=60)):
        return open_shift(shop, user=kasir, till=TILL, opening_float=100_000)


def cart_for(db: Database, member, *items: tuple[str, int]) -> Cart:
    """A cart of (product id, base quantity) for ``member`` (None: no member)."""
    cart = Cart()
    for product_id, qty in items:
        cart = add_product(db, cart, product_id, qty=qty)
    return set_member(cart, member)


def sell(db, kasir, cart: Cart, at: datetime):
    with frozen_clock(at):
        return complete_sale(db, user=kasir, till=TILL, cart=cart,
                             payments=[PaymentInput("cash", cart.total)])


def refused(db, snapshot, call, match: str) -> UserError:
    before = snapshot(db)
    with pytest.raises(UserError, match=match) as caught:
        call()
    assert snapshot(db) == before
    return caught.value


# --- the product's program, quota and period ------------------------------------------------


def test_the_form_reads_a_program_a_quota_and_its_period(shop):
    data = parse_product_form({"name": "LPG 3 kg", "base_unit": "tabung", "price": "20.000",
                               "het": "20000", "program": "  LPG   3 kg ", "quota_qty": "4",
                               "quota_period": "week"})
    assert (data.program, data.quota_qty, data.quota_period) == ("LPG 3 kg", 4 * K, "week")
    loose = parse_product_form({"name": "Beras SPHP curah", "base_unit": "kg", "price": "12500",
                                "program": "SPHP", "quota_qty": "2,5"})
    assert (loose.quota_qty, loose.quota_period) == (2_500, "month")  # a month unless told
    plain = parse_product_form({"name": "Gula", "base_unit": "pcs", "price": "17500"})
    assert (plain.program, plain.quota_qty, plain.quota_period) == ("", None, "month")


def test_a_program_good_is_saved_edited_and_audited(shop, manajer):
    created = create_product(shop, user=manajer, data=product_from_form(shop, {
        "name": "LPG 3 kg Isi", "base_unit": "tabung", "price": "20000", "het": "20000",
        "program": "LPG 3 kg", "quota_qty": "4", "quota_period": "month"}))
    assert (created.program, created.quota_qty, created.quota_period) == (
        "LPG 3 kg", 4 * K, "month")
    edited = update_product(shop, user=manajer, product_id=created.id, data=product_from_form(
        shop, {"name": "LPG 3 kg Isi", "base_unit": "tabung", "price": "20000", "het": "20000",
               "program": "LPG 3 kg", "quota_qty": "1", "quota_period": "week"}, (), created.id))
    assert (edited.program, edited.quota_qty, edited.quota_period) == ("LPG 3 kg", K, "week")
    details = [json.loads(r["detail"]) for r in shop.query(
        "SELECT detail FROM audit_log WHERE entity_id = ? ORDER BY seq", (created.id,))]
    assert details[0]["program"] == [["", None, "month"], ["LPG 3 kg", 4 * K, "month"]]
    assert details[1]["program"] == [["LPG 3 kg", 4 * K, "month"], ["LPG 3 kg", K, "week"]]
    # Dropping the program and its quota makes it an ordinary good again.
    plain = update_product(shop, user=manajer, product_id=created.id, data=replace(
        lpg_input(barcodes=()), name="LPG 3 kg Isi", program="", quota_qty=None))
    assert (plain.program, plain.quota_qty) == ("", None)


@pytest.mark.parametrize(("form", "field", "says"), [
    ({"quota_qty": "4"}, "quota_qty", "isi dulu nama programnya"),
    ({"program": "LPG 3 kg", "quota_qty": "0"}, "quota_qty", "tidak boleh nol"),
    ({"program": "LPG 3 kg", "quota_qty": "-2"}, "quota_qty", "negatif"),
    ({"program": "LPG 3 kg", "quota_qty": "empat"}, "quota_qty", "tidak valid"),
    ({"program": "LPG 3 kg", "quota_qty": "1,5"}, "quota_qty", "bilangan bulat"),
    ({"program": "LPG 3 kg", "quota_qty": "99999999999"}, "quota_qty", "terlalu besar"),
    ({"program": "LPG 3 kg", "quota_qty": "2000000"}, "quota_qty", "terlalu besar"),
    ({"program": "LPG 3 kg", "quota_qty": "4", "quota_period": "year"}, "quota_period",
     "per hari, per minggu atau per bulan"),
    ({"program": "P" * 41}, "program", "terlalu panjang"),
])
def test_a_bad_program_or_quota_is_refused_at_its_field_and_writes_nothing(
        shop, manajer, snapshot, form, field, says):
    before = snapshot(shop)
    with pytest.raises(ValidationError) as refused_form:
        product_from_form(shop, {"name": "LPG 3 kg Isi", "base_unit": "tabung",
                                 "price": "20000", **form})
    [problem] = refused_form.value.problems
    assert problem.field == field and says in problem.message
    assert snapshot(shop) == before


@pytest.mark.parametrize(("changes", "field"), [
    ({"quota_qty": 0}, "quota_qty"),
    ({"quota_qty": -K}, "quota_qty"),
    ({"quota_qty": MAX_QTY + 1}, "quota_qty"),
    ({"quota_qty": 1_500}, "quota_qty"),          # half a cylinder
    ({"quota_qty": "4"}, "quota_qty"),            # text where thousandths belong
    ({"quota_qty": 4.0}, "quota_qty"),            # a float
    ({"quota_qty": True}, "quota_qty"),
    ({"program": "", "quota_qty": 4 * K}, "quota_qty"),
    ({"program": None}, "program"),
    ({"quota_period": "tahun"}, "quota_period"),
    ({"quota_period": None}, "quota_period"),
])
def test_bad_program_data_from_any_caller_is_refused_and_writes_nothing(
        shop, manajer, snapshot, changes, field):
    before = snapshot(shop)
    with pytest.raises(ValidationError) as caught:
        create_product(shop, user=manajer, data=lpg_input(**changes))
    assert field in {p.field for p in caught.value.problems}
    assert snapshot(shop) == before


def test_a_bad_quota_on_edit_is_refused_and_the_old_quota_stays(shop, manajer, lpg, snapshot):
    before = snapshot(shop)
    with pytest.raises(ValidationError):
        update_product(shop, user=manajer, product_id=lpg.id,
                       data=lpg_input(quota_qty=0))
    assert snapshot(shop) == before
    assert get_product(shop, lpg.id).quota_qty == 4 * K


# --- the quota at the till -----------------------------------------------------------------


def test_a_quota_good_without_a_member_is_refused_and_writes_nothing(
        shop, kasir, shift, lpg, snapshot):
    error = refused(shop, snapshot, lambda: sell(shop, kasir, cart_for(
        shop, None, (lpg.id, K)), WEDNESDAY), "hanya untuk anggota")
    assert error.message == "LPG 3 kg Uji hanya untuk anggota; pilih anggota (F7)."
    assert error.field == "member"


def test_a_member_buys_up_to_the_quota_and_not_one_more(
        shop, kasir, shift, lpg, parmi, snapshot):
    sell(shop, kasir, cart_for(shop, parmi, (lpg.id, 3 * K)), WEDNESDAY)
    later = WEDNESDAY + timedelta(hours=2)
    error = refused(shop, snapshot, lambda: sell(
        shop, kasir, cart_for(shop, parmi, (lpg.id, 2 * K)), later), "kuota")
    assert error.message == (
        "LPG 3 kg Uji: kuota 4 tabung per anggota per bulan. Parmi Wulandari sudah membeli"
        " 3 tabung, sisa 1 tabung; di keranjang 2 tabung.")
    assert error.field == "qty"
    sell(shop, kasir, cart_for(shop, parmi, (lpg.id, K)), later)
    status = quota_status(shop, parmi.id, lpg.id, at=later.isoformat())
    assert (status.bought, status.left) == (4 * K, 0)
    refused(shop, snapshot, lambda: sell(shop, kasir, cart_for(shop, parmi, (lpg.id, K)),
                                         later), "sisa 0 tabung")


def test_other_members_and_other_goods_are_not_held_back(
        shop, kasir, shift, lpg, parmi, joko, minyak):
    gula = shop.scalar("SELECT id FROM products WHERE name = 'Gula Pasir 1 kg'")
    sell(shop, kasir, cart_for(shop, parmi, (lpg.id, 4 * K)), WEDNESDAY)
    sell(shop, kasir, cart_for(shop, joko, (lpg.id, 4 * K), (gula, 9 * K)), WEDNESDAY)
    # A program good without a quota, and ordinary goods, need no member.
    sell(shop, kasir, cart_for(shop, None, (minyak.id, 30 * K), (gula, 2 * K)), WEDNESDAY)
    assert quota_problem(shop, None, minyak.id, 30 * K) is None
    assert quota_problem(shop, None, gula, K) is None


def test_packs_and_loose_lines_of_one_good_count_together(shop, kasir, shift, sphp, parmi,
                                                          snapshot):
    # Two karung of 5 kg are the week's 10 kg; one kilo more is refused, in any form.
    cart = set_member(scan(shop, scan(shop, Cart(), SPHP_KARUNG), SPHP_KARUNG), parmi)
    assert cart_quota_problem(shop, cart, at=WEDNESDAY.isoformat()) is None
    over = add_product(shop, cart, sphp.id, qty=500)
    message = cart_quota_problem(shop, over, at=WEDNESDAY.isoformat())
    assert message == ("Beras SPHP Curah Uji: kuota 10 kg per anggota per minggu. Parmi"
                       " Wulandari sudah membeli 0 kg, sisa 10 kg; di keranjang 10,5 kg.")
    refused(shop, snapshot, lambda: sell(shop, kasir, over, WEDNESDAY), "10,5 kg")
    sell(shop, kasir, cart, WEDNESDAY)
    start, end = period_bounds("week", WEDNESDAY.isoformat(), "WIB")
    assert bought_in_period(shop, member_id=parmi.id, product_id=sphp.id, start=start,
                            end=end) == 10 * K


def test_a_return_gives_the_quota_back_in_the_period_of_the_sale(
        shop, kasir, manajer, shift, lpg, parmi, snapshot):
    sale = sell(shop, kasir, cart_for(shop, parmi, (lpg.id, 4 * K)), wib(2030, 5, 20, 9))
    [line] = returnable_lines(shop, sale.sale_id)
    with frozen_clock(wib(2030, 5, 21, 9)):
        return_items(shop, user=kasir, till=TILL, sale_id=sale.sale_id,
                     quantities={line.line_id: K}, reason="Tabung bocor", supervisor=manajer)
    # Three of four this month: one more may go.
    assert quota_problem(shop, parmi.id, lpg.id, K, at=wib(2030, 5, 22, 9).isoformat()) is None
    assert "sisa 1 tabung" in quota_problem(shop, parmi.id, lpg.id, 2 * K,
                                            at=wib(2030, 5, 22, 9).isoformat())
    # A cylinder of May returned in June does not raise June's quota above four.
    sell(shop, kasir, cart_for(shop, parmi, (lpg.id, 4 * K)), wib(2030, 6, 1, 9))
    with frozen_clock(wib(2030, 6, 2, 9)):
        return_items(shop, user=kasir, till=TILL, sale_id=sale.sale_id,
                     quantities={line.line_id: K}, reason="Tabung bocor", supervisor=manajer)
    june = wib(2030, 6, 3, 9)
    assert quota_status(shop, parmi.id, lpg.id, at=june.isoformat()).bought == 4 * K
    refused(shop, snapshot, lambda: sell(shop, kasir, cart_for(shop, parmi, (lpg.id, K)), june),
            "sudah membeli 4 tabung")


@pytest.mark.parametrize(("period", "first_in", "last_in", "first_out"), [
    # 00:30 WIB is still the day before in UTC: the day follows the shop's clock.
    ("day", wib(2030, 5, 15, 0, 0), wib(2030, 5, 15, 23, 59), wib(2030, 5, 16, 0, 30)),
    # An ISO week runs from Monday morning to Sunday night.
    ("week", wib(2030, 5, 13, 0, 0), wib(2030, 5, 19, 23, 59), wib(2030, 5, 20, 0, 1)),
    # A month ends on its last day, also in a leap February.
    ("month", wib(2032, 2, 1, 0, 0), wib(2032, 2, 29, 23, 59), wib(2032, 3, 1, 0, 1)),
    ("month", wib(2030, 12, 1, 0, 0), wib(2030, 12, 31, 23, 0), wib(2031, 1, 1, 6, 0)),
])
def test_the_quota_period_ends_at_midnight_on_the_shops_clock(
        shop, manajer, kasir, shift, parmi, period, first_in, last_in, first_out, snapshot):
    product = create_product(shop, user=manajer, data=lpg_input(quota_qty=K,
                                                                quota_period=period))
    sell(shop, kasir, cart_for(shop, parmi, (product.id, K)), first_in)
    refused(shop, snapshot, lambda: sell(shop, kasir, cart_for(shop, parmi, (product.id, K)),
                                         last_in), "sisa 0 tabung")
    sell(shop, kasir, cart_for(shop, parmi, (product.id, K)), first_out)


def test_period_bounds_are_local_midnights_stored_in_utc():
    at = wib(2030, 5, 15, 0, 30).strftime("%Y-%m-%dT%H:%M:%S.000Z")  # Wednesday, WIB
    assert period_bounds("day", at, "WIB") == ("2030-05-14T17:00:00.000Z",
                                               "2030-05-15T17:00:00.000Z")
    assert period_bounds("week", at, "WIB") == ("2030-05-12T17:00:00.000Z",
                                                "2030-05-19T17:00:00.000Z")
    assert period_bounds("month", at, "WIT") == ("2030-04-30T15:00:00.000Z",
                                                 "2030-05-31T15:00:00.000Z")


def test_quota_problem_for_the_till(shop, kasir, shift, lpg, parmi, minyak):
    at = WEDNESDAY.isoformat()
    assert quota_problem(shop, parmi.id, lpg.id, 4 * K, at=at) is None
    assert "sisa 4 tabung; di keranjang 5 tabung" in quota_problem(shop, parmi.id, lpg.id,
                                                                   5 * K, at=at)
    assert "pilih anggota (F7)" in quota_problem(shop, None, lpg.id, K, at=at)
    assert quota_problem(shop, parmi.id, minyak.id, 10**6 * K, at=at) is None
    assert quota_status(shop, parmi.id, minyak.id) is None
    assert quota_problem(shop, "no-such-member", lpg.id, K, at=at) == "Anggota tidak ditemukan."


# --- the report ------------------------------------------------------------------------------


def test_the_report_lists_program_goods_per_member_with_totals(
        shop, kasir, manajer, shift, lpg, sphp, minyak, parmi, joko):
    sell(shop, kasir, cart_for(shop, parmi, (lpg.id, 2 * K), (minyak.id, 3 * K)),
         wib(2030, 5, 14, 9))
    sale = sell(shop, kasir, set_member(scan(shop, Cart(), SPHP_KARUNG), joko),
                wib(2030, 5, 15, 9))
    sell(shop, kasir, cart_for(shop, joko, (lpg.id, K)), wib(2030, 5, 15, 10))
    sell(shop, kasir, cart_for(shop, None, (minyak.id, K)), wib(2030, 5, 15, 11))
    [line] = returnable_lines(shop, sale.sale_id)
    with frozen_clock(wib(2030, 5, 15, 12)):
        return_items(shop, user=kasir, till=TILL, sale_id=sale.sale_id,
                     quantities={line.line_id: K}, reason="Karung sobek", supervisor=manajer)
    sell(shop, kasir, cart_for(shop, parmi, (lpg.id, K)), wib(2030, 5, 16, 9))  # after

    report = {p.name: p for p in program_sales(shop, date(2030, 5, 14), date(2030, 5, 15))}
    got = report["LPG 3 kg Uji"]
    assert (got.program, got.het, got.quota, got.quota_period) == (
        "LPG 3 kg", 20_000, 4 * K, "month")
    assert [(m.member_name, m.qty, m.amount, m.max_unit_price, m.above_het)
            for m in got.members] == [("Parmi Wulandari", 2 * K, 40_000, 20_000, False),
                                      ("Joko Susilo Uji", K, 20_000, 20_000, False)]
    assert [m.member_number for m in got.members] == sorted(m.member_number
                                                            for m in got.members)
    assert (got.qty, got.amount, got.without_member_qty, got.above_het) == (
        3 * K, 60_000, 0, False)
    # The karung came back the same day: net nothing, its price per kilo still shown.
    rice = report["Beras SPHP Curah Uji"]
    assert [(m.member_name, m.qty, m.amount, m.max_unit_price) for m in rice.members] == [
        ("Joko Susilo Uji", 0, 0, 12_500)]
    oil = report["MinyaKita 1 L Uji"]
    assert [(m.member_name, m.qty, m.amount) for m in oil.members] == [
        ("Parmi Wulandari", 3 * K, 47_100)]
    assert (oil.without_member_qty, oil.without_member_amount) == (K, 15_700)
    # Every program good of the demo shop is listed, bought or not; ordinary goods are not.
    assert "Gula Pasir 1 kg" not in report
    assert all(p.program for p in report.values())

    [alone] = program_sales_without_member(shop, date(2030, 5, 14), date(2030, 5, 16))
    assert (alone.name, alone.qty, alone.amount) == ("MinyaKita 1 L Uji", K, 15_700)


def test_the_report_flags_a_unit_sold_above_today_het(shop, kasir, manajer, shift, parmi):
    """Lines are refused above the HET at the till; a line sold before the product had a HET
    at a price above the one set later is what the flag catches."""
    tabung = create_product(shop, user=manajer, data=lpg_input(het=None, price=21_000))
    sell(shop, kasir, cart_for(shop, parmi, (tabung.id, K)), wib(2030, 5, 15, 9))
    with frozen_clock(wib(2030, 5, 15, 10)):
        update_product(shop, user=manajer, product_id=tabung.id,
                       data=lpg_input(het=20_000, price=20_000))
    sell(shop, kasir, cart_for(shop, parmi, (tabung.id, K)), wib(2030, 5, 15, 11))
    [row] = [p for p in program_sales(shop, date(2030, 5, 15), date(2030, 5, 15))
             if p.product_id == tabung.id]
    [member] = row.members
    assert (member.qty, member.amount, member.max_unit_price, member.above_het) == (
        2 * K, 41_000, 21_000, True)
    assert row.above_het and row.het == 20_000
    # The day after, only the sale at the HET: nothing to flag.
    sell(shop, kasir, cart_for(shop, parmi, (tabung.id, K)), wib(2030, 5, 16, 9))
    [after] = [p for p in program_sales(shop, date(2030, 5, 16), date(2030, 5, 16))
               if p.product_id == tabung.id]
    assert (after.max_unit_price, after.above_het) == (20_000, False)


def test_the_report_refuses_days_in_the_wrong_order(shop, snapshot):
    for call in (program_sales, program_sales_without_member):
        refused(shop, snapshot, lambda c=call: c(shop, date(2030, 5, 2), date(2030, 5, 1)),
                "sesudah")
        refused(shop, snapshot, lambda c=call: c(shop, "2030-05-01", date(2030, 5, 1)),
                "tidak valid")


# --- property: the quota holds whatever the order of purchases ----------------------------

EVENTS = st.lists(st.tuples(st.integers(0, 2), st.integers(1, 3), st.integers(0, 5 * 24)),
                  min_size=1, max_size=12)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(events=EVENTS, period=st.sampled_from(("day", "week", "month")),
       quota=st.integers(1, 5))
def test_accepted_purchases_never_exceed_the_quota_and_refusals_are_exactly_the_excess(
        shop, manajer, kasir, shift, events, period, quota):
    # Fresh goods and members for each example: what earlier examples sold does not count.
    tag = shop.scalar("SELECT count(*) FROM products")
    product = create_product(shop, user=manajer, data=lpg_input(
        name=f"LPG Uji {tag}", barcodes=(), quota_qty=quota * K, quota_period=period))
    members = [create_member(shop, user=manajer, name=f"Anggota {tag}-{i}") for i in range(3)]
    bought: dict[tuple[int, tuple], int] = {}
    moment: dict[tuple[int, tuple], datetime] = {}
    # Hours from Friday 31 May 2030 00:00 WIB: crosses a day, a week and a month.
    start = wib(2030, 5, 31, 0)
    for who, qty, hours in sorted(events, key=lambda e: e[2]):
        at = start + timedelta(hours=hours, minutes=7)
        local = at + timedelta(hours=7)
        key = (who, {"day": local.date(), "week": local.isocalendar()[:2],
                     "month": (local.year, local.month)}[period])
        sales_before = shop.scalar("SELECT count(*) FROM sales")
        cart = cart_for(shop, members[who], (product.id, qty * K))
        if bought.get(key, 0) + qty <= quota:
            sell(shop, kasir, cart, at)
            bought[key] = bought.get(key, 0) + qty
            moment[key] = at
        else:
            with pytest.raises(UserError, match="kuota"):
                sell(shop, kasir, cart, at)
            assert shop.scalar("SELECT count(*) FROM sales") == sales_before
    for (who, when), qty in bought.items():
        status = quota_status(shop, members[who].id, product.id, at=moment[who, when].isoformat())
        assert status.bought == qty * K <= quota * K, when
    sold = shop.scalar("SELECT coalesce(sum(l.base_qty), 0) FROM sale_lines l"
                       " WHERE l.product_id = ?", (product.id,))
    assert sold == sum(bought.values()) * K


# --- the demo shop -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def quota_demo(tmp_path_factory):
    """A small demo shop with its program quotas on: six days of history."""
    db = open_db(tmp_path_factory.mktemp("quota-demo") / "shop.db")
    build_demo(db, products=40, days=6, seed=3, program_quotas=True)
    yield db
    db.close()


def test_the_demo_shop_sells_its_quota_goods_to_members_within_their_quotas(quota_demo):
    shop = quota_demo
    quota_goods = {r["id"]: (r["name"], r["quota_qty"], r["quota_period"]) for r in shop.query(
        "SELECT id, name, quota_qty, quota_period FROM products WHERE quota_qty IS NOT NULL")}
    assert sorted(quota_goods.values()) == [("Beras SPHP 5 kg", 2 * K, "day"),
                                            ("LPG 3 kg Isi Ulang", 4 * K, "month")]
    sold = shop.query(
        "SELECT DISTINCT s.member_id, s.created_at, l.product_id FROM sales s"
        " JOIN sale_lines l ON l.sale_id = s.id JOIN products p ON p.id = l.product_id"
        " WHERE p.quota_qty IS NOT NULL AND s.kind = 'sale'")
    assert {row["product_id"] for row in sold} == set(quota_goods)
    full = 0
    for row in sold:
        assert row["member_id"] is not None
        status = quota_status(shop, row["member_id"], row["product_id"], at=row["created_at"])
        assert status.bought <= status.quota  # a sale returned whole leaves 0
        full += status.left == 0
    assert full, "some members used up a quota: the history had to hold sales back"
    first = shop.scalar("SELECT min(created_at) FROM sales")[:10]
    days = (date.fromisoformat(first), date.today() + timedelta(days=1))
    assert {s.name for s in program_sales_without_member(shop, *days)}.isdisjoint(
        name for name, _quota, _period in quota_goods.values())
    assert [f"{c.name}: {c.detail}" for c in run_checks(shop) if not c.ok] == []


def test_the_demo_shop_marks_its_program_goods(shop):
    programs = {p.name: (p.program, p.quota) for p in program_sales(
        shop, date(2030, 1, 1), date(2030, 1, 1))}
    assert programs == {"Beras SPHP 5 kg": ("SPHP", None), "MinyaKita 1 L": ("MinyaKita", None),
                        "LPG 3 kg Isi Ulang": ("LPG 3 kg", None),
                        "Pupuk Urea Bersubsidi 50 kg": ("Pupuk bersubsidi", None),
                        "Pupuk NPK Phonska 50 kg": ("Pupuk bersubsidi", None)}
