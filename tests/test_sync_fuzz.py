"""Over ten thousand damaged packages made from two real ones (a small one and a whole
demo shop): every one refused with a reason, and the hub's content as it was.

The two originals have not been imported, so each would be applied if it got through:
a damaged copy that the hub took would show as a write. Every import's changes are
counted by SQLite (``total_changes``), and the content checksum is compared at the end.
"""

from __future__ import annotations

import json
import random
import secrets

import nacl.signing
import pytest
from pyrage import x25519
from sync_world import content_digest, copy_world, world_in

from app.models import members, sync_data
from app.models.db import open_db
from app.sync import hub, keys, package, shop
from app.sync.keys import SigningKey

SEED = 20261126


@pytest.fixture(scope="module")
def world(tmp_path_factory, demo_template, demo_users):
    yield from world_in(tmp_path_factory, demo_template, demo_users)


def _parts(data: bytes) -> tuple[bytes, bytes, bytes]:
    """(header line, signature block, body)."""
    lines = data.split(b"\n", 5)
    return lines[0] + b"\n", b"\n".join(lines[1:5]) + b"\n", lines[5]


def _with_header(data: bytes, **fields) -> bytes:
    head, sig, body = _parts(data)
    header = json.loads(head)
    header.update(fields)
    return json.dumps(header, separators=(",", ":")).encode() + b"\n" + sig + body


def _resigned(db, signing: SigningKey, recipient: str, **header) -> bytes:
    """The shop's real rows in a package signed by ``signing`` for ``recipient``."""
    changes = sync_data.collect(db, full=True)
    head = {**sync_data.header(db, changes), **header}
    return package.encode_package(header=head, tables=changes.tables, signing_key=signing,
                                  recipient=recipient)


def _damaged(small: bytes, big: bytes, extra: list[bytes], rng: random.Random):
    """(what, bytes) for every damaged package."""
    originals = (small, big)
    for n in range(4500):                               # bit flips anywhere
        data = bytearray(originals[n % 2])
        head_end = len(_parts(bytes(data))[0]) + len(_parts(bytes(data))[1])
        for _flip in range(rng.choice((1, 1, 1, 2, 8))):
            at = rng.randrange(head_end) if rng.random() < 0.6 else rng.randrange(len(data))
            data[at] ^= 1 << rng.randrange(8)
        yield "flip", bytes(data)
    for data in originals:                              # truncation: every header and
        head_end = len(_parts(data)[0]) + len(_parts(data)[1])      # signature byte, and
        for cut in range(head_end + 40):                            # the body here and there
            yield "cut", data[:cut]
        for _i in range(600):
            yield "cut", data[:rng.randrange(head_end, len(data))]
    for n in range(800):                                # extra bytes, after or inside
        data = originals[n % 2]
        junk = secrets.token_bytes(rng.choice((1, 2, 17, 4096)))
        at = len(data) if n % 3 else rng.randrange(len(data))
        yield "extra", data[:at] + junk + data[at:]
    a, b = (_parts(d) for d in originals)               # parts swapped between the two
    for mix in ((a[0], b[1], b[2]), (b[0], a[1], a[2]), (a[0], a[1], b[2]),
                (b[0], b[1], a[2]), (a[0], b[1], a[2]), (b[0], a[1], b[2])):
        yield "swap", b"".join(mix)
    fields = [("seq_to", [0, -1, 2, 10**12, "1", None, True]),
              ("seq_from", [0, 2, -5, 10**12, 1.0]), ("epoch", [1, -1, 7, "0", None]),
              ("shop_code", ["GERAIB", "", "geraia", None, 7]),
              ("body_length", [0, -1, 1, 10**15, 2**63, "10", None, 1.5]),
              ("key_id", ["00" * 8, "", None]), ("to", ["age1xyz", None, ""]),
              ("format", ["gerai-sinc", None]), ("version", [0, 2, "1", None]),
              ("prev_hash", ["0" * 64, "x", None]), ("kind", ["reference", "hub", None])]
    for n in range(1200):                               # header fields edited
        field, values = fields[n % len(fields)]
        yield "header", _with_header(originals[n % 2], **{field: rng.choice(values)})
        if n % 4 == 0:
            yield "header", _with_header(originals[n % 2], **{"created_at": str(n)})
    for data in extra:                                  # wrong key, wrong district
        yield "forged", data
        yield "forged-flip", data[:-1] + bytes([data[-1] ^ 1])
    for n in range(2000):                               # random bytes
        size = rng.choice((1, 5, 64, 700, 5000, 70_000))
        prefix = b'{"format":"gerai-sync","version":1,' if n % 4 == 0 else b""
        yield "random", prefix + secrets.token_bytes(size)
    yield "empty", b""
    yield "newline", b"\n" * 6


def test_ten_thousand_damaged_packages_are_refused_and_change_nothing(world, tmp_path,
                                                                    demo_users):
    shops, hub_path = copy_world(world, tmp_path / "w")
    a, b = (open_db(p, create=False) for p in shops.values())
    h = open_db(hub_path, create=False)
    try:
        out = tmp_path / "out"
        out.mkdir()
        assert hub.import_file(h, shop.export(a, out).path).applied
        members.create_member(a, user=demo_users["bendahara"], name="Anggota Baru",
                              nik="3271046504930002", phone="081234567890")
        small = shop.export(a, out).path.read_bytes()       # A's next package
        big = shop.export(b, out).path.read_bytes()         # B's first: the whole shop
        assert len(small) < 5_000 < 100_000 < len(big)
        enrolled = sync_data.enrollment(a)
        stranger = SigningKey(secrets.token_bytes(8), nacl.signing.SigningKey.generate())
        b_key = keys.load_signing_key(shop.key_name(b))
        a_key = keys.load_signing_key(shop.key_name(a))
        elsewhere = str(x25519.Identity.generate().to_public())
        extra = [
            _resigned(a, stranger, enrolled.recipient),             # an unregistered key
            _resigned(a, b_key, enrolled.recipient),                # B's key, A's name
            _resigned(a, a_key, elsewhere),                         # another district
            _resigned(a, a_key, enrolled.recipient, shop_id="someone-else"),
            _resigned(a, a_key, enrolled.recipient, schema=10**6),  # a newer Gerai
        ]
        before = content_digest(h)
        trusted = hub._trusted(h)
        identity = keys.load_hub_identity(hub.key_name(h))
        rng = random.Random(SEED)
        count, kinds, reasons = 0, {}, []
        for what, data in _damaged(small, big, extra, rng):
            if data in (small, big):        # an edit that changed nothing
                continue
            changes = h.conn.total_changes
            result = hub.import_bytes(h, data, f"{what}-{count}.gerai", trusted=trusted,
                                      identity=identity)
            assert not result.applied, (what, count, result.kind, result.message)
            assert result.message.strip(), (what, count)
            assert h.conn.total_changes == changes, (what, count, result.message)
            if what == "forged":
                reasons.append(result.message)
            kinds[what] = kinds.get(what, 0) + 1
            count += 1
        assert count >= 10_000, kinds
        for reason, words in zip(reasons, ("tidak terdaftar", "ditandatangani kunci gerai "
                                           "GERAIB", "dinas lain", "basis data lain",
                                           "lebih baru"), strict=True):
            assert words in reason, reason
        assert content_digest(h) == before
        # Through the file entry point too, and the originals still go in afterwards.
        (tmp_path / "empty.gerai").write_bytes(b"")
        assert not hub.import_file(h, tmp_path / "empty.gerai").applied
        assert hub.import_file(h, tmp_path / "missing.gerai").message
        assert content_digest(h) == before
        assert hub.import_bytes(h, small, "small.gerai").applied
        assert hub.import_bytes(h, big, "big.gerai").applied
    finally:
        for db in (a, b, h):
            db.close()
