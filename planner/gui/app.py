"""Starting the desktop program: display check, fonts, the window, the first plan.

Environment: ``DRPLANNER_AUTOSAVE_MS`` sets how often the recovery copy is written (in
milliseconds, default 60000; tests use a short interval); ``DRPLANNER_QUIT_AFTER_MS``
closes the window after that long (packaging checks).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.gui.main_window import MainWindow

NO_DISPLAY = (
    "drplanner: no display found (DISPLAY/WAYLAND_DISPLAY unset), so the window cannot "
    "open; headless commands work: 'drplanner validate|compute|convert PLAN' "
    "(see 'drplanner --help'), or set QT_QPA_PLATFORM=offscreen"
)


def has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM"):
        return True  # the user chose a platform (offscreen, xcb, wayland, ...)
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def first_plan(settings: object, argument: str | None) -> Path | None:
    """The plan to open: the argument, else the last plan, else the bundled example."""
    from planner.resources import example_plan

    if argument:
        return Path(argument)
    last = settings.value("last")
    if last and Path(str(last)).exists():
        return Path(str(last))
    example = example_plan()
    return example if example.exists() else None


def open_first_plan(window: MainWindow, path: Path | None) -> None:
    """Offer an untitled plan left by a crash first (a new untitled plan would overwrite
    its copy), then open ``path`` unless that plan was restored; ``path`` gets its own
    offer when it opens."""
    if window._offer_recovery(None):
        if path is not None:
            window.show_message(f"Restored the unsaved untitled plan; {path} was not opened")
        return
    if path is None:
        return
    if not path.exists():
        window.show_error(f"{path}: no such file")
    else:
        window.open_path(path)


def run(argument: str | None = None) -> int:
    """Open the window (on ``argument``, the last plan or the example); the exit code."""
    if not has_display():
        print(NO_DISPLAY, file=sys.stderr)
        return 2
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from planner.gui.autosave import interval_from_environment
    from planner.gui.fonts import register_fonts
    from planner.gui.main_window import MainWindow, icon

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("DR Planner")
    app.setOrganizationName("DR Planner")
    app.setWindowIcon(icon("drplanner"))
    register_fonts(app)
    settings = QSettings("DR Planner", "DR Planner")
    window = MainWindow(settings=settings)
    interval, warning = interval_from_environment()
    if warning:
        print(f"drplanner: {warning}", file=sys.stderr)
    window.autosaver.timer.setInterval(interval)
    window.show()
    open_first_plan(window, first_plan(settings, argument))
    if os.environ.get("DRPLANNER_QUIT_AFTER_MS"):  # for packaging checks: open, then close
        from PySide6.QtCore import QTimer

        QTimer.singleShot(int(os.environ["DRPLANNER_QUIT_AFTER_MS"]), window.close)
    return app.exec()
