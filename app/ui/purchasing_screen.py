"""Pembelian: suppliers, purchase orders and goods receipt, and what the shop owes.

Tabs (Alt+1, Alt+2, Alt+3), each with its own keys on its buttons. What a person sees
follows their permissions: the treasurer sees suppliers and payables, the manager all.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _, ngettext
from app.models.clock import format_local
from app.models.errors import UserError
from app.models.money import format_number
from app.models.purchasing import (
    STATUSES,
    POSummary,
    cancel_po,
    close_po,
    get_po,
    list_pos,
    send_po,
    status_label,
)
from app.models.suppliers import Supplier, list_suppliers, set_supplier_archived
from app.reports.purchasing_pdf import write_po_pdf
from app.ui.errors import on_error
from app.ui.lists import RecordsPage, button_row, enter_opens, fill, list_table, shortcut
from app.ui.payables_page import PayablesPage
from app.ui.po_dialog import PODetailDialog, PODialog
from app.ui.preorders_page import PreordersPage
from app.ui.receiving_dialog import ReceivingDialog
from app.ui.report_files import save_report
from app.ui.session import Session
from app.ui.supplier_dialog import SupplierDialog


class SuppliersPage(RecordsPage):
    def __init__(self, session: Session, parent=None):
        super().__init__(session, parent, name="suppliers",
                         placeholder=_("Cari nama, kontak atau telepon (Ctrl+F)"),
                         headers=[_("Nama"), _("Kontak"), _("Telepon"), _("Tempo"), _("Bank"),
                                  _("Utang (Rp)")], widths=[0, 150, 130, 110, 230, 120])
        self.count = self.note
        can_manage = session.can("purchase.manage")
        self.lay_out((
            (_("Tambah"), "F2", self.add, can_manage), (_("Ubah"), "F4", self.edit, can_manage),
            (_("Arsipkan / pulihkan"), "F8", self.toggle_archived, can_manage)))

    def refresh(self) -> None:
        self.records = list_suppliers(self.session.db, self.search.text(),
                                      include_archived=self.show_archived.isChecked())
        fill(self.table, [(
            s.name + (" " + _("(arsip)") if s.archived else ""), s.contact, s.phone,
            s.terms_label, " ".join(x for x in (s.bank_name, s.bank_account) if x),
            format_number(s.balance)) for s in self.records], right=(5,))
        n = len(self.records)
        self.count.setText(ngettext("{n} pemasok", "{n} pemasok", n).format(n=n))

    def add(self) -> None:
        self._open(None)

    def edit(self) -> None:
        if self.selected() is not None and self.session.can("purchase.manage"):
            self._open(self.selected())

    def _open(self, supplier: Supplier | None) -> None:
        dialog = SupplierDialog(self.session, supplier, self)
        if dialog.exec() and dialog.saved:
            self.refresh()
            row = next((i for i, s in enumerate(self.records) if s.id == dialog.saved.id), 0)
            self.table.selectRow(row)
        self.table.setFocus()

    def archive_question(self, supplier: Supplier) -> tuple[str, str]:
        return _("Arsip pemasok"), (_("Pulihkan {name}?") if supplier.archived else _(
            "Arsipkan {name}? Pemasok tidak muncul lagi di pesanan baru; riwayatnya tetap"
            " tersimpan.")).format(name=supplier.name)

    def set_archived(self, supplier: Supplier, archived: bool) -> None:
        set_supplier_archived(self.session.db, user=self.session.user,
                              supplier_id=supplier.id, archived=archived)


class OrdersPage(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.orders: list[POSummary] = []
        self.status = QComboBox()
        self.status.setObjectName("po_status")
        self.status.addItem(_("Belum selesai"), "open")
        for status in STATUSES:
            self.status.addItem(status_label(status), status)
        self.status.addItem(_("Semua"), None)
        self.status.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table = list_table("orders", [
            _("Nomor"), _("Pemasok"), _("Dibuat"), _("Status"), _("Baris"), _("Total (Rp)")],
            [200, 0, 150, 140, 60, 120], stretch=1)
        enter_opens(self.table, self.open)
        self.message = QLabel()
        self.message.setObjectName("orders_message")
        manage, receive = session.can("purchase.manage"), session.can("goods.receive")
        buttons = button_row(self, self.message, (
                (_("Pesanan baru"), "F2", self.new, manage),
                (_("Buka"), "F4", self.open, True),
                (_("Terima barang"), "F5", self.receive, receive),
                (_("Kirim"), "F6", self.send, manage),
                (_("Terima tanpa pesanan"), "F7", self.receive_without_po, receive),
                (_("Batalkan / tutup"), "F8", self.cancel, manage),
                (_("PDF"), "Ctrl+P", self.print_po, True)))
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Tampilkan")))
        top.addWidget(self.status)
        top.addStretch()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.setFocusProxy(self.table)

    def refresh(self) -> None:
        zone = self.session.settings.zone
        self.orders = list_pos(self.session.db, status=self.status.currentData())
        fill(self.table, [(o.number, o.supplier_name, format_local(o.created_at, zone),
                           status_label(o.status), str(o.lines), format_number(o.total))
                          for o in self.orders], right=(4, 5))

    def selected(self) -> POSummary | None:
        row = self.table.currentRow()
        return self.orders[row] if 0 <= row < len(self.orders) else None

    def select(self, po_id: str) -> None:
        row = next((i for i, o in enumerate(self.orders) if o.id == po_id), None)
        if row is None and self.status.currentData() not in (None, "open"):
            self.status.setCurrentIndex(0)
            row = next((i for i, o in enumerate(self.orders) if o.id == po_id), None)
        if row is not None:
            self.table.selectRow(row)
        self.table.setFocus()

    def say(self, text: str) -> None:
        self.message.setText(text)

    def new(self) -> None:
        dialog = PODialog(self.session, None, self)
        if dialog.exec() and dialog.saved:
            self._saved(dialog.saved.id, dialog.saved.number, dialog.saved.status)
        self.table.setFocus()

    def _saved(self, po_id: str, number: str, status: str) -> None:
        self.refresh()
        self.select(po_id)
        self.say(_("Pesanan {number}: {status}.").format(
            number=number, status=status_label(status)))

    def open(self) -> None:
        summary = self.selected()
        if summary is None:
            return
        po = get_po(self.session.db, summary.id)
        if po.status == "draft" and self.session.can("purchase.manage"):
            dialog = PODialog(self.session, po, self)
            if dialog.exec() and dialog.saved:
                self._saved(po.id, po.number, dialog.saved.status)
        else:
            PODetailDialog(self.session, po, self).exec()
        self.table.setFocus()

    def send(self) -> None:
        summary = self.selected()
        if summary is None:
            return
        try:
            po = send_po(self.session.db, user=self.session.user, po_id=summary.id)
        except UserError as e:
            on_error(self, e)
            return
        self._saved(po.id, po.number, po.status)

    def cancel(self) -> None:
        """Cancel an order nothing arrived against; close one partly received."""
        summary = self.selected()
        if summary is None:
            return
        closing = summary.status == "partial"
        title = _("Tutup pesanan") if closing else _("Batalkan pesanan")
        reason, ok = QInputDialog.getText(self, title, _("Alasan {action} {number}:").format(
            action=_("menutup") if closing else _("membatalkan"), number=summary.number))
        if not ok:
            return
        try:
            action = close_po if closing else cancel_po
            po = action(self.session.db, user=self.session.user, po_id=summary.id,
                        reason=reason)
        except UserError as e:
            on_error(self, e)
            return
        self._saved(po.id, po.number, po.status)

    def print_po(self) -> None:
        """The order as a PDF to send to the supplier or print."""
        order = self.selected()
        if order is None:
            return
        save_report(self, self.session.db, _("Simpan pesanan sebagai PDF"),
                    f"{order.number}.pdf",
                    lambda db, path, _fmt: write_po_pdf(db, order.id, path,
                                                        printed_by=self.session.user))

    def receive(self) -> None:
        summary = self.selected()
        if summary is None:
            return
        po = get_po(self.session.db, summary.id)
        if not po.receivable:
            on_error(self, UserError(_("Pesanan {number} berstatus {status}; tidak bisa"
                                       " diterima.").format(number=po.number,
                                                            status=status_label(po.status))))
            return
        self._received(ReceivingDialog(self.session, po, self), po.id)

    def receive_without_po(self) -> None:
        self._received(ReceivingDialog(self.session, None, self), None)

    def _received(self, dialog: ReceivingDialog, po_id: str | None) -> None:
        if dialog.exec() and dialog.result:
            self.refresh()
            if po_id:
                self.select(po_id)
            self.say(_("Penerimaan {number} tersimpan.").format(number=dialog.result.number))
        self.table.setFocus()


class PurchasingScreen(QTabWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("purchasing")
        self.suppliers = SuppliersPage(session) if (
            session.can("purchase.manage") or session.can("payable.pay")) else None
        self.orders = OrdersPage(session) if (
            session.can("purchase.manage") or session.can("goods.receive")) else None
        self.payables = PayablesPage(session) if session.can("payable.pay") else None
        self.preorders = PreordersPage(session) if session.can("preorder.take") else None
        pages = [(self.suppliers, _("Pemasok")), (self.orders, _("Pesanan dan penerimaan")),
                 (self.payables, _("Utang pemasok")), (self.preorders, _("Pesanan anggota"))]
        for number, (page, label) in enumerate([p for p in pages if p[0] is not None],
                                               start=1):
            self.addTab(page, f"{label}  (Alt+{number})")
            shortcut(self, f"Alt+{number}", lambda i=number - 1: self.go_to(i))
        self.currentChanged.connect(self._shown)
        self._shown(0)

    def go_to(self, index: int) -> None:
        if self.currentIndex() == index:
            self._shown(index)
        else:
            self.setCurrentIndex(index)

    def _shown(self, index: int) -> None:
        """Each time a tab is shown it reads the shop again (a receipt makes an invoice)."""
        page = self.widget(index)
        page.refresh()
        self.setFocusProxy(page)   # the main window gives this area the keyboard: the page
        page.setFocus()
