"""Small widgets shared by the screens."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.models.errors import Problem, UserError, ValidationError


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


class ErrorForm:
    """A form whose fields each have the line under them that says what is wrong."""

    def __init__(self):
        self.layout = QFormLayout()
        self.errors: dict[str, FieldError] = {}
        self.general = FieldError()

    def add(self, key: str, label: str, widget: QWidget) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        self.errors[key] = FieldError()
        column.addWidget(self.errors[key])
        self.layout.addRow(label, box)
        return widget

    def clear(self) -> None:
        for error in [*self.errors.values(), self.general]:
            error.show_message(None)

    def show(self, problems) -> None:
        """Each problem under its field (all of a field's problems together)."""
        messages: dict[str, list[str]] = {}
        for problem in problems:
            key = problem.field.split(".")[0] if problem.field else ""
            messages.setdefault(key if key in self.errors else "", []).append(problem.message)
        for key, lines in messages.items():
            self.errors.get(key, self.general).show_message("\n".join(lines))


def save_cancel_row(dialog, form: ErrorForm, save_text: str, save_slot) -> QHBoxLayout:
    """The bottom of a form dialog: the general error, Cancel (Esc) and Save (Ctrl+S)."""
    save = key_button(save_text, "Ctrl+S", dialog, save_slot)
    save.setObjectName("save")
    save.setDefault(True)
    cancel = QPushButton(_("Batal (Esc)"))
    cancel.clicked.connect(dialog.reject)
    row = QHBoxLayout()
    row.addWidget(form.general, 1)
    row.addStretch()
    row.addWidget(cancel)
    row.addWidget(save)
    return row


class FormDialog(QDialog):
    """A form where Enter goes on to the next field and Ctrl+S (or the button) saves: a
    half-filled form is never saved by an Enter meant for a field. A subclass keeps its
    ErrorForm in ``self.form`` and its inputs by field name in ``self.fields``."""

    def keyPressEvent(self, event):  # noqa: N802 (Qt API)
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.focusNextChild()
            return
        super().keyPressEvent(event)

    def saving(self, save) -> bool:
        """Run ``save()`` and close the dialog; a refusal is shown under its fields, the
        cursor goes to the first one, and the dialog stays open."""
        self.form.clear()
        try:
            save()
        except ValidationError as e:
            self.refused(e.problems)
            return False
        except UserError as e:
            self.refused([Problem(e.field or "", e.message)])
            return False
        self.accept()
        return True

    def refused(self, problems: list[Problem]) -> None:
        self.form.show(problems)
        self.adjustSize()
        widget = self.widget_for(problems[0].field)
        if widget is not None and widget.isEnabled():
            widget.setFocus()
            if isinstance(widget, QLineEdit):
                widget.selectAll()

    def widget_for(self, field: str):
        return getattr(self, "fields", {}).get(field)


def scan_side_table(table: QTableView, widths: tuple[int, ...], stretch: int,
                    row_height: int) -> None:
    """A table beside a scan field: whole rows selected, never focused (the keys stay in the
    scan field), fixed column widths (sizing to contents would read every line at every
    scan) with ``stretch`` taking the rest; a width of 0 leaves a column to the stretch."""
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.verticalHeader().hide()
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(row_height)
    header = table.horizontalHeader()
    for column, width in enumerate(widths):
        if width:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            table.setColumnWidth(column, width)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


def save_page(save, *, errors: dict, inputs: dict, fallback: str, message: QLabel):
    """A settings page's Save: clear its errors, run ``save()`` and return what it saved;
    on a refusal show each problem under its field (``fallback``'s when the field has no
    line of its own), put the cursor in the first one, say so, and return None."""
    for error in errors.values():
        error.show_message(None)
    try:
        return save()
    except ValidationError as e:
        for problem in e.problems:
            errors.get(problem.field, errors[fallback]).show_message(problem.message)
        first = inputs.get(e.problems[0].field)
        if first is not None:
            first.setFocus()
            first.selectAll()
        message.setText(_("Belum tersimpan."))
    except UserError as e:
        message.setText(e.message)
    return None
