"""Tables in files: read a CSV or XLSX into rows of text, write rows back as CSV or XLSX.

Plain Python, no Qt. Imports (the catalog; members later) read a file the shop made in Excel
or LibreOffice into text cells with the row numbers the person sees in the spreadsheet
(the header is row 1); exports write the same shape back, so an export imports again.

Reading: an XLSX is known by its content (a ZIP) whatever its name; anything else is read
as CSV: UTF-8 with or without BOM (UTF-16 only with its BOM, as Excel's "Unicode text"
writes it), fields separated by ``,``, ``;`` (Excel with Indonesian settings) or tab,
chosen by which splits the header line into the most cells; a first line ``sep=;`` is
honoured. A file in another encoding is refused with the line that could not be read
rather than guessed: a wrong guess would import wrong names without anyone noticing.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from app.i18n import _
from app.models.errors import Problem, UserError, ValidationError

#: Larger files are refused before reading: a catalog of 100,000 rows is about 15 MB.
MAX_FILE_BYTES = 100 * 1024 * 1024
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls
_DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class TableRow:
    row: int                 # the spreadsheet row number (header = 1 when it is the first)
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    format: str              # "csv" or "xlsx"
    header: tuple[str, ...]
    header_row: int
    rows: tuple[TableRow, ...]
    truncated: bool = False  # more than ``max_rows`` rows were in the file


# --- reading ----------------------------------------------------------------------------


def read_table(path: str | Path, *, max_rows: int) -> Table:
    """The first sheet (or the CSV) as text rows; blank rows are skipped.

    Raises UserError for a file that cannot be read as a table at all; a problem on one
    line carries its row number (ValidationError)."""
    path = Path(path)
    data = _read_bytes(path)
    if data.startswith(_ZIP):
        return _read_xlsx(path, data, max_rows)
    if data.startswith(_OLE):
        raise UserError(_("{name} adalah berkas Excel lama (.xls): simpan ulang sebagai .xlsx"
                          " atau CSV UTF-8.").format(name=path.name))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise UserError(_("{name} bukan buku kerja XLSX yang sah (rusak atau format lain).")
                        .format(name=path.name))
    return _read_csv(path.name, data, max_rows)


def _read_bytes(path: Path) -> bytes:
    if path.is_dir():
        raise UserError(_("{path} adalah folder, bukan berkas.").format(path=path))
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UserError(_("{name} terlalu besar ({mb} MB; paling banyak {max} MB).").format(
                name=path.name, mb=size // (1024 * 1024), max=MAX_FILE_BYTES // (1024 * 1024)))
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(_("Berkas tidak ditemukan: {path}").format(path=path)) from None
    except OSError as e:
        raise UserError(_("Berkas {path} tidak dapat dibaca: {reason}").format(
            path=path, reason=e.strerror or type(e).__name__)) from None
    if not data.strip():
        raise UserError(_("{name} kosong.").format(name=path.name))
    return data


def _decode(name: str, data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding, data = "utf-8", data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n" if encoding == "utf-8" else "\n".encode("utf-16-le")) + 1
        raise ValidationError([Problem("", _(
            "{name} bukan teks UTF-8: baris {line} berisi huruf yang tidak terbaca. Simpan ulang"
            " dari Excel sebagai \"CSV UTF-8\" atau sebagai .xlsx.").format(name=name, line=line),
            line)]) from None


def _read_csv(name: str, data: bytes, max_rows: int) -> Table:
    text = _decode(name, data)
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise ValidationError([Problem("", _(
            "{name} bukan berkas teks: baris {line} berisi data biner.").format(
                name=name, line=line), line)])
    first_line, _sep, rest = text.partition("\n")
    delimiter = None
    if first_line.strip().lower().startswith("sep=") and len(first_line.strip()) == 5:
        delimiter, text = first_line.strip()[4], rest  # Excel hides this line: not a row
    if delimiter is None:
        delimiter = _guess_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _table("csv", ((n, row) for n, row in enumerate(reader, start=1)), max_rows)
    except csv.Error as e:
        line = reader.line_num
        raise ValidationError([Problem("", _("{name} tidak dapat dibaca sebagai CSV pada baris"
                                             " {line}: {reason}").format(
            name=name, line=line, reason=str(e)), line)]) from None


def _guess_delimiter(text: str) -> str:
    """The separator that splits the first non-blank line into the most cells."""
    line = next((ln for ln in text.splitlines() if ln.strip()), "")
    counts = {d: len(next(csv.reader([line], delimiter=d), [])) for d in _DELIMITERS}
    return max(_DELIMITERS, key=lambda d: (counts[d], -_DELIMITERS.index(d)))


def _read_xlsx(path: Path, data: bytes, max_rows: int) -> Table:
    import openpyxl

    try:
        # A file object: openpyxl judges a path by its extension, we by the content.
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any failure of the parser on a foreign file means the same
        raise UserError(_("{name} bukan buku kerja XLSX yang sah (rusak atau format lain).")
                        .format(name=path.name)) from None
    try:
        if not book.worksheets:
            raise UserError(_("{name} tidak berisi lembar kerja.").format(name=path.name))
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some programs write a wrong size: read every row there is
        rows = ((n, [cell_text(v) for v in values]) for n, values in
                enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1))
        return _table("xlsx", rows, max_rows)
    except UserError:
        raise
    except Exception:  # noqa: BLE001 - a damaged part inside an archive that opened
        raise UserError(_("{name} bukan buku kerja XLSX yang sah (rusak atau format lain).")
                        .format(name=path.name)) from None
    finally:
        book.close()


def cell_text(value) -> str:
    """A spreadsheet cell as the text a person typed: 15000.0 is ``15000``, 1.25 ``1.25``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)  # the shortest text that reads back as the same number
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _table(fmt: str, rows: Iterable[tuple[int, Sequence[str]]], max_rows: int) -> Table:
    header, header_row, body, truncated = None, 0, [], False
    for number, cells in rows:
        cells = tuple(c if isinstance(c, str) else cell_text(c) for c in cells)
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header, header_row = cells, number
        elif len(body) == max_rows:
            truncated = True
            break
        else:
            body.append(TableRow(number, cells))
    if header is None:
        raise UserError(_("Berkas kosong: tidak ada baris judul kolom."))
    return Table(fmt, header, header_row, tuple(body), truncated)


# --- writing ----------------------------------------------------------------------------


@contextmanager
def _replacing(path: Path):
    """A temporary file beside ``path`` that takes its place only when fully written, so a
    failed export never leaves half a file (or spoils an older one)."""
    path = Path(path)
    try:
        handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        os.close(handle)
    except OSError as e:
        raise UserError(_("Tidak dapat menulis {path}: {reason}").format(
            path=path, reason=e.strerror or type(e).__name__)) from None
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise UserError(_("Tidak dapat menulis {path}: {reason}").format(
            path=path, reason=e.strerror or type(e).__name__)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_csv(path: str | Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """UTF-8 with a BOM (so Excel shows the letters right), comma-separated."""
    with _replacing(Path(path)) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


def write_xlsx(path: str | Path, header: Sequence[str], rows: Iterable[Sequence], *,
               sheet: str, number_formats: dict[int, str] | None = None) -> None:
    """One sheet: bold frozen header, an autofilter, numbers as numbers, text as text.

    Text is always written as text (a name starting with ``=`` is no formula, a barcode
    keeps its leading zeros); ``number_formats`` maps a column to its Excel format."""
    import xlsxwriter

    number_formats = number_formats or {}
    with _replacing(Path(path)) as tmp:
        book = xlsxwriter.Workbook(str(tmp))
        try:
            bold = book.add_format({"bold": True})
            formats = {col: book.add_format({"num_format": f}) for col, f in number_formats.items()}
            ws = book.add_worksheet(sheet)
            widths = [len(h) + 2 for h in header]
            ws.write_row(0, 0, header, bold)
            last = 0
            for r, values in enumerate(rows, start=1):
                last = r
                for c, value in enumerate(values):
                    if value is None or value == "":
                        continue
                    if isinstance(value, str):
                        ws.write_string(r, c, value)
                        widths[c] = max(widths[c], min(len(value) + 1, 60))
                    else:
                        ws.write_number(r, c, value, formats.get(c))
                        widths[c] = max(widths[c], min(len(str(value)) + 3, 20))
            for c, width in enumerate(widths):
                ws.set_column(c, c, width)
            ws.freeze_panes(1, 0)
            ws.autofilter(0, 0, last, len(header) - 1)
        finally:
            book.close()
