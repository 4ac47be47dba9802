"""Stok: the stock count (stok opname) by scanner, write-offs and break bulk, the stock card,
and the lists (near expiry, low stock, valuation). Tabs Alt+1 … Alt+6, each with its keys on
its buttons; what a person sees follows their permissions.

The count, keys: Enter scan (one of the unit scanned) or pick by name (asks how many) ·
3* then scan: that many · * or F4 quantity of the selected line · ↑↓ lines ·
F2 new count · F6 only variances · F8 cancel the count · F10 post (a manager's PIN).
The till may keep selling meanwhile: each line keeps the books of the moment it was counted.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _, ngettext
from app.models.clock import format_local
from app.models.errors import UserError
from app.models.money import format_qty, format_rupiah, parse_qty
from app.models.product_search import search_products
from app.models.products import find_by_barcode
from app.models.stock_count import (
    CountLine,
    StockCount,
    cancel_count,
    count_item,
    count_lines,
    count_scan,
    list_counts,
    post_count,
    scope_label,
)
from app.models.stock_entry import count_scan_qty
from app.ui.lists import shortcut
from app.ui.session import Session
from app.ui.stock_count_model import CountLinesModel, signed_qty
from app.ui.stock_dialogs import OpenCountDialog, ask_manager
from app.ui.stock_pages import BulkPage, ExpiryPage, LowStockPage, StockCardPage, ValuationPage
from app.ui.widgets import key_button, scan_side_table


class CountPage(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.counts: list[StockCount] = []
        self.pending_qty: int | None = None
        self.model = CountLinesModel(self)

        self.choice = QComboBox()
        self.choice.setObjectName("open_counts")
        self.choice.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.choice.currentIndexChanged.connect(lambda _i: self._load_lines())
        self.scan = QLineEdit()
        self.scan.setObjectName("count_scan")
        font = QFont()
        font.setPointSize(15)
        self.scan.setFont(font)
        self.scan.setPlaceholderText(_("Scan barcode atau ketik nama barang, lalu Enter"))
        self.scan.installEventFilter(self)
        self.scan.textEdited.connect(self._typed)
        self.qty_label = QLabel()
        self.qty_label.setObjectName("count_pending")

        self.table = QTableView()
        self.table.setObjectName("count_lines")
        self.table.setModel(self.model)
        scan_side_table(self.table, (0, 80, 120, 120, 110, 150), stretch=0, row_height=26)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.doubleClicked.connect(lambda _i: self.edit_qty())

        self.only_variances = QCheckBox(_("Hanya yang selisih (F6)"))
        self.only_variances.setObjectName("only_variances")
        self.only_variances.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.only_variances.toggled.connect(self._filter)
        self.progress = QLabel()
        self.progress.setObjectName("count_progress")
        self.status = QLabel()
        self.status.setObjectName("count_status")
        self.status.setWordWrap(True)
        self.status.setFixedHeight(2 * self.status.fontMetrics().lineSpacing() + 4)

        self.new_button = key_button(_("Stok opname baru"), "F2", self, self.new_count)
        self.qty_button = key_button(_("Ubah jumlah"), "F4", self, self.edit_qty)
        self.cancel_button = key_button(_("Batalkan stok opname"), "F8", self, self.cancel)
        self.post_button = key_button(_("Posting"), "F10", self, self.post)
        shortcut(self, "F6", self.only_variances.toggle)

        top = QHBoxLayout()
        top.addWidget(QLabel(_("Stok opname")))
        top.addWidget(self.choice, 1)
        top.addWidget(self.new_button)
        entry = QHBoxLayout()
        entry.addWidget(self.scan, 1)
        entry.addWidget(self.qty_label)
        middle = QHBoxLayout()
        middle.addWidget(self.progress, 1)
        middle.addWidget(self.only_variances)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        for button in (self.qty_button, self.cancel_button, self.post_button):
            buttons.addWidget(button)
        keys = QLabel(_("Enter scan (tambah 1) · 3* lalu scan: jumlahnya 3 · nama + Enter: isi"
                        " jumlah · * atau F4 ubah jumlah baris · ↑↓ baris · F6 hanya selisih ·"
                        " F8 batalkan · F10 posting"))
        keys.setWordWrap(True)
        keys.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(entry)
        layout.addWidget(self.table, 1)
        layout.addLayout(middle)
        layout.addLayout(buttons)
        layout.addWidget(keys)
        self.setFocusProxy(self.scan)

    # --- which count --------------------------------------------------------------------

    @property
    def current(self) -> StockCount | None:
        return self.choice.currentData()

    def refresh(self, select: str | None = None) -> None:
        """Read the open counts again (another person may have opened or posted one)."""
        keep = select or (self.current.id if self.current else None)
        self.counts = [c for c in list_counts(self.session.db) if c.status == "open"]
        zone = self.session.settings.zone
        self.choice.blockSignals(True)
        self.choice.clear()
        for count in self.counts:
            self.choice.addItem(_("{number} · {scope} · dibuka {when}").format(
                number=count.number, scope=scope_label(count.scope, count.scope_value),
                when=format_local(count.opened_at, zone)), count)
        index = next((i for i, c in enumerate(self.counts) if c.id == keep), 0)
        self.choice.setCurrentIndex(index if self.counts else -1)
        self.choice.blockSignals(False)
        self._load_lines()

    def _load_lines(self) -> None:
        count = self.current
        self.model.set_lines(count_lines(self.session.db, count.id) if count else [])
        # The scan field stays usable: it keeps the keyboard (and so F2) in this page.
        for widget in (self.qty_button, self.cancel_button, self.post_button):
            widget.setEnabled(count is not None)
        if count is None:
            self.say(_("Tidak ada stok opname yang terbuka. F2 untuk memulai."))
        self._show_progress()
        self.scan.setFocus()

    def _show_progress(self) -> None:
        lines = self.model.lines
        counted = sum(1 for line in lines if line.counted)
        self.progress.setText(ngettext("{counted} dari {n} produk dihitung",
                                       "{counted} dari {n} produk dihitung", len(lines))
                              .format(counted=counted, n=len(lines)) if self.current else "")

    def _filter(self, on: bool) -> None:
        self.model.set_only_variances(on)
        self.scan.setFocus()

    def say(self, text: str) -> None:
        self.status.setText(text)

    def _back(self) -> None:
        """After a dialog: the keyboard back in the scan field (and this window active, which
        a desktop without a window manager does not do by itself)."""
        self.activateWindow()
        self.scan.setFocus()

    def new_count(self) -> None:
        dialog = OpenCountDialog(self.session, self)
        if dialog.exec() and dialog.opened is not None:
            self.refresh(select=dialog.opened.id)
            self.say(_("Stok opname {number} dimulai: {scope}.").format(
                number=dialog.opened.number,
                scope=scope_label(dialog.opened.scope, dialog.opened.scope_value)))
        self._back()

    # --- counting ---------------------------------------------------------------------------

    def _typed(self, text: str) -> None:
        """``3*``: the next scan (or name) counts 3; ``*`` alone changes the selected line."""
        if not text.endswith("*"):
            return
        number = text[:-1].strip()
        self.scan.clear()
        if not number:
            self.edit_qty()
            return
        try:
            self.pending_qty = parse_qty(number, field="qty", allow_zero=True)
        except UserError as e:
            self.say(e.message)
            return
        self.qty_label.setText(_("Jumlah berikut: {qty}").format(qty=format_qty(self.pending_qty)))

    def _clear_pending(self) -> None:
        self.pending_qty = None
        self.qty_label.setText("")

    def enter(self) -> None:
        code = self.scan.text().strip()
        count = self.current
        if count is None:
            self.say(_("Tidak ada stok opname yang terbuka. F2 untuk memulai."))
            return
        if not code:
            return
        db, user = self.session.db, self.session.user
        try:
            if find_by_barcode(db, code) is None and not code.isdigit():
                self._by_name(count, code)
                return
            if self.pending_qty is None:
                line = count_scan(db, user=user, count_id=count.id, code=code)
            else:
                line = count_scan_qty(db, user=user, count_id=count.id, code=code,
                                      qty=self.pending_qty)
        except UserError as e:
            self.say(e.message)
            self.scan.selectAll()
            return
        self._counted(line)

    def _by_name(self, count: StockCount, text: str) -> None:
        """A product without a barcode (loose rice, eggs): picked by name, then how many."""
        hits = search_products(self.session.db, text, limit=1)
        if not hits:
            self.say(_("Tidak ada barang bernama {text}.").format(text=text[:40]))
            self.scan.selectAll()
            return
        self._set_qty(count, hits[0].id, hits[0].name, hits[0].base_unit, self.pending_qty)

    def _set_qty(self, count: StockCount, product_id: str, name: str, unit: str,
                 qty: int | None, current: int | None = None) -> None:
        if qty is None:
            text, ok = QInputDialog.getText(
                self, _("Jumlah hitungan"), _("Jumlah {name} di rak ({unit}):").format(
                    name=name, unit=unit),
                text="" if current is None else format_qty(current, grouped=False))
            self._back()
            if not ok:
                return
            qty = text
        try:
            line = count_item(self.session.db, user=self.session.user, count_id=count.id,
                              product_id=product_id, qty=qty, mode="set")
        except UserError as e:
            self.say(e.message)
            return
        self._counted(line)

    def _counted(self, line: CountLine) -> None:
        self.scan.clear()
        self._clear_pending()
        row = self.model.put(line)
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        self._show_progress()
        self.say(_("{name}: dihitung {counted}, buku {book}, selisih {variance}").format(
            name=line.name, counted=format_qty(line.counted_qty, line.unit),
            book=format_qty(line.counted_book_qty, line.unit),
            variance=signed_qty(line.variance_qty)))
        self.scan.setFocus()

    def selected(self) -> CountLine | None:
        index = self.table.currentIndex()
        return self.model.line(index.row()) if index.isValid() else None

    def edit_qty(self) -> None:
        line, count = self.selected(), self.current
        if line is None or count is None:
            return
        self._set_qty(count, line.product_id, line.name, line.unit, self.pending_qty,
                      line.counted_qty)

    def eventFilter(self, watched, event):  # noqa: N802 (Qt API)
        if watched is self.scan and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.enter()
                return True
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
                self._move(key)
                return True
            if key == Qt.Key.Key_Escape:
                self.scan.clear()
                self._clear_pending()
                return True
        return super().eventFilter(watched, event)

    def _move(self, key) -> None:
        rows = self.model.rowCount()
        if not rows:
            return
        page = max(self.table.viewport().height() // self.table.verticalHeader()
                   .defaultSectionSize(), 1)
        step = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_PageUp: -page,
                Qt.Key.Key_PageDown: page}[key]
        current = self.table.currentIndex().row() if self.table.currentIndex().isValid() else -1
        row = max(0, min(rows - 1, current + step))
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))

    # --- posting and cancelling -------------------------------------------------------------

    def post(self) -> None:
        count = self.current
        if count is None:
            return
        counted = sum(1 for line in self.model.lines if line.counted)
        why = ngettext("Posting stok opname {number}: {n} produk dihitung. Selisihnya menjadi"
                       " koreksi stok; produk yang tidak dihitung tidak diubah.",
                       "Posting stok opname {number}: {n} produk dihitung. Selisihnya menjadi"
                       " koreksi stok; produk yang tidak dihitung tidak diubah.",
                       counted).format(number=count.number, n=counted)
        if self.session.can("stock.adjust"):
            answer = QMessageBox.question(self, _("Posting stok opname"), why)
            if answer != QMessageBox.StandardButton.Yes:
                self._back()
                return
        approver = ask_manager(self.session, why, self)
        self._back()
        if approver is None:
            self.say(_("Posting dibatalkan: belum disetujui manajer."))
            return
        try:
            posted = post_count(self.session.db, user=self.session.user, count_id=count.id,
                                approver=approver)
        except UserError as e:
            self.say(e.message)
            return
        text = _("Stok opname {number} diposting: {summary} Nilai stok berubah {value}.").format(
            number=posted.number, summary=posted.summary,
            value=format_rupiah(posted.variance_value))
        QMessageBox.information(self, _("Stok opname diposting"), text)
        self._back()
        self.refresh()
        self.say(text)

    def cancel(self) -> None:
        count = self.current
        if count is None:
            return
        reason, ok = QInputDialog.getText(
            self, _("Batalkan stok opname"),
            _("Alasan membatalkan {number} (stok tidak diubah):").format(number=count.number))
        self._back()
        if not ok:
            return
        try:
            cancel_count(self.session.db, user=self.session.user, count_id=count.id,
                         reason=reason)
        except UserError as e:
            self.say(e.message)
            return
        self.refresh()
        self.say(_("Stok opname {number} dibatalkan.").format(number=count.number))


class StockScreen(QTabWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("stock")
        reports = session.can("report.stock")
        pages = [
            ("count", _("Stok opname"), CountPage, session.can("stock.count")),
            ("bulk", _("Rusak && kemasan"), BulkPage,
             session.can("stock.handle") or session.can("stock.adjust")),
            ("card", _("Kartu stok"), StockCardPage, reports),
            ("expiry", _("Kedaluwarsa"), ExpiryPage, reports),
            ("low", _("Stok menipis"), LowStockPage, reports),
            ("valuation", _("Nilai persediaan"), ValuationPage, reports),
        ]
        self.pages: dict[str, QWidget] = {}
        shown = [(key, label, page) for key, label, page, allowed in pages if allowed]
        for number, (key, label, page) in enumerate(shown, start=1):
            self.pages[key] = page(session)
            self.addTab(self.pages[key], f"{label}  (Alt+{number})")
            shortcut(self, f"Alt+{number}", lambda i=number - 1: self.go_to(i))
        self.currentChanged.connect(self._shown)
        if self.count():
            self.setFocusProxy(self.widget(0))

    def showEvent(self, event):  # noqa: N802 (Qt API)
        """Coming back to Stok (Ctrl+number) reads the shop again: the till sold meanwhile."""
        super().showEvent(event)
        self._shown(self.currentIndex())

    def go_to(self, index: int) -> None:
        if self.currentIndex() == index:
            self._shown(index)
        else:
            self.setCurrentIndex(index)

    def page(self, key: str) -> QWidget:
        """That tab, shown (and read again)."""
        self.go_to(self.indexOf(self.pages[key]))
        return self.pages[key]

    def _shown(self, index: int) -> None:
        """Each time a tab is shown it reads the shop again (the till sells meanwhile)."""
        if index < 0:
            return
        page = self.widget(index)
        page.refresh()
        self.setFocusProxy(page)
        page.setFocus()
