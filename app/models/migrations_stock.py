"""Migration 4: stock and purchasing (release 0.3.0). Registered by app.models.migrations."""

from __future__ import annotations

from app.models.db import Database
from app.models.migrations import _append_only, _script, migration


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
