"""Files that must survive a power cut: fsync a file and its folder, and write a new
owner-only secret (a key) that never replaces an existing one."""

from __future__ import annotations

import os
from pathlib import Path


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
