"""``drplanner analyze``: the text and JSON reports, wrong arguments and bad plans in
one line (exit 2), closed pipes, and the two examples' verdicts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from planner.cli.main import main
from planner.model import Plan, Rack, Scenario, Server, Service, Site
from planner.storage import save_plan

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "resources" / "examples"


def small_plan() -> Plan:
    return Plan(
        name="판교 DR",
        sites=[Site("pangyo", "Pangyo IDC"), Site("gasan", "Gasan IDC")],
        racks=[Rack("r1", "pangyo", "Rack 1"), Rack("r2", "gasan", "Rack 2")],
        servers=[Server("s1", "r1", "web-1", 1), Server("s2", "r2", "web-2", 1)],
        services=[
            Service("console", "Console", tier=0, restore_minutes=60, servers=["s1"]),
            Service(
                "web",
                "Web",
                tier=0,
                restore_minutes=10,
                servers=["s1", "s2"],
                depends_on=["console"],
            ),
        ],
        scenarios=[Scenario("fire", "Fire", failed=["pangyo"])],
    )


def test_text_report_names_the_chain(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.json"
    save_plan(small_plan(), path)
    assert main(["analyze", str(path), "--as-of", "2026-03-01"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Resilience analysis: 판교 DR\n")
    assert "web -> console, which runs only on server web-1 (s1)" in out
    assert "Worst single failures" in out and "Findings" in out
    assert "make console redundant: Fire 1:00 -> 0:00 (tier 0 1:00 -> 0:00)" in out


def test_json_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.drplan"
    save_plan(small_plan(), path)
    assert main(["analyze", str(path), "--format", "json", "--order", "1", "--tiers", "0"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["order"] == 1 and data["tiers"] == [0]
    web = next(s for s in data["services"] if s["id"] == "web")
    assert web["cut_sets"]["restore"] == [["pangyo"], ["r1"], ["s1"]]
    assert [d["id"] for d in data["domains"]][:1] == ["pangyo"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--order", "3"], "invalid choice: 3"),
        (["--tiers", "0,x"], "not a tier (0, 1, 2, 3): 'x' in '0,x'"),
        (["--tiers", "7"], "not a tier"),
        (["--as-of", "yesterday"], "not a date YYYY-MM-DD"),
    ],
)
def test_wrong_arguments_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    path = tmp_path / "plan.json"
    save_plan(small_plan(), path)
    with pytest.raises(SystemExit) as exited:
        main(["analyze", str(path), *args])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_a_plan_with_a_cycle_is_refused_in_one_line_per_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = small_plan()
    plan.services[0].depends_on = ["web"]
    path = tmp_path / "plan.json"
    save_plan(plan, path)
    assert main(["analyze", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "cycle" in err and "Traceback" not in err


def test_a_missing_plan_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", "no-such-plan.drplan"]) == 2
    assert capsys.readouterr().err == "drplanner: no-such-plan.drplan: no such file\n"


def test_a_closed_pipe_exits_141_quietly(tmp_path: Path) -> None:
    path = tmp_path / "plan.drplan"
    save_plan(small_plan(), path)
    env = {k: v for k, v in os.environ.items() if k != "DRPLANNER_DEBUG"}
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "planner", "analyze", str(path)],
            stdout=write,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env=env,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (141, b"")


def test_an_ascii_locale_gets_escaped_json(tmp_path: Path) -> None:
    path = tmp_path / "plan.drplan"
    save_plan(small_plan(), path)
    env = {k: v for k, v in os.environ.items() if k != "DRPLANNER_DEBUG"}
    env.update(LC_ALL="C", LANG="C", PYTHONIOENCODING="ascii")
    done = subprocess.run(
        [sys.executable, "-m", "planner", "analyze", str(path), "--format", "json"],
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["plan"] == "판교 DR"
    assert done.stdout.isascii()


def test_compute_names_the_steps_that_need_downed_tooling() -> None:
    from planner.cli.report import result_to_text, tooling_json
    from planner.engine.recovery import compute

    plan = small_plan()
    plan.services[1].servers = ["s1"]  # web now falls with pangyo too
    plan.services[0].recovery_tooling = True
    result = compute(plan, "fire")
    text = result_to_text(result, plan.name, plan)
    assert "Recovery tooling taken down:\n  console: back at 1:00\n" in text
    assert "    web needs console" in text
    assert tooling_json(result, plan) == {"down": ["console"], "steps": {"web": ["console"]}}
    calm = compute(plan, failed=["gasan"])
    assert "Recovery tooling" not in result_to_text(calm, plan.name, plan)
    assert tooling_json(calm, plan) == {"down": [], "steps": {}}
