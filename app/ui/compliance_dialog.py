"""A product's papers for retail partners (kelengkapan izin), by keyboard: its producer, the
food permit (P-IRT or BPOM), halal, net weight, what the label shows, and a photo.

Keys: Enter goes from field to field and saves from the last check box, Ctrl+S saves,
Ctrl+O picks the photo, Space ticks a box, Esc cancels.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.models.compliance import (
    LABEL_FLAGS,
    PERMIT_KINDS,
    Compliance,
    compliance_form,
    compliance_from_form,
    get_compliance,
    permit_kind_label,
    photo_path,
    read_photo,
    readiness_of,
    save_compliance,
)
from app.models.consignors import list_consignors
from app.models.errors import UserError
from app.models.products import Product
from app.ui.session import Session
from app.ui.widgets import ErrorForm, FormDialog, key_button, save_cancel_row

THUMBNAIL = 160


def flag_labels() -> dict[str, str]:
    return {"label_producer": _("Label memuat nama dan alamat produsen"),
            "label_ingredients": _("Label memuat komposisi"),
            "label_expiry": _("Label memuat tanggal kedaluwarsa"),
            "label_barcode": _("Barcode tercetak di label")}


class ComplianceDialog(FormDialog):
    def __init__(self, session: Session, product: Product, parent=None):
        super().__init__(parent)
        self.session = session
        self.product = product
        self.saved: Compliance | None = None
        self.photo_source: Path | None = None
        self.setWindowTitle(_("Kelengkapan izin: {name}").format(name=product.name))
        self.setMinimumWidth(600)
        db = session.db
        current = get_compliance(db, product.id)
        values = compliance_form(current)
        self.form = ErrorForm()
        self.errors = self.form.errors

        self.producer = QComboBox()
        self.producer.setObjectName("producer_id")
        self.producer.addItem(_("(belum dipilih)"), "")
        for consignor in list_consignors(db, include_archived=True):
            if not consignor.archived or consignor.id == values["producer_id"]:
                label = f"{consignor.name} — {consignor.village}" if consignor.village \
                    else consignor.name
                self.producer.addItem(label, consignor.id)
        self.producer.setCurrentIndex(max(self.producer.findData(values["producer_id"]), 0))
        self.permit_kind = QComboBox()
        self.permit_kind.setObjectName("permit_kind")
        for kind in PERMIT_KINDS:
            self.permit_kind.addItem(permit_kind_label(kind), kind)
        self.permit_kind.setCurrentIndex(PERMIT_KINDS.index(values["permit_kind"]))
        self.fields: dict[str, QWidget] = {"producer_id": self.producer,
                                           "permit_kind": self.permit_kind}
        self.form.add("producer_id", _("Produsen (penitip)"), self.producer)
        self.form.add("permit_kind", _("Jenis izin edar"), self.permit_kind)
        for key, label, hint in (
                ("permit_no", _("Nomor izin edar"), _("mis. 2063271010123-25 atau MD 123456789012")),
                ("halal_no", _("Nomor sertifikat halal"), _("mis. ID31110000123450321")),
                ("halal_expires_on", _("Halal berlaku sampai"),
                 _("mis. 31-12-2029; kosongkan bila tidak ada")),
                ("net_weight", _("Berat/isi bersih"), _("mis. 250 g, 1 kg, 500 ml"))):
            edit = QLineEdit(values[key])
            edit.setObjectName(key)
            edit.setPlaceholderText(hint)
            edit.textEdited.connect(lambda _text, k=key: self.errors[k].show_message(None))
            self.fields[key] = self.form.add(key, label, edit)
        for key, label in flag_labels().items():
            box = QCheckBox(label)
            box.setObjectName(key)
            box.setChecked(values[key] == "1")
            self.fields[key] = self.form.add(key, "", box)

        self.thumbnail = QLabel(_("Belum ada foto"))
        self.thumbnail.setObjectName("thumbnail")
        self.thumbnail.setFixedSize(THUMBNAIL, THUMBNAIL)
        self.thumbnail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumbnail.setStyleSheet("border: 1px solid #ccc; color: #777;")
        self.photo_button = key_button(_("Pilih foto…"), "Ctrl+O", self, self.choose_photo)
        self.photo_button.setObjectName("choose_photo")
        self.photo_button.setAutoDefault(False)
        photo_row = QWidget()
        row = QHBoxLayout(photo_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.thumbnail)
        row.addWidget(self.photo_button, 0, Qt.AlignmentFlag.AlignBottom)
        row.addStretch()
        self.form.add("photo", _("Foto produk (JPEG/PNG, paling besar 5 MB)"), photo_row)
        existing = photo_path(db, current)
        if existing is not None:
            self._show_pixmap(QPixmap(str(existing)))

        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self._show_status()
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(self.form.layout)
        layout.addLayout(save_cancel_row(self, self.form, _("Simpan"), self.save))
        order = list(self.fields.values())
        for first, second in zip(order, order[1:], strict=False):
            self.setTabOrder(first, second)
        self.setTabOrder(order[-1], self.photo_button)
        self.producer.setFocus()

    # --- keys ---------------------------------------------------------------------------

    def keyPressEvent(self, event):  # noqa: N802 (Qt API)
        """Enter in the last check box saves: by then every field has been passed."""
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and self.focusWidget() is self.fields[LABEL_FLAGS[-1]]):
            self.save()
            return
        super().keyPressEvent(event)

    # --- the photo ----------------------------------------------------------------------

    def choose_photo(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Pilih foto produk"), "", _("Foto (*.jpg *.jpeg *.png)"))
        if not name:
            return
        self.errors["photo"].show_message(None)
        try:
            data, _ext = read_photo(name)
        except UserError as e:
            self.errors["photo"].show_message(e.message)
            return
        pixmap = QPixmap()
        if not pixmap.loadFromData(data):
            self.errors["photo"].show_message(_("Foto tidak dapat dibaca sebagai gambar."))
            return
        self.photo_source = Path(name)
        self._show_pixmap(pixmap)

    def _show_pixmap(self, pixmap: QPixmap) -> None:
        if pixmap.isNull():
            return
        self.thumbnail.setPixmap(pixmap.scaled(
            THUMBNAIL, THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))

    def _show_status(self) -> None:
        check = readiness_of(self.session.db, self.product.id)
        self.status.setText(_("Siap untuk toserba/marketplace.") if check.ready else
                            _("Belum siap: {missing}.").format(missing="; ".join(check.missing)))

    # --- saving -------------------------------------------------------------------------

    def form_values(self) -> dict[str, str]:
        values = {"producer_id": self.producer.currentData() or "",
                  "permit_kind": self.permit_kind.currentData() or ""}
        for key, widget in self.fields.items():
            if isinstance(widget, QLineEdit):
                values[key] = widget.text()
            elif isinstance(widget, QCheckBox):
                values[key] = "1" if widget.isChecked() else "0"
        return values

    def save(self) -> None:
        def write():
            data = compliance_from_form(self.form_values())
            self.saved = save_compliance(self.session.db, user=self.session.user,
                                         product_id=self.product.id, data=data,
                                         photo_source=self.photo_source)

        self.saving(write)

    def widget_for(self, field: str):
        return self.photo_button if field == "photo" else self.fields.get(field)
