"""PySide6 6.12.0 on CPython 3.11 loses a reference to None on every void Qt call and the
process dies with ``none_dealloc``; pyproject.toml pins below 6.12. This proves the
installed PySide6 survives a long session's worth of void calls."""

from __future__ import annotations

import os
import subprocess
import sys

CALLS = 300_000

SCRIPT = f"""
import sys
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
before = sys.getrefcount(None)
for i in range({CALLS}):
    label.setText("x")   # returns None (void in C++)
after = sys.getrefcount(None)
print(after - before)
"""


def test_void_qt_calls_do_not_leak_none() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    # A leaking binding would show a change of about -300,000 (or crash first).
    assert abs(int(done.stdout.strip().splitlines()[-1])) < 1000
