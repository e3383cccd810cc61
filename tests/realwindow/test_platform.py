"""The suite really runs on xcb and real key events reach the window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QGuiApplication

from planner.gui.main_window import MainWindow
from tests.realwindow import xdo


def test_the_suite_runs_on_the_xcb_platform(qapp: object) -> None:
    assert QGuiApplication.platformName() == "xcb"


def test_a_real_key_chord_reaches_the_window(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QMessageBox

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, autosave_dir=tmp_path / "autosave")
    # qtbot closes the window after the test: drop the edit instead of asking.
    window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=10_000)
    centre = window.mapToGlobal(window.rect().center())
    xdo.move(centre.x(), centre.y())
    xdo.key("ctrl+shift+1")  # Add site
    qtbot.waitUntil(lambda: len(window.document.plan.sites) == 1, timeout=10_000)
    assert window.document.modified
