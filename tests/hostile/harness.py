"""What every hostile case must show: a clear line or success, never a traceback, an
"internal error", a hang (pytest-timeout) or a lost file.

Each family module (``test_<family>.py``) holds a table of cases generated in code and
one parametrized test that runs them through :func:`run_cli` (in this process, fast) or
:func:`run_cli_process` (a real process: pipes, terminals, encodings, signals), then
:func:`assert_behaved`. ``FAMILIES`` in ``tests/hostile/test_counts.py`` counts them for
the README.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from planner.cli.main import main
from planner.model import Plan, Rack, Scenario, Server, Service, Site

REPO = Path(__file__).resolve().parents[2]
FORBIDDEN = ("Traceback", "internal error", "Error:\n")


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str


def run_cli(args: Sequence[str], stdin: str = "") -> Outcome:
    """``drplanner ARGS`` in this process, its output captured."""
    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as leaving:  # argparse leaves this way
                code = leaving.code if isinstance(leaving.code, int) else 2
    finally:
        sys.stdin = old_stdin
    return Outcome(code, out.getvalue(), err.getvalue())


def run_cli_process(
    args: Sequence[str],
    env: dict[str, str] | None = None,
    timeout: float = 120,
    stdout: int | None = subprocess.PIPE,
) -> Outcome:
    """``drplanner ARGS`` as its own process (bytes decoded leniently)."""
    full_env = {k: v for k, v in os.environ.items() if k != "DRPLANNER_DEBUG"}
    full_env.update(env or {})
    done = subprocess.run(
        [sys.executable, "-m", "planner", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=full_env,
        timeout=timeout,
        check=False,
        cwd=REPO,
    )
    decode = lambda data: (data or b"").decode("utf-8", errors="replace")  # noqa: E731
    return Outcome(done.returncode, decode(done.stdout), decode(done.stderr))


def assert_behaved(
    outcome: Outcome, codes: Iterable[int] = (0, 2), max_err_lines: int = 60
) -> None:
    """Exit 0 or 2 (or ``codes``), no traceback, no internal error, a bounded error."""
    assert outcome.code in tuple(codes), (outcome.code, outcome.err[-2000:])
    for text in (outcome.out, outcome.err):
        for word in FORBIDDEN:
            assert word not in text, text[-2000:]
    assert len(outcome.err.splitlines()) <= max_err_lines, outcome.err[:2000]
    if outcome.code == 2:
        assert outcome.err.strip(), "exit 2 owes the user a line saying why"


def fingerprints(paths: Iterable[Path]) -> dict[Path, str | None]:
    """Content hashes of files (None where missing), to prove nothing was lost."""
    found: dict[Path, str | None] = {}
    for path in paths:
        try:
            found[path] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            found[path] = None
    return found


def assert_unchanged(before: dict[Path, str | None]) -> None:
    assert fingerprints(before) == before, "a file the user had was changed or lost"


def one_service_plan(name: str = "판교 DR") -> Plan:
    """The smallest valid plan with something to compute and export: one site, rack,
    server and service (Korean names, for the encoding cases), and a fire scenario."""
    return Plan(
        name=name,
        sites=[Site("pangyo", "판교 IDC")],
        racks=[Rack("r1", "pangyo", "Rack 1")],
        servers=[Server("s1", "r1", "web-1", position=1)],
        services=[Service("web", "웹", restore_minutes=10, servers=["s1"])],
        scenarios=[Scenario("fire", "Fire", failed=["pangyo"])],
    )
