"""File > Export runbook: the PDF is built off the GUI thread, with a cancellable progress."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from planner.engine.recovery import RecoveryResult
from planner.gui.recovery_controller import snapshot
from planner.model import Plan


class _Relay(QObject):
    progress = Signal(int, int)
    finished = Signal(str)  # "" on success, else the error text


class _ExportJob(QRunnable):
    def __init__(
        self,
        plan: Plan,
        result: RecoveryResult,
        path: Path,
        relay: _Relay,
        cancelled: Callable[[], bool],
    ) -> None:
        super().__init__()
        self.plan, self.result, self.path = plan, result, path
        self.relay, self.cancelled = relay, cancelled

    def run(self) -> None:
        from planner.runbook.export import export_runbook

        def progress(done: int, total: int) -> bool:
            self.relay.progress.emit(done, total)
            return not self.cancelled()

        try:
            export_runbook(self.plan, self.result, self.path, progress=progress)
        except Exception as error:  # shown in the window; the program never dies on it
            # A cancelled export writes nothing (the PDF is moved into place only when
            # complete), so a file the user already had under that name is kept.
            self.relay.finished.emit("cancelled" if self.cancelled() else str(error))
            return
        self.relay.finished.emit("cancelled" if self.cancelled() else "")


class RunbookExporter(QObject):
    """Runs one export at a time and reports the outcome as a one-line message."""

    done = Signal(str)  # message for the status bar or an error dialog

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.dialog: QProgressDialog | None = None
        self._cancel = False

    def start(self, plan: Plan, result: RecoveryResult, path: Path) -> None:
        self._cancel = False
        self.dialog = QProgressDialog("Building the runbook…", "Cancel", 0, 0, self.parent_widget)
        self.dialog.setWindowTitle("Export runbook")
        self.dialog.setMinimumDuration(500)  # only shown when it takes a while
        self.dialog.canceled.connect(self._cancelled)
        # No Qt parent: the job keeps the relay alive until it has emitted, even if the
        # window (and this exporter) is destroyed while a PDF is still being written.
        relay = _Relay()
        self._relays = [relay]
        relay.progress.connect(self._progress)
        relay.finished.connect(lambda error, p=path: self._finished(error, p))
        self.pool.start(_ExportJob(snapshot(plan), result, path, relay, lambda: self._cancel))

    def wait(self, timeout_ms: int = 120_000) -> bool:
        return self.pool.waitForDone(timeout_ms)

    def _cancelled(self) -> None:
        self._cancel = True

    def _progress(self, done: int, total: int) -> None:
        if self.dialog is not None:
            self.dialog.setMaximum(total)
            self.dialog.setValue(done)

    def _finished(self, error: str, path: Path) -> None:
        if self.dialog is not None:
            self.dialog.reset()
            self.dialog.deleteLater()
            self.dialog = None
        if not error:
            self.done.emit(f"Runbook written to {path}")
        elif error == "cancelled":
            self.done.emit("Runbook export cancelled")
        else:
            self.done.emit(f"{path}: cannot write the runbook: {error}")
