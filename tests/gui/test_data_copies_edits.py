"""The Qt-free builders of the data-copies editor (planner/model/edits/copies.py): each
returns one edit that applies, reverts to the same plan and applies again; nonsense is
refused with a message and leaves the plan alone."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from planner.model.edits import EditRefused
from planner.model.edits import copies as copy_edits
from planner.model.plan import DataCopy
from tests.gui.domain_plans import powered_plan


def round_trip(plan, edit):
    before = copy.deepcopy(plan)
    edit.apply(plan)
    after = copy.deepcopy(plan)
    assert after != before
    edit.revert(plan)
    assert plan == before
    edit.apply(plan)
    assert plan == after


def test_add_copy_names_it_from_its_kind_and_round_trips() -> None:
    plan = powered_plan()
    edit = copy_edits.add_copy(plan, "db", on=["pg", "s1"], kind="primary")
    round_trip(plan, edit)
    assert plan.service("db").data == [DataCopy("primary", ["pg", "s1"], 0, "primary")]
    assert edit.label == "Add primary copy of Database on Pangyo, db-1"
    second = copy_edits.add_copy(plan, "db", on=["an"], kind="primary", lag_minutes=15)
    second.apply(plan)
    assert [c.id for c in plan.service("db").data] == ["primary", "primary-2"]


@pytest.mark.parametrize(
    ("kwargs", "why"),
    [
        ({"on": ["nowhere"]}, "'nowhere' is not a server, rack, site or failure domain"),
        ({"kind": "tape"}, "kind is one of"),
        ({"lag_minutes": -1}, "a lag is between"),
        ({"lag_minutes": float("nan")}, "a lag is between"),
        ({"copy_id": "  "}, "cannot be blank"),
    ],
)
def test_add_copy_refuses_nonsense(kwargs, why) -> None:
    plan = powered_plan()
    with pytest.raises(EditRefused, match=why):
        copy_edits.add_copy(plan, "db", **kwargs)
    assert plan == powered_plan()


def test_each_field_of_a_copy_is_one_edit() -> None:
    plan = powered_plan()
    copy_edits.add_copy(plan, "db", on=["pg"]).apply(plan)
    copy_edits.add_copy(plan, "db", on=["an"], kind="backup").apply(plan)
    round_trip(plan, copy_edits.set_copy_lag(plan, "db", "backup", 1440))
    round_trip(plan, copy_edits.set_copy_kind(plan, "db", "backup", "offline"))
    round_trip(plan, copy_edits.rename_copy(plan, "db", "backup", "tape"))
    round_trip(plan, copy_edits.add_copy_locations(plan, "db", "tape", ["a1", "an", "P1"]))
    assert plan.service("db").data[1] == DataCopy("tape", ["an", "a1", "P1"], 1440, "offline")
    round_trip(plan, copy_edits.set_copy_locations(plan, "db", "tape", ["s3"]))
    assert plan.service("db").data[1].on == ["s3"]
    round_trip(plan, copy_edits.remove_copies(plan, "db", ["primary"]))
    assert [c.id for c in plan.service("db").data] == ["tape"]


def test_refusals_name_the_problem() -> None:
    plan = powered_plan()
    copy_edits.add_copy(plan, "db", on=["pg"]).apply(plan)
    copy_edits.add_copy(plan, "db", on=["an"], kind="replica").apply(plan)
    with pytest.raises(EditRefused, match="already has a copy 'replica'"):
        copy_edits.rename_copy(plan, "db", "primary", "replica")
    with pytest.raises(EditRefused, match="already there"):
        copy_edits.add_copy_locations(plan, "db", "primary", ["pg"])
    with pytest.raises(EditRefused, match="has no data copy 'x'"):
        copy_edits.set_copy_lag(plan, "db", "x", 5)
    with pytest.raises(EditRefused, match="already so"):
        copy_edits.set_copy_kind(plan, "db", "primary", "primary")
    with pytest.raises(EditRefused, match="no service"):
        copy_edits.add_copy(plan, "nope")


def test_location_names_and_ids() -> None:
    plan = powered_plan()
    assert copy_edits.location_name(plan, "s1") == "db-1"
    assert copy_edits.location_name(plan, "P1") == "Power feed 1"
    assert copy_edits.location_name(plan, "zz") == "zz (unknown)"
    assert copy_edits.location_ids(plan)[:3] == ["pg", "an", "P1"]
    assert copy_edits.location_kind(plan, "r1") == "rack"


def test_scenario_untested_flag_and_date_round_trip() -> None:
    plan = powered_plan()
    flag = copy_edits.set_untested_failovers_fail(plan, "fire", True)
    assert flag.label == "Untested failovers fail in Battery room fire"
    round_trip(plan, flag)
    assert plan.scenario("fire").untested_failovers_fail is True
    with pytest.raises(EditRefused):
        copy_edits.set_untested_failovers_fail(plan, "fire", True)
    dated = copy_edits.set_as_of(plan, "fire", date(2022, 10, 15))
    round_trip(plan, dated)
    assert plan.scenario("fire").as_of == date(2022, 10, 15)
    round_trip(plan, copy_edits.set_as_of(plan, "fire", None))
    assert plan.scenario("fire").as_of is None
