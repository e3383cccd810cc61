"""Compiled instances, the serial schedule generation scheme and forward-backward improvement.

Everything here works in integer *time units*: :func:`compile_problem` finds a common
quantum of the durations (1 for integer plans, 1/60 for minutes with seconds, the exact
binary quantum as a last resort), so every sum and comparison below is exact and a task
ending at t frees its units for a task starting at t without any float tolerance.

Resource profile
    The profile is a step function kept as two parallel lists: ``times`` (sorted
    breakpoints, ``times[0] == 0``) and ``free`` (free capacity on
    ``[times[k], times[k+1])``, the last segment running to infinity). Free capacities
    of all resources are *packed* into one Python int: resource r owns a field of
    ``bits`` bits whose top bit is a guard that is always set. Subtracting a packed
    demand borrows from a guard bit exactly when that resource lacks capacity, so
    "does task j fit in this segment" is ``(free - demand) & guard == guard``: one
    big-int operation whatever the number of resources.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol


class ProblemLike(Protocol):
    """The fields of :class:`planner.engine.rcpsp.Problem` used by the compiler."""

    # Read-only properties, so that a frozen dataclass (Problem) matches.
    @property
    def durations(self) -> tuple[float, ...]: ...
    @property
    def predecessors(self) -> tuple[tuple[int, ...], ...]: ...
    @property
    def demands(self) -> tuple[tuple[int, ...], ...]: ...
    @property
    def capacities(self) -> tuple[int, ...]: ...
    @property
    def groups(self) -> tuple[tuple[int, ...], ...]: ...


# Scales tried first because plans are in minutes: halves, tenths, seconds, milliseconds.
_QUICK_SCALES = (2, 4, 10, 60, 100, 120, 1000, 3600, 10_000, 100_000, 1_000_000)


def _near_multiple(v: float, s: int) -> bool:
    x = v * s
    return abs(x - round(x)) <= 1e-9 * max(1.0, abs(x))


def decimal_scale(values: Sequence[float]) -> int | None:
    """Smallest convenient s such that every value is (within float noise) a multiple of 1/s.

    Plans are in minutes, so halves, tenths, seconds and milliseconds are tried first,
    then the LCM of small denominators (thirds, sevenths...). "Float noise" is a relative
    1e-9: ``0.1 * 12`` (1.2000000000000002) counts as 12 tenths. None if there is no such
    quantum up to 10**12.
    """
    for v in values:
        if not math.isfinite(v) or v < 0:
            raise ValueError(f"times must be finite and >= 0, got {v!r}")
    if all(isinstance(v, int) or float(v).is_integer() for v in values):
        return 1
    big = max(values)
    for s in _QUICK_SCALES:
        if big * s < 2**50 and all(_near_multiple(v, s) for v in values):
            return s
    s = 1
    for v in values:
        if _near_multiple(v, s):
            continue
        f = Fraction(v).limit_denominator(1_000_000)
        s = math.lcm(s, f.denominator)
        if s > 10**12 or big * s >= 2**50 or not _near_multiple(v, s):
            return None
    return s


def time_scale(values: Sequence[float]) -> int:
    """Integer s such that the values are handled exactly in units of 1/s.

    :func:`decimal_scale` if there is one; otherwise the binary quantum of the floats
    themselves (a power of two), which is exact for every finite float. In the binary
    case converting results back to floats may round by an ulp.
    """
    s = decimal_scale(values)
    if s is not None:
        return s
    # Fraction(float) has a power-of-two denominator; the largest one divides the others.
    return max(Fraction(v).denominator for v in values)


def to_units(v: float, scale: int) -> int:
    """``v`` in integer units of 1/scale (snapped to the nearest unit)."""
    if scale == 1 and isinstance(v, int):
        return v
    x = v * scale
    if abs(x) < 2**50:
        return round(x)
    return round(Fraction(v) * scale)


@dataclass
class Compiled:
    """A problem in integer units with derived data shared by SGS, bounds and search."""

    n: int
    dur: list[int]
    preds: list[tuple[int, ...]]
    succs: list[tuple[int, ...]]
    demands: list[tuple[int, ...]]
    capacities: tuple[int, ...]
    groups: tuple[tuple[int, ...], ...]
    scale: int
    int_output: bool
    req: list[int]  # packed demand, 0 for tasks that hold nothing (no demand or d == 0)
    uses: list[tuple[tuple[int, int], ...]]  # (resource, units) held; () as for req == 0
    guard: int
    full: int
    topo: list[int]
    rank: list[int]  # position in topo
    head: list[int]  # earliest start (critical path from the source)
    tail: list[int]  # longest path from the task's finish to the project end
    cp: int  # critical path length

    def lft(self) -> list[int]:
        """Latest finish times for the critical-path horizon."""
        return [self.cp - t for t in self.tail]

    def from_units(self, v: int) -> float:
        if self.scale == 1:
            return v if self.int_output else float(v)
        return v / self.scale


def compile_problem(p: ProblemLike) -> Compiled:
    """Validate a problem and translate it to integer units and packed demands."""
    n = len(p.durations)
    if len(p.predecessors) != n or len(p.demands) != n:
        raise ValueError("durations, predecessors and demands must have one entry per task")
    caps = tuple(p.capacities)
    nres = len(caps)
    for c in caps:
        if c < 1:
            raise ValueError("capacities must be >= 1")
    scale = time_scale(p.durations) if n else 1
    dur = [to_units(d, scale) for d in p.durations]
    preds: list[tuple[int, ...]] = []
    succ_l: list[list[int]] = [[] for _ in range(n)]
    for j, pl in enumerate(p.predecessors):
        if not pl:
            preds.append(())
            continue
        # Drop duplicates, keep order (determinism).
        seen = tuple(dict.fromkeys(pl)) if len(pl) > 1 else (pl if type(pl) is tuple else tuple(pl))
        if min(seen) < 0 or max(seen) >= n or j in seen:
            bad = next(i for i in seen if not 0 <= i < n or i == j)
            raise ValueError(f"task {j}: bad predecessor {bad}")
        for i in seen:
            succ_l[i].append(j)
        preds.append(seen)
    succs = [tuple(s) for s in succ_l]
    demands = [q if type(q) is tuple else tuple(q) for q in p.demands]
    # Plans repeat a few demand vectors thousands of times: check and pack each once.
    held_by_demand: dict[tuple[int, ...], tuple[tuple[int, int], ...]] = {}
    for j, q in enumerate(demands):
        if q in held_by_demand:
            continue
        if len(q) != nres:
            raise ValueError(f"task {j}: {len(q)} demands for {nres} resources")
        for r, x in enumerate(q):
            if x < 0 or x > caps[r]:
                raise ValueError(f"task {j}: demand {x} on resource {r} outside 0..{caps[r]}")
        held_by_demand[q] = tuple([(r, x) for r, x in enumerate(q) if x])
    groups = tuple(tuple(g) for g in p.groups)
    for g in groups:
        for j in g:
            if not 0 <= j < n:
                raise ValueError(f"group member {j} is not a task")

    bits = max(caps, default=1).bit_length() + 1
    guard = 0
    full = 0
    for r, c in enumerate(caps):
        top = 1 << (r * bits + bits - 1)
        guard |= top
        full |= top | (c << (r * bits))
    shifts = [r * bits for r in range(nres)]
    packed_by_demand: dict[tuple[int, ...], int] = {}
    for q, held in held_by_demand.items():
        packed = 0
        for r, x in held:
            packed |= x << shifts[r]
        packed_by_demand[q] = packed
    req = [0] * n
    uses: list[tuple[tuple[int, int], ...]] = [()] * n
    for j, q in enumerate(demands):
        if dur[j] > 0:
            held = held_by_demand[q]
            if held:
                req[j] = packed_by_demand[q]
                uses[j] = held

    # Kahn's algorithm, smallest index first among ready tasks: a deterministic order.
    indeg = [len(pl) for pl in preds]
    ready = [j for j in range(n) if indeg[j] == 0]  # ascending, hence already a heap
    topo: list[int] = []
    while ready:
        j = heapq.heappop(ready)
        topo.append(j)
        for s in succs[j]:
            indeg[s] -= 1
            if indeg[s] == 0:
                heapq.heappush(ready, s)
    if len(topo) != n:
        raise ValueError("precedence relations contain a cycle")
    rank = [0] * n
    for k, j in enumerate(topo):
        rank[j] = k
    head, tail, cp = heads_and_tails(topo, preds, succs, dur)
    return Compiled(
        n=n,
        dur=dur,
        preds=preds,
        succs=succs,
        demands=demands,
        capacities=caps,
        groups=groups,
        scale=scale,
        int_output=all(type(d) is int for d in p.durations),
        req=req,
        uses=uses,
        guard=guard,
        full=full,
        topo=topo,
        rank=rank,
        head=head,
        tail=tail,
        cp=cp,
    )


def heads_and_tails(
    topo: Sequence[int],
    preds: Sequence[Sequence[int]],
    succs: Sequence[Sequence[int]],
    dur: Sequence[int],
) -> tuple[list[int], list[int], int]:
    """Each task's head (longest path from the source to its start), tail (longest path
    from its finish to the end) and the critical path's length, for durations ``dur``."""
    head = [0] * len(dur)
    for j in topo:
        h = 0
        for i in preds[j]:
            f = head[i] + dur[i]
            if f > h:
                h = f
        head[j] = h
    tail = [0] * len(dur)
    for j in reversed(topo):
        t = 0
        for s in succs[j]:
            x = dur[s] + tail[s]
            if x > t:
                t = x
        tail[j] = t
    cp = max([h + d for h, d in zip(head, dur, strict=True)], default=0)
    return head, tail, cp


def serial_sgs(
    c: Compiled, order: Sequence[int], preds: Sequence[Sequence[int]]
) -> tuple[list[int], int]:
    """Serial SGS: each task of ``order`` (precedence-feasible) at its earliest feasible start.

    Returns (starts, makespan). The same routine serves the backward pass of FBI with
    successors passed as ``preds``. Problems under ``_POOL_MIN_TASKS`` tasks take one packed
    profile for all resources (:func:`_plain_sgs`); larger ones keep a profile per resource
    with skip pointers (:func:`_pool_sgs`), which only pays off on large congested plans.
    """
    if c.n < _POOL_MIN_TASKS:
        return _plain_sgs(order, c.dur, preds, c.req, c.guard, c.full)
    return _pool_sgs(c, order, preds)


def _pool_sgs(
    c: Compiled, order: Sequence[int], preds: Sequence[Sequence[int]]
) -> tuple[list[int], int]:
    """:func:`serial_sgs` with one profile per resource.

    A task scans only the profiles of the resources it holds, so a task of one pool never
    walks over the breakpoints of the others. A task holding several resources moves its
    candidate start from profile to profile until every one of them accepts the same
    window: each profile answers the earliest start at or after the candidate, so the
    first start they all accept is the earliest feasible one.
    """
    n = c.n
    dur = c.dur
    uses = c.uses
    start = [0] * n
    fin = [0] * n
    ms = 0
    profiles = [_Profile(cap) for cap in c.capacities]
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
            p = profiles[r]
            if t < p.times[-1][-1]:
                t = _window(p, t, d, q)
        else:
            # Round robin until len(held) profiles in a row accept the candidate.
            accepted = 0
            k = 0
            while accepted < len(held):
                r, q = held[k]
                p = profiles[r]
                t2 = _window(p, t, d, q) if t < p.times[-1][-1] else t
                if t2 == t:
                    accepted += 1
                else:
                    t = t2
                    accepted = 1
                k = k + 1 if k + 1 < len(held) else 0
        end = t + d
        for r, q in held:
            _reserve(profiles[r], t, end, q)
        start[j] = t
        fin[j] = end
        if end > ms:
            ms = end
    return start, ms


class _Profile:
    """The free capacity of one resource over time, as a step function kept in blocks.

    ``times[b]`` holds block b's breakpoints (ascending) and ``free[b]`` the free capacity
    on the segment from each to the next breakpoint; read block after block they are the
    whole step function, from time 0 to the last segment (everything finished, full
    capacity) that runs to infinity. ``heads[b] == times[b][0]`` finds a time's block by
    bisection. A block holds at most ``2 * _BLOCK`` breakpoints, so inserting one shifts at
    most that many: in one flat list an insertion shifts every later breakpoint, and on a
    large plan tasks land far from the profile's end (1,200 breakpoints behind it at 10x
    the scale plan), which made each placement's cost grow with the plan.

    ``skips[q]`` are the skip pointers of demand q (see :func:`_skip_scan`).
    """

    __slots__ = ("free", "heads", "skips", "times")

    def __init__(self, capacity: int) -> None:
        self.times: list[list[int]] = [[0]]
        self.free: list[list[int]] = [[capacity]]
        self.heads: list[int] = [0]
        self.skips: dict[int, dict[int, tuple[int, int]]] = {}


def _window(p: _Profile, t: int, d: int, q: int) -> int:
    """Earliest start >= t of a window of length d with q free units in one profile.

    The profile's last segment (everything finished) is at full capacity, so a window
    always exists. Demands that have needed the skip pointers before use them from the
    first busy segment on; the others only once the plain scan has gone far.
    """
    blocks = p.times
    frees = p.free
    b = bisect_right(p.heads, t) - 1
    times = blocks[b]
    free = frees[b]
    i = bisect_right(times, t) - 1
    nt = len(times)
    end = t + d
    skip = p.skips.get(q)
    # The plain scan goes on to segment ``far`` of block b (an index past the block when
    # far away; moved back by a block's length at each block crossed).
    far = i if skip is not None else i + _PLAIN_SCAN
    while True:
        if free[i] < q:
            # Segment i lacks capacity: the earliest candidate is where i ends. The last
            # segment (everything finished) always fits, so a next segment exists.
            i += 1
            if i == nt:
                b += 1
                times = blocks[b]
                free = frees[b]
                far -= nt
                nt = len(times)
                i = 0
            t = times[i]
            end = t + d
            if i > far:
                if skip is None:
                    skip = p.skips[q] = {}
                return _skip_scan(p, b, i, t, d, q, skip)
        else:
            i += 1
            if i == nt:
                b += 1
                if b == len(blocks):
                    return t
                times = blocks[b]
                free = frees[b]
                far -= nt
                nt = len(times)
                i = 0
            if times[i] >= end:
                return t


def _reserve(p: _Profile, t: int, end: int, q: int) -> None:
    """Take q units on [t, end) in one profile; merge equal neighbours (fewer to scan)."""
    blocks = p.times
    frees = p.free
    times = blocks[-1]
    free = frees[-1]
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
        if len(times) > 2 * _BLOCK:
            _split(p, len(blocks) - 1)
        return
    heads = p.heads
    b = bisect_right(heads, t) - 1
    times = blocks[b]
    free = frees[b]
    k = bisect_right(times, t) - 1
    if times[k] != t:
        k += 1
        times.insert(k, t)
        free.insert(k, free[k - 1])
    # Take q from each segment from t on, until the breakpoint at ``end`` (found or made).
    e = b  # the block of the segment being taken from, then of the breakpoint at end
    ts = times
    fs = free
    if end <= times[-1]:
        # The common case: end falls inside the same block.
        i = bisect_left(times, end, k)
        if times[i] != end:
            times.insert(i, end)
            free.insert(i, free[i - 1])
        for m in range(k, i):
            free[m] -= q
    else:
        # end lies past this block's last breakpoint: walk on segment by segment.
        i = k
        nt = len(ts)
        while True:
            before = fs[i]
            fs[i] = before - q
            i += 1
            if i == nt:
                if e + 1 == len(blocks) or heads[e + 1] > end:
                    ts.append(end)
                    fs.append(before)
                    break
                if heads[e + 1] == end:
                    e += 1
                    ts = blocks[e]
                    fs = frees[e]
                    i = 0
                    break
                e += 1
                ts = blocks[e]
                fs = frees[e]
                nt = len(ts)
                i = 0
            elif ts[i] >= end:
                if ts[i] != end:
                    ts.insert(i, end)
                    fs.insert(i, before)
                break
    # Merge the breakpoint at end, then the one at t, into the segment before each when
    # they have the same free capacity (end first: removing it never moves t).
    if (fs[i - 1] if i else frees[e - 1][-1]) == fs[i]:
        del ts[i]
        del fs[i]
        if not i:
            if ts:
                heads[e] = ts[0]
            else:
                del blocks[e], frees[e], heads[e]
    if k:
        if free[k] == free[k - 1]:
            del times[k]
            del free[k]
    elif b and free[0] == frees[b - 1][-1]:
        del times[0]
        del free[0]
        if times:
            heads[b] = times[0]
        else:
            del blocks[b], frees[b], heads[b]
            e -= 1
    # Split what grew too long, the later block first so that the earlier keeps its index.
    if e != b and e < len(blocks) and len(blocks[e]) > 2 * _BLOCK:
        _split(p, e)
    if b < len(blocks) and blocks[b] is times and len(times) > 2 * _BLOCK:
        _split(p, b)


def _split(p: _Profile, b: int) -> None:
    """Cut block b in two halves."""
    times = p.times[b]
    free = p.free[b]
    half = len(times) // 2
    p.times.insert(b + 1, times[half:])
    p.free.insert(b + 1, free[half:])
    p.heads.insert(b + 1, times[half])
    del times[half:]
    del free[half:]


# How far (in segments) a placement scans plainly before it switches to the skip pointers.
_PLAIN_SCAN = 32
# A profile's blocks hold _BLOCK to 2 * _BLOCK breakpoints (see _Profile).
_BLOCK = 64
# Smaller problems (PSPLIB: at most 122 tasks) use the packed profile throughout.
_POOL_MIN_TASKS = 250


def _plain_sgs(
    order: Sequence[int],
    dur: Sequence[int],
    preds: Sequence[Sequence[int]],
    req: Sequence[int],
    guard: int,
    full: int,
) -> tuple[list[int], int]:
    """:func:`serial_sgs` with the plain scan only: cheaper on small problems."""
    n = len(dur)
    start = [0] * n
    fin = [0] * n
    times = [0]
    free = [full]
    nt = 1
    ms = 0
    for j in order:
        es = 0
        for i in preds[j]:
            f = fin[i]
            if f > es:
                es = f
        q = req[j]
        d = dur[j]
        if q == 0:
            # Holds nothing (no demand, or zero duration): starts as soon as precedence allows.
            start[j] = es
            e = es + d
            fin[j] = e
            if e > ms:
                ms = e
            continue
        last = times[-1]
        if es >= last:
            # At or after the last breakpoint everything is free: append, no scan.
            end = es + d
            if es > last:
                times.append(es)
                free.append(full - q)
                nt += 1
            else:
                free[-1] = full - q
            times.append(end)
            free.append(full)
            nt += 1
            start[j] = es
            fin[j] = end
            if end > ms:
                ms = end
            continue
        k = bisect_right(times, es) - 1
        t = es
        end = es + d
        i = k
        while True:
            if (free[i] - q) & guard != guard:
                # Segment i lacks capacity: the earliest candidate is where i ends. The last
                # segment (everything finished) always fits, so times[i + 1] exists.
                i += 1
                t = times[i]
                end = t + d
                k = i
            else:
                i += 1
                if i == nt or times[i] >= end:
                    break
        if times[k] != t:
            k += 1
            times.insert(k, t)
            free.insert(k, free[k - 1])
            i += 1
            nt += 1
        if i == nt or times[i] != end:
            times.insert(i, end)
            free.insert(i, free[i - 1])
            nt += 1
        for m in range(k, i):
            free[m] -= q
        start[j] = t
        fin[j] = end
        if end > ms:
            ms = end
    return start, ms


def _skip_scan(
    p: _Profile,
    b: int,
    k: int,
    t: int,
    d: int,
    q: int,
    skip: dict[int, tuple[int, int]],
) -> int:
    """Earliest window start >= t (inside segment k of block b) for demand q, duration d.

    ``skip`` holds the skip pointers of this demand in this profile: ``skip[a] = (limit,
    b)`` says that no window longer than ``limit`` fits when it starts in [a, b). Free
    capacity only decreases during a pass, so a claim stays true once made; this scan both
    uses and extends them. Claims are about times, not segments: a breakpoint merged away
    later only means that a jump may land inside a segment.

    The scan's steps (claims jumped over, busy segments met) cover [a, t) without a hole,
    each with its own limit. At the end every step's key points to the final start with
    the largest limit from it on (path compression, as in union-find): a later task with a
    longer window crosses the whole stretch in one jump however many steps this one took.
    """
    blocks = p.times
    frees = p.free
    heads = p.heads
    nb = len(blocks)
    times = blocks[b]
    free = frees[b]
    nt = len(times)
    steps: list[tuple[int, int]] = []  # (key, limit) of each step, in order
    while True:
        # Candidate window: start t inside segment k, whose start is a.
        a = times[k]
        known = skip.get(a)
        if known is not None and d > known[0] and known[1] > t:
            steps.append((a, known[0]))
            t = known[1]
            if b + 1 < nb and t >= heads[b + 1]:  # the jump leaves the block
                b = bisect_right(heads, t, b) - 1
                times = blocks[b]
                free = frees[b]
                nt = len(times)
            k = bisect_right(times, t) - 1
            continue
        end = t + d
        i = k
        while True:
            if free[i] < q:
                break
            i += 1
            if i == nt:
                if b + 1 == nb:
                    break
                b += 1
                times = blocks[b]
                free = frees[b]
                nt = len(times)
                i = 0
            if times[i] >= end:
                break
        if i == nt or times[i] >= end:
            break  # the window fits
        # Segment i lacks capacity: every start in [a, times[i]) fails for windows longer
        # than times[i] - a (they all overlap segment i), and every start inside segment i
        # fails. The last segment (everything finished) always fits, so a next one exists.
        steps.append((a, times[i] - a))
        k = i + 1
        if k == nt:
            b += 1
            times = blocks[b]
            free = frees[b]
            nt = len(times)
            k = 0
        t = times[k]
    # Each step's claim holds from its key to where the next step starts (at or before
    # its key), so from any key to t no window longer than the largest limit from there
    # on fits. A key's old claim stays when it reaches as far with a tighter limit.
    top = -1
    for key, lim in reversed(steps):
        if lim > top:
            top = lim
        old = skip.get(key)
        if old is None or old[1] < t or old[0] >= top:
            skip[key] = (top, t)
    return t


def order_by_start(starts: Sequence[int], rank: Sequence[int]) -> list[int]:
    """Activity list sorted by start time; ties by topological rank keep it feasible.

    A successor can share its predecessor's start only if the predecessor has zero
    duration, and then the rank puts the predecessor first.
    """
    n = len(starts)
    keys = [s * n + r for s, r in zip(starts, rank, strict=True)]  # exact int keys: fast sort
    return sorted(range(n), key=keys.__getitem__)


def fbi(
    c: Compiled, starts: list[int], makespan: int, max_rounds: int = 1
) -> tuple[list[int], int, list[int], int]:
    """Forward-backward improvement (double justification, Valls et al. 2005).

    Right-justify every task in order of decreasing finish time, then left-justify in
    order of increasing start of that backward schedule. Neither pass can lengthen the
    schedule. Returns (starts, makespan, activity list, SGS passes used).
    """
    dur = c.dur
    n = c.n
    rank = c.rank
    passes = 0
    order: list[int] = []
    for _ in range(max_rounds):
        # Backward: latest finish first; ties by reverse rank (successor before predecessor).
        keys = [-(s + d) * n - r for s, d, r in zip(starts, dur, rank, strict=True)]
        border = sorted(range(n), key=keys.__getitem__)
        rs, bms = serial_sgs(c, border, c.succs)
        # Mirror: real start = bms - (reverse start + duration).
        bstart = [bms - s - d for s, d in zip(rs, dur, strict=True)]
        order = order_by_start(bstart, rank)
        fs, fms = serial_sgs(c, order, c.preds)
        passes += 2
        improved = fms < makespan
        starts, makespan = fs, fms
        order = order_by_start(starts, rank)
        if not improved:
            break
    if not order:
        order = order_by_start(starts, rank)
    return starts, makespan, order, passes
