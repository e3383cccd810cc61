"""What an import would change, for a person to read before it is applied.

:func:`plan_diff` compares the plan before and after an import, item by item (by id),
and says what is added, removed, moved (a rack to another site, a server to another
rack or unit) or otherwise changed, with the names a person knows. The CLI prints
:meth:`PlanDiff.lines` for ``--dry-run``; the GUI shows the same lists in its dialog.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from planner.model.edits import plan_changes
from planner.model.edits.change import ITEM_KINDS, LISTS, Change
from planner.model.plan import Plan

# The fields whose change is a move: where the item is, not what it is.
MOVE_FIELDS: dict[str, frozenset[str]] = {
    "rack": frozenset({"site"}),
    "server": frozenset({"rack", "position"}),
}


@dataclass(frozen=True)
class DiffItem:
    """One item of the diff: its kind, id, and the line a person reads."""

    kind: str
    id: str
    text: str
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanDiff:
    """An import's changes, by what happens to each item, in the plan's order."""

    added: tuple[DiffItem, ...] = ()
    moved: tuple[DiffItem, ...] = ()
    changed: tuple[DiffItem, ...] = ()
    removed: tuple[DiffItem, ...] = ()
    warnings: tuple[str, ...] = ()
    change: Change = field(default_factory=Change)

    def __bool__(self) -> bool:
        return bool(self.added or self.moved or self.changed or self.removed)

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "moved": len(self.moved),
            "changed": len(self.changed),
            "removed": len(self.removed),
            "warnings": len(self.warnings),
        }

    def summary(self) -> str:
        """One line: "12 added, 3 moved, 0 changed, 1 removed, 2 warnings"."""
        return ", ".join(f"{n} {what}" for what, n in self.counts().items())

    def lines(self, warnings: bool = True) -> list[str]:
        """The whole diff as text: a heading per non-empty list, an item per line."""
        out: list[str] = []
        for heading, entries in (
            ("Added", self.added),
            ("Moved", self.moved),
            ("Changed", self.changed),
            ("Removed", self.removed),
        ):
            if entries:
                out.append(f"{heading} ({len(entries)}):")
                out.extend(f"  {e.text}" for e in entries)
        if warnings and self.warnings:
            out.append(f"Warnings ({len(self.warnings)}):")
            out.extend(f"  {w}" for w in self.warnings)
        return out


def describe(kind: str, item: Any) -> str:
    """``rack 'Comms closet' (dm-akron-comms)``: a kind, a name and the id."""
    name = getattr(item, "name", "") or ""
    return f"{kind} '{name}' ({item.id})" if name and name != item.id else f"{kind} {item.id}"


class _Places:
    """Where a rack or server is, by name: the lookups built once per plan."""

    def __init__(self, plan: Plan) -> None:
        self.sites = {s.id: s.name for s in plan.sites}
        named = Counter(r.name for r in plan.racks)
        # A rack name many racks share (NetBox's "Comms closet") is told apart by its site.
        self.racks = {
            r.id: f"'{r.name}'"
            + (f" ({self.sites.get(r.site, r.site)})" if named[r.name] > 1 else "")
            for r in plan.racks
        }

    def __call__(self, kind: str, item: Any) -> str:
        if kind == "rack":
            return f"site '{self.sites.get(item.site, item.site)}'"
        if kind == "server":
            rack = self.racks.get(item.rack) or f"'{item.rack}'"
            return f"rack {rack} U{item.position}"
        return ""


def plan_diff(before: Plan, after: Plan, warnings: tuple[str, ...] = ()) -> PlanDiff:
    """What turning ``before`` into ``after`` changes, item by item."""
    change = plan_changes(before, after)
    was, now = _Places(before), _Places(after)
    added: list[DiffItem] = []
    moved: list[DiffItem] = []
    changed: list[DiffItem] = []
    removed: list[DiffItem] = []
    for kind in ITEM_KINDS:
        old = {item.id: item for item in getattr(before, LISTS[kind])}
        for item in getattr(after, LISTS[kind]):
            if (kind, item.id) in change.added:
                where = now(kind, item)
                text = f"{describe(kind, item)} in {where}" if where else describe(kind, item)
                added.append(DiffItem(kind, item.id, text))
            elif names := change.changed_fields(kind, item.id):
                ordered = tuple(n for n in type(item).__dataclass_fields__ if n in names)
                moves = MOVE_FIELDS.get(kind, frozenset())
                if names & moves:
                    text = f"{describe(kind, item)}: {was(kind, old[item.id])} -> {now(kind, item)}"
                    moved.append(DiffItem(kind, item.id, text, ordered))
                if rest := tuple(n for n in ordered if n not in moves):
                    text = f"{describe(kind, item)}: {', '.join(rest)}"
                    changed.append(DiffItem(kind, item.id, text, rest))
        for item_id, item in old.items():
            if (kind, item_id) in change.removed:
                removed.append(DiffItem(kind, item_id, describe(kind, item)))
    return PlanDiff(
        tuple(added), tuple(moved), tuple(changed), tuple(removed), tuple(warnings), change
    )
