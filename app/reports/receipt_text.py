"""The layout of a printed receipt as rows of monospaced text, shared by every renderer.

A receipt is laid out once for a paper width in columns (32 on 58 mm paper, 48 on 80 mm)
and drawn by :mod:`app.reports.receipt_escpos` (thermal printer) or
:mod:`app.reports.receipt_pdf` (a file), so paper and file say the same thing. Every row
fits the width, whatever the names and amounts: a row's :meth:`Row.columns` is what it
occupies on paper, counting double-width text twice.

Imports only the domain and ``app.i18n``; never Qt.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from app.i18n import _
from app.models.money import format_number, format_rupiah
from app.models.receipts import Receipt, ReceiptLine, ReceiptPayment

#: Columns of font A on common thermal paper.
COLUMNS_58MM = 32
COLUMNS_80MM = 48
#: Narrower than this, the label/amount columns of a receipt no longer fit side by side.
MIN_COLUMNS = 24
MAX_COLUMNS = 64

NORMAL = "normal"
TALL = "tall"  # double height, same width
BIG = "big"    # double height and double width: half as many characters per row


@dataclass(frozen=True)
class Style:
    bold: bool = False
    center: bool = False
    size: str = NORMAL
    #: The row's text is a payload to draw as a QR code, not printed as text.
    qr: bool = False
    #: The row's text is drawn as a Code 128 barcode (the receipt number, for returns).
    barcode: bool = False


PLAIN = Style()


class Row(NamedTuple):
    text: str
    style: Style = PLAIN

    def columns(self) -> int:
        """How many columns of the paper the row covers (a QR code covers none of the text)."""
        if self.style.qr or self.style.barcode:
            return 0
        return len(self.text) * (2 if self.style.size == BIG else 1)


# -- text that fits ------------------------------------------------------------------------

#: Characters with a one-column stand-in that every printer code page has.
_STAND_INS = {
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2015": "-", "\u2212": "-", "\u2018": "'", "\u2019": "'", "\u201a": "'",
    "\u201b": "'", "\u2032": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u2033": '"', "\u2026": ".", "\u2022": "*", "\u00b7": ".", "\u00d7": "x",
    "\u20ac": "E", "\u00a0": " ",
}


def clean(text: str) -> str:
    """One printable character per column: no control characters (a name holding ESC must
    not reach a printer as a command), no zero-width or combining marks left over, and
    full-width or wide characters replaced, so ``len()`` is what the row covers."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        category = unicodedata.category(char)
        if category[0] == "C" or category in ("Zl", "Zp"):
            # Tabs, newlines and other controls become a space; format marks vanish.
            if category == "Cc" or category in ("Zl", "Zp"):
                out.append(" ")
            continue
        if category in ("Mn", "Me"):
            continue
        if unicodedata.east_asian_width(char) in ("W", "F"):
            narrow = unicodedata.normalize("NFKC", char)
            out.append(narrow if len(narrow) == 1 and narrow.isascii() else "?")
            continue
        out.append(char)
    return "".join(out)


def fold_to(text: str, encoding: str) -> str:
    """``text`` with each character the ``encoding`` lacks replaced by one it has: the
    same letter without its accent, a plain dash or quote, or ``?``. Length is kept, so
    a row laid out to fit still fits."""
    out = []
    for char in text:
        try:
            char.encode(encoding)
        except UnicodeEncodeError:
            stand_in = _STAND_INS.get(char)
            if stand_in is None:
                base = unicodedata.normalize("NFKD", char)[:1]
                stand_in = base if base.isascii() and base.isprintable() and base else "?"
            char = stand_in
        out.append(char)
    return "".join(out)


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """Word-wrapped lines of at most ``width`` columns; words longer than a line are cut."""
    text = " ".join(clean(text).split())
    if not text:
        return []
    return textwrap.wrap(
        text, width, initial_indent=indent, subsequent_indent=indent,
        break_long_words=True, break_on_hyphens=False,
    )


def _check_width(width: int) -> None:
    if not isinstance(width, int) or not MIN_COLUMNS <= width <= MAX_COLUMNS:
        raise ValueError(f"receipt width must be {MIN_COLUMNS}-{MAX_COLUMNS} columns, got {width!r}")


def pair(left: str, right: str, width: int, style: Style = PLAIN, indent: str = "") -> list[Row]:
    """``left`` at the left margin and ``right`` flush right, as a column of amounts.

    A ``left`` too long for one row wraps in the room beside ``right``, which stays on
    its last row. When that room is narrow (a huge amount) or a word of ``left`` would
    have to be cut to fit it, ``left`` takes whole rows and ``right`` follows where it fits."""
    right = " ".join(clean(right).split())
    room = width - len(right) - 1
    words = clean(left).split()
    if room >= width // 2 and all(len(word) <= room - len(indent) for word in words):
        lines = wrap(left, room, indent) or [indent]
    else:
        lines = wrap(left, width, indent) or [indent]
        if len(lines[-1]) > room:
            lines.append("")
    rows = [Row(line, style) for line in lines[:-1]]
    last = lines[-1]
    if len(right) > width:  # only free text is this long; amounts always fit
        return rows + [Row(last, style)] * bool(last) + [
            Row(line, style) for line in wrap(right, width)]
    return rows + [Row((last + right.rjust(width - len(last))).rstrip(), style)]


def centered(text: str, width: int, style: Style = PLAIN) -> list[Row]:
    """``text`` wrapped and centred; a BIG style falls back to TALL when a word of it
    would not fit at double width."""
    centre = Style(style.bold, True, style.size, False)
    if style.size == BIG:
        half = width // 2
        if all(len(word) <= half for word in clean(text).split()):
            return [Row(line, centre) for line in wrap(text, half)]
        centre = Style(style.bold, True, TALL, False)
    return [Row(line, centre) for line in wrap(text, width)]


def rule(width: int, char: str = "-") -> Row:
    return Row(char * width)


def _fields(fields: Sequence[tuple[str, str]], width: int) -> list[Row]:
    """``Label : value`` rows with the colons lined up and long values wrapped under
    themselves; empty values are left out."""
    fields = [(clean(label).strip(), value) for label, value in fields if value.strip()]
    if not fields:
        return []
    label_width = min(max(len(label) for label, _v in fields), width // 3)
    rows = []
    for label, value in fields:
        head = label[:label_width].ljust(label_width) + ": "
        lines = wrap(value, width - len(head)) or [""]
        rows.append(Row(head + lines[0]))
        rows.extend(Row(" " * len(head) + line) for line in lines[1:])
    return rows


# -- the receipt ---------------------------------------------------------------------------

def header_rows(cooperative_name: str, shop_name: str, address: str, width: int) -> list[Row]:
    """Who is speaking: the cooperative, the shop and its address, centred."""
    _check_width(width)
    return (centered(cooperative_name, width, Style(bold=True))
            + centered(shop_name, width, Style(bold=True))
            + centered(address, width))


def _line_rows(line: ReceiptLine, width: int) -> list[Row]:
    rows = [Row(text) for text in wrap(line.name, width)]
    detail = _("{qty} x {price}").format(qty=line.qty_text, price=format_number(line.unit_price))
    rows += pair(detail, format_number(line.amount + line.discount), width, indent="  ")
    if line.discount:
        rows += pair(_("Diskon"), format_number(-line.discount), width, indent="  ")
    return rows


def _payment_rows(payment: ReceiptPayment, width: int) -> list[Row]:
    rows = pair(payment.method_label, format_number(payment.amount), width)
    if payment.reference.strip():
        ref = _("Ref. {reference}").format(reference=payment.reference)
        rows += [Row(text) for text in wrap(ref, width, "  ")]
    return rows


def receipt_rows(receipt: Receipt, width: int = COLUMNS_80MM) -> list[Row]:
    """The whole receipt, top to bottom, for paper ``width`` columns wide.

    Item rows show quantity x unit price and the amount before the line's discount; the
    discount follows as a negative amount, so the column adds up to the subtotal."""
    rows = header_rows(receipt.cooperative_name, receipt.shop_name, receipt.address, width)
    rows.append(Row(""))
    rows += centered(receipt.title, width, Style(bold=True, size=TALL))
    if receipt.copy:
        rows += centered(_("SALINAN"), width, Style(bold=True, size=BIG))
    rows += _fields([
        (_("No."), receipt.number),
        (_("Waktu"), receipt.time_text),
        (_("Kasir"), receipt.cashier),
        (_("Anggota"), receipt.member),
    ], width)
    rows.append(rule(width))
    for line in receipt.lines:
        rows += _line_rows(line, width)
    rows.append(rule(width))
    if receipt.cart_discount or receipt.subtotal != receipt.total:
        rows += pair(_("Subtotal"), format_number(receipt.subtotal), width)
    if receipt.cart_discount:
        rows += pair(_("Diskon"), format_number(-receipt.cart_discount), width)
    rows += pair(_("TOTAL"), format_rupiah(receipt.total), width, Style(bold=True, size=TALL))
    for payment in receipt.payments:
        rows += _payment_rows(payment, width)
    if receipt.change:
        rows += pair(_("Kembali"), format_number(receipt.change), width, Style(bold=True))
    if receipt.het_saving > 0:
        rows.append(Row(""))
        saving = _("Hemat dari HET {amount}").format(amount=format_rupiah(receipt.het_saving))
        rows += centered(saving, width)
    if receipt.qris_payload:
        rows.append(Row(""))
        rows += centered(_("Pindai QRIS untuk membayar"), width, Style(bold=True))
        rows.append(Row(receipt.qris_payload, Style(center=True, qr=True)))
    if any(note.strip() for note in receipt.notes):
        rows.append(rule(width))
        for note in receipt.notes:
            rows += [Row(text) for text in wrap(note, width)]
    footer = [part for part in receipt.footer.splitlines() if part.strip()]
    if footer:
        rows.append(Row(""))
        for part in footer:
            rows += centered(part, width)
    # The number as a barcode: a return starts by scanning the receipt.
    code = barcode_payload(receipt.number)
    if code:
        rows.append(Row(code, Style(center=True, barcode=True)))
    return rows


def barcode_payload(number: str) -> str | None:
    """What the receipt's barcode holds: the date and sequence digits of its number
    (``KDMP017-261126-0042`` → ``2611260042``), short enough for 58 mm paper."""
    match = re.fullmatch(r"[A-Z0-9]+-(\d{6})-(\d{4,6})", number or "")
    return match[1] + match[2] if match else None


def report_rows(
    *,
    cooperative_name: str,
    shop_name: str,
    address: str,
    title: str,
    rows: Sequence[tuple[str, int | str | None]],
    width: int = COLUMNS_80MM,
    fields: Sequence[tuple[str, str]] = (),
    footer: str = "",
) -> list[Row]:
    """A short printed report (X/Z shift report, cash count) under the receipt's header.

    ``fields`` are ``(label, value)`` lines under the title (shift, cashier, time).
    ``rows`` are ``(label, amount)``: an ``int`` is shown as rupiah without "Rp", a ``str``
    as it is (a count, a percentage), ``None`` makes the label a bold heading, and a label
    of ``"-"`` draws a rule."""
    out = header_rows(cooperative_name, shop_name, address, width)
    out.append(Row(""))
    out += centered(title, width, Style(bold=True, size=TALL))
    out += _fields(fields, width)
    out.append(rule(width))
    for label, value in rows:
        if label == "-" and value is None:
            out.append(rule(width))
        elif value is None:
            out += [Row(text, Style(bold=True)) for text in wrap(label, width)]
        else:
            shown = format_number(value) if isinstance(value, int) else value
            out += pair(label, shown, width)
    footer_parts = [part for part in footer.splitlines() if part.strip()]
    if footer_parts:
        out.append(rule(width))
        for part in footer_parts:
            out += centered(part, width)
    return out


def plain_lines(rows: Sequence[Row], width: int) -> list[str]:
    """The rows as plain text, centred rows padded, a QR code as a ``[QR]`` placeholder:
    for previews, logs and tests."""
    lines = []
    for row in rows:
        if row.style.qr:
            lines.append("[QR]".center(width).rstrip())
        elif row.style.barcode:
            lines.append(f"[{row.text}]".center(width).rstrip())
        else:
            # Double-width letters are shown spaced out, as wide as they print.
            text = "".join(c + " " for c in row.text) if row.style.size == BIG else row.text
            lines.append((text.center(width) if row.style.center else text).rstrip())
    return lines
