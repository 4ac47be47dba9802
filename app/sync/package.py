"""The sync package file: a plain header, a minisign signature, an age-encrypted body.

Layout (the first five lines are ASCII text, the rest is binary)::

    {"body_length":...,"format":"gerai-sync","version":1,...}     the header: one JSON line
    untrusted comment: gerai sync package, key <KEY ID>           \\
    <base64: "ED" + key id + Ed25519(BLAKE2b-512(body))>            | a minisign signature
    trusted comment: <the header line again, byte for byte>         | of the body (.minisig)
    <base64: Ed25519(signature + trusted comment)>                /
    <the body: age-encrypted to the district's key, binary>

The body is ``zstd(msgpack({table: {"columns": [...], "rows": [[...], ...]}}))``. The
signature is minisign's prehashed kind, and its trusted comment *is* the header, so the
global signature makes the header as authentic as the body; the reader insists that the
plain first line equals it. An officer checks a package by hand::

    head -n 5 PKG | tail -n 4 > PKG.minisig        # the signature
    tail -n +6 PKG > PKG.age                       # the body
    minisign -V -m PKG.age -x PKG.minisig -p shop.pub    # prints the header as trusted
    age -d -i district.agekey PKG.age | zstd -d > PKG.msgpack

Reading checks, in this order and before any work on the body: the header's format and
version, the declared lengths against the file's size, the key id against the registered
keys, the signature, the recipient; only then decrypts, decompresses with a cap, unpacks
with msgpack's limits (no extension types) and checks the tables' shape. Every refusal is
a :class:`PackageRefused` naming what is wrong. Nothing here unpacks archives or evaluates
anything.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
from itertools import chain
from pathlib import Path

import msgpack
import nacl.encoding
import nacl.exceptions
import nacl.hash
import nacl.signing
import pyrage
import zstandard
from pyrage import x25519

from app.i18n import _
from app.models.errors import PackageRefused, UserError
from app.models.files import write_checked
from app.sync.keys import PublicKey, SigningKey, key_id_text

FORMAT = "gerai-sync"
VERSION = 1
KINDS = ("shop", "reference")
SUFFIX = ".gerai"
#: minisign reads a trusted comment of at most 1024 bytes, and the header is one.
MAX_HEADER_LINE = 1000
MAX_SIG_LINE = MAX_HEADER_LINE + 32
MAX_BODY = 256 * 1024 * 1024
MAX_PLAIN = 1024 * 1024 * 1024
_SIG_ALG = b"ED"                        # minisign: Ed25519 over BLAKE2b-512 of the message
_UNTRUSTED = "untrusted comment: gerai sync package, key {key_id}"
_TRUSTED = "trusted comment: "
_REQUIRED = {"kind": str, "epoch": int, "seq_from": int, "seq_to": int, "prev_hash": str,
             "created_at": str}
_REQUIRED_BY_KIND = {"shop": ("shop_id", "shop_code"), "reference": ("district",)}
_WRITER_KEYS = ("format", "version", "body_length", "key_id", "to")
_CELL_TYPES = (type(None), bool, int, str, bytes)
_EXACT_CELL_TYPES = frozenset(_CELL_TYPES)
_ROW_TYPES = frozenset((list, tuple))


# -- pieces -------------------------------------------------------------------------------

def package_hash(data_or_path) -> str:
    """SHA-256 of a whole package file: the next package's ``prev_hash``."""
    if isinstance(data_or_path, bytes | bytearray):
        return hashlib.sha256(data_or_path).hexdigest()
    digest = hashlib.sha256()
    with open(data_or_path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def package_name(header: dict) -> str:
    """``<shopcode>-<epoch>-<from>-<to>.gerai`` as the design names shop packages."""
    code = header.get("shop_code") or header.get("district") or "gerai"
    return f"{code}-{header['epoch']}-{header['seq_from']}-{header['seq_to']}{SUFFIX}"


def _prehash(body: bytes) -> bytes:
    return nacl.hash.blake2b(body, digest_size=64, encoder=nacl.encoding.RawEncoder)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _b64_strict(text: str) -> bytes | None:
    """Only the canonical spelling: a flipped padding bit is damage, not the same file."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (ValueError, TypeError):
        return None
    return raw if _b64(raw) == text else None


def _signature_block(header_line: str, body: bytes, key: SigningKey) -> bytes:
    sig = key.signing_key.sign(_prehash(body)).signature
    trusted = header_line.encode()
    global_sig = key.signing_key.sign(sig + trusted).signature
    lines = [_UNTRUSTED.format(key_id=key_id_text(key.public)),
             _b64(_SIG_ALG + key.key_id + sig),
             _TRUSTED + header_line,
             _b64(global_sig)]
    return ("\n".join(lines) + "\n").encode()


def check_tables(tables) -> dict:
    """``tables`` if it is ``{name: {"columns": [names], "rows": [[cells]]}}`` with
    unique column names, rows as long as the columns, cells None/bool/int/str/bytes."""
    bad = _("Isi paket tidak berbentuk tabel yang benar: {what}.")
    if not isinstance(tables, dict):
        raise PackageRefused(bad.format(what=_("bukan daftar tabel")))
    for name, table in tables.items():
        if not isinstance(name, str) or not name:
            raise PackageRefused(bad.format(what=_("nama tabel kosong atau bukan teks")))
        if not isinstance(table, dict) or set(table) != {"columns", "rows"}:
            raise PackageRefused(bad.format(what=name))
        columns, rows = table["columns"], table["rows"]
        if (not isinstance(columns, list) or not columns
                or not all(isinstance(c, str) and c for c in columns)
                or len(set(columns)) != len(columns)):
            raise PackageRefused(bad.format(what=_("kolom {table}").format(table=name)))
        if not isinstance(rows, list):
            raise PackageRefused(bad.format(what=name))
        if not _rows_fit(rows, len(columns)):
            raise PackageRefused(bad.format(what=_("baris {table}").format(table=name)))
    return tables


def _rows_fit(rows: list, width: int) -> bool:
    """Every row a list or tuple of ``width`` cells of the allowed types. A package holds
    hundreds of thousands of cells: the usual case (exact types) is checked by sets built
    in C, a cell at a time only when that fails (a subclass, or a refusal)."""
    if set(map(type, rows)) <= _ROW_TYPES and set(map(len, rows)) <= {width} and (
            set(map(type, chain.from_iterable(rows))) <= _EXACT_CELL_TYPES):
        return True
    return all(isinstance(row, list | tuple) and len(row) == width
               and all(isinstance(c, _CELL_TYPES) for c in row) for row in rows)


def _check_header(header) -> dict:
    """The caller's header fields: present, of the right type, sensible."""
    def bad(field):
        return PackageRefused(_("Kepala paket tidak sah: {field}.").format(field=field))

    if not isinstance(header, dict):
        raise bad("header")
    for field, kind in _REQUIRED.items():
        value = header.get(field)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise bad(field)
    if header["kind"] not in KINDS:
        raise bad("kind")
    for field in _REQUIRED_BY_KIND[header["kind"]]:
        if not isinstance(header.get(field), str) or not header[field]:
            raise bad(field)
    if header["epoch"] < 0 or header["seq_from"] < 0 or header["seq_to"] < header["seq_from"]:
        raise bad("seq")
    prev = header["prev_hash"]
    if prev and (len(prev) != 64 or any(c not in "0123456789abcdef" for c in prev)):
        raise bad("prev_hash")
    return header


# -- writing ------------------------------------------------------------------------------

def encode_package(*, header: dict, tables: dict, signing_key: SigningKey,
                   recipient: str | None) -> bytes:
    """The bytes of a package. ``recipient`` None leaves the body unencrypted: only for
    reference packages (a price list is public; members' data never is)."""
    _check_header(header)
    clash = [k for k in _WRITER_KEYS if k in header]
    if clash:
        raise PackageRefused(_("Kepala paket tidak sah: {field}.").format(field=clash[0]))
    check_tables(tables)
    if recipient is None and header["kind"] != "reference":
        raise PackageRefused(_("Paket toko harus disandikan untuk kunci dinas."))
    plain = zstandard.ZstdCompressor(level=3, write_content_size=True).compress(
        msgpack.packb(tables, use_bin_type=True))
    if recipient is None:
        body = plain
    else:
        try:
            to = x25519.Recipient.from_str(recipient)
        except (ValueError, pyrage.RecipientError):
            raise PackageRefused(_("Kunci publik dinas tidak dikenali (harus diawali "
                                   "age1...).")) from None
        body = pyrage.encrypt(plain, [to])
    if len(body) > MAX_BODY:
        raise PackageRefused(_("Paket terlalu besar; ekspor dalam beberapa bagian."))
    full = {**header, "format": FORMAT, "version": VERSION, "body_length": len(body),
            "key_id": signing_key.key_id.hex(), "to": None if recipient is None else str(to)}
    try:
        line = json.dumps(full, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    except (TypeError, ValueError):
        raise PackageRefused(_("Kepala paket tidak sah: {field}.").format(
            field="json")) from None
    if len(line) > MAX_HEADER_LINE:
        raise PackageRefused(_("Kepala paket terlalu panjang."))
    return line.encode() + b"\n" + _signature_block(line, body, signing_key) + body


def write_package(out, *, header: dict, tables: dict, signing_key: SigningKey,
                  recipient: str | None, before_rename=None) -> Path:
    """Write one package at ``out``, safe to carry away when this returns: written under a
    temporary name beside it, flushed, read back and checked (same bytes, signature good),
    then renamed and the folder flushed. A full or read-only target is a clear UserError
    and leaves nothing behind. ``before_rename(data)`` runs once the file is known good and
    before it gets its name: a shop records the export there, so a crash in between leaves
    a gap the hub reports, never a package the shop forgot it sent."""
    if not isinstance(out, str | os.PathLike) or not str(out).strip():
        raise UserError(_("Nama berkas paket belum diisi."), "out")
    target = Path(out)
    folder = target.parent
    if target.is_dir():
        raise UserError(_("{path} adalah folder; tulis nama berkasnya.").format(
            path=target), "out")
    if not folder.is_dir():
        raise UserError(_("Folder {folder} tidak ada.").format(folder=folder), "out")
    data = encode_package(header=header, tables=tables, signing_key=signing_key,
                          recipient=recipient)

    def ready(back: bytes) -> None:
        verify_signature(back, {signing_key.key_id: signing_key.public})
        if before_rename is not None:
            before_rename(back)

    write_checked(target, data, what=_("paket"), before_rename=ready)
    return target


# -- reading ------------------------------------------------------------------------------

def _refuse(message: str) -> PackageRefused:
    return PackageRefused(message)


def _parse_header_line(data: bytes) -> tuple[dict, int]:
    """The header and where it ends, checked for format, version and a sane body length."""
    end = data.find(b"\n", 0, MAX_HEADER_LINE + 1)
    if end < 0:
        raise _refuse(_("Bukan paket Gerai, atau kepalanya rusak."))
    try:
        header = json.loads(data[:end].decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        raise _refuse(_("Bukan paket Gerai, atau kepalanya rusak.")) from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise _refuse(_("Bukan paket Gerai, atau kepalanya rusak."))
    version = header.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise _refuse(_("Bukan paket Gerai, atau kepalanya rusak."))
    if version > VERSION:
        raise _refuse(_("Paket dibuat oleh Gerai yang lebih baru (format {version}); "
                        "perbarui Gerai dulu.").format(version=version))
    if version != VERSION:
        raise _refuse(_("Versi format paket {version} tidak didukung.").format(
            version=version))
    length = header.get("body_length")
    if not isinstance(length, int) or isinstance(length, bool) or length < 0:
        raise _refuse(_("Kepala paket rusak: panjang isi tidak sah."))
    if length > MAX_BODY:
        raise _refuse(_("Paket terlalu besar: isinya menurut kepala {size} bait.").format(
            size=length))
    return header, end + 1


def _parse_signature(data: bytes, start: int) -> tuple[bytes, bytes, str, bytes, int]:
    """(key id, signature, trusted comment, global signature, end of block)."""
    lines, pos = [], start
    for _i in range(4):
        end = data.find(b"\n", pos, pos + MAX_SIG_LINE + 1)
        if end < 0:
            raise _refuse(_("Tanda tangan paket rusak atau terpotong."))
        try:
            lines.append(data[pos:end].decode("ascii"))
        except UnicodeDecodeError:
            raise _refuse(_("Tanda tangan paket rusak.")) from None
        pos = end + 1
    untrusted, sig_text, trusted, global_text = lines
    raw = _b64_strict(sig_text)
    glob = _b64_strict(global_text)
    if (raw is None or len(raw) != 2 + 8 + 64 or raw[:2] != _SIG_ALG
            or glob is None or len(glob) != 64 or not trusted.startswith(_TRUSTED)):
        raise _refuse(_("Tanda tangan paket rusak."))
    key_id = raw[2:10]
    if untrusted != _UNTRUSTED.format(key_id=key_id[::-1].hex().upper()):
        raise _refuse(_("Tanda tangan paket rusak."))
    return key_id, raw[10:], trusted[len(_TRUSTED):], glob, pos


def _verify_key(trusted_keys: dict, key_id: bytes) -> nacl.signing.VerifyKey:
    key = trusted_keys.get(key_id)
    if key is None:
        raise _refuse(_("Paket ditandatangani kunci yang tidak terdaftar ({key_id}).").format(
            key_id=key_id[::-1].hex().upper()))
    return key.verify_key if isinstance(key, PublicKey) else key


def verify_signature(data: bytes, trusted_keys: dict) -> tuple[dict, bytes]:
    """(header, body) of a package whose layout, lengths and signature are sound; the
    body is still encrypted. Refuses before touching the body otherwise."""
    header, at = _parse_header_line(data)
    key_id, sig, trusted, glob, body_at = _parse_signature(data, at)
    declared = body_at + header["body_length"]
    if len(data) < declared:
        raise _refuse(_("Paket terpotong: {size} dari {declared} bait.").format(
            size=len(data), declared=declared))
    if len(data) > declared:
        raise _refuse(_("Paket rusak: ada bait lebih setelah isinya."))
    verify = _verify_key(trusted_keys, key_id)
    if trusted.encode() != data[:at - 1]:
        raise _refuse(_("Kepala paket tidak cocok dengan tanda tangannya."))
    if header.get("key_id") != key_id.hex():
        raise _refuse(_("Kepala paket tidak cocok dengan tanda tangannya."))
    body = data[body_at:]
    try:
        verify.verify(sig + trusted.encode(), glob)
        verify.verify(_prehash(body), sig)
    except (nacl.exceptions.BadSignatureError, ValueError):
        raise _refuse(_("Tanda tangan paket tidak sah: paket diubah setelah ditandatangani, "
                        "atau bukan dari toko ini.")) from None
    return header, body


def _read_capped(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_HEADER_LINE + 5 * MAX_SIG_LINE + MAX_BODY:
            raise _refuse(_("Paket terlalu besar ({size} bait).").format(size=size))
        with open(path, "rb") as f:
            head = f.read(MAX_HEADER_LINE + 1)
            header, _at = _parse_header_line(head)   # format, version, length first
            if size < header["body_length"]:
                raise _refuse(_("Paket terpotong: {size} bait, isinya menurut kepala "
                                "{declared}.").format(size=size,
                                                      declared=header["body_length"]))
            return head + f.read()
    except OSError as exc:
        raise _refuse(_("Paket {path} tidak dapat dibaca: {error}").format(
            path=path, error=exc.strerror or exc)) from None


def _decompress(plain: bytes) -> bytes:
    try:
        reader = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(plain))
        out = reader.read(MAX_PLAIN + 1)
        while True:     # read() may stop early at a frame boundary: drain to the cap
            more = reader.read(MAX_PLAIN + 1 - len(out))
            if not more:
                break
            out += more
            if len(out) > MAX_PLAIN:
                break
    except zstandard.ZstdError:
        raise _refuse(_("Isi paket rusak (tidak dapat diurai).")) from None
    if len(out) > MAX_PLAIN:
        raise _refuse(_("Isi paket terlalu besar setelah diurai."))
    return out


def _no_ext(code, data):
    raise ValueError("extension types are not allowed")


def _unpack(raw: bytes) -> dict:
    try:
        return msgpack.unpackb(raw, raw=False, use_list=True, strict_map_key=True,
                               ext_hook=_no_ext, max_ext_len=0, timestamp=0)
    except (ValueError, msgpack.UnpackException):   # FormatError, ExtraData, OutOfData...
        raise _refuse(_("Isi paket rusak (tabel tidak dapat dibaca).")) from None


def decode_package(data: bytes, *, trusted_keys: dict,
                   identity: x25519.Identity | None) -> tuple[dict, dict]:
    header, body = verify_signature(data, trusted_keys)
    try:
        _check_header({k: v for k, v in header.items() if k not in _WRITER_KEYS})
    except PackageRefused as exc:
        raise _refuse(exc.reason) from None
    to = header.get("to")
    if to is not None:
        if identity is None:
            raise _refuse(_("Paket ini tersandi; kunci dinas diperlukan untuk membukanya."))
        if to != str(identity.to_public()):
            district = header.get("district")
            raise _refuse(_("Paket ini disandikan untuk kunci dinas lain ({district}, kunci "
                            "…{tail}); gerai perlu mendaftar dengan kunci dinas ini.").format(
                district=district if isinstance(district, str) and district else "?",
                tail=str(to)[-8:]))
        try:
            body = pyrage.decrypt(body, [identity])
        except Exception:   # pyrage.DecryptError, and anything else the parser throws
            raise _refuse(_("Isi paket rusak: tidak dapat dibuka dengan kunci dinas.")) \
                from None
    elif header.get("kind") != "reference":
        raise _refuse(_("Paket toko tanpa sandi ditolak."))
    return header, check_tables(_unpack(_decompress(body)))


def read_package(path, *, trusted_keys: dict,
                 identity: x25519.Identity | None) -> tuple[dict, dict]:
    """(header, tables) of the package at ``path``, or :class:`PackageRefused`.
    ``trusted_keys`` maps a key id (8 bytes) to its VerifyKey or PublicKey: a package is
    believed only when signed by one of them; ``identity`` is the district's age key."""
    return decode_package(_read_capped(Path(path)), trusted_keys=trusted_keys,
                          identity=identity)


def peek_header(path) -> dict:
    """The plain header, NOT yet verified: to show who a file claims to be from (reads
    only the first line, so sorting a folder of packages stays cheap)."""
    try:
        with open(path, "rb") as f:
            head = f.read(MAX_HEADER_LINE + 1)
    except OSError as exc:
        raise _refuse(_("Paket {path} tidak dapat dibaca: {error}").format(
            path=path, error=exc.strerror or exc)) from None
    return _parse_header_line(head)[0]
