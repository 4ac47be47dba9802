"""Program goods: government-capped staples (MinyaKita, SPHP rice, LPG 3 kg, subsidised
fertiliser) with an optional quota per member per day, week or month.

A quota counts the base quantity a member bought in the current period in the shop's own
zone, net of returns. A return counts against the period of the sale it returns, not the
day it came back: otherwise a bottle bought last month and returned today would let the
member buy one more than the quota this month. The till asks :func:`quota_problem` as lines
are rung up; :func:`check_cart_quotas` is the refusal inside ``complete_sale``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from app.i18n import _
from app.models.cart import Cart
from app.models.clock import local_date, now_iso, to_iso, zone
from app.models.db import Database
from app.models.errors import UserError
from app.models.money import QTY_SCALE, amount, div_round_half_up, format_qty
from app.models.products import quota_period_label
from app.models.settings import get_settings

# --- the period a quota counts -----------------------------------------------------------


def period_days(period: str, day: date) -> tuple[date, date]:
    """The first day of ``period`` around ``day`` and the first day after it."""
    if period == "day":
        return day, day + timedelta(days=1)
    if period == "week":  # ISO week: Monday to Sunday
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=7)
    if period == "month":
        start = day.replace(day=1)
        return start, (start + timedelta(days=32)).replace(day=1)
    raise ValueError(f"unknown quota period {period!r}")


def local_midnight_iso(day: date, zone_name: str) -> str:
    """The UTC instant (as stored) at which ``day`` begins in the shop's zone."""
    return to_iso(datetime.combine(day, time(), tzinfo=zone(zone_name)))


def period_bounds(period: str, at: str, zone_name: str) -> tuple[str, str]:
    """[start, end) of the quota period holding the moment ``at``, as stored UTC text."""
    first, after = period_days(period, local_date(at, zone_name))
    return local_midnight_iso(first, zone_name), local_midnight_iso(after, zone_name)


# --- what a member has bought ------------------------------------------------------------


@dataclass(frozen=True)
class QuotaStatus:
    """Where a member stands with one program good this period (base-unit thousandths)."""

    product_id: str
    product_name: str
    base_unit: str
    program: str
    quota: int
    period: str
    bought: int

    @property
    def left(self) -> int:
        return max(self.quota - self.bought, 0)

    @property
    def quota_text(self) -> str:
        return _("{quota} per anggota {period}").format(
            quota=format_qty(self.quota, self.base_unit),
            period=quota_period_label(self.period))


def bought_in_period(db: Database, *, member_id: str, product_id: str, start: str,
                     end: str) -> int:
    """Base quantity of ``product_id`` the member bought in [start, end), net of returns of
    those sales (whenever they came back)."""
    return db.scalar(
        "SELECT coalesce(sum(l.base_qty), 0) FROM sales s"
        " JOIN sale_lines l ON l.sale_id = s.id"
        " LEFT JOIN sales o ON o.id = s.original_id"
        " WHERE s.member_id = ? AND l.product_id = ? AND s.created_at >= ?"
        " AND coalesce(o.created_at, s.created_at) >= ?"
        " AND coalesce(o.created_at, s.created_at) < ?",
        (member_id, product_id, start, start, end))


def _quota_product(db: Database, product_id: str):
    return db.one("SELECT id, name, base_unit, program, quota_qty, quota_period FROM products"
                  " WHERE id = ?", (product_id,))


def quota_status(db: Database, member_id: str, product_id: str, *,
                 at: str | None = None) -> QuotaStatus | None:
    """The member's quota of this product now (or at ``at``); None for goods without one."""
    row = _quota_product(db, product_id)
    if row is None or row["quota_qty"] is None:
        return None
    return _status(db, row, member_id, at or now_iso(), get_settings(db).zone)


def _status(db: Database, row, member_id: str, at: str, zone_name: str) -> QuotaStatus:
    start, end = period_bounds(row["quota_period"], at, zone_name)
    bought = bought_in_period(db, member_id=member_id, product_id=row["id"], start=start,
                              end=end)
    return QuotaStatus(row["id"], row["name"], row["base_unit"], row["program"],
                       row["quota_qty"], row["quota_period"], bought)


# --- refusing what is over the quota --------------------------------------------------------


def quota_problem(db: Database, member_id: str | None, product_id: str, extra_base_qty: int,
                  *, at: str | None = None) -> str | None:
    """Why selling ``extra_base_qty`` more of the product to this member now is refused,
    or None when it is within the quota (or the product has none)."""
    row = _quota_product(db, product_id)
    if row is None or row["quota_qty"] is None:
        return None
    return _problem(db, row, member_id, extra_base_qty, at or now_iso(), get_settings(db).zone)


def _problem(db: Database, row, member_id: str | None, extra: int, at: str,
             zone_name: str) -> str | None:
    if member_id is None:
        return _("{name} hanya untuk anggota; pilih anggota (F7).").format(name=row["name"])
    member = db.one("SELECT name, active FROM members WHERE id = ?", (member_id,))
    if member is None:
        return _("Anggota tidak ditemukan.")
    if not member["active"]:
        return _("Anggota {member} tidak aktif; {name} hanya untuk anggota aktif.").format(
            member=member["name"], name=row["name"])
    status = _status(db, row, member_id, at, zone_name)
    if status.bought + extra <= status.quota:
        return None
    unit = row["base_unit"]
    return _("{name}: kuota {quota}. {member} sudah membeli {bought}, sisa {left};"
             " di keranjang {wanted}.").format(
        name=row["name"], quota=status.quota_text, member=member["name"],
        bought=format_qty(status.bought, unit), left=format_qty(status.left, unit),
        wanted=format_qty(extra, unit))


def cart_quantities(cart: Cart) -> dict[str, int]:
    """Base quantity per product in the cart (a product may be on several lines and packs)."""
    needed: dict[str, int] = {}
    for line in cart.lines:
        needed[line.product_id] = needed.get(line.product_id, 0) + line.base_qty
    return needed


def cart_quota_problem(db: Database, cart: Cart, *, at: str | None = None) -> str | None:
    """The first quota the cart breaks for its member (or for having none), or None."""
    needed = cart_quantities(cart)
    if not needed:
        return None
    marks = ",".join("?" * len(needed))
    rows = db.query("SELECT id, name, base_unit, program, quota_qty, quota_period FROM products"
                    f" WHERE id IN ({marks}) AND quota_qty IS NOT NULL", list(needed))
    if not rows:
        return None
    at, zone_name = at or now_iso(), get_settings(db).zone
    order = {product_id: i for i, product_id in enumerate(needed)}
    for row in sorted(rows, key=lambda r: order[r["id"]]):
        problem = _problem(db, row, cart.member_id, needed[row["id"]], at, zone_name)
        if problem:
            return problem
    return None


def check_cart_quotas(db: Database, cart: Cart, *, at: str | None = None) -> None:
    """Refuse a sale that sells program goods beyond a member's quota, or without a member."""
    problem = cart_quota_problem(db, cart, at=at)
    if problem:
        raise UserError(problem, "member" if cart.member_id is None else "qty")


# --- the report: program goods sold per member ------------------------------------------------


@dataclass(frozen=True)
class ProgramMemberSales:
    """One member's purchases of one program good in the report's days (net of returns)."""

    member_id: str
    member_number: str
    member_name: str
    qty: int                    # base-unit thousandths
    amount: int                 # rupiah paid, after discounts
    max_unit_price: int         # the highest price charged per base unit
    above_het: bool             # a line sold above the HET of its unit (must never happen)


@dataclass(frozen=True)
class ProgramProductSales:
    product_id: str
    name: str
    program: str
    base_unit: str
    het: int | None             # the product's HET per base unit now
    quota: int | None
    quota_period: str
    members: tuple[ProgramMemberSales, ...]
    qty: int                    # what members bought
    amount: int
    max_unit_price: int
    above_het: bool
    without_member_qty: int     # sold to no member (must be nothing for goods with a quota)
    without_member_amount: int


@dataclass(frozen=True)
class ProgramSaleWithoutMember:
    sale_id: str
    number: str
    created_at: str
    product_id: str
    name: str
    base_unit: str
    qty: int
    amount: int


def report_bounds(db: Database, date_from: date, date_to: date) -> tuple[str, str]:
    """The report's days, both included, in the shop's zone, as stored UTC text."""
    if not isinstance(date_from, date) or not isinstance(date_to, date):
        raise UserError(_("Tanggal laporan tidak valid."), "date_from")
    if date_from > date_to:
        raise UserError(_("Tanggal awal laporan sesudah tanggal akhirnya."), "date_from")
    zone_name = get_settings(db).zone
    return (local_midnight_iso(date_from, zone_name),
            local_midnight_iso(date_to + timedelta(days=1), zone_name))


#: Sale lines of program goods in a time range; returns count on the day they came back,
#: as in every other sales report.
_PROGRAM_LINES = (
    " FROM sales s JOIN sale_lines l ON l.sale_id = s.id JOIN products p ON p.id = l.product_id"
    " LEFT JOIN members m ON m.id = s.member_id WHERE p.program <> '' AND s.created_at >= ? AND s.created_at < ?")


def program_sales(db: Database, date_from: date, date_to: date) -> list[ProgramProductSales]:
    """Program goods sold per member from ``date_from`` to ``date_to`` (the shop's days, both
    included) with each product's totals, by program and name. Every program good on sale is
    listed, also one nobody bought."""
    start, end = report_bounds(db, date_from, date_to)
    products = db.query(
        "SELECT id, name, program, base_unit, het, quota_qty, quota_period FROM products p"
        " WHERE program <> '' AND (archived = 0 OR EXISTS (SELECT 1 FROM sale_lines l"
        "  JOIN sales s ON s.id = l.sale_id WHERE l.product_id = p.id"
        "  AND s.created_at >= ? AND s.created_at < ?))"
        " ORDER BY program COLLATE NOCASE, name COLLATE NOCASE, id", (start, end))
    het = {p["id"]: p["het"] for p in products}
    members, people = {}, {}
    for r in db.query(
        "SELECT l.product_id, s.member_id, m.number, m.name, l.unit_price, l.factor, l.het,"
        " sum(l.base_qty) AS qty, sum(l.net_amount) AS amount, sum(l.qty > 0) AS sold"
        + _PROGRAM_LINES + " GROUP BY l.product_id, s.member_id, l.unit_price, l.factor, l.het",
        (start, end)):
        key = (r["product_id"], r["member_id"])
        qty, paid, top, above = members.get(key, (0, 0, 0, False))
        if r["sold"]:
            top = max(top, div_round_half_up(r["unit_price"] * QTY_SCALE, r["factor"]))
            above = above or _above_het(r["unit_price"], r["factor"], r["het"],
                                        het.get(r["product_id"]))
        members[key] = (qty + r["qty"], paid + r["amount"], top, above)
        people[r["member_id"]] = (r["number"], r["name"])
    report = []
    for p in products:
        rows = sorted((ProgramMemberSales(member_id, *people[member_id], *values)
                       for (product_id, member_id), values in members.items()
                       if product_id == p["id"] and member_id is not None),
                      key=lambda row: (row.member_number, row.member_id))
        alone = members.get((p["id"], None), (0, 0, 0, False))
        report.append(ProgramProductSales(
            p["id"], p["name"], p["program"], p["base_unit"], p["het"], p["quota_qty"],
            p["quota_period"], tuple(rows), sum(row.qty for row in rows),
            sum(row.amount for row in rows),
            max([alone[2], *(row.max_unit_price for row in rows)]),
            alone[3] or any(row.above_het for row in rows), alone[0], alone[1]))
    return report


def _above_het(unit_price: int, factor: int, line_het: int | None,
               product_het: int | None) -> bool:
    """Was a unit sold above its cap? The cap written on the line at the sale, or (for a line
    sold before the product had a HET) today's HET for that unit."""
    if line_het is None:
        line_het = None if product_het is None else amount(product_het, factor)
    return line_het is not None and unit_price > line_het


def program_sales_without_member(db: Database, date_from: date,
                                 date_to: date) -> list[ProgramSaleWithoutMember]:
    """Program goods sold to no member in the report's days, per receipt: with quotas in
    force this list stays empty; goods without a quota may be sold to anyone."""
    start, end = report_bounds(db, date_from, date_to)
    return [ProgramSaleWithoutMember(*r) for r in db.query(
        "SELECT s.id, s.number, s.created_at, l.product_id, p.name, p.base_unit,"
        " sum(l.base_qty), sum(l.net_amount)"
        + _PROGRAM_LINES + " AND s.member_id IS NULL"
        " GROUP BY s.id, l.product_id ORDER BY s.created_at, s.number, p.name",
        (start, end))]
