"""Shop settings: name, code, address, time zone, receipt footer, the till, and what a
product needs to be ready for a retail partner."""

from __future__ import annotations

from dataclasses import fields

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.models.clock import ZONES
from app.models.compliance import STANDARD_ITEMS, get_standard, standard_label
from app.models.errors import UserError, ValidationError
from app.models.settings import ShopSettings
from app.models.till_settings import get_till_settings, save_shop_and_till, till_settings_from_form
from app.ui.backup_page import BackupPage
from app.ui.member_settings_page import MemberSettingsPage
from app.ui.session import Session
from app.ui.shu_settings_page import ShuSettingsPage
from app.ui.sync_page import SyncPage, shows_sync_page
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


def _till_labels() -> dict[str, str]:
    return {
        "till": _("Nama kasir/till"),
        "discount_limit": _("Batas diskon tanpa manajer (Rp)"),
        "qris_static": _("Kode QRIS statis gerai"),
        "printer_kind": _("Printer struk"),
        "printer_target": _("Alamat printer (/dev/usb/lp0, 0416:5011, 192.168.1.50)"),
        "paper_columns": _("Lebar kertas (32 = 58 mm, 48 = 80 mm)"),
        "open_drawer": _("Buka laci uang untuk penjualan tunai (1 = ya, 0 = tidak)"),
        "scale_value_kind": _("Barcode timbangan berisi (weight = berat, price = harga)"),
    }


_CHOICES = {"zone": list(ZONES), "language": ["id", "en"],
            "printer_kind": ["none", "file", "usb", "serial", "network"],
            "paper_columns": ["32", "48"], "open_drawer": ["1", "0"],
            "scale_value_kind": ["weight", "price"]}


class SettingsScreen(QWidget):
    def __init__(self, session: Session, on_saved=None, parent=None):
        super().__init__(parent)
        self.session = session
        self.on_saved = on_saved
        self.inputs: dict[str, QLineEdit | QComboBox] = {}
        self.errors: dict[str, FieldError] = {}
        form = QFormLayout()
        till = get_till_settings(session.db)
        current = {**vars(session.settings), **{k: str(int(v)) if isinstance(v, bool) else str(v)
                                                for k, v in vars(till).items()}}
        for name, label in {**_labels(), **_till_labels()}.items():
            if name in _CHOICES:
                widget = QComboBox()
                widget.addItems(_CHOICES[name])
                widget.setCurrentText(current[name])
            else:
                widget = QLineEdit(current[name])
            widget.setObjectName(name)
            widget.setEnabled(session.can("settings.edit"))
            self.inputs[name] = widget
            self.errors[name] = FieldError()
            box = QVBoxLayout()
            box.addWidget(widget)
            box.addWidget(self.errors[name])
            form.addRow(label, box)
        # What a UMKM product needs before it is offered to a toserba or a marketplace.
        standard = set(get_standard(session.db))
        self.standard: dict[str, QCheckBox] = {}
        checks = QVBoxLayout()
        for item in STANDARD_ITEMS:
            box = QCheckBox(standard_label(item))
            box.setObjectName(f"standard.{item}")
            box.setChecked(item in standard)
            box.setEnabled(session.can("settings.edit"))
            self.standard[item] = box
            checks.addWidget(box)
        self.errors["items"] = FieldError()
        checks.addWidget(self.errors["items"])
        form.addRow(_("Syarat siap toserba/marketplace"), checks)
        self.message = QLabel()
        # Each page of the settings saves its own (Ctrl+S answers in the page shown).
        shop_page = QWidget()
        save = key_button(_("Simpan"), "Ctrl+S", shop_page, self.save)
        save.setVisible(session.can("settings.edit"))
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(save)
        body = QWidget()
        body.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        shop_layout = QVBoxLayout(shop_page)
        shop_layout.setContentsMargins(0, 0, 0, 0)
        shop_layout.addWidget(scroll, 1)
        shop_layout.addLayout(bottom)
        self.pages = QTabWidget()
        self.pages.tabBar().setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay in the fields
        self.pages.addTab(shop_page, _("Gerai"))
        self.pages.addTab(MemberSettingsPage(session), _("Anggota"))
        self.pages.addTab(ShuSettingsPage(session), _("SHU"))
        if shows_sync_page(session):
            self.pages.addTab(SyncPage(session), _("Sinkronisasi"))
        self.pages.addTab(BackupPage(session), _("Cadangan data"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)

    def text(self, name: str) -> str:
        widget = self.inputs[name]
        return widget.currentText() if isinstance(widget, QComboBox) else widget.text()

    def values(self) -> ShopSettings:
        return ShopSettings(**{f.name: self.text(f.name) for f in fields(ShopSettings)})

    def save(self) -> None:
        for error in self.errors.values():
            error.show_message(None)
        try:
            saved = self.values()
            till = till_settings_from_form({name: self.text(name) for name in _till_labels()})
            save_shop_and_till(self.session.db, user=self.session.user, shop=saved, till=till,
                               retail_standard=tuple(item for item, box in self.standard.items()
                                                     if box.isChecked()))
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
