"""The keys of sync packages: the shop's signing key and the district's (hub's) key pair.

A shop signs its packages with an Ed25519 key; the district office decrypts them with an
age X25519 identity and signs its reference packages with an Ed25519 key of its own.
Private keys live in files of their own, never in the database nor in a package: in the
user's data folder (``platformdirs``, so ``XDG_DATA_HOME`` is respected) under ``keys``,
or in ``GERAI_SYNC_KEY_DIR`` when set. Each file is created once (O_EXCL, mode 0600,
fsynced): making a key again must never replace the one the district has registered.

Public keys are written in minisign's public key format so an officer can check a package
by hand with ``minisign -V -p shop.pub``; the district's identity file is age-keygen's
format so ``age -d -i district.agekey`` decrypts one.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import nacl.encoding
import nacl.exceptions
import nacl.hash
import nacl.signing
import platformdirs
import pyrage
from pyrage import x25519

from app.i18n import _
from app.models.errors import UserError
from app.models.files import write_new_secret

KEY_ID_SIZE = 8
#: minisign's public key algorithm tag (Ed25519).
_PK_ALG = b"Ed"
_SECRET_KIND = "gerai-ed25519-secret"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
HUB_NAME = "district"


class KeyFileError(UserError):
    """A key file that is missing, damaged, or would be overwritten."""


def key_dir() -> Path:
    override = os.environ.get("GERAI_SYNC_KEY_DIR")
    if override:
        return Path(override)
    return platformdirs.user_data_path("gerai", appauthor=False) / "keys"


@dataclass(frozen=True)
class PublicKey:
    """An Ed25519 public key with minisign's random 8-byte key id (how a signature names
    the key that made it)."""

    key_id: bytes
    key: bytes

    @property
    def verify_key(self) -> nacl.signing.VerifyKey:
        return nacl.signing.VerifyKey(self.key)


@dataclass(frozen=True)
class SigningKey:
    key_id: bytes
    signing_key: nacl.signing.SigningKey

    @property
    def public(self) -> PublicKey:
        return PublicKey(self.key_id, bytes(self.signing_key.verify_key))


@dataclass(frozen=True)
class HubPublic:
    """What a shop imports from the district: where to encrypt to, whose signature to
    trust on reference packages."""

    recipient: str
    signing: PublicKey
    district: str = ""


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise KeyFileError(_("Nama kunci tidak sah: pakai huruf, angka, titik, garis bawah "
                          "atau tanda hubung."), "name")
    return name


def secret_path(name: str) -> Path:
    return key_dir() / f"{_check_name(name)}.key"


def public_path(name: str) -> Path:
    return key_dir() / f"{_check_name(name)}.pub"


def identity_path(name: str = HUB_NAME) -> Path:
    return key_dir() / f"{_check_name(name)}.agekey"


def _write_new(path: Path, data: bytes) -> None:
    """A new file, owner-only, on disk before we return; never over an existing one."""
    try:
        write_new_secret(path, data)
    except FileExistsError:
        raise KeyFileError(_("Kunci {path} sudah ada; kunci lama tidak ditimpa.").format(
            path=path), "name") from None
    except OSError as exc:
        raise KeyFileError(_("Kunci tidak dapat disimpan di {path}: {error}").format(
            path=path, error=exc.strerror or exc), "name") from None


def _read(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="ascii")
    except FileNotFoundError:
        raise KeyFileError(_("{what} belum dibuat ({path}).").format(what=what, path=path),
                        "name") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else _("bukan teks")
        raise KeyFileError(_("{what} tidak dapat dibaca ({path}): {error}").format(
            what=what, path=path, error=reason or exc), "name") from None


def key_id_text(pub: PublicKey) -> str:
    """The key id as minisign prints it ("public key ID"): a little-endian number in hex."""
    return pub.key_id[::-1].hex().upper()


def fingerprint(pub: PublicKey) -> str:
    """Sixteen hex digits in four groups, to read aloud over the phone. Taken from a hash
    of the key id *and* the key, so a forged key that copies the id shows another print."""
    digest = nacl.hash.blake2b(_PK_ALG + pub.key_id + pub.key, digest_size=8,
                               encoder=nacl.encoding.RawEncoder)
    text = digest.hex().upper()
    return " ".join(text[i:i + 4] for i in range(0, 16, 4))


def public_key_text(pub: PublicKey) -> str:
    """minisign's public key file: ``minisign -V -p FILE`` accepts it."""
    body = base64.b64encode(_PK_ALG + pub.key_id + pub.key).decode()
    return f"untrusted comment: minisign public key {key_id_text(pub)}\n{body}\n"


def write_public_file(out, default_name: str, text: str) -> Path:
    """A public key handed to the other side: ``out`` is a file, or a folder where it is
    named ``default_name``."""
    target = Path(out)
    if target.is_dir():
        target = target / default_name
    try:
        target.write_text(text)
    except OSError as exc:
        raise UserError(_("Kunci publik tidak dapat ditulis ke {path}: {error}").format(
            path=target, error=exc.strerror or exc), "out") from None
    return target


def parse_public_key(text) -> PublicKey:
    """A minisign public key (the file's text, or its base64 line alone)."""
    bad = KeyFileError(_("Kunci publik tidak dikenali: bukan kunci publik minisign/Gerai."),
                    "key")
    if not isinstance(text, str):
        raise bad
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(lines) == 2 and lines[0].startswith("untrusted comment:"):
        lines = lines[1:]
    if len(lines) != 1:
        raise bad
    raw = _b64_canonical(lines[0])
    if raw is None or len(raw) != 2 + KEY_ID_SIZE + 32 or raw[:2] != _PK_ALG:
        raise bad
    return PublicKey(raw[2:2 + KEY_ID_SIZE], raw[2 + KEY_ID_SIZE:])


def _b64_canonical(text: str) -> bytes | None:
    """Strict base64: only the one canonical spelling of the bytes is accepted."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (ValueError, TypeError):
        return None
    return raw if base64.b64encode(raw).decode() == text else None


def keygen(name: str) -> PublicKey:
    """A new Ed25519 signing key named ``name``; its secret and public files are written
    once. Refuses, with a clear message, when a key of that name exists."""
    path = secret_path(name)
    if path.exists():
        raise KeyFileError(_("Kunci {path} sudah ada; kunci lama tidak ditimpa.").format(
            path=path), "name")
    key = SigningKey(secrets.token_bytes(KEY_ID_SIZE), nacl.signing.SigningKey.generate())
    secret = {"kind": _SECRET_KIND, "key_id": key.key_id.hex(),
              "seed": base64.b64encode(bytes(key.signing_key)).decode()}
    _write_new(path, (json.dumps(secret) + "\n").encode())
    pub_file = public_path(name)
    pub_file.unlink(missing_ok=True)    # a stale public file must not outlive its secret
    _write_new(pub_file, public_key_text(key.public).encode())
    return key.public


def load_signing_key(name: str) -> SigningKey:
    path = secret_path(name)
    text = _read(path, _("Kunci tanda tangan"))
    try:
        data = json.loads(text)
        if data.get("kind") != _SECRET_KIND:
            raise ValueError
        key_id = bytes.fromhex(data["key_id"])
        seed = base64.b64decode(data["seed"], validate=True)
        if len(key_id) != KEY_ID_SIZE:
            raise ValueError
        return SigningKey(key_id, nacl.signing.SigningKey(seed))
    except (ValueError, TypeError, KeyError, AttributeError, nacl.exceptions.CryptoError):
        raise KeyFileError(_("Berkas kunci {path} rusak.").format(path=path), "name") from None


def load_public_key(name: str) -> PublicKey:
    return load_signing_key(name).public


# -- the district (hub) ------------------------------------------------------------------

def hub_signing_name(name: str = HUB_NAME) -> str:
    return f"{_check_name(name)}-sign"


def hub_keygen(name: str = HUB_NAME) -> HubPublic:
    """The district's age identity (decrypts shop packages) and its Ed25519 key (signs
    reference packages). Refuses when either exists."""
    path = identity_path(name)
    if path.exists() or secret_path(hub_signing_name(name)).exists():
        raise KeyFileError(_("Kunci dinas {path} sudah ada; kunci lama tidak ditimpa.").format(
            path=path), "name")
    identity = x25519.Identity.generate()
    recipient = str(identity.to_public())
    created = datetime.now(UTC).replace(microsecond=0).isoformat()
    text = f"# created: {created}\n# public key: {recipient}\n{identity}\n"
    _write_new(path, text.encode())
    signing = keygen(hub_signing_name(name))
    return HubPublic(recipient, signing)


def load_hub_identity(name: str = HUB_NAME) -> x25519.Identity:
    path = identity_path(name)
    text = _read(path, _("Kunci dinas"))
    lines = [line.strip() for line in text.splitlines()
             if line.strip() and not line.startswith("#")]
    try:
        if len(lines) != 1:
            raise ValueError
        return x25519.Identity.from_str(lines[0])
    except (ValueError, pyrage.IdentityError):
        raise KeyFileError(_("Berkas kunci {path} rusak.").format(path=path), "name") from None


def load_hub_signing_key(name: str = HUB_NAME) -> SigningKey:
    return load_signing_key(hub_signing_name(name))


def hub_public(name: str = HUB_NAME) -> HubPublic:
    return HubPublic(str(load_hub_identity(name).to_public()),
                     load_public_key(hub_signing_name(name)))


def hub_public_text(pub: HubPublic) -> str:
    """The file a shop imports at enrollment: the age recipient, then the signing key in
    minisign's format."""
    district = f"district: {pub.district}\n" if pub.district else ""
    return (f"# Gerai district key, fingerprint {fingerprint(pub.signing)}\n"
            f"{district}{pub.recipient}\n{public_key_text(pub.signing)}")


def parse_recipient(text) -> str:
    try:
        if not isinstance(text, str):
            raise ValueError
        return str(x25519.Recipient.from_str(text.strip()))
    except (ValueError, pyrage.RecipientError):
        raise KeyFileError(_("Kunci publik dinas tidak dikenali (harus diawali age1...)."),
                        "key") from None


def parse_hub_public(text) -> HubPublic:
    bad = KeyFileError(_("Berkas kunci dinas tidak dikenali."), "key")
    if not isinstance(text, str):
        raise bad
    lines = [line.strip() for line in text.splitlines()
             if line.strip() and not line.startswith("#")]
    district = ""
    if lines and lines[0].startswith("district:"):
        district = lines.pop(0).removeprefix("district:").strip()
        if not district or len(district) > 40:
            raise bad
    if len(lines) != 3:
        raise bad
    return HubPublic(parse_recipient(lines[0]), parse_public_key("\n".join(lines[1:])),
                     district)
