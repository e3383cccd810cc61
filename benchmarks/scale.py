"""Scale benchmark: impact + schedule + bound on a plan the size of the 2022 fire.

Run: ``.venv/bin/python benchmarks/scale.py``. Prints a table: the time of
``compute`` (impact analysis, task graph, schedule, lower bound, per-service results)
for the "everything lost" scenario (the plan's validation timed on its own row), the
time of ``networkx.topological_sort`` of the same dependency graph in the same run, their
ratio, and peak memory.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.scale_plan import scale_plan
from planner.engine.impact import analyse
from planner.engine.recovery import compute
from planner.model import validate


def best_of(repeats: int, work: object) -> float:
    best = float("inf")
    for _ in range(repeats):
        began = time.perf_counter()
        work()  # type: ignore[operator]
        best = min(best, time.perf_counter() - began)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    plan = scale_plan()
    graph = nx.DiGraph()
    graph.add_nodes_from(s.id for s in plan.services)
    graph.add_edges_from((s.id, d) for s in plan.services for d in s.depends_on)
    tracemalloc.start()
    result = compute(plan, scenario_id="everything")
    _, peak_compute = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    t_compute = best_of(args.repeats, lambda: compute(plan, scenario_id="everything", check=False))
    t_checked = best_of(args.repeats, lambda: compute(plan, scenario_id="everything"))
    t_impact = best_of(args.repeats, lambda: analyse(plan, [s.id for s in plan.sites]))
    t_validate = best_of(args.repeats, lambda: validate(plan))
    t_topo = best_of(max(args.repeats, 20), lambda: list(nx.topological_sort(graph)))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = [
        ("servers / racks / sites", f"{len(plan.servers)} / {len(plan.racks)} / {len(plan.sites)}"),
        ("services / dependencies", f"{len(plan.services)} / {graph.number_of_edges()}"),
        ("recovery tasks", str(sum(1 for s in result.services if s.start is not None))),
        (
            "recovery time / lower bound (min)",
            f"{result.recovery_minutes} / {result.lower_bound_minutes}",
        ),
        ("compute: impact+schedule+bound (s)", f"{t_compute:.3f}"),
        ("  of which impact analysis (s)", f"{t_impact:.3f}"),
        ("validation of the whole plan (s)", f"{t_validate:.3f}"),
        ("compute with validation first (s)", f"{t_checked:.3f}"),
        ("nx.topological_sort (s)", f"{t_topo:.4f}"),
        ("ratio compute / topological sort", f"{t_compute / t_topo:.1f}x"),
        ("peak traced memory in compute (MB)", f"{peak_compute / 2**20:.0f}"),
        ("peak RSS of the process (MB)", f"{rss:.0f}"),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"{'measure'.ljust(width)}  value")
    print(f"{'-' * width}  -----")
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")


if __name__ == "__main__":
    main()
