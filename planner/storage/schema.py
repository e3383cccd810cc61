"""The JSON Schema of the current interchange format, generated from the field registry.

``resources/plan-format-v4.schema.json`` is this module's output; a test checks that
the file and :func:`plan_schema` agree. After changing a field in
:mod:`planner.model.fields`, write the file again with::

    python -m planner.storage.schema resources/plan-format-v4.schema.json

The schema of each older format (``resources/plan-format-v1.schema.json`` to
``resources/plan-format-v3.schema.json``) is history: committed once, never regenerated.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from planner.model import fields
from planner.model.plan import MAX_COORDINATE, MAX_COUNT, MAX_MINUTES
from planner.storage.records import FORMAT_NAME, FORMAT_VERSION, MAX_DEPTH

_DESCRIPTION = (
    "The structure and types that DR Planner's reader accepts (planner/storage/records.py); "
    "documented in docs/plan-format.md. Meaning (references between items, ranges such as "
    "tier 0-3, unique ids, dependency cycles) is checked by 'drplanner validate', not here. "
    "Numbers are bounded (durations to ten years of minutes, whole numbers to 1,000,000, "
    "layout coordinates to 1,000,000,000). Unknown fields are allowed everywhere: DR Planner "
    f"keeps them and writes them back, if they nest at most {MAX_DEPTH} levels deep; no "
    "object may repeat a key. Times are minutes."
)

# What each item list holds, for the schema's description of the plan's lists.
_LIST_DESCRIPTIONS = {
    "sites": "Sites (data centres).",
    "domains": "Failure domains (power feeds, UPS, rooms, ...): what fails together.",
    "racks": "Racks, each in one site.",
    "servers": "Servers, each in one rack.",
    "pools": "Recovery resources of limited capacity (crews, restore streams).",
    "services": "Services, where they run, how they recover and what they depend on.",
    "scenarios": "Named sets of failed sites, domains, racks or servers, with the times "
    "they come back, the declaration delay, the scenario's date and whether untested "
    "failovers fail.",
}


# "YYYY-MM-DD" of a real day, as the reader's date.fromisoformat takes it: month lengths,
# 29 February in leap years only (every 4th, not every 100th, every 400th), no year 0.
CALENDAR_DATE = (
    "^(?:(?!0000)[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
    "|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
    "-02-29)$"
)


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}"}


# The schema of each value type of the registry (ValueType.name).
TYPE_SCHEMAS: dict[str, dict[str, Any]] = {
    "id": _ref("id"),
    "text": {"type": "string"},
    "optional_text": _ref("optionalText"),
    "count": _ref("wholeNumber"),
    "minutes": _ref("minutes"),
    "optional_minutes": _ref("optionalMinutes"),
    "coordinate": _ref("coordinate"),
    "id_list": _ref("idList"),
    "text_list": {"type": "array", "items": {"type": "string"}},
    "needs": _ref("needs"),
    "optional_needs": {"oneOf": [_ref("needs"), {"type": "null"}]},
    "optional_id": {"oneOf": [_ref("id"), {"type": "null"}]},
    "bool": {"type": "boolean"},
    "returns": {
        "type": "object",
        "propertyNames": {"pattern": "\\S"},
        "additionalProperties": _ref("minutes"),
    },
    "optional_date": {"oneOf": [_ref("date"), {"type": "null"}]},
    "copies": {"type": "array", "items": _ref("dataCopy")},
}

_DEFS: dict[str, Any] = {
    "id": {
        "description": "A non-empty string with at least one character that is not white "
        "space. Sites, failure domains, racks and servers share one id namespace; pools, "
        "services and "
        "scenarios each have their own.",
        "type": "string",
        "pattern": "\\S",
    },
    "idList": {"type": "array", "items": _ref("id")},
    "needs": {
        "description": "Pool id -> whole number of units.",
        "type": "object",
        "propertyNames": {"pattern": "\\S"},
        "additionalProperties": _ref("wholeNumber"),
    },
    "optionalText": {"type": ["string", "null"]},
    "coordinate": {
        "description": "A layout hint in canvas units: a number from "
        f"-{MAX_COORDINATE:,} to {MAX_COORDINATE:,}, or null for 'not set'.",
        "type": ["number", "null"],
        "minimum": -MAX_COORDINATE,
        "maximum": MAX_COORDINATE,
    },
    "minutes": {
        "description": f"A duration in minutes: a number from -{MAX_MINUTES:,} to "
        f"{MAX_MINUTES:,} (ten years; below 0 is a problem 'drplanner validate' reports).",
        "type": "number",
        "minimum": -MAX_MINUTES,
        "maximum": MAX_MINUTES,
    },
    "optionalMinutes": {
        "description": "A duration in minutes as above, or null for 'not set'.",
        "type": ["number", "null"],
        "minimum": -MAX_MINUTES,
        "maximum": MAX_MINUTES,
    },
    "date": {
        "description": 'An ISO calendar date, exactly "YYYY-MM-DD" ("2026-03-01"), of a day '
        "the calendar has (years 0001 to 9999, 29 February only in leap years).",
        "type": "string",
        "pattern": CALENDAR_DATE,
    },
    "dataCopy": {
        "description": "One copy of a service's data. Unknown fields are kept.",
        "type": "object",
        "required": ["id"],
        "properties": {
            "id": {"description": "Unique among the service's copies.", **_ref("id")},
            "on": {
                "description": "Ids of the servers, racks, sites or failure domains holding "
                "the copy: it survives while any of them is up, is unavailable while all are "
                "down and is destroyed when all are failed for good. Default [].",
                **_ref("idList"),
            },
            "lag_minutes": {
                "description": "How far behind the copy is, in minutes of writes (0: "
                "synchronous; >= 0). Default 0.",
                **_ref("minutes"),
            },
            "kind": {
                "description": 'One of "primary", "replica", "backup", "offline" (another '
                "string is a problem 'drplanner validate' reports). Default \"primary\".",
                "type": "string",
            },
            "notes": {"description": "Free text. Default null.", **_ref("optionalText")},
        },
        "additionalProperties": True,
    },
    "wholeNumber": {
        "description": f"A whole number from -{MAX_COUNT:,} to {MAX_COUNT:,} (rack units, "
        "positions, counts). Written as an integer; a reader also accepts 3.0.",
        "type": "integer",
        "minimum": -MAX_COUNT,
        "maximum": MAX_COUNT,
    },
}


def field_schema(item_field: fields.Field) -> dict[str, Any]:
    """The schema of one field: its type's, with the field's description."""
    described = {"description": item_field.doc} if item_field.doc else {}
    return {**described, **TYPE_SCHEMAS[item_field.type.name]}


def item_schema(kind: str) -> dict[str, Any]:
    """The schema of one kind of item (a site, a rack ...)."""
    item_fields = fields.fields_of(kind)
    return {
        "type": "object",
        "required": [f.json for f in item_fields if f.required],
        "properties": {f.json: field_schema(f) for f in item_fields},
        "additionalProperties": True,
    }


def plan_schema() -> dict[str, Any]:
    """The whole JSON Schema (draft 2020-12) of the current format."""
    properties: dict[str, Any] = {
        "format": {"description": f'Always the string "{FORMAT_NAME}".', "const": FORMAT_NAME},
        "version": {
            "description": f"Format version: the integer {FORMAT_VERSION}, written as "
            f"{FORMAT_VERSION} ({FORMAT_VERSION}.0 is refused). A reader refuses a file with "
            "a higher version.",
            "type": "integer",
            "const": FORMAT_VERSION,
        },
        "name": {"description": 'The plan\'s name. Default "".', "type": "string"},
    }
    for kind, list_name in fields.LIST_OF_KIND.items():
        properties[list_name] = {
            "description": f"{_LIST_DESCRIPTIONS[list_name]} Default [].",
            "type": "array",
            "items": _ref(kind),
        }
    for plan_field in fields.fields_of("plan"):
        if plan_field.name not in ("name", "notes"):
            properties[plan_field.json] = field_schema(plan_field)
    properties["notes"] = {
        "description": "Free text about the plan. Optional: written only when set.",
        **TYPE_SCHEMAS[fields.get("plan", "notes").type.name],
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:drplanner:plan-format-v{FORMAT_VERSION}",
        "title": f"DR Planner plan, interchange format v{FORMAT_VERSION}",
        "description": _DESCRIPTION,
        "type": "object",
        "required": ["format", "version"],
        "properties": properties,
        "additionalProperties": True,
        "$defs": {**_DEFS, **{kind: item_schema(kind) for kind in fields.LIST_OF_KIND}},
    }


def schema_text() -> str:
    """The schema file's text: two-space JSON, as DR Planner writes plans."""
    return json.dumps(plan_schema(), ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str]) -> int:
    """Write the schema to the file named in ``argv`` (to stdout without one)."""
    if argv:
        Path(argv[0]).write_text(schema_text(), encoding="utf-8")
    else:
        sys.stdout.write(schema_text())
    return 0


if __name__ == "__main__":  # pragma: no cover - the regeneration command
    raise SystemExit(main(sys.argv[1:]))
