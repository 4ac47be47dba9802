"""The district hub's commands: make its keys, register shops, import their packages.

An import believes a package only once its signature checks against the key registered
for the shop, opens it with the district's age identity, checks every table against the
schema, classifies it against the shop's chain and writes it in one transaction. A refused
package leaves the hub's database as it was; the summary says why.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from app.i18n import _
from app.models import hub_store
from app.models.db import Database
from app.models.errors import PackageRefused, UserError
from app.models.users import User, require_acting
from app.sync import keys
from app.sync.package import (
    MAX_BODY,
    MAX_HEADER_LINE,
    MAX_SIG_LINE,
    SUFFIX,
    _read_capped,
    decode_package,
    package_hash,
    peek_header,
)
from app.sync.shop import read_key_file

#: No package is longer than its header, signature block and largest body.
MAX_FILE = MAX_HEADER_LINE + 5 * MAX_SIG_LINE + MAX_BODY


def init(db: Database, *, district: str, user: User | None = None) -> keys.HubPublic:
    """Make this database a hub for ``district`` and make the district's key pair."""
    require_acting(user, "hub.manage")
    code = (district or "").strip().upper()
    if not code or len(code) > 40 or not all(c.isalnum() or c in "-_." for c in code):
        raise UserError(_("Kode dinas harus diisi: huruf, angka, '-', '_' atau '.'."),
                        "district")
    name = f"district-{code.lower()}-{secrets.token_hex(3)}"
    if hub_store.is_hub(db):
        raise UserError(_("Basis data ini sudah basis data dinas {district}.").format(
            district=hub_store.district(db)), "db")
    pub = keys.hub_keygen(name)
    hub_store.init_hub(db, district_code=code, key_name=name, user=user)
    return keys.HubPublic(pub.recipient, pub.signing, code)


def key_name(db: Database) -> str:
    hub_store.require_hub(db)
    return hub_store.hub_setting(db, hub_store.KEY_NAME)


def public(db: Database) -> keys.HubPublic:
    pub = keys.hub_public(key_name(db))
    return keys.HubPublic(pub.recipient, pub.signing, hub_store.district(db))


def write_public(db: Database, out) -> Path:
    return keys.write_public_file(out, f"{hub_store.district(db).lower()}.pub",
                                  keys.hub_public_text(public(db)))


def register(db: Database, shop_key_file, *, code: str, name: str = "",
             user: User | None = None) -> keys.PublicKey:
    hub_store.require_hub(db)
    pub = keys.parse_public_key(read_key_file(shop_key_file, _("Kunci gerai")))
    hub_store.register_shop(db, code=code, key_id=pub.key_id.hex(),
                            public_key=keys.public_key_text(pub), name=name, user=user)
    return pub


@dataclass
class Imported:
    """One file's fate."""

    file: str
    shop: str = ""
    kind: str = "refused"          # duplicate, next, overlap, late, gap, fork, refused
    applied: bool = False
    message: str = ""
    header: dict = field(default_factory=dict)
    outcome: hub_store.Outcome | None = None


def kind_label(kind: str) -> str:
    """What an import made of a package, in the officer's words."""
    return {"duplicate": _("duplikat"), "next": _("berikutnya"),
            "overlap": _("tumpang tindih"), "late": _("terlambat"), "gap": _("celah"),
            "fork": _("cabang"), "refused": _("ditolak")}.get(kind, kind)


@dataclass(frozen=True)
class Tally:
    files: int
    applied: int
    duplicate: int
    refused: int
    new: int                    # rows new at the hub


def tally(results) -> Tally:
    """The closing count of an import (the command line and the hub page say it alike)."""
    applied = sum(r.applied for r in results)
    duplicate = sum(r.kind == "duplicate" for r in results)
    return Tally(len(results), applied, duplicate, len(results) - applied - duplicate,
                 sum(r.outcome.rows_new for r in results if r.outcome and r.applied))


def _trusted(db: Database) -> dict:
    out = {}
    for key_hex, text in hub_store.registered_keys(db).items():
        out[bytes.fromhex(key_hex)] = keys.parse_public_key(text)
    return out


def import_file(db: Database, path, *, accept_fork: bool = False,
                user: User | None = None, trusted: dict | None = None,
                identity=None) -> Imported:
    """Import one package; never raises for a bad package, says why in the result."""
    path = Path(path)
    try:
        data = _read_capped(path)
    except PackageRefused as exc:
        return Imported(path.name, message=exc.reason)
    return import_bytes(db, data, path.name, accept_fork=accept_fork, user=user,
                        trusted=trusted, identity=identity)


def import_bytes(db: Database, data: bytes, name: str, *, accept_fork: bool = False,
                 user: User | None = None, trusted: dict | None = None,
                 identity=None) -> Imported:
    """Import one package already read (``name`` is what the summary and the hub's list
    call it); never raises for a bad package, says why in the result."""
    result = Imported(name)
    try:
        hub_store.require_hub(db)
        if not isinstance(data, bytes) or len(data) > MAX_FILE:
            raise PackageRefused(_("Paket terlalu besar atau bukan berkas."))
        trusted = _trusted(db) if trusted is None else trusted
        identity = keys.load_hub_identity(key_name(db)) if identity is None else identity
        header, tables = decode_package(data, trusted_keys=trusted, identity=identity)
        result.header = header
        shop = hub_store.shop_by_key(db, header["key_id"])
        if shop is None:
            raise PackageRefused(_("Paket ditandatangani kunci yang tidak terdaftar."))
        result.shop = shop["code"]
        hub_store.check_shop(shop, header)
        digest = package_hash(data)
        outcome = hub_store.classify(db, shop, header, digest, accept_fork=accept_fork)
        outcome = hub_store.apply_package(db, shop, header, tables, outcome,
                                          package_hash=digest, file=name, user=user)
    except PackageRefused as exc:
        result.message = exc.reason
        return result
    except UserError as exc:
        result.message = exc.message
        return result
    result.kind, result.applied = outcome.kind, outcome.applied
    result.message, result.outcome = outcome.message, outcome
    return result


def package_files(paths) -> list[Path]:
    """The files named, with a folder standing for the packages in it (in name order)."""
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(q for q in p.iterdir() if q.is_file() and q.name.endswith(SUFFIX))
        else:
            out.append(p)
    return out


def import_files(db: Database, paths, *, accept_fork: bool = False,
                 user: User | None = None) -> list[Imported]:
    """Import many packages, each in its own transaction, oldest sequence first so that a
    folder of files carried in any order still lands as a chain."""
    files = package_files(paths)
    hub_store.require_hub(db)
    trusted = _trusted(db)
    identity = keys.load_hub_identity(key_name(db))

    def order(p: Path):
        try:
            h = peek_header(p)
            return (str(h.get("shop_code")), int(h.get("epoch", 0)), int(h.get("seq_to", 0)),
                    p.name)
        except (PackageRefused, UserError, TypeError, ValueError):
            return ("", 0, 0, p.name)

    results = []
    for p in sorted(files, key=order):
        results.append(import_file(db, p, accept_fork=accept_fork, user=user,
                                   trusted=trusted, identity=identity))
        if results[-1].applied:
            db.checkpoint("PASSIVE")    # the hub is idle between packages: keep the WAL small
    return results
