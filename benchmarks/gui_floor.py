"""Floor view timings on the 32,000-server scale plan: open, and zoom/pan repaints.

Run ``.venv/bin/python benchmarks/gui_floor.py`` (offscreen unless QT_QPA_PLATFORM is
set). Prints a table; the targets are <= 3 s to open and show the floor, and <= 16 ms
per zoom or pan step at both zoom extremes (fit-all and the closest zoom). A step is
one zoom or pan step followed by a synchronous repaint of the whole viewport and of
the overview (the worst case: a real pan scrolls the old pixels and repaints only the
uncovered strip). Wall time and the GUI thread's CPU time are both shown: on a busy
machine the wall time includes waiting for a CPU, the CPU time does not.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from PySide6.QtWidgets import QApplication

from benchmarks.scale_plan import scale_plan
from planner.gui.document import PlanDocument
from planner.gui.fonts import register_fonts
from planner.gui.recovery_controller import RecoveryController
from planner.gui.views.floor import MAX_SCALE, FloorView

WINDOW = (1400, 900)
STEPS = 40
TARGET_OPEN_S = 3.0
TARGET_STEP_MS = 16.0

Times = tuple[list[float], list[float]]  # (wall, cpu) seconds per step


def _steps(app: QApplication, view: FloorView, step: Callable[[int], None]) -> Times:
    """Time ``STEPS`` calls of ``step``, each followed by a full synchronous repaint."""
    walls, cpus = [], []
    for i in range(STEPS):
        wall, cpu = time.perf_counter(), time.thread_time()
        step(i)
        view.canvas.viewport().repaint()
        view.overview.viewport().repaint()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.thread_time() - cpu)
        app.processEvents()  # deliver what the step posted, outside the timing
    return walls, cpus


def _pan(view: FloorView) -> Callable[[int], None]:
    bar = view.canvas.horizontalScrollBar()

    def step(i: int) -> None:
        bar.setValue(bar.value() + (40 if i % 2 else -40))

    return step


def _zoom(view: FloorView, around: float, factor: float) -> Callable[[int], None]:
    def step(i: int) -> None:
        view.canvas.set_zoom(around * factor if i % 2 else around)

    return step


def _p90(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.9) - 1)]


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    register_fonts(app)
    started = time.perf_counter()
    plan = scale_plan()
    generated = time.perf_counter() - started

    started, cpu = time.perf_counter(), time.thread_time()
    document = PlanDocument(plan)
    recovery = RecoveryController(document)
    view = FloorView(document, recovery)
    view.resize(*WINDOW)
    view.show()
    view.canvas.viewport().repaint()
    view.overview.render_floor()
    app.processEvents()
    opened, opened_cpu = time.perf_counter() - started, time.thread_time() - cpu

    canvas = view.canvas
    rows: list[tuple[str, Times]] = []
    canvas.fit_all()
    fit = canvas.zoom
    rows.append(("fit-all: zoom step", _steps(app, view, _zoom(view, fit, 1.05))))
    canvas.fit_all()
    rows.append(("fit-all: pan step", _steps(app, view, _pan(view))))
    first = next(iter(view.scene.rack_items.values())).sceneBoundingRect().center()
    canvas.set_zoom(MAX_SCALE)
    canvas.centerOn(first)
    rows.append(("closest: zoom step", _steps(app, view, _zoom(view, MAX_SCALE, 1 / 1.05))))
    canvas.set_zoom(MAX_SCALE)
    rows.append(("closest: pan step", _steps(app, view, _pan(view))))
    # In between, where the most is drawn: slices of many racks, then names.
    for zoom, what in ((0.32, "slices"), (1.4, "server names")):
        canvas.set_zoom(zoom)
        canvas.centerOn(first)
        rows.append((f"{zoom}x ({what}): pan step", _steps(app, view, _pan(view))))

    print(f"plan: {len(plan.servers)} servers, {len(plan.racks)} racks, {len(plan.sites)} sites")
    print(f"window {WINDOW[0]}x{WINDOW[1]}; fit-all zoom {fit:.3f}, closest zoom {MAX_SCALE}")
    print(f"{STEPS} steps per row; times in ms; target {TARGET_STEP_MS:.0f} ms per step")
    print()
    head = f"{'measure':32} {'wall med':>9} {'wall p90':>9} {'cpu med':>9} {'cpu p90':>9}"
    print(head)
    print("-" * len(head))
    print(f"{'generate plan (not part of open)':32} {generated * 1000:9.0f}")
    verdict = "ok" if opened <= TARGET_OPEN_S else "SLOW"
    print(
        f"{'open + show + first paint':32} {opened * 1000:9.0f} {'':9} {opened_cpu * 1000:9.0f}"
        f"   (target {TARGET_OPEN_S * 1000:.0f}: {verdict})"
    )
    for name, (walls, cpus) in rows:
        verdict = "ok" if statistics.median(walls) * 1000 <= TARGET_STEP_MS else "SLOW"
        print(
            f"{name:32} {statistics.median(walls) * 1000:9.1f} {_p90(walls) * 1000:9.1f} "
            f"{statistics.median(cpus) * 1000:9.1f} {_p90(cpus) * 1000:9.1f}   {verdict}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
