"""The analysis of the two examples: before the fixes it names the single-homed
operations tooling first and what making it redundant buys in the fire; after the
fixes no tier 0-1 service has an order-1 restore cut set."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from planner.analysis import Analysis, analyze
from planner.storage import read_plan

EXAMPLES = Path(__file__).resolve().parent.parent / "resources" / "examples"


@pytest.fixture(scope="module")
def before() -> Analysis:
    return analyze(read_plan(EXAMPLES / "pangyo.json"), as_of=date(2022, 10, 15))


@pytest.fixture(scope="module")
def after() -> Analysis:
    return analyze(read_plan(EXAMPLES / "pangyo-after.json"), as_of=date(2024, 10, 15))


def test_before_the_fixes_the_top_finding_is_the_single_homed_operations_tooling(
    before: Analysis,
) -> None:
    top = before.findings[0]
    assert top.kind == "tooling_down" and top.severity == "critical"
    assert top.ids[0] == "ops-tooling"
    assert top.message.startswith("recovery tooling ops-tooling runs only on rack PG-A01")
    assert top.failed == ("pg-a01",)


def test_before_the_fixes_making_the_tooling_redundant_shortens_the_fire(before: Analysis) -> None:
    change = next(
        w for w in before.what_if if w.target == "ops-tooling" and w.scenario == "pangyo-fire"
    )
    assert change.kind == "redundant"
    assert change.tier_minutes_after[0] < change.tier_minutes_before[0]
    assert change.sentence().startswith("make ops-tooling redundant: 판교 데이터센터 화재")


def test_before_the_fixes_the_chains_lead_to_the_tooling(before: Analysis) -> None:
    chat = before.cuts("chat-gateway")
    assert chat is not None
    assert chat.chains["pg-a01"] == ("chat-gateway", "ops-tooling")


def test_after_the_fixes_no_tier_0_1_service_is_a_single_point(after: Analysis) -> None:
    tiers = {c.id: c for c in after.services}
    assert tiers  # the analysis ran
    plan = read_plan(EXAMPLES / "pangyo-after.json")
    critical = {s.id for s in plan.services if s.tier <= 1}
    assert not critical & set(after.single_points)
    for sid in critical:
        cuts = after.cuts(sid)
        assert cuts is not None and not [c for c in cuts.restore if len(c) <= 1], sid
