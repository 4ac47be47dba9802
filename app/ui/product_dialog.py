"""Add or edit a product: details, prices, packaging units and barcodes, keyboard only."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.i18n import _
from app.models.errors import UserError, ValidationError
from app.models.money import format_number, format_qty
from app.models.product_search import categories
from app.models.products import (
    BASE_UNITS,
    PROGRAMS,
    QUOTA_PERIODS,
    Product,
    create_product,
    product_from_form,
    quota_period_label,
    update_product,
)
from app.ui.session import Session
from app.ui.widgets import ErrorForm, FieldError, key_button, save_cancel_row

UNIT_COLUMNS = ("name", "factor", "price", "barcodes")


class ProductDialog(QDialog):
    def __init__(self, session: Session, product: Product | None = None, parent=None):
        super().__init__(parent)
        self.session = session
        self.product = product
        self.saved: Product | None = None
        self.setWindowTitle(_("Ubah produk") if product else _("Produk baru"))
        self.setMinimumWidth(820)
        self.fields: dict[str, QLineEdit] = {}
        self.form = ErrorForm()
        self.errors = self.form.errors
        self.general_error = self.form.general

        form = self.form
        self._line(form, "name", _("Nama produk"), _("mis. Beras SPHP 5 kg"))
        self._line(form, "brand", _("Merek"))
        self.category = self._combo(form, "category", _("Kategori"), categories(session.db))
        self.base_unit = self._combo(form, "base_unit", _("Satuan dasar"), list(BASE_UNITS))
        self._line(form, "price", _("Harga jual per satuan (Rp)"), "15000")
        self._line(form, "cost", _("Harga pokok per satuan (Rp)"))
        self._line(form, "het", _("HET per satuan (Rp, boleh kosong)"))
        self._line(form, "min_stock", _("Stok minimum"))
        if product is None:
            self._line(form, "opening_stock", _("Stok awal"))
        self._line(form, "barcodes", _("Barcode (pisahkan dengan koma)"))
        self._line(form, "plu", _("PLU timbangan (barang timbang, boleh kosong)"))
        # Program goods (MinyaKita, SPHP, LPG 3 kg ...): sold to members within a quota.
        self.program = self._combo(form, "program", _("Program pemerintah (boleh kosong)"),
                                   list(PROGRAMS))
        self._line(form, "quota_qty", _("Kuota per anggota (satuan dasar, boleh kosong)"))
        self.quota_period = QComboBox()
        self.quota_period.setObjectName("quota_period")
        for period in QUOTA_PERIODS:
            self.quota_period.addItem(quota_period_label(period), period)
        self.quota_period.setCurrentIndex(QUOTA_PERIODS.index("month"))
        form.add("quota_period", _("Periode kuota"), self.quota_period)
        self._line(form, "rack", _("Rak (boleh kosong)"))

        self.units = QTableWidget(0, len(UNIT_COLUMNS))
        self.units.setObjectName("units")
        self.units.setHorizontalHeaderLabels(
            [_("Kemasan"), _("Isi (satuan dasar)"), _("Harga kemasan (Rp)"), _("Barcode kemasan")])
        self.units.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.units.verticalHeader().hide()
        self.units.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.units.setTabKeyNavigation(True)
        self.units.setMinimumHeight(120)
        self.errors["units"] = FieldError()
        unit_buttons = QHBoxLayout()
        unit_buttons.addWidget(key_button(_("Tambah kemasan"), "Ctrl+N", self, self.add_unit_row))
        unit_buttons.addWidget(key_button(_("Hapus kemasan"), "Ctrl+D", self,
                                          self.remove_unit_row))
        unit_buttons.addStretch()

        bottom = save_cancel_row(self, self.form, _("Simpan"), self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form.layout)
        layout.addWidget(QLabel(_("Kemasan (karung, dus, renteng …) — isi dalam satuan dasar")))
        layout.addWidget(self.units)
        layout.addWidget(self.errors["units"])
        layout.addLayout(unit_buttons)
        layout.addLayout(bottom)
        if product:
            self._fill(product)
        self.fields["name"].setFocus()

    # --- building ---------------------------------------------------------------------

    def _line(self, form, key, label, placeholder="") -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(key)
        edit.setPlaceholderText(placeholder)
        self.fields[key] = edit
        form.add(key, label, edit)
        edit.textEdited.connect(lambda _text: self.errors[key].show_message(None))
        return edit

    def _combo(self, form, key, label, items) -> QComboBox:
        combo = QComboBox()
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.addItems(items)
        combo.setCurrentText("")
        combo.setObjectName(key)
        self.fields[key] = combo.lineEdit()
        # An editable combo takes Enter for itself when the text is new: catch it first, so
        # Enter goes on to the next field as everywhere else in the form.
        combo.installEventFilter(self)
        combo.lineEdit().installEventFilter(self)
        form.add(key, label, combo)
        return combo

    def _fill(self, product: Product) -> None:
        values = {
            "name": product.name, "brand": product.brand, "category": product.category,
            "base_unit": product.base_unit, "price": format_number(product.price),
            "cost": format_number(product.cost),
            "het": format_number(product.het) if product.het is not None else "",
            "min_stock": format_qty(product.min_stock, grouped=False),
            "rack": product.rack,
            "barcodes": ", ".join(product.barcodes),
            "plu": str(product.plu) if product.plu is not None else "",
            "program": product.program,
            "quota_qty": format_qty(product.quota_qty, grouped=False)
            if product.quota_qty is not None else "",
        }
        for key, value in values.items():
            self.fields[key].setText(value)
        self.quota_period.setCurrentIndex(max(self.quota_period.findData(product.quota_period), 0))
        for unit in product.units:
            self.add_unit_row(
                [unit.name, format_qty(unit.factor, grouped=False),
                 format_number(unit.price) if unit.price is not None else "",
                 ", ".join(unit.barcodes)], unit.id, edit=False)

    def add_unit_row(self, values=None, unit_id: str | None = None, edit: bool = True) -> None:
        row = self.units.rowCount()
        self.units.insertRow(row)
        for column, value in enumerate(values or [""] * len(UNIT_COLUMNS)):
            item = QTableWidgetItem(value)
            if column == 0:
                item.setData(Qt.ItemDataRole.UserRole, unit_id)
            self.units.setItem(row, column, item)
        if edit:
            self.units.setFocus()
            self.units.setCurrentCell(row, 0)
            self.units.editItem(self.units.item(row, 0))

    def remove_unit_row(self) -> None:
        row = self.units.currentRow()
        if row >= 0:
            self.units.removeRow(row)

    def eventFilter(self, watched, event):  # noqa: N802 (Qt API)
        if (event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not event.modifiers() & Qt.KeyboardModifier.ControlModifier
                and (watched in self.fields.values()
                     or getattr(watched, "lineEdit", lambda: None)() in self.fields.values())):
            self.focusNextChild()
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event):  # noqa: N802 (Qt API)
        """Enter moves to the next field (Ctrl+S saves); in a barcode field it readies the
        field for the next scan, so a scanner's Enter never saves a half-filled form."""
        focus = self.focusWidget()
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not event.modifiers() & Qt.KeyboardModifier.ControlModifier
                and (isinstance(focus, QLineEdit) and focus in self.fields.values()
                     or focus is self.quota_period)):
            if focus is self.fields["barcodes"]:
                text = focus.text().rstrip()
                if text and not text.endswith(","):
                    focus.setText(text + ", ")
                    return
            self.focusNextChild()
            return
        super().keyPressEvent(event)

    # --- saving -----------------------------------------------------------------------

    def form_values(self) -> tuple[dict[str, str], list[dict[str, str]]]:
        form = {key: edit.text() for key, edit in self.fields.items()}
        form["quota_period"] = self.quota_period.currentData()
        units = []
        for row in range(self.units.rowCount()):
            unit = {key: (self.units.item(row, c).text() if self.units.item(row, c) else "")
                    for c, key in enumerate(UNIT_COLUMNS)}
            first = self.units.item(row, 0)
            unit["id"] = first.data(Qt.ItemDataRole.UserRole) if first else None
            units.append(unit)
        return form, units

    def save(self) -> None:
        if self.units.state() == QAbstractItemView.State.EditingState:
            self.units.setCurrentCell(-1, -1)  # commits the open cell editor
        self.form.clear()
        form, units = self.form_values()
        try:
            data = product_from_form(self.session.db, form, units,
                                     self.product.id if self.product else None)
            if self.product is None:
                self.saved = create_product(self.session.db, user=self.session.user, data=data)
            else:
                self.saved = update_product(self.session.db, user=self.session.user,
                                            product_id=self.product.id, data=data)
        except ValidationError as e:
            self._show_problems(e)
            return
        except UserError as e:
            self.general_error.show_message(e.message)
            return
        self.accept()

    def _show_problems(self, error: ValidationError) -> None:
        self.form.show(error.problems)
        self.adjustSize()
        first = error.problems[0].field
        if first in self.fields:
            self.fields[first].setFocus()
            self.fields[first].selectAll()
        elif first == "quota_period":
            self.quota_period.setFocus()
        elif first.startswith("units."):
            self.units.setFocus()
