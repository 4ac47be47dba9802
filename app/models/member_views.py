"""What the member screens read before anything is written: every member's savings in one
query (the register lists hundreds), what a deposit will be before it is taken (the pokok
still owed, the wajib months and their sum), so the cashier can say the amount to the member
and the screen does no arithmetic on money; and the member settings read from their page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.i18n import _
from app.models.db import Database
from app.models.errors import Problem, UserError, ValidationError
from app.models.member_money import KINDS, MAX_MONTHS, balances, wajib_unpaid
from app.models.member_settings import (
    MemberSettings,
    get_member_settings,
    validate_member_settings,
)
from app.models.members import get_member
from app.models.money import parse_rupiah
from app.models.settings import shop_today


def savings_by_member(db: Database) -> dict[str, int]:
    """Each member's savings of all kinds together, by member id (absent: none)."""
    return dict(db.query("SELECT member_id, sum(balance) FROM savings_balances"
                         " GROUP BY member_id"))


@dataclass(frozen=True)
class DepositPlan:
    """A deposit as :func:`app.models.member_money.deposit` will take it."""

    kind: str
    amount: int | None          # None: the member says how much (sukarela)
    periods: tuple[str, ...] = ()   # the wajib months covered, oldest first (YYYY-MM)
    each: int = 0               # the wajib of one month
    pokok_left: int = 0


def deposit_plan(db: Database, member_id: str, kind: str, months: int = 1) -> DepositPlan:
    """Pokok: what is left of it; wajib: ``months`` × the monthly amount and the months it
    covers (the oldest unpaid first, as the deposit takes them). Refusals are the deposit's
    own, said before the money is counted."""
    if kind not in KINDS:
        raise UserError(_("Jenis simpanan tidak dikenal."), "kind")
    settings = get_member_settings(db)
    if kind == "sukarela":
        return DepositPlan(kind, None)
    held = balances(db, member_id)
    if kind == "pokok":
        left = max(settings.pokok_amount - held["pokok"], 0)
        return DepositPlan(kind, left, pokok_left=left)
    if isinstance(months, bool) or not isinstance(months, int) or \
            not 1 <= months <= MAX_MONTHS:
        raise UserError(_("Jumlah bulan simpanan wajib harus 1 sampai {n}.").format(
            n=MAX_MONTHS), "months")
    today = shop_today(db)
    due = wajib_unpaid(db, get_member(db, member_id), date(today.year + 1, today.month, 1))
    periods = tuple(due[:months])
    return DepositPlan(kind, settings.wajib_amount * len(periods), periods,
                       settings.wajib_amount)


def member_settings_from_form(form: dict[str, str]) -> MemberSettings:
    """The Anggota settings page read from its text (rupiah as people type them, days in
    whole numbers); every problem at once, before anything is saved."""
    problems: list[Problem] = []
    values: dict[str, int] = {}
    for name, what in (("pokok_amount", _("Simpanan pokok")),
                       ("wajib_amount", _("Simpanan wajib per bulan"))):
        try:
            values[name] = parse_rupiah(form.get(name, ""), field=name, what=what)
        except UserError as e:
            problems.append(Problem(name, e.message))
            values[name] = 0
    days = (form.get("credit_block_days") or "").strip()
    values["credit_block_days"] = int(days) if days.isdigit() and len(days) <= 5 else -1
    settings = MemberSettings(**values)
    problems += [p for p in validate_member_settings(settings)
                 if p.field not in {q.field for q in problems}]
    if problems:
        raise ValidationError(problems)
    return settings
