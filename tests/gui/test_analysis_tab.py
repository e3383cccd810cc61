"""The Analysis tab on the before-fix Pangyo example: the worst-failures table, a finding
clicked selects its items everywhere, cut sets follow the selection, Make scenario is
one undo step, edits recompute in the background (greyed meanwhile), Cancel, and the
floor's heat map on and off."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox, QTableView

from planner.analysis import AnalysisCancelled
from planner.gui import analysis_controller, analysis_tab, style
from planner.gui.analysis_controller import may_change_analysis
from planner.gui.analysis_models import ROW_ROLE
from planner.gui.document import PlanDocument
from planner.gui.main_window import MainWindow
from planner.gui.views.floor_heat import NOTHING, HeatMap
from planner.model.clock import clock
from planner.model.edits import MoveItems, SetFields
from planner.storage import load_plan

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "examples" / "pangyo.drplan"


@pytest.fixture
def window(qtbot, tmp_path: Path) -> MainWindow:
    plan, problems = load_plan(EXAMPLE)
    assert not problems
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(PlanDocument(plan, EXAMPLE), settings, tmp_path / "autosave")
    qtbot.addWidget(window)
    window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
    window.resize(1366, 740)
    window.show()
    qtbot.waitExposed(window)
    return window


def _analysed(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.tabs.setCurrentWidget(window.analysis_tab)
    qtbot.waitUntil(lambda: window.analysis.is_current, timeout=60_000)


def _click_row(qtbot, view: QTableView, row: int, column: int = 1) -> None:  # type: ignore[no-untyped-def]
    view.scrollTo(view.model().index(row, column))
    rect = view.visualRect(view.model().index(row, column))
    assert rect.isValid()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _row_of(view: QTableView, wanted) -> int:  # type: ignore[no-untyped-def]
    model = view.model()
    for row in range(model.rowCount()):
        if wanted(model.data(model.index(row, 0), ROW_ROLE)):
            return row
    raise AssertionError("no such row")


def test_nothing_is_analysed_until_the_tab_is_shown_then_the_table_is_filled(window, qtbot) -> None:
    assert window.tabs.tabText(window.tabs.indexOf(window.analysis_tab)) == "Analysis"
    assert not window.analysis.active and window.analysis.analysis is None
    assert not window.analysis.busy  # opening the plan started no analysis
    _analysed(window, qtbot)
    analysis = window.analysis.analysis
    assert analysis is not None
    tab = window.analysis_tab
    model = tab.failures_model
    assert model.rowCount() == len(analysis.domains) > 5
    worst = analysis.domains[0]
    assert worst.id == "pangyo"  # the site is the worst single failure of the example
    cells = [model.data(model.index(0, c)) for c in range(model.columnCount())]
    assert cells[1] == "site"
    assert cells[2] == str(len(worst.impacted)) and cells[3] == str(len(worst.restore))
    assert cells[5] == clock(worst.recovery_minutes) and ":" in cells[5]
    assert cells[6] == str(len(worst.rto_misses)) and cells[7] == "0"
    kinds = {model.data(model.index(r, 1)) for r in range(model.rowCount())}
    assert {"site", "rack", "server", "power domain"} <= kinds
    racks, servers = analysis.unchanged["rack"], analysis.unchanged["server"]
    assert tab.unchanged_label.text().endswith(f"{racks} racks, {servers} servers change nothing")
    assert tab.findings_model.rowCount() == len(analysis.findings)
    assert tab.findings_model.data(tab.findings_model.index(0, 0)) == "critical"
    assert "findings" in tab.status.text() and not tab.failures_model.stale


def test_a_click_on_a_finding_selects_its_items_on_the_floor_and_in_the_dependencies(
    window, qtbot
) -> None:
    _analysed(window, qtbot)
    tab = window.analysis_tab
    row = _row_of(
        tab.findings,
        lambda f: f.kind == "hidden_single_point" and f.ids[0] == "ops-tooling",
    )
    _click_row(qtbot, tab.findings, row)
    selection = window.document.selection
    assert ("service", "ops-tooling") in selection
    assert ("rack", "pg-a01") in selection and ("site", "pangyo") in selection
    assert ("domain", "pangyo-power-c") in selection
    assert ("service", "config") in selection  # a service that looks redundant
    floor = window.floor.scene
    assert floor.rack_items["pg-a01"].isSelected()
    assert not floor.rack_items["pg-a02"].isSelected()
    window.tabs.setCurrentWidget(window.dependencies)
    nodes = window.dependencies.scene.nodes
    qtbot.waitUntil(lambda: nodes["ops-tooling"].isSelected())
    assert nodes["config"].isSelected() and not nodes["status-page"].isSelected()


def test_the_cut_sets_follow_the_service_selected_anywhere(window, qtbot) -> None:
    _analysed(window, qtbot)
    tab = window.analysis_tab
    assert tab.cuts_model.rowCount() == 0 and "Select a service" in tab.cuts_hint.text()
    window.document.select([("service", "login")])  # as the tree or a view would
    assert "login" in tab.cuts_title.text().lower()
    rows = tab.cuts_model.rows
    assert rows and rows[0][0] == "restore"
    single = {cut[0]: why for event, cut, why in rows if event == "restore" and len(cut) == 1}
    assert "login -> session-cache, which runs only on rack" in single["pg-a03"]
    assert any(event == "impacted" for event, _, _ in rows)
    model = tab.cuts_model
    pg_a03 = next(r for r in range(model.rowCount()) if rows[r][1] == ("pg-a03",))
    assert model.data(model.index(pg_a03, 1)) == "pg-a03"
    assert "PG-A03" in model.data(model.index(pg_a03, 1), Qt.ItemDataRole.ToolTipRole)
    # A finding picked shows the cut sets of the service it names first.
    row = _row_of(tab.findings, lambda f: f.kind == "single_point" and f.ids[0] == "ops-tooling")
    _click_row(qtbot, tab.findings, row)
    assert "ops-tooling" in tab.cuts_title.text() or "operations tooling" in tab.cuts_title.text()
    assert tab.cuts_model.rows != rows


def test_make_scenario_is_one_undo_step_and_undo_removes_it(window, qtbot) -> None:
    _analysed(window, qtbot)
    tab = window.analysis_tab
    plan = window.document.plan
    stack = window.document.undo_stack
    before = [s.id for s in plan.scenarios]
    assert not tab.make_button.isEnabled()
    row = _row_of(
        tab.findings, lambda f: f.kind == "hidden_single_point" and f.ids[0] == "ops-tooling"
    )
    _click_row(qtbot, tab.findings, row)
    assert tab.make_button.isEnabled() and tab.make_button.text() == "Make scenario"
    steps = stack.count()
    qtbot.mouseClick(tab.make_button, Qt.MouseButton.LeftButton)
    assert stack.count() == steps + 1
    added = [s for s in plan.scenarios if s.id not in before]
    assert len(added) == 1 and added[0].failed == ["pg-a01"]
    assert "hidden single point" in added[0].name
    assert window.recovery.scenario_id == added[0].id
    assert window.document.selection == [("scenario", added[0].id)]
    stack.undo()
    assert [s.id for s in plan.scenarios] == before
    assert window.recovery.scenario_id is None
    stack.redo()
    assert [s.id for s in plan.scenarios] == [*before, added[0].id]


def test_a_finding_of_a_named_scenario_shows_that_scenario_instead_of_a_copy(window, qtbot) -> None:
    _analysed(window, qtbot)
    tab = window.analysis_tab
    plan = window.document.plan
    before = [s.id for s in plan.scenarios]
    row = _row_of(tab.findings, lambda f: f.scenario == "pangyo-fire")
    _click_row(qtbot, tab.findings, row)
    steps = window.document.undo_stack.count()
    assert tab.make_button.text() == "Show scenario"
    assert tab.make_scenario()
    assert [s.id for s in plan.scenarios] == before
    assert window.document.undo_stack.count() == steps
    assert window.recovery.scenario_id == "pangyo-fire"


def test_an_edit_greys_the_results_and_recomputes_them_in_the_background(window, qtbot) -> None:
    _analysed(window, qtbot)
    tab = window.analysis_tab
    controller = window.analysis
    first = controller.analysis
    model = tab.failures_model
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ForegroundRole) is None
    # Tier 3 to tier 0: the service's RTO misses now count as critical.
    window.document.push(SetFields("service", "status-page", tier=0))
    assert controller.busy and not controller.is_current
    assert model.stale and tab.findings_model.stale
    grey = model.data(model.index(0, 0), Qt.ItemDataRole.ForegroundRole)
    assert grey is not None and grey.name() == style.MUTED_TEXT
    assert tab.status.text() == "Out of date — recomputing…"
    assert controller.analysis is first  # still shown, greyed, until the new one lands
    qtbot.waitUntil(lambda: controller.is_current, timeout=60_000)
    assert controller.analysis is not first and not model.stale
    assert tab.status.text().startswith("Cut sets to order 2")
    # A move of a rack cannot change the analysis: nothing is recomputed.
    window.document.push(MoveItems("rack", {"pg-a01": (40.0, 60.0)}))
    assert not controller.busy and controller.is_current


def test_only_edits_the_analysis_reads_recompute_it() -> None:
    from planner.model.edits import Change

    moved = Change(changed=frozenset({("rack", "pg-a01", "x"), ("rack", "pg-a01", "y")}))
    assert not may_change_analysis(moved)
    assert not may_change_analysis(Change(changed=frozenset({("service", "login", "notes")})))
    assert may_change_analysis(Change(changed=frozenset({("server", "s1", "height")})))
    assert may_change_analysis(Change(changed=frozenset({("service", "login", "tier")})))
    assert may_change_analysis(None)


class _Slow:
    """An analysis that runs until told to stop (through its progress callback)."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.stopped = threading.Event()
        self.runs = 0

    def __call__(self, plan, progress=None, **_kw):  # type: ignore[no-untyped-def]
        self.runs += 1
        self.started.set()
        done = 0
        while progress(done % 100, 100):
            done += 1
            self.stopped.wait(0.002)  # a worker's pause, not the test's
        self.stopped.set()
        raise AnalysisCancelled("stopped")


def test_cancel_stops_the_analysis_and_keeps_the_old_results_greyed(
    window, qtbot, monkeypatch
) -> None:
    _analysed(window, qtbot)
    tab = window.analysis_tab
    controller = window.analysis
    first = controller.analysis
    slow = _Slow()
    monkeypatch.setattr(analysis_controller, "analyze", slow)
    tab._progress_timer.setInterval(0)  # the progress shows at once, not past a second
    window.document.push(SetFields("service", "status-page", tier=0))
    controller.recompute_now()
    qtbot.waitUntil(tab.cancel_button.isVisible, timeout=10_000)
    assert tab.progress.isVisible()
    qtbot.waitUntil(lambda: tab.progress.maximum() == 100, timeout=10_000)
    qtbot.mouseClick(tab.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(slow.stopped.is_set, timeout=10_000)
    assert not controller.busy and controller.cancelled
    assert controller.analysis is first and tab.failures_model.stale
    assert not tab.cancel_button.isVisible() and not tab.progress.isVisible()
    assert "cancelled" in tab.status.text()
    # Recompute asks again: the real analysis this time.
    monkeypatch.setattr(analysis_controller, "analyze", _real())
    qtbot.mouseClick(tab.recompute_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.is_current, timeout=60_000)
    assert controller.analysis is not first and not tab.failures_model.stale


def _slow_running(window, qtbot, monkeypatch) -> _Slow:  # type: ignore[no-untyped-def]
    """The example analysed, then an edit and an analysis that runs until stopped."""
    _analysed(window, qtbot)
    slow = _Slow()
    monkeypatch.setattr(analysis_controller, "analyze", slow)
    window.document.push(SetFields("service", "status-page", tier=0))
    window.analysis.recompute_now()
    qtbot.waitUntil(slow.started.is_set, timeout=10_000)
    return slow


def _real():  # type: ignore[no-untyped-def]
    from planner.analysis import analyze

    return analyze


def test_a_newer_edit_stops_the_analysis_running(window, qtbot, monkeypatch) -> None:
    slow = _slow_running(window, qtbot, monkeypatch)
    controller = window.analysis
    monkeypatch.setattr(analysis_controller, "analyze", _real())
    window.document.push(SetFields("service", "status-page", tier=1))
    qtbot.waitUntil(slow.stopped.is_set, timeout=10_000)  # discarded: asked to cancel
    assert controller.busy  # the debounce of the newer edit
    qtbot.waitUntil(lambda: controller.is_current, timeout=60_000)
    assert not controller.cancelled and slow.runs == 1


def test_the_heat_map_colours_racks_by_blast_radius_and_off_restores_them(window, qtbot) -> None:
    window.tabs.setCurrentWidget(window.floor)
    scene = window.floor.scene
    racks = scene.rack_items
    normal = {key: item.brush().color().name() for key, item in racks.items()}
    action = window.floor_heat.action
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert action in view_menu.actions()
    assert not window.analysis.active
    action.setChecked(True)  # asks for the analysis, though its tab was never shown
    assert window.analysis.active
    qtbot.waitUntil(lambda: window.analysis.is_current, timeout=60_000)
    heat = HeatMap.of(window.analysis.analysis)
    assert racks["pg-a01"].brush().color().name() == heat.colour("pg-a01") != normal["pg-a01"]
    quiet = [k for k in racks if heat.level(k) == 0]
    assert quiet and all(racks[k].brush().color().name() == NOTHING for k in quiet)
    levels = {heat.level(k) for k in racks}
    assert len(levels) >= 3  # a ramp, not two colours
    assert window.floor.heat_legend.isVisible()
    centre = racks["pg-a01"].sceneBoundingRect().center()
    count = len(next(r for r in window.analysis.analysis.domains if r.id == "pg-a01").impacted)
    assert f"Its loss alone impacts {count} services" in scene.tooltip_at(centre, False)
    action.setChecked(False)
    assert "impacts" not in scene.tooltip_at(centre, False)
    assert {key: item.brush().color().name() for key, item in racks.items()} == normal
    assert not window.floor.heat_legend.isVisible() and scene.heat is None


def test_heat_map_bins_cover_every_count() -> None:
    heat = HeatMap({"a": 1, "b": 7, "c": 31, "d": 0})
    assert heat.level("d") == 0 and heat.level("missing") == 0
    assert heat.level("c") == 5 and heat.level("a") == 1
    labels = [label for _, label in heat.bins()]
    assert labels[-1] == "0" and labels[0].startswith("1")
    assert labels[-2].endswith("31")


def test_progress_shows_only_past_a_second() -> None:
    assert analysis_tab.SHOW_PROGRESS_AFTER_MS == 1000
    assert analysis_controller.DEBOUNCE_MS == 500


def test_an_edit_while_the_tab_is_hidden_only_marks_it_out_of_date(window, qtbot) -> None:
    _analysed(window, qtbot)
    controller = window.analysis
    first = controller.analysis
    window.tabs.setCurrentWidget(window.services)
    assert not controller.active
    window.document.push(SetFields("service", "status-page", tier=0))
    assert not controller.busy and not controller.is_current  # nothing started
    assert window.analysis_tab.failures_model.stale
    window.tabs.setCurrentWidget(window.analysis_tab)  # shown again: analysed at once
    assert controller.busy
    qtbot.waitUntil(lambda: controller.is_current, timeout=60_000)
    assert controller.analysis is not first


def test_hiding_the_tab_stops_the_analysis_running(window, qtbot, monkeypatch) -> None:
    slow = _slow_running(window, qtbot, monkeypatch)
    controller = window.analysis
    window.tabs.setCurrentWidget(window.floor)
    qtbot.waitUntil(slow.stopped.is_set, timeout=10_000)
    assert not controller.busy and not controller.is_current and not controller.cancelled
    monkeypatch.setattr(analysis_controller, "analyze", _real())
    window.tabs.setCurrentWidget(window.analysis_tab)
    qtbot.waitUntil(lambda: controller.is_current, timeout=60_000)


def test_the_steps_that_need_recovery_tooling_the_scenario_takes_down_are_flagged(
    window, qtbot
) -> None:
    from planner.analysis.findings import steps_needing_tooling

    window.recovery.set_scenario("pangyo-fire")
    qtbot.waitUntil(lambda: window.recovery.is_current, timeout=30_000)
    _analysed(window, qtbot)
    label = window.analysis_tab.tooling_label
    steps = steps_needing_tooling(window.document.plan, window.recovery.result)
    assert steps  # the fire takes the operations tooling down
    assert label.isVisible() and "ops-tooling" in label.text()
    assert f"{len(steps)} recovery steps need it" in label.text()
    first = next(iter(steps))
    assert f"{first} needs {', '.join(steps[first])}" in label.toolTip()
    window.recovery.set_scenario(None)
    qtbot.waitUntil(lambda: not label.isVisible(), timeout=30_000)


def test_a_click_on_a_worst_failure_selects_its_component(window, qtbot) -> None:
    _analysed(window, qtbot)
    tab = window.analysis_tab
    row = _row_of(tab.failures, lambda r: r.id == "pg-a01")
    _click_row(qtbot, tab.failures, row, column=2)
    assert window.document.selection == [("rack", "pg-a01")]
    assert window.floor.scene.rack_items["pg-a01"].isSelected()


def test_a_change_picked_shows_its_scenario_and_selects_the_service(window, qtbot) -> None:
    _analysed(window, qtbot)
    tab = window.analysis_tab
    model = tab.what_if_model
    assert model.rowCount() > 0
    change = model.rows[0]
    assert change.saved_minutes > 0 or change.saved_critical_minutes > 0
    _click_row(qtbot, tab.what_if, 0, column=0)
    assert ("service", change.target) in window.document.selection
    assert tab.what_if_text.text() == change.sentence()
    assert tab.make_button.text() == "Show scenario"  # measured on a named scenario
    before = len(window.document.plan.scenarios)
    assert tab.make_scenario()
    assert len(window.document.plan.scenarios) == before
    assert window.recovery.scenario_id == change.scenario


def test_a_plan_that_cannot_be_analysed_says_why(window, qtbot, monkeypatch) -> None:
    from planner.engine.impact import ScenarioError

    def refuse(plan, **_kw):  # type: ignore[no-untyped-def]
        raise ScenarioError(["service 'x': runs on unknown server 'nowhere'"])

    monkeypatch.setattr(analysis_controller, "analyze", refuse)
    _analysed(window, qtbot)
    tab = window.analysis_tab
    assert window.analysis.error is not None and window.analysis.analysis is None
    assert tab.status.text() == (
        "Cannot analyse the plan: service 'x': runs on unknown server 'nowhere'"
    )
    assert tab.failures_model.rowCount() == 0


def test_the_finding_picked_stays_picked_across_a_new_analysis(window, qtbot) -> None:
    _analysed(window, qtbot)
    tab = window.analysis_tab
    row = _row_of(tab.findings, lambda f: f.kind == "single_point" and f.ids[0] == "session-cache")
    _click_row(qtbot, tab.findings, row)
    picked = tab.findings_model.rows[row]
    window.document.select([("service", "login")])  # the user goes on elsewhere
    window.document.push(SetFields("service", "status-page", tier=2))
    qtbot.waitUntil(lambda: window.analysis.is_current, timeout=60_000)
    chosen = tab.findings.selectionModel().selectedRows()
    assert len(chosen) == 1
    again = tab.findings_model.rows[chosen[0].row()]
    assert (again.kind, again.ids) == (picked.kind, picked.ids) and again is not picked
    assert window.document.selection == [("service", "login")]  # not selected anew
    assert tab.make_button.isEnabled() and picked.message in tab.finding_text.text()
