"""What a retail chain (toserba) or a marketplace asks of a local producer's product before
it takes it — a food permit, halal, the net weight, a proper label, a photo, a GS1 barcode —
which of those the cooperative holds itself to, which UMKM products meet it, and what the
local producers sold.

Permit numbers are checked for their published form, not against a register (the shop is
offline):

- **P-IRT** (Sertifikat Produksi Pangan Industri Rumah Tangga, from the district health
  office; Peraturan BPOM 22/2018): 15 digits, printed ``P-IRT No. 2063271010123-25`` —
  packaging code (1 digit, 1–8), food type (2), province and district (4), the product's
  number (2), the producer's number in the district (4), then the year the certificate ends
  (2). Typed with or without the dash, the ``P-IRT No.`` or spaces; kept as
  ``2063271010123-25``.
- **BPOM MD / ML** (Badan POM's registration of processed food made in Indonesia / imported):
  ``MD`` or ``ML`` and 12 digits, printed ``BPOM RI MD 123456789012``; the letters must match
  the kind chosen (typing the 12 digits alone takes them from it). Kept as
  ``MD 123456789012``.
- **Halal** (BPJPH certificate, e.g. ``ID31110000123450321``; older MUI numbers differ):
  checked loosely — 8 to 40 letters, digits, ``-``, ``/`` or ``.``. Since UU 6/2023 a
  certificate holds as long as the recipe and process do not change, so its expiry date is
  optional; one that has passed makes the product not ready.

Imports no Qt; the only module that writes ``product_compliance`` and the retail standard.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import asdict, dataclass, fields
from datetime import date
from pathlib import Path

from stdnum import ean

from app.i18n import _
from app.models import audit
from app.models.clock import local_date, now_iso, parse_day
from app.models.consignors import Consignor, list_consignors
from app.models.db import Database
from app.models.errors import NotFound, Problem, UserError, ValidationError
from app.models.products import Product, get_product
from app.models.settings import get_settings
from app.models.users import User, require

PERMIT_KINDS = ("", "pirt", "bpom_md", "bpom_ml")
#: What a partner may ask for, in the order lists show them.
STANDARD_ITEMS = ("permit", "halal", "net_weight", "label_producer", "label_ingredients",
                  "label_expiry", "label_barcode", "photo", "barcode")
STANDARD_KEY = "retail_standard"
LABEL_FLAGS = ("label_producer", "label_ingredients", "label_expiry", "label_barcode")
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_FOLDER = "photos"
_JPEG, _PNG = b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"


def permit_kind_label(kind: str) -> str:
    return {"": _("Belum ada"), "pirt": _("P-IRT"), "bpom_md": _("BPOM MD"),
            "bpom_ml": _("BPOM ML")}[kind]


def standard_label(item: str) -> str:
    """What a missing item is called on screen and on paper."""
    return {
        "permit": _("izin edar (P-IRT/BPOM)"),
        "halal": _("sertifikat halal"),
        "net_weight": _("berat/isi bersih"),
        "label_producer": _("label: nama dan alamat produsen"),
        "label_ingredients": _("label: komposisi"),
        "label_expiry": _("label: tanggal kedaluwarsa"),
        "label_barcode": _("label: barcode tercetak"),
        "photo": _("foto produk"),
        "barcode": _("barcode GTIN/EAN-13"),
    }[item]


# --- reading what people type ---------------------------------------------------------------


def parse_permit(kind: str, number) -> str:
    """The permit number in its kept form, or a UserError on the field to fix."""
    if kind not in PERMIT_KINDS:
        raise UserError(_("Jenis izin edar tidak dikenal."), "permit_kind")
    text = " ".join(str(number or "").split()).upper()
    if not kind:
        if text:
            raise UserError(_("Pilih jenis izin edar untuk nomor ini."), "permit_kind")
        return ""
    if not text:
        raise UserError(_("Nomor {kind} belum diisi.").format(kind=permit_kind_label(kind)),
                        "permit_no")
    if kind == "pirt":
        digits = re.sub(r"^P\s*-?\s*IRT\s*(NO\.?|NOMOR)?\s*:?", "", text).replace(" ", "")
        match = re.fullmatch(r"(\d{13})-?(\d{2})", digits)
        if not match:
            raise UserError(_("Nomor P-IRT harus 15 angka, mis. 2063271010123-25."), "permit_no")
        if not "1" <= digits[0] <= "8":
            raise UserError(_("Nomor P-IRT diawali kode kemasan 1–8."), "permit_no")
        return f"{match[1]}-{match[2]}"
    prefix = "MD" if kind == "bpom_md" else "ML"
    body = re.sub(r"^(BPOM)?\s*(RI)?\s*", "", text).replace(" ", "").replace("-", "")
    match = re.fullmatch(r"(MD|ML)?(\d{12})", body)
    if not match:
        raise UserError(_("Nomor {kind} harus {prefix} dan 12 angka, mis. {prefix}"
                          " 123456789012.").format(kind=permit_kind_label(kind), prefix=prefix),
                        "permit_no")
    if match[1] and match[1] != prefix:
        raise UserError(_("Nomor {number} adalah {other}, bukan {kind}: ubah jenis izinnya.")
                        .format(number=f"{match[1]} {match[2]}", other="BPOM " + match[1],
                                kind=permit_kind_label(kind)), "permit_no")
    return f"{prefix} {match[2]}"


def parse_halal_no(number) -> str:
    text = "".join(str(number or "").split()).upper()
    if text and not (8 <= len(text) <= 40 and re.fullmatch(r"[A-Z0-9][A-Z0-9./-]*", text)
                     and re.search(r"\d", text)):
        raise UserError(_("Nomor sertifikat halal tidak valid: 8–40 huruf atau angka, mis."
                          " ID31110000123450321."), "halal_no")
    return text


_WEIGHT = re.compile(r"(\d{1,5})(?:[.,](\d{1,3}))?\s*(g|gr|gram|kg|ml|l|lt|liter|litre)\.?",
                     re.IGNORECASE)
_UNITS = {"g": "g", "gr": "g", "gram": "g", "kg": "kg", "ml": "ml", "l": "L", "lt": "L",
          "liter": "L", "litre": "L"}


def parse_net_weight(text) -> str:
    """``250 g``, ``1,5 kg``, ``500 ml``, ``1 L`` (the label's berat/isi bersih); "" if empty."""
    raw = " ".join(str(text or "").split())
    if not raw:
        return ""
    match = _WEIGHT.fullmatch(raw)
    if not match or not int(match[1] + (match[2] or "")):
        raise UserError(_("Berat/isi bersih ditulis angka dan satuan g, kg, ml atau L,"
                          " mis. 250 g."), "net_weight")
    decimals = (match[2] or "").rstrip("0")
    number = str(int(match[1])) + ("," + decimals if decimals else "")
    return f"{number} {_UNITS[match[3].lower()]}"


def parse_flag(value, *, field: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in ("1", "ya", "yes", "true", "on", "y"):
        return True
    if text in ("", "0", "tidak", "no", "false", "off", "n"):
        return False
    raise UserError(_("Isi ya atau tidak."), field)


# --- the record ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplianceInput:
    producer_id: str | None = None
    permit_kind: str = ""
    permit_no: str = ""
    halal_no: str = ""
    halal_expires_on: date | None = None
    net_weight: str = ""
    label_producer: bool = False
    label_ingredients: bool = False
    label_expiry: bool = False
    label_barcode: bool = False


@dataclass(frozen=True)
class Compliance(ComplianceInput):
    product_id: str = ""
    photo: str = ""          # the file's name in the photos folder beside the database

    @property
    def permit_text(self) -> str:
        """The permit as a label prints it: ``P-IRT 2063271010123-25``, ``BPOM RI MD 1234…``."""
        if not self.permit_no:
            return ""
        return f"P-IRT {self.permit_no}" if self.permit_kind == "pirt" else \
            f"BPOM RI {self.permit_no}"


def _read_form(form: dict) -> tuple[ComplianceInput, list[Problem]]:
    problems: list[Problem] = []

    def take(fn, key, *args, **kw):
        try:
            return fn(*args, **kw)
        except UserError as e:
            problems.append(Problem(e.field or key, e.message))
            return None

    kind = str(form.get("permit_kind") or "").strip()
    permit_no = take(parse_permit, "permit_no", kind, form.get("permit_no"))
    halal_no = take(parse_halal_no, "halal_no", form.get("halal_no"))
    expires = take(parse_day, "halal_expires_on", form.get("halal_expires_on"),
                   field="halal_expires_on")
    if expires is not None and not halal_no:
        problems.append(Problem("halal_expires_on", _(
            "Tanggal berlaku halal tanpa nomor sertifikatnya: isi nomornya dulu.")))
    flags = {key: take(parse_flag, key, form.get(key), field=key) for key in LABEL_FLAGS}
    producer = str(form.get("producer_id") or "").strip() or None
    data = ComplianceInput(
        producer_id=producer, permit_kind=kind if kind in PERMIT_KINDS else "",
        permit_no=permit_no or "", halal_no=halal_no or "", halal_expires_on=expires,
        net_weight=take(parse_net_weight, "net_weight", form.get("net_weight")) or "",
        **{key: bool(value) for key, value in flags.items()})
    return data, problems


def compliance_from_form(form: dict) -> ComplianceInput:
    """A ComplianceInput from the text of a form, or every problem with it at once."""
    data, problems = _read_form(form)
    if problems:
        raise ValidationError(problems)
    return data


def compliance_form(compliance: ComplianceInput | None) -> dict[str, str]:
    """The form text that shows ``compliance`` (the inverse of compliance_from_form)."""
    c = compliance or ComplianceInput()
    values = {f.name: getattr(c, f.name) for f in fields(ComplianceInput)}
    values["producer_id"] = c.producer_id or ""
    values["halal_expires_on"] = (c.halal_expires_on.strftime("%d-%m-%Y")
                                  if c.halal_expires_on else "")
    for key in LABEL_FLAGS:
        values[key] = "1" if getattr(c, key) else "0"
    return values


def _input_problems(data: ComplianceInput) -> list[Problem]:
    """The same checks as the form's, for an input made in code: a kept value reads back
    as itself."""
    if not isinstance(data, ComplianceInput):
        return [Problem("", _("Data kelengkapan izin tidak valid."))]
    if data.halal_expires_on is not None and not isinstance(data.halal_expires_on, date):
        return [Problem("halal_expires_on", _("Tanggal berlaku halal tidak valid."))]
    form = compliance_form(data)
    again, problems = _read_form(form)
    if not problems and again != data:
        problems.append(Problem("", _("Data kelengkapan izin tidak valid.")))
    return problems


_COLUMNS = ("producer_id", "permit_kind", "permit_no", "halal_no", "halal_expires_on",
            "net_weight", *LABEL_FLAGS, "photo")


def _compliance(row) -> Compliance:
    values = dict(zip(("product_id", *_COLUMNS), tuple(row), strict=True))
    values["halal_expires_on"] = (date.fromisoformat(values["halal_expires_on"])
                                  if values["halal_expires_on"] else None)
    for key in LABEL_FLAGS:
        values[key] = bool(values[key])
    return Compliance(**values)


_SELECT = f"SELECT product_id, {', '.join(_COLUMNS)} FROM product_compliance"


def get_compliance(db: Database, product_id: str) -> Compliance | None:
    """The product's compliance, or None when nothing was recorded for it yet."""
    row = db.one(f"{_SELECT} WHERE product_id = ?", (product_id,))
    return _compliance(row) if row else None


# --- photos -------------------------------------------------------------------------------


def photos_dir(db: Database) -> Path:
    """Product photos live beside the database file, so a backup of the folder has both."""
    return Path(db.path).parent / PHOTO_FOLDER


def photo_path(db: Database, compliance: Compliance | None) -> Path | None:
    """The product's photo file, if it has one that is there."""
    if compliance is None or not compliance.photo:
        return None
    path = photos_dir(db) / compliance.photo
    return path if path.is_file() else None


def read_photo(source) -> tuple[bytes, str]:
    """The bytes and extension (``jpg``/``png``) of a photo a person picked, or why not."""
    if not isinstance(source, str | os.PathLike) or not str(source).strip():
        raise UserError(_("Berkas foto belum dipilih."), "photo")
    path = Path(source)
    try:
        if not path.is_file():
            raise UserError(_("Berkas foto tidak ditemukan: {path}").format(path=str(path)),
                            "photo")
        if path.stat().st_size > PHOTO_MAX_BYTES:
            raise UserError(_("Foto terlalu besar ({size} MB); paling besar 5 MB.").format(
                size=round(path.stat().st_size / 1024 / 1024, 1)), "photo")
        data = path.read_bytes()
    except OSError as e:
        raise UserError(_("Berkas foto tidak dapat dibaca: {reason}").format(
            reason=e.strerror or type(e).__name__), "photo") from None
    if data.startswith(_JPEG):
        return data, "jpg"
    if data.startswith(_PNG):
        return data, "png"
    raise UserError(_("Foto harus berkas JPEG atau PNG."), "photo")


def _place_photo(folder: Path, name: str, data: bytes) -> None:
    """Write the photo under its final name in one step: a temporary file, flushed to disk,
    then renamed over the old one."""
    tmp = None
    try:
        folder.mkdir(exist_ok=True)
        handle, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, folder / name)
    except OSError as e:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise UserError(_("Foto tidak dapat disimpan di {folder}: {reason}").format(
            folder=str(folder), reason=e.strerror or type(e).__name__), "photo") from None


# --- saving -------------------------------------------------------------------------------


def save_compliance(db: Database, *, user: User, product_id: str, data: ComplianceInput,
                    photo_source: Path | None = None) -> Compliance:
    """Record what the product has for retail partners; a photo given is copied in beside
    the database. Nothing is written (row, audit or file) unless all of it is right."""
    require(user, "product.edit")
    problems = _input_problems(data)
    photo = None
    if photo_source is not None:
        try:
            photo = read_photo(photo_source)
        except UserError as e:
            problems.append(Problem("photo", e.message))
    with db.atomic():
        product = db.one("SELECT name, archived FROM products WHERE id = ?", (product_id,))
        if product is None:
            raise NotFound(_("Produk tidak ditemukan."))
        if product["archived"]:
            raise UserError(_("{name} sudah diarsipkan.").format(name=product["name"]))
        if isinstance(data, ComplianceInput) and data.producer_id and not db.scalar(
                "SELECT 1 FROM consignors WHERE id = ?", (data.producer_id,)):
            problems.append(Problem("producer_id", _("Produsen tidak ditemukan.")))
        if problems:
            raise ValidationError(problems)
        before = get_compliance(db, product_id)
        name = f"{product_id}.{photo[1]}" if photo else before.photo if before else ""
        after = Compliance(**{f.name: getattr(data, f.name) for f in fields(ComplianceInput)},
                           product_id=product_id, photo=name)
        row = [getattr(after, c) for c in _COLUMNS]
        row[_COLUMNS.index("halal_expires_on")] = (after.halal_expires_on.isoformat()
                                                   if after.halal_expires_on else None)
        db.execute(
            f"INSERT INTO product_compliance(product_id, {', '.join(_COLUMNS)}, updated_at)"
            f" VALUES (?, {', '.join('?' for _c in _COLUMNS)}, ?) ON CONFLICT(product_id)"
            f" DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in _COLUMNS)},"
            " updated_at = excluded.updated_at", (product_id, *row, now_iso()))
        old = asdict(before) if before else {}
        changed = {c: [_plain(old.get(c)), _plain(getattr(after, c))] for c in _COLUMNS
                   if old.get(c) != getattr(after, c)}
        audit.record(db, user_id=user.id, action="product.compliance", entity="product",
                     entity_id=product_id, detail={"name": product["name"], **changed})
        if photo:
            _place_photo(photos_dir(db), name, photo[0])
    if before and before.photo and before.photo != name:
        (photos_dir(db) / before.photo).unlink(missing_ok=True)   # the old one, now unused
    return after


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


# --- the standard the cooperative holds its products to ------------------------------------


def get_standard(db: Database) -> tuple[str, ...]:
    """The items a product needs to count as ready (all of them unless set otherwise)."""
    stored = db.scalar("SELECT value FROM settings WHERE key = ?", (STANDARD_KEY,))
    if stored is None:
        return STANDARD_ITEMS
    chosen = {item.strip() for item in stored.split(",")}
    return tuple(item for item in STANDARD_ITEMS if item in chosen)


def save_standard(db: Database, *, user: User, items) -> tuple[str, ...]:
    require(user, "settings.edit")
    if isinstance(items, str) or not all(isinstance(i, str) for i in items or ()):
        raise UserError(_("Syarat kesiapan tidak valid."), "items")
    unknown = [i for i in items if i not in STANDARD_ITEMS]
    if unknown:
        raise UserError(_("Syarat tidak dikenal: {items}").format(
            items=", ".join(unknown)[:80]), "items")
    chosen = tuple(item for item in STANDARD_ITEMS if item in set(items))
    if not chosen:
        raise UserError(_("Pilih paling sedikit satu syarat kesiapan."), "items")
    with db.atomic():
        before = get_standard(db)
        db.execute("INSERT INTO settings(key, value) VALUES (?, ?)"
                   " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                   (STANDARD_KEY, ",".join(chosen)))
        audit.record(db, user_id=user.id, action="settings.change", entity="settings",
                     detail={STANDARD_KEY: [list(before), list(chosen)]})
    return chosen


# --- readiness ----------------------------------------------------------------------------


def is_gtin(code: str) -> bool:
    """A GS1 trade item number a retailer can list: EAN-8, UPC-A, EAN-13 or GTIN-14 with a
    right check digit, and not one of the in-store ranges (EAN-13 020–029, 040–049,
    200–299; EAN-8 starting 0 or 2) that a shop or a scale prints for itself."""
    if not code.isdigit() or len(code) not in (8, 12, 13, 14) or not ean.is_valid(code):
        return False
    if len(code) == 8:
        return code[0] not in "02"
    gtin13 = code.zfill(13) if len(code) == 12 else code[-13:]
    return not (gtin13[0] == "2" or gtin13[:2] in ("02", "04"))


def gtin_of(product: Product) -> str:
    return next((c for c in product.barcodes if is_gtin(c)), "")


def missing_items(product: Product, compliance: Compliance | None, standard, *, today: date,
                  photo_ok: bool) -> tuple[str, ...]:
    """What the product lacks of ``standard``, in people's words."""
    c = compliance or Compliance(product_id=product.id)
    have = {
        "permit": bool(c.permit_kind and c.permit_no),
        "halal": bool(c.halal_no) and not (c.halal_expires_on and c.halal_expires_on < today),
        "net_weight": bool(c.net_weight),
        **{key: getattr(c, key) for key in LABEL_FLAGS},
        "photo": photo_ok,
        "barcode": bool(gtin_of(product)),
    }
    missing = []
    for item in standard:
        if have[item]:
            continue
        if item == "halal" and c.halal_no:
            missing.append(_("sertifikat halal kedaluwarsa {day}").format(
                day=c.halal_expires_on.strftime("%d-%m-%Y")))
        else:
            missing.append(standard_label(item))
    return tuple(missing)


@dataclass(frozen=True)
class Readiness:
    product: Product
    compliance: Compliance | None
    missing: tuple[str, ...]
    producer: Consignor | None = None

    @property
    def ready(self) -> bool:
        return not self.missing

    @property
    def gtin(self) -> str:
        return gtin_of(self.product)

    @property
    def sku(self) -> str:
        """What a partner's list keys the product by: its GTIN, else its first code."""
        return self.gtin or next(iter(self.product.barcodes), "") or self.product.id


def readiness(db: Database, *, include_own: bool = True) -> list[Readiness]:
    """The UMKM products on sale — consigned ones, and (``include_own``) the shop's own that
    have a compliance record — each with what it lacks of the standard; by name."""
    own = " OR EXISTS (SELECT 1 FROM product_compliance c WHERE c.product_id = p.id)" \
        if include_own else ""
    ids = [r[0] for r in db.query(
        f"SELECT id FROM products p WHERE archived = 0 AND (consigned = 1{own})"
        " ORDER BY name COLLATE NOCASE, id")]
    return _readiness(db, ids)


def readiness_of(db: Database, product_id: str) -> Readiness:
    return _readiness(db, [product_id])[0]


def _readiness(db: Database, ids: list[str]) -> list[Readiness]:
    standard, folder = get_standard(db), photos_dir(db)
    today = local_date(now_iso(), get_settings(db).zone)
    records = {r[0]: _compliance(r) for r in db.query(_SELECT)}
    producers = {c.id: c for c in list_consignors(db, include_archived=True)}
    # A consigned product's producer, when none is named: who brought the latest batch.
    latest = {r[0]: r[1] for r in db.query(
        "SELECT product_id, consignor_id FROM consignment_batches ORDER BY created_at, id")}
    result = []
    for product_id in ids:
        product = get_product(db, product_id)
        record = records.get(product_id)
        photo_ok = bool(record and record.photo and (folder / record.photo).is_file())
        producer = producers.get((record and record.producer_id) or latest.get(product_id))
        result.append(Readiness(product, record, missing_items(
            product, record, standard, today=today, photo_ok=photo_ok), producer))
    return result
