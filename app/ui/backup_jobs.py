"""The automatic backups seen from the screens: after a Z close at the till, and once a day
when the main window opens. Both run off the GUI thread with their own connection; a
failure is said plainly and never undoes what the person did (the shift stays closed)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox

from app.i18n import _
from app.models.backup_settings import automatic_backup, due_daily, get_backup_settings
from app.models.db import open_db
from app.models.errors import UserError
from app.ui.operations import run_operation

log = logging.getLogger("gerai")

#: Background jobs still running, kept alive until their result is delivered.
_running: set = set()
#: The daily backup being made (a quick log-out and log-in does not start a second one).
_daily: set = set()


class _Relay(QObject):
    """Lives on the GUI thread; its signal, emitted by the worker thread, is delivered there."""
    finished = Signal(object, object)   # result, error


def run_in_background(db_path: Path, job: Callable, done: Callable[[object, object], None]
                      ) -> threading.Thread:
    """Run ``job(db)`` on a daemon thread with its own connection to ``db_path``, without any
    dialog: nobody waits for it. ``done(result, error)`` is called on the GUI thread."""
    relay = _Relay()
    _running.add(relay)

    def deliver(result, error) -> None:
        _running.discard(relay)
        try:
            done(result, error)
        except RuntimeError:    # the window that asked was closed meanwhile
            pass

    relay.finished.connect(deliver)

    def work() -> None:
        result = error = None
        try:
            db = open_db(db_path, create=False, migrate=False)
            try:
                result = job(db)
            finally:
                db.close()
        except BaseException as e:  # noqa: BLE001 - handed to the GUI thread
            error = e
        relay.finished.emit(result, error)

    thread = threading.Thread(target=work, name="gerai-backup", daemon=True)
    thread.start()
    return thread


def failure_text(error: BaseException) -> str:
    """What went wrong in words for the screen (an unexpected error is logged in full)."""
    if isinstance(error, UserError):
        return error.message
    log.error("backup failed", exc_info=error)
    return _("kesalahan tak terduga (rinciannya di log)")


def backup_after_shift_close(screen) -> None:
    """After a Z close (already committed): a backup to the configured folder, with the
    busy bar while it runs. The till's status line says how it went; a failure is also a
    message box, since the cashier may be about to switch the computer off."""
    db = screen.session.db
    if not get_backup_settings(db).at_shift_close:
        return
    user_id = screen.session.user.id
    try:
        done, result = run_operation(screen, _("Mencadangkan data …"), db.path,
                                     lambda worker_db: automatic_backup(worker_db,
                                                                        user_id=user_id))
    except Exception as e:  # noqa: BLE001 - said on the screen; the close stays
        text = _("Shift sudah ditutup dan tersimpan, tetapi cadangan otomatis gagal: {error}"
                 " Periksa folder cadangan di Pengaturan → Cadangan data.").format(
            error=failure_text(e))
        screen.say(text)
        QMessageBox.warning(screen, _("Cadangan gagal"), text)
        return
    if done:
        screen.say(_("Shift ditutup. Cadangan dibuat: {name}").format(name=result.path.name))
    else:
        screen.say(_("Shift ditutup. Cadangan dibatalkan."))


def start_daily_backup(db, say: Callable[[str], None]) -> bool:
    """The daily backup, if due, in the background (its own connection to ``db``'s file);
    ``say`` shows how it went. True when one was started."""
    try:
        due = due_daily(db)
    except Exception:  # noqa: BLE001 - a check that cannot run must not stop the window
        log.exception("daily backup check failed")
        return False
    if not due or _daily:
        return False
    say(_("Membuat cadangan harian …"))
    _daily.add(db.path)

    def done(result, error) -> None:
        _daily.discard(db.path)
        if error is not None:
            say(_("Cadangan harian gagal: {error}").format(error=failure_text(error)))
        else:
            say(_("Cadangan harian dibuat: {name}").format(name=result.path.name))

    run_in_background(db.path, automatic_backup, done)
    return True
