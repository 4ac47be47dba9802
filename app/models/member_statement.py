"""A member's own account over a period, as the treasurer hands it to them: their bon
(charges at the till, returns and voids, repayments) with a running balance and its age;
their savings by kind with a running balance and the months of wajib still unpaid; and
their purchases, whose net total is what their share of the SHU (jasa usaha) is reckoned
on. Reads only.

A period may be open at the start (``date_from`` None: since the first movement, opening
balance 0) and ends today when ``date_to`` is None. It is checked as the treasurer's other
reports check theirs (:func:`app.models.report_sales.check_period`): real days, not
reversed, not after today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.i18n import _
from app.models.clock import local_date
from app.models.db import Database
from app.models.member_money import (
    KINDS,
    method_label,
    savings_entries,
    wajib_paid,
    wajib_unpaid,
)
from app.models.members import Member, get_member
from app.models.report_aging import age_buckets, open_charges
from app.models.report_sales import check_period
from app.models.settings import get_settings, shop_today
from app.models.stock_views import day_bounds


@dataclass(frozen=True)
class Period:
    """The statement's days: ``first`` None means since the beginning."""

    first: date | None
    last: date
    since: str     # UTC ISO bounds [since, until); "" when open at the start
    until: str


def statement_period(db: Database, date_from, date_to) -> Period:
    """The period checked (a UserError says what is wrong) with its stored-time bounds."""
    last = shop_today(db) if date_to is None else date_to
    first, last = check_period(db, last if date_from is None else date_from, last)
    first = None if date_from is None else first
    since, until = day_bounds(db, first, last)
    return Period(first, last, since, until)


# --- bon --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreditLine:
    day: date                 # the shop's day
    created_at: str           # UTC ISO
    number: str               # the sale, return, void or repayment printed number
    description: str
    charge: int               # bon taken (+)
    payment: int              # bon paid off or given back (+)
    balance: int              # owed after this line


@dataclass(frozen=True)
class CreditStatement:
    member: Member
    period: Period
    opening: int
    lines: tuple[CreditLine, ...]
    #: What is owed at the end of the period by the age of each charge on its last day
    #: (payments pay the oldest first); they add up to ``closing``.
    buckets: dict[str, int]

    @property
    def charges(self) -> int:
        return sum(line.charge for line in self.lines)

    @property
    def payments(self) -> int:
        return sum(line.payment for line in self.lines)

    @property
    def closing(self) -> int:
        return self.opening + self.charges - self.payments


def _credit_description(row) -> tuple[str, str]:
    """(number, description) of one bon movement, from the document behind it."""
    doc_type = row["doc_type"]
    if doc_type == "sale" and row["sale_number"]:
        return row["sale_number"], _("Belanja dengan bon")
    if doc_type in ("return", "void") and row["sale_number"]:
        text = (_("Retur atas struk {number}") if doc_type == "return"
                else _("Pembatalan struk {number}"))
        return row["sale_number"], text.format(number=row["original_number"] or "")
    if doc_type == "credit_payment" and row["pay_number"]:
        text = _("Pembayaran bon, {method}").format(method=method_label(row["method"]))
        if row["reference"]:
            text += " " + _("(ref. {reference})").format(reference=row["reference"])
        return row["pay_number"], text
    return "", _("Koreksi bon") if row["amount"] < 0 else _("Tambahan bon")


def credit_statement(db: Database, member_id: str, date_from: date | None,
                     date_to: date | None) -> CreditStatement:
    """The member's bon over the period: opening balance, each movement in the order it
    happened with the balance after it, the closing balance and its aging."""
    member = get_member(db, member_id)
    period = statement_period(db, date_from, date_to)
    zone_name = get_settings(db).zone
    rows = db.query(
        "SELECT c.id, c.amount, c.kind, c.doc_type, c.created_at, s.number AS sale_number,"
        " o.number AS original_number, p.number AS pay_number, p.method, p.reference"
        " FROM member_credit_movements c"
        " LEFT JOIN sales s ON c.doc_type IN ('sale', 'return', 'void') AND s.id = c.doc_id"
        " LEFT JOIN sales o ON o.id = s.original_id"
        " LEFT JOIN credit_payments p ON c.doc_type = 'credit_payment' AND p.id = c.doc_id"
        " WHERE c.member_id = ? AND c.created_at < ? ORDER BY c.created_at, c.id",
        (member.id, period.until))
    opening = sum(r["amount"] for r in rows if r["created_at"] < period.since)
    balance, lines = opening, []
    for row in rows:
        if row["created_at"] < period.since:
            continue
        balance += row["amount"]
        number, description = _credit_description(row)
        lines.append(CreditLine(local_date(row["created_at"], zone_name), row["created_at"],
                                number, description, max(row["amount"], 0),
                                max(-row["amount"], 0), balance))
    left = open_charges((local_date(r["created_at"], zone_name), r["amount"]) for r in rows)
    return CreditStatement(member, period, opening, tuple(lines),
                           age_buckets(left, period.last))


# --- savings ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SavingsLine:
    day: date
    created_at: str
    number: str
    period: str               # YYYY-MM for wajib, else ""
    method: str               # cash | transfer
    reference: str
    paid_in: int
    paid_out: int
    balance: int


@dataclass(frozen=True)
class SavingsAccount:
    kind: str                 # pokok | wajib | sukarela
    opening: int
    lines: tuple[SavingsLine, ...]

    @property
    def paid_in(self) -> int:
        return sum(line.paid_in for line in self.lines)

    @property
    def paid_out(self) -> int:
        return sum(line.paid_out for line in self.lines)

    @property
    def closing(self) -> int:
        return self.opening + self.paid_in - self.paid_out


@dataclass(frozen=True)
class SavingsStatement:
    member: Member
    period: Period
    accounts: tuple[SavingsAccount, ...]      # in KINDS order
    #: Months of wajib from joining through the period's last day not paid (by the
    #: books as they stand now: a month paid later counts as paid).
    wajib_unpaid: tuple[str, ...]
    #: The latest month of wajib paid (YYYY-MM; "" when none), which may lie ahead.
    wajib_paid_to: str = ""

    def account(self, kind: str) -> SavingsAccount:
        return next(a for a in self.accounts if a.kind == kind)

    @property
    def closing(self) -> int:
        return sum(a.closing for a in self.accounts)


def savings_statement(db: Database, member_id: str, date_from: date | None,
                      date_to: date | None) -> SavingsStatement:
    """The member's savings over the period, each kind with its own running balance."""
    member = get_member(db, member_id)
    period = statement_period(db, date_from, date_to)
    zone_name = get_settings(db).zone
    entries = savings_entries(db, member.id, until=period.until)
    accounts = []
    for kind in KINDS:
        mine = [e for e in entries if e.kind == kind]
        opening = sum(e.amount for e in mine if e.created_at < period.since)
        balance, lines = opening, []
        for e in mine:
            if e.created_at < period.since:
                continue
            balance += e.amount
            lines.append(SavingsLine(local_date(e.created_at, zone_name), e.created_at,
                                     e.number, e.period, e.method, e.reference,
                                     max(e.amount, 0), max(-e.amount, 0), balance))
        accounts.append(SavingsAccount(kind, opening, tuple(lines)))
    through = period.last
    if member.status == "left" and member.left_on:
        through = min(through, date.fromisoformat(member.left_on[:10]))
    return SavingsStatement(member, period, tuple(accounts),
                            tuple(wajib_unpaid(db, member, through)),
                            max(wajib_paid(db, member.id), default=""))


# --- purchases --------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    day: date
    created_at: str
    number: str
    kind: str                 # sale | return | void
    original_number: str      # the sale a return or void undoes, else ""
    total: int                # what the receipt came to; negative for a return or void
    on_bon: int               # the part of it put on (or taken off) the member's bon
    methods: tuple[str, ...]  # how it was paid: cash, qris, transfer, bon
    items: int                # lines on the receipt

    @property
    def on_credit(self) -> bool:
        return self.on_bon != 0


def member_history(db: Database, member_id: str, date_from: date | None,
                   date_to: date | None) -> list[HistoryRow]:
    """The member's receipts over the period, oldest first; returns and voids count on the
    day the goods came back."""
    member = get_member(db, member_id)
    period = statement_period(db, date_from, date_to)
    zone_name = get_settings(db).zone
    rows = db.query(
        "SELECT s.number, s.kind, s.total, s.created_at, coalesce(o.number, '') AS original,"
        " (SELECT count(*) FROM sale_lines l WHERE l.sale_id = s.id) AS items,"
        " (SELECT coalesce(sum(p.amount), 0) FROM payments p WHERE p.sale_id = s.id"
        "  AND p.method = 'bon') AS bon,"
        " (SELECT group_concat(method) FROM (SELECT DISTINCT p.method FROM payments p"
        "  WHERE p.sale_id = s.id ORDER BY p.method)) AS methods"
        " FROM sales s LEFT JOIN sales o ON o.id = s.original_id"
        " WHERE s.member_id = ? AND s.created_at >= ? AND s.created_at < ?"
        " ORDER BY s.created_at, s.number", (member.id, period.since, period.until))
    return [HistoryRow(local_date(r["created_at"], zone_name), r["created_at"], r["number"],
                       r["kind"], r["original"], r["total"], r["bon"],
                       tuple((r["methods"] or "").split(",")) if r["methods"] else (),
                       r["items"]) for r in rows]


def purchases_total(db: Database, member_id: str, date_from: date | None,
                    date_to: date | None) -> int:
    """What the member bought over the period net of their returns and voids: the basis of
    their share of the SHU's jasa usaha."""
    member = get_member(db, member_id)
    period = statement_period(db, date_from, date_to)
    return db.scalar("SELECT coalesce(sum(total), 0) FROM sales WHERE member_id = ?"
                     " AND created_at >= ? AND created_at < ?",
                     (member.id, period.since, period.until))
