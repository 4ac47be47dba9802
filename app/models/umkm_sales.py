"""What local producers sold (the produk unggulan report): consigned goods from the
consignment ledger, and the shop's own goods whose producer is named in their compliance
record, by village, producer and product."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.models.db import Database
from app.models.program_goods import report_bounds


@dataclass(frozen=True)
class FlagshipRow:
    """One product of one producer over the period, net of customers' returns."""

    village: str
    producer_id: str
    producer_name: str
    product_id: str
    product_name: str
    unit: str
    consigned: bool       # titip jual; else bought outright from the producer
    qty: int              # base-unit thousandths
    gross: int            # what customers paid
    due: int | None       # what the producers are owed for it (consigned goods only)


def flagship_sales(db: Database, date_from: date, date_to: date) -> list[FlagshipRow]:
    """Sales of local producers' goods on the shop's days ``date_from``..``date_to``: the
    consignment ledger's sales and returns, and sale lines of the shop's own goods whose
    producer is named in their compliance record. By village, producer and product."""
    start, end = report_bounds(db, date_from, date_to)
    consigned = db.query(
        "SELECT c.village, c.id, c.name, p.id, p.name, p.base_unit, 1, -sum(m.qty),"
        " sum(m.gross), sum(m.due) FROM consignment_movements m"
        " JOIN consignors c ON c.id = m.consignor_id JOIN products p ON p.id = m.product_id"
        " WHERE m.kind IN ('sale', 'sale_return') AND m.created_at >= ? AND m.created_at < ?"
        " GROUP BY c.id, p.id", (start, end))
    bought = db.query(
        "SELECT c.village, c.id, c.name, p.id, p.name, p.base_unit, 0, sum(l.base_qty),"
        " sum(l.net_amount), NULL FROM sales s JOIN sale_lines l ON l.sale_id = s.id"
        " JOIN product_compliance pc ON pc.product_id = l.product_id"
        " JOIN consignors c ON c.id = pc.producer_id JOIN products p ON p.id = l.product_id"
        " WHERE s.created_at >= ? AND s.created_at < ? AND NOT EXISTS"
        " (SELECT 1 FROM consignment_movements m WHERE m.sale_line_id = l.id)"
        " GROUP BY c.id, p.id", (start, end))
    rows = [FlagshipRow(*r[:6], bool(r[6]), *r[7:]) for r in (*consigned, *bought)]
    return sorted(rows, key=lambda r: (r.village.lower(), r.producer_name.lower(),
                                       r.product_name.lower(), not r.consigned))
