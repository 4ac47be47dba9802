"""The Anggota page of the settings: the cooperative's rules for members from its AD/ART —
the simpanan pokok paid once, the simpanan wajib each month, and after how many days of
unpaid bon the till stops giving more. The admin changes them (Ctrl+S); others read them.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.i18n import _
from app.models.member_settings import get_member_settings, save_member_settings
from app.models.member_views import member_settings_from_form
from app.models.money import format_number
from app.ui.session import Session
from app.ui.widgets import FieldError, key_button, save_page


def _labels() -> dict[str, tuple[str, str]]:
    return {
        "pokok_amount": (_("Simpanan pokok (Rp)"), _("sekali saat masuk, sama untuk semua")),
        "wajib_amount": (_("Simpanan wajib per bulan (Rp)"), _("0: tanpa simpanan wajib")),
        "credit_block_days": (_("Bon ditahan bila ada bon lebih lama dari (hari)"),
                              _("0: hanya batas bon yang berlaku")),
    }


class MemberSettingsPage(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("member_settings")
        allowed = session.can("settings.edit")
        current = get_member_settings(session.db)
        self.inputs: dict[str, QLineEdit] = {}
        self.errors: dict[str, FieldError] = {}
        form = QFormLayout()
        for name, (label, hint) in _labels().items():
            value = getattr(current, name)
            edit = QLineEdit(str(value) if name == "credit_block_days" else format_number(value))
            edit.setObjectName(name)
            edit.setPlaceholderText(hint)
            edit.setEnabled(allowed)
            edit.returnPressed.connect(self.focusNextChild)
            self.inputs[name] = edit
            self.errors[name] = FieldError()
            box = QVBoxLayout()
            box.addWidget(edit)
            box.addWidget(self.errors[name])
            form.addRow(label, box)
        self.message = QLabel()
        self.message.setObjectName("member_settings_message")
        save = key_button(_("Simpan"), "Ctrl+S", self, self.save)
        save.setVisible(allowed)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(save)
        layout = QVBoxLayout(self)
        intro = QLabel(_("Aturan anggota dari AD/ART koperasi. Bon baru ditolak di kasir bila"
                         " melebihi batas bon anggota, atau bila bon lamanya belum dibayar"
                         " lebih dari jumlah hari di bawah."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addLayout(bottom)
        self.setFocusProxy(self.inputs["pokok_amount"])

    def save(self) -> None:
        def save():
            settings = member_settings_from_form({k: e.text() for k, e in self.inputs.items()})
            return save_member_settings(self.session.db, user=self.session.user,
                                        settings=settings)

        saved = save_page(save, errors=self.errors, inputs=self.inputs, fallback="pokok_amount",
                          message=self.message)
        if saved is None:
            return
        for name, edit in self.inputs.items():
            value = getattr(saved, name)
            edit.setText(str(value) if name == "credit_block_days" else format_number(value))
        self.message.setText(_("Aturan anggota tersimpan."))
