"""The blast radius of every single failure: what each component takes down alone.

Only components that give some service a task, or destroy every copy of some service's
data, are evaluated with the engine (a component is one of those exactly when it is an
order-1 cut set of a service's own task, or lies under every copy of its data); the rest
change nothing and are only counted. An evaluated failure runs the engine's own
:func:`~planner.engine.impact.analyse` and scheduler on the part of the plan it touches:
the services with an instance or a copy under it, and everything that depends on those
(nothing else can change). Failures that leave the same services with the same tasks
share one schedule.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from planner.analysis.components import ComponentKind, Components
from planner.analysis.cutsets import OwnCuts
from planner.engine.impact import Impact, analyse
from planner.engine.recovery import RecoveryResult, recover
from planner.model.plan import Plan, Service

Progress = Callable[[int, int], bool]  # (done, total) -> keep going


class AnalysisCancelled(Exception):
    """The progress callback asked the analysis to stop."""


@dataclass(frozen=True)
class Unmeetable:
    """A service whose RTO no schedule meets under a failure: its dependency chain (or
    its own task, or its earliest start) alone takes longer."""

    service: str
    chain_minutes: float
    rto_minutes: float


@dataclass(frozen=True)
class BlastRadius:
    """What one component's loss does; service lists are in plan order."""

    id: str
    kind: ComponentKind
    name: str
    domain_kind: str | None
    impacted: tuple[str, ...]
    restore: tuple[str, ...]
    data_lost: tuple[str, ...]
    recovery_minutes: float
    rto_misses: tuple[str, ...]
    worst_tier: int | None
    unmeetable: tuple[Unmeetable, ...] = ()

    @property
    def changes_anything(self) -> bool:
        return bool(self.impacted or self.data_lost)


@dataclass(frozen=True)
class _Outcome:
    recovery_minutes: float
    impacted: tuple[str, ...]
    restore: tuple[str, ...]
    rto_misses: tuple[str, ...]
    worst_tier: int | None
    unmeetable: tuple[Unmeetable, ...]


class BlastRadii:
    """The plan's indexes for evaluating single (or few) failures quickly."""

    def __init__(self, plan: Plan, components: Components, own: Mapping[str, OwnCuts]) -> None:
        self.plan = plan
        self.components = components
        self.services = {s.id: s for s in plan.services}
        self.position = {s.id: i for i, s in enumerate(plan.services)}
        self.servers = {s.id: s for s in plan.servers}
        self.racks = {r.id: r for r in plan.racks}
        self.domains = {d.id: d for d in plan.domains}
        self.on_server: dict[str, list[str]] = {}
        for service in plan.services:
            for s in dict.fromkeys([*service.servers, *service.standby_servers]):
                self.on_server.setdefault(s, []).append(service.id)
        self.dependents: dict[str, list[str]] = {}
        for service in plan.services:
            for d in dict.fromkeys(service.depends_on):
                self.dependents.setdefault(d, []).append(service.id)
        # component -> services with a copy on a location it takes down, and the
        # components under every copy of a service's data (its data_lost single cuts).
        self.data_under: dict[str, set[str]] = {}
        self.data_killers: dict[str, frozenset[str]] = {}
        for service in plan.services:
            if not service.data:
                continue
            every: frozenset[str] | None = None
            for copy in service.data:
                gone: frozenset[str] = frozenset()
                shared: frozenset[str] | None = None
                for location in copy.on:
                    k = components.location_killers(location)
                    gone = gone | k
                    shared = k if shared is None else shared & k
                for c in gone:
                    self.data_under.setdefault(c, set()).add(service.id)
                copy_killers = shared or frozenset()
                every = copy_killers if every is None else every & copy_killers
            if every:
                self.data_killers[service.id] = every
        self.task_single: set[str] = set()
        # A service with fewer active instances than it needs has a task with nothing
        # failed (cut set ()): then every failure has that task too.
        self.always: bool = False
        for cuts in own.values():
            self.task_single.update(c[0] for c in cuts.task if len(c) == 1)
            self.always = self.always or () in cuts.task
        self.always_down = [sid for sid, cuts in own.items() if () in cuts.task]
        self.lost_data_by: set[str] = set().union(*self.data_killers.values())
        self._memo: dict[tuple[bool, frozenset[tuple[str, str]]], _Outcome] = {}

    def changes_anything(self, component: str) -> bool:
        """Whether losing ``component`` alone gives a service a task or loses data."""
        return self.always or component in self.task_single or component in self.lost_data_by

    def touched(self, failed: Iterable[str]) -> list[str]:
        """The services with an instance or a copy under ``failed`` (and those with a
        task whatever fails), plan order."""
        found: set[str] = set(self.always_down)
        footprint = self.components.footprint
        joint = self.components.joint_footprint
        failed = list(failed)
        for c in failed:
            for s in footprint.get(c, ()):
                found.update(self.on_server.get(s, ()))
            found.update(self.data_under.get(c, ()))
        for i, a in enumerate(failed):
            for b in failed[i + 1 :]:
                for s in joint.get((min(a, b), max(a, b)), ()):
                    found.update(self.on_server.get(s, ()))
        return sorted(found, key=self.position.__getitem__)

    def subplan(self, services: Sequence[str], failed: Iterable[str]) -> Plan:
        """The part of the plan that :func:`analyse` needs for these services: their
        servers and copies' locations, the racks and domains those sit in, every site."""
        chosen = [self.services[s] for s in services]
        server_ids: dict[str, None] = {}
        rack_ids: dict[str, None] = {}
        domain_ids: dict[str, None] = {}
        by_kind = {"server": server_ids, "rack": rack_ids, "domain": domain_ids}
        named = [x for service in chosen for copy in service.data for x in copy.on]
        for service in chosen:
            server_ids.update(dict.fromkeys(service.servers))
            server_ids.update(dict.fromkeys(service.standby_servers))
        for x in (*named, *failed):
            ids = by_kind.get(self.components.kind.get(x, ""))
            if ids is not None:
                ids[x] = None
        servers = [self.servers[s] for s in server_ids if s in self.servers]
        for server in servers:
            rack_ids[server.rack] = None
            domain_ids.update(dict.fromkeys(server.domains))
        racks = [self.racks[r] for r in rack_ids if r in self.racks]
        for rack in racks:
            domain_ids.update(dict.fromkeys(rack.domains))
        return Plan(
            name=self.plan.name,
            sites=self.plan.sites,
            domains=[self.domains[d] for d in domain_ids if d in self.domains],
            racks=racks,
            servers=servers,
            pools=self.plan.pools,
            services=chosen,
            failover_test_max_age_days=self.plan.failover_test_max_age_days,
        )

    def impact(self, failed: Sequence[str], as_of: date | None = None) -> Impact:
        """The engine's impact of failing ``failed`` for good, on the touched part."""
        touched = self.touched(failed)
        return analyse(self.subplan(touched, failed), failed, as_of=as_of)

    def radius(self, component: str) -> BlastRadius:
        """The blast radius of losing ``component`` alone, for good."""
        kind = self.components.kind[component]
        name = self.components.names.get(component, component)
        domain = self.domains.get(component) if kind == "domain" else None
        domain_kind = domain.kind if domain is not None else None
        if not self.changes_anything(component):
            return BlastRadius(component, kind, name, domain_kind, (), (), (), 0, (), None)
        impact = self.impact([component])
        outcome = self.outcome(impact)
        lost = tuple(
            sorted(
                (
                    sid
                    for sid, backs in impact.copies.items()
                    if backs and all(b.back == math.inf for b in backs)
                ),
                key=self.position.__getitem__,
            )
        )
        return BlastRadius(
            component,
            kind,
            name,
            domain_kind,
            outcome.impacted,
            outcome.restore,
            lost,
            outcome.recovery_minutes,
            outcome.rto_misses,
            outcome.worst_tier,
            outcome.unmeetable,
        )

    def outcome(self, impact: Impact) -> _Outcome:
        """Schedule the tasks of ``impact`` (once per distinct set of tasks)."""
        actions = impact.actions
        if not actions:
            return _Outcome(0, (), (), (), None, ())
        key = (impact.timed, frozenset(actions.items()))
        known = self._memo.get(key)
        if known is not None:
            return known
        affected = self.closure(actions)
        restore = self.closure([s for s, a in actions.items() if a == "restore"])
        result = recover(self.dependent_plan(affected), impact)
        outcome = _Outcome(
            result.recovery_minutes,
            affected,
            restore,
            tuple(r.id for r in result.services if r.meets_rto is False),
            min((self.services[s].tier for s in affected), default=None),
            unmeetable_of(result),
        )
        self._memo[key] = outcome
        return outcome

    def closure(self, services: Iterable[str]) -> tuple[str, ...]:
        """``services`` and everything depending on them, in plan order."""
        seen = set(services)
        todo = deque(seen)
        while todo:
            for user in self.dependents.get(todo.popleft(), ()):
                if user not in seen:
                    seen.add(user)
                    todo.append(user)
        return tuple(sorted(seen, key=self.position.__getitem__))

    def dependent_plan(self, services: Sequence[str]) -> Plan:
        """A plan of just ``services`` (a set closed under dependents), each depending
        only on the others: what :func:`recover` needs to schedule their tasks."""
        chosen = set(services)
        copies: list[Service] = []
        for sid in services:
            service = self.services[sid]
            if any(d not in chosen for d in service.depends_on):
                twin = Service.__new__(Service)
                twin.__dict__.update(service.__dict__)
                twin.depends_on = [d for d in service.depends_on if d in chosen]
                service = twin
            copies.append(service)
        return Plan(name=self.plan.name, pools=self.plan.pools, services=copies)


def unmeetable_of(result: RecoveryResult) -> tuple[Unmeetable, ...]:
    """The services of ``result`` whose RTO no schedule could meet."""
    return tuple(
        Unmeetable(r.id, r.recovered_unlimited, r.rto_minutes)
        for r in result.services
        if r.meets_rto is False
        and r.rto_minutes is not None
        and r.miss_reason in ("own", "release", "path")
    )


def blast_radii(
    radii: BlastRadii,
    components: Sequence[str] | None = None,
    progress: Progress | None = None,
    done: int = 0,
    total: int = 0,
) -> list[BlastRadius]:
    """The blast radius of each of ``components`` (default: every one), in that order."""
    wanted = radii.components.order if components is None else components
    found: list[BlastRadius] = []
    total = total or len(wanted)
    for i, c in enumerate(wanted):
        found.append(radii.radius(c))
        if progress is not None and i % 256 == 0 and not progress(done + i, total):
            raise AnalysisCancelled("analysis cancelled")
    return found
