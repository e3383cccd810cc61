"""Floor view timings on the 32,000-server scale plan: open, and zoom/pan repaints.

Run ``.venv/bin/python benchmarks/gui_floor.py`` (offscreen unless QT_QPA_PLATFORM is
set; the issue's figure is on xcb: ``QT_QPA_PLATFORM=xcb DISPLAY=:N``). Prints a table;
the targets are <= 3 s to open and show the floor, and <= 16 ms p90 per zoom or pan
step at both zoom extremes (fit-all and the closest zoom). A step is one zoom or pan
step followed by a synchronous repaint of the whole viewport and of the overview (the
worst case: a real pan scrolls the old pixels and repaints only the uncovered strip).
Wall time and the GUI thread's CPU time are both shown: on a busy machine the wall
time includes waiting for a CPU, the CPU time does not (Qt fills large areas on its
GUI thread pool, so part of a frame's work is not in the GUI thread's CPU time).

Reference, in the same run and interleaved step by step with the fit-all rows: the
same zoom or pan step of an empty ``QGraphicsView`` of the same size (its background
only): the floor of a repaint of that window on this machine and platform.
:func:`rows` gives the fit-all rows for ``benchmarks/end_to_end.py``.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGraphicsScene,
    QGraphicsView,
    QStackedWidget,
    QWidget,
)

from benchmarks.gui_open import Row
from benchmarks.scale_plan import scale_plan
from planner.gui.document import PlanDocument
from planner.gui.fonts import register_fonts
from planner.gui.recovery_controller import RecoveryController
from planner.gui.views.floor import MAX_SCALE, FloorCanvas, FloorView

WINDOW = (1400, 900)
STEPS = 40
TARGET_OPEN_S = 3.0
TARGET_STEP_MS = 16.0

Times = tuple[list[float], list[float]]  # (wall, cpu) seconds per step


def _repaint(view: QGraphicsView, overview: QGraphicsView | None) -> None:
    view.viewport().repaint()
    if overview is not None:
        overview.viewport().repaint()


def _steps(
    app: QApplication,
    views: list[tuple[QGraphicsView, QGraphicsView | None, Callable[[int], None]]],
    steps: int = STEPS,
    stack: QStackedWidget | None = None,
) -> list[Times]:
    """Time ``steps`` calls of each view's step, interleaved (a step of the first view,
    then of the second, ...), each followed by a full synchronous repaint. With
    ``stack``, each view is brought to the front of it before its step (not timed)."""
    times: list[Times] = [([], []) for _ in views]
    for i in range(steps):
        for (view, overview, step), (walls, cpus) in zip(views, times, strict=True):
            if stack is not None:
                stack.setCurrentWidget(_page(stack, view))
                app.processEvents()
            wall, cpu = time.perf_counter(), time.thread_time()
            step(i)
            _repaint(view, overview)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.thread_time() - cpu)
            app.processEvents()  # deliver what the step posted, outside the timing
    if stack is not None:
        stack.setCurrentIndex(0)
        app.processEvents()
    return times


def _page(stack: QStackedWidget, view: QWidget) -> QWidget:
    """The page of ``stack`` that holds ``view``."""
    while view.parentWidget() is not stack:
        parent = view.parentWidget()
        assert parent is not None
        view = parent
    return view


def _pan(view: QGraphicsView) -> Callable[[int], None]:
    bar = view.horizontalScrollBar()

    def step(i: int) -> None:
        bar.setValue(bar.value() + (40 if i % 2 else -40))

    return step


def _zoom(view: FloorCanvas, around: float, factor: float) -> Callable[[int], None]:
    def step(i: int) -> None:
        view.set_zoom(around * factor if i % 2 else around)

    return step


def _scale(view: QGraphicsView, factor: float) -> Callable[[int], None]:
    """The reference's zoom step: the same factor, back and forth."""

    def step(i: int) -> None:
        f = factor if i % 2 else 1 / factor
        view.scale(f, f)

    return step


def _p90(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.9) - 1)]


def _reference() -> QGraphicsView:
    """An empty graphics view with the floor's background colour."""
    scene = QGraphicsScene()
    scene.setSceneRect(0, 0, 100_000, 100_000)
    view = QGraphicsView(scene)
    view.setBackgroundBrush(QColor("#fbfcfd"))
    view.setFrameShape(QFrame.Shape.NoFrame)
    return view


@dataclass
class Steps:
    """The step times of one row of the table, and the reference's (interleaved)."""

    what: str
    times: Times
    reference: Times | None = None  # the empty view's, interleaved

    def ms(self, which: int, p90: bool) -> float:
        values = self.times[which]
        return (_p90(values) if p90 else statistics.median(values)) * 1000


def measure(app: QApplication) -> tuple[dict[str, float], list[Steps]]:
    """Open the floor of the scale plan and time its steps; (facts, rows)."""
    started = time.perf_counter()
    plan = scale_plan()
    generated = time.perf_counter() - started

    started, cpu = time.perf_counter(), time.thread_time()
    document = PlanDocument(plan)
    recovery = RecoveryController(document)
    view = FloorView(document, recovery)
    # The reference shares the floor's window (a page behind it), so both are painted
    # and flushed the same way, uncovered; a covered window may skip its flush.
    stack = QStackedWidget()
    stack.addWidget(view)
    reference = _reference()
    stack.addWidget(reference)
    stack.resize(*WINDOW)
    stack.show()
    view.canvas.viewport().repaint()
    view.overview.render_floor()
    app.processEvents()
    opened, opened_cpu = time.perf_counter() - started, time.thread_time() - cpu

    canvas, overview = view.canvas, view.overview
    stack.setCurrentWidget(reference)  # laid out once, so that it can scroll
    app.processEvents()
    reference.centerOn(50_000, 50_000)
    stack.setCurrentWidget(view)
    app.processEvents()
    rows: list[Steps] = []
    canvas.fit_all()
    fit = canvas.zoom
    zoom, ref = _steps(
        app,
        [
            (canvas, overview, _zoom(canvas, fit, 1.05)),
            (reference, None, _scale(reference, 1.05)),
        ],
        stack=stack,
    )
    rows.append(Steps("fit-all: zoom step", zoom, ref))
    canvas.fit_all()
    pan, ref = _steps(
        app,
        [(canvas, overview, _pan(canvas)), (reference, None, _pan(reference))],
        stack=stack,
    )
    rows.append(Steps("fit-all: pan step", pan, ref))
    first = next(iter(view.scene.rack_items.values())).sceneBoundingRect().center()
    canvas.set_zoom(MAX_SCALE)
    canvas.centerOn(first)
    (times,) = _steps(app, [(canvas, overview, _zoom(canvas, MAX_SCALE, 1 / 1.05))])
    rows.append(Steps("closest: zoom step", times))
    canvas.set_zoom(MAX_SCALE)
    (times,) = _steps(app, [(canvas, overview, _pan(canvas))])
    rows.append(Steps("closest: pan step", times))
    # In between, where the most is drawn: slices of many racks, then names.
    for scale, what in ((0.32, "slices"), (1.4, "server names")):
        canvas.set_zoom(scale)
        canvas.centerOn(first)
        (times,) = _steps(app, [(canvas, overview, _pan(canvas))])
        rows.append(Steps(f"{scale}x ({what}): pan step", times))
    facts = {
        "servers": len(plan.servers),
        "racks": len(plan.racks),
        "sites": len(plan.sites),
        "fit": fit,
        "generated": generated,
        "opened": opened,
        "opened_cpu": opened_cpu,
    }
    stack.close()
    return facts, rows


def rows() -> list[Row]:
    """For ``benchmarks/end_to_end.py``: the fit-all zoom and pan steps, p90 of the wall
    time, with the same step of an empty view as the reference (rows as gui_open's)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    register_fonts(app)
    _facts, table = measure(app)
    return [
        Row(
            f"GUI floor, 1x: {steps.what} (p90)",
            _p90(steps.times[0]),
            "the same step of an empty view",
            _p90(steps.reference[0]),
            TARGET_STEP_MS / 1000,
        )
        for steps in table
        if steps.reference is not None
    ]


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    register_fonts(app)
    facts, table = measure(app)
    print(f"plan: {facts['servers']} servers, {facts['racks']} racks, {facts['sites']} sites")
    print(
        f"window {WINDOW[0]}x{WINDOW[1]}, platform {QApplication.platformName()}; "
        f"fit-all zoom {facts['fit']:.3f}, closest zoom {MAX_SCALE}"
    )
    print(f"{STEPS} steps per row; times in ms; target {TARGET_STEP_MS:.0f} ms p90 per step")
    print()
    head = (
        f"{'measure':32} {'wall med':>9} {'wall p90':>9} {'cpu med':>9} {'cpu p90':>9}"
        f" {'ref p90':>8} {'ref cpu':>8}"
    )
    print(head)
    print("-" * len(head))
    print(f"{'generate plan (not part of open)':32} {facts['generated'] * 1000:9.0f}")
    verdict = "ok" if facts["opened"] <= TARGET_OPEN_S else "SLOW"
    print(
        f"{'open + show + first paint':32} {facts['opened'] * 1000:9.0f} {'':9} "
        f"{facts['opened_cpu'] * 1000:9.0f}   (target {TARGET_OPEN_S * 1000:.0f}: {verdict})"
    )
    for row in table:
        verdict = "ok" if row.ms(0, True) <= TARGET_STEP_MS else "SLOW"
        ref = (
            f" {_p90(row.reference[0]) * 1000:8.1f} {_p90(row.reference[1]) * 1000:8.1f}"
            if row.reference is not None
            else " " * 18
        )
        print(
            f"{row.what:32} {row.ms(0, False):9.1f} {row.ms(0, True):9.1f} "
            f"{row.ms(1, False):9.1f} {row.ms(1, True):9.1f}{ref}   {verdict}"
        )
    print("\nref: the same step of an empty QGraphicsView in the same window, interleaved")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
