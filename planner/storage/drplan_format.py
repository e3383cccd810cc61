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
from collections import defaultdict
from collections.abc import Mapping
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any

import sqlite_utils

from planner import __version__
from planner.model import fields
from planner.model.plan import Plan
from planner.model.problems import Problem
from planner.storage.atomic import replace_atomically
from planner.storage.errors import (
    DamagedPlanError,
    NewerVersionError,
    NotAPlanError,
    PlanFileError,
)
from planner.storage.files import read_plan_bytes
from planner.storage.json_format import check_savable, records_to_json, strict_loads
from planner.storage.migrations import (
    DRPLAN_SCHEMAS,
    newer_message,
    saved_records,
    upgrade_database,
)
from planner.storage.records import (
    FORMAT_NAME,
    FORMAT_VERSION,
    PLAN_KEYS,
    SPECS,
    FieldSpec,
    PlanFormatError,
    decode_plan,
    encode_plan,
)

APPLICATION_ID = 0x4452504C  # "DRPL"
SCHEMA_VERSION = 1
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
    """SHA-256 of the plan's canonical JSON: equal plans, equal fingerprints."""
    return _fingerprint_of(encode_plan(plan))


def _fingerprint_of(records: dict[str, Any]) -> str:
    # encode_plan already writes numbers as SQLite will give them back (3.0 as 3), so the
    # records about to be saved hash like the plan that will be read.
    return hashlib.sha256(records_to_json(records).encode("utf-8")).hexdigest()


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
        db = sqlite_utils.Database(conn, execute_plugins=False)
        with conn:
            for sql in SCHEMA.values():
                conn.execute(sql)
            db.table("meta").insert_all(_meta_rows(plan, records))
            for table, columns in _ITEM_COLUMNS.items():
                db.table(table).insert_all(
                    _item_rows(records[table], [c for c, _ in columns], SPECS[table][1]),
                    batch_size=500,
                )
            for table, rows in _child_rows(records).items():
                db.table(table).insert_all(rows, batch_size=500)
    finally:
        conn.close()


def _meta_rows(plan: Plan, records: dict[str, Any]) -> list[dict[str, Any]]:
    extra = {k: v for k, v in records.items() if k not in PLAN_KEYS}
    return [
        {"key": "format", "value": FORMAT_NAME},
        {"key": "schema_version", "value": str(SCHEMA_VERSION)},
        {"key": "written_by", "value": f"DR Planner {__version__}"},
        {"key": "name", "value": plan.name},
        {"key": "notes", "value": json.dumps(plan.notes, ensure_ascii=False)},
        {"key": "extra", "value": json.dumps(extra, ensure_ascii=False)},
        {"key": "fingerprint", "value": _fingerprint_of(records)},
    ]


def _item_rows(
    records: list[dict[str, Any]], columns: list[str], specs: list[FieldSpec]
) -> list[dict[str, Any]]:
    known = {spec.name for spec in specs}
    rows = []
    for ord_, record in enumerate(records):
        row: dict[str, Any] = {"ord": ord_}
        for column in columns:
            row[column] = record.get(column)
        extra = {k: v for k, v in record.items() if k not in known}
        row["extra"] = json.dumps(extra, ensure_ascii=False) if extra else None
        rows.append(row)
    return rows


def _child_rows(records: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {table: [] for table in _CHILD_COLUMNS}
    for parent, service in enumerate(records["services"]):
        active = [(s, 0) for s in service["servers"]]
        standby = [(s, 1) for s in service["standby_servers"]]
        for ord_, (server, is_standby) in enumerate(active + standby):
            rows["service_servers"].append(
                {"parent": parent, "ord": ord_, "server": server, "standby": is_standby}
            )
        for ord_, (pool, units) in enumerate(service["needs"].items()):
            rows["service_needs"].append(
                {"parent": parent, "ord": ord_, "pool": pool, "units": units}
            )
        for ord_, dep in enumerate(service["depends_on"]):
            rows["service_dependencies"].append({"parent": parent, "ord": ord_, "depends_on": dep})
        for ord_, step in enumerate(service.get("steps", [])):
            rows["service_steps"].append({"parent": parent, "ord": ord_, "step": step})
    for parent, scenario in enumerate(records["scenarios"]):
        for ord_, item in enumerate(scenario["failed"]):
            rows["scenario_failed"].append({"parent": parent, "ord": ord_, "item": item})
    return rows


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
            conn.execute("PRAGMA trusted_schema=OFF")
            conn.execute("PRAGMA query_only=ON")
            conn.execute("PRAGMA cell_size_check=ON")
            _check_file(path, conn, version)
            if version < SCHEMA_VERSION:
                # Upgraded in a copy in memory: opening never writes to the file.
                memory = stack.enter_context(closing(sqlite3.connect(":memory:")))
                memory.execute("PRAGMA trusted_schema=OFF")
                conn.backup(memory)
                upgrade_database(memory, version, SCHEMA_VERSION)
                conn = memory
            records, stored_fingerprint = _read_records(path, conn)
    except (sqlite3.Error, UnicodeError) as error:
        # UnicodeError: text that is not UTF-8 (damaged bytes in the schema or a row)
        raise DamagedPlanError(
            path, f"damaged plan file ({' '.join(str(error).split())})"
        ) from None
    try:
        plan, problems = decode_plan(records)
    except PlanFormatError as error:
        raise DamagedPlanError(path, f"damaged plan file ({error})") from None
    if version == SCHEMA_VERSION:
        expected = fingerprint(plan)
    else:
        expected = _fingerprint_of(saved_records(encode_plan(plan), version, SCHEMA_VERSION))
    if expected != stored_fingerprint:
        raise DamagedPlanError(
            path,
            "damaged plan file: its contents do not match the fingerprint saved with them "
            "(rows changed or removed outside DR Planner)",
        )
    return plan, problems


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


def _check_file(path: Path, conn: sqlite3.Connection, version: int) -> None:
    """The file is intact and is exactly a plan file of schema ``version``."""
    report = [row[0] for row in conn.execute("PRAGMA quick_check(20)").fetchall()]
    if report != ["ok"]:
        raise DamagedPlanError(path, _integrity_message(report))
    _check_schema(path, conn, SCHEMA if version == SCHEMA_VERSION else DRPLAN_SCHEMAS[version])
    query = "SELECT key, value FROM meta WHERE key IN ('format', 'schema_version')"
    rows = dict(conn.execute(query).fetchall())
    if rows != {"format": FORMAT_NAME, "schema_version": str(version)}:
        raise DamagedPlanError(path, "damaged plan file (its version row is missing or wrong)")


def _read_records(path: Path, conn: sqlite3.Connection) -> tuple[dict[str, Any], str]:
    db = sqlite_utils.Database(conn, execute_plugins=False, recursive_triggers=False)
    meta = {row["key"]: row["value"] for row in db["meta"].rows}
    for key in ("name", "notes", "extra", "fingerprint"):
        if key not in meta:
            raise DamagedPlanError(path, f"damaged plan file (meta row '{key}' is missing)")
    try:
        notes = strict_loads(meta["notes"])
        extra = strict_loads(meta["extra"])
    except (TypeError, ValueError, RecursionError):
        raise DamagedPlanError(path, "damaged plan file (meta rows are not valid JSON)") from None
    records: dict[str, Any] = {"format": FORMAT_NAME, "version": FORMAT_VERSION}
    records["name"] = meta["name"]
    for table, columns in _ITEM_COLUMNS.items():
        records[table] = _read_items(path, db, table, [c for c, _ in columns])
    _attach_children(path, db, records)
    if notes is not None:
        records["notes"] = notes
    if isinstance(extra, dict):
        records.update({k: v for k, v in extra.items() if k not in PLAN_KEYS})
    return records, str(meta["fingerprint"])


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


def _read_items(
    path: Path, db: sqlite_utils.Database, table: str, columns: list[str]
) -> list[dict[str, Any]]:
    items = []
    for expected, row in enumerate(db[table].rows_where(order_by="ord")):
        if row["ord"] != expected:
            raise DamagedPlanError(path, f"damaged plan file (a row of '{table}' is missing)")
        record = {c: row[c] for c in columns if row[c] is not None}
        if row["extra"] is not None:
            try:
                extra = strict_loads(row["extra"])
            except (TypeError, ValueError, RecursionError):
                raise DamagedPlanError(
                    path, f"damaged plan file ('{table}' row {expected + 1} has bad extra fields)"
                ) from None
            if isinstance(extra, dict):
                for key, value in extra.items():
                    record.setdefault(key, value)
        items.append(record)
    return items


def _attach_children(path: Path, db: sqlite_utils.Database, records: dict[str, Any]) -> None:
    services, scenarios = records["services"], records["scenarios"]
    for service in services:
        service.update(servers=[], standby_servers=[], needs={}, depends_on=[])
    children: dict[str, dict[int, list[dict[str, Any]]]] = {}
    for table, (parent_table, _) in _CHILD_COLUMNS.items():
        grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
        count = len(records[parent_table])
        for row in db[table].rows_where(order_by="parent, ord"):
            parent = row["parent"]
            if not isinstance(parent, int) or not 0 <= parent < count:
                raise DamagedPlanError(path, f"damaged plan file ('{table}' names a missing item)")
            grouped[parent].append(row)
        children[table] = grouped
    for parent, rows in children["service_servers"].items():
        for row in rows:
            key = "standby_servers" if row["standby"] else "servers"
            services[parent][key].append(row["server"])
    for parent, rows in children["service_needs"].items():
        services[parent]["needs"] = {row["pool"]: row["units"] for row in rows}
    for parent, rows in children["service_dependencies"].items():
        services[parent]["depends_on"] = [row["depends_on"] for row in rows]
    for parent, rows in children["service_steps"].items():
        services[parent]["steps"] = [row["step"] for row in rows]
    for scenario in scenarios:
        scenario["failed"] = []
    for parent, rows in children["scenario_failed"].items():
        scenarios[parent]["failed"] = [row["item"] for row in rows]
