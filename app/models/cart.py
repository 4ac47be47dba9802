"""The open cart at the till: plain immutable data and the functions that change it.

Every change returns a new Cart; the till saves it after each change (``save_open_cart``)
so a power cut never loses what was rung up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

from app.i18n import _
from app.models.clock import now_iso
from app.models.db import Database
from app.models.errors import UserError
from app.models.ids import new_id
from app.models.members import Member
from app.models.money import (
    QTY_SCALE,
    amount,
    div_round_half_up,
    format_qty,
    format_rupiah,
    parse_qty,
    parse_rupiah,
)
from app.models.products import Product, ScanHit, find_by_barcode, get_product
from app.models.scale import ScaleLayout, parse_scale_code

#: A cashier typing 5000 where 5 was meant: one line may hold at most this many units.
MAX_LINE_QTY = 10_000 * QTY_SCALE


@dataclass(frozen=True)
class CartLine:
    product_id: str
    unit_id: str | None
    name: str
    unit_name: str
    qty: int            # thousandths of the unit sold
    factor: int         # base-unit thousandths in one unit sold (1000 = the base unit)
    unit_price: int     # rupiah per unit sold
    fractional: bool
    het: int | None = None   # cap per unit sold, rupiah
    discount: int = 0
    weighed: bool = False

    @property
    def gross(self) -> int:
        return amount(self.unit_price, self.qty)

    @property
    def amount(self) -> int:
        return self.gross - self.discount

    @property
    def base_qty(self) -> int:
        return self.qty * self.factor // QTY_SCALE

    @property
    def qty_text(self) -> str:
        return format_qty(self.qty, self.unit_name)


@dataclass(frozen=True)
class Cart:
    lines: tuple[CartLine, ...] = ()
    member_id: str | None = None
    member_label: str = ""
    cart_discount: int = 0
    id: str = field(default_factory=new_id)

    @property
    def subtotal(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def total(self) -> int:
        return self.subtotal - self.cart_discount

    @property
    def discounts(self) -> int:
        return self.cart_discount + sum(line.discount for line in self.lines)

    def to_json(self) -> str:
        # Written after every scan: vars() of flat records, not the recursive asdict().
        data = {**vars(self), "lines": [vars(line) for line in self.lines]}
        return json.dumps(data, ensure_ascii=False)

    @staticmethod
    def from_json(text: str) -> Cart:
        data = json.loads(text)
        lines = tuple(CartLine(**line) for line in data.pop("lines"))
        return Cart(lines=lines, **data)


def _het_for(product: Product, factor: int) -> int | None:
    return None if product.het is None else amount(product.het, factor)


def _line_for(hit: ScanHit, qty: int, *, weighed: bool = False) -> CartLine:
    product, unit = hit.product, hit.unit
    if product.archived:
        raise UserError(_("{name} sudah diarsipkan dan tidak dijual.").format(name=product.name))
    factor = unit.factor if unit else QTY_SCALE
    line = CartLine(
        product_id=product.id, unit_id=unit.id if unit else None, name=product.name,
        unit_name=unit.name if unit else product.base_unit, qty=qty, factor=factor,
        unit_price=hit.price, fractional=product.fractional and unit is None,
        het=_het_for(product, factor), weighed=weighed)
    check_het(line)
    return line


def check_het(line: CartLine) -> None:
    """A price above the government cap is refused, whoever set it."""
    if line.het is not None and line.unit_price > line.het:
        raise UserError(_("Harga {name} {price} di atas HET {het}: tidak boleh dijual."
                          " Minta manajer memperbaiki harganya.").format(
            name=line.name, price=format_rupiah(line.unit_price), het=format_rupiah(line.het)))


def _merge(cart: Cart, line: CartLine) -> Cart:
    """Scanning the same item again adds to its line (weighed items keep their own lines)."""
    if not line.weighed:
        for i, old in enumerate(cart.lines):
            if (old.product_id, old.unit_id, old.unit_price, old.discount, old.weighed) == (
                    line.product_id, line.unit_id, line.unit_price, 0, False):
                merged = replace(old, qty=old.qty + line.qty)
                _check_qty(merged)
                return replace(cart, lines=cart.lines[:i] + (merged,) + cart.lines[i + 1:])
    _check_qty(line)
    return replace(cart, lines=cart.lines + (line,))


def _check_qty(line: CartLine) -> None:
    if line.qty <= 0:
        raise UserError(_("Jumlah harus lebih dari nol."), "qty")
    if line.qty > MAX_LINE_QTY:
        raise UserError(_("Jumlah {qty} terlalu besar untuk satu baris.").format(
            qty=format_qty(line.qty, line.unit_name)), "qty")
    if not line.fractional and line.qty % QTY_SCALE:
        raise UserError(_("{name} dijual per {unit} utuh, tanpa desimal.").format(
            name=line.name, unit=line.unit_name), "qty")


def scan(db: Database, cart: Cart, code: str, *, qty: int = QTY_SCALE,
         layout: ScaleLayout | None = None) -> Cart:
    """A scanned or typed code: a product or pack barcode, or a shop-scale EAN-13."""
    code = (code or "").strip()
    if not code:
        raise UserError(_("Barcode kosong."), "code")
    hit = find_by_barcode(db, code)
    if hit is not None:
        return _merge(cart, _line_for(hit, qty))
    reading = parse_scale_code(code, layout or ScaleLayout())
    if reading is not None:
        return _merge(cart, _weighed_line(db, reading))
    raise UserError(_("Barcode {code} tidak dikenal.").format(code=code[:40]), "code")


def _weighed_line(db: Database, reading) -> CartLine:
    product_id = db.scalar("SELECT id FROM products WHERE plu = ?", (reading.plu,))
    if product_id is None:
        raise UserError(_("PLU timbangan {plu} tidak terdaftar pada produk mana pun.").format(
            plu=reading.plu), "code")
    product = get_product(db, product_id)
    if reading.weight is not None:
        qty = reading.weight
    else:
        # A price label: the weight is what that price buys, to the gram.
        qty = max(1, div_round_half_up(reading.price * QTY_SCALE, max(product.price, 1)))
    line = _line_for(ScanHit(product, None), qty, weighed=True)
    if reading.price is not None:
        line = replace(line, discount=line.gross - reading.price) if line.gross > reading.price \
            else line
    return line


def add_product(db: Database, cart: Cart, product_id: str, *, qty: int = QTY_SCALE) -> Cart:
    """A product picked from the search list, in its base unit."""
    return _merge(cart, _line_for(ScanHit(get_product(db, product_id), None), qty))


def _at(cart: Cart, index: int) -> CartLine:
    if not 0 <= index < len(cart.lines):
        raise UserError(_("Pilih dulu baris yang akan diubah."))
    return cart.lines[index]


def _put(cart: Cart, index: int, line: CartLine) -> Cart:
    return replace(cart, lines=cart.lines[:index] + (line,) + cart.lines[index + 1:])


def set_qty(cart: Cart, index: int, text) -> Cart:
    line = _at(cart, index)
    qty = parse_qty(text, field="qty", fractional=line.fractional, maximum=MAX_LINE_QTY)
    changed = replace(line, qty=qty)
    if changed.discount > changed.gross:
        changed = replace(changed, discount=0)
    _check_qty(changed)
    return _put(cart, index, changed)


def remove_line(cart: Cart, index: int) -> Cart:
    _at(cart, index)
    return replace(cart, lines=cart.lines[:index] + cart.lines[index + 1:])


def set_line_discount(cart: Cart, index: int, text) -> Cart:
    line = _at(cart, index)
    discount = parse_rupiah(text, field="discount", what=_("Diskon"))
    if discount > line.gross:
        raise UserError(_("Diskon {discount} lebih besar dari harga baris {amount}.").format(
            discount=format_rupiah(discount), amount=format_rupiah(line.gross)), "discount")
    return _put(cart, index, replace(line, discount=discount))


def set_cart_discount(cart: Cart, text) -> Cart:
    discount = parse_rupiah(text, field="discount", what=_("Diskon"))
    if discount > cart.subtotal:
        raise UserError(_("Diskon {discount} lebih besar dari total {total}.").format(
            discount=format_rupiah(discount), total=format_rupiah(cart.subtotal)), "discount")
    return replace(cart, cart_discount=discount)


def set_member(cart: Cart, member: Member | None) -> Cart:
    if member is None:
        return replace(cart, member_id=None, member_label="")
    return replace(cart, member_id=member.id, member_label=member.label)


# --- surviving a power cut; holding carts ---------------------------------------------


def save_open_cart(db: Database, *, till: str, user_id: str | None, cart: Cart) -> None:
    """Keep the open cart on disk after every change (its own small transaction)."""
    with db.atomic():
        db.execute("DELETE FROM carts WHERE till = ? AND held = 0", (till,))
        if cart.lines or cart.member_id:
            db.execute("INSERT INTO carts(id, till, held, user_id, data, updated_at)"
                       " VALUES (?, ?, 0, ?, ?, ?)",
                       (cart.id, till, user_id, cart.to_json(), now_iso()))


def open_cart(db: Database, *, till: str) -> Cart:
    """The cart that was open on this till, as it was at the last change (or a new one)."""
    data = db.scalar("SELECT data FROM carts WHERE till = ? AND held = 0", (till,))
    return Cart.from_json(data) if data else Cart()


@dataclass(frozen=True)
class HeldCart:
    id: str
    label: str
    total: int
    lines: int
    held_at: str


def hold_cart(db: Database, *, till: str, user_id: str | None, cart: Cart, label: str = "") -> None:
    """Put the cart aside (a customer went to fetch something); the till starts a new one."""
    if not cart.lines:
        raise UserError(_("Keranjang kosong tidak perlu ditahan."))
    with db.atomic():
        db.execute("DELETE FROM carts WHERE till = ? AND held = 0", (till,))
        db.execute("INSERT INTO carts(id, till, held, user_id, label, data, updated_at)"
                   " VALUES (?, ?, 1, ?, ?, ?, ?)",
                   (new_id(), till, user_id, (label or cart.member_label)[:40], cart.to_json(),
                    now_iso()))


def held_carts(db: Database, *, till: str) -> list[HeldCart]:
    result = []
    for row in db.query("SELECT id, label, data, updated_at FROM carts WHERE till = ? AND held = 1"
                        " ORDER BY updated_at", (till,)):
        cart = Cart.from_json(row["data"])
        result.append(HeldCart(row["id"], row["label"], cart.total, len(cart.lines),
                               row["updated_at"]))
    return result


def recall_cart(db: Database, *, till: str, user_id: str | None, held_id: str,
                current: Cart) -> Cart:
    """Bring a held cart back; the cart open now (if any) is held in its place."""
    with db.atomic():
        data = db.scalar("SELECT data FROM carts WHERE id = ? AND till = ? AND held = 1",
                         (held_id, till))
        if data is None:
            raise UserError(_("Keranjang yang ditahan tidak ditemukan."))
        db.execute("DELETE FROM carts WHERE id = ?", (held_id,))
        if current.lines:
            hold_cart(db, till=till, user_id=user_id, cart=current)
        cart = Cart.from_json(data)
        save_open_cart(db, till=till, user_id=user_id, cart=cart)
        return cart
