"""Saving a printable report where the person chooses, then opening it to print or send.

The report is made off the GUI thread (its own connection, a busy bar with Cancel) into a
temporary file beside the target, which takes the target's name only when it is complete
and nobody cancelled."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget

from app.i18n import _
from app.models.db import Database
from app.ui.errors import on_error
from app.ui.operations import run_operation

FILTERS = {"pdf": "PDF (*.pdf)", "xlsx": "Excel (*.xlsx)", "csv": "CSV (*.csv)"}


def save_report(parent: QWidget, db: Database, title: str, suggested: str,
                write: Callable[[Database, Path, str], Path], formats=("pdf",), *,
                in_place: bool = False) -> Path | None:
    """Ask where to save ``suggested`` (its extension picks the format), make it with
    ``write(db, path, format)`` on a worker thread and open it in the system's viewer;
    None when cancelled or refused (the refusal is shown). ``in_place``: the writer is
    atomic by itself and writes files beside the one named, so it gets the real path."""
    filters = ";;".join(FILTERS[f] for f in formats)
    name, chosen = QFileDialog.getSaveFileName(parent, title, suggested, filters)
    if not name:
        return None
    fmt = next((f for f in formats if name.lower().endswith("." + f)), None)
    if fmt is None:
        fmt = next((f for f in formats if FILTERS[f] == chosen), formats[0])
        name += "." + fmt
    target = Path(name)
    part = target if in_place else target.with_name(
        f".{target.stem}.{os.getpid()}.part{target.suffix}")

    def drop(_result=None) -> None:
        if not in_place:
            part.unlink(missing_ok=True)

    try:
        done, _path = run_operation(
            parent, _("Menyiapkan {name} …").format(name=target.name), db.path,
            lambda worker_db: write(worker_db, part, fmt), on_late_result=drop)
        if not done:
            drop()
            return None
        if not in_place:
            os.replace(part, target)
    except Exception as e:  # noqa: BLE001 - a refusal is shown, anything else logged too
        drop()
        on_error(parent, e)
        return None
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))
    return target
