"""Which tables a shop package carries, with which columns and keys.

The list is read from the database's own schema, so a table a later migration adds is
carried without anyone remembering to list it here; what is *not* carried is listed:
bookkeeping of the program itself, the search indexes, open carts, and the balances, which
are sums of movements the package does carry (the hub adds them up again). Users travel
without their PIN hashes; members travel with their NIK and phone opened (the package body
is encrypted to the district) instead of sealed under this shop's own key.

The hub is a database of the same schema, so it reads the same spec from its own file and
checks every package table against it.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.models.db import Database

#: Never carried: the program's own bookkeeping, transient or derived data, sync state.
EXCLUDED = frozenset({
    "schema_migrations", "sqlite_sequence", "doc_sequences", "carts",
    "stock_balances", "consigned_stock", "consignment_balances", "consignor_balances",
    "member_credit", "savings_balances", "supplier_balances",
    "sync_state", "sync_marks", "sync_log", "sync_exports",
    "hub_shops", "hub_packages", "hub_reference", "hub_het", "reference_applied",
})
#: Carried without these columns.
HIDDEN = {
    "users": ("secret_hash", "failed_attempts", "locked_until"),
    "members": ("nik_sealed", "nik_hash", "phone_sealed", "phone_hash"),
}
#: Carried with these columns besides the table's own: personal data, opened.
ADDED = {"members": (("nik", "TEXT"), ("phone", "TEXT"))}
#: Settings that belong to this computer or to syncing, not to the shop's books.
LOCAL_SETTINGS = ("personal.", "sync.", "backup.", "till.printer")
#: The name of the package table listing deleted rows: [table, key as JSON list].
DELETED = "_deleted"
#: The package table saying how many rows of each table it holds: [table, rows].
MANIFEST = "_manifest"
#: Hub copies of shop tables are named with this prefix.
MIRROR_PREFIX = "s_"

_PY_TYPES = {"INTEGER": int, "TEXT": str, "BLOB": bytes}


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[str, ...]          # as carried in a package
    types: tuple[type, ...]           # int, str or bytes per column
    required: tuple[bool, ...]        # NOT NULL in the shop's schema
    key: tuple[str, ...]              # primary key columns

    def index(self, column: str) -> int:
        return self.columns.index(column)


def _carried(name: str) -> bool:
    return (name not in EXCLUDED and not name.startswith(("sqlite_", MIRROR_PREFIX))
            and "_search" not in name)


def table_names(db: Database) -> list[str]:
    """The shop tables a package carries, in the order they are written."""
    rows = db.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    return [r["name"] for r in rows if _carried(r["name"])]


def spec(db: Database) -> dict[str, TableSpec]:
    """Every carried table's columns as a package holds them."""
    result = {}
    for name in table_names(db):
        hidden = HIDDEN.get(name, ())
        info = [r for r in db.query(f"SELECT name, type, \"notnull\", pk FROM"
                                    f" pragma_table_info('{name}')") if r["name"] not in hidden]
        key = tuple(r["name"] for r in sorted((r for r in info if r["pk"]),
                                              key=lambda r: r["pk"]))
        columns = [(r["name"], r["type"].upper(), bool(r["notnull"] or r["pk"])) for r in info]
        columns += [(c, t, False) for c, t in ADDED.get(name, ())]
        result[name] = TableSpec(
            name=name, columns=tuple(c for c, _t, _r in columns),
            types=tuple(_PY_TYPES.get(t, object) for _c, t, _r in columns),
            required=tuple(r for _c, _t, r in columns), key=key)
    return result
