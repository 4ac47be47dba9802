"""The treasurer's monthly and margin reports, read back as a treasurer would — the PDF's
text, the workbook's cells, the CSV — against sums worked out here from the raw sale lines
of the demo shop (its three days of sales), bucketed into the shop's days in Python."""

from __future__ import annotations

import csv
import os
import re
import subprocess
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.models import consignment, consignors
from app.models.cart import Cart, add_product
from app.models.clock import ZONES, from_iso, frozen_clock
from app.models.errors import PermissionDenied, UserError
from app.models.money import QTY_SCALE as K
from app.models.products import ProductInput, create_product
from app.models.report_sales import (
    format_permille,
    margin_by_product,
    margin_permille,
    monthly_sales,
)
from app.models.returns import return_items, void_sale
from app.models.sales import PaymentInput, complete_sale
from app.models.settings import get_settings
from app.models.shifts import open_shift
from app.reports.sales_reports import write_margin, write_monthly
from app.reports.xlsx import RUPIAH_FORMAT

TILL = "KASIR-9"


# --- the shop's own figures, worked out apart from the code under test --------------------


def raw_lines(db) -> list[dict]:
    """Every sale line with its shop day, kind, product and figures."""
    zone = ZONES[get_settings(db).zone]
    rows = db.query("SELECT s.id AS sale_id, s.kind, s.created_at, l.product_id, l.base_qty,"
                    " l.net_amount, l.cost, p.category, p.consigned FROM sales s"
                    " JOIN sale_lines l ON l.sale_id = s.id JOIN products p ON p.id = l.product_id")
    return [dict(r, day=from_iso(r["created_at"]).astimezone(zone).date()) for r in rows]


def within(lines, first: date, last: date) -> list[dict]:
    return [r for r in lines if first <= r["day"] <= last]


def demo_days(db) -> tuple[date, date]:
    days = sorted({r["day"] for r in raw_lines(db)})
    return days[0], days[-1]


@pytest.fixture
def after_sales(shop):
    """The clock at noon the day after the demo's last sale (that day is today)."""
    _first, last = demo_days(shop)
    today = last + timedelta(days=1)
    with frozen_clock(datetime.combine(today, time(12), tzinfo=ZONES[get_settings(shop).zone])):
        yield today


@pytest.fixture
def out(tmp_path):
    """A folder for the reports (the shop's database lives beside it)."""
    folder = tmp_path / "laporan"
    folder.mkdir()
    return folder


# --- reading the output back --------------------------------------------------------------


def pdf_text(path) -> str:
    text = subprocess.run(["pdftotext", "-layout", "-nodiag", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.replace("\u2007", " ").replace("\u2008", " ")


def lines_starting(text: str, label: str) -> list[list[str]]:
    """The printed lines that begin with ``label``, as the words after it."""
    return [line.strip()[len(label):].split() for line in text.splitlines()
            if line.strip().startswith(label)]


def rupiah(word: str) -> int:
    return int(word.replace(".", "").replace("Rp", ""))


def permille(word: str) -> int:
    """``10,4`` or ``12`` (a percent as printed) as tenths of a percent."""
    whole, _, tenth = word.rstrip("%").partition(",")
    sign = -1 if whole.startswith("-") else 1
    return sign * (abs(int(whole)) * 10 + int(tenth or 0))


def csv_rows(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def sheet_rows(ws) -> list[tuple]:
    return [tuple(c.value for c in r) for r in ws.iter_rows(min_row=6)]


def rate_text(value) -> str:
    """A spreadsheet's margin rate (a number) as the CSV writes it, always with its one
    decimal: 10.4 → ``10,4``, 10 → ``10,0``."""
    return f"{Decimal(str(value)):.1f}".replace(".", ",") if value is not None else ""


# --- the monthly report ------------------------------------------------------------------


def test_days_categories_and_total_add_up_to_the_sale_lines(shop, after_sales):
    first, last = demo_days(shop)
    # Two quiet days on either side: they must be listed, with nothing on them.
    start, end = first - timedelta(days=2), last + timedelta(days=1)
    month = monthly_sales(shop, start, end)
    lines = within(raw_lines(shop), start, end)
    sales, cogs = sum(r["net_amount"] for r in lines), sum(r["cost"] for r in lines)
    independent = shop.one(
        "SELECT sum(l.net_amount), sum(l.cost) FROM sales s JOIN sale_lines l ON l.sale_id = s.id"
        " WHERE s.created_at >= ? AND s.created_at < ?",
        (local_midnight(shop, start), local_midnight(shop, end + timedelta(days=1))))
    assert (sales, cogs) == tuple(independent) and sales > 0

    assert [d.day for d in month.by_day] == [start + timedelta(days=n)
                                             for n in range((end - start).days + 1)]
    assert (month.total.sales, month.total.cogs) == (sales, cogs)
    assert sum(d.sales for d in month.by_day) == sum(c.sales for c in month.by_category) == sales
    assert sum(d.cogs for d in month.by_day) == sum(c.cogs for c in month.by_category) == cogs
    for d in month.by_day:
        on_day = [r for r in lines if r["day"] == d.day]
        assert (d.sales, d.cogs) == (sum(r["net_amount"] for r in on_day),
                                     sum(r["cost"] for r in on_day))
        assert d.transactions == len({r["sale_id"] for r in on_day if r["kind"] == "sale"})
        assert d.margin == d.sales - d.cogs
    quiet = [d for d in month.by_day if d.day < first or d.day > last]
    assert len(quiet) == 3 and all((d.sales, d.cogs, d.transactions) == (0, 0, 0) for d in quiet)
    for c in month.by_category:
        of = [r for r in lines if r["category"] == c.category and not r["consigned"]]
        assert (c.sales, c.cogs) == (sum(r["net_amount"] for r in of), sum(r["cost"] for r in of))
        assert c.margin == c.sales - c.cogs
    assert month.total.margin == sales - cogs
    # Returns count against the day they came back.
    returned = -sum(r["net_amount"] for r in lines if r["kind"] != "sale")
    assert returned > 0 and (month.gross, month.returned) == (sales + returned, returned)
    assert month.total.margin_permille == margin_permille(sales - cogs, sales)


def local_midnight(db, day: date) -> str:
    """The UTC text of midnight starting ``day`` in the shop's zone."""
    moment = datetime.combine(day, time(0), tzinfo=ZONES[get_settings(db).zone])
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_any_split_of_the_period_adds_up_to_the_whole(shop, after_sales, data):
    first, last = demo_days(shop)
    start, end = first - timedelta(days=1), last + timedelta(days=1)
    span = (end - start).days
    cuts = sorted(data.draw(st.sets(st.integers(1, span), max_size=span), label="cuts"))
    bounds = [start, *(start + timedelta(days=c) for c in cuts), end + timedelta(days=1)]
    parts = [monthly_sales(shop, a, b - timedelta(days=1)) for a, b in zip(bounds, bounds[1:], strict=False)]
    whole = monthly_sales(shop, start, end)
    assert sum(p.total.sales for p in parts) == whole.total.sales
    assert sum(p.total.cogs for p in parts) == whole.total.cogs
    assert sum(p.total.margin for p in parts) == whole.total.margin
    assert sum(p.transactions for p in parts) == whole.transactions
    assert sum(p.returned for p in parts) == whole.returned
    assert [d for p in parts for d in p.by_day] == list(whole.by_day)


def test_monthly_pdf_has_the_chart_above_tables_whose_totals_read_back(
        shop, bendahara, out, after_sales):
    first, last = demo_days(shop)
    month = monthly_sales(shop, first, last)
    pdf = write_monthly(shop, out / "bulanan.pdf", first, last, printed_by=bendahara)
    text = pdf_text(pdf)

    assert "PENJUALAN DAN LABA KOTOR" in text
    # The chart: its title, rupiah ticks in millions, the days under the bars, its axis name.
    chart_at, table_at = text.index("Penjualan bersih per hari"), text.index("Per kategori")
    chart = text[chart_at:table_at]
    assert chart_at < table_at and " jt" in chart and "Tanggal" in chart
    ticks = [line.split()[:-1] for line in chart.splitlines() if line.strip().endswith("jt")]
    assert len(ticks) >= 3
    # Each bar's day of the month under it, on one line.
    assert [str(d.day.day) for d in month.by_day] in [line.split() for line in chart.splitlines()]

    category_total, day_total = lines_starting(text, "Total")
    t = month.total
    assert [rupiah(w) for w in category_total[:3]] == [t.sales, t.cogs, t.margin]
    assert permille(category_total[3]) == t.margin_permille
    assert [rupiah(w) for w in day_total[:4]] == [month.transactions, t.sales, t.cogs, t.margin]
    summary = {label: rupiah(value) for label, value in re.findall(
        r"(Penjualan kotor|Retur dan batal|Penjualan bersih|HPP|Laba kotor)\s+(-?Rp[\d.]+)", text)}
    assert summary == {"Penjualan kotor": month.gross, "Retur dan batal": -month.returned,
                       "Penjualan bersih": t.sales, "HPP": t.cogs, "Laba kotor": t.margin}
    assert format_permille(t.margin_permille) in text
    for d in month.by_day:
        printed = lines_starting(text, d.day.strftime("%d-%m-%Y"))
        assert len(printed) == 1
        assert [rupiah(w) for w in printed[0][1:5]] == [d.transactions, d.sales, d.cogs, d.margin]
    for c in month.by_category:
        printed = lines_starting(text, c.category + " ")
        assert any(rupiah(w[-4]) == c.sales for w in printed if len(w) >= 4)


def test_monthly_xlsx_holds_numbers_equal_to_the_csv(shop, bendahara, out, after_sales):
    first, last = demo_days(shop)
    month = monthly_sales(shop, first, last)
    xlsx = write_monthly(shop, out / "bulanan.xlsx", first, last, "xlsx",
                         printed_by=bendahara)
    table = write_monthly(shop, out / "bulanan.csv", first, last, "csv",
                          printed_by=bendahara)
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["Per hari", "Per kategori"]
    days = book["Per hari"]
    assert days.freeze_panes == "A6" and days.auto_filter.ref.startswith("A5:")
    rows = sheet_rows(days)
    body, totals = rows[:-1], rows[-1]
    assert len(body) == len(month.by_day)
    for cells, d in zip(body, month.by_day, strict=True):
        assert cells[0] == d.day.strftime("%d-%m-%Y")
        assert cells[2:6] == (d.transactions, d.sales, d.cogs, d.margin)
        assert all(isinstance(v, int) for v in cells[2:6])
        assert Decimal(str(cells[6])) * 10 == d.margin_permille
    assert totals[0] == "Total" and totals[3:6] == (month.total.sales, month.total.cogs,
                                                     month.total.margin)
    sales_cell = next(days.iter_rows(min_row=6, max_row=6))[3]
    assert sales_cell.number_format == RUPIAH_FORMAT
    categories = sheet_rows(book["Per kategori"])
    assert [r[1] for r in categories[:-1]] == [c.sales for c in month.by_category]
    assert categories[-1][1:4] == (month.total.sales, month.total.cogs, month.total.margin)

    lines = csv_rows(table)
    assert lines[0] == [c.value for c in days[5]]
    assert [r[:2] + [int(v) for v in r[2:6]] + [r[6]] for r in lines[1:]] == \
        [[*r[:6], rate_text(r[6])] for r in body]


# --- consigned goods, losses and returns on days of their own -----------------------------


@pytest.fixture
def busy_days(shop, manajer, kasir, after_sales):
    """Two days after the demo: day one sells gula below what it cost at dawn (still the day
    before in UTC) and keripik on consignment (15% commission) at ten; day two takes keripik
    back (more returned than sold) and sells a gula that is voided."""
    _first, last = demo_days(shop)
    zone = ZONES[get_settings(shop).zone]
    day_one = last + timedelta(days=2)
    dawn, ten = (datetime.combine(day_one, time(h), tzinfo=zone) for h in (6, 10))
    with frozen_clock(dawn):
        sari = consignors.create_consignor(shop, user=manajer, data=consignors.consignor_from_form(
            {"name": "Ibu Sari", "village": "Desa Hanura", "commission": "15"}))
        keripik = create_product(shop, user=manajer, data=ProductInput(
            name="Keripik Pisang Uji 250 g", base_unit="pcs", price=12_000,
            category="Makanan Ringan"))
        consignment.post_intake(shop, user=manajer, consignor_id=sari.id, lines=[
            consignment.IntakeLine(keripik.id, 10 * K)])
        gula = create_product(shop, user=manajer, data=ProductInput(
            name="Gula Rugi Uji 1 kg", base_unit="pcs", price=16_000, cost=18_000,
            category="Gula", opening_stock=20 * K))
        open_shift(shop, user=kasir, till=TILL, opening_float="100.000")
    sales = []
    for at, item, qty in ((dawn + timedelta(minutes=30), gula, 3), (ten, keripik, 5),
                          (ten + timedelta(minutes=2), keripik, 2)):
        with frozen_clock(at):
            cart = add_product(shop, Cart(), item.id, qty=qty * K)
            sales.append(complete_sale(shop, user=kasir, till=TILL, cart=cart,
                                       payments=[PaymentInput("cash", cart.total)]))
    assert shop.scalar("SELECT created_at FROM sales WHERE id = ?", (sales[0].sale_id,)) \
        < (day_one.isoformat() + "T")                      # the UTC day before
    with frozen_clock(ten + timedelta(days=1)):
        line = shop.scalar("SELECT id FROM sale_lines WHERE sale_id = ?", (sales[1].sale_id,))
        return_items(shop, user=manajer, till=TILL, sale_id=sales[1].sale_id,
                     quantities={line: 5 * K}, reason="Kemasan rusak")
        cart = add_product(shop, Cart(), gula.id, qty=K)          # sold, then cancelled
        mistake = complete_sale(shop, user=kasir, till=TILL, cart=cart,
                                payments=[PaymentInput("cash", cart.total)])
        void_sale(shop, user=manajer, till=TILL, sale_id=mistake.sale_id, reason="Salah input")
    with frozen_clock(ten + timedelta(days=1, hours=2)):
        yield day_one, keripik, gula


def test_consigned_goods_are_one_line_whose_margin_is_the_commission(
        shop, bendahara, out, busy_days):
    day_one, keripik, gula = busy_days
    one = monthly_sales(shop, day_one, day_one)
    consigned = [c for c in one.by_category if c.consigned]
    # 7 keripik at 12,000 = 84,000; the producer is owed 85% = 71,400.
    assert len(consigned) == 1 and (consigned[0].sales, consigned[0].cogs) == (84_000, 71_400)
    assert consigned[0].margin == 12_600 and consigned[0].margin_permille == 150
    own = {c.category: c for c in one.by_category if not c.consigned}
    assert set(own) == {"Gula"} and (own["Gula"].sales, own["Gula"].cogs) == (48_000, 54_000)

    both = monthly_sales(shop, day_one, day_one + timedelta(days=1))
    second = both.by_day[1]
    assert (second.sales, second.cogs, second.transactions) == (-60_000, -51_000, 1)
    assert second.margin_permille is None
    assert both.total.sales == 84_000 + 48_000 - 60_000
    assert (both.gross, both.returned) == (84_000 + 48_000 + 16_000, 60_000 + 16_000)

    text = pdf_text(write_monthly(shop, out / "b.pdf", day_one, day_one + timedelta(days=1),
                                  printed_by=bendahara))
    titipan = lines_starting(text, "Barang titipan (komisi)")
    assert [rupiah(w) for w in titipan[0][:3]] == [84_000 - 60_000, 71_400 - 51_000, 3_600]
    assert permille(titipan[0][3]) == 150
    # The day with more returned than sold goes below the line: the axis reads negative.
    chart = text[text.index("Penjualan bersih per hari"):text.index("Per kategori")]
    assert "-" in chart and " rb" in chart


def test_margin_report_flags_what_sold_below_cost(shop, bendahara, out, busy_days):
    day_one, keripik, gula = busy_days
    report = margin_by_product(shop, day_one, day_one)
    by_id = {p.product_id: p for p in report.products}
    loss = by_id[gula.id]
    assert (loss.qty, loss.sales, loss.cogs, loss.margin) == (3 * K, 48_000, 54_000, -6_000)
    assert loss.below_cost and report.below_cost == [loss]
    assert by_id[keripik.id].consigned and not by_id[keripik.id].below_cost
    assert report.worst()[0] == loss and report.best()[0] == by_id[keripik.id]
    # The gula sold and voided the next day counts for nothing.
    both = {p.product_id: p for p in margin_by_product(shop, day_one, day_one + timedelta(days=1))
            .products}
    assert (both[gula.id].qty, both[gula.id].sales, both[gula.id].cogs) == (3 * K, 48_000, 54_000)

    text = pdf_text(write_margin(shop, out / "m.pdf", day_one, day_one,
                                 printed_by=bendahara))
    printed = lines_starting(text, "Gula Rugi Uji 1 kg")
    assert [w[-1] for w in printed] == ["YA"]              # flagged in the full list
    assert "Dijual di bawah HPP (rugi)" in text
    under = text[text.index("Dijual di bawah HPP (rugi)"):]
    assert "Gula Rugi Uji 1 kg" in under.split("Laba kotor terbesar")[0]
    assert "-6.000" in printed[0]


# --- the margin report -------------------------------------------------------------------


def test_margin_per_product_and_category_add_up_to_the_sale_lines(
        shop, bendahara, out, after_sales):
    first, last = demo_days(shop)
    report = margin_by_product(shop, first, last)
    lines = within(raw_lines(shop), first, last)
    per_product = defaultdict(lambda: [0, 0, 0])
    for r in lines:
        figures = per_product[r["product_id"]]
        figures[0] += r["base_qty"]
        figures[1] += r["net_amount"]
        figures[2] += r["cost"]
    assert {p.product_id: [p.qty, p.sales, p.cogs] for p in report.products} == per_product
    assert all(p.margin == p.sales - p.cogs for p in report.products)
    sales = sum(r["net_amount"] for r in lines)
    assert report.total.sales == sum(c.sales for c in report.by_category) == sales
    assert report.total.cogs == sum(c.cogs for c in report.by_category) \
        == sum(r["cost"] for r in lines)
    best, worst = report.best(), report.worst()
    margins = sorted((p.margin for p in report.products), reverse=True)
    assert [p.margin for p in best] == margins[:20]
    assert [p.margin for p in worst] == sorted(margins)[:20]

    pdf = write_margin(shop, out / "laba.pdf", first, last, printed_by=bendahara)
    text = pdf_text(pdf)
    assert "LABA KOTOR PER PRODUK" in text and "Laba kotor terbesar" in text \
        and "Laba kotor terkecil" in text
    category_total, product_total = lines_starting(text, "Total")
    t = report.total
    assert [rupiah(w) for w in category_total[:3]] == [t.sales, t.cogs, t.margin]
    assert [rupiah(w) for w in product_total[:3]] == [t.sales, t.cogs, t.margin]
    top = lines_starting(text, "1 " + best[0].name)
    assert rupiah(top[0][-2]) == best[0].margin

    xlsx = write_margin(shop, out / "laba.xlsx", first, last, "xlsx", printed_by=bendahara)
    table = write_margin(shop, out / "laba.csv", first, last, "csv", printed_by=bendahara)
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["Per produk", "Per kategori", "Terbesar", "Terkecil",
                               "Di bawah HPP"]
    body = sheet_rows(book["Per produk"])
    assert len(body) == len(report.products)
    assert sum(r[4] for r in body) == t.sales and sum(r[6] for r in body) == t.margin
    assert [r[7] for r in sheet_rows(book["Terbesar"])] == [p.margin for p in best]
    csv_lines = csv_rows(table)
    assert csv_lines[0] == [c.value for c in book["Per produk"][5]]
    assert [[r[0], r[1], r[3], *map(int, r[4:7]), r[8]] for r in csv_lines[1:]] == \
        [[r[0], r[1], r[3], *r[4:7], r[8] or ""] for r in body]
    assert [Decimal(r[2].replace(",", ".")) for r in csv_lines[1:]] == \
        [Decimal(str(r[2])) for r in body]


# --- nothing to report, and refusals -----------------------------------------------------


def test_a_period_without_sales_prints_a_plain_sentence(shop, bendahara, out, after_sales):
    first, _last = demo_days(shop)
    quiet = (first - timedelta(days=40), first - timedelta(days=10))
    assert not monthly_sales(shop, *quiet).any_sales
    for write, name in ((write_monthly, "bulanan"), (write_margin, "laba")):
        text = pdf_text(write(shop, out / f"{name}.pdf", *quiet, printed_by=bendahara))
        assert "Tidak ada penjualan" in text and "Total" not in text
        book = openpyxl.load_workbook(write(shop, out / f"{name}.xlsx", *quiet, "xlsx",
                                            printed_by=bendahara))
        assert book.worksheets[0]["A6"].value == "Tidak ada penjualan pada periode ini."
        lines = csv_rows(write(shop, out / f"{name}.csv", *quiet, "csv",
                               printed_by=bendahara))
        assert len(lines) == 1                                # the header only


@pytest.mark.parametrize("period, message", [
    (lambda first, today: (first, first - timedelta(days=1)), "sesudah tanggal akhir"),
    (lambda first, today: (today, today + timedelta(days=1)), "belum tiba"),
    (lambda first, today: ("2026-11-01", today), "tidak valid"),
    (lambda first, today: (first, None), "tidak valid"),
])
def test_a_bad_period_writes_nothing(shop, bendahara, out, snapshot, after_sales,
                                     period, message):
    first, today = demo_days(shop)[0], after_sales
    before = snapshot(shop)
    for write in (write_monthly, write_margin):
        for fmt in ("pdf", "xlsx", "csv"):
            with pytest.raises(UserError, match=message):
                write(shop, out / f"r.{fmt}", *period(first, today), fmt,
                      printed_by=bendahara)
    assert os.listdir(out) == [] and snapshot(shop) == before


def test_a_monthly_report_longer_than_a_year_is_refused(shop, bendahara, out, after_sales):
    _first, last = demo_days(shop)
    with pytest.raises(UserError, match="paling panjang 366 hari"):
        write_monthly(shop, out / "r.pdf", last - timedelta(days=366), last,
                      printed_by=bendahara)
    assert os.listdir(out) == []


def test_a_cashier_may_not_print_them(shop, kasir, out, snapshot, after_sales):
    first, last = demo_days(shop)
    before = snapshot(shop)
    for write in (write_monthly, write_margin):
        with pytest.raises(PermissionDenied):
            write(shop, out / "r.pdf", first, last, printed_by=kasir)
    assert os.listdir(out) == [] and snapshot(shop) == before


def test_an_unknown_format_or_folder_is_refused(shop, bendahara, out, after_sales):
    first, last = demo_days(shop)
    with pytest.raises(UserError, match="Format laporan"):
        write_margin(shop, out / "r.doc", first, last, "doc", printed_by=bendahara)
    with pytest.raises(UserError, match="tidak ada"):
        write_monthly(shop, out / "no" / "r.pdf", first, last, printed_by=bendahara)
    assert os.listdir(out) == []


# --- the rate ----------------------------------------------------------------------------


@pytest.mark.parametrize("margin, sales, expected, text", [
    (234, 1000, 234, "23,4%"), (2345, 10_000, 235, "23,5%"), (-2345, 10_000, -235, "-23,5%"),
    (1, 3, 333, "33,3%"), (2, 3, 667, "66,7%"), (0, 5, 0, "0,0%"), (5, 0, None, "–"),
    (5, -10, None, "–"), (100_000, 1000, 100_000, "10.000,0%"),
])
def test_the_margin_rate_is_rounded_once_in_integers(margin, sales, expected, text):
    assert margin_permille(margin, sales) == expected
    assert format_permille(expected) == text


@given(st.integers(-10**12, 10**12), st.integers(1, 10**12))
def test_the_rate_is_within_half_a_tenth_of_a_percent(margin, sales):
    rate = margin_permille(margin, sales)
    # |rate/1000 − margin/sales| ≤ 1/2000, in integers.
    assert abs(rate * sales * 2 - margin * 2000) <= sales
