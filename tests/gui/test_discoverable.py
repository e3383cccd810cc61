"""What a new user looks for: the Edit menu's copy and paste, the Services tab's add
button, a runbook export that says why it cannot run, a renamed scenario kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from planner.gui.document import PlanDocument
from planner.gui.main_window import MainWindow
from planner.model import Plan, Rack, Scenario, Server, Site
from planner.model.edits import RenameId


@pytest.fixture
def window(qtbot, tmp_path: Path) -> MainWindow:
    plan = Plan(
        name="p",
        sites=[Site("A", "Anyang", x=0, y=0, width=600, height=400)],
        racks=[Rack("r1", "A", "R1")],
        servers=[Server("h1", "r1", "H1", 1)],
        scenarios=[Scenario("fire", "Fire", ["A"])],
    )
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    main = MainWindow(PlanDocument(plan), settings, tmp_path / "autosave")
    main.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


def menu_texts(window: MainWindow, title: str) -> list[str]:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == title)
    return [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]


def test_the_edit_menu_has_copy_and_paste_enabled_where_they_apply(window) -> None:
    assert {"Copy", "Paste"} <= set(menu_texts(window, "&Edit"))
    copy, paste = window.actions["copy"], window.actions["paste"]
    window.document.select([])
    assert not copy.isEnabled()
    window.document.select([("site", "A")])
    assert copy.isEnabled()
    copy.trigger()
    assert paste.isEnabled()
    paste.trigger()
    assert len(window.document.plan.sites) == 2 and len(window.document.plan.racks) == 2


def test_the_services_tab_adds_a_service_and_says_how(window) -> None:
    view = window.services
    window.tabs.setCurrentWidget(view)
    assert view.empty_hint.isVisible()
    view.add_button.click()
    assert len(window.document.plan.services) == 1
    assert view.empty_hint.isHidden()


def test_export_without_a_scenario_says_so_in_a_dialog(window, qtbot) -> None:
    asked: list[str] = []
    window.ask_save_path = lambda *args: asked.append(args[0]) or ""  # type: ignore[method-assign]
    assert not window.export_runbook()
    assert asked == []
    assert window.tabs.currentWidget() is window.recovery_view
    notice = window.notice
    assert notice is not None
    qtbot.waitUntil(notice.isVisible)
    assert "Choose a scenario" in notice.text()
    notice.close()


def test_renaming_the_chosen_scenario_keeps_it_chosen(window, qtbot) -> None:
    window.recovery_view.select_scenario("fire")
    assert window.recovery.scenario_id == "fire"
    window.document.push(RenameId("scenario", "fire", "blaze"))
    assert window.recovery.scenario_id == "blaze"
    combo = window.recovery_view.scenario_combo
    assert combo.currentData() == "blaze"
    window.document.undo_stack.undo()
    assert window.recovery.scenario_id == "fire" and combo.currentData() == "fire"
