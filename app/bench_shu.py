"""SHU figures for ``gerai bench``: the SHU of a year for 2,000 members — the computation,
and the whole report as a PDF — against the plain queries of the same figures."""

from __future__ import annotations

import random
import sqlite3
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from app.models import cart as carts
from app.models import member_money, members
from app.models.clock import frozen_clock
from app.models.db import Database
from app.models.money import QTY_SCALE
from app.models.products import ProductInput, create_product
from app.models.sales import PaymentInput, complete_sale
from app.models.settings import shop_today
from app.models.shifts import open_shift
from app.models.shu import compute_shu
from app.models.stock_views import day_bounds
from app.models.users import list_users
from app.reports.shu_report import write_shu

TILL = "BENCH-SHU"
PRICE = 25_000
#: A village shop's year: Rp150 juta left over.
SURPLUS = 150_000_000


def _ms(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def last_year(db: Database) -> int:
    """The last whole year: the one an SHU is counted for."""
    return shop_today(db).year - 1


def busy_year(db: Database, *, members_n: int, per_day: int, seed: int = 11) -> int:
    """``members_n`` members who joined on 1 January of last year with their simpanan
    pokok, ``per_day`` member sales a day through the till all year, and each member's
    wajib for the twelve months paid in December: written through the same domain calls
    as the till and the office, a day per transaction. Returns the number of sales."""
    rng = random.Random(seed)
    users = {u.role: u for u in list_users(db)}
    first = datetime(last_year(db), 1, 1, 1, tzinfo=UTC)      # 08:00 WIB
    with frozen_clock(first):
        paket = create_product(db, user=users["manajer"], data=ProductInput(
            name="Paket Sembako Bench SHU", base_unit="pcs", price=PRICE, cost=20_000,
            opening_stock=members_n * 400 * QTY_SCALE))
        with db.atomic():
            joined = [members.create_member(db, user=users["manajer"],
                                            name=f"Anggota Bench {n:04d}",
                                            village=f"Desa {n % 17 + 1}")
                      for n in range(members_n)]
            for member in joined:
                member_money.deposit(db, user=users["bendahara"], member_id=member.id,
                                     kind="pokok")
        open_shift(db, user=users["kasir"], till=TILL, opening_float=0)
    sold = 0
    for day in range(365):
        with db.atomic():
            for n in range(per_day):
                cart = carts.add_product(db, carts.Cart(), paket.id,
                                         qty=rng.choice((1, 1, 2, 3)) * QTY_SCALE)
                cart = carts.set_member(cart, rng.choice(joined))
                with frozen_clock(first + timedelta(days=day, minutes=n)):
                    complete_sale(db, user=users["kasir"], till=TILL, cart=cart,
                                  payments=[PaymentInput("cash", cart.total)])
                sold += 1
    with frozen_clock(first + timedelta(days=340)), db.atomic():
        for member in joined:
            member_money.deposit(db, user=users["bendahara"], member_id=member.id,
                                 kind="wajib", months=12)
    return sold


def shu(db: Database, raw: sqlite3.Connection, out: Path, runs: int
        ) -> tuple[list[float], list[float], list[float]]:
    """For last year: ``compute_shu`` with the surplus given (the sharing itself, against
    the plain queries of the same three things: purchases and capital by member, and the
    members); and ``write_shu`` as a PDF the way ``gerai report shu`` makes it, the
    surplus taken from the books' income statement."""
    year = last_year(db)
    low, high = day_bounds(db, date(year, 1, 1), date(year, 12, 31))
    treasurer = next(u for u in list_users(db) if u.role == "bendahara")

    def baseline():
        raw.execute("SELECT member_id, sum(total) FROM sales WHERE member_id IS NOT NULL"
                    " AND created_at >= ? AND created_at < ? GROUP BY member_id",
                    (low, high)).fetchall()
        raw.execute("SELECT member_id, sum(amount) FROM savings_movements"
                    " WHERE kind IN ('pokok', 'wajib') AND created_at < ? GROUP BY member_id",
                    (high,)).fetchall()
        raw.execute("SELECT id, number, name, village FROM members ORDER BY number").fetchall()

    computed = [_ms(lambda: compute_shu(db, year, surplus=SURPLUS)) for _ in range(runs)]
    printed = [_ms(lambda: write_shu(db, out / "shu.pdf", year, printed_by=treasurer))
               for _ in range(runs)]
    base = [_ms(baseline) for _ in range(runs)]
    return computed, printed, base
