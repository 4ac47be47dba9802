"""Dialogs of the till: payment, member search, supervisor approval, quantity."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from app.i18n import _
from app.models.errors import UserError
from app.models.members import Member, find_members
from app.models.money import format_number, format_rupiah, parse_rupiah
from app.models.sales import PaymentInput, preview_payment, quick_cash_amounts
from app.models.users import User, authorize
from app.ui.widgets import FieldError, key_button


def big_label(text: str = "", size: int = 22) -> QLabel:
    label = QLabel(text)
    font = QFont()
    font.setPointSize(size)
    font.setBold(True)
    label.setFont(font)
    return label


class PaymentDialog(QDialog):
    """Cash (with quick amounts), QRIS, transfer and bon, split as the customer wishes."""

    def __init__(self, total: int, *, member: Member | None, qris_png: bytes | None = None,
                 parent=None, print_qris=None):
        super().__init__(parent)
        self.total = total
        self.payments: list[PaymentInput] = []
        self.setWindowTitle(_("Pembayaran"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.addWidget(big_label(_("Total {amount}").format(amount=format_rupiah(total)), 24))
        form = QFormLayout()
        self.cash = QLineEdit()
        self.cash.setObjectName("cash")
        self.qris = QLineEdit()
        self.qris.setObjectName("qris")
        self.qris_ref = QLineEdit()
        self.qris_ref.setObjectName("qris_ref")
        self.transfer = QLineEdit()
        self.transfer.setObjectName("transfer")
        self.transfer_ref = QLineEdit()
        self.transfer_ref.setObjectName("transfer_ref")
        self.bon = QLineEdit()
        self.bon.setObjectName("bon")
        self.bon.setEnabled(member is not None)
        self.bon.setPlaceholderText(
            _("sisa batas {left}").format(left=format_rupiah(max(member.credit_left, 0)))
            if member else _("hanya untuk anggota"))
        form.addRow(_("Tunai diterima (Rp)"), self.cash)
        quick = QHBoxLayout()
        for i, value in enumerate(quick_cash_amounts(total), start=1):
            label = _("Uang pas") if value == total else format_number(value)
            button = key_button(label, f"F{i}", self, lambda _c=False, v=value: self._quick(v))
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from field to field
            quick.addWidget(button)
        form.addRow("", quick)
        # F5/F6/F7 put what is still owed on QRIS, transfer or bon, and go to that field.
        for key, label, edit in (("F5", _("QRIS (Rp)"), self.qris),
                                 ("F6", _("Transfer (Rp)"), self.transfer),
                                 ("F7", _("Bon anggota (Rp)"), self.bon)):
            row = QHBoxLayout()
            row.addWidget(edit, 1)
            button = key_button(_("Sisa"), key, self, lambda _c=False, e=edit: self._rest_to(e))
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            row.addWidget(button)
            form.addRow(label, row)
            if edit is self.qris:
                form.addRow(_("Referensi QRIS"), self.qris_ref)
            elif edit is self.transfer:
                form.addRow(_("Referensi transfer"), self.transfer_ref)
        layout.addLayout(form)
        if qris_png:
            image = QLabel()
            image.setObjectName("qris_image")
            pixmap = QPixmap()
            pixmap.loadFromData(qris_png)
            image.setPixmap(pixmap.scaledToWidth(220))
            image.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(image)
        if print_qris is not None:
            button = key_button(_("Cetak QRIS"), "F8", self,
                                lambda: self._printed(print_qris))
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            layout.addWidget(button)
        self.change = big_label("", 26)
        self.change.setObjectName("change")
        self.error = FieldError()
        layout.addWidget(self.change)
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        cancel = QPushButton(_("Batal (Esc)"))
        cancel.clicked.connect(self.reject)
        self.pay = key_button(_("Selesai"), "F10", self, self.confirm)
        buttons.addStretch()
        buttons.addWidget(cancel)
        buttons.addWidget(self.pay)
        layout.addLayout(buttons)
        for edit in (self.cash, self.qris, self.transfer, self.bon):
            edit.textChanged.connect(self.refresh)
        self.cash.setFocus()
        self.refresh()

    def _printed(self, print_qris) -> None:
        try:
            where = print_qris()
        except UserError as e:
            self.error.show_message(e.message)
            return
        self.error.show_message(_("QRIS dicetak: {where}").format(where=where))

    def _rest_to(self, edit: QLineEdit) -> None:
        if not edit.isEnabled():
            return
        edit.clear()
        try:
            short = preview_payment(self.total, self.read()).short
        except UserError as e:
            self.error.show_message(e.message)
            return
        if short:
            edit.setText(format_number(short))
        reference = {id(self.qris): self.qris_ref, id(self.transfer): self.transfer_ref}.get(
            id(edit))
        (reference or edit).setFocus()

    def _quick(self, value: int) -> None:
        self.cash.setText(format_number(value))
        self.confirm()

    def read(self) -> list[PaymentInput]:
        payments = []
        for method, edit, ref in (("cash", self.cash, None), ("qris", self.qris, self.qris_ref),
                                  ("transfer", self.transfer, self.transfer_ref),
                                  ("bon", self.bon, None)):
            if edit.text().strip():
                value = parse_rupiah(edit.text(), field=method, allow_zero=False)
                payments.append(PaymentInput(method, value, ref.text() if ref else ""))
        return payments

    def refresh(self) -> None:
        try:
            preview = preview_payment(self.total, self.read())
        except UserError as e:
            self.change.setText("")
            self.error.show_message(e.message)
            return
        self.error.show_message(None)
        if preview.short:
            self.change.setText(_("Kurang {amount}").format(amount=format_rupiah(preview.short)))
        else:
            self.change.setText(_("Kembalian {amount}").format(
                amount=format_rupiah(preview.change)))

    def keyPressEvent(self, event):  # noqa: N802 (Qt API)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.confirm()
            return
        super().keyPressEvent(event)

    def confirm(self) -> None:
        try:
            payments = self.read()
            preview = preview_payment(self.total, payments)
        except UserError as e:
            self.error.show_message(e.message)
            return
        if not payments or preview.short:
            self.error.show_message(_("Pembayaran belum cukup."))
            return
        self.payments = payments
        self.accept()


class MemberDialog(QDialog):
    """Find a member by name, member number or the barcode on their card."""

    def __init__(self, db, parent=None):
        super().__init__(parent)
        self.db = db
        self.member: Member | None = None
        self.setWindowTitle(_("Pilih anggota"))
        self.setMinimumWidth(460)
        self.search = QLineEdit()
        self.search.setObjectName("member_search")
        self.search.setPlaceholderText(_("Nama, nomor anggota atau scan kartu"))
        self.results = QListWidget()
        self.results.setObjectName("member_results")
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        hint = QLabel(_("Enter: pilih · ↓: daftar · Esc: batal · Ctrl+Del: tanpa anggota"))
        layout.addWidget(hint)
        self.search.textChanged.connect(self.refresh)
        self.results.itemActivated.connect(self._pick)
        self.search.setFocus()

    def refresh(self) -> None:
        self.results.clear()
        for member in find_members(self.db, self.search.text()):
            item = QListWidgetItem(_("{label} — sisa bon {left}").format(
                label=member.label, left=format_rupiah(max(member.credit_left, 0))))
            item.setData(Qt.ItemDataRole.UserRole, member)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def _pick(self, item: QListWidgetItem) -> None:
        self.member = item.data(Qt.ItemDataRole.UserRole)
        self.accept()

    def keyPressEvent(self, event):  # noqa: N802 (Qt API)
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.refresh() if not self.results.count() else None
            if self.results.currentItem() is not None:
                self._pick(self.results.currentItem())
            return
        if key == Qt.Key.Key_Down and self.search.hasFocus():
            self.results.setFocus()
            return
        if key == Qt.Key.Key_Delete and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.member = None
            self.done(2)
            return
        super().keyPressEvent(event)


class SupervisorDialog(QDialog):
    """A manager types their user name and PIN to approve one thing at the till."""

    def __init__(self, db, why: str, permission: str = "sale.approve", parent=None):
        super().__init__(parent)
        self.db = db
        self.permission = permission
        self.supervisor: User | None = None
        self.setWindowTitle(_("Persetujuan manajer"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(why))
        form = QFormLayout()
        self.username = QLineEdit()
        self.username.setObjectName("supervisor")
        self.secret = QLineEdit()
        self.secret.setObjectName("supervisor_pin")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(_("Manajer"), self.username)
        form.addRow(_("PIN"), self.secret)
        layout.addLayout(form)
        self.error = FieldError()
        layout.addWidget(self.error)
        self.username.setFocus()

    def keyPressEvent(self, event):  # noqa: N802 (Qt API)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.username.hasFocus():
                self.secret.setFocus()
                return
            try:
                self.supervisor = authorize(self.db, username=self.username.text(),
                                            secret=self.secret.text(),
                                            permission=self.permission)
            except UserError as e:
                self.error.show_message(e.message)
                self.secret.clear()
                return
            self.accept()
            return
        super().keyPressEvent(event)


def ask_supervisor(session, why: str, parent=None):
    """The approving user: the one at the till if they may approve, else a manager who types
    their PIN; False when nobody approved (the dialog was cancelled)."""
    if session.can("sale.approve"):
        return None
    dialog = SupervisorDialog(session.db, why, parent=parent)
    return dialog.supervisor if dialog.exec() else False
