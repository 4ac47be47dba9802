"""The Sinkronisasi page of the settings: the shop's signing key and its fingerprint (F2
makes it), the public key handed to the district (F3), the district's key taken in (F4),
a package for the district written to a folder or a USB stick (F5; Shift+F5 everything
again), the changes not sent yet and the packages sent. Managers and admins only: a
package carries the members' personal data, encrypted to the district."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.models import hub_store, reference_data, sync_data
from app.models.clock import format_local
from app.models.errors import UserError
from app.sync import keys as sync_keys
from app.sync import shop as sync_shop
from app.ui.errors import on_error
from app.ui.operations import run_operation
from app.ui.session import Session
from app.ui.widgets import key_button

#: Who sends the shop's books to the district (the same people who keep the accounts).
SYNC_ROLES = frozenset({"manajer", "admin"})


def may_sync(session: Session) -> bool:
    return session.user.active and session.user.role in SYNC_ROLES


def shows_sync_page(session: Session) -> bool:
    """The settings show the page to managers and admins of a shop (a hub has its own)."""
    return may_sync(session) and not hub_store.is_hub(session.db)


def run_refusing(page, title: str, job):
    """``job(db)`` off the GUI thread; a refusal (a UserError, a refused package) goes to
    ``page.say`` and None comes back, as it does when the person cancelled."""
    try:
        done, result = run_operation(page, title, page.session.db.path, job)
    except UserError as e:
        page.say(e.message)
        return None
    except Exception as e:  # noqa: BLE001 - logged and said by on_error
        on_error(page, e)
        return None
    if not done:
        page.say(_("Dibatalkan."))
        return None
    return result


class SyncPage(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("sync_page")
        intro = QLabel(_(
            "Paket sinkronisasi membawa pembukuan gerai ke dinas koperasi tanpa internet:"
            " simpan paket ke USB (F5) lalu bawa ke dinas. Paket ditandatangani dengan kunci"
            " gerai dan dienkripsi untuk dinas; hanya dinas yang dapat membukanya."))
        intro.setWordWrap(True)
        self.fingerprint = QLabel()
        self.fingerprint.setObjectName("sync_fingerprint")
        self.district = QLabel()
        self.district.setObjectName("sync_district")
        self.pending = QLabel()
        self.pending.setObjectName("sync_pending")
        form = QFormLayout()
        form.addRow(_("Sidik kunci gerai"), self.fingerprint)
        form.addRow(_("Dinas"), self.district)
        form.addRow(_("Perubahan belum dikirim"), self.pending)
        self.zone = QComboBox()
        self.zone.setObjectName("sync_het_zone")
        for zone in reference_data.ZONES:
            self.zone.addItem(_("Zona {zone}").format(zone=zone), zone)
        self.zone.activated.connect(self.save_zone)
        form.addRow(_("Zona HET"), self.zone)
        self.references = QLabel()
        self.references.setObjectName("sync_references")
        form.addRow(_("Rujukan dari dinas"), self.references)

        self.table = QTableWidget(0, 6)
        self.table.setObjectName("sync_exports")
        self.table.setHorizontalHeaderLabels([_("Paket"), _("Masa"), _("Dibuat"), _("Baris"),
                                              _("Jenis"), _("Berkas")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for column in range(5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setTabKeyNavigation(False)

        self.message = QLabel()
        self.message.setObjectName("sync_message")
        self.message.setWordWrap(True)
        self.keygen_button = key_button(_("Buat kunci"), "F2", self, self.keygen)
        public = key_button(_("Simpan kunci publik…"), "F3", self, self.save_public)
        enroll = key_button(_("Daftarkan ke dinas…"), "F4", self, self.enroll)
        send = key_button(_("Kirim paket…"), "F5", self, lambda: self.export())
        full = key_button(_("Kirim semua ulang…"), "Shift+F5", self, self.export_full)
        reference = key_button(_("Terapkan rujukan…"), "F6", self, self.apply_reference)
        self.buttons = {"keygen": self.keygen_button, "public": public, "enroll": enroll,
                        "export": send, "full": full, "reference": reference}
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        for button in self.buttons.values():
            bottom.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(QLabel(_("Paket yang sudah dibuat")))
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.setFocusProxy(self.table)
        self.refresh()

    def say(self, text: str) -> None:
        self.message.setText(text)

    def refresh(self) -> None:
        """The key, the district, what waits to be sent, and the packages sent."""
        db = self.session.db
        has_key = sync_shop.has_key(db)
        if has_key:
            try:
                self.fingerprint.setText(sync_keys.fingerprint(sync_shop.public_key(db)))
            except UserError as e:
                self.fingerprint.setText(e.message)
        else:
            self.fingerprint.setText(_("belum ada kunci — tekan F2"))
        enrolled = sync_data.enrollment(db)
        self.district.setText(enrolled.district if enrolled
                              else _("belum terdaftar — tekan F4"))
        self.pending.setText(str(sync_data.pending_changes(db)))
        self.zone.setCurrentIndex(reference_data.ZONES.index(reference_data.het_zone(db)))
        lists = reference_data.applied(db)
        names = {"het": _("HET"), "catalog": _("katalog")}
        self.references.setText("; ".join(
            _("{kind} versi {version} dari {district}").format(
                kind=names.get(kind, kind), version=item["version"], district=item["district"])
            for kind, item in sorted(lists.items())) or _("belum ada"))
        self.keygen_button.setVisible(not has_key)
        self.buttons["public"].setEnabled(has_key)
        zone = self.session.settings.zone
        sent = sync_data.exports(db)
        self.table.setRowCount(len(sent))
        for row, item in enumerate(sent):
            kind = _("lengkap") if item["full"] else _("perubahan")
            cells = (f"{item['seq_from']}–{item['seq']}" if item["seq_from"] != item["seq"]
                     else str(item["seq"]), str(item["epoch"]),
                     format_local(item["created_at"], zone), str(item["rows"]), kind,
                     item["file"])
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))

    def keygen(self) -> None:
        try:
            pub = sync_shop.keygen(self.session.db, user=self.session.user)
        except UserError as e:
            self.say(e.message)
            return
        finally:
            self.refresh()
        self.say(_("Kunci gerai dibuat. Sidik kunci: {fingerprint}. Serahkan kunci publiknya"
                   " ke dinas (F3).").format(fingerprint=sync_keys.fingerprint(pub)))

    def save_public(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, _("Simpan kunci publik ke folder"),
                                                  str(Path.home()))
        if not chosen:
            return
        try:
            path = sync_shop.write_public(self.session.db, Path(chosen))
        except UserError as e:
            self.say(e.message)
            return
        self.say(_("Kunci publik tersimpan: {path}. Sidik kunci: {fingerprint}.").format(
            path=path, fingerprint=self.fingerprint.text()))

    def enroll(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, _("Pilih kunci publik dinas"), str(Path.home()),
            _("Kunci publik (*.pub);;Semua berkas (*)"))
        if not chosen:
            return
        try:
            pub = sync_shop.enroll(self.session.db, Path(chosen), user=self.session.user)
        except UserError as e:
            self.say(e.message)
            return
        finally:
            self.refresh()
        self.say(_("Gerai terdaftar di dinas {district}. Paket berikutnya dienkripsi untuk"
                   " dinas itu.").format(district=pub.district))

    def export(self, *, full: bool = False) -> None:
        chosen = QFileDialog.getExistingDirectory(self, _("Pilih folder (mis. USB) untuk"
                                                          " paket"), str(Path.home()))
        if not chosen:
            return
        user = self.session.user
        self.say(_("Menulis paket ke {folder} … jangan cabut USB.").format(folder=chosen))
        result = run_refusing(self, _("Menulis paket sinkronisasi …"),
                              lambda db: sync_shop.export(db, Path(chosen), full=full,
                                                          user=user))
        self.refresh()
        if result is None:
            return
        # Only now: the file is complete, synced, read back and checked under its name.
        self.say(_("Paket {seq} tersimpan: {name} ({rows} baris). Aman dicabut.").format(
            seq=result.header["seq_to"], name=result.path.name, rows=result.rows))

    def export_full(self) -> None:
        answer = QMessageBox.question(
            self, _("Kirim semua ulang"),
            _("Buat paket berisi seluruh data gerai, bukan hanya perubahan? Pakai ini bila"
              " dinas kehilangan paket lama."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes:
            self.export(full=True)

    def save_zone(self) -> None:
        """The HET zone the district's lists are read in (I, II or III, by province)."""
        try:
            zone = reference_data.set_het_zone(self.session.db, self.zone.currentData(),
                                               user=self.session.user)
        except UserError as e:
            self.say(e.message)
            self.refresh()
            return
        self.say(_("Zona HET gerai: {zone}. Berlaku untuk daftar HET berikutnya.").format(
            zone=zone))

    def apply_reference(self) -> None:
        """A HET list or catalog from the district: caps set, prices never changed; what
        is now priced above its cap is listed for the manager."""
        from app.sync import reference

        chosen, _filter = QFileDialog.getOpenFileName(
            self, _("Pilih paket rujukan dari dinas"), str(Path.home()),
            _("Paket Gerai (*.gerai);;Semua berkas (*)"))
        if not chosen:
            return
        try:
            result = reference.import_reference(self.session.db, Path(chosen),
                                                user=self.session.user)
        except UserError as e:
            self.say(e.message)
            return
        finally:
            self.refresh()
        self.say("\n".join(reference.describe(result)))
