"""Paying a supplier: one invoice, or an amount spread over their oldest invoices.

Cash or bank transfer; a transfer needs the reference printed on the transfer slip.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QVBoxLayout

from app.i18n import _
from app.models.errors import Problem, UserError
from app.models.money import format_number, format_rupiah, parse_rupiah
from app.models.payables import AgingRow, Invoice, PaymentInput, pay_invoice, pay_supplier
from app.ui.session import Session
from app.ui.widgets import ErrorForm, FormDialog, save_cancel_row


def method_label(method: str) -> str:
    return {"cash": _("Tunai"), "transfer": _("Transfer bank")}[method]


class SupplierPaymentDialog(FormDialog):
    def __init__(self, session: Session, *, invoice: Invoice | None = None,
                 supplier: AgingRow | None = None, parent=None):
        super().__init__(parent)
        assert (invoice is None) != (supplier is None)
        self.session = session
        self.invoice = invoice
        self.supplier = supplier
        self.paid: list[str] = []
        self.amount_paid = 0
        owed = invoice.open if invoice else supplier.total
        self.setWindowTitle(_("Bayar pemasok"))
        self.setMinimumWidth(520)
        if invoice:
            what = _("Faktur {number} ({supplier_no}) dari {supplier}: sisa {left}").format(
                number=invoice.number, supplier_no=invoice.invoice_no or "—",
                supplier=invoice.supplier_name, left=format_rupiah(invoice.open))
        else:
            what = _("Utang ke {supplier}: {left}; dibayar mulai faktur yang paling lama").format(
                supplier=supplier.supplier_name, left=format_rupiah(supplier.total))
        self.form = ErrorForm()
        self.errors = self.form.errors
        self.amount = QLineEdit(format_number(owed))
        self.amount.setObjectName("amount")
        self.method = QComboBox()
        self.method.setObjectName("method")
        for method in ("cash", "transfer"):
            self.method.addItem(method_label(method), method)
        self.reference = QLineEdit()
        self.reference.setObjectName("reference")
        self.reference.setPlaceholderText(_("nomor pada bukti transfer"))
        self.form.add("amount", _("Jumlah bayar (Rp)"), self.amount)
        self.form.add("method", _("Cara bayar"), self.method)
        self.form.add("reference", _("Referensi"), self.reference)
        for key, edit in (("amount", self.amount), ("reference", self.reference)):
            edit.textEdited.connect(lambda _text, k=key: self.errors[k].show_message(None))
        layout = QVBoxLayout(self)
        label = QLabel(what)
        label.setWordWrap(True)
        layout.addWidget(label)
        layout.addLayout(self.form.layout)
        layout.addLayout(save_cancel_row(self, self.form, _("Bayar"), self.save))
        self.amount.setFocus()
        self.amount.selectAll()

    def save(self) -> None:
        self.form.clear()
        payment = PaymentInput(self.amount.text(), self.method.currentData(),
                               self.reference.text())
        db, user = self.session.db, self.session.user
        try:
            if self.invoice is not None:
                self.paid = [pay_invoice(db, user=user, invoice_id=self.invoice.id,
                                         payment=payment)]
            else:
                self.paid = pay_supplier(db, user=user, supplier_id=self.supplier.supplier_id,
                                         payment=payment)
        except UserError as e:
            self.form.show([Problem(e.field or "", e.message)])
            widget = {"amount": self.amount, "method": self.method,
                      "reference": self.reference}.get(e.field or "")
            if widget is not None:
                widget.setFocus()
            return
        self.amount_paid = parse_rupiah(self.amount.text())
        self.accept()
