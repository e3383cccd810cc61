"""Tests of the heuristic scheduling core (planner.engine.rcpsp): fast, no timing asserts."""

from __future__ import annotations

import itertools
import random
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.engine import sgs
from planner.engine.rcpsp import (
    Problem,
    check_schedule,
    default_effort,
    improve,
    lft_serial,
    lower_bound,
    solve,
)
from planner.engine.search import topo_by_keys
from planner.engine.sgs import Compiled, compile_problem, serial_sgs, time_scale

# -- an independent brute force -------------------------------------------------------


def _topological_orders(preds: tuple[tuple[int, ...], ...]) -> list[list[int]]:
    n = len(preds)
    out: list[list[int]] = []

    def rec(order: list[int], done: set[int]) -> None:
        if len(order) == n:
            out.append(list(order))
            return
        for j in range(n):
            if j not in done and all(p in done for p in preds[j]):
                order.append(j)
                done.add(j)
                rec(order, done)
                order.pop()
                done.discard(j)

    rec([], set())
    return out


def brute_force_optimum(p: Problem) -> Fraction:
    """Optimal makespan: best serial-SGS schedule over every precedence-feasible order.

    Written independently of the engine (exact Fractions, candidate starts at finish
    times). The serial SGS generates every active schedule, and some optimal schedule is
    active, so the minimum over all orders is the optimum.
    """
    n = len(p.durations)
    d = [Fraction(x) for x in p.durations]
    best: Fraction | None = None
    for order in _topological_orders(p.predecessors):
        start: dict[int, Fraction] = {}
        for j in order:
            es = max((start[i] + d[i] for i in p.predecessors[j]), default=Fraction(0))
            cands = sorted({es} | {start[i] + d[i] for i in start if start[i] + d[i] > es})
            for t in cands:
                if d[j] == 0 or _fits(p, d, start, j, t):
                    start[j] = t
                    break
        ms = max((start[j] + d[j] for j in range(n)), default=Fraction(0))
        best = ms if best is None or ms < best else best
    assert best is not None
    return best


def _fits(p: Problem, d: list[Fraction], start: dict[int, Fraction], j: int, t: Fraction) -> bool:
    # Usage only changes at starts, so checking t and every start inside [t, t+d) suffices.
    points = {t} | {s for s in start.values() if t < s < t + d[j]}
    for x in points:
        for r, cap in enumerate(p.capacities):
            used = sum(p.demands[i][r] for i, s in start.items() if d[i] > 0 and s <= x < s + d[i])
            if used + p.demands[j][r] > cap:
                return False
    return True


# -- hand instances ---------------------------------------------------------------------


def test_two_tasks_share_one_unit() -> None:
    p = Problem((3, 4), ((), ()), ((1,), (1,)), (1,))
    s = solve(p)
    assert s.makespan == 7
    assert s.proven_optimal
    assert sorted(s.starts) == [0, 3] or sorted(s.starts) == [0, 4]
    assert check_schedule(p, s.starts) == []


def test_parallel_then_blocking() -> None:
    # Two half-capacity tasks run together, the full-capacity one after them.
    p = Problem((2, 2, 2), ((), (), ()), ((1,), (1,), (2,)), (2,))
    s = solve(p)
    assert s.makespan == 4
    assert lower_bound(p) == 4
    assert s.proven_optimal


def test_lft_is_not_optimal_but_solve_is() -> None:
    # Capacity 2. The LFT rule starts the long chain head and a wide task badly; the
    # optimum (found by brute force) is shorter.
    p = Problem(
        durations=(3, 2, 2, 4, 1, 3),
        predecessors=((), (), (0,), (1,), (2, 3), ()),
        demands=((1,), (1,), (2,), (1,), (1,), (1,)),
        capacities=(2,),
    )
    opt = brute_force_optimum(p)
    s = solve(p, effort=500)
    assert Fraction(s.makespan) == opt
    assert check_schedule(p, s.starts) == []
    assert lft_serial(p).makespan >= s.makespan


def test_touching_intervals_free_units() -> None:
    p = Problem((5, 5), ((), ()), ((1,), (1,)), (1,))
    assert check_schedule(p, (0, 5)) == []
    assert check_schedule(p, (5, 0)) == []
    assert check_schedule(p, (0, 4)) != []
    assert check_schedule(p, (0, 4.999)) != []
    s = solve(p)
    assert sorted(s.starts) == [0, 5]


def test_precedence_touching_and_violation() -> None:
    p = Problem((2, 3), ((), (0,)), ((0,), (0,)), (1,))
    assert check_schedule(p, (0, 2)) == []
    assert any("predecessor" in e for e in check_schedule(p, (0, 1.5)))


def test_zero_duration_tasks_hold_nothing() -> None:
    # A zero-duration milestone using the whole capacity does not block anything, and
    # its successor may start at the same instant.
    p = Problem(
        durations=(4, 0, 3, 0),
        predecessors=((), (0,), (1,), (2,)),
        demands=((1,), (1,), (1,), (1,)),
        capacities=(1,),
    )
    s = solve(p)
    assert s.starts == (0, 4, 4, 7)
    assert s.makespan == 7
    assert check_schedule(p, s.starts) == []
    # A zero-duration task in the middle of a busy period is fine too.
    q = Problem((5, 0), ((), ()), ((1,), (1,)), (1,))
    assert check_schedule(q, (0, 2)) == []
    assert solve(q).makespan == 5


def test_all_zero_and_empty() -> None:
    p = Problem((0, 0, 0), ((), (0,), (1,)), ((1,), (1,), (1,)), (1,))
    s = solve(p)
    assert s.makespan == 0 and s.starts == (0, 0, 0)
    e = Problem((), (), (), (1,))
    assert solve(e).makespan == 0
    assert lft_serial(e).starts == ()


def test_fractional_durations_are_exact() -> None:
    # 0.1 + 0.2 != 0.3 in floats; the engine works in tenths, so the chain 0.1, 0.2 and
    # the single 0.3 task end at the same instant and the makespan is exactly 0.6.
    p = Problem(
        durations=(0.1, 0.2, 0.3),
        predecessors=((), (0,), ()),
        demands=((1,), (1,), (1,)),
        capacities=(1,),
    )
    s = solve(p)
    assert s.makespan == 0.6
    assert s.lower_bound == 0.6
    assert s.proven_optimal
    assert check_schedule(p, s.starts) == []
    assert time_scale([0.1, 0.2, 0.3]) == 10
    assert time_scale([1 / 3, 0.5]) == 60  # minutes in seconds: the quick scales come first
    assert time_scale([1 / 7]) == 7
    assert time_scale([7.5, 2.25]) == 4


def test_irrational_durations_fall_back_to_binary_units() -> None:
    x = 2**0.5
    p = Problem((x, x, 1.0), ((), (0,), ()), ((1,), (1,), (1,)), (1,))
    s = solve(p)
    assert check_schedule(p, s.starts) == []
    assert s.makespan == pytest.approx(2 * x + 1)
    assert s.lower_bound <= s.makespan


def test_groups_break_ties_under_time() -> None:
    # Capacity 1. Tasks 0 and 1 are independent; task 2 (long) needs no resource. The
    # makespan is 4 either way; the tie-breaker puts group 0's task (1) first.
    p = Problem(
        durations=(2, 2, 4),
        predecessors=((), (), ()),
        demands=((1,), (1,), (0,)),
        capacities=(1,),
        groups=((1,), (0,)),
    )
    s = solve(p)
    assert s.makespan == 4
    assert s.starts[1] == 0 and s.starts[0] == 2


def test_tiers_objective_puts_group0_first() -> None:
    # Capacity 1 shared by tasks 0 (long, heads the critical chain 0 -> 2) and 1 (short,
    # the only task tier-0 services wait for). Minimum makespan: 0 then 2, with 1 after
    # 0 (makespan 8, group 0 done at 5). Tiers: 1 first (group 0 done at 1, makespan 9).
    p = Problem(
        durations=(4, 1, 4),
        predecessors=((), (), (0,)),
        demands=((1,), (1,), (0,)),
        capacities=(1,),
        groups=((1,), (2,)),
    )
    t = solve(p, objective="time")
    assert t.makespan == 8
    assert t.starts[1] + 1 == 5
    r = solve(p, objective="tiers")
    assert r.starts[1] == 0
    assert r.makespan == 9
    assert check_schedule(p, r.starts) == []
    assert r.lower_bound <= 8


def test_effort_and_determinism() -> None:
    rng = random.Random(7)
    p = _random_problem(rng, 25, 2)
    a = solve(p, effort=300, seed=3)
    b = solve(p, effort=300, seed=3)
    assert a == b
    assert a.schedules_evaluated <= 300
    assert solve(p, effort=1).schedules_evaluated == 1


def test_early_exit_at_bound() -> None:
    # A pure chain: the LFT pass meets the critical path, nothing else is evaluated.
    p = Problem((1, 2, 3), ((), (0,), (1,)), ((1,), (1,), (1,)), (1,))
    s = solve(p)
    assert s.proven_optimal and s.schedules_evaluated == 1 and s.makespan == 6


def test_default_effort_scales_down() -> None:
    assert default_effort(30) == 5000
    assert 1000 <= default_effort(120) <= 5000
    assert default_effort(1500) >= 3  # room for one forward-backward improvement
    assert default_effort(3000) <= 2  # the LFT pass alone
    sizes = [10, 30, 60, 120, 300, 600, 1000, 3000]
    efforts = [default_effort(n) for n in sizes]
    assert efforts == sorted(efforts, reverse=True)


def test_invalid_inputs() -> None:
    with pytest.raises(ValueError, match="cycle"):
        solve(Problem((1, 1), ((1,), (0,)), ((0,), (0,)), (1,)))
    with pytest.raises(ValueError):
        solve(Problem((1,), ((),), ((2,),), (1,)))
    with pytest.raises(ValueError):
        solve(Problem((-1,), ((),), ((0,),), (1,)))
    with pytest.raises(ValueError):
        solve(Problem((1,), ((),), ((0,),), (1,)), objective="cost")  # type: ignore[arg-type]


def test_large_plan_single_pass_is_feasible() -> None:
    rng = random.Random(1)
    p = _random_problem(rng, 3000, 3, max_preds=4, window=200, fractional=True)
    s = solve(p)
    assert check_schedule(p, s.starts) == []
    assert s.makespan <= lft_serial(p).makespan
    assert s.lower_bound <= s.makespan


# -- properties -------------------------------------------------------------------------


def _random_problem(
    rng: random.Random,
    n: int,
    nres: int,
    max_preds: int = 3,
    window: int = 10,
    fractional: bool = False,
) -> Problem:
    caps = tuple(rng.randint(1, 6) for _ in range(nres))
    steps = (0.5, 0.25, 0.1) if fractional else (1,)
    durs = []
    for _ in range(n):
        step = rng.choice(steps)
        durs.append(rng.randint(0, 12) * step if step != 1 else rng.randint(0, 9))
    preds = []
    for j in range(n):
        k = rng.randint(0, min(j, max_preds))
        preds.append(tuple(sorted(rng.sample(range(max(0, j - window), j), k))) if k else ())
    dems = tuple(
        tuple(rng.randint(0, c) if rng.random() < 0.7 else 0 for c in caps) for _ in range(n)
    )
    return Problem(tuple(durs), tuple(preds), dems, caps)


@st.composite
def small_problems(draw: st.DrawFn, max_n: int = 6) -> Problem:
    n = draw(st.integers(1, max_n))
    nres = draw(st.integers(1, 3))
    caps = tuple(draw(st.integers(1, 5)) for _ in range(nres))
    quantum = draw(st.sampled_from([1, 2, 10, 3]))
    durs = tuple(
        (lambda k: k if quantum == 1 else k / quantum)(draw(st.integers(0, 8))) for _ in range(n)
    )
    preds = tuple(
        tuple(sorted(draw(st.sets(st.integers(0, j - 1), max_size=min(j, 3))))) if j else ()
        for j in range(n)
    )
    dems = tuple(tuple(draw(st.integers(0, c)) for c in caps) for _ in range(n))
    groups = tuple(
        tuple(sorted(draw(st.sets(st.integers(0, n - 1), max_size=2))))
        for _ in range(draw(st.integers(0, 2)))
    )
    return Problem(durs, preds, dems, caps, groups)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_property_solve(p: Problem) -> None:
    s = solve(p, effort=60)
    assert check_schedule(p, s.starts) == []
    assert s.lower_bound <= s.makespan
    assert lower_bound(p) <= s.makespan
    assert s.schedules_evaluated <= 60
    assert solve(p, effort=60) == s  # deterministic
    base = lft_serial(p)
    assert check_schedule(p, base.starts) == []
    assert s.makespan <= base.makespan
    t = solve(p, objective="tiers", effort=60)
    assert check_schedule(p, t.starts) == []


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems(max_n=6))
def test_property_bound_is_valid_and_optimum_found(p: Problem) -> None:
    opt = brute_force_optimum(p)
    lb = lower_bound(p)
    assert Fraction(lb) <= opt or lb == pytest.approx(float(opt))
    s = solve(p, effort=400)
    # Tiny problems: the search must find the optimum; a proof must be right.
    assert Fraction(s.makespan) == opt or s.makespan == pytest.approx(float(opt))
    if s.proven_optimal and not p.groups:
        assert s.makespan == pytest.approx(float(opt))


def test_random_medium_problems_feasible() -> None:
    rng = random.Random(11)
    for k in range(30):
        p = _random_problem(rng, rng.randint(5, 40), rng.randint(1, 4), fractional=k % 2 == 1)
        s = solve(p, effort=100, seed=k)
        assert check_schedule(p, s.starts) == []
        assert s.lower_bound <= s.makespan <= lft_serial(p).makespan


def test_check_schedule_reports_overload() -> None:
    p = Problem((2, 2, 2), ((), (), ()), ((1,), (1,), (1,)), (2,))
    assert check_schedule(p, (0, 0, 1)) != []
    assert check_schedule(p, (0, 0, 2)) == []
    assert check_schedule(p, (0, 1)) != []  # wrong length


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_seeds_differ_but_stay_feasible(seed: int) -> None:
    rng = random.Random(5)
    p = _random_problem(rng, 40, 3)
    s = solve(p, effort=200, seed=seed)
    assert check_schedule(p, s.starts) == []


def test_brute_force_helper_agrees_on_known_case() -> None:
    p = Problem((3, 4), ((), ()), ((1,), (1,)), (1,))
    assert brute_force_optimum(p) == 7
    assert len(_topological_orders(((), (0,), ()))) == 3
    assert list(itertools.permutations([0]))  # keep itertools honest in this module


def test_improve_justifies_a_given_schedule() -> None:
    rng = random.Random(3)
    p = _random_problem(rng, 30, 2)
    base = lft_serial(p)
    better = improve(p, base.starts)
    assert check_schedule(p, better.starts) == []
    assert better.makespan <= base.makespan
    assert better.schedules_evaluated == 2


def _reference_sgs(c: Compiled, order: list[int]) -> list[int]:
    """Serial SGS by brute force: candidate starts are the earliest start and the finishes
    after it; the usage is checked at the window's start and at every start inside it."""
    start = [0] * c.n
    placed: list[int] = []

    def usage(r: int, u: int) -> int:
        return sum(
            c.demands[i][r] for i in placed if c.dur[i] > 0 and start[i] <= u < start[i] + c.dur[i]
        )

    for j in order:
        es = max((start[i] + c.dur[i] for i in c.preds[j]), default=0)
        finishes = {start[i] + c.dur[i] for i in placed}
        for t in sorted({es} | {f for f in finishes if f > es}):
            end = t + c.dur[j]
            points = {t} | {start[i] for i in placed if t < start[i] < end}
            if c.dur[j] == 0 or all(
                usage(r, u) + c.demands[j][r] <= cap
                for r, cap in enumerate(c.capacities)
                for u in points
            ):
                start[j] = t
                break
        placed.append(j)
    return start


@pytest.mark.parametrize(
    ("plain_scan", "skip_min", "block"),
    [(0, 0, 64), (2, 0, 64), (32, 0, 64), (32, 10_000, 64), (0, 0, 1), (2, 0, 2)],
)
def test_skip_pointers_match_a_plain_scan(
    monkeypatch: pytest.MonkeyPatch, plain_scan: int, skip_min: int, block: int
) -> None:
    """Skip pointers, merged segments and profile blocks never change a placement (nor does
    the plain scan)."""
    monkeypatch.setattr(sgs, "_PLAIN_SCAN", plain_scan)
    monkeypatch.setattr(sgs, "_BLOCK", block)
    monkeypatch.setattr(sgs, "_POOL_MIN_TASKS", skip_min)
    rng = random.Random(plain_scan + skip_min)
    for _ in range(12):
        p = _random_problem(rng, 120, rng.randint(1, 3), max_preds=2, window=120)
        c = compile_problem(p)
        for _ in range(2):
            order = topo_by_keys(c, [rng.random() for _ in range(c.n)])
            starts, ms = serial_sgs(c, order, c.preds)
            assert starts == _reference_sgs(c, order)
            assert ms == max(s + d for s, d in zip(starts, c.dur, strict=True))


def test_group_bounds_match_a_closure_per_group() -> None:
    """The one-pass group bounds equal each group's own closure, walked separately."""
    from planner.engine.bounds import group_bounds

    rng = random.Random(7)
    for _ in range(20):
        p = _random_problem(rng, 60, rng.randint(1, 3), max_preds=3, window=15)
        groups = tuple(tuple(sorted(rng.sample(range(60), rng.randint(0, 6)))) for _ in range(4))
        p = Problem(p.durations, p.predecessors, p.demands, p.capacities, groups)
        c = compile_problem(p)
        expected = []
        for g in groups:
            seen: set[int] = set()
            stack = list(g)
            while stack:
                j = stack.pop()
                if j not in seen:
                    seen.add(j)
                    stack.extend(c.preds[j])
            cp = max((c.head[j] + c.dur[j] for j in g), default=0)
            energy = max(
                (
                    -(-sum(c.dur[j] * c.demands[j][r] for j in seen) // cap)
                    for r, cap in enumerate(c.capacities)
                ),
                default=0,
            )
            expected.append(max(cp, energy) if g else 0)
        assert group_bounds(c) == expected


# -- the SGS of large problems against its previous implementation --------------------
#
# The golden results hold the pool SGS on the 1x scale plan only. The functions below are
# the pool SGS as it was before issue 12 (a stack of pending skip claims, one flat profile
# per resource), kept as an oracle: the placements of the serial SGS are fully determined
# (each task at its earliest feasible start), so a new implementation must reproduce them
# exactly on plans of any size.


def _old_pool_sgs(
    c: Compiled, order: Sequence[int], preds: Sequence[Sequence[int]]
) -> tuple[list[int], int]:
    n = c.n
    dur = c.dur
    uses = c.uses
    start = [0] * n
    fin = [0] * n
    ms = 0
    times: list[list[int]] = [[0] for _ in c.capacities]
    free: list[list[int]] = [[cap] for cap in c.capacities]
    skips: list[dict[int, dict[int, tuple[int, int]]]] = [{} for _ in c.capacities]
    for j in order:
        es = 0
        for i in preds[j]:
            f = fin[i]
            if f > es:
                es = f
        d = dur[j]
        held = uses[j]
        if not held:
            # Holds nothing (no demand, or zero duration): starts as soon as precedence allows.
            start[j] = es
            e = es + d
            fin[j] = e
            if e > ms:
                ms = e
            continue
        t = es
        if len(held) == 1:
            r, q = held[0]
            if t < times[r][-1]:
                t = _old_window(times[r], free[r], t, d, q, skips[r])
        else:
            # Round robin until len(held) profiles in a row accept the candidate.
            accepted = 0
            k = 0
            while accepted < len(held):
                r, q = held[k]
                t2 = _old_window(times[r], free[r], t, d, q, skips[r]) if t < times[r][-1] else t
                if t2 == t:
                    accepted += 1
                else:
                    t = t2
                    accepted = 1
                k = k + 1 if k + 1 < len(held) else 0
        end = t + d
        for r, q in held:
            _old_reserve(times[r], free[r], t, end, q)
        start[j] = t
        fin[j] = end
        if end > ms:
            ms = end
    return start, ms


def _old_window(
    times: list[int],
    free: list[int],
    t: int,
    d: int,
    q: int,
    skips: dict[int, dict[int, tuple[int, int]]],
) -> int:
    nt = len(times)
    k = bisect_right(times, t) - 1
    end = t + d
    i = k
    skip = skips.get(q)
    far = k if skip is not None else k + 32
    while True:
        if free[i] < q:
            # Segment i lacks capacity: the earliest candidate is where i ends.
            i += 1
            t = times[i]
            end = t + d
            if i > far:
                if skip is None:
                    skip = skips[q] = {}
                return _old_skip_scan(times, free, i, t, d, q, skip)
        else:
            i += 1
            if i == nt or times[i] >= end:
                return t


def _old_reserve(times: list[int], free: list[int], t: int, end: int, q: int) -> None:
    last = times[-1]
    if t >= last:
        # At or after the last breakpoint everything is free: append, no bisection.
        cap = free[-1]  # the last segment is always at full capacity
        if t > last:
            times.append(t)
            free.append(cap - q)
        else:
            free[-1] = cap - q
        times.append(end)
        free.append(cap)
        return
    k = bisect_right(times, t) - 1
    if times[k] != t:
        k += 1
        times.insert(k, t)
        free.insert(k, free[k - 1])
    i = bisect_left(times, end, k)
    if i == len(times) or times[i] != end:
        times.insert(i, end)
        free.insert(i, free[i - 1])
    for m in range(k, i):
        free[m] -= q
    if i < len(times) and free[i] == free[i - 1]:
        del times[i]
        del free[i]
    if k and free[k] == free[k - 1]:
        del times[k]
        del free[k]


def _old_skip_scan(
    times: list[int],
    free: list[int],
    k: int,
    t: int,
    d: int,
    q: int,
    skip: dict[int, tuple[int, int]],
) -> int:
    nt = len(times)
    # Claims (a, limit) under construction, limits non-increasing towards the top: each
    # holds as far as the scan has gone, through failures of no larger limit.
    pend: list[tuple[int, int]] = []
    while True:
        # Candidate window: start t inside segment k, whose start is a.
        a = times[k]
        known = skip.get(a)
        if known is not None and d > known[0] and known[1] > t:
            lim = known[0]
            while pend and pend[-1][1] < lim:
                key, held = pend.pop()
                skip[key] = (held, t)
            pend.append((a, lim))
            t = known[1]
            k = bisect_right(times, t, k) - 1
            continue
        end = t + d
        i = k
        while True:
            if free[i] < q:
                break
            i += 1
            if i == nt or times[i] >= end:
                break
        if i == nt or times[i] >= end:
            break
        # Segment i lacks capacity: every start in [a, times[i]) fails for windows longer
        # than times[i] - a (they all overlap segment i). The last segment (everything
        # finished) always fits, so times[i + 1] exists.
        lim = times[i] - a
        while pend and pend[-1][1] < lim:
            key, held = pend.pop()
            skip[key] = (held, t)
        pend.append((a, lim))
        k = i + 1
        t = times[k]
    for key, held in pend:
        skip[key] = (held, t)
    return t


def _pool_problem(rng: random.Random, n: int) -> Problem:
    """A large plan-like instance: a few pools, small demands, long and varied durations,
    dependencies to nearby earlier tasks, so that the pools saturate for a long time."""
    caps = tuple(rng.choice((3, 8, 12, 24, 40)) for _ in range(rng.randint(1, 3)))
    durs = tuple(
        rng.choice((0, rng.randint(1, 30), rng.randint(5, 240), rng.randint(1, 9)))
        for _ in range(n)
    )
    preds = []
    for j in range(n):
        k = rng.randint(0, min(j, 4))
        preds.append(tuple(sorted(rng.sample(range(max(0, j - 400), j), k))) if k else ())
    dems = []
    for _ in range(n):
        dem = [0] * len(caps)
        for r in rng.sample(range(len(caps)), rng.choice((1, 1, 1, min(2, len(caps)), len(caps)))):
            dem[r] = rng.randint(1, min(caps[r], rng.choice((3, 3, caps[r]))))
        dems.append(tuple(dem) if rng.random() < 0.95 else (0,) * len(caps))
    return Problem(durs, tuple(preds), tuple(dems), caps)


@pytest.mark.parametrize(("seed", "block"), [(s, 64) for s in range(6)] + [(6, 1), (7, 2)])
def test_pool_sgs_places_as_before(monkeypatch: pytest.MonkeyPatch, seed: int, block: int) -> None:
    """Forward and backward passes, LFT and random orders, on instances from 400 to 6,000
    tasks: the same starts as the previous implementation, with the usual profile blocks
    and with tiny ones (a split, a merge across blocks, an emptied block at every turn)."""
    monkeypatch.setattr(sgs, "_BLOCK", block)
    rng = random.Random(seed)
    n = (400, 1500, 6000)[seed % 3]
    c = compile_problem(_pool_problem(rng, n))
    assert c.n >= sgs._POOL_MIN_TASKS
    lft = c.lft()
    orders = [
        sorted(range(c.n), key=lambda j: (lft[j], c.rank[j])),
        topo_by_keys(c, [rng.random() for _ in range(c.n)]),
    ]
    for order in orders:
        starts, ms = serial_sgs(c, order, c.preds)
        assert (starts, ms) == _old_pool_sgs(c, order, c.preds)
        keys = [-(s + d) * c.n - r for s, d, r in zip(starts, c.dur, c.rank, strict=True)]
        backward = sorted(range(c.n), key=keys.__getitem__)
        assert serial_sgs(c, backward, c.succs) == _old_pool_sgs(c, backward, c.succs)
