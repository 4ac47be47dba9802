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
    if applied:
        # A table a later migration adds logs its changes for sync packages too, and a
        # district hub gets its copy of it (or of its new columns).
        from app.models import hub_store
        from app.models.migrations_sync import install_triggers

        with db.atomic():
            install_triggers(db)
            if hub_store.is_hub(db):
                hub_store.ensure_mirrors(db)
    return applied


def _append_only(db: Database, *tables: str) -> None:
    """Triggers that refuse UPDATE and DELETE: a correction is a new row, never an edit."""
    for table in tables:
        for statement in ("UPDATE", "DELETE"):
            db.execute(f"CREATE TRIGGER {table}_no_{statement.lower()} BEFORE {statement}"
                       f" ON {table} BEGIN SELECT RAISE(ABORT, '{table} is append-only:"
                       " correct it with a new, reversing row'); END")


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
        CREATE TABLE stock_balances (
            product_id TEXT PRIMARY KEY REFERENCES products(id),
            qty INTEGER NOT NULL
        );
        """,
    )
    _append_only(db, "audit_log", "stock_movements")


@migration(2, "till: members, shifts, sales, payments, member credit, carts, scale PLU")
def _m2_till(db: Database) -> None:
    _script(
        db,
        """
        ALTER TABLE products ADD COLUMN plu INTEGER;
        CREATE UNIQUE INDEX products_plu ON products(plu) WHERE plu IS NOT NULL;

        CREATE TABLE members (
            id TEXT PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            card_code TEXT UNIQUE,
            phone TEXT NOT NULL DEFAULT '',
            credit_limit INTEGER NOT NULL DEFAULT 0 CHECK (credit_limit >= 0),
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        );
        CREATE VIRTUAL TABLE member_search USING fts5(
            number, name, card_code,
            tokenize = "unicode61 remove_diacritics 2", prefix = '1 2 3'
        );
        CREATE TRIGGER members_fts_insert AFTER INSERT ON members BEGIN
            INSERT INTO member_search(rowid, number, name, card_code)
            VALUES (new.rowid, new.number, new.name, coalesce(new.card_code, ''));
        END;
        CREATE TRIGGER members_fts_update AFTER UPDATE OF number, name, card_code ON members
        BEGIN
            UPDATE member_search SET number = new.number, name = new.name,
                card_code = coalesce(new.card_code, '') WHERE rowid = new.rowid;
        END;
        CREATE TABLE member_credit_movements (
            id TEXT PRIMARY KEY,
            member_id TEXT NOT NULL REFERENCES members(id),
            amount INTEGER NOT NULL CHECK (amount <> 0),
            kind TEXT NOT NULL,
            doc_type TEXT,
            doc_id TEXT,
            user_id TEXT REFERENCES users(id),
            created_at TEXT NOT NULL
        );
        CREATE INDEX member_credit_movements_member ON member_credit_movements(member_id, id);
        CREATE TABLE member_credit (
            member_id TEXT PRIMARY KEY REFERENCES members(id),
            balance INTEGER NOT NULL
        );

        CREATE TABLE shifts (
            id TEXT PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            till TEXT NOT NULL,
            user_id TEXT NOT NULL REFERENCES users(id),
            opened_at TEXT NOT NULL,
            opening_float INTEGER NOT NULL CHECK (opening_float >= 0),
            closed_at TEXT,
            closed_by TEXT REFERENCES users(id),
            expected_cash INTEGER,
            counted_cash INTEGER,
            over_short INTEGER,
            count_detail TEXT
        );
        CREATE UNIQUE INDEX shifts_one_open_per_till ON shifts(till) WHERE closed_at IS NULL;
        CREATE TABLE shift_cash (
            id TEXT PRIMARY KEY,
            shift_id TEXT NOT NULL REFERENCES shifts(id),
            amount INTEGER NOT NULL CHECK (amount <> 0),
            reason TEXT NOT NULL,
            user_id TEXT REFERENCES users(id),
            created_at TEXT NOT NULL
        );

        CREATE TABLE sales (
            id TEXT PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('sale', 'return', 'void')),
            shift_id TEXT NOT NULL REFERENCES shifts(id),
            user_id TEXT NOT NULL REFERENCES users(id),
            member_id TEXT REFERENCES members(id),
            original_id TEXT REFERENCES sales(id),
            subtotal INTEGER NOT NULL,
            cart_discount INTEGER NOT NULL DEFAULT 0,
            total INTEGER NOT NULL,
            change INTEGER NOT NULL DEFAULT 0,
            reason TEXT NOT NULL DEFAULT '',
            approved_by TEXT REFERENCES users(id),
            created_at TEXT NOT NULL
        );
        CREATE INDEX sales_created ON sales(created_at);
        CREATE INDEX sales_original ON sales(original_id) WHERE original_id IS NOT NULL;
        CREATE INDEX sales_shift ON sales(shift_id);
        CREATE TABLE sale_lines (
            id TEXT PRIMARY KEY,
            sale_id TEXT NOT NULL REFERENCES sales(id),
            line_no INTEGER NOT NULL,
            product_id TEXT NOT NULL REFERENCES products(id),
            unit_id TEXT REFERENCES product_units(id),
            name TEXT NOT NULL,
            unit_name TEXT NOT NULL,
            qty INTEGER NOT NULL,
            factor INTEGER NOT NULL,
            base_qty INTEGER NOT NULL,
            unit_price INTEGER NOT NULL,
            discount INTEGER NOT NULL DEFAULT 0,
            amount INTEGER NOT NULL,
            net_amount INTEGER NOT NULL,
            cost INTEGER NOT NULL,
            het INTEGER,
            original_line_id TEXT REFERENCES sale_lines(id)
        );
        CREATE INDEX sale_lines_sale ON sale_lines(sale_id, line_no);
        CREATE INDEX sale_lines_original ON sale_lines(original_line_id)
            WHERE original_line_id IS NOT NULL;
        CREATE TABLE payments (
            id TEXT PRIMARY KEY,
            sale_id TEXT NOT NULL REFERENCES sales(id),
            method TEXT NOT NULL CHECK (method IN ('cash', 'qris', 'transfer', 'bon')),
            amount INTEGER NOT NULL,
            tendered INTEGER,
            reference TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX payments_sale ON payments(sale_id);

        CREATE TABLE carts (
            id TEXT PRIMARY KEY,
            till TEXT NOT NULL,
            held INTEGER NOT NULL DEFAULT 0,
            user_id TEXT REFERENCES users(id),
            label TEXT NOT NULL DEFAULT '',
            data TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX carts_one_open_per_till ON carts(till) WHERE held = 0;
        """,
    )
    _append_only(db, "member_credit_movements", "sales", "sale_lines", "payments")


@migration(3, "index: a document's stock movements")
def _m3_movement_documents(db: Database) -> None:
    db.execute("CREATE INDEX stock_movements_document ON stock_movements(doc_type, doc_id)"
               " WHERE doc_id IS NOT NULL")


# Later migrations live in their own modules; importing them registers them, in order.
from app.models import migrations_stock  # noqa: E402,F401, I001
from app.models import migrations_consignment  # noqa: E402,F401, I001
from app.models import migrations_books  # noqa: E402,F401, I001
from app.models import migrations_sync  # noqa: E402,F401, I001
