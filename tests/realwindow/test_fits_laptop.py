"""The window fits a 1366x768 laptop screen on every tab, with nothing clipped.

It once forced a minimum width of 1,574 px (the Recovery tab's headline cards, bar and
legend on single rows) and grew past the screen when a service was selected. Here the
real program's font (NanumGothic, Korean names) on the real xcb platform: the window at
the screen's size, every tab, a scenario and a service chosen; its minimum size and its
frame stay within the screen, and the screenshots are kept for a person to look at
(``DRPLANNER_SHOTS=dir`` copies them there).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from planner.gui.fonts import register_fonts
from planner.gui.main_window import MainWindow
from planner.gui.views.recovery import ADHOC_TEXT
from tests.realwindow import xdo
from tests.realwindow.display import SCREEN

PANGYO = Path(__file__).resolve().parents[2] / "resources" / "examples" / "pangyo.drplan"


@pytest.fixture
def program_font(qapp: QApplication) -> Iterator[None]:
    """The font the program sets (app.run): sizes depend on it."""
    before = QFont(qapp.font())
    register_fonts(qapp)
    yield
    qapp.setFont(before)


def shoot(window: MainWindow, path: Path) -> Path:
    """Paint the window now (not at the next idle moment), then photograph the screen."""
    QApplication.processEvents()
    window.repaint()
    QApplication.processEvents()
    return xdo.screenshot(path)


def fits(window: MainWindow) -> list[str]:
    width, height = SCREEN
    problems = []
    hint = window.minimumSizeHint()
    if hint.width() > width or hint.height() > height:
        problems.append(f"minimum size {hint.width()}x{hint.height()}")
    frame = window.frameGeometry()
    if frame.width() > width or frame.height() > height or frame.x() < 0 or frame.y() < 0:
        problems.append(f"frame {frame.x()},{frame.y()} {frame.width()}x{frame.height()}")
    return problems


def clipped_labels(root: object) -> list[str]:
    """Visible word-wrapping labels shorter than their text needs at their width."""
    return [
        f"{label.text()!r}: {label.height()} < {label.heightForWidth(label.width())}"
        for label in root.findChildren(QLabel)  # type: ignore[attr-defined]
        if label.isVisible()
        and label.wordWrap()
        and label.heightForWidth(label.width()) > label.height()
    ]


def test_the_window_fits_1366x768_on_every_tab(qtbot, tmp_path: Path, program_font: None) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, autosave_dir=tmp_path / "autosave")
    window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.open_path(PANGYO, offer_recovery=False)
    width, height = SCREEN
    # The first size already fits the screen (it was 1400x900).
    assert window.width() <= width and window.height() <= height
    window.resize(width, height)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == SCREEN, timeout=10_000)

    recovery = window.recovery
    shots = []
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        name = window.tabs.tabText(index).lower()
        if window.tabs.currentWidget() is window.recovery_view:
            window.recovery_view.select_scenario("pangyo-fire")
            qtbot.waitUntil(lambda: recovery.is_current and recovery.result is not None)
            qtbot.waitUntil(lambda: window.recovery_view.recovery_label.text() == "126:00")
        QApplication.processEvents()
        assert not fits(window), f"{name} tab: {fits(window)}"
        assert (window.width(), window.height()) == SCREEN, f"{name} tab grew the window"
        shots.append(shoot(window, tmp_path / f"fits-{index}-{name}.png"))

    # The scenario editor beside Properties: failed feeds, return times, automatic failovers.
    window.side_tabs.setCurrentWidget(window.scenario_editor)
    QApplication.processEvents()
    assert not fits(window), f"scenario editor: {fits(window)}"
    assert not clipped_labels(window.scenario_editor)
    shots.append(shoot(window, tmp_path / "fits-scenario-editor.png"))
    window.side_tabs.setCurrentIndex(0)

    # A service selected (the properties and the server lists fill up) on the Recovery tab.
    window.document.select([("service", "ops-tooling")])
    QApplication.processEvents()
    assert not fits(window), f"service selected: {fits(window)}"
    assert (window.width(), window.height()) == SCREEN, "selecting a service grew the window"
    assert not clipped_labels(window.recovery_view)
    shots.append(shoot(window, tmp_path / "fits-service-selected.png"))

    # The scenario picker shows its entries whole (the ad-hoc one was "Ad hoc (click items").
    window.recovery_view.select_scenario(None)
    combo = window.recovery_view.scenario_combo
    assert combo.currentText() == ADHOC_TEXT
    assert combo.width() > combo.fontMetrics().horizontalAdvance(ADHOC_TEXT) + 30
    shots.append(shoot(window, tmp_path / "fits-adhoc.png"))

    keep = os.environ.get("DRPLANNER_SHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for shot in shots:
            shutil.copy(shot, Path(keep) / shot.name)
