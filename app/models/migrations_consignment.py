"""Migration 5: consignment and UMKM products (release 0.4.0). Registered by
app.models.migrations."""

from __future__ import annotations

from app.models.db import Database
from app.models.migrations import _append_only, _script, migration


@migration(5, "consignment: consignors, intake batches, their ledger, settlements, payments,"
              " returns and counts; product compliance for retail partners")
def _m5_consignment(db: Database) -> None:
    _script(
        db,
        """
        -- A consigned product (titip jual) belongs to its producers until it sells: it has no
        -- stock movements and no cost of ours; its stock is the consignment batches.
        ALTER TABLE products ADD COLUMN consigned INTEGER NOT NULL DEFAULT 0
            CHECK (consigned IN (0, 1));

        CREATE TABLE consignors (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            village TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            address TEXT NOT NULL DEFAULT '',
            pay_method TEXT NOT NULL DEFAULT 'cash' CHECK (pay_method IN ('cash', 'transfer')),
            bank_name TEXT NOT NULL DEFAULT '',
            bank_account TEXT NOT NULL DEFAULT '',
            bank_holder TEXT NOT NULL DEFAULT '',
            -- percent: the shop keeps commission_bp/10000 of the sale; fixed: the producer
            -- gets the agreed price per unit and the shop keeps the rest.
            terms TEXT NOT NULL DEFAULT 'percent' CHECK (terms IN ('percent', 'fixed')),
            commission_bp INTEGER NOT NULL DEFAULT 1500 CHECK (commission_bp BETWEEN 0 AND 10000),
            period TEXT NOT NULL DEFAULT 'monthly'
                CHECK (period IN ('weekly', 'biweekly', 'monthly')),
            -- Who bears a count shortage: the shop pays the producer for it, or not.
            loss_policy TEXT NOT NULL DEFAULT 'shop' CHECK (loss_policy IN ('shop', 'producer')),
            note TEXT NOT NULL DEFAULT '',
            archived INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX consignors_name ON consignors(archived, name COLLATE NOCASE);

        CREATE TABLE consignment_intakes (
            id TEXT PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            consignor_id TEXT NOT NULL REFERENCES consignors(id),
            note TEXT NOT NULL DEFAULT '',
            user_id TEXT NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        );
        CREATE INDEX consignment_intakes_consignor ON consignment_intakes(consignor_id, created_at);

        -- One intake line: a batch of one product from one producer, with the terms agreed
        -- for it (a later change of the consignor's terms does not reach back).
        CREATE TABLE consignment_batches (
            id TEXT PRIMARY KEY,
            intake_id TEXT NOT NULL REFERENCES consignment_intakes(id),
            line_no INTEGER NOT NULL,
            consignor_id TEXT NOT NULL REFERENCES consignors(id),
            product_id TEXT NOT NULL REFERENCES products(id),
            qty INTEGER NOT NULL CHECK (qty > 0),
            shop_price INTEGER NOT NULL CHECK (shop_price >= 0),
            producer_price INTEGER NOT NULL CHECK (producer_price >= 0),
            terms TEXT NOT NULL CHECK (terms IN ('percent', 'fixed')),
            commission_bp INTEGER NOT NULL CHECK (commission_bp BETWEEN 0 AND 10000),
            batch_code TEXT NOT NULL DEFAULT '',
            produced_on TEXT,
            expires_on TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (intake_id, line_no)
        );
        CREATE INDEX consignment_batches_consignor ON consignment_batches(consignor_id, created_at);

        -- The consignment ledger: every change of a batch's quantity, with what the sale
        -- brought in (gross) and what the shop owes the producer for it (due).
        CREATE TABLE consignment_movements (
            id TEXT PRIMARY KEY,
            batch_id TEXT NOT NULL REFERENCES consignment_batches(id),
            consignor_id TEXT NOT NULL REFERENCES consignors(id),
            product_id TEXT NOT NULL REFERENCES products(id),
            kind TEXT NOT NULL CHECK (kind IN ('intake', 'sale', 'sale_return', 'return',
                                               'count', 'adjustment')),
            qty INTEGER NOT NULL,
            gross INTEGER NOT NULL DEFAULT 0,
            due INTEGER NOT NULL DEFAULT 0,
            doc_type TEXT,
            doc_id TEXT,
            sale_line_id TEXT REFERENCES sale_lines(id),
            user_id TEXT REFERENCES users(id),
            reason TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
        CREATE INDEX consignment_movements_consignor
            ON consignment_movements(consignor_id, created_at);
        CREATE INDEX consignment_movements_batch ON consignment_movements(batch_id);
        CREATE INDEX consignment_movements_product ON consignment_movements(product_id, created_at);
        CREATE INDEX consignment_movements_sale_line ON consignment_movements(sale_line_id)
            WHERE sale_line_id IS NOT NULL;
        CREATE INDEX consignment_movements_doc ON consignment_movements(doc_type, doc_id);

        CREATE TABLE consignment_balances (
            batch_id TEXT PRIMARY KEY REFERENCES consignment_batches(id),
            consignor_id TEXT NOT NULL REFERENCES consignors(id),
            product_id TEXT NOT NULL REFERENCES products(id),
            qty INTEGER NOT NULL
        );
        CREATE INDEX consignment_balances_product ON consignment_balances(product_id, batch_id);
        -- What of each consigned product is in the shop, all producers together (the
        -- product list shows it beside its own stock).
        CREATE TABLE consigned_stock (
            product_id TEXT PRIMARY KEY REFERENCES products(id),
            qty INTEGER NOT NULL
        );

        CREATE TABLE consignment_returns (
            id TEXT PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            consignor_id TEXT NOT NULL REFERENCES consignors(id),
            reason TEXT NOT NULL,
            user_id TEXT NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        );
        CREATE TABLE consignment_counts (
            id TEXT PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            consignor_id TEXT REFERENCES consignors(id),
            note TEXT NOT NULL DEFAULT '',
            user_id TEXT NOT NULL REFERENCES users(id),
            approved_by TEXT NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        );

        CREATE TABLE consignment_settlements (
            id TEXT PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            consignor_id TEXT NOT NULL REFERENCES consignors(id),
            period_from TEXT NOT NULL,
            period_to TEXT NOT NULL,
            sold_qty INTEGER NOT NULL,
            gross INTEGER NOT NULL,
            commission INTEGER NOT NULL,
            due INTEGER NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            user_id TEXT NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL,
            CHECK (period_from <= period_to)
        );
        CREATE INDEX consignment_settlements_consignor
            ON consignment_settlements(consignor_id, period_to);
        -- A movement is settled once: the primary key refuses a second settlement of it.
        CREATE TABLE consignment_settlement_lines (
            movement_id TEXT PRIMARY KEY REFERENCES consignment_movements(id),
            settlement_id TEXT NOT NULL REFERENCES consignment_settlements(id)
        );
        CREATE INDEX consignment_settlement_lines_settlement
            ON consignment_settlement_lines(settlement_id);

        -- The consignor's account: a settlement is what the shop owes (+), a payment (−).
        CREATE TABLE consignor_payments (
            id TEXT PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            consignor_id TEXT NOT NULL REFERENCES consignors(id),
            settlement_id TEXT REFERENCES consignment_settlements(id),
            amount INTEGER NOT NULL CHECK (amount > 0),
            method TEXT NOT NULL CHECK (method IN ('cash', 'transfer')),
            reference TEXT NOT NULL DEFAULT '',
            user_id TEXT NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL
        );
        CREATE TABLE consignor_movements (
            id TEXT PRIMARY KEY,
            consignor_id TEXT NOT NULL REFERENCES consignors(id),
            kind TEXT NOT NULL CHECK (kind IN ('settlement', 'payment')),
            amount INTEGER NOT NULL,
            doc_type TEXT NOT NULL,
            doc_id TEXT NOT NULL,
            user_id TEXT REFERENCES users(id),
            created_at TEXT NOT NULL
        );
        CREATE INDEX consignor_movements_consignor ON consignor_movements(consignor_id, created_at);
        CREATE TABLE consignor_balances (
            consignor_id TEXT PRIMARY KEY REFERENCES consignors(id),
            balance INTEGER NOT NULL
        );

        -- What a retail chain (toserba) or a marketplace asks of a product before it takes
        -- it: a food permit, halal, net weight, a proper label, a photo.
        CREATE TABLE product_compliance (
            product_id TEXT PRIMARY KEY REFERENCES products(id),
            producer_id TEXT REFERENCES consignors(id),
            permit_kind TEXT NOT NULL DEFAULT ''
                CHECK (permit_kind IN ('', 'pirt', 'bpom_md', 'bpom_ml')),
            permit_no TEXT NOT NULL DEFAULT '',
            halal_no TEXT NOT NULL DEFAULT '',
            halal_expires_on TEXT,
            net_weight TEXT NOT NULL DEFAULT '',
            label_producer INTEGER NOT NULL DEFAULT 0,
            label_ingredients INTEGER NOT NULL DEFAULT 0,
            label_expiry INTEGER NOT NULL DEFAULT 0,
            label_barcode INTEGER NOT NULL DEFAULT 0,
            photo TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL
        );

        -- Consigned goods never enter the cooperative's own stock ledger.
        CREATE TRIGGER stock_movements_own_goods BEFORE INSERT ON stock_movements
            WHEN (SELECT consigned FROM products WHERE id = NEW.product_id) = 1
            BEGIN SELECT RAISE(ABORT, 'consigned goods have no stock movements of the shop');
            END;
        """,
    )
    _append_only(db, "consignment_intakes", "consignment_batches", "consignment_movements",
                 "consignment_returns", "consignment_counts", "consignment_settlements",
                 "consignment_settlement_lines", "consignor_payments", "consignor_movements")
