"""A member's papers read back as the cashier, the treasurer and the till read them: the
money slip as text and as printer bytes, the membership cards scanned with zbarimg from a
300 dpi render and looked up as the till looks them up, the statement of account through
pdftotext, openpyxl and the CSV against sums taken straight from the ledgers.

Sari's NIK and phone are planted in the register; they must come out of no paper, file or
printer job, in any of the forms people write them.
"""

from __future__ import annotations

import csv
import math
import re
import subprocess
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from PIL import Image  # reportlab's own dependency

from app.models import member_money, members
from app.models.cart import Cart, add_product, set_member
from app.models.clock import frozen_clock, zone
from app.models.errors import NotFound, PermissionDenied, UserError
from app.models.member_statement import credit_statement
from app.models.money import QTY_SCALE as K
from app.models.products import ProductInput, create_product
from app.models.sales import PaymentInput, complete_sale
from app.models.settings import get_settings
from app.models.shifts import open_shift
from app.reports import member_papers
from app.reports.member_papers import write_member_cards, write_member_statement
from app.reports.money_receipt import (
    money_receipt_escpos,
    money_receipt_lines,
    money_receipt_rows,
)
from app.reports.receipt_pdf import rows_pdf
from app.reports.xlsx import RUPIAH_FORMAT

TILL = "KASIR-1"
DAY0 = date(2026, 3, 2)
WIB = zone("WIB")
NIK = "1871034101900001"
PHONE = "081234567890"
#: Every way the planted NIK and phone could be written out in full, and their hidden
#: middles (the masks show only the ends).
FULL = (NIK, PHONE, "6281234567890", "0812-3456-7890", "81234567890")
SECRETS = (*FULL, "0341019000", "2345678")
NUMBER = re.compile(r"-?\d{1,3}(?:\.\d{3})+|-?\d+")
ZBAR = "{http://zbar.sourceforge.net/2008/barcode}"


def at(day: int, hour: int = 10, minute: int = 0):
    return frozen_clock(datetime.combine(DAY0 + timedelta(days=day), time(hour, minute), WIB))


def day(n: int) -> date:
    return DAY0 + timedelta(days=n)


def pdf_text(path) -> str:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.replace("\u2007", " ").replace("\u2008", " ")


def row(text: str, *labels: str) -> str:
    found = [line for line in text.splitlines() if all(label in line for label in labels)]
    assert len(found) == 1, (labels, found)
    return found[0]


def numbers_after(line: str, label: str) -> list[int]:
    return [int(n.replace(".", "")) for n in NUMBER.findall(line.split(label, 1)[1])]


def assert_no_secrets(text: str, secrets=SECRETS) -> None:
    for secret in secrets:
        assert secret not in text, secret


def xlsx_text(path) -> str:
    """Every XML part of the workbook, unzipped: what anyone opening the file could read."""
    with zipfile.ZipFile(path) as book:
        return "\n".join(book.read(name).decode("utf-8") for name in book.namelist()
                         if name.endswith(".xml") or name.endswith(".rels"))


# --- the story ----------------------------------------------------------------------------


@pytest.fixture
def sari(shop, manajer, kasir, bendahara):
    """Sari joins on day 0 with her NIK and phone, pays pokok and two months of wajib,
    takes 120.000 and 45.000 on bon, pays 50.000 off and saves 80.000 sukarela."""
    with at(0, 7):
        paket = create_product(shop, user=manajer, data=ProductInput(
            name="Paket Sembako Uji", base_unit="pcs", price=15_000, cost=12_000,
            opening_stock=500 * K))
        open_shift(shop, user=kasir, till=TILL, opening_float="100.000")
    with at(0, 8):
        who = members.create_member(shop, user=bendahara, name="Sari Uji Kartu",
                                    nik=NIK, phone=PHONE, credit_limit=400_000,
                                    village="Sukamaju", card_code="KA77001")
        member_money.deposit(shop, user=bendahara, member_id=who.id, kind="pokok")
        member_money.deposit(shop, user=bendahara, member_id=who.id, kind="wajib", months=2)
    for on, parcels in ((1, 8), (6, 3)):
        with at(on):
            cart = set_member(add_product(shop, Cart(), paket.id, qty=parcels * K),
                              members.get_member(shop, who.id))
            complete_sale(shop, user=kasir, till=TILL, cart=cart,
                          payments=[PaymentInput("bon", cart.total)])
    with at(10):
        member_money.repay_credit(shop, user=bendahara, member_id=who.id, amount=50_000)
    with at(12):
        member_money.deposit(shop, user=bendahara, member_id=who.id, kind="sukarela",
                             amount="80.000")
    return members.get_member(shop, who.id)


# --- the money slip -----------------------------------------------------------------------


@pytest.mark.parametrize("columns", [32, 48])
def test_a_wajib_slip_names_each_month_the_total_and_the_balances_after(shop, sari, kasir,
                                                                        columns):
    with at(20):
        receipt = member_money.deposit(shop, user=kasir, member_id=sari.id, kind="wajib",
                                       months=3, till=TILL)
    lines = money_receipt_lines(receipt, get_settings(shop), columns,
                                printed_by_name=kasir.full_name)
    text = "\n".join(lines)
    assert all(len(line) <= columns for line in lines)
    assert receipt.number in text and "Bukti setoran simpanan" in text
    assert "A-" in row(text, "Sari Uji Kartu") and sari.number in text
    for month in ("Mei 2026", "Juni 2026", "Juli 2026"):
        assert row(text, month).split()[-1] == "10.000"
    assert row(text, "TOTAL").split()[-1] == "Rp30.000"
    assert "Tunai" in row(text, "Cara")
    balances = member_money.balances(shop, sari.id)
    assert balances["wajib"] == 50_000
    tail = text.split("Saldo setelah transaksi")[1]
    assert numbers_after(row(tail, "Simpanan wajib"), "wajib") == [50_000]
    assert numbers_after(row(tail, "Simpanan pokok"), "pokok") == [100_000]
    assert numbers_after(row(tail, "Simpanan sukarela"), "sukarela") == [80_000]
    assert numbers_after(row(tail, "Sisa bon"), "bon") == [115_000]
    assert row(text, "Diterima oleh").endswith(kasir.full_name)
    assert "Tanda tangan" not in text
    assert_no_secrets(text)


def test_a_withdrawal_slip_is_signed_by_the_member_who_took_the_cash(shop, sari, bendahara):
    with at(20):
        receipt = member_money.withdraw(shop, user=bendahara, member_id=sari.id,
                                        amount=30_000)
    text = "\n".join(money_receipt_lines(receipt, get_settings(shop), 32,
                                         printed_by_name=bendahara.full_name))
    assert "Bukti penarikan simpanan" in text
    assert row(text, "Penarikan sukarela").split()[-1] == "30.000"
    assert row(text, "TOTAL DIBAYAR").split()[-1] == "Rp30.000"
    assert numbers_after(row(text, "Simpanan sukarela"), "sukarela") == [50_000]
    assert row(text, "Dibayar oleh").endswith(bendahara.full_name)
    after = text.split("Tanda tangan anggota")[1]
    assert "Sari Uji Kartu" in after and "...." in after
    assert_no_secrets(text)


def test_a_repayment_slip_shows_the_bon_left(shop, sari, bendahara):
    with at(20):
        receipt = member_money.repay_credit(shop, user=bendahara, member_id=sari.id,
                                            amount="15.000", method="transfer",
                                            reference="BRI 4455")
    text = "\n".join(money_receipt_lines(receipt, get_settings(shop), 48,
                                         printed_by_name=bendahara.full_name))
    assert "Bukti pembayaran bon" in text
    assert row(text, "Pembayaran bon").split()[-1] == "15.000"
    assert "Transfer" in row(text, "Cara") and "BRI 4455" in text
    assert numbers_after(row(text, "Sisa bon"), "bon") == [
        members.get_member(shop, sari.id).balance] == [100_000]


def test_the_slip_goes_to_the_printer_as_one_escpos_job(shop, sari, kasir):
    with at(20):
        receipt = member_money.deposit(shop, user=kasir, member_id=sari.id, kind="sukarela",
                                       amount=25_000, till=TILL)
    job = money_receipt_escpos(receipt, get_settings(shop), 32, kasir.full_name)
    assert job.startswith(b"\x1b@")                   # the printer reset first
    assert b"\x1dV" in job[-8:]                        # and the paper cut last
    printed = job.decode("cp437")
    for text in (receipt.number, "Rp25.000", "Sari Uji Kartu", kasir.full_name):
        assert text in printed
    assert_no_secrets(printed)
    # With no printer the same rows go to a PDF, whose text says the same.
    assert rows_pdf(money_receipt_rows(receipt, get_settings(shop), 32,
                                       printed_by_name=kasir.full_name), 32).startswith(b"%PDF")


# --- membership cards ---------------------------------------------------------------------


def scanned_cards(path: Path, folder: Path) -> list[str | None]:
    """What a scanner reads on each card place of each sheet, in reading order."""
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(path), str(folder / "sheet")],
                   check=True)
    px = 300 / 72
    places = []
    for page in sorted(folder.glob("sheet-*.png")):
        with Image.open(page) as image:
            for n in range(member_papers.ACROSS * member_papers.DOWN):
                r, c = divmod(n, member_papers.ACROSS)
                left = (member_papers.SHEET_LEFT + c * member_papers.CARD_W) * px
                top = (member_papers.SHEET_TOP + r * member_papers.CARD_H) * px
                crop = folder / f"{page.stem}-{n:02d}.png"
                image.crop((round(left), round(top), round(left + member_papers.CARD_W * px),
                            round(top + member_papers.CARD_H * px))).save(crop)
                places.append(crop)
    xml = subprocess.run(["zbarimg", "--xml", "-q", "-Sdisable", "-Scode128.enable",
                          *map(str, places)], capture_output=True, text=True).stdout
    found = {}
    for source in ElementTree.fromstring(xml).iter(f"{ZBAR}source"):
        codes = [d.text for d in source.iter(f"{ZBAR}data")]
        assert len(codes) <= 1, codes
        found[Path(source.get("href")).name] = codes[0] if codes else None
    return [found.get(p.name) for p in places]


def test_each_card_scans_to_its_member_at_the_till(shop, sari, bendahara, manajer, tmp_path):
    with at(20):
        plain = members.create_member(shop, user=manajer, name="Budi Tanpa Kartu")
        long_name = members.create_member(
            shop, user=manajer, name="Raden Ajeng Siti Nurhalizah Binti Haji Abdurrahman",
            card_code="KARTU-2026-000987654321", village="Kelurahan Way Halim Permai")
        chosen = [sari.id, plain.id, long_name.id]
        path = write_member_cards(shop, tmp_path / "kartu.pdf", chosen, printed_by=bendahara)
    codes = scanned_cards(path, tmp_path)
    assert codes == ["KA77001", plain.number, "KARTU-2026-000987654321"] + [None] * 7
    for member_id, code in zip(chosen, codes, strict=False):
        [found] = members.find_members(shop, code)
        assert found.id == member_id
    text = pdf_text(path)
    for name in ("Sari Uji Kartu", "Budi Tanpa Kartu", "KARTU ANGGOTA", "Sukamaju",
                 get_settings(shop).cooperative_name):
        assert name in text
    assert "Anggota sejak 02-03-2026" in text
    assert_no_secrets(text)
    assert_no_secrets(path.read_bytes().decode("latin-1"), FULL)


def test_cards_of_every_active_member_fill_sheets_of_ten(shop, sari, bendahara, manajer,
                                                        tmp_path):
    with at(20):
        gone = members.create_member(shop, user=manajer, name="Tono Sudah Keluar",
                                     status="left")
        path = write_member_cards(shop, tmp_path / "semua.pdf", printed_by=bendahara)
    active = members.list_members(shop, status="active")
    assert sari.id in {m.id for m in active} and len(active) > 10
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+(\d+)$", info, re.M)[1] == str(math.ceil(len(active) / 10))
    text = pdf_text(path)
    assert all(m.number in text for m in active)
    assert gone.number not in text and "Tono Sudah Keluar" not in text
    with at(20), pytest.raises(UserError):
        write_member_cards(shop, tmp_path / "keluar.pdf", [gone.id], printed_by=bendahara)
    assert not (tmp_path / "keluar.pdf").exists()


@pytest.mark.parametrize(("ids", "error"), [
    ([], UserError),
    (["no-such-member"], NotFound),
    ("A-0001", UserError),               # one id, not a list of them
    ([None], UserError),
])
def test_a_bad_list_of_members_prints_no_cards(shop, sari, bendahara, tmp_path, snapshot,
                                               ids, error):
    before = snapshot(shop)
    with pytest.raises(error):
        write_member_cards(shop, tmp_path / "kartu.pdf", ids, printed_by=bendahara)
    assert not (tmp_path / "kartu.pdf").exists()
    assert snapshot(shop) == before


def test_a_cashier_prints_no_cards_and_no_statement(shop, sari, kasir, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(PermissionDenied):
        write_member_cards(shop, out / "kartu.pdf", [sari.id], printed_by=kasir)
    with at(20), pytest.raises(PermissionDenied):
        write_member_statement(shop, out / "rek.pdf", sari.id, None, None, printed_by=kasir)
    assert list(out.iterdir()) == []


# --- the statement of account -------------------------------------------------------------


def ledger(db, member_id: str, since: str, until: str) -> tuple[int, int, int]:
    """Opening, charges and credits of the member's bon straight from the ledger."""
    def total(sql: str, *params) -> int:
        return db.scalar("SELECT coalesce(sum(amount), 0) FROM member_credit_movements"
                         " WHERE member_id = ? AND " + sql, (member_id, *params))
    return (total("created_at < ?", since),
            total("amount > 0 AND created_at >= ? AND created_at < ?", since, until),
            -total("amount < 0 AND created_at >= ? AND created_at < ?", since, until))


def test_the_statement_on_paper_adds_up_to_the_ledgers(shop, sari, bendahara, tmp_path):
    with at(20):
        path = write_member_statement(shop, tmp_path / "rek.pdf", sari.id, day(2), day(20),
                                      printed_by=bendahara)
        period = credit_statement(shop, sari.id, day(2), day(20)).period
    opening, charged, paid = ledger(shop, sari.id, period.since, period.until)
    assert (opening, charged, paid) == (120_000, 45_000, 50_000)
    text = pdf_text(path)
    assert "REKENING ANGGOTA" in text and "Periode 04/03/2026 – 22/03/2026" in text
    assert numbers_after(row(text, "04-03-2026", "Saldo awal", "120.000"), "Saldo awal") == [
        opening]
    assert numbers_after(row(text, "Total", "Sisa bon akhir"), "Sisa bon akhir") == [
        charged, paid, opening + charged - paid]
    assert numbers_after(row(text, "Sisa bon awal"), "Sisa bon awal") == [opening, 115_000]
    assert numbers_after(row(text, "Belanja dengan bon", "Jumlah simpanan"), "bon")[0] == charged
    assert numbers_after(row(text, "Bayar/kembali", "Belanja bersih"), "kembali")[0] == paid
    # The bon left by age on the last day: day 1's rest is 19 days old, day 6's 14.
    lines = text.splitlines()
    head = lines.index(row(text, "Belum jatuh tempo", "1–30 hari"))
    assert "Umur sisa bon per 22-03-2026" in lines[head - 1]
    assert [int(n.replace(".", "")) for n in NUMBER.findall(lines[head + 1])] == [
        0, 115_000, 0, 0, 0, 115_000]
    # Savings: the balances by kind straight from the movements.
    by_kind = dict(shop.query("SELECT kind, sum(amount) FROM savings_movements"
                              " WHERE member_id = ? AND created_at < ? GROUP BY kind",
                              (sari.id, period.until)))
    assert by_kind == {"pokok": 100_000, "wajib": 20_000, "sukarela": 80_000}
    savings = text.split("Saldo simpanan")[1].split("Mutasi simpanan")[0]
    for kind in ("pokok", "wajib", "sukarela"):
        assert numbers_after(row(savings, f"Simpanan {kind}   "), kind)[-1] == by_kind[kind]
    assert numbers_after(row(savings, "Total"), "Total")[-1] == sum(by_kind.values())
    assert numbers_after(row(text, "Jumlah simpanan"), "simpanan") == [sum(by_kind.values())]
    assert "Simpanan wajib sudah dibayar sampai April 2026." in text
    assert sari.nik_masked == "1871**********01" and sari.nik_masked in text
    assert_no_secrets(text)
    assert_no_secrets(path.read_bytes().decode("latin-1"), FULL)


def test_the_statement_in_a_spreadsheet_and_a_csv_says_what_the_books_say(shop, sari,
                                                                          bendahara, tmp_path):
    with at(20):
        xlsx = write_member_statement(shop, tmp_path / "rek.xlsx", sari.id, None, None,
                                      "xlsx", printed_by=bendahara)
        comma = write_member_statement(shop, tmp_path / "rek.csv", sari.id, None, None,
                                       "csv", printed_by=bendahara)
        statement = credit_statement(shop, sari.id, None, None)
    expected = [[f"{ln.day:%d-%m-%Y}", ln.number, ln.description, ln.charge or None,
                 ln.payment or None, ln.balance] for ln in statement.lines]
    assert statement.closing == members.get_member(shop, sari.id).balance == 115_000

    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["Bon", "Umur bon", "Saldo simpanan", "Mutasi simpanan"]
    ws = book["Bon"]
    assert ws.freeze_panes == "A6" and ws.auto_filter.ref.startswith("A5:F")
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=6)]
    assert rows[:-1] == expected
    assert rows[-1][3:] == [165_000, 50_000, 115_000]
    assert ws.cell(6, 4).number_format == RUPIAH_FORMAT
    aging = [[c.value for c in r] for r in book["Umur bon"].iter_rows(min_row=6)]
    assert aging == [[0, 115_000, 0, 0, 0, 115_000]]
    saved = [[c.value for c in r] for r in book["Saldo simpanan"].iter_rows(min_row=6)]
    assert saved == [["Simpanan pokok", 0, 100_000, 0, 100_000],
                     ["Simpanan wajib", 0, 20_000, 0, 20_000],
                     ["Simpanan sukarela", 0, 80_000, 0, 80_000],
                     ["Total", 0, 200_000, 0, 200_000]]
    assert_no_secrets(xlsx_text(xlsx))

    with open(comma, encoding="utf-8-sig", newline="") as f:
        lines = list(csv.reader(f))
    assert lines[0] == ["Tanggal", "No. dokumen", "Keterangan", "Bon", "Bayar/kembali",
                        "Sisa bon"]
    assert lines[1:] == [[str(v) if v is not None else "" for v in r] for r in expected]
    assert_no_secrets(comma.read_text(encoding="utf-8-sig"))


@pytest.mark.parametrize(("member", "first", "last", "fmt", "error"), [
    ("sari", day(5), day(2), "pdf", UserError),          # reversed
    ("sari", day(2), day(21), "pdf", UserError),         # ends tomorrow
    ("sari", "kemarin", None, "pdf", UserError),         # not a day
    ("sari", None, None, "docx", UserError),             # no such format
    ("nobody", None, None, "pdf", NotFound),
])
def test_a_bad_statement_request_writes_nothing(shop, sari, bendahara, tmp_path, snapshot,
                                                member, first, last, fmt, error):
    member_id = sari.id if member == "sari" else "no-such-member"
    out = tmp_path / "out"
    out.mkdir()
    before = snapshot(shop)
    with at(20), pytest.raises(error):
        write_member_statement(shop, out / "rek.out", member_id, first, last, fmt,
                               printed_by=bendahara)
    assert list(out.iterdir()) == []
    assert snapshot(shop) == before
