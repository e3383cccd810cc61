"""PSPLIB benchmark of the scheduling core: prints one table row per instance set.

Usage::

    python benchmarks/psplib.py [--sets j30,j60,j90,j120] [--limit N] [--exact SECONDS]
                                [--jobs 2] [--effort N] [--seed S]

For each instance it runs the LFT baseline (``lft_serial``), the default ``solve`` and,
with ``--exact``, ``solve_exact`` started from the heuristic schedule. Reference values:

* J30: the proven optimum (``tables/j30opt.sm``).
* J60/J90/J120: the best known upper bound (the smaller of ``tables/j*hrs.sm`` and the
  heuristic/optimal rows of the later BKS table) and the critical-path lower bound
  (``MPM-Time`` of the instance file, the usual reference for these sets).

Instances are read from ``$PSPLIB_DIR`` or ``<repo>/../shared/benchmarks/psplib``.
``--limit N`` takes every k-th file (evenly spread over parameter groups), not the first N.
Times are wall-clock per instance inside the worker; with ``--jobs 2`` on a 2-core
machine the workers compete with each other and with everything else running.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.psplib_format import (  # noqa: E402
    default_psplib_dir,
    instance_key,
    parse_sm,
    read_bks_csv,
    read_lb_table,
    read_par_inst_table,
)
from planner.engine.rcpsp import Problem, lft_serial, solve  # noqa: E402


@dataclass
class Row:
    name: str
    ref_ub: int  # optimum (J30) or best known upper bound
    ref_lb: int  # critical-path lower bound (MPM time)
    optimal_known: bool
    lft: float
    heur: float
    heur_lb: float
    heur_proven: bool
    heur_time: float
    heur_evals: int
    exact: float | None = None
    exact_lb: float | None = None
    exact_proven: bool = False
    exact_time: float | None = None


def to_problem(path: Path) -> tuple[Problem, int | None]:
    """The instance as a Problem (dummy source/sink kept as 0-duration tasks)."""
    ins = parse_sm(path)
    p = Problem(
        durations=tuple(ins.durations),
        predecessors=ins.predecessors(),
        demands=ins.demands,
        capacities=ins.capacities,
    )
    return p, ins.mpm_time


def references(root: Path, size: int) -> dict[tuple[int, int], tuple[int, bool]]:
    """(par, inst) -> (reference upper bound, optimum known)."""
    t = root / "tables"
    if size == 30:
        return {k: (v, True) for k, v in read_par_inst_table(t / "j30opt.sm").items()}
    ub = {k: (v, False) for k, v in read_par_inst_table(t / f"j{size}hrs.sm").items()}
    lbs = read_lb_table(t / f"j{size}lb.sm") if (t / f"j{size}lb.sm").exists() else {}
    for k, (u, lo) in lbs.items():
        if k in ub and u == lo and ub[k][0] == u:
            ub[k] = (u, True)
    csv = {60: "J60_C.csv", 90: "J90_BKS.csv", 120: "J120_BKS.csv"}.get(size)
    if csv and (t / csv).exists():
        for ident, (kind, value) in read_bks_csv(t / csv).items():
            k = ((ident - 1) // 10 + 1, (ident - 1) % 10 + 1)
            if kind not in ("heuristic", "optimal") or k not in ub:
                continue
            best, known = ub[k]
            if value < best:
                best, known = value, False
            if kind == "optimal" and value == best:
                known = True
            ub[k] = (best, known)
    return ub


def run_one(args: tuple[str, int, int, bool, float | None, int | None, int, int]) -> Row:
    path_s, ref_ub, _size, known, exact_s, effort, seed, workers = args
    path = Path(path_s)
    problem, mpm = to_problem(path)
    base = lft_serial(problem)
    t0 = time.perf_counter()
    sched = solve(problem, effort=effort, seed=seed)
    dt = time.perf_counter() - t0
    row = Row(
        name=path.name,
        ref_ub=ref_ub,
        ref_lb=mpm if mpm is not None else 0,
        optimal_known=known,
        lft=base.makespan,
        heur=sched.makespan,
        heur_lb=sched.lower_bound,
        heur_proven=sched.proven_optimal,
        heur_time=dt,
        heur_evals=sched.schedules_evaluated,
    )
    if exact_s is not None:
        from planner.engine.exact import solve_exact

        t0 = time.perf_counter()
        ex = solve_exact(problem, exact_s, start=sched, workers=workers, seed=seed)
        row.exact_time = time.perf_counter() - t0
        row.exact = ex.makespan
        row.exact_lb = ex.lower_bound
        row.exact_proven = ex.proven_optimal
    return row


def pct(a: float, b: float) -> float:
    return 100.0 * (a - b) / b


def summarize(size: int, rows: list[Row], exact: bool) -> list[str]:
    out = []
    n = len(rows)
    dev_lft = statistics.fmean(pct(r.lft, r.ref_ub) for r in rows)
    dev_h = statistics.fmean(pct(r.heur, r.ref_ub) for r in rows)
    ref = "optimum" if size == 30 else "best known UB"
    hit = sum(r.heur <= r.ref_ub for r in rows)
    times = [r.heur_time for r in rows]
    line = (
        f"j{size}: {n} instances | dev. from {ref}: LFT {dev_lft:.2f} %, solve {dev_h:.2f} % | "
        f"solve reaches it {hit}/{n}, proves optimal {sum(r.heur_proven for r in rows)}/{n} | "
        f"solve time median {1000 * statistics.median(times):.0f} ms, "
        f"mean {1000 * statistics.fmean(times):.0f} ms, max {1000 * max(times):.0f} ms | "
        f"schedules mean {statistics.fmean(r.heur_evals for r in rows):.0f}"
    )
    out.append(line)
    if size != 30:
        cp_lft = statistics.fmean(pct(r.lft, r.ref_lb) for r in rows)
        cp_h = statistics.fmean(pct(r.heur, r.ref_lb) for r in rows)
        cp_ref = statistics.fmean(pct(r.ref_ub, r.ref_lb) for r in rows)
        out.append(
            f"      dev. from critical-path LB: LFT {cp_lft:.2f} %, solve {cp_h:.2f} %, "
            f"best known UB {cp_ref:.2f} %"
        )
    if exact:
        ex = [r for r in rows if r.exact is not None]
        dev_e = statistics.fmean(pct(r.exact, r.ref_ub) for r in ex)  # type: ignore[arg-type]
        et = [r.exact_time for r in ex if r.exact_time is not None]
        out.append(
            f"      exact: dev. {dev_e:.2f} %, reaches ref. "
            f"{sum(r.exact <= r.ref_ub for r in ex)}/{len(ex)}, "  # type: ignore[operator]
            f"proves optimal {sum(r.exact_proven for r in ex)}/{len(ex)}, "
            f"time median {statistics.median(et):.2f} s, mean {statistics.fmean(et):.2f} s"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default="j30,j120", help="comma list of j30,j60,j90,j120")
    ap.add_argument("--limit", type=int, default=0, help="at most N instances per set")
    ap.add_argument("--exact", type=float, default=None, metavar="SECONDS")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--workers", type=int, default=1, help="CP-SAT workers per instance")
    ap.add_argument("--effort", type=int, default=None, help="schedules (default: by size)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dir", type=Path, default=None, help="PSPLIB folder")
    ap.add_argument("--worst", type=int, default=0, help="list the N worst instances")
    a = ap.parse_args(argv)
    root = a.dir or default_psplib_dir(REPO)
    if not root.is_dir():
        print(f"PSPLIB folder not found: {root} (set PSPLIB_DIR)", file=sys.stderr)
        return 2
    print(
        f"# {' '.join(sys.argv)} | jobs={a.jobs} effort={a.effort or 'default'} seed={a.seed}"
        + (f" exact={a.exact}s" if a.exact is not None else "")
    )
    for name in a.sets.split(","):
        size = int(name.strip().lower().removeprefix("j"))
        files = sorted((root / f"j{size}.sm").glob("*.sm"), key=lambda p: instance_key(size, p))
        if a.limit and a.limit < len(files):
            step = len(files) / a.limit
            files = [files[int(k * step)] for k in range(a.limit)]
        refs = references(root, size)
        tasks = []
        for f in files:
            ub, known = refs[instance_key(size, f)]
            tasks.append((str(f), ub, size, known, a.exact, a.effort, a.seed, a.workers))
        t0 = time.perf_counter()
        if a.jobs > 1:
            with ProcessPoolExecutor(a.jobs) as ex:
                rows = list(ex.map(run_one, tasks, chunksize=1))
        else:
            rows = [run_one(t) for t in tasks]
        wall = time.perf_counter() - t0
        for line in summarize(size, rows, a.exact is not None):
            print(line)
        print(f"      wall {wall:.1f} s")
        if a.worst:
            worst = sorted(rows, key=lambda r: pct(r.heur, r.ref_ub), reverse=True)
            for r in worst[: a.worst]:
                print(f"      worst {r.name}: {r.heur} vs {r.ref_ub} (lb {r.heur_lb})")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
