"""Resource-constrained project scheduling: the Qt-free scheduling core of DR Planner.

Single-mode RCPSP with renewable resources. A task may start only when all its
predecessors have finished; at no moment may the units held on a resource exceed its
capacity; a task ending at t frees its units for a task starting at t; zero-duration
tasks hold nothing. See docs/engine-scheduler.md for the algorithm.

Times are exact: durations are translated to integers in a common quantum (see
:func:`planner.engine.sgs.time_scale`), scheduled in integers, and converted back only
for the returned :class:`Schedule`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from planner.engine.bounds import group_bounds, makespan_bound
from planner.engine.search import GeneticSearch, make_key_fn, tier_rank
from planner.engine.sgs import (
    Compiled,
    compile_problem,
    decimal_scale,
    fbi,
    order_by_start,
    serial_sgs,
    to_units,
)

Objective = Literal["time", "tiers"]

__all__ = [
    "Objective",
    "Problem",
    "Schedule",
    "check_schedule",
    "default_effort",
    "lft_serial",
    "lower_bound",
    "solve",
]


@dataclass(frozen=True)
class Problem:
    """An RCPSP instance; tasks are 0..n-1.

    ``groups`` are ordered milestone sets: group k completes when its last task
    finishes (0 if empty). Objective "time" minimises the makespan, then the group
    completions lexicographically; "tiers" minimises the group completions
    lexicographically (group 0 first), then the makespan.
    """

    durations: tuple[float, ...]
    predecessors: tuple[tuple[int, ...], ...]
    demands: tuple[tuple[int, ...], ...]  # demands[i][r]
    capacities: tuple[int, ...]  # capacities[r]
    groups: tuple[tuple[int, ...], ...] = ()


@dataclass(frozen=True)
class Schedule:
    """A feasible schedule and what is known about its quality.

    ``lower_bound`` is a proven lower bound on the optimal *makespan*; ``proven_optimal``
    means the whole requested objective (with its tie-breakers) is proven optimal.
    """

    starts: tuple[float, ...]
    makespan: float
    lower_bound: float
    proven_optimal: bool
    method: str
    schedules_evaluated: int


def lower_bound(problem: Problem) -> float:
    """A provably valid lower bound on the optimal makespan.

    The maximum of the critical path, per-resource energy bounds with heads and tails,
    and per-resource one-machine (Jackson preemptive) bounds; see
    :mod:`planner.engine.bounds`.
    """
    c = compile_problem(problem)
    return c.from_units(makespan_bound(c))


def default_effort(n: int) -> int:
    """Default budget in schedules (SGS passes) for an n-task problem.

    About 300,000 task placements, capped at 5,000 schedules: 5,000 at n = 30, ~2,500 at
    n = 120. Past 300 tasks the budget shrinks quadratically faster: 3 passes (the LFT pass
    and one forward-backward improvement) around n = 1,800, and past that the LFT pass
    alone, so that on huge plans the schedule costs one pass over the tasks, like the
    rest of the computation (a forward-backward improvement needs two more passes, about
    1 % shorter recovery on the 3,000-task scale plan for 2.5 times the scheduling time).
    """
    if n <= 0:
        return 1
    s = 300_000 / n
    if n > 300:
        s *= (300 / n) ** 2.2
    return max(1, min(5000, int(s)))


def _lft_order(c: Compiled) -> list[int]:
    # By (LFT, topological rank) as one exact int key: 0 <= rank < n and LFT >= 0.
    n = c.n
    keys = [f * n + r for f, r in zip(c.lft(), c.rank, strict=True)]
    return sorted(range(n), key=keys.__getitem__)


def _make_schedule(
    c: Compiled,
    starts: Sequence[int],
    lb: int,
    proven: bool,
    method: str,
    evaluated: int,
) -> Schedule:
    ms = max((s + d for s, d in zip(starts, c.dur, strict=True)), default=0)
    return Schedule(
        starts=tuple(starts) if c.int_output else tuple([c.from_units(s) for s in starts]),
        makespan=c.from_units(ms),
        lower_bound=c.from_units(min(lb, ms)),
        proven_optimal=proven,
        method=method,
        schedules_evaluated=evaluated,
    )


def lft_serial(problem: Problem) -> Schedule:
    """Baseline: one serial SGS pass with the latest-finish-time priority rule."""
    c = compile_problem(problem)
    starts, _ms = serial_sgs(c, _lft_order(c), c.preds)
    lb = makespan_bound(c)
    proven = make_key_fn(c, "time")(starts) <= targets(c, "time", lb)
    return _make_schedule(c, starts, lb, proven, "lft", 1)


def targets(c: Compiled, objective: Objective, lb: int) -> tuple[int, ...]:
    """The objective key that would be provably optimal (each component at its bound)."""
    gb = group_bounds(c)
    if objective == "tiers":
        return (*gb, lb)
    return (lb, *gb)


def solve(
    problem: Problem,
    objective: Objective = "time",
    effort: int | None = None,
    seed: int = 0,
    seed_starts: Sequence[float] | None = None,
) -> Schedule:
    """Heuristic schedule: genetic search with forward-backward improvement.

    ``effort`` is the budget in schedules (SGS passes), default :func:`default_effort`.
    The LFT schedule is the first candidate, so the result is never worse than
    :func:`lft_serial` (with ``seed_starts`` and a budget of more than one pass).
    ``seed_starts``, a feasible schedule, adds its start order as the first candidate:
    the serial SGS of that order starts no task later, so the result is never worse than
    that schedule either. Stops early when every objective
    component reaches its lower bound. Deterministic for a given (problem, objective,
    effort, seed).
    """
    if objective not in ("time", "tiers"):
        raise ValueError(f"unknown objective {objective!r}")
    return solve_compiled(compile_problem(problem), objective, effort, seed, seed_starts)


def solve_compiled(
    c: Compiled,
    objective: Objective = "time",
    effort: int | None = None,
    seed: int = 0,
    seed_starts: Sequence[float] | None = None,
    lb: int | None = None,
) -> Schedule:
    """:func:`solve` on a compiled problem; ``lb``, a valid makespan bound in its units,
    saves computing :func:`~planner.engine.bounds.makespan_bound` (the multi-mode
    scheduler passes the bound of its relaxed problem)."""
    budget = default_effort(c.n) if effort is None else max(1, int(effort))
    if lb is None:
        lb = makespan_bound(c)
    # The target only stops a search early; a single pass has nothing to stop, and for
    # "time" the group bounds matter only once the makespan meets its bound.
    target = targets(c, objective, lb) if budget > 1 else None
    search = GeneticSearch(c, objective, budget, seed, target)
    seeds = [_lft_order(c)]
    if seed_starts is not None:
        # First, so that even a budget of one pass keeps the given schedule's quality.
        seeds.insert(0, order_by_start([to_units(v, c.scale) for v in seed_starts], c.rank))
    if objective == "tiers" and c.groups:
        tr = tier_rank(c)
        lft = c.lft()
        seeds.insert(0, sorted(range(c.n), key=lambda j: (tr[j], lft[j], c.rank[j])))
    best = search.run(seeds)
    if target is None and (objective == "tiers" or best.key[0] <= lb):
        target = targets(c, objective, lb)
    proven = target is not None and best.key <= target
    return _make_schedule(c, best.starts, lb, proven, "heuristic", search.passes)


def improve(problem: Problem, starts: Sequence[float], objective: Objective = "time") -> Schedule:
    """Forward-backward improvement of a given feasible schedule (kept if not better)."""
    c = compile_problem(problem)
    units = [to_units(s, c.scale) for s in starts]
    key = make_key_fn(c, objective)
    ms = max((s + d for s, d in zip(units, c.dur, strict=True)), default=0)
    s2, _ms2, _o, used = fbi(c, units, ms)
    best = s2 if key(s2) <= key(units) else units
    lb = makespan_bound(c)
    return _make_schedule(c, best, lb, key(best) <= targets(c, objective, lb), "fbi", used)


def check_schedule(problem: Problem, starts: Sequence[float]) -> list[str]:
    """Precedence and capacity violations of ``starts`` (empty list: feasible).

    Times are compared exactly in a common quantum of the durations and starts (see
    :func:`planner.engine.sgs.decimal_scale`, which ignores relative float noise below
    1e-9); values with no such quantum are compared as floats with that relative
    tolerance. A task ending at t frees its units for a task starting at t, and
    zero-duration tasks hold nothing.
    """
    n = len(problem.durations)
    if len(starts) != n:
        return [f"expected {n} start times, got {len(starts)}"]
    errors: list[str] = []
    for j, s in enumerate(starts):
        if not s >= 0:
            errors.append(f"task {j} starts before 0 ({s})")
    if errors:
        return errors
    scale = decimal_scale([*problem.durations, *starts])
    if scale is None:
        top = max([*problem.durations, *starts, 1.0])
        tol = 1e-9 * top
        d: list[float] = list(problem.durations)
        st: list[float] = [float(x) for x in starts]
        shown = 1.0
    else:
        tol = 0
        d = [to_units(x, scale) for x in problem.durations]
        st = [to_units(x, scale) for x in starts]
        shown = float(scale)
    for j, pl in enumerate(problem.predecessors):
        for i in pl:
            if st[j] < st[i] + d[i] - tol:
                errors.append(
                    f"task {j} starts at {starts[j]} before predecessor {i} finishes "
                    f"at {(st[i] + d[i]) / shown}"
                )
    # Sweep: at equal times (within tol), releases come before acquisitions.
    events: list[tuple[float, int, int]] = []
    for j in range(n):
        if d[j] > 0 and any(problem.demands[j]):
            events.append((st[j], 1, j))
            events.append((st[j] + d[j] - tol, -1, j))
    events.sort()
    nres = len(problem.capacities)
    use = [0] * nres
    for t, kind, j in events:
        for r in range(nres):
            use[r] += kind * problem.demands[j][r]
        if kind == 1:
            for r in range(nres):
                if use[r] > problem.capacities[r]:
                    errors.append(
                        f"resource {r} over capacity at {t / shown}: "
                        f"{use[r]} > {problem.capacities[r]} (task {j} starting)"
                    )
    return errors
