"""What an edit touched: the ids added, removed and changed (with field names), per kind.

Views refresh only what a :class:`Change` names. A change is *net*: when a composite
edit adds an item and later removes it, the item appears in neither set, and an item
removed and then added again (a rename there and back) is reported as changed in
every field, so a view may process ``removed``, then ``added``, then ``changed``
without ever looking up an item that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from planner.model.plan import Domain, Plan, Pool, Rack, Scenario, Server, Service, Site

Item = Site | Domain | Rack | Server | Pool | Service | Scenario

#: Every kind a change may name; "plan" is the plan's own fields (name, notes, extra).
KINDS = ("site", "domain", "rack", "server", "pool", "service", "scenario", "plan")
#: The kinds stored in the plan's lists.
ITEM_KINDS = KINDS[:-1]
#: Sites, failure domains, racks and servers share one id namespace (a scenario may
#: fail any of them).
LOCATION_KINDS = ("site", "domain", "rack", "server")
#: The id under which a change names the plan itself: never a valid item id (ids are
#: non-blank), so it cannot collide with one.
PLAN_ID = ""

CLASSES: dict[str, type[Any]] = {
    "site": Site,
    "domain": Domain,
    "rack": Rack,
    "server": Server,
    "pool": Pool,
    "service": Service,
    "scenario": Scenario,
    "plan": Plan,
}
LISTS = {
    "site": "sites",
    "domain": "domains",
    "rack": "racks",
    "server": "servers",
    "pool": "pools",
    "service": "services",
    "scenario": "scenarios",
}
FIELDS: dict[str, frozenset[str]] = {
    kind: frozenset(f.name for f in fields(cls)) for kind, cls in CLASSES.items()
}

Key = tuple[str, str]


@dataclass(frozen=True)
class Change:
    """The net effect of applying or reverting an edit.

    ``added`` and ``removed`` hold ``(kind, id)`` pairs, ``changed`` holds
    ``(kind, id, field)`` triples. Each ``(kind, id)`` is in at most one of the three.
    Changes compose in time order with :meth:`then`. An empty change is falsy.
    """

    added: frozenset[Key] = frozenset()
    removed: frozenset[Key] = frozenset()
    changed: frozenset[tuple[str, str, str]] = frozenset()

    @classmethod
    def item_added(cls, kind: str, item_id: str) -> Change:
        return cls(added=frozenset({(kind, item_id)}))

    @classmethod
    def item_removed(cls, kind: str, item_id: str) -> Change:
        return cls(removed=frozenset({(kind, item_id)}))

    @classmethod
    def fields_changed(cls, kind: str, item_id: str, names: frozenset[str] | set[str]) -> Change:
        return cls(changed=frozenset((kind, item_id, name) for name in names))

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    @property
    def kinds(self) -> frozenset[str]:
        """Every kind this change touches."""
        touched = {kind for kind, _ in self.added | self.removed}
        return frozenset(touched | {kind for kind, _, _ in self.changed})

    def added_ids(self, kind: str) -> frozenset[str]:
        return frozenset(i for k, i in self.added if k == kind)

    def removed_ids(self, kind: str) -> frozenset[str]:
        return frozenset(i for k, i in self.removed if k == kind)

    def changed_ids(self, kind: str) -> frozenset[str]:
        return frozenset(i for k, i, _ in self.changed if k == kind)

    def changed_fields(self, kind: str, item_id: str) -> frozenset[str]:
        return frozenset(f for k, i, f in self.changed if k == kind and i == item_id)

    def then(self, later: Change) -> Change:
        """This change followed by ``later``, reduced to its net effect.

        Added then removed is nothing; removed then added is changed in every field
        (the object may be a different one); changed fields of an added item are
        dropped because a view builds a new item whole.
        """
        added = set(self.added)
        removed = set(self.removed)
        changed: dict[Key, set[str]] = {}
        for kind, item_id, name in self.changed:
            changed.setdefault((kind, item_id), set()).add(name)
        for key in later.removed:
            if key in added:
                added.discard(key)
            else:
                changed.pop(key, None)
                removed.add(key)
        for key in later.added:
            if key in removed:
                removed.discard(key)
                changed[key] = set(FIELDS[key[0]])
            else:
                added.add(key)
        for kind, item_id, name in later.changed:
            key = (kind, item_id)
            if key not in added and key not in removed:
                changed.setdefault(key, set()).add(name)
        return Change(
            added=frozenset(added),
            removed=frozenset(removed),
            changed=frozenset((k, i, name) for (k, i), names in changed.items() for name in names),
        )
