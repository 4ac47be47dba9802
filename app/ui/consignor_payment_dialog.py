"""Paying a producer (penitip) what was settled and is still unpaid: all of it or a part.

Cash, or a bank transfer to the producer's account (shown here) with the reference on the
transfer slip. The same payment fields sit under the settlement dialog, to pay at once.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.i18n import _
from app.models.consignment_settlement import pay_consignor
from app.models.consignors import PAY_METHODS, Consignor, pay_method_label
from app.models.errors import Problem, UserError
from app.models.money import format_number, format_rupiah, parse_rupiah
from app.models.payables import PaymentInput
from app.ui.session import Session
from app.ui.widgets import ErrorForm, FormDialog, save_cancel_row


def bank_text(consignor: Consignor) -> str:
    """Where a transfer goes, as the treasurer copies it into the bank's form."""
    if not consignor.bank_account:
        return _("Nomor rekening penitip belum dicatat.")
    return _("{bank} {account} a.n. {holder}").format(
        bank=consignor.bank_name or _("Bank"), account=consignor.bank_account,
        holder=consignor.bank_holder or consignor.name)


class PaymentFields:
    """Amount, method, reference and the producer's bank account, as rows of ``form``."""

    def __init__(self, form: ErrorForm, consignor: Consignor, amount: int, amount_label: str):
        self.form = form
        self.amount = QLineEdit(format_number(max(amount, 0)))
        self.amount.setObjectName("amount")
        self.method = QComboBox()
        self.method.setObjectName("method")
        for method in PAY_METHODS:
            self.method.addItem(pay_method_label(method), method)
        self.method.setCurrentIndex(max(self.method.findData(consignor.pay_method), 0))
        self.reference = QLineEdit()
        self.reference.setObjectName("reference")
        self.reference.setPlaceholderText(_("nomor pada bukti transfer"))
        self.bank = QLabel(bank_text(consignor))
        self.bank.setObjectName("bank_account")
        self.bank.setWordWrap(True)
        form.add("amount", amount_label, self.amount)
        form.add("method", _("Cara bayar"), self.method)
        form.add("reference", _("Referensi transfer"), self.reference)
        form.layout.addRow(_("Rekening penitip"), self.bank)
        for key, edit in (("amount", self.amount), ("reference", self.reference)):
            edit.textEdited.connect(lambda _text, k=key: form.errors[k].show_message(None))

    def set_amount(self, amount: int) -> None:
        self.amount.setText(format_number(max(amount, 0)))

    def payment(self, *, optional: bool) -> PaymentInput | None:
        """What was typed; with ``optional``, an empty or zero amount is no payment (pay
        later) rather than a refusal."""
        text = self.amount.text()
        if optional and parse_rupiah(text or "0", field="amount", what=_("Jumlah bayar")) == 0:
            return None
        return PaymentInput(text, self.method.currentData(), self.reference.text())

    def widgets(self) -> dict[str, QWidget]:
        """The fields by the name a refusal points at."""
        return {"amount": self.amount, "method": self.method, "reference": self.reference}


def show_refusal(form: ErrorForm, error: UserError, widgets: dict[str, QWidget]) -> None:
    """The refusal under the field it is about (or at the bottom), the keyboard in it."""
    form.show(error.problems if hasattr(error, "problems")
              else [Problem(error.field or "", error.message)])
    widget = widgets.get(error.field or "")
    if widget is not None:
        widget.setFocus()


class ConsignorPaymentDialog(FormDialog):
    def __init__(self, session: Session, consignor: Consignor, *,
                 settlement_id: str | None = None, parent=None):
        super().__init__(parent)
        self.session = session
        self.consignor = consignor
        self.settlement_id = settlement_id
        self.payment_id: str | None = None
        self.amount_paid = 0
        self.setWindowTitle(_("Bayar penitip"))
        self.setMinimumWidth(540)
        self.form = ErrorForm()
        self.fields = PaymentFields(self.form, consignor, consignor.balance,
                                    _("Jumlah bayar (Rp)"))
        layout = QVBoxLayout(self)
        what = QLabel(_("Yang harus dibayar ke {name}: {owed}").format(
            name=consignor.name, owed=format_rupiah(consignor.balance)))
        what.setWordWrap(True)
        layout.addWidget(what)
        layout.addLayout(self.form.layout)
        layout.addLayout(save_cancel_row(self, self.form, _("Bayar"), self.save))
        self.fields.amount.setFocus()
        self.fields.amount.selectAll()

    def save(self) -> None:
        self.form.clear()
        try:
            payment = self.fields.payment(optional=False)
            self.payment_id = pay_consignor(
                self.session.db, user=self.session.user, consignor_id=self.consignor.id,
                payment=payment, settlement_id=self.settlement_id)
        except UserError as e:
            show_refusal(self.form, e, self.fields.widgets())
            return
        self.amount_paid = parse_rupiah(payment.amount)
        self.accept()
