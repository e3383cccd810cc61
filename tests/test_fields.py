"""The field registry (planner/model/fields.py) agrees with everything derived from it.

A field added to a dataclass but not to the registry, a registry field the JSON codec,
the ``.drplan`` tables, the JSON Schema or docs/plan-format.md do not know, and a field
that does not survive a save in either format: each fails a test here, naming it.
"""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from planner.model import fields
from planner.model.edits.change import CLASSES
from planner.model.new_items import new_domain, new_rack, new_server, new_site
from planner.model.plan import DataCopy, Plan, Rack, Site
from planner.storage import drplan_format as drplan
from planner.storage import load_plan, save_plan
from planner.storage.records import DECODERS, SPECS
from planner.storage.schema import TYPE_SCHEMAS, plan_schema, schema_text

REPO = Path(__file__).resolve().parent.parent
ITEM_KINDS = list(fields.LIST_OF_KIND)
PLAN_LISTS = set(fields.LIST_OF_KIND.values())


def dataclass_fields(kind: str) -> list[dataclasses.Field[Any]]:
    """The fields of a kind's dataclass that a file stores (not ``extra``, not lists)."""
    skipped = {"extra"} | (PLAN_LISTS if kind == "plan" else set())
    return [f for f in dataclasses.fields(CLASSES[kind]) if f.name not in skipped]


def registry_names(kind: str) -> list[str]:
    return [f.name for f in fields.fields_of(kind)]


@pytest.mark.parametrize("kind", fields.KINDS)
def test_every_dataclass_field_is_in_the_registry_and_no_other(kind: str) -> None:
    declared = {f.name for f in dataclass_fields(kind)}
    registered = set(registry_names(kind))
    assert declared - registered == set(), f"{kind}: fields missing from the registry"
    assert registered - declared == set(), f"{kind}: registry fields no dataclass has"
    assert len(registered) == len(registry_names(kind)), f"{kind}: a field is listed twice"


@pytest.mark.parametrize("kind", fields.KINDS)
def test_registry_defaults_are_the_dataclass_defaults(kind: str) -> None:
    for field in dataclass_fields(kind):
        if field.default is not dataclasses.MISSING:
            default = field.default
        elif field.default_factory is not dataclasses.MISSING:
            default = field.default_factory()
        else:
            continue  # required by the dataclass: the registry's is a reader's neutral value
        assert fields.get(kind, field.name).default_value() == default, (kind, field.name)


@pytest.mark.parametrize("kind", ITEM_KINDS)
def test_the_json_codec_specs_are_the_registry(kind: str) -> None:
    cls, specs = SPECS[fields.LIST_OF_KIND[kind]]
    assert cls is CLASSES[kind]
    assert [spec.name for spec in specs] == [f.json for f in fields.fields_of(kind)]
    for spec, field in zip(specs, fields.fields_of(kind), strict=True):
        assert (spec.required, spec.always_written) == (field.required, field.always_written)


@pytest.mark.parametrize("kind", ITEM_KINDS)
def test_the_drplan_tables_hold_every_field(kind: str) -> None:
    table = fields.LIST_OF_KIND[kind]
    columns = dict(drplan._ITEM_COLUMNS[table])
    for field in fields.fields_of(kind):
        if field.type.is_list:
            assert field.child is not None, f"{kind}.{field.name}: a list needs a child table"
            parent, child_columns = drplan._CHILD_COLUMNS[field.child.name]
            assert (parent, child_columns) == (table, list(field.child.columns))
            assert field.name not in columns
        else:
            assert columns.get(field.name) == field.sql, f"{kind}.{field.name}: no column"
    for name, sql in (("ord", "INTEGER PRIMARY KEY"), ("extra", "TEXT")):
        assert f"{name} {sql}" in drplan.SCHEMA[table]


def test_every_value_type_has_a_decoder_and_a_schema() -> None:
    names = {f.type.name for f in fields.FIELDS}
    assert names <= set(DECODERS), "a value type without a JSON decoder (records.DECODERS)"
    assert names <= set(TYPE_SCHEMAS), "a value type without a schema (schema.TYPE_SCHEMAS)"


def test_the_schema_file_is_the_one_generated_from_the_registry() -> None:
    """resources/plan-format-v4.schema.json is written by ``python -m planner.storage.schema
    resources/plan-format-v4.schema.json``: regenerate it after changing a field."""
    path = REPO / "resources" / "plan-format-v4.schema.json"
    assert json.loads(path.read_text(encoding="utf-8")) == plan_schema()
    assert json.loads(schema_text()) == plan_schema()


@pytest.mark.parametrize("kind", ITEM_KINDS)
def test_the_schema_describes_every_field(kind: str) -> None:
    item = json.loads((REPO / "resources" / "plan-format-v4.schema.json").read_text())["$defs"][
        kind
    ]
    assert list(item["properties"]) == [f.json for f in fields.fields_of(kind)]
    assert item["required"] == [f.json for f in fields.fields_of(kind) if f.required]


def _documented(heading: str) -> list[str]:
    """Field names in the first column of the table under ``### heading``."""
    text = (REPO / "docs" / "plan-format.md").read_text(encoding="utf-8")
    section = text.split(f"\n### {heading}\n", 1)[1].split("\n#", 1)[0]
    names: list[str] = []
    for line in section.splitlines():
        if line.startswith("| `"):
            names += re.findall(r"`([^`]+)`", line.split("|")[1])
    return names


@pytest.mark.parametrize("kind", ITEM_KINDS)
def test_docs_list_every_field_in_order(kind: str) -> None:
    heading = fields.LIST_OF_KIND[kind].capitalize()
    assert _documented(heading) == [f.json for f in fields.fields_of(kind)]


# A value of each type that is not its default: a field a file drops comes back changed.
SAMPLES: dict[str, Any] = {
    "id": "sample-id",
    "text": "Sample name",
    "optional_text": "sample text",
    "count": 7,
    "minutes": 95,
    "optional_minutes": 45.5,
    "coordinate": 12.5,
    "id_list": ["one", "two"],
    "text_list": ["first step", "second step"],
    "needs": {"crew": 2, "dba": 1},
    "optional_id": "sample-site",
    "optional_needs": {"crew": 1},
    "bool": True,
    "returns": {"P1": 1380, "P2": 1800.5},
    "optional_date": date(2026, 3, 1),
    "copies": [
        DataCopy("c1", ["one", "two"], 15, "backup"),
        DataCopy("c2", [], 0.5, "replica", notes="n", extra={"x-a": [1]}),
    ],
}


def _sample_plan() -> Plan:
    values = {
        kind: {f.name: SAMPLES[f.type.name] for f in fields.fields_of(kind)}
        for kind in fields.KINDS
    }
    for kind in fields.KINDS:
        for field in fields.fields_of(kind):
            assert values[kind][field.name] != field.default_value(), (kind, field.name)
    plan = CLASSES["plan"](**values["plan"])
    for kind, list_name in fields.LIST_OF_KIND.items():
        setattr(plan, list_name, [CLASSES[kind](**values[kind])])
    return plan


@pytest.mark.parametrize("suffix", [".json", ".drplan"])
def test_every_field_survives_a_save(tmp_path: Path, suffix: str) -> None:
    plan = _sample_plan()
    path = tmp_path / f"plan{suffix}"
    save_plan(plan, path)
    loaded, problems = load_plan(path)
    assert problems == []
    for kind, list_name in [("plan", None), *fields.LIST_OF_KIND.items()]:
        before = plan if list_name is None else getattr(plan, list_name)[0]
        after = loaded if list_name is None else getattr(loaded, list_name)[0]
        for field in fields.fields_of(kind):
            assert getattr(after, field.name) == getattr(before, field.name), (kind, field.name)


@pytest.mark.parametrize("field", [f for f in fields.FIELDS], ids=lambda f: f"{f.kind}.{f.name}")
def test_what_a_field_shows_parses_back_to_its_value(field: fields.Field) -> None:
    sample = SAMPLES[field.type.name]
    if field.type is fields.COUNT or field.type is fields.TIER:
        sample = 3  # within every count's and the tier's range
    if field.type is fields.OPTIONAL_MINUTES:
        sample = 45  # h:mm shows whole minutes
    if field.type is fields.RETURNS:
        sample = {"P1": 1380, "P2": 1800}  # h:mm shows whole minutes
    if field.type is fields.COPIES:
        # h:mm shows whole minutes; the form line holds no notes or unknown fields
        sample = [DataCopy("c1", ["one", "two"], 15, "backup"), DataCopy("c 2", [], 0)]
    assert field.parse(field.format(sample)) == sample


@pytest.mark.parametrize(
    ("kind", "name", "text", "value"),
    [
        ("service", "rto_minutes", "90", 90),
        ("service", "rto_minutes", "1:30", 90),
        ("service", "rto_minutes", "", None),
        ("service", "rto_minutes", "—", None),
        ("service", "restore_minutes", "1h30m", 90),
        ("service", "tier", "0", 0),
        ("service", "tier", "Tier 3", 3),
        ("service", "name", "  Mail  ", "Mail"),
        ("service", "depends_on", "db; web, db", ["db", "web"]),
        ("service", "needs", "dba=1, crew = 2", {"dba": 1, "crew": 2}),
        ("service", "owner", "  ", None),
        ("service", "notes", "  indented\nlines", "  indented\nlines"),
        ("service", "steps", "one\n\n two", ["one", " two"]),
        ("server", "height", "2", 2),
        ("plan", "name", "Plan", "Plan"),
        ("domain", "kind", "  power ", "power"),
        ("domain", "site", "  ", None),
        ("domain", "site", " pangyo ", "pangyo"),
        ("rack", "domains", "P1, P2; P1", ["P1", "P2"]),
        ("service", "failover_needs", "", None),
        ("service", "failover_needs", "—", None),
        ("service", "failover_needs", "none", {}),
        ("service", "restart_needs", "dba=2", {"dba": 2}),
        ("service", "automatic_failover", "Yes", True),
        ("service", "automatic_failover", "true", True),
        ("service", "automatic_failover", "1", True),
        ("service", "automatic_failover", "no", False),
        ("service", "automatic_failover", "FALSE", False),
        ("service", "automatic_failover", "0", False),
        ("service", "automatic_failover", "", False),
        ("service", "restart_minutes", "", None),
        ("service", "restart_minutes", "1:30", 90),
        ("scenario", "returns", "P1=23:00, P2 = 30:00", {"P1": 1380, "P2": 1800}),
        ("scenario", "returns", "P1=90; r1=1.5h", {"P1": 90, "r1": 90}),
        ("scenario", "returns", "  ", {}),
        ("scenario", "declared_after_minutes", "0:40", 40),
        ("service", "rpo_minutes", "0:15", 15),
        ("service", "rpo_minutes", "", None),
        ("service", "failover_tested_on", " 2026-03-01 ", date(2026, 3, 1)),
        ("service", "failover_tested_on", "", None),
        ("service", "failover_tested_on", "never", None),
        ("scenario", "as_of", "2024-02-29", date(2024, 2, 29)),
        ("scenario", "as_of", "—", None),
        ("scenario", "untested_failovers_fail", "yes", True),
        ("plan", "failover_test_max_age_days", "90", 90),
        ("plan", "failover_test_max_age_days", "0", 0),
        (
            "service",
            "data",
            "pg (primary, 0:00): pg-db-01, pangyo\n\n tape (backup, 24:00): gasan\nbare",
            [
                DataCopy("pg", ["pg-db-01", "pangyo"]),
                DataCopy("tape", ["gasan"], 1440, "backup"),
                DataCopy("bare"),
            ],
        ),
        ("service", "data", "r (replica, 5): a; b", [DataCopy("r", ["a", "b"], 5, "replica")]),
        ("service", "data", "r: a", [DataCopy("r", ["a"])]),
        ("service", "data", "  ", []),
    ],
)
def test_one_parser_per_field(kind: str, name: str, text: str, value: Any) -> None:
    assert fields.parse(kind, name, text) == value


@pytest.mark.parametrize(
    ("kind", "name", "text", "reason"),
    [
        ("service", "tier", "7", "one of 0, 1, 2, 3"),
        ("service", "tier", "-1", "one of 0, 1, 2, 3"),
        ("service", "name", "   ", "name is needed"),
        ("site", "name", "", "name is needed"),
        ("plan", "name", " ", "name is needed"),
        ("rack", "site", " ", "id is needed"),
        ("service", "restore_minutes", "", "time is needed"),
        ("service", "rto_minutes", "soon", "'soon' is not a number"),
        ("service", "rto_minutes", "99999999", "longer than ten years"),
        ("service", "min_instances", "5000000", "more than 1,000,000"),
        ("rack", "units", "4.5", "not a whole number"),
        ("service", "needs", "dba", "write pool=units"),
        ("domain", "kind", "  ", "kind is needed"),
        ("domain", "name", "", "name is needed"),
        ("service", "failover_needs", "dba", "write pool=units"),
        ("service", "automatic_failover", "maybe", "write yes or no"),
        ("service", "restart_minutes", "later", "'later' is not a number"),
        ("scenario", "returns", "P1", "write id=h:mm"),
        ("scenario", "returns", "=23:00", "write id=h:mm"),
        ("scenario", "returns", "P1=soon", "'soon' is not a number"),
        ("scenario", "returns", "P1=-5", "is not a number"),
        ("scenario", "declared_after_minutes", "", "time is needed"),
        ("service", "failover_tested_on", "2026-02-30", "not a date of the calendar"),
        ("service", "failover_tested_on", "20260301", "write YYYY-MM-DD"),
        ("service", "failover_tested_on", "1 March", "write YYYY-MM-DD"),
        ("scenario", "as_of", "2026-13-01", "not a date of the calendar"),
        ("plan", "failover_test_max_age_days", "-1", "cannot be negative"),
        ("plan", "failover_test_max_age_days", "a year", "not a whole number"),
        ("service", "data", "x (tape, 0:00): a", "one of primary, replica, backup, offline"),
        ("service", "data", "x (backup, soon): a", "'soon' is not a number"),
        ("service", "data", "(backup): a", "write id (kind, lag): locations"),
    ],
)
def test_the_parser_refuses_with_a_reason(kind: str, name: str, text: str, reason: str) -> None:
    with pytest.raises(fields.ParseError, match=re.escape(reason)):
        fields.parse(kind, name, text)


def test_the_form_labels_are_todays() -> None:
    """The labels shown before the registry existed, kept exactly and in their order (a
    field added later may come in among them)."""
    labels = {kind: [f.form_label for f in fields.form_fields(kind)] for kind in fields.KINDS}
    assert {kind: [x for x in labels[kind] if x in set(TODAY[kind])] for kind in TODAY} == TODAY


TODAY = {
    "plan": ["Plan name", "Notes"],
    "site": ["Name", "Colour", "Notes"],
    "rack": ["Name", "Site", "Units", "Notes"],
    "server": ["Name", "Rack", "Lowest unit", "Height (U)", "Notes"],
    "pool": ["Name", "Capacity", "Notes"],
    "service": [
        "Name", "Tier (0-3)", "RTO (h:mm)", "Restore (h:mm)", "Failover (h:mm)",
        "Min. instances", "Depends on", "Needs (pool=units)", "Owner", "Team", "Notes",
        "Runbook steps",
    ],
    "scenario": ["Name", "Failed items", "Notes"],
}  # fmt: skip


def test_what_the_new_fields_show() -> None:
    # The text each form field shows for the values a person cannot tell apart otherwise.
    assert fields.format_value("service", "failover_needs", None) == ""  # the same as needs
    assert fields.format_value("service", "failover_needs", {}) == "none"  # no pool
    assert fields.format_value("service", "restart_needs", {"dba": 2}) == "dba=2"
    assert fields.format_value("service", "automatic_failover", True) == "yes"
    assert fields.format_value("service", "automatic_failover", False) == "no"
    returns = {"P1": 1380, "P2": 1800}
    assert fields.format_value("scenario", "returns", returns) == "P1=23:00, P2=30:00"
    assert fields.format_value("scenario", "declared_after_minutes", 40) == "0:40"
    labels = [f.form_label for f in fields.form_fields("domain")]
    assert labels == ["Name", "Kind (power, ups, room, ...)", "Site", "Notes"]


def test_the_fields_of_data_and_failover_tests_in_the_form() -> None:
    service = [f.name for f in fields.form_fields("service")]
    assert service.index("rpo_minutes") == service.index("rto_minutes") + 1
    assert "failover_tested_on" in service and "data" not in service  # copies: own editor
    scenario = [f.form_label for f in fields.form_fields("scenario")]
    assert "Untested failovers fail (yes/no)" in scenario
    assert "As of (YYYY-MM-DD; blank: today)" in scenario
    plan = [f.form_label for f in fields.form_fields("plan")]
    assert plan == ["Plan name", "Failover test max. age (days)", "Notes"]
    assert fields.format_value("service", "failover_tested_on", date(2026, 3, 1)) == "2026-03-01"
    assert fields.format_value("service", "failover_tested_on", None) == ""
    copies = [DataCopy("tape", ["gasan", "pg-a01"], 1440, "backup")]
    assert fields.format_value("service", "data", copies) == "tape (backup, 24:00): gasan, pg-a01"


def test_a_new_domain() -> None:
    plan = Plan(sites=[Site("domain1", "A site holding the id")])
    domain = new_domain(plan, site_id="domain1")
    # One namespace: the id a site holds is not handed out again.
    assert (domain.id, domain.name, domain.kind, domain.site) == (
        "domain2", "Domain 2", "power", "domain1"
    )  # fmt: skip
    plan.domains.append(domain)
    assert new_domain(plan, "room").kind == "room"
    assert new_rack(plan, "domain1").id == "rack1"
    assert new_site(plan, 0, 0, 1, 1).id == "site1"
    assert fields.LIST_OF_KIND["domain"] == "domains"


def test_new_items_take_one_set_of_defaults() -> None:
    plan = Plan(sites=[Site("site1", "Taken")], racks=[Rack("rack1", "site1", "Taken")])
    site = new_site(plan, 0, 0, 640, 460)
    rack = new_rack(plan, "site1")
    server = new_server(plan, "rack1", 5)
    assert (site.id, site.name, site.width, site.height) == ("site2", "Site 2", 640, 460)
    assert (rack.id, rack.name, rack.units, rack.x) == ("rack2", "Rack 2", 42, None)
    assert (server.id, server.name, server.position, server.height) == (
        "server1", "Server 1", 5, 1
    )  # fmt: skip
    plan.servers.append(server)
    assert new_server(plan, "rack1", 1, height=2).id == "server2"
