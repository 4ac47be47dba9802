"""The SIMKOPDES export: the tables of :mod:`app.models.simkopdes` as one workbook (a sheet
per table) and, beside it, a folder of CSV files (one per table) for a machine to import.

``laporan.xlsx`` comes with ``laporan-csv/gerai_koperasi.csv`` … Each sheet starts with its
column names in row 1 (frozen, with a filter), numbers written as numbers: rupiah as whole
numbers, quantities as decimals of the product's unit, days and times as dates. The CSV
files hold the same rows in the same order: UTF-8 without a byte-order mark, comma
separated, a header row; quantities with a dot as the decimal point (``1.25``, ``3``),
rupiah as whole numbers, days ``2026-11-30``, moments ``2026-11-30T14:05:09+07:00``.

Both are written beside their target first and take their names only when everything is
complete, so a failure leaves neither, and an export of the same name made before stays
whole until the new one replaces it.

Imports the domain, ``app.i18n`` and ``app.reports``; never Qt.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from app.i18n import _
from app.models.db import Database
from app.models.errors import UserError
from app.models.money import QTY_SCALE
from app.models.settings import get_settings
from app.models.simkopdes import COUNT, DATE, DATETIME, MONEY, QTY, TEXT, Table, simkopdes_tables
from app.models.users import User, require
from app.reports import bulk_xlsx
from app.reports.output import check_target


def csv_folder(out: Path) -> Path:
    """Where the CSV files of the export ``out`` go: ``<stem>-csv`` beside it."""
    return out.with_name(f"{out.stem}-csv")


@lru_cache(maxsize=8192)
def qty_text(qty: int) -> str:
    """Thousandths as a decimal for machines: 1250 → ``1.25``, 3000 → ``3``."""
    whole, frac = divmod(abs(qty), QTY_SCALE)
    text = ("-" if qty < 0 else "") + str(whole)
    return text + "." + f"{frac:03d}".rstrip("0") if frac else text


_KINDS = {MONEY: bulk_xlsx.NUMBER, COUNT: bulk_xlsx.NUMBER, QTY: bulk_xlsx.DECIMAL,
          DATE: bulk_xlsx.DATE, DATETIME: bulk_xlsx.DATETIME}


def file_rows(table: Table, moments: dict | None = None) -> tuple[list, list]:
    """The table's rows for the CSV file and for the sheet, each value converted once:
    a quantity to its decimal text in both; a day to ISO text in the CSV (a date in the
    sheet); a moment to ISO text with the shop's offset in the CSV and to the shop's
    wall-clock time to the second in the sheet (a sheet has no time zone; the outlet row
    names it). Text and whole numbers go as they are (None is a blank in both). Worked
    column by column: a year of sale lines is millions of cells. ``moments`` keeps the
    moments converted, for the next table (a sale and its lines share theirs)."""
    if not table.rows:
        return [], []
    columns = list(zip(*table.rows, strict=True))
    text_columns, sheet_columns = list(columns), list(columns)
    for i, column in enumerate(table.columns):
        if column.kind == QTY:
            text_columns[i] = sheet_columns[i] = [
                None if v is None else qty_text(v) for v in columns[i]]
        elif column.kind == DATE:
            text_columns[i] = [None if v is None else v.isoformat() for v in columns[i]]
        elif column.kind == DATETIME:
            seen = {} if moments is None else moments
            for v in columns[i]:
                if v is not None and v not in seen:
                    seen[v] = (v.isoformat(timespec="seconds"),
                               v.replace(tzinfo=None, microsecond=0))
            text_columns[i] = [None if v is None else seen[v][0] for v in columns[i]]
            sheet_columns[i] = [None if v is None else seen[v][1] for v in columns[i]]
    return list(zip(*text_columns, strict=True)), list(zip(*sheet_columns, strict=True))


def csv_bytes(table: Table, rows: list) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in table.columns])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def sheet(table: Table, rows: list) -> bulk_xlsx.Sheet:
    widths = tuple(max(len(c.name) + 3, 20 if c.kind in (DATE, DATETIME) else
                       24 if c.kind == TEXT else 14) for c in table.columns)
    return bulk_xlsx.Sheet(table.name, tuple(c.name for c in table.columns),
                           tuple(_KINDS.get(c.kind, bulk_xlsx.TEXT) for c in table.columns),
                           rows, widths)


def write_simkopdes(db: Database, out, date_from, date_to, *, printed_by: User) -> Path:
    """Export the shop's days ``date_from``..``date_to`` for SIMKOPDES: the workbook ``out``
    (an .xlsx path) and the folder ``<stem>-csv`` beside it. Returns the workbook's path."""
    require(printed_by, "report.finance")
    target = check_target(out)
    if target.suffix.lower() != ".xlsx":
        raise UserError(_("Ekspor SIMKOPDES disimpan sebagai berkas .xlsx (folder CSV dibuat"
                          " di sampingnya)."), "path")
    folder = csv_folder(target)
    if folder.exists() and not folder.is_dir():
        raise UserError(_("{path} sudah ada dan bukan folder.").format(path=str(folder)), "path")
    tables = simkopdes_tables(db, date_from, date_to)
    files, sheets, moments = {}, [], {}
    for table in tables:
        csv_rows, sheet_rows = file_rows(table, moments)
        files[f"{table.name}.csv"] = csv_bytes(table, csv_rows)
        sheets.append(sheet(table, sheet_rows))
    workbook = bulk_xlsx.workbook(sheets, title="SIMKOPDES",
                                  author=get_settings(db).cooperative_name)
    _save_together(target, workbook, folder, files)
    return target


def _fsynced(path: Path, data: bytes) -> None:
    with open(path, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def _save_together(target: Path, workbook: bytes, folder: Path, files: dict[str, bytes]
                   ) -> None:
    """Write the workbook and the folder beside their names, then rename both into place
    (an older folder of the same name is moved aside first and removed at the end)."""
    parent = target.parent
    tmp_dir = tmp_file = old = None
    placed = False
    try:
        tmp_dir = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=parent))
        for name, data in files.items():
            _fsynced(tmp_dir / name, data)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
        os.close(handle)
        tmp_file = Path(name)
        _fsynced(tmp_file, workbook)
        if folder.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old.", dir=parent))
            os.replace(folder, old / folder.name)
        os.rename(tmp_dir, folder)
        placed = True
        os.replace(tmp_file, target)
    except OSError as e:
        if placed:                        # the workbook failed: take the new folder back out
            shutil.rmtree(folder, ignore_errors=True)
        if old is not None and (old / folder.name).exists():
            os.replace(old / folder.name, folder)
        for path in (tmp_dir, old):
            if path is not None:
                shutil.rmtree(path, ignore_errors=True)
        if tmp_file is not None:
            tmp_file.unlink(missing_ok=True)
        raise UserError(_("Ekspor tidak dapat disimpan ke {path}: {reason}").format(
            path=str(target), reason=e.strerror or type(e).__name__), "path") from None
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
