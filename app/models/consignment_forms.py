"""The consignment screens' forms read as text: a nota titip being typed line by line, the
quantities given back to a producer, a count of consigned goods; and the figures those
screens show beside what is typed (the producer's price under a commission, what a line is
worth to the producer, a count's variance and its value).

Every reading of typed text and every sum is here, so the screens only show text; nothing
is written until ``consignment.post_intake`` / ``return_to_producer`` / ``post_count``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from app.i18n import _
from app.models.clock import day_text, parse_day
from app.models.consignment import IntakeLine
from app.models.consignment_stock import Batch
from app.models.consignors import Consignor, get_consignor, producer_share
from app.models.db import Database
from app.models.errors import Problem, UserError, ValidationError
from app.models.money import (
    QTY_SCALE,
    amount,
    format_number,
    format_qty,
    parse_qty,
    parse_rupiah,
)
from app.models.products import Product, get_product
from app.models.settings import shop_today

MAX_BATCH_CODE = 40
#: A batch that expires within this many days is shown as near expiry.
NEAR_EXPIRY_DAYS = 30
_MAX_YEARS_AHEAD = 20


# --- a nota titip being typed ---------------------------------------------------------------


@dataclass(frozen=True)
class IntakeRow:
    """One line of a nota titip on screen: the product and the text of its cells."""

    product_id: str
    name: str
    unit: str
    shop_price: int          # the till's price per whole base unit
    qty: str = "1"
    producer_price: str = ""
    batch_code: str = ""
    produced_on: str = ""
    expires_on: str = ""

    def form(self, consignor_id: str | None = None) -> dict[str, str]:
        return {"product_id": self.product_id, "consignor_id": consignor_id or "",
                "qty": self.qty, "producer_price": self.producer_price,
                "batch_code": self.batch_code, "produced_on": self.produced_on,
                "expires_on": self.expires_on}


def intake_line_from_form(db: Database, form: dict[str, str]) -> IntakeLine:
    """An IntakeLine from the text of one line (``product_id``, ``qty``, ``producer_price``,
    ``batch_code``, ``produced_on``, ``expires_on`` and, to check the price against the
    terms, ``consignor_id``); a refusal names the field that is wrong."""
    product = get_product(db, form.get("product_id") or "")
    if product.archived:
        raise UserError(_("{name} sudah diarsipkan.").format(name=product.name), "product")
    qty = parse_qty(form.get("qty"), field="qty", what=_("Jumlah {name}").format(
        name=product.name), fractional=product.fractional)
    terms = (get_consignor(db, form["consignor_id"]).terms if form.get("consignor_id")
             else None)
    price_text = (form.get("producer_price") or "").strip()
    producer_price = None
    if terms != "percent" and price_text:
        producer_price = parse_rupiah(price_text, field="producer_price",
                                      what=_("Harga ke produsen"))
    if terms == "fixed" and producer_price is None:
        raise UserError(_("Harga ke produsen harus diisi (penitip ini dibayar harga tetap)."),
                        "producer_price")
    if producer_price is not None and producer_price > product.price:
        raise UserError(_("Harga ke produsen {producer} lebih tinggi dari harga jual {shop}.")
                        .format(producer=format_number(producer_price),
                                shop=format_number(product.price)), "producer_price")
    batch_code = " ".join(str(form.get("batch_code") or "").split())
    if len(batch_code) > MAX_BATCH_CODE:
        raise UserError(_("Kode batch paling banyak {n} huruf.").format(n=MAX_BATCH_CODE),
                        "batch_code")
    produced = parse_day(form.get("produced_on"), field="produced_on",
                         what=_("Tanggal produksi"))
    expires = parse_day(form.get("expires_on"), field="expires_on",
                        what=_("Tanggal kedaluwarsa"))
    today = shop_today(db)
    if expires is not None and expires < today:
        raise UserError(_("{name} sudah kedaluwarsa ({day}); barang kedaluwarsa tidak"
                          " diterima.").format(name=product.name, day=day_text(expires)),
                        "expires_on")
    if expires is not None and expires.year > today.year + _MAX_YEARS_AHEAD:
        raise UserError(_("Tanggal kedaluwarsa {day} terlalu jauh.").format(
            day=day_text(expires)), "expires_on")
    if produced is not None and produced > today:
        raise UserError(_("Tanggal produksi {day} di masa depan.").format(
            day=day_text(produced)), "produced_on")
    if produced is not None and expires is not None and produced > expires:
        raise UserError(_("Tanggal produksi sesudah tanggal kedaluwarsa."), "produced_on")
    return IntakeLine(product.id, qty, producer_price=producer_price, batch_code=batch_code,
                      produced_on=produced, expires_on=expires)


def intake_lines(db: Database, consignor_id: str | None, rows) -> list[IntakeLine]:
    """Every line of the nota read, or every problem with them at once (row = line no.)."""
    if not consignor_id:
        raise UserError(_("Pilih penitip dulu."), "consignor")
    if not rows:
        raise UserError(_("Nota titip belum berisi barang."), "lines")
    lines, problems = [], []
    for number, row in enumerate(rows, start=1):
        try:
            lines.append(intake_line_from_form(db, row.form(consignor_id)))
        except UserError as e:
            problems.append(Problem(e.field or "", _("Baris {n}: {problem}").format(
                n=number, problem=e.message), number))
    if problems:
        raise ValidationError(problems)
    return lines


def row_problem(db: Database, consignor_id: str | None, rows, index: int) -> UserError | None:
    """What is wrong with one line as typed so far (shown at once, refused when posting)."""
    try:
        intake_line_from_form(db, rows[index].form(consignor_id))
    except UserError as e:
        return e
    return None


def last_producer_price(db: Database, consignor_id: str, product_id: str) -> int | None:
    """The price agreed with this producer for this product on the last nota titip."""
    return db.scalar("SELECT producer_price FROM consignment_batches WHERE consignor_id = ?"
                     " AND product_id = ? AND terms = 'fixed'"
                     " ORDER BY created_at DESC, line_no DESC LIMIT 1",
                     (consignor_id, product_id))


def _consignable(db: Database, product: Product) -> None:
    if product.archived:
        raise UserError(_("{name} sudah diarsipkan; pulihkan dulu.").format(name=product.name),
                        "scan")
    if not product.consigned and db.scalar(
            "SELECT 1 FROM stock_movements WHERE product_id = ? LIMIT 1", (product.id,)):
        raise UserError(_("{name} adalah stok milik gerai, bukan barang titipan. Buat produk"
                          " baru untuk barang titipan (F4).").format(name=product.name), "scan")


def add_product(db: Database, rows: tuple[IntakeRow, ...], consignor_id: str,
                product_id: str, qty: int = QTY_SCALE) -> tuple[tuple[IntakeRow, ...], int]:
    """``qty`` more of a product: on its last line (a second scan of the same item), else a
    new line with the producer's last agreed price. Returns the lines and the one touched."""
    product = get_product(db, product_id)
    _consignable(db, product)
    for index in range(len(rows) - 1, -1, -1):
        if rows[index].product_id == product.id:
            try:
                before = parse_qty(rows[index].qty, fractional=product.fractional)
            except UserError:
                break   # a quantity being corrected: a new line rather than a guess
            lines = list(rows)
            lines[index] = replace(rows[index], qty=format_qty(before + qty, grouped=False))
            return tuple(lines), index
    last = last_producer_price(db, consignor_id, product.id)
    row = IntakeRow(product.id, product.name, product.base_unit, product.price,
                    qty=format_qty(qty, grouped=False),
                    producer_price=format_number(last) if last is not None else "")
    return (*rows, row), len(rows)


@dataclass(frozen=True)
class RowFigures:
    """What a line is worth, as far as its text can be read (None where it cannot)."""

    producer_price: int | None   # per whole base unit
    shop_value: int | None
    owed: int | None             # to the producer if all of it sells


def _qty_or_none(text) -> int | None:
    try:
        return parse_qty(text)
    except UserError:
        return None


def row_figures(consignor: Consignor | None, row: IntakeRow) -> RowFigures:
    """Under a commission the producer's price follows from the till's price; under fixed
    terms it is the price typed."""
    qty = _qty_or_none(row.qty)
    price = None
    if consignor is not None and consignor.terms == "percent":
        price = producer_share(row.shop_price, "percent", consignor.commission_bp, 0, 0)
    elif row.producer_price.strip():
        try:
            price = parse_rupiah(row.producer_price)
        except UserError:
            price = None
    return RowFigures(price, None if qty is None else amount(row.shop_price, qty),
                      None if qty is None or price is None else amount(price, qty))


@dataclass(frozen=True)
class IntakeTotals:
    lines: int
    shop_value: int
    owed: int


def intake_totals(consignor: Consignor | None, rows) -> IntakeTotals:
    figures = [row_figures(consignor, row) for row in rows]
    return IntakeTotals(len(figures), sum(f.shop_value or 0 for f in figures),
                        sum(f.owed or 0 for f in figures))


# --- batches on hand, returns and counts --------------------------------------------------------


def expiry_state(batch: Batch, today: date, near_days: int = NEAR_EXPIRY_DAYS) -> str:
    """``expired``, ``near`` (within ``near_days``) or "" for a batch's expiry."""
    if not batch.expires_on:
        return ""
    day = date.fromisoformat(batch.expires_on)
    if day < today:
        return "expired"
    return "near" if day <= today + timedelta(days=near_days) else ""


def _batch_qty(batch: Batch, text, what: str) -> int | None:
    raw = str(text or "").strip()
    if not raw:
        return None
    return parse_qty(raw, field="qty", what=what, allow_zero=True,
                     fractional=batch.fractional)


def return_quantities(batches: list[Batch], texts: list[str]) -> dict[str, int]:
    """What is given back of each batch (empty or 0: nothing), never more than on hand."""
    problems, quantities = [], {}
    for number, (batch, text) in enumerate(zip(batches, texts, strict=True), start=1):
        try:
            qty = _batch_qty(batch, text, _("Jumlah {name}").format(name=batch.product_name))
            if qty and qty > batch.on_hand:
                raise UserError(_("{name}: dikembalikan {qty}, padahal sisa di gerai {left}.")
                                .format(name=batch.product_name,
                                        qty=format_qty(qty, batch.unit),
                                        left=format_qty(max(batch.on_hand, 0), batch.unit)),
                                "qty")
        except UserError as e:
            problems.append(Problem("qty", e.message, number))
            continue
        if qty:
            quantities[batch.id] = qty
    if problems:
        raise ValidationError(problems)
    return quantities


@dataclass(frozen=True)
class CountFigures:
    counted: int | None
    variance: int | None     # counted − on the books (+ found, − missing)
    value: int | None        # the variance at the producer's price
    problem: str = ""


def count_figures(batch: Batch, text) -> CountFigures:
    try:
        counted = _batch_qty(batch, text, _("Jumlah hitung {name}").format(
            name=batch.product_name))
    except UserError as e:
        return CountFigures(None, None, None, e.message)
    if counted is None:
        return CountFigures(None, None, None)
    variance = counted - batch.on_hand
    return CountFigures(counted, variance, amount(batch.producer_price, variance))


def counted_quantities(batches: list[Batch], texts: list[str]) -> dict[str, int]:
    """The batches counted (an empty cell was not counted) and what was found of each."""
    problems, counted = [], {}
    for number, (batch, text) in enumerate(zip(batches, texts, strict=True), start=1):
        figures = count_figures(batch, text)
        if figures.problem:
            problems.append(Problem("qty", figures.problem, number))
        elif figures.counted is not None:
            counted[batch.id] = figures.counted
    if problems:
        raise ValidationError(problems)
    return counted


@dataclass(frozen=True)
class CountTotals:
    counted: int        # batches counted
    differing: int      # of which differ from the books
    value: int          # the variances at the producer's price (negative: missing)


def count_totals(batches: list[Batch], texts: list[str]) -> CountTotals:
    figures = [count_figures(b, t) for b, t in zip(batches, texts, strict=True)]
    return CountTotals(sum(f.counted is not None for f in figures),
                       sum(bool(f.variance) for f in figures),
                       sum(f.value or 0 for f in figures))


_DOCUMENTS = {"intake": "consignment_intakes", "return": "consignment_returns",
              "count": "consignment_counts"}


def document_number(db: Database, kind: str, doc_id: str) -> str:
    """The printed number of a nota titip, a return to the producer or a count."""
    return db.scalar(f"SELECT number FROM {_DOCUMENTS[kind]} WHERE id = ?", (doc_id,)) or ""
