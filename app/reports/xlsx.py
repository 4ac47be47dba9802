"""Reports as spreadsheets: one worksheet per table, ready to sort, filter and sum.

Every sheet opens with the cooperative, the report's title and period and who printed it,
then the table: a frozen header row with an autofilter over the data, numbers written as
numbers (rupiah in ``#,##0``, quantities with up to three decimals), text always as text
(a name starting with ``=`` is no formula, a barcode keeps its zeros), totals in bold below.
It prints on A4 as wide as the page, with the header row on every sheet of paper.

Imports the domain, ``app.i18n`` and ``app.reports``; never Qt.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from io import BytesIO

import xlsxwriter

from app.i18n import _
from app.models.money import QTY_SCALE
from app.models.settings import ShopSettings
from app.reports.document_pdf import printed_line
from app.reports.tabular import (
    COUNT,
    DATA,
    GROUP,
    MONEY,
    PERMILLE,
    QTY,
    TOTAL,
    ReportTable,
    cell_text,
)

RUPIAH_FORMAT = "#,##0"
WHOLE_FORMAT = "#,##0"
#: Up to three decimals without trailing zeros (a whole number takes WHOLE_FORMAT instead,
#: so it shows no stray decimal point).
QTY_FORMAT = "#,##0.0##"
#: Rows above the table: cooperative, title, period and printer, a blank row.
HEADER_ROW = 4
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def qty_number(qty: int) -> int | Decimal:
    """Thousandths as the exact decimal a spreadsheet shows: 1250 → 1.25."""
    return qty // QTY_SCALE if qty % QTY_SCALE == 0 else Decimal(qty).scaleb(-3)


def _sheet_name(table: ReportTable, n: int, taken: set[str]) -> str:
    name = _BAD_SHEET_CHARS.sub(" ", table.sheet or table.caption or "").strip()[:31]
    name = name or _("Lembar {n}").format(n=n)
    base, k = name, 2
    while name.lower() in taken:
        suffix = f" ({k})"
        name, k = base[:31 - len(suffix)] + suffix, k + 1
    taken.add(name.lower())
    return name


def _footer_text(text: str) -> str:
    """Text for a page header/footer: ``&`` starts a code there."""
    return text.replace("&", "&&")


class _Formats:
    def __init__(self, book):
        self.book = book
        self._cache: dict[tuple, object] = {}

    def get(self, *, bold=False, num=None, top=0, bg=None, wrap=False, size=None,
            right=False):
        key = (bold, num, top, bg, wrap, size, right)
        if key not in self._cache:
            spec = {"bold": bold, "top": top, "valign": "top"}
            if right:
                spec["align"] = "right"
            if num:
                spec["num_format"] = num
            if bg:
                spec["bg_color"] = bg
            if wrap:
                spec["text_wrap"] = True
            if size:
                spec["font_size"] = size
            self._cache[key] = self.book.add_format(spec)
        return self._cache[key]


def _write_table(ws, table: ReportTable, fmt: _Formats) -> None:
    columns = table.columns
    widths = [max(len(w) for w in (c.title.split() or [""])) + 2 for c in columns]
    ws.set_row(HEADER_ROW, 30)
    for i, column in enumerate(columns):
        ws.write_string(HEADER_ROW, i, column.title,
                        fmt.get(bold=True, bg="#E4E4E4", wrap=True, top=1, right=column.numeric))
    row = HEADER_ROW
    last_data = HEADER_ROW
    for line in table.lines:
        row += 1
        strong = line.style != DATA
        top = 2 if line.style == TOTAL else 1 if strong and line.style != GROUP else 0
        bg = "#DFE7EF" if line.style == GROUP else "#EEEEEE" if strong else None
        if line.style in (DATA, GROUP):
            last_data = row
        if line.style == GROUP:
            ws.write_string(row, 0, line.cells[0], fmt.get(bold=True, bg=bg))
            continue
        for i, (column, value) in enumerate(zip(columns, line.cells, strict=True)):
            widths[i] = max(widths[i], min(len(cell_text(column, value)) + 2, 60))
            if value is None or value == "":
                if strong:
                    ws.write_blank(row, i, None, fmt.get(bold=True, top=top, bg=bg))
                continue
            if column.kind == MONEY:
                ws.write_number(row, i, value,
                                fmt.get(bold=strong, num=RUPIAH_FORMAT, top=top, bg=bg))
            elif column.kind == COUNT:
                ws.write_number(row, i, value,
                                fmt.get(bold=strong, num=WHOLE_FORMAT, top=top, bg=bg))
            elif column.kind == PERMILLE:
                ws.write_number(row, i, Decimal(value).scaleb(-1),
                                fmt.get(bold=strong, num="0.0", top=top, bg=bg))
            elif column.kind == QTY:
                number = qty_number(value)
                ws.write_number(row, i, number, fmt.get(
                    bold=strong, num=QTY_FORMAT if isinstance(number, Decimal) else WHOLE_FORMAT,
                    top=top, bg=bg))
            else:
                ws.write_string(row, i, str(value), fmt.get(bold=strong, top=top, bg=bg))
    for i, width in enumerate(widths):
        ws.set_column(i, i, max(width, 8))
    ws.freeze_panes(HEADER_ROW + 1, 0)
    ws.autofilter(HEADER_ROW, 0, last_data, len(columns) - 1)
    if not table.lines and table.empty:
        ws.write_string(HEADER_ROW + 1, 0, table.empty)


def workbook_bytes(tables: Sequence[ReportTable], *, settings: ShopSettings, title: str,
                   period: str, printed_by: str, printed_at: str) -> bytes:
    """A workbook with a sheet for each of ``tables``; ``printed_at`` is a UTC ISO instant."""
    out = BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False,
                                     "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"title": title, "author": settings.cooperative_name,
                         "company": settings.cooperative_name, "comments": "Gerai"})
    fmt = _Formats(book)
    printed = printed_line(printed_by, printed_at, settings.zone)
    taken: set[str] = set()
    for n, table in enumerate(tables, start=1):
        ws = book.add_worksheet(_sheet_name(table, n, taken))
        ws.write_string(0, 0, _("{cooperative} · {shop} ({code})").format(
            cooperative=settings.cooperative_name, shop=settings.shop_name,
            code=settings.shop_code), fmt.get(bold=True))
        heading = f"{title} — {table.caption}" if table.caption else title
        ws.write_string(1, 0, heading, fmt.get(bold=True, size=13))
        ws.write_string(2, 0, f"{period} · {printed}" if period else printed)
        _write_table(ws, table, fmt)
        ws.set_paper(9)                     # A4
        if len(table.columns) > 6:
            ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(HEADER_ROW)
        ws.set_footer("&L&8" + _footer_text(printed) + "&R&8" + _footer_text(
            _("Halaman {page} dari {pages}")).format(page="&P", pages="&N"))
    book.close()
    return out.getvalue()
