"""Sync package files and their keys: a round trip, the officer's check by hand with the
real ``minisign`` and ``age`` tools, and every kind of damage refused with a reason."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import stat
import subprocess
from pathlib import Path

import msgpack
import nacl.signing
import pyrage
import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyrage import x25519

from app.models.errors import UserError
from app.sync import keys, package
from app.sync.keys import KeyFileError, SigningKey
from app.sync.package import PackageRefused

NIK = "3271046504930002"
PHONE = "081234567890"
NAME = "Siti Nurhalizah Wibisono"


def _header(**over) -> dict:
    base = dict(kind="shop", shop_id="0192f0aa-7c1e-7000-8000-000000000001",
                shop_code="KOPDES-SUKAMAJU", epoch=1, seq_from=1, seq_to=40, prev_hash="",
                created_at="2026-11-26T08:00:00+07:00")
    return {**base, **over}


def _tables() -> dict:
    return {
        "sales": {"columns": ["id", "number", "total", "voided"],
                  "rows": [[f"s{i}", f"PJ-{i:05d}", 12_500 * i, False] for i in range(50)]},
        "members": {"columns": ["id", "name", "nik_sealed", "phone_sealed", "photo"],
                    "rows": [["m1", NAME, f"NIK:{NIK}", f"TEL:{PHONE}", b"\x00\x01"],
                             ["m2", "Budi", None, None, None]]},
    }


def _new_signing() -> SigningKey:
    return SigningKey(secrets.token_bytes(8), nacl.signing.SigningKey.generate())


SHOP = _new_signing()
OTHER = _new_signing()
DISTRICT = x25519.Identity.generate()
FOREIGN = x25519.Identity.generate()
TRUSTED = {SHOP.key_id: SHOP.public}
GOOD = package.encode_package(header=_header(), tables=_tables(), signing_key=SHOP,
                              recipient=str(DISTRICT.to_public()))


def _decode(data: bytes, trusted=None, identity=DISTRICT):
    return package.decode_package(data, trusted_keys=TRUSTED if trusted is None else trusted,
                                  identity=identity)


def _refused(data: bytes, **kw) -> str:
    with pytest.raises(PackageRefused) as caught:
        _decode(data, **kw)
    assert caught.value.reason.strip()
    return caught.value.reason


def _parts(data: bytes) -> tuple[bytes, bytes, bytes]:
    """(header line, signature block, body), split as the module docstring says."""
    lines = data.split(b"\n", 5)
    return lines[0] + b"\n", b"\n".join(lines[1:5]) + b"\n", lines[5]


def _folder_listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def keydir(tmp_path, monkeypatch):
    folder = tmp_path / "keys"
    monkeypatch.setenv("GERAI_SYNC_KEY_DIR", str(folder))
    return folder


# -- keys ---------------------------------------------------------------------------------

def test_keygen_writes_owner_only_files_and_never_overwrites(keydir):
    pub = keys.keygen("shop")
    secret, public = keydir / "shop.key", keydir / "shop.pub"
    for path in (secret, public):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert keys.load_public_key("shop") == pub
    assert keys.parse_public_key(public.read_text()) == pub
    before = secret.read_bytes()
    with pytest.raises(KeyFileError, match="sudah ada"):
        keys.keygen("shop")
    assert secret.read_bytes() == before
    assert len(keys.fingerprint(pub)) == 19 and keys.fingerprint(pub).count(" ") == 3
    with pytest.raises(KeyFileError):
        keys.keygen("../escape")


def test_the_key_folder_follows_xdg_data_home(tmp_path, monkeypatch):
    monkeypatch.delenv("GERAI_SYNC_KEY_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert keys.key_dir() == tmp_path / "data" / "gerai" / "keys"


def test_a_damaged_or_missing_key_is_said_plainly(keydir):
    with pytest.raises(KeyFileError, match="belum dibuat"):
        keys.load_signing_key("shop")
    keys.keygen("shop")
    (keydir / "shop.key").write_text("{not json")
    with pytest.raises(KeyFileError, match="rusak"):
        keys.load_signing_key("shop")
    for text in ("", "RWQ", "untrusted comment: x\nAAAA\n", 42,
                 keys.public_key_text(SHOP.public).replace("RW", "Rw")):
        with pytest.raises(KeyFileError):
            keys.parse_public_key(text)


def test_the_fingerprint_binds_the_key_not_only_its_id():
    forged = keys.PublicKey(SHOP.key_id, bytes(OTHER.public.key))
    assert keys.fingerprint(forged) != keys.fingerprint(SHOP.public)


def test_hub_keys_round_trip_and_refuse_a_second_keygen(keydir):
    pub = keys.hub_keygen()
    assert pub.recipient.startswith("age1")
    assert str(keys.load_hub_identity().to_public()) == pub.recipient
    assert keys.load_hub_signing_key().public == pub.signing
    assert keys.parse_hub_public(keys.hub_public_text(keys.hub_public())) == pub
    before = (keydir / "district.agekey").read_bytes()
    with pytest.raises(KeyFileError, match="sudah ada"):
        keys.hub_keygen()
    assert (keydir / "district.agekey").read_bytes() == before
    with pytest.raises(KeyFileError):
        keys.parse_recipient("age1notakey")


# -- writing and reading ------------------------------------------------------------------

def test_round_trip_through_a_file(keydir, tmp_path):
    keys.keygen("shop")
    hub = keys.hub_keygen()
    out = tmp_path / "usb" / package.package_name(_header())
    out.parent.mkdir()
    written = package.write_package(out, header=_header(), tables=_tables(),
                                    signing_key=keys.load_signing_key("shop"),
                                    recipient=hub.recipient)
    assert written == out and out.name == "KOPDES-SUKAMAJU-1-1-40.gerai"
    assert _folder_listing(out.parent) == [out.name]
    pub = keys.load_public_key("shop")
    header, tables = package.read_package(out, trusted_keys={pub.key_id: pub},
                                          identity=keys.load_hub_identity())
    assert tables == _tables()
    assert {k: header[k] for k in _header()} == _header()
    assert header["to"] == hub.recipient and header["version"] == package.VERSION
    assert package.peek_header(out)["shop_code"] == "KOPDES-SUKAMAJU"
    assert len(package.package_hash(out)) == 64
    assert package.package_hash(out) == package.package_hash(out.read_bytes())


def test_a_reference_package_may_travel_unencrypted_a_shop_package_may_not():
    header = _header(kind="reference", district="KOTA-CIREBON")
    del header["shop_id"], header["shop_code"]
    data = package.encode_package(header=header, tables={"het": {
        "columns": ["product", "zone", "cap"], "rows": [["Beras 5 kg", 1, 69_000]]}},
        signing_key=OTHER, recipient=None)
    _h, tables = _decode(data, trusted={OTHER.key_id: OTHER.public}, identity=None)
    assert tables["het"]["rows"] == [["Beras 5 kg", 1, 69_000]]
    with pytest.raises(PackageRefused, match="disandikan"):
        package.encode_package(header=_header(), tables=_tables(), signing_key=SHOP,
                               recipient=None)


@pytest.mark.skipif(not (shutil.which("minisign") and shutil.which("age")),
                    reason="the minisign and age tools are missing (Debian packages "
                           "minisign and age, listed in .ci/apt-packages)")
def test_an_officer_checks_a_package_by_hand_with_minisign_and_age(keydir, tmp_path):
    keys.keygen("shop")
    hub = keys.hub_keygen()
    pkg = package.write_package(tmp_path / "p.gerai", header=_header(), tables=_tables(),
                                signing_key=keys.load_signing_key("shop"),
                                recipient=hub.recipient)
    # The commands of the module docstring, as an officer would type them.
    script = (f"head -n 5 {pkg} | tail -n 4 > {tmp_path}/p.minisig && "
              f"tail -n +6 {pkg} > {tmp_path}/p.age")
    subprocess.run(["sh", "-c", script], check=True)
    done = subprocess.run(["minisign", "-V", "-m", tmp_path / "p.age", "-x",
                           tmp_path / "p.minisig", "-p", keydir / "shop.pub"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Trusted comment: " + pkg.read_bytes().split(b"\n")[0].decode() in done.stdout
    plain = subprocess.run(["age", "-d", "-i", keydir / "district.agekey", tmp_path / "p.age"],
                           capture_output=True, check=True).stdout
    raw = zstandard.ZstdDecompressor().decompress(plain)
    assert msgpack.unpackb(raw) == _tables()
    # ... and minisign refuses a changed body.
    body = bytearray((tmp_path / "p.age").read_bytes())
    body[-1] ^= 1
    (tmp_path / "p.age").write_bytes(bytes(body))
    done = subprocess.run(["minisign", "-V", "-m", tmp_path / "p.age", "-x",
                           tmp_path / "p.minisig", "-p", keydir / "shop.pub"],
                          capture_output=True, text=True)
    assert done.returncode != 0


def test_personal_data_never_appears_in_the_package_bytes():
    for secret in (NIK, PHONE, NAME, "Siti", "0812345"):
        assert secret.encode() not in GOOD
        assert secret.encode("utf-16-le") not in GOOD
    assert NAME.encode() in msgpack.packb(_tables())     # the plant was really there


# -- refusals -----------------------------------------------------------------------------

def _with_header(data: bytes, **changes) -> bytes:
    line, rest = data.split(b"\n", 1)
    header = json.loads(line)
    header.update(changes)
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode() + b"\n" + rest


def test_a_changed_header_is_refused():
    assert "tidak cocok" in _refused(_with_header(GOOD, seq_to=41))
    # Change the trusted comment too: the global signature catches it.
    line, sig, body = _parts(GOOD)
    new_line = _with_header(GOOD, seq_to=41).split(b"\n")[0]
    sig = sig.replace(line.rstrip(b"\n"), new_line)
    assert "Tanda tangan" in _refused(new_line + b"\n" + sig + body)


def test_a_changed_body_or_signature_is_refused():
    line, sig, body = _parts(GOOD)
    flipped = bytearray(body)
    flipped[len(body) // 2] ^= 0x10
    assert "Tanda tangan paket tidak sah" in _refused(line + sig + bytes(flipped))
    rows = sig.split(b"\n")
    raw = bytearray(package.base64.b64decode(rows[1]))
    raw[20] ^= 1
    rows[1] = package.base64.b64encode(bytes(raw))
    assert "Tanda tangan paket tidak sah" in _refused(line + b"\n".join(rows) + body)


def test_swapped_headers_between_two_packages_are_refused():
    other = package.encode_package(header=_header(seq_from=41, seq_to=80),
                                   tables=_tables(), signing_key=SHOP,
                                   recipient=str(DISTRICT.to_public()))
    line_a, sig_a, body_a = _parts(GOOD)
    line_b, sig_b, body_b = _parts(other)
    for mixed in (line_b + sig_a + body_a, line_a + sig_b + body_b, line_a + sig_a + body_b):
        _refused(mixed)


def test_a_package_truncated_anywhere_is_refused():
    for cut in sorted({*range(0, 400, 7), *range(len(GOOD) - 300, len(GOOD))}):
        _refused(GOOD[:cut])


def test_unknown_key_and_key_id_reuse_are_refused():
    assert "tidak terdaftar" in _refused(GOOD, trusted={OTHER.key_id: OTHER.public})
    impostor = {SHOP.key_id: OTHER.public.verify_key}
    assert "Tanda tangan paket tidak sah" in _refused(GOOD, trusted=impostor)


def test_a_package_for_another_district_is_refused_before_decrypting():
    assert "dinas lain" in _refused(GOOD, identity=FOREIGN)
    assert "kunci dinas diperlukan" in _refused(GOOD, identity=None)


def test_oversized_declared_lengths_and_other_versions_are_refused():
    assert "terlalu besar" in _refused(_with_header(GOOD, body_length=package.MAX_BODY + 1))
    assert "terpotong" in _refused(_with_header(GOOD, body_length=10**7))
    assert "lebih baru" in _refused(_with_header(GOOD, version=2))
    assert "tidak didukung" in _refused(_with_header(GOOD, version=0))
    assert "Bukan paket Gerai" in _refused(_with_header(GOOD, format="other"))
    assert "bait lebih" in _refused(GOOD + b"x")


def test_random_bytes_and_empty_files_are_refused():
    for data in (b"", b"\n" * 10, secrets.token_bytes(5000), b"{}\n" + GOOD,
                 b"PK\x03\x04" + secrets.token_bytes(100)):
        _refused(data)


def _signed_raw_body(plain: bytes) -> bytes:
    """A correctly signed, correctly encrypted package around any zstd-compressed bytes:
    what a holder of a stolen shop key could send. The reader must still refuse it."""
    body = pyrage.encrypt(zstandard.ZstdCompressor().compress(plain), [DISTRICT.to_public()])
    header = {**_header(), "format": package.FORMAT, "version": package.VERSION,
              "body_length": len(body), "key_id": SHOP.key_id.hex(),
              "to": str(DISTRICT.to_public())}
    line = json.dumps(header, sort_keys=True, separators=(",", ":"))
    return line.encode() + b"\n" + package._signature_block(line, body, SHOP) + body


@pytest.mark.parametrize("plain", [
    msgpack.packb({"t": {"columns": ["a"], "rows": [[msgpack.ExtType(5, b"x")]]}}),
    msgpack.packb({"t": {"columns": ["a"], "rows": [[1.5]]}}),
    msgpack.packb({"t": {"columns": ["a", "a"], "rows": []}}),
    msgpack.packb({"t": {"columns": ["a"], "rows": [[1, 2]]}}),
    msgpack.packb({"t": {"columns": ["a"], "rows": [[{"nested": 1}]]}}),
    msgpack.packb({1: {"columns": ["a"], "rows": []}}),
    msgpack.packb([1, 2, 3]),
    msgpack.packb({"t": {"columns": ["a"], "rows": []}}) + b"\xc1",
    b"\xdd\xff\xff\xff\xff",            # an array claiming four billion items
])
def test_a_signed_body_of_the_wrong_shape_is_refused(plain):
    assert "Isi paket" in _refused(_signed_raw_body(plain))


def test_a_decompression_bomb_is_stopped_at_the_cap(monkeypatch):
    monkeypatch.setattr(package, "MAX_PLAIN", 1 << 20)
    data = _signed_raw_body(msgpack.packb({"t": {"columns": ["a"],
                                                 "rows": [["x" * (4 << 20)]]}}))
    assert "terlalu besar" in _refused(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(GOOD) - 1), st.integers(0, 7)),
                min_size=1, max_size=4))
def test_any_bit_flips_are_refused_with_a_reason(flips):
    data = bytearray(GOOD)
    for at, bit in flips:
        data[at] ^= 1 << bit
    if bytes(data) == GOOD:         # two flips of the same bit undo each other
        return
    _refused(bytes(data))


def test_reading_writes_nothing(tmp_path):
    pkg = tmp_path / "p.gerai"
    pkg.write_bytes(GOOD[:-3])
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(PackageRefused):
        package.read_package(pkg, trusted_keys=TRUSTED, identity=DISTRICT)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


# -- writing refusals ---------------------------------------------------------------------

@pytest.mark.parametrize("header, tables", [
    (_header(seq_from=5, seq_to=4), _tables()),
    (_header(epoch="1"), _tables()),
    (_header(prev_hash="abc"), _tables()),
    (_header(kind="hub"), _tables()),
    (_header(shop_code=""), _tables()),
    (_header(body_length=3), _tables()),
    (_header(), {"t": {"columns": ["a"], "rows": [[0.5]]}}),
    (_header(), {"t": {"columns": [], "rows": []}}),
    (_header(), "not tables"),
])
def test_a_bad_header_or_table_writes_nothing(tmp_path, header, tables):
    with pytest.raises(PackageRefused):
        package.write_package(tmp_path / "p.gerai", header=header, tables=tables,
                              signing_key=SHOP, recipient=str(DISTRICT.to_public()))
    assert _folder_listing(tmp_path) == []


def test_a_missing_folder_or_bad_recipient_is_refused(tmp_path):
    with pytest.raises(UserError, match="tidak ada"):
        package.write_package(tmp_path / "no" / "p.gerai", header=_header(),
                              tables=_tables(), signing_key=SHOP,
                              recipient=str(DISTRICT.to_public()))
    with pytest.raises(PackageRefused, match="age1"):
        package.write_package(tmp_path / "p.gerai", header=_header(), tables=_tables(),
                              signing_key=SHOP, recipient="age1bogus")
    assert _folder_listing(tmp_path) == []


@pytest.fixture
def small_stick(tmp_path):
    """A tiny file system (tmpfs) standing in for a USB stick; needs root to mount."""
    mounted = []

    def mount(size: str, read_only: bool = False) -> Path:
        point = tmp_path / f"stick{len(mounted)}"
        point.mkdir()
        opts = f"size={size}" + (",ro" if read_only else "")
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(point)],
                              capture_output=True)
        if done.returncode != 0:
            pytest.skip("cannot mount a small tmpfs here (not root): "
                        + done.stderr.decode(errors="replace").strip())
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", str(point)], check=False)


def test_a_full_stick_is_said_plainly_and_nothing_is_left(small_stick):
    stick = small_stick("16k")
    big = {"t": {"columns": ["blob"], "rows": [[secrets.token_bytes(64 * 1024)]]}}
    with pytest.raises(UserError, match="penuh"):
        package.write_package(stick / "p.gerai", header=_header(), tables=big,
                              signing_key=SHOP, recipient=str(DISTRICT.to_public()))
    assert _folder_listing(stick) == []


def test_a_read_only_stick_is_said_plainly(small_stick, tmp_path):
    stick = small_stick("1m", read_only=True)
    with pytest.raises(UserError, match="tidak dapat ditulisi"):
        package.write_package(stick / "p.gerai", header=_header(), tables=_tables(),
                              signing_key=SHOP, recipient=str(DISTRICT.to_public()))
    assert _folder_listing(stick) == []


def test_an_existing_package_is_replaced_whole(tmp_path):
    out = tmp_path / "p.gerai"
    out.write_bytes(b"old")
    package.write_package(out, header=_header(), tables=_tables(), signing_key=SHOP,
                          recipient=str(DISTRICT.to_public()))
    assert _decode(out.read_bytes())[1] == _tables()
    assert _folder_listing(tmp_path) == ["p.gerai"]
    assert os.stat(out).st_size > 1000
