"""Opening the 32,000-server scale plan in the window, as File > Open does it.

Run ``.venv/bin/python benchmarks/gui_open.py`` (offscreen unless QT_QPA_PLATFORM is set;
under Xvfb: ``QT_QPA_PLATFORM=xcb DISPLAY=:N``). The window (1366x768) first shows the
bundled example, as a user's previous plan; then ``MainWindow.open_path`` opens the scale
plan (saved as a ``.drplan`` beforehand, not timed) and the clock runs until every view
is current and painted: the plan tree, the floor and its overview, the services table,
the dependency graph, properties, each tab painted once. The same path on the bundled
example, and reading the scale file alone (``load_plan``, no GUI), are the references
from the same run, so a busy machine slows every row alike. Target: <= 5 s in all.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from benchmarks.scale_plan import scale_plan
from planner.gui.fonts import register_fonts
from planner.gui.main_window import MainWindow
from planner.model import Plan
from planner.resources import example_plan
from planner.storage import load_plan, save_plan

WINDOW = (1366, 768)
TARGET_S = 5.0

Row = tuple[str, float, float]  # what, wall s, GUI-thread cpu s


def _timed(what: str, step: Callable[[], object]) -> Row:
    wall, cpu = time.perf_counter(), time.thread_time()
    step()
    return what, time.perf_counter() - wall, time.thread_time() - cpu


def views_show(window: MainWindow, plan: Plan) -> list[str]:
    """The views that do not show ``plan`` yet (empty: every view is current)."""
    stale = []
    tree = window.tree
    services_group = tree._groups.get("service")
    if services_group is None or services_group.childCount() != len(plan.services):
        stale.append("plan tree")
    floor = window.floor
    if {key for key in floor.scene.rack_items} != {r.id for r in plan.racks}:
        stale.append("floor")
    if floor.overview._timer.isActive():
        stale.append("floor overview")
    if window.services.model.rowCount() != len(plan.services):
        stale.append("services table")
    if len(window.dependencies.scene.nodes) != len({s.id for s in plan.services}):
        stale.append("dependencies")
    return stale


def settle(app: QApplication, window: MainWindow, plan: Plan) -> None:
    """Run the event loop until every view shows ``plan`` and nothing is pending (the
    recovery controller's first answer, the overview's redraw), painting the window."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if views_show(window, plan) or window.recovery.busy:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            continue
        QCoreApplication.sendPostedEvents()
        window.repaint()
        app.processEvents()
        if not views_show(window, plan) and not window.recovery.busy:
            return
    raise SystemExit(f"still not current after 120 s: {'; '.join(views_show(window, plan))}")


def open_plan(app: QApplication, window: MainWindow, path: Path, plan: Plan) -> list[Row]:
    """File > Open on ``path``: the call, then until every view is current; rows."""
    started, cpu = time.perf_counter(), time.thread_time()
    rows = [_timed("  open_path (read + views rebuilt)", lambda: window.open_path(path))]
    rows.append(_timed("  until every view current + paint", lambda: settle(app, window, plan)))
    rows.insert(
        0, ("open -> every view current", time.perf_counter() - started, time.thread_time() - cpu)
    )
    return rows


def tabs(app: QApplication, window: MainWindow) -> list[Row]:
    """Each other tab shown and painted once (a user looking around the new plan)."""
    rows = []
    for index in range(1, window.tabs.count()):

        def show(index: int = index) -> None:
            window.tabs.setCurrentIndex(index)
            app.processEvents()
            window.repaint()
            app.processEvents()

        rows.append(_timed(f"  first look at {window.tabs.tabText(index)}", show))
    window.tabs.setCurrentIndex(0)
    app.processEvents()
    return rows


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    register_fonts(app)
    folder = Path(tempfile.mkdtemp(prefix="gui-open-"))
    big_path = folder / "scale.drplan"
    save_plan(scale_plan(), big_path)
    big = load_plan(big_path)[0]
    small_path = example_plan()
    small = load_plan(small_path)[0]

    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, autosave_dir=folder / "autosave")
    window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
    window.resize(*WINDOW)
    window.show()
    settle(app, window, Plan())

    rows: list[Row] = [_timed("read the scale file alone", lambda: load_plan(big_path))]
    rows += [("example (reference):", 0.0, 0.0)]
    rows += open_plan(app, window, small_path, small)
    rows += [("scale plan, from the example:", 0.0, 0.0)]
    big_rows = open_plan(app, window, big_path, big)
    rows += big_rows + tabs(app, window)
    rows += [("example again, from the scale plan:", 0.0, 0.0)]
    rows += open_plan(app, window, small_path, small)

    print(
        f"plan: {len(big.servers)} servers, {len(big.racks)} racks, {len(big.services)} "
        f"services, {sum(len(s.depends_on) for s in big.services)} dependencies"
    )
    print(f"window {WINDOW[0]}x{WINDOW[1]}, platform {QApplication.platformName()}; times in ms")
    print()
    head = f"{'measure':40} {'wall':>8} {'cpu':>8}"
    print(head)
    print("-" * len(head))
    for what, wall, cpu in rows:
        if not wall and not cpu:
            print(what)
            continue
        print(f"{what:40} {wall * 1000:8.0f} {cpu * 1000:8.0f}")
    total = big_rows[0][1]
    verdict = "ok" if total <= TARGET_S else "SLOW"
    print(
        f"\nscale plan, open -> every view current: {total:.1f} s (target {TARGET_S:.0f} s: "
        f"{verdict})"
    )
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
