"""The till's own settings: its name, discount limit, QRIS, printer, paper, scale layout."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from app.i18n import _
from app.models import audit
from app.models.db import Database
from app.models.errors import Problem, UserError, ValidationError
from app.models.users import User, require

PRINTER_KINDS = ("none", "file", "usb", "serial", "network")
_PREFIX = "till."


@dataclass(frozen=True)
class TillSettings:
    till: str = "KASIR-1"
    #: Discounts on one sale above this many rupiah need a manager's approval.
    discount_limit: int = 5000
    #: The shop's static QRIS string (from its bank); empty = no QRIS.
    qris_static: str = ""
    printer_kind: str = "none"
    printer_target: str = ""
    #: 32 columns on 58 mm paper, 48 on 80 mm.
    paper_columns: int = 32
    open_drawer: bool = True
    #: Scale barcode layout: "weight" or "price" in digits 8–12 after a 2-digit prefix + PLU.
    scale_value_kind: str = "weight"


def get_till_settings(db: Database) -> TillSettings:
    stored = {k[len(_PREFIX):]: v for k, v in db.query(
        "SELECT key, value FROM settings WHERE key LIKE 'till.%'")}
    values = {}
    for f in fields(TillSettings):
        if f.name not in stored:
            continue
        raw = stored[f.name]
        if f.type in ("int", int):
            values[f.name] = int(raw)
        elif f.type in ("bool", bool):
            values[f.name] = raw == "1"
        else:
            values[f.name] = raw
    return TillSettings(**values)


def validate_till_settings(s: TillSettings) -> list[Problem]:
    problems = []
    if not s.till.strip() or len(s.till) > 20:
        problems.append(Problem("till", _("Nama kasir/till harus 1–20 huruf.")))
    if not 0 <= s.discount_limit <= 10_000_000:
        problems.append(Problem("discount_limit", _("Batas diskon harus antara 0 dan 10 juta.")))
    if s.printer_kind not in PRINTER_KINDS:
        problems.append(Problem("printer_kind", _("Jenis printer tidak dikenal.")))
    if s.printer_kind not in ("none",) and not s.printer_target.strip():
        problems.append(Problem("printer_target", _("Alamat printer belum diisi.")))
    if s.paper_columns not in (32, 48):
        problems.append(Problem("paper_columns", _("Lebar kertas harus 32 (58 mm) atau 48 (80 mm).")))
    if s.scale_value_kind not in ("weight", "price"):
        problems.append(Problem("scale_value_kind", _("Jenis nilai barcode timbangan harus weight (berat) atau price (harga).")))
    if s.qris_static.strip():
        from app.models.qris import validate_static

        try:
            validate_static(s.qris_static.strip())
        except UserError as e:
            problems.append(Problem("qris_static", e.message))
    return problems


def save_till_settings(db: Database, *, user: User, settings: TillSettings) -> TillSettings:
    require(user, "settings.edit")
    problems = validate_till_settings(settings)
    if problems:
        raise ValidationError(problems)
    rows = [(_PREFIX + k, str(int(v)) if isinstance(v, bool) else str(v))
            for k, v in asdict(settings).items()]
    with db.atomic():
        db.executemany("INSERT INTO settings(key, value) VALUES (?, ?)"
                       " ON CONFLICT(key) DO UPDATE SET value = excluded.value", rows)
        audit.record(db, user_id=user.id, action="settings.change", entity="settings",
                     detail={k[len(_PREFIX):]: v for k, v in rows if "qris" not in k})
    return settings




def till_settings_from_form(form: dict[str, str]) -> TillSettings:
    """The till part of the settings screen, read from its text; all problems at once."""
    from app.models.money import parse_rupiah

    problems = []
    try:
        limit = parse_rupiah(form.get("discount_limit", ""), field="discount_limit",
                             what=_("Batas diskon"), maximum=10_000_000)
    except UserError as e:
        problems.append(Problem("discount_limit", e.message))
        limit = 0
    columns = (form.get("paper_columns") or "32").strip()
    settings = TillSettings(
        till=(form.get("till") or "").strip(), discount_limit=limit,
        qris_static=(form.get("qris_static") or "").strip(),
        printer_kind=(form.get("printer_kind") or "none").strip(),
        printer_target=(form.get("printer_target") or "").strip(),
        paper_columns=int(columns) if columns.isdigit() else 0,
        open_drawer=(form.get("open_drawer") or "1") == "1",
        scale_value_kind=(form.get("scale_value_kind") or "weight").strip())
    problems += validate_till_settings(settings)
    if problems:
        raise ValidationError(problems)
    return settings


def save_shop_and_till(db: Database, *, user: User, shop, till: TillSettings,
                       retail_standard: tuple[str, ...] | None = None) -> None:
    """The settings screen's Save: shop and till settings (and what a product needs to be
    ready for a retail partner) together, or none of them."""
    from app.models.compliance import save_standard
    from app.models.settings import save_settings, validate_settings

    problems = validate_settings(shop) + validate_till_settings(till)
    if problems:
        raise ValidationError(problems)
    with db.atomic():
        save_settings(db, user=user, settings=shop)
        save_till_settings(db, user=user, settings=till)
        if retail_standard is not None:
            save_standard(db, user=user, items=retail_standard)
