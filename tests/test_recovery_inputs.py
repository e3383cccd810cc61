"""RECOVERY_INPUTS names every field the recovery engine's answer can depend on."""

from __future__ import annotations

import copy
import dataclasses
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.engine.impact import ScenarioError
from planner.engine.recovery import _HARMLESS_FIELDS, RECOVERY_INPUTS, compute
from planner.model import Plan, Pool, Rack, Scenario, Server, Service, Site
from planner.model.edits.change import CLASSES, FIELDS, LISTS
from planner.model.plan import DataCopy, Domain
from tests.strategies import _item_strategies, plans
from tests.test_recovery_property import recovery_plans

# Fields validation reads without their problems blocking a computation.
HARMLESS = {kind: {name for k, name in _HARMLESS_FIELDS if k == kind} for kind in LISTS}


def outcome(plan: Plan, scenario: str | None, failed: list[str]) -> Any:
    """What the recovery view would show: the result, or the error's lines."""
    try:
        return compute(plan, scenario_id=scenario, failed=failed)
    except ScenarioError as error:
        return ("error", tuple(error.lines))


@st.composite
def cases(draw: st.DrawFn) -> tuple[Plan, str | None, list[str]]:
    """A plan (valid and computable, or anything well typed) and a choice of failures."""
    if draw(st.booleans()):
        plan, failed = draw(recovery_plans())
    else:
        plan = draw(plans())
        locations = [i.id for name in ("sites", "racks", "servers") for i in getattr(plan, name)]
        failed = draw(st.lists(st.sampled_from(locations), max_size=2)) if locations else []
    scenarios = [s.id for s in plan.scenarios]
    scenario = draw(st.sampled_from([None, *scenarios]))
    return plan, scenario, failed


def recording(plan: Plan, reads: set[tuple[str, str]]) -> Plan:
    """A copy of ``plan`` whose items note each field the engine reads into ``reads``."""

    def spy(kind: str) -> type[Any]:
        names = FIELDS[kind]

        def __getattribute__(self: Any, name: str) -> Any:
            if name in names:
                reads.add((kind, name))
            return object.__getattribute__(self, name)

        return type(f"Recording{CLASSES[kind].__name__}", (CLASSES[kind],), {
            "__getattribute__": __getattribute__
        })  # fmt: skip

    spies = {kind: spy(kind) for kind in [*LISTS, "plan"]}
    copied = {
        name: [spies[kind](**_values(item)) for item in getattr(plan, name)]
        for kind, name in LISTS.items()
    }
    plan_fields = {k: v for k, v in _values(plan).items() if k not in copied}
    return spies["plan"](**plan_fields, **copied)


def _values(item: Any) -> dict[str, Any]:
    return {f.name: copy.deepcopy(getattr(item, f.name)) for f in dataclasses.fields(item)}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_the_engine_reads_no_field_it_does_not_declare(case) -> None:
    plan, scenario, failed = case
    reads: set[tuple[str, str]] = set()
    outcome(recording(plan, reads), scenario, failed)
    for kind, name in reads:
        if kind == "plan":
            if name == "domains" and "domain" not in LISTS:
                continue  # the kind "domain" joins the edit registry with the formats
            allowed_plan = {*LISTS.values(), *RECOVERY_INPUTS["plan"]}
            assert name in allowed_plan, f"the engine reads the plan's {name}"
        else:
            allowed = RECOVERY_INPUTS[kind] | HARMLESS[kind]
            assert name in allowed, f"the engine reads {kind}.{name}: add it to RECOVERY_INPUTS"


def test_every_declared_field_is_read() -> None:
    plan = Plan(
        sites=[Site("A", "A"), Site("B", "B")],
        domains=[Domain("pA", "Feed A", "power", site="A")],
        racks=[Rack("ra", "A", "ra", domains=["pA"]), Rack("rb", "B", "rb")],
        servers=[Server("h1", "ra", "h1", 1, domains=["pA"]), Server("h2", "rb", "h2", 1)],
        pools=[Pool("crew", "Crew", 2)],
        services=[
            Service("db", "DB", tier=0, rto_minutes=30, restore_minutes=60, servers=["h1"],
                    needs={"crew": 1}, restart_minutes=10, restart_needs={"crew": 2}),
            Service("web", "Web", rto_minutes=90, restore_minutes=20, failover_minutes=5,
                    servers=["h1"], standby_servers=["h2"], min_instances=1,
                    depends_on=["db"], failover_needs={"crew": 1}, automatic_failover=True,
                    rpo_minutes=15, data=[DataCopy("c", ["h2"], 5)],
                    failover_tested_on=date(2026, 1, 1)),
        ],
        scenarios=[
            Scenario("fire", "Fire", ["A"], untested_failovers_fail=True,
                     as_of=date(2026, 3, 1)),
            Scenario("feed", "Feed A", ["pA"], returns={"pA": 30}, declared_after_minutes=10),
        ],
    )  # fmt: skip
    reads: set[tuple[str, str]] = set()
    for scenario in ("fire", "feed"):
        recording_plan = recording(plan, reads)
        compute(recording_plan, scenario_id=scenario)
    declared = {
        (kind, name)
        for kind, names in RECOVERY_INPUTS.items()
        if kind in LISTS or kind == "plan"  # kinds the recording copy can spy on
        for name in names
    }
    assert declared - reads == set()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.data())
def test_changing_an_undeclared_field_never_changes_the_result(case, data) -> None:
    plan, scenario, failed = case
    kinds = [kind for kind, name in LISTS.items() if getattr(plan, name)]
    before = outcome(plan, scenario, failed)
    kind = data.draw(st.sampled_from([*kinds, "plan"]))
    if kind == "plan":  # its name, notes and extra
        plan.name, plan.notes, plan.extra = "another", "noted", {"x-ticket": 1}
        assert outcome(plan, scenario, failed) == before
        return
    items = getattr(plan, LISTS[kind])
    item = items[data.draw(st.integers(0, len(items) - 1))]
    others = sorted(FIELDS[kind] - RECOVERY_INPUTS[kind])
    name = data.draw(st.sampled_from(others))
    donor = data.draw(_item_strategies(canonical=True)[LISTS[kind]])
    setattr(item, name, getattr(donor, name))
    assert outcome(plan, scenario, failed) == before
