"""The cooperative's rules for members, from its AD/ART: the simpanan pokok paid once on
joining, the simpanan wajib each month, and when the till stops giving bon."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from app.i18n import _
from app.models import audit
from app.models.db import Database
from app.models.errors import Problem, ValidationError
from app.models.money import MAX_RUPIAH
from app.models.users import User, require

_PREFIX = "members."


@dataclass(frozen=True)
class MemberSettings:
    #: Simpanan pokok: the same for every member, paid once (in parts if need be).
    pokok_amount: int = 100_000
    #: Simpanan wajib: each member, each month.
    wajib_amount: int = 10_000
    #: No new bon for a member whose oldest unpaid bon is older than this many days
    #: (0: never for age, only for the limit).
    credit_block_days: int = 60


def get_member_settings(db: Database) -> MemberSettings:
    stored = dict(db.query("SELECT substr(key, ?), value FROM settings WHERE key LIKE ?",
                           (len(_PREFIX) + 1, _PREFIX + "%")))
    return MemberSettings(**{f.name: int(stored[f.name]) for f in fields(MemberSettings)
                             if f.name in stored and str(stored[f.name]).lstrip("-").isdigit()})


def validate_member_settings(s: MemberSettings) -> list[Problem]:
    problems = []
    for name, what in (("pokok_amount", _("Simpanan pokok")),
                       ("wajib_amount", _("Simpanan wajib per bulan"))):
        value = getattr(s, name)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_RUPIAH:
            problems.append(Problem(name, _("{what} harus 0 atau lebih.").format(what=what)))
    days = s.credit_block_days
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 3650:
        problems.append(Problem("credit_block_days",
                                _("Batas umur bon harus antara 0 dan 3650 hari.")))
    return problems


def save_member_settings(db: Database, *, user: User, settings: MemberSettings
                         ) -> MemberSettings:
    require(user, "settings.edit")
    problems = validate_member_settings(settings)
    if problems:
        raise ValidationError(problems)
    with db.atomic():
        db.executemany("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key)"
                       " DO UPDATE SET value = excluded.value",
                       [(_PREFIX + k, str(v)) for k, v in asdict(settings).items()])
        audit.record(db, user_id=user.id, action="settings.members", entity="settings",
                     entity_id="members", detail=asdict(settings))
    return get_member_settings(db)
