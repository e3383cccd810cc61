"""The edit protocol: an object that applies itself to a plan and reverts itself.

Rules every edit follows:

* ``apply`` and ``revert`` alternate, starting with ``apply``; doing either twice in a
  row is a programming error (RuntimeError). This catches the classic undo-stack bug
  of applying an edit and then pushing it, which applies it again.
* ``revert`` is called on the plan exactly as ``apply`` left it (the undo stack
  guarantees this), and restores it exactly: ``==`` on the dataclasses and the same
  JSON bytes. Applying again gives the same state as the first apply.
* ``apply`` is atomic: when it refuses (:class:`EditRefused`), the plan is untouched.
* Both return the :class:`~planner.model.edits.change.Change` they made.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Iterable, Sequence
from typing import Any

from planner.model.edits.change import (
    CLASSES,
    ITEM_KINDS,
    KINDS,
    LISTS,
    LOCATION_KINDS,
    Change,
    Item,
)
from planner.model.plan import Plan


class EditRefused(ValueError):
    """The edit cannot be made to this plan; the message says why, for the user."""


class CycleRefused(EditRefused):
    """A new dependency would close a cycle; ``cycle`` is it, e.g. ``("a", "b", "a")``."""

    def __init__(self, message: str, cycle: Sequence[str]) -> None:
        super().__init__(message)
        self.cycle = tuple(cycle)


class Edit(ABC):
    """One undoable change to a plan, with a label for the Undo menu.

    Subclasses implement :meth:`_apply` and :meth:`_revert`; the public methods keep
    the apply/revert alternation.
    """

    label: str

    def __init__(self, label: str) -> None:
        self.label = label
        self._applied = False

    @property
    def applied(self) -> bool:
        """True between :meth:`apply` and :meth:`revert`."""
        return self._applied

    def apply(self, plan: Plan) -> Change:
        if self._applied:
            raise RuntimeError(f"edit {self.label!r} is already applied")
        change = self._apply(plan)
        self._applied = True
        return change

    def revert(self, plan: Plan) -> Change:
        if not self._applied:
            raise RuntimeError(f"edit {self.label!r} is not applied")
        change = self._revert(plan)
        self._applied = False
        return change

    @abstractmethod
    def _apply(self, plan: Plan) -> Change: ...

    @abstractmethod
    def _revert(self, plan: Plan) -> Change: ...

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.label!r}>"


class Composite(Edit):
    """Several edits as one undo step: applied in order, reverted in reverse order.

    If a child refuses, the children already applied are reverted before the error
    propagates, so the composite is atomic like every other edit.
    """

    def __init__(self, label: str, edits: Iterable[Edit]) -> None:
        super().__init__(label)
        self.edits: tuple[Edit, ...] = tuple(edits)

    def _apply(self, plan: Plan) -> Change:
        change = Change()
        done: list[Edit] = []
        try:
            for edit in self.edits:
                change = change.then(edit.apply(plan))
                done.append(edit)
        except Exception:
            for edit in reversed(done):
                edit.revert(plan)
            raise
        return change

    def _revert(self, plan: Plan) -> Change:
        change = Change()
        for edit in reversed(self.edits):
            change = change.then(edit.revert(plan))
        return change


# Helpers shared by the edits and the builders.


def check_kind(kind: str, *, allow_plan: bool = False) -> None:
    """Raise ValueError unless ``kind`` names an item kind (or "plan" when allowed)."""
    allowed = KINDS if allow_plan else ITEM_KINDS
    if kind not in allowed:
        raise ValueError(f"unknown kind {kind!r} (expected one of {', '.join(allowed)})")


def items_of(plan: Plan, kind: str) -> list[Any]:
    """The plan's list holding items of ``kind`` (the list itself, not a copy)."""
    items: list[Any] = getattr(plan, LISTS[kind])
    return items


def index_of(plan: Plan, kind: str, item_id: str) -> int | None:
    """Index of the first item of ``kind`` with ``item_id``, like ``Plan.site()`` finds."""
    for index, item in enumerate(items_of(plan, kind)):
        if item.id == item_id:
            return index
    return None


def require_index(plan: Plan, kind: str, item_id: str) -> int:
    """Like :func:`index_of`, but refuses an id the plan does not have."""
    index = index_of(plan, kind, item_id)
    if index is None:
        raise EditRefused(f"there is no {kind} '{item_id}'")
    return index


def require_item(plan: Plan, kind: str, item_id: str) -> Any:
    return items_of(plan, kind)[require_index(plan, kind, item_id)]


def target(plan: Plan, kind: str, index: int) -> Any:
    """The object an index-based write addresses: the plan itself for kind "plan"."""
    return plan if kind == "plan" else items_of(plan, kind)[index]


def namespace_kinds(kind: str) -> tuple[str, ...]:
    """The kinds whose ids must differ from ids of ``kind``."""
    return LOCATION_KINDS if kind in LOCATION_KINDS else (kind,)


def namespace_ids(plan: Plan, kind: str) -> list[str]:
    """Every id in the namespace of ``kind`` (with repeats, if the plan repeats ids)."""
    return [item.id for k in namespace_kinds(kind) for item in items_of(plan, k)]


def kind_of(item: Item) -> str:
    """The kind of a model object; TypeError for anything else."""
    for kind in ITEM_KINDS:
        if type(item) is CLASSES[kind]:
            return kind
    raise TypeError(f"not a plan item: {item!r}")


def describe(plan: Plan, kind: str, item_id: str) -> str:
    """``kind name`` for labels, e.g. "site Pangyo"; falls back to the id."""
    if kind == "plan":
        return "plan"
    index = index_of(plan, kind, item_id)
    name = items_of(plan, kind)[index].name if index is not None else ""
    return f"{kind} {name.strip() or item_id}"


def check_new_id(plan: Plan, kind: str, item_id: Any) -> None:
    """Refuse an id that is blank or already used in its namespace."""
    if not isinstance(item_id, str) or not item_id.strip():
        raise EditRefused(f"an id must be non-empty text, got {item_id!r}")
    if item_id in namespace_ids(plan, kind):
        raise EditRefused(f"the id '{item_id}' is already used")


def dependency_path(plan: Plan, start: str, goal: str) -> list[str] | None:
    """Shortest chain of depends_on links from ``start`` to ``goal`` (both included)."""
    links: dict[str, list[str]] = {}
    for service in plan.services:
        links.setdefault(service.id, []).extend(service.depends_on)
    came_from: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        if current == goal:
            path = [current]
            while (previous := came_from[path[-1]]) is not None:
                path.append(previous)
            return path[::-1]
        for nxt in links.get(current, []):
            if nxt not in came_from:
                came_from[nxt] = current
                queue.append(nxt)
    return None


def refuse_cycle(plan: Plan, service_id: str, new_dependencies: Iterable[str]) -> None:
    """The one dependency rule for every edit: refuse a dependency that closes a cycle.

    ``plan`` is as the edit would leave it; ``new_dependencies`` are the links from
    ``service_id`` the edit adds. The first one that leads back to the service is
    refused with :class:`CycleRefused`, naming the cycle (``a -> b -> a``). Only added
    links are checked, so removing a link is never refused.
    """
    for dependency in dict.fromkeys(new_dependencies):
        path = dependency_path(plan, dependency, service_id)
        if path is not None:
            cycle = [service_id, *path]
            raise CycleRefused(
                f"'{service_id}' cannot depend on '{dependency}': that would make the "
                f"dependency cycle {' -> '.join(cycle)}",
                cycle,
            )
