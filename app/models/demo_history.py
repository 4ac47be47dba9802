"""The demo shop's sales history: shifts, 100–500 sales a day with members, mixed
payments and a few returns — all through the same domain calls the till makes."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from app.models import cart as carts
from app.models.clock import ZONES, frozen_clock
from app.models.db import Database
from app.models.errors import UserError
from app.models.member_money import check_bon
from app.models.members import Member, create_member, get_member
from app.models.money import QTY_SCALE
from app.models.products import ProductInput
from app.models.program_goods import cart_quota_problem
from app.models.returns import return_items
from app.models.sales import PaymentInput, complete_sale, quick_cash_amounts, returnable_lines
from app.models.shifts import DENOMINATIONS, close_shift, open_shift, shift_summary
from app.models.users import User

TILL = "KASIR-1"
_NAMES = ("Siti Rahmawati", "Sri Wahyuni", "Ahmad Fauzi", "Nurhayati", "Budi Santoso",
          "Dewi Sartika", "Eko Prasetyo", "Fitriani", "Hendra Gunawan", "Indah Permata",
          "Joko Susilo", "Kartini", "Lukman Hakim", "Maryam", "Nanda Putri", "Rini Astuti",
          "Slamet Riyadi", "Tuti Handayani", "Usman Effendi", "Wulan Sari", "Yusuf Maulana",
          "Zainab", "Rudi Hartono", "Ratna Dewi", "Agus Salim", "Lestari", "Made Sudarma",
          "Ketut Arsana", "Heru Wibowo", "Yanti Susanti")


@dataclass(frozen=True)
class PlannedLine:
    item: int              # index into the catalog items
    pack: int | None       # index of the packaging unit, or None for the base unit
    qty: int               # thousandths of that unit


def plan_sales(rng: random.Random, items: list[ProductInput], days: int) -> list[list[list]]:
    """Days → sales → lines, decided before anything is written (so stock can be sized)."""
    staples = list(range(min(len(items), 34)))
    others = list(range(len(staples), len(items)))
    popular = rng.sample(others, min(len(others), 120))
    plan = []
    for _day in range(days):
        sales = []
        for _n in range(rng.randint(100, 500)):
            lines = []
            for _k in range(rng.choice((1, 1, 2, 2, 3, 4, 5))):
                pool = staples if (rng.random() < 0.7 or not popular) else popular
                index = rng.choice(pool)
                item = items[index]
                if item.base_unit in ("kg", "liter"):
                    lines.append(PlannedLine(index, None, rng.choice((500, 1000, 1250, 2000,
                                                                     2500, 5000))))
                elif item.units and rng.random() < 0.05:
                    lines.append(PlannedLine(index, 0, QTY_SCALE))
                else:
                    lines.append(PlannedLine(index, None, rng.choice((1, 1, 1, 2, 3)) * QTY_SCALE))
            sales.append(lines)
        plan.append(sales)
    return plan


def stock_for_plan(items: list[ProductInput], plan, rng: random.Random) -> list[ProductInput]:
    """Opening stock that covers what the plan sells, plus what is left on the shelf."""
    demand = [0] * len(items)
    for day in plan:
        for sale in day:
            for line in sale:
                item = items[line.item]
                factor = item.units[line.pack].factor if line.pack is not None else QTY_SCALE
                demand[line.item] += line.qty * factor // QTY_SCALE
    return [replace(item, opening_stock=item.opening_stock + need + rng.randint(0, 20) * QTY_SCALE
                    if need else item.opening_stock)
            for item, need in zip(items, demand, strict=True)]


def make_members(db: Database, rng: random.Random, clerk: User) -> list[Member]:
    members = []
    for i, name in enumerate(_NAMES):
        limit = rng.choice((0, 0, 200_000, 300_000, 500_000))
        members.append(create_member(db, user=clerk, name=name, credit_limit=limit,
                                     phone=f"08{rng.randrange(10**9, 10**10)}",
                                     card_code=f"KA{i + 1:05d}"))
    return members


def _local(day_start_utc: datetime, zone: str, hours: float) -> datetime:
    offset = ZONES[zone].utcoffset(None)
    return day_start_utc - offset + timedelta(hours=hours)


def run_history(db: Database, *, rng: random.Random, plan, product_ids: list[str],
                pack_codes: list[list[str]], cashiers: list[User], manager: User,
                members: list[Member], first_day: datetime, zone: str, buyer=None,
                consignment=None, cooperative=None) -> int:
    """Play the plan through the till's own domain calls; returns the number of sales.

    ``buyer`` (demo_purchasing.DemoBuyer) orders and receives goods between the days and
    takes members' pre-orders at the till once the shift is open. ``consignment``
    (demo_consignment.DemoConsignment) takes producers' goods in and settles between the
    days, and adds consigned goods to some of the customers' baskets. ``cooperative``
    (demo_members.DemoCooperative) takes members' savings and bon at the till and the
    office and keeps the treasurer's journal, between the sales."""
    count = 0
    for day, sales in enumerate(plan):
        midnight = first_day + timedelta(days=day)
        cashier = cashiers[day % len(cashiers)]
        if buyer is not None:
            buyer.before_day(day, midnight)
        if consignment is not None:
            consignment.before_day(day, midnight)
        if cooperative is not None:
            cooperative.before_day(day, midnight)
        with frozen_clock(_local(midnight, zone, 7.5)):
            open_shift(db, user=cashier, till=TILL, opening_float=300_000)
        if buyer is not None:
            with frozen_clock(_local(midnight, zone, 7.75)):
                buyer.at_the_till(day, len(plan), cashier=cashier, till=TILL, members=members)
        minutes = sorted(rng.uniform(8 * 60, 20 * 60) for _ in sales)
        for minute, lines in zip(minutes, sales, strict=True):
            if cooperative is not None:
                cooperative.until(minute / 60, cashier=cashier, till=TILL)
            with frozen_clock(_local(midnight, zone, minute / 60)):
                extra = consignment.basket() if consignment is not None else ()
                result = _sell(db, rng, lines, product_ids, pack_codes, cashier, members, extra)
                if result is None:  # all of it was program goods beyond the quotas
                    continue
                count += 1
                if rng.random() < 0.012:
                    first = returnable_lines(db, result.sale_id)[0]
                    back = first.qty if first.fractional else QTY_SCALE
                    return_items(db, user=cashier, till=TILL, sale_id=result.sale_id,
                                 quantities={first.line_id: min(back, first.remaining)},
                                 reason=rng.choice(("Kemasan bocor", "Salah ambil barang",
                                                    "Kedaluwarsa")), supervisor=manager)
                if extra:
                    consignment.after_sale(result.sale_id, cashier=cashier, till=TILL,
                                           supervisor=manager)
        if cooperative is not None:
            cooperative.until(21, cashier=cashier, till=TILL)
        with frozen_clock(_local(midnight, zone, 21)):
            shift = db.scalar("SELECT id FROM shifts WHERE till = ? AND closed_at IS NULL",
                              (TILL,))
            expected = shift_summary(db, shift).expected_cash
            # Most evenings the drawer is right; now and then a note goes missing.
            counted = expected - (rng.choice((1000, 2000, 5000)) if rng.random() < 0.2 else 0)
            close_shift(db, user=cashier, till=TILL, counts=_notes(counted))
        # The shop is closed: the night is idle time for a checkpoint (a demo of a year would
        # otherwise grow its write-ahead log to gigabytes).
        db.checkpoint("TRUNCATE")
    return count


def _notes(amount: int) -> dict[int, int]:
    counts = {}
    for denomination in DENOMINATIONS:
        counts[denomination], amount = divmod(amount, denomination)
    return counts


def _sell(db, rng, lines, product_ids, pack_codes, cashier, members, extra=()):
    cart = carts.Cart()
    for line in lines:
        if line.pack is not None:
            cart = carts.scan(db, cart, pack_codes[line.item][line.pack])
        else:
            cart = carts.add_product(db, cart, product_ids[line.item], qty=line.qty)
    for code, qty in extra:      # consigned goods, scanned by their barcode
        cart = carts.scan(db, cart, code, qty=qty)
    member = rng.choice(members) if rng.random() < 0.3 else None
    cart = _within_quotas(db, rng, carts.set_member(cart, member), members)
    if cart is None:
        return None
    roll, total = rng.random(), cart.total
    if cart.member_id and roll < 0.3 and _bon_allowed(db, cart.member_id, total):
        payments = [PaymentInput("bon", total)]
    elif roll < 0.45:
        payments = [PaymentInput("qris", total, f"QR{rng.randrange(10**8, 10**9)}")]
    elif roll < 0.5:
        payments = [PaymentInput("transfer", total, f"TRF{rng.randrange(10**6, 10**7)}")]
    else:
        payments = [PaymentInput("cash", rng.choice(quick_cash_amounts(total)))]
    return complete_sale(db, user=cashier, till=TILL, cart=cart, payments=payments)


def _bon_allowed(db, member_id: str, total: int) -> bool:
    """Within the member's limit and no bon overdue: else the till refuses the bon and the
    member pays another way."""
    try:
        check_bon(db, get_member(db, member_id), total)
    except UserError:
        return False
    return True


def _within_quotas(db, rng, cart: carts.Cart, members: list[Member]) -> carts.Cart | None:
    """Program goods with a quota go to members only, within what each may still buy: a
    buyer of LPG shows a member card, and what is over the quota stays on the shelf."""
    if cart_quota_problem(db, cart) is None:
        return cart
    if cart.member_id is None:
        cart = carts.set_member(cart, rng.choice(members))
    kept = replace(cart, lines=())
    for line in cart.lines:
        candidate = replace(kept, lines=kept.lines + (line,))
        if cart_quota_problem(db, candidate) is None:
            kept = candidate
    return kept if kept.lines else None
