"""The edit path on large plans: hidden views wait until shown, a result recolours only
what it changed, the floor's state maps are made once per result, stale jobs never run,
and a large plan is kept out of full garbage collections. Behaviour only, never timings."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QLabel, QMessageBox, QTabWidget, QWidget

from benchmarks.scale_plan import scale_plan
from planner.gui import recovery_controller
from planner.gui.document import FREEZE_FROM, PlanDocument
from planner.gui.jobs import Job, JobRunner
from planner.gui.main_window import MainWindow
from planner.gui.recovery_controller import RecoveryController
from planner.gui.views import dependency_items, floor_items
from planner.gui.views.dependencies import DependencyView
from planner.gui.views.floor import FloorView
from planner.gui.views.rack import RackView
from planner.gui.when_shown import WhenShown
from planner.layout.floor import changed_keys, state_maps
from planner.model import Plan
from planner.model.edits import SetFields
from planner.resources import example_plan
from planner.storage import load_plan


def example_document() -> PlanDocument:
    return PlanDocument(load_plan(example_plan())[0])


def make_window(qtbot, tmp_path: Path, document: PlanDocument) -> MainWindow:
    settings = QSettings(str(tmp_path / "edit-path.ini"), QSettings.Format.IniFormat)
    window = MainWindow(document, settings=settings, autosave_dir=tmp_path / "autosave")
    window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
    qtbot.addWidget(window)
    window.resize(1300, 740)
    window.show()
    qtbot.waitExposed(window)
    return window


# --------------------------------------------------------------------------- WhenShown


def test_work_for_a_hidden_tab_waits_until_it_is_shown_and_runs_once(qtbot) -> None:
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    front, back = QLabel("front"), QLabel("back")
    tabs.addTab(front, "front")
    tabs.addTab(back, "back")
    tabs.show()
    qtbot.waitExposed(tabs)
    done: list[str] = []
    hidden, shown = WhenShown(back), WhenShown(front)
    shown.run("a", lambda: done.append("front"))
    assert done == ["front"]  # the current tab: at once
    hidden.run("a", lambda: done.append("back a1"))
    hidden.run("b", lambda: done.append("back b"))
    hidden.run("a", lambda: done.append("back a2"))  # replaces a1, keeps its place
    assert done == ["front"] and hidden.hidden()
    tabs.setCurrentWidget(back)
    assert done == ["front", "back a2", "back b"]
    tabs.setCurrentWidget(front)
    tabs.setCurrentWidget(back)
    assert done == ["front", "back a2", "back b"]  # nothing waited: nothing runs again


def test_a_widget_that_is_its_own_window_never_waits(qtbot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    done: list[int] = []
    WhenShown(widget).run("a", lambda: done.append(1))  # not shown yet: tests, scripts
    assert done == [1]


# --------------------------------------------------------------------------- hidden views


def test_a_hidden_rack_view_does_no_work_on_an_edit_and_is_current_when_shown(
    qtbot, tmp_path: Path
) -> None:
    window = make_window(qtbot, tmp_path, example_document())
    view = window.rack_view
    window.open_rack("pg-a01")
    assert view.title.text() not in ("", "Renamed again")
    window.tabs.setCurrentWidget(window.floor)
    refreshes: list[int] = []
    original = view._refresh
    view._refresh = lambda: (refreshes.append(1), original())  # type: ignore[method-assign]
    assert window.document.push(SetFields("rack", "pg-a01", name="Renamed rack"))
    assert window.document.push(SetFields("rack", "pg-a01", name="Renamed again"))
    assert refreshes == []  # hidden: not rebuilt, twice over
    assert view.title.text() != "Renamed again"
    window.tabs.setCurrentWidget(view)
    assert refreshes == [1]  # caught up once
    assert view.title.text() == "Renamed again"
    assert view.chooser.currentText().startswith("Renamed again")
    window.document.undo_stack.undo()
    assert refreshes == [1, 1] and view.title.text() == "Renamed rack"  # shown: at once


def test_a_hidden_rack_view_takes_a_result_when_shown(qtbot, tmp_path: Path) -> None:
    window = make_window(qtbot, tmp_path, example_document())
    view = window.rack_view
    window.open_rack("pg-a01")
    window.tabs.setCurrentWidget(window.floor)
    window.recovery.set_scenario("pangyo-fire")
    assert window.recovery.wait_until_current()
    assert view.server_state == {}  # hidden: the result is not taken yet
    window.tabs.setCurrentWidget(view)
    assert view.server_state["pg-infra-01"] == "lost"
    assert view.servers()[0].id == "pg-infra-01"


def test_a_hidden_recovery_view_shows_the_result_when_shown(qtbot, tmp_path: Path) -> None:
    window = make_window(qtbot, tmp_path, example_document())
    view = window.recovery_view
    window.recovery.set_scenario("pangyo-fire")
    assert window.recovery.wait_until_current() and window.recovery.result is not None
    assert view.results_model.rowCount() == 0  # the floor is the current tab
    window.tabs.setCurrentWidget(view)
    assert view.results_model.rowCount() == len(window.recovery.result.services)
    assert "Up to date" in view.status_label.text()


def test_a_hidden_floor_takes_a_result_when_shown(qtbot, tmp_path: Path) -> None:
    window = make_window(qtbot, tmp_path, example_document())
    window.tabs.setCurrentWidget(window.services)
    window.recovery.set_scenario("pangyo-fire")
    assert window.recovery.wait_until_current()
    scene = window.floor.scene
    assert scene.rack_state == {}
    window.tabs.setCurrentWidget(window.floor)
    assert scene.rack_state["pg-a01"] == "lost"


# --------------------------------------------------------------------------- results


@pytest.fixture
def floor_and_rack(qtbot) -> Iterator[tuple[FloorView, RackView]]:
    document = example_document()
    recovery = RecoveryController(document)
    floor = FloorView(document, recovery)
    rack = RackView(document, recovery)
    for view in (floor, rack):
        qtbot.addWidget(view)
        view.show()
    rack.set_rack("ay-b02")
    recovery.set_scenario("pangyo-fire")
    assert recovery.wait_until_current()
    yield floor, rack


def test_the_state_maps_are_made_once_per_result_for_every_view(
    floor_and_rack: tuple[FloorView, RackView], monkeypatch: pytest.MonkeyPatch
) -> None:
    floor, rack = floor_and_rack
    recovery = floor.recovery
    calls: list[int] = []

    def counted(plan: Plan, result: object) -> object:
        calls.append(1)
        return state_maps(plan, result)  # type: ignore[arg-type]

    monkeypatch.setattr(recovery_controller, "state_maps", counted)
    assert floor.document.push(SetFields("service", "login", standby_servers=["gs-bk-01"]))
    # The rack view shows the new assignment at once, in the states of the last result.
    assert calls == [1]
    calls.clear()
    assert recovery.wait_until_current()
    assert calls == [1]  # the new result: once, for the floor and the rack view
    assert floor.scene.server_state is rack.server_state  # one map, shared


def test_a_result_recolours_only_the_racks_it_changed(
    floor_and_rack: tuple[FloorView, RackView], monkeypatch: pytest.MonkeyPatch
) -> None:
    floor, _rack = floor_and_rack
    scene, recovery = floor.scene, floor.recovery
    before_servers, before_racks, _ = state_maps(floor.document.plan, recovery.result)
    refreshed: list[str] = []
    original = floor_items.RackItem.refresh_look

    def spy(item: floor_items.RackItem) -> None:
        refreshed.append(item.key)
        original(item)

    monkeypatch.setattr(floor_items.RackItem, "refresh_look", spy)
    # The login service stands by in Gasan now: one rack there turns amber.
    assert floor.document.push(SetFields("service", "login", standby_servers=["gs-bk-01"]))
    assert recovery.wait_until_current()
    after_servers, after_racks, _ = state_maps(floor.document.plan, recovery.result)
    expected = changed_keys(before_racks, after_racks) | {
        scene.rack_of_server[s] for s in changed_keys(before_servers, after_servers)
    }
    assert "gs-c01" in expected and len(expected) < len(scene.rack_items)
    assert sorted(refreshed) == sorted(expected)
    assert scene.rack_state == after_racks and scene.server_state == after_servers
    # What is drawn is what a full recolouring draws.
    monkeypatch.setattr(floor_items.RackItem, "refresh_look", original)
    drawn = {key: item.brush().color().name() for key, item in scene.rack_items.items()}
    scene.refresh_states()
    scene._refresh_looks()
    assert drawn == {key: item.brush().color().name() for key, item in scene.rack_items.items()}


def test_a_new_scenario_recolours_every_rack(
    floor_and_rack: tuple[FloorView, RackView], monkeypatch: pytest.MonkeyPatch
) -> None:
    floor, _rack = floor_and_rack
    refreshed: list[str] = []
    original = floor_items.RackItem.refresh_look
    monkeypatch.setattr(
        floor_items.RackItem,
        "refresh_look",
        lambda item: (refreshed.append(item.key), original(item)),
    )
    floor.recovery.set_scenario("anyang-power")
    assert floor.recovery.wait_until_current()
    assert set(refreshed) == set(floor.scene.rack_items)
    assert floor.scene.lost_sites == {"anyang"}


def test_a_result_relooks_only_the_dependency_nodes_whose_recovery_changed(
    qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = example_document()
    recovery = RecoveryController(document)
    view = DependencyView(document, recovery)
    qtbot.addWidget(view)
    view.show()
    recovery.set_scenario("pangyo-fire")
    assert recovery.wait_until_current() and recovery.result is not None
    before = {s.id: s for s in recovery.result.services}
    looked: list[str] = []
    original = dependency_items.NodeItem.set_look

    def spy(node: dependency_items.NodeItem, look: dependency_items.NodeLook) -> None:
        looked.append(node.service_id)
        original(node, look)

    monkeypatch.setattr(dependency_items.NodeItem, "set_look", spy)
    assert document.push(SetFields("service", "monitoring", restore_minutes=200))
    looked.clear()  # the edit re-looks the edited node; the result comes next
    assert recovery.wait_until_current() and recovery.result is not None
    changed = {s.id for s in recovery.result.services if before.get(s.id) != s}
    assert changed and len(changed) < len(before)
    assert sorted(looked) == sorted(changed)


# --------------------------------------------------------------------------- jobs


def test_a_job_discarded_before_it_starts_never_runs(qtbot) -> None:
    runner = JobRunner()
    started, release = threading.Event(), threading.Event()
    ran: list[str] = []
    delivered: list[str] = []
    runner.finished.connect(lambda job, result: delivered.append(result))

    def first(_job: Job) -> str:
        started.set()
        assert release.wait(10)
        ran.append("first")
        return "first"

    def second(_job: Job) -> str:
        ran.append("second")
        return "second"

    runner.start(first)
    runner.start(second)
    assert started.wait(10)  # the worker is busy with the first; the second waits
    runner.discard()
    release.set()
    assert runner.wait(10_000)
    QCoreApplication.sendPostedEvents()  # what the worker queued (nothing may arrive)
    QCoreApplication.processEvents()
    assert ran == ["first"] and delivered == []
    with qtbot.waitSignal(runner.finished):
        runner.start(lambda _job: "third")
    assert delivered == ["third"]


# --------------------------------------------------------------------------- heap


@pytest.fixture
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()


def test_a_large_plan_is_frozen_out_of_full_collections_and_released_when_replaced(
    unfrozen: None,
) -> None:
    gc.unfreeze()
    small = PlanDocument(load_plan(example_plan())[0])
    assert gc.get_freeze_count() == 0  # a small plan is left to the collector
    plan = scale_plan(racks=160, servers_per_rack=32, services=100, dependencies=50)
    servers = len(plan.servers)
    assert servers >= FREEZE_FROM
    document = PlanDocument(plan)
    del plan
    frozen = gc.get_freeze_count()
    assert frozen > servers  # every server (and more) frozen
    document.replace(Plan(name="small"), None)
    assert gc.get_freeze_count() < frozen - servers  # frozen, yet freed with its plan
    assert small.plan.servers  # the other document is untouched
