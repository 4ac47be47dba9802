"""Receipts as PDF: the shared layout on a page as narrow as the paper roll, as tall as the
receipt, in a monospaced font so the columns line up as they do on the printer.

DejaVu Sans Mono is used when the system has it (every letter Indonesian needs, and
more); otherwise the PDF standard Courier, with letters it lacks folded to plain ones.

Imports the domain, ``app.i18n`` and ``app.reports``; never Qt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen import canvas

from app.i18n import _
from app.models.errors import UserError
from app.models.receipts import Receipt
from app.reports.receipt_text import BIG, COLUMNS_80MM, TALL, Row, fold_to, receipt_rows

DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
MARGIN = 4 * mm
#: The side of a printed QR code: big enough for any phone, small enough for 58 mm paper.
QR_SIDE = 38 * mm
LEADING = 1.25  # line height as a multiple of the font size


@dataclass(frozen=True)
class _Font:
    regular: str
    bold: str
    #: Text in the font's own encoding; a standard PDF font only has Windows-1252.
    encoding: str | None


_font: _Font | None = None


def _monospace() -> _Font:
    global _font
    if _font is None:
        regular = DEJAVU_DIR / "DejaVuSansMono.ttf"
        bold = DEJAVU_DIR / "DejaVuSansMono-Bold.ttf"
        try:
            pdfmetrics.registerFont(TTFont("GeraiMono", str(regular)))
            pdfmetrics.registerFont(
                TTFont("GeraiMono-Bold", str(bold if bold.exists() else regular)))
            _font = _Font("GeraiMono", "GeraiMono-Bold", None)
        except (OSError, TTFError):  # no DejaVu here: the built-in font will do
            _font = _Font("Courier", "Courier-Bold", "cp1252")
    return _font


BARCODE_HEIGHT = 10 * mm


def page_width(width: int) -> float:
    """The paper: 58 mm for a 32-column layout, 80 mm for wider ones."""
    return (58 if width <= 32 else 80) * mm


def _row_height(row: Row, size: float) -> float:
    if row.style.qr:
        return QR_SIDE + size * LEADING * 0.5
    if row.style.barcode:
        return BARCODE_HEIGHT + size * LEADING
    return size * LEADING * (2 if row.style.size in (TALL, BIG) else 1)


def _draw_qr(c: canvas.Canvas, payload: str, x: float, y: float) -> None:
    widget = QrCodeWidget(payload, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    sx, sy = QR_SIDE / (right - left), QR_SIDE / (top - bottom)
    drawing = Drawing(QR_SIDE, QR_SIDE, transform=[sx, 0, 0, sy, -left * sx, -bottom * sy])
    drawing.add(widget)
    renderPDF.draw(drawing, c, x, y)


def rows_pdf(rows: Sequence[Row], width: int = COLUMNS_80MM, *, title: str = "") -> bytes:
    """Laid-out rows (a receipt, a shift report) as a one-page PDF."""
    font = _monospace()
    page_w = page_width(width)
    advance = pdfmetrics.stringWidth("0", font.regular, 1)  # per point of font size
    size = (page_w - 2 * MARGIN) / (width * advance)
    column = size * advance
    page_h = 2 * MARGIN + sum(_row_height(row, size) for row in rows)

    out = BytesIO()
    c = canvas.Canvas(out, pagesize=(page_w, page_h), invariant=True)
    c.setTitle(title)
    c.setCreator("Gerai")
    y = page_h - MARGIN
    for row in rows:
        height = _row_height(row, size)
        y -= height
        style = row.style
        if style.qr:
            _draw_qr(c, row.text, (page_w - QR_SIDE) / 2, y)
            continue
        if style.barcode:
            code = Code128(row.text, barHeight=BARCODE_HEIGHT, barWidth=0.7, quiet=False)
            code.drawOn(c, (page_w - code.width) / 2, y + size * LEADING * 0.5)
            continue
        text = fold_to(row.text, font.encoding) if font.encoding else row.text
        if not text.strip():
            continue
        x = MARGIN
        if style.center:
            x += (width - row.columns()) * column / 2
        scaled = style.size in (TALL, BIG)
        t = c.beginText(x, y + height * 0.25)
        t.setFont(font.bold if style.bold else font.regular, size * (2 if scaled else 1))
        # Double height keeps the width of one column per character, as on the printer.
        t.setHorizScale(50 if style.size == TALL else 100)
        t.textOut(text)
        c.drawText(t)
    c.showPage()
    c.save()
    return out.getvalue()


def receipt_pdf(receipt: Receipt, width: int = COLUMNS_80MM) -> bytes:
    return rows_pdf(receipt_rows(receipt, width), width, title=receipt.number)


def write_pdf(data: bytes, path: str | Path) -> Path:
    path = Path(path)
    try:
        path.write_bytes(data)
    except OSError as e:
        raise UserError(
            _("PDF tidak dapat disimpan ke {path}: {reason}").format(
                path=str(path), reason=e.strerror or type(e).__name__)
        ) from e
    return path


def write_receipt_pdf(receipt: Receipt, path: str | Path, width: int = COLUMNS_80MM) -> Path:
    """Save ``receipt`` as a PDF at ``path`` (laid out ``width`` columns wide)."""
    return write_pdf(receipt_pdf(receipt, width), path)
