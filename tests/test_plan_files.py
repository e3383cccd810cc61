"""Broken, foreign and hostile plan files: each gives one clean line, never a traceback.

Every case checks three things: ``load_plan`` raises the right typed error from
``planner.storage.errors``; ``drplanner validate`` exits 2 with exactly one line on
stderr, ``drplanner: <path>: ...``; and the file's bytes are the same afterwards.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from planner.cli.main import main
from planner.model import Plan, Pool, Rack, Scenario, Server, Service, Site
from planner.storage import (
    DamagedPlanError,
    NewerVersionError,
    NotAPlanError,
    PlanFileError,
    load_plan,
    plan_to_json,
    save_plan,
)
from planner.storage.drplan_format import APPLICATION_ID, SCHEMA_VERSION


def sample_plan() -> Plan:
    """Big enough to span several SQLite pages, so that truncation loses real rows."""
    return Plan(
        name="샘플 <b>&</b>",
        sites=[Site("pangyo", "판교")],
        racks=[Rack("r1", "pangyo", "Rack 1")],
        servers=[
            Server(f"s{i}", "r1", f"server {i} " + "x" * 40, position=i + 1) for i in range(40)
        ],
        pools=[Pool("vm", "VMs", capacity=4)],
        services=[
            Service(
                "web",
                "웹",
                restore_minutes=5.5,
                servers=["s0", "s1"],
                needs={"vm": 1},
                steps=[f"step {i}: " + "y" * 60 for i in range(60)],
            ),
            Service("db", "DB", restore_minutes=30, servers=["s2"], depends_on=[]),
        ],
        scenarios=[Scenario("fire", "화재", failed=["pangyo"])],
    )


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.drplan"
    save_plan(sample_plan(), path)
    return path


def _copy(good: Path, name: str = "broken.drplan") -> Path:
    target = good.parent / name
    shutil.copyfile(good, target)
    return target


def _edit(path: Path, *statements: str) -> Path:
    """Change a plan file the way another SQLite tool would."""
    conn = sqlite3.connect(path)
    try:
        for sql in statements:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()
    return path


def assert_refused(
    path: Path, error: type[PlanFileError], fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = path.read_bytes() if path.is_file() else None
    neighbours = sorted(os.listdir(path.parent))
    with pytest.raises(error) as raised:
        load_plan(path)
    assert fragment in raised.value.message
    assert str(raised.value).startswith(f"{path}: ")
    assert "\n" not in str(raised.value)

    capsys.readouterr()
    assert main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert err.startswith(f"drplanner: {path}: ")
    assert fragment in err
    assert "Traceback" not in err

    if before is not None:
        assert path.read_bytes() == before  # opening never writes
    assert sorted(os.listdir(path.parent)) == neighbours  # nor leaves journals behind


# ------------------------------------------------------------------- not plans at all


@pytest.mark.parametrize(
    ("name", "error", "fragment"),
    [
        ("empty.drplan", NotAPlanError, "not an SQLite database"),
        ("empty.json", NotAPlanError, "not valid JSON"),
        ("empty", NotAPlanError, "neither a .drplan file nor a JSON plan"),
    ],
)
def test_empty_file(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    error: type[PlanFileError],
    fragment: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    assert_refused(path, error, fragment, capsys)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(
    ("name", "fragments"),
    [
        ("noise.drplan", ["not an SQLite database"]),
        ("noise.json", ["not UTF-8", "not valid JSON"]),
    ],
)
def test_random_bytes(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    seed: int,
    name: str,
    fragments: list[str],
) -> None:
    path = tmp_path / name
    path.write_bytes(random.Random(seed).randbytes(3000 + seed))
    with pytest.raises(NotAPlanError) as raised:
        load_plan(path)
    fragment = next(f for f in fragments if f in raised.value.message)
    assert_refused(path, NotAPlanError, fragment, capsys)


def test_sqlite_database_of_another_application(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _edit(tmp_path / "photos.drplan", "CREATE TABLE photos (id INTEGER, data BLOB)")
    assert_refused(path, NotAPlanError, "an SQLite database of another application", capsys)
    other = _edit(tmp_path / "photos.sqlite", "CREATE TABLE photos (id INTEGER, data BLOB)")
    # Without a telling extension the content decides; still not a plan.
    assert_refused(other, NotAPlanError, "an SQLite database of another application", capsys)


def test_another_database_claiming_to_be_a_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _edit(
        tmp_path / "fake.drplan",
        f"PRAGMA application_id={APPLICATION_ID}",
        "PRAGMA user_version=1",
        "CREATE TABLE photos (id INTEGER, data BLOB)",
    )
    assert_refused(path, DamagedPlanError, "unexpected schema item 'photos'", capsys)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[]", "the top level must be a JSON object"),
        ("42", "the top level must be a JSON object"),
        ('"plan"', "the top level must be a JSON object"),
        ("null", "the top level must be a JSON object"),
        ('{"format": "drplanner", "version": "1"}', '"version" must be a whole number'),
        ('{"format": "something else", "version": 1}', '"format" must be "drplanner"'),
        ('{"format": "drplanner", "version": 1, "name": NaN}', "NaN is not a number in JSON"),
        ('{"format": "drplanner", "version": 1,', "not valid JSON"),
        ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
        ('{"format": "drplanner", "version": 1, "name": "\\ud800"}', "lone surrogate"),
        ('{"format": "drplanner", "version": 1, "x": {"\\udc00": 1}}', "lone surrogate"),
    ],
)
def test_json_that_is_not_a_version_1_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, fragment: str
) -> None:
    path = tmp_path / "plan.json"
    path.write_text(text, encoding="utf-8")
    assert_refused(path, NotAPlanError, fragment, capsys)


def test_json_of_a_newer_version_names_both_versions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plan.json"
    path.write_text('{"format": "drplanner", "version": 5, "name": "x"}', encoding="utf-8")
    fragment = "newer DR Planner (plan format version 5; this program reads up to version 4)"
    assert_refused(path, NewerVersionError, fragment, capsys)


def test_a_folder_and_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "folder.drplan"
    folder.mkdir()
    assert_refused(folder, PlanFileError, "is a folder", capsys)
    assert_refused(tmp_path / "missing.drplan", PlanFileError, "no such file", capsys)
    assert_refused(tmp_path / "missing.json", PlanFileError, "no such file", capsys)


# ------------------------------------------------------------------- damaged .drplan


def test_the_sample_file_itself_opens(good: Path) -> None:
    plan, problems = load_plan(good)
    assert problems == []
    assert plan_to_json(plan) == plan_to_json(sample_plan())
    assert good.stat().st_size >= 8 * 4096  # several pages, so truncation loses rows


@pytest.mark.parametrize(
    ("keep", "error", "fragment"),
    [
        (lambda n: 10, NotAPlanError, "not an SQLite database"),
        (lambda n: 50, DamagedPlanError, "truncated header"),
        (lambda n: 100, DamagedPlanError, "damaged plan file"),
        (lambda n: 1000, DamagedPlanError, "damaged plan file"),
        (lambda n: 4096, DamagedPlanError, "damaged plan file"),
        (lambda n: 4096 * 3 + 17, DamagedPlanError, "damaged plan file"),
        (lambda n: n // 2, DamagedPlanError, "damaged plan file"),
        (lambda n: n - 4096, DamagedPlanError, "damaged plan file"),
    ],
    ids=["10", "50", "100", "1000", "4096", "3-pages", "half", "last-page"],
)
def test_truncated_drplan(
    good: Path,
    capsys: pytest.CaptureFixture[str],
    keep: Callable[[int], int],
    error: type[PlanFileError],
    fragment: str,
) -> None:
    data = good.read_bytes()
    path = good.parent / "truncated.drplan"
    path.write_bytes(data[: keep(len(data))])
    assert_refused(path, error, fragment, capsys)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("kept", [100, 4096], ids=["header", "first-page"])
def test_random_bytes_after_a_valid_header(
    good: Path, capsys: pytest.CaptureFixture[str], seed: int, kept: int
) -> None:
    data = good.read_bytes()
    path = good.parent / "noise.drplan"
    path.write_bytes(data[:kept] + random.Random(seed).randbytes(len(data) - kept))
    assert_refused(path, DamagedPlanError, "damaged plan file", capsys)


EDITS: list[tuple[str, list[str], type[PlanFileError], str]] = [
    (
        "server-row-removed",
        ["DELETE FROM servers WHERE id = 's7'"],
        DamagedPlanError,
        "a row of 'servers' is missing",
    ),
    (
        "last-server-row-removed",
        ["DELETE FROM servers WHERE ord = (SELECT max(ord) FROM servers)"],
        DamagedPlanError,
        "do not match the fingerprint",
    ),
    (
        "step-row-removed",
        ["DELETE FROM service_steps WHERE ord = 3"],
        DamagedPlanError,
        "do not match the fingerprint",
    ),
    (
        "meta-version-row-removed",
        ["DELETE FROM meta WHERE key = 'schema_version'"],
        DamagedPlanError,
        "version row is missing or wrong",
    ),
    (
        "meta-fingerprint-row-removed",
        ["DELETE FROM meta WHERE key = 'fingerprint'"],
        DamagedPlanError,
        "meta row 'fingerprint' is missing",
    ),
    (
        "value-changed",
        ["UPDATE services SET restore_minutes = 1 WHERE id = 'db'"],
        DamagedPlanError,
        "do not match the fingerprint",
    ),
    (
        "child-of-missing-item",
        ["INSERT INTO scenario_failed VALUES (99, 0, 'x')"],
        DamagedPlanError,
        "'scenario_failed' names a missing item",
    ),
    (
        "bad-extra-json",
        ["UPDATE sites SET extra = '{not json'"],
        DamagedPlanError,
        "'sites' row 1 has bad extra fields",
    ),
    (
        "deeply-nested-extra-json",
        ["UPDATE sites SET extra = '" + "[" * 100_000 + "]" * 100_000 + "'"],
        DamagedPlanError,
        "'sites' row 1 has bad extra fields",
    ),
    (
        "deeply-nested-meta-json",
        ["UPDATE meta SET value = '" + "[" * 100_000 + "]" * 100_000 + "' WHERE key = 'extra'"],
        DamagedPlanError,
        "meta rows are not valid JSON",
    ),
    (
        "table-dropped",
        ["DROP TABLE scenario_failed"],
        DamagedPlanError,
        "table 'scenario_failed' is missing",
    ),
    (
        "column-added",
        ["ALTER TABLE pools ADD COLUMN price REAL"],
        DamagedPlanError,
        "table 'pools' is different from the one expected",
    ),
    (
        "table-added",
        ["CREATE TABLE notes (body TEXT)"],
        DamagedPlanError,
        "unexpected schema item 'notes'",
    ),
    (
        "index-added",
        ["CREATE INDEX by_rack ON servers (rack)"],
        DamagedPlanError,
        "unexpected schema item 'by_rack'",
    ),
    (
        "trigger-added",
        ["CREATE TRIGGER wipe AFTER INSERT ON meta BEGIN DELETE FROM servers; END"],
        DamagedPlanError,
        "unexpected schema item 'wipe'",
    ),
    (
        "view-added",
        ["CREATE VIEW everything AS SELECT * FROM servers"],
        DamagedPlanError,
        "unexpected schema item 'everything'",
    ),
    (
        "newer-schema-version",
        [f"PRAGMA user_version = {SCHEMA_VERSION + 1}"],
        NewerVersionError,
        f"written by a newer DR Planner (file schema version {SCHEMA_VERSION + 1}",
    ),
    (
        "other-application-id",
        ["PRAGMA application_id = 1"],
        NotAPlanError,
        "an SQLite database of another application",
    ),
]


@pytest.mark.parametrize(
    ("edit", "error", "fragment"), [e[1:] for e in EDITS], ids=[e[0] for e in EDITS]
)
def test_drplan_edited_outside_dr_planner(
    good: Path,
    capsys: pytest.CaptureFixture[str],
    edit: list[str],
    error: type[PlanFileError],
    fragment: str,
) -> None:
    path = _edit(_copy(good), *edit)
    if error is DamagedPlanError:  # the header still says "a DR Planner plan, this version"
        header = path.read_bytes()[:100]
        assert header[68:72] == APPLICATION_ID.to_bytes(4, "big")
        assert header[60:64] == SCHEMA_VERSION.to_bytes(4, "big")
    assert_refused(path, error, fragment, capsys)


def test_newer_file_says_newer_even_if_the_rest_is_unreadable(
    good: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A future version may change everything after the header; the user must still be
    # told to upgrade, not that the file is damaged.
    data = bytearray(good.read_bytes())
    data[60:64] = (7).to_bytes(4, "big")
    data[100:] = random.Random(1).randbytes(len(data) - 100)
    path = good.parent / "future.drplan"
    path.write_bytes(bytes(data))
    assert_refused(path, NewerVersionError, "newer DR Planner (file schema version 7", capsys)


# ------------------------------------------------------------------- opening is harmless


def test_opening_never_modifies_the_file(good: Path) -> None:
    os.chmod(good, 0o444)  # SQLite must not even need write access
    before = (good.read_bytes(), good.stat().st_mtime_ns)
    neighbours = sorted(os.listdir(good.parent))
    for _ in range(2):
        plan, _ = load_plan(good)
        assert plan.name == sample_plan().name
    assert (good.read_bytes(), good.stat().st_mtime_ns) == before
    assert sorted(os.listdir(good.parent)) == neighbours


def test_opening_a_wal_mode_file_leaves_no_wal_or_shm_files(good: Path) -> None:
    # Another SQLite tool may switch the file to WAL mode; DR Planner never does, and
    # opening such a file must not create side files next to the user's plan.
    path = _edit(_copy(good), "PRAGMA journal_mode=WAL")
    assert path.read_bytes()[18:20] == b"\x02\x02"
    before = path.read_bytes()
    neighbours = sorted(os.listdir(path.parent))
    plan, problems = load_plan(path)
    assert (plan_to_json(plan), problems) == (plan_to_json(sample_plan()), [])
    assert path.read_bytes() == before
    assert sorted(os.listdir(path.parent)) == neighbours


class _Spy:
    """Counts calls of an SQL function that a hostile file's schema tries to call."""

    def __init__(self) -> None:
        self.calls: list[Any] = []

    def __call__(self, *args: Any) -> int:
        self.calls.append(args)
        return 1


HOSTILE = [
    # A view standing in for a table the reader selects from.
    ["DROP TABLE meta", "CREATE VIEW meta AS SELECT spy() AS key, 'x' AS value"],
    ["DROP TABLE servers", "CREATE VIEW servers AS SELECT spy() AS ord"],
    # Triggers that would run if anything wrote to the file.
    ["CREATE TRIGGER t1 BEFORE DELETE ON meta BEGIN SELECT spy(); END"],
    ["CREATE TRIGGER t2 AFTER UPDATE ON servers BEGIN SELECT spy(); END"],
    # A view over a real table, and an expression index.
    ["CREATE VIEW v AS SELECT spy(id) FROM sites"],
    ["CREATE INDEX spy_index ON sites (spy(id))"],
]


@pytest.mark.parametrize(
    "statements",
    HOSTILE,
    ids=["view-as-meta", "view-as-servers", "trigger-1", "trigger-2", "view", "index"],
)
def test_hostile_schema_is_refused_without_executing_anything(
    good: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    statements: list[str],
) -> None:
    path = _copy(good)
    conn = sqlite3.connect(path)
    conn.create_function("spy", -1, lambda *args: 1, deterministic=True)
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()

    # Every connection the reader opens offers the function the schema calls.
    spy = _Spy()
    real_connect = sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        opened = real_connect(*args, **kwargs)
        opened.create_function("spy", -1, spy, deterministic=True)
        return opened

    monkeypatch.setattr(sqlite3, "connect", connect)
    assert_refused(path, DamagedPlanError, "damaged plan file", capsys)
    assert spy.calls == []


def test_the_spy_would_have_seen_a_call(good: Path) -> None:
    # The hostile-schema test is only meaningful if the function really runs when used.
    spy = _Spy()
    conn = sqlite3.connect(good)
    conn.create_function("spy", -1, spy, deterministic=True)
    conn.execute("CREATE TEMP VIEW v AS SELECT spy(id) FROM sites").close()
    assert conn.execute("SELECT * FROM v").fetchall() == [(1,)]
    conn.close()
    assert spy.calls == [("pangyo",)]


def test_json_never_modifies_the_file_either(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    text = plan_to_json(sample_plan())
    data: dict[str, Any] = json.loads(text)
    data["vendor"] = {"kept": True}
    path.write_text(json.dumps(data), encoding="utf-8")
    before = path.read_bytes()
    plan, problems = load_plan(path)
    assert problems == []
    assert plan.extra == {"vendor": {"kept": True}}
    assert path.read_bytes() == before


# ------------------------------------------------------------ pipes, devices, huge files


@pytest.mark.timeout(20)
@pytest.mark.parametrize("name", ["pipe.drplan", "pipe.json", "pipe"])
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    path = tmp_path / name
    os.mkfifo(path)
    assert_refused(path, PlanFileError, "is a named pipe (FIFO), not a plan file", capsys)


@pytest.mark.timeout(20)
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
@pytest.mark.parametrize("name", ["device.drplan", "device.json", "device"])
def test_a_symlink_to_a_device_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], device: str, name: str
) -> None:
    path = tmp_path / name
    path.symlink_to(device)
    assert_refused(path, PlanFileError, "is a device, not a plan file", capsys)


def test_a_symlink_to_a_plan_opens(good: Path) -> None:
    link = good.parent / "link.drplan"
    link.symlink_to(good)
    assert plan_to_json(load_plan(link)[0]) == plan_to_json(sample_plan())


@pytest.mark.parametrize("name", ["huge.json", "huge.drplan", "huge"])
def test_a_file_larger_than_any_plan_is_refused_unread(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    from planner.storage.files import MAX_PLAN_BYTES

    path = tmp_path / name
    with path.open("wb") as handle:  # sparse: costs no disk and no time
        handle.write(b'{"format": "drplanner", "version": 1, "x": "')
        handle.truncate(MAX_PLAN_BYTES + 1)
    assert_refused(path, NotAPlanError, "is too large to be a plan", capsys)


# ------------------------------------------------------------ strict JSON


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"format": "drplanner", "version": 1, "name": "a", "name": "b"}', "'name' appears twice"),
        (
            '{"format": "drplanner", "version": 1, "sites": [{"id": "a", "name": "A",'
            ' "x-tag": {"k": 1, "k": 2}}]}',
            "'k' appears twice",
        ),
        ('{"format": "drplanner", "version": 1, "x-odd": NaN}', "NaN is not a number"),
        ('{"format": "drplanner", "version": 1, "x-odd": [-Infinity]}', "Infinity is not"),
        ('{"format": "drplanner", "version": 1, "x-odd": 1e999}', "1e999 is too large"),
    ],
    ids=["top-level", "in-an-unknown-field", "nan", "infinity", "overflowing-float"],
)
def test_json_that_python_takes_but_a_plan_may_not_hold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, fragment: str
) -> None:
    path = tmp_path / "strict.json"
    path.write_text(text, encoding="utf-8")
    assert_refused(path, NotAPlanError, fragment, capsys)


def _deep(levels: int) -> Any:
    value: Any = "bottom"
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize("levels", [33, 500, 900])
def test_an_unknown_field_nested_too_deep_is_one_problem_naming_the_item(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], levels: int
) -> None:
    data = json.loads(plan_to_json(sample_plan()))
    data["services"][1]["x-deep"] = _deep(levels)
    path = tmp_path / "deep.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    _, problems = load_plan(path)
    assert [str(p) for p in problems] == [
        "service 'db': x-deep: is nested more than 32 levels deep"
    ]
    assert main(["validate", str(path)]) == 2
    assert "is nested more than 32 levels deep" in capsys.readouterr().err


def test_unknown_fields_nested_32_levels_are_kept(tmp_path: Path) -> None:
    data = json.loads(plan_to_json(sample_plan()))
    data["x-deep"] = _deep(32)
    plan, problems = load_plan(_write_json(tmp_path / "ok.json", data))
    assert problems == [] and plan.extra["x-deep"] == _deep(32)


def _write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["plan.json", "plan.drplan"])
@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (_deep(1200), "field 'x-deep' is nested more than 32 levels deep"),
        ({"a": [float("nan")]}, "field 'x-deep' holds NaN"),
        ({"a": {1, 2}}, "field 'x-deep' holds a value that is not JSON"),
    ],
    ids=["deep", "nan", "set"],
)
def test_saving_what_json_cannot_hold_is_a_plan_file_error(
    tmp_path: Path, name: str, value: Any, fragment: str
) -> None:
    plan = sample_plan()
    plan.services[0].extra["x-deep"] = value
    path = tmp_path / name
    with pytest.raises(PlanFileError) as raised:
        save_plan(plan, path)
    assert raised.value.message.startswith(f"cannot save: service 'web': {fragment}")
    assert not path.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE services SET extra = '{\"x\": NaN}' WHERE ord = 0",
        "UPDATE services SET extra = '{\"x\": [Infinity]}' WHERE ord = 0",
        'UPDATE services SET extra = \'{"x": 1, "x": 2}\' WHERE ord = 0',
        "UPDATE meta SET value = '{\"x\": -Infinity}' WHERE key = 'extra'",
    ],
    ids=["row-nan", "row-infinity", "row-repeated-key", "meta-infinity"],
)
def test_drplan_extra_fields_that_json_cannot_hold(
    good: Path, capsys: pytest.CaptureFixture[str], statement: str
) -> None:
    path = _edit(_copy(good), statement)
    fragment = "meta rows are not valid JSON" if "meta" in statement else "bad extra fields"
    assert_refused(path, DamagedPlanError, fragment, capsys)


# ------------------------------------------------------------ bounded numbers


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        (
            ("services", 0, "restore_minutes"),
            1e308,
            "service 'web': restore_minutes: must lie between -5,256,000 and 5,256,000 "
            "(ten years in minutes), got 1e+308",
        ),
        (
            ("services", 0, "rto_minutes"),
            10**400,
            "service 'web': rto_minutes: must lie between -5,256,000 and 5,256,000 "
            "(ten years in minutes), got 1000000000000000000000000000000000000...",
        ),
        (
            ("racks", 0, "units"),
            1_000_001,
            "rack 'r1': units: must lie between -1,000,000 and 1,000,000, got 1000001",
        ),
        (
            ("sites", 0, "x"),
            -1e10,
            "site 'pangyo': x: must lie between -1,000,000,000 and 1,000,000,000, "
            "got -10000000000.0",
        ),
    ],
    ids=["restore-1e308", "rto-10**400", "units", "x"],
)
def test_numbers_beyond_the_format_bounds_are_problems_on_read(
    tmp_path: Path, where: tuple[Any, ...], value: Any, message: str
) -> None:
    data = json.loads(plan_to_json(sample_plan()))
    data[where[0]][where[1]][where[2]] = value
    _, problems = load_plan(_write_json(tmp_path / "big.json", data))
    assert [str(p) for p in problems] == [message]


def test_two_chained_huge_restores_give_a_clear_line_not_an_overflow(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(plan_to_json(sample_plan()))
    data["services"][0]["restore_minutes"] = 1e308
    data["services"][1].update(restore_minutes=1e308, depends_on=["web"])
    path = _write_json(tmp_path / "huge.json", data)
    assert main(["compute", str(path), "--scenario", "fire"]) == 2
    err = capsys.readouterr().err
    assert "ten years in minutes" in err and "internal error" not in err


# ------------------------------------------------------------ SQLite's own report


def _damaged_beyond_the_header(good: Path) -> Path:
    """A copy that passes the header checks but fails SQLite's quick_check with a report
    of several lines (found by flipping bytes in one page after another)."""
    data = good.read_bytes()
    for page in range(1, len(data) // 4096):
        for offset in (200, 1000, 3000):
            damaged = bytearray(data)
            start = page * 4096 + offset
            damaged[start : start + 64] = bytes(b ^ 0x5A for b in damaged[start : start + 64])
            path = good.parent / "damaged.drplan"
            path.write_bytes(bytes(damaged))
            conn = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
            try:
                report = [row[0] for row in conn.execute("PRAGMA quick_check").fetchall()]
            except sqlite3.DatabaseError:
                continue
            finally:
                conn.close()
            if report != ["ok"] and len("\n".join(report).splitlines()) > 1:
                return path
    raise AssertionError("no flip gave a report of several lines")


def test_a_failed_integrity_check_is_one_line(
    good: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DRPLANNER_DEBUG", raising=False)
    path = _damaged_beyond_the_header(good)
    assert_refused(path, DamagedPlanError, "set DRPLANNER_DEBUG=1 for its report", capsys)
    monkeypatch.setenv("DRPLANNER_DEBUG", "1")
    with pytest.raises(DamagedPlanError) as raised:
        load_plan(path)
    assert "integrity check failed: " in raised.value.message
    assert "\n" not in raised.value.message


# ------------------------------------------------------------ the fingerprint of the rows


def _every_table_plan() -> Plan:
    """A plan with at least one row in every table and a value in every column."""
    from tests.data.write_fixtures import fixture_plan

    plan = fixture_plan(4)  # with failure domains and time, data copies and failover tests
    items = (*plan.sites, *plan.domains, *plan.racks, *plan.servers, *plan.pools, *plan.scenarios)
    for item in items:
        item.notes = item.notes or "a note"
    plan.services[1].failover_needs = {"dba": 1}  # the other's is {}: a row of nulls
    plan.sites[1].extra = {"x-site": [1, 2.5, "three"]}
    for items in (plan.racks, plan.servers, plan.pools, plan.scenarios):
        items[0].extra = {"x-cmdb-id": f"CI{len(items)}"}
    plan.racks[0].x, plan.racks[0].y = 12.5, 40
    plan.services[1].owner, plan.services[1].team = "Lee", "Web"
    plan.services[1].notes = "stateless"
    return plan


def _columns(path: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master")]
        tables = [t for t in tables if not t.startswith("sqlite_")]
        return [
            (table, column)
            for table in tables
            for (_, column, *_rest) in conn.execute(f"PRAGMA table_info({table})")
        ]
    finally:
        conn.close()


def test_every_table_and_column_is_filled_in_the_plan_below(tmp_path: Path) -> None:
    path = tmp_path / "full.drplan"
    save_plan(_every_table_plan(), path)
    conn = sqlite3.connect(path)
    try:
        for table, column in _columns(path):
            query = f"SELECT count(*) FROM {table} WHERE {column} IS NOT NULL"
            assert conn.execute(query).fetchone()[0] > 0, (table, column)
    finally:
        conn.close()


def _changed(value_sql: str) -> str:
    # Another value of the same kind where there is one; text where there was none.
    return (
        f"CASE WHEN typeof({value_sql}) = 'text' THEN {value_sql} || '~' "
        f"WHEN typeof({value_sql}) IN ('integer', 'real') THEN {value_sql} + 1000 ELSE 'set' END"
    )


@pytest.mark.parametrize("where", ["first", "last"])
def test_the_fingerprint_sees_any_value_changed_in_any_table(tmp_path: Path, where: str) -> None:
    good = tmp_path / "full.drplan"
    save_plan(_every_table_plan(), good)
    pick = "min" if where == "first" else "max"
    for table, column in _columns(good):
        path = _copy(good, f"{table}-{column}.drplan")
        row = f"rowid = (SELECT {pick}(rowid) FROM {table})"
        if table == "meta":
            row = "key = 'name'" if column == "value" else "key = 'written_by'"
        _edit(path, f"UPDATE {table} SET {column} = {_changed(column)} WHERE {row}")
        with pytest.raises(DamagedPlanError):
            load_plan(path)


@pytest.mark.parametrize(
    "statement",
    [
        # Values the reader would replace by the field's default (with a problem): the
        # fingerprint of the decoded plan, schema version 1's, could not see them.
        "UPDATE racks SET units = 9223372036854775807 WHERE ord = 0",
        "UPDATE racks SET units = NULL WHERE ord = 0",
        "UPDATE services SET tier = NULL WHERE ord = 0",
        # The same values in another order, a row moved, a row added at the end.
        "UPDATE servers SET ord = -1 WHERE ord = 0",
        "UPDATE service_steps SET ord = ord + 100 WHERE ord = 0",
        "INSERT INTO service_steps VALUES (0, 999, 'one more')",
        "INSERT INTO meta VALUES ('x-more', '1')",
        "UPDATE meta SET value = value || ' ' WHERE key = 'written_by'",
    ],
)
def test_the_fingerprint_sees_what_a_re_encoding_would_not(
    good: Path, capsys: pytest.CaptureFixture[str], statement: str
) -> None:
    path = _edit(_copy(good), statement)
    assert_refused(path, DamagedPlanError, "damaged plan file", capsys)


def test_the_fingerprint_is_of_the_rows_as_stored(good: Path) -> None:
    from planner.storage.drplan_format import SCHEMA
    from planner.storage.drplan_rows import fetch_tables, rows_fingerprint, stored_fingerprint

    conn = sqlite3.connect(good)
    try:
        tables = fetch_tables(conn, SCHEMA)
    finally:
        conn.close()
    assert stored_fingerprint(tables) == rows_fingerprint(tables)
    # Saving the same plan again gives the same rows, so the same fingerprint.
    again = good.parent / "again.drplan"
    save_plan(load_plan(good)[0], again)
    conn = sqlite3.connect(again)
    try:
        assert stored_fingerprint(fetch_tables(conn, SCHEMA)) == stored_fingerprint(tables)
    finally:
        conn.close()


# ------------------------------------------------------------ rows to objects, two ways

# Values the field-by-field decoder reports or changes, for the direct route to refuse:
# (table, column, value) set in the first row (or every row of a child table).
ODD_VALUES: list[tuple[str, str, Any]] = [
    ("sites", "id", ""),
    ("sites", "id", " \t"),
    ("sites", "id", None),
    ("sites", "name", 3),
    ("sites", "x", 1e10),
    ("sites", "x", "left"),
    ("sites", "width", 2.0),
    ("sites", "color", 5),
    ("racks", "units", None),
    ("racks", "units", 2.5),
    ("racks", "units", 10**7),
    ("racks", "units", "12"),
    ("servers", "position", None),
    ("servers", "rack", 7),
    ("servers", "notes", 1),
    ("pools", "capacity", -(10**7)),
    ("services", "restore_minutes", None),
    ("services", "restore_minutes", 1e308),
    ("services", "rto_minutes", 60.0),
    ("services", "tier", None),
    ("services", "x", float("inf")),
    ("service_servers", "server", ""),
    ("service_servers", "server", None),
    ("service_servers", "standby", 7),
    ("service_needs", "pool", None),
    ("service_needs", "units", 0.5),
    ("service_needs", "units", None),
    ("service_dependencies", "depends_on", 4),
    ("service_steps", "step", None),
    ("scenario_failed", "item", "  "),
    ("scenarios", "extra", '{"x-y": 1, "name": "shadow"}'),
    ("servers", "extra", '{"position": 9}'),
    # schema 3: failure domains and time
    ("domains", "kind", None),
    ("domains", "kind", 4),
    ("domains", "site", ""),
    ("domains", "site", 3),
    ("domains", "notes", 1),
    ("services", "automatic_failover", 2),
    ("services", "automatic_failover", None),
    ("services", "automatic_failover", "yes"),
    ("services", "automatic_failover", 1.0),
    ("services", "restart_minutes", "soon"),
    ("services", "restart_minutes", 1e308),
    ("scenarios", "declared_after_minutes", None),
    ("scenarios", "declared_after_minutes", 30.0),
    ("rack_domains", "domain", ""),
    ("server_domains", "domain", None),
    ("service_failover_needs", "pool", None),  # a half-empty row beside the null row
    ("service_failover_needs", "units", None),
    ("service_failover_needs", "units", 2.5),
    ("service_restart_needs", "pool", " "),
    ("service_restart_needs", "units", "2"),
    ("scenario_returns", "item", ""),
    ("scenario_returns", "minutes", None),
    ("scenario_returns", "minutes", "late"),
    ("scenario_returns", "minutes", 90.0),
    ("domains", "extra", '{"kind": "shadow"}'),
    # schema 4: data copies, RPO and failover tests
    ("services", "rpo_minutes", "15"),
    ("services", "rpo_minutes", 15.0),
    ("services", "failover_tested_on", "2026-02-30"),
    ("services", "failover_tested_on", "20260301"),
    ("services", "failover_tested_on", 20260301),
    ("services", "failover_tested_on", "2026-03-01 "),
    ("scenarios", "untested_failovers_fail", 2),
    ("scenarios", "untested_failovers_fail", None),
    ("scenarios", "as_of", "today"),
    ("scenarios", "as_of", "2024-02-29"),
    ("service_data", "id", ""),
    ("service_data", "id", None),
    ("service_data", "id", 4),
    ("service_data", "lag_minutes", None),
    ("service_data", "lag_minutes", 60.0),
    ("service_data", "lag_minutes", "soon"),
    ("service_data", "lag_minutes", 1e308),
    ("service_data", "lag_minutes", -5),
    ("service_data", "kind", None),
    ("service_data", "kind", 3),
    ("service_data", "kind", "tape"),
    ("service_data", "notes", 1),
    ("service_data", "extra", '{"id": "shadow", "x-a": [1, 2.0]}'),
    ("service_data", "extra", '{"notes": 5}'),
    ("service_data", "extra", '{"lag_minutes": "late"}'),
    ("service_data", "extra", "[1]"),
    ("service_data", "extra", '{"x-deep": ' + "[" * 40 + "]" * 40 + "}"),
    ("service_data_on", "item", ""),
    ("service_data_on", "item", None),
    ("service_data_on", "item", 7),
]


def _tables_with(plan: Plan, tmp_path: Path, table: str, column: str, value: Any) -> Any:
    from planner.storage.drplan_format import SCHEMA
    from planner.storage.drplan_rows import fetch_tables

    path = tmp_path / "rows.drplan"
    save_plan(plan, path)
    conn = sqlite3.connect(path)
    try:
        tables = fetch_tables(conn, SCHEMA)
        names = [c for (_, c, *_rest) in conn.execute(f"PRAGMA table_info({table})")]
    finally:
        conn.close()
    at = names.index(column)
    rows = tables[table]
    targets = range(len(rows)) if table.startswith(("service_", "scenario_")) else [0]
    for i in targets:
        rows[i] = (*rows[i][:at], value, *rows[i][at + 1 :])
    return tables


@pytest.mark.parametrize(
    ("table", "column", "value"), ODD_VALUES, ids=[f"{t}.{c}={v!r}" for t, c, v in ODD_VALUES]
)
def test_objects_built_directly_equal_the_decoders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, table: str, column: str, value: Any
) -> None:
    from planner.storage import drplan_format, drplan_rows

    tables = _tables_with(_every_table_plan(), tmp_path, table, column, value)
    names = drplan_format._column_names()
    direct = drplan_rows.PlanRows(tmp_path, tables, names).plan()
    monkeypatch.setattr(drplan_rows.PlanRows, "_fast", lambda *args: False)
    decoded = drplan_rows.PlanRows(tmp_path, tables, names).plan()
    assert direct == decoded
    assert repr(direct) == repr(decoded)  # types too: 2.0 == 2, but a plan holds 2
    assert [str(p) for p in direct[1]] == [str(p) for p in decoded[1]]


def test_a_clean_plan_is_built_without_the_field_decoder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.storage import drplan_rows

    decoded: list[str] = []
    real = drplan_rows.decode_item

    def counting(kind: str, *args: Any) -> Any:
        decoded.append(kind)
        return real(kind, *args)

    monkeypatch.setattr(drplan_rows, "decode_item", counting)
    plan = _every_table_plan()
    plan.servers += [Server(f"more-{i}", "ga-b01", f"more {i}", position=i + 3) for i in range(9)]
    path = tmp_path / "clean.drplan"
    save_plan(plan, path)
    assert load_plan(path) == (plan, [])
    # Only the items with unknown fields go through the decoder.
    assert decoded == ["site", "domain", "rack", "server", "pool", "service", "scenario"]
