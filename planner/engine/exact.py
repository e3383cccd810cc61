"""Exact mode: the same problem as a CP-SAT model (OR-Tools), warm-started by the heuristic.

Model: one interval variable per task with positive duration, ``start_j >= start_i + d_i``
for every precedence, one ``AddCumulative`` per resource, and integer time in the units
of :func:`planner.engine.sgs.compile_problem` (1 for integer durations; otherwise the
smallest common quantum such as 1/60 of a minute or the LCM of small denominators). The
lexicographic objectives are solved as a sequence of CP-SAT runs sharing one time
limit: each stage minimises one component with the earlier ones fixed at their
(proven) optimum.

OR-Tools is optional (``pip install 'drplanner[exact]'``): importing this module works
without it, calling :func:`solve_exact` raises :class:`ExactUnavailable`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from planner.engine.bounds import makespan_bound
from planner.engine.modes import (
    ModeSchedule,
    MultiModeProblem,
    _Scale,
    lower_bound_units,
    solve_modes,
)
from planner.engine.rcpsp import Objective, Problem, Schedule, solve, targets
from planner.engine.search import make_key_fn
from planner.engine.sgs import Compiled, compile_problem, to_units

# CP-SAT works on int64; keep well clear of it (sums of horizons appear in propagation).
_MAX_HORIZON_UNITS = 2**40

# Full-problem workers, in the order they are added as the worker count grows. "no_lp"
# (no linear relaxation) first: on the hardest J30 instances it proves optimality several
# times faster than the default "default_lp", whose LP adds nothing to the cumulative
# reasoning; see docs/engine-scheduler.md. One further worker runs CP-SAT's
# large-neighbourhood searches, which find the better schedules.
_FULL_WORKERS = ("no_lp", "default_lp", "fixed", "max_lp", "quick_restart", "pseudo_costs")


class ExactUnavailable(RuntimeError, ImportError):
    """OR-Tools (CP-SAT) is not installed (an ImportError, so callers can report it plainly)."""


def _cp_model() -> Any:
    try:
        from ortools.sat.python import cp_model
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ExactUnavailable("exact mode needs OR-Tools: pip install 'drplanner[exact]'") from exc
    return cp_model


def _ms(c: Compiled, starts: Sequence[int]) -> int:
    return max((s + d for s, d in zip(starts, c.dur, strict=True)), default=0)


def _build(
    cp_model: Any, c: Compiled, horizon: int, ms_lb: int
) -> tuple[Any, list[Any], Any, list[Any]]:
    """Model with start variables, the makespan and one completion variable per group."""
    m = cp_model.CpModel()
    starts = []
    for j in range(c.n):
        # Heads and tails tighten the domains: no schedule of length <= horizon starts
        # task j before its head or after horizon - d_j - tail_j.
        lo = c.head[j]
        hi = horizon - c.dur[j] - c.tail[j]
        starts.append(m.new_int_var(lo, max(lo, hi), f"s{j}"))
    for j in range(c.n):
        for i in c.preds[j]:
            m.add(starts[j] >= starts[i] + c.dur[i])
    for r, cap in enumerate(c.capacities):
        ivs = []
        dem = []
        for j in range(c.n):
            q = c.demands[j][r]
            if q > 0 and c.dur[j] > 0:
                ivs.append(m.new_fixed_size_interval_var(starts[j], c.dur[j], f"i{j}_{r}"))
                dem.append(q)
        if ivs and sum(dem) > cap:
            m.add_cumulative(ivs, dem, cap)
    # Redundant but useful: our own makespan bound as the makespan's lower bound.
    makespan = m.new_int_var(min(max(c.cp, ms_lb), horizon), horizon, "makespan")
    for j in range(c.n):
        if not c.succs[j]:
            m.add(makespan >= starts[j] + c.dur[j])
    groups = []
    for k, g in enumerate(c.groups):
        v = m.new_int_var(0, horizon, f"g{k}")
        if g:
            m.add_max_equality(v, [starts[j] + c.dur[j] for j in g])
        else:
            m.add(v == 0)
        groups.append(v)
    return m, starts, makespan, groups


def _set_workers(params: Any, workers: int, seed: int) -> None:
    """A fixed worker count and seed; about half the workers search the full problem."""
    count = max(1, int(workers))
    params.num_workers = count
    params.random_seed = int(seed)
    if count == 1:
        # A single worker runs the base parameters, not a named subsolver: "no_lp" is
        # linearization level 0.
        params.linearization_level = 0
    else:
        params.subsolvers.extend(_FULL_WORKERS[: count // 2])


def _method(proven: bool, improved: bool) -> str:
    if proven:
        return "cp-sat optimal"
    return "cp-sat feasible" if improved else "cp-sat timeout (heuristic kept)"


def _solve_in_stages(
    cp_model: Any,
    m: Any,
    components: Sequence[Any],
    first_is_makespan: bool,
    t_end: float,
    workers: int,
    seed: int,
    better: Callable[[Any], None],
    rehint: Callable[[], None],
) -> tuple[int | None, bool]:
    """Minimise the objective components in order, each fixed at its optimum before the
    next, until ``t_end``. ``better(solver)`` sees every feasible solution; ``rehint()``
    hints the incumbent again after a stage. Returns the first stage's proven bound when
    it is the unconstrained makespan (a global bound; None otherwise) and whether every
    stage was proven optimal."""
    first_bound: int | None = None
    for stage, var in enumerate(components):
        remaining = t_end - time.monotonic()
        if remaining <= 0:
            return first_bound, False
        m.minimize(var)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = remaining
        _set_workers(solver.parameters, workers, seed)
        status = solver.solve(m)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            better(solver)
        if stage == 0 and first_is_makespan:
            first_bound = int(solver.best_objective_bound)
        if status != cp_model.OPTIMAL:
            return first_bound, False
        m.add(var <= int(solver.objective_value))
        m.clear_hints()
        rehint()
    return first_bound, True


def solve_exact(
    problem: Problem,
    time_limit_s: float,
    start: Schedule | None = None,
    workers: int = 2,
    seed: int = 0,
    objective: Objective = "time",
) -> Schedule:
    """CP-SAT search within ``time_limit_s`` seconds, starting from a heuristic schedule.

    ``start`` (default: :func:`planner.engine.rcpsp.solve`) is the hint and the fallback:
    without a strictly better CP-SAT solution it is returned unchanged, with the lower
    bound raised to CP-SAT's proven bound. ``method`` says which case happened.
    """
    cp_model = _cp_model()
    if objective not in ("time", "tiers"):
        raise ValueError(f"unknown objective {objective!r}")
    t_end = time.monotonic() + max(0.0, time_limit_s)
    c = compile_problem(problem)
    if start is None:
        start = solve(problem, objective=objective, seed=seed)
    hint = [to_units(s, c.scale) for s in start.starts]
    horizon = _ms(c, hint)
    if objective == "tiers":
        # A tiers optimum may need a longer makespan than the hint; some optimum is
        # semi-active, and a semi-active schedule never exceeds the sum of durations.
        horizon = max(horizon, sum(c.dur))
    if horizon > _MAX_HORIZON_UNITS:
        raise ValueError(
            f"durations need a time quantum of 1/{c.scale}; the horizon of {horizon} units "
            "is too large for CP-SAT"
        )
    own_lb = makespan_bound(c)
    key = make_key_fn(c, objective)
    best = hint
    best_key = key(hint)
    target = targets(c, objective, own_lb)
    if best_key <= target:
        # Already proven by the cheap bounds: nothing for CP-SAT to do.
        return Schedule(
            start.starts,
            start.makespan,
            c.from_units(min(own_lb, horizon)),
            True,
            "optimal by lower bound (cp-sat not needed)",
            start.schedules_evaluated,
        )

    m, sv, makespan, gv = _build(cp_model, c, horizon, own_lb)
    components = [*gv, makespan] if objective == "tiers" else [makespan, *gv]
    for j, s in enumerate(hint):
        m.add_hint(sv[j], s)

    improved = False

    def better(solver: Any) -> None:
        nonlocal best, best_key, improved
        cand = [int(solver.value(v)) for v in sv]
        if key(cand) < best_key:
            best, best_key = cand, key(cand)
            improved = True

    def rehint() -> None:
        for j, s in enumerate(best):
            m.add_hint(sv[j], s)

    first_bound, all_proven = _solve_in_stages(
        cp_model, m, components, objective == "time", t_end, workers, seed, better, rehint
    )
    lb_units = own_lb if first_bound is None else max(own_lb, first_bound)

    ms = _ms(c, best)
    proven = all_proven or best_key <= targets(c, objective, lb_units)
    if objective == "time" and not c.groups and ms <= lb_units:
        proven = True
    method = _method(proven, improved)
    if not improved:
        return Schedule(
            start.starts,
            start.makespan,
            c.from_units(min(lb_units, ms)),
            proven,
            method,
            start.schedules_evaluated,
        )
    return Schedule(
        tuple(c.from_units(s) for s in best),
        c.from_units(ms),
        c.from_units(min(lb_units, ms)),
        proven,
        method,
        start.schedules_evaluated,
    )


def solve_exact_modes(
    problem: MultiModeProblem,
    time_limit_s: float,
    start: ModeSchedule | None = None,
    workers: int = 2,
    seed: int = 0,
    objective: Objective = "time",
) -> ModeSchedule:
    """CP-SAT on a multi-mode problem with releases, hinted with the heuristic.

    Each task has one start, one optional interval per mode and resource (exactly one
    mode present), and its mode's release as a lower bound on the start when that mode
    is present. The lexicographic stages, the fallback and ``method`` are those of
    :func:`solve_exact`; the lower bound is the relaxed one of
    :mod:`planner.engine.modes` raised by CP-SAT's proven makespan bound.
    """
    cp_model = _cp_model()
    if objective not in ("time", "tiers"):
        raise ValueError(f"unknown objective {objective!r}")
    t_end = time.monotonic() + max(0.0, time_limit_s)
    if start is None:
        start = solve_modes(problem, objective=objective, seed=seed)
    sc = _Scale(problem)
    n = len(problem.modes)
    modes_u = [
        [(sc.units(m.duration), m.demand, sc.units(m.release)) for m in ms] for ms in problem.modes
    ]
    hint = [sc.units(s) for s in start.schedule.starts]
    choice = list(start.modes)
    fin = [hint[j] + modes_u[j][choice[j]][0] for j in range(n)]
    horizon = max(fin, default=0)
    if objective == "tiers":
        latest = max((r for ms in modes_u for _d, _q, r in ms), default=0)
        horizon = max(horizon, latest + sum(max(d for d, _q, _r in ms) for ms in modes_u))
    if horizon > _MAX_HORIZON_UNITS:
        raise ValueError(
            f"durations need a time quantum of 1/{sc.scale}; the horizon of {horizon} units "
            "is too large for CP-SAT"
        )
    lb, gb, lb_scale = lower_bound_units(problem)
    own_lb = -(-lb * sc.scale // lb_scale)  # in our units, rounded up (integer optimum)
    group_lb = [-(-g * sc.scale // lb_scale) for g in gb]
    target = (*group_lb, own_lb) if objective == "tiers" else (own_lb, *group_lb)

    def key(starts: Sequence[int], chosen: Sequence[int]) -> tuple[int, ...]:
        f = [s + modes_u[j][m][0] for j, (s, m) in enumerate(zip(starts, chosen, strict=True))]
        groups = [max((f[j] for j in g), default=0) for g in problem.groups]
        ms = max(f, default=0)
        return (*groups, ms) if objective == "tiers" else (ms, *groups)

    best, best_choice = hint, choice
    best_key = key(hint, choice)
    if best_key <= target:
        return ModeSchedule(
            replace(start.schedule, proven_optimal=True, method=_BY_BOUND), start.modes
        )
    m = cp_model.CpModel()
    sv, ev, pv = [], [], []
    per_resource: list[tuple[list[Any], list[int]]] = [([], []) for _ in problem.capacities]
    for j, ms in enumerate(modes_u):
        lo = min(r for _d, _q, r in ms)
        s = m.new_int_var(lo, horizon, f"s{j}")
        e = m.new_int_var(lo, horizon, f"e{j}")
        present = []
        for k, (d, q, rel) in enumerate(ms):
            p = m.new_bool_var(f"p{j}_{k}") if len(ms) > 1 else m.new_constant(1)
            present.append(p)
            m.add(e == s + d).only_enforce_if(p)
            if rel > lo:
                m.add(s >= rel).only_enforce_if(p)
            if d > 0:
                for r, x in enumerate(q):
                    if x:
                        iv = m.new_optional_fixed_size_interval_var(s, d, p, f"i{j}_{k}_{r}")
                        per_resource[r][0].append(iv)
                        per_resource[r][1].append(x)
        if len(ms) > 1:
            m.add_exactly_one(present)
        sv.append(s)
        ev.append(e)
        pv.append(present)
    for j, preds in enumerate(problem.predecessors):
        for i in preds:
            m.add(sv[j] >= ev[i])
    for (ivs, dem), cap in zip(per_resource, problem.capacities, strict=True):
        if ivs and sum(dem) > cap:
            m.add_cumulative(ivs, dem, cap)
    makespan = m.new_int_var(min(own_lb, horizon), horizon, "makespan")
    m.add_max_equality(makespan, ev) if ev else m.add(makespan == 0)
    gv = []
    for k, g in enumerate(problem.groups):
        v = m.new_int_var(0, horizon, f"g{k}")
        if g:
            m.add_max_equality(v, [ev[j] for j in g])
        else:
            m.add(v == 0)
        gv.append(v)
    components = [*gv, makespan] if objective == "tiers" else [makespan, *gv]

    def add_hints(starts: Sequence[int], chosen: Sequence[int]) -> None:
        for j, s0 in enumerate(starts):
            m.add_hint(sv[j], s0)
            if len(pv[j]) > 1:
                for k, p in enumerate(pv[j]):
                    m.add_hint(p, k == chosen[j])

    add_hints(hint, choice)
    improved = False

    def better(solver: Any) -> None:
        nonlocal best, best_choice, best_key, improved
        cand = [int(solver.value(v)) for v in sv]
        cand_choice = [
            next(k for k, p in enumerate(ps) if len(ps) == 1 or solver.boolean_value(p))
            for ps in pv
        ]
        if key(cand, cand_choice) < best_key:
            best, best_choice = cand, cand_choice
            best_key = key(cand, cand_choice)
            improved = True

    first_bound, all_proven = _solve_in_stages(
        cp_model,
        m,
        components,
        objective == "time",
        t_end,
        workers,
        seed,
        better,
        lambda: add_hints(best, best_choice),
    )
    lb_units = own_lb if first_bound is None else max(own_lb, first_bound)
    ms_units = best_key[-1] if objective == "tiers" else best_key[0]
    target = (*group_lb, lb_units) if objective == "tiers" else (lb_units, *group_lb)
    proven = all_proven or best_key <= target
    if objective == "time" and not problem.groups and ms_units <= lb_units:
        proven = True
    method = _method(proven, improved)
    bound = min(lb_units, ms_units) / sc.scale if sc.scale != 1 else min(lb_units, ms_units)
    if not improved:
        return ModeSchedule(
            replace(start.schedule, lower_bound=bound, proven_optimal=proven, method=method),
            start.modes,
        )
    starts_out = tuple(s / sc.scale if sc.scale != 1 else s for s in best)
    return ModeSchedule(
        Schedule(
            starts_out,
            ms_units / sc.scale if sc.scale != 1 else ms_units,
            bound,
            proven,
            method,
            start.schedule.schedules_evaluated,
        ),
        tuple(best_choice),
    )


_BY_BOUND = "optimal by lower bound (cp-sat not needed)"
