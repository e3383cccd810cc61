"""``drplanner import netbox`` from files: the summary, the dry run, re-import, and wrong
arguments or input in one line with exit 2 (the live server is in tests/live)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from planner.cli.main import main
from planner.model.plan import Service
from planner.storage import load_plan, save_plan
from tests.test_netbox_import import DEMO, _rest_v4


def _export(tmp_path: Path) -> Path:
    path = tmp_path / "netbox.json"
    path.write_text(json.dumps(_rest_v4()), encoding="utf-8")
    return path


def test_first_import_creates_the_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "dc.drplan"
    assert main(["import", "netbox", str(plan), "--file", str(DEMO)]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[0].startswith("NetBox: 24 sites, 4 locations, 4 power panels, 48 ")
    assert out.splitlines()[-1] == f"{plan}: 190 added, 0 moved, 0 changed, 0 removed, 2 warnings"
    assert err.count("warning: rack reservation") == 2
    loaded, problems = load_plan(plan)
    assert problems == [] and len(loaded.servers) == 72 and loaded.name == "dc"


def test_dry_run_lists_the_diff_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _export(tmp_path)
    plan_path = tmp_path / "dc.json"
    assert main(["import", "netbox", str(plan_path), "--file", str(source)]) == 0
    plan, _ = load_plan(plan_path)
    web = next(s for s in plan.servers if s.name == "web-01")
    plan.services.append(Service("web", "Web", restore_minutes=5, servers=[web.id]))
    save_plan(plan, plan_path)
    before = plan_path.read_bytes()
    changed = _rest_v4()
    changed["devices"] = [d for d in changed["devices"] if d["name"] != "web-01"]
    source.write_text(json.dumps(changed), encoding="utf-8")
    capsys.readouterr()
    assert main(["import", "netbox", str(plan_path), "--file", str(source), "--dry-run"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[lines.index("Removed (1):") + 1] == "  server web-01"
    # 'clash' shared web-01's units: now it fits in the rack, a move.
    assert lines[-1].startswith("dry run: 0 added, 1 moved, 1 changed, 1 removed")
    assert "warning: service 'web' has no server left" in err
    assert plan_path.read_bytes() == before
    # For real, to another file; then again: already up to date.
    out_path = tmp_path / "after.drplan"
    assert (
        main(["import", "netbox", str(plan_path), "--file", str(source), "-o", str(out_path)]) == 0
    )
    assert plan_path.read_bytes() == before and load_plan(out_path)[0].service("web").servers == []
    capsys.readouterr()
    assert main(["import", "netbox", str(out_path), "--file", str(source)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"{out_path}: already up to date"


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["import", "netbox", "p.drplan"], "give either --file PATH or --url URL"),
        (["import", "netbox", "p.drplan", "--url", "http://x"], "--url needs --token-file"),
        (["import", "netbox", "p.drplan", "--file", "a.json", "--url", "http://x"], "either"),
        (["import", "netbox", "p.txt", "--file", "a.json"], "must end in .drplan or .json"),
        (["import", "netbox", "p.drplan", "--file", "missing.json"], "missing.json"),
    ],
)
def test_wrong_arguments_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], line: str
) -> None:
    os.chdir(tmp_path)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and line in err
    assert not (tmp_path / "p.drplan").exists()


def test_a_file_that_is_not_netbox_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"sites": [', encoding="utf-8")
    assert main(["import", "netbox", str(tmp_path / "p.drplan"), "--file", str(bad)]) == 2
    assert capsys.readouterr().err.strip() == (
        "drplanner: import netbox: bad.json: not JSON (line 1, column 12: Expecting value)"
    )


def test_an_unknown_source_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["import", "racktables", "p.drplan"])
    assert exit_.value.code == 2 and "invalid choice: 'racktables'" in capsys.readouterr().err


def test_a_closed_pipe_is_quiet(tmp_path: Path) -> None:
    done = subprocess.run(
        f"{sys.executable} -m planner import netbox {tmp_path / 'p.drplan'} --file {DEMO} "
        "--dry-run | head -1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "LC_ALL": "C", "PYTHONIOENCODING": ""},
    )
    assert done.stdout.startswith("NetBox: 24 sites") and "Traceback" not in done.stderr
