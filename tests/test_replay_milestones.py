"""The 2022 replay: scenario pangyo-fire of the bundled example lands within 25 % of every
public milestone in resources/examples/pangyo-2022-milestones.json, and the plan after
the fixes brings every tier 0-1 service back within an hour of the same event."""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from planner.engine.recovery import RecoveryResult, compute
from planner.model.plan import Plan
from planner.storage import load_plan

EXAMPLES = Path(__file__).resolve().parent.parent / "resources" / "examples"


def _load_script() -> ModuleType:
    path = EXAMPLES / "milestones_table.py"
    spec = importlib.util.spec_from_file_location("milestones_table", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("milestones_table", module)
    spec.loader.exec_module(module)
    return module


TABLE = _load_script()
MILESTONES: dict[str, dict[str, object]] = TABLE.read_milestones()


def _plan(name: str) -> Plan:
    plan, problems = load_plan(EXAMPLES / name)
    assert problems == []
    return plan


BEFORE = _plan("pangyo.drplan")
AFTER = _plan("pangyo-after.drplan")


@functools.cache
def _fire() -> RecoveryResult:
    return compute(BEFORE, TABLE.SCENARIO)


def test_every_milestone_names_a_service_of_the_plan_and_a_source() -> None:
    services = {s.id for s in BEFORE.services}
    assert TABLE.EVERYTHING not in services  # "everything" can only mean the whole scenario
    assert TABLE.EVERYTHING in MILESTONES
    for key, milestone in MILESTONES.items():
        assert key == TABLE.EVERYTHING or key in services, key
        assert set(milestone) == {"observed_minutes", "source"}, key
        assert isinstance(milestone["observed_minutes"], int | float), key
        assert milestone["observed_minutes"] > 0, key
        assert isinstance(milestone["source"], str) and milestone["source"].strip(), key


@pytest.mark.parametrize("key", list(MILESTONES))
def test_the_replay_lands_within_tolerance_of_the_milestone(key: str) -> None:
    observed = MILESTONES[key]["observed_minutes"]
    assert isinstance(observed, int | float)
    if key == TABLE.EVERYTHING:
        replayed = _fire().recovery_minutes
    else:
        replayed = next(s.recovered for s in _fire().services if s.id == key)
    assert abs(replayed - observed) <= TABLE.TOLERANCE * observed, (key, replayed, observed)


def test_the_table_script_computes_what_the_test_computes() -> None:
    rows = TABLE.table_for()
    assert [row.key for row in rows] == list(MILESTONES)
    for row in rows:
        assert abs(row.difference) <= TABLE.TOLERANCE, row
        if row.key == TABLE.EVERYTHING:
            assert row.replayed == _fire().recovery_minutes
        else:
            assert row.replayed == next(s.recovered for s in _fire().services if s.id == row.key)


def test_the_readme_shows_the_table_as_the_script_prints_it() -> None:
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    assert TABLE.markdown(TABLE.table_for()) in readme, (
        "resources/examples/README.md: paste the output of milestones_table.py"
    )


# ---------------------------------------------------------------- what the replay models


def test_the_fire_fails_power_feeds_that_return_after_a_declaration_delay() -> None:
    fire = BEFORE.scenario(TABLE.SCENARIO)
    assert fire is not None
    domains = {d.id: d for d in BEFORE.domains}
    assert fire.failed and all(domains[f].kind == "power" for f in fire.failed)
    assert sorted(fire.returns) == sorted(fire.failed)  # every feed comes back
    assert len(set(fire.returns.values())) == len(fire.failed)  # at three different times
    assert fire.declared_after_minutes > 0
    pangyo = [r for r in BEFORE.racks if r.site == "pangyo"]
    assert pangyo and all(set(r.domains) & set(fire.failed) for r in pangyo)
    assert not any(s.automatic_failover for s in BEFORE.services)  # switched by hand


def test_the_replay_restarts_in_place_where_power_came_back_first() -> None:
    fire = BEFORE.scenario(TABLE.SCENARIO)
    assert fire is not None
    modes = {s.id: s for s in _fire().services}
    used = {modes[key].mode for key in MILESTONES if key in modes}
    assert {"failover", "restore", "restart"} <= used
    for service in _fire().services:
        if service.mode == "restart":
            assert service.released_by in fire.returns, service.id
            assert service.earliest_start == max(
                fire.declared_after_minutes, fire.returns[service.released_by]
            ), service.id
        elif service.mode is not None:
            assert service.earliest_start is not None
            assert service.earliest_start >= fire.declared_after_minutes, service.id


# ---------------------------------------------------------------- after the fixes


def test_after_the_fixes_the_same_event_costs_tier_0_and_1_at_most_an_hour() -> None:
    before, after = BEFORE.scenario(TABLE.SCENARIO), AFTER.scenario(TABLE.SCENARIO)
    assert before is not None and after is not None
    assert (after.failed, after.returns, after.declared_after_minutes) == (
        before.failed,
        before.returns,
        before.declared_after_minutes,
    )
    result = compute(AFTER, TABLE.SCENARIO)
    hour = 60
    top = [s for s in result.services if s.tier <= 1]
    assert top
    for service in top:
        assert service.recovered <= hour, (service.id, service.recovered)
    # and the event is the same one: the fixes, not a smaller fire, make the difference
    assert result.impact.lost_servers and set(_fire().impact.lost_servers) <= set(
        result.impact.lost_servers
    )
