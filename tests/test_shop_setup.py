"""A new shop: settings and first admin in one step, from the CLI or the first-start form."""

import subprocess
import sys

import pytest

from app.cli import run
from app.models.db import open_db
from app.models.errors import PermissionDenied, ValidationError
from app.models.settings import ShopSettings, get_settings
from app.models.shop import setup_shop
from app.models.users import authenticate, list_users

GOOD = ShopSettings(cooperative_name="Koperasi Desa Merah Putih Way Huwi",
                    shop_name="Gerai Way Huwi", shop_code="KDMP099", zone="WIB")


def test_a_new_shop_gets_its_settings_and_an_admin_who_can_log_in(tmp_path):
    db = open_db(tmp_path / "new.db")
    setup_shop(db, settings=GOOD, username="Sari", full_name="Sari Wulandari",
               secret="rahasia123")
    assert get_settings(db).shop_code == "KDMP099"
    admin = authenticate(db, username="sari", secret="rahasia123")
    assert admin.role == "admin"


def test_every_problem_of_a_new_shop_is_reported_at_once_and_nothing_is_written(tmp_path):
    db = open_db(tmp_path / "new.db")
    bad = ShopSettings(cooperative_name="", shop_name="Gerai", shop_code="kd", zone="XYZ")
    with pytest.raises(ValidationError) as refused:
        setup_shop(db, settings=bad, username="A B", full_name="", secret="12")
    fields = {p.field for p in refused.value.problems}
    assert {"cooperative_name", "shop_code", "zone", "username", "full_name", "secret"} <= fields
    assert db.scalar("SELECT count(*) FROM settings") == 0
    assert list_users(db) == []
    assert db.scalar("SELECT count(*) FROM audit_log") == 0


def test_a_shop_that_is_set_up_cannot_be_set_up_again(tmp_path):
    db = open_db(tmp_path / "new.db")
    setup_shop(db, settings=GOOD, username="admin", full_name="Sari", secret="rahasia123")
    before = list(db.conn.iterdump())
    with pytest.raises(PermissionDenied):
        setup_shop(db, settings=GOOD, username="penyusup", full_name="X", secret="rahasia123")
    assert list(db.conn.iterdump()) == before


def test_gerai_init_sets_up_a_shop_with_the_password_typed_twice(tmp_path):
    path = tmp_path / "shop.db"
    done = subprocess.run(
        [sys.executable, "-m", "app", "init", "--db", str(path), "--cooperative", "Koperasi X",
         "--shop-name", "Gerai X", "--shop-code", "kdmp123", "--admin-name", "Sari"],
        input="rahasia123\nrahasia123\n", capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    db = open_db(path, create=False)
    assert get_settings(db).shop_code == "KDMP123"
    assert authenticate(db, username="admin", secret="rahasia123").role == "admin"


def test_gerai_init_with_bad_details_exits_1_and_leaves_no_file(tmp_path, capsys, monkeypatch):
    path = tmp_path / "shop.db"
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("pendek\npendek\n"))
    code = run(["init", "--db", str(path), "--cooperative", "", "--shop-name", "G",
                "--shop-code", "K", "--admin-name", "Sari"])
    assert code == 1
    assert "Kode gerai" in capsys.readouterr().err
    assert not path.exists()
