"""Price and barcode labels for the shelf and the producers' packs: what each label says, and
an internal EAN-13 for goods that came without a barcode (keripik in a plain plastic bag).

Internal codes are ``2990`` + an 8-digit sequence + the check digit, in GS1's in-store range
(prefix 2), so they never collide with a real product's GTIN. The sequence only goes up: a
code once printed on a label is never given to another product, even if it is later taken
off the first one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from stdnum import ean

from app.i18n import _
from app.models import audit
from app.models.barcodes import with_check_digit
from app.models.clock import now_iso
from app.models.db import Database
from app.models.errors import NotFound, UserError
from app.models.users import User, require

INTERNAL_PREFIX = "2990"
#: The counter's row in ``doc_sequences`` (not a day: the sequence never restarts).
_SEQUENCE = ("internal_ean13", "-")
MAX_SEQUENCE = 99_999_999
MAX_COPIES = 500
MAX_LABELS = 4_000


def is_ean13(code: str) -> bool:
    return len(code) == 13 and code.isdigit() and ean.is_valid(code)


def ean13_of(db: Database, product_id: str) -> str | None:
    """The product's own EAN-13 (a base-unit barcode), a producer's GTIN before an internal
    one."""
    codes = [r[0] for r in db.query("SELECT code FROM barcodes WHERE product_id = ?"
                                    " AND unit_id IS NULL ORDER BY code", (product_id,))]
    found = [c for c in codes if is_ean13(c)]
    found.sort(key=lambda c: (c.startswith(INTERNAL_PREFIX), c))
    return found[0] if found else None


def _next_internal_code(db: Database) -> str:
    """The next unused internal code; the counter moves past it (caller's transaction)."""
    last = db.scalar("SELECT last FROM doc_sequences WHERE kind = ? AND day = ?", _SEQUENCE) or 0
    # Codes typed in by hand or brought from another shop also count: start above them.
    highest = db.scalar("SELECT max(code) FROM barcodes WHERE length(code) = 13"
                        " AND code GLOB ?", (INTERNAL_PREFIX + "[0-9]" * 9,))
    if highest:
        last = max(last, int(highest[len(INTERNAL_PREFIX):12]))
    while True:
        last += 1
        if last > MAX_SEQUENCE:
            raise UserError(_("Nomor barcode internal sudah habis."))
        code = with_check_digit(f"{INTERNAL_PREFIX}{last:08d}")
        if db.scalar("SELECT 1 FROM barcodes WHERE code = ?", (code,)) is None:
            break
    db.execute("INSERT INTO doc_sequences(kind, day, last) VALUES (?, ?, ?)"
               " ON CONFLICT(kind, day) DO UPDATE SET last = excluded.last", (*_SEQUENCE, last))
    return code


def ensure_internal_code(db: Database, *, user: User, product_id: str) -> str:
    """The product's EAN-13 for a label: its own if it has one, otherwise a new internal
    code registered to its base unit (so the till finds it when the label is scanned)."""
    require(user, "product.edit")
    with db.atomic():
        row = db.one("SELECT name, archived FROM products WHERE id = ?", (product_id,))
        if row is None:
            raise NotFound(_("Produk tidak ditemukan."))
        existing = ean13_of(db, product_id)
        if existing:
            return existing
        if row["archived"]:
            raise UserError(_("{name} sudah diarsipkan.").format(name=row["name"]), "product")
        code = _next_internal_code(db)
        db.execute("INSERT INTO barcodes(code, product_id, unit_id) VALUES (?, ?, NULL)",
                   (code, product_id))
        db.execute("UPDATE products SET updated_at = ? WHERE id = ?", (now_iso(), product_id))
        audit.record(db, user_id=user.id, action="product.barcode", entity="product",
                     entity_id=product_id, detail={"name": row["name"], "code": code,
                                                   "internal": True})
        return code


# --- what a label says --------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    product_id: str
    name: str
    price: int            # per whole base unit
    unit: str
    fractional: bool      # sold by weight or measure: the label says per what
    producer: str         # "" for the shop's own goods without a known producer
    code: str             # EAN-13


def producer_name(db: Database, product_id: str) -> str:
    """Who makes it: the consignor of the newest batch, else the producer named in the
    product's compliance record."""
    name = db.scalar("SELECT c.name FROM consignment_batches b"
                     " JOIN consignors c ON c.id = b.consignor_id WHERE b.product_id = ?"
                     " ORDER BY b.created_at DESC, b.rowid DESC LIMIT 1", (product_id,))
    if name is None:
        name = db.scalar("SELECT c.name FROM product_compliance pc"
                         " JOIN consignors c ON c.id = pc.producer_id WHERE pc.product_id = ?",
                         (product_id,))
    return name or ""


def _copies(value, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise UserError(_("{name}: jumlah label harus bilangan bulat lebih dari nol.").format(
            name=name), "copies")
    if value > MAX_COPIES:
        raise UserError(_("{name}: paling banyak {n} label sekali cetak.").format(
            name=name, n=MAX_COPIES), "copies")
    return value


def prepare_labels(db: Database, *, user: User, items: Sequence[tuple[str, int]]
                   ) -> list[Label]:
    """One Label per copy asked for, in the order asked. Products without an EAN-13 get an
    internal code first (which needs the right to edit products); all of them or none."""
    if isinstance(items, str | bytes) or not isinstance(items, Sequence) or not items:
        raise UserError(_("Pilih produk yang akan dibuatkan label."), "items")
    for item in items:
        if not isinstance(item, tuple | list) or len(item) != 2:
            raise UserError(_("Pilih produk yang akan dibuatkan label."), "items")
    with db.atomic():
        labels: list[Label] = []
        for product_id, copies in items:
            row = db.one("SELECT id, name, price, base_unit, fractional, archived FROM products"
                         " WHERE id = ?", (product_id,))
            if row is None:
                raise NotFound(_("Produk tidak ditemukan."))
            if row["archived"]:
                raise UserError(_("{name} sudah diarsipkan.").format(name=row["name"]),
                                "items")
            copies = _copies(copies, row["name"])
            if len(labels) + copies > MAX_LABELS:
                raise UserError(_("Paling banyak {n} label sekali cetak.").format(n=MAX_LABELS),
                                "copies")
            code = ean13_of(db, product_id) or ensure_internal_code(db, user=user,
                                                                    product_id=product_id)
            label = Label(row["id"], row["name"], row["price"], row["base_unit"],
                          bool(row["fractional"]), producer_name(db, product_id), code)
            labels += [label] * copies
        return labels
