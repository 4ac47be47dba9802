"""One member at a glance (Enter on the Anggota list): who they are (NIK and phone masked),
their bon with a running balance and its age, their savings by kind, and their purchases —
over a period typed as dd-mm-yyyy (empty "from": since they joined). What it shows is what
F9 prints as the member's statement.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.models.clock import day_text, parse_day
from app.models.errors import UserError
from app.models.member_money import kind_label
from app.models.member_statement import (
    credit_statement,
    member_history,
    purchases_total,
    savings_statement,
)
from app.models.members import get_member, sex_label, status_label
from app.models.money import format_number, format_rupiah
from app.models.payables import BUCKETS, bucket_label
from app.models.shifts import method_label
from app.reports.money_receipt import month_text
from app.ui.lists import fill, list_table
from app.ui.session import Session
from app.ui.stock_pages import today
from app.ui.till_dialogs import big_label
from app.ui.widgets import FieldError


def _kind_of_sale(kind: str) -> str:
    return {"sale": _("Belanja"), "return": _("Retur"), "void": _("Batal")}.get(kind, kind)


def _titled(title: str, table, note: QLabel) -> QWidget:
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    heading = QLabel(title)
    heading.setStyleSheet("font-weight: bold;")
    column.addWidget(heading)
    column.addWidget(table, 1)
    column.addWidget(note)
    return box


def _note(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


class MemberDetailPage(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.member_id: str | None = None
        self.title = big_label("", 16)
        self.title.setObjectName("member_title")
        self.facts = _note("member_facts")
        self.date_from = QLineEdit()
        self.date_from.setObjectName("date_from")
        self.date_from.setPlaceholderText(_("sejak awal"))
        self.date_to = QLineEdit(day_text(today(session)))
        self.date_to.setObjectName("date_to")
        self.period_error = FieldError()
        for edit in (self.date_from, self.date_to):
            edit.setMaximumWidth(130)
            edit.returnPressed.connect(self.refresh)
        self.credit = list_table("member_credit", [
            _("Tanggal"), _("Nomor"), _("Keterangan"), _("Bon (Rp)"), _("Bayar (Rp)"),
            _("Sisa (Rp)")], [90, 190, 0, 110, 110, 110], stretch=2)
        self.savings = list_table("member_savings", [
            _("Tanggal"), _("Nomor"), _("Simpanan"), _("Masuk (Rp)"), _("Keluar (Rp)"),
            _("Saldo (Rp)")], [90, 190, 0, 110, 110, 110], stretch=2)
        self.purchases = list_table("member_purchases", [
            _("Tanggal"), _("Nomor"), _("Jenis"), _("Baris"), _("Total (Rp)"), _("Bon (Rp)"),
            _("Dibayar dengan")], [90, 190, 70, 60, 110, 110, 0], stretch=6)
        self.credit_note = _note("credit_note")
        self.savings_note = _note("savings_note")
        self.purchases_note = _note("purchases_note")

        period = QHBoxLayout()
        period.addWidget(QLabel(_("Periode dari")))
        period.addWidget(self.date_from)
        period.addWidget(QLabel(_("sampai")))
        period.addWidget(self.date_to)
        period.addWidget(QLabel(_("(dd-mm-yyyy, Enter: tampilkan)")))
        period.addStretch()
        body = QSplitter(Qt.Orientation.Vertical)
        body.setChildrenCollapsible(False)
        for title, table, note in ((_("Bon"), self.credit, self.credit_note),
                                   (_("Simpanan"), self.savings, self.savings_note),
                                   (_("Belanja"), self.purchases, self.purchases_note)):
            body.addWidget(_titled(title, table, note))
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.facts)
        layout.addLayout(period)
        layout.addWidget(self.period_error)
        layout.addWidget(body, 1)
        self.setFocusProxy(self.date_from)

    def show_member(self, member_id: str) -> None:
        self.member_id = member_id
        self.refresh()

    def period(self) -> tuple[date | None, date | None]:
        """The typed period; a UserError names the field that is not a day."""
        return (parse_day(self.date_from.text(), field="date_from", what=_("Tanggal awal")),
                parse_day(self.date_to.text(), field="date_to", what=_("Tanggal akhir")))

    def refresh(self) -> None:
        if self.member_id is None:
            return
        db = self.session.db
        member = get_member(db, self.member_id)
        self.title.setText(member.label)
        facts = [status_label(member.status), sex_label(member.sex), member.village,
                 member.occupation,
                 _("masuk {day}").format(day=day_text(member.joined_on)) if member.joined_on
                 else "",
                 _("NIK {nik}").format(nik=member.nik_masked) if member.nik_masked else "",
                 _("Telp. {phone}").format(phone=member.phone_masked)
                 if member.phone_masked else "",
                 _("batas bon {limit}").format(limit=format_rupiah(member.credit_limit))]
        self.facts.setText(" · ".join(f for f in facts if f))
        self.period_error.show_message(None)
        try:
            first, last = self.period()
            credit = credit_statement(db, member.id, first, last)
            savings = savings_statement(db, member.id, first, last)
            history = member_history(db, member.id, first, last)
            bought = purchases_total(db, member.id, first, last)
        except UserError as e:
            self.period_error.show_message(e.message)
            return
        self._show_credit(credit)
        self._show_savings(savings)
        self._show_history(history, bought)

    def _show_credit(self, credit) -> None:
        fill(self.credit, [(day_text(line.day), line.number, line.description,
                            format_number(line.charge) if line.charge else "",
                            format_number(line.payment) if line.payment else "",
                            format_number(line.balance)) for line in credit.lines],
             right=(3, 4, 5))
        aging = ", ".join(_("{bucket} {amount}").format(bucket=bucket_label(b),
                                                        amount=format_rupiah(credit.buckets[b]))
                          for b in BUCKETS if credit.buckets.get(b))
        self.credit_note.setText(_(
            "Saldo awal {opening} · bon {charges} · dibayar {payments} · sisa {closing}").format(
                opening=format_rupiah(credit.opening), charges=format_rupiah(credit.charges),
                payments=format_rupiah(credit.payments), closing=format_rupiah(credit.closing))
            + (" · " + _("umur: {aging}").format(aging=aging) if aging else ""))

    def _show_savings(self, savings) -> None:
        lines = sorted(((line, account.kind) for account in savings.accounts
                        for line in account.lines),
                       key=lambda pair: (pair[0].created_at, pair[0].number))
        fill(self.savings, [(
            day_text(line.day), line.number,
            kind_label(kind) + (" " + month_text(line.period) if line.period else ""),
            format_number(line.paid_in) if line.paid_in else "",
            format_number(line.paid_out) if line.paid_out else "",
            format_number(line.balance)) for line, kind in lines], right=(3, 4, 5))
        held = " · ".join(_("{kind} {amount}").format(kind=kind_label(a.kind),
                                                      amount=format_rupiah(a.closing))
                          for a in savings.accounts)
        unpaid = savings.wajib_unpaid
        self.savings_note.setText(held + " · " + (
            _("wajib belum dibayar {n} bulan (sejak {first})").format(
                n=len(unpaid), first=month_text(unpaid[0])) if unpaid
            else _("wajib lunas")))

    def _show_history(self, history, bought: int) -> None:
        fill(self.purchases, [(
            day_text(row.day), row.number, _kind_of_sale(row.kind), str(row.items),
            format_number(row.total), format_number(row.on_bon) if row.on_bon else "",
            ", ".join(method_label(m) for m in row.methods)) for row in history],
            right=(3, 4, 5))
        receipts = sum(1 for row in history if row.kind == "sale")
        self.purchases_note.setText(_("{n} struk belanja; belanja bersih (dasar SHU jasa"
                                      " usaha): {total}").format(
            n=receipts, total=format_rupiah(bought)))
