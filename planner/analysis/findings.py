"""Findings: typed, ranked warnings with the ids involved and one sentence each.

Kinds (docs/analysis.md gives each rule):

- ``hidden_single_point``: services that look redundant (instances on two or more racks)
  but one component forces their restore through a dependency; one finding per
  service whose own restore that component forces (the culprit).
- ``single_point``: an analysed tier 0-1 service whose own instances one component
  forces to a restore.
- ``shared_standby``: every standby shares a component with the active instances, so
  losing it leaves no failover.
- ``copies_share_domain``: every copy of a service's data is under one component.
- ``untested_failover``: failovers never tested, or not within the plan's maximum age.
- ``rto_unmeetable``: a failure under which the service's dependency chain (or its own
  task, or its earliest start) alone exceeds its RTO.
- ``tooling_down``: a scenario takes down a service marked ``recovery_tooling``; the
  recovery steps that depend on it are named.
- ``limiting_pool``: the pool whose one more unit saves most time in the worst scenario.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from planner.analysis.blast import BlastRadii, BlastRadius
from planner.analysis.components import Components
from planner.analysis.cutsets import OwnCuts, ServiceCuts
from planner.analysis.whatif import WhatIf
from planner.analysis.wording import placement, smallest
from planner.engine.data import failover_test_stale
from planner.engine.recovery import RecoveryResult
from planner.model.clock import clock
from planner.model.graph import dependency_order
from planner.model.plan import Plan, Service

FindingKind = Literal[
    "hidden_single_point",
    "single_point",
    "shared_standby",
    "copies_share_domain",
    "untested_failover",
    "rto_unmeetable",
    "tooling_down",
    "limiting_pool",
]
Severity = Literal["critical", "high", "medium", "low"]
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low")
KIND_ORDER: tuple[FindingKind, ...] = (
    "tooling_down",
    "hidden_single_point",
    "copies_share_domain",
    "single_point",
    "shared_standby",
    "rto_unmeetable",
    "untested_failover",
    "limiting_pool",
)


@dataclass(frozen=True)
class Finding:
    """One warning. ``failed`` is a failure that shows it (a scenario's failed ids, or
    one component; empty when none does), ``scenario`` the named scenario it is about."""

    kind: FindingKind
    severity: Severity
    ids: tuple[str, ...]
    message: str
    failed: tuple[str, ...] = ()
    scenario: str | None = None
    # Ranking within a severity: (recovery tooling: 2 its own flaw, 1 involved, else 0;
    # tier 0-1 services touched; services touched; minutes at stake).
    weight: tuple[float, ...] = field(default=(), compare=False)


def rank(findings: Sequence[Finding]) -> list[Finding]:
    """Severity first, then how much each touches, then kind and ids."""
    return sorted(
        findings,
        key=lambda f: (
            SEVERITIES.index(f.severity),
            tuple(-w for w in f.weight),
            KIND_ORDER.index(f.kind),
            f.ids,
        ),
    )


def _severity(tiers: Sequence[int]) -> Severity:
    best = min(tiers, default=3)
    return "critical" if best == 0 else "high" if best == 1 else "medium"


def _listed(ids: Sequence[str], limit: int = 4) -> str:
    head = ", ".join(ids[:limit])
    return head if len(ids) <= limit else f"{head}, +{len(ids) - limit} more"


def _last_test(service: Service) -> str:
    tested = service.failover_tested_on
    return "never tested" if tested is None else f"last {tested.isoformat()}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class FindingsBuilder:
    """Builds the findings from the analysis's parts (plan order throughout)."""

    def __init__(
        self,
        plan: Plan,
        components: Components,
        cuts: Mapping[str, ServiceCuts],
        own: Mapping[str, OwnCuts],
        radii: BlastRadii,
        analysed: Sequence[str],
    ) -> None:
        self.plan = plan
        self.components = components
        self.cuts = cuts
        self.own = own
        self.radii = radii
        self.analysed = analysed
        self.services = radii.services

    # ------------------------------------------------------------------ helpers

    def smallest(self, ids: Sequence[str]) -> str:
        return smallest(self.components, ids)

    def placement(self, service: Service, component: str) -> str:
        return placement(self.components, service, component)

    def tiers_of(self, ids: Sequence[str]) -> list[int]:
        return [self.services[s].tier for s in ids if s in self.services]

    # ------------------------------------------------------------------ the kinds

    def hidden_single_points(self, radius_of: Mapping[str, BlastRadius]) -> list[Finding]:
        groups: dict[str, dict[str, tuple[str, ...]]] = {}  # culprit -> service -> chain
        parts: dict[str, dict[str, None]] = {}  # culprit -> components
        for sid in self.analysed:
            service = self.services[sid]
            every = [*service.servers, *service.standby_servers]
            racks = {self.components.rack_of.get(s) for s in every}
            if len(racks) < 2:
                continue  # it does not look redundant
            for component, chain in self.cuts[sid].chains.items():
                if len(chain) < 2:
                    continue  # its own instances: not through a dependency
                culprit = chain[-1]
                groups.setdefault(culprit, {}).setdefault(sid, chain)
                parts.setdefault(culprit, {})[component] = None
        found: list[Finding] = []
        for culprit, chains in groups.items():
            victims = list(chains)
            comps = list(parts[culprit])
            where = self.smallest(comps)
            others = [self.components.label(c) for c in comps if c != where]
            also = f" (also lost with {_listed(others, 3)})" if others else ""
            example = " -> ".join(chains[victims[0]])
            message = (
                f"{culprit} {self.placement(self.services[culprit], where)}{also}: losing it "
                f"forces a restore of {_plural(len(victims), 'service')} that look"
                f"{'s' if len(victims) == 1 else ''} redundant ({_listed(victims)}), "
                f"e.g. {example}."
            )
            tiers = self.tiers_of(victims)
            minutes = radius_of[where].recovery_minutes if where in radius_of else 0
            found.append(
                Finding(
                    "hidden_single_point",
                    _severity(tiers),
                    (culprit, *comps, *victims),
                    message,
                    (where,),
                    weight=(
                        1 if is_tooling(self.services[culprit]) else 0,
                        sum(1 for t in tiers if t <= 1),
                        len(victims),
                        minutes,
                    ),
                )
            )
        return found

    def single_points(self) -> list[Finding]:
        found: list[Finding] = []
        for sid in self.analysed:
            service = self.services[sid]
            if service.tier > 1:
                continue
            singles = [c[0] for c in self.own[sid].restore if len(c) == 1]
            if not singles:
                continue
            where = self.smallest(singles)
            message = (
                f"{sid} (tier {service.tier}) {self.placement(service, where)}: losing it "
                f"forces a restore, as does losing any of {_plural(len(singles), 'component')}"
                f" ({_listed([self.components.label(c) for c in singles], 3)})."
                if len(singles) > 1
                else f"{sid} (tier {service.tier}) {self.placement(service, where)}: "
                "losing it forces a restore."
            )
            found.append(
                Finding(
                    "single_point",
                    "high" if service.tier == 0 else "medium",
                    (sid, *singles),
                    message,
                    (where,),
                    weight=(int(is_tooling(service)), 1, len(self.radii.closure([sid])), 0),
                )
            )
        return found

    def shared_standbys(self) -> list[Finding]:
        found: list[Finding] = []
        killers = self.components.killers
        for sid in self.analysed:
            service = self.services[sid]
            if service.failover_minutes is None or not service.standby_servers:
                continue
            shared: set[str] | None = None
            for s in service.standby_servers:
                k = set(killers.get(s, (s,)))
                shared = k if shared is None else shared & k
            task = {c[0] for c in self.own[sid].task if len(c) == 1}
            both = sorted((shared or set()) & task)
            if not both:
                continue
            where = self.smallest(both)
            standbys = ", ".join(dict.fromkeys(service.standby_servers))
            found.append(
                Finding(
                    "shared_standby",
                    "high" if service.tier <= 1 else "medium",
                    (sid, *both, *dict.fromkeys(service.standby_servers)),
                    f"{sid}'s standbys ({standbys}) share {self.components.label(where)} "
                    "with its active instances: losing it leaves no failover.",
                    (where,),
                    weight=(0, int(service.tier <= 1), 1, 0),
                )
            )
        return found

    def copies_sharing(self) -> list[Finding]:
        found: list[Finding] = []
        for service in self.plan.services:
            killers = self.radii.data_killers.get(service.id)
            if not killers:
                continue
            where = self.smallest(sorted(killers))
            n = len(service.data)
            every = "its only copy" if n == 1 else f"all {n} copies"
            found.append(
                Finding(
                    "copies_share_domain",
                    "critical" if service.tier <= 1 else "high",
                    (service.id, *sorted(killers)),
                    f"{every} of {service.id}'s data {'is' if n == 1 else 'are'} under "
                    f"{self.components.label(where)}: losing it loses the data for good.",
                    (where,),
                    weight=(0, int(service.tier <= 1), 1, 0),
                )
            )
        return found

    def untested(self, as_of: date) -> list[Finding]:
        limit = self.plan.failover_test_max_age_days
        stale = [
            s
            for s in self.plan.services
            if s.failover_minutes is not None and failover_test_stale(s, as_of, limit)
        ]
        found: list[Finding] = []
        for critical in (True, False):
            group = [s for s in stale if (s.tier <= 1) == critical]
            if not group:
                continue
            texts = [f"{s.id} ({_last_test(s)})" for s in group]
            which = "tier 0-1" if critical else "tier 2-3"
            found.append(
                Finding(
                    "untested_failover",
                    "high" if critical else "medium",
                    tuple(s.id for s in group),
                    f"{_plural(len(group), which + ' failover')} relied on but not tested "
                    f"within {limit} days of {as_of.isoformat()}: {_listed(texts)}.",
                    weight=(0, len(group) if critical else 0, len(group), 0),
                )
            )
        return found

    def rto_unmeetable(
        self,
        radii: Sequence[BlastRadius],
        scenarios: Sequence[tuple[RecoveryResult, str]],
    ) -> list[Finding]:
        worst: dict[str, tuple[float, float, float, str, tuple[str, ...], str | None]] = {}
        wanted = set(self.analysed)

        def note(
            sid: str,
            chain: float,
            rto: float,
            label: str,
            failed: tuple[str, ...],
            scenario: str | None,
        ) -> None:
            if sid not in wanted:
                return
            old = worst.get(sid)
            if old is None or chain - rto > old[0]:
                worst[sid] = (chain - rto, chain, rto, label, failed, scenario)

        for result, name in scenarios:
            for r in result.services:
                if (
                    r.meets_rto is False
                    and r.rto_minutes is not None
                    and r.miss_reason in ("own", "release", "path")
                ):
                    note(
                        r.id,
                        r.recovered_unlimited,
                        r.rto_minutes,
                        f"in {name}",
                        result.failed,
                        result.scenario,
                    )
        for radius in radii:
            for u in radius.unmeetable:
                note(
                    u.service,
                    u.chain_minutes,
                    u.rto_minutes,
                    f"when {self.components.label(radius.id)} is lost",
                    (radius.id,),
                    None,
                )
        found: list[Finding] = []
        for sid in self.analysed:
            if sid not in worst:
                continue
            _over, chain, rto, label, failed, scenario = worst[sid]
            tier = self.services[sid].tier
            found.append(
                Finding(
                    "rto_unmeetable",
                    "high" if tier <= 1 else "medium",
                    (sid,),
                    f"{sid} cannot meet its RTO of {clock(rto)} {label}: its recovery chain "
                    f"alone takes {clock(chain)}, whatever the crews.",
                    failed,
                    scenario,
                    weight=(0, int(tier <= 1), 1, chain - rto),
                )
            )
        return found

    def tooling(
        self,
        scenarios: Sequence[tuple[RecoveryResult, str]],
        radius_of: Mapping[str, BlastRadius],
    ) -> list[Finding]:
        """Single-homed recovery tooling (the flaw, ranked first), then each scenario
        that takes tooling down with the steps that need it."""
        tools = [s.id for s in self.plan.services if is_tooling(s)]
        found: list[Finding] = []
        for tool in tools:
            # Its own instances: a single point through a dependency is that
            # dependency's finding (hidden_single_point names the culprit).
            singles = [c[0] for c in self.own[tool].task if len(c) == 1]
            if not singles:
                continue
            where = self.smallest(singles)
            others = [self.components.label(c) for c in singles if c != where]
            also = f" (also lost with {_listed(others, 3)})" if others else ""
            users = [s for s in self.radii.closure([tool]) if s != tool]
            tiers = self.tiers_of(users)
            minutes = radius_of[where].recovery_minutes if where in radius_of else 0
            found.append(
                Finding(
                    "tooling_down",
                    "critical" if min([self.services[tool].tier, *tiers]) <= 1 else "high",
                    (tool, *singles),
                    f"recovery tooling {tool} {self.placement(self.services[tool], where)}"
                    f"{also}: losing it takes down the tooling "
                    + (
                        f"that the recovery of {_plural(len(users), 'service')} depends on "
                        f"({_listed(users)})."
                        if users
                        else "the recovery needs."
                    ),
                    (where,),
                    weight=(2, sum(1 for t in tiers if t <= 1), len(users), minutes),
                )
            )
        for result, name in scenarios:
            steps = steps_needing_tooling(self.plan, result)
            down = [r for r in result.services if r.id in tools and r.state != "unaffected"]
            if not down:
                continue
            back = ", ".join(f"{r.id} back at {clock(r.recovered)}" for r in down)
            needing = list(steps)
            tiers = self.tiers_of(needing)
            found.append(
                Finding(
                    "tooling_down",
                    "critical",
                    (*[r.id for r in down], *needing),
                    f"{name} takes down recovery tooling ({back}); "
                    f"{_plural(len(needing), 'recovery step')} need"
                    f"{'s' if len(needing) == 1 else ''} it"
                    f"{': ' + _listed(needing) if needing else ''}.",
                    result.failed,
                    result.scenario,
                    weight=(
                        1,
                        sum(1 for t in tiers if t <= 1),
                        len(needing),
                        result.recovery_minutes,
                    ),
                )
            )
        return found

    def limiting_pool(self, changes: Sequence[WhatIf], failed: tuple[str, ...]) -> list[Finding]:
        pools = [w for w in changes if w.kind == "pool" and w.saved_minutes > 0]
        if not pools:
            return []
        best = max(pools, key=lambda w: w.saved_minutes)
        pool = next(p for p in self.plan.pools if p.id == best.target)
        return [
            Finding(
                "limiting_pool",
                "medium",
                (pool.id,),
                f"pool {pool.name} ({pool.id}) limits recovery most: one more unit than its "
                f"{pool.capacity} brings {best.scenario_name} from "
                f"{clock(best.recovery_minutes_before)} to {clock(best.recovery_minutes_after)}.",
                failed,
                best.scenario if best.scenario in {s.id for s in self.plan.scenarios} else None,
                weight=(0, 0, 0, best.saved_minutes),
            )
        ]


def steps_needing_tooling(plan: Plan, result: RecoveryResult) -> dict[str, tuple[str, ...]]:
    """The recovery steps (services with a task of their own) that depend, directly or
    not, on a recovery-tooling service the scenario takes down, and which ones."""
    by_id = {s.id: s for s in plan.services}
    down = {r.id for r in result.services if r.state != "unaffected" and is_tooling(by_id[r.id])}
    if not down:
        return {}
    needs: dict[str, frozenset[str]] = {}
    for sid in dependency_order(plan.services):
        mine: set[str] = set()
        for d in by_id[sid].depends_on:
            if d in needs:
                mine |= needs[d]
                if d in down:
                    mine.add(d)
        needs[sid] = frozenset(mine)
    return {
        r.id: tuple(sorted(needs[r.id]))
        for r in result.services
        if r.mode is not None and needs.get(r.id)
    }


def is_tooling(service: Service) -> bool:
    """Whether the recovery itself needs ``service`` (its ``recovery_tooling`` flag)."""
    return service.recovery_tooling
