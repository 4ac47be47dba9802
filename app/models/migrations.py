"""Numbered schema migrations, run on open. ``PRAGMA user_version`` is the schema version.

Each migration runs in its own transaction and is recorded in ``schema_migrations``.
Never edit a released migration: add the next number.
"""

from __future__ import annotations

from collections.abc import Callable

from app.i18n import _
from app.models.clock import now_iso
from app.models.db import Database
from app.models.errors import SchemaTooNew

Migration = Callable[[Database], None]
MIGRATIONS: list[tuple[int, str, Migration]] = []


def migration(number: int, name: str):
    def register(fn: Migration) -> Migration:
        assert not MIGRATIONS or MIGRATIONS[-1][0] == number - 1, "migrations are consecutive"
        MIGRATIONS.append((number, name, fn))
        return fn

    return register


def latest_version() -> int:
    return MIGRATIONS[-1][0]


def schema_version(db: Database) -> int:
    return db.scalar("PRAGMA user_version")


def migrate(db: Database) -> list[int]:
    """Bring the database up to the program's schema; returns the numbers applied."""
    current = schema_version(db)
    if current > latest_version():
        raise SchemaTooNew(
            _(
                "Basis data ini dibuat oleh Gerai yang lebih baru (skema {found}, program ini "
                "mengenal sampai {known}). Perbarui program Gerai terlebih dahulu."
            ).format(found=current, known=latest_version())
        )
    applied = []
    for number, name, fn in MIGRATIONS:
        if number <= current:
            continue
        with db.atomic():
            fn(db)
            db.execute(
                "INSERT INTO schema_migrations(number, name, applied_at) VALUES (?, ?, ?)",
                (number, name, now_iso()),
            )
            db.execute(f"PRAGMA user_version = {int(number)}")
        applied.append(number)
    return applied


def _script(db: Database, sql: str) -> None:
    """Run DDL statements one by one (executescript would commit our transaction)."""
    for statement in _split_sql(sql):
        db.execute(statement)


def _split_sql(sql: str) -> list[str]:
    import sqlite3

    statements, buf = [], ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                statements.append(buf.strip())
            buf = ""
    if buf.strip():
        statements.append(buf.strip())
    return statements


@migration(1, "foundation: settings, users, audit, products, stock")
def _m1_foundation(db: Database) -> None:
    _script(
        db,
        """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            number INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at TEXT NOT NULL
        );
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE doc_sequences (
            kind TEXT NOT NULL,
            day TEXT NOT NULL,
            last INTEGER NOT NULL,
            PRIMARY KEY (kind, day)
        );
        CREATE TABLE users (
            id TEXT PRIMARY KEY,
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            full_name TEXT NOT NULL,
            role TEXT NOT NULL,
            secret_hash TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            failed_attempts INTEGER NOT NULL DEFAULT 0,
            locked_until TEXT,
            created_at TEXT NOT NULL
        );
        CREATE TABLE audit_log (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            user_id TEXT,
            action TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_id TEXT,
            detail TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

        CREATE TABLE products (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            brand TEXT NOT NULL DEFAULT '',
            category TEXT NOT NULL DEFAULT '',
            base_unit TEXT NOT NULL,
            fractional INTEGER NOT NULL DEFAULT 0,
            price INTEGER NOT NULL CHECK (price >= 0),
            cost INTEGER NOT NULL DEFAULT 0 CHECK (cost >= 0),
            min_stock INTEGER NOT NULL DEFAULT 0 CHECK (min_stock >= 0),
            het INTEGER CHECK (het IS NULL OR het > 0),
            archived INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX products_name ON products(archived, name COLLATE NOCASE);
        CREATE TABLE product_units (
            id TEXT PRIMARY KEY,
            product_id TEXT NOT NULL REFERENCES products(id),
            name TEXT NOT NULL,
            factor INTEGER NOT NULL CHECK (factor > 0),
            price INTEGER CHECK (price IS NULL OR price >= 0),
            UNIQUE (product_id, name)
        );
        CREATE TABLE barcodes (
            code TEXT PRIMARY KEY,
            product_id TEXT NOT NULL REFERENCES products(id),
            unit_id TEXT REFERENCES product_units(id)
        );
        CREATE INDEX barcodes_product ON barcodes(product_id);

        CREATE VIRTUAL TABLE product_search USING fts5(
            name, brand, category, codes,
            tokenize = "unicode61 remove_diacritics 2",
            prefix = '1 2 3'
        );
        CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN
            INSERT INTO product_search(rowid, name, brand, category, codes)
            VALUES (new.rowid, new.name, new.brand, new.category, '');
        END;
        CREATE TRIGGER products_fts_update AFTER UPDATE OF name, brand, category ON products
        BEGIN
            UPDATE product_search SET name = new.name, brand = new.brand,
                category = new.category WHERE rowid = new.rowid;
        END;
        CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN
            DELETE FROM product_search WHERE rowid = old.rowid;
        END;
        CREATE TRIGGER barcodes_fts_insert AFTER INSERT ON barcodes BEGIN
            UPDATE product_search SET codes =
                (SELECT group_concat(code, ' ') FROM barcodes WHERE product_id = new.product_id)
            WHERE rowid = (SELECT rowid FROM products WHERE id = new.product_id);
        END;
        CREATE TRIGGER barcodes_fts_delete AFTER DELETE ON barcodes BEGIN
            UPDATE product_search SET codes =
                coalesce((SELECT group_concat(code, ' ') FROM barcodes
                          WHERE product_id = old.product_id), '')
            WHERE rowid = (SELECT rowid FROM products WHERE id = old.product_id);
        END;

        CREATE TABLE stock_movements (
            id TEXT PRIMARY KEY,
            product_id TEXT NOT NULL REFERENCES products(id),
            kind TEXT NOT NULL,
            qty INTEGER NOT NULL CHECK (qty <> 0),
            unit_cost INTEGER NOT NULL DEFAULT 0,
            doc_type TEXT,
            doc_id TEXT,
            user_id TEXT REFERENCES users(id),
            reason TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE INDEX stock_movements_product ON stock_movements(product_id, id);
        CREATE TRIGGER stock_movements_no_update BEFORE UPDATE ON stock_movements
        BEGIN SELECT RAISE(ABORT, 'stock_movements is append-only'); END;
        CREATE TRIGGER stock_movements_no_delete BEFORE DELETE ON stock_movements
        BEGIN SELECT RAISE(ABORT, 'stock_movements is append-only'); END;
        CREATE TABLE stock_balances (
            product_id TEXT PRIMARY KEY REFERENCES products(id),
            qty INTEGER NOT NULL
        );
        """,
    )
