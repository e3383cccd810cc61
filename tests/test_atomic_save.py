"""A save killed at any moment leaves the old plan or the new one, never a broken file.

A separate process saves a 20,000-server plan to one path in a loop and prints a line
after each save; the test waits for that line, lets a random extra moment pass (so that
the kill lands anywhere in the next save: writing rows, fsync, rename) and SIGKILLs it.
The file must then open and hold exactly the last version confirmed, or the next one.
"""

from __future__ import annotations

import contextlib
import os
import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from save_loop import kill_once, make_plan, temporaries

from planner.engine.recovery import RecoveryResult, compute
from planner.model import Plan, Rack, Scenario, Server, Service, Site
from planner.runbook.export import export_runbook
from planner.storage import load_plan, plan_to_json, save_plan
from planner.storage.atomic import current_umask

SERVERS = 20_000
KILLS = 5

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def test_make_plan_versions_differ_everywhere() -> None:
    old, new = make_plan(3, 50), make_plan(4, 50)
    assert len(new.servers) == len(old.servers) + 1
    assert all(a.name != b.name for a, b in zip(old.servers, new.servers, strict=False))


def test_a_killed_save_leaves_the_old_or_the_new_plan(tmp_path: Path) -> None:
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    path = tmp_path / "big plan.drplan"
    seen = []
    for kill in range(KILLS):
        # The victim saves version 0 first (a fresh process each time), so the file
        # before the kill is version 0, 1, ... of the loop just killed.
        result = kill_once(path, SERVERS, delay=rng.uniform(0.0, 0.8))
        where = f"kill {kill} (seed {seed}, delay {result.delay:.3f}s)"
        assert result.openable, f"{where}: {result.error}"
        assert result.which in ("old", "new"), f"{where}: {result.which}"
        seen.append(result.which)
        # Whatever a kill left behind is only ever a temporary beside the plan.
        others = {p for p in tmp_path.iterdir() if p != path} - set(temporaries(path))
        assert others == set(), f"{where}: unexpected files {others}"
    assert len(seen) == KILLS


def test_temporaries_left_by_a_kill_do_not_disturb_the_next_save(tmp_path: Path) -> None:
    path = tmp_path / "plan.drplan"
    stale = tmp_path / f".{path.name}.abc123.tmp"
    stale.write_bytes(b"half a database")
    plan = make_plan(7, 100)
    save_plan(plan, path)
    assert plan_to_json(load_plan(path)[0]) == plan_to_json(plan)
    assert temporaries(path) == [stale]  # not mistaken for the plan, not in the way


def test_a_save_removes_temporaries_left_by_old_killed_saves(tmp_path: Path) -> None:
    import os
    import time

    from planner.model import Plan
    from planner.storage import save_plan
    from planner.storage.atomic import STALE_AFTER_S

    target = tmp_path / "p.drplan"
    old = tmp_path / ".p.drplan.abc123.tmp"
    fresh = tmp_path / ".p.drplan.def456.tmp"  # may belong to a save still running
    for leftover in (old, fresh):
        leftover.write_bytes(b"partial")
    long_ago = time.time() - STALE_AFTER_S - 60
    os.utime(old, (long_ago, long_ago))
    save_plan(Plan(name="x"), target)
    assert not old.exists() and fresh.exists() and target.exists()


# ------------------------------------------------------------ permissions


@contextlib.contextmanager
def _with_umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def _small_runbook_inputs() -> tuple[Plan, RecoveryResult]:
    plan = Plan(
        name="modes",
        sites=[Site("s", "S")],
        racks=[Rack("r", "s", "R")],
        servers=[Server("h", "r", "h", 1)],
        services=[Service("web", "Web", restore_minutes=10, servers=["h"])],
        scenarios=[Scenario("fire", "Fire", ["s"])],
    )
    return plan, compute(plan, scenario_id="fire")


def _write(kind: str, path: Path) -> None:
    if kind == "pdf":
        plan, result = _small_runbook_inputs()
        export_runbook(plan, result, path, date="2026-01-02")
    else:
        save_plan(Plan(name="modes"), path)


@pytest.mark.parametrize("kind", ["json", "drplan", "pdf"])
@pytest.mark.parametrize("mask", [0o022, 0o002, 0o077])
def test_a_new_file_gets_the_mode_the_umask_gives(tmp_path: Path, kind: str, mask: int) -> None:
    path = tmp_path / f"new.{kind}"
    with _with_umask(mask):
        _write(kind, path)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


@pytest.mark.parametrize("kind", ["json", "drplan", "pdf"])
def test_replacing_a_file_keeps_its_mode(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"old.{kind}"
    path.write_bytes(b"old")
    os.chmod(path, 0o640)
    with _with_umask(0o077):
        _write(kind, path)
    assert path.stat().st_mode & 0o777 == 0o640
    assert path.read_bytes() != b"old"


def test_the_umask_is_read_without_changing_it() -> None:
    with _with_umask(0o027):
        assert current_umask() == 0o027
        assert os.umask(0o027) == 0o027  # still what it was
