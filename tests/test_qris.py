"""QRIS: the shop's printed static code is checked, and each sale gets its own dynamic code.

The CRC here is computed bit by bit, independently of the table-driven one in the module,
and the sample static code is assembled field by field, not taken from the module.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.models.errors import UserError
from app.models.qris import (
    MAX_AMOUNT,
    crc16_ccitt_false,
    dynamic_payload,
    merchant_city,
    merchant_name,
    merchant_nmid,
    parse_tlv,
    qr_png,
    validate_static,
)

FAST = settings(max_examples=300, deadline=None)


def reference_crc(text: str) -> str:
    """CRC-16/CCITT-FALSE one bit at a time, written from the definition."""
    crc = 0xFFFF
    for byte in text.encode("ascii"):
        for i in range(7, -1, -1):
            bit = (byte >> i) & 1
            top = (crc >> 15) & 1
            crc = (crc << 1) & 0xFFFF
            if top ^ bit:
                crc ^= 0x1021
    return f"{crc:04X}"


def tlv(tag: str, value: str) -> str:
    return tag + str(len(value)).zfill(2) + value


def with_crc(body: str) -> str:
    body += "6304"
    return body + reference_crc(body)


def reference_fields(payload: str) -> list[tuple[str, str]]:
    """A second, naive TLV reader for checking what the module writes."""
    out, pos = [], 0
    while pos < len(payload):
        tag, length = payload[pos:pos + 2], int(payload[pos + 2:pos + 4])
        out.append((tag, payload[pos + 4:pos + 4 + length]))
        pos += 4 + length
    assert pos == len(payload)
    return out


SUKAMAJU = with_crc(
    tlv("00", "01")
    + tlv("01", "11")
    + tlv("26", tlv("00", "ID.CO.BANKBRI.WWW") + tlv("01", "936000020000123456")
          + tlv("02", "000001234567890") + tlv("03", "UMI"))
    + tlv("51", tlv("00", "ID.CO.QRIS.WWW") + tlv("02", "ID1025123456789") + tlv("03", "UMI"))
    + tlv("52", "5411")
    + tlv("53", "360")
    + tlv("58", "ID")
    + tlv("59", "KOPERASI DESA SUKAMAJU")
    + tlv("60", "LAMPUNG SELATAN")
    + tlv("61", "35551")
    + tlv("62", tlv("07", "KASIR01"))
)


def refused(call, *args, **kwargs) -> str:
    with pytest.raises(UserError) as caught:
        call(*args, **kwargs)
    assert caught.value.message.strip()
    return caught.value.message


# --- the CRC ----------------------------------------------------------------------------

def test_crc_of_the_check_string_is_29b1():
    assert crc16_ccitt_false(b"123456789") == 0x29B1
    assert reference_crc("123456789") == "29B1"


@FAST
@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=300))
def test_crc_agrees_with_the_bit_by_bit_reference(text):
    assert f"{crc16_ccitt_false(text.encode('ascii')):04X}" == reference_crc(text)


# --- the static code --------------------------------------------------------------------

def test_the_shops_static_code_is_accepted_and_read():
    fields = validate_static(SUKAMAJU)
    assert fields[0] == ("00", "01")
    assert fields[-1] == ("63", SUKAMAJU[-4:])
    assert merchant_name(SUKAMAJU) == "KOPERASI DESA SUKAMAJU"
    assert merchant_city(SUKAMAJU) == "LAMPUNG SELATAN"
    assert merchant_nmid(SUKAMAJU) == "ID1025123456789"


def test_a_static_code_pasted_with_spaces_around_it_is_accepted():
    assert validate_static(f"  {SUKAMAJU}\n") == validate_static(SUKAMAJU)


def test_parse_reads_every_field_in_order():
    tags = [tag for tag, _value in parse_tlv(SUKAMAJU)]
    assert tags == ["00", "01", "26", "51", "52", "53", "58", "59", "60", "61", "62", "63"]


def test_a_code_without_the_qris_template_has_no_nmid():
    code = SUKAMAJU[:-8].replace(tlv("51", tlv("00", "ID.CO.QRIS.WWW") + tlv(
        "02", "ID1025123456789") + tlv("03", "UMI")), "")
    code = with_crc(code)
    assert merchant_nmid(code) is None


@pytest.mark.parametrize("tampered", [
    SUKAMAJU[:-4] + ("0000" if SUKAMAJU[-4:] != "0000" else "FFFF"),   # CRC changed
    SUKAMAJU.replace("SUKAMAJU", "SUKAMAJA"),                           # name changed, old CRC
    SUKAMAJU.replace("ID1025123456789", "ID1025123456788"),             # NMID changed, old CRC
])
def test_an_altered_static_code_is_refused_by_its_crc(tampered):
    assert "CRC" in refused(validate_static, tampered)
    assert "CRC" in refused(dynamic_payload, tampered, 15_000)


@pytest.mark.parametrize("garbage", [
    "",
    "   ",
    "hello",
    "https://example.com/bayar",
    SUKAMAJU[:40],                     # truncated mid-field
    SUKAMAJU[:-6],                     # CRC field cut
    "000201" + "01021",                # length runs past the end
    "0002010X0211",                    # non-digit length
    "AB02010102116304FFFF",            # non-digit tag
])
def test_garbage_and_truncated_codes_are_refused(garbage):
    message = refused(validate_static, garbage)
    assert message.startswith("Kode QRIS statis tidak valid")


def test_malformed_tlv_is_refused_by_the_parser_itself():
    refused(parse_tlv, "0002010102")      # header of 01 without its value
    refused(parse_tlv, "00020")           # header cut short
    refused(parse_tlv, "0x0201")


@pytest.mark.parametrize("body, why", [
    (tlv("01", "11") + tlv("00", "01"), "00 must come first"),
    (tlv("00", "02") + tlv("01", "11"), "format version must be 01"),
])
def test_a_code_without_payload_format_01_first_is_refused(body, why):
    rest = tlv("51", tlv("00", "ID.CO.QRIS.WWW")) + tlv("53", "360") + tlv("58", "ID")
    refused(validate_static, with_crc(body + rest))


@pytest.mark.parametrize("replace, by", [
    (tlv("53", "360"), tlv("53", "840")),                     # dollars
    (tlv("58", "ID"), tlv("58", "MY")),                       # Malaysia
    (tlv("53", "360"), ""),                                   # no currency
    (tlv("58", "ID"), ""),                                    # no country
])
def test_a_code_for_another_currency_or_country_is_refused(replace, by):
    code = with_crc(SUKAMAJU[:-8].replace(replace, by))
    refused(validate_static, code)


def test_a_code_without_any_merchant_account_is_refused():
    body = SUKAMAJU[:-8]
    for tag, value in reference_fields(SUKAMAJU):
        if tag in ("26", "51"):
            body = body.replace(tlv(tag, value), "")
    assert "26–51" in refused(validate_static, with_crc(body))


def test_a_code_whose_crc_is_not_last_is_refused():
    body = SUKAMAJU[:-8]
    crc_first = tlv("00", "01") + "6304" + reference_crc(body) + body[6:]
    refused(validate_static, crc_first)


def test_a_dynamic_code_is_not_accepted_as_the_shops_static_code():
    dynamic = dynamic_payload(SUKAMAJU, 25_000, "PJ-0001")
    assert "dinamis" in refused(validate_static, dynamic)


# --- the dynamic code -------------------------------------------------------------------

def test_a_sales_code_carries_the_amount_and_bill_number_with_a_valid_crc():
    code = dynamic_payload(SUKAMAJU, 62_500, "KDMP001-PJ-000123")
    fields = reference_fields(code)
    values = dict(fields)
    assert values["00"] == "01"
    assert values["01"] == "12"
    assert values["54"] == "62500"
    assert dict(reference_fields(values["62"])) == {"01": "KDMP001-PJ-000123", "07": "KASIR01"}
    assert [t for t, _v in reference_fields(values["62"])] == ["01", "07"]
    tags = [tag for tag, _value in fields]
    assert tags[-1] == "63"
    assert tags[:-1] == sorted(tags[:-1])
    assert len(tags) == len(set(tags))
    assert code[-8:-4] == "6304"
    assert values["63"] == reference_crc(code[:-4])
    assert parse_tlv(code) == fields


def test_the_sales_code_keeps_the_merchant_and_drops_the_static_amount_and_tip():
    static = with_crc(SUKAMAJU[:-8].replace(tlv("58", "ID"), tlv("54", "1000") + tlv(
        "55", "02") + tlv("56", "500") + tlv("58", "ID")))
    values = dict(reference_fields(dynamic_payload(static, 15_700)))
    assert values["54"] == "15700"
    assert "55" not in values and "56" not in values and "57" not in values
    assert "62" in values and values["62"] == tlv("07", "KASIR01")  # untouched without a bill
    original = dict(reference_fields(SUKAMAJU))
    for tag in ("26", "51", "52", "53", "58", "59", "60", "61"):
        assert values[tag] == original[tag]


def test_a_bill_number_adds_template_62_when_the_static_code_has_none():
    static = with_crc(SUKAMAJU[:-8].replace(tlv("62", tlv("07", "KASIR01")), ""))
    values = dict(reference_fields(dynamic_payload(static, 1, "PJ-1")))
    assert values["62"] == tlv("01", "PJ-1")
    assert values["54"] == "1"


def test_a_bill_number_replaces_the_one_already_in_62():
    static = with_crc(SUKAMAJU[:-8].replace(
        tlv("62", tlv("07", "KASIR01")), tlv("62", tlv("05", "REF") + tlv("01", "LAMA"))))
    values = dict(reference_fields(dynamic_payload(static, 5_000, "BARU")))
    assert values["62"] == tlv("01", "BARU") + tlv("05", "REF")


def test_the_largest_amount_fits_thirteen_digits():
    values = dict(reference_fields(dynamic_payload(SUKAMAJU, MAX_AMOUNT)))
    assert values["54"] == "9999999999999"


@pytest.mark.parametrize("amount", [0, -1, -15_000, MAX_AMOUNT + 1, 10**20])
def test_an_amount_out_of_range_is_refused(amount):
    refused(dynamic_payload, SUKAMAJU, amount)


@pytest.mark.parametrize("amount", [15_000.0, 1.5, True, "15000", None])
def test_an_amount_that_is_not_int_rupiah_is_a_type_error(amount):
    with pytest.raises(TypeError) as caught:
        dynamic_payload(SUKAMAJU, amount)
    assert str(caught.value)


@pytest.mark.parametrize("bill", ["", "X" * 26, "PJ\n01", "NOTA-é"])
def test_an_unusable_bill_number_is_refused(bill):
    refused(dynamic_payload, SUKAMAJU, 10_000, bill)


def test_a_bill_number_that_overflows_template_62_is_refused():
    long_label = tlv("07", "K" * 70)           # 74 chars; with 01 + 25 chars = 103 > 99
    static = with_crc(SUKAMAJU[:-8].replace(tlv("62", tlv("07", "KASIR01")), tlv("62", long_label)))
    refused(dynamic_payload, static, 10_000, "B" * 25)


@FAST
@given(
    amount=st.integers(min_value=1, max_value=10**13 - 1),
    bill=st.one_of(st.none(), st.from_regex(r"[A-Z0-9-]{1,25}", fullmatch=True)),
)
def test_any_amount_and_bill_number_give_a_code_that_parses_and_checks(amount, bill):
    code = dynamic_payload(SUKAMAJU, amount, bill)
    fields = parse_tlv(code)
    assert fields == reference_fields(code)
    values = dict(fields)
    assert values["54"] == str(amount)
    assert values["63"] == reference_crc(code[:-4])
    if bill is not None:
        assert dict(parse_tlv(values["62"]))["01"] == bill
    tags = [tag for tag, _value in fields]
    assert tags[:-1] == sorted(tags[:-1]) and tags[-1] == "63"


# --- the QR image -----------------------------------------------------------------------

@pytest.mark.skipif(shutil.which("zbarimg") is None,
                    reason="zbarimg missing: apt-get install zbar-tools")
@pytest.mark.parametrize("scale", [4, 8])
def test_the_qr_image_scans_back_to_the_exact_payload(tmp_path, scale):
    code = dynamic_payload(SUKAMAJU, 123_456, "KDMP001-PJ-000042")
    path = qr_png(code, tmp_path / "qris.png", scale=scale)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    scanned = subprocess.run(["zbarimg", "--raw", "-q", str(path)], capture_output=True,
                             text=True, timeout=60, check=True)
    assert scanned.stdout.rstrip("\n") == code
