"""Long file work without a frozen window: the work runs on a worker thread while the
window keeps painting; a busy dialog appears once it has taken longer than a second.

User input waits until the work is done (the event loop excludes it), so nothing can
edit the plan being replaced, or start a second open, half-way through.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

from planner.gui.jobs import Job, JobRunner

T = TypeVar("T")
SHOW_AFTER_MS = 1000


class BusyDialog(QProgressDialog):
    """A busy indicator (no percentage, no cancel) over ``parent``, shown late."""

    def __init__(self, parent: QWidget, text: str, show_after_ms: int | None = None) -> None:
        super().__init__(text, "", 0, 0, parent)
        self.setWindowTitle("DR Planner")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setCancelButton(None)  # type: ignore[arg-type]
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.reset()  # stops QProgressDialog's own show timer: ours decides
        self.hide()
        self._show_timer = QTimer(self)
        self._show_timer.setSingleShot(True)
        self._show_timer.timeout.connect(self.show)
        self._show_timer.start(SHOW_AFTER_MS if show_after_ms is None else show_after_ms)

    def set_text(self, text: str) -> None:
        self.setLabelText(text)
        if self.isVisible():
            self.repaint()  # the next step may hold the GUI thread: show the new text now

    def stop_waiting(self) -> None:
        """Do not appear from now on (the rest is quick, or asks the user first)."""
        self._show_timer.stop()

    def done_with(self) -> None:
        self._show_timer.stop()
        self.cancel()  # hides it and stops QProgressDialog's own timer, which would show it
        self.deleteLater()


def run_in_background(work: Callable[[], T]) -> T:
    """``work()`` on a worker thread; the GUI thread runs its event loop (painting and
    timers, no user input) until it returns; its value, or what it raised, comes back."""
    values: list[T] = []
    errors: list[BaseException] = []
    loop = QEventLoop()

    def finished(_job: Job, value: T) -> None:
        values.append(value)
        loop.quit()

    def failed(_job: Job, error: BaseException) -> None:
        errors.append(error)
        loop.quit()

    jobs = JobRunner()
    jobs.finished.connect(finished)
    jobs.failed.connect(failed)
    jobs.start(lambda _job: work())
    # The outcome is queued to this thread, so it cannot arrive before the loop runs.
    loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
    jobs.wait()
    if errors:
        raise errors[0]
    return values[0]
