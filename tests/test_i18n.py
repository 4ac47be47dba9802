"""Every user-facing string has an English translation, with the same placeholders,
and the compiled catalogs the program loads are the ones in the .po files."""

import string
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import i18n as catalog_tool  # noqa: E402

from app import i18n  # noqa: E402


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


@pytest.fixture(scope="module")
def english():
    return polib.pofile(str(catalog_tool.catalog_path("en")))


def test_every_source_string_has_an_english_translation(english):
    translated = {e.msgid: e for e in english}
    def done(entry) -> bool:
        if entry.msgid_plural:
            return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
        return bool(entry.msgstr)

    missing = [msgid for msgid, _plural in catalog_tool.extract()
               if msgid not in translated or not done(translated[msgid])]
    assert not missing, "untranslated (run `make i18n` and fill en.po):\n" + "\n".join(missing)


def test_extractor_finds_the_strings_of_every_layer():
    places = {p.split(":")[0].split("/")[1] for v in catalog_tool.extract().values() for p in v}
    assert {"models", "ui", "cli.py"} <= places


@pytest.mark.parametrize("lang", ["en", "id"])
def test_translations_keep_their_placeholders(lang):
    po = polib.pofile(str(catalog_tool.catalog_path(lang)))
    wrong = []
    for entry in po:
        targets = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        allowed = _fields(entry.msgid) | _fields(entry.msgid_plural or "")
        for target in targets:
            if target and not _fields(target) <= allowed:
                wrong.append(entry.msgid)
            if target and not entry.msgid_plural and _fields(target) != _fields(entry.msgid):
                wrong.append(entry.msgid)
    assert not wrong


@pytest.mark.parametrize("lang", ["en", "id"])
def test_compiled_catalog_matches_the_po_file(lang):
    po = polib.pofile(str(catalog_tool.catalog_path(lang)))
    mo = polib.mofile(str(catalog_tool.catalog_path(lang, "mo")))
    as_po = {(e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in po}
    as_mo = {(e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in mo}
    assert as_po == as_mo, "run `make i18n` to recompile the catalogs"


def test_language_switch_changes_what_the_domain_says():
    from app.models.errors import UserError
    from app.models.money import parse_rupiah

    try:
        i18n.set_language("en")
        with pytest.raises(UserError) as english_error:
            parse_rupiah("abc")
        i18n.set_language("id")
        with pytest.raises(UserError) as indonesian_error:
            parse_rupiah("abc")
    finally:
        i18n.set_language("id")
    assert "is not valid" in english_error.value.message
    assert "tidak valid" in indonesian_error.value.message
