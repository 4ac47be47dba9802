"""Report tables, shared by the PDF, XLSX and CSV writers.

A column knows what its cells hold — text, rupiah, a quantity in thousandths, a count — so
each writer shows the same integer its own way: ``15.000`` right-aligned on paper, the
number 15000 in rupiah format in a spreadsheet, ``15000`` in a CSV. A line is data, a group
heading, a subtotal or a total; the writers style them, and a CSV keeps only the data, so a
column summed in a spreadsheet is never counted twice.

Imports the domain's money formatting only; never Qt.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from app.models.money import format_number, format_qty

TEXT, MONEY, QTY, COUNT = "text", "money", "qty", "count"
#: A rate in tenths of a percent (234 = 23,4%), always shown with its one decimal.
PERMILLE = "permille"
DATA, GROUP, SUBTOTAL, TOTAL = "data", "group", "subtotal", "total"


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = TEXT
    #: The share of the page's spare width a text column takes (numbers take what they need).
    weight: float = 1.0

    @property
    def numeric(self) -> bool:
        return self.kind != TEXT


@dataclass(frozen=True)
class Line:
    """One row: ``cells`` in column order (int for numbers, str for text, None for blank);
    a GROUP line has one cell, its heading."""

    cells: tuple
    style: str = DATA


@dataclass(frozen=True)
class ReportTable:
    columns: tuple[Column, ...]
    lines: tuple[Line, ...]
    caption: str = ""
    #: The worksheet's name when the table goes to a spreadsheet.
    sheet: str = ""
    #: Printed instead of an empty table.
    empty: str = ""

    def __post_init__(self):
        for line in self.lines:
            expected = 1 if line.style == GROUP else len(self.columns)
            if len(line.cells) != expected:
                raise ValueError(f"a {line.style} line of {len(line.cells)} cells in a table"
                                 f" of {len(self.columns)} columns")

    @property
    def data(self) -> list[Line]:
        return [line for line in self.lines if line.style == DATA]


def data(*cells) -> Line:
    return Line(tuple(cells))


def group(heading: str) -> Line:
    return Line((heading,), GROUP)


def subtotal(*cells) -> Line:
    return Line(tuple(cells), SUBTOTAL)


def total(*cells) -> Line:
    return Line(tuple(cells), TOTAL)


def cell_text(column: Column, value, *, grouped: bool = True) -> str:
    """A cell as people read it: ``15.000``, ``1,25``; ``grouped=False`` for machines."""
    if value is None:
        return ""
    if column.kind in (MONEY, COUNT):
        return format_number(value) if grouped else str(value)
    if column.kind == QTY:
        return format_qty(value, grouped=grouped)
    if column.kind == PERMILLE:
        whole, tenth = divmod(abs(value), 10)
        sign = "-" if value < 0 else ""
        return f"{sign}{format_number(whole) if grouped else whole},{tenth}"
    return str(value)


def csv_bytes(tables: Sequence[ReportTable]) -> bytes:
    """The data lines of ``tables`` (normally one) under their column titles: UTF-8 with a
    BOM so Excel shows the letters right, comma-separated, numbers without separators."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    for n, table in enumerate(tables):
        if n:
            writer.writerow([])
        writer.writerow([c.title for c in table.columns])
        for line in table.data:
            writer.writerow([cell_text(c, v, grouped=False)
                             for c, v in zip(table.columns, line.cells, strict=True)])
    return out.getvalue().encode("utf-8-sig")
