"""Purchase orders to distributors and the suggestions that propose them.

A PO goes draft → sent → partly received → received, or is cancelled before anything
arrives. Lines are in packaging units (karung, dus) with the price per pack. What has been
received is never stored on the PO: it is the sum of the goods receipts against each line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from app.i18n import _
from app.models import audit, suppliers
from app.models.clock import local_date, now, now_iso, to_iso
from app.models.consignment import require_own_stock
from app.models.db import Database
from app.models.errors import NotFound, Problem, UserError, ValidationError
from app.models.ids import new_id, next_document_number
from app.models.money import MAX_RUPIAH, QTY_SCALE, amount, format_qty, parse_qty, parse_rupiah
from app.models.products import Product, get_product
from app.models.settings import get_settings
from app.models.users import User, require

STATUSES = ("draft", "sent", "partial", "received", "cancelled")
MAX_LINES = 500


def status_label(status: str) -> str:
    return {
        "draft": _("Draf"),
        "sent": _("Terkirim"),
        "partial": _("Diterima sebagian"),
        "received": _("Selesai"),
        "cancelled": _("Dibatalkan"),
    }[status]


@dataclass(frozen=True)
class LineInput:
    """One line as typed or scanned: ``qty`` in the unit (text or thousandths), price per unit."""

    product_id: str
    qty: object
    unit_price: object
    unit_id: str | None = None


@dataclass(frozen=True)
class DocLine:
    """A checked line: quantities in thousandths of the unit and of the base unit."""

    product_id: str
    name: str
    unit_id: str | None
    unit_name: str
    factor: int
    qty: int
    unit_price: int
    fractional: bool

    @property
    def base_qty(self) -> int:
        return self.qty * self.factor // QTY_SCALE

    @property
    def amount(self) -> int:
        return amount(self.unit_price, self.qty)


def unit_of(product: Product, unit_id: str | None) -> tuple[str | None, str, int]:
    """(unit id, unit name, factor) of a product's packaging unit or its base unit."""
    if unit_id is None:
        return None, product.base_unit, QTY_SCALE
    for unit in product.units:
        if unit.id == unit_id:
            return unit.id, unit.name, unit.factor
    raise UserError(_("Kemasan itu bukan milik {name}.").format(name=product.name), "unit")


def read_lines(db: Database, lines, *, what_price: str | None = None) -> list[DocLine]:
    """Check every line of a document, collecting each problem with its line number."""
    if not lines:
        raise UserError(_("Belum ada barang di dokumen ini."), "lines")
    if len(lines) > MAX_LINES:
        raise UserError(_("Terlalu banyak baris (paling banyak {n}).").format(n=MAX_LINES),
                        "lines")
    problems, checked = [], []
    for row, line in enumerate(lines, start=1):
        try:
            checked.append(read_line(db, line, what_price=what_price))
        except UserError as e:
            problems.append(Problem(e.field or "lines", _("Baris {n}: {problem}").format(
                n=row, problem=e.message), row))
    if problems:
        raise ValidationError(problems)
    return checked


def read_line(db: Database, line: LineInput, *, what_price: str | None = None) -> DocLine:
    product = get_product(db, line.product_id)
    if product.archived:
        raise UserError(_("{name} sudah diarsipkan; pulihkan dulu.").format(name=product.name),
                        "product")
    require_own_stock(db, product.id)
    unit_id, unit_name, factor = unit_of(product, line.unit_id)
    # Packs come whole; only goods weighed or measured in their base unit take decimals.
    qty = parse_qty(line.qty, field="qty", what=_("Jumlah {name}").format(name=product.name),
                    fractional=product.fractional and factor == QTY_SCALE)
    if qty * factor // QTY_SCALE <= 0:
        raise UserError(_("Jumlah {name} terlalu kecil.").format(name=product.name), "qty")
    price = parse_rupiah(line.unit_price, field="price",
                         what=what_price or _("Harga beli {name}").format(name=product.name))
    if amount(price, qty) > MAX_RUPIAH:
        raise UserError(_("Nilai baris {name} terlalu besar.").format(name=product.name), "qty")
    return DocLine(product.id, product.name, unit_id, unit_name, factor, qty, price,
                   product.fractional)


# --- purchase orders --------------------------------------------------------------------


@dataclass(frozen=True)
class POLine(DocLine):
    id: str = ""
    line_no: int = 0
    received_base: int = 0

    @property
    def remaining_base(self) -> int:
        return max(self.base_qty - self.received_base, 0)

    @property
    def received_text(self) -> str:
        return format_qty(self.received_base * QTY_SCALE // self.factor, self.unit_name)


@dataclass(frozen=True)
class PurchaseOrder:
    id: str
    number: str
    supplier_id: str
    supplier_name: str
    status: str
    note: str
    created_at: str
    sent_at: str | None
    closed_at: str | None
    lines: tuple[POLine, ...] = ()

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def receivable(self) -> bool:
        return self.status in ("draft", "sent", "partial")


def get_po(db: Database, po_id: str) -> PurchaseOrder:
    row = db.one("SELECT o.*, s.name AS supplier_name FROM purchase_orders o"
                 " JOIN suppliers s ON s.id = o.supplier_id WHERE o.id = ?", (po_id,))
    if row is None:
        raise NotFound(_("Pesanan pembelian tidak ditemukan."))
    lines = tuple(POLine(
        r["product_id"], r["name"], r["unit_id"], r["unit_name"], r["factor"], r["qty"],
        r["unit_price"], bool(r["fractional"]), id=r["id"], line_no=r["line_no"],
        received_base=r["received"]) for r in db.query(
        "SELECT l.*, p.name, p.fractional, coalesce((SELECT sum(g.base_qty)"
        " FROM goods_receipt_lines g WHERE g.po_line_id = l.id), 0) AS received"
        " FROM purchase_order_lines l JOIN products p ON p.id = l.product_id"
        " WHERE l.po_id = ? ORDER BY l.line_no", (po_id,)))
    return PurchaseOrder(row["id"], row["number"], row["supplier_id"], row["supplier_name"],
                         row["status"], row["note"], row["created_at"], row["sent_at"],
                         row["closed_at"], lines)


def find_po(db: Database, number: str) -> PurchaseOrder:
    po_id = db.scalar("SELECT id FROM purchase_orders WHERE number = ?", (number.strip(),))
    if po_id is None:
        raise NotFound(_("Pesanan {number} tidak ditemukan.").format(number=number.strip()))
    return get_po(db, po_id)


@dataclass(frozen=True)
class POSummary:
    id: str
    number: str
    supplier_name: str
    status: str
    created_at: str
    total: int
    lines: int


def list_pos(db: Database, *, status: str | None = None, supplier_id: str | None = None,
             limit: int = 500) -> list[POSummary]:
    where, params = [], []
    if status == "open":
        where.append("o.status IN ('draft', 'sent', 'partial')")
    elif status:
        where.append("o.status = ?")
        params.append(status)
    if supplier_id:
        where.append("o.supplier_id = ?")
        params.append(supplier_id)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return [POSummary(*r) for r in db.query(
        "SELECT o.id, o.number, s.name, o.status, o.created_at,"
        " coalesce(sum(l.amount), 0), count(l.id) FROM purchase_orders o"
        " JOIN suppliers s ON s.id = o.supplier_id"
        f" LEFT JOIN purchase_order_lines l ON l.po_id = o.id{clause}"
        " GROUP BY o.id ORDER BY o.created_at DESC LIMIT ?", [*params, limit])]


def _write_lines(db: Database, po_id: str, lines: list[DocLine], start: int = 1) -> None:
    db.executemany(
        "INSERT INTO purchase_order_lines(id, po_id, line_no, product_id, unit_id, unit_name,"
        " factor, qty, unit_price, amount) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(new_id(), po_id, n, li.product_id, li.unit_id, li.unit_name, li.factor, li.qty,
          li.unit_price, li.amount) for n, li in enumerate(lines, start=start)])


def create_po(db: Database, *, user: User, supplier_id: str, lines, note: str = ""
              ) -> PurchaseOrder:
    """A draft order to a supplier, numbered ``KDMP017-261126-P0001``."""
    require(user, "purchase.manage")
    with db.atomic():
        supplier = suppliers.get_supplier(db, supplier_id)
        if supplier.archived:
            raise UserError(_("{name} sudah diarsipkan.").format(name=supplier.name), "supplier")
        checked = read_lines(db, lines)
        settings = get_settings(db)
        at = now_iso()
        po_id = new_id()
        number = next_document_number(db, kind="po", shop_code=settings.shop_code,
                                      day=local_date(at, settings.zone), marker="P")
        db.execute("INSERT INTO purchase_orders(id, number, supplier_id, status, note,"
                   " created_by, created_at, updated_at) VALUES (?, ?, ?, 'draft', ?, ?, ?, ?)",
                   (po_id, number, supplier_id, (note or "").strip()[:300], user.id, at, at))
        _write_lines(db, po_id, checked)
        audit.record(db, user_id=user.id, action="po.create", entity="purchase_order",
                     entity_id=po_id, detail={"number": number, "lines": len(checked)})
    return get_po(db, po_id)


def _editable(db: Database, po_id: str, *allowed: str) -> PurchaseOrder:
    po = get_po(db, po_id)
    if po.status not in allowed:
        raise UserError(_("Pesanan {number} berstatus {status}; tidak bisa diubah begitu.")
                        .format(number=po.number, status=status_label(po.status)))
    return po


def update_po(db: Database, *, user: User, po_id: str, lines, note: str = "") -> PurchaseOrder:
    """Replace the lines of a draft (a sent order is a promise to the supplier: cancel it)."""
    require(user, "purchase.manage")
    with db.atomic():
        po = _editable(db, po_id, "draft")
        checked = read_lines(db, lines)
        db.execute("DELETE FROM purchase_order_lines WHERE po_id = ?", (po_id,))
        _write_lines(db, po_id, checked)
        db.execute("UPDATE purchase_orders SET note = ?, updated_at = ? WHERE id = ?",
                   ((note or "").strip()[:300], now_iso(), po_id))
        audit.record(db, user_id=user.id, action="po.update", entity="purchase_order",
                     entity_id=po_id, detail={"number": po.number, "lines": len(checked)})
    return get_po(db, po_id)


def _set_status(db: Database, user: User, po: PurchaseOrder, status: str, action: str,
                reason: str = "") -> PurchaseOrder:
    at = now_iso()
    db.execute(
        "UPDATE purchase_orders SET status = ?, updated_at = ?,"
        " sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END,"
        " closed_at = CASE WHEN ? IN ('received', 'cancelled') THEN ? ELSE closed_at END"
        " WHERE id = ?", (status, at, status, at, status, at, po.id))
    audit.record(db, user_id=user.id, action=action, entity="purchase_order", entity_id=po.id,
                 detail={"number": po.number, "status": status, "reason": reason})
    return get_po(db, po.id)


def send_po(db: Database, *, user: User, po_id: str) -> PurchaseOrder:
    require(user, "purchase.manage")
    with db.atomic():
        return _set_status(db, user, _editable(db, po_id, "draft"), "sent", "po.send")


def cancel_po(db: Database, *, user: User, po_id: str, reason: str) -> PurchaseOrder:
    """Cancel an order nothing has been received against; one partly received is closed."""
    require(user, "purchase.manage")
    reason = (reason or "").strip()
    if not reason:
        raise UserError(_("Alasan pembatalan harus diisi."), "reason")
    with db.atomic():
        po = _editable(db, po_id, "draft", "sent", "partial")
        if po.status == "partial":
            raise UserError(_("Sebagian pesanan {number} sudah diterima: tutup pesanan itu,"
                              " jangan dibatalkan.").format(number=po.number))
        db.execute("UPDATE preorders SET status = 'open', po_id = NULL, updated_at = ?"
                   " WHERE po_id = ? AND status = 'ordered'", (now_iso(), po_id))
        return _set_status(db, user, po, "cancelled", "po.cancel", reason[:200])


def close_po(db: Database, *, user: User, po_id: str, reason: str) -> PurchaseOrder:
    """A partly received order the supplier will not complete: nothing more is expected."""
    require(user, "purchase.manage")
    reason = (reason or "").strip()
    if not reason:
        raise UserError(_("Alasan menutup pesanan harus diisi."), "reason")
    with db.atomic():
        po = _editable(db, po_id, "partial")
        return _set_status(db, user, po, "received", "po.close", reason[:200])


def refresh_status(db: Database, user: User, po_id: str) -> str:
    """After a goods receipt: partly received, or received when every line is complete."""
    po = get_po(db, po_id)
    status = "received" if all(li.remaining_base == 0 for li in po.lines) else "partial"
    if status != po.status:
        _set_status(db, user, po, status, "po.receive")
    return status


# --- reorder suggestions ----------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    product_id: str
    name: str
    base_unit: str
    on_hand: int
    on_order: int
    sold: int           # base thousandths sold over the period, net of returns
    min_stock: int
    need: int           # base thousandths to order
    unit_id: str | None
    unit_name: str
    factor: int
    qty: int            # whole packs, in thousandths of the pack
    unit_price: int


def reorder_suggestions(db: Database, *, supplier_id: str, days: int = 30,
                        lead_days: int | None = None, cover_days: int = 7,
                        today=None) -> list[Suggestion]:
    """What to order from a supplier: enough for the lead time and ``cover_days`` more at the
    speed things sold over the last ``days``, topped up to the minimum stock, less what is
    on hand and already on order; rounded up to whole packs of the supplier's usual unit.

    Products come from what the supplier has delivered before (their last price and pack)."""
    if not isinstance(days, int) or not 1 <= days <= 365:
        raise UserError(_("Periode penjualan harus 1–365 hari."), "days")
    if not isinstance(cover_days, int) or not 0 <= cover_days <= 365:
        raise UserError(_("Persediaan untuk berapa hari harus 0–365."), "cover_days")
    supplier = suppliers.get_supplier(db, supplier_id)
    lead = supplier.lead_days if lead_days is None else lead_days
    if not isinstance(lead, int) or not 0 <= lead <= 365:
        raise UserError(_("Waktu tunggu kiriman harus 0–365 hari."), "lead_days")
    since = to_iso(now() - timedelta(days=days))
    rows = db.query(
        "SELECT p.id, p.name, p.base_unit, p.min_stock, p.cost, coalesce(b.qty, 0) AS on_hand,"
        " sp.unit_id, coalesce(u.name, p.base_unit) AS unit_name,"
        " coalesce(u.factor, 1000) AS factor, sp.last_price,"
        " coalesce((SELECT sum(l.base_qty) FROM sale_lines l JOIN sales s ON s.id = l.sale_id"
        "           WHERE l.product_id = p.id AND s.created_at >= ?), 0) AS sold,"
        " coalesce((SELECT sum(ol.qty * ol.factor / 1000) - coalesce(sum((SELECT sum(g.base_qty)"
        "           FROM goods_receipt_lines g WHERE g.po_line_id = ol.id)), 0)"
        "           FROM purchase_order_lines ol JOIN purchase_orders o ON o.id = ol.po_id"
        "           WHERE ol.product_id = p.id AND o.status IN ('draft', 'sent', 'partial')),"
        "          0) AS on_order"
        " FROM supplier_products sp JOIN products p ON p.id = sp.product_id"
        " LEFT JOIN stock_balances b ON b.product_id = p.id"
        " LEFT JOIN product_units u ON u.id = sp.unit_id"
        " WHERE sp.supplier_id = ? AND p.archived = 0 ORDER BY p.name COLLATE NOCASE",
        (since, supplier_id))
    result = []
    for r in rows:
        sold = max(r["sold"], 0)
        usage = -(-sold * (lead + cover_days) // days)   # ceiling: never order short
        need = usage + r["min_stock"] - r["on_hand"] - max(r["on_order"], 0)
        if need <= 0:
            continue
        packs = -(-need // r["factor"])
        result.append(Suggestion(
            r["id"], r["name"], r["base_unit"], r["on_hand"], max(r["on_order"], 0), sold,
            r["min_stock"], need, r["unit_id"], r["unit_name"], r["factor"],
            packs * QTY_SCALE, r["last_price"]))
    return result


def po_from_suggestions(db: Database, *, user: User, supplier_id: str,
                        chosen: list[Suggestion], note: str = "") -> PurchaseOrder:
    return create_po(db, user=user, supplier_id=supplier_id, note=note, lines=[
        LineInput(s.product_id, s.qty, s.unit_price, s.unit_id) for s in chosen])
