"""Money and quantity: integers only, formatted and parsed for people in one place.

Money is integer rupiah. Quantity is integer thousandths of the product's base unit
(1,25 kg = 1250). Every rounding happens in :func:`div_round_half_up`.
"""

from __future__ import annotations

import re

from app.i18n import _
from app.models.errors import UserError

QTY_SCALE = 1000
#: The largest amount any one field may hold: under a trillion rupiah.
MAX_RUPIAH = 999_999_999_999
#: The largest quantity one field may hold: a million base units.
MAX_QTY = 1_000_000 * QTY_SCALE

_RUPIAH = re.compile(
    r"^(?P<sign>-)?\s*(?:rp\.?\s*)?(?P<digits>\d{1,3}(?:\.\d{3})+|\d+)(?:,-|,00?)?$",
    re.IGNORECASE,
)
_QTY = re.compile(r"^(?P<sign>-)?(?P<whole>\d+)(?:[.,](?P<frac>\d{1,3}))?$")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def div_round_half_up(numerator: int, denominator: int) -> int:
    """Integer division rounding halves away from zero: the shop's one rounding rule."""
    if not (_is_int(numerator) and _is_int(denominator)) or denominator <= 0:
        raise TypeError("div_round_half_up takes integers and a positive denominator")
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def amount(price_per_unit: int, qty: int) -> int:
    """The rupiah amount of ``qty`` thousandths at ``price_per_unit`` per whole unit."""
    return div_round_half_up(price_per_unit * qty, QTY_SCALE)


def group_thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def format_rupiah(value: int) -> str:
    """``Rp15.000``, ``-Rp2.500``."""
    if not _is_int(value):
        raise TypeError(f"money must be int rupiah, got {type(value).__name__}")
    sign = "-" if value < 0 else ""
    return f"{sign}Rp{group_thousands(abs(value))}"


def format_number(value: int) -> str:
    """``15.000`` for tables where the column says Rp."""
    if not _is_int(value):
        raise TypeError(f"expected int, got {type(value).__name__}")
    return ("-" if value < 0 else "") + group_thousands(abs(value))


def _text(value, what: str, field: str | None) -> str:
    if _is_int(value):
        return str(value)
    if not isinstance(value, str):
        raise UserError(_("{what} harus berupa angka.").format(what=what), field)
    text = value.strip()
    if not text:
        raise UserError(_("{what} belum diisi.").format(what=what), field)
    return text


def parse_rupiah(
    value,
    *,
    field: str | None = None,
    what: str | None = None,
    allow_negative: bool = False,
    allow_zero: bool = True,
    maximum: int = MAX_RUPIAH,
) -> int:
    """Read an amount typed by a person: ``15000``, ``15.000``, ``Rp 15.000,-``."""
    what = what or _("Jumlah uang")
    text = _text(value, what, field)
    match = _RUPIAH.match(text)
    if not match:
        raise UserError(
            _("{what} tidak valid: \"{text}\". Tulis rupiah tanpa sen, mis. 15000 atau 15.000.")
            .format(what=what, text=text[:40]),
            field,
        )
    digits = match["digits"].replace(".", "")
    if len(digits) > len(str(maximum)) + 2:
        raise UserError(_("{what} terlalu besar.").format(what=what), field)
    result = int(digits)
    if match["sign"]:
        result = -result
    return _check_range(result, what, field, allow_negative, allow_zero, maximum, format_rupiah)


def format_qty(qty: int, unit: str | None = None, *, grouped: bool = True) -> str:
    """``1,25 kg``, ``3 pcs``, ``-0,5 liter``: comma for decimals, trailing zeros dropped.

    ``grouped=False`` gives ``1250`` rather than ``1.250``, for a field to be edited
    (the parser reads a dot as a decimal point)."""
    if not _is_int(qty):
        raise TypeError(f"quantity must be int thousandths, got {type(qty).__name__}")
    sign = "-" if qty < 0 else ""
    whole, frac = divmod(abs(qty), QTY_SCALE)
    text = sign + (group_thousands(whole) if grouped else str(whole))
    if frac:
        text += "," + f"{frac:03d}".rstrip("0")
    return f"{text} {unit}" if unit else text


def parse_qty(
    value,
    *,
    field: str | None = None,
    what: str | None = None,
    allow_negative: bool = False,
    allow_zero: bool = False,
    fractional: bool = True,
    maximum: int = MAX_QTY,
) -> int:
    """Read a quantity: ``2``, ``1,25`` (or ``1.25``); at most three decimals.

    An ``int`` is taken as thousandths already (the domain's own unit) and only checked."""
    what = what or _("Jumlah barang")
    if _is_int(value):
        if not fractional and value % QTY_SCALE:
            raise UserError(
                _("{what} harus bilangan bulat untuk barang ini.").format(what=what), field)
        return _check_range(value, what, field, allow_negative, allow_zero, maximum,
                            lambda q: format_qty(q))
    text = _text(value, what, field)
    match = _QTY.match(text.replace(" ", ""))
    if not match:
        raise UserError(
            _("{what} tidak valid: \"{text}\". Tulis angka, mis. 2 atau 1,25.").format(
                what=what, text=text[:40]
            ),
            field,
        )
    if len(match["whole"]) > len(str(maximum // QTY_SCALE)) + 2:
        raise UserError(_("{what} terlalu besar.").format(what=what), field)
    frac = (match["frac"] or "").ljust(3, "0")
    result = int(match["whole"]) * QTY_SCALE + int(frac or 0)
    if match["sign"]:
        result = -result
    if not fractional and result % QTY_SCALE:
        raise UserError(
            _("{what} harus bilangan bulat untuk barang ini.").format(what=what), field
        )
    return _check_range(
        result, what, field, allow_negative, allow_zero, maximum, lambda q: format_qty(q)
    )


def _check_range(result, what, field, allow_negative, allow_zero, maximum, fmt) -> int:
    if result < 0 and not allow_negative:
        raise UserError(_("{what} tidak boleh negatif.").format(what=what), field)
    if result == 0 and not allow_zero:
        raise UserError(_("{what} tidak boleh nol.").format(what=what), field)
    if abs(result) > maximum:
        raise UserError(
            _("{what} terlalu besar (paling banyak {maximum}).").format(
                what=what, maximum=fmt(maximum)
            ),
            field,
        )
    return result


def allocate(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` over lines in proportion to ``weights``; the parts add up exactly
    (largest remainder), so a cart discount never creates or loses a rupiah."""
    whole = sum(weights)
    if whole == 0 or total == 0:
        return [0] * len(weights)
    parts = [total * w // whole for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (total * weights[i]) % whole,
                        reverse=True)
    for i in remainders[: total - sum(parts)]:
        parts[i] += 1
    return parts
