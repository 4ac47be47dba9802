"""Sales, returns and voids: each one domain call and one transaction.

A sale writes its lines (with the cost of goods at that moment), payments, stock
movements, member credit and an audit row, and clears the till's open cart — all or
nothing. A return or void is a new, reversing sale record; the original is never edited.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from app.i18n import _
from app.models import audit, consignment, stock
from app.models.cart import Cart, check_het
from app.models.clock import local_date, now_iso
from app.models.db import Database
from app.models.errors import NotFound, PermissionDenied, UserError
from app.models.ids import new_id, next_document_number
from app.models.member_money import check_bon
from app.models.members import get_member, record_credit
from app.models.money import MAX_RUPIAH, allocate, amount, format_rupiah
from app.models.products import get_product
from app.models.program_goods import check_cart_quotas
from app.models.settings import get_settings
from app.models.shifts import METHODS, method_label, require_open_shift
from app.models.till_settings import get_till_settings
from app.models.users import User, can, require

#: The order money goes back on a return: what the member owes first, cash last.
REFUND_ORDER = ("bon", "qris", "transfer", "cash")


@dataclass(frozen=True)
class PaymentInput:
    """One way the customer pays. For cash, ``amount`` is what was handed over."""

    method: str
    amount: int
    reference: str = ""


@dataclass(frozen=True)
class SaleResult:
    sale_id: str
    number: str
    kind: str
    total: int
    change: int
    paid_cash: bool


def _approval(user: User, supervisor: User | None, why: str) -> User:
    if can(user, "sale.approve"):
        return user
    if supervisor is None:
        raise PermissionDenied(_("{why} perlu persetujuan manajer (PIN manajer).").format(
            why=why))
    require(supervisor, "sale.approve")
    return supervisor


def _settle(cart: Cart, payments: list[PaymentInput], member,
            deposit: PaymentInput | None = None) -> tuple[list, int]:
    """The payment rows to write and the change, or a refusal saying what is wrong.

    ``deposit`` is a member's pre-order deposit (paid earlier) applied to this sale."""
    total = cart.total
    by_method: dict[str, list[PaymentInput]] = {}
    if deposit is not None:
        assert deposit.method == "deposit" and 0 < deposit.amount <= MAX_RUPIAH
        by_method["deposit"] = [deposit]
    for p in payments:
        if p.method not in METHODS:
            raise UserError(_("Cara bayar tidak dikenal: {method}").format(method=p.method))
        if not isinstance(p.amount, int) or isinstance(p.amount, bool) or not (
                0 < p.amount <= MAX_RUPIAH):
            raise UserError(_("Jumlah pembayaran tidak valid."), "amount")
        if p.method in ("qris", "transfer") and not p.reference.strip():
            raise UserError(_("Nomor referensi {method} harus diisi.").format(
                method=method_label(p.method)), "reference")
        by_method.setdefault(p.method, []).append(p)
    non_cash = sum(p.amount for m, ps in by_method.items() if m != "cash" for p in ps)
    if non_cash > total:
        raise UserError(_("Pembayaran non-tunai {paid} melebihi total {total}; non-tunai tidak"
                          " ada kembalian.").format(paid=format_rupiah(non_cash),
                                                    total=format_rupiah(total)), "amount")
    tendered = sum(p.amount for p in by_method.get("cash", []))
    cash_due = total - non_cash
    if tendered < cash_due:
        if not tendered:
            raise UserError(_("Pembayaran kurang {short}.").format(
                short=format_rupiah(cash_due)), "amount")
        raise UserError(_("Uang tunai kurang {short}.").format(
            short=format_rupiah(cash_due - tendered)), "amount")
    bon = sum(p.amount for p in by_method.get("bon", []))
    if bon:
        if member is None:
            raise UserError(_("Bon hanya untuk anggota: pilih anggota dulu."), "member")
        if not member.active:
            raise UserError(_("Anggota {name} tidak aktif.").format(name=member.name), "member")
    rows = [(m, sum(p.amount for p in ps), None, ", ".join(p.reference.strip() for p in ps
                                                          if p.reference.strip()))
            for m, ps in by_method.items() if m != "cash"]
    if tendered:
        # Cash handed over is kept even when nothing was due in cash (it all goes back as
        # change): a receipt never shows change without the cash it came from.
        rows.append(("cash", cash_due, tendered, ""))
    return rows, tendered - cash_due if tendered else 0


def complete_sale(db: Database, *, user: User, till: str, cart: Cart,
                  payments: list[PaymentInput], supervisor: User | None = None,
                  deposit: PaymentInput | None = None) -> SaleResult:
    require(user, "sale.sell")
    if not cart.lines:
        raise UserError(_("Keranjang masih kosong."))
    # A cart discount set before lines were removed or made smaller must not make the sale
    # pay the customer.
    if not 0 <= cart.cart_discount <= cart.subtotal:
        raise UserError(_("Diskon {discount} lebih besar dari total {total}.").format(
            discount=format_rupiah(cart.cart_discount), total=format_rupiah(cart.subtotal)),
            "discount")
    with db.atomic():
        shift = require_open_shift(db, user=user, till=till)
        settings = get_settings(db)
        approved = None
        if cart.discounts > get_till_settings(db).discount_limit:
            approved = _approval(user, supervisor, _("Diskon {amount}").format(
                amount=format_rupiah(cart.discounts)))
        products = {}
        for line in cart.lines:
            product = products.setdefault(line.product_id, get_product(db, line.product_id))
            if product.archived:
                raise UserError(_("{name} sudah diarsipkan dan tidak dijual.").format(
                    name=product.name))
            het = None if product.het is None else amount(product.het, line.factor)
            check_het(replace(line, het=het))
        member = get_member(db, cart.member_id) if cart.member_id else None
        at = now_iso()
        # Program goods: only to members, within what each may buy this period.
        check_cart_quotas(db, cart, at=at)
        payment_rows, change = _settle(cart, payments, member, deposit)
        bon = sum(row[1] for row in payment_rows if row[0] == "bon")
        if bon:
            check_bon(db, member, bon)
        number = next_document_number(db, kind="sale", shop_code=settings.shop_code,
                                      day=local_date(at, settings.zone))
        sale_id = new_id()
        db.execute(
            "INSERT INTO sales(id, number, kind, shift_id, user_id, member_id, subtotal,"
            " cart_discount, total, change, approved_by, created_at)"
            " VALUES (?, ?, 'sale', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (sale_id, number, shift.id, user.id, cart.member_id, cart.subtotal,
             cart.cart_discount, cart.total, change, approved.id if approved else None, at))
        shares = allocate(cart.cart_discount, [line.amount for line in cart.lines])
        for line_no, (line, share) in enumerate(zip(cart.lines, shares, strict=True), start=1):
            product = products[line.product_id]
            line_id, takes = new_id(), None
            if product.consigned:
                # Consigned goods are the producers': the cost is what they are owed.
                takes = consignment.plan_sale(db, product_id=product.id, name=line.name,
                                              base_qty=line.base_qty,
                                              net_amount=line.amount - share)
                cost = sum(take.due for take in takes)
            else:
                # The cost of goods sold is what the stock gives up at its moving average.
                cost = -stock.record_movement(db, user_id=user.id, product_id=line.product_id,
                                              kind="sale", qty=-line.base_qty,
                                              doc_type="sale", doc_id=sale_id).value
            db.execute(
                "INSERT INTO sale_lines(id, sale_id, line_no, product_id, unit_id, name,"
                " unit_name, qty, factor, base_qty, unit_price, discount, amount, net_amount,"
                " cost, het) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (line_id, sale_id, line_no, line.product_id, line.unit_id, line.name,
                 line.unit_name, line.qty, line.factor, line.base_qty, line.unit_price,
                 line.discount, line.amount, line.amount - share, cost,
                 None if product.het is None else amount(product.het, line.factor)))
            if takes:
                consignment.write_sale(db, takes, user_id=user.id, sale_id=sale_id,
                                       sale_line_id=line_id, at=at)
        _write_payments(db, sale_id, payment_rows)
        bon = sum(r[1] for r in payment_rows if r[0] == "bon")
        if bon:
            record_credit(db, user_id=user.id, member_id=cart.member_id, amount=bon,
                          kind="sale", doc_type="sale", doc_id=sale_id)
        db.execute("DELETE FROM carts WHERE till = ? AND held = 0", (till,))
        audit.record(db, user_id=user.id, action="sale.complete", entity="sale",
                     entity_id=sale_id, detail={"number": number, "total": cart.total})
    return SaleResult(sale_id, number, "sale", cart.total, change,
                      any(r[0] == "cash" for r in payment_rows))


def _write_payments(db: Database, sale_id: str, rows) -> None:
    db.executemany("INSERT INTO payments(id, sale_id, method, amount, tendered, reference)"
                   " VALUES (?, ?, ?, ?, ?, ?)",
                   [(new_id(), sale_id, method, value, tendered, reference)
                    for method, value, tendered, reference in rows])


# --- finding sales; what can still be returned --------------------------------------------


@dataclass(frozen=True)
class ReturnableLine:
    line_id: str
    name: str
    unit_name: str
    qty: int             # sold, thousandths of the unit
    remaining: int       # not yet returned
    unit_price: int
    net_amount: int
    fractional: bool


@dataclass(frozen=True)
class SaleHeader:
    id: str
    number: str
    kind: str
    created_at: str
    total: int
    member_id: str | None


def find_sale(db: Database, number: str) -> SaleHeader:
    """A sale by its printed number, or by the digits its receipt barcode carries."""
    text = (number or "").strip().upper()
    if text.isdigit() and 10 <= len(text) <= 12:
        text = f"{get_settings(db).shop_code}-{text[:6]}-{text[6:]}"
    row = db.one("SELECT id, number, kind, created_at, total, member_id FROM sales"
                 " WHERE number = ?", (text,))
    if row is None:
        raise NotFound(_("Struk {number} tidak ditemukan.").format(number=(number or "")[:40]))
    return SaleHeader(*row)


def recent_sales(db: Database, *, limit: int = 50) -> list[SaleHeader]:
    return [SaleHeader(*r) for r in db.query(
        "SELECT id, number, kind, created_at, total, member_id FROM sales"
        " ORDER BY created_at DESC LIMIT ?", (limit,))]


def returnable_lines(db: Database, sale_id: str) -> list[ReturnableLine]:
    return [ReturnableLine(r["id"], r["name"], r["unit_name"], r["qty"],
                           r["qty"] + r["returned"], r["unit_price"], r["net_amount"],
                           bool(r["fractional"]))
            for r in db.query(
                "SELECT l.id, l.name, l.unit_name, l.qty, l.unit_price, l.net_amount,"
                " p.fractional AND l.unit_id IS NULL AS fractional,"
                " coalesce((SELECT sum(r.qty) FROM sale_lines r"
                "           WHERE r.original_line_id = l.id), 0) AS returned"
                " FROM sale_lines l JOIN products p ON p.id = l.product_id"
                " WHERE l.sale_id = ? ORDER BY l.line_no", (sale_id,))]


@dataclass(frozen=True)
class PaymentPreview:
    """What the payment dialog shows as the cashier types: all arithmetic stays here."""

    total: int
    non_cash: int
    cash_due: int
    tendered: int
    change: int
    short: int

    @property
    def complete(self) -> bool:
        return self.short == 0 and self.non_cash <= self.total


def preview_payment(total: int, payments: list[PaymentInput]) -> PaymentPreview:
    non_cash = sum(p.amount for p in payments if p.method != "cash")
    tendered = sum(p.amount for p in payments if p.method == "cash")
    cash_due = max(total - non_cash, 0)
    return PaymentPreview(total, non_cash, cash_due, tendered, max(tendered - cash_due, 0),
                          max(cash_due - tendered, 0))


def quick_cash_amounts(due: int, *, count: int = 3) -> list[int]:
    """Notes a customer is likely to hand over: the exact amount, then round-ups."""
    amounts = [due] if due > 0 else []
    for step in (5_000, 10_000, 20_000, 50_000, 100_000):
        rounded = -(-due // step) * step
        if rounded > due and rounded not in amounts:
            amounts.append(rounded)
        if len(amounts) > count:
            break
    return amounts[: count + 1]


def find_sales(db: Database, text: str, *, limit: int = 20) -> list[SaleHeader]:
    """Sales whose number contains what was typed (``0042`` finds today's …-0042), newest
    first: for a customer who lost the receipt or a number that is hard to read."""
    text = (text or "").strip().upper()
    if not text:
        return recent_sales(db, limit=limit)
    return [SaleHeader(*r) for r in db.query(
        "SELECT id, number, kind, created_at, total, member_id FROM sales"
        " WHERE kind = 'sale' AND number LIKE ? ORDER BY created_at DESC LIMIT ?",
        (f"%{text}%", limit))]
