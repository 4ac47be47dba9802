"""Add or edit a consignor (penitip): who they are, how they are paid and the terms agreed,
by keyboard. The commission is asked only under a commission, the bank only for transfers.
Keys: Enter next field · ↑↓ or the first letters in a choice · Ctrl+S save · Esc cancel.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QVBoxLayout, QWidget

from app.i18n import _
from app.models.consignors import (
    LOSS_POLICIES,
    PAY_METHODS,
    PERIODS,
    TERMS,
    Consignor,
    ConsignorInput,
    consignor_form,
    consignor_from_form,
    create_consignor,
    loss_policy_label,
    pay_method_label,
    period_label,
    terms_label,
    update_consignor,
)
from app.ui.session import Session
from app.ui.widgets import ErrorForm, FormDialog, save_cancel_row

#: The choices of the form: key, label, the values and how each reads.
CHOICES = {"pay_method": (PAY_METHODS, pay_method_label), "terms": (TERMS, terms_label),
           "period": (PERIODS, period_label), "loss_policy": (LOSS_POLICIES, loss_policy_label)}


def consignor_fields() -> tuple[tuple[str, str, str], ...]:
    """Each field's key, label and hint, in the order Enter and Tab visit them."""
    return (
        ("name", _("Nama penitip"), _("mis. Ibu Sari (Keripik Sari)")),
        ("village", _("Desa / kelurahan"), _("mis. Desa Hanura")),
        ("phone", _("Telepon"), _("mis. 0812 7788 9900")),
        ("address", _("Alamat"), ""),
        ("terms", _("Cara bagi hasil"), ""),
        ("commission", _("Komisi gerai (%)"), _("mis. 15 atau 12,5")),
        ("period", _("Periode penyelesaian"), ""),
        ("loss_policy", _("Selisih hitung"), ""),
        ("pay_method", _("Dibayar dengan"), ""),
        ("bank_name", _("Bank"), _("mis. BRI")),
        ("bank_account", _("Nomor rekening"), ""),
        ("bank_holder", _("Atas nama rekening"), ""),
        ("note", _("Catatan"), ""),
    )


class ConsignorDialog(FormDialog):
    def __init__(self, session: Session, consignor: Consignor | None = None, parent=None, *,
                 read_only: bool = False):
        super().__init__(parent)
        self.session = session
        self.consignor = consignor
        self.read_only = read_only
        self.saved: Consignor | None = None
        self.setWindowTitle(_("Penitip {name}").format(name=consignor.name) if read_only
                            else _("Ubah penitip") if consignor else _("Penitip baru"))
        self.setMinimumWidth(560)
        self.form = ErrorForm()
        self.errors = self.form.errors
        self.fields: dict[str, QWidget] = {}
        # A new producer starts from the usual agreement (ConsignorInput's defaults).
        values = consignor_form(consignor or ConsignorInput(name=""))
        for key, label, hint in consignor_fields():
            self.fields[key] = self.form.add(key, label, self._field(key, hint,
                                                                     values.get(key, "")))
            self.fields[key].setEnabled(not read_only or key not in CHOICES)
            if read_only and key not in CHOICES:
                self.fields[key].setReadOnly(True)
        self.fields["terms"].currentIndexChanged.connect(self._follow_choices)
        self.fields["pay_method"].currentIndexChanged.connect(self._follow_choices)
        if not read_only:
            self._follow_choices()
        layout = QVBoxLayout(self)
        layout.addLayout(self.form.layout)
        bottom = save_cancel_row(self, self.form, _("Simpan"), self.save)
        layout.addLayout(bottom)
        if read_only:
            for i in range(bottom.count()):
                widget = bottom.itemAt(i).widget()
                if widget is not None and widget.objectName() == "save":
                    widget.hide()
        self.fields["name"].setFocus()

    def _field(self, key: str, hint: str, value: str) -> QWidget:
        if key in CHOICES:
            options, label = CHOICES[key]
            combo = QComboBox()
            combo.setObjectName(key)
            for option in options:
                combo.addItem(label(option), option)
            combo.setCurrentIndex(max(combo.findData(value), 0))
            combo.currentIndexChanged.connect(lambda _i, k=key: self.errors[k].show_message(None))
            return combo
        edit = QLineEdit(value)
        edit.setObjectName(key)
        edit.setPlaceholderText(hint)
        edit.textEdited.connect(lambda _text, k=key: self.errors[k].show_message(None))
        return edit

    def _follow_choices(self) -> None:
        """The commission only under a commission, the bank only for transfers (a field
        that does not apply is skipped by Enter and Tab)."""
        self.fields["commission"].setEnabled(self.fields["terms"].currentData() == "percent")
        transfer = self.fields["pay_method"].currentData() == "transfer"
        for key in ("bank_name", "bank_account", "bank_holder"):
            self.fields[key].setEnabled(transfer)

    def values(self) -> dict[str, str]:
        return {key: (field.currentData() if isinstance(field, QComboBox) else field.text())
                for key, field in self.fields.items()}

    def save(self) -> None:
        if self.read_only:
            return
        db, user = self.session.db, self.session.user

        def write():
            data = consignor_from_form(self.values())
            if self.consignor is None:
                self.saved = create_consignor(db, user=user, data=data)
            else:
                self.saved = update_consignor(db, user=user, consignor_id=self.consignor.id,
                                              data=data)

        self.saving(write)
