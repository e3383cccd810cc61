"""The scenario editor: failed items with their return times, the declaration delay and
the automatic failovers, each edit one undo step, bad text refused at the field."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from planner.gui.document import PlanDocument
from planner.gui.recovery_controller import RecoveryController
from planner.gui.views.scenario_editor import COL_BACK, ERROR_ROLE, ID_ROLE, ScenarioEditor
from planner.model.edits import scenarios as scenario_edits
from tests.gui.domain_plans import powered_plan


@pytest.fixture
def editor(qtbot) -> ScenarioEditor:
    document = PlanDocument(powered_plan())
    recovery = RecoveryController(document)
    widget = ScenarioEditor(document, recovery)
    qtbot.addWidget(widget)
    widget.resize(320, 600)
    widget.show()
    qtbot.waitExposed(widget)
    recovery.set_scenario("fire")
    return widget


def cell(editor: ScenarioEditor, item_id: str):
    row = editor.failed_model.ids.index(item_id)
    return editor.failed_model.index(row, COL_BACK)


def test_it_lists_the_failed_items_with_their_return_times(editor) -> None:
    model = editor.failed_model
    assert model.ids == ["P1", "R2"]
    assert model.index(0, 0).data() == "Power feed 1 (power feed)"
    assert cell(editor, "P1").data() == "T+30:00"
    assert cell(editor, "R2").data() == "never"
    assert editor.declared_edit.text() == "0:40"
    assert editor.heading.text() == "Scenario Battery room fire"


def test_a_return_time_is_one_edit_and_undoes(editor) -> None:
    plan = editor.document.plan
    stack = editor.document.undo_stack
    assert editor.failed_model.setData(cell(editor, "R2"), "T+86:00")
    assert plan.scenario("fire").returns == {"P1": 1800, "R2": 5160}
    assert stack.count() == 1 and stack.undoText() == "Room 2 back T+86:00 in Battery room fire"
    assert cell(editor, "R2").data() == "T+86:00"
    assert editor.failed_model.setData(cell(editor, "P1"), "never")
    assert plan.scenario("fire").returns == {"R2": 5160}
    stack.undo()
    stack.undo()
    assert plan.scenario("fire").returns == {"P1": 1800}
    assert cell(editor, "R2").data() == "never"


@pytest.mark.parametrize("text", ["soon", "-1:00", "1:75"])
def test_a_bad_return_time_is_refused_at_the_cell(editor, text: str) -> None:
    before = dict(editor.document.plan.scenario("fire").returns)
    assert not editor.failed_model.setData(cell(editor, "P1"), text)
    assert editor.document.plan.scenario("fire").returns == before
    assert editor.document.undo_stack.count() == 0
    why = cell(editor, "P1").data(ERROR_ROLE)
    assert why.startswith("Power feed 1 (power feed): ") and text.strip("-") in why
    assert editor.failed_error.isVisible() and editor.failed_error.text() == why
    assert editor.failed_model.setData(cell(editor, "P1"), "31:00")
    assert cell(editor, "P1").data(ERROR_ROLE) is None and not editor.failed_error.isVisible()


def test_the_declaration_delay_is_edited_and_refused_at_the_field(editor) -> None:
    scenario = editor.document.plan.scenario("fire")
    editor.declared_edit.setText("1:05")
    editor.declared_edit.editingFinished.emit()
    assert scenario.declared_after_minutes == 65
    editor.declared_edit.setText("later")
    editor.declared_edit.editingFinished.emit()
    assert scenario.declared_after_minutes == 65
    assert editor.declared_error.isVisible()
    assert editor.declared_error.text().startswith("Declared after: 'later'")
    editor.document.undo_stack.undo()
    assert scenario.declared_after_minutes == 40
    assert editor.declared_edit.text() == "0:40"


def test_items_are_added_and_removed_with_their_return(editor, qtbot) -> None:
    plan = editor.document.plan
    editor.add_edit.setText("r1, nowhere")
    assert not editor.add_typed()
    assert "'nowhere' is not a site, rack, server or failure domain" in editor.add_error.text()
    editor.add_edit.setText("r1")
    assert editor.add_typed()
    assert plan.scenario("fire").failed == ["P1", "R2", "r1"]
    assert editor.failed_model.ids == ["P1", "R2", "r1"]
    editor.table.selectRow(0)  # P1, which has a return time
    editor.table.setFocus()
    qtbot.keyClick(editor.table, Qt.Key.Key_Delete)
    assert plan.scenario("fire").failed == ["R2", "r1"]
    assert plan.scenario("fire").returns == {}
    editor.document.undo_stack.undo()
    assert plan.scenario("fire").failed == ["P1", "R2", "r1"]
    assert plan.scenario("fire").returns == {"P1": 1800}


def test_failovers_are_made_automatic_with_a_checkbox(editor) -> None:
    rows = {editor.failovers.item(i).data(ID_ROLE): editor.failovers.item(i)
            for i in range(editor.failovers.count())}  # fmt: skip
    assert set(rows) == {"db", "mail"}  # web cannot fail over
    rows["db"].setCheckState(Qt.CheckState.Checked)
    plan = editor.document.plan
    assert plan.service("db").automatic_failover is True
    assert editor.document.undo_stack.undoText() == "Automatic failover of Database"
    editor.document.undo_stack.undo()
    assert plan.service("db").automatic_failover is False
    assert rows["db"].checkState() == Qt.CheckState.Unchecked


def test_ad_hoc_failures_have_nothing_to_edit(editor) -> None:
    editor.recovery.set_scenario(None)
    assert not editor.body.isVisible()
    assert "Choose a scenario" in editor.hint.text()


def test_a_failed_domain_toggles_through_one_edit() -> None:
    plan = powered_plan()
    edit = scenario_edits.toggle_failed(plan, "fire", "P1")
    edit.apply(plan)
    assert plan.scenario("fire").failed == ["R2"] and plan.scenario("fire").returns == {}
    edit.revert(plan)
    assert plan.scenario("fire").failed == ["P1", "R2"]
    again = scenario_edits.toggle_failed(plan, "none", "P2")
    assert again.label == "Fail Power feed 2 in Nothing"


def test_a_scenario_name_with_markup_is_shown_as_written(qtbot) -> None:
    from planner.model.edits import SetFields

    document = PlanDocument(powered_plan())
    recovery = RecoveryController(document)
    widget = ScenarioEditor(document, recovery)
    qtbot.addWidget(widget)
    recovery.set_scenario("fire")
    assert document.push(SetFields("scenario", "fire", name="<b>Fire</b> &amp;"))
    qtbot.waitUntil(lambda: "<b>Fire</b>" in widget.heading.text())
    # Shown as plain text: the tags are on screen, not bold type, and "&amp;" stays.
    assert widget.heading.textFormat() == Qt.TextFormat.PlainText
    assert widget.heading.text() == "Scenario <b>Fire</b> &amp;"
