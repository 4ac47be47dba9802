"""The product catalog as a file: import from CSV or XLSX with a preview, export the same shape.

A shop moving from a notebook or another program types its catalog in Excel; the district
office sends one. Reading gives a preview (the products, counts, and every problem with the
spreadsheet row and column, all at once); importing posts the whole file in one transaction
or nothing. Exporting writes the same columns, so an export imports into another shop.

The columns (names case-insensitive; spaces and ``-`` count as ``_``; English names too):

=============  =========================  ==================================================
column         also accepted              content
=============  =========================  ==================================================
nama *         name, produk, product      product name
merek          brand, merk
kategori       category
satuan *       unit, base_unit            base unit: pcs, kg, liter, ...
desimal        fractional, decimal        ``ya``/``tidak`` (y/t, yes/no, true/false, 1/0):
                                          sold in fractions; empty: yes for kg, liter,
                                          meter, gram, ons
harga *        price, harga_jual          selling price per base unit in rupiah:
                                          ``15000``, ``15.000`` or ``Rp15.000``
harga_pokok    cost, hpp, harga_beli      cost per base unit in rupiah
het            max_price                  government price cap per base unit (empty: none)
stok_min       min_stock, stok_minimum    minimum stock, in base units
rak            rack, shelf                shelf or rack
barcode        barcodes, kode, ean        barcodes of the base unit, separated by spaces,
                                          ``;`` or ``,``
kemasan        units, packs, packaging    packaging units, separated by ``;``; each
                                          ``name:content[:price[:barcodes]]`` with content
                                          in base units, e.g. ``dus:40:98000:8991234500017``
                                          or ``karung:50`` (price empty: base price ×
                                          content), several barcodes separated by spaces
stok           stock, opening_stock,      opening stock in base units (``1,25`` or
               stok_awal                  ``1.25``), valued at harga_pokok
plu            —                          the scale's PLU number (1–99999)
program        —                          government program good: MinyaKita, SPHP, ...
kuota          quota, quota_qty           per-member quota in base units (needs program)
periode_kuota  quota_period, periode      ``hari``, ``minggu`` or ``bulan`` (day, week,
                                          month); empty: bulan
=============  =========================  ==================================================

``*`` required. Other columns are ignored (the preview names them). At most
:data:`MAX_ROWS` products per file. Export writes active (not archived) products with their
stock on hand as ``stok`` (a negative balance as 0).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from app.i18n import _
from app.models.barcodes import barcode_problem, split_codes
from app.models.catalog import catalog_problems, import_products
from app.models.db import Database
from app.models.errors import Problem, UserError, ValidationError
from app.models.money import amount, format_qty, group_thousands, parse_qty, parse_rupiah
from app.models.products import (
    FRACTIONAL_UNITS,
    ProductInput,
    UnitInput,
    code_fields,
    field_problems,
    parse_plu,
)
from app.models.table_file import TableRow, read_table, write_csv, write_xlsx
from app.models.users import User, require

COLUMNS = ("nama", "merek", "kategori", "satuan", "desimal", "harga", "harga_pokok", "het",
           "stok_min", "rak", "barcode", "kemasan", "stok", "plu", "program", "kuota",
           "periode_kuota")
REQUIRED = ("nama", "satuan", "harga")
ALIASES = {
    "name": "nama", "produk": "nama", "product": "nama", "nama_produk": "nama",
    "brand": "merek", "merk": "merek",
    "category": "kategori",
    "unit": "satuan", "base_unit": "satuan", "satuan_dasar": "satuan",
    "fractional": "desimal", "decimal": "desimal",
    "price": "harga", "harga_jual": "harga",
    "cost": "harga_pokok", "hpp": "harga_pokok", "harga_beli": "harga_pokok",
    "max_price": "het",
    "min_stock": "stok_min", "stok_minimum": "stok_min",
    "rack": "rak", "shelf": "rak",
    "barcodes": "barcode", "kode": "barcode", "ean": "barcode",
    "units": "kemasan", "packs": "kemasan", "packaging": "kemasan",
    "stock": "stok", "opening_stock": "stok", "stok_awal": "stok",
    "quota": "kuota", "quota_qty": "kuota",
    "quota_period": "periode_kuota", "periode": "periode_kuota",
}
#: A file with more products is refused: split it (a shop has a few thousand at most).
MAX_ROWS = 100_000
#: Rows a preview shows.
PREVIEW_ROWS = 20
_YES = frozenset({"ya", "y", "yes", "true", "1", "benar"})
_NO = frozenset({"tidak", "t", "tdk", "no", "n", "false", "0", "salah"})
#: The domain's form fields (catalog_problems) as the file's columns.
_FIELD_COLUMN = {"name": "nama", "brand": "merek", "category": "kategori", "base_unit": "satuan",
                 "fractional": "desimal", "price": "harga", "cost": "harga_pokok", "het": "het",
                 "min_stock": "stok_min", "barcodes": "barcode", "opening_stock": "stok",
                 "plu": "plu", "quota_qty": "kuota", "quota_period": "periode_kuota"}
#: Quota periods as the file writes them, and the words it reads for each.
_PERIOD_WORD = {"day": "hari", "week": "minggu", "month": "bulan"}
_PERIODS = {word: period for period, words in (
    ("day", ("hari", "harian", "per_hari", "day", "daily")),
    ("week", ("minggu", "mingguan", "per_minggu", "week", "weekly")),
    ("month", ("bulan", "bulanan", "per_bulan", "month", "monthly"))) for word in words}
_MONEY_COLUMNS = ("harga", "harga_pokok", "het")


@dataclass(frozen=True)
class CatalogRow:
    """One product read from the file, with the spreadsheet row it came from."""

    row: int
    item: ProductInput


@dataclass(frozen=True)
class CatalogPreview:
    """What a file holds, before anything is written."""

    name: str                       # the file's name, for messages
    format: str                     # "csv" or "xlsx" ("" when the file could not be read)
    columns: tuple[str, ...]        # the catalog columns found, in the file's order
    ignored: tuple[str, ...]        # header cells that are no catalog column
    rows: tuple[CatalogRow, ...]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def items(self) -> tuple[ProductInput, ...]:
        return tuple(r.item for r in self.rows)

    @property
    def first_rows(self) -> tuple[CatalogRow, ...]:
        return self.rows[:PREVIEW_ROWS]

    @property
    def barcode_count(self) -> int:
        return sum(len(r.item.barcodes) + sum(len(u.barcodes) for u in r.item.units)
                   for r in self.rows)

    @property
    def unit_count(self) -> int:
        return sum(len(r.item.units) for r in self.rows)

    @property
    def stocked_count(self) -> int:
        return sum(1 for r in self.rows if r.item.opening_stock)

    @property
    def stock_value(self) -> int:
        """Rupiah the opening stock adds to the shop's stock value (at harga_pokok)."""
        return sum(amount(r.item.cost, r.item.opening_stock) for r in self.rows)

    @property
    def problem_rows(self) -> int:
        return len({p.row for p in self.problems if p.row is not None})


def format_problem(problem: Problem) -> str:
    """One problem as a line for a person: where in the spreadsheet, then what."""
    if problem.row is not None and problem.field:
        return _("Baris {row}, kolom {column}: {message}").format(
            row=problem.row, column=problem.field, message=problem.message)
    if problem.row is not None:
        return _("Baris {row}: {message}").format(row=problem.row, message=problem.message)
    return problem.message


# --- reading ----------------------------------------------------------------------------


def read_catalog(path: str | Path, db: Database | None = None) -> CatalogPreview:
    """Read a catalog file; with ``db``, also check it against the shop (barcodes and PLUs
    already in use). Never writes; every problem comes back in the preview."""
    path = Path(path)
    try:
        table = read_table(path, max_rows=MAX_ROWS)
    except ValidationError as e:
        return CatalogPreview(path.name, "", (), (), (), tuple(e.problems))
    except UserError as e:
        return CatalogPreview(path.name, "", (), (), (), (Problem("", e.message),))
    columns, ignored, problems = _header(table.header, table.header_row)
    found = tuple(c for c in columns if c)
    if table.truncated:
        problems.append(Problem("", _("Berkas berisi lebih dari {max} baris produk: bagi menjadi"
                                      " beberapa berkas.").format(max=group_thousands(MAX_ROWS))))
    elif not table.rows:
        problems.append(Problem("", _("Berkas tidak berisi produk: hanya ada baris judul."),
                                table.header_row))
    if problems:
        return CatalogPreview(path.name, table.format, found, ignored, (), tuple(problems))
    rows = []
    for line in table.rows:
        row, row_problems = _parse_row(line, columns)
        rows.append(row)
        problems += row_problems
    duplicates, checkable = _duplicates(rows)
    problems += duplicates
    if db is not None:
        problems += to_sheet(catalog_problems(db, checkable), rows)
    else:
        problems += to_sheet(_own_problems(checkable), rows)
    order = {c: i for i, c in enumerate(COLUMNS)}
    problems = sorted(dict.fromkeys(problems),
                      key=lambda p: (p.row or 0, order.get(p.field, len(order))))
    return CatalogPreview(path.name, table.format, found, ignored, tuple(rows), tuple(problems))


def normal_column(text: str) -> str:
    """A header cell as a column name: ``Harga Pokok`` → ``harga_pokok``, aliases resolved."""
    name = re.sub(r"[^0-9a-z]+", "_", (text or "").strip().lower()).strip("_")
    return ALIASES.get(name, name)


def _header(header: Sequence[str], header_row: int) -> tuple[list[str], tuple[str, ...],
                                                               list[Problem]]:
    """Each header cell's column ('' when ignored), the ignored cells, and the problems."""
    columns, ignored, problems, seen = [], [], [], set()
    for cell in header:
        column = normal_column(cell)
        if column in COLUMNS and column in seen:
            problems.append(Problem(column, _("Kolom {column} ada dua kali.").format(
                column=column), header_row))
        if column in COLUMNS:
            seen.add(column)
            columns.append(column)
        else:
            columns.append("")
            if cell.strip():
                ignored.append(cell.strip())
    missing = [c for c in REQUIRED if c not in seen]
    if missing:
        problems.insert(0, Problem(", ".join(missing), _(
            "Kolom wajib tidak ada: {missing}. Kolom yang ditemukan: {found}. Baris judul harus"
            " memuat paling sedikit nama, satuan dan harga.").format(
                missing=", ".join(missing),
                found=", ".join(c.strip() for c in header if c.strip()) or "-"), header_row))
    return columns, tuple(ignored), problems


def _parse_row(line: TableRow, columns: Sequence[str]) -> tuple[CatalogRow, list[Problem]]:
    cells = {c: v.strip() for c, v in zip(columns, line.cells, strict=False) if c}
    problems: list[Problem] = []

    def take(column, fn, *, required=False, **kw):
        text = cells.get(column, "")
        if not text and not required:
            return None
        try:
            return fn(text, field=column, **kw)
        except UserError as e:
            problems.append(Problem(column, e.message, line.row))
            return None

    base_unit = cells.get("satuan", "").lower()
    flag = take("desimal", parse_flag)
    fractional = flag if flag is not None else base_unit in FRACTIONAL_UNITS
    qty = {"fractional": fractional, "allow_zero": True}
    item = ProductInput(
        name=cells.get("nama", ""), brand=cells.get("merek", ""),
        category=cells.get("kategori", ""), base_unit=base_unit, fractional=fractional,
        price=take("harga", parse_rupiah, required=True, what=_("Harga")) or 0,
        cost=take("harga_pokok", parse_rupiah, what=_("Harga pokok")) or 0,
        het=take("het", parse_rupiah, what=_("HET"), allow_zero=False),
        min_stock=take("stok_min", parse_qty, what=_("Stok minimum"), **qty) or 0,
        barcodes=tuple(split_codes(cells.get("barcode", ""))), rack=cells.get("rak", ""),
        units=take("kemasan", parse_packs, fractional=fractional) or (),
        opening_stock=take("stok", parse_qty, what=_("Stok"), **qty) or 0,
        plu=take("plu", parse_plu),
        program=" ".join(cells.get("program", "").split()),
        quota_qty=take("kuota", parse_qty, what=_("Kuota"), fractional=fractional),
        quota_period=take("periode_kuota", parse_period) or "month",
    )
    return CatalogRow(line.row, item), problems


def parse_flag(text: str, *, field: str = "desimal") -> bool:
    """``ya``/``tidak`` and their usual spellings."""
    word = (text or "").strip().lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise UserError(_("Tulis ya atau tidak, bukan \"{text}\".").format(text=word[:20]), field)


def parse_period(text: str, *, field: str = "periode_kuota") -> str:
    """``hari``/``minggu``/``bulan`` (or day/week/month) → the domain's period."""
    word = re.sub(r"[^a-z]+", "_", (text or "").strip().lower()).strip("_")
    if word in _PERIODS:
        return _PERIODS[word]
    raise UserError(_("Periode kuota harus hari, minggu atau bulan, bukan \"{text}\".").format(
        text=(text or "").strip()[:20]), field)


def parse_packs(text: str, *, fractional: bool, field: str = "kemasan") -> tuple[UnitInput, ...]:
    """``dus:40:98000:8991234500017; renteng:10`` → packaging units."""
    units = []
    for part in (p.strip() for p in (text or "").split(";")):
        if not part:
            continue
        bits = [b.strip() for b in part.split(":")]
        if len(bits) < 2 or not bits[0]:
            raise UserError(_("Kemasan \"{text}\" tidak valid: tulis nama:isi[:harga[:barcode]],"
                              " mis. dus:40:98000.").format(text=part[:40]), field)
        factor = parse_qty(bits[1], field=field, fractional=fractional,
                           what=_("Isi kemasan {name}").format(name=bits[0]))
        price = None
        if len(bits) > 2 and bits[2]:
            price = parse_rupiah(bits[2], field=field,
                                 what=_("Harga kemasan {name}").format(name=bits[0]))
        units.append(UnitInput(bits[0], factor, price, tuple(split_codes(" ".join(bits[3:])))))
    return tuple(units)


def _duplicates(rows: Sequence[CatalogRow]) -> tuple[list[Problem], list[ProductInput]]:
    """Barcodes and PLUs used twice in the file, named by spreadsheet row; and the items with
    those repeats taken out, for the shop's own checks (which count rows from 1)."""
    problems: list[Problem] = []
    first_code: dict[str, int] = {}
    first_plu: dict[int, int] = {}

    def fresh(code: str, column: str, row: int) -> bool:
        if code in first_code:
            problems.append(Problem(column, _("Barcode {code} sudah dipakai di baris {other}.")
                                    .format(code=code, other=first_code[code]), row))
            return False
        first_code[code] = row
        return True

    checkable = []
    for r in rows:
        item = r.item
        codes = tuple(c for c in item.barcodes if fresh(c, "barcode", r.row))
        units = tuple(replace(u, barcodes=tuple(c for c in u.barcodes if fresh(c, "kemasan", r.row)))
                      for u in item.units)
        plu = item.plu
        if plu is not None and plu in first_plu:
            problems.append(Problem("plu", _("PLU {plu} sudah dipakai di baris {other}.").format(
                plu=plu, other=first_plu[plu]), r.row))
            plu = None
        elif plu is not None:
            first_plu[plu] = r.row
        checkable.append(replace(item, barcodes=codes, units=units, plu=plu))
    return problems, checkable


def _own_problems(items: Sequence[ProductInput]) -> list[Problem]:
    """What catalog_problems finds without a shop: each item's fields and codes."""
    problems = []
    for index, item in enumerate(items, start=1):
        problems += [replace(p, row=index) for p in field_problems(item)]
        problems += [Problem(key, message, index) for key, code in code_fields(item)
                     if (message := barcode_problem(code))]
    return problems


def to_sheet(problems: Sequence[Problem], rows: Sequence[CatalogRow]) -> list[Problem]:
    """The domain's problems (row = item number from 1, form field names) as the file's:
    spreadsheet row and column."""
    mapped = []
    for p in problems:
        row = rows[p.row - 1] if p.row and p.row <= len(rows) else None
        mapped.append(Problem(_column(p, row), p.message, row.row if row else p.row))
    return mapped


def _column(problem: Problem, row: CatalogRow | None) -> str:
    if problem.field.startswith("units."):
        return "kemasan"
    if problem.field == "barcodes" and row is not None and any(
            code in problem.message for u in row.item.units for code in u.barcodes) and not any(
            code in problem.message for code in row.item.barcodes):
        return "kemasan"  # the shop's check names every code in use "barcodes"
    return _FIELD_COLUMN.get(problem.field, problem.field)


# --- importing --------------------------------------------------------------------------


def import_catalog(db: Database, *, user: User, path: str | Path) -> CatalogPreview:
    """Add every product of a catalog file in one transaction, or none: any problem in the
    file refuses it whole (ValidationError with every problem, rows as in the spreadsheet)."""
    require(user, "product.edit")
    preview = read_catalog(path, db)
    if preview.problems:
        raise ValidationError(list(preview.problems))
    try:
        import_products(db, user=user, items=preview.items)
    except ValidationError as e:  # the shop changed since the file was checked
        raise ValidationError(to_sheet(e.problems, preview.rows)) from None
    return preview


# --- exporting --------------------------------------------------------------------------


def export_catalog(db: Database, path: str | Path, format: str | None = None) -> int:
    """Write the products on sale to ``path`` as CSV or XLSX (by default from the file's
    extension) in the import's columns; returns how many were written."""
    path = Path(path)
    format = (format or ("xlsx" if path.suffix.lower() == ".xlsx" else "csv")).lower()
    if format not in ("csv", "xlsx"):
        raise UserError(_("Format ekspor harus csv atau xlsx."), "format")
    products = _catalog_rows(db)
    if format == "xlsx":
        write_xlsx(path, COLUMNS, (_cells(p, as_numbers=True) for p in products),
                   sheet=_("Katalog"),
                   number_formats={COLUMNS.index(c): "#,##0" for c in _MONEY_COLUMNS})
    else:
        write_csv(path, COLUMNS, (_cells(p, as_numbers=False) for p in products))
    return len(products)


def _catalog_rows(db: Database) -> list[dict]:
    units: dict[str, list[dict]] = {}
    for u in db.query("SELECT u.* FROM product_units u JOIN products p ON p.id = u.product_id"
                      " WHERE p.archived = 0 ORDER BY u.product_id, u.factor, u.name"):
        units.setdefault(u["product_id"], []).append(dict(u, codes=[]))
    codes: dict[str, list[str]] = {}
    for c in db.query("SELECT b.code, b.product_id, b.unit_id FROM barcodes b"
                      " JOIN products p ON p.id = b.product_id WHERE p.archived = 0"
                      " ORDER BY b.code"):
        if c["unit_id"] is None:
            codes.setdefault(c["product_id"], []).append(c["code"])
        else:
            unit = next(u for u in units[c["product_id"]] if u["id"] == c["unit_id"])
            unit["codes"].append(c["code"])
    return [dict(p, codes=codes.get(p["id"], []), units=units.get(p["id"], []))
            for p in db.query(
                "SELECT p.*, coalesce(b.qty, 0) AS stock FROM products p"
                " LEFT JOIN stock_balances b ON b.product_id = p.id WHERE p.archived = 0"
                " ORDER BY p.category COLLATE NOCASE, p.name COLLATE NOCASE, p.id")]


def _cells(p: dict, *, as_numbers: bool) -> tuple:
    """One product in COLUMNS order: money as int (XLSX numbers) or text, quantities as
    exact decimals or ``1,25``."""
    def qty(value: int):
        if as_numbers:
            return Decimal(value).scaleb(-3).normalize() if value % 1000 else value // 1000
        return format_qty(value, grouped=False)

    def money(value: int | None):
        if value is None:
            return None if as_numbers else ""
        return value if as_numbers else str(value)

    packs = "; ".join(
        ":".join([u["name"], format_qty(u["factor"], grouped=False),
                  "" if u["price"] is None else str(u["price"])]
                 + ([" ".join(u["codes"])] if u["codes"] else [])).rstrip(":")
        for u in p["units"])
    return (p["name"], p["brand"], p["category"], p["base_unit"],
            "ya" if p["fractional"] else "tidak", money(p["price"]), money(p["cost"]),
            money(p["het"]), qty(p["min_stock"]), p["rack"], " ".join(p["codes"]), packs,
            qty(max(p["stock"], 0)), money(p["plu"]), p["program"],
            None if p["quota_qty"] is None else qty(p["quota_qty"]),
            "" if p["quota_qty"] is None else _PERIOD_WORD.get(p["quota_period"], ""))
