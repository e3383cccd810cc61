"""The PySide6 and Qt versions, for ``drplanner --version`` (only planner.gui imports Qt)."""

from __future__ import annotations


def qt_version_text() -> str:
    """``PySide6 X.Y.Z, Qt X.Y.Z``; raises ImportError when PySide6 is not installed."""
    from PySide6 import __version__ as pyside
    from PySide6.QtCore import qVersion

    return f"PySide6 {pyside}, Qt {qVersion()}"
