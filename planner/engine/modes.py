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
and the componentwise smallest demand of its modes, with each task's head raised to its
earliest finish over its modes (``min_m max(release_m, ES_j) + duration_m``, propagated
along precedences) minus its shortest duration (docs/engine.md, "Lower bound with modes
and releases").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from planner.engine.bounds import group_bounds, makespan_bound
from planner.engine.rcpsp import (
    Objective,
    Problem,
    Schedule,
    _lft_order,
    default_effort,
    solve_compiled,
)
from planner.engine.sgs import (
    Compiled,
    _Profile,
    _reserve,
    _window,
    compile_problem,
    heads_and_tails,
    time_scale,
    to_units,
)

Key = tuple[int, ...]


class ModeSpec(NamedTuple):
    """One mode of a task: its duration, demand per resource and earliest start.

    A tuple of numbers and a tuple of ints: the cyclic garbage collector stops tracking
    it at its first look, so thousands of them do not bring full collections of a large
    plan's heap closer.
    """

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
    return _with_releases(problem, *_relaxed_parts(problem))


def _relaxed_parts(
    problem: MultiModeProblem,
) -> tuple[list[float], list[tuple[int, ...]], list[float]]:
    """The durations, demands and releases of :func:`relaxed` (before the dummies)."""
    durations: list[float] = []
    demands: list[tuple[int, ...]] = []
    releases: list[float] = []
    for ms in problem.modes:
        if len(ms) == 1:
            durations.append(ms[0].duration)
            demands.append(ms[0].demand)
            releases.append(ms[0].release)
        else:
            durations.append(min([m.duration for m in ms]))
            demands.append(tuple(map(min, *[m.demand for m in ms])))
            releases.append(min([m.release for m in ms]))
    return durations, demands, releases


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
    modes = problem.modes
    if sc.scale == 1:
        pairs = enumerate(zip(starts, choice, strict=True))
        fin = [int(s + modes[j][m].duration) for j, (s, m) in pairs]
    else:
        units = sc.units
        fin = [
            units(s) + units(modes[j][m].duration)
            for j, (s, m) in enumerate(zip(starts, choice, strict=True))
        ]
    ms = max(fin, default=0)
    at = fin.__getitem__
    groups = [max(map(at, g)) if g else 0 for g in problem.groups]
    return (*groups, ms) if objective == "tiers" else (ms, *groups)


ModesUnits = list[list[tuple[int, tuple[tuple[int, int], ...], int]]]


def modes_in_units(problem: MultiModeProblem, sc: _Scale) -> ModesUnits:
    """Per task, per mode: (duration, (resource, units) held, release) in units of ``sc``."""
    held_of: dict[tuple[int, ...], tuple[tuple[int, int], ...]] = {}
    for ms in problem.modes:
        for m in ms:
            if m.demand not in held_of:
                held_of[m.demand] = tuple([(r, x) for r, x in enumerate(m.demand) if x])
    if sc.scale == 1:
        return [
            [(int(m.duration), held_of[m.demand], int(m.release)) for m in ms]
            for ms in problem.modes
        ]
    units = sc.units
    return [
        [(units(m.duration), held_of[m.demand], units(m.release)) for m in ms]
        for ms in problem.modes
    ]


def multi_mode_sgs(
    problem: MultiModeProblem,
    order: Sequence[int],
    sc: _Scale | None = None,
    modes_u: ModesUnits | None = None,
) -> tuple[list[float], list[int]]:
    """Serial SGS choosing each task's mode as it is placed: the earliest finish given the
    tasks already placed (ties: the first mode). Returns (starts, modes) in the plan's
    minutes. ``order`` must be precedence-feasible.

    The resource profiles are those of the single-mode SGS on large problems (one per
    resource, in blocks, with skip pointers: :class:`planner.engine.sgs._Profile`); each
    mode asks every resource it holds for its earliest window without taking it, and
    only the chosen mode's window is reserved.
    """
    if sc is None:
        sc = _Scale(problem)
    if modes_u is None:
        modes_u = modes_in_units(problem, sc)
    n = len(problem.modes)
    profiles = [_Profile(cap) for cap in problem.capacities]
    fin = [0] * n
    start = [0] * n
    chosen = [0] * n
    preds = problem.predecessors
    for j in order:
        es = 0
        for i in preds[j]:
            if fin[i] > es:
                es = fin[i]
        options = modes_u[j]
        best_f = best_t = best_k = -1
        for k, (d, held, rel) in enumerate(options):
            t = es if es > rel else rel
            if best_k >= 0 and t + d >= best_f:
                continue  # its window starts at t or later: it cannot finish earlier
            if d > 0 and held:
                if len(held) == 1:
                    # _earliest on one resource: one window.
                    r, q = held[0]
                    p = profiles[r]
                    if t < p.times[-1][-1]:
                        t = _window(p, t, d, q)
                else:
                    t = _earliest(profiles, held, t, d)
            if best_k < 0 or t + d < best_f:
                best_f, best_t, best_k = t + d, t, k
        d, held, _rel = options[best_k]
        if d > 0:
            for r, x in held:
                _reserve(profiles[r], best_t, best_f, x)
        start[j], fin[j], chosen[j] = best_t, best_f, best_k
    if sc.scale == 1:
        return list(start), chosen
    return [s / sc.scale for s in start], chosen


def _earliest(profiles: list[_Profile], held: tuple[tuple[int, int], ...], t: int, d: int) -> int:
    """Earliest start >= t at which every held resource has its units free for d units:
    round robin until every profile accepts the same start (as ``sgs._pool_sgs``)."""
    accepted = 0
    k = 0
    m = len(held)
    while accepted < m:
        r, q = held[k]
        p = profiles[r]
        t2 = _window(p, t, d, q) if t < p.times[-1][-1] else t
        if t2 == t:
            accepted += 1
        else:
            t = t2
            accepted = 1
        k = k + 1 if k + 1 < m else 0
    return t


def _same_graph(
    c: Compiled, durations: Sequence[float], demands: Sequence[tuple[int, ...]]
) -> Compiled | None:
    """``c`` with other durations and demands on the same precedence graph (None when
    they need another time quantum): what :func:`~planner.engine.sgs.compile_problem`
    would give, without building the graph, its order and its checks again."""
    integral = all([type(d) is int for d in durations])
    if integral:
        # Integers: quantum 1 (compile_problem's too), and each duration is its own units.
        if c.scale != 1:
            return None
        dur = [int(d) for d in durations]
    else:
        if time_scale(durations) != c.scale:
            return None
        dur = [to_units(d, c.scale) for d in durations]
    caps = c.capacities
    bits = max(caps, default=1).bit_length() + 1
    packed: dict[tuple[int, ...], tuple[int, tuple[tuple[int, int], ...]]] = {}
    req = [0] * c.n
    uses: list[tuple[tuple[int, int], ...]] = [()] * c.n
    for j, q in enumerate(demands):
        got = packed.get(q)
        if got is None:
            held = tuple([(r, x) for r, x in enumerate(q) if x])
            value = 0
            for r, x in held:
                value |= x << (r * bits)
            got = packed[q] = (value, held)
        if dur[j] > 0 and got[1]:
            req[j], uses[j] = got
    head, tail, cp = heads_and_tails(c.topo, c.preds, c.succs, dur)
    return replace(
        c,
        dur=dur,
        demands=list(demands),
        int_output=integral,
        req=req,
        uses=uses,
        head=head,
        tail=tail,
        cp=cp,
    )


def _compile_fixed(
    problem: MultiModeProblem, choice: Sequence[int], like: Compiled, releases: Sequence[float]
) -> Compiled:
    """The compiled problem of ``choice``; on ``like``'s graph when the releases match."""
    specs = [problem.modes[j][m] for j, m in enumerate(choice)]
    if all(s.release == r for s, r in zip(specs, releases, strict=True)):
        n = len(specs)
        durations = [s.duration for s in specs] + like_durations(like, n)
        demands = [s.demand for s in specs] + list(like.demands[n:])
        same = _same_graph(like, durations, demands)
        if same is not None:
            return same
    return compile_problem(fixed(problem, choice))


def like_durations(c: Compiled, n: int) -> list[float]:
    """The dummies' durations (the releases) of a compiled problem with n real tasks."""
    return [c.from_units(d) for d in c.dur[n:]]


def lower_bound_units(problem: MultiModeProblem) -> tuple[int, list[int], int]:
    """(makespan bound, group bounds, scale): the bounds of the relaxed problem (see
    :func:`relaxed`) with the heads of :func:`earliest_finish_units` (docs/engine.md,
    "Lower bound with modes and releases")."""
    return _relaxed_bound(problem)[1]


def earliest_finish_units(
    problem: MultiModeProblem,
    sc: _Scale,
    topo: Sequence[int],
    modes_u: ModesUnits | None = None,
) -> list[int]:
    """Each task's earliest finish in units of ``sc``: ``min over modes m of (max(release_m,
    ES_j) + duration_m)`` with ``ES_j`` the largest earliest finish of its predecessors.
    ``topo`` is a precedence-feasible order (it may hold other indices, >= n: skipped);
    ``modes_u``, :func:`modes_in_units` when already known."""
    n = len(problem.modes)
    preds = problem.predecessors
    if modes_u is None:
        modes_u = modes_in_units(problem, sc)
    ef = [0] * n
    for j in topo:
        if j >= n:
            continue
        es = 0
        for i in preds[j]:
            if ef[i] > es:
                es = ef[i]
        best = -1
        for d, _held, rel in modes_u[j]:
            f = (es if es > rel else rel) + d
            if best < 0 or f < best:
                best = f
        ef[j] = best
    return ef


def _relaxed_bound(
    problem: MultiModeProblem, sc: _Scale | None = None
) -> tuple[Compiled, tuple[int, list[int], int]]:
    """The compiled relaxed problem and (makespan bound, group bounds, scale).

    The bounds are those of the relaxed problem in the quantum of every mode (``_Scale``)
    with each real task's head raised to its earliest finish minus its shortest duration,
    and the critical path taken as the largest ``head + duration + tail``; when the relaxed
    problem has another quantum, its own bounds (rounded up into ours) count too.
    """
    c, bound, _releases = _relaxed_bound_and_releases(problem, sc)
    return c, bound


def _relaxed_bound_and_releases(
    problem: MultiModeProblem, sc: _Scale | None = None, modes_u: ModesUnits | None = None
) -> tuple[Compiled, tuple[int, list[int], int], list[float]]:
    """:func:`_relaxed_bound` and the relaxed releases (each task's earliest)."""
    durations, demands, releases = _relaxed_parts(problem)
    p_r = _with_releases(problem, durations, demands, releases)
    c = compile_problem(p_r)
    n = len(problem.modes)
    if sc is None:
        sc = _Scale(problem)
    ef = earliest_finish_units(problem, sc, c.topo, modes_u)
    if sc.scale == c.scale:
        dur = c.dur
        tail = c.tail
    else:
        dur = [sc.units(d) for d in p_r.durations]
        tail = heads_and_tails(c.topo, c.preds, c.succs, dur)[1]
    head = [ef[j] - dur[j] for j in range(n)] + [0] * (c.n - n)
    cp = max([h + d + t for h, d, t in zip(head, dur, tail, strict=True)], default=0)
    tight = replace(c, dur=dur, head=head, tail=tail, cp=cp, scale=sc.scale)
    lb, gb = makespan_bound(tight), group_bounds(tight)
    if sc.scale != c.scale:
        # The relaxed problem's own bounds, in our units rounded up (integer optimum).
        lb = max(lb, -(-makespan_bound(c) * sc.scale // c.scale))
        gb = [
            max(g, -(-g_r * sc.scale // c.scale))
            for g, g_r in zip(gb, group_bounds(c), strict=True)
        ]
    return c, (lb, gb, sc.scale), releases


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
    modes_u = modes_in_units(problem, sc)
    c_r, bound, relaxed_releases = _relaxed_bound_and_releases(problem, sc, modes_u)
    # The searches stop early at the relaxed problem's own makespan bound, as before the
    # earliest finishes raised the reported one (stopping at that would change how many
    # passes they make); a single pass has nothing to stop and needs none.
    lb = makespan_bound(c_r) if budget > 1 else 0
    lb_scale = c_r.scale
    choice_a = earliest_modes(problem)
    c_a = _compile_fixed(problem, choice_a, c_r, relaxed_releases)

    def in_units(c: Compiled) -> int:
        # The search bound in c's quantum, rounded up: c's optimum is an integer there.
        return -(-lb * c.scale // lb_scale)

    if all(len(ms) == 1 for ms in problem.modes):
        sched = solve_compiled(c_a, objective, budget, seed, lb=in_units(c_a))
        return _finish(problem, sc, bound, sched, choice_a, objective, sched.schedules_evaluated)
    order = [j for j in _lft_order(c_a) if j < n]
    starts_b, choice_b = multi_mode_sgs(problem, order, sc, modes_u)
    budget_b = budget // 2
    sched_a = solve_compiled(c_a, objective, budget - budget_b, seed, lb=in_units(c_a))
    if budget_b < 2:
        # No budget to improve it: candidate B is the multi-mode pass's own schedule.
        ms_b = max(
            (
                s + problem.modes[j][m].duration
                for j, (s, m) in enumerate(zip(starts_b, choice_b, strict=True))
            ),
            default=0,
        )
        sched_b = Schedule(tuple(starts_b), ms_b, 0, False, sched_a.method, 1)
        used = sched_a.schedules_evaluated + 1
    else:
        c_b = (
            c_a
            if choice_b == choice_a
            else _compile_fixed(problem, choice_b, c_r, relaxed_releases)
        )
        sched_b = solve_compiled(
            c_b, objective, budget_b, seed, _padded(c_b.n, starts_b), lb=in_units(c_b)
        )
        used = sched_a.schedules_evaluated + sched_b.schedules_evaluated + 1
    key_a = _key(problem, sc, sched_a.starts[:n], choice_a, objective)
    key_b = _key(problem, sc, sched_b.starts[:n], choice_b, objective)
    if key_b < key_a:
        return _finish(problem, sc, bound, sched_b, choice_b, objective, used, key=key_b)
    return _finish(problem, sc, bound, sched_a, choice_a, objective, used, key=key_a)


def _padded(size: int, starts: Sequence[float]) -> list[float]:
    """Starts of the real tasks followed by the dummies' (all at 0)."""
    return [*starts, *([0] * (size - len(starts)))]


def _finish(
    problem: MultiModeProblem,
    sc: _Scale,
    bound_units: tuple[int, list[int], int],
    sched: Schedule,
    choice: Sequence[int],
    objective: Objective,
    evaluated: int,
    method: str | None = None,
    key: Key | None = None,
) -> ModeSchedule:
    """The schedule of the real tasks with the bound and the proof against it (``key``:
    its objective key when already known)."""
    n = len(problem.modes)
    lb, gb, lb_scale = bound_units
    starts = sched.starts[:n]
    if key is None:
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
