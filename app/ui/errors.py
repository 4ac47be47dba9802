"""One place that decides how an error reaches the person at the screen."""

from __future__ import annotations

import logging
import traceback

import platformdirs
from PySide6.QtWidgets import QMessageBox, QWidget

from app.i18n import _
from app.models.errors import UserError

log = logging.getLogger("gerai")


def log_path():
    path = platformdirs.user_log_path("gerai", appauthor=False) / "gerai.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def setup_logging() -> None:
    handler = logging.FileHandler(log_path(), encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def on_error(parent: QWidget | None, exc: BaseException) -> None:
    """A refusal is shown as it is; anything else is logged and shown as a short apology."""
    if isinstance(exc, UserError):
        QMessageBox.warning(parent, _("Tidak dapat diproses"), exc.message)
        return
    log.error("unexpected error:\n%s", "".join(traceback.format_exception(exc)))
    QMessageBox.critical(
        parent, _("Terjadi kesalahan"),
        _("Maaf, terjadi kesalahan yang tidak terduga. Data yang sudah disimpan aman.\n"
          "Rincian dicatat di {path}").format(path=log_path()),
    )
