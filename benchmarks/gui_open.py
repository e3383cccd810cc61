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

Memory: RSS (``/proc/self/statm``) after the open and after every tab was shown, and
the process's peak (``getrusage``); the plan is generated and saved in a child process,
so the figures are the GUI's: ``--scale 10 --rounds 1`` measures the 10x plan (target:
peak <= 2 GB).

Reference, timed in the same run and interleaved with the opens (reference, open,
reference, open, ...): fetching every row of the same file with ``sqlite3`` (the floor
of reading it). Figures are medians over the rounds. Target: open <= 2 s (also printed
as a ratio to the reference, which is what a busy machine leaves comparable).

:func:`rows` returns the table rows for ``benchmarks/end_to_end.py``.
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import statistics
import subprocess
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

from planner.gui.busy import BusyDialog
from planner.gui.fonts import register_fonts
from planner.gui.main_window import MainWindow
from planner.model import Plan
from planner.resources import example_plan
from planner.storage import load_plan

WINDOW = (1366, 768)
TARGET_S = 2.0
TARGET_PEAK_MB = 2048.0  # the 10x plan open in the GUI


@dataclass
class Row:
    """One line of the table: a median over the rounds, its reference and target
    (memory rows: MB in ``seconds`` and ``target_seconds``, ``unit`` "MB")."""

    what: str
    seconds: float
    reference: str = ""
    reference_seconds: float | None = None
    target_seconds: float | None = None
    unit: str = "s"  # "MB" for the memory rows (then seconds and target are MB)

    @property
    def ratio(self) -> float | None:
        if not self.reference_seconds:
            return None
        return self.seconds / self.reference_seconds

    @property
    def ok(self) -> bool | None:
        return None if self.target_seconds is None else self.seconds <= self.target_seconds


@dataclass(frozen=True)
class Shows:
    """What the views must show of a plan (its counts), without keeping the plan: at 10x
    a second copy would be a third of the memory measured."""

    services: int
    racks: int

    @classmethod
    def of(cls, plan: Plan) -> Shows:
        return cls(len({s.id for s in plan.services}), len({r.id for r in plan.racks}))


def stale_views(window: MainWindow, plan: Shows) -> list[str]:
    """The views on screen that do not show ``plan`` yet (empty: all shown are current).
    A hidden tab counts once it is shown."""
    stale = []
    services_group = window.tree._groups.get("service")
    if services_group is None or services_group.childCount() != plan.services:
        stale.append("plan tree")
    floor = window.floor
    if floor.isVisible():
        if len(floor.scene.rack_items) != plan.racks:
            stale.append("floor")
        if floor.overview._timer.isActive():
            stale.append("floor overview")
    services = window.services
    if services.isVisible() and services.model.rowCount() != plan.services:
        stale.append("services table")
    dependencies = window.dependencies
    if dependencies.isVisible() and len(dependencies.scene.nodes) != plan.services:
        stale.append("dependencies")
    return stale


def settle(app: QApplication, window: MainWindow, plan: Shows) -> None:
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


def peak_rss_mb() -> float:
    """The peak resident memory of this process so far, in MB (Linux: kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """The resident memory of this process now, in MB (``/proc/self/statm``)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def write_scale_plan(path: Path, scale: int) -> Shows:
    """Generate the scale plan ``scale`` times 1x and save it, in a child process, so
    that making it counts in no memory figure of this one."""
    code = (
        "import sys; from benchmarks.scale_plan import scale_plan; "
        "from planner.storage import save_plan; k = int(sys.argv[2]); "
        "p = scale_plan(racks=1000 * k, services=3000 * k, dependencies=8000 * k); "
        "save_plan(p, sys.argv[1]); "
        "print(len({s.id for s in p.services}), len({r.id for r in p.racks}))"
    )
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", code, str(path), str(scale)],
        check=True,
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    services, racks = (int(n) for n in done.stdout.split())
    return Shows(services, racks)


class Bench:
    """A window on the example plan, and the scale plan saved beside it."""

    def __init__(self, app: QApplication, scale: int, folder: Path) -> None:
        self.app = app
        self.folder = folder
        self.big_path = folder / "scale.drplan"
        self.big = write_scale_plan(self.big_path, scale)
        self.small_path = example_plan()
        self.small = Shows.of(load_plan(self.small_path)[0])
        settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
        self.window = MainWindow(settings=settings, autosave_dir=folder / "autosave")
        self.window.ask_unsaved = (  # type: ignore[method-assign]
            lambda: QMessageBox.StandardButton.Discard
        )
        self.window.resize(*WINDOW)
        self.window.show()
        self.dialog_seen = False
        settle(app, self.window, Shows(0, 0))

    def _watch_dialog(self) -> None:
        if any(d.isVisible() for d in self.window.findChildren(BusyDialog)):
            self.dialog_seen = True

    def open(self, path: Path, plan: Shows) -> float:
        """File > Open of ``path`` from the Floor tab until every view shown is current."""
        window = self.window
        window.tabs.setCurrentIndex(0)
        settle(self.app, window, Shows.of(window.document.plan))
        self.dialog_seen = False
        window.document.changed.connect(self._watch_dialog)
        try:
            return _timed(lambda: (window.open_path(path), settle(self.app, window, plan)))
        finally:
            window.document.changed.disconnect(self._watch_dialog)

    def first_looks(self, plan: Shows) -> dict[str, float]:
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


def rows(rounds: int = 3, scale: int = 1) -> list[Row]:
    """The table's rows (medians of ``rounds`` interleaved rounds) for the scale plan
    ``scale`` times 1x, then the process's memory. Makes a QApplication (offscreen
    unless QT_QPA_PLATFORM is set)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    register_fonts(app)
    folder = Path(tempfile.mkdtemp(prefix="gui-open-"))
    bench = Bench(app, scale, folder)
    reference: list[float] = []
    opened: list[float] = []
    example: list[float] = []
    looks: dict[str, list[float]] = {}
    memory: list[tuple[str, float]] = [("window on the example plan", rss_mb())]
    dialog = 0
    try:
        for round_number in range(rounds):
            reference.append(_timed(lambda: fetch_rows(bench.big_path)))
            opened.append(bench.open(bench.big_path, bench.big))
            if round_number == 0:
                memory.append(("scale plan open (views shown current)", rss_mb()))
            dialog += bench.dialog_seen
            for tab, seconds in bench.first_looks(bench.big).items():
                looks.setdefault(tab, []).append(seconds)
            if round_number == 0:
                memory.append(("every tab shown once", rss_mb()))
            example.append(bench.open(bench.small_path, bench.small))
    finally:
        bench.close()
    ref = statistics.median(reference)
    name = "sqlite3 fetch of its rows"
    size = f"{scale}x, {bench.big.racks * 32:,} servers, {bench.big.services:,} services"
    table = [
        Row(f"reference: {name}", ref),
        Row(
            f"GUI File > Open ({size}) until every view shown is current"
            f"{' (progress dialog shown)' if dialog else ''}",
            statistics.median(opened),
            name,
            ref,
            TARGET_S if scale == 1 else None,
        ),
    ]
    for tab, seconds in looks.items():
        table.append(Row(f"  then first look at {tab}", statistics.median(seconds), name, ref))
    table.append(Row("example plan: File > Open, same way", statistics.median(example)))
    for what, mb in memory:
        table.append(Row(f"RSS, {what} (MB)", mb, unit="MB"))
    table.append(
        Row(
            f"peak RSS of the process, {scale}x plan open in the GUI (MB)",
            peak_rss_mb(),
            target_seconds=TARGET_PEAK_MB if scale == 10 else None,
            unit="MB",
        )
    )
    return table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scale", type=int, default=1, help="1 = 32,000 servers")
    args = parser.parse_args()
    table = rows(args.rounds, args.scale)
    print(f"window {WINDOW[0]}x{WINDOW[1]}, platform {QApplication.platformName()}")
    print(f"medians of {args.rounds} interleaved rounds; times in ms")
    print()
    head = f"{'measure':80} {'ms / MB':>8} {'x ref':>7} {'target':>8}"
    print(head)
    print("-" * len(head))
    for row in table:
        ratio = f"{row.ratio:7.1f}" if row.ratio is not None else " " * 7
        factor = 1000 if row.unit == "s" else 1
        target = (
            f"{row.target_seconds * factor:6.0f} {'ok' if row.ok else 'SLOW'}"
            if row.target_seconds is not None
            else ""
        )
        print(f"{row.what:80} {row.seconds * factor:8.0f} {ratio} {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
