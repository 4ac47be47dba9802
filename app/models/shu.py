"""The SHU (sisa hasil usaha) of a year, shared as the AD/ART says.

The year's surplus is split into the parts of :mod:`app.models.shu_settings` with
:func:`app.models.money.allocate`, so the parts add up to the surplus to the rupiah. Two
parts go on to the members:

- jasa usaha, by what each member bought in the year: the totals of the sales that carry
  the member, net of returns and voids (whose totals are negative), on the shop's days
  from 1 January to 31 December;
- jasa modal (where the AD/ART has it), by each member's simpanan pokok and wajib at the
  end of the year: every pokok and wajib movement made up to then.

Each pool is shared in proportion with whole rupiah by the largest remainder (ties to the
lower member number), so the members' shares add up exactly to the pool; how many members
got the extra rupiah is part of the result. A surplus of zero or a loss is not shared.

Reads only: the SHU is decided by the RAT; the books record it when it is paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.i18n import _
from app.models.clock import day_text, local_date
from app.models.db import Database
from app.models.errors import UserError
from app.models.money import MAX_RUPIAH, allocate, div_round_half_up
from app.models.settings import get_settings, shop_today
from app.models.shu_settings import MODAL, USAHA, get_shu_allocation
from app.models.stock_views import day_bounds

#: 100% in the unit of a member's share of a pool: thousandths of a percent.
WHOLE_SHARE = 100_000
FIRST_YEAR = 2000


@dataclass(frozen=True)
class PartAmount:
    """One part of the split and what it comes to."""

    key: str
    label: str
    bp: int
    amount: int


@dataclass(frozen=True)
class Pool:
    """A members' pool: what it holds, what it was shared by, and how it was rounded."""

    key: str
    amount: int
    #: The sum of what the pool is shared by (all counted purchases, or all capital).
    basis: int
    #: What went to members: the whole pool, or 0 when no member has any of the basis.
    paid: int
    #: How many members got one rupiah more than their exact share rounded down.
    extra_rupiah: int

    @property
    def unshared(self) -> int:
        return self.amount - self.paid


@dataclass(frozen=True)
class MemberShu:
    member_id: str
    number: str
    name: str
    village: str
    #: Net purchases counted (a net below zero counts as zero).
    purchases: int
    #: The member's part of all members' purchases, in thousandths of a percent.
    purchase_share: int
    jasa_usaha: int
    #: Simpanan pokok + wajib at the end of the year.
    capital: int
    jasa_modal: int

    @property
    def total(self) -> int:
        return self.jasa_usaha + self.jasa_modal


@dataclass(frozen=True)
class ShuResult:
    year: int
    #: The current year, counted only so far: a preview, not the SHU the RAT shares.
    provisional: bool
    #: The last day counted: 31 December, or today for a provisional year.
    through: date
    surplus: int
    #: True when the surplus came from the books' income statement, False when given.
    from_books: bool
    parts: tuple[PartAmount, ...]
    members: tuple[MemberShu, ...]
    usaha: Pool
    modal: Pool | None

    @property
    def shared(self) -> bool:
        """A loss (or nothing left over) is not shared."""
        return self.surplus > 0

    @property
    def to_members(self) -> int:
        return sum(m.total for m in self.members)


# --- what the pools are shared by -----------------------------------------------------------


def purchase_totals(db: Database, start: date, end: date) -> dict[str, int]:
    """Each member's net purchases on the shop's days ``start``..``end``: sales less returns
    and voids (their totals are negative), by when they were rung up."""
    low, high = day_bounds(db, start, end)
    return dict(db.query(
        "SELECT member_id, sum(total) FROM sales WHERE member_id IS NOT NULL"
        " AND kind IN ('sale', 'return', 'void') AND created_at >= ? AND created_at < ?"
        " GROUP BY member_id", (low, high)))


def capital_totals(db: Database, end: date) -> dict[str, int]:
    """Each member's simpanan pokok + wajib at the end of the shop's day ``end``."""
    _low, high = day_bounds(db, None, end)
    return dict(db.query(
        "SELECT member_id, sum(amount) FROM savings_movements"
        " WHERE kind IN ('pokok', 'wajib') AND created_at < ? GROUP BY member_id", (high,)))


# --- sharing --------------------------------------------------------------------------------


def share_pool(amount: int, weights: list[int]) -> tuple[list[int], int]:
    """``amount`` split in proportion to ``weights`` (none negative) with whole rupiah,
    the largest remainders taking the rupiah left over (ties to the earlier weight); and how
    many got such a rupiah. Nothing is shared when every weight is zero."""
    if amount <= 0 or not any(weights):
        return [0] * len(weights), 0
    whole = sum(weights)
    shares = allocate(amount, weights)
    extra = amount - sum(amount * w // whole for w in weights)
    return shares, extra


def share_of(weight: int, whole: int) -> int:
    """``weight`` as thousandths of a percent of ``whole`` (half up)."""
    return div_round_half_up(weight * WHOLE_SHARE, whole) if whole > 0 else 0


def split_surplus(surplus: int, parts) -> tuple[PartAmount, ...]:
    """The surplus over the parts by their basis points, adding up exactly; all zero when
    there is no surplus."""
    amounts = allocate(surplus, [p.bp for p in parts]) if surplus > 0 else [0] * len(parts)
    return tuple(PartAmount(p.key, p.label, p.bp, a)
                 for p, a in zip(parts, amounts, strict=True))


def _pool(key: str, amount: int, weights: list[int]) -> tuple[Pool, list[int]]:
    shares, extra = share_pool(amount, weights)
    return Pool(key, amount, sum(weights), sum(shares), extra), shares


# --- the year ---------------------------------------------------------------------------------


def first_day(db: Database) -> date | None:
    """The shop's first day with business in it: its first sale, savings movement or
    journal entry (an opening balance entered for an earlier day counts)."""
    zone = get_settings(db).zone
    first = db.one("SELECT (SELECT min(created_at) FROM sales) AS sale,"
                   " (SELECT min(created_at) FROM savings_movements) AS saving,"
                   " (SELECT min(entry_date) FROM journal_entries) AS entry")
    days = [local_date(first[k], zone) for k in ("sale", "saving") if first[k]]
    if first["entry"]:
        days.append(date.fromisoformat(first["entry"][:10]))
    return min(days, default=None)


def check_year(db: Database, year) -> bool:
    """A year that can be counted: whole and past (True for the current year, a provisional
    count so far), not before the shop's first business."""
    if not isinstance(year, int) or isinstance(year, bool):
        raise UserError(_("Tahun buku harus berupa angka tahun, mis. 2025."), "year")
    today = shop_today(db)
    if year > today.year:
        raise UserError(_("Tahun buku {year} belum berjalan; SHU hanya dihitung untuk tahun"
                          " yang sudah selesai.").format(year=year), "year")
    if year < FIRST_YEAR:
        raise UserError(_("Tahun buku {year} tidak valid.").format(year=year), "year")
    first = first_day(db)
    if first is None:
        raise UserError(_("Belum ada transaksi yang tercatat di gerai ini; SHU belum dapat"
                          " dihitung."), "year")
    if year < first.year:
        raise UserError(_("Tahun buku {year} sebelum data pertama gerai ({day}); tidak ada"
                          " yang dapat dihitung.").format(year=year, day=day_text(first)),
                        "year")
    return year == today.year


def _check_surplus(surplus) -> int:
    if not isinstance(surplus, int) or isinstance(surplus, bool):
        raise UserError(_("Sisa hasil usaha harus berupa angka rupiah."), "surplus")
    if abs(surplus) > MAX_RUPIAH:
        raise UserError(_("Sisa hasil usaha terlalu besar."), "surplus")
    return surplus


def _books_surplus(db: Database, year: int) -> int:
    """The year's surplus from the income statement (PHU) of the books."""
    from app.models import books

    return books.income_statement(db, date(year, 1, 1), date(year, 12, 31)).surplus


def compute_shu(db: Database, year: int, *, surplus: int | None = None) -> ShuResult:
    """The SHU of ``year``: the surplus (from the books unless given) over the parts, and
    the members' pools over the members. A year in the future or before the shop's first
    business is refused; the current year is a provisional count so far."""
    provisional = check_year(db, year)
    from_books = surplus is None
    surplus = _books_surplus(db, year) if from_books else _check_surplus(surplus)
    parts = split_surplus(surplus, get_shu_allocation(db))
    amounts = {p.key: p.amount for p in parts}
    through = min(date(year, 12, 31), shop_today(db))
    bought = purchase_totals(db, date(year, 1, 1), through)
    saved = capital_totals(db, through)
    rows = [r for r in db.query("SELECT id, number, name, village FROM members"
                                " ORDER BY number, id")
            if bought.get(r["id"], 0) > 0 or saved.get(r["id"], 0) > 0]
    purchases = [max(bought.get(r["id"], 0), 0) for r in rows]
    capital = [max(saved.get(r["id"], 0), 0) for r in rows]
    usaha, usaha_shares = _pool(USAHA, amounts[USAHA], purchases)
    modal, modal_shares = (_pool(MODAL, amounts[MODAL], capital) if MODAL in amounts
                           else (None, [0] * len(rows)))
    members = tuple(
        MemberShu(r["id"], r["number"], r["name"], r["village"], p, share_of(p, usaha.basis),
                  u, c, m)
        for r, p, u, c, m in zip(rows, purchases, usaha_shares, capital, modal_shares,
                                 strict=True))
    return ShuResult(year, provisional, through, surplus, from_books, parts, members, usaha,
                     modal)
