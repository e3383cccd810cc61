"""The document's undo stack and the off-thread recovery controller."""

from __future__ import annotations

from planner.gui.document import PlanDocument
from planner.gui.recovery_controller import RecoveryController, snapshot
from planner.model import Plan, Rack, Scenario, Server, Service, Site
from planner.model.edits import AddItem, SetFields, add_dependency


def small_plan() -> Plan:
    return Plan(
        name="small",
        sites=[Site("A", "A")],
        racks=[Rack("r", "A", "R")],
        servers=[Server("h1", "r", "H1", 1), Server("h2", "r", "H2", 2)],
        services=[
            Service("db", "DB", restore_minutes=90, servers=["h1"]),
            Service("web", "Web", restore_minutes=30, servers=["h2"], depends_on=["db"]),
        ],
        scenarios=[Scenario("fire", "Fire", ["A"])],
    )


def test_push_undo_redo_and_modified_flag(qtbot) -> None:
    doc = PlanDocument(small_plan(), "x.drplan")
    changes = []
    doc.changed.connect(lambda change, _origin: changes.append(change))
    assert not doc.modified and doc.title == "x.drplan"
    assert doc.push(SetFields("service", "db", name="Database"))
    assert doc.plan.service("db").name == "Database" and doc.modified  # type: ignore[union-attr]
    assert doc.title == "x.drplan *"
    doc.undo_stack.undo()
    assert doc.plan.service("db").name == "DB" and not doc.modified  # type: ignore[union-attr]
    doc.undo_stack.redo()
    assert doc.plan.service("db").name == "Database"  # type: ignore[union-attr]
    assert len(changes) == 3 and all(c is not None for c in changes)


def test_two_edits_of_one_field_are_two_steps(qtbot) -> None:
    doc = PlanDocument(small_plan())
    for text in ("Da", "Data"):
        assert doc.push(SetFields("service", "db", name=text))
    assert doc.undo_stack.count() == 2, "a committed field is one step; steps never merge"
    doc.undo_stack.undo()
    assert doc.plan.service("db").name == "Da"  # type: ignore[union-attr]


def test_refused_edit_leaves_no_step(qtbot) -> None:
    doc = PlanDocument(small_plan())
    refusals: list[str] = []
    doc.refused.connect(refusals.append)
    assert not doc.push(AddItem("site", Site("A", "Again")))
    assert doc.undo_stack.count() == 0 and refusals
    try:
        add_dependency(doc.plan, "db", "web")
    except ValueError as refusal:
        assert "db -> web -> db" in str(refusal)
    else:
        raise AssertionError("a cycle was accepted")


def test_snapshot_keeps_its_lists_when_items_are_added_or_removed(qtbot) -> None:
    doc = PlanDocument(small_plan())
    copy = snapshot(doc.plan)
    assert copy == doc.plan
    doc.push(AddItem("service", Service("new", "New")))
    doc.push(SetFields("service", "db", servers=["h2"]))
    assert [s.id for s in copy.services] == ["db", "web"]
    # edits assign fresh values, so a list the worker holds is never changed under it
    held = copy.services[0].servers
    assert held == ["h2"] and doc.plan.services[0].servers is held
    doc.undo_stack.undo()
    assert held == ["h2"]


def test_controller_computes_off_thread_and_follows_edits(qtbot) -> None:
    doc = PlanDocument(small_plan())
    controller = RecoveryController(doc, debounce_ms=10)
    with qtbot.waitSignal(controller.resultChanged, timeout=10_000):
        controller.set_scenario("fire")
    qtbot.waitUntil(lambda: controller.is_current, timeout=10_000)
    assert controller.result is not None and controller.result.recovery_minutes == 120
    doc.push(SetFields("service", "db", restore_minutes=60))
    assert not controller.is_current  # the shown result is stale until the new one lands
    qtbot.waitUntil(lambda: controller.is_current, timeout=10_000)
    assert controller.result.recovery_minutes == 90


def test_controller_reports_errors_as_text(qtbot) -> None:
    doc = PlanDocument(small_plan())
    controller = RecoveryController(doc, debounce_ms=10)
    controller.toggle_failed("A")
    qtbot.waitUntil(lambda: controller.is_current, timeout=10_000)
    doc.plan.services[0].depends_on = ["web"]  # a cycle, as a hand-edited file might hold
    doc.changed.emit(None, None)
    qtbot.waitUntil(lambda: controller.is_current, timeout=10_000)
    assert controller.result is None and "cycle" in (controller.error or "")


def test_a_failed_save_is_described_in_one_line_whatever_was_raised() -> None:
    from planner.gui.document import MESSAGE_LIMIT, describe_save_failure
    from planner.storage import PlanFileError

    cases = [
        (PlanFileError("/p/a.drplan", "the folder is read-only"), "/p/a.drplan: the folder is"),
        (PermissionError(13, "Permission denied", "/p/b.drplan"), "/p/b.drplan: Permission denied"),
        (RecursionError("maximum recursion depth exceeded"), "/p/c.drplan: the plan is nested"),
        (MemoryError(), "/p/c.drplan: not enough memory"),
        (
            ValueError("Out of range float values\nare not JSON compliant"),
            "/p/c.drplan: ValueError",
        ),
        (KeyError("x" * 1000), "/p/c.drplan: KeyError"),
    ]
    for error, start in cases:
        line = describe_save_failure(error, "/p/c.drplan")
        assert line.startswith(start), line
        assert "\n" not in line and len(line) <= MESSAGE_LIMIT


def test_origin_is_passed_on_first_application_only(qtbot) -> None:
    doc = PlanDocument(small_plan(), "x.drplan")
    seen: list[tuple[object, object]] = []
    doc.changed.connect(lambda change, origin: seen.append((change, origin)))
    view = object()
    assert doc.push(SetFields("service", "db", name="Database"), origin=view)
    doc.undo_stack.undo()
    doc.undo_stack.redo()
    origins = [origin for _change, origin in seen]
    assert origins == [view, None, None], "undo and redo must reach every view, its origin too"
    assert all(change for change, _origin in seen)
