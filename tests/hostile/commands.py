"""Every command that reads a plan, run on one hostile file: the shared step of the
broken-JSON, nasty-semantics and damaged-SQLite families."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from planner.model import Plan, Pool, Rack, Scenario, Server, Service, Site
from planner.model.plan import Domain
from tests.hostile.harness import (
    Outcome,
    assert_behaved,
    assert_unchanged,
    fingerprints,
    run_cli,
    run_cli_process,
)

# A site of the sample plan, for `compute --fail`.
FAILED = "pangyo"


def sample_plan() -> Plan:
    return Plan(
        name="판교 sample",
        sites=[Site("pangyo", "판교", x=0, y=0, width=400, height=300), Site("gasan", "가산")],
        domains=[Domain("p1", "Feed 1", "power", site="pangyo", notes="UPS A")],
        racks=[
            Rack("r1", "pangyo", "Rack 1", domains=["p1"]),
            Rack("r2", "gasan", "Rack 2", units=20),
        ],
        servers=[
            Server("s1", "r1", "db-1", position=1, height=2, domains=["p1"]),
            Server("s2", "r1", "web-1", position=3),
            Server("s3", "r2", "db-2", position=1, height=2),
        ],
        pools=[Pool("crew", "Crew", capacity=2)],
        services=[
            Service(
                "db",
                "Database",
                tier=0,
                rto_minutes=60,
                restore_minutes=30,
                failover_minutes=5,
                failover_needs={"crew": 2},
                automatic_failover=True,
                restart_minutes=15,
                restart_needs={"crew": 1},
                servers=["s1"],
                standby_servers=["s3"],
                needs={"crew": 1},
                owner="Kim",
                team="DBA",
                steps=["Promote the standby"],
                color="#123456",
                x=10,
                y=20,
            ),
            Service("web", "Web", tier=1, restore_minutes=10, servers=["s2"], depends_on=["db"]),
        ],
        scenarios=[
            Scenario(
                "fire",
                "Pangyo fire",
                ["pangyo", "p1"],
                returns={"p1": 1380},
                declared_after_minutes=40,
            )
        ],
        notes="notes",
        extra={"x-tool": {"rev": 3}},
    )


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
