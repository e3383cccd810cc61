"""``drplanner export-table``, ``import-table``, ``export-graph`` and ``export-schedule``:
round trips in place and with -o, dry runs that write nothing, bad tables in one line
per cell (exit 2, nothing written), wrong arguments, closed pipes and ASCII locales."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from planner.cli.main import main
from planner.model import Plan
from planner.storage import read_plan, save_plan
from tests.test_cli_analyze import small_plan as analyze_plan

ROOT = Path(__file__).resolve().parent.parent
PANGYO = ROOT / "resources" / "examples" / "pangyo.json"


def small_plan() -> Plan:
    """The analyze tests' two-site plan, its console named in Korean."""
    plan = analyze_plan()
    plan.services[0].name = "콘솔"
    return plan


@pytest.fixture
def plan_path(tmp_path: Path) -> Path:
    path = tmp_path / "plan.drplan"
    save_plan(small_plan(), path)
    return path


def edit_csv(path: Path, service: str, column: str, value: str) -> None:
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    index = rows[0].index(column)
    for row in rows[1:]:
        if row[0] == service:
            row[index] = value
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_then_import_in_place(
    tmp_path: Path, plan_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / f"services{suffix}"
    assert main(["export-table", str(plan_path), str(table)]) == 0
    assert capsys.readouterr().out == f"{table}: 2 services\n"
    before = plan_path.read_bytes()
    assert main(["import-table", str(plan_path), str(table)]) == 0
    out = capsys.readouterr().out
    assert out == f"{table}: 0 added, 0 changed, 2 unchanged; the plan is as it was\n"
    assert plan_path.read_bytes() == before


def test_import_saves_in_place_and_dry_run_writes_nothing(
    tmp_path: Path, plan_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "services.csv"
    main(["export-table", str(plan_path), str(table)])
    edit_csv(table, "web", "RTO", "90")
    before = plan_path.read_bytes()
    capsys.readouterr()
    assert main(["import-table", str(plan_path), str(table), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "Changed (1):",
        "  service 'Web' (web): RTO (blank) -> '1:30'",
        f"{table}: 0 added, 1 changed, 1 unchanged (dry run: nothing written)",
    ]
    assert plan_path.read_bytes() == before
    assert main(["import-table", str(plan_path), str(table)]) == 0
    assert capsys.readouterr().out.endswith(f"saved {plan_path}\n")
    assert read_plan(plan_path).service("web").rto_minutes == 90  # type: ignore[union-attr]


def test_import_to_another_file(
    tmp_path: Path, plan_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "services.csv"
    table.write_text("id,name,rto\nnew,새 서비스,1:00\n", encoding="utf-8")
    before = plan_path.read_bytes()
    out_path = tmp_path / "out.json"
    assert main(["import-table", str(plan_path), str(table), "-o", str(out_path)]) == 0
    assert plan_path.read_bytes() == before
    after = read_plan(out_path)
    assert [s.id for s in after.services] == ["console", "web", "new"]
    out = capsys.readouterr().out
    assert "Added (1):\n  service '새 서비스' (new)\n" in out
    assert "Warnings (2):\n  service '콘솔' (console) is not in the sheet: left as it is\n" in out


def test_a_bad_table_is_one_line_per_cell_and_nothing_is_written(
    tmp_path: Path, plan_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "services.csv"
    table.write_text(
        "id,name,tier,rto,servers\nweb,Web,9,1:75,nope\nconsole,C,0,1:00,\n", encoding="utf-8"
    )
    before = plan_path.read_bytes()
    assert main(["import-table", str(plan_path), str(table)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        f"{table}, row 2, column Tier: The tier must be one of 0, 1, 2, 3, not '9'",
        f"{table}, row 2, column RTO: '1:75' is not a number of minutes or a time: write "
        "minutes or h:mm, e.g. 90 or 1:30",
        f"{table}, row 2, column Servers: unknown server 'nope'",
        f"{table}: 3 problems; nothing imported",
    ]
    assert plan_path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.drplan", "services.csv"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export-table", "{plan}", "{tmp}/s.ods"], "the name must end in .xlsx or .csv"),
        (["export-table", "{plan}", "{tmp}/no/s.csv"], "no such folder"),
        (["export-table", "{plan}", "{tmp}"], "the name must end in .xlsx or .csv"),
        (["export-table", "{tmp}/missing.json", "{tmp}/s.csv"], "missing.json: no such file"),
        (["import-table", "{plan}", "{tmp}/missing.csv"], "missing.csv: no such file"),
        (["import-table", "{plan}", "{tmp}/s.csv", "-o", "{tmp}/o.txt"], "must end in .json"),
        (["export-graph", "{plan}", "{tmp}/g.png"], "must end in .graphml or .dot or .gv"),
        (["export-graph", "{plan}", "{tmp}/g.dot", "--scenario", "nope"], "unknown scenario"),
        (["export-schedule", "{plan}", "--scenario", "nope", "{tmp}/s.csv"], "unknown scenario"),
        (["export-schedule", "{plan}", "--scenario", "fire", "{tmp}/s.pdf"], "must end in .csv"),
    ],
)
def test_bad_arguments_are_one_line(
    tmp_path: Path,
    plan_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    filled = [a.format(plan=plan_path, tmp=tmp_path) for a in args]
    assert main(filled) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.splitlines()) in (1, 2), err  # the import adds its count line
    assert message in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.drplan"]


@pytest.mark.parametrize(
    "args",
    [
        ["export-table"],
        ["export-table", "p.json"],
        ["import-table", "p.json"],
        ["import-table", "p.json", "s.csv", "--bogus"],
        ["export-schedule", "p.json", "s.csv"],  # --scenario is required
        ["export-graph", "p.json", "a.dot", "b.dot"],
    ],
)
def test_wrong_arguments_exit_2_with_usage(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(args)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: drplanner ")  # argparse: extra arguments, the top usage
    assert "error:" in err and "Traceback" not in err


def test_export_graph_and_schedule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    graphml = tmp_path / "g.graphml"
    assert main(["export-graph", str(PANGYO), str(graphml), "--scenario", "pangyo-fire"]) == 0
    assert capsys.readouterr().out == f"{graphml}: GRAPHML, 36 services\n"
    assert nx.read_graphml(graphml).nodes["login"]["mode"] == "failover"
    schedule = tmp_path / "s.xlsx"
    assert main(["export-schedule", str(PANGYO), "--scenario", "pangyo-fire", str(schedule)]) == 0
    assert capsys.readouterr().out == f"{schedule}: 29 services in the schedule\n"
    # Written again: said on stderr, as convert and export do.
    assert main(["export-schedule", str(PANGYO), "--scenario", "pangyo-fire", str(schedule)]) == 0
    assert capsys.readouterr().err == f"drplanner: replaced the existing file {schedule}\n"


def test_the_plan_itself_is_never_an_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plan.csv"  # a plan named .csv: JSON by content
    path.write_text("{}", encoding="utf-8")
    assert main(["export-table", str(path), str(path)]) == 2
    assert "is the plan being read" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == "{}"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DRPLANNER_DEBUG"}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def test_a_closed_pipe_exits_141_quietly(tmp_path: Path, plan_path: Path) -> None:
    table = tmp_path / "s.csv"
    main(["export-table", str(plan_path), str(table)])
    edit_csv(table, "web", "RTO", "90")
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "planner",
                "import-table",
                str(plan_path),
                str(table),
                "--dry-run",
            ],
            stdout=write,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env=_env(),
            timeout=120,
            check=False,
        )
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (141, b"")


def test_an_ascii_locale_gets_escapes_not_a_crash(tmp_path: Path, plan_path: Path) -> None:
    table = tmp_path / "s.csv"
    table.write_text("id,name\nconsole,새 이름\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "planner", "import-table", str(plan_path), str(table), "--dry-run"],
        capture_output=True,
        cwd=ROOT,
        env=_env(LC_ALL="C", LANG="C", PYTHONIOENCODING="ascii"),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.isascii()
    assert b"\\uc0c8 \\uc774\\ub984" in done.stdout  # 새 이름
