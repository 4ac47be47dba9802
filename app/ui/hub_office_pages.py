"""The district office's outputs: the district reports over every shop's books (PDF, XLSX,
CSV) and the reference packages sent back to the shops (the HET price list, the product
catalog). Their writers live in app.reports.hub_reports and app.sync.reference and are
imported when asked for, so an installation without them still opens the hub."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.models.clock import day_text, local_date, now, parse_day
from app.models.errors import UserError
from app.ui.session import Session
from app.ui.sync_page import may_sync, run_refusing
from app.ui.widgets import FieldError, key_button

FORMATS = ("pdf", "xlsx", "csv")


def _hub_reports():
    """The hub reports module, or None while this installation has none."""
    try:
        from app.reports import hub_reports
    except ImportError:
        return None
    return hub_reports


def report_names(module) -> list[tuple[str, str]]:
    """(name, title) of each district report the module offers."""
    if module is None:
        return []
    titles = getattr(module, "report_titles", None)
    if callable(titles):
        return list(titles().items())
    offered = next((getattr(module, attr) for attr in ("HUB_REPORTS", "REPORTS", "NAMES")
                    if getattr(module, attr, None)), None)
    if offered is None:
        return []
    if isinstance(offered, dict):
        return [(name, str(getattr(title, "title", title))) for name, title in offered.items()]
    return [(str(name), str(name)) for name in offered]


def _where(result) -> str:
    path = getattr(result, "path", result)
    return Path(path).name if isinstance(path, (str, Path)) else str(path)


class HubReportsPage(QWidget):
    """A district report for a period, in the chosen format, written where the officer
    says (F5)."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("hub_reports")
        self.name = QComboBox()
        self.name.setObjectName("hub_report_name")
        self.start = QLineEdit()
        self.start.setObjectName("hub_report_start")
        self.start.setPlaceholderText(_("mis. 01-11-2026"))
        self.end = QLineEdit()
        self.end.setObjectName("hub_report_end")
        self.end.setPlaceholderText(_("mis. 30-11-2026"))
        self.format = QComboBox()
        self.format.setObjectName("hub_report_format")
        self.format.addItems(FORMATS)
        # This month so far: what the office most often asks for.
        today = local_date(now(), session.settings.zone)
        self.start.setText(day_text(today.replace(day=1)))
        self.end.setText(day_text(today))
        self.errors = {key: FieldError() for key in ("name", "start", "end", "fmt")}
        form = QFormLayout()
        for label, widget, key in ((_("Laporan"), self.name, "name"),
                                   (_("Dari tanggal"), self.start, "start"),
                                   (_("Sampai tanggal"), self.end, "end"),
                                   (_("Format"), self.format, "fmt")):
            box = QVBoxLayout()
            box.addWidget(widget)
            box.addWidget(self.errors[key])
            form.addRow(label, box)
        self.start.returnPressed.connect(self.focusNextChild)
        self.end.returnPressed.connect(self.focusNextChild)
        self.message = QLabel()
        self.message.setObjectName("hub_reports_message")
        self.message.setWordWrap(True)
        self.write_button = key_button(_("Buat laporan…"), "F5", self, self.write)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.write_button)
        intro = QLabel(_("Laporan seluruh gerai di dinas: pilih laporan, periode dan format,"
                         " lalu F5 dan tentukan tempat berkasnya."))
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addLayout(bottom)
        self.setFocusProxy(self.name)
        names = report_names(_hub_reports())
        for name, title in names:
            self.name.addItem(title, name)
        if not names:
            self.say(_("Laporan dinas belum tersedia di versi Gerai ini."))

    def say(self, text: str) -> None:
        self.message.setText(text)

    def write(self) -> None:
        for error in self.errors.values():
            error.show_message(None)
        module = _hub_reports()
        if module is None or self.name.currentIndex() < 0:
            self.say(_("Laporan dinas belum tersedia di versi Gerai ini."))
            return
        try:
            start = parse_day(self.start.text(), field="start", what=_("Dari tanggal"))
            end = parse_day(self.end.text(), field="end", what=_("Sampai tanggal"))
        except UserError as e:
            self.errors[e.field].show_message(e.message)
            (self.start if e.field == "start" else self.end).setFocus()
            return
        if start is None or end is None:
            key = "start" if start is None else "end"
            self.errors[key].show_message(_("Isi tanggalnya, mis. 01-11-2026."))
            (self.start if start is None else self.end).setFocus()
            return
        name, fmt = self.name.currentData(), self.format.currentText()
        user = self.session.user
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Simpan laporan"), str(Path.home() / f"{name}.{fmt}"), f"*.{fmt}")
        if not chosen:
            return
        result = run_refusing(self, _("Membuat laporan dinas …"),
                              lambda db: module.write_hub_report(
                                  db, name, start=start, end=end, fmt=fmt, out=Path(chosen),
                                  printed_by=user))
        if result is not None:
            self.say(_("Laporan tersimpan: {path}").format(path=chosen))


class ReferencePage(QWidget):
    """A signed reference package for the shops (F6): the HET list or the catalog."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("hub_reference")
        self.kind = QComboBox()
        self.kind.setObjectName("hub_reference_kind")
        for kind, label in (("het", _("Daftar HET (harga eceran tertinggi)")),
                            ("catalog", _("Katalog produk"))):
            self.kind.addItem(label, kind)
        form = QFormLayout()
        form.addRow(_("Jenis"), self.kind)
        self.message = QLabel()
        self.message.setObjectName("hub_reference_message")
        self.message.setWordWrap(True)
        export = key_button(_("Ekspor referensi…"), "F6", self, self.export)
        export.setVisible(may_sync(session))
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(export)
        intro = QLabel(_("Paket referensi dari dinas untuk gerai: ditandatangani dinas dan"
                         " bernomor versi; gerai menolak versi yang lebih lama. Simpan ke USB"
                         " (F6), lalu di gerai: gerai sync reference import BERKAS."))
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addLayout(bottom)
        self.setFocusProxy(self.kind)

    def say(self, text: str) -> None:
        self.message.setText(text)

    def export(self) -> None:
        try:
            from app.sync.reference import export_reference
        except ImportError:
            self.say(_("Paket referensi belum tersedia di versi Gerai ini."))
            return
        chosen = QFileDialog.getExistingDirectory(self, _("Pilih folder (mis. USB) untuk"
                                                          " paket referensi"),
                                                  str(Path.home()))
        if not chosen:
            return
        kind, user = self.kind.currentData(), self.session.user
        result = run_refusing(self, _("Menulis paket referensi …"),
                              lambda db: export_reference(db, kind=kind, out=Path(chosen),
                                                               user=user))
        if result is not None:
            self.say(_("Paket referensi tersimpan di {folder}: {name}. Aman dicabut.").format(
                folder=chosen, name=_where(result)))
