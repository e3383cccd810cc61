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
