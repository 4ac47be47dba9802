"""Laporan: every report the person may print, in one place.

On the left the reports (Up/Down), each with a line saying what it holds; on the right the
options of the selected one — the period typed as dd-mm-yyyy, the format — and Simpan
(Ctrl+S or Enter), which asks for the file name and writes the report off the GUI thread
(``report_files.save_report``: busy bar with Cancel, the file in place only when complete,
opened after). What each report is, who may print it and how it is written is the one
table in :func:`report_kinds`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.models.clock import day_text, parse_day
from app.models.errors import UserError
from app.reports.aging_reports import write_ap_aging, write_ar_aging
from app.reports.books_reports import write_cashbook, write_journal, write_trial_balance
from app.reports.consignment_reports import write_consignment_summary
from app.reports.daily_report import write_daily
from app.reports.goods_reports import write_program_goods
from app.reports.sales_reports import write_margin, write_monthly
from app.reports.shu_report import write_shu
from app.reports.simkopdes_export import write_simkopdes
from app.reports.statement_reports import write_neraca, write_phu
from app.reports.stock_lists import write_near_expiry, write_susut
from app.reports.stock_reports import write_low_stock, write_valuation
from app.reports.umkm_reports import write_flagship, write_readiness
from app.ui.bank_recon_dialog import BankReconDialog
from app.ui.report_files import save_report
from app.ui.session import Session
from app.ui.stock_pages import back_to, status_label, today
from app.ui.widgets import FieldError, key_button

#: How a report is bounded in time: a period from..to, one day ("per tanggal"), or none
#: (the state of the shop now).
PERIOD, AS_OF, NOW = "period", "as_of", "now"
ALL_FORMATS = ("pdf", "xlsx", "csv")


@dataclass(frozen=True)
class ReportKind:
    key: str                      # stable name, also the start of the suggested file name
    title: str
    description: str
    #: ``write(db, out, format, first, last, user) -> Path`` (first/last None when unused)
    write: Callable | None
    formats: tuple[str, ...]
    period: str                   # PERIOD, AS_OF or NOW
    permission: str
    #: The writer saves atomically by itself, with files beside the one named (SIMKOPDES's
    #: CSV folder): it gets the chosen path, not a temporary one.
    in_place: bool = False

    def file_name(self, first: date | None, last: date, fmt: str) -> str:
        if self.period == PERIOD:
            return f"{self.key}-{first:%Y%m%d}-{last:%Y%m%d}.{fmt}"
        return f"{self.key}-{last:%Y%m%d}.{fmt}"


def _range(writer):
    """Adapter for the treasurer's ``write_x(db, out, from, to, format, *, printed_by)``."""
    return lambda db, out, fmt, first, last, user: writer(db, out, first, last, fmt,
                                                          printed_by=user)


def _as_of(writer):
    """Adapter for ``write_x(db, out, as_of, format, *, printed_by)``: as of the last day."""
    return lambda db, out, fmt, _first, last, user: writer(db, out, last, fmt, printed_by=user)


def report_kinds() -> tuple[ReportKind, ...]:
    """Every report of the screen, the treasurer's first (read at call time: the texts are
    in the language chosen at login)."""
    finance, stock = "report.finance", "report.stock"
    return tuple(ReportKind(*row) for row in (
        ("kas-harian", _("Laporan kas harian"),
         _("Penerimaan per cara bayar, shift dan kas laci, retur dan batal, per hari"),
         _range(write_daily), ALL_FORMATS, PERIOD, finance),
        ("penjualan-bulanan", _("Penjualan bulanan"),
         _("Penjualan bersih, HPP dan laba kotor per kategori dan per hari"),
         _range(write_monthly), ALL_FORMATS, PERIOD, finance),
        ("margin", _("Margin per produk"),
         _("Laba kotor tiap produk, yang terbaik dan terburuk, yang dijual di bawah HPP"),
         _range(write_margin), ALL_FORMATS, PERIOD, finance),
        ("umur-piutang", _("Umur piutang anggota"),
         _("Bon anggota yang belum lunas, menurut umurnya, per tanggal"),
         _as_of(write_ar_aging), ALL_FORMATS, AS_OF, finance),
        ("umur-utang", _("Umur utang pemasok"),
         _("Faktur pemasok menurut lama lewat jatuh tempo, dan utang ke penitip"),
         _as_of(write_ap_aging), ALL_FORMATS, AS_OF, finance),
        ("buku-kas", _("Buku kas"),
         _("Kas laci dan kas bendahara: saldo awal, tiap uang masuk dan keluar, saldo akhir"),
         _range(write_cashbook), ALL_FORMATS, PERIOD, finance),
        ("buku-bank", _("Buku bank"),
         _("Rekening bank dan QRIS: masuk, keluar dan saldo, untuk dicocokkan dengan mutasi"),
         lambda db, out, fmt, first, last, user: write_cashbook(
             db, out, first, last, fmt, printed_by=user, book="bank"),
         ALL_FORMATS, PERIOD, finance),
        ("phu", _("Perhitungan hasil usaha (PHU)"),
         _("Penjualan bersih, HPP, laba kotor, pendapatan lain, beban dan SHU periode ini"),
         _range(write_phu), ALL_FORMATS, PERIOD, finance),
        ("neraca", _("Neraca (posisi keuangan)"),
         _("Aset, kewajiban dan ekuitas pada akhir hari, dengan pemeriksaan keseimbangannya"),
         _as_of(write_neraca), ALL_FORMATS, AS_OF, finance),
        ("neraca-saldo", _("Neraca saldo"),
         _("Saldo awal, mutasi debit dan kredit, saldo akhir tiap akun"),
         _range(write_trial_balance), ALL_FORMATS, PERIOD, finance),
        ("jurnal-bendahara", _("Daftar jurnal dan biaya"),
         _("Biaya, pendapatan lain, saldo awal dan setoran bank yang dicatat bendahara"),
         _range(write_journal), ALL_FORMATS, PERIOD, finance),
        ("shu", _("SHU tahun buku"),
         _("Sisa hasil usaha tahun dari tanggal yang dipilih, dibagi menurut AD/ART; bagian"
           " tiap anggota dari belanja dan simpanannya (tahun berjalan: sementara)"),
         lambda db, out, fmt, _first, last, user: write_shu(
             db, out, last.year, fmt, printed_by=user),
         ALL_FORMATS, AS_OF, finance),
        ("simkopdes", _("Ekspor SIMKOPDES"),
         _("Produk, stok, barang masuk dan keluar, penjualan, anggota (NIK disamarkan) dan"
           " simpanan dalam tabel SIMKOPDES: satu XLSX dan satu CSV per tabel"),
         lambda db, out, _fmt, first, last, user: write_simkopdes(
             db, out, first, last, printed_by=user),
         ("xlsx",), PERIOD, finance, True),
        ("titipan-per-penitip", _("Titipan per penitip"),
         _("Penjualan titip jual, komisi, penyelesaian dan pembayaran ke tiap penitip"),
         lambda db, out, fmt, first, last, user: write_consignment_summary(
             db, out, first, last, fmt, printed_by=user),
         ALL_FORMATS, PERIOD, stock),
        ("barang-program", _("Barang program per anggota"),
         _("MinyaKita, SPHP, LPG 3 kg, pupuk: yang dibeli tiap anggota, dibanding HET"),
         lambda db, out, fmt, first, last, user: write_program_goods(
             db, out, first, last, fmt, printed_by=user),
         ALL_FORMATS, PERIOD, stock),
        ("nilai-persediaan", _("Nilai persediaan"),
         _("Stok × HPP rata-rata per kategori, saat ini"),
         lambda db, out, fmt, _first, _last, user: write_valuation(
             db, out, fmt, printed_by=user),
         ALL_FORMATS, NOW, stock),
        ("stok-menipis", _("Stok menipis"),
         _("Produk pada atau di bawah stok minimum, saat ini"),
         lambda db, out, fmt, _first, _last, user: write_low_stock(
             db, out, fmt, printed_by=user),
         ALL_FORMATS, NOW, stock),
        ("kedaluwarsa", _("Barang hampir kedaluwarsa"),
         _("Lot yang kedaluwarsa dalam 30 hari ke depan"),
         lambda db, out, fmt, _first, _last, user: write_near_expiry(
             db, out, fmt, days=30, printed_by=user),
         ALL_FORMATS, NOW, stock),
        ("susut", _("Laporan susut"),
         _("Susut karung dan dus yang dibuka untuk eceran lalu ditutup"),
         lambda db, out, fmt, first, last, user: write_susut(
             db, out, fmt, date_from=first, date_to=last, printed_by=user),
         ALL_FORMATS, PERIOD, stock),
        ("produk-unggulan", _("Produk unggulan lokal"),
         _("Penjualan barang UMKM per desa dan produsen, dengan yang terlaris"),
         lambda db, out, fmt, first, last, user: write_flagship(
             db, out, fmt, first, last, printed_by=user),
         ALL_FORMATS, PERIOD, stock),
        ("kesiapan-produk", _("Kesiapan produk UMKM"),
         _("Produk yang siap masuk toserba/marketplace, dan apa yang masih kurang"),
         lambda db, out, fmt, _first, _last, user: write_readiness(
             db, out, fmt, printed_by=user),
         ALL_FORMATS, NOW, stock),
    ))


def printable_reports(session: Session) -> list[ReportKind]:
    """The reports this person may print."""
    return [k for k in report_kinds() if session.can(k.permission)]


def format_label(fmt: str) -> str:
    return {"pdf": _("PDF (untuk dicetak)"), "xlsx": _("XLSX (Excel)"),
            "csv": _("CSV")}[fmt]


def check_period(kind: ReportKind, first_text: str, last_text: str, today_: date
                 ) -> tuple[date | None, date]:
    """The typed days of ``kind`` as dates, checked before a file name is asked for — a
    reversed period or one not over yet is refused here, with the domain's own words, so
    nobody picks a file for a report that cannot be made. The writers check again.
    Raises UserError naming the field ("date_from" or "date_to")."""
    if kind.period == NOW:
        return None, today_
    last_what = _("Per tanggal") if kind.period == AS_OF else _("Tanggal akhir")
    last = parse_day(last_text, field="date_to", what=last_what)
    if last is None:
        raise UserError(_("{what} belum diisi.").format(what=last_what), "date_to")
    first = None
    if kind.period == PERIOD:
        first = parse_day(first_text, field="date_from", what=_("Tanggal awal"))
        if first is None:
            raise UserError(_("{what} belum diisi.").format(what=_("Tanggal awal")),
                            "date_from")
        if first > last:
            raise UserError(_("Tanggal awal sesudah tanggal akhir."), "date_from")
    if last > today_:
        raise UserError(_("Periode belum berakhir: tanggal akhir sesudah hari ini."),
                        "date_to")
    return first, last


class TwoLines(QStyledItemDelegate):
    """A report in the list: its title in bold, what it holds in a smaller grey line."""

    PAD = 6

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 (Qt API)
        metrics = option.fontMetrics
        return QSize(200, metrics.height() * 2 + self.PAD * 2 + 2)

    def paint(self, painter, option, index) -> None:
        self.initStyleOption(option, index)
        description = index.data(Qt.ItemDataRole.ToolTipRole) or ""
        title, option.text = option.text, ""
        widget = option.widget
        widget.style().drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter,
                                   widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        area = option.rect.adjusted(self.PAD * 2, self.PAD, -self.PAD, -self.PAD)
        line = option.fontMetrics.height()
        painter.save()
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(option.palette.color(role))
        painter.drawText(QRect(area.left(), area.top(), area.width(), line),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         title)
        painter.setFont(option.font)
        if not selected:
            painter.setPen(option.palette.color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(QRect(area.left(), area.top() + line + 2, area.width(), line),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         option.fontMetrics.elidedText(description,
                                                       Qt.TextElideMode.ElideRight,
                                                       area.width()))
        painter.restore()


class ReportsScreen(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.kinds = printable_reports(session)
        self.list = QListWidget()
        self.list.setObjectName("reports")
        self.list.setItemDelegate(TwoLines(self.list))
        self.list.setUniformItemSizes(True)
        for kind in self.kinds:
            item = QListWidgetItem(kind.title)
            item.setData(Qt.ItemDataRole.ToolTipRole, kind.description)
            self.list.addItem(item)

        self.title = QLabel()
        self.title.setObjectName("report_title")
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.title.setFont(font)
        self.description = QLabel()
        self.description.setObjectName("report_description")
        self.description.setWordWrap(True)
        first_day = today(session).replace(day=1)
        self.date_from = self._day_field("date_from", first_day)
        self.date_to = self._day_field("date_to", today(session))
        self.errors = {"date_from": FieldError(), "date_to": FieldError()}
        self.now_note = QLabel(_("Keadaan saat ini, tanpa periode."))
        self.now_note.setObjectName("report_now")
        self.format = QComboBox()
        self.format.setObjectName("report_format")
        self.format.setMinimumWidth(200)
        self.format.setMaximumWidth(260)
        self._preferred_format = "pdf"
        self.format.activated.connect(
            lambda _i: setattr(self, "_preferred_format", self.format.currentData()))
        self.error = FieldError()
        self.save_button = key_button(_("Simpan…"), "Ctrl+S", self, self.save)
        self.save_button.setObjectName("report_save")
        self.status = status_label("report_status")

        self.form = QFormLayout()
        self.form.addRow(_("Dari tanggal"), self._with_error(self.date_from, "date_from"))
        self.to_label = QLabel(_("Sampai tanggal"))
        self.form.addRow(self.to_label, self._with_error(self.date_to, "date_to"))
        self.form.addRow("", self.now_note)
        self.form.addRow(_("Format"), self.format)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        if session.can("report.finance"):
            self.bank_button = key_button(_("Cocokkan mutasi bank…"), "Ctrl+B", self,
                                          self.reconcile_bank)
            self.bank_button.setObjectName("report_bank_recon")
            save_row.addWidget(self.bank_button)
        save_row.addStretch()
        self.form.addRow("", save_row)
        options = QVBoxLayout()
        options.addWidget(self.title)
        options.addWidget(self.description)
        options.addSpacing(12)
        options.addLayout(self.form)
        options.addWidget(self.error)
        options.addWidget(self.status)
        options.addStretch()
        hint = QLabel(_("↑↓ pilih laporan · Tab ke pilihan · Enter atau Ctrl+S simpan"))
        hint.setStyleSheet("color: #555;")
        left = QVBoxLayout()
        left.addWidget(QLabel(_("Laporan yang dapat Anda cetak")))
        left.addWidget(self.list, 1)
        left.addWidget(hint)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(options, 2)
        self.setTabOrder(self.list, self.date_from)
        self.setTabOrder(self.date_from, self.date_to)
        self.setTabOrder(self.date_to, self.format)
        self.setTabOrder(self.format, self.save_button)
        self.setFocusProxy(self.list)

        self.list.currentRowChanged.connect(self._show_options)
        if self.kinds:
            self.list.setCurrentRow(0)
        else:
            self.title.setText(_("Tidak ada laporan yang dapat Anda cetak."))
            self._show_options(-1)

    def reconcile_bank(self) -> None:
        """The bank's statement CSV against the books' bank money (its own dialog)."""
        BankReconDialog(self.session, self).exec()

    def _day_field(self, name: str, day: date) -> QLineEdit:
        field = QLineEdit(day_text(day))
        field.setObjectName(name)
        field.setPlaceholderText(_("hh-bb-tttt"))
        field.setMaximumWidth(160)
        field.textEdited.connect(lambda _t: self._clear_errors())
        return field

    def _with_error(self, field: QLineEdit, key: str) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(field)
        column.addWidget(self.errors[key])
        return box

    # --- what is selected -------------------------------------------------------------------

    def current(self) -> ReportKind | None:
        row = self.list.currentRow()
        return self.kinds[row] if 0 <= row < len(self.kinds) else None

    def select(self, key: str) -> None:
        self.list.setCurrentRow(next(i for i, k in enumerate(self.kinds) if k.key == key))

    def _show_options(self, _row: int) -> None:
        kind = self.current()
        self._clear_errors()
        self.status.setText("")
        period = kind.period if kind else NOW
        self.form.setRowVisible(0, period == PERIOD)
        self.form.setRowVisible(1, period in (PERIOD, AS_OF))
        self.form.setRowVisible(2, kind is not None and period == NOW)
        self.form.setRowVisible(3, kind is not None)
        self.save_button.setEnabled(kind is not None)
        if kind is None:
            self.description.setText("")
            return
        self.to_label.setText(_("Per tanggal") if period == AS_OF else _("Sampai tanggal"))
        self.title.setText(kind.title)
        self.description.setText(kind.description)
        # The format the person last picked stays picked where the report has it (passing
        # over an XLSX-only report does not change it).
        chosen = self._preferred_format
        self.format.clear()
        for fmt in kind.formats:
            self.format.addItem(format_label(fmt), fmt)
        if chosen in kind.formats:
            self.format.setCurrentIndex(kind.formats.index(chosen))

    def _clear_errors(self) -> None:
        for error in [*self.errors.values(), self.error]:
            error.show_message(None)

    # --- saving -----------------------------------------------------------------------------

    def keyPressEvent(self, event):  # noqa: N802 (Qt API)
        """Enter anywhere on the screen (the list, a day, the format) saves the report."""
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.save()
            return
        super().keyPressEvent(event)

    def save(self) -> None:
        kind = self.current()
        if kind is None:
            return
        self._clear_errors()
        self.status.setText("")
        try:
            first, last = check_period(kind, self.date_from.text(), self.date_to.text(),
                                       today(self.session))
        except UserError as e:
            field = e.field if e.field in self.errors else None
            (self.errors[field] if field else self.error).show_message(e.message)
            (self.date_from if field == "date_from" else self.date_to).setFocus()
            return
        fmt = self.format.currentData()
        user = self.session.user
        path = save_report(
            self, self.session.db, kind.title, kind.file_name(first, last, fmt),
            lambda db, out, f: kind.write(db, out, f, first, last, user),
            formats=(fmt, *(f for f in kind.formats if f != fmt)), in_place=kind.in_place)
        if path is not None:
            self.status.setText(_("Tersimpan di {path}").format(path=path))
        back_to(self.list)
