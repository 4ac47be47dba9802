"""The treasurer's figures agree with each other on two months of a busy demo shop: the
daily takings add up to the month, the months to the whole span, the books' sales and
cost of goods equal the sales reports', the neraca balances to the rupiah on every day, the
drawer is empty in the books after each day's close, and the cash book ends where the
neraca's cash is."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.models import books, ledger
from app.models.check import run_checks
from app.models.db import open_db
from app.models.demo import build_demo
from app.models.report_daily import daily_report
from app.models.report_sales import monthly_sales
from app.models.settings import shop_today

DAYS = 40


@pytest.fixture(scope="module")
def busy(tmp_path_factory):
    path = tmp_path_factory.mktemp("busy") / "shop.db"
    db = open_db(path)
    build_demo(db, products=30, days=DAYS, seed=23)
    yield db
    db.close()


def _months(first: date, last: date) -> list[tuple[date, date]]:
    spans, start = [], first
    while start <= last:
        nxt = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        spans.append((start, min(nxt - timedelta(days=1), last)))
        start = nxt
    return spans


@pytest.fixture(scope="module")
def span(busy):
    last = shop_today(busy)
    first = last - timedelta(days=DAYS + 1)
    return first, last


def test_days_add_up_to_months_and_months_to_the_span(busy, span):
    first, last = span
    months = _months(first, last)
    assert len(months) >= 2, "the span covers more than one month"
    whole = monthly_sales(busy, first, last)
    assert whole.any_sales
    month_gross = month_returned = month_sales = month_cogs = 0
    for start, end in months:
        month = monthly_sales(busy, start, end)
        daily = daily_report(busy, start, end)
        assert sum(d.takings.gross for d in daily.days) == month.gross == daily.total.gross
        assert -sum(d.takings.returns for d in daily.days) == month.returned
        assert sum(d.sales for d in month.by_day) == month.total.sales
        assert sum(c.sales for c in month.by_category) == month.total.sales
        month_gross += month.gross
        month_returned += month.returned
        month_sales += month.total.sales
        month_cogs += month.total.cogs
    assert (month_gross, month_returned) == (whole.gross, whole.returned)
    assert (month_sales, month_cogs) == (whole.total.sales, whole.total.cogs)


def test_the_books_sales_and_costs_are_the_sales_reports(busy, span):
    first, last = span
    phu = ledger.income_statement(busy, first, last)
    sales = monthly_sales(busy, first, last)
    assert phu.net_sales == sales.total.sales
    assert phu.cogs == sales.total.cogs
    assert phu.gross_margin == sales.total.margin


def test_the_neraca_balances_every_day_and_the_drawer_is_empty_after_closing(busy, span):
    first, last = span
    day = first
    while day <= last:
        sheet = ledger.balance_sheet(busy, day)
        assert sheet.balanced, day
        drawer = dict((a.code, v) for a, v in sheet.assets)[books.CASH_DRAWER]
        open_at_end = busy.scalar(
            "SELECT count(*) FROM shifts WHERE date(opened_at, '+7 hours') <= ?"
            " AND (closed_at IS NULL OR date(closed_at, '+7 hours') > ?)",
            (day.isoformat(), day.isoformat()))
        if not open_at_end:
            assert drawer == 0, day
        day += timedelta(days=1)


def test_the_cash_book_ends_at_the_neracas_cash(busy, span):
    first, last = span
    for start, end in _months(first, last):
        book = ledger.cash_book(busy, start, end)
        sheet = ledger.balance_sheet(busy, end)
        cash = sum(v for a, v in sheet.assets if a.code in books.CASH)
        assert book.closing == cash
        assert book.opening + book.money_in - book.money_out == book.closing
        assert book.lines[-1].balance == book.closing


def test_the_surplus_is_the_change_in_equity(busy, span):
    """With no owner's entries in the period, what the period earned is exactly how much
    the equity (with the surplus) grew."""
    first, last = span
    before = ledger.balance_sheet(busy, first - timedelta(days=1))
    after = ledger.balance_sheet(busy, last)
    savings = sum(v for a, v in after.equity if a.code in (books.POKOK, books.WAJIB)) - sum(
        v for a, v in before.equity if a.code in (books.POKOK, books.WAJIB))
    capital = sum(v for a, v in after.equity if a.code == books.CAPITAL) - sum(
        v for a, v in before.equity if a.code == books.CAPITAL)
    grew = after.total_equity - before.total_equity - savings - capital
    if first.year == last.year:
        assert grew == ledger.income_statement(busy, first, last).surplus
    else:
        assert grew == (ledger.income_statement(busy, first, date(first.year, 12, 31)).surplus
                        + ledger.income_statement(busy, date(last.year, 1, 1), last).surplus)


def test_gerai_check_is_clean(busy):
    failed = [(r.name, r.detail) for r in run_checks(busy) if not r.ok]
    assert not failed
