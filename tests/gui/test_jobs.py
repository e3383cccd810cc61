"""The background-job helper: outcomes come back on the GUI thread, once, unless stale."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from planner.gui.jobs import Job, JobRunner


@pytest.fixture
def runner(qtbot) -> Iterator[JobRunner]:
    jobs = JobRunner()
    yield jobs
    jobs.wait()


def test_the_result_arrives_on_the_gui_thread(qtbot, runner: JobRunner) -> None:
    workers: list[threading.Thread] = []
    delivered_on: list[threading.Thread] = []
    runner.finished.connect(lambda _job, _result: delivered_on.append(threading.current_thread()))

    def work(_job: Job) -> int:
        workers.append(threading.current_thread())
        return 42

    with qtbot.waitSignal(runner.finished) as blocker:
        job = runner.start(work, context="answer")
    assert blocker.args == [job, 42]
    assert job.context == "answer"
    assert workers and workers[0] is not threading.main_thread()
    assert delivered_on == [threading.main_thread()]


def test_an_exception_arrives_as_failed_with_the_exception(qtbot, runner: JobRunner) -> None:
    results: list[object] = []
    runner.finished.connect(lambda _job, result: results.append(result))

    def work(_job: Job) -> None:
        raise RecursionError("too deep")

    with qtbot.waitSignal(runner.failed) as blocker:
        job = runner.start(work)
    assert blocker.args[0] is job
    assert isinstance(blocker.args[1], RecursionError) and str(blocker.args[1]) == "too deep"
    assert results == []


def test_progress_arrives_in_order_before_the_result(qtbot, runner: JobRunner) -> None:
    seen: list[object] = []
    runner.progress.connect(lambda _job, done, total: seen.append((done, total)))
    runner.finished.connect(lambda _job, result: seen.append(result))

    def work(job: Job) -> str:
        for done in range(4):
            assert job.progress(done, 3)  # not cancelled: keep going
        return "done"

    with qtbot.waitSignal(runner.finished):
        runner.start(work)
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3), "done"]


@pytest.mark.parametrize("ends_by", ["raising", "returning"])
def test_a_cancelled_job_reports_cancelled_not_its_result(
    qtbot, runner: JobRunner, ends_by: str
) -> None:
    """The callable polls the flag (and ``progress`` turns False); the outcome is
    ``cancelled`` whether it then returns or raises."""
    started, cancelled = threading.Event(), threading.Event()
    outcomes: list[str] = []
    runner.finished.connect(lambda _job, _result: outcomes.append("finished"))
    runner.failed.connect(lambda _job, _error: outcomes.append("failed"))

    def work(job: Job) -> str:
        started.set()
        assert cancelled.wait(10)
        assert job.cancelled() and not job.progress(1, 2)
        if ends_by == "raising":
            raise RuntimeError("stopped half-way")
        return "what was done before the cancel"

    job = runner.start(work)
    assert started.wait(10)
    job.cancel()
    cancelled.set()
    with qtbot.waitSignal(runner.cancelled) as blocker:
        pass
    assert blocker.args == [job]
    assert outcomes == []


def test_a_discarded_job_is_dropped_and_the_next_one_arrives(qtbot, runner: JobRunner) -> None:
    """``discard`` drops the outcome and the progress of what was started before it: a
    job already done whose outcome is still queued, one running (asked to cancel), one
    waiting its turn; what is started after it arrives."""
    started, release = threading.Event(), threading.Event()
    delivered: list[object] = []
    runner.progress.connect(lambda job, done, _total: delivered.append((job.context, done)))
    runner.finished.connect(lambda job, result: delivered.append((job.context, result)))
    runner.failed.connect(lambda job, error: delivered.append((job.context, error)))
    runner.cancelled.connect(lambda job: delivered.append((job.context, "cancelled")))

    def slow(job: Job) -> str:
        job.progress(1, 1)
        started.set()
        assert release.wait(10)
        return "running answer"

    runner.start(lambda _job: "done answer", context="done")
    runner.wait()  # done on the worker; its outcome is queued, not delivered
    running = runner.start(slow, context="running")
    waiting = runner.start(lambda _job: "waiting answer", context="waiting")
    assert started.wait(10)
    runner.discard()
    assert running.cancelled() and waiting.cancelled()
    release.set()
    with qtbot.waitSignal(runner.finished) as blocker:
        new = runner.start(lambda _job: "new answer", context="new")
    assert blocker.args == [new, "new answer"]
    assert delivered == [("new", "new answer")]


def test_jobs_run_one_at_a_time_in_order(qtbot, runner: JobRunner) -> None:
    order: list[int] = []
    with qtbot.waitSignals([runner.finished] * 3):
        for n in range(3):
            runner.start(lambda _job, n=n: order.append(n))
    assert order == [0, 1, 2]


def test_a_destroyed_runner_with_a_running_job_delivers_nothing_and_does_not_crash(
    qtbot,
) -> None:
    from PySide6.QtCore import QCoreApplication

    started, release = threading.Event(), threading.Event()
    delivered: list[object] = []
    runner = JobRunner()
    runner.finished.connect(lambda _job, result: delivered.append(result))

    def work(_job: Job) -> str:
        started.set()
        assert release.wait(10)
        return "late"

    job = runner.start(work)
    assert started.wait(10)
    pool = runner._pool
    pool.setParent(None)  # keep the thread pool (and its thread) past the runner
    runner.deleteLater()
    with qtbot.waitSignal(runner.destroyed):
        pass
    release.set()
    assert pool.waitForDone(10_000)
    QCoreApplication.processEvents()  # the queued outcome reaches a relay with no receiver
    assert delivered == [] and not job.cancelled()
