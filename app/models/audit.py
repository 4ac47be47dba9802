"""The audit log: append-only, each row carrying the SHA-256 of the row before it.

Triggers refuse UPDATE and DELETE; editing the file by other means breaks the chain,
and :func:`verify` names the first broken row.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from app.models.clock import now_iso
from app.models.db import Database

GENESIS = "0" * 64


def _row_hash(prev_hash: str, seq: int, at: str, user_id, action, entity, entity_id, detail):
    material = "\x1f".join(
        [prev_hash, str(seq), at, user_id or "", action, entity, entity_id or "", detail]
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def record(
    db: Database,
    *,
    user_id: str | None,
    action: str,
    entity: str,
    entity_id: str | None = None,
    detail: dict | None = None,
) -> int:
    """Append one audit row; must run inside the business event's transaction."""
    assert db.in_transaction, "audit rows are written inside the event's transaction"
    last = db.one("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
    prev_hash = last["hash"] if last else GENESIS
    seq = (last["seq"] if last else 0) + 1
    at = now_iso()
    detail_json = json.dumps(detail or {}, sort_keys=True, ensure_ascii=False)
    digest = _row_hash(prev_hash, seq, at, user_id, action, entity, entity_id, detail_json)
    db.execute(
        "INSERT INTO audit_log(seq, at, user_id, action, entity, entity_id, detail,"
        " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, at, user_id, action, entity, entity_id, detail_json, prev_hash, digest),
    )
    return seq


@dataclass(frozen=True)
class AuditCheck:
    rows: int
    first_broken: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken is None


def verify(db: Database) -> AuditCheck:
    """Walk the chain from the start; report the first row that does not check."""
    prev_hash, expected_seq, rows = GENESIS, 1, 0
    cursor = db.execute(
        "SELECT seq, at, user_id, action, entity, entity_id, detail, prev_hash, hash"
        " FROM audit_log ORDER BY seq"
    )
    for row in cursor:
        rows += 1
        if row["seq"] != expected_seq:
            return AuditCheck(rows, row["seq"], "missing")
        if row["prev_hash"] != prev_hash:
            return AuditCheck(rows, row["seq"], "link")
        digest = _row_hash(
            row["prev_hash"], row["seq"], row["at"], row["user_id"], row["action"],
            row["entity"], row["entity_id"], row["detail"],
        )
        if digest != row["hash"]:
            return AuditCheck(rows, row["seq"], "content")
        prev_hash, expected_seq = row["hash"], expected_seq + 1
    return AuditCheck(rows)


def recent(db: Database, limit: int = 100) -> list[dict]:
    rows = db.query(
        "SELECT a.seq, a.at, coalesce(u.username, '') AS username, a.action, a.entity,"
        " a.entity_id, a.detail FROM audit_log a LEFT JOIN users u ON u.id = a.user_id"
        " ORDER BY a.seq DESC LIMIT ?",
        (limit,),
    )
    return [dict(r) for r in rows]
