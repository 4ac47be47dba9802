"""Read-only lists on the screens: built, filled and opened the same way everywhere."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.ui.widgets import key_button

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def list_table(name: str, headers: list[str], widths: list[int], *, stretch: int = 0
               ) -> QTableWidget:
    """A read-only list: whole rows selected, one at a time. The ``stretch`` column (a name)
    takes the width the others leave, so the amounts on the right are never cut off."""
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTabKeyNavigation(False)
    for column, width in enumerate(widths):
        table.setColumnWidth(column, width)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def fill(table: QTableWidget, rows: list[tuple], right: tuple[int, ...] = ()) -> None:
    """Rows of text; ``right`` columns (amounts) aligned right. Keeps the selected row."""
    keep = table.currentRow()
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem(value)
            if c in right:
                item.setTextAlignment(RIGHT)
            table.setItem(r, c, item)
    if rows:
        table.selectRow(min(max(keep, 0), len(rows) - 1))


def shortcut(parent: QWidget, key: str, slot) -> None:
    s = QShortcut(QKeySequence(key), parent)
    s.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    s.activated.connect(slot)


def enter_opens(table: QTableWidget, slot) -> None:
    """Enter (or a double click) on a row opens it."""
    table.activated.connect(lambda _index: slot())


def button_row(parent: QWidget, note: QWidget, buttons) -> QHBoxLayout:
    """The row under a list: ``note`` (a count or a message) on the left, then a key button
    for each ``(text, key, slot, allowed)``; one the role may not use is hidden."""
    row = QHBoxLayout()
    row.addWidget(note, 1)
    for text, key, slot, allowed in buttons:
        button = key_button(text, key, parent, slot)
        button.setVisible(allowed)
        row.addWidget(button)
    return row
