"""A NetBox inventory into a plan, first import and every re-sync alike.

:func:`import_inventory` computes the plan the inventory asks for from the plan it is
given and says what changes (:class:`NetboxImport`); nothing is applied until the
caller applies :meth:`NetboxImport.edit` (one undo step) or saves
:attr:`NetboxImport.plan`.

**What comes in.** Sites; locations as failure domains of kind ``room`` (a rack in a
location, or in a location inside it, is in each); power feeds as domains of kind
``power`` (a rack's feeds apply to its devices, so a rack on two feeds is dual-fed; a
device whose power ports reach other feeds gets those too); racks (``u_height`` units;
``starting_unit`` and ``desc_units`` turned into units counted from 1 at the bottom);
devices as servers at their lowest unit with the height of their device type. A device
that cannot be placed in its rack (no position, 0U, above the rack, sharing units with
another, no such rack) goes to its rack's *companion* rack, ``<rack>: unplaced
devices``, in the same site and on the same feeds and rooms (so it fails with them but
not with the rack alone); a device with a site but no rack to the site's ``unracked
devices`` rack. Each says why in a warning. Virtual machines (only ``with_vms``) become
servers of one virtual rack per cluster. Reservations are warnings.

**Keys.** Every imported item carries ``extra["x-netbox"]``: NetBox's object type and id,
and its natural key (a site's slug; a rack's site, location and name, since rack names
repeat across locations; a device's site and name, or its serial, asset tag or id when
it has no name). A re-sync matches by id, then by key, so a rename in NetBox stays the
same item here.

**What a re-sync keeps.** An item of the plan that NetBox did not make is never
touched. A matched item gets NetBox's name, place, height, units and NetBox's domains;
everything else stays (its position on the floor, notes, colour, unknown fields, and the
domains the user added). Items NetBox made that are gone are removed, and every
reference to them (service servers and standbys, data copies, scenarios) with them;
services left with no server are named. Services, dependencies, pools and scenarios
are the user's and stay.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from planner.interop.diff import PlanDiff, plan_diff
from planner.interop.netbox_records import (
    Inventory,
    NbDevice,
    NbRack,
    NbVirtualMachine,
)
from planner.model.edits import ReplaceItems
from planner.model.plan import Domain, Plan, Rack, Server, Site

NETBOX_KEY = "x-netbox"
# The kinds an import owns; services, pools and scenarios are the user's.
IMPORTED_KINDS = ("site", "domain", "rack", "server")
VM_RACK_UNITS = 42


@dataclass(frozen=True)
class NetboxImport:
    """What importing an inventory into a plan gives, before it is applied."""

    plan: Plan
    diff: PlanDiff
    counts: dict[str, int]
    warnings: tuple[str, ...]
    orphaned: tuple[str, ...] = ()  # services left with no server by a removal

    def summary(self) -> str:
        """One line counting what came in: "24 sites, 4 locations, 42 racks, ..."."""
        parts = [f"{n:,} {what}" for what, n in self.counts.items()]
        return "NetBox: " + ", ".join(parts)

    def edit(self, label: str = "Import from NetBox") -> ReplaceItems:
        """The import as one undoable edit of the plan it was computed from."""
        return ReplaceItems(
            label,
            {
                "site": self.plan.sites,
                "domain": self.plan.domains,
                "rack": self.plan.racks,
                "server": self.plan.servers,
                "service": self.plan.services,
                "scenario": self.plan.scenarios,
            },
        )


def slug(text: str) -> str:
    """An id fragment: lower case, runs of anything but word characters, dots and
    dashes made one dash (Korean and other letters kept)."""
    return re.sub(r"[^\w.]+", "-", text.strip().lower()).strip("-") or "x"


def _marker(item: Any) -> Mapping[str, Any] | None:
    marker = item.extra.get(NETBOX_KEY) if isinstance(item.extra, dict) else None
    return marker if isinstance(marker, Mapping) else None


@dataclass
class _Builder:
    """The new item lists, built from the old plan's items where NetBox matches them."""

    before: Plan
    warnings: list[str] = field(default_factory=list)
    by_id: dict[tuple[str, Any], Any] = field(default_factory=dict)
    by_key: dict[tuple[str, str], Any] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)
    matched: set[int] = field(default_factory=set)  # id() of old items matched
    sites: list[Site] = field(default_factory=list)
    domains: list[Domain] = field(default_factory=list)
    racks: list[Rack] = field(default_factory=list)
    servers: list[Server] = field(default_factory=list)
    netbox_domains: set[str] = field(default_factory=set)  # ids of the domains NetBox made

    def __post_init__(self) -> None:
        self.netbox_domains = {d.id for d in self.before.domains if _marker(d) is not None}
        for kind, items in (
            ("site", self.before.sites),
            ("domain", self.before.domains),
            ("rack", self.before.racks),
            ("server", self.before.servers),
        ):
            for item in items:
                self.taken.add(item.id)
                marker = _marker(item)
                if marker is None:
                    continue
                nb_type = marker.get("type")
                if marker.get("id") is not None:
                    self.by_id.setdefault((f"{kind}:{nb_type}", marker.get("id")), item)
                if isinstance(marker.get("key"), str):
                    self.by_key.setdefault((f"{kind}:{nb_type}", marker["key"]), item)

    def match(self, kind: str, nb_type: str, nb_id: int, key: str) -> Any:
        group = f"{kind}:{nb_type}"
        old = self.by_id.get((group, nb_id)) or self.by_key.get((group, key))
        if old is not None and id(old) in self.matched:
            old = None  # two NetBox objects cannot both be one item
        if old is not None:
            self.matched.add(id(old))
        return old

    def new_id(self, wanted: str) -> str:
        candidate, number = wanted, 2
        while candidate in self.taken:
            candidate = f"{wanted}-{number}"
            number += 1
        self.taken.add(candidate)
        return candidate


def _marked(extra: Mapping[str, Any], nb_type: str, nb_id: int | None, key: str) -> dict[str, Any]:
    out = dict(copy.deepcopy(extra))
    out[NETBOX_KEY] = {"type": nb_type, "id": nb_id, "key": key}
    return out


def _owned_domains(
    before: Iterable[str], netbox: Iterable[str], made_by_netbox: set[str]
) -> list[str]:
    """NetBox's domains, then the ones the user added (those NetBox did not make)."""
    mine = list(dict.fromkeys(netbox))
    return mine + [d for d in before if d not in made_by_netbox and d not in mine]


def _device_key(device: NbDevice, site_slug: str) -> tuple[str, str]:
    """(natural key, a name for people) of a device; unnamed ones by serial, tag or id."""
    if device.name:
        return f"{site_slug}/{device.name}", device.name
    # NetBox shows an unnamed device as its virtual chassis and place ("r108-torsw:1") or
    # its type and id: the name people know it by, when the export carries it.
    if device.serial:
        return f"serial:{device.serial}", device.display or f"serial {device.serial}"
    if device.asset_tag:
        return f"asset:{device.asset_tag}", device.display or f"asset tag {device.asset_tag}"
    return f"id:{device.id}", device.display or f"device {device.id}"


def _called(device: NbDevice) -> str:
    return f"device '{device.name}' (id {device.id})" if device.name else f"device (id {device.id})"


def import_inventory(plan: Plan, inventory: Inventory, with_vms: bool = False) -> NetboxImport:
    """The plan ``inventory`` asks for, from ``plan`` (left untouched), and its diff."""
    b = _Builder(plan)
    b.warnings.extend(inventory.problems)
    counts: dict[str, int] = {}

    # Sites.
    site_of: dict[int, Site] = {}
    site_slug: dict[int, str] = {}
    for nb in inventory.sites:
        key = nb.slug
        old = b.match("site", "dcim.site", nb.id, key)
        if old is not None:
            site = copy.deepcopy(old)
            site.name = nb.name
            site.extra = _marked(old.extra, "dcim.site", nb.id, key)
        else:
            site = Site(
                b.new_id(slug(nb.slug)), nb.name, extra=_marked({}, "dcim.site", nb.id, key)
            )
        site_of[nb.id] = site
        site_slug[nb.id] = nb.slug
        b.sites.append(site)
    counts["sites"] = len(inventory.sites)

    # Locations: rooms.
    location_domain: dict[int, Domain] = {}
    parents: dict[int, int | None] = {loc.id: loc.parent for loc in inventory.locations}
    slugs = {loc.id: loc.slug for loc in inventory.locations}
    for loc in inventory.locations:
        site = site_of.get(loc.site) if loc.site is not None else None
        if site is None:
            b.warnings.append(
                f"location '{loc.name}' (id {loc.id}): its site is not in the export; skipped"
            )
            continue
        path = "/".join(_location_path(loc.id, parents, slugs))
        key = f"{site_slug[loc.site]}/{path}" if loc.site is not None else path
        domain = _domain(
            b,
            "dcim.location",
            loc.id,
            key,
            loc.name,
            "room",
            site.id,
            f"{site.id}.{slug(path.replace('/', '.'))}",
        )
        location_domain[loc.id] = domain
    counts["locations"] = len(location_domain)

    def rooms(location: int | None) -> list[str]:
        out: list[str] = []
        seen: set[int] = set()
        while location is not None and location not in seen:
            seen.add(location)
            if location in location_domain:
                out.append(location_domain[location].id)
            location = parents.get(location)
        return out

    # Power panels and feeds: one power domain per feed.
    panels = {p.id: p for p in inventory.power_panels}
    feed_domain: dict[int, Domain] = {}
    for feed in inventory.power_feeds:
        panel = panels.get(feed.power_panel) if feed.power_panel is not None else None
        site = site_of.get(panel.site) if panel is not None and panel.site is not None else None
        if panel is None or site is None:
            b.warnings.append(
                f"power feed '{feed.name}' (id {feed.id}): its power panel or site is not in "
                "the export; skipped"
            )
            continue
        assert panel.site is not None
        key = f"{site_slug[panel.site]}/{panel.name}/{feed.name}"
        feed_domain[feed.id] = _domain(
            b,
            "dcim.powerfeed",
            feed.id,
            key,
            f"{panel.name} / {feed.name}",
            "power",
            site.id,
            f"{site.id}.{slug(panel.name)}.{slug(feed.name)}",
        )
    counts["power panels"] = len(panels)
    counts["power feeds"] = len(feed_domain)
    rack_feeds: dict[int, list[str]] = {}
    for feed in inventory.power_feeds:
        if feed.rack is not None and feed.id in feed_domain:
            rack_feeds.setdefault(feed.rack, []).append(feed_domain[feed.id].id)

    # Racks.
    rack_of: dict[int, Rack] = {}
    netbox_domains_of: dict[str, list[str]] = {}  # rack id -> the domains NetBox gives it
    nb_racks: dict[int, NbRack] = {}
    for nb_r in inventory.racks:
        site = site_of.get(nb_r.site) if nb_r.site is not None else None
        if site is None:
            b.warnings.append(
                f"rack '{nb_r.name}' (id {nb_r.id}): its site is not in the export; skipped"
            )
            continue
        assert nb_r.site is not None
        location = location_domain.get(nb_r.location) if nb_r.location is not None else None
        loc_part = location.extra[NETBOX_KEY]["key"].split("/", 1)[1] if location else ""
        key = f"{site_slug[nb_r.site]}/{loc_part}/{nb_r.name}"
        wanted = ".".join(
            p for p in (site.id, slug(loc_part) if loc_part else "", slug(nb_r.name)) if p
        )
        units = max(1, nb_r.u_height)
        domains = [*rooms(nb_r.location), *rack_feeds.get(nb_r.id, [])]
        old = b.match("rack", "dcim.rack", nb_r.id, key)
        if old is not None:
            rack = copy.deepcopy(old)
            rack.site, rack.name, rack.units = site.id, nb_r.name or f"rack {nb_r.id}", units
            rack.domains = _owned_domains(old.domains, domains, b.netbox_domains)
            rack.extra = _marked(old.extra, "dcim.rack", nb_r.id, key)
        else:
            rack = Rack(
                b.new_id(wanted),
                site.id,
                nb_r.name or f"rack {nb_r.id}",
                units,
                domains=domains,
                extra=_marked({}, "dcim.rack", nb_r.id, key),
            )
        rack_of[nb_r.id] = rack
        nb_racks[nb_r.id] = nb_r
        netbox_domains_of[rack.id] = domains
        b.racks.append(rack)
    counts["racks"] = len(rack_of)
    for reservation in inventory.reservations:
        held = rack_of.get(reservation.rack) if reservation.rack is not None else None
        reserved = _ranges(reservation.units)
        what = f"rack '{held.name}'" if held else f"rack (id {reservation.rack})"
        note = f": {reservation.description}" if reservation.description else ""
        b.warnings.append(
            f"rack reservation (id {reservation.id}): {what} units {reserved} reserved{note}"
        )
    counts["reservations"] = len(inventory.reservations)

    # Devices.
    types = {t.id: t for t in inventory.device_types}
    companions: dict[str, Rack] = {}  # rack id (or "site:<id>") -> its companion rack
    companion_top: dict[str, int] = {}
    occupied: dict[str, list[tuple[int, int, str]]] = {}
    placed = unplaced = 0

    def companion(
        holder: str, site: Site, domains: list[str], name: str, nb_type: str, nb_id: Any, key: str
    ) -> Rack:
        if holder not in companions:
            old = b.match("rack", nb_type, nb_id, key)
            if old is not None:
                rack = copy.deepcopy(old)
                rack.site, rack.name = site.id, name
                rack.domains = _owned_domains(old.domains, domains, b.netbox_domains)
                rack.extra = _marked(old.extra, nb_type, nb_id, key)
            else:
                rack = Rack(
                    b.new_id(f"{holder}~unplaced"),
                    site.id,
                    name,
                    VM_RACK_UNITS,
                    domains=list(domains),
                    extra=_marked({}, nb_type, nb_id, key),
                )
            rack.units = VM_RACK_UNITS
            companions[holder] = rack
            companion_top[holder] = 0
            b.racks.append(rack)
        return companions[holder]

    def stack(holder: str, height: int) -> int:
        position = companion_top[holder] + 1
        companion_top[holder] += height
        rack = companions[holder]
        rack.units = max(rack.units, companion_top[holder])
        return position

    for device in inventory.devices:
        called = _called(device)
        kind = types.get(device.device_type) if device.device_type is not None else None
        if kind is None:
            if device.device_type is not None or inventory.form != "csv":
                b.warnings.append(f"{called}: no device type in the export; taken as 1U")
            height_u = 1.0
        else:
            height_u = kind.u_height
        nb_rack = nb_racks.get(device.rack) if device.rack is not None else None
        rack = rack_of.get(device.rack) if device.rack is not None else None
        site_id = device.site if device.site is not None else (nb_rack.site if nb_rack else None)
        site = site_of.get(site_id) if site_id is not None else None
        if site is None:
            b.warnings.append(f"{called}: no site in the export; skipped")
            continue
        assert site_id is not None
        key, label = _device_key(device, site_slug[site_id])
        height = max(1, math.ceil(height_u)) if height_u > 0 else 1
        if 0 < height_u != height:
            b.warnings.append(f"{called}: height {height_u:g}U taken as {height}U")
        reason = None
        position: int | None = None
        if rack is None or nb_rack is None:
            reason = (
                "not in a rack"
                if device.rack is None
                else f"its rack (id {device.rack}) is not in the export"
            )
        elif height_u <= 0:
            reason = "0U (no rack units)"
        elif device.position is None:
            reason = "has no position in the rack"
        else:
            raw = device.position
            low = math.floor(raw)
            if low != raw:
                b.warnings.append(f"{called}: position {raw:g} rounded down to {low}")
            relative = low - nb_rack.starting_unit + 1
            position = nb_rack.u_height - relative - height + 2 if nb_rack.desc_units else relative
            if position < 1 or position + height - 1 > rack.units:
                top = low + height - 1
                reason = (
                    f"position {low:g} is above rack '{rack.name}' ({rack.units}U)"
                    if top > nb_rack.starting_unit + nb_rack.u_height - 1 or position > rack.units
                    else f"position {low:g} is below rack '{rack.name}' (which starts at "
                    f"U{nb_rack.starting_unit})"
                )
                position = None
            else:
                for start, end, other in occupied.get(rack.id, []):
                    if position <= end and start <= position + height - 1:
                        face = f" ({device.face})" if device.face else ""
                        reason = f"shares units with '{other}' in rack '{rack.name}'{face}"
                        position = None
                        break
        if position is not None and rack is not None:
            occupied.setdefault(rack.id, []).append((position, position + height - 1, label))
            placed += 1
        else:
            unplaced += 1
            if rack is not None and nb_rack is not None:
                holder = rack.id
                rack = companion(
                    holder,
                    site,
                    netbox_domains_of[rack.id],
                    f"{rack.name}: unplaced devices",
                    "unplaced",
                    nb_rack.id,
                    rack.extra[NETBOX_KEY]["key"],
                )
            else:
                holder = f"{site.id}.unracked"
                rack = companion(
                    holder,
                    site,
                    [],
                    f"{site.name}: unracked devices",
                    "unracked",
                    site_id,
                    site_slug[site_id],
                )
            position = stack(holder, height)
            b.warnings.append(f"{called}: {reason}; put in rack '{rack.name}'")
        feeds = [
            feed_domain[f].id for f in inventory.device_feeds.get(device.id, ()) if f in feed_domain
        ]
        own = [f for f in feeds if f not in rack.domains]
        name = device.name or device.display or f"{kind.model if kind else 'device'} ({label})"
        old = b.match("server", "dcim.device", device.id, key)
        if old is not None:
            server = copy.deepcopy(old)
            server.rack, server.name, server.position, server.height = (
                rack.id,
                name,
                position,
                height,
            )
            server.domains = _owned_domains(old.domains, own, b.netbox_domains)
            server.extra = _marked(old.extra, "dcim.device", device.id, key)
        else:
            wanted = slug(device.name) if device.name else slug(label.replace(" ", "-"))
            server = Server(
                b.new_id(wanted),
                rack.id,
                name,
                position,
                height,
                domains=own,
                extra=_marked({}, "dcim.device", device.id, key),
            )
        b.servers.append(server)
    counts["devices"] = placed + unplaced
    counts["placed"] = placed
    counts["unplaced"] = unplaced

    # Virtual machines, one virtual rack per cluster.
    if with_vms:
        counts["virtual machines"] = _virtual_machines(b, inventory, site_of, site_slug)
    return _finish(plan, b, counts)


def _virtual_machines(
    b: _Builder, inventory: Inventory, site_of: dict[int, Site], site_slug: dict[int, str]
) -> int:
    """Servers for the virtual machines, in one virtual rack per cluster. A cluster with
    no site in NetBox (a cloud region, say) gets a site of its own: losing it loses the
    cluster, nothing else."""
    clusters = {c.id: c for c in inventory.clusters}
    members: dict[int, list[NbVirtualMachine]] = {}
    for vm in inventory.virtual_machines:
        if vm.cluster is None or vm.cluster not in clusters:
            b.warnings.append(
                f"virtual machine '{vm.name}' (id {vm.id}): in no cluster of the export; skipped"
            )
            continue
        members.setdefault(vm.cluster, []).append(vm)
    count = 0
    for cluster_id, vms in members.items():
        cluster = clusters[cluster_id]
        site = site_of.get(cluster.site) if cluster.site is not None else None
        if site is None:
            key = f"cluster/{cluster.name}"
            old = b.match("site", "virtualization.cluster", cluster.id, key)
            name = f"cluster {cluster.name} (no site in NetBox)"
            if old is not None:
                site = copy.deepcopy(old)
                site.name = name
                site.extra = _marked(old.extra, "virtualization.cluster", cluster.id, key)
            else:
                site = Site(
                    b.new_id(f"cluster-{slug(cluster.name)}"),
                    name,
                    extra=_marked({}, "virtualization.cluster", cluster.id, key),
                )
            b.sites.append(site)
            b.warnings.append(
                f"cluster '{cluster.name}' (id {cluster.id}): no site in NetBox; its "
                f"{len(vms)} virtual machines are in a site of their own"
            )
            where = f"cluster/{cluster.name}"
        else:
            assert cluster.site is not None
            where = f"{site_slug[cluster.site]}/{cluster.name}"
        rack_key = f"{where}/vms"
        old_rack = b.match("rack", "virtualization.cluster", cluster.id, rack_key)
        units = max(VM_RACK_UNITS, len(vms))
        if old_rack is not None:
            rack = copy.deepcopy(old_rack)
            rack.site, rack.name, rack.units = site.id, f"cluster {cluster.name}", units
            rack.extra = _marked(old_rack.extra, "virtualization.cluster", cluster.id, rack_key)
        else:
            rack = Rack(
                b.new_id(f"{site.id}.vms.{slug(cluster.name)}"),
                site.id,
                f"cluster {cluster.name}",
                units,
                extra=_marked({}, "virtualization.cluster", cluster.id, rack_key),
            )
        b.racks.append(rack)
        for position, vm in enumerate(vms, start=1):
            key = f"{where}/{vm.name}"
            old = b.match("server", "virtualization.virtualmachine", vm.id, key)
            if old is not None:
                server = copy.deepcopy(old)
                server.rack, server.name, server.position, server.height = (
                    rack.id,
                    vm.name,
                    position,
                    1,
                )
                server.extra = _marked(old.extra, "virtualization.virtualmachine", vm.id, key)
            else:
                server = Server(
                    b.new_id(slug(vm.name)),
                    rack.id,
                    vm.name,
                    position,
                    extra=_marked({}, "virtualization.virtualmachine", vm.id, key),
                )
            b.servers.append(server)
            count += 1
    return count


def _domain(
    b: _Builder, nb_type: str, nb_id: int, key: str, name: str, kind: str, site: str, wanted: str
) -> Domain:
    old = b.match("domain", nb_type, nb_id, key)
    domain: Domain
    if old is not None:
        domain = copy.deepcopy(old)
        domain.name, domain.kind, domain.site = name, kind, site
        domain.extra = _marked(old.extra, nb_type, nb_id, key)
    else:
        domain = Domain(
            b.new_id(wanted), name, kind, site=site, extra=_marked({}, nb_type, nb_id, key)
        )
    b.domains.append(domain)
    return domain


def _location_path(
    location: int, parents: Mapping[int, int | None], slugs: Mapping[int, str]
) -> list[str]:
    """The slugs from the outermost location down to ``location`` (a cycle stops)."""
    path: list[str] = []
    seen: set[int] = set()
    current: int | None = location
    while current is not None and current not in seen and current in slugs:
        seen.add(current)
        path.append(slugs[current])
        current = parents.get(current)
    return path[::-1]


def _ranges(units: Iterable[int]) -> str:
    """``[1, 2, 3, 7]`` -> ``"1-3, 7"``."""
    ordered = sorted(set(units))
    parts: list[str] = []
    start = prev = None
    for unit in [*ordered, None]:
        if start is None:
            start = prev = unit
        elif unit is not None and prev is not None and unit == prev + 1:
            prev = unit
        else:
            parts.append(f"{start}" if start == prev else f"{start}-{prev}")
            start = prev = unit
    return ", ".join(parts) or "none"


def _finish(plan: Plan, b: _Builder, counts: dict[str, int]) -> NetboxImport:
    after = copy.copy(plan)

    # Items NetBox did not make stay where they were; those it made and no longer
    # has are gone.
    def merged(old: list[Any], new: list[Any]) -> list[Any]:
        """The old order kept: a matched item in its place, a gone one dropped, the
        user's own as they were, then what is new, in NetBox's order."""
        fresh = {item.id: item for item in new}
        out = []
        for item in old:
            if _marker(item) is None:
                out.append(item)
            elif id(item) in b.matched and item.id in fresh:
                out.append(fresh.pop(item.id))
        return out + list(fresh.values())

    after.sites = merged(plan.sites, b.sites)
    after.domains = merged(plan.domains, b.domains)
    after.racks = merged(plan.racks, b.racks)
    after.servers = merged(plan.servers, b.servers)
    gone = {
        item.id
        for items in (plan.sites, plan.domains, plan.racks, plan.servers)
        for item in items
        if _marker(item) is not None and id(item) not in b.matched
    }
    after.services = copy.deepcopy(plan.services)
    after.scenarios = copy.deepcopy(plan.scenarios)
    orphaned: list[str] = []
    if gone:
        for rack in after.racks:
            if any(d in gone for d in rack.domains):
                rack.domains = [d for d in rack.domains if d not in gone]
        for server in after.servers:
            if any(d in gone for d in server.domains):
                server.domains = [d for d in server.domains if d not in gone]
        for service in after.services:
            had = bool(service.servers or service.standby_servers)
            service.servers = [s for s in service.servers if s not in gone]
            service.standby_servers = [s for s in service.standby_servers if s not in gone]
            for data in service.data:
                data.on = [x for x in data.on if x not in gone]
            if had and not service.servers and not service.standby_servers:
                orphaned.append(service.id)
        for scenario in after.scenarios:
            scenario.failed = [x for x in scenario.failed if x not in gone]
            scenario.returns = {x: m for x, m in scenario.returns.items() if x not in gone}
    warnings = list(b.warnings)
    warnings += [
        f"service '{s}' has no server left: its servers were removed from NetBox" for s in orphaned
    ]
    counts["warnings"] = len(warnings)
    return NetboxImport(
        after, plan_diff(plan, after, tuple(warnings)), counts, tuple(warnings), tuple(orphaned)
    )
