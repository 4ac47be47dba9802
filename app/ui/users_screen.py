"""Staff accounts: add a cashier, reset a PIN, deactivate someone who left."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.models.errors import Problem, UserError, ValidationError
from app.models.users import (
    ROLES,
    change_secret,
    create_user,
    list_users,
    role_label,
    set_user_active,
)
from app.ui.errors import on_error
from app.ui.session import Session
from app.ui.widgets import ErrorForm, key_button, save_cancel_row


class NewUserDialog(QDialog):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(_("Pengguna baru"))
        self.setMinimumWidth(520)
        self.form = ErrorForm()
        self.inputs: dict[str, QLineEdit | QComboBox] = {}
        roles = [r for r in ROLES if r != "admin" or session.user.role == "admin"]
        for key, label in (("full_name", _("Nama lengkap")), ("username", _("Nama pengguna")),
                           ("role", _("Peran")), ("secret", _("PIN (4–8 angka) atau kata sandi"))):
            if key == "role":
                widget = QComboBox()
                for role in roles:
                    widget.addItem(role_label(role), role)
            else:
                widget = QLineEdit()
                if key == "secret":
                    widget.setEchoMode(QLineEdit.EchoMode.Password)
            widget.setObjectName(key)
            self.inputs[key] = self.form.add(key, label, widget)
        self.errors = self.form.errors
        layout = QVBoxLayout(self)
        layout.addLayout(self.form.layout)
        layout.addLayout(save_cancel_row(self, self.form, _("Simpan"), self.save))
        self.inputs["full_name"].setFocus()

    def save(self) -> None:
        self.form.clear()
        try:
            create_user(self.session.db, user=self.session.user,
                        username=self.inputs["username"].text(),
                        full_name=self.inputs["full_name"].text(),
                        role=self.inputs["role"].currentData(),
                        secret=self.inputs["secret"].text())
        except ValidationError as e:
            self.form.show(e.problems)
            self.adjustSize()
            return
        except UserError as e:
            self.form.show([Problem(e.field or "", e.message)])
            return
        self.accept()


class UsersScreen(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("users")
        self.table.setHorizontalHeaderLabels([_("Nama pengguna"), _("Nama lengkap"), _("Peran"),
                                              _("Status")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.message = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(key_button(_("Tambah"), "F2", self, self.add_user))
        buttons.addWidget(key_button(_("Ganti PIN"), "F4", self, self.reset_secret))
        buttons.addWidget(key_button(_("Nonaktifkan / aktifkan"), "F8", self, self.toggle_active))
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.setFocusProxy(self.table)
        self.refresh()

    def refresh(self) -> None:
        self.users = list_users(self.session.db)
        self.table.setRowCount(len(self.users))
        for row, user in enumerate(self.users):
            status = _("aktif") if user.active else _("nonaktif")
            for column, value in enumerate((user.username, user.full_name,
                                            role_label(user.role), status)):
                self.table.setItem(row, column, QTableWidgetItem(value))
        if self.users and self.table.currentRow() < 0:
            self.table.selectRow(0)

    def selected(self):
        row = self.table.currentRow()
        return self.users[row] if 0 <= row < len(self.users) else None

    def add_user(self) -> None:
        if NewUserDialog(self.session, self).exec():
            self.refresh()
            self.message.setText(_("Pengguna baru tersimpan."))

    def reset_secret(self) -> None:
        target = self.selected()
        if target is None:
            return
        secret, ok = QInputDialog.getText(
            self, _("Ganti PIN"), _("PIN atau kata sandi baru untuk {name}:").format(
                name=target.full_name), QLineEdit.EchoMode.Password)
        if not ok:
            return
        try:
            change_secret(self.session.db, user=self.session.user, target_id=target.id,
                          secret=secret)
        except UserError as e:
            on_error(self, e)
            return
        self.message.setText(_("PIN {name} sudah diganti.").format(name=target.full_name))

    def toggle_active(self) -> None:
        target = self.selected()
        if target is None:
            return
        try:
            set_user_active(self.session.db, user=self.session.user, target_id=target.id,
                            active=not target.active)
        except UserError as e:
            on_error(self, e)
            return
        row = self.table.currentRow()
        self.refresh()
        self.table.selectRow(row)
