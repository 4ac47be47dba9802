"""Stock: an append-only ledger of movements and a balance table kept in the same transaction.

Each movement carries its quantity and its value in rupiah. The balance holds both, so the
moving-average cost is value / quantity: a receipt adds what it cost (goods and freight),
anything leaving takes its share of the value at the average, the last piece takes what is
left. Stock value + cost of goods out = everything bought, to the rupiah.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import _
from app.models import audit
from app.models.clock import now_iso
from app.models.consignment import require_own_stock
from app.models.db import Database
from app.models.errors import NotFound, UserError
from app.models.ids import new_id
from app.models.money import QTY_SCALE, amount, div_round_half_up, parse_qty
from app.models.users import User, require

#: Movement kinds known so far; later documents add theirs.
KINDS = ("opening", "adjustment", "sale", "return", "receipt", "writeoff", "count", "breakbulk",
         "susut")


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
    value: int = 0


@dataclass(frozen=True)
class Balance:
    qty: int
    value: int


def balance(db: Database, product_id: str) -> Balance:
    row = db.one("SELECT qty, value FROM stock_balances WHERE product_id = ?", (product_id,))
    return Balance(row[0], row[1]) if row else Balance(0, 0)


def outflow_value(held: Balance, qty: int, cost: int) -> int:
    """What ``qty`` thousandths leaving stock are worth (positive rupiah): their share of the
    value held at the average; the last piece takes all that is left; beyond what is held
    (selling before the receipt is posted) at ``cost``, the last known average."""
    from_stock = min(qty, max(held.qty, 0))
    if from_stock == held.qty and held.qty > 0:
        taken = held.value
    elif from_stock:
        taken = div_round_half_up(from_stock * held.value, held.qty)
    else:
        taken = 0
    return taken + amount(cost, qty - from_stock)


def average_cost(held: Balance, fallback: int) -> int:
    """Rupiah per whole base unit, rounded; ``fallback`` when nothing is held."""
    if held.qty <= 0:
        return fallback
    return max(div_round_half_up(held.value * QTY_SCALE, held.qty), 0)


def record_movement(
    db: Database, *, user_id: str | None, product_id: str, kind: str, qty: int,
    value: int | None = None, doc_type: str | None = None, doc_id: str | None = None,
    reason: str = "",
) -> StockMovement:
    """Append one movement and move the balance with it; part of the caller's transaction.

    ``value`` is what the movement adds to the stock's value (negative going out). Left out,
    goods leaving take their share at the average and goods coming in (a count surplus, a
    correction) come at the current average cost. A receipt sets the new moving average."""
    assert db.in_transaction, "stock moves inside the business event's transaction"
    if kind not in KINDS:
        raise ValueError(f"unknown stock movement kind {kind!r}")
    if not isinstance(qty, int) or isinstance(qty, bool) or qty == 0:
        raise ValueError("a stock movement moves a non-zero integer quantity")
    held = None
    if value is None or kind == "receipt":
        # One read for what the value needs: the balance held and the last average cost.
        row = db.one("SELECT coalesce(b.qty, 0), coalesce(b.value, 0), p.cost FROM products p"
                     " LEFT JOIN stock_balances b ON b.product_id = p.id WHERE p.id = ?",
                     (product_id,))
        held, cost = Balance(row[0], row[1]), row[2]
        if value is None:
            value = -outflow_value(held, -qty, cost) if qty < 0 else amount(cost, qty)
    unit_cost = div_round_half_up(abs(value) * QTY_SCALE, abs(qty))
    movement = StockMovement(new_id(), product_id, kind, qty, unit_cost, doc_type, doc_id,
                             user_id, reason, now_iso(), value)
    db.execute(
        "INSERT INTO stock_movements(id, product_id, kind, qty, unit_cost, value, doc_type,"
        " doc_id, user_id, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (movement.id, product_id, kind, qty, unit_cost, value, doc_type, doc_id, user_id,
         reason, movement.created_at),
    )
    db.execute(
        "INSERT INTO stock_balances(product_id, qty, value) VALUES (?, ?, ?)"
        " ON CONFLICT(product_id) DO UPDATE SET qty = qty + excluded.qty,"
        " value = value + excluded.value",
        (product_id, qty, value),
    )
    if kind == "receipt":
        now_held = Balance(held.qty + qty, held.value + value)
        db.execute("UPDATE products SET cost = ? WHERE id = ?",
                   (average_cost(now_held, unit_cost), product_id))
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
        require_own_stock(db, product_id)
        delta = parse_qty(qty, field="qty", what=_("Koreksi stok"), allow_negative=True,
                          fractional=bool(row["fractional"]))
        movement = record_movement(db, user_id=user.id, product_id=product_id,
                                   kind="adjustment", qty=delta, reason=reason)
        audit.record(db, user_id=user.id, action="stock.adjust", entity="product",
                     entity_id=product_id, detail={"qty": delta, "reason": reason})
        return movement


def on_hand(db: Database, product_id: str) -> int:
    return db.scalar("SELECT coalesce((SELECT qty FROM stock_balances WHERE product_id = ?), 0)",
                     (product_id,))


def movements(db: Database, product_id: str) -> list[StockMovement]:
    return [StockMovement(**dict(r)) for r in db.query(
        "SELECT id, product_id, kind, qty, unit_cost, doc_type, doc_id, user_id, reason,"
        " created_at, value FROM stock_movements WHERE product_id = ? ORDER BY id",
        (product_id,))]


def ledger_mismatches(db: Database, column: str = "qty") -> list[tuple[str, int, int]]:
    """Products whose balance ``column`` (qty or value) differs from the sum over their
    movements: (id, balance, ledger)."""
    assert column in ("qty", "value")
    return [(r[0], r[1], r[2]) for r in db.query(
        f"WITH ledger AS (SELECT product_id, sum({column}) AS total FROM stock_movements"
        "                GROUP BY product_id)"
        f" SELECT b.product_id, b.{column}, coalesce(l.total, 0)"
        " FROM stock_balances b LEFT JOIN ledger l ON l.product_id = b.product_id"
        f" WHERE b.{column} <> coalesce(l.total, 0)"
        " UNION ALL"
        " SELECT l.product_id, 0, l.total FROM ledger l"
        " WHERE NOT EXISTS (SELECT 1 FROM stock_balances b WHERE b.product_id = l.product_id)"
        " AND l.total <> 0")]
