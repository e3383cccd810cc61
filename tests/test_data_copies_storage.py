"""Data copies, RPOs and failover tests in storage, validation and the edits that rename
or delete what a copy is on (issue 14)."""

from __future__ import annotations

import copy
import json
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from planner.engine.recovery import blocking_problems
from planner.model import validate
from planner.model.edits import PLAN_ID, Edit, RenameId, SetFields, delete_items
from planner.model.incremental import IncrementalValidator
from planner.model.plan import DataCopy, Plan, Rack, Server, Service, Site
from planner.storage import (
    DamagedPlanError,
    drplan_rows,
    load_plan,
    plan_from_json,
    plan_to_json,
    save_plan,
)
from planner.storage.drplan_format import SCHEMA
from tests.test_validation import base_plan


def _db(plan: Plan) -> Service:
    service = plan.service("db")
    assert service is not None
    return service


def _ons(plan: Plan) -> dict[str, list[str]]:
    return {c.id: c.on for c in _db(plan).data}


# ------------------------------------------------------------------ files


def test_copies_dates_and_the_test_age_are_written_as_documented() -> None:
    plan = base_plan()
    _db(plan).data[2].notes = "offsite vault"
    _db(plan).data[2].extra = {"x-job": {"id": 7}}
    plan.scenarios[0].as_of = date(2026, 9, 1)
    plan.scenarios[0].untested_failovers_fail = True
    plan.failover_test_max_age_days = 90
    document = json.loads(plan_to_json(plan))
    db = document["services"][0]
    assert db["rpo_minutes"] == 15 and db["failover_tested_on"] == "2026-03-01"
    assert db["data"] == [
        {"id": "primary", "on": ["s1"], "lag_minutes": 0, "kind": "primary"},
        {"id": "replica", "on": ["s3", "gasan"], "lag_minutes": 1, "kind": "replica"},
        {
            "id": "tape",
            "on": ["room"],
            "lag_minutes": 1440,
            "kind": "backup",
            "notes": "offsite vault",
            "x-job": {"id": 7},
        },
    ]
    keys = list(db)
    assert keys.index("restart_needs") < keys.index("rpo_minutes") < keys.index("data")
    assert keys.index("data") < keys.index("failover_tested_on") < keys.index("servers")
    fire = document["scenarios"][0]
    assert (fire["untested_failovers_fail"], fire["as_of"]) == (True, "2026-09-01")
    assert document["failover_test_max_age_days"] == 90
    web = document["services"][1]
    assert not {"data", "rpo_minutes", "failover_tested_on"} & set(web)  # unset: not written
    assert "as_of" not in document["scenarios"][1]


@pytest.mark.parametrize("suffix", [".json", ".drplan"])
def test_copies_survive_a_save_in_either_format(tmp_path: Path, suffix: str) -> None:
    plan = base_plan()
    _db(plan).data[1].extra = {"x-a": [1, 2.0, None], "담당": "김"}
    _db(plan).data[2].notes = "금고"
    plan.services[1].data = [DataCopy("odd", ["nowhere"], lag_minutes=0.25, kind="tape")]  # type: ignore[arg-type]
    plan.failover_test_max_age_days = 0
    path = tmp_path / f"plan{suffix}"
    save_plan(plan, path)
    loaded, problems = load_plan(path)
    assert problems == [] and loaded == plan
    # A kind that is not a copy kind and an unknown location: validation's, not the reader's.
    lines = [str(p) for p in validate(loaded)]
    assert (
        "service 'web': data: copy 'odd': unknown site, rack, server or domain 'nowhere'" in lines
    )


def test_a_copy_the_reader_cannot_take_is_one_line_naming_service_and_copy() -> None:
    document = json.loads(plan_to_json(base_plan()))
    document["services"][0]["data"][2]["lag_minutes"] = "a day"
    document["services"][1]["data"] = [{"on": ["s2"]}]
    document["services"][2]["data"] = [{"id": "x", "on": "s4"}]
    document["services"][0]["failover_tested_on"] = "2026-02-30"
    document["scenarios"][1]["as_of"] = "yesterday"
    _, problems = plan_from_json(json.dumps(document))
    assert [str(p) for p in problems] == [
        "service 'db': data: copy 'tape': lag_minutes: must be a number, got 'a day'",
        "service 'db': failover_tested_on: must be an ISO date (\"2026-03-01\") or null, got "
        "'2026-02-30'",
        "service 'web': data: a copy: id: missing",
        "service 'batch': data: copy 'x': on: must be a list of ids, got 's4'",
        "scenario 'rack': as_of: must be an ISO date (\"2026-03-01\") or null, got 'yesterday'",
    ]


def test_the_drplan_tables_of_copies(tmp_path: Path) -> None:
    plan = base_plan()
    plan.failover_test_max_age_days = 30
    path = tmp_path / "plan.drplan"
    save_plan(plan, path)
    conn = sqlite3.connect(path)
    try:
        copies = conn.execute("SELECT * FROM service_data ORDER BY parent, ord").fetchall()
        assert copies == [
            (0, 0, "primary", 0, "primary", None, None),
            (0, 1, "replica", 1, "replica", None, None),
            (0, 2, "tape", 1440, "backup", None, None),
        ]
        on = conn.execute("SELECT * FROM service_data_on ORDER BY parent, ord").fetchall()
        assert on == [(0, 0, 0, "s1"), (0, 1, 1, "s3"), (0, 2, 1, "gasan"), (0, 3, 2, "room")]
        row = conn.execute("SELECT failover_tested_on, rpo_minutes FROM services WHERE ord = 0")
        assert row.fetchone() == ("2026-03-01", 15)
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        assert meta["failover_test_max_age_days"] == "30"
    finally:
        conn.close()


def _edited_drplan(tmp_path: Path, sql: str) -> Path:
    """A saved plan with ``sql`` run on it and its fingerprint made to match again: what
    another program could write, which only the reader's checks can refuse."""
    path = tmp_path / "edited.drplan"
    save_plan(base_plan(), path)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(sql)
        tables = drplan_rows.fetch_tables(conn, SCHEMA)
        fingerprint = drplan_rows.rows_fingerprint(tables)
        conn.execute("UPDATE meta SET value = ? WHERE key = 'fingerprint'", (fingerprint,))
    conn.close()
    return path


@pytest.mark.parametrize(
    ("sql", "fragment"),
    [
        ("UPDATE service_data_on SET copy = 3 WHERE ord = 3", "names a missing copy"),
        ("UPDATE service_data_on SET copy = 'x' WHERE ord = 0", "names a missing copy"),
        ("UPDATE service_data_on SET parent = 1 WHERE ord = 0", "names a missing copy"),
        ("UPDATE service_data SET parent = 9 WHERE ord = 0", "'service_data' names a missing"),
        ("UPDATE service_data SET extra = '{' WHERE ord = 0", "'service_data' has bad extra"),
        ("DELETE FROM meta WHERE key = 'failover_test_max_age_days'", "is missing"),
        ("UPDATE meta SET value = 'x' WHERE key = 'failover_test_max_age_days'", "not valid JSON"),
    ],
)
def test_damaged_copy_rows_are_refused(tmp_path: Path, sql: str, fragment: str) -> None:
    path = _edited_drplan(tmp_path, sql)
    with pytest.raises(DamagedPlanError, match=fragment):
        load_plan(path)


def test_a_test_age_of_the_wrong_type_in_a_drplan_is_a_problem(tmp_path: Path) -> None:
    path = _edited_drplan(
        tmp_path, "UPDATE meta SET value = '1.5' WHERE key = 'failover_test_max_age_days'"
    )
    plan, problems = load_plan(path)
    assert [str(p) for p in problems] == [
        "plan: failover_test_max_age_days: must be a whole number, got 1.5"
    ]
    assert plan.failover_test_max_age_days == 365


# ------------------------------------------------------------------ validation


def test_an_unknown_copy_location_and_a_copy_on_nothing_block_a_computation() -> None:
    plan = base_plan()
    _db(plan).data[0].on = ["atlantis"]
    _db(plan).data[1].on = []
    blocking = blocking_problems(validate(plan))
    assert blocking == [
        "service 'db': data: copy 'primary': unknown site, rack, server or domain 'atlantis'",
        "service 'db': data: copy 'replica': is on no location: name the servers, racks, "
        "sites or failure domains holding it",
    ]


def test_plan_problems_come_first() -> None:
    plan = base_plan()
    plan.failover_test_max_age_days = -1
    plan.sites.append(Site("gasan", "again"))
    assert [str(p) for p in validate(plan)] == [
        "plan: failover_test_max_age_days: must be >= 0, got -1",
        "site 'gasan': id: duplicate id, 2 times",
    ]


# ------------------------------------------------------------------ rename and delete


@pytest.mark.parametrize(
    ("kind", "old", "new", "expected"),
    [
        (
            "server",
            "s3",
            "db-2",
            {"primary": ["s1"], "replica": ["db-2", "gasan"], "tape": ["room"]},
        ),
        ("site", "gasan", "gs", {"primary": ["s1"], "replica": ["s3", "gs"], "tape": ["room"]}),
        ("domain", "room", "r-3", {"primary": ["s1"], "replica": ["s3", "gasan"], "tape": ["r-3"]}),
        ("server", "s1", "s0", {"primary": ["s0"], "replica": ["s3", "gasan"], "tape": ["room"]}),
    ],
)
def test_a_rename_rewrites_the_copies_on_it_and_undo_restores_them(
    kind: str, old: str, new: str, expected: dict[str, list[str]]
) -> None:
    plan = base_plan()
    before = copy.deepcopy(plan)
    old_copies = list(_db(plan).data)
    edit = RenameId(kind, old, new)
    change = edit.apply(plan)
    assert _ons(plan) == expected
    assert ("service", "db", "data") in change.changed
    assert validate(plan) == []
    assert all(a.on is not b.on for a, b in zip(old_copies, _db(plan).data, strict=True))
    edit.revert(plan)
    assert plan == before and all(
        a is b for a, b in zip(old_copies, _db(plan).data, strict=True)
    )  # the very objects put back
    edit.apply(plan)
    assert _ons(plan) == expected


def test_a_rename_of_a_rack_leaves_copies_on_other_ids_alone() -> None:
    plan = base_plan()
    _db(plan).data[2].on = ["r2", "room", "r2"]
    change = RenameId("rack", "r2", "rack-2").apply(plan)
    assert _ons(plan)["tape"] == ["rack-2", "room", "rack-2"]
    assert _ons(plan)["primary"] == ["s1"]
    change = RenameId("rack", "r1", "rack-1").apply(plan)
    assert ("service", "db", "data") not in change.changed  # no copy on r1


def test_a_rename_of_an_id_used_twice_leaves_the_copies_alone() -> None:
    plan = base_plan()
    plan.racks.append(Rack("room", "gasan", "named like the domain"))
    RenameId("domain", "room", "room-3").apply(plan)
    assert _ons(plan)["tape"] == ["room"]  # still the rack of that id


def test_a_delete_removes_the_location_from_every_copy_and_undo_puts_it_back() -> None:
    plan = base_plan()
    before = copy.deepcopy(plan)
    edit = delete_items(plan, [("site", "gasan")])  # with rack r2 and its servers s3, s4
    assert "data copies of Database lost locations" in edit.summary
    change = edit.apply(plan)
    assert _ons(plan) == {"primary": ["s1"], "replica": [], "tape": ["room"]}
    assert ("service", "db", "data") in change.changed
    assert [str(p) for p in validate(plan) if p.field == "data"] == [
        "service 'db': data: copy 'replica': is on no location: name the servers, racks, "
        "sites or failure domains holding it"
    ]
    assert "(Database replica now on no location)" in edit.summary
    edit.revert(plan)
    assert plan == before


def test_a_delete_keeps_a_location_another_item_of_that_id_still_means() -> None:
    plan = base_plan()
    plan.servers.append(Server("gasan", "r1", "named like the site", position=10))
    delete_items(plan, [("site", "gasan")]).apply(plan)
    assert _ons(plan)["replica"] == ["gasan"]  # the server of that id is still there


def test_a_delete_of_the_service_itself_does_not_rewrite_its_copies() -> None:
    plan = base_plan()
    edit = delete_items(plan, [("service", "db"), ("server", "s1")])
    assert "data copies" not in edit.summary
    edit.apply(plan)
    assert plan.service("db") is None


def test_incremental_validation_follows_renames_and_deletes_of_copy_locations() -> None:
    plan = base_plan()
    _db(plan).data[2].on = ["vault"]  # dangles
    validator = IncrementalValidator()
    assert validator.update(plan, None) == validate(plan) != []
    builders: list[Callable[[], Edit]] = [
        lambda: SetFields("plan", PLAN_ID, failover_test_max_age_days=-3),
        lambda: RenameId("domain", "room", "vault"),  # the copy now resolves
        lambda: delete_items(plan, [("server", "s3")]),  # the replica keeps its site
        lambda: SetFields("plan", PLAN_ID, failover_test_max_age_days=365),
    ]
    seen = []
    for build in builders:
        change = build().apply(plan)
        seen.append(validator.update(plan, change))
        assert seen[-1] == validate(plan)
    assert [len(problems) for problems in seen] == [2, 1, 1, 0]
