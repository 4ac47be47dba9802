"""The consignment papers as read back for printing: an intake (nota titip), a return to the
producer (nota retur titipan) and a settlement with the payments made against it.

Each is one read of the ledger into frozen records, so the paper shows exactly what the
books hold: the terms each batch came with (not the consignor's terms of today), the
quantities and sums as they were recorded. Arithmetic on the figures lives here, not in the
report that lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import _
from app.models.consignment_settlement import Settlement, get_settlement
from app.models.consignors import Consignor, get_consignor
from app.models.db import Database
from app.models.errors import NotFound
from app.models.money import QTY_SCALE, amount


@dataclass(frozen=True)
class IntakeDocLine:
    line_no: int
    product_name: str
    unit: str
    batch_code: str
    produced_on: str | None     # ISO day
    expires_on: str | None      # ISO day
    qty: int                    # base-unit thousandths
    shop_price: int             # per whole base unit
    producer_price: int         # the producer's share per whole base unit

    @property
    def value(self) -> int:
        """What the line is worth to the producer if all of it sells."""
        return amount(self.producer_price, self.qty)

    @property
    def shop_value(self) -> int:
        return amount(self.shop_price, self.qty)


@dataclass(frozen=True)
class IntakeDoc:
    id: str
    number: str
    created_at: str
    consignor: Consignor
    terms: str                  # the terms the batches came with ('percent' | 'fixed')
    commission_bp: int
    note: str
    user_name: str
    lines: tuple[IntakeDocLine, ...]

    @property
    def value(self) -> int:
        return sum(line.value for line in self.lines)

    @property
    def shop_value(self) -> int:
        return sum(line.shop_value for line in self.lines)


def intake_document(db: Database, intake_id: str) -> IntakeDoc:
    """The intake ``intake_id`` with its batches in line order."""
    head = db.one("SELECT i.id, i.number, i.created_at, i.consignor_id, i.note, u.full_name"
                  " FROM consignment_intakes i JOIN users u ON u.id = i.user_id"
                  " WHERE i.id = ?", (intake_id,))
    if head is None:
        raise NotFound(_("Nota titip tidak ditemukan."))
    rows = db.query(
        "SELECT b.line_no, p.name, p.base_unit, b.batch_code, b.produced_on, b.expires_on,"
        " b.qty, b.shop_price, b.producer_price, b.terms, b.commission_bp"
        " FROM consignment_batches b JOIN products p ON p.id = b.product_id"
        " WHERE b.intake_id = ? ORDER BY b.line_no", (intake_id,))
    lines = tuple(IntakeDocLine(*tuple(r)[:9]) for r in rows)
    terms, commission = (rows[0]["terms"], rows[0]["commission_bp"]) if rows else ("percent", 0)
    return IntakeDoc(head["id"], head["number"], head["created_at"],
                     get_consignor(db, head["consignor_id"]), terms, commission, head["note"],
                     head["full_name"], lines)


@dataclass(frozen=True)
class ReturnDocLine:
    product_name: str
    unit: str
    intake_number: str
    batch_code: str
    expires_on: str | None
    qty: int                    # base-unit thousandths given back
    producer_price: int
    reason: str

    @property
    def value(self) -> int:
        """The goods at the producer's price: what the shop would have owed had they sold."""
        return amount(self.producer_price, self.qty)


@dataclass(frozen=True)
class ReturnDoc:
    id: str
    number: str
    created_at: str
    consignor: Consignor
    reason: str
    user_name: str
    lines: tuple[ReturnDocLine, ...]

    @property
    def value(self) -> int:
        return sum(line.value for line in self.lines)


def return_document(db: Database, return_id: str) -> ReturnDoc:
    """The return ``return_id``: one line per batch given back."""
    head = db.one("SELECT r.id, r.number, r.created_at, r.consignor_id, r.reason, u.full_name"
                  " FROM consignment_returns r JOIN users u ON u.id = r.user_id"
                  " WHERE r.id = ?", (return_id,))
    if head is None:
        raise NotFound(_("Nota retur titipan tidak ditemukan."))
    lines = tuple(ReturnDocLine(*r) for r in db.query(
        "SELECT p.name, p.base_unit, i.number, b.batch_code, b.expires_on, -m.qty,"
        " b.producer_price, m.reason FROM consignment_movements m"
        " JOIN consignment_batches b ON b.id = m.batch_id"
        " JOIN consignment_intakes i ON i.id = b.intake_id"
        " JOIN products p ON p.id = m.product_id"
        " WHERE m.doc_type = 'consignment_return' AND m.doc_id = ? AND m.kind = 'return'"
        " ORDER BY m.rowid", (return_id,)))
    return ReturnDoc(head["id"], head["number"], head["created_at"],
                     get_consignor(db, head["consignor_id"]), head["reason"], head["full_name"],
                     lines)


@dataclass(frozen=True)
class PaymentRow:
    number: str
    at: str
    amount: int
    method: str                 # cash / transfer
    reference: str


@dataclass(frozen=True)
class SettlementPaper:
    """A settlement with its consignor (for the bank account) and the payments made
    against it."""

    settlement: Settlement
    consignor: Consignor
    payments: tuple[PaymentRow, ...]
    user_name: str

    @property
    def paid(self) -> int:
        return sum(p.amount for p in self.payments)

    @property
    def remaining(self) -> int:
        """Still to pay after this settlement: what was owed before it, plus its own sum,
        less what was paid against it."""
        return self.settlement.to_pay - self.paid


def settlement_paper(db: Database, settlement_id: str) -> SettlementPaper:
    settlement = get_settlement(db, settlement_id)
    payments = tuple(PaymentRow(*r) for r in db.query(
        "SELECT number, created_at, amount, method, reference FROM consignor_payments"
        " WHERE settlement_id = ? ORDER BY created_at, rowid", (settlement_id,)))
    user_name = db.scalar("SELECT u.full_name FROM consignment_settlements s"
                          " JOIN users u ON u.id = s.user_id WHERE s.id = ?", (settlement_id,))
    return SettlementPaper(settlement, get_consignor(db, settlement.consignor_id), payments,
                           user_name or "")


def intake_label_items(db: Database, intake_id: str) -> list[tuple[str, int]]:
    """Price labels for an intake: (product id, copies), one per whole piece taken in (one
    for goods sold by weight or measure)."""
    rows = db.query("SELECT b.product_id, b.qty, p.fractional FROM consignment_batches b"
                    " JOIN products p ON p.id = b.product_id WHERE b.intake_id = ?"
                    " ORDER BY b.line_no", (intake_id,))
    if not rows:
        raise NotFound(_("Nota titip tidak ditemukan."))
    return [(r[0], 1 if r[2] else max(r[1] // QTY_SCALE, 1)) for r in rows]


def batch_label_items(db: Database, batch_ids: list[str]) -> list[tuple[str, int]]:
    """Price labels for batches in the shop: (product id, copies), one per whole piece on
    hand (one for goods sold by weight or measure, none for a batch with nothing left)."""
    items = []
    for batch_id in batch_ids:
        row = db.one("SELECT b.product_id, coalesce(l.qty, 0), p.fractional"
                     " FROM consignment_batches b JOIN products p ON p.id = b.product_id"
                     " LEFT JOIN consignment_balances l ON l.batch_id = b.id WHERE b.id = ?",
                     (batch_id,))
        if row is None:
            raise NotFound(_("Batch titipan tidak ditemukan."))
        if row[1] > 0:
            items.append((row[0], 1 if row[2] else max(row[1] // QTY_SCALE, 1)))
    return items
