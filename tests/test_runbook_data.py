"""The runbook of issue 14: a "Data" section after Impact (lost data first, in red, then
the loss and RPO of each service), each restore step naming the copy it restores from,
and untested failovers marked in their steps.

The results are built by hand (:func:`data_result`) with the engine's semantics
(docs/engine.md, "Data"), so these tests read the runbook, not the engine; the words of
copies and losses are those of planner/engine/data.py, which the runbook prints.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import replace

import pytest
from pypdf import PdfReader
from reportlab.platypus import Paragraph

from planner.engine import data as data_words
from planner.engine.impact import Impact
from planner.engine.recovery import CopyState, CopyStatus, RecoveryResult, ServiceRecovery
from planner.model.plan import DataCopy, Domain, Plan, Rack, Scenario, Server, Service, Site
from planner.runbook.export import render_runbook
from planner.runbook.story import (
    DATA_LOST_LISTED_MAX,
    FULL_PROCEDURE_MAX,
    RED,
    Meta,
    _Ctx,
    _data,
    _loses_text,
    _name_cell,
    _wait_of,
    restore_text,
)

MEDIA = "<b>미디어</b> & media"  # markup and Korean in a service name
GASAN = "Gasan 가산 <i>&amp;</i>"  # and in a site name, which copy labels print
FEED = "Feed <C>"


def data_plan() -> Plan:
    """Pangyo burns for good; Gasan keeps backups; Anyang's feed C returns at T+10:00."""
    plan = Plan(name="Data 데이터")
    plan.sites = [Site("pg", "Pangyo 판교"), Site("gs", GASAN), Site("ay", "Anyang")]
    plan.domains = [Domain("feed-c", FEED, "power", site="ay")]
    plan.racks = [
        Rack("pg-r1", "pg", "PG rack 1"),
        Rack("gs-r1", "gs", "GS rack 1"),
        Rack("ay-r1", "ay", "AY rack 1", domains=["feed-c"]),
    ]
    plan.servers = [
        Server("pg-s1", "pg-r1", "pg-s1", 1),
        Server("gs-s1", "gs-r1", "gs-s1", 1),
        Server("ay-s1", "ay-r1", "ay-s1", 1),
    ]
    plan.services = [
        Service(
            "talk",
            "Talk 메시지",
            tier=0,
            rpo_minutes=15,
            restore_minutes=60,
            failover_minutes=10,
            servers=["pg-s1"],
            standby_servers=["gs-s1"],
            failover_tested_on=dt.date(2025, 11, 1),
            data=[
                DataCopy("primary", ["pg"]),
                DataCopy("replica", ["gs"], lag_minutes=5, kind="replica"),
            ],
        ),
        Service(
            "media",
            MEDIA,
            tier=1,
            rpo_minutes=60,
            restore_minutes=300,
            servers=["pg-s1"],
            data=[
                DataCopy("primary", ["pg"]),
                DataCopy("backup", ["pg-r1"], lag_minutes=1440, kind="backup"),
            ],
        ),
        Service(
            "mail",
            "Mail 메일",
            tier=1,
            rpo_minutes=60,
            restore_minutes=240,
            servers=["pg-s1"],
            data=[
                DataCopy("primary", ["pg-s1"]),
                DataCopy("backup", ["gs-r1"], lag_minutes=1440, kind="backup"),
            ],
        ),
        Service(
            "pay",
            "Pay 페이",
            tier=0,
            restore_minutes=120,
            failover_minutes=15,
            servers=["pg-s1"],
            standby_servers=["ay-s1"],
            data=[DataCopy("replica", ["ay"], kind="replica")],
        ),
        Service(
            "login",
            "Login",
            tier=1,
            restore_minutes=30,
            servers=["pg-s1"],
            data=[DataCopy("cache", ["feed-c"], lag_minutes=90, kind="replica")],
        ),
        Service("batch", "Batch", tier=3, restore_minutes=90, servers=["pg-s1"]),
    ]
    plan.scenarios = [
        Scenario(
            "fire",
            "Pangyo fire",
            failed=["pg", "feed-c"],
            returns={"feed-c": 600},
            as_of=dt.date(2026, 3, 1),
        )
    ]
    return plan


def _task(
    plan: Plan, sid: str, mode: str, start: float, minutes: float, **data: object
) -> ServiceRecovery:
    service = plan.service(sid)
    assert service is not None
    base = ServiceRecovery(
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
        mode=mode,  # type: ignore[arg-type]
        earliest_start=start,
        rpo_minutes=float(service.rpo_minutes) if service.rpo_minutes is not None else None,
    )
    return replace(base, **data)  # type: ignore[arg-type]


def data_result(plan: Plan, *, untested_fail: bool = False) -> RecoveryResult:
    """Scenario "fire" as the engine of issue 14 reads it."""
    available: CopyStatus = "available"
    destroyed: CopyStatus = "destroyed"
    services = (
        _task(
            plan,
            "talk",
            "failover",
            0,
            10,
            data_loss_minutes=5.0,
            meets_rpo=True,
            copies=(CopyState("primary", destroyed), CopyState("replica", available)),
        ),
        _task(
            plan,
            "pay",
            "failover",
            0,
            15,
            data_loss_minutes=0.0,
            copies=(CopyState("replica", available),),
            failover_untested=True,
        ),
        _task(
            plan,
            "mail",
            "restore",
            0,
            240,
            data_loss_minutes=1440.0,
            meets_rpo=False,
            copies=(CopyState("primary", destroyed), CopyState("backup", available)),
            restore_from="backup",
        ),
        _task(
            plan,
            "media",
            "restore",
            0,
            300,
            data_lost=True,
            meets_rpo=False,
            copies=(CopyState("primary", destroyed), CopyState("backup", destroyed)),
        ),
        _task(
            plan,
            "batch",
            "restore",
            0,
            90,
        ),
        _task(
            plan,
            "login",
            "restore",
            600,
            30,
            data_loss_minutes=90.0,
            copies=(CopyState("cache", "unavailable", 600.0),),
            restore_from="cache",
            released_by="feed-c",
        ),
    )
    impact = Impact(
        failed=("pg", "feed-c"),
        lost_sites=("pg",),
        lost_racks=("pg-r1", "ay-r1"),
        lost_servers=("pg-s1", "ay-s1"),
        actions={},
        lost_domains=("feed-c",),
        returns={"feed-c": 600},
    )
    return RecoveryResult(
        scenario="fire",
        failed=impact.failed,
        impact=impact,
        services=services,
        recovery_minutes=630,
        lower_bound_minutes=630,
        proven_optimal=True,
        method="hand",
        objective="time",
        critical_path=("login",),
        tier_minutes={0: 15, 1: 630, 3: 90},
        schedules_evaluated=1,
        returns={"feed-c": 600},
        data_lost=("media",),
        rpo_misses=("media", "mail"),
        untested_failovers_fail=untested_fail,
        as_of=dt.date(2026, 3, 1),
    )


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _pdf_text(plan: Plan, result: RecoveryResult) -> str:
    data = render_runbook(plan, result, date="2026-03-01")
    reader = PdfReader(io.BytesIO(data))
    return _flat("\n".join(page.extract_text() or "" for page in reader.pages))


@pytest.fixture(scope="module")
def fire() -> tuple[Plan, RecoveryResult, str]:
    plan = data_plan()
    result = data_result(plan)
    return plan, result, _pdf_text(plan, result)


def _section(text: str, title: str, after: str) -> str:
    """The body text of a section: from its heading (past the contents) to the next."""
    body = text[text.index("Sign-off") + len("Sign-off") :]  # past the contents page
    start = body.index(f" {title} ")
    return body[start : body.index(f" {after} ", start)]


def _step(text: str, plan: Plan, sid: str) -> str:
    """The block of a step in the full procedure: from its title to the next "Started"."""
    procedure = _section(text, "Restore procedure", "Timeline")
    service = plan.service(sid)
    assert service is not None
    start = procedure.index(f"{_flat(service.name)} ({sid})")
    return procedure[start : procedure.index("Started", start)]


def _ctx(plan: Plan, result: RecoveryResult) -> _Ctx:
    return _Ctx(plan, result, Meta("t", "d", "f", 500, 700))


def _copy(plan: Plan, sid: str, copy_id: str) -> tuple[Service, DataCopy]:
    service = plan.service(sid)
    assert service is not None
    return service, next(c for c in service.data if c.id == copy_id)


def _words(plan: Plan, sid: str, copy_id: str) -> str:
    """The engine's label of a copy with its lag, as the data table prints it."""
    service, copy = _copy(plan, sid, copy_id)
    return f"{data_words.copy_label(plan, service, copy)}, {data_words.lag_text(copy.lag_minutes)}"


# ---------------------------------------------------------------- the Data section


def test_data_comes_after_impact_and_before_the_procedure(
    fire: tuple[Plan, RecoveryResult, str],
) -> None:
    _, _, text = fire
    body = text[text.index("Sign-off") :]
    impact = body.index(" Impact Lost:")
    data = body.index(" Data A copy is destroyed")
    procedure = body.index(" Restore procedure ")
    assert impact < data < procedure


def test_lost_data_comes_first_in_the_engines_words(
    fire: tuple[Plan, RecoveryResult, str],
) -> None:
    plan, result, text = fire
    section = _section(text, "Data", "Restore procedure")
    media = result.service("media")
    assert media is not None
    sentence = _flat(data_words.loss_sentence(plan, result, media))
    lost = section.index("Data lost for good (1)")
    assert section.index(sentence, lost) < section.index("Data loss per service")
    step = next(n for n, t in enumerate(result.tasks, start=1) if t.id == "media")
    assert f"{sentence}. Step {step} rebuilds it empty." in section
    # In the table, too, the lost service is the first row, then the RPO miss.
    table = section[section.index("Data loss per service") :]
    order = [table.index(f"({sid})") for sid in ("media", "mail", "talk", "pay", "login")]
    assert order == sorted(order)
    assert "batch" not in table  # no copies: nothing to say about its data


def test_each_service_shows_its_loss_rpo_and_copies(
    fire: tuple[Plan, RecoveryResult, str],
) -> None:
    plan, _, text = fire
    table = _flat(_section(text, "Data", "Restore procedure"))
    table = table[table.index("Data loss per service (5; 2 miss their RPO)") :]
    assert "RPO" in table and "Loses" in table and "RPO met" in table
    talk = table[table.index("(talk)") :]
    assert talk.startswith(
        f"(talk) 15 min up to 5 min yes {_flat(_words(plan, 'talk', 'primary'))}: destroyed "
        f"{_flat(_words(plan, 'talk', 'replica'))}: available"
    )
    mail = table[table.index("(mail)") :]
    assert mail.startswith("(mail) 1 h up to 24 h no")
    media = table[table.index("(media)") :]
    assert media.startswith("(media) 1 h all: lost for good no")
    login = table[table.index("(login)") :]
    assert login.startswith(
        f"(login) - up to 1:30 once its copy is back at T+10:00 - "
        f"{_flat(_words(plan, 'login', 'cache'))}: unavailable until T+10:00"
    )
    pay = table[table.index("(pay)") :]
    assert pay.startswith("(pay) - nothing -")


def test_a_restore_from_an_older_copy_says_what_it_loses() -> None:
    """The engine's loss counts the primary that comes back; a restore that does not
    wait for it, from the backup that is there, loses the backup's lag: both are said."""
    plan = data_plan()
    result = data_result(plan)
    mail = result.service("mail")
    assert mail is not None
    waiting = (CopyState("primary", "unavailable", 900.0), CopyState("backup", "available"))
    mail = replace(mail, copies=waiting, data_loss_minutes=0.0, meets_rpo=True)
    step = next(n for n, t in enumerate(result.tasks, start=1) if t.id == "mail")
    assert _loses_text(_ctx(plan, result), mail) == (
        f"nothing once its copy is back at T+15:00; step {step} restores from a copy 24 h behind"
    )


def test_lost_data_and_misses_are_red() -> None:
    plan = data_plan()
    result = data_result(plan)
    flowables = _data(_ctx(plan, result))
    paragraphs = [f for f in flowables if isinstance(f, Paragraph)]

    def colour_of(words: str) -> set[str]:
        found = [p for p in paragraphs if words in p.getPlainText()]
        assert found, words
        return {f.textColor.hexval() for p in found for f in p.frags if f.text.strip()}

    red = "0x" + RED[1:]
    media = result.service("media")
    assert media is not None
    sentence = data_words.loss_sentence(plan, result, media)
    assert colour_of(sentence) == {red}
    assert colour_of("Data lost for good (1)") == {red}
    assert colour_of("Untested failovers (1)") == {red}
    # Nothing red where nothing is lost.
    assert red not in colour_of("A copy is destroyed when")


def test_names_from_the_plan_print_literally(fire: tuple[Plan, RecoveryResult, str]) -> None:
    _, _, text = fire
    section = _section(text, "Data", "Restore procedure")
    assert f"{MEDIA} (media)" in section
    assert GASAN in section  # a site name in a copy label, not read as markup


def test_a_plan_without_copies_says_so() -> None:
    plan = data_plan()
    for service in plan.services:
        service.data = []
        service.failover_tested_on = dt.date(2026, 1, 1)
    result = data_result(plan)
    bare = tuple(
        replace(
            s,
            data_loss_minutes=None,
            data_lost=False,
            meets_rpo=None,
            copies=(),
            restore_from=None,
            failover_untested=False,
        )
        for s in result.services
    )
    result = replace(result, services=bare, data_lost=(), rpo_misses=())
    text = _pdf_text(plan, result)
    section = _section(text, "Data", "Restore procedure")
    assert "No service in the plan records where its data lives" in section
    assert "Every failover of this scenario was tested within 365 days on 2026-03-01." in section
    summary = _section(text, "Summary", "Impact")
    assert "Data lost for good" not in summary and "The Data section" not in summary


def test_the_summary_names_lost_data_first(fire: tuple[Plan, RecoveryResult, str]) -> None:
    _, _, text = fire
    summary = _section(text, "Summary", "Impact")
    assert (
        f"Data loss Data lost for good: {MEDIA}; 2 RPO miss(es); 1 untested failover(s). "
        "The Data section gives each service." in summary
    )


def test_many_lost_services_are_counted() -> None:
    plan = data_plan()
    result = data_result(plan)
    media = result.service("media")
    assert media is not None
    extra = [replace(media, id=f"m{i}") for i in range(DATA_LOST_LISTED_MAX + 5)]
    for task in extra:
        plan.services.append(Service(task.id, f"M {task.id}", data=[DataCopy("d", ["pg"])]))
    result = replace(result, services=(*result.services, *extra))
    flowables = _data(_ctx(plan, result))
    texts = [f.getPlainText() for f in flowables if isinstance(f, Paragraph)]
    lost = [t for t in texts if "rebuilds it empty" in t]
    assert len(lost) == DATA_LOST_LISTED_MAX
    assert "and 6 more services (see the table)." in texts


# ---------------------------------------------------------------- the steps


def test_a_restore_step_names_the_copy_it_restores_from(
    fire: tuple[Plan, RecoveryResult, str],
) -> None:
    plan, _, text = fire
    mail = _step(text, plan, "mail")
    service, _ = _copy(plan, "mail", "backup")
    sentence = _flat(data_words.restore_sentence(plan, service, "backup"))
    assert sentence.startswith("restore from ")
    wording = sentence[0].upper() + sentence[1:]
    # After the mode line, before the times.
    assert mail.index("Restore") < mail.index(wording) < mail.index("planned")


def test_a_restore_waiting_for_its_copy_says_for_what(
    fire: tuple[Plan, RecoveryResult, str],
) -> None:
    plan, result, text = fire
    login = _step(text, plan, "login")
    service, _ = _copy(plan, "login", "cache")
    sentence = _flat(data_words.restore_sentence(plan, service, "cache"))
    assert f"{sentence[1:]}, once {FEED} (feed-c) returns, expected T+10:00" in login
    assert f"Confirm first: {FEED} (feed-c) is back" in login
    summary = _section(text, "Summary", "Impact")
    waits = summary[summary.index("Steps that wait for a return (1)") :]
    step = next(n for n, t in enumerate(result.tasks, start=1) if t.id == "login")
    assert f"{step} Login (login) {FEED} (feed-c) T+10:00 T+10:00" in waits
    assert "the copy of its data it restores from" in waits


def test_a_restore_with_no_copy_left_rebuilds_empty(
    fire: tuple[Plan, RecoveryResult, str],
) -> None:
    plan, _, text = fire
    media = _step(text, plan, "media")
    assert "No copy of its data survives: rebuild it empty. Its data is lost for good." in media
    batch = _step(text, plan, "batch")  # no copies recorded: nothing said about its data
    assert "restore from" not in batch.lower() and "copy" not in batch


def test_an_untested_failover_is_marked_in_its_step(
    fire: tuple[Plan, RecoveryResult, str],
) -> None:
    plan, result, text = fire
    pay = _step(text, plan, "pay")
    assert "untested failover" in pay
    task = result.service("pay")
    assert task is not None
    sentence = _flat(data_words.untested_sentence(plan, result, task))
    assert sentence[1:] in pay
    talk = _step(text, plan, "talk")  # tested in November: no mark
    assert "untested" not in talk
    section = _section(text, "Data", "Restore procedure")
    untested = section[section.index("Untested failovers (1)") :]
    assert "older than 365 days on 2026-03-01" in untested
    assert "This scenario still counts on them" in untested
    step = next(n for n, t in enumerate(result.tasks, start=1) if t.id == "pay")
    assert f"Step {step} · {sentence}." in untested


def test_a_scenario_failing_untested_failovers_says_so() -> None:
    plan = data_plan()
    result = data_result(plan, untested_fail=True)
    pay = result.service("pay")
    assert pay is not None
    # The engine removes the failover: pay restores from its replica in Anyang.
    restored = replace(pay, mode="restore", state="restore", restore_from="replica")
    result = replace(
        result, services=tuple(restored if s.id == "pay" else s for s in result.services)
    )
    text = _pdf_text(plan, result)
    section = _section(text, "Data", "Restore procedure")
    assert "This scenario counts an untested failover as failing" in section
    step = _step(text, plan, "pay")
    service, _ = _copy(plan, "pay", "replica")
    assert _flat(data_words.restore_sentence(plan, service, "replica"))[1:] in step
    assert "untested failover" in step


def test_the_compact_procedure_names_the_copy_too() -> None:
    plan = data_plan()
    result = data_result(plan)
    ctx = _ctx(plan, result)
    mail = result.service("mail")
    batch = result.service("batch")
    assert mail is not None and batch is not None
    cell = _name_cell(ctx, "mail", 300, restore_text(ctx, mail))
    assert isinstance(cell, Paragraph)
    text = cell.getPlainText()
    assert "(mail)" in text and "Restore from " in text
    assert restore_text(ctx, batch) is None  # no copies: one cheap line, as before
    assert not isinstance(_name_cell(ctx, "batch", 300, restore_text(ctx, batch)), Paragraph)
    assert FULL_PROCEDURE_MAX > 0


def test_a_hostile_site_name_in_a_copy_label_prints_literally() -> None:
    plan = data_plan()
    gasan = plan.site("gs")
    assert gasan is not None
    gasan.name = "<font size=80>huge</font> & <br/>"
    text = _pdf_text(plan, data_result(plan))
    assert _flat(text).count("<font size=80>huge</font> & <br/>") >= 3  # table, steps


def test_the_timeline_draws_a_restores_wait_for_its_copy() -> None:
    plan = data_plan()
    result = data_result(plan)
    ctx = _ctx(plan, result)
    login, mail = result.service("login"), result.service("mail")
    assert login is not None and mail is not None
    assert _wait_of(ctx, login) == (600.0, f"{FEED} back T+10:00")
    assert _wait_of(ctx, mail) is None  # its copy is there at once


# ---------------------------------------------------------------- the example, computed


@pytest.fixture(scope="module")
def pangyo_lost() -> tuple[Plan, RecoveryResult, str]:
    """The 2022 plan as it was, Pangyo lost for good, through the engine."""
    from planner.engine.recovery import compute
    from planner.resources import example_plan
    from planner.storage import load_plan

    plan, problems = load_plan(example_plan())
    assert problems == []
    result = compute(plan, "pangyo-lost")
    return plan, result, _pdf_text(plan, result)


def test_the_example_runbook_says_what_the_engine_found(
    pangyo_lost: tuple[Plan, RecoveryResult, str],
) -> None:
    plan, result, text = pangyo_lost
    assert "media-storage" in result.data_lost  # the record: media only in Pangyo
    section = _section(text, "Data", "Restore procedure")
    lost = section[section.index(f"Data lost for good ({len(result.data_lost)})") :]
    table = lost.index("Data loss per service")
    for sid in result.data_lost:
        task = result.service(sid)
        assert task is not None
        assert lost.index(_flat(data_words.loss_sentence(plan, result, task))) < table, sid
    restores = [t for t in result.tasks if t.restore_from is not None]
    assert restores, "some restore uses a surviving copy"
    for task in restores:
        sentence = _flat(data_words.restore_sentence(plan, task, task.restore_from or ""))
        assert sentence[1:] in _step(text, plan, task.id), task.id
    for task in result.services:
        if task.failover_untested and task.id in {t.id for t in result.tasks}:
            assert "untested failover" in _step(text, plan, task.id), task.id
