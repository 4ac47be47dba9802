"""Barang titipan: the producers' batches in the shop, and what the manager does with them —
a new nota titip (F7), goods given back to their producer (F6), a count with the manager's
approval (F5), and the reconciliation of each batch's ledger (F9).

Batches past their expiry are shown red, those near it amber. The dialogs read what is
typed through ``consignment_forms`` and post through ``consignment``; they show text only.
"""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _, ngettext
from app.models import consignment_forms as forms
from app.models.clock import local_date, now_iso
from app.models.consignment_docs import batch_label_items
from app.models.consignment_stock import Batch, batches, post_count, reconcile, return_to_producer
from app.models.consignors import Consignor, get_consignor, list_consignors
from app.models.errors import Problem, UserError, ValidationError
from app.models.money import format_number, format_qty, format_rupiah
from app.reports.consignment_pdf import write_return_pdf
from app.reports.labels_pdf import write_labels_pdf
from app.ui.intake_dialog import (
    IntakeDialog,
    commit_open_cell,
    lines_table,
    offer_slip,
    set_cells,
)
from app.ui.lists import button_row, fill, list_table, shortcut
from app.ui.purchase_lines import Column, tab_order
from app.ui.report_files import save_report
from app.ui.session import Session
from app.ui.stock_dialogs import ask_manager
from app.ui.stock_pages import back_to
from app.ui.widgets import ErrorForm, FieldError, FormDialog, key_button

EXPIRED, NEAR = QColor("#b3261e"), QColor("#a15c00")


def mark_expiry(items, state: str) -> None:
    """Red past the expiry date, amber near it, with the reason as a tooltip."""
    if not state:
        return
    tip = _("Sudah kedaluwarsa") if state == "expired" else _("Hampir kedaluwarsa")
    for item in items:
        item.setForeground(QBrush(EXPIRED if state == "expired" else NEAR))
        item.setToolTip(tip)


def batch_text(batch: Batch) -> list[str]:
    return [batch.product_name, batch.intake_number, batch.batch_code,
            forms.day_text(batch.expires_on)]


class BatchesPage(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.batches: list[Batch] = []
        self.consignor = QComboBox()
        self.consignor.setObjectName("batch_consignor")
        self.consignor.currentIndexChanged.connect(lambda _i: self.show_batches())
        self.table = list_table("batches", [
            _("Penitip"), _("Barang"), _("Nota titip"), _("Batch"), _("Kedaluwarsa"),
            _("Masuk"), _("Sisa")], [170, 0, 190, 100, 100, 90, 90], stretch=1)
        self.status = QLabel()
        self.status.setObjectName("batches_status")
        self.status.setWordWrap(True)
        buttons = button_row(self, self.status, (
            (_("Nota titip"), "F7", self.intake, True),
            (_("Hitung titipan"), "F5", self.count, True),
            (_("Kembalikan ke penitip"), "F6", self.give_back, True),
            (_("Rekonsiliasi"), "F9", self.reconcile, True),
            (_("Label harga"), "F8", self.labels, True)))
        shortcut(self, "Ctrl+F", self.consignor.setFocus)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Penitip (Ctrl+F)")))
        top.addWidget(self.consignor, 1)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.setFocusProxy(self.table)

    def _fill_consignors(self) -> None:
        keep = self.consignor.currentData()
        self.consignor.blockSignals(True)
        self.consignor.clear()
        self.consignor.addItem(_("Semua penitip"), None)
        for c in list_consignors(self.session.db):
            self.consignor.addItem(c.name, c.id)
        self.consignor.setCurrentIndex(max(self.consignor.findData(keep), 0))
        self.consignor.blockSignals(False)

    def refresh(self) -> None:
        self._fill_consignors()
        self.show_batches()

    def show_batches(self) -> None:
        self.batches = batches(self.session.db, consignor_id=self.consignor.currentData(),
                               on_hand_only=True)
        fill(self.table, [(b.consignor_name, *batch_text(b), format_qty(b.qty_in, b.unit),
                           format_qty(b.on_hand, b.unit)) for b in self.batches], right=(5, 6))
        n = len(self.batches)
        self.say(ngettext("{n} batch titipan di gerai", "{n} batch titipan di gerai", n)
                 .format(n=n))
        today = local_date(now_iso(), self.session.settings.zone)
        for row, batch in enumerate(self.batches):
            mark_expiry([self.table.item(row, c) for c in range(7)],
                        forms.expiry_state(batch, today))

    def say(self, text: str) -> None:
        self.status.setText(text)

    def chosen_consignor(self) -> Consignor | None:
        """The consignor in the filter, else the one of the selected batch."""
        consignor_id = self.consignor.currentData()
        row = self.table.currentRow()
        if consignor_id is None and 0 <= row < len(self.batches):
            consignor_id = self.batches[row].consignor_id
        if consignor_id is None:
            self.say(_("Pilih penitip dulu (Ctrl+F) atau baris barangnya."))
            return None
        return get_consignor(self.session.db, consignor_id)

    def _after(self, dialog: QDialog) -> bool:
        done = bool(dialog.exec())
        if done:
            self.refresh()
        back_to(self.table)
        return done

    def intake(self) -> None:
        dialog = IntakeDialog(self.session, self.consignor.currentData(), self)
        if self._after(dialog) and dialog.intake_id:
            self.say(_("Nota titip {number} tersimpan.").format(number=dialog.number))

    def labels(self) -> None:
        """Price labels with barcodes for the selected batch: one per piece on hand."""
        row = self.table.currentRow()
        if not 0 <= row < len(self.batches):
            self.say(_("Pilih baris barangnya dulu."))
            return
        batch, user = self.batches[row], self.session.user
        items = batch_label_items(self.session.db, [batch.id])
        if not items:
            self.say(_("{name}: tidak ada sisa di gerai untuk diberi label.").format(
                name=batch.product_name))
            return
        if save_report(self, self.session.db, _("Label harga"),
                       f"label-{batch.intake_number}.pdf",
                       lambda db, path, _fmt: write_labels_pdf(db, items, path, user=user)):
            self.say(_("Label harga {name} tersimpan.").format(name=batch.product_name))
        back_to(self.table)

    def give_back(self) -> None:
        consignor = self.chosen_consignor()
        if consignor is None:
            return
        dialog = ReturnDialog(self.session, consignor, self)
        if not dialog.batches:
            dialog.deleteLater()
            self.say(_("{name} tidak punya barang titipan di gerai.").format(name=consignor.name))
            return
        if self._after(dialog) and dialog.number:
            self.say(_("Pengembalian {number} ke {name} tersimpan.").format(
                number=dialog.number, name=consignor.name))

    def count(self) -> None:
        dialog = CountDialog(self.session, self.consignor.currentData(), self)
        if not dialog.batches:
            dialog.deleteLater()
            self.say(_("Tidak ada barang titipan di gerai untuk dihitung."))
            return
        if self._after(dialog) and dialog.number:
            self.say(dialog.summary)

    def reconcile(self) -> None:
        consignor = self.chosen_consignor()
        if consignor is not None:
            ReconcileDialog(self.session, consignor, self).exec()
            back_to(self.table)


class BatchLinesDialog(FormDialog):
    """A dialog over a consignor's batches on hand with one column to type in (what is given
    back, or what was counted), a text field under it, and Ctrl+S."""

    #: The columns of figures (aligned right).
    right: tuple[int, ...] = ()

    def __init__(self, session: Session, title: str, found: list[Batch], columns, parent=None):
        super().__init__(parent)
        self.session = session
        self.batches = found
        self.texts = ["" for _b in found]
        self.number = ""
        self.setWindowTitle(title)
        self.resize(1000, 560)
        self.columns = columns
        self.typed_column = next(i for i, c in enumerate(columns) if c.editable)
        self.table = lines_table(columns, self.edited)
        self.error = FieldError()
        self.error.setObjectName("lines_error")
        self.totals = QLabel()
        self.totals.setObjectName("totals")
        self.form = ErrorForm()

    def finish(self, save_text: str, field: QLineEdit, hint: str, heading: str = "") -> None:
        save = key_button(save_text, "Ctrl+S", self, self.save)
        save.setObjectName("save")
        cancel = QPushButton(_("Batal (Esc)"))
        cancel.clicked.connect(self.reject)
        for button in (save, cancel):
            button.setAutoDefault(False)
        self.table.leave.connect(field.setFocus)
        row = QHBoxLayout()
        row.addWidget(self.form.general, 1)
        row.addStretch()
        row.addWidget(cancel)
        row.addWidget(save)
        layout = QVBoxLayout(self)
        if heading:
            layout.addWidget(QLabel(heading))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.totals)
        layout.addWidget(QLabel(hint))
        layout.addLayout(self.form.layout)
        layout.addLayout(row)
        tab_order(self.table, field, cancel, save)
        self.render()
        self.table.setFocus()
        if self.batches:
            self.table.setCurrentCell(0, self.typed_column)

    def render(self) -> None:
        today = local_date(now_iso(), self.session.settings.zone)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.batches))
        editable = [c.editable for c in self.columns]
        for r, batch in enumerate(self.batches):
            set_cells(self.table, r, self.cells(batch, self.texts[r]), editable,
                      right=self.right)
            mark_expiry([self.table.item(r, c) for c in range(len(self.columns))],
                        forms.expiry_state(batch, today))
        self.table.blockSignals(False)
        self.show_totals()

    def edited(self, row: int, _col: int, text: str) -> None:
        if 0 <= row < len(self.texts) and self.texts[row] != text.strip():
            self.texts[row] = text.strip()
            self.error.show_message(None)
            self.render()

    def refused(self, error: UserError) -> None:
        problems = error.problems if isinstance(error, ValidationError) else [
            Problem(error.field or "", error.message)]
        if problems[0].field in self.form.errors:
            self.form.show(problems)
            return
        self.error.show_message(error.message)
        if problems[0].row:
            self.table.setFocus()
            self.table.setCurrentCell(problems[0].row - 1, self.typed_column)

    def cells(self, batch: Batch, text: str) -> list[str]:
        raise NotImplementedError

    def show_totals(self) -> None:
        raise NotImplementedError

    def save(self) -> None:
        raise NotImplementedError


class ReturnDialog(BatchLinesDialog):
    """Goods given back to their producer (unsold, expired, recalled), with a reason."""

    right = (4, 5, 6)

    def __init__(self, session: Session, consignor: Consignor, parent=None):
        found = [b for b in batches(session.db, consignor_id=consignor.id, on_hand_only=True)
                 if b.on_hand > 0]
        super().__init__(
            session, _("Kembalikan ke penitip — {name}").format(name=consignor.name), found,
            [Column("name", _("Barang"), 0), Column("intake", _("Nota titip"), 190),
             Column("batch", _("Batch"), 100), Column("expiry", _("Kedaluwarsa"), 100),
             Column("in", _("Masuk"), 80), Column("left", _("Sisa di gerai"), 100),
             Column("qty", _("Dikembalikan"), 110, True)], parent)
        self.consignor = consignor
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText(_("mis. kedaluwarsa, tidak laku, ditarik produsen"))
        self.form.add("reason", _("Alasan"), self.reason)
        shortcut(self, "F8", self.everything)
        self.finish(_("Kembalikan"), self.reason, _(
            "Ketik jumlah yang dikembalikan (kosong = tidak) · ↑↓ baris · F8 semua sisa ·"
            " Esc ke alasan · Ctrl+S simpan"), _("Barang titipan {name} yang masih di gerai:")
            .format(name=consignor.name))

    def cells(self, batch: Batch, text: str) -> list[str]:
        return [*batch_text(batch), format_qty(batch.qty_in, batch.unit),
                format_qty(batch.on_hand, batch.unit), text]

    def show_totals(self) -> None:
        given = sum(1 for text in self.texts if text)
        self.totals.setText(ngettext("{n} batch dikembalikan", "{n} batch dikembalikan",
                                     given).format(n=given))

    def everything(self) -> None:
        """All that is left of every batch (a producer who stops consigning)."""
        self.texts = [format_qty(b.on_hand, grouped=False) for b in self.batches]
        self.render()

    def save(self) -> None:
        commit_open_cell(self.table)
        self.form.clear()
        self.error.show_message(None)
        try:
            quantities = forms.return_quantities(self.batches, self.texts)
            return_id = return_to_producer(self.session.db, user=self.session.user,
                                           consignor_id=self.consignor.id,
                                           quantities=quantities, reason=self.reason.text())
        except UserError as e:
            self.refused(e)
            if e.field == "reason":
                self.reason.setFocus()
            return
        self.number = forms.document_number(self.session.db, "return", return_id)
        offer_slip(self, self.session, _("Pengembalian tersimpan"), _(
            "Pengembalian {number} ke {name} tersimpan.").format(
                number=self.number, name=self.consignor.name),
            write_return_pdf, return_id, f"{self.number}.pdf")
        self.accept()


class CountDialog(BatchLinesDialog):
    """A count of consigned goods (one consignor's or all): what is found of each batch; the
    differences are posted with a manager's approval and charged per the agreement."""

    right = (4, 5, 6, 7)

    def __init__(self, session: Session, consignor_id: str | None, parent=None):
        super().__init__(
            session, _("Hitung barang titipan"),
            batches(session.db, consignor_id=consignor_id, on_hand_only=True),
            [Column("consignor", _("Penitip"), 150), Column("name", _("Barang"), 0),
             Column("batch", _("Batch"), 90), Column("expiry", _("Kedaluwarsa"), 100),
             Column("books", _("Di buku"), 90), Column("qty", _("Dihitung"), 90, True),
             Column("variance", _("Selisih"), 90),
             Column("value", _("Nilai selisih (Rp)"), 130)], parent)
        self.summary = ""
        self.note = QLineEdit()
        self.note.setObjectName("count_note")
        self.note.setPlaceholderText(_("mis. hitung akhir bulan"))
        self.form.add("note", _("Catatan"), self.note)
        self.finish(_("Simpan hitungan"), self.note, _(
            "Ketik jumlah yang ada (kosong = tidak dihitung) · nilai selisih dengan harga ke"
            " produsen · Esc ke catatan · Ctrl+S simpan (perlu persetujuan manajer)"))

    def cells(self, batch: Batch, text: str) -> list[str]:
        figures = forms.count_figures(batch, text)
        return [batch.consignor_name, batch.product_name, batch.batch_code,
                forms.day_text(batch.expires_on), format_qty(batch.on_hand, batch.unit), text,
                "" if figures.variance is None else format_qty(figures.variance),
                "" if figures.value is None else format_number(figures.value)]

    def show_totals(self) -> None:
        totals = forms.count_totals(self.batches, self.texts)
        self.totals.setText(_("{n} dihitung · {d} berselisih · nilai selisih {value}").format(
            n=totals.counted, d=totals.differing, value=format_rupiah(totals.value)))

    def save(self) -> None:
        commit_open_cell(self.table)
        self.form.clear()
        self.error.show_message(None)
        try:
            counted = forms.counted_quantities(self.batches, self.texts)
        except UserError as e:
            self.refused(e)
            return
        if not counted:
            self.refused(UserError(_("Belum ada barang titipan yang dihitung.")))
            return
        totals = forms.count_totals(self.batches, self.texts)
        approver = ask_manager(self.session, _(
            "Hitung barang titipan: {d} batch berselisih, nilai {value}.").format(
                d=totals.differing, value=format_rupiah(totals.value)), self)
        if approver is None:
            self.refused(UserError(_("Hitungan belum disetujui manajer; tidak ada yang"
                                     " disimpan.")))
            return
        try:
            count_id = post_count(self.session.db, user=self.session.user, counted=counted,
                                  approver=approver, note=self.note.text())
        except UserError as e:
            self.refused(e)
            return
        self.number = forms.document_number(self.session.db, "count", count_id)
        self.summary = _("Hitung titipan {number}: {n} dihitung, {d} berselisih, nilai"
                         " {value}.").format(number=self.number, n=totals.counted,
                                             d=totals.differing,
                                             value=format_rupiah(totals.value))
        self.accept()


class ReconcileDialog(QDialog):
    """Each batch of a consignor: taken in − sold − given back ± counted, beside what the
    books hold, and whether the two agree."""

    def __init__(self, session: Session, consignor: Consignor, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("Rekonsiliasi titipan — {name}").format(name=consignor.name))
        self.resize(1100, 520)
        self.lines = reconcile(session.db, consignor.id)
        self.table = list_table("reconcile", [
            _("Barang"), _("Nota titip"), _("Batch"), _("Satuan"), _("Masuk"), _("Terjual"),
            _("Dikembalikan"), _("Selisih hitung"), _("Seharusnya"), _("Di buku"), _("Cocok")],
            [0, 180, 90, 70, 70, 70, 100, 100, 90, 70, 60])
        fill(self.table, [(
            r.batch.product_name, r.batch.intake_number, r.batch.batch_code, r.batch.unit,
            *(format_qty(q) for q in (r.intake, r.sold, r.returned, r.adjusted, r.expected,
                                      r.batch.on_hand)),
            "✓" if r.ok else "✗") for r in self.lines], right=tuple(range(4, 10)))
        wrong = sum(1 for r in self.lines if not r.ok)
        for row, line in enumerate(self.lines):
            if not line.ok:
                for col in range(11):
                    self.table.item(row, col).setForeground(QBrush(EXPIRED))
        self.verdict = QLabel(ngettext(
            "{n} batch tidak cocok: periksa dengan 'gerai check'.",
            "{n} batch tidak cocok: periksa dengan 'gerai check'.", wrong).format(n=wrong)
            if wrong else _("Semua batch cocok dengan bukunya.") if self.lines
            else _("{name} belum pernah menitipkan barang.").format(name=consignor.name))
        self.verdict.setObjectName("verdict")
        close = QPushButton(_("Tutup (Esc)"))
        close.clicked.connect(self.accept)
        close.setDefault(True)
        row = QHBoxLayout()
        row.addWidget(self.verdict, 1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("{name}: masuk − terjual − dikembalikan ± selisih hitung ="
                                  " seharusnya, dibandingkan dengan yang tercatat di buku.")
                                .format(name=consignor.name)))
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        self.table.setFocus()
