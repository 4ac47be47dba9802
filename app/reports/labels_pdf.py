"""Price and barcode labels on A4 label sheets (the self-adhesive sheets sold at any
stationery shop): product name, the price in big figures, the producer, and an EAN-13 the
till scans.

Each label keeps its text inside a padding, since many printers cannot reach the edge of
the sheet; a name too long for two lines is set smaller, then cut with an ellipsis. The
barcode is drawn by reportlab at no less than 80% of the EAN-13 nominal size, with its
quiet zones, so a scanner reads it.

Imports the domain, ``app.i18n`` and ``app.reports``; never Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.eanbc import Ean13BarcodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from app.i18n import _
from app.models.consignment_labels import Label, prepare_labels
from app.models.db import Database
from app.models.errors import UserError
from app.models.money import format_rupiah
from app.models.users import User
from app.reports.document_pdf import fonts
from app.reports.output import check_target, write_atomically
from app.reports.receipt_text import fold_to

#: An EAN-13 is 95 modules of bars plus quiet zones of 11 (left) and 7 (right).
EAN_MODULES = 113
NOMINAL_MODULE = 0.33 * mm
GREY = colors.HexColor("#444444")


@dataclass(frozen=True)
class Sheet:
    """A label sheet: ``columns`` × ``rows`` labels of ``width`` × ``height`` from the
    sheet's top-left corner at (``left``, ``top``); text and bars stay ``pad_x`` /
    ``pad_y`` inside each label."""

    columns: int
    rows: int
    width: float
    height: float
    left: float
    top: float
    pad_x: float
    pad_y: float
    name_size: float        # the name's largest size; it shrinks to fit two lines
    price_size: float
    small_size: float
    bar_height: float

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


LAYOUTS = {
    # 24 labels of 70 × 37 mm: the sheet's 3 columns fill the width, half a millimetre left
    # at top and bottom.
    "a4-3x8": Sheet(3, 8, 70 * mm, 37 * mm, 0, 0.5 * mm, 4 * mm, 3 * mm, 9, 17, 6.5,
                    11 * mm),
    # 40 labels of 52.5 × 29.7 mm: the whole sheet, edge to edge.
    "a4-4x10": Sheet(4, 10, 52.5 * mm, 29.7 * mm, 0, 0, 3 * mm, 2.5 * mm, 7, 13, 5.5,
                     8 * mm),
}


def _t(text: str) -> str:
    encoding = fonts().encoding
    return fold_to(text, encoding) if encoding else text


def _width(text: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font, size)


def _cut(text: str, font: str, size: float, width: float) -> str:
    """One line, cut with an ellipsis to ``width``."""
    if _width(text, font, size) <= width:
        return text
    dots = "…" if fonts().encoding is None else "..."
    while text and _width(text + dots, font, size) > width:
        text = text[:-1]
    return text.rstrip() + dots


def name_lines(name: str, font: str, largest: float, width: float) -> tuple[list[str], float]:
    """The name on at most two lines: at the largest size that fits, down to 70% of it;
    below that the second line is cut."""
    size = largest
    smallest = largest * 0.7
    while True:
        lines = simpleSplit(name, font, size, width)
        if len(lines) <= 2 or size <= smallest:
            break
        size = max(size - 0.5, smallest)
    if len(lines) > 2:
        lines = [lines[0], _cut(" ".join(lines[1:]), font, size, width)]
    return [_cut(line, font, size, width) for line in lines], size


def _barcode(code: str, width: float, bar_height: float, font_size: float) -> Drawing:
    """The EAN-13 at the largest module (up to nominal) that fits ``width`` with its quiet
    zones."""
    module = min(NOMINAL_MODULE, width / EAN_MODULES)
    widget = Ean13BarcodeWidget(code, barWidth=module, barHeight=bar_height,
                                fontSize=font_size, quiet=1)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(x1 - x0, y1 - y0)
    widget.x, widget.y = -x0, -y0
    drawing.add(widget)
    return drawing


def _draw_label(c: canvas.Canvas, label: Label, sheet: Sheet, x: float, y: float) -> None:
    """One label with its bottom-left corner at (x, y)."""
    f = fonts()
    inner = sheet.width - 2 * sheet.pad_x
    centre = x + sheet.width / 2
    top = y + sheet.height - sheet.pad_y

    lines, size = name_lines(_t(label.name), f.bold, sheet.name_size, inner)
    c.setFillColor(colors.black)
    c.setFont(f.bold, size)
    baseline = top - size * 0.9
    for line in lines:
        c.drawCentredString(centre, baseline, line)
        baseline -= size * 1.12

    price = _t(format_rupiah(label.price))
    per = _t(" / " + label.unit) if label.fractional else ""
    price_size = sheet.price_size
    while price_size > 8 and (_width(price, f.bold, price_size)
                              + _width(per, f.regular, sheet.small_size * 1.3) > inner):
        price_size -= 0.5
    baseline -= price_size * 0.95 - size * 0.15
    price_w = _width(price, f.bold, price_size)
    per_w = _width(per, f.regular, sheet.small_size * 1.3)
    start = centre - (price_w + per_w) / 2
    c.setFont(f.bold, price_size)
    c.drawString(start, baseline, price)
    if per:
        c.setFont(f.regular, sheet.small_size * 1.3)
        c.drawString(start + price_w, baseline, per)

    if label.producer:      # below the price's descenders
        baseline -= sheet.small_size * 1.1 + price_size * 0.2
        c.setFillColor(GREY)
        c.setFont(f.regular, sheet.small_size)
        c.drawCentredString(centre, baseline, _cut(
            _t(_("Produsen: {name}").format(name=label.producer)), f.regular,
            sheet.small_size, inner))

    room = baseline - sheet.small_size * 0.5 - (y + sheet.pad_y)
    drawing = _barcode(label.code, inner, min(sheet.bar_height, room - sheet.small_size * 1.4),
                       sheet.small_size + 1)
    renderPDF.draw(drawing, c, centre - drawing.width / 2, y + sheet.pad_y)


def labels_pdf(labels: list[Label], *, layout: str = "a4-3x8", skip: int = 0) -> bytes:
    """``labels`` laid out on sheets of ``layout``, the first ``skip`` places of the first
    sheet left empty (a sheet already partly used)."""
    sheet = LAYOUTS[layout]
    out = BytesIO()
    c = canvas.Canvas(out, pagesize=A4, invariant=True)
    c.setTitle(_t(_("Label harga")))
    c.setCreator("Gerai")
    page_h = A4[1]
    places = [None] * skip + list(labels)
    for start in range(0, len(places), sheet.per_page):
        for n, label in enumerate(places[start:start + sheet.per_page]):
            if label is None:
                continue
            row, column = divmod(n, sheet.columns)
            x = sheet.left + column * sheet.width
            y = page_h - sheet.top - (row + 1) * sheet.height
            _draw_label(c, label, sheet, x, y)
        c.showPage()
    c.save()
    return out.getvalue()


def check_layout(layout, skip) -> Sheet:
    if not isinstance(layout, str) or layout not in LAYOUTS:
        raise UserError(_("Ukuran lembar label harus salah satu dari: {layouts}.").format(
            layouts=", ".join(LAYOUTS)), "layout")
    sheet = LAYOUTS[layout]
    if not isinstance(skip, int) or isinstance(skip, bool) or not 0 <= skip < sheet.per_page:
        raise UserError(_("Label yang dilewati harus antara 0 dan {n}.").format(
            n=sheet.per_page - 1), "skip")
    return sheet


def write_labels_pdf(db: Database, items: list[tuple[str, int]], out, *, user: User,
                     layout: str = "a4-3x8", skip: int = 0) -> Path:
    """Labels for ``items`` — (product id, copies) — on A4 label sheets at ``out``:
    ``a4-3x8`` (24 of 70 × 37 mm) or ``a4-4x10`` (40 of 52.5 × 29.7 mm). A product without
    an EAN-13 is given an internal code first (``user`` needs the right to edit products for
    that); an unwritable ``out`` is refused before anything is written."""
    check_layout(layout, skip)
    check_target(out)
    labels = prepare_labels(db, user=user, items=items)
    return write_atomically(out, labels_pdf(labels, layout=layout, skip=skip))
