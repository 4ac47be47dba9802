"""Databases made by earlier releases open, upgrade and check clean.

Each release adds its demo database here (`gerai demo --db tests/fixtures/release-X.db
--products 40 --days 3 --seed 11`; from 0.4.0 `--days 7` so it holds consignment); a
migration that loses or breaks data fails here.
"""

import shutil
from pathlib import Path

import pytest

from app.models import audit, members, stock
from app.models.check import run_checks
from app.models.db import open_db
from app.models.migrations import latest_version, schema_version
from app.models.product_search import count_products, list_products
from app.models.products import find_by_barcode

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("release-*.db"))


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_database_from_an_earlier_release_opens_and_checks_clean(tmp_path, fixture,
                                                                 monkeypatch):
    # The personal-data keys of the fixtures travel with them (0.5.0 on sealed members'
    # NIK and phone); a copy, so that sealing the phones of older releases on upgrade
    # writes its new key into the test's folder, not into tests/fixtures.
    keys = tmp_path / "keys"
    shutil.copytree(Path(__file__).parent / "fixtures" / "keys", keys)
    monkeypatch.setenv("GERAI_KEY_DIR", str(keys))
    path = tmp_path / fixture.name
    shutil.copy(fixture, path)
    db = open_db(path, create=False)
    try:
        assert schema_version(db) == latest_version()
        assert all(result.ok for result in run_checks(db)), run_checks(db)
        assert count_products(db) == 40
        first = list_products(db, limit=1)[0]
        code = first.codes.split()[0]
        assert find_by_barcode(db, code).product.id == first.id
        assert not stock.ledger_mismatches(db)
        assert audit.verify(db).ok
        # An upgraded shop sends everything it holds in its first package.
        from app.models import sync_data
        changes = sync_data.collect(db, full=True)
        assert changes.counts.get("sales", 0) == db.scalar("SELECT count(*) FROM sales")
        assert changes.counts["products"] == 40
        sealed = db.scalar("SELECT count(*) FROM members WHERE nik_sealed IS NOT NULL")
        if sealed:
            assert all(m.nik_masked and m.nik_masked != members.LOCKED
                       for m in members.list_members(db) if m.nik_masked)
    finally:
        db.close()


def test_there_is_a_fixture_for_the_current_release():
    from app import __version__

    assert any(f.stem == f"release-{__version__}" for f in FIXTURES)
