"""Write-offs and break bulk: goods that leave the shelf without being sold.

A write-off (rusak, kedaluwarsa, hilang) takes goods out of stock at the moving average,
with a manager's approval. Break bulk opens a sack or a carton for retail: a packaging unit
of the same product needs no stock movement (the stock is already counted in base units),
opening one product into another moves the goods and their value, to the rupiah. When the
opened sack is finished, what was sold from it, plus what is left, should add up to what it
held; the shortfall is shrinkage (susut), written off at the average.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from app.i18n import _
from app.models import audit, stock
from app.models.clock import local_date, now_iso
from app.models.consignment import require_own_stock
from app.models.db import Database
from app.models.errors import NotFound, UserError
from app.models.ids import new_id, next_document_number
from app.models.money import QTY_SCALE, div_round_half_up, format_qty, parse_qty
from app.models.settings import get_settings
from app.models.stock_views import day_bounds
from app.models.users import User, require

REASON_KINDS = ("rusak", "kedaluwarsa", "hilang")
#: Most whole units written off or opened in one go: more is a typing slip.
MAX_UNITS = 10_000
MAX_NOTE = 200


def reason_label(kind: str) -> str:
    return {"rusak": _("Rusak"), "kedaluwarsa": _("Kedaluwarsa"),
            "hilang": _("Hilang")}.get(kind, kind)


def _product(db: Database, product_id: str, *, field: str = "product"):
    row = db.one("SELECT * FROM products WHERE id = ?", (product_id,))
    if row is None:
        raise NotFound(_("Produk tidak ditemukan."))
    if row["archived"]:
        raise UserError(_("{name} sudah diarsipkan; pulihkan dulu.").format(name=row["name"]),
                        field)
    require_own_stock(db, product_id, field=field)
    return row


def _note(text) -> str:
    return (text if isinstance(text, str) else "").strip()[:MAX_NOTE]


def _number(db: Database, kind: str, marker: str, at: str) -> str:
    settings = get_settings(db)
    return next_document_number(db, kind=kind, shop_code=settings.shop_code,
                                day=local_date(at, settings.zone), marker=marker)


# --- write-offs -------------------------------------------------------------------------


@dataclass(frozen=True)
class WriteOff:
    id: str
    number: str
    product_id: str
    qty: int             # base-unit thousandths taken out
    value: int           # rupiah of stock value lost (positive)
    reason_kind: str
    note: str
    user_id: str
    approved_by: str
    created_at: str


def write_off(db: Database, *, user: User, product_id: str, qty, reason_kind: str,
              note: str = "", approver: User) -> WriteOff:
    """Take damaged, expired or lost goods out of stock, approved by a manager.

    More than the books hold is allowed: the shelf is the truth, and the negative balance
    shows that a count is due."""
    require(user, "stock.handle")
    require(approver, "stock.adjust")
    if reason_kind not in REASON_KINDS:
        raise UserError(_("Alasan penghapusan harus rusak, kedaluwarsa atau hilang."),
                        "reason_kind")
    with db.atomic():
        product = _product(db, product_id)
        taken = parse_qty(qty, field="qty", what=_("Jumlah yang dihapus"),
                          fractional=bool(product["fractional"]), maximum=MAX_UNITS * QTY_SCALE)
        at = now_iso()
        number = _number(db, "writeoff", "W", at)
        writeoff_id = new_id()
        text = _note(note)
        movement = stock.record_movement(
            db, user_id=user.id, product_id=product_id, kind="writeoff", qty=-taken,
            doc_type="writeoff", doc_id=writeoff_id,
            reason=f"{reason_label(reason_kind)}: {text}" if text else reason_label(reason_kind))
        db.execute("INSERT INTO writeoffs(id, number, product_id, qty, value, reason_kind, note,"
                   " user_id, approved_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (writeoff_id, number, product_id, taken, -movement.value, reason_kind, text,
                    user.id, approver.id, at))
        audit.record(db, user_id=user.id, action="stock.writeoff", entity="product",
                     entity_id=product_id, detail={
                         "number": number, "qty": taken, "value": -movement.value,
                         "reason": reason_kind, "note": text,
                         "approved_by": approver.username})
        return WriteOff(writeoff_id, number, product_id, taken, -movement.value, reason_kind,
                        text, user.id, approver.id, at)


# --- break bulk ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BulkOpen:
    """An opened sack or carton. Quantities are thousandths: ``source_qty`` of the unit
    opened, the rest of the target product's base unit."""

    id: str
    number: str
    source_product_id: str
    source_unit_id: str | None
    source_unit_name: str
    source_qty: int
    target_product_id: str
    expected_qty: int
    opened_by: str
    opened_at: str
    closed_by: str | None = None
    closed_at: str | None = None
    sold_qty: int | None = None
    remaining_qty: int | None = None
    susut_qty: int | None = None     # expected − sold − remaining; negative: more than expected

    @property
    def unit_factor(self) -> int:
        """Target thousandths in one opened unit: sales of this size or more did not come
        out of the opened pack."""
        return self.expected_qty * QTY_SCALE // self.source_qty


def _bulk(row) -> BulkOpen:
    return BulkOpen(*(row[k] for k in (
        "id", "number", "source_product_id", "source_unit_id", "source_unit_name", "source_qty",
        "target_product_id", "expected_qty", "opened_by", "opened_at", "closed_by",
        "closed_at", "sold_qty", "remaining_qty", "susut_qty")))


def get_bulk(db: Database, bulk_id: str) -> BulkOpen:
    row = db.one("SELECT * FROM bulk_opens WHERE id = ?", (bulk_id,))
    if row is None:
        raise NotFound(_("Catatan buka kemasan tidak ditemukan."))
    return _bulk(row)


def open_bulks(db: Database) -> list[BulkOpen]:
    """Packs open now, oldest first."""
    return [_bulk(r) for r in db.query(
        "SELECT * FROM bulk_opens WHERE closed_at IS NULL ORDER BY opened_at, id")]


def _opened_unit(db: Database, source, unit_id: str | None):
    """(unit id, unit name, factor) of what is opened."""
    if unit_id is None:
        return None, source["base_unit"], QTY_SCALE
    unit = db.one("SELECT * FROM product_units WHERE id = ? AND product_id = ?",
                  (unit_id, source["id"]))
    if unit is None:
        raise UserError(_("Kemasan itu bukan kemasan {name}.").format(name=source["name"]),
                        "unit")
    return unit["id"], unit["name"], unit["factor"]


def open_bulk(db: Database, *, user: User, source_product_id: str, unit_id: str | None = None,
              qty=QTY_SCALE, target_product_id: str | None = None,
              content=None) -> BulkOpen:
    """Open ``qty`` of a pack for retail.

    Without a target (or with the same product) ``unit_id`` names the packaging unit opened
    (karung 50 kg of beras curah): stock is already in base units, so nothing moves; the
    record says how much the pack should yield. With another target product the source
    goes out and the target comes in at the same value. ``content`` is how much of the
    target's base unit one of the source's base unit gives (typed, or thousandths); it may be
    left out when both products have the same base unit."""
    require(user, "stock.handle")
    with db.atomic():
        source = _product(db, source_product_id, field="source")
        target_id = target_product_id or source_product_id
        target = source if target_id == source_product_id else _product(db, target_id,
                                                                         field="target")
        opened_id, opened_name, factor = _opened_unit(db, source, unit_id)
        same = target["id"] == source["id"]
        if same and factor <= QTY_SCALE:
            raise UserError(_("Pilih kemasan yang dibuka (karung, dus ...) yang lebih besar dari"
                              " 1 {unit}.").format(unit=source["base_unit"]), "unit")
        opened_qty = parse_qty(qty, field="qty", what=_("Jumlah kemasan dibuka"),
                               fractional=opened_id is None and bool(source["fractional"]),
                               maximum=MAX_UNITS * QTY_SCALE)
        source_base = opened_qty * factor // QTY_SCALE
        if same:
            expected = source_base
        else:
            per_unit = _content(source, target, content)
            expected = source_base * per_unit // QTY_SCALE
            if stock.on_hand(db, source["id"]) < source_base:
                raise UserError(_("Stok {name} tinggal {left}: tidak cukup untuk dibuka {qty}.")
                                .format(name=source["name"],
                                        left=format_qty(stock.on_hand(db, source["id"]),
                                                        source["base_unit"]),
                                        qty=format_qty(source_base, source["base_unit"])), "qty")
        if source_base <= 0 or expected <= 0:
            raise UserError(_("Jumlah kemasan dibuka terlalu kecil."), "qty")
        already = db.scalar("SELECT number FROM bulk_opens WHERE target_product_id = ?"
                            " AND closed_at IS NULL", (target["id"],))
        if already:
            raise UserError(_("Kemasan {name} masih terbuka ({number}); tutup dulu dan catat"
                              " sisanya sebelum membuka yang baru.").format(
                name=target["name"], number=already), "target")
        at = now_iso()
        number = _number(db, "bulk", "B", at)
        bulk_id = new_id()
        db.execute(
            "INSERT INTO bulk_opens(id, number, source_product_id, source_unit_id,"
            " source_unit_name, source_qty, target_product_id, expected_qty, opened_by,"
            " opened_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (bulk_id, number, source["id"], opened_id, opened_name, opened_qty, target["id"],
             expected, user.id, at))
        value = 0
        if not same:
            reason = _("Buka kemasan {number}").format(number=number)
            out = stock.record_movement(db, user_id=user.id, product_id=source["id"],
                                        kind="breakbulk", qty=-source_base, doc_type="bulk",
                                        doc_id=bulk_id, reason=reason)
            value = -out.value
            stock.record_movement(db, user_id=user.id, product_id=target["id"],
                                  kind="breakbulk", qty=expected, value=value, doc_type="bulk",
                                  doc_id=bulk_id, reason=reason)
            _reprice(db, target["id"], target["cost"])
        audit.record(db, user_id=user.id, action="stock.bulk.open", entity="bulk",
                     entity_id=bulk_id, detail={
                         "number": number, "source": source["name"], "unit": opened_name,
                         "qty": opened_qty, "target": target["name"], "expected": expected,
                         "value": value})
        return get_bulk(db, bulk_id)


def _content(source, target, content) -> int:
    if content is None or content == "":
        if source["base_unit"].lower() != target["base_unit"].lower():
            raise UserError(_("Tulis isi 1 {source} dalam {target}.").format(
                source=source["base_unit"], target=target["base_unit"]), "content")
        return QTY_SCALE
    return parse_qty(content, field="content", what=_("Isi kemasan"),
                     fractional=bool(target["fractional"]), maximum=MAX_UNITS * QTY_SCALE)


def _reprice(db: Database, product_id: str, cost: int) -> None:
    """Goods opened into a product come in at what they cost, as a receipt does: its moving
    average (``products.cost``, used when its stock runs out) follows."""
    held = stock.balance(db, product_id)
    if held.qty > 0:
        db.execute("UPDATE products SET cost = ? WHERE id = ?",
                   (stock.average_cost(held, cost), product_id))


def sold_from(db: Database, bulk: BulkOpen) -> int:
    """Base thousandths of the target sold in units smaller than the pack since it was
    opened (until it was closed), less what came back of those sales."""
    until = bulk.closed_at or "9999"
    return db.scalar(
        "SELECT coalesce(sum(l.base_qty + coalesce((SELECT sum(r.base_qty) FROM sale_lines r"
        "  WHERE r.original_line_id = l.id), 0)), 0)"
        " FROM sale_lines l JOIN sales s ON s.id = l.sale_id"
        " WHERE l.product_id = ? AND l.factor < ? AND s.kind = 'sale'"
        " AND s.created_at >= ? AND s.created_at <= ?",
        (bulk.target_product_id, bulk.unit_factor, bulk.opened_at, until))


def close_bulk(db: Database, *, user: User, bulk_id: str, remaining=0) -> BulkOpen:
    """Finish an opened pack: what it held less what was sold from it and what is left is
    shrinkage, written off at the average (a manager's call: ``stock.adjust``)."""
    require(user, "stock.adjust")
    with db.atomic():
        bulk = get_bulk(db, bulk_id)
        if bulk.closed_at is not None:
            raise UserError(_("Kemasan {number} sudah ditutup.").format(number=bulk.number))
        target = db.one("SELECT * FROM products WHERE id = ?", (bulk.target_product_id,))
        left = parse_qty(remaining, field="remaining", what=_("Sisa di kemasan"),
                         fractional=bool(target["fractional"]), allow_zero=True,
                         maximum=MAX_UNITS * QTY_SCALE)
        at = now_iso()
        sold = sold_from(db, replace(bulk, closed_at=at))
        susut = bulk.expected_qty - sold - left
        value = 0
        if susut > 0:
            moved = stock.record_movement(
                db, user_id=user.id, product_id=target["id"], kind="susut", qty=-susut,
                doc_type="bulk", doc_id=bulk_id,
                reason=_("Susut {number}").format(number=bulk.number))
            value = -moved.value
        db.execute("UPDATE bulk_opens SET closed_by = ?, closed_at = ?, sold_qty = ?,"
                   " remaining_qty = ?, susut_qty = ? WHERE id = ?",
                   (user.id, at, sold, left, susut, bulk_id))
        audit.record(db, user_id=user.id, action="stock.bulk.close", entity="bulk",
                     entity_id=bulk_id, detail={
                         "number": bulk.number, "expected": bulk.expected_qty, "sold": sold,
                         "remaining": left, "susut": susut, "value": value})
        return get_bulk(db, bulk_id)


# --- the susut report -------------------------------------------------------------------


@dataclass(frozen=True)
class SusutRow:
    product_id: str
    name: str
    unit: str
    bulks: int           # packs closed in the period
    expected: int        # what they should have yielded (thousandths)
    sold: int
    remaining: int
    susut: int           # expected − sold − remaining, summed
    susut_bp: int        # susut per expected, in basis points (1,25% = 125)
    susut_value: int     # rupiah written off as susut

    @property
    def susut_percent(self) -> str:
        """``1,25%``: basis points as people read them."""
        sign = "-" if self.susut_bp < 0 else ""
        whole, frac = divmod(abs(self.susut_bp), 100)
        return f"{sign}{whole},{frac:02d}%"


def susut_report(db: Database, date_from: date, date_to: date) -> list[SusutRow]:
    """Shrinkage per product over the packs closed between two days (shop time)."""
    start, end = day_bounds(db, date_from, date_to)
    rows = db.query(
        "SELECT b.target_product_id AS id, p.name, p.base_unit, count(*) AS bulks,"
        " sum(b.expected_qty) AS expected, sum(b.sold_qty) AS sold,"
        " sum(b.remaining_qty) AS remaining, sum(b.susut_qty) AS susut,"
        " coalesce(sum((SELECT -sum(m.value) FROM stock_movements m WHERE m.doc_type = 'bulk'"
        "   AND m.doc_id = b.id AND m.kind = 'susut')), 0) AS value"
        " FROM bulk_opens b JOIN products p ON p.id = b.target_product_id"
        " WHERE b.closed_at >= ? AND b.closed_at < ?"
        " GROUP BY b.target_product_id ORDER BY p.name COLLATE NOCASE, p.id", (start, end))
    return [SusutRow(r["id"], r["name"], r["base_unit"], r["bulks"], r["expected"], r["sold"],
                     r["remaining"], r["susut"],
                     div_round_half_up(r["susut"] * 10_000, r["expected"]), r["value"])
            for r in rows]
