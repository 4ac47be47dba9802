"""The SIMKOPDES export read back as the district would read it: the workbook (openpyxl) and
the CSV folder hold the same rows; the counts and sums are the shop's own sales, sale lines
and goods receipts of the period; a member's full NIK and phone appear nowhere in the
files, while the masked NIK and the region code do; a bad period writes nothing.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from app.models import member_money, stock
from app.models.errors import PermissionDenied, UserError
from app.models.members import create_member
from app.models.payables import PaymentInput, pay_invoice
from app.models.products import ProductInput, create_product
from app.models.receiving import ReceiptLineInput, post_receipt
from app.models.settings import shop_today
from app.models.simkopdes import DATE, DATETIME, MONEY, QTY, simkopdes_tables
from app.models.stock_views import day_bounds
from app.reports.simkopdes_export import csv_folder, qty_text, write_simkopdes

NIK = "1871034101900001"
PHONE = "081234567890"
#: Every way the planted NIK and phone could be written.
SECRETS = (NIK, PHONE, "6281234567890", "0812-3456-7890", "81234567890")
TABLES = ["gerai_koperasi", "produk_koperasi", "inventaris_produk", "barang_masuk_produk",
          "barang_keluar_produk", "transaksi_penjualan", "anggota_koperasi",
          "simpanan_anggota"]


@pytest.fixture
def planted(shop, bendahara):
    """A member with a NIK and a phone, her pokok and two months of wajib paid (one by
    transfer), and a product whose name needs escaping in XML."""
    member = create_member(shop, user=bendahara, name="Siti Planted", nik=NIK, phone=PHONE,
                           occupation="Pedagang", village="Sukamaju")
    member_money.deposit(shop, user=bendahara, member_id=member.id, kind="pokok")
    member_money.deposit(shop, user=bendahara, member_id=member.id, kind="wajib", months=2,
                         method="transfer", reference="TRF 778899")
    create_product(shop, user=bendahara_or_manager(shop), data=ProductInput(
        name='Gula "Manis" & <Legit>', base_unit="kg", price=17_500, fractional=True))
    return member


def bendahara_or_manager(db):
    from app.models.users import list_users

    return next(u for u in list_users(db) if u.role == "manajer")


@pytest.fixture
def received(shop, manajer, bendahara):
    """Three deliveries of one product today: paid on delivery (with freight), partly paid,
    not paid."""
    supplier = shop.scalar("SELECT id FROM suppliers ORDER BY rowid")
    product = shop.scalar("SELECT id FROM products WHERE consigned = 0 AND base_unit = 'pcs'"
                          " AND archived = 0 ORDER BY rowid")
    paid = post_receipt(shop, user=manajer, supplier_id=supplier, freight="1000",
                        lines=[ReceiptLineInput(product, "10", 5000)],
                        pay=PaymentInput(51_000))
    part = post_receipt(shop, user=manajer, supplier_id=supplier,
                        lines=[ReceiptLineInput(product, "4", 5000)])
    pay_invoice(shop, user=bendahara, invoice_id=part.invoice_id, payment=PaymentInput(5_000))
    unpaid = post_receipt(shop, user=manajer, supplier_id=supplier,
                          lines=[ReceiptLineInput(product, "3", 4900)])
    return product, (paid.number, part.number, unpaid.number)


@pytest.fixture
def folder(tmp_path) -> Path:
    """Where the exports go (the shop's database is in tmp_path itself)."""
    path = tmp_path / "out"
    path.mkdir()
    return path


@pytest.fixture
def period(shop):
    today = shop_today(shop)
    return today - timedelta(days=5), today


def export(shop, user, folder, period, name="simkopdes.xlsx") -> Path:
    return write_simkopdes(shop, folder / name, *period, printed_by=user)


def read_csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf"), "no byte-order mark for machines"
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def same(kind: str, sheet_value, text: str) -> bool:
    """A cell of the workbook says what the CSV's text says."""
    if text == "":
        return sheet_value is None
    if kind == MONEY or kind == "count":
        return sheet_value == int(text) and isinstance(sheet_value, int)
    if kind == QTY:
        return Decimal(str(sheet_value)) == Decimal(text)
    if kind == DATE:
        return sheet_value == datetime.combine(date.fromisoformat(text), datetime.min.time())
    if kind == DATETIME:
        return sheet_value == datetime.fromisoformat(text).replace(tzinfo=None)
    return sheet_value == text


def test_the_workbook_and_the_csv_files_hold_the_same_rows(shop, bendahara, folder, planted,
                                                           period):
    out = export(shop, bendahara, folder, period)
    folder = csv_folder(out)
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    tables = {t.name: t for t in simkopdes_tables(shop, *period)}
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == TABLES
    for name in TABLES:
        ws, rows = book[name], read_csv(folder / f"{name}.csv")
        kinds = [c.kind for c in tables[name].columns]
        sheet_rows = list(ws.iter_rows(values_only=True))
        assert list(sheet_rows[0]) == rows[0] == [c.name for c in tables[name].columns]
        assert len(sheet_rows) == len(rows) == len(tables[name].rows) + 1, name
        for n, (values, texts) in enumerate(zip(sheet_rows[1:], rows[1:], strict=True), 2):
            assert len(texts) == len(kinds), (name, n)
            values = list(values) + [None] * (len(kinds) - len(values))
            for kind, value, text, column in zip(kinds, values, texts, rows[0], strict=True):
                assert same(kind, value, text), (name, n, column, value, text)
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, len(kinds)).column_letter}" \
                                     f"{max(len(rows), 2)}"
    lines = book["barang_keluar_produk"]
    assert lines["I2"].number_format == "#,##0"        # total, rupiah
    name = next(r for r in read_csv(folder / "produk_koperasi.csv") if r[2].startswith("Gula \""))
    assert name[2] == 'Gula "Manis" & <Legit>'
    assert any(c.value == 'Gula "Manis" & <Legit>' for c in book["produk_koperasi"]["C"])


def test_counts_and_sums_are_the_shops_own(shop, bendahara, folder, planted, received,
                                           period):
    out = export(shop, bendahara, folder, period)
    folder = csv_folder(out)
    start, end = day_bounds(shop, *period)
    sales = shop.one("SELECT count(*) AS n, sum(total) AS total FROM sales"
                     " WHERE created_at >= ? AND created_at < ?", (start, end))
    lines = shop.one("SELECT count(*) AS n, sum(l.net_amount) AS amount, sum(l.base_qty) AS qty"
                     " FROM sales s JOIN sale_lines l ON l.sale_id = s.id"
                     " WHERE s.created_at >= ? AND s.created_at < ?", (start, end))
    receipts = shop.one("SELECT count(*) AS n, sum(l.amount + l.freight) AS cost"
                        " FROM goods_receipts r JOIN goods_receipt_lines l"
                        " ON l.receipt_id = r.id WHERE r.created_at >= ? AND r.created_at < ?",
                        (start, end))
    assert sales["n"] > 100 and lines["n"] > sales["n"] and receipts["n"] > 0
    sold = read_csv(folder / "transaksi_penjualan.csv")
    assert len(sold) - 1 == sales["n"]
    assert sum(int(r[8]) for r in sold[1:]) == sales["total"]
    # Paid by method adds up to the total of every sale.
    assert all(sum(int(v) for v in r[9:14]) == int(r[8]) for r in sold[1:])
    out_lines = read_csv(folder / "barang_keluar_produk.csv")
    assert len(out_lines) - 1 == lines["n"]
    assert sum(int(r[8]) for r in out_lines[1:]) == lines["amount"]
    assert sum(Decimal(r[10]) for r in out_lines[1:]) * 1000 == lines["qty"]
    goods_in = read_csv(folder / "barang_masuk_produk.csv")
    assert len(goods_in) - 1 == receipts["n"]
    assert sum(int(r[9]) for r in goods_in[1:]) == receipts["cost"]
    # Every sale line belongs to a sale of the export.
    assert {r[0] for r in out_lines[1:]} <= {r[0] for r in sold[1:]}
    assert {r[11] for r in out_lines[1:]} <= {"terjual", "retur", "batal"}


def test_goods_in_say_what_they_cost_and_whether_they_are_paid(shop, bendahara, folder,
                                                               received, period):
    product, numbers = received
    out = export(shop, bendahara, folder, period)
    rows = {r[0]: r for r in read_csv(csv_folder(out) / "barang_masuk_produk.csv")[1:]
            if r[1] == product}
    paid, part, unpaid = (rows[n] for n in numbers)
    assert [r[13] for r in (paid, part, unpaid)] == ["lunas", "sebagian", "belum_lunas"]
    assert paid[5] == "10" and paid[7] == "5100" and paid[9] == "51000"   # freight included
    assert unpaid[7] == "4900" and unpaid[9] == "14700"
    # First in, first out: today's stock belongs to the newest deliveries first.
    left = Decimal(stock.on_hand(shop, product)) / 1000
    for row in (unpaid, part, paid):
        assert Decimal(row[6]) == max(min(Decimal(row[5]), left), 0)
        left -= Decimal(row[5])


def test_stock_at_the_end_of_today_is_the_stock_on_hand(shop, bendahara, folder, received,
                                                        period):
    out = export(shop, bendahara, folder, period)
    rows = read_csv(csv_folder(out) / "inventaris_produk.csv")[1:]
    assert len(rows) == shop.scalar("SELECT count(*) FROM products")
    for row in rows:
        assert Decimal(row[4]) * 1000 == stock.on_hand(shop, row[0]), row[2]
    on_shelf = {r[0]: Decimal(r[4]) for r in rows}
    for row in read_csv(csv_folder(out) / "barang_masuk_produk.csv")[1:]:
        assert 0 <= Decimal(row[6]) <= Decimal(row[5])          # available ≤ received
        assert Decimal(row[6]) <= max(on_shelf[row[1]], 0)


def test_a_planted_nik_and_phone_appear_nowhere_but_the_mask_and_region_do(
        shop, bendahara, folder, planted, period):
    out = export(shop, bendahara, folder, period)
    payloads = [p.read_bytes() for p in csv_folder(out).iterdir()]
    with zipfile.ZipFile(out) as z:
        payloads += [z.read(n) for n in z.namelist()]
    payloads.append(out.read_bytes())
    for payload in payloads:
        for secret in SECRETS:
            assert secret.encode() not in payload
    members = read_csv(csv_folder(out) / "anggota_koperasi.csv")
    row = next(r for r in members if r[1] == "Siti Planted")
    assert row[2:5] == ["1871**********01", "187103", "P"]
    assert "Siti Planted" in "".join(str(c.value) for c in
                                     openpyxl.load_workbook(out)["anggota_koperasi"]["B"])


def test_savings_paid_and_wajib_months_owed(shop, bendahara, folder, planted, period):
    out = export(shop, bendahara, folder, period)
    rows = read_csv(csv_folder(out) / "simpanan_anggota.csv")[1:]
    mine = [r for r in rows if r[0] == planted.number]
    month = shop_today(shop).strftime("%Y-%m")
    assert [(r[2], r[5]) for r in mine] == [("pokok", "lunas"), ("wajib", "lunas"),
                                            ("wajib", "lunas")]
    assert mine[1][3] == month and mine[1][6] == "transfer" and mine[1][4] == "10000"
    # A member who paid nothing owes the period's months, with no receipt.
    other = shop.one("SELECT number, joined_on FROM members WHERE number <> ? ORDER BY number",
                     (planted.number,))
    owed = [r for r in rows if r[0] == other["number"]]
    assert owed and all(r[1:3] == ["", "wajib"] and r[5] == "belum_lunas" and r[7] == ""
                        for r in owed)
    assert month in {r[3] for r in owed}


def test_an_export_of_the_same_name_is_replaced_whole(shop, bendahara, folder, period):
    first = export(shop, bendahara, folder, period)
    (csv_folder(first) / "stale.csv").write_text("old")
    again = export(shop, bendahara, folder, period)
    assert again == first and not (csv_folder(first) / "stale.csv").exists()
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("days", [(0, -1), (1, 2)])
def test_a_reversed_or_future_period_is_refused_and_nothing_is_written(
        shop, bendahara, folder, snapshot, days):
    today = shop_today(shop)
    before = snapshot(shop)
    with pytest.raises(UserError):
        write_simkopdes(shop, folder / "x.xlsx", today + timedelta(days=days[0]),
                        today + timedelta(days=days[1]), printed_by=bendahara)
    assert list(folder.iterdir()) == []
    assert snapshot(shop) == before


def test_a_cashier_may_not_export_and_the_file_must_be_a_workbook(shop, kasir, bendahara,
                                                                  folder, period):
    with pytest.raises(PermissionDenied):
        export(shop, kasir, folder, period)
    with pytest.raises(UserError):
        export(shop, bendahara, folder, period, name="simkopdes.csv")
    (folder / "simkopdes-csv").write_text("a file in the folder's way")
    with pytest.raises(UserError):
        export(shop, bendahara, folder, period)
    assert sorted(p.name for p in folder.iterdir()) == ["simkopdes-csv"]


@pytest.mark.parametrize("qty, text", [(1250, "1.25"), (3000, "3"), (500, "0.5"),
                                       (-2000, "-2"), (1, "0.001"), (0, "0")])
def test_quantities_are_decimals_with_a_dot(qty, text):
    assert qty_text(qty) == text


def test_without_the_personal_data_key_the_export_is_refused(shop, bendahara, folder, planted,
                                                             period, monkeypatch, tmp_path):
    """The region code comes from the sealed NIK: without the key nothing is exported
    rather than members without their region."""
    empty = tmp_path / "no-keys"
    empty.mkdir()
    monkeypatch.setenv("GERAI_KEY_DIR", str(empty))
    with pytest.raises(UserError, match="Kunci data pribadi"):
        export(shop, bendahara, folder, period)
    assert list(folder.iterdir()) == []
