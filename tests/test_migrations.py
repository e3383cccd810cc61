"""Versions and migrations of both plan formats (planner/storage/migrations.py).

Two kinds of evidence. The committed files of every version (tests/data/plan-vN.*,
written by the program of that version) open, forever after, as the plan they were
written with. And a hypothetical next version is installed (``.drplan`` schema 3 with a
new column, JSON format 2, new steps) to show that the files of every older version are
upgraded and read, that saving writes the next version, and that a file newer still is
refused with one line naming both versions.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from planner.model.plan import Plan
from planner.model.validate import validate
from planner.storage import (
    DamagedPlanError,
    NewerVersionError,
    drplan_format,
    drplan_rows,
    load_plan,
    migrations,
    plan_to_json,
    records,
    save_plan,
)
from planner.storage.drplan_format import SCHEMA, SCHEMA_VERSION
from planner.storage.migrations import DRPLAN_MIGRATIONS, DRPLAN_SCHEMAS, JSON_MIGRATIONS
from planner.storage.records import FORMAT_VERSION
from tests.data.write_fixtures import fixture_plan
from tests.data.write_fixtures import main as write_fixtures
from tests.hostile.harness import assert_behaved, run_cli
from tests.hostile.test_damaged_sqlite import CASES, Case, good_bytes
from tests.test_plan_files import assert_refused

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
EXAMPLES = REPO / "resources" / "examples"


def _fixtures(suffix: str) -> list[tuple[int, Path]]:
    found = [(int(p.stem.removeprefix("plan-v")), p) for p in DATA.glob(f"plan-v*{suffix}")]
    return sorted(found)


FIXTURES = _fixtures(".json") + _fixtures(".drplan")
EXAMPLE_PLANS = [
    p for p in sorted(EXAMPLES.glob("*.json")) if not p.name.startswith("pangyo-2022-")
]
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.drplan")) + EXAMPLE_PLANS  # not the 2022 records


def _schema_in(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
        return dict(rows.fetchall())
    finally:
        conn.close()


def _opened_unchanged(path: Path) -> tuple[Plan, list[Any]]:
    """``load_plan(path)``, checking that opening wrote nothing, there or beside it."""
    before = path.read_bytes()
    neighbours = sorted(os.listdir(path.parent))
    plan, problems = load_plan(path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(path.parent)) == neighbours
    return plan, problems


# ------------------------------------------------------------------ the committed files


def test_every_version_has_its_committed_files() -> None:
    # A version without its files would leave the next step untested.
    json_versions = [v for v, p in FIXTURES if p.suffix == ".json"]
    drplan_versions = [v for v, p in FIXTURES if p.suffix == ".drplan"]
    script = "run: PYTHONPATH=. .venv/bin/python tests/data/write_fixtures.py"
    assert json_versions == list(range(1, FORMAT_VERSION + 1)), script
    assert drplan_versions == list(range(1, SCHEMA_VERSION + 1)), script


@pytest.mark.parametrize(("version", "path"), FIXTURES, ids=[p.name for _, p in FIXTURES])
def test_the_file_of_every_version_opens_as_the_plan_written(version: int, path: Path) -> None:
    plan, problems = _opened_unchanged(path)
    assert problems == []
    assert plan == fixture_plan(version, path.suffix)
    assert validate(plan) == []


def test_the_files_of_the_current_version_are_what_the_script_writes(tmp_path: Path) -> None:
    # While a version is current, its plan may not drift from its committed files.
    assert write_fixtures([str(tmp_path)]) == 0
    written = (tmp_path / f"plan-v{FORMAT_VERSION}.json").read_bytes()
    assert written == (DATA / f"plan-v{FORMAT_VERSION}.json").read_bytes()
    name = f"plan-v{SCHEMA_VERSION}.drplan"
    assert load_plan(tmp_path / name) == load_plan(DATA / name)


def test_the_script_never_rewrites_a_file_already_there(tmp_path: Path) -> None:
    kept = tmp_path / f"plan-v{FORMAT_VERSION}.json"
    kept.write_text("history", encoding="utf-8")
    assert write_fixtures([str(tmp_path)]) == 0
    assert kept.read_text(encoding="utf-8") == "history"


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[p.name for p in EXAMPLE_FILES])
def test_todays_examples_open(path: Path) -> None:
    plan, problems = _opened_unchanged(path)
    assert problems == [] and validate(plan) == []
    assert plan.services


# ------------------------------------------------------------------ the migration tables


def check_tables() -> None:
    """The migration tables and frozen schemas cover exactly the versions that exist."""
    current_json = records.FORMAT_VERSION
    current = drplan_format.SCHEMA_VERSION
    assert set(migrations.JSON_MIGRATIONS) == set(range(1, current_json)), (
        f"JSON_MIGRATIONS needs one step from each version below {current_json}"
    )
    assert set(migrations.DRPLAN_MIGRATIONS) == set(range(1, current)), (
        f"DRPLAN_MIGRATIONS needs one step from each schema version below {current}"
    )
    for version in range(1, current):
        assert version in migrations.DRPLAN_SCHEMAS, (
            f"freeze schema version {version} in DRPLAN_SCHEMAS: {version}: "
            f"{_schema_in(DATA / f'plan-v{version}.drplan')!r}"
        )
    assert set(migrations.DRPLAN_SCHEMAS) <= set(range(1, current + 1))
    if current in migrations.DRPLAN_SCHEMAS:
        # Tables changed without a new version would make every saved file "damaged".
        assert migrations.DRPLAN_SCHEMAS[current] == drplan_format.SCHEMA, (
            f"drplan_format.SCHEMA is no longer schema version {current}: bump "
            "SCHEMA_VERSION and add the step from the old version (or undo the change)"
        )


def test_the_migration_tables_cover_every_version() -> None:
    check_tables()


@pytest.mark.parametrize("version", sorted(DRPLAN_SCHEMAS))
def test_each_frozen_schema_is_the_one_its_version_wrote(version: int) -> None:
    assert DRPLAN_SCHEMAS[version] == _schema_in(DATA / f"plan-v{version}.drplan")


def test_today_the_current_version_is_frozen_too() -> None:
    # So that a change to the tables derived from the field registry cannot slip
    # through as "still version 5".
    assert DRPLAN_SCHEMAS[SCHEMA_VERSION] == SCHEMA
    assert set(JSON_MIGRATIONS) == {1, 2, 3}
    # Schema 2 changed the fingerprint only: the same tables, and the same canonical JSON.
    assert set(DRPLAN_MIGRATIONS) == {1, 2, 3, 4} and DRPLAN_SCHEMAS[1] == DRPLAN_SCHEMAS[2]
    assert DRPLAN_MIGRATIONS[1].saved is migrations.DrplanStep.saved
    # Schemas 3, 4 and 5 came with JSON formats 2, 3 and 4: each step says how the
    # version before saved a plan.
    for step in (2, 3, 4):
        assert DRPLAN_MIGRATIONS[step].saved is not migrations.DrplanStep.saved


def test_a_drplan_of_schema_version_0_is_damaged(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "zero.drplan"
    data = bytearray((DATA / "plan-v1.drplan").read_bytes())
    data[60:64] = (0).to_bytes(4, "big")
    path.write_bytes(bytes(data))
    assert_refused(path, DamagedPlanError, "unknown schema version 0", capsys)


# ------------------------------------------------------------------ a hypothetical next version

NEXT = SCHEMA_VERSION + 1  # the .drplan schema of the hypothetical next release
NEXT_JSON = FORMAT_VERSION + 1
NEXT_COLUMN = ("domain", "TEXT")  # servers gain a column, as failure domains might
DRPLAN_FIXTURES = [p for _, p in FIXTURES if p.suffix == ".drplan"]


def _version_of(path: Path) -> int:
    return int(path.stem.removeprefix("plan-v"))


def _add_domain(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE servers ADD COLUMN domain TEXT")


def install_next_version(
    monkeypatch: pytest.MonkeyPatch,
    *,
    json_too: bool = True,
    saved: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> list[str]:
    """Make this program a release with ``.drplan`` schema NEXT (servers gain a column)
    and, with ``json_too``, JSON format NEXT_JSON (its step marks the plan); return the
    log of the new steps run. ``saved`` is the new ``.drplan`` step's way back to the
    records the version before saved, which only a schema 1 file's fingerprint needs
    (the default, for a JSON bump: the same records with the JSON version before)."""
    log: list[str] = []

    def json_step(data: dict[str, Any]) -> dict[str, Any]:
        log.append(f"json {FORMAT_VERSION}->{NEXT_JSON}")
        data["x-upgraded-from"] = data["version"]
        return data

    def drplan_step(conn: sqlite3.Connection) -> None:
        log.append(f"drplan {SCHEMA_VERSION}->{NEXT}")
        _add_domain(conn)

    columns = dict(drplan_format._ITEM_COLUMNS)
    columns["servers"] = [*columns["servers"], NEXT_COLUMN]
    monkeypatch.setattr(drplan_format, "_ITEM_COLUMNS", columns)
    monkeypatch.setattr(drplan_format, "SCHEMA", drplan_format._schema_sql())
    monkeypatch.setattr(drplan_format, "SCHEMA_VERSION", NEXT)
    if saved is None:
        back = FORMAT_VERSION
        saved = (lambda r: {**r, "version": back}) if json_too else migrations.DrplanStep.saved
    step = migrations.DrplanStep(tables=drplan_step, saved=saved)
    steps = {**DRPLAN_MIGRATIONS, SCHEMA_VERSION: step}
    monkeypatch.setattr(migrations, "DRPLAN_MIGRATIONS", steps)
    if json_too:
        monkeypatch.setattr(records, "FORMAT_VERSION", NEXT_JSON)
        monkeypatch.setattr(drplan_rows, "FORMAT_VERSION", NEXT_JSON)
        steps_json = {**JSON_MIGRATIONS, FORMAT_VERSION: json_step}
        monkeypatch.setattr(migrations, "JSON_MIGRATIONS", steps_json)
    check_tables()  # what a real next version would have to pass
    return log


def _copy(path: Path, folder: Path) -> Path:
    target = folder / path.name
    shutil.copyfile(path, target)
    return target


@pytest.mark.parametrize("path", DRPLAN_FIXTURES, ids=[p.name for p in DRPLAN_FIXTURES])
def test_the_next_version_reads_every_older_drplan(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, path: Path
) -> None:
    log = install_next_version(monkeypatch)
    assert "domain TEXT" in drplan_format.SCHEMA["servers"]
    plan, problems = _opened_unchanged(_copy(path, tmp_path))
    assert log == [f"drplan {SCHEMA_VERSION}->{NEXT}"]
    assert problems == []
    assert plan == fixture_plan(_version_of(path))


def test_the_next_version_reads_a_version_1_json(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    log = install_next_version(monkeypatch)
    plan, problems = _opened_unchanged(_copy(DATA / "plan-v1.json", tmp_path))
    assert log == [f"json {FORMAT_VERSION}->{NEXT_JSON}"]
    assert problems == []
    expected = fixture_plan(1)
    expected.extra["x-upgraded-from"] = FORMAT_VERSION  # the steps before ran first
    assert plan == expected


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[p.name for p in EXAMPLE_FILES])
def test_the_next_version_reads_todays_examples(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, path: Path
) -> None:
    today, _ = load_plan(path)
    install_next_version(monkeypatch)
    plan, problems = _opened_unchanged(_copy(path, tmp_path))
    assert problems == []
    plan.extra.pop("x-upgraded-from", None)  # the JSON step's mark
    assert plan == today


@pytest.mark.parametrize("path", DRPLAN_FIXTURES, ids=[p.name for p in DRPLAN_FIXTURES])
def test_a_drplan_only_step_keeps_the_fingerprint_by_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, path: Path
) -> None:
    # A new column for an optional field: the JSON version stays, and so does the
    # canonical JSON of a plan that does not use it (what a version 1 file's fingerprint
    # is of); a later file's fingerprint is of its rows, checked before any step.
    log = install_next_version(monkeypatch, json_too=False)
    plan, problems = load_plan(_copy(path, tmp_path))
    expected = fixture_plan(_version_of(path))
    assert (log, problems, plan) == ([f"drplan {SCHEMA_VERSION}->{NEXT}"], [], expected)


def test_the_next_version_saves_itself_and_reads_it_back(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    log = install_next_version(monkeypatch)
    plan, _ = load_plan(DATA / "plan-v1.drplan")
    save_plan(plan, tmp_path / "saved.drplan")
    save_plan(plan, tmp_path / "saved.json")
    header = (tmp_path / "saved.drplan").read_bytes()[:100]
    assert int.from_bytes(header[60:64], "big") == NEXT
    assert _schema_in(tmp_path / "saved.drplan") == drplan_format.SCHEMA
    saved_json = json.loads((tmp_path / "saved.json").read_text(encoding="utf-8"))
    assert saved_json["version"] == NEXT_JSON
    log.clear()
    for name in ("saved.drplan", "saved.json"):
        again, problems = load_plan(tmp_path / name)
        assert problems == [] and again == plan
    assert log == []  # files of the current version are read as they are


def _edited(version: int) -> dict[str, tuple[str, str]]:
    return {
        "row-changed": (
            "UPDATE services SET restore_minutes = 1 WHERE ord = 0",
            "do not match the fingerprint",
        ),
        "next-column-in-old": ("ALTER TABLE servers ADD COLUMN domain TEXT", "table 'servers' is"),
        "view": ("CREATE VIEW v AS SELECT * FROM servers", "unexpected schema item 'v'"),
        "trigger": (
            "CREATE TRIGGER t AFTER INSERT ON meta BEGIN DELETE FROM servers; END",
            "unexpected schema item 't'",
        ),
        "version-row": (
            f"UPDATE meta SET value = '{version + 1}' WHERE key = 'schema_version'",
            "version row is missing or wrong",
        ),
    }


EDITED = [
    (version, sql, fragment)
    for version in range(1, SCHEMA_VERSION + 1)
    for sql, fragment in _edited(version).values()
]


@pytest.mark.parametrize(
    ("version", "sql", "fragment"),
    EDITED,
    ids=[f"v{version}-{name}" for version in range(1, SCHEMA_VERSION + 1) for name in _edited(0)],
)
def test_the_next_version_refuses_an_older_file_edited_outside(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: Any,
    version: int,
    sql: str,
    fragment: str,
) -> None:
    install_next_version(monkeypatch)
    path = _copy(DATA / f"plan-v{version}.drplan", tmp_path)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(sql)
    conn.close()
    assert_refused(path, DamagedPlanError, fragment, capsys)


def test_a_step_that_misstates_what_version_1_saved_refuses_rather_than_trusts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: Any
) -> None:
    # The JSON version went up but the step keeps the default "same records": a version
    # 1 file's fingerprint (of the canonical JSON) cannot match, so the file is
    # refused, never opened unchecked.
    install_next_version(monkeypatch, saved=migrations.DrplanStep.saved)
    path = _copy(DATA / "plan-v1.drplan", tmp_path)
    assert_refused(path, DamagedPlanError, "do not match the fingerprint", capsys)


def test_a_later_file_needs_no_saved_records(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The same misstated step: a file of schema 2 or later is fingerprinted by its rows,
    # so what an older version would have saved never matters to it.
    install_next_version(monkeypatch, saved=migrations.DrplanStep.saved)
    plan, problems = load_plan(_copy(DATA / "plan-v2.drplan", tmp_path))
    assert problems == [] and plan.services


def test_the_next_version_refuses_one_newer_still_in_one_line_naming_both(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: Any
) -> None:
    install_next_version(monkeypatch)
    plan, _ = load_plan(DATA / "plan-v1.json")
    drplan, plan_json = tmp_path / "newer.drplan", tmp_path / "newer.json"
    save_plan(plan, drplan)
    data = bytearray(drplan.read_bytes())
    data[60:64] = (NEXT + 1).to_bytes(4, "big")
    drplan.write_bytes(bytes(data))
    document = json.loads(plan_to_json(plan))
    document["version"] = NEXT_JSON + 1
    plan_json.write_text(json.dumps(document), encoding="utf-8")
    # assert_refused: NewerVersionError, one line, `drplanner validate` exits 2
    schema = f"file schema version {NEXT + 1}; this program reads up to version {NEXT}"
    json_line = f"plan format version {NEXT_JSON + 1}; this program reads up to version {NEXT_JSON}"
    assert_refused(drplan, NewerVersionError, schema, capsys)
    assert_refused(plan_json, NewerVersionError, json_line, capsys)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_next_version_refuses_every_damaged_file_of_today(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, case: Case
) -> None:
    # The hostile family of damaged .drplan files, all of today's version, read through
    # the upgrade path: each refused as before (or, where it was, opened or invalid).
    path = tmp_path / "plan.drplan"
    case.damage(good_bytes(), path)  # written by today's code, before the next version
    before = path.read_bytes()
    install_next_version(monkeypatch)
    outcome = run_cli(["validate", str(path)])
    assert_behaved(outcome)
    assert len(outcome.err.splitlines()) <= 3, outcome.err[:2000]
    if case.expect == "refused":
        assert outcome.code == 2, outcome.err
    elif case.expect == "invalid":
        assert outcome.code == 2 and "units: must lie between" in outcome.err
    else:
        assert outcome.code in (0, 2), outcome.err
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.drplan"]


# ------------------------------------------------------------------ format v2, schema 3


def test_a_v1_json_keeps_another_tools_fields_that_v2_would_read(tmp_path: Path) -> None:
    # JSON_MIGRATIONS[1]: v1 had none of the new fields, so a key of such a name is
    # another tool's unknown field: it is moved aside (x-v1-...), kept, never read as v2's.
    document = json.loads((DATA / "plan-v1.json").read_text(encoding="utf-8"))
    document["domains"] = "not ours"
    document["racks"][0]["domains"] = [1, 2]
    document["services"][0]["automatic_failover"] = "sometimes"
    document["scenarios"][0]["returns"] = {"when": "later"}
    document["scenarios"][1]["x-v1-returns"] = "taken"  # the new name is taken: left as is
    document["scenarios"][1]["returns"] = {"pg-a01": 5}
    path = tmp_path / "other-tool.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    plan, problems = load_plan(path)
    assert [str(p) for p in problems] == []
    assert plan.domains == [] and plan.extra["x-v1-domains"] == "not ours"
    assert plan.racks[0].domains == [] and plan.racks[0].extra == {"x-v1-domains": [1, 2]}
    assert plan.services[0].automatic_failover is False
    assert plan.services[0].extra == {"x-v1-automatic_failover": "sometimes"}
    assert plan.scenarios[0].extra == {"x-v1-returns": {"when": "later"}}
    assert plan.scenarios[1].returns == {"pg-a01": 5}  # read as v2's: no place to move it
    saved = json.loads(plan_to_json(plan))
    assert saved["version"] == FORMAT_VERSION and saved["x-v1-domains"] == "not ours"


def test_a_v1_json_means_what_it_meant(tmp_path: Path) -> None:
    # No domains, nothing returns, declared at once, no automatic failover, no restart,
    # every mode needs what needs says: the defaults of every new field.
    plan, problems = load_plan(DATA / "plan-v1.json")
    assert problems == [] and plan.domains == []
    assert all(r.domains == [] for r in plan.racks) and all(s.domains == [] for s in plan.servers)
    for service in plan.services:
        assert (service.failover_needs, service.restart_needs, service.restart_minutes) == (
            None,
            None,
            None,
        )
        assert service.automatic_failover is False
    assert all((s.returns, s.declared_after_minutes) == ({}, 0) for s in plan.scenarios)


OLD_FILES = [
    DATA / "plan-v1.json",
    DATA / "plan-v2.json",
    DATA / "plan-v1.drplan",
    DATA / "plan-v2.drplan",
    DATA / "plan-v3.drplan",
]


@pytest.mark.parametrize("path", OLD_FILES, ids=lambda p: p.name)
def test_an_old_file_computes_the_same_and_saves_as_the_current_versions(
    tmp_path: Path, path: Path
) -> None:
    from planner.engine.recovery import compute

    plan, _ = load_plan(path)
    before = [compute(plan, scenario.id) for scenario in plan.scenarios]
    for name in ("again.json", "again.drplan"):
        save_plan(plan, tmp_path / name)
        again, problems = load_plan(tmp_path / name)
        assert problems == [] and again == plan
        assert [compute(again, scenario.id) for scenario in again.scenarios] == before
    saved = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))
    assert saved["version"] == FORMAT_VERSION == 4
    assert "domains" in saved and isinstance(saved["domains"], list)
    assert "failover_test_max_age_days" not in saved  # at its default: not written
    assert all("data" not in s and "rpo_minutes" not in s for s in saved["services"])
    assert all("recovery_tooling" not in s for s in saved["services"])  # false: not written
    header = (tmp_path / "again.drplan").read_bytes()[:100]
    assert int.from_bytes(header[60:64], "big") == SCHEMA_VERSION == 5


@pytest.mark.parametrize("path", DRPLAN_FIXTURES[:3], ids=lambda p: p.name)
def test_an_upgraded_drplan_is_built_without_the_field_decoder(
    monkeypatch: pytest.MonkeyPatch, path: Path
) -> None:
    # The steps to 3 and 4 fill the new columns with their defaults (0, not null), so an old
    # file is read as fast as a new one: only items with unknown fields are decoded.
    decoded: list[str] = []
    real = drplan_rows.decode_item

    def counting(kind: str, *args: Any) -> Any:
        decoded.append(kind)
        return real(kind, *args)

    monkeypatch.setattr(drplan_rows, "decode_item", counting)
    plan, problems = load_plan(path)
    assert problems == [] and plan == fixture_plan(_version_of(path))
    # only the items with unknown fields: web, and from version 3 a domain
    with_extra = [
        kind
        for kind, items in (("domain", plan.domains), ("service", plan.services))
        for item in items
        if item.extra
    ]
    assert decoded == with_extra and "service" in decoded


def _upgraded_copy(name: str, version: int, current: int) -> sqlite3.Connection:
    """An in-memory copy of the fixture ``name`` with its tables upgraded."""
    conn = sqlite3.connect(":memory:")
    source = sqlite3.connect(f"{(DATA / name).resolve().as_uri()}?mode=ro", uri=True)
    source.backup(conn)
    source.close()
    migrations.upgrade_database(conn, version, current)
    return conn


def test_the_step_to_3_gives_the_tables_of_version_3() -> None:
    conn = _upgraded_copy("plan-v2.drplan", 2, 3)
    try:
        found = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
        assert set(found) == set(DRPLAN_SCHEMAS[3])
        columns = {
            table: [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
            for table in DRPLAN_SCHEMAS[3]
        }
        # the columns of each table in the order version 3 writes them (SELECT * reads them)
        for table, sql in DRPLAN_SCHEMAS[3].items():
            written = sqlite3.connect(":memory:")
            written.execute(sql)
            assert columns[table] == [r[1] for r in written.execute(f"PRAGMA table_info({table})")]
            written.close()
        assert conn.execute("SELECT automatic_failover FROM services").fetchall() == [(0,), (0,)]
        rows = conn.execute("SELECT declared_after_minutes FROM scenarios").fetchall()
        assert rows == [(0,), (0,)]
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
            "3",
        )
    finally:
        conn.close()


def test_a_document_of_a_future_version_is_refused_in_one_line(tmp_path: Path, capsys: Any) -> None:
    document = json.loads((DATA / "plan-v4.json").read_text(encoding="utf-8"))
    document["version"] = 5
    path = tmp_path / "future.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    line = "plan format version 5; this program reads up to version 4"
    assert_refused(path, NewerVersionError, line, capsys)


def test_a_v1_drplan_moves_another_tools_fields_aside_as_the_json_does(tmp_path: Path) -> None:
    # The same plan as a v1 JSON and as a v1 .drplan (its fingerprint, of the canonical
    # JSON as version 1 saved it, recomputed for the edit), each with unknown fields
    # named like v2's: both open as the same plan, the fields kept as x-v1-...
    import hashlib

    from planner.storage.json_format import records_to_json

    document = json.loads((DATA / "plan-v1.json").read_text(encoding="utf-8"))
    document["racks"][0]["domains"] = ["theirs"]
    document["scenarios"][1]["x-note"] = 1
    document["scenarios"][1]["declared_after_minutes"] = "whenever"
    document["domains"] = {"tool": "other"}
    as_json = tmp_path / "v1.json"
    as_json.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    path = _copy(DATA / "plan-v1.drplan", tmp_path)
    top_extra = {k: v for k, v in document.items() if k.startswith("x-") or k == "domains"}
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE racks SET extra = ? WHERE ord = 0", ('{"domains": ["theirs"]}',))
        scenario_extra = '{"x-note": 1, "declared_after_minutes": "whenever"}'
        conn.execute("UPDATE scenarios SET extra = ? WHERE ord = 1", (scenario_extra,))
        conn.execute("UPDATE meta SET value = ? WHERE key = 'extra'", (json.dumps(top_extra),))
        digest = hashlib.sha256(records_to_json(document).encode("utf-8")).hexdigest()
        conn.execute("UPDATE meta SET value = ? WHERE key = 'fingerprint'", (digest,))
    conn.close()
    from_json, json_problems = load_plan(as_json)
    from_drplan, drplan_problems = load_plan(path)
    assert json_problems == [] and drplan_problems == []
    assert from_drplan == from_json
    assert from_drplan.racks[0].extra == {"x-v1-domains": ["theirs"]}
    assert from_drplan.scenarios[1].extra == {
        "x-note": 1,
        "x-v1-declared_after_minutes": "whenever",
    }  # the order kept
    assert from_drplan.extra["x-v1-domains"] == {"tool": "other"} and from_drplan.domains == []


# ------------------------------------------------------------------ format v3, schema 4


def test_a_v2_json_keeps_another_tools_fields_that_v3_would_read(tmp_path: Path) -> None:
    # JSON_MIGRATIONS[2]: v2 had none of the fields of data copies and failover tests, so
    # a key of such a name is another tool's unknown field: moved aside (x-v2-...), kept.
    document = json.loads((DATA / "plan-v2.json").read_text(encoding="utf-8"))
    document["failover_test_max_age_days"] = "a year"
    document["services"][0]["data"] = [{"their": "backup job"}]
    document["services"][0]["rpo_minutes"] = "15m"
    document["services"][1]["failover_tested_on"] = "last spring"
    document["scenarios"][0]["as_of"] = 2022
    document["scenarios"][1]["x-v2-untested_failovers_fail"] = "taken"  # left as is
    document["scenarios"][1]["untested_failovers_fail"] = True
    path = tmp_path / "other-tool.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    plan, problems = load_plan(path)
    assert [str(p) for p in problems] == []
    assert plan.failover_test_max_age_days == 365
    assert plan.extra["x-v2-failover_test_max_age_days"] == "a year"
    db, web = plan.services
    assert (db.data, db.rpo_minutes, web.failover_tested_on) == ([], None, None)
    assert db.extra == {"x-v2-data": [{"their": "backup job"}], "x-v2-rpo_minutes": "15m"}
    assert web.extra == {"x-cmdb-id": "CI0042", "x-v2-failover_tested_on": "last spring"}
    assert plan.scenarios[0].as_of is None and plan.scenarios[0].extra == {"x-v2-as_of": 2022}
    assert plan.scenarios[1].untested_failovers_fail is True  # no place to move it
    saved = json.loads(plan_to_json(plan))
    assert saved["version"] == 4 and saved["services"][0]["x-v2-data"] == [{"their": "backup job"}]


def test_a_v2_json_means_what_it_meant() -> None:
    # No copies, no RPO, never tested, the default test age, untested failovers still
    # available, scenarios dated the day they are computed.
    for path in (DATA / "plan-v2.json", DATA / "plan-v3.drplan", DATA / "plan-v1.json"):
        plan, problems = load_plan(path)
        assert problems == [] and plan.failover_test_max_age_days == 365
        for service in plan.services:
            assert (service.data, service.rpo_minutes, service.failover_tested_on) == (
                [],
                None,
                None,
            )
        assert all((s.untested_failovers_fail, s.as_of) == (False, None) for s in plan.scenarios)


def test_the_step_to_4_gives_the_tables_of_version_4() -> None:
    conn = _upgraded_copy("plan-v3.drplan", 3, 4)
    try:
        found = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
        assert set(found) == set(DRPLAN_SCHEMAS[4])
        for table, sql in DRPLAN_SCHEMAS[4].items():
            written = sqlite3.connect(":memory:")
            written.execute(sql)
            columns = [r[1] for r in written.execute(f"PRAGMA table_info({table})")]
            assert [r[1] for r in conn.execute(f"PRAGMA table_info({table})")] == columns
            written.close()
        rows = conn.execute("SELECT untested_failovers_fail, as_of FROM scenarios").fetchall()
        assert rows == [(0, None)] * 3
        rows = conn.execute("SELECT rpo_minutes, failover_tested_on FROM services").fetchall()
        assert rows == [(None, None)] * 2
        assert conn.execute("SELECT count(*) FROM service_data").fetchone() == (0,)
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        assert meta["schema_version"] == "4" and meta["failover_test_max_age_days"] == "365"
    finally:
        conn.close()


def test_a_v3_drplan_moves_another_tools_fields_aside_as_the_json_does(tmp_path: Path) -> None:
    # The same unknown fields, named like v3's, in a schema 3 file and in a v2 JSON: both
    # open as the same plan, the fields kept as x-v2-... The file's fingerprint (of its
    # rows, from schema 2 on) is recomputed for the edit.
    document = json.loads((DATA / "plan-v2.json").read_text(encoding="utf-8"))
    document["services"][1]["data"] = {"x": 1}
    document["scenarios"][2]["as_of"] = "yesterday"
    document["x-top"] = 1
    document["failover_test_max_age_days"] = 7
    as_json = tmp_path / "v2.json"
    as_json.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    path = _copy(DATA / "plan-v3.drplan", tmp_path)
    conn = sqlite3.connect(path)
    with conn:
        web_extra = json.dumps({"x-cmdb-id": "CI0042", "data": {"x": 1}})
        conn.execute("UPDATE services SET extra = ? WHERE ord = 1", (web_extra,))
        conn.execute("UPDATE scenarios SET extra = ? WHERE ord = 2", ('{"as_of": "yesterday"}',))
        top = json.loads(conn.execute("SELECT value FROM meta WHERE key = 'extra'").fetchone()[0])
        top.update({"x-top": 1, "failover_test_max_age_days": 7})
        conn.execute("UPDATE meta SET value = ? WHERE key = 'extra'", (json.dumps(top),))
        tables = drplan_rows.fetch_tables(conn, DRPLAN_SCHEMAS[3])
        conn.execute(
            "UPDATE meta SET value = ? WHERE key = 'fingerprint'",
            (drplan_rows.rows_fingerprint(tables),),
        )
    conn.close()
    from_json, json_problems = load_plan(as_json)
    from_drplan, drplan_problems = load_plan(path)
    assert json_problems == [] and drplan_problems == []
    assert from_drplan == from_json
    assert from_drplan.services[1].extra == {"x-cmdb-id": "CI0042", "x-v2-data": {"x": 1}}
    assert from_drplan.scenarios[2].extra == {"x-v2-as_of": "yesterday"}
    assert from_drplan.extra["x-v2-failover_test_max_age_days"] == 7
    assert from_drplan.failover_test_max_age_days == 365


# ------------------------------------------------------------------ format v4, schema 5


def test_a_v3_json_keeps_another_tools_recovery_tooling_key(tmp_path: Path) -> None:
    # JSON_MIGRATIONS[3]: in v3 a service's "recovery_tooling" was another tool's key,
    # kept as it was; read as v4 it would mark the service as tooling: moved aside.
    document = json.loads((DATA / "plan-v3.json").read_text(encoding="utf-8"))
    document["services"][0]["recovery_tooling"] = True
    document["services"][1]["recovery_tooling"] = "maybe"
    document["services"][1]["x-v3-recovery_tooling"] = "taken"  # the name is taken: left
    path = tmp_path / "other-tool.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    plan, problems = load_plan(path)
    db = plan.services[0]
    assert db.recovery_tooling is False and db.extra == {"x-v3-recovery_tooling": True}
    # No place to move it: read as v4's field, and its wrong type reported, not raised.
    assert [p.field for p in problems] == ["recovery_tooling"]
    assert "true or false" in str(problems[0]) and "web" in str(problems[0])
    saved = json.loads(plan_to_json(plan))
    assert saved["version"] == 4 and saved["services"][0]["x-v3-recovery_tooling"] is True


def test_a_v3_file_means_what_it_meant() -> None:
    # No service of an older file is recovery tooling.
    for name in ("plan-v3.json", "plan-v4.drplan", "plan-v2.json", "plan-v1.drplan"):
        plan, problems = load_plan(DATA / name)
        assert problems == [] and not any(s.recovery_tooling for s in plan.services)


def test_the_step_to_5_gives_the_tables_of_version_5() -> None:
    conn = _upgraded_copy("plan-v4.drplan", 4, 5)
    try:
        found = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
        assert set(found) == set(DRPLAN_SCHEMAS[5]) and DRPLAN_SCHEMAS[5] == SCHEMA
        columns = [r[1] for r in conn.execute("PRAGMA table_info(services)")]
        assert columns.index("recovery_tooling") == columns.index("failover_tested_on") + 1
        assert conn.execute("SELECT recovery_tooling FROM services").fetchall() == [(0,), (0,)]
        assert conn.execute("SELECT failover_tested_on FROM services").fetchall() == [
            ("2026-03-01",),
            (None,),
        ]  # the columns before it kept
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        assert meta["schema_version"] == "5"
    finally:
        conn.close()


def test_a_v4_drplan_moves_another_tools_recovery_tooling_aside_as_the_json_does(
    tmp_path: Path,
) -> None:
    document = json.loads((DATA / "plan-v3.json").read_text(encoding="utf-8"))
    document["services"][1]["recovery_tooling"] = {"x": 1}
    as_json = tmp_path / "v3.json"
    as_json.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    path = _copy(DATA / "plan-v4.drplan", tmp_path)
    conn = sqlite3.connect(path)
    with conn:
        web_extra = json.dumps({"x-cmdb-id": "CI0042", "recovery_tooling": {"x": 1}})
        conn.execute("UPDATE services SET extra = ? WHERE ord = 1", (web_extra,))
        tables = drplan_rows.fetch_tables(conn, DRPLAN_SCHEMAS[4])
        conn.execute(
            "UPDATE meta SET value = ? WHERE key = 'fingerprint'",
            (drplan_rows.rows_fingerprint(tables),),
        )
    conn.close()
    from_json, json_problems = load_plan(as_json)
    from_drplan, drplan_problems = load_plan(path)
    assert json_problems == [] and drplan_problems == []
    assert from_drplan == from_json
    web = from_drplan.services[1]
    assert web.recovery_tooling is False
    assert web.extra == {"x-cmdb-id": "CI0042", "x-v3-recovery_tooling": {"x": 1}}
