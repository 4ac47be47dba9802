"""Real shops and a real hub for the sync tests, built once per session and copied.

Two shop templates (copies of the demo shop, each with its own shop code, ``shop_id`` and
signing key, enrolled with the district) and a hub template (its district keys made, both
shops registered). A test copies the files, so it never sees another test's writes; the
keys live in one key folder of the session.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

from app.models import sync_data
from app.models.db import Database, open_db
from app.models.personal import personal_key
from app.models.settings import get_settings, save_settings
from app.models.shifts import open_shift
from app.models.sync_tables import MIRROR_PREFIX, spec
from app.sync import hub, shop

SHOP_CODES = ("GERAIA", "GERAIB")
DISTRICT = "LAMSEL"


@dataclass(frozen=True)
class World:
    folder: Path
    key_dir: Path
    shops: dict[str, Path]      # shop code -> template file
    hub: Path


def _checkpointed(db: Database) -> None:
    db.checkpoint("TRUNCATE")
    db.close()


TILL = "KASIR-SYNC"


def build_world(folder: Path, demo_path: Path, admin, kasir) -> World:
    """Templates under ``folder``; ``GERAI_SYNC_KEY_DIR`` must already point at a folder."""
    key_dir = Path(os.environ["GERAI_SYNC_KEY_DIR"])
    hub_path = folder / "hub.db"
    h = open_db(hub_path)
    hub.init(h, district=DISTRICT)
    district_file = hub.write_public(h, folder / "district.pub")
    shops = {}
    for code in SHOP_CODES:
        path = folder / f"{code}.db"
        shutil.copy(demo_path, path)
        s = open_db(path, create=False)
        # A copy of one demo shop is another shop only with its own id (the test's own
        # setup: no domain function renames a shop's sync identity).
        s.execute("UPDATE sync_state SET value = ? WHERE key = 'shop_id'", (str(uuid.uuid4()),))
        save_settings(s, user=admin, settings=replace(get_settings(s), shop_code=code))
        open_shift(s, user=kasir, till=TILL, opening_float="100.000")
        shop.keygen(s)
        shop.enroll(s, district_file)
        pub = shop.write_public(s, folder / f"{code}.pub")
        hub.register(h, pub, code=code)
        _checkpointed(s)
        shops[code] = path
    _checkpointed(h)
    return World(folder, key_dir, shops, hub_path)


def copy_world(world: World, folder: Path) -> tuple[dict[str, Path], Path]:
    folder.mkdir(parents=True, exist_ok=True)
    shops = {}
    for code, path in world.shops.items():
        shops[code] = folder / path.name
        shutil.copy(path, shops[code])
    hub_path = folder / "hub.db"
    shutil.copy(world.hub, hub_path)
    return shops, hub_path


# -- comparing ---------------------------------------------------------------------------

def content_digest(db: Database) -> str:
    """A checksum of every row of every table (not of the file: pages move)."""
    h = hashlib.sha256()
    names = [r["name"] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'table'"
                                         " AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    cur = db.conn.cursor()
    cur.row_factory = None
    for name in names:
        h.update(name.encode())
        for row in cur.execute(f"SELECT * FROM {name} ORDER BY 1, 2"
                               if _width(db, name) > 1 else f"SELECT * FROM {name} ORDER BY 1"):
            h.update(repr(row).encode())
    return h.hexdigest()


def _width(db: Database, name: str) -> int:
    return db.scalar(f"SELECT count(*) FROM pragma_table_info('{name}')")


def _opened(db: Database, columns: list[str], rows: list) -> list:
    """Members' rows with NIK and phone opened with this database's own key."""
    key = personal_key(db)
    ni, pi = columns.index("nik_sealed"), columns.index("phone_sealed")
    out = []
    for r in rows:
        r = list(r)
        r[ni], r[pi] = key.open(r[ni]) or None, key.open(r[pi]) or None
        out.append(r)
    return out


def carried_rows(db: Database, name: str, *, shop_id: str | None = None) -> set:
    """A shop table's carried rows (or a hub mirror's rows of one shop) as a set of tuples,
    members' NIK and phone opened; the columns are the shop's ``spec``."""
    table = spec(db)[name]
    columns = [c for c in table.columns if c not in ("nik", "phone")]
    if name == "members":
        columns += ["nik_sealed", "phone_sealed"]
    cur = db.conn.cursor()
    cur.row_factory = None
    if shop_id is None:
        rows = cur.execute(f"SELECT {', '.join(columns)} FROM {name}").fetchall()
        if name == "settings":
            rows = [r for r in rows if not r[0].startswith(sync_data.LOCAL_SETTINGS)]
    else:
        rows = cur.execute(f"SELECT {', '.join(columns)} FROM {MIRROR_PREFIX}{name}"
                           " WHERE shop_id = ?", (shop_id,)).fetchall()
    if name == "members":
        rows = _opened(db, columns, rows)
    return {tuple(r) for r in rows}


def mismatches(shop_db: Database, hub_db: Database, *, last_export: int | None = None) -> list[str]:
    """The tables whose hub copy differs from the shop's own rows. The audit row of the
    shop's last export (written after its package) is not in the hub yet."""
    sid = sync_data.shop_id(shop_db)
    wrong = []
    for name, table in spec(shop_db).items():
        mine = carried_rows(shop_db, name)
        if name == "audit_log" and last_export is not None:
            a, e = table.index("action"), table.index("entity_id")
            mine = {r for r in mine if (r[a], r[e]) != ("sync.export", str(last_export))}
        if mine != carried_rows(hub_db, name, shop_id=sid):
            wrong.append(name)
    return wrong


def world_in(tmp_path_factory, demo_template, demo_users):
    """A generator for a module-scoped fixture: the key folder is set for the module."""
    import pytest

    folder = tmp_path_factory.mktemp("sync-world")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GERAI_SYNC_KEY_DIR", str(folder / "keys"))
        (folder / "keys").mkdir()
        yield build_world(folder, demo_template.path, demo_users["admin"],
                          demo_users["kasir"])
