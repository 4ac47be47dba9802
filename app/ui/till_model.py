"""The open cart as a Qt table."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from app.i18n import _
from app.models.cart import Cart
from app.models.money import format_number


class CartTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.cart = Cart()
        self.headers = [_("No"), _("Barang"), _("Jumlah"), _("Harga"), _("Diskon"), _("Total")]

    def set_cart(self, cart: Cart) -> None:
        self.beginResetModel()
        self.cart = cart
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.cart.lines)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        line = self.cart.lines[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (str(index.row() + 1), line.name, line.qty_text, format_number(line.unit_price),
                    format_number(line.discount) if line.discount else "",
                    format_number(line.amount))[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (0, 2, 3, 4, 5):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
