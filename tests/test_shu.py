"""The SHU of a year as the treasurer takes it to the RAT: the allocation of the AD/ART kept in
settings (exactly 100%, or refused with nothing written), the surplus over its parts and
the members' pools over the members to the rupiah, and the report that says so on paper,
in a workbook and in a CSV.

The hand-worked year is 2025 at a shop whose demo days are much later: five members buy,
return, have a sale voided, pay savings, some of it just outside the year; the expected
shares are worked out below by hand.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date, datetime, time

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.models import member_money, members
from app.models.cart import Cart, add_product, set_member
from app.models.clock import frozen_clock, zone
from app.models.db import open_db
from app.models.errors import PermissionDenied, UserError, ValidationError
from app.models.money import MAX_RUPIAH
from app.models.money import QTY_SCALE as K
from app.models.products import ProductInput, create_product
from app.models.returns import return_items, returnable_lines, void_sale
from app.models.sales import PaymentInput, complete_sale
from app.models.shifts import open_shift
from app.models.shu import (
    WHOLE_SHARE,
    capital_totals,
    compute_shu,
    purchase_totals,
    share_pool,
    split_surplus,
)
from app.models.shu_settings import (
    SETTING_KEY,
    ShuPart,
    default_allocation,
    get_shu_allocation,
    new_key,
    parse_percent,
    parts_from_form,
    percent_text,
    save_shu_allocation,
    typed_total,
)
from app.reports.shu_report import write_shu
from app.reports.xlsx import RUPIAH_FORMAT

TILL = "KASIR-1"
WIB = zone("WIB")
NUMBER = re.compile(r"-?\d{1,3}(?:\.\d{3})+(?:,\d+)?|-?\d+(?:,\d+)?")
NIK, PHONE = "1871014501900001", "081234567890"
#: The hand-worked year's surplus: 4.000.000,4 for the reserve, 2.500.000,25 for jasa
#: usaha, 1.500.000,15 for jasa modal, 500.000,05 for each fund; the one rupiah left over
#: goes to the reserve (the largest remainder).
SURPLUS = 10_000_001


def at(day: date, hour: int, minute: int = 0):
    return frozen_clock(datetime.combine(day, time(hour, minute), WIB))


# --- the hand-worked year ----------------------------------------------------------------


def _sell(db, kasir, paket, who, amount: int, day: date, hour: int, minute: int = 0):
    with at(day, hour, minute):
        cart = add_product(db, Cart(), paket.id, qty=amount // 10_000 * K)
        if who is not None:
            cart = set_member(cart, members.get_member(db, who.id))
        return complete_sale(db, user=kasir, till=TILL, cart=cart,
                             payments=[PaymentInput("cash", amount)])


def _build_year(db, users) -> dict:
    """2025 at the shop. Purchases counted: Ani 30.000 + 20.000 − 10.000 returned = 40.000,
    Budi 10.000 (31 Dec, 23:30), Eka 10.000 (1 Jan, 00:05: still 31 Dec in UTC); Gita's
    20.000 voided; Fajar's 10.000 on 1 Jan 2026 at 00:10 and a walk-in's 50.000 not. Pokok
    + wajib at the end of 2025: Ani 100.000 + 2 × 10.000, Cici 100.000 (her wajib of
    January 2026 and Budi's sukarela do not count)."""
    manajer, kasir, bendahara = users["manajer"], users["kasir"], users["bendahara"]
    jan1 = date(2025, 1, 1)
    with at(jan1, 0, 0):
        paket = create_product(db, user=manajer, data=ProductInput(
            name="Paket SHU Uji", base_unit="pcs", price=10_000, cost=8_000,
            opening_stock=500 * K))
        who = {name: members.create_member(db, user=manajer, name=f"{name} Uji SHU",
                                           village=village, **extra)
               for name, village, extra in (
                   ("Ani", "Natar", {"nik": NIK, "phone": PHONE}), ("Budi", "Hajimena", {}),
                   ("Cici", "Natar", {}), ("Eka", "Merak Batin", {}),
                   ("Fajar", "Natar", {}), ("Gita", "Natar", {}))}
        open_shift(db, user=kasir, till=TILL, opening_float="100.000")
    _sell(db, kasir, paket, who["Eka"], 10_000, jan1, 0, 5)
    _sell(db, kasir, paket, who["Ani"], 30_000, date(2025, 3, 3), 10)
    second = _sell(db, kasir, paket, who["Ani"], 20_000, date(2025, 3, 13), 10)
    [line] = returnable_lines(db, second.sale_id)
    with at(date(2025, 3, 23), 10):
        return_items(db, user=kasir, till=TILL, sale_id=second.sale_id,
                     quantities={line.line_id: K}, reason="Kemasan rusak", supervisor=manajer)
    voided = _sell(db, kasir, paket, who["Gita"], 20_000, date(2025, 4, 2), 10)
    with at(date(2025, 4, 2), 11):
        void_sale(db, user=kasir, till=TILL, sale_id=voided.sale_id, reason="Salah input",
                  supervisor=manajer)
    _sell(db, kasir, paket, None, 50_000, date(2025, 5, 5), 9)
    _sell(db, kasir, paket, who["Budi"], 10_000, date(2025, 12, 31), 23, 30)
    _sell(db, kasir, paket, who["Fajar"], 10_000, date(2026, 1, 1), 0, 10)

    def save(name, kind, day, **kw):
        with at(day, 9):
            member_money.deposit(db, user=bendahara, member_id=who[name].id, kind=kind, **kw)

    save("Ani", "pokok", date(2025, 1, 2))
    save("Ani", "wajib", date(2025, 2, 2), months=2)
    save("Cici", "pokok", date(2025, 6, 1))
    save("Budi", "sukarela", date(2025, 6, 1), amount=50_000)
    save("Cici", "wajib", date(2026, 1, 2))
    return {name: m.id for name, m in who.items()}


@pytest.fixture(scope="module")
def year_template(tmp_path_factory, demo_template):
    path = tmp_path_factory.mktemp("shu") / "shop.db"
    shutil.copy(demo_template.path, path)
    db = open_db(path, create=False)
    try:
        ids = _build_year(db, demo_template.users)
        db.checkpoint("TRUNCATE")
    finally:
        db.close()
    return path, ids


@pytest.fixture
def year_shop(year_template, tmp_path):
    """A copy of the shop with the hand-worked 2025, opened; and its members' ids by name."""
    path = tmp_path / "year.db"
    shutil.copy(year_template[0], path)
    db = open_db(path, create=False)
    yield db, year_template[1]
    db.close()


@pytest.fixture(scope="module")
def year_read(year_template):
    """The same shop opened once for tests that only read (the property test)."""
    db = open_db(year_template[0], create=False)
    yield db, year_template[1]
    db.close()


def _by_name(result, ids):
    names = {v: k for k, v in ids.items()}
    return {names[m.member_id]: m for m in result.members}


def test_the_hand_worked_year(year_shop):
    db, ids = year_shop
    result = compute_shu(db, 2025, surplus=SURPLUS)
    assert not result.provisional and result.through == date(2025, 12, 31)
    assert [(p.key, p.amount) for p in result.parts] == [
        ("cadangan", 4_000_001), ("jasa_usaha", 2_500_000), ("jasa_modal", 1_500_000),
        ("pengurus", 500_000), ("karyawan", 500_000), ("pendidikan", 500_000),
        ("sosial", 500_000)]
    shares = _by_name(result, ids)
    # Only members with purchases or capital, in member-number order.
    assert list(shares) == ["Ani", "Budi", "Cici", "Eka"]
    # Jasa usaha 2.500.000 over 60.000: Ani 4/6, Budi and Eka 1/6 each, every remainder
    # two thirds of a rupiah; the two rupiah left go to the lowest numbers, Ani and Budi.
    assert {n: (m.purchases, m.jasa_usaha) for n, m in shares.items()} == {
        "Ani": (40_000, 1_666_667), "Budi": (10_000, 416_667), "Cici": (0, 0),
        "Eka": (10_000, 416_666)}
    assert (result.usaha.basis, result.usaha.paid, result.usaha.extra_rupiah) == (
        60_000, 2_500_000, 2)
    # Jasa modal 1.500.000 over 220.000: Ani 818.181,8 and Cici 681.818,2; Ani's larger
    # remainder takes the rupiah.
    assert {n: (m.capital, m.jasa_modal) for n, m in shares.items()} == {
        "Ani": (120_000, 818_182), "Budi": (0, 0), "Cici": (100_000, 681_818),
        "Eka": (0, 0)}
    assert (result.modal.basis, result.modal.paid, result.modal.extra_rupiah) == (
        220_000, 1_500_000, 1)
    assert shares["Ani"].total == 2_484_849
    assert shares["Ani"].purchase_share == 66_667          # 66,667%
    assert result.to_members == 4_000_000
    assert (shares["Ani"].number, shares["Ani"].name, shares["Ani"].village) == (
        members.get_member(db, ids["Ani"]).number, "Ani Uji SHU", "Natar")


def test_purchases_are_counted_by_the_shops_days_and_capital_at_the_years_end(year_shop):
    db, ids = year_shop
    bought = purchase_totals(db, date(2025, 1, 1), date(2025, 12, 31))
    assert {k: bought.get(v) for k, v in ids.items()} == {
        "Ani": 40_000, "Budi": 10_000, "Cici": None, "Eka": 10_000, "Fajar": None,
        "Gita": 0}
    assert purchase_totals(db, date(2026, 1, 1), date(2026, 1, 1)) == {ids["Fajar"]: 10_000}
    saved = capital_totals(db, date(2025, 12, 31))
    assert {k: saved.get(v) for k, v in ids.items() if v in saved} == {
        "Ani": 120_000, "Cici": 100_000}
    assert capital_totals(db, date(2026, 1, 2))[ids["Cici"]] == 110_000
    assert capital_totals(db, date(2025, 1, 1)) == {}


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(surplus=st.integers(-MAX_RUPIAH, MAX_RUPIAH))
def test_any_surplus_is_shared_to_the_rupiah(year_read, surplus):
    db, _ids = year_read
    result = compute_shu(db, 2025, surplus=surplus)
    if surplus <= 0:
        assert not result.shared and result.to_members == 0
        assert all(p.amount == 0 for p in result.parts)
        return
    assert sum(p.amount for p in result.parts) == surplus
    pools = {p.key: p.amount for p in result.parts}
    assert sum(m.jasa_usaha for m in result.members) == pools["jasa_usaha"]
    assert sum(m.jasa_modal for m in result.members) == pools["jasa_modal"]
    assert result.to_members == pools["jasa_usaha"] + pools["jasa_modal"]


@settings(max_examples=300, deadline=None)
@given(surplus=st.integers(-10**9, MAX_RUPIAH),
       bps=st.lists(st.integers(1, 5000), min_size=2, max_size=12),
       purchases=st.lists(st.integers(0, 10**11), max_size=60))
def test_pools_add_up_to_the_surplus_and_shares_to_each_pool(surplus, bps, purchases):
    parts = [ShuPart(f"p{i}", f"Bagian {i}", bp) for i, bp in enumerate(bps)]
    amounts = split_surplus(surplus, parts)
    if surplus <= 0:
        assert all(a.amount == 0 for a in amounts)
        return
    assert sum(a.amount for a in amounts) == surplus
    whole_bp = sum(bps)
    for a in amounts:
        assert abs(a.amount * whole_bp - surplus * a.bp) < whole_bp   # within one rupiah
    pool = amounts[0].amount
    shares, extra = share_pool(pool, purchases)
    if not any(purchases):
        assert shares == [0] * len(purchases) and extra == 0
        return
    whole = sum(purchases)
    assert sum(shares) == pool
    floors = [pool * w // whole for w in purchases]
    assert all(s - f in (0, 1) for s, f in zip(shares, floors, strict=True))
    assert extra == sum(s - f for s, f in zip(shares, floors, strict=True))
    assert all(s == 0 for s, w in zip(shares, purchases, strict=True) if w == 0)
    # Who bought more never gets less.
    ranked = sorted(zip(purchases, shares, strict=True))
    assert all(a[1] <= b[1] for a, b in zip(ranked, ranked[1:], strict=False))


def test_a_loss_is_not_shared_and_the_report_says_so(year_shop, bendahara, tmp_path):
    db, _ids = year_shop
    result = compute_shu(db, 2025, surplus=-2_500_000)
    assert not result.shared and result.to_members == 0
    assert [m.purchases for m in result.members] == [40_000, 10_000, 0, 10_000]
    text = pdf_text(write_shu(db, tmp_path / "rugi.pdf", 2025, printed_by=bendahara,
                              surplus=-2_500_000))
    assert "tidak ada SHU yang dibagi" in _flat(text)
    assert "-Rp2.500.000" in text


def test_without_jasa_modal_the_members_share_the_purchases_pool_only(
        year_shop, admin, bendahara, tmp_path):
    db, ids = year_shop
    save_shu_allocation(db, user=admin, parts=[
        ShuPart("cadangan", "Cadangan", 5000), ShuPart("jasa_usaha", "Jasa anggota", 5000)])
    result = compute_shu(db, 2025, surplus=1_000_000)
    assert result.modal is None
    shares = _by_name(result, ids)
    # Cici is listed for her capital but gets nothing: there is no jasa modal.
    assert {n: m.total for n, m in shares.items()} == {
        "Ani": 333_334, "Budi": 83_333, "Cici": 0, "Eka": 83_333}
    out = write_shu(db, tmp_path / "shu.csv", 2025, "csv", printed_by=bendahara,
                    surplus=1_000_000)
    header = _csv(out)[0]
    assert "Jasa modal (Rp)" not in header and header[-1] == "SHU diterima (Rp)"


# --- the year asked for ------------------------------------------------------------------


def test_a_year_in_the_future_is_refused_and_no_file_is_written(year_shop, bendahara, tmp_path):
    db, _ids = year_shop
    with at(date(2026, 2, 1), 9):
        with pytest.raises(UserError, match="2027 belum berjalan") as e:
            write_shu(db, tmp_path / "shu.pdf", 2027, printed_by=bendahara, surplus=1_000)
        assert e.value.field == "year"
        # The current year is a provisional count so far.
        result = compute_shu(db, 2026, surplus=1_000_000)
        assert result.provisional and result.through == date(2026, 2, 1)
        text = pdf_text(write_shu(db, tmp_path / "sementara.pdf", 2026, printed_by=bendahara,
                                  surplus=1_000_000))
    assert not (tmp_path / "shu.pdf").exists()
    assert "PERHITUNGAN SHU SEMENTARA" in text and "sementara, sampai 01-02-2026" in text
    # Fajar's purchase of 1 January 2026 is counted; Cici's wajib of January is capital.
    assert {m.number for m in result.members} >= {
        members.get_member(db, year_shop[1]["Fajar"]).number}


def test_a_year_before_the_shops_first_business_is_refused(year_shop, bendahara, tmp_path):
    db, _ids = year_shop
    with pytest.raises(UserError, match=r"sebelum data pertama gerai \(01-01-2025\)"):
        compute_shu(db, 2024, surplus=1_000)
    for bad in ("2025", 2025.0, True, None):
        with pytest.raises(UserError, match="angka tahun"):
            compute_shu(db, bad, surplus=1_000)
    for bad in ("1.000", 1.5, MAX_RUPIAH + 1):
        with pytest.raises(UserError, match="Sisa hasil usaha"):
            compute_shu(db, 2025, surplus=bad)
    assert not list(tmp_path.glob("shu*"))


def test_a_shop_with_no_business_yet_says_so(tmp_path, demo_template):
    from app.models.demo import build_demo

    db = open_db(tmp_path / "empty.db")
    try:
        build_demo(db, products=5, days=0, seed=3)
        with pytest.raises(UserError, match="Belum ada transaksi"):
            compute_shu(db, 2025, surplus=1_000)
    finally:
        db.close()


def test_only_who_reads_the_finances_may_print_it_and_bad_formats_write_nothing(
        year_shop, kasir, bendahara, pengawas, tmp_path):
    db, _ids = year_shop
    with pytest.raises(PermissionDenied):
        write_shu(db, tmp_path / "shu.pdf", 2025, printed_by=kasir, surplus=1_000)
    with pytest.raises(UserError, match="Format laporan"):
        write_shu(db, tmp_path / "shu.doc", 2025, "doc", printed_by=bendahara, surplus=1_000)
    with pytest.raises(UserError, match="Folder"):
        write_shu(db, tmp_path / "nowhere" / "shu.pdf", 2025, printed_by=bendahara,
                  surplus=1_000)
    assert not list(tmp_path.glob("shu*")) and not list(tmp_path.glob(".shu*"))
    assert write_shu(db, tmp_path / "shu.pdf", 2025, printed_by=pengawas,
                     surplus=1_000).exists()


# --- the report read back ----------------------------------------------------------------


def pdf_text(path) -> str:
    text = subprocess.run(["pdftotext", "-layout", "-nodiag", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.replace("\u2007", " ").replace("\u2008", " ")


def _flat(text: str) -> str:
    return " ".join(text.split())


def _num(text: str) -> int:
    """``1.666.667`` → 1666667."""
    return int(text.replace(".", ""))


def _pct(text: str) -> int:
    """A printed percent in thousandths of a percent: ``66,667`` → 66667, ``40`` → 40000."""
    whole, _comma, frac = text.partition(",")
    return _num(whole) * 1000 + int(frac.ljust(3, "0"))


def _amounts(cells: list[str]) -> list[int]:
    """The member table's numbers: rupiah, with the purchase share (the second) a percent."""
    return [_pct(c) if i == 1 else _num(c) for i, c in enumerate(cells)]


def _csv(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def _pdf_member_rows(text: str, numbers: list[str]) -> list[list]:
    rows = []
    for line in text.splitlines():
        cells = line.split()
        if cells and cells[0] in numbers:
            after = line.split("SHU", 1)[1]          # past the name "... Uji SHU"
            rows.append([cells[0], *_amounts(NUMBER.findall(after))])
    return rows


def test_the_pdf_totals_and_every_member_read_back_as_computed(year_shop, bendahara,
                                                               tmp_path):
    db, _ids = year_shop
    result = compute_shu(db, 2025, surplus=SURPLUS)
    text = pdf_text(write_shu(db, tmp_path / "shu.pdf", 2025, printed_by=bendahara,
                              surplus=SURPLUS))
    assert "PERHITUNGAN PEMBAGIAN SHU" in text and "Tahun buku 2025" in text
    assert "SEMENTARA" not in text
    lines = [line.strip() for line in text.splitlines()]
    for part in result.parts:
        [line] = [x for x in lines if x.startswith(part.label + " ")]
        percent, amount = NUMBER.findall(line[len(part.label):])[:2]
        assert (percent, _num(amount)) == (percent_text(part.bp), part.amount)
    totals = [x for x in lines if x.startswith("Total")]
    assert NUMBER.findall(totals[0]) == ["100", "10.000.001"]
    assert NUMBER.findall(totals[1].split("anggota", 1)[1]) == [
        "60.000", "100", "2.500.000", "220.000", "1.500.000", "4.000.000"]
    assert totals[1].split()[1] == "4"
    expected = [[m.number, m.purchases, m.purchase_share, m.jasa_usaha, m.capital,
                 m.jasa_modal, m.total] for m in result.members]
    assert _pdf_member_rows(text, [m.number for m in result.members]) == expected
    flat = _flat(text)
    assert ("Pembulatan: 2 anggota pada jasa usaha, 1 anggota pada jasa modal mendapat Rp1"
            " lebih") in flat
    assert "simpanan pokok dan wajib tiap anggota pada akhir 31-12-2025" in flat
    for who in ("Ketua", "Bendahara", "Pengawas"):
        assert who in text
    assert "Rp4.000.000" in text                          # untuk anggota, in the summary


def test_xlsx_csv_and_pdf_say_the_same_and_no_personal_data(year_shop, bendahara, tmp_path):
    db, _ids = year_shop
    paths = {fmt: write_shu(db, tmp_path / f"shu.{fmt}", 2025, fmt, printed_by=bendahara,
                            surplus=SURPLUS) for fmt in ("pdf", "xlsx", "csv")}
    rows = _csv(paths["csv"])
    header, body = rows[0], rows[1:]
    assert header == ["No. anggota", "Nama anggota", "Desa/Kel.", "Belanja (Rp)",
                      "Porsi belanja (%)", "Jasa usaha (Rp)", "Simpanan pokok + wajib (Rp)",
                      "Jasa modal (Rp)", "SHU diterima (Rp)"]
    csv_rows = [[r[0], r[1], r[2], *_amounts(r[3:])] for r in body]
    book = openpyxl.load_workbook(paths["xlsx"])
    assert book.sheetnames == ["Pembagian SHU", "SHU anggota"]
    ws = book["SHU anggota"]
    assert ws.freeze_panes == "A6" and ws.auto_filter.ref == f"A5:I{5 + len(body)}"
    assert [c.value for c in ws[5]] == header
    xlsx_rows = []
    for r in ws.iter_rows(min_row=6, max_row=5 + len(body)):
        values = [c.value for c in r]
        xlsx_rows.append([*values[:3], values[3], round(values[4] * 1000), *values[5:]])
        assert all(isinstance(v, int) for v in values[3:4] + values[5:])
        assert r[3].number_format == RUPIAH_FORMAT and r[8].number_format == RUPIAH_FORMAT
    assert [row[0] for row in ws.iter_rows(min_row=6 + len(body), values_only=True)] == [
        "Total"]
    assert xlsx_rows == csv_rows
    pdf_rows = _pdf_member_rows(pdf_text(paths["pdf"]), [r[0] for r in csv_rows])
    assert pdf_rows == [[r[0], *r[3:]] for r in csv_rows]
    split = book["Pembagian SHU"]
    assert split.freeze_panes == "A6"
    assert [[c.value for c in r] for r in split.iter_rows(min_row=6, max_row=7)] == [
        ["Cadangan", 40, 4_000_001, None],
        ["Jasa usaha anggota", 25, 2_500_000, "Dibagi ke anggota menurut belanja"]]
    # The register's NIK and phone are not on any of them, in full or in part.
    raw = b"".join(p.read_bytes() for p in paths.values()) + pdf_text(paths["pdf"]).encode()
    for secret in (NIK, PHONE, NIK[:6], PHONE[-4:]):
        assert secret.encode() not in raw


# --- the allocation in settings ------------------------------------------------------------


def test_the_default_allocation_is_the_textbook_one(shop):
    parts = get_shu_allocation(shop)
    assert parts == default_allocation()
    assert sum(p.bp for p in parts) == 10_000
    assert [p.key for p in parts][:3] == ["cadangan", "jasa_usaha", "jasa_modal"]


def test_an_allocation_is_saved_read_back_and_audited(shop, admin):
    parts = (ShuPart("cadangan", " Dana cadangan ", 3000),
             ShuPart("jasa_usaha", "Jasa usaha", 4000),
             ShuPart("jasa_modal", "Jasa modal", 2000),
             ShuPart("sosial", "Dana sosial", 1000))
    saved = save_shu_allocation(shop, user=admin, parts=parts)
    assert saved[0].label == "Dana cadangan"
    assert get_shu_allocation(shop) == saved
    row = shop.one("SELECT user_id, action, detail FROM audit_log ORDER BY seq DESC LIMIT 1")
    assert (row["user_id"], row["action"]) == (admin.id, "settings.shu")
    detail = json.loads(row["detail"])
    assert detail["before"] is None and detail["after"][1] == {
        "key": "jasa_usaha", "label": "Jasa usaha", "bp": 4000}


BAD_ALLOCATIONS = {
    "not 100%": ([ShuPart("cadangan", "Cadangan", 4000), ShuPart("jasa_usaha", "Jasa", 5000)],
                 "harus tepat 100%; sekarang 90%"),
    "over 100%": ([ShuPart("cadangan", "Cadangan", 5001), ShuPart("jasa_usaha", "Jasa", 5000)],
                  "sekarang 100,01%"),
    "no jasa usaha": ([ShuPart("cadangan", "Cadangan", 5000), ShuPart("sosial", "Sosial", 5000)],
                      "harus memuat jasa usaha"),
    "one part": ([ShuPart("jasa_usaha", "Jasa", 10_000)], "2 sampai 12 bagian"),
    "thirteen parts": ([ShuPart("jasa_usaha", "Jasa", 4000)]
                       + [ShuPart(f"dana{i}", f"Dana {i}", 500) for i in range(12)],
                       "2 sampai 12 bagian"),
    "the same key twice": ([ShuPart("jasa_usaha", "Jasa", 5000),
                            ShuPart("jasa_usaha", "Jasa lagi", 5000)], "dipakai dua kali"),
    "the same label twice": ([ShuPart("jasa_usaha", "Dana", 5000),
                              ShuPart("dana", " dana ", 5000)], "\"dana\" dipakai dua kali"),
    "an empty label": ([ShuPart("jasa_usaha", "Jasa", 5000), ShuPart("dana", "  ", 5000)],
                       "ke-2 belum diisi"),
    "a bad key": ([ShuPart("jasa_usaha", "Jasa", 5000), ShuPart("Dana Sosial", "Sosial", 5000)],
                  "Kode bagian ke-2 tidak valid"),
    "a zero part": ([ShuPart("jasa_usaha", "Jasa", 10_000), ShuPart("dana", "Dana", 0)],
                    "lebih dari 0"),
    "a negative part": ([ShuPart("jasa_usaha", "Jasa", 11_000), ShuPart("dana", "Dana", -1000)],
                        "lebih dari 0"),
    "a float": ([ShuPart("jasa_usaha", "Jasa", 5000.0), ShuPart("dana", "Dana", 5000)],
                "lebih dari 0"),
    "a flag": ([ShuPart("jasa_usaha", "Jasa", True), ShuPart("dana", "Dana", 9999)],
               "lebih dari 0"),
    "not parts": (["jasa_usaha 100"], "tidak valid"),
    "text": ("jasa_usaha", "tidak valid"),
}


@pytest.mark.parametrize("case", BAD_ALLOCATIONS)
def test_a_bad_allocation_is_refused_and_nothing_is_written(shop, admin, snapshot, case):
    parts, message = BAD_ALLOCATIONS[case]
    before = snapshot(shop)
    with pytest.raises(ValidationError) as e:
        save_shu_allocation(shop, user=admin, parts=parts)
    assert message in str(e.value)
    assert snapshot(shop) == before
    assert shop.scalar("SELECT count(*) FROM settings WHERE key = ?", (SETTING_KEY,)) == 0


def test_only_the_admin_changes_the_allocation(shop, bendahara, manajer, snapshot):
    before = snapshot(shop)
    for user in (bendahara, manajer):
        with pytest.raises(PermissionDenied):
            save_shu_allocation(shop, user=user, parts=default_allocation())
    assert snapshot(shop) == before


def test_a_stored_allocation_that_does_not_read_is_refused_not_replaced(shop, admin):
    save_shu_allocation(shop, user=admin, parts=default_allocation())
    with shop.atomic():    # a file edited by hand
        shop.execute("UPDATE settings SET value = ? WHERE key = ?",
                     ('[{"key": "jasa_usaha", "label": "X", "bp": 9000}]', SETTING_KEY))
    with pytest.raises(UserError, match="tidak terbaca"):
        get_shu_allocation(shop)


def test_percents_are_typed_as_people_write_them():
    assert [parse_percent(t) for t in ("40", "12,5", "12.5", " 40 % ", "0,01", "100")] == [
        4000, 1250, 1250, 4000, 1, 10_000]
    for bad, message in (("", "belum diisi"), ("abc", "tidak valid"), ("-5", "tidak valid"),
                         ("12,345", "tidak valid"), ("0", "lebih dari 0"),
                         ("100,5", "paling banyak 100"), ("1000", "tidak valid"),
                         (40, "belum diisi")):
        with pytest.raises(UserError, match=message):
            parse_percent(bad)
    assert [percent_text(bp) for bp in (4000, 1250, 1234, 1, 10_000, 0)] == [
        "40", "12,5", "12,34", "0,01", "100", "0"]
    assert typed_total(["40", "25", "12,5", " "]) == "77,5"
    assert typed_total(["40", "x"]) is None


def test_the_settings_form_names_the_row_of_each_problem():
    with pytest.raises(ValidationError) as e:
        parts_from_form([("jasa_usaha", "Jasa", "60"), ("dana", "", "4o")])
    assert [(p.row, p.field) for p in e.value.problems] == [(2, "bp"), (2, "label")]
    assert parts_from_form([("jasa_usaha", "Jasa", "60"), ("dana", "Dana", "40")]) == (
        ShuPart("jasa_usaha", "Jasa", 6000), ShuPart("dana", "Dana", 4000))
    assert new_key("Dana Sosial & Amal", {"dana_sosial_amal"}) == "dana_sosial_amal_2"
    assert new_key("  ", set()) == "bagian"
    assert new_key("2025 hadiah", set()) == "bagian_2025_hadiah"


def test_the_saved_allocation_is_what_the_year_is_shared_by(year_shop, admin):
    db, _ids = year_shop
    save_shu_allocation(db, user=admin, parts=[replace(p, bp=bp) for p, bp in zip(
        default_allocation(), (3000, 3000, 2000, 500, 500, 500, 500), strict=True)])
    result = compute_shu(db, 2025, surplus=1_000_000)
    assert [(p.key, p.amount) for p in result.parts][:3] == [
        ("cadangan", 300_000), ("jasa_usaha", 300_000), ("jasa_modal", 200_000)]
    assert result.usaha.paid == 300_000 and result.modal.paid == 200_000
    assert sum(m.purchase_share for m in result.members) in range(WHOLE_SHARE - 2,
                                                                  WHOLE_SHARE + 3)


def test_without_a_surplus_given_the_books_income_statement_gives_it(year_shop, bendahara,
                                                                      tmp_path):
    from app.models import books

    db, ids = year_shop
    result = compute_shu(db, 2025)
    # Net sales 110.000 (Eka 10.000, Ani 30.000 + 20.000 − 10.000, Gita's 20.000 voided,
    # the walk-in 50.000, Budi 10.000) less the cost of 11 parcels at 8.000.
    assert (result.surplus, result.from_books) == (22_000, True)
    assert result.surplus == books.income_statement(db, date(2025, 1, 1),
                                                    date(2025, 12, 31)).surplus
    # Jasa usaha 25% = 5.500 over 60.000 of purchases: 3.666,7, 916,7 and 916,7.
    assert {n: m.jasa_usaha for n, m in _by_name(result, ids).items()} == {
        "Ani": 3_667, "Budi": 917, "Cici": 0, "Eka": 916}
    text = pdf_text(write_shu(db, tmp_path / "shu.pdf", 2025, printed_by=bendahara))
    assert "Laporan hasil usaha gerai" in text and "Rp22.000" in text
