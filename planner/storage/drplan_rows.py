"""The rows of a ``.drplan``: fetched once, fingerprinted as stored, turned into a plan.

Reading a plan is fetching its rows and building objects from them; everything else
here is kept to what that costs. The fingerprint is of the rows exactly as SQLite gives
them back (:func:`rows_fingerprint`), not of a re-encoding of the plan. Building the
plan checks each column of a table at once (types and bounds, in C loops over the
column); a table whose every value is what the decoder would accept unchanged becomes
objects directly, and any other table, or any row with unknown fields, goes through the
field-by-field decoder of :mod:`planner.storage.records`, which reports each problem.
Both routes give the same plan and the same problems (``tests/test_plan_files.py``
compares them on damaged rows).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from planner.model import fields
from planner.model.plan import MAX_COORDINATE, MAX_COUNT, MAX_MINUTES, DataCopy, Plan
from planner.model.problems import Problem
from planner.storage.errors import DamagedPlanError
from planner.storage.json_format import strict_loads
from planner.storage.records import (
    COPY_FIELDS,
    FORMAT_NAME,
    FORMAT_VERSION,
    KIND_OF_LIST,
    PLAN_FIELDS,
    PLAN_KEYS,
    SPECS,
    FieldSpec,
    decode_item,
    decode_plan,
    nested_too_deep,
)

Row = tuple[Any, ...]
Tables = dict[str, list[Row]]

FINGERPRINT_KEY = "fingerprint"
DATA_TABLE = "service_data"  # a service's data copies (the field registry's child table)
DATA_ON_TABLE = "service_data_on"  # their locations (drplan_format.DATA_ON_TABLE)


# ---------------------------------------------------------------- fetching


def _order_of(table: str, sql: str) -> str:
    """The primary key of a table of any schema version, in which its rows are read."""
    if table == "meta":
        return "key"
    return "parent, ord" if "parent INTEGER" in sql else "ord"


def fetch_tables(conn: Any, schema: Mapping[str, str]) -> Tables:
    """Every row of every table of ``schema``, each table in primary-key order, each row
    with its columns in table order (``SELECT *``)."""
    # Table names come from the frozen schema, never from the file.
    return {
        table: conn.execute(f"SELECT * FROM {table} ORDER BY {_order_of(table, sql)}").fetchall()
        for table, sql in schema.items()
    }


# ---------------------------------------------------------------- the fingerprint


def rows_fingerprint(tables: Mapping[str, Sequence[Row]]) -> str:
    """SHA-256 of the rows as stored (docs/plan-format.md, "The fingerprint").

    For each table in schema order: the compact JSON array ``[table, rows]``, each row
    an array of its values (null, integer, real as Python's shortest repr, text), UTF-8,
    then a newline; the ``meta`` row holding the fingerprint itself is left out. Raises
    ValueError or TypeError for a value JSON cannot hold (Infinity, a blob): no file
    DR Planner wrote holds one.
    """
    digest = hashlib.sha256()
    for table, rows in tables.items():
        if table == "meta":
            rows = [row for row in rows if row[0] != FINGERPRINT_KEY]
        text = json.dumps(
            [table, rows],
            ensure_ascii=False,
            separators=(",", ":"),
            allow_nan=False,
            check_circular=False,  # flat rows: the C encoder need not track them
        )
        digest.update(text.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def stored_fingerprint(tables: Mapping[str, Sequence[Row]]) -> str | None:
    return next((str(v) for k, v in tables["meta"] if k == FINGERPRINT_KEY), None)


# ---------------------------------------------------------------- column checks
# Each says: every value of this column is one the field's decoder returns unchanged
# (so the object may take it as it is). A None is "not set": the decoder gives the
# field's default, which only an optional field with default None may skip.

_NONE = type(None)


def _ids_ok(values: Sequence[Any], types: set[type]) -> bool:
    # as_id: a str with something besides white space (str.strip's white space).
    return types <= {str} and all(values) and not any(map(str.isspace, values))


def _bounded(values: Sequence[Any], types: set[type], bound: int, floats: bool) -> bool:
    numbers = (int, float) if floats else (int,)
    if not types <= {*numbers, _NONE}:
        return False
    present = [v for v in values if v is not None] if _NONE in types else values
    if not present:
        return True
    if not (-bound <= min(present) and max(present) <= bound):
        return False
    if float in types:
        # as_number turns an integral float into an int; SQLite's NUMERIC columns do
        # too, but check rather than rely on it. (Infinity is outside every bound.)
        return not any(v.is_integer() for v in present if type(v) is float)
    return True


def _optional_ids_ok(values: Sequence[Any], types: set[type]) -> bool:
    if _NONE not in types:
        return _ids_ok(values, types)
    present = [v for v in values if v is not None]
    return _ids_ok(present, types - {_NONE})


def _dates_ok(values: Sequence[Any], types: set[type]) -> bool:
    # as_optional_date: None or "YYYY-MM-DD" of a real day.
    if not types <= {str, _NONE}:
        return False
    try:
        for value in values:
            if value is not None:
                fields.parse_iso_date(value)
    except ValueError:
        return False
    return True


def _as_dates(values: Sequence[Any]) -> tuple[date | None, ...]:
    return tuple(None if v is None else date.fromisoformat(v) for v in values)


def _bools_ok(values: Sequence[Any], types: set[type]) -> bool:
    # Stored as 0 or 1 (INTEGER); read back as False or True (see _items).
    return types <= {int} and set(values) <= {0, 1}


_CHECKS: dict[str, Callable[[Sequence[Any], set[type]], bool]] = {
    "id": _ids_ok,
    "optional_id": _optional_ids_ok,
    "bool": _bools_ok,
    "text": lambda values, types: types <= {str},
    "optional_text": lambda values, types: types <= {str, _NONE},
    "count": lambda values, types: _bounded(values, types, MAX_COUNT, floats=False),
    "minutes": lambda values, types: _bounded(values, types, MAX_MINUTES, floats=True),
    "optional_minutes": lambda values, types: _bounded(values, types, MAX_MINUTES, floats=True),
    "coordinate": lambda values, types: _bounded(values, types, MAX_COORDINATE, floats=True),
    "id_list": _ids_ok,
    "text_list": lambda values, types: types <= {str},
    "optional_date": _dates_ok,
}


def _column_ok(spec: FieldSpec, type_name: str, values: Sequence[Any]) -> bool:
    types = set(map(type, values))
    default = None if spec.default is None else spec.default()
    if _NONE in types and (spec.required or default is not None):
        return False
    return _CHECKS[type_name](values, types)


# ---------------------------------------------------------------- building the plan

_ITEM_LAYOUTS = {layout.table: layout for layout in map(fields.drplan_columns, fields.LIST_OF_KIND)}
_TYPE_OF = {
    (fields.LIST_OF_KIND[f.kind], f.name): f.type.name
    for f in fields.FIELDS
    if f.kind in fields.LIST_OF_KIND
}


def _columns_of_type(type_name: str) -> dict[str, list[str]]:
    return {
        table: [name for (t, name), found in _TYPE_OF.items() if t == table and found == type_name]
        for table in fields.LIST_OF_KIND.values()
    }


# The boolean columns of each table: SQLite gives them back as 0 and 1.
_BOOLS = _columns_of_type("bool")
# The date columns: ISO text in the file.
_DATES = _columns_of_type("optional_date")
_MODE_NEEDS = ("failover_needs", "restart_needs")


class PlanRows:
    """The tables of a ``.drplan`` as a plan: the structural checks of the rows (which
    raise :class:`DamagedPlanError`) and the plan with the problems of its items."""

    def __init__(self, path: Path, tables: Tables, columns: Mapping[str, list[str]]) -> None:
        """``columns``: the column names of each item table (without ``ord`` and
        ``extra``), as the schema the tables were read with has them."""
        self.path, self.tables, self.columns = path, tables, columns
        self.meta = {str(k): v for k, v in tables["meta"]}

    def damaged(self, what: str) -> DamagedPlanError:
        return DamagedPlanError(self.path, f"damaged plan file ({what})")

    def plan(self) -> tuple[Plan, list[Problem]]:
        top = self._top_record()
        # Each item table as columns (ord, its fields, extra), taken apart once.
        columns = {
            table: list(zip(*self.tables[table], strict=True)) or [()] * (len(names) + 2)
            for table, names in self.columns.items()
        }
        extras = {table: self._extras(table, columns[table]) for table in self.columns}
        children = self._children()
        # The plan's own fields (name, notes, unknown fields) and their problems first,
        # then every item in list order, as records.decode_plan reports them.
        plan, problems = decode_plan(top)
        for table in self.columns:
            items = self._items(table, columns[table], extras[table], children, problems)
            setattr(plan, table, items)
        return plan, problems

    # -- structure

    def _top_record(self) -> dict[str, Any]:
        meta = self.meta
        own = [spec.name for spec in PLAN_FIELDS]
        for key in ("name", "notes", "extra", *own, FINGERPRINT_KEY):
            if key not in meta:
                raise self.damaged(f"meta row '{key}' is missing")
        try:
            notes = strict_loads(meta["notes"])
            extra = strict_loads(meta["extra"])
            values = {key: strict_loads(meta[key]) for key in own}
        except (TypeError, ValueError, RecursionError):
            raise self.damaged("meta rows are not valid JSON") from None
        top: dict[str, Any] = {"format": FORMAT_NAME, "version": FORMAT_VERSION}
        top["name"] = meta["name"]
        top.update(values)  # decoded (and any problem reported) by decode_plan
        if notes is not None:
            top["notes"] = notes
        if isinstance(extra, dict):
            top.update({k: v for k, v in extra.items() if k not in PLAN_KEYS})
        return top

    def _extras(self, table: str, columns: list[tuple[Any, ...]]) -> dict[int, Any]:
        """The unknown fields of each row that has some, by ``ord``; raises for a row
        missing before the last or for unknown fields that are not JSON, whichever row
        comes first."""
        ords, extra = columns[0], columns[-1]
        count = len(ords)
        # Read in `ord` order: a row missing before the last shows as a gap.
        gap = None
        if ords != tuple(range(count)):
            gap = next(i for i, found in enumerate(ords) if found != i)
        extras: dict[int, Any] = {}
        if extra.count(None) != count:
            for index in range(count if gap is None else gap):
                if extra[index] is None:
                    continue
                try:
                    extras[index] = strict_loads(extra[index])
                except (TypeError, ValueError, RecursionError):
                    raise self.damaged(f"'{table}' row {index + 1} has bad extra fields") from None
        if gap is not None:
            raise self.damaged(f"a row of '{table}' is missing")
        return extras

    def _children(self) -> dict[str, list[Row]]:
        found: dict[str, list[Row]] = {}
        for layout in _ITEM_LAYOUTS.values():
            count = len(self.tables[layout.table])
            for child in layout.children:
                rows = self.tables[child]
                parents = [row[0] for row in rows]
                if parents and not (
                    set(map(type, parents)) == {int} and min(parents) >= 0 and max(parents) < count
                ):
                    raise self.damaged(f"'{child}' names a missing item")
                found[child] = rows
        found[DATA_ON_TABLE] = self._copy_locations(found[DATA_TABLE])
        return found

    def _copy_locations(self, copies: list[Row]) -> list[Row]:
        """The rows of service_data_on, checked: each names a copy of its service."""
        rows = self.tables[DATA_ON_TABLE]
        if not rows:
            return rows
        per_service: dict[Any, int] = {}
        for parent, *_ in copies:
            per_service[parent] = per_service.get(parent, 0) + 1
        for parent, _, copy, _item in rows:
            if type(copy) is not int or not 0 <= copy < per_service.get(parent, 0):
                raise self.damaged(f"'{DATA_ON_TABLE}' names a missing copy")
        return rows

    def _copy_records(self, count: int, children: dict[str, list[Row]]) -> list[list[Any]]:
        """Each service's data copies as JSON-like objects (as the decoder takes them): the
        row's values that are set, its locations as "on", its unknown fields."""
        copies: list[list[Any]] = [[] for _ in range(count)]
        for parent, _, copy_id, lag, kind, notes, extra in children[DATA_TABLE]:
            record = {"id": copy_id, "on": [], "lag_minutes": lag, "kind": kind, "notes": notes}
            record = {k: v for k, v in record.items() if v is not None}
            if extra is not None:
                try:
                    unknown = strict_loads(extra)
                except (TypeError, ValueError, RecursionError):
                    raise self.damaged(f"'{DATA_TABLE}' has bad extra fields") from None
                if isinstance(unknown, dict):
                    for key, value in unknown.items():
                        record.setdefault(key, value)
            copies[parent].append(record)
        for parent, _, copy, item in children[DATA_ON_TABLE]:
            copies[parent][copy]["on"].append(item)
        return copies

    # -- items

    def _items(
        self,
        table: str,
        table_columns: list[tuple[Any, ...]],
        extras: dict[int, Any],
        children: dict[str, list[Row]],
        problems: list[Problem],
    ) -> list[Any]:
        rows = self.tables[table]
        count = len(rows)
        cls, specs = SPECS[table]
        names = self.columns[table]
        columns = dict(zip(names, table_columns[1:-1], strict=True))
        lists = _child_lists(table, count, children)
        if table == "services":
            lists["data"] = self._copy_records(count, children)
        if not self._fast(table, specs, columns, lists, children):
            records = [self._record(table, i, rows[i], extras, lists) for i in range(count)]
            return _decoded(table, records, range(count), problems)
        for name in _BOOLS[table]:
            if name in columns:
                columns[name] = tuple(map(bool, columns[name]))
        for name in _DATES[table]:
            if name in columns:
                columns[name] = _as_dates(columns[name])
        built = dict(lists)
        if "data" in built:
            # The copies as objects; `lists` keeps their records for the rows decoded below.
            built["data"] = [list(map(_copy, copies)) for copies in lists["data"]]
        empty: tuple[None, ...] = (None,) * count
        arguments = [
            built[f.name] if f.name in built else columns.get(f.name, empty)
            for f in dataclasses.fields(cls)
            if f.name != "extra"
        ]
        items = list(map(cls, *arguments))
        if extras:
            # Rows with unknown fields: the decoder keeps them (or reports them).
            records = [self._record(table, i, rows[i], extras, lists) for i in extras]
            decoded = _decoded(table, records, extras, problems)
            for index, item in zip(extras, decoded, strict=True):
                items[index] = item
        return items

    def _fast(
        self,
        table: str,
        specs: list[FieldSpec],
        columns: dict[str, tuple[Any, ...]],
        lists: dict[str, list[Any]],
        children: dict[str, list[Row]],
    ) -> bool:
        """Whether every value of ``table`` (and of its child tables) is one the decoder
        would take unchanged, so that its objects can be built directly."""
        by_name = {spec.name: spec for spec in specs}
        for name, values in columns.items():
            spec = by_name.get(name)
            if spec is None:
                # A column this program has no field for (a newer schema's): only
                # empty, or the decoder keeps its values as unknown fields.
                if any(v is not None for v in values):
                    return False
            elif not _column_ok(spec, _TYPE_OF[table, name], values):
                return False
        for child_name, child in _ITEM_LAYOUTS[table].children.items():
            rows = children[child_name]
            if not rows:
                continue
            if child_name == DATA_TABLE:
                if not _copies_ok(lists["data"]):
                    return False
                continue
            if child_name in _MODE_NEEDS_TABLES:
                if not _mode_needs_rows_ok(rows):
                    return False
                continue
            for offset, (column, _) in enumerate(child.columns, start=2):
                if not _child_column_ok(child_name, column, [row[offset] for row in rows]):
                    return False
        return True

    def _record(
        self,
        table: str,
        index: int,
        row: Row,
        extras: dict[int, Any],
        lists: dict[str, list[Any]],
    ) -> dict[str, Any]:
        """The row as JSON-like records, as the field-by-field decoder takes them."""
        record = {
            c: v for c, v in zip(self.columns[table], row[1:-1], strict=True) if v is not None
        }
        for name in _BOOLS[table]:
            if type(record.get(name)) is int and record[name] in (0, 1):
                record[name] = bool(record[name])  # stored as 0 or 1; anything else reported
        extra = extras.get(index)
        if isinstance(extra, dict):
            for key, value in extra.items():
                record.setdefault(key, value)
        if table == "services":
            # Child lists replace anything of the same name; steps only when present.
            record.update(
                servers=lists["servers"][index],
                standby_servers=lists["standby_servers"][index],
                needs=lists["needs"][index],
                depends_on=lists["depends_on"][index],
            )
            if lists["steps"][index]:
                record["steps"] = lists["steps"][index]
            if lists["data"][index]:
                record["data"] = lists["data"][index]
            for name in _MODE_NEEDS:
                if lists[name][index] is not None:
                    record[name] = lists[name][index]
        elif table == "scenarios":
            record["failed"] = lists["failed"][index]
            record["returns"] = lists["returns"][index]
        elif table in ("racks", "servers"):
            record["domains"] = lists["domains"][index]
        return record


_MODE_NEEDS_TABLES = {f"service_{name}" for name in _MODE_NEEDS}


def _mode_needs_rows_ok(rows: list[Row]) -> bool:
    """Rows of a failover's or restart's needs: (pool id, units), or the one row (null,
    null) of "no pool" (drplan_format.NO_POOL_ROW)."""
    pools = [row[2] for row in rows if row[2] is not None]
    units = [row[3] for row in rows if row[3] is not None]
    if len(pools) != len(units) or any((row[2] is None) != (row[3] is None) for row in rows):
        return False
    unit_types = set(map(type, units))
    return _ids_ok(pools, set(map(type, pools))) and (
        not units or _bounded(units, unit_types, MAX_COUNT, floats=False)
    )


def _copies_ok(per_service: list[list[dict[str, Any]]]) -> bool:
    """Whether the decoder would take every copy record unchanged (as :func:`_copy`
    builds it): an id, a lag within the bounds of minutes (an int, or a float that is not
    integral), a kind and notes of text, locations that are ids, unknown fields nested
    no deeper than the reader allows. Whether a kind is a copy kind is validation's
    question, not the reader's."""
    for copies in per_service:
        for record in copies:
            copy_id, lag = record.get("id"), record.get("lag_minutes", 0)
            if type(copy_id) is not str or not copy_id or copy_id.isspace():
                return False
            if type(lag) not in (int, float) or not -MAX_MINUTES <= lag <= MAX_MINUTES:
                return False
            if type(lag) is float and lag.is_integer():
                return False
            if type(record.get("kind", "")) is not str:
                return False
            if type(record.get("notes", "")) is not str:
                return False
            if any(type(item) is not str or not item or item.isspace() for item in record["on"]):
                return False
            if any(nested_too_deep(v) for k, v in record.items() if k not in COPY_FIELDS):
                return False
    return True


def _copy(record: dict[str, Any]) -> DataCopy:
    """A data copy from a record :func:`_copies_ok` accepted."""
    return DataCopy(
        record["id"],
        record["on"],
        record.get("lag_minutes", 0),
        record.get("kind", "primary"),
        record.get("notes"),
        {k: v for k, v in record.items() if k not in COPY_FIELDS},
    )


def _child_column_ok(child: str, column: str, values: list[Any]) -> bool:
    types = set(map(type, values))
    if child == "service_servers" and column == "standby":
        return True  # read as true or false, whatever it holds
    if child == "service_needs" and column == "units":
        return _bounded(values, types, MAX_COUNT, floats=False) and _NONE not in types
    if child == "service_steps":
        return types <= {str}
    if child == "scenario_returns" and column == "minutes":
        return _bounded(values, types, MAX_MINUTES, floats=True) and _NONE not in types
    return _ids_ok(values, types)


def _child_lists(table: str, count: int, children: dict[str, list[Row]]) -> dict[str, list[Any]]:
    """The list fields of the items of ``table``, one fresh list (or dict) per item."""
    if table == "services":
        servers: list[list[Any]] = [[] for _ in range(count)]
        standby: list[list[Any]] = [[] for _ in range(count)]
        for parent, _, server, is_standby in children["service_servers"]:
            (standby if is_standby else servers)[parent].append(server)
        needs: list[dict[Any, Any]] = [{} for _ in range(count)]
        for parent, _, pool, units in children["service_needs"]:
            needs[parent][pool] = units
        return {
            "servers": servers,
            "standby_servers": standby,
            "needs": needs,
            "depends_on": _grouped(count, children["service_dependencies"]),
            "steps": _grouped(count, children["service_steps"]),
            **{name: _mode_needs(count, children[f"service_{name}"]) for name in _MODE_NEEDS},
        }
    if table == "scenarios":
        returns: list[dict[Any, Any]] = [{} for _ in range(count)]
        for parent, _, item, minutes in children["scenario_returns"]:
            returns[parent][item] = minutes
        return {"failed": _grouped(count, children["scenario_failed"]), "returns": returns}
    if table in ("racks", "servers"):
        return {"domains": _grouped(count, children[f"{table[:-1]}_domains"])}
    return {}


def _mode_needs(count: int, rows: Iterable[Row]) -> list[dict[Any, Any] | None]:
    """A failover's or restart's needs per item: None without rows ("the same as
    needs"), {} for the row of "no pool", else pool -> units (a half-empty row goes
    to the decoder, which reports it)."""
    needs: list[dict[Any, Any] | None] = [None] * count
    for parent, _, pool, units in rows:
        found = needs[parent]
        if found is None:
            found = needs[parent] = {}
        if pool is not None or units is not None:
            found[pool] = units
    return needs


def _grouped(count: int, rows: Iterable[Row]) -> list[list[Any]]:
    grouped: list[list[Any]] = [[] for _ in range(count)]
    for parent, _, value in rows:
        grouped[parent].append(value)
    return grouped


def _decoded(
    table: str, records: list[dict[str, Any]], indexes: Iterable[int], problems: list[Problem]
) -> list[Any]:
    cls, specs = SPECS[table]
    kind = KIND_OF_LIST[table]
    return [
        decode_item(kind, index, record, cls, specs, problems)
        for index, record in zip(indexes, records, strict=True)
    ]
