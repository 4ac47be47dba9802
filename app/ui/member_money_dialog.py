"""A member's money, at the till (into the drawer of the open shift) or at the office: savings
paid in (pokok, wajib by months, sukarela), sukarela taken out (a treasurer's or manager's
approval: their PIN when the person at the screen may not approve), bon paid off.

Each transaction is one call into :mod:`app.models.member_money`; after it the slip is
printed (the till's printer, or a PDF when the shop has none) and the dialog shows the new
balances, ready for the member's next payment. Keys: 1–5 or ↑↓ the kind · Enter next
field · Ctrl+S save and print · Ctrl+P print the last slip again · Esc close.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.models.errors import Problem, UserError, ValidationError
from app.models.member_money import (
    CREDIT_METHODS,
    MAX_MONTHS,
    METHODS,
    MoneyReceipt,
    balances,
    deposit,
    method_label,
    repay_credit,
    withdraw,
)
from app.models.member_views import deposit_plan
from app.models.members import Member, get_member
from app.models.money import format_number, format_rupiah, parse_rupiah
from app.models.till_settings import TillSettings, get_till_settings
from app.reports.money_receipt import money_receipt_rows, month_text
from app.reports.receipt_escpos import make_printer, rows_escpos, send
from app.reports.receipt_pdf import rows_pdf, write_pdf
from app.ui.printing import receipts_dir
from app.ui.session import Session
from app.ui.till_dialogs import MemberDialog, SupervisorDialog, big_label
from app.ui.widgets import ErrorForm, FormDialog, key_button, save_cancel_row

#: What the dialog does, in the order of its choice (typed 1–5).
ACTIONS = ("pokok", "wajib", "sukarela", "withdraw", "bon")


def action_label(action: str) -> str:
    return {"pokok": _("Setor simpanan pokok"), "wajib": _("Setor simpanan wajib"),
            "sukarela": _("Setor simpanan sukarela"),
            "withdraw": _("Tarik simpanan sukarela"), "bon": _("Bayar bon")}[action]


def print_money_receipt(receipt: MoneyReceipt, till: TillSettings, session: Session, *,
                        open_drawer: bool) -> str:
    """The slip on the till's printer (the drawer opened for cash at the till), or as a
    PDF when the shop has no printer; returns where it went. A printer that fails raises
    UserError: the money is saved already and the slip can be printed again."""
    rows = money_receipt_rows(receipt, session.settings, till.paper_columns,
                              printed_by_name=session.user.full_name)
    if till.printer_kind == "none":
        path = receipts_dir() / f"{receipt.number}.pdf"
        write_pdf(rows_pdf(rows, till.paper_columns, title=receipt.number), path)
        return str(path)
    send(make_printer(till.printer_kind, till.printer_target),
         rows_escpos(rows, till.paper_columns, open_drawer=open_drawer and till.open_drawer))
    return till.printer_target


def balances_text(db, member_id: str) -> str:
    held, owed = balances(db, member_id), get_member(db, member_id).balance
    return _("Simpanan: pokok {pokok} · wajib {wajib} · sukarela {sukarela}   Bon: {bon}").format(
        pokok=format_rupiah(held["pokok"]), wajib=format_rupiah(held["wajib"]),
        sukarela=format_rupiah(held["sukarela"]), bon=format_rupiah(owed))


class MemberMoneyDialog(FormDialog):
    """``till``: the till's settings when the money goes into its drawer; None at the
    office (the treasurer's cash or the bank)."""

    def __init__(self, session: Session, member: Member, *, till: TillSettings | None = None,
                 action: str | None = None, parent=None):
        super().__init__(parent)
        self.session, self.member, self.till = session, member, till
        self.receipts: list[MoneyReceipt] = []
        self.printed_to: list[str] = []
        self.setWindowTitle(_("Uang anggota {label}").format(label=member.label))
        self.setMinimumWidth(620)
        title = big_label(member.label, 16)
        self.balances = QLabel()
        self.balances.setObjectName("balances")
        self.form = ErrorForm()
        self.errors = self.form.errors
        self.kind = QComboBox()
        for number, name in enumerate(ACTIONS, start=1):
            self.kind.addItem(f"{number} · {action_label(name)}", name)
        self.months = QSpinBox()
        self.months.setRange(1, MAX_MONTHS)
        self.months.setSuffix(" " + _("bulan"))
        self.amount = QLineEdit()
        self.plan = QLabel()
        self.plan.setObjectName("plan")
        self.plan.setWordWrap(True)
        self.method = QComboBox()
        self.reference = QLineEdit()
        self.reference.setPlaceholderText(_("nomor slip, mutasi bank atau QRIS"))
        self.note = QLineEdit()
        self.fields: dict[str, QWidget] = {}
        for key, label, widget in (("kind", _("Transaksi"), self.kind),
                                   ("months", _("Jumlah bulan"), self.months),
                                   ("amount", _("Jumlah (Rp)"), self.amount),
                                   ("method", _("Cara bayar"), self.method),
                                   ("reference", _("Referensi"), self.reference),
                                   ("note", _("Catatan"), self.note)):
            widget.setObjectName(key)
            self.fields[key] = self.form.add(key, label, widget)
            if key == "amount":
                self.form.layout.addRow("", self.plan)
        self.done_note = QLabel()
        self.done_note.setObjectName("done")
        self.done_note.setWordWrap(True)
        self.done_note.setStyleSheet("color: #1b5e20;")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(QLabel(_("Di laci kasir {till}").format(till=till.till) if till
                                else _("Di kantor: kas bendahara atau bank")))
        layout.addWidget(self.balances)
        layout.addLayout(self.form.layout)
        layout.addWidget(self.done_note)
        bottom = save_cancel_row(self, self.form, _("Simpan dan cetak"), self.save)
        self.reprint_button = key_button(_("Cetak ulang"), "Ctrl+P", self, self.reprint)
        self.reprint_button.setEnabled(False)
        bottom.insertWidget(2, self.reprint_button)
        self.close_button = next(bottom.itemAt(i).widget() for i in range(bottom.count())
                                 if bottom.itemAt(i).widget() is not None
                                 and bottom.itemAt(i).widget().text() == _("Batal (Esc)"))
        layout.addLayout(bottom)
        self.kind.currentIndexChanged.connect(self._follow_kind)
        self.months.valueChanged.connect(lambda _v: self._show_plan())
        self.method.currentIndexChanged.connect(self._follow_method)
        for key in ("amount", "reference", "note"):
            self.fields[key].textEdited.connect(
                lambda _t, k=key: self.errors[k].show_message(None))
        self._show_balances()
        start = action or ("pokok" if deposit_plan(session.db, member.id, "pokok").amount
                           else "wajib")
        self.kind.setCurrentIndex(ACTIONS.index(start))
        self._follow_kind()
        self.kind.setFocus()

    # --- what the form asks, by kind -------------------------------------------------------

    def action(self) -> str:
        return self.kind.currentData()

    def _follow_kind(self) -> None:
        """Months only for wajib, an amount for the rest (pokok: what is left of it), QRIS
        only for bon, a note for savings."""
        self.form.clear()
        action = self.action()
        methods = CREDIT_METHODS if action == "bon" else METHODS
        kept = self.method.currentData()
        self.method.blockSignals(True)
        self.method.clear()
        for method in methods:
            self.method.addItem(method_label(method), method)
        self.method.setCurrentIndex(max(self.method.findData(kept), 0))
        self.method.blockSignals(False)
        self.months.setEnabled(action == "wajib")
        self.amount.setEnabled(action != "wajib")
        self.note.setEnabled(action != "bon")
        self.amount.clear()
        self._follow_method()
        self._show_plan()

    def _follow_method(self) -> None:
        self.reference.setEnabled(self.method.currentData() != "cash")

    def _show_plan(self) -> None:
        """What the member pays, said before the money is counted: the pokok left, the
        wajib months and their sum, the sukarela held, the bon owed."""
        db, action = self.session.db, self.action()
        try:
            if action in ("pokok", "wajib"):
                plan = deposit_plan(db, self.member.id, action, self.months.value())
            else:
                plan = None
        except UserError as e:
            self.plan.setText(e.message)
            return
        if action == "pokok":
            if plan.amount and not self.amount.text():
                self.amount.setText(format_number(plan.amount))
            text = (_("Simpanan pokok tinggal {left}.").format(left=format_rupiah(plan.amount))
                    if plan.amount else _("Simpanan pokok sudah lunas."))
        elif action == "wajib":
            months = [month_text(p) for p in plan.periods]
            text = (_("{n} bulan × {each} = {total}: {first} – {last}").format(
                n=len(plan.periods), each=format_rupiah(plan.each),
                total=format_rupiah(plan.amount), first=months[0], last=months[-1])
                if months else _("Simpanan wajib sudah dibayar sampai setahun ke depan."))
            self.amount.setText(format_rupiah(plan.amount) if months else "")
        elif action == "bon":
            text = _("Bon {name} sekarang {owed}.").format(
                name=self.member.name, owed=format_rupiah(self._member().balance))
        else:
            text = _("Saldo sukarela {balance}: paling banyak itu yang dapat ditarik.").format(
                balance=format_rupiah(balances(db, self.member.id)["sukarela"]))
        self.plan.setText(text)

    def _member(self) -> Member:
        return get_member(self.session.db, self.member.id)

    def _show_balances(self) -> None:
        self.balances.setText(balances_text(self.session.db, self.member.id))

    # --- saving ----------------------------------------------------------------------------

    def save(self) -> None:
        self.form.clear()
        try:
            receipt = self._write()
        except ValidationError as e:
            self.refused(e.problems)
            return
        except UserError as e:
            self.refused([Problem(e.field or "", e.message)])
            return
        if receipt is None:
            return
        self.receipts.append(receipt)
        self.reprint_button.setEnabled(True)
        self.close_button.setText(_("Selesai (Esc)"))  # what was saved stays saved
        self._after(receipt)

    def _write(self) -> MoneyReceipt | None:
        db, user = self.session.db, self.session.user
        action, method = self.action(), self.method.currentData()
        till = self.till.till if self.till else None
        common = {"member_id": self.member.id, "method": method,
                  "reference": self.reference.text(), "till": till}
        if action == "bon":
            return repay_credit(db, user=user, amount=self.amount.text(), **common)
        if action == "withdraw":
            approver = self._approver()
            if approver is False:
                return None
            return withdraw(db, user=user, amount=self.amount.text(), approver=approver,
                            note=self.note.text(), **common)
        return deposit(db, user=user, kind=action, months=self.months.value(),
                       amount=self.amount.text() if action != "wajib" else None,
                       note=self.note.text(), **common)

    def _approver(self):
        """None when the person here may approve a withdrawal; else the treasurer or manager
        who types their PIN; False when nobody approved (nothing is written)."""
        if self.session.can("savings.approve"):
            return None
        value = parse_rupiah(self.amount.text(), field="amount", what=_("Jumlah penarikan"),
                             allow_zero=False)
        dialog = SupervisorDialog(self.session.db, _(
            "Penarikan simpanan sukarela {amount} oleh {name} perlu persetujuan bendahara"
            " atau manajer.").format(amount=format_rupiah(value), name=self.member.name),
            permission="savings.approve", parent=self)
        if dialog.exec():
            return dialog.supervisor
        self.form.general.show_message(_("Penarikan belum disetujui; tidak ada yang dicatat."))
        return False

    def _after(self, receipt: MoneyReceipt) -> None:
        """Saved: print the slip, show the new balances, and make ready for the next."""
        where = self._print(receipt)
        self.done_note.setText(_("{title} {number}: {amount} tersimpan.").format(
            title=receipt.title, number=receipt.number,
            amount=format_rupiah(abs(receipt.total))) + " " + where)
        self._show_balances()
        self.months.setValue(1)
        self.reference.clear()
        self.note.clear()
        self._follow_kind()
        self.kind.setFocus()

    def _print(self, receipt: MoneyReceipt, *, copy: bool = False) -> str:
        till = self.till or get_till_settings(self.session.db)
        cash = receipt.entries[0].method == "cash"
        try:
            where = print_money_receipt(receipt, till, self.session,
                                        open_drawer=bool(self.till) and cash and not copy)
        except UserError as e:
            return e.message + " " + _("Ctrl+P untuk mencetak lagi.")
        self.printed_to.append(where)
        if self.till is None and till.printer_kind == "none":
            # At the office without a receipt printer: the PDF opens, to print or send.
            QDesktopServices.openUrl(QUrl.fromLocalFile(where))
        return _("Bukti: {where}").format(where=where)

    def reprint(self) -> None:
        if self.receipts:
            self.done_note.setText(self._print(self.receipts[-1], copy=True))

    def summary(self) -> str:
        """What the till says after the dialog: each slip and its amount."""
        return " · ".join(_("{number} {amount}").format(
            number=r.number, amount=format_rupiah(abs(r.total))) for r in self.receipts)


def member_money_at_till(screen) -> None:
    """The till's key: the member on the cart, or one the cashier finds; the money goes
    into the drawer of the open shift."""
    session = screen.session
    member_id = screen.cart.member_id
    if member_id is None:
        finder = MemberDialog(session.db, screen)
        if finder.exec() != QDialog.DialogCode.Accepted or finder.member is None:
            screen.scan.setFocus()
            return
        member_id = finder.member.id
    dialog = MemberMoneyDialog(session, get_member(session.db, member_id), till=screen.till,
                               parent=screen)
    dialog.exec()
    screen.scan.setFocus()
    if dialog.receipts:
        screen.say(_("Uang anggota: {receipts}").format(receipts=dialog.summary()))
