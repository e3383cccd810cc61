"""The JSON Schema of the current format (v3) agrees with the codec (planner/storage/records.py).

"Agrees" means: a document is schema-valid exactly when the reader accepts it without
a single problem. Checked on the examples, on encoded plans, on a table of hand-picked
wrong values and on random values dropped into random fields.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.model.plan import (
    DataCopy,
    Domain,
    Plan,
    Pool,
    Rack,
    Scenario,
    Server,
    Service,
    Site,
)
from planner.model.validate import validate
from planner.storage import plan_to_json
from planner.storage.records import (
    COPY_FIELDS,
    PLAN_FIELDS,
    SPECS,
    PlanFormatError,
    decode_plan,
    encode_plan,
)
from planner.storage.schema import CALENDAR_DATE

REPO = Path(__file__).resolve().parent.parent
SCHEMA_PATH = REPO / "resources" / "plan-format-v4.schema.json"
EXAMPLES = REPO / "resources" / "examples"
EXAMPLE_JSON = sorted(p for p in EXAMPLES.glob("*.json") if not p.name.startswith("pangyo-2022-"))


SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def _reader_accepts(data: Any) -> bool:
    """True when DR Planner reads ``data`` with no problem at all."""
    try:
        _, problems = decode_plan(data)
    except PlanFormatError:
        return False
    return not problems


def _full_plan() -> Plan:
    """A plan with every documented field set, and unknown fields at every level."""
    tag = {"vendor": {"ticket": "OPS-1", "weights": [1, 2.5]}}
    return Plan(
        name="Everything set",
        sites=[
            Site(
                "s1", "Site", x=1, y=2.5, width=300, height=200, color="#fff", notes="n", extra=tag
            )
        ],
        domains=[
            Domain("p1", "Feed A", "power", site="s1", notes="n", extra=tag),
            Domain("room", "Room", "room"),
        ],
        racks=[
            Rack("r1", "s1", "Rack", units=48, domains=["p1"], x=10, y=20, notes="n", extra=tag)
        ],
        servers=[Server("h1", "r1", "Host", 3, height=2, domains=["room"], notes="n", extra=tag)],
        pools=[Pool("crew", "Crew", 2, notes="n", extra=tag)],
        services=[
            Service(
                id="a",
                name="A",
                tier=0,
                rto_minutes=30,
                restore_minutes=90.5,
                failover_minutes=10,
                failover_needs={},
                automatic_failover=True,
                restart_minutes=15.5,
                restart_needs={"crew": 1},
                rpo_minutes=15,
                data=[
                    DataCopy("main", ["h1"]),
                    DataCopy("tape", ["s1", "p1"], 1440.5, "backup", notes="n", extra=tag),
                ],
                failover_tested_on=date(2026, 3, 1),
                recovery_tooling=True,
                servers=["h1"],
                standby_servers=[],
                min_instances=1,
                needs={"crew": 1},
                depends_on=["b"],
                owner="Kim",
                team="Ops",
                notes="n",
                steps=["Do this", "Then that"],
                color="#123456",
                x=0,
                y=-4,
                extra=tag,
            ),
            Service(id="b", name="B", restore_minutes=0),
        ],
        scenarios=[
            Scenario(
                "sc",
                "Fire",
                ["s1", "p1"],
                returns={"p1": 1380},
                declared_after_minutes=40,
                untested_failovers_fail=True,
                as_of=date(2026, 9, 1),
                notes="n",
                extra=tag,
            )
        ],
        failover_test_max_age_days=180,
        notes="plan notes",
        extra={"generator": "another tool", "revision": 7},
    )


def _base_document() -> dict[str, Any]:
    return json.loads(plan_to_json(_full_plan()))


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_the_examples_are_there() -> None:
    assert [p.name for p in EXAMPLE_JSON] == ["pangyo-after.json", "pangyo.json"]


@pytest.mark.parametrize("path", EXAMPLE_JSON, ids=lambda p: p.name)
def test_example_plans_validate(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(data)]
    assert errors == []


@pytest.mark.parametrize(
    "plan",
    [Plan(), _full_plan(), Plan(name="", notes=None)],
    ids=["empty", "everything-set", "blank-name"],
)
def test_encoded_plans_validate(plan: Plan) -> None:
    data = encode_plan(plan)
    VALIDATOR.validate(data)
    # and the same through the canonical text
    VALIDATOR.validate(json.loads(plan_to_json(plan)))


def test_the_example_in_the_format_documentation_is_valid() -> None:
    text = (REPO / "docs" / "plan-format.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", text, flags=re.DOTALL)
    assert blocks, "docs/plan-format.md shows a plan"
    for block in blocks:
        data = json.loads(block)
        VALIDATOR.validate(data)
        plan, problems = decode_plan(data)
        assert problems == []
        assert validate(plan) == []


def test_the_smallest_document_validates() -> None:
    smallest = {"format": "drplanner", "version": 4}
    VALIDATOR.validate(smallest)
    assert _reader_accepts(smallest)


def test_the_schema_lists_the_codec_fields_in_written_order() -> None:
    definitions = {
        "sites": "site",
        "domains": "domain",
        "racks": "rack",
        "servers": "server",
        "pools": "pool",
        "services": "service",
        "scenarios": "scenario",
    }
    for list_name, (_, specs) in SPECS.items():
        item = SCHEMA["$defs"][definitions[list_name]]
        assert list(item["properties"]) == [s.name for s in specs], list_name
        assert item["required"] == [s.name for s in specs if s.required], list_name
        assert item["additionalProperties"] is True
        assert SCHEMA["properties"][list_name]["items"] == {
            "$ref": f"#/$defs/{definitions[list_name]}"
        }
    assert list(SCHEMA["properties"]) == [
        "format",
        "version",
        "name",
        *SPECS,
        "failover_test_max_age_days",
        "notes",
    ]
    assert SCHEMA["additionalProperties"] is True
    copy_schema = SCHEMA["$defs"]["dataCopy"]
    assert list(copy_schema["properties"]) == list(COPY_FIELDS)
    assert copy_schema["required"] == ["id"] and copy_schema["additionalProperties"] is True


# (path into the document, value, accepted by the reader?)
CASES: list[tuple[tuple[Any, ...], Any, bool]] = [
    (("format",), "other", False),
    (("version",), 5, False),
    (("version",), 0, False),
    (("version",), "1", False),
    (("version",), True, False),
    (("name",), None, False),
    (("name",), 3, False),
    (("notes",), None, True),
    (("notes",), ["x"], False),
    (("sites",), {}, False),
    (("sites",), None, False),
    (("sites", 0), "s1", False),
    (("sites", 0, "id"), "", False),
    (("sites", 0, "id"), " \t", False),
    (("sites", 0, "id"), 7, False),
    (("sites", 0, "id"), " x ", True),
    (("sites", 0, "name"), None, False),
    (("sites", 0, "x"), None, True),
    (("sites", 0, "x"), "1", False),
    (("sites", 0, "width"), True, False),
    (("sites", 0, "color"), None, True),
    (("sites", 0, "color"), 255, False),
    (("racks", 0, "site"), None, False),
    (("racks", 0, "units"), 42.0, True),
    (("racks", 0, "units"), 42.5, False),
    (("racks", 0, "units"), None, False),
    (("racks", 0, "units"), -3, True),  # a range problem: `drplanner validate` reports it
    (("servers", 0, "position"), "3", False),
    (("servers", 0, "height"), 1.5, False),
    (("pools", 0, "capacity"), None, False),
    (("services", 0, "tier"), 9, True),
    (("services", 0, "tier"), None, False),
    (("services", 0, "rto_minutes"), None, True),
    (("services", 0, "rto_minutes"), "30", False),
    (("services", 0, "restore_minutes"), None, False),
    (("services", 0, "restore_minutes"), 1.25, True),
    (("services", 0, "failover_minutes"), None, True),
    (("services", 0, "failover_minutes"), False, False),
    (("services", 0, "servers"), "h1", False),
    (("services", 0, "servers"), ["h1", ""], False),
    (("services", 0, "standby_servers"), None, False),
    (("services", 0, "min_instances"), 2.0, True),
    (("services", 0, "needs"), [], False),
    (("services", 0, "needs"), {"crew": 1.5}, False),
    (("services", 0, "needs"), {"": 1}, False),
    (("services", 0, "needs"), {"crew": "1"}, False),
    (("services", 0, "depends_on"), [None], False),
    (("services", 0, "owner"), None, True),
    (("services", 0, "team"), 1, False),
    (("services", 0, "steps"), None, False),
    (("services", 0, "steps"), ["ok", 2], False),
    (("services", 0, "steps"), [], True),
    (("scenarios", 0, "failed"), None, False),
    (("scenarios", 0, "failed"), ["s1", "h1"], True),
    (("scenarios", 0, "notes"), {"a": 1}, False),
    # format v2: failure domains and time
    (("domains", 0, "kind"), None, False),
    (("domains", 0, "kind"), "", True),  # blank: `drplanner validate` reports it
    (("domains", 0, "site"), None, True),
    (("domains", 0, "site"), "", False),
    (("domains", 0, "site"), 3, False),
    (("racks", 0, "domains"), "p1", False),
    (("servers", 0, "domains"), [""], False),
    (("services", 0, "failover_needs"), None, True),
    (("services", 0, "failover_needs"), {}, True),
    (("services", 0, "failover_needs"), {"crew": 1.5}, False),
    (("services", 0, "restart_needs"), [], False),
    (("services", 0, "automatic_failover"), 1, False),
    (("services", 0, "automatic_failover"), "yes", False),
    (("services", 0, "automatic_failover"), False, True),
    (("services", 0, "restart_minutes"), None, True),
    (("services", 0, "restart_minutes"), "15", False),
    (("scenarios", 0, "returns"), {"p1": -5}, True),  # validate reports it
    (("scenarios", 0, "returns"), {"p1": None}, False),
    (("scenarios", 0, "returns"), {"": 5}, False),
    (("scenarios", 0, "returns"), {"p1": 5_256_001}, False),
    (("scenarios", 0, "returns"), ["p1"], False),
    (("scenarios", 0, "declared_after_minutes"), 30.5, True),
    (("scenarios", 0, "declared_after_minutes"), None, False),
    # format v3: data copies, RPO and failover tests
    (("failover_test_max_age_days",), 30, True),
    (("failover_test_max_age_days",), -1, True),  # validate reports it
    (("failover_test_max_age_days",), 1.5, False),
    (("failover_test_max_age_days",), None, False),
    (("failover_test_max_age_days",), "365", False),
    # format v4: recovery tooling
    (("services", 0, "recovery_tooling"), False, True),
    (("services", 0, "recovery_tooling"), None, False),
    (("services", 0, "recovery_tooling"), "yes", False),
    (("services", 0, "rpo_minutes"), None, True),
    (("services", 0, "rpo_minutes"), 0, True),
    (("services", 0, "rpo_minutes"), "15", False),
    (("services", 0, "failover_tested_on"), None, True),
    (("services", 0, "failover_tested_on"), "2024-02-29", True),
    (("services", 0, "failover_tested_on"), "2023-02-29", False),
    (("services", 0, "failover_tested_on"), "2026-04-31", False),
    (("services", 0, "failover_tested_on"), "0000-01-01", False),
    (("services", 0, "failover_tested_on"), "20260301", False),
    (("services", 0, "failover_tested_on"), "2026-3-1", False),
    (("services", 0, "failover_tested_on"), "2026-03-01T10:00", False),
    (("services", 0, "failover_tested_on"), 20260301, False),
    (("services", 0, "data"), None, False),
    (("services", 0, "data"), {}, False),
    (("services", 0, "data"), [], True),
    (("services", 0, "data"), ["main"], False),
    (("services", 0, "data"), [{}], False),  # a copy needs its id
    (("services", 0, "data"), [{"id": "c"}], True),  # on nothing: validate reports it
    (("services", 0, "data", 0, "id"), "", False),
    (("services", 0, "data", 0, "on"), "h1", False),
    (("services", 0, "data", 0, "on"), [""], False),
    (("services", 0, "data", 0, "on"), ["nowhere"], True),  # validate reports it
    (("services", 0, "data", 0, "lag_minutes"), -5, True),  # validate reports it
    (("services", 0, "data", 0, "lag_minutes"), None, False),
    (("services", 0, "data", 0, "lag_minutes"), 5_256_001, False),
    (("services", 0, "data", 0, "lag_minutes"), "5", False),
    (("services", 0, "data", 0, "kind"), "tape", True),  # validate reports it
    (("services", 0, "data", 0, "kind"), None, False),
    (("services", 0, "data", 0, "notes"), None, True),
    (("services", 0, "data", 0, "notes"), 3, False),
    (("services", 0, "data", 0, "x-vendor"), {"any": [1]}, True),
    (("scenarios", 0, "untested_failovers_fail"), 1, False),
    (("scenarios", 0, "untested_failovers_fail"), False, True),
    (("scenarios", 0, "as_of"), None, True),
    (("scenarios", 0, "as_of"), "2026-12-31", True),
    (("scenarios", 0, "as_of"), "2026-12-32", False),
    (("scenarios", 0, "as_of"), "today", False),
    # the bounds: ten years of minutes, a million of anything counted, 1e9 canvas units
    (("services", 0, "restore_minutes"), 5_256_000, True),
    (("services", 0, "restore_minutes"), 5_256_000.5, False),
    (("services", 0, "restore_minutes"), 1e308, False),
    (("services", 0, "rto_minutes"), -5_256_000, True),
    (("services", 0, "rto_minutes"), -5_256_001, False),
    (("services", 0, "failover_minutes"), 10**30, False),
    (("racks", 0, "units"), 1_000_000, True),
    (("racks", 0, "units"), 1_000_001, False),
    (("servers", 0, "position"), -1_000_001, False),
    (("pools", 0, "capacity"), 2**63, False),
    (("services", 0, "needs"), {"crew": 1_000_001}, False),
    (("services", 0, "min_instances"), 10**6 + 1, False),
    (("sites", 0, "x"), 1e9, True),
    (("sites", 0, "width"), 1e9 + 1, False),
    (("services", 0, "y"), -1e300, False),
]


def _set(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    target: Any = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


def _drop(document: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    target: Any = changed
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return changed


@pytest.mark.parametrize(("path", "value", "accepted"), CASES, ids=lambda c: repr(c))
def test_schema_and_reader_agree_on_values(
    path: tuple[Any, ...], value: Any, accepted: bool
) -> None:
    document = _set(_base_document(), path, value)
    assert _reader_accepts(document) is accepted
    assert VALIDATOR.is_valid(document) is accepted


def test_schema_and_reader_agree_on_missing_fields() -> None:
    base = _base_document()
    paths: list[tuple[Any, ...]] = [("format",), ("version",), ("name",), ("notes",)]
    paths += [(list_name,) for list_name in SPECS]
    paths += [(spec.name,) for spec in PLAN_FIELDS]
    for list_name, (_, specs) in SPECS.items():
        paths += [(list_name, 0, spec.name) for spec in specs]
    paths += [("services", 0, "data", 1, name) for name in COPY_FIELDS]
    for path in paths:
        document = _drop(base, path)
        accepted = _reader_accepts(document)
        assert VALIDATOR.is_valid(document) is accepted, path


def test_unknown_fields_are_valid_and_kept() -> None:
    document = _set(_base_document(), ("services", 1, "x-vendor"), {"deep": [None, 1]})
    VALIDATOR.validate(document)
    plan, problems = decode_plan(document)
    assert problems == []
    assert encode_plan(plan)["services"][1]["x-vendor"] == {"deep": [None, 1]}


# ---------------------------------------------------------------- random values

_json_leaf = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**9), max_value=10**9)
    | st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=4)
)
_json_value = st.recursive(
    _json_leaf,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=6,
)
_item_fields = [(list_name, spec.name) for list_name, (_, specs) in SPECS.items() for spec in specs]
_item_fields += [(list_name, None) for list_name in SPECS]  # the whole item
_item_fields += [("copy", name) for name in COPY_FIELDS]  # a field of a data copy
_item_fields += [("copy", None)]  # a whole copy
_top_fields = ["format", "version", "name", "notes", *SPECS, *(s.name for s in PLAN_FIELDS)]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    where=st.one_of(st.sampled_from(_item_fields), st.sampled_from(_top_fields)),
    value=_json_value,
)
def test_schema_and_reader_agree_on_random_values(where: Any, value: Any) -> None:
    base = _base_document()
    if isinstance(where, tuple) and where[0] == "copy":
        copy_path: tuple[Any, ...] = ("services", 0, "data", 1)
        path = copy_path if where[1] is None else (*copy_path, where[1])
    elif isinstance(where, tuple):
        list_name, field = where
        path: tuple[Any, ...] = (list_name, 0) if field is None else (list_name, 0, field)
    else:
        path = (where,)
    document = json.loads(json.dumps(_set(base, path, value)))
    assert VALIDATOR.is_valid(document) is _reader_accepts(document)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789-", min_size=8, max_size=11) | st.dates().map(str))
def test_schema_and_reader_agree_on_dates(text: str) -> None:
    document = _set(_base_document(), ("scenarios", 0, "as_of"), text)
    assert VALIDATOR.is_valid(document) is _reader_accepts(document)


def test_the_calendar_pattern_is_the_calendar() -> None:
    pattern = re.compile(CALENDAR_DATE)
    for year in (1, 4, 100, 400, 1900, 2000, 2023, 2024, 2100, 9999):
        for month in range(0, 14):
            for day in range(0, 33):
                text = f"{year:04d}-{month:02d}-{day:02d}"
                try:
                    date.fromisoformat(text)
                    real = True
                except ValueError:
                    real = False
                assert bool(pattern.search(text)) is real, text
