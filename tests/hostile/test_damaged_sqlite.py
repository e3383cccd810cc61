"""Hostile input, family "damaged SQLite": .drplan files broken after they were written.

Truncated at many offsets, bytes flipped in the header and in every page, another
application's id, a newer schema version, tables missing or with extra columns, views
and triggers, NaN and Infinity in the JSON of extra fields, rows changed behind the
fingerprint, and files that are not SQLite at all. Each runs through every reading
command: exit 0 or 2 (2 whenever the file is refused), at most a few lines, the file
unchanged, nothing left beside it.
"""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from planner.storage import save_plan
from planner.storage.drplan_format import SCHEMA, SCHEMA_VERSION
from tests.hostile.commands import run_every_reader, sample_plan

PAGE = 4096


@functools.cache
def good_bytes() -> bytes:
    """The sample plan as a .drplan file, with enough steps to span several pages."""
    import tempfile

    plan = sample_plan()
    plan.services[0].steps = [f"step {i}: " + "y" * 80 for i in range(120)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "good.drplan"
        save_plan(plan, path)
        return path.read_bytes()


@dataclass(frozen=True)
class Case:
    id: str
    damage: Callable[[bytes, Path], None]  # writes the damaged file at the path
    # "refused": every command exits 2; "invalid": it opens with a problem (validate exits
    # 2); "either": it may also open as it was (a flip in unused bytes, say)
    expect: str = "refused"


def _write(data: bytes, path: Path) -> None:
    path.write_bytes(data)


def _truncate(keep: int) -> Callable[[bytes, Path], None]:
    return lambda data, path: _write(data[:keep], path)


def _flip(offset: int, length: int = 1) -> Callable[[bytes, Path], None]:
    def damage(data: bytes, path: Path) -> None:
        changed = bytearray(data)
        for i in range(offset, min(offset + length, len(changed))):
            changed[i] ^= 0xFF
        _write(bytes(changed), path)

    return damage


def _sql(*statements: str) -> Callable[[bytes, Path], None]:
    def damage(data: bytes, path: Path) -> None:
        _write(data, path)
        conn = sqlite3.connect(path)
        try:
            for statement in statements:
                conn.execute(statement)
            conn.commit()
        finally:
            conn.close()

    return damage


def _header_int(offset: int, value: int) -> Callable[[bytes, Path], None]:
    def damage(data: bytes, path: Path) -> None:
        _write(data[:offset] + value.to_bytes(4, "big") + data[offset + 4 :], path)

    return damage


def _raw(content: bytes) -> Callable[[bytes, Path], None]:
    return lambda data, path: _write(content, path)


def _truncations() -> list[Case]:
    size = len(good_bytes())
    offsets = [0, 15, 16, 50, 99, 100, 101, 1000, PAGE - 1, PAGE, PAGE + 1]
    offsets += [size * k // 10 for k in range(2, 10)] + [size - PAGE, size - 1]
    return [Case(f"truncated-at-{n}", _truncate(n)) for n in sorted(set(offsets))]


# Header fields SQLite reads (https://www.sqlite.org/fileformat.html#the_database_header)
_HEADER = {
    "magic": 0,
    "page-size": 16,
    "write-version": 18,
    "read-version": 19,
    "reserved": 20,
    "payload-fractions": 21,
    "change-counter": 24,
    "page-count": 28,
    "freelist-trunk": 32,
    "freelist-count": 36,
    "schema-cookie": 40,
    "schema-format": 44,
    "cache-size": 48,
    "autovacuum-root": 52,
    "text-encoding": 56,
    "incremental-vacuum": 64,
    "version-valid-for": 92,
    "sqlite-version": 96,
}


def _flips() -> list[Case]:
    cases = [
        Case(f"header-{name}-flipped", _flip(offset), expect="either")
        for name, offset in _HEADER.items()
    ]
    pages = len(good_bytes()) // PAGE
    for page in range(pages):
        for where in (8, 200, 2000, PAGE - 64):
            offset = (100 if page == 0 else 0) + page * PAGE + where
            cases.append(
                Case(f"page-{page}-at-{where}-flipped", _flip(offset, 16), expect="either")
            )
    return cases


def _identity() -> list[Case]:
    return [
        Case("another-application-id", _header_int(68, 0x12345678)),
        Case("no-application-id", _header_int(68, 0)),
        Case("newer-user-version", _header_int(60, SCHEMA_VERSION + 1)),
        Case("huge-user-version", _header_int(60, 0xFFFFFFFF)),
        Case("newer-version-pragma", _sql("PRAGMA user_version=7")),
        Case("other-app-pragma", _sql("PRAGMA application_id=1")),
    ]


def _schema() -> list[Case]:
    cases = [Case(f"missing-table-{t}", _sql(f"DROP TABLE {t}")) for t in SCHEMA]
    cases += [
        Case(f"extra-column-{t}", _sql(f"ALTER TABLE {t} ADD COLUMN surprise TEXT")) for t in SCHEMA
    ]
    cases += [
        Case("extra-table", _sql("CREATE TABLE surprise (x)")),
        Case("a-view", _sql("CREATE VIEW v AS SELECT * FROM sites")),
        Case("a-trigger", _sql("CREATE TRIGGER t AFTER INSERT ON sites BEGIN SELECT 1; END")),
        Case("an-index", _sql("CREATE INDEX i ON sites (name)")),
        Case("renamed-table", _sql("ALTER TABLE pools RENAME TO pool")),
    ]
    return cases


def _contents() -> list[Case]:
    edits = {
        "nan-in-row-extra": "UPDATE services SET extra = '{\"x\": NaN}' WHERE ord = 0",
        "infinity-in-row-extra": "UPDATE sites SET extra = '{\"x\": [Infinity]}' WHERE ord = 0",
        "nan-in-meta-extra": "UPDATE meta SET value = '{\"x\": NaN}' WHERE key = 'extra'",
        "repeated-key-in-extra": 'UPDATE racks SET extra = \'{"a": 1, "a": 2}\' WHERE ord = 0',
        "deep-extra": 'UPDATE pools SET extra = \'{"a": ' + "[" * 5000 + "]" * 5000 + "}'",
        "extra-not-json": "UPDATE servers SET extra = '{oops' WHERE ord = 0",
        "notes-not-json": "UPDATE meta SET value = 'plain' WHERE key = 'notes'",
        "meta-row-missing": "DELETE FROM meta WHERE key = 'fingerprint'",
        "format-row-wrong": "UPDATE meta SET value = 'other' WHERE key = 'format'",
        "row-changed": "UPDATE services SET restore_minutes = 1 WHERE ord = 0",
        "restore-1e308": "UPDATE services SET restore_minutes = 1e308 WHERE ord = 0",
        "restore-infinite": "UPDATE services SET restore_minutes = 9e999 WHERE ord = 0",
        "restore-as-text": "UPDATE services SET restore_minutes = 'ten' WHERE ord = 0",
        "restore-as-blob": "UPDATE services SET restore_minutes = x'00ff' WHERE ord = 0",
        "name-invalid-utf8": "UPDATE sites SET name = CAST(x'ff' AS TEXT) WHERE ord = 0",
        "row-deleted": "DELETE FROM servers WHERE ord = 1",
        "child-of-nothing": "UPDATE service_steps SET parent = 99 WHERE ord = 0",
        "ord-gap": "UPDATE servers SET ord = 50 WHERE ord = 2",
    }
    cases = [Case(name, _sql(statement)) for name, statement in edits.items()]
    # Stored as the text '42', which is JSON but not an object: the same plan as before.
    cases.append(Case("extra-not-text", _sql("UPDATE servers SET extra = 42"), "either"))
    # A value the reader replaces by its default (42, with a problem): the fingerprint of
    # the plan it decoded to matched, so schema version 1 opened it as invalid; the
    # fingerprint of the rows as stored (version 2) sees the changed row.
    units = "UPDATE racks SET units = 9223372036854775807 WHERE ord = 0"
    cases.append(Case("units-beyond-the-bound", _sql(units)))
    return cases


def _not_sqlite() -> list[Case]:
    return [
        Case("empty", _raw(b"")),
        Case("json-named-drplan", _raw(b'{"format": "drplanner", "version": 1}')),
        Case("pdf", _raw(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"0" * 500)),
        Case("zip", _raw(b"PK\x03\x04" + b"\x00" * 500)),
        Case("random", _raw(os.urandom(8192))),
        Case("magic-only", _raw(b"SQLite format 3\x00")),
        Case("magic-and-zeros", _raw(b"SQLite format 3\x00" + b"\x00" * 8192)),
        Case("another-database", _another_database),
    ]


def _another_database(data: bytes, path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()


CASES: list[Case] = [
    *_truncations(),
    *_flips(),
    *_identity(),
    *_schema(),
    *_contents(),
    *_not_sqlite(),
]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_damaged_sqlite(tmp_path: Path, case: Case) -> None:
    path = tmp_path / "plan.drplan"
    case.damage(good_bytes(), path)
    outcomes = run_every_reader(path, tmp_path / "out")
    for outcome in outcomes:
        assert len(outcome.err.splitlines()) <= 3, outcome.err[:2000]
    if case.expect == "refused":
        assert [o.code for o in outcomes] == [2] * len(outcomes), outcomes[0].err
    elif case.expect == "invalid":
        assert outcomes[0].code == 2 and "units: must lie between" in outcomes[0].err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "plan.drplan"]
