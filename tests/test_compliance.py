"""Kelengkapan izin as a gerai keeps it for a toserba or a marketplace: two producers' snacks
and a coffee the shop bought outright, their permits, halal, labels and photos; which are
ready under the cooperative's standard; the catalog a buyer takes with the photos beside it;
and what the local producers sold by village. Files are read back (pdftotext, openpyxl, the
CSV) and figures worked out by hand from the agreements: 15% commission of the sale price,
or a fixed price per piece to the producer.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from app.models import compliance as cp
from app.models import consignment, consignors, umkm_sales
from app.models.barcodes import with_check_digit
from app.models.cart import Cart, add_product
from app.models.clock import frozen_clock
from app.models.errors import NotFound, PermissionDenied, UserError, ValidationError
from app.models.money import QTY_SCALE as K
from app.models.products import ProductInput, create_product, set_archived
from app.models.returns import return_items
from app.models.sales import PaymentInput, complete_sale
from app.models.shifts import open_shift
from app.reports import umkm_reports
from app.reports.umkm_reports import write_flagship, write_readiness, write_ready_catalog
from app.reports.xlsx import HEADER_ROW, RUPIAH_FORMAT

TILL = "KASIR-1"
DAY = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)   # Monday 10:00 WIB
KERIPIK_CODE = with_check_digit("899777100001")
EMPING_CODE = with_check_digit("899777100002")
KOPI_CODE = with_check_digit("899777100003")
IN_STORE_CODE = with_check_digit("200000012345")   # a code the shop printed itself
FAR = date(2030, 12, 31)


# --- the shop (helpers as in test_consignment) ---------------------------------------------


class Clock:
    def __init__(self):
        self.at = DAY

    def __call__(self, days: int = 0, minutes: int = 1):
        self.at += timedelta(days=days, minutes=minutes)
        return frozen_clock(self.at)


@pytest.fixture
def clock():
    return Clock()


def consignor(db, user, clock, **form):
    data = consignors.consignor_from_form({"name": "Ibu Sari", "village": "Desa Hanura",
                                           "commission": "15", **form})
    with clock():
        return consignors.create_consignor(db, user=user, data=data)


def product(db, user, clock, name, price, code, **more):
    with clock():
        return create_product(db, user=user, data=ProductInput(
            name=name, base_unit="pcs", price=price, category="UMKM", barcodes=(code,), **more))


def intake(db, user, clock, who, item, qty, **line):
    with clock():
        return consignment.post_intake(db, user=user, consignor_id=who.id, lines=[
            consignment.IntakeLine(item.id, qty * K, **line)])


def sell(db, user, clock, item, qty):
    with clock():
        cart = add_product(db, Cart(), item.id, qty=qty * K)
        return complete_sale(db, user=user, till=TILL, cart=cart,
                             payments=[PaymentInput("cash", cart.total)])


@pytest.fixture
def sari(shop, manajer, clock):
    return consignor(shop, manajer, clock)


@pytest.fixture
def budi(shop, manajer, clock):
    return consignor(shop, manajer, clock, name="Pak Budi", village="Kel. Way Halim",
                     terms="fixed")


@pytest.fixture
def keripik(shop, manajer, clock, sari):
    item = product(shop, manajer, clock, "Keripik Pisang Uji 250 g", 12_000, KERIPIK_CODE)
    intake(shop, manajer, clock, sari, item, 10)
    return item


@pytest.fixture
def emping(shop, manajer, clock, budi):
    item = product(shop, manajer, clock, "Emping Melinjo Uji 250 g", 20_000, EMPING_CODE)
    intake(shop, manajer, clock, budi, item, 5, producer_price=16_000)
    return item


@pytest.fixture
def kopi(shop, manajer, clock):
    """The shop's own stock, bought outright from Pak Budi."""
    return product(shop, manajer, clock, "Kopi Robusta Uji 200 g", 25_000, KOPI_CODE,
                   cost=18_000, opening_stock=10 * K)


@pytest.fixture
def till(shop, kasir, clock):
    with clock():
        open_shift(shop, user=kasir, till=TILL, opening_float="100.000")


def image(path: Path, kind: str = "PNG", size=(6, 4)) -> Path:
    Image.new("RGB", size, (200, 120, 20)).save(path, kind)
    return path


@pytest.fixture
def png(tmp_path) -> Path:
    return image(tmp_path / "keripik.png")


@pytest.fixture
def jpeg(tmp_path) -> Path:
    return image(tmp_path / "emping.jpeg", "JPEG")


FULL = {"permit_kind": "pirt", "permit_no": "2063271010123-30", "halal_no": "ID31110000123450321",
        "halal_expires_on": "31-12-2030", "net_weight": "250 g", "label_producer": "1",
        "label_ingredients": "1", "label_expiry": "1", "label_barcode": "1"}


def record(db, user, item, photo=None, **changes):
    data = cp.compliance_from_form({**FULL, **changes})
    return cp.save_compliance(db, user=user, product_id=item.id, data=data, photo_source=photo)


def ready_state(db) -> dict[str, tuple[str, ...]]:
    return {r.product.name: r.missing for r in cp.readiness(db)}


def refused(db, snapshot, call, error=UserError, match=None):
    before = snapshot(db)
    photos = sorted(os.listdir(cp.photos_dir(db))) if cp.photos_dir(db).exists() else None
    with pytest.raises(error, match=match) as caught:
        call()
    assert snapshot(db) == before
    after = sorted(os.listdir(cp.photos_dir(db))) if cp.photos_dir(db).exists() else None
    assert after == photos
    return caught.value


# --- reading what people type -----------------------------------------------------------------


@pytest.mark.parametrize("kind, typed, kept", [
    ("pirt", "2063271010123-25", "2063271010123-25"),
    ("pirt", "P-IRT No. 2063271010123-25", "2063271010123-25"),
    ("pirt", "PIRT 206327101012325", "2063271010123-25"),
    ("pirt", " 2063 2710 1012 3-25 ", "2063271010123-25"),
    ("bpom_md", "BPOM RI MD 123456789012", "MD 123456789012"),
    ("bpom_md", "md123456789012", "MD 123456789012"),
    ("bpom_md", "123456789012", "MD 123456789012"),
    ("bpom_ml", "ML 210987654321", "ML 210987654321"),
    ("", "", ""),
])
def test_permit_numbers_are_read_as_printed_on_labels(kind, typed, kept):
    assert cp.parse_permit(kind, typed) == kept
    assert cp.parse_permit(kind, kept) == kept        # a kept number reads back as itself


@pytest.mark.parametrize("kind, typed, field, message", [
    ("pirt", "206327101012", "permit_no", "15 angka"),
    ("pirt", "2063271010123-255", "permit_no", "15 angka"),
    ("pirt", "9063271010123-25", "permit_no", "kode kemasan 1–8"),
    ("pirt", "", "permit_no", "belum diisi"),
    ("bpom_md", "MD 12345678901", "permit_no", "12 angka"),
    ("bpom_md", "ML 123456789012", "permit_no", "BPOM ML, bukan BPOM MD"),
    ("bpom_ml", "MD 123456789012", "permit_no", "BPOM MD, bukan BPOM ML"),
    ("", "2063271010123-25", "permit_kind", "Pilih jenis izin"),
    ("sni", "123", "permit_kind", "tidak dikenal"),
])
def test_a_permit_number_that_cannot_be_one_is_refused_on_its_field(kind, typed, field, message):
    with pytest.raises(UserError, match=message) as caught:
        cp.parse_permit(kind, typed)
    assert caught.value.field == field


@pytest.mark.parametrize("typed, kept", [
    ("250 g", "250 g"), ("250g", "250 g"), ("250 gram", "250 g"), ("1,5 KG", "1,5 kg"),
    ("1.50 kg", "1,5 kg"), ("500 ml", "500 ml"), ("1 l", "1 L"), ("2 liter", "2 L"), ("", ""),
])
def test_net_weight_is_a_number_and_a_unit(typed, kept):
    assert cp.parse_net_weight(typed) == kept
    assert cp.parse_net_weight(kept) == kept


@pytest.mark.parametrize("typed", ["250", "g", "0 g", "250 pcs", "-5 g", "250 g 300 g",
                                   "1,2345 kg", "dua ratus gram"])
def test_a_net_weight_without_a_unit_or_a_number_is_refused(typed):
    with pytest.raises(UserError, match="g, kg, ml atau L"):
        cp.parse_net_weight(typed)


@given(st.text(max_size=60))
def test_any_text_is_read_or_refused_cleanly_and_kept_values_read_back(text):
    for parse in (lambda t: cp.parse_permit("pirt", t), lambda t: cp.parse_permit("bpom_md", t),
                  cp.parse_net_weight, cp.parse_halal_no):
        try:
            kept = parse(text)
        except UserError:
            continue
        assert parse(kept) == kept


def test_the_form_reports_every_problem_at_once():
    with pytest.raises(ValidationError) as caught:
        cp.compliance_from_form({
            "permit_kind": "pirt", "permit_no": "12345", "halal_no": "ha!",
            "halal_expires_on": "31-02-2030", "net_weight": "banyak", "label_producer": "mungkin"})
    fields = [p.field for p in caught.value.problems]
    assert fields == ["permit_no", "halal_no", "halal_expires_on", "label_producer", "net_weight"]
    with pytest.raises(ValidationError, match="tanpa nomor sertifikatnya"):
        cp.compliance_from_form({"halal_expires_on": "31-12-2030"})


def test_a_form_round_trips_through_the_record():
    data = cp.compliance_from_form({**FULL, "producer_id": "x"})
    assert data.halal_expires_on == date(2030, 12, 31) and data.label_barcode is True
    assert cp.compliance_from_form(cp.compliance_form(data)) == data


# --- saving -------------------------------------------------------------------------------


def test_a_full_record_with_a_photo_makes_a_consigned_snack_ready(
        shop, manajer, keripik, sari, png):
    assert ready_state(shop)[keripik.name] == tuple(
        cp.standard_label(i) for i in cp.STANDARD_ITEMS if i != "barcode")
    saved = record(shop, manajer, keripik, png, producer_id=sari.id)
    assert saved.photo == f"{keripik.id}.png"
    stored = cp.photos_dir(shop) / saved.photo
    assert stored.parent == Path(shop.path).parent / "photos"
    assert stored.read_bytes() == png.read_bytes()
    assert not [n for n in os.listdir(stored.parent) if n.endswith(".tmp")]
    assert cp.get_compliance(shop, keripik.id) == saved
    [check] = [r for r in cp.readiness(shop) if r.product.id == keripik.id]
    assert check.ready and check.producer.name == "Ibu Sari" and check.gtin == KERIPIK_CODE
    assert check.compliance.permit_text == "P-IRT 2063271010123-30"
    row = shop.one("SELECT action, entity_id, detail FROM audit_log ORDER BY seq DESC LIMIT 1")
    assert (row["action"], row["entity_id"]) == ("product.compliance", keripik.id)
    assert json.loads(row["detail"])["permit_no"] == [None, "2063271010123-30"]


def test_saving_again_keeps_the_photo_and_a_new_one_replaces_it(
        shop, manajer, keripik, png, jpeg):
    record(shop, manajer, keripik, png)
    again = record(shop, manajer, keripik, net_weight="200 g")
    assert again.photo == f"{keripik.id}.png" and again.net_weight == "200 g"
    newer = record(shop, manajer, keripik, jpeg)
    assert newer.photo == f"{keripik.id}.jpg"
    assert os.listdir(cp.photos_dir(shop)) == [newer.photo]     # the png is gone
    assert (cp.photos_dir(shop) / newer.photo).read_bytes() == jpeg.read_bytes()


def test_the_producer_of_a_consigned_product_defaults_to_who_brought_it(
        shop, manajer, emping):
    [check] = [r for r in cp.readiness(shop) if r.product.id == emping.id]
    assert check.producer.name == "Pak Budi" and check.compliance is None


def _bad_photos(tmp_path):
    (tmp_path / "catatan.jpg").write_text("bukan foto")
    (tmp_path / "animasi.gif").write_bytes(b"GIF89a" + b"\0" * 20)
    big = tmp_path / "besar.jpg"
    big.write_bytes(b"\xff\xd8\xff" + b"\0" * cp.PHOTO_MAX_BYTES)
    return {"text": (tmp_path / "catatan.jpg", "JPEG atau PNG"),
            "gif": (tmp_path / "animasi.gif", "JPEG atau PNG"),
            "big": (big, "terlalu besar"),
            "missing": (tmp_path / "tidak-ada.png", "tidak ditemukan"),
            "folder": (tmp_path, "tidak ditemukan")}


@pytest.mark.parametrize("which", ["text", "gif", "big", "missing", "folder"])
def test_a_photo_that_is_no_jpeg_or_png_or_too_big_writes_nothing(
        shop, manajer, keripik, tmp_path, snapshot, which):
    path, message = _bad_photos(tmp_path)[which]
    error = refused(shop, snapshot, lambda: record(shop, manajer, keripik, path),
                    ValidationError, message)
    assert [p.field for p in error.problems] == ["photo"]
    assert not cp.photos_dir(shop).exists()


def test_a_photo_of_exactly_five_megabytes_is_taken(shop, manajer, keripik, tmp_path):
    path = tmp_path / "pas.jpg"
    path.write_bytes(b"\xff\xd8\xff" + b"\0" * (cp.PHOTO_MAX_BYTES - 3))
    assert record(shop, manajer, keripik, path).photo == f"{keripik.id}.jpg"


def test_bad_input_with_a_good_photo_writes_neither(
        shop, manajer, kasir, keripik, png, snapshot):
    bad = cp.ComplianceInput(permit_kind="pirt", permit_no="123")
    error = refused(shop, snapshot, lambda: cp.save_compliance(
        shop, user=manajer, product_id=keripik.id, data=bad, photo_source=png), ValidationError)
    assert [p.field for p in error.problems] == ["permit_no"]
    for wrong in (cp.ComplianceInput(halal_expires_on="2030-12-31"),
                  cp.ComplianceInput(label_producer="ya"),
                  cp.ComplianceInput(net_weight="250g"),          # not in its kept form
                  cp.ComplianceInput(producer_id="no-such-producer")):
        refused(shop, snapshot, lambda w=wrong: cp.save_compliance(
            shop, user=manajer, product_id=keripik.id, data=w, photo_source=png),
            ValidationError)
    refused(shop, snapshot, lambda: record(shop, kasir, keripik, png), PermissionDenied)
    refused(shop, snapshot, lambda: cp.save_compliance(
        shop, user=manajer, product_id="no-such-product", data=cp.ComplianceInput()), NotFound)


def test_an_archived_product_is_refused(shop, manajer, kopi, png, snapshot):
    set_archived(shop, user=manajer, product_id=kopi.id, archived=True)
    refused(shop, snapshot, lambda: record(shop, manajer, kopi, png), UserError, "diarsipkan")


# --- readiness and the standard -----------------------------------------------------------


@pytest.mark.parametrize("item", cp.STANDARD_ITEMS)
def test_each_item_of_the_standard_missing_is_named(
        shop, manajer, clock, sari, png, tmp_path, item):
    code = IN_STORE_CODE if item == "barcode" else KERIPIK_CODE
    snack = product(shop, manajer, clock, "Keripik Ujicoba", 12_000, code)
    intake(shop, manajer, clock, sari, snack, 2)
    cleared = {"permit": {"permit_kind": "", "permit_no": ""},
               "halal": {"halal_no": "", "halal_expires_on": ""},
               "net_weight": {"net_weight": ""},
               **{flag: {flag: "0"} for flag in cp.LABEL_FLAGS}}.get(item, {})
    record(shop, manajer, snack, None if item == "photo" else png, **cleared)
    assert ready_state(shop)[snack.name] == (cp.standard_label(item),)


def test_a_photo_file_gone_from_the_folder_is_missing(shop, manajer, keripik, png):
    saved = record(shop, manajer, keripik, png)
    (cp.photos_dir(shop) / saved.photo).unlink()
    assert ready_state(shop)[keripik.name] == (cp.standard_label("photo"),)


def test_an_expired_halal_certificate_is_missing_with_its_date(shop, manajer, keripik, png):
    record(shop, manajer, keripik, png, halal_expires_on="30-06-2024")
    assert ready_state(shop)[keripik.name] == ("sertifikat halal kedaluwarsa 30-06-2024",)
    record(shop, manajer, keripik, halal_expires_on="")     # no expiry: holds while unchanged
    assert ready_state(shop)[keripik.name] == ()


def test_which_products_are_umkm_products(shop, manajer, keripik, kopi, budi, png):
    assert kopi.name not in ready_state(shop)               # the shop's own, no record
    record(shop, manajer, kopi, png, producer_id=budi.id)
    assert ready_state(shop)[kopi.name] == ()
    assert kopi.name not in {r.product.name for r in cp.readiness(shop, include_own=False)}
    assert keripik.name in {r.product.name for r in cp.readiness(shop, include_own=False)}
    set_archived(shop, user=manajer, product_id=kopi.id, archived=True)
    assert kopi.name not in ready_state(shop)


def test_the_cooperative_chooses_its_standard(shop, admin, manajer, keripik, snapshot):
    assert cp.get_standard(shop) == cp.STANDARD_ITEMS
    record(shop, manajer, keripik, halal_no="", halal_expires_on="")   # no halal, no photo
    assert set(ready_state(shop)[keripik.name]) == {"sertifikat halal", "foto produk"}
    assert cp.save_standard(shop, user=admin, items=["photo", "permit", "permit"]) == (
        "permit", "photo")
    assert ready_state(shop)[keripik.name] == ("foto produk",)
    cp.save_standard(shop, user=admin, items=["permit", "barcode", "net_weight"])
    assert ready_state(shop)[keripik.name] == ()
    row = shop.one("SELECT action, detail FROM audit_log ORDER BY seq DESC LIMIT 1")
    assert row["action"] == "settings.change"
    assert json.loads(row["detail"]) == {"retail_standard": [
        ["permit", "photo"], ["permit", "net_weight", "barcode"]]}
    refused(shop, snapshot, lambda: cp.save_standard(shop, user=manajer, items=["permit"]),
            PermissionDenied)
    refused(shop, snapshot, lambda: cp.save_standard(shop, user=admin, items=[]), UserError,
            "paling sedikit satu")
    refused(shop, snapshot, lambda: cp.save_standard(shop, user=admin, items=["sni"]),
            UserError, "tidak dikenal")
    refused(shop, snapshot, lambda: cp.save_standard(shop, user=admin, items="permit"),
            UserError)


@pytest.mark.parametrize("code, listed", [
    (with_check_digit("899777100009"), True), (with_check_digit("0" + "12345678901"), True),
    (with_check_digit("12345678901"), True),           # UPC-A
    (with_check_digit("8991234"), True),               # EAN-8
    (with_check_digit("200000012345"), False), (with_check_digit("020000012345"), False),
    (with_check_digit("040000012345"), False), (with_check_digit("0234567"), False),
    ("8997771000010", False),                          # wrong check digit
    ("KRP-001", False),
])
def test_only_a_gs1_number_counts_as_a_barcode_for_partners(code, listed):
    assert cp.is_gtin(code) is listed


# --- what local producers sold ------------------------------------------------------------


@pytest.fixture
def sold(shop, manajer, kasir, till, clock, budi, keripik, emping, kopi, png):
    """Sari: 3 keripik sold, 1 brought back (2 × 12,000 less 15% = 20,400 due); Budi: 2
    emping at his fixed 16,000; and 4 of the coffee the shop bought from him outright."""
    cp.save_compliance(shop, user=manajer, product_id=kopi.id,
                       data=cp.ComplianceInput(producer_id=budi.id))
    sale = sell(shop, kasir, clock, keripik, 3)
    line_id = shop.scalar("SELECT id FROM sale_lines WHERE sale_id = ?", (sale.sale_id,))
    with clock():
        return_items(shop, user=manajer, till=TILL, sale_id=sale.sale_id,
                     quantities={line_id: K}, reason="Bungkus sobek")
    sell(shop, kasir, clock, emping, 2)
    sell(shop, kasir, clock, kopi, 4)
    clock.at += timedelta(days=2)
    sell(shop, kasir, clock, keripik, 1)                    # on 4 November: not in the report


PERIOD = (date(2026, 11, 2), date(2026, 11, 3))


def test_flagship_sales_by_producer_net_of_returns(shop, sold):
    rows = umkm_sales.flagship_sales(shop, *PERIOD)
    assert [(r.village, r.producer_name, r.product_name, r.consigned, r.qty, r.gross, r.due)
            for r in rows] == [
        ("Desa Hanura", "Ibu Sari", "Keripik Pisang Uji 250 g", True, 2 * K, 24_000, 20_400),
        ("Kel. Way Halim", "Pak Budi", "Emping Melinjo Uji 250 g", True, 2 * K, 40_000, 32_000),
        ("Kel. Way Halim", "Pak Budi", "Kopi Robusta Uji 200 g", False, 4 * K, 100_000, None)]
    assert umkm_sales.flagship_sales(shop, date(2026, 11, 4), date(2026, 11, 4))[0].qty == K
    with pytest.raises(UserError, match="sesudah tanggal akhir"):
        umkm_sales.flagship_sales(shop, date(2026, 11, 3), date(2026, 11, 2))


# --- reading the files back ------------------------------------------------------------------


def pdf_text(path) -> str:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.replace("\u2007", " ").replace("\u2008", " ")


def line_with(text: str, *labels: str) -> str:
    found = [line for line in text.splitlines() if all(label in line for label in labels)]
    assert len(found) == 1, (labels, found)
    return found[0]


def sheet_rows(path, sheet: int = 0) -> list[list]:
    ws = openpyxl.load_workbook(path).worksheets[sheet]
    return [list(r) for r in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]


def money_formats(path, sheet: int, column: int) -> set[str]:
    ws = openpyxl.load_workbook(path).worksheets[sheet]
    return {ws.cell(row, column).number_format for row in range(HEADER_ROW + 2, ws.max_row + 1)
            if isinstance(ws.cell(row, column).value, int)}


def csv_rows(path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(Path(path).read_text("utf-8-sig"))))


def as_text(cells) -> list[str]:
    return ["" if c is None else str(c) for c in cells]


def test_the_flagship_report_by_village_with_subtotals(shop, sold, bendahara, tmp_path):
    text = pdf_text(write_flagship(shop, tmp_path / "unggulan.pdf", "pdf", *PERIOD,
                                   printed_by=bendahara))
    assert "PRODUK UNGGULAN LOKAL" in text and "Periode 02/11/2026 – 03/11/2026" in text
    assert text.index("Kel. Way Halim") < text.index("Desa Hanura")   # the bigger one first
    assert line_with(text, "Subtotal Kel. Way Halim (1 produsen)").split()[-2:] == [
        "140.000", "32.000"]
    assert line_with(text, "Subtotal Desa Hanura").split()[-2:] == ["24.000", "20.400"]
    assert line_with(text, "Total", "164.000").split()[-2:] == ["164.000", "52.400"]
    assert line_with(text, "Kopi Robusta Uji", "beli putus").split()[-2:] == ["4", "100.000"]
    ranked = [line_with(text, "1 ", "Kopi Robusta Uji", "100.000")]
    assert ranked and text.index("Produk terlaris") < text.rindex("Kopi Robusta Uji")

    book = write_flagship(shop, tmp_path / "unggulan.xlsx", "xlsx", *PERIOD,
                          printed_by=bendahara)
    rows = sheet_rows(book)
    assert rows[0][0] == "Desa/kelurahan"
    assert rows[1:] == [
        ["Kel. Way Halim", "Pak Budi", "Emping Melinjo Uji 250 g", "titip jual", "pcs", 2,
         40_000, 32_000],
        ["Kel. Way Halim", "Pak Budi", "Kopi Robusta Uji 200 g", "beli putus", "pcs", 4,
         100_000, None],
        ["Desa Hanura", "Ibu Sari", "Keripik Pisang Uji 250 g", "titip jual", "pcs", 2, 24_000,
         20_400],
        ["Total", None, None, None, None, None, 164_000, 52_400]]
    assert money_formats(book, 0, 7) == {RUPIAH_FORMAT}
    top = sheet_rows(book, 1)
    assert [r[1] for r in top[1:]] == ["Kopi Robusta Uji 200 g", "Emping Melinjo Uji 250 g",
                                       "Keripik Pisang Uji 250 g"]
    table = csv_rows(write_flagship(shop, tmp_path / "unggulan.csv", "csv", *PERIOD,
                                    printed_by=bendahara))
    assert table == [as_text(r) for r in rows[:-1]]      # the same lines, no total


def test_the_readiness_report_lists_the_ready_first_and_what_the_others_lack(
        shop, manajer, bendahara, sari, budi, keripik, emping, kopi, png, jpeg, tmp_path):
    record(shop, manajer, keripik, png, producer_id=sari.id)
    record(shop, manajer, emping, jpeg, permit_kind="bpom_md", permit_no="123456789012",
           halal_expires_on="")
    record(shop, manajer, kopi, producer_id=budi.id, net_weight="", label_barcode="0")
    text = pdf_text(write_readiness(shop, tmp_path / "siap.pdf", "pdf", printed_by=bendahara))
    assert "KESIAPAN PRODUK UNTUK" in text and "TOSERBA/MARKETPLACE" in text
    assert "Siap untuk toserba/marketplace (2)" in text and "Belum siap (1)" in text
    assert text.index("Emping Melinjo Uji") < text.index("Belum siap (1)") < text.index(
        "Kopi Robusta Uji")
    assert "BPOM RI MD" in line_with(text, "Emping Melinjo Uji", "20.000")
    assert "25.000" in line_with(text, "Kopi Robusta Uji")
    assert "2 dari 3 produk siap" in text

    book = write_readiness(shop, tmp_path / "siap.xlsx", "xlsx", printed_by=bendahara)
    rows = sheet_rows(book)
    assert rows[1] == ["Siap", "Emping Melinjo Uji 250 g", "Pak Budi", "Kel. Way Halim",
                       "BPOM RI MD 123456789012", "ID31110000123450321", "250 g", EMPING_CODE,
                       20_000, None]
    assert rows[2][:2] == ["Siap", "Keripik Pisang Uji 250 g"]
    assert rows[2][5] == "ID31110000123450321 (s.d. 31/12/2030)"
    assert rows[3] == ["Belum siap", "Kopi Robusta Uji 200 g", "Pak Budi", "Kel. Way Halim",
                       "P-IRT 2063271010123-30", "ID31110000123450321 (s.d. 31/12/2030)", None,
                       KOPI_CODE, 25_000,
                       "berat/isi bersih; label: barcode tercetak; foto produk"]
    assert money_formats(book, 0, 9) == {RUPIAH_FORMAT}
    table = csv_rows(write_readiness(shop, tmp_path / "siap.csv", "csv", printed_by=bendahara))
    assert table == [as_text(r) for r in rows]


# --- the catalog for a buyer ---------------------------------------------------------------


@pytest.fixture
def catalog_shop(shop, manajer, sari, budi, keripik, emping, kopi, png, jpeg):
    record(shop, manajer, keripik, png, producer_id=sari.id)
    record(shop, manajer, emping, jpeg, permit_kind="bpom_md", permit_no="MD 123456789012")
    record(shop, manajer, kopi, producer_id=budi.id)         # no photo: not in the catalog
    return shop


def test_the_catalog_carries_the_ready_products_and_their_photos_beside_it(
        catalog_shop, bendahara, tmp_path, png, jpeg):
    out = tmp_path / "untuk-toserba"
    out.mkdir()
    path = write_ready_catalog(catalog_shop, out / "katalog.xlsx", "xlsx", printed_by=bendahara)
    assert sorted(os.listdir(out)) == ["katalog.xlsx", "katalog_foto"]
    assert sorted(os.listdir(out / "katalog_foto")) == [f"{KERIPIK_CODE}.png",
                                                        f"{EMPING_CODE}.jpg"]
    assert (out / "katalog_foto" / f"{KERIPIK_CODE}.png").read_bytes() == png.read_bytes()
    assert (out / "katalog_foto" / f"{EMPING_CODE}.jpg").read_bytes() == jpeg.read_bytes()
    rows = sheet_rows(path)
    assert rows[0][0] == "SKU/barcode" and rows[0][-1] == "Berkas foto"
    assert rows[1:] == [
        [EMPING_CODE, "Emping Melinjo Uji 250 g", "Pak Budi", "Kel. Way Halim", "250 g", 20_000,
         "BPOM MD", "MD 123456789012", "ID31110000123450321", "2030-12-31",
         f"katalog_foto/{EMPING_CODE}.jpg"],
        [KERIPIK_CODE, "Keripik Pisang Uji 250 g", "Ibu Sari", "Desa Hanura", "250 g", 12_000,
         "P-IRT", "2063271010123-30", "ID31110000123450321", "2030-12-31",
         f"katalog_foto/{KERIPIK_CODE}.png"]]
    for row in rows[1:]:                                  # the column finds the photo
        assert (out / row[-1]).is_file()
    assert money_formats(path, 0, 6) == {RUPIAH_FORMAT}

    again = write_ready_catalog(catalog_shop, out / "katalog.csv", "csv", printed_by=bendahara)
    assert csv_rows(again) == [as_text(r) for r in rows]
    assert sorted(os.listdir(out)) == ["katalog.csv", "katalog.xlsx", "katalog_foto"]


def test_a_folder_as_the_target_gets_a_dated_file(catalog_shop, bendahara, tmp_path):
    with frozen_clock(DAY):
        path = write_ready_catalog(catalog_shop, tmp_path, "csv", printed_by=bendahara)
    assert path == tmp_path / "katalog-siap-jual-20261102.csv"
    assert len(os.listdir(tmp_path / "katalog-siap-jual-20261102_foto")) == 2


def test_an_old_catalog_photo_folder_is_replaced_whole(catalog_shop, manajer, bendahara,
                                                       tmp_path, kopi):
    old = tmp_path / "katalog_foto"
    old.mkdir()
    (old / "dulu.jpg").write_bytes(b"x")
    write_ready_catalog(catalog_shop, tmp_path / "katalog.csv", "csv", printed_by=bendahara)
    assert sorted(os.listdir(old)) == [f"{KERIPIK_CODE}.png", f"{EMPING_CODE}.jpg"]


@pytest.mark.parametrize("where, message", [
    (lambda d: d / "tidak-ada" / "katalog.xlsx", "tidak ada"),
    (lambda d: d / "catatan.txt" / "katalog.xlsx", "tidak ada"),
    (lambda d: "", "belum diisi"),
    (lambda d: d / "catatan", "bukan folder"),              # catatan_foto is a file
])
def test_an_unwritable_catalog_is_refused_and_leaves_nothing(
        catalog_shop, bendahara, tmp_path, snapshot, where, message):
    (tmp_path / "catatan.txt").write_text("bukan folder")
    (tmp_path / "catatan_foto").write_text("punya orang")
    before, files = snapshot(catalog_shop), sorted(os.listdir(tmp_path))
    with pytest.raises(UserError, match=message):
        write_ready_catalog(catalog_shop, where(tmp_path), "xlsx", printed_by=bendahara)
    assert snapshot(catalog_shop) == before and sorted(os.listdir(tmp_path)) == files


def test_a_catalog_that_fails_at_the_last_step_leaves_the_older_one(
        catalog_shop, bendahara, kasir, tmp_path, monkeypatch):
    target = tmp_path / "katalog.xlsx"
    target.write_bytes(b"katalog kemarin")
    (tmp_path / "katalog_foto").mkdir()
    (tmp_path / "katalog_foto" / "kemarin.jpg").write_bytes(b"foto kemarin")
    files = sorted(os.listdir(tmp_path))
    real = os.replace

    def disk_full_at_the_end(src, dst):
        if Path(dst) == target:
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(umkm_reports.os, "replace", disk_full_at_the_end)
    with pytest.raises(UserError, match="No space left"):
        write_ready_catalog(catalog_shop, target, "xlsx", printed_by=bendahara)
    monkeypatch.undo()
    assert sorted(os.listdir(tmp_path)) == files
    assert target.read_bytes() == b"katalog kemarin"
    assert os.listdir(tmp_path / "katalog_foto") == ["kemarin.jpg"]
    with pytest.raises(PermissionDenied):
        write_ready_catalog(catalog_shop, target, "xlsx", printed_by=kasir)
    with pytest.raises(UserError, match="Format laporan"):
        write_ready_catalog(catalog_shop, target, "pdf", printed_by=bendahara)
    assert target.read_bytes() == b"katalog kemarin"
