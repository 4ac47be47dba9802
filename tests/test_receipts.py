"""Receipts on paper and in PDF: what a cashier and a customer read off them.

The ESC/POS bytes are read back the way a thermal printer reads them (a small decoder for
the commands Gerai sends); the PDF is read back with poppler's ``pdftotext`` and its QR
code with ``zbarimg`` (Debian packages poppler-utils and zbar-tools).
"""

from __future__ import annotations

import socket
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from escpos.printer import Dummy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import i18n
from app.models.errors import UserError
from app.models.receipts import Receipt, ReceiptLine, ReceiptPayment
from app.reports import receipt_pdf
from app.reports.receipt_escpos import (
    make_printer,
    open_drawer,
    print_receipt,
    print_rows,
    receipt_escpos,
)
from app.reports.receipt_pdf import write_receipt_pdf
from app.reports.receipt_text import plain_lines, receipt_rows, report_rows

#: A dynamic QRIS code for this sale (amount 127650, bill number = document number).
QRIS = (
    "00020101021226700021ID.CO.BANKLAMPUNG.WWW011893600121000001234502120000000123450303UMI"
    "51440014ID.CO.QRIS.WWW0215ID10251234567890303UMI52045411530336054061276505802ID"
    "5923KOPDES MERAH PUTIH SKMJ6014LAMPUNG SELATN610535362"
    "62340119KDMP017-251122-00420707KASIR-16304F323"
)
ESC, GS = 0x1B, 0x1D
DRAWER_KICK = b"\x1bp"


def lampung_sale(**changes) -> Receipt:
    """A member's Saturday shop at a gerai in Natar, Lampung Selatan, paid in cash."""
    receipt = Receipt(
        cooperative_name="Koperasi Desa Merah Putih Sukamaju",
        shop_name="Gerai Sembako Natar",
        address="Jl. Raya Natar No. 12, Desa Sukamaju, Kec. Natar, Kab. Lampung Selatan",
        number="KDMP017-251122-0042",
        time_text="22/11/2025 14:05 WIB",
        cashier="Dewi Lestari",
        member="A-0012 Siti Rahmawati",
        title="STRUK PENJUALAN",
        lines=(
            ReceiptLine("Beras SPHP 5 kg", "1 pcs", 62_500, 62_500),
            ReceiptLine("MinyaKita 1 L", "2 pcs", 15_700, 31_400),
            ReceiptLine("Gula Pasir 1 kg", "1 pcs", 17_500, 17_500),
            # Weighed from the 50 kg sack, Rp500 a kilo under the medium-rice HET (13.500).
            ReceiptLine("Beras Curah Medium", "1,25 kg", 13_000, 16_250, het_saving=625),
        ),
        subtotal=127_650,
        cart_discount=0,
        total=127_650,
        payments=(ReceiptPayment("Tunai", 150_000),),
        change=22_350,
        het_saving=625,
        footer="Terima kasih telah berbelanja di gerai koperasi Anda.",
    )
    return replace(receipt, **changes)


# -- a thermal printer, as far as Gerai's commands go ---------------------------------------

@dataclass
class Printout:
    lines: list[str] = field(default_factory=list)
    #: Columns each line covers: double-width characters count twice.
    columns: list[int] = field(default_factory=list)
    bold: list[bool] = field(default_factory=list)
    qr_codes: list[str] = field(default_factory=list)
    barcodes: list[str] = field(default_factory=list)
    cut: bool = False
    drawer_pulses: int = 0

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def line_with(self, words: str) -> str:
        found = [line for line in self.lines if words in line]
        assert found, f"{words!r} is not on the receipt:\n{self.text}"
        return found[0]

    def line_of(self, label: str) -> str:
        """The line that starts with ``label``."""
        found = [line for line in self.lines if line.startswith(label)]
        assert found, f"no line starts with {label!r}:\n{self.text}"
        return found[0]


def thermal_print(data: bytes) -> Printout:
    """What a printer puts on paper for ``data``; a command it does not know fails the test."""
    out = Printout()
    line = bytearray()
    bold, wide = False, 1
    qr_data = b""
    i = 0
    while i < len(data):
        b = data[i]
        if b == ESC:
            cmd = data[i + 1]
            if cmd == ord("@"):
                bold, wide = False, 1
                i += 2
            elif cmd in b"E!atd":
                n = data[i + 2]
                if cmd == ord("E"):
                    bold = bool(n & 1)
                elif cmd == ord("!"):
                    wide = 2 if n & 0x20 else 1
                elif cmd == ord("d"):
                    out.lines += [""] * n
                    out.columns += [0] * n
                    out.bold += [False] * n
                i += 3
            elif cmd == ord("p"):
                out.drawer_pulses += 1
                i += 5
            else:
                raise AssertionError(f"unknown command ESC {cmd:#x} at byte {i}")
        elif b == GS:
            cmd = data[i + 1]
            if cmd == ord("!"):
                wide = (data[i + 2] >> 4) + 1
                i += 3
            elif cmd == ord("V"):
                out.cut = True
                i += 4 if data[i + 2] in (65, 66) else 3
            elif cmd in b"hwH":  # barcode height, module width, text position
                i += 3
            elif cmd == ord("k") and data[i + 2] == 73:  # Code 128: GS k 73 n data
                length = data[i + 3]
                out.barcodes.append(data[i + 4:i + 4 + length].decode("ascii"))
                i += 4 + length
            elif data[i + 1:i + 3] == b"(k":
                length = data[i + 3] + 256 * data[i + 4]
                block = data[i + 5:i + 5 + length]
                assert block[:1] == b"1", "only QR codes (cn=49) are sent"
                if block[1:2] == b"P":  # store the symbol's data (after m=48)
                    qr_data = block[3:]
                elif block[1:2] == b"Q":  # print the stored symbol
                    out.qr_codes.append(qr_data.decode("ascii"))
                i += 5 + length
            else:
                raise AssertionError(f"unknown command GS {cmd:#x} at byte {i}")
        elif b == 0x0A:
            text = line.decode("cp437")
            out.lines.append(text)
            out.columns.append(len(text) * wide)
            out.bold.append(bold)
            line.clear()
            i += 1
        elif b < 0x20:
            raise AssertionError(f"control byte {b:#x} in text at byte {i}")
        else:
            line.append(b)
            i += 1
    assert not line, "text left in the buffer without a line feed is never printed"
    return out


# -- on a thermal printer ------------------------------------------------------------------

@pytest.mark.parametrize("width", [32, 48])
def test_a_cash_sale_prints_within_the_paper_and_reads_like_the_sale(width):
    paper = thermal_print(receipt_escpos(lampung_sale(), width))

    assert max(paper.columns) <= width
    assert "KDMP017-251122-0042" in paper.line_of("No.")
    assert "A-0012 Siti Rahmawati" in paper.line_of("Anggota")
    assert "Dewi Lestari" in paper.line_of("Kasir")
    assert paper.line_with("1,25 kg x 13.000").endswith(" 16.250")
    assert paper.line_with("2 pcs x 15.700").endswith(" 31.400")
    total = paper.line_of("TOTAL")
    assert total.startswith("TOTAL") and total.endswith(" Rp127.650")
    assert len(total) == width, "the total is flush with the right edge"
    assert paper.line_of("Tunai").endswith(" 150.000")
    assert paper.line_of("Kembali").endswith(" 22.350")
    assert "Hemat dari HET Rp625" in paper.text
    assert "SALINAN" not in paper.text
    assert paper.cut
    assert paper.drawer_pulses == 0
    assert paper.qr_codes == []


def test_amounts_line_up_in_one_right_hand_column():
    paper = thermal_print(receipt_escpos(lampung_sale(), 32))
    amount_lines = [line for line in paper.lines if line.rstrip()[-1:].isdigit()
                    and not line.startswith(("No.", "Waktu", "Anggota")) and "HET" not in line]
    assert len(amount_lines) >= 7
    assert {len(line) for line in amount_lines} == {32}


def test_a_reprint_says_salinan_in_double_width_letters():
    paper = thermal_print(receipt_escpos(lampung_sale(copy=True), 32))
    index = paper.lines.index("SALINAN")
    assert paper.columns[index] == 2 * len("SALINAN")
    assert paper.lines.index("STRUK PENJUALAN") < index < paper.lines.index(paper.line_of("No."))


def test_the_drawer_opens_only_when_asked_and_after_the_cut():
    cash = receipt_escpos(lampung_sale(), 32, open_drawer=True)
    assert thermal_print(cash).drawer_pulses == 1
    assert cash.index(DRAWER_KICK) > cash.index(b"\x1dV")
    assert DRAWER_KICK not in receipt_escpos(lampung_sale(), 32)


def test_a_qris_code_prints_the_exact_payload():
    sale = lampung_sale(payments=(ReceiptPayment("QRIS", 127_650, "REF 2511221405"),),
                        change=0, qris_payload=QRIS)
    paper = thermal_print(receipt_escpos(sale, 32))
    assert paper.qr_codes == [QRIS]
    assert "Ref. REF 2511221405" in paper.text
    assert "Kembali" not in paper.text


def test_letters_the_printer_lacks_are_replaced_and_commands_in_names_are_not_sent():
    sale = lampung_sale(lines=(
        ReceiptLine("Kopi Robusta – Lampung Barat “café”", "1 pcs", 25_000, 25_000),
        ReceiptLine("Keripik\x1b@\x1dV\x00 Pisang\tManis", "1 pcs", 12_000, 12_000),
        ReceiptLine("Sambal 辣椒 Bu Endang", "1 btl", 15_000, 15_000),
    ))
    paper = thermal_print(receipt_escpos(sale, 48))  # fails on any stray command byte
    assert 'Kopi Robusta - Lampung Barat "café"' in paper.lines
    assert "Keripik @ V Pisang Manis" in paper.lines
    assert "Sambal ?? Bu Endang" in paper.lines
    assert max(paper.columns) <= 48


def test_discounts_show_under_their_line_and_above_the_total():
    sale = lampung_sale(
        lines=(ReceiptLine("MinyaKita 1 L", "2 pcs", 15_700, 30_400, discount=1_000),),
        subtotal=30_400, cart_discount=400, total=30_000,
        payments=(ReceiptPayment("Tunai", 50_000),), change=20_000, het_saving=0)
    paper = thermal_print(receipt_escpos(sale, 32))
    lines = paper.lines
    item = lines.index(paper.line_with("2 pcs x 15.700"))
    assert lines[item].endswith(" 31.400")
    assert lines[item + 1].strip().startswith("Diskon") and lines[item + 1].endswith(" -1.000")
    assert paper.line_of("Subtotal").endswith(" 30.400")
    assert [line for line in lines if line.startswith("Diskon")][0].endswith(" -400")
    assert paper.line_of("TOTAL").endswith(" Rp30.000")
    assert "HET" not in paper.text


# -- any receipt fits ----------------------------------------------------------------------

BIGGEST = 9_999_999_999_999  # 13 digits: the most a QRIS amount can hold
names = st.text(max_size=120)
amounts = st.integers(-BIGGEST, BIGGEST)
receipt_lines = st.builds(
    ReceiptLine, name=names, qty_text=st.text(max_size=30), unit_price=amounts, amount=amounts,
    discount=st.integers(0, BIGGEST), het_saving=st.integers(0, BIGGEST))
payments = st.builds(ReceiptPayment, method_label=st.text(max_size=40), amount=amounts,
                     reference=st.text(max_size=60))
receipts = st.builds(
    Receipt, cooperative_name=names, shop_name=names, address=st.text(max_size=200),
    number=st.text(max_size=40), time_text=st.text(max_size=40), cashier=names, member=names,
    title=names, lines=st.lists(receipt_lines, max_size=4).map(tuple), subtotal=amounts,
    cart_discount=amounts, total=amounts, payments=st.lists(payments, max_size=3).map(tuple),
    change=amounts, het_saving=amounts, footer=st.text(max_size=200), copy=st.booleans(),
    qris_payload=st.just(""), notes=st.lists(st.text(max_size=120), max_size=2).map(tuple))


@settings(max_examples=300, deadline=None)
@given(receipt=receipts, width=st.sampled_from([32, 48]))
def test_no_row_of_any_receipt_is_wider_than_the_paper(receipt, width):
    rows = receipt_rows(receipt, width)
    assert all(row.columns() <= width for row in rows)
    assert all(len(line) <= width for line in plain_lines(rows, width))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(receipt=receipts, width=st.sampled_from([32, 48]))
def test_no_printed_line_of_any_receipt_is_wider_than_the_paper(receipt, width):
    paper = thermal_print(receipt_escpos(receipt, width))
    assert max(paper.columns) <= width


def test_a_shift_report_prints_under_the_same_header():
    rows = report_rows(
        cooperative_name="Koperasi Desa Merah Putih Sukamaju", shop_name="Gerai Sembako Natar",
        address="Jl. Raya Natar No. 12", title="LAPORAN X", width=32,
        fields=[("Kasir", "Dewi Lestari"), ("Shift", "22/11/2025 07:00-14:05")],
        rows=[("Penjualan", None), ("Tunai", 1_254_300), ("QRIS", 389_000), ("-", None),
              ("Jumlah transaksi", "57"), ("Uang di laci menurut sistem", 1_454_300)])
    printer = Dummy()
    print_rows(rows, printer, 32)
    paper = thermal_print(printer.output)
    assert max(paper.columns) <= 32
    assert paper.lines[0] == "Koperasi Desa Merah Putih"
    assert paper.line_of("Tunai").endswith(" 1.254.300")
    assert paper.line_with("Jumlah transaksi").endswith(" 57")
    # A long label wraps beside its amount, which stays in the column.
    assert paper.line_of("sistem").endswith(" 1.454.300")


# -- printers ------------------------------------------------------------------------------

def test_a_file_printer_gets_the_whole_receipt(tmp_path):
    device = tmp_path / "lp0"
    print_receipt(lampung_sale(), make_printer("file", str(device)), 48, open_drawer=True)
    assert device.read_bytes() == receipt_escpos(lampung_sale(), 48, open_drawer=True)


def test_the_drawer_can_be_opened_without_printing():
    printer = Dummy()
    open_drawer(printer)
    assert printer.output.startswith(DRAWER_KICK) and len(printer.output) == 5


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("kind, target", [
    ("file", "/nonexistent/usb/lp0"),
    ("network", f"127.0.0.1:{_closed_port()}"),
    ("serial", "/dev/ttyGERAI-NONE"),
    ("usb", "0416:5011"),
])
def test_a_missing_printer_says_the_sale_is_saved_and_can_be_reprinted(kind, target):
    printer = make_printer(kind, target)
    with pytest.raises(UserError) as refused:
        print_receipt(lampung_sale(), printer, 32, open_drawer=True)
    assert "Penjualan sudah tersimpan" in refused.value.message
    assert "cetak ulang" in refused.value.message


def test_a_missing_printer_for_a_shift_report_does_not_talk_about_a_sale():
    rows = report_rows(cooperative_name="Koperasi", shop_name="Gerai", address="",
                       title="LAPORAN X", rows=[("Tunai", 1_000)], width=32)
    with pytest.raises(UserError) as refused:
        print_rows(rows, make_printer("file", "/nonexistent/usb/lp0"), 32)
    assert "/nonexistent/usb/lp0" in refused.value.message
    assert "Penjualan" not in refused.value.message


def test_a_printer_plugged_in_after_a_failure_prints_the_reprint(tmp_path):
    device = tmp_path / "usb" / "lp0"
    printer = make_printer("file", str(device))
    with pytest.raises(UserError):
        print_receipt(lampung_sale(), printer, 32)
    device.parent.mkdir()
    print_receipt(lampung_sale(copy=True), printer, 32)
    assert "SALINAN" in thermal_print(device.read_bytes()).text


@pytest.mark.parametrize("kind, target, field_name", [
    ("bluetooth", "00:11:22", "printer_kind"),
    ("usb", "", "printer_target"),
    ("usb", "lp0", "printer_target"),
    ("usb", "0416:zz11", "printer_target"),
    ("network", "192.168.1.50:printer", "printer_target"),
    ("network", "192.168.1.50:70000", "printer_target"),
])
def test_printer_settings_that_cannot_work_are_refused(kind, target, field_name):
    with pytest.raises(UserError) as refused:
        make_printer(kind, target)
    assert refused.value.field == field_name


def test_printer_addresses_are_read_as_a_shop_writes_them():
    assert make_printer("usb", "0416:5011").usb_args == {"idVendor": 0x0416, "idProduct": 0x5011}
    network = make_printer("network", "192.168.1.50")
    assert (network.host, network.port) == ("192.168.1.50", 9100)
    named = make_printer("network", " kasir-printer.lan:9101 ")
    assert (named.host, named.port) == ("kasir-printer.lan", 9101)
    assert make_printer("file", "/dev/usb/lp0").devfile == "/dev/usb/lp0"


# -- PDF -----------------------------------------------------------------------------------

def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def test_the_pdf_receipt_says_what_the_paper_says(tmp_path):
    path = write_receipt_pdf(lampung_sale(), tmp_path / "struk.pdf")
    text = _pdf_text(path)
    lines = [line.strip() for line in text.splitlines()]
    for words in ("KDMP017-251122-0042", "A-0012 Siti Rahmawati", "Dewi Lestari",
                  "STRUK PENJUALAN", "Hemat dari HET Rp625", "Beras Curah Medium"):
        assert words in text
    total = next(line for line in lines if line.startswith("TOTAL"))
    assert total.endswith("Rp127.650")
    assert next(line for line in lines if line.startswith("Kembali")).endswith("22.350")
    assert "1,25 kg x 13.000" in text and "16.250" in text
    assert "SALINAN" not in text


def test_a_pdf_reprint_says_salinan(tmp_path):
    path = write_receipt_pdf(lampung_sale(copy=True), tmp_path / "salinan.pdf", width=32)
    assert "SALINAN" in _pdf_text(path)


def test_the_pdf_qris_code_scans_back_to_the_exact_payload(tmp_path):
    sale = lampung_sale(payments=(ReceiptPayment("QRIS", 127_650),), change=0, qris_payload=QRIS)
    path = write_receipt_pdf(sale, tmp_path / "qris.pdf")
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-singlefile", str(path),
                    str(tmp_path / "qris")], check=True)
    scanned = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / "qris.png")],
                             check=True, capture_output=True, text=True).stdout
    assert QRIS in scanned.splitlines()


def test_without_dejavu_the_pdf_falls_back_to_courier(tmp_path, monkeypatch):
    monkeypatch.setattr(receipt_pdf, "DEJAVU_DIR", tmp_path / "no-fonts")
    monkeypatch.setattr(receipt_pdf, "_font", None)
    sale = lampung_sale(lines=(ReceiptLine("Kopi – Liwa", "1 pcs", 25_000, 25_000),))
    path = write_receipt_pdf(sale, tmp_path / "courier.pdf")
    text = _pdf_text(path)
    assert "Kopi - Liwa" in text or "Kopi – Liwa" in text
    assert b"Courier" in path.read_bytes()


def test_a_pdf_that_cannot_be_saved_is_a_clear_refusal(tmp_path):
    with pytest.raises(UserError) as refused:
        write_receipt_pdf(lampung_sale(), tmp_path / "missing" / "struk.pdf")
    assert "struk.pdf" in refused.value.message


# -- in English ----------------------------------------------------------------------------

@pytest.fixture
def english():
    i18n.set_language("en")
    try:
        yield
    finally:
        i18n.set_language("id")


def test_receipt_labels_follow_the_language(english, tmp_path):
    paper = thermal_print(receipt_escpos(lampung_sale(copy=True), 48))
    assert "Dewi Lestari" in paper.line_of("Cashier")
    assert "A-0012 Siti Rahmawati" in paper.line_of("Member")
    assert paper.line_of("Change").endswith(" 22.350")
    assert "COPY" in paper.lines
    assert "Kembali" not in paper.text and "SALINAN" not in paper.text
    text = _pdf_text(write_receipt_pdf(lampung_sale(), tmp_path / "en.pdf"))
    assert "Change" in text and "Cashier" in text


def test_the_receipt_number_prints_as_a_barcode_to_scan_at_a_return(tmp_path):
    sale = lampung_sale()
    printed = thermal_print(receipt_escpos(sale, 32))
    digits = sale.number.split("-", 1)[1].replace("-", "")
    assert printed.barcodes == ["{B" + digits]
    path = write_receipt_pdf(sale, tmp_path / "number.pdf")
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-singlefile", str(path),
                    str(tmp_path / "number")], check=True)
    scanned = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / "number.png")],
                             check=True, capture_output=True, text=True).stdout
    assert digits in scanned.splitlines()
