"""The command line, end to end on temporary shop files, checked through the domain."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import click
import pytest

from app import __version__
from app.cli import cli, run
from app.i18n import _
from app.models import audit, stock
from app.models.db import open_db
from app.models.migrations import latest_version
from app.models.product_search import count_products, list_products
from app.models.users import list_users

PROGRAM_TIMEOUT = 120


@pytest.fixture(autouse=True)
def _never_the_real_shop(tmp_path, monkeypatch):
    """A command given no --db would use the user's shop: point that somewhere watched."""
    default = tmp_path / "default-location" / "gerai.db"
    monkeypatch.setenv("GERAI_DB", str(default))
    monkeypatch.delenv("GERAI_LANG", raising=False)
    yield
    assert not default.parent.exists(), "a command touched the default database"


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def catalog(path: Path) -> list[tuple]:
    db = open_db(path, create=False)
    try:
        return [(r.name, r.brand, r.category, r.base_unit, r.codes, r.price, r.het, r.stock,
                 r.min_stock) for r in list_products(db, limit=100_000, include_archived=True)]
    finally:
        db.close()


def program(*args: str, env_db: Path, lang: str | None = None) -> subprocess.CompletedProcess:
    """Run ``gerai`` as a real program, as a script or the district office would."""
    env = {k: v for k, v in os.environ.items() if k != "GERAI_LANG"}
    env["GERAI_DB"] = str(env_db)
    env["QT_QPA_PLATFORM"] = "offscreen"
    if lang:
        env["GERAI_LANG"] = lang
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True,
                          env=env, timeout=PROGRAM_TIMEOUT)


@pytest.fixture
def demo_db(tmp_path, capsys) -> Path:
    """A demo shop made through the command line."""
    path = tmp_path / "shop.db"
    assert run(["demo", "--db", str(path), "--products", "50", "--seed", "5", "--days", "3"]) == 0
    capsys.readouterr()
    return path


# --- version and help ----------------------------------------------------------------------


def test_version_is_printed(capsys):
    assert run(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"gerai {__version__}"


def test_version_from_the_installed_program(tmp_path):
    gerai = Path(sys.executable).with_name("gerai")
    if not gerai.exists():
        pytest.skip("the gerai script is not installed beside this Python")
    result = subprocess.run([str(gerai), "--version"], capture_output=True, text=True,
                            timeout=PROGRAM_TIMEOUT, env={**os.environ,
                                                          "GERAI_DB": str(tmp_path / "x.db")})
    assert result.returncode == 0
    assert result.stdout.strip() == f"gerai {__version__}"
    assert listing(tmp_path) == []


def every_command(command: click.Command, path: tuple[str, ...] = ()):
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from every_command(sub, (*path, name))


COMMANDS = list(every_command(cli))


def test_the_walk_finds_the_known_commands():
    paths = {" ".join(p) for p, _ in COMMANDS}
    assert {"", "demo", "check", "audit", "audit verify"} <= paths


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) or "gerai" for p, _ in COMMANDS])
def test_every_command_has_help(tmp_path, capsys, path, command):
    assert (command.help or "").strip(), f"{' '.join(path)} has no help text"
    summary = _(command.help).strip().splitlines()[0]
    for flag in ("--help", "-h"):
        assert run([*path, flag]) == 0
        out = capsys.readouterr().out
        assert " ".join(["gerai", *path]) in out.splitlines()[0], out
        assert summary in out
        assert "--db" in out or isinstance(command, click.Group)
    assert listing(tmp_path) == []


# --- demo -----------------------------------------------------------------------------------


def test_demo_makes_a_shop_that_passes_its_check(tmp_path, capsys):
    path = tmp_path / "toko" / "shop.db"
    assert run(["demo", "--db", str(path), "--products", "50", "--seed", "5"]) == 0
    said = capsys.readouterr()
    assert "50" in said.out and str(path) in said.out
    assert run(["check", "--db", str(path)]) == 0
    report = capsys.readouterr().out.splitlines()
    assert report and all(line.startswith("[OK]") for line in report)

    db = open_db(path, create=False)
    try:
        assert count_products(db, include_archived=True) == 50
        assert {u.role for u in list_users(db)} == {"kasir", "bendahara", "manajer", "pengawas",
                                                    "admin"}
        assert stock.ledger_mismatches(db) == []
        assert audit.verify(db).ok
        # Thirty days of history by default: some stock corrections happened.
        assert db.scalar("SELECT count(*) FROM stock_movements WHERE kind = 'adjustment'") > 0
    finally:
        db.close()
    # The idle checkpoint left one self-contained file.
    assert listing(path.parent) == ["shop.db"]


def test_the_same_seed_makes_the_same_shop(tmp_path, capsys):
    paths = {name: tmp_path / f"{name}.db" for name in ("first", "again", "other")}
    for name, seed in (("first", "5"), ("again", "5"), ("other", "6")):
        assert run(["demo", "--db", str(paths[name]), "--products", "50", "--seed", seed,
                    "--days", "3"]) == 0
    capsys.readouterr()
    first, again, other = (catalog(paths[n]) for n in ("first", "again", "other"))
    assert len(first) == 50
    assert first == again
    assert [r[4] for r in first] != [r[4] for r in other]  # another seed, other barcodes


def test_demo_on_a_shop_with_data_is_refused_and_changes_nothing(demo_db, capsys):
    before, files = file_hash(demo_db), listing(demo_db.parent)
    assert run(["demo", "--db", str(demo_db), "--products", "10", "--seed", "9"]) == 1
    err = capsys.readouterr().err
    assert "Ditolak" in err and "demo" in err
    assert file_hash(demo_db) == before
    assert listing(demo_db.parent) == files


def test_demo_if_missing_leaves_an_existing_shop_alone(demo_db, capsys):
    before, files = file_hash(demo_db), listing(demo_db.parent)
    assert run(["demo", "--db", str(demo_db), "--if-missing", "--products", "10"]) == 0
    assert str(demo_db) in capsys.readouterr().err
    assert file_hash(demo_db) == before
    assert listing(demo_db.parent) == files


def test_demo_if_missing_makes_a_missing_shop(tmp_path, capsys):
    path = tmp_path / "shop.db"
    assert run(["demo", "--db", str(path), "--if-missing", "--products", "5", "--days", "0"]) == 0
    db = open_db(path, create=False)
    try:
        assert count_products(db) == 5
    finally:
        db.close()


@pytest.mark.parametrize(
    "content", [b"bukan basis data " * 100, b""], ids=["garbage", "empty"])
def test_demo_on_a_file_that_is_not_a_shop(tmp_path, capsys, content):
    path = tmp_path / "shop.db"
    path.write_bytes(content)
    code = run(["demo", "--db", str(path), "--products", "5", "--days", "0"])
    if content:
        assert code == 1 and capsys.readouterr().err.strip()
        assert path.read_bytes() == content
        assert listing(tmp_path) == ["shop.db"]
    else:
        assert code == 0  # an empty file is an empty database


BAD_USAGE = [
    ["demo", "--db", "{db}", "--days", "-1"],
    ["demo", "--db", "{db}", "--days", "abc"],
    ["demo", "--db", "{db}", "--days", "3661"],
    ["demo", "--db", "{db}", "--days", "1.5"],
    ["demo", "--db", "{db}", "--products", "0"],
    ["demo", "--db", "{db}", "--products", "999999999"],
    ["demo", "--db", "{db}", "--products", ""],
    ["demo", "--db", "{db}", "--seed", "x"],
    ["demo", "--db", "{db}", "--seed", "-1"],
    ["demo", "--db", "{db}", "--lang", "xx"],
    ["--lang", "xx", "demo", "--db", "{db}"],
    ["demo", "--db", "{db}", "--no-such-option"],
    ["demo", "--db", "{db}", "surplus"],
    ["demo", "--db"],
    ["--db", "{db}", "no-such-command"],
    ["audit", "--db", "{db}", "no-such-command"],
    ["check", "--db", "{db}", "--days", "3"],
]


@pytest.mark.parametrize("args", BAD_USAGE, ids=[" ".join(a[:1] + a[3:]) for a in BAD_USAGE])
def test_bad_usage_exits_2_with_a_message_and_creates_nothing(tmp_path, capsys, args):
    argv = [a.replace("{db}", str(tmp_path / "shop.db")) for a in args]
    assert run(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.strip()
    assert captured.out == ""
    assert listing(tmp_path) == []


# --- check on files that are not a shop ---------------------------------------------------------


def _make_missing(tmp_path):
    return tmp_path / "tidak-ada.db"


def _make_folder(tmp_path):
    folder = tmp_path / "folder.db"
    folder.mkdir()
    return folder


def _make_garbage(tmp_path):
    path = tmp_path / "rusak.db"
    path.write_bytes(bytes(range(256)) * 64)
    return path


def _make_empty(tmp_path):
    path = tmp_path / "kosong.db"
    path.write_bytes(b"")
    return path


def _make_foreign(tmp_path):
    path = tmp_path / "lain.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE anggota (nama TEXT)")
    conn.commit()
    conn.close()
    return path


def _make_too_new(tmp_path):
    path = tmp_path / "baru.db"
    db = open_db(path)
    db.close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    conn.commit()
    conn.close()
    return path


NOT_A_SHOP = [_make_missing, _make_folder, _make_garbage, _make_empty, _make_foreign, _make_too_new]


def _state(tmp_path, path):
    content = path.read_bytes() if path.is_file() else None
    return listing(tmp_path), content


@pytest.mark.parametrize("command", [["check"], ["audit", "verify"]], ids=["check", "audit verify"])
@pytest.mark.parametrize("make", NOT_A_SHOP, ids=lambda f: f.__name__.removeprefix("_make_"))
def test_checking_a_file_that_is_not_a_shop_is_refused_and_changes_nothing(
        tmp_path, capsys, make, command):
    path = make(tmp_path)
    before = _state(tmp_path, path)
    assert run([*command, "--db", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Ditolak: ")
    if make is _make_too_new:
        assert str(latest_version() + 1) in err  # says which schema it found
    else:
        assert path.name in err
    assert _state(tmp_path, path) == before


def test_a_missing_database_is_reported_in_indonesian_by_default(tmp_path, capsys):
    assert run(["check", "--db", str(tmp_path / "tidak-ada.db")]) == 1
    assert "Basis data tidak ditemukan" in capsys.readouterr().err
    assert run(["check", "--db", str(tmp_path / "tidak-ada.db"), "--lang", "id"]) == 1
    assert "Basis data tidak ditemukan" in capsys.readouterr().err


@pytest.mark.parametrize("where", ["before", "after"])
def test_lang_en_gives_english_messages(tmp_path, capsys, where):
    args = ["check", "--db", str(tmp_path / "tidak-ada.db")]
    args = ["--lang", "en", *args] if where == "before" else [*args, "--lang", "en"]
    assert run(args) == 1
    err = capsys.readouterr().err
    assert "not found" in err.lower()
    assert "Basis data" not in err and "Ditolak" not in err


def test_lang_en_gives_an_english_check_report(demo_db, capsys):
    assert run(["--lang", "en", "check", "--db", str(demo_db)]) == 0
    out = capsys.readouterr().out
    assert "utuh" not in out and "Rantai" not in out


def test_check_passes_on_a_demo_shop_and_says_what_it_checked(demo_db, capsys):
    before = file_hash(demo_db)
    assert run(["check", "--db", str(demo_db)]) == 0
    out = capsys.readouterr().out
    assert all(line.startswith("[OK] ") for line in out.splitlines())
    assert len(out.splitlines()) >= 5
    assert file_hash(demo_db) == before


def test_check_finds_a_stock_balance_that_does_not_match_its_movements(demo_db, capsys):
    conn = sqlite3.connect(demo_db)
    conn.execute("UPDATE stock_balances SET qty = qty + 1"
                 " WHERE product_id = (SELECT min(product_id) FROM stock_balances)")
    conn.commit()
    conn.close()
    assert run(["check", "--db", str(demo_db)]) == 1
    out = capsys.readouterr()
    assert [line for line in out.out.splitlines() if line.startswith("[GAGAL]")]
    assert out.err.strip()


# --- as a real program --------------------------------------------------------------------------


def test_demo_and_check_as_a_real_program(tmp_path):
    path = tmp_path / "shop.db"
    made = program("demo", "--db", str(path), "--products", "20", "--seed", "5", "--days", "2",
                   env_db=tmp_path / "default.db")
    assert made.returncode == 0, made.stderr
    checked = program("check", "--db", str(path), env_db=tmp_path / "default.db")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "[GAGAL]" not in checked.stdout
    assert listing(tmp_path) == ["shop.db"]


def test_exit_codes_of_the_real_program(tmp_path):
    usage = program("demo", "--db", str(tmp_path / "shop.db"), "--days", "-1",
                    env_db=tmp_path / "default.db")
    assert usage.returncode == 2 and usage.stderr.strip()
    refused = program("check", "--db", str(tmp_path / "tidak-ada.db"),
                      env_db=tmp_path / "default.db")
    assert refused.returncode == 1
    assert "Basis data tidak ditemukan" in refused.stderr
    assert listing(tmp_path) == []


def test_the_default_database_comes_from_gerai_db(tmp_path, capsys, monkeypatch):
    path = tmp_path / "dari-env.db"
    monkeypatch.setenv("GERAI_DB", str(path))
    assert run(["demo", "--products", "5", "--days", "0"]) == 0
    assert run(["check"]) == 0
    assert path.exists()
    monkeypatch.setenv("GERAI_DB", str(tmp_path / "default-location" / "gerai.db"))
