"""Login: user name and PIN or password, keyboard only."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from app.i18n import _
from app.models.db import Database
from app.models.errors import UserError
from app.models.settings import ShopSettings
from app.models.users import User, authenticate
from app.ui.widgets import FieldError


class LoginDialog(QDialog):
    def __init__(self, db: Database, settings: ShopSettings, parent=None):
        super().__init__(parent)
        self.db = db
        self.user: User | None = None
        self.setWindowTitle(_("Masuk — Gerai"))
        self.setMinimumWidth(380)

        title = QLabel(f"<b>{settings.shop_name}</b><br>{settings.cooperative_name}")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title.setTextFormat(Qt.TextFormat.RichText)
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.username.setPlaceholderText(_("mis. kasir"))
        self.secret = QLineEdit()
        self.secret.setObjectName("secret")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText(_("PIN atau kata sandi"))
        self.error = FieldError()

        form = QFormLayout()
        form.addRow(_("Nama pengguna"), self.username)
        form.addRow(_("PIN / kata sandi"), self.secret)
        buttons = QDialogButtonBox()
        self.login_button = buttons.addButton(_("Masuk (Enter)"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(_("Keluar (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        self.login_button.setDefault(True)
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.username.setFocus()

    def keyPressEvent(self, event):  # noqa: N802 (Qt API)
        # Enter in the user name moves on to the PIN, as a cashier expects.
        if self.username.hasFocus() and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.secret.setFocus()
            return
        super().keyPressEvent(event)

    def try_login(self) -> None:
        try:
            self.user = authenticate(self.db, username=self.username.text(),
                                     secret=self.secret.text())
        except UserError as e:
            self.error.show_message(e.message)
            self.secret.clear()
            (self.secret if self.username.text() else self.username).setFocus()
            return
        self.accept()
