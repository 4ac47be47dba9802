"""QRIS payloads (EMVCo merchant-presented mode): check a shop's static code, make a dynamic one.

A QRIS payload is a run of ``tag(2) length(2) value`` fields ending with tag 63, a
CRC-16/CCITT-FALSE over everything before its value. The shop keeps its printed static code
(tag 01 = "11") as a setting; at the till :func:`dynamic_payload` turns it into a code for one
sale, with the amount (54) and the sale's document number (62/01), and :func:`qr_png` draws it.
No Qt, no SQL: this module only reads and writes strings.
"""

from __future__ import annotations

from pathlib import Path

import segno

from app.i18n import _
from app.models.errors import UserError
from app.models.money import format_rupiah

#: The form field a settings screen points at when the static code is refused.
FIELD = "qris"
#: Tag 54 holds 1–13 digits: the largest amount a QRIS code can ask for.
MAX_AMOUNT = 9_999_999_999_999
#: Bill numbers (62/01) are at most 25 characters in QRIS.
MAX_BILL_NUMBER = 25
QRIS_TEMPLATE_ID = "ID.CO.QRIS.WWW"

_DIGITS = frozenset("0123456789")
_HEX = frozenset("0123456789ABCDEFabcdef")
# Tags whose values are themselves TLV templates: merchant accounts (26–51) and additional data.
_TEMPLATES = frozenset(f"{t:02d}" for t in range(26, 52)) | {"62"}
# A static code may carry an amount or a tip rule of its own; a sale's code sets its own.
_DROPPED_FOR_DYNAMIC = frozenset({"54", "55", "56", "57", "63"})


def _crc_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte << 8
        for _bit in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
        table.append(crc & 0xFFFF)
    return tuple(table)


_CRC_TABLE = _crc_table()


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor)."""
    crc = 0xFFFF
    for byte in data:
        crc = ((crc << 8) & 0xFFFF) ^ _CRC_TABLE[(crc >> 8) ^ byte]
    return crc


def crc_hex(text: str) -> str:
    """The CRC of ``text`` as QRIS writes it: 4 uppercase hex digits."""
    return f"{crc16_ccitt_false(text.encode('utf-8')):04X}"


def _invalid(reason: str) -> UserError:
    return UserError(_("Kode QRIS statis tidak valid: {reason}").format(reason=reason), FIELD)


def parse_tlv(payload: str) -> list[tuple[str, str]]:
    """The ``(tag, value)`` fields of ``payload``, in order; refuses anything malformed."""
    if not isinstance(payload, str) or not payload:
        raise _invalid(_("kodenya kosong."))
    fields: list[tuple[str, str]] = []
    pos = 0
    while pos < len(payload):
        head = payload[pos:pos + 4]
        if len(head) < 4:
            raise _invalid(_("kodenya terpotong setelah karakter ke-{pos}.").format(pos=pos))
        tag, length = head[:2], head[2:]
        if not set(tag) <= _DIGITS:
            raise _invalid(
                _("\"{tag}\" pada karakter ke-{pos} bukan nomor tag.").format(tag=tag, pos=pos + 1)
            )
        if not set(length) <= _DIGITS:
            raise _invalid(
                _("panjang \"{length}\" untuk tag {tag} bukan angka.").format(length=length, tag=tag)
            )
        end = pos + 4 + int(length)
        if end > len(payload):
            raise _invalid(
                _("isi tag {tag} lebih panjang dari sisa kodenya (kode terpotong?).").format(tag=tag)
            )
        fields.append((tag, payload[pos + 4:end]))
        pos = end
    return fields


def _checked_fields(payload: str) -> list[tuple[str, str]]:
    """Fields of a well-formed QRIS payload, static or dynamic, whose CRC checks."""
    if not isinstance(payload, str):
        raise TypeError(f"a QRIS payload is a str, got {type(payload).__name__}")
    payload = payload.strip()
    fields = parse_tlv(payload)
    tags = [tag for tag, _value in fields]
    if fields[0] != ("00", "01"):
        raise _invalid(_("kode harus diawali format versi 01 (tag 00)."))
    if tags[-1] != "63" or len(fields[-1][1]) != 4:
        raise _invalid(_("kode harus diakhiri CRC 4 karakter (tag 63)."))
    seen = set()
    for tag, value in fields:
        if tag in seen:
            raise _invalid(_("tag {tag} muncul lebih dari sekali.").format(tag=tag))
        if not value:
            raise _invalid(_("isi tag {tag} kosong.").format(tag=tag))
        seen.add(tag)
    crc_text = fields[-1][1]
    if not set(crc_text) <= _HEX or crc_text.upper() != crc_hex(payload[:-4]):
        raise _invalid(_("CRC tidak cocok: kode salah ketik atau rusak."))
    values = dict(fields)
    if values.get("53") != "360":
        raise _invalid(_("mata uangnya bukan rupiah (tag 53 harus 360)."))
    if values.get("58") != "ID":
        raise _invalid(_("kode negaranya bukan ID (tag 58)."))
    if not any("26" <= tag <= "51" for tag in tags):
        raise _invalid(_("tidak ada data akun merchant (tag 26–51)."))
    for tag, value in fields:
        if tag in _TEMPLATES:
            parse_tlv(value)
    return fields


def validate_static(payload: str) -> list[tuple[str, str]]:
    """The fields of a shop's static QRIS code; refuses a malformed, altered or dynamic one."""
    fields = _checked_fields(payload)
    initiation = dict(fields).get("01")
    if initiation == "12":
        raise _invalid(
            _("ini kode QRIS dinamis (untuk satu transaksi); masukkan kode statis gerai.")
        )
    if initiation not in (None, "11"):
        raise _invalid(_("tag 01 harus 11 (statis)."))
    return fields


def merchant_name(payload: str) -> str | None:
    """The merchant name (tag 59) of a checked QRIS payload."""
    return dict(_checked_fields(payload)).get("59")


def merchant_city(payload: str) -> str | None:
    """The merchant city (tag 60) of a checked QRIS payload."""
    return dict(_checked_fields(payload)).get("60")


def merchant_nmid(payload: str) -> str | None:
    """The NMID: sub-tag 02 of the merchant template whose sub-tag 00 is ID.CO.QRIS.WWW."""
    for tag, value in _checked_fields(payload):
        if "26" <= tag <= "51":
            sub = dict(parse_tlv(value))
            if sub.get("00", "").upper() == QRIS_TEMPLATE_ID:
                return sub.get("02")
    return None


def _field(tag: str, value: str) -> str:
    if len(value) > 99:
        raise UserError(
            _("Isi tag QRIS {tag} terlalu panjang (paling banyak 99 karakter).").format(tag=tag),
            FIELD,
        )
    return f"{tag}{len(value):02d}{value}"


def _bill_number_problem(bill_number: str) -> str | None:
    if not bill_number:
        return _("Nomor tagihan QRIS belum diisi.")
    if len(bill_number) > MAX_BILL_NUMBER:
        return _("Nomor tagihan QRIS terlalu panjang (paling banyak {n} karakter).").format(
            n=MAX_BILL_NUMBER)
    if not all(" " <= ch <= "~" for ch in bill_number):
        return _("Nomor tagihan QRIS hanya boleh berisi huruf, angka dan tanda baca biasa.")
    return None


def dynamic_payload(static: str, amount: int, bill_number: str | None = None) -> str:
    """A one-sale QRIS code: ``static`` with 01 = 12, the amount in 54 and the bill in 62/01."""
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise TypeError(f"a QRIS amount is int rupiah, got {type(amount).__name__}")
    if amount < 1:
        raise UserError(_("Jumlah pembayaran QRIS harus lebih dari nol."), "amount")
    if amount > MAX_AMOUNT:
        raise UserError(
            _("Jumlah pembayaran QRIS terlalu besar (paling banyak {max}).").format(
                max=format_rupiah(MAX_AMOUNT)),
            "amount",
        )
    if bill_number is not None:
        if not isinstance(bill_number, str):
            raise TypeError(f"a bill number is a str, got {type(bill_number).__name__}")
        problem = _bill_number_problem(bill_number)
        if problem:
            raise UserError(problem, "bill_number")

    values = {tag: value for tag, value in validate_static(static)
              if tag not in _DROPPED_FOR_DYNAMIC}
    values["01"] = "12"
    values["54"] = str(amount)
    if bill_number is not None:
        additional = dict(parse_tlv(values["62"])) if "62" in values else {}
        additional["01"] = bill_number
        values["62"] = "".join(_field(sub, additional[sub]) for sub in sorted(additional))
    body = "".join(_field(tag, values[tag]) for tag in sorted(values)) + "6304"
    return body + crc_hex(body)


def qr_png(payload: str, path: str | Path, scale: int = 8) -> Path:
    """Draw ``payload`` as a QR code PNG at ``path``: error correction M or better, quiet zone 4."""
    qr = segno.make_qr(payload, error="m")
    path = Path(path)
    qr.save(str(path), kind="png", scale=scale, border=4)
    return path
