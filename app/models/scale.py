"""In-store scale labels: EAN-13 codes starting 20–29 or 02 that carry a PLU and a weight or price.

Each shop's scale prints its own layout, so the layout is a shop setting (a dict of strings,
read by :func:`layout_from_settings`). The common one is ``2`` + flag + 5-digit PLU + 5-digit
weight in grams + check digit. Positions count from 0 at the left of the 13 digits.
No Qt, no SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from stdnum import ean

from app.i18n import _
from app.models.errors import Problem, UserError, ValidationError

CODE_LENGTH = 13
#: The data digits: everything before the check digit.
DATA_LENGTH = CODE_LENGTH - 1
VALUE_KINDS = ("weight", "price")
DEFAULT_PREFIXES = ("20", "21", "22", "23", "24", "25", "26", "27", "28", "29", "02")
_DIGITS = frozenset("0123456789")


@dataclass(frozen=True)
class ScaleLayout:
    """Where the PLU and the weight or price sit in a scale label's 13 digits."""

    prefixes: tuple[str, ...] = DEFAULT_PREFIXES
    plu_start: int = 2
    plu_length: int = 5
    value_start: int = 7
    value_length: int = 5
    value_kind: str = "weight"
    #: Grams per step of the printed weight (1 = grams, 10 = tens of grams).
    weight_unit_grams: int = 1

    def __post_init__(self):
        problems = layout_problems(self)
        if problems:
            raise ValidationError(problems)


@dataclass(frozen=True)
class ScaleReading:
    """What one scale label says: the PLU and either a weight or a price."""

    plu: int
    #: Thousandths of a kilogram (grams), when the layout carries a weight.
    weight: int | None = None
    #: Rupiah, when the layout carries a price.
    price: int | None = None


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _prefix_problem(prefix) -> str | None:
    if not isinstance(prefix, str) or not prefix or not set(prefix) <= _DIGITS:
        return _("Awalan barcode timbangan \"{prefix}\" harus berupa angka.").format(
            prefix=prefix)
    # Only GS1's in-store ranges: any other prefix would read real products as scale labels.
    if not (prefix.startswith("2") or prefix.startswith("02")):
        return _("Awalan barcode timbangan \"{prefix}\" harus diawali 2 atau 02 "
                 "(kode khusus toko).").format(prefix=prefix)
    return None


def _labels() -> dict[str, str]:
    return {
        "plu_start": _("Letak PLU"),
        "plu_length": _("Panjang PLU"),
        "value_start": _("Letak berat/harga"),
        "value_length": _("Panjang berat/harga"),
        "weight_unit_grams": _("Satuan berat (gram)"),
    }


def layout_problems(layout: ScaleLayout) -> list[Problem]:
    """Everything impossible about ``layout``, collected."""
    numbers = ("plu_start", "plu_length", "value_start", "value_length", "weight_unit_grams")
    for name in numbers:
        if not _is_int(getattr(layout, name)):
            raise TypeError(f"ScaleLayout.{name} must be int, got {getattr(layout, name)!r}")
    if not isinstance(layout.prefixes, tuple):
        raise TypeError(f"ScaleLayout.prefixes must be a tuple, got {layout.prefixes!r}")
    problems = []
    if not layout.prefixes:
        problems.append(Problem("prefixes", _("Isi paling sedikit satu awalan barcode timbangan.")))
    for prefix in layout.prefixes:
        message = _prefix_problem(prefix)
        if message:
            problems.append(Problem("prefixes", message))
    if layout.value_kind not in VALUE_KINDS:
        problems.append(Problem("value_kind", _(
            "Jenis nilai barcode timbangan harus weight (berat) atau price (harga).")))
    if not 1 <= layout.weight_unit_grams <= 1000:
        problems.append(Problem("weight_unit_grams", _(
            "Satuan berat barcode timbangan harus 1–1000 gram.")))
    fits = True
    for start_name, length_name, label in (
        ("plu_start", "plu_length", _("PLU")),
        ("value_start", "value_length", _("Berat/harga")),
    ):
        start, length = getattr(layout, start_name), getattr(layout, length_name)
        if length < 1 or start < 0 or start + length > DATA_LENGTH:
            fits = False
            problems.append(Problem(start_name, _(
                "{label} pada barcode timbangan harus berada di antara digit ke-1 dan ke-12 "
                "(digit ke-13 adalah angka pemeriksa)."
            ).format(label=label)))
    if not fits:
        return problems
    plu_end = layout.plu_start + layout.plu_length
    value_end = layout.value_start + layout.value_length
    if layout.plu_start < value_end and layout.value_start < plu_end:
        problems.append(Problem("value_start", _(
            "Letak PLU dan berat/harga pada barcode timbangan tidak boleh bertumpuk.")))
    longest = max((len(p) for p in layout.prefixes if isinstance(p, str)), default=0)
    if longest > min(layout.plu_start, layout.value_start):
        problems.append(Problem("prefixes", _(
            "Awalan barcode timbangan tidak boleh menutupi letak PLU atau berat/harga.")))
    return problems


_KIND_WORDS = {"berat": "weight", "harga": "price"}


def layout_from_settings(settings: dict[str, str]) -> ScaleLayout:
    """The layout saved as shop settings (field name → text); missing fields take defaults.

    Positions count from 0, as in :class:`ScaleLayout`. ``prefixes`` is a comma- or
    space-separated list, e.g. ``"20, 21, 02"``; ``value_kind`` is weight/berat or price/harga.
    """
    problems = []
    values: dict[str, object] = {}
    for f in fields(ScaleLayout):
        text = settings.get(f.name)
        if text is None:
            continue
        text = str(text).strip()
        if f.name == "prefixes":
            values[f.name] = tuple(p for p in text.replace(",", " ").split() if p)
        elif f.name == "value_kind":
            values[f.name] = _KIND_WORDS.get(text.lower(), text.lower())
        elif text.isascii() and text.isdigit() and len(text) <= 4:
            values[f.name] = int(text)
        else:
            problems.append(Problem(f.name, _(
                "{label} harus berupa angka bulat, bukan \"{text}\".").format(
                    label=_labels()[f.name], text=text[:20])))
    if problems:
        raise ValidationError(problems)
    return ScaleLayout(**values)


def layout_to_settings(layout: ScaleLayout) -> dict[str, str]:
    """The layout as shop settings text, read back by :func:`layout_from_settings`."""
    return {
        f.name: ",".join(layout.prefixes) if f.name == "prefixes" else str(getattr(layout, f.name))
        for f in fields(ScaleLayout)
    }


def is_scale_code(code: str, layout: ScaleLayout) -> bool:
    """Whether ``code`` has the shape of this layout's labels (check digit not yet checked)."""
    return (
        isinstance(code, str)
        and len(code) == CODE_LENGTH
        and set(code) <= _DIGITS
        and code.startswith(layout.prefixes)
    )


def parse_scale_code(code: str, layout: ScaleLayout) -> ScaleReading | None:
    """The PLU and weight or price of a scale label; None when ``code`` is not one.

    A code shaped like this layout's labels but with a wrong check digit is refused: it was
    misread, and guessing a weight from it would charge the wrong amount.
    """
    code = code.strip() if isinstance(code, str) else code
    if not is_scale_code(code, layout):
        return None
    if not ean.is_valid(code):
        raise UserError(_(
            "Angka pemeriksa barcode timbangan {code} salah: pindai ulang labelnya."
        ).format(code=code), "barcode")
    plu = int(code[layout.plu_start:layout.plu_start + layout.plu_length])
    value = int(code[layout.value_start:layout.value_start + layout.value_length])
    if layout.value_kind == "weight":
        return ScaleReading(plu=plu, weight=value * layout.weight_unit_grams)
    return ScaleReading(plu=plu, price=value)


def make_scale_code(layout: ScaleLayout, *, plu: int, value: int, prefix: str | None = None) -> str:
    """A label for ``plu`` and ``value`` (grams ÷ weight_unit_grams, or rupiah), as a scale prints it.

    ``prefix`` is one of the layout's prefixes (the first by default); unused digits are 0.
    """
    prefix = layout.prefixes[0] if prefix is None else prefix
    if prefix not in layout.prefixes:
        raise ValueError(f"{prefix!r} is not one of the layout's prefixes {layout.prefixes}")
    digits = list(prefix.ljust(DATA_LENGTH, "0"))
    for start, length, number in (
        (layout.plu_start, layout.plu_length, plu),
        (layout.value_start, layout.value_length, value),
    ):
        if not _is_int(number) or not 0 <= number < 10**length:
            raise ValueError(f"{number!r} does not fit in {length} digits")
        digits[start:start + length] = f"{number:0{length}d}"
    body = "".join(digits)
    return body + ean.calc_check_digit(body)
