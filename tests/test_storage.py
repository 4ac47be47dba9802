"""Storage: the shop file, its upgrades, transactions, identities, document numbers, time."""

from __future__ import annotations

import hashlib
import random
import shutil
import sqlite3
import time
import uuid
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.models import clock
from app.models.db import open_db
from app.models.errors import SchemaTooNew, UserError
from app.models.ids import new_id, next_document_number, seeded_ids
from app.models.migrations import MIGRATIONS, latest_version, migrate
from app.models.settings import get_settings


def file_hash(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_listing(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def pragma(db, name):
    return db.scalar(f"PRAGMA {name}")


# --- opening the shop file ------------------------------------------------------------------


def test_a_new_shop_file_is_opened_with_the_shop_pragmas(tmp_path):
    db = open_db(tmp_path / "shop.db")
    try:
        assert pragma(db, "journal_mode") == "wal"
        assert pragma(db, "synchronous") == 2  # FULL
        assert pragma(db, "foreign_keys") == 1
        assert pragma(db, "wal_autocheckpoint") == 0
    finally:
        db.close()


def test_an_existing_shop_file_is_reopened_with_the_shop_pragmas(shop):
    path = shop.path
    shop.close()
    db = open_db(path, create=False)
    try:
        assert pragma(db, "journal_mode") == "wal"
        assert pragma(db, "synchronous") == 2
        assert pragma(db, "foreign_keys") == 1
        assert pragma(db, "wal_autocheckpoint") == 0
    finally:
        db.close()


@pytest.mark.parametrize("start", ["missing", "empty file"])
def test_migrations_build_the_schema_and_record_each_step(tmp_path, start):
    path = tmp_path / "shop.db"
    if start == "empty file":
        path.write_bytes(b"")
    db = open_db(path)
    try:
        rows = db.query("SELECT number, name, applied_at FROM schema_migrations ORDER BY number")
        assert [r["number"] for r in rows] == list(range(1, latest_version() + 1))
        assert [r["number"] for r in rows] == [m[0] for m in MIGRATIONS]
        assert all(r["name"].strip() and r["applied_at"].endswith("Z") for r in rows)
        assert pragma(db, "user_version") == latest_version()
        assert migrate(db) == []  # nothing left to do the second time
    finally:
        db.close()


def test_reopening_a_shop_runs_no_migration_again(shop):
    before = shop.query("SELECT * FROM schema_migrations ORDER BY number")
    path = shop.path
    shop.close()
    db = open_db(path, create=False)
    try:
        assert [tuple(r) for r in db.query("SELECT * FROM schema_migrations ORDER BY number")] == [
            tuple(r) for r in before
        ]
    finally:
        db.close()


def _raise_user_version(path, *, journal: str | None = None) -> None:
    conn = sqlite3.connect(path)
    if journal:
        conn.execute(f"PRAGMA journal_mode={journal}")
    conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("journal", [None, "DELETE"])
def test_a_database_from_a_newer_gerai_is_refused_and_left_untouched(shop, journal):
    path = shop.path
    shop.close()
    _raise_user_version(path, journal=journal)
    before, listing = file_hash(path), folder_listing(path.parent)

    for create in (True, False):
        with pytest.raises(SchemaTooNew) as refused:
            open_db(path, create=create)
        message = refused.value.message
        assert str(latest_version() + 1) in message and str(latest_version()) in message
        assert "Gerai" in message

    assert file_hash(path) == before
    assert folder_listing(path.parent) == listing


@pytest.mark.parametrize(
    "content",
    [
        random.Random(7).randbytes(8192),
        b"Daftar belanja: beras 5 kg, minyak 2 liter\n" * 50,
        b"SQLite format 3\x00" + b"\xff" * 200,  # a header and then nonsense
    ],
    ids=["random bytes", "text file", "broken header"],
)
@pytest.mark.parametrize("create", [True, False])
def test_a_file_that_is_not_a_database_is_refused_and_left_untouched(tmp_path, content, create):
    path = tmp_path / "shop.db"
    path.write_bytes(content)
    with pytest.raises(UserError) as refused:
        open_db(path, create=create)
    assert str(path) in refused.value.message
    assert path.read_bytes() == content
    assert folder_listing(tmp_path) == ["shop.db"]


@pytest.mark.parametrize("journal", ["DELETE", "WAL"])
def test_another_programs_database_is_refused_and_left_untouched(tmp_path, journal):
    path = tmp_path / "kas.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode={journal}")
    conn.execute("CREATE TABLE kas (tanggal TEXT, uraian TEXT, jumlah INTEGER)")
    conn.execute("INSERT INTO kas VALUES ('2026-11-01', 'Simpanan pokok', 100000)")
    conn.commit()
    conn.close()
    before, listing = file_hash(path), folder_listing(tmp_path)

    with pytest.raises(UserError) as refused:
        open_db(path)
    assert refused.value.message.strip()

    assert file_hash(path) == before
    assert folder_listing(tmp_path) == listing
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("kas",)]
    conn.close()


def test_a_missing_file_is_refused_when_it_may_not_be_created(tmp_path):
    path = tmp_path / "tidak-ada.db"
    with pytest.raises(UserError) as refused:
        open_db(path, create=False)
    assert "Basis data tidak ditemukan" in refused.value.message
    assert folder_listing(tmp_path) == []


def test_a_folder_is_refused_as_a_database(tmp_path):
    with pytest.raises(UserError) as refused:
        open_db(tmp_path, create=False)
    assert str(tmp_path) in refused.value.message
    with pytest.raises(UserError):
        open_db(tmp_path)
    assert folder_listing(tmp_path) == []


# --- transactions --------------------------------------------------------------------------


def _note(db, key: str) -> None:
    db.execute("INSERT INTO settings(key, value) VALUES (?, 'x')", (key,))


def _has(db, key: str) -> bool:
    return db.scalar("SELECT count(*) FROM settings WHERE key = ?", (key,)) == 1


class Boom(Exception):
    pass


def test_a_failed_business_event_leaves_nothing_behind(shop, snapshot):
    before = snapshot(shop)
    with pytest.raises(Boom), shop.atomic():
        _note(shop, "first")
        with shop.atomic():
            _note(shop, "inner")
        _note(shop, "last")
        raise Boom
    assert not shop.in_transaction
    assert not _has(shop, "first") and not _has(shop, "inner") and not _has(shop, "last")
    assert snapshot(shop) == before


def test_a_failed_inner_step_rolls_back_only_itself(shop):
    with shop.atomic():
        _note(shop, "outer-before")
        with pytest.raises(Boom), shop.atomic():
            _note(shop, "inner")
            with shop.atomic():
                _note(shop, "innermost")
            raise Boom
        assert shop.in_transaction
        _note(shop, "outer-after")
    assert not shop.in_transaction
    assert _has(shop, "outer-before") and _has(shop, "outer-after")
    assert not _has(shop, "inner") and not _has(shop, "innermost")


def test_nested_steps_that_succeed_are_committed_with_the_event(shop):
    with shop.atomic():
        _note(shop, "a")
        with shop.atomic():
            _note(shop, "b")
            with shop.atomic():
                _note(shop, "c")
    assert all(_has(shop, k) for k in "abc")
    # Committed for real: another connection sees it.
    other = sqlite3.connect(shop.path)
    assert other.execute("SELECT count(*) FROM settings WHERE key IN ('a','b','c')").fetchone() == (3,)
    other.close()


def test_a_committed_event_survives_closing_the_shop(shop):
    with shop.atomic():
        _note(shop, "kept")
    path = shop.path
    shop.close()
    db = open_db(path, create=False)
    try:
        assert _has(db, "kept")
    finally:
        db.close()


# --- document numbers ------------------------------------------------------------------------


def test_document_numbers_count_up_per_day_and_kind_without_gaps(shop):
    code = get_settings(shop).shop_code
    day, next_day = date(2025, 11, 22), date(2025, 11, 23)
    with shop.atomic():
        sales = [next_document_number(shop, kind="sale", shop_code=code, day=day) for _ in range(3)]
        receipt = next_document_number(shop, kind="receipt", shop_code=code, day=day)
        tomorrow = next_document_number(shop, kind="sale", shop_code=code, day=next_day)
    assert sales == [f"{code}-251122-0001", f"{code}-251122-0002", f"{code}-251122-0003"]
    assert receipt == f"{code}-251122-0001"
    assert tomorrow == f"{code}-251123-0001"


def test_a_rolled_back_document_gives_its_number_back(shop):
    day = date(2026, 1, 5)
    with shop.atomic():
        first = next_document_number(shop, kind="sale", shop_code="KDMP017", day=day)
    with pytest.raises(Boom), shop.atomic():
        next_document_number(shop, kind="sale", shop_code="KDMP017", day=day)
        raise Boom
    with shop.atomic():
        with pytest.raises(Boom), shop.atomic():  # a failed step inside a bigger event
            next_document_number(shop, kind="sale", shop_code="KDMP017", day=day)
            raise Boom
        second = next_document_number(shop, kind="sale", shop_code="KDMP017", day=day)
    assert (first, second) == ("KDMP017-260105-0001", "KDMP017-260105-0002")


def test_document_numbers_continue_after_the_shop_is_reopened(shop):
    day = date(2026, 1, 5)
    for _ in range(2):
        with shop.atomic():
            next_document_number(shop, kind="sale", shop_code="KDMP017", day=day)
    path = shop.path
    shop.close()
    db = open_db(path, create=False)
    try:
        with db.atomic():
            assert next_document_number(db, kind="sale", shop_code="KDMP017", day=day) == (
                "KDMP017-260105-0003")
    finally:
        db.close()


# --- record identity -------------------------------------------------------------------------


def _unix_ms(record_id: str) -> int:
    return uuid.UUID(record_id).int >> 80


def test_record_ids_are_uuid_version_7():
    for record_id in (new_id() for _ in range(100)):
        parsed = uuid.UUID(record_id)
        assert parsed.version == 7
        assert parsed.variant == uuid.RFC_4122
        assert str(parsed) == record_id


def test_record_ids_carry_the_time_they_were_made_and_sort_by_it():
    before = int(time.time() * 1000)
    ids = [new_id() for _ in range(2000)]
    after = int(time.time() * 1000)
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    # Ids of one millisecond are ordered by a counter; the stamp never runs ahead of the clock.
    assert before - 1 <= _unix_ms(ids[0]) <= _unix_ms(ids[-1]) <= after + 1


def test_seeded_ids_make_the_same_shop_twice_and_stay_time_ordered():
    start = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp() * 1000)
    with seeded_ids(5, start):
        first = [new_id() for _ in range(50)]
    with seeded_ids(5, start):
        again = [new_id() for _ in range(50)]
    with seeded_ids(6, start):
        other = [new_id() for _ in range(50)]
    assert first == again
    assert first != other
    assert first == sorted(first) and len(set(first)) == 50
    assert all(uuid.UUID(i).version == 7 for i in first)
    assert start < _unix_ms(first[0]) < start + 1000
    # Outside the seeded block, ids are random again.
    assert new_id() != new_id()


# --- time ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "shown"),
    [("WIB", "26/11/2026 20:00 WIB"), ("WITA", "26/11/2026 21:00 WITA"), ("WIT", "26/11/2026 22:00 WIT")],
)
def test_utc_time_is_shown_in_the_shops_zone(zone, shown):
    assert clock.format_local("2026-11-26T13:00:00Z", zone) == shown
    assert clock.format_local("2026-11-26T13:00:00.000Z", zone) == shown


def test_a_late_evening_sale_belongs_to_the_next_local_day_in_the_east():
    # 16:30 UTC is 23:30 WIB but 00:30 WITA and 01:30 WIT the next day.
    moment = "2026-11-26T16:30:00.000Z"
    assert clock.local_date(moment, "WIB") == date(2026, 11, 26)
    assert clock.local_date(moment, "WITA") == date(2026, 11, 27)
    assert clock.local_date(moment, "WIT") == date(2026, 11, 27)
    assert clock.format_local(moment, "WIT", seconds=True) == "27/11/2026 01:30:00 WIT"


def test_time_is_stored_in_utc_whatever_zone_it_came_from():
    wita = timezone(timedelta(hours=8))
    moment = datetime(2026, 11, 26, 21, 0, 0, 250_000, tzinfo=wita)
    assert clock.to_iso(moment) == "2026-11-26T13:00:00.250Z"
    with clock.frozen_clock(moment):
        assert clock.now() == datetime(2026, 11, 26, 13, 0, 0, 250_000, tzinfo=UTC)
        assert clock.now().utcoffset() == timedelta(0)
        assert clock.now_iso() == "2026-11-26T13:00:00.250Z"


def test_the_frozen_clock_is_given_back_afterwards():
    real_before = datetime.now(UTC)
    with clock.frozen_clock(datetime(2020, 1, 1, tzinfo=UTC)):
        with clock.frozen_clock(datetime(2021, 1, 1, tzinfo=UTC)):
            assert clock.now().year == 2021
        assert clock.now().year == 2020
    assert clock.now() >= real_before


moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=200, deadline=None)
@given(moments, moments)
def test_stored_times_sort_as_text_in_time_order(a, b):
    a_text, b_text = clock.to_iso(a), clock.to_iso(b)
    a_ms, b_ms = a.replace(microsecond=a.microsecond // 1000 * 1000), b.replace(
        microsecond=b.microsecond // 1000 * 1000)
    assert clock.from_iso(a_text) == a_ms
    assert (a_text < b_text) == (a_ms < b_ms)


def test_an_unknown_zone_name_falls_back_to_wib():
    assert clock.format_local("2026-11-26T13:00:00Z", "XYZ").startswith("26/11/2026 20:00")


def test_the_template_shop_is_not_touched_by_copies(demo_template, shop):
    with shop.atomic():
        _note(shop, "only-in-the-copy")
    conn = sqlite3.connect(demo_template.path)
    assert conn.execute("SELECT count(*) FROM settings WHERE key = 'only-in-the-copy'").fetchone() == (0,)
    conn.close()


def test_a_checkpointed_shop_file_can_be_copied_whole(shop, tmp_path):
    # Checkpoints at idle time leave a self-contained file that can be copied (a backup).
    shop.checkpoint("TRUNCATE")
    copy = tmp_path / "copy.db"
    shutil.copy(shop.path, copy)
    db = open_db(copy, create=False)
    try:
        assert db.scalar("SELECT count(*) FROM products") == shop.scalar("SELECT count(*) FROM products")
    finally:
        db.close()
