"""The catalog as a file: import from CSV/XLSX with a preview and every problem by row and
column, all or nothing; export in the same columns; the command line around both."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.cli import run
from app.models import audit, stock
from app.models.barcodes import with_check_digit
from app.models.catalog import import_products
from app.models.catalog_file import (
    COLUMNS,
    MAX_ROWS,
    export_catalog,
    format_problem,
    import_catalog,
    read_catalog,
)
from app.models.db import open_db
from app.models.demo import DEMO_USERS
from app.models.errors import PermissionDenied, UserError, ValidationError
from app.models.money import amount
from app.models.products import ProductInput, UnitInput, find_by_barcode, get_product
from app.models.settings import ShopSettings
from app.models.shop import setup_shop

HEADER = "nama,merek,kategori,satuan,desimal,harga,harga_pokok,het,stok_min,rak,barcode,kemasan,stok"
MIE = with_check_digit("899123450001")
MIE_DUS = with_check_digit("899123450002")
BERAS = with_check_digit("899123450003")
WRONG_CHECK = MIE[:-1] + str((int(MIE[-1]) + 1) % 10)
GOOD_CSV = f"""{HEADER}
Mie Goreng Sedap 90 g,Sedaap,Mie,pcs,,3500,2900,,40,A1,{MIE},dus:40:132000:{MIE_DUS},80
Beras Curah Medium,,Beras,kg,,13000,11800,13500,25,B2,{BERAS},karung:50,"150,5"
Garam Dapur 250 g,Refina,Bumbu,pcs,tidak,3000,2300,,10,,,,
"""
DEMO_SECRETS = {username: secret for username, _name, _role, secret in DEMO_USERS}
SHOP = ShopSettings(cooperative_name="Koperasi Desa Merah Putih Way Huwi",
                    shop_name="Gerai Way Huwi", shop_code="KDMP099", zone="WIB")


def write(tmp_path: Path, content: str | bytes, name: str = "katalog.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


@pytest.fixture(scope="module")
def empty_template(tmp_path_factory):
    """A shop with settings and one admin, no products: built once (Argon2 is slow)."""
    path = tmp_path_factory.mktemp("empty") / "empty.db"
    db = open_db(path)
    admin = setup_shop(db, settings=SHOP, username="admin", full_name="Sari",
                       secret="rahasia123")
    db.checkpoint("TRUNCATE")
    db.close()
    return path, admin


@pytest.fixture
def empty_shop(tmp_path, empty_template):
    template, admin = empty_template
    path = tmp_path / "kosong.db"
    shutil.copy(template, path)
    db = open_db(path, create=False)
    yield db, admin
    db.close()


def catalog_of(db) -> list[tuple]:
    """Everything a catalog file carries, per product on sale, in a stable order."""
    ids = [r[0] for r in db.query("SELECT id FROM products WHERE archived = 0")]
    rows = []
    for product in map(lambda i: get_product(db, i), ids):
        rows.append((product.name, product.brand, product.category, product.base_unit,
                     product.fractional, product.price, product.cost, product.het,
                     product.min_stock, product.plu, tuple(sorted(product.barcodes)),
                     tuple(sorted((u.name, u.factor, u.price, tuple(sorted(u.barcodes)))
                                  for u in product.units)), max(product.stock, 0),
                     product.program, product.quota_qty,
                     product.quota_period if product.quota_qty else None))
    return sorted(rows)


# --- reading and importing ----------------------------------------------------------------------


def test_a_preview_shows_counts_and_the_first_rows_and_writes_nothing(shop, tmp_path, snapshot):
    before = snapshot(shop)
    preview = read_catalog(write(tmp_path, GOOD_CSV), shop)
    assert preview.ok, preview.problems
    assert preview.format == "csv"
    assert [r.row for r in preview.first_rows] == [2, 3, 4]
    assert [r.item.name for r in preview.rows][0] == "Mie Goreng Sedap 90 g"
    assert (preview.unit_count, preview.barcode_count, preview.stocked_count) == (2, 3, 2)
    assert preview.stock_value == amount(2900, 80_000) + amount(11800, 150_500)
    assert snapshot(shop) == before


def test_an_import_adds_every_product_with_packs_barcodes_racks_and_opening_stock(
        shop, manajer, tmp_path):
    preview = import_catalog(shop, user=manajer, path=write(tmp_path, GOOD_CSV))
    assert len(preview.rows) == 3
    mie = find_by_barcode(shop, MIE).product
    assert (mie.name, mie.brand, mie.category, mie.base_unit, mie.fractional) == (
        "Mie Goreng Sedap 90 g", "Sedaap", "Mie", "pcs", False)
    assert (mie.price, mie.cost, mie.het, mie.min_stock, mie.stock) == (3500, 2900, None, 40_000,
                                                                        80_000)
    dus = find_by_barcode(shop, MIE_DUS)
    assert dus.product.id == mie.id and (dus.unit.name, dus.unit.factor, dus.price) == (
        "dus", 40_000, 132_000)
    beras = find_by_barcode(shop, BERAS).product
    assert beras.fractional and beras.het == 13500 and beras.stock == 150_500
    assert [(u.name, u.factor, u.price) for u in beras.units] == [("karung", 50_000, None)]
    assert stock.balance(shop, beras.id).value == amount(11800, 150_500)
    assert stock.ledger_mismatches(shop) == []
    assert stock.ledger_mismatches(shop, "value") == []
    assert shop.scalar("SELECT rack FROM products WHERE id = ?", (mie.id,)) == "A1"
    assert shop.scalar("SELECT detail FROM audit_log WHERE action = 'product.import'"
                       " ORDER BY rowid DESC LIMIT 1") == '{"count": 3}'
    assert audit.verify(shop).ok


def test_excel_indonesian_csv_with_bom_semicolons_and_rupiah_dots(shop, manajer, tmp_path):
    text = ("Nama;Satuan;Harga;Harga Pokok;Stok;Kemasan\r\n"
            "Telur Ayam Ras;kg;Rp30.000;27.000;12,25;peti:15:440.000\r\n"
            "\r\n"
            "Kopi Bubuk Sachet;pcs;1.500;1.200;100;renteng:10\r\n")
    path = write(tmp_path, b"\xef\xbb\xbf" + text.encode())
    preview = read_catalog(path, shop)
    assert preview.ok, preview.problems
    assert preview.columns == ("nama", "satuan", "harga", "harga_pokok", "stok", "kemasan")
    telur, kopi = preview.items
    assert (telur.price, telur.cost, telur.opening_stock, telur.fractional) == (
        30000, 27000, 12_250, True)
    assert telur.units == (UnitInput("peti", 15_000, 440_000),)
    assert (kopi.price, kopi.opening_stock) == (1500, 100_000)
    assert [r.row for r in preview.rows] == [2, 4]  # the blank line is row 3 in Excel
    import_catalog(shop, user=manajer, path=path)
    assert shop.scalar("SELECT count(*) FROM products WHERE name = 'Telur Ayam Ras'") == 2


def test_a_sep_line_and_tabs_and_english_column_names_are_read(shop, tmp_path):
    tabs = write(tmp_path, "Name\tUnit\tPrice\tStock\nSabun Mandi\tpcs\t4500\t12\n", "tab.txt")
    sep = write(tmp_path, "sep=;\nname;unit;price\nSabun Mandi;pcs;4500\n", "sep.csv")
    for path in (tabs, sep):
        preview = read_catalog(path, shop)
        assert preview.ok, preview.problems
        assert preview.items[0].name == "Sabun Mandi" and preview.items[0].price == 4500
    assert read_catalog(sep, shop).rows[0].row == 2  # Excel does not show the sep= line


def test_columns_that_are_not_catalog_columns_are_named_and_ignored(shop, tmp_path):
    preview = read_catalog(write(tmp_path, "nama,satuan,harga,Catatan\nGaram,pcs,3000,laris\n"),
                           shop)
    assert preview.ok and preview.ignored == ("Catatan",)


def test_program_goods_keep_their_program_and_quota_per_member(shop, manajer, tmp_path):
    text = ("nama,satuan,harga,het,program,kuota,periode_kuota\n"
            "Tabung LPG Uji,tabung,20000,20000,LPG 3 kg,2,Minggu\n"
            "Beras SPHP Uji,kg,12500,12500,SPHP,\"10,5\",per hari\n"
            "MinyaKita Uji,pcs,15700,15700,MinyaKita,,\n")
    import_catalog(shop, user=manajer, path=write(tmp_path, text))
    found = {r.item.name: (r.item.program, r.item.quota_qty, r.item.quota_period)
             for r in read_catalog(_exported(shop, tmp_path)).rows}
    assert found["Tabung LPG Uji"] == ("LPG 3 kg", 2000, "week")
    assert found["Beras SPHP Uji"] == ("SPHP", 10_500, "day")
    assert found["MinyaKita Uji"] == ("MinyaKita", None, "month")


def _exported(db, tmp_path) -> Path:
    path = tmp_path / "ekspor.csv"
    export_catalog(db, path)
    return path


def test_an_xlsx_typed_in_excel_with_numbers_dates_and_true_is_read_as_typed(shop, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["NAMA", "Satuan", "Harga", "Desimal", "Barcode", "Stok", "Stok Min"])
    sheet.append(["Gula Curah", "kg", 17000.0, True, int(BERAS), 12.5, 2])
    sheet.append([None] * 7)
    sheet.append(["Kecap Manis", "pcs", 24000, "tidak", MIE, 3, 0])
    path = tmp_path / "ketikan.xlsx"
    book.save(path)
    preview = read_catalog(path, shop)
    assert preview.ok, preview.problems
    gula, kecap = preview.items
    assert (gula.price, gula.fractional, gula.barcodes, gula.opening_stock) == (
        17000, True, (BERAS,), 12_500)
    assert (kecap.fractional, kecap.barcodes, kecap.opening_stock) == (False, (MIE,), 3000)
    assert [r.row for r in preview.rows] == [2, 4]


# --- refusals: every problem at once, by row and column, nothing written -----------------------


def _shop_code(db) -> str:
    return db.scalar("SELECT min(code) FROM barcodes WHERE code GLOB '899*'")


BAD_FILES = {
    # name: (file name, content (or a function of a barcode already in the shop),
    #        expected (row, column, words in the message))
    "broken encoding": ("katalog.csv",
                        b"nama,satuan,harga\nGaram,pcs,3000\nCaf\xe9 Bubuk,pcs,5000\n",
                        (3, "", "UTF-8")),
    "missing column": ("katalog.csv", "nama,harga,stok\nGaram,3000,5\n",
                       (1, "satuan", "satuan")),
    "column twice": ("katalog.csv", "nama,satuan,harga,harga\nGaram,pcs,3000,3500\n",
                     (1, "harga", "dua kali")),
    "duplicate barcode in the file": (
        "katalog.csv",
        f"nama,satuan,harga,barcode,kemasan\nA,pcs,1000,{MIE}\nB,pcs,1000,{BERAS}\n"
        f"C,pcs,1000,,dus:10:9000:{MIE}\n", (4, "kemasan", "baris 2")),
    "barcode already in the shop": (
        "katalog.csv", lambda code: f"nama,satuan,harga,barcode\nGaram,pcs,3000,{code}\n",
        (2, "barcode", "sudah dipakai oleh")),
    "a pack barcode already in the shop": (
        "katalog.csv", lambda code: f"nama,satuan,harga,kemasan\nGaram,pcs,3000,dus:10:2900:{code}\n",
        (2, "kemasan", "sudah dipakai oleh")),
    "negative price": ("katalog.csv", "nama,satuan,harga\nGaram,pcs,-3000\n",
                       (2, "harga", "negatif")),
    "text in a number column": ("katalog.csv", "nama,satuan,harga,stok\nGaram,pcs,3000,banyak\n",
                                (2, "stok", "tidak valid")),
    "decimals for a product sold by the piece": (
        "katalog.csv", "nama,satuan,harga,stok\nGaram,pcs,3000,\"1,5\"\n",
        (2, "stok", "bilangan bulat")),
    "unknown yes or no": ("katalog.csv", "nama,satuan,harga,desimal\nGaram,pcs,3000,mungkin\n",
                          (2, "desimal", "mungkin")),
    "a pack without its content": ("katalog.csv", "nama,satuan,harga,kemasan\nGaram,pcs,3000,dus\n",
                                   (2, "kemasan", "nama:isi")),
    "a wrong check digit": ("katalog.csv", f"nama,satuan,harga,barcode\nGaram,pcs,3000,{WRONG_CHECK}\n",
                            (2, "barcode", "pemeriksa")),
    "price above HET": ("katalog.csv", "nama,satuan,harga,het\nMinyaKita,pcs,16000,15700\n",
                        (2, "harga", "HET")),
    "unknown quota period": (
        "katalog.csv", "nama,satuan,harga,program,kuota,periode_kuota\nLPG 3 kg,tabung,20000,"
        "LPG 3 kg,2,tahun\n", (2, "periode_kuota", "tahun")),
    "a quota without a program": ("katalog.csv", "nama,satuan,harga,kuota\nLPG,tabung,20000,2\n",
                                  (2, "kuota", "program")),
    "no name": ("katalog.csv", "nama,satuan,harga\n,pcs,3000\n", (2, "nama", "Nama produk")),
    "empty file": ("katalog.csv", b"", (None, "", "kosong")),
    "only a header": ("katalog.csv", "nama,satuan,harga\n\n", (1, "", "tidak berisi produk")),
    "an xlsx that is garbage": ("katalog.xlsx", bytes(range(256)) * 8, (None, "", "XLSX")),
    "a zip that is no workbook": ("katalog.xlsx", b"PK\x03\x04" + b"\x00" * 500,
                                  (None, "", "XLSX")),
    "an old xls": ("katalog.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500,
                   (None, "", ".xls")),
    "binary bytes in a csv": ("katalog.csv", b"nama,satuan,harga\nGaram,pcs,3000\x00\n",
                              (2, "", "biner")),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_with_row_and_column_and_nothing_is_written(
        shop, manajer, tmp_path, snapshot, case):
    name, content, (row, column, words) = BAD_FILES[case]
    if callable(content):
        content = content(_shop_code(shop))
    path = write(tmp_path, content, name)
    before = snapshot(shop)
    preview = read_catalog(path, shop)
    assert not preview.ok
    assert any(p.row == row and p.field == column and words in p.message
               for p in preview.problems), preview.problems
    with pytest.raises(ValidationError) as refused:
        import_catalog(shop, user=manajer, path=path)
    assert tuple(refused.value.problems) == preview.problems
    assert snapshot(shop) == before


def test_a_missing_column_says_what_is_missing_and_what_was_found(shop, tmp_path):
    preview = read_catalog(write(tmp_path, "Nama,Harga Jual,Stok\nGaram,3000,5\n"), shop)
    (problem,) = preview.problems
    assert problem.row == 1 and problem.field == "satuan"
    assert "satuan" in problem.message and "Nama, Harga Jual, Stok" in problem.message


def test_every_problem_in_a_file_is_reported_at_once_in_row_order(shop, manajer, tmp_path,
                                                                   snapshot):
    text = (f"nama,satuan,harga,stok,barcode\nGaram,pcs,abc,1,\nGula,kg,17000,-2,\n"
            f"Teh,pcs,5000,1,{MIE}\nKopi,pcs,7000,2,{MIE}\n,pcs,,,\n")
    before = snapshot(shop)
    with pytest.raises(ValidationError) as refused:
        import_catalog(shop, user=manajer, path=write(tmp_path, text))
    found = [(p.row, p.field) for p in refused.value.problems]
    assert found == [(2, "harga"), (3, "stok"), (5, "barcode"), (6, "nama"), (6, "harga")]
    assert format_problem(refused.value.problems[0]).startswith("Baris 2, kolom harga: ")
    assert snapshot(shop) == before


def test_a_file_with_more_rows_than_allowed_is_refused_whole(shop, manajer, tmp_path, snapshot):
    lines = ["nama,satuan,harga"] + [f"Produk {i},pcs,1000" for i in range(MAX_ROWS + 1)]
    path = write(tmp_path, "\n".join(lines))
    before = snapshot(shop)
    preview = read_catalog(path, shop)
    assert preview.rows == () and len(preview.problems) == 1
    assert "100.000" in preview.problems[0].message
    with pytest.raises(ValidationError):
        import_catalog(shop, user=manajer, path=path)
    assert snapshot(shop) == before


def test_a_cashier_may_not_import_a_catalog(shop, kasir, tmp_path, snapshot):
    before = snapshot(shop)
    with pytest.raises(PermissionDenied):
        import_catalog(shop, user=kasir, path=write(tmp_path, GOOD_CSV))
    assert snapshot(shop) == before


def test_a_barcode_taken_after_the_preview_still_refuses_the_whole_file(shop, manajer, tmp_path,
                                                                        snapshot):
    """The shop's own check inside the transaction reports rows as in the spreadsheet."""
    path = write(tmp_path, GOOD_CSV)
    assert read_catalog(path, shop).ok
    import_products(shop, user=manajer, items=[ProductInput("Lain", "pcs", 1000,
                                                            barcodes=(BERAS,))])
    before = snapshot(shop)
    with pytest.raises(ValidationError) as refused:
        import_catalog(shop, user=manajer, path=path)
    assert [(p.row, p.field) for p in refused.value.problems] == [(3, "barcode")]
    assert snapshot(shop) == before


# --- export and round trips ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imports_into_an_empty_shop_as_the_same_catalog(shop, empty_shop, tmp_path,
                                                                    fmt):
    path = tmp_path / f"katalog.{fmt}"
    count = export_catalog(shop, path)
    source = catalog_of(shop)
    assert count == len(source) > 0
    target, admin = empty_shop
    import_catalog(target, user=admin, path=path)
    assert catalog_of(target) == source
    assert stock.ledger_mismatches(target) == []
    again = tmp_path / f"lagi.{fmt}"
    export_catalog(target, again)
    assert read_catalog(again).items == read_catalog(path).items


def test_the_xlsx_export_has_a_frozen_header_a_filter_and_numbers_as_numbers(
        shop, manajer, tmp_path):
    import_catalog(shop, user=manajer, path=write(tmp_path, GOOD_CSV))
    path = tmp_path / "katalog.xlsx"
    count = export_catalog(shop, path)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert tuple(c.value for c in sheet[1]) == COLUMNS
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:Q{count + 1}"
    rows = {r[0]: dict(zip(COLUMNS, r, strict=True))
            for r in sheet.iter_rows(min_row=2, values_only=True)}
    beras = rows["Beras Curah Medium"]
    assert beras["harga"] == 13000 and isinstance(beras["harga"], int)
    assert beras["stok"] == 150.5 and beras["het"] == 13500
    assert beras["barcode"] == BERAS and beras["rak"] == "B2" and beras["desimal"] == "ya"
    assert rows["Mie Goreng Sedap 90 g"]["kemasan"] == f"dus:40:132000:{MIE_DUS}"
    assert rows["Mie Goreng Sedap 90 g"]["stok"] == 80


def test_a_rack_survives_export_and_import(shop, manajer, empty_shop, tmp_path):
    import_catalog(shop, user=manajer, path=write(tmp_path, GOOD_CSV))
    export_catalog(shop, tmp_path / "k.csv")
    target, admin = empty_shop
    import_catalog(target, user=admin, path=tmp_path / "k.csv")
    export_catalog(target, tmp_path / "k2.csv")
    racks = {r.item.name: r.item.rack for r in read_catalog(tmp_path / "k2.csv").rows}
    assert racks["Mie Goreng Sedap 90 g"] == "A1" and racks["Garam Dapur 250 g"] == ""


def test_an_export_to_a_folder_that_does_not_exist_is_refused_and_leaves_nothing(shop, tmp_path):
    folder = tmp_path / "ekspor"
    folder.mkdir()
    with pytest.raises(UserError) as refused:
        export_catalog(shop, folder / "tidak-ada" / "k.xlsx")
    assert "Tidak dapat menulis" in refused.value.message
    assert list(folder.iterdir()) == []


def test_a_refused_export_keeps_the_older_file(shop, tmp_path):
    folder = tmp_path / "ekspor"
    folder.mkdir()
    path = folder / "k.csv"
    path.write_text("lama")
    with pytest.raises(UserError):
        export_catalog(shop, path, "pdf")
    assert path.read_text() == "lama" and list(folder.iterdir()) == [path]


NAMES = st.text(st.characters(categories=("L", "N", "P", "S"), exclude_characters="\x7f")
                | st.just(" "), min_size=1, max_size=40).map(str.strip).filter(bool)


def programs(qty):
    """Nothing, a program good, or a program good with a quota per member."""
    period = st.sampled_from(["day", "week", "month"])
    return st.one_of(
        st.just({}), st.builds(dict, program=NAMES),
        st.builds(dict, program=NAMES, quota_qty=qty.filter(bool), quota_period=period))


@st.composite
def products(draw):
    count = draw(st.integers(1, 6))
    items = []
    for i in range(count):
        unit = draw(st.sampled_from(["pcs", "kg", "liter", "bungkus"]))
        fractional = unit in ("kg", "liter")
        step = 1 if fractional else 1000
        qty = st.integers(0, 1_000_000 // step * 10).map(lambda n, s=step: n * s)
        price = draw(st.integers(0, 10**9))
        packs = tuple(
            UnitInput(f"pak{j}", draw(st.integers(2, 500)) * 1000,
                      draw(st.none() | st.integers(0, 10**9)),
                      tuple(f"P{i}-{j}-{k}" for k in range(draw(st.integers(0, 2)))))
            for j in range(draw(st.integers(0, 2))))
        items.append(ProductInput(
            name=draw(NAMES), base_unit=unit, fractional=fractional, price=price,
            brand=draw(NAMES | st.just("")), category=draw(NAMES | st.just("")),
            cost=draw(st.integers(0, 10**9)),
            het=draw(st.none() | st.integers(max(price, 1), 10**9)),
            min_stock=draw(qty), opening_stock=draw(qty), units=packs,
            barcodes=tuple(f"B{i}-{k}" for k in range(draw(st.integers(0, 3)))),
            plu=draw(st.none() | st.just(100 + i)), **draw(programs(qty))))
    return [i for i in items if all(u.price is None or i.het is None
                                    or u.price <= amount(i.het, u.factor) for u in i.units)]


def in_file_order(item: ProductInput) -> ProductInput:
    """How an export lists a product's codes and packs: codes sorted, packs by content."""
    units = sorted((replace(u, barcodes=tuple(sorted(u.barcodes))) for u in item.units),
                   key=lambda u: (u.factor, u.name))
    return replace(item, barcodes=tuple(sorted(item.barcodes)), units=tuple(units))


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=products())
def test_whatever_the_catalog_holds_its_export_reads_back_the_same(empty_template, items):
    """Names with commas, quotes, semicolons and any letters; prices up to a billion;
    quantities to the gram: CSV and XLSX give back exactly what the shop holds."""
    assume(items)   # the filter may leave none, and an empty export is refused by design
    template, admin = empty_template
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(template, Path(tmp) / "s.db")
        db = open_db(Path(tmp) / "s.db", create=False)
        try:
            import_products(db, user=admin, items=items)
            for fmt in ("csv", "xlsx"):
                path = Path(tmp) / f"k.{fmt}"
                export_catalog(db, path)
                preview = read_catalog(path)
                assert preview.ok, preview.problems
                assert sorted(preview.items, key=repr) == sorted(map(in_file_order, items),
                                                                  key=repr)
        finally:
            db.close()


# --- the command line ---------------------------------------------------------------------------


def test_cli_dry_run_shows_a_preview_and_writes_nothing(shop, tmp_path, capsys, snapshot):
    before = snapshot(shop)
    path = write(tmp_path, GOOD_CSV)
    assert run(["catalog", "import", str(path), "--dry-run", "--db", str(shop.path)]) == 0
    out = capsys.readouterr().out
    assert "3 produk" in out and "Mie Goreng Sedap 90 g" in out and "Uji coba" in out
    assert snapshot(shop) == before


def test_cli_refuses_a_bad_file_listing_each_row_and_column(shop, tmp_path, capsys, snapshot):
    before = snapshot(shop)
    path = write(tmp_path, "nama,satuan,harga\nGaram,pcs,3000\nGula,kg,mahal\n")
    for extra in (["--dry-run"], ["--user", "manajer"]):
        assert run(["catalog", "import", str(path), "--db", str(shop.path), *extra]) == 1
        err = capsys.readouterr().err
        assert "Baris 3, kolom harga:" in err and "Impor ditolak" in err
    assert snapshot(shop) == before


def test_cli_imports_as_a_manager_after_the_pin(shop, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(DEMO_SECRETS["manajer"] + "\n"))
    code = run(["catalog", "import", str(write(tmp_path, GOOD_CSV)), "--db", str(shop.path),
                "--user", "manajer"])
    assert code == 0, capsys.readouterr().err
    assert "3 produk diimpor" in capsys.readouterr().out
    assert find_by_barcode(shop, MIE_DUS).unit.factor == 40_000


def test_cli_import_with_a_wrong_pin_or_as_a_cashier_adds_no_product(shop, tmp_path, capsys,
                                                                      monkeypatch):
    path = write(tmp_path, GOOD_CSV)
    for username, secret in (("manajer", "0000"), ("kasir", DEMO_SECRETS["kasir"])):
        monkeypatch.setattr("sys.stdin", io.StringIO(secret + "\n"))
        assert run(["catalog", "import", str(path), "--db", str(shop.path),
                    "--user", username]) == 1
        assert "Ditolak" in capsys.readouterr().err
    assert find_by_barcode(shop, MIE) is None


def test_cli_import_needs_a_user_or_dry_run(shop, tmp_path, capsys):
    assert run(["catalog", "import", str(write(tmp_path, GOOD_CSV)), "--db", str(shop.path)]) == 2
    assert "--user" in capsys.readouterr().err


def test_cli_export_writes_xlsx_and_csv_and_refuses_an_impossible_path(shop, tmp_path, capsys):
    for name in ("k.xlsx", "k.csv"):
        assert run(["catalog", "export", "--db", str(shop.path), "--out",
                    str(tmp_path / name)]) == 0
        assert read_catalog(tmp_path / name).ok
    assert "produk ditulis" in capsys.readouterr().out
    assert run(["catalog", "export", "--db", str(shop.path), "--out",
                str(tmp_path / "k.dat"), "--format", "xlsx"]) == 0
    assert read_catalog(tmp_path / "k.dat").format == "xlsx"
    assert run(["catalog", "export", "--db", str(shop.path), "--out",
                str(tmp_path / "no" / "k.csv")]) == 1
    assert "Tidak dapat menulis" in capsys.readouterr().err


def test_catalog_export_and_import_as_a_real_program(shop, empty_shop, tmp_path):
    out = tmp_path / "katalog.xlsx"
    target, _admin = empty_shop

    def gerai(*args, stdin=""):
        return subprocess.run([sys.executable, "-m", "app", *args], input=stdin,
                              capture_output=True, text=True, timeout=120,
                              env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen",
                                   "GERAI_DB": str(tmp_path / "default.db")})

    exported = gerai("catalog", "export", "--db", str(shop.path), "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    imported = gerai("catalog", "import", str(out), "--db", str(target.path), "--user", "admin",
                     stdin="rahasia123\n")
    assert imported.returncode == 0, imported.stderr
    assert catalog_of(target) == catalog_of(shop)
    assert not (tmp_path / "default.db").exists()
