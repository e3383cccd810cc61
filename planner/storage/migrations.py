"""Versions of the two plan formats and the steps that upgrade an older file in memory.

Each format has its own version: the JSON interchange format its ``"version"`` field
(``records.FORMAT_VERSION``), the ``.drplan`` its ``PRAGMA user_version``
(``drplan_format.SCHEMA_VERSION``). A reader accepts every version from 1 up to its own,
upgrades an older one step by step before reading it, and refuses a newer one with one
line naming both versions (:func:`newer_message`). Saving always writes the current
version. A step is keyed by the version it upgrades *from* and brings the data to the
next version; nothing is ever written back to the file that was opened.

Adding version N + 1 of a format (see docs/plan-format.md, "Versions and migrations"):

1. change the fields or the tables, and bump the version;
2. add the step from N: ``JSON_MIGRATIONS[N]`` and/or ``DRPLAN_MIGRATIONS[N]`` (whose
   ``saved`` says how version N saved a plan, when the step changes that);
3. run ``tests/data/write_fixtures.py`` to commit the version N + 1 files beside the
   version N ones, which stay: they are what the new step is tested on.

``tests/test_migrations.py`` fails until each of these is done, and says what is missing.

This module is a leaf (standard library only), so that the codec and both readers can
use it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Records = dict[str, Any]


def newer_message(what: str, found: int, known: int) -> str:
    """The one line that refuses a file of a newer version, naming both versions."""
    return (
        f"written by a newer DR Planner ({what} version {found}; this program reads up to "
        f"version {known}); please upgrade DR Planner"
    )


# ---------------------------------------------------------------- JSON

# Version N -> a function from records of version N to records of version N + 1. A step
# sees untrusted data, not yet type-checked: it must not assume a field's type (what it
# does not understand it leaves for the decoder to report) and may change the records in
# place. The runner sets "version"; the step need not.

# The fields format v2 added (failure domains and time), by where they live. A v1 file
# cannot hold them as DR Planner's: a key of that name in it is another tool's unknown
# field, which v1 kept as it was; read as v2 it would change meaning (or be refused).
V2_PLAN_KEYS = ("domains",)
V2_ITEM_KEYS = {
    "racks": ("domains",),
    "servers": ("domains",),
    "services": ("failover_needs", "automatic_failover", "restart_minutes", "restart_needs"),
    "scenarios": ("returns", "declared_after_minutes"),
}
V1_KEPT_PREFIX = "x-v1-"

# The fields format v3 added (data copies, RPO, failover tests), as V2_ITEM_KEYS for v2.
V3_PLAN_KEYS = ("failover_test_max_age_days",)
V3_ITEM_KEYS = {
    "services": ("rpo_minutes", "data", "failover_tested_on"),
    "scenarios": ("untested_failovers_fail", "as_of"),
}
V2_KEPT_PREFIX = "x-v2-"

# The field format v4 added (recovery tooling), as V2_ITEM_KEYS for v2.
V4_PLAN_KEYS: tuple[str, ...] = ()
V4_ITEM_KEYS = {"services": ("recovery_tooling",)}
V3_KEPT_PREFIX = "x-v3-"


def _moved_aside(record: Records, keys: tuple[str, ...], prefix: str = V1_KEPT_PREFIX) -> bool:
    """Rename each of ``keys`` in ``record`` to ``<prefix><key>`` (``x-v1-<key>``: still
    an unknown field, kept and written back), unless that name is taken too; keys keep
    their order. True if something was renamed."""
    moving = {k for k in keys if k in record and prefix + k not in record}
    return _rename(record, {k: prefix + k for k in moving})


def _moved_back(record: Records, keys: tuple[str, ...], prefix: str = V1_KEPT_PREFIX) -> None:
    """The inverse of :func:`_moved_aside`, for the records an older version saved."""
    back = {prefix + k: k for k in keys if prefix + k in record}
    _rename(record, {old: new for old, new in back.items() if new not in record})


def _rename(record: Records, names: Mapping[str, str]) -> bool:
    if not names:
        return False
    items = list(record.items())
    record.clear()
    record.update((names.get(key, key), value) for key, value in items)
    return True


def _failure_domains_and_time(data: Records) -> Records:
    """Format 1 to 2: nothing to fill in (a v1 plan means what it always did: no
    domains, failed items never return, the disaster is declared at once, no automatic
    failover, no restart in place, every mode needs what ``needs`` says); keys that v2
    gives a meaning are moved aside as ``x-v1-<key>`` (see V2_ITEM_KEYS)."""
    _moved_aside(data, V2_PLAN_KEYS)
    for list_name, keys in V2_ITEM_KEYS.items():
        items = data.get(list_name)
        if isinstance(items, list):
            for item in items:
                if isinstance(item, dict):
                    _moved_aside(item, keys)
    return data


def _moved_aside_in(
    data: Records, plan_keys: tuple[str, ...], item_keys: Mapping[str, tuple[str, ...]], prefix: str
) -> None:
    _moved_aside(data, plan_keys, prefix)
    for list_name, keys in item_keys.items():
        items = data.get(list_name)
        if isinstance(items, list):
            for item in items:
                if isinstance(item, dict):
                    _moved_aside(item, keys, prefix)


def _data_and_failover_tests(data: Records) -> Records:
    """Format 2 to 3: nothing to fill in (a v2 plan means what it always did: no data
    copies, no RPO, failovers never tested, the default test age, untested failovers
    still available, scenarios dated the day they are computed); keys that v3 gives a
    meaning are moved aside as ``x-v2-<key>`` (see V3_ITEM_KEYS)."""
    _moved_aside_in(data, V3_PLAN_KEYS, V3_ITEM_KEYS, V2_KEPT_PREFIX)
    return data


def _recovery_tooling(data: Records) -> Records:
    """Format 3 to 4: nothing to fill in (a v3 plan means what it always did: no service
    is recovery tooling); a service key ``recovery_tooling`` is another tool's, moved
    aside as ``x-v3-recovery_tooling`` (see V4_ITEM_KEYS)."""
    _moved_aside_in(data, V4_PLAN_KEYS, V4_ITEM_KEYS, V3_KEPT_PREFIX)
    return data


JSON_MIGRATIONS: dict[int, Callable[[Records], Records]] = {
    1: _failure_domains_and_time,
    2: _data_and_failover_tests,
    3: _recovery_tooling,
}


def upgrade_records(data: Records, version: int, current: int) -> Records:
    """``data``, records of format ``version``, upgraded to format ``current``."""
    for source in range(version, current):
        data = JSON_MIGRATIONS[source](data)
        data["version"] = source + 1
    return data


# ---------------------------------------------------------------- .drplan


def _same(records: Records) -> Records:
    return records


@dataclass(frozen=True)
class DrplanStep:
    """How a ``.drplan`` of one schema version becomes one of the next version."""

    tables: Callable[[sqlite3.Connection], None]
    """Changes the tables of an in-memory copy of the file (``ALTER TABLE``,
    ``CREATE TABLE``, ``UPDATE``...) into those of the next version. The copy's schema is
    exactly that of its version (checked before), with no triggers or views."""

    saved: Callable[[Records], Records] = _same
    """The canonical records the older version saved, from those the newer version saves
    of the same plan. Needed only to check the fingerprint of a schema version 1 file,
    which is of the plan's canonical JSON as version 1 saved it: from version 2 on the
    fingerprint is of the rows as stored and is checked before any step runs. So a step
    says what it changed in the canonical JSON (a new contract field, a JSON version
    bump); the default, the same records, is right for a step that adds only optional
    fields (not written when unset) and keeps the JSON format version."""


def _fingerprint_of_rows(conn: sqlite3.Connection) -> None:
    """Version 1 to 2: the tables are the same; only the fingerprint's definition
    changed (of the rows as stored instead of the plan's canonical JSON), and the
    reader checks a version 1 file's fingerprint as version 1 defined it."""


# The exact schema each released version writes, frozen here because the code that
# wrote it moves on: a file of an older version must match its version's schema before
# it is upgraded, as strictly as a current one matches the current schema. Every
# version below the current one must be here; the current one may be, and then must
# equal drplan_format.SCHEMA (a test checks both).
DRPLAN_SCHEMAS: dict[int, Mapping[str, str]] = {
    1: {
        "meta": "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)",
        "sites": (
            "CREATE TABLE sites (ord INTEGER PRIMARY KEY, id TEXT, name TEXT, x NUMERIC, "
            "y NUMERIC, width NUMERIC, height NUMERIC, color TEXT, notes TEXT, extra TEXT)"
        ),
        "racks": (
            "CREATE TABLE racks (ord INTEGER PRIMARY KEY, id TEXT, site TEXT, name TEXT, "
            "units INTEGER, x NUMERIC, y NUMERIC, notes TEXT, extra TEXT)"
        ),
        "servers": (
            "CREATE TABLE servers (ord INTEGER PRIMARY KEY, id TEXT, rack TEXT, name TEXT, "
            "position INTEGER, height INTEGER, notes TEXT, extra TEXT)"
        ),
        "pools": (
            "CREATE TABLE pools (ord INTEGER PRIMARY KEY, id TEXT, name TEXT, "
            "capacity INTEGER, notes TEXT, extra TEXT)"
        ),
        "services": (
            "CREATE TABLE services (ord INTEGER PRIMARY KEY, id TEXT, name TEXT, "
            "tier INTEGER, rto_minutes NUMERIC, restore_minutes NUMERIC, "
            "failover_minutes NUMERIC, min_instances INTEGER, owner TEXT, team TEXT, "
            "notes TEXT, color TEXT, x NUMERIC, y NUMERIC, extra TEXT)"
        ),
        "scenarios": (
            "CREATE TABLE scenarios (ord INTEGER PRIMARY KEY, id TEXT, name TEXT, "
            "notes TEXT, extra TEXT)"
        ),
        "service_servers": (
            "CREATE TABLE service_servers (parent INTEGER NOT NULL REFERENCES "
            "services(ord), ord INTEGER NOT NULL, server TEXT, standby INTEGER, "
            "PRIMARY KEY (parent, ord))"
        ),
        "service_needs": (
            "CREATE TABLE service_needs (parent INTEGER NOT NULL REFERENCES "
            "services(ord), ord INTEGER NOT NULL, pool TEXT, units INTEGER, "
            "PRIMARY KEY (parent, ord))"
        ),
        "service_dependencies": (
            "CREATE TABLE service_dependencies (parent INTEGER NOT NULL REFERENCES "
            "services(ord), ord INTEGER NOT NULL, depends_on TEXT, PRIMARY KEY (parent, ord))"
        ),
        "service_steps": (
            "CREATE TABLE service_steps (parent INTEGER NOT NULL REFERENCES "
            "services(ord), ord INTEGER NOT NULL, step TEXT, PRIMARY KEY (parent, ord))"
        ),
        "scenario_failed": (
            "CREATE TABLE scenario_failed (parent INTEGER NOT NULL REFERENCES "
            "scenarios(ord), ord INTEGER NOT NULL, item TEXT, PRIMARY KEY (parent, ord))"
        ),
    },
}
DRPLAN_SCHEMAS[2] = DRPLAN_SCHEMAS[1]  # version 2 changed the fingerprint, not the tables
DRPLAN_SCHEMAS[3] = {
    "meta": DRPLAN_SCHEMAS[2]["meta"],
    "sites": DRPLAN_SCHEMAS[2]["sites"],
    "domains": (
        "CREATE TABLE domains (ord INTEGER PRIMARY KEY, id TEXT, name TEXT, kind TEXT, "
        "site TEXT, notes TEXT, extra TEXT)"
    ),
    "racks": DRPLAN_SCHEMAS[2]["racks"],
    "servers": DRPLAN_SCHEMAS[2]["servers"],
    "pools": DRPLAN_SCHEMAS[2]["pools"],
    "services": (
        "CREATE TABLE services (ord INTEGER PRIMARY KEY, id TEXT, name TEXT, tier "
        "INTEGER, rto_minutes NUMERIC, restore_minutes NUMERIC, failover_minutes "
        "NUMERIC, automatic_failover INTEGER, restart_minutes NUMERIC, min_instances "
        "INTEGER, owner TEXT, team TEXT, notes TEXT, color TEXT, x NUMERIC, y NUMERIC, "
        "extra TEXT)"
    ),
    "scenarios": (
        "CREATE TABLE scenarios (ord INTEGER PRIMARY KEY, id TEXT, name TEXT, "
        "declared_after_minutes NUMERIC, notes TEXT, extra TEXT)"
    ),
    "rack_domains": (
        "CREATE TABLE rack_domains (parent INTEGER NOT NULL REFERENCES racks(ord), ord "
        "INTEGER NOT NULL, domain TEXT, PRIMARY KEY (parent, ord))"
    ),
    "server_domains": (
        "CREATE TABLE server_domains (parent INTEGER NOT NULL REFERENCES servers(ord), "
        "ord INTEGER NOT NULL, domain TEXT, PRIMARY KEY (parent, ord))"
    ),
    "service_failover_needs": (
        "CREATE TABLE service_failover_needs (parent INTEGER NOT NULL REFERENCES "
        "services(ord), ord INTEGER NOT NULL, pool TEXT, units INTEGER, PRIMARY KEY "
        "(parent, ord))"
    ),
    "service_restart_needs": (
        "CREATE TABLE service_restart_needs (parent INTEGER NOT NULL REFERENCES "
        "services(ord), ord INTEGER NOT NULL, pool TEXT, units INTEGER, PRIMARY KEY "
        "(parent, ord))"
    ),
    "service_servers": DRPLAN_SCHEMAS[2]["service_servers"],
    "service_needs": DRPLAN_SCHEMAS[2]["service_needs"],
    "service_dependencies": DRPLAN_SCHEMAS[2]["service_dependencies"],
    "service_steps": DRPLAN_SCHEMAS[2]["service_steps"],
    "scenario_failed": DRPLAN_SCHEMAS[2]["scenario_failed"],
    "scenario_returns": (
        "CREATE TABLE scenario_returns (parent INTEGER NOT NULL REFERENCES "
        "scenarios(ord), ord INTEGER NOT NULL, item TEXT, minutes NUMERIC, PRIMARY KEY "
        "(parent, ord))"
    ),
}

# New columns of version 3 with a default that is not null (a null would send the
# whole table through the field-by-field decoder).
_V3_DEFAULTS = {
    ("services", "automatic_failover"): "0",
    ("scenarios", "declared_after_minutes"): "0",
}


def _domains_and_time_tables(conn: sqlite3.Connection) -> None:
    """Version 2 to 3: failure domains and time. New tables are created; a table that
    gained columns is rebuilt (columns keep the order of the current schema, which
    ``SELECT *`` reads), its new columns null or the field's default. Unknown fields of
    the new names are moved aside as in ``JSON_MIGRATIONS[1]``."""
    _move_aside_extras(conn, V2_PLAN_KEYS, V2_ITEM_KEYS, V1_KEPT_PREFIX)
    _rebuilt(conn, DRPLAN_SCHEMAS[2], DRPLAN_SCHEMAS[3], _V3_DEFAULTS)


def _rebuilt(
    conn: sqlite3.Connection,
    old: Mapping[str, str],
    new: Mapping[str, str],
    defaults: Mapping[tuple[str, str], str],
) -> None:
    """The tables of ``old`` made those of ``new``: new tables created, a table that
    gained columns rebuilt with them (null, or the SQL value in ``defaults``)."""
    for table, sql in new.items():
        if table not in old:
            conn.execute(sql)
        elif old[table] != sql:
            had = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
            conn.execute(sql.replace(f"CREATE TABLE {table} ", f"CREATE TABLE {table}_new ", 1))
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table}_new)")]
            values = [c if c in had else defaults.get((table, c), "NULL") for c in columns]
            conn.execute(
                f"INSERT INTO {table}_new ({', '.join(columns)}) "
                f"SELECT {', '.join(values)} FROM {table} ORDER BY ord"
            )
            conn.execute(f"DROP TABLE {table}")
            conn.execute(f"ALTER TABLE {table}_new RENAME TO {table}")


def _move_aside_extras(
    conn: sqlite3.Connection,
    plan_keys: tuple[str, ...],
    item_keys: Mapping[str, tuple[str, ...]],
    prefix: str,
) -> None:
    """The unknown fields (``extra`` JSON) of the plan and its items whose names the new
    format gives a meaning: renamed ``<prefix><name>``. JSON that does not parse is left
    for the reader to refuse."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'extra'").fetchone()
    if row is not None:
        changed = _moved_aside_json(row[0], plan_keys, prefix)
        if changed is not None:
            conn.execute("UPDATE meta SET value = ? WHERE key = 'extra'", (changed,))
    for table, keys in item_keys.items():
        rows = conn.execute(f"SELECT ord, extra FROM {table} WHERE extra IS NOT NULL")
        for ord_, extra in rows.fetchall():
            changed = _moved_aside_json(extra, keys, prefix)
            if changed is not None:
                conn.execute(f"UPDATE {table} SET extra = ? WHERE ord = ?", (changed, ord_))


def _moved_aside_json(text: object, keys: tuple[str, ...], prefix: str) -> str | None:
    try:
        record = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None
    if not isinstance(record, dict) or not _moved_aside(record, keys, prefix):
        return None
    return json.dumps(record, ensure_ascii=False)


def _as_version_2_saved(records: Records) -> Records:
    """The canonical JSON schema version 2 saved (format v1) from the one version 3 saves
    (format v2) of a plan a version 2 file can hold: the version, and no ``domains``
    list (every new field of an item is written only when set)."""
    saved = {key: value for key, value in records.items() if key != "domains" or value}
    if saved.get("version") == 2:  # anything else is not what version 3 saves: no match
        saved["version"] = 1
    _moved_back(saved, V2_PLAN_KEYS)
    for list_name, keys in V2_ITEM_KEYS.items():
        for item in saved.get(list_name, []):
            _moved_back(item, keys)
    return saved


# Version 4: data copies, RPO and failover tests (JSON format v3).
DRPLAN_SCHEMAS[4] = {
    "meta": DRPLAN_SCHEMAS[3]["meta"],
    "sites": DRPLAN_SCHEMAS[3]["sites"],
    "domains": DRPLAN_SCHEMAS[3]["domains"],
    "racks": DRPLAN_SCHEMAS[3]["racks"],
    "servers": DRPLAN_SCHEMAS[3]["servers"],
    "pools": DRPLAN_SCHEMAS[3]["pools"],
    "services": (
        "CREATE TABLE services (ord INTEGER PRIMARY KEY, id TEXT, name TEXT, tier INTEGER, "
        "rto_minutes NUMERIC, restore_minutes NUMERIC, failover_minutes NUMERIC, "
        "automatic_failover INTEGER, restart_minutes NUMERIC, rpo_minutes NUMERIC, "
        "failover_tested_on TEXT, min_instances INTEGER, owner TEXT, team TEXT, notes TEXT, "
        "color TEXT, x NUMERIC, y NUMERIC, extra TEXT)"
    ),
    "scenarios": (
        "CREATE TABLE scenarios (ord INTEGER PRIMARY KEY, id TEXT, name TEXT, "
        "declared_after_minutes NUMERIC, untested_failovers_fail INTEGER, as_of TEXT, notes "
        "TEXT, extra TEXT)"
    ),
    "rack_domains": DRPLAN_SCHEMAS[3]["rack_domains"],
    "server_domains": DRPLAN_SCHEMAS[3]["server_domains"],
    "service_failover_needs": DRPLAN_SCHEMAS[3]["service_failover_needs"],
    "service_restart_needs": DRPLAN_SCHEMAS[3]["service_restart_needs"],
    "service_data": (
        "CREATE TABLE service_data (parent INTEGER NOT NULL REFERENCES services(ord), ord "
        "INTEGER NOT NULL, id TEXT, lag_minutes NUMERIC, kind TEXT, notes TEXT, extra TEXT, "
        "PRIMARY KEY (parent, ord))"
    ),
    "service_data_on": (
        "CREATE TABLE service_data_on (parent INTEGER NOT NULL REFERENCES services(ord), ord "
        "INTEGER NOT NULL, copy INTEGER, item TEXT, PRIMARY KEY (parent, ord))"
    ),
    "service_servers": DRPLAN_SCHEMAS[3]["service_servers"],
    "service_needs": DRPLAN_SCHEMAS[3]["service_needs"],
    "service_dependencies": DRPLAN_SCHEMAS[3]["service_dependencies"],
    "service_steps": DRPLAN_SCHEMAS[3]["service_steps"],
    "scenario_failed": DRPLAN_SCHEMAS[3]["scenario_failed"],
    "scenario_returns": DRPLAN_SCHEMAS[3]["scenario_returns"],
}
# New columns of version 4 with a default that is not null (as _V3_DEFAULTS).
_V4_DEFAULTS = {("scenarios", "untested_failovers_fail"): "0"}
# The plan's own fields of version 4, rows of `meta` (their JSON value): the default.
_V4_META = {"failover_test_max_age_days": "365"}


def _data_and_failover_test_tables(conn: sqlite3.Connection) -> None:
    """Version 3 to 4: data copies, RPO and failover tests. The tables of the copies are
    created, services and scenarios rebuilt with their new columns (null, or false for
    ``untested_failovers_fail``), the plan's test age added to ``meta`` at its default.
    Unknown fields of the new names are moved aside as in ``JSON_MIGRATIONS[2]``."""
    _move_aside_extras(conn, V3_PLAN_KEYS, V3_ITEM_KEYS, V2_KEPT_PREFIX)
    _rebuilt(conn, DRPLAN_SCHEMAS[3], DRPLAN_SCHEMAS[4], _V4_DEFAULTS)
    conn.executemany("INSERT INTO meta VALUES (?, ?)", _V4_META.items())


def _as_version_3_saved(records: Records) -> Records:
    """The canonical JSON schema version 3 saved (format v2) from the one version 4 saves
    (format v3) of a plan a version 3 file can hold: the version (every new field is
    written only when set), and the keys moved aside moved back."""
    saved = dict(records)
    if saved.get("version") == 3:  # anything else is not what version 4 saves: no match
        saved["version"] = 2
    _moved_back(saved, V3_PLAN_KEYS, V2_KEPT_PREFIX)
    for list_name, keys in V3_ITEM_KEYS.items():
        for item in saved.get(list_name, []):
            _moved_back(item, keys, V2_KEPT_PREFIX)
    return saved


# Version 5: recovery tooling (JSON format v4).
DRPLAN_SCHEMAS[5] = {
    **DRPLAN_SCHEMAS[4],
    "services": (
        "CREATE TABLE services (ord INTEGER PRIMARY KEY, id TEXT, name TEXT, tier INTEGER, "
        "rto_minutes NUMERIC, restore_minutes NUMERIC, failover_minutes NUMERIC, "
        "automatic_failover INTEGER, restart_minutes NUMERIC, rpo_minutes NUMERIC, "
        "failover_tested_on TEXT, recovery_tooling INTEGER, min_instances INTEGER, owner "
        "TEXT, team TEXT, notes TEXT, color TEXT, x NUMERIC, y NUMERIC, extra TEXT)"
    ),
}
_V5_DEFAULTS = {("services", "recovery_tooling"): "0"}


def _recovery_tooling_column(conn: sqlite3.Connection) -> None:
    """Version 4 to 5: recovery tooling. ``services`` is rebuilt with the column
    ``recovery_tooling`` (0: no service is tooling); an unknown field of that name is
    moved aside as in ``JSON_MIGRATIONS[3]``."""
    _move_aside_extras(conn, V4_PLAN_KEYS, V4_ITEM_KEYS, V3_KEPT_PREFIX)
    _rebuilt(conn, DRPLAN_SCHEMAS[4], DRPLAN_SCHEMAS[5], _V5_DEFAULTS)


def _as_version_4_saved(records: Records) -> Records:
    """The canonical JSON schema version 4 saved (format v3) from the one version 5 saves
    (format v4), as :func:`_as_version_3_saved`."""
    saved = dict(records)
    if saved.get("version") == 4:
        saved["version"] = 3
    for list_name, keys in V4_ITEM_KEYS.items():
        for item in saved.get(list_name, []):
            _moved_back(item, keys, V3_KEPT_PREFIX)
    return saved


# Version N -> the step from N to N + 1.
DRPLAN_MIGRATIONS: dict[int, DrplanStep] = {
    1: DrplanStep(tables=_fingerprint_of_rows),
    2: DrplanStep(tables=_domains_and_time_tables, saved=_as_version_2_saved),
    3: DrplanStep(tables=_data_and_failover_test_tables, saved=_as_version_3_saved),
    4: DrplanStep(tables=_recovery_tooling_column, saved=_as_version_4_saved),
}


def upgrade_database(conn: sqlite3.Connection, version: int, current: int) -> None:
    """Upgrade the tables of ``conn`` (a writable copy) from ``version`` to ``current``,
    the ``meta`` row ``schema_version`` with them."""
    for source in range(version, current):
        with conn:
            DRPLAN_MIGRATIONS[source].tables(conn)
            conn.execute(
                "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(source + 1),)
            )


def saved_records(records: Records, version: int, current: int) -> Records:
    """The canonical records of format ``current`` as schema ``version`` saved them: what
    the fingerprint of a file of that version was computed from."""
    for source in reversed(range(version, current)):
        records = DRPLAN_MIGRATIONS[source].saved(records)
    return records
