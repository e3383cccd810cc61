"""Cheap, provably valid lower bounds on the optimal makespan (in integer time units).

All bounds are computed on the compiled problem (integer units of 1/scale). Because
every duration is an integer there, some optimal schedule starts every task at an
integer time (left-shift any optimal schedule), so the optimal makespan is an integer
and every real-valued bound below may be rounded *up*.

Bounds used (each valid on its own, the result is their maximum):

* critical path (longest path through durations);
* per resource, the energy bound with heads and tails: every task using resource r with
  head >= a and tail >= b runs inside [a, M - b], so cap_r * (M - a - b) >= their
  energy sum(d_j * q_jr);
* per resource, a disjunctive (one-machine) bound: tasks whose demands pairwise exceed
  the capacity can never overlap, and Jackson's preemptive schedule with heads and
  tails is a lower bound for any one-machine schedule of them.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from planner.engine.sgs import Compiled

_PAIR_LIMIT = 80  # the O(n^2) two-threshold energy bound only on sets this small


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def energy_bound(c: Compiled, tasks: Iterable[int] | None = None) -> int:
    """Energy bound with heads and tails over all resources (see module docstring)."""
    best = 0
    dur, head, tail = c.dur, c.head, c.tail
    pool = range(c.n) if tasks is None else list(tasks)
    per_resource: list[list[tuple[int, int, int]]] = [[] for _ in c.capacities]
    uses = c.uses
    for j in pool:
        for r, q in uses[j]:
            per_resource[r].append((head[j], tail[j], dur[j] * q))
    for items, cap in zip(per_resource, c.capacities, strict=True):
        if not items:
            continue
        # One threshold on heads: tasks with head >= a, the smallest of their tails.
        items.sort(key=lambda x: -x[0])
        e = 0
        mt = None
        for a, b, w in items:
            e += w
            mt = b if mt is None or b < mt else mt
            v = a + _ceil_div(e, cap) + mt
            if v > best:
                best = v
        # One threshold on tails.
        items.sort(key=lambda x: -x[1])
        e = 0
        mh = None
        for a, b, w in items:
            e += w
            mh = a if mh is None or a < mh else mh
            v = mh + _ceil_div(e, cap) + b
            if v > best:
                best = v
        if len(items) <= _PAIR_LIMIT:
            # Both thresholds at once: for each head threshold, sweep tails descending.
            heads = sorted({a for a, _, _ in items})
            by_tail = sorted(items, key=lambda x: -x[1])
            for a0 in heads:
                e = 0
                for a, b, w in by_tail:
                    if a >= a0:
                        e += w
                        v = a0 + _ceil_div(e, cap) + b
                        if v > best:
                            best = v
    return best


def jackson_bound(jobs: list[tuple[int, int, int]]) -> int:
    """Optimal preemptive one-machine makespan with heads and tails (Jackson's rule).

    ``jobs`` are (head, processing time, tail). Serving at each moment the released job
    with the largest tail is optimal for the preemptive relaxation, hence a lower bound
    for the non-preemptive one.
    """
    jobs = sorted(jobs)
    m = len(jobs)
    heap: list[tuple[int, int, int]] = []  # (-tail, index, remaining)
    t = 0
    i = 0
    best = 0
    while i < m or heap:
        if not heap and t < jobs[i][0]:
            t = jobs[i][0]
        while i < m and jobs[i][0] <= t:
            heapq.heappush(heap, (-jobs[i][2], i, jobs[i][1]))
            i += 1
        negq, idx, rem = heapq.heappop(heap)
        nxt = jobs[i][0] if i < m else None
        run = rem if nxt is None else min(rem, nxt - t)
        t += run
        rem -= run
        if rem:
            heapq.heappush(heap, (negq, idx, rem))
        else:
            v = t - negq
            if v > best:
                best = v
    return best


def disjunctive_bound(c: Compiled) -> int:
    """Per resource, Jackson's bound on the largest clique of pairwise-incompatible tasks.

    Sorted by demand (descending), a prefix is pairwise incompatible exactly when its two
    smallest demands already exceed the capacity together.
    """
    best = 0
    for r, cap in enumerate(c.capacities):
        # Demands above half the capacity are pairwise incompatible; after them, the
        # prefix can take at most one more task: the largest smaller demand (lowest index
        # first) if it exceeds the capacity together with the smallest large one.
        big: list[int] = []
        extra = -1
        for j in range(c.n):
            q = c.demands[j][r]
            if q > 0 and c.dur[j] > 0:
                if 2 * q > cap:
                    big.append(j)
                elif extra < 0 or q > c.demands[extra][r]:
                    extra = j
        if not big:
            continue
        if extra >= 0 and min(c.demands[j][r] for j in big) + c.demands[extra][r] > cap:
            big.append(extra)
        if len(big) >= 2:
            v = jackson_bound([(c.head[j], c.dur[j], c.tail[j]) for j in big])
            if v > best:
                best = v
    return best


def makespan_bound(c: Compiled) -> int:
    """Maximum of the critical path, energy and disjunctive bounds (integer units)."""
    return max(c.cp, energy_bound(c), disjunctive_bound(c))


def group_bounds(c: Compiled) -> list[int]:
    """Lower bound on each group's completion time.

    A group completes when its last task finishes, so at least the largest earliest
    finish of its tasks; and every task of its predecessor closure must be done by then,
    which gives an energy bound on the closure (a group ends at its completion, so tails
    are 0). One backward pass finds every closure at once: a task is in a group's closure
    when it is a member or one of its successors is, so its bit mask of groups is its own
    bits or'ed with its successors' masks.
    """
    ng = len(c.groups)
    if not ng:
        return []
    mask = [0] * c.n
    for k, g in enumerate(c.groups):
        bit = 1 << k
        for j in g:
            mask[j] |= bit
    succs = c.succs
    for j in reversed(c.topo):
        m = mask[j]
        for s in succs[j]:
            m |= mask[s]
        mask[j] = m
    nres = len(c.capacities)
    energy = [[0] * nres for _ in range(ng)]
    dur = c.dur
    for j, held in enumerate(c.uses):
        m = mask[j]
        if not m or not held:
            continue
        d = dur[j]
        k = 0
        while m:
            if m & 1:
                row = energy[k]
                for r, q in held:
                    row[r] += d * q
            m >>= 1
            k += 1
    out = []
    head = c.head
    for k, g in enumerate(c.groups):
        if not g:
            out.append(0)
            continue
        cp = max(head[j] + dur[j] for j in g)
        e = max(
            (_ceil_div(w, cap) for w, cap in zip(energy[k], c.capacities, strict=True)),
            default=0,
        )
        out.append(max(cp, e))
    return out
