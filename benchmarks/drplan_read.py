"""Reading a ``.drplan`` against fetching its rows with plain ``sqlite3``.

Run ``.venv/bin/python benchmarks/drplan_read.py [--scale 1 3 10] [--repeats N]``. For
each scale the plan is generated (``benchmarks/scale_plan.py``) and saved with
``save_plan`` (not timed); then, interleaved in one run (A B A B ...): the reference,
every row of every table fetched with ``sqlite3`` (connect, ``SELECT *`` each table,
``fetchall``, close), and ``load_plan`` of the same file (header and schema checks,
``quick_check``, the fingerprint, the plan's objects). Medians are printed with their
ratio, in wall time (the target's) and in process CPU time (steadier on a busy
machine). Target (issue 12): at 1x the read takes <= 3x the reference.

``measure(scales, repeats)`` returns the figures for ``benchmarks/end_to_end.py``.
"""

from __future__ import annotations

import argparse
import gc
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks.scale_plan import scale_plan
from planner.storage import load_plan, save_plan

TARGET_RATIO = 3.0

# racks, services, dependencies of each scale (1x: 32,000 servers, 3,000 services)
SCALES = {1: (1000, 3000, 8000), 3: (3000, 9000, 24000), 10: (10000, 30000, 80000)}


@dataclass(frozen=True)
class Row:
    scale: int
    read_s: float  # median wall time of load_plan
    reference_s: float  # median wall time of fetching every row with sqlite3
    rows: int  # rows in the file
    read_cpu_s: float = 0.0  # the same in process CPU time (less hurt by a busy machine)
    reference_cpu_s: float = 0.0

    @property
    def ratio(self) -> float:
        return self.read_s / self.reference_s

    @property
    def met(self) -> bool:
        return self.ratio <= TARGET_RATIO


def fetch_all_rows(path: Path) -> int:
    """The reference: every row of every table, with nothing but sqlite3."""
    conn = sqlite3.connect(path)
    try:
        names = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        return sum(len(conn.execute(f"SELECT * FROM {name}").fetchall()) for (name,) in names)
    finally:
        conn.close()


def _timed(step: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    step()
    return time.perf_counter() - wall, time.process_time() - cpu


def measure_file(path: Path, scale: int, repeats: int = 9) -> Row:
    """Interleaved medians of ``load_plan(path)`` and of :func:`fetch_all_rows`."""
    rows = fetch_all_rows(path)
    load_plan(path)  # warm the page cache and the imports alike for both
    reads, references = [], []
    for _ in range(repeats):
        gc.collect()  # the previous plan's garbage is nobody's cost
        references.append(_timed(lambda: fetch_all_rows(path)))
        gc.collect()
        reads.append(_timed(lambda: load_plan(path)))
    median = statistics.median
    return Row(
        scale,
        median(w for w, _ in reads),
        median(w for w, _ in references),
        rows,
        median(c for _, c in reads),
        median(c for _, c in references),
    )


def measure(scales: tuple[int, ...] = (1,), repeats: int = 9) -> list[Row]:
    """One row per scale: the plan generated, saved in a temporary folder, then timed."""
    found = []
    with tempfile.TemporaryDirectory() as folder:
        for scale in scales:
            racks, services, dependencies = SCALES[scale]
            path = Path(folder) / f"scale-{scale}x.drplan"
            plan = scale_plan(racks=racks, services=services, dependencies=dependencies)
            save_plan(plan, path)
            del plan
            found.append(measure_file(path, scale, repeats))
            path.unlink()
    return found


def table(rows: list[Row]) -> str:
    lines = [
        f"{'plan':>5}  {'rows':>9}  {'sqlite3 rows':>12}  {'load_plan':>10}  {'ratio':>6}  "
        f"{'cpu ratio':>9}  target (wall ratio)",
    ]
    for row in rows:
        cpu = row.read_cpu_s / row.reference_cpu_s if row.reference_cpu_s else float("nan")
        lines.append(
            f"{row.scale:>4}x  {row.rows:>9,}  {row.reference_s * 1000:>9.1f} ms  "
            f"{row.read_s * 1000:>7.1f} ms  {row.ratio:>5.2f}x  {cpu:>8.2f}x  "
            f"<= {TARGET_RATIO:g}x {'met' if row.met else 'NOT met'}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="+", choices=sorted(SCALES), default=[1])
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--file", type=Path, help="time this .drplan instead (scale 0)")
    args = parser.parse_args(argv)
    if args.file:
        rows = [measure_file(args.file, 0, args.repeats)]
    else:
        rows = measure(tuple(args.scale), args.repeats)
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
