"""Files that must survive a power cut: fsync a file and its folder, and write a new
owner-only secret (a key) that never replaces an existing one."""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path

from app.i18n import _
from app.models.errors import UserError


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable (where the system allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return          # not every file system lets a folder be opened (Windows)
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def write_new_secret(path: Path, data: bytes) -> None:
    """A new file, mode 0600, on disk (and in its folder) before this returns. Raises
    FileExistsError rather than replace one, and OSError when it cannot be written; the
    caller says which in the person's words."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        # A half-written key would be taken for a damaged one next time: none at all.
        path.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def storage_error(exc: OSError, folder: Path, what: str) -> UserError:
    """A write that failed, in the person's words: a full stick, a read-only one, or else."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return UserError(_("Tempat di {folder} penuh: {what} tidak ditulis.").format(
            folder=folder, what=what), "out")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return UserError(_("{folder} tidak dapat ditulisi (hanya-baca atau tanpa izin): "
                           "{what} tidak ditulis.").format(folder=folder, what=what), "out")
    return UserError(_("Gagal menulis {what} ke {folder}: {error}").format(
        what=what, folder=folder, error=exc.strerror or exc), "out")


def remove_quietly(path: Path) -> None:
    """Clean up after a failed write; a read-only target has nothing to clean."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def write_checked(target: Path, data: bytes, *, what: str, mode: int = 0o644,
                  before_rename=None) -> None:
    """Write ``data`` at ``target`` so that a cheap USB stick cannot fool us: under a
    temporary name beside it, flushed, read back and compared, ``before_rename(back)``
    (a signature check, the shop's record of the export), then renamed and the folder
    flushed. A full or read-only target is a clear UserError naming ``what``, and leaves
    no file behind."""
    folder = target.parent
    tmp = folder / f".{target.name}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        back = tmp.read_bytes()
        if back != data:
            raise UserError(_("Isi {what} yang dibaca ulang dari {folder} berbeda dari yang "
                              "ditulis: media penyimpanan rusak?").format(
                                  what=what, folder=folder), "out")
        if before_rename is not None:
            before_rename(back)
        os.replace(tmp, target)
        fsync_dir(folder)
    except OSError as exc:
        remove_quietly(tmp)
        raise storage_error(exc, folder, what) from None
    except BaseException:
        remove_quietly(tmp)
        raise
