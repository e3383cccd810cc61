"""Failure domains in the window: a group in the plan tree with add, rename and delete
like other items, their fields in Properties, and the Scenario tab of the dock."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from planner.gui.document import PlanDocument
from planner.gui.main_window import MainWindow
from tests.gui.domain_plans import powered_plan


@pytest.fixture
def window(qtbot, tmp_path: Path) -> MainWindow:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    made = MainWindow(PlanDocument(powered_plan()), settings, tmp_path / "autosave")
    made.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
    qtbot.addWidget(made)
    made.resize(1366, 768)
    made.show()
    qtbot.waitExposed(made)
    return made


def _group(window: MainWindow, kind: str):  # type: ignore[no-untyped-def]
    return window.tree._groups[kind]


def test_domains_are_a_group_of_the_tree(window) -> None:
    group = _group(window, "domain")
    assert group.text(0) == "Domains (4)"
    rows = [group.child(i).text(0) for i in range(group.childCount())]
    assert rows == ["Power feed 1  (power)", "Power feed 2  (power)", "Room 1  (room)",
                    "Room 2  (room)"]  # fmt: skip


def test_a_domain_is_added_renamed_and_deleted_like_other_items(window) -> None:
    document = window.document
    window.document.select([("domain", "P2")])
    assert window.add_domain()
    added = document.plan.domains[-1]
    assert added.kind == "power" and document.selection == [("domain", added.id)]
    assert _group(window, "domain").text(0) == "Domains (5)"
    properties = window.properties
    assert set(properties.editors) >= {"id", "name", "kind", "site", "notes"}
    properties.editors["name"].setText("Feed C")
    properties.editors["name"].editingFinished.emit()
    assert document.plan.domain(added.id).name == "Feed C"
    assert window.tree.item_for("domain", added.id).text(0) == "Feed C  (power)"
    # rename P1: racks and the scenario follow
    document.select([("domain", "P1")])
    window.properties.editors["id"].setText("PA")
    window.properties.editors["id"].editingFinished.emit()
    plan = document.plan
    assert plan.rack("r1").domains[0] == "PA" and plan.scenario("fire").failed[0] == "PA"
    assert plan.scenario("fire").returns == {"PA": 1800}
    document.select([("domain", "PA")])
    window.delete_selection()
    assert plan.domain("PA") is None and "PA" not in plan.rack("r1").domains
    assert _group(window, "domain").text(0) == "Domains (4)"
    for _ in range(4):
        document.undo_stack.undo()
    assert plan.domain("P1") is not None and plan.scenario("fire").returns == {"P1": 1800}
    assert _group(window, "domain").text(0) == "Domains (4)"


def test_the_scenario_tab_edits_the_scenario_shown(window) -> None:
    window._activate("scenario", "fire")
    assert window.side_tabs.currentWidget() is window.scenario_editor
    assert window.scenario_editor.failed_model.ids == ["P1", "R2"]
    window._activate("domain", "R1")
    assert window.tabs.currentWidget() is window.floor
    assert window.floor.scene.colour_kind == "room"
