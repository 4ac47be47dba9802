"""Register a member, or change their record, by keyboard: name, NIK (16 digits; the sex is
read from it when left empty), phone, address, village (one typed before, or a new one),
occupation, join date, status, the card (scanned), the bon limit.

The full NIK and phone show only here, to someone allowed to edit the register, and each
look is in the audit log (``members.member_form``); the lists show them masked.
Keys: Enter next field · ↑↓ in a choice · Ctrl+S save · Esc cancel.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.i18n import _
from app.models.clock import day_text
from app.models.members import (
    SEXES,
    STATUSES,
    Member,
    MemberForm,
    create_member,
    member_form,
    next_member_number,
    sex_label,
    status_label,
    update_member,
    villages,
)
from app.models.money import format_number
from app.ui.session import Session
from app.ui.widgets import ErrorForm, FormDialog, save_cancel_row


def member_fields() -> tuple[tuple[str, str, str], ...]:
    """Each field's key, label and hint, in the order Enter and Tab visit them."""
    return (
        ("name", _("Nama anggota"), _("seperti di KTP")),
        ("nik", _("NIK"), _("16 angka, dari KTP")),
        ("sex", _("Jenis kelamin"), ""),
        ("phone", _("Telepon"), _("mis. 0812 3456 7890")),
        ("address", _("Alamat"), _("mis. Dusun II RT 03")),
        ("village", _("Desa / kelurahan"), _("pilih atau ketik yang baru")),
        ("occupation", _("Pekerjaan"), _("mis. Petani")),
        ("joined_on", _("Tanggal masuk"), _("dd-mm-yyyy; kosong: hari ini")),
        ("status", _("Status"), ""),
        ("card_code", _("Kode kartu"), _("scan kartu anggota, atau kosong")),
        ("credit_limit", _("Batas bon (Rp)"), _("0: tanpa bon")),
    )


class MemberFormDialog(FormDialog):
    """``member`` None: a new member (their number is given on saving)."""

    def __init__(self, session: Session, member: Member | None = None, parent=None):
        super().__init__(parent)
        self.session = session
        self.member = member
        self.saved: Member | None = None
        self.setWindowTitle(_("Ubah anggota {number}").format(number=member.number)
                            if member else _("Anggota baru"))
        self.setMinimumWidth(560)
        db = session.db
        form = (member_form(db, user=session.user, member_id=member.id) if member
                else MemberForm(name=""))
        self.form = ErrorForm()
        self.fields: dict[str, QWidget] = {}
        self.number = QLabel(member.number if member else
                             _("{number} (diberikan saat disimpan)").format(
                                 number=next_member_number(db)))
        self.number.setObjectName("number")
        self.form.layout.addRow(_("Nomor anggota"), self.number)
        values = {"name": form.name, "nik": form.nik, "phone": form.phone,
                  "address": form.address, "village": form.village,
                  "occupation": form.occupation,
                  "joined_on": day_text(form.joined_on) if member else "",
                  "card_code": form.card_code or "",
                  "credit_limit": format_number(form.credit_limit) if member else ""}
        for key, label, hint in member_fields():
            if key == "sex":
                widget = self._choice(key, [(s, sex_label(s) or _("(menurut NIK)"))
                                            for s in SEXES], form.sex)
            elif key == "status":
                widget = self._choice(key, [(s, status_label(s)) for s in STATUSES],
                                      form.status)
            elif key == "village":
                widget = QComboBox()
                widget.setEditable(True)
                widget.addItems(villages(db))
                widget.setCurrentText(form.village)
                widget.lineEdit().setPlaceholderText(hint)
                widget.editTextChanged.connect(lambda _t: self.errors["village"].show_message(None))
            else:
                widget = QLineEdit(values[key])
                widget.setPlaceholderText(hint)
                widget.textEdited.connect(lambda _t, k=key: self.errors[k].show_message(None))
            widget.setObjectName(key)
            self.fields[key] = self.form.add(key, label, widget)
        self.errors = self.form.errors
        self.fields["nik"].setMaxLength(24)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form.layout)
        layout.addLayout(save_cancel_row(self, self.form, _("Simpan"), self.save))
        self.fields["name"].setFocus()

    def _choice(self, key: str, options: list[tuple[str, str]], value: str) -> QComboBox:
        combo = QComboBox()
        for data, label in options:
            combo.addItem(label, data)
        combo.setCurrentIndex(max(combo.findData(value), 0))
        combo.currentIndexChanged.connect(lambda _i: self.errors[key].show_message(None))
        return combo

    def text(self, key: str) -> str:
        widget = self.fields[key]
        if isinstance(widget, QComboBox):
            return widget.currentText() if widget.isEditable() else widget.currentData()
        return widget.text()

    def values(self) -> MemberForm:
        return MemberForm(
            name=self.text("name"), nik=self.text("nik"), phone=self.text("phone"),
            address=self.text("address"), village=self.text("village"),
            occupation=self.text("occupation"), sex=self.text("sex"),
            joined_on=self.text("joined_on"), card_code=self.text("card_code"),
            credit_limit=self.text("credit_limit").strip() or "0",
            status=self.text("status"))

    def save(self) -> None:
        db, user = self.session.db, self.session.user

        def write():
            if self.member is None:
                self.saved = create_member(db, user=user, form=self.values())
            else:
                self.saved = update_member(db, user=user, member_id=self.member.id,
                                           form=self.values())

        self.saving(write)
