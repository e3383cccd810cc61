"""File > Open of the 32,000-server scale plan in the window, until every view shown is
current; then the first look at each other tab.

Run ``.venv/bin/python benchmarks/gui_open.py [--rounds N] [--scale K]`` (offscreen
unless QT_QPA_PLATFORM is set; under Xvfb: ``QT_QPA_PLATFORM=xcb DISPLAY=:N``).

The window (1366x768, the Floor tab in front) first shows the bundled example, as a
user's previous plan; then ``MainWindow.open_path`` opens the scale plan (saved as a
``.drplan`` beforehand, not timed), and the clock runs until every view that is shown
is current and painted: the plan tree, the floor and its overview, properties, and any
tab view that is visible (a hidden tab may build the plan when first shown: that is
timed apart, as "first look at <tab>", one tab after the other).

Reference, timed in the same run and interleaved with the opens (reference, open,
reference, open, ...): fetching every row of the same file with ``sqlite3`` (the floor
of reading it). Figures are medians over the rounds. Target: open <= 2 s (also printed
as a ratio to the reference, which is what a busy machine leaves comparable).

:func:`rows` returns the table rows for ``benchmarks/end_to_end.py``.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from benchmarks.scale_plan import scale_plan
from planner.gui.busy import BusyDialog
from planner.gui.fonts import register_fonts
from planner.gui.main_window import MainWindow
from planner.model import Plan
from planner.resources import example_plan
from planner.storage import load_plan, save_plan

WINDOW = (1366, 768)
TARGET_S = 2.0


@dataclass
class Row:
    """One line of the table: a median over the rounds, its reference and target."""

    what: str
    seconds: float
    reference: str = ""
    reference_seconds: float | None = None
    target_seconds: float | None = None

    @property
    def ratio(self) -> float | None:
        if not self.reference_seconds:
            return None
        return self.seconds / self.reference_seconds

    @property
    def ok(self) -> bool | None:
        return None if self.target_seconds is None else self.seconds <= self.target_seconds


def stale_views(window: MainWindow, plan: Plan) -> list[str]:
    """The views on screen that do not show ``plan`` yet (empty: all shown are current).
    A hidden tab counts once it is shown."""
    stale = []
    services_group = window.tree._groups.get("service")
    if services_group is None or services_group.childCount() != len(plan.services):
        stale.append("plan tree")
    floor = window.floor
    if floor.isVisible():
        if set(floor.scene.rack_items) != {r.id for r in plan.racks}:
            stale.append("floor")
        if floor.overview._timer.isActive():
            stale.append("floor overview")
    services = window.services
    if services.isVisible() and services.model.rowCount() != len(plan.services):
        stale.append("services table")
    dependencies = window.dependencies
    if dependencies.isVisible() and len(dependencies.scene.nodes) != len(
        {s.id for s in plan.services}
    ):
        stale.append("dependencies")
    return stale


def settle(app: QApplication, window: MainWindow, plan: Plan) -> None:
    """Run the event loop until every view shown shows ``plan`` and nothing is pending
    (the recovery controller's first answer, the overview's redraw), painting the window."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if stale_views(window, plan) or window.recovery.busy:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            continue
        QCoreApplication.sendPostedEvents()
        window.repaint()
        app.processEvents()
        if not stale_views(window, plan) and not window.recovery.busy:
            return
    raise SystemExit(f"still not current after 300 s: {'; '.join(stale_views(window, plan))}")


def _timed(step: Callable[[], object]) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def fetch_rows(path: Path) -> int:
    """The reference: every row of every table of the file, with plain ``sqlite3``."""
    count = 0
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True) as conn:
        tables = [
            name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        for table in tables:
            count += len(conn.execute(f'SELECT * FROM "{table}"').fetchall())
    conn.close()
    return count


class Bench:
    """A window on the example plan, and the scale plan saved beside it."""

    def __init__(self, app: QApplication, plan: Plan, folder: Path) -> None:
        self.app = app
        self.folder = folder
        self.big_path = folder / "scale.drplan"
        save_plan(plan, self.big_path)
        self.big = load_plan(self.big_path)[0]
        self.small_path = example_plan()
        self.small = load_plan(self.small_path)[0]
        settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
        self.window = MainWindow(settings=settings, autosave_dir=folder / "autosave")
        self.window.ask_unsaved = (  # type: ignore[method-assign]
            lambda: QMessageBox.StandardButton.Discard
        )
        self.window.resize(*WINDOW)
        self.window.show()
        self.dialog_seen = False
        settle(app, self.window, Plan())

    def _watch_dialog(self) -> None:
        if any(d.isVisible() for d in self.window.findChildren(BusyDialog)):
            self.dialog_seen = True

    def open(self, path: Path, plan: Plan) -> float:
        """File > Open of ``path`` from the Floor tab until every view shown is current."""
        window = self.window
        window.tabs.setCurrentIndex(0)
        settle(self.app, window, window.document.plan)
        self.dialog_seen = False
        window.document.changed.connect(self._watch_dialog)
        try:
            return _timed(lambda: (window.open_path(path), settle(self.app, window, plan)))
        finally:
            window.document.changed.disconnect(self._watch_dialog)

    def first_looks(self, plan: Plan) -> dict[str, float]:
        """Each other tab shown (and painted) for the first time since the open."""
        window, times = self.window, {}
        for index in range(1, window.tabs.count()):
            times[window.tabs.tabText(index)] = _timed(
                lambda index=index: (
                    window.tabs.setCurrentIndex(index),
                    settle(self.app, window, plan),
                )
            )
        window.tabs.setCurrentIndex(0)
        settle(self.app, window, plan)
        return times

    def close(self) -> None:
        self.window.close()


def rows(rounds: int = 3, plan: Plan | None = None) -> list[Row]:
    """The table's rows (medians of ``rounds`` interleaved rounds); ``plan`` defaults to
    the 1x scale plan. Makes a QApplication (offscreen unless QT_QPA_PLATFORM is set)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    register_fonts(app)
    folder = Path(tempfile.mkdtemp(prefix="gui-open-"))
    bench = Bench(app, plan if plan is not None else scale_plan(), folder)
    reference: list[float] = []
    opened: list[float] = []
    example: list[float] = []
    looks: dict[str, list[float]] = {}
    dialog = 0
    try:
        for _ in range(rounds):
            reference.append(_timed(lambda: fetch_rows(bench.big_path)))
            opened.append(bench.open(bench.big_path, bench.big))
            dialog += bench.dialog_seen
            for tab, seconds in bench.first_looks(bench.big).items():
                looks.setdefault(tab, []).append(seconds)
            example.append(bench.open(bench.small_path, bench.small))
    finally:
        bench.close()
    ref = statistics.median(reference)
    name = "sqlite3 fetch of its rows"
    big = bench.big
    size = f"{len(big.servers):,} servers, {len(big.services):,} services"
    table = [
        Row(f"reference: {name}", ref),
        Row(
            f"GUI File > Open ({size}) until every view shown is current"
            f"{' (progress dialog shown)' if dialog else ''}",
            statistics.median(opened),
            name,
            ref,
            TARGET_S,
        ),
    ]
    for tab, seconds in looks.items():
        table.append(Row(f"  then first look at {tab}", statistics.median(seconds), name, ref))
    table.append(Row("example plan: File > Open, same way", statistics.median(example)))
    return table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scale", type=int, default=1, help="1 = 32,000 servers")
    args = parser.parse_args()
    k = args.scale
    plan = scale_plan(racks=1000 * k, services=3000 * k, dependencies=8000 * k)
    table = rows(args.rounds, plan)
    print(f"window {WINDOW[0]}x{WINDOW[1]}, platform {QApplication.platformName()}")
    print(f"medians of {args.rounds} interleaved rounds; times in ms")
    print()
    head = f"{'measure':78} {'ms':>8} {'x ref':>7} {'target':>8}"
    print(head)
    print("-" * len(head))
    for row in table:
        ratio = f"{row.ratio:7.1f}" if row.ratio is not None else " " * 7
        target = (
            f"{row.target_seconds * 1000:6.0f} {'ok' if row.ok else 'SLOW'}"
            if row.target_seconds is not None
            else ""
        )
        print(f"{row.what:78} {row.seconds * 1000:8.0f} {ratio} {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
