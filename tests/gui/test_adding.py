"""New items go into the selected container, in free space, and nothing else changes.

Each test drives the window's Add actions (or the floor's palette buttons) with a
selection made by clicking, as a user would, and checks the model and what is drawn.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from planner.gui.main_window import MainWindow
from planner.layout.floor import compute_layout, rack_height
from planner.model import Rack
from tests.gui.test_end_to_end import click_tree


def make_window(qtbot, tmp_path: Path) -> MainWindow:
    settings = QSettings(str(tmp_path / "adding.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, autosave_dir=tmp_path / "autosave")
    # Closed at the end with unsaved work: answer the question nobody is there to see.
    window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
    qtbot.addWidget(window)
    window.resize(1300, 740)
    window.show()
    qtbot.waitExposed(window)
    return window


def drawn_boxes(window: MainWindow) -> dict[str, QRectF]:
    scene = window.floor.scene
    boxes = {key: item.sceneBoundingRect() for key, item in scene.site_items.items()}
    boxes.update({key: item.sceneBoundingRect() for key, item in scene.rack_items.items()})
    return boxes


def assert_no_overlap(window: MainWindow) -> None:
    layout = compute_layout(window.document.plan)
    sites = list(layout.sites.items())
    for i, (a, box_a) in enumerate(sites):
        for b, box_b in sites[i + 1 :]:
            ra, rb = QRectF(*box_a), QRectF(*box_b)
            assert not ra.intersects(rb), f"sites {a} and {b} overlap: {ra} {rb}"
    plan = window.document.plan
    racks = [(r, QRectF(*layout.racks[r.id], 120, rack_height(r.units))) for r in plan.racks]
    for i, (a, box_a) in enumerate(racks):
        site_box = QRectF(*layout.sites[a.site])
        assert site_box.contains(box_a), f"rack {a.id} is drawn outside site {a.site}"
        for b, box_b in racks[i + 1 :]:
            assert not box_a.intersects(box_b), f"racks {a.id} and {b.id} overlap"


def click_floor(qtbot, window: MainWindow, key: str) -> None:
    """Click the header of site ``key`` on the floor canvas (its body starts a rubber band)."""
    canvas = window.floor.canvas
    box = window.floor.scene.site_items[key].sceneBoundingRect()
    canvas.ensureVisible(box, 0, 0)
    point = canvas.mapFromScene(QPointF(box.left() + 15, box.top() + 20))
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_window_add_site_twice_puts_them_side_by_side(qtbot, tmp_path: Path) -> None:
    window = make_window(qtbot, tmp_path)
    window.actions["add_site"].trigger()
    window.actions["add_site"].trigger()
    sites = window.document.plan.sites
    assert len(sites) == 2
    assert_no_overlap(window)
    boxes = drawn_boxes(window)
    assert not boxes["site1"].intersects(boxes["site2"])


def test_floor_new_site_twice_never_lands_on_the_first(qtbot, tmp_path: Path) -> None:
    window = make_window(qtbot, tmp_path)
    window.floor.new_site_button.click()
    window.floor.new_site_button.click()
    window.floor.new_site_button.click()
    assert len(window.document.plan.sites) == 3
    assert_no_overlap(window)


def test_a_new_rack_goes_into_the_site_clicked_on_the_floor(qtbot, tmp_path: Path) -> None:
    window = make_window(qtbot, tmp_path)
    window.actions["add_site"].trigger()
    window.actions["add_site"].trigger()
    sites = [s.id for s in window.document.plan.sites]
    click_floor(qtbot, window, sites[1])
    assert window.document.selection == [("site", sites[1])]
    window.actions["add_rack"].trigger()
    assert window.document.plan.racks[-1].site == sites[1]
    # The floor's own New rack button follows the selection too, not the view's middle.
    click_floor(qtbot, window, sites[1])
    window.floor.canvas.centerOn(window.floor.scene.site_items[sites[0]])
    window.floor.new_rack_button.click()
    assert window.document.plan.racks[-1].site == sites[1]
    # Clicked in the tree: the first site, and a selected rack counts as its site.
    click_tree(qtbot, window.tree, "site", sites[0])
    window.actions["add_rack"].trigger()
    assert window.document.plan.racks[-1].site == sites[0]
    window.actions["add_rack"].trigger()  # the new rack is selected: the same site
    assert window.document.plan.racks[-1].site == sites[0]
    assert_no_overlap(window)


def test_new_racks_avoid_racks_placed_by_hand_and_stay_in_the_site(qtbot, tmp_path) -> None:
    window = make_window(qtbot, tmp_path)
    window.actions["add_site"].trigger()
    site = window.document.plan.sites[0]
    layout = compute_layout(window.document.plan)
    x, y, _, _ = layout.sites[site.id]
    # A rack placed by hand on the spot the automatic layout gives the second rack.
    window.document.plan.racks.append(Rack("hand", site.id, "By hand", x=x + 30, y=y + 70))
    window.document.changed.emit(None, None)
    for n in range(6):  # the window's Add rack and the floor's New rack, in turn
        click_tree(qtbot, window.tree, "site", site.id)
        if n % 2:
            window.floor.new_rack_button.click()
        else:
            window.actions["add_rack"].trigger()
        assert_no_overlap(window)
    assert [r.site for r in window.document.plan.racks] == [site.id] * 7
    # One row holds four racks: the site grew by a row, in the step that needed it.
    assert site.height is not None and site.height > 460
    for _ in range(3):  # back to four racks, one row: the site is as it was
        window.document.undo_stack.undo()
    assert site.height == 460 and len(window.document.plan.racks) == 4


def test_new_servers_take_free_units_of_the_selected_rack(qtbot, tmp_path: Path) -> None:
    window = make_window(qtbot, tmp_path)
    window.actions["add_site"].trigger()
    window.actions["add_rack"].trigger()
    window.actions["add_rack"].trigger()
    plan = window.document.plan
    first, second = (r.id for r in plan.racks)
    click_tree(qtbot, window.tree, "rack", second)
    window.actions["add_server"].trigger()
    window.actions["add_server"].trigger()  # a server is selected: its rack, next unit
    assert [(s.rack, s.position) for s in plan.servers] == [(second, 1), (second, 2)]
    plan.servers[0].position = 3  # units 1-2 free again below the second server
    window.document.changed.emit(None, None)
    click_tree(qtbot, window.tree, "rack", second)
    window.actions["add_server"].trigger()
    assert (plan.servers[-1].rack, plan.servers[-1].position) == (second, 1)
    click_tree(qtbot, window.tree, "rack", first)
    window.actions["add_server"].trigger()
    assert (plan.servers[-1].rack, plan.servers[-1].position) == (first, 1)


def test_a_new_service_runs_on_no_server_even_with_one_selected(qtbot, tmp_path) -> None:
    window = make_window(qtbot, tmp_path)
    for name in ("add_site", "add_rack", "add_server"):
        window.actions[name].trigger()
    click_tree(qtbot, window.tree, "server", "server1")
    assert window.document.selection == [("server", "server1")]
    window.actions["add_service"].trigger()
    service = window.document.plan.services[0]
    assert service.servers == [] and service.standby_servers == []
    assert window.document.selection == [("service", service.id)]
    assert "no server" in window.statusBar().currentMessage()


def test_one_server_is_one_server_in_the_rack_header(qtbot, tmp_path: Path) -> None:
    window = make_window(qtbot, tmp_path)
    for name in ("add_site", "add_rack", "add_server"):
        window.actions[name].trigger()
    window.open_rack("rack1")
    subtitle = window.rack_view.subtitle.text()
    assert subtitle.endswith("1 server · 1 of 42 units used"), subtitle
    click_tree(qtbot, window.tree, "rack", "rack1")
    window.actions["add_server"].trigger()
    assert window.rack_view.subtitle.text().endswith("2 servers · 2 of 42 units used")
