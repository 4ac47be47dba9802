"""Record identity (UUIDv7 made at the shop) and printed document numbers."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import uuid_utils

from app.models.db import Database

_seeded: tuple[random.Random, list[int]] | None = None


def new_id() -> str:
    """A time-ordered UUIDv7, so the records of thousands of shops never collide."""
    if _seeded is None:
        # uuid_utils keeps ids of one millisecond in order with a counter, without running
        # the embedded time ahead of the clock during a burst (uuid6 does).
        return str(uuid_utils.uuid7())
    rng, clock = _seeded
    clock[0] += 1
    return str(uuid7_from(clock[0], rng.getrandbits(12), rng.getrandbits(62)))


def uuid7_from(unix_ms: int, rand_a: int, rand_b: int) -> uuid.UUID:
    value = (unix_ms & (2**48 - 1)) << 80 | 0x7 << 76 | (rand_a & 0xFFF) << 64
    value |= 0b10 << 62 | (rand_b & (2**62 - 1))
    return uuid.UUID(int=value)


@contextmanager
def seeded_ids(seed: int, start_unix_ms: int) -> Iterator[None]:
    """Deterministic ids for the demo generator: the same seed gives the same shop."""
    global _seeded
    previous, _seeded = _seeded, (random.Random(seed), [start_unix_ms])
    try:
        yield
    finally:
        _seeded = previous


def next_document_number(db: Database, *, kind: str, shop_code: str, day: date,
                         marker: str = "") -> str:
    """``KDMP017-251122-0042``: gap-free per day and kind because it is taken inside the
    document's own transaction (a rolled-back document gives its number back)."""
    assert db.in_transaction, "document numbers are taken inside the document's transaction"
    day_code = day.strftime("%y%m%d")
    number = db.scalar(
        "INSERT INTO doc_sequences(kind, day, last) VALUES (?, ?, 1) "
        "ON CONFLICT(kind, day) DO UPDATE SET last = last + 1 RETURNING last",
        (kind, day_code),
    )
    # ``marker`` sets a kind apart on paper (shift S0001 is not sale 0001).
    return f"{shop_code}-{day_code}-{marker}{number:04d}"


#: Documents found by their printed number (``gerai report --number``).
NUMBERED = ("consignment_intakes", "consignment_returns", "consignment_settlements",
            "purchase_orders", "goods_receipts", "stock_counts", "sales")


def find_document(db: Database, table: str, number: str) -> str | None:
    """The id of the ``table`` document printed as ``number`` (any case), or None."""
    if table not in NUMBERED:
        raise ValueError(f"{table} has no printed numbers")
    return db.scalar(f"SELECT id FROM {table} WHERE number = ?",
                     ((number or "").strip().upper(),))


def document_number(db: Database, kind: str, marker: str, at: str | None = None) -> str:
    """The next number of a ``kind`` of document made at ``at`` (now), on the shop's day."""
    from app.models.clock import local_date, now_iso
    from app.models.settings import get_settings

    settings = get_settings(db)
    return next_document_number(db, kind=kind, shop_code=settings.shop_code,
                                day=local_date(at or now_iso(), settings.zone), marker=marker)
