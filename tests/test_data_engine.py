"""Data copies, RPO and untested failovers (issue 14): every clause of docs/engine.md,
"Data", on small hand-made plans, and the shared wording of planner/engine/data.py."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from planner.engine.data import (
    copy_label,
    copy_state_text,
    failover_test_stale,
    lag_text,
    loss_sentence,
    restore_sentence,
    untested_sentence,
)
from planner.engine.recovery import CopyState, RecoveryResult, ServiceRecovery, compute
from planner.model import Plan, Rack, Scenario, Server, Service, Site
from planner.model.plan import DataCopy, Domain

DAY = date(2026, 3, 1)


def world(*services: Service, scenarios: tuple[Scenario, ...] = ()) -> Plan:
    """Sites Pangyo (rack rp on feed pf, server p1; rack rq, server q1) and Gasan (rack
    rg, server g1); feed pf belongs to Pangyo; feed lone has no site."""
    return Plan(
        name="data",
        sites=[Site("pangyo", "Pangyo"), Site("gasan", "Gasan")],
        domains=[
            Domain("pf", "Feed P", "power", site="pangyo"),
            Domain("lone", "Lone feed", "power"),
        ],
        racks=[
            Rack("rp", "pangyo", "RP", domains=["pf"]),
            Rack("rq", "pangyo", "RQ"),
            Rack("rg", "gasan", "RG"),
        ],
        servers=[
            Server("p1", "rp", "p1", 1),
            Server("q1", "rq", "q1", 1),
            Server("g1", "rg", "g1", 1),
        ],
        services=list(services),
        scenarios=list(scenarios),
    )


def svc(sid: str, **kw: object) -> Service:
    kw.setdefault("restore_minutes", 60)
    kw.setdefault("servers", ["p1"])
    return Service(sid, sid, **kw)  # type: ignore[arg-type]


def run(plan: Plan, failed: list[str], returns: dict[str, float] | None = None, **kw: object):
    scenario = Scenario("sc", "Scenario", failed, dict(returns or {}), **kw)  # type: ignore[arg-type]
    plan.scenarios = [scenario]
    return compute(plan, "sc", as_of=DAY)


def states(rec: ServiceRecovery | None) -> list[tuple[str, str, float | None]]:
    assert rec is not None
    return [(c.id, c.state, c.until) for c in rec.copies]


def test_a_copy_on_a_returning_feed_is_unavailable_one_in_a_burning_site_destroyed() -> None:
    copies = [DataCopy("onp1", ["p1"], 0), DataCopy("onpf", ["pf"], 5)]
    plan = world(svc("db", data=copies, servers=["g1"]))
    rec = run(plan, ["pf"], {"pf": 120}).service("db")
    assert states(rec) == [("onp1", "unavailable", 120), ("onpf", "unavailable", 120)]
    assert rec is not None and rec.data_loss_minutes == 0 and rec.data_lost is False
    rec = run(plan, ["pangyo"]).service("db")
    assert states(rec) == [("onp1", "destroyed", None), ("onpf", "destroyed", None)]
    assert rec is not None and rec.data_lost and rec.data_loss_minutes is None
    # A domain's back is max(R(d), R(its site)): the feed returns, the site burns.
    rec = run(plan, ["pf", "pangyo"], {"pf": 10}).service("db")
    assert states(rec) == [("onp1", "destroyed", None), ("onpf", "destroyed", None)]
    # The site returns later than the feed: the copy on the feed waits for the site.
    rec = run(plan, ["pf", "pangyo"], {"pf": 10, "pangyo": 300}).service("db")
    assert states(rec) == [("onp1", "unavailable", 300), ("onpf", "unavailable", 300)]


def test_a_copy_survives_while_any_of_its_locations_is_up() -> None:
    both = DataCopy("both", ["p1", "g1"], 15, "replica")
    rack = DataCopy("rack", ["rq"], 30, "backup")
    lone = DataCopy("lone", ["lone"], 45, "backup")
    plan = world(svc("db", data=[both, rack, lone], servers=["g1"]))
    rec = run(plan, ["pangyo"]).service("db")
    assert states(rec) == [
        ("both", "available", None),
        ("rack", "destroyed", None),
        ("lone", "available", None),
    ]
    assert rec is not None and rec.data_loss_minutes == 15
    rec = run(plan, ["rq", "lone"], {"rq": 50}).service("db")
    assert states(rec) == [
        ("both", "available", None),
        ("rack", "unavailable", 50),
        ("lone", "destroyed", None),
    ]


def test_a_synchronous_replica_loses_nothing_and_meets_a_zero_rpo() -> None:
    copies = [DataCopy("primary", ["p1"], 0), DataCopy("replica", ["g1"], 0, "replica")]
    plan = world(svc("talk", data=copies, rpo_minutes=0, servers=["p1"]))
    result = run(plan, ["pangyo"])
    rec = result.service("talk")
    assert rec is not None
    assert (rec.data_loss_minutes, rec.data_lost, rec.meets_rpo) == (0, False, True)
    assert rec.restore_from == "replica" and rec.mode == "restore"
    assert result.data_lost == () and result.rpo_misses == ()
    assert loss_sentence(plan, result, rec) == (
        "talk: loses no writes (RPO 0 min): met; 1 of 2 copies survive"
    )


def test_a_backup_only_service_loses_its_lag_and_misses_a_tighter_rpo() -> None:
    plan = world(
        svc("media", data=[DataCopy("nightly", ["gasan"], 1440, "backup")], rpo_minutes=60),
        svc("other", servers=["g1"]),
    )
    result = run(plan, ["pangyo"])
    rec = result.service("media")
    assert rec is not None
    assert (rec.data_loss_minutes, rec.data_lost, rec.meets_rpo) == (1440, False, False)
    assert result.rpo_misses == ("media",) and result.data_lost == ()
    assert rec.restore_from == "nightly"
    assert loss_sentence(plan, result, rec) == (
        "media: loses up to 24 h of writes (RPO 1 h): missed"
    )
    # Its only copy's site lost for good too: the data is lost, the RPO missed, and the
    # restore still runs (rebuilt empty) without a copy to restore from.
    result = run(plan, ["pangyo", "gasan"])
    rec = result.service("media")
    assert rec is not None
    assert (rec.data_loss_minutes, rec.data_lost, rec.meets_rpo) == (None, True, False)
    assert rec.mode == "restore" and rec.start == 0 and rec.restore_from is None
    assert result.data_lost == ("media",) and result.rpo_misses == ("media",)
    assert loss_sentence(plan, result, rec) == (
        "media: every copy was in Gasan; 0 of 1 copy survives"
    )


def test_no_copies_means_nothing_is_said_about_data() -> None:
    plan = world(svc("app", rpo_minutes=5))
    result = run(plan, ["pangyo"])
    rec = result.service("app")
    assert rec is not None
    assert rec.rpo_minutes == 5
    assert (rec.data_loss_minutes, rec.data_lost, rec.meets_rpo) == (None, False, None)
    assert rec.copies == () and rec.restore_from is None
    assert result.data_lost == () and result.rpo_misses == ()
    assert loss_sentence(plan, result, rec) == "app: no data copies recorded"


def test_data_is_computed_for_every_service_whatever_its_state() -> None:
    plan = world(svc("up", servers=["g1"], data=[DataCopy("c", ["pangyo"], 0)], rpo_minutes=1))
    result = run(plan, ["pangyo"])
    rec = result.service("up")
    assert rec is not None and rec.state == "unaffected"
    assert rec.data_lost and rec.meets_rpo is False and result.data_lost == ("up",)


def test_a_restore_waits_for_its_only_copy_to_come_back() -> None:
    plan = world(svc("db", data=[DataCopy("c", ["pangyo"], 10, "backup")]))
    rec = run(plan, ["pangyo"], {"pangyo": 300}).service("db")
    assert rec is not None and rec.mode == "restore"
    assert (rec.earliest_start, rec.released_by) == (300, "pangyo")
    assert rec.start == 300 and rec.restore_from == "c"
    # A later declaration sets the release; the copy is back by then.
    rec = run(plan, ["pangyo"], {"pangyo": 300}, declared_after_minutes=500).service("db")
    assert rec is not None
    assert (rec.earliest_start, rec.released_by, rec.start) == (500, None, 500)


def test_a_restore_does_not_wait_when_some_copy_is_available_and_takes_the_freshest() -> None:
    near = DataCopy("near", ["rq"], 0, "replica")
    far = DataCopy("far", ["gasan"], 1440, "backup")
    plan = world(svc("db", data=[near, far], rpo_minutes=60))
    rec = run(plan, ["pangyo"], {"pangyo": 300}).service("db")
    assert rec is not None
    assert rec.earliest_start == 0 and rec.start == 0
    assert rec.restore_from == "far"  # the only copy available at the start
    assert rec.data_loss_minutes == 0 and rec.meets_rpo is True  # near is not destroyed
    # With the declaration after the replica is back, the restore takes the replica.
    rec = run(plan, ["pangyo"], {"pangyo": 300}, declared_after_minutes=300).service("db")
    assert rec is not None and rec.start == 300 and rec.restore_from == "near"


def test_restore_from_ties_go_to_plan_order_and_only_restores_name_a_copy() -> None:
    a, b = DataCopy("a", ["g1"], 5), DataCopy("b", ["gasan"], 5)
    plan = world(
        svc("db", data=[a, b]),
        svc("fo", data=[a], failover_minutes=5, standby_servers=["g1"],
            failover_tested_on=DAY),
    )  # fmt: skip
    result = run(plan, ["pangyo"])
    assert result.service("db").restore_from == "a"  # type: ignore[union-attr]
    fo = result.service("fo")
    assert fo is not None and fo.mode == "failover" and fo.restore_from is None


def failover(**kw: object) -> Service:
    return svc("pay", failover_minutes=10, standby_servers=["g1"], **kw)


def test_an_untested_failover_is_marked_and_still_used_without_the_flag() -> None:
    plan = world(failover())
    result = run(plan, ["pangyo"])
    rec = result.service("pay")
    assert rec is not None and rec.mode == "failover" and rec.failover_untested
    assert result.untested_failovers_fail is False and result.as_of == DAY
    assert untested_sentence(plan, result, rec) == "pay: failover never tested; relied on"


@pytest.mark.parametrize("timed", [False, True])
def test_with_the_flag_an_untested_failover_is_removed_and_the_service_restores(
    timed: bool,
) -> None:
    plan = world(failover())
    extra = {"declared_after_minutes": 5} if timed else {}
    result = run(plan, ["pangyo"], untested_failovers_fail=True, **extra)
    rec = result.service("pay")
    assert rec is not None and rec.mode == "restore" and rec.failover_untested
    assert result.untested_failovers_fail is True
    assert untested_sentence(plan, result, rec) == (
        "pay: failover never tested; not used: untested failovers fail in this scenario"
    )
    # A recent test keeps the failover.
    plan.services[0].failover_tested_on = DAY - timedelta(days=10)
    rec = run(plan, ["pangyo"], untested_failovers_fail=True, **extra).service("pay")
    assert rec is not None and rec.mode == "failover" and not rec.failover_untested


def test_a_test_exactly_max_age_days_old_still_counts_one_day_more_does_not() -> None:
    plan = world(failover(failover_tested_on=DAY - timedelta(days=365)))
    rec = run(plan, ["pangyo"], untested_failovers_fail=True).service("pay")
    assert rec is not None and not rec.failover_untested and rec.mode == "failover"
    plan.services[0].failover_tested_on = DAY - timedelta(days=366)
    result = run(plan, ["pangyo"], untested_failovers_fail=True)
    rec = result.service("pay")
    assert rec is not None and rec.failover_untested and rec.mode == "restore"
    assert untested_sentence(plan, result, rec) == (
        "pay: failover last tested 2025-02-28, 366 days before 2026-03-01 (limit 365 days);"
        " not used: untested failovers fail in this scenario"
    )
    plan.failover_test_max_age_days = 366
    assert not run(plan, ["pangyo"]).service("pay").failover_untested  # type: ignore[union-attr]
    tested = date(2024, 2, 29)  # a leap day: days are counted, not years
    service = Service("x", "x", failover_tested_on=tested)
    assert not failover_test_stale(service, date(2025, 2, 28), 365)
    assert failover_test_stale(service, date(2025, 3, 1), 365)


def test_the_scenario_date_wins_over_the_argument_which_wins_over_today() -> None:
    plan = world(failover(failover_tested_on=date(2026, 1, 1)))
    plan.scenarios = [Scenario("sc", "Sc", ["pangyo"], as_of=date(2027, 6, 1))]
    result = compute(plan, "sc", as_of=date(2026, 2, 1))
    assert result.as_of == date(2027, 6, 1) and result.service("pay").failover_untested  # type: ignore[union-attr]
    plan.scenarios[0].as_of = None
    result = compute(plan, "sc", as_of=date(2026, 2, 1))
    assert result.as_of == date(2026, 2, 1) and not result.service("pay").failover_untested  # type: ignore[union-attr]
    assert compute(plan, "sc").as_of == date.today()
    # Ad hoc failures carry no flag; the argument still dates the tests.
    adhoc = compute(plan, failed=["pangyo"], as_of=date(2028, 1, 1))
    assert adhoc.untested_failovers_fail is False and adhoc.service("pay").failover_untested  # type: ignore[union-attr]


def test_untested_marks_only_services_with_a_failover_option() -> None:
    plan = world(
        svc("up", servers=["g1"], failover_minutes=5, standby_servers=["q1"]),
        svc("nostandby", failover_minutes=5, standby_servers=["q1"]),
        svc("nofailover"),
    )
    result = run(plan, ["pangyo"])
    assert [s.id for s in result.services if s.failover_untested] == []
    plan.services[1].standby_servers = ["g1"]
    result = run(plan, ["pangyo"])
    assert [s.id for s in result.services if s.failover_untested] == ["nostandby"]


def test_wording() -> None:
    assert [lag_text(m) for m in (0, 15, 1440, 90, 60, 7.5)] == [
        "synchronous",
        "15 min",
        "24 h",
        "1:30",
        "1 h",
        "7.5 min",
    ]
    backup = DataCopy("nightly", ["g1"], 1440, "backup")
    other = DataCopy("weekly", ["rg"], 10080, "backup")
    both = DataCopy("both", ["p1", "gasan"], 0, "replica")
    lone = DataCopy("l", ["lone"], 0, "offline")
    db = svc("db", data=[backup, both, lone])
    plan = world(db)
    assert copy_label(plan, db, backup) == "the Gasan backup"
    assert copy_label(plan, "db", "both") == "the Pangyo and Gasan replica"
    assert copy_label(plan, db, lone) == "the Lone feed offline copy"
    assert restore_sentence(plan, db, "nightly") == "restore from the Gasan backup, 24 h behind"
    assert restore_sentence(plan, db, "both") == (
        "restore from the Pangyo and Gasan replica, up to date"
    )
    db.data.append(other)  # two Gasan backups: the id tells them apart
    assert copy_label(plan, db, backup) == "the Gasan backup (nightly)"
    assert copy_state_text(CopyState("c", "unavailable", 90)) == "unavailable until T+1:30"
    assert copy_state_text(CopyState("c", "destroyed")) == "destroyed"


def test_the_pangyo_only_sentence_names_the_site_and_counts_copies() -> None:
    media = svc(
        "media-storage",
        data=[DataCopy("a", ["p1"], 0), DataCopy("b", ["rq"], 60, "backup")],
    )
    plan = world(media)
    result: RecoveryResult = run(plan, ["pangyo"])
    rec = result.service("media-storage")
    assert rec is not None
    assert loss_sentence(plan, result, rec) == (
        "media-storage: every copy was in Pangyo; 0 of 2 copies survive"
    )


def test_the_wording_follows_edits_of_the_plan() -> None:
    """Its look-ups are indexed: an edit in place, a replaced, removed or added item is
    still seen."""
    copy = DataCopy("c", ["g1"], 60, "backup")
    db = svc("db", data=[copy])
    plan = world(db)
    assert copy_label(plan, db, copy) == "the Gasan backup"
    plan.sites[1].name = "Gasan 2"
    assert copy_label(plan, db, copy) == "the Gasan 2 backup"
    plan.servers[2].rack = "rp"
    assert copy_label(plan, db, copy) == "the Pangyo backup"
    plan.servers[2] = Server("g1", "rg", "g1", 1)
    assert copy_label(plan, db, copy) == "the Gasan 2 backup"
    plan.servers.insert(0, Server("new", "rq", "new", 2))
    copy.on = ["new"]
    assert copy_label(plan, db, copy) == "the Pangyo backup"
    del plan.servers[0]
    assert copy_label(plan, db, copy) == "the new backup"
    assert restore_sentence(plan, "db", "c") == "restore from the new backup, 1 h behind"


def test_wording_a_large_plan_is_quick() -> None:
    """Every service of the scale plan with copies is worded in well under a second per
    thousand (linear look-ups would take minutes)."""
    import time

    from benchmarks.scale_plan import scale_plan, with_copies

    plan = with_copies(scale_plan())
    plan.scenarios = [Scenario("site1", "Site 1", ["site1"])]
    result = compute(plan, "site1", check=False, as_of=DAY)
    begin = time.process_time()
    lines = [loss_sentence(plan, result, s) for s in result.services]
    spent = time.process_time() - begin
    assert len(lines) == len(plan.services) and spent < 3
