"""Sync figures for ``gerai bench``: a busy shop's month exported to a package, the hub's
import of it against a plain ``executemany`` of the same rows, and a district of village
shops imported one package each.

The busy shop is a demo catalog (500 products) with 200 members and a month of three tills'
trade (about 200,000 rows: shifts, sales, lines, payments, stock movements, audit rows);
each village shop is a copy of one small shop (300 products, 60 members) made a shop of
its own, with a month of 40 sales a day (about 9,000 rows in its package with the
catalog). The trade is written in bulk (:mod:`app.models.bench_trade`), the packages
through the real export and read by the real import.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.models import bench_trade, hub_store
from app.models.clock import frozen_clock
from app.models.db import Database, open_db
from app.models.demo import build_demo
from app.models.members import MemberForm, create_member
from app.models.sync_tables import DELETED, MANIFEST, spec
from app.models.users import list_users
from app.sync import hub, keys, shop
from app.sync.package import read_package

#: The busy shop's month: 30 days of 3 tills, 850 sales a day in all (≈ 200k rows).
BUSY = {"days": 30, "sales_per_day": 850, "tills": 3}
#: A village shop's month: 30 days, one till, 40 sales a day (≈ 9k rows with its catalog).
VILLAGE = {"days": 30, "sales_per_day": 40, "tills": 1}


def _ms(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


@contextmanager
def own_keys(folder: Path) -> Iterator[None]:
    """The bench's personal-data and sync keys in its own folder, never among the user's."""
    names = ("GERAI_KEY_DIR", "GERAI_SYNC_KEY_DIR")
    before = {n: os.environ.get(n) for n in names}
    os.environ["GERAI_KEY_DIR"] = str(folder / "personal")
    os.environ["GERAI_SYNC_KEY_DIR"] = str(folder / "sync")
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _nik(n: int) -> str:
    return f"187103{(n % 28) + 1 + (40 if n % 2 else 0):02d}0190{n + 1:04d}"


def _month_start() -> datetime:
    """The shop's (WIB) midnight 31 days ago: the month ends before today."""
    today = datetime.now(UTC).replace(hour=17, minute=0, second=0, microsecond=0)
    return today - timedelta(days=32)


def make_shop(path: Path, *, products: int, members: int, seed: int) -> Database:
    """A shop with a catalog and members and no trade yet, made a month and a half ago."""
    with frozen_clock(_month_start() - timedelta(days=14)):
        db = open_db(path)
        build_demo(db, products=products, days=0, seed=seed, consignment=False)
        clerk = next(u for u in list_users(db) if u.role == "bendahara")
        for n in range(members):
            create_member(db, user=clerk, form=MemberForm(
                name=f"Anggota Bench {n}", nik=_nik(n), phone=f"0812{n:08d}",
                occupation="Petani", village="Sukamaju"))
    return db


def make_hub(folder: Path) -> tuple[Database, Path]:
    """A hub database and the district's public key file."""
    db = open_db(folder / "hub.db")
    hub.init(db, district="BENCH")
    return db, hub.write_public(db, folder / "district.pub")


def join(db: Database, hub_db: Database, district_pub: Path, folder: Path) -> None:
    """The shop's key made, the district's key taken in, the shop registered at the hub."""
    shop.keygen(db)
    shop.enroll(db, district_pub)
    code = db.scalar("SELECT value FROM settings WHERE key = 'shop_code'")
    hub.register(hub_db, shop.write_public(db, folder / f"{code}.pub"), code=code)


@dataclass(frozen=True)
class ShopMonth:
    export_ms: float
    read_ms: float       # the baseline: plain sqlite3 reading the same tables' rows
    rows: int            # rows in the package
    written: int         # trade rows written for the month
    package: Path
    size: int            # package bytes


def busy_month(folder: Path, hub_db: Database, district_pub: Path, *, scale: float = 1.0
               ) -> ShopMonth:
    """The busy shop's month (``scale`` of it) and its export timed."""
    db = make_shop(folder / "busy.db", products=500, members=200, seed=21)
    try:
        sizes = dict(BUSY, sales_per_day=max(1, int(BUSY["sales_per_day"] * scale)))
        written = bench_trade.bulk_month(db, first_midnight=_month_start(), seed=22, **sizes)
        join(db, hub_db, district_pub, folder)
        db.checkpoint("TRUNCATE")
        out = folder / "out"
        out.mkdir(exist_ok=True)
        read_ms = min(_raw_read(folder / "busy.db", db) for _n in range(3))
        ms, exported = _ms(lambda: shop.export(db, out))
        return ShopMonth(ms, read_ms, exported.rows, written.rows, exported.path,
                         exported.path.stat().st_size)
    finally:
        db.close()


def _raw_read(path: Path, db: Database) -> float:
    """What no export can skip: plain sqlite3 reading every carried table's rows."""
    raw = sqlite3.connect(str(path))
    try:
        selects = [f"SELECT {', '.join(c for c in t.columns if c not in ('nik', 'phone'))}"
                   f" FROM {name}" for name, t in spec(db).items()]
        ms, _rows = _ms(lambda: [raw.execute(sql).fetchall() for sql in selects])
        return ms
    finally:
        raw.close()


def hub_import(folder: Path, hub_db: Database, package: Path, runs: int = 1
               ) -> tuple[float, float, int]:
    """The hub's import of ``package`` against a plain ``executemany`` of the same rows into
    tables shaped like the hub's copies (shop id and the package's columns, the same keys),
    each in one transaction, ``synchronous=FULL`` in WAL like ours. Returns (ours ms, raw
    ms, rows)."""
    ms, result = _ms(lambda: hub.import_file(hub_db, package))
    if not result.applied:
        raise RuntimeError(f"bench package refused: {result.message}")
    trusted = {bytes.fromhex(k): keys.parse_public_key(t)
               for k, t in hub_store.registered_keys(hub_db).items()}
    identity = keys.load_hub_identity(hub.key_name(hub_db))
    header, tables = read_package(package, trusted_keys=trusted, identity=identity)
    tables = {n: t for n, t in tables.items() if n not in (DELETED, MANIFEST)}
    raw_ms = min(_raw_insert(folder / f"raw-{n}.db", hub_db, header["shop_id"], tables)
                 for n in range(runs))
    rows = sum(len(t["rows"]) for t in tables.values())
    return ms, raw_ms, rows


def _raw_insert(path: Path, hub_db: Database, shop_id: str, tables: dict) -> float:
    keys_of = {r["name"]: r["sql"] for r in hub_db.query(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name LIKE 's\\_%'"
        " ESCAPE '\\'")}
    raw = sqlite3.connect(str(path), isolation_level=None)
    try:
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("PRAGMA synchronous=FULL")
        plain = {}
        for name, table in tables.items():
            mirror = keys_of.get("s_" + name)
            key = mirror[mirror.rindex("PRIMARY KEY"):].rstrip(") \n") + ")" if mirror else ""
            cols = ", ".join(["shop_id", *table["columns"]])
            raw.execute(f"CREATE TABLE p_{name} ({cols}"
                        f"{', ' + key if key else ''})")
            plain[name] = (f"INSERT INTO p_{name} VALUES"
                           f" ({', '.join('?' * (len(table['columns']) + 1))})")

        def insert():
            raw.execute("BEGIN IMMEDIATE")
            for name, table in tables.items():
                raw.executemany(plain[name], ([shop_id, *r] for r in table["rows"]))
            raw.execute("COMMIT")

        ms, _none = _ms(insert)
        return ms
    finally:
        raw.close()


@dataclass(frozen=True)
class District:
    shops: int
    rows: int            # rows in all packages
    import_ms: float     # the hub's import of every package
    make_s: float        # making the shops and their packages (not a figure)


def district(folder: Path, *, shops: int) -> District:
    """``shops`` village shops' months, packaged once, then imported by a fresh hub."""
    started = time.perf_counter()
    hub_db, district_pub = make_hub(folder)
    template = folder / "village.db"
    db = make_shop(template, products=300, members=60, seed=31)
    db.checkpoint("TRUNCATE")
    db.close()
    out = folder / "packages"
    out.mkdir(exist_ok=True)
    rows = 0
    try:
        for n in range(shops):
            path = folder / f"village-{n:03d}.db"
            shutil.copyfile(template, path)
            db = open_db(path, create=False)
            try:
                bench_trade.become_another_shop(db, code=f"DS{n:04d}",
                                                name=f"Gerai Desa {n + 1}")
                bench_trade.bulk_month(db, first_midnight=_month_start(), seed=100 + n,
                                       **VILLAGE)
                join(db, hub_db, district_pub, folder)
                rows += shop.export(db, out).rows
            finally:
                db.close()
            path.unlink()
        made = time.perf_counter() - started
        ms, results = _ms(lambda: hub.import_files(hub_db, [out]))
        refused = [r for r in results if not r.applied]
        if refused or len(results) != shops:
            raise RuntimeError(f"bench district: {len(refused)} packages refused"
                               f" ({refused[0].message if refused else ''})")
        return District(shops, rows, ms, made)
    finally:
        hub_db.close()


def _count(n: int) -> str:
    return f"{round(n / 1000)}k" if n >= 1000 else str(n)


def figures(folder: Path, *, scale: float, shops: int, runs: int = 3
            ) -> list[tuple[str, float, float | None, str, float | None]]:
    """Every sync figure: (name, value, baseline, unit, target). The names say how many
    rows and shops they are about."""
    busy = folder / "busy"
    busy.mkdir(parents=True)
    hub_db, district_pub = make_hub(busy)
    try:
        month = busy_month(busy, hub_db, district_pub, scale=scale)
        ours, raw, rows = hub_import(busy, hub_db, month.package, runs=runs)
    finally:
        hub_db.close()
    size = _count(month.rows)
    found = [(f"sync_export_{size}_rows", month.export_ms, month.read_ms, "ms", 1000),
             (f"sync_export_{size}_rows_per_s", month.rows / month.export_ms * 1000, None,
              "rows/s", None),
             (f"hub_import_{size}_rows", ours, raw, "ms", None)]
    spread = folder / "district"
    spread.mkdir()
    result = district(spread, shops=shops)
    found += [(f"hub_import_district_{shops}_shops", result.import_ms / 1000, None, "s", 30),
              (f"hub_import_per_shop_{_count(result.rows // shops)}_rows",
               result.import_ms / shops, None, "ms", None)]
    return found
