"""Read-only views of consignment for the treasurer's screens: one row per producer with what
the shop owes them now, what has sold since the last settlement, and the next period to
settle. Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.models.consignment_settlement import SETTLED_KINDS, default_period, last_settlement
from app.models.consignors import Consignor, list_consignors
from app.models.db import Database


@dataclass(frozen=True)
class ConsignorDue:
    consignor: Consignor
    unsettled: int              # sold (less returns, plus count charges) and not yet settled
    last_number: str            # the last settlement's number, "" when there was none
    last_period_to: date | None
    next_from: date             # the next period to settle (default_period)
    next_to: date

    @property
    def balance(self) -> int:
        """Settled and not yet paid."""
        return self.consignor.balance


def _unsettled_by_consignor(db: Database) -> dict[str, int]:
    return dict(db.query(
        "SELECT m.consignor_id, sum(m.due) FROM consignment_movements m"
        f" WHERE m.kind IN {SETTLED_KINDS} AND NOT EXISTS"
        " (SELECT 1 FROM consignment_settlement_lines l WHERE l.movement_id = m.id)"
        " GROUP BY m.consignor_id"))


def settlement_overview(db: Database, text: str = "") -> list[ConsignorDue]:
    """Every active producer (matching ``text``) with their balance and next period, in
    name order: what the treasurer's settlement list shows."""
    unsettled = _unsettled_by_consignor(db)
    rows = []
    for consignor in list_consignors(db, text):
        last = last_settlement(db, consignor.id)
        start, end = default_period(db, consignor.id)
        rows.append(ConsignorDue(
            consignor, unsettled.get(consignor.id, 0), last["number"] if last else "",
            date.fromisoformat(last["period_to"]) if last else None, start, end))
    return rows
