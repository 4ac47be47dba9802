"""Read-only lists on the screens: built, filled and opened the same way everywhere."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.models.errors import UserError
from app.ui.errors import on_error
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


class RecordsPage(QWidget):
    """A page of master records (suppliers, consignors): a search box over a list (Down or
    Enter goes into it, Ctrl+F back), "show archived" on F9, key buttons under it.
    Subclasses fill ``self.records`` and the table in ``refresh()``."""

    def __init__(self, session, parent=None, *, name: str, placeholder: str,
                 headers: list[str], widths: list[int], stretch: int = 0):
        super().__init__(parent)
        self.session = session
        self.records: list = []
        self.search = QLineEdit()
        self.search.setObjectName(f"{name[:-1]}_search")
        self.search.setPlaceholderText(placeholder)
        self.search.textChanged.connect(lambda _t: self.refresh())
        self.search.returnPressed.connect(self._to_table)
        self.search.installEventFilter(self)
        self.show_archived = QCheckBox(_("Tampilkan arsip (F9)"))
        self.show_archived.toggled.connect(lambda _on: self.refresh())
        self.table = list_table(name, headers, widths, stretch=stretch)
        enter_opens(self.table, self.edit)
        self.note = QLabel()
        shortcut(self, "Ctrl+F", self.focus_search)
        shortcut(self, "F9", self.show_archived.toggle)

    def lay_out(self, buttons) -> None:
        """Search and archive toggle on top, the list, the note and ``buttons`` (as for
        button_row) under it."""
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.show_archived)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(button_row(self, self.note, buttons))
        self.setFocusProxy(self.search)

    def eventFilter(self, watched, event):  # noqa: N802 (Qt API)
        if (watched is self.search and event.type() == event.Type.KeyPress
                and event.key() == Qt.Key.Key_Down):
            self._to_table()
            return True
        return super().eventFilter(watched, event)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _to_table(self) -> None:
        if self.records:
            self.table.setFocus()
            self.table.selectRow(max(self.table.currentRow(), 0))

    def selected(self):
        row = self.table.currentRow()
        return self.records[row] if 0 <= row < len(self.records) else None

    def toggle_archived(self) -> None:
        """F8: archive the selected record (or restore an archived one), after a Yes."""
        record = self.selected()
        if record is None:
            return
        title, question = self.archive_question(record)
        if QMessageBox.question(self, title, question) == QMessageBox.StandardButton.Yes:
            try:
                self.set_archived(record, not record.archived)
            except UserError as e:
                on_error(self, e)
            else:
                self.refresh()
        self.table.activateWindow()
        self.table.setFocus()

    def archive_question(self, record) -> tuple[str, str]:
        """(dialog title, question) for archiving or restoring ``record``."""
        raise NotImplementedError

    def set_archived(self, record, archived: bool) -> None:
        raise NotImplementedError

    def refresh(self) -> None:
        raise NotImplementedError

    def edit(self) -> None:
        raise NotImplementedError
