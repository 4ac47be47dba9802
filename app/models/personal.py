"""Personal data at rest (UU 27/2022): members' NIK and phone numbers are encrypted in the
database with a key kept outside it, and found again by exact value through a keyed hash.

The key is 32 random bytes in a file of its own, one per database (the database names it
by ``personal.key_id``): in the user's config folder, or in ``GERAI_KEY_DIR`` when set.
A copy of the database alone — a backup, a stolen laptop's disk — shows neither NIK nor
phone. The database keeps a check value so a wrong key file is told apart from a missing
one; losing the key loses the personal fields (never the books), so the settings screen
says where the key is and asks the admin to keep a copy of it.

Each value is sealed with XSalsa20-Poly1305 (:class:`nacl.secret.SecretBox`, a fresh
nonce each time); its search hash is BLAKE2b keyed with a key derived from the same file,
so equal values can be found without storing them, and the hash reveals nothing to whoever
lacks the file.
"""

from __future__ import annotations

import os
import re
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

import nacl.encoding
import nacl.exceptions
import nacl.hash
import nacl.secret
import nacl.utils
import platformdirs
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.id import nik as stdnum_nik

from app.i18n import _
from app.models.errors import UserError
from app.models.files import write_new_secret

KEY_ID = "personal.key_id"
KEY_CHECK = "personal.key_check"
_CHECK_TEXT = b"gerai personal data key"
_cache: dict[tuple[str, str], PersonalKey] = {}
_lock = threading.Lock()


class PersonalDataLocked(UserError):
    """The key file is missing or is not this database's: personal fields stay sealed."""


def key_dir() -> Path:
    override = os.environ.get("GERAI_KEY_DIR")
    if override:
        return Path(override)
    return platformdirs.user_config_path("gerai", appauthor=False) / "keys"


@dataclass(frozen=True)
class PersonalKey:
    key_id: str
    secret: bytes

    @property
    def path(self) -> Path:
        return key_path(self.key_id)

    def _box(self) -> nacl.secret.SecretBox:
        return nacl.secret.SecretBox(self.secret)

    def _search_key(self) -> bytes:
        return nacl.hash.blake2b(b"search", key=self.secret, digest_size=32,
                                 encoder=nacl.encoding.RawEncoder)

    def seal(self, text: str) -> bytes | None:
        return self._box().encrypt(text.encode()) if text else None

    def open(self, sealed: bytes | None) -> str:
        if not sealed:
            return ""
        try:
            return self._box().decrypt(bytes(sealed)).decode()
        except nacl.exceptions.CryptoError:
            raise PersonalDataLocked(_("Data pribadi tidak dapat dibuka dengan kunci ini.")) from None

    def digest(self, kind: str, text: str) -> str | None:
        """The keyed hash of a normalised value (``kind`` keeps NIK and phone apart)."""
        if not text:
            return None
        return nacl.hash.blake2b(f"{kind}:{text}".encode(), key=self._search_key(),
                                 digest_size=16).decode()

    def check_value(self) -> str:
        return nacl.hash.blake2b(_CHECK_TEXT, key=self.secret, digest_size=16).decode()


def key_path(key_id: str) -> Path:
    return key_dir() / f"{key_id}.key"


def _write_key(path: Path, secret: bytes) -> None:
    """Write a new key file: 0600, fsynced, never over an existing one."""
    write_new_secret(path, secret.hex().encode() + b"\n")


def _read_key(path: Path) -> bytes | None:
    try:
        text = path.read_text().strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise PersonalDataLocked(_("Kunci data pribadi {path} tidak dapat dibaca: {error}")
                                 .format(path=path, error=exc.strerror or exc)) from None
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        secret = b""
    if len(secret) != nacl.secret.SecretBox.KEY_SIZE:
        raise PersonalDataLocked(_("Berkas kunci data pribadi {path} rusak.").format(path=path))
    return secret


def personal_key(db) -> PersonalKey:
    """This database's key: read from its file, made on first use (only while nothing has
    been sealed yet). A missing or foreign key raises :class:`PersonalDataLocked`."""
    key_id = db.scalar("SELECT value FROM settings WHERE key = ?", (KEY_ID,))
    check = db.scalar("SELECT value FROM settings WHERE key = ?", (KEY_CHECK,))
    cache_key = (str(key_dir()), key_id or "")
    with _lock:
        if key_id and cache_key in _cache:
            return _cache[cache_key]
        if key_id:
            secret = _read_key(key_path(key_id))
            if secret is None:
                if check:
                    raise PersonalDataLocked(_(
                        "Kunci data pribadi tidak ditemukan ({path}). NIK dan telepon anggota"
                        " tidak dapat dibuka; pulihkan berkas kunci dari salinannya.").format(
                            path=key_path(key_id)))
                secret = nacl.utils.random(nacl.secret.SecretBox.KEY_SIZE)
                _write_key(key_path(key_id), secret)
        else:
            # Never from the seeded ids of a demo: two demos built with one seed must not
            # share (or collide on) a key file.
            key_id = secrets.token_hex(16)
            secret = nacl.utils.random(nacl.secret.SecretBox.KEY_SIZE)
            _write_key(key_path(key_id), secret)
        key = PersonalKey(key_id, secret)
        if check and check != key.check_value():
            raise PersonalDataLocked(_("Berkas kunci {path} bukan kunci basis data ini.")
                                     .format(path=key.path))
        if not check or db.scalar("SELECT value FROM settings WHERE key = ?",
                                  (KEY_ID,)) != key_id:
            with db.atomic():
                db.executemany("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key)"
                               " DO UPDATE SET value = excluded.value",
                               [(KEY_ID, key_id), (KEY_CHECK, key.check_value())])
        _cache[cache_key] = key
        return key


def key_status(db) -> tuple[Path | None, bool]:
    """Where this database's key file is and whether it opens the data (for the settings)."""
    key_id = db.scalar("SELECT value FROM settings WHERE key = ?", (KEY_ID,))
    if not key_id:
        return None, True
    try:
        personal_key(db)
    except PersonalDataLocked:
        return key_path(key_id), False
    return key_path(key_id), True


def install_key(db, key_id: str, secret: bytes) -> bool:
    """Put a saved copy of this database's key back where :func:`personal_key` looks for it
    (a backup restored on a new computer). Refused, writing nothing, when the key is
    another database's or an other key file is already there: a key file is never
    replaced. False when this very key is there already, True when it was written."""
    ours = db.scalar("SELECT value FROM settings WHERE key = ?", (KEY_ID,))
    check = db.scalar("SELECT value FROM settings WHERE key = ?", (KEY_CHECK,))
    if not ours:
        raise UserError(_("Basis data ini belum memakai kunci data pribadi; tidak ada kunci"
                          " yang perlu dipulihkan."), "file")
    if key_id != ours or len(secret) != nacl.secret.SecretBox.KEY_SIZE:
        raise UserError(_("Berkas ini menyimpan kunci basis data lain, bukan kunci basis"
                          " data ini."), "file")
    if check and PersonalKey(key_id, secret).check_value() != check:
        raise UserError(_("Kunci dalam berkas ini tidak cocok dengan basis data ini."), "file")
    path = key_path(key_id)
    with _lock:
        try:
            there = _read_key(path)
        except PersonalDataLocked:
            there = b""
        if there == secret:
            return False
        if there is not None:
            raise UserError(_("Sudah ada berkas kunci lain di {path}; berkas itu tidak"
                              " ditimpa. Pindahkan dulu bila memang salah.").format(path=path),
                            "file")
        try:
            _write_key(path, secret)
        except FileExistsError:
            raise UserError(_("Sudah ada berkas kunci lain di {path}; berkas itu tidak"
                              " ditimpa. Pindahkan dulu bila memang salah.").format(path=path),
                            "file") from None
        except OSError as exc:
            # write_new_secret leaves a half file when the write itself fails (a full
            # disk): it was not there before, so it is ours to remove.
            try:
                path.unlink(missing_ok=True)
            except OSError:
                pass
            raise UserError(_("Kunci tidak dapat ditulis ke {path}: {error}").format(
                path=path, error=exc.strerror or exc), "file") from None
    return True


# -- the values themselves ----------------------------------------------------------------

def normalize_nik(text) -> str:
    """A NIK as 16 digits, or a UserError saying what is wrong with it ('' when empty)."""
    if text is None:
        return ""
    if not isinstance(text, str):
        raise UserError(_("NIK harus berupa 16 angka."), "nik")
    digits = re.sub(r"[\s.-]", "", text)
    if not digits:
        return ""
    if not digits.isdigit() or len(digits) != 16:
        raise UserError(_("NIK harus 16 angka (tertulis {n}).").format(n=len(digits)), "nik")
    day = int(digits[6:8])
    try:
        # stdnum takes the day modulo 40, so 99 would pass as the 19th: only 1–31 (men)
        # and 41–71 (women, day + 40) are days.
        if not (1 <= day <= 31 or 41 <= day <= 71):
            raise StdnumError
        stdnum_nik.validate(digits)
    except StdnumError:
        raise UserError(_("NIK {nik} tidak mungkin: kode wilayah atau tanggal lahirnya tidak"
                          " ada.").format(nik=mask_nik(digits)), "nik") from None
    return digits


def normalize_phone(text) -> str:
    """A phone number as digits with 62 for Indonesia (0812… and +62 812… are the same)."""
    if text is None:
        return ""
    if not isinstance(text, str):
        raise UserError(_("Nomor telepon tidak valid."), "phone")
    raw = text.strip()
    if not raw:
        return ""
    if not re.fullmatch(r"\+?[0-9 ().-]{6,24}", raw):
        raise UserError(_("Nomor telepon tidak valid."), "phone")
    digits = re.sub(r"\D", "", raw)
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    if not 8 <= len(digits) <= 15:
        raise UserError(_("Nomor telepon tidak valid."), "phone")
    return digits


def display_phone(digits: str) -> str:
    """``62812…`` back as people write it: ``0812-3456-7890``."""
    if not digits:
        return ""
    local = "0" + digits[2:] if digits.startswith("62") else digits
    return "-".join(local[i:i + 4] for i in range(0, len(local), 4))


def mask_nik(nik: str) -> str:
    """``1871**********01``: the region, and the last two digits to tell people apart."""
    return nik[:4] + "*" * 10 + nik[-2:] if len(nik) == 16 else ("*" * len(nik))


def mask_phone(digits: str) -> str:
    shown = display_phone(digits)
    if len(shown) <= 4:
        return "*" * len(shown)
    return "".join(c if c == "-" or i < 4 or i >= len(shown) - 3 else "*"
                   for i, c in enumerate(shown))
