"""Members' pre-orders (pesanan anggota): rice by the sack, LPG, fertiliser before planting.

A member orders and leaves a deposit (uang muka) in the till's drawer; the manager collects
open pre-orders into a purchase order; when the goods come the member collects them at the
till as a sale at the agreed price, the deposit paying its part. A cancelled pre-order gives
the deposit back from the drawer.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import _
from app.models import audit, purchasing, shifts
from app.models.cart import Cart, CartLine, check_het, open_cart
from app.models.clock import local_date, now_iso
from app.models.db import Database
from app.models.errors import NotFound, UserError
from app.models.ids import new_id, next_document_number
from app.models.members import get_member
from app.models.money import amount, format_rupiah, parse_rupiah
from app.models.products import get_product
from app.models.purchasing import LineInput
from app.models.sales import PaymentInput, SaleResult, complete_sale
from app.models.settings import get_settings
from app.models.users import User, require


def status_label(status: str) -> str:
    return {"open": _("Menunggu dipesan"), "ordered": _("Sudah dipesan"),
            "fulfilled": _("Sudah diambil"), "cancelled": _("Dibatalkan")}[status]


@dataclass(frozen=True)
class Preorder:
    id: str
    number: str
    member_id: str
    member_label: str
    product_id: str
    name: str
    unit_id: str | None
    unit_name: str
    factor: int
    qty: int
    unit_price: int
    deposit: int
    status: str
    po_number: str | None
    created_at: str

    @property
    def total(self) -> int:
        return amount(self.unit_price, self.qty)

    @property
    def due(self) -> int:
        return self.total - self.deposit


_SELECT = (
    "SELECT o.id, o.number, o.member_id, m.number || ' ' || m.name, o.product_id, p.name,"
    " o.unit_id, o.unit_name, o.factor, o.qty, o.unit_price, o.deposit, o.status, po.number,"
    " o.created_at FROM preorders o JOIN members m ON m.id = o.member_id"
    " JOIN products p ON p.id = o.product_id"
    " LEFT JOIN purchase_orders po ON po.id = o.po_id")


def get_preorder(db: Database, preorder_id: str) -> Preorder:
    row = db.one(f"{_SELECT} WHERE o.id = ?", (preorder_id,))
    if row is None:
        raise NotFound(_("Pesanan anggota tidak ditemukan."))
    return Preorder(*row)


def list_preorders(db: Database, *, status: str | None = None) -> list[Preorder]:
    where = " WHERE o.status = ?" if status else ""
    return [Preorder(*r) for r in db.query(f"{_SELECT}{where} ORDER BY o.created_at",
                                           [status] if status else [])]


def outstanding_deposits(db: Database) -> int:
    """Deposits held for pre-orders not yet collected: money owed to members."""
    return db.scalar("SELECT coalesce(sum(deposit), 0) FROM preorders"
                     " WHERE status IN ('open', 'ordered')")


def create_preorder(db: Database, *, user: User, till: str, member_id: str, product_id: str,
                    qty, unit_id: str | None = None, deposit=0, note: str = "") -> Preorder:
    """Take a member's order at today's price; a deposit goes into the till's drawer."""
    require(user, "preorder.take")
    deposit = parse_rupiah(deposit, field="deposit", what=_("Uang muka"))
    with db.atomic():
        member = get_member(db, member_id)
        if not member.active:
            raise UserError(_("Anggota {name} tidak aktif.").format(name=member.name), "member")
        product = get_product(db, product_id)
        unit = next((u for u in product.units if u.id == unit_id), None)
        line = purchasing.read_line(db, LineInput(product_id, qty, product.unit_price(unit),
                                                  unit_id))
        total = amount(line.unit_price, line.qty)
        if deposit > total:
            raise UserError(_("Uang muka {deposit} melebihi harga pesanan {total}.").format(
                deposit=format_rupiah(deposit), total=format_rupiah(total)), "deposit")
        settings = get_settings(db)
        at = now_iso()
        preorder_id = new_id()
        number = next_document_number(db, kind="preorder", shop_code=settings.shop_code,
                                      day=local_date(at, settings.zone), marker="A")
        db.execute(
            "INSERT INTO preorders(id, number, member_id, product_id, unit_id, unit_name,"
            " factor, qty, unit_price, deposit, status, note, created_by, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)",
            (preorder_id, number, member_id, product_id, line.unit_id, line.unit_name,
             line.factor, line.qty, line.unit_price, deposit, (note or "").strip()[:200],
             user.id, at, at))
        if deposit:
            shifts.cash_in_out(db, user=user, till=till, amount=deposit,
                               reason=_("Uang muka pesanan {number}").format(number=number),
                               account="2104", doc_type="preorder", doc_id=preorder_id)
        audit.record(db, user_id=user.id, action="preorder.create", entity="preorder",
                     entity_id=preorder_id, detail={"number": number, "deposit": deposit})
    return get_preorder(db, preorder_id)


def cancel_preorder(db: Database, *, user: User, till: str, preorder_id: str, reason: str
                    ) -> Preorder:
    require(user, "preorder.take")
    reason = (reason or "").strip()
    if not reason:
        raise UserError(_("Alasan pembatalan harus diisi."), "reason")
    with db.atomic():
        order = get_preorder(db, preorder_id)
        if order.status not in ("open", "ordered"):
            raise UserError(_("Pesanan {number} {status}.").format(
                number=order.number, status=status_label(order.status).lower()))
        _set(db, preorder_id, status="cancelled")
        if order.deposit:
            shifts.cash_in_out(db, user=user, till=till, amount=-order.deposit,
                               reason=_("Uang muka kembali, pesanan {number}").format(
                                   number=order.number),
                               account="2104", doc_type="preorder", doc_id=preorder_id)
        audit.record(db, user_id=user.id, action="preorder.cancel", entity="preorder",
                     entity_id=preorder_id, detail={"number": order.number,
                                                    "reason": reason[:200]})
    return get_preorder(db, preorder_id)


def _set(db: Database, preorder_id: str, **values) -> None:
    columns = ", ".join(f"{k} = ?" for k in values)
    db.execute(f"UPDATE preorders SET {columns}, updated_at = ? WHERE id = ?",
               (*values.values(), now_iso(), preorder_id))


def preorders_into_po(db: Database, *, user: User, supplier_id: str, preorder_ids: list[str]
                      ) -> purchasing.PurchaseOrder:
    """One draft purchase order for the chosen open pre-orders, a line per product and pack,
    priced at the supplier's last price (or the product's cost)."""
    require(user, "purchase.manage")
    if not preorder_ids:
        raise UserError(_("Pilih pesanan anggota yang akan dipesan."))
    with db.atomic():
        orders = [get_preorder(db, i) for i in preorder_ids]
        for order in orders:
            if order.status != "open":
                raise UserError(_("Pesanan {number} {status}.").format(
                    number=order.number, status=status_label(order.status).lower()))
        wanted: dict[tuple[str, str | None], int] = {}
        for order in orders:
            key = (order.product_id, order.unit_id)
            wanted[key] = wanted.get(key, 0) + order.qty
        lines = []
        for (product_id, unit_id), qty in wanted.items():
            last = db.one("SELECT unit_id, last_price FROM supplier_products"
                          " WHERE supplier_id = ? AND product_id = ?", (supplier_id, product_id))
            factor = next((o.factor for o in orders if o.product_id == product_id
                           and o.unit_id == unit_id), 1000)
            price = last["last_price"] if last and last["unit_id"] == unit_id else amount(
                get_product(db, product_id).cost, factor)
            lines.append(LineInput(product_id, qty, price, unit_id))
        po = purchasing.create_po(db, user=user, supplier_id=supplier_id, lines=lines,
                                  note=_("Pesanan anggota: {numbers}").format(
                                      numbers=", ".join(o.number for o in orders)))
        for order in orders:
            db.execute("UPDATE preorders SET status = 'ordered', po_id = ?, updated_at = ?"
                       " WHERE id = ?", (po.id, now_iso(), order.id))
    return po


def fulfil_preorder(db: Database, *, user: User, till: str, preorder_id: str,
                    payments: list[PaymentInput]) -> SaleResult:
    """The member collects: a sale at the agreed price; the deposit pays its part and
    ``payments`` the rest, as at the till."""
    with db.atomic():
        order = get_preorder(db, preorder_id)
        if order.status not in ("open", "ordered"):
            raise UserError(_("Pesanan {number} {status}.").format(
                number=order.number, status=status_label(order.status).lower()))
        if open_cart(db, till=till).lines:
            raise UserError(_("Selesaikan atau tahan (F8) keranjang yang sedang terbuka dulu."))
        product = get_product(db, order.product_id)
        line = CartLine(
            product_id=product.id, unit_id=order.unit_id, name=product.name,
            unit_name=order.unit_name, qty=order.qty, factor=order.factor,
            unit_price=order.unit_price, fractional=product.fractional and order.unit_id is None,
            het=None if product.het is None else amount(product.het, order.factor))
        check_het(line)
        cart = Cart(lines=(line,), member_id=order.member_id, member_label=order.member_label)
        deposit = PaymentInput("deposit", order.deposit, order.number) if order.deposit else None
        result = complete_sale(db, user=user, till=till, cart=cart, payments=payments,
                               deposit=deposit)
        _set(db, preorder_id, status="fulfilled", sale_id=result.sale_id)
        audit.record(db, user_id=user.id, action="preorder.fulfil", entity="preorder",
                     entity_id=preorder_id, detail={"number": order.number,
                                                    "sale": result.number})
    return result
