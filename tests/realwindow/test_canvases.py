"""Real drags in each canvas of a real window: xdotool moves the X pointer, Qt on xcb
sees exactly what a person's mouse would make.

The dependency drags run in a child pytest process: the first dependency drawn on a
fresh plan used to kill the program (SIGSEGV), and a crash must fail one test, not end
the suite. The child is this module again, with ``DRPLANNER_CANVAS_CHILD=1``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF
from PySide6.QtWidgets import QApplication

from planner.gui.main_window import MainWindow
from planner.model import Plan, Rack, Server, Site
from tests.realwindow import xdo
from tests.realwindow.windows import shown_window

CHILD = os.environ.get("DRPLANNER_CANVAS_CHILD") == "1"
child_only = pytest.mark.skipif(not CHILD, reason="runs in the child process (see the parent)")
REPO = Path(__file__).resolve().parents[2]


def _window(qtbot, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    return shown_window(qtbot, tmp_path)


def _on_screen(view, scene_point: QPointF) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """The screen pixel showing a scene point of a QGraphicsView."""
    point: QPoint = view.viewport().mapToGlobal(view.mapFromScene(scene_point))
    return point.x(), point.y()


def _shot(window: MainWindow, tmp_path: Path, name: str) -> Path:
    """A screenshot to look at; kept in DRPLANNER_SHOTS when set (else in tmp_path)."""
    QApplication.processEvents()
    window.repaint()  # what the last gesture changed is on the screen, not only queued
    folder = Path(os.environ.get("DRPLANNER_SHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return xdo.screenshot(folder / f"{name}.png")


class _Paints(QObject):
    """Counts the paint events a widget gets."""

    def __init__(self, widget: QObject) -> None:
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def _press_paint_drag(qtbot, widget, start, end, armed: Callable[[], bool]) -> None:  # type: ignore[no-untyped-def]
    """Press at ``start``; once ``armed()`` and the widget has painted again, move in
    steps to ``end`` and release: a person's press is always painted before it moves."""
    paints = _Paints(widget)
    # No --sync here: xdotool waits for the pointer to move, forever if it is there.
    xdo.xdotool("mousemove", *start, "mousedown", 1)
    try:
        qtbot.waitUntil(armed, timeout=10_000)
        painted = paints.count
        widget.update()
        qtbot.waitUntil(lambda: paints.count > painted, timeout=10_000)
        (x0, y0), (x1, y1) = start, end
        moves: list[object] = []
        for step in range(1, 9):
            x, y = x0 + (x1 - x0) * step // 8, y0 + (y1 - y0) * step // 8
            moves += ["mousemove", "--sync", x, y]
        xdo.xdotool(*moves)
    finally:
        xdo.xdotool("mouseup", 1)


# ---------------------------------------------------------------------- dependencies


def _fresh_dependency_plan(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    """New plan, Add > Add service three times, Dependencies tab: as a new user does."""
    window = _window(qtbot, tmp_path)
    window.new_plan()
    for _ in range(3):
        window.actions["add_service"].trigger()
    window.tabs.setCurrentWidget(window.dependencies)
    view = window.dependencies
    qtbot.waitUntil(lambda: view.canvas.viewport().isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: view._fitted, timeout=10_000)
    view.fit()  # what the fit queued on show does, done now, so the nodes stay put
    return window, view


@child_only
def test_child_shift_drag_draws_the_first_dependency(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window, view = _fresh_dependency_plan(qtbot, tmp_path)
    nodes = view.scene.nodes
    first, _, third = sorted(nodes)
    start = _on_screen(view.canvas, nodes[first].sceneBoundingRect().center())
    end = _on_screen(view.canvas, nodes[third].sceneBoundingRect().center())
    xdo.xdotool("keydown", "shift")
    try:
        _press_paint_drag(
            qtbot, view.canvas.viewport(), start, end, lambda: view.canvas._connect_line is not None
        )
    finally:
        xdo.xdotool("keyup", "shift")
    plan = window.document.plan
    qtbot.waitUntil(lambda: plan.service(third).depends_on == [first], timeout=10_000)
    assert (first, third) in view.scene.edges
    assert view.canvas._connect_line is None
    _shot(window, tmp_path, "dependencies-shift-drag")


@child_only
def test_child_handle_drag_draws_a_dependency(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window, view = _fresh_dependency_plan(qtbot, tmp_path)
    nodes = view.scene.nodes
    _, second, third = sorted(nodes)
    source = nodes[second]
    handle = _on_screen(view.canvas, source.mapToScene(source.handle_center()))
    end = _on_screen(view.canvas, nodes[third].sceneBoundingRect().center())
    xdo.move(*handle)
    qtbot.waitUntil(lambda: source.hovered, timeout=10_000)  # the handle shows on hover
    _press_paint_drag(
        qtbot, view.canvas.viewport(), handle, end, lambda: view.canvas._connect_line is not None
    )
    plan = window.document.plan
    qtbot.waitUntil(lambda: plan.service(third).depends_on == [second], timeout=10_000)
    assert window.document.undo_stack.count() == 4  # three adds and the dependency
    _shot(window, tmp_path, "dependencies-handle-drag")


@pytest.mark.skipif(CHILD, reason="the parent of the child tests")
def test_drawing_dependencies_on_a_fresh_plan_keeps_the_program_alive(tmp_path: Path) -> None:
    env = dict(os.environ, DRPLANNER_CANVAS_CHILD="1", PYTHONFAULTHANDLER="1")
    env.setdefault("DRPLANNER_SHOTS", str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "child", __file__],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"the child ended with {done.returncode}:\n{output[-6000:]}"
    assert "2 passed" in output, output[-3000:]


# ---------------------------------------------------------------------- floor and rack


def _small_plan() -> Plan:
    """One site holding one rack with two servers, all placed by hand."""
    return Plan(
        name="small",
        sites=[Site("s1", "Site one", x=0, y=0, width=640, height=460)],
        racks=[Rack("r1", "s1", "Rack one", x=40, y=80)],
        servers=[Server("a", "r1", "Alpha", 1), Server("b", "r1", "Beta", 3, height=2)],
    )


def _open(qtbot, tmp_path: Path, plan: Plan) -> MainWindow:  # type: ignore[no-untyped-def]
    window = _window(qtbot, tmp_path)
    window.document.replace(plan, None)
    return window


def test_a_real_drag_moves_a_rack_on_the_floor(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = _open(qtbot, tmp_path, _small_plan())
    window.tabs.setCurrentWidget(window.floor)
    canvas = window.floor.canvas
    qtbot.waitUntil(canvas.viewport().isVisible, timeout=10_000)
    canvas.set_zoom(1.0)
    canvas.centerOn(320, 230)
    item = window.floor.scene.rack_items["r1"]
    start = _on_screen(canvas, item.sceneBoundingRect().center())
    end = (start[0] + 200, start[1] + 40)  # 200 x 40 floor units at 100%
    xdo.drag(start, end)
    rack = window.document.plan.rack("r1")
    assert rack is not None
    qtbot.waitUntil(lambda: (rack.x, rack.y) != (40, 80), timeout=10_000)
    assert (rack.x, rack.y, rack.site) == (240, 120, "s1")
    assert window.document.undo_stack.count() == 1
    _shot(window, tmp_path, "floor-rack-moved")


def test_a_real_drag_from_the_palette_adds_a_site(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = _open(qtbot, tmp_path, _small_plan())
    window.tabs.setCurrentWidget(window.floor)
    floor = window.floor
    qtbot.waitUntil(floor.canvas.viewport().isVisible, timeout=10_000)
    button = floor.new_site_button
    start = button.mapToGlobal(button.rect().center())
    target = floor.canvas.viewport().mapToGlobal(floor.canvas.viewport().rect().center())
    xdo.drag((start.x(), start.y()), (target.x() + 250, target.y()), steps=20)
    qtbot.waitUntil(lambda: len(window.document.plan.sites) == 2, timeout=10_000)
    assert window.document.undo_stack.count() == 1
    _shot(window, tmp_path, "floor-palette-drop")


def test_a_real_drag_moves_a_server_between_units(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = _open(qtbot, tmp_path, _small_plan())
    window.open_rack("r1")
    canvas = window.rack_view.canvas
    qtbot.waitUntil(canvas.isVisible, timeout=10_000)
    bar = window.rack_view.scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.value() == bar.maximum(), timeout=10_000)  # the bottom
    source = canvas.unit_rect(1).center().toPoint()
    target = canvas.unit_rect(10).center().toPoint()
    assert canvas.visibleRegion().contains(source) and canvas.visibleRegion().contains(target)
    start, end = canvas.mapToGlobal(source), canvas.mapToGlobal(target)
    xdo.drag((start.x(), start.y()), (end.x(), end.y()))
    server = window.document.plan.server("a")
    assert server is not None
    qtbot.waitUntil(lambda: server.position == 10, timeout=10_000)
    assert window.document.undo_stack.count() == 1
    _shot(window, tmp_path, "rack-server-moved")


# ---------------------------------------------------------------------- navigation


def _floor_zoomed_in(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The small plan's floor at 200 %, so there is room to scroll every way."""
    window = _open(qtbot, tmp_path, _small_plan())
    window.tabs.setCurrentWidget(window.floor)
    canvas = window.floor.canvas
    qtbot.waitUntil(canvas.viewport().isVisible, timeout=10_000)
    canvas.set_zoom(2.0)
    canvas.centerOn(160, 200)  # the rack (40, 80 to 100, 400 or so) is in view
    canvas.setFocus()
    qtbot.waitUntil(canvas.hasFocus, timeout=10_000)
    return window, canvas


def test_space_held_a_real_drag_pans_the_floor_and_moves_nothing(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window, canvas = _floor_zoomed_in(qtbot, tmp_path)
    h, v = canvas.horizontalScrollBar(), canvas.verticalScrollBar()
    x, y = h.value(), v.value()
    rack_item = window.floor.scene.rack_items["r1"]
    start = _on_screen(canvas, rack_item.mapToScene(rack_item.rect().center()))
    xdo.drag(start, (start[0] - 150, start[1] - 60), modifiers=["space"])
    qtbot.waitUntil(lambda: (h.value(), v.value()) == (x + 150, y + 60), timeout=10_000)
    qtbot.waitUntil(lambda: not canvas.space_panning, timeout=10_000)
    rack = window.document.plan.rack("r1")
    assert rack is not None and (rack.x, rack.y) == (40, 80)
    assert window.document.selection == [] and window.document.undo_stack.count() == 0
    assert canvas.isInteractive()
    _shot(window, tmp_path, "floor-space-pan")


def test_a_real_wheel_zooms_the_floor_about_the_pointer(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window, canvas = _floor_zoomed_in(qtbot, tmp_path)
    point = QPointF(200, 240)
    spot = _on_screen(canvas, point)
    xdo.click(*spot, button=5)  # one notch toward the user: zoom out
    qtbot.waitUntil(lambda: abs(canvas.zoom - 2.0 / 1.2) < 1e-6, timeout=10_000)
    under = canvas.mapToScene(canvas.viewport().mapFromGlobal(QPoint(*spot)))
    assert abs(under.x() - point.x()) < 2 and abs(under.y() - point.y()) < 2
    for _ in range(12):
        xdo.click(*spot, button=4)
    qtbot.waitUntil(lambda: canvas.zoom == canvas.MAX_ZOOM, timeout=10_000)
    assert window.document.undo_stack.count() == 0


def test_a_real_middle_drag_pans_the_dependencies(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, tmp_path)
    window.tabs.setCurrentWidget(window.dependencies)
    view = window.dependencies
    qtbot.waitUntil(lambda: view._fitted, timeout=10_000)
    view.set_zoom(2.0, view.nodes_rect().center())
    canvas = view.canvas
    h, v = canvas.horizontalScrollBar(), canvas.verticalScrollBar()
    x, y = h.value(), v.value()
    before = {sid: node.pos() for sid, node in view.scene.nodes.items()}
    centre = canvas.viewport().mapToGlobal(canvas.viewport().rect().center())
    start = (centre.x(), centre.y())
    xdo.drag(start, (start[0] + 120, start[1] + 50), button=2)
    qtbot.waitUntil(lambda: (h.value(), v.value()) == (x - 120, y - 50), timeout=10_000)
    assert {sid: node.pos() for sid, node in view.scene.nodes.items()} == before
    assert window.document.undo_stack.count() == 0
    _shot(window, tmp_path, "dependencies-middle-pan")
