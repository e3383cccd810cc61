"""N-1 and N-2 by site: the "triple + alpha" test.

After losing one site, a service still has an order-1 restore cut set when one more
component would force its restore: a single cut set other than that site, or the other
member of a pair with it. Only services whose cut sets were computed to order 2 (the
analysed tiers) can be judged; services the site alone forces to a restore are in its
blast radius instead. N-2 fails every pair of sites and lists the analysed services
that then need a restore.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from planner.analysis.blast import BlastRadii
from planner.analysis.cutsets import ServiceCuts
from planner.model.plan import Plan


@dataclass(frozen=True)
class SiteN1:
    """After losing ``site``: the analysed services one more failure would force to a
    restore (with those components), and the tier 0-1 services left with no standby."""

    site: str
    still_single: tuple[str, ...]
    single_points: dict[str, tuple[str, ...]]  # service -> the components
    no_standby_left: tuple[str, ...]


@dataclass(frozen=True)
class SiteN2:
    sites: tuple[str, str]
    restore: tuple[str, ...]  # analysed services needing a restore, plan order


def site_n1(
    plan: Plan, cuts: Mapping[str, ServiceCuts], radii: BlastRadii, analysed: Sequence[str]
) -> list[SiteN1]:
    """:class:`SiteN1` for each site, plan order."""
    footprint = radii.components.footprint
    found: list[SiteN1] = []
    for site in plan.sites:
        down = set(footprint.get(site.id, ()))
        still: dict[str, tuple[str, ...]] = {}
        for sid in analysed:
            restore = cuts[sid].restore
            if () in restore or (site.id,) in restore:
                continue
            points = [c[0] for c in restore if len(c) == 1]
            points += [
                c[1] if c[0] == site.id else c[0] for c in restore if len(c) == 2 and site.id in c
            ]
            if points:
                still[sid] = tuple(sorted(set(points)))
        no_standby = []
        for sid in analysed:
            service = radii.services[sid]
            if service.tier > 1 or not service.standby_servers:
                continue
            if down.issuperset(service.standby_servers):
                no_standby.append(sid)
        found.append(SiteN1(site.id, tuple(still), still, tuple(no_standby)))
    return found


def site_n2(plan: Plan, radii: BlastRadii, analysed: Sequence[str]) -> list[SiteN2]:
    """:class:`SiteN2` for each pair of sites (plan order), evaluated with the engine."""
    wanted = set(analysed)
    found: list[SiteN2] = []
    for a, b in combinations([s.id for s in plan.sites], 2):
        impact = radii.impact([a, b])
        restore = radii.closure([s for s, x in impact.actions.items() if x == "restore"])
        found.append(SiteN2((a, b), tuple(s for s in restore if s in wanted)))
    return found
