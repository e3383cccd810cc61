"""Keeps the recovery of the chosen scenario current, computed off the GUI thread.

Every plan change that can change the result (:func:`may_change_result`: not a move,
a colour or a note) restarts a short debounce timer; when it fires, a snapshot of the
plan is computed on a :class:`~planner.gui.jobs.JobRunner`. Such a change discards the
jobs started before it, so a stale result is never shown as current: while a newer one
is pending, ``is_current`` is False and ``busyChanged`` says so.
"""

from __future__ import annotations

import copy
import queue

from PySide6.QtCore import QObject, QTimer, Signal

from planner.engine.impact import ScenarioError
from planner.engine.recovery import (
    RECOVERY_INPUTS,
    Objective,
    RecoveryResult,
    blocking_problems,
    compute,
)
from planner.gui.document import PlanDocument
from planner.gui.jobs import Job, JobRunner
from planner.layout.floor import state_maps
from planner.model import Plan
from planner.model.edits import Change
from planner.model.incremental import IncrementalValidator, PendingChange

#: How long the plan must stay still before a recomputation starts. Part of the time an
#: edit takes to show its recovery (300 ms in all on the 32,000-server plan), so short;
#: longer than a held key's auto-repeat (X11 repeats every 40 ms, Windows every ~33 ms)
#: so that holding Ctrl+Z computes once, at the end. Rapid edits cost little more: a
#: job discarded before it started is skipped (planner.gui.jobs), so at most the one
#: already running finishes in vain.
DEBOUNCE_MS = 50

#: Change kinds that can change the floor's state maps without a new result: which
#: servers a service runs on, which rack a server is in (planner.layout.floor.state_maps).
_STATE_MAP_KINDS = frozenset({"service", "server", "rack"})

FloorStates = tuple[dict[str, str], dict[str, str], set[str]]


def snapshot(plan: Plan) -> Plan:
    """A copy of the plan's lists that the worker reads while the GUI thread edits.

    Items themselves are shared: edits never mutate an item's lists or dicts in place,
    they assign fresh values (planner.model.edits copies every value it writes), and
    adding or removing an item changes only the plan's lists, which are copied here. A
    result computed while an edit lands belongs to a discarded job and is dropped, so
    the worker can never show a half-edited plan. Copying 35,000 items instead
    would stall the GUI thread for most of a second on the largest plans.
    """
    copied = copy.copy(plan)
    for name in ("sites", "domains", "racks", "servers", "pools", "services", "scenarios"):
        setattr(copied, name, list(getattr(plan, name)))
    return copied


def may_change_result(change: Change | None) -> bool:
    """Whether ``change`` can change a recovery: the whole plan, any item added or
    removed, or a field the engine reads (:data:`RECOVERY_INPUTS`); not a move, a
    colour, a note."""
    if change is None or change.added or change.removed:
        return True
    return any(name in RECOVERY_INPUTS.get(kind, ()) for kind, _, name in change.changed)


def _renamed(change: Change | None, kind: str, old: str) -> str | None:
    """The new id of ``old`` if ``change`` renamed it (one id gone, one come), else None."""
    if change is None or old not in change.removed_ids(kind):
        return None
    added = change.added_ids(kind)
    return next(iter(added)) if len(added) == 1 and len(change.removed_ids(kind)) == 1 else None


class RecoveryController(QObject):
    """The scenario being looked at (named and/or ad hoc failures) and its recovery."""

    resultChanged = Signal()  # result or error changed (current or not)
    busyChanged = Signal(bool)
    scenarioChanged = Signal()  # scenario id, ad-hoc failures or objective changed

    def __init__(self, document: PlanDocument, debounce_ms: int = DEBOUNCE_MS) -> None:
        super().__init__()
        self.document = document
        self.scenario_id: str | None = None
        self.adhoc_failed: list[str] = []
        self.objective: Objective = "time"
        self.result: RecoveryResult | None = None
        self.error: str | None = None
        self._current = True  # the result (or error) answers the plan and choices as they are
        self._floor_states: FloorStates | None = None  # of the result and plan as they are
        self._jobs = JobRunner(self)
        self._jobs.finished.connect(self._finished)
        self._jobs.failed.connect(self._failed)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self._start)
        # Validation follows the edits: each change is noted here (connected first, so
        # it is noted before any recompute it causes) and handed to the next job, whose
        # worker checks again only what the changes touched.
        self._validator = IncrementalValidator()  # touched by the worker thread only
        self._unvalidated = PendingChange()  # GUI thread: changes since the last job
        # Each job's changes, numbered in start order, and the worker's sum of those not
        # validated yet: a job discarded before it started never runs, and the next job
        # takes its changes as well as its own.
        self._handed: queue.SimpleQueue[tuple[int, Change | None]] = queue.SimpleQueue()
        self._started = 0
        self._to_validate = PendingChange()  # worker thread only
        document.changed.connect(self._unvalidated.add)
        document.changed.connect(self._plan_changed)

    # ------------------------------------------------------------------ state

    @property
    def busy(self) -> bool:
        return not self._current or self._timer.isActive()

    @property
    def is_current(self) -> bool:
        return not self.busy

    @property
    def active(self) -> bool:
        """True when some failure is chosen (otherwise there is nothing to compute)."""
        return self.scenario_id is not None or bool(self.adhoc_failed)

    def floor_states(self) -> FloorStates:
        """``(server_state, rack_state, lost_sites)`` of the result shown on the plan as it
        is (:func:`planner.layout.floor.state_maps`), made once and shared by the floor
        and the rack view until a new result or a change of what the maps read. The
        maps are shared: read them, never change them."""
        if self._floor_states is None:
            self._floor_states = state_maps(self.document.plan, self.result)
        return self._floor_states

    def failed_ids(self) -> set[str]:
        ids = set(self.adhoc_failed)
        scenario = self.document.plan.scenario(self.scenario_id) if self.scenario_id else None
        if scenario is not None:
            ids |= set(scenario.failed)
        return ids

    # ------------------------------------------------------------------ choices

    def set_scenario(self, scenario_id: str | None) -> None:
        self.scenario_id = scenario_id
        self.adhoc_failed = []
        self._choice_changed()

    def toggle_failed(self, item_id: str) -> None:
        """Fail or restore one site, rack or server ad hoc (a click on the floor)."""
        if item_id in self.adhoc_failed:
            self.adhoc_failed.remove(item_id)
        else:
            self.adhoc_failed.append(item_id)
        self._choice_changed()

    def set_objective(self, objective: Objective) -> None:
        self.objective = objective
        self._choice_changed()

    def recompute_now(self) -> None:
        self._timer.stop()
        self._start()

    def wait_until_current(self, timeout_ms: int = 30_000) -> bool:
        """For scripts and tests: finish the pending computation (processes events)."""
        from PySide6.QtCore import QDeadlineTimer, QEventLoop

        deadline = QDeadlineTimer(timeout_ms)
        loop = QEventLoop()
        while self.busy and not deadline.hasExpired():
            if self._timer.isActive():
                self.recompute_now()
            loop.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            self._jobs.wait(20)
        return not self.busy

    # ------------------------------------------------------------------ machinery

    def _choice_changed(self) -> None:
        self.scenarioChanged.emit()
        self._recompute_soon()

    def _plan_changed(self, change: Change | None, origin: object = None) -> None:
        # Every view reads the same result, so the origin of an edit does not matter.
        # Connected before any view (they are made with this controller), so the views
        # read fresh maps when they follow the change.
        if change is None or change.kinds & _STATE_MAP_KINDS:
            self._floor_states = None
        scenario = self.scenario_id
        if scenario is not None and self.document.plan.scenario(scenario) is None:
            # Renamed: follow it to its new id; deleted (or the plan replaced): none.
            self.scenario_id = _renamed(change, "scenario", scenario)
            self.scenarioChanged.emit()
        if may_change_result(change):
            self._recompute_soon()

    def _recompute_soon(self) -> None:
        self._outdated()
        self._timer.start()
        self.busyChanged.emit(True)

    def _outdated(self) -> None:
        """The plan or the choices changed: what is being computed answers an old question."""
        self._jobs.discard()
        self._current = False

    def _start(self) -> None:
        if not self.active:
            self._show(None, None)
            return
        plan = snapshot(self.document.plan)
        scenario, failed, objective = self.scenario_id, list(self.adhoc_failed), self.objective
        self._started += 1
        number, handed = self._started, self._handed
        handed.put((number, self._unvalidated.take()))
        validator, pending = self._validator, self._to_validate

        def work(_job: Job) -> RecoveryResult:
            # Jobs run one at a time in start order, so the validator sees every change
            # once: this job's and those of the jobs before it that never ran.
            while True:
                taken, handed_change = handed.get_nowait()
                pending.add(handed_change)
                if taken == number:
                    break
            change = pending.take()
            # A plan its problems block is computed with check=True: the error lines are
            # then those of check_computable itself, as the user saw them before.
            blocked = bool(blocking_problems(validator.update(plan, change)))
            return compute(
                plan, scenario_id=scenario, failed=failed, objective=objective, check=blocked
            )

        self._jobs.start(work)

    def _finished(self, _job: Job, result: RecoveryResult) -> None:
        self._show(result, None)

    def _failed(self, _job: Job, error: BaseException) -> None:
        if isinstance(error, ScenarioError):
            self._show(None, "\n".join(error.lines))
        else:  # shown in the window, never a crash of the program
            self._show(None, f"internal error: {error}")

    def _show(self, result: RecoveryResult | None, error: str | None) -> None:
        self._current = True
        self.result, self.error = result, error
        self._floor_states = None
        self.resultChanged.emit()
        self.busyChanged.emit(False)
