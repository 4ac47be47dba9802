"""Members (anggota) as the till needs them: find by name, number or card; credit balance.

The member register itself (NIK, savings, statements) grows in a later issue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.i18n import _
from app.models import audit
from app.models.clock import now_iso
from app.models.db import Database
from app.models.errors import NotFound, Problem, ValidationError
from app.models.ids import new_id
from app.models.users import User, require


@dataclass(frozen=True)
class Member:
    id: str
    number: str
    name: str
    card_code: str | None
    phone: str
    credit_limit: int
    active: bool
    balance: int = 0  # what the member owes on bon

    @property
    def label(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def credit_left(self) -> int:
        return self.credit_limit - self.balance


_COLUMNS = ("m.id, m.number, m.name, m.card_code, m.phone, m.credit_limit, m.active,"
            " coalesce(c.balance, 0) AS balance")


def _member(row) -> Member:
    return Member(row["id"], row["number"], row["name"], row["card_code"], row["phone"],
                  row["credit_limit"], bool(row["active"]), row["balance"])


def next_member_number(db: Database) -> str:
    last = db.scalar("SELECT max(CAST(substr(number, 3) AS INTEGER)) FROM members"
                     " WHERE number LIKE 'A-%'") or 0
    return f"A-{last + 1:04d}"


def create_member(db: Database, *, user: User, name: str, phone: str = "",
                  card_code: str | None = None, credit_limit: int = 0) -> Member:
    require(user, "member.edit")
    name = (name or "").strip()
    card_code = (card_code or "").strip() or None
    problems = []
    if not name or len(name) > 80:
        problems.append(Problem("name", _("Nama anggota harus diisi (paling banyak 80 huruf).")))
    if phone and not re.fullmatch(r"\+?[0-9 -]{6,20}", phone):
        problems.append(Problem("phone", _("Nomor telepon tidak valid.")))
    if not isinstance(credit_limit, int) or isinstance(credit_limit, bool) or credit_limit < 0:
        problems.append(Problem("credit_limit", _("Batas bon tidak boleh negatif.")))
    if problems:
        raise ValidationError(problems)
    with db.atomic():
        if card_code and db.scalar("SELECT 1 FROM members WHERE card_code = ?", (card_code,)):
            raise ValidationError([Problem("card_code", _("Kartu {code} sudah dipakai anggota lain.")
                                           .format(code=card_code))])
        member_id = new_id()
        db.execute("INSERT INTO members(id, number, name, card_code, phone, credit_limit,"
                   " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (member_id, next_member_number(db), name, card_code, phone.strip(),
                    credit_limit, now_iso()))
        audit.record(db, user_id=user.id, action="member.create", entity="member",
                     entity_id=member_id, detail={"name": name, "credit_limit": credit_limit})
        return get_member(db, member_id)


def get_member(db: Database, member_id: str) -> Member:
    row = db.one(f"SELECT {_COLUMNS} FROM members m LEFT JOIN member_credit c"
                 " ON c.member_id = m.id WHERE m.id = ?", (member_id,))
    if row is None:
        raise NotFound(_("Anggota tidak ditemukan."))
    return _member(row)


def find_members(db: Database, text: str, *, limit: int = 20) -> list[Member]:
    """By card barcode or member number (exact) first, then by name (FTS prefix)."""
    text = (text or "").strip()
    if not text:
        return []
    exact = db.query(f"SELECT {_COLUMNS} FROM members m LEFT JOIN member_credit c"
                     " ON c.member_id = m.id WHERE (m.card_code = ? OR m.number = ?)"
                     " AND m.active = 1", (text, text.upper()))
    if exact:
        return [_member(r) for r in exact]
    match = " ".join(f'"{t}"*' for t in re.findall(r"\w+", text.lower()))
    if not match:
        return []
    return [_member(r) for r in db.query(
        f"SELECT {_COLUMNS} FROM member_search s JOIN members m ON m.rowid = s.rowid"
        " LEFT JOIN member_credit c ON c.member_id = m.id"
        " WHERE member_search MATCH ? AND m.active = 1 ORDER BY s.rank LIMIT ?",
        (match, limit))]


def record_credit(db: Database, *, user_id: str, member_id: str, amount: int, kind: str,
                  doc_type: str, doc_id: str) -> None:
    """Move a member's bon balance (+ owes more, − owes less); caller's transaction."""
    assert db.in_transaction
    db.execute("INSERT INTO member_credit_movements(id, member_id, amount, kind, doc_type,"
               " doc_id, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               (new_id(), member_id, amount, kind, doc_type, doc_id, user_id, now_iso()))
    db.execute("INSERT INTO member_credit(member_id, balance) VALUES (?, ?)"
               " ON CONFLICT(member_id) DO UPDATE SET balance = balance + excluded.balance",
               (member_id, amount))


def credit_mismatches(db: Database) -> list[tuple[str, int, int]]:
    return [(r[0], r[1], r[2]) for r in db.query(
        "WITH ledger AS (SELECT member_id, sum(amount) AS amount FROM member_credit_movements"
        "                GROUP BY member_id)"
        " SELECT coalesce(c.member_id, l.member_id), coalesce(c.balance, 0),"
        "        coalesce(l.amount, 0)"
        " FROM ledger l LEFT JOIN member_credit c ON c.member_id = l.member_id"
        " WHERE coalesce(c.balance, 0) <> coalesce(l.amount, 0)"
        " UNION ALL SELECT c.member_id, c.balance, 0 FROM member_credit c"
        " WHERE c.balance <> 0 AND NOT EXISTS"
        "  (SELECT 1 FROM member_credit_movements l WHERE l.member_id = c.member_id)")]
