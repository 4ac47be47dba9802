"""First start on an empty database: the shop's details and its first admin account."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QLineEdit, QVBoxLayout

from app.i18n import _
from app.models.clock import ZONES
from app.models.db import Database
from app.models.errors import UserError, ValidationError
from app.models.settings import ShopSettings
from app.models.shop import setup_shop
from app.models.users import User
from app.ui.widgets import ErrorForm, save_cancel_row


class SetupDialog(QDialog):
    def __init__(self, db: Database, parent=None):
        super().__init__(parent)
        self.db = db
        self.user: User | None = None
        self.setWindowTitle(_("Gerai baru"))
        self.setMinimumWidth(620)
        intro = QLabel(_("Basis data ini masih kosong. Isi data gerai dan akun admin pertama."
                         " Semua dapat diubah nanti di Pengaturan gerai."))
        intro.setWordWrap(True)
        self.form = ErrorForm()
        self.inputs: dict[str, QLineEdit | QComboBox] = {}
        defaults = ShopSettings()
        for key, label, value in (
            ("cooperative_name", _("Nama koperasi"), ""),
            ("shop_name", _("Nama gerai"), defaults.shop_name),
            ("shop_code", _("Kode gerai"), ""),
            ("address", _("Alamat"), ""),
            ("zone", _("Zona waktu"), defaults.zone),
            ("full_name", _("Nama lengkap admin"), ""),
            ("username", _("Nama pengguna admin"), "admin"),
            ("secret", _("Kata sandi admin (min. 8 huruf)"), ""),
        ):
            if key == "zone":
                widget = QComboBox()
                widget.addItems(list(ZONES))
                widget.setCurrentText(value)
            else:
                widget = QLineEdit(value)
                if key == "secret":
                    widget.setEchoMode(QLineEdit.EchoMode.Password)
            widget.setObjectName(key)
            self.inputs[key] = self.form.add(key, label, widget)
        self.errors = self.form.errors
        self.inputs["shop_code"].setPlaceholderText(_("mis. KDMP017"))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(self.form.layout)
        layout.addLayout(save_cancel_row(self, self.form, _("Buat gerai"), self.save))
        self.inputs["cooperative_name"].setFocus()

    def text(self, key: str) -> str:
        widget = self.inputs[key]
        return widget.currentText() if isinstance(widget, QComboBox) else widget.text()

    def save(self) -> None:
        self.form.clear()
        settings = ShopSettings(
            cooperative_name=self.text("cooperative_name"), shop_name=self.text("shop_name"),
            shop_code=self.text("shop_code").strip().upper(), address=self.text("address"),
            zone=self.text("zone"),
        )
        try:
            self.user = setup_shop(self.db, settings=settings, username=self.text("username"),
                                   full_name=self.text("full_name"), secret=self.text("secret"))
        except ValidationError as e:
            self.form.show(e.problems)
            self.adjustSize()
            return
        except UserError as e:
            self.form.general.show_message(e.message)
            return
        self.accept()
