"""Hostile family "CLI arguments": wrong, missing and extra arguments for every command,
bad option values, paths that are no plan, odd locales, a closed standard output, and
ids and names holding terminal controls.

Besides :func:`assert_behaved`, every case checks that nothing raw reaches the terminal:
no character that :func:`planner.model.text.printable` would escape (ESC, CR, NUL, C1,
bidi overrides, ...) appears in what was printed, newlines between lines aside.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from planner.cli.output import EXIT_CLOSED_PIPE
from planner.model import Plan, Rack, Scenario, Server, Service, Site
from planner.model.text import printable
from planner.storage import save_plan
from tests.hostile.harness import (
    Outcome,
    assert_behaved,
    assert_unchanged,
    fingerprints,
    one_service_plan,
    run_cli,
    run_cli_process,
)

# Terminal controls a plan or an argument may carry: repaint, retitle, forge a line,
# reverse what follows.
CONTROLS = {
    "ESC clear screen": "\x1b[2J\x1b[H",
    "OSC window title": "\x1b]0;owned\x07",
    "CR": "ok\rforged",
    "LF": "ok\ndrplanner: forged line",
    "NUL": "a\x00b",
    "C1 CSI": "\x9b31m",
    "RLO": "\u202etxt.exe",
    "bidi isolate": "\u2066x\u2069",
    "line separator": "a\u2028b",
}


def hostile_plan() -> Plan:
    """Every name and id laced with terminal controls (ids too, which validate flags)."""
    evil = "".join(CONTROLS.values())
    return Plan(
        name=f"plan{evil}",
        sites=[Site(f"site{evil}", f"Site{evil}")],
        racks=[Rack("r1", f"site{evil}", f"Rack{evil}")],
        servers=[Server("s1", "r1", f"srv{evil}", position=1)],
        services=[
            Service(f"svc{evil}", f"Service{evil}", restore_minutes=10, servers=["s1"]),
            Service("web", f"Web{evil}", restore_minutes=5, servers=["s1"]),
        ],
        scenarios=[Scenario("fire", f"Fire{evil}", failed=[f"site{evil}"])],
    )


# -- the table ---------------------------------------------------------------------------

PLAN_COMMANDS: dict[str, tuple[str, ...]] = {
    # command -> the arguments after PLAN that make it valid
    "validate": (),
    "show": (),
    "compute": ("--scenario", "fire"),
    "export": ("--scenario", "fire", "-o", "{out}"),
    "convert": ("{out_json}",),
}

BAD_PATHS = {
    "a folder": "{folder}",
    "a missing file": "{tmp}/missing.drplan",
    "a missing file, no suffix": "{tmp}/missing",
    "an empty file": "{empty}",
    "an empty .json": "{empty_json}",
    "junk bytes": "{junk}",
    "'-'": "-",
    "an empty name": "",
    "a 100,000-character name": "{tmp}/" + "p" * 100_000 + ".drplan",
    "a 300-character name": "{tmp}/" + "p" * 300 + ".json",
    "a path through a file": "{plan}/inner.drplan",
    "a name with ESC and RLO": "{tmp}/\x1b[2J\u202emissing.json",
    "a name with NUL": "{tmp}/nul\x00.drplan",  # only in-process: argv cannot hold one
}

BAD_OPTIONS: dict[str, list[tuple[str, ...]]] = {
    "compute": [
        ("--exact", v) for v in ("-1", "0", "nan", "inf", "1e999", "86401", "abc", "", "\x1b[2J")
    ]
    + [("--objective", "speed"), ("--format", "xml"), ("--format",), ("--scenario",)],
    "export": [
        ("--date", v) for v in ("2026-13-01", "yesterday", "", "99999-01-01", "\x1b]0;x\x07")
    ]
    + [("--paper", "a5"), ("--paper", ""), ("-o",), ("--objective", "")],
}


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]
    mode: str = "in-process"  # or "process", "closed pipe"
    env: dict[str, str] = field(default_factory=dict)
    codes: tuple[int, ...] = (0, 2)
    expect_out: str | None = None  # a text the output must hold


def _plan_args(command: str, plan: str) -> tuple[str, ...]:
    return (command, plan, *PLAN_COMMANDS[command])


def _label(args: tuple[str, ...]) -> str:
    return " ".join(a for a in args if "{" not in a)


def _cases() -> Iterator[Case]:
    for command in PLAN_COMMANDS:
        yield Case(f"{command}: no arguments", (command,), codes=(2,))
        yield Case(
            f"{command}: an extra argument", (*_plan_args(command, "{plan}"), "extra"), codes=(2,)
        )
        yield Case(
            f"{command}: an unknown option",
            (*_plan_args(command, "{plan}"), "--frobnicate"),
            codes=(2,),
        )
        yield Case(f"{command}: a good plan", _plan_args(command, "{plan}"), codes=(0,))
        for what, path in BAD_PATHS.items():
            yield Case(f"{command}: PLAN is {what}", _plan_args(command, path), codes=(2,))
        for option in BAD_OPTIONS.get(command, []):
            yield Case(
                f"{command}: {' '.join(map(repr, option))}",
                (*_plan_args(command, "{plan}"), *option),
                codes=(2,),
            )
    for command in ("compute", "export"):
        base = _plan_args(command, "{plan}")[:2] + _plan_args(command, "{plan}")[4:]
        yield Case(f"{command}: no scenario", base, codes=(2,))
        yield Case(f"{command}: an unknown scenario", (*base, "--scenario", "nope"), codes=(2,))
        for n in (1, 100):
            fails = tuple(a for i in range(n) for a in ("--fail", f"ghost-{i}"))
            yield Case(f"{command}: --fail of {n} unknown ids", (*base, *fails), codes=(2,))
        for what, text in CONTROLS.items():
            yield Case(
                f"{command}: --scenario with {what}", (*base, "--scenario", f"x{text}"), codes=(2,)
            )
            yield Case(f"{command}: --fail with {what}", (*base, "--fail", f"x{text}"), codes=(2,))
    yield Case("an unknown command", ("frobnicate", "{plan}"), codes=(2,))
    yield Case("an unknown command with ESC", ("\x1b[2Jfrob", "x"), codes=(2,))
    yield Case("an unknown top-level option", ("--frobnicate",), codes=(2,))
    yield Case("convert: OUT with NUL", ("convert", "{plan}", "{tmp}/o\x00.json"), codes=(2,))
    yield Case(
        "export: -o with NUL", ("export", "{plan}", "--fail", "r1", "-o", "x\x00.pdf"), codes=(2,)
    )
    # A plan full of controls: every command prints names and ids from it.
    for command in ("validate", "show", "compute", "export"):
        yield Case(f"{command}: a plan of control characters", _plan_args(command, "{hostile}"))
    yield Case(
        "compute --format json: a plan of control characters",
        (*_plan_args("compute", "{hostile}"), "--format", "json"),
    )
    # Odd locales and encodings, in a real process: a Korean name on an ASCII terminal.
    for what, env in {
        "PYTHONIOENCODING=ascii": {"PYTHONIOENCODING": "ascii"},
        "LANG=C": {"LANG": "C", "LC_ALL": "C"},
        "LC_ALL=C, no UTF-8 mode": {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""},
        "PYTHONIOENCODING=latin-1": {"PYTHONIOENCODING": "latin-1"},
    }.items():
        for command in ("show", "compute"):
            yield Case(
                f"{command} under {what}", _plan_args(command, "{plan}"), "process", env, (0,)
            )
        yield Case(
            f"compute --format json under {what}",
            (*_plan_args("compute", "{plan}"), "--format", "json"),
            "process",
            env,
            (0,),
        )
        yield Case(
            f"validate a missing Korean name under {what}",
            ("validate", "{tmp}/판교.drplan"),
            "process",
            env,
            (2,),
        )
    # The reader of standard output went away (``| head``), buffered or not.
    for buffering, env in {
        "buffered": {"PYTHONUNBUFFERED": ""},
        "unbuffered": {"PYTHONUNBUFFERED": "1"},
    }.items():
        for args in (
            _plan_args("show", "{plan}"),
            _plan_args("validate", "{plan}"),
            _plan_args("compute", "{plan}"),
            (*_plan_args("compute", "{plan}"), "--format", "json"),
            _plan_args("export", "{plan}"),
            ("--version",),
            ("--help",),
            ("compute", "--help"),
        ):
            yield Case(
                f"{_label(args)} into a closed pipe ({buffering})",
                args,
                "closed pipe",
                env,
                (EXIT_CLOSED_PIPE,),
            )


CASES: list[Case] = list(_cases())


# -- running a case ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("cli-arguments")
    save_plan(one_service_plan(), tmp / "plan.drplan")
    save_plan(hostile_plan(), tmp / "hostile.json")
    (tmp / "folder.drplan").mkdir()
    (tmp / "empty.drplan").write_bytes(b"")
    (tmp / "empty.json").write_bytes(b"")
    (tmp / "junk.json").write_bytes(bytes(range(256)) * 4)
    return {
        "tmp": str(tmp),
        "plan": str(tmp / "plan.drplan"),
        "hostile": str(tmp / "hostile.json"),
        "folder": str(tmp / "folder.drplan"),
        "empty": str(tmp / "empty.drplan"),
        "empty_json": str(tmp / "empty.json"),
        "junk": str(tmp / "junk.json"),
        "out": str(tmp / "out.pdf"),
        "out_json": str(tmp / "out.json"),
    }


def _fill(arg: str, files: dict[str, str]) -> str:
    for key, value in files.items():
        arg = arg.replace("{" + key + "}", value)
    return arg


def _run(case: Case, args: list[str]) -> Outcome:
    if case.mode == "in-process":
        return run_cli(args)
    if case.mode == "process":
        return run_cli_process(args, env=case.env)
    read, write = os.pipe()
    os.close(read)  # closed before the first byte: every write meets EPIPE
    try:
        return run_cli_process(args, env=case.env, stdout=write)
    finally:
        os.close(write)


def _raw_controls(text: str) -> list[str]:
    return sorted({c for c in text if c != "\n" and printable(c) != c})


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_cli_argument(case: Case, files: dict[str, str]) -> None:
    args = [_fill(a, files) for a in case.args]
    inputs = [Path(files[k]) for k in ("plan", "hostile", "empty", "junk")]
    before = fingerprints(inputs)
    outcome = _run(case, args)
    assert_behaved(outcome, codes=case.codes)
    assert _raw_controls(outcome.out) == [], outcome.out[-500:]
    assert _raw_controls(outcome.err) == [], outcome.err[-500:]
    if case.mode == "closed pipe":
        assert outcome.err == "", "a closed pipe is no error to report"
    if case.env.get("PYTHONIOENCODING") == "ascii" and case.codes == (0,):
        assert outcome.out.isascii() and "\\u" in outcome.out, outcome.out[:300]
    assert_unchanged(before)
    Path(files["out"]).unlink(missing_ok=True)
    Path(files["out_json"]).unlink(missing_ok=True)
