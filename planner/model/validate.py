"""Semantic validation of a plan: every problem at once, each naming item and field.

Type problems (a duration that is not a number, say) are found when a file is read,
because the model cannot hold them; this module checks what a well-typed plan can
still get wrong.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable

import networkx as nx

from planner.model.plan import TIERS, Plan, Service
from planner.model.problems import Problem


def validate(plan: Plan) -> list[Problem]:
    """Return every problem of ``plan``, in a stable order (empty when it is valid)."""
    problems: list[Problem] = []
    problems += _duplicate_ids(plan)
    problems += _racks_and_servers(plan)
    problems += _pools(plan)
    problems += _services(plan)
    problems += _scenarios(plan)
    problems += _dependency_cycles(plan)
    return problems


def dependency_cycles(plan: Plan) -> list[list[str]]:
    """One cycle per strongly connected group of services, as a closed list of ids.

    ``a -> b -> a`` is returned as ``["a", "b", "a"]``. A self-dependency is ``[a, a]``.
    """
    graph = nx.DiGraph()
    known = {s.id for s in plan.services}
    for service in plan.services:
        graph.add_node(service.id)
        for dep in service.depends_on:
            if dep in known:
                graph.add_edge(service.id, dep)
    cycles: list[list[str]] = []
    order = {s.id: i for i, s in enumerate(plan.services)}
    for component in nx.strongly_connected_components(graph):
        first = min(component, key=order.__getitem__)
        if len(component) == 1 and not graph.has_edge(first, first):
            continue
        edges = nx.find_cycle(graph.subgraph(component), source=first)
        cycle = [edges[0][0]] + [v for _, v in edges]
        cycles.append(cycle)
    cycles.sort(key=lambda c: order[c[0]])
    return cycles


def _duplicate_ids(plan: Plan) -> list[Problem]:
    problems: list[Problem] = []
    # Sites, racks and servers share one namespace: a scenario may fail any of them.
    locations = [("site", s.id) for s in plan.sites]
    locations += [("rack", r.id) for r in plan.racks]
    locations += [("server", s.id) for s in plan.servers]
    namespaces: list[list[tuple[str, str]]] = [
        locations,
        [("pool", p.id) for p in plan.pools],
        [("service", s.id) for s in plan.services],
        [("scenario", s.id) for s in plan.scenarios],
    ]
    for entries in namespaces:
        counts = Counter(item_id for _, item_id in entries)
        reported: set[str] = set()
        for kind, item_id in entries:
            if counts[item_id] > 1 and item_id not in reported:
                reported.add(item_id)
                kinds = sorted({k for k, i in entries if i == item_id})
                shared = f" (used by {' and '.join(kinds)})" if len(kinds) > 1 else ""
                problems.append(
                    Problem(kind, item_id, "id", f"duplicate id, {counts[item_id]} times{shared}")
                )
    return problems


def _racks_and_servers(plan: Plan) -> list[Problem]:
    problems: list[Problem] = []
    site_ids = {s.id for s in plan.sites}
    racks = {r.id: r for r in plan.racks}
    for rack in plan.racks:
        if rack.site not in site_ids:
            problems.append(Problem("rack", rack.id, "site", f"unknown site '{rack.site}'"))
        if rack.units < 1:
            problems.append(Problem("rack", rack.id, "units", f"must be >= 1, got {rack.units}"))
    by_rack: dict[str, list] = defaultdict(list)
    for server in plan.servers:
        rack = racks.get(server.rack)
        if server.height < 1:
            problems.append(
                Problem("server", server.id, "height", f"must be >= 1, got {server.height}")
            )
        if rack is None:
            problems.append(Problem("server", server.id, "rack", f"unknown rack '{server.rack}'"))
            continue
        if server.position < 1 or server.top > rack.units:
            problems.append(
                Problem(
                    "server",
                    server.id,
                    "position",
                    f"units {server.position}-{server.top} lie outside rack '{rack.id}' "
                    f"(units 1-{rack.units})",
                )
            )
        if server.height >= 1:
            by_rack[rack.id].append(server)
    for rack_id, servers in by_rack.items():
        servers = sorted(servers, key=lambda s: (s.position, s.top))
        for i, lower in enumerate(servers):
            for upper in servers[i + 1 :]:
                if upper.position > lower.top:
                    break
                shared = f"{max(lower.position, upper.position)}-{min(lower.top, upper.top)}"
                problems.append(
                    Problem(
                        "server",
                        upper.id,
                        "position",
                        f"overlaps server '{lower.id}' in rack '{rack_id}' (units {shared})",
                    )
                )
    return problems


def _pools(plan: Plan) -> list[Problem]:
    return [
        Problem("pool", p.id, "capacity", f"must be >= 1, got {p.capacity}")
        for p in plan.pools
        if p.capacity < 1
    ]


def _duration(service: Service, field: str, value: float | None) -> list[Problem]:
    if value is None:
        return []
    if not math.isfinite(value) or value < 0:
        return [Problem("service", service.id, field, f"must be a number >= 0, got {value}")]
    return []


def _unknown(
    service: Service, field: str, refs: Iterable[str], known: set[str], what: str
) -> list[Problem]:
    return [
        Problem("service", service.id, field, f"unknown {what} '{ref}'")
        for ref in refs
        if ref not in known
    ]


def _repeated(service: Service, field: str, refs: list[str]) -> list[Problem]:
    counts = Counter(refs)
    return [
        Problem("service", service.id, field, f"'{ref}' is listed {n} times")
        for ref, n in counts.items()
        if n > 1
    ]


def _services(plan: Plan) -> list[Problem]:
    problems: list[Problem] = []
    server_ids = {s.id for s in plan.servers}
    service_ids = {s.id for s in plan.services}
    pools = {p.id: p for p in plan.pools}
    for service in plan.services:
        if service.tier not in TIERS:
            problems.append(
                Problem("service", service.id, "tier", f"must be 0, 1, 2 or 3, got {service.tier}")
            )
        problems += _duration(service, "rto_minutes", service.rto_minutes)
        problems += _duration(service, "restore_minutes", service.restore_minutes)
        problems += _duration(service, "failover_minutes", service.failover_minutes)
        problems += _unknown(service, "servers", service.servers, server_ids, "server")
        problems += _unknown(
            service, "standby_servers", service.standby_servers, server_ids, "server"
        )
        problems += _repeated(service, "servers", service.servers)
        problems += _repeated(service, "standby_servers", service.standby_servers)
        for both in sorted(set(service.servers) & set(service.standby_servers)):
            problems.append(
                Problem(
                    "service",
                    service.id,
                    "standby_servers",
                    f"server '{both}' is both active and standby",
                )
            )
        problems += _unknown(service, "depends_on", service.depends_on, service_ids, "service")
        problems += _repeated(service, "depends_on", service.depends_on)
        if service.min_instances < 1:
            problems.append(
                Problem(
                    "service",
                    service.id,
                    "min_instances",
                    f"must be >= 1, got {service.min_instances}",
                )
            )
        placed = len(set(service.servers)) + len(set(service.standby_servers))
        if placed and service.min_instances > placed:
            problems.append(
                Problem(
                    "service",
                    service.id,
                    "min_instances",
                    f"{service.min_instances} is more than its {placed} active and standby "
                    "instances",
                )
            )
        for pool_id, units in service.needs.items():
            pool = pools.get(pool_id)
            if pool is None:
                problems.append(
                    Problem("service", service.id, "needs", f"unknown pool '{pool_id}'")
                )
            elif units < 1:
                problems.append(
                    Problem(
                        "service",
                        service.id,
                        "needs",
                        f"{units} units of '{pool_id}': must be >= 1",
                    )
                )
            elif units > pool.capacity:
                problems.append(
                    Problem(
                        "service",
                        service.id,
                        "needs",
                        f"{units} units of pool '{pool_id}', which has only {pool.capacity}",
                    )
                )
    return problems


def _scenarios(plan: Plan) -> list[Problem]:
    locations = {s.id for s in plan.sites} | {r.id for r in plan.racks}
    locations |= {s.id for s in plan.servers}
    problems: list[Problem] = []
    for scenario in plan.scenarios:
        for ref in scenario.failed:
            if ref not in locations:
                problems.append(
                    Problem(
                        "scenario", scenario.id, "failed", f"unknown site, rack or server '{ref}'"
                    )
                )
    return problems


def _dependency_cycles(plan: Plan) -> list[Problem]:
    return [
        Problem("service", cycle[0], "depends_on", "dependency cycle " + " -> ".join(cycle))
        for cycle in dependency_cycles(plan)
    ]
