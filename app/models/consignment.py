"""Consigned goods (titip jual): intake batches, what sells from them, returns to the
producer, counts, and the reconciliation per batch.

Consigned goods stay the producer's until they sell: they never enter the shop's stock
ledger and carry no cost of ours. Each intake line is a batch; the consignment ledger
(``consignment_movements``) records every change of a batch's quantity with what a sale
brought in (gross) and what the shop owes the producer for it (due), and the balances per
batch and per product move in the same transaction. A sale takes from the oldest batch
first (FIFO over every producer of that product); the cost of goods on the sale line is
what the producers are owed for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.i18n import _
from app.models import audit
from app.models.clock import now_iso
from app.models.consignors import producer_share
from app.models.db import Database
from app.models.errors import NotFound, UserError
from app.models.ids import document_number, new_id
from app.models.money import (
    MAX_QTY,
    MAX_RUPIAH,
    QTY_SCALE,
    allocate,
    amount,
    div_round_half_up,
    format_rupiah,
)
from app.models.settings import shop_today
from app.models.users import User, require

MAX_LINES = 200


def _move(db: Database, *, batch: dict, kind: str, qty: int, gross: int = 0, due: int = 0,
          doc_type: str | None = None, doc_id: str | None = None,
          sale_line_id: str | None = None, user_id: str | None = None, reason: str = "",
          at: str | None = None) -> str:
    """Append one consignment movement and move the balances with it (caller's
    transaction)."""
    assert db.in_transaction, "consignment moves inside the business event's transaction"
    movement_id = new_id()
    db.execute(
        "INSERT INTO consignment_movements(id, batch_id, consignor_id, product_id, kind, qty,"
        " gross, due, doc_type, doc_id, sale_line_id, user_id, reason, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (movement_id, batch["id"], batch["consignor_id"], batch["product_id"], kind, qty, gross,
         due, doc_type, doc_id, sale_line_id, user_id, reason, at or now_iso()))
    db.execute(
        "INSERT INTO consignment_balances(batch_id, consignor_id, product_id, qty)"
        " VALUES (?, ?, ?, ?) ON CONFLICT(batch_id) DO UPDATE SET qty = qty + excluded.qty",
        (batch["id"], batch["consignor_id"], batch["product_id"], qty))
    db.execute(
        "INSERT INTO consigned_stock(product_id, qty) VALUES (?, ?)"
        " ON CONFLICT(product_id) DO UPDATE SET qty = qty + excluded.qty",
        (batch["product_id"], qty))
    return movement_id


def _number(db: Database, kind: str, marker: str, at: str) -> str:
    return document_number(db, kind, marker, at)


def _clean(text, limit: int = 200) -> str:
    return " ".join(str(text or "").split())[:limit]


def _positive_qty(qty, *, name: str, unit: str, fractional: bool, field: str = "qty") -> int:
    if not isinstance(qty, int) or isinstance(qty, bool) or qty <= 0:
        raise UserError(_("{name}: jumlah harus lebih dari nol.").format(name=name), field)
    if qty > MAX_QTY:
        raise UserError(_("{name}: jumlah terlalu besar.").format(name=name), field)
    if not fractional and qty % QTY_SCALE:
        raise UserError(_("{name} dihitung per {unit} utuh, tanpa desimal.").format(
            name=name, unit=unit), field)
    return qty


# --- consigned products -------------------------------------------------------------------


def mark_consigned(db: Database, *, user: User, product_id: str, consigned: bool = True) -> None:
    """Make a product a consigned one (titip jual) or the shop's own again. Only while it
    has no history on the other side: a product with stock movements of the shop cannot
    become a producer's, nor one with consignment batches the shop's."""
    require(user, "product.edit")
    with db.atomic():
        _set_consigned(db, user=user, product_id=product_id, consigned=consigned)


def _set_consigned(db: Database, *, user: User, product_id: str, consigned: bool) -> None:
    row = db.one("SELECT name, consigned FROM products WHERE id = ?", (product_id,))
    if row is None:
        raise NotFound(_("Produk tidak ditemukan."))
    if bool(row["consigned"]) == consigned:
        return
    if consigned and db.scalar("SELECT 1 FROM stock_movements WHERE product_id = ? LIMIT 1",
                               (product_id,)):
        raise UserError(_("{name} sudah punya riwayat stok milik gerai, jadi tidak bisa menjadi"
                          " barang titipan. Buat produk baru untuk barang titipan.").format(
                              name=row["name"]))
    if not consigned and db.scalar("SELECT 1 FROM consignment_batches WHERE product_id = ?"
                                   " LIMIT 1", (product_id,)):
        raise UserError(_("{name} sudah punya nota titip, jadi tetap barang titipan.").format(
            name=row["name"]))
    db.execute("UPDATE products SET consigned = ?, updated_at = ? WHERE id = ?",
               (int(consigned), now_iso(), product_id))
    audit.record(db, user_id=user.id, action="product.consigned", entity="product",
                 entity_id=product_id, detail={"name": row["name"], "consigned": consigned})


def is_consigned(db: Database, product_id: str) -> bool:
    return bool(db.scalar("SELECT consigned FROM products WHERE id = ?", (product_id,)))


def require_own_stock(db: Database, product_id: str, *, field: str = "product") -> None:
    """Refuse a stock document (purchase, receipt, write-off, count) for consigned goods."""
    row = db.one("SELECT name, consigned FROM products WHERE id = ?", (product_id,))
    if row is not None and row["consigned"]:
        raise UserError(_("{name} adalah barang titipan (milik produsen), bukan stok gerai:"
                          " catat lewat menu Titipan.").format(name=row["name"]), field)


# --- intake -------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntakeLine:
    product_id: str
    qty: int                       # base-unit thousandths
    shop_price: int | None = None  # per whole base unit; None = the product's price
    producer_price: int | None = None  # per whole base unit; required under fixed terms
    batch_code: str = ""
    produced_on: date | None = None
    expires_on: date | None = None


def _check_price(value, what: str, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_RUPIAH:
        raise UserError(_("{what} tidak valid.").format(what=what), field)
    return value


def post_intake(db: Database, *, user: User, consignor_id: str, lines: list[IntakeLine],
                note: str = "") -> str:
    """Take goods in on consignment (nota titip): one batch per line, each with the terms
    agreed for it. A product not yet consigned becomes so if it has no stock of the shop's.
    Returns the intake id."""
    require(user, "consignment.manage")
    if not lines:
        raise UserError(_("Nota titip belum berisi barang."), "lines")
    if len(lines) > MAX_LINES:
        raise UserError(_("Paling banyak {n} baris dalam satu nota.").format(n=MAX_LINES), "lines")
    with db.atomic():
        consignor = db.one("SELECT * FROM consignors WHERE id = ?", (consignor_id,))
        if consignor is None:
            raise NotFound(_("Penitip tidak ditemukan."))
        if consignor["archived"]:
            raise UserError(_("Penitip {name} sudah diarsipkan.").format(name=consignor["name"]))
        today = shop_today(db)
        at = now_iso()
        intake_id = new_id()
        number = _number(db, "consignment_intake", "N", at)
        db.execute("INSERT INTO consignment_intakes(id, number, consignor_id, note, user_id,"
                   " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                   (intake_id, number, consignor_id, _clean(note), user.id, at))
        for line_no, line in enumerate(lines, start=1):
            field = f"lines.{line_no}"
            product = db.one("SELECT * FROM products WHERE id = ?", (line.product_id,))
            if product is None:
                raise NotFound(_("Produk tidak ditemukan."))
            name = product["name"]
            if product["archived"]:
                raise UserError(_("{name} sudah diarsipkan.").format(name=name), field)
            qty = _positive_qty(line.qty, name=name, unit=product["base_unit"],
                                fractional=bool(product["fractional"]), field=field)
            shop_price = product["price"] if line.shop_price is None else _check_price(
                line.shop_price, _("Harga jual {name}").format(name=name), field)
            if shop_price != product["price"]:
                raise UserError(_("{name}: harga jual di nota ({price}) berbeda dari harga di"
                                  " kasir ({current}); ubah harga produk dulu.").format(
                                      name=name, price=format_rupiah(shop_price),
                                      current=format_rupiah(product["price"])), field)
            if consignor["terms"] == "fixed":
                if line.producer_price is None:
                    raise UserError(_("{name}: harga ke produsen harus diisi.").format(
                        name=name), field)
                producer_price = _check_price(
                    line.producer_price, _("Harga ke produsen {name}").format(name=name), field)
                if producer_price > shop_price:
                    raise UserError(_("{name}: harga ke produsen {producer} lebih tinggi dari"
                                      " harga jual {shop}.").format(
                                          name=name, producer=format_rupiah(producer_price),
                                          shop=format_rupiah(shop_price)), field)
            else:
                producer_price = producer_share(shop_price, "percent",
                                                consignor["commission_bp"], 0, 0)
            for day, what in ((line.produced_on, _("Tanggal produksi")),
                              (line.expires_on, _("Tanggal kedaluwarsa"))):
                if day is not None and not isinstance(day, date):
                    raise UserError(_("{what} tidak valid.").format(what=what), field)
            if line.expires_on is not None and line.expires_on < today:
                raise UserError(_("{name} sudah kedaluwarsa ({day}); barang kedaluwarsa tidak"
                                  " diterima.").format(name=name, day=line.expires_on.isoformat()),
                                field)
            if line.produced_on is not None and line.produced_on > today:
                raise UserError(_("{name}: tanggal produksi di masa depan.").format(name=name),
                                field)
            if (line.produced_on and line.expires_on
                    and line.produced_on > line.expires_on):
                raise UserError(_("{name}: tanggal produksi sesudah tanggal kedaluwarsa.")
                                .format(name=name), field)
            if not product["consigned"]:
                _set_consigned(db, user=user, product_id=product["id"], consigned=True)
            batch = {"id": new_id(), "consignor_id": consignor_id, "product_id": product["id"]}
            db.execute(
                "INSERT INTO consignment_batches(id, intake_id, line_no, consignor_id, product_id,"
                " qty, shop_price, producer_price, terms, commission_bp, batch_code, produced_on,"
                " expires_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (batch["id"], intake_id, line_no, consignor_id, product["id"], qty, shop_price,
                 producer_price, consignor["terms"], consignor["commission_bp"],
                 _clean(line.batch_code, 40),
                 line.produced_on.isoformat() if line.produced_on else None,
                 line.expires_on.isoformat() if line.expires_on else None, at))
            _move(db, batch=batch, kind="intake", qty=qty, doc_type="consignment_intake",
                  doc_id=intake_id, user_id=user.id, at=at)
        audit.record(db, user_id=user.id, action="consignment.intake", entity="consignor",
                     entity_id=consignor_id, detail={"number": number, "lines": len(lines)})
        return intake_id


# --- selling ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Take:
    """Part of a sale line taken from one batch."""

    batch: dict
    qty: int
    gross: int
    due: int


def _due(batch, qty: int, gross: int) -> int:
    return producer_share(gross, batch["terms"], batch["commission_bp"], batch["producer_price"],
                          amount(batch["producer_price"], qty))


def plan_sale(db: Database, *, product_id: str, name: str, base_qty: int,
              net_amount: int) -> list[Take]:
    """Which batches a sale of ``base_qty`` takes from: the oldest first, over every producer
    of the product. Selling more than the books hold (an intake not yet entered) takes the
    rest from the newest batch, which goes below zero until a count or intake sets it right.
    ``net_amount`` (what the customer paid for the line) is split in proportion."""
    batches = db.query(
        "SELECT b.id, b.consignor_id, b.product_id, b.terms, b.commission_bp, b.producer_price,"
        " coalesce(l.qty, 0) AS on_hand FROM consignment_batches b"
        " LEFT JOIN consignment_balances l ON l.batch_id = b.id"
        " WHERE b.product_id = ? ORDER BY b.created_at, b.id", (product_id,))
    if not batches:
        raise UserError(_("{name} adalah barang titipan tanpa nota titip: catat penerimaan"
                          " titipannya dulu.").format(name=name))
    parts, left = [], base_qty
    for batch in batches:
        if left <= 0:
            break
        take = min(left, batch["on_hand"])
        if take > 0:
            parts.append([dict(batch), take])
            left -= take
    if left > 0:
        newest = dict(batches[-1])
        if parts and parts[-1][0]["id"] == newest["id"]:
            parts[-1][1] += left
        else:
            parts.append([newest, left])
    grosses = allocate(net_amount, [q for _b, q in parts])
    return [Take(b, q, g, _due(b, q, g)) for (b, q), g in zip(parts, grosses, strict=True)]


def write_sale(db: Database, takes: list[Take], *, user_id: str, sale_id: str,
               sale_line_id: str, at: str) -> None:
    for take in takes:
        _move(db, batch=take.batch, kind="sale", qty=-take.qty, gross=take.gross, due=take.due,
              doc_type="sale", doc_id=sale_id, sale_line_id=sale_line_id, user_id=user_id,
              at=at)


def plan_take_back(db: Database, *, original_line_id: str, base_qty: int,
                   net_amount: int) -> list[Take]:
    """A customer's return of ``base_qty`` of a consigned sale line: back to the batches it
    came from (the last taken first), with the producer's share given back in proportion;
    a line returned in full gives back exactly what it owed."""
    rows = db.query(
        "SELECT m.batch_id, sum(-m.qty) AS qty, sum(m.gross) AS gross, sum(m.due) AS due,"
        " max(m.rowid) AS last FROM consignment_movements m WHERE m.kind = 'sale'"
        " AND m.sale_line_id = ? GROUP BY m.batch_id ORDER BY last DESC", (original_line_id,))
    if not rows:
        return []
    back = dict((r[0], (r[1], r[2], r[3])) for r in db.query(
        "SELECT m.batch_id, sum(m.qty), sum(-m.gross), sum(-m.due) FROM consignment_movements m"
        " JOIN sale_lines l ON l.id = m.sale_line_id"
        " WHERE m.kind = 'sale_return' AND l.original_line_id = ? GROUP BY m.batch_id",
        (original_line_id,)))
    parts, left = [], base_qty
    for r in rows:
        if left <= 0:
            break
        done_qty, _done_gross, done_due = back.get(r["batch_id"], (0, 0, 0))
        take = min(left, r["qty"] - done_qty)
        if take <= 0:
            continue
        if take == r["qty"] - done_qty:
            due = r["due"] - done_due
        else:
            due = div_round_half_up(r["due"] * (done_qty + take), r["qty"]) - done_due
        batch = dict(db.one("SELECT id, consignor_id, product_id FROM consignment_batches"
                            " WHERE id = ?", (r["batch_id"],)))
        parts.append((batch, take, due))
        left -= take
    grosses = allocate(net_amount, [q for _b, q, _d in parts])
    return [Take(b, q, g, d) for (b, q, d), g in zip(parts, grosses, strict=True)]


def write_take_back(db: Database, takes: list[Take], *, user_id: str, return_id: str,
                    return_line_id: str, reason: str, at: str) -> None:
    for take in takes:
        _move(db, batch=take.batch, kind="sale_return", qty=take.qty, gross=-take.gross,
              due=-take.due, doc_type="return", doc_id=return_id, sale_line_id=return_line_id,
              user_id=user_id, reason=reason, at=at)
