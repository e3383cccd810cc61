"""Builders: one edit per user gesture, with its cascades computed from the plan.

A builder reads the plan it is given and returns an edit that has not been applied;
the GUI pushes it at once (``QUndoStack.push`` applies it): some builders address
items by list index, so the edit is only right for the plan in the state it was
built from (later undo and redo keep that state exact). A builder refuses a
gesture that makes no sense with :class:`EditRefused`, whose message is for the user.

"The item with id X" is the first one with that id, as ``Plan.site()`` finds it;
cascades go by what is left: a rack is deleted with its site only when no other site
with that id remains, a reference is dropped only when nothing it could mean remains.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from planner.model.edits.base import (
    Composite,
    Edit,
    EditRefused,
    check_kind,
    describe,
    items_of,
    kind_of,
    namespace_ids,
    refuse_cycle,
    require_index,
    require_item,
)
from planner.model.edits.change import ITEM_KINDS, LOCATION_KINDS, Item
from planner.model.edits.deletion import Deletion, deletion_summary
from planner.model.edits.items import (
    AddItem,
    PlaceServers,
    RemoveItem,
    Rewrite,
    SetFields,
    copies_on,
)
from planner.model.plan import Domain, Number, Plan, Rack, Scenario, Server, Service, Site

# Children before parents, so that no intermediate state has a rack without its site.
_REMOVAL_ORDER = ("server", "rack", "domain", "site", "service", "pool", "scenario")


def new_id(plan: Plan, kind: str, prefix: str, *, taken: Collection[str] = ()) -> str:
    """``prefix`` followed by the smallest number from 1 that makes an unused id.

    Unused means: not in the namespace of ``kind`` (sites, domains, racks and servers share
    one) and not in ``taken`` (ids already handed out for the same gesture).
    """
    check_kind(kind)
    used = set(namespace_ids(plan, kind)) | set(taken)
    number = 1
    while f"{prefix}{number}" in used:
        number += 1
    return f"{prefix}{number}"


def _plural(kind: str, count: int) -> str:
    return f"{count} {kind}s" if count != 1 else f"1 {kind}"


def _gesture_label(plan: Plan, verb: str, keys: Sequence[tuple[str, str]]) -> str:
    """ "Delete site Pangyo", "Delete 3 racks", "Delete 4 items"."""
    if len(keys) == 1:
        return f"{verb} {describe(plan, *keys[0])}"
    kinds = {kind for kind, _ in keys}
    if len(kinds) == 1:
        return f"{verb} {_plural(kinds.pop(), len(keys))}"
    return f"{verb} {len(keys)} items"


def delete_items(plan: Plan, targets: Iterable[tuple[str, str]]) -> Composite:
    """One edit deleting ``targets`` (``(kind, id)`` pairs) and everything that cascades.

    Rules: a site takes its failure domains and racks, a rack its servers (only when
    no other parent with that id remains). References to what is gone are dropped,
    keeping the order of the rest: servers from services' servers and standby
    servers, services from depends_on, pools from needs, failover needs and restart
    needs, domains from racks' and servers' domains, sites, domains, racks and servers
    from the locations (``on``) of services' data copies and from scenarios' failed and
    returns (only when no item of the shared namespace with that id remains; a copy
    left on no location stays, for validation to report). A pair asked
    for twice is deleted once; an unknown item is refused.
    """
    requested = list(dict.fromkeys(targets))
    if not requested:
        raise EditRefused("nothing to delete")
    doomed: dict[str, set[int]] = {kind: set() for kind in ITEM_KINDS}
    for kind, item_id in requested:
        check_kind(kind)
        doomed[kind].add(require_index(plan, kind, item_id))

    def gone(kind: str) -> set[str]:
        """Ids of ``kind`` that no surviving item of ``kind`` has."""
        items = items_of(plan, kind)
        left = {item.id for i, item in enumerate(items) if i not in doomed[kind]}
        return {items[i].id for i in doomed[kind]} - left

    gone_sites = gone("site")
    doomed["domain"] |= {i for i, d in enumerate(plan.domains) if d.site in gone_sites}
    doomed["rack"] |= {i for i, rack in enumerate(plan.racks) if rack.site in gone_sites}
    gone_racks = gone("rack")
    doomed["server"] |= {i for i, srv in enumerate(plan.servers) if srv.rack in gone_racks}
    gone_servers, gone_services, gone_pools = gone("server"), gone("service"), gone("pool")
    surviving_locations = {
        item.id
        for kind in LOCATION_KINDS
        for i, item in enumerate(items_of(plan, kind))
        if i not in doomed[kind]
    }
    gone_domains = gone("domain")
    gone_locations = (gone_sites | gone_domains | gone_racks | gone_servers) - surviving_locations

    writes: list[tuple[str, int, str, Any]] = []
    members: list[tuple[str, Sequence[Rack | Server]]] = [
        ("rack", plan.racks),
        ("server", plan.servers),
    ]
    for kind, items in members:
        for i, member in enumerate(items):
            if i not in doomed[kind] and any(d in gone_domains for d in member.domains):
                writes.append(
                    (kind, i, "domains", [d for d in member.domains if d not in gone_domains])
                )
    for i, service in enumerate(plan.services):
        if i in doomed["service"]:
            continue  # going anyway: its references go with it
        for name, gone_ids in (
            ("servers", gone_servers),
            ("standby_servers", gone_servers),
            ("depends_on", gone_services),
        ):
            refs: list[str] = getattr(service, name)
            if any(ref in gone_ids for ref in refs):
                writes.append(("service", i, name, [r for r in refs if r not in gone_ids]))
        for name in ("needs", "failover_needs", "restart_needs"):
            needs = getattr(service, name)
            if needs is not None and any(pool in gone_pools for pool in needs):
                kept = {p: units for p, units in needs.items() if p not in gone_pools}
                writes.append(("service", i, name, kept))
        if any(not gone_locations.isdisjoint(c.on) for c in service.data):
            left = copies_on(service.data, lambda on: [r for r in on if r not in gone_locations])
            writes.append(("service", i, "data", left))
    for i, scenario in enumerate(plan.scenarios):
        if i in doomed["scenario"]:
            continue
        if any(r in gone_locations for r in scenario.failed):
            failed = [r for r in scenario.failed if r not in gone_locations]
            writes.append(("scenario", i, "failed", failed))
        if any(r in gone_locations for r in scenario.returns):
            returns = {r: t for r, t in scenario.returns.items() if r not in gone_locations}
            writes.append(("scenario", i, "returns", returns))

    label = _gesture_label(plan, "Delete", requested)
    what = _gesture_label(plan, "Deleted", requested)
    summary = deletion_summary(plan, what, requested, doomed, writes)
    # References first, while the indices they were computed with still hold.
    edits: list[Edit] = [Rewrite("Drop references", writes)] if writes else []
    for kind in _REMOVAL_ORDER:
        items = items_of(plan, kind)
        # Highest index first, so that each index is still right when its turn comes.
        for i in sorted(doomed[kind], reverse=True):
            edits.append(RemoveItem(kind, items[i].id, index=i))
    return Deletion(label, edits, summary)


def move_rack_to_site(plan: Plan, rack_id: str, site_id: str) -> list[SetFields]:
    """The edits that move a rack (and its servers) to another site.

    Failure domains bound to a site (a power feed, a room of that building) cannot reach
    a rack in another one: the rack and its servers leave every domain whose ``site`` is
    set and is not the new site, in the same gesture. Domains with no site (a network,
    a supplier) stay.
    """
    rack = require_item(plan, "rack", rack_id)
    require_index(plan, "site", site_id)

    def kept(domain_ids: list[str]) -> list[str]:
        left = []
        for domain_id in domain_ids:
            domain = plan.domain(domain_id)
            if domain is None or domain.site is None or domain.site == site_id:
                left.append(domain_id)
        return left

    edits = [
        SetFields("rack", rack_id, site=site_id)
        if kept(rack.domains) == rack.domains
        else SetFields("rack", rack_id, site=site_id, domains=kept(rack.domains))
    ]
    for server in plan.servers:
        if server.rack == rack_id and server.domains and kept(server.domains) != server.domains:
            edits.append(SetFields("server", server.id, domains=kept(server.domains)))
    return edits


def add_dependency(plan: Plan, service_id: str, depends_on_id: str) -> SetFields:
    """Make a service depend on another (appended to its depends_on).

    Refuses unknown services, a dependency that already exists, and one that would
    close a cycle: :class:`CycleRefused` names it, e.g. ``a -> b -> a``.
    """
    service = require_item(plan, "service", service_id)
    require_index(plan, "service", depends_on_id)
    if depends_on_id in service.depends_on:
        raise EditRefused(f"'{service_id}' already depends on '{depends_on_id}'")
    refuse_cycle(plan, service_id, [depends_on_id])  # before building: the canvas draws it
    what = describe(plan, "service", service_id).removeprefix("service ")
    dep = describe(plan, "service", depends_on_id).removeprefix("service ")
    return SetFields(
        "service",
        service_id,
        label=f"Make {what} depend on {dep}",
        depends_on=[*service.depends_on, depends_on_id],
    )


def remove_dependency(plan: Plan, service_id: str, depends_on_id: str) -> SetFields:
    """Stop a service depending on another (every listing of it); refuses if it does not."""
    service = require_item(plan, "service", service_id)
    if depends_on_id not in service.depends_on:
        raise EditRefused(f"'{service_id}' does not depend on '{depends_on_id}'")
    what = describe(plan, "service", service_id).removeprefix("service ")
    dep = describe(plan, "service", depends_on_id).removeprefix("service ")
    return SetFields(
        "service",
        service_id,
        label=f"Remove dependency of {what} on {dep}",
        depends_on=[d for d in service.depends_on if d != depends_on_id],
    )


def assign_service(
    plan: Plan, service_id: str, server_ids: Iterable[str], standby: bool = False
) -> SetFields:
    """Run a service on servers: append them to its servers (or standby servers).

    A server already in the other list moves over, because a server cannot be both
    active and standby. Refuses unknown servers and an assignment that changes nothing.
    """
    service = require_item(plan, "service", service_id)
    wanted = list(dict.fromkeys(server_ids))
    for server_id in wanted:
        require_index(plan, "server", server_id)
    mine, other = ("standby_servers", "servers") if standby else ("servers", "standby_servers")
    values: dict[str, list[str]] = {}
    current: list[str] = getattr(service, mine)
    added = [s for s in wanted if s not in current]
    if added:
        values[mine] = [*current, *added]
    others: list[str] = getattr(service, other)
    if any(s in wanted for s in others):
        values[other] = [s for s in others if s not in wanted]
    if not values:
        raise EditRefused(f"'{service_id}' already runs on {', '.join(wanted) or 'them'}")
    what = describe(plan, "service", service_id).removeprefix("service ")
    where = (
        describe(plan, "server", wanted[0]) if len(wanted) == 1 else _plural("server", len(wanted))
    )
    role = " as standby" if standby else ""
    return SetFields("service", service_id, label=f"Assign {what} to {where}{role}", **values)


def unassign_service(plan: Plan, service_id: str, server_ids: Iterable[str]) -> SetFields:
    """Take servers away from a service, active or standby; refuses if none is assigned."""
    service = require_item(plan, "service", service_id)
    dropped = set(server_ids)
    values: dict[str, list[str]] = {}
    for name in ("servers", "standby_servers"):
        refs: list[str] = getattr(service, name)
        if any(s in dropped for s in refs):
            values[name] = [s for s in refs if s not in dropped]
    if not values:
        raise EditRefused(f"'{service_id}' does not run on {', '.join(sorted(dropped))}")
    what = describe(plan, "service", service_id).removeprefix("service ")
    return SetFields("service", service_id, label=f"Unassign {what}", **values)


def place_servers(plan: Plan, placements: Mapping[str, tuple[str, int]]) -> PlaceServers:
    """Move servers to ``(rack, position)``, refusing what would not fit.

    Refuses unknown servers and racks, units outside the rack, and overlaps with a
    server that stays put or with another server of the same move.
    """
    placed: list[tuple[str, str, int, int]] = []  # (server, rack, bottom, top)
    for server_id, (rack_id, position) in placements.items():
        server = require_item(plan, "server", server_id)
        rack = require_item(plan, "rack", rack_id)
        top = position + server.height - 1
        if position < 1 or top > rack.units:
            raise EditRefused(
                f"server '{server_id}' (units {position}-{top}) does not fit in rack "
                f"'{rack_id}' (units 1-{rack.units})"
            )
        placed.append((server_id, rack_id, position, top))
    staying = [(s.id, s.rack, s.position, s.top) for s in plan.servers if s.id not in placements]
    for i, (server_id, rack_id, bottom, top) in enumerate(placed):
        for other, other_rack, other_bottom, other_top in staying + placed[:i]:
            if other_rack == rack_id and bottom <= other_top and other_bottom <= top:
                raise EditRefused(f"server '{server_id}' would overlap server '{other}'")
    return PlaceServers(placements)


def copy_items(plan: Plan, targets: Iterable[tuple[str, str]]) -> list[Item]:
    """Deep copies for the clipboard: the items and what they contain.

    A site brings its failure domains, its racks and their servers, a rack its
    servers. The result is in plan order by kind (sites, domains, racks, servers,
    pools, services, scenarios), each
    item once, and shares nothing with the plan (a cut and paste still works).
    """
    chosen: dict[str, set[int]] = {kind: set() for kind in ITEM_KINDS}
    for kind, item_id in targets:
        check_kind(kind)
        chosen[kind].add(require_index(plan, kind, item_id))
    sites = {plan.sites[i].id for i in chosen["site"]}
    chosen["domain"] |= {i for i, domain in enumerate(plan.domains) if domain.site in sites}
    chosen["rack"] |= {i for i, rack in enumerate(plan.racks) if rack.site in sites}
    racks = {plan.racks[i].id for i in chosen["rack"]}
    chosen["server"] |= {i for i, srv in enumerate(plan.servers) if srv.rack in racks}
    return [
        copy.deepcopy(items_of(plan, kind)[i]) for kind in ITEM_KINDS for i in sorted(chosen[kind])
    ]


def paste_items(
    plan: Plan, clipboard_items: Iterable[Item], offset: tuple[Number, Number] = (0, 0)
) -> Composite:
    """One edit adding copies of ``clipboard_items`` with fresh ids, appended.

    Ids become ``<old id>-copy-<n>``, unused in the plan. References between copied
    items follow the copies (a copied rack's servers sit in the copied rack);
    references to items outside the clipboard are kept (a copied rack stays in its
    site). Canvas positions (``x``, ``y`` of sites, racks and services) move by
    ``offset`` when they are set. Items are added in kind order, parents first.
    """
    by_kind: dict[str, list[Item]] = {kind: [] for kind in ITEM_KINDS}
    for item in clipboard_items:
        by_kind[kind_of(item)].append(item)
    if not any(by_kind.values()):
        raise EditRefused("nothing to paste")
    fresh: dict[str, dict[str, str]] = {kind: {} for kind in ITEM_KINDS}
    handed_out: dict[str, set[str]] = {kind: set() for kind in ITEM_KINDS}
    for kind in ITEM_KINDS:
        # Sites, domains, racks and servers draw from one namespace, so they share handed_out.
        taken = handed_out["site"] if kind in LOCATION_KINDS else handed_out[kind]
        for item in by_kind[kind]:
            if item.id not in fresh[kind]:
                fresh[kind][item.id] = new_id(plan, kind, f"{item.id}-copy-", taken=taken)
                taken.add(fresh[kind][item.id])

    edits: list[AddItem] = []
    seen: set[tuple[str, str]] = set()
    for kind in ITEM_KINDS:
        for original in by_kind[kind]:
            if (kind, original.id) in seen:
                continue  # a clipboard repeating an item pastes it once
            seen.add((kind, original.id))
            edits.append(AddItem(kind, _remapped(original, fresh, offset)))
    if len(edits) == 1:
        only = edits[0].item
        label = f"Paste {edits[0].kind} {only.name.strip() or only.id}"
    else:
        label = f"Paste {len(edits)} items"
    return Composite(label, edits)


def _remapped(item: Item, fresh: dict[str, dict[str, str]], offset: tuple[Number, Number]) -> Item:
    """A copy of ``item`` under its fresh id, its references following ``fresh``."""
    copied = copy.deepcopy(item)
    copied.id = fresh[kind_of(item)][item.id]
    servers, services, pools = fresh["server"], fresh["service"], fresh["pool"]
    domains = fresh["domain"]
    if isinstance(copied, Domain) and copied.site is not None:
        copied.site = fresh["site"].get(copied.site, copied.site)
    elif isinstance(copied, Rack):
        copied.site = fresh["site"].get(copied.site, copied.site)
        copied.domains = [domains.get(ref, ref) for ref in copied.domains]
    elif isinstance(copied, Server):
        copied.rack = fresh["rack"].get(copied.rack, copied.rack)
        copied.domains = [domains.get(ref, ref) for ref in copied.domains]
    elif isinstance(copied, Service):
        copied.servers = [servers.get(ref, ref) for ref in copied.servers]
        copied.standby_servers = [servers.get(ref, ref) for ref in copied.standby_servers]
        copied.depends_on = [services.get(ref, ref) for ref in copied.depends_on]
        copied.needs = {pools.get(pool, pool): units for pool, units in copied.needs.items()}
        for name in ("failover_needs", "restart_needs"):
            needs = getattr(copied, name)
            if needs is not None:
                setattr(copied, name, {pools.get(p, p): units for p, units in needs.items()})
    elif isinstance(copied, Scenario):
        locations = {**fresh["server"], **fresh["rack"], **domains, **fresh["site"]}
        copied.failed = [locations.get(ref, ref) for ref in copied.failed]
        copied.returns = {locations.get(ref, ref): t for ref, t in copied.returns.items()}
    if isinstance(copied, Site | Rack | Service):
        # Only positions that are set move: an unplaced item stays for auto-layout.
        if copied.x is not None:
            copied.x += offset[0]
        if copied.y is not None:
            copied.y += offset[1]
    return copied
