"""Dialogs of the stock screen: a product picked by scan or name, a new stock count, a
write-off (barang rusak, kedaluwarsa, hilang) and a sack or carton opened for retail; and the
manager's approval these need.

Keys: Enter goes from field to field (in a product field it first picks the product) and
saves from the last one, Ctrl+S saves, Esc cancels.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _, ngettext
from app.models.errors import Problem, UserError, ValidationError
from app.models.money import QTY_SCALE, format_qty, format_rupiah, parse_qty
from app.models.product_search import search_products
from app.models.products import PackUnit, Product, find_by_barcode, get_product
from app.models.stock_count import StockCount, open_count
from app.models.stock_entry import count_scopes
from app.models.stock_ops import (
    MAX_UNITS,
    REASON_KINDS,
    BulkOpen,
    WriteOff,
    open_bulk,
    reason_label,
    write_off,
)
from app.models.users import User
from app.ui.session import Session
from app.ui.till_dialogs import SupervisorDialog
from app.ui.widgets import ErrorForm, FormDialog, save_cancel_row

SEARCH_DELAY_MS = 150


def ask_manager(session: Session, why: str, parent=None) -> User | None:
    """Who approves a stock correction: the one at the screen when they may (a manager),
    else a manager who types their name and PIN; None when nobody approved."""
    if session.can("stock.adjust"):
        return session.user
    dialog = SupervisorDialog(session.db, why, permission="stock.adjust", parent=parent)
    return dialog.supervisor if dialog.exec() else None


class ProductField(QWidget):
    """A product by scanner (its code, or a pack's) or by name: suggestions under the field
    as one types, ↑↓ to choose, Enter to take one."""

    picked = Signal(object)

    def __init__(self, db, name: str, placeholder: str = "", parent=None):
        super().__init__(parent)
        self.db = db
        self.product: Product | None = None
        self.unit: PackUnit | None = None
        self.edit = QLineEdit()
        self.edit.setObjectName(name)
        self.edit.setPlaceholderText(placeholder or _("Scan barcode atau ketik nama barang"))
        self.edit.installEventFilter(self)
        self.edit.textEdited.connect(self._typed)
        self.suggestions = QListWidget()
        self.suggestions.setObjectName(name + "_suggestions")
        self.suggestions.setMaximumHeight(150)
        self.suggestions.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.suggestions.itemClicked.connect(lambda item: self._pick_id(
            item.data(Qt.ItemDataRole.UserRole)))
        self.suggestions.hide()
        self.info = QLabel()
        self.info.setStyleSheet("color: #555;")
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._suggest)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.suggestions)
        layout.addWidget(self.info)
        self.setFocusProxy(self.edit)

    def _typed(self, _text: str) -> None:
        self.product, self.unit = None, None
        self.info.setText("")
        self._timer.start()

    def _suggest(self) -> None:
        self._timer.stop()
        text = self.edit.text().strip()
        self.suggestions.clear()
        if len(text) >= 2 and not text.isdigit():
            for row in search_products(self.db, text, limit=10):
                item = QListWidgetItem(_("{name}  ·  stok {stock}").format(
                    name=row.name, stock=format_qty(row.stock, row.base_unit)))
                item.setData(Qt.ItemDataRole.UserRole, row.id)
                self.suggestions.addItem(item)
        self.suggestions.setVisible(self.suggestions.count() > 0)
        if self.suggestions.count():
            self.suggestions.setCurrentRow(0)

    def take(self) -> bool:
        """Enter: the suggestion chosen, the product of a scanned code, or the first match
        of the name typed. False (with the reason under the field) when there is none."""
        if self._timer.isActive():
            self._suggest()
        if self.suggestions.isVisible() and self.suggestions.currentItem() is not None:
            self._pick_id(self.suggestions.currentItem().data(Qt.ItemDataRole.UserRole))
            return True
        text = self.edit.text().strip()
        if not text:
            return self.product is not None
        hit = find_by_barcode(self.db, text)
        if hit is None:
            self.info.setText(_("Barcode {code} tidak dikenal.").format(code=text[:40])
                              if text.isdigit() else _("Tidak ada barang bernama {text}.")
                              .format(text=text[:40]))
            return False
        self.set_product(hit.product, hit.unit)
        return True

    def _pick_id(self, product_id: str) -> None:
        self.set_product(get_product(self.db, product_id), None)

    def set_product(self, product: Product, unit: PackUnit | None = None) -> None:
        self.product, self.unit = product, unit
        self.edit.blockSignals(True)
        self.edit.setText(product.name)
        self.edit.blockSignals(False)
        self.suggestions.hide()
        self.info.setText(_("Stok {stock} · {category}").format(
            stock=format_qty(product.stock, product.base_unit),
            category=product.category or _("tanpa kategori")))
        self.picked.emit(product)

    def clear(self) -> None:
        self.product, self.unit = None, None
        self.edit.clear()
        self.info.setText("")
        self.suggestions.hide()

    def eventFilter(self, watched, event):  # noqa: N802 (Qt API)
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                # Left empty (an optional product) or picked: on to the next field, unless
                # the one who listens to ``picked`` already sent the keyboard on.
                if (not self.edit.text().strip() or self.take()) and self.edit.hasFocus():
                    self.focusNextChild()
                return True
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.suggestions.isVisible():
                step = 1 if key == Qt.Key.Key_Down else -1
                self.suggestions.setCurrentRow(max(0, min(self.suggestions.count() - 1,
                                                          self.suggestions.currentRow() + step)))
                return True
            if key == Qt.Key.Key_Escape and self.suggestions.isVisible():
                self.suggestions.hide()
                return True
        return super().eventFilter(watched, event)


class StockForm(FormDialog):
    """The shared form (Enter goes on to the next field, Ctrl+S saves), whose Enter in the
    last field saves too: these forms end in an optional note, so by then the form is
    filled, and a scanner's hand need not leave the keys it knows."""

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.form = ErrorForm()
        self.fields: list[QWidget] = []

    def add(self, key: str, label: str, widget: QWidget) -> QWidget:
        self.fields.append(widget)
        return self.form.add(key, label, widget)

    def finish(self, save_text: str, intro: str = "") -> None:
        layout = QVBoxLayout(self)
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            layout.addWidget(label)
        layout.addLayout(self.form.layout)
        layout.addLayout(save_cancel_row(self, self.form, save_text, self.save))
        self.fields[0].setFocus()

    def keyPressEvent(self, event):  # noqa: N802 (Qt API)
        last, focus = self.fields[-1], self.focusWidget()
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and focus is not None
                and (focus is last or last.isAncestorOf(focus))):
            self.save()
            return
        super().keyPressEvent(event)

    def refused(self, e: UserError, fields: dict[str, str] | None = None) -> None:
        """The refusal under the field it is about (the domain's names mapped to ours)."""
        fields = fields or {}
        problems = e.problems if isinstance(e, ValidationError) else [
            Problem(e.field or "", e.message)]
        self.form.show([Problem(fields.get(p.field, p.field), p.message) for p in problems])

    def save(self) -> None:
        raise NotImplementedError


class OpenCountDialog(StockForm):
    """What to count: everything, one category, or one rack (the ones that have goods)."""

    def __init__(self, session: Session, parent=None):
        super().__init__(_("Stok opname baru"), parent)
        self.session = session
        self.opened: StockCount | None = None
        self.scope = QComboBox()
        self.scope.setObjectName("count_scope")
        for choice in count_scopes(session.db):
            self.scope.addItem(ngettext("{scope} ({n} produk)", "{scope} ({n} produk)",
                                        choice.products).format(scope=choice.label,
                                                                n=choice.products), choice)
        self.note = QLineEdit()
        self.note.setObjectName("count_note")
        self.note.setPlaceholderText(_("mis. opname akhir bulan"))
        self.add("scope", _("Yang dihitung"), self.scope)
        self.add("note", _("Catatan"), self.note)
        self.finish(_("Mulai"), _("Selama stok opname berjalan kasir tetap boleh berjualan:"
                                  " penjualan sesudah sebuah barang dihitung tidak dihitung"
                                  " dua kali."))

    def save(self) -> None:
        self.form.clear()
        choice = self.scope.currentData()
        try:
            self.opened = open_count(self.session.db, user=self.session.user,
                                     scope=choice.scope, scope_value=choice.value,
                                     note=self.note.text())
        except UserError as e:
            self.refused(e, {"scope_value": "scope"})
            return
        self.accept()


def reason_combo() -> QComboBox:
    combo = QComboBox()
    combo.setObjectName("reason_kind")
    for kind in REASON_KINDS:
        combo.addItem(reason_label(kind), kind)
    return combo


class WriteOffDialog(StockForm):
    """Damaged, expired or lost goods out of stock, with a manager's approval."""

    def __init__(self, session: Session, parent=None, product: Product | None = None):
        super().__init__(_("Penghapusan barang rusak, kedaluwarsa atau hilang"), parent)
        self.session = session
        self.saved: WriteOff | None = None
        self.product = ProductField(session.db, "writeoff_product")
        self.product.picked.connect(self._picked)
        self.qty = QLineEdit()
        self.qty.setObjectName("writeoff_qty")
        self.reason = reason_combo()
        self.note = QLineEdit()
        self.note.setObjectName("writeoff_note")
        self.note.setPlaceholderText(_("mis. kemasan robek, tanggal 12-03 lewat"))
        self.add("product", _("Barang"), self.product)
        self.add("qty", _("Jumlah"), self.qty)
        self.add("reason_kind", _("Alasan"), self.reason)
        self.add("note", _("Keterangan"), self.note)
        self.finish(_("Hapus dari stok"), _("Barang keluar dari stok pada HPP rata-rata."
                                            " Perlu persetujuan manajer."))
        if product is not None:
            self.product.set_product(product)

    def _picked(self, product: Product) -> None:
        label = self.form.layout.labelForField(self.qty.parentWidget())
        if label is not None:
            label.setText(_("Jumlah ({unit})").format(unit=product.base_unit))
        if self.product.unit is not None:   # a pack's code: the whole pack, in base units
            self.qty.setText(format_qty(self.product.unit.factor, grouped=False))
        self.qty.setFocus()
        self.qty.selectAll()

    def save(self) -> None:
        self.form.clear()
        product = self.product.product
        if product is None and not self.product.take():
            self.form.show([Problem("product", _("Pilih barangnya dulu: scan atau ketik"
                                                 " namanya, lalu Enter."))])
            return
        product = self.product.product
        kind = self.reason.currentData()
        try:
            # Read before the manager is called: a typing slip is not theirs to approve.
            qty = parse_qty(self.qty.text(), field="qty", what=_("Jumlah yang dihapus"),
                            fractional=product.fractional, maximum=MAX_UNITS * QTY_SCALE)
        except UserError as e:
            self.refused(e)
            return
        approver = ask_manager(self.session, _("Penghapusan {qty} {name} ({reason}).").format(
            qty=format_qty(qty, product.base_unit), name=product.name,
            reason=reason_label(kind)), self)
        if approver is None:
            self.form.show([Problem("", _("Penghapusan belum disetujui manajer; tidak ada"
                                          " yang disimpan."))])
            return
        try:
            self.saved = write_off(self.session.db, user=self.session.user,
                                   product_id=product.id, qty=qty, reason_kind=kind,
                                   note=self.note.text(), approver=approver)
        except UserError as e:
            self.refused(e)
            return
        self.accept()

    def summary(self) -> str:
        w = self.saved
        return _("{number}: {qty} {name} dihapus ({reason}), nilai {value}.").format(
            number=w.number, qty=format_qty(w.qty, self.product.product.base_unit),
            name=self.product.product.name, reason=reason_label(w.reason_kind),
            value=format_rupiah(w.value))


class OpenBulkDialog(StockForm):
    """A sack or carton opened for retail: of the same product (a karung of beras curah
    sold by the kilo) or into another one (a carton of sachets sold loose)."""

    def __init__(self, session: Session, parent=None):
        super().__init__(_("Buka kemasan untuk dijual eceran"), parent)
        self.session = session
        self.saved: BulkOpen | None = None
        self.source = ProductField(session.db, "bulk_source")
        self.source.picked.connect(self._source_picked)
        self.unit = QComboBox()
        self.unit.setObjectName("bulk_unit")
        self.qty = QLineEdit("1")
        self.qty.setObjectName("bulk_qty")
        self.target = ProductField(session.db, "bulk_target",
                                   _("Kosongkan bila dijual eceran sebagai barang yang sama"))
        self.content = QLineEdit()
        self.content.setObjectName("bulk_content")
        self.content.setPlaceholderText(_("hanya bila satuannya berbeda, mis. 1 dus = 40 pcs"))
        self.add("source", _("Yang dibuka"), self.source)
        self.add("unit", _("Kemasan"), self.unit)
        self.add("qty", _("Jumlah kemasan"), self.qty)
        self.add("target", _("Dijual eceran sebagai"), self.target)
        self.add("content", _("Isi 1 satuan"), self.content)
        self.finish(_("Buka kemasan"))

    def _source_picked(self, product: Product) -> None:
        self.unit.clear()
        for unit in product.units:
            self.unit.addItem(_("{unit} isi {qty}").format(
                unit=unit.name, qty=format_qty(unit.factor, product.base_unit)), unit.id)
        self.unit.addItem(product.base_unit, None)
        scanned = self.source.unit
        if scanned is not None:
            self.unit.setCurrentIndex(max(self.unit.findData(scanned.id), 0))
        self.unit.setFocus()

    def save(self) -> None:
        self.form.clear()
        if self.source.product is None and not self.source.take():
            self.form.show([Problem("source", _("Pilih barang yang dibuka: scan atau ketik"
                                                " namanya, lalu Enter."))])
            return
        if self.target.edit.text().strip() and self.target.product is None \
                and not self.target.take():
            return
        target = self.target.product
        try:
            self.saved = open_bulk(
                self.session.db, user=self.session.user,
                source_product_id=self.source.product.id, unit_id=self.unit.currentData(),
                qty=self.qty.text(), target_product_id=target.id if target else None,
                content=self.content.text())
        except UserError as e:
            self.refused(e)
            return
        self.accept()
