"""The SIMKOPDES export of the whole district: the shop's own export's tables
(:mod:`app.reports.simkopdes_export`), every shop's rows in one table each, led by the shop's
code (:mod:`app.models.hub_simkopdes`).

As XLSX: the workbook at the target and a folder ``<stem>-csv`` of one CSV per table beside
it, exactly as a shop's export. As CSV: only that folder of CSV files, at the target path.
Either appears whole or not at all. Members' NIK is only ever written masked.

Imports the domain, ``app.i18n`` and ``app.reports``; never Qt.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

from app.i18n import _
from app.models.db import Database
from app.models.errors import UserError
from app.models.hub_simkopdes import district_tables
from app.models.hub_store import district
from app.reports import bulk_xlsx
from app.reports.output import check_format, check_target
from app.reports.simkopdes_export import (
    _fsynced,
    _save_together,
    csv_bytes,
    csv_folder,
    file_rows,
    sheet,
)


def write_district_simkopdes(db: Database, out, first: date, last: date, *, fmt: str) -> Path:
    """Export every shop's days ``first``..``last`` in SIMKOPDES shape (see the module)."""
    fmt = check_format(fmt, ("xlsx", "csv"))
    # A CSV export made before is a folder of that name: it is replaced.
    target = (Path(out) if fmt == "csv" and isinstance(out, str | os.PathLike)
              and str(out).strip() and Path(out).is_dir() else check_target(out))
    if fmt == "xlsx":
        if target.suffix.lower() != ".xlsx":
            raise UserError(_("Ekspor SIMKOPDES disimpan sebagai berkas .xlsx (folder CSV"
                              " dibuat di sampingnya)."), "path")
        folder = csv_folder(target)
    else:
        folder = target
    if folder.exists() and not folder.is_dir():
        raise UserError(_("{path} sudah ada dan bukan folder.").format(path=str(folder)), "path")
    files, sheets, moments = {}, [], {}
    for table in district_tables(db, first, last):
        csv_rows, sheet_rows = file_rows(table, moments)
        files[f"{table.name}.csv"] = csv_bytes(table, csv_rows)
        sheets.append(sheet(table, sheet_rows))
    if fmt == "csv":
        _save_folder(folder, files)
        return folder
    workbook = bulk_xlsx.workbook(sheets, title="SIMKOPDES",
                                  author=_("Dinas Koperasi {district}").format(
                                      district=district(db)))
    _save_together(target, workbook, folder, files)
    return target


def _save_folder(folder: Path, files: dict[str, bytes]) -> None:
    """The CSV files written into a new folder beside ``folder``, renamed into place (an
    older folder of that name is moved aside first and removed at the end)."""
    tmp_dir = old = None
    try:
        tmp_dir = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
        for name, data in files.items():
            _fsynced(tmp_dir / name, data)
        if folder.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old.", dir=folder.parent))
            os.replace(folder, old / folder.name)
        os.rename(tmp_dir, folder)
        tmp_dir = None
    except OSError as e:
        if old is not None and (old / folder.name).exists() and not folder.exists():
            os.replace(old / folder.name, folder)
        raise UserError(_("Ekspor tidak dapat disimpan ke {path}: {reason}").format(
            path=str(folder), reason=e.strerror or type(e).__name__), "path") from None
    finally:
        for path in (tmp_dir, old):
            if path is not None:
                shutil.rmtree(path, ignore_errors=True)
