"""Scale benchmark: impact + schedule + bound on a plan the size of the 2022 fire.

Run: ``.venv/bin/python benchmarks/scale.py``. Prints a table for the "everything lost"
scenario and for the "power" scenario of :func:`benchmarks.scale_plan.power_plan` (two
power feeds per rack, every feed lost, a 40-minute declaration, a third of the racks back,
half of the services able to restart in place; multi-mode with release times): the time
of impact + schedule + bound (``schedule_scenario``: impact analysis, task graph,
schedule, lower bound), the time of ``networkx.topological_sort`` of the same
dependency graph in the same run, and their ratio; then ``compute``, which adds the
per-service results (recovered times, RTO checks, critical path, tiers), with its own
ratio; ``compute`` of the power scenario without data copies and with three copies per
service (``benchmarks.scale_plan.with_copies``: the data rules of issue 14 on every
service, their cost against the plan without copies); the plan's validation on its own
row; and peak memory. Every time is the best of
``--repeats`` runs.

Then the growth of ``compute`` (scenario "everything", no validation) over plans of 1x, 3x
and 10x the scale plan (servers, services and dependencies multiplied together): at each
size ``compute`` and the same topological sort alternate, each figure is the median of
``--growth-repeats`` rounds, and the growth exponent is ``log(t10 / t1) / log(10)`` (1.0 is
linear). The sort is linear work too, so its own exponent is this machine's floor for Python
code whose data outgrow the caches; the ratio of the two says how much of the growth is the
computation's own. The time ``compute`` spends in the cyclic garbage collector is measured
on its own row (``gc.callbacks``), and the SGS pass's work per task as Python lines executed
in ``planner/engine/sgs.py`` per task of one LFT pass (a count, free of noise). ``growth_rows``
returns the rows for ``benchmarks/end_to_end.py``.
"""

from __future__ import annotations

import argparse
import gc
import math
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.scale_plan import power_plan, scale_plan, with_copies
from planner.engine import sgs
from planner.engine.impact import analyse, failed_set_of
from planner.engine.rcpsp import _lft_order
from planner.engine.recovery import build_task_graph, compute, schedule_scenario
from planner.model import Plan, validate

GROWTH_FACTORS = (1, 3, 10)


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


def scaled_plan(factor: int) -> Plan:
    """The scale plan with ``factor`` times its racks (servers), services and dependencies."""
    return scale_plan(racks=1000 * factor, services=3000 * factor, dependencies=8000 * factor)


def dependency_graph(plan: Plan) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(s.id for s in plan.services)
    graph.add_edges_from((s.id, d) for s in plan.services for d in s.depends_on)
    return graph


@contextmanager
def collector_time() -> Iterator[list[float]]:
    """Seconds spent in the cyclic garbage collector inside the block, in ``[0]``."""
    spent = [0.0]
    began = [0.0]

    def callback(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            began[0] = time.perf_counter()
        else:
            spent[0] += time.perf_counter() - began[0]

    gc.callbacks.append(callback)
    try:
        yield spent
    finally:
        gc.callbacks.remove(callback)


def sgs_lines_per_task(plan: Plan) -> float:
    """Python lines executed in ``planner/engine/sgs.py`` per task by one LFT pass.

    A count of the SGS pass's work, independent of the machine's load: if the work per
    task does not grow with the plan, neither does this.
    """
    impact = analyse(plan, failed_set_of(plan, "everything"))
    c = sgs.compile_problem(build_task_graph(plan, impact.actions).problem)
    order = _lft_order(c)
    lines = 0

    def local(frame: FrameType, event: str, arg: object) -> Any:
        nonlocal lines
        if event == "line":
            lines += 1
        return local

    def calls(frame: FrameType, event: str, arg: object) -> Any:
        return local if frame.f_code.co_filename == sgs.__file__ else None

    sys.settrace(calls)
    try:
        sgs.serial_sgs(c, order, c.preds)
    finally:
        sys.settrace(None)
    return lines / max(1, c.n)


def _exponent(small: float, large: float, factor: float) -> float:
    return math.log(large / small) / math.log(factor)


def growth_rows(
    factors: Sequence[int] = GROWTH_FACTORS, repeats: int = 7, count_lines: bool = True
) -> list[tuple[str, str]]:
    """Rows (measure, value): ``compute`` and the topological sort at each size, their
    ratio, the collector's share, SGS lines per task, and the growth exponents from the
    first size to the last.

    Sizes are measured one after the other, each with only its own plan alive (as in a CLI
    process), so a full collection during ``compute`` walks that plan's heap and no other.
    """
    topo: dict[int, float] = {}
    took: dict[int, float] = {}
    collector: dict[int, float] = {}
    lines: dict[int, float] = {}
    tasks: dict[int, int] = {}
    for factor in factors:
        plan = scaled_plan(factor)
        graph = dependency_graph(plan)
        result = compute(plan, scenario_id="everything", check=False)  # warm up
        tasks[factor] = sum(1 for s in result.services if s.start is not None)
        del result
        t_topo: list[float] = []
        t_compute: list[float] = []
        t_gc: list[float] = []
        for _ in range(repeats):
            began = time.perf_counter()
            list(nx.topological_sort(graph))
            t_topo.append(time.perf_counter() - began)
            with collector_time() as spent:
                began = time.perf_counter()
                compute(plan, scenario_id="everything", check=False)
                t_compute.append(time.perf_counter() - began)
            t_gc.append(spent[0])
        topo[factor] = statistics.median(t_topo)
        took[factor] = statistics.median(t_compute)
        collector[factor] = statistics.median(t_gc)
        if count_lines:
            lines[factor] = sgs_lines_per_task(plan)
        del plan, graph
        gc.collect()
    rows: list[tuple[str, str]] = []
    for factor in factors:
        rows.append(
            (
                f"{factor}x ({tasks[factor]} tasks): compute / topological sort (s)",
                f"{took[factor]:.3f} / {topo[factor]:.4f} = {took[factor] / topo[factor]:.1f}x",
            )
        )
        gc_row = f"{collector[factor]:.3f}"
        rows.append((f"{factor}x: of which cyclic garbage collector (s)", gc_row))
        if count_lines:
            rows.append((f"{factor}x: SGS pass, Python lines per task", f"{lines[factor]:.1f}"))
    first, last = factors[0], factors[-1]
    span = last / first
    rows.append(
        (
            f"growth exponent {first}x->{last}x: compute (target <= 1.2)",
            f"{_exponent(took[first], took[last], span):.2f}",
        )
    )
    rows.append(
        (
            f"growth exponent {first}x->{last}x: compute without the collector",
            f"{_exponent(took[first] - collector[first], took[last] - collector[last], span):.2f}",
        )
    )
    rows.append(
        (
            f"growth exponent {first}x->{last}x: topological sort (this machine's floor)",
            f"{_exponent(topo[first], topo[last], span):.2f}",
        )
    )
    return rows


def print_rows(rows: Sequence[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in rows)
    print(f"{'measure'.ljust(width)}  value")
    print(f"{'-' * width}  -----")
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--growth-repeats", type=int, default=7)
    parser.add_argument("--no-growth", action="store_true", help="the 1x table only")
    args = parser.parse_args()
    plan = scale_plan()
    graph = dependency_graph(plan)
    tracemalloc.start()
    result = compute(plan, scenario_id="everything")
    _, peak_compute = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    power = power_plan()
    power_result = compute(power, scenario_id="power", check=False)
    copied = with_copies(power_plan())
    copied_result = compute(copied, scenario_id="power", check=False)
    (
        t_topo,
        t_schedule,
        t_power,
        t_compute,
        t_checked,
        t_impact,
        t_validate,
        t_power_compute,
        t_copies,
    ) = best_of(
        args.repeats,
        lambda: list(nx.topological_sort(graph)),
        lambda: schedule_scenario(plan, scenario_id="everything"),
        lambda: schedule_scenario(power, scenario_id="power"),
        lambda: compute(plan, scenario_id="everything", check=False),
        lambda: compute(plan, scenario_id="everything"),
        lambda: analyse(plan, [s.id for s in plan.sites]),
        lambda: validate(plan),
        lambda: compute(power, scenario_id="power", check=False),
        lambda: compute(copied, scenario_id="power", check=False),
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
        (
            "power: 2 feeds per rack, declared at 40 min, a third of the racks back",
            f"{len(power.domains)} feeds, {len(power.scenarios[-1].returns)} returns",
        ),
        (
            "power: tasks (restart / restore / failover)",
            " / ".join(
                str(sum(1 for s in power_result.services if s.mode == mode))
                for mode in ("restart", "restore", "failover")
            ),
        ),
        (
            "power: recovery time / lower bound (min)",
            f"{power_result.recovery_minutes} / {power_result.lower_bound_minutes}",
        ),
        ("power: impact + schedule + bound (s, target <= 2)", f"{t_power:.3f}"),
        ("power: ratio to topo sort (target <= 25x)", f"{t_power / t_topo:.1f}x"),
        ("power: compute, no copies (s)", f"{t_power_compute:.3f}"),
        (
            "power with 3 copies per service: compute (s)",
            f"{t_copies:.3f} ({t_copies / t_power_compute:.2f}x of no copies)",
        ),
        (
            "power with copies: lost data / RPO misses / untested failovers",
            f"{len(copied_result.data_lost)} / {len(copied_result.rpo_misses)} / "
            f"{sum(1 for s in copied_result.services if s.failover_untested)}",
        ),
        ("compute: adds per-service results (s)", f"{t_compute:.3f}"),
        ("ratio compute / topological sort", f"{t_compute / t_topo:.1f}x"),
        ("validation of the whole plan (s)", f"{t_validate:.3f}"),
        ("compute with validation first (s)", f"{t_checked:.3f}"),
        ("peak traced memory in compute (MB)", f"{peak_compute / 2**20:.0f}"),
        ("peak RSS of the process (MB)", f"{rss:.0f}"),
    ]
    print_rows(rows)
    if not args.no_growth:
        del plan, graph, result
        gc.collect()
        print()
        print_rows(growth_rows(repeats=args.growth_repeats))


if __name__ == "__main__":
    main()
