"""The validation of main before issue 12, kept verbatim as the oracle that the fast and
the incremental validation are compared with (tests/test_validation.py). Not used by
the program: only the comparison imports it. ``capped`` is copied too, so that a change
to it in planner.model.problems is caught as well.

Issue 13 added, in the same plain style (one pass per rule, no fast paths): failure
domains (a blank kind, an unknown site; in the shared id namespace), the domains of
racks and servers, the needs of a failover and of a restart, the restart time, and a
scenario's returns and declaration delay. Issue 14 added, in the same style: the
plan's failover test age, a service's RPO, its data copies (repeated ids, a blank id, a
kind that is not a copy kind, no locations, unknown locations, a lag that is not a
duration) and the date of its failover test, a scenario's date.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import networkx as nx

from planner.model.plan import (
    COPY_KINDS,
    MAX_COUNT,
    MAX_MINUTES,
    TIERS,
    Plan,
    Pool,
    Server,
    Service,
)
from planner.model.problems import Problem

# A plan built by a broken script may hold 20,000 problems of one sort; a screenful of
# examples says as much as all of them, and printing all of them takes minutes.
MAX_PER_FIELD = 10


def capped(problems: list[Problem], limit: int = MAX_PER_FIELD) -> list[Problem]:
    """``problems`` with at most ``limit`` lines per kind and field; the rest of each
    sort become one summary line (same kind and field, ``count`` says how many), in the
    place where the first of them was."""
    lines: dict[tuple[str, str | None], int] = {}
    for problem in problems:
        key = (problem.kind, problem.field)
        lines[key] = lines.get(key, 0) + 1
    if all(n <= limit for n in lines.values()):
        return problems
    kept: list[Problem] = []
    listed: dict[tuple[str, str | None], int] = {}
    left_out: dict[tuple[str, str | None], int] = {}
    summaries: dict[tuple[str, str | None], int] = {}  # key -> index of its summary line
    for problem in problems:
        key = (problem.kind, problem.field)
        if listed.get(key, 0) < limit or lines[key] <= limit:
            kept.append(problem)
            listed[key] = listed.get(key, 0) + 1
            continue
        left_out[key] = left_out.get(key, 0) + problem.count
        if key not in summaries:
            summaries[key] = len(kept)
            kept.append(problem)  # a placeholder, replaced below
    for key, where in summaries.items():
        rest = left_out[key]
        more = f"{rest:,} more like the ones above (not listed)"
        kept[where] = Problem(key[0], None, key[1], more, count=rest)
    return kept


# Names listed in a line about a group of items; the rest are counted.
SHOWN_IN_GROUP = 3


def validate(plan: Plan) -> list[Problem]:
    """Return every problem of ``plan``, in a stable order (empty when it is valid).

    Each check is near-linear in the size of the plan. Servers sharing rack units are
    one line per group of them, and past ``MAX_PER_FIELD`` problems of one kind and
    field the rest are summed up in one line (see :func:`capped`).
    """
    problems: list[Problem] = []
    problems += _plan_fields(plan)
    problems += _duplicate_ids(plan)
    problems += _domains(plan)
    problems += _racks_and_servers(plan)
    problems += _pools(plan)
    problems += _services(plan)
    problems += _scenarios(plan)
    problems += _dependency_cycles(plan)
    return capped(problems)


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


def _plan_fields(plan: Plan) -> list[Problem]:
    days: Any = plan.failover_test_max_age_days
    field = "failover_test_max_age_days"
    if type(days) is not int:
        return [Problem("plan", None, field, f"must be a whole number of days, got {days!r}")]
    if days < 0:
        return [Problem("plan", None, field, f"must be >= 0, got {days}")]
    if days > MAX_COUNT:
        return [Problem("plan", None, field, f"must be at most {MAX_COUNT:,}, got {days:,}")]
    return []


def _date(kind: str, item_id: str, field: str, value: Any) -> list[Problem]:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return []
    return [Problem(kind, item_id, field, f"must be a date (YYYY-MM-DD), got {value!r}")]


def _copies(service: Service, locations: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    for copy_id, n in Counter(c.id for c in service.data).items():
        if n > 1 and copy_id.strip() != "":
            message = f"copy '{copy_id}' is listed {n} times: each copy needs its own id"
            problems.append(Problem("service", service.id, "data", message))
    for number, copy in enumerate(service.data, start=1):
        name = f"copy '{copy.id}'" if copy.id.strip() != "" else f"copy #{number}"
        messages = []
        if copy.id.strip() == "":
            messages.append("the id is blank")
        if copy.kind not in COPY_KINDS:
            messages.append(
                f"kind must be one of primary, replica, backup, offline, got '{copy.kind}'"
            )
        if len(copy.on) == 0:
            messages.append(
                "is on no location: name the servers, racks, sites or failure domains holding it"
            )
        for ref in copy.on:
            if ref not in locations:
                messages.append(f"unknown site, rack, server or domain '{ref}'")
        problems += [Problem("service", service.id, "data", f"{name}: {m}") for m in messages]
        problems += _minutes(
            "service", service.id, "data", copy.lag_minutes, f"{name}: lag_minutes "
        )
    return problems


def _duplicate_ids(plan: Plan) -> list[Problem]:
    problems: list[Problem] = []
    # Sites, racks and servers share one namespace: a scenario may fail any of them.
    locations = [("site", s.id) for s in plan.sites]
    locations += [("domain", d.id) for d in plan.domains]
    locations += [("rack", r.id) for r in plan.racks]
    locations += [("server", s.id) for s in plan.servers]
    namespaces: list[list[tuple[str, str]]] = [
        locations,
        [("pool", p.id) for p in plan.pools],
        [("service", s.id) for s in plan.services],
        [("scenario", s.id) for s in plan.scenarios],
    ]
    for entries in namespaces:
        kinds_of: dict[str, list[str]] = defaultdict(list)
        for kind, item_id in entries:
            kinds_of[item_id].append(kind)
        for item_id, kinds in kinds_of.items():
            if len(kinds) > 1:
                distinct = sorted(set(kinds))
                shared = f" (used by {' and '.join(distinct)})" if len(distinct) > 1 else ""
                problems.append(
                    Problem(kinds[0], item_id, "id", f"duplicate id, {len(kinds):,} times{shared}")
                )
    return problems


def _domains(plan: Plan) -> list[Problem]:
    problems: list[Problem] = []
    site_ids = {s.id for s in plan.sites}
    for domain in plan.domains:
        if domain.kind.strip() == "":
            message = "is blank: name what fails together, e.g. power, ups, room, network, cooling"
            problems.append(Problem("domain", domain.id, "kind", message))
        if domain.site is not None and domain.site not in site_ids:
            problems.append(Problem("domain", domain.id, "site", f"unknown site '{domain.site}'"))
    return problems


def _domain_refs(kind: str, item_id: str, refs: list[str], known: set[str]) -> list[Problem]:
    return [
        Problem(kind, item_id, "domains", f"unknown failure domain '{ref}'")
        for ref in refs
        if ref not in known
    ]


def _racks_and_servers(plan: Plan) -> list[Problem]:
    problems: list[Problem] = []
    site_ids = {s.id for s in plan.sites}
    domain_ids = {d.id for d in plan.domains}
    racks = {r.id: r for r in plan.racks}
    for rack in plan.racks:
        if rack.site not in site_ids:
            problems.append(Problem("rack", rack.id, "site", f"unknown site '{rack.site}'"))
        problems += _count("rack", rack.id, "units", rack.units)
        problems += _domain_refs("rack", rack.id, rack.domains, domain_ids)
    by_rack: dict[str, list[Server]] = defaultdict(list)
    for server in plan.servers:
        host = racks.get(server.rack)
        problems += _count("server", server.id, "height", server.height)
        if host is None:
            problems.append(Problem("server", server.id, "rack", f"unknown rack '{server.rack}'"))
            problems += _domain_refs("server", server.id, server.domains, domain_ids)
            continue
        if server.position < 1 or server.top > host.units:
            problems.append(
                Problem(
                    "server",
                    server.id,
                    "position",
                    f"units {server.position}-{server.top} lie outside rack '{host.id}' "
                    f"(units 1-{host.units})",
                )
            )
        problems += _domain_refs("server", server.id, server.domains, domain_ids)
        if server.height >= 1:
            by_rack[host.id].append(server)
    for rack_id, servers in by_rack.items():
        for group in _sharing_units(servers):
            problems.append(_overlap_problem(rack_id, group))
    return problems


def _sharing_units(servers: list[Server]) -> list[list[Server]]:
    """Groups of servers that share rack units, each chained by overlaps (one sweep)."""
    groups: list[list[Server]] = []
    group: list[Server] = []
    reach = 0
    for server in sorted(servers, key=lambda s: (s.position, s.top)):
        if group and server.position <= reach:
            group.append(server)
            reach = max(reach, server.top)
            continue
        if len(group) > 1:
            groups.append(group)
        group, reach = [server], server.top
    if len(group) > 1:
        groups.append(group)
    return groups


def _overlap_problem(rack_id: str, group: list[Server]) -> Problem:
    if len(group) == 2:
        lower, upper = group
        shared = f"{max(lower.position, upper.position)}-{min(lower.top, upper.top)}"
        message = f"overlaps server '{lower.id}' in rack '{rack_id}' (units {shared})"
        return Problem("server", upper.id, "position", message)
    # One line for the whole group: 3,000 servers in one unit are one mistake, not
    # 4.5 million pairs.
    units = f"{group[0].position}-{max(s.top for s in group)}"
    names = ", ".join(f"'{s.id}'" for s in group[:SHOWN_IN_GROUP])
    if len(group) > SHOWN_IN_GROUP:
        names += f", … and {len(group) - SHOWN_IN_GROUP:,} more"
    message = f"units {units} of rack '{rack_id}' hold {len(group):,} overlapping servers: {names}"
    return Problem("server", group[0].id, "position", message)


def _pools(plan: Plan) -> list[Problem]:
    return [problem for p in plan.pools for problem in _count("pool", p.id, "capacity", p.capacity)]


def _duration(service: Service, field: str, value: float | None) -> list[Problem]:
    return _minutes("service", service.id, field, value, "")


def _minutes(kind: str, item_id: str, field: str, value: float | None, what: str) -> list[Problem]:
    if value is None:
        return []
    if not math.isfinite(value) or value < 0:
        return [Problem(kind, item_id, field, f"{what}must be a number >= 0, got {value}")]
    if value > MAX_MINUTES:
        message = f"{what}must be at most {MAX_MINUTES:,} (ten years in minutes), got {value:g}"
        return [Problem(kind, item_id, field, message)]
    return []


def _count(kind: str, item_id: str, field: str, value: int, least: int = 1) -> list[Problem]:
    if value < least:
        return [Problem(kind, item_id, field, f"must be >= {least}, got {value}")]
    if value > MAX_COUNT:
        return [Problem(kind, item_id, field, f"must be at most {MAX_COUNT:,}, got {value:,}")]
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
    locations = {s.id for s in plan.sites} | {r.id for r in plan.racks}
    locations |= server_ids | {d.id for d in plan.domains}
    for service in plan.services:
        if service.tier not in TIERS:
            problems.append(
                Problem("service", service.id, "tier", f"must be 0, 1, 2 or 3, got {service.tier}")
            )
        problems += _duration(service, "rto_minutes", service.rto_minutes)
        problems += _duration(service, "rpo_minutes", service.rpo_minutes)
        problems += _duration(service, "restore_minutes", service.restore_minutes)
        problems += _duration(service, "failover_minutes", service.failover_minutes)
        problems += _duration(service, "restart_minutes", service.restart_minutes)
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
        problems += _count("service", service.id, "min_instances", service.min_instances)
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
        modes = [("needs", service.needs)]
        modes += [("failover_needs", service.failover_needs or {})]
        modes += [("restart_needs", service.restart_needs or {})]
        for field, needs in modes:
            problems += _needs(service, field, needs, pools)
        problems += _copies(service, locations)
        problems += _date("service", service.id, "failover_tested_on", service.failover_tested_on)
    return problems


def _needs(
    service: Service, field: str, needs: dict[str, int], pools: dict[str, Pool]
) -> list[Problem]:
    problems: list[Problem] = []
    for pool_id, units in needs.items():
        pool = pools.get(pool_id)
        if pool is None:
            problems.append(Problem("service", service.id, field, f"unknown pool '{pool_id}'"))
        elif units < 1:
            problems.append(
                Problem(
                    "service",
                    service.id,
                    field,
                    f"{units} units of '{pool_id}': must be >= 1",
                )
            )
        elif units > pool.capacity:
            problems.append(
                Problem(
                    "service",
                    service.id,
                    field,
                    f"{units} units of pool '{pool_id}', which has only {pool.capacity}",
                )
            )
    return problems


def _scenarios(plan: Plan) -> list[Problem]:
    locations = {s.id for s in plan.sites} | {r.id for r in plan.racks}
    locations |= {s.id for s in plan.servers} | {d.id for d in plan.domains}
    problems: list[Problem] = []
    for scenario in plan.scenarios:
        for ref in scenario.failed:
            if ref not in locations:
                message = f"unknown site, rack, server or domain '{ref}'"
                problems.append(Problem("scenario", scenario.id, "failed", message))
        for ref, minutes in scenario.returns.items():
            if ref not in scenario.failed:
                message = f"'{ref}' is not one of this scenario's failed items"
                problems.append(Problem("scenario", scenario.id, "returns", message))
            problems += _minutes("scenario", scenario.id, "returns", minutes, f"'{ref}': ")
        declared = scenario.declared_after_minutes
        problems += _minutes("scenario", scenario.id, "declared_after_minutes", declared, "")
        problems += _date("scenario", scenario.id, "as_of", scenario.as_of)
    return problems


# A cycle through more services than this is named by its ends, not in full.
CYCLE_SHOWN = 12


def _dependency_cycles(plan: Plan) -> list[Problem]:
    return [
        Problem("service", cycle[0], "depends_on", _cycle_text(cycle))
        for cycle in dependency_cycles(plan)
    ]


def _cycle_text(cycle: list[str]) -> str:
    length = len(cycle) - 1  # the list is closed: its first id is repeated at the end
    if length <= CYCLE_SHOWN:
        return "dependency cycle " + " -> ".join(cycle)
    head, tail = cycle[:5], cycle[-4:]
    hidden = length - len(head) - len(tail) + 1
    return (
        f"dependency cycle of {length:,} services: {' -> '.join(head)} -> … "
        f"({hidden:,} more) -> {' -> '.join(tail)}"
    )
