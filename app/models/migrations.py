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


def _round_thousandths(expr: str) -> str:
    """SQL for ``expr / 1000`` rounded half away from zero (as money.div_round_half_up)."""
    return (f"(CASE WHEN ({expr}) >= 0 THEN (({expr}) + 500) / 1000"
            f" ELSE -((-({expr}) + 500) / 1000) END)")


@migration(4, "stock and purchasing: stock value, suppliers, orders, receipts, payables,"
              " counts, write-offs, break bulk, pre-orders, program goods")
def _m4_purchasing(db: Database) -> None:
    # Stock carries its value in rupiah beside its quantity, so the moving-average cost is
    # value / quantity and stock value + cost of goods sold = what was bought, to the rupiah.
    db.execute("ALTER TABLE stock_movements ADD COLUMN value INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE stock_balances ADD COLUMN value INTEGER NOT NULL DEFAULT 0")
    db.execute("DROP TRIGGER stock_movements_no_update")
    db.execute(f"UPDATE stock_movements SET value = {_round_thousandths('qty * unit_cost')}")
    db.execute("CREATE TRIGGER stock_movements_no_update BEFORE UPDATE ON stock_movements"
               " BEGIN SELECT RAISE(ABORT, 'stock_movements is append-only:"
               " correct it with a new, reversing row'); END")
    db.execute("UPDATE stock_balances SET value = coalesce((SELECT sum(value)"
               " FROM stock_movements m WHERE m.product_id = stock_balances.product_id), 0)")
    _script(
        db,
        """
        ALTER TABLE products ADD COLUMN rack TEXT NOT NULL DEFAULT '';
        ALTER TABLE products ADD COLUMN program TEXT NOT NULL DEFAULT '';
        ALTER TABLE products ADD COLUMN quota_qty INTEGER CHECK (quota_qty IS NULL OR quota_qty > 0);
        ALTER TABLE products ADD COLUMN quota_period TEXT NOT NULL DEFAULT 'month'
            CHECK (quota_period IN ('day', 'week', 'month'));
        CREATE INDEX sale_lines_product ON sale_lines(product_id);

        CREATE TABLE suppliers (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            contact TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            address TEXT NOT NULL DEFAULT '',
            bank_name TEXT NOT NULL DEFAULT '',
            bank_account TEXT NOT NULL DEFAULT '',
            bank_holder TEXT NOT NULL DEFAULT '',
            terms_days INTEGER NOT NULL DEFAULT 0 CHECK (terms_days BETWEEN 0 AND 365),
            lead_days INTEGER NOT NULL DEFAULT 7 CHECK (lead_days BETWEEN 0 AND 365),
            note TEXT NOT NULL DEFAULT '',
            archived INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX suppliers_name ON suppliers(archived, name COLLATE NOCASE);
        CREATE TABLE supplier_products (
            supplier_id TEXT NOT NULL REFERENCES suppliers(id),
            product_id TEXT NOT NULL REFERENCES products(id),
            unit_id TEXT REFERENCES product_units(id),
            last_price INTEGER NOT NULL CHECK (last_price >= 0),
            updated_at TEXT NOT NULL,
            PRIMARY KEY (supplier_id, product_id)
        );
        CREATE INDEX supplier_products_product ON supplier_products(product_id);

        CREATE TABLE purchase_orders (
            id TEXT PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            supplier_id TEXT NOT NULL REFERENCES suppliers(id),
            status TEXT NOT NULL DEFAULT 'draft'
                CHECK (status IN ('draft', 'sent', 'partial', 'received', 'cancelled')),
            note TEXT NOT NULL DEFAULT '',
            created_by TEXT NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL,
            sent_at TEXT,
            closed_at TEXT,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX purchase_orders_supplier ON purchase_orders(supplier_id, created_at);
        CREATE INDEX purchase_orders_status ON purchase_orders(status, created_at);
        CREATE TABLE purchase_order_lines (
            id TEXT PRIMARY KEY,
            po_id TEXT NOT NULL REFERENCES purchase_orders(id),
            line_no INTEGER NOT NULL,
            product_id TEXT NOT NULL REFERENCES products(id),
            unit_id TEXT REFERENCES product_units(id),
            unit_name TEXT NOT NULL,
            factor INTEGER NOT NULL CHECK (factor > 0),
            qty INTEGER NOT NULL CHECK (qty > 0),
            unit_price INTEGER NOT NULL CHECK (unit_price >= 0),
            amount INTEGER NOT NULL CHECK (amount >= 0),
            UNIQUE (po_id, line_no)
        );
        CREATE INDEX purchase_order_lines_product ON purchase_order_lines(product_id);

        CREATE TABLE goods_receipts (
            id TEXT PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            supplier_id TEXT NOT NULL REFERENCES suppliers(id),
            po_id TEXT REFERENCES purchase_orders(id),
            supplier_invoice_no TEXT NOT NULL DEFAULT '',
            goods_total INTEGER NOT NULL CHECK (goods_total >= 0),
            freight INTEGER NOT NULL DEFAULT 0 CHECK (freight >= 0),
            total INTEGER NOT NULL CHECK (total >= 0),
            note TEXT NOT NULL DEFAULT '',
            user_id TEXT NOT NULL REFERENCES users(id),
            approved_by TEXT REFERENCES users(id),
            created_at TEXT NOT NULL
        );
        CREATE INDEX goods_receipts_po ON goods_receipts(po_id) WHERE po_id IS NOT NULL;
        CREATE INDEX goods_receipts_supplier ON goods_receipts(supplier_id, created_at);
        CREATE TABLE goods_receipt_lines (
            id TEXT PRIMARY KEY,
            receipt_id TEXT NOT NULL REFERENCES goods_receipts(id),
            line_no INTEGER NOT NULL,
            po_line_id TEXT REFERENCES purchase_order_lines(id),
            product_id TEXT NOT NULL REFERENCES products(id),
            unit_id TEXT REFERENCES product_units(id),
            unit_name TEXT NOT NULL,
            factor INTEGER NOT NULL CHECK (factor > 0),
            qty INTEGER NOT NULL CHECK (qty > 0),
            base_qty INTEGER NOT NULL CHECK (base_qty > 0),
            unit_price INTEGER NOT NULL CHECK (unit_price >= 0),
            amount INTEGER NOT NULL CHECK (amount >= 0),
            freight INTEGER NOT NULL DEFAULT 0 CHECK (freight >= 0),
            lot TEXT NOT NULL DEFAULT '',
            expiry TEXT,
            UNIQUE (receipt_id, line_no)
        );
        CREATE INDEX goods_receipt_lines_po_line ON goods_receipt_lines(po_line_id)
            WHERE po_line_id IS NOT NULL;
        CREATE INDEX goods_receipt_lines_expiry ON goods_receipt_lines(expiry, product_id)
            WHERE expiry IS NOT NULL;
        CREATE INDEX goods_receipt_lines_product ON goods_receipt_lines(product_id);

        CREATE TABLE supplier_invoices (
            id TEXT PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            supplier_id TEXT NOT NULL REFERENCES suppliers(id),
            receipt_id TEXT REFERENCES goods_receipts(id),
            invoice_no TEXT NOT NULL DEFAULT '',
            amount INTEGER NOT NULL CHECK (amount > 0),
            invoice_date TEXT NOT NULL,
            due_date TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX supplier_invoices_supplier ON supplier_invoices(supplier_id, due_date);
        CREATE TABLE supplier_payments (
            id TEXT PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            supplier_id TEXT NOT NULL REFERENCES suppliers(id),
            invoice_id TEXT REFERENCES supplier_invoices(id),
            amount INTEGER NOT NULL CHECK (amount > 0),
            method TEXT NOT NULL CHECK (method IN ('cash', 'transfer')),
            reference TEXT NOT NULL DEFAULT '',
            user_id TEXT NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        );
        CREATE INDEX supplier_payments_invoice ON supplier_payments(invoice_id);
        CREATE INDEX supplier_payments_supplier ON supplier_payments(supplier_id, created_at);
        CREATE TABLE payable_movements (
            id TEXT PRIMARY KEY,
            supplier_id TEXT NOT NULL REFERENCES suppliers(id),
            amount INTEGER NOT NULL CHECK (amount <> 0),
            kind TEXT NOT NULL CHECK (kind IN ('invoice', 'payment')),
            doc_type TEXT NOT NULL,
            doc_id TEXT NOT NULL,
            user_id TEXT REFERENCES users(id),
            created_at TEXT NOT NULL
        );
        CREATE INDEX payable_movements_supplier ON payable_movements(supplier_id, id);
        CREATE TABLE supplier_balances (
            supplier_id TEXT PRIMARY KEY REFERENCES suppliers(id),
            balance INTEGER NOT NULL
        );

        CREATE TABLE stock_counts (
            id TEXT PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            scope TEXT NOT NULL DEFAULT 'all' CHECK (scope IN ('all', 'category', 'rack')),
            scope_value TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'posted', 'cancelled')),
            note TEXT NOT NULL DEFAULT '',
            opened_by TEXT NOT NULL REFERENCES users(id),
            opened_at TEXT NOT NULL,
            closed_by TEXT REFERENCES users(id),
            approved_by TEXT REFERENCES users(id),
            closed_at TEXT
        );
        CREATE TABLE stock_count_lines (
            count_id TEXT NOT NULL REFERENCES stock_counts(id),
            product_id TEXT NOT NULL REFERENCES products(id),
            counted_qty INTEGER NOT NULL CHECK (counted_qty >= 0),
            book_qty INTEGER NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            user_id TEXT REFERENCES users(id),
            counted_at TEXT NOT NULL,
            PRIMARY KEY (count_id, product_id)
        );

        CREATE TABLE writeoffs (
            id TEXT PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            product_id TEXT NOT NULL REFERENCES products(id),
            qty INTEGER NOT NULL CHECK (qty > 0),
            value INTEGER NOT NULL,
            reason_kind TEXT NOT NULL CHECK (reason_kind IN ('rusak', 'kedaluwarsa', 'hilang')),
            note TEXT NOT NULL DEFAULT '',
            user_id TEXT NOT NULL REFERENCES users(id),
            approved_by TEXT NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        );

        CREATE TABLE bulk_opens (
            id TEXT PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            source_product_id TEXT NOT NULL REFERENCES products(id),
            source_unit_id TEXT REFERENCES product_units(id),
            source_unit_name TEXT NOT NULL,
            source_qty INTEGER NOT NULL CHECK (source_qty > 0),
            target_product_id TEXT NOT NULL REFERENCES products(id),
            expected_qty INTEGER NOT NULL CHECK (expected_qty > 0),
            opened_by TEXT NOT NULL REFERENCES users(id),
            opened_at TEXT NOT NULL,
            closed_by TEXT REFERENCES users(id),
            closed_at TEXT,
            sold_qty INTEGER,
            remaining_qty INTEGER,
            susut_qty INTEGER
        );
        CREATE UNIQUE INDEX bulk_opens_one_open ON bulk_opens(target_product_id)
            WHERE closed_at IS NULL;

        CREATE TABLE preorders (
            id TEXT PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            member_id TEXT NOT NULL REFERENCES members(id),
            product_id TEXT NOT NULL REFERENCES products(id),
            unit_id TEXT REFERENCES product_units(id),
            unit_name TEXT NOT NULL,
            factor INTEGER NOT NULL CHECK (factor > 0),
            qty INTEGER NOT NULL CHECK (qty > 0),
            unit_price INTEGER NOT NULL CHECK (unit_price >= 0),
            deposit INTEGER NOT NULL DEFAULT 0 CHECK (deposit >= 0),
            status TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'ordered', 'fulfilled', 'cancelled')),
            po_id TEXT REFERENCES purchase_orders(id),
            sale_id TEXT REFERENCES sales(id),
            note TEXT NOT NULL DEFAULT '',
            created_by TEXT NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX preorders_status ON preorders(status, product_id);
        """,
    )
    # A member's pre-order deposit (uang muka) pays part of the sale that fulfils it.
    for trigger in ("payments_no_update", "payments_no_delete"):
        db.execute(f"DROP TRIGGER {trigger}")
    _script(
        db,
        """
        CREATE TABLE payments_v4 (
            id TEXT PRIMARY KEY,
            sale_id TEXT NOT NULL REFERENCES sales(id),
            method TEXT NOT NULL CHECK (method IN ('cash', 'qris', 'transfer', 'bon', 'deposit')),
            amount INTEGER NOT NULL,
            tendered INTEGER,
            reference TEXT NOT NULL DEFAULT ''
        );
        INSERT INTO payments_v4 SELECT id, sale_id, method, amount, tendered, reference
            FROM payments;
        DROP TABLE payments;
        ALTER TABLE payments_v4 RENAME TO payments;
        CREATE INDEX payments_sale ON payments(sale_id);
        """,
    )
    _append_only(db, "payments", "goods_receipts", "goods_receipt_lines", "supplier_invoices",
                 "supplier_payments", "payable_movements", "writeoffs")
