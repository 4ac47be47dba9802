"""Products: the catalog, packaging units, barcodes, and search (FTS5 and exact barcode)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.i18n import _
from app.models import audit, stock
from app.models.barcodes import barcode_problem, split_codes
from app.models.clock import now_iso
from app.models.db import Database
from app.models.errors import NotFound, Problem, UserError, ValidationError
from app.models.ids import new_id
from app.models.money import (
    MAX_QTY,
    QTY_SCALE,
    amount,
    format_qty,
    format_rupiah,
    parse_qty,
    parse_rupiah,
)
from app.models.users import User, require

#: Units offered in forms; others may be typed.
BASE_UNITS = ("pcs", "kg", "liter", "bungkus", "botol", "kaleng", "sachet", "tabung", "butir",
              "ikat", "meter", "lembar")
#: Scale PLUs are five digits on the label.
MAX_PLU = 99_999
#: Units sold by weight or measure, where a quantity may have decimals.
FRACTIONAL_UNITS = frozenset({"kg", "liter", "meter", "gram", "ons"})
_UNIT_NAME = re.compile(r"^[^\W\d_][\w .\-/]{0,23}$")
#: Government programs a shop usually carries (offered in the form; others may be typed).
PROGRAMS = ("MinyaKita", "SPHP", "LPG 3 kg", "Pupuk bersubsidi")
MAX_PROGRAM_NAME = 40
#: A program good's quota counts what a member bought in the shop's current day, ISO week
#: (Monday to Sunday) or calendar month.
QUOTA_PERIODS = ("day", "week", "month")


@dataclass(frozen=True)
class PackUnit:
    """A packaging unit: ``factor`` base-unit thousandths in one (karung 50 kg = 50000)."""

    id: str
    name: str
    factor: int
    price: int | None
    barcodes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Product:
    id: str
    name: str
    brand: str
    category: str
    base_unit: str
    fractional: bool
    price: int
    cost: int
    min_stock: int
    het: int | None
    archived: bool
    barcodes: tuple[str, ...] = ()
    units: tuple[PackUnit, ...] = ()
    stock: int = 0
    plu: int | None = None   # the number a shop scale prints for this product
    rack: str = ""           # where it stands in the shop (rak), for stock counts by rack
    program: str = ""        # a government program good (MinyaKita, SPHP ...); "" = not one
    quota_qty: int | None = None   # base-unit thousandths one member may buy per period
    quota_period: str = "month"
    consigned: bool = False  # titip jual: the producers' goods, stock in consignment batches

    def unit_price(self, unit: PackUnit | None) -> int:
        """What one of ``unit`` costs; a unit without its own price is the base price × factor."""
        if unit is None:
            return self.price
        return unit.price if unit.price is not None else amount(self.price, unit.factor)


@dataclass(frozen=True)
class UnitInput:
    name: str
    factor: int
    price: int | None
    barcodes: tuple[str, ...] = ()
    id: str | None = None


@dataclass(frozen=True)
class ProductInput:
    name: str
    base_unit: str
    price: int
    brand: str = ""
    category: str = ""
    fractional: bool | None = None
    cost: int = 0
    min_stock: int = 0
    het: int | None = None
    barcodes: tuple[str, ...] = ()
    units: tuple[UnitInput, ...] = field(default_factory=tuple)
    opening_stock: int = 0
    plu: int | None = None
    rack: str = ""
    program: str = ""
    quota_qty: int | None = None
    quota_period: str = "month"


@dataclass(frozen=True)
class ScanHit:
    product: Product
    unit: PackUnit | None

    @property
    def price(self) -> int:
        return self.product.unit_price(self.unit)


# --- reading a form -------------------------------------------------------------------


def parse_product_form(form: dict[str, str], units: list[dict[str, str]] = ()) -> ProductInput:
    """Turn the text of a product form into a ProductInput, collecting every problem."""
    data, problems = read_product_form(form, units)
    if problems:
        raise ValidationError(problems)
    return data


def product_from_form(db: Database, form: dict[str, str], units: list[dict[str, str]] = (),
                      product_id: str | None = None) -> ProductInput:
    """A form's ProductInput, or every problem with it at once: unreadable numbers as well as
    an empty name or a barcode already in use."""
    data, problems = read_product_form(form, units)
    problems += validate_product(db, data, product_id)
    if problems:
        raise ValidationError(problems)
    return data


def read_product_form(
    form: dict[str, str], units: list[dict[str, str]] = ()
) -> tuple[ProductInput, list[Problem]]:
    """The form's ProductInput (unreadable numbers left at zero) and the problems reading it."""
    problems: list[Problem] = []

    def take(fn, key, **kw):
        try:
            return fn(form.get(key, ""), field=key, **kw)
        except UserError as e:
            problems.append(Problem(key, e.message))
            return None

    def optional(fn, key, **kw):
        return take(fn, key, **kw) if (form.get(key) or "").strip() else None

    base_unit = (form.get("base_unit") or "").strip().lower()
    fractional = base_unit in FRACTIONAL_UNITS
    price = take(parse_rupiah, "price", what=_("Harga jual"))
    cost = optional(parse_rupiah, "cost", what=_("Harga pokok"))
    het = optional(parse_rupiah, "het", what=_("HET"), allow_zero=False)
    min_stock = optional(parse_qty, "min_stock", what=_("Stok minimum"), allow_zero=True,
                         fractional=fractional)
    opening = optional(parse_qty, "opening_stock", what=_("Stok awal"), allow_zero=True,
                       fractional=fractional)
    plu = optional(parse_plu, "plu")
    quota = optional(parse_qty, "quota_qty", what=_("Kuota per anggota"), fractional=fractional)
    parsed_units = []
    for i, unit in enumerate(units, start=1):
        if not any((v or "").strip() for v in unit.values() if isinstance(v, str)):
            continue
        key = f"units.{i}"
        try:
            factor = parse_qty(unit.get("factor", ""), field=key, fractional=fractional,
                               what=_("Isi kemasan baris {n}").format(n=i))
            unit_price = None
            if (unit.get("price") or "").strip():
                unit_price = parse_rupiah(unit["price"], field=key,
                                          what=_("Harga kemasan baris {n}").format(n=i))
            parsed_units.append(UnitInput(
                name=(unit.get("name") or "").strip(), factor=factor, price=unit_price,
                barcodes=tuple(split_codes(unit.get("barcodes", ""))), id=unit.get("id") or None,
            ))
        except UserError as e:
            problems.append(Problem(key, e.message, row=i))
    data = ProductInput(
        name=(form.get("name") or "").strip(), brand=(form.get("brand") or "").strip(),
        category=(form.get("category") or "").strip(), base_unit=base_unit,
        fractional=fractional, price=price or 0, cost=cost or 0, min_stock=min_stock or 0,
        het=het, barcodes=tuple(split_codes(form.get("barcodes", ""))),
        units=tuple(parsed_units), opening_stock=opening or 0, plu=plu,
        rack=(form.get("rack") or "").strip(),
        program=" ".join((form.get("program") or "").split()), quota_qty=quota,
        quota_period=(form.get("quota_period") or "month").strip(),
    )
    return data, problems


# --- validation -------------------------------------------------------------------------


def validate_product(db: Database, data: ProductInput, product_id: str | None = None) -> list[Problem]:
    return field_problems(data) + _barcode_problems(db, data, product_id) + _plu_problems(
        db, data, product_id)


def parse_plu(text, *, field: str = "plu") -> int:
    text = (text or "").strip() if isinstance(text, str) else text
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    if not isinstance(text, str) or not text.isdigit() or not 1 <= int(text) <= MAX_PLU:
        raise UserError(_("PLU timbangan harus 1–99999."), field)
    return int(text)


def _plu_problems(db: Database, data: ProductInput, product_id: str | None) -> list[Problem]:
    if data.plu is None:
        return []
    if not 1 <= data.plu <= MAX_PLU:
        return [Problem("plu", _("PLU timbangan harus 1–99999."))]
    other = db.scalar("SELECT name FROM products WHERE plu = ? AND id IS NOT ?",
                      (data.plu, product_id))
    if other:
        return [Problem("plu", _("PLU {plu} sudah dipakai oleh {name}.").format(
            plu=data.plu, name=other))]
    return []


def field_problems(data: ProductInput) -> list[Problem]:
    """What is wrong with a product's own fields (barcodes: only their form, not their use)."""
    problems: list[Problem] = []
    if not data.name:
        problems.append(Problem("name", _("Nama produk belum diisi.")))
    elif len(data.name) > 120:
        problems.append(Problem("name", _("Nama produk terlalu panjang (paling banyak 120 huruf).")))
    if len(data.brand) > 60:
        problems.append(Problem("brand", _("Merek terlalu panjang (paling banyak 60 huruf).")))
    if len(data.category) > 60:
        problems.append(Problem("category", _("Kategori terlalu panjang (paling banyak 60 huruf).")))
    if len(data.rack) > 30:
        problems.append(Problem("rack", _("Rak terlalu panjang (paling banyak 30 huruf).")))
    if not _UNIT_NAME.match(data.base_unit or ""):
        problems.append(Problem("base_unit", _("Satuan dasar belum diisi atau tidak valid.")))
    if data.het is not None and data.het <= 0:
        problems.append(Problem("het", _("HET harus lebih dari nol (kosongkan bila tidak ada).")))
    elif data.het is not None and data.price > data.het:
        problems.append(Problem("price", _(
            "Harga jual {price} di atas HET {het}.").format(
                price=format_rupiah(data.price), het=format_rupiah(data.het))))
    unit_names = set()
    for i, unit in enumerate(data.units, start=1):
        key = f"units.{i}"
        if not _UNIT_NAME.match(unit.name or ""):
            problems.append(Problem(key, _("Nama kemasan baris {n} belum diisi atau tidak valid.")
                                    .format(n=i), row=i))
        elif unit.name.lower() in unit_names or unit.name.lower() == data.base_unit:
            problems.append(Problem(key, _("Nama kemasan {name} dipakai dua kali.")
                                    .format(name=unit.name), row=i))
        unit_names.add(unit.name.lower())
        if unit.factor == QTY_SCALE:
            problems.append(Problem(key, _("Isi kemasan {name} sama dengan 1 {unit}: tambahkan"
                                           " barcodenya pada produk saja.")
                                    .format(name=unit.name, unit=data.base_unit), row=i))
        if data.het is not None and unit.price is not None:
            cap = amount(data.het, unit.factor)
            if unit.price > cap:
                problems.append(Problem(key, _(
                    "Harga kemasan {name} {price} di atas HET {het}.").format(
                        name=unit.name, price=format_rupiah(unit.price), het=format_rupiah(cap)), row=i))
    return problems + program_problems(data)


def program_problems(data: ProductInput) -> list[Problem]:
    """A quota is a program's rule: it needs the program's name, a whole number of pieces
    for goods sold by the piece, and one of the periods the till can count."""
    problems: list[Problem] = []
    if not isinstance(data.program, str):
        problems.append(Problem("program", _("Nama program tidak valid.")))
    elif len(data.program) > MAX_PROGRAM_NAME:
        problems.append(Problem("program", _(
            "Nama program terlalu panjang (paling banyak {n} huruf).").format(n=MAX_PROGRAM_NAME)))
    quota = data.quota_qty
    if quota is not None:
        fractional = data.fractional if data.fractional is not None else (
            data.base_unit in FRACTIONAL_UNITS)
        if not isinstance(quota, int) or isinstance(quota, bool) or not 0 < quota <= MAX_QTY:
            problems.append(Problem("quota_qty", _(
                "Kuota per anggota harus lebih dari nol dan paling banyak {maximum}.").format(
                    maximum=format_qty(MAX_QTY))))
        elif not fractional and quota % QTY_SCALE:
            problems.append(Problem("quota_qty", _(
                "Kuota per anggota harus bilangan bulat untuk barang ini.")))
        elif not isinstance(data.program, str) or not data.program.strip():
            problems.append(Problem("quota_qty", _(
                "Kuota hanya untuk barang program: isi dulu nama programnya.")))
    if data.quota_period not in QUOTA_PERIODS:
        problems.append(Problem("quota_period", _(
            "Periode kuota harus per hari, per minggu atau per bulan.")))
    return problems


def quota_period_label(period: str) -> str:
    return {"day": _("per hari"), "week": _("per minggu"), "month": _("per bulan")}.get(
        period, period)


def code_fields(data: ProductInput) -> list[tuple[str, str]]:
    """(form field, code) for every barcode of a product and its units."""
    return [("barcodes", c) for c in data.barcodes] + [
        (f"units.{i}", c) for i, u in enumerate(data.units, start=1) for c in u.barcodes
    ]


def _barcode_problems(db: Database, data: ProductInput, product_id: str | None) -> list[Problem]:
    problems, seen = [], set()
    pairs = code_fields(data)
    for key, code in pairs:
        problem = barcode_problem(code)
        if problem:
            problems.append(Problem(key, problem))
        elif code in seen:
            problems.append(Problem(key, _("Barcode {code} ditulis dua kali.").format(code=code)))
        seen.add(code)
    if seen:
        marks = ",".join("?" * len(seen))
        for row in db.query(
            f"SELECT b.code, p.name FROM barcodes b JOIN products p ON p.id = b.product_id"
            f" WHERE b.code IN ({marks}) AND b.product_id IS NOT ?",
            (*seen, product_id),
        ):
            key = next(k for k, c in pairs if c == row["code"])
            problems.append(Problem(key, _("Barcode {code} sudah dipakai oleh {name}.").format(
                code=row["code"], name=row["name"])))
    return problems



# --- writing ----------------------------------------------------------------------------


def create_product(db: Database, *, user: User, data: ProductInput) -> Product:
    """Add a product with its units and barcodes (and opening stock, if any)."""
    require(user, "product.edit")
    with db.atomic():
        problems = validate_product(db, data)
        if problems:
            raise ValidationError(problems)
        product_id = insert_product(db, user=user, data=data)
        audit.record(db, user_id=user.id, action="product.create", entity="product",
                     entity_id=product_id, detail={"name": data.name, "price": data.price,
                                                   "het": data.het, **_program_changes(
                                                       None, data)})
        return get_product(db, product_id)


def insert_product(db: Database, *, user: User, data: ProductInput) -> str:
    """Write one validated product, its units, codes and opening stock (caller's transaction)."""
    product_id, at = new_id(), now_iso()
    fractional = data.fractional if data.fractional is not None else (
        data.base_unit in FRACTIONAL_UNITS)
    db.execute(
        "INSERT INTO products(id, name, brand, category, base_unit, fractional, price, cost,"
        " min_stock, het, plu, program, quota_qty, quota_period, rack, archived, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
        (product_id, data.name, data.brand, data.category, data.base_unit, int(fractional),
         data.price, data.cost, data.min_stock, data.het, data.plu, data.program,
         data.quota_qty, data.quota_period, data.rack, at, at),
    )
    _write_units_and_codes(db, product_id, data)
    if data.opening_stock:
        stock.record_movement(db, user_id=user.id, product_id=product_id, kind="opening",
                              qty=data.opening_stock, value=amount(data.cost, data.opening_stock),
                              reason=_("Stok awal"))
    return product_id


def update_product(db: Database, *, user: User, product_id: str, data: ProductInput) -> Product:
    """Change a product's details, units and barcodes; price changes are audited."""
    require(user, "product.edit")
    with db.atomic():
        before = get_product(db, product_id)
        problems = validate_product(db, data, product_id)
        if problems:
            raise ValidationError(problems)
        price_changes = _price_changes(before, data)
        if price_changes:
            require(user, "price.change")
        db.execute(
            "UPDATE products SET name = ?, brand = ?, category = ?, base_unit = ?, fractional = ?,"
            " price = ?, cost = ?, min_stock = ?, het = ?, plu = ?, program = ?, quota_qty = ?,"
            " quota_period = ?, rack = ?, updated_at = ? WHERE id = ?",
            (data.name, data.brand, data.category, data.base_unit,
             int(data.fractional if data.fractional is not None else before.fractional),
             data.price, data.cost, data.min_stock, data.het, data.plu, data.program,
             data.quota_qty, data.quota_period, data.rack, now_iso(), product_id),
        )
        db.execute("DELETE FROM barcodes WHERE product_id = ?", (product_id,))
        kept = {u.id for u in data.units if u.id}
        for unit in before.units:
            if unit.id not in kept:
                db.execute("DELETE FROM product_units WHERE id = ?", (unit.id,))
        _write_units_and_codes(db, product_id, data)
        audit.record(db, user_id=user.id, action="product.update", entity="product",
                     entity_id=product_id, detail={"name": data.name, **_program_changes(
                         before, data)})
        if price_changes:
            audit.record(db, user_id=user.id, action="product.price", entity="product",
                         entity_id=product_id, detail=price_changes)
        return get_product(db, product_id)


def _price_changes(before: Product, data: ProductInput) -> dict:
    changes = {}
    if before.price != data.price:
        changes["price"] = [before.price, data.price]
    if before.het != data.het:
        changes["het"] = [before.het, data.het]
    old_units = {u.id: u.price for u in before.units}
    for unit in data.units:
        if unit.id in old_units and old_units[unit.id] != unit.price:
            changes[f"unit:{unit.name}"] = [old_units[unit.id], unit.price]
    return changes


def _program_changes(before: Product | None, data: ProductInput) -> dict:
    """A program or quota change is the government's rule changing: the audit keeps it."""
    old = ("", None, data.quota_period) if before is None else (
        before.program, before.quota_qty, before.quota_period)
    new = (data.program, data.quota_qty, data.quota_period)
    return {} if old == new else {"program": [list(old), list(new)]}


def _write_units_and_codes(db: Database, product_id: str, data: ProductInput) -> None:
    db.executemany("INSERT INTO barcodes(code, product_id, unit_id) VALUES (?, ?, NULL)",
                   [(c, product_id) for c in data.barcodes])
    for unit in data.units:
        if unit.id:
            db.execute("UPDATE product_units SET name = ?, factor = ?, price = ?"
                       " WHERE id = ? AND product_id = ?",
                       (unit.name, unit.factor, unit.price, unit.id, product_id))
            unit_id = unit.id
        else:
            unit_id = new_id()
            db.execute("INSERT INTO product_units(id, product_id, name, factor, price)"
                       " VALUES (?, ?, ?, ?, ?)",
                       (unit_id, product_id, unit.name, unit.factor, unit.price))
        db.executemany("INSERT INTO barcodes(code, product_id, unit_id) VALUES (?, ?, ?)",
                       [(c, product_id, unit_id) for c in unit.barcodes])


def set_archived(db: Database, *, user: User, product_id: str, archived: bool) -> Product:
    """Archive (hide from sale and search) or restore a product; never deleted."""
    require(user, "product.archive")
    with db.atomic():
        product = get_product(db, product_id)
        if product.archived == archived:
            return product
        db.execute("UPDATE products SET archived = ?, updated_at = ? WHERE id = ?",
                   (int(archived), now_iso(), product_id))
        audit.record(db, user_id=user.id, action="product.archive" if archived
                     else "product.restore", entity="product", entity_id=product_id,
                     detail={"name": product.name})
        return get_product(db, product_id)


# --- reading ----------------------------------------------------------------------------


def get_product(db: Database, product_id: str) -> Product:
    row = db.one("SELECT p.*, coalesce(b.qty, 0) + coalesce(c.qty, 0) AS stock FROM products p"
                 " LEFT JOIN stock_balances b ON b.product_id = p.id"
                 " LEFT JOIN consigned_stock c ON c.product_id = p.id WHERE p.id = ?",
                 (product_id,))
    if row is None:
        raise NotFound(_("Produk tidak ditemukan."))
    codes = db.query("SELECT code, unit_id FROM barcodes WHERE product_id = ? ORDER BY code",
                     (product_id,))
    units = tuple(
        PackUnit(u["id"], u["name"], u["factor"], u["price"],
                 tuple(c["code"] for c in codes if c["unit_id"] == u["id"]))
        for u in db.query("SELECT * FROM product_units WHERE product_id = ? ORDER BY factor",
                          (product_id,))
    )
    return Product(
        id=row["id"], name=row["name"], brand=row["brand"], category=row["category"],
        base_unit=row["base_unit"], fractional=bool(row["fractional"]), price=row["price"],
        cost=row["cost"], min_stock=row["min_stock"], het=row["het"],
        archived=bool(row["archived"]),
        barcodes=tuple(c["code"] for c in codes if c["unit_id"] is None), units=units,
        stock=row["stock"], plu=row["plu"], program=row["program"], rack=row["rack"],
        quota_qty=row["quota_qty"], quota_period=row["quota_period"],
        consigned=bool(row["consigned"]),
    )


def find_by_barcode(db: Database, code: str) -> ScanHit | None:
    """The product (and packaging unit) a scanned code stands for: an exact index lookup."""
    row = db.one("SELECT product_id, unit_id FROM barcodes WHERE code = ?", ((code or "").strip(),))
    if row is None:
        return None
    product = get_product(db, row["product_id"])
    unit = next((u for u in product.units if u.id == row["unit_id"]), None)
    return ScanHit(product, unit)
