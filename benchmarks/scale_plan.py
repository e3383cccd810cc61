"""A generated plan the size of the 2022 fire: 32,000 servers, 3,000 services."""

from __future__ import annotations

import random

from planner.model import Plan, Pool, Rack, Scenario, Server, Service, Site
from planner.model.plan import Domain, Number


def scale_plan(
    sites: int = 4,
    racks: int = 1000,
    servers_per_rack: int = 32,
    services: int = 3000,
    dependencies: int = 8000,
    seed: int = 2022,
) -> Plan:
    """Deterministic synthetic plan; its scenario "everything" fails every site."""
    rng = random.Random(seed)
    plan = Plan(name=f"scale {racks * servers_per_rack} servers / {services} services")
    plan.sites = [Site(f"site{i}", f"Site {i}") for i in range(sites)]
    plan.racks = [Rack(f"rack{i}", f"site{i % sites}", f"Rack {i}") for i in range(racks)]
    for r in range(racks):
        for u in range(servers_per_rack):
            sid = f"srv{r}-{u}"
            plan.servers.append(Server(sid, f"rack{r}", sid, u + 1))
    plan.pools = [
        Pool("oncall", "On-call engineers", 40),
        Pool("dba", "DBAs", 12),
        Pool("restore", "Backup restore streams", 24),
    ]
    server_ids = [s.id for s in plan.servers]
    edges: set[tuple[int, int]] = set()
    while len(edges) < dependencies:
        a, b = rng.randrange(services), rng.randrange(services)
        if a != b:
            edges.add((max(a, b), min(a, b)))  # later services depend on earlier: a DAG
    depends: dict[int, list[str]] = {}
    for a, b in sorted(edges):
        depends.setdefault(a, []).append(f"svc{b}")
    for i in range(services):
        placed = rng.sample(server_ids, 12)
        failover = rng.random() < 0.5
        needs = {rng.choice(["oncall", "dba", "restore"]): rng.randint(1, 3)}
        plan.services.append(
            Service(
                id=f"svc{i}",
                name=f"Service {i}",
                tier=rng.randint(0, 3),
                rto_minutes=rng.choice([60, 240, 720, 1440, None]),
                restore_minutes=rng.randint(10, 240),
                failover_minutes=rng.randint(5, 30) if failover else None,
                servers=placed[:8],
                standby_servers=placed[8:] if failover else [],
                min_instances=rng.randint(1, 4),
                needs=needs,
                depends_on=depends.get(i, []),
            )
        )
    plan.scenarios = [Scenario("everything", "Everything lost", [s.id for s in plan.sites])]
    return plan


def power_plan(seed: int = 13, **kw: int) -> Plan:
    """The scale plan on power: two feeds per rack (kind "power"), a restart in place for
    half of the services, and the scenario "power": every feed fails, the operator
    declares the disaster after 40 minutes, and both feeds of a third of the racks come
    back (after 6 to 30 hours; the rack is back with the first of its two feeds)."""
    plan = scale_plan(**kw)
    rng = random.Random(seed)
    for rack in plan.racks:
        feeds = [f"{rack.id}-pa", f"{rack.id}-pb"]
        rack.domains = feeds
        for feed in feeds:
            plan.domains.append(Domain(feed, f"{rack.name} feed {feed[-1]}", "power", rack.site))
    for service in plan.services:
        if rng.random() < 0.5:
            service.restart_minutes = rng.randint(5, 60)
    returning = rng.sample(plan.racks, len(plan.racks) // 3)
    returns: dict[str, Number] = {}
    for rack in returning:
        for feed in rack.domains:
            returns[feed] = rng.randint(6 * 60, 30 * 60)
    plan.scenarios.append(
        Scenario(
            "power",
            "Every power feed lost",
            [d.id for d in plan.domains],
            returns,
            declared_after_minutes=40,
        )
    )
    return plan


def with_copies(plan: Plan, seed: int = 17) -> Plan:
    """``plan`` with data everywhere (issue 14): every service gets an RPO, a primary copy
    on its first server (or its first rack), a replica on a rack of another site (5
    minutes behind) and a nightly backup on a power feed (24 h behind), and no failover
    test on record. The copies' ``on`` mix servers, racks, sites and domains, so every
    kind of location is looked up."""
    from planner.model.plan import DataCopy

    rng = random.Random(seed)
    servers = {s.id: s for s in plan.servers}
    by_site: dict[str, list[str]] = {}
    for rack in plan.racks:
        by_site.setdefault(rack.site, []).append(rack.id)
    rack_site = {r.id: r.site for r in plan.racks}
    feeds = [d.id for d in plan.domains] or [s.id for s in plan.sites]
    for service in plan.services:
        first = service.servers[0] if service.servers else None
        home = rack_site[servers[first].rack] if first in servers else plan.sites[0].id
        others = [site for site in by_site if site != home] or list(by_site)
        away = rng.choice(by_site[rng.choice(others)])
        service.rpo_minutes = rng.choice([0, 15, 60, 1440])
        service.data = [
            DataCopy("primary", [first] if first else [home], 0),
            DataCopy("replica", [away], 5, "replica"),
            DataCopy("nightly", [rng.choice(feeds), home], 1440, "backup"),
        ]
    return plan
