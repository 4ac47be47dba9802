"""Add or edit a supplier (distributor): contact, bank, terms and lead time, by keyboard."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QVBoxLayout

from app.i18n import _
from app.models.suppliers import (
    Supplier,
    create_supplier,
    read_supplier_form,
    update_supplier,
)
from app.ui.session import Session
from app.ui.widgets import ErrorForm, FormDialog, save_cancel_row


def supplier_fields() -> tuple[tuple[str, str, str], ...]:
    """Each field's key, label and hint, in the order Tab visits them."""
    return (
        ("name", _("Nama pemasok"), _("mis. CV Sumber Pangan Lampung")),
        ("contact", _("Nama kontak"), ""),
        ("phone", _("Telepon"), _("mis. 0721 123456")),
        ("address", _("Alamat"), ""),
        ("bank_name", _("Bank"), _("mis. BRI")),
        ("bank_account", _("Nomor rekening"), ""),
        ("bank_holder", _("Atas nama rekening"), ""),
        ("terms_days", _("Tempo pembayaran (hari, 0 = tunai)"), "0"),
        ("lead_days", _("Waktu tunggu kiriman (hari)"), "7"),
        ("note", _("Catatan"), ""),
    )


class SupplierDialog(FormDialog):
    def __init__(self, session: Session, supplier: Supplier | None = None, parent=None):
        super().__init__(parent)
        self.session = session
        self.supplier = supplier
        self.saved: Supplier | None = None
        self.setWindowTitle(_("Ubah pemasok") if supplier else _("Pemasok baru"))
        self.setMinimumWidth(560)
        self.form = ErrorForm()
        self.errors = self.form.errors
        self.fields: dict[str, QLineEdit] = {}
        for key, label, hint in supplier_fields():
            edit = QLineEdit()
            edit.setObjectName(key)
            edit.setPlaceholderText(hint)
            edit.textEdited.connect(lambda _text, k=key: self.errors[k].show_message(None))
            self.fields[key] = self.form.add(key, label, edit)
            if supplier is not None:
                value = getattr(supplier, key)
                edit.setText(str(value))
        layout = QVBoxLayout(self)
        layout.addLayout(self.form.layout)
        layout.addLayout(save_cancel_row(self, self.form, _("Simpan"), self.save))
        self.fields["name"].setFocus()

    def save(self) -> None:
        db, user = self.session.db, self.session.user

        def write():
            data = read_supplier_form({k: e.text() for k, e in self.fields.items()})
            if self.supplier is None:
                self.saved = create_supplier(db, user=user, data=data)
            else:
                self.saved = update_supplier(db, user=user, supplier_id=self.supplier.id,
                                             data=data)

        self.saving(write)
