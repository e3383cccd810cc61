"""The dependency view (gestures through the mouse and keyboard) and its layered layout."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from planner.gui.document import PlanDocument
from planner.gui.recovery_controller import RecoveryController
from planner.gui.views.dependencies import NODE_H, NODE_W, DependencyView
from planner.layout.dependencies import (
    LayoutParams,
    _crossings_between,
    _pava,
    layered_layout,
    place_nodes,
)
from planner.model import Plan, Rack, Scenario, Server, Service, Site
from planner.model.edits import MoveItems

# ---------------------------------------------------------------------- layout (no Qt)


def overlaps(positions: dict[str, tuple[float, float]], params: LayoutParams) -> list[tuple]:
    found = []
    for (a, pa), (b, pb) in itertools.combinations(positions.items(), 2):
        if (
            abs(pa[0] - pb[0]) < params.node_width
            and abs(pa[1] - pb[1]) < params.node_height + params.node_gap - 1e-6
        ):
            found.append((a, b))
    return found


def test_layers_follow_dependencies_and_nodes_never_overlap() -> None:
    nodes = [f"n{i}" for i in range(12)]
    edges = [("n0", "n3"), ("n1", "n3"), ("n3", "n6"), ("n0", "n6"), ("n2", "n7")]
    edges += [("n6", "n9"), ("n7", "n9"), ("n4", "n10"), ("n0", "n11"), ("n9", "n11")]
    params = LayoutParams()
    layout = layered_layout(nodes, edges, params)
    assert set(layout.positions) == set(nodes)
    for a, b in edges:
        assert layout.layers[a] < layout.layers[b]
        x_a, x_b = layout.positions[a][0], layout.positions[b][0]
        assert x_b - x_a == (layout.layers[b] - layout.layers[a]) * params.layer_pitch
    assert overlaps(layout.positions, params) == []
    # Long edges get one waypoint per layer they cross.
    for a, b in edges:
        span = layout.layers[b] - layout.layers[a]
        assert len(layout.waypoints.get((a, b), [])) == span - 1
    # A source sits next to its only user instead of in column 0.
    assert layout.layers["n4"] == layout.layers["n10"] - 1
    assert layered_layout(nodes, edges, params) == layout  # deterministic


def test_barycentre_sweeps_untangle_a_crossed_bipartite_graph() -> None:
    nodes = ["a", "b", "c", "x", "y", "z"]
    edges = [("a", "z"), ("b", "y"), ("c", "x")]  # plan order crosses every pair
    layout = layered_layout(nodes, edges)
    assert layout.crossings == 0
    order = sorted(["x", "y", "z"], key=lambda n: layout.positions[n][1])
    assert order == ["z", "y", "x"]


def test_cycles_unknown_nodes_and_self_loops_are_tolerated() -> None:
    layout = layered_layout(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "a"), ("a", "a")])
    assert set(layout.positions) == {"a", "b", "c"}
    assert overlaps(layout.positions, LayoutParams()) == []
    assert layered_layout([], [("x", "y")]).positions == {}


def test_crossing_count_and_isotonic_fit() -> None:
    # Upper layer positions 0,1; lower positions: a->1, b->0 cross once.
    assert _crossings_between([0, 1], [(0, 1), (1, 0)]) == 1
    assert _crossings_between([0, 1], [(0, 0), (1, 1)]) == 0
    assert _pava([3.0, 1.0, 2.0], [1.0, 1.0, 1.0]) == pytest.approx([2.0, 2.0, 2.0])
    assert _pava([1.0, 2.0], [1.0, 1.0]) == [1.0, 2.0]


def test_place_nodes_keeps_placed_ones_and_finds_free_room() -> None:
    params = LayoutParams()
    placed = {"a": (40.0, 40.0), "b": (40.0, 130.0)}
    spots = place_nodes(["c", "d"], {"c": ["a", "b"], "d": []}, placed, params=params)
    assert spots["c"][0] == 40.0 + params.layer_pitch  # right of its dependencies
    assert overlaps({**placed, **spots}, params) == []
    hinted = place_nodes(["e"], {}, placed, hints={"e": (40.0, 60.0)}, params=params)
    assert hinted["e"][0] == 40.0 and overlaps({**placed, **hinted}, params) == []


# ---------------------------------------------------------------------- the view


def chain_plan(positions: bool = False) -> Plan:
    """db <- api <- web (web depends on api, api on db), plus a lone cache."""
    services = [
        Service("db", "데이터베이스 / database", tier=0, restore_minutes=120, servers=["h1"]),
        Service("api", "API", tier=1, restore_minutes=30, servers=["h2"], depends_on=["db"]),
        Service("web", "Web", tier=2, restore_minutes=20, servers=["h2"], depends_on=["api"]),
        Service("cache", "Cache", tier=2, restore_minutes=10, servers=["h1"]),
    ]
    if positions:
        for i, service in enumerate(services):
            service.x, service.y = 40 + 280 * i, 40
    return Plan(
        name="chain",
        sites=[Site("A", "A")],
        racks=[Rack("r", "A", "R")],
        servers=[Server("h1", "r", "H1", 1), Server("h2", "r", "H2", 2)],
        services=services,
        scenarios=[Scenario("fire", "Fire", ["A"])],
    )


@pytest.fixture
def make_view(qtbot):
    def make(plan: Plan) -> DependencyView:
        document = PlanDocument(plan)
        recovery = RecoveryController(document, debounce_ms=5)
        view = DependencyView(document, recovery)
        qtbot.addWidget(view)
        view.resize(1200, 700)
        view.show()
        qtbot.waitExposed(view)
        view.set_zoom(1.0, view.nodes_rect().center())
        return view

    return make


def centre(view: DependencyView, service_id: str) -> QPoint:
    node = view.scene.nodes[service_id]
    return view.canvas.mapFromScene(node.pos() + QPointF(NODE_W / 2, NODE_H / 2))


def drag(qtbot, view: DependencyView, start: QPoint, end: QPoint, modifier=None) -> None:
    modifiers = modifier or Qt.KeyboardModifier.NoModifier
    viewport = view.canvas.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, modifiers, start)
    middle = (start + end) / 2
    qtbot.mouseMove(viewport, middle)
    qtbot.mouseMove(viewport, end)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, modifiers, end)


def test_shift_drag_adds_a_dependency_undo_redo(make_view, qtbot) -> None:
    view = make_view(chain_plan())
    doc = view.document
    drag(qtbot, view, centre(view, "cache"), centre(view, "web"), Qt.KeyboardModifier.ShiftModifier)
    assert doc.plan.service("web").depends_on == ["api", "cache"]
    assert ("cache", "web") in view.scene.edges
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert doc.plan.service("web").depends_on == ["api"]
    assert ("cache", "web") not in view.scene.edges
    doc.undo_stack.redo()
    assert doc.plan.service("web").depends_on == ["api", "cache"]
    assert ("cache", "web") in view.scene.edges


def test_drag_from_the_handle_and_connect_mode_add_dependencies(make_view, qtbot) -> None:
    view = make_view(chain_plan())
    doc = view.document
    node = view.scene.nodes["cache"]
    handle = view.canvas.mapFromScene(node.pos() + node.handle_center())
    drag(qtbot, view, handle, centre(view, "api"))
    assert doc.plan.service("api").depends_on == ["db", "cache"]
    view.connect_action.setChecked(True)
    drag(qtbot, view, centre(view, "db"), centre(view, "web"))
    assert doc.plan.service("web").depends_on == ["api", "db"]
    assert doc.undo_stack.count() == 2
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert doc.plan.service("api").depends_on == ["db"]
    assert doc.plan.service("web").depends_on == ["api"]


def test_a_cycle_is_refused_shown_and_leaves_no_step(make_view, qtbot) -> None:
    view = make_view(chain_plan())
    doc = view.document
    refusals: list[str] = []
    doc.refused.connect(refusals.append)
    # Dragging from web to db would make db depend on web: db -> web -> api -> db.
    drag(qtbot, view, centre(view, "web"), centre(view, "db"), Qt.KeyboardModifier.ShiftModifier)
    assert refusals and "db -> web -> api -> db" in refusals[0]
    assert doc.plan.service("db").depends_on == []
    assert doc.undo_stack.count() == 0
    assert view.showing_cycle
    assert all(view.scene.nodes[s].in_cycle for s in ("db", "api", "web"))
    assert not view.scene.nodes["cache"].in_cycle
    assert view.scene.edges[("db", "api")].in_cycle and view.scene.edges[("api", "web")].in_cycle
    # The next click clears the red.
    qtbot.mouseClick(view.canvas.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert not view.showing_cycle
    assert not view.scene.nodes["db"].in_cycle


def test_node_drag_is_one_move_storing_x_y(make_view, qtbot) -> None:
    view = make_view(chain_plan())
    doc = view.document
    assert doc.plan.service("api").x is None
    before = view.scene.nodes["api"].pos()
    start = centre(view, "api")
    drag(qtbot, view, start, start + QPoint(60, 130))
    service = doc.plan.service("api")
    assert doc.undo_stack.count() == 1
    assert (service.x, service.y) == (before.x() + 60, before.y() + 130)
    assert view.scene.nodes["api"].pos() == QPointF(service.x, service.y)
    doc.undo_stack.undo()
    assert (doc.plan.service("api").x, doc.plan.service("api").y) == (None, None)
    assert view.scene.nodes["api"].pos() == before  # back to its laid-out place
    doc.undo_stack.redo()
    assert doc.plan.service("api").x == before.x() + 60


def test_the_view_skips_its_own_drag_but_follows_undo_redo_and_others(
    make_view, qtbot, monkeypatch
) -> None:
    view = make_view(chain_plan())
    doc, scene = view.document, view.scene
    rerouted: list[object] = []
    for name in ("reroute_nodes", "reroute_all"):
        real = getattr(scene, name)
        monkeypatch.setattr(scene, name, lambda *a, real=real: rerouted.append(a) or real(*a))
    before = scene.nodes["api"].pos()
    start = centre(view, "api")
    viewport = view.canvas.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    qtbot.mouseMove(viewport, start + QPoint(30, 60))
    qtbot.mouseMove(viewport, start + QPoint(60, 130))
    assert rerouted  # the drag itself keeps the arrows on the node
    rerouted.clear()
    qtbot.mouseRelease(
        viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start + QPoint(60, 130)
    )
    service = doc.plan.service("api")
    assert doc.undo_stack.count() == 1
    assert (service.x, service.y) == (before.x() + 60, before.y() + 130)
    assert rerouted == []  # its own move: nodes and arrows already stand there
    node = scene.nodes["api"]
    assert node.pos() == QPointF(service.x, service.y)
    tip = scene.edges[("db", "api")].points.last()
    assert tip.x() == node.x() - 1 and node.y() < tip.y() < node.y() + NODE_H
    doc.undo_stack.undo()  # no origin: followed
    assert rerouted and scene.nodes["api"].pos() == before
    assert scene.edges[("db", "api")].points.last().x() == before.x() - 1
    doc.undo_stack.redo()
    assert scene.nodes["api"].pos() == QPointF(service.x, service.y)
    # The same kind of edit from someone else is followed too.
    doc.push(MoveItems("service", {"api": (900, 500)}), origin=object())
    assert scene.nodes["api"].pos() == QPointF(900, 500)
    assert scene.edges[("db", "api")].points.last().x() == 899


def test_stored_positions_are_kept_and_relayout_is_one_undo_step(make_view, qtbot) -> None:
    view = make_view(chain_plan(positions=True))
    doc = view.document
    assert view.scene.nodes["web"].pos() == QPointF(600, 40)
    view.relayout_action.trigger()
    assert all(s.x is None and s.y is None for s in doc.plan.services)
    assert doc.undo_stack.count() == 1
    laid_out = {sid: node.pos() for sid, node in view.scene.nodes.items()}
    assert laid_out["db"].x() < laid_out["api"].x() < laid_out["web"].x()
    doc.undo_stack.undo()
    assert (doc.plan.service("web").x, doc.plan.service("web").y) == (600, 40)
    assert view.scene.nodes["web"].pos() == QPointF(600, 40)
    doc.undo_stack.redo()
    assert doc.plan.service("web").x is None
    assert view.scene.nodes["web"].pos() == laid_out["web"]


def test_click_an_edge_and_press_delete_removes_the_dependency(make_view, qtbot) -> None:
    view = make_view(chain_plan(positions=True))
    doc = view.document
    edge = view.scene.edges[("api", "web")]
    qtbot.mouseClick(
        view.canvas.viewport(),
        Qt.MouseButton.LeftButton,
        pos=view.canvas.mapFromScene(edge.path().pointAtPercent(0.5)),
    )
    assert edge.isSelected()
    view.canvas.setFocus()
    qtbot.keyClick(view.canvas, Qt.Key.Key_Delete)
    assert doc.plan.service("web").depends_on == []
    assert ("api", "web") not in view.scene.edges
    assert [s.id for s in doc.plan.services] == ["db", "api", "web", "cache"]
    doc.undo_stack.undo()
    assert doc.plan.service("web").depends_on == ["api"]
    assert ("api", "web") in view.scene.edges
    doc.undo_stack.redo()
    assert doc.plan.service("web").depends_on == []


def test_delete_on_a_node_deletes_the_service(make_view, qtbot) -> None:
    view = make_view(chain_plan())
    doc = view.document
    qtbot.mouseClick(view.canvas.viewport(), Qt.MouseButton.LeftButton, pos=centre(view, "api"))
    assert doc.selection == [("service", "api")]
    view.delete_action.trigger()
    assert doc.plan.service("api") is None
    assert doc.plan.service("web").depends_on == []
    assert "api" not in view.scene.nodes and not view.scene.edges
    doc.undo_stack.undo()
    assert doc.plan.service("web").depends_on == ["api"]
    assert set(view.scene.edges) == {("db", "api"), ("api", "web")}
    doc.undo_stack.redo()
    assert doc.plan.service("api") is None


def test_selection_follows_the_document_both_ways(make_view, qtbot) -> None:
    view = make_view(chain_plan())
    doc = view.document
    doc.select([("service", "web"), ("server", "h1")])
    assert view.scene.nodes["web"].isSelected() and not view.scene.nodes["db"].isSelected()
    # Following it is no new choice: the scene's echo leaves the server selected.
    assert doc.selection == [("service", "web"), ("server", "h1")]
    qtbot.mouseClick(view.canvas.viewport(), Qt.MouseButton.LeftButton, pos=centre(view, "db"))
    assert doc.selection == [("service", "db")]
    assert not view.scene.nodes["web"].isSelected()


def test_recovery_state_colours_and_critical_path(make_view, qtbot) -> None:
    view = make_view(chain_plan())
    with qtbot.waitSignal(view.recovery.resultChanged, timeout=10_000):
        view.recovery.set_scenario("fire")
    view.recovery.wait_until_current()
    result = view.recovery.result
    assert result is not None and result.critical_path
    assert view.scene.nodes["db"].look.status.startswith("Restore")
    assert view.scene.nodes["db"].critical
    chain = result.critical_path
    for earlier, later in itertools.pairwise(chain):
        assert view.scene.edges[(earlier, later)].critical
    view.recovery.set_scenario(None)
    view.recovery.wait_until_current()
    assert not view.scene.nodes["db"].critical


def test_zoom_fit_and_overview(make_view) -> None:
    view = make_view(chain_plan())
    view.zoom_in_action.trigger()
    assert view.zoom() == pytest.approx(1.25)
    view.zoom_out_action.trigger()
    assert view.zoom() == pytest.approx(1.0)
    view.set_zoom(0.1)
    assert view.scene.overview_on and not view.scene.edges[("db", "api")].isVisible()
    view.fit_action.trigger()
    assert view.zoom() <= 1.0 and not view.scene.overview_on
    view.grab()  # paints every level of detail without error
    view.set_zoom(0.3)
    view.grab()
    view.set_zoom(0.05)
    view.grab()


def test_zoom_keys_work_with_the_canvas_focused(make_view, qtbot) -> None:
    # Ctrl+- used to be held twice by one action, which Qt refuses as ambiguous.
    view = make_view(chain_plan())
    view.canvas.setFocus()
    qtbot.waitUntil(view.canvas.hasFocus)
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(view.canvas, Qt.Key.Key_Minus, ctrl)
    assert view.zoom() == pytest.approx(1 / 1.25)
    qtbot.keyClick(view.canvas, Qt.Key.Key_Equal, ctrl)
    qtbot.keyClick(view.canvas, Qt.Key.Key_Plus, ctrl)
    assert view.zoom() == pytest.approx(1.25)
    view.set_zoom(0.1)
    qtbot.keyClick(view.canvas, Qt.Key.Key_0, ctrl)
    assert view.zoom() == pytest.approx(1.0)  # the small graph fitted, capped at 100 %


def test_changes_from_elsewhere_update_the_scene(make_view) -> None:
    from planner.model.edits import AddItem, RenameId, SetFields

    view = make_view(chain_plan())
    doc = view.document
    doc.push(AddItem("service", Service("queue", "Queue", depends_on=["db"])))
    assert ("db", "queue") in view.scene.edges
    queue = view.scene.nodes["queue"].pos()
    assert queue.x() > view.scene.nodes["db"].pos().x()
    doc.push(RenameId("service", "api", "backend"))
    assert ("backend", "web") in view.scene.edges and "api" not in view.scene.nodes
    doc.push(SetFields("service", "web", name="Front end"))
    assert view.scene.nodes["web"].look.name == "Front end"
    doc.replace(chain_plan(positions=True), None)
    assert view.scene.nodes["web"].pos() == QPointF(600, 40)


def test_two_gestures_on_one_service_are_two_undo_steps(make_view, qtbot) -> None:
    view = make_view(chain_plan())
    doc = view.document
    drag(qtbot, view, centre(view, "cache"), centre(view, "web"), Qt.KeyboardModifier.ShiftModifier)
    drag(qtbot, view, centre(view, "db"), centre(view, "web"), Qt.KeyboardModifier.ShiftModifier)
    assert doc.plan.service("web").depends_on == ["api", "cache", "db"]
    assert doc.undo_stack.count() == 2  # not merged like typing
    doc.undo_stack.undo()
    assert doc.plan.service("web").depends_on == ["api", "cache"]


def test_delete_nodes_and_edges_together_is_one_step(make_view) -> None:
    view = make_view(chain_plan())
    doc = view.document
    view.scene.nodes["db"].setSelected(True)
    view.scene.edges[("api", "web")].setSelected(True)
    assert view.delete_selected()
    assert doc.plan.service("db") is None
    assert doc.plan.service("api").depends_on == [] and doc.plan.service("web").depends_on == []
    assert not view.scene.edges and doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert doc.plan.service("api").depends_on == ["db"]
    assert doc.plan.service("web").depends_on == ["api"]
    assert set(view.scene.edges) == {("db", "api"), ("api", "web")}


def test_a_plan_with_a_cycle_still_opens(make_view) -> None:
    plan = chain_plan()
    plan.services[0].depends_on = ["web"]  # as a hand-edited file might hold
    view = make_view(plan)
    assert set(view.scene.edges) == {("db", "api"), ("api", "web"), ("web", "db")}
    view.grab()


def test_an_edge_without_a_route_paints_nothing_and_raises_nothing(make_view) -> None:
    # The connect line used to join the scene before its first route; a repaint in
    # between raised IndexError in paint, which killed a real window (SIGSEGV).
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtWidgets import QStyleOptionGraphicsItem

    from planner.gui.views.dependencies import EdgeItem

    view = make_view(chain_plan())
    line = EdgeItem(("", ""), proposed=True)
    image = QImage(50, 50, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        line.paint(painter, QStyleOptionGraphicsItem())
    finally:
        painter.end()
    assert line.path().isEmpty() and line.shape().isEmpty()
    view.scene.addItem(line)
    view.grab()  # the scene paints it (or skips it) without error
    view.scene.removeItem(line)


def test_the_connect_line_is_routed_before_it_is_shown(make_view, qtbot) -> None:
    view = make_view(chain_plan())
    viewport = view.canvas.viewport()
    qtbot.mousePress(
        viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, centre(view, "db")
    )
    line = view.canvas._connect_line
    assert line is not None and line.points.size() == 2
    qtbot.mouseRelease(
        viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, centre(view, "db")
    )
    assert view.canvas._connect_line is None and view.document.undo_stack.count() == 0


def test_a_new_plan_opened_while_hidden_is_fitted_when_shown(make_view, qtbot) -> None:
    from PySide6.QtWidgets import QApplication

    view = make_view(chain_plan())
    QApplication.processEvents()  # the fit queued by the first show is done
    view.set_zoom(4.0)
    view.hide()
    six = Plan(name="six", services=[Service(f"s{i}", f"S{i}") for i in range(6)])
    view.document.replace(six, None)
    view.show()
    qtbot.waitUntil(lambda: view.zoom() < 4.0)
    shown = view.canvas.mapToScene(view.canvas.viewport().rect()).boundingRect()
    assert shown.contains(view.nodes_rect())  # the whole graph, not a corner of it
    assert view.zoom() <= 1.0


def test_a_new_plan_opened_while_shown_is_fitted_at_once(make_view) -> None:
    view = make_view(chain_plan())
    view.set_zoom(0.05)
    six = Plan(name="six", services=[Service(f"s{i}", f"S{i}") for i in range(6)])
    view.document.replace(six, None)
    assert view.zoom() == pytest.approx(1.0)  # fitted, capped at 100 %, not a speck


@pytest.mark.parametrize("replace", [True, False])
def test_a_connect_drag_survives_its_items_going_mid_gesture(make_view, qtbot, replace) -> None:
    # The button is still down when the plan is replaced (rebuild) or the nodes the
    # gesture holds are deleted (undo, say): the gesture is dropped, nothing raises.
    from planner.model.edits import delete_items

    view = make_view(chain_plan())
    viewport = view.canvas.viewport()
    shift = Qt.KeyboardModifier.ShiftModifier
    start, end = centre(view, "cache"), centre(view, "web")
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, shift, start)
    qtbot.mouseMove(viewport, end)  # web is the highlighted target now
    if replace:
        view.document.replace(chain_plan(positions=True), None)
    else:
        plan = view.document.plan
        view.document.push(delete_items(plan, [("service", "cache"), ("service", "web")]))
    qtbot.mouseMove(viewport, (start + end) / 2)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, shift, end)
    assert view.canvas._connect_line is None
    web = view.document.plan.service("web")
    assert web is None or web.depends_on == ["api"]


def _unlinked_plan(positions: bool) -> Plan:
    plan = chain_plan(positions)
    for service in plan.services:
        service.depends_on = []
    return plan


def test_a_graph_drawn_from_scratch_stays_layered(make_view) -> None:
    """No node placed by hand: each dependency drawn re-lays the graph out, so a chain
    drawn on a fresh plan (all services in one column) ends up left to right."""
    from planner.model.edits import SetFields

    view = make_view(_unlinked_plan(positions=False))
    document = view.document
    xs = {sid: node.x() for sid, node in view.scene.nodes.items()}
    assert len(set(xs.values())) == 1  # no dependencies yet: one layer
    document.push(SetFields("service", "api", depends_on=["db"]))
    document.push(SetFields("service", "web", depends_on=["api"]))
    x = {sid: view.scene.nodes[sid].x() for sid in ("db", "api", "web")}
    assert x["db"] < x["api"] < x["web"]
    document.undo_stack.undo()
    assert view.scene.nodes["web"].x() <= view.scene.nodes["api"].x()


def test_nodes_placed_by_hand_stay_when_a_dependency_is_drawn(make_view) -> None:
    from planner.model.edits import SetFields

    view = make_view(_unlinked_plan(positions=True))
    before = {sid: (node.x(), node.y()) for sid, node in view.scene.nodes.items()}
    view.document.push(SetFields("service", "api", depends_on=["db"]))
    assert {sid: (node.x(), node.y()) for sid, node in view.scene.nodes.items()} == before
