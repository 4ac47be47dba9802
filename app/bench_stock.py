"""Stock figures for ``gerai bench``: stock on hand for the whole catalog, and the stock card
of a busy product over a year."""

from __future__ import annotations

import random
import sqlite3
import time
from datetime import UTC, datetime, timedelta

from app.models import stock
from app.models.clock import frozen_clock
from app.models.db import Database
from app.models.stock_views import stock_card, stock_on_hand


def _ms(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def on_hand(db: Database, raw: sqlite3.Connection, runs: int) -> tuple[list[float], list[float]]:
    """Every product with its stock, value and average cost (stock_views.stock_on_hand, in
    catalog order); the baseline is the plain join a developer would write, read the same
    way (plain tuples)."""
    def baseline():
        raw.execute("SELECT p.id, p.name, p.category, p.base_unit, b.qty, b.value, p.cost,"
                    " p.min_stock, p.archived FROM products p"
                    " LEFT JOIN stock_balances b ON b.product_id = p.id").fetchall()
    ours = [_ms(lambda: stock_on_hand(db)) for _ in range(runs)]
    base = [_ms(baseline) for _ in range(runs)]
    return ours, base


def busy_year(db: Database, product_id: str, *, per_day: int, seed: int = 3) -> int:
    """A year of a busy product's life written through the ledger: ``per_day`` sales a day
    and a delivery every Monday. Returns the number of movements."""
    rng = random.Random(seed)
    first = datetime(2025, 1, 1, 1, tzinfo=UTC)
    count = 0
    for day in range(365):
        with frozen_clock(first + timedelta(days=day)), db.atomic():
            if day % 7 == 0:
                stock.record_movement(db, user_id=None, product_id=product_id, kind="receipt",
                                      qty=per_day * 7 * 2000, value=per_day * 7 * 2 * 11_500)
                count += 1
            for _ in range(per_day):
                stock.record_movement(db, user_id=None, product_id=product_id, kind="sale",
                                      qty=-rng.choice((1000, 1000, 2000, 3000)))
                count += 1
    return count


def card(db: Database, raw: sqlite3.Connection, product_id: str, runs: int
         ) -> tuple[list[float], list[float]]:
    """The year's stock card with running balances and document numbers; the baseline reads
    the same movements with a running sum in SQL."""
    def baseline():
        raw.execute("SELECT id, created_at, kind, qty, value, sum(qty) OVER (ORDER BY id),"
                    " sum(value) OVER (ORDER BY id) FROM stock_movements"
                    " WHERE product_id = ? AND created_at >= ? AND created_at < ? ORDER BY id",
                    (product_id, "2025-01-01", "2026-01-01")).fetchall()
    ours = [_ms(lambda: stock_card(db, product_id, "2025-01-01", "2025-12-31"))
            for _ in range(runs)]
    base = [_ms(baseline) for _ in range(runs)]
    return ours, base
