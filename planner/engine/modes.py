"""Multi-mode scheduling with release times: each task runs in one of several modes.

A mode has a duration, a demand per resource and a release (the earliest start). The
multi-mode problem is reduced to the single-mode one of :mod:`planner.engine.rcpsp` once
every task has its mode: each distinct positive release becomes one zero-demand dummy
task of that duration with no predecessors, and every task released then waits for it
(serial SGS places a task that holds nothing at its earliest start, so the dummy runs on
[0, release)). The genetic search, forward-backward improvement, the bounds and CP-SAT
then handle releases unchanged. See docs/engine-scheduler.md, "Modes and releases".

The mode choice (deterministic):

* candidate A: every task in the mode that finishes earliest on its own (release +
  duration; ties in the given order), solved as a single-mode problem; its first
  candidate is the LFT pass, so the result is never worse than that pass;
* candidate B: one multi-mode serial SGS pass in the same LFT order that takes, at each
  placement, the mode that finishes earliest given what is already placed (same ties);
  its modes are then fixed and improved like A, seeded with its own schedule;

and the better by the objective key is kept. The lower bound is that of the relaxed
single-mode problem in which every task has its shortest duration, its earliest release
and the componentwise smallest demand of its modes (docs/engine.md, "Lower bound").
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from planner.engine.bounds import group_bounds, makespan_bound
from planner.engine.rcpsp import Objective, Problem, Schedule, _lft_order, default_effort, solve
from planner.engine.sgs import compile_problem, time_scale, to_units

Key = tuple[int, ...]


@dataclass(frozen=True)
class ModeSpec:
    """One mode of a task: its duration, demand per resource and earliest start."""

    duration: float
    demand: tuple[int, ...]
    release: float = 0


@dataclass(frozen=True)
class MultiModeProblem:
    """Tasks 0..n-1, each with one or more modes (in tie-breaking order)."""

    modes: tuple[tuple[ModeSpec, ...], ...]
    predecessors: tuple[tuple[int, ...], ...]
    capacities: tuple[int, ...]
    groups: tuple[tuple[int, ...], ...] = ()


@dataclass(frozen=True)
class ModeSchedule:
    """A schedule of a multi-mode problem: the chosen mode index of each task and the
    :class:`~planner.engine.rcpsp.Schedule` of the tasks in those modes (``lower_bound``
    holds for every choice of modes)."""

    schedule: Schedule
    modes: tuple[int, ...]


def fixed(problem: MultiModeProblem, choice: Sequence[int]) -> Problem:
    """The single-mode problem of ``choice``, releases as dummy tasks after the real ones."""
    specs = [problem.modes[j][m] for j, m in enumerate(choice)]
    return _with_releases(
        problem,
        [s.duration for s in specs],
        [s.demand for s in specs],
        [s.release for s in specs],
    )


def relaxed(problem: MultiModeProblem) -> Problem:
    """Each task with its shortest duration, earliest release and smallest demands.

    Shrinking every task of a feasible multi-mode schedule to ``[start, start + min
    duration)`` with the smallest demands keeps it feasible here (finishes only move
    earlier, usage only drops, starts stay after the earliest release), so this problem's
    optimum, and every lower bound of it, is at most the multi-mode optimum.
    """
    nres = len(problem.capacities)
    durations = [min(m.duration for m in ms) for ms in problem.modes]
    demands = [tuple(min(m.demand[r] for m in ms) for r in range(nres)) for ms in problem.modes]
    releases = [min(m.release for m in ms) for ms in problem.modes]
    return _with_releases(problem, durations, demands, releases)


def _with_releases(
    problem: MultiModeProblem,
    durations: Sequence[float],
    demands: Sequence[tuple[int, ...]],
    releases: Sequence[float],
) -> Problem:
    n = len(durations)
    dummy: dict[float, int] = {}
    for r in sorted({r for r in releases if r > 0}):
        dummy[r] = n + len(dummy)
    preds = [
        (*p, dummy[r]) if r > 0 else p for p, r in zip(problem.predecessors, releases, strict=True)
    ]
    nothing = (0,) * len(problem.capacities)
    return Problem(
        durations=(*durations, *dummy),
        predecessors=(*preds, *([()] * len(dummy))),
        demands=(*demands, *([nothing] * len(dummy))),
        capacities=problem.capacities,
        groups=problem.groups,
    )


def earliest_modes(problem: MultiModeProblem) -> list[int]:
    """Each task's mode that finishes earliest on its own (release + duration; ties: first)."""
    out = []
    for ms in problem.modes:
        best = 0
        for k in range(1, len(ms)):
            if ms[k].release + ms[k].duration < ms[best].release + ms[best].duration:
                best = k
        out.append(best)
    return out


class _Scale:
    """One integer quantum for every duration and release of every mode."""

    def __init__(self, problem: MultiModeProblem) -> None:
        values = [v for ms in problem.modes for m in ms for v in (m.duration, m.release)]
        self.scale = time_scale(values) if values else 1

    def units(self, v: float) -> int:
        return to_units(v, self.scale)


def _key(
    problem: MultiModeProblem,
    sc: _Scale,
    starts: Sequence[float],
    choice: Sequence[int],
    objective: Objective,
) -> Key:
    fin = [
        sc.units(s) + sc.units(problem.modes[j][m].duration)
        for j, (s, m) in enumerate(zip(starts, choice, strict=True))
    ]
    ms = max(fin, default=0)
    groups = [max((fin[j] for j in g), default=0) for g in problem.groups]
    return (*groups, ms) if objective == "tiers" else (ms, *groups)


def multi_mode_sgs(
    problem: MultiModeProblem, order: Sequence[int]
) -> tuple[list[float], list[int]]:
    """Serial SGS choosing each task's mode as it is placed: the earliest finish given the
    tasks already placed (ties: the first mode). Returns (starts, modes) in the plan's
    minutes. ``order`` must be precedence-feasible."""
    sc = _Scale(problem)
    caps = problem.capacities
    nres = len(caps)
    n = len(problem.modes)
    # Free capacity as a step function per resource: breakpoints and free units after each.
    times: list[list[int]] = [[0] for _ in range(nres)]
    free: list[list[int]] = [[c] for c in caps]
    fin = [0] * n
    start = [0] * n
    chosen = [0] * n
    modes_u = [
        [(sc.units(m.duration), m.demand, sc.units(m.release)) for m in ms] for ms in problem.modes
    ]
    for j in order:
        es = 0
        for i in problem.predecessors[j]:
            if fin[i] > es:
                es = fin[i]
        best: tuple[int, int, int] | None = None  # (finish, start, mode)
        for k, (d, q, rel) in enumerate(modes_u[j]):
            t = max(es, rel)
            if d > 0:
                t = _earliest(times, free, q, t, d)
            if best is None or t + d < best[0]:
                best = (t + d, t, k)
        assert best is not None
        f, t, k = best
        d, q, _rel = modes_u[j][k]
        if d > 0:
            for r, x in enumerate(q):
                if x:
                    _take(times[r], free[r], t, t + d, x)
        start[j], fin[j], chosen[j] = t, f, k
    return [s / sc.scale if sc.scale != 1 else s for s in start], chosen


def _earliest(
    times: list[list[int]], free: list[list[int]], q: tuple[int, ...], t: int, d: int
) -> int:
    """Earliest start >= t at which every resource r has q[r] free units for d units."""
    held = [r for r, x in enumerate(q) if x]
    accepted = 0
    k = 0
    while held and accepted < len(held):
        r = held[k]
        t2 = _fit(times[r], free[r], q[r], t, d)
        if t2 == t:
            accepted += 1
        else:
            t = t2
            accepted = 1
        k = (k + 1) % len(held)
    return t


def _fit(times: list[int], free: list[int], q: int, t: int, d: int) -> int:
    """Earliest start >= t of a window of length d with q free units (last segment: full)."""
    i = bisect_right(times, t) - 1
    n = len(times)
    while True:
        if free[i] < q:
            i += 1
            t = times[i]  # the last segment is at full capacity, so it exists
            continue
        k = i + 1
        while k < n and times[k] < t + d and free[k] >= q:
            k += 1
        if k == n or times[k] >= t + d:
            return t
        i = k


def _take(times: list[int], free: list[int], t: int, end: int, q: int) -> None:
    for x in (t, end):
        i = bisect_right(times, x) - 1
        if times[i] != x:
            times.insert(i + 1, x)
            free.insert(i + 1, free[i])
    a = bisect_right(times, t) - 1
    b = bisect_right(times, end) - 1
    for m in range(a, b):
        free[m] -= q


def lower_bound_units(problem: MultiModeProblem) -> tuple[int, list[int], int]:
    """(makespan bound, group bounds, scale) of the relaxed problem (see :func:`relaxed`)."""
    c = compile_problem(relaxed(problem))
    return makespan_bound(c), group_bounds(c), c.scale


def solve_modes(
    problem: MultiModeProblem,
    objective: Objective = "time",
    effort: int | None = None,
    seed: int = 0,
) -> ModeSchedule:
    """Heuristic multi-mode schedule: the better of candidates A and B (module docstring).

    Deterministic for a given (problem, objective, effort, seed).
    """
    n = len(problem.modes)
    sc = _Scale(problem)
    budget = default_effort(n) if effort is None else max(1, int(effort))
    choice_a = earliest_modes(problem)
    prob_a = fixed(problem, choice_a)
    single = all(len(ms) == 1 for ms in problem.modes)
    if single:
        sched = solve(prob_a, objective=objective, effort=budget, seed=seed)
        return _finish(problem, sc, sched, choice_a, objective, sched.schedules_evaluated)
    c_a = compile_problem(prob_a)
    order = [j for j in _lft_order(c_a) if j < n]
    starts_b, choice_b = multi_mode_sgs(problem, order)
    if choice_b == choice_a:
        # One problem: candidate B's schedule is one more seed of the same search.
        sched = solve(prob_a, objective, budget, seed, seed_starts=_padded(prob_a, starts_b))
        return _finish(problem, sc, sched, choice_a, objective, sched.schedules_evaluated + 1)
    sched_a = solve(prob_a, objective, budget - budget // 2, seed)
    prob_b = fixed(problem, choice_b)
    sched_b = solve(
        prob_b, objective, max(1, budget // 2), seed, seed_starts=_padded(prob_b, starts_b)
    )
    used = sched_a.schedules_evaluated + sched_b.schedules_evaluated + 1
    key_a = _key(problem, sc, sched_a.starts[:n], choice_a, objective)
    key_b = _key(problem, sc, sched_b.starts[:n], choice_b, objective)
    if key_b < key_a:
        return _finish(problem, sc, sched_b, choice_b, objective, used)
    return _finish(problem, sc, sched_a, choice_a, objective, used)


def _padded(prob: Problem, starts: Sequence[float]) -> list[float]:
    """Starts of the real tasks followed by the dummies' (all at 0)."""
    return [*starts, *([0] * (len(prob.durations) - len(starts)))]


def _finish(
    problem: MultiModeProblem,
    sc: _Scale,
    sched: Schedule,
    choice: Sequence[int],
    objective: Objective,
    evaluated: int,
    method: str | None = None,
) -> ModeSchedule:
    """The schedule of the real tasks with the relaxed bound and the proof against it."""
    n = len(problem.modes)
    lb, gb, lb_scale = lower_bound_units(problem)
    starts = sched.starts[:n]
    key = _key(problem, sc, starts, choice, objective)
    # The bounds are in the relaxed problem's quantum: compare exactly as fractions.
    target = (*gb, lb) if objective == "tiers" else (lb, *gb)
    proven = [k * lb_scale for k in key] <= [t * sc.scale for t in target]
    ms = max(
        (
            s + problem.modes[j][m].duration
            for j, (s, m) in enumerate(zip(starts, choice, strict=True))
        ),
        default=0,
    )
    bound = min(lb / lb_scale if lb_scale != 1 else lb, ms)
    return ModeSchedule(
        Schedule(
            starts=tuple(starts),
            makespan=ms,
            lower_bound=bound,
            proven_optimal=proven,
            method=method or sched.method,
            schedules_evaluated=evaluated,
        ),
        tuple(choice),
    )
