"""What a delete takes with it, in one line for the user (the window's status bar).

``delete_items`` builds a :class:`Deletion`: the cascade as one undo step plus a
summary computed from the plan before it is applied (which services lose servers or
dependencies cannot be told afterwards without the old values).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from planner.model.edits.base import Composite, Edit, items_of, require_index
from planner.model.plan import Plan


def _plural(kind: str, count: int) -> str:
    return f"{count} {kind}s" if count != 1 else f"1 {kind}"


class Deletion(Composite):
    """A delete with its cascades; ``summary`` says in one line what went with it and
    which services lost servers or dependencies (the window shows it in the status bar)."""

    def __init__(self, label: str, edits: Iterable[Edit], summary: str) -> None:
        super().__init__(label, edits)
        self.summary = summary


_SUMMARY_NAMES_MAX = 4  # names listed in a one-line summary before "and N more"


def _names(plan: Plan, kind: str, indices: Iterable[int]) -> str:
    items = items_of(plan, kind)
    names = [items[i].name.strip() or items[i].id for i in sorted(indices)]
    more = len(names) - _SUMMARY_NAMES_MAX
    shown = ", ".join(names[:_SUMMARY_NAMES_MAX])
    return f"{shown} and {more} more" if more > 0 else shown


def deletion_summary(
    plan: Plan,
    what: str,
    requested: Sequence[tuple[str, str]],
    doomed: Mapping[str, set[int]],
    writes: Sequence[tuple[str, int, str, Any]],
) -> str:
    """ "Deleted rack R1 with 9 servers; services db, web lost servers (db now on no
    server); data copies of db lost locations (db tape now on no location)"; names are
    capped, so the line stays one line on a 32,000-server plan."""
    asked = {
        kind: {require_index(plan, kind, i) for k, i in requested if k == kind} for kind in doomed
    }
    along = [
        _plural(kind, len(doomed[kind] - asked[kind]))
        for kind in ("domain", "rack", "server")
        if doomed[kind] - asked[kind]
    ]
    text = what  # "Deleted rack R1", "Deleted 3 servers"
    if along:
        text += " with " + " and ".join(along)
    after = {(i, name): value for kind, i, name, value in writes if kind == "service"}
    lost_servers = {i for i, name in after if name in ("servers", "standby_servers")}
    stranded = {
        i
        for i in lost_servers
        if not after.get((i, "servers"), plan.services[i].servers)
        and not after.get((i, "standby_servers"), plan.services[i].standby_servers)
    }
    lost_deps = {i for i, name in after if name == "depends_on"}
    lost_copies = {i for i, name in after if name == "data"}
    nowhere = [(i, c.id) for i in sorted(lost_copies) for c in after[(i, "data")] if not c.on]
    if lost_servers:
        noun = "service" if len(lost_servers) == 1 else "services"
        text += f"; {noun} {_names(plan, 'service', lost_servers)} lost servers"
        if stranded:
            text += f" ({_names(plan, 'service', stranded)} now on no server)"
    if lost_deps:
        text += f"; {_names(plan, 'service', lost_deps)} lost a dependency"
    if lost_copies:
        text += f"; data copies of {_names(plan, 'service', lost_copies)} lost locations"
        if nowhere:
            shown = [f"{_names(plan, 'service', [i])} {copy_id}" for i, copy_id in nowhere]
            more = len(shown) - _SUMMARY_NAMES_MAX
            listed = ", ".join(shown[:_SUMMARY_NAMES_MAX]) + (
                f" and {more} more" if more > 0 else ""
            )
            text += f" ({listed} now on no location)"
    return text
