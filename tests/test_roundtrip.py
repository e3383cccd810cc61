"""Round trips lose nothing: JSON -> .drplan -> JSON gives back the very same bytes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import plans

from planner.cli.main import main
from planner.model.plan import Plan, Pool, Rack, Scenario, Server, Service, Site
from planner.storage import load_plan, plan_from_json, plan_to_json, save_plan
from planner.storage.drplan_format import read_drplan, write_drplan

ROOT = Path(__file__).resolve().parent.parent
IO_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("roundtrip")


def canonical(plan: Plan) -> str:
    """The JSON text of ``plan`` as any reader of that text would give it back."""
    decoded, problems = plan_from_json(plan_to_json(plan))
    assert problems == []
    return plan_to_json(decoded)


@settings(max_examples=150, deadline=None)
@given(plans())
def test_json_text_to_plan_to_json_text_is_identical(plan: Plan) -> None:
    text = plan_to_json(plan)
    decoded, problems = plan_from_json(text)
    assert problems == []
    assert decoded == plan
    assert plan_to_json(decoded) == text


@IO_SETTINGS
@given(plans())
def test_json_to_drplan_to_json_is_byte_identical(workdir: Path, plan: Plan) -> None:
    text = plan_to_json(plan)
    decoded, problems = plan_from_json(text)
    assert problems == []
    path = workdir / "plan.drplan"
    write_drplan(decoded, path)
    reread, problems = read_drplan(path)
    assert problems == []
    assert plan_to_json(reread) == text
    assert reread == decoded


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(), plans())
def test_save_plan_overwrites_and_load_plan_reads_both_formats(
    workdir: Path, first: Plan, second: Plan
) -> None:
    for name in ("plan.drplan", "plan.json", "plan-without-suffix"):
        path = workdir / name
        save_plan(first, path)
        save_plan(second, path)  # replacing an existing file keeps only the new plan
        reread, problems = load_plan(path)
        assert problems == []
        assert plan_to_json(reread) == plan_to_json(second)
    assert (workdir / "plan.json").read_bytes() == plan_to_json(second).encode("utf-8")


@IO_SETTINGS
@given(plans(canonical=False))
def test_integral_floats_survive_a_drplan_round_trip(workdir: Path, plan: Plan) -> None:
    # A plan built in memory (by the GUI, say) may hold 3.0 or -0.0 or 2.0**60; the
    # .drplan file must open again and hold the same numbers, in canonical form.
    path = workdir / "floats.drplan"
    write_drplan(plan, path)
    reread, problems = read_drplan(path)
    assert problems == []
    assert plan_to_json(reread) == canonical(plan)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(plans())
def test_cli_convert_json_drplan_json_is_byte_identical(
    workdir: Path, capsys: pytest.CaptureFixture[str], plan: Plan
) -> None:
    text = plan_to_json(plan)
    source, middle, back = (workdir / n for n in ("in.json", "mid.drplan", "back.json"))
    source.write_bytes(text.encode("utf-8"))
    assert main(["convert", str(source), str(middle)]) == 0
    assert main(["convert", str(middle), str(back)]) == 0
    assert back.read_bytes() == text.encode("utf-8")
    capsys.readouterr()  # semantic warnings are allowed; the exit status is what counts


def odd_plan() -> Plan:
    """A small plan with every optional field set, Korean and markup in its text."""
    return Plan(
        name="판교 장애 복구 <b>&</b>",
        sites=[Site("판교", "판교 IDC", x=1.5, y=-2, width=300, height=0.25, color="#ff0000")],
        racks=[Rack("랙-A", "판교", "Rack 'A'", units=42, x=10, y=20.5, notes='"quoted"')],
        servers=[Server("srv-1", "랙-A", "웹\t서버", position=1, height=2, notes="")],
        pools=[Pool("vm", "VM pool", capacity=8, extra={"vendor": {"name": "x", "n": 3.0}})],
        services=[
            Service(
                "web",
                "웹",
                tier=0,
                rto_minutes=None,
                restore_minutes=12.5,
                failover_minutes=None,
                servers=["srv-1"],
                needs={"vm": 2},
                owner="김철수",
                team="SRE",
                steps=["1. 전원 확인", "2. <restart> & check"],
                color="blue",
                x=0.1,
                y=7,
                extra={"ticket": None, "tags": ["a", 1, 2.5, True]},
            )
        ],
        scenarios=[Scenario("fire", "화재", failed=["판교"], notes="\x00 nul")],
        notes="line 1\nline 2",
        extra={"generator": "other tool", "big": 10**30},
    )


def test_python_m_planner_convert_round_trip_in_a_real_process(tmp_path: Path) -> None:
    text = plan_to_json(odd_plan())
    source = tmp_path / "원본 plan.json"
    source.write_bytes(text.encode("utf-8"))
    middle, back = tmp_path / "중간 #1.drplan", tmp_path / "back.json"
    for src, dst in ((source, middle), (middle, back)):
        result = subprocess.run(
            [sys.executable, "-m", "planner", "convert", str(src), str(dst)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""  # the plan is valid: nothing to warn about
    assert back.read_bytes() == text.encode("utf-8")
