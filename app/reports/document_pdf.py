"""The shared A4 document every printed report and business paper is laid out on.

Page one opens with the cooperative's letterhead (name, shop, shop code, address) beside
the title, the document number and the period; later pages carry a one-line running head.
Every page ends with who printed it and when (in the shop's time zone) and "Halaman n dari
N". Tables break across pages with their header row repeated; numbers are right-aligned
with thousands separators, and quantities line up on their decimal comma.

The body is a sequence of small blocks — :class:`Fields`, :class:`~app.reports.tabular.
ReportTable`, :class:`Note`, :class:`Signatures` — that report modules fill from the domain.

DejaVu Sans Condensed is used where the system has it (every letter Indonesian needs, narrow
enough for wide tables); otherwise Helvetica, with the letters it lacks folded to plain ones.

Imports the domain, ``app.i18n`` and ``app.reports``; never Qt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    LongTable,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.i18n import _
from app.models.clock import format_local, local
from app.models.settings import ShopSettings
from app.reports.receipt_pdf import DEJAVU_DIR
from app.reports.receipt_text import fold_to
from app.reports.tabular import DATA, GROUP, QTY, SUBTOTAL, TOTAL, ReportTable, cell_text

MARGIN = 15 * mm
TOP = 20 * mm          # room for the running head of later pages
BOTTOM = 18 * mm       # room for the footer
SIZE = 8.5             # body text
SMALL = 7.5
PAD = 3                # cell padding, points
GREY = colors.HexColor("#555555")
ZEBRA = colors.HexColor("#f4f4f4")
HEAD_BG = colors.HexColor("#e4e4e4")
GROUP_BG = colors.HexColor("#dfe7ef")
SUBTOTAL_BG = colors.HexColor("#eeeeee")
TOTAL_BG = colors.HexColor("#d6d6d6")
FIGURE_SPACE, PUNCTUATION_SPACE = "\u2007", "\u2008"


@dataclass(frozen=True)
class _Fonts:
    regular: str
    bold: str
    #: Text in the font's own encoding; a standard PDF font only has Windows-1252.
    encoding: str | None


#: Where the faces are looked for (the receipts' folder: one place to point elsewhere).
FONT_DIR = DEJAVU_DIR
#: The PDF name of each face and its file.
_FACES = {"GeraiSans": "DejaVuSansCondensed.ttf", "GeraiSans-Bold": "DejaVuSansCondensed-Bold.ttf"}
_fonts: _Fonts | None = None


def fonts() -> _Fonts:
    """DejaVu Sans Condensed, registered once; Helvetica where the system lacks it."""
    global _fonts
    if _fonts is None:
        try:
            for name, file in _FACES.items():
                pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
            _fonts = _Fonts(*_FACES, None)
        except (OSError, TTFError):
            _fonts = _Fonts("Helvetica", "Helvetica-Bold", "cp1252")
    return _fonts


def _t(text: str) -> str:
    """``text`` in letters the font has."""
    encoding = fonts().encoding
    return fold_to(text, encoding) if encoding else text


def _style(size: float = SIZE, *, bold: bool = False, right: bool = False,
           center: bool = False, color=colors.black, keep_with_next: bool = False
           ) -> ParagraphStyle:
    f = fonts()
    return ParagraphStyle("gerai", fontName=f.bold if bold else f.regular, fontSize=size,
                          leading=size * 1.22, textColor=color,
                          alignment=TA_CENTER if center else TA_RIGHT if right else TA_LEFT,
                          keepWithNext=keep_with_next)


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(_t(text)).replace("\n", "<br/>"), style)


def _width(text: str, bold: bool = False, size: float = SIZE) -> float:
    f = fonts()
    return pdfmetrics.stringWidth(text, f.bold if bold else f.regular, size)


def _fit(text: str, width: float, *, bold: bool = False, size: float = SIZE) -> str:
    """``text`` cut with an ellipsis to fit ``width`` on one line (running heads only)."""
    text = _t(text)
    if _width(text, bold, size) <= width:
        return text
    while text and _width(text + "…", bold, size) > width:
        text = text[:-1]
    return text.rstrip() + ("…" if fonts().encoding is None else "...")


# --- blocks -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Fields:
    """Label–value pairs (supplier, terms, dates) in ``columns`` columns, filled down."""

    pairs: tuple[tuple[str, str], ...]
    columns: int = 2


@dataclass(frozen=True)
class Note:
    text: str
    heading: str = ""


@dataclass(frozen=True)
class Signatures:
    """Boxes to sign: (caption, name printed under the line; "" leaves a dotted line)."""

    boxes: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Figure:
    """A drawing across the page (a chart): ``draw(width)`` makes it for the frame's width."""

    draw: Callable[[float], Flowable]


Block = Fields | Note | Signatures | ReportTable | Figure


@dataclass(frozen=True)
class Document:
    title: str
    blocks: tuple[Block, ...]
    period: str = ""
    number: str = ""
    #: A word printed across every page (``DRAF``, ``DIBATALKAN``): not a valid order.
    stamp: str = ""
    landscape: bool = False


# --- the letterhead, the running head and the footer ------------------------------------


def _letterhead(doc: Document, settings: ShopSettings, width: float) -> Table:
    left = [_para(settings.cooperative_name, _style(12, bold=True)),
            _para(_("{shop} · Kode gerai {code}").format(
                shop=settings.shop_name, code=settings.shop_code) if settings.shop_code
                else settings.shop_name, _style(9))]
    if settings.address:
        left.append(_para(settings.address, _style(SIZE, color=GREY)))
    right = [_para(doc.title, _style(13, bold=True, right=True))]
    if doc.number:
        right.append(_para(doc.number, _style(10, bold=True, right=True)))
    if doc.period:
        right.append(_para(doc.period, _style(9, right=True)))
    table = Table([[left, right]], colWidths=[width * 0.55, width * 0.45])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LINEBELOW", (0, 0), (-1, -1), 1.2, colors.black),
    ]))
    return table


def _running_head(doc: Document, settings: ShopSettings, c: canvas.Canvas, _template) -> None:
    page_w, page_h = c._pagesize
    y = page_h - 12 * mm
    f = fonts()
    half = (page_w - 2 * MARGIN) / 2 - 3 * mm
    c.saveState()
    c.setFont(f.regular, SMALL)
    c.setFillColor(GREY)
    c.drawString(MARGIN, y, _fit(f"{settings.cooperative_name} · {settings.shop_name}", half,
                                 size=SMALL))
    right = " · ".join(p for p in (doc.title, doc.number) if p)
    c.drawRightString(page_w - MARGIN, y, _fit(right, half, size=SMALL))
    c.setStrokeColor(GREY)
    c.setLineWidth(0.4)
    c.line(MARGIN, y - 2 * mm, page_w - MARGIN, y - 2 * mm)
    c.restoreState()


def _stamp(stamp: str, c: canvas.Canvas) -> None:
    """The word across the page, translucent over the text so no table row hides it."""
    if not stamp:
        return
    page_w, page_h = c._pagesize
    c.saveState()
    c.setFillColor(colors.HexColor("#c0392b"))
    c.setFillAlpha(0.18)
    c.setFont(fonts().bold, 90)
    c.translate(page_w / 2, page_h / 2)
    c.rotate(35)
    c.drawCentredString(0, -30, _t(stamp))
    c.restoreState()


def _later_page(doc: Document, settings: ShopSettings, c: canvas.Canvas, template) -> None:
    _running_head(doc, settings, c, template)


def _footer(printed: str, stamp: str, c: canvas.Canvas, page: int, pages: int) -> None:
    """Who printed, page n of N; then the stamp, last, over everything."""
    page_w, _h = c._pagesize
    f = fonts()
    y = 10 * mm
    c.saveState()
    c.setStrokeColor(GREY)
    c.setLineWidth(0.4)
    c.line(MARGIN, y + 3.5 * mm, page_w - MARGIN, y + 3.5 * mm)
    c.setFont(f.regular, SMALL)
    c.setFillColor(GREY)
    c.drawString(MARGIN, y, _fit(printed, page_w - 2 * MARGIN - 40 * mm, size=SMALL))
    c.drawRightString(page_w - MARGIN, y, _t(_("Halaman {page} dari {pages}").format(
        page=page, pages=pages)))
    c.restoreState()
    _stamp(stamp, c)


class _NumberedCanvas(canvas.Canvas):
    """Holds every page back until the end, so each footer can say how many there are."""

    def __init__(self, *args, footer, **kwargs):
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages: list[dict] = []

    def showPage(self):  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._footer(self, number, total)
            canvas.Canvas.showPage(self)
        canvas.Canvas.save(self)


# --- blocks as flowables ------------------------------------------------------------------


_TIGHT = [("VALIGN", (0, 0), (-1, -1), "TOP"),
          ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
          ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]


def _fields(block: Fields, width: float) -> Table:
    """Filled down the first column, then the next, each column as tall as its own text
    (a long address on the left does not push the right column apart)."""
    per_row = max(block.columns, 1)
    label_w = 30 * mm
    column_w = width / per_row
    pairs = list(block.pairs)
    height = -(-len(pairs) // per_row)
    columns = []
    for c in range(per_row):
        rows = [[_para(label, _style(SIZE, color=GREY)), _para(value or "–", _style(SIZE))]
                for label, value in pairs[c * height:(c + 1) * height]]
        inner = Table(rows or [["", ""]], colWidths=[label_w, column_w - label_w])
        inner.setStyle(TableStyle(_TIGHT))
        columns.append(inner)
    table = Table([columns], colWidths=[column_w] * per_row, hAlign="LEFT")
    table.setStyle(TableStyle([*_TIGHT, ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _note(block: Note) -> list:
    out = []
    if block.heading:
        out.append(_para(block.heading, _style(SIZE, bold=True)))
    out.append(_para(block.text, _style(SIZE)))
    return [KeepTogether(out)]


def _signatures(block: Signatures, width: float) -> KeepTogether:
    n = max(len(block.boxes), 1)
    centred = _style(SIZE, center=True)
    captions = [_para(caption, centred) for caption, _name in block.boxes]
    names = [_para(f"( {name} )" if name else "( " + "." * 34 + " )", centred)
             for _caption, name in block.boxes]
    table = Table([captions, [""] * n, names], colWidths=[width / n] * n,
                  rowHeights=[None, 20 * mm, None])
    table.setStyle(TableStyle([
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return KeepTogether([Spacer(1, 8 * mm), table])


def _align_decimals(texts: list[str]) -> list[str]:
    """Quantities padded after the last digit so their decimal commas line up in a
    right-aligned column (figure and punctuation spaces are exactly a digit and a comma
    wide)."""
    if fonts().encoding:            # the standard font has neither space
        return texts
    places = [len(t.split(",")[1]) if "," in t else 0 for t in texts]
    most = max(places, default=0)
    if not most:
        return texts
    return [t if not t else t + (FIGURE_SPACE * (most - p) if p else
                                 PUNCTUATION_SPACE + FIGURE_SPACE * most)
            for t, p in zip(texts, places, strict=True)]


def _column_texts(table: ReportTable) -> list[list[str]]:
    """Each column's cell texts (group lines left out), decimal-aligned where they are
    quantities."""
    rows = [line for line in table.lines if line.style != GROUP]
    columns = []
    for i, column in enumerate(table.columns):
        texts = [_t(cell_text(column, line.cells[i])) for line in rows]
        columns.append(_align_decimals(texts) if column.kind == QTY else texts)
    return columns


def _widths(table: ReportTable, texts: list[list[str]], width: float, size: float
            ) -> list[float] | None:
    """Numbers as wide as their widest cell (and room for a short title on one line), text
    columns as wide as their longest cell while the page allows, else sharing the rest by
    weight. None when text would be left too little room at this font size."""
    columns = table.columns
    strong = [line.style != DATA for line in table.lines if line.style != GROUP]
    natural, widths = [], [0.0] * len(columns)
    for column, cells in zip(columns, texts, strict=True):
        title = _t(column.title)
        words = max((_width(w, True, size) for w in title.split()), default=0)
        widest = max((_width(t, bold, size) for t, bold in zip(cells, strong, strict=True)),
                     default=0)
        widest = max(widest, min(_width(title, True, size), 24 * mm))
        natural.append(max(widest, words) + 2 * PAD + 1)
    text = [i for i, c in enumerate(columns) if not c.numeric]
    for i, column in enumerate(columns):
        if column.numeric:
            widths[i] = natural[i]
    spare = width - sum(widths)
    pending = list(text)
    while pending:   # the narrow ones take what they need; the rest share by weight
        weights = sum(columns[i].weight for i in pending)
        fits = [i for i in pending if natural[i] <= spare * columns[i].weight / weights]
        if not fits:
            for i in pending:
                widths[i] = spare * columns[i].weight / weights
            spare = 0
            break
        for i in fits:
            widths[i] = natural[i]
            spare -= natural[i]
            pending.remove(i)
    if spare > 0:    # everything fits: the widest text column takes the slack
        widest = max(text or range(len(columns)), key=lambda i: (columns[i].weight, widths[i]))
        widths[widest] += spare
    roomy = all(widths[i] >= min(natural[i], 16 * mm) for i in text)
    return widths if roomy and sum(widths) <= width + 0.01 else None


def report_table(table: ReportTable, width: float) -> list:
    """A table that breaks across pages with its header repeated."""
    out: list = []
    if table.caption:
        out.append(_para(table.caption, _style(10, bold=True, keep_with_next=True)))
    if not table.data:
        out.append(_para(table.empty or _("Tidak ada data."), _style(SIZE, color=GREY)))
        return [KeepTogether(out), Spacer(1, 5 * mm)]
    texts = _column_texts(table)
    size, widths = SIZE, None
    while widths is None and size >= 6:
        widths = _widths(table, texts, width, size)
        size = size if widths else size - 0.5
    if widths is None:   # even at 6 pt: share the page evenly and let text wrap
        size, widths = 6, [width / len(table.columns)] * len(table.columns)
    plain, bold = _style(size), _style(size, bold=True)
    header = [_para(c.title, _style(size, bold=True, right=c.numeric)) for c in table.columns]
    rows, commands = [header], []
    n_cols = len(table.columns)
    data_row = 0
    text_row = 0
    for n, line in enumerate(table.lines):
        r = len(rows)
        if line.style == GROUP:
            # Drawn across the empty cells rather than spanned: spans make every page break
            # of a long table slower.
            rows.append([_fit(line.cells[0], width - 2 * PAD, bold=True, size=size)]
                        + [""] * (n_cols - 1))
            commands += [("FONTNAME", (0, r), (0, r), fonts().bold),
                         ("ALIGN", (0, r), (0, r), "LEFT"),
                         ("BACKGROUND", (0, r), (-1, r), GROUP_BG)]
            # A heading never ends a page: it keeps its first line with it.
            if n + 1 < len(table.lines):
                commands.append(("NOSPLIT", (0, r), (-1, r + 1)))
            continue
        strong = line.style != DATA
        cells = []
        for i, column in enumerate(table.columns):
            text = texts[i][text_row]
            fits = _width(text, strong, size) <= widths[i] - 2 * PAD
            cells.append(text if column.numeric or fits else
                         _para(cell_text(column, line.cells[i]), bold if strong else plain))
        text_row += 1
        rows.append(cells)
        if line.style == DATA:
            if data_row % 2:
                commands.append(("BACKGROUND", (0, r), (-1, r), ZEBRA))
            data_row += 1
        else:
            # Nor does a total start one alone: it keeps the line above it.
            commands += [("FONTNAME", (0, r), (-1, r), fonts().bold),
                         ("NOSPLIT", (0, max(r - 1, 1)), (-1, r)),
                         ("BACKGROUND", (0, r), (-1, r),
                          TOTAL_BG if line.style == TOTAL else SUBTOTAL_BG),
                         ("LINEABOVE", (0, r), (-1, r), 1 if line.style == TOTAL else 0.5,
                          colors.black)]
            if line.style == SUBTOTAL:
                commands.append(("BOTTOMPADDING", (0, r), (-1, r), 4))
    grid = LongTable(rows, colWidths=widths, repeatRows=1)
    grid.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), fonts().regular),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("LEADING", (0, 0), (-1, -1), size * 1.22),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD), ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 1.6), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("BOX", (0, 0), (-1, -1), 0.5, GREY),
        *[("ALIGN", (i, 1), (i, -1), "RIGHT")
          for i, c in enumerate(table.columns) if c.numeric],
        *commands,
    ]))
    return [*out, grid, Spacer(1, 5 * mm)]


def _flowables(block: Block, width: float) -> list:
    if isinstance(block, ReportTable):
        return report_table(block, width)
    if isinstance(block, Fields):
        return [_fields(block, width), Spacer(1, 4 * mm)]
    if isinstance(block, Note):
        return [*_note(block), Spacer(1, 4 * mm)]
    if isinstance(block, Signatures):
        return [_signatures(block, width)]
    if isinstance(block, Figure):
        return [block.draw(width), Spacer(1, 5 * mm)]
    raise TypeError(f"not a document block: {type(block).__name__}")


# --- the whole document -------------------------------------------------------------------


def printed_line(printed_by: str, printed_at: str, zone: str) -> str:
    return _("Dicetak oleh {name} pada {when}").format(
        name=printed_by, when=format_local(printed_at, zone))


def document_pdf(document: Document, *, settings: ShopSettings, printed_by: str,
                 printed_at: str) -> bytes:
    """``document`` as A4 pages; ``printed_at`` is a UTC ISO instant."""
    pagesize = landscape(A4) if document.landscape else A4
    out = BytesIO()
    pdf = BaseDocTemplate(
        out, pagesize=pagesize, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=TOP,
        bottomMargin=BOTTOM, title=_t(" ".join(p for p in (document.title, document.number)
                                               if p)),
        author=_t(settings.cooperative_name), creator="Gerai", invariant=True)
    # No frame padding: tables, text and the letterhead share one left edge.
    frame = partial(Frame, MARGIN, BOTTOM, pdf.width, pdf.height, leftPadding=0,
                    rightPadding=0, topPadding=0, bottomPadding=0)
    pdf.addPageTemplates([
        PageTemplate("first", frames=[frame(id="first")], pagesize=pagesize,
                     autoNextPageTemplate="later"),
        PageTemplate("later", frames=[frame(id="later")], pagesize=pagesize,
                     onPage=partial(_later_page, document, settings)),
    ])
    width = pdf.width
    story: list = [_letterhead(document, settings, width), Spacer(1, 5 * mm)]
    for block in document.blocks:
        story += _flowables(block, width)
    printed = printed_line(printed_by, printed_at, settings.zone)
    # A spacer after the last block would start a blank page when the block ends at the
    # bottom of one.
    while isinstance(story[-1], Spacer):
        story.pop()
    pdf.build(story, canvasmaker=partial(_NumberedCanvas,
                                         footer=partial(_footer, printed, document.stamp)))
    return out.getvalue()


def _as_day(value) -> date | None:
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value).strip())


def period_text(date_from, date_to) -> str:
    """``Periode 01/11/2026 – 30/11/2026`` from two days already checked (``date``, or text
    like ``2026-11-30``; None leaves that side open)."""
    first, last = (day_text(d) if d else None for d in (_as_day(date_from), _as_day(date_to)))
    if first and last:
        return _("Periode {first} – {last}").format(first=first, last=last)
    if first:
        return _("Sejak {first}").format(first=first)
    if last:
        return _("Sampai {last}").format(last=last)
    return _("Semua waktu")



def day_text(day: date) -> str:
    """``26/11/2026``: a day as the shop writes it."""
    return day.strftime("%d/%m/%Y")


def moment_text(iso: str, zone: str) -> str:
    """``26/11/2026 20:22`` in the shop's zone, for a table whose column names the zone."""
    return local(iso, zone).strftime("%d/%m/%Y %H:%M")
