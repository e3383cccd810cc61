"""The native plan file ``.drplan``: one SQLite database per plan.

Follows SQLite's advice for application file formats: a fixed ``application_id``,
``user_version`` as the schema version (also kept in the ``meta`` table), one table per
kind of item, and saving as a whole new file that replaces the old one atomically.
Files are untrusted on open: the header is checked before SQLite parses anything,
the connection is read-only with ``trusted_schema=OFF``, the schema must be exactly
that of the file's version (no views or triggers), ``quick_check`` must pass, and the
content must match the fingerprint stored with it. A file of an older version is copied
into memory and upgraded there (:mod:`planner.storage.migrations`) before it is read.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Mapping
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any

from planner import __version__
from planner.model import fields
from planner.model.heap import collector_paused
from planner.model.plan import Plan
from planner.model.problems import Problem
from planner.storage.atomic import replace_atomically
from planner.storage.drplan_rows import (
    FINGERPRINT_KEY,
    PlanRows,
    fetch_tables,
    rows_fingerprint,
    stored_fingerprint,
)
from planner.storage.errors import (
    DamagedPlanError,
    NewerVersionError,
    NotAPlanError,
    PlanFileError,
)
from planner.storage.files import read_plan_bytes
from planner.storage.json_format import check_savable, records_to_json
from planner.storage.migrations import (
    DRPLAN_SCHEMAS,
    newer_message,
    saved_records,
    upgrade_database,
)
from planner.storage.records import (
    FORMAT_NAME,
    PLAN_FIELDS,
    PLAN_KEYS,
    SPECS,
    FieldSpec,
    PlanFormatError,
    encode_plan,
)

APPLICATION_ID = 0x4452504C  # "DRPL"
# 2: the fingerprint is of the rows as stored, no longer of the plan's canonical JSON
# (the tables are those of version 1); 3: failure domains and time (JSON format v2):
# the tables of the new fields (docs/plan-format.md, "Versions and migrations"); 4: data
# copies, RPO and failover tests (JSON format v3); 5: recovery tooling (JSON format v4).
SCHEMA_VERSION = 5
ROWS_FINGERPRINT_SINCE = 2
SQLITE_MAGIC = b"SQLite format 3\x00"

# Item tables keep the list order in `ord`; list-valued fields live in child tables
# keyed by the parent's `ord` (ids may repeat in a plan that is still being edited).
# Both come from the field registry: one column per scalar field, in JSON order.
_LAYOUTS = [fields.drplan_columns(kind) for kind in fields.LIST_OF_KIND]
_ITEM_COLUMNS: dict[str, list[tuple[str, str]]] = {
    layout.table: layout.columns for layout in _LAYOUTS
}
# child table -> (parent table, value columns); rows ordered by (parent, ord)
_CHILD_COLUMNS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    child.name: (layout.table, list(child.columns))
    for layout in _LAYOUTS
    for child in layout.children.values()
}
# The locations of the data copies (rows of service_data, whose child it is): one row
# per location, `ord` running over the service's locations, `copy` the place of its copy
# among the service's copies (their `ord`, from 0). Right after service_data.
DATA_ON_TABLE = "service_data_on"


def _with_copy_locations(
    children: dict[str, tuple[str, list[tuple[str, str]]]],
) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    found: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    for name, columns in children.items():
        found[name] = columns
        if name == "service_data":
            found[DATA_ON_TABLE] = ("services", [("copy", "INTEGER"), ("item", "TEXT")])
    return found


_CHILD_COLUMNS = _with_copy_locations(_CHILD_COLUMNS)


def _schema_sql() -> dict[str, str]:
    tables = {"meta": "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)"}
    for table, columns in _ITEM_COLUMNS.items():
        cols = ", ".join(f"{name} {kind}" for name, kind in columns)
        tables[table] = f"CREATE TABLE {table} (ord INTEGER PRIMARY KEY, {cols}, extra TEXT)"
    for table, (parent, columns) in _CHILD_COLUMNS.items():
        cols = ", ".join(f"{name} {kind}" for name, kind in columns)
        tables[table] = (
            f"CREATE TABLE {table} (parent INTEGER NOT NULL REFERENCES {parent}(ord), "
            f"ord INTEGER NOT NULL, {cols}, PRIMARY KEY (parent, ord))"
        )
    return tables


SCHEMA = _schema_sql()


def fingerprint(plan: Plan) -> str:
    """SHA-256 of the plan's canonical JSON: equal plans, equal fingerprints (the
    runbook prints it; a ``.drplan`` of schema version 1 holds it)."""
    return _fingerprint_of(encode_plan(plan))


def _fingerprint_of(records: dict[str, Any]) -> str:
    return hashlib.sha256(records_to_json(records).encode("utf-8")).hexdigest()


def _column_names() -> dict[str, list[str]]:
    # Read at each call: a test installs a hypothetical next version by replacing
    # _ITEM_COLUMNS.
    return {table: [name for name, _ in columns] for table, columns in _ITEM_COLUMNS.items()}


# ---------------------------------------------------------------- writing


def write_drplan(plan: Plan, path: str | Path) -> None:
    """Save ``plan`` to ``path`` atomically (the old file survives any crash mid-save)."""
    check_savable(plan, path)
    try:
        replace_atomically(path, lambda tmp: _write_database(plan, tmp))
    except (ValueError, TypeError, RecursionError) as error:
        # A known field set to NaN by a program, say: one line, never a traceback.
        raise PlanFileError(path, f"cannot save: {error}") from None
    except (OSError, sqlite3.Error) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        raise PlanFileError(path, f"cannot save: {reason}") from None
    except OverflowError:
        # JSON integers have no limit; SQLite integers are 64-bit.
        raise PlanFileError(
            path, "cannot save: a whole number is too large for a .drplan file (over 64 bits)"
        ) from None


def _write_database(plan: Plan, path: Path) -> None:
    records = encode_plan(plan)
    conn = sqlite3.connect(path)
    try:
        # The file is private until renamed into place, so no journal is needed; the
        # rename (after an fsync) is what makes the save durable and atomic.
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        with conn:
            for sql in SCHEMA.values():
                conn.execute(sql)
            _insert(conn, "meta", _meta_rows(plan, records))
            for table, columns in _ITEM_COLUMNS.items():
                _insert(
                    conn,
                    table,
                    _item_rows(records[table], [c for c, _ in columns], SPECS[table][1]),
                )
            for table, rows in _child_rows(records).items():
                _insert(conn, table, rows)
            # The fingerprint is of the rows as SQLite gives them back (its column
            # affinities may have turned "12" into 12): read them as a reader will.
            tables = fetch_tables(conn, SCHEMA)
            conn.execute(
                "INSERT INTO meta VALUES (?, ?)", (FINGERPRINT_KEY, rows_fingerprint(tables))
            )
    finally:
        conn.close()


def _insert(conn: sqlite3.Connection, table: str, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        marks = ", ".join("?" * len(rows[0]))
        conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)


def _meta_rows(plan: Plan, records: dict[str, Any]) -> list[tuple[Any, ...]]:
    extra = {k: v for k, v in records.items() if k not in PLAN_KEYS}
    return [
        ("format", FORMAT_NAME),
        ("schema_version", str(SCHEMA_VERSION)),
        ("written_by", f"DR Planner {__version__}"),
        ("name", plan.name),
        ("notes", json.dumps(plan.notes, ensure_ascii=False)),
        ("extra", json.dumps(extra, ensure_ascii=False)),
        # The plan's other fields, each a row of its JSON value (written even at its
        # default, so that a row missing is damage).
        *(
            (spec.name, json.dumps(records.get(spec.name, spec.unset), ensure_ascii=False))
            for spec in PLAN_FIELDS
        ),
    ]


def _item_rows(
    records: list[dict[str, Any]], columns: list[str], specs: list[FieldSpec]
) -> list[tuple[Any, ...]]:
    known = {spec.name for spec in specs}
    # A field JSON leaves out at its default is stored as that default: a column of an
    # optional field whose default is not null (false, 0) never holds null.
    unset = {spec.name: spec.unset for spec in specs}
    defaults = [(column, unset.get(column)) for column in columns]
    rows = []
    for ord_, record in enumerate(records):
        extra = {k: v for k, v in record.items() if k not in known}
        encoded = json.dumps(extra, ensure_ascii=False) if extra else None
        rows.append((ord_, *[record.get(column, default) for column, default in defaults], encoded))
    return rows


# The row of an optional needs table (a failover's or a restart's) that says "set, and
# empty" ({}: no pool at all); no row at all is null, "the same as needs".
NO_POOL_ROW = (None, None)


def _mode_needs_rows(parent: int, needs: dict[str, int] | None) -> list[tuple[Any, ...]]:
    if needs is None:
        return []
    if not needs:
        return [(parent, 0, *NO_POOL_ROW)]
    return [(parent, ord_, pool, units) for ord_, (pool, units) in enumerate(needs.items())]


def _child_rows(records: dict[str, Any]) -> dict[str, list[tuple[Any, ...]]]:
    rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in _CHILD_COLUMNS}
    for table in ("racks", "servers"):
        child = rows[f"{table[:-1]}_domains"]
        for parent, member in enumerate(records[table]):
            for ord_, domain in enumerate(member.get("domains", [])):
                child.append((parent, ord_, domain))
    for parent, service in enumerate(records["services"]):
        active = [(s, 0) for s in service["servers"]]
        standby = [(s, 1) for s in service["standby_servers"]]
        for ord_, (server, is_standby) in enumerate(active + standby):
            rows["service_servers"].append((parent, ord_, server, is_standby))
        for ord_, (pool, units) in enumerate(service["needs"].items()):
            rows["service_needs"].append((parent, ord_, pool, units))
        for ord_, dep in enumerate(service["depends_on"]):
            rows["service_dependencies"].append((parent, ord_, dep))
        for ord_, step in enumerate(service.get("steps", [])):
            rows["service_steps"].append((parent, ord_, step))
        for mode in ("failover", "restart"):
            needs = service.get(f"{mode}_needs")
            rows[f"service_{mode}_needs"] += _mode_needs_rows(parent, needs)
        located = 0
        for ord_, copy in enumerate(service.get("data", [])):
            rows["service_data"].append((parent, ord_, *_copy_row(copy)))
            for item in copy["on"]:
                rows[DATA_ON_TABLE].append((parent, located, ord_, item))
                located += 1
    for parent, scenario in enumerate(records["scenarios"]):
        for ord_, item in enumerate(scenario["failed"]):
            rows["scenario_failed"].append((parent, ord_, item))
        for ord_, (item, minutes) in enumerate(scenario.get("returns", {}).items()):
            rows["scenario_returns"].append((parent, ord_, item, minutes))
    return rows


_COPY_KEYS = ("id", "on", "lag_minutes", "kind", "notes")


def _copy_row(copy: dict[str, Any]) -> tuple[Any, ...]:
    """A copy's row of service_data (without parent and ord): its locations are rows of
    service_data_on, its unknown fields JSON in ``extra`` (null when it has none)."""
    extra = {k: v for k, v in copy.items() if k not in _COPY_KEYS}
    encoded = json.dumps(extra, ensure_ascii=False) if extra else None
    return copy["id"], copy["lag_minutes"], copy["kind"], copy.get("notes"), encoded


# ---------------------------------------------------------------- reading


def read_drplan(path: str | Path) -> tuple[Plan, list[Problem]]:
    """Open a ``.drplan`` file of this version or an older one; raise a
    :class:`PlanFileError` subclass if it is not one."""
    path = Path(path)
    version = _check_header(path)
    try:
        # immutable=1: no locks, no journal or WAL look-ups, so opening a file (even one
        # another tool switched to WAL mode) never creates -wal/-shm files beside it.
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as error:
        raise PlanFileError(path, f"cannot open: {error}") from None
    try:
        with ExitStack() as stack:
            stack.enter_context(closing(conn))
            stack.enter_context(collector_paused())
            conn.execute("PRAGMA trusted_schema=OFF")
            conn.execute("PRAGMA query_only=ON")
            conn.execute("PRAGMA cell_size_check=ON")
            schema = SCHEMA if version == SCHEMA_VERSION else DRPLAN_SCHEMAS[version]
            _check_file(path, conn, schema, version)
            tables = fetch_tables(conn, schema)
            # From schema version 2 the fingerprint is of the rows as the file holds them,
            # checked before any upgrade; version 1's is of the plan (_legacy_expected).
            expected = _expected(tables) if version >= ROWS_FINGERPRINT_SINCE else None
            stored = stored_fingerprint(tables)
            if version < SCHEMA_VERSION:
                # Upgraded in a copy in memory: opening never writes to the file.
                memory = stack.enter_context(closing(sqlite3.connect(":memory:")))
                memory.execute("PRAGMA trusted_schema=OFF")
                conn.backup(memory)
                upgrade_database(memory, version, SCHEMA_VERSION)
                tables = fetch_tables(memory, SCHEMA)
            plan, problems = PlanRows(path, tables, _column_names()).plan()
            # The rows go while the collector still rests: it would otherwise walk them
            # all once it is back (a tenth of the read).
            del tables
    except (sqlite3.Error, UnicodeError) as error:
        # UnicodeError: text that is not UTF-8 (damaged bytes in the schema or a row)
        raise DamagedPlanError(
            path, f"damaged plan file ({' '.join(str(error).split())})"
        ) from None
    except PlanFormatError as error:
        raise DamagedPlanError(path, f"damaged plan file ({error})") from None
    if expected is None:
        expected = _legacy_expected(plan, version)
    if expected != stored:
        raise DamagedPlanError(
            path,
            "damaged plan file: its contents do not match the fingerprint saved with them "
            "(rows changed or removed outside DR Planner)",
        )
    return plan, problems


def _expected(tables: Mapping[str, list[tuple[Any, ...]]]) -> str:
    try:
        return rows_fingerprint(tables)
    except (TypeError, ValueError):
        # A blob or an infinite number: never written by DR Planner, so never matching.
        return "(not computable)"


def _legacy_expected(plan: Plan, version: int) -> str:
    """The fingerprint a file of schema version 1 holds: of the plan's canonical JSON as
    that version saved it (see :class:`planner.storage.migrations.DrplanStep`)."""
    return _fingerprint_of(saved_records(encode_plan(plan), version, SCHEMA_VERSION))


def _check_header(path: Path) -> int:
    """The file's schema version, from its header, once it says "a DR Planner plan of a
    version this program reads"."""
    header = read_plan_bytes(path, 100)  # refuses pipes, devices and huge files first
    if not header.startswith(SQLITE_MAGIC):
        raise NotAPlanError(path, "not a DR Planner plan (not an SQLite database)")
    if len(header) < 100:
        raise DamagedPlanError(path, "damaged plan file (truncated header)")
    app_id = int.from_bytes(header[68:72], "big")
    if app_id != APPLICATION_ID:
        raise NotAPlanError(
            path, "not a DR Planner plan (an SQLite database of another application)"
        )
    version = int.from_bytes(header[60:64], "big")
    if version > SCHEMA_VERSION:
        raise NewerVersionError(path, newer_message("file schema", version, SCHEMA_VERSION))
    if version < 1:
        raise DamagedPlanError(path, f"damaged plan file (unknown schema version {version})")
    return version


def _check_file(
    path: Path, conn: sqlite3.Connection, schema: Mapping[str, str], version: int
) -> None:
    """The file is intact and is exactly a plan file of schema ``version``."""
    report = [row[0] for row in conn.execute("PRAGMA quick_check(20)").fetchall()]
    if report != ["ok"]:
        raise DamagedPlanError(path, _integrity_message(report))
    _check_schema(path, conn, schema)
    query = "SELECT key, value FROM meta WHERE key IN ('format', 'schema_version')"
    rows = dict(conn.execute(query).fetchall())
    if rows != {"format": FORMAT_NAME, "schema_version": str(version)}:
        raise DamagedPlanError(path, "damaged plan file (its version row is missing or wrong)")


def _integrity_message(report: list[object]) -> str:
    # SQLite's report runs to dozens of lines about pages and cells: what the user needs is
    # that the file is damaged; the detail is for a developer who asks for it.
    message = "damaged plan file (SQLite's integrity check failed"
    if os.environ.get("DRPLANNER_DEBUG"):
        detail = " ".join(" ".join(str(line).split()) for line in report)
        return f"{message}: {detail[:2000]})"
    return f"{message}; set DRPLANNER_DEBUG=1 for its report)"


def _check_schema(path: Path, conn: sqlite3.Connection, schema: Mapping[str, str]) -> None:
    found = conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
    tables = {name: sql for kind, name, sql in found if kind == "table"}
    others = [name for kind, name, _ in found if kind != "table"]
    unexpected = [n for n in others if not n.startswith("sqlite_autoindex_")]
    unexpected += sorted(set(tables) - set(schema))
    if unexpected:
        raise DamagedPlanError(
            path, f"damaged plan file (unexpected schema item '{unexpected[0]}')"
        )
    for table, sql in schema.items():
        if tables.get(table) != sql:
            what = "missing" if table not in tables else "different from the one expected"
            raise DamagedPlanError(path, f"damaged plan file (table '{table}' is {what})")
