"""The open cart as a Qt table."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt

from app.i18n import _
from app.models.cart import Cart
from app.models.money import format_number
from app.ui.table_model import TableModel


class CartTableModel(TableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.cart = Cart()
        self.headers = [_("No."), _("Barang"), _("Jumlah"), _("Harga"), _("Diskon"), _("Total")]

    def set_cart(self, cart: Cart) -> None:
        """Tell the view only what changed, so a scan repaints one line, not the table."""
        old, new = self.cart.lines, cart.lines
        if len(new) == len(old) + 1 and new[:-1] == old:
            self.beginInsertRows(QModelIndex(), len(old), len(old))
            self.cart = cart
            self.endInsertRows()
        elif len(new) == len(old):
            self.cart = cart
            changed = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
            if changed:
                self.dataChanged.emit(self.index(changed[0], 0),
                                      self.index(changed[-1], len(self.headers) - 1))
        else:
            self.beginResetModel()
            self.cart = cart
            self.endResetModel()

    def count(self) -> int:
        return len(self.cart.lines)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            line = self.cart.lines[index.row()]
            if column == 0:
                return str(index.row() + 1)
            if column == 1:
                return line.name
            if column == 2:
                return line.qty_text
            if column == 3:
                return format_number(line.unit_price)
            if column == 4:
                return format_number(line.discount) if line.discount else ""
            return format_number(line.amount)
        if role == Qt.ItemDataRole.TextAlignmentRole and column != 1:
            return _RIGHT
        return None


_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
