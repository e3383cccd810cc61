"""ReplaceItems (an import as one undo step) and the diff a person reads before it."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from planner.interop.diff import plan_diff
from planner.model.edits import EditRefused, ReplaceItems, plan_changes
from planner.model.plan import Rack, Server
from planner.storage import plan_to_json, read_plan

EXAMPLE = Path(__file__).resolve().parent.parent / "resources" / "examples" / "pangyo.json"


def _imported(plan):  # type: ignore[no-untyped-def]
    """The example as a re-import might leave it: a rack moved to another site, a server
    moved, one renamed, one removed, one added."""
    after = copy.deepcopy(plan)
    after.racks[0].site = "anyang"
    after.servers[1].position = 30
    after.servers[2].name = "renamed"
    gone = after.servers.pop(3)
    after.servers.append(Server("new-01", after.racks[1].id, "new-01", 40))
    return after, gone


def test_replace_items_is_one_exact_undo_step() -> None:
    plan = read_plan(EXAMPLE)
    before_json = plan_to_json(plan)
    after, gone = _imported(plan)
    edit = ReplaceItems("Import", {"rack": after.racks, "server": after.servers})
    change = edit.apply(plan)
    assert plan_to_json(plan) == plan_to_json(after)
    assert ("server", "new-01") in change.added and ("server", gone.id) in change.removed
    assert change.changed_fields("rack", after.racks[0].id) == {"site"}
    assert change.changed_fields("server", after.servers[1].id) == {"position"}
    assert change.changed_fields("server", after.servers[2].id) == {"name"}
    assert not change.changed_ids("service")  # kinds not named are untouched
    assert change == plan_changes(read_plan(EXAMPLE), plan)
    undo = edit.revert(plan)
    assert plan_to_json(plan) == before_json
    assert undo.added == change.removed and undo.removed == change.added
    edit.apply(plan)  # redo gives the same state
    assert plan_to_json(plan) == plan_to_json(after)


def test_the_plan_never_shares_an_item_with_the_caller() -> None:
    plan = read_plan(EXAMPLE)
    racks = copy.deepcopy(plan.racks)
    ReplaceItems("Import", {"rack": racks}).apply(plan)
    racks[0].name = "changed by the caller"
    assert plan.racks[0].name != "changed by the caller"


def test_a_list_repeating_an_id_is_refused_and_the_plan_untouched() -> None:
    plan = read_plan(EXAMPLE)
    before = plan_to_json(plan)
    twice = [*plan.racks, Rack(plan.racks[0].id, "pangyo", "again")]
    with pytest.raises(EditRefused, match=f"repeat the id '{plan.racks[0].id}'"):
        ReplaceItems("Import", {"rack": twice}).apply(plan)
    assert plan_to_json(plan) == before


def test_the_diff_names_what_is_added_moved_changed_and_removed() -> None:
    plan = read_plan(EXAMPLE)
    after, gone = _imported(plan)
    diff = plan_diff(plan, after, warnings=("device 'x' (id 7): no position",))
    assert diff.summary() == "1 added, 2 moved, 1 changed, 1 removed, 1 warnings"
    assert [d.id for d in diff.added] == ["new-01"]
    assert [d.id for d in diff.removed] == [gone.id]
    rack = after.racks[0]
    moved = {d.id: d.text for d in diff.moved}
    assert moved[rack.id].endswith(
        "site '판교 / Pangyo (leased colocation, primary)' -> site "
        "'안양 / Anyang (leased, standby)'"
    )
    assert moved[after.servers[1].id].endswith(
        f"U{plan.servers[1].position} -> rack '{after.racks[0].name}' U30"
    )
    assert diff.changed[0].fields == ("name",)
    text = diff.lines()
    assert text[0] == "Added (1):" and "Warnings (1):" in text
    assert json.dumps(text, ensure_ascii=False)  # plain strings


def test_no_change_is_an_empty_diff() -> None:
    plan = read_plan(EXAMPLE)
    diff = plan_diff(plan, copy.deepcopy(plan))
    assert not diff and diff.lines() == [] and not diff.change


def test_a_rack_name_two_sites_share_is_told_by_its_site() -> None:
    from planner.model.plan import Plan, Site

    before = Plan(
        name="closets",
        sites=[Site("a", "Akron"), Site("b", "Albany")],
        racks=[Rack("a.cc", "a", "Comms closet"), Rack("b.cc", "b", "Comms closet")],
        servers=[Server("sw", "a.cc", "sw", 4)],
    )
    after = copy.deepcopy(before)
    after.servers[0].rack, after.servers[0].position = "b.cc", 3
    (moved,) = plan_diff(before, after).moved
    assert (
        moved.text == "server sw: rack 'Comms closet' (Akron) U4 -> rack 'Comms closet' (Albany) U3"
    )
    after.racks[1].name = "Closet 2"
    (moved,) = plan_diff(before, after).moved
    assert moved.text.endswith("-> rack 'Closet 2' U3")  # a name of its own needs no site
