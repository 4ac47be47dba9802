"""Opening a shop database, transactions, and idle-time checkpoints."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from app.i18n import _
from app.models.errors import UserError

BUSY_TIMEOUT_MS = 5000


class Database:
    """One SQLite connection with the shop's pragmas and a nestable ``atomic()``.

    A connection belongs to the thread that opened it; workers open their own.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        self._depth = 0
        self._lock = threading.RLock()

    @contextmanager
    def atomic(self) -> Iterator[Database]:
        """One business event: BEGIN IMMEDIATE ... COMMIT, or a savepoint when nested."""
        with self._lock:
            if self._depth == 0:
                self.conn.execute("BEGIN IMMEDIATE")
            else:
                self.conn.execute(f"SAVEPOINT sp{self._depth}")
            self._depth += 1
            try:
                yield self
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self.conn.execute("ROLLBACK")
                else:
                    self.conn.execute(f"ROLLBACK TO sp{self._depth}")
                    self.conn.execute(f"RELEASE sp{self._depth}")
                raise
            self._depth -= 1
            if self._depth == 0:
                self.conn.execute("COMMIT")
            else:
                self.conn.execute(f"RELEASE sp{self._depth}")

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def execute(self, sql: str, params: Sequence[Any] | dict = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows) -> sqlite3.Cursor:
        return self.conn.executemany(sql, rows)

    def query(self, sql: str, params: Sequence[Any] | dict = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def one(self, sql: str, params: Sequence[Any] | dict = ()) -> sqlite3.Row | None:
        return self.conn.execute(sql, params).fetchone()

    def scalar(self, sql: str, params: Sequence[Any] | dict = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def checkpoint(self, mode: str = "PASSIVE") -> tuple[int, int, int]:
        """Move the WAL into the database file; call when the till is idle, never mid-sale."""
        if mode not in ("PASSIVE", "FULL", "RESTART", "TRUNCATE"):
            raise ValueError(mode)
        row = self.conn.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
        return tuple(row)

    def close(self) -> None:
        self.conn.close()


def _connect(path: Path) -> sqlite3.Connection:
    from app.models.migrations import latest_version

    conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    # A refused file is closed at once: left open, Windows would keep it locked.
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # Read before anything is written: a file that is not ours is refused untouched.
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if tables and not conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations'"
        ).fetchone():
            raise sqlite3.DatabaseError("not a Gerai database")
        # A file from a newer Gerai keeps its journal mode: migrate() refuses it untouched.
        if conn.execute("PRAGMA user_version").fetchone()[0] > latest_version():
            return conn
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise sqlite3.DatabaseError(f"journal_mode={mode}")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        # Deleted content (an old phone number, a replaced row) is zeroed, not left in
        # free pages for whoever copies the file.
        conn.execute("PRAGMA secure_delete=ON")
        # Checkpoints run at idle time (Database.checkpoint), never inside a sale's commit.
        conn.execute("PRAGMA wal_autocheckpoint=0")
    except BaseException:
        conn.close()
        raise
    return conn


def open_db(path: str | Path, *, create: bool = True, migrate: bool = True) -> Database:
    """Open (and upgrade) a shop database. Refuses a missing file unless ``create``."""
    from app.models.migrations import migrate as run_migrations

    path = Path(path)
    if not create and not path.exists():
        raise UserError(_("Basis data tidak ditemukan: {path}").format(path=path))
    if path.exists() and path.is_dir():
        raise UserError(_("{path} adalah folder, bukan berkas basis data.").format(path=path))
    if not create and path.stat().st_size == 0:
        raise UserError(
            _("Berkas ini bukan basis data Gerai atau rusak: {path}").format(path=path))
    if create:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise UserError(
                _("Folder basis data tidak dapat dibuat: {path} ({reason})").format(
                    path=path.parent, reason=e.strerror
                )
            ) from e
    try:
        conn = _connect(path)
    except sqlite3.DatabaseError as e:
        raise UserError(
            _("Berkas ini bukan basis data Gerai atau rusak: {path}").format(path=path)
        ) from e
    db = Database(conn, path)
    if migrate:
        try:
            run_migrations(db)
        except sqlite3.DatabaseError as e:
            conn.close()
            raise UserError(
                _("Berkas ini bukan basis data Gerai atau rusak: {path}").format(path=path)
            ) from e
        except BaseException:
            conn.close()
            raise
    return db
