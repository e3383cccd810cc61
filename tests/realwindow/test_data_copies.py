"""A real drag onto a service's data copies: a server dragged from the plan tree with
the mouse (xdotool, through the X server) and dropped below the copy list makes a new
copy on it; a rack dropped on that copy's row adds it to the copy. Each drop is one
undo step, and Ctrl+Z takes the last one back."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from planner.gui.document import PlanDocument
from planner.gui.main_window import MainWindow
from tests.gui.domain_plans import powered_plan
from tests.realwindow import xdo
from tests.realwindow.display import SCREEN
from tests.realwindow.test_fits_laptop import clipped_labels, fits, program_font  # noqa: F401
from tests.realwindow.windows import shown_window

PANGYO = Path(__file__).resolve().parents[2] / "resources" / "examples" / "pangyo.drplan"


def _window(qtbot, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    return shown_window(qtbot, tmp_path, PlanDocument(powered_plan()))


def _shot(window: MainWindow, tmp_path: Path, name: str) -> Path:
    QApplication.processEvents()
    window.repaint()
    folder = Path(os.environ.get("DRPLANNER_SHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return xdo.screenshot(folder / f"{name}.png")


def test_a_server_dragged_from_the_tree_onto_the_copy_list(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, tmp_path)
    document, tree, editor = window.document, window.tree, window.copies_editor
    document.select([("service", "db")])
    window.side_tabs.setCurrentWidget(editor)
    qtbot.waitUntil(editor.table.isVisible, timeout=10_000)
    rack_row = tree.item_for("rack", "r1")
    assert rack_row is not None
    tree.expandItem(rack_row)
    server_row = tree.item_for("server", "s1")
    assert server_row is not None
    tree.scrollToItem(server_row)
    QApplication.processEvents()
    window.repaint()

    def centre_of(row):  # type: ignore[no-untyped-def]
        point = tree.viewport().mapToGlobal(tree.visualItemRect(row).center())
        return point.x(), point.y()

    viewport = editor.table.viewport()
    below = viewport.mapToGlobal(viewport.rect().center())  # no rows yet: below them
    service = document.plan.service("db")
    assert service is not None and not service.data
    xdo.drag(centre_of(server_row), (below.x(), below.y()), steps=20)
    qtbot.waitUntil(lambda: len(service.data) == 1, timeout=10_000)
    assert service.data[0].on == ["s1"] and service.data[0].kind == "primary"
    assert document.undo_stack.count() == 1
    assert editor.model.index(0, 3).data() == "db-1"

    # A rack dropped on the copy's row joins that copy.
    QApplication.processEvents()
    row = editor.table.visualRect(editor.model.index(0, 3)).center()
    target = viewport.mapToGlobal(row)
    xdo.drag(centre_of(tree.item_for("rack", "r2")), (target.x(), target.y()), steps=20)
    qtbot.waitUntil(lambda: service.data[0].on == ["s1", "r2"], timeout=10_000)
    assert document.undo_stack.count() == 2
    _shot(window, tmp_path, "data-copies-drop")

    xdo.click(*(lambda p: (p.x(), p.y()))(viewport.mapToGlobal(row)))
    xdo.key("ctrl+z")
    qtbot.waitUntil(lambda: service.data[0].on == ["s1"], timeout=10_000)


@pytest.mark.usefixtures("program_font")
def test_the_lost_data_views_fit_1366x768(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The example's Pangyo-lost scenario on the Recovery tab (the red banner over the
    headline) with a service's Data tab beside it, at the laptop's size, in the program's
    font with its Korean names: nothing grows the window, no wrapped line is cut."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, autosave_dir=tmp_path / "autosave")
    window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.open_path(PANGYO, offer_recovery=False)
    window.resize(*SCREEN)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == SCREEN, timeout=10_000)
    recovery, view = window.recovery, window.recovery_view
    window.tabs.setCurrentWidget(view)
    view.select_scenario("pangyo-lost")
    qtbot.waitUntil(lambda: recovery.is_current and recovery.result is not None, timeout=30_000)
    assert recovery.result is not None and "media-storage" in recovery.result.data_lost
    window.document.select([("service", "media-storage")])
    window.side_tabs.setCurrentWidget(window.copies_editor)
    qtbot.waitUntil(window.copies_editor.outcome.isVisible, timeout=10_000)
    QApplication.processEvents()
    assert view.data_banner.isVisible()
    assert view.data_banner.text().startswith("Data lost for good: 미디어 오브젝트 스토리지")
    assert "0 of 2 copies survive" in window.copies_editor.outcome.text()
    assert not fits(window), fits(window)
    assert (window.width(), window.height()) == SCREEN
    assert not clipped_labels(view) and not clipped_labels(window.copies_editor)
    _shot(window, tmp_path, "data-lost-1366")


def test_a_server_dragged_out_of_the_rack_view_onto_a_copy(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, tmp_path)
    document, editor = window.document, window.copies_editor
    document.select([("service", "db")])
    window.side_tabs.setCurrentWidget(editor)
    assert editor.drop_locations(["an"], -1)  # a copy in Anyang to drop the server on
    window.open_rack("r1")
    canvas = window.rack_view.canvas
    qtbot.waitUntil(canvas.isVisible, timeout=10_000)
    bar = window.rack_view.scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.value() == bar.maximum(), timeout=10_000)  # unit 1 in sight
    document.select([("service", "db")])  # the rack view selected its rack
    window.side_tabs.setCurrentWidget(editor)
    qtbot.waitUntil(editor.table.isVisible, timeout=10_000)
    QApplication.processEvents()
    window.repaint()
    start = canvas.mapToGlobal(canvas.unit_rect(1).center().toPoint())
    cell = editor.table.visualRect(editor.model.index(0, 3)).center()
    end = editor.table.viewport().mapToGlobal(cell)
    xdo.drag((start.x(), start.y()), (end.x(), end.y()), steps=24)
    service = document.plan.service("db")
    assert service is not None
    qtbot.waitUntil(lambda: service.data[0].on == ["an", "s1"], timeout=10_000)
    server = document.plan.server("s1")
    assert server is not None and (server.rack, server.position) == ("r1", 1)  # not moved
    assert document.undo_stack.count() == 2
