"""Every clause of the recovery semantics, on small hand-made plans."""

from __future__ import annotations

import json

import pytest

from planner.cli.main import main
from planner.engine.impact import ScenarioError
from planner.engine.recovery import compute
from planner.model import Plan, Pool, Rack, Scenario, Server, Service, Site
from planner.storage import save_plan


def floor(*services: Service, pools: tuple[Pool, ...] = ()) -> Plan:
    """Two sites with two racks each and two servers per rack: a1..a4 at A, b1..b4 at B."""
    plan = Plan(name="test")
    for site in ("A", "B"):
        plan.sites.append(Site(site, f"Site {site}"))
        for r in (1, 2):
            rack = f"{site}r{r}"
            plan.racks.append(Rack(rack, site, rack))
            for u in (1, 2):
                n = (r - 1) * 2 + u
                plan.servers.append(Server(f"{site.lower()}{n}", rack, f"{site}{n}", u))
    plan.services = list(services)
    plan.pools = list(pools)
    plan.scenarios = [Scenario("fire", "Fire at A", ["A"])]
    return plan


def svc(sid: str, **kw: object) -> Service:
    kw.setdefault("restore_minutes", 60)
    return Service(sid, sid.upper(), **kw)  # type: ignore[arg-type]


def state(plan: Plan, failed: list[str], sid: str) -> str:
    return compute(plan, failed=failed).service(sid).state  # type: ignore[union-attr]


def test_server_is_lost_with_itself_its_rack_or_its_site() -> None:
    plan = floor(svc("x", servers=["a1"]))
    assert compute(plan, failed=["a1"]).impact.lost_servers == ("a1",)
    assert compute(plan, failed=["Ar1"]).impact.lost_servers == ("a1", "a2")
    assert compute(plan, failed=["A"]).impact.lost_servers == ("a1", "a2", "a3", "a4")
    assert compute(plan, failed=["A"]).impact.lost_racks == ("Ar1", "Ar2")
    assert state(plan, ["a2"], "x") == "unaffected"
    assert state(plan, ["Ar1"], "x") == "restore"
    assert state(plan, ["A"], "x") == "restore"


def test_service_on_no_server_is_never_lost() -> None:
    plan = floor(svc("external"), svc("app", servers=["b1"], depends_on=["external"]))
    result = compute(plan, failed=["A", "B"])
    assert result.service("external").state == "unaffected"  # type: ignore[union-attr]
    assert result.service("external").recovered == 0  # type: ignore[union-attr]
    assert result.service("app").state == "restore"  # type: ignore[union-attr]


def test_enough_surviving_actives_need_no_task() -> None:
    plan = floor(svc("x", servers=["a1", "b1"], min_instances=1))
    assert state(plan, ["A"], "x") == "unaffected"
    plan = floor(svc("x", servers=["a1", "b1"], min_instances=2, failover_minutes=5))
    plan.services[0].standby_servers = ["b2"]
    assert state(plan, ["A"], "x") == "failover"


def test_failover_needs_failover_minutes_and_enough_standbys() -> None:
    with_standby = svc("x", servers=["a1"], standby_servers=["b1"], failover_minutes=15)
    assert state(floor(with_standby), ["A"], "x") == "failover"
    no_failover = svc("x", servers=["a1"], standby_servers=["b1"])
    assert state(floor(no_failover), ["A"], "x") == "restore"
    standby_lost = svc("x", servers=["a1"], standby_servers=["a2"], failover_minutes=15)
    assert state(floor(standby_lost), ["A"], "x") == "restore"
    result = compute(floor(with_standby), failed=["A"])
    assert result.service("x").finish == 15  # type: ignore[union-attr]


def test_task_waits_for_dependencies_even_through_untouched_services() -> None:
    plan = floor(
        svc("db", servers=["a1"], restore_minutes=100),
        svc("api", servers=["b1"], depends_on=["db"]),  # survives: no task, but waits
        svc("web", servers=["a2"], depends_on=["api"], restore_minutes=10),
    )
    result = compute(plan, failed=["A"])
    api, web = result.service("api"), result.service("web")
    assert api.state == "dependency" and api.recovered == 100  # type: ignore[union-attr]
    assert api.start is None and api.finish is None  # type: ignore[union-attr]
    assert web.start == 100 and web.recovered == 110  # type: ignore[union-attr]
    assert result.recovery_minutes == 110
    assert result.critical_path == ("db", "web")


def test_recovered_is_the_later_of_own_finish_and_dependencies() -> None:
    # "fast" fails over in 5 minutes but cannot serve before its database is back.
    plan = floor(
        svc("db", servers=["a1"], restore_minutes=90),
        svc("fast", servers=["a2"], standby_servers=["b1"], failover_minutes=5),
        svc("front", servers=["b2"], depends_on=["db", "fast"]),
    )
    result = compute(plan, failed=["A"])
    assert result.service("fast").finish == 5  # type: ignore[union-attr]
    assert result.service("front").state == "dependency"  # type: ignore[union-attr]
    assert result.service("front").recovered == 90  # type: ignore[union-attr]
    assert result.recovery_minutes == 90


def test_pool_capacity_is_never_exceeded_and_frees_at_finish() -> None:
    crew = Pool("crew", "On-call", 1)
    plan = floor(
        svc("x", servers=["a1"], restore_minutes=30, needs={"crew": 1}),
        svc("y", servers=["a2"], restore_minutes=20, needs={"crew": 1}),
        pools=(crew,),
    )
    result = compute(plan, failed=["A"])
    x, y = result.service("x"), result.service("y")
    intervals = sorted([(x.start, x.finish), (y.start, y.finish)])  # type: ignore[union-attr]
    assert intervals[0][0] == 0
    assert intervals[1][0] == intervals[0][1]  # the second starts exactly when the first ends
    assert result.recovery_minutes == 50
    assert result.lower_bound_minutes == 50  # the crew's work / capacity
    plan.pools[0].capacity = 2
    assert compute(plan, failed=["A"]).recovery_minutes == 30


def test_zero_minute_tasks_are_allowed() -> None:
    plan = floor(
        svc("flag", servers=["a1"], restore_minutes=0),
        svc("app", servers=["a2"], restore_minutes=10, depends_on=["flag"]),
    )
    result = compute(plan, failed=["A"])
    assert result.service("flag").finish == 0  # type: ignore[union-attr]
    assert result.service("flag").state == "restore"  # type: ignore[union-attr]
    assert result.recovery_minutes == 10


def test_unaffected_and_recovery_time_is_the_largest_recovered() -> None:
    plan = floor(
        svc("b-only", servers=["b1"]),
        svc("a", servers=["a1"], restore_minutes=40),
        svc("c", servers=["a2"], restore_minutes=70),
    )
    result = compute(plan, scenario_id="fire")
    assert result.service("b-only").state == "unaffected"  # type: ignore[union-attr]
    assert result.service("b-only").recovered == 0  # type: ignore[union-attr]
    assert result.recovery_minutes == 70
    assert result.scenario == "fire" and result.failed == ("A",)


def test_rto_check_and_why_it_is_missed() -> None:
    crew = Pool("crew", "On-call", 1)
    plan = floor(
        svc("slow", servers=["a1"], restore_minutes=120, rto_minutes=60, tier=0),
        svc("ok", servers=["a2"], restore_minutes=30, rto_minutes=45, needs={"crew": 1}),
        svc("late", servers=["a3"], restore_minutes=30, rto_minutes=40, needs={"crew": 1}, tier=1),
        svc("free", servers=["b1"], rto_minutes=10),
        pools=(crew,),
    )
    result = compute(plan, failed=["A"])
    slow, ok, late, free = (result.service(s) for s in ("slow", "ok", "late", "free"))
    # No dependencies: its own restore is what takes longer than the RTO, not a chain.
    assert slow.meets_rto is False and slow.miss_reason == "own"  # type: ignore[union-attr]
    assert free.meets_rto is True  # type: ignore[union-attr]
    # One crew, two 30-minute jobs: tier 1 goes first; the other ends at 60 > 45 only
    # because of the crew (its chain alone takes 30).
    assert late.meets_rto is True and late.finish == 30  # type: ignore[union-attr]
    assert ok.meets_rto is False and ok.miss_reason == "resources"  # type: ignore[union-attr]
    assert [s.id for s in result.rto_misses] == ["slow", "ok"]


def test_a_miss_names_its_own_restore_or_the_chain_and_every_report_says_so(
    tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Own restore > RTO: "own restore longer than RTO" (also with dependencies); each
    step fits but the chain does not: "chain too long"; a failover: "own failover"."""
    from planner.cli.report import result_to_json, result_to_text
    from planner.engine.recovery import miss_reason_text

    plan = floor(
        svc("alone", servers=["a1"], restore_minutes=90, rto_minutes=60),
        svc("base", servers=["a2"], restore_minutes=40, rto_minutes=60),
        svc("top", servers=["a3"], restore_minutes=40, rto_minutes=60, depends_on=["base"]),
        svc("heavy", servers=["a4"], restore_minutes=70, rto_minutes=60, depends_on=["base"]),
        svc("fo", servers=["a1"], standby_servers=["b1"], failover_minutes=80, rto_minutes=30),
    )
    result = compute(plan, failed=["A"])
    reasons = {s.id: s.miss_reason for s in result.rto_misses}
    assert reasons == {"alone": "own", "top": "path", "heavy": "own", "fo": "own"}
    texts = {s.id: miss_reason_text(s) for s in result.rto_misses}
    assert texts["alone"] == texts["heavy"] == "own restore longer than RTO"
    assert texts["fo"] == "own failover longer than RTO"
    assert texts["top"] == "chain too long"
    assert sorted(result_to_json(result)["rto_unreachable"]) == ["alone", "fo", "heavy", "top"]
    report = result_to_text(result, "test")
    assert "lost: 1 site, 2 racks, 4 servers" in report.splitlines()  # not "1 sites"
    alone_row = next(line for line in report.splitlines() if line.startswith("alone "))
    assert alone_row.endswith("NO (own restore longer than RTO)")
    top_row = next(line for line in report.splitlines() if line.startswith("top "))
    assert top_row.endswith("NO (chain too long)")


def test_time_objective_brings_critical_tiers_first_among_equal_schedules() -> None:
    crew = Pool("crew", "On-call", 1)
    plan = floor(
        svc("tier3", servers=["a1"], restore_minutes=30, tier=3, needs={"crew": 1}),
        svc("tier0", servers=["a2"], restore_minutes=30, tier=0, needs={"crew": 1}),
        pools=(crew,),
    )
    result = compute(plan, failed=["A"])
    assert result.service("tier0").start == 0  # type: ignore[union-attr]
    assert result.tier_minutes[0] == 30 and result.tier_minutes[3] == 60


def test_tiers_objective_puts_tier0_first_even_if_total_takes_longer() -> None:
    # One crew of 2. Tier 0 needs a 60-min job using both units; two tier-3 jobs of 60
    # use one unit each and a chain "long" (tier 3, 100 min, 1 unit) gates the end.
    crew = Pool("crew", "On-call", 2)
    plan = floor(
        svc("t0", servers=["a1"], restore_minutes=60, tier=0, needs={"crew": 2}),
        svc("long", servers=["a2"], restore_minutes=100, tier=3, needs={"crew": 1}),
        svc("after", servers=["a3"], restore_minutes=50, tier=3, depends_on=["long"]),
        pools=(crew,),
    )
    by_time = compute(plan, failed=["A"], objective="time")
    by_tiers = compute(plan, failed=["A"], objective="tiers")
    assert by_tiers.tier_minutes[0] == 60
    assert by_tiers.tier_minutes[0] <= by_time.tier_minutes[0]
    assert by_time.recovery_minutes <= by_tiers.recovery_minutes
    # "long" first lets "after" and t0 overlap: 160 in all, but tier 0 only at 160.
    assert by_time.recovery_minutes == 160 and by_time.tier_minutes[0] == 160
    assert by_tiers.recovery_minutes == 210


def test_unknown_scenario_or_id_and_uncomputable_plans_are_refused() -> None:
    plan = floor(svc("x", servers=["a1"]))
    with pytest.raises(ScenarioError, match="unknown scenario 'nope'"):
        compute(plan, scenario_id="nope")
    with pytest.raises(ScenarioError, match="unknown site, rack, server or domain 'zz'"):
        compute(plan, failed=["zz"])
    cyclic = floor(svc("a", depends_on=["b"]), svc("b", depends_on=["a"]))
    with pytest.raises(ScenarioError, match="cycle a -> b -> a"):
        compute(cyclic, failed=["A"])
    greedy = floor(svc("x", servers=["a1"], needs={"crew": 3}), pools=(Pool("crew", "C", 2),))
    with pytest.raises(ScenarioError, match="3 units of pool 'crew', which has only 2"):
        compute(greedy, failed=["A"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scenario", "nope"], "unknown scenario 'nope'"),
        (["--fail", "zz"], "unknown site, rack, server or domain 'zz'"),
        ([], "give --scenario ID or --fail ID"),
    ],
)
def test_cli_compute_errors_are_one_line_exit_2(
    tmp_path, capsys, args: list[str], message: str
) -> None:
    path = tmp_path / "p.drplan"
    save_plan(floor(svc("x", servers=["a1"])), path)
    assert main(["compute", str(path), *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_cli_compute_json_has_the_contract_fields(tmp_path, capsys) -> None:
    path = tmp_path / "p.json"
    plan = floor(
        svc("db", servers=["a1"], restore_minutes=90, rto_minutes=60),
        svc("web", servers=["b1"], depends_on=["db"]),
    )
    save_plan(plan, path)
    assert main(["compute", str(path), "--scenario", "fire", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scenario"] == "fire" and data["failed"] == ["A"]
    assert data["recovery_minutes"] == 90 and data["lower_bound_minutes"] == 90
    assert data["critical_path"] == ["db"]
    db, web = data["services"]
    assert db == {**db, "id": "db", "state": "restore", "start": 0, "finish": 90}
    assert db["recovered"] == 90 and db["rto_minutes"] == 60 and db["meets_rto"] is False
    assert web["state"] == "dependency" and web["start"] is None and web["recovered"] == 90
    assert web["meets_rto"] is None


def test_cli_compute_text_is_a_table(tmp_path, capsys) -> None:
    path = tmp_path / "p.json"
    save_plan(floor(svc("db", servers=["a1"], restore_minutes=90)), path)
    assert main(["compute", str(path), "--fail", "a1"]) == 0
    out = capsys.readouterr().out
    assert "recovery time 1:30 (90 min)" in out
    assert any(line.startswith("db ") and "restore" in line for line in out.splitlines())


def test_cli_exact_without_ortools_says_so_plainly(tmp_path, capsys, monkeypatch) -> None:
    import sys

    for name in ("ortools", "ortools.sat", "ortools.sat.python"):
        monkeypatch.setitem(sys.modules, name, None)  # as if the extra were not installed
    path = tmp_path / "p.json"
    save_plan(floor(svc("db", servers=["a1"], restore_minutes=90)), path)
    assert main(["compute", str(path), "--fail", "a1", "--exact", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "exact mode needs OR-Tools" in err[0] and "drplanner[exact]" in err[0]


def test_fast_service_recovery_equals_the_dataclass() -> None:
    from dataclasses import FrozenInstanceError, fields

    from planner.engine.recovery import ServiceRecovery, _service_recovery

    values = dict(
        id="a",
        name="A",
        tier=1,
        state="restore",
        start=0,
        finish=30,
        recovered=30,
        rto_minutes=60,
        meets_rto=True,
        recovered_unlimited=30,
        miss_reason=None,
        needs={"dba": 1},
        waits_for=("b",),
        mode="restore",
        earliest_start=0,
        released_by=None,
    )
    # The data fields come last and fall back to their class defaults when left out
    # (the engine sets them only for a service with copies, an RPO or an untested failover).
    data = ["rpo_minutes", "data_loss_minutes", "data_lost", "meets_rpo", "copies"]
    data += ["restore_from", "failover_untested"]
    assert [f.name for f in fields(ServiceRecovery)] == [*values, *data]
    fast = _service_recovery(**values)
    assert fast == ServiceRecovery(**values)  # type: ignore[arg-type]
    assert repr(fast) == repr(ServiceRecovery(**values))  # type: ignore[arg-type]
    with pytest.raises(FrozenInstanceError):
        fast.tier = 2  # type: ignore[misc]


def test_schedule_scenario_is_what_compute_reports() -> None:
    """The part the scale benchmark times is the schedule compute builds its results from."""
    from pathlib import Path

    from planner.engine.recovery import schedule_scenario
    from planner.storage import read_plan

    plan = read_plan(Path(__file__).parent.parent / "resources/examples/pangyo.json")
    for scenario in plan.scenarios:
        impact, graph, schedule = schedule_scenario(plan, scenario.id)
        result = compute(plan, scenario.id)
        assert impact.actions == result.impact.actions
        assert graph.task_services
        for task, service_id in enumerate(graph.task_services):
            assert result.service(service_id).start == schedule.starts[task]
        assert result.recovery_minutes >= schedule.makespan
        assert result.lower_bound_minutes == min(schedule.lower_bound, result.recovery_minutes)
