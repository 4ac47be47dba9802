"""Migration 7: sync with the district (release 0.6.0) — what a shop has sent, what a hub has received.

A shop package carries what changed since the last one. New rows are found by rowid (every
carried table has one and only grows, except the few that delete, which log their inserts
too); changed and deleted rows are logged by triggers into ``sync_log``. The sale's own
tables are only ever inserted into, so a sale's commit fires no trigger at all.
"""

from __future__ import annotations

import uuid

from app.models.clock import now_iso
from app.models.db import Database
from app.models.migrations import _script, migration
from app.models.sync_tables import spec

#: Tables that delete rows: their inserts are logged too, since SQLite may give a new row
#: the rowid of a deleted last one.
DELETING = ("barcodes", "product_units", "purchase_order_lines", "supplier_products")


def install_triggers(db: Database) -> None:
    """Log updates and deletes of every carried table (and inserts where rows get deleted).
    Idempotent; run again after any migration that adds a table."""
    for name, table in spec(db).items():
        key = ", ".join(f"OLD.{c}" for c in table.key)
        db.execute(f"CREATE TRIGGER IF NOT EXISTS sync_{name}_update AFTER UPDATE ON {name}"
                   f" BEGIN INSERT INTO sync_log(tbl, rid) VALUES ('{name}', NEW.rowid); END")
        db.execute(f"CREATE TRIGGER IF NOT EXISTS sync_{name}_delete AFTER DELETE ON {name}"
                   f" BEGIN INSERT INTO sync_log(tbl, key) VALUES ('{name}', json_array({key}));"
                   " END")
        if name in DELETING:
            db.execute(f"CREATE TRIGGER IF NOT EXISTS sync_{name}_insert AFTER INSERT ON {name}"
                       f" BEGIN INSERT INTO sync_log(tbl, rid) VALUES ('{name}', NEW.rowid);"
                       " END")


def unlogged_tables(db: Database) -> list[str]:
    """Carried tables whose updates or deletes would not reach the next package."""
    names = {r["name"] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'trigger'"
                                         " AND name LIKE 'sync\\_%' ESCAPE '\\'")}
    return [t for t in spec(db)
            if f"sync_{t}_update" not in names or f"sync_{t}_delete" not in names]


@migration(7, "sync packages: change log, export history; hub shops and packages")
def _m7_sync(db: Database) -> None:
    _script(db, """
        -- The shop's side: its identity, enrollment and chain of packages.
        CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE sync_marks (tbl TEXT PRIMARY KEY, last_rowid INTEGER NOT NULL);
        CREATE TABLE sync_log (
            seq INTEGER PRIMARY KEY,
            tbl TEXT NOT NULL,
            rid INTEGER,
            key TEXT
        );
        CREATE TABLE sync_exports (
            seq INTEGER PRIMARY KEY,
            epoch INTEGER NOT NULL,
            seq_from INTEGER NOT NULL,
            hash TEXT NOT NULL,
            file TEXT NOT NULL,
            rows INTEGER NOT NULL,
            full INTEGER NOT NULL,
            user_id TEXT,
            created_at TEXT NOT NULL
        );
        -- The hub's side: the shops it knows and every package it took in.
        CREATE TABLE hub_shops (
            code TEXT PRIMARY KEY,
            name TEXT NOT NULL DEFAULT '',
            key_id TEXT NOT NULL UNIQUE,
            public_key TEXT NOT NULL,
            shop_id TEXT UNIQUE,
            epoch INTEGER,
            last_seq INTEGER,
            last_hash TEXT,
            last_package_at TEXT,
            last_import_at TEXT,
            registered_at TEXT NOT NULL
        );
        CREATE TABLE hub_packages (
            hash TEXT PRIMARY KEY,
            shop_code TEXT NOT NULL REFERENCES hub_shops(code),
            epoch INTEGER NOT NULL,
            seq_from INTEGER NOT NULL,
            seq_to INTEGER NOT NULL,
            full INTEGER NOT NULL,
            outcome TEXT NOT NULL,
            rows_new INTEGER NOT NULL,
            rows_present INTEGER NOT NULL,
            file TEXT NOT NULL,
            created_at TEXT NOT NULL,
            imported_at TEXT NOT NULL
        );
        CREATE INDEX hub_packages_shop ON hub_packages(shop_code, epoch, seq_from);
        -- Reference packages: versions sent (hub) and applied (shop).
        CREATE TABLE hub_reference (
            kind TEXT PRIMARY KEY,
            version INTEGER NOT NULL,
            exported_at TEXT NOT NULL
        );
        CREATE TABLE hub_het (
            barcode TEXT NOT NULL,
            zone TEXT NOT NULL CHECK (zone IN ('I', 'II', 'III')),
            het INTEGER NOT NULL CHECK (het > 0),
            name TEXT NOT NULL DEFAULT '',
            unit TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (barcode, zone)
        );
        CREATE TABLE reference_applied (
            kind TEXT PRIMARY KEY,
            version INTEGER NOT NULL,
            district TEXT NOT NULL,
            valid_until TEXT,
            applied_at TEXT NOT NULL
        );
    """)
    db.execute("INSERT INTO sync_state(key, value) VALUES ('shop_id', ?)", (str(uuid.uuid4()),))
    db.execute("INSERT INTO sync_state(key, value) VALUES ('created_at', ?)", (now_iso(),))
    # What exists now goes in the first package: no marks yet.
    install_triggers(db)
