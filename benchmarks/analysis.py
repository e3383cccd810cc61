"""Resilience-analysis benchmark (issue 15) on the 32,000-server scale plan.

Run: ``.venv/bin/python benchmarks/analysis.py``. Prints a table: (a) the full
``analyze(plan, order=2, tiers=(0, 1), check=False)`` (target <= 10 s) on
:func:`benchmarks.scale_plan.scale_plan` and on :func:`benchmarks.scale_plan.power_plan`
(two feeds per rack); (b) the single-failure blast radius of every site and rack only
(components, order-1 cut sets, ``BlastRadii``, ``blast_radii`` of sites + racks; target
<= 5 s); each next to the same run's ``networkx.topological_sort`` of the dependency
graph and their ratio. Every time is the best of ``--repeats`` rounds. Then (c) the growth
of (a) and (b) from 1x to 3x the plan (racks, servers, services and dependencies
multiplied together): the exponent is ``log(t3 / t1) / log(3)`` (1.0 is linear), the
topological sort's own exponent beside it as this machine's floor. ``--no-growth`` skips it.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.scale import best_of, dependency_graph
from benchmarks.scale_plan import power_plan, scale_plan
from planner.analysis import analyze
from planner.analysis.blast import BlastRadii, blast_radii
from planner.analysis.components import components_of
from planner.analysis.cutsets import closure_orders, service_cuts
from planner.model import Plan


def full(plan: Plan) -> Callable[[], object]:
    return lambda: analyze(plan, order=2, tiers=(0, 1), check=False)


def sites_and_racks(plan: Plan) -> Callable[[], object]:
    def work() -> object:
        components = components_of(plan)
        orders = closure_orders(plan.services, (0, 1), 1)
        _, own = service_cuts(plan.services, components, orders)
        radii = BlastRadii(plan, components, own)
        wanted = [s.id for s in plan.sites] + [r.id for r in plan.racks]
        return blast_radii(radii, components=wanted)

    return work


def topo(plan: Plan) -> Callable[[], object]:
    graph = dependency_graph(plan)
    return lambda: list(nx.topological_sort(graph))


def _exponent(small: float, large: float, factor: float) -> float:
    return math.log(large / small) / math.log(factor)


def rows(
    plan: Plan, power: Plan | None, repeats: int, growth: Plan | None, factor: int
) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    t_full, t_blast, t_topo = best_of(repeats, full(plan), sites_and_racks(plan), topo(plan))
    out.append(("topological sort (reference)", f"{t_topo * 1000:.1f} ms"))
    out.append(
        (
            "(a) analyze order 2, tiers 0-1 (target <= 10 s)",
            f"{t_full:.2f} s  ({t_full / t_topo:.0f}x sort)",
        )
    )
    out.append(
        (
            "(b) blast radius, all sites + racks (target <= 5 s)",
            f"{t_blast:.2f} s  ({t_blast / t_topo:.0f}x sort)",
        )
    )
    if power is not None:
        p_full, p_topo = best_of(repeats, full(power), topo(power))
        out.append(
            (
                "(a) analyze, power plan (dual feeds)",
                f"{p_full:.2f} s  ({p_full / p_topo:.0f}x sort)",
            )
        )
    if growth is not None:
        g_full, g_blast, g_topo = best_of(
            repeats, full(growth), sites_and_racks(growth), topo(growth)
        )
        out.append((f"(a) analyze at {factor}x", f"{g_full:.2f} s  ({g_full / g_topo:.0f}x sort)"))
        out.append(
            (f"(b) blast radius at {factor}x", f"{g_blast:.2f} s  ({g_blast / g_topo:.0f}x sort)")
        )
        out.append((f"topological sort at {factor}x", f"{g_topo * 1000:.1f} ms"))
        out.append(("growth exponent (a)", f"{_exponent(t_full, g_full, factor):.2f}"))
        out.append(("growth exponent (b)", f"{_exponent(t_blast, g_blast, factor):.2f}"))
        out.append(("growth exponent, sort (floor)", f"{_exponent(t_topo, g_topo, factor):.2f}"))
    return out


def main(
    argv: Sequence[str] | None = None,
    racks: int = 1000,
    services: int = 3000,
    dependencies: int = 8000,
) -> list[tuple[str, str]]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-growth", action="store_true")
    args = parser.parse_args(argv)
    plan = scale_plan(racks=racks, services=services, dependencies=dependencies)
    power = power_plan(racks=racks, services=services, dependencies=dependencies)
    growth = None
    if not args.no_growth:
        growth = scale_plan(racks=racks * 3, services=services * 3, dependencies=dependencies * 3)
    table = rows(plan, power, args.repeats, growth, 3)
    print(f"{plan.name}; best of {args.repeats}")
    width = max(len(k) for k, _ in table)
    for k, v in table:
        print(f"{k:<{width}}  {v}")
    return table


if __name__ == "__main__":
    main()
