"""The recovery of a scenario: task graph, schedule, recovered times, RTO checks.

Semantics (docs/engine.md states them in full): each service with a task of its own
may start it only when every service in its ``depends_on`` has recovered, holds its
pool units while it runs, and ``recovered(s) = max(own finish or 0, recovered(d) for d
in depends_on)``. The scenario's recovery time is the largest ``recovered``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from planner.engine.impact import (
    Action,
    Impact,
    Mode,
    ScenarioError,
    State,
    analyse,
    failed_set_of,
)
from planner.engine.rcpsp import Problem, Schedule, solve
from planner.model.graph import dependency_order
from planner.model.plan import TIERS, Plan
from planner.model.problems import Problem as ValidationProblem
from planner.model.validate import validate

Objective = Literal["time", "tiers"]
# Why an RTO is missed: the service's own task alone takes longer ("own"), the dependency
# chain does even with unlimited pools ("path"), or only the pools are too small.
MissReason = Literal["own", "path", "resources"]
# Misses that no amount of crews would fix.
OUT_OF_REACH: frozenset[str] = frozenset({"own", "path"})
_REASON_TEXT = {"path": "chain too long", "resources": "too few crews"}

# Problems that do not change what a scenario costs and so do not block a computation.
_HARMLESS_FIELDS = {("server", "position"), ("server", "height"), ("rack", "units")}

#: The fields of each kind that can change what :func:`compute` returns (its result or
#: its error): ids and references (impact, task graph, validation), durations, tiers,
#: instance counts, needs and capacities, and a service's name (results carry it).
#: Everything else (positions, sizes, colours, notes, owners, steps, ``extra``, the
#: plan's own name and notes, and the ``_HARMLESS_FIELDS`` only validation looks at)
#: never does, so a view need not recompute when only those change. Adding or
#: removing any item always may. ``tests/test_recovery_inputs.py`` checks this table
#: against what the engine reads.
RECOVERY_INPUTS: dict[str, frozenset[str]] = {
    "site": frozenset({"id"}),
    "rack": frozenset({"id", "site"}),
    "server": frozenset({"id", "rack"}),
    "pool": frozenset({"id", "capacity"}),
    "service": frozenset(
        {
            "id",
            "name",
            "tier",
            "rto_minutes",
            "restore_minutes",
            "failover_minutes",
            "servers",
            "standby_servers",
            "min_instances",
            "needs",
            "depends_on",
        }
    ),
    "scenario": frozenset({"id", "failed"}),
    "plan": frozenset(),
}


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
    miss_reason: MissReason | None  # why the RTO is missed: see miss_reason_text
    needs: dict[str, int] = field(default_factory=dict)
    waits_for: tuple[str, ...] = ()  # services whose task this one's task waits for
    mode: Mode | None = None  # the chosen mode of its own task (None: no task)
    earliest_start: float | None = None  # its task's release: the mode's earliest start
    # The failed id whose return sets a restart's earliest start (None: the release is the
    # declaration delay, or there is none).
    released_by: str | None = None


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
    declared_after_minutes: float = 0  # the scenario's declaration delay
    returns: dict[str, float] = field(default_factory=dict)  # failed id -> back at T+minutes

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
    frontier: dict[str, tuple[int, ...]]  # service id -> tasks its recovery waits for, sorted
    task_order: tuple[int, ...]  # task indices, dependencies first
    pools: tuple[str, ...]


def miss_reason_text(service: ServiceRecovery) -> str:
    """Why ``service`` misses its RTO, in the words every report uses ("" if it does not)."""
    if service.miss_reason == "own":
        action = "failover" if service.state == "failover" else "restore"
        return f"own {action} longer than RTO"
    return _REASON_TEXT.get(service.miss_reason or "", "")


def blocking_problems(problems: Iterable[ValidationProblem]) -> list[str]:
    """The lines of ``problems`` (as :func:`~planner.model.validate.validate` gives them)
    that prevent a computation: all but the harmless ones (rack units, server positions)."""
    return [str(p) for p in problems if (p.kind, p.field) not in _HARMLESS_FIELDS]


def check_computable(plan: Plan) -> None:
    """Raise :class:`ScenarioError` listing the plan problems that prevent a computation.

    A caller that keeps the problems up to date itself (the GUI, with
    :class:`~planner.model.incremental.IncrementalValidator`) asks
    :func:`blocking_problems` and computes with ``check=False`` when there are none.
    """
    blocking = blocking_problems(validate(plan))
    if blocking:
        raise ScenarioError(blocking)


def build_task_graph(plan: Plan, actions: dict[str, Action]) -> TaskGraph:
    """Tasks for the services with an action; precedences through dependency-only services.

    A task waits for the nearest tasks reachable along ``depends_on``: a dependency
    with a task of its own is waited for directly (its own start already waits for
    what lies behind it), one without is looked through.
    """
    services = {s.id: s for s in plan.services}
    task_services = tuple([s.id for s in plan.services if s.id in actions])
    index = {sid: i for i, sid in enumerate(task_services)}
    order = dependency_order(plan.services)
    # Frontiers are sorted tuples: the task's predecessors as they are, and (unlike sets)
    # tuples of ints leave the cyclic garbage collector's lists at its first look, so
    # they do not bring a full collection of a large plan's heap closer.
    frontier: dict[str, tuple[int, ...]] = {}
    task_order: list[int] = []
    nothing: tuple[int, ...] = ()
    for sid in order:  # dependencies first, so each frontier is built from finished ones
        own = index.get(sid)
        if own is not None:
            task_order.append(own)
        deps = services[sid].depends_on
        if not deps:
            frontier[sid] = nothing
            continue
        if len(deps) == 1:
            i = index.get(deps[0])
            frontier[sid] = (i,) if i is not None else frontier[deps[0]]
            continue
        reach: set[int] = set()
        for dep in deps:
            i = index.get(dep)
            if i is not None:
                reach.add(i)
            else:
                reach.update(frontier[dep])
        frontier[sid] = tuple(sorted(reach))
    pools = tuple(p.id for p in plan.pools)
    pool_index = {p: i for i, p in enumerate(pools)}
    no_demand = (0,) * len(pools)
    # Plans repeat a few needs thousands of times: one demand tuple for each.
    demand_of: dict[tuple[tuple[str, int], ...], tuple[int, ...]] = {}
    durations, predecessors, demands = [], [], []
    for sid in task_services:
        service = services[sid]
        minutes = (
            service.failover_minutes if actions[sid] == "failover" else service.restore_minutes
        )
        durations.append(minutes if minutes is not None else 0)
        predecessors.append(frontier[sid])
        if service.needs:
            key = tuple(service.needs.items())
            demand_tuple = demand_of.get(key)
            if demand_tuple is None:
                demand = list(no_demand)
                for pool_id, units in key:
                    demand[pool_index[pool_id]] = units
                demand_tuple = demand_of[key] = tuple(demand)
            demands.append(demand_tuple)
        else:
            demands.append(no_demand)
    members: dict[int, set[int]] = {tier: set() for tier in TIERS}
    for service in plan.services:
        group = members.get(service.tier)
        if group is None:
            group = members[service.tier] = set()
        waited = frontier[service.id]
        if waited:
            group.update(waited)
        own = index.get(service.id)
        if own is not None:
            group.add(own)
    problem = Problem(
        durations=tuple(durations),
        predecessors=tuple(predecessors),
        demands=tuple(demands),
        capacities=tuple(p.capacity for p in plan.pools),
        groups=tuple(tuple(sorted(members[tier])) for tier in TIERS),
    )
    return TaskGraph(problem, task_services, frontier, tuple(task_order), pools)


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
    impact, graph, schedule = schedule_scenario(
        plan, scenario_id, failed, objective, exact_seconds, effort, check
    )
    return _result(plan, scenario_id, impact, graph, schedule, objective)


def schedule_scenario(
    plan: Plan,
    scenario_id: str | None = None,
    failed: Iterable[str] = (),
    objective: Objective = "time",
    exact_seconds: float | None = None,
    effort: int | None = None,
    check: bool = False,
) -> tuple[Impact, TaskGraph, Schedule]:
    """Impact, task graph, and the schedule with its lower bound: :func:`compute` without
    the per-service results (recovered times, RTO checks, critical path, tiers) that it
    builds from these. ``check=True`` validates the plan first, as ``compute`` does."""
    failed_ids = failed_set_of(plan, scenario_id, failed)  # an unknown id is reported first
    if check:
        check_computable(plan)
    impact = analyse(plan, failed_ids)
    graph = build_task_graph(plan, impact.actions)
    schedule = solve(graph.problem, objective=objective, effort=effort)
    if exact_seconds is not None:
        from planner.engine.exact import solve_exact

        schedule = solve_exact(graph.problem, exact_seconds, start=schedule, objective=objective)
    return impact, graph, schedule


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
    starts: Sequence[float] = schedule.starts
    durations = problem.durations
    finishes: list[float] = [s + d for s, d in zip(starts, durations, strict=True)]
    preds = problem.predecessors  # sorted frontiers of the services with a task
    # recovered(s) = max(own finish, recovered(d) for d in depends_on): for a service with
    # a task, the maximum over the tasks it waits for (its frontier) and its own finish;
    # for one without, the maximum over its frontier. The same pass with unlimited pools
    # gives the dependency chain alone. Tasks go dependencies first.
    recovered = list(finishes)
    unlimited: list[float] = [0] * len(starts)
    for task in graph.task_order:
        ready: float = 0
        ready_unlimited: float = 0
        for p in preds[task]:
            if recovered[p] > ready:
                ready = recovered[p]
            if unlimited[p] > ready_unlimited:
                ready_unlimited = unlimited[p]
        if ready > recovered[task]:
            recovered[task] = ready
        unlimited[task] = ready_unlimited + durations[task]
    if not all(type(v) is int for v in (*starts, *durations)):
        # Integral floats as ints, once per list rather than once per service.
        starts = [_clean(v) for v in starts]
        finishes = [_clean(v) for v in finishes]
        recovered = [_clean(v) for v in recovered]
        unlimited = [_clean(v) for v in unlimited]
    index = {sid: i for i, sid in enumerate(graph.task_services)}
    task_services = graph.task_services
    actions = impact.actions
    frontier = graph.frontier
    results = []
    recovery: float = 0
    tiers: dict[int, float] = {}
    for service in plan.services:
        sid = service.id
        own = index.get(sid)
        start: float | None
        finish: float | None
        waits: Collection[int]
        if own is not None:
            state: State = actions[sid]
            done = recovered[own]
            chain = unlimited[own]
            start = starts[own]
            finish = finishes[own]
            needs = dict(service.needs)
            waits = preds[own]
        else:
            waits = frontier[sid]
            start = finish = None
            needs = {}
            if waits:
                state = "dependency"
                done = max([recovered[i] for i in waits])
                chain = max([unlimited[i] for i in waits])
            else:
                state = "unaffected"
                done = chain = 0
        rto = service.rto_minutes
        meets = None if rto is None else done <= rto
        reason: MissReason | None = None
        if meets is False and rto is not None:
            if own is not None and durations[own] > rto:
                reason = "own"  # no dependency and no crew would make it in time
            else:
                reason = "path" if chain > rto else "resources"
        results.append(
            _service_recovery(
                id=sid,
                name=service.name,
                tier=service.tier,
                state=state,
                start=start,
                finish=finish,
                recovered=done,
                rto_minutes=rto,
                meets_rto=meets,
                recovered_unlimited=chain,
                miss_reason=reason,
                needs=needs,
                waits_for=tuple([task_services[i] for i in waits]) if waits else (),
            )
        )
        if done > recovery:
            recovery = done
        if done > tiers.get(service.tier, -1):
            tiers[service.tier] = done
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


def _critical_chain(problem: Problem, starts: Sequence[float]) -> list[int]:
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
