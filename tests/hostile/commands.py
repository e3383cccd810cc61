"""Every command that reads a plan, run on one hostile file: the shared step of the
broken-JSON, nasty-semantics and damaged-SQLite families."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tests.hostile.harness import (
    Outcome,
    assert_behaved,
    assert_unchanged,
    fingerprints,
    run_cli,
    run_cli_process,
)

# A site, rack and server of the families' sample plans, for `compute --fail`.
FAILED = "pangyo"


def reading_commands(path: Path, out_dir: Path, failed: str = FAILED) -> list[list[str]]:
    """validate, show, compute and convert (into both formats, in ``out_dir``)."""
    plan = str(path)
    return [
        ["validate", plan],
        ["show", plan],
        ["compute", plan, "--fail", failed],
        ["convert", plan, str(out_dir / "converted.json")],
        ["convert", plan, str(out_dir / "converted.drplan")],
    ]


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def run_every_reader(
    path: Path,
    out_dir: Path,
    process: bool = False,
    failed: str = FAILED,
    timeout: float = 20,
) -> list[Outcome]:
    """Run each reading command on ``path`` and check it behaved and changed nothing.

    ``process=True`` runs each as its own process with ``timeout`` (for pipes and
    devices, where a regression hangs and must not take the test run with it).
    A pipe or a device is never read here (that is the hang being tested); a regular
    file's bytes must be the same afterwards.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    regular = _is_regular(path)
    before = fingerprints([path]) if regular else {}
    kind = os.lstat(path).st_mode if os.path.lexists(path) else None
    outcomes = []
    for args in reading_commands(path, out_dir, failed):
        outcome = run_cli_process(args, timeout=timeout) if process else run_cli(args)
        assert_behaved(outcome)
        outcomes.append(outcome)
    if regular:
        assert_unchanged(before)
    assert (os.lstat(path).st_mode if os.path.lexists(path) else None) == kind
    return outcomes
