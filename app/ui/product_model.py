"""The catalog as a Qt table model that fetches pages from SQLite as they scroll into view.

At 50,000 products nothing is loaded up front: the row count is one COUNT, rows come in
pages of 200 (FTS5 when searching), and only a few pages are kept.
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from app.i18n import _
from app.models.db import Database
from app.models.money import format_number, format_qty
from app.models.product_search import ProductRow, count_products, list_products
from app.ui.table_model import TableModel

PAGE = 200
KEEP_PAGES = 16


class ProductTableModel(TableModel):
    def __init__(self, db: Database, parent=None):
        super().__init__(parent)
        self.db = db
        self.text = ""
        self.include_archived = False
        self._count = 0
        self._pages: OrderedDict[int, list[ProductRow]] = OrderedDict()
        self.headers = [_("Nama"), _("Merek"), _("Kategori"), _("Satuan"), _("Harga (Rp)"),
                        _("HET (Rp)"), _("Stok"), _("Barcode")]
        self.refresh()

    def set_filter(self, text: str, include_archived: bool | None = None) -> None:
        self.text = text
        if include_archived is not None:
            self.include_archived = include_archived
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._pages.clear()
        self._count = count_products(self.db, self.text, include_archived=self.include_archived)
        self.endResetModel()

    def count(self) -> int:
        return self._count

    def row(self, row: int) -> ProductRow | None:
        if not 0 <= row < self._count:
            return None
        page = row // PAGE
        rows = self._pages.get(page)
        if rows is None:
            rows = list_products(self.db, self.text, offset=page * PAGE, limit=PAGE,
                                 include_archived=self.include_archived)
            self._pages[page] = rows
            while len(self._pages) > KEEP_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        offset = row - page * PAGE
        return rows[offset] if offset < len(rows) else None

    def row_of(self, product_id: str) -> int | None:
        """The row of a product among the pages already fetched (after a search or save)."""
        for page, rows in self._pages.items():
            for i, r in enumerate(rows):
                if r.id == product_id:
                    return page * PAGE + i
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        product = self.row(index.row())
        if product is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(product, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (4, 5, 6):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if product.archived:
                return QBrush(QColor("#8a8a8a"))
            if column == 6 and product.stock < product.min_stock:
                return QBrush(QColor("#b3261e"))
        if role == Qt.ItemDataRole.ToolTipRole and product.archived:
            return _("Diarsipkan")
        if role == Qt.ItemDataRole.UserRole:
            return product.id
        return None

    @staticmethod
    def _display(product: ProductRow, column: int) -> str:
        if column == 0:
            return product.name + (" " + _("(arsip)") if product.archived else "")
        if column == 1:
            return product.brand
        if column == 2:
            return product.category
        if column == 3:
            return product.base_unit
        if column == 4:
            return format_number(product.price)
        if column == 5:
            return format_number(product.het) if product.het is not None else ""
        if column == 6:
            return format_qty(product.stock)
        return product.codes
