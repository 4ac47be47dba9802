"""The shop's side of syncing: its identity, its enrollment with a district, and the rows a
package carries.

An export reads everything in one snapshot: rows above each table's mark (rowid), rows the
change log names, and the keys of deleted rows. Only after the package file has been
written and read back does :func:`record_export` move the marks and clear the log, in one
transaction — a package that never reached the stick changes nothing here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from app.i18n import _
from app.models import audit
from app.models.backup import current_epoch
from app.models.clock import now_iso
from app.models.db import Database
from app.models.errors import UserError
from app.models.migrations import schema_version
from app.models.personal import PersonalDataLocked, personal_key
from app.models.sync_tables import DELETED, LOCAL_SETTINGS, MANIFEST, TableSpec, spec
from app.models.users import User, require_acting

_CHUNK = 500


@dataclass
class Changes:
    """What one package will carry, and the marks to set once it is safely written."""

    tables: dict
    counts: dict[str, int]
    marks: dict[str, int]
    log_max: int
    full: bool
    rows: int = field(init=False)

    def __post_init__(self):
        self.rows = sum(self.counts.values())


@dataclass(frozen=True)
class Enrollment:
    district: str
    recipient: str
    signing_key: str        # the district's public key, minisign's text


def _state(db: Database, key: str) -> str | None:
    return db.scalar("SELECT value FROM sync_state WHERE key = ?", (key,))


def _set_state(db: Database, values: dict) -> None:
    db.executemany("INSERT INTO sync_state(key, value) VALUES (?, ?) ON CONFLICT(key)"
                   " DO UPDATE SET value = excluded.value", list(values.items()))


def shop_id(db: Database) -> str:
    return _state(db, "shop_id")


def shop_code(db: Database) -> str:
    return db.scalar("SELECT value FROM settings WHERE key = 'shop_code'") or ""


def shop_name(db: Database) -> str:
    return db.scalar("SELECT value FROM settings WHERE key = 'shop_name'") or ""


def key_id(db: Database) -> str | None:
    """The hex id of the signing key this shop made (``gerai sync keygen``), if any."""
    return _state(db, "key_id")


def set_key_id(db: Database, key_hex: str, *, user: User | None) -> None:
    require_acting(user, "sync.send")
    with db.atomic():
        _set_state(db, {"key_id": key_hex})
        audit.record(db, user_id=user.id if user else None, action="sync.keygen",
                     entity="sync", entity_id=None, detail={"key_id": key_hex})


def enrollment(db: Database) -> Enrollment | None:
    district, recipient, signing = (_state(db, k) for k in
                                    ("district", "district_recipient", "district_signing"))
    if not (district and recipient and signing):
        return None
    return Enrollment(district, recipient, signing)


def enroll(db: Database, enrolled: Enrollment, *, user: User | None) -> None:
    """Keep the district's keys. Enrolling again with another district's key is refused
    while this shop has sent packages: its chain belongs to the first district."""
    require_acting(user, "sync.send")
    old = enrollment(db)
    if old and old.district != enrolled.district and last_export(db)[0]:
        raise UserError(_("Gerai ini sudah terdaftar di dinas {district} dan sudah mengirim "
                          "paket ke sana.").format(district=old.district), "key")
    with db.atomic():
        _set_state(db, {"district": enrolled.district, "district_recipient": enrolled.recipient,
                        "district_signing": enrolled.signing_key})
        audit.record(db, user_id=user.id if user else None, action="sync.enroll",
                     entity="sync", entity_id=None, detail={"district": enrolled.district})


def last_export(db: Database) -> tuple[int, str]:
    """(sequence, hash) of the last package written, (0, '') before the first."""
    row = db.one("SELECT seq, hash FROM sync_exports ORDER BY seq DESC LIMIT 1")
    return (row["seq"], row["hash"]) if row else (0, "")


def exports(db: Database, limit: int = 50) -> list[dict]:
    return [dict(r) for r in db.query(
        "SELECT seq, epoch, seq_from, hash, file, rows, full, created_at FROM sync_exports"
        " ORDER BY seq DESC LIMIT ?", (limit,))]


def pending_changes(db: Database) -> int:
    """About how many rows the next package would carry (for the screen)."""
    marks = {r["tbl"]: r["last_rowid"] for r in db.query("SELECT * FROM sync_marks")}
    total = db.scalar("SELECT count(*) FROM sync_log")
    for name in spec(db):
        # The audit row of the last export itself rides in the next package; it is no
        # work of the shop's waiting to be sent.
        mine = " AND action <> 'sync.export'" if name == "audit_log" else ""
        total += db.scalar(f"SELECT count(*) FROM {name} WHERE rowid > ?{mine}",
                           (marks.get(name, 0),))
    return total


def _select(table: TableSpec) -> str:
    if table.name == "members":
        cols = [c for c in table.columns if c not in ("nik", "phone")]
        cols += ["nik_sealed", "phone_sealed"]
    else:
        cols = list(table.columns)
    return ", ".join(cols)


def _open_members(db: Database, rows: list) -> list:
    """Members' rows with their NIK and phone opened (the package is encrypted)."""
    if not any(r[-1] or r[-2] for r in rows):
        return [list(r[:-2]) + [None, None] for r in rows]
    try:
        key = personal_key(db)
    except PersonalDataLocked as exc:
        raise UserError(_("Data pribadi anggota tidak dapat dibuka, paket tidak dibuat: "
                          "{reason}").format(reason=exc.message), "key") from None
    return [list(r[:-2]) + [key.open(r[-2]) or None, key.open(r[-1]) or None] for r in rows]


def _rows(db: Database, sql: str, params=()) -> list:
    cur = db.conn.cursor()
    cur.row_factory = None
    return cur.execute(sql, params).fetchall()


def collect(db: Database, *, full: bool = False) -> Changes:
    """The rows of the next package, read in one snapshot."""
    tables, counts, marks = {}, {}, {}
    db.execute("BEGIN")
    try:
        specs = spec(db)
        old_marks = {} if full else {r["tbl"]: r["last_rowid"]
                                     for r in db.query("SELECT tbl, last_rowid FROM sync_marks")}
        log_max = db.scalar("SELECT coalesce(max(seq), 0) FROM sync_log")
        logged: dict[str, set] = {}
        deleted: dict[str, set] = {}
        for r in db.query("SELECT tbl, rid, key FROM sync_log WHERE seq <= ?", (log_max,)):
            if r["rid"] is not None:
                logged.setdefault(r["tbl"], set()).add(r["rid"])
            elif r["key"] is not None:
                deleted.setdefault(r["tbl"], set()).add(r["key"])
        tombstones = []
        for name, table in specs.items():
            marks[name] = db.scalar(f"SELECT coalesce(max(rowid), 0) FROM {name}")
            mark = old_marks.get(name, 0)
            sql = f"SELECT {_select(table)} FROM {name}"
            rows = _rows(db, sql + " WHERE rowid > ? ORDER BY rowid", (mark,))
            changed = sorted(rid for rid in logged.get(name, ()) if rid <= mark)
            for i in range(0, len(changed), _CHUNK):
                chunk = changed[i:i + _CHUNK]
                rows += _rows(db, sql + f" WHERE rowid IN ({','.join('?' * len(chunk))})",
                              chunk)
            if name == "settings":
                rows = [r for r in rows if not r[0].startswith(LOCAL_SETTINGS)]
            if name == "members" and rows:
                rows = _open_members(db, rows)
            for key_text in sorted(deleted.get(name, ())):
                key = json.loads(key_text)
                where = " AND ".join(f"{c} = ?" for c in table.key)
                if not db.scalar(f"SELECT 1 FROM {name} WHERE {where}", key):
                    tombstones.append([name, key_text])
            if rows:
                tables[name] = {"columns": list(table.columns), "rows": rows}
                counts[name] = len(rows)
        if tombstones:
            tables[DELETED] = {"columns": ["table", "key"], "rows": tombstones}
            counts[DELETED] = len(tombstones)
        tables[MANIFEST] = {"columns": ["table", "rows"],
                            "rows": [[t, n] for t, n in sorted(counts.items())]}
    finally:
        db.execute("COMMIT")
    return Changes(tables, counts, marks, log_max, full)


def header(db: Database, changes: Changes) -> dict:
    """The plain header of the next package (who, which range, how many of what)."""
    seq, prev = last_export(db)
    enrolled = enrollment(db)
    return {"kind": "shop", "shop_id": shop_id(db), "shop_code": shop_code(db),
            "shop_name": shop_name(db), "district": enrolled.district if enrolled else "",
            "epoch": current_epoch(db), "seq_from": 1 if changes.full else seq + 1,
            "seq_to": seq + 1, "prev_hash": prev, "full": changes.full,
            "schema": schema_version(db), "created_at": now_iso(), "rows": changes.rows}


def record_export(db: Database, changes: Changes, head: dict, *, package_hash: str,
                  file: str, user: User | None) -> None:
    """The package is safely written: move the marks, clear the log, remember its hash."""
    require_acting(user, "sync.send")
    with db.atomic():
        if last_export(db)[0] != head["seq_to"] - 1:
            raise UserError(_("Paket lain dibuat bersamaan; ulangi ekspor."), "out")
        db.executemany("INSERT INTO sync_marks(tbl, last_rowid) VALUES (?, ?) ON CONFLICT(tbl)"
                       " DO UPDATE SET last_rowid = max(last_rowid, excluded.last_rowid)",
                       list(changes.marks.items()))
        db.execute("DELETE FROM sync_log WHERE seq <= ?", (changes.log_max,))
        db.execute("INSERT INTO sync_exports(seq, epoch, seq_from, hash, file, rows, full,"
                   " user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (head["seq_to"], head["epoch"], head["seq_from"], package_hash, file,
                    changes.rows, int(changes.full), user.id if user else None, now_iso()))
        audit.record(db, user_id=user.id if user else None, action="sync.export",
                     entity="sync", entity_id=str(head["seq_to"]),
                     detail={"file": file, "rows": changes.rows, "full": changes.full,
                             "epoch": head["epoch"]})
