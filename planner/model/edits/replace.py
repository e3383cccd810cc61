"""Replace whole item lists in one undoable edit: what an import applies.

An import (a NetBox inventory, a services spreadsheet) computes the plan it wants from
the plan it was given, keeping every field the user added, and hands the new lists
here. The edit swaps them in and reports the net :class:`Change` item by item (added,
removed, and changed with field names), matched by id, so views refresh only what
changed and the whole import is one undo step.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import fields

from planner.model.edits.base import Edit, EditRefused, check_kind
from planner.model.edits.change import ITEM_KINDS, LISTS, PLAN_ID, Change, Item
from planner.model.plan import Plan


def list_changes(kind: str, before: Sequence[Item], after: Sequence[Item]) -> Change:
    """The net change from ``before`` to ``after``, two lists of one kind, by id."""
    old = {item.id: item for item in before}
    new = {item.id: item for item in after}
    changed: set[tuple[str, str, str]] = set()
    for item_id in old.keys() & new.keys():
        a, b = old[item_id], new[item_id]
        if a != b:
            changed.update(
                (kind, item_id, f.name)
                for f in fields(a)
                if getattr(a, f.name) != getattr(b, f.name)
            )
    return Change(
        added=frozenset((kind, i) for i in new.keys() - old.keys()),
        removed=frozenset((kind, i) for i in old.keys() - new.keys()),
        changed=frozenset(changed),
    )


def plan_changes(before: Plan, after: Plan) -> Change:
    """The net change from plan ``before`` to plan ``after``: items by id, and the
    plan's own fields under :data:`PLAN_ID`."""
    change = Change()
    for kind in ITEM_KINDS:
        change = change.then(
            list_changes(kind, getattr(before, LISTS[kind]), getattr(after, LISTS[kind]))
        )
    own = {
        f.name
        for f in fields(before)
        if f.name not in LISTS.values() and getattr(before, f.name) != getattr(after, f.name)
    }
    return change.then(Change.fields_changed("plan", PLAN_ID, own)) if own else change


class ReplaceItems(Edit):
    """Put ``new_lists`` (kind -> the complete new list of that kind) into the plan.

    The lists are deep-copied, so the plan never shares an item with the caller.
    Refuses a list that repeats an id (an import must have settled its keys), leaving
    the plan untouched. Kinds not named keep their lists.
    """

    def __init__(self, label: str, new_lists: Mapping[str, Sequence[Item]]) -> None:
        for kind in new_lists:
            check_kind(kind)
        super().__init__(label)
        self.new_lists: dict[str, list[Item]] = {
            kind: copy.deepcopy(list(items)) for kind, items in new_lists.items()
        }
        self._old: dict[str, list[Item]] = {}

    def _apply(self, plan: Plan) -> Change:
        for kind, items in self.new_lists.items():
            seen: set[str] = set()
            for item in items:
                if item.id in seen:
                    raise EditRefused(f"the new {LISTS[kind]} repeat the id '{item.id}'")
                seen.add(item.id)
        self._old = {kind: getattr(plan, LISTS[kind]) for kind in self.new_lists}
        return self._swap(plan, self._old, copy.deepcopy(self.new_lists))

    def _revert(self, plan: Plan) -> Change:
        current = {kind: getattr(plan, LISTS[kind]) for kind in self._old}
        return self._swap(plan, current, self._old)

    @staticmethod
    def _swap(
        plan: Plan, before: Mapping[str, list[Item]], after: Mapping[str, list[Item]]
    ) -> Change:
        change = Change()
        for kind in ITEM_KINDS:
            if kind in after:
                change = change.then(list_changes(kind, before[kind], after[kind]))
                setattr(plan, LISTS[kind], after[kind])
        return change
