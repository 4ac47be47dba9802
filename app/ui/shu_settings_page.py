"""The SHU page of the settings: how the cooperative's AD/ART splits the year's surplus —
a table of parts, each with its name and percent, that must make exactly 100%.

The admin renames a part or changes its percent by typing in its cell, adds a part
(Ctrl+N) or removes the one the cursor is on (Ctrl+Del); the sum of the percents is shown
under the table as they type, and Ctrl+S saves. A split that is not 100%, or that lacks
the members' jasa usaha, is refused with the domain's message and nothing is saved. Others
read the split.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.models.errors import UserError, ValidationError
from app.models.shu_settings import (
    ShuPart,
    basis_label,
    default_allocation,
    get_shu_allocation,
    new_key,
    parts_from_form,
    percent_text,
    save_shu_allocation,
    typed_total,
)
from app.ui.intake_dialog import commit_open_cell
from app.ui.session import Session
from app.ui.widgets import FieldError, key_button

KEY_ROLE = Qt.ItemDataRole.UserRole
LABEL, PERCENT, BASIS = range(3)
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class ShuSettingsPage(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("shu_settings")
        self.allowed = session.can("settings.edit")
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("shu_parts")
        self.table.setHorizontalHeaderLabels(
            [_("Bagian"), _("Persen (%)"), _("Dasar pembagian")])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(LABEL, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(PERCENT, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(BASIS, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed if self.allowed
            else QAbstractItemView.EditTrigger.NoEditTriggers)
        self.total = QLabel()
        self.total.setObjectName("shu_total")
        self.error = FieldError()
        self.message = QLabel()
        self.message.setObjectName("shu_message")
        add = key_button(_("Tambah bagian"), "Ctrl+N", self, self.add_part)
        remove = key_button(_("Hapus bagian"), "Ctrl+Del", self, self.remove_part)
        save = key_button(_("Simpan"), "Ctrl+S", self, self.save)
        for button in (add, remove, save):
            button.setVisible(self.allowed)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(save)
        layout = QVBoxLayout(self)
        intro = QLabel(_("Pembagian sisa hasil usaha (SHU) menurut AD/ART koperasi. Jumlah"
                         " semua bagian harus tepat 100%. Jasa usaha dibagi ke anggota menurut"
                         " belanja mereka dalam setahun; jasa modal (bila ada) menurut"
                         " simpanan pokok dan wajib pada akhir tahun."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.total)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        layout.addLayout(bottom)
        self.setFocusProxy(self.table)
        try:
            parts = get_shu_allocation(session.db)
        except UserError as e:
            parts = default_allocation()
            self.message.setText(e.message)
        self.show_parts(parts)
        self.table.itemChanged.connect(self._changed)

    # --- the rows ------------------------------------------------------------------------

    def _append(self, part: ShuPart) -> int:
        self.table.blockSignals(True)     # the row is counted once it is whole
        row = self.table.rowCount()
        self.table.insertRow(row)
        label = QTableWidgetItem(part.label)
        label.setData(KEY_ROLE, part.key)
        percent = QTableWidgetItem(percent_text(part.bp) if part.bp else "")
        percent.setTextAlignment(RIGHT)
        basis = QTableWidgetItem(basis_label(part.key))
        basis.setFlags(basis.flags() & ~Qt.ItemFlag.ItemIsEditable)
        for column, item in ((LABEL, label), (PERCENT, percent), (BASIS, basis)):
            self.table.setItem(row, column, item)
        self.table.blockSignals(False)
        return row

    def show_parts(self, parts) -> None:
        self.table.setRowCount(0)
        for part in parts:
            self._append(part)
        if parts:
            self.table.setCurrentCell(0, LABEL)
        self._changed()

    def rows(self) -> list[tuple[str, str, str]]:
        """(key, name, percent as typed) of each row; a new row takes a key from its name."""
        keys = [self.table.item(r, LABEL).data(KEY_ROLE) or "" for r in
                range(self.table.rowCount())]
        taken = {k for k in keys if k}
        found = []
        for row, key in enumerate(keys):
            label = self.table.item(row, LABEL).text()
            if not key:
                key = new_key(label, taken)
                taken.add(key)
            found.append((key, label, self.table.item(row, PERCENT).text()))
        return found

    def _changed(self, _item=None) -> None:
        total = typed_total([self.table.item(r, PERCENT).text()
                             for r in range(self.table.rowCount())])
        if total is None:
            self.total.setText(_("Jumlah: ada persen yang belum terbaca."))
        elif total == "100":
            self.total.setText(_("Jumlah: 100%."))
        else:
            self.total.setText(_("Jumlah: {total}% — harus tepat 100%.").format(total=total))

    def add_part(self) -> None:
        row = self._append(ShuPart("", "", 0))
        self.table.setCurrentCell(row, LABEL)
        self.table.setFocus()
        self.table.editItem(self.table.item(row, LABEL))
        self._changed()

    def remove_part(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        self.table.removeRow(row)
        self.table.setCurrentCell(min(row, self.table.rowCount() - 1), LABEL)
        self.table.setFocus()
        self._changed()

    # --- saving --------------------------------------------------------------------------

    def save(self) -> None:
        commit_open_cell(self.table)
        self.error.show_message(None)
        try:
            parts = parts_from_form(self.rows())
            saved = save_shu_allocation(self.session.db, user=self.session.user, parts=parts)
        except ValidationError as e:
            self.error.show_message("\n".join(dict.fromkeys(p.message for p in e.problems)))
            first = next((p for p in e.problems if p.row), None)
            if first is not None:
                self.table.setCurrentCell(first.row - 1,
                                          PERCENT if first.field == "bp" else LABEL)
                self.table.setFocus()
            self.message.setText(_("Belum tersimpan."))
            return
        except UserError as e:
            self.message.setText(e.message)
            return
        self.show_parts(saved)
        self.message.setText(_("Pembagian SHU tersimpan."))
