"""The GUI of data copies: the Data tab's editor (cells, buttons, the location picker and
drops from the plan tree, each one undo step), the results table's RPO and Data loss
columns, the lost-data banner, the "untested" badge on failover bars and the scenario
editor's toggle and date."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from planner.engine.recovery import CopyState, RecoveryResult, compute
from planner.gui.copies import (
    COL_KIND,
    COL_LAG,
    COL_ON,
    LOCATION_MIME,
    DataCopiesEditor,
    lag_text,
    location_ids_from_mime,
    parse_lag,
)
from planner.gui.document import PlanDocument
from planner.gui.models.results_model import COL_LOSS, COL_RPO, ResultsModel
from planner.gui.recovery_controller import RecoveryController
from planner.gui.tree import PlanTree
from planner.gui.views.gantt import UNTESTED_TEXT, GanttView
from planner.gui.views.recovery import data_banner_text
from planner.gui.views.scenario_editor import ScenarioEditor
from planner.model.plan import DataCopy
from tests.gui.domain_plans import powered_plan


@pytest.fixture
def editor(qtbot) -> DataCopiesEditor:
    document = PlanDocument(powered_plan())
    widget = DataCopiesEditor(document)
    qtbot.addWidget(widget)
    widget.resize(340, 400)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_service("db")
    return widget


def test_lag_text_and_parse() -> None:
    assert lag_text(0) == "sync" and lag_text(15) == "0:15" and lag_text(1440) == "24:00"
    assert parse_lag("sync") == 0 and parse_lag("1:30") == 90 and parse_lag("15") == 15
    with pytest.raises(ValueError, match="not a lag"):
        parse_lag("soon")


def test_add_and_remove_are_one_undo_step_each(editor) -> None:
    plan, stack = editor.document.plan, editor.document.undo_stack
    editor.location_edit.setText("Pangyo")  # a name works as well as an id
    assert editor.add_copy()
    assert plan.service("db").data == [DataCopy("primary", ["pg"], 0, "primary")]
    assert stack.count() == 1 and stack.undoText() == "Add primary copy of Database on Pangyo"
    assert editor.model.index(0, COL_ON).data() == "Pangyo"
    assert editor.model.index(0, COL_LAG).data() == "sync"
    assert editor.add_copy()  # the second is a replica, nowhere yet
    assert [c.kind for c in plan.service("db").data] == ["primary", "replica"]
    assert editor.model.index(1, COL_ON).data().startswith("(nowhere")
    editor.table.selectRow(1)
    assert editor.remove_selected()
    assert [c.id for c in plan.service("db").data] == ["primary"]
    stack.undo()
    stack.undo()
    assert [c.id for c in plan.service("db").data] == ["primary"]
    stack.undo()
    assert plan.service("db").data == [] and editor.model.rowCount() == 0


def test_cells_edit_the_copy_and_bad_text_is_refused(editor) -> None:
    plan, stack = editor.document.plan, editor.document.undo_stack
    assert editor.drop_locations(["an"], -1)
    model = editor.model
    assert model.setData(model.index(0, COL_LAG), "24:00")
    assert model.setData(model.index(0, COL_KIND), "backup")
    assert model.setData(model.index(0, COL_ON), "Anyang, db-standby")
    assert plan.service("db").data == [DataCopy("primary", ["an", "b1"], 1440, "backup")]
    assert stack.count() == 4
    assert model.index(0, COL_LAG).data() == "24:00"
    assert model.index(0, COL_ON).data() == "Anyang, db-standby"
    assert not model.setData(model.index(0, COL_LAG), "soon")
    assert editor.error.isVisible() and "not a lag" in editor.error.text()
    assert not model.setData(model.index(0, COL_ON), "atlantis")
    assert "'atlantis' is not a server, rack, site or failure domain" in editor.error.text()
    assert stack.count() == 4 and plan.service("db").data[0].lag_minutes == 1440
    stack.undo()
    assert plan.service("db").data[0].on == ["an"]
    assert model.index(0, COL_ON).data() == "Anyang"  # the view follows the one signal


def _drop(editor: DataCopiesEditor, data: QMimeData, row: int) -> None:
    if row >= 0:
        point = editor.table.visualRect(editor.model.index(row, COL_ON)).center()
    else:
        point = editor.table.viewport().rect().bottomLeft() + QPointF(10, -10).toPoint()
    args = (Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton)
    modifiers = Qt.KeyboardModifier.NoModifier
    viewport = editor.table.viewport()
    enter = QDragEnterEvent(point, *args, modifiers)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(viewport, QDragMoveEvent(point, *args, modifiers))
    QApplication.sendEvent(viewport, QDropEvent(QPointF(point), *args, modifiers))


def test_a_tree_drag_dropped_on_a_copy_adds_to_it_and_below_makes_a_new_copy(editor, qtbot) -> None:
    plan, stack = editor.document.plan, editor.document.undo_stack
    tree = PlanTree(editor.document)
    qtbot.addWidget(tree)
    tree.expandAll()
    site = tree.item_for("site", "an")
    rack = tree.item_for("rack", "r3")
    service = tree.item_for("service", "db")
    assert site is not None and rack is not None and service is not None
    data = tree.mimeData([site, service])  # only locations travel
    assert location_ids_from_mime(data) == ["an"]
    _drop(editor, data, -1)
    assert plan.service("db").data == [DataCopy("primary", ["an"], 0, "primary")]
    _drop(editor, tree.mimeData([rack]), 0)
    assert plan.service("db").data[0].on == ["an", "r3"]
    assert stack.count() == 2 and stack.undoText() == "Copy primary also on Rack 3 of Database"
    _drop(editor, tree.mimeData([rack]), 0)  # already there: refused, said, nothing changes
    assert stack.count() == 2 and "already there" in editor.error.text()
    stack.undo()
    assert plan.service("db").data[0].on == ["an"]


def test_a_rack_view_server_drag_is_a_location_too() -> None:
    from planner.gui.views.rack import SERVER_MIME

    data = QMimeData()
    data.setData(SERVER_MIME, b'{"id": "s1", "grab": 0}')
    data.setData(LOCATION_MIME, b'["pg", "s1", 3]')
    assert location_ids_from_mime(data) == ["pg", "s1"]


def test_the_editor_follows_renames_of_its_locations(editor) -> None:
    from planner.model.edits import SetFields

    assert editor.drop_locations(["s1"], -1)
    editor.document.push(SetFields("server", "s1", name="db-one"))
    assert editor.model.index(0, COL_ON).data() == "db-one"
    editor.set_service(None)
    assert not editor.add_button.isEnabled() and editor.model.rowCount() == 0


# ---------------------------------------------------------------- results


def _data_result() -> RecoveryResult:
    """The powered plan's fire with data fields as the engine fills them: the database
    fails over on an untested path and keeps 5 minutes; the mail's data is gone."""
    result = compute(powered_plan(), "fire", check=False)
    rows = {
        "db": {
            "rpo_minutes": 15,
            "data_loss_minutes": 5,
            "meets_rpo": True,
            "copies": (CopyState("primary", "destroyed"), CopyState("replica", "available")),
            "failover_untested": True,
        },
        "mail": {
            "rpo_minutes": 60,
            "data_lost": True,
            "meets_rpo": False,
            "copies": (CopyState("primary", "destroyed"),),
        },
        "web": {
            "rpo_minutes": 0,
            "data_loss_minutes": 30,
            "meets_rpo": False,
            "copies": (CopyState("backup", "unavailable", 1800.0),),
        },
    }
    services = tuple(dataclasses.replace(s, **rows.get(s.id, {})) for s in result.services)
    return dataclasses.replace(
        result, services=services, data_lost=("mail",), rpo_misses=("web", "mail")
    )


def test_the_results_table_shows_rpo_and_data_loss_with_lost_in_red() -> None:
    model = ResultsModel()
    model.set_result(_data_result())
    row = {model.service_at(r).id: r for r in range(model.rowCount())}
    assert model.headerData(COL_RPO, Qt.Orientation.Horizontal) == "RPO"
    assert model.headerData(COL_LOSS, Qt.Orientation.Horizontal) == "Data loss"
    assert model.index(row["db"], COL_RPO).data() == "0:15"
    assert model.index(row["db"], COL_LOSS).data() == "0:05"
    assert model.index(row["mail"], COL_LOSS).data() == "lost"
    assert model.index(row["web"], COL_LOSS).data() == "0:30 ✗"
    red = model.index(row["mail"], COL_LOSS).data(Qt.ItemDataRole.ForegroundRole).color().name()
    assert red == "#c62828" or red.startswith("#")
    assert model.index(row["db"], COL_LOSS).data(Qt.ItemDataRole.ForegroundRole) is None
    tip = model.index(row["web"], COL_LOSS).data(Qt.ItemDataRole.ToolTipRole)
    assert "more than its RPO of 0:00" in tip and "backup: unavailable until T+30:00" in tip
    model.sort(COL_LOSS, Qt.SortOrder.DescendingOrder)
    assert model.service_at(0).id == "mail"


def test_the_banner_names_the_lost_data_first() -> None:
    text, tip = data_banner_text(_data_result())
    assert text.startswith("Data lost for good: Mail (every copy destroyed)")
    assert "RPO missed by 2 services: Web, Mail" in text
    assert "Mail: 0 of 1 copy survives" in tip
    clean = compute(powered_plan(), "fire", check=False)
    assert data_banner_text(clean) == ("", "")
    # With the plan, the tooltip says it in the CLI's and the runbook's words.
    plan = powered_plan()
    plan.service("mail").data = [DataCopy("primary", ["s3"])]
    _, tip = data_banner_text(_data_result(), plan)
    assert tip.splitlines()[0] == "mail: every copy was in Pangyo; 0 of 1 copy survives"
    assert len(tip.splitlines()) == 2  # Mail once, though it is lost and misses its RPO


def test_a_failover_on_an_untested_path_has_a_badge(qtbot) -> None:
    view = GanttView()
    qtbot.addWidget(view)
    view.resize(1000, 300)
    view.show()
    view.set_result(_data_result())
    badge = view.untested_badge("db")
    bar = view.bar_rect("db")
    assert badge is not None and bar is not None
    assert badge.left() >= bar.right() and abs(badge.center().y() - bar.center().y()) < 1
    assert view.untested_badge("mail") is None  # a restore has none
    assert UNTESTED_TEXT in "untested"
    row = next(r for r in view._rows if r.service is not None and r.service.id == "db")
    assert "Untested failover" in view._tooltip(row)
    view.grab()  # it paints


# ---------------------------------------------------------------- scenario editor


def test_the_scenario_toggle_and_date_are_one_edit_each(qtbot) -> None:
    document = PlanDocument(powered_plan())
    recovery = RecoveryController(document)
    widget = ScenarioEditor(document, recovery)
    qtbot.addWidget(widget)
    widget.resize(320, 600)
    widget.show()
    recovery.set_scenario("fire")
    scenario, stack = document.plan.scenario("fire"), document.undo_stack
    assert not widget.untested_box.isChecked() and widget.as_of_edit.text() == ""
    widget.untested_box.setChecked(True)
    assert scenario.untested_failovers_fail is True and stack.count() == 1
    widget.as_of_edit.setText("2022-10-15")
    widget.as_of_edit.editingFinished.emit()
    assert scenario.as_of == date(2022, 10, 15) and stack.count() == 2
    widget.as_of_edit.setText("15 Oct")
    widget.as_of_edit.editingFinished.emit()
    assert widget.as_of_error.isVisible() and "2026-03-01" in widget.as_of_error.text()
    assert scenario.as_of == date(2022, 10, 15) and stack.count() == 2
    stack.undo()
    assert widget.as_of_edit.text() == "" and not widget.as_of_error.isVisible()
    stack.undo()
    assert not widget.untested_box.isChecked() and scenario.untested_failovers_fail is False
    recovery.wait_until_current()


def test_the_service_form_shows_rpo_and_the_test_date_within_the_dock(qtbot) -> None:
    from PySide6.QtWidgets import QLabel

    from planner.gui.properties import DOCK_WIDTH_CHARS, PropertiesPanel

    document = PlanDocument(powered_plan())
    panel = PropertiesPanel(document)
    qtbot.addWidget(panel)
    panel.show()
    document.select([("service", "db")])
    assert {"rpo_minutes", "failover_tested_on"} <= set(panel.editors)
    label = panel.findChild(QLabel, "label-failover_tested_on")
    assert label is not None and label.text() == "Failover tested on"  # the hint is in the field
    assert panel.editors["failover_tested_on"].placeholderText().startswith("YYYY-MM-DD")
    assert panel.findChild(QLabel, "label-rpo_minutes").text() == "RPO (h:mm)"
    panel.editors["rpo_minutes"].setText("0:15")
    panel.editors["rpo_minutes"].editingFinished.emit()
    panel.editors["failover_tested_on"].setText("2026-03-01")
    panel.editors["failover_tested_on"].editingFinished.emit()
    service = document.plan.service("db")
    assert service.rpo_minutes == 15 and service.failover_tested_on == date(2026, 3, 1)
    assert document.undo_stack.count() == 2
    assert panel.sizeHint().width() <= panel.fontMetrics().horizontalAdvance("0") * DOCK_WIDTH_CHARS


def test_the_failover_list_marks_untested_failovers_on_the_scenario_date(qtbot) -> None:
    from planner.model.edits import SetFields
    from planner.model.edits import copies as copy_edits

    document = PlanDocument(powered_plan())
    recovery = RecoveryController(document)
    widget = ScenarioEditor(document, recovery)
    qtbot.addWidget(widget)
    recovery.set_scenario("fire")

    def text(service_id: str) -> str:
        return widget._failover_rows[service_id].text()

    assert text("db") == "Database  (failover 0:15, untested)"
    document.push(SetFields("service", "db", failover_tested_on=date(2022, 1, 10)))
    document.push(copy_edits.set_as_of(document.plan, "fire", date(2023, 1, 10)))
    assert text("db") == "Database  (failover 0:15)"  # 365 days: still tested
    document.push(copy_edits.set_as_of(document.plan, "fire", date(2023, 1, 11)))
    assert text("db") == "Database  (failover 0:15, untested)"
    assert "more than 365 days before 2023-01-11" in widget._failover_rows["db"].toolTip()
    document.push(SetFields("plan", "", failover_test_max_age_days=400))
    assert text("db") == "Database  (failover 0:15)"
    recovery.wait_until_current()


# ---------------------------------------------------------------- with the engine


def _lost_plan():  # type: ignore[no-untyped-def]
    """The powered plan with copies: the database in Pangyo and Anyang (5 min behind),
    the mail only on its Room 2 server (a room the fire takes for good)."""
    plan = powered_plan()
    plan.service("db").data = [DataCopy("primary", ["s1"]), DataCopy("replica", ["an"], 5)]
    plan.service("db").rpo_minutes = 15
    plan.service("mail").data = [DataCopy("primary", ["s3"])]
    return plan


def test_the_recovery_view_shows_the_banner_and_the_data_columns(qtbot) -> None:
    from planner.gui.models.results_model import COL_LOSS, COL_RPO
    from planner.gui.views.recovery import RecoveryView

    document = PlanDocument(_lost_plan())
    recovery = RecoveryController(document, debounce_ms=10)
    view = RecoveryView(document, recovery)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    qtbot.waitExposed(view)
    recovery.set_scenario("fire")
    qtbot.waitUntil(lambda: recovery.is_current and recovery.result is not None, timeout=10_000)
    result = recovery.result
    assert result is not None and result.data_lost == ("mail",)
    assert view.data_banner.isVisible()
    assert view.data_banner.text().startswith("Data lost for good: Mail (every copy destroyed)")
    assert "mail: every copy was in Pangyo; 0 of 1 copy survives" in view.data_banner.toolTip()
    assert not view.table.isColumnHidden(COL_RPO) and not view.table.isColumnHidden(COL_LOSS)
    row = view.results_model.row_of("mail")
    assert view.results_model.index(row, COL_LOSS).data() == "lost"
    # The same view on a plan that records no data: no banner, no data columns.
    document.replace(powered_plan(), None)
    recovery.set_scenario("fire")
    qtbot.waitUntil(
        lambda: (
            recovery.is_current and recovery.result is not None and not recovery.result.data_lost
        ),
        timeout=10_000,
    )
    qtbot.waitUntil(lambda: not view.data_banner.isVisible(), timeout=10_000)
    assert view.table.isColumnHidden(COL_RPO) and view.table.isColumnHidden(COL_LOSS)
    recovery.wait_until_current()


def test_the_data_tab_says_what_the_scenario_leaves(qtbot) -> None:
    document = PlanDocument(_lost_plan())
    recovery = RecoveryController(document, debounce_ms=10)
    editor = DataCopiesEditor(document, recovery)
    qtbot.addWidget(editor)
    editor.show()
    recovery.set_scenario("fire")
    editor.set_service("mail")
    qtbot.waitUntil(lambda: recovery.is_current and recovery.result is not None, timeout=10_000)
    qtbot.waitUntil(editor.outcome.isVisible, timeout=10_000)
    assert editor.outcome.text() == (
        "In Battery room fire: every copy was in Pangyo; 0 of 1 copy survives (primary destroyed)"
    )
    editor.set_service("db")
    assert editor.outcome.text() == (  # feed P1 is back at T+30:00: the primary survives
        "In Battery room fire: loses no writes (RPO 15 min): met "
        "(primary unavailable until T+30:00, replica available)"
    )
    # A copy added where the fire does not reach: the line follows the new result.
    editor.set_service("mail")
    assert editor.drop_locations(["an"], 0)
    qtbot.waitUntil(lambda: "1 of 1" not in editor.outcome.text()
                    and "loses no writes" in editor.outcome.text(), timeout=10_000)  # fmt: skip
    recovery.wait_until_current()
