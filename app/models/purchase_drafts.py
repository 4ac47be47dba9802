"""The purchase order or goods receipt being typed on screen: plain immutable drafts.

The screens keep a Draft and replace it with what these functions return, as the till does
with its cart: quantities and prices are read and checked here and amounts reckoned here,
so a screen only shows text. Nothing is written until ``create_po`` / ``post_receipt``.

Receiving against an order starts with each line's outstanding quantity filled in (most
deliveries are complete); the first scan of a line's barcode starts counting that line
from one, so a manager who scans every carton off the truck ends with what was scanned.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from app.i18n import _
from app.models.db import Database
from app.models.errors import UserError
from app.models.money import (
    QTY_SCALE,
    amount,
    div_round_half_up,
    format_qty,
    parse_qty,
    parse_rupiah,
)
from app.models.products import Product, find_by_barcode, get_product
from app.models.purchasing import LineInput, PurchaseOrder, Suggestion
from app.models.receiving import ReceiptLineInput, parse_expiry


@dataclass(frozen=True)
class Pack:
    """A unit a product is bought in: its base unit (``unit_id`` None) or a packaging unit."""

    unit_id: str | None
    name: str
    factor: int

    @property
    def label(self) -> str:
        if self.unit_id is None:
            return self.name
        return _("{pack} isi {n}").format(pack=self.name, n=format_qty(self.factor))


@dataclass(frozen=True)
class DraftLine:
    product_id: str
    name: str
    packs: tuple[Pack, ...]
    pack: Pack
    weighed: bool            # the product is sold by weight or measure (decimals allowed)
    qty: int                 # thousandths of the pack
    unit_price: int          # rupiah per pack
    lot: str = ""
    expiry: str = ""         # as typed; checked as it is typed and again when posting
    po_line_id: str | None = None
    expected: int | None = None   # thousandths of the pack still due on the order
    counted: bool = False    # counting has begun (a scan or a typed quantity): scans add one

    @property
    def fractional(self) -> bool:
        """Packs come whole; only goods weighed in their base unit take decimals."""
        return self.weighed and self.pack.factor == QTY_SCALE

    @property
    def amount(self) -> int:
        return amount(self.unit_price, self.qty)

    @property
    def qty_text(self) -> str:
        return format_qty(self.qty, grouped=False)

    @property
    def expected_text(self) -> str:
        return "" if self.expected is None else format_qty(self.expected, self.pack.name)


@dataclass(frozen=True)
class Draft:
    supplier_id: str | None = None
    po_id: str | None = None
    lines: tuple[DraftLine, ...] = ()
    touched: int = -1        # the row the last change was made to, for the screen to select

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


def packs_of(product: Product) -> tuple[Pack, ...]:
    return (Pack(None, product.base_unit, QTY_SCALE),
            *(Pack(u.id, u.name, u.factor) for u in product.units))


def _remembered(db: Database, supplier_id: str | None, product_id: str):
    if supplier_id is None:
        return None
    return db.one(
        "SELECT sp.unit_id, sp.last_price, coalesce(u.factor, 1000) AS factor"
        " FROM supplier_products sp LEFT JOIN product_units u ON u.id = sp.unit_id"
        " WHERE sp.supplier_id = ? AND sp.product_id = ?", (supplier_id, product_id))


def usual_pack(db: Database, supplier_id: str | None, product: Product) -> Pack:
    """The pack this supplier delivered it in last time, else the largest pack there is:
    distributors sell by the karung and the dus."""
    packs = packs_of(product)
    last = _remembered(db, supplier_id, product.id)
    if last is not None:
        for pack in packs:
            if pack.unit_id == last["unit_id"]:
                return pack
    return max(packs, key=lambda p: p.factor)


def price_of(db: Database, supplier_id: str | None, product: Product, pack: Pack) -> int:
    """The price to suggest per ``pack``: the supplier's last price (for another pack of the
    same product, in proportion), else the product's moving-average cost."""
    last = _remembered(db, supplier_id, product.id)
    if last is not None:
        if last["unit_id"] == pack.unit_id:
            return last["last_price"]
        return div_round_half_up(last["last_price"] * pack.factor, last["factor"])
    return amount(product.cost, pack.factor)


def _with(draft: Draft, row: int, line: DraftLine) -> Draft:
    lines = list(draft.lines)
    lines[row] = line
    return replace(draft, lines=tuple(lines), touched=row)


def _line(draft: Draft, row: int) -> DraftLine:
    if not 0 <= row < len(draft.lines):
        raise UserError(_("Pilih baris dulu."), "lines")
    return draft.lines[row]


def _add(db: Database, draft: Draft, product: Product, pack: Pack | None) -> Draft:
    if product.archived:
        raise UserError(_("{name} sudah diarsipkan; pulihkan dulu.").format(name=product.name),
                        "scan")
    same = [i for i, li in enumerate(draft.lines) if li.product_id == product.id]
    if pack is None:   # picked by name: the pack already on the draft, else the usual one
        pack = draft.lines[same[0]].pack if same else usual_pack(db, draft.supplier_id,
                                                                   product)
    for row in same:
        line = draft.lines[row]
        if line.pack.unit_id == pack.unit_id:
            start = line.qty if line.counted or line.expected is None else 0
            return _with(draft, row, replace(line, qty=start + QTY_SCALE, counted=True))
    # Another pack of a product on the order still belongs to that order line.
    po_line_id = draft.lines[same[0]].po_line_id if same else None
    line = DraftLine(product.id, product.name, packs_of(product), pack, product.fractional,
                     QTY_SCALE, price_of(db, draft.supplier_id, product, pack),
                     po_line_id=po_line_id, counted=True)
    return replace(draft, lines=(*draft.lines, line), touched=len(draft.lines))


def scan(db: Database, draft: Draft, code: str) -> Draft:
    """A scanned barcode: one more of that pack (the pack the barcode is printed on)."""
    code = (code or "").strip()
    if not code:
        raise UserError(_("Scan barcode atau ketik nama barang."), "scan")
    hit = find_by_barcode(db, code)
    if hit is None:
        raise UserError(_("Barcode {code} tidak dikenal.").format(code=code[:40]), "scan")
    pack = (Pack(hit.unit.id, hit.unit.name, hit.unit.factor) if hit.unit
            else Pack(None, hit.product.base_unit, QTY_SCALE))
    return _add(db, draft, hit.product, pack)


def add_product(db: Database, draft: Draft, product_id: str) -> Draft:
    """A product picked by name: one pack more, in the pack the supplier usually sends."""
    return _add(db, draft, get_product(db, product_id), None)


def set_qty(draft: Draft, row: int, text) -> Draft:
    line = _line(draft, row)
    qty = parse_qty(text, field="qty", what=_("Jumlah {name}").format(name=line.name),
                    fractional=line.fractional)
    return _with(draft, row, replace(line, qty=qty, counted=True))


def set_price(draft: Draft, row: int, text) -> Draft:
    line = _line(draft, row)
    price = parse_rupiah(text, field="price",
                         what=_("Harga beli {name}").format(name=line.name))
    return _with(draft, row, replace(line, unit_price=price))


def set_pack(db: Database, draft: Draft, row: int, unit_id: str | None) -> Draft:
    """Another pack for a line: the quantity stays as typed, the price follows the pack."""
    line = _line(draft, row)
    pack = next((p for p in line.packs if p.unit_id == unit_id), None)
    if pack is None:
        raise UserError(_("Kemasan itu bukan milik {name}.").format(name=line.name), "unit")
    if pack == line.pack:
        return replace(draft, touched=row)
    qty = line.qty
    if not (line.weighed and pack.factor == QTY_SCALE) and qty % QTY_SCALE:
        qty = max(qty // QTY_SCALE, 1) * QTY_SCALE
    price = price_of(db, draft.supplier_id, get_product(db, line.product_id), pack)
    return _with(draft, row, replace(line, pack=pack, qty=qty, unit_price=price,
                                     expected=None if line.expected is None else
                                     line.expected * line.pack.factor // pack.factor))


def set_lot(draft: Draft, row: int, text: str) -> Draft:
    return _with(draft, row, replace(_line(draft, row), lot=(text or "").strip()))


def set_expiry(draft: Draft, row: int, text: str, *, today: date) -> Draft:
    """The expiry as typed (31-12-2027), refused now if it is no date or already past."""
    text = (text or "").strip()
    parse_expiry(text, today=today)
    return _with(draft, row, replace(_line(draft, row), expiry=text))


def remove(draft: Draft, row: int) -> Draft:
    _line(draft, row)
    lines = draft.lines[:row] + draft.lines[row + 1:]
    return replace(draft, lines=lines, touched=min(row, len(lines) - 1))


def set_supplier(draft: Draft, supplier_id: str | None) -> Draft:
    return replace(draft, supplier_id=supplier_id)


# --- from and to the documents -----------------------------------------------------------


def from_po(db: Database, po: PurchaseOrder, *, receiving: bool = False) -> Draft:
    """An order's lines to edit (a draft order) or to receive (what is still due)."""
    lines = []
    for po_line in po.lines:
        product = get_product(db, po_line.product_id)
        pack = next((p for p in packs_of(product) if p.unit_id == po_line.unit_id),
                    Pack(po_line.unit_id, po_line.unit_name, po_line.factor))
        if receiving:
            if not po_line.remaining_base:
                continue
            due, price = po_line.remaining_base * QTY_SCALE // po_line.factor, po_line.unit_price
            if po_line.remaining_base * QTY_SCALE % po_line.factor or (
                    pack.factor != QTY_SCALE and due % QTY_SCALE):
                # Part of a pack is still due (loose pieces came before): count pieces.
                pack = packs_of(product)[0]
                due = po_line.remaining_base
                price = div_round_half_up(po_line.unit_price * QTY_SCALE, po_line.factor)
            lines.append(DraftLine(product.id, product.name, packs_of(product), pack,
                                   product.fractional, due, price,
                                   po_line_id=po_line.id, expected=due))
        else:
            lines.append(DraftLine(product.id, product.name, packs_of(product), pack,
                                   product.fractional, po_line.qty, po_line.unit_price))
    return Draft(po.supplier_id, po.id, tuple(lines), 0 if lines else -1)


def add_suggestions(db: Database, draft: Draft, suggestions: list[Suggestion]) -> Draft:
    """Reorder suggestions onto an order: a product already on it takes the suggested
    quantity; others are added at the supplier's last price."""
    for s in suggestions:
        product = get_product(db, s.product_id)
        pack = next((p for p in packs_of(product) if p.unit_id == s.unit_id),
                    usual_pack(db, draft.supplier_id, product))
        row = next((i for i, li in enumerate(draft.lines)
                    if li.product_id == s.product_id and li.pack.unit_id == pack.unit_id), None)
        if row is not None:
            draft = _with(draft, row, replace(draft.lines[row], qty=s.qty))
            continue
        price = s.unit_price or price_of(db, draft.supplier_id, product, pack)
        line = DraftLine(product.id, product.name, packs_of(product), pack, product.fractional,
                         s.qty, price)
        draft = replace(draft, lines=(*draft.lines, line), touched=len(draft.lines))
    return draft


def po_lines(draft: Draft) -> list[LineInput]:
    return [LineInput(li.product_id, li.qty, li.unit_price, li.pack.unit_id)
            for li in draft.lines]


def receipt_lines(draft: Draft) -> list[ReceiptLineInput]:
    return [ReceiptLineInput(li.product_id, li.qty, li.unit_price, li.pack.unit_id,
                             lot=li.lot, expiry=li.expiry or None, po_line_id=li.po_line_id)
            for li in draft.lines]


def receipt_total(draft: Draft, freight) -> int:
    """What the receipt will come to: the goods and the freight typed (blank = none)."""
    text = freight.strip() if isinstance(freight, str) else freight
    value = parse_rupiah(text, field="freight", what=_("Ongkos kirim")) if text else 0
    return draft.total + value
