"""Write the version fixtures: one small plan saved by this program in both formats.

    PYTHONPATH=. .venv/bin/python tests/data/write_fixtures.py

writes ``plan-vN.json`` (N = the JSON format version, ``records.FORMAT_VERSION``) and
``plan-vN.drplan`` (N = the ``.drplan`` schema version, ``drplan_format.SCHEMA_VERSION``)
into this folder, and leaves alone a file that is already there: the files of each
version are written once, by the program of that version, and committed; every later
version must open them as :func:`fixture_plan` (``tests/test_migrations.py``). Run it
after bumping a version, to add the new version's files beside the old ones.

The version 1 files were written on 2026-12-02 by DR Planner 0.1.0 (commit after
64025d6), with ``fixture_plan(1)``; ``plan-v2.drplan`` (schema 2: the fingerprint of the
rows) on 2026-12-02 by the branch cli-storage of issue 12, with ``fixture_plan(2)``,
the same plan; ``plan-v2.json`` (format v2) and ``plan-v3.drplan`` (schema 3) on
2026-12-02 by the branch i13-storage of issue 13, with the same plan plus failure
domains, returns, a declaration delay and failover and restart modes; ``plan-v3.json``
(format v3) and ``plan-v4.drplan`` (schema 4) on 2026-12-02 by the branch i14-storage of
issue 14, with the same plan plus data copies, RPOs, failover test dates, a test age, an
untested-failovers scenario and a scenario date; ``plan-v4.json`` (format v4) and
``plan-v5.drplan`` (schema 5) on 2026-12-03 on main during issue 15, with the same plan
plus a recovery-tooling service and, in another service, an unknown field named
``x-v3-recovery_tooling`` (what the step from v3 makes of another tool's key).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent.parent) not in sys.path:  # run as a script from a source checkout
    sys.path.insert(0, str(HERE.parent.parent))

from datetime import date  # noqa: E402

from planner.model.plan import (  # noqa: E402
    DataCopy,
    Domain,
    Plan,
    Pool,
    Rack,
    Scenario,
    Server,
    Service,
    Site,
)

# The first version of each format that holds failure domains and time (issue 13).
DOMAINS_SINCE = {".json": 2, ".drplan": 3}
# The first that holds data copies, RPOs and failover tests (issue 14).
DATA_SINCE = {".json": 3, ".drplan": 4}
# The first that marks recovery tooling (issue 15).
TOOLING_SINCE = {".json": 4, ".drplan": 5}


def fixture_plan(version: int, suffix: str = ".drplan") -> Plan:
    """The plan the files of ``version`` of the format of ``suffix`` hold, as the
    current program reads it.

    Version 1's must never change (its files are history); a later version may add what
    it can newly hold, starting from the plan of the version before. Small, but with
    every table, every kind of value (a fraction, null, text outside ASCII, a list order
    that matters, a mapping that is empty rather than null) and unknown fields at the
    top and in an item.
    """
    if version < 1:
        raise ValueError(f"no plan format version {version}")
    plan = _version_1_plan()
    if version >= DOMAINS_SINCE[suffix]:
        _add_domains_and_time(plan)
    if version >= DATA_SINCE[suffix]:
        _add_data_and_failover_tests(plan)
    if version >= TOOLING_SINCE[suffix]:
        _add_recovery_tooling(plan)
    return plan


def _add_recovery_tooling(plan: Plan) -> None:
    db, web = plan.services
    db.recovery_tooling = True
    web.extra = {**web.extra, "x-v3-recovery_tooling": "yes"}


def _add_data_and_failover_tests(plan: Plan) -> None:
    db, web = plan.services
    db.rpo_minutes = 15
    db.failover_tested_on = date(2026, 3, 1)
    db.data = [
        DataCopy("pg", ["pg-db-01"]),
        DataCopy("ga-replica", ["ga-db-01", "gasan"], lag_minutes=0.5, kind="replica"),
        DataCopy(
            "tape",
            ["pg-feed-b", "ga-b01"],
            lag_minutes=1440,
            kind="backup",
            notes="금고 (vault)",
            extra={"x-retention": {"days": 30}},
        ),
    ]
    web.data = [DataCopy("export", ["pg-room-3"], lag_minutes=60, kind="offline")]
    plan.failover_test_max_age_days = 180
    plan.scenarios[2].untested_failovers_fail = True
    plan.scenarios[2].as_of = date(2026, 9, 1)


def _add_domains_and_time(plan: Plan) -> None:
    plan.domains = [
        Domain("pg-feed-a", "판교 feed A", "power", site="pangyo"),
        Domain("pg-feed-b", "판교 feed B", "power", site="pangyo", extra={"x-panel": "PP-2"}),
        Domain("pg-room-3", "Room 3", "room", notes="battery room next door"),
    ]
    plan.racks[0].domains = ["pg-feed-b", "pg-feed-a"]
    plan.servers[1].domains = ["pg-room-3"]
    db, web = plan.services
    db.failover_needs = {}  # set, and empty: a failover needs no DBA
    db.automatic_failover = True
    db.restart_minutes = 45.5
    db.restart_needs = {"dba": 2}
    web.restart_minutes = 5  # restart_needs None: the same as needs
    plan.scenarios.append(
        Scenario(
            "feeds",
            "Both feeds",
            ["pg-feed-a", "pg-feed-b", "pg-room-3"],
            returns={"pg-feed-b": 1800, "pg-feed-a": 1380.5},
            declared_after_minutes=40,
        )
    )


def _version_1_plan() -> Plan:
    return Plan(
        name="판교 fixture v1",
        sites=[
            Site("pangyo", "판교", x=0, y=0, width=400, height=300, color="#c0392b"),
            Site("gasan", "가산", notes="backup site"),
        ],
        racks=[Rack("pg-a01", "pangyo", "PG-A01"), Rack("ga-b01", "gasan", "GA-B01", units=20)],
        servers=[
            Server("pg-db-01", "pg-a01", "pg-db-01", position=1, height=2),
            Server("pg-web-01", "pg-a01", "pg-web-01", position=3, notes="front end"),
            Server("ga-db-01", "ga-b01", "ga-db-01", position=1, height=2),
        ],
        pools=[Pool("dba", "Database administrators", capacity=2, notes="on call")],
        services=[
            Service(
                "db",
                "Database",
                tier=0,
                rto_minutes=60,
                restore_minutes=720.5,
                failover_minutes=30,
                servers=["pg-db-01"],
                standby_servers=["ga-db-01"],
                needs={"dba": 1},
                owner="Kim",
                team="DBA",
                steps=["Promote the standby", "Point the application at it"],
                color="#123456",
                x=10,
                y=-20.25,
            ),
            Service(
                "web",
                "Web",
                tier=1,
                restore_minutes=10,
                servers=["pg-web-01"],
                depends_on=["db"],
                extra={"x-cmdb-id": "CI0042"},
            ),
        ],
        scenarios=[
            Scenario("pangyo-fire", "Pangyo fire", ["pangyo"]),
            Scenario("rack", "One rack", ["pg-a01", "ga-db-01"], notes="two at once"),
        ],
        notes="A plan for the version fixtures.",
        extra={"x-tool": {"rev": 3, "tags": ["a", "b"]}},
    )


def main(argv: list[str]) -> int:
    from planner.storage import save_plan
    from planner.storage.drplan_format import SCHEMA_VERSION
    from planner.storage.records import FORMAT_VERSION

    folder = Path(argv[0]) if argv else HERE
    for name, version in (("json", FORMAT_VERSION), ("drplan", SCHEMA_VERSION)):
        path = folder / f"plan-v{version}.{name}"
        if path.exists():
            print(f"{path}: kept (written by the program of version {version})")
            continue
        save_plan(fixture_plan(version, path.suffix), path)
        print(f"{path}: written")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
