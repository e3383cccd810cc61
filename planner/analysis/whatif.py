"""What one change buys, measured with the engine on the worst scenario: a service made
redundant (its own task left out: it is unaffected), or one more unit of a pool."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from planner.engine.recovery import RecoveryResult, recover
from planner.model.clock import clock
from planner.model.plan import Plan

ChangeKind = Literal["redundant", "pool"]


@dataclass(frozen=True)
class WhatIf:
    change: str  # "make ops-tooling redundant", "one more unit of pool dba"
    kind: ChangeKind
    target: str  # the service or pool id
    scenario: str  # the scenario id (or the failed component of a single failure)
    scenario_name: str
    recovery_minutes_before: float
    recovery_minutes_after: float
    tier_minutes_before: dict[int, float]
    tier_minutes_after: dict[int, float]

    @property
    def saved_minutes(self) -> float:
        return self.recovery_minutes_before - self.recovery_minutes_after

    @property
    def saved_critical_minutes(self) -> float:
        """The most it saves on tier 0 or tier 1 (their recovery times)."""
        return max(
            (
                self.tier_minutes_before[t] - self.tier_minutes_after.get(t, 0)
                for t in (0, 1)
                if t in self.tier_minutes_before
            ),
            default=0,
        )

    def rank_key(self) -> tuple[float, float, str, str, str]:
        """Tier 0-1 time saved first, then the whole recovery's."""
        return (
            -self.saved_critical_minutes,
            -self.saved_minutes,
            self.kind,
            self.target,
            self.scenario,
        )

    def sentence(self) -> str:
        """ "make ops-tooling redundant: Pangyo fire 84:00 -> 9:30 (tier 0 18:40 -> 12:40)"."""
        before, after = clock(self.recovery_minutes_before), clock(self.recovery_minutes_after)
        tiers = [
            f"tier {t} {clock(self.tier_minutes_before[t])} -> "
            f"{clock(self.tier_minutes_after.get(t, 0))}"
            for t in (0, 1)
            if t in self.tier_minutes_before
            and self.tier_minutes_after.get(t, 0) != self.tier_minutes_before[t]
        ]
        more = f" ({', '.join(tiers)})" if tiers else ""
        return f"{self.change}: {self.scenario_name} {before} -> {after}{more}"


def what_if(
    plan: Plan,
    result: RecoveryResult,
    scenario_name: str,
    services: Iterable[str],
    pools: bool = True,
) -> list[WhatIf]:
    """The recovery of ``result``'s scenario with each of ``services`` (that has a task
    there) made redundant and, with ``pools``, each pool one unit larger, ranked by
    minutes saved (most first)."""
    impact = result.impact
    scenario = result.scenario or ",".join(result.failed)
    found: list[WhatIf] = []

    def entry(change: str, kind: ChangeKind, target: str, after: RecoveryResult) -> WhatIf:
        return WhatIf(
            change,
            kind,
            target,
            scenario,
            scenario_name,
            result.recovery_minutes,
            after.recovery_minutes,
            dict(result.tier_minutes),
            dict(after.tier_minutes),
        )

    for sid in dict.fromkeys(services):
        if sid not in impact.actions:
            continue
        actions = {k: v for k, v in impact.actions.items() if k != sid}
        modes = {k: v for k, v in impact.modes.items() if k != sid}
        after = recover(plan, replace(impact, actions=actions, modes=modes), result.scenario)
        found.append(entry(f"make {sid} redundant", "redundant", sid, after))
    for pool in plan.pools if pools else ():
        larger = [replace(p, capacity=p.capacity + 1) if p is pool else p for p in plan.pools]
        after = recover(replace(plan, pools=larger), impact, result.scenario)
        found.append(entry(f"one more unit of pool {pool.id}", "pool", pool.id, after))
    found.sort(key=WhatIf.rank_key)
    return found
