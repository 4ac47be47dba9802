"""Printed papers of stock and purchasing, read back as a treasurer or a distributor would:
the PDF's text (pdftotext), the workbook's cells (openpyxl) and the CSV, against the ledgers."""

from __future__ import annotations

import csv
import os
import re
import subprocess
from datetime import UTC, date, datetime

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.models import payables, purchasing, receiving, stock, stock_views, suppliers
from app.models.clock import frozen_clock
from app.models.errors import NotFound, PermissionDenied, UserError
from app.models.payables import PaymentInput
from app.models.products import ProductInput, UnitInput, create_product
from app.models.purchasing import LineInput
from app.models.receiving import ReceiptLineInput
from app.reports import document_pdf
from app.reports.purchasing_pdf import write_po_pdf, write_supplier_statement_pdf
from app.reports.stock_reports import write_low_stock, write_stock_card_pdf, write_valuation
from app.reports.xlsx import QTY_FORMAT, RUPIAH_FORMAT, WHOLE_FORMAT, qty_number

NOON = datetime(2026, 11, 26, 5, 0, tzinfo=UTC)   # 12:00 WIB
PRINTED_AT = "26/11/2026 12:00 WIB"
NUMBER = re.compile(r"-?\d{1,3}(?:\.\d{3})+|-?\d+")


# --- reading the output back ------------------------------------------------------------


def pdf_pages(path) -> list[str]:
    """The PDF's text page by page, as laid out (a word stamped at a slant left out);
    figure spaces read as spaces."""
    text = subprocess.run(["pdftotext", "-layout", "-nodiag", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    text = text.replace("\u2007", " ").replace("\u2008", " ")
    return [page for page in text.split("\f") if page.strip()]


def pdf_text(path) -> str:
    return "\n".join(pdf_pages(path))


def drawn_words(path) -> list[str]:
    """The PDF's text in the order it was drawn (a word printed at a slant stays whole)."""
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout.split()


def row(text: str, *labels: str) -> str:
    """The one printed line that holds every one of ``labels``."""
    found = [line for line in text.splitlines() if all(label in line for label in labels)]
    assert len(found) == 1, (labels, found)
    return found[0]


def rupiah(text: str) -> int:
    return int(text.replace(".", ""))


def numbers_after(line: str, label: str) -> list[int]:
    """The whole numbers printed on ``line`` after ``label`` (``1.250.000`` → 1250000)."""
    return [rupiah(n) for n in NUMBER.findall(line.split(label, 1)[1])]


def page_size(path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                          text=True).stdout
    width, height = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups()
    return float(width), float(height)


def sheet_rows(ws, first: int) -> list[tuple]:
    return [tuple(c.value for c in r) for r in ws.iter_rows(min_row=first)]


# --- a shop that buys -------------------------------------------------------------------


@pytest.fixture
def clock():
    with frozen_clock(NOON):
        yield


@pytest.fixture
def supplier(shop, manajer, clock):
    return suppliers.create_supplier(shop, user=manajer, data=suppliers.SupplierInput(
        name="CV Sumber Pangan Lampung", contact="Pak Heru", phone="0721 123456",
        address="Jl. Soekarno-Hatta No. 8, Bandar Lampung", bank_name="BRI",
        bank_account="0123-01-000123-50-1", bank_holder="CV Sumber Pangan", terms_days=30))


@pytest.fixture
def oil(shop, manajer, clock):
    """MinyaKita: 10 pcs on hand at 14,000; a dus holds 12."""
    return create_product(shop, user=manajer, data=ProductInput(
        name="MinyaKita Uji 1 L", base_unit="pcs", price=15_700, cost=14_000,
        category="Minyak Goreng", opening_stock=10_000, min_stock=24_000,
        units=(UnitInput(name="dus", factor=12_000, price=None),)))


@pytest.fixture
def rice(shop, manajer, clock):
    """Loose rice by the kilo, 12,5 kg on hand; a karung holds 50 kg."""
    return create_product(shop, user=manajer, data=ProductInput(
        name="Beras Curah Uji", base_unit="kg", fractional=True, price=13_500, cost=12_000,
        category="Beras", opening_stock=12_500, min_stock=50_000,
        units=(UnitInput(name="karung", factor=50_000, price=None),)))


def at(day: int, hour_utc: int = 3):
    return frozen_clock(datetime(2026, 11, day, hour_utc, 0, tzinfo=UTC))


# --- the purchase order -----------------------------------------------------------------


def test_purchase_order_pdf_shows_lines_in_packs_prices_and_the_total(
        shop, supplier, oil, rice, manajer, tmp_path):
    po = purchasing.create_po(shop, user=manajer, supplier_id=supplier.id,
                              note="Kirim sebelum jam 10 pagi.", lines=[
                                  LineInput(oil.id, "5", "170.000", oil.units[0].id),
                                  LineInput(rice.id, "4", "600000", rice.units[0].id),
                                  LineInput(rice.id, "12,5", "12500")])
    assert po.total == 850_000 + 2_400_000 + 156_250
    path = write_po_pdf(shop, po.id, tmp_path / "po.pdf", printed_by=manajer)
    text = pdf_text(path)

    assert "PESANAN PEMBELIAN" in text and po.number in text
    assert supplier.name in text and "Tempo 30 hari" in text and "Pak Heru" in text
    assert "Kirim sebelum jam 10 pagi." in text
    assert "Draf" in row(text, "Status")
    assert "DRAF" in drawn_words(path)          # across the page: not an order to deliver
    first = row(text, "MinyaKita Uji 1 L")
    second, third = [line for line in text.splitlines() if "Beras Curah Uji" in line]
    assert "dus isi 12 pcs" in first and numbers_after(first, "1 L")[-2:] == [170_000,
                                                                            850_000]
    assert "karung isi 50 kg" in second and numbers_after(second, "kg")[-2:] == [600_000,
                                                                               2_400_000]
    assert "12,5" in third and numbers_after(third, " kg ")[-2:] == [12_500, 156_250]
    total_line = row(text, "Total (3 baris)")
    assert numbers_after(total_line, "baris)") == [po.total]
    assert f"Dicetak oleh {manajer.full_name} pada {PRINTED_AT}" in text
    assert "Halaman 1 dari 1" in text

    purchasing.send_po(shop, user=manajer, po_id=po.id)
    path = write_po_pdf(shop, po.id, tmp_path / "po.pdf", printed_by=manajer)
    assert "DRAF" not in drawn_words(path) and "Terkirim" in row(pdf_text(path), "Status")


def test_a_long_purchase_order_breaks_across_pages_with_the_header_on_each(
        shop, supplier, manajer, tmp_path, clock):
    products = [create_product(shop, user=manajer, data=ProductInput(
        name=f"Barang Uji Nomor {n:03d} Kemasan Ekonomis", base_unit="pcs", price=5_000))
        for n in range(1, 131)]
    po = purchasing.create_po(shop, user=manajer, supplier_id=supplier.id, lines=[
        LineInput(p.id, str(n % 7 + 1), str(1_000 + 37 * n)) for n, p in enumerate(products)])
    pages = pdf_pages(write_po_pdf(shop, po.id, tmp_path / "long.pdf", printed_by=manajer))

    assert len(pages) >= 3
    for n, page in enumerate(pages, start=1):
        assert f"Halaman {n} dari {len(pages)}" in page
        if "Barang Uji Nomor" in page:                              # the header, repeated
            assert "Nama barang" in page and "Harga per" in page
        if n > 1:
            assert po.number in page.splitlines()[0]              # the running head
    amounts = {}
    for page in pages:
        for line in page.splitlines():
            found = re.match(r"\s*(\d+)\s+Barang Uji Nomor (\d{3})", line)
            if found:
                assert found[1] not in amounts                    # no line printed twice
                amounts[found[1]] = numbers_after(line, "Ekonomis")[-1]
    assert len(amounts) == 130
    assert sum(amounts.values()) == po.total
    assert numbers_after(row("\n".join(pages), "Total (130 baris)"), "baris)") == [po.total]


# --- the supplier statement -------------------------------------------------------------


def test_supplier_statement_runs_from_the_opening_to_the_closing_balance(
        shop, supplier, oil, manajer, bendahara, tmp_path):
    with at(2):
        first = receiving.post_receipt(shop, user=manajer, supplier_id=supplier.id,
                                       invoice_no="SJ-0091", lines=[
                                           ReceiptLineInput(oil.id, "2", "170000",
                                                            oil.units[0].id)])
    with at(10):
        payables.pay_supplier(shop, user=bendahara, supplier_id=supplier.id,
                              payment=PaymentInput("150.000", "transfer", "BRI-77120"))
    with at(20):
        second = receiving.post_receipt(shop, user=manajer, supplier_id=supplier.id,
                                        invoice_no="SJ-0107", lines=[
                                            ReceiptLineInput(oil.id, "3", "168000",
                                                             oil.units[0].id)])
    with frozen_clock(NOON):
        path = write_supplier_statement_pdf(shop, supplier.id, tmp_path / "s.pdf",
                                            "2026-11-05", date(2026, 11, 30),
                                            printed_by=bendahara)
    text = pdf_text(path)
    owed = suppliers.get_supplier(shop, supplier.id).balance
    assert (first.total, second.total, owed) == (340_000, 504_000, 340_000 - 150_000 + 504_000)

    assert "KARTU UTANG PEMASOK" in text and "Periode 05/11/2026 – 30/11/2026" in text
    assert "BRI · 0123-01-000123-50-1" in text
    assert numbers_after(row(text, "Saldo awal"), "Saldo awal") == [first.total]
    payment = row(text, "Transfer BRI-77120")
    assert "10/11/2026 10:00" in payment and numbers_after(payment, "BRI-77120") == [
        150_000, first.total - 150_000]
    assert numbers_after(row(text, "Faktur", "SJ-0107"), "SJ-0107") == [second.total, owed]
    assert "SJ-0091" not in row(text, "Saldo awal")
    assert numbers_after(row(text, "Saldo akhir"), "Saldo akhir") == [second.total, 150_000,
                                                                      owed]
    # Still to pay, oldest first, with the remainder of the part-paid invoice.
    assert "Faktur belum lunas per 26/11/2026" in text
    assert numbers_after(row(text, "SJ-0091"), "SJ-0091")[-2:] == [first.total,
                                                                  first.total - 150_000]
    assert numbers_after(row(text, "Belum jatuh tempo", "SJ-0107"), "SJ-0107")[-2:] == [
        second.total, second.total]
    assert numbers_after(row(text, "Total  "), "Total")[-2:] == [first.total + second.total,
                                                               owed]

    everything = pdf_text(write_supplier_statement_pdf(
        shop, supplier.id, tmp_path / "all.pdf", printed_by=bendahara))
    assert "Semua waktu" in everything
    assert numbers_after(row(everything, "Saldo awal"), "Saldo awal") == [0]
    assert numbers_after(row(everything, "Saldo akhir"), "Saldo akhir") == [
        first.total + second.total, 150_000, owed]


# --- the stock card ---------------------------------------------------------------------


def test_stock_card_lists_every_movement_with_its_running_balance(
        shop, supplier, oil, manajer, tmp_path):
    # The product came with 10 pcs on the 26th.
    with at(27):
        received = receiving.post_receipt(shop, user=manajer, supplier_id=supplier.id,
                                          lines=[ReceiptLineInput(oil.id, "2", "170000",
                                                                  oil.units[0].id)])
    with at(29):
        stock.adjust_stock(shop, user=manajer, product_id=oil.id, qty="-3",
                           reason="Botol bocor di rak")
    with at(30):
        path = write_stock_card_pdf(shop, oil.id, tmp_path / "kartu.pdf", printed_by=manajer)
    text = pdf_text(path)
    held = stock.balance(shop, oil.id)
    card = stock_views.stock_card(shop, oil.id)

    assert page_size(path)[0] > page_size(path)[1]                # landscape: ten columns
    assert "KARTU STOK" in text and "MinyaKita Uji 1 L" in text and "Semua waktu" in text
    assert "Masuk (pcs)" in text and "Saldo nilai (Rp)" in text
    assert [m.kind for m in card.lines] == ["opening", "receipt", "adjustment"]
    opening, receipt, adjustment = card.lines
    assert numbers_after(row(text, received.number), received.number) == [
        24, 34, receipt.value, receipt.balance_value]
    line = row(text, "Botol bocor di rak")
    assert "Koreksi stok" in line and "29/11/2026 10:00" in line
    assert numbers_after(line, "di rak") == [3, 31, adjustment.value,
                                             adjustment.balance_value]
    assert numbers_after(row(text, "Stok awal  "), "Stok awal")[-4:] == [
        10, 10, opening.value, opening.value]
    closing = numbers_after(row(text, "Saldo akhir"), "mutasi")
    # In, out, the balance; the value the movements added, the value held.
    assert closing == [34, 3, 31, held.value, held.value]
    assert held.qty == 31_000 and held.value == card.closing_value

    with at(30):
        later = pdf_text(write_stock_card_pdf(shop, oil.id, tmp_path / "nov.pdf",
                                              "2026-11-28", date(2026, 11, 30),
                                              printed_by=manajer))
    assert "Periode 28/11/2026 – 30/11/2026" in later
    assert numbers_after(row(later, "Saldo awal"), "Saldo awal") == [
        34, receipt.balance_value]
    assert received.number not in later and "Botol bocor di rak" in later


# --- valuation and low stock ------------------------------------------------------------


def test_valuation_pdf_xlsx_and_csv_agree_with_the_stock_ledger(
        shop, oil, rice, manajer, bendahara, tmp_path):
    by_category = {c.category: c.value for c in stock_views.valuation(shop)}
    ledger_total = sum(by_category.values())
    with frozen_clock(NOON):
        pdf = write_valuation(shop, tmp_path / "nilai.pdf", printed_by=bendahara)
        xlsx = write_valuation(shop, tmp_path / "nilai.xlsx", "xlsx", printed_by=bendahara)
        table = write_valuation(shop, tmp_path / "nilai.csv", "csv", printed_by=bendahara)

    # Paper: a subtotal per category, the grand total equal to the ledger.
    pages = pdf_pages(pdf)
    text = "\n".join(pages)
    assert "LAPORAN NILAI PERSEDIAAN" in text and f"Per {PRINTED_AT}" in text
    assert len(pages) >= 2 and all("HPP per satuan" in p for p in pages[:-1])
    grand = numbers_after(row(text, "Total persediaan ("), "produk)")
    assert grand == [ledger_total]
    for category in ("Beras", "Minyak Goreng", "Bumbu"):
        line = row(text, f"Subtotal {category} (")
        assert numbers_after(line, "produk)") == [by_category[category]]
    assert numbers_after(row(text, "Beras Curah Uji"), "Uji") == [12, 5, 12_000, 150_000]

    # Spreadsheet: numbers that are numbers, in rupiah format, under a frozen filtered header.
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["Persediaan", "Per kategori"]
    ws = book["Persediaan"]
    assert ws.freeze_panes == "A6" and ws.print_title_rows == "$5:$5"
    assert ws.oddFooter.right.text == "Halaman &P dari &N"      # page n of N on paper too
    header = [c.value for c in ws[5]]
    assert header == ["Kategori", "Produk", "Satuan", "Stok", "HPP per satuan (Rp)",
                      "Nilai (Rp)"]
    rows = sheet_rows(ws, 6)
    body, totals = rows[:-1], rows[-1]
    assert ws.auto_filter.ref == f"A5:F{5 + len(body)}"
    for cells in body:
        assert isinstance(cells[4], int) and isinstance(cells[5], int)
        assert isinstance(cells[3], int | float) and not isinstance(cells[3], bool)
    rice_row = next(r for r in body if r[1] == "Beras Curah Uji")
    assert rice_row[2:] == ("kg", 12.5, 12_000, 150_000)
    rice_cells = next(r for r in ws.iter_rows(min_row=6) if r[1].value == "Beras Curah Uji")
    assert rice_cells[3].number_format == QTY_FORMAT
    assert rice_cells[5].number_format == RUPIAH_FORMAT
    oil_cells = next(r for r in ws.iter_rows(min_row=6) if r[1].value == "MinyaKita Uji 1 L")
    assert oil_cells[3].number_format == WHOLE_FORMAT and oil_cells[3].value == 10
    assert totals[0] == "Total" and totals[5] == ledger_total == sum(r[5] for r in body)
    assert ws.cell(6 + len(body), 6).font.b
    summary = book["Per kategori"]
    assert summary.freeze_panes == "A6" and summary.auto_filter.ref.startswith("A5:C")
    per_category = {r[0]: r[2] for r in sheet_rows(summary, 6)[:-1]}
    assert per_category == {c or "(Tanpa kategori)": v for c, v in by_category.items() if v}
    assert sheet_rows(summary, 6)[-1][2] == ledger_total

    # CSV: the same product lines, nothing summed twice.
    with open(table, encoding="utf-8-sig", newline="") as f:
        lines = list(csv.reader(f))
    assert lines[0] == header
    assert [(r[1], int(r[5])) for r in lines[1:]] == [(r[1], r[5]) for r in body]
    assert sum(int(r[5]) for r in lines[1:]) == ledger_total
    assert next(r for r in lines if r[1] == "Beras Curah Uji")[3] == "12,5"


def test_low_stock_list_names_what_is_at_or_under_its_minimum(
        shop, oil, rice, manajer, bendahara, tmp_path, clock):
    low = {p.name: p for p in stock_views.low_stock(shop)}
    assert {"Beras Curah Uji", "MinyaKita Uji 1 L"} <= set(low)
    pdf = write_low_stock(shop, tmp_path / "menipis.pdf", printed_by=bendahara)
    xlsx = write_low_stock(shop, tmp_path / "menipis.xlsx", "xlsx", printed_by=bendahara)
    text = pdf_text(pdf)

    assert "DAFTAR STOK MENIPIS" in text
    assert numbers_after(row(text, "Beras Curah Uji"), "Uji") == [12, 5, 50, 37, 5]
    assert numbers_after(row(text, "MinyaKita Uji 1 L"), "1 L") == [10, 24, 14]
    assert f"{len(low)} produk perlu dipesan" in text
    ws = openpyxl.load_workbook(xlsx)["Stok menipis"]
    rows = sheet_rows(ws, 6)
    assert len(rows) == len(low) + 1 and ws.freeze_panes == "A6"
    assert ws.auto_filter.ref == f"A5:F{5 + len(low)}"
    assert next(r for r in rows if r[1] == "Beras Curah Uji")[2:] == ("kg", 12.5, 50, 37.5)

    stock.adjust_stock(shop, user=manajer, product_id=rice.id, qty="40", reason="Hitung ulang")
    again = pdf_text(write_low_stock(shop, tmp_path / "menipis.pdf", printed_by=bendahara))
    assert "Beras Curah Uji" not in again


def test_nothing_low_prints_a_plain_sentence(shop, manajer, bendahara, tmp_path, clock):
    for item in stock_views.low_stock(shop):
        stock.adjust_stock(shop, user=manajer, product_id=item.id,
                           qty=str(item.shortfall // 1000 + 1), reason="Barang datang")
    text = pdf_text(write_low_stock(shop, tmp_path / "menipis.pdf", printed_by=bendahara))
    assert "Tidak ada produk di bawah stok minimum." in text


# --- refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize("where, message", [
    (lambda d: d / "tidak-ada" / "laporan.pdf", "tidak ada"),
    (lambda d: d, "adalah folder"),
    (lambda d: d / "catatan.txt" / "laporan.pdf", "tidak ada"),
    (lambda d: "", "belum diisi"),
])
def test_an_unwritable_path_is_refused_and_writes_nothing(
        shop, oil, bendahara, tmp_path, snapshot, where, message):
    (tmp_path / "catatan.txt").write_text("bukan folder")
    before, files = snapshot(shop), sorted(os.listdir(tmp_path))
    for write in (lambda p: write_valuation(shop, p, "xlsx", printed_by=bendahara),
                  lambda p: write_stock_card_pdf(shop, oil.id, p, printed_by=bendahara),
                  lambda p: write_low_stock(shop, p, printed_by=bendahara)):
        with pytest.raises(UserError, match=message):
            write(where(tmp_path))
    assert snapshot(shop) == before and sorted(os.listdir(tmp_path)) == files


def test_refusals_leave_an_older_report_as_it_was(
        shop, supplier, oil, kasir, bendahara, tmp_path, snapshot, monkeypatch):
    path = tmp_path / "laporan.pdf"
    path.write_bytes(b"laporan kemarin")
    before, files = snapshot(shop), sorted(os.listdir(tmp_path))
    with pytest.raises(PermissionDenied):
        write_valuation(shop, path, printed_by=kasir)
    with pytest.raises(PermissionDenied):
        write_supplier_statement_pdf(shop, supplier.id, path, printed_by=kasir)
    with pytest.raises(UserError, match="Format laporan"):
        write_valuation(shop, path, "docx", printed_by=bendahara)
    with pytest.raises(UserError, match="sesudah tanggal akhir"):
        write_stock_card_pdf(shop, oil.id, path, "2026-11-30", "2026-11-01",
                             printed_by=bendahara)
    with pytest.raises(UserError, match="Tanggal tidak valid"):
        write_supplier_statement_pdf(shop, supplier.id, path, "kemarin", printed_by=bendahara)
    with pytest.raises(NotFound):
        write_po_pdf(shop, "no-such-po", path, printed_by=bendahara)
    with pytest.raises(NotFound):
        write_stock_card_pdf(shop, "no-such-product", path, printed_by=bendahara)

    # A disk that fails at the last step: the old report stays, no temporary file is left.
    def full_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(UserError, match="No space left"):
        write_valuation(shop, path, printed_by=bendahara)
    assert path.read_bytes() == b"laporan kemarin"
    assert sorted(os.listdir(tmp_path)) == files
    assert snapshot(shop) == before


# --- properties of the layout -----------------------------------------------------------


quantities = st.lists(st.integers(min_value=-10**9, max_value=10**9), min_size=1, max_size=12)


@pytest.mark.skipif(document_pdf.fonts().encoding is not None,
                    reason="the standard PDF font has no figure space to align with")
@given(quantities)
def test_quantities_line_up_on_their_decimal_comma(values):
    """Right-aligned, the commas (or where a whole number's comma would be) fall in one
    place: what follows the whole part is equally wide in every cell."""
    from app.models.money import format_qty

    aligned = document_pdf._align_decimals([format_qty(v) for v in values])
    tails = {round(document_pdf._width(text) - document_pdf._width(text.split(",")[0]
                                                                   .split("\u2008")[0]), 6)
             for text in aligned}
    assert len(tails) == 1


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_a_quantity_reaches_the_spreadsheet_exactly(qty):
    number = qty_number(qty)
    assert number * 1000 == qty


def test_without_dejavu_the_documents_fall_back_to_helvetica(
        shop, oil, bendahara, tmp_path, monkeypatch, clock):
    """The bundle on a Windows shop PC may lack DejaVu: letters Helvetica lacks are folded,
    and the figures stay the same."""
    monkeypatch.setattr(document_pdf, "FONT_DIR", tmp_path / "no-fonts")
    monkeypatch.setattr(document_pdf, "_fonts", None)
    path = write_valuation(shop, tmp_path / "nilai.pdf", printed_by=bendahara)
    text = pdf_text(path)
    assert b"Helvetica" in path.read_bytes() and b"GeraiSans" not in path.read_bytes()
    total = sum(c.value for c in stock_views.valuation(shop))
    assert numbers_after(row(text, "Total persediaan ("), "produk)") == [total]
    assert "Halaman 1 dari" in text
