"""The treasurer's figures for ``gerai bench`` on a year of a shop's trade: the monthly
report as a PDF over one month, and the neraca with the PHU over the whole year — each
against the plain queries of the same figures in raw sqlite3."""

from __future__ import annotations

import sqlite3
import time
from datetime import date, timedelta
from pathlib import Path

from app.models import ledger
from app.models.clock import local_date, zone
from app.models.db import Database, open_db
from app.models.program_goods import report_bounds
from app.models.settings import get_settings
from app.models.stock_views import day_bounds
from app.models.users import list_users
from app.reports.sales_reports import write_monthly


def _ms(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def shop_span(db: Database) -> tuple[date, date]:
    """The first and the last day the shop was open (its first and last shift)."""
    zone_name = get_settings(db).zone
    return (local_date(db.scalar("SELECT min(opened_at) FROM shifts"), zone_name),
            local_date(db.scalar("SELECT max(opened_at) FROM shifts"), zone_name))


def _count(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 else str(n)


def year_figures(path: Path, out: Path, runs: int) -> list[tuple[str, list, list, int | None]]:
    """Both figures on the year's shop at ``path`` (another figure's, reopened rather than
    built again): (name, our times, the baseline's, target in ms)."""
    db = open_db(path, create=False)
    raw = sqlite3.connect(str(path))
    try:
        first, last = shop_span(db)
        month = last_whole_month(first, last)
        start, end = report_bounds(db, *month)
        in_month = db.scalar("SELECT count(*) FROM sales WHERE created_at >= ? AND"
                             " created_at < ?", (start, end))
        in_year = db.scalar("SELECT count(*) FROM sales")
        ours, base = monthly_pdf(db, raw, out, month, runs)
        found = [(f"monthly_pdf_{_count(in_month)}_sales", ours, base, 1000)]
        ours, base = neraca_and_phu(db, raw, first, last, runs)
        found.append((f"neraca_phu_year_{_count(in_year)}_sales", ours, base, None))
        return found
    finally:
        raw.close()
        db.close()


def last_whole_month(first: date, last: date) -> tuple[date, date]:
    """The last calendar month the history covers from its first to its last day (or the
    history itself when it covers none)."""
    end = date(last.year, last.month, 1) - timedelta(days=1)
    if last == date(last.year + last.month // 12, last.month % 12 + 1, 1) - timedelta(days=1):
        end = last
    start = date(end.year, end.month, 1)
    return (start, end) if start >= first else (first, last)


def monthly_pdf(db: Database, raw: sqlite3.Connection, out: Path, month: tuple[date, date],
                runs: int) -> tuple[list[float], list[float]]:
    """``write_monthly`` of a month as a PDF against the month's sales by day and category
    and its sales counted by day — the queries the report's figures come from."""
    treasurer = next(u for u in list_users(db) if u.role == "bendahara")
    start, end = report_bounds(db, *month)
    minutes = int(zone(get_settings(db).zone).utcoffset(None).total_seconds() // 60)
    shift = f"{minutes:+d} minutes"      # UTC to the shop's day

    def baseline():
        raw.execute(
            "SELECT date(s.created_at, ?), p.consigned, p.category, s.kind = 'sale',"
            " sum(l.net_amount), sum(l.cost) FROM sales s JOIN sale_lines l ON l.sale_id = s.id"
            " JOIN products p ON p.id = l.product_id WHERE s.created_at >= ?"
            " AND s.created_at < ? GROUP BY 1, 2, 3, 4", (shift, start, end)).fetchall()
        raw.execute("SELECT date(created_at, ?), count(*) FROM sales WHERE kind = 'sale'"
                    " AND created_at >= ? AND created_at < ? GROUP BY 1",
                    (shift, start, end)).fetchall()

    ours = [_ms(lambda: write_monthly(db, out / "bulanan.pdf", *month, "pdf",
                                      printed_by=treasurer)) for _ in range(runs)]
    base = [_ms(baseline) for _ in range(runs)]
    return ours, base


#: The plain sums a developer would write for a period's books, each over one table (or a
#: sale and its lines or payments): what the statements add up, summed by SQLite.
_PLAIN_SUMS = (
    "SELECT p.method, sum(p.amount) FROM sales s JOIN payments p ON p.sale_id = s.id"
    " WHERE s.created_at >= :since AND s.created_at < :until GROUP BY p.method",
    "SELECT s.kind, sum(s.total), sum(l.cost) FROM sales s JOIN sale_lines l"
    " ON l.sale_id = s.id WHERE s.created_at >= :since AND s.created_at < :until"
    " GROUP BY s.kind",
    "SELECT kind, sum(value) FROM stock_movements WHERE created_at >= :since"
    " AND created_at < :until GROUP BY kind",
    "SELECT sum(amount) FROM supplier_invoices WHERE created_at >= :since"
    " AND created_at < :until",
    "SELECT method, sum(amount) FROM supplier_payments WHERE created_at >= :since"
    " AND created_at < :until GROUP BY method",
    "SELECT kind, sum(due) FROM consignment_movements WHERE created_at >= :since"
    " AND created_at < :until GROUP BY kind",
    "SELECT method, sum(amount) FROM consignor_payments WHERE created_at >= :since"
    " AND created_at < :until GROUP BY method",
    "SELECT sum(opening_float), sum(counted_cash), sum(over_short) FROM shifts"
    " WHERE opened_at >= :since AND opened_at < :until",
    "SELECT account, sum(amount) FROM shift_cash WHERE created_at >= :since"
    " AND created_at < :until GROUP BY account",
    "SELECT kind, method, shift_id IS NULL, sum(amount) FROM savings_movements"
    " WHERE created_at >= :since AND created_at < :until GROUP BY 1, 2, 3",
    "SELECT method, shift_id IS NULL, sum(amount) FROM credit_payments"
    " WHERE created_at >= :since AND created_at < :until GROUP BY 1, 2",
    "SELECT l.account, sum(l.amount) FROM journal_entries e JOIN journal_lines l"
    " ON l.entry_id = e.id WHERE e.entry_date >= :d0 AND e.entry_date <= :d1"
    " GROUP BY l.account",
)


def neraca_and_phu(db: Database, raw: sqlite3.Connection, first: date, last: date,
                   runs: int) -> tuple[list[float], list[float]]:
    """The neraca on the year's last day and the PHU of the whole year, against the plain
    sums of every table the books read, over the same three spans (before the calendar
    year, the calendar year to the neraca's day, and the PHU's year)."""
    year_start = date(last.year, 1, 1)
    spans = ((None, year_start - timedelta(days=1)), (year_start, last), (first, last))
    params = []
    for date_from, date_to in spans:
        since, until = day_bounds(db, date_from, date_to)
        params.append({"since": since, "until": until,
                       "d0": date_from.isoformat() if date_from else "0000-00-00",
                       "d1": date_to.isoformat()})

    def ours():
        ledger.balance_sheet(db, last)
        ledger.income_statement(db, first, last)

    def baseline():
        for p in params:
            for sql in _PLAIN_SUMS:
                raw.execute(sql, p).fetchall()

    return [_ms(ours) for _ in range(runs)], [_ms(baseline) for _ in range(runs)]
