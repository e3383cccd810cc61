"""The recovery worker validates incrementally, and the user sees what a full check shows."""

from __future__ import annotations

import copy

import pytest

from planner.engine import recovery
from planner.engine.impact import ScenarioError
from planner.gui.document import PlanDocument
from planner.gui.recovery_controller import RecoveryController
from planner.model.edits import SetFields
from tests.gui.test_document import small_plan


def _error_lines(document: PlanDocument) -> str:
    """What check_computable says of the plan as it is: the error the user must see."""
    with pytest.raises(ScenarioError) as raised:
        recovery.check_computable(copy.deepcopy(document.plan))
    return "\n".join(raised.value.lines)


def test_an_edit_does_not_validate_the_whole_plan_again(qtbot, monkeypatch) -> None:
    calls = []
    full = recovery.validate
    monkeypatch.setattr(recovery, "validate", lambda plan: calls.append(1) or full(plan))
    doc = PlanDocument(small_plan())
    controller = RecoveryController(doc, debounce_ms=10)
    controller.set_scenario("fire")
    qtbot.waitUntil(lambda: controller.is_current and controller.result is not None, timeout=10_000)
    doc.push(SetFields("service", "db", restore_minutes=30))
    qtbot.waitUntil(lambda: controller.is_current, timeout=10_000)
    assert controller.result is not None and controller.result.recovery_minutes == 60
    assert calls == []  # compute ran with check=False: the worker's validator sufficed


def test_a_blocking_problem_shows_the_lines_of_check_computable_and_undo_clears_it(
    qtbot,
) -> None:
    doc = PlanDocument(small_plan())
    controller = RecoveryController(doc, debounce_ms=10)
    controller.set_scenario("fire")
    qtbot.waitUntil(lambda: controller.is_current and controller.result is not None, timeout=10_000)
    doc.push(SetFields("service", "web", servers=["ghost", "h2"], min_instances=0))
    qtbot.waitUntil(lambda: controller.is_current, timeout=10_000)
    assert controller.result is None
    assert controller.error == _error_lines(doc)
    assert "unknown server 'ghost'" in controller.error
    doc.undo_stack.undo()
    qtbot.waitUntil(lambda: controller.is_current, timeout=10_000)
    assert controller.error is None and controller.result is not None


def test_a_harmless_problem_still_computes(qtbot) -> None:
    plan = small_plan()
    plan.servers[1].position = 99  # outside its rack: a problem, but not a blocking one
    doc = PlanDocument(plan)
    controller = RecoveryController(doc, debounce_ms=10)
    controller.set_scenario("fire")
    qtbot.waitUntil(lambda: controller.is_current and controller.result is not None, timeout=10_000)
    doc.push(SetFields("service", "db", restore_minutes=10))
    qtbot.waitUntil(lambda: controller.is_current, timeout=10_000)
    assert controller.error is None and controller.result is not None
    assert controller.result.recovery_minutes == 40


def test_a_change_handed_to_a_job_that_never_ran_is_validated_by_the_next(
    qtbot, monkeypatch
) -> None:
    # Jobs discarded before they start never run (planner.gui.jobs): the change handed to
    # such a job must reach the validator with the next one, or its problem is missed.
    import threading

    release = threading.Event()
    real = recovery.compute

    def held_compute(*args, **kwargs):
        release.wait(10)
        return real(*args, **kwargs)

    doc = PlanDocument(small_plan())
    controller = RecoveryController(doc, debounce_ms=10)
    controller.set_scenario("fire")
    qtbot.waitUntil(lambda: controller.is_current and controller.result is not None, timeout=10_000)
    monkeypatch.setattr("planner.gui.recovery_controller.compute", held_compute)
    doc.push(SetFields("service", "db", restore_minutes=30))
    controller.recompute_now()  # runs, held in compute
    doc.push(SetFields("service", "web", servers=["ghost", "h2"], min_instances=0))
    controller.recompute_now()  # queued behind the held one ...
    doc.push(SetFields("service", "db", restore_minutes=40))
    controller.recompute_now()  # ... and discarded before it started: it never runs
    release.set()
    qtbot.waitUntil(lambda: controller.is_current, timeout=10_000)
    assert controller.result is None
    assert controller.error == _error_lines(doc)
