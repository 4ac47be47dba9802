"""Starting the GUI: language, translator, database, login, main window."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from app import __version__
from app.i18n import _, language_from_argv, set_language
from app.models.db import open_db
from app.models.errors import UserError
from app.models.settings import get_settings
from app.models.users import authenticate, has_users
from app.ui.errors import on_error, setup_logging
from app.ui.login_dialog import LoginDialog
from app.ui.main_window import MainWindow
from app.ui.qt_i18n import CatalogTranslator
from app.ui.session import Session
from app.ui.setup_dialog import SetupDialog

IDLE_CHECKPOINT_MS = 60_000


def make_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Gerai")
    app.setApplicationVersion(__version__)
    if not getattr(app, "_gerai_translator", None):
        app._gerai_translator = CatalogTranslator(app)
        app.installTranslator(app._gerai_translator)
    return app


class _FirstPaint(QObject):
    """For ``gerai bench``: report the first paint of the main window, then quit."""

    def eventFilter(self, watched, event):  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.Paint:
            print(f"first-paint {time.time():.6f}", flush=True)
            QTimer.singleShot(0, QApplication.instance().quit)
        return False


def run_gui(db_path: Path, *, probe: bool = False) -> int:
    app = make_app()
    setup_logging()
    sys.excepthook = lambda kind, exc, tb: on_error(None, exc)
    try:
        db = open_db(db_path)
    except UserError as e:
        QMessageBox.critical(None, _("Gerai"), e.message)
        return 1
    if not has_users(db) and not probe:
        # First start on an empty database: set the shop up (or quit and run `gerai demo`).
        if SetupDialog(db).exec() != QDialog.DialogCode.Accepted:
            db.close()
            return 0
    if language_from_argv(sys.argv[1:]) is None and not os.environ.get("GERAI_LANG"):
        set_language(get_settings(db).language)  # the shop's own choice of language
    # Move the WAL into the database while nobody is selling (never inside a commit).
    idle = QTimer(app, interval=IDLE_CHECKPOINT_MS)
    idle.timeout.connect(lambda: db.checkpoint("PASSIVE"))
    idle.start()
    if probe:
        return _probe(app, db)
    while True:
        settings = get_settings(db)
        login = LoginDialog(db, settings)
        if login.exec() != QDialog.DialogCode.Accepted or login.user is None:
            break
        window = MainWindow(Session(db, login.user, settings))
        logged_out: list[bool] = []
        window.logout_requested.connect(logged_out.append)
        window.showMaximized()
        # Take the keyboard even where no window manager hands it over (kiosk sessions).
        window.activateWindow()
        app.exec()
        if not logged_out:
            break
    db.checkpoint("PASSIVE")
    db.close()
    return 0


def _probe(app: QApplication, db) -> int:
    username, _sep, secret = os.environ.get("GERAI_BENCH_LOGIN", "kasir:1234").partition(":")
    user = authenticate(db, username=username, secret=secret)
    window = MainWindow(Session(db, user, get_settings(db)))
    watcher = _FirstPaint(window)
    screen = window.screen("products")
    screen.table.viewport().installEventFilter(watcher)
    window.show()
    return app.exec()
