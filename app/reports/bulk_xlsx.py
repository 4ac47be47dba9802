"""Big flat tables as a workbook: one sheet per table, the column names in a frozen first
row with a filter, numbers as numbers — written straight as SpreadsheetML into the ZIP.

Why not xlsxwriter, as every other report does: an export of a year's sale lines is four
million cells, and xlsxwriter spends about five microseconds on each (checks, formats,
escaping through regular expressions): half a minute. Here a column's kind is known once,
so each cell is one string template, and the sheet is streamed into the archive as it is
made. The parts written are the minimum Excel, LibreOffice and openpyxl need: content
types, the workbook with its sheets and filter ranges, one style sheet, the sheets.

Cells carry no ``r`` address (it is optional; a blank is an empty ``<c/>``), strings are
inline (no shared-string table to build in memory). Imports nothing from the domain.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from xml.sax.saxutils import escape, quoteattr

TEXT, NUMBER, DECIMAL, DATE, DATETIME = "text", "number", "decimal", "date", "datetime"
#: Style index of each kind in the style sheet below (0 is the default, 1 the header).
_STYLE = {NUMBER: 2, DECIMAL: 3, DATE: 4, DATETIME: 5}
_EPOCH = datetime(1899, 12, 30)
_EPOCH_DAY = _EPOCH.date()
#: Characters XML 1.0 cannot carry at all (a tab, a line feed and a return it can).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NS = ('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
       ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')


@dataclass(frozen=True)
class Sheet:
    """``rows`` hold, per column of ``kinds``: str for TEXT, int for NUMBER, the text of a
    decimal (``1.25``) for DECIMAL, ``date`` for DATE, naive ``datetime`` for DATETIME;
    None or "" leaves the cell blank. ``widths`` in characters."""

    name: str
    header: tuple[str, ...]
    kinds: tuple[str, ...]
    rows: Sequence[Sequence]
    widths: tuple[float, ...] = ()


_BLANK = "<c/>"
#: Rows turned into XML at a time: big enough for the column-wise work to pay, small
#: enough that a year of sale lines never sits in memory as cell strings.
CHUNK = 4096


def _safe(values) -> bool:
    """Whether no text of a column needs escaping (checked once for the whole chunk)."""
    joined = "".join(filter(None, values))
    return not ("&" in joined or "<" in joined or ">" in joined) and joined.isprintable()


def _escaped(value: str) -> str:
    return escape(_CONTROL.sub("", value))


def _text_cells(values) -> list[str]:
    if not _safe(values):
        values = [_escaped(v) if v else v for v in values]
    return [f'<c t="inlineStr"><is><t xml:space="preserve">{v}</t></is></c>' if v else _BLANK
            for v in values]


def _serial_moment(value: datetime) -> str:
    delta = value - _EPOCH
    return repr(delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400)


def _cells(kind: str, values) -> list[str]:
    """One column of a chunk as cell XML: a comprehension per kind, not a call per cell."""
    if kind == TEXT:
        return _text_cells(values)
    style = _STYLE[kind]
    if kind == NUMBER:
        return [_BLANK if v is None else f'<c s="{style}"><v>{v}</v></c>' for v in values]
    if kind == DECIMAL:
        whole = _STYLE[NUMBER]
        return [f'<c s="{style if "." in v else whole}"><v>{v}</v></c>' if v else _BLANK
                for v in values]
    if kind == DATE:
        return [_BLANK if v is None else f'<c s="{style}"><v>{(v - _EPOCH_DAY).days}</v></c>'
                for v in values]
    return [_BLANK if v is None else f'<c s="{style}"><v>{_serial_moment(v)}</v></c>'
            for v in values]


def _column_name(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _sheet_parts(sheet: Sheet) -> Iterable[str]:
    yield (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS}>'
           '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2"'
           ' activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"'
           ' activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
           '<sheetFormatPr defaultRowHeight="15"/>')
    if sheet.widths:
        yield "<cols>" + "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
            for i, w in enumerate(sheet.widths, start=1)) + "</cols>"
    yield '<sheetData><row r="1">' + "".join(
        f'<c s="1" t="inlineStr"><is><t>{escape(h)}</t></is></c>' for h in sheet.header
    ) + "</row>"
    for start in range(0, len(sheet.rows), CHUNK):
        columns = zip(*sheet.rows[start:start + CHUNK], strict=True)
        cells = [_cells(kind, values) for kind, values in zip(sheet.kinds, columns, strict=True)]
        yield "".join(["<row>" + "".join(row) + "</row>" for row in zip(*cells, strict=True)])
    yield f'</sheetData><autoFilter ref="A1:{_last_cell(sheet)}"/></worksheet>'


def _last_cell(sheet: Sheet) -> str:
    """The bottom right of the table (a row under the header even when it has none)."""
    return f"{_column_name(len(sheet.header) - 1)}{max(len(sheet.rows) + 1, 2)}"


def _filter_range(index: int, sheet: Sheet) -> str:
    column, row = re.match(r"([A-Z]+)(\d+)", _last_cell(sheet)).groups()
    name = "'" + sheet.name.replace("'", "''") + "'"
    return (f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'
            f"{escape(name)}!$A$1:${column}${row}</definedName>")


_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="3"><numFmt numFmtId="164" formatCode="#,##0.0##"/>'
    '<numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd"/>'
    '<numFmt numFmtId="166" formatCode="yyyy\\-mm\\-dd\\ hh:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFE4E4E4"/>'
    '<bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left/><right/><top/><bottom style="thin"><color auto="1"/></bottom><diagonal/>'
    '</border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1"'
    ' applyFill="1" applyBorder="1"/>'
    '<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    '</cellStyles></styleSheet>')


def workbook(sheets: Sequence[Sheet], *, title: str = "", author: str = "") -> bytes:
    """The workbook of ``sheets`` (names at most 31 characters, unique, without ``[]:*?/\\``).
    NUMBER cells show as ``#,##0``; DECIMAL as ``#,##0.0##`` (a whole one as ``#,##0``)."""
    n = len(sheets)
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels"'
            ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml"'
            ' ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="'
                      'application/vnd.openxmlformats-officedocument.spreadsheetml.'
                      'worksheet+xml"/>' for i in range(1, n + 1)) + "</Types>"))
        z.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
            'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            '</Relationships>'))
        z.writestr("docProps/core.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:title>{escape(title)}</dc:title><dc:creator>{escape(author)}</dc:creator>"
            "</cp:coreProperties>"))
        z.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {_NS}>'
            '<bookViews><workbookView activeTab="0"/></bookViews><sheets>'
            + "".join(f'<sheet name={quoteattr(s.name)} sheetId="{i}" r:id="rId{i}"/>'
                      for i, s in enumerate(sheets, start=1))
            + "</sheets><definedNames>"
            + "".join(_filter_range(i, s) for i, s in enumerate(sheets))
            + "</definedNames></workbook>"))
        z.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/'
                      'officeDocument/2006/relationships/worksheet"'
                      f' Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1))
            + f'<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/styles" Target="styles.xml"/>'
            '</Relationships>'))
        z.writestr("xl/styles.xml", _STYLES)
        for i, sheet in enumerate(sheets, start=1):
            with z.open(f"xl/worksheets/sheet{i}.xml", "w") as part:
                for chunk in _sheet_parts(sheet):
                    part.write(chunk.encode("utf-8"))
    return out.getvalue()
