"""The ``drplanner`` command line: help, version, exit statuses, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import __version__
from planner.cli import commands
from planner.cli.main import build_parser, main
from planner.model import Plan, Rack, Scenario, Server, Service, Site
from planner.storage import load_plan, plan_to_json, save_plan

ROOT = Path(__file__).resolve().parent.parent


def small_plan() -> Plan:
    return Plan(
        name="판교 DR",
        sites=[Site("pangyo", "Pangyo IDC"), Site("gasan", "Gasan IDC")],
        racks=[Rack("r1", "pangyo", "Rack 1"), Rack("r2", "pangyo", "Rack 2")],
        servers=[Server("s1", "r1", "web-1", position=1)],
        services=[Service("web", "Web", restore_minutes=10, servers=["s1"])],
        scenarios=[Scenario("fire", "Fire", failed=["pangyo", "s1"])],
    )


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DRPLANNER_DEBUG"}
    return subprocess.run(
        [sys.executable, "-m", "planner", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )


def command_names() -> list[str]:
    parser = build_parser()
    subparsers = parser._subparsers
    assert subparsers is not None
    (action,) = [a for a in subparsers._group_actions if a.choices]
    assert action.choices is not None
    return sorted(action.choices)


def test_the_documented_commands_exist() -> None:
    assert {"validate", "convert", "show"} <= set(command_names())


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    first, second = capsys.readouterr().out.splitlines()
    assert first == f"drplanner {__version__}"
    assert second.startswith("Python 3.") and ", Qt 6." in second


def test_version_in_a_real_process() -> None:
    done = run("--version")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines()[0] == f"drplanner {__version__}"


def test_the_version_line_is_what_pyside6_itself_says() -> None:
    # --version reads the versions from the installed wheels, without importing PySide6;
    # they must be the ones PySide6 reports once imported.
    from planner.cli.main import version_text
    from planner.gui.versions import qt_version_text

    assert version_text().splitlines()[1].endswith(f", {qt_version_text()}")


# ------------------------------------------------------------------ what starting costs

EXAMPLE = ROOT / "resources" / "examples" / "pangyo.drplan"
# Heavy packages a quick command must never import: the GUI toolkit, the data-frame
# stack (sqlite_utils imports pandas and numpy when they are installed, as the `exact`
# extra installs them) and networkx (only a plan with a dependency cycle needs it).
NEVER = ("PySide6", "shiboken6", "pandas", "numpy", "sqlite_utils", "networkx")

_MODULES_AFTER = """
import json, sys
from planner.cli.main import main
try:
    code = main(sys.argv[2:])
except SystemExit as leaving:
    code = leaving.code
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump(sorted(sys.modules), out)
sys.exit(code)
"""


def modules_imported_by(tmp_path: Path, *args: str) -> set[str]:
    """The top-level packages imported by ``drplanner ARGS`` run in a fresh process."""
    listing = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", _MODULES_AFTER, str(listing), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return {name.split(".")[0] for name in json.loads(listing.read_text(encoding="utf-8"))}


@pytest.mark.parametrize(
    "args",
    [["--version"], ["--help"], ["validate", str(EXAMPLE)], ["show", str(EXAMPLE)]],
    ids=["version", "help", "validate", "show"],
)
def test_quick_commands_import_nothing_heavy(tmp_path: Path, args: list[str]) -> None:
    imported = modules_imported_by(tmp_path, *args)
    assert "planner" in imported  # the listing is real
    assert sorted(imported & set(NEVER)) == []


def test_version_reads_no_plan_code(tmp_path: Path) -> None:
    imported = modules_imported_by(tmp_path, "--version")
    names = set(json.loads((tmp_path / "modules.json").read_text(encoding="utf-8")))
    assert "planner" in imported
    assert not any(n.startswith(("planner.storage", "planner.engine")) for n in names)


def test_the_import_check_would_see_pandas(tmp_path: Path) -> None:
    # The check above means something only if importing sqlite_utils would drag pandas
    # and numpy in: it does where they are installed (the `exact` extra).
    pytest.importorskip("pandas")
    pytest.importorskip("sqlite_utils")
    code = "import sqlite_utils, sys; print(sorted({'pandas', 'numpy'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "['numpy', 'pandas']"


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: drplanner")
    for name in command_names():
        assert name in out


@pytest.mark.parametrize("name", command_names())
def test_help_of_each_command(capsys: pytest.CaptureFixture[str], name: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main([name, "--help"])
    assert exited.value.code == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"usage: drplanner {name} ")
    assert "PLAN" in out or "IN" in out
    assert err == ""


class _FakeWindow:
    """Stands in for ``planner.gui.app.run``: records what it was asked to open."""

    def __init__(self) -> None:
        self.opened: list[str | None] = []

    def __call__(self, argument: str | None = None) -> int:
        self.opened.append(argument)
        return 0


@pytest.fixture
def window(monkeypatch: pytest.MonkeyPatch) -> _FakeWindow:
    import planner.gui.app

    fake = _FakeWindow()
    monkeypatch.setattr(planner.gui.app, "run", fake)
    return fake


def test_bare_drplanner_opens_the_window(
    window: _FakeWindow, capsys: pytest.CaptureFixture[str]
) -> None:
    # Since a48c189 bare ``drplanner`` is the desktop program, no longer help.
    assert main([]) == 0
    assert window.opened == [None]
    assert capsys.readouterr() == ("", "")


def test_unknown_command_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["frobnicate", "x"])
    assert exited.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "invalid choice: 'frobnicate'" in err


def test_unknown_command_in_a_real_process() -> None:
    done = run("frobnicate")
    assert done.returncode == 2
    assert "invalid choice" in done.stderr
    assert "Traceback" not in done.stderr


def test_unknown_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["validate", "--frobnicate", "plan.json"])
    assert exited.value.code == 2
    assert "unrecognized arguments: --frobnicate" in capsys.readouterr().err


@pytest.mark.parametrize("suffix", [".json", ".drplan", ".JSON"])
def test_a_plan_alone_opens_it_in_the_window(
    tmp_path: Path, window: _FakeWindow, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    path = tmp_path / f"plan{suffix}"
    save_plan(small_plan(), path)
    assert main([str(path)]) == 0
    assert window.opened == [str(path)]
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("suffix", [".json", ".drplan"])
def test_show_prints_a_summary(
    tmp_path: Path, window: _FakeWindow, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    path = tmp_path / f"plan{suffix}"
    save_plan(small_plan(), path)
    assert main(["show", str(path)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines() == [
        f"판교 DR  ({path})",
        "  2 sites, 2 racks, 1 server, 1 service, 0 pools, 1 scenario",
        "  site pangyo: Pangyo IDC (2 racks)",
        "  site gasan: Gasan IDC (0 racks)",
        "  scenario fire: Fire (fails pangyo, s1)",
    ]
    assert window.opened == []


def test_summary_mentions_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = small_plan()
    plan.services[0].depends_on = ["nothing"]
    path = tmp_path / "plan.json"
    save_plan(plan, path)
    assert main(["show", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == f"  1 problem(s): run 'drplanner validate {path}'"


def test_show_in_a_real_process(tmp_path: Path) -> None:
    path = tmp_path / "plan.drplan"
    save_plan(small_plan(), path)
    done = run("show", str(path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"판교 DR  ({path})\n")


def _one_error_line(err: str, prefix: str) -> str:
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert err.startswith(prefix), err
    assert "Traceback" not in err
    return err.rstrip("\n")


@pytest.mark.parametrize("output", ["out.txt", "out", "out.drplan.bak", "out.sqlite"])
def test_convert_to_a_bad_extension_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], output: str
) -> None:
    source = tmp_path / "plan.json"
    save_plan(small_plan(), source)
    target = tmp_path / output
    assert main(["convert", str(source), str(target)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    line = _one_error_line(err, f"drplanner: {target}: ")
    assert line.endswith("the output name must end in .json or .drplan")
    assert not target.exists()


def test_convert_into_a_missing_folder_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "plan.json"
    save_plan(small_plan(), source)
    for name in ("plan.drplan", "plan.json"):
        target = tmp_path / "no such folder" / name
        assert main(["convert", str(source), str(target)]) == 2
        line = _one_error_line(capsys.readouterr().err, f"drplanner: {target}: ")
        assert "cannot" in line


def test_convert_keeps_the_input_and_reports_type_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(plan_to_json(small_plan()))
    data["services"][0]["restore_minutes"] = "ten"
    source = tmp_path / "plan.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    target = tmp_path / "plan.drplan"
    assert main(["convert", str(source), str(target)]) == 2
    err = capsys.readouterr().err
    assert err == f"{source}: service 'web': restore_minutes: must be a number, got 'ten'\n"
    assert not target.exists()


def test_convert_writes_a_plan_with_problems_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = small_plan()
    plan.racks[0].site = "nowhere"
    source, target = tmp_path / "plan.json", tmp_path / "plan.drplan"
    save_plan(plan, source)
    assert main(["convert", str(source), str(target)]) == 0
    err = capsys.readouterr().err
    assert err.startswith(f"{target}: written, but the plan has 1 problem(s)")
    assert plan_to_json(load_plan(target)[0]) == plan_to_json(plan)


def test_convert_a_number_beyond_the_format_bounds_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # JSON numbers have no limit; the format bounds them (SQLite integers stop at 2**63).
    data = json.loads(plan_to_json(small_plan()))
    data["sites"][0]["x"] = 10**20
    source, target = tmp_path / "big.json", tmp_path / "big.drplan"
    source.write_text(json.dumps(data), encoding="utf-8")
    assert main(["convert", str(source), str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{source}: site " in err and ": x: must lie between" in err
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["big.json"]  # no temporary left


def test_internal_error_exits_1_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(path: object) -> None:
        raise RuntimeError("the storage layer broke")

    monkeypatch.delenv("DRPLANNER_DEBUG", raising=False)
    monkeypatch.setattr(commands, "load_plan", broken)
    path = tmp_path / "plan.json"
    save_plan(small_plan(), path)
    for argv in (["validate", str(path)], ["show", str(path)], ["convert", str(path), "o.json"]):
        assert main(argv) == 1
        out, err = capsys.readouterr()
        assert out == ""
        line = _one_error_line(err, "drplanner: internal error: ")
        assert line == (
            "drplanner: internal error: RuntimeError: the storage layer broke "
            "(set DRPLANNER_DEBUG=1 for details)"
        )


def test_internal_error_traceback_only_on_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(path: object) -> None:
        raise RuntimeError("the storage layer broke")

    monkeypatch.setattr(commands, "load_plan", broken)
    monkeypatch.setenv("DRPLANNER_DEBUG", "1")
    with pytest.raises(RuntimeError, match="the storage layer broke"):
        main(["validate", str(tmp_path / "plan.json")])


def test_internal_error_in_a_real_process(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    save_plan(small_plan(), path)
    code = (
        "import sys\n"
        "from planner.cli import commands, main\n"
        "def broken(*args):\n"
        "    raise ZeroDivisionError('division by zero')\n"
        "commands.validate_plan = broken\n"
        f"sys.exit(main.main(['validate', {str(path)!r}]))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DRPLANNER_DEBUG"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        "drplanner: internal error: ZeroDivisionError: division by zero "
        "(set DRPLANNER_DEBUG=1 for details)\n"
    )


def test_internal_error_with_a_multi_line_message_is_still_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(path: object) -> None:
        raise ValueError("first line\nsecond line\n\tthird")

    monkeypatch.delenv("DRPLANNER_DEBUG", raising=False)
    monkeypatch.setattr(commands, "load_plan", broken)
    assert main(["validate", str(tmp_path / "plan.json")]) == 1
    line = _one_error_line(capsys.readouterr().err, "drplanner: internal error: ")
    assert line == (
        "drplanner: internal error: ValueError: first line second line third "
        "(set DRPLANNER_DEBUG=1 for details)"
    )


# -- issue 10: terminal controls, closed pipes, outputs that must not be written -----------


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("plain 판교 DR — ok", "plain 판교 DR — ok"),
        ("\x1b[2J", "\\x1b[2J"),
        ("a\r\nb\tc", "a\\r\\nb\\tc"),
        ("nul\x00", "nul\\x00"),
        ("\x9b31m\x7f", "\\x9b31m\\x7f"),  # a C1 CSI and DEL
        ("\u202etxt.exe", "\\u202etxt.exe"),
        (
            "\u2066\u2067\u2068\u2069\u200e\u200f\u061c",
            "\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c",
        ),
        ("a\u2028b\u2029", "a\\u2028b\\u2029"),
        ("zero\u200bwidth\ufeff", "zero\\u200bwidth\\ufeff"),
        ("👨\u200d👩\u200d👧 non\u00a0break", "👨\u200d👩\u200d👧 non\u00a0break"),  # joiners kept
        ("\U000e0001", "\\U000e0001"),
        ("bad\udcffbyte", "bad\\xffbyte"),  # an undecodable byte of a file name
        ("back\\slash", "back\\slash"),
    ],
)
def test_printable_escapes_what_controls_a_terminal(raw: str, escaped: str) -> None:
    from planner.model.text import printable

    assert printable(raw) == escaped
    assert printable(escaped) == escaped  # escaping twice changes nothing


def test_shortened_keeps_both_ends_of_a_long_name() -> None:
    from planner.model.text import shortened

    name = "head-" + "x" * 100_000 + "-tail.drplan"
    short = shortened(name)
    assert len(short) < 300
    assert short.startswith("head-") and short.endswith("-tail.drplan")
    assert "more characters" in short
    assert shortened("short.drplan") == "short.drplan"


def _hostile_plan() -> Plan:
    plan = small_plan()
    plan.name = "판교\x1b[2J\rforged\u202e"
    plan.sites[0].name = "Site\nline"
    plan.scenarios[0].name = "Fire\x1b]0;title\x07"
    plan.services[0].id = "web\x1b[31m"
    plan.services[0].name = "Web\u2066"
    return plan


def test_show_escapes_controls_in_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.json"
    save_plan(_hostile_plan(), path)
    main(["show", str(path)])
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"판교\\x1b[2J\\rforged\\u202e  ({path})"
    assert "  site pangyo: Site\\nline (2 racks)" in out.splitlines()  # no forged line
    assert "  scenario fire: Fire\\x1b]0;title\\x07 (fails pangyo, s1)" in out.splitlines()
    assert "\x1b" not in out and "\r" not in out and "\u202e" not in out


def test_compute_escapes_ids_and_keeps_the_table_aligned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plan.json"
    save_plan(_hostile_plan(), path)
    main(["compute", str(path), "--scenario", "fire"])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\r" not in out and "\u202e" not in out
    rows = [line for line in out.splitlines() if line.startswith(("service", "web"))]
    assert rows[1].startswith("web\\x1b[31m")
    assert len({len(row) for row in rows}) == 1  # the header and the row line up


def test_compute_json_escapes_bidi_controls_and_stays_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plan.json"
    save_plan(_hostile_plan(), path)
    main(["compute", str(path), "--scenario", "fire", "--format", "json"])
    out = capsys.readouterr().out
    assert "\u2066" not in out and "\x1b" not in out
    assert "\\u2066" in out
    data = json.loads(out)
    assert data["services"][0]["id"] == "web\x1b[31m"  # the same string once parsed
    assert data["services"][0]["name"] == "Web\u2066"


def test_messages_escape_controls_in_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["export", "p.drplan", "--scenario", "x", "-o", "o.pdf", "--date", "\x1b[2J\n9"])
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == (
        "drplanner export: error: argument --date: not a date YYYY-MM-DD: '\\x1b[2J\\n9'"
    )
    assert main(["validate", "missing\x1b[2J\u202e.json"]) == 2
    assert capsys.readouterr().err == "drplanner: missing\\x1b[2J\\u202e.json: no such file\n"


def _closed_pipe_run(*args: str, unbuffered: bool) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("DRPLANNER_DEBUG", "PYTHONUNBUFFERED")}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    read, write = os.pipe()
    os.close(read)  # like 'drplanner show PLAN | head' once head has left
    try:
        return subprocess.run(
            [sys.executable, "-m", "planner", *args],
            stdout=write,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env=env,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write)


@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "unbuffered"])
@pytest.mark.parametrize("command", ["show", "validate", "compute"])
def test_a_closed_pipe_exits_141_quietly(tmp_path: Path, command: str, unbuffered: bool) -> None:
    path = tmp_path / "plan.drplan"
    save_plan(small_plan(), path)
    extra = ["--scenario", "fire"] if command == "compute" else []
    done = _closed_pipe_run(command, str(path), *extra, unbuffered=unbuffered)
    assert (done.returncode, done.stderr) == (141, b"")


def test_a_full_standard_output_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "plan.drplan"
    save_plan(small_plan(), path)
    env = {k: v for k, v in os.environ.items() if k not in ("DRPLANNER_DEBUG", "PYTHONUNBUFFERED")}
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "planner", "show", str(path)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=60,
            check=False,
        )
    assert done.returncode == 2
    assert done.stderr == "drplanner: cannot write the output: No space left on device\n"


def test_export_onto_its_own_plan_refuses_and_keeps_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plan.pdf"  # a plan with an unlucky name
    save_plan(small_plan(), tmp_path / "plan.drplan")
    (tmp_path / "plan.drplan").rename(path)
    before = path.read_bytes()
    assert main(["export", str(path), "--scenario", "fire", "-o", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"drplanner: {path}: is the plan being read ({path}); give another output name\n"
    )
    assert path.read_bytes() == before


def test_convert_onto_its_own_plan_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plan.json"
    save_plan(small_plan(), path)
    before = path.read_bytes()
    assert main(["convert", str(path), str(tmp_path / "." / "sub" / ".." / "plan.json")]) == 2
    assert "is the plan being read" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_convert_says_when_it_replaces_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, target = tmp_path / "plan.json", tmp_path / "old.drplan"
    save_plan(small_plan(), source)
    other = small_plan()
    other.name = "the old plan"
    save_plan(other, target)
    assert main(["convert", str(source), str(target)]) == 0
    assert capsys.readouterr().err == f"drplanner: replaced the existing file {target}\n"
    assert load_plan(target)[0].name == "판교 DR"
    assert main(["convert", str(source), str(tmp_path / "new.drplan")]) == 0
    assert capsys.readouterr().err == ""  # a new file: nothing to say


@pytest.mark.parametrize("kind", ["folder", "fifo", "device", "dangling link"])
def test_convert_and_export_refuse_what_is_not_a_plain_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    source = tmp_path / "plan.drplan"
    save_plan(small_plan(), source)
    for suffix in (".json", ".pdf"):
        target = tmp_path / f"{kind.replace(' ', '-')}{suffix}"
        if kind == "folder":
            target.mkdir()
        elif kind == "fifo":
            os.mkfifo(target)
        elif kind == "device":
            target.symlink_to("/dev/null")
        else:
            target.symlink_to("nowhere")
        if suffix == ".json":
            argv = ["convert", str(source), str(target)]
        else:
            argv = ["export", str(source), "--scenario", "fire", "-o", str(target)]
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"drplanner: {target}: is a") and err.count("\n") == 1, err
        assert target.is_symlink() or target.exists()  # left as it was


# ------------------------------------------------------------------ output and the collector

_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and the infinities too: json.dumps writes them
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.tuples(children, children)
        | st.dictionaries(st.text(max_size=5) | st.integers(), children, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(_JSON_VALUES, st.booleans())
def test_indented_json_is_exactly_what_json_dumps_writes(value: Any, ascii_only: bool) -> None:
    from planner.cli.report import indented_json

    assert indented_json(value, ascii_only) == json.dumps(value, ensure_ascii=ascii_only, indent=2)


def test_compute_json_is_json_dumps_of_the_result(tmp_path: Path) -> None:
    from planner.cli.report import result_to_json, tooling_json
    from planner.engine.recovery import compute

    plan = small_plan()
    plan.services[0].name = '웹 "front"\n{end}'
    result = compute(plan, scenario_id="fire")
    path = tmp_path / "plan.json"
    save_plan(plan, path)
    done = run("compute", str(path), "--scenario", "fire", "--format", "json")
    value = result_to_json(result)
    value["tooling"] = tooling_json(result, plan)
    expected = json.dumps(value, ensure_ascii=False, indent=2) + "\n"
    assert done.returncode == 0 and done.stdout == expected


def test_a_command_leaves_the_collector_as_it_found_it(tmp_path: Path) -> None:
    import gc

    path = tmp_path / "plan.drplan"
    save_plan(small_plan(), path)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert main(["compute", str(path), "--scenario", "fire"]) == 0
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:
        assert main(["validate", str(path)]) == 0
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.enable()


def test_a_command_keeps_the_plan_out_of_collection_while_it_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from planner.engine import recovery

    path = tmp_path / "plan.drplan"
    save_plan(small_plan(), path)
    seen: list[tuple[bool, bool]] = []
    real = recovery.compute

    def spying(plan: Plan, **options: Any) -> Any:
        seen.append((gc.isenabled(), gc.get_freeze_count() > 0))
        return real(plan, **options)

    monkeypatch.setattr(recovery, "compute", spying)
    assert main(["compute", str(path), "--scenario", "fire"]) == 0
    assert seen == [(True, True)]  # collecting, but not the plan read before
