"""The Analysis tab with real input on the before-fix Pangyo example: a click on the tab
starts the analysis, a click on a finding selects its rack on the floor, Make scenario
and Ctrl+Z, and the heat map button recolours the floor."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from PySide6.QtWidgets import QWidget

from planner.analysis import Finding
from planner.gui.analysis_models import ROW_ROLE
from planner.gui.document import PlanDocument
from planner.gui.main_window import MainWindow
from planner.storage import load_plan
from tests.realwindow import xdo
from tests.realwindow.windows import centre, settled, shown_window

PANGYO = Path(__file__).resolve().parents[2] / "resources" / "examples" / "pangyo.drplan"


def _window(qtbot, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    plan, _ = load_plan(PANGYO)
    return shown_window(qtbot, tmp_path, PlanDocument(plan, PANGYO))


def _click_tab(window: MainWindow, widget: QWidget) -> None:
    bar = window.tabs.tabBar()
    rect = bar.tabRect(window.tabs.indexOf(widget))
    point = bar.mapToGlobal(rect.center())
    xdo.click(point.x(), point.y())


def test_a_finding_clicked_selects_its_rack_on_the_floor_and_makes_a_scenario(
    qtbot, tmp_path
) -> None:
    window = _window(qtbot, tmp_path)
    tab = window.analysis_tab
    assert not window.analysis.active
    settled(window)
    _click_tab(window, tab)
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is tab, timeout=10_000)
    assert window.analysis.active
    qtbot.waitUntil(lambda: window.analysis.is_current, timeout=60_000)
    qtbot.waitUntil(lambda: tab.findings_model.rowCount() > 0, timeout=10_000)

    model = tab.findings_model
    row = next(
        r
        for r in range(model.rowCount())
        if isinstance(f := model.data(model.index(r, 0), ROW_ROLE), Finding)
        and f.kind == "hidden_single_point"
        and f.ids[0] == "ops-tooling"
    )
    index = model.index(row, 1)
    tab.findings.scrollTo(index)
    settled(window)
    point = tab.findings.viewport().mapToGlobal(tab.findings.visualRect(index).center())
    xdo.click(point.x(), point.y())
    qtbot.waitUntil(lambda: ("rack", "pg-a01") in window.document.selection, timeout=10_000)
    assert window.floor.scene.rack_items["pg-a01"].isSelected()
    assert "operations tooling" in tab.cuts_title.text() or "ops-tooling" in tab.cuts_title.text()

    plan = window.document.plan
    before = [s.id for s in plan.scenarios]
    qtbot.waitUntil(tab.make_button.isEnabled, timeout=10_000)
    settled(window)
    xdo.click(*centre(tab.make_button))
    qtbot.waitUntil(lambda: len(plan.scenarios) == len(before) + 1, timeout=10_000)
    assert plan.scenarios[-1].failed == ["pg-a01"]
    xdo.key("ctrl+z")
    qtbot.waitUntil(lambda: [s.id for s in plan.scenarios] == before, timeout=10_000)

    # The heat map, from the tab's button: the floor's racks in their blast radius colours.
    racks = window.floor.scene.rack_items
    normal = racks["pg-a01"].brush().color().name()
    assert tab.heat_button is not None
    settled(window)
    xdo.click(*centre(tab.heat_button))
    qtbot.waitUntil(window.floor_heat.action.isChecked, timeout=10_000)
    _click_tab(window, window.floor)
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.floor, timeout=10_000)
    qtbot.waitUntil(lambda: racks["pg-a01"].brush().color().name() != normal, timeout=10_000)
    assert window.floor.heat_legend.isVisible()
    settled(window)
    shot = xdo.screenshot(tmp_path / "analysis-heat-map.png")
    keep = os.environ.get("DRPLANNER_SHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / shot.name)
