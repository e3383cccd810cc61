"""The resilience analysis on hand-made plans: cut sets through at-least-k instances,
standbys, dependencies, domains and services with no servers; each finding kind; the
blast radius listing; N-1/N-2; what-if."""

from __future__ import annotations

from datetime import date

import pytest

from planner.analysis import AnalysisCancelled, analyze, to_json
from planner.analysis.findings import steps_needing_tooling
from planner.engine.impact import ScenarioError
from planner.engine.recovery import compute
from planner.model import Plan, Pool, Rack, Scenario, Server, Service, Site
from planner.model.plan import DataCopy, Domain

DAY = date(2026, 3, 1)


def base() -> Plan:
    """Two sites, three racks (r1, r2 in A; r3 in B), one server per rack unit."""
    plan = Plan(name="hand-made")
    plan.sites = [Site("A", "Site A"), Site("B", "Site B")]
    plan.racks = [Rack("r1", "A", "R1"), Rack("r2", "A", "R2"), Rack("r3", "B", "R3")]
    plan.servers = [
        Server(f"{r}-{i}", r, f"{r}-{i}", i) for r in ("r1", "r2", "r3") for i in (1, 2)
    ]
    plan.pools = [Pool("crew", "Crew", 1)]
    return plan


def cuts_of(
    plan: Plan, sid: str, **kw: object
) -> tuple[set[tuple[str, ...]], set[tuple[str, ...]]]:
    analysis = analyze(plan, as_of=DAY, **kw)  # type: ignore[arg-type]
    found = analysis.cuts(sid)
    assert found is not None
    return set(found.impacted), set(found.restore)


def test_two_of_three_instances_need_any_two_racks_lost() -> None:
    plan = base()
    plan.services = [
        Service(
            "q", "Quorum", servers=["r1-1", "r2-1", "r3-1"], min_instances=2, restore_minutes=30
        )
    ]
    impacted, restore = cuts_of(plan, "q")
    # Site A holds two of the three: alone it breaks the quorum; else any two of them.
    assert ("A",) in restore
    assert ("r1", "r3") in restore and ("r2", "r3") in restore
    assert ("r1-1", "r3-1") in restore and ("B", "r1") in restore
    assert ("r1", "r2") in restore  # both racks of site A, yet minimal: {A} is not in it
    assert impacted == restore


def test_pairs_under_a_single_cut_are_not_listed() -> None:
    plan = base()
    plan.services = [Service("q", "Quorum", servers=["r1-1", "r2-1", "r3-1"], min_instances=2)]
    _impacted, restore = cuts_of(plan, "q")
    for cut in restore:
        if len(cut) == 2:
            assert not any((c,) in restore for c in cut), cut


def test_a_standby_turns_a_restore_into_a_failover() -> None:
    plan = base()
    plan.services = [
        Service(
            "db",
            "DB",
            servers=["r1-1"],
            standby_servers=["r3-1"],
            failover_minutes=10,
            restore_minutes=120,
        )
    ]
    impacted, restore = cuts_of(plan, "db")
    assert {("A",), ("r1",), ("r1-1",)} <= impacted  # a failover is still an impact
    assert ("r1",) not in restore  # ... but not a restore
    assert ("r1", "r3") in restore and ("A", "B") in restore


def test_a_dependency_brings_its_cut_sets_and_a_chain() -> None:
    plan = base()
    plan.services = [
        Service("console", "Console", tier=0, servers=["r1-1", "r1-2"], restore_minutes=60),
        Service(
            "app",
            "App",
            tier=0,
            servers=["r1-2", "r3-1"],
            standby_servers=["r3-2"],
            failover_minutes=5,
            depends_on=["console"],
        ),
    ]
    analysis = analyze(plan, as_of=DAY)
    app = analysis.cuts("app")
    assert app is not None
    assert ("r1",) in app.restore
    assert app.chains["r1"] == ("app", "console")
    kinds = [f.kind for f in analysis.findings]
    assert "hidden_single_point" in kinds
    hidden = next(f for f in analysis.findings if f.kind == "hidden_single_point")
    assert hidden.ids[0] == "console" and "app" in hidden.ids
    assert "console runs only on rack R1 (r1)" in hidden.message
    assert hidden.failed == ("r1",)
    assert "app" in analysis.single_points


def test_dual_feeds_need_both_feeds_lost() -> None:
    plan = base()
    plan.domains = [Domain("fa", "Feed A", "power", "A"), Domain("fb", "Feed B", "power", "A")]
    plan.racks[0].domains = ["fa", "fb"]
    plan.racks[1].domains = ["fa"]
    plan.services = [
        Service("dual", "Dual", servers=["r1-1"]),
        Service("single", "Single", servers=["r2-1"]),
    ]
    _i, dual = cuts_of(plan, "dual")
    _i, single = cuts_of(plan, "single")
    assert ("fa", "fb") in dual and ("fa",) not in dual
    assert ("fa",) in single


def test_a_service_with_no_servers_is_down_only_through_its_dependencies() -> None:
    plan = base()
    plan.services = [
        Service("status", "Status page"),
        Service("front", "Front", depends_on=["back"]),
        Service("back", "Back", servers=["r3-1"]),
    ]
    _i, status = cuts_of(plan, "status")
    impacted, restore = cuts_of(plan, "front")
    assert impacted == restore
    assert status == set()
    assert ("r3",) in restore and ("B",) in restore and ("r3-1",) in restore


def test_order_one_lists_no_pairs_and_tiers_limit_order_two() -> None:
    plan = base()
    plan.services = [
        Service("low", "Low", tier=3, servers=["r1-1", "r3-1"]),
        Service("top", "Top", tier=0, servers=["r1-2", "r3-2"]),
    ]
    analysis = analyze(plan, order=1, as_of=DAY)
    assert all(len(c) <= 1 for s in analysis.services for c in s.restore)
    analysis = analyze(plan, order=2, tiers=[0], as_of=DAY)
    low, top = analysis.cuts("low"), analysis.cuts("top")
    assert low is not None and top is not None
    assert low.order == 1 and top.order == 2
    assert ("r1", "r3") in top.restore
    assert not any(len(c) == 2 for c in low.restore)


def test_shared_standby_finding() -> None:
    plan = base()
    plan.services = [
        Service(
            "pay",
            "Payments",
            tier=1,
            servers=["r1-1"],
            standby_servers=["r2-1"],
            failover_minutes=10,
            failover_tested_on=DAY,
        )
    ]
    analysis = analyze(plan, as_of=DAY)
    shared = [f for f in analysis.findings if f.kind == "shared_standby"]
    assert len(shared) == 1
    assert shared[0].failed == ("A",)
    assert "share site Site A (A)" in shared[0].message
    assert shared[0].severity == "high"


def test_copies_under_one_domain_finding_and_data_lost() -> None:
    plan = base()
    plan.services = [
        Service(
            "media",
            "Media",
            tier=1,
            servers=["r1-1", "r3-1"],
            data=[DataCopy("a", ["r1"]), DataCopy("b", ["r2-1"], 60, "backup")],
        )
    ]
    analysis = analyze(plan, as_of=DAY)
    finding = next(f for f in analysis.findings if f.kind == "copies_share_domain")
    assert finding.severity == "critical"
    assert finding.failed == ("A",)
    site_a = next(r for r in analysis.domains if r.id == "A")
    assert site_a.data_lost == ("media",)
    assert next(r for r in analysis.domains if r.id == "B").data_lost == ()


def test_untested_failover_finding_groups_by_tier() -> None:
    plan = base()
    plan.services = [
        Service("a", "A", tier=0, servers=["r1-1"], standby_servers=["r3-1"], failover_minutes=5),
        Service(
            "b",
            "B",
            tier=2,
            servers=["r1-2"],
            standby_servers=["r3-2"],
            failover_minutes=5,
            failover_tested_on=date(2024, 1, 1),
        ),
        Service(
            "c",
            "C",
            tier=0,
            servers=["r2-1"],
            standby_servers=["r3-1"],
            failover_minutes=5,
            failover_tested_on=DAY,
        ),
    ]
    found = [f for f in analyze(plan, as_of=DAY).findings if f.kind == "untested_failover"]
    assert [(f.severity, f.ids) for f in found] == [("high", ("a",)), ("medium", ("b",))]
    assert "a (never tested)" in found[0].message and "last 2024-01-01" in found[1].message


def test_rto_no_schedule_can_meet() -> None:
    plan = base()
    plan.services = [
        Service("db", "DB", tier=1, servers=["r1-1"], restore_minutes=120),
        Service(
            "app",
            "App",
            tier=1,
            rto_minutes=60,
            servers=["r1-2"],
            restore_minutes=10,
            depends_on=["db"],
        ),
        Service("ok", "OK", tier=1, rto_minutes=600, servers=["r1-2"], restore_minutes=10),
    ]
    found = [f for f in analyze(plan, as_of=DAY).findings if f.kind == "rto_unmeetable"]
    assert [f.ids for f in found] == [("app",)]
    assert "RTO of 1:00" in found[0].message and "2:10" in found[0].message


def tooling_plan() -> Plan:
    plan = base()
    plan.services = [
        Service("console", "Console", tier=0, servers=["r1-1"], restore_minutes=60),
        Service(
            "app",
            "App",
            tier=0,
            servers=["r1-2"],
            standby_servers=["r3-1"],
            failover_minutes=5,
            depends_on=["console"],
            failover_tested_on=DAY,
        ),
        Service("other", "Other", tier=2, servers=["r2-1"], restore_minutes=30),
    ]
    plan.services[0].recovery_tooling = True  # type: ignore[attr-defined]
    plan.scenarios = [Scenario("a-lost", "Site A lost", ["A"])]
    return plan


def test_single_homed_recovery_tooling_is_the_top_finding() -> None:
    analysis = analyze(tooling_plan(), as_of=DAY)
    top = analysis.findings[0]
    assert top.kind == "tooling_down"
    assert top.ids[0] == "console"
    assert top.message.startswith("recovery tooling console runs only on server r1-1")
    scenario = [f for f in analysis.findings if f.kind == "tooling_down" and f.scenario]
    assert scenario and scenario[0].scenario == "a-lost"
    assert "app" in scenario[0].ids  # the step that needs the console


def test_steps_needing_tooling() -> None:
    plan = tooling_plan()
    result = compute(plan, "a-lost", as_of=DAY)
    assert steps_needing_tooling(plan, result) == {"app": ("console",)}
    calm = compute(plan, failed=["r2"], as_of=DAY)
    assert steps_needing_tooling(plan, calm) == {}


def test_what_if_made_redundant_and_one_more_pool_unit() -> None:
    plan = tooling_plan()
    plan.services[2].needs = {"crew": 1}
    plan.services[0].needs = {"crew": 1}
    analysis = analyze(plan, as_of=DAY)
    redundant = next(w for w in analysis.what_if if w.target == "console")
    assert redundant.kind == "redundant" and redundant.scenario == "a-lost"
    assert redundant.recovery_minutes_before == 90  # console 60 then other 30, one crew
    assert redundant.recovery_minutes_after == 30
    assert redundant.sentence().startswith("make console redundant: Site A lost 1:30 -> 0:30")
    pool = next(w for w in analysis.what_if if w.kind == "pool")
    assert pool.recovery_minutes_after == 65  # both restores at once, then app's failover
    limiting = [f for f in analysis.findings if f.kind == "limiting_pool"]
    assert limiting and limiting[0].ids == ("crew",)


def test_blast_radius_lists_sites_and_domains_and_counts_quiet_racks_and_servers() -> None:
    plan = base()
    plan.domains = [Domain("fa", "Feed A", "power", "A")]
    plan.services = [
        Service(
            "s", "S", servers=["r1-1", "r3-1"], min_instances=2, rto_minutes=5, restore_minutes=30
        )
    ]
    analysis = analyze(plan, as_of=DAY)
    ids = [r.id for r in analysis.domains]
    assert ids[0] in ("A", "B") and "fa" in ids  # sites and domains always listed
    assert "r2" not in ids and "r2-1" not in ids
    assert analysis.unchanged == {"rack": 1, "server": 4}
    r1 = next(r for r in analysis.domains if r.id == "r1")
    assert r1.impacted == ("s",) and r1.rto_misses == ("s",) and r1.worst_tier == 2


def test_site_n1_and_n2() -> None:
    plan = base()
    plan.services = [
        Service("two", "Two sites", tier=0, servers=["r1-1", "r3-1"]),
        Service(
            "sb", "Standby", tier=1, servers=["r3-2"], standby_servers=["r1-2"], failover_minutes=5
        ),
    ]
    analysis = analyze(plan, as_of=DAY)
    after_a = next(n for n in analysis.site_n1 if n.site == "A")
    assert after_a.still_single == ("two", "sb")
    assert "B" in after_a.single_points["two"]
    assert after_a.no_standby_left == ("sb",)
    assert [(n.sites, n.restore) for n in analysis.site_n2] == [(("A", "B"), ("two", "sb"))]


def test_json_contract() -> None:
    data = to_json(analyze(tooling_plan(), as_of=DAY))
    for key in ("domains", "services", "site_n1", "findings", "what_if"):
        assert key in data
    domain = data["domains"][0]
    assert set(domain) >= {
        "id",
        "kind",
        "impacted",
        "restore",
        "data_lost",
        "recovery_minutes",
        "rto_misses",
    }
    service = next(s for s in data["services"] if s["id"] == "app")
    restore = service["cut_sets"]["restore"]
    assert restore == sorted(restore, key=lambda c: (len(c), c))
    assert set(data["site_n1"][0]) >= {"site", "still_single", "no_standby_left"}
    assert set(data["findings"][0]) >= {"kind", "severity", "ids", "message"}
    assert set(data["what_if"][0]) >= {
        "change",
        "scenario",
        "recovery_minutes_before",
        "recovery_minutes_after",
    }


def test_a_plan_that_cannot_be_computed_is_refused() -> None:
    plan = base()
    plan.services = [Service("a", "A", depends_on=["b"]), Service("b", "B", depends_on=["a"])]
    with pytest.raises(ScenarioError):
        analyze(plan)


def test_progress_can_cancel() -> None:
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        calls.append((done, total))
        return False

    with pytest.raises(AnalysisCancelled):
        analyze(tooling_plan(), progress=progress)
    assert calls and all(0 <= d <= t for d, t in calls)
