"""The recovery of a scenario: task graph, schedule, recovered times, RTO checks.

Semantics (docs/engine.md states them in full): each service with a task of its own
may start it only when every service in its ``depends_on`` has recovered, holds its
pool units while it runs, and ``recovered(s) = max(own finish or 0, recovered(d) for d
in depends_on)``. The scenario's recovery time is the largest ``recovered``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from planner.engine.impact import Action, Impact, ScenarioError, State, analyse, failed_set_of
from planner.engine.rcpsp import Problem, Schedule, solve
from planner.model.graph import dependency_order
from planner.model.plan import TIERS, Plan
from planner.model.validate import validate

Objective = Literal["time", "tiers"]
MissReason = Literal["path", "resources"]

# Problems that do not change what a scenario costs and so do not block a computation.
_HARMLESS_FIELDS = {("server", "position"), ("server", "height"), ("rack", "units")}


@dataclass(frozen=True)
class ServiceRecovery:
    id: str
    name: str
    tier: int
    state: State
    start: float | None
    finish: float | None
    recovered: float
    rto_minutes: float | None
    meets_rto: bool | None
    recovered_unlimited: float  # recovered with unlimited pools: the dependency chain alone
    miss_reason: MissReason | None  # why the RTO is missed: chain too long, or pools too small
    needs: dict[str, int] = field(default_factory=dict)
    waits_for: tuple[str, ...] = ()  # services whose task this one's task waits for


@dataclass(frozen=True)
class RecoveryResult:
    scenario: str | None
    failed: tuple[str, ...]
    impact: Impact
    services: tuple[ServiceRecovery, ...]  # in plan order
    recovery_minutes: float
    lower_bound_minutes: float
    proven_optimal: bool
    method: str
    objective: Objective
    critical_path: tuple[str, ...]
    tier_minutes: dict[int, float]
    schedules_evaluated: int

    def service(self, service_id: str) -> ServiceRecovery | None:
        return next((s for s in self.services if s.id == service_id), None)

    @property
    def tasks(self) -> list[ServiceRecovery]:
        """Services with a task of their own, in schedule order (start, then plan order)."""
        with_task = [s for s in self.services if s.start is not None]
        return sorted(with_task, key=lambda s: (s.start, s.finish))

    @property
    def rto_misses(self) -> list[ServiceRecovery]:
        return [s for s in self.services if s.meets_rto is False]


@dataclass(frozen=True)
class TaskGraph:
    """The recovery tasks of a scenario as an RCPSP instance plus the maps back."""

    problem: Problem
    task_services: tuple[str, ...]  # task index -> service id
    frontier: dict[str, frozenset[int]]  # service id -> tasks its recovery waits for
    order: tuple[str, ...]  # service ids, dependencies first
    pools: tuple[str, ...]


def check_computable(plan: Plan) -> None:
    """Raise :class:`ScenarioError` listing the plan problems that prevent a computation."""
    blocking = [str(p) for p in validate(plan) if (p.kind, p.field) not in _HARMLESS_FIELDS]
    if blocking:
        raise ScenarioError(blocking)


def build_task_graph(plan: Plan, actions: dict[str, Action]) -> TaskGraph:
    """Tasks for the services with an action; precedences through dependency-only services.

    A task waits for the nearest tasks reachable along ``depends_on``: a dependency
    with a task of its own is waited for directly (its own start already waits for
    what lies behind it), one without is looked through.
    """
    services = {s.id: s for s in plan.services}
    task_services = tuple(s.id for s in plan.services if s.id in actions)
    index = {sid: i for i, sid in enumerate(task_services)}
    order = dependency_order(plan.services)
    frontier: dict[str, frozenset[int]] = {}
    for sid in order:  # dependencies first, so each frontier is built from finished ones
        reach: set[int] = set()
        for dep in services[sid].depends_on:
            if dep in index:
                reach.add(index[dep])
            else:
                reach |= frontier[dep]
        frontier[sid] = frozenset(reach)
    pools = tuple(p.id for p in plan.pools)
    pool_index = {p: i for i, p in enumerate(pools)}
    durations, predecessors, demands = [], [], []
    for sid in task_services:
        service = services[sid]
        minutes = (
            service.failover_minutes if actions[sid] == "failover" else service.restore_minutes
        )
        durations.append(minutes if minutes is not None else 0)
        predecessors.append(tuple(sorted(frontier[sid])))
        demand = [0] * len(pools)
        for pool_id, units in service.needs.items():
            demand[pool_index[pool_id]] = units
        demands.append(tuple(demand))
    members: dict[int, set[int]] = {tier: set() for tier in TIERS}
    for service in plan.services:
        group = members.setdefault(service.tier, set())
        group |= frontier[service.id]
        if service.id in index:
            group.add(index[service.id])
    problem = Problem(
        durations=tuple(durations),
        predecessors=tuple(predecessors),
        demands=tuple(demands),
        capacities=tuple(p.capacity for p in plan.pools),
        groups=tuple(tuple(sorted(members[tier])) for tier in TIERS),
    )
    return TaskGraph(problem, task_services, frontier, tuple(order), pools)


def compute(
    plan: Plan,
    scenario_id: str | None = None,
    failed: Iterable[str] = (),
    objective: Objective = "time",
    exact_seconds: float | None = None,
    effort: int | None = None,
    check: bool = True,
) -> RecoveryResult:
    """Evaluate a scenario (named, ad hoc, or both) and schedule its recovery.

    Raises :class:`ScenarioError` for an unknown scenario or id, or a plan that cannot
    be computed (a dependency cycle, a need above a pool's capacity, ...). ``check=False``
    skips validating the plan, for callers that have just validated it.
    """
    failed_ids = failed_set_of(plan, scenario_id, failed)
    if check:
        check_computable(plan)
    impact = analyse(plan, failed_ids)
    graph = build_task_graph(plan, impact.actions)
    schedule = solve(graph.problem, objective=objective, effort=effort)
    if exact_seconds is not None:
        from planner.engine.exact import solve_exact

        schedule = solve_exact(graph.problem, exact_seconds, start=schedule, objective=objective)
    return _result(plan, scenario_id, impact, graph, schedule, objective)


def _service_recovery(**fields: object) -> ServiceRecovery:
    """``ServiceRecovery(**fields)`` for all fields at once, five times cheaper.

    The frozen dataclass ``__init__`` sets its 13 fields one ``object.__setattr__`` at a
    time; a plan with thousands of services builds one per service on every computation.
    Setting the instance ``__dict__`` in one go gives an equal, still frozen object.
    """
    result = object.__new__(ServiceRecovery)
    object.__setattr__(result, "__dict__", fields)
    return result


def _clean(value: float) -> float:
    """Integral floats as ints, so that minutes print as 90, not 90.0."""
    if type(value) is int:
        return value
    return int(value) if float(value).is_integer() else value


def _result(
    plan: Plan,
    scenario_id: str | None,
    impact: Impact,
    graph: TaskGraph,
    schedule: Schedule,
    objective: Objective,
) -> RecoveryResult:
    problem = graph.problem
    starts = schedule.starts
    finishes = [s + d for s, d in zip(starts, problem.durations, strict=True)]
    index = {sid: i for i, sid in enumerate(graph.task_services)}
    services = {s.id: s for s in plan.services}
    # recovered(s) = max(own finish, recovered(d) for d in depends_on), dependencies
    # first; the same pass with unlimited pools gives the dependency chain alone.
    recovered: dict[str, float] = {}
    unlimited: dict[str, float] = {}
    durations = problem.durations
    for sid in graph.order:
        ready = ready_unlimited = 0
        for d in services[sid].depends_on:
            if recovered[d] > ready:
                ready = recovered[d]
            if unlimited[d] > ready_unlimited:
                ready_unlimited = unlimited[d]
        own = index.get(sid)
        if own is None:
            recovered[sid], unlimited[sid] = ready, ready_unlimited
        else:
            recovered[sid] = max(ready, finishes[own])
            unlimited[sid] = ready_unlimited + durations[own]
    task_services = graph.task_services
    preds = problem.predecessors  # sorted frontiers of the services with a task
    results = []
    recovery: float = 0
    tiers: dict[int, float] = {}
    for service in plan.services:
        own = index.get(service.id)
        waits = graph.frontier[service.id]
        if own is not None:
            state: State = impact.actions[service.id]
        elif waits:
            state = "dependency"
        else:
            state = "unaffected"
        rto = service.rto_minutes
        done = _clean(recovered[service.id])
        meets = None if rto is None else done <= rto
        reason: MissReason | None = None
        if meets is False:
            reason = "path" if unlimited[service.id] > rto else "resources"
        results.append(
            _service_recovery(
                id=service.id,
                name=service.name,
                tier=service.tier,
                state=state,
                start=_clean(starts[own]) if own is not None else None,
                finish=_clean(finishes[own]) if own is not None else None,
                recovered=done,
                rto_minutes=rto,
                meets_rto=meets,
                recovered_unlimited=_clean(unlimited[service.id]),
                miss_reason=reason,
                needs=dict(service.needs) if own is not None else {},
                waits_for=tuple(
                    [task_services[i] for i in (preds[own] if own is not None else sorted(waits))]
                )
                if waits
                else (),
            )
        )
        if done > recovery:
            recovery = done
        tiers[service.tier] = max(tiers.get(service.tier, 0), done)
    return RecoveryResult(
        scenario=scenario_id,
        failed=impact.failed,
        impact=impact,
        services=tuple(results),
        recovery_minutes=_clean(recovery),
        lower_bound_minutes=_clean(min(schedule.lower_bound, recovery)),
        proven_optimal=schedule.proven_optimal,
        method=schedule.method,
        objective=objective,
        critical_path=tuple(graph.task_services[i] for i in _critical_chain(problem, starts)),
        tier_minutes=dict(sorted(tiers.items())),
        schedules_evaluated=schedule.schedules_evaluated,
    )


def _critical_chain(problem: Problem, starts: tuple[float, ...]) -> list[int]:
    """The chain of tasks that sets the recovery time, walked back from the last finish.

    Each step goes to a predecessor that finishes exactly when the task starts (the
    dependency held it back) or, failing that, to a task sharing a pool that finishes
    then (the pool held it back).
    """
    n = len(starts)
    if n == 0:
        return []
    finishes = [s + d for s, d in zip(starts, problem.durations, strict=True)]
    ending_at: dict[float, list[int]] = {}
    for task, finish in enumerate(finishes):
        ending_at.setdefault(finish, []).append(task)
    last = finishes.index(max(finishes))  # the latest finish, lowest index among ties
    chain = [last]
    seen = {last}
    current = last
    while starts[current] > 0:
        start = starts[current]
        before = [p for p in problem.predecessors[current] if finishes[p] == start]
        if not before:
            uses = {r for r, q in enumerate(problem.demands[current]) if q}
            before = [
                j
                for j in ending_at.get(start, ())
                if j not in seen and any(problem.demands[j][r] for r in uses)
            ]
        if not before:
            break
        current = min(before)
        if current in seen:
            break
        seen.add(current)
        chain.append(current)
    chain.reverse()
    return chain
