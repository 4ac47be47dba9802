"""The catalog screen: search-as-you-type over the whole catalog, add, edit, archive."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _, ngettext
from app.models.errors import UserError
from app.models.products import find_by_barcode, get_product, set_archived
from app.ui.catalog_import_dialog import export_to_file, import_from_file
from app.ui.compliance_dialog import ComplianceDialog
from app.ui.errors import on_error
from app.ui.product_dialog import ProductDialog
from app.ui.product_model import ProductTableModel
from app.ui.session import Session
from app.ui.widgets import key_button

SEARCH_DELAY_MS = 120


def _is_typing(event) -> bool:
    text = event.text()
    shortcut = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    return (bool(text) and text.isprintable() and not text.isspace()
            and not event.modifiers() & shortcut)


class ProductsScreen(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.model = ProductTableModel(session.db, self)

        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(_("Ketik nama, merek atau scan barcode (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.installEventFilter(self)
        self.show_archived = QCheckBox(_("Tampilkan arsip (F9)"))
        self.count_label = QLabel()
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.apply_search)
        self.search.textChanged.connect(lambda _text: self._timer.start())
        self.search.returnPressed.connect(self.search_entered)
        self.show_archived.toggled.connect(lambda _on: self.apply_search())

        self.table = QTableView()
        self.table.setObjectName("products")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((330, 130, 140, 70, 100, 90, 90, 150)):
            self.table.setColumnWidth(column, width)
        header.setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.installEventFilter(self)

        self.add_button = key_button(_("Tambah"), "F2", self, self.add_product)
        self.edit_button = key_button(_("Ubah"), "F4", self, self.edit_selected)
        self.archive_button = key_button(_("Arsipkan / pulihkan"), "F8", self,
                                         self.toggle_archived)
        self.import_button = key_button(_("Impor"), "F6", self, self.import_file)
        self.export_button = key_button(_("Ekspor"), "F7", self,
                                        lambda: export_to_file(self.session, self))
        self.compliance_button = key_button(_("Kelengkapan izin"), "F10", self,
                                            self.edit_compliance)
        can_edit = session.can("product.edit")
        for button in (self.add_button, self.edit_button, self.import_button,
                       self.export_button, self.compliance_button):
            button.setVisible(can_edit)
        self.archive_button.setVisible(session.can("product.archive"))
        for key, slot in (("Ctrl+F", self.focus_search), ("F3", self.focus_search),
                          ("F9", self.show_archived.toggle)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.show_archived)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        for button in (self.add_button, self.edit_button, self.archive_button,
                       self.import_button, self.export_button, self.compliance_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._update_count()
        self.setFocusProxy(self.search)

    # --- searching --------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def apply_search(self) -> None:
        self._timer.stop()
        self.model.set_filter(self.search.text(), self.show_archived.isChecked())
        self._update_count()
        if self.model.rowCount():
            self.table.selectRow(0)

    def search_entered(self) -> None:
        """Enter in the search field (or a scanner's Enter): go to the scanned product or the
        first hit."""
        self.apply_search()
        hit = find_by_barcode(self.session.db, self.search.text())
        row = 0
        if hit is not None:
            row = self._row_of(hit.product.id)
            if row is None:
                self._set_search_text(hit.product.name)
                self.apply_search()
                row = self._row_of(hit.product.id)
            if row is None:
                # Archived and the archive is hidden: never leave another product selected.
                self.table.selectionModel().clear()
                self.focus_search()
                return
        if self.model.rowCount():
            self.table.setFocus()
            self.table.selectRow(row)

    def _row_of(self, product_id: str) -> int | None:
        if self.model.rowCount():
            self.model.row(0)  # a search has just reset the pages; its best hits are on the first
        return self.model.row_of(product_id)

    def _set_search_text(self, text: str) -> None:
        """Change the search without the typing delay starting a second search."""
        self.search.blockSignals(True)
        self.search.setText(text)
        self.search.blockSignals(False)

    def _update_count(self) -> None:
        n = self.model.rowCount()
        self.count_label.setText(ngettext("{n} produk", "{n} produk", n).format(n=n))

    def eventFilter(self, watched, event):  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if watched is self.search and key == Qt.Key.Key_Down and self.model.rowCount():
                self.table.setFocus()
                if not self.table.selectionModel().hasSelection():
                    self.table.selectRow(0)
                return True
            if watched is self.search and key == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()
                return True
            if watched is self.table and _is_typing(event):
                # Typing (or the next scan) in the table starts a new search, so a scanner's
                # Enter never opens the product selected before.
                self.search.setFocus()
                self.search.setText(event.text())
                return True
            if watched is self.table and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.edit_selected()
                return True
            if watched is self.table and key == Qt.Key.Key_Up and self.table.currentIndex().row() <= 0:
                self.focus_search()
                return True
        return super().eventFilter(watched, event)

    # --- editing ----------------------------------------------------------------------

    def selected_id(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.data(index.siblingAtColumn(0), Qt.ItemDataRole.UserRole)

    def add_product(self) -> None:
        self._open_dialog(None)

    def edit_selected(self) -> None:
        product_id = self.selected_id()
        if product_id is None or not self.session.can("product.edit"):
            return
        self._open_dialog(get_product(self.session.db, product_id))

    def _open_dialog(self, product) -> None:
        dialog = ProductDialog(self.session, product, self)
        if dialog.exec() and dialog.saved:
            self._reselect(dialog.saved.id, dialog.saved.name)

    def _reselect(self, product_id: str, name: str) -> None:
        before = self.model.row_of(product_id)
        self.apply_search()
        if before is not None:
            self.model.row(before)  # reload the page it was on: a saved product seldom moves far
        row = self._row_of(product_id)
        if row is None:
            self._set_search_text(name)
            self.apply_search()
            row = self._row_of(product_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        self.table.setFocus()

    def edit_compliance(self) -> None:
        """F10: the selected product's papers for retail partners (kelengkapan izin)."""
        product_id = self.selected_id()
        if product_id is None or not self.session.can("product.edit"):
            return
        product = get_product(self.session.db, product_id)
        if ComplianceDialog(self.session, product, self).exec():
            self._reselect(product.id, product.name)

    def import_file(self) -> None:
        if import_from_file(self.session, self):
            self.apply_search()

    def toggle_archived(self) -> None:
        product_id = self.selected_id()
        if product_id is None:
            return
        try:
            product = get_product(self.session.db, product_id)
            question = (_("Pulihkan {name} agar bisa dijual lagi?") if product.archived
                        else _("Arsipkan {name}? Produk tidak akan muncul di kasir dan pencarian;"
                               " riwayatnya tetap tersimpan.")).format(name=product.name)
            if QMessageBox.question(self, _("Arsip produk"), question) != QMessageBox.StandardButton.Yes:
                return
            set_archived(self.session.db, user=self.session.user, product_id=product_id,
                         archived=not product.archived)
        except UserError as e:
            on_error(self, e)
            return
        self.apply_search()
