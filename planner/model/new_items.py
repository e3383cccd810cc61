"""New items as every view makes them: one set of ids, names and defaults.

The window's Add actions, the floor's palette and the rack view's palette all make
their sites, racks, servers (and the window its pools, services and scenarios) here,
so a new item looks the same whichever way it was added:

- the id is the kind and the smallest free number (``site1``, ``rack2``, ``server3``,
  ``domain4``; sites, failure domains, racks and servers share one namespace), and the
  name is the kind's word and the same number (``Site 1``, ``Rack 2``, ``Server 3``,
  a pool ``Crew 1``);
- every other field keeps its default from the field registry (a rack has
  :data:`~planner.model.plan.DEFAULT_RACK_UNITS` units, a server is 1 unit high unless
  the caller says otherwise, a service is tier 2 on no server).

Where an item goes (a free spot, a free unit) is the caller's: see
``planner.gui.placement``. The functions only build items; the caller pushes the edit.
"""

from __future__ import annotations

from collections.abc import Sequence

from planner.model.edits.builders import new_id
from planner.model.plan import Domain, Number, Plan, Pool, Rack, Scenario, Server, Service, Site

# The word that starts a new item's name, by kind.
NAME_WORDS = {
    "site": "Site",
    "domain": "Domain",
    "rack": "Rack",
    "server": "Server",
    "pool": "Crew",
    "service": "Service",
    "scenario": "Scenario",
}
SCENARIO_NAMES_SHOWN = 3  # a new scenario is named after this many of its failed items


def _id_and_name(plan: Plan, kind: str) -> tuple[str, str]:
    item_id = new_id(plan, kind, kind)
    return item_id, f"{NAME_WORDS[kind]} {item_id.removeprefix(kind)}"


def new_site(plan: Plan, x: Number, y: Number, width: Number, height: Number) -> Site:
    """A new site drawn as the box ``x, y, width, height``."""
    site_id, name = _id_and_name(plan, "site")
    return Site(site_id, name, x=x, y=y, width=width, height=height)


DEFAULT_DOMAIN_KIND = "power"  # the kind of failure domain a plan most often starts with


def new_domain(plan: Plan, kind: str = DEFAULT_DOMAIN_KIND, site_id: str | None = None) -> Domain:
    """A new failure domain of ``kind`` (a power feed by default), in site ``site_id`` if
    given; its id shares the namespace of sites, racks and servers (``domain1``)."""
    domain_id, name = _id_and_name(plan, "domain")
    return Domain(domain_id, name, kind, site=site_id)


def new_rack(plan: Plan, site_id: str, x: Number | None = None, y: Number | None = None) -> Rack:
    """A new rack in site ``site_id``, at ``x, y`` if given (else where the floor puts it)."""
    rack_id, name = _id_and_name(plan, "rack")
    return Rack(rack_id, site_id, name, x=x, y=y)


def new_server(plan: Plan, rack_id: str, position: int, height: int = 1) -> Server:
    """A new server in rack ``rack_id`` from unit ``position``, ``height`` units high."""
    server_id, name = _id_and_name(plan, "server")
    return Server(server_id, rack_id, name, position, height)


def new_pool(plan: Plan, capacity: int = 1) -> Pool:
    """A new recovery pool (a crew of one by default)."""
    pool_id, name = _id_and_name(plan, "pool")
    return Pool(pool_id, name, capacity)


def new_service(plan: Plan) -> Service:
    """A new service on no server: where it runs is a choice of its own."""
    service_id, name = _id_and_name(plan, "service")
    return Service(service_id, name)


def new_scenario(plan: Plan, failed: Sequence[str]) -> Scenario:
    """A new scenario failing ``failed``, named after them ("Loss of pangyo, r1…")."""
    scenario_id = new_id(plan, "scenario", "scenario")
    shown = ", ".join(failed[:SCENARIO_NAMES_SHOWN])
    more = "…" if len(failed) > SCENARIO_NAMES_SHOWN else ""
    return Scenario(scenario_id, f"Loss of {shown}{more}", list(failed))
