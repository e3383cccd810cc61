"""Work off the GUI thread: a Qt-free callable runs on a worker, its outcome comes back
on the GUI thread as a signal.

The rule (Anki's ``QueryOp`` states it too): a worker never touches a widget or a Qt
object of the GUI. It gets a :class:`Job` (poll ``job.cancelled()``, report
``job.progress(done, total)``), returns data or raises, and the :class:`JobRunner`
hands the outcome to the GUI thread: ``finished(job, result)``, ``failed(job, error)``
or ``cancelled(job)``, exactly one of them per job, unless the job was made stale.

Stale results: :meth:`JobRunner.discard` drops the outcome (and progress) of every job
started so far, finished or not; a job that is still running is asked to cancel. The
recovery controller discards on every edit, so an answer computed from an older plan is
never shown as current.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class Job:
    """One run of a callable: what the worker polls and reports through, and the handle
    the GUI keeps (``context`` carries whatever the caller wants back with the outcome).

    ``cancelled`` and ``progress`` may be called from any thread; ``cancel`` too.
    """

    def __init__(self, relay: _Relay, generation: int, context: object = None) -> None:
        self._relay = relay
        self._cancel = threading.Event()
        self.generation = generation
        self.context = context

    def cancel(self) -> None:
        """Ask the callable to stop; its outcome is then reported as ``cancelled``."""
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def progress(self, done: int, total: int) -> bool:
        """Report how far the work is; False once cancelled (so this is a ready-made
        ``progress(done, total) -> keep going`` callback for Qt-free code)."""
        self._relay.progress.emit(self, done, total)
        return not self.cancelled()


class _Relay(QObject):
    """Emitted from the worker; lives in the GUI thread, so its signals arrive queued.

    It has no Qt parent and every job holds it: if the runner is destroyed while a job
    is still running, the job emits into a live relay whose connections Qt has removed,
    instead of into a deleted object.
    """

    progress = Signal(object, int, int)  # job, done, total
    finished = Signal(object, object)  # job, result
    failed = Signal(object, object)  # job, exception
    cancelled = Signal(object)  # job


class _Run(QRunnable):
    def __init__(self, job: Job, work: Callable[[Job], object]) -> None:
        super().__init__()
        self.job, self.work = job, work

    def run(self) -> None:
        job, relay = self.job, self.job._relay
        if job.cancelled():
            # Discarded while it waited for the worker: nobody will see its outcome, so
            # the work is not done at all (rapid edits queue no stale computations).
            relay.cancelled.emit(job)
            return
        try:
            result = self.work(job)
        except BaseException as error:  # the top of the worker: the GUI thread decides
            if job.cancelled():
                relay.cancelled.emit(job)
            else:
                relay.failed.emit(job, error)
            return
        # Decided here, where the work ended: a cancel that arrives after the worker is
        # done (while the outcome is queued) does not turn a written file into "cancelled".
        if job.cancelled():
            relay.cancelled.emit(job)
        else:
            relay.finished.emit(job, result)


class JobRunner(QObject):
    """Runs callables one at a time (in order) on its own worker thread.

    ``start(work)`` queues ``work(job)``; its outcome arrives on the GUI thread as
    ``finished(job, result)``, ``failed(job, exception)`` or ``cancelled(job)`` (the
    job was cancelled when the callable returned or raised, or before it started: then
    ``work`` is never called), with ``progress(job, done, total)`` before that, unless
    :meth:`discard` made it stale.
    """

    progress = Signal(object, int, int)  # job, done, total
    finished = Signal(object, object)  # job, result
    failed = Signal(object, object)  # job, exception
    cancelled = Signal(object)  # job

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._generation = 0
        self._pending: set[Job] = set()  # started, outcome not yet delivered or dropped
        self._relay = _Relay()
        self._relay.progress.connect(self._progress)
        self._relay.finished.connect(self._finished)
        self._relay.failed.connect(self._failed)
        self._relay.cancelled.connect(self._cancelled)

    def start(self, work: Callable[[Job], object], context: object = None) -> Job:
        """Queue ``work(job)`` on the worker thread; the returned job is the handle."""
        job = Job(self._relay, self._generation, context)
        self._pending.add(job)
        self._pool.start(_Run(job, work))
        return job

    def discard(self) -> None:
        """Drop the outcome of every job started so far and ask those still running to
        cancel: what they return belongs to a state that is gone."""
        self._generation += 1
        for job in self._pending:
            job.cancel()
        self._pending.clear()

    def wait(self, timeout_ms: int = -1) -> bool:
        """For scripts and tests: block until the worker is idle (outcomes stay queued
        until the event loop runs); False if ``timeout_ms`` passed first."""
        return self._pool.waitForDone(timeout_ms)

    def _current(self, job: Job) -> bool:
        return job.generation == self._generation

    def _progress(self, job: Job, done: int, total: int) -> None:
        if self._current(job):
            self.progress.emit(job, done, total)

    def _finished(self, job: Job, result: object) -> None:
        if self._current(job):
            self._pending.discard(job)
            self.finished.emit(job, result)

    def _failed(self, job: Job, error: BaseException) -> None:
        if self._current(job):
            self._pending.discard(job)
            self.failed.emit(job, error)

    def _cancelled(self, job: Job) -> None:
        if self._current(job):
            self._pending.discard(job)
            self.cancelled.emit(job)


__all__ = ["Job", "JobRunner"]
