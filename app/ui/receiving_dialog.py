"""Goods receipt (Terima barang): against a purchase order or without one, by scanner.

Against an order each line starts with what is still due; the first scan of a line's
barcode counts it from one, each further scan adds one. Keys: Enter scan/pick · ↓ to the
lines (type in a cell to change quantity, price, lot, expiry dd-mm-yyyy; Tab to the next
cell) · Del remove a line · F10 post · Esc back to the scan field, then cancel.
Before posting, first-expiry-first-out warnings are shown; more than ordered is posted
only after the manager confirms it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from app.i18n import _
from app.models import purchase_drafts as drafts
from app.models.clock import local_date, now_iso
from app.models.errors import Problem, UserError, ValidationError
from app.models.money import format_rupiah
from app.models.payables import PaymentInput
from app.models.purchasing import PurchaseOrder, status_label
from app.models.receiving import ReceiptResult, check_receipt, post_receipt
from app.ui.po_dialog import supplier_combo
from app.ui.purchase_lines import LinesEditor, column, tab_order
from app.ui.session import Session
from app.ui.till_dialogs import big_label
from app.ui.widgets import ErrorForm, key_button

_FORM_FIELDS = ("supplier", "invoice_no", "freight", "pay", "reference")


class ReceivingDialog(QDialog):
    def __init__(self, session: Session, po: PurchaseOrder | None = None, parent=None):
        super().__init__(parent)
        self.session = session
        self.po = po
        self.result: ReceiptResult | None = None
        self.setWindowTitle(_("Terima barang — pesanan {number}").format(number=po.number)
                            if po else _("Terima barang tanpa pesanan"))
        self.resize(1180, 680)
        self.form = ErrorForm()
        self.supplier = supplier_combo(session, po.supplier_id if po else None)
        self.supplier.setEnabled(po is None)
        self.supplier.currentIndexChanged.connect(self._supplier_changed)
        self.form.add("supplier", _("Pemasok"), self.supplier)

        columns = [column("name")]
        if po is not None:
            columns.append(column("expected"))
        columns += [column("qty", _("Diterima")), column("pack"), column("price"),
                    column("lot"), column("expiry"), column("amount")]
        draft = (drafts.from_po(session.db, po, receiving=True) if po
                 else drafts.Draft())
        self.lines = LinesEditor(session.db, columns, draft, today=self._today, parent=self)
        self.lines.changed.connect(self._show_total)

        bottom = ErrorForm()
        self.invoice_no = QLineEdit()
        self.invoice_no.setObjectName("invoice_no")
        self.invoice_no.setPlaceholderText(_("nomor pada faktur pemasok"))
        self.freight = QLineEdit()
        self.freight.setObjectName("freight")
        self.freight.setPlaceholderText("0")
        self.freight.textChanged.connect(self._show_total)
        self.pay = QComboBox()
        self.pay.setObjectName("pay")
        self.pay.addItem(_("Belum dibayar — dicatat sebagai utang"), None)
        self.pay.addItem(_("Dibayar tunai saat terima"), "cash")
        self.pay.addItem(_("Dibayar transfer saat terima"), "transfer")
        self.reference = QLineEdit()
        self.reference.setObjectName("reference")
        self.reference.setPlaceholderText(_("nomor referensi transfer"))
        for key, label, widget in (
                ("invoice_no", _("No. faktur pemasok"), self.invoice_no),
                ("freight", _("Ongkos kirim (Rp)"), self.freight),
                ("pay", _("Pembayaran"), self.pay),
                ("reference", _("Referensi transfer"), self.reference)):
            bottom.add(key, label, widget)
        self.form.errors.update(bottom.errors)
        bottom.layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.total = big_label("", 20)
        self.total.setObjectName("receipt_total")
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        post = key_button(_("Simpan penerimaan"), "F10", self, self.post)
        post.setObjectName("post")
        cancel = QPushButton(_("Batal (Esc)"))
        cancel.clicked.connect(self.reject)
        for button in (post, cancel):
            button.setAutoDefault(False)

        middle = QHBoxLayout()
        middle.addLayout(bottom.layout, 1)
        middle.addWidget(self.total, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.form.general, 1)
        buttons.addStretch()
        buttons.addWidget(cancel)
        buttons.addWidget(post)
        layout = QVBoxLayout(self)
        if po is not None:
            layout.addWidget(QLabel(_("Pesanan {number} · {supplier} · {status}").format(
                number=po.number, supplier=po.supplier_name, status=status_label(po.status))))
        layout.addLayout(self.form.layout)
        layout.addWidget(self.lines, 1)
        layout.addWidget(QLabel(_("Enter scan · ↓ ke daftar · ketik di sel untuk mengubah"
                                  " jumlah, harga, lot, kedaluwarsa · Tab sel berikut ·"
                                  " Del hapus baris · Esc kembali ke scan · F10 simpan")))
        layout.addLayout(middle)
        layout.addLayout(buttons)
        tab_order(self.supplier, self.lines.scan, self.lines.table, self.invoice_no,
                  self.freight, self.pay, self.reference, cancel, post)
        self._show_total()
        (self.lines.scan if po is not None else self.supplier).setFocus()

    # --- on screen ----------------------------------------------------------------------

    def _today(self):
        return local_date(now_iso(), self.session.settings.zone)

    def _show_total(self) -> None:
        self.form.errors["freight"].show_message(None)
        try:
            total = drafts.receipt_total(self.lines.draft, self.freight.text())
        except UserError as e:
            self.form.errors["freight"].show_message(e.message)
            total = self.lines.draft.total
        self.total.setText(_("Total {amount}").format(amount=format_rupiah(total)))

    def _supplier_changed(self) -> None:
        self.form.errors["supplier"].show_message(None)
        self.lines.set_draft(drafts.set_supplier(self.lines.draft, self.supplier.currentData()),
                             dirty=False)

    def keyPressEvent(self, event):  # noqa: N802 (Qt API)
        """Enter never posts (a scanner sends Enter after every code): it moves on."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.supplier.hasFocus():
                self.lines.focus_scan()
            elif self.focusWidget() in (self.invoice_no, self.freight, self.pay,
                                        self.reference):
                self.focusNextChild()
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        if self.lines.dirty and QMessageBox.question(
                self, self.windowTitle(),
                _("Tutup tanpa menyimpan? Barang yang sudah discan tidak dicatat.")
        ) != QMessageBox.StandardButton.Yes:
            return
        super().reject()

    # --- posting ------------------------------------------------------------------------

    def _show(self, error: UserError) -> None:
        if isinstance(error, ValidationError) or error.field not in _FORM_FIELDS:
            self.lines.show_error(error)
            return
        self.form.show([Problem(error.field, error.message)])
        widget = {"supplier": self.supplier, "invoice_no": self.invoice_no,
                  "freight": self.freight, "pay": self.pay,
                  "reference": self.reference}[error.field]
        widget.setFocus()

    def _payment(self, total: int) -> PaymentInput | None:
        method = self.pay.currentData()
        if method is None:
            return None
        return PaymentInput(total, method, self.reference.text())

    def _ask(self, title: str, text: str) -> bool:
        return QMessageBox.question(self, title, text) == QMessageBox.StandardButton.Yes

    def post(self) -> None:
        self.form.clear()
        self.lines.show_error(None)
        supplier_id = self.supplier.currentData()
        if supplier_id is None:
            self._show(UserError(_("Pilih pemasok dulu."), "supplier"))
            return
        db, draft = self.session.db, self.lines.draft
        lines = drafts.receipt_lines(draft)
        po_id = self.po.id if self.po else None
        confirm_over = False
        try:
            total = drafts.receipt_total(draft, self.freight.text())
            try:
                warnings = check_receipt(db, supplier_id=supplier_id, lines=lines, po_id=po_id)
            except UserError as e:
                if e.field != "over":
                    raise
                if not self._ask(_("Melebihi pesanan"), _("{problem}\n\nTerima semuanya?")
                                 .format(problem=e.message)):
                    return
                confirm_over = True
                warnings = check_receipt(db, supplier_id=supplier_id, lines=lines,
                                         po_id=po_id, confirm_over=True)
            if warnings and not self._ask(_("Perhatikan tanggal kedaluwarsa"), _(
                    "{warnings}\n\nSimpan penerimaan ini?").format(
                        warnings="\n".join(f"• {w}" for w in warnings))):
                return
            self.result = post_receipt(
                db, user=self.session.user, supplier_id=supplier_id, lines=lines, po_id=po_id,
                freight=self.freight.text().strip() or 0, invoice_no=self.invoice_no.text(),
                confirm_over=confirm_over, pay=self._payment(total))
        except UserError as e:
            self._show(e)
            return
        done = _("Penerimaan {number} tersimpan. Total {total}.").format(
            number=self.result.number, total=format_rupiah(self.result.total))
        if self.result.po_status:
            done += "\n" + _("Status pesanan: {status}.").format(
                status=status_label(self.result.po_status))
        QMessageBox.information(self, _("Barang diterima"), done)
        super().accept()
