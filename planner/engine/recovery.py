"""The recovery of a scenario: task graph, schedule, recovered times, RTO checks.

Semantics (docs/engine.md states them in full): each service with a task of its own
may start it only when every service in its ``depends_on`` has recovered, holds its
pool units while it runs, and ``recovered(s) = max(own finish or 0, recovered(d) for d
in depends_on)``. The scenario's recovery time is the largest ``recovered``.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from planner.engine.impact import (
    Action,
    CopyBack,
    Impact,
    Mode,
    ModeOption,
    ScenarioError,
    State,
    analyse,
    failed_set_of,
)
from planner.engine.modes import ModeSpec, MultiModeProblem, solve_modes
from planner.engine.rcpsp import Problem, Schedule, solve
from planner.model.clock import clock
from planner.model.graph import dependency_order
from planner.model.plan import TIERS, Plan, Service
from planner.model.problems import Problem as ValidationProblem
from planner.model.validate import validate

Objective = Literal["time", "tiers"]
# Why an RTO is missed: the service's own task alone takes longer ("own"), the dependency
# chain does even with unlimited pools ("path"), or only the pools are too small.
MissReason = Literal["own", "release", "path", "resources"]
# Misses that no amount of crews would fix.
OUT_OF_REACH: frozenset[str] = frozenset({"own", "release", "path"})
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
    "domain": frozenset({"id", "kind", "site"}),
    "rack": frozenset({"id", "site", "domains"}),
    "server": frozenset({"id", "rack", "domains"}),
    "pool": frozenset({"id", "capacity"}),
    "service": frozenset(
        {
            "id",
            "name",
            "tier",
            "rto_minutes",
            "restore_minutes",
            "failover_minutes",
            "failover_needs",
            "automatic_failover",
            "restart_minutes",
            "restart_needs",
            "servers",
            "standby_servers",
            "min_instances",
            "needs",
            "depends_on",
            "rpo_minutes",
            "data",
            "failover_tested_on",
        }
    ),
    "scenario": frozenset(
        {"id", "failed", "returns", "declared_after_minutes", "untested_failovers_fail", "as_of"}
    ),
    "plan": frozenset({"failover_test_max_age_days"}),
}


CopyStatus = Literal["available", "unavailable", "destroyed"]


@dataclass(frozen=True)
class CopyState:
    """What a scenario leaves of one data copy: ``until`` is set only when unavailable."""

    id: str
    state: CopyStatus
    until: float | None = None


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
    # Data (docs/engine.md, "Data"); all None/False/() for a service with no copies.
    rpo_minutes: float | None = None
    data_loss_minutes: float | None = None  # smallest lag of the copies not destroyed
    data_lost: bool = False  # it has copies and every one is destroyed
    meets_rpo: bool | None = None  # None: no RPO or no copies
    copies: tuple[CopyState, ...] = ()  # its copies, in the plan's order
    restore_from: str | None = None  # the copy its restore uses (None: no restore or no copy)
    failover_untested: bool = False  # it has a failover option whose test is missing or stale


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
    data_lost: tuple[str, ...] = ()  # services whose every copy is destroyed, plan order
    rpo_misses: tuple[str, ...] = ()  # services with meets_rpo False, plan order
    untested_failovers_fail: bool = False  # the scenario's flag, as applied
    as_of: date | None = None  # the date failover tests were aged against

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
    # Scenarios with time: each task's available modes (impact order: failover, restart,
    # restore), the multi-mode problem of them, and the chosen mode of each task once
    # scheduled (``problem`` then holds the chosen durations and demands). Empty / None
    # without time: ``problem`` is the only mode, released at 0.
    options: tuple[tuple[ModeOption, ...], ...] = ()
    multi: MultiModeProblem | None = None
    chosen: tuple[int, ...] = ()

    def with_choice(self, chosen: Sequence[int]) -> TaskGraph:
        """This graph with each task in its chosen mode (``problem`` without releases)."""
        assert self.multi is not None
        specs = [self.multi.modes[j][m] for j, m in enumerate(chosen)]
        problem = Problem(
            durations=tuple([m.duration for m in specs]),
            predecessors=self.problem.predecessors,
            demands=tuple([m.demand for m in specs]),
            capacities=self.problem.capacities,
            groups=self.problem.groups,
        )
        return replace(self, problem=problem, chosen=tuple(chosen))

    def release(self, task: int) -> float:
        """The chosen mode's earliest start of ``task`` (0 without time)."""
        return self.options[task][self.chosen[task]].release if self.chosen else 0

    def mode(self, task: int) -> ModeOption | None:
        """The chosen mode of ``task`` (None without time)."""
        return self.options[task][self.chosen[task]] if self.chosen else None


def miss_reason_text(service: ServiceRecovery) -> str:
    """Why ``service`` misses its RTO, in the words every report uses ("" if it does not)."""
    if service.miss_reason == "own":
        action = service.mode or ("failover" if service.state == "failover" else "restore")
        return f"own {action} longer than RTO"
    if service.miss_reason == "release":
        at = "T+" + clock(service.earliest_start, "-")
        if service.released_by:
            return f"waits for {service.released_by} to return at {at}"
        return f"cannot start before the declaration at {at}"
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


def build_task_graph(
    plan: Plan,
    actions: dict[str, Action],
    modes: dict[str, tuple[ModeOption, ...]] | None = None,
) -> TaskGraph:
    """Tasks for the services with an action; precedences through dependency-only services.

    A task waits for the nearest tasks reachable along ``depends_on``: a dependency
    with a task of its own is waited for directly (its own start already waits for
    what lies behind it), one without is looked through. With ``modes`` (a scenario with
    time, :attr:`Impact.modes`) the graph also holds the multi-mode problem; its
    ``problem`` is then the v1 action of each task until :meth:`TaskGraph.with_choice`.
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
        needs = service.needs
        if actions[sid] == "failover":
            minutes = service.failover_minutes
            if service.failover_needs is not None:
                needs = service.failover_needs
        else:
            minutes = service.restore_minutes
        durations.append(minutes if minutes is not None else 0)
        predecessors.append(frontier[sid])
        if needs:
            key = tuple(needs.items())
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
    if not modes:
        return TaskGraph(problem, task_services, frontier, tuple(task_order), pools)

    # The modes of a service share its needs dicts (alive all along): one look-up each.
    vector_of_dict: dict[int, tuple[int, ...]] = {}

    def demand_vector(needs: dict[str, int]) -> tuple[int, ...]:
        vector = vector_of_dict.get(id(needs))
        if vector is not None:
            return vector
        key = tuple(needs.items())
        vector = demand_of.get(key)
        if vector is None:
            demand = list(no_demand)
            for pool_id, units in key:
                demand[pool_index[pool_id]] = units
            vector = demand_of[key] = tuple(demand)
        vector_of_dict[id(needs)] = vector
        return vector

    options = tuple([modes[sid] for sid in task_services])
    multi = MultiModeProblem(
        modes=tuple(
            [
                tuple([ModeSpec(o.minutes, demand_vector(o.needs), o.release) for o in opts])
                for opts in options
            ]
        ),
        predecessors=problem.predecessors,
        capacities=problem.capacities,
        groups=problem.groups,
    )
    # ``problem`` stays the v1 actions' until a choice is made (with_choice).
    return TaskGraph(problem, task_services, frontier, tuple(task_order), pools, options, multi)


def compute(
    plan: Plan,
    scenario_id: str | None = None,
    failed: Iterable[str] = (),
    objective: Objective = "time",
    exact_seconds: float | None = None,
    effort: int | None = None,
    check: bool = True,
    as_of: date | None = None,
) -> RecoveryResult:
    """Evaluate a scenario (named, ad hoc, or both) and schedule its recovery.

    Raises :class:`ScenarioError` for an unknown scenario or id, or a plan that cannot
    be computed (a dependency cycle, a need above a pool's capacity, ...). ``check=False``
    skips validating the plan, for callers that have just validated it. Failover tests
    are aged against the scenario's ``as_of``, else ``as_of``, else today.
    """
    impact, graph, schedule = schedule_scenario(
        plan, scenario_id, failed, objective, exact_seconds, effort, check, as_of
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
    as_of: date | None = None,
) -> tuple[Impact, TaskGraph, Schedule]:
    """Impact, task graph, and the schedule with its lower bound: :func:`compute` without
    the per-service results (recovered times, RTO checks, critical path, tiers) that it
    builds from these. ``check=True`` validates the plan first, as ``compute`` does."""
    failed_ids = failed_set_of(plan, scenario_id, failed)  # an unknown id is reported first
    if check:
        check_computable(plan)
    scenario = plan.scenario(scenario_id) if scenario_id is not None else None
    day = (scenario.as_of if scenario is not None else None) or as_of or date.today()
    fail = scenario is not None and bool(scenario.untested_failovers_fail)
    if scenario is not None and (scenario.returns or scenario.declared_after_minutes):
        impact = analyse(
            plan, failed_ids, scenario.returns, scenario.declared_after_minutes, day, fail
        )
    else:
        impact = analyse(plan, failed_ids, as_of=day, untested_failovers_fail=fail)
    if exact_seconds is None:
        graph, schedule = schedule_impact(plan, impact, objective, effort)
        return impact, graph, schedule
    graph = build_task_graph(plan, impact.actions, impact.modes)
    if graph.multi is not None:
        from planner.engine.exact import solve_exact_modes

        timed = solve_modes(graph.multi, objective=objective, effort=effort)
        timed = solve_exact_modes(graph.multi, exact_seconds, start=timed, objective=objective)
        return impact, graph.with_choice(timed.modes), timed.schedule
    from planner.engine.exact import solve_exact

    schedule = solve(graph.problem, objective=objective, effort=effort)
    schedule = solve_exact(graph.problem, exact_seconds, start=schedule, objective=objective)
    return impact, graph, schedule


def schedule_impact(
    plan: Plan, impact: Impact, objective: Objective = "time", effort: int | None = None
) -> tuple[TaskGraph, Schedule]:
    """The task graph and heuristic schedule of an impact already analysed on ``plan``."""
    graph = build_task_graph(plan, impact.actions, impact.modes)
    if graph.multi is not None:
        timed = solve_modes(graph.multi, objective=objective, effort=effort)
        return graph.with_choice(timed.modes), timed.schedule
    return graph, solve(graph.problem, objective=objective, effort=effort)


def recover(
    plan: Plan,
    impact: Impact,
    scenario_id: str | None = None,
    objective: Objective = "time",
    effort: int | None = None,
) -> RecoveryResult:
    """:func:`compute` for an impact already analysed (or edited, as the what-if
    analysis does: a service made unaffected is one whose task is left out).

    ``plan`` may be a part of the analysed plan that holds every service of
    ``impact.actions`` and everything depending on them; the results are its services'.
    """
    graph, schedule = schedule_impact(plan, impact, objective, effort)
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
    releases: Sequence[float] = (
        [graph.release(j) for j in range(len(starts))] if graph.chosen else ()
    )
    for task in graph.task_order:
        ready: float = 0
        ready_unlimited: float = releases[task] if releases else 0
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
    copies_of = impact.copies
    untested = set(impact.untested)
    data_lost: list[str] = []
    rpo_misses: list[str] = []
    for service in plan.services:
        sid = service.id
        own = index.get(sid)
        start: float | None
        finish: float | None
        waits: Collection[int]
        mode: Mode | None = None
        earliest: float | None = None
        released_by: str | None = None
        if own is not None:
            option = graph.mode(own)
            if option is None:
                state: State = actions[sid]
                mode = actions[sid]
                earliest = 0
                needs = dict(service.needs)
                if mode == "failover" and service.failover_needs is not None:
                    needs = dict(service.failover_needs)
            else:
                state = mode = option.mode
                earliest = _clean(option.release)
                released_by = option.released_by
                needs = dict(option.needs)
            done = recovered[own]
            chain = unlimited[own]
            start = starts[own]
            finish = finishes[own]
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
            elif own is not None and earliest and earliest + durations[own] > rto:
                reason = "release"  # it cannot start early enough: power, declaration
            else:
                reason = "path" if chain > rto else "resources"
        row = _service_recovery(
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
            mode=mode,
            earliest_start=earliest,
            released_by=released_by,
        )
        # The data fields (their class defaults when the service has no copies, no RPO
        # and no untested failover: the large plans' common case costs nothing more).
        extra = row.__dict__
        if service.rpo_minutes is not None:
            extra["rpo_minutes"] = service.rpo_minutes
        if untested and sid in untested:
            extra["failover_untested"] = True
        if copies_of and sid in copies_of:
            data = _data_fields(service, copies_of[sid], mode, start)
            extra.update(data)
            if data["data_lost"]:
                data_lost.append(sid)
            if data["meets_rpo"] is False:
                rpo_misses.append(sid)
        results.append(row)
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
        critical_path=tuple(
            graph.task_services[i] for i in _critical_chain(problem, starts, releases)
        ),
        tier_minutes=dict(sorted(tiers.items())),
        schedules_evaluated=schedule.schedules_evaluated,
        declared_after_minutes=_clean(impact.declared_after_minutes),
        returns={k: _clean(v) for k, v in impact.returns.items()},
        data_lost=tuple(data_lost),
        rpo_misses=tuple(rpo_misses),
        untested_failovers_fail=impact.untested_failovers_fail,
        as_of=impact.as_of,
    )


def _data_fields(
    service: Service,
    backs: tuple[CopyBack, ...],
    mode: Mode | None,
    start: float | None,
) -> dict[str, object]:
    """The data fields of a service with copies: their states, the loss, the RPO check
    and, for a restore, the copy it restores from."""
    states: list[CopyState] = []
    loss: float | None = None
    for c, b in zip(service.data, backs, strict=True):
        if b.back == math.inf:
            states.append(CopyState(c.id, "destroyed"))
            continue
        if b.back > 0:
            states.append(CopyState(c.id, "unavailable", _clean(b.back)))
        else:
            states.append(CopyState(c.id, "available"))
        if loss is None or c.lag_minutes < loss:
            loss = c.lag_minutes
    lost = loss is None
    rpo = service.rpo_minutes
    restore_from: str | None = None
    if mode == "restore" and not lost:
        at = start or 0
        best: float | None = None
        for c, b in zip(service.data, backs, strict=True):
            if b.back <= at and (best is None or c.lag_minutes < best):
                best, restore_from = c.lag_minutes, c.id
    return {
        "data_loss_minutes": None if loss is None else _clean(loss),
        "data_lost": lost,
        "meets_rpo": None if rpo is None else (not lost and loss is not None and loss <= rpo),
        "copies": tuple(states),
        "restore_from": restore_from,
    }


def _critical_chain(
    problem: Problem, starts: Sequence[float], releases: Sequence[float] = ()
) -> list[int]:
    """The chain of tasks that sets the recovery time, walked back from the last finish.

    Each step goes to a predecessor that finishes exactly when the task starts (the
    dependency held it back) or, failing that, to a task sharing a pool that finishes
    then (the pool held it back). A task that starts at its release (the declaration, or
    its servers back) with no dependency finishing then was held back by that wait: the
    chain begins there.
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
        if not before and releases and releases[current] == start:
            break  # waited for its release
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
