"""Long file work without a frozen window: the work runs on a worker thread while the
window keeps painting; a progress dialog appears once it has taken longer than a second.

Until the dialog shows, user input waits (the event loop excludes it), so nothing can
edit the plan being replaced, or start a second open, half-way through. Once shown, the
dialog is window-modal: its Cancel button is the only thing the window answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QEventLoop, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

from planner.gui.jobs import Job, JobRunner

T = TypeVar("T")
SHOW_AFTER_MS = 1000


class Cancelled(Exception):
    """The user pressed Cancel before the work was done; its outcome is dropped."""


class BusyDialog(QProgressDialog):
    """A progress dialog over ``parent``, shown late: a busy bar until the work reports
    how far it is (:meth:`set_progress`); a Cancel button when ``cancellable``."""

    appeared = Signal()  # the show timer fired and the dialog is on screen

    def __init__(
        self,
        parent: QWidget,
        text: str,
        show_after_ms: int | None = None,
        cancellable: bool = False,
    ) -> None:
        super().__init__(text, "", 0, 0, parent)
        self.setWindowTitle("DR Planner")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.cancel_button: QPushButton | None = None
        if cancellable:
            self.cancel_button = QPushButton("Cancel", self)
            self.setCancelButton(self.cancel_button)
        else:
            self.setCancelButton(None)  # type: ignore[arg-type]  # Qt takes nullptr here
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.reset()  # stops QProgressDialog's own show timer: ours decides
        self.hide()
        self._show_timer = QTimer(self)
        self._show_timer.setSingleShot(True)
        self._show_timer.timeout.connect(self._appear)
        self._show_timer.start(SHOW_AFTER_MS if show_after_ms is None else show_after_ms)

    def _appear(self) -> None:
        self.show()
        self.appeared.emit()

    def set_text(self, text: str) -> None:
        self.setLabelText(text)
        if self.isVisible():
            self.repaint()  # the next step may hold the GUI thread: show the new text now

    def set_progress(self, done: int, total: int) -> None:
        """``done`` of ``total`` (a busy bar while ``total`` is 0)."""
        if total > 0:
            self.setRange(0, total)
            self.setValue(min(done, total))
        else:
            self.setRange(0, 0)

    def set_cancellable(self, on: bool) -> None:
        """Offer Cancel (or not: past the point of no return, e.g. the views switching)."""
        if self.cancel_button is not None:
            self.cancel_button.setEnabled(on)

    def stop_waiting(self) -> None:
        """Do not appear from now on (the rest is quick, or asks the user first)."""
        self._show_timer.stop()

    def done_with(self) -> None:
        self._show_timer.stop()
        self.cancel()  # hides it and stops QProgressDialog's own timer, which would show it
        self.deleteLater()


def run_with_progress(runner: JobRunner, work: Callable[[Job], T], dialog: BusyDialog) -> T:
    """``work(job)`` on ``runner``'s worker; the GUI thread runs its event loop (painting
    and timers) until it returns, its progress shown in ``dialog``; its value, or what it
    raised, comes back. Cancel in the dialog raises :class:`Cancelled` at once: the job is
    asked to stop and its outcome, whenever it comes, is dropped (``runner.discard``)."""
    outcome: list[tuple[str, object]] = []
    loop = QEventLoop()
    job: Job | None = None

    def ended(kind: str) -> Callable[..., None]:
        def slot(done: Job, *value: object) -> None:
            if done is job:
                outcome.append((kind, value[0] if value else None))
                loop.quit()

        return slot

    def progress(reported: Job, done: int, total: int) -> None:
        if reported is job:
            dialog.set_progress(done, total)

    def cancel() -> None:
        outcome.append(("cancelled", None))
        runner.discard()
        loop.quit()

    slots = [
        (runner.finished, ended("finished")),
        (runner.failed, ended("failed")),
        (runner.cancelled, ended("cancelled")),
        (runner.progress, progress),
        (dialog.canceled, cancel),
        (dialog.appeared, loop.quit),  # from here on the dialog takes input: loop again
    ]
    for signal, slot in slots:
        signal.connect(slot)
    try:
        job = runner.start(work)
        # The outcome is queued to this thread, so it cannot arrive before the loop runs.
        while not outcome:
            if dialog.isVisible():
                loop.exec()
            else:
                loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
    finally:
        for signal, slot in slots:
            signal.disconnect(slot)
    kind, value = outcome[0]
    if kind == "cancelled":
        raise Cancelled
    if kind == "failed":
        assert isinstance(value, BaseException)
        raise value
    return value  # type: ignore[return-value]  # what work returned, a T
