"""Money is int rupiah and quantity int thousandths: formatted and read back for people."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.models.errors import UserError
from app.models.money import (
    MAX_QTY,
    MAX_RUPIAH,
    QTY_SCALE,
    amount,
    div_round_half_up,
    format_number,
    format_qty,
    format_rupiah,
    parse_qty,
    parse_rupiah,
)

FAST = settings(max_examples=300, deadline=None)

rupiah = st.integers(min_value=-MAX_RUPIAH, max_value=MAX_RUPIAH)
quantities = st.integers(min_value=-MAX_QTY, max_value=MAX_QTY)


def plain_digits(text: str) -> str:
    """What a grouped number says once the thousands dots are taken out."""
    return text.replace(".", "")


# --- formatting -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (15000, "Rp15.000"),
        (-2500, "-Rp2.500"),
        (0, "Rp0"),
        (999, "Rp999"),
        (1000, "Rp1.000"),
        (67500, "Rp67.500"),
        (1_234_567, "Rp1.234.567"),
        (MAX_RUPIAH, "Rp999.999.999.999"),
    ],
)
def test_rupiah_is_shown_with_dots_between_thousands(value, shown):
    assert format_rupiah(value) == shown


@pytest.mark.parametrize(
    ("qty", "unit", "shown"),
    [
        (1250, "kg", "1,25 kg"),
        (3000, "pcs", "3 pcs"),
        (-500, "liter", "-0,5 liter"),
        (1, "kg", "0,001 kg"),
        (0, "pcs", "0 pcs"),
        (50_000, "kg", "50 kg"),
        (1_500_000, "pcs", "1.500 pcs"),
        (2_750, None, "2,75"),
    ],
)
def test_quantity_is_shown_with_a_decimal_comma_and_no_trailing_zeros(qty, unit, shown):
    assert format_qty(qty, unit) == shown


def test_quantity_for_an_edit_field_has_no_thousands_dots():
    assert format_qty(1_500_000, grouped=False) == "1500"
    assert format_qty(1_500_250, "kg", grouped=False) == "1500,25 kg"


@pytest.mark.parametrize("not_money", [1.5, 15000.0, True, None, "15000", Decimal("15000")])
def test_formatting_money_that_is_not_int_rupiah_is_a_programming_error(not_money):
    with pytest.raises(TypeError):
        format_rupiah(not_money)
    with pytest.raises(TypeError):
        format_number(not_money)


@pytest.mark.parametrize("not_qty", [1.25, True, None, "1,25"])
def test_formatting_a_quantity_that_is_not_int_thousandths_is_a_programming_error(not_qty):
    with pytest.raises(TypeError):
        format_qty(not_qty)


@FAST
@given(rupiah)
def test_shown_rupiah_says_the_same_number(value):
    shown = format_rupiah(value)
    assert re.fullmatch(r"-?Rp\d{1,3}(\.\d{3})*", shown)
    assert shown.startswith("-") == (value < 0)
    assert int(plain_digits(shown.lstrip("-").removeprefix("Rp"))) == abs(value)
    assert format_number(value) == shown.replace("Rp", "")


@FAST
@given(quantities)
def test_shown_quantity_says_the_same_number(qty):
    shown = format_qty(qty)
    assert re.fullmatch(r"-?\d{1,3}(\.\d{3})*(,\d{1,3})?", shown)
    assert not shown.endswith("0") or "," not in shown
    whole, _, frac = plain_digits(shown.lstrip("-")).partition(",")
    value = Fraction(int(whole)) + (Fraction(int(frac), 10 ** len(frac)) if frac else 0)
    assert value * QTY_SCALE == abs(qty)
    assert shown.startswith("-") == (qty < 0)


# --- reading what people type ------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("15000", 15000),
        ("15.000", 15000),
        ("Rp15.000", 15000),
        ("Rp 15.000", 15000),
        ("rp. 15.000", 15000),
        ("Rp 15.000,-", 15000),
        ("15.000,00", 15000),
        ("  2500  ", 2500),
        ("0", 0),
        ("1.234.567", 1_234_567),
        (15000, 15000),
        ("999.999.999.999", MAX_RUPIAH),
    ],
)
def test_rupiah_typed_the_usual_ways_is_read(typed, value):
    result = parse_rupiah(typed)
    assert result == value
    assert type(result) is int


@pytest.mark.parametrize(
    ("typed", "value"),
    [("-2.500", -2500), ("-Rp2.500", -2500), ("-Rp 2.500", -2500), (-2500, -2500)],
)
def test_negative_rupiah_is_read_where_allowed(typed, value):
    assert parse_rupiah(typed, allow_negative=True) == value


@pytest.mark.parametrize(
    "typed",
    [
        "abc",
        "1e9999",
        "12.5.3",
        "1,5",
        "15.00",
        "1.5",
        "15,50",
        "Rp",
        "--5",
        "5-",
        "0x10",
        "",
        "   ",
    ],
)
def test_malformed_rupiah_is_refused_with_a_message(typed):
    with pytest.raises(UserError) as refused:
        parse_rupiah(typed, field="price")
    assert refused.value.message.strip()
    assert refused.value.field == "price"


@pytest.mark.parametrize("typed", ["-1", "-Rp2.500", -1])
def test_negative_rupiah_is_refused_where_not_allowed(typed):
    with pytest.raises(UserError) as refused:
        parse_rupiah(typed)
    assert refused.value.message.strip()


@pytest.mark.parametrize("typed", ["0", "Rp0", 0, "0,-"])
def test_zero_rupiah_is_refused_where_not_allowed(typed):
    with pytest.raises(UserError) as refused:
        parse_rupiah(typed, allow_zero=False)
    assert refused.value.message.strip()


@pytest.mark.parametrize(
    "typed",
    ["1.000.000.000.000", "1000000000000", "9" * 40, MAX_RUPIAH + 1, -(MAX_RUPIAH + 1), 10**400],
)
def test_rupiah_beyond_the_ceiling_is_refused(typed):
    with pytest.raises(UserError) as refused:
        parse_rupiah(typed, allow_negative=True)
    assert refused.value.message.strip()


def test_a_field_may_set_a_lower_ceiling():
    assert parse_rupiah("50.000", maximum=50_000) == 50_000
    with pytest.raises(UserError):
        parse_rupiah("50.001", maximum=50_000)


@pytest.mark.parametrize(
    "not_text", [1.5, 15000.0, None, True, False, b"15000", ["15000"], Decimal("15000")]
)
def test_rupiah_that_is_neither_text_nor_int_is_refused(not_text):
    with pytest.raises(UserError) as refused:
        parse_rupiah(not_text)
    assert refused.value.message.strip()


@pytest.mark.parametrize(
    ("typed", "qty"),
    [
        ("2", 2000),
        ("1,25", 1250),
        ("1.25", 1250),
        ("0,5", 500),
        ("0,001", 1),
        (" 3 ", 3000),
        ("1 250", 1_250_000),
    ],
)
def test_quantity_typed_the_usual_ways_is_read_as_thousandths(typed, qty):
    result = parse_qty(typed)
    assert result == qty
    assert type(result) is int


@pytest.mark.parametrize(
    ("typed", "kw"),
    [
        ("abc", {}),
        ("1e9999", {}),
        ("12.5.3", {}),
        ("1,2345", {}),  # a thousandth is the smallest step
        ("1,", {}),
        (",5", {}),
        ("", {}),
        ("-1", {}),
        ("0", {}),
        ("0,000", {}),
        ("1,5", {"fractional": False}),
        ("1000001", {}),
        ("9" * 30, {}),
        (str(MAX_QTY // QTY_SCALE) + ",001", {}),
    ],
)
def test_bad_quantity_is_refused_with_a_message(typed, kw):
    with pytest.raises(UserError) as refused:
        parse_qty(typed, field="qty", **kw)
    assert refused.value.message.strip()
    assert refused.value.field == "qty"


def test_an_int_quantity_is_already_thousandths_and_is_only_checked():
    assert parse_qty(1250) == 1250
    with pytest.raises(UserError):
        parse_qty(1250, fractional=False)
    with pytest.raises(UserError):
        parse_qty(-1000)
    assert parse_qty(-1000, allow_negative=True) == -1000


@pytest.mark.parametrize("not_text", [1.5, None, True, False, b"2", Decimal("2")])
def test_quantity_that_is_neither_text_nor_int_is_refused(not_text):
    with pytest.raises(UserError) as refused:
        parse_qty(not_text)
    assert refused.value.message.strip()


def test_quantity_may_be_negative_or_zero_only_where_allowed():
    assert parse_qty("-0,5", allow_negative=True) == -500
    assert parse_qty("0", allow_zero=True) == 0


@FAST
@given(rupiah)
def test_rupiah_read_back_from_its_display_is_the_same_amount(value):
    result = parse_rupiah(format_rupiah(value), allow_negative=True)
    assert result == value
    assert type(result) is int
    assert parse_rupiah(str(value), allow_negative=True) == value
    assert parse_rupiah(value, allow_negative=True) == value


@FAST
@given(quantities)
def test_quantity_read_back_from_its_edit_field_text_is_the_same(qty):
    result = parse_qty(format_qty(qty, grouped=False), allow_negative=True, allow_zero=True)
    assert result == qty
    assert type(result) is int


@FAST
@given(st.integers(min_value=-(1000 * QTY_SCALE - 1), max_value=1000 * QTY_SCALE - 1))
def test_quantity_below_a_thousand_units_reads_back_from_its_display(qty):
    # Below a thousand there is no thousands dot, so display and edit text agree.
    assert parse_qty(format_qty(qty), allow_negative=True, allow_zero=True) == qty


@FAST
@given(st.integers(min_value=1, max_value=MAX_QTY // QTY_SCALE))
def test_whole_quantities_of_counted_goods_are_read(units):
    assert parse_qty(str(units), fractional=False) == units * QTY_SCALE


@FAST
@given(st.text(max_size=20))
def test_any_text_either_reads_as_int_or_is_refused_for_people(text):
    for parse in (parse_rupiah, parse_qty):
        try:
            result = parse(text, allow_negative=True)
        except UserError as refused:
            assert refused.message.strip()
        else:
            assert type(result) is int


# --- the one rounding rule ------------------------------------------------------------


def half_up_reference(numerator: int, denominator: int) -> int:
    """Round a fraction to the nearest integer, halves away from zero."""
    exact = Fraction(numerator, denominator)
    magnitude = math.floor(abs(exact) + Fraction(1, 2))
    return magnitude if exact >= 0 else -magnitude


@FAST
@given(st.integers(min_value=-(10**15), max_value=10**15), st.integers(min_value=1, max_value=10**6))
def test_rounding_is_half_away_from_zero_exactly(numerator, denominator):
    result = div_round_half_up(numerator, denominator)
    assert result == half_up_reference(numerator, denominator)
    assert type(result) is int


@pytest.mark.parametrize(
    ("numerator", "denominator", "rounded"),
    [(5, 10, 1), (-5, 10, -1), (4, 10, 0), (-4, 10, 0), (15, 10, 2), (25, 10, 3), (1, 3, 0),
     (2, 3, 1), (-2, 3, -1), (0, 7, 0)],
)
def test_rounding_examples(numerator, denominator, rounded):
    assert div_round_half_up(numerator, denominator) == rounded


@pytest.mark.parametrize(("numerator", "denominator"), [(1, 0), (1, -2), (1.5, 2), (2, 2.0), (True, 2)])
def test_rounding_takes_only_integers_and_a_positive_divisor(numerator, denominator):
    with pytest.raises(TypeError):
        div_round_half_up(numerator, denominator)


@FAST
@given(st.integers(min_value=0, max_value=MAX_RUPIAH), st.integers(min_value=-MAX_QTY, max_value=MAX_QTY))
def test_line_amount_is_price_times_quantity_rounded_half_up(price, qty):
    result = amount(price, qty)
    assert type(result) is int
    assert result == half_up_reference(price * qty, QTY_SCALE)


def test_line_amount_examples():
    # 1,25 kg of rice at Rp13.000 per kg; 0,333 kg at Rp15.000 is Rp4.995.
    assert amount(13_000, 1250) == 16_250
    assert amount(15_000, 333) == 4_995
    # Rp1.001 per kg × 0,5 kg = Rp500,5: rounds up to Rp501.
    assert amount(1_001, 500) == 501
