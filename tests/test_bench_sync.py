"""The sync bench at a tiny size: its bulk trade looks like the till's (a sound audit chain,
balances that add up), the hub takes every package in full, and the figures are named."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from app import bench_sync
from app.models import audit, bench_trade
from app.models.stock import on_hand


def test_bulk_month_writes_a_chained_consistent_month(tmp_path):
    with bench_sync.own_keys(tmp_path / "keys"):
        db = bench_sync.make_shop(tmp_path / "s.db", products=60, members=5, seed=3)
        before = db.scalar("SELECT count(*) FROM stock_movements")
        written = bench_trade.bulk_month(db, first_midnight=datetime(2026, 9, 30, 17, tzinfo=UTC),
                                         days=3, sales_per_day=20, tills=2, seed=4)
        assert written.counts["sales"] == 60 and written.counts["shifts"] == 6
        assert db.scalar("SELECT count(*) FROM sales") == 60
        assert db.scalar("SELECT count(*) FROM stock_movements") - before == \
            written.counts["sale_lines"]
        assert audit.verify(db).ok
        # Each sale's payments and lines add up to its total.
        assert not db.query("SELECT s.id FROM sales s WHERE s.total <> (SELECT sum(amount)"
                            " FROM payments p WHERE p.sale_id = s.id) OR s.total <> (SELECT"
                            " sum(net_amount) FROM sale_lines l WHERE l.sale_id = s.id)")
        # Balances moved with the movements.
        product = db.scalar("SELECT product_id FROM sale_lines LIMIT 1")
        moved = db.scalar("SELECT sum(qty) FROM stock_movements WHERE product_id = ?",
                          (product,))
        assert on_hand(db, product) == moved
        db.close()


def test_figures_at_a_tiny_size(tmp_path):
    keys_before = os.environ.get("GERAI_SYNC_KEY_DIR")
    with bench_sync.own_keys(tmp_path / "keys"):
        found = bench_sync.figures(tmp_path, scale=0.01, shops=2, runs=1)
    assert os.environ.get("GERAI_SYNC_KEY_DIR") == keys_before
    names = [f[0] for f in found]
    assert names[0].startswith("sync_export_") and names[2].startswith("hub_import_")
    assert "hub_import_district_2_shops" in names
    assert all(value > 0 for _n, value, *_rest in found)
    assert found[2][2] > 0      # the raw executemany baseline was measured


def test_package_cell_check_refuses_what_the_slow_check_refused():
    """The set-based check of package rows (added for speed) refuses and accepts exactly as
    the cell-by-cell one: floats, dicts, ragged rows and non-rows refused; subclasses of
    the allowed types and tuples accepted."""
    import pytest

    from app.models.errors import PackageRefused
    from app.sync.package import check_tables

    class Code(str):
        pass

    good = {"t": {"columns": ["a", "b"], "rows": [[1, "x"], (None, b"y"), [True, Code("z")]]}}
    assert check_tables(good) is good
    for bad_rows in ([[1, 1.5]], [[1, {"a": 1}]], [[1]], [[1, 2, 3]], [1], ["ab"], [None]):
        with pytest.raises(PackageRefused):
            check_tables({"t": {"columns": ["a", "b"], "rows": bad_rows}})
