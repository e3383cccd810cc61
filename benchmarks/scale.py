"""Scale benchmark: impact + schedule + bound on a plan the size of the 2022 fire.

Run: ``.venv/bin/python benchmarks/scale.py``. Prints a table for the "everything lost"
scenario: the time of impact + schedule + bound (``schedule_scenario``: impact analysis,
task graph, schedule, lower bound), the time of ``networkx.topological_sort`` of the same
dependency graph in the same run, and their ratio; then ``compute``, which adds the
per-service results (recovered times, RTO checks, critical path, tiers), with its own
ratio; the plan's validation on its own row; and peak memory. Every time is the best of
``--repeats`` runs.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.scale_plan import scale_plan
from planner.engine.impact import analyse
from planner.engine.recovery import compute, schedule_scenario
from planner.model import validate


def best_of(repeats: int, *works: Callable[[], object]) -> list[float]:
    """Best time of each work over ``repeats`` rounds; each round runs every work once,
    so works compared as a ratio see the same moments of a busy machine."""
    best = [float("inf")] * len(works)
    for _ in range(repeats):
        for k, work in enumerate(works):
            began = time.perf_counter()
            work()
            best[k] = min(best[k], time.perf_counter() - began)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    plan = scale_plan()
    graph = nx.DiGraph()
    graph.add_nodes_from(s.id for s in plan.services)
    graph.add_edges_from((s.id, d) for s in plan.services for d in s.depends_on)
    tracemalloc.start()
    result = compute(plan, scenario_id="everything")
    _, peak_compute = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    t_topo, t_schedule, t_compute, t_checked, t_impact, t_validate = best_of(
        args.repeats,
        lambda: list(nx.topological_sort(graph)),
        lambda: schedule_scenario(plan, scenario_id="everything"),
        lambda: compute(plan, scenario_id="everything", check=False),
        lambda: compute(plan, scenario_id="everything"),
        lambda: analyse(plan, [s.id for s in plan.sites]),
        lambda: validate(plan),
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = [
        ("servers / racks / sites", f"{len(plan.servers)} / {len(plan.racks)} / {len(plan.sites)}"),
        ("services / dependencies", f"{len(plan.services)} / {graph.number_of_edges()}"),
        ("recovery tasks", str(sum(1 for s in result.services if s.start is not None))),
        (
            "recovery time / lower bound (min)",
            f"{result.recovery_minutes} / {result.lower_bound_minutes}",
        ),
        ("impact + schedule + bound (s)", f"{t_schedule:.3f}"),
        ("  of which impact analysis (s)", f"{t_impact:.3f}"),
        ("nx.topological_sort (s)", f"{t_topo:.4f}"),
        ("ratio impact+schedule+bound / topo sort", f"{t_schedule / t_topo:.1f}x"),
        ("compute: adds per-service results (s)", f"{t_compute:.3f}"),
        ("ratio compute / topological sort", f"{t_compute / t_topo:.1f}x"),
        ("validation of the whole plan (s)", f"{t_validate:.3f}"),
        ("compute with validation first (s)", f"{t_checked:.3f}"),
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
