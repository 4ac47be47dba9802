"""Backups of the shop's database, and restoring one.

A backup is made with SQLite's online backup API (the till may keep selling), written
under a temporary name in the target folder, fsynced, opened again and checked (integrity
and that it is a Gerai database of a known schema), and only then renamed to its final name
and the folder fsynced: a power cut or a pulled USB stick leaves either the old backups or
a complete new one, never a half file under a backup's name. A folder keeps the newest
``keep`` generations.

Restoring checks the backup the same way, keeps the current database beside it (in case
the wrong file was chosen), replaces the database through the backup API into a temporary
file and a rename, and starts a new sync epoch: the district's hub then sees the restored
shop's next package as a fork of its history, never as silent duplicates.

The personal-data key (app.models.personal) is not in a backup: a backup alone shows no
NIK or phone. Restoring on another computer needs the key too: the admin saves it locked
with a passphrase (app.sync.key_backup; the Cadangan page's F7) and puts it back after the
restore (F8, or ``personal.install_key`` through ``gerai keys import``).
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app.i18n import _
from app.models import audit
from app.models.clock import local, now_iso
from app.models.db import Database
from app.models.errors import UserError
from app.models.files import fsync_dir, fsync_file
from app.models.settings import get_settings

SUFFIX = ".gerai-backup"
EPOCH_KEY = "sync.epoch"
DEFAULT_KEEP = 14
_PAGES_PER_STEP = 1024


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    schema: int
    removed: tuple[Path, ...] = ()


def _storage_error(exc: OSError, folder: Path) -> UserError:
    import errno

    if exc.errno == errno.ENOSPC:
        return UserError(_("Tempat di {folder} penuh: cadangan tidak dibuat.").format(
            folder=folder), "out")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return UserError(_("{folder} tidak dapat ditulisi (hanya-baca atau tanpa izin).")
                         .format(folder=folder), "out")
    return UserError(_("Cadangan gagal ditulis ke {folder}: {error}").format(
        folder=folder, error=exc.strerror or exc), "out")


def verify_backup(path: Path) -> int:
    """The schema version of a sound Gerai backup at ``path``, or a UserError saying what
    is wrong with it. Opens it read-only: checking changes nothing."""
    from app.models.migrations import latest_version

    if not path.is_file():
        raise UserError(_("Berkas cadangan {path} tidak ada.").format(path=path), "file")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        raise UserError(_("{path} bukan berkas cadangan Gerai.").format(path=path),
                        "file") from None
    try:
        try:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
            ours = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations'"
                                ).fetchone()
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError:
            raise UserError(_("{path} bukan berkas cadangan Gerai atau rusak.").format(
                path=path), "file") from None
        if ok != "ok":
            raise UserError(_("Cadangan {path} rusak: {detail}").format(path=path, detail=ok),
                            "file")
        if not ours:
            raise UserError(_("{path} bukan berkas cadangan Gerai.").format(path=path), "file")
        if version > latest_version():
            raise UserError(_("Cadangan {path} dibuat oleh Gerai yang lebih baru.").format(
                path=path), "file")
        return version
    finally:
        conn.close()


def backup_name(db: Database) -> str:
    """``KDMP017-20261126-211530.gerai-backup``: the shop and its local time."""
    settings = get_settings(db)
    at = local(now_iso(), settings.zone)
    return f"{settings.shop_code}-{at:%Y%m%d-%H%M%S}{SUFFIX}"


def backup(db: Database, out: Path) -> BackupResult:
    """Copy the live database to ``out`` (a file name) safely; see the module's docstring."""
    out = Path(out)
    folder = out.parent
    if not folder.is_dir():
        raise UserError(_("Folder {folder} tidak ada.").format(folder=folder), "out")
    if db.in_transaction:
        raise RuntimeError("a backup is taken between business events")
    part = folder / f".{out.name}.{os.getpid()}.part"
    try:
        target = sqlite3.connect(str(part))
        try:
            db.conn.backup(target, pages=_PAGES_PER_STEP)
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
        fsync_file(part)
        schema = verify_backup(part)
        os.replace(part, out)
        fsync_dir(folder)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise _storage_error(exc, folder) from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return BackupResult(out, out.stat().st_size, schema)


def backups_in(folder: Path, shop_code: str | None = None) -> list[Path]:
    """The backups in ``folder`` (of one shop), newest first by their names' time."""
    pattern = re.compile(rf"^{re.escape(shop_code) if shop_code else '.+'}-\d{{8}}-\d{{6}}"
                         rf"{re.escape(SUFFIX)}$")
    found = [p for p in Path(folder).iterdir() if p.is_file() and pattern.match(p.name)]
    return sorted(found, key=lambda p: p.name[-len(SUFFIX) - 15:], reverse=True)


def backup_to_folder(db: Database, folder: Path, *, keep: int = DEFAULT_KEEP) -> BackupResult:
    """A new generation in ``folder``; the oldest beyond ``keep`` are removed (only after
    the new one is safe)."""
    if not isinstance(keep, int) or isinstance(keep, bool) or not 1 <= keep <= 1000:
        raise UserError(_("Jumlah cadangan yang disimpan harus 1 sampai 1000."), "keep")
    folder = Path(folder)
    result = backup(db, folder / backup_name(db))
    shop_code = get_settings(db).shop_code
    removed = []
    for old in backups_in(folder, shop_code)[keep:]:
        try:
            old.unlink()
            removed.append(old)
        except OSError:
            pass
    return BackupResult(result.path, result.size, result.schema, tuple(removed))


def current_epoch(db: Database) -> int:
    value = db.scalar("SELECT value FROM settings WHERE key = ?", (EPOCH_KEY,))
    return int(value) if value and str(value).isdigit() else 0


def restore(db_path: Path, file: Path, *, user_id: str | None = None) -> tuple[Path, int]:
    """Replace the (closed) database at ``db_path`` with the backup ``file``. Returns where
    the replaced database was kept and the new sync epoch."""
    from app.models.db import open_db

    db_path, file = Path(db_path), Path(file)
    verify_backup(file)
    if file.resolve() == db_path.resolve():
        raise UserError(_("Cadangan dan basis data adalah berkas yang sama."), "file")
    epoch = 0
    kept = None
    if db_path.exists():
        live = open_db(db_path, create=False)
        try:
            epoch = current_epoch(live)
            kept = db_path.with_name(f"{db_path.name}.before-restore-{backup_name(live)}")
            backup(live, kept)
        finally:
            live.close()
    part = db_path.with_name(f".{db_path.name}.{os.getpid()}.restore")
    try:
        source = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
        target = sqlite3.connect(str(part))
        try:
            source.backup(target, pages=_PAGES_PER_STEP)
        finally:
            source.close()
            target.close()
        fsync_file(part)
        verify_backup(part)
        for stale in (Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
            stale.unlink(missing_ok=True)
        os.replace(part, db_path)
        fsync_dir(db_path.parent)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise _storage_error(exc, db_path.parent) from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    restored = open_db(db_path, create=False)
    try:
        new_epoch = max(epoch, current_epoch(restored)) + 1
        with restored.atomic():
            restored.execute("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key)"
                             " DO UPDATE SET value = excluded.value", (EPOCH_KEY, str(new_epoch)))
            audit.record(restored, user_id=user_id, action="backup.restore", entity="database",
                         entity_id=None, detail={"file": file.name, "epoch": new_epoch})
        restored.checkpoint("TRUNCATE")
    finally:
        restored.close()
    return kept, new_epoch
