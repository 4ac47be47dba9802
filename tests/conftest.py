"""Shared fixtures: a demo shop on a real SQLite file, and its users by role.

The demo shop is built once per session (Argon2 makes users slow to create and to log
in) and each test gets its own copy of the file, so tests never see each other's writes.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Personal-data keys (app.models.personal) go to a folder of the run's own, never to the
# user's config folder; every copy of the demo shop shares the demo's key file.
if "GERAI_KEY_DIR" not in os.environ:
    import tempfile

    os.environ["GERAI_KEY_DIR"] = tempfile.mkdtemp(prefix="gerai-keys-")
# Receipts, automatic backups and sync keys go to the data folder: one of the run's own.
if "GERAI_TEST_KEEP_XDG" not in os.environ:
    import tempfile

    os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="gerai-data-")

import shutil  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from app.i18n import set_language  # noqa: E402
from app.models.db import Database, open_db  # noqa: E402
from app.models.demo import DEMO_USERS, build_demo  # noqa: E402
from app.models.users import User, authenticate  # noqa: E402

DEMO_PRODUCTS = 60
DEMO_DAYS = 3
DEMO_SEED = 1
#: The demo secret of every demo user, by username (from the demo's own table).
DEMO_SECRETS = {username: secret for username, _name, _role, secret in DEMO_USERS}


@dataclass(frozen=True)
class DemoTemplate:
    path: Path
    users: dict[str, User]  # by username


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> DemoTemplate:
    """The demo shop, built once; copy ``path`` before writing to it."""
    path = tmp_path_factory.mktemp("template") / "shop.db"
    db = open_db(path)
    try:
        build_demo(db, products=DEMO_PRODUCTS, days=DEMO_DAYS, seed=DEMO_SEED)
        users = {
            username: authenticate(db, username=username, secret=secret)
            for username, secret in DEMO_SECRETS.items()
        }
        db.checkpoint("TRUNCATE")
    finally:
        db.close()
    return DemoTemplate(path, users)


@pytest.fixture
def make_shop(tmp_path, demo_template) -> Iterator[Callable[..., Database]]:
    """``make_shop(name="shop.db")``: a fresh copy of the demo shop, opened."""
    opened: list[Database] = []

    def make(name: str = "shop.db") -> Database:
        path = tmp_path / name
        shutil.copy(demo_template.path, path)
        db = open_db(path, create=False)
        opened.append(db)
        return db

    yield make
    for db in opened:
        db.close()


@pytest.fixture
def shop(make_shop) -> Database:
    return make_shop()


@pytest.fixture(scope="session")
def demo_users(demo_template) -> dict[str, User]:
    """Every demo user, logged in, by username (``kasir``, ``kasir2``, ``admin`` ...)."""
    return dict(demo_template.users)


@pytest.fixture(scope="session")
def user_by_role(demo_users) -> dict[str, User]:
    """One demo user for each role (the first in the demo's list)."""
    by_role: dict[str, User] = {}
    for user in demo_users.values():
        by_role.setdefault(user.role, user)
    return by_role


@pytest.fixture
def admin(user_by_role) -> User:
    return user_by_role["admin"]


@pytest.fixture
def manajer(user_by_role) -> User:
    return user_by_role["manajer"]


@pytest.fixture
def bendahara(user_by_role) -> User:
    return user_by_role["bendahara"]


@pytest.fixture
def kasir(user_by_role) -> User:
    return user_by_role["kasir"]


@pytest.fixture
def pengawas(user_by_role) -> User:
    return user_by_role["pengawas"]


def database_state(db: Database) -> str:
    """Everything in the database as SQL text, to prove a refusal wrote nothing."""
    return "\n".join(db.conn.iterdump())


@pytest.fixture
def snapshot() -> Callable[[Database], str]:
    return database_state


@pytest.fixture(autouse=True)
def _indonesian_by_default():
    """Each test starts in the default language, whatever the one before switched to."""
    set_language("id")
    yield
    set_language("id")


# --- the treasurer's busier shop (tests/books_shop.py), built once for every books test ---


@pytest.fixture(scope="session")
def books_template(tmp_path_factory):
    from books_shop import busy_shop

    return busy_shop(tmp_path_factory.mktemp("busy"))


@pytest.fixture
def busy(books_template, tmp_path):
    """A fresh copy of the busier shop: savings, bon repaid, expenses, a reversal."""
    db = books_template.copy(tmp_path)
    yield db
    db.close()


@pytest.fixture
def treasurer(books_template):
    return books_template.users["bendahara"]
