"""File > Import > From NetBox with real input: the menu, the source dialog typed into,
the diff dialog, Apply, and Ctrl+Z taking the whole import back. Both dialogs are
window-modal without a nested event loop, so the window stays alive under them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from PySide6.QtWidgets import QWidget

from tests.realwindow import xdo
from tests.realwindow.windows import centre, settled, shown_window
from tests.test_netbox_import import DEMO


def test_import_from_netbox_through_the_menu_and_undo(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert DEMO.is_file(), f"the NetBox demo dump is missing: {DEMO}"
    window = shown_window(qtbot, tmp_path)
    settled(window)

    bar = window.menuBar()
    file_action = bar.actions()[0]
    file_menu = file_action.menu()
    xdo.click(*_point(bar, bar.actionGeometry(file_action)))
    qtbot.waitUntil(file_menu.isVisible, timeout=10_000)
    import_menu = window.import_menu
    xdo.click(*_point(file_menu, file_menu.actionGeometry(import_menu.menuAction())))
    qtbot.waitUntil(import_menu.isVisible, timeout=10_000)
    xdo.click(*_point(import_menu, import_menu.actionGeometry(window.actions["import_netbox"])))
    qtbot.waitUntil(
        lambda: window.netbox_source_dialog is not None and window.netbox_source_dialog.isVisible(),
        timeout=10_000,
    )
    dialog = window.netbox_source_dialog
    assert dialog is not None
    settled(dialog)
    xdo.click(*centre(dialog.from_files))
    qtbot.waitUntil(dialog.files.isEnabled, timeout=10_000)
    xdo.click(*centre(dialog.files))
    qtbot.waitUntil(dialog.files.hasFocus, timeout=10_000)
    xdo.type_text(str(DEMO))
    qtbot.waitUntil(lambda: dialog.files.text() == str(DEMO), timeout=10_000)
    assert dialog.error.text() == ""
    xdo.click(*centre(dialog.buttons.buttons()[0]))  # Import…

    importer = window.netbox_importer
    qtbot.waitUntil(
        lambda: importer.dialog is not None and importer.dialog.isVisible(), timeout=60_000
    )
    diff = importer.dialog
    assert diff is not None
    assert diff.tabs.tabText(0) == "Added (190)"
    assert window.document.plan.servers == []  # nothing until Apply
    settled(diff)
    shot = xdo.screenshot(tmp_path / "netbox-import-diff.png")
    keep = os.environ.get("DRPLANNER_SHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / shot.name)
    messages: list[str] = []
    importer.done.connect(messages.append)
    xdo.click(*centre(diff.apply_button))
    qtbot.waitUntil(lambda: bool(messages), timeout=10_000)
    assert messages[0].startswith("Imported from NetBox: 190 added")
    plan = window.document.plan
    assert (len(plan.sites), len(plan.racks), len(plan.servers)) == (24, 42, 72)
    assert window.document.undo_stack.count() == 1
    window.activateWindow()  # what a window manager does when a dialog closes; Xvfb has none
    qtbot.waitUntil(window.isActiveWindow, timeout=10_000)
    xdo.key("ctrl+z")
    qtbot.waitUntil(lambda: window.document.plan.servers == [], timeout=10_000)
    assert window.document.plan.sites == [] and window.isVisible()


def _point(widget: QWidget, rect) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    point = widget.mapToGlobal(rect.center())
    return point.x(), point.y()
