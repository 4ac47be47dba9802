"""Consigned goods in the shop: the batches on hand, returns to the producer, counts of
consigned goods, and the reconciliation per batch (intake − sold − returned ± counted = on
hand). The ledger itself is ``app.models.consignment``."""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import _
from app.models import audit
from app.models.clock import now_iso
from app.models.consignment import _clean, _move, _number, _positive_qty
from app.models.db import Database
from app.models.errors import NotFound, UserError
from app.models.ids import new_id
from app.models.money import MAX_QTY, QTY_SCALE, amount, format_qty
from app.models.users import User, require

# --- on hand, returns to the producer, counts -----------------------------------------------


@dataclass(frozen=True)
class Batch:
    id: str
    intake_number: str
    intake_at: str
    consignor_id: str
    consignor_name: str
    product_id: str
    product_name: str
    unit: str
    fractional: bool
    batch_code: str
    produced_on: str | None
    expires_on: str | None
    shop_price: int
    producer_price: int
    qty_in: int
    on_hand: int

    def label(self) -> str:
        extra = " · ".join(x for x in (self.batch_code, self.expires_on and _("ED {day}").format(
            day=self.expires_on)) if x)
        return f"{self.product_name} ({self.intake_number}{' · ' + extra if extra else ''})"


_BATCHES = (
    "SELECT b.id, i.number, i.created_at, b.consignor_id, c.name, b.product_id, p.name,"
    " p.base_unit, p.fractional, b.batch_code, b.produced_on, b.expires_on, b.shop_price,"
    " b.producer_price, b.qty, coalesce(l.qty, 0)"
    " FROM consignment_batches b JOIN consignment_intakes i ON i.id = b.intake_id"
    " JOIN consignors c ON c.id = b.consignor_id JOIN products p ON p.id = b.product_id"
    " LEFT JOIN consignment_balances l ON l.batch_id = b.id")


def _batch(r) -> Batch:
    values = list(r)
    values[8] = bool(values[8])
    return Batch(*values)


def batches(db: Database, *, consignor_id: str | None = None, product_id: str | None = None,
            on_hand_only: bool = False) -> list[Batch]:
    where, params = [], []
    if consignor_id:
        where.append("b.consignor_id = ?")
        params.append(consignor_id)
    if product_id:
        where.append("b.product_id = ?")
        params.append(product_id)
    if on_hand_only:
        where.append("coalesce(l.qty, 0) <> 0")
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return [_batch(r) for r in db.query(
        f"{_BATCHES}{clause} ORDER BY c.name COLLATE NOCASE, p.name COLLATE NOCASE,"
        " b.created_at, b.id", params)]


def get_batch(db: Database, batch_id: str) -> Batch:
    row = db.one(f"{_BATCHES} WHERE b.id = ?", (batch_id,))
    if row is None:
        raise NotFound(_("Batch titipan tidak ditemukan."))
    return _batch(row)


def _batch_row(db: Database, batch_id: str) -> dict:
    row = db.one("SELECT b.id, b.consignor_id, b.product_id, b.producer_price,"
                 " coalesce(l.qty, 0) AS on_hand FROM consignment_batches b"
                 " LEFT JOIN consignment_balances l ON l.batch_id = b.id WHERE b.id = ?",
                 (batch_id,))
    if row is None:
        raise NotFound(_("Batch titipan tidak ditemukan."))
    return dict(row)


def return_to_producer(db: Database, *, user: User, consignor_id: str,
                       quantities: dict[str, int], reason: str) -> str:
    """Give unsold or expired goods back to their producer (nota retur titipan): nothing
    more than is on hand of each batch. Returns the return's id."""
    require(user, "consignment.manage")
    reason = _clean(reason)
    if not reason:
        raise UserError(_("Alasan pengembalian harus diisi."), "reason")
    quantities = {k: v for k, v in quantities.items() if v}
    if not quantities:
        raise UserError(_("Pilih barang dan jumlah yang dikembalikan."), "qty")
    with db.atomic():
        name = db.scalar("SELECT name FROM consignors WHERE id = ?", (consignor_id,))
        if name is None:
            raise NotFound(_("Penitip tidak ditemukan."))
        at = now_iso()
        return_id = new_id()
        number = _number(db, "consignment_return", "K", at)
        db.execute("INSERT INTO consignment_returns(id, number, consignor_id, reason, user_id,"
                   " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                   (return_id, number, consignor_id, reason, user.id, at))
        for batch_id, qty in quantities.items():
            batch = get_batch(db, batch_id)
            if batch.consignor_id != consignor_id:
                raise UserError(_("{name} dititipkan oleh penitip lain.").format(
                    name=batch.product_name), "qty")
            qty = _positive_qty(qty, name=batch.product_name, unit=batch.unit,
                                fractional=batch.fractional)
            if qty > batch.on_hand:
                raise UserError(_("{name}: dikembalikan {qty}, padahal sisa di gerai {left}.")
                                .format(name=batch.product_name, qty=format_qty(qty, batch.unit),
                                        left=format_qty(max(batch.on_hand, 0), batch.unit)),
                                "qty")
            _move(db, batch=_batch_row(db, batch_id), kind="return", qty=-qty,
                  doc_type="consignment_return", doc_id=return_id, user_id=user.id,
                  reason=reason, at=at)
        audit.record(db, user_id=user.id, action="consignment.return", entity="consignor",
                     entity_id=consignor_id, detail={"number": number, "reason": reason,
                                                     "lines": len(quantities)})
        return return_id


def post_count(db: Database, *, user: User, counted: dict[str, int], approver: User,
               note: str = "") -> str:
    """A count of consigned goods: each counted batch's difference from the books becomes a
    movement. A shortage is charged per the consignor's agreement: the shop pays the
    producer's price for it, or the producer bears it; goods found again take back what
    their shortage was charged."""
    require(user, "consignment.manage")
    require(approver, "stock.adjust")
    if not counted:
        raise UserError(_("Belum ada barang titipan yang dihitung."), "qty")
    with db.atomic():
        at = now_iso()
        count_id = new_id()
        number = _number(db, "consignment_count", "H", at)
        consignors = {db.scalar("SELECT consignor_id FROM consignment_batches WHERE id = ?",
                                (b,)) for b in counted}
        consignors.discard(None)
        db.execute("INSERT INTO consignment_counts(id, number, consignor_id, note, user_id,"
                   " approved_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (count_id, number, next(iter(consignors)) if len(consignors) == 1 else None,
                    _clean(note), user.id, approver.id, at))
        variances = 0
        for batch_id, qty in counted.items():
            batch = get_batch(db, batch_id)
            if not isinstance(qty, int) or isinstance(qty, bool) or not 0 <= qty <= MAX_QTY:
                raise UserError(_("{name}: jumlah hitung tidak valid.").format(
                    name=batch.product_name), "qty")
            if not batch.fractional and qty % QTY_SCALE:
                raise UserError(_("{name} dihitung per {unit} utuh, tanpa desimal.").format(
                    name=batch.product_name, unit=batch.unit), "qty")
            variance = qty - batch.on_hand
            if not variance:
                continue
            policy = db.scalar("SELECT loss_policy FROM consignors WHERE id = ?",
                               (batch.consignor_id,))
            due = 0
            if policy == "shop" and variance < 0:
                due = amount(batch.producer_price, -variance)
            elif policy == "shop":
                # Goods found again give back what their shortage was charged, never more:
                # a surplus from an intake nobody entered is still the producer's.
                charged = db.scalar("SELECT coalesce(sum(due), 0) FROM consignment_movements"
                                    " WHERE batch_id = ? AND kind = 'count'", (batch_id,))
                due = -min(amount(batch.producer_price, variance), max(charged, 0))
            _move(db, batch=_batch_row(db, batch_id), kind="count", qty=variance, due=due,
                  doc_type="consignment_count", doc_id=count_id, user_id=user.id,
                  reason=_clean(note) or _("Hitung barang titipan"), at=at)
            variances += 1
        audit.record(db, user_id=user.id, action="consignment.count", entity="consignment_count",
                     entity_id=count_id, detail={"number": number, "batches": len(counted),
                                                 "variances": variances,
                                                 "approved_by": approver.username})
        return count_id


# --- reconciliation -----------------------------------------------------------------------


@dataclass(frozen=True)
class BatchReconciliation:
    batch: Batch
    intake: int
    sold: int         # sold less what customers brought back
    returned: int     # given back to the producer
    adjusted: int     # count differences (+ found, − missing)

    @property
    def expected(self) -> int:
        return self.intake - self.sold - self.returned + self.adjusted

    @property
    def ok(self) -> bool:
        return self.expected == self.batch.on_hand


def reconcile(db: Database, consignor_id: str) -> list[BatchReconciliation]:
    """Per batch: intake − sold − returned ± adjusted, beside what the balance holds."""
    sums = {r[0]: r for r in db.query(
        "SELECT batch_id,"
        " coalesce(sum(CASE WHEN kind = 'intake' THEN qty END), 0),"
        " coalesce(-sum(CASE WHEN kind IN ('sale', 'sale_return') THEN qty END), 0),"
        " coalesce(-sum(CASE WHEN kind = 'return' THEN qty END), 0),"
        " coalesce(sum(CASE WHEN kind IN ('count', 'adjustment') THEN qty END), 0)"
        " FROM consignment_movements WHERE consignor_id = ? GROUP BY batch_id", (consignor_id,))}
    return [BatchReconciliation(b, *sums.get(b.id, (b.id, 0, 0, 0, 0))[1:])
            for b in batches(db, consignor_id=consignor_id)]


def mismatches(db: Database) -> list[tuple[str, int, int]]:
    """Batches, consigned products and consignor accounts whose balance differs from the sum
    of their ledger: (id, balance, ledger)."""
    found = []
    for balance_table, key, ledger, ledger_key, column, amount_column in (
        ("consignment_balances", "batch_id", "consignment_movements", "batch_id", "qty", "qty"),
        ("consigned_stock", "product_id", "consignment_movements", "product_id", "qty", "qty"),
        ("consignor_balances", "consignor_id", "consignor_movements", "consignor_id", "balance",
         "amount"),
    ):
        found += [(r[0], r[1], r[2]) for r in db.query(
            f"WITH ledger AS (SELECT {ledger_key} AS k, sum({amount_column}) AS total"
            f"                FROM {ledger} GROUP BY {ledger_key})"
            f" SELECT b.{key}, b.{column}, coalesce(l.total, 0) FROM {balance_table} b"
            f" LEFT JOIN ledger l ON l.k = b.{key} WHERE b.{column} <> coalesce(l.total, 0)"
            f" UNION ALL SELECT l.k, 0, l.total FROM ledger l WHERE NOT EXISTS"
            f" (SELECT 1 FROM {balance_table} b WHERE b.{key} = l.k) AND l.total <> 0")]
    return found


def line_owners(db: Database, sale_line_id: str) -> list[tuple[str, int]]:
    """Who owns what of a sale line: (consignor name, base quantity)."""
    return [(r[0], r[1]) for r in db.query(
        "SELECT c.name, sum(-m.qty) FROM consignment_movements m"
        " JOIN consignors c ON c.id = m.consignor_id WHERE m.sale_line_id = ?"
        " GROUP BY c.id ORDER BY min(m.rowid)", (sale_line_id,))]
