"""The figures of the two aging reports: what members owe on bon, split by how old each
charge is on a day, and what the shop owes producers on consignment beside its suppliers.

Member credit is a ledger of charges (+, bon at the till) and credits (−, repayments,
returns and voids). A credit pays the member's OLDEST open charges first (FIFO), so a
charge's open amount is what it was less what later credits covered in order; the age of
what is left is the age of the charge it belongs to. The buckets are the payables' own
(:data:`app.models.payables.BUCKETS`): a charge made on the report's day is current, one
made 1–30 days before it falls in the first overdue bucket, and so on.

Supplier payables are aged by :func:`app.models.payables.aging`; this module only adds the
consignors' side: settled but unpaid, and sold but not yet settled.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from app.i18n import _
from app.models.clock import day_text, local_date
from app.models.consignment_settlement import unsettled_due
from app.models.consignors import list_consignors
from app.models.db import Database
from app.models.errors import UserError
from app.models.payables import BUCKETS, bucket_of
from app.models.settings import get_settings, shop_today
from app.models.stock_views import day_bounds


def check_as_of(db: Database, as_of) -> date:
    """The day a report is made for: a real day, not after today (None means today).
    Balances of a day that has not happened would be guesses."""
    if as_of is None:
        return shop_today(db)
    if not isinstance(as_of, date) or isinstance(as_of, datetime):
        raise UserError(_("Tanggal laporan tidak valid."), "as_of")
    if as_of > shop_today(db):
        raise UserError(_("Tanggal laporan {day} belum terjadi; pilih hari ini atau"
                          " sebelumnya.").format(day=day_text(as_of)), "as_of")
    return as_of


# --- member credit (piutang anggota) -------------------------------------------------------


@dataclass(frozen=True)
class OpenCharges:
    """What is left of a member's ledger after FIFO: the charges still (partly) open, each
    as (day of the charge, open amount), oldest first; and a credit paid beyond every
    charge (an advance, shown as a negative current amount)."""

    charges: tuple[tuple[date, int], ...]
    advance: int = 0

    @property
    def balance(self) -> int:
        return sum(amount for _day, amount in self.charges) - self.advance


def open_charges(movements: Iterable[tuple[date, int]]) -> OpenCharges:
    """``movements`` in the order they happened, each (day, amount): + charge, − credit.
    Every credit pays the oldest open charges first; what it pays beyond them waits as an
    advance that the next charges use up."""
    charges: list[list] = []   # [day, open amount], oldest first; paid ones dropped from the front
    advance = 0
    for day, amount in movements:
        if amount > 0:
            used = min(advance, amount)
            advance -= used
            if amount > used:
                charges.append([day, amount - used])
            continue
        left = -amount
        while left and charges:
            part = min(left, charges[0][1])
            charges[0][1] -= part
            left -= part
            if not charges[0][1]:
                charges.pop(0)
        advance += left
    return OpenCharges(tuple((day, amount) for day, amount in charges), advance)


def age_buckets(open_: OpenCharges, as_of: date) -> dict[str, int]:
    """The open amounts by the age of their charge on ``as_of`` (an advance lowers the
    current bucket, so the buckets always add up to the balance)."""
    buckets = dict.fromkeys(BUCKETS, 0)
    for day, amount in open_.charges:
        buckets[bucket_of((as_of - day).days)] += amount
    buckets["current"] -= open_.advance
    return buckets


@dataclass(frozen=True)
class CreditAgingRow:
    member_id: str
    number: str
    name: str
    credit_limit: int
    buckets: dict[str, int]

    @property
    def balance(self) -> int:
        return sum(self.buckets.values())

    @property
    def over_limit(self) -> bool:
        return self.balance > self.credit_limit


def credit_aging(db: Database, as_of=None) -> list[CreditAgingRow]:
    """Every member who owes (or is owed) bon at the end of ``as_of`` (the shop's day,
    default today), by member number, with the balance split by the age of the charges."""
    as_of = check_as_of(db, as_of)
    zone_name = get_settings(db).zone
    _since, until = day_bounds(db, None, as_of)
    rows = db.query(
        "SELECT m.id, m.number, m.name, m.credit_limit, c.amount, c.created_at"
        " FROM member_credit_movements c JOIN members m ON m.id = c.member_id"
        " WHERE c.created_at < ? ORDER BY m.number, m.id, c.created_at, c.id", (until,))
    found: list[CreditAgingRow] = []
    start = 0
    while start < len(rows):
        end = start
        while end < len(rows) and rows[end]["id"] == rows[start]["id"]:
            end += 1
        member = rows[start]
        left = open_charges((local_date(r["created_at"], zone_name), r["amount"])
                            for r in rows[start:end])
        if left.charges or left.advance:
            found.append(CreditAgingRow(member["id"], member["number"], member["name"],
                                        member["credit_limit"], age_buckets(left, as_of)))
        start = end
    return found


# --- what the shop owes producers on consignment ----------------------------------------


@dataclass(frozen=True)
class ConsignorPayable:
    consignor_id: str
    name: str
    village: str
    settled: int        # settled and not yet paid (negative: paid ahead)
    unsettled: int      # sold, not yet in a settlement

    @property
    def total(self) -> int:
        return self.settled + self.unsettled


def consignor_payables(db: Database) -> list[ConsignorPayable]:
    """Each producer the shop owes now (archived ones too: the debt outlives the
    agreement), by name."""
    found = []
    for consignor in list_consignors(db, include_archived=True):
        row = ConsignorPayable(consignor.id, consignor.name, consignor.village,
                               consignor.balance, unsettled_due(db, consignor.id))
        if row.settled or row.unsettled:
            found.append(row)
    return sorted(found, key=lambda r: (r.name.lower(), r.consignor_id))
