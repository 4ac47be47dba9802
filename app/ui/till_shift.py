"""The till's back office: returns and voids, cash in/out, X and Z reports."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.models.clock import format_local
from app.models.errors import UserError
from app.models.money import format_number, format_qty, format_rupiah, parse_qty
from app.models.returns import return_items, void_sale
from app.models.sales import find_sale, find_sales, returnable_lines
from app.models.shifts import (
    DENOMINATIONS,
    close_shift,
    count_total,
    open_shift_for,
    shift_summary,
)
from app.models.shifts import (
    cash_in_out as record_cash,
)
from app.reports.receipt_text import plain_lines
from app.reports.shift_report import shift_report_rows
from app.ui.errors import on_error
from app.ui.printing import print_report
from app.ui.till_dialogs import ask_supervisor, big_label
from app.ui.widgets import FieldError, key_button


class ReturnDialog(QDialog):
    """Scan or type the receipt number, type what comes back, give the reason."""

    def __init__(self, session, till, parent=None):
        super().__init__(parent)
        self.session, self.till = session, till
        self.sale = None
        self.lines = []
        self.result_sale = None
        self.setWindowTitle(_("Retur / pembatalan"))
        self.setMinimumWidth(640)
        self.number = QLineEdit()
        self.number.setObjectName("receipt_number")
        self.number.setPlaceholderText(
            _("Scan barcode struk, atau ketik nomornya (bagian akhirnya cukup: 0042)"))
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("return_lines")
        self.table.setHorizontalHeaderLabels([_("Barang"), _("Dibeli"), _("Sisa"),
                                              _("Dikembalikan")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 260)
        # ↑↓ move between the lines; Tab leaves the table for the reason (it used to walk
        # through every read-only cell instead).
        self.table.setTabKeyNavigation(False)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.error = FieldError()
        form = QFormLayout()
        form.addRow(_("Struk"), self.number)
        form.addRow(_("Alasan"), self.reason)
        buttons = QHBoxLayout()
        cancel = QPushButton(_("Batal (Esc)"))
        cancel.clicked.connect(self.reject)
        buttons.addWidget(self.error, 1)
        buttons.addWidget(cancel)
        buttons.addWidget(key_button(_("Batalkan seluruh struk"), "Ctrl+B", self, self.void))
        buttons.addWidget(key_button(_("Retur"), "Ctrl+S", self, self.do_return))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        # The order the cashier works in: receipt number, the lines coming back, the reason
        # (without it Tab went from the lines to the buttons).
        QWidget.setTabOrder(self.number, self.table)
        QWidget.setTabOrder(self.table, self.reason)
        # Enter in the number field is handled once, in keyPressEvent: a returnPressed
        # slot as well moved the cursor on from the lines load() had just focused.
        self.number.setFocus()

    def keyPressEvent(self, event):  # noqa: N802 (Qt API)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.number.hasFocus():
                self.load()
            else:
                self.focusNextChild()
            return
        super().keyPressEvent(event)

    def _pick_number(self) -> None:
        """A number that is not a whole receipt number: choose among the sales it matches."""
        matches = find_sales(self.session.db, self.number.text())
        if not matches:
            return
        labels = [_("{number} · {time} · {total}").format(
            number=m.number, time=format_local(m.created_at, self.session.settings.zone),
            total=format_rupiah(m.total)) for m in matches]
        if len(matches) > 1:
            choice, ok = QInputDialog.getItem(self, _("Pilih struk"), _("Struk yang cocok:"),
                                              labels, 0, False)
            if not ok:
                return
            self.number.setText(matches[labels.index(choice)].number)
        else:
            self.number.setText(matches[0].number)

    def load(self) -> None:
        try:
            try:
                self.sale = find_sale(self.session.db, self.number.text())
            except UserError:
                self._pick_number()
                self.sale = find_sale(self.session.db, self.number.text())
            if self.sale.kind != "sale":
                raise UserError(_("Struk {number} adalah retur/pembatalan, bukan penjualan.")
                                .format(number=self.sale.number))
        except UserError as e:
            self.error.show_message(e.message)
            return
        self.error.show_message(None)
        self.lines = returnable_lines(self.session.db, self.sale.id)
        self.table.setRowCount(len(self.lines))
        for row, line in enumerate(self.lines):
            for column, text in enumerate((line.name, format_qty(line.qty, line.unit_name),
                                           format_qty(line.remaining, line.unit_name), "")):
                item = QTableWidgetItem(text)
                if column < 3:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, column, item)
        if self.lines:
            self.table.setFocus()
            self.table.setCurrentCell(0, 3)

    def quantities(self) -> dict[str, int]:
        result = {}
        for row, line in enumerate(self.lines):
            item = self.table.item(row, 3)
            text = item.text().strip() if item else ""
            if text:
                result[line.line_id] = parse_qty(text, field="qty", fractional=line.fractional)
        return result

    def _run(self, action) -> None:
        if self.sale is None:
            self.error.show_message(_("Masukkan nomor struk dulu lalu Enter."))
            return
        try:
            if not self.reason.text().strip():
                raise UserError(_("Alasan retur/pembatalan harus diisi."))
            supervisor = ask_supervisor(self.session,
                                        _("Retur dan pembatalan perlu PIN manajer."), self)
            if supervisor is False:
                return
            self.result_sale = action(supervisor)
        except UserError as e:
            self.error.show_message(e.message)
            return
        self.accept()

    def do_return(self) -> None:
        self.table.setCurrentCell(-1, -1)
        self._run(lambda sup: return_items(
            self.session.db, user=self.session.user, till=self.till.till, sale_id=self.sale.id,
            quantities=self.quantities(), reason=self.reason.text(), supervisor=sup))

    def void(self) -> None:
        self._run(lambda sup: void_sale(
            self.session.db, user=self.session.user, till=self.till.till, sale_id=self.sale.id,
            reason=self.reason.text(), supervisor=sup))


def cash_in_out(screen) -> None:
    amount, ok = QInputDialog.getText(screen, _("Kas masuk / keluar"),
                                      _("Jumlah (Rp; tulis minus untuk uang keluar, mis. -50000):"))
    if not ok:
        screen.scan.setFocus()
        return
    reason, ok = QInputDialog.getText(screen, _("Kas masuk / keluar"), _("Alasan:"))
    screen.scan.setFocus()
    if not ok:
        return
    try:
        record_cash(screen.session.db, user=screen.session.user, till=screen.till.till,
                    amount=amount, reason=reason)
    except UserError as e:
        on_error(screen, e)
        return
    screen.say(_("Kas dicatat."))


def _report_text(screen, summary, *, closing: bool) -> tuple[list, str]:
    rows = shift_report_rows(summary, screen.session.settings, closing=closing,
                             width=screen.till.paper_columns)
    return rows, "\n".join(plain_lines(rows, screen.till.paper_columns))


def show_report(screen, *, closing: bool, summary=None) -> None:
    """Print the X or Z report (if there is a printer) and show it on screen."""
    if summary is None:
        shift = open_shift_for(screen.session.db, screen.till.till)
        summary = shift_summary(screen.session.db, shift.id)
    rows, text = _report_text(screen, summary, closing=closing)
    name = ("Z-" if closing else "X-") + summary.shift.number
    try:
        screen.say(_("Laporan: {where}").format(where=print_report(rows, screen.till, name)))
    except UserError as e:
        screen.say(e.message)
    dialog = QDialog(screen)
    dialog.setWindowTitle(_("Laporan Z") if closing else _("Laporan X"))
    view = QPlainTextEdit(text)
    view.setObjectName("report_text")
    view.setReadOnly(True)
    view.setStyleSheet("font-family: monospace;")
    view.setMinimumSize(420, 520)
    layout = QVBoxLayout(dialog)
    layout.addWidget(view)
    close = QPushButton(_("Tutup (Esc)"))
    close.clicked.connect(dialog.accept)
    layout.addWidget(close)
    dialog.exec()
    screen.scan.setFocus()


class CloseShiftDialog(QDialog):
    """Count the drawer note by note; the Z report shows expected, counted and over/short."""

    def __init__(self, screen):
        super().__init__(screen)
        self.screen = screen
        self.setWindowTitle(_("Tutup shift — hitung laci"))
        self.counts: dict[int, QLineEdit] = {}
        form = QFormLayout()
        for denomination in DENOMINATIONS:
            edit = QLineEdit()
            edit.setObjectName(f"count_{denomination}")
            edit.setPlaceholderText("0")
            edit.textChanged.connect(self.refresh)
            self.counts[denomination] = edit
            form.addRow(_("Rp{value} ×").format(value=format_number(denomination)), edit)
        self.total = big_label("", 18)
        self.error = FieldError()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Jumlah lembar/keping tiap pecahan:")))
        layout.addLayout(form)
        layout.addWidget(self.total)
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        cancel = QPushButton(_("Batal (Esc)"))
        cancel.clicked.connect(self.reject)
        buttons.addStretch()
        buttons.addWidget(cancel)
        buttons.addWidget(key_button(_("Tutup shift"), "Ctrl+S", self, self.close_it))
        layout.addLayout(buttons)
        self.counts[DENOMINATIONS[0]].setFocus()
        self.refresh()

    def keyPressEvent(self, event):  # noqa: N802 (Qt API)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.focusNextChild()
            return
        super().keyPressEvent(event)

    def read(self) -> dict[int, int]:
        counts = {}
        for denomination, edit in self.counts.items():
            text = edit.text().strip()
            if text:
                if not text.isdigit():
                    raise UserError(_("Isi jumlah lembar/keping dengan angka bulat."))
                counts[denomination] = int(text)
        return counts

    def refresh(self) -> None:
        try:
            total = count_total(self.read())
        except UserError as e:
            self.error.show_message(e.message)
            return
        self.error.show_message(None)
        self.total.setText(_("Dihitung {amount}").format(amount=format_rupiah(total)))

    def close_it(self) -> None:
        try:
            counts = self.read()
            if QMessageBox.question(self, _("Tutup shift"), _(
                    "Tutup shift dengan uang tunai {amount}?").format(
                    amount=format_rupiah(count_total(counts)))) != QMessageBox.StandardButton.Yes:
                return
            summary = close_shift(self.screen.session.db, user=self.screen.session.user,
                                  till=self.screen.till.till, counts=counts)
        except UserError as e:
            self.error.show_message(e.message)
            return
        self.accept()
        show_report(self.screen, closing=True, summary=summary)
