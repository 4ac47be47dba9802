"""The counter: scan, type, pay — by keyboard and barcode scanner alone.

Keys: Enter scan/pick · 3* next quantity · * or F4 quantity of the line · ↑↓ lines ·
Del remove · F5 line discount · F6 cart discount · F7 member · F8 hold · F9 recall ·
F10 pay · F11 return/void · F12 member's savings and bon repayment · Ctrl+P reprint ·
Ctrl+K cash in/out · Ctrl+X X report · Ctrl+Z close shift.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.models import cart as carts
from app.models.errors import UserError
from app.models.members import get_member
from app.models.money import QTY_SCALE, format_qty, format_rupiah, parse_qty
from app.models.product_search import search_products
from app.models.program_goods import cart_quota_problem
from app.models.qris import dynamic_payload
from app.models.sale_receipts import receipt_for
from app.models.sales import complete_sale
from app.models.scale import ScaleLayout
from app.models.shifts import open_shift, open_shift_for
from app.models.till_settings import get_till_settings
from app.reports.shift_report import qris_slip_rows
from app.ui.errors import on_error
from app.ui.printing import print_report, print_sale_receipt
from app.ui.session import Session
from app.ui.till_dialogs import MemberDialog, PaymentDialog, ask_supervisor, big_label
from app.ui.till_model import CartTableModel
from app.ui.widgets import scan_side_table

SEARCH_DELAY_MS = 150


class TillScreen(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.till = get_till_settings(session.db)
        self.pending_qty = QTY_SCALE
        self.last_sale_id: str | None = None
        self.model = CartTableModel(self)

        self.scan = QLineEdit()
        self.scan.setObjectName("scan")
        font = QFont()
        font.setPointSize(16)
        self.scan.setFont(font)
        self.scan.setPlaceholderText(_("Scan barcode atau ketik nama barang, lalu Enter"))
        self.scan.installEventFilter(self)
        self.suggestions = QListWidget()
        self.suggestions.setObjectName("suggestions")
        self.suggestions.setMaximumHeight(180)
        self.suggestions.hide()
        self.suggestions.itemActivated.connect(self._pick_suggestion)
        self.suggestions.installEventFilter(self)
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._suggest)
        self.scan.textEdited.connect(self._typed)

        self.table = QTableView()
        self.table.setObjectName("cart")
        self.table.setModel(self.model)
        scan_side_table(self.table, (44, 0, 110, 110, 90, 130), stretch=1, row_height=28)

        self.status = QLabel()
        self.status.setObjectName("till_status")
        self.status.setWordWrap(True)
        # Fixed sizes: a message or a total of another length must not re-lay out (and so
        # repaint) the whole cart at every scan.
        self.status.setFixedHeight(2 * self.status.fontMetrics().lineSpacing() + 4)
        self.member_label = QLabel()
        self.qty_label = QLabel()
        self.total = big_label("", 30)
        self.total.setObjectName("total")
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.total.setFixedWidth(self.total.fontMetrics().horizontalAdvance(
            _("Kembalian {change}").format(change="Rp9.999.999.999")))
        keys = QLabel(_("Enter scan · 3* jumlah · F4 ubah jumlah · Del hapus · F5 diskon baris ·"
                        " F6 diskon total · F7 anggota · F8 tahan · F9 panggil · F10 bayar ·"
                        " F11 retur · F12 uang anggota · Ctrl+P cetak ulang · Ctrl+K kas ·"
                        " Ctrl+X/Z laporan"))
        keys.setWordWrap(True)
        keys.setStyleSheet("color: #555;")

        top = QHBoxLayout()
        top.addWidget(self.scan, 1)
        top.addWidget(self.qty_label)
        bottom = QHBoxLayout()
        info = QVBoxLayout()
        info.addWidget(self.member_label)
        info.addWidget(self.status)
        bottom.addLayout(info, 1)
        bottom.addWidget(self.total)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.suggestions)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        layout.addWidget(keys)

        for key, slot in (("F4", self.edit_qty), ("Del", self.remove_line),
                          ("F5", self.line_discount), ("F6", self.cart_discount),
                          ("F7", self.choose_member), ("F8", self.hold), ("F9", self.recall),
                          ("F10", self.pay), ("F11", self.returns), ("F12", self.member_money),
                          ("Ctrl+P", self.reprint),
                          ("Ctrl+K", self.cash_in_out), ("Ctrl+X", self.x_report),
                          ("Ctrl+Z", self.close_shift)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.setFocusProxy(self.scan)
        self.cart = carts.open_cart(session.db, till=self.till.till)
        if self.cart.lines:
            self.say(_("Keranjang yang terbuka sebelum program berhenti sudah dipulihkan."))
        self._show()

    # --- the cart on screen ------------------------------------------------------------

    def say(self, text: str) -> None:
        self.status.setText(text)

    def _show(self, select: int | None = None) -> None:
        self.model.set_cart(self.cart)
        rows = len(self.cart.lines)
        if rows:
            self.table.selectRow(rows - 1 if select is None else min(select, rows - 1))
            self.table.scrollToBottom() if select is None else None
        self.total.setText(format_rupiah(self.cart.total))
        self.member_label.setText(_("Anggota: {name}").format(name=self.cart.member_label)
                                  if self.cart.member_label else _("Bukan anggota (F7 pilih)"))
        self.qty_label.setText("" if self.pending_qty == QTY_SCALE else
                               _("Jumlah berikut: {qty}").format(qty=format_qty(self.pending_qty)))

    def _change(self, new_cart: carts.Cart, select: int | None = None) -> None:
        """Every change is saved at once: a power cut loses nothing that was rung up."""
        carts.save_open_cart(self.session.db, till=self.till.till, user_id=self.session.user.id,
                             cart=new_cart)
        self.cart = new_cart
        self._show(select)

    def selected(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else len(self.cart.lines) - 1

    def _try(self, fn, *args):
        try:
            return fn(*args)
        except UserError as e:
            self.say(e.message)
            self.scan.selectAll()
            return None

    # --- scanning and searching ------------------------------------------------------------

    def _typed(self, text: str) -> None:
        if text.endswith("*"):
            number = text[:-1].strip()
            self.scan.clear()
            if not number:
                self.edit_qty()
                return
            try:
                self.pending_qty = parse_qty(number, field="qty")
            except UserError as e:
                self.say(e.message)
            self._show(self.selected())
            return
        self._timer.start()

    def _suggest(self) -> None:
        text = self.scan.text().strip()
        self.suggestions.clear()
        if len(text) < 2 or text.isdigit():
            self.suggestions.hide()
            return
        for row in search_products(self.session.db, text, limit=12):
            item = QListWidgetItem(f"{row.name}  ·  {format_rupiah(row.price)} / {row.base_unit}")
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.suggestions.addItem(item)
        self.suggestions.setVisible(self.suggestions.count() > 0)
        if self.suggestions.count():
            self.suggestions.setCurrentRow(0)

    def _pick_suggestion(self, item: QListWidgetItem) -> None:
        product_id = item.data(Qt.ItemDataRole.UserRole)
        new = self._try(lambda: carts.add_product(self.session.db, self.cart, product_id,
                                                  qty=self.pending_qty))
        self._after_add(new)

    def _after_add(self, new) -> None:
        self.scan.clear()
        self.suggestions.hide()
        self.scan.setFocus()
        if new is not None:
            self.pending_qty = QTY_SCALE
            self._change(new)
            line = new.lines[-1]
            # A program good over its quota (or without a member) is said at once, not
            # only when the customer is about to pay.
            self.say(self._quota_problem() or _("{name} {qty} — {amount}").format(
                name=line.name, qty=line.qty_text, amount=format_rupiah(line.amount)))

    def _quota_problem(self) -> str | None:
        return cart_quota_problem(self.session.db, self.cart)

    def enter(self) -> None:
        if self.suggestions.isVisible() and self.suggestions.currentItem() is not None:
            self._pick_suggestion(self.suggestions.currentItem())
            return
        code = self.scan.text().strip()
        if not code:
            if self.cart.lines:
                self.pay()
            return
        self._timer.stop()
        # The shop's scale prints weight or price labels, as the till settings say.
        layout = ScaleLayout(value_kind=self.till.scale_value_kind)
        new = self._try(lambda: carts.scan(self.session.db, self.cart, code,
                                           qty=self.pending_qty, layout=layout))
        if new is None:
            self.scan.selectAll()
            return
        self._after_add(new)

    def eventFilter(self, watched, event):  # noqa: N802 (Qt API)
        if (event.type() == QEvent.Type.ShortcutOverride and watched is self.scan
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier
                and event.key() in (Qt.Key.Key_X, Qt.Key.Key_Z)):
            # Ctrl+X and Ctrl+Z are the till's X/Z reports, not cut/undo in the scan field
            # (which claimed them, so the reports never opened while the cursor was there).
            event.ignore()
            return True
        if event.type() != QEvent.Type.KeyPress:
            return super().eventFilter(watched, event)
        key = event.key()
        if watched is self.scan:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.enter()
                return True
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                if self.suggestions.isVisible():
                    step = 1 if key == Qt.Key.Key_Down else -1
                    row = max(0, min(self.suggestions.count() - 1,
                                     self.suggestions.currentRow() + step))
                    self.suggestions.setCurrentRow(row)
                elif self.cart.lines:
                    step = 1 if key == Qt.Key.Key_Down else -1
                    row = max(0, min(len(self.cart.lines) - 1, self.selected() + step))
                    self.table.selectRow(row)
                return True
            if key == Qt.Key.Key_Escape:
                self.scan.clear()
                self.suggestions.hide()
                self.pending_qty = QTY_SCALE
                self._show(self.selected())
                return True
            if key == Qt.Key.Key_Delete and not self.scan.text():
                self.remove_line()
                return True
        return super().eventFilter(watched, event)

    # --- changing lines ----------------------------------------------------------------------

    def _ask(self, title: str, label: str, text: str = "") -> str | None:
        value, ok = QInputDialog.getText(self, title, label, text=text)
        self.scan.setFocus()
        return value if ok else None

    def edit_qty(self) -> None:
        if not self.cart.lines:
            return
        index = self.selected()
        line = self.cart.lines[index]
        text = self._ask(_("Ubah jumlah"), _("Jumlah {name} ({unit}):").format(
            name=line.name, unit=line.unit_name), format_qty(line.qty, grouped=False))
        if text is not None:
            new = self._try(carts.set_qty, self.cart, index, text)
            if new is not None:
                self._change(new, index)
                self.say(self._quota_problem() or "")

    def remove_line(self) -> None:
        if self.cart.lines:
            index = self.selected()
            self._change(carts.remove_line(self.cart, index), index)

    def line_discount(self) -> None:
        if not self.cart.lines:
            return
        index = self.selected()
        text = self._ask(_("Diskon baris"), _("Diskon untuk {name} (Rp):").format(
            name=self.cart.lines[index].name))
        if text is not None:
            new = self._try(carts.set_line_discount, self.cart, index, text)
            if new is not None:
                self._change(new, index)

    def cart_discount(self) -> None:
        if not self.cart.lines:
            return
        text = self._ask(_("Diskon total"), _("Diskon untuk seluruh belanja (Rp):"))
        if text is not None:
            new = self._try(carts.set_cart_discount, self.cart, text)
            if new is not None:
                self._change(new, self.selected())

    def choose_member(self) -> None:
        dialog = MemberDialog(self.session.db, self)
        result = dialog.exec()
        self.scan.setFocus()
        if result == 2:
            self._change(carts.set_member(self.cart, None), self.selected())
        elif result and dialog.member is not None:
            self._change(carts.set_member(self.cart, dialog.member), self.selected())
        else:
            return
        self.say(self._quota_problem() or "")

    # --- paying ------------------------------------------------------------------------------

    def _ensure_shift(self) -> bool:
        if open_shift_for(self.session.db, self.till.till) is not None:
            return True
        text = self._ask(_("Buka shift"), _("Belum ada shift terbuka. Modal awal laci (Rp):"),
                         "0")
        if text is None:
            return False
        try:
            shift = open_shift(self.session.db, user=self.session.user, till=self.till.till,
                               opening_float=text)
        except UserError as e:
            on_error(self, e)
            return False
        self.say(_("Shift {number} dibuka.").format(number=shift.number))
        return True

    def _qris_png(self) -> bytes | None:
        if not self.till.qris_static:
            return None
        import io

        import segno

        payload = dynamic_payload(self.till.qris_static, self.cart.total,
                                  self.cart.id.replace("-", "")[-12:].upper())
        self.qris_payload = payload
        out = io.BytesIO()
        segno.make(payload, error="m").save(out, kind="png", scale=6, border=4)
        return out.getvalue()

    def pay(self) -> None:
        if not self.cart.lines:
            return
        problem = self._quota_problem()
        if problem:  # the member (F7) or the quantity must change first
            self.say(problem)
            return
        if not self._ensure_shift():
            return
        member = get_member(self.session.db, self.cart.member_id) if self.cart.member_id else None
        try:
            qris = self._qris_png()
        except UserError as e:
            qris = None
            self.say(e.message)
        dialog = PaymentDialog(self.cart.total, member=member, qris_png=qris, parent=self,
                               print_qris=self._print_qris if qris else None)
        # A refused payment (bon above the limit, no QRIS reference) goes back to the dialog
        # with the reason and what was typed, instead of closing it.
        while dialog.exec():
            supervisor = None
            if self.cart.discounts > self.till.discount_limit:
                supervisor = ask_supervisor(
                    self.session, _("Diskon {amount} di atas batas {limit}.").format(
                        amount=format_rupiah(self.cart.discounts),
                        limit=format_rupiah(self.till.discount_limit)), self)
                if supervisor is False:
                    break
            try:
                result = complete_sale(self.session.db, user=self.session.user,
                                       till=self.till.till, cart=self.cart,
                                       payments=dialog.payments, supervisor=supervisor)
            except UserError as e:
                dialog.error.show_message(e.message)
                continue
            self._sold(result)
            return
        self.scan.setFocus()

    def _sold(self, result) -> None:
        # Committed: now (and only now) the receipt is printed and the drawer opened.
        self.last_sale_id = result.sale_id
        self.cart = carts.Cart()
        self._show()
        message = _("Struk {number} · Kembalian {change}").format(
            number=result.number, change=format_rupiah(result.change))
        self.total.setText(_("Kembalian {change}").format(change=format_rupiah(result.change)))
        self.say(message + self._print(result.sale_id, open_drawer=result.paid_cash))
        self.scan.setFocus()

    def _print(self, sale_id: str, *, open_drawer: bool = False, copy: bool = False) -> str:
        try:
            where = print_sale_receipt(receipt_for(self.session.db, sale_id, copy=copy),
                                       self.till, open_drawer=open_drawer)
        except UserError as e:
            return " · " + e.message
        return " · " + _("struk: {where}").format(where=where)

    def _print_qris(self) -> str:
        """A slip with the QRIS code, for a customer who scans from paper."""
        rows = qris_slip_rows(self.session.settings, self.qris_payload, self.cart.total,
                              self.till.paper_columns)
        return print_report(rows, self.till, "QRIS-" + self.cart.id[-12:])

    def reprint(self) -> None:
        if self.last_sale_id:
            self.say(_("Cetak ulang (SALINAN)") + self._print(self.last_sale_id, copy=True))

    # --- holding carts -------------------------------------------------------------------------

    def hold(self) -> None:
        held = self._try(lambda: carts.hold_cart(self.session.db, till=self.till.till,
                                                 user_id=self.session.user.id,
                                                 cart=self.cart) or True)
        if not held:
            return
        self.cart = carts.Cart()
        self._show()
        self.say(_("Keranjang ditahan. F9 untuk memanggilnya lagi."))

    def recall(self) -> None:
        held = carts.held_carts(self.session.db, till=self.till.till)
        if not held:
            self.say(_("Tidak ada keranjang yang ditahan."))
            return
        labels = [_("{n}. {label} {lines} baris · {total}").format(
            n=i, label=h.label, lines=h.lines, total=format_rupiah(h.total))
            for i, h in enumerate(held, start=1)]
        choice, ok = QInputDialog.getItem(self, _("Panggil keranjang"), _("Pilih keranjang:"),
                                          labels, 0, False)
        self.scan.setFocus()
        if not ok:
            return
        chosen = held[labels.index(choice)]
        self.cart = carts.recall_cart(self.session.db, till=self.till.till,
                                      user_id=self.session.user.id, held_id=chosen.id,
                                      current=self.cart)
        self._show()

    # --- returns and the shift (dialogs in till_shift.py) ------------------------------------

    def returns(self) -> None:
        from app.ui.till_shift import ReturnDialog

        if not self._ensure_shift():
            return
        dialog = ReturnDialog(self.session, self.till, self)
        if dialog.exec() and dialog.result_sale is not None:
            result = dialog.result_sale
            self.last_sale_id = result.sale_id
            self.say(_("{number}: dikembalikan {amount}").format(
                number=result.number, amount=format_rupiah(-result.total))
                + self._print(result.sale_id, open_drawer=result.paid_cash))
        self.scan.setFocus()

    def member_money(self) -> None:
        from app.ui.member_money_dialog import member_money_at_till

        if self._ensure_shift():
            member_money_at_till(self)

    def cash_in_out(self) -> None:
        from app.ui.till_shift import cash_in_out

        if self._ensure_shift():
            cash_in_out(self)

    def x_report(self) -> None:
        from app.ui.till_shift import show_report

        if open_shift_for(self.session.db, self.till.till):
            show_report(self, closing=False)

    def close_shift(self) -> None:
        from app.ui.till_shift import CloseShiftDialog

        if open_shift_for(self.session.db, self.till.till) is None:
            self.say(_("Tidak ada shift yang terbuka."))
            return
        if CloseShiftDialog(self).exec():
            self.say(_("Shift ditutup."))
            from app.ui.backup_jobs import backup_after_shift_close

            backup_after_shift_close(self)   # the shift stays closed whatever happens here
        self.scan.setFocus()

