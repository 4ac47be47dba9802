"""UI fixtures: the demo shop on a real file, copied per test, and a logged-in session per role.

The shop is built once per session (Argon2 makes demo users slow to create); every test
gets its own copy of the closed file, so what one test saves no other test sees.
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import shutil  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from dialogs import Dialogs, has_focus_inside  # noqa: E402
from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app.i18n import set_language  # noqa: E402
from app.models.db import Database, open_db  # noqa: E402
from app.models.demo import DEMO_USERS, build_demo  # noqa: E402
from app.models.settings import get_settings  # noqa: E402
from app.models.users import authenticate  # noqa: E402
from app.ui.session import Session  # noqa: E402

UI_DEMO_PRODUCTS = 300
UI_DEMO_DAYS = 2
UI_DEMO_SEED = 1
#: The demo login of every demo user, by username.
SECRETS = {username: secret for username, _name, _role, secret in DEMO_USERS}
#: One demo username for each role (the first of that role in the demo's list).
USERNAME_BY_ROLE: dict[str, str] = {}
for _username, _name, _role, _secret in DEMO_USERS:
    USERNAME_BY_ROLE.setdefault(_role, _username)


@pytest.fixture(scope="session")
def ui_shop_template(tmp_path_factory) -> Path:
    """The demo shop with 300 products, built once and closed; copy it before use."""
    path = tmp_path_factory.mktemp("ui-template") / "gerai.db"
    db = open_db(path)
    try:
        build_demo(db, products=UI_DEMO_PRODUCTS, days=UI_DEMO_DAYS, seed=UI_DEMO_SEED)
        db.checkpoint("TRUNCATE")
    finally:
        db.close()
    return path


@pytest.fixture
def shop_db(tmp_path, ui_shop_template) -> Iterator[Database]:
    """This test's own copy of the demo shop, opened."""
    path = tmp_path / "gerai.db"
    shutil.copy(ui_shop_template, path)
    db = open_db(path, create=False)
    yield db
    db.close()


@pytest.fixture
def login(shop_db) -> Callable[[str], Session]:
    """``login("manajer")``: a session of that role's demo user in this test's shop."""

    def make(role: str) -> Session:
        username = USERNAME_BY_ROLE[role]
        user = authenticate(shop_db, username=username, secret=SECRETS[username])
        return Session(shop_db, user, get_settings(shop_db))

    return make


@pytest.fixture
def kasir_session(login) -> Session:
    return login("kasir")


@pytest.fixture
def manajer_session(login) -> Session:
    return login("manajer")


@pytest.fixture
def bendahara_session(login) -> Session:
    return login("bendahara")


@pytest.fixture
def pengawas_session(login) -> Session:
    return login("pengawas")


@pytest.fixture
def admin_session(login) -> Session:
    return login("admin")


@pytest.fixture
def indonesian() -> Iterator[None]:
    set_language("id")
    yield
    set_language("id")


@pytest.fixture
def english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("id")


# --- driving the screens by keys ----------------------------------------------------


class Keyboard:
    """What a cashier's hands do: keys go to whichever widget has the focus."""

    def __init__(self, qtbot):
        self.qtbot = qtbot
        self._window: QWidget | None = None
        self.finished = False  # set at the end of the test: stops waiting for dialogs

    def show(self, widget: QWidget, focus: QWidget | None = None) -> QWidget:
        """Show ``widget`` as the active window; ``focus`` (if given) gets the keyboard."""
        self.qtbot.addWidget(widget)
        self._window = widget.window()
        widget.show()
        self._activate()
        if focus is not None:
            focus.setFocus()
        elif self._window.focusWidget() is None:
            widget.setFocus()
        self.qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=2000)
        return widget

    def _activate(self) -> None:
        self._window.activateWindow()
        self.qtbot.waitUntil(lambda: QApplication.activeWindow() is self._window, timeout=2000)

    def focused(self) -> QWidget:
        """The widget with the keyboard focus.

        When a dialog closes, a desktop's window manager activates the window below it
        again; the offscreen platform activates nothing, so that is done here.
        """
        if (QApplication.focusWidget() is None and QApplication.activeModalWidget() is None
                and self._window is not None and self._window.isVisible()):
            self._activate()
        assert QApplication.focusWidget() is not None, "no widget has the keyboard focus"
        return QApplication.focusWidget()

    def type(self, text: str) -> None:
        """Each key goes where the focus is at that moment, as a scanner's keys do."""
        for char in text:
            self.qtbot.keyClicks(self.focused(), char)

    def press(self, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        self.qtbot.keyClick(self.focused(), key, modifier)

    def when_modal(self, handle: Callable[[QWidget], None], *, timeout_ms: int = 5000) -> list:
        """Run ``handle(dialog)`` as soon as a modal dialog is open (a later ``exec()``).

        A dialog's ``exec()`` blocks the key press that opened it, so the handling is
        scheduled first. Returns a list that receives what ``handle`` raised; the dialog
        is then rejected, so a failing check never leaves the test hanging.
        """
        raised: list[BaseException] = []
        waited = [0]

        def poll():
            if self.finished:
                return
            dialog = QApplication.activeModalWidget()
            if dialog is None:
                waited[0] += 10
                if waited[0] < timeout_ms:
                    QTimer.singleShot(10, poll)
                return
            try:
                # Keys go where the person looks: wait until the dialog has the focus.
                self.qtbot.waitUntil(lambda: has_focus_inside(dialog), timeout=2000)
                handle(dialog)
            except BaseException as e:  # noqa: BLE001 (re-raised by the test)
                raised.append(e)
                dialog.reject()

        QTimer.singleShot(0, poll)
        return raised


@pytest.fixture
def keys(qtbot) -> Iterator[Keyboard]:
    keyboard = Keyboard(qtbot)
    yield keyboard
    keyboard.finished = True


@pytest.fixture
def dialogs(keys) -> Iterator[Dialogs]:
    waiter = Dialogs(keys)
    yield waiter
    if waiter.problems:  # a handler failed after the test's last check()
        raise waiter.problems[0]
