"""The recovery is recomputed only for changes that can change it."""

from __future__ import annotations

from planner.gui.document import PlanDocument
from planner.gui.recovery_controller import RecoveryController, may_change_result
from planner.gui.views.recovery import RecoveryView
from planner.model.edits import Change, MoveItems, SetFields
from tests.gui.test_document import small_plan


def test_a_move_a_colour_or_a_note_starts_no_computation(qtbot) -> None:
    doc = PlanDocument(small_plan())
    controller = RecoveryController(doc, debounce_ms=10)
    controller.set_scenario("fire")
    assert controller.wait_until_current()
    shown = controller.result
    doc.push(MoveItems("service", {"db": (10, 20)}))
    assert controller.is_current  # a recompute would be pending (busy) at once
    doc.push(SetFields("service", "db", color="#123456", notes="call Kim", owner="Kim"))
    doc.push(SetFields("site", "A", notes="lease ends in May", x=5))
    doc.undo_stack.undo()
    assert controller.is_current and controller.result is shown

    doc.push(SetFields("service", "db", restore_minutes=60))  # an input: recomputed
    assert not controller.is_current
    assert controller.wait_until_current()
    assert controller.result is not shown
    # Collecting this document with steps on its stack and a controller attached
    # crashes PySide in the teardown's gc (on main too, whatever the edits): empty it.
    doc.undo_stack.clear()


def test_what_counts_as_a_change_to_the_result() -> None:
    assert may_change_result(None)
    assert may_change_result(Change.item_added("pool", "p"))
    assert may_change_result(Change.item_removed("site", "A"))  # even of a kind it ignores
    assert may_change_result(Change.fields_changed("server", "h1", {"rack"}))
    assert not may_change_result(Change.fields_changed("server", "h1", {"position", "notes"}))
    assert not may_change_result(Change.fields_changed("plan", "", {"name"}))
    assert not may_change_result(Change())


def test_the_recovery_view_refills_its_pickers_only_for_what_they_show(qtbot) -> None:
    doc = PlanDocument(small_plan())
    controller = RecoveryController(doc, debounce_ms=10)
    view = RecoveryView(doc, controller)
    qtbot.addWidget(view)
    refills: list[str] = []
    view.scenario_combo.model().modelReset.connect(lambda: refills.append("reset"))
    view.scenario_combo.model().rowsRemoved.connect(lambda *_: refills.append("rows"))
    doc.push(SetFields("scenario", "fire", notes="drill in May"))
    doc.push(MoveItems("site", {"A": (5, 5)}))
    assert refills == []
    doc.push(SetFields("scenario", "fire", name="Big fire"))
    assert refills and view.scenario_combo.itemText(0) == "Big fire"
    controller.wait_until_current()
    doc.undo_stack.clear()  # see above
