"""Members' pre-orders (pesanan anggota): taken with a deposit into this till's drawer, put
on a purchase order, handed over when the goods come (the deposit pays its part)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _, ngettext
from app.models import preorders
from app.models.errors import Problem, UserError
from app.models.members import get_member
from app.models.money import format_qty, format_rupiah
from app.models.suppliers import list_suppliers
from app.models.till_settings import get_till_settings
from app.ui.errors import on_error
from app.ui.lists import button_row, enter_opens, fill, list_table, shortcut
from app.ui.session import Session
from app.ui.stock_dialogs import ProductField, StockForm
from app.ui.till_dialogs import MemberDialog, PaymentDialog


class PreorderDialog(StockForm):
    """Member (F7), goods (scan a pack's code to order packs), quantity, deposit."""

    def __init__(self, session: Session, parent=None):
        super().__init__(_("Pesanan anggota baru"), parent)
        self.session = session
        self.saved: preorders.Preorder | None = None
        self.member = None
        self.member_button = QPushButton(_("Pilih anggota (F7)"))
        self.member_button.setObjectName("preorder_member")
        self.member_button.clicked.connect(self.pick_member)
        shortcut(self, "F7", self.pick_member)
        self.product = ProductField(session.db, "preorder_product")
        self.product.picked.connect(lambda _p: self.qty.setFocus())
        self.qty = QLineEdit()
        self.qty.setObjectName("preorder_qty")
        self.deposit = QLineEdit()
        self.deposit.setObjectName("preorder_deposit")
        self.deposit.setPlaceholderText(_("0 bila tanpa uang muka"))
        self.add("member", _("Anggota"), self.member_button)
        self.add("product", _("Barang"), self.product)
        self.add("qty", _("Jumlah (kemasan yang di-scan)"), self.qty)
        self.add("deposit", _("Uang muka (Rp)"), self.deposit)
        self.finish(_("Simpan pesanan"), _(
            "Harga hari ini berlaku saat barang diambil. Uang muka masuk ke laci kasir ini."))

    def pick_member(self) -> None:
        dialog = MemberDialog(self.session.db, self)
        if dialog.exec() and dialog.member is not None:
            self.member = dialog.member
            self.member_button.setText(dialog.member.label)
            self.product.setFocus()

    def save(self) -> None:
        self.form.clear()
        if self.member is None:
            self.form.show([Problem("member", _("Pilih anggotanya dulu (F7)."))])
            return
        if self.product.product is None and not self.product.take():
            self.form.show([Problem("product", _("Pilih barangnya dulu: scan atau ketik"
                                                 " namanya, lalu Enter."))])
            return
        unit = self.product.unit
        try:
            self.saved = preorders.create_preorder(
                self.session.db, user=self.session.user,
                till=get_till_settings(self.session.db).till, member_id=self.member.id,
                product_id=self.product.product.id, unit_id=unit.id if unit else None,
                qty=self.qty.text(), deposit=self.deposit.text() or "0")
        except UserError as e:
            self.refused(e)
            return
        self.accept()


class PreordersPage(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.orders: list[preorders.Preorder] = []
        self.show_all = QCheckBox(_("Tampilkan yang selesai (F9)"))
        self.show_all.toggled.connect(lambda _on: self.refresh())
        self.table = list_table("preorders", [
            _("Nomor"), _("Anggota"), _("Barang"), _("Jumlah"), _("Harga (Rp)"),
            _("DP (Rp)"), _("Sisa (Rp)"), _("Status")],
            [165, 170, 0, 70, 95, 90, 90, 160], stretch=2)
        enter_opens(self.table, self.hand_over)
        self.message = QLabel()
        self.message.setObjectName("preorders_message")
        take, manage = session.can("preorder.take"), session.can("purchase.manage")
        buttons = button_row(self, self.message, (
                (_("Pesanan baru"), "F2", self.new, take),
                (_("Serahkan barang"), "F5", self.hand_over, take),
                (_("Masukkan ke pesanan pembelian"), "F6", self.to_po, manage),
                (_("Batalkan"), "F8", self.cancel, take)))
        shortcut(self, "F9", self.show_all.toggle)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Pesanan anggota: beras, LPG, pupuk … dipesan lebih dulu")), 1)
        top.addWidget(self.show_all)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.setFocusProxy(self.table)

    def refresh(self) -> None:
        found = preorders.list_preorders(self.session.db)
        self.orders = found if self.show_all.isChecked() else [
            o for o in found if o.status in ("open", "ordered")]
        fill(self.table, [(
            o.number, o.member_label, o.name, format_qty(o.qty, o.unit_name),
            format_rupiah(o.total), format_rupiah(o.deposit), format_rupiah(o.due),
            f"{preorders.status_label(o.status)} {o.po_number[-5:]}" if o.po_number
            else preorders.status_label(o.status)) for o in self.orders],
            right=(3, 4, 5, 6))

    def selected(self) -> preorders.Preorder | None:
        row = self.table.currentRow()
        return self.orders[row] if 0 <= row < len(self.orders) else None

    def say(self, text: str) -> None:
        self.message.setText(text)

    def new(self) -> None:
        dialog = PreorderDialog(self.session, self)
        if dialog.exec() and dialog.saved:
            self.refresh()
            self.say(_("Pesanan {number} tersimpan.").format(number=dialog.saved.number))
        self.table.setFocus()

    def hand_over(self) -> None:
        """The member collects: what is still owed is paid as at the till."""
        order = self.selected()
        if order is None or order.status not in ("open", "ordered"):
            return
        payments = []
        if order.due > 0:
            dialog = PaymentDialog(order.due, member=get_member(self.session.db, order.member_id),
                                   parent=self)
            if not dialog.exec():
                return
            payments = dialog.payments
        try:
            sale = preorders.fulfil_preorder(
                self.session.db, user=self.session.user,
                till=get_till_settings(self.session.db).till, preorder_id=order.id,
                payments=payments)
        except UserError as e:
            on_error(self, e)
            return
        self.refresh()
        self.say(_("Diserahkan: struk {number}, kembalian {change}.").format(
            number=sale.number, change=format_rupiah(sale.change)))

    def to_po(self) -> None:
        order = self.selected()
        if order is None:
            return
        open_ones = [o for o in self.orders if o.status == "open"
                     and o.product_id == order.product_id]
        suppliers = list_suppliers(self.session.db)
        if not open_ones or not suppliers:
            self.say(_("Tidak ada pesanan yang menunggu untuk barang ini."))
            return
        name, ok = QInputDialog.getItem(
            self, _("Pemasok"), ngettext(
                "{n} pesanan {name} menunggu: pesan ke pemasok mana?",
                "{n} pesanan {name} menunggu: pesan ke pemasok mana?", len(open_ones)).format(
                    n=len(open_ones), name=order.name),
            [s.name for s in suppliers], 0, False)
        if not ok:
            return
        supplier = next(s for s in suppliers if s.name == name)
        try:
            po = preorders.preorders_into_po(self.session.db, user=self.session.user,
                                             supplier_id=supplier.id,
                                             preorder_ids=[o.id for o in open_ones])
        except UserError as e:
            on_error(self, e)
            return
        self.refresh()
        self.say(_("Pesanan pembelian {number} (draf) dibuat.").format(number=po.number))

    def cancel(self) -> None:
        order = self.selected()
        if order is None or order.status not in ("open", "ordered"):
            return
        reason, ok = QInputDialog.getText(self, _("Batalkan pesanan"), _(
            "Alasan membatalkan {number}? Uang muka {deposit} dikembalikan dari laci.").format(
                number=order.number, deposit=format_rupiah(order.deposit)))
        if not ok:
            return
        try:
            preorders.cancel_preorder(self.session.db, user=self.session.user,
                                      till=get_till_settings(self.session.db).till,
                                      preorder_id=order.id, reason=reason)
        except UserError as e:
            QMessageBox.warning(self, _("Tidak dapat diproses"), e.message)
            return
        self.refresh()

