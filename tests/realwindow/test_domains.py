"""Real clicks and keys on the domain views: a power feed failed with a click on the
floor's legend (and undone with Ctrl+Z), and a return time typed into the scenario
editor with the keyboard alone."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from planner.gui.document import PlanDocument
from planner.gui.main_window import MainWindow
from tests.gui.domain_plans import powered_plan
from tests.realwindow import xdo
from tests.realwindow.windows import shown_window


def _window(qtbot, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    window = shown_window(qtbot, tmp_path, PlanDocument(powered_plan()))
    window.recovery.set_scenario("fire")
    return window


def _centre(widget: QWidget) -> tuple[int, int]:
    point = widget.mapToGlobal(widget.rect().center())
    return point.x(), point.y()


def test_a_click_on_the_legend_fails_a_power_feed_and_ctrl_z_undoes_it(qtbot, tmp_path) -> None:
    window = _window(qtbot, tmp_path)
    window.tabs.setCurrentWidget(window.floor)
    window.floor.colour_by("power")
    button = window.floor.legend_buttons["P2"]
    qtbot.waitUntil(button.isVisible, timeout=10_000)
    # Laid out and painted where it will stay before the pointer goes there.
    qtbot.waitUntil(lambda: window.floor.legend.height() >= button.height() > 0)
    QApplication.processEvents()
    window.repaint()
    scenario = window.document.plan.scenario("fire")
    assert scenario is not None and "P2" not in scenario.failed
    xdo.click(*_centre(button))
    qtbot.waitUntil(lambda: "P2" in scenario.failed, timeout=10_000)
    assert window.document.undo_stack.undoText() == "Fail Power feed 2 in Battery room fire"
    qtbot.waitUntil(lambda: window.floor.legend_buttons["P2"].isChecked(), timeout=10_000)
    xdo.click(*_centre(window.floor.canvas))  # the focus on the floor, as a person's would be
    xdo.key("ctrl+z")
    qtbot.waitUntil(lambda: "P2" not in scenario.failed, timeout=10_000)
    assert scenario.failed == ["P1", "R2"]


def test_a_return_time_is_typed_into_the_scenario_editor(qtbot, tmp_path) -> None:
    window = _window(qtbot, tmp_path)
    editor = window.scenario_editor
    window.side_tabs.setCurrentWidget(editor)
    qtbot.waitUntil(editor.table.isVisible, timeout=10_000)
    scenario = window.document.plan.scenario("fire")
    assert scenario is not None
    # Click the item cell of R2 (never back), then only keys: Tab to nothing, arrows.
    row = editor.failed_model.ids.index("R2")
    table = editor.table
    rect = table.visualRect(editor.failed_model.index(row, 0))
    point = table.viewport().mapToGlobal(rect.center())
    xdo.click(point.x(), point.y())
    qtbot.waitUntil(lambda: table.currentIndex().row() == row, timeout=10_000)
    xdo.key("Right")
    qtbot.waitUntil(lambda: table.currentIndex().column() == 1, timeout=10_000)
    xdo.type_text("soon")
    xdo.key("Return")
    qtbot.waitUntil(editor.failed_error.isVisible, timeout=10_000)
    assert editor.failed_error.text().startswith("Room 2 (room): 'soon' is not a time")
    assert "R2" not in scenario.returns
    xdo.key("F2", "ctrl+a")
    xdo.type_text("86:00")
    xdo.key("Return")
    qtbot.waitUntil(lambda: scenario.returns.get("R2") == 5160, timeout=10_000)
    assert not editor.failed_error.isVisible()
    assert editor.failed_model.index(row, 1).data() == "T+86:00"
    xdo.key("ctrl+z")
    qtbot.waitUntil(lambda: "R2" not in scenario.returns, timeout=10_000)
    QApplication.processEvents()
    assert editor.failed_model.index(row, 1).data() == "never"


def test_a_right_click_on_a_rack_fails_its_power_feed_from_the_menu(qtbot, tmp_path) -> None:
    window = _window(qtbot, tmp_path)
    window.tabs.setCurrentWidget(window.floor)
    floor = window.floor
    floor.colour_by("power")
    floor.canvas.fit_all()
    QApplication.processEvents()
    rack = floor.scene.rack_items["r3"]
    view_point = floor.canvas.mapFromScene(rack.sceneBoundingRect().center())
    point = floor.canvas.viewport().mapToGlobal(view_point)
    scenario = window.document.plan.scenario("fire")
    assert scenario is not None
    xdo.click(point.x(), point.y(), button=3)
    qtbot.waitUntil(lambda: floor.canvas.last_menu is not None, timeout=10_000)
    menu = floor.canvas.last_menu
    qtbot.waitUntil(menu.isVisible, timeout=10_000)
    first = menu.actions()[0]
    assert first.text() == "Fail power feed Power feed 2 in Battery room fire"
    xdo.key("Down")
    qtbot.waitUntil(lambda: menu.activeAction() is first, timeout=10_000)
    xdo.key("Return")
    qtbot.waitUntil(lambda: "P2" in scenario.failed, timeout=10_000)
    assert window.document.undo_stack.undoText() == "Fail Power feed 2 in Battery room fire"
