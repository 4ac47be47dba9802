"""The district hub's books: every shop's records, keyed by the shop and the shop's own ids.

A hub is a Gerai database like a shop's (settings, users, the audit log), plus a copy
``s_<table>`` of each table a shop package carries, with ``shop_id`` in front of the key.
A package is classified against the shop's import state (epoch, last sequence, last hash):

- duplicate: imported before, or wholly covered by what was — nothing changes;
- next: continues the chain — applied;
- overlap: a full re-export reaching past the last one — applied, rows already here kept
  or brought up to date;
- late: a missing one arriving after a gap was let through — only its new rows are added;
- gap: one or more packages missing before it — refused, unless the hub lets gaps through;
- fork: another epoch (a restored backup) or another chain — refused unless accepted.

Everything a package brings is written in one transaction, with the new state.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from app.i18n import _
from app.models import audit
from app.models.clock import now_iso
from app.models.db import Database
from app.models.errors import PackageRefused, UserError
from app.models.migrations import schema_version
from app.models.personal import normalize_phone, personal_key
from app.models.sync_tables import DELETED, MANIFEST, MIRROR_PREFIX, TableSpec, spec
from app.models.users import User, require_acting

ALLOW_GAPS = "hub.allow_gaps"
DISTRICT = "hub.district"
KEY_NAME = "hub.key_name"
_SEALED = ("nik_sealed", "nik_hash", "phone_sealed", "phone_hash")


# -- the hub database ------------------------------------------------------------------

def is_hub(db: Database) -> bool:
    return bool(db.scalar("SELECT value FROM settings WHERE key = ?", (DISTRICT,)))


def district(db: Database) -> str:
    return db.scalar("SELECT value FROM settings WHERE key = ?", (DISTRICT,)) or ""


def hub_setting(db: Database, key: str) -> str | None:
    return db.scalar("SELECT value FROM settings WHERE key = ?", (key,))


def _mirror_columns(table: TableSpec) -> list[tuple[str, str]]:
    kinds = {int: "INTEGER", str: "TEXT", bytes: "BLOB"}
    cols = [(c, kinds.get(t, "")) for c, t in zip(table.columns, table.types, strict=True)]
    if table.name == "members":
        cols = [(c, t) for c, t in cols if c not in ("nik", "phone")]
        cols += [("nik_sealed", "BLOB"), ("nik_hash", "TEXT"), ("phone_sealed", "BLOB"),
                 ("phone_hash", "TEXT")]
    return cols


def ensure_mirrors(db: Database) -> None:
    """Create (or widen) the hub's copy of every shop table: at ``hub init`` and after
    each upgrade of the hub's schema (``migrate``). Idempotent."""
    for name, table in spec(db).items():
        mirror = MIRROR_PREFIX + name
        cols = _mirror_columns(table)
        have = {r["name"] for r in db.query(f"SELECT name FROM pragma_table_info('{mirror}')")}
        if not have:
            body = ", ".join(f"{c} {t}" for c, t in cols)
            key = ", ".join(("shop_id", *table.key))
            db.execute(f"CREATE TABLE {mirror} (shop_id TEXT NOT NULL, {body},"
                       f" PRIMARY KEY ({key}))")
            continue
        for c, t in cols:
            if c not in have:
                db.execute(f"ALTER TABLE {mirror} ADD COLUMN {c} {t}")


def init_hub(db: Database, *, district_code: str, key_name: str, user: User | None) -> None:
    require_acting(user, "hub.manage")
    if is_hub(db):
        raise UserError(_("Basis data ini sudah basis data dinas {district}.").format(
            district=district(db)), "db")
    if db.scalar("SELECT count(*) FROM sales"):
        raise UserError(_("Basis data ini berisi penjualan gerai; buat basis data dinas "
                          "yang baru."), "db")
    with db.atomic():
        ensure_mirrors(db)
        db.executemany("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key)"
                       " DO UPDATE SET value = excluded.value",
                       [(DISTRICT, district_code), (KEY_NAME, key_name)])
        audit.record(db, user_id=user.id if user else None, action="hub.init", entity="hub",
                     entity_id=district_code, detail={"key": key_name})


def require_hub(db: Database) -> None:
    if not is_hub(db):
        raise UserError(_("Ini bukan basis data dinas; buat dulu dengan 'gerai hub init'."),
                        "db")


def set_allow_gaps(db: Database, allow: bool, *, user: User | None) -> None:
    require_acting(user, "hub.manage")
    with db.atomic():
        db.execute("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key)"
                   " DO UPDATE SET value = excluded.value", (ALLOW_GAPS, "1" if allow else "0"))
        audit.record(db, user_id=user.id if user else None, action="hub.allow_gaps",
                     entity="hub", entity_id=None, detail={"allow": allow})


# -- shops -----------------------------------------------------------------------------

def register_shop(db: Database, *, code: str, key_id: str, public_key: str, name: str = "",
                  user: User | None) -> None:
    require_hub(db)
    require_acting(user, "hub.manage")
    code = (code or "").strip().upper()
    if not code or len(code) > 20 or not all(c.isalnum() or c in "-_." for c in code):
        raise UserError(_("Kode gerai harus diisi: huruf, angka, '-', '_' atau '.', paling "
                          "banyak 20."), "code")
    taken = db.one("SELECT code FROM hub_shops WHERE code = ? OR key_id = ?", (code, key_id))
    if taken:
        raise UserError(_("Kode {code} atau kuncinya sudah terdaftar (gerai {other}).").format(
            code=code, other=taken["code"]), "code")
    with db.atomic():
        db.execute("INSERT INTO hub_shops(code, name, key_id, public_key, registered_at)"
                   " VALUES (?, ?, ?, ?, ?)", (code, name.strip(), key_id, public_key, now_iso()))
        audit.record(db, user_id=user.id if user else None, action="hub.register",
                     entity="shop", entity_id=code, detail={"key_id": key_id})


def shops(db: Database) -> list[dict]:
    return [dict(r) for r in db.query("SELECT * FROM hub_shops ORDER BY code")]


def registered_keys(db: Database) -> dict[str, str]:
    """key id (hex) -> the shop's public key text, for verifying packages."""
    return {r["key_id"]: r["public_key"] for r in db.query("SELECT key_id, public_key FROM"
                                                            " hub_shops")}


def shop_by_key(db: Database, key_hex: str) -> dict | None:
    row = db.one("SELECT * FROM hub_shops WHERE key_id = ?", (key_hex,))
    return dict(row) if row else None


# -- classifying ------------------------------------------------------------------------

@dataclass
class Outcome:
    kind: str                   # duplicate, next, overlap, late, gap, fork
    applied: bool
    message: str
    new: dict[str, int] = field(default_factory=dict)
    present: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    deleted: int = 0

    @property
    def rows_new(self) -> int:
        return sum(self.new.values())

    @property
    def rows_present(self) -> int:
        return sum(self.present.values())


def _covered(db: Database, code: str, epoch: int, seq_from: int, seq_to: int) -> bool:
    ranges = db.query("SELECT seq_from, seq_to FROM hub_packages WHERE shop_code = ? AND"
                      " epoch = ? AND seq_to >= ? AND seq_from <= ? ORDER BY seq_from",
                      (code, epoch, seq_from, seq_to))
    need = seq_from
    for r in ranges:
        if r["seq_from"] > need:
            return False
        need = max(need, r["seq_to"] + 1)
    return need > seq_to


def _head(epoch, seq, digest) -> str:
    return _("masa {epoch}, paket {seq}, {hash}").format(epoch=epoch, seq=seq,
                                                         hash=(digest or "-")[:12])


def classify(db: Database, shop: dict, header: dict, package_hash: str, *,
             accept_fork: bool = False) -> Outcome:
    """What this package is to this shop's chain (nothing is written here)."""
    epoch, first, last = header["epoch"], header["seq_from"], header["seq_to"]
    prev = header["prev_hash"]
    if db.scalar("SELECT 1 FROM hub_packages WHERE hash = ?", (package_hash,)):
        return Outcome("duplicate", False, _("Sudah pernah diimpor; tidak ada yang berubah."))
    if shop["epoch"] is None:
        if first == 1:
            return Outcome("next", True, _("Paket pertama gerai ini."))
        return _gap(db, 1, first)
    ours = _head(shop["epoch"], shop["last_seq"], shop["last_hash"])
    theirs = _head(epoch, first - 1, prev)
    if epoch < shop["epoch"]:
        return Outcome("fork", False, _("Paket dari masa sinkronisasi yang sudah lewat "
                                        "({theirs}; dinas punya {ours}); ditolak.").format(
                                            theirs=theirs, ours=ours))
    if epoch != shop["epoch"]:
        return _fork(accept_fork and first == 1,
                     _("Masa sinkronisasi berganti ({theirs}; dinas punya {ours}): gerai "
                       "ini dipulihkan dari cadangan? Hanya paket lengkap pertama dari masa "
                       "baru yang dapat diterima.").format(theirs=theirs, ours=ours))
    if last <= shop["last_seq"]:
        if _covered(db, shop["code"], epoch, first, last):
            return Outcome("duplicate", False, _("Isinya sudah diimpor dari paket lain; "
                                                 "tidak ada yang berubah."))
        return Outcome("late", True, _("Paket yang tadinya hilang; hanya catatan baru "
                                       "yang ditambahkan."))
    if first > shop["last_seq"] + 1:
        return _gap(db, shop["last_seq"] + 1, first)
    if last - 1 == shop["last_seq"] and prev != shop["last_hash"]:
        return _fork(accept_fork,
                     _("Rantai paket bercabang: paket ini menyambung {theirs}, dinas punya "
                       "{ours}.").format(theirs=theirs, ours=ours))
    if first == shop["last_seq"] + 1:
        return Outcome("next", True, _("Paket berikutnya."))
    return Outcome("overlap", True, _("Paket lengkap yang tumpang tindih; hanya yang baru "
                                      "dan yang berubah diterapkan."))


def _gap(db: Database, missing_from: int, first: int) -> Outcome:
    missing = (str(missing_from) if missing_from == first - 1
               else f"{missing_from}–{first - 1}")
    if hub_setting(db, ALLOW_GAPS) == "1":
        return Outcome("gap", True, _("Paket {missing} belum diterima; paket ini tetap "
                                      "diterapkan (pengaturan dinas).").format(missing=missing))
    return Outcome("gap", False, _("Paket {missing} belum diterima; impor itu dulu.").format(
        missing=missing))


def _fork(accept: bool, message: str) -> Outcome:
    """A new epoch's fork is accepted only with the package that starts its chain
    (``seq_from`` 1: all the shop has, so the hub's copy becomes exactly the shop's); a
    later one would leave the old epoch's rows behind."""
    if accept:
        return Outcome("fork", True, message + " " + _("Diterima atas perintah petugas."))
    return Outcome("fork", False, message)


# -- checking and applying --------------------------------------------------------------

def check_tables(db: Database, tables: dict, header: dict) -> dict[str, TableSpec]:
    """Every table, column and cell against the hub's schema: refuses what it does not
    know (a newer shop), a missing key column, a cell of the wrong type."""
    if not isinstance(header.get("schema"), int) or header["schema"] > schema_version(db):
        raise PackageRefused(_("Paket dari Gerai yang lebih baru (skema {schema}); perbarui "
                               "Gerai di dinas dulu.").format(schema=header.get("schema")))
    specs = spec(db)
    manifest = tables.get(MANIFEST)
    counts = {n: len(t["rows"]) for n, t in tables.items() if n != MANIFEST}
    if (manifest is None or manifest["columns"] != ["table", "rows"]
            or {r[0]: r[1] for r in manifest["rows"]} != counts):
        raise PackageRefused(_("Daftar isi paket tidak cocok dengan isinya."))
    for name, table in tables.items():
        if name == MANIFEST:
            continue
        if name == DELETED:
            if table["columns"] != ["table", "key"]:
                raise PackageRefused(_("Tabel {table} tidak dikenal.").format(table=name))
            for t, key in table["rows"]:
                if t not in specs or not isinstance(key, str):
                    raise PackageRefused(_("Tabel {table} tidak dikenal.").format(table=t))
                try:
                    values = json.loads(key)
                except ValueError:
                    values = None
                if not isinstance(values, list) or len(values) != len(specs[t].key):
                    raise PackageRefused(_("Kunci baris terhapus tidak sah ({table}).").format(
                        table=t))
            continue
        want = specs.get(name)
        if want is None:
            raise PackageRefused(_("Tabel {table} tidak dikenal.").format(table=name))
        unknown = [c for c in table["columns"] if c not in want.columns]
        if unknown:
            raise PackageRefused(_("Kolom {column} tidak dikenal di tabel {table}.").format(
                column=unknown[0], table=name))
        missing = [c for c in want.key if c not in table["columns"]]
        if missing:
            raise PackageRefused(_("Kolom kunci {column} tidak ada di tabel {table}.").format(
                column=missing[0], table=name))
        rows = table["rows"]
        for i, column in enumerate(table["columns"]):
            j = want.index(column)
            allowed = {want.types[j]} if want.required[j] else {want.types[j], type(None)}
            found = set(map(type, (r[i] for r in rows)))
            if not found <= allowed:
                raise PackageRefused(_("Isi kolom {table}.{column} tidak sah.").format(
                    table=name, column=column))
    return specs


def _seal_members(db: Database, columns: list, rows: list) -> tuple[list, list]:
    """NIK and phone sealed under the hub's own key, as a shop keeps them."""
    if "nik" not in columns and "phone" not in columns:
        return columns, rows
    key = personal_key(db)
    ni = columns.index("nik") if "nik" in columns else None
    pi = columns.index("phone") if "phone" in columns else None
    keep = [i for i, c in enumerate(columns) if c not in ("nik", "phone")]
    out = []
    for r in rows:
        nik = r[ni] if ni is not None else None
        phone = normalize_phone(r[pi]) if pi is not None and r[pi] else None
        out.append([r[i] for i in keep] + [key.seal(nik or ""), key.digest("nik", nik or ""),
                                           key.seal(phone or ""),
                                           key.digest("phone", phone or "")])
    return [columns[i] for i in keep] + list(_SEALED), out


def _apply_table(db: Database, sid: str, name: str, table: TableSpec, columns: list,
                 rows: list, upsert: bool) -> tuple[int, int]:
    """(new, updated) rows of one table."""
    mirror = MIRROR_PREFIX + name
    if name == "members":
        columns, rows = _seal_members(db, columns, rows)
    names = ["shop_id", *columns]
    marks = ", ".join("?" * len(names))
    before = db.scalar(f"SELECT count(*) FROM {mirror} WHERE shop_id = ?", (sid,))
    start = db.conn.total_changes
    if upsert:
        rest = [c for c in columns if c not in table.key]
        conflict = ", ".join(("shop_id", *table.key))
        if rest:
            sets = ", ".join(f"{c} = excluded.{c}" for c in rest)
            differs = " OR ".join(f"{mirror}.{c} IS NOT excluded.{c}" for c in rest)
            sql = (f"INSERT INTO {mirror} ({', '.join(names)}) VALUES ({marks})"
                   f" ON CONFLICT({conflict}) DO UPDATE SET {sets} WHERE {differs}")
        else:
            sql = f"INSERT OR IGNORE INTO {mirror} ({', '.join(names)}) VALUES ({marks})"
    else:
        sql = f"INSERT OR IGNORE INTO {mirror} ({', '.join(names)}) VALUES ({marks})"
    db.executemany(sql, ([sid, *r] for r in rows))
    changed = db.conn.total_changes - start
    new = db.scalar(f"SELECT count(*) FROM {mirror} WHERE shop_id = ?", (sid,)) - before
    return new, changed - new


def _delete_rows(db: Database, sid: str, specs: dict, rows: list) -> int:
    count = 0
    for name, key in rows:
        table = specs[name]
        where = " AND ".join(f"{c} = ?" for c in table.key)
        count += db.execute(f"DELETE FROM {MIRROR_PREFIX}{name} WHERE shop_id = ? AND {where}",
                            (sid, *json.loads(key))).rowcount
    return count


def _drop_missing(db: Database, sid: str, specs: dict, tables: dict) -> int:
    """A package that starts its chain holds every row the shop has: the hub's rows of the
    shop it does not hold were deleted there (in a package the hub never got, or before a
    restore) and go here too."""
    count = 0
    for name, table in specs.items():
        mirror = MIRROR_PREFIX + name
        sent = tables.get(name)
        if sent is None:
            count += db.execute(f"DELETE FROM {mirror} WHERE shop_id = ?", (sid,)).rowcount
            continue
        at = [list(sent["columns"]).index(c) for c in table.key]
        ks = [f"k{i}" for i in range(len(at))]
        db.execute("DROP TABLE IF EXISTS temp.sync_keep")
        db.execute(f"CREATE TEMP TABLE sync_keep ({', '.join(ks)}, PRIMARY KEY ({', '.join(ks)}))")
        db.executemany(f"INSERT OR IGNORE INTO temp.sync_keep VALUES ({', '.join('?' * len(ks))})",
                       ([r[i] for i in at] for r in sent["rows"]))
        same = " AND ".join(f"k.{k} = {mirror}.{c}" for k, c in zip(ks, table.key, strict=True))
        count += db.execute(f"DELETE FROM {mirror} WHERE shop_id = ? AND NOT EXISTS"
                            f" (SELECT 1 FROM temp.sync_keep k WHERE {same})", (sid,)).rowcount
        db.execute("DROP TABLE temp.sync_keep")
    return count


def apply_package(db: Database, shop: dict, header: dict, tables: dict, outcome: Outcome, *,
                  package_hash: str, file: str, user: User | None) -> Outcome:
    """Write an applicable package and the shop's new state, in one transaction."""
    require_acting(user, "hub.manage")
    if not outcome.applied:
        return outcome
    specs = check_tables(db, tables, header)
    sid = header["shop_id"]
    newer = outcome.kind != "late"
    with db.atomic():
        if newer and DELETED in tables:
            outcome.deleted = _delete_rows(db, sid, specs, tables[DELETED]["rows"])
        if newer and header["seq_from"] == 1 and shop["epoch"] is not None:
            outcome.deleted += _drop_missing(db, sid, specs, tables)
        for name, table in tables.items():
            if name in (DELETED, MANIFEST):
                continue
            new, updated = _apply_table(db, sid, name, specs[name], list(table["columns"]),
                                        table["rows"], newer)
            outcome.new[name] = new
            outcome.updated[name] = updated
            outcome.present[name] = len(table["rows"]) - new
        if newer:
            db.execute("UPDATE hub_shops SET shop_id = ?, epoch = ?, last_seq = ?,"
                       " last_hash = ?, last_package_at = ?, last_import_at = ?,"
                       " name = CASE WHEN ? <> '' THEN ? ELSE name END WHERE code = ?",
                       (sid, header["epoch"], header["seq_to"], package_hash,
                        header["created_at"], now_iso(), header.get("shop_name") or "",
                        header.get("shop_name") or "", shop["code"]))
        db.execute("INSERT INTO hub_packages(hash, shop_code, epoch, seq_from, seq_to, full,"
                   " outcome, rows_new, rows_present, file, created_at, imported_at)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (package_hash, shop["code"], header["epoch"], header["seq_from"],
                    header["seq_to"], int(bool(header.get("full"))), outcome.kind,
                    outcome.rows_new, outcome.rows_present, file, header["created_at"],
                    now_iso()))
        audit.record(db, user_id=user.id if user else None, action="hub.import",
                     entity="shop", entity_id=shop["code"],
                     detail={"file": file, "outcome": outcome.kind, "seq": header["seq_to"],
                             "epoch": header["epoch"], "new": outcome.rows_new})
    return outcome


def check_shop(shop: dict, header: dict) -> None:
    """The header names the shop its key was registered for."""
    if header.get("kind") != "shop":
        raise PackageRefused(_("Bukan paket gerai."))
    if header.get("shop_code", "").upper() != shop["code"]:
        raise PackageRefused(_("Paket menyebut gerai {claimed}, tetapi ditandatangani kunci "
                               "gerai {code}.").format(claimed=header.get("shop_code"),
                                                       code=shop["code"]))
    if not isinstance(header.get("shop_id"), str) or not header["shop_id"]:
        raise PackageRefused(_("Kepala paket tidak sah: {field}.").format(field="shop_id"))
    if shop["shop_id"] and header["shop_id"] != shop["shop_id"]:
        raise PackageRefused(_("Paket dari basis data lain dengan kunci gerai {code}; "
                               "ditolak.").format(code=shop["code"]))
