"""Backups made with SQLite's backup API, checked before they get their name; generations
kept; a restore that refuses a bad file untouched, keeps the replaced database and starts
a new sync epoch."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from app.cli import run
from app.models import backup as backups
from app.models.check import run_checks
from app.models.clock import frozen_clock, now
from app.models.db import open_db
from app.models.errors import UserError


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sales(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM sales").fetchone()[0]
    finally:
        conn.close()


def test_a_backup_is_a_sound_copy_with_no_temporary_file_left(shop, tmp_path):
    out = tmp_path / "copy.gerai-backup"
    result = backups.backup(shop, out)
    assert result.path == out and result.size == out.stat().st_size > 0
    assert backups.verify_backup(out) == result.schema
    assert sales(out) == shop.scalar("SELECT count(*) FROM sales") > 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    copy = open_db(out, create=False)
    try:
        assert all(r.ok for r in run_checks(copy))
    finally:
        copy.close()


def test_no_folder_no_backup(shop, tmp_path):
    with pytest.raises(UserError, match="tidak ada"):
        backups.backup(shop, tmp_path / "missing" / "x.gerai-backup")
    assert not (tmp_path / "missing").exists()


def test_a_folder_keeps_the_newest_generations(shop, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a backup")
    made = []
    for hours in range(5):
        with frozen_clock(now() + timedelta(hours=hours)):
            made.append(backups.backup_to_folder(shop, folder, keep=3))
    kept = backups.backups_in(folder)
    assert [p.name for p in kept] == [r.path.name for r in reversed(made[-3:])]
    assert made[-1].removed == (made[1].path,) and made[-2].removed == (made[0].path,)
    assert (folder / "notes.txt").exists()
    for bad in (0, -1, 1001, True, "3"):
        with pytest.raises(UserError):
            backups.backup_to_folder(shop, folder, keep=bad)


def test_restore_replaces_keeps_the_old_and_starts_a_new_epoch(make_shop, tmp_path):
    shop = make_shop("live.db")
    live = Path(shop.path)
    saved = backups.backup(shop, tmp_path / "saved.gerai-backup").path
    before = shop.scalar("SELECT count(*) FROM sales")
    # Work after the backup: it is lost by the restore (and kept in the replaced copy).
    shop.execute("INSERT INTO settings(key, value) VALUES ('after.backup', '1')")
    shop.checkpoint("TRUNCATE")
    shop.close()
    kept, epoch = backups.restore(live, saved)
    assert epoch == 1 and kept.exists()
    db = open_db(live, create=False)
    try:
        assert db.scalar("SELECT count(*) FROM sales") == before
        assert db.scalar("SELECT value FROM settings WHERE key = 'after.backup'") is None
        assert backups.current_epoch(db) == 1
        assert db.scalar("SELECT count(*) FROM audit_log WHERE action = 'backup.restore'") == 1
        assert all(r.ok for r in run_checks(db))
    finally:
        db.close()
    old = sqlite3.connect(kept)
    assert old.execute("SELECT value FROM settings WHERE key = 'after.backup'").fetchone()
    old.close()
    # Restoring again (a second restore of the same file) moves the epoch on again.
    assert backups.restore(live, saved)[1] == 2


@pytest.mark.parametrize("damage", ["truncated", "random", "foreign", "text", "missing"])
def test_a_bad_backup_is_refused_and_the_live_database_untouched(make_shop, tmp_path, damage):
    shop = make_shop("live.db")
    live = Path(shop.path)
    good = backups.backup(shop, tmp_path / "good.gerai-backup").path
    shop.checkpoint("TRUNCATE")
    shop.close()
    bad = tmp_path / "bad.gerai-backup"
    data = good.read_bytes()
    if damage == "truncated":
        bad.write_bytes(data[: len(data) // 3])
    elif damage == "random":
        bad.write_bytes(bytes(range(256)) * 400)
    elif damage == "foreign":
        other = sqlite3.connect(bad)
        other.execute("CREATE TABLE t(x)")
        other.close()
    elif damage == "text":
        bad.write_text("hello")
    before = digest(live)
    with pytest.raises(UserError):
        backups.restore(live, bad)
    assert digest(live) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["good.gerai-backup", "live.db", *(["bad.gerai-backup"] if damage != "missing" else [])]
        + [p.name for p in tmp_path.iterdir() if p.name.startswith("live.db-")])


def test_a_backup_from_a_newer_gerai_is_refused(shop, tmp_path):
    out = backups.backup(shop, tmp_path / "new.gerai-backup").path
    conn = sqlite3.connect(out)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with pytest.raises(UserError, match="lebih baru"):
        backups.verify_backup(out)


def test_the_command_line(make_shop, tmp_path, capsys):
    shop = make_shop("live.db")
    live = Path(shop.path)
    shop.close()
    folder = tmp_path / "usb"
    folder.mkdir()
    assert run(["backup", "--db", str(live), "--out", str(folder), "--keep", "2"]) == 0
    [made] = backups.backups_in(folder)
    assert run(["restore", "--db", str(live), "--yes", str(made)]) == 0
    out = capsys.readouterr().out
    assert "epoch" in out and made.name in out
    assert run(["restore", "--db", str(live), "--yes", str(tmp_path / "nothing")]) == 1
