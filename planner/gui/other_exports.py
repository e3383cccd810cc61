"""File > Export > Dependency graph… and Schedule…: the graph (GraphML or DOT) and the
schedule of the scenario shown (CSV or XLSX), as ``drplanner export-graph`` and
``export-schedule`` write them, written off the GUI thread from a copy of the plan.

The graph carries the states of the scenario shown in the Recovery view when there is
one; the schedule needs one, so its action is enabled only while a scenario's result is
current. The one-line outcome goes to the status bar, a failure to an error dialog.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from planner.engine.recovery import RecoveryResult
from planner.gui.document import describe_save_failure
from planner.gui.jobs import Job, JobRunner
from planner.gui.recovery_controller import RecoveryController, snapshot
from planner.gui.save_target import save_target

GRAPH_FILTER = "GraphML, for yEd and Gephi (*.graphml);;Graphviz DOT (*.dot *.gv)"
SCHEDULE_FILTER = "Excel workbooks (*.xlsx);;CSV files (*.csv)"


class OtherExports(QObject):
    """The two actions and the job that writes each file, for one window.

    ``window`` provides ``document``, ``ask_save_path``, ``show_error`` and
    ``show_message`` (the main window does).
    """

    done = Signal(str)  # a one-line outcome

    def __init__(self, window: QWidget, recovery: RecoveryController) -> None:
        super().__init__(window)
        self.window = window
        self.recovery = recovery
        self.graph_action = QAction("Dependency &graph…", self)
        self.graph_action.setStatusTip(
            "Write the dependency graph as GraphML (yEd, Gephi) or DOT (Graphviz), with the "
            "states of the scenario shown"
        )
        self.graph_action.triggered.connect(lambda: self.export_graph())
        self.schedule_action = QAction("&Schedule of the scenario shown…", self)
        self.schedule_action.setStatusTip(
            "Write the restore schedule of the scenario shown as a spreadsheet (.xlsx or .csv)"
        )
        self.schedule_action.triggered.connect(lambda: self.export_schedule())
        self.actions = [self.graph_action, self.schedule_action]
        self.jobs = JobRunner(self)
        self.jobs.finished.connect(lambda _job, message: self.done.emit(str(message)))
        self.jobs.failed.connect(self._failed)
        self.done.connect(self._say)
        recovery.resultChanged.connect(self._update)
        recovery.busyChanged.connect(self._update)
        self._update()

    def _current_result(self) -> RecoveryResult | None:
        """The Recovery view's result, if it is of the plan as it is now."""
        if not self.recovery.active or not self.recovery.is_current:
            return None
        return self.recovery.result

    def _update(self, *_args: object) -> None:
        self.schedule_action.setEnabled(self._current_result() is not None)

    def _say(self, message: str) -> None:
        self.window.show_message(message)  # type: ignore[attr-defined]

    def export_graph(self, path: str | None = None) -> bool:
        """Write the graph (asking where when ``path`` is None), off the GUI thread."""
        from planner.interop.graph_export import GRAPH_SUFFIXES, write_graph

        target = save_target(
            self.window, path, "Export dependency graph", GRAPH_FILTER, GRAPH_SUFFIXES
        )
        if target is None:
            return False
        plan = snapshot(self.window.document.plan)  # type: ignore[attr-defined]
        result = self._current_result()

        def work(_job: Job) -> str:
            kind = write_graph(plan, target, result)
            states = " with the scenario's states" if result is not None else ""
            return f"Exported the dependency graph ({kind.upper()}){states} to {target}"

        self.jobs.start(work, context=target)
        return True

    def export_schedule(self, path: str | None = None) -> bool:
        """Write the schedule of the scenario shown; False (and a message) without one."""
        from planner.interop.schedule_export import write_schedule

        result = self._current_result()
        if result is None:
            self.done.emit("Show a scenario in the Recovery view first: its schedule is exported")
            return False
        target = save_target(
            self.window, path, "Export schedule", SCHEDULE_FILTER, (".xlsx", ".csv")
        )
        if target is None:
            return False

        def work(_job: Job) -> str:
            rows = write_schedule(result, target)
            return f"Exported the schedule ({rows} services) to {target}"

        self.jobs.start(work, context=target)
        return True

    def wait(self, timeout_ms: int = 60_000) -> bool:
        return self.jobs.wait(timeout_ms)

    def _failed(self, job: Job, error: BaseException) -> None:
        target = job.context
        assert isinstance(target, Path)
        self.window.show_error(  # type: ignore[attr-defined]
            f"Not exported: {describe_save_failure(error, target)}"
        )
