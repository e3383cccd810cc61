"""How the analysis's results lead back into the plan: the items a finding names, as the
document's selection, and the scenario that shows a finding (one undoable edit)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from planner.gui.document import Selection
from planner.model import new_items
from planner.model.edits import AddItem
from planner.model.plan import Plan

#: Kinds an analysis id can be, in the order they are looked up.
_LOOKUPS = (
    ("site", "site"),
    ("domain", "domain"),
    ("rack", "rack"),
    ("server", "server"),
    ("service", "service"),
    ("pool", "pool"),
    ("scenario", "scenario"),
)


def selection_of(plan: Plan, ids: Sequence[str]) -> Selection:
    """``ids`` (services, components, pools: whatever a finding names) as ``(kind, id)``
    pairs for :meth:`PlanDocument.select`; ids no longer in the plan are left out."""
    chosen: Selection = []
    for item_id in ids:
        for kind, getter in _LOOKUPS:
            if getattr(plan, getter)(item_id) is not None:
                chosen.append((kind, item_id))
                break
    return chosen


@dataclass(frozen=True)
class ScenarioPlan:
    """What "Make scenario" does: push ``edit`` (a new scenario), or, when a scenario
    failing exactly these ids exists already, show ``existing``."""

    edit: AddItem | None
    existing: str | None
    scenario_id: str | None


def scenario_for(
    plan: Plan, failed: Sequence[str], about: str, named: str | None = None
) -> ScenarioPlan:
    """A new scenario failing ``failed`` (those still in the plan), named after them and
    ``about`` (what it shows: "hidden single point"), with nothing returning: as the
    analysis failed them, for good. The scenario ``named`` (the one a finding is about),
    or one failing the same set for good, is reused instead."""
    if named is not None and plan.scenario(named) is not None:
        return ScenarioPlan(None, named, named)
    kept = [i for i in dict.fromkeys(failed) if selection_of(plan, [i])]
    if not kept:
        return ScenarioPlan(None, None, None)
    for scenario in plan.scenarios:
        if set(scenario.failed) == set(kept) and not scenario.returns:
            return ScenarioPlan(None, scenario.id, scenario.id)
    scenario = new_items.new_scenario(plan, kept)
    if about:
        scenario = replace(scenario, name=f"{scenario.name} ({about})")
    return ScenarioPlan(AddItem("scenario", scenario), None, scenario.id)


__all__ = ["ScenarioPlan", "scenario_for", "selection_of"]
