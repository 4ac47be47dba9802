"""F4 on the journal page: an opening balance or an adjustment typed line by line.

A small grid — account code, debit, credit, and the account's name as it is typed — with
the accounts that may be used listed beside it and the sums under it, live: debit, credit
and what is still missing. Saving an entry that does not balance is refused with the
journal's own message. Tab or Enter goes to the next cell (a new line grows at the end);
Ctrl+S saves.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.i18n import _
from app.models import books, journal_input
from app.models.journal_input import DraftRow
from app.models.money import format_rupiah
from app.ui.expense_dialog import EntryDialog, day_field, line_field
from app.ui.lists import RIGHT
from app.ui.session import Session
from app.ui.widgets import FieldError, save_cancel_row

ACCOUNT, DEBIT, CREDIT, NAME = range(4)
TYPED = (ACCOUNT, DEBIT, CREDIT)
START_ROWS = 4


class _NextOnEnter(QStyledItemDelegate):
    """Enter in a cell being typed keeps the value and goes on to the next cell, as Tab
    does (it would otherwise reach the dialog and leave the grid)."""

    def eventFilter(self, editor, event):  # noqa: N802 (Qt API)
        if (event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.EditNextItem)
            return True
        return super().eventFilter(editor, event)


class EntryGrid(QTableWidget):
    """The lines of the entry; the name column is shown, never typed in or stepped on."""

    def __init__(self, names: dict[str, str]):
        super().__init__(0, 4)
        self.names = names
        self.setObjectName("entry_lines")
        self.setHorizontalHeaderLabels([_("Akun"), _("Debit (Rp)"), _("Kredit (Rp)"),
                                        _("Nama akun")])
        self.verticalHeader().setDefaultSectionSize(26)
        self.setItemDelegate(_NextOnEnter(self))
        self.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for column, width in ((ACCOUNT, 70), (DEBIT, 130), (CREDIT, 130)):
            self.setColumnWidth(column, width)
        self.horizontalHeader().setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        self.itemChanged.connect(self._changed)
        for _row in range(START_ROWS):
            self.add_row()
        self.setCurrentCell(0, ACCOUNT)

    def add_row(self) -> None:
        row = self.rowCount()
        self.blockSignals(True)
        self.insertRow(row)
        for column in TYPED:
            item = QTableWidgetItem("")
            if column != ACCOUNT:
                item.setTextAlignment(RIGHT)
            self.setItem(row, column, item)
        name = QTableWidgetItem("")
        name.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.setItem(row, NAME, name)
        self.blockSignals(False)

    def _changed(self, item: QTableWidgetItem) -> None:
        if item.column() == ACCOUNT:
            code = item.text().strip()
            name = self.names.get(code, _("akun tidak dapat dipakai") if code else "")
            self.blockSignals(True)
            self.item(item.row(), NAME).setText(name)
            self.blockSignals(False)
        if item.row() == self.rowCount() - 1 and item.text().strip():
            self.add_row()      # always an empty line to go on to

    def rows(self) -> list[DraftRow]:
        return [DraftRow(*(self.item(r, c).text() for c in TYPED)) for r in range(self.rowCount())]

    def _step(self, row: int, column: int, forward: bool) -> tuple[int, int]:
        i = TYPED.index(column) if column in TYPED else len(TYPED) - 1
        i += 1 if forward else -1
        if i >= len(TYPED):
            return row + 1, ACCOUNT
        if i < 0:
            return max(row - 1, 0), CREDIT if row else ACCOUNT
        return row, TYPED[i]

    def moveCursor(self, action, modifiers):  # noqa: N802 (Qt API)
        """Tab and Enter step over the name column to the next typed cell."""
        moves = {QAbstractItemView.CursorAction.MoveNext: True,
                 QAbstractItemView.CursorAction.MovePrevious: False}
        current = self.currentIndex()
        if action not in moves or not current.isValid():
            return super().moveCursor(action, modifiers)
        row, column = self._step(current.row(), current.column(), moves[action])
        if row >= self.rowCount():
            self.add_row()
        return self.model().index(row, column)

    def keyPressEvent(self, event):  # noqa: N802 (Qt API)
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and self.state() != QAbstractItemView.State.EditingState):
            current = self.currentIndex()
            row, column = self._step(current.row(), current.column(), True)
            if row >= self.rowCount():
                self.add_row()
            self.setCurrentCell(row, column)
            return
        super().keyPressEvent(event)

    def finish_editing(self) -> None:
        """Keep what is being typed in a cell (Ctrl+S while the cell is still open)."""
        editor = QApplication.focusWidget()
        if (self.state() == QAbstractItemView.State.EditingState and editor is not None
                and self.viewport().isAncestorOf(editor)):
            self.commitData(editor)
            self.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)


class GeneralEntryDialog(EntryDialog):
    """An opening balance (or an adjustment): kind, day, what it is, and its lines."""

    def __init__(self, session: Session, parent=None):
        super().__init__(session, _("Saldo awal / jurnal umum"), parent)
        self.setMinimumWidth(820)
        usable = journal_input.general_accounts(session.db)
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        for kind in journal_input.GENERAL_KINDS:
            self.kind.addItem(books.entry_kind_label(kind), kind)
        self.add("kind", _("Jenis"), self.kind)
        self.day = self.add("day", _("Tanggal"), day_field(session))
        self.memo = self.add("memo", _("Keterangan"), line_field(
            "memo", _("mis. Saldo awal kas dan bank saat mulai memakai Gerai")))
        self.reference = self.add("reference", _("Referensi"), line_field(
            "reference", _("boleh kosong")))
        self.grid = self.fields["lines"] = EntryGrid({a.code: a.name for a in usable})
        self.grid.itemChanged.connect(lambda _item: self.show_sums())
        self.accounts = QListWidget()
        self.accounts.setObjectName("usable_accounts")
        self.accounts.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.accounts.addItems([a.label for a in usable])
        self.accounts.setMaximumWidth(260)
        self.sums = QLabel()
        self.sums.setObjectName("sums")
        self.lines_error = self.form.errors["lines"] = FieldError()

        layout = QVBoxLayout(self)
        layout.addLayout(self.form.layout)
        grid_row = QHBoxLayout()
        lines = QVBoxLayout()
        lines.addWidget(QLabel(_("Baris jurnal (Tab atau Enter ke sel berikutnya)")))
        lines.addWidget(self.grid, 1)
        lines.addWidget(self.sums)
        lines.addWidget(self.lines_error)
        side = QVBoxLayout()
        side.addWidget(QLabel(_("Akun yang dapat dipakai")))
        side.addWidget(self.accounts, 1)
        grid_row.addLayout(lines, 1)
        grid_row.addLayout(side)
        layout.addLayout(grid_row, 1)
        layout.addLayout(save_cancel_row(self, self.form, _("Simpan"), self.save))
        self.resize(880, 560)
        self.show_sums()
        self.memo.setFocus()

    def show_sums(self) -> None:
        totals = journal_input.draft_totals(self.grid.rows())
        text = _("Debit {debit} · Kredit {credit}").format(
            debit=format_rupiah(totals.debit), credit=format_rupiah(totals.credit))
        if totals.problems:
            text += " · " + totals.problems[0].message
        elif totals.balanced:
            text += " · " + _("seimbang")
        elif totals.debit or totals.credit:
            text += " · " + _("selisih {diff}").format(diff=format_rupiah(totals.difference))
        self.sums.setText(text)
        typed = totals.debit or totals.credit or totals.problems
        self.sums.setStyleSheet("color: #b3261e;" if typed and not totals.balanced else "")

    def save(self) -> None:
        self.grid.finish_editing()
        super().save()

    def write(self) -> None:
        self.entry = journal_input.record_general_entry(
            self.session.db, user=self.session.user, day=self.day.text(),
            kind=self.kind.currentData(), memo=self.memo.text(), rows=self.grid.rows(),
            reference=self.reference.text())
