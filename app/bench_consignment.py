"""Consignment figures for ``gerai bench``: the settlement preview of a busy producer's month
(every unsettled sale with its document, product and batch), against the plain query."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, date, datetime, timedelta

from app.models import consignment, consignors
from app.models import consignment_settlement as settlement
from app.models.clock import frozen_clock
from app.models.db import Database
from app.models.money import QTY_SCALE
from app.models.products import ProductInput, create_product
from app.models.users import list_users


def _ms(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def busy_month(db: Database, *, per_day: int, goods: int = 20) -> tuple[str, int]:
    """A producer with ``goods`` products taken in on the 1st and ``per_day`` sales a day for
    30 days, written through the consignment ledger. Returns (consignor id, sales)."""
    start = datetime(2026, 9, 30, 17, tzinfo=UTC)      # 1 October, 00:00 WIB
    user = next(u for u in list_users(db) if u.role == "admin")
    with frozen_clock(start):
        product_ids = [create_product(db, user=user, data=ProductInput(
            name=f"Keripik Bench {n}", base_unit="pcs", price=12_000)).id
            for n in range(goods)]
        producer = consignors.create_consignor(db, user=user, data=consignors.ConsignorInput(
            "Produsen Uji Bench", commission_bp=1500))
        consignment.post_intake(db, user=user, consignor_id=producer.id, lines=[
            consignment.IntakeLine(p, 10_000 * QTY_SCALE) for p in product_ids])
    batches = [dict(r) for r in db.query(
        "SELECT id, consignor_id, product_id, terms, commission_bp, producer_price"
        " FROM consignment_batches WHERE consignor_id = ?", (producer.id,))]
    sold = 0
    with db.atomic():
        for day in range(30):
            for n in range(per_day):
                at = start + timedelta(days=day, minutes=60 + n)
                batch = batches[(day * per_day + n) % len(batches)]
                with frozen_clock(at):
                    consignment._move(db, batch=batch, kind="sale", qty=-QTY_SCALE,
                                      gross=12_000, due=10_200, doc_type="sale", doc_id=None)
                sold += 1
    return producer.id, sold


def preview(db: Database, raw: sqlite3.Connection, consignor_id: str, runs: int
            ) -> tuple[list[float], list[float]]:
    """``preview_settlement`` for the month against the plain join of the unsettled lines."""
    def baseline():
        raw.execute(
            "SELECT m.id, m.created_at, m.kind, s.number, p.name, p.base_unit, b.batch_code,"
            " -m.qty, m.gross, m.due FROM consignment_movements m"
            " JOIN products p ON p.id = m.product_id"
            " JOIN consignment_batches b ON b.id = m.batch_id"
            " LEFT JOIN sales s ON s.id = m.doc_id"
            " LEFT JOIN consignment_settlement_lines l ON l.movement_id = m.id"
            " WHERE m.consignor_id = ? AND m.kind IN ('sale', 'sale_return', 'count')"
            " AND l.movement_id IS NULL AND m.created_at < ? ORDER BY m.created_at",
            (consignor_id, "2026-10-31T17:00:00")).fetchall()

    ours = [_ms(lambda: settlement.preview_settlement(
        db, consignor_id, period_from=date(2026, 10, 1), period_to=date(2026, 10, 31)))
        for _ in range(runs)]
    base = [_ms(baseline) for _ in range(runs)]
    return ours, base
