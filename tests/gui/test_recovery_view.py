"""The recovery view shows the controller's result, marks it stale while it is, and selects."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QHelpEvent, QWheelEvent
from PySide6.QtWidgets import QApplication, QToolTip

from planner.engine.recovery import RecoveryResult, compute
from planner.gui.document import PlanDocument
from planner.gui.models.results_model import (
    COL_MET,
    COL_RECOVERED,
    COL_SERVICE,
    COL_STATE,
    ID_ROLE,
    format_minutes,
    state_label,
)
from planner.gui.recovery_controller import RecoveryController
from planner.gui.views.recovery import RecoveryView
from planner.model import Plan, Rack, Scenario, Server, Service, Site
from planner.model.edits import AddItem, Change, Edit, SetFields
from planner.storage import load_plan

PANGYO = Path(__file__).resolve().parents[2] / "resources" / "examples" / "pangyo.drplan"


def example_plan() -> Plan:
    return load_plan(PANGYO)[0]


@pytest.fixture
def setup(qtbot) -> Iterator[tuple[PlanDocument, RecoveryController, RecoveryView]]:
    document = PlanDocument(example_plan(), PANGYO)
    recovery = RecoveryController(document, debounce_ms=10)
    view = RecoveryView(document, recovery)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    qtbot.waitExposed(view)
    yield document, recovery, view
    recovery.wait_until_current()


def wait_for_result(qtbot, recovery: RecoveryController) -> RecoveryResult:
    qtbot.waitUntil(lambda: recovery.is_current and recovery.result is not None, timeout=10_000)
    assert recovery.result is not None
    return recovery.result


def pick_fire(qtbot, view: RecoveryView, recovery: RecoveryController) -> RecoveryResult:
    combo = view.scenario_combo
    combo.setCurrentIndex(combo.findData("pangyo-fire"))
    assert recovery.scenario_id == "pangyo-fire"
    return wait_for_result(qtbot, recovery)


def test_format_minutes() -> None:
    assert format_minutes(5040) == "84:00"
    assert format_minutes(90.4) == "1:30"
    assert format_minutes(0) == "0:00"
    assert format_minutes(59.6) == "1:00"
    assert format_minutes(None) == "—"


def test_picking_a_scenario_shows_the_engine_result(qtbot, setup) -> None:
    _document, recovery, view = setup
    assert "Choose a scenario" in view.message_label.text()  # nothing chosen yet
    pick_fire(qtbot, view, recovery)
    expected = compute(example_plan(), "pangyo-fire")

    assert view.recovery_label.text() == format_minutes(expected.recovery_minutes) == "126:00"
    assert view.bound_label.text() == format_minutes(expected.lower_bound_minutes)
    optimal = expected.lower_bound_minutes >= expected.recovery_minutes
    assert ("optimal" in view.bound_stat.note.text()) == optimal
    assert view.tier0_label.text() == format_minutes(expected.tier_minutes[0])
    assert view.misses_label.text() == str(len(expected.rto_misses))
    lost = view.lost_label.text()
    assert f"{len(expected.impact.lost_servers)} servers" in lost and "3 domains" in lost
    assert "site" not in lost  # the fire fails three power feeds, not the site
    assert view.failed_label.text().startswith("Failed: pangyo")
    assert view.status_label.text() == "Up to date" and not view.is_stale

    proxy = view.proxy
    rows = [
        (
            proxy.index(row, COL_SERVICE).data(ID_ROLE),
            proxy.index(row, COL_STATE).data(),
            proxy.index(row, COL_RECOVERED).data(),
        )
        for row in range(proxy.rowCount())
    ]
    assert rows == [
        (s.id, state_label(s.state), format_minutes(s.recovered)) for s in expected.services
    ]

    bars = [bar for bar in view.gantt.bars() if not bar.waiting]
    assert len(bars) == len(expected.tasks)
    assert sorted((b.service_id, b.start, b.finish) for b in bars) == sorted(
        (t.id, float(t.start or 0), float(t.finish or 0)) for t in expected.tasks
    )
    assert {b.service_id for b in bars if b.critical} == set(expected.critical_path)
    assert view.gantt.lanes()[0] == "Tier 0"


def test_a_miss_of_its_own_restore_is_not_called_a_long_chain(qtbot, setup) -> None:
    document, recovery, view = setup
    pick_fire(qtbot, view, recovery)
    proxy = view.proxy
    met = {
        proxy.index(row, COL_SERVICE).data(ID_ROLE): proxy.index(row, COL_MET).data()
        for row in range(proxy.rowCount())
    }
    plan = document.plan
    # 운영 도구 / operations tooling: a 6:00 restore for a 1:00 RTO; its dependencies
    # (DNS, backup catalog) are not what makes it late.
    tooling = plan.service("ops-tooling")
    assert tooling is not None and tooling.restore_minutes > (tooling.rto_minutes or 0)
    assert met["ops-tooling"] == "✗ own restore longer than RTO"
    assert met["msg-db"] == "✗ own failover longer than RTO"
    # Deploy: a 4:00 restore for a 4:00 RTO cannot start before the 0:40 declaration.
    assert met["deploy"] == "✗ cannot start before the declaration at T+0:40"


def test_an_edit_shows_updating_then_the_new_time(qtbot, setup) -> None:
    document, recovery, view = setup
    pick_fire(qtbot, view, recovery)
    before = view.recovery_label.text()
    # The drive restarts in place last, when the last feed is back: a longer restart ends later.
    assert document.push(SetFields("service", "drive", restart_minutes=3000))
    expected = format_minutes(compute(document.plan, "pangyo-fire").recovery_minutes)
    assert expected != before
    # Until the new result lands the old numbers are shown greyed, never as current.
    assert view.is_stale and "Updating" in view.status_label.text()
    assert not view.busy_bar.isHidden()
    assert view.gantt.stale and view.results_model.stale
    assert view.recovery_label.text() == before
    assert "updating" in view.recovery_stat.note.text()
    qtbot.waitUntil(lambda: view.recovery_label.text() == expected, timeout=10_000)
    qtbot.waitUntil(lambda: not view.is_stale, timeout=10_000)
    assert view.busy_bar.isHidden() and not view.gantt.stale and not view.results_model.stale
    assert view.status_label.text() == "Up to date"


def test_a_result_computed_before_an_edit_is_never_shown(qtbot, monkeypatch) -> None:
    """The computation running while an edit lands finishes later; its answer is dropped
    and only the answer for the edited plan is shown."""
    import threading

    import planner.gui.recovery_controller as controller

    document = PlanDocument(example_plan(), PANGYO)
    recovery = RecoveryController(document, debounce_ms=10)
    started, release = threading.Event(), threading.Event()
    real_compute = controller.compute

    def gated(plan: Plan, **kwargs: object) -> RecoveryResult:
        if not started.is_set():  # the first computation waits until the edit has landed
            started.set()
            assert release.wait(30), "never released"
        return real_compute(plan, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(controller, "compute", gated)
    shown: list[float | None] = []
    recovery.resultChanged.connect(
        lambda: shown.append(recovery.result.recovery_minutes if recovery.result else None)
    )
    recovery.set_scenario("pangyo-fire")
    recovery.recompute_now()
    assert started.wait(30)
    before = compute(document.plan, "pangyo-fire").recovery_minutes
    assert document.push(SetFields("service", "drive", restart_minutes=3000))
    expected = compute(document.plan, "pangyo-fire").recovery_minutes
    assert expected != before
    release.set()
    assert recovery.wait_until_current()
    assert shown == [expected]


class _CycleRegardless(Edit):
    """Writes a depends_on the edit layer refuses (a cycle), as a damaged plan could hold."""

    def __init__(self, service_id: str, depends_on: list[str]) -> None:
        super().__init__("cycle")
        self.service_id, self.depends_on = service_id, depends_on
        self.old: list[str] = []

    def _apply(self, plan: Plan) -> Change:
        service = plan.service(self.service_id)
        assert service is not None
        self.old, service.depends_on = service.depends_on, self.depends_on
        return Change(changed=frozenset({("service", self.service_id, "depends_on")}))

    def _revert(self, plan: Plan) -> Change:
        service = plan.service(self.service_id)
        assert service is not None
        service.depends_on = self.old
        return Change(changed=frozenset({("service", self.service_id, "depends_on")}))


def test_a_dependency_cycle_is_shown_instead_of_results(qtbot, setup) -> None:
    document, recovery, view = setup
    pick_fire(qtbot, view, recovery)
    document.push(_CycleRegardless("ops-tooling", ["mail"]))
    qtbot.waitUntil(lambda: view.showing_error, timeout=10_000)
    assert "dependency cycle" in view.message_label.text()
    assert "ops-tooling" in view.message_label.text()
    document.undo_stack.undo()
    qtbot.waitUntil(lambda: view.recovery_label.text() == "126:00" and not view.showing_error)
    assert view.stack.currentIndex() == 0


def test_table_row_and_gantt_bar_select_the_service(qtbot, setup) -> None:
    document, recovery, view = setup
    pick_fire(qtbot, view, recovery)
    proxy = view.proxy
    row = next(r for r in range(proxy.rowCount()) if proxy.index(r, 0).data(ID_ROLE) == "login")
    view.table.scrollTo(proxy.index(row, 0))
    rect = view.table.visualRect(proxy.index(row, COL_SERVICE))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert document.selection == [("service", "login")]
    assert view.gantt.highlighted == {"login"}

    # The document's selection (from another view) highlights the row and the bar.
    document.select([("service", "mail"), ("site", "pangyo")])
    selected = view.table.selectionModel().selectedRows(COL_SERVICE)
    assert [index.data(ID_ROLE) for index in selected] == ["mail"]
    assert view.gantt.highlighted == {"mail"}

    # A click on a bar selects its service; a click on empty timeline clears.
    view.gantt.ensure_visible("deploy")
    bar = view.gantt.bar_rect("deploy")
    assert bar is not None
    qtbot.mouseClick(view.gantt.viewport(), Qt.MouseButton.LeftButton, pos=bar.center().toPoint())
    assert document.selection == [("service", "deploy")]
    qtbot.mouseClick(
        view.gantt.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        pos=view.gantt.bar_rect("deploy").center().toPoint(),  # type: ignore[union-attr]
    )
    assert document.selection == []


def test_sorting_uses_raw_values(qtbot, setup) -> None:
    _document, recovery, view = setup
    result = pick_fire(qtbot, view, recovery)
    view.table.sortByColumn(COL_RECOVERED, Qt.SortOrder.DescendingOrder)
    first = view.proxy.index(0, COL_SERVICE).data(ID_ROLE)
    assert first == max(result.services, key=lambda s: s.recovered).id  # 126:00 above the rest
    view.affected_only_action.setChecked(True)
    assert view.affected_only_box.isChecked()
    affected = [s for s in result.services if s.state != "unaffected"]
    assert view.proxy.rowCount() == len(affected)


def test_adhoc_failures_and_objective(qtbot, setup) -> None:
    document, recovery, view = setup
    pick_fire(qtbot, view, recovery)
    view.select_scenario(None)
    assert recovery.scenario_id is None and not recovery.active
    rack = document.plan.racks[0]
    recovery.toggle_failed(rack.id)
    assert view.failed_label.text().startswith(f"Failed: {rack.id}")
    assert view.clear_button.isEnabled()
    result = wait_for_result(qtbot, recovery)
    assert view.recovery_label.text() == format_minutes(result.recovery_minutes)
    qtbot.mouseClick(view.clear_button, Qt.MouseButton.LeftButton)
    assert recovery.adhoc_failed == [] and not view.clear_button.isEnabled()
    qtbot.waitUntil(lambda: recovery.is_current, timeout=10_000)
    assert "Choose a scenario" in view.message_label.text()

    view.select_scenario("pangyo-fire")
    view.objective_combo.setCurrentIndex(view.objective_combo.findData("tiers"))
    assert recovery.objective == "tiers"
    result = wait_for_result(qtbot, recovery)
    assert result.objective == "tiers"
    assert view.recovery_label.text() == format_minutes(result.recovery_minutes)
    assert "critical tiers first" in view.recovery_stat.note.text()


def test_scenario_list_follows_the_document(qtbot, setup) -> None:
    document, recovery, view = setup
    combo = view.scenario_combo
    assert document.push(AddItem("scenario", Scenario("dc-b", "DC B", ["pangyo"])))
    assert combo.findData("dc-b") >= 0
    view.select_scenario("dc-b")
    assert recovery.scenario_id == "dc-b"
    document.undo_stack.undo()  # the chosen scenario disappears: back to ad hoc
    assert combo.findData("dc-b") < 0
    assert recovery.scenario_id is None
    assert combo.currentData() == ""


def test_lanes_zoom_and_tooltips(qtbot, setup) -> None:
    document, recovery, view = setup
    result = pick_fire(qtbot, view, recovery)
    gantt = view.gantt
    view.lanes_pool_action.trigger()
    assert gantt.lane_mode == "pool"
    pools_held = sum(max(1, sum(1 for u in t.needs.values() if u)) for t in result.tasks)
    assert len(gantt.bars()) == pools_held  # a task holding two pools is in both lanes
    assert any("on-call" in title for title in gantt.lanes())
    view.lanes_tier_action.trigger()
    assert len(gantt.bars()) == len(result.tasks)

    assert gantt.fitting
    fitted = gantt.scale
    view.zoom_in_action.trigger()
    assert gantt.scale > fitted and not gantt.fitting
    view.fit_action.trigger()
    assert gantt.fitting and gantt.scale == pytest.approx(fitted)
    view.zoom_out_action.trigger()  # never narrower than the fitted timeline
    assert gantt.scale == pytest.approx(fitted)
    anchor = QPointF(gantt.viewport().width() * 0.75, 100)
    wheel = QWheelEvent(
        anchor,
        gantt.viewport().mapToGlobal(anchor),
        QPoint(),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(gantt.viewport(), wheel)
    assert gantt.scale == pytest.approx(fitted * 1.25**2)

    # Zoomed in, selecting a service elsewhere scrolls its bar into sight.
    for _ in range(6):
        view.zoom_in_action.trigger()
    gantt.horizontalScrollBar().setValue(0)
    mail = gantt.bar_rect("mail")
    assert mail is not None and mail.left() > gantt.viewport().width()
    document.select([("service", "mail")])
    mail = gantt.bar_rect("mail")
    assert mail is not None and 0 < mail.center().x() < gantt.viewport().width()

    view.fit_action.trigger()
    gantt.ensure_visible("ops-tooling")
    bar = gantt.bar_rect("ops-tooling")
    assert bar is not None
    point = bar.center().toPoint()
    help_event = QHelpEvent(QEvent.Type.ToolTip, point, gantt.viewport().mapToGlobal(point))
    QApplication.sendEvent(gantt.viewport(), help_event)
    tip = QToolTip.text()
    assert "운영 도구" in tip and "Restore: 0:40 – 6:40" in tip and "missed" in tip
    assert ("On the critical path" in tip) == ("ops-tooling" in result.critical_path)
    QToolTip.hideText()
    last = result.critical_path[-1]
    gantt.ensure_visible(last)
    bar = gantt.bar_rect(last)
    assert bar is not None
    point = bar.center().toPoint()
    help_event = QHelpEvent(QEvent.Type.ToolTip, point, gantt.viewport().mapToGlobal(point))
    QApplication.sendEvent(gantt.viewport(), help_event)
    assert "On the critical path" in QToolTip.text()
    QToolTip.hideText()


def test_waiting_services_as_thin_bars(qtbot) -> None:
    plan = Plan(
        sites=[Site("A", "A"), Site("B", "B")],
        racks=[Rack("ra", "A", "RA"), Rack("rb", "B", "RB")],
        servers=[Server("h1", "ra", "H1", 1), Server("h2", "rb", "H2", 1)],
        services=[
            Service("db", "DB", tier=1, restore_minutes=90, servers=["h1"]),
            Service("web", "Web", tier=0, rto_minutes=60, servers=["h2"], depends_on=["db"]),
        ],
        scenarios=[Scenario("fire", "Fire", ["A"])],
    )
    document = PlanDocument(plan)
    recovery = RecoveryController(document, debounce_ms=10)
    view = RecoveryView(document, recovery)
    qtbot.addWidget(view)
    view.select_scenario("fire")
    wait_for_result(qtbot, recovery)
    assert [b.service_id for b in view.gantt.bars()] == ["db"]
    view.show_waiting_action.setChecked(True)
    waiting = [b for b in view.gantt.bars() if b.waiting]
    assert [(b.service_id, b.start, b.finish) for b in waiting] == [("web", 0.0, 90.0)]
    assert view.misses_label.text() == "1"


def test_a_new_plan_shows_the_whole_timeline_not_the_last_zoom(qtbot, setup) -> None:
    document, recovery, view = setup
    pick_fire(qtbot, view, recovery)
    for _ in range(4):
        view.gantt.zoom_in()
    assert not view.gantt.fitting
    document.replace(example_plan(), PANGYO)
    assert view.gantt.fitting


def test_timeline_zoom_keys_are_the_canvases_keys(qtbot, setup) -> None:
    # The timeline's actions held only the platform's ZoomIn (Ctrl++), not Ctrl+=.
    _document, recovery, view = setup
    pick_fire(qtbot, view, recovery)
    gantt = view.gantt
    view.show()
    gantt.setFocus()
    qtbot.waitUntil(gantt.hasFocus)
    fitted = gantt.scale
    qtbot.keyClick(gantt, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert gantt.scale > fitted
    qtbot.keyClick(gantt, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert gantt.scale == pytest.approx(fitted)
