"""Tests of the CP-SAT exact mode (skipped without OR-Tools; PSPLIB parts without the data)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from planner.engine.rcpsp import Problem, check_schedule, solve

pytest.importorskip("ortools.sat.python.cp_model")

from planner.engine.exact import ExactUnavailable, solve_exact

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.psplib import to_problem  # noqa: E402
from benchmarks.psplib_format import default_psplib_dir, read_par_inst_table  # noqa: E402

PSPLIB = default_psplib_dir(REPO)
needs_psplib = pytest.mark.skipif(
    not (PSPLIB / "j30.sm").is_dir(), reason=f"PSPLIB instances not found at {PSPLIB}"
)


def _hard_small() -> Problem:
    # LFT is not optimal here (see test_rcpsp); the optimum is 9.
    return Problem(
        durations=(3, 2, 2, 4, 1, 3),
        predecessors=((), (), (0,), (1,), (2, 3), ()),
        demands=((1,), (1,), (2,), (1,), (1,), (1,)),
        capacities=(2,),
    )


def test_exact_proves_small_optimum() -> None:
    p = _hard_small()
    start = solve(p, effort=5)
    s = solve_exact(p, 10, start=start, workers=1)
    assert s.proven_optimal
    assert s.method.startswith("cp-sat optimal") or s.method.startswith("optimal by lower bound")
    assert s.lower_bound == s.makespan
    assert check_schedule(p, s.starts) == []
    assert s.makespan <= start.makespan


def test_exact_fractional_durations() -> None:
    # Durations in half minutes and tenths: the model works in units of 1/10.
    p = Problem(
        durations=(1.5, 0.5, 2.2, 0.3, 1.0),
        predecessors=((), (0,), (), (2,), (1, 3)),
        demands=((1,), (1,), (1,), (1,), (2,)),
        capacities=(2,),
    )
    s = solve_exact(p, 10, workers=1)
    assert s.proven_optimal
    assert check_schedule(p, s.starts) == []
    assert s.makespan == pytest.approx(3.5)


def test_exact_tiers_objective() -> None:
    p = Problem(
        durations=(4, 1, 4),
        predecessors=((), (), (0,)),
        demands=((1,), (1,), (0,)),
        capacities=(1,),
        groups=((1,), (2,)),
    )
    s = solve_exact(p, 10, workers=1, objective="tiers")
    assert s.starts[1] == 0
    assert s.makespan == 9
    assert s.proven_optimal
    t = solve_exact(p, 10, workers=1, objective="time")
    assert t.makespan == 8
    assert t.proven_optimal
    # Tie-breaker: with the makespan at 8, group 0 (task 1) completes as early as possible.
    assert t.starts[1] + 1 == 5


def test_zero_time_limit_keeps_heuristic() -> None:
    p = _hard_small()
    start = solve(p, effort=1)
    s = solve_exact(p, 0.0, start=start)
    if not start.proven_optimal:
        assert s.method == "cp-sat timeout (heuristic kept)"
        assert not s.proven_optimal
    assert s.starts == start.starts
    assert s.makespan == start.makespan
    assert s.lower_bound <= s.makespan


def test_missing_ortools_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ortools.sat.python", None)
    monkeypatch.setitem(sys.modules, "ortools.sat.python.cp_model", None)
    with pytest.raises(ExactUnavailable, match="pip install 'drplanner\\[exact\\]'"):
        solve_exact(_hard_small(), 1.0)
    # An ImportError too, so callers that catch ImportError print the message plainly.
    with pytest.raises(ImportError):
        solve_exact(_hard_small(), 1.0)


@needs_psplib
@pytest.mark.parametrize("name", ["j301_1", "j301_6", "j301_9"])
def test_exact_proves_psplib_j30(name: str) -> None:
    p, _mpm = to_problem(PSPLIB / "j30.sm" / f"{name}.sm")
    par, inst = name.removeprefix("j30").split("_")
    opt = read_par_inst_table(PSPLIB / "tables" / "j30opt.sm")[(int(par), int(inst))]
    start = solve(p, effort=1)  # the LFT schedule: CP-SAT has to do the work
    s = solve_exact(p, 20, start=start, workers=2, seed=0)
    assert s.makespan == opt
    assert s.proven_optimal and s.lower_bound == opt
    assert check_schedule(p, s.starts) == []


@needs_psplib
def test_tiny_limit_on_hard_instance_falls_back_or_improves() -> None:
    p, _ = to_problem(PSPLIB / "j30.sm" / "j3013_1.sm")
    start = solve(p, effort=20)
    s = solve_exact(p, 0.05, start=start, workers=1)
    assert check_schedule(p, s.starts) == []
    if s.method == "cp-sat timeout (heuristic kept)":
        assert s.starts == start.starts
    else:
        assert s.method == "cp-sat feasible" and s.makespan < start.makespan
    assert s.lower_bound <= s.makespan
    assert not s.proven_optimal
