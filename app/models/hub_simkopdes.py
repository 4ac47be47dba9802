"""The SIMKOPDES tables for the whole district: every shop's tables, made by the shop's own
export code (:mod:`app.models.simkopdes`) over that shop's mirrored books, one under the
other, each row led by the shop's code.

To read one shop's books with the shop's own queries, the hub's connection is given
temporary views named like the shop's tables (``products``, ``sales`` …) over that shop's
rows of the mirrors (``s_products`` …). SQLite looks names up in the temporary schema
first, so the queries read the shop's rows as if they were in a shop database; the views
are dropped again before the next shop (and on any error). ``settings`` is the shop's
settings plus the hub's own personal-data key entries: the members' NIK in the mirror is
sealed under the hub's key, and leaves here only masked, with its region code.

Reads only (the temporary views live in the connection's private temp schema).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from app.models.db import Database
from app.models.hub_reports_data import HubShop, check_period, hub_shops
from app.models.personal import personal_key
from app.models.simkopdes import Column, Table, simkopdes_tables
from app.models.sync_tables import MIRROR_PREFIX

#: The column put in front of every table but ``gerai_koperasi`` (which starts with it).
SHOP_COLUMN = Column("kode_gerai")
#: Settings of the hub itself that a shop's queries need (the personal-data key).
_HUB_SETTINGS = "personal.%"


def _mirrors(db: Database) -> dict[str, list[str]]:
    """Shop table name → the mirror's columns without ``shop_id``."""
    found = {}
    for r in db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ?"
                      " ESCAPE '\\'", (MIRROR_PREFIX.replace("_", "\\_") + "%",)):
        columns = [c["name"] for c in db.query(
            f"SELECT name FROM pragma_table_info('{r['name']}')") if c["name"] != "shop_id"]
        found[r["name"][len(MIRROR_PREFIX):]] = columns
    return found


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@contextmanager
def shop_scope(db: Database, shop: HubShop) -> Iterator[None]:
    """Inside, the shop's table names on this connection read ``shop``'s mirrored rows."""
    personal_key(db)            # makes sure the hub's key entries exist before they are hidden
    sid = _quote(shop.shop_id)
    made = []
    try:
        for name, columns in _mirrors(db).items():
            if name == "settings":
                sql = (f"SELECT key, value FROM main.s_settings WHERE shop_id = {sid}"
                       f" AND key NOT LIKE '{_HUB_SETTINGS}' UNION ALL SELECT key, value"
                       f" FROM main.settings WHERE key LIKE '{_HUB_SETTINGS}'")
            else:
                cols = ", ".join(f'"{c}"' for c in columns)
                sql = f"SELECT {cols} FROM main.{MIRROR_PREFIX}{name} WHERE shop_id = {sid}"
            db.execute(f'CREATE TEMP VIEW "{name}" AS {sql}')
            made.append(name)
        yield
    finally:
        for name in reversed(made):
            db.execute(f'DROP VIEW IF EXISTS temp."{name}"')


def district_tables(db: Database, first, last) -> list[Table]:
    """The eight SIMKOPDES tables of every shop that has sent its books, for each shop's
    days ``first``..``last``: the rows of all shops in one table each, by shop code."""
    first, last = check_period(first, last)
    merged: list[Table] | None = None
    for shop in hub_shops(db):
        if not shop.shop_id:
            continue
        with shop_scope(db, shop):
            tables = simkopdes_tables(db, first, last)
        if merged is None:
            merged = [replace(t, columns=_led(t), rows=[]) for t in tables]
        for whole, part in zip(merged, tables, strict=True):
            lead = part.name != "gerai_koperasi"
            whole.rows.extend(((shop.code, *row) if lead else row) for row in part.rows)
    if merged is None:              # no shop has sent anything: the tables, empty
        with _empty_scope(db):
            merged = [replace(t, columns=_led(t), rows=[])
                      for t in simkopdes_tables(db, first, last)]
    return merged


def _led(table: Table) -> tuple[Column, ...]:
    return table.columns if table.name == "gerai_koperasi" else (SHOP_COLUMN, *table.columns)


@contextmanager
def _empty_scope(db: Database) -> Iterator[None]:
    """No shop at all: the shop's queries over empty mirrors give each table's shape."""
    with shop_scope(db, HubShop("", "", "", "WIB", "", None, None)):
        yield
