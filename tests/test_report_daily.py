"""The treasurer's daily takings on the demo shop: every figure against sums taken straight
from the sales, payments and shifts tables, and the paper, the workbook and the CSV read
back against the model."""

from __future__ import annotations

import csv
import os
import re
import subprocess
from datetime import UTC, date, datetime, time, timedelta

import openpyxl
import pytest

from app.models import preorders
from app.models.cart import Cart, add_product
from app.models.clock import ZONES, frozen_clock
from app.models.errors import PermissionDenied, UserError
from app.models.report_daily import METHODS, daily_report
from app.models.returns import void_sale
from app.models.sales import PaymentInput, complete_sale
from app.models.shifts import cash_in_out, open_shift, shift_summary
from app.reports.daily_report import write_daily
from app.reports.xlsx import RUPIAH_FORMAT

TILL = "KASIR-1"
ZONE = ZONES["WIB"]            # the demo shop's zone
_NUMBER = re.compile(r"^-?\d{1,3}(?:\.\d{3})*$")


# --- independent sums, straight from the tables -------------------------------------------


def bounds(first: date, last: date) -> tuple[str, str]:
    """The shop's days first..last as stored UTC text, worked out here, not by the app."""
    def utc(day: date) -> str:
        return datetime.combine(day, time(0), ZONE).astimezone(UTC).strftime(
            "%Y-%m-%dT%H:%M:%S.000Z")
    return utc(first), utc(last + timedelta(days=1))


def demo_days(db) -> list[date]:
    """The days the demo sold on, in the shop's zone."""
    found = {datetime.fromisoformat(r[0].replace("Z", "+00:00")).astimezone(ZONE).date()
             for r in db.query("SELECT created_at FROM sales")}
    return sorted(found)


def paid(db, first: date, last: date) -> dict[tuple[str, str], int]:
    """(sale or return, method) → sum of the payments of the sales made on those days."""
    return {(r[0], r[1]): r[2] for r in db.query(
        "SELECT CASE WHEN s.kind = 'sale' THEN 'sale' ELSE 'return' END, p.method,"
        " sum(p.amount) FROM payments p JOIN sales s ON s.id = p.sale_id"
        " WHERE s.created_at >= ? AND s.created_at < ? GROUP BY 1, 2", bounds(first, last))}


def sales_sums(db, first: date, last: date) -> tuple[int, int, int, int]:
    row = db.one("SELECT sum(kind = 'sale'), sum(kind <> 'sale'),"
                 " sum(CASE WHEN kind = 'sale' THEN total ELSE 0 END),"
                 " sum(CASE WHEN kind <> 'sale' THEN total ELSE 0 END)"
                 " FROM sales WHERE created_at >= ? AND created_at < ?", bounds(first, last))
    return tuple(v or 0 for v in row)


def figures(takings) -> dict:
    return {"counts": (takings.sales_count, takings.returns_count, takings.gross,
                       takings.returns),
            "methods": {m.method: (m.sales, m.returns, m.net) for m in takings.methods}}


# --- reading the files back ------------------------------------------------------------------


def pdf_text(path) -> str:
    text = subprocess.run(["pdftotext", "-layout", "-nodiag", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.replace("\u2007", " ").replace("\u2008", " ")


def numbers(line: str) -> list[int]:
    """The printed amounts of a line (``16.446.950``, ``-89.600``), left to right; times
    and document numbers are not amounts."""
    return [int(t.replace(".", "")) for t in line.split() if _NUMBER.match(t)]


def lines_with(text: str, *labels: str, without: str = "") -> list[str]:
    return [line for line in text.splitlines()
            if all(label in line for label in labels) and not (without and without in line)]


def local_time(iso: str) -> str:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(ZONE).strftime(
        "%H:%M")


def csv_rows(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def sheet_values(ws, first_row: int = 6) -> list[tuple]:
    return [tuple(c.value for c in row) for row in ws.iter_rows(min_row=first_row)
            if any(c.value is not None for c in row)]


# --- the figures ---------------------------------------------------------------------------


def test_each_days_takings_by_method_equal_the_payments_of_that_days_sales(shop, bendahara):
    days = demo_days(shop)
    assert len(days) == 3
    report = daily_report(shop, days[0], days[-1])
    assert [d.day for d in report.days] == days
    for day in report.days:
        sums = paid(shop, day.day, day.day)
        for m in day.takings.methods:
            assert (m.sales, m.returns) == (sums.get(("sale", m.method), 0),
                                            sums.get(("return", m.method), 0)), (day.day, m)
        t = day.takings
        assert (t.sales_count, t.returns_count, t.gross, t.returns) == sales_sums(
            shop, day.day, day.day)
        # Payments cover each sale exactly, so by method they add up to the sales.
        assert sum(m.net for m in t.methods) == t.net == t.gross + t.returns
        assert t.received == sum(t.method(m).net for m in ("cash", "qris", "transfer"))
    # The demo has what the report is about: returns, QRIS and bon.
    total = report.total
    assert total.returns_count and total.returns < 0
    assert total.method("qris").sales and total.method("bon").sales
    assert total.method("cash").returns < 0 or total.method("qris").returns < 0


def test_the_days_of_any_period_add_up_to_the_period_and_to_their_own_reports(shop):
    days = demo_days(shop)
    singles = {d: daily_report(shop, d, d).days[0] for d in days}
    for i, first in enumerate(days):
        for last in days[i:]:
            report = daily_report(shop, first, last)
            assert len(report.days) == (last - first).days + 1
            t = report.total
            assert (t.sales_count, t.returns_count, t.gross, t.returns) == sales_sums(
                shop, first, last)
            for method in METHODS:
                by_day = [d.takings.method(method) for d in report.days]
                assert (sum(m.sales for m in by_day), sum(m.returns for m in by_day)) == (
                    t.method(method).sales, t.method(method).returns)
            for name in ("sales_count", "returns_count", "gross", "returns"):
                assert sum(getattr(d.takings, name) for d in report.days) == getattr(t, name)
            # A day reads the same alone as inside a longer period.
            for day in report.days:
                assert day == singles[day.day]


def test_each_shift_shows_the_figures_of_its_own_z_report(shop):
    days = demo_days(shop)
    report = daily_report(shop, days[0], days[-1])
    stored = {r["number"]: r for r in shop.query("SELECT * FROM shifts")}
    assert {s.summary.shift.number for s in report.shifts} == set(stored)
    for shift in report.shifts:
        s = shift.summary
        z = stored[s.shift.number]
        assert shift.closed and z["closed_at"]
        # What close_shift wrote when the drawer was counted (the Z report's figures).
        assert (s.expected_cash, s.counted_cash, s.over_short) == (
            z["expected_cash"], z["counted_cash"], z["over_short"])
        assert s == shift_summary(shop, z["id"])
        # The drawer as the paper adds it up: float + cash sales − cash refunds + in − out.
        assert (s.shift.opening_float + shift.cash_sales + shift.cash_refunds + s.cash_in
                - s.cash_out) == s.expected_cash
        cash = shop.one("SELECT sum(CASE WHEN s.kind = 'sale' THEN p.amount ELSE 0 END),"
                        " sum(CASE WHEN s.kind <> 'sale' THEN p.amount ELSE 0 END)"
                        " FROM payments p JOIN sales s ON s.id = p.sale_id"
                        " WHERE s.shift_id = ? AND p.method = 'cash'", (z["id"],))
        assert (shift.cash_sales, shift.cash_refunds) == (cash[0], cash[1])
    assert report.over_short == sum(r["over_short"] for r in stored.values())
    for day in report.days:
        assert day.cash_in - day.cash_out == sum(
            s.summary.cash_in - s.summary.cash_out for s in day.shifts)


def test_the_pdf_prints_the_models_totals(shop, bendahara, tmp_path):
    days = demo_days(shop)
    report = daily_report(shop, days[0], days[-1])
    text = pdf_text(write_daily(shop, tmp_path / "kas.pdf", days[0], days[-1],
                                printed_by=bendahara))
    assert "LAPORAN KAS HARIAN" in text
    t = report.total
    [by_day, by_method] = lines_with(text, "Jumlah periode")
    assert numbers(by_method) == [t.gross, t.returns, t.net]
    assert numbers(by_day) == [t.sales_count, t.returns_count, t.gross, t.returns, t.net,
                               *(t.method(m).net for m in METHODS), report.over_short]
    # Each day's cash line, then the period's, in the order they are printed.
    cash_lines = lines_with(text, "Tunai", "di laci kasir")
    expected = [d.takings.method("cash") for d in report.days] + [t.method("cash")]
    assert [numbers(line) for line in cash_lines] == [[m.sales, m.returns, m.net]
                                                      for m in expected]
    for day in report.days:
        sums = lines_with(text, "Total", without="periode")
        assert [day.takings.gross, day.takings.returns, day.takings.net] in [
            numbers(line) for line in sums]
        for shift in day.shifts:
            s = shift.summary
            [drawer] = lines_with(text, s.shift.number, without=TILL)
            assert numbers(drawer) == [s.shift.opening_float, shift.cash_sales,
                                       shift.cash_refunds, s.cash_in, -s.cash_out,
                                       s.expected_cash, s.counted_cash, s.over_short]
            opened = local_time(s.shift.opened_at)
            [sold] = lines_with(text, s.shift.number, s.cashier, TILL, opened)
            assert numbers(sold) == [s.sales, s.returns, *(shift.method(m) for m in METHODS),
                                     shift.net]
        for r in day.returned:
            [line] = lines_with(text, r.number, r.original_number)
            assert r.reason in line and r.approved_by in line and numbers(line) == [r.total]
    assert "Bendahara" in text and bendahara.full_name in text


def test_the_workbook_has_a_sheet_per_table_and_its_main_sheet_is_the_csv(
        shop, bendahara, tmp_path):
    days = demo_days(shop)
    report = daily_report(shop, days[0], days[-1])
    xlsx = write_daily(shop, tmp_path / "kas.xlsx", days[0], days[-1], "xlsx",
                       printed_by=bendahara)
    table = write_daily(shop, tmp_path / "kas.csv", days[0], days[-1], "csv",
                        printed_by=bendahara)
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["Per cara bayar", "Per hari", "Penjualan per shift",
                               "Kas laci per shift", "Retur dan batal", "Kas masuk-keluar lain"]
    main = book["Per cara bayar"]
    assert main.freeze_panes == "A6"
    header = [c.value for c in main[5]]
    assert header == ["Tanggal", "Cara bayar", "Penjualan (Rp)", "Retur/batal (Rp)",
                      "Bersih (Rp)"]
    # Data rows are the ones with a method; day subtotals and the period total are bold.
    rows = sheet_values(main)
    body = [r for r in rows if r[1]]
    assert len(body) == len(days) * len(METHODS)
    assert rows[-1][0] == "Jumlah periode" and rows[-1][2:] == (
        report.total.gross, report.total.returns, report.total.net)
    for r in body:
        assert all(isinstance(v, int) for v in r[2:])
    money = next(main.iter_rows(min_row=6))[2]
    assert money.number_format == RUPIAH_FORMAT

    lines = csv_rows(table)
    assert lines[0] == header
    assert [tuple(r[:2]) + tuple(int(v) for v in r[2:]) for r in lines[1:]] == body
    assert sum(int(r[4]) for r in lines[1:]) == report.total.net

    def data_rows(name):
        return [r for r in sheet_values(book[name]) if r[0] and not r[0].startswith(("Total", "Jumlah"))]

    assert len(data_rows("Penjualan per shift")) == len(report.shifts)
    assert len(data_rows("Retur dan batal")) == report.total.returns_count
    assert len(data_rows("Kas masuk-keluar lain")) == sum(len(d.cash_moves)
                                                          for d in report.days)
    drawer = {r[1]: r for r in data_rows("Kas laci per shift")}
    for shift in report.shifts:
        s = shift.summary
        assert drawer[s.shift.number][-3:] == (s.expected_cash, s.counted_cash, s.over_short)


def test_an_open_shift_shows_belum_ditutup_with_its_void_deposit_and_cash_out(
        shop, kasir, manajer, bendahara, tmp_path):
    today = datetime.now(ZONE).date()
    gula = shop.scalar("SELECT id FROM products WHERE name = 'Gula Pasir 1 kg'")
    order = next(o for o in preorders.list_preorders(shop) if o.deposit)
    with frozen_clock(datetime.combine(today, time(10), ZONE)):
        shift = open_shift(shop, user=kasir, till=TILL, opening_float="200.000")
        sold = complete_sale(shop, user=kasir, till=TILL, cart=add_product(
            shop, Cart(), gula, qty=2000), payments=[PaymentInput("cash", 50_000)])
        complete_sale(shop, user=kasir, till=TILL, cart=add_product(shop, Cart(), gula),
                      payments=[PaymentInput("qris", 17_500, "QR123456")])
        preorders.fulfil_preorder(shop, user=kasir, till=TILL, preorder_id=order.id,
                                  payments=[PaymentInput("cash", order.due)])
        void = void_sale(shop, user=kasir, till=TILL, sale_id=sold.sale_id,
                         reason="Pembeli batal", supervisor=manajer)
        cash_in_out(shop, user=kasir, till=TILL, amount=-20_000, reason="Setor ke bendahara")
        report = daily_report(shop, today, today)
        pdf = write_daily(shop, tmp_path / "hari-ini.pdf", today, today, printed_by=bendahara)
        xlsx = write_daily(shop, tmp_path / "hari-ini.xlsx", today, today, "xlsx",
                           printed_by=bendahara)

    [day] = report.days
    t = day.takings
    assert (t.sales_count, t.returns_count, t.gross, t.returns) == (
        3, 1, 35_000 + 17_500 + order.total, -35_000)
    assert figures(t)["methods"] == {
        "cash": (35_000 + order.due, -35_000, order.due), "qris": (17_500, 0, 17_500),
        "transfer": (0, 0, 0), "bon": (0, 0, 0), "deposit": (order.deposit, 0, order.deposit)}
    [open_one] = day.shifts
    s = open_one.summary
    assert not open_one.closed and s.shift.id == shift.id
    assert s.expected_cash == 200_000 + order.due - 20_000 == shift_summary(
        shop, shift.id).expected_cash
    assert (s.counted_cash, s.over_short, day.over_short) == (None, None, 0)
    [returned] = day.returned
    assert (returned.number, returned.kind, returned.original_number, returned.total,
            returned.reason, returned.approved_by) == (
        void.number, "void", sold.number, -35_000, "Pembeli batal", manajer.full_name)
    [moved] = day.cash_moves
    assert (moved.amount, moved.reason, day.cash_out) == (-20_000, "Setor ke bendahara",
                                                          20_000)

    text = pdf_text(pdf)
    assert len(lines_with(text, shift.number, "belum ditutup")) == 2   # sales and drawer
    [drawer] = lines_with(text, shift.number, "belum ditutup", without=TILL)
    assert numbers(drawer) == [200_000, 35_000 + order.due, -35_000, 0, -20_000,
                               s.expected_cash]          # nothing counted, no difference
    [line] = lines_with(text, void.number)
    assert "Batal" in line and sold.number in line and manajer.full_name in line
    [deposit] = lines_with(text, "Uang muka (DP) dipakai")
    assert numbers(deposit) == [order.deposit, 0, order.deposit]

    ws = openpyxl.load_workbook(xlsx)["Kas laci per shift"]
    [row] = [r for r in sheet_values(ws) if r[1] == shift.number]
    assert row[2:4] == (kasir.full_name, "belum ditutup") and row[-3:] == (s.expected_cash, None, None)


def test_a_quiet_day_prints_zeros_and_plain_sentences(shop, bendahara, tmp_path):
    quiet = demo_days(shop)[0] - timedelta(days=1)
    report = daily_report(shop, quiet, quiet)
    assert report.total.net == 0 and not report.shifts
    text = pdf_text(write_daily(shop, tmp_path / "sepi.pdf", quiet, quiet, printed_by=bendahara))
    assert "Tidak ada shift yang dibuka." in text
    assert "Tidak ada retur atau pembatalan." in text
    assert numbers(lines_with(text, "Tunai", "di laci kasir")[0]) == [0, 0, 0]


# --- refusals -----------------------------------------------------------------------------


def test_bad_input_is_refused_and_writes_nothing(shop, kasir, bendahara, tmp_path, snapshot):
    days = demo_days(shop)
    today = datetime.now(ZONE).date()
    out = tmp_path / "kas.pdf"
    before, files = snapshot(shop), sorted(os.listdir(tmp_path))
    cases = [
        (UserError, "sesudah tanggal akhir", (days[-1], days[0]), {}),
        (UserError, "melewati hari ini", (today, today + timedelta(days=1)), {}),
        (UserError, "melewati hari ini", (today + timedelta(days=5),) * 2, {}),
        (UserError, "paling panjang 31 hari", (today - timedelta(days=31), today), {}),
        (UserError, "tidak valid", ("kemarin", days[0]), {}),
        (UserError, "belum diisi", (None, days[0]), {}),
        (UserError, "Format laporan", (days[0], days[0]), {"format": "docx"}),
        (PermissionDenied, None, (days[0], days[-1]), {"printed_by": kasir}),
    ]
    for error, message, period, options in cases:
        options = {"printed_by": bendahara, **options}
        with pytest.raises(error, match=message):
            write_daily(shop, out, *period, **options)
        assert not out.exists()
    # A month is allowed; and a text day as typed at the prompt.
    daily_report(shop, today - timedelta(days=30), today)
    assert daily_report(shop, days[0].strftime("%d-%m-%Y"), days[0]).days[0].day == days[0]
    assert snapshot(shop) == before and sorted(os.listdir(tmp_path)) == files
