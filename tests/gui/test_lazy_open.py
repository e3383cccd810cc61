"""Opening a plan: hidden views build it when first shown; the read shows progress and
can be cancelled, leaving the plan shown as it was."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

import planner.gui.busy as busy
import planner.gui.main_window as main_window
import planner.gui.views.dependencies as dependencies
from planner.gui.jobs import Job, JobRunner
from planner.model import Plan, Service
from planner.model.edits import AddItem
from planner.storage import save_plan
from tests.gui.test_shell import make_window


def services_plan(count: int, name: str = "chain") -> Plan:
    services = [Service("s0", "S0")]
    services += [Service(f"s{i}", f"S{i}", depends_on=[f"s{i - 1}"]) for i in range(1, count)]
    return Plan(name=name, services=services)


@pytest.fixture
def layouts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of services of every layered layout the dependency view computes."""
    calls: list[int] = []
    real = dependencies.layered_layout

    def counted(nodes, edges, params=None):  # type: ignore[no-untyped-def]
        calls.append(len(nodes))
        return real(nodes, edges, params)

    monkeypatch.setattr(dependencies, "layered_layout", counted)
    return calls


def test_a_hidden_dependency_tab_builds_nothing_until_shown(
    qtbot, tmp_path: Path, layouts: list[int]
) -> None:
    path = tmp_path / "chain.drplan"
    save_plan(services_plan(5), path)
    window = make_window(qtbot, tmp_path)
    window.show()
    assert window.tabs.currentWidget() is window.floor
    assert window.open_path(path)
    view = window.dependencies
    assert view.stale and not view.scene.nodes and not view.scene.edges
    assert layouts == [], "the hidden tab laid the plan out"
    # An edit and a selection while it is hidden pass it by: the build reads them.
    window.document.push(AddItem("service", Service("late", "Late", depends_on=["s4"])))
    window.document.select([("service", "s2")])
    assert not view.scene.nodes and layouts == []

    window.tabs.setCurrentWidget(view)
    assert not view.stale
    assert set(view.scene.nodes) == {"s0", "s1", "s2", "s3", "s4", "late"}
    assert set(view.scene.edges) == {(f"s{i - 1}", f"s{i}") for i in range(1, 5)} | {("s4", "late")}
    assert [n.service_id for n in view.scene.selectedItems()] == ["s2"]
    assert len(layouts) == 1


def test_once_built_a_hidden_dependency_view_stays_current(
    qtbot, tmp_path: Path, layouts: list[int]
) -> None:
    window = make_window(qtbot, tmp_path)
    window.show()
    window.document.replace(services_plan(3), None)
    window.tabs.setCurrentWidget(window.dependencies)
    window.tabs.setCurrentWidget(window.floor)
    view = window.dependencies
    window.document.push(AddItem("service", Service("late", "Late", depends_on=["s2"])))
    assert "late" in view.scene.nodes and ("s2", "late") in view.scene.edges
    # Another plan while hidden: the old plan's items go, the new one waits for a show.
    window.document.replace(services_plan(2, "two"), None)
    assert view.stale and not view.scene.nodes
    window.tabs.setCurrentWidget(view)
    assert set(view.scene.nodes) == {"s0", "s1"}


def test_a_view_shown_when_the_plan_is_replaced_builds_at_once(
    qtbot, tmp_path: Path, layouts: list[int]
) -> None:
    window = make_window(qtbot, tmp_path)
    window.show()
    window.tabs.setCurrentWidget(window.dependencies)
    window.document.replace(services_plan(4), None)
    assert set(window.dependencies.scene.nodes) == {"s0", "s1", "s2", "s3"}
    assert layouts and layouts[-1] == 4


def test_relayout_from_the_view_menu_builds_a_hidden_view_first(
    qtbot, tmp_path: Path, layouts: list[int]
) -> None:
    window = make_window(qtbot, tmp_path)
    window.show()
    window.document.replace(services_plan(3), None)
    window.dependencies.relayout_action.trigger()
    assert set(window.dependencies.scene.nodes) == {"s0", "s1", "s2"}


def _blocked_read(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """``load_plan`` in the window waits for the returned event (a slow file)."""
    release = threading.Event()
    real_load = main_window.load_plan

    def slow_load(target: Path) -> object:
        assert release.wait(30), "never released"
        return real_load(target)

    monkeypatch.setattr(main_window, "load_plan", slow_load)
    return release


def _when_dialog_shows(window: main_window.MainWindow, act) -> list[str]:  # type: ignore[no-untyped-def]
    """Call ``act(dialog)`` on the GUI thread once the open's dialog is on screen."""
    seen: list[str] = []

    def watch() -> None:
        shown = [d for d in window.findChildren(busy.BusyDialog) if d.isVisible()]
        if shown:
            seen.append(shown[0].labelText())
            act(shown[0])
        else:
            QTimer.singleShot(10, watch)

    QTimer.singleShot(0, watch)
    return seen


def test_a_cancelled_open_keeps_the_old_plan(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_path = tmp_path / "old.drplan"
    save_plan(services_plan(2, "old"), old_path)
    new_path = tmp_path / "new.drplan"
    save_plan(services_plan(6, "new"), new_path)
    window = make_window(qtbot, tmp_path)
    window.show()
    assert window.open_path(old_path)
    window.document.push(AddItem("service", Service("mine", "Mine")))  # unsaved work
    old_plan, steps = window.document.plan, window.document.undo_stack.count()
    changes: list[object] = []
    window.document.changed.connect(lambda change, _origin: changes.append(change))

    monkeypatch.setattr(busy, "SHOW_AFTER_MS", 50)
    release = _blocked_read(monkeypatch)
    cancel_enabled: list[bool] = []

    def press_cancel(dialog: busy.BusyDialog) -> None:
        assert dialog.cancel_button is not None
        cancel_enabled.append(dialog.cancel_button.isEnabled())
        dialog.cancel_button.click()

    seen = _when_dialog_shows(window, press_cancel)
    assert not window.open_path(new_path)
    assert seen == ["Opening new.drplan…"] and cancel_enabled == [True]
    assert window.document.plan is old_plan and window.document.path == old_path
    assert window.document.undo_stack.count() == steps and window.document.modified
    assert changes == [], "no view was told of another plan"
    assert window.errors == []
    assert "cancelled" in window.statusBar().currentMessage()
    assert not [d for d in window.findChildren(busy.BusyDialog) if d.isVisible()]

    # The abandoned read ends in the background; its plan is never shown.
    release.set()
    assert window.reader.wait(10_000)
    qtbot.wait(20)
    assert window.document.plan is old_plan and changes == []
    # The next open works as before.
    monkeypatch.undo()
    assert window.open_path(new_path)
    assert window.document.plan.name == "new" and changes == [None]


def test_the_open_dialog_shows_the_progress_the_work_reports(qtbot) -> None:
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    dialog = busy.BusyDialog(parent, "Opening big.drplan…", show_after_ms=0, cancellable=True)
    runner = JobRunner(parent)
    reported = threading.Event()
    go_on = threading.Event()
    seen: list[tuple[int, int, bool]] = []

    def work(job: Job) -> str:
        job.progress(3, 10)
        reported.set()
        assert go_on.wait(30)
        return "plan"

    def look() -> None:
        if reported.is_set() and dialog.maximum() == 10:
            seen.append((dialog.value(), dialog.maximum(), dialog.isVisible()))
            go_on.set()
        else:
            QTimer.singleShot(10, look)

    QTimer.singleShot(0, look)
    assert busy.run_with_progress(runner, work, dialog) == "plan"
    assert seen == [(3, 10, True)]
    dialog.done_with()
