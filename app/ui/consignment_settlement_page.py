"""Penyelesaian titipan: the treasurer's list of producers — what the shop owes each one
(settled, not yet paid), what has sold since the last settlement, and the next period.

Keys: ↑↓ producers · Enter or F2 settle the next period (and pay) · F6 pay what is owed ·
F7 the producer's account and past settlements (Enter on one shows its lines, Ctrl+P prints
its slip again). Who may not settle sees the list and the history only.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.models.clock import day_text, format_local
from app.models.consignment_settlement import (
    SettlementRow,
    get_settlement,
    kind_label,
    list_settlements,
    statement,
)
from app.models.consignment_views import ConsignorDue, settlement_overview
from app.models.consignors import Consignor
from app.models.money import format_number, format_rupiah
from app.ui.consignment_settlement_dialog import (
    SettlementDialog,
    SummaryPanel,
    can_print_slip,
    fill_lines,
    lines_table,
    period_text,
    save_slip,
)
from app.ui.consignor_payment_dialog import ConsignorPaymentDialog
from app.ui.lists import button_row, enter_opens, fill, list_table
from app.ui.session import Session
from app.ui.widgets import key_button


class SettlementPage(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.rows: list[ConsignorDue] = []
        self.may_settle = session.can("consignment.settle")
        self.table = list_table("consignors_due", [
            _("Penitip"), _("Desa / kelurahan"), _("Harus dibayar (Rp)"),
            _("Belum diselesaikan (Rp)"), _("Terakhir diselesaikan"), _("Periode berikut")],
            [0, 170, 140, 170, 160, 200])
        enter_opens(self.table, self.settle if self.may_settle else self.history)
        self.message = QLabel()
        self.message.setObjectName("settlement_message")
        self.message.setWordWrap(True)
        buttons = button_row(self, self.message, (
            (_("Selesaikan"), "F2", self.settle, self.may_settle),
            (_("Bayar"), "F6", self.pay, self.may_settle),
            (_("Riwayat"), "F7", self.history, True)))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Penitip: yang harus dibayar (sudah diselesaikan) dan yang"
                                  " terjual tetapi belum diselesaikan")))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.setFocusProxy(self.table)

    def refresh(self) -> None:
        self.rows = settlement_overview(self.session.db)
        fill(self.table, [(
            row.consignor.name, row.consignor.village, format_number(row.balance),
            format_number(row.unsettled), day_text(row.last_period_to, "—"),
            _("{start} s/d {end}").format(start=day_text(row.next_from, "—"),
                                          end=day_text(row.next_to, "—")))
            for row in self.rows], right=(2, 3))
        for r, row in enumerate(self.rows):
            if row.last_number:
                self.table.item(r, 4).setToolTip(row.last_number)

    def selected(self) -> ConsignorDue | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def select(self, consignor_id: str) -> None:
        for r, row in enumerate(self.rows):
            if row.consignor.id == consignor_id:
                self.table.selectRow(r)

    def settle(self) -> None:
        row = self.selected()
        if row is None or not self.may_settle:
            return
        dialog = SettlementDialog(self.session, row.consignor, parent=self)
        if dialog.exec():
            self.refresh()
            self.message.setText(_("Penyelesaian {number} tersimpan: {due}; dibayar {paid}.")
                                 .format(number=dialog.number,
                                         due=format_rupiah(dialog.preview.due),
                                         paid=format_rupiah(dialog.amount_paid)))
            self.offer_slip(dialog.settlement_id, dialog.number)
        self.table.setFocus()

    def offer_slip(self, settlement_id: str, number: str) -> None:
        """Right after settling, the slip the producer signs and takes home."""
        if not can_print_slip():
            return
        answer = QMessageBox.question(
            self, _("Nota penyelesaian"),
            _("Simpan nota penyelesaian {number} sebagai PDF untuk dicetak?").format(
                number=number),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes)
        if answer == QMessageBox.StandardButton.Yes:
            save_slip(self, self.session, settlement_id, number)

    def pay(self) -> None:
        row = self.selected()
        if row is None or not self.may_settle:
            return
        if row.balance <= 0:
            self.message.setText(_("Tidak ada yang harus dibayar ke {name}.").format(
                name=row.consignor.name))
            return
        dialog = ConsignorPaymentDialog(self.session, row.consignor, parent=self)
        if dialog.exec():
            self.refresh()
            self.message.setText(_("Pembayaran {amount} ke {name} tercatat.").format(
                amount=format_rupiah(dialog.amount_paid), name=row.consignor.name))
        self.table.setFocus()

    def history(self) -> None:
        row = self.selected()
        if row is None:
            return
        ConsignorHistoryDialog(self.session, row.consignor, parent=self).exec()
        self.table.setFocus()


def close_row(dialog: QDialog, note: QLabel, print_slot) -> QHBoxLayout:
    """The bottom of a read-only dialog: a note, reprint the slip (Ctrl+P, where the slip
    can be printed), close (Esc). No button is the default: Enter belongs to the list."""
    close = QPushButton(_("Tutup (Esc)"))
    close.clicked.connect(dialog.reject)
    buttons = [close]
    if can_print_slip():
        buttons.insert(0, key_button(_("Cetak ulang nota"), "Ctrl+P", dialog, print_slot))
    row = QHBoxLayout()
    row.addWidget(note, 1)
    for button in buttons:
        button.setAutoDefault(False)
        row.addWidget(button)
    return row


class ConsignorHistoryDialog(QDialog):
    """The producer's account (settlements +, payments −, the balance after each) and the
    settlements made, newest first."""

    def __init__(self, session: Session, consignor: Consignor, parent=None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(_("Riwayat {name}").format(name=consignor.name))
        self.resize(1100, 680)
        db, zone = session.db, session.settings.zone
        self.account = statement(db, consignor.id)
        self.settlements: list[SettlementRow] = list_settlements(db, consignor_id=consignor.id)
        self.account_table = list_table("account", [
            _("Waktu"), _("Jenis"), _("Nomor"), _("Keterangan"), _("Jumlah (Rp)"),
            _("Saldo (Rp)")], [130, 110, 175, 0, 120, 120], stretch=3)
        fill(self.account_table, [(
            format_local(line.at, zone), kind_label(line.kind), line.number,
            line.detail, format_number(line.amount), format_number(line.balance))
            for line in self.account.lines], right=(4, 5))
        totals = QLabel(_("Saldo awal {opening} · saldo akhir {closing} · terjual belum"
                          " diselesaikan {unsettled}").format(
                              opening=format_rupiah(self.account.opening),
                              closing=format_rupiah(self.account.closing),
                              unsettled=format_rupiah(self.account.unsettled)))
        totals.setObjectName("account_totals")
        self.table = list_table("settlements", [
            _("Nomor"), _("Periode"), _("Harga jual (Rp)"), _("Komisi (Rp)"),
            _("Bagian produsen (Rp)"), _("Sudah dibayar (Rp)"), _("Dibuat")],
            [175, 0, 120, 110, 150, 170, 130], stretch=1)
        fill(self.table, [(
            s.number, _("{start} s/d {end}").format(start=day_text(s.period_from),
                                                    end=day_text(s.period_to)),
            format_number(s.gross), format_number(s.commission), format_number(s.due),
            format_number(s.paid), format_local(s.created_at, zone))
            for s in self.settlements], right=(2, 3, 4, 5))
        enter_opens(self.table, self.open_selected)
        buttons = close_row(self, QLabel(_("Enter lihat rincian nota")), self.print_selected)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Rekening {name}").format(name=consignor.name)))
        layout.addWidget(self.account_table, 1)
        layout.addWidget(totals)
        layout.addWidget(QLabel(_("Nota penyelesaian")))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.table.setFocus()

    def selected(self) -> SettlementRow | None:
        row = self.table.currentRow()
        return self.settlements[row] if 0 <= row < len(self.settlements) else None

    def open_selected(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            SettlementDetailDialog(self.session, chosen.id, parent=self).exec()
            self.table.setFocus()

    def print_selected(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            save_slip(self, self.session, chosen.id, chosen.number)


class SettlementDetailDialog(QDialog):
    """One settlement as it was made: its lines and what it came to; its slip again."""

    def __init__(self, session: Session, settlement_id: str, parent=None):
        super().__init__(parent)
        self.session = session
        self.settlement = get_settlement(session.db, settlement_id)
        s = self.settlement
        self.setWindowTitle(_("Nota penyelesaian {number}").format(number=s.number))
        self.resize(1100, 640)
        zone = session.settings.zone
        self.lines = lines_table("settled_lines")
        fill_lines(self.lines, s, zone)
        self.summary = SummaryPanel(with_paid=True)
        self.summary.show_settlement(s)
        buttons = close_row(self, QLabel(), self.print)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("{name} · periode {period} · dibuat {at}").format(
            name=s.consignor_name, period=period_text(s), at=format_local(s.created_at, zone))))
        layout.addWidget(self.lines, 1)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        self.lines.setFocus()

    def print(self) -> None:
        save_slip(self, self.session, self.settlement.id, self.settlement.number)
