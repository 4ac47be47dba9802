"""What the stock screens ask of the domain besides the stock documents themselves: the
shelves a count can cover (each category and rack that has goods on sale) and a scan that
carries a typed quantity ("12*" then the barcode: twelve of the unit scanned).

Reads and one call into ``stock_count``; no SQL that writes.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import _
from app.models.db import Database
from app.models.errors import UserError
from app.models.money import QTY_SCALE, parse_qty
from app.models.products import find_by_barcode
from app.models.stock_count import CountLine, count_item, scope_label
from app.models.users import User, require


@dataclass(frozen=True)
class CountScope:
    """One choice of what to count: ``scope`` and ``value`` as ``open_count`` takes them."""

    scope: str
    value: str
    products: int        # products on sale it covers now

    @property
    def label(self) -> str:
        return scope_label(self.scope, self.value)


def count_scopes(db: Database) -> list[CountScope]:
    """Everything, then each category, then each rack that holds products on sale, by name."""
    everything = db.scalar("SELECT count(*) FROM products WHERE +archived = 0")
    scopes = [CountScope("all", "", everything)]
    for scope, column in (("category", "category"), ("rack", "rack")):
        # The column name comes from the two literals above, never from input.
        scopes += [CountScope(scope, r[0], r[1]) for r in db.query(
            f"SELECT {column}, count(*) FROM products WHERE +archived = 0 AND {column} <> ''"
            f" GROUP BY {column} COLLATE NOCASE ORDER BY {column} COLLATE NOCASE")]
    return scopes


def count_scan_qty(db: Database, *, user: User, count_id: str, code: str, qty) -> CountLine:
    """A barcode scanned after a typed quantity: the product's line is set to ``qty`` of the
    unit the code stands for (``2`` and a carton's code: two cartons), replacing what was
    counted of it so far."""
    require(user, "stock.count")
    hit = find_by_barcode(db, code)
    if hit is None:
        raise UserError(_("Barcode {code} tidak dikenal.").format(code=(code or "")[:40]), "code")
    counted = parse_qty(qty, field="qty", what=_("Jumlah hitungan"), allow_zero=True)
    factor = hit.unit.factor if hit.unit else QTY_SCALE
    base, rest = divmod(counted * factor, QTY_SCALE)
    if rest:
        raise UserError(_("{qty} {unit} tidak bisa ditulis dalam {base}.").format(
            qty=str(qty)[:20], unit=hit.unit.name if hit.unit else hit.product.base_unit,
            base=hit.product.base_unit), "qty")
    return count_item(db, user=user, count_id=count_id, product_id=hit.product.id, qty=base,
                      mode="set")
