"""First start on an empty database: the shop's details and its first admin account."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.models.clock import ZONES
from app.models.db import Database
from app.models.errors import UserError, ValidationError
from app.models.settings import ShopSettings
from app.models.shop import setup_shop
from app.models.users import User
from app.ui.widgets import FieldError, key_button


class SetupDialog(QDialog):
    def __init__(self, db: Database, parent=None):
        super().__init__(parent)
        self.db = db
        self.user: User | None = None
        self.setWindowTitle(_("Gerai baru"))
        self.setMinimumWidth(620)
        self.inputs: dict[str, QLineEdit | QComboBox] = {}
        self.errors: dict[str, FieldError] = {}
        intro = QLabel(_("Basis data ini masih kosong. Isi data gerai dan akun admin pertama."
                         " Semua dapat diubah nanti di Pengaturan gerai."))
        intro.setWordWrap(True)
        form = QFormLayout()
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
            self.inputs[key] = widget
            self.errors[key] = FieldError()
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(widget)
            column.addWidget(self.errors[key])
            form.addRow(label, box)
        self.inputs["shop_code"].setPlaceholderText(_("mis. KDMP017"))
        self.general_error = FieldError()
        save = key_button(_("Buat gerai"), "Ctrl+S", self, self.save)
        save.setDefault(True)
        cancel = QPushButton(_("Batal (Esc)"))
        cancel.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.general_error, 1)
        bottom.addWidget(cancel)
        bottom.addWidget(save)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(bottom)
        self.inputs["cooperative_name"].setFocus()

    def text(self, key: str) -> str:
        widget = self.inputs[key]
        return widget.currentText() if isinstance(widget, QComboBox) else widget.text()

    def save(self) -> None:
        for error in [*self.errors.values(), self.general_error]:
            error.show_message(None)
        settings = ShopSettings(
            cooperative_name=self.text("cooperative_name"), shop_name=self.text("shop_name"),
            shop_code=self.text("shop_code").strip().upper(), address=self.text("address"),
            zone=self.text("zone"),
        )
        try:
            self.user = setup_shop(self.db, settings=settings, username=self.text("username"),
                                   full_name=self.text("full_name"), secret=self.text("secret"))
        except ValidationError as e:
            for problem in e.problems:
                self.errors.get(problem.field, self.general_error).show_message(problem.message)
            self.adjustSize()
            return
        except UserError as e:
            self.general_error.show_message(e.message)
            return
        self.accept()
