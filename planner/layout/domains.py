"""Failure domains as the floor and the properties show them, without Qt.

A rack is in the domains it lists; a server in its own and in every domain of its rack
(docs/engine.md). Within one kind (``"power"``, ``"room"``, ...) a rack may be in several
domains (a dual-fed rack): the floor then splits it into one stripe per domain. The
colour of a domain is fixed by its place among the domains of its kind in plan order,
so the floor and its legend agree and a new domain never recolours the others.
"""

from __future__ import annotations

from collections.abc import Iterable

from planner.model import Plan

#: Distinct colours for the domains of one kind (a qualitative palette: Tableau 10);
#: after ten they repeat with the stripe count telling them apart.
DOMAIN_COLOURS = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#b07aa1",
    "#edc948",
    "#76b7b2",
    "#ff9da7",
    "#9c755f",
    "#e15759",
    "#bab0ac",
)
#: A rack in no domain of the kind shown.
NO_DOMAIN = "#e6e9ed"

#: What the floor colours racks by: today's recovery state, or the domains of a kind.
BY_STATE = ""

#: Kinds with a word of their own in menus ("power feed P1"); others use the kind itself.
KIND_WORDS = {"power": "power feed", "ups": "UPS", "room": "room", "network": "network"}


def kinds(plan: Plan) -> list[str]:
    """The domain kinds of the plan, in the order they first appear."""
    return list(dict.fromkeys(d.kind for d in plan.domains if d.kind.strip()))


def kind_word(kind: str) -> str:
    """How a sentence names a domain of ``kind``: "power feed", "room", "cooling"."""
    return KIND_WORDS.get(kind.strip().lower(), kind.strip() or "domain")


def domain_colours(plan: Plan, kind: str) -> dict[str, str]:
    """Each domain of ``kind`` -> its colour (``#rrggbb``), by its place in plan order."""
    ids = [d.id for d in plan.domains if d.kind == kind]
    unique = list(dict.fromkeys(ids))
    return {d: DOMAIN_COLOURS[i % len(DOMAIN_COLOURS)] for i, d in enumerate(unique)}


def domains_of_kind(plan: Plan, ids: Iterable[str], kind: str) -> list[str]:
    """Those of ``ids`` that are domains of ``kind``, in the order given, each once."""
    of_kind = {d.id for d in plan.domains if d.kind == kind}
    return [i for i in dict.fromkeys(ids) if i in of_kind]


def rack_domains(plan: Plan, kind: str) -> dict[str, list[str]]:
    """Each rack -> the domains of ``kind`` it is in: its own, or else those of its
    servers (a rack whose servers are fed one by one is shown by what feeds them).
    Racks in none are left out."""
    of_kind = {d.id for d in plan.domains if d.kind == kind}
    if not of_kind:
        return {}
    found: dict[str, list[str]] = {}
    for rack in plan.racks:
        own = [d for d in dict.fromkeys(rack.domains) if d in of_kind]
        if own:
            found.setdefault(rack.id, own)
    fed = set(found)  # racks shown by their own domains: their servers add none
    for server in plan.servers:
        if server.rack in fed or not server.domains:
            continue
        extra = [d for d in server.domains if d in of_kind]
        if extra:
            shown = found.setdefault(server.rack, [])
            shown.extend(d for d in extra if d not in shown)
    return found


def members(plan: Plan, domain_id: str) -> tuple[list[str], list[str]]:
    """The racks and the servers (by their own list) that name ``domain_id``."""
    racks = [r.id for r in plan.racks if domain_id in r.domains]
    servers = [s.id for s in plan.servers if domain_id in s.domains]
    return racks, servers


def describe(plan: Plan, domain_id: str) -> str:
    """ "power feed P1" for a menu; the id when the plan has no such domain."""
    domain = plan.domain(domain_id)
    if domain is None:
        return domain_id
    return f"{kind_word(domain.kind)} {domain.name.strip() or domain.id}"


__all__ = [
    "BY_STATE",
    "DOMAIN_COLOURS",
    "NO_DOMAIN",
    "describe",
    "domain_colours",
    "domains_of_kind",
    "kind_word",
    "kinds",
    "members",
    "rack_domains",
]
