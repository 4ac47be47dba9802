"""The lines of a stock count on screen: book, counted and variance of each product, those
not counted yet grey, shortfalls red. Only formatting here: the figures are the domain's."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from app.i18n import _
from app.models.money import format_number, format_qty
from app.models.stock_count import CountLine
from app.ui.table_model import TableModel

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
UNCOUNTED = QColor("#9a9a9a")
SHORT = QColor("#b3261e")


def signed_qty(qty: int) -> str:
    """A variance as people write it: ``+2``, ``-0,5``, ``0``."""
    return ("+" if qty > 0 else "") + format_qty(qty)


class CountLinesModel(TableModel):
    """The lines of one count; those not counted yet are grey, shortfalls red."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.headers = [_("Produk"), _("Satuan"), _("Stok buku"), _("Dihitung"), _("Selisih"),
                        _("Nilai selisih (Rp)")]
        self.lines: list[CountLine] = []
        self.shown: list[CountLine] = []
        self.only_variances = False

    def count(self) -> int:
        return len(self.shown)

    def set_lines(self, lines: list[CountLine]) -> None:
        self.lines = lines
        self._filter()

    def set_only_variances(self, on: bool) -> None:
        self.only_variances = on
        self._filter()

    def _filter(self) -> None:
        self.beginResetModel()
        self.shown = ([line for line in self.lines if line.counted and line.variance_qty]
                      if self.only_variances else list(self.lines))
        self.endResetModel()

    def put(self, line: CountLine) -> int:
        """One line counted again: changed in place (or added, and shown even when the
        filter would hide it, so the person sees what they just counted). Its row."""
        at = next((i for i, old in enumerate(self.lines) if old.product_id == line.product_id),
                  None)
        if at is None:
            self.lines.append(line)
        else:
            self.lines[at] = line
        row = next((i for i, old in enumerate(self.shown) if old.product_id == line.product_id),
                   None)
        if row is None:
            self.beginInsertRows(QModelIndex(), len(self.shown), len(self.shown))
            self.shown.append(line)
            self.endInsertRows()
            return len(self.shown) - 1
        self.shown[row] = line
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.headers) - 1))
        return row

    def line(self, row: int) -> CountLine | None:
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def row_of(self, product_id: str) -> int | None:
        return next((i for i, line in enumerate(self.shown) if line.product_id == product_id),
                    None)

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        line = self.shown[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return line.name
            if column == 1:
                return line.unit
            if column == 2:   # the books when it was counted: the variance is against those
                return format_qty(line.counted_book_qty if line.counted else line.book_qty)
            if not line.counted:
                return ""
            return (format_qty(line.counted_qty), signed_qty(line.variance_qty),
                    format_number(line.variance_value))[column - 3]
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 2:
            return RIGHT
        if role == Qt.ItemDataRole.ForegroundRole:
            if not line.counted:
                return QBrush(UNCOUNTED)
            if line.variance_qty < 0 and column >= 4:
                return QBrush(SHORT)
        if role == Qt.ItemDataRole.UserRole:
            return line.product_id
        return None
