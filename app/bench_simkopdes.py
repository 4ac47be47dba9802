"""SIMKOPDES figures for ``gerai bench``: the export of a year of a shop's trade (every sale
line, sale, goods receipt, member and savings movement), against reading the same rows with
plain sqlite3.

The year is written through the till's and the office's own calls: a demo catalog made a
year and a day ago, then each day a shift with ``per_day`` sales (cash or QRIS, some to
members), a delivery each Monday, and each month the members' simpanan wajib.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from app.models import cart as carts
from app.models import member_money, receiving
from app.models.clock import frozen_clock, now
from app.models.db import Database, open_db
from app.models.demo import build_demo
from app.models.members import MemberForm, create_member
from app.models.sales import PaymentInput, complete_sale
from app.models.shifts import close_shift, open_shift, shift_summary
from app.models.users import list_users

TILL = "KASIR-1"
MEMBERS = 200


def _ms(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _nik(n: int) -> str:
    """A NIK of Bandar Lampung (1871 03), born on a day of 1990, serial ``n``."""
    return f"187103{(n % 28) + 1 + (40 if n % 2 else 0):02d}0190{n + 1:04d}"


def year_shop(path: Path, *, per_day: int, seed: int = 11) -> tuple[Database, date, date]:
    """A shop with a year of trade ending yesterday; returns it opened, and the year's first
    and last day."""
    today = now().replace(hour=0, minute=0, second=0, microsecond=0)
    start = today - timedelta(days=366)
    first = (start + timedelta(hours=7)).date()      # the shop's day (WIB) of ``start``
    with frozen_clock(start + timedelta(hours=1)):
        db = open_db(path)
        build_demo(db, products=500, days=0, seed=seed, consignment=False)
    users = {u.role: u for u in reversed(list_users(db))}
    rng = random.Random(seed)
    with frozen_clock(start + timedelta(hours=2)):
        members = [create_member(db, user=users["bendahara"], form=MemberForm(
            name=f"Anggota Bench {n}", nik=_nik(n), phone=f"0812{n:08d}",
            occupation="Petani", village="Sukamaju")) for n in range(MEMBERS)]
    products = [r["id"] for r in db.query("SELECT id FROM products WHERE archived = 0"
                                           " AND consigned = 0 ORDER BY rowid LIMIT 300")]
    supplier = db.scalar("SELECT id FROM suppliers ORDER BY rowid")
    for day in range(365):
        midnight = start + timedelta(days=day)
        with db.atomic():
            _trade_day(db, rng, midnight, users, members, products, per_day)
            if day % 7 == 0 and supplier:
                with frozen_clock(midnight + timedelta(hours=3)):
                    receiving.post_receipt(db, user=users["manajer"], supplier_id=supplier,
                                           lines=[receiving.ReceiptLineInput(
                                               p, per_day * 7 * 1000, 1000)
                                               for p in rng.sample(products, 20)])
            if (midnight + timedelta(hours=7)).day == 1:
                with frozen_clock(midnight + timedelta(hours=4)):
                    for member in members[: MEMBERS * 3 // 4]:
                        member_money.deposit(db, user=users["bendahara"],
                                             member_id=member.id, kind="wajib")
    return db, first, first + timedelta(days=364)


def _trade_day(db, rng, midnight, users, members, products, per_day) -> None:
    cashier = users["kasir"]
    with frozen_clock(midnight + timedelta(minutes=30)):
        open_shift(db, user=cashier, till=TILL, opening_float=300_000)
    for n in range(per_day):
        with frozen_clock(midnight + timedelta(hours=1, seconds=n * 40000 // per_day)):
            cart = carts.Cart()
            for product in rng.sample(products, rng.choice((1, 2, 2, 3, 4))):
                cart = carts.add_product(db, cart, product, qty=rng.choice((1, 1, 2)) * 1000)
            if rng.random() < 0.3:
                cart = carts.set_member(cart, rng.choice(members))
            pay = (PaymentInput("qris", cart.total, f"QR{rng.randrange(10**8, 10**9)}")
                   if rng.random() < 0.3 else PaymentInput("cash", cart.total))
            complete_sale(db, user=cashier, till=TILL, cart=cart, payments=[pay])
    with frozen_clock(midnight + timedelta(hours=13)):
        shift = db.scalar("SELECT id FROM shifts WHERE till = ? AND closed_at IS NULL", (TILL,))
        close_shift(db, user=cashier, till=TILL,
                    counts={1000: shift_summary(db, shift).expected_cash // 1000})


@contextmanager
def _own_keys(folder: Path) -> Iterator[None]:
    """Personal-data keys of the bench's throwaway shop in its own folder, not among the
    user's real keys (and never clashing with a key a bench of the same day left there)."""
    before = os.environ.get("GERAI_KEY_DIR")
    os.environ["GERAI_KEY_DIR"] = str(folder)
    try:
        yield
    finally:
        if before is None:
            del os.environ["GERAI_KEY_DIR"]
        else:
            os.environ["GERAI_KEY_DIR"] = before


def year_export(folder: Path, *, per_day: int, runs: int) -> tuple[list[float], list[float], int]:
    """Build the year's shop in ``folder`` and time its export; returns the times of ours and
    of the baseline, and the number of sales in the year."""
    folder.mkdir(parents=True, exist_ok=True)
    with _own_keys(folder / "keys"):
        db, first, last = year_shop(folder / "simkopdes.db", per_day=per_day)
        db.checkpoint("TRUNCATE")
        raw = sqlite3.connect(str(folder / "simkopdes.db"))
        try:
            ours, base = export(db, raw, folder, first, last, runs)
            sales = db.scalar("SELECT count(*) FROM sales")
        finally:
            raw.close()
            db.close()
    return ours, base, sales


def export(db: Database, raw: sqlite3.Connection, folder: Path, first: date, last: date,
           runs: int) -> tuple[list[float], list[float]]:
    """``write_simkopdes`` of the year (XLSX and CSV) against the plain reads of its biggest
    tables (sale lines with their sales, sales with their payments)."""
    from app.reports.simkopdes_export import write_simkopdes

    treasurer = next(u for u in list_users(db) if u.role == "bendahara")
    start = datetime(first.year, first.month, first.day, tzinfo=UTC) - timedelta(hours=7)
    end = start + timedelta(days=(last - first).days + 1)
    bounds = (start.strftime("%Y-%m-%dT%H:%M:%S"), end.strftime("%Y-%m-%dT%H:%M:%S"))

    def baseline():
        raw.execute("SELECT s.number, l.line_no, l.product_id, l.name, l.unit_name, l.qty,"
                    " l.unit_price, l.discount, l.net_amount, l.base_qty, s.kind, s.created_at"
                    " FROM sales s JOIN sale_lines l ON l.sale_id = s.id"
                    " WHERE s.created_at >= ? AND s.created_at < ?"
                    " ORDER BY s.created_at, s.number, l.line_no", bounds).fetchall()
        raw.execute("SELECT s.number, s.kind, s.created_at, s.total, p.method, p.amount"
                    " FROM sales s LEFT JOIN payments p ON p.sale_id = s.id"
                    " WHERE s.created_at >= ? AND s.created_at < ?", bounds).fetchall()

    ours = [_ms(lambda: write_simkopdes(db, folder / "simkopdes.xlsx", first, last,
                                        printed_by=treasurer)) for _ in range(runs)]
    base = [_ms(baseline) for _ in range(runs)]
    return ours, base
