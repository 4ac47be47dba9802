"""Bulk trade for ``gerai bench``: a month of a shop's tills written in one go.

The sync figures need shops with a month of trade — a busy one of about 200,000 rows and
126 village shops — and writing each sale through ``complete_sale`` would take longer than
the figures themselves. These rows have the shape and values the till writes (a shift per
till and day, sales numbered per day, lines at the catalog's price and cost, cash or QRIS
payments, a stock movement per line, and a ``sale.complete`` audit row chained like
:func:`app.models.audit.record` chains them), but are inserted with ``executemany`` in one
transaction. Only the bench uses this module; it is not a way to record real sales.
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.models.audit import GENESIS, _row_hash
from app.models.clock import to_iso
from app.models.db import Database
from app.models.ids import uuid7_from
from app.models.money import QTY_SCALE, amount
from app.models.settings import get_settings


@dataclass(frozen=True)
class Written:
    """How many rows of each table one bulk month wrote."""

    counts: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


class _Ids:
    """UUIDv7s at the moment of the record they name, deterministic for a seed."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def at(self, moment: datetime) -> str:
        ms = int(moment.timestamp() * 1000)
        return str(uuid7_from(ms, self.rng.getrandbits(12), self.rng.getrandbits(62)))


def _catalog(db: Database) -> list[tuple]:
    return [tuple(r) for r in db.query(
        "SELECT id, name, base_unit, price, cost, het FROM products WHERE archived = 0"
        " AND consigned = 0 AND price > 0 ORDER BY rowid")]


def bulk_month(db: Database, *, first_midnight: datetime, days: int, sales_per_day: int,
               tills: int = 1, seed: int = 1, member_share: float = 0.3) -> Written:
    """``days`` days of trade from ``first_midnight`` (the shop's local midnight, aware):
    each day a shift per till from 07:00 to 20:00 and ``sales_per_day`` sales spread over
    the tills. Stock balances and document sequences move with it."""
    rng = random.Random(seed)
    ids = _Ids(rng)
    settings = get_settings(db)
    code = settings.shop_code
    items = _catalog(db)
    staples, others = items[:40], items[40:] or items
    cashier = db.scalar("SELECT id FROM users WHERE role = 'kasir' ORDER BY rowid")
    members = [r[0] for r in db.query("SELECT id FROM members ORDER BY rowid")]
    last = db.one("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
    seq, prev = (last["seq"], last["hash"]) if last else (0, GENESIS)
    rows = {t: [] for t in ("shifts", "sales", "sale_lines", "payments", "stock_movements",
                            "audit_log")}
    balances: dict[str, list[int]] = {}
    sequences = []

    def audit(at: str, action: str, entity: str, entity_id: str, detail: dict) -> None:
        nonlocal seq, prev
        seq += 1
        text = json.dumps(detail, sort_keys=True, ensure_ascii=False)
        digest = _row_hash(prev, seq, at, cashier, action, entity, entity_id, text)
        rows["audit_log"].append((seq, at, cashier, action, entity, entity_id, text, prev,
                                  digest))
        prev = digest

    for day in range(days):
        midnight = first_midnight + timedelta(days=day)
        day_code = midnight.strftime("%y%m%d")
        opened = midnight + timedelta(hours=7)
        shifts = []
        for till in range(tills):
            shift_id = ids.at(opened)
            number = f"{code}-{day_code}-S{till + 1:04d}"
            shifts.append([shift_id, number, f"KASIR-{till + 1}", 300_000])
            audit(to_iso(opened), "shift.open", "shift", shift_id,
                  {"float": 300_000, "till": f"KASIR-{till + 1}"})
        for n in range(sales_per_day):
            at_dt = opened + timedelta(seconds=n * 13 * 3600 // max(sales_per_day, 1),
                                       milliseconds=rng.randrange(1000))
            at = to_iso(at_dt)
            shift = shifts[n % tills]
            sale_id = ids.at(at_dt)
            number = f"{code}-{day_code}-{n + 1:04d}"
            total = 0
            for line_no in range(1, rng.choice((1, 1, 2, 2, 3, 4, 5)) + 1):
                pid, name, unit, price, cost, het = rng.choice(
                    staples if rng.random() < 0.7 else others)
                qty = (rng.choice((500, 1000, 1250, 2000)) if unit in ("kg", "liter")
                       else rng.choice((1, 1, 1, 2, 3)) * QTY_SCALE)
                value, line_cost = amount(price, qty), amount(cost, qty)
                total += value
                rows["sale_lines"].append((
                    ids.at(at_dt), sale_id, line_no, pid, None, name, unit, qty, QTY_SCALE, qty,
                    price, 0, value, value, line_cost, None if het is None else het))
                rows["stock_movements"].append((
                    ids.at(at_dt), pid, "sale", -qty, cost, -line_cost, "sale", sale_id,
                    cashier, "", at))
                held = balances.setdefault(pid, [0, 0])
                held[0] -= qty
                held[1] -= line_cost
            member = (rng.choice(members) if members and rng.random() < member_share
                      else None)
            rows["sales"].append((sale_id, number, "sale", shift[0], cashier, member, total, 0,
                                  total, 0, at))
            if rng.random() < 0.3:
                rows["payments"].append((ids.at(at_dt), sale_id, "qris", total, None,
                                         f"QR{rng.randrange(10**8, 10**9)}"))
            else:
                tendered = -(-total // 5000) * 5000
                rows["payments"].append((ids.at(at_dt), sale_id, "cash", total, tendered, ""))
                rows["sales"][-1] = rows["sales"][-1][:9] + (tendered - total, at)
                shift[3] += total
            audit(at, "sale.complete", "sale", sale_id, {"number": number, "total": total})
        closed = to_iso(midnight + timedelta(hours=20))
        for shift_id, number, till, expected in shifts:
            rows["shifts"].append((shift_id, number, till, cashier, to_iso(opened), 300_000,
                                   closed, cashier, expected, expected, 0,
                                   json.dumps({"100000": expected // 100_000})))
            audit(closed, "shift.close", "shift", shift_id,
                  {"counted": expected, "expected": expected, "over_short": 0})
        sequences += [("sale", day_code, sales_per_day), ("shift", day_code, tills)]
    _insert(db, rows, balances, sequences)
    return Written({t: len(r) for t, r in rows.items()})


_SQL = {
    "shifts": "INSERT INTO shifts(id, number, till, user_id, opened_at, opening_float,"
              " closed_at, closed_by, expected_cash, counted_cash, over_short, count_detail)"
              " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "sales": "INSERT INTO sales(id, number, kind, shift_id, user_id, member_id, subtotal,"
             " cart_discount, total, change, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "sale_lines": "INSERT INTO sale_lines(id, sale_id, line_no, product_id, unit_id, name,"
                  " unit_name, qty, factor, base_qty, unit_price, discount, amount, net_amount,"
                  " cost, het) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "payments": "INSERT INTO payments(id, sale_id, method, amount, tendered, reference)"
                " VALUES (?, ?, ?, ?, ?, ?)",
    "stock_movements": "INSERT INTO stock_movements(id, product_id, kind, qty, unit_cost,"
                       " value, doc_type, doc_id, user_id, reason, created_at)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "audit_log": "INSERT INTO audit_log(seq, at, user_id, action, entity, entity_id, detail,"
                 " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
}


def _insert(db: Database, rows: dict, balances: dict, sequences: list) -> None:
    with db.atomic():
        for table, sql in _SQL.items():
            db.executemany(sql, rows[table])
        db.executemany("INSERT INTO stock_balances(product_id, qty, value) VALUES (?, ?, ?)"
                       " ON CONFLICT(product_id) DO UPDATE SET qty = qty + excluded.qty,"
                       " value = value + excluded.value",
                       [(p, q, v) for p, (q, v) in balances.items()])
        db.executemany("INSERT INTO doc_sequences(kind, day, last) VALUES (?, ?, ?)"
                       " ON CONFLICT(kind, day) DO UPDATE SET last = max(last, excluded.last)",
                       sequences)


def become_another_shop(db: Database, *, code: str, name: str) -> None:
    """A copy of a bench shop's file made a shop of its own: a new sync identity and shop
    code, so that a hub tells the copies apart (it refuses two shops with one id)."""
    with db.atomic():
        db.execute("UPDATE sync_state SET value = ? WHERE key = 'shop_id'",
                   (str(uuid.uuid4()),))
        db.executemany("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key)"
                       " DO UPDATE SET value = excluded.value",
                       [("shop_code", code), ("shop_name", name)])
