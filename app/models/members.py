"""The member register (anggota): number, name, NIK and phone (sealed, see
:mod:`app.models.personal`), address, village, join date, status, card, bon limit; finding a
member by card, number, name, or exact NIK or phone; their bon balance.

A member who leaves keeps their number and their history; only their status changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.i18n import _
from app.models import audit, personal
from app.models.clock import now_iso, parse_day
from app.models.db import Database
from app.models.errors import NotFound, Problem, UserError, ValidationError
from app.models.ids import new_id
from app.models.money import MAX_RUPIAH, parse_rupiah
from app.models.settings import shop_today
from app.models.users import User, require

STATUSES = ("active", "inactive", "left")
SEXES = ("", "L", "P")
LOCKED = "••••"


def status_label(status: str) -> str:
    return {"active": _("Aktif"), "inactive": _("Tidak aktif"), "left": _("Keluar")}.get(
        status, status)


def sex_label(sex: str) -> str:
    return {"L": _("Laki-laki"), "P": _("Perempuan")}.get(sex, "")


@dataclass(frozen=True)
class Member:
    id: str
    number: str
    name: str
    card_code: str | None
    credit_limit: int
    active: bool
    balance: int = 0  # what the member owes on bon
    status: str = "active"
    sex: str = ""
    address: str = ""
    village: str = ""
    occupation: str = ""
    joined_on: str | None = None
    left_on: str | None = None
    nik_masked: str = ""     # ``1871**********01``; LOCKED when the key is missing
    phone_masked: str = ""

    @property
    def label(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def credit_left(self) -> int:
        return self.credit_limit - self.balance

    @property
    def phone(self) -> str:
        """Masked: a screen or paper never shows the whole number unasked."""
        return self.phone_masked


@dataclass(frozen=True)
class MemberForm:
    """What the register's dialog edits; NIK and phone in full (typed, or revealed)."""

    name: str
    nik: str = ""
    phone: str = ""
    address: str = ""
    village: str = ""
    occupation: str = ""
    sex: str = ""
    joined_on: object = None
    card_code: str | None = None
    credit_limit: object = 0
    status: str = "active"


@dataclass(frozen=True)
class Personal:
    nik: str
    phone: str


_COLUMNS = ("m.id, m.number, m.name, m.card_code, m.credit_limit, m.active,"
            " coalesce(c.balance, 0) AS balance, m.status, m.sex, m.address, m.village,"
            " m.occupation, m.joined_on, m.left_on, m.nik_sealed, m.phone_sealed")
_FROM = " FROM members m LEFT JOIN member_credit c ON c.member_id = m.id"


def _key_or_none(db: Database) -> personal.PersonalKey | None:
    try:
        return personal.personal_key(db)
    except personal.PersonalDataLocked:
        return None


def _masked(key, sealed, mask) -> str:
    if not sealed:
        return ""
    if key is None:
        return LOCKED
    try:
        return mask(key.open(sealed))
    except personal.PersonalDataLocked:
        return LOCKED


def _member(row, key) -> Member:
    return Member(row["id"], row["number"], row["name"], row["card_code"], row["credit_limit"],
                  bool(row["active"]), row["balance"], row["status"], row["sex"],
                  row["address"], row["village"], row["occupation"], row["joined_on"],
                  row["left_on"], _masked(key, row["nik_sealed"], personal.mask_nik),
                  _masked(key, row["phone_sealed"], personal.mask_phone))


def _members(db: Database, rows) -> list[Member]:
    key = _key_or_none(db) if any(r["nik_sealed"] or r["phone_sealed"] for r in rows) else None
    return [_member(r, key) for r in rows]


def next_member_number(db: Database) -> str:
    last = db.scalar("SELECT max(CAST(substr(number, 3) AS INTEGER)) FROM members"
                     " WHERE number LIKE 'A-%'") or 0
    return f"A-{last + 1:04d}"


def _sex_from_nik(nik: str) -> str:
    """Women's NIK carry the birth day plus 40."""
    return ("P" if int(nik[6:8]) > 40 else "L") if nik else ""


def _checked(db: Database, form: MemberForm, member_id: str | None) -> dict:
    """The form's values, normalised, or a ValidationError listing every problem."""
    problems: list[Problem] = []
    values: dict = {}

    def text(field, value, limit, what, *, required=False):
        value = value.strip() if isinstance(value, str) else ""
        if required and not value:
            problems.append(Problem(field, _("{what} harus diisi.").format(what=what)))
        elif len(value) > limit:
            problems.append(Problem(field, _("{what} paling banyak {n} huruf.").format(
                what=what, n=limit)))
        values[field] = value

    text("name", form.name, 80, _("Nama anggota"), required=True)
    text("address", form.address, 200, _("Alamat"))
    text("village", form.village, 80, _("Desa/kelurahan"))
    text("occupation", form.occupation, 80, _("Pekerjaan"))
    for field, normalize in (("nik", personal.normalize_nik),
                             ("phone", personal.normalize_phone)):
        try:
            values[field] = normalize(getattr(form, field))
        except UserError as exc:
            problems.append(Problem(field, str(exc)))
    if form.sex not in SEXES:
        problems.append(Problem("sex", _("Jenis kelamin tidak dikenal.")))
    values["sex"] = form.sex or _sex_from_nik(values.get("nik", ""))
    if form.status not in STATUSES:
        problems.append(Problem("status", _("Status anggota tidak dikenal.")))
    values["status"] = form.status
    try:
        joined = parse_day(form.joined_on, field="joined_on", what=_("Tanggal masuk"))
        if joined and joined > shop_today(db):
            raise UserError(_("Tanggal masuk belum terjadi."), "joined_on")
        values["joined_on"] = (joined or shop_today(db)).isoformat()
    except UserError as exc:
        problems.append(Problem("joined_on", str(exc)))
    try:
        values["credit_limit"] = parse_rupiah(form.credit_limit, field="credit_limit",
                                              what=_("Batas bon"), maximum=MAX_RUPIAH)
    except UserError as exc:
        problems.append(Problem("credit_limit", str(exc)))
    card = (form.card_code or "").strip() or None
    if card and not re.fullmatch(r"[0-9A-Za-z-]{1,32}", card):
        problems.append(Problem("card_code", _("Kode kartu hanya angka dan huruf.")))
    values["card_code"] = card
    if problems:
        raise ValidationError(problems)
    key = personal.personal_key(db) if values["nik"] or values["phone"] else None
    values["nik_hash"] = key.digest("nik", values["nik"]) if key else None
    values["phone_hash"] = key.digest("phone", values["phone"]) if key else None
    if values["nik_hash"] and db.scalar("SELECT 1 FROM members WHERE nik_hash = ? AND id IS NOT ?",
                                        (values["nik_hash"], member_id)):
        problems.append(Problem("nik", _("NIK ini sudah terdaftar untuk anggota lain.")))
    if card and db.scalar("SELECT 1 FROM members WHERE card_code = ? AND id IS NOT ?",
                          (card, member_id)):
        problems.append(Problem("card_code", _("Kartu {code} sudah dipakai anggota lain.")
                                .format(code=card)))
    if problems:
        raise ValidationError(problems)
    values["nik_sealed"] = key.seal(values["nik"]) if key else None
    values["phone_sealed"] = key.seal(values["phone"]) if key else None
    return values


def _form(form: MemberForm | None, **fields) -> MemberForm:
    return form if form is not None else MemberForm(**fields)


def create_member(db: Database, *, user: User, form: MemberForm | None = None,
                  **fields) -> Member:
    """Register a member (``form``, or its fields as keywords)."""
    require(user, "member.edit")
    form = _form(form, **fields)
    with db.atomic():
        v = _checked(db, form, None)
        member_id = new_id()
        db.execute(
            "INSERT INTO members(id, number, name, card_code, credit_limit, active, status,"
            " sex, address, village, occupation, joined_on, left_on, nik_sealed, nik_hash,"
            " phone_sealed, phone_hash, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (member_id, next_member_number(db), v["name"], v["card_code"], v["credit_limit"],
             int(v["status"] == "active"), v["status"], v["sex"], v["address"], v["village"],
             v["occupation"], v["joined_on"],
             v["joined_on"] if v["status"] == "left" else None,
             v["nik_sealed"], v["nik_hash"], v["phone_sealed"], v["phone_hash"], now_iso()))
        audit.record(db, user_id=user.id, action="member.create", entity="member",
                     entity_id=member_id, detail={"name": v["name"],
                                                  "credit_limit": v["credit_limit"]})
        return get_member(db, member_id)


def update_member(db: Database, *, user: User, member_id: str, form: MemberForm) -> Member:
    """Change a member's record. NIK and phone in the form are the full values: empty
    clears them. The audit log names the fields changed, never the personal values."""
    require(user, "member.edit")
    with db.atomic():
        old = get_member(db, member_id)
        v = _checked(db, form, member_id)
        left_on = old.left_on
        if v["status"] == "left" and old.status != "left":
            left_on = shop_today(db).isoformat()
        elif v["status"] != "left":
            left_on = None
        db.execute(
            "UPDATE members SET name = ?, card_code = ?, credit_limit = ?, active = ?,"
            " status = ?, sex = ?, address = ?, village = ?, occupation = ?, joined_on = ?,"
            " left_on = ?, nik_sealed = ?, nik_hash = ?, phone_sealed = ?, phone_hash = ?"
            " WHERE id = ?",
            (v["name"], v["card_code"], v["credit_limit"], int(v["status"] == "active"),
             v["status"], v["sex"], v["address"], v["village"], v["occupation"],
             v["joined_on"], left_on, v["nik_sealed"], v["nik_hash"], v["phone_sealed"],
             v["phone_hash"], member_id))
        new = get_member(db, member_id)
        changed = sorted(f for f in ("name", "card_code", "credit_limit", "status", "sex",
                                     "address", "village", "occupation", "joined_on",
                                     "nik_masked", "phone_masked")
                         if getattr(old, f) != getattr(new, f))
        audit.record(db, user_id=user.id, action="member.update", entity="member",
                     entity_id=member_id, detail={"changed": changed})
        return new


def reveal_personal(db: Database, *, user: User, member_id: str) -> Personal:
    """The full NIK and phone, for someone allowed to edit the register; each look is in
    the audit log."""
    require(user, "member.edit")
    row = db.one("SELECT nik_sealed, phone_sealed FROM members WHERE id = ?", (member_id,))
    if row is None:
        raise NotFound(_("Anggota tidak ditemukan."))
    if not (row["nik_sealed"] or row["phone_sealed"]):
        return Personal("", "")
    key = personal.personal_key(db)
    found = Personal(key.open(row["nik_sealed"]), key.open(row["phone_sealed"]))
    with db.atomic():
        audit.record(db, user_id=user.id, action="member.reveal", entity="member",
                     entity_id=member_id, detail={})
    return found


def personal_values(db: Database, member_ids: list[str]) -> dict[str, Personal]:
    """Full NIK and phone for an export the caller has already authorised (the SIMKOPDES
    tables, a sync package): never for a screen."""
    if not member_ids:
        return {}
    key = personal.personal_key(db)
    found = {}
    for start in range(0, len(member_ids), 500):
        part = member_ids[start:start + 500]
        for row in db.query(f"SELECT id, nik_sealed, phone_sealed FROM members WHERE id IN"
                            f" ({','.join('?' * len(part))})", part):
            found[row["id"]] = Personal(key.open(row["nik_sealed"]),
                                        key.open(row["phone_sealed"]))
    return found


def get_member(db: Database, member_id: str) -> Member:
    row = db.one(f"SELECT {_COLUMNS}{_FROM} WHERE m.id = ?", (member_id,))
    if row is None:
        raise NotFound(_("Anggota tidak ditemukan."))
    return _members(db, [row])[0]


def find_members(db: Database, text: str, *, limit: int = 20,
                 include_inactive: bool = False) -> list[Member]:
    """By card barcode, member number, or exact NIK or phone first; then by name (FTS
    prefix). The till finds active members only."""
    text = (text or "").strip()
    if not text:
        return []
    active = "" if include_inactive else " AND m.active = 1"
    exact = db.query(f"SELECT {_COLUMNS}{_FROM} WHERE (m.card_code = ? OR m.number = ?)"
                     f"{active}", (text, text.upper()))
    if not exact and re.fullmatch(r"[0-9 +().-]{8,24}", text):
        exact = _by_personal(db, text, active)
    if exact:
        return _members(db, exact)
    match = " ".join(f'"{t}"*' for t in re.findall(r"\w+", text.lower()))
    if not match:
        return []
    return _members(db, db.query(
        f"SELECT {_COLUMNS} FROM member_search s JOIN members m ON m.rowid = s.rowid"
        " LEFT JOIN member_credit c ON c.member_id = m.id"
        f" WHERE member_search MATCH ?{active} ORDER BY s.rank LIMIT ?", (match, limit)))


def _by_personal(db: Database, text: str, active: str) -> list:
    key = _key_or_none(db)
    if key is None:
        return []
    hashes = []
    for kind, normalize in (("nik", personal.normalize_nik), ("phone", personal.normalize_phone)):
        try:
            value = normalize(text)
        except UserError:
            continue
        if value:
            hashes.append((f"m.{kind}_hash = ?", key.digest(kind, value)))
    if not hashes:
        return []
    where = " OR ".join(w for w, _h in hashes)
    return db.query(f"SELECT {_COLUMNS}{_FROM} WHERE ({where}){active}",
                    [h for _w, h in hashes])


def list_members(db: Database, *, status: str | None = None, village: str | None = None,
                 text: str = "", limit: int | None = None, offset: int = 0) -> list[Member]:
    """The register by member number; ``text`` searches as :func:`find_members` does."""
    if text.strip():
        found = find_members(db, text, limit=limit or 200, include_inactive=True)
        return [m for m in found if (status is None or m.status == status)
                and (village is None or m.village == village)]
    where, params = [], []
    if status:
        where.append("m.status = ?")
        params.append(status)
    if village:
        where.append("m.village = ?")
        params.append(village)
    sql = f"SELECT {_COLUMNS}{_FROM}" + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY m.number"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [limit, offset]
    return _members(db, db.query(sql, params))


def villages(db: Database) -> list[str]:
    return [r[0] for r in db.query("SELECT DISTINCT village FROM members WHERE village <> ''"
                                   " ORDER BY village")]


def member_form(db: Database, *, user: User, member_id: str) -> MemberForm:
    """A member's record as the dialog edits it, NIK and phone revealed (and audited)."""
    m = get_member(db, member_id)
    shown = reveal_personal(db, user=user, member_id=member_id)
    return MemberForm(m.name, shown.nik, personal.display_phone(shown.phone), m.address,
                      m.village, m.occupation, m.sex, m.joined_on, m.card_code,
                      m.credit_limit, m.status)


# -- bon (member credit) ledger -----------------------------------------------------------

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
