#!/usr/bin/env python3
"""Fill empty English entries of en.po from a Python dict file: fill_en.py DICT.py"""

import runpy
import sys

import polib
from i18n import catalog_path, compile_all

table = runpy.run_path(sys.argv[1])
po = polib.pofile(str(catalog_path("en")))
for entry in po:
    if entry.msgid_plural and entry.msgid in table.get("PLURALS", {}):
        one, many = table["PLURALS"][entry.msgid]
        entry.msgstr_plural = {0: one, 1: many}
    elif entry.msgid in table["T"] and not entry.msgstr:
        entry.msgstr = table["T"][entry.msgid]
po.save(str(catalog_path("en")))
compile_all()
