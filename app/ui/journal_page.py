"""Jurnal & biaya: the treasurer's own entries, a month at a time.

The month's entries (day, number, kind, what, amount) with the lines of the selected one
under them. Keys: F2 an expense, F3 other income, F4 an opening balance or another entry
typed in a grid, F6 reverse the selected entry (asks why), F7 cash to the bank, F9 a new
income or expense account; Page Up / Page Down the month before or after. Everything the
till, the stock and the members' money already record is in the books without typing.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QInputDialog, QLabel, QVBoxLayout, QWidget

from app.i18n import _, ngettext
from app.models import books
from app.models.books import JournalEntry
from app.models.clock import day_text
from app.models.errors import UserError
from app.models.money import format_number, format_rupiah
from app.models.settings import shop_today
from app.reports.money_receipt import month_text
from app.ui.errors import on_error
from app.ui.expense_dialog import AccountDialog, BankDepositDialog, EntryDialog, ExpenseDialog
from app.ui.journal_entry_dialog import GeneralEntryDialog
from app.ui.lists import button_row, fill, list_table, shortcut
from app.ui.session import Session

REVERSED = QColor("#777777")


def month_after(month: date, step: int) -> date:
    """The first day of the month ``step`` months after ``month`` (before, if negative)."""
    index = month.year * 12 + month.month - 1 + step
    return date(index // 12, index % 12 + 1, 1)


def month_end(month: date) -> date:
    return date.fromordinal(month_after(month, 1).toordinal() - 1)


class JournalPage(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.month = shop_today(session.db).replace(day=1)
        self.entries: list[JournalEntry] = []
        self.names = {a.code: a.name for a in books.accounts(session.db)}
        self.heading = QLabel()
        self.heading.setObjectName("journal_month")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.table = list_table("journal", [
            _("Tanggal"), _("Nomor"), _("Jenis"), _("Keterangan"), _("Jumlah (Rp)")],
            [95, 190, 120, 0, 120], stretch=3)
        self.table.currentCellChanged.connect(lambda *_a: self.show_lines())
        self.lines = list_table("journal_lines", [
            _("Akun"), _("Nama akun"), _("Debit (Rp)"), _("Kredit (Rp)")],
            [70, 0, 130, 130], stretch=1)
        self.lines.setMaximumHeight(150)
        # Only shown: the keys stay in the list of entries.
        self.lines.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.lines.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.message = QLabel()
        self.message.setObjectName("journal_message")
        hint = QLabel(_("PgUp/PgDn bulan sebelum/sesudah · penjualan, pembelian, simpanan dan"
                        " bon masuk buku tanpa diketik ulang"))
        hint.setStyleSheet("color: #555;")
        buttons = button_row(self, self.message, [
            (_("Catat biaya"), "F2", lambda: self.enter(ExpenseDialog, kind="expense"), True),
            (_("Pendapatan lain"), "F3", lambda: self.enter(ExpenseDialog, kind="income"),
             True),
            (_("Saldo awal / jurnal umum"), "F4", lambda: self.enter(GeneralEntryDialog), True),
            (_("Balik jurnal"), "F6", self.reverse, True),
            (_("Setor kas ke bank"), "F7", lambda: self.enter(BankDepositDialog), True),
            (_("Akun baru"), "F9", self.new_account, True),
        ])
        shortcut(self, "PgUp", lambda: self.show_month(-1))
        shortcut(self, "PgDown", lambda: self.show_month(1))
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(QLabel(_("Baris jurnal yang dipilih")))
        layout.addWidget(self.lines)
        layout.addLayout(buttons)
        layout.addWidget(hint)
        self.setFocusProxy(self.table)
        self.refresh()

    # --- what is shown ------------------------------------------------------------------

    def show_month(self, step: int) -> None:
        self.month = month_after(self.month, step)
        self.message.setText("")
        self.refresh()
        self.table.setFocus()

    def refresh(self, select: str | None = None) -> None:
        """The month's entries; ``select`` (an entry id) becomes the selected row."""
        db = self.session.db
        self.entries = books.list_entries(db, self.month, month_end(self.month))
        reversed_by = {e.reverses: e.number for e in self.entries if e.reverses}
        n = len(self.entries)
        self.heading.setText(_("Jurnal bendahara {month} · {count}").format(
            month=month_text(f"{self.month:%Y-%m}"),
            count=ngettext("{n} jurnal", "{n} jurnal", n).format(n=n)))
        fill(self.table, [(day_text(e.entry_date), e.number, books.entry_kind_label(e.kind),
                           self.memo(e), format_number(e.amount)) for e in self.entries],
             right=(4,))
        for row, entry in enumerate(self.entries):
            if entry.id in reversed_by:
                for column in range(self.table.columnCount()):
                    self.table.item(row, column).setForeground(QBrush(REVERSED))
                self.table.item(row, 3).setToolTip(_("Dibalik dengan {number}").format(
                    number=reversed_by[entry.id]))
        if select is not None:
            row = next((i for i, e in enumerate(self.entries) if e.id == select), None)
            if row is not None:
                self.table.selectRow(row)
        self.show_lines()

    def memo(self, entry: JournalEntry) -> str:
        return f"{entry.memo} ({entry.reference})" if entry.reference else entry.memo

    def selected(self) -> JournalEntry | None:
        row = self.table.currentRow()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def show_lines(self) -> None:
        entry = self.selected()
        lines = entry.lines if entry else ()
        fill(self.lines, [(code, self.names.get(code, code),
                           format_number(amount) if amount > 0 else "",
                           format_number(-amount) if amount < 0 else "")
                          for code, amount in lines], right=(2, 3))

    # --- what the keys do -------------------------------------------------------------------

    def enter(self, dialog_class: type[EntryDialog], **options) -> None:
        """Open a form; when it saved, show its month with the new entry selected."""
        dialog = dialog_class(self.session, parent=self, **options)
        if dialog.exec() and dialog.entry is not None:
            entry = dialog.entry
            self.month = date.fromisoformat(entry.entry_date).replace(day=1)
            self.refresh(select=entry.id)
            self.message.setText(_("{kind} {number} tercatat: {amount}.").format(
                kind=books.entry_kind_label(entry.kind), number=entry.number,
                amount=format_rupiah(entry.amount)))
        self.table.setFocus()

    def reverse(self) -> None:
        """F6: undo the selected entry with its mirror image, dated today, after a reason."""
        entry = self.selected()
        if entry is None:
            return
        reason, ok = QInputDialog.getText(
            self, _("Balik jurnal"), _("Alasan membalik {number} ({amount}):").format(
                number=entry.number, amount=format_rupiah(entry.amount)))
        self.table.activateWindow()
        self.table.setFocus()
        if not ok:
            return
        try:
            reversal = books.reverse_entry(self.session.db, user=self.session.user,
                                           entry_id=entry.id, reason=reason)
        except UserError as e:
            on_error(self, e)
            self.table.activateWindow()
            self.table.setFocus()
            return
        self.month = date.fromisoformat(reversal.entry_date).replace(day=1)
        self.refresh(select=reversal.id)
        self.message.setText(_("{number} dibalik dengan {reversal}.").format(
            number=entry.number, reversal=reversal.number))

    def new_account(self) -> None:
        dialog = AccountDialog(self.session, parent=self)
        if dialog.exec() and dialog.account is not None:
            self.names = {a.code: a.name for a in books.accounts(self.session.db)}
            self.message.setText(_("Akun {label} ditambahkan.").format(
                label=dialog.account.label))
        self.table.setFocus()
