"""A shop's package from the outside: no personal data in plain, nothing half-written on a
bad stick, the officer's check by hand, gaps, late packages, full re-exports after
deletions, forks, and packages whose tables the hub does not know."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from dataclasses import replace

import msgpack
import pytest
import zstandard
from sync_world import content_digest, copy_world, mismatches, world_in

from app.models import hub_store, members, sync_data
from app.models.backup import backup, restore
from app.models.db import open_db
from app.models.errors import UserError
from app.models.members import MemberForm
from app.models.personal import personal_key
from app.models.products import get_product, update_product
from app.models.sync_tables import MANIFEST
from app.sync import hub, keys, package, shop

NIK = "3271046504930002"
PHONE = "081234567890"
NAME = "Siti Nurhalizah Wibisono"


@pytest.fixture(scope="module")
def world(tmp_path_factory, demo_template, demo_users):
    yield from world_in(tmp_path_factory, demo_template, demo_users)


@pytest.fixture
def sync(world, tmp_path):
    """(shop A, shop B, hub, out folder), fresh copies."""
    shops, hub_path = copy_world(world, tmp_path / "w")
    out = tmp_path / "out"
    out.mkdir()
    a, b = (open_db(p, create=False) for p in shops.values())
    h = open_db(hub_path, create=False)
    yield a, b, h, out
    for db in (a, b, h):
        db.close()


def _spellings(text: str) -> list[bytes]:
    return [text.encode(), text.encode("utf-16-le"), text.encode("utf-16-be"),
            text.encode().hex().encode(), text.encode().hex().upper().encode()]


def _assert_absent(data: bytes, *texts: str) -> None:
    for text in texts:
        for spelled in _spellings(text):
            assert spelled not in data, (text, spelled[:20])


def _imported(h, path, **kw) -> hub.Imported:
    result = hub.import_file(h, path, **kw)
    assert result.message
    return result


def _refused_unchanged(h, path, **kw) -> str:
    before = content_digest(h)
    result = hub.import_file(h, path, **kw)
    assert not result.applied and result.message.strip()
    assert content_digest(h) == before
    return result.message


# -- personal data ----------------------------------------------------------------------

def test_a_package_holds_no_personal_data_in_plain_and_the_hub_opens_it(sync, demo_users):
    a, _b, h, out = sync
    planted = members.create_member(a, user=demo_users["bendahara"], form=MemberForm(
        name=NAME, nik=NIK, phone=PHONE, village="Natar"))
    exported = shop.export(a, out)
    _assert_absent(exported.path.read_bytes(), NIK, NAME, PHONE, PHONE[1:], "62" + PHONE[1:])
    result = _imported(h, exported.path)
    assert result.applied and result.kind == "next"
    sid = sync_data.shop_id(a)
    row = h.one("SELECT * FROM s_members WHERE shop_id = ? AND id = ?", (sid, planted.id))
    key = personal_key(h)
    assert row["name"] == NAME
    assert key.open(row["nik_sealed"]) == NIK
    assert key.open(row["phone_sealed"]).lstrip("+") in (PHONE, "62" + PHONE[1:])
    assert row["nik_hash"] == key.digest("nik", NIK)
    assert not mismatches(a, h, last_export=exported.header["seq_to"])
    h.checkpoint("TRUNCATE")
    _assert_absent(open(h.path, "rb").read(), NIK, PHONE, PHONE[1:])


# -- a bad stick --------------------------------------------------------------------------

def _failing_export(a, out, monkeypatch, fail):
    before = sync_data.exports(a), sync_data.pending_changes(a)
    with monkeypatch.context() as mp:
        fail(mp)
        with pytest.raises(UserError) as caught:
            shop.export(a, out)
    assert caught.value.message.strip()
    assert list(out.iterdir()) == []
    assert (sync_data.exports(a), sync_data.pending_changes(a)) == before
    return caught.value.message


def test_a_read_only_or_full_stick_leaves_nothing_and_the_next_export_carries_it(
        sync, demo_users, monkeypatch):
    a, _b, h, out = sync
    first = shop.export(a, out)
    assert _imported(h, first.path).applied
    first.path.unlink()
    planted = members.create_member(a, user=demo_users["bendahara"], form=MemberForm(
        name=NAME, nik=NIK, phone=PHONE))
    real_open, real_write = os.open, os.write

    def read_only(mp):
        def refuse(path, flags, *args):
            if flags & os.O_CREAT:
                raise OSError(errno.EROFS, "Read-only file system", str(path))
            return real_open(path, flags, *args)
        mp.setattr(os, "open", refuse)

    def full(mp):
        calls = []

        def write(fd, data):
            calls.append(fd)
            if len(calls) > 1:      # the first chunk fits, the rest does not
                raise OSError(errno.ENOSPC, "No space left on device")
            return real_write(fd, bytes(data)[:64])
        mp.setattr(os, "write", write)

    assert "hanya-baca" in _failing_export(a, out, monkeypatch, read_only)
    assert "penuh" in _failing_export(a, out, monkeypatch, full)
    later = shop.export(a, out)
    assert later.header["seq_to"] == 2 and later.header["prev_hash"] == \
        sync_data.exports(a)[1]["hash"]
    assert _imported(h, later.path).kind == "next"
    assert h.scalar("SELECT count(*) FROM s_members WHERE id = ?", (planted.id,)) == 1


@pytest.mark.skipif(not (shutil.which("minisign") and shutil.which("age")),
                    reason="the minisign and age tools are missing")
def test_an_officer_checks_a_real_shop_package_by_hand(sync, world, tmp_path):
    a, _b, _h, out = sync
    pkg = shop.export(a, out).path
    subprocess.run(["sh", "-c", f"head -n 5 {pkg} | tail -n 4 > {tmp_path}/p.minisig && "
                                f"tail -n +6 {pkg} > {tmp_path}/p.age"], check=True)
    done = subprocess.run(["minisign", "-V", "-m", tmp_path / "p.age", "-x",
                           tmp_path / "p.minisig", "-p", world.folder / "GERAIA.pub"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Trusted comment: " + pkg.read_bytes().split(b"\n")[0].decode() in done.stdout
    identity = keys.identity_path(hub.key_name(_h))
    plain = subprocess.run(["age", "-d", "-i", identity, tmp_path / "p.age"],
                           capture_output=True, check=True).stdout
    tables = msgpack.unpackb(zstandard.ZstdDecompressor().decompress(plain))
    assert tables["sales"]["rows"] and MANIFEST in tables


# -- gaps, late packages, full re-exports, forks -------------------------------------------

def _remove_a_barcode(db, user) -> str:
    pid = db.scalar("SELECT product_id FROM barcodes b JOIN products p ON p.id = b.product_id"
                    " WHERE p.consigned = 0 AND b.unit_id IS NULL ORDER BY code LIMIT 1")
    p = get_product(db, pid)
    from test_sync_stateful import _product_input
    update_product(db, user=user, product_id=pid,
                   data=replace(_product_input(p), barcodes=p.barcodes[1:]))
    return p.barcodes[0]


def test_a_gap_is_refused_then_let_through_and_the_late_one_adds_only_new_rows(
        sync, demo_users):
    a, _b, h, out = sync
    bendahara = demo_users["bendahara"]
    assert _imported(h, shop.export(a, out).path).kind == "next"
    m1 = members.create_member(a, user=bendahara, name="Anggota Dua")
    second = shop.export(a, out)
    m2 = members.create_member(a, user=bendahara, name="Anggota Tiga")
    third = shop.export(a, out)
    message = _refused_unchanged(h, third.path)
    assert "2" in message
    hub_store.set_allow_gaps(h, True, user=None)
    result = _imported(h, third.path)
    assert result.applied and result.kind == "gap"
    assert h.scalar("SELECT count(*) FROM s_members WHERE id = ?", (m1.id,)) == 0
    assert h.scalar("SELECT count(*) FROM s_members WHERE id = ?", (m2.id,)) == 1
    late = _imported(h, second.path)
    assert late.applied and late.kind == "late"
    assert late.outcome.new.get("members") == 1
    assert h.scalar("SELECT count(*) FROM s_members WHERE id = ?", (m1.id,)) == 1
    assert _imported(h, second.path).kind == "duplicate"
    assert not mismatches(a, h, last_export=third.header["seq_to"])


def test_a_full_re_export_after_a_lost_deletion_leaves_no_deleted_row(sync, demo_users):
    a, _b, h, out = sync
    assert _imported(h, shop.export(a, out).path).applied
    gone = _remove_a_barcode(a, demo_users["manajer"])
    lost = shop.export(a, out)          # carries the deletion; never reaches the hub
    full = shop.export(a, out, full=True)
    result = _imported(h, full.path)
    assert result.applied and result.kind == "overlap"
    assert h.scalar("SELECT count(*) FROM s_barcodes WHERE code = ?", (gone,)) == 0
    assert _imported(h, lost.path).kind == "duplicate"
    assert not mismatches(a, h, last_export=full.header["seq_to"])


def test_a_restored_shop_forks_and_only_its_full_package_can_be_accepted(
        sync, demo_users, tmp_path):
    a, _b, h, out = sync
    bendahara = demo_users["bendahara"]
    assert _imported(h, shop.export(a, out).path).applied
    saved = tmp_path / "a-backup.db"
    backup(a, saved)
    m = members.create_member(a, user=bendahara, name="Hilang Saat Pulih")
    old = shop.export(a, out)
    assert _imported(h, old.path).kind == "next"
    path = a.path
    a.close()
    restore(path, saved)
    a = open_db(path, create=False)
    try:
        fork = shop.export(a, out)
        assert fork.header["full"] and fork.header["epoch"] == 1
        members.create_member(a, user=bendahara, name="Sesudah Pulih")
        after = shop.export(a, out)
        for pkg in (fork, after):
            message = _refused_unchanged(h, pkg.path)
            assert "cadangan" in message
        _refused_unchanged(h, after.path, accept_fork=True)   # not the epoch's full package
        accepted = _imported(h, fork.path, accept_fork=True)
        assert accepted.applied and accepted.kind == "fork"
        assert h.scalar("SELECT count(*) FROM s_members WHERE id = ?", (m.id,)) == 0
        assert _imported(h, after.path).kind == "next"
        _refused_unchanged(h, old.path)             # the old epoch is over
        assert _imported(h, old.path).kind == "duplicate"
        assert not mismatches(a, h, last_export=after.header["seq_to"])
    finally:
        a.close()


# -- packages the hub does not understand --------------------------------------------------

def _forged(a, out, name, change) -> object:
    """A package signed with the shop's real key and encrypted to the district, its tables
    changed by ``change``: what a newer, older or broken Gerai might send."""
    changes = sync_data.collect(a)
    head = sync_data.header(a, changes)
    tables = change({n: {"columns": list(t["columns"]), "rows": [list(r) for r in t["rows"]]}
                     for n, t in changes.tables.items()})
    data = package.encode_package(header=head, tables=tables,
                                  signing_key=keys.load_signing_key(shop.key_name(a)),
                                  recipient=sync_data.enrollment(a).recipient)
    path = out / name
    path.write_bytes(data)
    return path


def _with_manifest(tables):
    counts = {n: len(t["rows"]) for n, t in tables.items() if n != MANIFEST}
    tables[MANIFEST] = {"columns": ["table", "rows"], "rows": sorted(counts.items())}
    return tables


def _unknown_table(t):
    t["widgets"] = {"columns": ["id"], "rows": [["w1"]]}
    return _with_manifest(t)


def _unknown_column(t):
    t["sales"]["columns"].append("mood")
    for r in t["sales"]["rows"]:
        r.append("happy")
    return t


def _wrong_type(t):
    col = t["sales"]["columns"].index("total")
    t["sales"]["rows"][0][col] = "12500"
    return t


def _missing_key(t):
    col = t["sales"]["columns"].index("id")
    t["sales"]["columns"].pop(col)
    for r in t["sales"]["rows"]:
        r.pop(col)
    return t


def _manifest_lies(t):
    t[MANIFEST]["rows"] = [[n, c + 1] for n, c in t[MANIFEST]["rows"]]
    return t


def _no_manifest(t):
    del t[MANIFEST]
    return t


@pytest.mark.parametrize("change, words", [
    (_unknown_table, "widgets"), (_unknown_column, "mood"), (_wrong_type, "total"),
    (_missing_key, "id"), (_manifest_lies, "Daftar isi"), (_no_manifest, "Daftar isi")])
def test_a_package_the_hub_does_not_understand_is_refused_with_its_reason(
        sync, change, words):
    a, _b, h, out = sync
    path = _forged(a, out, f"{change.__name__}.gerai", change)
    assert words in _refused_unchanged(h, path)
    # The untouched package of the same moment is fine: the refusal was the change's.
    good = _forged(a, out, "good.gerai", lambda t: t)
    assert _imported(h, good).applied
