"""The shop's commands: make its key, enroll with the district, export a package.

A shop's signing key is named after the shop database's own id, so two shops kept on one
computer (a training copy, a neighbour's) never share one, and a shop restored from a
backup finds its key again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.i18n import _
from app.models import sync_data
from app.models.backup import current_epoch
from app.models.db import Database
from app.models.errors import UserError
from app.models.users import User, require_acting
from app.sync import keys
from app.sync.package import package_hash, package_name, write_package

#: Read a district key file up to this size: it is three short lines.
_MAX_KEY_FILE = 16 * 1024


def key_name(db: Database) -> str:
    return f"shop-{sync_data.shop_id(db)}"


def has_key(db: Database) -> bool:
    return keys.secret_path(key_name(db)).exists()


def keygen(db: Database, *, user: User | None = None) -> keys.PublicKey:
    """The shop's Ed25519 key pair (refused when it exists: the district registered it)."""
    require_acting(user, "sync.send")
    pub = keys.keygen(key_name(db))
    sync_data.set_key_id(db, pub.key_id.hex(), user=user)
    return pub


def public_key(db: Database) -> keys.PublicKey:
    return keys.load_public_key(key_name(db))


def public_text(db: Database) -> str:
    """What the shop hands the district: minisign's public key file, the shop named in
    its comment line."""
    pub = public_key(db)
    code = sync_data.shop_code(db) or "-"
    return keys.public_key_text(pub).replace(
        "untrusted comment: ", f"untrusted comment: gerai {code}, ", 1)


def write_public(db: Database, out) -> Path:
    return keys.write_public_file(out, f"{sync_data.shop_code(db) or 'gerai'}.pub",
                                  public_text(db))


def read_key_file(path, what: str) -> str:
    path = Path(path)
    try:
        if path.stat().st_size > _MAX_KEY_FILE:
            raise UserError(_("{what} {path} terlalu besar untuk berkas kunci.").format(
                what=what, path=path), "key")
        return path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        error = getattr(exc, "strerror", None) or _("bukan teks")
        raise UserError(_("{what} {path} tidak dapat dibaca: {error}").format(
            what=what, path=path, error=error), "key") from None


def enroll(db: Database, district_file, *, user: User | None = None) -> keys.HubPublic:
    """Keep the district's public key: where packages are encrypted to, whose reference
    packages are believed."""
    pub = keys.parse_hub_public(read_key_file(district_file, _("Kunci dinas")))
    if not pub.district:
        raise UserError(_("Berkas kunci dinas tidak menyebut dinasnya; minta berkas baru dari "
                          "dinas."), "key")
    sync_data.enroll(db, sync_data.Enrollment(pub.district, pub.recipient,
                                              keys.public_key_text(pub.signing)), user=user)
    return pub


@dataclass(frozen=True)
class Exported:
    path: Path
    header: dict
    rows: int


def export(db: Database, out, *, full: bool = False, user: User | None = None) -> Exported:
    """Write the next package (everything when ``full``, or when the epoch changed since
    the last one: a restored shop sends all it has). ``out`` is a file or a folder."""
    require_acting(user, "sync.send")
    enrolled = sync_data.enrollment(db)
    if enrolled is None:
        raise UserError(_("Gerai belum terdaftar di dinas: impor dulu kunci dinas "
                          "('gerai sync enroll')."), "key")
    if not sync_data.shop_code(db):
        raise UserError(_("Kode gerai belum diisi di Pengaturan."), "code")
    if not has_key(db):
        raise UserError(_("Gerai belum punya kunci tanda tangan ('gerai sync keygen')."),
                        "key")
    signing = keys.load_signing_key(key_name(db))
    if sync_data.key_id(db) not in (None, signing.key_id.hex()):
        raise UserError(_("Kunci tanda tangan di {path} bukan kunci gerai ini.").format(
            path=keys.secret_path(key_name(db))), "key")
    last = sync_data.exports(db, limit=1)
    if not last or last[0]["epoch"] != current_epoch(db):
        full = True     # the first package of a chain holds everything: say so
    changes = sync_data.collect(db, full=full)
    head = sync_data.header(db, changes)
    target = Path(out) if out not in (None, "") else None
    if target is None:
        raise UserError(_("Nama berkas paket belum diisi."), "out")
    if target.is_dir():
        target = target / package_name(head)

    def record(data: bytes) -> None:
        sync_data.record_export(db, changes, head, package_hash=package_hash(data),
                                file=target.name, user=user)

    path = write_package(target, header=head, tables=changes.tables, signing_key=signing,
                         recipient=enrolled.recipient, before_rename=record)
    return Exported(path, head, changes.rows)
