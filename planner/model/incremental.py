"""Validation that follows the edits of a plan: an edit checks again only what it touched.

:class:`IncrementalValidator` holds the problems of a plan. ``update(plan, change)``
takes the :class:`~planner.model.edits.Change` of an edit (what the edit returned, or
several composed with :meth:`Change.then`) and gives exactly what
:func:`~planner.model.validate.validate` gives for the plan as it is now: the same
problems, in the same order and words. ``change=None`` (a new plan) validates it whole.

What an edit touches: the items it added, removed or changed in a field some check
reads, and the items whose checks look those ids up (the domains and racks of a
site, the racks and servers naming a domain, the servers of a rack, the services
naming a server, a pool or a service, the scenarios naming a location, the services
with a data copy on a location); the plan's own fields it changed; the
servers sharing units in the racks concerned; the duplicate ids of the namespaces
concerned; and the dependency cycles when a service's id or
``depends_on`` changed. Each check of one item is the function
:func:`validate` uses (``rack_problems``, ``service_problems``, ...), so the two cannot
drift apart; ``tests/test_validation.py`` holds that after any sequence of edits the
problems equal a full validation.

Items are told apart by identity, not id: a broken plan may repeat an id, and an
edit's change names ids, so every item with a changed id is checked again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from planner.model.edits.change import ITEM_KINDS, LISTS, LOCATION_KINDS, Change
from planner.model.plan import Plan
from planner.model.problems import Problem, capped
from planner.model.validate import (
    PLAN_CHECKED_FIELDS,
    cycle_problems,
    domain_problems,
    duplicate_problems,
    location_entries,
    overlap_problems,
    plan_problems,
    pool_problems,
    rack_problems,
    scenario_problems,
    server_problems,
    service_problems,
)

#: The fields of each kind that its own checks read (the id aside, which changes only
#: by removing and adding). A change of any other field (a name, a position on the
#: floor, a colour, a note) cannot change a problem.
CHECKED_FIELDS: dict[str, frozenset[str]] = {
    "site": frozenset(),
    "domain": frozenset({"kind", "site"}),
    "rack": frozenset({"site", "units", "domains"}),
    "server": frozenset({"rack", "position", "height", "domains"}),
    "pool": frozenset({"capacity"}),
    "service": frozenset(
        {
            "tier",
            "rto_minutes",
            "restore_minutes",
            "failover_minutes",
            "failover_needs",
            "restart_minutes",
            "restart_needs",
            "servers",
            "standby_servers",
            "min_instances",
            "needs",
            "depends_on",
            "rpo_minutes",
            "data",
            "failover_tested_on",
        }
    ),
    "scenario": frozenset({"failed", "returns", "declared_after_minutes", "as_of"}),
    # The plan's own fields (validate.plan_problems).
    "plan": PLAN_CHECKED_FIELDS,
}
_PLACEMENT = frozenset({"rack", "position", "height"})

# Id namespaces, in the order validate reports their duplicates.
_NAMESPACES: dict[str, tuple[str, ...]] = {
    "location": LOCATION_KINDS,
    "pool": ("pool",),
    "service": ("service",),
    "scenario": ("scenario",),
}
_NAMESPACE_OF = {kind: ns for ns, kinds in _NAMESPACES.items() for kind in kinds}


class IncrementalValidator:
    """The problems of one plan, kept equal to ``validate(plan)`` edit after edit.

    Not thread-safe: one thread calls :meth:`update` (the GUI's recovery worker does).
    ``plan`` may be a new list-level snapshot each time (the items shared with the
    edited plan), as long as every change made since the last update is passed.
    """

    def __init__(self) -> None:
        self._plan: Plan | None = None
        self._problems: list[Problem] = []
        # kind -> id -> the items with that id, in plan order (two or more: a duplicate).
        self._items: dict[str, dict[str, list[Any]]] = {}
        self._known: dict[str, set[str]] = {}  # kind -> ids present
        self._locations: set[str] = set()
        self._last_rack: dict[str, Any] = {}  # id -> the rack it means (the last one)
        self._last_pool: dict[str, Any] = {}
        # kind -> id(item) -> (item, its own problems), for items with problems only;
        # the item is held so that its id() cannot be reused while it is listed.
        self._own: dict[str, dict[int, tuple[Any, Sequence[Problem]]]] = {}
        self._sections: dict[str, list[Problem]] = {}  # kind -> its own problems, in order
        self._overlaps: dict[str, list[Problem]] = {}  # rack id -> servers sharing units
        self._overlap_section: list[Problem] = []
        self._repeated: dict[str, set[str]] = {}  # namespace -> ids used more than once
        self._duplicates: dict[str, list[Problem]] = {}
        self._cycles: list[Problem] = []
        self._plan_problems: list[Problem] = []
        self._complete = False  # False until a full validation, and after a failed update

    @property
    def problems(self) -> list[Problem]:
        """The problems of the plan as of the last :meth:`update` (do not modify)."""
        return self._problems

    def update(self, plan: Plan, change: Change | None) -> list[Problem]:
        """Bring the problems up to date with ``change`` (None: validate ``plan`` whole)
        and return them, equal to ``validate(plan)``."""
        if change is None or not self._complete:
            self._complete = False
            self._rebuild(plan)
        elif change:
            self._complete = False  # an update that raises leaves a full one for next time
            self._apply(plan, change)
        self._plan = plan
        self._complete = True
        return self._problems

    # ------------------------------------------------------------------ whole plan

    def _rebuild(self, plan: Plan) -> None:
        self._plan = plan
        for kind in ITEM_KINDS:
            index: dict[str, list[Any]] = {}
            for item in getattr(plan, LISTS[kind]):
                same = index.get(item.id)
                if same is None:
                    index[item.id] = [item]
                else:
                    same.append(item)
            self._items[kind] = index
            self._known[kind] = set(index)
            self._own[kind] = {}
        self._locations = set().union(*(self._known[kind] for kind in LOCATION_KINDS))
        self._last_rack = {i: racks[-1] for i, racks in self._items["rack"].items()}
        self._last_pool = {i: pools[-1] for i, pools in self._items["pool"].items()}
        for kind in ITEM_KINDS:
            self._check(kind, getattr(plan, LISTS[kind]))
            self._sections[kind] = self._assemble(kind)
        self._overlaps = {}
        self._check_overlaps(None)
        for ns in _NAMESPACES:
            self._repeated[ns] = set()
            self._count_ids(ns, self._ids_of(ns))
        self._cycles = cycle_problems(plan.services)
        self._plan_problems = list(plan_problems(plan))
        self._collect()

    # ------------------------------------------------------------------ one change

    def _apply(self, plan: Plan, change: Change) -> None:
        self._plan = plan
        # Ids that came or went (a removal and an addition in one change show as every
        # field changed, "id" included): their items are found again in the lists.
        moved: dict[str, set[str]] = {kind: set() for kind in ITEM_KINDS}
        for kind, item_id in change.added | change.removed:
            if kind in moved:
                moved[kind].add(item_id)
        fields: dict[str, dict[str, set[str]]] = {kind: {} for kind in ITEM_KINDS}
        for kind, item_id, name in change.changed:
            if kind not in moved:
                if name in CHECKED_FIELDS["plan"]:  # the plan's own fields
                    self._plan_problems = list(plan_problems(plan))
                continue
            if name == "id":
                moved[kind].add(item_id)
            elif name in CHECKED_FIELDS[kind]:
                fields[kind].setdefault(item_id, set()).add(name)
        for kind, ids in moved.items():
            if ids:
                self._reindex(kind, ids)
        recheck: dict[str, dict[int, Any]] = {kind: {} for kind in ITEM_KINDS}
        for kind in ITEM_KINDS:
            index = self._items[kind]
            for item_id in moved[kind] | set(fields[kind]):
                for item in index.get(item_id, ()):
                    recheck[kind][id(item)] = item
        self._add_referrers(plan, moved, fields, recheck)
        for kind in ITEM_KINDS:
            dirty = self._check(kind, recheck[kind].values())
            if dirty or moved[kind]:  # order or membership of the list may have changed
                self._sections[kind] = self._assemble(kind)
        # Servers sharing units: the racks that came or went, the racks of servers
        # placed, renamed or added, and every rack that had overlaps (a server that
        # left a rack without overlaps cannot give it one).
        placed = {sid for sid, names in fields["server"].items() if names & _PLACEMENT}
        if moved["rack"] or moved["server"] or placed:
            racks = set(moved["rack"]) | set(self._overlaps)
            for sid in moved["server"] | placed:
                racks.update(server.rack for server in self._items["server"].get(sid, ()))
            self._check_overlaps(racks)
        for ns, kinds in _NAMESPACES.items():
            ids = set().union(*(moved[kind] for kind in kinds))
            if ids:
                self._count_ids(ns, ids)
        depends = any("depends_on" in names for names in fields["service"].values())
        if moved["service"] or depends:
            self._cycles = cycle_problems(plan.services)
        self._collect()

    def _reindex(self, kind: str, ids: set[str]) -> None:
        """Find again the items of ``kind`` with these ids (one pass over the list)."""
        found: dict[str, list[Any]] = {}
        for item in getattr(self._plan, LISTS[kind]):
            if item.id in ids:
                found.setdefault(item.id, []).append(item)
        index, known = self._items[kind], self._known[kind]
        for item_id in ids:
            items = found.get(item_id)
            if items:
                index[item_id] = items
                known.add(item_id)
            else:
                index.pop(item_id, None)
                known.discard(item_id)
            if kind in LOCATION_KINDS:
                if any(item_id in self._known[k] for k in LOCATION_KINDS):
                    self._locations.add(item_id)
                else:
                    self._locations.discard(item_id)
            last = self._last_rack if kind == "rack" else self._last_pool
            if kind in ("rack", "pool"):
                if items:
                    last[item_id] = items[-1]
                else:
                    last.pop(item_id, None)

    def _add_referrers(
        self,
        plan: Plan,
        moved: dict[str, set[str]],
        fields: dict[str, dict[str, set[str]]],
        recheck: dict[str, dict[int, Any]],
    ) -> None:
        """Add to ``recheck`` the items whose checks look up an id that changed."""
        sites = moved["site"]
        if sites:
            for domain in plan.domains:
                if domain.site in sites:
                    recheck["domain"][id(domain)] = domain
            for rack in plan.racks:
                if rack.site in sites:
                    recheck["rack"][id(rack)] = rack
        domains = moved["domain"]
        if domains:
            for kind, members in (("rack", plan.racks), ("server", plan.servers)):
                for member in members:
                    if member.domains and not domains.isdisjoint(member.domains):
                        recheck[kind][id(member)] = member
        # A server's check reads its rack's units (and whether that rack exists).
        racks = moved["rack"] | {r for r, names in fields["rack"].items() if "units" in names}
        if racks:
            for server in plan.servers:
                if server.rack in racks:
                    recheck["server"][id(server)] = server
        servers, services = moved["server"], moved["service"]
        pools = moved["pool"] | set(fields["pool"])  # capacity is the one checked field
        if servers or services or pools:
            for service in plan.services:
                if (
                    (servers and not servers.isdisjoint(service.servers))
                    or (servers and not servers.isdisjoint(service.standby_servers))
                    or (services and not services.isdisjoint(service.depends_on))
                    or (pools and not pools.isdisjoint(service.needs))
                    or (pools and _names_pools(service.failover_needs, pools))
                    or (pools and _names_pools(service.restart_needs, pools))
                ):
                    recheck["service"][id(service)] = service
        locations = set().union(*(moved[kind] for kind in LOCATION_KINDS))
        if locations:
            for scenario in plan.scenarios:
                if not locations.isdisjoint(scenario.failed):
                    recheck["scenario"][id(scenario)] = scenario
            # A data copy may be on any location.
            for service in plan.services:
                if service.data and any(not locations.isdisjoint(c.on) for c in service.data):
                    recheck["service"][id(service)] = service

    # ------------------------------------------------------------------ the checks

    def _check(self, kind: str, items: Any) -> bool:
        """Check ``items`` of ``kind`` again; True if some item's problems changed."""
        own = self._own[kind]
        dirty = False
        for item in items:
            found = self._own_problems(kind, item)
            key = id(item)
            old = own.get(key)
            if found:
                if old is None or old[1] != found:
                    own[key] = (item, found)
                    dirty = True
            elif old is not None:
                del own[key]
                dirty = True
        return dirty

    def _own_problems(self, kind: str, item: Any) -> Sequence[Problem]:
        if kind == "server":
            return server_problems(item, self._last_rack, self._known["domain"])
        if kind == "service":
            known = self._known
            return service_problems(
                item, known["server"], known["service"], self._last_pool, self._locations
            )
        if kind == "rack":
            return rack_problems(item, self._known["site"], self._known["domain"])
        if kind == "domain":
            return domain_problems(item, self._known["site"])
        if kind == "pool":
            return pool_problems(item)
        if kind == "scenario":
            return scenario_problems(item, self._locations)
        return ()  # a site has no checks of its own

    def _assemble(self, kind: str) -> list[Problem]:
        """The own problems of ``kind`` in plan order; forgets items no longer there."""
        own = self._own[kind]
        if not own:
            return []
        section: list[Problem] = []
        kept: dict[int, tuple[Any, Sequence[Problem]]] = {}
        for item in getattr(self._plan, LISTS[kind]):
            entry = own.get(id(item))
            if entry is not None:
                section += entry[1]
                kept[id(item)] = entry
        self._own[kind] = kept
        return section

    def _check_overlaps(self, racks: set[str] | None) -> None:
        """Servers sharing units in ``racks`` (None: every rack), then the section in
        the order validate gives (racks by their first server in the plan)."""
        assert self._plan is not None
        known = self._known["rack"]
        by_rack: dict[str, list[Any]] = {}
        for server in self._plan.servers:
            rack = server.rack
            if (racks is None or rack in racks) and server.height >= 1 and rack in known:
                group = by_rack.get(rack)
                if group is None:
                    by_rack[rack] = [server]
                else:
                    group.append(server)
        for rack in by_rack.keys() if racks is None else racks:
            found = overlap_problems(rack, by_rack[rack]) if rack in by_rack else []
            if found:
                self._overlaps[rack] = found
            else:
                self._overlaps.pop(rack, None)
        if not self._overlaps:
            self._overlap_section = []
            return
        order = dict.fromkeys(
            s.rack for s in self._plan.servers if s.rack in self._overlaps and s.height >= 1
        )
        self._overlap_section = [p for rack in order for p in self._overlaps[rack]]

    def _ids_of(self, ns: str) -> set[str]:
        return set().union(*(self._known[kind] for kind in _NAMESPACES[ns]))

    def _count_ids(self, ns: str, ids: set[str]) -> None:
        """Update which of ``ids`` the namespace repeats; name the duplicates again if
        any (a rare, broken plan: then the namespace is searched whole)."""
        repeated = self._repeated[ns]
        kinds = _NAMESPACES[ns]
        for item_id in ids:
            if sum(len(self._items[k].get(item_id, ())) for k in kinds) > 1:
                repeated.add(item_id)
            else:
                repeated.discard(item_id)
        if not repeated:
            self._duplicates[ns] = []
            return
        assert self._plan is not None
        if ns == "location":
            entries = location_entries(self._plan)
        else:
            entries = [(ns, item.id) for item in getattr(self._plan, LISTS[ns])]
        self._duplicates[ns] = duplicate_problems(entries)

    def _collect(self) -> None:
        problems: list[Problem] = list(self._plan_problems)
        for ns in _NAMESPACES:
            problems += self._duplicates[ns]
        problems += self._sections["domain"]
        problems += self._sections["rack"]
        problems += self._sections["server"]
        problems += self._overlap_section
        for kind in ("pool", "service", "scenario"):
            problems += self._sections[kind]
        problems += self._cycles
        self._problems = capped(problems)


def _names_pools(needs: dict[str, int] | None, pools: set[str]) -> bool:
    return needs is not None and not pools.isdisjoint(needs)


class PendingChange:
    """The changes made since they were last taken, composed into one (None: the whole
    plan must be validated again).

    For a validator updated on another thread than the edits: the editing thread adds
    each change as it happens and takes the sum when it hands a snapshot over. Past
    ``limit`` entries the sum becomes None: a full validation is then the cheaper.
    """

    def __init__(self, limit: int = 20_000) -> None:
        self._change: Change | None = None  # nothing validated yet: all of it
        self._limit = limit

    def add(self, change: Change | None, _origin: object = None) -> None:
        """Record ``change`` (a slot for ``PlanDocument.changed``; the origin is ignored)."""
        if self._change is None:
            return  # a full validation is pending: it covers this change too
        if change is None:
            self._change = None
            return
        total = self._change.then(change)
        size = len(total.added) + len(total.removed) + len(total.changed)
        self._change = total if size <= self._limit else None

    def take(self) -> Change | None:
        """The changes since the last take (None: validate whole), and start afresh."""
        change, self._change = self._change, Change()
        return change
