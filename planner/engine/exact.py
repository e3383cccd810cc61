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
from collections.abc import Sequence
from typing import Any

from planner.engine.bounds import makespan_bound
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

    lb_units = own_lb
    all_proven = True
    improved = False
    for stage, var in enumerate(components):
        remaining = t_end - time.monotonic()
        if remaining <= 0:
            all_proven = False
            break
        m.minimize(var)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = remaining
        _set_workers(solver.parameters, workers, seed)
        status = solver.solve(m)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            cand = [int(solver.value(v)) for v in sv]
            if key(cand) < best_key:
                best, best_key = cand, key(cand)
                improved = True
        if stage == 0 and objective == "time":
            # The first stage is the unconstrained makespan: its bound is a global one.
            lb_units = max(lb_units, int(solver.best_objective_bound))
        if status != cp_model.OPTIMAL:
            all_proven = False
            break
        # Fix this component at its optimum and re-hint the incumbent for the next stage.
        m.add(var <= int(solver.objective_value))
        m.clear_hints()
        for j, s in enumerate(best):
            m.add_hint(sv[j], s)

    ms = _ms(c, best)
    proven = all_proven or best_key <= targets(c, objective, lb_units)
    if objective == "time" and not c.groups and ms <= lb_units:
        proven = True
    if proven:
        method = "cp-sat optimal"
    elif improved:
        method = "cp-sat feasible"
    else:
        method = "cp-sat timeout (heuristic kept)"
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
