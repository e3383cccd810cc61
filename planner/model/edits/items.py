"""The primitive edits: add, remove, set fields, move, place servers, rename an id.

Primitives do not cascade: removing a rack with :class:`RemoveItem` leaves its servers
pointing at a rack that is gone. User gestures go through the builders in
:mod:`planner.model.edits.builders`, which compose primitives into one edit.

Items are found by id (the first match, like ``Plan.site()``); what an edit must put
back on revert it addresses by list index, which the undo stack's discipline (revert
sees the plan exactly as apply left it) makes exact even when a broken plan repeats
an id. Values handed to an edit are deep-copied, so the model never shares a list or
dict with the caller, and every apply writes a fresh copy.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, cast

from planner.model.edits.base import (
    Edit,
    EditRefused,
    check_kind,
    check_new_id,
    items_of,
    kind_of,
    namespace_ids,
    refuse_cycle,
    require_index,
    target,
)
from planner.model.edits.change import CLASSES, FIELDS, LOCATION_KINDS, PLAN_ID, Change, Item
from planner.model.plan import DataCopy, Number, Plan, Rack, Server, Service

# (kind, index, field, value): one attribute write, index -1 for the plan itself.
_Write = tuple[str, int, str, Any]

#: The kinds drawn on a canvas with an ``x, y`` position.
MOVABLE_KINDS = ("site", "rack", "service")


def _write_all(plan: Plan, writes: list[_Write]) -> list[_Write]:
    """Perform ``writes`` in order; return the writes that undo them, in undo order."""
    undo: list[_Write] = []
    for kind, index, name, value in writes:
        obj = target(plan, kind, index)
        undo.append((kind, index, name, getattr(obj, name)))
        setattr(obj, name, value)
    undo.reverse()
    return undo


def _changed(plan: Plan, writes: list[_Write]) -> Change:
    """The fields ``writes`` touched, named by the ids the items have now."""
    triples = set()
    for kind, index, name, _ in writes:
        item_id = PLAN_ID if kind == "plan" else items_of(plan, kind)[index].id
        triples.add((kind, item_id, name))
    return Change(changed=frozenset(triples))


def _referenced(plan: Plan, service_id: str) -> bool:
    """Whether some service's depends_on names ``service_id``."""
    return any(service_id in service.depends_on for service in plan.services)


def _refuse_new_cycles(plan: Plan, undo: list[_Write]) -> None:
    """After field writes: refuse (CycleRefused) depends_on links that close a cycle.

    ``undo`` holds the old values, so only the links the writes added are checked.
    """
    for kind, index, name, old in undo:
        if kind == "service" and name == "depends_on":
            service = plan.services[index]
            added = [d for d in service.depends_on if d not in old]
            refuse_cycle(plan, service.id, added)


def _check_at(plan: Plan, kind: str, index: int, item_id: str) -> None:
    """Guard revert against a plan that is not the one apply left (a stack bug)."""
    items = items_of(plan, kind)
    if not (0 <= index < len(items) and items[index].id == item_id):
        raise RuntimeError(f"cannot revert: {kind} '{item_id}' is not where the edit left it")


class AddItem(Edit):
    """Insert a copy of ``item`` at ``index`` (None appends); revert removes it.

    Refuses an id that is blank or already used in its namespace (sites, racks and
    servers share one), so edits never create a duplicate id.
    """

    def __init__(
        self, kind: str, item: Item, index: int | None = None, label: str | None = None
    ) -> None:
        check_kind(kind)
        if kind_of(item) != kind:
            raise TypeError(f"AddItem({kind!r}) needs a {CLASSES[kind].__name__}, got {item!r}")
        super().__init__(label or f"Add {kind} {item.name.strip() or item.id}")
        self.kind = kind
        self.item: Item = copy.deepcopy(item)
        self.index = index
        self._at = -1

    def _apply(self, plan: Plan) -> Change:
        items = items_of(plan, self.kind)
        index = len(items) if self.index is None else self.index
        if not 0 <= index <= len(items):
            raise EditRefused(f"cannot insert {self.kind} at {index}: there are {len(items)}")
        check_new_id(plan, self.kind, self.item.id)
        items.insert(index, copy.deepcopy(self.item))
        if self.kind == "service" and _referenced(plan, self.item.id):
            # kind "service" holds a Service (checked when the edit was made).
            service = cast(Service, self.item)
            try:  # links to the id that dangled now resolve to the new service
                refuse_cycle(plan, service.id, service.depends_on)
            except EditRefused:
                del items[index]
                raise
        self._at = index
        return Change.item_added(self.kind, self.item.id)

    def _revert(self, plan: Plan) -> Change:
        _check_at(plan, self.kind, self._at, self.item.id)
        del items_of(plan, self.kind)[self._at]
        return Change.item_removed(self.kind, self.item.id)


class RemoveItem(Edit):
    """Remove the item of ``kind`` with ``item_id``; revert puts the same object back
    at the same index. Nothing that refers to it is touched (see ``delete_items``).

    ``index``, when given, says which entry to remove and must hold that id: builders
    pass it so that a broken plan repeating an id loses the item they meant.
    """

    def __init__(
        self, kind: str, item_id: str, label: str | None = None, *, index: int | None = None
    ) -> None:
        check_kind(kind)
        super().__init__(label or f"Delete {kind} {item_id}")
        self.kind = kind
        self.item_id = item_id
        self.index = index
        self._removed: tuple[int, Any] | None = None

    def _apply(self, plan: Plan) -> Change:
        if self.index is None:
            index = require_index(plan, self.kind, self.item_id)
        else:
            index = self.index
            items = items_of(plan, self.kind)
            if not (0 <= index < len(items) and items[index].id == self.item_id):
                raise EditRefused(f"there is no {self.kind} '{self.item_id}' at {index}")
        self._removed = (index, items_of(plan, self.kind).pop(index))
        return Change.item_removed(self.kind, self.item_id)

    def _revert(self, plan: Plan) -> Change:
        assert self._removed is not None
        index, item = self._removed
        items_of(plan, self.kind).insert(index, item)
        self._removed = None  # the model owns the object again
        return Change.item_added(self.kind, self.item_id)


class _FieldEdit(Edit):
    """Set fields of items found by id: ``{item_id: {field: value}}``, all or nothing."""

    def __init__(self, label: str, kind: str, values: Mapping[str, Mapping[str, Any]]) -> None:
        check_kind(kind, allow_plan=True)
        for item_id, fields in values.items():
            if kind == "plan" and item_id != PLAN_ID:
                raise ValueError(f"the plan's id is PLAN_ID ({PLAN_ID!r}), not {item_id!r}")
            if not fields:
                raise ValueError(f"no fields to set for {kind} '{item_id}'")
            unknown = sorted(set(fields) - FIELDS[kind])
            if unknown:
                raise ValueError(f"a {kind} has no field {', '.join(map(repr, unknown))}")
            if "id" in fields:
                # Changing an id must rewrite the references to it: that is RenameId.
                raise ValueError("use RenameId to change an id")
        super().__init__(label)
        self.kind = kind
        self.values: dict[str, dict[str, Any]] = copy.deepcopy(
            {k: dict(v) for k, v in values.items()}
        )
        self._undo: list[_Write] = []
        self._where: list[tuple[int, str]] = []

    def _check(self, plan: Plan) -> None:
        """Refuse before anything is written; subclasses add their own rules."""

    def _apply(self, plan: Plan) -> Change:
        writes: list[_Write] = []
        where: list[tuple[int, str]] = []
        for item_id, fields in self.values.items():
            index = -1 if self.kind == "plan" else require_index(plan, self.kind, item_id)
            where.append((index, item_id))
            writes += [(self.kind, index, n, copy.deepcopy(v)) for n, v in fields.items()]
        self._check(plan)
        undo = _write_all(plan, writes)
        try:
            _refuse_new_cycles(plan, undo)
        except EditRefused:
            _write_all(plan, undo)  # apply is atomic: nothing of a refused edit stays
            raise
        self._undo = undo
        self._where = where
        return _changed(plan, writes)

    def _revert(self, plan: Plan) -> Change:
        if self.kind != "plan":
            for index, item_id in self._where:
                _check_at(plan, self.kind, index, item_id)
        _write_all(plan, self._undo)
        return _changed(plan, self._undo)


class SetFields(_FieldEdit):
    """Set named fields of one item (``kind="plan"``, ``item_id=PLAN_ID`` for the plan).

    Field names are checked against the dataclass; ``id`` is refused (use
    :class:`RenameId`).
    """

    def __init__(
        self, kind: str, item_id: str, /, *, label: str | None = None, **new_values: Any
    ) -> None:
        names = ", ".join(new_values)
        where = "plan" if kind == "plan" else f"{kind} {item_id}"
        super().__init__(label or f"Set {names} of {where}", kind, {item_id: new_values})
        self.item_id = item_id

    @property
    def new_values(self) -> dict[str, Any]:
        return self.values[self.item_id]


class MoveItems(_FieldEdit):
    """Move several sites, racks or services on the canvas: ``{id: (x, y)}``.

    Built once on mouse release, so a drag is one undo step; it never merges.
    """

    def __init__(
        self,
        kind: str,
        positions: Mapping[str, tuple[Number | None, Number | None]],
        label: str | None = None,
    ) -> None:
        if kind not in MOVABLE_KINDS:
            raise ValueError(f"a {kind} has no position to move (movable: {MOVABLE_KINDS})")
        if not positions:
            raise ValueError("nothing to move")
        only = next(iter(positions)) if len(positions) == 1 else None
        default = f"Move {kind} {only}" if only is not None else f"Move {len(positions)} {kind}s"
        values = {item_id: {"x": x, "y": y} for item_id, (x, y) in positions.items()}
        super().__init__(label or default, kind, values)


class PlaceServers(_FieldEdit):
    """Put servers into racks at unit positions: ``{server_id: (rack_id, position)}``.

    Refuses a rack the plan does not have. Overlaps and units outside the rack are
    left to validation, which names them; ``place_servers`` refuses them up front.
    """

    def __init__(self, placements: Mapping[str, tuple[str, int]], label: str | None = None) -> None:
        if not placements:
            raise ValueError("no servers to place")
        only = next(iter(placements)) if len(placements) == 1 else None
        default = f"Move server {only}" if only is not None else f"Move {len(placements)} servers"
        values = {sid: {"rack": rack, "position": pos} for sid, (rack, pos) in placements.items()}
        super().__init__(label or default, "server", values)

    def _check(self, plan: Plan) -> None:
        for fields in self.values.values():
            require_index(plan, "rack", fields["rack"])


class Rewrite(Edit):
    """Write fields of items addressed by list index: ``[(kind, index, field, value)]``.

    For builders that computed the new values from the plan they were given (delete
    cleans references this way, so a plan repeating an id is still cleaned item by
    item). Refuses an index out of range; values are deep-copied.
    """

    def __init__(self, label: str, writes: list[tuple[str, int, str, Any]]) -> None:
        for kind, _, name, _ in writes:
            check_kind(kind, allow_plan=True)
            if name not in FIELDS[kind] or name == "id":
                raise ValueError(f"cannot rewrite field {name!r} of a {kind}")
        super().__init__(label)
        self.writes: list[_Write] = copy.deepcopy(list(writes))
        self._undo: list[_Write] = []
        self._where: list[tuple[str, int, str]] = []

    def _apply(self, plan: Plan) -> Change:
        where: list[tuple[str, int, str]] = []
        for kind, index, _, _ in self.writes:
            if kind != "plan":
                items = items_of(plan, kind)
                if not 0 <= index < len(items):
                    raise EditRefused(f"there is no {kind} at {index}")
                where.append((kind, index, items[index].id))
        undo = _write_all(plan, copy.deepcopy(self.writes))
        try:
            _refuse_new_cycles(plan, undo)
        except EditRefused:
            _write_all(plan, undo)
            raise
        self._undo = undo
        self._where = where
        return _changed(plan, self.writes)

    def _revert(self, plan: Plan) -> Change:
        for kind, index, item_id in self._where:
            _check_at(plan, kind, index, item_id)
        _write_all(plan, self._undo)
        return _changed(plan, self._undo)


def _references(plan: Plan, kind: str, old: str, new: str) -> list[_Write]:
    """The writes that make every reference to ``old`` (of ``kind``) say ``new``."""

    def swap(ids: list[str]) -> list[str]:
        return [new if ref == old else ref for ref in ids]

    def rekey(mapping: dict[str, Any], what: str) -> dict[str, Any]:
        if new in mapping:
            raise EditRefused(
                f"{what} already names '{new}' (which does not exist); rename would merge "
                "the two entries"
            )
        return {new if key == old else key: value for key, value in mapping.items()}

    writes: list[_Write] = []
    if kind == "site":
        writes += [("rack", i, "site", new) for i, r in enumerate(plan.racks) if r.site == old]
        writes += [("domain", i, "site", new) for i, d in enumerate(plan.domains) if d.site == old]
    elif kind == "domain":
        members: list[tuple[str, Sequence[Rack | Server]]] = [
            ("rack", plan.racks),
            ("server", plan.servers),
        ]
        for list_kind, items in members:
            writes += [
                (list_kind, i, "domains", swap(item.domains))
                for i, item in enumerate(items)
                if old in item.domains
            ]
    elif kind == "rack":
        writes += [("server", i, "rack", new) for i, s in enumerate(plan.servers) if s.rack == old]
    for i, service in enumerate(plan.services):
        if kind == "server":
            if old in service.servers:
                writes.append(("service", i, "servers", swap(service.servers)))
            if old in service.standby_servers:
                writes.append(("service", i, "standby_servers", swap(service.standby_servers)))
        elif kind == "service" and old in service.depends_on:
            writes.append(("service", i, "depends_on", swap(service.depends_on)))
        elif kind == "pool":
            for name in ("needs", "failover_needs", "restart_needs"):
                needs = getattr(service, name)
                if needs is not None and old in needs:
                    what = f"service '{service.id}' ({name.replace('_', ' ')})"
                    writes.append(("service", i, name, rekey(needs, what)))
        if kind in LOCATION_KINDS and any(old in c.on for c in service.data):
            writes.append(("service", i, "data", copies_on(service.data, swap)))
    if kind in LOCATION_KINDS:
        for i, scenario in enumerate(plan.scenarios):
            if old in scenario.failed:
                writes.append(("scenario", i, "failed", swap(scenario.failed)))
            if old in scenario.returns:
                what = f"scenario '{scenario.id}' (returns)"
                writes.append(("scenario", i, "returns", rekey(scenario.returns, what)))
    return writes


def copies_on(
    copies: Sequence[DataCopy], locations: Callable[[list[str]], list[str]]
) -> list[DataCopy]:
    """New copies (never the old ones changed: an undo puts those back as they were),
    each on ``locations(its on)``, the rest of each copy as it was."""
    return [replace(c, on=locations(list(c.on))) for c in copies]


class RenameId(Edit):
    """Give an item a new id and rewrite every reference to it, as one edit.

    References: a rack's and a domain's site, a rack's and a server's domains, a
    server's rack, a service's servers, standby servers, depends_on and the pool keys
    of its needs, failover needs and restart needs, the locations (``on``) of its data
    copies, a scenario's failed list and the keys of its returns (order kept). Refuses a blank
    or taken new id. When a broken plan uses ``old`` for several items of the
    namespace, only the first item is renamed and references are left alone: they
    still resolve to the others, and this is how the user fixes the duplicate.
    """

    def __init__(self, kind: str, old: str, new: str, label: str | None = None) -> None:
        check_kind(kind)
        super().__init__(label or f"Rename {kind} {old} to {new}")
        self.kind = kind
        self.old = old
        self.new = new
        self._index = -1
        self._undo: list[_Write] = []

    def _apply(self, plan: Plan) -> Change:
        index = require_index(plan, self.kind, self.old)
        if self.new == self.old:
            raise EditRefused(f"the {self.kind} is already called '{self.old}'")
        check_new_id(plan, self.kind, self.new)
        unique = namespace_ids(plan, self.kind).count(self.old) == 1
        writes = _references(plan, self.kind, self.old, self.new) if unique else []
        writes.append((self.kind, index, "id", self.new))
        dangling = self.kind == "service" and _referenced(plan, self.new)
        undo = _write_all(plan, writes)
        if dangling:
            try:  # links to the new id that dangled now resolve to this service
                refuse_cycle(plan, self.new, plan.services[index].depends_on)
            except EditRefused:
                _write_all(plan, undo)
                raise
        self._index = index
        self._undo = undo
        renamed = Change(
            added=frozenset({(self.kind, self.new)}), removed=frozenset({(self.kind, self.old)})
        )
        return renamed.then(_changed(plan, writes[:-1]))

    def _revert(self, plan: Plan) -> Change:
        _check_at(plan, self.kind, self._index, self.new)
        _write_all(plan, self._undo)
        renamed = Change(
            added=frozenset({(self.kind, self.old)}), removed=frozenset({(self.kind, self.new)})
        )
        return renamed.then(_changed(plan, self._undo[1:]))  # [0] is the id
