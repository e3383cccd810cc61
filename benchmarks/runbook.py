"""Benchmark: the runbook of the scale plan at 1x and 3x (scenario "everything").

Run ``python -m benchmarks.runbook [--rounds N] [--scales 1,3] [--out DIR]``. 1x is
``scale_plan()`` (32,000 servers, 3,000 services, 8,000 dependencies); 3x has three times
the racks, services and dependencies. Each scale's runbook is timed interleaved with
references in the same process and the same rounds (runbook, references, runbook, ...):
``compute`` of the scenario, which the runbook is printed from, and a topological sort of
the plan's dependency graph (``networkx``, linear in the plan; the mean of ten sorts a
round). The table gives medians, the ratio to each reference and the growth exponent of
the runbook time from the smallest scale to the largest (targets: 1x <= 10 s, 3x <= 30 s,
exponent <= 1.1). :func:`rows` returns the figures for ``benchmarks/end_to_end.py``.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

# Runnable as a script too: the repository root holds the benchmarks package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import networkx as nx

from benchmarks.scale_plan import scale_plan
from planner.engine.recovery import compute
from planner.runbook.export import export_runbook

SCENARIO = "everything"
TARGET_SECONDS = {1: 10.0, 3: 30.0}
TARGET_EXPONENT = 1.1
SORTS = 10  # topological sorts a round: one takes milliseconds


@dataclass(frozen=True)
class Row:
    """The runbook of one scale against its reference, both medians of the rounds."""

    scale: int
    servers: int
    services: int
    steps: int
    pages: int
    runbook_seconds: float
    compute_seconds: float  # compute(plan, "everything") in the same rounds
    sort_seconds: float  # one topological sort of the dependency graph, same rounds

    @property
    def ratio(self) -> float:
        """Runbook time over compute time."""
        return self.runbook_seconds / self.compute_seconds

    @property
    def sort_ratio(self) -> float:
        """Runbook time over topological-sort time."""
        return self.runbook_seconds / self.sort_seconds

    @property
    def met(self) -> bool | None:
        target = TARGET_SECONDS.get(self.scale)
        return None if target is None else self.runbook_seconds <= target


def _timed(work: Callable[[], object], times: list[float]) -> None:
    began = time.perf_counter()
    work()
    times.append(time.perf_counter() - began)


def measure(scale: int, rounds: int, out: Path) -> Row:
    """Time the runbook of the ``scale``-times plan and the references interleaved."""
    plan = scale_plan(racks=1000 * scale, services=3000 * scale, dependencies=8000 * scale)
    result = compute(plan, SCENARIO)
    target = out / f"runbook-{scale}x.pdf"
    pages = [0]
    graph = nx.DiGraph()
    graph.add_nodes_from(s.id for s in plan.services)
    graph.add_edges_from((s.id, d) for s in plan.services for d in s.depends_on)

    def runbook() -> None:
        pages[0] = export_runbook(plan, result, target, date="2026-01-01")

    def sorts() -> None:
        for _ in range(SORTS):
            list(nx.topological_sort(graph))

    runbook_times: list[float] = []
    compute_times: list[float] = []
    sort_times: list[float] = []
    for _ in range(rounds):
        _timed(runbook, runbook_times)
        _timed(lambda: compute(plan, SCENARIO), compute_times)
        _timed(sorts, sort_times)
    return Row(
        scale,
        len(plan.servers),
        len(plan.services),
        len(result.tasks),
        pages[0],
        statistics.median(runbook_times),
        statistics.median(compute_times),
        statistics.median(sort_times) / SORTS,
    )


def growth_exponent(rows: Sequence[Row]) -> float:
    """The k in runbook time ~ scale**k from the smallest scale to the largest."""
    small, big = min(rows, key=lambda r: r.scale), max(rows, key=lambda r: r.scale)
    return math.log(big.runbook_seconds / small.runbook_seconds) / math.log(big.scale / small.scale)


def rows(scales: Sequence[int] = (1, 3), rounds: int = 1, out: Path | None = None) -> list[Row]:
    """One :class:`Row` per scale (the PDFs are written to ``out``, a temporary folder
    when None)."""
    folder = out if out is not None else Path(tempfile.mkdtemp(prefix="runbook-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    return [measure(scale, rounds, folder) for scale in scales]


def table(measured: Sequence[Row]) -> list[str]:
    """The Markdown table of ``measured``, with the growth exponent when there are two
    scales or more."""
    lines = [
        "| plan | steps | pages | runbook (s) | compute (s) | runbook / compute "
        "| topo sort (ms) | runbook / sort | target |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in measured:
        target = TARGET_SECONDS.get(row.scale)
        verdict = "-" if target is None else f"<= {target:g} s: {'met' if row.met else 'NOT met'}"
        lines.append(
            f"| {row.scale}x: {row.servers} servers / {row.services} services | {row.steps} | "
            f"{row.pages} | {row.runbook_seconds:.2f} | {row.compute_seconds:.2f} | "
            f"{row.ratio:.1f}x | {1000 * row.sort_seconds:.1f} | {row.sort_ratio:.0f}x | "
            f"{verdict} |"
        )
    if len({row.scale for row in measured}) > 1:
        k = growth_exponent(measured)
        verdict = "met" if k <= TARGET_EXPONENT else "NOT met"
        first, last = min(r.scale for r in measured), max(r.scale for r in measured)
        lines.append(
            f"\ngrowth exponent of the runbook time, {first}x to {last}x: {k:.2f} "
            f"(target <= {TARGET_EXPONENT}: {verdict})"
        )
    return lines


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--scales", default="1,3", help="comma-separated multiples of 1x")
    parser.add_argument("--out", type=Path, default=None, help="folder for the PDFs")
    args = parser.parse_args(argv)
    scales = [int(s) for s in args.scales.split(",")]
    measured = rows(scales, args.rounds, args.out)
    print("\n".join(table(measured)))
    met = all(row.met is not False for row in measured)
    if len(measured) > 1:
        met = met and growth_exponent(measured) <= TARGET_EXPONENT
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
