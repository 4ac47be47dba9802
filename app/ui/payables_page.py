"""What the shop owes its suppliers: open invoices, paying them, and the aging per supplier.

Keys: ↑↓ invoices · F5 pay the selected invoice · Tab to the aging · F6 pay the selected
supplier (oldest invoices first) · F9 also show paid invoices.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.i18n import _, ngettext
from app.models.clock import day_text, local_date, now_iso
from app.models.money import format_number, format_rupiah
from app.models.payables import BUCKETS, AgingRow, Invoice, aging, bucket_label, invoices
from app.reports.purchasing_pdf import write_supplier_statement_pdf
from app.ui.lists import enter_opens, fill, list_table, shortcut
from app.ui.report_files import save_report
from app.ui.session import Session
from app.ui.supplier_payment_dialog import SupplierPaymentDialog
from app.ui.widgets import key_button

OVERDUE = QColor("#b3261e")


class PayablesPage(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.invoices: list[Invoice] = []
        self.aging: list[AgingRow] = []
        self.show_paid = QCheckBox(_("Tampilkan yang sudah lunas (F9)"))
        self.show_paid.toggled.connect(lambda _on: self.refresh())
        self.table = list_table("invoices", [
            _("Faktur"), _("Pemasok"), _("No. faktur pemasok"), _("Penerimaan"),
            _("Jatuh tempo"), _("Jumlah (Rp)"), _("Sisa (Rp)")],
            [175, 0, 150, 175, 100, 110, 110], stretch=1)
        enter_opens(self.table, self.pay_invoice)
        self.aging_table = list_table("aging", [
            _("Pemasok"), *(bucket_label(b) for b in BUCKETS), _("Total (Rp)")],
            [0, 140, 100, 100, 100, 100, 120])
        enter_opens(self.aging_table, self.pay_supplier)
        self.message = QLabel()
        self.message.setObjectName("payables_message")
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(key_button(_("Bayar faktur"), "F5", self, self.pay_invoice))
        buttons.addWidget(key_button(_("Bayar pemasok"), "F6", self, self.pay_supplier))
        buttons.addWidget(key_button(_("Kartu utang PDF"), "Ctrl+P", self,
                                     self.print_statement))
        shortcut(self, "F9", self.show_paid.toggle)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Faktur pemasok")), 1)
        top.addWidget(self.show_paid)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 3)
        layout.addWidget(QLabel(_("Umur utang per pemasok (Rp, menurut jatuh tempo)")))
        layout.addWidget(self.aging_table, 2)
        layout.addLayout(buttons)
        self.setFocusProxy(self.table)

    def today(self) -> date:
        return local_date(now_iso(), self.session.settings.zone)

    def refresh(self) -> None:
        db, today = self.session.db, self.today()
        self.invoices = invoices(db, open_only=not self.show_paid.isChecked())
        fill(self.table, [(
            i.number, i.supplier_name, i.invoice_no, i.receipt_number or "",
            day_text(i.due_date), format_number(i.amount), format_number(i.open))
            for i in self.invoices], right=(5, 6))
        for row, invoice in enumerate(self.invoices):
            self.table.item(row, 0).setToolTip(_("Tanggal faktur {day}").format(
                day=day_text(invoice.invoice_date)))
            if invoice.open and invoice.days_overdue(today) > 0:
                self.table.item(row, 4).setForeground(QBrush(OVERDUE))
                late = invoice.days_overdue(today)
                self.table.item(row, 4).setToolTip(ngettext(
                    "Lewat jatuh tempo {n} hari", "Lewat jatuh tempo {n} hari", late).format(
                        n=late))
        self.aging = aging(db, today)
        fill(self.aging_table, [(
            a.supplier_name, *(format_number(a.buckets[b]) for b in BUCKETS),
            format_number(a.total)) for a in self.aging], right=tuple(range(1, 7)))

    def selected_invoice(self) -> Invoice | None:
        row = self.table.currentRow()
        return self.invoices[row] if 0 <= row < len(self.invoices) else None

    def print_statement(self) -> None:
        """The statement of account of the selected invoice's supplier, as a PDF."""
        invoice = self.selected_invoice()
        if invoice is None:
            return
        save_report(self, self.session.db, _("Simpan kartu utang pemasok"),
                    _("Kartu utang {name}.pdf").format(name=invoice.supplier_name),
                    lambda db, path, _fmt: write_supplier_statement_pdf(
                        db, invoice.supplier_id, path, printed_by=self.session.user))

    def pay_invoice(self) -> None:
        invoice = self.selected_invoice()
        if invoice is None or not invoice.open:
            return
        self._pay(SupplierPaymentDialog(self.session, invoice=invoice, parent=self))
        self.table.setFocus()

    def pay_supplier(self) -> None:
        row = self.aging_table.currentRow()
        if not 0 <= row < len(self.aging):
            return
        self._pay(SupplierPaymentDialog(self.session, supplier=self.aging[row], parent=self))
        self.aging_table.setFocus()

    def _pay(self, dialog: SupplierPaymentDialog) -> None:
        if dialog.exec():
            self.refresh()
            self.message.setText(_("Pembayaran {amount} tercatat.").format(
                amount=format_rupiah(dialog.amount_paid)))
