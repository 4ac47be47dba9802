"""A report's table on screen.

The screen shows the very ``ReportTable`` the PDF and the spreadsheet are made of (from
``app.reports``): the same rows, the same totals, so what the manager reads is what the
treasurer prints. The model reads its rows lazily, so a stock card of a busy year opens
as fast as a short one.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.reports.tabular import DATA, GROUP, ReportTable, cell_text
from app.ui.table_model import TableModel

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_SHADE = {GROUP: QColor("#dfe7ef"), "subtotal": QColor("#eeeeee"), "total": QColor("#d6d6d6")}
#: Lines read to size the columns; a text column is never wider than MAX_WIDTH pixels.
SAMPLE, MAX_WIDTH = 60, 320


class ReportTableModel(TableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.table: ReportTable | None = None
        self.headers = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_table(self, table: ReportTable) -> None:
        self.beginResetModel()
        self.table = table
        self.headers = [c.title for c in table.columns]
        self.endResetModel()

    def count(self) -> int:
        return len(self.table.lines) if self.table else 0

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        line = self.table.lines[index.row()]
        column = self.table.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if line.style == GROUP:
                return line.cells[0] if index.column() == 0 else ""
            return cell_text(column, line.cells[index.column()])
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return RIGHT
        if role == Qt.ItemDataRole.FontRole and line.style != DATA:
            return self._bold
        if role == Qt.ItemDataRole.BackgroundRole and line.style in _SHADE:
            return QBrush(_SHADE[line.style])
        return None


class ReportPanel(QWidget):
    """A read-only table of one report, with the report's own words when it is empty."""

    def __init__(self, name: str, parent=None):
        super().__init__(parent)
        self.model = ReportTableModel(self)
        self.view = QTableView()
        self.view.setObjectName(name)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setTabKeyNavigation(False)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(24)
        self.empty = QLabel()
        self.empty.setObjectName(name + "_empty")
        self.empty.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty)
        self.setFocusProxy(self.view)

    def set_table(self, table: ReportTable, *, last: bool = False) -> None:
        """Show ``table``; ``last`` selects its last line (the newest of a stock card)."""
        self.model.set_table(table)
        self.view.clearSpans()
        for row, line in enumerate(table.lines):   # a heading across the table (few of them)
            if line.style == GROUP:
                self.view.setSpan(row, 0, 1, len(table.columns))
        self.empty.setText("" if table.lines else table.empty)
        self.empty.setVisible(not table.lines)
        self._size_columns(table)
        if table.lines:
            row = len(table.lines) - 1 if last else 0
            self.view.selectRow(row)
            self.view.scrollTo(self.model.index(row, 0))

    def _size_columns(self, table: ReportTable) -> None:
        """Each column as wide as its title and the first and last lines need (not every
        line: a stock card may have tens of thousands)."""
        metrics = self.view.fontMetrics()
        header = self.view.horizontalHeader()
        n = len(table.lines)
        rows = sorted({*range(min(SAMPLE, n)), *range(max(n - 5, 0), n)})
        widths = []
        for i, column in enumerate(table.columns):
            texts = [column.title] + [self.model.data(self.model.index(r, i)) or ""
                                      for r in rows]
            widths.append(min(max(metrics.horizontalAdvance(t) for t in texts) + 18,
                              MAX_WIDTH))
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.Interactive)
        for i, width in enumerate(widths):
            self.view.setColumnWidth(i, width)
        # Room to spare goes to the name (the heaviest text column); a table too wide for
        # the window scrolls, its last column filling the rest.
        texts = [i for i, c in enumerate(table.columns) if not c.numeric] or [0]
        name = max(texts, key=lambda i: table.columns[i].weight)
        fits = sum(widths) <= self.view.viewport().width()
        header.setSectionResizeMode(name, QHeaderView.ResizeMode.Stretch if fits
                                    else QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(not fits)

    def rows(self) -> list[tuple[str, ...]]:
        """What the table shows, row by row (for the screen's own checks and for tests)."""
        m = self.model
        return [tuple(m.data(m.index(r, c)) for c in range(m.columnCount()))
                for r in range(m.rowCount())]
