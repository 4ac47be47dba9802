"""The sync and hub commands end to end, as an officer and a shop manager type them: keys,
enrollment, packages on a stick, imports that say what they did, exit 1 on a refusal, and a
shop restored from a backup seen as a fork."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from app.cli import run
from app.models.db import open_db


@pytest.fixture
def office(tmp_path, monkeypatch, demo_template):
    """A shop (demo copy) and a hub, keys made, enrolled and registered by the CLI."""
    monkeypatch.setenv("GERAI_SYNC_KEY_DIR", str(tmp_path / "keys"))
    shop = tmp_path / "shop.db"
    shutil.copy(demo_template.path, shop)
    hub = tmp_path / "hub.db"
    usb = tmp_path / "usb"
    usb.mkdir()
    steps = [["sync", "keygen", "--db", str(shop)],
             ["sync", "pubkey", "--db", str(shop), "--out", str(tmp_path / "shop.pub")],
             ["hub", "init", "--db", str(hub), "--district", "LAMSEL"],
             ["hub", "pubkey", "--db", str(hub), "--out", str(tmp_path / "district.pub")],
             ["sync", "enroll", "--db", str(shop), "--district-key",
              str(tmp_path / "district.pub")],
             ["hub", "register", "--db", str(hub), "--shop-key", str(tmp_path / "shop.pub"),
              "--code", "kdmp017"]]
    for argv in steps:
        assert run(argv) == 0, argv
    return shop, hub, usb


def content(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


def count(path: Path, sql: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def test_a_shop_month_reaches_the_hub_once(office, capsys):
    shop, hub, usb = office
    assert run(["sync", "export", "--db", str(shop), "--out", str(usb)]) == 0
    out = capsys.readouterr().out
    assert "aman dicabut" in out
    (package,) = usb.glob("*.gerai")
    assert package.name == "KDMP017-0-1-1.gerai"
    assert run(["hub", "import", "--db", str(hub), str(usb)]) == 0
    out = capsys.readouterr().out
    assert "berikutnya" in out and "1 diterapkan" in out
    sold = count(shop, "SELECT count(*) FROM sales")
    assert count(hub, "SELECT count(*) FROM s_sales") == sold > 0
    assert count(hub, "SELECT count(*) FROM s_sale_lines") == count(
        shop, "SELECT count(*) FROM sale_lines")
    # Carried again: nothing changes, and it says so (exit 0: not a refusal).
    before = content(hub)
    assert run(["hub", "import", "--db", str(hub), str(package)]) == 0
    assert "duplikat" in capsys.readouterr().out
    assert content(hub) == before


def test_packages_carried_out_of_order_land_as_a_chain(office, capsys):
    shop, hub, usb = office
    for _i in range(3):
        assert run(["sync", "export", "--db", str(shop), "--out", str(usb)]) == 0
    names = sorted(p.name for p in usb.glob("*.gerai"))
    assert names == ["KDMP017-0-1-1.gerai", "KDMP017-0-2-2.gerai", "KDMP017-0-3-3.gerai"]
    # The third alone is a gap: refused, exit 1, nothing written.
    before = content(hub)
    assert run(["hub", "import", "--db", str(hub), str(usb / names[2])]) == 1
    out = capsys.readouterr().out
    assert "celah" in out and "1–2" in out
    assert content(hub) == before
    # A folder in any order: sorted into the chain.
    assert run(["hub", "import", "--db", str(hub), str(usb / names[2]), str(usb / names[0]),
                str(usb / names[1])]) == 0
    assert "3 diterapkan" in capsys.readouterr().out


def test_a_damaged_package_exits_1_with_its_reason_and_writes_nothing(office, capsys, tmp_path):
    shop, hub, usb = office
    assert run(["sync", "export", "--db", str(shop), "--out", str(usb)]) == 0
    (package,) = usb.glob("*.gerai")
    data = bytearray(package.read_bytes())
    data[-100] ^= 0x01
    bad = tmp_path / "bad.gerai"
    bad.write_bytes(bytes(data))
    before = content(hub)
    assert run(["hub", "import", "--db", str(hub), str(bad)]) == 1
    out = capsys.readouterr().out
    assert "ditolak" in out and "Tanda tangan paket tidak sah" in out
    assert content(hub) == before


def test_a_restored_shop_is_a_fork_until_the_officer_accepts_it(office, capsys, tmp_path):
    shop, hub, usb = office
    backup = tmp_path / "before.gerai-backup"
    assert run(["backup", "--db", str(shop), "--out", str(backup)]) == 0
    assert run(["sync", "export", "--db", str(shop), "--out", str(usb)]) == 0
    assert run(["hub", "import", "--db", str(hub), str(usb)]) == 0
    assert run(["restore", "--db", str(shop), str(backup), "--yes"]) == 0
    later = tmp_path / "later"
    later.mkdir()
    assert run(["sync", "export", "--db", str(shop), "--out", str(later)]) == 0
    (package,) = later.glob("*.gerai")
    assert package.name == "KDMP017-1-1-1.gerai"      # epoch 1, everything again
    capsys.readouterr()
    before = content(hub)
    assert run(["hub", "import", "--db", str(hub), str(package)]) == 1
    out = capsys.readouterr().out
    assert "cabang" in out and "masa 1" in out and "masa 0" in out
    assert content(hub) == before
    assert run(["hub", "import", "--db", str(hub), "--accept-fork", str(package)]) == 0
    assert "cabang" in capsys.readouterr().out
    db = open_db(hub, create=False)
    try:
        row = db.one("SELECT epoch, last_seq FROM hub_shops WHERE code = 'KDMP017'")
        assert (row["epoch"], row["last_seq"]) == (1, 1)
    finally:
        db.close()


def test_bad_keys_and_unknown_shops_are_refused_clearly(office, capsys, tmp_path):
    shop, hub, usb = office
    junk = tmp_path / "junk.pub"
    junk.write_text("not a key\n")
    assert run(["hub", "register", "--db", str(hub), "--shop-key", str(junk),
                "--code", "X1"]) == 1
    assert run(["sync", "enroll", "--db", str(shop), "--district-key", str(junk)]) == 1
    # The same key under another code: refused.
    assert run(["hub", "register", "--db", str(hub), "--shop-key",
                str(tmp_path / "shop.pub"), "--code", "OTHER"]) == 1
    err = capsys.readouterr().err
    assert "sudah terdaftar" in err
    # A key made twice is refused: the registered one must never be replaced.
    assert run(["sync", "keygen", "--db", str(shop)]) == 1
    assert "tidak ditimpa" in capsys.readouterr().err


def test_a_shop_that_is_not_enrolled_cannot_export(tmp_path, monkeypatch, demo_template, capsys):
    monkeypatch.setenv("GERAI_SYNC_KEY_DIR", str(tmp_path / "keys"))
    shop = tmp_path / "shop.db"
    shutil.copy(demo_template.path, shop)
    assert run(["sync", "export", "--db", str(shop), "--out", str(tmp_path)]) == 1
    assert "belum terdaftar" in capsys.readouterr().err
    assert list(tmp_path.glob("*.gerai")) == []
    assert count(shop, "SELECT count(*) FROM sync_exports") == 0


def test_the_office_prints_a_district_report(office, capsys, tmp_path):
    shop, hub, usb = office
    assert run(["sync", "export", "--db", str(shop), "--out", str(usb)]) == 0
    assert run(["hub", "import", "--db", str(hub), str(usb)]) == 0
    out = tmp_path / "shops.csv"
    assert run(["hub", "report", "shops", "--db", str(hub), "--from", "2026-01-01",
                "--to", "2026-12-31", "--format", "csv", "--out", str(out)]) == 0
    assert "KDMP017" in out.read_text(encoding="utf-8-sig")
    assert run(["hub", "report", "nonsense", "--db", str(hub), "--from", "2020-01-01",
                "--to", "2020-01-31", "--out", str(tmp_path / "x.pdf")]) == 2
    assert "shops" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_a_cashier_may_not_send_or_take_in_packages(office, kasir, manajer, tmp_path):
    from app.models.errors import PermissionDenied
    from app.sync import hub as hubs
    from app.sync import shop as shops

    shop, hub, usb = office
    db = open_db(shop, create=False)
    try:
        before = content(shop)
        with pytest.raises(PermissionDenied, match="mengirim paket"):
            shops.export(db, usb, user=kasir)
        assert content(shop) == before and list(usb.iterdir()) == []
        done = shops.export(db, usb, user=manajer)
    finally:
        db.close()
    hub_db = open_db(hub, create=False)
    try:
        result = hubs.import_file(hub_db, done.path, user=kasir)
        assert not result.applied and "mengelola gerai" in result.message
        assert hub_db.scalar("SELECT count(*) FROM hub_packages") == 0
        assert hubs.import_file(hub_db, done.path, user=manajer).kind == "next"
    finally:
        hub_db.close()


def test_nothing_waits_to_be_sent_right_after_a_package(office):
    from app.models import sync_data
    from app.sync import shop as shops

    shop, hub, usb = office
    db = open_db(shop, create=False)
    try:
        assert sync_data.pending_changes(db) > 1000
        shops.export(db, usb)
        assert sync_data.pending_changes(db) == 0
        db.execute("UPDATE members SET address = 'Jl. Baru 1' WHERE rowid = 1")
        assert sync_data.pending_changes(db) == 1
    finally:
        db.close()


def test_the_personal_data_key_travels_with_a_passphrase(tmp_path, monkeypatch, capsys, shop):
    from app.models import personal

    monkeypatch.setenv("GERAI_KEY_PASSPHRASE", "sukamaju-2026-kunci")
    path = shop.path
    key_file = personal.personal_key(shop).path
    shop.close()
    saved = tmp_path / "stick"
    saved.mkdir()
    assert run(["keys", "export", "--db", str(path), "--out", str(saved)]) == 0
    (copy,) = saved.glob("gerai-kunci-*.age")
    secret = key_file.read_bytes()
    key_file.unlink()
    personal._cache.clear()
    capsys.readouterr()
    monkeypatch.setenv("GERAI_KEY_PASSPHRASE", "a-wrong-passphrase")
    assert run(["keys", "import", "--db", str(path), str(copy)]) == 1
    assert not key_file.exists()
    monkeypatch.setenv("GERAI_KEY_PASSPHRASE", "sukamaju-2026-kunci")
    assert run(["keys", "import", "--db", str(path), str(copy)]) == 0
    assert "dipulihkan" in capsys.readouterr().out
    assert key_file.read_bytes() == secret


def test_a_hub_copy_missing_a_column_or_table_is_made_whole_again(office):
    from app.models import hub_store

    _shop, hub, _usb = office
    db = open_db(hub, create=False)
    try:
        db.execute("ALTER TABLE s_products DROP COLUMN rack")
        db.execute("DROP TABLE s_writeoffs")
        with db.atomic():
            hub_store.ensure_mirrors(db)
        columns = {r["name"] for r in db.query("SELECT name FROM pragma_table_info('s_products')")}
        assert "rack" in columns
        assert db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 's_writeoffs'") == 1
    finally:
        db.close()
