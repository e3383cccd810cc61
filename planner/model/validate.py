"""Semantic validation of a plan: every problem at once, each naming item and field.

Type problems (a duration that is not a number, say) are found when a file is read,
because the model cannot hold them; this module checks what a well-typed plan can
still get wrong.

The order of the problems is part of the contract (the CLI, the GUI and the recovery
engine print them as they come): the plan's own fields, duplicate ids, failure domains,
racks, servers, servers sharing units, pools, services (a service's data copies among
its own problems), scenarios, dependency cycles, each in plan order. The checks of one
item are functions of that item and a few sets of ids (``domain_problems``,
``rack_problems``, ``server_problems``, ...), so that :mod:`planner.model.incremental`
can recheck only the items an edit touched and still give exactly what :func:`validate`
gives.

Speed: on a 32,000-server plan validation runs next to every computation, so each
check first asks the cheap question a valid plan answers with "no" (a set of the ids
as long as the list, a number within its bounds, references a subset of the known
ids) and builds the messages only for the rare item that fails it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from planner.model.graph import CycleError, dependency_order
from planner.model.plan import (
    COPY_KINDS,
    MAX_COUNT,
    MAX_MINUTES,
    TIERS,
    DataCopy,
    Domain,
    Number,
    Plan,
    Pool,
    Rack,
    Scenario,
    Server,
    Service,
)
from planner.model.problems import Problem, capped

if TYPE_CHECKING:
    import networkx

# Names listed in a line about a group of items; the rest are counted.
SHOWN_IN_GROUP = 3

# What every check returns for an item without problems (never appended to).
NO_PROBLEMS: tuple[Problem, ...] = ()


def validate(plan: Plan) -> list[Problem]:
    """Return every problem of ``plan``, in a stable order (empty when it is valid).

    Each check is near-linear in the size of the plan. Servers sharing rack units are
    one line per group of them, and past ``MAX_PER_FIELD`` problems of one kind and
    field the rest are summed up in one line (see :func:`capped`).
    """
    site_ids = {s.id for s in plan.sites}
    domain_ids = {d.id for d in plan.domains}
    rack_ids = {r.id for r in plan.racks}
    server_ids = {s.id for s in plan.servers}
    service_ids = {s.id for s in plan.services}
    locations = site_ids | domain_ids | rack_ids | server_ids
    problems: list[Problem] = list(plan_problems(plan))
    # The sets tell at once whether a namespace repeats an id: only then is it searched.
    namespace = len(plan.sites) + len(plan.domains) + len(plan.racks) + len(plan.servers)
    if len(locations) != namespace:
        problems += duplicate_problems(location_entries(plan))
    for kind, items in (("pool", plan.pools), ("service", plan.services)):
        if len({item.id for item in items}) != len(items):
            problems += duplicate_problems((kind, item.id) for item in items)
    if len({s.id for s in plan.scenarios}) != len(plan.scenarios):
        problems += duplicate_problems(("scenario", s.id) for s in plan.scenarios)
    for domain in plan.domains:
        problems += domain_problems(domain, site_ids)
    racks = {r.id: r for r in plan.racks}  # the last of a repeated id, as ever
    for rack in plan.racks:
        problems += rack_problems(rack, site_ids, domain_ids)
    by_rack: dict[str, list[Server]] = {}
    for server in plan.servers:
        problems += server_problems(server, racks, domain_ids)
        if server.height >= 1 and server.rack in racks:
            group = by_rack.get(server.rack)
            if group is None:
                by_rack[server.rack] = [server]
            else:
                group.append(server)
    for rack_id, servers in by_rack.items():
        problems += overlap_problems(rack_id, servers)
    for pool in plan.pools:
        problems += pool_problems(pool)
    pools = {p.id: p for p in plan.pools}
    for service in plan.services:
        problems += service_problems(service, server_ids, service_ids, pools, locations)
    for scenario in plan.scenarios:
        problems += scenario_problems(scenario, locations)
    problems += cycle_problems(plan.services)
    return capped(problems)


#: The plan's own fields that :func:`plan_problems` reads.
PLAN_CHECKED_FIELDS = frozenset({"failover_test_max_age_days"})


def plan_problems(plan: Plan) -> Sequence[Problem]:
    """The plan's own problems: the age after which a failover test is stale must be a
    whole number of days, at least 0."""
    days = plan.failover_test_max_age_days
    if type(days) is int and 0 <= days <= MAX_COUNT:
        return NO_PROBLEMS
    field = "failover_test_max_age_days"
    if type(days) is not int:
        return [Problem("plan", None, field, f"must be a whole number of days, got {days!r}")]
    return _count("plan", None, field, days, least=0)


def location_entries(plan: Plan) -> list[tuple[str, str]]:
    """``(kind, id)`` of every site, failure domain, rack and server: one id namespace
    (a scenario may fail any of them)."""
    entries = [("site", s.id) for s in plan.sites]
    entries += [("domain", d.id) for d in plan.domains]
    entries += [("rack", r.id) for r in plan.racks]
    entries += [("server", s.id) for s in plan.servers]
    return entries


def duplicate_problems(entries: Iterable[tuple[str, str]]) -> list[Problem]:
    """One line per id that ``entries`` (``(kind, id)`` of one namespace) repeat, in the
    order the ids first appear."""
    kinds_of: dict[str, list[str]] = {}
    for kind, item_id in entries:
        kinds = kinds_of.get(item_id)
        if kinds is None:
            kinds_of[item_id] = [kind]
        else:
            kinds.append(kind)
    problems: list[Problem] = []
    for item_id, kinds in kinds_of.items():
        if len(kinds) > 1:
            distinct = sorted(set(kinds))
            shared = f" (used by {' and '.join(distinct)})" if len(distinct) > 1 else ""
            problems.append(
                Problem(kinds[0], item_id, "id", f"duplicate id, {len(kinds):,} times{shared}")
            )
    return problems


BLANK_KIND = "is blank: name what fails together, e.g. power, ups, room, network, cooling"


def domain_problems(domain: Domain, site_ids: set[str]) -> Sequence[Problem]:
    """A failure domain's own problems: a kind that is not blank, a site that exists."""
    if domain.kind.strip() and (domain.site is None or domain.site in site_ids):
        return NO_PROBLEMS
    problems: list[Problem] = []
    if not domain.kind.strip():
        problems.append(Problem("domain", domain.id, "kind", BLANK_KIND))
    if domain.site is not None and domain.site not in site_ids:
        problems.append(Problem("domain", domain.id, "site", f"unknown site '{domain.site}'"))
    return problems


def _unknown_domains(kind: str, item_id: str, refs: list[str], known: set[str]) -> list[Problem]:
    return [
        Problem(kind, item_id, "domains", f"unknown failure domain '{ref}'")
        for ref in refs
        if ref not in known
    ]


def rack_problems(rack: Rack, site_ids: set[str], domain_ids: set[str]) -> Sequence[Problem]:
    """A rack's own problems: its site must exist, its units be a count, its domains
    exist."""
    domains = rack.domains
    if (
        rack.site in site_ids
        and 1 <= rack.units <= MAX_COUNT
        and (not domains or domain_ids.issuperset(domains))
    ):
        return NO_PROBLEMS
    problems: list[Problem] = []
    if rack.site not in site_ids:
        problems.append(Problem("rack", rack.id, "site", f"unknown site '{rack.site}'"))
    problems += _count("rack", rack.id, "units", rack.units)
    problems += _unknown_domains("rack", rack.id, domains, domain_ids)
    return problems


def server_problems(
    server: Server, racks: Mapping[str, Rack], domain_ids: set[str]
) -> Sequence[Problem]:
    """A server's own problems: its height, its rack, its units inside that rack, its
    domains.

    ``racks`` maps a rack id to the rack it means (the last rack with that id).
    Servers sharing units are :func:`overlap_problems`.
    """
    position, height = server.position, server.height
    host = racks.get(server.rack)
    top = position + height - 1  # Server.top, without a property call per server
    if (
        host is not None
        and 1 <= height <= MAX_COUNT
        and position >= 1
        and top <= host.units
        and (not server.domains or domain_ids.issuperset(server.domains))
    ):
        return NO_PROBLEMS
    problems = _count("server", server.id, "height", height)
    if host is None:
        problems.append(Problem("server", server.id, "rack", f"unknown rack '{server.rack}'"))
    elif position < 1 or top > host.units:
        problems.append(
            Problem(
                "server",
                server.id,
                "position",
                f"units {position}-{top} lie outside rack '{host.id}' (units 1-{host.units})",
            )
        )
    problems += _unknown_domains("server", server.id, server.domains, domain_ids)
    return problems


def overlap_problems(rack_id: str, servers: list[Server]) -> list[Problem]:
    """One line per group of ``servers`` (those of one rack, height >= 1, in plan
    order) that share rack units."""
    return [_overlap_problem(rack_id, group) for group in _sharing_units(servers)]


def _sharing_units(servers: list[Server]) -> list[list[Server]]:
    """Groups of servers that share rack units, each chained by overlaps (one sweep)."""
    spans = sorted([(s.position, s.position + s.height - 1) for s in servers])
    reach = 0
    for position, top in spans:
        if position <= reach:
            break  # some servers overlap: group them below
        reach = top
    else:
        return []
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


def pool_problems(pool: Pool) -> Sequence[Problem]:
    if 1 <= pool.capacity <= MAX_COUNT:
        return NO_PROBLEMS
    return _count("pool", pool.id, "capacity", pool.capacity)


def _duration(service: Service, field: str, value: float | None) -> list[Problem]:
    return _minutes("service", service.id, field, value)


def _minutes(
    kind: str, item_id: str, field: str, value: float | None, what: str = ""
) -> list[Problem]:
    """A duration's problem (``what`` starts the message: "'P1': " for a key)."""
    if value is None:
        return []
    if not math.isfinite(value) or value < 0:
        return [Problem(kind, item_id, field, f"{what}must be a number >= 0, got {value}")]
    if value > MAX_MINUTES:
        message = f"{what}must be at most {MAX_MINUTES:,} (ten years in minutes), got {value:g}"
        return [Problem(kind, item_id, field, message)]
    return []


def _count(kind: str, item_id: str | None, field: str, value: int, least: int = 1) -> list[Problem]:
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


def _in_range(value: float | None) -> bool:
    """Whether a duration is surely fine (None, or a number from 0 to MAX_MINUTES;
    NaN fails both comparisons)."""
    return value is None or 0 <= value <= MAX_MINUTES


def service_problems(
    service: Service,
    server_ids: set[str],
    service_ids: set[str],
    pools: Mapping[str, Pool],
    locations: set[str],
) -> Sequence[Problem]:
    """A service's own problems: tier, durations, servers, dependencies, needs, data
    copies, the date of its failover test.

    ``pools`` maps a pool id to the pool it means (the last pool with that id);
    ``locations`` holds the ids of every site, domain, rack and server (what a copy may
    be on). Dependency cycles involve several services: :func:`cycle_problems`.
    """
    active, standby, depends = service.servers, service.standby_servers, service.depends_on
    active_set, standby_set, depends_set = set(active), set(standby), set(depends)
    placed = len(active_set) + len(standby_set)
    if (
        service.tier in TIERS
        and _in_range(service.rto_minutes)
        and _in_range(service.restore_minutes)
        and _in_range(service.failover_minutes)
        and _in_range(service.restart_minutes)
        and len(active_set) == len(active)
        and len(standby_set) == len(standby)
        and len(depends_set) == len(depends)
        and active_set <= server_ids
        and standby_set <= server_ids
        and depends_set <= service_ids
        and active_set.isdisjoint(standby_set)
        and 1 <= service.min_instances <= MAX_COUNT
        and (not placed or service.min_instances <= placed)
        and _needs_fit(service.needs, pools)
        and (service.failover_needs is None or _needs_fit(service.failover_needs, pools))
        and (service.restart_needs is None or _needs_fit(service.restart_needs, pools))
        and _in_range(service.rpo_minutes)
        and (not service.data or _copies_fine(service.data, locations))
        and (service.failover_tested_on is None or _is_date(service.failover_tested_on))
    ):
        return NO_PROBLEMS
    return _service_problems(service, server_ids, service_ids, pools, placed, locations)


def _is_date(value: object) -> bool:
    # A datetime is a date too, but ages in days are counted between dates.
    return isinstance(value, date) and not isinstance(value, datetime)


def _copies_fine(copies: list[DataCopy], locations: set[str]) -> bool:
    ids = {c.id for c in copies}
    return len(ids) == len(copies) and all(
        c.id.strip()
        and c.kind in COPY_KINDS
        and c.on
        and locations.issuperset(c.on)
        and _in_range(c.lag_minutes)
        for c in copies
    )


def _needs_fit(needs: Mapping[str, int], pools: Mapping[str, Pool]) -> bool:
    return all(
        (pool := pools.get(pool_id)) is not None and 1 <= units <= pool.capacity
        for pool_id, units in needs.items()
    )


def _service_problems(
    service: Service,
    server_ids: set[str],
    service_ids: set[str],
    pools: Mapping[str, Pool],
    placed: int,
    locations: set[str],
) -> list[Problem]:
    problems: list[Problem] = []
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
    problems += _unknown(service, "standby_servers", service.standby_servers, server_ids, "server")
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
    if placed and service.min_instances > placed:
        problems.append(
            Problem(
                "service",
                service.id,
                "min_instances",
                f"{service.min_instances} is more than its {placed} active and standby instances",
            )
        )
    for field in ("needs", "failover_needs", "restart_needs"):
        needs: dict[str, int] | None = getattr(service, field)
        if needs is not None:
            problems += _needs_problems(service, field, needs, pools)
    problems += copy_problems(service, locations)
    problems += _date_problems(
        "service", service.id, "failover_tested_on", service.failover_tested_on
    )
    return problems


NO_LOCATION = "is on no location: name the servers, racks, sites or failure domains holding it"


def copy_problems(service: Service, locations: set[str]) -> list[Problem]:
    """The problems of a service's data copies (field ``data``), each line naming the
    copy: ids repeated within the service (once per id, where it first appears), then
    for each copy in order a blank id, a kind that is not a copy kind, no locations or
    unknown ones, a lag that is not a duration."""
    problems: list[Problem] = []
    counts = Counter(c.id for c in service.data)
    for copy_id, n in counts.items():
        if n > 1 and copy_id.strip():
            message = f"copy '{copy_id}' is listed {n} times: each copy needs its own id"
            problems.append(Problem("service", service.id, "data", message))
    for index, copy in enumerate(service.data):
        name = f"copy '{copy.id}'" if copy.id.strip() else f"copy #{index + 1}"

        def line(message: str, name: str = name) -> Problem:
            return Problem("service", service.id, "data", f"{name}: {message}")

        if not copy.id.strip():
            problems.append(line("the id is blank"))
        if copy.kind not in COPY_KINDS:
            kinds = ", ".join(COPY_KINDS)
            problems.append(line(f"kind must be one of {kinds}, got '{copy.kind}'"))
        if not copy.on:
            problems.append(line(NO_LOCATION))
        for ref in copy.on:
            if ref not in locations:
                problems.append(line(f"unknown site, rack, server or domain '{ref}'"))
        lag = _minutes("service", service.id, "data", copy.lag_minutes, f"{name}: lag_minutes ")
        problems += lag
    return problems


def _date_problems(kind: str, item_id: str, field: str, value: Any) -> list[Problem]:
    if value is None or _is_date(value):
        return []
    return [Problem(kind, item_id, field, f"must be a date (YYYY-MM-DD), got {value!r}")]


def _needs_problems(
    service: Service, field: str, needs: Mapping[str, int], pools: Mapping[str, Pool]
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


def scenario_problems(scenario: Scenario, locations: set[str]) -> Sequence[Problem]:
    """Every failed id must be a site, domain, rack or server (``locations``); every key
    of ``returns`` a failed id, its time a duration; the declaration delay a duration;
    the scenario's date a date."""
    failed, returns = scenario.failed, scenario.returns
    if (
        locations.issuperset(failed)
        and (not returns or (set(failed).issuperset(returns) and all(map(_ok, returns.values()))))
        and _ok(scenario.declared_after_minutes)
        and (scenario.as_of is None or _is_date(scenario.as_of))
    ):
        return NO_PROBLEMS
    problems = [
        Problem("scenario", scenario.id, "failed", f"unknown site, rack, server or domain '{ref}'")
        for ref in failed
        if ref not in locations
    ]
    failed_ids = set(failed)
    for ref, minutes in returns.items():
        if ref not in failed_ids:
            message = f"'{ref}' is not one of this scenario's failed items"
            problems.append(Problem("scenario", scenario.id, "returns", message))
        problems += _minutes("scenario", scenario.id, "returns", minutes, f"'{ref}': ")
    declared = scenario.declared_after_minutes
    problems += _minutes("scenario", scenario.id, "declared_after_minutes", declared)
    problems += _date_problems("scenario", scenario.id, "as_of", scenario.as_of)
    return problems


def _ok(value: Number) -> bool:
    return 0 <= value <= MAX_MINUTES  # NaN fails both


# A cycle through more services than this is named by its ends, not in full.
CYCLE_SHOWN = 12


def dependency_cycles(plan: Plan) -> list[list[str]]:
    """One cycle per strongly connected group of services, as a closed list of ids.

    ``a -> b -> a`` is returned as ``["a", "b", "a"]``. A self-dependency is ``[a, a]``.
    """
    return _cycles(plan.services)


def cycle_problems(services: Sequence[Service]) -> list[Problem]:
    """One line per dependency cycle, in plan order of the cycle's first service."""
    return [
        Problem("service", cycle[0], "depends_on", _cycle_text(cycle))
        for cycle in _cycles(services)
    ]


def _cycles(services: Sequence[Service]) -> list[list[str]]:
    try:
        # A plain pass over dicts tells a plan without cycles (nearly every plan) in a
        # few milliseconds; only a plan with a cycle needs networkx to name each one.
        dependency_order(services)
    except CycleError:
        return _named_cycles(services)
    return []


def _named_cycles(services: Sequence[Service]) -> list[list[str]]:
    import networkx as nx  # deferred: a plan without cycles never needs it

    graph: networkx.DiGraph = nx.DiGraph()
    known = {s.id for s in services}
    for service in services:
        graph.add_node(service.id)
        for dep in service.depends_on:
            if dep in known:
                graph.add_edge(service.id, dep)
    cycles: list[list[str]] = []
    order = {s.id: i for i, s in enumerate(services)}
    for component in nx.strongly_connected_components(graph):
        first = min(component, key=order.__getitem__)
        if len(component) == 1 and not graph.has_edge(first, first):
            continue
        edges = nx.find_cycle(graph.subgraph(component), source=first)
        cycle = [edges[0][0]] + [v for _, v in edges]
        cycles.append(cycle)
    cycles.sort(key=lambda c: order[c[0]])
    return cycles


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
