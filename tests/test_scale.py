"""Scale labels: the till reads the PLU and the weight or price from an in-store EAN-13."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import ean

from app.models.errors import UserError, ValidationError
from app.models.scale import (
    ScaleLayout,
    ScaleReading,
    layout_from_settings,
    layout_to_settings,
    make_scale_code,
    parse_scale_code,
)

FAST = settings(max_examples=300, deadline=None)
WEIGHT = ScaleLayout()
#: "2" + flag + PLU(5) + price(5) + check: the same positions, the price in rupiah.
PRICE = ScaleLayout(value_kind="price")


def label(first_twelve: str) -> str:
    """The 13-digit code a scale prints for its 12 data digits."""
    assert len(first_twelve) == 12
    return first_twelve + ean.calc_check_digit(first_twelve)


def with_wrong_check_digit(code: str) -> str:
    return code[:-1] + str((int(code[-1]) + 1) % 10)


# --- reading labels ---------------------------------------------------------------------

def test_a_weighed_bag_of_rice_reads_its_plu_and_grams():
    # 1,250 kg of beras curah, PLU 00042.
    assert parse_scale_code(label("200004201250"), WEIGHT) == ScaleReading(plu=42, weight=1250)


def test_every_flag_from_20_to_29_is_a_scale_prefix():
    for flag in range(10):
        reading = parse_scale_code(label(f"2{flag}1234500500"), WEIGHT)
        assert reading == ScaleReading(plu=12345, weight=500)


def test_prefix_02_is_a_scale_prefix_too():
    assert parse_scale_code(label("021234500750"), WEIGHT) == ScaleReading(plu=12345, weight=750)


def test_a_price_label_reads_rupiah():
    # Emping melinjo, PLU 00007, Rp27.500 printed by the scale.
    reading = parse_scale_code(label("210000727500"), PRICE)
    assert reading == ScaleReading(plu=7, price=27_500)
    assert reading.weight is None


def test_a_weight_in_tens_of_grams_is_turned_into_grams():
    layout = ScaleLayout(weight_unit_grams=10)
    assert parse_scale_code(label("200004200125"), layout).weight == 1250


def test_a_wrong_check_digit_on_a_scale_label_is_refused():
    code = with_wrong_check_digit(label("200004201250"))
    with pytest.raises(UserError) as caught:
        parse_scale_code(code, WEIGHT)
    assert code in caught.value.message


@pytest.mark.parametrize("code", [
    "8991234567899",      # an Indonesian product EAN-13 (prefix 899)
    label("899100000001"),
    "0012345678905",      # a UPC-A written as EAN-13
    "4006381333931",      # a German product
    "BRS-CURAH-01",       # an internal code
    "2000042",            # too short
    "20000420125",        # too short
    "20000420125012",     # too long
    "20000420125X3",      # not digits
    "２００００４２０１２５０７",  # full-width digits
    "",
])
def test_codes_that_are_not_scale_labels_are_left_alone(code):
    assert parse_scale_code(code, WEIGHT) is None


def test_a_prefix_the_shop_did_not_choose_is_not_a_scale_label():
    only_28 = ScaleLayout(prefixes=("28",))
    assert parse_scale_code(label("200004201250"), only_28) is None
    assert parse_scale_code(label("280004201250"), only_28) == ScaleReading(plu=42, weight=1250)


def test_a_scanned_label_with_a_trailing_newline_is_read():
    assert parse_scale_code(label("200004201250") + "\n", WEIGHT).plu == 42


@FAST
@given(plu=st.integers(0, 99_999), grams=st.integers(0, 99_999), flag=st.integers(0, 9))
def test_any_plu_and_weight_survive_a_label_round_trip(plu, grams, flag):
    code = label(f"2{flag}{plu:05d}{grams:05d}")
    assert ean.is_valid(code)
    assert parse_scale_code(code, WEIGHT) == ScaleReading(plu=plu, weight=grams)
    assert make_scale_code(WEIGHT, plu=plu, value=grams, prefix=f"2{flag}") == code


@FAST
@given(plu=st.integers(0, 9_999), price=st.integers(0, 999_999))
def test_a_six_digit_price_layout_round_trips(plu, price):
    layout = ScaleLayout(prefixes=("2",), plu_start=1, plu_length=4, value_start=6,
                         value_length=6, value_kind="price")
    code = label(f"2{plu:04d}0{price:06d}")
    assert parse_scale_code(code, layout) == ScaleReading(plu=plu, price=price)


# --- the layout as a setting ------------------------------------------------------------

def test_the_default_layout_is_2_flag_plu_weight_check():
    assert layout_from_settings({}) == WEIGHT
    assert WEIGHT.prefixes == ("20", "21", "22", "23", "24", "25", "26", "27", "28", "29", "02")
    assert (WEIGHT.plu_start, WEIGHT.plu_length, WEIGHT.value_start, WEIGHT.value_length) == (
        2, 5, 7, 5)
    assert WEIGHT.value_kind == "weight" and WEIGHT.weight_unit_grams == 1


def test_a_layout_is_read_from_setting_strings():
    layout = layout_from_settings({
        "prefixes": "20, 21 02", "plu_start": "2", "plu_length": "4", "value_start": " 6 ",
        "value_length": "6", "value_kind": "harga", "weight_unit_grams": "1",
    })
    assert layout == ScaleLayout(prefixes=("20", "21", "02"), plu_start=2, plu_length=4,
                                 value_start=6, value_length=6, value_kind="price")


def test_a_layout_survives_being_saved_as_settings():
    layout = ScaleLayout(prefixes=("27", "28"), value_kind="price", weight_unit_grams=10)
    saved = layout_to_settings(layout)
    assert all(isinstance(v, str) for v in saved.values())
    assert layout_from_settings(saved) == layout


@pytest.mark.parametrize("settings_, field", [
    ({"plu_start": "dua"}, "plu_start"),
    ({"value_length": "-1"}, "value_length"),
    ({"plu_length": "0"}, "plu_start"),
    ({"value_start": "9"}, "value_start"),            # 9 + 5 runs into the check digit
    ({"plu_start": "12", "plu_length": "1"}, "plu_start"),
    ({"value_start": "5"}, "value_start"),            # overlaps the PLU at 2–6
    ({"plu_start": "1"}, "prefixes"),                 # "20" covers the PLU's first digit
    ({"prefixes": ""}, "prefixes"),
    ({"prefixes": "89"}, "prefixes"),                 # would read Indonesian products
    ({"prefixes": "0"}, "prefixes"),                  # would read every UPC-A
    ({"prefixes": "2A"}, "prefixes"),
    ({"value_kind": "volume"}, "value_kind"),
    ({"weight_unit_grams": "0"}, "weight_unit_grams"),
])
def test_an_impossible_layout_is_refused_with_the_field_to_fix(settings_, field):
    with pytest.raises(ValidationError) as caught:
        layout_from_settings(settings_)
    assert field in {p.field for p in caught.value.problems}
    assert all(p.message.strip() for p in caught.value.problems)


def test_every_problem_of_a_layout_is_reported_at_once():
    with pytest.raises(ValidationError) as caught:
        layout_from_settings({"prefixes": "89", "value_kind": "volume", "weight_unit_grams": "0"})
    assert {p.field for p in caught.value.problems} == {"prefixes", "value_kind",
                                                        "weight_unit_grams"}


def test_a_layout_built_in_code_is_checked_too():
    with pytest.raises(ValidationError):
        ScaleLayout(value_start=10)
    with pytest.raises(TypeError):
        ScaleLayout(plu_start="2")
