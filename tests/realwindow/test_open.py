"""File > Open in a real window: the progress dialog of a slow read, its Cancel button
clicked with the real pointer, and a hidden tab built when a real click shows it."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QPoint, QTimer

import planner.gui.busy as busy
import planner.gui.main_window as main_window
from planner.model import Plan, Service
from planner.storage import save_plan
from tests.realwindow import xdo
from tests.realwindow.test_canvases import _shot, _window


def _chain(name: str, count: int) -> Plan:
    services = [Service("s0", "S0")]
    services += [Service(f"s{i}", f"S{i}", depends_on=[f"s{i - 1}"]) for i in range(1, count)]
    return Plan(name=name, services=services)


def _centre(widget) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    point: QPoint = widget.mapToGlobal(widget.rect().center())
    return point.x(), point.y()


def test_cancel_in_the_open_dialog_keeps_the_plan_shown(qtbot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    old_path, new_path = tmp_path / "old.drplan", tmp_path / "new.drplan"
    save_plan(_chain("old", 2), old_path)
    save_plan(_chain("new", 5), new_path)
    window = _window(qtbot, tmp_path)
    assert window.open_path(old_path)
    old_plan = window.document.plan

    release = threading.Event()
    real_load = main_window.load_plan

    def slow_load(target: Path) -> object:
        assert release.wait(60), "never released"
        return real_load(target)

    monkeypatch.setattr(busy, "SHOW_AFTER_MS", 100)
    monkeypatch.setattr(main_window, "load_plan", slow_load)
    clicked: list[str] = []

    def click_cancel() -> None:  # on the GUI thread, while the read waits
        shown = [d for d in window.findChildren(busy.BusyDialog) if d.isVisible()]
        button = shown[0].cancel_button if shown else None
        if button is None or not button.isVisible():
            QTimer.singleShot(20, click_cancel)
            return
        _shot(window, tmp_path, "open-progress")
        clicked.append(shown[0].labelText())
        xdo.click(*_centre(button))  # delivered when the event loop runs again

    QTimer.singleShot(0, click_cancel)
    assert not window.open_path(new_path)
    assert clicked == ["Opening new.drplan…"]
    assert window.document.plan is old_plan and window.document.path == old_path
    assert "cancelled" in window.statusBar().currentMessage()
    release.set()
    assert window.reader.wait(30_000)

    monkeypatch.setattr(main_window, "load_plan", real_load)
    assert window.open_path(new_path)
    view = window.dependencies
    assert view.stale and not view.scene.nodes  # the Floor tab is in front
    bar = window.tabs.tabBar()
    tab = bar.tabRect(window.tabs.indexOf(view))
    xdo.click(*_centre_of(bar, tab.center()))
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is view, timeout=10_000)
    assert set(view.scene.nodes) == {f"s{i}" for i in range(5)}
    _shot(window, tmp_path, "open-dependencies-first-shown")


def _centre_of(widget, point: QPoint) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    where: QPoint = widget.mapToGlobal(point)
    return where.x(), where.y()
