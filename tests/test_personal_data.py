"""Members' NIK and phone (UU 27/2022): sealed at rest with a key outside the database,
found by exact value through a keyed hash, shown masked; a missing or foreign key locks
them without breaking the shop; a planted NIK and phone never reach the database file,
its WAL, a backup copy, the audit log or the CLI's output in plain text."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.models import members, personal
from app.models.check import run_checks
from app.models.db import open_db
from app.models.errors import PermissionDenied, ValidationError
from app.models.members import MemberForm

NIK = "1871034101900001"          # Bandar Lampung, a woman born 1 January 1990
PHONE = "081234567890"
PHONE_DIGITS = "6281234567890"


def _plain_variants() -> list[bytes]:
    return [NIK.encode(), PHONE.encode(), PHONE_DIGITS.encode(), b"81234567890",
            NIK.encode("utf-16-le")]


def _assert_absent(data: bytes, where: str) -> None:
    for needle in _plain_variants():
        assert needle not in data, f"{needle!r} in plain text in {where}"


@pytest.fixture
def planted(shop, demo_users):
    member = members.create_member(shop, user=demo_users["bendahara"], name="Siti Aminah",
                                   nik=NIK, phone=PHONE, village="Natar")
    return member


def test_sealed_with_masked_display_and_sex_from_nik(shop, planted):
    assert planted.nik_masked == "1871**********01"
    assert planted.phone_masked == "0812-****-*890"
    assert planted.sex == "P"
    row = shop.one("SELECT nik_sealed, phone_sealed, nik_hash FROM members WHERE id = ?",
                   (planted.id,))
    assert row["nik_sealed"] and NIK.encode() not in row["nik_sealed"]
    assert len(row["nik_hash"]) == 32 and NIK not in row["nik_hash"]


def test_found_by_exact_nik_or_phone_in_any_spelling(shop, planted):
    for text in (NIK, "1871 0341 0190 0001", PHONE, "+62 812-3456-7890", "62 812 3456 7890"):
        assert [m.id for m in members.find_members(shop, text)] == [planted.id], text
    # A NIK is never found by a part of it: the hash is of the whole value.
    assert not members.find_members(shop, NIK[:12])


def test_reveal_is_for_the_register_and_is_audited(shop, planted, demo_users):
    before = shop.scalar("SELECT count(*) FROM audit_log WHERE action = 'member.reveal'")
    shown = members.reveal_personal(shop, user=demo_users["bendahara"], member_id=planted.id)
    assert (shown.nik, shown.phone) == (NIK, PHONE_DIGITS)
    assert shop.scalar("SELECT count(*) FROM audit_log WHERE action = 'member.reveal'") \
        == before + 1
    with pytest.raises(PermissionDenied):
        members.reveal_personal(shop, user=demo_users["kasir"], member_id=planted.id)


@pytest.mark.parametrize("nik, problem", [
    ("187103410190000", "16 angka"),          # 15 digits
    ("18710341019000012", "16 angka"),        # 17 digits
    ("18710341019O0001", "16 angka"),         # a letter O
    ("1871033201900001", "tidak mungkin"),    # day 32
    ("1871037201900001", "tidak mungkin"),    # day 72 (a woman's 32nd)
    ("1871039901900001", "tidak mungkin"),    # day 99 (stdnum alone takes it as the 19th)
    ("1871033002900001", "tidak mungkin"),    # 30 February
    ("9971034101900001", "tidak mungkin"),    # no province 99
])
def test_impossible_nik_refused_and_nothing_written(shop, demo_users, snapshot, nik, problem):
    before = snapshot(shop)
    with pytest.raises(ValidationError) as err:
        members.create_member(shop, user=demo_users["bendahara"], name="Budi", nik=nik)
    assert problem in str(err.value)
    assert NIK[:6] not in str(err.value) or "*" in str(err.value)
    assert snapshot(shop) == before


def test_same_nik_twice_refused(shop, planted, demo_users, snapshot):
    before = snapshot(shop)
    with pytest.raises(ValidationError, match="sudah terdaftar"):
        members.create_member(shop, user=demo_users["bendahara"], name="Orang Lain",
                              nik="1871 0341 0190 0001")
    assert snapshot(shop) == before


def test_update_changes_personal_fields_without_logging_them(shop, planted, demo_users):
    form = MemberForm(name="Siti Aminah", nik=NIK, phone="0857 1111 2222", village="Natar")
    members.update_member(shop, user=demo_users["bendahara"], member_id=planted.id, form=form)
    detail = shop.scalar("SELECT detail FROM audit_log WHERE action = 'member.update'"
                         " ORDER BY seq DESC LIMIT 1")
    assert "phone_masked" in detail and "85711112222" not in detail and "0857" not in detail


def test_nothing_in_plain_text_anywhere(shop, planted, demo_users, tmp_path):
    """The database file, its WAL, a backup made with SQLite's backup API, the audit log
    and the CLI's output never hold the NIK or the phone in plain text."""
    members.update_member(shop, user=demo_users["bendahara"], member_id=planted.id,
                          form=MemberForm(name="Siti A.", nik=NIK, phone=PHONE))
    members.reveal_personal(shop, user=demo_users["bendahara"], member_id=planted.id)
    path = Path(shop.path)
    wal = Path(str(path) + "-wal")
    _assert_absent(wal.read_bytes() if wal.exists() else b"", "the WAL")
    backup = tmp_path / "backup.db"
    target = sqlite3.connect(backup)
    shop.conn.backup(target)
    target.close()
    _assert_absent(backup.read_bytes(), "a backup")
    shop.checkpoint("TRUNCATE")
    _assert_absent(path.read_bytes(), "the database file")
    audit_text = "".join(r[0] for r in shop.query("SELECT detail FROM audit_log"))
    for needle in (NIK, PHONE_DIGITS, PHONE):
        assert needle not in audit_text
    shop.close()
    env = dict(os.environ, GERAI_LANG="id")
    out = subprocess.run([sys.executable, "-m", "app", "check", "--db", str(path)],
                         capture_output=True, env=env, timeout=120)
    _assert_absent(out.stdout + out.stderr, "gerai check's output")


def test_phones_of_older_releases_are_sealed_on_upgrade(tmp_path):
    """0.4.0 kept phones in plain text; migration 6 seals them, drops the column and
    leaves no copy in the file's free pages."""
    fixture = Path(__file__).parent / "fixtures" / "release-0.4.0.db"
    path = tmp_path / "old.db"
    path.write_bytes(fixture.read_bytes())
    conn = sqlite3.connect(path)
    phones = [r[0] for r in conn.execute("SELECT phone FROM members WHERE phone <> ''")]
    conn.close()
    assert phones, "the fixture has members with phones"
    db = open_db(path, create=False)
    try:
        assert "phone" not in {r[1] for r in db.query("PRAGMA table_info(members)")}
        sealed = db.scalar("SELECT count(*) FROM members WHERE phone_sealed IS NOT NULL")
        assert sealed == len(phones)
        found = members.find_members(db, phones[0])
        assert found and found[0].phone_masked.endswith(phones[0][-3:])
        db.checkpoint("TRUNCATE")
    finally:
        db.close()
    data = path.read_bytes()
    for phone in phones:
        assert phone.encode() not in data


def test_missing_key_locks_personal_fields_but_not_the_shop(shop, planted, tmp_path,
                                                             monkeypatch, demo_users):
    key_file = personal.key_path(personal.personal_key(shop).key_id)
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    monkeypatch.setenv("GERAI_KEY_DIR", str(tmp_path / "elsewhere"))
    # The shop still lists its members, masked as locked; revealing says why it cannot.
    member = members.get_member(shop, planted.id)
    assert member.nik_masked == members.LOCKED and member.name == "Siti Aminah"
    with pytest.raises(personal.PersonalDataLocked, match="tidak ditemukan"):
        members.reveal_personal(shop, user=demo_users["bendahara"], member_id=planted.id)
    # A new key is not made silently over sealed data.
    assert not (tmp_path / "elsewhere").exists() or not any((tmp_path / "elsewhere").iterdir())
    path, ok = personal.key_status(shop)
    assert not ok and path.name == key_file.name
    # gerai check says so, naming where the key should be.
    key_check = [r for r in run_checks(shop) if "Kunci" in r.name]
    assert key_check and not key_check[0].ok and key_file.name in key_check[0].detail


def test_a_foreign_key_file_is_told_apart(shop, planted, tmp_path, monkeypatch):
    key_id = personal.personal_key(shop).key_id
    other = tmp_path / "other"
    other.mkdir()
    (other / f"{key_id}.key").write_text("ab" * 32 + "\n")
    monkeypatch.setenv("GERAI_KEY_DIR", str(other))
    with pytest.raises(personal.PersonalDataLocked, match="bukan kunci"):
        personal.personal_key(shop)


def test_masks():
    assert personal.mask_nik(NIK) == "1871**********01"
    assert personal.normalize_phone("+62 812-3456-7890") == PHONE_DIGITS
    assert personal.display_phone(PHONE_DIGITS) == "0812-3456-7890"
    assert personal.normalize_nik("  ") == ""
