"""File > Export runbook: the PDF is built off the GUI thread, with a cancellable progress."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QProgressDialog, QWidget

from planner.engine.recovery import RecoveryResult
from planner.gui.jobs import Job, JobRunner
from planner.gui.recovery_controller import snapshot
from planner.model import Plan


def _export(
    plan: Plan, result: RecoveryResult, path: Path, job: Job, with_findings: bool = False
) -> None:
    """On the worker: write the PDF, reporting progress; a cancel stops it at the next page.
    ``with_findings`` runs the resilience analysis first and adds its appendix."""
    from planner.runbook.export import export_runbook

    analysis = None
    if with_findings:
        from planner.analysis import analyze

        analysis = analyze(plan, check=False, progress=lambda _d, _t: not job.cancelled())
    # A cancelled export writes nothing (the PDF is moved into place only when
    # complete), so a file the user already had under that name is kept.
    export_runbook(plan, result, path, progress=job.progress, analysis=analysis)


class RunbookExporter(QObject):
    """Runs one export at a time and reports the outcome as a one-line message."""

    done = Signal(str)  # message for the status bar or an error dialog

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.dialog: QProgressDialog | None = None
        # "Include resilience findings": checkable, for the File menu beside Export runbook.
        self.findings_action = QAction("Include resilience findings in the runbook", self)
        self.findings_action.setCheckable(True)
        self.jobs = JobRunner(self)
        self.jobs.progress.connect(self._progress)
        self.jobs.finished.connect(
            lambda job, _none: self._finished(job, f"Runbook written to {job.context}")
        )
        self.jobs.cancelled.connect(lambda job: self._finished(job, "Runbook export cancelled"))
        self.jobs.failed.connect(  # shown in the window; the program never dies on it
            lambda job, error: self._finished(
                job, f"{job.context}: cannot write the runbook: {error}"
            )
        )

    def start(
        self,
        plan: Plan,
        result: RecoveryResult,
        path: Path,
        with_findings: bool | None = None,
    ) -> None:
        """Export in the background; ``with_findings`` defaults to :attr:`findings_action`."""
        if with_findings is None:
            with_findings = self.findings_action.isChecked()
        self.dialog = QProgressDialog("Building the runbook…", "Cancel", 0, 0, self.parent_widget)
        self.dialog.setWindowTitle("Export runbook")
        self.dialog.setMinimumDuration(500)  # only shown when it takes a while
        copied = snapshot(plan)
        job = self.jobs.start(
            lambda job: _export(copied, result, path, job, with_findings), context=path
        )
        self.dialog.canceled.connect(job.cancel)

    def wait(self, timeout_ms: int = 120_000) -> bool:
        return self.jobs.wait(timeout_ms)

    def _progress(self, _job: Job, done: int, total: int) -> None:
        if self.dialog is not None:
            self.dialog.setMaximum(total)
            self.dialog.setValue(done)

    def _finished(self, _job: Job, message: str) -> None:
        if self.dialog is not None:
            self.dialog.reset()
            self.dialog.deleteLater()
            self.dialog = None
        self.done.emit(message)
