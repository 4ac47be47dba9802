"""Reference data the district sends its shops: the HET price list and the product catalog.

The hub side keeps the district's HET list (``hub_het``: a cap per barcode and HET zone,
loaded from the officer's spreadsheet) and builds the catalog from what its shops sell (the
mirror tables ``s_products``/``s_barcodes``); it counts the versions it sends in
``hub_reference``. The shop side applies a list it has been sent, in one transaction:

- HET: sets ``products.het`` (rupiah per base unit, as the product form and the till read
  it) for the products whose barcode the list names in the shop's own HET zone. A shop's
  own price is never changed: products now priced above their cap are returned for the
  manager (the till refuses to sell them above the cap until the price is lowered). A cap
  given for a pack barcode is turned into a cap per base unit when it divides exactly;
  otherwise it is skipped and named, rather than rounded into a cap that is wrong.
  Products the list does not name keep the HET they have.
- Catalog: fills an empty brand or category of the shop's products matched by barcode;
  never renames a product nor changes its unit. Catalog items the shop does not have are
  returned (the manager may add them), not created.

Plain SQL, no Qt, no app.sync: the package itself is read in ``app/sync/reference.py``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from app.i18n import _
from app.models import audit
from app.models.barcodes import barcode_problem
from app.models.clock import now_iso
from app.models.db import Database
from app.models.errors import Problem, UserError, ValidationError
from app.models.hub_store import require_hub
from app.models.money import MAX_RUPIAH, QTY_SCALE, amount, parse_rupiah
from app.models.table_file import read_table
from app.models.users import User, require_acting

KINDS = ("het", "catalog")
ZONES = ("I", "II", "III")
HET_ZONE = "het.zone"
MAX_ROWS = 50_000
HET_COLUMNS = ("barcode", "zone", "het", "name", "unit")
CATALOG_COLUMNS = ("barcode", "name", "brand", "category", "unit")
MAX_TEXT = 120
_ALIASES = {"barcode": "barcode", "kode": "barcode", "kode_barcode": "barcode",
            "nama": "name", "name": "name", "nama_barang": "name",
            "satuan": "unit", "unit": "unit",
            "zona": "zone", "zone": "zone", "zona_het": "zone",
            "het": "het", "harga_eceran_tertinggi": "het"}
_ZONE_SPELLINGS = {"I": "I", "1": "I", "II": "II", "2": "II", "III": "III", "3": "III"}


def _uid(user: User | None) -> str | None:
    return user.id if user else None


# -- the hub ------------------------------------------------------------------------------

def parse_zone(text, *, field: str = "zone") -> str:
    """``I``/``II``/``III`` (also ``1``–``3``, ``Zona II``)."""
    raw = text.strip().upper() if isinstance(text, str) else ""
    raw = raw.removeprefix("ZONA").strip()
    zone = _ZONE_SPELLINGS.get(raw)
    if zone is None:
        raise UserError(_("Zona HET harus I, II atau III."), field)
    return zone


def _column(cell: str) -> str:
    name = "_".join("".join(c if c.isalnum() else " " for c in cell.lower()).split())
    return _ALIASES.get(name, "")


def read_het_file(path) -> list[tuple[str, str, int, str, str]]:
    """Rows (barcode, zone, het, name, unit) of an officer's HET spreadsheet, or every
    problem in it at once (ValidationError with spreadsheet row numbers)."""
    table = read_table(Path(path), max_rows=MAX_ROWS)
    columns = [_column(c) for c in table.header]
    problems: list[Problem] = []
    for need in ("barcode", "zone", "het"):
        if need not in columns:
            problems.append(Problem(need, _("Kolom wajib tidak ada: {column}. Baris judul harus "
                                            "memuat barcode, zona dan het.").format(column=need),
                                    table.header_row))
    dup = [c for c, n in Counter(c for c in columns if c).items() if n > 1]
    if dup:
        problems.append(Problem(dup[0], _("Kolom {column} ada dua kali.").format(
            column=dup[0]), table.header_row))
    if table.truncated:
        problems.append(Problem("", _("Berkas berisi lebih dari {max} baris; bagi menjadi "
                                      "beberapa berkas.").format(max=MAX_ROWS)))
    elif not table.rows:
        problems.append(Problem("", _("Berkas tidak berisi HET: hanya ada baris judul."),
                                table.header_row))
    if problems:
        raise ValidationError(problems)
    rows, seen = [], {}
    for line in table.rows:
        cells = {c: v.strip() for c, v in zip(columns, line.cells, strict=False) if c}
        code = cells.get("barcode", "")
        why = barcode_problem(code) if code else _("Barcode belum diisi.")
        if why:
            problems.append(Problem("barcode", why, line.row))
        try:
            zone = parse_zone(cells.get("zone", ""))
        except UserError as e:
            problems.append(Problem("zone", e.message, line.row))
            zone = None
        try:
            het = parse_rupiah(cells.get("het", ""), field="het", what=_("HET"),
                               allow_zero=False)
        except UserError as e:
            problems.append(Problem("het", e.message, line.row))
            het = None
        name, unit = cells.get("name", ""), cells.get("unit", "")
        if len(name) > MAX_TEXT or len(unit) > 24:
            problems.append(Problem("name", _("Nama atau satuan terlalu panjang."), line.row))
        if not why and zone:
            if (code, zone) in seen:
                problems.append(Problem("barcode", _(
                    "Barcode {code} zona {zone} sudah ada di baris {row}.").format(
                        code=code, zone=zone, row=seen[(code, zone)]), line.row))
            seen[(code, zone)] = line.row
        rows.append((code, zone, het, name, unit))
    if problems:
        raise ValidationError(problems)
    return rows


def load_het(db: Database, path, *, user: User | None) -> int:
    """Replace the district's HET list with the file's (the file is the whole list). A
    file with any bad row writes nothing and says what is wrong with every row."""
    require_hub(db)
    require_acting(user, "hub.manage")
    rows = read_het_file(path)
    with db.atomic():
        db.execute("DELETE FROM hub_het")
        db.executemany("INSERT INTO hub_het(barcode, zone, het, name, unit)"
                       " VALUES (?, ?, ?, ?, ?)", rows)
        audit.record(db, user_id=_uid(user), action="hub.het_load", entity="hub",
                     entity_id=None, detail={"file": Path(path).name, "rows": len(rows)})
    return len(rows)


def het_rows(db: Database) -> list[list]:
    """The HET list as a package carries it: [barcode, zone, het, name, unit]."""
    return [list(r) for r in db.conn.execute(
        "SELECT barcode, zone, het, name, unit FROM hub_het ORDER BY barcode, zone")]


def _most_common(values) -> str:
    """The spelling most shops use; ties go to the first in sort order (stable output)."""
    counts = Counter(v for v in values if v)
    if not counts:
        return ""
    top = max(counts.values())
    return min(v for v, n in counts.items() if n == top)


def catalog_rows(db: Database) -> list[list]:
    """The district's catalog, one row per barcode: [barcode, name, brand, category, unit],
    each the spelling most of its shops use; barcodes of the HET list no shop sells yet
    come with the list's name and unit."""
    seen: dict[str, dict[str, list]] = {}
    for r in db.query("SELECT b.code, p.name, p.brand, p.category, p.base_unit"
                      " FROM s_barcodes b JOIN s_products p"
                      " ON p.shop_id = b.shop_id AND p.id = b.product_id"
                      " WHERE b.unit_id IS NULL"):
        entry = seen.setdefault(r["code"], {"name": [], "brand": [], "category": [],
                                            "unit": []})
        for key, value in (("name", r["name"]), ("brand", r["brand"]),
                           ("category", r["category"]), ("unit", r["base_unit"])):
            entry[key].append(value or "")
    out = {code: [code, _most_common(e["name"]), _most_common(e["brand"]),
                  _most_common(e["category"]), _most_common(e["unit"])]
           for code, e in seen.items()}
    for r in db.query("SELECT barcode, min(name) AS name, min(unit) AS unit FROM hub_het"
                      " GROUP BY barcode"):
        if r["barcode"] not in out and r["name"]:
            out[r["barcode"]] = [r["barcode"], r["name"], "", "", r["unit"]]
    return [out[k] for k in sorted(out)]


def next_version(db: Database, kind: str) -> int:
    return (db.scalar("SELECT version FROM hub_reference WHERE kind = ?", (kind,)) or 0) + 1


def record_reference_export(db: Database, kind: str, version: int, *,
                            user: User | None) -> None:
    """The district sent ``version`` of ``kind``: the next one must be higher."""
    require_acting(user, "hub.manage")
    with db.atomic():
        if version != next_version(db, kind):
            raise UserError(_("Paket referensi lain dibuat bersamaan; ulangi ekspor."), "out")
        db.execute("INSERT INTO hub_reference(kind, version, exported_at) VALUES (?, ?, ?)"
                   " ON CONFLICT(kind) DO UPDATE SET version = excluded.version,"
                   " exported_at = excluded.exported_at", (kind, version, now_iso()))
        audit.record(db, user_id=_uid(user), action="hub.reference_export", entity="hub",
                     entity_id=kind, detail={"version": version})


# -- the shop -----------------------------------------------------------------------------

def het_zone(db: Database) -> str:
    value = db.scalar("SELECT value FROM settings WHERE key = ?", (HET_ZONE,))
    return value if value in ZONES else "I"


def set_het_zone(db: Database, zone: str, *, user: User | None) -> str:
    require_acting(user, "price.change")
    zone = parse_zone(zone)
    with db.atomic():
        before = het_zone(db)
        db.execute("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key)"
                   " DO UPDATE SET value = excluded.value", (HET_ZONE, zone))
        audit.record(db, user_id=_uid(user), action="settings.change", entity="settings",
                     entity_id=None, detail={HET_ZONE: [before, zone]})
    return zone


def applied(db: Database) -> dict[str, dict]:
    """kind -> the version, district and validity of the list this shop applied last."""
    return {r["kind"]: dict(r) for r in db.query(
        "SELECT kind, version, district, valid_until, applied_at FROM reference_applied")}


def applied_version(db: Database, kind: str) -> int:
    """The version of ``kind`` this shop applied last (0: none yet)."""
    return db.scalar("SELECT version FROM reference_applied WHERE kind = ?", (kind,)) or 0


def check_rows(kind: str, rows) -> str | None:
    """Why the rows of a reference table are not what ``kind`` carries, or None."""
    def text(v, limit, empty=True):
        return isinstance(v, str) and len(v) <= limit and (empty or v.strip() != "")

    seen = set()
    for row in rows:
        if kind == "het":
            code, zone, het, name, unit = row
            if (not text(code, 64, False) or zone not in ZONES or isinstance(het, bool)
                    or not isinstance(het, int) or not 0 < het <= MAX_RUPIAH
                    or not text(name, MAX_TEXT) or not text(unit, 24)):
                return _("baris HET tidak sah")
            key = (code, zone)
        else:
            code, name, brand, category, unit = row
            if (not text(code, 64, False) or not text(name, MAX_TEXT) or not text(brand, 60)
                    or not text(category, 60) or not text(unit, 24)):
                return _("baris katalog tidak sah")
            key = code
        if key in seen:
            return _("barcode {code} dua kali").format(code=code)
        seen.add(key)
    return None


@dataclass(frozen=True)
class OverCap:
    """A product whose own price (or a pack's) is above its new HET: the manager decides."""

    product_id: str
    name: str
    unit: str           # the base unit or the pack's name
    price: int
    het: int            # the cap for that unit


@dataclass(frozen=True)
class HetResult:
    zone: str
    changed: int                        # products whose HET changed
    matched: int                        # products the list names (in this zone)
    unknown: int                        # barcodes in this zone the shop does not have
    over_cap: tuple[OverCap, ...]
    skipped: tuple[str, ...] = ()       # pack barcodes whose cap is no whole rupiah per unit


@dataclass(frozen=True)
class CatalogResult:
    filled: int                         # products that got an empty brand/category filled
    matched: int
    unknown: tuple[tuple, ...]          # catalog rows the shop does not have


def _record_applied(db: Database, kind: str, version: int, district: str,
                    valid_until: str | None) -> None:
    if version <= applied_version(db, kind):
        raise UserError(_("Versi {version} sudah atau lebih lama dari yang terpasang.").format(
            version=version), "package")
    db.execute("INSERT INTO reference_applied(kind, version, district, valid_until, applied_at)"
               " VALUES (?, ?, ?, ?, ?) ON CONFLICT(kind) DO UPDATE SET"
               " version = excluded.version, district = excluded.district,"
               " valid_until = excluded.valid_until, applied_at = excluded.applied_at",
               (kind, version, district, valid_until, now_iso()))


def _codes(db: Database) -> dict[str, tuple[str, int, str]]:
    """barcode -> (product id, factor of its unit, unit name)."""
    return {r["code"]: (r["product_id"], r["factor"] or QTY_SCALE, r["unit"])
            for r in db.query("SELECT b.code, b.product_id, u.factor, coalesce(u.name,"
                              " p.base_unit) AS unit FROM barcodes b"
                              " JOIN products p ON p.id = b.product_id"
                              " LEFT JOIN product_units u ON u.id = b.unit_id")}


def over_cap(db: Database, product_ids) -> list[OverCap]:
    """Which of these products are priced above their HET, base unit or pack."""
    out = []
    for pid in sorted(set(product_ids)):
        p = db.one("SELECT id, name, base_unit, price, het FROM products WHERE id = ?", (pid,))
        if p is None or p["het"] is None:
            continue
        if p["price"] > p["het"]:
            out.append(OverCap(p["id"], p["name"], p["base_unit"], p["price"], p["het"]))
        for u in db.query("SELECT name, factor, price FROM product_units WHERE product_id = ?"
                          " AND price IS NOT NULL ORDER BY factor", (pid,)):
            cap = amount(p["het"], u["factor"])
            if u["price"] > cap:
                out.append(OverCap(p["id"], p["name"], u["name"], u["price"], cap))
    return sorted(out, key=lambda o: (o.name, o.unit))


def apply_het(db: Database, rows, *, version: int, district: str, valid_until: str | None,
              user: User | None) -> HetResult:
    """Set the HET of the products the list names in this shop's zone; never a price."""
    require_acting(user, "price.change")
    if check_rows("het", rows) is not None:
        raise UserError(_("Daftar HET tidak sah."), "package")
    with db.atomic():
        zone = het_zone(db)
        codes = _codes(db)
        caps: dict[str, int] = {}
        unknown, skipped = 0, []
        for code, row_zone, het, _name, _unit in rows:
            if row_zone != zone:
                continue
            hit = codes.get(code)
            if hit is None:
                unknown += 1
                continue
            pid, factor, _unit_name = hit
            if het * QTY_SCALE % factor:
                skipped.append(code)
                continue
            base = het * QTY_SCALE // factor
            caps[pid] = min(base, caps.get(pid, base))
        changes = []
        for pid, cap in sorted(caps.items()):
            old = db.scalar("SELECT het FROM products WHERE id = ?", (pid,))
            if old != cap:
                db.execute("UPDATE products SET het = ?, updated_at = ? WHERE id = ?",
                           (cap, now_iso(), pid))
                changes.append([pid, old, cap])
        _record_applied(db, "het", version, district, valid_until)
        over = over_cap(db, caps)
        audit.record(db, user_id=_uid(user), action="reference.het", entity="reference",
                     entity_id=str(version),
                     detail={"district": district, "zone": zone, "valid_until": valid_until,
                             "changed": changes, "over_cap": [o.product_id for o in over],
                             "unknown": unknown, "skipped": skipped})
    return HetResult(zone, len(changes), len(caps), unknown, tuple(over), tuple(skipped))


def apply_catalog(db: Database, rows, *, version: int, district: str,
                  valid_until: str | None, user: User | None) -> CatalogResult:
    """Fill the empty brand and category of the shop's products the catalog names; the
    shop's own names, units and prices stay as they are."""
    require_acting(user, "product.edit")
    if check_rows("catalog", rows) is not None:
        raise UserError(_("Katalog tidak sah."), "package")
    with db.atomic():
        base = {code: pid for code, (pid, factor, _u) in _codes(db).items()
                if factor == QTY_SCALE}
        unknown, filled, matched = [], [], set()
        for code, name, brand, category, unit in rows:
            pid = base.get(code)
            if pid is None:
                unknown.append((code, name, brand, category, unit))
                continue
            matched.add(pid)
            p = db.one("SELECT brand, category FROM products WHERE id = ?", (pid,))
            new_brand = p["brand"] or brand
            new_category = p["category"] or category
            if (new_brand, new_category) != (p["brand"], p["category"]):
                db.execute("UPDATE products SET brand = ?, category = ?, updated_at = ?"
                           " WHERE id = ?", (new_brand, new_category, now_iso(), pid))
                filled.append(pid)
        _record_applied(db, "catalog", version, district, valid_until)
        audit.record(db, user_id=_uid(user), action="reference.catalog", entity="reference",
                     entity_id=str(version),
                     detail={"district": district, "filled": filled,
                             "matched": len(matched), "unknown": len(unknown)})
    return CatalogResult(len(filled), len(matched), tuple(unknown))
