"""The consignment papers read back as the producer and the treasurer would: the intake,
return and settlement slips and the consignor's statement through pdftotext against the
books, and the price labels scanned back with zbarimg.

Sari leaves keripik and emping on a 15% commission; the till sells some, a customer brings
one back, a count finds one short, the treasurer settles and pays part, the manager gives
some emping back.
"""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PIL import Image  # reportlab's own dependency

from app.models import (
    consignment,
    consignment_docs,
    consignment_labels,
    consignment_stock,
    consignors,
)
from app.models import consignment_settlement as settlement
from app.models.audit import verify
from app.models.barcodes import with_check_digit
from app.models.cart import Cart, add_product
from app.models.clock import frozen_clock
from app.models.errors import NotFound, PermissionDenied, UserError
from app.models.money import QTY_SCALE as K
from app.models.money import format_number, format_rupiah
from app.models.payables import PaymentInput as Pay
from app.models.products import (
    ProductInput,
    create_product,
    get_product,
    set_archived,
    update_product,
)
from app.models.returns import return_items
from app.models.sales import PaymentInput, complete_sale
from app.models.shifts import open_shift
from app.reports import labels_pdf
from app.reports.consignment_pdf import (
    write_consignor_statement_pdf,
    write_intake_pdf,
    write_return_pdf,
    write_settlement_pdf,
)
from app.reports.labels_pdf import write_labels_pdf

TILL = "KASIR-1"
DAY = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)   # Monday 10:00 WIB
NUMBER = re.compile(r"-?\d{1,3}(?:\.\d{3})+|-?\d+")
ZBAR = "{http://zbar.sourceforge.net/2008/barcode}"
EMPING = "Emping Melinjo Super Renyah Khas Way Halim dalam Toples Plastik Besar"


class Clock:
    def __init__(self):
        self.at = DAY

    def __call__(self, days: int = 0, minutes: int = 1):
        self.at += timedelta(days=days, minutes=minutes)
        return frozen_clock(self.at)

    @property
    def today(self) -> date:
        return (self.at + timedelta(hours=7)).date()


# --- reading the papers back ------------------------------------------------------------


def pdf_text(path) -> str:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.replace("\u2007", " ").replace("\u2008", " ")


def row(text: str, *labels: str) -> str:
    """The one printed line that holds every one of ``labels``."""
    found = [line for line in text.splitlines() if all(label in line for label in labels)]
    assert len(found) == 1, (labels, found)
    return found[0]


def starting(text: str, label: str) -> str:
    """The one printed line that starts with ``label``."""
    found = [line for line in text.splitlines() if line.strip().startswith(label)]
    assert len(found) == 1, (label, found)
    return found[0]


def figure_after(line: str, label: str) -> str:
    """The first amount printed on ``line`` after ``label``."""
    return NUMBER.search(line.split(label, 1)[1]).group()


def last_figure(line: str) -> str:
    return line.split()[-1]


def scanned(path: Path, folder: Path, layout: str) -> list[str | None]:
    """What a scanner reads on each place of each sheet, in reading order (None: nothing).
    Each label is cut out of a 300 dpi image and read on its own, so a code is tied to its
    place (zbarimg reports a code once per image however often it is printed)."""
    sheet = labels_pdf.LAYOUTS[layout]
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(path), str(folder / "sheet")],
                   check=True)
    px = 300 / 72
    places = []
    for page in sorted(folder.glob("sheet-*.png")):
        with Image.open(page) as image:
            for n in range(sheet.per_page):
                row_no, column = divmod(n, sheet.columns)
                left = (sheet.left + column * sheet.width) * px
                top = (sheet.top + row_no * sheet.height) * px
                crop = folder / f"{page.stem}-{n:02d}.png"
                image.crop((round(left), round(top), round(left + sheet.width * px),
                            round(top + sheet.height * px))).save(crop)
                places.append(crop)
    xml = subprocess.run(["zbarimg", "--xml", "-q", "-Sdisable", "-Sean13.enable",
                          *map(str, places)], capture_output=True, text=True).stdout
    found = {}
    for source in ElementTree.fromstring(xml).iter(f"{ZBAR}source"):
        codes = [d.text for d in source.iter(f"{ZBAR}data")]
        assert len(codes) <= 1, codes
        found[Path(source.get("href")).name] = codes[0] if codes else None
    return [found.get(p.name) for p in places]


# --- the books ----------------------------------------------------------------------------


class Books:
    """A month of Sari's consignment at the shop, with the ids the papers are printed of."""

    def __init__(self, db, manajer, kasir, bendahara, clock):
        self.db, self.clock = db, clock
        with clock():
            open_shift(db, user=kasir, till=TILL, opening_float="100.000")
            self.sari = consignors.create_consignor(db, user=manajer, data=consignors.
                                                    consignor_from_form({
                                                        "name": "Ibu Sari", "commission": "15",
                                                        "village": "Desa Hanura",
                                                        "phone": "0812 7000 1234"}))
            self.keripik = create_product(db, user=manajer, data=ProductInput(
                name="Keripik Pisang Uji 250 g", base_unit="pcs", price=12_000,
                category="UMKM"))
            self.emping = create_product(db, user=manajer, data=ProductInput(
                name=EMPING, base_unit="kg", price=55_000, category="UMKM"))
        with clock():
            self.intake_id = consignment.post_intake(db, user=manajer, consignor_id=self.sari.id,
                                                     note="Diantar sendiri", lines=[
                consignment.IntakeLine(self.keripik.id, 10 * K, batch_code="KP-01",
                                       produced_on=date(2026, 10, 30),
                                       expires_on=date(2027, 1, 30)),
                consignment.IntakeLine(self.emping.id, 2_500, batch_code="EM-7",
                                       expires_on=date(2027, 2, 15))])
        self.sales = [self.sell(kasir, self.keripik, 2 * K), self.sell(kasir, self.emping, 750)]
        back = self.sell(kasir, self.keripik, K)
        self.sales.append(back)
        line_id = db.scalar("SELECT id FROM sale_lines WHERE sale_id = ?", (back.sale_id,))
        with clock():
            self.customer_return = return_items(db, user=manajer, till=TILL,
                                                sale_id=back.sale_id, quantities={line_id: K},
                                                reason="Bungkus sobek")
        keripik_batch, emping_batch = (consignment_stock.batches(db, product_id=p.id)[0].id
                                       for p in (self.keripik, self.emping))
        with clock():
            consignment_stock.post_count(db, user=manajer, approver=manajer,
                                   counted={keripik_batch: 7 * K}, note="Opname bulanan")
        with clock(days=1):
            self.settlement_id = settlement.settle(
                db, user=bendahara, consignor_id=self.sari.id, period_to=clock.today,
                payment=Pay(30_000, "cash"))
        with clock():
            self.return_id = consignment_stock.return_to_producer(
                db, user=manajer, consignor_id=self.sari.id, quantities={emping_batch: K},
                reason="Mendekati kedaluwarsa")
        self.later_sale = self.sell(kasir, self.keripik, K)   # not settled yet

    def sell(self, kasir, item, qty):
        with self.clock():
            cart = add_product(self.db, Cart(), item.id, qty=qty)
            return complete_sale(self.db, user=kasir, till=TILL, cart=cart,
                                 payments=[PaymentInput("cash", cart.total)])


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def out_dir(tmp_path) -> Path:
    """A folder of its own for the papers (the shop's database lies in tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def books(shop, manajer, kasir, bendahara, clock):
    return Books(shop, manajer, kasir, bendahara, clock)


# --- the intake slip ----------------------------------------------------------------------


def test_the_intake_slip_shows_the_terms_every_batch_and_what_the_producer_would_get(
        shop, books, bendahara, tmp_path):
    doc = consignment_docs.intake_document(shop, books.intake_id)
    assert [line.value for line in doc.lines] == [102_000, 116_875]   # 10 × 10,200; 2,5 × 46,750
    path = write_intake_pdf(shop, books.intake_id, tmp_path / "nota-titip.pdf",
                            printed_by=bendahara)
    text = pdf_text(path)
    assert "NOTA TITIP" in text and doc.number in text
    assert "Tanggal 02/11/2026 10:" in text
    for words in ("Ibu Sari", "Desa Hanura", "0812 7000 1234", "Komisi gerai 15% dari harga jual",
                  "Bulanan", "Selisih kurang ditanggung gerai", "Tunai", "Diantar sendiri"):
        assert words in text, words
    keripik = row(text, "Keripik Pisang Uji 250 g", "KP-01")
    assert "30/10/2026" in keripik and "30/01/2027" in keripik
    assert keripik.split()[-4:] == ["pcs", "12.000", "10.200", "102.000"]
    emping = row(text, "EM-7")
    assert "15/02/2027" in emping and emping.split()[-5:] == ["2,5", "kg", "55.000", "46.750",
                                                              "116.875"]
    assert last_figure(row(text, "Total (2 baris)")) == format_number(doc.value) == "218.875"
    assert "Barang titipan tetap milik penitip sampai terjual." in text
    assert format_rupiah(doc.shop_value) in text                      # Rp257.500
    assert "Penitip" in text and "Petugas gerai" in text


def test_a_fixed_price_intake_says_so_and_shows_the_agreed_price(
        shop, manajer, clock, tmp_path):
    with clock():
        budi = consignors.create_consignor(shop, user=manajer, data=consignors.consignor_from_form(
            {"name": "Pak Budi", "terms": "fixed", "pay_method": "transfer", "bank_name": "BRI",
             "bank_account": "0123 0100 5555 501", "bank_holder": "Budi Santoso",
             "loss_policy": "producer", "period": "weekly"}))
        kemplang = create_product(shop, user=manajer, data=ProductInput(
            name="Kemplang Panggang", base_unit="bungkus", price=15_000))
        intake_id = consignment.post_intake(shop, user=manajer, consignor_id=budi.id, lines=[
            consignment.IntakeLine(kemplang.id, 20 * K, producer_price=11_500)])
    text = pdf_text(write_intake_pdf(shop, intake_id, tmp_path / "budi.pdf", printed_by=manajer))
    for words in ("Harga tetap ke produsen", "Mingguan", "Selisih kurang ditanggung produsen",
                  "BRI", "0123 0100 5555 501", "a.n. Budi Santoso"):
        assert words in text, words
    assert row(text, "Kemplang Panggang").split()[-3:] == ["15.000", "11.500", "230.000"]


# --- the return slip ----------------------------------------------------------------------


def test_the_return_slip_lists_each_batch_given_back_with_its_reason(
        shop, books, manajer, tmp_path):
    doc = consignment_docs.return_document(shop, books.return_id)
    assert [(line.qty, line.value) for line in doc.lines] == [(K, 46_750)]
    text = pdf_text(write_return_pdf(shop, books.return_id, tmp_path / "retur.pdf",
                                     printed_by=manajer))
    assert "NOTA RETUR TITIPAN" in text and doc.number in text
    assert "Mendekati kedaluwarsa" in text
    intake_number = consignment_docs.intake_document(shop, books.intake_id).number
    line = row(text, "EM-7")
    assert intake_number in line and "15/02/2027" in line
    assert line.split()[-4:] == ["1", "kg", "46.750", "46.750"]
    assert "Diserahkan oleh," in text and "Diterima oleh," in text
    assert text.count("Ibu Sari") >= 2          # the consignor, and her name to sign


# --- the settlement slip ------------------------------------------------------------------


def test_the_settlement_slip_adds_up_to_the_books_line_by_line(
        shop, books, bendahara, tmp_path):
    s = settlement.get_settlement(shop, books.settlement_id)
    # Keripik 2 (24,000 → 20,400), emping 0,75 kg (41,250 → 35,062), keripik 1 sold and
    # brought back, one keripik short at the count (10,200, borne by the shop).
    assert (s.gross, s.commission, s.producer_sales, s.count_charges, s.due) == (
        65_250, 9_788, 55_462, 10_200, 65_662)
    path = write_settlement_pdf(shop, books.settlement_id, tmp_path / "penyelesaian.pdf",
                                printed_by=bendahara)
    text = pdf_text(path)
    assert "NOTA PENYELESAIAN TITIPAN" in text and s.number in text
    assert "Periode 02/11/2026 – 03/11/2026" in text
    for sale in books.sales + [books.customer_return]:
        assert sale.number in text, sale.number
    assert books.later_sale.number not in text
    returned = row(text, books.customer_return.number)
    assert "Retur pembeli" in returned and returned.split()[-2:] == ["-12.000", "-10.200"]
    assert "Selisih hitung" in row(text, "-H0001")
    for label, value in (("Penjualan kotor", s.gross), ("Komisi gerai", -s.commission),
                         ("Hak produsen atas penjualan", s.producer_sales),
                         ("Selisih hitung ditanggung gerai", s.count_charges),
                         ("Jumlah periode ini", s.due), ("Saldo sebelumnya", s.previous_balance),
                         ("Dibayar ", -s.paid),
                         ("Sisa yang harus dibayar", s.to_pay - s.paid)):
        assert figure_after(starting(text, label), label) == format_number(value), label
    assert "3 penjualan, 1 retur pembeli" in starting(text, "Penjualan kotor")
    assert "Tunai" in starting(text, "Dibayar ")
    assert last_figure(row(text, "Total (5 baris)")) == format_number(s.due)
    assert row(text, "Penitip, menerima Rp30.000", "Bendahara, membayar Rp30.000")


def test_a_settlement_without_count_charges_leaves_that_line_out(
        shop, manajer, kasir, bendahara, clock, tmp_path):
    books = Books.__new__(Books)
    books.db, books.clock = shop, clock
    with clock():
        open_shift(shop, user=kasir, till=TILL, opening_float="0")
        sari = consignors.create_consignor(shop, user=manajer, data=consignors.ConsignorInput(
            name="Ibu Sari", pay_method="transfer", bank_name="BRI", bank_account="123"))
        keripik = create_product(shop, user=manajer, data=ProductInput(
            name="Keripik Singkong", base_unit="pcs", price=10_000))
        consignment.post_intake(shop, user=manajer, consignor_id=sari.id,
                                lines=[consignment.IntakeLine(keripik.id, 5 * K)])
    books.sell(kasir, keripik, 3 * K)
    with clock(days=1):
        settlement_id = settlement.settle(shop, user=bendahara, consignor_id=sari.id,
                                          period_to=clock.today,
                                          payment=Pay(25_500, "transfer", "TRF 889123"))
    text = pdf_text(write_settlement_pdf(shop, settlement_id, tmp_path / "s.pdf",
                                         printed_by=bendahara))
    assert "Selisih hitung" not in text
    assert "Transfer bank" in row(text, "Dibayar lewat") and "BRI" in text
    assert "TRF 889123" in starting(text, "Dibayar ")
    assert last_figure(starting(text, "Sisa yang harus dibayar")) == "0"


# --- the consignor's statement ------------------------------------------------------------


def test_the_statement_runs_the_balance_and_reconciles_every_batch(
        shop, books, bendahara, tmp_path):
    path = write_consignor_statement_pdf(shop, books.sari.id, tmp_path / "kartu.pdf",
                                         date(2026, 11, 1), date(2026, 11, 30),
                                         printed_by=bendahara)
    text = pdf_text(path)
    s = settlement.get_settlement(shop, books.settlement_id)
    assert "KARTU PENITIP" in text and "Periode 01/11/2026 – 30/11/2026" in text
    settled = row(text, s.number)
    assert "Periode 02/11/2026 – 03/11/2026" in settled
    assert settled.split()[-2:] == ["65.662", "65.662"]
    paid = row(text, "Pembayaran")
    assert "Tunai" in paid and paid.split()[-2:] == ["30.000", "35.662"]
    assert row(text, "Saldo akhir").split()[-3:] == ["65.662", "30.000", "35.662"]
    unsettled = settlement.unsettled_due(shop, books.sari.id)
    assert unsettled == 10_200                                          # the later keripik
    assert last_figure(row(text, "Terjual belum diselesaikan (")) == "10.200"
    assert last_figure(row(text, "Seluruh hak produsen yang belum dibayar")) == "45.862"
    # Keripik: 10 in, 3 sold (2 + 1 later; the one brought back is not sold), 1 short = 6.
    keripik = row(text, "Keripik Pisang Uji 250 g", "pcs")
    assert keripik.split()[-8:] == ["pcs", "10", "3", "0", "-1", "6", "6", "ya"]
    # Emping: 2,5 in, 0,75 sold, 1 back to Sari = 0,75.
    emping = row(text, "kg", "2,5")
    assert emping.split()[-8:] == ["kg", "2,5", "0,75", "1", "0", "0,75", "0,75", "ya"]


def test_a_statement_of_an_earlier_period_opens_with_the_balance_then(
        shop, books, bendahara, tmp_path):
    text = pdf_text(write_consignor_statement_pdf(
        shop, books.sari.id, tmp_path / "des.pdf", date(2026, 12, 1), date(2026, 12, 31),
        printed_by=bendahara))
    assert last_figure(row(text, "Saldo awal")) == "35.662"
    assert "Pembayaran" not in text


# --- refusals -----------------------------------------------------------------------------


def test_unknown_papers_and_bad_targets_are_refused_and_nothing_is_written(
        shop, books, bendahara, kasir, out_dir, snapshot):
    before = snapshot(shop)
    out = out_dir / "x.pdf"
    for write, error in ((write_intake_pdf, "Nota titip"), (write_return_pdf, "retur"),
                         (write_settlement_pdf, "penyelesaian"),
                         (write_consignor_statement_pdf, "Penitip")):
        with pytest.raises(NotFound, match=error):
            write(shop, "no-such-id", out, printed_by=bendahara)
        assert not out.exists()
        with pytest.raises(UserError, match="tidak ada"):
            write(shop, books.intake_id, out_dir / "missing" / "x.pdf", printed_by=bendahara)
        with pytest.raises(PermissionDenied):
            write(shop, books.intake_id, out, printed_by=kasir)
        assert not out.exists()
    with pytest.raises(UserError, match="folder"):
        write_intake_pdf(shop, books.intake_id, out_dir, printed_by=bendahara)
    with pytest.raises(UserError, match="sesudah"):
        write_consignor_statement_pdf(shop, books.sari.id, out, date(2026, 12, 2),
                                      date(2026, 12, 1), printed_by=bendahara)
    assert list(out_dir.iterdir()) == []
    assert snapshot(shop) == before


def test_a_failed_save_keeps_the_older_paper(shop, books, bendahara, out_dir):
    out = write_intake_pdf(shop, books.intake_id, out_dir / "nota.pdf", printed_by=bendahara)
    first = out.read_bytes()
    with pytest.raises(NotFound):
        write_intake_pdf(shop, "no-such-id", out, printed_by=bendahara)
    assert out.read_bytes() == first
    assert [p.name for p in out_dir.iterdir()] == ["nota.pdf"]


# --- labels -------------------------------------------------------------------------------


@pytest.fixture
def goods(shop, manajer, clock):
    """Keripik with its producer's own EAN-13, emping without one, and the shop's sugar."""
    gtin = with_check_digit("899123456789")
    with clock():
        sari = consignors.create_consignor(shop, user=manajer, data=consignors.ConsignorInput(
            name="Ibu Sari"))
        keripik = create_product(shop, user=manajer, data=ProductInput(
            name="Keripik Pisang Uji 250 g", base_unit="pcs", price=12_000, barcodes=(gtin,)))
        emping = create_product(shop, user=manajer, data=ProductInput(
            name=EMPING, base_unit="kg", price=55_000, barcodes=("EMP-1",)))
        gula = create_product(shop, user=manajer, data=ProductInput(
            name="Gula Pasir Uji 1 kg", base_unit="pcs", price=17_500))
        consignment.post_intake(shop, user=manajer, consignor_id=sari.id, lines=[
            consignment.IntakeLine(keripik.id, 5 * K), consignment.IntakeLine(emping.id, K)])
    return keripik, emping, gula


@pytest.mark.parametrize("layout, per_page", [("a4-3x8", 24), ("a4-4x10", 40)])
def test_labels_scan_back_to_the_products_codes(shop, manajer, goods, clock, tmp_path, layout,
                                                per_page):
    keripik, emping, gula = goods
    with clock():
        path = write_labels_pdf(shop, [(keripik.id, 2), (emping.id, 1), (gula.id, per_page)],
                                tmp_path / "label.pdf", user=manajer, layout=layout)
    codes = {p.id: consignment_labels.ean13_of(shop, p.id) for p in goods}
    assert codes[keripik.id] == keripik.barcodes[0]
    assert codes[emping.id].startswith("2990") and codes[gula.id].startswith("2990")
    assert get_product(shop, emping.id).barcodes == tuple(sorted(("EMP-1", codes[emping.id])))
    expected = [codes[keripik.id]] * 2 + [codes[emping.id]] + [codes[gula.id]] * per_page
    places = scanned(path, tmp_path, layout)
    assert places == expected + [None] * (2 * per_page - len(expected))
    text = pdf_text(path)
    assert text.count("\f") == 2                          # 3 + per_page labels: two sheets
    assert "Rp12.000" in text and "Rp55.000 / kg" in text and "Rp17.500" in text
    assert "Keripik Pisang Uji 250 g" in text and "Gula Pasir Uji 1 kg" in text
    assert "Produsen: Ibu Sari" in text
    assert "Emping Melinjo" in text


def test_a_long_name_is_set_smaller_on_two_lines():
    font = labels_pdf.fonts().bold
    sheet = labels_pdf.LAYOUTS["a4-4x10"]
    inner = sheet.width - 2 * sheet.pad_x
    lines, size = labels_pdf.name_lines(EMPING, font, sheet.name_size, inner)
    assert len(lines) == 2 and size < sheet.name_size
    assert all(labels_pdf._width(line, font, size) <= inner for line in lines)
    lines, _size = labels_pdf.name_lines(EMPING * 3, font, sheet.name_size, inner)
    assert len(lines) == 2 and lines[1].endswith("…")


def test_labels_skip_the_used_places_of_a_sheet(shop, manajer, goods, tmp_path):
    keripik = goods[0]
    path = write_labels_pdf(shop, [(keripik.id, 3)], tmp_path / "sisa.pdf", user=manajer,
                            layout="a4-3x8", skip=22)
    assert pdf_text(path).count("\f") == 2
    assert scanned(path, tmp_path, "a4-3x8") == [None] * 22 + [keripik.barcodes[0]] * 3 + [
        None] * 23


def test_an_internal_code_is_made_once_and_never_given_again(shop, manajer, goods, clock):
    keripik, emping, gula = goods
    with clock():
        first = consignment_labels.ensure_internal_code(shop, user=manajer, product_id=emping.id)
        assert consignment_labels.ensure_internal_code(shop, user=manajer,
                                                       product_id=emping.id) == first
        assert consignment_labels.ensure_internal_code(shop, user=manajer,
                                                       product_id=keripik.id) == keripik.barcodes[0]
    assert len(first) == 13 and first.startswith("2990") and first == with_check_digit(first[:12])
    assert shop.scalar("SELECT count(*) FROM audit_log WHERE action = 'product.barcode'") == 1
    # The code is taken off emping: gula still gets a new one, not emping's old code.
    with clock():
        update_product(shop, user=manajer, product_id=emping.id, data=ProductInput(
            name=EMPING, base_unit="kg", price=55_000, barcodes=("EMP-1",)))
        second = consignment_labels.ensure_internal_code(shop, user=manajer, product_id=gula.id)
    assert int(second[4:12]) == int(first[4:12]) + 1
    # A code typed in by hand from the internal range is skipped over.
    taken = with_check_digit(f"2990{int(second[4:12]) + 1:08d}")
    with clock():
        update_product(shop, user=manajer, product_id=emping.id, data=ProductInput(
            name=EMPING, base_unit="kg", price=55_000, barcodes=("EMP-1", taken)))
        other = create_product(shop, user=manajer, data=ProductInput(
            name="Garam Uji", base_unit="pcs", price=3_000))
        third = consignment_labels.ensure_internal_code(shop, user=manajer, product_id=other.id)
    assert int(third[4:12]) == int(taken[4:12]) + 1
    assert get_product(shop, emping.id).barcodes == (taken, "EMP-1")  # its own, kept
    assert verify(shop).ok


def test_bad_label_requests_are_refused_and_write_nothing(
        shop, manajer, kasir, goods, clock, out_dir, snapshot):
    keripik, emping, gula = goods
    out = out_dir / "label.pdf"
    before = snapshot(shop)
    for items, layout, skip, error, match in (
        ([], "a4-3x8", 0, UserError, "Pilih produk"),
        ("abc", "a4-3x8", 0, UserError, "Pilih produk"),
        ([(keripik.id,)], "a4-3x8", 0, UserError, "Pilih produk"),
        ([(keripik.id, 0)], "a4-3x8", 0, UserError, "lebih dari nol"),
        ([(keripik.id, -2)], "a4-3x8", 0, UserError, "lebih dari nol"),
        ([(keripik.id, 1.5)], "a4-3x8", 0, UserError, "lebih dari nol"),
        ([(keripik.id, True)], "a4-3x8", 0, UserError, "lebih dari nol"),
        ([(keripik.id, 501)], "a4-3x8", 0, UserError, "paling banyak"),
        ([(keripik.id, 500)] * 9, "a4-3x8", 0, UserError, "Paling banyak"),
        ([(emping.id, 1), ("no-such-id", 1)], "a4-3x8", 0, NotFound, "Produk"),
        ([(keripik.id, 1)], "a4-5x13", 0, UserError, "lembar label"),
        ([(keripik.id, 1)], "a4-3x8", 24, UserError, "antara 0 dan 23"),
        ([(keripik.id, 1)], "a4-4x10", -1, UserError, "antara 0 dan 39"),
        # The kasir may print labels, but not give emping a code.
        ([(keripik.id, 1), (emping.id, 1)], "a4-3x8", 0, PermissionDenied, "tidak berhak"),
    ):
        user = kasir if error is PermissionDenied else manajer
        with clock(), pytest.raises(error, match=match):
            write_labels_pdf(shop, items, out, user=user, layout=layout, skip=skip)
        assert not out.exists(), items
    with clock(), pytest.raises(UserError, match="tidak ada"):
        write_labels_pdf(shop, [(emping.id, 1)], out_dir / "no" / "l.pdf", user=manajer)
    assert snapshot(shop) == before            # emping got no code, nothing was audited
    with clock():
        set_archived(shop, user=manajer, product_id=gula.id, archived=True)
        before = snapshot(shop)
        with pytest.raises(UserError, match="diarsipkan"):
            write_labels_pdf(shop, [(emping.id, 1), (gula.id, 1)], out, user=manajer)
    assert snapshot(shop) == before
    assert list(out_dir.iterdir()) == []
    # The kasir prints the labels of goods that have their code.
    write_labels_pdf(shop, [(keripik.id, 1)], out, user=kasir)
    assert out.exists()
