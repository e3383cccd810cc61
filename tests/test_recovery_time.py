"""Failure domains and time (issue 13): every clause of docs/engine.md, "Domains and
time", on small hand-made plans.
Every plan is validated first, as ``compute`` does by default.
"""

from __future__ import annotations

import itertools
import math

import pytest

from planner.cli.report import result_to_json, result_to_text
from planner.engine.impact import ScenarioError, analyse, failed_set_of
from planner.engine.modes import relaxed
from planner.engine.rcpsp import lower_bound
from planner.engine.recovery import (
    RecoveryResult,
    ServiceRecovery,
    compute,
    miss_reason_text,
    schedule_scenario,
)
from planner.model import Plan, Pool, Rack, Scenario, Server, Service, Site
from planner.model.plan import Domain


def room(*services: Service, pools: tuple[Pool, ...] = ()) -> Plan:
    """One site; racks r1 (dual fed: feeds pa and pb), r2 (feed pa only) and r3 (feed pc,
    in room hall); servers x1 in r1, x2 in r2, x3 in r3, y3 in r3 and z (in r2 with its own
    feed pb besides the rack's pa)."""
    return Plan(
        name="time",
        sites=[Site("s", "S"), Site("t", "T")],
        domains=[
            Domain("pa", "Feed A", "power", site="s"),
            Domain("pb", "Feed B", "power", site="s"),
            Domain("pc", "Feed C", "power", site="s"),
            Domain("hall", "Hall", "room", site="s"),
        ],
        racks=[
            Rack("r1", "s", "R1", domains=["pa", "pb"]),
            Rack("r2", "s", "R2", domains=["pa"]),
            Rack("r3", "s", "R3", domains=["pc", "hall"]),
            Rack("t1", "t", "T1"),
        ],
        servers=[
            Server("x1", "r1", "x1", 1),
            Server("x2", "r2", "x2", 1),
            Server("z", "r2", "z", 2, domains=["pb"]),
            Server("x3", "r3", "x3", 1),
            Server("y3", "r3", "y3", 2),
            Server("w", "t1", "w", 1),
        ],
        pools=list(pools),
        services=list(services),
    )


def svc(sid: str, **kw: object) -> Service:
    kw.setdefault("restore_minutes", 60)
    return Service(sid, sid.upper(), **kw)  # type: ignore[arg-type]


def run(
    plan: Plan,
    failed: list[str],
    returns: dict[str, float] | None = None,
    declared: float = 0,
    **kw: object,
) -> RecoveryResult:
    plan.scenarios = [Scenario("sc", "Scenario", failed, dict(returns or {}), declared)]
    return compute(plan, "sc", **kw)  # type: ignore[arg-type]


def one(result: RecoveryResult, sid: str) -> ServiceRecovery:
    found = result.service(sid)
    assert found is not None
    return found


# -- when a server is back -----------------------------------------------------------


def test_a_dual_fed_server_survives_one_feed_and_falls_with_both() -> None:
    plan = room(svc("a", servers=["x1"]))
    assert one(run(plan, ["pa"]), "a").state == "unaffected"
    assert one(run(plan, ["pb"]), "a").state == "unaffected"
    both = run(plan, ["pa", "pb"])
    assert one(both, "a").state == "restore"
    assert both.impact.lost_servers == ("x1", "x2", "z")
    assert both.impact.lost_domains == ("pa", "pb")
    assert both.impact.back == {"x1": math.inf, "x2": math.inf, "z": math.inf}


def test_a_server_feed_joins_its_racks_feeds_of_the_same_kind() -> None:
    # z is in r2 (feed pa) with its own feed pb: down only while both are.
    impact = analyse(room(), ["pa"], declared_after_minutes=1)
    assert "z" not in impact.back and impact.back["x2"] == math.inf
    impact = analyse(room(), ["pa", "pb"], {"pa": 50, "pb": 20}, 1)
    assert impact.back["z"] == 20  # the first of its feeds back
    assert impact.back["x2"] == 50
    assert impact.back["x1"] == 20


def test_back_is_the_latest_of_server_rack_site_and_each_kind() -> None:
    # x3: feed pc and room hall; per kind the (only) domain; then the max over kinds.
    impact = analyse(room(), ["pc", "hall", "x3"], {"pc": 30, "hall": 90, "x3": 10}, 0)
    assert impact.back["x3"] == 90 and impact.back["y3"] == 90
    impact = analyse(room(), ["pc", "hall", "s"], {"pc": 30, "hall": 90, "s": 120}, 0)
    assert impact.back["x3"] == 120
    assert impact.lost_sites == ("s",)


def test_a_single_room_takes_its_racks_down_until_it_returns() -> None:
    plan = room(svc("a", servers=["x3"], restart_minutes=5, restore_minutes=200))
    result = run(plan, ["hall"], {"hall": 70})
    assert one(result, "a").mode == "restart"
    assert one(result, "a").start == 70 and one(result, "a").released_by == "hall"
    assert result.impact.lost_racks == ("r3",)


def test_a_return_at_zero_is_no_loss() -> None:
    plan = room(svc("a", servers=["x1"]))
    result = run(plan, ["x1"], {"x1": 0})
    assert one(result, "a").state == "unaffected"
    assert result.impact.lost_servers == ()


def test_domain_ids_are_failable_and_unknown_ids_refused() -> None:
    plan = room()
    assert failed_set_of(plan, None, ["pa", "x1"]) == ["pa", "x1"]
    with pytest.raises(ScenarioError, match="unknown site, rack, server or domain 'nope'"):
        failed_set_of(plan, None, ["nope"])


# -- modes and releases --------------------------------------------------------------


def test_restart_waits_for_the_return_after_the_declaration() -> None:
    plan = room(svc("a", servers=["x2"], restart_minutes=10, restore_minutes=200))
    result = run(plan, ["pa"], {"pa": 100}, declared=40)
    a = one(result, "a")
    assert (a.mode, a.state, a.start, a.finish) == ("restart", "restart", 100, 110)
    assert (a.earliest_start, a.released_by) == (100, "pa")
    assert result.declared_after_minutes == 40 and result.returns == {"pa": 100}


def test_a_return_before_the_declaration_waits_for_the_declaration() -> None:
    plan = room(svc("a", servers=["x2"], restart_minutes=10, restore_minutes=200))
    a = one(run(plan, ["pa"], {"pa": 20}, declared=40), "a")
    assert (a.mode, a.start, a.finish) == ("restart", 40, 50)
    assert (a.earliest_start, a.released_by) == (40, None)


def test_the_scheduler_takes_restart_when_faster_and_restore_when_slower() -> None:
    plan = room(svc("a", servers=["x2"], restart_minutes=10, restore_minutes=60))
    fast = one(run(plan, ["pa"], {"pa": 30}, declared=40), "a")
    assert (fast.mode, fast.finish) == ("restart", 50)
    slow = one(run(plan, ["pa"], {"pa": 100}, declared=40), "a")
    assert (slow.mode, slow.start, slow.finish) == ("restore", 40, 100)
    assert slow.released_by is None and slow.earliest_start == 40


def test_a_failed_item_that_never_returns_offers_no_restart() -> None:
    plan = room(svc("a", servers=["x2"], restart_minutes=1, restore_minutes=60))
    result = run(plan, ["pa", "pb"], {"pb": 10}, declared=5)  # pa never comes back
    assert result.impact.back["x2"] == math.inf
    assert result.impact.back["x1"] == 10  # fed by pb too
    assert [o.mode for o in result.impact.modes["a"]] == ["restore"]
    assert one(result, "a").mode == "restore"


def test_automatic_failover_starts_before_the_declaration() -> None:
    kw = dict(servers=["x2"], standby_servers=["w"], failover_minutes=5)
    plan = room(svc("auto", automatic_failover=True, **kw), svc("hand", **kw))
    result = run(plan, ["pa"], declared=40)
    auto, hand = one(result, "auto"), one(result, "hand")
    assert (auto.mode, auto.start, auto.finish, auto.earliest_start) == ("failover", 0, 5, 0)
    assert (hand.mode, hand.start, hand.finish, hand.earliest_start) == ("failover", 40, 45, 40)


def test_restart_needs_min_instances_back_at_the_second_return() -> None:
    plan = room(
        svc("a", servers=["x2", "x3"], min_instances=2, restart_minutes=10, restore_minutes=200)
    )
    result = run(plan, ["pa", "pc"], {"pa": 30, "pc": 90})
    a = one(result, "a")
    assert (a.mode, a.start, a.released_by) == ("restart", 90, "pc")
    # With one instance enough, the first return releases it.
    plan.services[0].min_instances = 1
    a = one(run(plan, ["pa", "pc"], {"pa": 30, "pc": 90}), "a")
    assert (a.mode, a.start, a.released_by) == ("restart", 30, "pa")


def test_failover_and_restart_take_their_own_needs() -> None:
    pools = (Pool("ops", "Ops", 2), Pool("net", "Net", 1))
    plan = room(
        svc(
            "a",
            servers=["x2"],
            standby_servers=["w"],
            failover_minutes=5,
            needs={"ops": 1},
            failover_needs={"net": 1},
        ),
        svc("b", servers=["z"], restart_minutes=5, needs={"ops": 2}, restart_needs={"ops": 1}),
        pools=pools,
    )
    result = run(plan, ["pa", "pb"], {"pb": 0.5}, declared=0.5)
    assert one(result, "a").needs == {"net": 1}
    assert one(result, "b").needs == {"ops": 1}


def test_a_pool_shared_by_modes_is_never_over_capacity() -> None:
    # Two restarts and a restore all need the one crew: they run one after another.
    plan = room(
        svc("a", servers=["x2"], restart_minutes=10, needs={"crew": 1}),
        svc("b", servers=["x3"], restart_minutes=10, needs={"crew": 1}),
        svc("c", servers=["x1"], restore_minutes=15, needs={"crew": 1}),
        pools=(Pool("crew", "Crew", 1),),
    )
    result = run(plan, ["pa", "pb", "pc"], {"pa": 30, "pc": 30}, declared=10)
    tasks = sorted((s.start, s.finish) for s in result.services if s.start is not None)
    assert len(tasks) == 3
    for (_s1, f1), (s2, _f2) in itertools.pairwise(tasks):
        assert f1 <= s2
    assert one(result, "c").start >= 10  # type: ignore[operator]
    assert result.lower_bound_minutes <= result.recovery_minutes


def test_choosing_modes_while_placing_beats_the_isolated_choice() -> None:
    # In isolation both prefer the 10-minute restart on the one crew; placed one after the
    # other, the second is done sooner by its 12-minute restore on the other pool.
    pools = (Pool("crew", "Crew", 1), Pool("vendor", "Vendor", 1))
    kw = dict(restart_minutes=10, restart_needs={"crew": 1}, restore_minutes=12)
    plan = room(
        svc("a", servers=["x2"], needs={"vendor": 1}, **kw),
        svc("b", servers=["x3"], needs={"vendor": 1}, **kw),
        pools=pools,
    )
    result = run(plan, ["pa", "pc"], {"pa": 0.5, "pc": 0.5}, declared=0.5, effort=1)
    assert sorted(s.mode for s in result.services if s.mode) == ["restart", "restore"]
    assert result.recovery_minutes == 12.5


def test_a_dependency_waits_and_the_chain_walks_back_to_the_release() -> None:
    plan = room(
        svc("db", servers=["x2"], restart_minutes=10, restore_minutes=300),
        svc("app", servers=["x1"], restore_minutes=20, depends_on=["db"], rto_minutes=60),
    )
    result = run(plan, ["pa", "pb"], {"pa": 100}, declared=40)
    db, app = one(result, "db"), one(result, "app")
    assert (db.mode, db.start, db.finish) == ("restart", 100, 110)
    assert (app.start, app.finish) == (110, 130)
    assert result.critical_path == ("db", "app")
    assert app.meets_rto is False and app.miss_reason == "path"


def test_a_miss_caused_by_the_release_says_so() -> None:
    plan = room(svc("a", servers=["x2"], restart_minutes=10, restore_minutes=300, rto_minutes=60))
    a = one(run(plan, ["pa"], {"pa": 100}, declared=40), "a")
    assert a.miss_reason == "release"
    assert miss_reason_text(a) == "waits for pa to return at T+1:40"
    plan = room(svc("b", servers=["x2"], restore_minutes=30, rto_minutes=60))
    b = one(run(plan, ["pa"], declared=45), "b")
    assert b.miss_reason == "release"
    assert miss_reason_text(b) == "cannot start before the declaration at T+0:45"


def test_the_lower_bound_takes_releases_and_the_cheapest_mode() -> None:
    plan = room(svc("a", servers=["x2"], restart_minutes=10, restore_minutes=60))
    result = run(plan, ["pa"], {"pa": 100}, declared=40)
    # Each mode finishes no earlier than its release + duration: restart 100 + 10,
    # restore 40 + 60; the smaller, 100, is a bound and the optimum.
    assert result.lower_bound_minutes == 100 and result.recovery_minutes == 100
    assert result.proven_optimal
    # The relaxed problem alone (release min(100, 40), duration min(10, 60)) gives 50.
    _impact, graph, _schedule = schedule_scenario(plan, "sc")
    assert graph.multi is not None
    assert lower_bound(relaxed(graph.multi)) == 50


def test_the_earliest_finishes_propagate_along_dependencies() -> None:
    plan = room(
        svc("db", servers=["x2"], restart_minutes=30, restore_minutes=200),
        svc("app", servers=["x2"], depends_on=["db"], restart_minutes=20, restore_minutes=50),
    )
    result = run(plan, ["pa"], {"pa": 100}, declared=40)
    # db: min(100 + 30, 40 + 200) = 130; app: min(max(100, 130) + 20, max(40, 130) + 50)
    # = 150, which the restarts reach. The relaxed problem alone: 40 + 30 + 20 = 90.
    assert result.recovery_minutes == 150
    assert result.lower_bound_minutes == 150 and result.proven_optimal
    _impact, graph, _schedule = schedule_scenario(plan, "sc")
    assert graph.multi is not None
    assert lower_bound(relaxed(graph.multi)) == 90


def test_the_energy_bound_uses_the_earliest_finishes_as_heads() -> None:
    pools = (Pool("ops", "Ops", 1),)
    plan = room(
        svc("a", servers=["x2"], restart_minutes=30, restore_minutes=500, needs={"ops": 1}),
        svc("b", servers=["x2"], restart_minutes=30, restore_minutes=500, needs={"ops": 1}),
        pools=pools,
    )
    result = run(plan, ["pa"], {"pa": 100}, declared=0)
    # Both restart no earlier than 100 and share one operator: 100 + 30 + 30. No
    # critical path reaches it (130 each), the energy from head 100 does.
    assert result.recovery_minutes == 160
    assert result.lower_bound_minutes == 160


def test_exact_mode_proves_the_multi_mode_optimum() -> None:
    pytest.importorskip("ortools")
    pools = (Pool("crew", "Crew", 1), Pool("vendor", "Vendor", 1))
    kw = dict(restart_minutes=10, restart_needs={"crew": 1}, restore_minutes=12)
    plan = room(
        svc("a", servers=["x2"], needs={"vendor": 1}, **kw),
        svc("b", servers=["x3"], needs={"vendor": 1}, **kw),
        svc("c", servers=["y3"], needs={"vendor": 1}, **kw),
        pools=pools,
    )
    heuristic = run(plan, ["pa", "pc"], {"pa": 1, "pc": 2}, declared=1)
    exact = run(plan, ["pa", "pc"], {"pa": 1, "pc": 2}, declared=1, exact_seconds=10)
    assert exact.recovery_minutes <= heuristic.recovery_minutes
    assert exact.proven_optimal
    assert exact.lower_bound_minutes <= exact.recovery_minutes


def test_without_time_the_v1_rule_holds() -> None:
    # No returns, no declaration, no failed domain: failover whenever available.
    plan = room(svc("a", servers=["x2"], standby_servers=["w"], failover_minutes=90))
    result = run(plan, ["r2"])
    a = one(result, "a")
    assert (a.mode, a.state, a.start, a.earliest_start, a.released_by) == (
        "failover",
        "failover",
        0,
        0,
        None,
    )
    assert not result.impact.modes


# -- the command line's report ---------------------------------------------------------


def test_the_report_names_the_modes_releases_and_waits() -> None:
    plan = room(
        svc("a", servers=["x2"], restart_minutes=10, restore_minutes=200),
        svc("b", servers=["x1"], restore_minutes=20),
    )
    result = run(plan, ["pa", "pb"], {"pa": 100}, declared=40)
    data = result_to_json(result)
    assert data["declared_after_minutes"] == 40 and data["returns"] == {"pa": 100}
    rows = {s["id"]: s for s in data["services"]}
    assert (rows["a"]["mode"], rows["a"]["earliest_start"], rows["a"]["released_by"]) == (
        "restart",
        100,
        "pa",
    )
    assert (rows["b"]["mode"], rows["b"]["earliest_start"], rows["b"]["released_by"]) == (
        "restore",
        40,
        None,
    )
    assert data["lost"]["domains"] == ["pa", "pb"]
    text = result_to_text(result, "time")
    assert "declared after 0:40" in text
    assert "back: pa at 1:40" in text
    assert "  a until 1:40 (pa back)" in text
    assert "b until" not in text
