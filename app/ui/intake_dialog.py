"""Nota titip: goods a producer (penitip) leaves on consignment, taken in by scanner.

Keys: F7 the consignor (type the first letters, Enter) · Enter in the scan field adds the
scanned or picked item (a second scan adds one) · ↓ to the lines: type in a cell to change
the quantity, the price to the producer (fixed terms), the batch code, the production and
expiry dates (dd-mm-yyyy), Tab the next cell · Del remove a line · F4 a new product ·
Ctrl+S post · Esc back to the scan field, then cancel. After posting, the intake slip can be
saved as a PDF to print and sign.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStyledItemDelegate,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.models import consignment_forms as forms
from app.models.consignment import post_intake
from app.models.consignors import Consignor, list_consignors, period_label
from app.models.errors import Problem, UserError, ValidationError
from app.models.money import QTY_SCALE, format_number, format_rupiah
from app.reports.consignment_pdf import write_intake_pdf
from app.ui.lists import shortcut
from app.ui.product_dialog import ProductDialog
from app.ui.purchase_lines import RIGHT, Column, LinesTable, tab_order
from app.ui.report_files import save_report
from app.ui.session import Session
from app.ui.stock_dialogs import ProductField
from app.ui.till_dialogs import big_label
from app.ui.widgets import ErrorForm, FieldError, key_button


def offer_slip(parent: QWidget, session: Session, title: str, done: str, writer,
               doc_id: str, file_name: str) -> None:
    """Say what was saved and offer its slip as a PDF (to print and have signed):
    ``writer(db, doc_id, path, printed_by=user)``."""
    if QMessageBox.question(parent, title, _("{done}\n\nSimpan slipnya sebagai PDF untuk"
                                             " dicetak?").format(done=done)
                            ) != QMessageBox.StandardButton.Yes:
        return
    user = session.user
    save_report(parent, session.db, title, file_name,
                lambda db, path, _fmt: writer(db, doc_id, path, printed_by=user))


def terms_text(consignor: Consignor) -> str:
    return f"{consignor.terms_text} · {period_label(consignor.period)}"


def intake_columns() -> list[Column]:
    return [Column("name", _("Barang"), 220), Column("qty", _("Jumlah"), 70, True),
            Column("unit", _("Satuan"), 60), Column("shop_price", _("Harga jual"), 90),
            Column("producer_price", _("Harga ke produsen"), 130, True),
            Column("batch_code", _("Kode batch"), 100, True),
            Column("produced_on", _("Tgl produksi"), 100, True),
            Column("expires_on", _("Kedaluwarsa"), 100, True),
            Column("owed", _("Untuk produsen (Rp)"), 130)]


class ScanField(ProductField):
    """A product field whose Enter adds the item and keeps the keyboard here for the next
    scan; ↓ goes down to the lines, Esc clears what was typed."""

    down = Signal()

    def eventFilter(self, watched, event):  # noqa: N802 (Qt API)
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            key, busy = event.key(), self.suggestions.isVisible()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self.edit.text().strip():
                    self.take()
                return True
            if key == Qt.Key.Key_Down and not busy:
                self.down.emit()
                return True
            if key == Qt.Key.Key_Escape and not busy and self.edit.text():
                self.clear()
                return True
        return super().eventFilter(watched, event)


class CellText(QStyledItemDelegate):
    """What is typed in a cell goes to ``edited(row, column, text)``, not to the table."""

    def __init__(self, table, edited):
        super().__init__(table)
        self.edited = edited

    def setModelData(self, editor, model, index):  # noqa: N802 (Qt API)
        self.edited(index.row(), index.column(), editor.text())


def commit_open_cell(table) -> None:
    """A cell still being typed in counts: its editor is closed and its text taken."""
    if table.state() == QAbstractItemView.State.EditingState:
        row, col = table.currentRow(), table.currentColumn()
        table.setCurrentCell(-1, -1)
        table.setCurrentCell(row, col)


def lines_table(columns: list[Column], edited) -> LinesTable:
    table = LinesTable(columns)
    table.setObjectName("lines")
    table.setHorizontalHeaderLabels([c.header for c in columns])
    table.verticalHeader().hide()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                          | QAbstractItemView.EditTrigger.DoubleClicked
                          | QAbstractItemView.EditTrigger.EditKeyPressed)
    table.setTabKeyNavigation(True)
    table.setWordWrap(False)
    table.setItemDelegate(CellText(table, edited))
    for i, c in enumerate(columns):
        table.setColumnWidth(i, c.width)
    # The column without a width (else the first) takes what the others leave.
    stretch = next((i for i, c in enumerate(columns) if not c.width), 0)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def set_cells(table, row: int, texts: list[str], editable: list[bool],
              right: tuple[int, ...] = ()) -> None:
    for col, text in enumerate(texts):
        item = table.item(row, col)
        if item is None:
            item = QTableWidgetItem()
            table.setItem(row, col, item)
        item.setText(text)
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        item.setFlags(flags | Qt.ItemFlag.ItemIsEditable if editable[col] else flags)
        if col in right:
            item.setTextAlignment(RIGHT)


class IntakeDialog(QDialog):
    def __init__(self, session: Session, consignor_id: str | None = None, parent=None):
        super().__init__(parent)
        self.session = session
        self.rows: tuple[forms.IntakeRow, ...] = ()
        self.intake_id: str | None = None
        self.number = ""
        self.setWindowTitle(_("Nota titip — barang titipan masuk"))
        self.resize(1180, 640)
        self.consignors = {c.id: c for c in list_consignors(session.db)}
        self.consignor = QComboBox()
        self.consignor.setObjectName("consignor")
        self.consignor.addItem(_("— pilih penitip (F7) —"), None)
        for c in self.consignors.values():
            self.consignor.addItem(_("{name} · {village}").format(name=c.name, village=c.village)
                                   if c.village else c.name, c.id)
        self.consignor.setCurrentIndex(max(self.consignor.findData(consignor_id), 0))
        self.consignor.currentIndexChanged.connect(self._consignor_changed)
        self.terms = QLabel()
        self.terms.setObjectName("terms")
        self.form = ErrorForm()
        top = QWidget()
        row = QHBoxLayout(top)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.consignor, 1)
        row.addWidget(self.terms, 1)
        self.form.add("consignor", _("Penitip"), top)

        self.scan = ScanField(session.db, "scan", _(
            "Scan barcode atau ketik nama barang, lalu Enter (↓ ke daftar barang)"))
        self.scan.picked.connect(self._picked)
        self.scan.down.connect(self.to_lines)
        self.columns = intake_columns()
        self.table = lines_table(self.columns, self.edited)
        self.table.leave.connect(self.focus_scan)
        self.table.remove.connect(self.remove_line)
        self.said = QLabel()
        self.said.setObjectName("lines_status")
        self.error = FieldError()
        self.error.setObjectName("lines_error")
        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.note.setPlaceholderText(_("catatan pada nota (boleh kosong)"))
        self.totals = big_label("", 16)
        self.totals.setObjectName("totals")
        self.totals.setAlignment(Qt.AlignmentFlag.AlignRight)

        new_product = key_button(_("Produk baru"), "F4", self, self.new_product)
        new_product.setVisible(session.can("product.edit"))
        post = key_button(_("Simpan nota"), "Ctrl+S", self, self.post)
        post.setObjectName("post")
        cancel = QPushButton(_("Batal (Esc)"))
        cancel.clicked.connect(self.reject)
        for button in (new_product, post, cancel):
            button.setAutoDefault(False)
        shortcut(self, "F7", self.focus_consignor)

        buttons = QHBoxLayout()
        buttons.addWidget(self.form.general, 1)
        buttons.addWidget(new_product)
        buttons.addStretch()
        buttons.addWidget(cancel)
        buttons.addWidget(post)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form.layout)
        layout.addWidget(self.scan)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.said)
        layout.addWidget(self.error)
        layout.addWidget(QLabel(_("Enter scan · ↓ ke daftar · ketik di sel untuk mengubah jumlah,"
                                  " harga, batch, tanggal (hh-bb-tttt) · Tab sel berikut · Del"
                                  " hapus baris · F4 produk baru · Esc kembali ke scan ·"
                                  " Ctrl+S simpan")))
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel(_("Catatan")))
        bottom.addWidget(self.note, 1)
        bottom.addWidget(self.totals, 1)
        layout.addLayout(bottom)
        layout.addLayout(buttons)
        tab_order(self.consignor, self.scan.edit, self.table, self.note, cancel, post)
        self._consignor_changed()
        (self.scan if self.consignor.currentData() else self.consignor).setFocus()

    # --- on screen --------------------------------------------------------------------------

    def chosen(self) -> Consignor | None:
        return self.consignors.get(self.consignor.currentData())

    def _consignor_changed(self) -> None:
        self.form.errors["consignor"].show_message(None)
        consignor = self.chosen()
        self.terms.setText(terms_text(consignor) if consignor else "")
        # The producer's price is typed under fixed terms and follows the price otherwise.
        fixed = consignor is None or consignor.terms == "fixed"
        self.editable = [c.editable and (c.key != "producer_price" or fixed)
                         for c in self.columns]
        self.table.editable = [i for i, on in enumerate(self.editable) if on]
        self.render()

    def render(self, touched: int = -1) -> None:
        consignor, table = self.chosen(), self.table
        table.blockSignals(True)
        table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            figures = forms.row_figures(consignor, row)
            typed_price = consignor is None or consignor.terms == "fixed"
            set_cells(table, r, [
                row.name, row.qty, row.unit, format_number(row.shop_price),
                row.producer_price if typed_price and figures.producer_price is None
                else format_number(figures.producer_price),
                row.batch_code, row.produced_on, row.expires_on,
                "" if figures.owed is None else format_number(figures.owed)],
                self.editable, right=(1, 3, 4, 8))
        table.blockSignals(False)
        if 0 <= touched < len(self.rows):
            table.setCurrentCell(touched, table.editable[0])
        totals = forms.intake_totals(consignor, self.rows)
        self.totals.setText(_("{n} baris · nilai jual {shop} · untuk produsen {owed}").format(
            n=totals.lines, shop=format_rupiah(totals.shop_value),
            owed=format_rupiah(totals.owed)))

    def focus_scan(self) -> None:
        self.scan.edit.setFocus()
        self.scan.edit.selectAll()

    def focus_consignor(self) -> None:
        self.consignor.setFocus()

    def to_lines(self) -> None:
        if not self.rows:
            return
        self.table.setFocus()
        row = self.table.currentRow()
        self.table.setCurrentCell(row if 0 <= row < len(self.rows) else 0,
                                  self.table.editable[0])

    def keyPressEvent(self, event):  # noqa: N802 (Qt API)
        """Enter never posts (a scanner sends one after every code): it moves on."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.consignor.hasFocus():
                self.focus_scan()
            elif self.note.hasFocus():
                self.focusNextChild()
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        if self.rows and QMessageBox.question(
                self, self.windowTitle(),
                _("Tutup tanpa menyimpan? Barang yang sudah dicatat di nota ini tidak disimpan.")
        ) != QMessageBox.StandardButton.Yes:
            return
        super().reject()

    # --- lines ------------------------------------------------------------------------------

    def _need_consignor(self) -> bool:
        if self.consignor.currentData():
            return True
        self.form.errors["consignor"].show_message(_("Pilih penitip dulu."))
        self.consignor.setFocus()
        return False

    def _picked(self, product) -> None:
        unit = self.scan.unit
        self.scan.clear()
        if self._need_consignor():
            self.add(product.id, unit.factor if unit else QTY_SCALE)

    def add(self, product_id: str, qty: int) -> None:
        try:
            self.rows, touched = forms.add_product(self.session.db, self.rows,
                                                   self.consignor.currentData(), product_id, qty)
        except UserError as e:
            self.error.show_message(e.message)
            self.focus_scan()
            return
        self.error.show_message(None)
        self.render(touched)
        row = self.rows[touched]
        self.said.setText(_("{name}: {qty} {unit}").format(name=row.name, qty=row.qty,
                                                          unit=row.unit))
        self.focus_scan()

    def edited(self, row: int, col: int, text: str) -> None:
        key = self.columns[col].key
        if not 0 <= row < len(self.rows) or getattr(self.rows[row], key) == text.strip():
            return
        rows = list(self.rows)
        rows[row] = replace(rows[row], **{key: text.strip()})
        self.rows = tuple(rows)
        self.render()
        problem = forms.row_problem(self.session.db, self.consignor.currentData(), self.rows,
                                    row)
        self.error.show_message(_("Baris {n}: {problem}").format(n=row + 1,
                                                                  problem=problem.message)
                                if problem else None)

    def remove_line(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.rows):
            return
        self.rows = self.rows[:row] + self.rows[row + 1:]
        self.render()
        if not self.rows:
            self.focus_scan()

    def new_product(self) -> None:
        """A producer's new item made on the spot (with no opening stock: consigned goods
        are the producer's, counted in by this nota)."""
        if not self._need_consignor():
            return
        dialog = ProductDialog(self.session, None, self)
        dialog.form.layout.setRowVisible(dialog.fields["opening_stock"].parentWidget(), False)
        if dialog.exec() and dialog.saved is not None:
            self.add(dialog.saved.id, QTY_SCALE)
        self.activateWindow()
        self.focus_scan()

    # --- posting ----------------------------------------------------------------------------

    def _refused(self, error: UserError) -> None:
        if error.field == "consignor":
            self.form.show([Problem("consignor", error.message)])
            self.consignor.setFocus()
            return
        self.error.show_message(error.message)
        problems = error.problems if isinstance(error, ValidationError) else [
            Problem(error.field or "", error.message)]
        first = problems[0]
        row = first.row
        if row is None and first.field.startswith("lines."):
            row = int(first.field.split(".")[1])
        if row is None or not 0 < row <= len(self.rows):
            return
        col = next((i for i, c in enumerate(self.columns) if c.key == first.field),
                   self.table.editable[0])
        self.table.setFocus()
        self.table.setCurrentCell(row - 1, col)

    def post(self) -> None:
        commit_open_cell(self.table)
        self.form.clear()
        self.error.show_message(None)
        db, consignor_id = self.session.db, self.consignor.currentData()
        try:
            lines = forms.intake_lines(db, consignor_id, self.rows)
            self.intake_id = post_intake(db, user=self.session.user, consignor_id=consignor_id,
                                         lines=lines, note=self.note.text())
        except UserError as e:
            self._refused(e)
            return
        self.number = forms.document_number(db, "intake", self.intake_id)
        totals = forms.intake_totals(self.chosen(), self.rows)
        offer_slip(self, self.session, _("Nota titip tersimpan"), _(
            "Nota titip {number} dari {name} tersimpan: {n} baris, untuk produsen {owed} bila"
            " terjual semua.").format(number=self.number, name=self.chosen().name,
                                       n=totals.lines, owed=format_rupiah(totals.owed)),
            write_intake_pdf, self.intake_id, f"{self.number}.pdf")
        super().accept()
