"""Impact analysis: what a scenario takes down and what each service must do."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, NamedTuple

from planner.engine.data import failover_test_stale
from planner.model.plan import Plan, Service

State = Literal["unaffected", "dependency", "failover", "restore", "restart"]
Action = Literal["failover", "restore"]
#: How a service with a task of its own comes back (docs/engine.md, "Modes").
Mode = Literal["failover", "restore", "restart"]


class ScenarioError(ValueError):
    """The scenario cannot be evaluated; ``lines`` says why, one problem per line."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("; ".join(lines))
        self.lines = lines


class ModeOption(NamedTuple):
    """One way a service's task can run: its duration, pool units and earliest start.

    ``release`` is the earliest start (the declaration delay, 0 for an automatic
    failover, or when the servers are back for a restart); ``released_by`` names the
    failed item whose return sets a restart's release, or a restore's when it waits for
    a data copy to come back (None when the declaration does).
    """

    mode: Mode
    minutes: float
    needs: dict[str, int]
    release: float
    released_by: str | None = None


class CopyBack(NamedTuple):
    """When a data copy is back (0: available, inf: destroyed) and the failed id whose
    return brings it back (None when it is available or destroyed)."""

    back: float
    by: str | None = None


class _Untested(NamedTuple):
    """The untested rule of a scenario: the date, the limit and whether stale failovers
    are removed."""

    as_of: date
    max_age_days: int
    fail: bool


@dataclass(frozen=True)
class Impact:
    """What is lost, and the action (if any) each service needs of its own.

    ``actions`` gives each service with a task of its own the task v1 would give it
    (failover when available, else restore). ``modes`` is filled only for scenarios with
    time (returns, a declaration delay or a failed domain): each service with a task has
    its available modes there, in the order failover, restart, restore, and the
    scheduler chooses one. Without time the action is the only mode, released at 0.
    ``back`` maps each lost server to the minute it is back (``math.inf``: never).
    ``copies`` gives each service with data copies the back of each copy (the minimum
    over its locations; 0 available, inf destroyed) and the failed id that sets it, in
    the plan's order. ``untested`` lists the services (plan order) with a task whose
    failover option exists but whose test is missing or stale on ``as_of`` (empty
    without ``as_of``); ``untested_failovers_fail`` says whether those options were
    removed.
    """

    failed: tuple[str, ...]
    lost_sites: tuple[str, ...]
    lost_racks: tuple[str, ...]
    lost_servers: tuple[str, ...]
    actions: dict[str, Action]  # service id -> its own task; absent: no task of its own
    back: dict[str, float] = field(default_factory=dict)  # lost server -> back at (inf: never)
    lost_domains: tuple[str, ...] = ()
    modes: dict[str, tuple[ModeOption, ...]] = field(default_factory=dict)
    declared_after_minutes: float = 0
    returns: dict[str, float] = field(default_factory=dict)
    copies: dict[str, tuple[CopyBack, ...]] = field(default_factory=dict)
    untested: tuple[str, ...] = ()
    untested_failovers_fail: bool = False
    as_of: date | None = None

    @property
    def timed(self) -> bool:
        """Whether time enters this scenario (modes to choose, releases to wait for)."""
        return bool(self.modes)


def failed_set_of(plan: Plan, scenario_id: str | None, failed: Iterable[str] = ()) -> list[str]:
    """The failed ids of a named scenario plus ad-hoc ones, checked against the plan."""
    ids: list[str] = []
    if scenario_id is not None:
        scenario = plan.scenario(scenario_id)
        if scenario is None:
            known = ", ".join(s.id for s in plan.scenarios) or "none"
            raise ScenarioError([f"unknown scenario '{scenario_id}' (known: {known})"])
        ids += scenario.failed
    ids += list(failed)
    ids = list(dict.fromkeys(ids))
    # Sites and racks first: the 30,000-odd server ids are only gathered when needed.
    rest = set(ids).difference([s.id for s in plan.sites], [r.id for r in plan.racks])
    if rest:
        rest.difference_update([d.id for d in plan.domains])
    if rest:
        rest.difference_update([s.id for s in plan.servers])
    unknown = [f"unknown site, rack, server or domain '{i}'" for i in ids if i in rest]
    if unknown:
        raise ScenarioError(unknown)
    return ids


def analyse(
    plan: Plan,
    failed: Iterable[str],
    returns: Mapping[str, float] | None = None,
    declared_after_minutes: float = 0,
    as_of: date | None = None,
    untested_failovers_fail: bool = False,
) -> Impact:
    """Apply the loss rules of a scenario to every server and service of ``plan``.

    ``R(x)`` is 0 for an item that did not fail, ``returns[x]`` for one that fails and
    comes back, infinity for one that fails for good. A server s in rack r of site t is
    back at ``max(R(s), R(r), R(t), max over each kind k of its domains (its own and its
    rack's) of min over its domains d of kind k of R(d))``, and lost while that is > 0.
    A service on no server is never lost. A service whose active instances back at 0
    reach ``min_instances`` needs no task; otherwise it gets one task in one of its
    modes (docs/engine.md, "Modes"). Without time (no returns, no declaration delay, no
    failed domain) the v1 rule applies unchanged: failover when ``failover_minutes`` is
    set and surviving active + standby instances reach ``min_instances``, else restore.

    With ``as_of``, a failover option whose test is missing or older than the plan's
    ``failover_test_max_age_days`` on that date marks its service untested and, with
    ``untested_failovers_fail``, is removed. Each service's data copies get their back
    (docs/engine.md, "Data"), and with time a restore waits for the first surviving copy.
    """
    failed_ids = tuple(dict.fromkeys(failed))
    failed_set = set(failed_ids)
    returns = {k: v for k, v in (returns or {}).items() if k in failed_set}
    domain_ids = {d.id for d in plan.domains} if plan.domains else set()
    failed_domains = failed_set & domain_ids if domain_ids else set()
    rule = (
        _Untested(as_of, plan.failover_test_max_age_days, untested_failovers_fail)
        if as_of is not None
        else None
    )
    if returns or declared_after_minutes or failed_domains:
        return _analyse_timed(
            plan, failed_ids, returns, declared_after_minutes, failed_domains, rule
        )
    lost_sites = tuple(s.id for s in plan.sites if s.id in failed_set)
    lost_site_set = set(lost_sites)
    lost_racks = tuple(r.id for r in plan.racks if r.id in failed_set or r.site in lost_site_set)
    lost_rack_set = set(lost_racks)
    # Failed ids that are neither sites nor racks may name servers; without any, a server
    # is lost only through its rack (the common case, and one set look-up per server less).
    maybe_servers = failed_set.difference(lost_sites, lost_racks)
    if maybe_servers:
        lost_servers = tuple(
            [s.id for s in plan.servers if s.rack in lost_rack_set or s.id in maybe_servers]
        )
    else:
        lost_servers = tuple([s.id for s in plan.servers if s.rack in lost_rack_set])
    lost_server_set = set(lost_servers)
    actions: dict[str, Action] = {}
    untested: list[str] = []
    for service in plan.services:
        action = _action(service, lost_server_set, rule, untested)
        if action is not None:
            actions[service.id] = action
    back = dict.fromkeys(lost_servers, math.inf)
    copies: dict[str, tuple[CopyBack, ...]] = {}
    with_data = [s for s in plan.services if s.data]
    if with_data:
        # Without time every failed item is failed for good: a copy is destroyed when
        # every location is lost, else available.
        gone = set(lost_sites).union(lost_racks, lost_server_set)
        gone.update(d.id for d in plan.domains if d.site in lost_site_set)
        destroyed, available = CopyBack(math.inf), CopyBack(0)
        for service in with_data:
            copies[service.id] = tuple(
                [destroyed if gone.issuperset(c.on) else available for c in service.data]
            )
    return Impact(
        failed_ids,
        lost_sites,
        lost_racks,
        lost_servers,
        actions,
        back,
        copies=copies,
        untested=tuple(untested),
        untested_failovers_fail=rule is not None and rule.fail,
        as_of=as_of,
    )


def _analyse_timed(
    plan: Plan,
    failed_ids: tuple[str, ...],
    returns: dict[str, float],
    declared: float,
    failed_domains: set[str],
    rule: _Untested | None = None,
) -> Impact:
    """:func:`analyse` for a scenario with time: return times, declaration, domains."""
    inf = math.inf

    def r_of(item: str) -> float:
        return returns.get(item, inf) if item in failed_set else 0

    failed_set = set(failed_ids)
    kinds = {d.id: d.kind for d in plan.domains}

    def domains_back(domains: Iterable[str]) -> tuple[float, str | None]:
        """max over kinds of min over that kind's domains of R(d), and the domain setting it."""
        best: dict[str, tuple[float, str]] = {}
        for d in domains:
            k = kinds.get(d)
            if k is None:
                continue
            r = r_of(d)
            old = best.get(k)
            if old is None or r < old[0]:
                best[k] = (r, d)
        worst: tuple[float, str | None] = (0, None)
        for r, d in best.values():
            if r > worst[0]:
                worst = (r, d)
        return worst

    Back = tuple[float, str | None]  # when, and the failed id that sets it
    nothing: Back = (0, None)
    site_back: dict[str, Back] = {s.id: (r_of(s.id), s.id) for s in plan.sites}
    # Per rack: what its site and itself set (rack_base), and with its domains (rack_back).
    rack_base: dict[str, Back] = {}
    rack_back: dict[str, Back] = {}
    worst: Back
    for rack in plan.racks:
        worst = site_back.get(rack.site, nothing)
        own = r_of(rack.id)
        if own > worst[0]:
            worst = (own, rack.id)
        rack_base[rack.id] = worst
        if rack.domains and failed_domains.intersection(rack.domains):
            dom = domains_back(rack.domains)
            if dom[0] > worst[0]:
                worst = dom
        rack_back[rack.id] = worst
    back: dict[str, float] = {}
    setter: dict[str, str | None] = {}  # servers with their own domains or failed themselves
    # Failed ids that are no site, rack or domain may be servers.
    failed_servers = failed_set.difference(site_back, rack_back, kinds)
    lost_rack_back = {r: b for r, b in rack_back.items() if b[0] > 0}
    servers = plan.servers
    # Servers with domains of their own (which may survive their rack's feed, or fall with
    # their own) and failed servers are looked at one by one; every other server is lost
    # exactly when its rack is, at its rack's time: one dictionary step each. (No tuples
    # per server: thousands of them would bring collections of a large plan's heap.)
    special = [s for s in servers if s.domains]
    if failed_servers:
        special += [s for s in servers if s.id in failed_servers and not s.domains]
    rack_time = {r: b[0] for r, b in lost_rack_back.items()}
    # The rack of each server lost with its rack (``who`` asks it), then their back times.
    rack_of = {s.id: s.rack for s in servers if s.rack in rack_time}
    back = dict(zip(rack_of, map(rack_time.__getitem__, rack_of.values()), strict=True))
    for server in special:
        back.pop(server.id, None)

    racks_by_id = {r.id: r for r in plan.racks} if special else {}
    for server in special:
        if server.domains:
            # Its own domains join its rack's: within a kind, the first back counts.
            worst = rack_base.get(server.rack, nothing)
            home = racks_by_id.get(server.rack)
            every = [*server.domains, *(home.domains if home is not None else ())]
            if failed_domains.intersection(every):
                dom = domains_back(every)
                if dom[0] > worst[0]:
                    worst = dom
        else:
            worst = rack_back.get(server.rack, nothing)
        if server.id in failed_servers:
            own = r_of(server.id)
            if own > worst[0]:
                worst = (own, server.id)
        if worst[0] > 0:
            back[server.id] = worst[0]
            setter[server.id] = worst[1]

    def who(server_id: str) -> str | None:
        """The failed id that sets ``back`` of a lost server."""
        if server_id in setter:
            return setter[server_id]
        return lost_rack_back[rack_of[server_id]][1]

    if special:
        # Plan order, as lost_servers lists them.
        order = {s.id: k for k, s in enumerate(servers)}
        back = dict(sorted(back.items(), key=lambda kv: order[kv[0]]))
    lost_sites = tuple(s.id for s in plan.sites if site_back[s.id][0] > 0)
    lost_racks = tuple(r.id for r in plan.racks if rack_back[r.id][0] > 0)
    lost_domains = tuple(d.id for d in plan.domains if r_of(d.id) > 0)
    lost_servers = tuple(back)
    copies: dict[str, tuple[CopyBack, ...]] = {}
    with_data = [s for s in plan.services if s.data]
    if with_data:
        domain_site = {d.id: d.site for d in plan.domains}

        def location_back(x: str) -> Back:
            """back(x): a site's R, a rack's rack back, a domain's max(R(d), R(its
            site)), a server's back (docs/engine.md, "Data")."""
            if x in site_back:
                return site_back[x]
            if x in rack_back:
                return rack_back[x]
            if x in domain_site:
                own: Back = (r_of(x), x)
                home = domain_site[x]
                if home is not None:
                    at_site = site_back.get(home, nothing)
                    if at_site[0] > own[0]:
                        return at_site
                return own if own[0] > 0 else nothing
            t = back.get(x, 0)
            return (t, who(x)) if t > 0 else nothing

        for service in with_data:
            states: list[CopyBack] = []
            for c in service.data:
                first: Back = (inf, None)
                for x in c.on:
                    b = location_back(x)
                    if b[0] < first[0]:
                        first = b
                if first[0] == inf or first[0] == 0:
                    states.append(CopyBack(first[0]))
                else:
                    states.append(CopyBack(first[0], first[1]))
            copies[service.id] = tuple(states)
    actions: dict[str, Action] = {}
    modes: dict[str, tuple[ModeOption, ...]] = {}
    untested: list[str] = []
    lost = set(back)
    for service in plan.services:
        options = _modes(service, lost, back, who, declared, copies.get(service.id), rule, untested)
        if options:
            modes[service.id] = options
            actions[service.id] = "failover" if options[0].mode == "failover" else "restore"
    return Impact(
        failed_ids,
        lost_sites,
        lost_racks,
        lost_servers,
        actions,
        back,
        lost_domains,
        modes,
        declared,
        returns,
        copies,
        tuple(untested),
        rule is not None and rule.fail,
        rule.as_of if rule is not None else None,
    )


def _modes(
    service: Service,
    lost: set[str],
    back: dict[str, float],
    who: Callable[[str], str | None],
    declared: float,
    copies: tuple[CopyBack, ...] | None = None,
    rule: _Untested | None = None,
    untested: list[str] | None = None,
) -> tuple[ModeOption, ...]:
    """The available modes of a service's task (none: it needs no task).

    The options hold the service's own needs dicts (results copy them). A stale
    failover (``rule``) is noted in ``untested`` and, with ``rule.fail``, left out; a
    restore waits for the first of the service's surviving ``copies`` to be back.
    """
    servers = service.servers
    if not servers and not service.standby_servers:
        return ()
    need = service.min_instances
    # The common case in a large scenario: every server lost, no set to build.
    up = 0 if lost.issuperset(servers) else len(set(servers).difference(lost))
    if up >= need:
        return ()
    options: list[ModeOption] = []
    if service.failover_minutes is not None:
        standby = _surviving(service.standby_servers, lost)
        if up + standby >= need and not _drops_untested(service, rule, untested):
            release = 0 if service.automatic_failover else declared
            needs = service.failover_needs if service.failover_needs is not None else service.needs
            options.append(ModeOption("failover", service.failover_minutes, needs, release))
    if service.restart_minutes is not None:
        distinct = set(servers)
        if len(distinct) >= need > 0:
            # Every server lost (up == 0): all of them are in back.
            times = (
                list(map(back.__getitem__, distinct))
                if not up
                else [back.get(s, 0) for s in distinct]
            )
            t_back = min(times) if need == 1 else sorted(times)[need - 1]
            if math.isfinite(t_back):
                needs = (
                    service.restart_needs if service.restart_needs is not None else service.needs
                )
                by = None
                if t_back > declared:
                    # The failed item that brings back the server whose return sets T_back
                    # (the first in the service's list among equals, for determinism).
                    by = who(next(s for s in servers if back.get(s, 0) == t_back))
                release = max(declared, t_back)
                options.append(ModeOption("restart", service.restart_minutes, needs, release, by))
    release, by = declared, None
    if copies:
        # The restore needs a copy: the first surviving one to be back (none surviving:
        # rebuilt empty, no wait).
        first = min(copies, key=lambda c: c.back)
        if math.isfinite(first.back) and first.back > declared:
            release, by = first.back, first.by
    options.append(ModeOption("restore", service.restore_minutes, service.needs, release, by))
    return tuple(options)


def _drops_untested(service: Service, rule: _Untested | None, untested: list[str] | None) -> bool:
    """Whether ``service``'s failover option (which exists) is left out: notes it in
    ``untested`` when its test is stale, and says True when the rule removes it."""
    if rule is None or not failover_test_stale(service, rule.as_of, rule.max_age_days):
        return False
    if untested is not None:
        untested.append(service.id)
    return rule.fail


def _action(
    service: Service,
    lost: set[str],
    rule: _Untested | None = None,
    untested: list[str] | None = None,
) -> Action | None:
    if not service.servers and not service.standby_servers:
        return None
    active = _surviving(service.servers, lost)
    if active >= service.min_instances:
        return None
    standby = _surviving(service.standby_servers, lost)
    if (
        service.failover_minutes is not None
        and active + standby >= service.min_instances
        and not _drops_untested(service, rule, untested)
    ):
        return "failover"
    return "restore"


def _surviving(servers: list[str], lost: set[str]) -> int:
    """How many distinct servers of ``servers`` are not lost."""
    if lost.issuperset(servers):  # the common case in a large scenario: no set to build
        return 0
    return len(set(servers).difference(lost))
