"""Properties and the services table parse a typed value with the one parser of the field
registry: both accept an RTO of ``1:30``, both refuse tier 7 and a blank name, with the
same reason, and both store the same value."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from planner.gui.document import PlanDocument
from planner.gui.models.services_model import COLUMN, COLUMNS, ERROR_ROLE, ServicesModel
from planner.gui.properties import FIELDS, PropertiesPanel
from planner.model import Plan, Service, fields

REFUSED = object()


def plan() -> Plan:
    return Plan(
        services=[
            Service("db", "Database", tier=0, restore_minutes=60),
            Service("web", "Web", tier=2, rto_minutes=240, restore_minutes=30,
                    failover_minutes=10, owner="Lee", team="Front"),
        ]
    )  # fmt: skip


CASES = [
    ("rto_minutes", "1:30", 90),
    ("rto_minutes", "90", 90),
    ("rto_minutes", "", None),
    ("rto_minutes", "soon", REFUSED),
    ("restore_minutes", "1h", 60),
    ("restore_minutes", "", REFUSED),
    ("failover_minutes", "", None),
    ("tier", "1", 1),
    ("tier", "7", REFUSED),
    ("tier", "x", REFUSED),
    ("name", "  ", REFUSED),
    ("name", " Website ", "Website"),
    ("owner", " Kim ", "Kim"),
    ("team", "", None),
    ("depends_on", "db, db", ["db"]),
]


def through_the_panel(qtbot, name: str, text: str) -> tuple[Any, str | None]:
    document = PlanDocument(plan())
    panel = PropertiesPanel(document)
    qtbot.addWidget(panel)
    document.select([("service", "web")])
    editor = panel.editors[name]
    assert isinstance(editor, QLineEdit)
    editor.setText(text)
    editor.editingFinished.emit()
    return getattr(document.plan.service("web"), name), panel.errors.get(name)


def through_the_table(name: str, text: str) -> tuple[Any, str | None]:
    document = PlanDocument(plan())
    model = ServicesModel(document)
    column = next(i for i, c in enumerate(COLUMNS) if c.field == name)
    index = model.index(model.row_of("web"), column)
    accepted = model.setData(index, text)
    error = index.data(ERROR_ROLE)
    assert accepted == (error is None)
    return getattr(document.plan.service("web"), name), error


@pytest.mark.parametrize(("name", "text", "expected"), CASES)
def test_both_widgets_parse_alike(qtbot, name: str, text: str, expected: Any) -> None:
    old = getattr(plan().service("web"), name)
    panel_value, panel_error = through_the_panel(qtbot, name, text)
    table_value, table_error = through_the_table(name, text)
    if expected is REFUSED:
        with pytest.raises(fields.ParseError) as refusal:
            fields.parse("service", name, text)
        assert panel_value == table_value == old
        assert panel_error == str(refusal.value)  # the registry's reason, at the field
        assert table_error is not None and table_error.endswith(f": {refusal.value}")
    else:
        assert panel_error is None and table_error is None
        assert panel_value == table_value == expected


def test_the_panel_accepts_rto_1_30_and_refuses_tier_7_and_a_blank_name(qtbot) -> None:
    document = PlanDocument(plan())
    panel = PropertiesPanel(document)
    qtbot.addWidget(panel)
    document.select([("service", "web")])
    for name, text in (("rto_minutes", "1:30"), ("tier", "7"), ("name", "")):
        editor = panel.editors[name]
        assert isinstance(editor, QLineEdit)
        editor.setText(text)
        editor.editingFinished.emit()
    web = document.plan.service("web")
    assert web is not None and (web.rto_minutes, web.tier, web.name) == (90, 2, "Web")
    assert set(panel.errors) == {"tier", "name"}
    assert document.undo_stack.count() == 1


def test_the_table_accepts_rto_1_30_and_refuses_tier_7_and_a_blank_name() -> None:
    document = PlanDocument(plan())
    model = ServicesModel(document)
    row = model.row_of("web")
    assert model.setData(model.index(row, COLUMN["rto"]), "1:30")
    assert not model.setData(model.index(row, COLUMN["tier"]), "7")
    assert not model.setData(model.index(row, COLUMN["name"]), "")
    web = document.plan.service("web")
    assert web is not None and (web.rto_minutes, web.tier, web.name) == (90, 2, "Web")
    assert set(model.errors) == {("web", "tier"), ("web", "name")}
    assert document.undo_stack.count() == 1


def test_labels_and_values_shown_are_the_registrys(qtbot) -> None:
    document = PlanDocument(plan())
    panel = PropertiesPanel(document)
    qtbot.addWidget(panel)
    document.select([("service", "web")])
    model = ServicesModel(document)
    row = model.row_of("web")
    web = document.plan.service("web")
    for field in FIELDS["service"]:
        shown = panel.editors[field.name]
        text = shown.text() if isinstance(shown, QLineEdit) else shown.toPlainText()
        assert text == field.format(getattr(web, field.name)), field.name
    titles = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]
    today = [
        "Id", "Name", "Tier", "RTO", "Restore", "Failover", "Servers", "Depends on",
        "Pools needed", "Owner", "Team", "State", "Recovered", "Met RTO",
    ]  # fmt: skip
    assert [title for title in titles if title in today] == today  # a new field may join
    shown_cells = [model.index(row, i).data() for i in range(11)]
    assert shown_cells == [
        "web", "Web", "2", "4:00", "0:30", "0:10", "0 / 0", "", "", "Lee", "Front",
    ]  # fmt: skip
    db_row = model.row_of("db")
    assert model.index(db_row, COLUMN["rto"]).data() == "—"  # no RTO: a dash
    assert model.index(db_row, COLUMN["owner"]).data() == ""
