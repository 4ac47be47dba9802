"""Small widgets shared by the screens."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QPushButton, QWidget


def key_button(text: str, key: str, parent: QWidget, slot) -> QPushButton:
    """A button that shows its key (``Tambah (F2)``) and answers to it anywhere in ``parent``."""
    button = QPushButton(f"{text} ({key})", parent)
    button.clicked.connect(slot)
    shortcut = QShortcut(QKeySequence(key), parent)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shortcut.activated.connect(lambda: button.isEnabled() and button.isVisible() and button.click())
    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    return button


class FieldError(QLabel):
    """The red line under a form field that says what is wrong with it."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("fieldError")
        self.setStyleSheet("color: #b3261e;")
        self.setWordWrap(True)
        self.hide()

    def show_message(self, message: str | None) -> None:
        self.setText(message or "")
        self.setVisible(bool(message))
        # A wrapped label is sized for its final width only after layout; reserve its lines now.
        width = self.parentWidget().width() if self.parentWidget() else self.width()
        self.setMinimumHeight(self.heightForWidth(width) if message else 0)
