"""The whole resilience analysis of a plan, and its JSON form (the machine contract)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from planner.analysis.blast import (
    AnalysisCancelled,
    BlastRadii,
    BlastRadius,
    Progress,
    blast_radii,
)
from planner.analysis.components import Components, components_of
from planner.analysis.cutsets import ServiceCuts, closure_orders, service_cuts
from planner.analysis.findings import Finding, FindingsBuilder, rank
from planner.analysis.sites import SiteN1, SiteN2, site_n1, site_n2
from planner.analysis.whatif import WhatIf, what_if
from planner.engine.recovery import RecoveryResult, check_computable, compute
from planner.model.plan import TIERS, Plan

JSON_FORMAT = "drplanner-analysis"
JSON_VERSION = 1
WHAT_IF_SERVICES = 8  # services tried as "made redundant" on the worst scenario


@dataclass(frozen=True)
class ScenarioRecovery:
    """A named scenario's recovery as the analysis computed it."""

    id: str
    name: str
    recovery_minutes: float
    tier_minutes: dict[int, float]


@dataclass(frozen=True)
class Analysis:
    """Everything ``drplanner analyze`` reports.

    ``domains`` holds every site and failure domain, and every rack and server whose loss
    changes something, worst first; ``unchanged`` counts, per kind, the components whose
    loss changes nothing. ``services`` are in plan order; those of ``tiers`` have cut
    sets to ``order``, the others to order 1. ``single_points`` are the analysed
    services with an order-1 restore cut set.
    """

    plan_name: str
    order: int
    tiers: tuple[int, ...]
    as_of: date
    domains: tuple[BlastRadius, ...]
    unchanged: dict[str, int]
    services: tuple[ServiceCuts, ...]
    single_points: tuple[str, ...]
    site_n1: tuple[SiteN1, ...]
    site_n2: tuple[SiteN2, ...]
    findings: tuple[Finding, ...]
    what_if: tuple[WhatIf, ...]
    scenarios: tuple[ScenarioRecovery, ...]
    worst_scenario: str | None
    components: Components

    def cuts(self, service_id: str) -> ServiceCuts | None:
        return next((c for c in self.services if c.id == service_id), None)


def severity_key(radius: BlastRadius, tiers: dict[str, int]) -> tuple[float, ...]:
    """How bad a single failure is, for ranking (larger is worse)."""
    critical = sum(1 for s in radius.rto_misses if tiers[s] <= 1)
    return (
        len(radius.data_lost),
        critical,
        len(radius.rto_misses),
        radius.recovery_minutes,
        len(radius.restore),
        len(radius.impacted),
    )


def analyze(
    plan: Plan,
    order: int = 2,
    tiers: Sequence[int] | None = None,
    as_of: date | None = None,
    progress: Progress | None = None,
    check: bool = True,
) -> Analysis:
    """Analyse every single failure of ``plan``, the cut sets of its services, its sites
    at N-1 and N-2, its findings and what one change buys (docs/analysis.md).

    ``tiers`` (default: all) selects the services whose cut sets go to ``order`` and
    that the single-point, site and finding sections judge. Raises
    :class:`~planner.engine.impact.ScenarioError` for a plan that cannot be computed,
    :class:`AnalysisCancelled` when ``progress`` returns False.
    """
    if order not in (1, 2):
        raise ValueError(f"order must be 1 or 2, not {order}")
    if check:
        check_computable(plan)
    day = as_of or date.today()
    wanted = tuple(sorted(set(TIERS if tiers is None else tiers)))
    analysed = [s.id for s in plan.services if s.tier in wanted]
    total = len(plan.services) * 2 + len(plan.servers) + len(plan.racks) + 64
    done = 0

    def step(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None and not progress(min(done, total), total):
            raise AnalysisCancelled("analysis cancelled")

    components = components_of(plan)
    step(len(plan.services))
    orders = closure_orders(plan.services, wanted, order)
    cuts, own = service_cuts(plan.services, components, orders)
    step(len(plan.services))
    radii = BlastRadii(plan, components, own)
    every = blast_radii(radii, progress=progress, done=done, total=total)
    step(len(every))
    tier_of = {s.id: s.tier for s in plan.services}
    listed = [r for r in every if r.kind in ("site", "domain") or r.changes_anything]
    listed.sort(key=lambda r: tuple(-x for x in severity_key(r, tier_of)))
    unchanged: dict[str, int] = {}
    for r in every:
        if not r.changes_anything and r.kind in ("rack", "server"):
            unchanged[r.kind] = unchanged.get(r.kind, 0) + 1
    named: list[tuple[RecoveryResult, str]] = []
    for scenario in plan.scenarios:
        named.append((compute(plan, scenario.id, check=False, as_of=day), scenario.name))
        step(1)
    n1 = site_n1(plan, cuts, radii, analysed)
    n2 = site_n2(plan, radii, analysed)
    step(len(plan.sites))
    builder = FindingsBuilder(plan, components, cuts, own, radii, analysed)
    radius_of = {r.id: r for r in every}
    findings = [
        *builder.tooling(named, radius_of),
        *builder.hidden_single_points(radius_of),
        *builder.copies_sharing(),
        *builder.single_points(),
        *builder.shared_standbys(),
        *builder.rto_unmeetable(listed, named),
        *builder.untested(day),
    ]
    findings = rank(findings)
    worst, worst_name = _worst(plan, named, listed, day)
    changes: list[WhatIf] = []
    if worst is not None:
        # The services the top findings name (recovery tooling and culprits first), then
        # the worst scenario's critical path: each made redundant in every scenario it
        # has a task in; one more unit of each pool in the worst scenario.
        candidates: list[str] = []
        for f in findings:
            if f.kind in ("tooling_down", "hidden_single_point", "single_point"):
                candidates += [i for i in f.ids[:1] if i in tier_of]
        candidates += list(worst.critical_path[:3])
        picked = list(dict.fromkeys(candidates))[:WHAT_IF_SERVICES]
        runs = named if named else [(worst, worst_name)]
        for result, name in runs:
            changes += what_if(plan, result, name, picked, pools=result is worst)
            step(len(picked))
        changes.sort(key=WhatIf.rank_key)
        findings = rank([*findings, *builder.limiting_pool(changes, worst.failed)])
    single = tuple(sid for sid in analysed if any(len(c) <= 1 for c in cuts[sid].restore))
    return Analysis(
        plan.name,
        order,
        wanted,
        day,
        tuple(listed),
        unchanged,
        tuple(cuts[s.id] for s in plan.services),
        single,
        tuple(n1),
        tuple(n2),
        tuple(findings),
        tuple(changes),
        tuple(
            ScenarioRecovery(r.scenario or "", name, r.recovery_minutes, dict(r.tier_minutes))
            for r, name in named
        ),
        (worst.scenario or ",".join(worst.failed)) if worst is not None else None,
        components,
    )


def _worst(
    plan: Plan,
    named: Sequence[tuple[RecoveryResult, str]],
    listed: Sequence[BlastRadius],
    day: date,
) -> tuple[RecoveryResult | None, str]:
    """The named scenario with the longest recovery, else the worst single failure."""
    if named:
        result, name = max(named, key=lambda rn: rn[0].recovery_minutes)
        return result, name
    for radius in listed:
        if radius.impacted:
            return compute(plan, failed=[radius.id], check=False, as_of=day), (
                f"losing {radius.name}"
            )
    return None, ""


def to_json(analysis: Analysis) -> dict[str, Any]:
    """The JSON contract of ``drplanner analyze --format json`` (docs/analysis.md)."""
    return {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "plan": analysis.plan_name,
        "order": analysis.order,
        "tiers": list(analysis.tiers),
        "as_of": analysis.as_of.isoformat(),
        "domains": [
            {
                "id": r.id,
                "kind": r.kind,
                "domain_kind": r.domain_kind,
                "name": r.name,
                "impacted": list(r.impacted),
                "restore": list(r.restore),
                "data_lost": list(r.data_lost),
                "recovery_minutes": r.recovery_minutes,
                "rto_misses": list(r.rto_misses),
                "worst_tier": r.worst_tier,
            }
            for r in analysis.domains
        ],
        "unchanged": dict(analysis.unchanged),
        "services": [
            {
                "id": c.id,
                "order": c.order,
                "cut_sets": {
                    "impacted": [list(x) for x in c.impacted],
                    "restore": [list(x) for x in c.restore],
                },
                "chains": {k: list(v) for k, v in c.chains.items()},
            }
            for c in analysis.services
        ],
        "single_points": list(analysis.single_points),
        "site_n1": [
            {
                "site": n.site,
                "still_single": list(n.still_single),
                "single_points": {k: list(v) for k, v in n.single_points.items()},
                "no_standby_left": list(n.no_standby_left),
            }
            for n in analysis.site_n1
        ],
        "site_n2": [{"sites": list(n.sites), "restore": list(n.restore)} for n in analysis.site_n2],
        "findings": [
            {
                "kind": f.kind,
                "severity": f.severity,
                "ids": list(f.ids),
                "message": f.message,
                "failed": list(f.failed),
                "scenario": f.scenario,
            }
            for f in analysis.findings
        ],
        "what_if": [
            {
                "change": w.change,
                "kind": w.kind,
                "target": w.target,
                "scenario": w.scenario,
                "recovery_minutes_before": w.recovery_minutes_before,
                "recovery_minutes_after": w.recovery_minutes_after,
                "tier_minutes_before": {str(k): v for k, v in w.tier_minutes_before.items()},
                "tier_minutes_after": {str(k): v for k, v in w.tier_minutes_after.items()},
            }
            for w in analysis.what_if
        ],
        "scenarios": [
            {"id": s.id, "name": s.name, "recovery_minutes": s.recovery_minutes}
            for s in analysis.scenarios
        ],
        "worst_scenario": analysis.worst_scenario,
    }


__all__ = ["Analysis", "AnalysisCancelled", "analyze", "to_json"]
