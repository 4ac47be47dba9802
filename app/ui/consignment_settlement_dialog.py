"""Settling one producer's period (Penyelesaian titipan), and paying at once if wanted.

The period starts as the next one due (typed dd-mm-yyyy; each change shows the preview
again); the list is every sale, customer return and count charge that the settlement will
take, the summary what it comes to. Keys: Enter next field · Shift+Tab back to the period ·
Ctrl+S settle (and pay what is typed under "Bayar sekarang"; 0 = pay later) · Esc cancel.
A refusal (a period already settled or not over yet, nothing to settle, a sale since the
preview) is shown here and nothing is written.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.models.clock import format_local
from app.models.consignment_settlement import (
    Settlement,
    default_period,
    get_settlement,
    kind_label,
    preview_settlement,
    settle,
)
from app.models.consignors import Consignor, period_label
from app.models.errors import Problem, UserError
from app.models.money import format_number, format_qty, format_rupiah, parse_rupiah
from app.ui.consignor_payment_dialog import PaymentFields, show_refusal
from app.ui.lists import fill, list_table
from app.ui.report_files import save_report
from app.ui.session import Session
from app.ui.stock_pages import day_of
from app.ui.widgets import ErrorForm, FormDialog, save_cancel_row

try:  # the slip is written by app.reports; without it there is simply nothing to print
    from app.reports.consignment_pdf import write_settlement_pdf
except ImportError:  # pragma: no cover - depends on the reports being there
    write_settlement_pdf = None


def can_print_slip() -> bool:
    return write_settlement_pdf is not None


def save_slip(parent: QWidget, session: Session, settlement_id: str, number: str
              ) -> Path | None:
    """The settlement slip as a PDF where the treasurer chooses (then opened to print)."""
    return save_report(parent, session.db, _("Simpan nota penyelesaian"),
                       _("Nota penyelesaian {number}.pdf").format(number=number),
                       lambda db, path, _fmt: write_settlement_pdf(
                           db, settlement_id, path, printed_by=session.user))


def lines_table(name: str) -> QTableWidget:
    return list_table(name, [
        _("Waktu"), _("Jenis"), _("Dokumen"), _("Produk"), _("Batch"), _("Jumlah"),
        _("Harga jual (Rp)"), _("Bagian produsen (Rp)")],
        [130, 110, 175, 0, 90, 80, 110, 140], stretch=3)


def fill_lines(table: QTableWidget, settlement: Settlement | None, zone: str) -> None:
    """Each sale, customer return (negative) and count charge, in the shop's time zone."""
    fill(table, [] if settlement is None else [(
        format_local(line.at, zone), kind_label(line.kind), line.document, line.product_name,
        line.batch_code, format_qty(line.qty, line.unit), format_number(line.gross),
        format_number(line.due)) for line in settlement.lines], right=(5, 6, 7))


class SummaryPanel(QWidget):
    """What a settlement comes to; every figure is the Settlement's own."""

    def __init__(self, parent=None, *, with_paid: bool = False):
        super().__init__(parent)
        rows = [("gross", _("Penjualan (harga jual)")), ("commission", _("Komisi gerai")),
                ("producer_sales", _("Bagian produsen")),
                ("count_charges", _("Selisih hitung")), ("due", _("Periode ini")),
                ("previous_balance", _("Saldo sebelumnya")), ("to_pay", _("Harus dibayar"))]
        if with_paid:
            rows.append(("paid", _("Dibayar dengan nota ini")))
        layout = QFormLayout(self)
        self.values: dict[str, QLabel] = {}
        for key, label in rows:
            value = QLabel()
            value.setObjectName(f"summary_{key}")
            if key in ("due", "to_pay"):
                value.setStyleSheet("font-weight: bold;")
            layout.addRow(label, value)
            self.values[key] = value

    def show_settlement(self, settlement: Settlement | None) -> None:
        for key, value in self.values.items():
            value.setText("—" if settlement is None
                          else format_rupiah(getattr(settlement, key)))


class PeriodDay(QDateEdit):
    """A day of the period, typed as ddmmyyyy: however the keyboard comes in (Shift+Tab
    from the amount too), the day is selected first, not the year."""

    def __init__(self, name: str, day: date):
        super().__init__(QDate(day.year, day.month, day.day))
        self.setObjectName(name)
        self.setDisplayFormat("dd-MM-yyyy")

    def focusInEvent(self, event):  # noqa: N802 (Qt API)
        super().focusInEvent(event)
        self.setSelectedSection(QDateTimeEdit.Section.DaySection)


def period_text(settlement: Settlement) -> str:
    return _("{start} s/d {end}").format(start=settlement.period_from.strftime("%d-%m-%Y"),
                                         end=settlement.period_to.strftime("%d-%m-%Y"))


class SettlementDialog(FormDialog):
    def __init__(self, session: Session, consignor: Consignor, parent=None):
        super().__init__(parent)
        self.session = session
        self.consignor = consignor
        self.preview: Settlement | None = None
        self.settlement_id: str | None = None
        self.number = ""
        self.amount_paid = 0
        self._amount_typed = False
        self.setWindowTitle(_("Penyelesaian titipan — {name}").format(name=consignor.name))
        self.resize(1180, 720)
        start, end = default_period(session.db, consignor.id)
        self.form = ErrorForm()
        self.period_from = PeriodDay("period_from", start)
        self.period_to = PeriodDay("period_to", end)
        self.form.add("period_from", _("Dari tanggal"), self.period_from)
        self.form.add("period_to", _("Sampai tanggal"), self.period_to)
        self.lines = lines_table("settlement_lines")
        self.summary = SummaryPanel()
        pay_form = ErrorForm()
        self.pay = PaymentFields(pay_form, consignor, 0, _("Bayar sekarang (Rp)"))
        self.form.errors.update(pay_form.errors)
        self.pay.amount.textEdited.connect(self._typed)
        self.period_from.dateChanged.connect(lambda _d: self.show_preview())
        self.period_to.dateChanged.connect(lambda _d: self.show_preview())

        layout = QVBoxLayout(self)
        about = QLabel(_("{name} · {terms} · periode {period}").format(
            name=consignor.name, terms=consignor.terms_text,
            period=period_label(consignor.period).lower()))
        about.setObjectName("consignor_about")
        layout.addWidget(about)
        layout.addLayout(self.form.layout)
        layout.addWidget(self.lines, 1)
        bottom = QHBoxLayout()
        bottom.addLayout(pay_form.layout, 3)
        bottom.addWidget(self.summary, 2)
        layout.addLayout(bottom)
        layout.addWidget(QLabel(_("Enter ke isian berikut · Shift+Tab kembali ke periode ·"
                                  " Bayar sekarang 0 = dibayar nanti (F6 di daftar) ·"
                                  " Ctrl+S selesaikan · Esc batal")))
        layout.addLayout(save_cancel_row(self, self.form, _("Selesaikan"), self.save))
        for first, second in ((self.period_from, self.period_to),
                              (self.period_to, self.pay.amount),
                              (self.pay.amount, self.pay.method),
                              (self.pay.method, self.pay.reference),
                              (self.pay.reference, self.lines)):
            QWidget.setTabOrder(first, second)
        self.show_preview()
        self.pay.amount.setFocus()
        self.pay.amount.selectAll()

    def _typed(self, _text: str) -> None:
        self._amount_typed = True

    def widgets(self) -> dict[str, QWidget]:
        return {"period": self.period_from, "period_from": self.period_from,
                "period_to": self.period_to, **self.pay.widgets()}

    def show_preview(self) -> None:
        """Read the period again: the lines, the summary and (unless the treasurer typed
        one) the amount to pay now. A refused period shows why and empties the preview."""
        self.form.clear()
        try:
            self.preview = preview_settlement(
                self.session.db, self.consignor.id, period_from=day_of(self.period_from),
                period_to=day_of(self.period_to))
        except UserError as e:
            self.preview = None
            self.form.show([Problem(e.field or "", e.message)])
        fill_lines(self.lines, self.preview, self.session.settings.zone)
        self.summary.show_settlement(self.preview)
        if self.preview is not None:
            if not self._amount_typed:
                self.pay.set_amount(self.preview.to_pay)
            if not self.preview.lines:
                self.form.general.show_message(_(
                    "Tidak ada penjualan yang belum diselesaikan pada periode ini."))

    def save(self) -> None:
        """Settle what the preview showed, in one call with the payment; a refusal keeps
        the dialog open with the reason (and the preview read again)."""
        if self.preview is None:
            self.show_preview()   # the period is refused: say why again, write nothing
            return
        seen = self.preview
        try:
            payment = self.pay.payment(optional=True)
            self.settlement_id = settle(
                self.session.db, user=self.session.user, consignor_id=self.consignor.id,
                period_from=seen.period_from, period_to=seen.period_to,
                expected_due=seen.due, payment=payment)
        except UserError as e:
            self.show_preview()
            show_refusal(self.form, e, self.widgets())
            return
        self.number = get_settlement(self.session.db, self.settlement_id).number
        self.amount_paid = 0 if payment is None else parse_rupiah(payment.amount)
        self.accept()
