"""The district hub's reports, over a hub fed with real packages from two demo shops (and a
third registered shop that never sent one): each report in each format read back, its
figures against the shops' own reports computed from the shop databases, a planted sale
above HET flagged, silent shops flagged, and no full NIK in any output."""

from __future__ import annotations

import csv
import io
import subprocess
import zipfile
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest

from app.models import hub_reports_data as hub
from app.models.clock import now_iso
from app.models.db import Database, open_db
from app.models.demo import DEMO_USERS, build_demo
from app.models.errors import UserError
from app.models.members import create_member
from app.models.report_sales import monthly_sales
from app.models.settings import get_settings, save_settings, shop_today
from app.models.umkm_sales import flagship_sales
from app.models.users import authenticate
from app.reports.hub_reports import HUB_REPORTS, report_titles, write_hub_report
from app.sync import hub as hub_sync
from app.sync import shop as shop_sync

SECRETS = {u: s for u, _n, _r, s in DEMO_USERS}
PLANTED_NIK = "3201154508900007"
CODES = ("KDMP101", "KDMP102")


@dataclass
class District:
    hub: Database
    shops: dict[str, Database]
    first: object
    last: object
    above: tuple[str, str]          # (shop code, sale number) of the planted line
    folder: Path


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> District:
    folder = tmp_path_factory.mktemp("district")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GERAI_SYNC_KEY_DIR", str(folder / "keys"))
        h = open_db(folder / "hub.db")
        hub_sync.init(h, district="LAMSEL")
        hub_sync.write_public(h, folder / "district.pub")
        shops, above = {}, None
        for seed, code in zip((3, 4), CODES, strict=True):
            s = open_db(folder / f"{code}.db")
            build_demo(s, products=40, days=30, seed=seed)
            admin = authenticate(s, username="admin", secret=SECRETS["admin"])
            save_settings(s, user=admin, settings=replace(
                get_settings(s), shop_code=code, shop_name=f"Gerai {code}"))
            if code == CODES[0]:
                manager = authenticate(s, username="manajer", secret=SECRETS["manajer"])
                create_member(s, user=manager, name="Warga Tertanam", nik=PLANTED_NIK,
                              phone="081234567890", village="Sukamaju")
                above = (code, _plant_above_het(s))
            shop_sync.keygen(s)
            shop_sync.write_public(s, folder / f"{code}.pub")
            shop_sync.enroll(s, folder / "district.pub")
            hub_sync.register(h, folder / f"{code}.pub", code=code)
            out = folder / code
            out.mkdir()
            exported = shop_sync.export(s, out)
            assert [r.kind for r in hub_sync.import_files(h, [exported.path])] == ["next"]
            shops[code] = s
        # A third shop registers but never sends a package.
        quiet = open_db(folder / "quiet.db")
        shop_sync.keygen(quiet)
        shop_sync.write_public(quiet, folder / "quiet.pub")
        hub_sync.register(h, folder / "quiet.pub", code="KDMP199")
        quiet.close()
        last = shop_today(shops[CODES[0]])
        yield District(h, shops, last - timedelta(days=40), last, above, folder)
    for s in shops.values():
        s.close()
    h.close()


def _plant_above_het(s: Database) -> str:
    """One program line priced above the cap written on it: the hub must flag it. The
    till refuses such a sale and sale lines are append-only, so the guard is lifted for
    this one write (a shop on an older or broken program could still send one)."""
    guards = s.query("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                     " AND tbl_name = 'sale_lines' AND sql LIKE '%append-only%'")
    line = s.one("SELECT l.id, l.unit_price, s.number FROM sale_lines l JOIN sales s"
                 " ON s.id = l.sale_id JOIN products p ON p.id = l.product_id"
                 " WHERE p.program <> '' AND s.kind = 'sale' AND l.qty > 0"
                 " ORDER BY s.created_at DESC LIMIT 1")
    for guard in guards:
        s.execute(f'DROP TRIGGER "{guard["name"]}"')
    s.execute("UPDATE sale_lines SET het = ? WHERE id = ?", (line["unit_price"] - 500,
                                                             line["id"]))
    for guard in guards:
        s.execute(guard["sql"])
    return line["number"]


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def _csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _write(d: District, name: str, fmt: str, suffix: str | None = None) -> Path:
    out = d.folder / "reports" / f"{name}.{suffix or fmt}"
    out.parent.mkdir(exist_ok=True)
    return write_hub_report(d.hub, name, start=d.first, end=d.last, fmt=fmt, out=out,
                            printed_by="Petugas Uji")


def _every_output(d: District):
    for name in HUB_REPORTS:
        for fmt in ("pdf", "xlsx", "csv"):
            if name == "simkopdes" and fmt == "pdf":
                continue
            yield name, fmt, _write(d, name, fmt, "dir" if name == "simkopdes" and fmt == "csv"
                                    else None)


def _num(text: str) -> int:
    return int(text.replace(".", ""))


# --- the figures against the shops' own ------------------------------------------------------


def test_sales_by_shop_equal_each_shops_monthly_report(district):
    d = district
    rows = hub.sales_by_month(d.hub, d.first, d.last)
    for code, s in d.shops.items():
        own = monthly_sales(s, d.first, d.last)
        mine = [r for r in rows if r.shop.code == code]
        assert own.total.sales > 0
        assert sum(r.sales for r in mine) == own.total.sales
        assert sum(r.cogs for r in mine) == own.total.cogs
        consigned = [c.sales for c in own.by_category if c.consigned]
        assert sum(r.sales for r in mine if r.consigned) == sum(consigned)
    activity = {a.shop.code: a for a in hub.active_shops(d.hub, d.first, d.last)}
    for code, s in d.shops.items():
        own = monthly_sales(s, d.first, d.last)
        assert activity[code].sales == own.total.sales
        assert activity[code].transactions == own.transactions


def test_sales_report_in_each_format_reads_back(district):
    d = district
    want = {code: monthly_sales(s, d.first, d.last).total.sales for code, s in d.shops.items()}
    rows = _csv_rows(_write(d, "sales", "csv"))
    assert rows[0][:4] == ["Kode gerai", "Nama gerai", "Bulan", "Kategori"]
    for code, total in want.items():
        assert sum(int(r[4]) for r in rows[1:] if r[0] == code) == total
    sheet = openpyxl.load_workbook(_write(d, "sales", "xlsx")).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    for code, total in want.items():
        assert sum(r[4] for r in cells if r[0] == code and isinstance(r[4], int)) == total
    text = _pdf_text(_write(d, "sales", "pdf"))
    assert "PENJUALAN PER GERAI" in text and "LAMSEL" in text
    # The office's letterhead: no shop code, no shop's default cooperative name.
    head = text.splitlines()[0]
    assert "Dinas Koperasi" in head
    assert not any("Kode gerai" in line for line in text.splitlines()[:4])
    assert "Koperasi Desa Merah Putih" not in text
    assert f"{sum(want.values()):,}".replace(",", ".") in text


def test_members_and_savings_against_the_shops_books(district):
    d = district
    found = {r.shop.code: r for r in hub.members_savings(d.hub, d.first, d.last)}
    for code, s in d.shops.items():
        kinds = dict(s.query("SELECT kind, sum(amount) FROM savings_movements GROUP BY 1"))
        assert found[code].savings == {k: kinds.get(k, 0) for k in hub.SAVINGS_KINDS}
        assert found[code].bon == s.scalar("SELECT coalesce(sum(amount), 0) FROM"
                                           " member_credit_movements")
        assert found[code].members == s.scalar("SELECT count(*) FROM members")
        assert found[code].active == s.scalar("SELECT count(*) FROM members"
                                              " WHERE status = 'active'")
    rows = _csv_rows(_write(d, "members", "csv"))
    by_code = {r[0]: r for r in rows[1:]}
    for code in d.shops:
        assert int(by_code[code][9]) == found[code].bon
        assert int(by_code[code][8]) == found[code].savings_total
    sheet = openpyxl.load_workbook(_write(d, "members", "xlsx")).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert found[CODES[0]].savings_total in values
    text = _pdf_text(_write(d, "members", "pdf"))
    total = sum(r.savings_total for r in found.values())
    assert f"{total:,}".replace(",", ".") in text


def test_producer_sales_against_each_shops_umkm_report(district):
    d = district
    rows = hub.producer_sales(d.hub, d.first, d.last)
    for code, s in d.shops.items():
        own = flagship_sales(s, d.first, d.last)
        mine = [r for r in rows if r.shop.code == code]
        assert sum(r.gross for r in mine) == sum(r.gross for r in own)
        assert sorted((r.village, r.producer_name, r.qty) for r in own) == sorted(
            (r.village, r.producer, r.qty) for r in mine)
    assert any(r.gross for r in rows)
    csv_rows = _csv_rows(_write(d, "consignment", "csv"))
    assert sum(int(r[7]) for r in csv_rows[1:]) == sum(r.gross for r in rows)
    assert {r[1] for r in csv_rows[1:]} == {r.village for r in rows}
    text = _pdf_text(_write(d, "consignment", "pdf"))
    assert f"{sum(r.gross for r in rows):,}".replace(",", ".") in text
    sheet = openpyxl.load_workbook(_write(d, "consignment", "xlsx")).active
    assert sum(r.gross for r in rows) in [c.value for row in sheet.iter_rows() for c in row]


def test_program_stock_is_the_sum_of_each_shops_movements(district):
    d = district
    rows = hub.program_stock(d.hub, d.first, d.last)
    assert rows
    for code, s in d.shops.items():
        own = dict(s.query("SELECT p.name, coalesce(sum(m.qty), 0) FROM products p LEFT JOIN"
                           " stock_movements m ON m.product_id = p.id WHERE p.program <> ''"
                           " AND p.consigned = 0 GROUP BY p.id"))
        assert {r.product: r.qty for r in rows if r.shop.code == code} == own
    csv_rows = _csv_rows(_write(d, "program-stock", "csv"))
    assert len(csv_rows) - 1 == len(rows)
    assert {(r[0], r[3]) for r in csv_rows[1:]} == {(r.shop.code, r.product) for r in rows}
    assert sum(int(r[6]) for r in csv_rows[1:]) == sum(r.value for r in rows)
    text = _pdf_text(_write(d, "program-stock", "pdf"))
    assert "STOK BARANG PROGRAM" in text and rows[0].product in text
    assert openpyxl.load_workbook(_write(d, "program-stock", "xlsx")).active.max_row > len(rows)


# --- HET ------------------------------------------------------------------------------------


def test_a_sale_above_het_is_flagged_in_every_format(district):
    d = district
    code, number = d.above
    totals, above = hub.program_goods(d.hub, d.first, d.last)
    assert [(a.shop.code, a.number) for a in above] == [(code, number)]
    assert above[0].unit_price - above[0].het == 500
    assert sum(r.above_het for r in totals) == 1
    own = d.shops[code]
    sold = dict(own.query("SELECT p.name, sum(l.net_amount) FROM sales s JOIN sale_lines l"
                          " ON l.sale_id = s.id JOIN products p ON p.id = l.product_id"
                          " WHERE p.program <> '' AND s.created_at >= ? GROUP BY p.id",
                          (hub.hub_shops(d.hub)[0].bounds(d.first, d.last)[0],)))
    assert {r.product: r.amount for r in totals if r.shop.code == code and r.amount} == sold
    text = _pdf_text(_write(d, "program-goods", "pdf"))
    assert "Penjualan di atas HET" in text and number in text
    rows = _csv_rows(_write(d, "program-goods", "csv"))
    flagged = [r for r in rows if number in r]
    assert len(flagged) == 1 and flagged[0][0] == code and int(flagged[0][8]) == 500
    book = openpyxl.load_workbook(_write(d, "program-goods", "xlsx"))
    assert len(book.sheetnames) == 2
    assert number in [c.value for row in book.worksheets[1].iter_rows() for c in row]


# --- shops ----------------------------------------------------------------------------------


def test_silent_shops_are_flagged(district):
    d = district
    now = {a.shop.code: a for a in hub.active_shops(d.hub, d.first, d.last)}
    assert not now[CODES[0]].silent and now[CODES[0]].silent_days == 0
    assert now["KDMP199"].silent and now["KDMP199"].silent_days is None
    assert now[CODES[0]].packages == 1 and now["KDMP199"].packages == 0
    later = hub.active_shops(d.hub, d.first, d.last, now="2099-01-01T00:00:00.000Z")
    assert all(a.silent for a in later)
    rows = _csv_rows(_write(d, "shops", "csv"))
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["KDMP199"][-1] == "Belum pernah mengirim paket"
    assert by_code[CODES[0]][-1] == ""
    assert int(by_code[CODES[1]][7]) == now[CODES[1]].sales
    text = _pdf_text(_write(d, "shops", "pdf"))
    assert "Belum pernah mengirim paket" in text and "Gerai KDMP101" in text
    assert openpyxl.load_workbook(_write(d, "shops", "xlsx")).active.max_row >= 3


# --- SIMKOPDES ------------------------------------------------------------------------------


def test_district_simkopdes_holds_every_shops_tables(district):
    d = district
    out = _write(d, "simkopdes", "xlsx")
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames[0] == "gerai_koperasi"
    outlets = list(book["gerai_koperasi"].iter_rows(values_only=True))
    assert [r[0] for r in outlets[1:]] == list(CODES)
    sales = list(book["transaksi_penjualan"].iter_rows(values_only=True))
    assert sales[0][0] == "kode_gerai"
    for code, s in d.shops.items():
        start, end = [x for x in hub.hub_shops(d.hub) if x.code == code][0].bounds(d.first,
                                                                                   d.last)
        assert sum(1 for r in sales[1:] if r[0] == code) == s.scalar(
            "SELECT count(*) FROM sales WHERE created_at >= ? AND created_at < ?", (start, end))
    folder = out.with_name(f"{out.stem}-csv")
    members = _csv_rows(folder / "anggota_koperasi.csv")
    planted = [r for r in members if r[2] == "Warga Tertanam"]
    assert planted and planted[0][0] == CODES[0]
    assert planted[0][3] == "3201**********07" and planted[0][4] == "320115"
    only_csv = _write(d, "simkopdes", "csv", "dir")
    assert only_csv.is_dir() and sorted(p.name for p in only_csv.iterdir()) == sorted(
        p.name for p in folder.iterdir())
    assert (only_csv / "anggota_koperasi.csv").read_bytes() == (
        folder / "anggota_koperasi.csv").read_bytes()
    assert d.hub.query("SELECT name FROM sqlite_temp_master") == []


def test_no_full_nik_or_phone_in_any_output(district):
    d = district
    seen = 0
    for _name, _fmt, path in _every_output(district):
        files = sorted(path.iterdir()) if path.is_dir() else [path]
        if path.with_name(f"{path.stem}-csv").is_dir():
            files += sorted(path.with_name(f"{path.stem}-csv").iterdir())
        for f in files:
            blobs = [f.read_bytes()]
            if f.suffix == ".xlsx":
                with zipfile.ZipFile(f) as z:
                    blobs += [z.read(n) for n in z.namelist()]
            if f.suffix == ".pdf":
                blobs.append(_pdf_text(f).encode())
            for blob in blobs:
                assert PLANTED_NIK.encode() not in blob, f
                assert b"081234567890" not in blob and b"81234567890" not in blob, f
            seen += 1
    assert seen >= 20
    del d


# --- refusals -------------------------------------------------------------------------------


def test_bad_requests_are_refused_and_write_nothing(district, tmp_path):
    d = district
    out = tmp_path / "x.pdf"
    for kwargs, field in (({"name": "nope"}, "name"), ({"fmt": "doc"}, "format"),
                          ({"start": d.last, "end": d.first}, "date_from"),
                          ({"start": "2026-01-01"}, "date_from"),
                          ({"start": d.last - timedelta(days=400)}, "date_from"),
                          ({"name": "simkopdes"}, "format")):
        args = {"name": "sales", "start": d.first, "end": d.last, "fmt": "pdf", **kwargs}
        with pytest.raises(UserError) as e:
            write_hub_report(d.hub, args.pop("name"), out=out, **args)
        assert e.value.field == field
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(UserError):
        write_hub_report(d.shops[CODES[0]], "sales", start=d.first, end=d.last, fmt="pdf",
                         out=out)
    assert list(tmp_path.iterdir()) == []


def test_every_report_has_a_description():
    assert set(report_titles()) == set(HUB_REPORTS)
    assert now_iso()
