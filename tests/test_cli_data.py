"""The command line on data copies (issue 14): compute JSON keys, --as-of, and the text
report's "Data" block, on a plan saved and read back as a user's file would be."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from planner.cli.main import main
from planner.model import Plan, Rack, Scenario, Server, Service, Site
from planner.model.plan import DataCopy
from planner.storage import save_plan


def data_plan() -> Plan:
    return Plan(
        name="Data",
        sites=[Site("pangyo", "Pangyo"), Site("gasan", "Gasan")],
        racks=[Rack("rp", "pangyo", "RP"), Rack("rg", "gasan", "RG")],
        servers=[Server("p1", "rp", "p1", 1), Server("g1", "rg", "g1", 1)],
        services=[
            Service("talk", "Talk", restore_minutes=30, servers=["p1"], rpo_minutes=15,
                    data=[DataCopy("primary", ["p1"]),
                          DataCopy("replica", ["g1"], 5, "replica")]),
            Service("media", "Media", restore_minutes=60, servers=["p1"],
                    data=[DataCopy("disk", ["pangyo"]), DataCopy("nas", ["rp"], 60, "backup")]),
            Service("pay", "Pay", restore_minutes=90, failover_minutes=10, servers=["p1"],
                    standby_servers=["g1"], failover_tested_on=date(2025, 3, 1)),
        ],
        scenarios=[
            Scenario("fire", "Fire", ["pangyo"], as_of=date(2026, 3, 1)),
            Scenario("strict", "Strict", ["pangyo"], untested_failovers_fail=True),
        ],
    )  # fmt: skip


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "data.drplan"
    save_plan(data_plan(), path)
    return path


def compute_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:  # type: ignore[type-arg]
    assert main(["compute", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_compute_json_has_every_data_key(
    plan_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = compute_json(capsys, str(plan_file), "--scenario", "fire")
    assert out["data_lost"] == ["media"]
    assert out["rpo_misses"] == []
    assert out["as_of"] == "2026-03-01" and out["untested_failovers_fail"] is False
    talk, media, pay = out["services"]
    assert {k: talk[k] for k in ("rpo_minutes", "data_loss_minutes", "data_lost", "meets_rpo")} == {
        "rpo_minutes": 15,
        "data_loss_minutes": 5,
        "data_lost": False,
        "meets_rpo": True,
    }
    assert talk["copies"] == [
        {"id": "primary", "state": "destroyed", "until": None},
        {"id": "replica", "state": "available", "until": None},
    ]
    assert talk["restore_from"] == "replica" and talk["failover_untested"] is False
    assert media["data_lost"] is True and media["data_loss_minutes"] is None
    assert media["meets_rpo"] is None and media["restore_from"] is None
    # Tested 2025-03-01: exactly 365 days before the scenario's date, still tested.
    assert pay["failover_untested"] is False and pay["mode"] == "failover"


def test_as_of_dates_the_tests_when_the_scenario_names_no_date(
    plan_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = compute_json(capsys, str(plan_file), "--scenario", "strict", "--as-of", "2026-03-02")
    pay = out["services"][2]
    assert out["as_of"] == "2026-03-02" and out["untested_failovers_fail"] is True
    assert pay["failover_untested"] is True and pay["mode"] == "restore"
    # The scenario's own date wins over --as-of.
    out = compute_json(capsys, str(plan_file), "--scenario", "fire", "--as-of", "2030-01-01")
    assert out["as_of"] == "2026-03-01"
    with pytest.raises(SystemExit) as exit_:
        main(["compute", str(plan_file), "--scenario", "fire", "--as-of", "soon"])
    assert exit_.value.code == 2
    assert "not a date YYYY-MM-DD: 'soon'" in capsys.readouterr().err


def test_the_text_report_names_lost_data_first(
    plan_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["compute", str(plan_file), "--scenario", "strict", "--as-of", "2026-03-02"]) == 0
    text = capsys.readouterr().out
    block = text[text.index("\nData:\n") :].splitlines()
    assert block[1:8] == [
        "Data:",
        "  DATA LOST FOR GOOD: 1 service (media)",
        "    media: every copy was in Pangyo; 0 of 2 copies survive; rebuilt empty, no copy "
        "to restore from",
        "  RPO misses: 0",
        "  loss per service:",
        "    talk: loses up to 5 min of writes (RPO 15 min): met; 1 of 2 copies survive; "
        "restore from the Gasan replica, 5 min behind",
        "  untested failovers (no test within 365 days, as of 2026-03-02; fail in this scenario):",
    ]
    assert block[8] == (
        "    pay: failover last tested 2025-03-01, 366 days before 2026-03-02 (limit 365 "
        "days); not used: untested failovers fail in this scenario"
    )


def test_a_plan_without_data_has_no_data_block(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = data_plan()
    for service in plan.services:
        service.data, service.rpo_minutes = [], None
        service.failover_tested_on = date(2026, 3, 1)
    path = tmp_path / "plain.json"
    save_plan(plan, path)
    assert main(["compute", str(path), "--scenario", "fire"]) == 0
    assert "\nData:\n" not in capsys.readouterr().out
