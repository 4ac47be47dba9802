"""What the manager reads about stock: the stock card, stock on hand, low stock, lots near
their expiry, and the valuation by category. Reads only.

The big lists (every product of a 50,000-product catalog, a year of movements of a busy
product) are rows of NamedTuples: immutable like the frozen dataclasses elsewhere, but made
at C speed, which keeps those screens within their 50 ms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from app.i18n import _
from app.models import stock
from app.models.clock import local_date, now_iso, to_iso, zone
from app.models.db import Database
from app.models.errors import NotFound, UserError
from app.models.money import amount
from app.models.settings import get_settings

#: The furthest ahead the near-expiry list looks, in days.
MAX_EXPIRY_DAYS = 3660
#: Sorts after every ISO timestamp: "no end".
_END_OF_TIME = "9999"


def kind_label(kind: str) -> str:
    """A movement kind as the stock card names it."""
    return {
        "opening": _("Stok awal"),
        "adjustment": _("Koreksi stok"),
        "sale": _("Penjualan"),
        "return": _("Retur"),
        "receipt": _("Penerimaan barang"),
        "writeoff": _("Penghapusan"),
        "count": _("Stok opname"),
        "breakbulk": _("Buka kemasan"),
        "susut": _("Susut"),
    }.get(kind, kind)


def _as_date(value, field: str) -> date | None:
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise UserError(_("Tanggal tidak valid: {text}. Tulis mis. 2026-01-31.").format(
            text=str(value)[:20]), field) from None


def _tuples(db: Database, sql: str, params=()):
    """Rows as plain tuples: for the long lists, where sqlite3.Row costs time."""
    cursor = db.conn.cursor()
    cursor.row_factory = None
    return cursor.execute(sql, params)


def day_bounds(db: Database, date_from, date_to) -> tuple[str, str]:
    """The UTC ISO range [start, end) of the shop's days ``date_from``..``date_to``
    (inclusive; None leaves that side open)."""
    first, last = _as_date(date_from, "date_from"), _as_date(date_to, "date_to")
    if first and last and first > last:
        raise UserError(_("Tanggal awal sesudah tanggal akhir."), "date_from")
    shop_zone = zone(get_settings(db).zone)

    def midnight(day: date) -> str:
        return to_iso(datetime.combine(day, time(0), shop_zone))

    return (midnight(first) if first else "",
            midnight(last + timedelta(days=1)) if last else _END_OF_TIME)


# --- the stock card ---------------------------------------------------------------------


class CardLine(NamedTuple):
    """One line of the card, as people read it (no record ids: a year of a busy product is
    tens of thousands of lines, and every column read costs)."""

    created_at: str          # UTC ISO; show with clock.format_local
    kind: str
    kind_label: str
    qty: int                 # base-unit thousandths, + in, − out
    value: int               # rupiah added to the stock value (− out)
    balance_qty: int         # after this movement
    balance_value: int
    doc_type: str | None
    doc_number: str | None
    user_name: str
    reason: str


@dataclass(frozen=True)
class StockCard:
    product_id: str
    name: str
    unit: str
    opening_qty: int
    opening_value: int
    lines: tuple[CardLine, ...]

    @property
    def closing_qty(self) -> int:
        return self.lines[-1].balance_qty if self.lines else self.opening_qty

    @property
    def closing_value(self) -> int:
        return self.lines[-1].balance_value if self.lines else self.opening_value


#: The table holding each kind of document a movement points to, for its number.
_DOC_TABLES = {"sale": "sales", "return": "sales", "void": "sales",
               "stock_count": "stock_counts", "writeoff": "writeoffs",
               "receipt": "goods_receipts", "bulk": "bulk_opens"}
#: One lookup per line, in the one table its document type names.
_DOC_NUMBER = "CASE m.doc_type " + " ".join(
    f"WHEN '{doc_type}' THEN (SELECT number FROM {table} WHERE id = m.doc_id)"
    for doc_type, table in _DOC_TABLES.items()) + " END"


def stock_card(db: Database, product_id: str, date_from=None, date_to=None) -> StockCard:
    """Kartu stok: the balance before ``date_from``, then every movement to ``date_to`` in
    the order it happened, with the running balance, its document's number and who."""
    product = db.one("SELECT id, name, base_unit FROM products WHERE id = ?", (product_id,))
    if product is None:
        raise NotFound(_("Produk tidak ditemukan."))
    start, end = day_bounds(db, date_from, date_to)
    opening = db.one("SELECT coalesce(sum(qty), 0), coalesce(sum(value), 0)"
                     " FROM stock_movements WHERE product_id = ? AND created_at < ?",
                     (product_id, start)) if start else (0, 0)
    users = dict(_tuples(db, "SELECT id, full_name FROM users"))
    rows = _tuples(
        db,
        f"SELECT m.created_at, m.kind, m.qty, m.value, m.doc_type, {_DOC_NUMBER},"
        " m.user_id, m.reason FROM stock_movements m"
        " WHERE m.product_id = ? AND m.created_at >= ? AND m.created_at < ?"
        " ORDER BY m.id", (product_id, start, end))
    qty, value = opening[0], opening[1]
    labels = {kind: kind_label(kind) for kind in stock.KINDS}
    lines = []
    append = lines.append
    # A year of a busy product is tens of thousands of rows: one plain loop, no lookups
    # but two dicts.
    make = CardLine._make   # tuple.__new__ straight away: no Python-level __new__ per line
    for at, kind, moved, worth, doc_type, number, user_id, reason in rows:
        qty += moved
        value += worth
        append(make((at, kind, labels.get(kind) or kind, moved, worth, qty, value, doc_type,
                     number, users.get(user_id, ""), reason)))
    return StockCard(product["id"], product["name"], product["base_unit"], opening[0],
                     opening[1], tuple(lines))


# --- stock on hand, low stock, valuation ----------------------------------------------------


class StockRow(NamedTuple):
    id: str
    name: str
    category: str
    unit: str
    qty: int
    value: int
    average_cost: int        # rupiah per base unit (stock.average_cost)
    min_stock: int
    archived: int            # 1 when archived (SQLite's boolean, read as it is)


#: stock.average_cost in SQL: value / qty rounded half up, never below zero; the product's
#: cost when nothing is held.
_AVERAGE = ("CASE WHEN coalesce(b.qty, 0) <= 0 THEN p.cost WHEN b.value <= 0 THEN 0"
            " ELSE (b.value * 2000 + b.qty) / (2 * b.qty) END")


def stock_on_hand(db: Database) -> list[StockRow]:
    """Every product (archived ones too, flagged) with its stock, value and average cost:
    one query, in the order the products were added. Not sorted here: sorting 50,000 names
    costs as much as reading them, and each screen or report sorts its own way."""
    return list(map(StockRow._make, _tuples(
        db,
        "SELECT p.id, p.name, p.category, p.base_unit, coalesce(b.qty, 0),"
        f" coalesce(b.value, 0), {_AVERAGE}, p.min_stock, p.archived"
        # Consigned goods are the producers' (see consignment_stock.batches), not the shop's stock.
        " FROM products p LEFT JOIN stock_balances b ON b.product_id = p.id"
        " WHERE p.consigned = 0")))


@dataclass(frozen=True)
class LowStock:
    id: str
    name: str
    category: str
    unit: str
    qty: int
    min_stock: int

    @property
    def shortfall(self) -> int:
        """What brings the shelf back to its minimum."""
        return self.min_stock - self.qty


def low_stock(db: Database) -> list[LowStock]:
    """Products on sale at or under their minimum stock (those with a minimum set)."""
    return [LowStock(*r) for r in db.query(
        "SELECT p.id, p.name, p.category, p.base_unit, coalesce(b.qty, c.qty, 0), p.min_stock"
        " FROM products p LEFT JOIN stock_balances b ON b.product_id = p.id"
        " LEFT JOIN consigned_stock c ON c.product_id = p.id"
        # "+": scanning the table beats the products_name index here (one lookup a row).
        " WHERE +p.archived = 0 AND p.min_stock > 0"
        " AND coalesce(b.qty, c.qty, 0) <= p.min_stock"
        " ORDER BY p.category COLLATE NOCASE, p.name COLLATE NOCASE, p.id")]


@dataclass(frozen=True)
class CategoryValue:
    category: str            # "" for products without one
    products: int
    qty: int                 # thousandths of mixed units: a size, not a measure
    value: int               # rupiah at the moving average


def valuation(db: Database) -> list[CategoryValue]:
    """Stock value by category: products on sale, and archived ones still holding stock."""
    return [CategoryValue(*r) for r in db.query(
        "SELECT p.category, count(*), coalesce(sum(b.qty), 0), coalesce(sum(b.value), 0)"
        " FROM products p LEFT JOIN stock_balances b ON b.product_id = p.id"
        " WHERE p.consigned = 0 AND (p.archived = 0 OR coalesce(b.qty, 0) <> 0"
        " OR coalesce(b.value, 0) <> 0) GROUP BY p.category ORDER BY p.category COLLATE NOCASE")]


# --- expiry ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpiringLot:
    product_id: str
    name: str
    unit: str
    lot: str
    expiry: str              # ISO date
    days_left: int           # negative: expired that many days ago
    received_qty: int
    remaining_qty: int       # what is probably still on the shelf of this lot
    value: int               # at the moving average

    @property
    def expired(self) -> bool:
        return self.days_left < 0


def near_expiry(db: Database, days: int = 30, today: date | None = None) -> list[ExpiringLot]:
    """Lots that expire within ``days`` (or already did) and are probably still on the shelf.

    First-expiry-first-out: the shelf is sold in expiry order, so what is on hand sits in the
    lots that expire last; older lots are taken to be gone."""
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= MAX_EXPIRY_DAYS:
        raise UserError(_("Jumlah hari harus antara 0 dan {n}.").format(n=MAX_EXPIRY_DAYS),
                        "days")
    today = _as_date(today, "today") or local_date(now_iso(), get_settings(db).zone)
    horizon = (today + timedelta(days=days)).isoformat()
    rows = db.query(
        "SELECT l.product_id, p.name, p.base_unit, p.cost, coalesce(b.qty, 0) AS qty,"
        " coalesce(b.value, 0) AS value, l.lot, l.expiry, sum(l.base_qty) AS received"
        " FROM goods_receipt_lines l JOIN products p ON p.id = l.product_id"
        " LEFT JOIN stock_balances b ON b.product_id = l.product_id"
        " WHERE l.expiry IS NOT NULL AND l.product_id IN (SELECT product_id"
        "   FROM goods_receipt_lines WHERE expiry IS NOT NULL AND expiry <= ?)"
        " GROUP BY l.product_id, l.expiry, l.lot"
        " ORDER BY l.product_id, l.expiry DESC, l.lot DESC", (horizon,))
    found: list[ExpiringLot] = []
    left, product_id = 0, None
    for r in rows:
        if r["product_id"] != product_id:
            product_id, left = r["product_id"], max(r["qty"], 0)
            average = stock.average_cost(stock.Balance(r["qty"], r["value"]), r["cost"])
        remaining = min(r["received"], left)
        left -= remaining
        if remaining > 0 and r["expiry"] <= horizon:
            found.append(ExpiringLot(
                product_id, r["name"], r["base_unit"], r["lot"], r["expiry"],
                (date.fromisoformat(r["expiry"]) - today).days, r["received"], remaining,
                amount(average, remaining)))
    found.sort(key=lambda lot: (lot.expiry, lot.name.lower(), lot.lot))
    return found
