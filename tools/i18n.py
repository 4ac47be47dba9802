#!/usr/bin/env python3
"""Keep the catalogs in step with the code.

``python tools/i18n.py``        add new source strings to en.po, drop unused ones, compile .mo
``python tools/i18n.py --check`` exit 1 if a string lacks an English translation

Source strings (``_("...")``, ``ngettext("...", "...", n)``) are Bahasa Indonesia.
``resources/locale/id/LC_MESSAGES/gerai.po`` is kept by hand: Indonesian for the English
strings of Qt and click.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "resources" / "locale"


def catalog_path(lang: str, ext: str = "po") -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"gerai.{ext}"


def extract(root: Path = ROOT / "app") -> dict[tuple[str, str | None], list[str]]:
    """{(msgid, msgid_plural): [file:line, ...]} for every translatable literal under root."""
    found: dict[tuple[str, str | None], list[str]] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            args = node.args
            key = None
            if node.func.id in ("_", "N_") and args and _literal(args[0]) is not None:
                key = (_literal(args[0]), None)
            elif node.func.id == "ngettext" and len(args) >= 2 and _literal(args[0]) is not None:
                key = (_literal(args[0]), _literal(args[1]))
            if key:
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                found.setdefault(key, []).append(where)
    return found


def _literal(node) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def update_english() -> polib.POFile:
    path = catalog_path("en")
    po = polib.pofile(str(path)) if path.exists() else polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "en",
                   "Plural-Forms": "nplurals=2; plural=(n != 1);"}
    existing = {e.msgid: e for e in po}
    strings = extract()
    for (msgid, plural), places in strings.items():
        entry = existing.get(msgid)
        if entry is None:
            entry = polib.POEntry(msgid=msgid, msgstr="")
            po.append(entry)
        if (entry.msgid_plural or None) != plural:
            # New, or a call that changed between _() and ngettext(): translate it again.
            entry.msgid_plural = plural or ""
            entry.msgstr_plural = {0: "", 1: ""} if plural else {}
            entry.msgstr = ""
        entry.occurrences = [tuple(p.rsplit(":", 1)) for p in places[:3]]
    wanted = {m for m, _p in strings}
    for entry in [e for e in po if e.msgid not in wanted]:
        po.remove(entry)
    po.sort(key=lambda e: e.msgid)
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))
    return po


def compile_all() -> None:
    for lang in ("en", "id"):
        po = polib.pofile(str(catalog_path(lang)))
        po.save_as_mofile(str(catalog_path(lang, "mo")))


def untranslated(po: polib.POFile) -> list[str]:
    missing = []
    for entry in po:
        if entry.msgid_plural:
            if not all(entry.msgstr_plural.values()):
                missing.append(entry.msgid)
        elif not entry.msgstr:
            missing.append(entry.msgid)
    return missing


def main(argv: list[str]) -> int:
    if "--check" in argv:
        missing = untranslated(polib.pofile(str(catalog_path("en"))))
    else:
        po = update_english()
        compile_all()
        missing = untranslated(po)
    for msgid in missing:
        print(f"untranslated: {msgid!r}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
