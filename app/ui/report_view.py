"""A report's table on screen, and saving a report as a file.

The screen shows the very ``ReportTable`` the PDF and the spreadsheet are made of (from
``app.reports``): the same rows, the same totals, so what the manager reads is what the
treasurer prints. The model reads its rows lazily, so a stock card of a busy year opens
as fast as a short one.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.models.errors import UserError
from app.reports.tabular import DATA, GROUP, ReportTable, cell_text
from app.ui.errors import on_error
from app.ui.table_model import TableModel

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_SHADE = {GROUP: QColor("#dfe7ef"), "subtotal": QColor("#eeeeee"), "total": QColor("#d6d6d6")}
#: What the save dialog offers for each format.
_FILTERS = {"pdf": "PDF (*.pdf)", "xlsx": "Excel (*.xlsx)", "csv": "CSV (*.csv)"}


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

    def set_table(self, table: ReportTable) -> None:
        first = self.model.table is None or self.model.headers != [c.title for c in table.columns]
        self.model.set_table(table)
        self.empty.setText("" if table.lines else table.empty)
        self.empty.setVisible(not table.lines)
        if first:
            self._size_columns(table)
        if table.lines:
            self.view.selectRow(0)

    def _size_columns(self, table: ReportTable) -> None:
        """Widths from the columns' kinds, not their contents: sizing to the contents reads
        every row, and a stock card may have tens of thousands."""
        header = self.view.horizontalHeader()
        widest = max(range(len(table.columns)), key=lambda i: (not table.columns[i].numeric,
                                                                table.columns[i].weight))
        for i, column in enumerate(table.columns):
            title = self.view.fontMetrics().horizontalAdvance(column.title) + 24
            self.view.setColumnWidth(i, max(title, 110 if column.numeric
                                            else int(110 * column.weight)))
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(widest, QHeaderView.ResizeMode.Stretch)

    def rows(self) -> list[tuple[str, ...]]:
        """What the table shows, row by row (for the screen's own checks and for tests)."""
        m = self.model
        return [tuple(m.data(m.index(r, c)) for c in range(m.columnCount()))
                for r in range(m.rowCount())]


def _documents_dir() -> Path:
    folder = platformdirs.user_documents_path()
    return folder if folder.is_dir() else Path.home()


def ask_save_path(parent: QWidget, title: str, name: str, fmt: str) -> str | None:
    """Where to save: Qt's own file dialog (the same on every desktop, and driven by keys in
    the tests); the format's suffix is added when the name has none."""
    dialog = QFileDialog(parent, title, str(_documents_dir() / f"{name}.{fmt}"),
                         _FILTERS[fmt])
    dialog.setObjectName("save_report")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setDefaultSuffix(fmt)
    dialog.selectFile(f"{name}.{fmt}")
    if not dialog.exec() or not dialog.selectedFiles():
        return None
    return dialog.selectedFiles()[0]


def save_report_file(parent: QWidget, title: str, name: str, fmt: str, write) -> str | None:
    """Ask where, then ``write(path)`` through the reports module; the path saved, or None
    when the person cancelled or the report was refused (said in a message box)."""
    path = ask_save_path(parent, title, name, fmt)
    if path is None:
        return None
    try:
        return str(write(path))
    except UserError as e:
        on_error(parent, e)
        return None
