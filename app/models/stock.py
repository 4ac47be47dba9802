"""Stock: an append-only ledger of movements and a balance table kept in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import _
from app.models import audit
from app.models.clock import now_iso
from app.models.db import Database
from app.models.errors import NotFound, UserError
from app.models.ids import new_id
from app.models.money import parse_qty
from app.models.users import User, require

#: Movement kinds known so far; later documents add theirs.
KINDS = ("opening", "adjustment", "sale", "return", "receipt", "writeoff", "count", "breakbulk")


@dataclass(frozen=True)
class StockMovement:
    id: str
    product_id: str
    kind: str
    qty: int
    unit_cost: int
    doc_type: str | None
    doc_id: str | None
    user_id: str | None
    reason: str
    created_at: str


def record_movement(
    db: Database, *, user_id: str | None, product_id: str, kind: str, qty: int,
    unit_cost: int = 0, doc_type: str | None = None, doc_id: str | None = None, reason: str = "",
) -> StockMovement:
    """Append one movement and move the balance with it; part of the caller's transaction."""
    assert db.in_transaction, "stock moves inside the business event's transaction"
    if kind not in KINDS:
        raise ValueError(f"unknown stock movement kind {kind!r}")
    if not isinstance(qty, int) or isinstance(qty, bool) or qty == 0:
        raise ValueError("a stock movement moves a non-zero integer quantity")
    movement = StockMovement(new_id(), product_id, kind, qty, unit_cost, doc_type, doc_id,
                             user_id, reason, now_iso())
    db.execute(
        "INSERT INTO stock_movements(id, product_id, kind, qty, unit_cost, doc_type, doc_id,"
        " user_id, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (movement.id, product_id, kind, qty, unit_cost, doc_type, doc_id, user_id, reason,
         movement.created_at),
    )
    db.execute(
        "INSERT INTO stock_balances(product_id, qty) VALUES (?, ?)"
        " ON CONFLICT(product_id) DO UPDATE SET qty = qty + excluded.qty",
        (product_id, qty),
    )
    return movement


def adjust_stock(db: Database, *, user: User, product_id: str, qty, reason: str) -> StockMovement:
    """A stock correction: a new movement with a reason, never an edit of the past."""
    require(user, "stock.adjust")
    reason = (reason or "").strip()
    if not reason:
        raise UserError(_("Alasan koreksi stok harus diisi."), "reason")
    with db.atomic():
        row = db.one("SELECT fractional, archived, cost FROM products WHERE id = ?",
                     (product_id,))
        if row is None:
            raise NotFound(_("Produk tidak ditemukan."))
        if row["archived"]:
            raise UserError(_("Produk ini sudah diarsipkan; pulihkan dulu sebelum mengoreksi stok."))
        delta = parse_qty(qty, field="qty", what=_("Koreksi stok"), allow_negative=True,
                          fractional=bool(row["fractional"]))
        movement = record_movement(db, user_id=user.id, product_id=product_id,
                                   kind="adjustment", qty=delta, unit_cost=row["cost"],
                                   reason=reason)
        audit.record(db, user_id=user.id, action="stock.adjust", entity="product",
                     entity_id=product_id, detail={"qty": delta, "reason": reason})
        return movement


def on_hand(db: Database, product_id: str) -> int:
    return db.scalar("SELECT coalesce((SELECT qty FROM stock_balances WHERE product_id = ?), 0)",
                     (product_id,))


def movements(db: Database, product_id: str) -> list[StockMovement]:
    return [StockMovement(**dict(r)) for r in db.query(
        "SELECT id, product_id, kind, qty, unit_cost, doc_type, doc_id, user_id, reason,"
        " created_at FROM stock_movements WHERE product_id = ? ORDER BY id", (product_id,))]


def ledger_mismatches(db: Database) -> list[tuple[str, int, int]]:
    """Products whose balance differs from the sum of their movements: (id, balance, ledger)."""
    return [(r[0], r[1], r[2]) for r in db.query(
        "WITH ledger AS (SELECT product_id, sum(qty) AS qty FROM stock_movements"
        "                GROUP BY product_id)"
        " SELECT coalesce(b.product_id, l.product_id), coalesce(b.qty, 0), coalesce(l.qty, 0)"
        " FROM stock_balances b LEFT JOIN ledger l ON l.product_id = b.product_id"
        " WHERE coalesce(b.qty, 0) <> coalesce(l.qty, 0)"
        " UNION ALL"
        " SELECT l.product_id, 0, l.qty FROM ledger l"
        " WHERE NOT EXISTS (SELECT 1 FROM stock_balances b WHERE b.product_id = l.product_id)")]
