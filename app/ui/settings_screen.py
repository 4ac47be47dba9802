"""Shop settings: name, code, address, time zone, receipt footer."""

from __future__ import annotations

from dataclasses import fields

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.models.clock import ZONES
from app.models.errors import UserError, ValidationError
from app.models.settings import ShopSettings, save_settings
from app.ui.session import Session
from app.ui.widgets import FieldError, key_button


def _labels() -> dict[str, str]:
    return {
        "cooperative_name": _("Nama koperasi"),
        "shop_name": _("Nama gerai"),
        "shop_code": _("Kode gerai"),
        "address": _("Alamat"),
        "zone": _("Zona waktu"),
        "receipt_footer": _("Catatan kaki struk"),
        "language": _("Bahasa (id/en)"),
    }


class SettingsScreen(QWidget):
    def __init__(self, session: Session, on_saved=None, parent=None):
        super().__init__(parent)
        self.session = session
        self.on_saved = on_saved
        self.inputs: dict[str, QLineEdit | QComboBox] = {}
        self.errors: dict[str, FieldError] = {}
        form = QFormLayout()
        for name, label in _labels().items():
            if name in ("zone", "language"):
                widget = QComboBox()
                widget.addItems(list(ZONES) if name == "zone" else ["id", "en"])
                widget.setCurrentText(getattr(session.settings, name))
            else:
                widget = QLineEdit(getattr(session.settings, name))
            widget.setObjectName(name)
            widget.setEnabled(session.can("settings.edit"))
            self.inputs[name] = widget
            self.errors[name] = FieldError()
            box = QVBoxLayout()
            box.addWidget(widget)
            box.addWidget(self.errors[name])
            form.addRow(label, box)
        self.message = QLabel()
        save = key_button(_("Simpan"), "Ctrl+S", self, self.save)
        save.setVisible(session.can("settings.edit"))
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch()
        layout.addLayout(bottom)

    def values(self) -> ShopSettings:
        return ShopSettings(**{
            f.name: (w.currentText() if isinstance(w, QComboBox) else w.text())
            for f in fields(ShopSettings) for w in [self.inputs[f.name]]
        })

    def save(self) -> None:
        for error in self.errors.values():
            error.show_message(None)
        try:
            saved = save_settings(self.session.db, user=self.session.user, settings=self.values())
        except ValidationError as e:
            for problem in e.problems:
                self.errors[problem.field].show_message(problem.message)
            self.message.setText("")
            return
        except UserError as e:
            self.message.setText(e.message)
            return
        self.session.settings = saved
        self.message.setText(_("Pengaturan tersimpan."))
        if self.on_saved:
            self.on_saved()
