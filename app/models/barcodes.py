"""Barcode rules: EAN-8, UPC-A, EAN-13 and GTIN-14 check digits; internal codes allowed."""

from __future__ import annotations

import re

from stdnum import ean

from app.i18n import _

_ALLOWED = re.compile(r"^[A-Za-z0-9._-]{3,32}$")
GTIN_LENGTHS = (8, 12, 13, 14)


def barcode_problem(code: str) -> str | None:
    """Why ``code`` cannot be a barcode, or None when it can."""
    if not _ALLOWED.match(code):
        return _(
            "Barcode \"{code}\" tidak valid: 3–32 huruf atau angka, tanpa spasi."
        ).format(code=code[:40])
    if code.isdigit() and len(code) in GTIN_LENGTHS and not ean.is_valid(code):
        return _("Angka pemeriksa barcode {code} salah: periksa lagi angkanya.").format(code=code)
    return None


def with_check_digit(body: str) -> str:
    """Complete a 7-, 11- or 12-digit body into a valid EAN/UPC code."""
    return body + ean.calc_check_digit(body)


def split_codes(text: str) -> list[str]:
    """Barcodes typed in one field, separated by commas or spaces."""
    return [c for c in re.split(r"[\s,;]+", text or "") if c]
