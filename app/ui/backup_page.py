"""The Cadangan page of the settings: where the automatic backups go and how many stay
(the admin changes them, Ctrl+S; others read them), the backups already in that folder,
a backup now (F5) and a copy to a USB stick (F6). Restoring is not done here: it replaces
the database under the running program, so it is ``gerai restore`` with the program closed.

A backup's NIK and phone are sealed under the personal-data key, a file of its own: the
admin saves it locked with a passphrase (F7) beside the backups, and puts it back (F8) on
a new computer after a restore; the page says whether the key is in place.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.models.backup_settings import (
    automatic_backup,
    backup_files,
    backup_folder,
    backup_settings_from_form,
    backup_to_usb,
    default_folder,
    format_size,
    get_backup_settings,
    last_backup,
    save_backup_settings,
)
from app.models.clock import format_local
from app.models.errors import UserError
from app.models.personal import key_status
from app.sync.key_backup import check_new_passphrase, export_personal_key, import_personal_key
from app.ui.errors import on_error
from app.ui.operations import run_operation
from app.ui.session import Session
from app.ui.widgets import FieldError, key_button, save_page


class BackupPage(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("backup_settings")
        allowed = session.can("settings.edit")
        current = get_backup_settings(session.db)

        self.folder = QLineEdit(current.folder)
        self.folder.setObjectName("backup_folder")
        self.folder.setPlaceholderText(_("kosong: {folder}").format(folder=default_folder()))
        self.folder.setEnabled(allowed)
        browse = QPushButton(_("Pilih…"))
        browse.setObjectName("backup_browse")
        browse.clicked.connect(self.browse)
        browse.setVisible(allowed)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        self.keep = QLineEdit(str(current.keep))
        self.keep.setObjectName("backup_keep")
        self.keep.setPlaceholderText(_("1 sampai 1000"))
        self.keep.setEnabled(allowed)
        self.at_shift_close = QCheckBox(_("Cadangkan setiap kali shift ditutup (laporan Z)"))
        self.at_shift_close.setObjectName("backup_at_shift_close")
        self.daily = QCheckBox(_("Cadangkan sekali sehari saat program dibuka"))
        self.daily.setObjectName("backup_daily")
        for box, value in ((self.at_shift_close, current.at_shift_close),
                           (self.daily, current.daily)):
            box.setChecked(value)
            box.setEnabled(allowed)
        self.folder.returnPressed.connect(self.focusNextChild)
        self.keep.returnPressed.connect(self.focusNextChild)

        self.errors = {name: FieldError() for name in ("folder", "keep", "at_shift_close",
                                                       "daily")}
        form = QFormLayout()
        for label, row, name in ((_("Folder cadangan"), folder_row, "folder"),
                                 (_("Jumlah cadangan disimpan"), self.keep, "keep"),
                                 ("", self.at_shift_close, "at_shift_close"),
                                 ("", self.daily, "daily")):
            box = QVBoxLayout()
            box.addLayout(row) if isinstance(row, QHBoxLayout) else box.addWidget(row)
            box.addWidget(self.errors[name])
            form.addRow(label, box)

        self.where = QLabel()
        self.where.setObjectName("backup_where")
        self.where.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("backup_list")
        self.table.setHorizontalHeaderLabels([_("Dibuat"), _("Ukuran"), _("Berkas")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setTabKeyNavigation(False)

        self.message = QLabel()
        self.message.setObjectName("backup_message")
        self.message.setWordWrap(True)
        now_button = key_button(_("Cadangkan sekarang"), "F5", self, self.backup_now)
        usb = key_button(_("Cadangkan ke USB…"), "F6", self, self.backup_to_usb)
        usb.setVisible(allowed)
        save_key = key_button(_("Simpan kunci data pribadi…"), "F7", self, self.save_key)
        save_key.setVisible(allowed)
        restore_key = key_button(_("Pulihkan kunci…"), "F8", self, self.restore_key)
        restore_key.setVisible(allowed)
        save = key_button(_("Simpan"), "Ctrl+S", self, self.save)
        save.setVisible(allowed)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(now_button)
        bottom.addWidget(usb)
        bottom.addWidget(save_key)
        bottom.addWidget(restore_key)
        bottom.addWidget(save)
        self.key_where = QLabel()
        self.key_where.setObjectName("backup_key_where")
        self.key_where.setWordWrap(True)

        intro = QLabel(_(
            "Cadangan dibuat otomatis ke folder di bawah, tanpa menghentikan kasir. Simpan"
            " juga salinan di USB dan bawa pulang: bila komputer rusak atau hilang, data"
            " koperasi tetap ada. Memulihkan cadangan tidak dilakukan di sini: tutup"
            " program, lalu jalankan perintah \u201cgerai restore BERKAS\u201d (basis data"
            " yang sekarang disimpan di sampingnya). NIK dan telepon anggota di cadangan"
            " terkunci dengan kunci data pribadi: simpan juga kunci itu (F7) dengan kata"
            " sandi, dan pulihkan (F8) di komputer baru."))
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.where)
        layout.addWidget(self.key_where)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.setFocusProxy(self.folder if allowed else self.table)
        self.refresh()

    def refresh(self) -> None:
        """The folder in use, the last automatic backup, and the backups there."""
        db = self.session.db
        folder = backup_folder(get_backup_settings(db))
        last = last_backup(db)
        when = (format_local(last, self.session.settings.zone) if last
                else _("belum pernah"))
        self.where.setText(_("Folder yang dipakai: {folder} · cadangan otomatis terakhir:"
                             " {when}").format(folder=folder, when=when))
        try:
            files = backup_files(folder, self.session.settings.shop_code)
        except OSError as e:
            files = []
            self.message.setText(_("Folder {folder} tidak dapat dibaca: {error}").format(
                folder=folder, error=e.strerror or e))
        self.refresh_key()
        self.table.setRowCount(len(files))
        for row, item in enumerate(files):
            for column, text in enumerate((item.made, format_size(item.size),
                                           item.path.name)):
                self.table.setItem(row, column, QTableWidgetItem(text))

    def browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, _("Pilih folder cadangan"), self.folder.text() or str(Path.home()))
        if chosen:
            self.folder.setText(chosen)
        self.folder.setFocus()

    def save(self) -> None:
        def save():
            settings = backup_settings_from_form(
                folder=self.folder.text(), keep=self.keep.text(),
                at_shift_close=self.at_shift_close.isChecked(), daily=self.daily.isChecked())
            return save_backup_settings(self.session.db, user=self.session.user,
                                        settings=settings)

        saved = save_page(save, errors=self.errors, fallback="folder", message=self.message,
                          inputs={"folder": self.folder, "keep": self.keep})
        if saved is None:
            return
        self.folder.setText(saved.folder)
        self.keep.setText(str(saved.keep))
        self.message.setText(_("Pengaturan cadangan tersimpan."))
        self.refresh()

    def refresh_key(self) -> None:
        """Where the personal-data key is, and whether it opens this database's data."""
        path, ok = key_status(self.session.db)
        if path is None:
            text = _("Kunci data pribadi: belum dibuat (belum ada NIK atau telepon anggota).")
        elif ok:
            text = _("Kunci data pribadi: {path}").format(path=path)
        else:
            text = _("Kunci data pribadi tidak ada atau salah ({path}): NIK dan telepon"
                     " anggota terkunci. Pulihkan dengan F8.").format(path=path)
        self.key_where.setText(text)

    def _run(self, title: str, job, *, failed: str | None = None,
             cancelled: str | None = None) -> object | None:
        """``job(db)`` off the GUI thread; its refusal in the message line."""
        try:
            done, result = run_operation(self, title, self.session.db.path, job)
        except UserError as e:
            self.message.setText((failed or _("Cadangan gagal: {error}")).format(
                error=e.message))
            return None
        except Exception as e:  # noqa: BLE001 - logged and said by on_error
            on_error(self, e)
            return None
        finally:
            self.refresh()
        if not done:
            self.message.setText(cancelled or _("Cadangan dibatalkan."))
            return None
        return result

    def _passphrase(self, title: str, label: str) -> str | None:
        """A passphrase typed unseen; None when the person cancelled."""
        text, ok = QInputDialog.getText(self, title, label, QLineEdit.EchoMode.Password)
        return text if ok else None

    def save_key(self) -> None:
        """F7: the key locked with a passphrase asked twice, into a folder (a USB stick)."""
        if not self.session.can("settings.edit"):
            return
        title = _("Simpan kunci data pribadi")
        first = self._passphrase(title, _(
            "Kata sandi untuk mengunci salinan kunci (paling sedikit 10 karakter). Catat"
            " dan simpan di tempat lain: tanpa kata sandi ini salinannya tidak dapat"
            " dibuka."))
        if first is None:
            return
        try:
            check_new_passphrase(first)
        except UserError as e:
            self.message.setText(_("Kunci tidak disimpan: {error}").format(error=e.message))
            return
        second = self._passphrase(title, _("Ketik kata sandi itu sekali lagi."))
        if second is None:
            return
        if second != first:
            self.message.setText(_("Kunci tidak disimpan: kedua kata sandi tidak sama."))
            return
        chosen = QFileDialog.getExistingDirectory(self, _("Pilih folder untuk salinan kunci"),
                                                  str(Path.home()))
        if not chosen:
            return
        result = self._run(_("Menyimpan kunci data pribadi …"),
                           lambda db: export_personal_key(db, Path(chosen), first,
                                                          user=self.session.user),
                           failed=_("Kunci tidak disimpan: {error}"),
                           cancelled=_("Tidak ditunggu: periksa apakah salinan kunci ada di"
                                       " {folder}.").format(folder=chosen))
        if result is not None:
            self.message.setText(_("Salinan kunci tersimpan: {path}. Simpan bersama cadangan;"
                                   " kata sandinya di tempat lain.").format(path=result))

    def restore_key(self) -> None:
        """F8: a saved key file put back where this database looks for it."""
        if not self.session.can("settings.edit"):
            return
        chosen, _filter = QFileDialog.getOpenFileName(
            self, _("Pilih berkas kunci"), str(Path.home()),
            _("Kunci data pribadi (gerai-kunci-*.age);;Semua berkas (*)"))
        if not chosen:
            return
        words = self._passphrase(_("Pulihkan kunci data pribadi"),
                                 _("Kata sandi berkas {name}:").format(name=Path(chosen).name))
        if words is None:
            return
        result = self._run(_("Memulihkan kunci data pribadi …"),
                           lambda db: import_personal_key(db, Path(chosen), words,
                                                          user=self.session.user),
                           failed=_("Kunci tidak dipulihkan: {error}"),
                           cancelled=_("Tidak ditunggu: periksa keterangan kunci di atas."))
        if result is not None:
            self.message.setText(result.message)

    def backup_now(self) -> None:
        user_id = self.session.user.id
        result = self._run(_("Mencadangkan data …"),
                           lambda db: automatic_backup(db, user_id=user_id))
        if result is not None:
            self.message.setText(_("Cadangan dibuat: {name} ({size}).").format(
                name=result.path.name, size=format_size(result.size)))

    def backup_to_usb(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, _("Pilih folder di USB"),
                                                  str(Path.home()))
        if not chosen:
            return
        user = self.session.user
        self.message.setText(_("Menyalin ke {folder} … jangan cabut USB.").format(
            folder=chosen))
        result = self._run(_("Menyalin cadangan ke USB …"),
                           lambda db: backup_to_usb(db, Path(chosen), user=user))
        if result is not None:
            # Only now: the file is complete, synced and checked under its final name.
            self.message.setText(_("Cadangan tersimpan di {folder}: {name} ({size})."
                                   " USB aman dicabut.").format(
                folder=chosen, name=result.path.name, size=format_size(result.size)))
