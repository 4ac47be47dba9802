"""The treasurer's aging reports read back as she reads them: members' bon by the age of each
charge (repayments and returns paying the oldest first), and what the shop owes its
suppliers and the producers on consignment. Expected buckets are worked out by hand from
the days the charges were made; the PDF (pdftotext), the workbook (openpyxl) and the CSV
must say the same thing as the ledgers.
"""

from __future__ import annotations

import csv
import re
import subprocess
from datetime import date, datetime, time, timedelta

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.models import consignment, consignors, members, payables, receiving, suppliers
from app.models import consignment_settlement as settlement
from app.models.cart import Cart, add_product, set_member
from app.models.clock import frozen_clock, zone
from app.models.errors import PermissionDenied, UserError
from app.models.ids import new_id
from app.models.member_settings import MemberSettings, save_member_settings
from app.models.money import QTY_SCALE as K
from app.models.payables import BUCKETS, bucket_label
from app.models.products import ProductInput, UnitInput, create_product
from app.models.receiving import ReceiptLineInput
from app.models.report_aging import (
    age_buckets,
    check_as_of,
    consignor_payables,
    credit_aging,
    open_charges,
)
from app.models.returns import return_items
from app.models.sales import PaymentInput, complete_sale, returnable_lines
from app.models.shifts import open_shift
from app.reports.aging_reports import write_ap_aging, write_ar_aging
from app.reports.xlsx import RUPIAH_FORMAT

TILL = "KASIR-1"
#: Day 0 of every story here, long before the demo's own days.
DAY0 = date(2026, 3, 2)
WIB = zone("WIB")
NUMBER = re.compile(r"-?\d{1,3}(?:\.\d{3})+|-?\d+")
LABELS = [bucket_label(b) for b in BUCKETS]


def at(day: int, hour: int = 10, minute: int = 0):
    """The clock at ``hour`` WIB on day ``day`` after DAY0."""
    return frozen_clock(datetime.combine(DAY0 + timedelta(days=day), time(hour, minute),
                                         WIB))


def day(n: int) -> date:
    return DAY0 + timedelta(days=n)


# --- reading the output back ------------------------------------------------------------


def pdf_text(path) -> str:
    text = subprocess.run(["pdftotext", "-layout", "-nodiag", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.replace("\u2007", " ").replace("\u2008", " ")


def row(text: str, *labels: str) -> str:
    found = [line for line in text.splitlines() if all(label in line for label in labels)]
    assert len(found) == 1, (labels, found)
    return found[0]


def numbers_after(line: str, label: str) -> list[int]:
    """The whole numbers printed on ``line`` after ``label`` (``1.250.000`` → 1250000)."""
    return [int(n.replace(".", "")) for n in NUMBER.findall(line.split(label, 1)[1])]


def csv_tables(path) -> list[list[list[str]]]:
    """The CSV's tables (a blank line between two), each a header and its rows."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        tables, current = [], []
        for line in csv.reader(f):
            if not line:
                tables.append(current)
                current = []
            else:
                current.append(line)
        return [*tables, current]


def sheet(book, name):
    """A report sheet's header (row 5) and its rows below it, as values."""
    ws = book[name]
    assert ws.freeze_panes == "A6"
    return [c.value for c in ws[5]], [[c.value for c in r] for r in ws.iter_rows(min_row=6)]


# --- a shop with members on bon -----------------------------------------------------------


@pytest.fixture
def paket(shop, manajer, demo_users):
    """A parcel of staples at Rp10.000, so a bon of any ten-thousand is a number of parcels.
    (The till's block on new bon while old bon is overdue is switched off: these stories
    need bon as old as 120 days.)"""
    save_member_settings(shop, user=demo_users["admin"],
                         settings=MemberSettings(credit_block_days=0))
    with at(0, 7):
        return create_product(shop, user=manajer, data=ProductInput(
            name="Paket Sembako Uji", base_unit="pcs", price=10_000, cost=8_000,
            opening_stock=500 * K))


@pytest.fixture
def till(shop, kasir):
    with at(0, 7, 30):
        return open_shift(shop, user=kasir, till=TILL, opening_float="100.000")


def member(db, user, name, limit):
    with at(0, 8):
        return members.create_member(db, user=user, name=name, credit_limit=limit)


def bon(db, kasir, paket, who, amount: int, on: int):
    """``who`` takes ``amount`` of parcels on bon on day ``on``."""
    with at(on):
        cart = set_member(add_product(db, Cart(), paket.id, qty=amount // 10_000 * K),
                          members.get_member(db, who.id))
        return complete_sale(db, user=kasir, till=TILL, cart=cart,
                             payments=[PaymentInput("bon", amount)])


def repay(db, user, who, amount: int, on: int):
    """``who`` pays ``amount`` off the bon on day ``on``. The repayment screen is still to
    come; its business event will write this ledger movement, in one transaction."""
    with at(on, 11), db.atomic():
        members.record_credit(db, user_id=user.id, member_id=who.id, amount=-amount,
                              kind="payment", doc_type="credit_payment", doc_id=new_id())


def buckets(*amounts: int) -> dict[str, int]:
    return dict(zip(BUCKETS, amounts, strict=True))


def aging_of(db, who, as_of: date):
    found = [r for r in credit_aging(db, as_of) if r.member_id == who.id]
    return found[0] if found else None


# --- member credit: the hand-worked example ---------------------------------------------


@pytest.fixture
def rina(shop, manajer, kasir, till, paket, bendahara):
    """Bon on days 0, 20, 45 and 100 (100.000, 50.000, 30.000, 20.000); on day 110 she
    pays 120.000 — the first charge and 20.000 of the second; another 10.000 on day 120."""
    who = member(shop, manajer, "Rina Uji Bon", 300_000)
    for amount, on in ((100_000, 0), (50_000, 20), (30_000, 45), (20_000, 100)):
        bon(shop, kasir, paket, who, amount, on)
    repay(shop, bendahara, who, 120_000, 110)
    bon(shop, kasir, paket, who, 10_000, 120)
    return who


def test_a_repayment_pays_the_oldest_bon_first_and_the_rest_ages_by_its_charge(shop, rina):
    with at(120, 12):
        found = aging_of(shop, rina, day(120))
    # Day 120: the day-0 charge is paid; 30.000 of the day-20 one is left, 100 days old;
    # day 45 is 75 days old; day 100 is 20 days old; today's bon is current.
    assert found.buckets == buckets(10_000, 20_000, 0, 30_000, 30_000)
    assert found.balance == 90_000 == members.get_member(shop, rina.id).balance
    assert (found.number, found.name, found.credit_limit, found.over_limit) == (
        rina.number, "Rina Uji Bon", 300_000, False)


def test_the_aging_on_an_earlier_day_leaves_out_what_came_after_it(shop, rina):
    with at(120, 12):
        # Day 105, before the repayment: 105, 85, 60 and 5 days old; 60 is still 31–60.
        assert aging_of(shop, rina, day(105)).buckets == buckets(0, 20_000, 30_000, 50_000,
                                                                100_000)
        # Day 110 counts the repayment made that morning, not the bon of day 120: day 20's
        # rest is 90 days old, still 61–90.
        assert aging_of(shop, rina, day(110)).buckets == buckets(0, 20_000, 0, 60_000, 0)
        # The day of the first charge: all of it current; the day before: nothing owed.
        assert aging_of(shop, rina, day(0)).buckets == buckets(100_000, 0, 0, 0, 0)
        assert aging_of(shop, rina, day(-1)) is None


def test_a_return_pays_the_oldest_bon_too(shop, manajer, kasir, till, paket):
    who = member(shop, manajer, "Tono Uji Retur", 200_000)
    bon(shop, kasir, paket, who, 50_000, 0)
    newest = bon(shop, kasir, paket, who, 30_000, 40)
    [line] = returnable_lines(shop, newest.sale_id)
    with at(45):
        back = return_items(shop, user=kasir, till=TILL, sale_id=newest.sale_id,
                            quantities={line.line_id: K}, reason="Kemasan rusak",
                            supervisor=manajer)
    assert back.total == -10_000
    with at(50, 12):
        # The 10.000 back goes off day 0's bon (now 50 days old), not day 40's.
        assert aging_of(shop, who, day(50)).buckets == buckets(0, 30_000, 40_000, 0, 0)


def test_a_member_over_the_limit_is_flagged_and_one_paid_ahead_shows_a_credit(
        shop, manajer, kasir, till, paket, bendahara, tmp_path):
    tight = member(shop, manajer, "Udin Uji Batas", 50_000)
    ahead = member(shop, manajer, "Wati Uji Lebih Bayar", 100_000)
    bon(shop, kasir, paket, tight, 50_000, 0)                # at the limit: not over it
    bon(shop, kasir, paket, ahead, 40_000, 0)
    repay(shop, bendahara, ahead, 60_000, 5)                 # 20.000 more than she owed
    with at(10, 12):
        assert aging_of(shop, tight, day(10)).over_limit is False
        assert aging_of(shop, ahead, day(10)).buckets == buckets(-20_000, 0, 0, 0, 0)
    # The till refuses bon past the limit; an old bon carried over from the paper book is
    # not held to it.
    with at(12), shop.atomic():
        members.record_credit(shop, user_id=manajer.id, member_id=tight.id, amount=5_000,
                              kind="opening", doc_type="opening", doc_id=new_id())
    bon(shop, kasir, paket, ahead, 30_000, 15)              # 20.000 of it already paid
    with at(20, 12):
        over = aging_of(shop, tight, day(20))
        assert over.over_limit and over.balance == 55_000
        assert aging_of(shop, ahead, day(20)).buckets == buckets(0, 10_000, 0, 0, 0)
        pdf = write_ar_aging(shop, tmp_path / "bon.pdf", day(20), printed_by=bendahara)
        xlsx = write_ar_aging(shop, tmp_path / "bon.xlsx", day(20), "xlsx",
                              printed_by=bendahara)
    text = pdf_text(pdf)
    assert "Lewat batas" in row(text, "Udin Uji Batas")
    assert "Lewat batas" not in row(text, "Wati Uji Lebih Bayar")
    _header, rows = sheet(openpyxl.load_workbook(xlsx), "Piutang bon")
    flagged = [r[1] for r in rows[:-1] if r[-1] == "Lewat batas"]
    assert flagged == ["Udin Uji Batas"]
    assert rows[-1][-1] == "1 lewat batas"


# --- member credit: the whole demo shop ----------------------------------------------------


def test_every_members_buckets_add_up_to_the_members_bon_balance(shop, rina):
    owed = {r["member_id"]: r["balance"] for r in shop.query(
        "SELECT member_id, balance FROM member_credit WHERE balance <> 0")}
    assert len(owed) > 10                    # the demo's members and Rina
    rows = credit_aging(shop)                # today: every movement so far
    assert {r.member_id: r.balance for r in rows} == owed
    for r in rows:
        assert sum(r.buckets.values()) == r.balance == members.get_member(shop,
                                                                          r.member_id).balance
        assert all(v >= 0 for v in r.buckets.values())   # nobody in the demo paid ahead
    assert [r.number for r in rows] == sorted(r.number for r in rows)


def test_the_bon_report_reads_back_equal_in_pdf_xlsx_and_csv(shop, rina, bendahara,
                                                              tmp_path):
    with at(120, 12):
        expected = credit_aging(shop, day(120))
        paths = {fmt: write_ar_aging(shop, tmp_path / f"bon.{fmt}", day(120), fmt,
                                     printed_by=bendahara) for fmt in ("pdf", "xlsx", "csv")}
    total = sum(r.balance for r in expected)
    # The independent sum: the ledger up to the end of day 120 (WIB), member by member.
    ledger = shop.scalar("SELECT sum(amount) FROM member_credit_movements WHERE created_at < ?",
                         ("2026-06-30T17:00:00.000Z",))
    assert day(120) == date(2026, 6, 30) and total == ledger == 90_000

    text = pdf_text(paths["pdf"])
    assert "UMUR PIUTANG BON ANGGOTA" in text and "Per 30/06/2026" in text
    assert "Dicetak oleh" in text and "30/06/2026 12:00 WIB" in text
    assert numbers_after(row(text, "Rina Uji Bon"), "Rina Uji Bon") == [
        300_000, 90_000, 10_000, 20_000, 0, 30_000, 30_000]
    assert numbers_after(row(text, "Total", "anggota"), "anggota") == [
        total, *(sum(r.buckets[b] for r in expected) for b in BUCKETS)]
    summary = row(text, "Piutang bon  ")
    assert "Rp90.000" in summary and "Lebih dari 90 hari" in summary
    assert summary.rstrip().endswith("Rp30.000")

    book = openpyxl.load_workbook(paths["xlsx"])
    header, rows = sheet(book, "Piutang bon")
    assert header == ["No. anggota", "Nama anggota", "Batas bon", "Saldo bon", *LABELS,
                      "Keterangan"]
    ws = book["Piutang bon"]
    assert ws.auto_filter.ref == f"A5:J{5 + len(expected)}"
    assert all(ws.cell(6 + i, c).number_format == RUPIAH_FORMAT
               for i in range(len(expected)) for c in range(3, 10))
    body, totals = rows[:-1], rows[-1]
    assert [r[:9] for r in body] == [
        [r.number, r.name, r.credit_limit, r.balance, *(r.buckets[b] for b in BUCKETS)]
        for r in expected]
    assert all(isinstance(v, int) for r in body for v in r[2:9])
    assert totals[0] == "Total" and totals[3] == total

    [table] = csv_tables(paths["csv"])
    assert table[0] == header
    assert [[r[0], r[1], *map(int, r[2:9]), r[9]] for r in table[1:]] == [
        [*r[:9], r[9] or ""] for r in body]


# --- the FIFO rule, for any ledger ------------------------------------------------------


@given(st.lists(st.tuples(st.integers(0, 200), st.integers(-300_000, 300_000).filter(bool)),
                max_size=30))
def test_fifo_leaves_the_newest_charges_open_and_the_buckets_equal_the_balance(moves):
    moves = sorted(moves, key=lambda m: m[0])
    ledger = [(DAY0 + timedelta(days=d), amount) for d, amount in moves]
    left = open_charges(ledger)
    balance = sum(amount for _d, amount in ledger)
    assert left.balance == balance
    assert all(amount > 0 for _d, amount in left.charges) and left.advance >= 0
    assert not (left.charges and left.advance)           # an advance means nothing is open
    assert sum(age_buckets(left, DAY0 + timedelta(days=200)).values()) == balance
    # What is open is the tail of the charges: at most the oldest of them part-paid.
    if left.charges:
        charges = [(d, a) for d, a in ledger if a > 0]
        tail = charges[len(charges) - len(left.charges):]
        assert [d for d, _a in tail] == [d for d, _a in left.charges]
        assert tail[1:] == list(left.charges[1:]) and left.charges[0][1] <= tail[0][1]


# --- what the shop owes: suppliers and producers ------------------------------------------


@pytest.fixture
def supplier(shop, manajer):
    with at(0, 7):
        return suppliers.create_supplier(shop, user=manajer, data=suppliers.SupplierInput(
            name="CV Uji Pangan Lampung", terms_days=30))


@pytest.fixture
def oil(shop, manajer):
    with at(0, 7):
        return create_product(shop, user=manajer, data=ProductInput(
            name="Minyak Uji 1 L", base_unit="pcs", price=15_700, cost=14_000,
            units=(UnitInput(name="dus", factor=12_000, price=None),)))


def receive(db, user, supplier, oil, packs: int, on: int, invoice_no: str):
    """``packs`` dus at 170.000 on day ``on``, invoiced that day (due 30 days later)."""
    with at(on):
        return receiving.post_receipt(db, user=user, supplier_id=supplier.id,
                                      invoice_no=invoice_no, lines=[
                                          ReceiptLineInput(oil.id, str(packs), "170000",
                                                           oil.units[0].id)])


@pytest.fixture
def owed(shop, manajer, kasir, bendahara, supplier, oil, till):
    """Invoices of days 0, 50, 60 and 100 (due 30 days later), the first part-paid; Ibu
    Sari's keripik settled and part-paid, more sold since; Pak Budi's sold, not settled."""
    receive(shop, manajer, supplier, oil, 2, 0, "SJ-1")          # 340.000, due day 30
    receive(shop, manajer, supplier, oil, 1, 50, "SJ-2")         # 170.000, due day 80
    receive(shop, manajer, supplier, oil, 3, 60, "SJ-3")         # 510.000, due day 90
    receive(shop, manajer, supplier, oil, 4, 100, "SJ-4")        # 680.000, due day 130
    with at(40):
        payables.pay_supplier(shop, user=bendahara, supplier_id=supplier.id,
                              payment=payables.PaymentInput("140.000", "cash"))
    with at(0, 7):
        sari = consignors.create_consignor(shop, user=manajer, data=consignors.consignor_from_form(
            {"name": "Ibu Sari Uji", "village": "Desa Hanura", "commission": "15"}))
        budi = consignors.create_consignor(shop, user=manajer, data=consignors.consignor_from_form(
            {"name": "Pak Budi Uji", "village": "Kel. Way Halim", "terms": "fixed"}))
        keripik = create_product(shop, user=manajer, data=ProductInput(
            name="Keripik Uji 250 g", base_unit="pcs", price=12_000, category="UMKM"))
        emping = create_product(shop, user=manajer, data=ProductInput(
            name="Emping Uji 250 g", base_unit="pcs", price=20_000, category="UMKM"))
    with at(60):
        consignment.post_intake(shop, user=manajer, consignor_id=sari.id, lines=[
            consignment.IntakeLine(keripik.id, 10 * K)])
        consignment.post_intake(shop, user=manajer, consignor_id=budi.id, lines=[
            consignment.IntakeLine(emping.id, 5 * K, producer_price=17_000)])

    def sell(item, qty, on):
        with at(on):
            cart = add_product(shop, Cart(), item.id, qty=qty * K)
            complete_sale(shop, user=kasir, till=TILL, cart=cart,
                          payments=[PaymentInput("cash", cart.total)])

    sell(keripik, 3, 70)                          # Sari: 3 × 10.200 = 30.600
    with at(80):
        settlement.settle(shop, user=bendahara, consignor_id=sari.id, period_to=day(79),
                          payment=payables.PaymentInput(20_000, "cash"))
    sell(keripik, 2, 100)                         # Sari: 20.400 not yet settled
    sell(emping, 2, 101)                          # Budi: 2 × 17.000 = 34.000
    return sari, budi


def test_the_payables_aging_reads_back_equal_to_the_ledgers_in_every_format(
        shop, owed, supplier, bendahara, tmp_path):
    sari, budi = owed
    with at(120, 12):
        aged = payables.aging(shop, day(120))
        paths = {fmt: write_ap_aging(shop, tmp_path / f"utang.{fmt}", day(120), fmt,
                                     printed_by=bendahara) for fmt in ("pdf", "xlsx", "csv")}
    # Day 120: SJ-1 (200.000 left) and SJ-2 are 90 and 40 days past due, SJ-3 30 days;
    # SJ-4 is due on day 130.
    [ours] = [r for r in aged if r.supplier_id == supplier.id]
    assert ours.buckets == buckets(680_000, 510_000, 170_000, 200_000, 0)
    supplier_total = shop.scalar("SELECT sum(balance) FROM supplier_balances")
    assert supplier_total == sum(r.total for r in aged) == 1_560_000
    assert suppliers.get_supplier(shop, supplier.id).balance == ours.total
    consignor_rows = {r.name: (r.settled, r.unsettled, r.total) for r in consignor_payables(shop)}
    assert consignor_rows == {"Ibu Sari Uji": (10_600, 20_400, 31_000),
                              "Pak Budi Uji": (0, 34_000, 34_000)}
    assert shop.scalar("SELECT sum(balance) FROM consignor_balances") == 10_600
    assert settlement.unsettled_due(shop) == 54_400

    text = pdf_text(paths["pdf"])
    assert "UMUR UTANG" in text and "Per 30/06/2026" in text
    assert numbers_after(row(text, "CV Uji Pangan Lampung"), "Lampung") == [
        680_000, 510_000, 170_000, 200_000, 0, 1_560_000]
    supplier_sum = [sum(r.buckets[b] for r in aged) for b in BUCKETS]
    supplier_line, consignor_line = [line for line in text.splitlines()
                                     if line.lstrip().startswith("Total ")]
    assert numbers_after(supplier_line, "Total") == [*supplier_sum, supplier_total]
    assert numbers_after(consignor_line, "Total") == [10_600, 54_400, 65_000]
    assert numbers_after(row(text, "Ibu Sari Uji"), "Hanura") == [10_600, 20_400, 31_000]
    assert numbers_after(row(text, "Pak Budi Uji"), "Halim") == [0, 34_000, 34_000]
    assert numbers_after(row(text, "Jumlah utang"), "Rp") == [supplier_total + 65_000]
    assert "bukan pada" not in text               # a report of today needs no warning

    book = openpyxl.load_workbook(paths["xlsx"])
    assert book.sheetnames == ["Utang pemasok", "Utang penitip"]
    header, rows = sheet(book, "Utang pemasok")
    assert header == ["Pemasok", *LABELS, "Total"]
    assert rows[:-1] == [[r.supplier_name, *(r.buckets[b] for b in BUCKETS), r.total]
                         for r in aged]
    assert rows[-1] == ["Total", *supplier_sum, supplier_total]
    assert book["Utang pemasok"].auto_filter.ref == f"A5:G{5 + len(aged)}"
    assert book["Utang pemasok"].cell(6, 7).number_format == RUPIAH_FORMAT
    header2, rows2 = sheet(book, "Utang penitip")
    assert header2 == ["Penitip", "Desa/Kel.", "Diselesaikan, belum dibayar",
                       "Terjual, belum diselesaikan", "Total"]
    assert rows2 == [["Ibu Sari Uji", "Desa Hanura", 10_600, 20_400, 31_000],
                     ["Pak Budi Uji", "Kel. Way Halim", 0, 34_000, 34_000],
                     ["Total", None, 10_600, 54_400, 65_000]]

    first, second = csv_tables(paths["csv"])
    assert first[0] == header and second[0] == header2
    assert [[r[0], *map(int, r[1:])] for r in first[1:]] == rows[:-1]
    assert [[r[0], r[1], *map(int, r[2:])] for r in second[1:]] == rows2[:-1]


def test_payables_aged_on_an_earlier_day_say_the_amounts_are_todays(shop, owed, bendahara,
                                                                     tmp_path):
    with at(120, 12):
        text = pdf_text(write_ap_aging(shop, tmp_path / "u.pdf", day(100),
                                       printed_by=bendahara))
    assert "Per 10/06/2026" in text and "bukan pada 10/06/2026" in text
    # Day 100: SJ-1 70 days past due, SJ-2 20, SJ-3 10; SJ-4 received that day is not due.
    assert numbers_after(row(text, "CV Uji Pangan Lampung"), "Lampung") == [
        680_000, 680_000, 0, 200_000, 0, 1_560_000]


def test_nothing_owed_prints_plain_sentences(shop, bendahara, tmp_path):
    text = pdf_text(write_ap_aging(shop, tmp_path / "u.pdf", None, printed_by=bendahara))
    assert "Tidak ada faktur pemasok yang belum lunas." in text
    assert "Tidak ada utang ke penitip barang titipan." in text
    assert numbers_after(row(text, "Jumlah utang"), "Rp") == [0]


# --- refusals ---------------------------------------------------------------------------


@pytest.fixture
def out(tmp_path):
    """An empty folder for reports, apart from the shop's own file."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


WRITERS = pytest.mark.parametrize("write", [write_ar_aging, write_ap_aging],
                                  ids=["ar-aging", "ap-aging"])


@WRITERS
def test_a_day_still_to_come_is_refused_and_nothing_is_written(shop, rina, bendahara,
                                                                tmp_path, snapshot, write):
    before = snapshot(shop)
    with at(120, 23, 59):
        with pytest.raises(UserError, match="belum terjadi") as caught:
            write(shop, tmp_path / "r.pdf", day(121), printed_by=bendahara)
        assert caught.value.field == "as_of"
        write(shop, tmp_path / "today.pdf", day(120), printed_by=bendahara)   # today is fine
    assert not (tmp_path / "r.pdf").exists() and snapshot(shop) == before


@WRITERS
@pytest.mark.parametrize("as_of", ["2026-06-01", 20260601, datetime(2026, 6, 1, 10)],
                         ids=["text", "number", "moment"])
def test_a_day_that_is_not_a_day_is_refused(shop, bendahara, out, write, as_of):
    with pytest.raises(UserError, match="Tanggal laporan tidak valid"):
        write(shop, out / "r.pdf", as_of, printed_by=bendahara)
    assert list(out.iterdir()) == []


@WRITERS
def test_a_cashier_may_not_print_the_treasurers_aging(shop, kasir, out, snapshot, write):
    before = snapshot(shop)
    with pytest.raises(PermissionDenied):
        write(shop, out / "r.pdf", None, printed_by=kasir)
    assert list(out.iterdir()) == [] and snapshot(shop) == before


@WRITERS
def test_an_unknown_format_or_a_missing_folder_is_refused(shop, bendahara, out, write):
    with pytest.raises(UserError, match="Format laporan"):
        write(shop, out / "r.doc", None, "doc", printed_by=bendahara)
    with pytest.raises(UserError, match="tidak ada"):
        write(shop, out / "nowhere" / "r.csv", None, "csv", printed_by=bendahara)
    assert list(out.iterdir()) == []


def test_the_as_of_day_defaults_to_the_shops_today_in_its_own_zone(shop):
    with at(120, 23, 30):
        assert check_as_of(shop, None) == day(120)
    with at(121, 6, 30):                  # 23:30 UTC, still day 120 in Greenwich
        assert check_as_of(shop, None) == day(121)
