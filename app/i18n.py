"""The one gettext ``_()`` for every user-facing string, in every layer.

Source strings are Bahasa Indonesia (the default language); ``resources/locale/en``
translates them to English. ``resources/locale/id`` holds only Indonesian for the
English strings Qt itself shows (standard buttons, context menus).
Call :func:`set_language` before the UI is imported; never call ``_()`` at import time.
"""

from __future__ import annotations

import gettext
import os
import sys
from pathlib import Path

DOMAIN = "gerai"
LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = DEFAULT_LANGUAGE


def resources_dir() -> Path:
    """Where ``resources/`` is: beside the package, or inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def locale_dir() -> Path:
    return resources_dir() / "locale"


def set_language(lang: str | None) -> str:
    """Switch every later ``_()`` to ``lang`` (``id`` or ``en``); returns the language used."""
    global _translation, _language
    lang = (lang or os.environ.get("GERAI_LANG") or DEFAULT_LANGUAGE).strip().lower()
    if lang not in LANGUAGES:
        lang = DEFAULT_LANGUAGE
    _translation = gettext.translation(
        DOMAIN, localedir=str(locale_dir()), languages=[lang], fallback=True
    )
    _language = lang
    # Libraries that call the global gettext (click's usage errors and help) read the same
    # catalog: Indonesian for their English strings lives in resources/locale/id.
    gettext.bindtextdomain(DOMAIN, str(locale_dir()))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = lang
    return lang


def language_from_argv(argv: list[str]) -> str | None:
    """The ``--lang`` of a command line, read before anything else is parsed."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def language() -> str:
    return _language


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)

