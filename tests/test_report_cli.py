"""``gerai report``: stock and purchasing reports from the command line, read back."""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import openpyxl
import pytest

from app.cli import run
from app.models import purchasing
from app.models.demo import DEMO_USERS
from app.models.money import format_number
from app.models.purchasing import LineInput
from app.models.suppliers import list_suppliers

DEMO_SECRETS = {username: secret for username, _name, _role, secret in DEMO_USERS}


@pytest.fixture
def shop_path(shop, monkeypatch):
    monkeypatch.setenv("GERAI_PIN", DEMO_SECRETS["manajer"])
    return str(shop.path)


def report(shop_path, *args) -> int:
    return run(["report", *args, "--db", shop_path, "--user", "manajer"])


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_the_stock_valuation_in_three_formats_adds_up_to_the_ledger(shop, shop_path, tmp_path):
    ledger = shop.scalar("SELECT sum(value) FROM stock_balances")
    for fmt in ("pdf", "xlsx", "csv"):
        assert report(shop_path, "stock", "--format", fmt, "--out",
                      str(tmp_path / f"nilai.{fmt}")) == 0
    assert format_number(ledger) in pdf_text(tmp_path / "nilai.pdf")
    with open(tmp_path / "nilai.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    value_column = len(rows[0]) - 1
    assert sum(int(r[value_column]) for r in rows[1:]) == ledger
    sheet = openpyxl.load_workbook(tmp_path / "nilai.xlsx").worksheets[0]
    values = [row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)
              if isinstance(row[-1], int)]
    # Every product's value, then the grand total under them.
    assert sum(values[:-1]) == values[-1] == ledger


def test_a_purchase_order_and_a_supplier_statement_print(shop, shop_path, tmp_path, manajer):
    supplier = list_suppliers(shop)[0]
    product = shop.one("SELECT id, name FROM products WHERE name = 'Gula Pasir 1 kg'")
    po = purchasing.create_po(shop, user=manajer, supplier_id=supplier.id,
                              lines=[LineInput(product["id"], "7", "16.250")])
    assert report(shop_path, "po", "--number", po.number, "--out", str(tmp_path / "po.pdf")) == 0
    text = pdf_text(tmp_path / "po.pdf")
    assert po.number in text and "Gula Pasir 1 kg" in text and "113.750" in text
    assert report(shop_path, "supplier-statement", "--supplier", supplier.name.upper(),
                  "--out", str(tmp_path / "rekening.pdf")) == 0
    assert supplier.name in pdf_text(tmp_path / "rekening.pdf")


def test_program_goods_and_susut_need_a_period(shop, shop_path, tmp_path):
    assert report(shop_path, "program-goods", "--out", str(tmp_path / "p.pdf")) == 2
    assert report(shop_path, "program-goods", "--from", "2026-11-01", "--to", "2026-11-30",
                  "--format", "csv", "--out", str(tmp_path / "p.csv")) == 0
    header = (tmp_path / "p.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("Program,Produk,No. anggota")


@pytest.mark.parametrize("args, code", [
    (("stock", "--from", "2026-11-30", "--to", "2026-11-01"), 1),      # period reversed
    (("nonsense",), 2),                                                 # unknown report
    (("po", "--number", "KDMP017-000000-P9999"), 1),                   # no such order
    (("po",), 2),                                                       # which order?
    (("stock-card", "--product", "tidak ada"), 1),
    (("po", "--number", "x", "--format", "xlsx"), 2),
])
def test_bad_report_requests_write_nothing(shop_path, tmp_path, args, code, capsys):
    folder = tmp_path / "out"
    folder.mkdir()
    assert report(shop_path, *args, "--out", str(folder / "laporan.pdf")) == code
    assert capsys.readouterr().err.strip()
    assert list(folder.iterdir()) == []


def test_an_unwritable_place_or_a_wrong_pin_writes_nothing(shop_path, tmp_path, monkeypatch,
                                                            capsys):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    assert report(shop_path, "stock", "--out", str(tmp_path / "no" / "such" / "x.pdf")) == 1
    assert "tidak ada" in capsys.readouterr().err
    monkeypatch.setenv("GERAI_PIN", "0000")
    assert report(shop_path, "stock", "--out", str(tmp_path / "x.pdf")) == 1
    monkeypatch.setenv("GERAI_PIN", DEMO_SECRETS["kasir"])
    assert run(["report", "stock", "--db", shop_path, "--user", "kasir",
                "--out", str(tmp_path / "x.pdf")]) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["daily", "monthly", "margin", "ar-aging", "ap-aging"])
def test_the_treasurers_reports_come_from_the_command_line(shop, tmp_path, monkeypatch, name):
    monkeypatch.setenv("GERAI_PIN", DEMO_SECRETS["bendahara"])
    first = shop.scalar("SELECT min(created_at) FROM sales")[:10]
    last = shop.scalar("SELECT max(created_at) FROM sales")[:10]
    out = tmp_path / f"{name}.xlsx"
    args = ["report", name, "--db", str(shop.path), "--user", "bendahara", "--format", "xlsx",
            "--out", str(out), "--from", first, "--to", last]
    assert run(args) == 0
    assert openpyxl.load_workbook(out).active.max_row > 1
    # A period that has not happened yet is refused, and no file is left.
    future = tmp_path / f"{name}-future.xlsx"
    assert run([*args[:-5], str(future), "--from", "2099-01-01", "--to", "2099-01-31"]) == 1
    assert not future.exists()
