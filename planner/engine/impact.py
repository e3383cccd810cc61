"""Impact analysis: what a scenario takes down and what each service must do."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

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


@dataclass(frozen=True)
class Impact:
    """What is lost, and the action (if any) each service needs of its own."""

    failed: tuple[str, ...]
    lost_sites: tuple[str, ...]
    lost_racks: tuple[str, ...]
    lost_servers: tuple[str, ...]
    actions: dict[str, Action]  # service id -> its own task; absent: no task of its own


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
        rest.difference_update([s.id for s in plan.servers])
    unknown = [f"unknown site, rack or server '{i}'" for i in ids if i in rest]
    if unknown:
        raise ScenarioError(unknown)
    return ids


def analyse(plan: Plan, failed: Iterable[str]) -> Impact:
    """Apply the loss rules of a scenario to every server and service of ``plan``.

    A server is lost when it, its rack or its site failed. A service on no server is
    never lost. A service whose surviving active instances reach ``min_instances`` needs
    no task; otherwise it fails over when ``failover_minutes`` is set and surviving
    active + standby instances reach ``min_instances``, and is restored if not.
    """
    failed_ids = tuple(dict.fromkeys(failed))
    failed_set = set(failed_ids)
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
    for service in plan.services:
        action = _action(service, lost_server_set)
        if action is not None:
            actions[service.id] = action
    return Impact(failed_ids, lost_sites, lost_racks, lost_servers, actions)


def _action(service: Service, lost: set[str]) -> Action | None:
    if not service.servers and not service.standby_servers:
        return None
    active = _surviving(service.servers, lost)
    if active >= service.min_instances:
        return None
    standby = _surviving(service.standby_servers, lost)
    if service.failover_minutes is not None and active + standby >= service.min_instances:
        return "failover"
    return "restore"


def _surviving(servers: list[str], lost: set[str]) -> int:
    """How many distinct servers of ``servers`` are not lost."""
    if lost.issuperset(servers):  # the common case in a large scenario: no set to build
        return 0
    return len(set(servers).difference(lost))
