"""The recovery is recomputed only for changes that can change it."""

from __future__ import annotations

from planner.gui.document import PlanDocument
from planner.gui.recovery_controller import RecoveryController, may_change_result
from planner.model.edits import Change, MoveItems, SetFields
from tests.gui.test_document import small_plan


def test_a_move_a_colour_or_a_note_starts_no_computation(qtbot) -> None:
    doc = PlanDocument(small_plan())
    controller = RecoveryController(doc, debounce_ms=10)
    controller.set_scenario("fire")
    qtbot.waitUntil(lambda: controller.is_current, timeout=10_000)
    shown = controller.result
    started: list[bool] = []
    controller.busyChanged.connect(started.append)
    doc.push(MoveItems("service", {"db": (10, 20)}))
    doc.push(SetFields("service", "db", color="#123456", notes="call Kim", owner="Kim"))
    doc.push(SetFields("site", "A", notes="lease ends in May", x=5))
    doc.undo_stack.undo()
    assert started == [] and controller.is_current and controller.result is shown

    doc.push(SetFields("service", "db", restore_minutes=60))  # an input: recomputed
    assert started == [True] and not controller.is_current
    qtbot.waitUntil(lambda: controller.is_current, timeout=10_000)
    assert controller.result is not shown


def test_what_counts_as_a_change_to_the_result() -> None:
    assert may_change_result(None)
    assert may_change_result(Change.item_added("pool", "p"))
    assert may_change_result(Change.item_removed("site", "A"))  # even of a kind it ignores
    assert may_change_result(Change.fields_changed("server", "h1", {"rack"}))
    assert not may_change_result(Change.fields_changed("server", "h1", {"position", "notes"}))
    assert not may_change_result(Change.fields_changed("plan", "", {"name"}))
    assert not may_change_result(Change())
