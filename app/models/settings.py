"""Shop settings: who the shop is, where, and what its receipts say."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields, replace

from app.i18n import _
from app.models import audit
from app.models.clock import ZONES
from app.models.db import Database
from app.models.errors import PermissionDenied, Problem, ValidationError
from app.models.users import User, has_users, require


@dataclass(frozen=True)
class ShopSettings:
    cooperative_name: str = "Koperasi Desa Merah Putih"
    shop_name: str = "Gerai Sembako"
    shop_code: str = "KDMP001"
    address: str = ""
    zone: str = "WIB"
    receipt_footer: str = "Terima kasih. Barang yang sudah dibeli tidak dapat ditukar."
    language: str = "id"


_SHOP_CODE = re.compile(r"^[A-Z0-9]{3,12}$")


def validate_settings(s: ShopSettings) -> list[Problem]:
    problems = []
    for name, label, limit in (
        ("cooperative_name", _("Nama koperasi"), 80),
        ("shop_name", _("Nama gerai"), 80),
    ):
        value = getattr(s, name).strip()
        if not value:
            problems.append(Problem(name, _("{label} belum diisi.").format(label=label)))
        elif len(value) > limit:
            problems.append(
                Problem(name, _("{label} terlalu panjang (paling banyak {n} huruf).").format(
                    label=label, n=limit))
            )
    if not _SHOP_CODE.match(s.shop_code):
        problems.append(
            Problem("shop_code", _("Kode gerai harus 3–12 huruf besar atau angka, mis. KDMP017."))
        )
    if s.zone not in ZONES:
        problems.append(Problem("zone", _("Zona waktu harus WIB, WITA atau WIT.")))
    if len(s.address) > 200:
        problems.append(Problem("address", _("Alamat terlalu panjang (paling banyak 200 huruf).")))
    if len(s.receipt_footer) > 200:
        problems.append(
            Problem("receipt_footer", _("Catatan kaki struk terlalu panjang (paling banyak 200 huruf)."))
        )
    if s.language not in ("id", "en"):
        problems.append(Problem("language", _("Bahasa harus id atau en.")))
    return problems


def get_settings(db: Database) -> ShopSettings:
    stored = dict(db.query("SELECT key, value FROM settings"))
    known = {f.name for f in fields(ShopSettings)}
    return ShopSettings(**{k: v for k, v in stored.items() if k in known})


def _write(db: Database, settings: ShopSettings) -> None:
    db.executemany(
        "INSERT INTO settings(key, value) VALUES (?, ?)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        list(asdict(settings).items()),
    )


def save_settings(db: Database, *, user: User | None, settings: ShopSettings) -> ShopSettings:
    """Store the shop settings (``user`` None only when a new shop is set up)."""
    if user is not None:
        require(user, "settings.edit")
    elif has_users(db):
        raise PermissionDenied(_("Pengaturan gerai hanya dapat diubah oleh admin."))
    settings = replace(
        settings,
        **{f.name: getattr(settings, f.name).strip() for f in fields(ShopSettings)},
    )
    problems = validate_settings(settings)
    if problems:
        raise ValidationError(problems)
    with db.atomic():
        before = get_settings(db)
        _write(db, settings)
        changed = {
            k: [getattr(before, k), v] for k, v in asdict(settings).items()
            if getattr(before, k) != v
        }
        audit.record(
            db, user_id=user.id if user else None, action="settings.change",
            entity="settings", detail=changed,
        )
    return settings


def shop_today(db: Database):
    """The shop's day now, in its own time zone (frozen with the clock in the demo)."""
    from app.models.clock import local_date, now_iso

    return local_date(now_iso(), get_settings(db).zone)
