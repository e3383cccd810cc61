"""The floor view: gestures through the view, checked in the model, then undone and redone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent, QWheelEvent
from PySide6.QtWidgets import QApplication

from planner.gui import style
from planner.gui.document import PlanDocument
from planner.gui.recovery_controller import RecoveryController
from planner.gui.views.floor import FLOOR_MIME, FloorView
from planner.layout.floor import RACK_WIDTH, compute_layout
from planner.model import Plan, Rack, Server, Service, Site
from planner.model.edits import delete_items
from planner.resources import example_plan
from planner.storage import load_plan

LEFT = Qt.MouseButton.LeftButton
NO_MODIFIER = Qt.KeyboardModifier.NoModifier


@pytest.fixture
def floor(qtbot) -> Iterator[FloorView]:
    plan, _ = load_plan(example_plan())
    document = PlanDocument(plan)
    recovery = RecoveryController(document, debounce_ms=5)
    view = FloorView(document, recovery)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    qtbot.waitExposed(view)
    view.canvas.set_zoom(0.5)
    view.canvas.centerOn(1040, 270)  # the middle of the three sites
    yield view
    recovery.wait_until_current()


def at(view: FloorView, x: float, y: float) -> QPoint:
    """The viewport point showing floor point ``(x, y)``."""
    return view.canvas.mapFromScene(QPointF(x, y))


def drag(qtbot, view: FloorView, start: QPoint, end: QPoint, steps: int = 6) -> None:
    viewport = view.canvas.viewport()
    qtbot.mousePress(viewport, LEFT, NO_MODIFIER, start)
    for i in range(1, steps + 1):
        qtbot.mouseMove(viewport, start + (end - start) * (i / steps))
    qtbot.mouseRelease(viewport, LEFT, NO_MODIFIER, end)


def rack(view: FloorView, rack_id: str) -> Rack:
    found = view.document.plan.rack(rack_id)
    assert found is not None
    return found


def undo_redo(view: FloorView, check_before: object, check_after: object) -> None:
    """Undo the one step, check; redo, check."""
    stack = view.document.undo_stack
    stack.undo()
    check_before()  # type: ignore[operator]
    stack.redo()
    check_after()  # type: ignore[operator]


def test_drag_rack_within_its_site_snaps_and_is_one_step(qtbot, floor: FloorView) -> None:
    # AY-B03 at (1050, 110): drag its middle 150 floor units right, to free floor.
    start = at(floor, 1050 + 60, 110 + 150)
    drag(qtbot, floor, start, at(floor, 1050 + 60 + 150, 110 + 150))
    moved = rack(floor, "ay-b03")
    assert (moved.x, moved.y, moved.site) == (1200, 120, "anyang")  # snapped to the grid
    assert moved.x % style.GRID_SIZE == 0 and moved.y % style.GRID_SIZE == 0
    assert floor.document.undo_stack.count() == 1
    item = floor.scene.rack_items["ay-b03"]
    assert (item.scenePos().x(), item.scenePos().y()) == (1200, 120)

    def before() -> None:
        assert (rack(floor, "ay-b03").x, rack(floor, "ay-b03").y) == (1050, 110)
        assert (item.scenePos().x(), item.scenePos().y()) == (1050, 110)

    def after() -> None:
        assert (rack(floor, "ay-b03").x, rack(floor, "ay-b03").y) == (1200, 120)

    undo_redo(floor, before, after)


def test_drag_rack_into_another_site_changes_its_site(qtbot, floor: FloorView) -> None:
    # PG-A04 (x 520, Pangyo) to the free floor of Anyang, right of AY-B03.
    drag(qtbot, floor, at(floor, 580, 300), at(floor, 580 + 700, 300))
    moved = rack(floor, "pg-a04")
    assert moved.site == "anyang" and moved.x == 1220
    assert floor.document.undo_stack.count() == 1
    assert "to 안양" in floor.document.undo_stack.text(0)
    assert "pg-a04" in floor.scene.racks_by_site["anyang"]

    def before() -> None:
        assert (rack(floor, "pg-a04").site, rack(floor, "pg-a04").x) == ("pangyo", 520)
        assert "pg-a04" in floor.scene.racks_by_site["pangyo"]
        assert floor.scene.rack_items["pg-a04"].scenePos().x() == 520

    def after() -> None:
        assert (rack(floor, "pg-a04").site, rack(floor, "pg-a04").x) == ("anyang", 1220)

    undo_redo(floor, before, after)


def test_drag_site_by_its_header_moves_its_racks(qtbot, floor: FloorView) -> None:
    drag(qtbot, floor, at(floor, 1500, 60), at(floor, 1500, 60 + 200))
    site = floor.document.plan.site("gasan")
    assert site is not None and (site.x, site.y) == (1400, 240)
    assert (rack(floor, "gs-c01").x, rack(floor, "gs-c01").y) == (1430, 310)
    assert floor.document.undo_stack.count() == 1
    floor.document.undo_stack.undo()
    assert (site.x, site.y) == (1400, 40) and rack(floor, "gs-c01").y == 110
    floor.document.undo_stack.redo()
    assert site.y == 240 and rack(floor, "gs-c01").y == 310


def test_click_without_moving_pushes_nothing(qtbot, floor: FloorView) -> None:
    qtbot.mouseClick(floor.canvas.viewport(), LEFT, NO_MODIFIER, at(floor, 780, 300))
    assert floor.document.undo_stack.count() == 0
    assert floor.document.selection == [("rack", "ay-b01")]


def test_rubber_band_selects_the_racks_inside_it(qtbot, floor: FloorView) -> None:
    # From the body of the Pangyo site (not its header), around PG-A01 and PG-A02.
    drag(qtbot, floor, at(floor, 55, 95), at(floor, 350, 490))
    assert floor.document.selection == [("rack", "pg-a01"), ("rack", "pg-a02")]
    assert floor.document.undo_stack.count() == 0  # selecting is not an edit
    assert rack(floor, "pg-a01").x == 70  # nothing moved


def test_delete_key_deletes_the_selection_in_one_step(qtbot, floor: FloorView) -> None:
    plan = floor.document.plan
    servers = [s.id for s in plan.servers if s.rack == "pg-a03"]
    qtbot.mouseClick(floor.canvas.viewport(), LEFT, NO_MODIFIER, at(floor, 430, 300))
    assert floor.document.selection == [("rack", "pg-a03")]
    floor.canvas.setFocus()
    qtbot.keyClick(floor.canvas, Qt.Key.Key_Delete)
    assert plan.rack("pg-a03") is None and all(plan.server(s) is None for s in servers)
    assert "pg-a03" not in floor.scene.rack_items
    assert floor.document.undo_stack.count() == 1

    def before() -> None:
        assert plan.rack("pg-a03") is not None and all(plan.server(s) for s in servers)
        assert "pg-a03" in floor.scene.rack_items

    def after() -> None:
        assert plan.rack("pg-a03") is None and "pg-a03" not in floor.scene.rack_items

    undo_redo(floor, before, after)


def test_copy_and_paste_with_an_offset(qtbot, floor: FloorView) -> None:
    plan = floor.document.plan
    count = len([s for s in plan.servers if s.rack == "pg-a01"])
    qtbot.mouseClick(floor.canvas.viewport(), LEFT, NO_MODIFIER, at(floor, 130, 300))
    floor.canvas.setFocus()
    qtbot.keyClick(floor.canvas, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(floor.canvas, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    copy = plan.rack("pg-a01-copy-1")
    assert copy is not None and (copy.x, copy.y, copy.site) == (110, 150, "pangyo")
    assert len([s for s in plan.servers if s.rack == copy.id]) == count
    assert floor.document.selection == [("rack", copy.id)]
    assert floor.document.undo_stack.count() == 1
    qtbot.keyClick(floor.canvas, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    second = plan.rack("pg-a01-copy-2")
    assert second is not None and (second.x, second.y) == (150, 190)  # further each time

    floor.document.undo_stack.undo()
    assert plan.rack("pg-a01-copy-2") is None
    floor.document.undo_stack.undo()
    assert plan.rack("pg-a01-copy-1") is None
    assert len(plan.racks) == 9 and "pg-a01-copy-1" not in floor.scene.rack_items
    floor.document.undo_stack.redo()
    assert plan.rack("pg-a01-copy-1") is not None and "pg-a01-copy-1" in floor.scene.rack_items


def test_wheel_and_keys_zoom(qtbot, floor: FloorView) -> None:
    canvas = floor.canvas
    before = canvas.transform().m11()
    anchor = at(floor, 600, 300)
    wheel = QWheelEvent(
        QPointF(anchor),
        QPointF(canvas.viewport().mapToGlobal(anchor)),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        NO_MODIFIER,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(canvas.viewport(), wheel)
    assert canvas.transform().m11() == pytest.approx(before * 1.2)
    # The floor point under the cursor stays under it.
    assert canvas.mapToScene(anchor).x() == pytest.approx(600, abs=3)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert canvas.transform().m11() == pytest.approx(before * 1.2 / 1.25)
    qtbot.keyClick(canvas, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert canvas.transform().m11() == pytest.approx(before * 1.2)
    qtbot.keyClick(canvas, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    shown = canvas.mapToScene(canvas.viewport().rect()).boundingRect()
    assert shown.contains(floor.scene.content_rect())  # fit: everything in view
    assert floor.document.undo_stack.count() == 0


def test_zooming_in_shows_servers(qtbot, floor: FloorView) -> None:
    floor.canvas.set_zoom(0.1)
    assert not floor.scene.rack_items["pg-a01"].detail.isVisible()
    floor.canvas.set_zoom(2.0)
    assert floor.scene.rack_items["pg-a01"].detail.isVisible()


def test_middle_drag_pans(qtbot, floor: FloorView) -> None:
    viewport = floor.canvas.viewport()
    bar = floor.canvas.horizontalScrollBar()
    before = bar.value()
    start = QPoint(600, 400)
    qtbot.mousePress(viewport, Qt.MouseButton.MiddleButton, NO_MODIFIER, start)
    qtbot.mouseMove(viewport, QPoint(500, 400))
    qtbot.mouseRelease(viewport, Qt.MouseButton.MiddleButton, NO_MODIFIER, QPoint(500, 400))
    assert bar.value() == before + 100
    assert floor.document.undo_stack.count() == 0


def test_fail_on_click_marks_the_rack_lost(qtbot, floor: FloorView) -> None:
    recovery = floor.recovery
    floor.fail_action.setChecked(True)
    qtbot.mouseClick(floor.canvas.viewport(), LEFT, NO_MODIFIER, at(floor, 430, 300))
    assert recovery.adhoc_failed == ["pg-a03"]
    assert recovery.wait_until_current()
    assert recovery.result is not None and "pg-a03" in recovery.result.impact.lost_racks
    assert floor.scene.rack_state["pg-a03"] == "lost"
    item = floor.scene.rack_items["pg-a03"]
    assert item.brush().color().name() == style.STATE_COLORS["lost"]
    assert floor.scene.rack_items["pg-a01"].brush().color().name() != style.STATE_COLORS["lost"]
    assert rack(floor, "pg-a03").x == 370 and floor.document.undo_stack.count() == 0
    # A second click restores it.
    qtbot.mouseClick(floor.canvas.viewport(), LEFT, NO_MODIFIER, at(floor, 430, 300))
    assert recovery.adhoc_failed == []


def test_alt_click_fails_a_site(qtbot, floor: FloorView) -> None:
    recovery = floor.recovery
    alt = Qt.KeyboardModifier.AltModifier
    qtbot.mouseClick(floor.canvas.viewport(), LEFT, alt, at(floor, 1700, 480))
    assert recovery.adhoc_failed == ["gasan"]
    assert recovery.wait_until_current()
    assert floor.scene.lost_sites == {"gasan"}
    assert floor.scene.rack_state["gs-c01"] == "lost"


def test_zoomed_in_fail_click_hits_the_server(qtbot, floor: FloorView) -> None:
    floor.canvas.set_zoom(2.0)
    floor.canvas.centerOn(130, 400)
    server = floor.document.plan.server("pg-infra-01")  # unit 1 of PG-A01
    assert server is not None
    floor.fail_action.setChecked(True)
    bottom = 110 + 26 + 42 * 8 - 4  # inside unit 1
    qtbot.mouseClick(floor.canvas.viewport(), LEFT, NO_MODIFIER, at(floor, 130, bottom))
    assert floor.recovery.adhoc_failed == ["pg-infra-01"]


def test_double_click_on_a_rack_activates_it(qtbot, floor: FloorView) -> None:
    with qtbot.waitSignal(floor.rackActivated, timeout=1000) as signal:
        qtbot.mouseDClick(floor.canvas.viewport(), LEFT, NO_MODIFIER, at(floor, 280, 300))
    assert signal.args == ["pg-a02"]


def test_selection_follows_the_document(qtbot, floor: FloorView) -> None:
    floor.document.select([("rack", "ay-b02"), ("service", "login")])
    assert [i.key for i in floor.scene.selectedItems()] == ["ay-b02"]
    floor.document.select([])
    assert floor.scene.selectedItems() == []
    # A click on a site's header selects the site.
    qtbot.mouseClick(floor.canvas.viewport(), LEFT, NO_MODIFIER, at(floor, 900, 60))
    assert floor.document.selection == [("site", "anyang")]


def _drop(view: FloorView, kind: str, x: float, y: float) -> bool:
    data = QMimeData()
    data.setData(FLOOR_MIME, kind.encode())
    viewport = view.canvas.viewport()
    point = at(view, x, y)
    actions = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(point, actions, data, LEFT, NO_MODIFIER)
    QApplication.sendEvent(viewport, enter)
    move = QDragMoveEvent(point, actions, data, LEFT, NO_MODIFIER)
    QApplication.sendEvent(viewport, move)
    if not move.isAccepted():
        # As Qt does when the button is released over a refusing widget.
        QApplication.sendEvent(viewport, QDragLeaveEvent())
        assert not any(type(item).__name__ == "QGraphicsRectItem" for item in view.scene.items())
        return False
    drop = QDropEvent(QPointF(point), actions, data, LEFT, NO_MODIFIER)
    QApplication.sendEvent(viewport, drop)
    return drop.isAccepted()


def test_drop_a_new_rack_from_the_palette(qtbot, floor: FloorView) -> None:
    plan = floor.document.plan
    assert _drop(floor, "rack", 1800, 300)
    new = plan.rack("rack1")
    assert new is not None and new.site == "gasan"
    assert new.x == 1740 and new.x % style.GRID_SIZE == 0 and new.y % style.GRID_SIZE == 0
    assert floor.document.selection == [("rack", "rack1")]
    assert floor.document.undo_stack.count() == 1
    kinds = {type(item).__name__ for item in floor.scene.items()}
    assert kinds == {"SiteItem", "SiteLabel", "RackItem", "RackDetail"}  # no drop ghost left

    def before() -> None:
        assert plan.rack("rack1") is None and "rack1" not in floor.scene.rack_items

    def after() -> None:
        assert plan.rack("rack1") is not None and "rack1" in floor.scene.rack_items

    undo_redo(floor, before, after)


def test_a_rack_dropped_outside_every_site_is_refused(qtbot, floor: FloorView) -> None:
    assert not _drop(floor, "rack", 700, 700)
    assert floor.document.undo_stack.count() == 0 and len(floor.document.plan.racks) == 9


def test_drop_a_new_site(qtbot, floor: FloorView) -> None:
    assert _drop(floor, "site", 700, 900)
    site = floor.document.plan.site("site1")
    assert site is not None and site.width and site.x is not None and site.x % 20 == 0
    floor.document.undo_stack.undo()
    assert floor.document.plan.site("site1") is None and "site1" not in floor.scene.site_items
    floor.document.undo_stack.redo()
    assert "site1" in floor.scene.site_items


def test_palette_click_adds_a_rack_in_view(qtbot, floor: FloorView) -> None:
    floor.canvas.centerOn(1700, 300)
    qtbot.mouseClick(floor.new_rack_button, LEFT)
    new = floor.document.plan.rack("rack1")
    assert new is not None and new.site == "gasan"


# --------------------------------------------------------------------------- auto layout


def unplaced_plan() -> Plan:
    """Two sites and five racks, no positions: the view lays them out."""
    sites = [Site("a", "Site A"), Site("b", "Site B")]
    racks = [Rack(f"r{i}", "a" if i < 3 else "b", f"R{i}") for i in range(5)]
    servers = [Server(f"h{i}", f"r{i}", f"H{i}", 1) for i in range(5)]
    return Plan(
        sites=sites,
        racks=racks,
        servers=servers,
        services=[Service("svc", "Svc", servers=["h0"])],
    )


def test_auto_layout_puts_sites_side_by_side_and_racks_inside() -> None:
    layout = compute_layout(unplaced_plan())
    (ax, ay, aw, _), (bx, by, _, _) = layout.sites["a"], layout.sites["b"]
    assert ay == by and bx >= ax + aw  # side by side, no overlap
    for rack_id, site_id in (("r0", "a"), ("r2", "a"), ("r4", "b")):
        x, y = layout.racks[rack_id]
        sx, sy, sw, sh = layout.sites[site_id]
        assert sx < x and x + RACK_WIDTH < sx + sw and sy < y < sy + sh
    assert layout.auto_sites == {"a", "b"} and len(layout.auto_racks) == 5


def test_moving_a_rack_of_an_auto_laid_floor_writes_what_it_touches(qtbot) -> None:
    document = PlanDocument(unplaced_plan())
    recovery = RecoveryController(document, debounce_ms=5)
    view = FloorView(document, recovery)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    qtbot.waitExposed(view)
    assert all(r.x is None for r in document.plan.racks)  # opening writes nothing
    shown = {k: i.scenePos() for k, i in view.scene.rack_items.items()}
    x, y = view.scene.layout.racks["r1"]
    drag(qtbot, view, at(view, x + 60, y + 200), at(view, x + 60, y + 300))
    plan = document.plan
    assert plan.rack("r1").y == pytest.approx(y + 100, abs=20)  # type: ignore[union-attr]
    # Site A's other racks and both sites are written where they were shown ...
    for key in ("r0", "r2"):
        placed = plan.rack(key)
        assert placed is not None and (placed.x, placed.y) == (shown[key].x(), shown[key].y())
    assert all(s.x is not None for s in plan.sites)
    # ... Site B's racks stay unplaced, and nothing else moved on screen.
    assert plan.rack("r3").x is None  # type: ignore[union-attr]
    for key in ("r0", "r2", "r3", "r4"):
        assert view.scene.rack_items[key].scenePos() == shown[key]
    assert document.undo_stack.count() == 1
    document.undo_stack.undo()
    assert all(r.x is None for r in plan.racks) and all(s.x is None for s in plan.sites)
    assert view.scene.rack_items["r1"].scenePos() == shown["r1"]
    document.undo_stack.redo()
    assert plan.rack("r0").x is not None  # type: ignore[union-attr]
    recovery.wait_until_current()


def test_replacing_the_plan_rebuilds_the_floor(qtbot, floor: FloorView) -> None:
    floor.document.replace(unplaced_plan(), None)
    assert set(floor.scene.rack_items) == {f"r{i}" for i in range(5)}
    assert set(floor.scene.site_items) == {"a", "b"}


def test_a_change_from_elsewhere_never_rewrites_the_selection(floor: FloorView) -> None:
    # The rack goes (deleted from the tree, say) while selected with a service: the
    # floor loses its item, but the selection is the document's, not the floor's echo.
    document = floor.document
    document.select([("rack", "pg-a01"), ("service", "login")])
    assert floor.scene.rack_items["pg-a01"].isSelected()
    document.push(delete_items(document.plan, [("rack", "pg-a01")]), origin=object())
    assert "pg-a01" not in floor.scene.rack_items
    assert document.selection == [("rack", "pg-a01"), ("service", "login")]


def test_space_drag_pans_without_selecting(qtbot, floor: FloorView) -> None:
    canvas = floor.canvas
    canvas.setFocus()
    bar = canvas.horizontalScrollBar()
    before = bar.value()
    qtbot.keyPress(canvas, Qt.Key.Key_Space)
    drag(qtbot, floor, at(floor, 780, 300), at(floor, 780, 300) + QPoint(-120, 0))
    qtbot.keyRelease(canvas, Qt.Key.Key_Space)
    assert bar.value() == before + 120
    assert floor.document.selection == [] and rack(floor, "ay-b01").x == 750
    assert floor.document.undo_stack.count() == 0
    assert canvas.isInteractive()


def test_clicking_the_overview_looks_there(qtbot, floor: FloorView) -> None:
    overview = floor.overview
    overview.render_floor()
    target = overview.mapFromScene(QPointF(1700, 270))
    qtbot.mouseClick(overview.viewport(), LEFT, NO_MODIFIER, target)
    centre = floor.canvas.mapToScene(floor.canvas.viewport().rect().center())
    assert abs(centre.x() - 1700) < 30 and abs(centre.y() - 270) < 30


def test_tooltips_name_what_is_under_the_cursor(floor: FloorView) -> None:
    scene = floor.scene
    assert "PG-A01" in scene.tooltip_at(QPointF(130, 300), servers_drawn=False)
    assert "판교" in scene.tooltip_at(QPointF(600, 480), servers_drawn=False)
    server_tip = scene.tooltip_at(QPointF(130, 110 + 26 + 41 * 8 + 4), servers_drawn=True)
    assert "pg-infra-01" in server_tip and "unit 1" in server_tip


def test_fit_never_enlarges_a_small_floor_beyond_150_percent(qtbot, floor: FloorView) -> None:
    floor.document.replace(Plan(sites=[Site("a", "A")]), None)
    floor.canvas.fit_all()
    assert floor.canvas.zoom == pytest.approx(1.5)
    shown = floor.canvas.mapToScene(floor.canvas.viewport().rect()).boundingRect()
    assert shown.contains(floor.scene.content_rect())


def test_a_plan_opened_while_the_floor_is_hidden_is_fitted_when_shown(qtbot, floor) -> None:
    floor.canvas.set_zoom(8.0)
    floor.hide()
    plan = Plan(name="one", sites=[Site("s", "S", x=5000, y=5000, width=600, height=400)])
    floor.document.replace(plan, None)
    floor.show()
    qtbot.waitExposed(floor)
    shown = floor.canvas.mapToScene(floor.canvas.viewport().rect()).boundingRect()
    assert shown.contains(floor.scene.content_rect())


def test_a_rack_whose_site_changes_is_drawn_in_its_new_site(qtbot) -> None:
    # As Properties does it: only the rack's site changes; its stored x, y stay in A.
    from planner.model.edits import SetFields

    plan = Plan(
        name="two sites",
        sites=[
            Site("a", "A", x=0, y=0, width=600, height=400),
            Site("b", "B", x=640, y=0, width=600, height=400),
        ],
        racks=[Rack("r", "a", "R", x=40, y=60), Rack("free", "a", "Free", x=0, y=900)],
    )
    document = PlanDocument(plan)
    view = FloorView(document, RecoveryController(document, debounce_ms=5))
    qtbot.addWidget(view)
    scene = view.scene

    def drawn_in(rack_id: str) -> str | None:
        return scene.site_at(scene.rack_items[rack_id].sceneBoundingRect().center())

    assert drawn_in("r") == "a"
    assert document.push(SetFields("rack", "r", site="b"))
    assert drawn_in("r") == "b"
    document.undo_stack.undo()
    assert drawn_in("r") == "a"
    # A rack stood by hand on free floor, in no site's box, stays where it was put.
    assert document.push(SetFields("rack", "free", site="b"))
    assert scene.rack_items["free"].pos() == QPointF(0, 900)


def test_a_palette_drag_survives_the_plan_being_replaced_under_it(qtbot, floor) -> None:
    data = QMimeData()
    data.setData(FLOOR_MIME, b"site")
    viewport = floor.canvas.viewport()
    point = at(floor, 900, 300)
    actions = Qt.DropAction.CopyAction
    QApplication.sendEvent(viewport, QDragEnterEvent(point, actions, data, LEFT, NO_MODIFIER))
    floor.document.replace(Plan(name="empty"), None)  # File > Open by shortcut, say
    move = QDragMoveEvent(point, actions, data, LEFT, NO_MODIFIER)
    QApplication.sendEvent(viewport, move)
    drop = QDropEvent(QPointF(point), actions, data, LEFT, NO_MODIFIER)
    QApplication.sendEvent(viewport, drop)
    assert drop.isAccepted() and len(floor.document.plan.sites) == 1
    assert not any(type(item).__name__ == "QGraphicsRectItem" for item in floor.scene.items())
