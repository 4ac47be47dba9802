"""Goods receipt (penerimaan barang): against a purchase order or without one.

Posting is one transaction: the receipt and its lines, a stock movement per line valued at
what it cost with its share of the freight (which sets the moving-average cost), the
supplier's last price, the order's status, and the supplier invoice (a payable, due after the
supplier's terms) — and, for cash on delivery, its payment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from app.i18n import _, ngettext
from app.models import audit, payables, purchasing, stock, suppliers
from app.models.clock import local_date, now_iso
from app.models.db import Database
from app.models.errors import NotFound, Problem, UserError, ValidationError
from app.models.ids import new_id, next_document_number
from app.models.money import MAX_RUPIAH, allocate, format_qty, parse_rupiah
from app.models.purchasing import DocLine, LineInput
from app.models.settings import get_settings
from app.models.users import User, require

#: A receipt warns when goods arrive this close to their expiry date.
NEAR_EXPIRY_DAYS = 30
_MAX_YEARS_AHEAD = 20
_LOT = re.compile(r"^[\w./\- ]{0,40}$")


@dataclass(frozen=True)
class ReceiptLineInput(LineInput):
    lot: str = ""
    expiry: object = None          # a date, or text: 2027-03-31, 31-03-2027, 31/03/2027
    po_line_id: str | None = None


@dataclass(frozen=True)
class ReceivedLine(DocLine):
    lot: str = ""
    expiry: str | None = None      # ISO date
    po_line_id: str | None = None
    freight: int = 0


def parse_expiry(value, *, today: date) -> str | None:
    """An expiry date as ISO text; refuses dates already past and absurd ones."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        text = str(value).strip()
        for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"):
            try:
                value = datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
        else:
            raise UserError(_("Tanggal kedaluwarsa tidak valid: \"{text}\". Tulis mis."
                              " 31-12-2027.").format(text=text[:20]), "expiry")
    if value < today:
        raise UserError(_("Tanggal kedaluwarsa {day} sudah lewat.").format(
            day=value.strftime("%d-%m-%Y")), "expiry")
    if value.year > today.year + _MAX_YEARS_AHEAD:
        raise UserError(_("Tanggal kedaluwarsa {day} terlalu jauh.").format(
            day=value.strftime("%d-%m-%Y")), "expiry")
    return value.isoformat()


def _read_receipt_lines(db: Database, lines, today: date) -> list[ReceivedLine]:
    checked = purchasing.read_lines(db, lines)
    problems, result = [], []
    for row, (line, doc) in enumerate(zip(lines, checked, strict=True), start=1):
        lot = (getattr(line, "lot", "") or "").strip()
        try:
            if not _LOT.match(lot):
                raise UserError(_("Nomor lot hanya huruf, angka dan - . / (paling banyak 40)."),
                                "lot")
            expiry = parse_expiry(getattr(line, "expiry", None), today=today)
        except UserError as e:
            problems.append(Problem(e.field or "lines", _("Baris {n}: {problem}").format(
                n=row, problem=e.message), row))
            continue
        result.append(ReceivedLine(**doc.__dict__, lot=lot, expiry=expiry,
                                   po_line_id=getattr(line, "po_line_id", None)))
    if problems:
        raise ValidationError(problems)
    return result


def _match_po(db: Database, po: purchasing.PurchaseOrder, lines: list[ReceivedLine],
              confirm_over: bool) -> list[ReceivedLine]:
    """Tie each line to its order line (by id, else by product and unit) and refuse more
    than was ordered unless the person receiving confirms it."""
    by_id = {li.id: li for li in po.lines}
    by_product = {(li.product_id, li.unit_id): li for li in po.lines}
    matched, incoming = [], {}
    for line in lines:
        ordered = by_id.get(line.po_line_id) if line.po_line_id else by_product.get(
            (line.product_id, line.unit_id))
        if line.po_line_id and (ordered is None or ordered.product_id != line.product_id):
            raise UserError(_("{name} tidak ada di pesanan {number}.").format(
                name=line.name, number=po.number), "lines")
        if ordered is not None:
            line = ReceivedLine(**{**line.__dict__, "po_line_id": ordered.id})
            incoming[ordered.id] = incoming.get(ordered.id, 0) + line.base_qty
        matched.append(line)
    if not confirm_over:
        over = [_("{name}: dipesan {ordered}, sudah diterima {before}, kini {now}").format(
                    name=li.name, ordered=format_qty(li.qty, li.unit_name),
                    before=li.received_text,
                    now=format_qty(incoming[li.id] * 1000 // li.factor, li.unit_name))
                for li in po.lines if incoming.get(li.id, 0) > li.remaining_base]
        extra = [li.name for li in matched if li.po_line_id is None]
        if over or extra:
            parts = over + [_("{name}: tidak dipesan").format(name=n) for n in extra]
            raise UserError(_("Penerimaan melebihi pesanan {number} — {lines}. Konfirmasi"
                              " bila memang diterima.").format(
                                  number=po.number, lines="; ".join(parts)), "over")
    return matched


def receipt_warnings(db: Database, lines: list[ReceivedLine], today: date) -> list[str]:
    """First-expiry-first-out hints: goods close to expiry, and goods that expire before the
    stock already on the shelf (put them in front)."""
    warnings = []
    for line in lines:
        if not line.expiry:
            continue
        expiry = date.fromisoformat(line.expiry)
        days = (expiry - today).days
        if days <= NEAR_EXPIRY_DAYS:
            warnings.append(ngettext("{name} kedaluwarsa dalam {days} hari ({day}).",
                                     "{name} kedaluwarsa dalam {days} hari ({day}).",
                                     days).format(
                name=line.name, days=days, day=expiry.strftime("%d-%m-%Y")))
        later = db.scalar(
            "SELECT max(expiry) FROM goods_receipt_lines WHERE product_id = ? AND expiry > ?"
            " AND EXISTS (SELECT 1 FROM stock_balances b WHERE b.product_id = ? AND b.qty > 0)",
            (line.product_id, line.expiry, line.product_id))
        if later:
            warnings.append(_("{name}: lot baru kedaluwarsa {day}, lebih dulu dari stok di rak"
                              " ({later}); letakkan di depan.").format(
                name=line.name, day=expiry.strftime("%d-%m-%Y"),
                later=date.fromisoformat(later).strftime("%d-%m-%Y")))
    return warnings


def check_receipt(db: Database, *, supplier_id: str, lines, po_id: str | None = None,
                  confirm_over: bool = False) -> list[str]:
    """Everything ``post_receipt`` would refuse, raised now; else the warnings to show."""
    settings = get_settings(db)
    today = local_date(now_iso(), settings.zone)
    checked = _read_receipt_lines(db, lines, today)
    if po_id:
        _match_po(db, purchasing.get_po(db, po_id), checked, confirm_over)
    return receipt_warnings(db, checked, today)


@dataclass(frozen=True)
class ReceiptResult:
    id: str
    number: str
    total: int
    invoice_id: str | None
    po_status: str | None
    warnings: tuple[str, ...]


def post_receipt(
    db: Database, *, user: User, supplier_id: str, lines, po_id: str | None = None,
    freight=0, invoice_no: str = "", invoice_date: date | None = None, note: str = "",
    confirm_over: bool = False, pay: payables.PaymentInput | None = None,
) -> ReceiptResult:
    require(user, "goods.receive")
    freight = parse_rupiah(freight, field="freight", what=_("Ongkos kirim"))
    invoice_no = (invoice_no or "").strip()
    if len(invoice_no) > 40:
        raise UserError(_("Nomor faktur pemasok terlalu panjang (paling banyak 40)."),
                        "invoice_no")
    with db.atomic():
        supplier = suppliers.get_supplier(db, supplier_id)
        if supplier.archived:
            raise UserError(_("{name} sudah diarsipkan.").format(name=supplier.name), "supplier")
        settings = get_settings(db)
        at = now_iso()
        today = local_date(at, settings.zone)
        checked = _read_receipt_lines(db, lines, today)
        po = None
        if po_id:
            po = purchasing.get_po(db, po_id)
            if po.supplier_id != supplier_id:
                raise UserError(_("Pesanan {number} untuk pemasok lain.").format(
                    number=po.number), "po")
            if not po.receivable:
                raise UserError(_("Pesanan {number} berstatus {status}; tidak bisa diterima.")
                                .format(number=po.number,
                                        status=purchasing.status_label(po.status)), "po")
            checked = _match_po(db, po, checked, confirm_over)
        goods = sum(line.amount for line in checked)
        weights = [line.amount for line in checked]
        if not any(weights):
            weights = [line.base_qty for line in checked]
        shares = allocate(freight, weights)
        total = goods + freight
        if total > MAX_RUPIAH:
            raise UserError(_("Nilai penerimaan terlalu besar."), "lines")
        receipt_id = new_id()
        number = next_document_number(db, kind="receipt", shop_code=settings.shop_code,
                                      day=today, marker="T")
        db.execute(
            "INSERT INTO goods_receipts(id, number, supplier_id, po_id, supplier_invoice_no,"
            " goods_total, freight, total, note, user_id, approved_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (receipt_id, number, supplier_id, po_id, invoice_no, goods, freight, total,
             (note or "").strip()[:300], user.id, user.id if confirm_over else None, at))
        for line_no, (line, share) in enumerate(zip(checked, shares, strict=True), start=1):
            db.execute(
                "INSERT INTO goods_receipt_lines(id, receipt_id, line_no, po_line_id,"
                " product_id, unit_id, unit_name, factor, qty, base_qty, unit_price, amount,"
                " freight, lot, expiry) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (new_id(), receipt_id, line_no, line.po_line_id, line.product_id, line.unit_id,
                 line.unit_name, line.factor, line.qty, line.base_qty, line.unit_price,
                 line.amount, share, line.lot, line.expiry))
            stock.record_movement(db, user_id=user.id, product_id=line.product_id,
                                  kind="receipt", qty=line.base_qty, value=line.amount + share,
                                  doc_type="receipt", doc_id=receipt_id)
            suppliers.remember_price(db, supplier_id=supplier_id, product_id=line.product_id,
                                     unit_id=line.unit_id, price=line.unit_price)
        po_status = purchasing.refresh_status(db, user, po_id) if po_id else None
        invoice_id = None
        if total:
            invoice_id = payables.record_invoice(
                db, user=user, supplier=supplier, receipt_id=receipt_id, invoice_no=invoice_no,
                amount=total, invoice_date=invoice_date or today)
            if pay is not None:
                payables.record_payment(db, user=user, supplier_id=supplier_id,
                                        invoice_id=invoice_id, payment=pay)
        audit.record(db, user_id=user.id, action="goods.receive", entity="goods_receipt",
                     entity_id=receipt_id, detail={
                         "number": number, "total": total, "po": po.number if po else None,
                         "over_confirmed": bool(confirm_over)})
        warnings = receipt_warnings(db, checked, today)
    return ReceiptResult(receipt_id, number, total, invoice_id, po_status, tuple(warnings))


# --- reading receipts back --------------------------------------------------------------


@dataclass(frozen=True)
class GoodsReceipt:
    id: str
    number: str
    supplier_id: str
    supplier_name: str
    po_number: str | None
    supplier_invoice_no: str
    goods_total: int
    freight: int
    total: int
    note: str
    user_name: str
    created_at: str
    lines: tuple[ReceivedLine, ...]


def get_receipt(db: Database, receipt_id: str) -> GoodsReceipt:
    row = db.one(
        "SELECT r.*, s.name AS supplier_name, o.number AS po_number, u.full_name"
        " FROM goods_receipts r JOIN suppliers s ON s.id = r.supplier_id"
        " JOIN users u ON u.id = r.user_id"
        " LEFT JOIN purchase_orders o ON o.id = r.po_id WHERE r.id = ?", (receipt_id,))
    if row is None:
        raise NotFound(_("Penerimaan barang tidak ditemukan."))
    lines = tuple(ReceivedLine(
        r["product_id"], r["name"], r["unit_id"], r["unit_name"], r["factor"], r["qty"],
        r["unit_price"], bool(r["fractional"]), lot=r["lot"], expiry=r["expiry"],
        po_line_id=r["po_line_id"], freight=r["freight"]) for r in db.query(
        "SELECT g.*, p.name, p.fractional FROM goods_receipt_lines g"
        " JOIN products p ON p.id = g.product_id WHERE g.receipt_id = ? ORDER BY g.line_no",
        (receipt_id,)))
    return GoodsReceipt(row["id"], row["number"], row["supplier_id"], row["supplier_name"],
                        row["po_number"], row["supplier_invoice_no"], row["goods_total"],
                        row["freight"], row["total"], row["note"], row["full_name"],
                        row["created_at"], lines)


def list_receipts(db: Database, *, supplier_id: str | None = None, limit: int = 500
                  ) -> list[dict]:
    where = "WHERE r.supplier_id = ?" if supplier_id else ""
    return [dict(r) for r in db.query(
        "SELECT r.id, r.number, s.name AS supplier_name, o.number AS po_number, r.total,"
        f" r.created_at FROM goods_receipts r JOIN suppliers s ON s.id = r.supplier_id"
        f" LEFT JOIN purchase_orders o ON o.id = r.po_id {where}"
        " ORDER BY r.created_at DESC LIMIT ?", ([supplier_id] if supplier_id else []) + [limit])]
