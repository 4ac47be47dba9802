"""The treasurer's sales reports: ``monthly`` (net sales, COGS and gross margin of a period,
by category and by day, with a bar chart of the days) and ``margin`` (the same per product,
the best and the worst earners, and what sold below cost).

Figures come from ``app.models.report_sales``; this module only arranges them. A margin
rate is written in a quantity column (tenths of a percent as thousandths): the paper shows
``23,4`` and the spreadsheet holds the number 23.4, which sorts and sums as a rate should.

Imports the domain, ``app.i18n`` and ``app.reports``; never Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from app.i18n import _
from app.models.clock import day_text, now_iso
from app.models.db import Database
from app.models.money import format_number, format_rupiah
from app.models.report_sales import (
    CategorySales,
    MarginReport,
    MonthlySales,
    ProductMargin,
    SalesFigures,
    format_permille,
    margin_by_product,
    monthly_sales,
)
from app.models.settings import get_settings
from app.models.users import User, require
from app.reports import document_pdf as paper
from app.reports.document_pdf import Document, Fields, Figure, Note, period_text
from app.reports.output import check_format, check_target, save_report
from app.reports.stock_reports import category_label
from app.reports.tabular import (
    COUNT,
    MONEY,
    PERMILLE,
    QTY,
    Column,
    ReportTable,
    data,
    group,
    subtotal,
    total,
)

# --- shared pieces ------------------------------------------------------------------------


def _rate(figures: SalesFigures) -> int | None:
    """The margin rate in tenths of a percent (234 = 23,4%)."""
    return figures.margin_permille


def _money_columns() -> tuple[Column, ...]:
    return (Column(_("Penjualan bersih (Rp)"), MONEY), Column(_("HPP (Rp)"), MONEY),
            Column(_("Laba kotor (Rp)"), MONEY), Column(_("Margin (%)"), PERMILLE))


def _money_cells(figures: SalesFigures) -> tuple:
    return figures.sales, figures.cogs, figures.margin, _rate(figures)


def _category_name(item: CategorySales) -> str:
    return _("Barang titipan (komisi)") if item.consigned else category_label(item.category)


def category_table(rows: tuple[CategorySales, ...], whole: SalesFigures) -> ReportTable:
    lines = [data(_category_name(c), *_money_cells(c)) for c in rows]
    if rows:
        lines.append(total(_("Total"), *_money_cells(whole)))
    return ReportTable((Column(_("Kategori"), weight=2), *_money_columns()), tuple(lines),
                       caption=_("Per kategori"), sheet=_("Per kategori"),
                       empty=_("Tidak ada penjualan pada periode ini."))


def _summary(figures: SalesFigures) -> list[tuple[str, str]]:
    return [(_("Penjualan bersih"), format_rupiah(figures.sales)),
            (_("HPP"), format_rupiah(figures.cogs)),
            (_("Laba kotor"), format_rupiah(figures.margin)),
            (_("Margin kotor"), format_permille(figures.margin_permille))]


def _note() -> Note:
    return Note(_("Penjualan bersih = penjualan setelah diskon, dikurangi retur dan pembatalan"
                  " (dihitung pada hari barang kembali). HPP = harga pokok rata-rata saat"
                  " barang terjual; untuk barang titipan = hak produsen, sehingga laba"
                  " kotornya adalah komisi gerai. Margin = laba kotor ÷ penjualan bersih;"
                  " kosong bila tidak ada penjualan bersih."))


def _no_sales() -> Note:
    return Note(_("Tidak ada penjualan, retur, maupun pembatalan pada periode ini."),
                heading=_("Tidak ada penjualan"))


# --- the bar chart of the days ------------------------------------------------------------


@dataclass(frozen=True)
class DayChart:
    """A bar per day (rupiah; a day with more returned than sold goes below the line)."""

    title: str
    days: tuple[date, ...]
    values: tuple[int, ...]


def _axis_units() -> tuple[tuple[int, int, str], ...]:
    """(for a step of at least, divide by, suffix): millions once a step is a tenth of one,
    so every tick is a whole number of tenths of its unit."""
    return ((100_000, 1_000_000, _("jt")), (100, 1_000, _("rb")), (0, 1, ""))


def _nice_step(span: int) -> int:
    """A step of 1, 2 or 5 × 10ⁿ rupiah that cuts ``span`` into at most about six parts."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if span <= step * factor * 6:
                return step * factor
        step *= 10


def _axis_label(value, divisor: int, suffix: str) -> str:
    """``1,5 jt``, ``250 rb``, ``0``: a tick in the unit of the axis."""
    value = int(round(value))
    if value == 0:
        return "0"
    whole, rest = divmod(abs(value), divisor)
    text = format_number(whole) + (f",{rest * 10 // divisor}" if rest else "")
    return ("-" if value < 0 else "") + (f"{text} {suffix}" if suffix else text)


def _day_labels(days: tuple[date, ...], bar_width: float, font: str) -> list[str]:
    """The day of the month under its bar (day/month when the period crosses a month);
    every n-th day only when the bars are too narrow for each to have its label."""
    one_month = len({(d.year, d.month) for d in days}) == 1
    labels = [str(d.day) if one_month else f"{d.day}/{d.month}" for d in days]
    widest = max((stringWidth(t, font, 6) for t in labels), default=0)
    every = 1
    while widest + 2 > bar_width * every:
        every += 1
    return [t if n % every == 0 else "" for n, t in enumerate(labels)]


def chart_drawing(chart: DayChart, width: float) -> Drawing:
    fonts = paper.fonts()
    height = 62 * mm
    left, bottom, top = 14 * mm, 10 * mm, 9 * mm
    low, high = min(0, *chart.values), max(0, *chart.values)
    step = _nice_step(max(high - low, 1))
    divisor, suffix = next((d, s) for least, d, s in _axis_units() if step >= least)
    low, high = (low // step) * step, max(-(-high // step) * step, step)
    drawing = Drawing(width, height)
    bars = VerticalBarChart()
    bars.x, bars.y = left, bottom
    bars.width, bars.height = width - left - 2 * mm, height - bottom - top
    bars.data = [list(chart.values)]
    day = bars.width / len(chart.values)
    bars.barWidth = min(day * 0.75, 10 * mm)          # no slab when there are few days
    bars.groupSpacing = day - bars.barWidth
    bars.bars[0].fillColor = colors.HexColor("#4a78a8")
    bars.bars[0].strokeColor = None
    for n, value in enumerate(chart.values):
        if value < 0:
            bars.bars[(0, n)].fillColor = colors.HexColor("#c0392b")
    axis = bars.valueAxis
    axis.valueMin, axis.valueMax, axis.valueStep = low, high, step
    axis.labelTextFormat = partial(_axis_label, divisor=divisor, suffix=suffix)
    axis.labels.fontName, axis.labels.fontSize = fonts.regular, 6.5
    axis.visibleGrid, axis.gridStrokeColor, axis.gridStrokeWidth = True, colors.HexColor(
        "#d0d0d0"), 0.4
    axis.strokeWidth = axis.gridStrokeWidth
    category = bars.categoryAxis
    category.categoryNames = _day_labels(chart.days, bars.width / len(chart.days),
                                         fonts.regular)
    category.labels.fontName, category.labels.fontSize = fonts.regular, 6
    category.labels.boxAnchor, category.labels.dy = "n", -2
    category.labelAxisMode = "low"                    # under the chart, below any loss
    category.strokeWidth, category.tickDown = 0.6, 1.5
    drawing.add(bars)
    drawing.add(String(0, height - 4 * mm, paper._t(chart.title), fontName=fonts.bold,
                       fontSize=10))
    drawing.add(String(left + bars.width / 2, 1 * mm, paper._t(_("Tanggal")),
                       fontName=fonts.regular, fontSize=6.5, textAnchor="middle",
                       fillColor=paper.GREY))
    return drawing


# --- monthly ------------------------------------------------------------------------------


def _weekday(day: date) -> str:
    return (_("Senin"), _("Selasa"), _("Rabu"), _("Kamis"), _("Jumat"), _("Sabtu"),
            _("Minggu"))[day.weekday()]


def day_table(month: MonthlySales) -> ReportTable:
    lines = []
    if month.any_sales:
        lines = [data(day_text(d.day), _weekday(d.day), d.transactions, *_money_cells(d))
                 for d in month.by_day]
        lines.append(total(_("Total"), "", month.transactions, *_money_cells(month.total)))
    return ReportTable((Column(_("Tanggal")), Column(_("Hari")), Column(_("Transaksi"), COUNT),
                        *_money_columns()), tuple(lines), caption=_("Per hari"),
                       sheet=_("Per hari"), empty=_("Tidak ada penjualan pada periode ini."))


def monthly_document(month: MonthlySales) -> tuple[Document, tuple[ReportTable, ...]]:
    """The paper and the spreadsheet's tables (by day first: the CSV's table)."""
    by_day = day_table(month)
    by_category = category_table(month.by_category, month.total)
    title, period = _("PENJUALAN DAN LABA KOTOR"), period_text(month.date_from, month.date_to)
    if not month.any_sales:
        return Document(title, (_no_sales(),), period=period), (by_day, by_category)
    pairs = [(_("Penjualan kotor"), format_rupiah(month.gross)),
             (_("Retur dan batal"), format_rupiah(-month.returned)),
             *_summary(month.total),
             (_("Transaksi"), format_number(month.transactions)),
             (_("Rata-rata belanja"), format_rupiah(month.average_sale))]
    chart = DayChart(_("Penjualan bersih per hari"), tuple(d.day for d in month.by_day),
                     tuple(d.sales for d in month.by_day))
    blocks = (Fields(tuple(pairs)), Figure(partial(chart_drawing, chart)), by_category, by_day,
              _note())
    return Document(title, blocks, period=period), (by_day, by_category)


def write_monthly(db: Database, out, date_from: date, date_to: date, format: str = "pdf", *,
                  printed_by: User) -> Path:
    """Net sales, COGS and gross margin of a period (typically a month), by category and by
    day, with a bar chart of the days on paper (PDF, XLSX or CSV of the days)."""
    require(printed_by, "report.finance")
    check_format(format)
    check_target(out)
    document, sheets = monthly_document(monthly_sales(db, date_from, date_to))
    return save_report(out, format, settings=get_settings(db), printed_by=printed_by.full_name,
                       printed_at=now_iso(), document=document, sheets=sheets)


# --- margin -------------------------------------------------------------------------------


def _product_columns() -> tuple[Column, ...]:
    return (Column(_("Terjual"), QTY), Column(_("Satuan")), *_money_columns())


def _product_cells(p: ProductMargin) -> tuple:
    return p.qty, p.unit, *_money_cells(p)


def _group_name(p: ProductMargin) -> str:
    return _("Barang titipan (komisi)") if p.consigned else category_label(p.category)


def ranked_table(products: list[ProductMargin], caption: str, sheet: str, empty: str
                 ) -> ReportTable:
    lines = [data(n, p.name, _group_name(p), *_product_cells(p))
             for n, p in enumerate(products, start=1)]
    return ReportTable((Column(_("No."), COUNT), Column(_("Produk"), weight=2.5),
                        Column(_("Kategori"), weight=1.2), *_product_columns()), tuple(lines),
                       caption=caption, sheet=sheet, empty=empty)


def product_tables(report: MarginReport) -> tuple[ReportTable, ReportTable]:
    """(by category with subtotals, for paper; one flat list, for a spreadsheet)."""
    yes = _("YA")
    grouped, flat = [], []
    for item in report.by_category:
        name = _category_name(item)
        members = [p for p in report.products if p.consigned == item.consigned
                   and (p.consigned or p.category == item.category)]
        grouped.append(group(name))
        for p in members:
            flag = yes if p.below_cost else ""
            grouped.append(data(p.name, *_product_cells(p), flag))
            flat.append(data(name, p.name, *_product_cells(p), flag))
        grouped.append(subtotal(_("Subtotal {category}").format(category=name), None, "",
                                *_money_cells(item), ""))
    if report.products:
        grouped.append(total(_("Total"), None, "", *_money_cells(report.total), ""))
    columns = (*_product_columns(), Column(_("Di bawah HPP")))
    empty = _("Tidak ada penjualan pada periode ini.")
    return (ReportTable((Column(_("Produk"), weight=2.5), *columns), tuple(grouped),
                        caption=_("Semua produk"), empty=empty),
            ReportTable((Column(_("Kategori"), weight=1.2), Column(_("Produk"), weight=2.5),
                         *columns), tuple(flat), sheet=_("Per produk"), empty=empty))


def margin_document(report: MarginReport) -> tuple[Document, tuple[ReportTable, ...]]:
    """The paper and the spreadsheet's tables (every product first: the CSV's table)."""
    title, period = _("LABA KOTOR PER PRODUK"), period_text(report.date_from, report.date_to)
    grouped, flat = product_tables(report)
    best = ranked_table(report.best(), _("Laba kotor terbesar"), _("Terbesar"),
                        _("Tidak ada penjualan pada periode ini."))
    worst = ranked_table(report.worst(), _("Laba kotor terkecil"), _("Terkecil"),
                         _("Tidak ada penjualan pada periode ini."))
    below = ranked_table(report.below_cost, _("Dijual di bawah HPP (rugi)"),
                         _("Di bawah HPP"), _("Tidak ada produk yang dijual di bawah HPP."))
    by_category = category_table(report.by_category, report.total)
    sheets = (flat, by_category, best, worst, below)
    if not report.products:
        return Document(title, (_no_sales(),), period=period, landscape=True), sheets
    pairs = [*_summary(report.total),
             (_("Produk terjual"), format_number(len(report.products))),
             (_("Di bawah HPP"), format_number(len(report.below_cost)))]
    blocks = (Fields(tuple(pairs), columns=3), by_category, below, best, worst, grouped,
              _note())
    return Document(title, blocks, period=period, landscape=True), sheets


def write_margin(db: Database, out, date_from: date, date_to: date, format: str = "pdf", *,
                 printed_by: User) -> Path:
    """Quantity, sales, COGS and margin per product and category over a period, the 20
    best and 20 worst products by margin, and those sold below cost (PDF, XLSX or CSV of
    the products)."""
    require(printed_by, "report.finance")
    check_format(format)
    check_target(out)
    document, sheets = margin_document(margin_by_product(db, date_from, date_to))
    return save_report(out, format, settings=get_settings(db), printed_by=printed_by.full_name,
                       printed_at=now_iso(), document=document, sheets=sheets)
