"""Regression guard: PySide6 6.12.0 crashes on Python 3.11 under many signal emits.

The crash (``Fatal Python error: bool_dealloc``, within about 20,000 emits of a ``bool``
signal) kills the whole till, so it is run in a child process: a crash there fails this
test instead of taking the test session down with it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import PySide6

EMITS = 10_000

STORM = textwrap.dedent(f"""
    import sys
    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QApplication

    class Till(QObject):
        drawer_open = Signal(bool)
        line_added = Signal(object)

    app = QApplication(sys.argv[:1])
    till = Till()
    seen = {{"bool": 0, "true": 0, "object": 0, "none": 0}}

    def on_drawer(is_open):
        seen["bool"] += 1
        seen["true"] += is_open is True

    def on_line(line):
        seen["object"] += 1
        seen["none"] += line is None

    till.drawer_open.connect(on_drawer)
    till.line_added.connect(on_line)
    payloads = (True, False, None)
    for i in range({EMITS}):
        till.drawer_open.emit(i % 2 == 0)
        till.line_added.emit(payloads[i % 3])
        if i % 1000 == 0:
            app.processEvents()
    app.processEvents()
    assert seen["bool"] == {EMITS} and seen["object"] == {EMITS}, seen
    assert seen["true"] == {(EMITS + 1) // 2}, seen
    assert seen["none"] == {len(range(2, EMITS, 3))}, seen
    print("emits", seen["bool"] + seen["object"])
""")


def test_ten_thousand_emits_of_bool_and_object_signals_do_not_crash_python():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", STORM], env=env, capture_output=True,
                          text=True, timeout=120)
    assert "Fatal Python error" not in done.stderr
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == f"emits {2 * EMITS}"


def test_the_installed_pyside6_is_below_the_crashing_6_12():
    version = tuple(int(part) for part in PySide6.__version__.split(".")[:2])
    assert version >= (6, 11), PySide6.__version__
    assert version < (6, 12), (
        f"PySide6 {PySide6.__version__}: 6.12.0 crashes on Python 3.11 (bool_dealloc);"
        " the pin is PySide6-Essentials>=6.11,<6.12")
