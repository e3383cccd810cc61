"""Keeps the resilience analysis of the plan current, computed off the GUI thread.

The analysis (:func:`planner.analysis.analyze`) is the heaviest thing the program
computes, so it runs only while something shows it (:meth:`AnalysisController.want`:
the Analysis tab while it is shown, the floor's heat map while it is on); opening a
plan costs nothing until then. Meanwhile every plan change that can change it restarts
a debounce timer (:data:`DEBOUNCE_MS`); when the plan has stayed still that long, a
snapshot is analysed on a :class:`~planner.gui.jobs.JobRunner`. While nothing shows
it, nothing is computed (hiding the tab stops the job running) and a change only marks
it out of date; it is analysed again when next shown. A change discards the
job running, so an analysis of an older plan is never shown as current: until the new
one lands, ``is_current`` is False and the views grey what they show.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal

from planner.analysis import Analysis, AnalysisCancelled, analyze
from planner.engine.impact import ScenarioError
from planner.gui.document import PlanDocument
from planner.gui.jobs import Job, JobRunner
from planner.gui.recovery_controller import snapshot
from planner.model.edits import Change

#: How long the plan must stay still before the analysis starts again: long enough that
#: typing a name or dragging a run of edits analyses once, at the end.
DEBOUNCE_MS = 500

#: How soon the analysis starts once something shows it: after the first paint.
START_DELAY_MS = 50

#: At most this often (seconds) the worker reports progress to the GUI thread.
PROGRESS_EVERY_S = 0.05

#: Fields no part of the analysis reads: where sites and racks are drawn, colours, notes.
_COSMETIC = frozenset({"x", "y", "width", "height", "color", "notes"})
_COSMETIC_KINDS = frozenset({"site", "rack"})  # a server's height is its size in units


def may_change_analysis(change: Change | None) -> bool:
    """Whether ``change`` can change the analysis: anything but moving or resizing a site
    or a rack on the floor, a colour or a note."""
    if change is None or change.added or change.removed:
        return True
    for kind, _id, name in change.changed:
        if name in ("color", "notes"):
            continue
        if name in _COSMETIC and kind in _COSMETIC_KINDS:
            continue
        return True
    return False


class AnalysisController(QObject):
    """The analysis of the document's plan: the last one computed, whether it is current,
    and the job computing the next."""

    resultChanged = Signal()  # analysis or error replaced (current or not)
    busyChanged = Signal(bool)  # a newer analysis is wanted or being computed
    progressed = Signal(int, int)  # done, total of the job running

    def __init__(self, document: PlanDocument, debounce_ms: int = DEBOUNCE_MS) -> None:
        super().__init__()
        self.document = document
        self.analysis: Analysis | None = None
        self.error: str | None = None
        self._wanted: set[str] = set()  # who shows the analysis now (want())
        self.cancelled = False  # the user stopped the last computation
        self._current = False
        self._job: Job | None = None
        self._jobs = JobRunner(self)
        self._jobs.finished.connect(self._finished)
        self._jobs.failed.connect(self._failed)
        self._jobs.cancelled.connect(self._was_cancelled)
        self._jobs.progress.connect(self._progress)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._debounce_ms = debounce_ms
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self._start)
        document.changed.connect(self._plan_changed)

    # ------------------------------------------------------------------ state

    @property
    def busy(self) -> bool:
        """A newer analysis is wanted: the debounce runs or a job computes it."""
        return self._timer.isActive() or self._job is not None

    @property
    def is_current(self) -> bool:
        """What is shown answers the plan as it is."""
        return self._current and not self.busy

    # ------------------------------------------------------------------ requests

    @property
    def active(self) -> bool:
        """Something shows the analysis now: edits recompute it (after the debounce)."""
        return bool(self._wanted)

    def want(self, who: str, on: bool) -> None:
        """``who`` (the tab while shown, the heat map while on) shows the analysis, or no
        longer does. While nobody does, nothing is computed (a job running is stopped)
        and edits only mark it out of date; the first to want it again gets it analysed
        at once."""
        if not on:
            self._wanted.discard(who)
            if not self._wanted and self.busy:
                # Nobody looks: the computation stops (a big plan's takes seconds of the
                # interpreter the window needs); it starts again when next wanted.
                self._timer.stop()
                self._outdated()
                self.busyChanged.emit(False)
                self.resultChanged.emit()
            return
        self._wanted.add(who)
        if not self._current and not self.busy:
            # Shortly, not now: the tab (or the heat map's legend) paints first.
            self._timer.start(START_DELAY_MS)
            self.busyChanged.emit(True)
            self.resultChanged.emit()

    def recompute_now(self) -> None:
        """Analyse the plan as it is now (Recompute, or the tab first shown)."""
        self._timer.stop()
        self._start()

    def cancel(self) -> None:
        """Stop the computation running (or about to start); what is shown stays, marked
        out of date, until the next edit or Recompute."""
        if not self.busy:
            return
        self._timer.stop()
        self._jobs.discard()
        self._job = None
        self.cancelled = True
        self.busyChanged.emit(False)
        self.resultChanged.emit()

    def wait_until_current(self, timeout_ms: int = 60_000) -> bool:
        """For scripts and tests: start what waits for the debounce, block until the
        worker is idle, then deliver its outcome (queued to this thread) now."""
        from PySide6.QtCore import QCoreApplication

        if self._timer.isActive():
            self.recompute_now()
        self._jobs.wait(timeout_ms)
        QCoreApplication.sendPostedEvents()
        return self.is_current

    # ------------------------------------------------------------------ machinery

    def _plan_changed(self, change: Change | None, origin: object = None) -> None:
        if change is None:
            # Another plan: what is shown belongs to the one gone.
            self.analysis, self.error = None, None
            self._outdated()
            self.resultChanged.emit()
        elif may_change_analysis(change):
            self._outdated()
        else:
            return
        if self.active:
            self._timer.start(self._debounce_ms)
            self.busyChanged.emit(True)
        elif change is not None:
            self.resultChanged.emit()  # nothing is computed, but what is shown is old

    def _outdated(self) -> None:
        self._jobs.discard()
        self._job = None
        self._current = False
        self.cancelled = False

    def _start(self) -> None:
        self._jobs.discard()
        plan = snapshot(self.document.plan)
        self.cancelled = False

        def work(job: Job) -> Analysis:
            last = [0.0]

            def progress(done: int, total: int) -> bool:
                if job.cancelled():
                    return False
                now = time.monotonic()
                if now - last[0] >= PROGRESS_EVERY_S or done >= total:
                    last[0] = now
                    job.progress(done, total)
                return True

            return analyze(plan, progress=progress)

        self._job = self._jobs.start(work)
        self.busyChanged.emit(True)
        self.resultChanged.emit()  # views mark what they show as being recomputed

    def _progress(self, job: Job, done: int, total: int) -> None:
        if job is self._job:
            self.progressed.emit(done, total)

    def _finished(self, job: Job, analysis: Analysis) -> None:
        if job is self._job:
            self._show(analysis, None)

    def _failed(self, job: Job, error: BaseException) -> None:
        if job is not self._job:
            return
        if isinstance(error, AnalysisCancelled):
            self._was_cancelled(job)
        elif isinstance(error, ScenarioError):
            self._show(None, "\n".join(error.lines))
        else:  # shown in the tab, never a crash of the program
            self._show(None, f"internal error: {type(error).__name__}: {error}")

    def _was_cancelled(self, job: Job) -> None:
        if job is self._job:
            self._job = None
            self.cancelled = True
            self.busyChanged.emit(False)
            self.resultChanged.emit()

    def _show(self, analysis: Analysis | None, error: str | None) -> None:
        self._job = None
        self._current = True
        self.analysis, self.error = analysis, error
        self.resultChanged.emit()
        self.busyChanged.emit(False)


__all__ = ["DEBOUNCE_MS", "AnalysisController", "may_change_analysis"]
