"""The treasurer's sales figures over a period: net sales, the cost of the goods sold and
the gross margin, by category, by day and by product.

Sales are ``sale_lines.net_amount`` (after line and cart discounts) over sales of every
kind: a return or a void carries negative lines, so it counts on the day the goods came
back, as in every other sales report. COGS is ``sale_lines.cost``, fixed when the line was
sold; for consigned goods (titip jual) that is what the producers are owed, so their margin
is the shop's commission and they are kept apart from the shop's own categories.

Every figure of one report comes from one grouped query, so the days, the categories, the
products and the total are sums of the same rows and always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.i18n import _
from app.models.clock import day_text, local_date, now_iso, zone
from app.models.db import Database
from app.models.errors import UserError
from app.models.money import div_round_half_up, group_thousands
from app.models.program_goods import report_bounds
from app.models.settings import get_settings

#: The longest period with a line per day (a year, leap or not).
MAX_DAYS = 366
#: How many products the best and the worst lists of the margin report name.
RANKED = 20


# --- the period ---------------------------------------------------------------------------


def _as_day(value, field: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise UserError(_("Tanggal laporan tidak valid."), field)


def check_period(db: Database, date_from, date_to, *, max_days: int | None = None
                 ) -> tuple[date, date]:
    """The report's first and last day, refused with a clear reason when they are not days,
    reversed, end after today (a total that will still change is not a result) or span more
    than ``max_days``."""
    first, last = _as_day(date_from, "date_from"), _as_day(date_to, "date_to")
    if first > last:
        raise UserError(_("Tanggal awal laporan sesudah tanggal akhirnya."), "date_from")
    today = local_date(now_iso(), get_settings(db).zone)
    if last > today:
        raise UserError(_("Tanggal akhir laporan {day} belum tiba; laporan paling jauh sampai"
                          " hari ini ({today}).").format(day=day_text(last), today=day_text(today)),
                        "date_to")
    if max_days is not None and (last - first).days + 1 > max_days:
        raise UserError(_("Periode laporan paling panjang {days} hari.").format(days=max_days),
                        "date_from")
    return first, last


def _day_shift(db: Database) -> str:
    """The SQLite modifier that turns a stored UTC time into the shop's local time."""
    offset = zone(get_settings(db).zone).utcoffset(None)
    return f"{offset // timedelta(minutes=1):+d} minutes"


# --- figures ------------------------------------------------------------------------------


def margin_permille(margin: int, sales: int) -> int | None:
    """``margin`` as tenths of a percent of ``sales`` (234 = 23,4%), rounded half away from
    zero once; None when there are no sales to divide by (nothing sold, or more returned
    than sold)."""
    if sales <= 0:
        return None
    return div_round_half_up(margin * 1000, sales)


def format_permille(value: int | None) -> str:
    """``23,4%`` (``–`` when there is no rate)."""
    if value is None:
        return "–"
    sign = "-" if value < 0 else ""
    whole, tenth = divmod(abs(value), 10)
    return f"{sign}{group_thousands(whole)},{tenth}%"


@dataclass(frozen=True, kw_only=True)
class SalesFigures:
    """Net sales and what the goods cost, over some sale lines."""

    sales: int
    cogs: int

    @property
    def margin(self) -> int:
        return self.sales - self.cogs

    @property
    def margin_permille(self) -> int | None:
        return margin_permille(self.margin, self.sales)


@dataclass(frozen=True, kw_only=True)
class CategorySales(SalesFigures):
    """One category of the shop's own goods, or (``consigned``) all consigned goods."""

    category: str
    consigned: bool = False


@dataclass(frozen=True, kw_only=True)
class DaySales(SalesFigures):
    day: date
    transactions: int      # sales made (returns and voids not counted)


@dataclass(frozen=True, kw_only=True)
class MonthlySales:
    date_from: date
    date_to: date
    total: SalesFigures
    #: Sales before returns and voids, and what returns and voids took back (≥ 0 normally):
    #: total.sales = gross − returned.
    gross: int
    returned: int
    transactions: int
    by_category: tuple[CategorySales, ...]
    #: Every day of the period, a day without sales too.
    by_day: tuple[DaySales, ...]
    #: Whether any sale, return or void falls in the period.
    any_sales: bool

    @property
    def average_sale(self) -> int:
        """What a sale came to on average before returns (0 without sales)."""
        return div_round_half_up(self.gross, self.transactions) if self.transactions else 0


def _categories(rows) -> tuple[CategorySales, ...]:
    """``(consigned, category, sales, cogs)`` rows summed per category, consigned goods as
    one line whatever their category; named categories alphabetically, then the unnamed
    one, consigned goods last."""
    sums: dict[tuple[bool, str], list[int]] = {}
    for consigned, category, sales, cogs in rows:
        figures = sums.setdefault((bool(consigned), "" if consigned else category), [0, 0])
        figures[0] += sales
        figures[1] += cogs
    return tuple(sorted((CategorySales(category=category, consigned=consigned, sales=s, cogs=c)
                         for (consigned, category), (s, c) in sums.items()),
                        key=lambda c: (c.consigned, not c.category, c.category.lower(),
                                       c.category)))


def monthly_sales(db: Database, date_from: date, date_to: date) -> MonthlySales:
    """Sales, COGS and gross margin on the shop's days ``date_from``..``date_to`` (both
    included), by category and by day."""
    first, last = check_period(db, date_from, date_to, max_days=MAX_DAYS)
    start, end = report_bounds(db, first, last)
    shift = _day_shift(db)
    rows = db.query(
        "SELECT date(s.created_at, ?) AS day, p.consigned AS consigned, p.category AS category,"
        " s.kind = 'sale' AS sold, sum(l.net_amount) AS sales, sum(l.cost) AS cogs"
        " FROM sales s JOIN sale_lines l ON l.sale_id = s.id"
        " JOIN products p ON p.id = l.product_id"
        " WHERE s.created_at >= ? AND s.created_at < ? GROUP BY 1, 2, 3, 4",
        (shift, start, end))
    counts = {r["day"]: r["n"] for r in db.query(
        "SELECT date(created_at, ?) AS day, count(*) AS n FROM sales"
        " WHERE kind = 'sale' AND created_at >= ? AND created_at < ? GROUP BY 1",
        (shift, start, end))}
    days: dict[str, list[int]] = {}
    gross = returned = 0
    for r in rows:
        figures = days.setdefault(r["day"], [0, 0])
        figures[0] += r["sales"]
        figures[1] += r["cogs"]
        if r["sold"]:
            gross += r["sales"]
        else:
            returned -= r["sales"]
    by_day = []
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        sales, cogs = days.get(day.isoformat(), (0, 0))
        by_day.append(DaySales(day=day, sales=sales, cogs=cogs,
                               transactions=counts.get(day.isoformat(), 0)))
    return MonthlySales(
        date_from=first, date_to=last,
        total=SalesFigures(sales=sum(d.sales for d in by_day), cogs=sum(d.cogs for d in by_day)),
        gross=gross, returned=returned, transactions=sum(counts.values()),
        by_category=_categories((r["consigned"], r["category"], r["sales"], r["cogs"])
                                for r in rows),
        by_day=tuple(by_day), any_sales=bool(rows))


# --- margin by product --------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ProductMargin(SalesFigures):
    product_id: str
    name: str
    category: str
    unit: str
    consigned: bool
    qty: int               # base-unit thousandths sold, net of returns

    @property
    def below_cost(self) -> bool:
        """Sold for less than the goods cost: a price to look at."""
        return self.margin < 0


@dataclass(frozen=True, kw_only=True)
class MarginReport:
    date_from: date
    date_to: date
    #: Every product sold (or returned) in the period, by category then name.
    products: tuple[ProductMargin, ...]
    by_category: tuple[CategorySales, ...]
    total: SalesFigures

    def best(self, n: int = RANKED) -> list[ProductMargin]:
        """The ``n`` products that earned the most margin, most first."""
        return sorted(self.products, key=lambda p: (-p.margin, p.name.lower(), p.product_id))[:n]

    def worst(self, n: int = RANKED) -> list[ProductMargin]:
        """The ``n`` products that earned the least margin (a loss first)."""
        return sorted(self.products, key=lambda p: (p.margin, p.name.lower(), p.product_id))[:n]

    @property
    def below_cost(self) -> list[ProductMargin]:
        """Products sold below cost over the period, the biggest loss first."""
        return sorted((p for p in self.products if p.below_cost),
                      key=lambda p: (p.margin, p.name.lower(), p.product_id))


def margin_by_product(db: Database, date_from: date, date_to: date) -> MarginReport:
    """Quantity sold, sales, COGS and margin of each product and category on the shop's days
    ``date_from``..``date_to`` (both included)."""
    first, last = check_period(db, date_from, date_to)
    start, end = report_bounds(db, first, last)
    rows = db.query(
        "SELECT p.id, p.name, p.category, p.base_unit, p.consigned, sum(l.base_qty) AS qty,"
        " sum(l.net_amount) AS sales, sum(l.cost) AS cogs"
        " FROM sales s JOIN sale_lines l ON l.sale_id = s.id"
        " JOIN products p ON p.id = l.product_id"
        " WHERE s.created_at >= ? AND s.created_at < ? GROUP BY p.id", (start, end))
    products = [ProductMargin(product_id=r["id"], name=r["name"], category=r["category"],
                              unit=r["base_unit"], consigned=bool(r["consigned"]), qty=r["qty"],
                              sales=r["sales"], cogs=r["cogs"]) for r in rows]
    products.sort(key=lambda p: (p.consigned, not p.category, p.category.lower(),
                                 p.name.lower(), p.product_id))
    return MarginReport(
        date_from=first, date_to=last, products=tuple(products),
        by_category=_categories((p.consigned, p.category, p.sales, p.cogs) for p in products),
        total=SalesFigures(sales=sum(p.sales for p in products),
                           cogs=sum(p.cogs for p in products)))
