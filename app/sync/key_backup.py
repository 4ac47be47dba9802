"""A copy of the personal-data key to keep with the backups, locked with a passphrase.

A backup holds members' NIK and phone sealed under a key that lives in a file of its own
(app.models.personal); a shop computer that dies takes that file with it, and a restored
backup's personal data would stay locked for ever. So the admin saves the key too: a small
text (the key id and the key in hex) encrypted with an age passphrase (scrypt), in a file
``gerai-kunci-<key id prefix>.age`` that can go on the USB stick beside the backups. Anyone
who finds the stick still needs the passphrase; an officer can open it by hand with
``age -d gerai-kunci-….age``.

Restoring checks the key against the database (its key id and check value) before a byte
is written, and never replaces a key file that is already there.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pyrage
from pyrage import passphrase as age_passphrase

from app.i18n import _
from app.models import audit, personal
from app.models.errors import UserError
from app.models.files import write_checked

MIN_PASSPHRASE = 10
#: A key file is a few hundred bytes; anything much larger is not one.
MAX_FILE = 16 * 1024
PREFIX = "gerai-kunci-"
_MAGIC = "gerai-personal-key: 1"
_AGE_START = b"age-encryption.org/v1\n"
_LINE = re.compile(r"^([a-z_]+): (.*)$")


@dataclass(frozen=True)
class KeyRestored:
    """Where the key file is, and whether it was written now (False: it was there)."""

    path: Path
    written: bool

    @property
    def message(self) -> str:
        if self.written:
            return _("Kunci data pribadi dipulihkan ke {path}. NIK dan telepon anggota dapat"
                     " dibuka lagi.").format(path=self.path)
        return _("Kunci ini sudah ada di {path}; tidak ada yang diubah.").format(path=self.path)


def key_file_name(key_id: str) -> str:
    return f"{PREFIX}{key_id[:8]}.age"


def _checked_passphrase(text, *, new: bool) -> str:
    if not isinstance(text, str) or not text.strip():
        raise UserError(_("Kata sandi belum diisi."), "passphrase")
    if new and len(text) < MIN_PASSPHRASE:
        raise UserError(_("Kata sandi terlalu pendek: paling sedikit {n} karakter.").format(
            n=MIN_PASSPHRASE), "passphrase")
    return text


def check_new_passphrase(text) -> str:
    """A passphrase fit to lock a key file, or a UserError saying why not (the screen asks
    this before it asks for a folder)."""
    return _checked_passphrase(text, new=True)


def _key_text(db, key: personal.PersonalKey) -> bytes:
    from app.models.settings import get_settings

    shop = get_settings(db).shop_code
    return ("# Gerai: kunci data pribadi (NIK dan telepon anggota)\n"
            f"{_MAGIC}\nshop: {shop}\nkey_id: {key.key_id}\nkey: {key.secret.hex()}\n"
            ).encode()


def _parse_key_text(plain: bytes, name: str) -> tuple[str, bytes]:
    """The key id and the key from a decrypted file, or a UserError saying it is damaged."""
    damaged = UserError(_("Berkas {name} rusak: isinya bukan kunci Gerai.").format(name=name),
                        "file")
    try:
        lines = plain.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise damaged from None
    if _MAGIC not in lines:
        raise damaged
    fields = {}
    for line in lines:
        found = _LINE.match(line)
        if found:
            fields[found.group(1)] = found.group(2).strip()
    key_id = fields.get("key_id", "")
    try:
        secret = bytes.fromhex(fields.get("key", ""))
    except ValueError:
        raise damaged from None
    if not re.fullmatch(r"[0-9a-f]{8,64}", key_id) or len(secret) != 32:
        raise damaged
    return key_id, secret


def export_personal_key(db, out, passphrase: str, *, user=None) -> Path:
    """Write this database's personal-data key, locked with ``passphrase``, into the folder
    ``out`` as ``gerai-kunci-<key id prefix>.age``; returns the file. The passphrase is
    the only thing that opens it: it is checked for length, never stored."""
    passphrase = _checked_passphrase(passphrase, new=True)
    if not isinstance(out, str | os.PathLike) or not str(out).strip():
        raise UserError(_("Folder tujuan belum diisi."), "out")
    folder = Path(out)
    if not folder.is_dir():
        raise UserError(_("Folder {folder} tidak ada.").format(folder=folder), "out")
    key = personal.personal_key(db)
    data = age_passphrase.encrypt(_key_text(db, key), passphrase)
    target = folder / key_file_name(key.key_id)
    write_checked(target, data, what=_("kunci"), mode=0o600)
    _audit(db, "personal.key_export", target, user)
    return target


def read_key_file(path, passphrase: str) -> tuple[str, bytes]:
    """The key id and key in a saved key file, or a UserError: not there, not a key file,
    wrong passphrase, damaged."""
    passphrase = _checked_passphrase(passphrase, new=False)
    if not isinstance(path, str | os.PathLike) or not str(path).strip():
        raise UserError(_("Berkas kunci belum dipilih."), "file")
    path = Path(path)
    name = path.name
    try:
        if path.stat().st_size > MAX_FILE:
            raise UserError(_("{name} bukan berkas kunci Gerai (terlalu besar).").format(
                name=name), "file")
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(_("Berkas kunci {path} tidak ada.").format(path=path), "file") from None
    except IsADirectoryError:
        raise UserError(_("{path} adalah folder; pilih berkas kuncinya.").format(path=path),
                        "file") from None
    except OSError as exc:
        raise UserError(_("Berkas kunci {path} tidak dapat dibaca: {error}").format(
            path=path, error=exc.strerror or exc), "file") from None
    if not data.startswith(_AGE_START):
        raise UserError(_("{name} bukan berkas kunci Gerai.").format(name=name), "file")
    if b"\n-> scrypt " not in data[:512]:
        raise UserError(_("{name} tidak dikunci dengan kata sandi: bukan berkas kunci"
                          " Gerai.").format(name=name), "file")
    try:
        plain = age_passphrase.decrypt(data, passphrase)
    except pyrage.DecryptError as exc:
        if str(exc) == "Decryption failed":   # the passphrase did not open the file key
            raise UserError(_("Kata sandi salah untuk {name} (atau berkas itu rusak).")
                            .format(name=name), "passphrase") from None
        raise UserError(_("Berkas {name} rusak; tidak dapat dibuka.").format(name=name),
                        "file") from None
    except Exception:   # anything else the age parser throws on a mangled file
        raise UserError(_("Berkas {name} rusak; tidak dapat dibuka.").format(name=name),
                        "file") from None
    return _parse_key_text(plain, name)


def import_personal_key(db, path, passphrase: str, *, user=None) -> KeyRestored:
    """Open a saved key file with ``passphrase`` and put the key where this database looks
    for it. Refused, with nothing written, for a wrong passphrase, a damaged file, another
    database's key, or an other key file already in its place."""
    key_id, secret = read_key_file(path, passphrase)
    written = personal.install_key(db, key_id, secret)
    if written:
        _audit(db, "personal.key_import", Path(path), user)
    return KeyRestored(personal.key_path(key_id), written)


def _audit(db, action: str, file: Path, user) -> None:
    """Who saved or put back the key that opens the members' NIK, and which file (never
    the key)."""
    with db.atomic():
        audit.record(db, user_id=user.id if user else None, action=action, entity="personal",
                     entity_id=None, detail={"file": Path(file).name})
