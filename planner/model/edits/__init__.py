"""Undoable edits of a plan, without Qt: the GUI wraps each in a ``QUndoCommand``.

Every change to a plan is an :class:`Edit` with ``apply(plan)`` and ``revert(plan)``,
each returning the :class:`Change` it made so views refresh only that. A user
gesture is one edit (cascades included), built by the functions in
:mod:`planner.model.edits.builders` from the current plan. The GUI never assigns to
model objects itself.

Wrapping rules for the Qt layer: ``redo()`` calls ``apply`` (``QUndoStack.push``
calls ``redo``, so never apply before pushing), ``undo()`` calls ``revert``.
Edits never merge: one gesture (a drag, a committed field) is one edit and one undo step.
"""

from __future__ import annotations

from planner.model.edits.base import Composite, CycleRefused, Edit, EditRefused
from planner.model.edits.builders import (
    add_dependency,
    assign_service,
    copy_items,
    delete_items,
    move_rack_to_site,
    new_id,
    paste_items,
    place_servers,
    remove_dependency,
    unassign_service,
)
from planner.model.edits.change import ITEM_KINDS, KINDS, PLAN_ID, Change, Item
from planner.model.edits.items import (
    MOVABLE_KINDS,
    AddItem,
    MoveItems,
    PlaceServers,
    RemoveItem,
    RenameId,
    Rewrite,
    SetFields,
)
from planner.model.edits.replace import ReplaceItems, plan_changes

__all__ = [
    "ITEM_KINDS",
    "KINDS",
    "MOVABLE_KINDS",
    "PLAN_ID",
    "AddItem",
    "Change",
    "Composite",
    "CycleRefused",
    "Edit",
    "EditRefused",
    "Item",
    "MoveItems",
    "PlaceServers",
    "RemoveItem",
    "RenameId",
    "ReplaceItems",
    "Rewrite",
    "SetFields",
    "add_dependency",
    "assign_service",
    "copy_items",
    "delete_items",
    "move_rack_to_site",
    "new_id",
    "paste_items",
    "place_servers",
    "plan_changes",
    "remove_dependency",
    "unassign_service",
]
