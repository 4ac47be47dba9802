"""Saving a finished report: refuse a path that cannot be written before any work is done,
then write beside it and rename, so a failure never leaves half a file or spoils an older
report of the same name.

Imports the domain's errors and ``app.i18n``; never Qt.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from app.i18n import _
from app.models.errors import UserError
from app.models.settings import ShopSettings
from app.reports.document_pdf import Document, document_pdf
from app.reports.tabular import ReportTable, csv_bytes
from app.reports.xlsx import workbook_bytes

FORMATS = ("pdf", "xlsx", "csv")


def check_format(format: str, allowed: tuple[str, ...] = FORMATS) -> str:
    fmt = (format or "").strip().lower() if isinstance(format, str) else ""
    if fmt not in allowed:
        raise UserError(_("Format laporan harus salah satu dari: {formats}.").format(
            formats=", ".join(allowed)), "format")
    return fmt


def check_target(path) -> Path:
    """``path`` as a Path if a file can be saved there; a clear UserError otherwise."""
    if not isinstance(path, str | os.PathLike) or not str(path).strip():
        raise UserError(_("Nama berkas tujuan belum diisi."), "path")
    target = Path(path)
    if target.is_dir():
        raise UserError(_("{path} adalah folder; tulis nama berkasnya.").format(
            path=str(target)), "path")
    folder = target.parent
    if not folder.is_dir():
        raise UserError(_("Folder {folder} tidak ada.").format(folder=str(folder)), "path")
    if not os.access(folder, os.W_OK):
        raise UserError(_("Folder {folder} tidak dapat ditulisi.").format(folder=str(folder)),
                        "path")
    return target


def write_atomically(path, data: bytes) -> Path:
    """Save ``data`` at ``path``: a temporary file in the same folder, flushed to disk,
    then renamed over the target in one step."""
    target = check_target(path)
    tmp = None
    try:
        handle, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                       dir=target.parent)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except OSError as e:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise UserError(_("Laporan tidak dapat disimpan ke {path}: {reason}").format(
            path=str(target), reason=e.strerror or type(e).__name__), "path") from None
    return target


def save_report(path, format: str, *, settings: ShopSettings, printed_by: str,
                printed_at: str, document: Document, sheets: Sequence[ReportTable]) -> Path:
    """One report in the format asked for: ``document`` as an A4 PDF, ``sheets`` as a
    workbook (a sheet each) or the first of them as a CSV."""
    fmt = check_format(format)
    check_target(path)
    if fmt == "pdf":
        data = document_pdf(document, settings=settings, printed_by=printed_by,
                            printed_at=printed_at)
    elif fmt == "xlsx":
        data = workbook_bytes(sheets, settings=settings, title=document.title,
                              period=document.period, printed_by=printed_by,
                              printed_at=printed_at)
    else:
        data = csv_bytes(sheets[:1])
    return write_atomically(path, data)
