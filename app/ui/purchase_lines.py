"""The lines of a purchase order or a goods receipt: a scan field over an editable table.

Shared by the order and the receipt dialogs. The editor holds a ``purchase_drafts.Draft``
and every key that changes a line goes through that module, so this widget only shows
text. Keys: Enter in the scan field adds the scanned or picked item; ↓ goes to the lines;
typing in a cell edits it, Tab walks the editable cells; Del removes a line; Esc goes back
to the scan field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.models import purchase_drafts as drafts
from app.models.errors import UserError, ValidationError
from app.models.money import format_number, format_qty, format_rupiah
from app.models.product_search import search_products
from app.models.products import find_by_barcode
from app.ui.widgets import FieldError

SEARCH_DELAY_MS = 150
#: Digits typed into a cell this long that are a known barcode came from the scanner.
MIN_BARCODE = 8
PACKS_ROLE = Qt.ItemDataRole.UserRole + 1
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def tab_order(*widgets: QWidget) -> None:
    """Tab visits ``widgets`` in this order (buttons made early with their shortcut would
    otherwise come first)."""
    for first, second in zip(widgets, widgets[1:], strict=False):
        QWidget.setTabOrder(first, second)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    editable: bool = False


def column(key: str, header: str | None = None) -> Column:
    """The columns an editor may show, with the width each needs for its longest text."""
    spec = {
        "name": (_("Barang"), 260, False),
        "expected": (_("Sisa dipesan"), 110, False),
        "qty": (_("Jumlah"), 80, True),
        "pack": (_("Kemasan"), 120, True),
        "price": (_("Harga per kemasan (Rp)"), 150, True),
        "lot": (_("Lot"), 90, True),
        "expiry": (_("Kedaluwarsa (hh-bb-tttt)"), 170, True),
        "amount": (_("Nilai (Rp)"), 110, False),
    }[key]
    return Column(key, header or spec[0], spec[1], spec[2])


def show(line: drafts.DraftLine, key: str) -> str:
    return {
        "name": lambda: line.name,
        "expected": lambda: line.expected_text,
        "qty": lambda: line.qty_text,
        "pack": lambda: line.pack.label,
        "price": lambda: format_number(line.unit_price),
        "lot": lambda: line.lot,
        "expiry": lambda: line.expiry,
        "amount": lambda: format_number(line.amount),
    }[key]()


class CellDelegate(QStyledItemDelegate):
    """Editors for the cells; what is typed goes to the editor's ``edited``, not the model
    (the draft is the truth, the table only shows it)."""

    def __init__(self, editor: LinesEditor):
        super().__init__(editor.table)
        self.lines = editor

    def createEditor(self, parent, option, index):  # noqa: N802 (Qt API)
        if self.lines.columns[index.column()].key == "pack":
            combo = QComboBox(parent)
            for label, unit_id in index.data(PACKS_ROLE) or []:
                combo.addItem(label, unit_id)
            return combo
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor, index):  # noqa: N802 (Qt API)
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findText(index.data()), 0))
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):  # noqa: N802 (Qt API)
        value = editor.currentData() if isinstance(editor, QComboBox) else editor.text()
        self.lines.edited(index.row(), self.lines.columns[index.column()].key, value)


class LinesTable(QTableWidget):
    """Tab walks only the cells that can be edited, and after the last one leaves the table;
    Enter edits; Esc leaves the table."""

    leave = Signal()
    remove = Signal()

    def __init__(self, columns: list[Column]):
        super().__init__(0, len(columns))
        self.editable = [i for i, c in enumerate(columns) if c.editable]

    def moveCursor(self, action, modifiers):  # noqa: N802 (Qt API)
        step = {QAbstractItemView.CursorAction.MoveNext: 1,
                QAbstractItemView.CursorAction.MovePrevious: -1}.get(action)
        if step is None or not self.editable or not self.rowCount():
            return super().moveCursor(action, modifiers)
        cells = self._cells()
        here = (self.currentRow(), self.currentColumn())
        at = cells.index(here) if here in cells else (-1 if step > 0 else len(cells))
        if not 0 <= at + step < len(cells):
            return QModelIndex()   # past the last cell: Tab goes on to the fields below
        row, col = cells[at + step]
        return self.model().index(row, col)

    def _cells(self) -> list[tuple[int, int]]:
        return [(r, c) for r in range(self.rowCount()) for c in self.editable]

    def closeEditor(self, editor, hint):  # noqa: N802 (Qt API)
        """Tab out of the last cell (Shift+Tab out of the first) leaves the table."""
        cells, here = self._cells(), (self.currentRow(), self.currentColumn())
        leave = ((hint == QAbstractItemDelegate.EndEditHint.EditNextItem and cells
                  and here == cells[-1])
                 or (hint == QAbstractItemDelegate.EndEditHint.EditPreviousItem and cells
                     and here == cells[0]))
        super().closeEditor(editor, hint)
        if leave:
            self.focusNextPrevChild(hint == QAbstractItemDelegate.EndEditHint.EditNextItem)

    def keyPressEvent(self, event):  # noqa: N802 (Qt API)
        key = event.key()
        editing = self.state() == QAbstractItemView.State.EditingState
        if not editing and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            index = self.currentIndex()
            if index.isValid() and self.currentColumn() in self.editable:
                self.edit(index)
            return
        if not editing and key == Qt.Key.Key_Escape:
            self.leave.emit()
            return
        if not editing and key == Qt.Key.Key_Delete:
            self.remove.emit()
            return
        if not editing and key == Qt.Key.Key_Up and self.currentRow() <= 0:
            self.leave.emit()
            return
        super().keyPressEvent(event)


class LinesEditor(QWidget):
    """The scan field, the picks while typing a name, the lines and what went wrong."""

    changed = Signal()

    def __init__(self, db, columns: list[Column], draft: drafts.Draft, *,
                 today: Callable[[], date], parent=None):
        super().__init__(parent)
        self.db = db
        self.columns = columns
        self.draft = draft
        self.today = today
        self.dirty = False

        self.scan = QLineEdit()
        self.scan.setObjectName("scan")
        self.scan.setPlaceholderText(_("Scan barcode atau ketik nama barang, lalu Enter"
                                       " (↓ ke daftar barang)"))
        self.scan.installEventFilter(self)
        self.scan.textEdited.connect(lambda _text: self._timer.start())
        self.suggestions = QListWidget()
        self.suggestions.setObjectName("suggestions")
        self.suggestions.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.suggestions.itemActivated.connect(self._pick)
        self.suggestions.hide()
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._suggest)

        self.table = LinesTable(columns)
        self.table.setObjectName("lines")
        self.table.setHorizontalHeaderLabels([c.header for c in columns])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                                   | QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.setTabKeyNavigation(True)
        self.table.setItemDelegate(CellDelegate(self))
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for i, c in enumerate(columns):
            self.table.setColumnWidth(i, c.width)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.leave.connect(self.focus_scan)
        self.table.remove.connect(self.remove_line)
        self.error = FieldError()
        self.error.setObjectName("lines_error")
        self.said = QLabel()
        self.said.setObjectName("lines_status")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scan)
        layout.addWidget(self.suggestions)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.said)
        layout.addWidget(self.error)
        self.setFocusProxy(self.scan)
        self.render()

    # --- showing the draft ----------------------------------------------------------------

    def set_draft(self, draft: drafts.Draft, *, dirty: bool = True) -> None:
        self.draft = draft
        self.dirty = self.dirty or dirty
        self.render()
        self.changed.emit()

    def render(self) -> None:
        table = self.table
        table.blockSignals(True)
        table.setRowCount(len(self.draft.lines))
        for row, line in enumerate(self.draft.lines):
            for col, spec in enumerate(self.columns):
                item = table.item(row, col)
                if item is None:
                    item = QTableWidgetItem()
                    table.setItem(row, col, item)
                item.setText(show(line, spec.key))
                flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                item.setFlags(flags | Qt.ItemFlag.ItemIsEditable if spec.editable else flags)
                if spec.key in ("qty", "price", "amount", "expected"):
                    item.setTextAlignment(RIGHT)
                if spec.key == "pack":
                    item.setData(PACKS_ROLE, [(p.label, p.unit_id) for p in line.packs])
        table.blockSignals(False)
        touched = self.draft.touched
        if 0 <= touched < len(self.draft.lines) and table.currentRow() != touched:
            table.setCurrentCell(touched, table.editable[0] if table.editable else 0)

    def say(self, text: str) -> None:
        self.said.setText(text)

    def show_error(self, error: UserError | None) -> None:
        """A refusal under the lines; a line's problems put the cursor on the first one."""
        self.error.show_message(error.message if error else None)
        if isinstance(error, ValidationError):
            rows = [p.row for p in error.problems if p.row]
            if rows and rows[0] - 1 < self.table.rowCount():
                self.table.setCurrentCell(rows[0] - 1, self.table.currentColumn()
                                          if self.table.currentColumn() >= 0 else 0)

    def _apply(self, change) -> bool:
        try:
            draft = change()
        except UserError as e:
            self.show_error(e)
            self.render()
            return False
        self.show_error(None)
        self.set_draft(draft)
        return True

    # --- scanning and picking ---------------------------------------------------------------

    def focus_scan(self) -> None:
        self.scan.setFocus()
        self.scan.selectAll()

    def _suggest(self) -> None:
        text = self.scan.text().strip()
        self.suggestions.clear()
        if len(text) < 2 or text.isdigit():
            self.suggestions.hide()
            return
        for row in search_products(self.db, text, limit=12):
            item = QListWidgetItem(_("{name}  ·  stok {stock}").format(
                name=row.name, stock=format_qty(row.stock, row.base_unit)))
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.suggestions.addItem(item)
        count = self.suggestions.count()
        if count:
            # As tall as its picks (up to eight), so the lines below stay in view.
            rows = min(count, 8) * self.suggestions.sizeHintForRow(0)
            self.suggestions.setFixedHeight(rows + 2 * self.suggestions.frameWidth())
            self.suggestions.setCurrentRow(0)
        self.suggestions.setVisible(count > 0)

    def _pick(self, item: QListWidgetItem) -> None:
        product_id = item.data(Qt.ItemDataRole.UserRole)
        self._added(lambda: drafts.add_product(self.db, self.draft, product_id))

    def _added(self, change) -> None:
        if self._apply(change):
            line = self.draft.lines[self.draft.touched]
            self.say(_("{name}: {qty} — {amount}").format(
                name=line.name, qty=format_qty(line.qty, line.pack.name),
                amount=format_rupiah(line.amount)))
            self.scan.clear()
            self.suggestions.hide()
        else:
            self.scan.selectAll()
        self.scan.setFocus()

    def enter(self) -> None:
        self._timer.stop()
        if self.suggestions.isVisible() and self.suggestions.currentItem() is not None:
            self._pick(self.suggestions.currentItem())
            return
        if not self.scan.text().strip():
            return
        code = self.scan.text()
        self._added(lambda: drafts.scan(self.db, self.draft, code))

    def to_lines(self) -> None:
        if not self.draft.lines:
            return
        self.table.setFocus()
        row = self.table.currentRow()
        row = row if 0 <= row < self.table.rowCount() else 0
        self.table.setCurrentCell(row, self.table.editable[0] if self.table.editable else 0)

    def eventFilter(self, watched, event):  # noqa: N802 (Qt API)
        if watched is self.scan and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.enter()
                return True
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.suggestions.isVisible():
                step = 1 if key == Qt.Key.Key_Down else -1
                row = max(0, min(self.suggestions.count() - 1,
                                 self.suggestions.currentRow() + step))
                self.suggestions.setCurrentRow(row)
                return True
            if key == Qt.Key.Key_Down:
                self.to_lines()
                return True
            if key == Qt.Key.Key_Escape and (self.scan.text() or self.suggestions.isVisible()):
                self.scan.clear()
                self.suggestions.hide()
                return True
        return super().eventFilter(watched, event)

    # --- editing lines ------------------------------------------------------------------------

    def edited(self, row: int, key: str, value) -> None:
        """A cell's editor closed with ``value``: the draft takes it, or says why not."""
        if not 0 <= row < len(self.draft.lines):
            return
        line = self.draft.lines[row]
        if (line.pack.unit_id if key == "pack" else show(line, key)) == value:
            return
        if key != "pack" and self._is_scan(value):
            # The scanner fired while the cursor was in a cell: it is a scan, not a quantity.
            self._added(lambda: drafts.scan(self.db, self.draft, value))
            return
        change = {
            "qty": lambda: drafts.set_qty(self.draft, row, value),
            "price": lambda: drafts.set_price(self.draft, row, value),
            "pack": lambda: drafts.set_pack(self.db, self.draft, row, value),
            "lot": lambda: drafts.set_lot(self.draft, row, value),
            "expiry": lambda: drafts.set_expiry(self.draft, row, value, today=self.today()),
        }[key]
        if not self._apply(change):
            # Back to the cell that was refused, once the editor has closed.
            col = next(i for i, c in enumerate(self.columns) if c.key == key)
            QTimer.singleShot(0, lambda: self._reopen(row, col))

    def _is_scan(self, text: str) -> bool:
        text = (text or "").strip()
        return len(text) >= MIN_BARCODE and text.isdigit() and bool(
            find_by_barcode(self.db, text))

    def _reopen(self, row: int, col: int) -> None:
        if row < self.table.rowCount():
            self.table.setFocus()
            self.table.setCurrentCell(row, col)
            self.table.edit(self.table.model().index(row, col))

    def remove_line(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        self._apply(lambda: drafts.remove(self.draft, row))
        if not self.draft.lines:
            self.focus_scan()
