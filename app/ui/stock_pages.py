"""The stock screen's other tabs: write-offs and break bulk (with the susut report), the stock
card of one product, and the lists — near expiry, low stock, valuation — each saved as PDF
or XLSX through ``app.reports``. Every table here is the report's own table.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _, ngettext
from app.models.clock import format_local, local_date, now_iso
from app.models.errors import UserError
from app.models.money import format_qty
from app.models.products import get_product
from app.models.stock_ops import BulkOpen, close_bulk, open_bulks, sold_from
from app.models.stock_views import MAX_EXPIRY_DAYS
from app.reports.stock_lists import (
    near_expiry_table,
    susut_table,
    write_near_expiry,
    write_susut,
)
from app.reports.stock_reports import (
    low_stock_tables,
    stock_card_document,
    valuation_tables,
    write_low_stock,
    write_stock_card_pdf,
    write_valuation,
)
from app.reports.tabular import ReportTable
from app.ui.errors import on_error
from app.ui.lists import button_row, fill, list_table, shortcut
from app.ui.report_files import save_report
from app.ui.report_view import ReportPanel
from app.ui.session import Session
from app.ui.stock_dialogs import OpenBulkDialog, ProductField, WriteOffDialog
from app.ui.widgets import key_button


def today(session: Session) -> date:
    return local_date(now_iso(), session.settings.zone)


def date_field(name: str, day: date) -> QDateEdit:
    """A day typed as dd-mm-yyyy (digits and ←→ between the parts), no calendar to click."""
    field = QDateEdit(QDate(day.year, day.month, day.day))
    field.setObjectName(name)
    field.setDisplayFormat("dd-MM-yyyy")
    return field


def day_of(field: QDateEdit) -> date:
    return field.date().toPython()


def back_to(widget: QWidget) -> None:
    """After a dialog: the keyboard back in ``widget`` (and its window active, which a desktop
    without a window manager does not do by itself)."""
    widget.activateWindow()
    widget.setFocus()


def status_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


# --- write-offs and break bulk ----------------------------------------------------------------


class BulkPage(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.bulks: list[BulkOpen] = []
        self.table = list_table("open_bulks", [
            _("Nomor"), _("Dibuka"), _("Kemasan"), _("Dijual eceran sebagai"), _("Isi"),
            _("Terjual eceran")], [190, 150, 0, 240, 110, 120], stretch=2)
        self.status = status_label("bulk_status")
        buttons = button_row(self, self.status, (
                (_("Barang rusak / hilang"), "F7", self.write_off, session.can("stock.handle")),
                (_("Buka kemasan"), "F2", self.open_bulk, session.can("stock.handle")),
                (_("Tutup kemasan"), "F4", self.close_bulk, session.can("stock.adjust"))))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Kemasan yang sedang dibuka (karung, dus) — yang terjual"
                                  " eceran dihitung dari kasir sejak dibuka")))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.susut = SusutPanel(session) if session.can("report.stock") else None
        if self.susut is not None:
            layout.addWidget(self.susut, 1)
        self.setFocusProxy(self.table)

    def refresh(self) -> None:
        db, zone = self.session.db, self.session.settings.zone
        self.bulks = open_bulks(db)
        names = {}

        def product(product_id: str):
            if product_id not in names:
                names[product_id] = get_product(db, product_id)
            return names[product_id]

        rows = []
        for b in self.bulks:
            source, target = product(b.source_product_id), product(b.target_product_id)
            rows.append((b.number, format_local(b.opened_at, zone),
                         _("{qty} {unit} {name}").format(qty=format_qty(b.source_qty),
                                                         unit=b.source_unit_name,
                                                         name=source.name),
                         target.name, format_qty(b.expected_qty, target.base_unit),
                         format_qty(sold_from(db, b), target.base_unit)))
        fill(self.table, rows, right=(4, 5))
        if self.susut is not None:
            self.susut.refresh()

    def say(self, text: str) -> None:
        self.status.setText(text)

    def selected(self) -> BulkOpen | None:
        row = self.table.currentRow()
        return self.bulks[row] if 0 <= row < len(self.bulks) else None

    def write_off(self) -> None:
        dialog = WriteOffDialog(self.session, self)
        if dialog.exec() and dialog.saved is not None:
            self.say(dialog.summary())
        back_to(self.table)

    def open_bulk(self) -> None:
        dialog = OpenBulkDialog(self.session, self)
        if dialog.exec() and dialog.saved is not None:
            self.refresh()
            bulk = dialog.saved
            self.table.selectRow(next(i for i, b in enumerate(self.bulks) if b.id == bulk.id))
            target = get_product(self.session.db, bulk.target_product_id)
            self.say(_("{number}: {qty} {unit} dibuka, isi {content} {name}.").format(
                number=bulk.number, qty=format_qty(bulk.source_qty), unit=bulk.source_unit_name,
                content=format_qty(bulk.expected_qty, target.base_unit), name=target.name))
        back_to(self.table)

    def close_bulk(self) -> None:
        bulk = self.selected()
        if bulk is None:
            return
        target = get_product(self.session.db, bulk.target_product_id)
        text, ok = QInputDialog.getText(
            self, _("Tutup kemasan"),
            _("Sisa {name} di kemasan {number} ({unit}):").format(
                name=target.name, number=bulk.number, unit=target.base_unit), text="0")
        back_to(self.table)
        if not ok:
            return
        try:
            closed = close_bulk(self.session.db, user=self.session.user, bulk_id=bulk.id,
                                remaining=text)
        except UserError as e:
            on_error(self, e)
            return
        self.refresh()
        unit = target.base_unit
        self.say(_("{number} ditutup: isi {expected}, terjual {sold}, sisa {remaining},"
                   " susut {susut}.").format(
            number=closed.number, expected=format_qty(closed.expected_qty, unit),
            sold=format_qty(closed.sold_qty, unit), remaining=format_qty(closed.remaining_qty, unit),
            susut=format_qty(closed.susut_qty, unit)))


class SusutPanel(QWidget):
    """Susut of the packs closed in a period (this month unless asked otherwise)."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        now = today(session)
        self.date_from = date_field("susut_from", now.replace(day=1))
        self.date_to = date_field("susut_to", now)
        self.report = ReportPanel("susut")
        self.status = status_label("susut_status")
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Laporan susut dari")))
        top.addWidget(self.date_from)
        top.addWidget(QLabel(_("sampai")))
        top.addWidget(self.date_to)
        top.addWidget(key_button(_("Tampilkan"), "F5", self, self.refresh))
        top.addStretch()
        top.addWidget(key_button(_("PDF"), "F8", self, lambda: self.save("pdf")))
        top.addWidget(key_button(_("XLSX"), "F9", self, lambda: self.save("xlsx")))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.report, 1)
        layout.addWidget(self.status)
        for field in (self.date_from, self.date_to):
            field.editingFinished.connect(self.refresh)

    def refresh(self) -> None:
        try:
            self.report.set_table(susut_table(self.session.db, day_of(self.date_from),
                                              day_of(self.date_to)))
        except UserError as e:
            self.status.setText(e.message)
            return
        self.status.setText("")

    def save(self, fmt: str) -> None:
        first, last = day_of(self.date_from), day_of(self.date_to)
        path = save_report(
            self, self.session.db, _("Simpan laporan susut"),
            f"susut-{first:%Y%m%d}-{last:%Y%m%d}.{fmt}",
            lambda db, p, f: write_susut(db, p, f, date_from=first, date_to=last,
                                         printed_by=self.session.user), formats=(fmt,))
        if path:
            self.status.setText(_("Tersimpan di {path}").format(path=path))


# --- the stock card -----------------------------------------------------------------------------


class StockCardPage(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        now = today(session)
        self.product = ProductField(session.db, "card_product")
        self.product.picked.connect(lambda _p: self.show_card())
        self.date_from = date_field("card_from", now.replace(day=1))
        self.date_to = date_field("card_to", now)
        self.report = ReportPanel("card")
        self.title = QLabel()
        self.title.setObjectName("card_title")
        self.status = status_label("card_status")
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Produk")))
        top.addWidget(self.product, 1)
        dates = QHBoxLayout()
        dates.addWidget(QLabel(_("Dari")))
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel(_("sampai")))
        dates.addWidget(self.date_to)
        dates.addWidget(key_button(_("Tampilkan"), "F5", self, self.show_card))
        dates.addStretch()
        dates.addWidget(key_button(_("Simpan PDF"), "F8", self, self.save_pdf))
        top.addLayout(dates)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.title)
        layout.addWidget(self.report, 1)
        layout.addWidget(self.status)
        shortcut(self, "Ctrl+F", self.product.edit.setFocus)
        for field in (self.date_from, self.date_to):
            field.editingFinished.connect(self.show_card)
        self.setFocusProxy(self.product)

    def refresh(self) -> None:
        if self.product.product is not None:
            self.show_card()

    def show_card(self) -> None:
        product = self.product.product
        if product is None:
            self.title.setText(_("Scan atau ketik nama barang, lalu Enter."))
            return
        try:
            document = stock_card_document(self.session.db, product.id, day_of(self.date_from),
                                           day_of(self.date_to))
        except UserError as e:
            self.status.setText(e.message)
            return
        table = next(block for block in document.blocks if isinstance(block, ReportTable))
        self.report.set_table(table, last=True)
        self.title.setText(_("{name} ({unit}) · {period}").format(
            name=product.name, unit=product.base_unit, period=document.period))
        self.status.setText("")

    def save_pdf(self) -> None:
        product = self.product.product
        if product is None:
            return
        first, last = day_of(self.date_from), day_of(self.date_to)
        path = save_report(
            self, self.session.db, _("Simpan kartu stok"), _("Kartu stok {name}.pdf").format(
                name=product.name.replace("/", "-")),
            lambda db, p, _f: write_stock_card_pdf(db, product.id, p, first, last,
                                                   printed_by=self.session.user))
        if path:
            self.status.setText(_("Tersimpan di {path}").format(path=path))


# --- the lists -------------------------------------------------------------------------------


class ListPage(QWidget):
    """One stock list on screen, F5 read again, F8 PDF, F9 XLSX."""

    name = ""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.report = ReportPanel(self.name)
        self.status = status_label(self.name + "_status")
        self.top = QHBoxLayout()
        self.top.addWidget(QLabel(self.heading()))
        self.top.addStretch()
        self.top.addWidget(key_button(_("Muat ulang"), "F5", self, self.refresh))
        self.top.addWidget(key_button(_("PDF"), "F8", self, lambda: self.save("pdf")))
        self.top.addWidget(key_button(_("XLSX"), "F9", self, lambda: self.save("xlsx")))
        layout = QVBoxLayout(self)
        layout.addLayout(self.top)
        layout.addWidget(self.report, 1)
        layout.addWidget(self.status)
        self.setFocusProxy(self.report)

    def heading(self) -> str:
        raise NotImplementedError

    def table(self) -> ReportTable:
        raise NotImplementedError

    def writer(self):
        """``write(db, path, format)`` for the worker thread, with what it needs from the
        page's fields read now, on the GUI thread."""
        raise NotImplementedError

    def file_name(self) -> str:
        return f"{self.name}-{today(self.session):%Y%m%d}"

    def refresh(self) -> None:
        try:
            self.report.set_table(self.table())
        except UserError as e:
            self.status.setText(e.message)
            return
        self.status.setText("")

    def save(self, fmt: str) -> None:
        path = save_report(self, self.session.db, self.heading(), f"{self.file_name()}.{fmt}",
                           self.writer(), formats=(fmt,))
        if path:
            self.status.setText(_("Tersimpan di {path}").format(path=path))


class ExpiryPage(ListPage):
    name = "kedaluwarsa"

    def __init__(self, session: Session, parent=None):
        self.days = QSpinBox()
        self.days.setObjectName("expiry_days")
        self.days.setRange(0, MAX_EXPIRY_DAYS)
        self.days.setValue(30)
        self.days.setSuffix(" " + _("hari"))
        super().__init__(session, parent)
        self.top.insertWidget(1, self.days)
        self.days.editingFinished.connect(self.refresh)
        self.setFocusProxy(self.days)

    def heading(self) -> str:
        return _("Lot yang kedaluwarsa dalam")

    def table(self) -> ReportTable:
        return near_expiry_table(self.session.db, self.days.value())

    def writer(self):
        days, user = self.days.value(), self.session.user
        return lambda db, path, fmt: write_near_expiry(db, path, fmt, days=days,
                                                       printed_by=user)


class LowStockPage(ListPage):
    name = "stok-menipis"

    def heading(self) -> str:
        return _("Produk pada atau di bawah stok minimum, per kategori")

    def table(self) -> ReportTable:
        return low_stock_tables(self.session.db)[0]

    def writer(self):
        user = self.session.user
        return lambda db, path, fmt: write_low_stock(db, path, fmt, printed_by=user)

    def refresh(self) -> None:
        super().refresh()
        n = len(self.report.model.table.data) if self.report.model.table else 0
        self.status.setText(ngettext("{n} produk perlu dipesan", "{n} produk perlu dipesan",
                                     n).format(n=n))


class ValuationPage(ListPage):
    name = "nilai-persediaan"

    def heading(self) -> str:
        return _("Nilai persediaan per kategori (stok × HPP rata-rata)")

    def table(self) -> ReportTable:
        return valuation_tables(self.session.db)[2]

    def writer(self):
        user = self.session.user
        return lambda db, path, fmt: write_valuation(db, path, fmt, printed_by=user)

