"""The district office's screens, shown instead of the till when the database is a hub
(``gerai init`` then ``gerai hub init``): the shops registered and how far each one's
packages have come (F2 registers a shop's key), and the import of packages carried in on a
USB stick, with a summary per file (a fork shows both heads and may be accepted)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.models import hub_store
from app.models.clock import format_local
from app.models.errors import UserError
from app.sync import hub as sync_hub
from app.sync import keys as sync_keys
from app.ui.session import Session
from app.ui.sync_page import may_sync, run_refusing
from app.ui.widgets import FieldError, key_button


def hub_areas(session: Session) -> list[tuple[str, str, object]]:
    """The hub's areas for the main window: (key, label, factory), in Ctrl+number order."""
    from app.ui.audit_screen import AuditScreen
    from app.ui.hub_office_pages import HubReportsPage, ReferencePage
    from app.ui.settings_screen import SettingsScreen
    from app.ui.users_screen import UsersScreen

    areas = [("hub_shops", _("Gerai"), lambda: HubShopsPage(session)),
             ("hub_import", _("Impor paket"), lambda: HubImportPage(session)),
             ("hub_reports", _("Laporan dinas"), lambda: HubReportsPage(session)),
             ("hub_reference", _("Daftar HET / referensi"), lambda: ReferencePage(session))]
    if session.can("audit.view"):
        areas.append(("audit", _("Log audit"), lambda: AuditScreen(session)))
    if session.can("user.manage"):
        areas.append(("users", _("Akun pengguna"), lambda: UsersScreen(session)))
    # The district's books need backups as much as a shop's (Pengaturan → Cadangan data).
    areas.append(("settings", _("Pengaturan"), lambda: SettingsScreen(session)))
    return areas


def _table(name: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    for column in range(len(headers) - 1):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    table.setTabKeyNavigation(False)
    return table


def _fill(table: QTableWidget, rows: list[tuple]) -> None:
    table.setRowCount(len(rows))
    for row, cells in enumerate(rows):
        for column, text in enumerate(cells):
            table.setItem(row, column, QTableWidgetItem(str(text)))


class HubShopsPage(QWidget):
    """The shops the district knows: code, name, last package, last import, chain head."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("hub_shops")
        allowed = may_sync(session)
        self.district = QLabel()
        self.district.setObjectName("hub_district")
        self.table = _table("hub_shop_list", [
            _("Kode"), _("Nama"), _("Paket terakhir dibuat"), _("Impor terakhir"),
            _("Masa / paket"), _("Terdaftar")])
        self.code = QLineEdit()
        self.code.setObjectName("hub_shop_code")
        self.code.setPlaceholderText(_("mis. KDMP017"))
        self.name = QLineEdit()
        self.name.setObjectName("hub_shop_name")
        self.name.setPlaceholderText(_("boleh kosong"))
        self.errors = {"code": FieldError(), "key": FieldError()}
        form = QFormLayout()
        for label, widget, error in ((_("Kode gerai baru"), self.code, "code"),
                                     (_("Nama gerai"), self.name, "key")):
            box = QVBoxLayout()
            box.addWidget(widget)
            box.addWidget(self.errors[error])
            form.addRow(label, box)
        self.code.returnPressed.connect(self.focusNextChild)
        self.message = QLabel()
        self.message.setObjectName("hub_shops_message")
        self.message.setWordWrap(True)
        register = key_button(_("Daftarkan gerai…"), "F2", self, self.register)
        public = key_button(_("Simpan kunci publik dinas…"), "F3", self, self.save_public)
        for widget in (self.code, self.name, register, public):
            widget.setVisible(allowed)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(register)
        bottom.addWidget(public)
        layout = QVBoxLayout(self)
        layout.addWidget(self.district)
        layout.addWidget(self.table, 1)
        if allowed:
            layout.addLayout(form)
        layout.addLayout(bottom)
        self.setFocusProxy(self.code if allowed else self.table)
        self.refresh()

    def say(self, text: str) -> None:
        self.message.setText(text)

    def refresh(self) -> None:
        db = self.session.db
        zone = self.session.settings.zone

        def when(value):
            return format_local(value, zone) if value else _("belum")

        shops = hub_store.shops(db)
        self.district.setText(_("Dinas {district} · {count} gerai terdaftar").format(
            district=hub_store.district(db), count=len(shops)))
        _fill(self.table, [
            (s["code"], s["name"], when(s["last_package_at"]), when(s["last_import_at"]),
             f"{s['epoch']} / {s['last_seq']}" if s["epoch"] is not None else "–",
             when(s["registered_at"])) for s in shops])

    def register(self) -> None:
        """The shop's public key file (from its F3) under the code typed above."""
        for error in self.errors.values():
            error.show_message(None)
        if not self.code.text().strip():
            self.errors["code"].show_message(_("Isi kode gerai dulu, lalu pilih berkas"
                                               " kuncinya."))
            self.code.setFocus()
            return
        chosen, _filter = QFileDialog.getOpenFileName(
            self, _("Pilih kunci publik gerai"), str(Path.home()),
            _("Kunci publik (*.pub);;Semua berkas (*)"))
        if not chosen:
            return
        try:
            pub = sync_hub.register(self.session.db, Path(chosen), code=self.code.text(),
                                    name=self.name.text(), user=self.session.user)
        except UserError as e:
            self.errors.get(e.field, self.errors["key"]).show_message(e.message)
            self.say(_("Belum terdaftar."))
            self.code.setFocus()
            return
        self.say(_("Gerai {code} terdaftar. Sidik kunci: {fingerprint} — cocokkan dengan"
                   " yang tampil di gerai.").format(code=self.code.text().strip().upper(),
                                                    fingerprint=sync_keys.fingerprint(pub)))
        self.code.clear()
        self.name.clear()
        self.refresh()

    def save_public(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, _("Simpan kunci publik dinas ke"
                                                          " folder"), str(Path.home()))
        if not chosen:
            return
        try:
            path = sync_hub.write_public(self.session.db, Path(chosen))
        except UserError as e:
            self.say(e.message)
            return
        self.say(_("Kunci publik dinas tersimpan: {path}. Bawa ke setiap gerai (F4 di"
                   " Pengaturan → Sinkronisasi).").format(path=path))


class HubImportPage(QWidget):
    """F5 a folder of packages, F6 chosen files; each file's fate in the table."""

    COLUMNS = 7

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("hub_import")
        allowed = may_sync(session)
        self.results: list = []
        self.paths: dict[str, Path] = {}
        self.allow_gaps = QCheckBox(_("Terima paket dengan celah (paket sebelumnya belum"
                                      " datang) dan beri peringatan"))
        self.allow_gaps.setObjectName("hub_allow_gaps")
        self.allow_gaps.setChecked(
            hub_store.hub_setting(session.db, hub_store.ALLOW_GAPS) == "1")
        self.allow_gaps.setEnabled(allowed)
        self.allow_gaps.toggled.connect(self.set_allow_gaps)
        self.table = _table("hub_import_summary", [
            _("Berkas"), _("Gerai"), _("Jenis"), _("Baris baru"), _("Sudah ada"),
            _("Diterapkan"), _("Alasan")])
        self.table.horizontalHeader().setSectionResizeMode(
            6, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setObjectName("hub_import_summary_text")
        self.summary.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("hub_import_message")
        self.message.setWordWrap(True)
        folder = key_button(_("Impor folder…"), "F5", self, self.import_folder)
        files = key_button(_("Impor berkas…"), "F6", self, self.import_chosen_files)
        self.fork_button = key_button(_("Terima cabang…"), "F8", self, self.accept_fork)
        self.fork_button.setEnabled(False)
        for widget in (folder, files, self.fork_button):
            widget.setVisible(allowed)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(folder)
        bottom.addWidget(files)
        bottom.addWidget(self.fork_button)
        intro = QLabel(_("Pilih folder USB berisi paket gerai (F5) atau berkasnya (F6), atau"
                         " tarik folder dan berkasnya ke sini. Paket diperiksa tanda tangan"
                         " dan isinya sebelum disimpan; paket yang ditolak tidak mengubah"
                         " apa pun."))
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.allow_gaps)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addLayout(bottom)
        self.setFocusProxy(self.table)
        self.setAcceptDrops(allowed)

    def say(self, text: str) -> None:
        self.message.setText(text)

    @staticmethod
    def _dropped(event) -> list[Path]:
        data = event.mimeData()
        if not data.hasUrls():
            return []
        return [Path(u.toLocalFile()) for u in data.urls() if u.isLocalFile()]

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """A folder from the stick (or some packages) dragged from the file manager."""
        if self._dropped(event):
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self._dropped(event):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt's name
        paths = self._dropped(event)
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)

    def set_allow_gaps(self, allow: bool) -> None:
        try:
            hub_store.set_allow_gaps(self.session.db, allow, user=self.session.user)
        except UserError as e:
            self.say(e.message)
            return
        self.say(_("Paket dengan celah kini diterima dengan peringatan.") if allow
                 else _("Paket dengan celah kini ditolak sampai paket yang hilang datang."))

    def import_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, _("Pilih folder berisi paket"),
                                                  str(Path.home()))
        if chosen:
            self.import_paths([Path(chosen)])

    def import_chosen_files(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileNames(
            self, _("Pilih paket gerai"), str(Path.home()),
            _("Paket Gerai (*.gerai);;Semua berkas (*)"))
        if chosen:
            self.import_paths([Path(p) for p in chosen])

    def import_paths(self, paths: list[Path], *, accept_fork: bool = False) -> None:
        files = sync_hub.package_files(paths)
        if not files:
            self.say(_("Tidak ada paket di {where}.").format(
                where=", ".join(str(p) for p in paths)))
            return
        user = self.session.user
        results = run_refusing(self, _("Mengimpor paket …"), lambda db: sync_hub.import_files(
            db, files, accept_fork=accept_fork, user=user))
        if results is None:
            return
        self.paths = {p.name: p for p in files}
        self.show_results(results)

    def show_results(self, results: list) -> None:
        self.results = list(results)
        _fill(self.table, [
            (r.file, r.shop or "–", sync_hub.kind_label(r.kind),
             r.outcome.rows_new if r.outcome else 0,
             r.outcome.rows_present if r.outcome else 0,
             _("ya") if r.applied else _("tidak"), r.message) for r in self.results])
        self.table.resizeRowsToContents()
        done = sync_hub.tally(self.results)
        self.summary.setText(_("{files} berkas: {applied} diterapkan ({new} baris baru),"
                               " {duplicate} sudah ada, {refused} ditolak.").format(
            files=done.files, applied=done.applied, new=done.new, duplicate=done.duplicate,
            refused=done.refused))
        self.say("")
        if self.results:
            self.table.selectRow(0)
        self._selection_changed()     # the same row selected again says nothing itself
        self.table.setFocus()

    def selected(self):
        rows = self.table.selectionModel().selectedRows()
        return self.results[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        chosen = self.selected()
        self.fork_button.setEnabled(chosen is not None and chosen.kind == "fork"
                                    and not chosen.applied)

    def accept_fork(self) -> None:
        """A restored shop's new chain, taken on the officer's word after a question."""
        chosen = self.selected()
        if chosen is None or chosen.kind != "fork" or chosen.applied:
            self.say(_("Pilih dulu baris berjenis 'cabang'."))
            return
        answer = QMessageBox.question(
            self, _("Terima cabang"),
            _("{file} dari gerai {shop}:\n{reason}\n\nTerima rantai baru ini? Lakukan hanya"
              " bila gerai memang dipulihkan dari cadangan.").format(
                file=chosen.file, shop=chosen.shop, reason=chosen.message),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.import_paths([self.paths[chosen.file]], accept_fork=True)


