"""Rekonsiliasi bank: the treasurer picks the bank's statement (the CSV the internet banking
exports), the period, and sees in three tabs what matched the books, what is only at the
bank and what is only in the books; then saves the report to print or send.

Reading the statement and matching it run off the GUI thread (``run_operation``: a busy bar
with Cancel); saving goes through ``report_files.save_report`` like every other report. By
keys: F3 picks the file, F5 matches, Ctrl+S saves, Esc closes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.models.bank_recon import Reconciliation, parse_statement, reconcile
from app.models.clock import day_text, parse_day
from app.models.errors import UserError
from app.models.users import require
from app.reports.bank_recon_report import recon_tables, summary, write_bank_recon
from app.ui.errors import on_error
from app.ui.operations import run_operation
from app.ui.report_files import save_report
from app.ui.report_view import ReportPanel
from app.ui.session import Session
from app.ui.stock_pages import status_label, today
from app.ui.widgets import FieldError, key_button

STATEMENT_FILTER = "CSV (*.csv *.txt);;*"


class BankReconDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.result: Reconciliation | None = None
        self.setWindowTitle(_("Rekonsiliasi bank"))
        self.resize(1100, 640)

        self.statement = QLineEdit()
        self.statement.setObjectName("statement")
        self.statement.setPlaceholderText(_("Berkas CSV mutasi rekening dari internet banking"))
        self.choose_button = key_button(_("Pilih…"), "F3", self, self.choose_file)
        last = today(session)
        self.date_from = self._day_field("date_from", last.replace(day=1))
        self.date_to = self._day_field("date_to", last)
        self.errors = {name: FieldError() for name in ("statement", "date_from", "date_to")}
        self.match_button = key_button(_("Cocokkan"), "F5", self, self.match)
        self.match_button.setObjectName("match")
        self.save_button = key_button(_("Simpan laporan…"), "Ctrl+S", self, self.save)
        self.save_button.setObjectName("save")
        self.save_button.setEnabled(False)
        close = key_button(_("Tutup"), "Esc", self, self.reject)

        file_row = QHBoxLayout()
        file_row.addWidget(self.statement, 1)
        file_row.addWidget(self.choose_button)
        form = QFormLayout()
        form.addRow(_("Mutasi rekening"), self._with_error(file_row, "statement"))
        form.addRow(_("Dari tanggal"), self._with_error(self.date_from, "date_from"))
        form.addRow(_("Sampai tanggal"), self._with_error(self.date_to, "date_to"))
        self.summary = status_label("summary")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("lists")
        self.panels = [ReportPanel(name) for name in ("matched", "only_bank", "only_books")]
        for panel in self.panels:
            self.tabs.addTab(panel, "")
        self._name_tabs(None)
        buttons = QHBoxLayout()
        buttons.addWidget(self.match_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        self.setTabOrder(self.statement, self.date_from)
        self.setTabOrder(self.date_from, self.date_to)

    def _day_field(self, name: str, day: date) -> QLineEdit:
        field = QLineEdit(day_text(day))
        field.setObjectName(name)
        field.setPlaceholderText(_("hh-bb-tttt"))
        field.setMaximumWidth(160)
        return field

    def _with_error(self, item, key: str) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        if isinstance(item, QWidget):
            column.addWidget(item)
        else:
            column.addLayout(item)
        column.addWidget(self.errors[key])
        return box

    def _name_tabs(self, result: Reconciliation | None) -> None:
        counts = ((len(result.matched), len(result.unmatched_statement),
                   len(result.unmatched_books)) if result else (None, None, None))
        for i, (title, n) in enumerate(zip((_("Cocok"), _("Hanya di bank"), _("Hanya di buku")),
                                           counts, strict=True)):
            self.tabs.setTabText(i, title if n is None else f"{title} ({n})")

    def _show_error(self, error: UserError) -> None:
        field = error.field if error.field in self.errors else None
        if field is None:
            on_error(self, error)
            return
        self.errors[field].show_message(error.message)
        {"statement": self.statement, "date_from": self.date_from,
         "date_to": self.date_to}[field].setFocus()

    # --- the work -----------------------------------------------------------------------------

    def choose_file(self) -> None:
        name, _chosen = QFileDialog.getOpenFileName(self, _("Mutasi rekening"),
                                                    self.statement.text(), STATEMENT_FILTER)
        if name:
            self.statement.setText(name)
            self.match()

    def _period(self) -> tuple[date, date]:
        first = parse_day(self.date_from.text(), field="date_from", what=_("Tanggal awal"))
        last = parse_day(self.date_to.text(), field="date_to", what=_("Tanggal akhir"))
        if first is None:
            raise UserError(_("{what} belum diisi.").format(what=_("Tanggal awal")), "date_from")
        if last is None:
            raise UserError(_("{what} belum diisi.").format(what=_("Tanggal akhir")), "date_to")
        return first, last

    def match(self) -> None:
        """Read the statement and match it with the books, off the GUI thread."""
        for error in self.errors.values():
            error.show_message(None)
        path = self.statement.text().strip()
        try:
            require(self.session.user, "report.finance")
            if not path:
                raise UserError(_("Berkas mutasi rekening belum dipilih."), "statement")
            first, last = self._period()
            done, result = run_operation(
                self, _("Mencocokkan mutasi rekening …"), self.session.db.path,
                lambda db: reconcile(db, parse_statement(Path(path)), first, last))
        except UserError as e:
            self._show_error(e)
            return
        except Exception as e:  # noqa: BLE001 - shown as an apology, logged
            on_error(self, e)
            return
        if done:
            self.show_result(result)

    def show_result(self, result: Reconciliation) -> None:
        self.result = result
        for panel, table in zip(self.panels, recon_tables(result), strict=True):
            panel.set_table(table)
        self.summary.setText("   ·   ".join(f"{label}: {value}"
                                           for label, value in summary(result).pairs))
        self._name_tabs(result)
        self.save_button.setEnabled(True)
        # The treasurer's work is what did not match: open on the first list that has some.
        self.tabs.setCurrentIndex(next((i for i, n in ((1, result.unmatched_statement),
                                                        (2, result.unmatched_books)) if n), 0))

    def save(self) -> None:
        if self.result is None:
            return
        statement = Path(self.statement.text().strip())
        first, last = self.result.date_from, self.result.date_to
        user = self.session.user
        save_report(self, self.session.db, _("Rekonsiliasi bank"),
                    f"rekonsiliasi-bank-{first:%Y%m%d}-{last:%Y%m%d}.pdf",
                    lambda db, out, fmt: write_bank_recon(db, out, statement, first, last, fmt,
                                                          printed_by=user),
                    formats=("pdf", "xlsx", "csv"))
