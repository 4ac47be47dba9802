"""A purchase order: pick the supplier, scan or type the goods, or take the suggestions.

Keys: type the supplier's name in the first field · Tab to the scan field · Enter adds ·
↓ to the lines · F6 reorder suggestions · Ctrl+S save the draft · F10 save and send ·
Esc cancel. An order already sent opens read-only (a sent order is cancelled, not edited).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.i18n import _
from app.models import purchase_drafts as drafts
from app.models.clock import format_local, local_date, now_iso
from app.models.errors import Problem, UserError, ValidationError
from app.models.money import format_number, format_qty, format_rupiah
from app.models.purchasing import (
    PurchaseOrder,
    create_po,
    reorder_suggestions,
    send_po,
    status_label,
    update_po,
)
from app.models.suppliers import list_suppliers
from app.ui.purchase_lines import LinesEditor, column, tab_order
from app.ui.session import Session
from app.ui.till_dialogs import big_label
from app.ui.widgets import ErrorForm, key_button


def supplier_combo(session: Session, selected: str | None = None) -> QComboBox:
    """The active suppliers; typing a name's first letters picks it."""
    combo = QComboBox()
    combo.setObjectName("supplier")
    combo.addItem(_("— pilih pemasok —"), None)
    for supplier in list_suppliers(session.db):
        combo.addItem(supplier.name, supplier.id)
    if selected is not None:
        combo.setCurrentIndex(max(combo.findData(selected), 0))
    return combo


class PODialog(QDialog):
    def __init__(self, session: Session, po: PurchaseOrder | None = None, parent=None):
        super().__init__(parent)
        self.session = session
        self.po = po
        self.saved: PurchaseOrder | None = None
        self.setWindowTitle(_("Ubah pesanan {number}").format(number=po.number) if po
                            else _("Pesanan pembelian baru"))
        self.resize(1000, 620)
        self.form = ErrorForm()
        self.supplier = supplier_combo(session, po.supplier_id if po else None)
        self.supplier.setEnabled(po is None)
        self.supplier.currentIndexChanged.connect(self._supplier_changed)
        self.form.add("supplier", _("Pemasok"), self.supplier)
        self.note = QLineEdit(po.note if po else "")
        self.note.setObjectName("note")
        draft = drafts.from_po(session.db, po) if po else drafts.Draft()
        self.lines = LinesEditor(session.db, [
            column("name"), column("qty"), column("pack"), column("price"), column("amount")],
            draft, today=self._today, parent=self)
        self.lines.changed.connect(self._show_total)
        self.total = big_label("", 18)
        self.total.setObjectName("po_total")
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        suggest = key_button(_("Saran pesanan"), "F6", self, self.suggest)
        save = key_button(_("Simpan draf"), "Ctrl+S", self, lambda: self.save(send=False))
        save.setObjectName("save")
        send = key_button(_("Simpan dan kirim"), "F10", self, lambda: self.save(send=True))
        send.setObjectName("send")
        cancel = QPushButton(_("Batal (Esc)"))
        cancel.clicked.connect(self.reject)
        for button in (suggest, save, send, cancel):
            button.setAutoDefault(False)
        note_row = QHBoxLayout()
        note_row.addWidget(QLabel(_("Catatan")))
        note_row.addWidget(self.note, 1)
        note_row.addWidget(self.total)
        buttons = QHBoxLayout()
        buttons.addWidget(suggest)
        buttons.addWidget(self.form.general, 1)
        buttons.addStretch()
        buttons.addWidget(cancel)
        buttons.addWidget(save)
        buttons.addWidget(send)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form.layout)
        layout.addWidget(self.lines, 1)
        layout.addLayout(note_row)
        layout.addWidget(QLabel(_("Enter tambah · ↓ ke daftar · ketik di sel untuk mengubah ·"
                                  " Tab sel berikut · Del hapus baris · F6 saran pesanan")))
        layout.addLayout(buttons)
        tab_order(self.supplier, self.lines.scan, self.lines.table, self.note, suggest, cancel,
                  save, send)
        self._show_total()
        (self.supplier if po is None else self.lines.scan).setFocus()

    def _today(self):
        return local_date(now_iso(), self.session.settings.zone)

    def _show_total(self) -> None:
        self.total.setText(_("Total {amount}").format(amount=format_rupiah(self.lines.draft.total)))

    def _supplier_changed(self) -> None:
        self.form.errors["supplier"].show_message(None)
        self.lines.set_draft(drafts.set_supplier(self.lines.draft, self.supplier.currentData()),
                             dirty=False)

    def keyPressEvent(self, event):  # noqa: N802 (Qt API)
        """Enter never saves an order: from the supplier it goes on to the scan field."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.supplier.hasFocus():
                self.lines.focus_scan()
            return
        super().keyPressEvent(event)

    def _need_supplier(self) -> str | None:
        supplier_id = self.supplier.currentData()
        if supplier_id is None:
            self.form.errors["supplier"].show_message(_("Pilih pemasok dulu."))
            self.supplier.setFocus()
        return supplier_id

    def suggest(self) -> None:
        supplier_id = self._need_supplier()
        if supplier_id is None:
            return
        try:
            found = reorder_suggestions(self.session.db, supplier_id=supplier_id)
        except UserError as e:
            self.lines.show_error(e)
            return
        if not found:
            self.lines.say(_("Tidak ada barang dari pemasok ini yang perlu dipesan sekarang."))
            return
        self.lines.set_draft(drafts.add_suggestions(self.session.db, self.lines.draft, found))
        self.lines.say(_("{n} saran pesanan dimasukkan; periksa jumlahnya.").format(n=len(found)))
        self.lines.to_lines()

    def save(self, *, send: bool) -> None:
        self.form.clear()
        self.lines.show_error(None)
        supplier_id = self._need_supplier()
        if supplier_id is None:
            return
        db, user = self.session.db, self.session.user
        lines = drafts.po_lines(self.lines.draft)
        try:
            if self.po is None:
                saved = create_po(db, user=user, supplier_id=supplier_id, lines=lines,
                                  note=self.note.text())
                self.po = saved
            else:
                saved = update_po(db, user=user, po_id=self.po.id, lines=lines,
                                  note=self.note.text())
            self.saved = saved
            if send:
                self.saved = send_po(db, user=user, po_id=saved.id)
        except ValidationError as e:
            self.lines.show_error(e)
            return
        except UserError as e:
            if e.field == "supplier":
                self.form.show([Problem("supplier", e.message)])
            else:
                self.lines.show_error(e)
            return
        self.accept()

    def reject(self) -> None:
        if self.lines.dirty and QMessageBox.question(
                self, self.windowTitle(), _("Tutup tanpa menyimpan pesanan ini?")
        ) != QMessageBox.StandardButton.Yes:
            return
        super().reject()


class PODetailDialog(QDialog):
    """An order as it was sent, with what has arrived against each line."""

    def __init__(self, session: Session, po: PurchaseOrder, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("Pesanan {number}").format(number=po.number))
        self.resize(900, 460)
        zone = session.settings.zone
        head = QLabel(_("{supplier} · {status} · dibuat {created}").format(
            supplier=po.supplier_name, status=status_label(po.status),
            created=format_local(po.created_at, zone)))
        table = QTableWidget(len(po.lines), 5)
        table.setObjectName("po_lines")
        table.setHorizontalHeaderLabels([_("Barang"), _("Dipesan"), _("Diterima"),
                                         _("Harga per kemasan (Rp)"), _("Nilai (Rp)")])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for row, line in enumerate(po.lines):
            for col, text in enumerate((line.name, format_qty(line.qty, line.unit_name),
                                        line.received_text, format_number(line.unit_price),
                                        format_number(line.amount))):
                table.setItem(row, col, QTableWidgetItem(text))
        close = QPushButton(_("Tutup (Esc)"))
        close.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(big_label(_("Total {amount}").format(amount=format_rupiah(po.total)),
                                   16), 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(table, 1)
        layout.addLayout(bottom)
        table.setFocus()
