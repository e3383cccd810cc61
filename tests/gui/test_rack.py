"""The rack elevation: dragging servers between units, drops, refusals, undo and redo."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from planner.gui.document import PlanDocument
from planner.gui.recovery_controller import RecoveryController
from planner.gui.views.rack import NEW_SERVER_MIME, SERVER_MIME, RackView
from planner.model import Server
from planner.resources import example_plan
from planner.storage import load_plan

LEFT = Qt.MouseButton.LeftButton
NO_MODIFIER = Qt.KeyboardModifier.NoModifier


def make_view(qtbot, document: PlanDocument, recovery: RecoveryController, rack: str) -> RackView:
    view = RackView(document, recovery)
    qtbot.addWidget(view)
    view.resize(600, 950)
    view.show()
    qtbot.waitExposed(view)
    view.set_rack(rack)
    return view


@pytest.fixture
def document() -> PlanDocument:
    plan, _ = load_plan(example_plan())
    return PlanDocument(plan)


@pytest.fixture
def recovery(document: PlanDocument) -> Iterator[RecoveryController]:
    controller = RecoveryController(document, debounce_ms=5)
    yield controller
    controller.wait_until_current()


@pytest.fixture
def rack_view(qtbot, document: PlanDocument, recovery: RecoveryController) -> RackView:
    return make_view(qtbot, document, recovery, "pg-a01")  # servers in units 1-9


def unit(view: RackView, number: int) -> QPoint:
    """The canvas point in the middle of a unit (beyond the rack for 0 or units + 1)."""
    return view.canvas.unit_rect(number).center().toPoint()


def server(view: RackView, server_id: str) -> Server:
    found = view.document.plan.server(server_id)
    assert found is not None
    return found


def drag(qtbot, view: RackView, start: QPoint, end: QPoint, steps: int = 8) -> list[object]:
    """Press, move in steps, release; return the ghost seen just before the release."""
    canvas = view.canvas
    qtbot.mousePress(canvas, LEFT, NO_MODIFIER, start)
    for i in range(1, steps + 1):
        qtbot.mouseMove(canvas, start + (end - start) * (i / steps))
    seen = [canvas.ghost]
    qtbot.mouseRelease(canvas, LEFT, NO_MODIFIER, end)
    assert canvas.ghost is None  # cleared on release
    return seen


def test_drag_a_server_to_a_free_unit_moves_it(qtbot, rack_view: RackView) -> None:
    (ghost,) = drag(qtbot, rack_view, unit(rack_view, 1), unit(rack_view, 30))
    assert ghost is not None and ghost.position == 30 and ghost.valid  # type: ignore[attr-defined]
    moved = server(rack_view, "pg-infra-01")
    assert (moved.rack, moved.position) == ("pg-a01", 30)
    stack = rack_view.document.undo_stack
    assert stack.count() == 1
    stack.undo()
    assert server(rack_view, "pg-infra-01").position == 1
    assert rack_view.servers()[0].id == "pg-infra-01"  # the view followed
    stack.redo()
    assert server(rack_view, "pg-infra-01").position == 30


def test_drag_onto_an_occupied_unit_is_refused(qtbot, rack_view: RackView) -> None:
    (ghost,) = drag(qtbot, rack_view, unit(rack_view, 1), unit(rack_view, 5))
    assert ghost is not None and not ghost.valid  # type: ignore[attr-defined]
    assert server(rack_view, "pg-infra-01").position == 1
    assert rack_view.document.undo_stack.count() == 0


def test_drag_beyond_the_top_is_refused(qtbot, rack_view: RackView) -> None:
    (ghost,) = drag(qtbot, rack_view, unit(rack_view, 1), unit(rack_view, 43))
    assert ghost is not None and ghost.position == 43 and not ghost.valid  # type: ignore[attr-defined]
    assert server(rack_view, "pg-infra-01").position == 1
    assert rack_view.document.undo_stack.count() == 0


def test_a_tall_server_keeps_the_unit_it_was_grabbed_by(qtbot, document, recovery) -> None:
    view = make_view(qtbot, document, recovery, "pg-a04")  # pg-obj-01 fills units 1-4
    drag(qtbot, view, unit(view, 4), unit(view, 40))  # grabbed by its top unit
    assert server(view, "pg-obj-01").position == 37  # so its top is at 40
    # Grabbed by its bottom unit and taken to 40, its top would be at 43: refused.
    (ghost,) = drag(qtbot, view, unit(view, 37), unit(view, 40))
    assert ghost is not None and not ghost.valid  # type: ignore[attr-defined]
    assert server(view, "pg-obj-01").position == 37
    assert document.undo_stack.count() == 1


def test_a_click_selects_without_an_edit(qtbot, rack_view: RackView) -> None:
    qtbot.mouseClick(rack_view.canvas, LEFT, NO_MODIFIER, unit(rack_view, 3))
    assert rack_view.document.selection == [("server", "pg-ops-02")]
    assert rack_view.document.undo_stack.count() == 0


def _drop(view: RackView, mime: str, payload: dict[str, object], at: QPoint) -> bool:
    data = QMimeData()
    data.setData(mime, json.dumps(payload).encode())
    actions = Qt.DropAction.MoveAction | Qt.DropAction.CopyAction
    canvas = view.canvas
    QApplication.sendEvent(canvas, QDragEnterEvent(at, actions, data, LEFT, NO_MODIFIER))
    move = QDragMoveEvent(at, actions, data, LEFT, NO_MODIFIER)
    QApplication.sendEvent(canvas, move)
    if not move.isAccepted():
        # As Qt does when the button is released over a refusing widget.
        QApplication.sendEvent(canvas, QDragLeaveEvent())
        assert canvas.ghost is None
        return False
    drop = QDropEvent(QPointF(at), actions, data, LEFT, NO_MODIFIER)
    QApplication.sendEvent(canvas, drop)
    assert canvas.ghost is None
    return drop.isAccepted()


def test_drop_a_new_2u_server_from_the_palette(qtbot, rack_view: RackView) -> None:
    plan = rack_view.document.plan
    assert _drop(rack_view, NEW_SERVER_MIME, {"height": 2}, unit(rack_view, 20))
    new = plan.server("server1")
    assert new is not None and (new.rack, new.position, new.height) == ("pg-a01", 20, 2)
    assert rack_view.document.selection == [("server", "server1")]
    stack = rack_view.document.undo_stack
    assert stack.count() == 1
    stack.undo()
    assert plan.server("server1") is None
    assert "server1" not in {s.id for s in rack_view.servers()}
    stack.redo()
    assert plan.server("server1") is not None


def test_a_new_server_dropped_on_a_used_unit_is_refused(qtbot, rack_view: RackView) -> None:
    assert not _drop(rack_view, NEW_SERVER_MIME, {"height": 2}, unit(rack_view, 9))
    assert not _drop(rack_view, NEW_SERVER_MIME, {"height": 2}, unit(rack_view, 42))  # overflow
    assert rack_view.document.undo_stack.count() == 0


def test_drop_a_server_from_another_rack_view(qtbot, document, recovery, rack_view) -> None:
    other = make_view(qtbot, document, recovery, "ay-b03")  # servers in units 1-4
    payload = {"id": "pg-ops-01", "grab": 0}
    assert not _drop(other, SERVER_MIME, payload, unit(other, 2))  # occupied there
    assert _drop(other, SERVER_MIME, payload, unit(other, 10))
    moved = server(other, "pg-ops-01")
    assert (moved.rack, moved.position) == ("ay-b03", 10)
    assert "pg-ops-01" in {s.id for s in other.servers()}
    assert "pg-ops-01" not in {s.id for s in rack_view.servers()}
    document.undo_stack.undo()
    assert (server(other, "pg-ops-01").rack, server(other, "pg-ops-01").position) == ("pg-a01", 2)
    assert "pg-ops-01" in {s.id for s in rack_view.servers()}
    document.undo_stack.redo()
    assert server(other, "pg-ops-01").rack == "ay-b03"


def test_palette_click_adds_in_the_lowest_gap(qtbot, rack_view: RackView) -> None:
    qtbot.mouseClick(rack_view.new_2u_button, LEFT)
    new = rack_view.document.plan.server("server1")
    assert new is not None and (new.position, new.height) == (10, 2)


def test_delete_key_deletes_the_selected_server(qtbot, rack_view: RackView) -> None:
    plan = rack_view.document.plan
    qtbot.mouseClick(rack_view.canvas, LEFT, NO_MODIFIER, unit(rack_view, 2))
    rack_view.canvas.setFocus()
    qtbot.keyClick(rack_view.canvas, Qt.Key.Key_Delete)
    assert plan.server("pg-ops-01") is None
    assert all("pg-ops-01" not in s.servers for s in plan.services)
    rack_view.document.undo_stack.undo()
    assert plan.server("pg-ops-01") is not None
    assert any("pg-ops-01" in s.servers for s in plan.services)
    rack_view.document.undo_stack.redo()
    assert plan.server("pg-ops-01") is None


def test_servers_show_their_services_and_lost_state(qtbot, rack_view: RackView) -> None:
    services = rack_view.services_of["pg-ops-01"]
    assert services and any("operations" in name for name in services)
    tip = rack_view.tooltip(server(rack_view, "pg-ops-01"))
    assert services[0].split(" / ")[0] in tip
    assert rack_view.server_state == {}  # no scenario: everything up
    recovery = rack_view.recovery
    recovery.set_scenario("pangyo-fire")
    assert recovery.wait_until_current()
    assert rack_view.server_state["pg-ops-01"] == "lost"
    rack_view.set_rack("ay-b03")
    assert rack_view.server_state.get("ay-api-01") != "lost"


def test_no_rack_and_a_deleted_rack(qtbot, document, recovery) -> None:
    view = make_view(qtbot, document, recovery, "gs-c02")
    view.set_rack(None)
    assert view.servers() == [] and view.title.text() == "No rack"
    view.set_rack("gs-c02")
    from planner.model.edits import delete_items

    document.push(delete_items(document.plan, [("rack", "gs-c02")]))
    assert view.servers() == [] and view.rack() is None
    document.undo_stack.undo()
    assert view.rack() is not None and view.servers()


def _drop_services(view: RackView, service_ids: list[str], at: QPoint) -> bool:
    from planner.gui.models.services_model import SERVICE_MIME

    data = QMimeData()
    data.setData(SERVICE_MIME, "\n".join(service_ids).encode())
    actions = Qt.DropAction.CopyAction
    canvas = view.canvas
    QApplication.sendEvent(canvas, QDragEnterEvent(at, actions, data, LEFT, NO_MODIFIER))
    move = QDragMoveEvent(at, actions, data, LEFT, NO_MODIFIER)
    QApplication.sendEvent(canvas, move)
    if not move.isAccepted():
        QApplication.sendEvent(canvas, QDragLeaveEvent())
        return False
    drop = QDropEvent(QPointF(at), actions, data, LEFT, NO_MODIFIER)
    QApplication.sendEvent(canvas, drop)
    return drop.isAccepted()


def test_a_service_dropped_on_a_server_runs_there(qtbot, rack_view: RackView) -> None:
    plan = rack_view.document.plan
    before = list(plan.service("mail").servers)  # type: ignore[union-attr]
    assert "pg-ops-02" not in before
    assert _drop_services(rack_view, ["mail"], unit(rack_view, 3))  # pg-ops-02 is at U3
    assert plan.service("mail").servers == [*before, "pg-ops-02"]  # type: ignore[union-attr]
    stack = rack_view.document.undo_stack
    assert stack.count() == 1
    stack.undo()
    assert plan.service("mail").servers == before  # type: ignore[union-attr]
    stack.redo()
    assert "pg-ops-02" in plan.service("mail").servers  # type: ignore[union-attr]
    # On an empty unit there is no server to run on: refused, nothing pushed.
    assert not _drop_services(rack_view, ["search"], unit(rack_view, 30))
    assert stack.count() == 1


def test_the_header_subtitle_counts_right_and_is_never_cut_off(qtbot, rack_view) -> None:
    from PySide6.QtGui import QFontMetrics

    from planner.model.edits import SetFields, delete_items

    label = rack_view.subtitle
    assert "9 servers" in label.text()
    site = rack_view.rack().site
    long_name = "판교 / Pangyo (leased colocation, primary), second floor, room 2"
    rack_view.document.push(SetFields("site", site, name=long_name))
    rack_view.resize(520, 700)  # narrower than the subtitle on one line
    qtbot.waitUntil(lambda: rack_view.width() == 520)
    QApplication.processEvents()
    one_line = QFontMetrics(label.font()).horizontalAdvance(label.text())
    assert one_line > label.width()  # it does not fit on one line here...
    # ...so it wraps: it needs no more width than it has, and has the height it needs.
    assert label.minimumSizeHint().width() <= label.width()
    assert label.height() >= label.heightForWidth(label.width())
    others = [s.id for s in rack_view.servers()[1:]]
    rack_view.document.push(delete_items(rack_view.document.plan, [("server", i) for i in others]))
    assert "1 server ·" in label.text() and "servers" not in label.text()


def test_the_rack_view_follows_a_rack_or_server_picked_elsewhere(qtbot, document, recovery) -> None:
    view = RackView(document, recovery)
    qtbot.addWidget(view)
    assert view.rack_id is None
    other = next(r for r in document.plan.racks if r.id != "pg-a01")
    document.select([("rack", other.id)])
    assert view.rack_id == other.id
    assert view.chooser.currentData() == other.id
    in_a01 = next(s for s in document.plan.servers if s.rack == "pg-a01")
    document.select([("server", in_a01.id)])
    assert view.rack_id == "pg-a01"
    document.select([("rack", other.id), ("server", in_a01.id)])  # two racks: stays
    assert view.rack_id == "pg-a01"
    document.select([("service", document.plan.services[0].id)])
    assert view.rack_id == "pg-a01"
