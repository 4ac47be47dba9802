"""The personal-data key saved with a passphrase and put back: a restored backup's NIK and
phone open again; a wrong passphrase, a damaged file, another database's key or an empty
passphrase are refused and write nothing; the file opens by hand with ``age -d``."""

from __future__ import annotations

import os
import pty
import shutil
import time
from pathlib import Path

import pytest
from pyrage import passphrase as age_passphrase

from app.models import members, personal
from app.models.db import open_db
from app.models.errors import UserError
from app.sync.key_backup import (
    KeyRestored,
    export_personal_key,
    import_personal_key,
    key_file_name,
)

NIK = "1871034101900001"
PHONE = "081234567890"
WORDS = "kopi tubruk pagi hari"


@pytest.fixture
def keys_here(shop, tmp_path, monkeypatch) -> Path:
    """This test's own key folder holding a copy of the shop's key (the demo's key file is
    shared by every copy of the demo shop: it must never be deleted)."""
    key_file = personal.key_path(personal.personal_key(shop).key_id)
    folder = tmp_path / "keys"
    folder.mkdir()
    shutil.copy(key_file, folder / key_file.name)
    monkeypatch.setenv("GERAI_KEY_DIR", str(folder))
    return folder


@pytest.fixture
def planted(shop, keys_here, demo_users):
    return members.create_member(shop, user=demo_users["bendahara"], name="Siti Aminah",
                                 nik=NIK, phone=PHONE, village="Natar")


@pytest.fixture(scope="module")
def saved_once(demo_template, tmp_path_factory) -> Path:
    """The demo's key saved once (scrypt takes a second each time): every copy of the demo
    shop has that key."""
    folder = tmp_path_factory.mktemp("saved")
    shutil.copy(demo_template.path, folder / "shop.db")
    db = open_db(folder / "shop.db", create=False)
    try:
        return export_personal_key(db, folder, WORDS)
    finally:
        db.close()


@pytest.fixture
def saved(shop, planted, saved_once, tmp_path) -> Path:
    """The saved key on this test's USB stick."""
    usb = tmp_path / "usb"
    usb.mkdir()
    copy = usb / saved_once.name
    shutil.copy2(saved_once, copy)
    return copy


def lose_the_key(shop) -> Path:
    key_file = personal.key_path(personal.personal_key(shop).key_id)
    key_file.unlink()
    personal._cache.clear()
    return key_file


def folder_state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def test_round_trip_opens_the_members_nik_again(shop, planted, saved, demo_users):
    key = personal.personal_key(shop)
    assert saved.name == key_file_name(key.key_id) == f"gerai-kunci-{key.key_id[:8]}.age"
    assert oct(saved.stat().st_mode & 0o777) == "0o600"
    data = saved.read_bytes()
    assert data.startswith(b"age-encryption.org/v1\n-> scrypt ")
    assert key.secret.hex().encode() not in data and NIK.encode() not in data
    assert not [p for p in saved.parent.iterdir() if p.name.endswith(".tmp")]

    key_file = lose_the_key(shop)
    assert members.get_member(shop, planted.id).nik_masked == members.LOCKED
    with pytest.raises(personal.PersonalDataLocked):
        members.reveal_personal(shop, user=demo_users["bendahara"], member_id=planted.id)

    restored = import_personal_key(shop, saved, WORDS)
    assert restored == KeyRestored(key_file, True) and "dipulihkan" in restored.message
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert bytes.fromhex(key_file.read_text().strip()) == key.secret
    opened = members.reveal_personal(shop, user=demo_users["bendahara"], member_id=planted.id)
    assert opened.nik == NIK
    assert members.get_member(shop, planted.id).nik_masked == "1871**********01"

    # The same key again: said to be there, nothing changed.
    before = key_file.stat().st_mtime_ns
    again = import_personal_key(shop, saved, WORDS)
    assert not again.written and "sudah ada" in again.message
    assert key_file.stat().st_mtime_ns == before


def test_a_second_export_replaces_the_first_copy(shop, planted, saved):
    first = saved.read_bytes()
    assert export_personal_key(shop, saved.parent, "kata sandi yang baru") == saved
    assert saved.read_bytes() != first and len(list(saved.parent.iterdir())) == 1
    lose_the_key(shop)
    with pytest.raises(UserError, match="Kata sandi salah"):
        import_personal_key(shop, saved, WORDS)
    assert import_personal_key(shop, saved, "kata sandi yang baru").written


def refused(shop, keys_here, path, words, match, snapshot):
    before_db, before_keys = snapshot(shop), folder_state(keys_here)
    with pytest.raises(UserError, match=match):
        import_personal_key(shop, path, words)
    assert snapshot(shop) == before_db and folder_state(keys_here) == before_keys


def test_wrong_passphrase_refused_nothing_written(shop, keys_here, saved, snapshot):
    lose_the_key(shop)
    refused(shop, keys_here, saved, "kopi tubruk sore hari", "Kata sandi salah", snapshot)
    refused(shop, keys_here, saved, "", "Kata sandi belum diisi", snapshot)
    refused(shop, keys_here, saved, "   ", "Kata sandi belum diisi", snapshot)
    refused(shop, keys_here, saved, None, "Kata sandi belum diisi", snapshot)
    assert folder_state(keys_here) == {}


@pytest.mark.parametrize("damage", ["body", "header", "truncated", "text", "plain"])
def test_damaged_file_refused_nothing_written(shop, keys_here, saved, snapshot, damage):
    lose_the_key(shop)
    data = bytearray(saved.read_bytes())
    if damage == "body":
        data[-5] ^= 0x01
    elif damage == "header":
        data[data.index(b"---") + 6] ^= 0x01
    elif damage == "truncated":
        data = data[:len(data) // 2 + 40]
    elif damage == "text":      # a sound age file whose text is not a key
        data = bytearray(age_passphrase.encrypt(b"daftar belanja\n", WORDS))
    else:
        data = bytearray(b"key: " + b"ab" * 32 + b"\n")
    bad = saved.parent / "rusak.age"
    bad.write_bytes(bytes(data))
    refused(shop, keys_here, bad, WORDS, "rusak|bukan berkas kunci", snapshot)


def test_another_databases_key_refused_nothing_written(shop, keys_here, saved, tmp_path,
                                                        snapshot):
    other = open_db(tmp_path / "other.db")
    try:
        theirs = export_personal_key(other, tmp_path, "kata sandi toko lain")
    finally:
        other.close()
    lose_the_key(shop)
    refused(shop, keys_here, theirs, "kata sandi toko lain", "basis data lain", snapshot)


def test_a_forged_key_under_this_key_id_is_refused(shop, keys_here, saved, snapshot):
    key_id = personal.personal_key(shop).key_id
    lose_the_key(shop)
    text = f"gerai-personal-key: 1\nkey_id: {key_id}\nkey: {'cd' * 32}\n".encode()
    forged = saved.parent / "palsu.age"
    forged.write_bytes(age_passphrase.encrypt(text, WORDS))
    refused(shop, keys_here, forged, WORDS, "tidak cocok", snapshot)


def test_an_other_key_file_in_its_place_is_never_replaced(shop, keys_here, saved, snapshot):
    key_file = lose_the_key(shop)
    key_file.write_text("ef" * 32 + "\n")
    refused(shop, keys_here, saved, WORDS, "tidak ditimpa", snapshot)
    assert key_file.read_text() == "ef" * 32 + "\n"


def test_missing_file_or_folder_refused(shop, keys_here, saved, snapshot):
    lose_the_key(shop)
    refused(shop, keys_here, saved.parent / "tidak-ada.age", WORDS, "tidak ada", snapshot)
    refused(shop, keys_here, saved.parent, WORDS, "folder", snapshot)


@pytest.mark.parametrize("words, match", [("", "belum diisi"), ("   ", "belum diisi"),
                                          (None, "belum diisi"),
                                          ("pendek123", "paling sedikit 10")])
def test_export_refuses_an_empty_or_short_passphrase(shop, planted, tmp_path, snapshot,
                                                     words, match):
    usb = tmp_path / "usb"
    usb.mkdir()
    before = snapshot(shop)
    with pytest.raises(UserError, match=match):
        export_personal_key(shop, usb, words)
    assert list(usb.iterdir()) == [] and snapshot(shop) == before


def test_export_refuses_a_missing_folder_or_a_lost_key(shop, planted, tmp_path):
    with pytest.raises(UserError, match="tidak ada"):
        export_personal_key(shop, tmp_path / "usb", WORDS)
    assert not (tmp_path / "usb").exists()
    lose_the_key(shop)
    with pytest.raises(personal.PersonalDataLocked, match="tidak ditemukan"):
        export_personal_key(shop, tmp_path, WORDS)
    assert not list(tmp_path.glob("gerai-kunci-*"))


def age_decrypt_by_hand(path: Path, words: str, out: Path) -> tuple[int, bytes]:
    """``age -d -o OUT FILE`` as a person types it: age asks the passphrase on a terminal."""
    pid, fd = pty.fork()
    if pid == 0:        # the child: age with the pty as its terminal
        os.execvp("age", ["age", "-d", "-o", str(out), str(path)])
    said, sent, deadline = b"", False, time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        said += chunk
        if not sent and b"passphrase" in said.lower():
            os.write(fd, words.encode() + b"\n")
            sent = True
    _pid, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), said


@pytest.mark.skipif(shutil.which("age") is None, reason="the age command is not installed")
def test_the_file_opens_by_hand_with_age(shop, saved, tmp_path):
    key = personal.personal_key(shop)
    out = tmp_path / "kunci.txt"
    code, said = age_decrypt_by_hand(saved, WORDS, out)
    assert code == 0, said
    text = out.read_text()
    assert f"key_id: {key.key_id}" in text and f"key: {key.secret.hex()}" in text
    wrong = tmp_path / "salah.txt"
    code, _said = age_decrypt_by_hand(saved, "bukan kata sandinya", wrong)
    assert code != 0 and not (wrong.exists() and wrong.read_bytes())


def test_saving_and_restoring_the_key_are_audited_without_the_key(shop, tmp_path, admin):
    import json

    from app.models import personal
    from app.sync.key_backup import export_personal_key, import_personal_key

    key = personal.personal_key(shop)
    saved = export_personal_key(shop, tmp_path, "sukamaju-2026-kunci", user=admin)
    key.path.unlink()
    personal._cache.clear()
    import_personal_key(shop, saved, "sukamaju-2026-kunci", user=admin)
    rows = shop.query("SELECT action, user_id, detail FROM audit_log WHERE entity = 'personal'"
                      " ORDER BY seq")
    assert [(r["action"], r["user_id"]) for r in rows] == [
        ("personal.key_export", admin.id), ("personal.key_import", admin.id)]
    assert all(json.loads(r["detail"]) == {"file": saved.name} for r in rows)
    assert key.secret.hex() not in " ".join(r["detail"] for r in rows)
