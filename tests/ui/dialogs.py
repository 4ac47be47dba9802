"""Modal dialogs that keys open, for the UI tests: a dialog's ``exec()`` blocks the key that
opened it, so what to do in it is arranged before that key is pressed."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget


def has_focus_inside(widget: QWidget) -> bool:
    focus = QApplication.focusWidget()
    return focus is not None and (focus is widget or widget.isAncestorOf(focus))


def back_in(keys, dialog: QWidget) -> None:
    """A dialog opened over ``dialog`` has closed: a desktop activates ``dialog`` again,
    the offscreen platform does not, so that is done here (as Keyboard.focused does for
    the window)."""
    dialog.activateWindow()
    keys.qtbot.waitUntil(lambda: has_focus_inside(dialog), timeout=2000)


class Dialogs:
    """Modal dialogs that keys will open, each handled as soon as it shows.

    A dialog's ``exec()`` blocks the key that opened it, so handling is arranged before
    that key. Each expectation takes the first modal dialog it matches that no earlier
    expectation took (``again``: or one shown again after it closed); :meth:`check` fails
    the test if one raised or never saw its dialog.
    """

    def __init__(self, keys):
        self.keys = keys
        self.problems: list[BaseException] = []
        self.taken: list[QWidget] = []
        self.pending: list[str] = []

    def expect(self, what: str, handle: Callable[[QWidget], None], *,
               kind: type = QDialog, where: Callable[[QWidget], bool] = lambda d: True,
               again: bool = False, timeout_ms: int = 8000) -> None:
        waited = [0]
        self.pending.append(what)

        def poll():
            if self.keys.finished:
                return
            dialog = QApplication.activeModalWidget()
            if (dialog is None or not isinstance(dialog, kind) or not where(dialog)
                    or (not again and any(dialog is seen for seen in self.taken))):
                waited[0] += 10
                if waited[0] < timeout_ms:
                    QTimer.singleShot(10, poll)
                return
            self.taken.append(dialog)
            self.pending.remove(what)
            try:
                self.keys.qtbot.waitUntil(lambda: has_focus_inside(dialog), timeout=2000)
                handle(dialog)
                # Every handler ends with the key that closes its dialog; one still open
                # would keep the test waiting in its exec() for ever.
                assert not dialog.isVisible(), f"{what}: still open after its keys"
            except BaseException as e:  # noqa: BLE001 (reported by check())
                self.problems.append(e)
                self._close_all()

        QTimer.singleShot(0, poll)

    def _close_all(self) -> None:
        """After a failed check, close every dialog still open, so the test ends (and says
        why) instead of waiting forever in one of them."""
        dialog = QApplication.activeModalWidget()
        if dialog is not None and not self.keys.finished:
            # done(), not reject(): a dialog that asks before closing must not ask now.
            dialog.done(0) if isinstance(dialog, QDialog) else dialog.close()
            QTimer.singleShot(10, self._close_all)

    def check(self) -> None:
        if self.problems:
            raise self.problems[0]
        assert not self.pending, f"these dialogs never opened: {self.pending}"
