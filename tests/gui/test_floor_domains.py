"""The floor coloured by failure domain: one colour per domain, a dual-fed rack split,
a legend naming each domain, and a domain failed with a click (one undoable edit)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QLinearGradient

from planner.gui.document import PlanDocument
from planner.gui.recovery_controller import RecoveryController
from planner.gui.views.floor import FloorView
from planner.layout import domains as domain_rules
from planner.model.edits import SetFields
from tests.gui.domain_plans import powered_plan


@pytest.fixture
def floor(qtbot) -> FloorView:
    document = PlanDocument(powered_plan())
    recovery = RecoveryController(document)
    view = FloorView(document, recovery)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    qtbot.waitExposed(view)
    recovery.set_scenario("fire")
    return view


def test_the_kinds_of_the_plan_are_offered(floor) -> None:
    combo = floor.colour_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Recovery state", "Power domains", "Room domains"]  # fmt: skip
    assert not floor.legend.isVisible()


def test_racks_take_the_colour_of_their_feed_and_a_dual_fed_rack_is_split(floor) -> None:
    floor.colour_by("power")
    colours = domain_rules.domain_colours(floor.document.plan, "power")
    assert colours["P1"] != colours["P2"]
    items = floor.scene.rack_items
    assert items["r1"].brush().color().name() == colours["P1"]
    assert items["r3"].brush().color().name() == colours["P2"]
    split = items["r2"].brush().gradient()
    assert isinstance(split, QLinearGradient)
    stops = {colour.name() for _, colour in split.stops()}
    assert stops == {colours["P1"], colours["P2"]}
    assert items["a1"].brush().style() == Qt.BrushStyle.Dense5Pattern  # no power domain
    legend = floor.legend_buttons
    assert floor.legend.isVisible() and set(legend) == {"P1", "P2"}
    assert legend["P1"].text() == "Power feed 1 (failed, back T+30:00)" and legend["P1"].isChecked()
    assert legend["P2"].text() == "Power feed 2"


def test_a_click_on_the_legend_fails_the_domain_in_the_scenario(floor, qtbot) -> None:
    floor.colour_by("power")
    scenario = floor.document.plan.scenario("fire")
    qtbot.mouseClick(floor.legend_buttons["P2"], Qt.MouseButton.LeftButton)
    assert scenario.failed == ["P1", "R2", "P2"]
    assert floor.document.undo_stack.undoText() == "Fail Power feed 2 in Battery room fire"
    assert floor.legend_buttons["P2"].isChecked()
    assert floor.scene.rack_failed("r3")
    qtbot.mouseClick(floor.legend_buttons["P1"], Qt.MouseButton.LeftButton)
    assert scenario.failed == ["R2", "P2"] and scenario.returns == {}
    floor.document.undo_stack.undo()
    floor.document.undo_stack.undo()
    assert scenario.failed == ["P1", "R2"] and scenario.returns == {"P1": 1800}
    assert not floor.legend_buttons["P2"].isChecked()


def test_the_rack_menu_fails_each_of_its_domains(floor) -> None:
    menu = floor.rack_menu("r2")
    texts = [a.text() for a in menu.actions() if a.data()]
    assert texts == [
        "Restore power feed Power feed 1 in Battery room fire",
        "Fail power feed Power feed 2 in Battery room fire",
        "Fail room Room 1 in Battery room fire",
        "Fail rack Rack 2 in Battery room fire",
    ]
    next(a for a in menu.actions() if a.data() == "R1").trigger()
    assert floor.document.plan.scenario("fire").failed == ["P1", "R2", "R1"]


def test_ad_hoc_the_click_fails_ad_hoc(floor) -> None:
    floor.recovery.set_scenario(None)
    floor.colour_by("room")
    assert floor.fail_domain("R1")
    assert floor.recovery.adhoc_failed == ["R1"]
    assert floor.document.undo_stack.count() == 0


def test_the_colours_follow_the_plan(floor) -> None:
    floor.colour_by("power")
    document = floor.document
    document.push(SetFields("rack", "r1", domains=["P2", "R1"]))
    colours = floor.scene.domain_colours
    assert floor.scene.rack_items["r1"].brush().color().name() == colours["P2"]
    document.undo_stack.undo()
    assert floor.scene.rack_items["r1"].brush().color().name() == colours["P1"]


def test_properties_show_membership_by_kind_and_edit_it(qtbot) -> None:
    from planner.gui.properties import PropertiesPanel

    document = PlanDocument(powered_plan())
    panel = PropertiesPanel(document)
    qtbot.addWidget(panel)
    panel.show()
    document.select([("rack", "r2")])
    assert set(panel.domain_editors) == {"power", "room"}
    power = panel.domain_editors["power"]
    assert power.text() == "P1, P2" and panel.domain_editors["room"].text() == "R1"
    power.setText("P2, R1")  # a room is not a power feed
    power.editingFinished.emit()
    assert document.plan.rack("r2").domains == ["P1", "P2", "R1"]
    assert "'R1' is a room domain, not a power domain" in panel.errors["domains:power"]
    assert panel.error_label("domains:power").isVisibleTo(panel)
    power.setText("P2")
    power.editingFinished.emit()
    assert document.plan.rack("r2").domains == ["R1", "P2"]
    assert document.undo_stack.undoText() == "Set power domains of Rack 2"
    assert "domains:power" not in panel.errors
    document.undo_stack.undo()
    assert power.text() == "P1, P2"
    document.select([("server", "s3")])  # in rack r3 (P2, R2), fed by P1 itself
    assert panel.domain_editors["power"].text() == "P1"
    assert panel.inherited["power"].text() == (
        "inherited from rack Rack 3: power feed Power feed 2 (read-only)")  # fmt: skip
    assert panel.domain_editors["room"].text() == ""
    assert "room Room 2" in panel.inherited["room"].text()
