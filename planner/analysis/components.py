"""What each failure domain takes down on its own, or together with one other.

A *component* is anything a scenario can fail: a site, a failure domain (power feed,
room, ...), a rack or a server. The engine's loss rule (docs/engine.md) makes a server
lost exactly when it fails, its rack fails, its rack's site fails, or, for some kind,
every domain of that kind among its own and its rack's domains fails. So the components
that take a server down alone (its *killers*) are the server, its rack, its site and
each domain that is the only one of its kind there; two domains that are the only two
of their kind take it down together (a *joint* pair); three or more of a kind need more
than two failures. Everything the analysis says about sets of at most two components
is built from these tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from planner.model.plan import Plan

ComponentKind = Literal["site", "domain", "rack", "server"]
Pair = tuple[str, str]


@dataclass(frozen=True)
class Components:
    """The loss tables of a plan.

    ``order`` lists every component: sites, domains, racks, servers, each in plan order.
    ``footprint[c]`` lists the servers ``c`` takes down alone (plan order);
    ``joint_footprint[(a, b)]`` (``a < b``) the servers only the two together take down.
    """

    kind: dict[str, ComponentKind]
    order: tuple[str, ...]
    names: dict[str, str]
    killers: dict[str, tuple[str, ...]]  # server -> components that take it down alone
    joint: dict[str, tuple[Pair, ...]]  # server -> domain pairs that take it down together
    footprint: dict[str, list[str]]
    joint_footprint: dict[Pair, list[str]]
    rack_of: dict[str, str]  # server -> rack
    site_of: dict[str, str]  # rack or server -> site
    domain_site: dict[str, str | None]
    domain_kind: dict[str, str]
    rack_killers: dict[str, tuple[str, ...]]  # rack -> what takes the rack itself down

    def location_killers(self, location: str) -> frozenset[str]:
        """The components whose loss alone makes a data copy on ``location`` lost
        (docs/engine.md, "Data": a domain is lost with its site)."""
        kind = self.kind.get(location)
        if kind == "server":
            return frozenset(self.killers.get(location, ()))
        if kind == "rack":
            return frozenset(self.rack_killers.get(location, ()))
        if kind == "domain":
            home = self.domain_site.get(location)
            return frozenset((location, home) if home is not None else (location,))
        if kind == "site":
            return frozenset((location,))
        return frozenset()

    def label(self, component: str) -> str:
        """ "rack PG-A01 (pg-a01)": the kind, the name and, when it differs, the id."""
        kind = self.kind.get(component, "component")
        name = self.names.get(component, component)
        word = f"{self.domain_kind.get(component)} domain" if kind == "domain" else kind
        return f"{word} {name}" if name == component else f"{word} {name} ({component})"


def components_of(plan: Plan) -> Components:
    """Build the loss tables of ``plan`` (linear in its size)."""
    kind: dict[str, ComponentKind] = {}
    names: dict[str, str] = {}
    for site in plan.sites:
        kind[site.id] = "site"
        names[site.id] = site.name
    domain_kind: dict[str, str] = {}
    domain_site: dict[str, str | None] = {}
    for domain in plan.domains:
        kind[domain.id] = "domain"
        names[domain.id] = domain.name
        domain_kind[domain.id] = domain.kind
        domain_site[domain.id] = domain.site
    racks = {}
    site_of: dict[str, str] = {}
    rack_killers: dict[str, tuple[str, ...]] = {}
    for rack in plan.racks:
        kind[rack.id] = "rack"
        names[rack.id] = rack.name
        racks[rack.id] = rack
        site_of[rack.id] = rack.site
        sole, _pairs = _by_kind(rack.domains, domain_kind)
        rack_killers[rack.id] = (rack.id, rack.site, *sole)
    killers: dict[str, tuple[str, ...]] = {}
    joint: dict[str, tuple[Pair, ...]] = {}
    footprint: dict[str, list[str]] = {c: [] for c in kind}
    joint_footprint: dict[Pair, list[str]] = {}
    rack_of: dict[str, str] = {}
    # Servers without domains of their own fall exactly with their rack: one table each.
    rack_pairs: dict[str, tuple[Pair, ...]] = {}
    for rack in plan.racks:
        rack_pairs[rack.id] = _by_kind(rack.domains, domain_kind)[1] if rack.domains else ()
    for server in plan.servers:
        sid = server.id
        kind[sid] = "server"
        names[sid] = server.name
        rack_of[sid] = server.rack
        home = racks.get(server.rack)
        if home is None:
            own: tuple[str, ...] = (sid,)
            pairs: tuple[Pair, ...] = ()
        elif server.domains:
            site_of[sid] = home.site
            sole, pairs = _by_kind([*server.domains, *home.domains], domain_kind)
            own = (sid, home.id, home.site, *sole)
        else:
            site_of[sid] = home.site
            own = (sid, *rack_killers[home.id])
            pairs = rack_pairs[home.id]
        killers[sid] = own
        footprint[sid] = []
        for c in own:
            bucket = footprint.get(c)
            if bucket is not None:
                bucket.append(sid)
        if pairs:
            joint[sid] = pairs
            for pair in pairs:
                joint_footprint.setdefault(pair, []).append(sid)
    order = tuple(
        [s.id for s in plan.sites]
        + [d.id for d in plan.domains]
        + [r.id for r in plan.racks]
        + [s.id for s in plan.servers]
    )
    return Components(
        kind,
        order,
        names,
        killers,
        joint,
        footprint,
        joint_footprint,
        rack_of,
        site_of,
        domain_site,
        domain_kind,
        rack_killers,
    )


def _by_kind(
    domains: Iterable[str], domain_kind: dict[str, str]
) -> tuple[tuple[str, ...], tuple[Pair, ...]]:
    """The domains that are alone of their kind, and the pairs that are the only two of
    theirs (unknown ids play no part, as in the engine)."""
    groups: dict[str, list[str]] = {}
    for d in dict.fromkeys(domains):
        k = domain_kind.get(d)
        if k is not None:
            groups.setdefault(k, []).append(d)
    sole = tuple(g[0] for g in groups.values() if len(g) == 1)
    pairs = tuple((min(g), max(g)) for g in groups.values() if len(g) == 2)
    return sole, pairs
