"""Stock count (stok opname): count what is on the shelf, see the variances, post them.

Sales go on while a count is open. Each counted line keeps the ledger balance at the moment
it was counted, so its variance is what was on the shelf against what the books said *then*;
sales after that moment are already in the ledger and are not counted twice. Posting writes
one ``count`` movement per product whose variance is not zero; products in the scope that
nobody counted are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import _, ngettext
from app.models import audit, stock
from app.models.clock import local_date, now_iso
from app.models.db import Database
from app.models.errors import NotFound, UserError
from app.models.ids import new_id, next_document_number
from app.models.money import QTY_SCALE, amount, format_qty, parse_qty
from app.models.products import find_by_barcode
from app.models.settings import get_settings
from app.models.users import User, require

SCOPES = ("all", "category", "rack")
MODES = ("set", "add")
#: Longest reason or note kept; a person writes a line, not a letter.
MAX_TEXT = 200


@dataclass(frozen=True)
class StockCount:
    id: str
    number: str
    scope: str
    scope_value: str
    status: str            # open, posted, cancelled
    note: str
    opened_by: str
    opened_at: str
    closed_by: str | None = None
    approved_by: str | None = None
    closed_at: str | None = None


@dataclass(frozen=True)
class CountLine:
    """One product of a count. Quantities are base-unit thousandths, values rupiah."""

    product_id: str
    name: str
    unit: str
    fractional: bool
    book_qty: int                  # the ledger balance now
    counted_qty: int | None        # None: not counted yet
    counted_book_qty: int | None   # the ledger balance when it was counted
    variance_qty: int              # counted − book at the moment of counting
    variance_value: int            # the variance at the moving-average cost
    reason: str = ""
    counted_at: str | None = None

    @property
    def counted(self) -> bool:
        return self.counted_qty is not None


@dataclass(frozen=True)
class PostedCount:
    count_id: str
    number: str
    adjusted: int        # products whose stock was moved
    matched: int         # counted and equal to the books
    uncounted: int       # in scope, not counted: their stock was left alone
    variance_value: int  # rupiah the stock value moved by (negative: a loss)

    @property
    def summary(self) -> str:
        """What posting did, in words, so nobody thinks the uncounted shelves were zeroed."""
        text = ngettext("{n} produk disesuaikan", "{n} produk disesuaikan",
                        self.adjusted).format(n=self.adjusted)
        text += "; " + ngettext("{n} produk cocok", "{n} produk cocok",
                                self.matched).format(n=self.matched)
        if self.uncounted:
            text += "; " + ngettext(
                "{n} produk tidak dihitung dan stoknya tidak diubah",
                "{n} produk tidak dihitung dan stoknya tidak diubah",
                self.uncounted).format(n=self.uncounted)
        return text + "."


def scope_label(scope: str, value: str = "") -> str:
    if scope == "category":
        return _("Kategori {name}").format(name=value)
    if scope == "rack":
        return _("Rak {name}").format(name=value)
    return _("Semua produk")


def _scope_condition(scope: str, value: str) -> tuple[str, tuple]:
    """SQL over ``p`` (products) for the live products a count covers. (``+`` keeps SQLite
    off the products_name index, which would cost a lookup per product of a big catalog.)"""
    if scope == "category":
        return "+p.archived = 0 AND +p.consigned = 0 AND p.category = ? COLLATE NOCASE", (value,)
    if scope == "rack":
        return "+p.archived = 0 AND +p.consigned = 0 AND p.rack = ? COLLATE NOCASE", (value,)
    # Consigned goods are the producers': they are counted under Titipan.
    return "+p.archived = 0 AND +p.consigned = 0", ()


def _count(row) -> StockCount:
    return StockCount(row["id"], row["number"], row["scope"], row["scope_value"], row["status"],
                      row["note"], row["opened_by"], row["opened_at"], row["closed_by"],
                      row["approved_by"], row["closed_at"])


def get_count(db: Database, count_id: str) -> StockCount:
    row = db.one("SELECT * FROM stock_counts WHERE id = ?", (count_id,))
    if row is None:
        raise NotFound(_("Stok opname tidak ditemukan."))
    return _count(row)


def list_counts(db: Database, *, limit: int = 50) -> list[StockCount]:
    return [_count(r) for r in db.query(
        "SELECT * FROM stock_counts ORDER BY opened_at DESC, id DESC LIMIT ?", (limit,))]


def _open_count(db: Database, count_id: str) -> StockCount:
    count = get_count(db, count_id)
    if count.status == "posted":
        raise UserError(_("Stok opname {number} sudah diposting; buka stok opname baru.").format(
            number=count.number))
    if count.status == "cancelled":
        raise UserError(_("Stok opname {number} sudah dibatalkan.").format(number=count.number))
    return count


def _clean(text, limit: int = MAX_TEXT) -> str:
    return (text if isinstance(text, str) else "").strip()[:limit]


def open_count(db: Database, *, user: User, scope: str = "all", scope_value: str = "",
               note: str = "") -> StockCount:
    """Start a count of every product, one category, or one rack."""
    require(user, "stock.count")
    if scope not in SCOPES:
        raise UserError(_("Cakupan stok opname tidak dikenal: {scope}").format(
            scope=str(scope)[:20]), "scope")
    value = "" if scope == "all" else _clean(scope_value, 60)
    if scope == "category" and not value:
        raise UserError(_("Pilih kategori yang akan dihitung."), "scope_value")
    if scope == "rack" and not value:
        raise UserError(_("Pilih rak yang akan dihitung."), "scope_value")
    with db.atomic():
        where, params = _scope_condition(scope, value)
        if not db.scalar(f"SELECT EXISTS (SELECT 1 FROM products p WHERE {where})", params):
            raise UserError(_("Tidak ada produk aktif di {scope}.").format(
                scope=scope_label(scope, value)), "scope_value")
        settings = get_settings(db)
        at = now_iso()
        number = next_document_number(db, kind="stock_count", shop_code=settings.shop_code,
                                      day=local_date(at, settings.zone), marker="O")
        count_id = new_id()
        db.execute("INSERT INTO stock_counts(id, number, scope, scope_value, status, note,"
                   " opened_by, opened_at) VALUES (?, ?, ?, ?, 'open', ?, ?, ?)",
                   (count_id, number, scope, value, _clean(note), user.id, at))
        audit.record(db, user_id=user.id, action="stock.count.open", entity="stock_count",
                     entity_id=count_id, detail={"number": number, "scope": scope,
                                                 "scope_value": value})
        return get_count(db, count_id)


def _product_for_count(db: Database, count: StockCount, product_id: str):
    row = db.one("SELECT * FROM products WHERE id = ?", (product_id,))
    if row is None:
        raise NotFound(_("Produk tidak ditemukan."))
    if row["archived"]:
        raise UserError(_("{name} sudah diarsipkan dan tidak dihitung.").format(
            name=row["name"]), "product")
    where, params = _scope_condition(count.scope, count.scope_value)
    if not db.scalar(f"SELECT EXISTS (SELECT 1 FROM products p WHERE p.id = ? AND {where})",
                     (product_id, *params)):
        raise UserError(_("{name} tidak termasuk stok opname ini ({scope}).").format(
            name=row["name"], scope=scope_label(count.scope, count.scope_value)), "product")
    other = db.scalar("SELECT c.number FROM stock_count_lines l JOIN stock_counts c"
                      " ON c.id = l.count_id WHERE l.product_id = ? AND c.status = 'open'"
                      " AND c.id <> ?", (product_id, count.id))
    if other:
        # Two open counts of one product would post its variance twice.
        raise UserError(_("{name} sudah dihitung di stok opname {number} yang masih terbuka.")
                        .format(name=row["name"], number=other), "product")
    return row


def count_item(db: Database, *, user: User, count_id: str, product_id: str, qty,
               mode: str = "set", reason: str = "") -> CountLine:
    """Record what was counted of one product.

    ``mode="set"`` replaces the product's line with ``qty`` (typed text, or int thousandths),
    taking the books' balance at this moment. ``mode="add"`` adds ``qty`` to what was counted
    so far (a scan adds one unit); the books' balance stays the one from when counting this
    product began, as the shelf was being counted from then."""
    require(user, "stock.count")
    if mode not in MODES:
        raise UserError(_("Cara menghitung tidak dikenal: {mode}").format(mode=str(mode)[:20]),
                        "mode")
    with db.atomic():
        count = _open_count(db, count_id)
        product = _product_for_count(db, count, product_id)
        counted = parse_qty(qty, field="qty", what=_("Jumlah hitungan"),
                            fractional=bool(product["fractional"]), allow_zero=mode == "set")
        line = db.one("SELECT * FROM stock_count_lines WHERE count_id = ? AND product_id = ?",
                      (count_id, product_id))
        at = now_iso()
        book = stock.on_hand(db, product_id)
        text = _clean(reason)
        if mode == "add" and line is not None:
            counted += line["counted_qty"]
            book, at, text = line["book_qty"], line["counted_at"], text or line["reason"]
            parse_qty(counted, field="qty", what=_("Jumlah hitungan"), allow_zero=True)
        db.execute(
            "INSERT INTO stock_count_lines(count_id, product_id, counted_qty, book_qty, reason,"
            " user_id, counted_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(count_id, product_id) DO UPDATE SET counted_qty = excluded.counted_qty,"
            " book_qty = excluded.book_qty, reason = excluded.reason, user_id = excluded.user_id,"
            " counted_at = excluded.counted_at",
            (count_id, product_id, counted, book, text, user.id, at))
        return count_line(db, count_id, product_id)


def count_scan(db: Database, *, user: User, count_id: str, code: str) -> CountLine:
    """A barcode scanned while counting: one of the unit it stands for (a carton's code
    counts the whole carton) is added to the product's line."""
    require(user, "stock.count")
    hit = find_by_barcode(db, code)
    if hit is None:
        raise UserError(_("Barcode {code} tidak dikenal.").format(code=(code or "")[:40]), "code")
    qty = hit.unit.factor if hit.unit else QTY_SCALE
    return count_item(db, user=user, count_id=count_id, product_id=hit.product.id, qty=qty,
                      mode="add")


_LINE_COLUMNS = (
    "p.id, p.name, p.base_unit, p.fractional, p.cost, coalesce(b.qty, 0) AS qty,"
    " coalesce(b.value, 0) AS value, l.counted_qty, l.book_qty, l.reason, l.counted_at"
)


def _line(row) -> CountLine:
    held = stock.Balance(row["qty"], row["value"])
    if row["counted_qty"] is None:
        variance = 0
    else:
        variance = row["counted_qty"] - row["book_qty"]
    value = amount(stock.average_cost(held, row["cost"]), variance)
    return CountLine(row["id"], row["name"], row["base_unit"], bool(row["fractional"]),
                     row["qty"], row["counted_qty"], row["book_qty"], variance, value,
                     row["reason"] or "", row["counted_at"])


def count_lines(db: Database, count_id: str) -> list[CountLine]:
    """Every product of the count, counted or not, by name; products counted and since
    moved out of scope keep their line."""
    count = get_count(db, count_id)
    where, params = _scope_condition(count.scope, count.scope_value)
    return [_line(r) for r in db.query(
        f"SELECT {_LINE_COLUMNS} FROM products p"
        " LEFT JOIN stock_balances b ON b.product_id = p.id"
        " LEFT JOIN stock_count_lines l ON l.count_id = ? AND l.product_id = p.id"
        f" WHERE ({where}) OR l.product_id IS NOT NULL"
        " ORDER BY p.name COLLATE NOCASE, p.id", (count_id, *params))]


def count_line(db: Database, count_id: str, product_id: str) -> CountLine:
    row = db.one(
        f"SELECT {_LINE_COLUMNS} FROM products p"
        " LEFT JOIN stock_balances b ON b.product_id = p.id"
        " LEFT JOIN stock_count_lines l ON l.count_id = ? AND l.product_id = p.id"
        " WHERE p.id = ?", (count_id, product_id))
    if row is None:
        raise NotFound(_("Produk tidak ditemukan."))
    return _line(row)


def post_count(db: Database, *, user: User, count_id: str, approver: User) -> PostedCount:
    """Post the variances as ``count`` movements, approved by a manager (``stock.adjust``)."""
    require(user, "stock.count")
    require(approver, "stock.adjust")
    with db.atomic():
        count = _open_count(db, count_id)
        lines = db.query(
            "SELECT l.*, p.name, p.archived, p.base_unit FROM stock_count_lines l"
            " JOIN products p ON p.id = l.product_id WHERE l.count_id = ?"
            " ORDER BY l.counted_at, p.id", (count_id,))
        archived = [line["name"] for line in lines if line["archived"]]
        if archived:
            raise UserError(_("{name} diarsipkan setelah dihitung; pulihkan produk itu dulu"
                              " sebelum memposting.").format(name=archived[0]), "product")
        where, params = _scope_condition(count.scope, count.scope_value)
        uncounted = db.scalar(
            f"SELECT count(*) FROM products p WHERE {where} AND NOT EXISTS (SELECT 1"
            " FROM stock_count_lines l WHERE l.count_id = ? AND l.product_id = p.id)",
            (*params, count_id))
        default_reason = _("Stok opname {number}").format(number=count.number)
        adjusted, moved_value, changes = 0, 0, []
        for line in lines:
            variance = line["counted_qty"] - line["book_qty"]
            if not variance:
                continue
            movement = stock.record_movement(
                db, user_id=user.id, product_id=line["product_id"], kind="count", qty=variance,
                doc_type="stock_count", doc_id=count_id,
                reason=line["reason"] or default_reason)
            adjusted += 1
            moved_value += movement.value
            changes.append({"product": line["name"],
                            "qty": format_qty(variance, line["base_unit"]),
                            "value": movement.value})
        at = now_iso()
        db.execute("UPDATE stock_counts SET status = 'posted', closed_by = ?, approved_by = ?,"
                   " closed_at = ? WHERE id = ?", (user.id, approver.id, at, count_id))
        result = PostedCount(count_id, count.number, adjusted, len(lines) - adjusted,
                             uncounted, moved_value)
        audit.record(db, user_id=user.id, action="stock.count.post", entity="stock_count",
                     entity_id=count_id, detail={
                         "number": count.number, "approved_by": approver.username,
                         "adjusted": adjusted, "matched": result.matched,
                         "uncounted": uncounted, "value": moved_value,
                         "changes": changes[:50]})
        return result


def cancel_count(db: Database, *, user: User, count_id: str, reason: str = "") -> StockCount:
    """Drop a count without touching stock (counted on the wrong day, the wrong shelves)."""
    require(user, "stock.count")
    with db.atomic():
        count = _open_count(db, count_id)
        db.execute("UPDATE stock_counts SET status = 'cancelled', closed_by = ?, closed_at = ?"
                   " WHERE id = ?", (user.id, now_iso(), count_id))
        audit.record(db, user_id=user.id, action="stock.count.cancel", entity="stock_count",
                     entity_id=count_id, detail={"number": count.number,
                                                 "reason": _clean(reason)})
        return get_count(db, count_id)
