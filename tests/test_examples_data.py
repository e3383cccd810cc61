"""The examples' data copies, RPOs and failover tests (issue 14): the plan as it was keeps
the media objects only in Pangyo, so the 2022 fire leaves them unavailable until their
power feed returns and losing Pangyo for good loses them; after the fixes losing Pangyo
loses no data and every tier 0-1 RPO holds. resources/examples/pangyo-2022-data.json
says what the public record says of each data set and what the plan assumes."""

from __future__ import annotations

import dataclasses
import functools
import json
from pathlib import Path

import pytest

from planner.engine.recovery import RecoveryResult, ServiceRecovery, compute
from planner.model.plan import Plan
from planner.storage import load_plan

EXAMPLES = Path(__file__).resolve().parent.parent / "resources" / "examples"
RECORD: dict[str, dict[str, object]] = json.loads(
    (EXAMPLES / "pangyo-2022-data.json").read_text(encoding="utf-8")
)
HOUR = 60
DAY = 24 * HOUR
FEED_B_BACK = 30 * HOUR  # pangyo-power-b, the media storage's feed (build_examples.py)
# Tier 0-1 services that keep data of their own; the others (DNS, gateways, delivery
# workers, push, deployment, monitoring, front ends, the session cache, the vault) keep
# none and have no copies.
STATEFUL_TOP = {
    "backup-catalog",
    "ops-tooling",
    "config",
    "msg-db",
    "account-db",
    "friends",
    "media-storage",
    "payments",
    "talk-channel",
}


def _plan(name: str) -> Plan:
    plan, problems = load_plan(EXAMPLES / name)
    assert problems == []
    return plan


BEFORE = _plan("pangyo.drplan")
AFTER = _plan("pangyo-after.drplan")


@functools.cache
def _result(after: bool, scenario_id: str) -> RecoveryResult:
    return compute(AFTER if after else BEFORE, scenario_id)


def _svc(result: RecoveryResult, service_id: str) -> ServiceRecovery:
    return next(s for s in result.services if s.id == service_id)


def _sites(plan: Plan, ids: list[str]) -> set[str]:
    racks = {r.id: r.site for r in plan.racks}
    hosts = {s.id: racks[s.rack] for s in plan.servers}
    sites = {s.id for s in plan.sites}
    return {hosts[i] if i in hosts else racks.get(i, i) for i in ids} & sites


# ---------------------------------------------------------------- the record and the plan


def test_the_data_record_names_services_sources_and_assumptions() -> None:
    services = {s.id for s in BEFORE.services}
    assert {"msg-db", "media-storage", "session-cache", "mail-store", "payments"} <= set(RECORD)
    for key, entry in RECORD.items():
        assert key in services, key
        assert {"record", "source", "sites", "assumed"} <= set(entry), key
        for field in ("record", "source", "assumed"):
            assert isinstance(entry[field], str) and entry[field].strip(), (key, field)
        assert "http" in str(entry["source"]), key


@pytest.mark.parametrize("service_id", sorted(RECORD))
def test_the_plan_as_it_was_keeps_each_data_set_where_the_record_says(service_id: str) -> None:
    service = BEFORE.service(service_id)
    assert service is not None
    where = set().union(*(_sites(BEFORE, c.on) for c in service.data)) if service.data else set()
    assert where == set(RECORD[service_id]["sites"]), service_id  # type: ignore[arg-type]
    if "failover_tested_on" in RECORD[service_id]:
        assert service.failover_tested_on == RECORD[service_id]["failover_tested_on"]


def test_messages_are_in_three_sites_and_media_only_in_pangyo() -> None:
    msg, media = BEFORE.service("msg-db"), BEFORE.service("media-storage")
    assert msg is not None and media is not None
    assert [_sites(BEFORE, c.on) for c in msg.data] == [{"pangyo"}, {"anyang"}, {"gasan"}]
    assert len(media.data) == 2 and all(_sites(BEFORE, c.on) == {"pangyo"} for c in media.data)


def test_every_stateful_top_service_has_copies_and_an_rpo_in_both_plans() -> None:
    for plan in (BEFORE, AFTER):
        for service in plan.services:
            if service.tier <= 1:
                assert bool(service.data) == (service.id in STATEFUL_TOP), service.id
            if service.data:
                assert service.rpo_minutes is not None, service.id


# ---------------------------------------------------------------- the 2022 fire, as it was


def test_the_fire_leaves_pangyo_only_media_unavailable_until_its_feed_returns() -> None:
    result = _result(False, "pangyo-fire")
    media = _svc(result, "media-storage")
    assert [(c.state, c.until) for c in media.copies] == [("unavailable", FEED_B_BACK)] * 2
    assert media.data_lost is False
    assert media.data_loss_minutes == 0  # its power came back: nothing destroyed
    assert media.mode == "restart" and media.released_by == "pangyo-power-b"
    # every copy of anything either survives or waits for power: the fire destroys none
    assert result.data_lost == ()
    for service in result.services:
        assert all(c.state != "destroyed" for c in service.copies), service.id


def test_the_fire_restores_the_console_and_the_messenger_mail_from_gasan() -> None:
    result = _result(False, "pangyo-fire")
    for service_id in ("ops-tooling", "talk-mail"):
        service = _svc(result, service_id)
        assert service.mode == "restore", service_id
        assert service.restore_from == "gasan-backup", service_id
        gasan = next(c for c in service.copies if c.id == "gasan-backup")
        assert gasan.state == "available", service_id


def test_only_the_payments_failover_is_untested_on_the_day_of_the_fire() -> None:
    result = _result(False, "pangyo-fire")
    fire = BEFORE.scenario("pangyo-fire")
    assert fire is not None and fire.as_of is not None
    assert result.as_of == fire.as_of
    assert [s.id for s in result.services if s.failover_untested] == ["payments"]
    assert fire.untested_failovers_fail is False  # the replay: the switch by hand worked
    assert _svc(result, "payments").mode == "failover"


def test_if_the_untested_failover_fails_payments_waits_for_its_feed_instead() -> None:
    fire = BEFORE.scenario("pangyo-fire")
    assert fire is not None
    plan = dataclasses.replace(
        BEFORE,
        scenarios=[dataclasses.replace(fire, id="fire-untested", untested_failovers_fail=True)],
    )
    result = compute(plan, "fire-untested")
    payments = _svc(result, "payments")
    assert payments.failover_untested is True
    assert payments.mode != "failover"
    assert payments.recovered > _svc(_result(False, "pangyo-fire"), "payments").recovered


# ---------------------------------------------------------------- Pangyo lost for good


def test_losing_pangyo_for_good_loses_the_media_as_it_was() -> None:
    result = _result(False, "pangyo-lost")
    assert result.data_lost == ("media-storage",)
    media = _svc(result, "media-storage")
    assert media.data_lost is True and media.data_loss_minutes is None
    assert media.meets_rpo is False
    assert [c.state for c in media.copies] == ["destroyed", "destroyed"]
    # the messages survive in Anyang, minutes behind; the mail only as last night's copy
    msg = _svc(result, "msg-db")
    assert (msg.data_loss_minutes, msg.meets_rpo) == (5, True)
    for service_id in ("ops-tooling", "talk-channel", "mail-store", "talk-mail"):
        service = _svc(result, service_id)
        assert (service.data_loss_minutes, service.meets_rpo) == (DAY, False), service_id
    assert {"media-storage", "ops-tooling", "talk-channel"} <= set(result.rpo_misses)


def test_after_the_fixes_losing_pangyo_loses_no_data_and_keeps_every_top_rpo() -> None:
    result = _result(True, "pangyo-lost")
    assert result.data_lost == ()
    assert result.rpo_misses == ()
    top = [s for s in result.services if s.tier <= 1 and s.id in STATEFUL_TOP]
    assert {s.id for s in top} == STATEFUL_TOP
    for service in top:
        assert service.meets_rpo is True, service.id
        assert service.data_loss_minutes is not None
        assert service.rpo_minutes is not None
        assert service.data_loss_minutes <= service.rpo_minutes, service.id


@pytest.mark.parametrize("scenario_id", ["pangyo-fire", "anyang-power", "rack-pg-a03"])
def test_after_the_fixes_no_scenario_loses_data_or_has_an_untested_failover(
    scenario_id: str,
) -> None:
    result = _result(True, scenario_id)
    assert result.data_lost == ()
    assert not any(s.failover_untested for s in result.services), scenario_id


def test_the_scenarios_are_judged_on_fixed_dates_not_today() -> None:
    for plan in (BEFORE, AFTER):
        for scenario in plan.scenarios:
            assert scenario.as_of is not None, scenario.id
    lost = BEFORE.scenario("pangyo-lost")
    fire = BEFORE.scenario("pangyo-fire")
    assert lost is not None and fire is not None
    assert lost.failed == ["pangyo"] and lost.returns == {}
    assert lost.declared_after_minutes == fire.declared_after_minutes


def test_the_words_a_manager_reads_name_the_lost_media_and_the_gasan_restore() -> None:
    from planner.engine.data import loss_sentence, restore_sentence

    lost = _result(False, "pangyo-lost")
    sentence = loss_sentence(BEFORE, lost, _svc(lost, "media-storage"))
    assert sentence.startswith("media-storage: every copy was in ")
    assert "Pangyo" in sentence and sentence.endswith("0 of 2 copies survive")
    fire = _result(False, "pangyo-fire")
    console = _svc(fire, "ops-tooling")
    assert console.restore_from is not None
    words = restore_sentence(BEFORE, console, console.restore_from)
    assert words.startswith("restore from the ") and "Gasan" in words
    assert words.endswith("24 h behind")
