"""Catalog figures for ``gerai bench``: importing an XLSX catalog into a new shop."""

from __future__ import annotations

import random
import shutil
import sqlite3
import time
from pathlib import Path

from app.models.barcodes import with_check_digit
from app.models.catalog_file import COLUMNS, import_catalog, read_catalog
from app.models.db import open_db
from app.models.money import amount
from app.models.settings import ShopSettings
from app.models.shop import setup_shop
from app.models.table_file import write_xlsx

_WORDS = ("Beras", "Gula", "Minyak", "Kopi", "Teh", "Sabun", "Mie", "Kecap", "Susu", "Tepung",
          "Garam", "Biskuit", "Sambal", "Wafer", "Deterjen", "Sikat", "Tisu", "Roti")
_BRANDS = ("Siger", "Pesisir", "Rinjani", "Garuda", "Mandiri", "Kartika", "")


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def catalog_rows(n: int, seed: int = 11) -> list[tuple]:
    """``n`` realistic catalog rows in COLUMNS order: one in ten sold by the kilo, one in
    five with a carton that has its own barcode, most with opening stock."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        kilo = i % 10 == 0
        price = rng.randrange(1000, 150_000, 100)
        cost = price * rng.randrange(80, 95) // 100
        code = with_check_digit(f"899{i:09d}")
        packs = ""
        if i % 5 == 0:
            factor = 50 if kilo else rng.choice((10, 12, 24, 40))
            packs = f"{'karung' if kilo else 'dus'}:{factor}:{price * factor * 97 // 100}:" \
                    + with_check_digit(f"898{i:09d}")
        stock = rng.randrange(0, 200)
        rows.append((f"{rng.choice(_WORDS)} {rng.choice(_WORDS)} Uji {i}", rng.choice(_BRANDS),
                     rng.choice(_WORDS), "kg" if kilo else "pcs", "ya" if kilo else "tidak",
                     price, cost, None, rng.randrange(0, 20), f"R{i % 40}", code, packs,
                     stock, None))
    return rows


def import_xlsx(tmp: Path, n: int) -> tuple[float, float, float]:
    """(import_catalog ms, raw sqlite3 ms for the same rows, read_catalog ms) for an
    ``n``-row XLSX into a new, empty shop."""
    rows = catalog_rows(n)
    path = tmp / f"katalog-{n}.xlsx"
    write_xlsx(path, COLUMNS, rows, sheet="Katalog")
    shop = tmp / "catalog-shop.db"
    db = open_db(shop)
    admin = setup_shop(db, settings=ShopSettings(
        cooperative_name="Koperasi Uji", shop_name="Gerai Uji", shop_code="KDMP900", zone="WIB"),
        username="admin", full_name="Admin Uji", secret="admin12345")
    db.checkpoint("TRUNCATE")
    raw_path = tmp / "catalog-raw.db"
    shutil.copy(shop, raw_path)
    start = time.perf_counter()
    read_catalog(path, db)
    read_ms = _ms(start)
    start = time.perf_counter()
    import_catalog(db, user=admin, path=path)
    ours = _ms(start)
    db.close()
    raw = sqlite3.connect(str(raw_path), isolation_level=None)
    raw.execute("PRAGMA synchronous=FULL")
    start = time.perf_counter()
    _raw_insert(raw, rows)
    base = _ms(start)
    raw.close()
    return ours, base, read_ms


def _raw_insert(raw: sqlite3.Connection, rows: list[tuple]) -> None:
    """The rows an import writes (product, pack, barcodes, opening stock movement and
    balance, one audit row) in one transaction, from values already in memory."""
    raw.execute("BEGIN IMMEDIATE")
    for i, (name, brand, category, unit, flag, price, cost, _het, min_stock, rack, code, packs,
            qty, _plu) in enumerate(rows):
        pid = f"raw-{i}"
        raw.execute("INSERT INTO products(id, name, brand, category, base_unit, fractional, price,"
                    " cost, min_stock, rack, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '')",
                    (pid, name, brand, category, unit, int(flag == "ya"), price, cost,
                     min_stock * 1000, rack))
        raw.execute("INSERT INTO barcodes(code, product_id) VALUES (?, ?)", (code, pid))
        if packs:
            pack, factor, pack_price, pack_code = packs.split(":")
            raw.execute("INSERT INTO product_units(id, product_id, name, factor, price)"
                        " VALUES (?, ?, ?, ?, ?)", (f"{pid}-u", pid, pack, int(factor) * 1000,
                                                    int(pack_price)))
            raw.execute("INSERT INTO barcodes(code, product_id, unit_id) VALUES (?, ?, ?)",
                        (pack_code, pid, f"{pid}-u"))
        if qty:
            value = amount(cost, qty * 1000)
            raw.execute("INSERT INTO stock_movements(id, product_id, kind, qty, unit_cost, value,"
                        " created_at) VALUES (?, ?, 'opening', ?, ?, ?, '')",
                        (f"{pid}-m", pid, qty * 1000, cost, value))
            raw.execute("INSERT INTO stock_balances(product_id, qty, value) VALUES (?, ?, ?)",
                        (pid, qty * 1000, value))
    last = raw.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    raw.execute("INSERT INTO audit_log(seq, at, action, entity, detail, prev_hash, hash)"
                " VALUES (?, '', 'raw', 'product', '{}', ?, ?)", (last[0] + 1, last[1], last[1]))
    raw.execute("COMMIT")
