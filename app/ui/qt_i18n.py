"""Routes Qt's own strings (standard buttons, context menus) through our one catalog."""

from __future__ import annotations

from PySide6.QtCore import QTranslator

from app.i18n import _


class CatalogTranslator(QTranslator):
    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: ARG002
        # None (a null QString) tells Qt "no translation here"; "" would blank the text.
        if not source_text:
            return None
        text = _(source_text)
        return None if text == source_text else text

    def isEmpty(self) -> bool:  # noqa: N802 (Qt API)
        return False
