"""The Cadangan settings: validated and admin-only (a refusal writes nothing), the daily
backup due by the clock, and the automatic backup a verified generation of the N kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.models import backup as backups
from app.models.backup_settings import (
    BackupSettings,
    automatic_backup,
    backup_settings_from_form,
    backup_to_usb,
    due_daily,
    get_backup_settings,
    last_backup,
    record_backup,
    save_backup_settings,
)
from app.models.clock import frozen_clock, to_iso
from app.models.errors import PermissionDenied, UserError, ValidationError
from app.models.settings import get_settings

T0 = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)


def test_defaults_before_anything_is_saved(shop):
    assert get_backup_settings(shop) == BackupSettings("", 14, True, True)
    assert last_backup(shop) is None


def test_the_admin_saves_and_reads_back_with_an_audit_row(shop, admin, tmp_path):
    wanted = BackupSettings(str(tmp_path / "cadangan"), 5, False, True)
    assert save_backup_settings(shop, user=admin, settings=wanted) == wanted
    assert get_backup_settings(shop) == wanted
    assert shop.scalar("SELECT count(*) FROM audit_log WHERE action = 'settings.backup'") == 1


@pytest.mark.parametrize("role", ["manajer", "kasir", "bendahara", "pengawas"])
def test_only_the_admin_saves(shop, user_by_role, snapshot, tmp_path, role):
    before = snapshot(shop)
    with pytest.raises(PermissionDenied):
        save_backup_settings(shop, user=user_by_role[role],
                             settings=BackupSettings(str(tmp_path), 3, True, True))
    assert snapshot(shop) == before


@pytest.mark.parametrize(("settings", "field"), [
    (BackupSettings(keep=0), "keep"),
    (BackupSettings(keep=-3), "keep"),
    (BackupSettings(keep=1001), "keep"),
    (BackupSettings(keep=True), "keep"),
    (BackupSettings(keep="14"), "keep"),
    (BackupSettings(folder="relatif/cadangan"), "folder"),
    (BackupSettings(folder="/x\x00y"), "folder"),
    (BackupSettings(folder="/" + "a" * 1200), "folder"),
    (BackupSettings(folder=None), "folder"),
    (BackupSettings(daily="ya"), "daily"),
    (BackupSettings(at_shift_close=1), "at_shift_close"),
])
def test_bad_settings_are_refused_and_nothing_is_written(shop, admin, snapshot, settings,
                                                          field):
    before = snapshot(shop)
    with pytest.raises(ValidationError) as e:
        save_backup_settings(shop, user=admin, settings=settings)
    assert field in {p.field for p in e.value.problems}
    assert all(p.message for p in e.value.problems)
    assert snapshot(shop) == before


def test_a_file_where_the_folder_should_be_is_refused(shop, admin, snapshot, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    before = snapshot(shop)
    with pytest.raises(ValidationError, match="bukan folder"):
        save_backup_settings(shop, user=admin, settings=BackupSettings(folder=str(blocker)))
    assert snapshot(shop) == before


@pytest.mark.parametrize("keep", ["", "abc", "2.5", "-1", "0", "9999999", "1e3"])
def test_the_form_refuses_what_is_not_a_count(keep):
    with pytest.raises(ValidationError) as e:
        backup_settings_from_form(folder="", keep=keep, at_shift_close=True, daily=True)
    assert [p.field for p in e.value.problems] == ["keep"]


def test_the_form_reads_a_count_and_trims_the_folder(tmp_path):
    assert backup_settings_from_form(folder=f"  {tmp_path}  ", keep=" 7 ", at_shift_close=False,
                                     daily=True) == BackupSettings(str(tmp_path), 7, False, True)


def test_daily_is_due_without_a_backup_and_again_after_24_hours(shop, admin):
    with frozen_clock(T0):
        assert due_daily(shop)
        record_backup(shop, to_iso(T0))
        assert not due_daily(shop)
    with frozen_clock(T0 + timedelta(hours=23, minutes=59)):
        assert not due_daily(shop)
    with frozen_clock(T0 + timedelta(hours=24)):
        assert due_daily(shop)
    # A clock set back before the last backup: one backup too many rather than none.
    with frozen_clock(T0 - timedelta(hours=1)):
        assert due_daily(shop)
    assert not due_daily(shop, T0 + timedelta(hours=1))
    save_backup_settings(shop, user=admin, settings=BackupSettings(daily=False))
    with frozen_clock(T0 + timedelta(days=30)):
        assert not due_daily(shop)


def test_automatic_backup_makes_verified_generations_and_keeps_n(shop, admin, tmp_path):
    folder = tmp_path / "baru" / "cadangan"          # made when missing
    save_backup_settings(shop, user=admin, settings=BackupSettings(str(folder), 3))
    code = get_settings(shop).shop_code
    made = []
    for hour in range(5):
        with frozen_clock(T0 + timedelta(hours=hour)):
            result = automatic_backup(shop)
        assert backups.verify_backup(result.path) == result.schema
        assert last_backup(shop) == to_iso(T0 + timedelta(hours=hour))
        made.append(result.path)
    assert backups.backups_in(folder, code) == made[:-4:-1]
    assert not any(p.exists() for p in made[:2])
    assert result.removed == (made[1],)
    assert shop.scalar("SELECT count(*) FROM audit_log WHERE action = 'backup.made'") == 5


def test_the_default_folder_is_beside_the_default_database(shop, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with frozen_clock(T0):
        result = automatic_backup(shop)
    assert result.path.parent == tmp_path / "data" / "gerai" / "backups"


def test_a_file_in_the_folders_place_fails_plainly_and_records_nothing(shop, admin, tmp_path,
                                                                       snapshot):
    folder = tmp_path / "cadangan"
    save_backup_settings(shop, user=admin, settings=BackupSettings(str(folder), 3))
    folder.write_text("bukan folder")
    before = snapshot(shop)
    with pytest.raises(UserError, match="bukan folder"):
        automatic_backup(shop)
    assert snapshot(shop) == before
    assert last_backup(shop) is None


def test_a_copy_to_a_usb_stick_is_the_admins_and_audited(shop, admin, manajer, tmp_path,
                                                         snapshot):
    stick = tmp_path / "usb"
    stick.mkdir()
    before = snapshot(shop)
    with pytest.raises(PermissionDenied):
        backup_to_usb(shop, stick, user=manajer)
    with pytest.raises(UserError, match="tidak ada"):
        backup_to_usb(shop, tmp_path / "dicabut", user=admin)
    assert snapshot(shop) == before and list(stick.iterdir()) == []
    result = backup_to_usb(shop, stick, user=admin)
    assert backups.verify_backup(result.path) and result.path.parent == stick
    assert shop.scalar("SELECT count(*) FROM audit_log WHERE action = 'backup.copy'") == 1
    assert last_backup(shop) is None     # the local generations still want their daily one


def test_the_list_of_backups_newest_first_with_time_and_size(shop, tmp_path):
    from app.models.backup_settings import backup_files, format_size

    assert backup_files(tmp_path / "belum-ada", "KDMP017") == []
    code = get_settings(shop).shop_code
    for hour in (0, 2, 1):
        with frozen_clock(T0 + timedelta(hours=hour)):
            backups.backup_to_folder(shop, tmp_path)
    (tmp_path / "catatan.txt").write_text("bukan cadangan")
    files = backup_files(tmp_path, code)
    # T0 is 08:00 in Jakarta (WIB, UTC+7).
    assert [f.made for f in files] == ["26/11/2026 10:00:00", "26/11/2026 09:00:00",
                                       "26/11/2026 08:00:00"]
    assert all(f.size == f.path.stat().st_size > 0 for f in files)
    assert (format_size(999), format_size(1_234_567), format_size(4_050_000)) == (
        "1 KB", "1,2 MB", "4,1 MB")
