"""The main window as every real-window test starts it, and where to point at it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from planner.gui.document import PlanDocument
from planner.gui.main_window import MainWindow


def shown_window(qtbot, tmp_path: Path, document: PlanDocument | None = None) -> MainWindow:  # type: ignore[no-untyped-def]
    """A window on its own settings and autosave folder, 1366x740 at the top left of the
    screen, shown and active, so real input goes to it. Closing it at the end of a test
    drops the edits without asking."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    if document is None:
        window = MainWindow(settings=settings, autosave_dir=tmp_path / "autosave")
    else:
        window = MainWindow(document, settings, tmp_path / "autosave")
    qtbot.addWidget(window)
    window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
    window.resize(1366, 740)
    window.move(0, 0)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=10_000)
    return window


def settled(widget: QWidget) -> None:
    """Laid out and painted where it will stay before the pointer goes there."""
    QApplication.processEvents()
    widget.repaint()
    QApplication.processEvents()


def centre(widget: QWidget) -> tuple[int, int]:
    """The screen pixel at the middle of a widget."""
    point = widget.mapToGlobal(widget.rect().center())
    return point.x(), point.y()
