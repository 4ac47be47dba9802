"""Saving a printable report where the person chooses, then opening it to print or send."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QWidget

from app.ui.errors import on_error

FILTERS = {"pdf": "PDF (*.pdf)", "xlsx": "Excel (*.xlsx)", "csv": "CSV (*.csv)"}


def save_report(parent: QWidget, title: str, suggested: str,
                write: Callable[[Path, str], Path], formats=("pdf",)) -> Path | None:
    """Ask where to save ``suggested`` (its extension picks the first format), write it with
    ``write(path, format)`` and open it in the system's viewer; None when cancelled or
    refused (the refusal is shown)."""
    filters = ";;".join(FILTERS[f] for f in formats)
    name, chosen = QFileDialog.getSaveFileName(parent, title, suggested, filters)
    if not name:
        return None
    fmt = next((f for f in formats if name.lower().endswith("." + f)), None)
    if fmt is None:
        fmt = next((f for f in formats if FILTERS[f] == chosen), formats[0])
        name += "." + fmt
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        path = write(Path(name), fmt)
    except Exception as e:  # noqa: BLE001 - a refusal is shown, anything else logged too
        QGuiApplication.restoreOverrideCursor()
        on_error(parent, e)
        return None
    QGuiApplication.restoreOverrideCursor()
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
    return path
