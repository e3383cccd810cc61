"""The runbook of issue 13: each step names its mode, the summary gives the declaration
delay, the return times of the failed items and the steps that wait for a return.

The results are built by hand (:func:`powered_result`) with the engine's semantics: a
restart's earliest start is the return of ``released_by``, a manual failover's the
declaration, an automatic failover's 0.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from pypdf import PdfReader

from planner.engine.impact import Impact
from planner.engine.recovery import RecoveryResult, ServiceRecovery
from planner.model.plan import Domain, Plan, Pool, Rack, Scenario, Server, Service, Site
from planner.runbook.export import render_runbook
from planner.runbook.story import Meta, _Ctx, mode_text

FEED_B = "전원 B / Feed <B>"  # Korean and markup in a name the runbook prints
LONG_NAME = "배터리실 " * 40  # wraps, cut


def powered_plan() -> Plan:
    """Pangyo with two power feeds and a battery room, Anyang as the standby site."""
    plan = Plan(name="판교 전원 / Pangyo power")
    plan.sites = [Site("pg", "Pangyo 판교"), Site("ay", "Anyang 안양")]
    plan.domains = [
        Domain("feed-a", "Feed A", "power", site="pg"),
        Domain("feed-b", FEED_B, "power", site="pg"),
        Domain("room-1", LONG_NAME, "room", site="pg"),
    ]
    plan.racks = [
        Rack("pg-r1", "pg", "PG rack 1", domains=["feed-a"]),
        Rack("pg-r2", "pg", "PG rack 2", domains=["feed-b"]),
        Rack("ay-r1", "ay", "AY rack 1"),
    ]
    plan.servers = [
        Server("pg-s1", "pg-r1", "pg-s1", 1),
        Server("pg-s2", "pg-r2", "pg-s2", 1),
        Server("pg-s3", "pg-r2", "pg-s3", 3),
        Server("ay-s1", "ay-r1", "ay-s1", 1),
        Server("ay-s2", "ay-r1", "ay-s2", 3),
    ]
    plan.pools = [Pool("ops", "Operators", 4)]
    plan.services = [
        Service(
            "web",
            "Web 웹",
            tier=1,
            restore_minutes=60,
            failover_minutes=5,
            automatic_failover=True,
            servers=["pg-s1"],
            standby_servers=["ay-s1"],
            needs={"ops": 1},
        ),
        Service(
            "db",
            "Database",
            tier=1,
            restore_minutes=240,
            failover_minutes=20,
            servers=["pg-s1"],
            standby_servers=["ay-s2"],
            needs={"ops": 1},
            steps=["Promote the replica", "Point the app at it"],
        ),
        Service(
            "pay",
            "Payments 결제",
            tier=1,
            restore_minutes=3000,  # rebuilt elsewhere: slower than waiting for the power
            restart_minutes=60,
            servers=["pg-s2"],
            depends_on=["db"],
            needs={"ops": 1},
        ),
        Service(
            "search",
            "Search",
            tier=2,
            restore_minutes=120,
            servers=["pg-s3"],
            standby_servers=["ay-s2"],
            needs={"ops": 1},
        ),
        Service("batch", "Batch", tier=3, restore_minutes=90, servers=["pg-s3"]),
    ]
    plan.scenarios = [
        Scenario(
            "power",
            "Battery room fire 배터리실 화재",
            failed=["feed-a", "feed-b", "room-1"],
            returns={"feed-b": 1800, "feed-a": 1380},
            declared_after_minutes=40,
        )
    ]
    return plan


def _task(
    plan: Plan,
    sid: str,
    mode: str,
    start: float,
    minutes: float,
    *,
    earliest: float,
    released_by: str | None = None,
    waits_for: tuple[str, ...] = (),
) -> ServiceRecovery:
    service = plan.service(sid)
    assert service is not None
    return ServiceRecovery(
        id=sid,
        name=service.name,
        tier=service.tier,
        state=mode,  # type: ignore[arg-type]
        start=start,
        finish=start + minutes,
        recovered=start + minutes,
        rto_minutes=None,
        meets_rto=None,
        recovered_unlimited=start + minutes,
        miss_reason=None,
        needs=dict(service.needs),
        waits_for=waits_for,
        mode=mode,  # type: ignore[arg-type]
        earliest_start=earliest,
        released_by=released_by,
    )


def powered_result(plan: Plan) -> RecoveryResult:
    """The recovery of scenario "power" as the engine of issue 13 chooses it."""
    services = (
        _task(plan, "web", "failover", 0, 5, earliest=0),
        _task(plan, "db", "failover", 40, 20, earliest=40),
        _task(
            plan, "pay", "restart", 1800, 60, earliest=1800, released_by="feed-b", waits_for=("db",)
        ),
        _task(plan, "search", "restore", 40, 120, earliest=40),
        _task(plan, "batch", "restore", 40, 90, earliest=40),
    )
    impact = Impact(
        failed=("feed-a", "feed-b", "room-1"),
        lost_sites=(),
        lost_racks=("pg-r1", "pg-r2"),
        lost_servers=("pg-s1", "pg-s2", "pg-s3"),
        actions={},
        lost_domains=("feed-a", "feed-b", "room-1"),
        declared_after_minutes=40,
        returns={"feed-b": 1800, "feed-a": 1380},
    )
    return RecoveryResult(
        scenario="power",
        failed=impact.failed,
        impact=impact,
        services=services,
        recovery_minutes=1860,
        lower_bound_minutes=1860,
        proven_optimal=True,
        method="hand",
        objective="time",
        critical_path=("pay",),
        tier_minutes={1: 1860, 2: 160, 3: 130},
        schedules_evaluated=1,
        declared_after_minutes=40,
        returns={"feed-b": 1800, "feed-a": 1380},
    )


@pytest.fixture(scope="module")
def powered() -> tuple[Plan, RecoveryResult, str]:
    plan = powered_plan()
    result = powered_result(plan)
    data = render_runbook(plan, result, date="2026-01-02")
    reader = PdfReader(io.BytesIO(data))
    return plan, result, "\n".join(page.extract_text() or "" for page in reader.pages)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _ctx(plan: Plan, result: RecoveryResult) -> _Ctx:
    return _Ctx(plan, result, Meta("t", "d", "f", 500, 700))


def _words(markup_text: str) -> str:
    """Markup as the reader sees it: tags dropped, entities read."""
    text = re.sub(r"<[^>]+>", "", markup_text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# ---------------------------------------------------------------- the words of each mode


def test_each_mode_in_words() -> None:
    plan = powered_plan()
    result = powered_result(plan)
    ctx = _ctx(plan, result)
    said = {t.id: _words(mode_text(ctx, t)) for t in result.tasks}
    assert said["pay"] == f"Restart in place when {FEED_B} (feed-b) returns, expected T+30:00"
    assert said["web"] == "Fail over to standbys (automatic)"
    assert said["db"] == "Fail over to standbys after the declaration at T+0:40"
    # Search's standby in Anyang survives; batch has no server left anywhere.
    assert said["search"] == "Restore in Anyang 안양 (where its standby servers survive)"
    assert said["batch"] == "Restore"


def test_names_in_the_mode_are_escaped() -> None:
    plan = powered_plan()
    result = powered_result(plan)
    text = mode_text(_ctx(plan, result), result.service("pay"))  # type: ignore[arg-type]
    assert "Feed &lt;B&gt;" in text and "<B>" not in text


def test_restore_beside_surviving_servers_and_in_several_sites() -> None:
    plan = powered_plan()
    search = plan.service("search")
    assert search is not None
    search.standby_servers = []
    search.servers = ["pg-s3", "ay-s1"]  # one instance survives in Anyang
    ctx = _ctx(plan, powered_result(plan))
    task = powered_result(plan).service("search")
    assert task is not None
    assert _words(mode_text(ctx, task)) == "Restore in Anyang 안양 (beside its surviving servers)"
    plan.sites.append(Site("sd", "Seoul"))
    plan.racks.append(Rack("sd-r1", "sd", "SD rack"))
    plan.servers.append(Server("sd-s1", "sd-r1", "sd-s1", 1))
    search.standby_servers = ["ay-s1", "sd-s1", "pg-s1"]  # pg-s1 is lost
    ctx = _ctx(plan, powered_result(plan))
    assert _words(mode_text(ctx, task)) == (
        "Restore in Anyang 안양 or Seoul (where its standby servers survive)"
    )


def test_restart_released_by_the_declaration_and_without_a_delay() -> None:
    plan = powered_plan()
    result = powered_result(plan)
    pay = result.service("pay")
    assert pay is not None
    ctx = _ctx(plan, result)
    by_declaration = replace(pay, released_by=None, earliest_start=40, start=40)
    assert _words(mode_text(ctx, by_declaration)) == (
        "Restart in place after the declaration at T+0:40"
    )
    at_once = replace(result, declared_after_minutes=0)
    assert _words(mode_text(_ctx(plan, at_once), replace(by_declaration, earliest_start=0))) == (
        "Restart in place"
    )
    db = result.service("db")
    assert db is not None
    assert _words(mode_text(_ctx(plan, at_once), db)) == "Fail over to standbys"


def test_a_result_without_modes_reads_its_states() -> None:
    """Before the engine fills ``mode``, a step's state names what it does."""
    plan = powered_plan()
    result = powered_result(plan)
    ctx = _ctx(plan, result)
    search = result.service("search")
    web = result.service("web")
    assert search is not None and web is not None
    assert _words(mode_text(ctx, replace(search, mode=None))).startswith("Restore in Anyang")
    assert _words(mode_text(ctx, replace(web, mode=None))) == "Fail over to standbys (automatic)"


def test_each_step_of_the_procedure_names_its_mode(
    powered: tuple[Plan, RecoveryResult, str],
) -> None:
    plan, result, text = powered
    flat = _flat(text)
    procedure = flat[flat.index("steps in schedule order") : flat.index("Planned steps over time")]
    ctx = _ctx(plan, result)
    position = 0
    for task in result.tasks:
        title = f"{_flat(task.name)} ({task.id})"
        at = procedure.index(title, position)
        wording = _flat(_words(mode_text(ctx, task)))
        # The mode follows the step's title, before its times; its own steps follow.
        assert procedure.index(wording, at) < procedure.index("planned", at), task.id
        position = at
    assert "Restart in place when 전원 B / Feed <B> (feed-b) returns, expected T+30:00" in procedure
    pay = procedure.index("Payments 결제 (pay)")
    step = next(n for n, t in enumerate(result.tasks, start=1) if t.id == "db")
    confirm = f"Confirm first: {FEED_B} (feed-b) is back; step {step} Database"
    assert procedure.index(confirm, pay) > pay
    db = procedure.index("Database (db)")
    assert procedure.index("1. Promote the replica", db) > procedure.index("Fail over", db)


def test_impact_names_the_lost_domains(powered: tuple[Plan, RecoveryResult, str]) -> None:
    _, _, text = powered
    flat = _flat(text)
    impact = flat[flat.index("Impact Lost:") : flat.index("Racks and servers lost")]
    assert "0 site(s), 2 rack(s), 3 server(s), 3 failure domain(s)." in impact
    assert f"Failure domains: Feed A (feed-a), power; {FEED_B} (feed-b), power; 배터리실" in impact
    assert "(room-1), room" in impact


def test_the_engine_chooses_the_modes_the_runbook_is_tested_with() -> None:
    """The hand-built result is what the engine computes for the plan, so the wording
    tested above is the wording of a computed runbook."""
    from planner.engine.recovery import compute

    plan = powered_plan()
    computed = compute(plan, "power")
    by_hand = powered_result(plan)
    fields = ("state", "mode", "start", "finish", "earliest_start", "released_by", "waits_for")
    for mine, theirs in zip(by_hand.services, computed.services, strict=True):
        assert [getattr(mine, f) for f in fields] == [getattr(theirs, f) for f in fields], mine.id
    assert computed.recovery_minutes == by_hand.recovery_minutes
    assert computed.declared_after_minutes == 40 and computed.returns == by_hand.returns
    assert set(computed.impact.lost_domains) == set(by_hand.impact.lost_domains)
    ctx = _ctx(plan, computed)
    pay = computed.service("pay")
    assert pay is not None
    assert _words(mode_text(ctx, pay)) == (
        f"Restart in place when {FEED_B} (feed-b) returns, expected T+30:00"
    )


def test_a_release_miss_names_the_item_and_escapes_it() -> None:
    from planner.runbook.story import _miss_text

    plan = powered_plan()
    result = powered_result(plan)
    pay = result.service("pay")
    assert pay is not None
    late = replace(pay, rto_minutes=240, meets_rto=False, miss_reason="release")
    text = _miss_text(_ctx(plan, result), late)
    assert _words(text) == f"waits for {FEED_B} (feed-b) to return at T+30:00"
    assert "<B>" not in text


def test_cover_names_the_failed_domains_and_counts_the_steps_by_mode(
    powered: tuple[Plan, RecoveryResult, str],
) -> None:
    _, _, text = powered
    cover = _flat(text[: text.index("Approval")])
    assert f"Failed Feed A (feed-a), {FEED_B} (feed-b), 배터리실 배터리실" in cover
    assert "5 steps: 2 restore, 2 failover, 1 restart in place" in cover


def test_the_timeline_shows_the_wait_for_a_return(
    powered: tuple[Plan, RecoveryResult, str],
) -> None:
    _, _, text = powered
    timeline = _flat(text[text.index("Planned steps over time") :])
    assert f"{FEED_B} back T+30:00" in timeline
    assert "waiting for a return" in timeline  # the legend names the band


# ---------------------------------------------------------------- the summary


def _summary(text: str) -> str:
    flat = _flat(text)
    start = flat.index("Summary Recovery time")
    return flat[start : flat.index("Recovery time per tier", start)]


def test_summary_gives_the_declaration_delay(powered: tuple[Plan, RecoveryResult, str]) -> None:
    _, _, text = powered
    summary = _summary(text)
    assert (
        "Declared T+0:40: the disaster is declared 0:40 (h:mm) after it begins; no step "
        "starts before then but the 1 automatic failover(s), which start at once." in summary
    )


def test_summary_lists_failed_items_with_their_return(
    powered: tuple[Plan, RecoveryResult, str],
) -> None:
    _, _, text = powered
    summary = _summary(text)
    table = summary[summary.index("Failed item Kind Back") :]
    # Returning items first, by time; then those that never return.
    feed_a = table.index("Feed A (feed-a) power at T+23:00")
    feed_b = table.index(f"{FEED_B} (feed-b) power at T+30:00")
    room = table.index("배터리실 배터리실")
    assert feed_a < feed_b < room
    assert "(room-1) room does not return" in table
    assert "…" in table[room : table.index("(room-1)")]  # the long name is cut


def test_summary_lists_the_steps_waiting_for_a_return(
    powered: tuple[Plan, RecoveryResult, str],
) -> None:
    _, result, text = powered
    summary = _summary(text)
    step = next(n for n, t in enumerate(result.tasks, start=1) if t.id == "pay")
    waits = summary[summary.index("Steps that wait for a return (1)") :]
    assert f"Step Service Waits for Until Planned start {step} Payments 결제 (pay)" in waits
    assert f"{FEED_B} (feed-b) T+30:00 T+30:00" in waits


def test_summary_without_returns_says_nothing_returns() -> None:
    plan = powered_plan()
    result = replace(powered_result(plan), returns={}, declared_after_minutes=0)
    services = tuple(
        replace(s, mode="restore", state="restore", released_by=None) if s.id == "pay" else s
        for s in result.services
    )
    result = replace(result, services=services)
    data = render_runbook(plan, result, date="2026-01-02")
    text = _flat("\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages))
    summary = _summary(text)
    assert "Declared At once (T+0:00)" in summary
    assert "Feed A (feed-a) power does not return" in summary
    assert "Steps that wait for a return" not in summary
    assert "waiting for a return" not in text  # no wait: the legend leaves it out


def test_many_failed_items_are_counted_not_listed() -> None:
    from planner.runbook.story import RETURNS_LISTED_MAX

    plan = powered_plan()
    extra = [f"feed-{i}" for i in range(RETURNS_LISTED_MAX + 10)]
    plan.domains += [Domain(i, f"Feed {i}", "power") for i in extra]
    result = powered_result(plan)
    returns = dict(result.returns) | {i: 60 + n for n, i in enumerate(extra[:65])}
    result = replace(result, failed=(*result.failed, *extra), returns=returns)
    text = _flat(
        "\n".join(
            p.extract_text() or ""
            for p in PdfReader(io.BytesIO(render_runbook(plan, result, date="d"))).pages
        )
    )
    never = [i for i in result.failed if i not in returns]  # the room and five feeds
    assert len(never) == 6 and len(returns) - RETURNS_LISTED_MAX == 7
    # Listed by return time, the 60 earliest; Feed A, Feed B and five feeds return later.
    rest = len(result.failed) - RETURNS_LISTED_MAX
    assert f"{rest} more failed items are not listed: 6 do not return, 7 return by T+30:00" in text
    assert "Feed feed-0 (feed-0) power at T+1:00" in text


def test_hostile_domain_names_and_kinds_print_cut_and_literally() -> None:
    plan = powered_plan()
    word = "Unbroken" * 1250  # 10,000 characters without a break
    feed_a = plan.domain("feed-a")
    room = plan.domain("room-1")
    assert feed_a is not None and room is not None
    feed_a.name = word
    feed_a.kind = "<b>power</b>\x1b[31m"
    room.kind = word
    result = powered_result(plan)
    data = render_runbook(plan, result, date="2026-01-02")
    summary = _summary("\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages))
    squeezed = re.sub(r"\s+", "", summary)
    assert "UnbrokenUnbroken" in squeezed and "…(feed-a)" in squeezed  # cut to 160
    assert "<b>power</b>[U+001B][31m" in squeezed
    assert len(squeezed) < 3 * 10_000  # neither name nor kind is printed whole
