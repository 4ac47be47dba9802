"""``gerai bench``: speed figures as absolute values and as ratios to raw SQLite.

Each figure's baseline is the same work done with plain sqlite3 in the same run, so the
ratio says what our layers cost, whatever the machine.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import click

from app.i18n import _
from app.models import product_search
from app.models import products as catalog
from app.models.db import open_db
from app.models.demo import build_demo

SEARCH_WORDS = ("ber", "beras sp", "minyak", "gula", "kop", "sabun", "mie", "indomie", "s", "te",
                "garuda", "pedas", "biskuit mawar", "susu", "lpg", "899", "tisu", "kec", "roti",
                "wafer cokelat")


def _percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _time_each(fn: Callable[[object], object], inputs: list) -> list[float]:
    samples = []
    for item in inputs:
        start = time.perf_counter()
        fn(item)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


class Report:
    def __init__(self, as_json: bool):
        self.as_json = as_json
        self.rows: list[dict] = []

    def add(self, name: str, value: float, baseline: float | None, unit: str = "ms",
            target: float | None = None) -> None:
        row = {"name": name, "value": round(value, 3), "unit": unit,
               "baseline": round(baseline, 3) if baseline is not None else None,
               "ratio": round(value / baseline, 2) if baseline else None}
        if target is not None:
            row["target"] = target
        self.rows.append(row)
        if self.as_json:
            click.echo(json.dumps(row))
        else:
            ratio = f"{row['ratio']:>6.2f}×" if row["ratio"] is not None else "      -"
            base = f"{row['baseline']:>10.3f}" if row["baseline"] is not None else "         -"
            goal = f"  ({_('target')} ≤ {target} {unit})" if target is not None else ""
            click.echo(f"{name:<26} {row['value']:>10.3f} {unit}  raw {base} {unit}  {ratio}{goal}")


def _first_paint(db_path: Path) -> float:
    env = dict(os.environ, GERAI_BENCH_LOGIN="kasir:1234")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    start = time.time()
    out = subprocess.run([sys.executable, "-m", "app", "--db", str(db_path),
                          "--first-paint-probe"], env=env, capture_output=True, text=True,
                         timeout=120, check=True).stdout
    painted = float(next(line for line in out.splitlines() if line.startswith("first-paint"))
                    .split()[1])
    return (painted - start) * 1000


def _raw_first_page(db_path: Path) -> float:
    code = ("import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1]); "
            "c.execute('SELECT name, brand, price FROM products ORDER BY name LIMIT 200')"
            ".fetchall(); print(time.time())")
    start = time.time()
    out = subprocess.run([sys.executable, "-c", code, str(db_path)], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    return (float(out.strip()) - start) * 1000


def run_bench(*, products: int = 50_000, quick: bool = False, as_json: bool = False) -> list[dict]:
    if quick:
        products = min(products, 10_000)
    runs, lookups = (3, 300) if quick else (5, 2000)
    report = Report(as_json)
    with tempfile.TemporaryDirectory(prefix="gerai-bench-") as tmp:
        db_path = Path(tmp) / "bench.db"
        db = open_db(db_path)
        started = time.perf_counter()
        build_demo(db, products=products, days=0, seed=42)
        if not as_json:
            click.echo(_("Katalog uji: {n} produk dibuat dalam {s:.1f} detik").format(
                n=products, s=time.perf_counter() - started))
        db.checkpoint("TRUNCATE")
        raw = sqlite3.connect(str(db_path))
        rng = random.Random(7)
        codes = [r[0] for r in raw.execute("SELECT code FROM barcodes")]
        codes = [c for c in codes if c.isdigit()]  # what a scanner reads: EAN codes
        scans = [rng.choice(codes) for _ in range(lookups)]
        misses = ["0000000000000"] * (lookups // 20)
        words = [rng.choice(SEARCH_WORDS) for _ in range(lookups // 4)]

        paint = [_first_paint(db_path) for _ in range(runs)]
        raw_paint = [_raw_first_page(db_path) for _ in range(runs)]
        report.add("first_paint_ms", statistics.median(paint), statistics.median(raw_paint),
                   target=1500)

        def raw_search(word):
            # The plain FTS5 query a developer would write first: hits ranked, top 20.
            return raw.execute(
                "SELECT p.id, p.name, p.brand, p.price, b.qty FROM product_search s"
                " JOIN products p ON p.rowid = s.rowid"
                " LEFT JOIN stock_balances b ON b.product_id = p.id"
                " WHERE product_search MATCH ? AND p.archived = 0 ORDER BY s.rank LIMIT 20",
                (product_search.fts_query(word),)).fetchall()

        ours = _time_each(lambda w: product_search.search_products(db, w, limit=20), words)
        base = _time_each(raw_search, words)
        report.add("search_p50", _percentile(ours, 50), _percentile(base, 50))
        report.add("search_p99", _percentile(ours, 99), _percentile(base, 99), target=20)

        def raw_lookup(code):
            row = raw.execute("SELECT product_id, unit_id FROM barcodes WHERE code = ?",
                              (code,)).fetchone()
            if row:
                raw.execute("SELECT * FROM products WHERE id = ?", (row[0],)).fetchone()
                raw.execute("SELECT * FROM product_units WHERE product_id = ?",
                            (row[0],)).fetchall()

        ours = _time_each(lambda c: catalog.find_by_barcode(db, c), scans + misses)
        base = _time_each(raw_lookup, scans + misses)
        report.add("barcode_lookup_p50", _percentile(ours, 50), _percentile(base, 50))
        report.add("barcode_lookup_p99", _percentile(ours, 99), _percentile(base, 99), target=1)

        from app import bench_till

        raw.execute("PRAGMA synchronous=FULL")
        ours, base = bench_till.scan_to_line(db, raw, scans[:lookups // 4])
        report.add("scan_to_line_p50", _percentile(ours, 50), _percentile(base, 50))
        report.add("scan_to_line_p99", _percentile(ours, 99), _percentile(base, 99), target=10)
        product_ids = [r[0] for r in raw.execute(
            "SELECT id FROM products WHERE base_unit = 'pcs' LIMIT 2000")]
        ours, base, sale_id = bench_till.sale_commit(db, raw, product_ids, lookups // 10, rng)
        report.add("sale_commit_p50", _percentile(ours, 50), _percentile(base, 50))
        report.add("sale_commit_p99", _percentile(ours, 99), _percentile(base, 99))
        render = bench_till.receipt_render(db, sale_id, 20 if quick else 100)
        report.add("receipt_render_p50", _percentile(render, 50), None)
        from app import bench_stock
        ours, base = bench_stock.on_hand(db, raw, runs * 2)
        report.add(f"stock_on_hand_{products // 1000}k", statistics.median(ours),
                   statistics.median(base), target=50)
        busy = product_ids[0]
        moves = bench_stock.busy_year(db, busy, per_day=15 if quick else 60)
        ours, base = bench_stock.card(db, raw, busy, runs * 2)
        report.add(f"stock_card_year_{moves // 1000}k_moves", statistics.median(ours),
                   statistics.median(base), target=50)
        from app import bench_consignment
        producer, sold = bench_consignment.busy_month(db, per_day=40 if quick else 150)
        ours, base = bench_consignment.preview(db, raw, producer, runs * 2)
        report.add(f"settlement_preview_month_{sold // 1000}k_sales", statistics.median(ours),
                   statistics.median(base))
        from app import bench_shu
        bench_shu.busy_year(db, members_n=2000, per_day=30 if quick else 100)
        computed, printed, base = bench_shu.shu(db, raw, Path(tmp), runs)
        report.add("shu_compute_2k_members", statistics.median(computed),
                   statistics.median(base))
        report.add("shu_report_pdf_2k_members", statistics.median(printed),
                   statistics.median(base), target=2000)
        raw.close()
        db.close()

        from app import bench_catalog

        # The target is 10 s for 10,000 rows; --quick imports 2,000 (the name says how many).
        rows = 2_000 if quick else 10_000
        ours, base, read = bench_catalog.import_xlsx(Path(tmp), rows)
        report.add(f"import_xlsx_{rows // 1000}k", ours, base, target=rows)
        report.add(f"read_xlsx_{rows // 1000}k", read, None)

        from app import bench_simkopdes

        # A year of 300 sales a day (--quick: 20), its own shop; the name says how many.
        ours, base, sales = bench_simkopdes.year_export(Path(tmp) / "simkopdes",
                                                        per_day=20 if quick else 300, runs=runs)
        report.add(f"simkopdes_export_year_{sales // 1000}k_sales", statistics.median(ours),
                   statistics.median(base), target=5000)

        from app import bench_books

        # The treasurer's monthly report and neraca + PHU on that same year's shop, reopened.
        for name, ours, base, target in bench_books.year_figures(
                Path(tmp) / "simkopdes" / "simkopdes.db", Path(tmp), runs):
            report.add(name, statistics.median(ours), statistics.median(base), target=target)

        from app import bench_sync

        # A busy shop's month (≈ 200k rows; --quick: a tenth) exported, then imported by
        # the hub against a plain executemany; a district of village shops (≈ 9k rows each).
        folder = Path(tmp) / "sync"
        folder.mkdir()
        with bench_sync.own_keys(folder / "keys"):
            for name, value, base, unit, target in bench_sync.figures(
                    folder, scale=0.1 if quick else 1.0, shops=12 if quick else 126):
                report.add(name, value, base, unit=unit, target=target)
    return report.rows

