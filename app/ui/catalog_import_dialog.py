"""Importing a catalog file: what the file holds and every problem, before anything is saved."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.models.catalog_file import (
    CatalogPreview,
    export_catalog,
    format_problem,
    import_catalog,
    read_catalog,
)
from app.models.errors import UserError, ValidationError
from app.models.money import format_qty, format_rupiah
from app.ui.errors import on_error
from app.ui.session import Session
from app.ui.widgets import key_button

FILE_FILTER = "CSV / Excel (*.csv *.xlsx)"


class _Busy:
    """The wait cursor while a file is read or written."""

    def __enter__(self):
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)

    def __exit__(self, *exc):
        QGuiApplication.restoreOverrideCursor()


class CatalogImportDialog(QDialog):
    """The preview of a catalog file; F10 imports it all, or nothing when it has problems."""

    def __init__(self, session: Session, path: Path, preview: CatalogPreview,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.session, self.path, self.preview = session, path, preview
        self.imported = 0
        self.setWindowTitle(_("Impor katalog: {name}").format(name=preview.name))
        self.resize(900, 560)
        summary = QLabel(_(
            "{rows} produk, {packs} kemasan, {codes} barcode; {stocked} dengan stok awal senilai"
            " {value}.").format(rows=len(preview.rows), packs=preview.unit_count,
                                codes=preview.barcode_count, stocked=preview.stocked_count,
                                value=format_rupiah(preview.stock_value)))
        summary.setObjectName("summary")
        summary.setWordWrap(True)
        self.table = QTableWidget(len(preview.first_rows), 5, self)
        self.table.setObjectName("rows")
        self.table.setHorizontalHeaderLabels(
            [_("Baris"), _("Nama"), _("Satuan"), _("Harga"), _("Stok awal")])
        for n, row in enumerate(preview.first_rows):
            item = row.item
            for column, text in enumerate((str(row.row), item.name, item.base_unit,
                                           format_rupiah(item.price),
                                           format_qty(item.opening_stock))):
                cell = QTableWidgetItem(text)
                if column in (0, 3, 4):
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(n, column, cell)
        self.table.setColumnWidth(1, 380)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.problems = QPlainTextEdit(self)
        self.problems.setObjectName("problems")
        self.problems.setReadOnly(True)
        self.problems.setPlainText("\n".join(format_problem(p) for p in preview.problems))
        self.problems.setVisible(bool(preview.problems))
        verdict = QLabel(
            _("Berkas siap diimpor. Tekan F10 untuk menyimpan semuanya.") if preview.ok else
            _("{n} masalah di {rows} baris: tidak ada yang disimpan. Perbaiki berkasnya lalu"
              " impor lagi.").format(n=len(preview.problems), rows=preview.problem_rows))
        verdict.setObjectName("verdict")
        verdict.setWordWrap(True)
        self.import_button = key_button(_("Impor semua"), "F10", self, self.run_import)
        self.import_button.setEnabled(preview.ok and bool(preview.rows))
        close = key_button(_("Tutup"), "Esc", self, self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.table, 2)
        layout.addWidget(self.problems, 1)
        layout.addWidget(verdict)
        layout.addLayout(buttons)

    def run_import(self) -> None:
        try:
            with _Busy():
                done = import_catalog(self.session.db, user=self.session.user, path=self.path)
        except ValidationError as e:
            self.problems.setPlainText("\n".join(format_problem(p) for p in e.problems))
            self.problems.setVisible(True)
            self.import_button.setEnabled(False)
            return
        except Exception as e:  # noqa: BLE001 - shown to the person, logged if unexpected
            on_error(self, e)
            return
        self.imported = len(done.rows)
        QMessageBox.information(self, _("Impor katalog"), _("{n} produk diimpor.").format(
            n=self.imported))
        self.accept()


def import_from_file(session: Session, parent: QWidget) -> int:
    """Ask for a file, show its preview, import on F10; the number of products added."""
    name, _filter = QFileDialog.getOpenFileName(parent, _("Impor katalog"), "", FILE_FILTER)
    if not name:
        return 0
    try:
        with _Busy():
            preview = read_catalog(name, session.db)
    except UserError as e:
        on_error(parent, e)
        return 0
    dialog = CatalogImportDialog(session, Path(name), preview, parent)
    dialog.exec()
    return dialog.imported


def export_to_file(session: Session, parent: QWidget) -> None:
    name, _filter = QFileDialog.getSaveFileName(parent, _("Ekspor katalog"), "katalog.xlsx",
                                                FILE_FILTER)
    if not name:
        return
    try:
        with _Busy():
            count = export_catalog(session.db, name)
    except Exception as e:  # noqa: BLE001
        on_error(parent, e)
        return
    QMessageBox.information(parent, _("Ekspor katalog"), _("{n} produk ditulis ke {path}.")
                            .format(n=count, path=name))
