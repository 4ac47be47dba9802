"""Where the automatic backups go, how many are kept, and when they are made.

A village shop's database lives on one computer; a failed disk loses the cooperative's
books. So a backup is made without anyone asking: when the cashier closes a shift (Z), and
once a day when the program starts. The admin chooses the folder (empty: the ``backups``
folder beside the default database) and how many generations stay; a USB stick is a copy
on demand (app.models.backup.backup_to_folder to the folder chosen there).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

import platformdirs

from app.i18n import _
from app.models import audit
from app.models.backup import DEFAULT_KEEP, SUFFIX, BackupResult, backup_to_folder, backups_in
from app.models.clock import from_iso, now, now_iso
from app.models.db import Database
from app.models.errors import Problem, UserError, ValidationError
from app.models.users import User, require

_PREFIX = "backup."
LAST_KEY = "backup.last"
MAX_KEEP = 1000
#: A daily backup is due when the last automatic one is older than this.
DAILY_EVERY = timedelta(hours=24)


@dataclass(frozen=True)
class BackupSettings:
    #: Empty: :func:`default_folder`.
    folder: str = ""
    #: Generations kept in the folder (the oldest beyond are removed after a new one).
    keep: int = DEFAULT_KEEP
    #: A backup after each Z close at the till.
    at_shift_close: bool = True
    #: A backup when the program starts and the last one is a day old.
    daily: bool = True


def default_folder() -> Path:
    """Beside the default database (app.cli's default ``--db``)."""
    return platformdirs.user_data_path("gerai", appauthor=False) / "backups"


def backup_folder(settings: BackupSettings) -> Path:
    return Path(settings.folder) if settings.folder.strip() else default_folder()


def get_backup_settings(db: Database) -> BackupSettings:
    stored = dict(db.query("SELECT substr(key, ?), value FROM settings WHERE key LIKE ?",
                           (len(_PREFIX) + 1, _PREFIX + "%")))
    values: dict[str, object] = {}
    if isinstance(stored.get("folder"), str):
        values["folder"] = stored["folder"]
    if str(stored.get("keep", "")).isdigit():
        values["keep"] = int(stored["keep"])
    for name in ("at_shift_close", "daily"):
        if stored.get(name) in ("0", "1"):
            values[name] = stored[name] == "1"
    return BackupSettings(**values)


def validate_backup_settings(s: BackupSettings) -> list[Problem]:
    problems = []
    folder = s.folder
    if not isinstance(folder, str) or len(folder) > 1000 or "\x00" in folder:
        problems.append(Problem("folder", _("Folder cadangan tidak sah.")))
    elif folder.strip():
        path = Path(folder.strip())
        if not path.is_absolute():
            problems.append(Problem("folder", _(
                "Tulis folder cadangan lengkap dari akarnya (mis. /home/koperasi/cadangan"
                " atau D:\\Cadangan), atau kosongkan untuk folder bawaan.")))
        elif path.exists() and not path.is_dir():
            problems.append(Problem("folder", _("{folder} adalah berkas, bukan folder.")
                                    .format(folder=path)))
    keep = s.keep
    if not isinstance(keep, int) or isinstance(keep, bool) or not 1 <= keep <= MAX_KEEP:
        problems.append(Problem("keep", _("Jumlah cadangan yang disimpan harus 1 sampai"
                                          " {most}.").format(most=MAX_KEEP)))
    for name in ("at_shift_close", "daily"):
        if not isinstance(getattr(s, name), bool):
            problems.append(Problem(name, _("Pilihan ini hanya ya atau tidak.")))
    return problems


def backup_settings_from_form(*, folder: str, keep: str, at_shift_close: bool,
                              daily: bool) -> BackupSettings:
    """The Cadangan page read from its fields; every problem at once, before saving."""
    text = (keep or "").strip()
    settings = BackupSettings(folder=(folder or "").strip(),
                              keep=int(text) if text.isdigit() and len(text) <= 6 else -1,
                              at_shift_close=at_shift_close, daily=daily)
    problems = validate_backup_settings(settings)
    if problems:
        raise ValidationError(problems)
    return settings


def save_backup_settings(db: Database, *, user: User, settings: BackupSettings
                         ) -> BackupSettings:
    require(user, "settings.edit")
    problems = validate_backup_settings(settings)
    if problems:
        raise ValidationError(problems)
    stored = {"folder": settings.folder.strip(), "keep": str(settings.keep),
              "at_shift_close": "1" if settings.at_shift_close else "0",
              "daily": "1" if settings.daily else "0"}
    with db.atomic():
        db.executemany("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key)"
                       " DO UPDATE SET value = excluded.value",
                       [(_PREFIX + k, v) for k, v in stored.items()])
        audit.record(db, user_id=user.id, action="settings.backup", entity="settings",
                     entity_id="backup", detail=asdict(settings))
    return get_backup_settings(db)


def last_backup(db: Database) -> str | None:
    """When the last automatic backup succeeded (ISO, UTC), or None."""
    value = db.scalar("SELECT value FROM settings WHERE key = ?", (LAST_KEY,))
    return str(value) if value else None


def record_backup(db: Database, at: str, *, result: BackupResult | None = None,
                  user_id: str | None = None) -> None:
    """Remember a successful backup (and leave it in the audit log with its file)."""
    from_iso(at)    # a malformed time is a programming error: fail before writing
    with db.atomic():
        db.execute("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key)"
                   " DO UPDATE SET value = excluded.value", (LAST_KEY, at))
        if result is not None:
            audit.record(db, user_id=user_id, action="backup.made", entity="database",
                         entity_id=None, detail={"file": result.path.name, "size": result.size,
                                                 "removed": len(result.removed)})


def due_daily(db: Database, at: datetime | None = None) -> bool:
    """Daily backups are on and none succeeded in the last 24 hours (a last time in the
    future — a clock set back — counts as none: better one backup too many)."""
    if not get_backup_settings(db).daily:
        return False
    last = last_backup(db)
    if last is None:
        return True
    try:
        then = from_iso(last)
    except ValueError:
        return True
    current = at if at is not None else now()
    return not (then <= current < then + DAILY_EVERY)


def _ensure_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise UserError(_("{folder} adalah berkas, bukan folder: cadangan tidak dibuat.")
                        .format(folder=folder), "folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(_("Folder cadangan {folder} tidak dapat dibuat: {error}").format(
            folder=folder, error=exc.strerror or exc), "folder") from None


def automatic_backup(db: Database, *, user_id: str | None = None) -> BackupResult:
    """A new generation in the configured folder (made if missing), the oldest beyond
    ``keep`` removed, and the time remembered. The till and the daily start call this."""
    settings = get_backup_settings(db)
    folder = backup_folder(settings)
    _ensure_folder(folder)
    result = backup_to_folder(db, folder, keep=settings.keep)
    record_backup(db, now_iso(), result=result, user_id=user_id)
    return result


def backup_to_usb(db: Database, folder: Path, *, user: User) -> BackupResult:
    """A copy of the whole shop to a folder the admin chose (a USB stick): the configured
    number of generations kept there too. Admin only — the file holds all the shop's
    business (personal data stays sealed without the key)."""
    require(user, "settings.edit")
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError(_("Folder {folder} tidak ada.").format(folder=folder), "folder")
    result = backup_to_folder(db, folder, keep=get_backup_settings(db).keep)
    with db.atomic():
        audit.record(db, user_id=user.id, action="backup.copy", entity="database",
                     entity_id=None, detail={"file": result.path.name, "size": result.size})
    return result


@dataclass(frozen=True)
class BackupFile:
    path: Path
    #: The shop's local time the backup was made, from its name: ``26/11/2026 21:15:30``
    #: (written as the screens write times).
    made: str
    size: int


def backup_files(folder: Path, shop_code: str) -> list[BackupFile]:
    """The shop's backups in ``folder``, newest first (none when it does not exist yet)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found = []
    for path in backups_in(folder, shop_code):
        stamp = path.name[-len(SUFFIX) - 15:-len(SUFFIX)]      # 20261126-211530
        made = (f"{stamp[6:8]}/{stamp[4:6]}/{stamp[0:4]} "
                f"{stamp[9:11]}:{stamp[11:13]}:{stamp[13:15]}")
        try:
            size = path.stat().st_size
        except OSError:
            continue        # removed meanwhile (a newer backup's clean-up)
        found.append(BackupFile(path, made, size))
    return found


def format_size(size: int) -> str:
    """``1,2 MB`` / ``850 KB``: enough to see a backup is not empty or truncated."""
    if size >= 1_000_000:
        tenths = (size + 50_000) // 100_000
        return f"{tenths // 10},{tenths % 10} MB"
    return f"{(size + 500) // 1000} KB"
