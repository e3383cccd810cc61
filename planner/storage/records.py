"""Plan <-> plain records in the shape of the interchange format (v4).

Both file formats go through here: JSON is these records as text, and the ``.drplan``
reader reassembles them from its tables. Decoding is untrusted-input code: it never
raises on a wrong type inside an item, but records a problem naming the item and the
field, substitutes a neutral value, and goes on, so that every problem is reported at once.
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from planner.model import fields
from planner.model.edits.change import CLASSES
from planner.model.plan import (
    MAX_COORDINATE,
    MAX_COUNT,
    MAX_MINUTES,
    DataCopy,
    Plan,
)
from planner.model.problems import Problem
from planner.storage.migrations import newer_message, upgrade_records

FORMAT_NAME = "drplanner"
FORMAT_VERSION = 4


class FieldError(ValueError):
    """A field's value has the wrong type; the message says what was expected."""


# How deep a field's value may nest (arrays in objects in arrays ...). Real data nests a
# few levels; a thousand levels would overflow the stack of every JSON encoder.
MAX_DEPTH = 32

_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxstring, _SHORT.maxother = 3, 36, 36


def _describe(value: Any) -> str:
    # reprlib stops at a few levels: a value nested 900 deep is never walked in full.
    text = _SHORT.repr(value) if isinstance(value, list | dict) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def nested_too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """True when arrays and objects nest more than ``limit`` levels inside ``value``."""
    return _first_flaw(value, limit, depth_only=True) == "deep"


def unsavable(value: Any, limit: int = MAX_DEPTH) -> str | None:
    """Why ``value`` cannot be written as JSON (too deep, not finite, not JSON), or None."""
    flaw = _first_flaw(value, limit)
    return None if flaw is None else _FLAWS[flaw]


_FLAWS = {
    "deep": f"is nested more than {MAX_DEPTH} levels deep",
    "nan": "holds NaN or an infinite number, which JSON cannot hold",
    "type": "holds a value that is not JSON (not text, a number, a list or an object)",
}


def _first_flaw(value: Any, limit: int, depth_only: bool = False) -> str | None:
    # An explicit stack, not recursion: the point is to survive any depth.
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list | tuple):
            if depth >= limit:
                return "deep"
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
        elif depth_only:
            continue
        elif isinstance(item, float):
            if not math.isfinite(item):
                return "nan"
        elif item is not None and not isinstance(item, str | int):
            return "type"
    return None


def as_id(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FieldError(f"must be a non-empty string, got {_describe(value)}")
    return value


def as_text(value: Any) -> str:
    if not isinstance(value, str):
        raise FieldError(f"must be a string, got {_describe(value)}")
    return value


def as_optional_text(value: Any) -> str | None:
    return None if value is None else as_text(value)


def as_number(value: Any) -> int | float:
    """A finite number; an integral float becomes an int so that files are canonical.

    The bound is SQLite's: a ``.drplan`` NUMERIC column stores any integral float
    that fits in an int64 as an integer, so JSON must call it an int too.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FieldError(f"must be a number, got {_describe(value)}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise FieldError(f"must be a finite number, got {value}")
        if _stored_as_int(value):
            return int(value)
    return value


def _stored_as_int(value: float) -> bool:
    """SQLite's rule: a NUMERIC column keeps an integral float within int64 as an int."""
    return value.is_integer() and -(2**63) < value < 2**63


def as_optional_number(value: Any) -> int | float | None:
    return None if value is None else as_number(value)


def _within(number: int | float, bound: int, what: str, value: Any) -> int | float:
    if not -bound <= number <= bound:
        raise FieldError(f"must lie between -{bound:,} and {bound:,}{what}, got {_describe(value)}")
    return number


def as_minutes(value: Any) -> int | float:
    """A duration: a finite number of at most ten years of minutes either side of 0."""
    return _within(as_number(value), MAX_MINUTES, " (ten years in minutes)", value)


def as_optional_minutes(value: Any) -> int | float | None:
    return None if value is None else as_minutes(value)


def as_optional_coordinate(value: Any) -> int | float | None:
    if value is None:
        return None
    return _within(as_number(value), MAX_COORDINATE, "", value)


def as_int(value: Any) -> int:
    """A whole number (units, positions, counts, tiers) of at most :data:`MAX_COUNT`."""
    number = as_number(value)
    if not isinstance(number, int):
        raise FieldError(f"must be a whole number, got {_describe(value)}")
    return int(_within(number, MAX_COUNT, "", value))


def as_id_list(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise FieldError(f"must be a list of ids, got {_describe(value)}")
    return [as_id(v) for v in value]


def as_text_list(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise FieldError(f"must be a list of strings, got {_describe(value)}")
    return [as_text(v) for v in value]


def as_needs(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        raise FieldError(f"must be an object mapping pool ids to units, got {_describe(value)}")
    needs: dict[str, int] = {}
    for pool_id, units in value.items():
        try:
            needs[as_id(pool_id)] = as_int(units)
        except FieldError as error:
            raise FieldError(f"pool '{pool_id}': {error}") from None
    return needs


def as_optional_needs(value: Any) -> dict[str, int] | None:
    """``needs`` of a mode: null (or absent) is "the same as needs", ``{}`` "no pool"."""
    return None if value is None else as_needs(value)


def as_optional_id(value: Any) -> str | None:
    return None if value is None else as_id(value)


def as_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise FieldError(f"must be true or false, got {_describe(value)}")
    return value


def as_returns(value: Any) -> dict[str, int | float]:
    if not isinstance(value, dict):
        raise FieldError(f"must be an object mapping failed ids to minutes, got {_describe(value)}")
    returns: dict[str, int | float] = {}
    for item_id, minutes in value.items():
        try:
            returns[as_id(item_id)] = as_minutes(minutes)
        except FieldError as error:
            raise FieldError(f"'{item_id}': {error}") from None
    return returns


def as_optional_date(value: Any) -> date | None:
    """An ISO date, exactly ``"YYYY-MM-DD"``, or null."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise FieldError(f'must be an ISO date ("2026-03-01") or null, got {_describe(value)}')
    try:
        return fields.parse_iso_date(value)
    except ValueError:
        raise FieldError(
            f'must be an ISO date ("2026-03-01") or null, got {_describe(value)}'
        ) from None


# The fields of a data copy (planner.model.plan.DataCopy) in the order JSON writes them:
# name -> (decoder, default); "id" is required, "notes" written only when set.
COPY_FIELDS: dict[str, tuple[Callable[[Any], Any], Any]] = {
    "id": (as_id, None),
    "on": (as_id_list, []),
    "lag_minutes": (as_minutes, 0),
    "kind": (as_text, "primary"),
    "notes": (as_optional_text, None),
}


def as_copy(value: Any) -> DataCopy:
    """One data copy from its object; unknown keys are kept in its ``extra``. The kind is
    any string here: ``validate`` reports one that is not a copy kind."""
    if not isinstance(value, dict):
        raise FieldError(f"each copy must be an object, got {_describe(value)}")
    raw_id = value.get("id")
    label = f"copy '{raw_id}'" if isinstance(raw_id, str) and raw_id.strip() else "a copy"
    values: dict[str, Any] = {}
    for name, (decode, default) in COPY_FIELDS.items():
        if name not in value:
            if name == "id":
                raise FieldError(f"{label}: id: missing")
            values[name] = _copy(default)
            continue
        try:
            values[name] = decode(value[name])
        except FieldError as error:
            raise FieldError(f"{label}: {name}: {error}") from None
    extra = {k: v for k, v in value.items() if k not in COPY_FIELDS}
    for key, item in extra.items():
        if nested_too_deep(item):
            raise FieldError(f"{label}: {key}: is nested more than {MAX_DEPTH} levels deep")
    return DataCopy(**values, extra=extra)


def as_copies(value: Any) -> list[DataCopy]:
    if not isinstance(value, list):
        raise FieldError(f"must be a list of copies, got {_describe(value)}")
    return [as_copy(v) for v in value]


def encode_copy(copy: DataCopy) -> dict[str, Any]:
    """A data copy as its JSON object: id, on, lag_minutes, kind, notes when set, then
    its unknown fields."""
    record: dict[str, Any] = {
        "id": copy.id,
        "on": list(copy.on),
        "lag_minutes": _canonical(copy.lag_minutes),
        "kind": copy.kind,
    }
    if copy.notes is not None:
        record["notes"] = copy.notes
    for key, item in copy.extra.items():
        record.setdefault(key, item)
    return record


def as_extra(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    decode: Callable[[Any], Any]
    required: bool = False
    default: Callable[[], Any] | None = None
    always_written: bool = True
    unset: Any = None  # the default, compared with (never handed out): not written


def _copy(value: Any) -> Any:
    return (
        list(value)
        if isinstance(value, list)
        else dict(value)
        if isinstance(value, dict)
        else value
    )


# The JSON decoder of each value type of the field registry (planner.model.fields).
DECODERS: dict[str, Callable[[Any], Any]] = {
    "id": as_id,
    "text": as_text,
    "optional_text": as_optional_text,
    "count": as_int,
    "minutes": as_minutes,
    "optional_minutes": as_optional_minutes,
    "coordinate": as_optional_coordinate,
    "id_list": as_id_list,
    "text_list": as_text_list,
    "needs": as_needs,
    "optional_needs": as_optional_needs,
    "optional_id": as_optional_id,
    "bool": as_bool,
    "returns": as_returns,
    "optional_date": as_optional_date,
    "copies": as_copies,
}


def _spec(item_field: fields.Field) -> FieldSpec:
    return FieldSpec(
        item_field.json,
        DECODERS[item_field.type.name],
        required=item_field.required,
        default=item_field.default_value,
        always_written=item_field.always_written,
        unset=item_field.default,
    )


# Field order is the order written to JSON (the registry's): the contract first, then
# the documented optional fields (written only when set).
SPECS: dict[str, tuple[type, list[FieldSpec]]] = {
    list_name: (CLASSES[kind], [_spec(f) for f in fields.fields_of(kind)])
    for kind, list_name in fields.LIST_OF_KIND.items()
}

KIND_OF_LIST = {
    "sites": "site",
    "domains": "domain",
    "racks": "rack",
    "servers": "server",
    "pools": "pool",
    "services": "service",
    "scenarios": "scenario",
}
# The plan's own fields besides its name and notes (fields of kind "plan"), decoded and
# written like an item's (written only when not the default).
PLAN_FIELDS = [_spec(f) for f in fields.fields_of("plan") if f.name not in ("name", "notes")]
PLAN_KEYS = ("format", "version", "name", *SPECS, *(s.name for s in PLAN_FIELDS), "notes")


class PlanFormatError(ValueError):
    """The data is not a DR Planner plan of a version this program reads (wrong shape or
    format)."""


class NewerFormatError(PlanFormatError):
    """The data is of a newer format version than this program knows."""

    def __init__(self, what: str, found: int, known: int) -> None:
        super().__init__(newer_message(what, found, known))
        self.found = found
        self.known = known


def format_version(data: Any) -> int:
    """The format version of plan records, checked: known to this program or older.

    Raises :class:`NewerFormatError` for a newer version and :class:`PlanFormatError`
    when ``data`` is not DR Planner records at all.
    """
    if not isinstance(data, dict):
        raise PlanFormatError("not a DR Planner plan: the top level must be a JSON object")
    if data.get("format") != FORMAT_NAME:
        raise PlanFormatError(f'not a DR Planner plan: "format" must be "{FORMAT_NAME}"')
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise PlanFormatError(f'"version" must be a whole number, got {_describe(version)}')
    if version > FORMAT_VERSION:
        raise NewerFormatError("plan format", version, FORMAT_VERSION)
    if version < 1:
        raise PlanFormatError(f"unknown plan format version {version}")
    return version


def decode_plan(data: Any) -> tuple[Plan, list[Problem]]:
    """Build a plan from records of any format version this program knows (older ones are
    upgraded first, see :mod:`planner.storage.migrations`); return it with every type
    problem found.

    Raises :class:`PlanFormatError` only when the top level is not a plan at all.
    """
    version = format_version(data)
    if version < FORMAT_VERSION:
        data = upgrade_records(data, version, FORMAT_VERSION)
    problems: list[Problem] = []
    plan = Plan()
    name = data.get("name", "")
    if isinstance(name, str):
        plan.name = name
    else:
        problems.append(Problem("plan", None, "name", f"must be a string, got {_describe(name)}"))
    notes = data.get("notes")
    if notes is None or isinstance(notes, str):
        plan.notes = notes
    else:
        problems.append(Problem("plan", None, "notes", f"must be a string, got {_describe(notes)}"))
    for spec in PLAN_FIELDS:
        if spec.name in data:
            try:
                setattr(plan, spec.name, spec.decode(data[spec.name]))
            except FieldError as error:
                problems.append(Problem("plan", None, spec.name, str(error)))
    plan.extra = _unknown_fields("plan", None, None, data, PLAN_KEYS, problems)
    for list_name, (cls, specs) in SPECS.items():
        items = data.get(list_name, [])
        if not isinstance(items, list):
            problems.append(
                Problem("plan", None, list_name, f"must be a list, got {_describe(items)}")
            )
            continue
        decoded = []
        for index, record in enumerate(items):
            item = decode_item(KIND_OF_LIST[list_name], index, record, cls, specs, problems)
            if item is not None:
                decoded.append(item)
        setattr(plan, list_name, decoded)
    return plan, problems


def decode_item(
    kind: str, index: int, record: Any, cls: type, specs: list[FieldSpec], problems: list[Problem]
) -> Any:
    """One item from its record, every problem of its fields added to ``problems``."""
    if not isinstance(record, dict):
        problems.append(Problem(kind, None, None, "must be an object", index=index))
        return None
    raw_id = record.get("id")
    item_id = raw_id if isinstance(raw_id, str) and raw_id.strip() else None
    values: dict[str, Any] = {}
    for spec in specs:
        if spec.name not in record:
            if spec.required:
                problems.append(Problem(kind, item_id, spec.name, "missing", index=index))
            values[spec.name] = spec.default() if spec.default else None
            continue
        try:
            values[spec.name] = spec.decode(record[spec.name])
        except FieldError as error:
            problems.append(Problem(kind, item_id, spec.name, str(error), index=index))
            values[spec.name] = spec.default() if spec.default else None
    if item_id is None:
        # Keep going so that the item's other problems are reported, under its index.
        values["id"] = f"#{index + 1}"
    known = {spec.name for spec in specs}
    values["extra"] = _unknown_fields(kind, item_id, index, record, known, problems)
    return cls(**values)


def _unknown_fields(
    kind: str,
    item_id: str | None,
    index: int | None,
    record: dict[str, Any],
    known: Any,
    problems: list[Problem],
) -> dict[str, Any]:
    """The fields of ``record`` the format does not know, kept unless too deep to save."""
    extra: dict[str, Any] = {}
    for key, value in record.items():
        if key in known:
            continue
        if nested_too_deep(value):
            message = f"is nested more than {MAX_DEPTH} levels deep"
            problems.append(Problem(kind, item_id, key, message, index=index))
            continue
        extra[key] = value
    return extra


def unsavable_fields(plan: Plan) -> Iterator[str]:
    """Each unknown field of ``plan`` that JSON cannot hold, as "item: field 'x' why"."""
    for key, value in plan.extra.items():
        if (why := unsavable(value)) is not None:
            yield f"plan: field '{key}' {why}"
    for list_name in SPECS:
        for item in getattr(plan, list_name):
            for key, value in item.extra.items():
                if (why := unsavable(value)) is not None:
                    yield f"{KIND_OF_LIST[list_name]} '{item.id}': field '{key}' {why}"
    for service in plan.services:
        for copy in service.data:
            for key, value in copy.extra.items():
                if (why := unsavable(value)) is not None:
                    yield f"service '{service.id}': copy '{copy.id}': field '{key}' {why}"


def _canonical(value: Any) -> Any:
    """A copy with integral floats as ints, as the reader normalises them (60.0 -> 60);
    a date as its ISO text, data copies as their objects."""
    if isinstance(value, float) and _stored_as_int(value):
        return int(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list) and value and isinstance(value[0], DataCopy):
        return [encode_copy(copy) for copy in value]
    return _copy(value)


def encode_plan(plan: Plan) -> dict[str, Any]:
    """The plan as records of the current format, in the documented key order (canonical)."""
    data: dict[str, Any] = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "name": plan.name}
    for list_name, (_, specs) in SPECS.items():
        data[list_name] = [_encode_item(item, specs) for item in getattr(plan, list_name)]
    for spec in PLAN_FIELDS:
        value = getattr(plan, spec.name)
        if spec.always_written or not _unset(value, spec.unset):
            data[spec.name] = _canonical(value)
    if plan.notes is not None:
        data["notes"] = plan.notes
    data.update(plan.extra)
    return data


def _unset(value: Any, default: Any) -> bool:
    """Whether an optional field holds its default, so a file leaves it out (an empty
    mapping where the default is null is set: "no pool", not "the same as needs")."""
    return value is default or (type(value) is type(default) and value == default)


def _encode_item(item: Any, specs: list[FieldSpec]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for spec in specs:
        value = getattr(item, spec.name)
        if not spec.always_written and _unset(value, spec.unset):
            continue
        record[spec.name] = _canonical(value)
    for key, value in item.extra.items():
        record.setdefault(key, value)
    return record
