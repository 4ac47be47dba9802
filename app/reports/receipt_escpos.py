"""Receipts on a thermal printer: the shared layout as ESC/POS bytes, through python-escpos.

A receipt is rendered whole into bytes first (on a ``Dummy`` printer) and sent to the
real printer in one write, so a printer that fails mid-way fails before anything else
happens, and the same bytes can be saved or tested. The printer is opened for each job
and closed after it: a printer unplugged and plugged back between two sales just works.

Imports the domain, ``app.i18n`` and ``app.reports``; never Qt.
"""

from __future__ import annotations

from collections.abc import Sequence

import segno
from escpos import printer as escpos_printers
from escpos.constants import QR_ECLEVEL_M
from escpos.escpos import Escpos
from escpos.exceptions import Error as EscposError

from app.i18n import _
from app.models.errors import UserError
from app.models.receipts import Receipt
from app.reports.receipt_text import BIG, NORMAL, TALL, Row, fold_to, receipt_rows

try:  # USB printers need pyusb, and pyusb needs libusb from the system
    from usb.core import NoBackendError
except ImportError:  # pragma: no cover - pyusb is a dependency (python-escpos[usb])
    class NoBackendError(Exception):
        pass

PRINTER_KINDS = ("file", "usb", "serial", "network")
#: The code page every ESC/POS printer has; text is folded into it (see fold_to).
CODE_PAGE = "CP437"
#: Dots per character of font A: a 32-column row is 384 dots (58 mm), 48 is 576 (80 mm).
DOTS_PER_COLUMN = 12
#: Seconds to wait for a network printer before telling the cashier it is not there.
NETWORK_TIMEOUT = 10
USB_TIMEOUT_MS = 10_000
DRAWER_PIN = 2

#: What the library, the operating system and pyusb/pyserial raise for a printer that is
#: missing, switched off, unplugged or busy. Anything else is a bug and is not hidden.
_DEVICE_ERRORS = (EscposError, OSError, NoBackendError)


def _qr_module_size(payload: str, width: int) -> int:
    """The largest QR module (in dots, 1-8) that keeps the code and its quiet zone within
    about four fifths of the paper, so a phone can read it from a 58 mm roll."""
    code = segno.make(payload, error="m", micro=False, boost_error=False)
    modules = code.symbol_size(scale=1, border=4)[0]
    dots = width * DOTS_PER_COLUMN * 4 // 5
    return max(1, min(8, dots // modules))


def _code128(text: str, *, module: int, height: int = 48) -> bytes:
    """GS k 73: a Code 128 (set B) barcode drawn by the printer, without text under it.
    Written out here: the library's barcode() also prints a notice to stdout."""
    data = ("{B" + fold_to(text, "ascii")).encode("ascii")[:255]
    return (b"\x1dh" + bytes([height]) + b"\x1dw" + bytes([module]) + b"\x1dH\x00"
            + b"\x1dkI" + bytes([len(data)]) + data)


def _render(p: Escpos, rows: Sequence[Row], width: int) -> None:
    # The printer keeps each setting until changed: send only what changes.
    align, bold, size = "left", False, NORMAL
    for row in rows:
        style = row.style
        want_align = "center" if style.center else "left"
        if style.qr:
            if align != want_align:
                p.set(align=want_align)
                align = want_align
            # Printers centre a native QR code by the justification set before it.
            p.qr(row.text, ec=QR_ECLEVEL_M, size=_qr_module_size(row.text, width), native=True)
            p.ln()
            continue
        if style.barcode:
            if align != "center":
                p.set(align="center")
                align = "center"
            p._raw(_code128(row.text, module=2 if width <= 32 else 3))
            p.ln()
            continue
        if style.size != size:
            p.set(normal_textsize=style.size == NORMAL,
                  double_height=style.size in (TALL, BIG), double_width=style.size == BIG)
            size = style.size
        if style.bold != bold and row.text:
            p.set(bold=style.bold)
            bold = style.bold
        if want_align != align and row.text:
            p.set(align=want_align)
            align = want_align
        p.textln(fold_to(row.text, CODE_PAGE))
    p.set(align="left", bold=False, normal_textsize=True)


def rows_escpos(rows: Sequence[Row], width: int, *, open_drawer: bool = False) -> bytes:
    """Any laid-out rows (a receipt, a shift report) as one ESC/POS job: reset, code page,
    the rows, feed and cut, then the drawer pulse if asked."""
    p = escpos_printers.Dummy()
    p.hw("INIT")
    p.charcode(CODE_PAGE)
    _render(p, rows, width)
    p.cut()
    if open_drawer:
        p.cashdraw(DRAWER_PIN)
    return p.output


def receipt_escpos(receipt: Receipt, width: int, *, open_drawer: bool = False) -> bytes:
    """The receipt as ESC/POS bytes for paper ``width`` columns wide (32 or 48)."""
    return rows_escpos(receipt_rows(receipt, width), width, open_drawer=open_drawer)


# -- printers ------------------------------------------------------------------------------

def make_printer(kind: str, target: str) -> Escpos:
    """A printer from the till's settings; nothing is opened until something is printed.

    ``file``: a device or file path (``/dev/usb/lp0``); ``usb``: ``vendor:product`` in hex
    (``0416:5011``); ``serial``: a serial device (``/dev/ttyUSB0``, ``COM3``);
    ``network``: ``host`` or ``host:port`` (port 9100 when left out)."""
    target = (target or "").strip()
    if kind not in PRINTER_KINDS:
        raise UserError(
            _("Jenis printer tidak dikenal: {kind}. Pilih file, usb, serial atau network.")
            .format(kind=kind), "printer_kind")
    if not target:
        raise UserError(_("Alamat printer belum diisi."), "printer_target")
    if kind == "file":
        return escpos_printers.File(target)
    if kind == "usb":
        vendor, product = _usb_ids(target)
        return escpos_printers.Usb(vendor, product, timeout=USB_TIMEOUT_MS)
    if kind == "serial":
        try:
            return escpos_printers.Serial(target)
        except RuntimeError as e:  # pyserial missing from this installation
            raise _not_printed(target, e) from e
    host, port = _host_port(target)
    return escpos_printers.Network(host, port, timeout=NETWORK_TIMEOUT)


def _usb_ids(target: str) -> tuple[int, int]:
    parts = target.lower().replace("0x", "").split(":")
    try:
        vendor, product = (int(part, 16) for part in parts)
        if not (0 < vendor <= 0xFFFF and 0 < product <= 0xFFFF):
            raise ValueError(target)
    except ValueError:
        raise UserError(
            _("Alamat printer USB harus berbentuk vendor:product dalam heksadesimal, "
              "mis. 0416:5011 (lihat perintah lsusb)."), "printer_target") from None
    return vendor, product


def _host_port(target: str) -> tuple[str, int]:
    if target.startswith("["):  # [IPv6] or [IPv6]:port
        host, _sep, rest = target[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else rest or "9100"
    elif target.count(":") == 1:
        host, port_text = target.split(":")
    else:  # a host name, an IPv4 address or a bare IPv6 address
        host, port_text = target, "9100"
    if not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise UserError(
            _("Alamat printer jaringan harus berbentuk host atau host:port, "
              "mis. 192.168.1.50:9100."), "printer_target")
    return host, int(port_text)


def _describe(p: Escpos) -> str:
    for attribute in ("devfile", "host"):
        value = getattr(p, attribute, None)
        if value:
            return str(value)
    ids = getattr(p, "usb_args", None)
    if ids:
        return "USB {:04x}:{:04x}".format(ids.get("idVendor", 0), ids.get("idProduct", 0))
    return type(p).__name__


def _not_printed(where: str, error: BaseException, *, sale_saved: bool = False) -> UserError:
    lines = str(error).strip().splitlines()
    detail = lines[-1] if lines else type(error).__name__
    if sale_saved:
        message = _("Struk tidak tercetak: printer {printer} tidak ditemukan, mati atau kabelnya "
                    "lepas ({detail}). Penjualan sudah tersimpan; periksa printer lalu cetak ulang "
                    "struknya.")
    else:
        message = _("Printer {printer} tidak ditemukan, mati atau kabelnya lepas ({detail}). "
                    "Periksa printer lalu coba lagi.")
    return UserError(message.format(printer=where, detail=detail))


def send(printer: Escpos, data: bytes, *, sale_saved: bool = False) -> None:
    """Open ``printer``, write ``data`` in one go and close it again.

    A printer that cannot be reached raises :class:`UserError`; for a receipt
    (``sale_saved``) it says the sale is saved and the receipt can be printed again."""
    try:
        try:
            printer.open()
            printer._raw(data)  # python-escpos' way to send a prepared job (see Dummy)
        finally:
            printer.close()
    except _DEVICE_ERRORS as e:
        raise _not_printed(_describe(printer), e, sale_saved=sale_saved) from e


def print_receipt(receipt: Receipt, printer: Escpos, width: int, open_drawer: bool = False) -> None:
    """Print ``receipt`` on ``printer`` (from :func:`make_printer`), ``width`` columns
    wide; open the cash drawer after it when ``open_drawer`` (a cash sale)."""
    send(printer, receipt_escpos(receipt, width, open_drawer=open_drawer), sale_saved=True)


def print_rows(rows: Sequence[Row], printer: Escpos, width: int) -> None:
    """Print laid-out rows (an X/Z shift report from ``report_rows``)."""
    send(printer, rows_escpos(rows, width))


def open_drawer(printer: Escpos) -> None:
    """Kick the cash drawer wired to the printer, without printing anything."""
    p = escpos_printers.Dummy()
    p.cashdraw(DRAWER_PIN)
    send(printer, p.output)
