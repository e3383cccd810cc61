"""The bundled example plans: up to date with their script, valid, and twins in both formats."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from planner.model.plan import Plan
from planner.model.validate import validate
from planner.storage import load_plan, plan_to_json

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "resources" / "examples"
STEMS = ("pangyo", "pangyo-after")


def _load_script() -> ModuleType:
    path = EXAMPLES / "build_examples.py"
    spec = importlib.util.spec_from_file_location("build_examples", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_examples", module)
    spec.loader.exec_module(module)
    return module


SCRIPT = _load_script()
BUILT: dict[str, Plan] = SCRIPT.build_all()


def test_the_script_builds_exactly_the_two_examples() -> None:
    assert tuple(BUILT) == STEMS
    for stem in STEMS:
        assert (EXAMPLES / f"{stem}.json").is_file()
        assert (EXAMPLES / f"{stem}.drplan").is_file()


@pytest.mark.parametrize("stem", STEMS)
def test_committed_json_is_what_the_script_writes_now(stem: str) -> None:
    expected = plan_to_json(BUILT[stem]).encode("utf-8")
    assert (EXAMPLES / f"{stem}.json").read_bytes() == expected, (
        f"{stem}.json is stale: run .venv/bin/python resources/examples/build_examples.py"
    )


def test_the_script_is_deterministic() -> None:
    again = SCRIPT.build_all()
    for stem in STEMS:
        assert plan_to_json(again[stem]) == plan_to_json(BUILT[stem])


def test_running_the_script_writes_the_same_json(tmp_path: Path) -> None:
    assert SCRIPT.main([str(tmp_path)]) == 0
    for stem in STEMS:
        assert (tmp_path / f"{stem}.json").read_bytes() == (EXAMPLES / f"{stem}.json").read_bytes()
        plan, problems = load_plan(tmp_path / f"{stem}.drplan")
        assert problems == []
        assert plan == BUILT[stem]


@pytest.mark.parametrize("stem", STEMS)
@pytest.mark.parametrize("suffix", [".json", ".drplan"])
def test_examples_load_and_validate_with_no_problem(stem: str, suffix: str) -> None:
    plan, problems = load_plan(EXAMPLES / f"{stem}{suffix}")
    assert problems == []
    assert validate(plan) == []


@pytest.mark.parametrize("stem", STEMS)
def test_drplan_and_json_twins_hold_the_same_plan(stem: str) -> None:
    from_json, _ = load_plan(EXAMPLES / f"{stem}.json")
    from_drplan, _ = load_plan(EXAMPLES / f"{stem}.drplan")
    assert from_drplan == from_json
    assert from_json == BUILT[stem]
    assert plan_to_json(from_drplan) == plan_to_json(from_json)


# ---------------------------------------------------------------- the story they tell


def _sites_of(plan: Plan, service_id: str) -> set[str]:
    racks = {r.id: r.site for r in plan.racks}
    hosts = {s.id: racks[s.rack] for s in plan.servers}
    service = plan.service(service_id)
    assert service is not None
    return {hosts[h] for h in service.servers + service.standby_servers}


def test_the_examples_have_the_promised_size() -> None:
    for plan in BUILT.values():
        assert 6 <= len(plan.racks) <= 12
        assert len(plan.servers) >= 60
        assert 28 <= len(plan.services) <= 36
        assert {s.id for s in plan.scenarios} == {
            "pangyo-fire",
            "anyang-power",
            "rack-pg-a03",
            "pangyo-lost",
        }
        assert [d.kind for d in plan.domains] == ["power"] * 3
        for service in plan.services:
            assert 2 <= len(service.steps) <= 4, service.id
            assert service.owner and service.team, service.id
        for pool in plan.pools:
            assert 2 <= pool.capacity <= 6


def test_before_the_fixes_the_flaw_is_single_homed_in_pangyo() -> None:
    before = BUILT["pangyo"]
    assert {s.id for s in before.sites} == {"pangyo", "anyang", "gasan"}
    for service_id in ("ops-tooling", "deploy", "monitoring", "media-storage", "session-cache"):
        assert _sites_of(before, service_id) == {"pangyo"}, service_id
        service = before.service(service_id)
        assert service is not None and not service.standby_servers
    fire = before.scenario("pangyo-fire")
    assert fire is not None
    # the fire fails Pangyo's power feeds, which between them feed every Pangyo rack
    assert {d.id for d in before.domains if d.site == "pangyo"} == set(fire.failed)
    for rack in before.racks:
        assert bool(set(rack.domains) & set(fire.failed)) == (rack.site == "pangyo"), rack.id


def test_after_the_fixes_the_control_plane_and_storage_run_in_three_sites() -> None:
    after = BUILT["pangyo-after"]
    assert {s.id for s in after.sites} == {"pangyo", "anyang", "gasan", "ansan"}
    three = {"pangyo", "anyang", "ansan"}
    for service_id in ("ops-tooling", "monitoring", "config", "media-storage", "session-cache"):
        assert _sites_of(after, service_id) == three, service_id


# ---------------------------------------------------------------- the timeline they reproduce

HOUR = 60


def _fire(stem: str) -> dict[str, tuple[float, float]]:
    from planner.engine.recovery import compute

    result = compute(BUILT[stem], "pangyo-fire")
    return {s.id: (s.recovered, s.recovered_unlimited) for s in result.services}


def test_before_the_fixes_everything_waits_for_the_console_then_for_power() -> None:
    plan = BUILT["pangyo"]
    fire = plan.scenario("pangyo-fire")
    console = plan.service("ops-tooling")
    assert fire is not None and console is not None
    times = _fire("pangyo")
    # the console is rebuilt elsewhere as soon as the disaster is declared
    assert times["ops-tooling"][0] == fire.declared_after_minutes + console.restore_minutes
    order = ["msg-delivery", "login", "media", "talk-mail", "mail", "drive"]
    assert [times[s][0] for s in order] == sorted(times[s][0] for s in order)
    # the shape comes from the dependency chains and the power feeds, not the crews' order
    for service_id in order:
        recovered, chain_alone = times[service_id]
        assert recovered == chain_alone, service_id
    # mail waits for the last feed: nothing of it can be back before that feed returns
    assert times["mail"][0] > max(fire.returns.values())


def test_after_the_fixes_the_fire_costs_minutes_to_a_few_hours() -> None:
    times = _fire("pangyo-after")
    for service_id in ("msg-delivery", "login", "media", "payments", "taxi"):
        assert times[service_id][0] <= HOUR, service_id
    assert max(recovered for recovered, _ in times.values()) <= 4 * HOUR
