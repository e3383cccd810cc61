"""Genetic search over activity lists with forward-backward improvement.

See docs/engine-scheduler.md for the algorithm and its references. Budgets are counted
in SGS passes ("schedules"), never in seconds, so a run is a pure function of
(problem, objective, budget, seed).
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from planner.engine.sgs import Compiled, fbi, order_by_start, serial_sgs

Key = tuple[int, ...]

# Parameters, tuned on PSPLIB J30/J120 subsets (see docs/engine-scheduler.md).
MUTATION_RATE = 0.02  # per-position probability of swapping two neighbours
SHIFT_RATE = 1.0  # probability of one shift move per child
POP_FACTOR = 0.8  # population ~ POP_FACTOR * sqrt(children in the budget)
FBI_SLACK = 0.02  # justify children within 2 % of the population's worst makespan
STALL = 0.2  # patience: best_at + STALL * budget passes without improvement
INIT_NOISE = (0.05, 0.6)  # range of the LFT perturbation amplitude (fraction of horizon)


@dataclass
class Individual:
    key: Key  # objective tuple, smaller is better
    starts: list[int]
    order: list[int]  # activity list in start order (decodes to this schedule or better)
    ms: int  # makespan


def topo_by_keys(c: Compiled, keys: Sequence[float]) -> list[int]:
    """Precedence-feasible list: repeatedly take the eligible task with the smallest key."""
    preds, succs = c.preds, c.succs
    indeg = [len(p) for p in preds]
    heap = [(keys[j], j) for j in range(c.n) if indeg[j] == 0]
    heapq.heapify(heap)
    out: list[int] = []
    push, pop = heapq.heappush, heapq.heappop
    while heap:
        _, j = pop(heap)
        out.append(j)
        for s in succs[j]:
            indeg[s] -= 1
            if indeg[s] == 0:
                push(heap, (keys[s], s))
    return out


def make_key_fn(c: Compiled, objective: str) -> Callable[[list[int]], Key]:
    """Objective as a tuple compared lexicographically (smaller is better)."""
    dur = c.dur
    groups = [g for g in c.groups]

    def completions(starts: list[int]) -> list[int]:
        return [max((starts[j] + dur[j] for j in g), default=0) for g in groups]

    if objective == "tiers":

        def key(starts: list[int]) -> Key:
            ms = max((s + d for s, d in zip(starts, dur, strict=True)), default=0)
            return (*completions(starts), ms)

    elif groups:

        def key(starts: list[int]) -> Key:
            ms = max((s + d for s, d in zip(starts, dur, strict=True)), default=0)
            return (ms, *completions(starts))

    else:

        def key(starts: list[int]) -> Key:
            return (max((s + d for s, d in zip(starts, dur, strict=True)), default=0),)

    return key


def tier_rank(c: Compiled) -> list[int]:
    """For each task, the most critical group it is (or precedes) a member of.

    Tasks in no group's predecessor closure get ``len(groups)``. Along a precedence arc
    the rank never decreases, so sorting by (tier rank, LFT, topological rank) is a
    feasible activity list that serves group 0 first.
    """
    ng = len(c.groups)
    tr = [ng] * c.n
    for k in range(ng - 1, -1, -1):
        stack = list(c.groups[k])
        seen = set()
        while stack:
            j = stack.pop()
            if j in seen:
                continue
            seen.add(j)
            tr[j] = k
            stack.extend(c.preds[j])
    return tr


class GeneticSearch:
    """Activity-list GA; every child is decoded by the serial SGS and then justified (FBI).

    Lamarckian: the justified schedule's start order replaces the child's list, so the
    population always holds left-justified schedules in start-time order.
    """

    def __init__(
        self,
        c: Compiled,
        objective: str,
        budget: int,
        seed: int,
        target: Key | None,
    ) -> None:
        self.c = c
        self.objective = objective
        self.budget = budget
        self.rng = random.Random(seed)
        self.target = target
        self.key = make_key_fn(c, objective)
        self.passes = 0
        self.best: Individual | None = None
        self.seen: set[int] = set()
        self.best_at = 0
        self.fbi_limit = 1 << 62
        self.patience = int(budget * STALL)
        self.dup_streak = 0
        self.dup_limit = 200

    # -- evaluation -------------------------------------------------------------------
    def done(self) -> bool:
        """Budget spent, optimum proven, or the search has stagnated.

        Stagnation: no improvement during the last ``best_at + budget * stall`` passes
        (the patience grows with the effort and with how late the last improvement
        came), or ``dup_limit`` decodes in a row that only reproduced known schedules
        (small problems whose distinct schedules are exhausted).
        """
        if self.passes >= self.budget:
            return True
        if self.best is None:
            return False
        if self.target is not None and self.best.key <= self.target:
            return True
        if self.passes > 2 * self.best_at + self.patience:
            return True
        return self.dup_streak >= self.dup_limit

    def _offer(self, ind: Individual) -> None:
        if self.best is None or ind.key < self.best.key:
            self.best = ind
            self.best_at = self.passes

    def decode(self, order: list[int], justify: bool = True) -> Individual | None:
        """Serial SGS of ``order``; then FBI when budget allows, keeping the better.

        Returns None when the SGS reproduces a schedule already decoded: its FBI would
        only repeat known work (FBI is deterministic), so those two passes are saved.
        """
        c = self.c
        starts, ms = serial_sgs(c, order, c.preds)
        self.passes += 1
        sig = hash(tuple(starts))
        if sig in self.seen:
            self.dup_streak += 1
            return None
        self.dup_streak = 0
        self.seen.add(sig)
        ind = Individual(self.key(starts), starts, order, ms)
        if (
            justify
            and self.passes + 2 <= self.budget
            and not self._at_target(ind)
            and ms <= self.fbi_limit
        ):
            s2, ms2, o2, used = fbi(c, starts, ms)
            self.passes += used
            k2 = self.key(s2)
            if k2 <= ind.key:
                ind = Individual(k2, s2, o2, ms2)
            else:
                ind.order = order_by_start(starts, c.rank)
        elif self.passes < self.budget:
            ind.order = order_by_start(starts, c.rank)
        # else: the budget is spent, so this list will never be bred from
        self._offer(ind)
        return ind

    def _at_target(self, ind: Individual) -> bool:
        return self.target is not None and ind.key <= self.target

    # -- operators --------------------------------------------------------------------
    def crossover(self, mom: list[int], dad: list[int]) -> list[int]:
        """Two-point crossover of Hartmann (1998); keeps precedence feasibility."""
        n = self.c.n
        q1 = self.rng.randrange(n + 1)
        q2 = self.rng.randrange(n + 1)
        if q1 > q2:
            q1, q2 = q2, q1
        child = mom[:q1]
        used = bytearray(n)
        for j in child:
            used[j] = 1
        if q2 > q1:
            for j in dad:
                if not used[j]:
                    child.append(j)
                    used[j] = 1
                    if len(child) == q2:
                        break
        for j in mom:
            if not used[j]:
                child.append(j)
        return child

    def mutate(self, order: list[int], pm: float) -> None:
        """Swap neighbours with probability pm when they are not precedence-related."""
        preds = self.c.preds
        rnd = self.rng.random
        for i in range(len(order) - 1):
            if rnd() < pm:
                a, b = order[i], order[i + 1]
                if a not in preds[b]:
                    order[i], order[i + 1] = b, a

    def shift(self, order: list[int]) -> None:
        """Move one random task to a random position between its last predecessor and
        its first successor in the list (keeps precedence feasibility)."""
        c = self.c
        n = c.n
        i = self.rng.randrange(n)
        j = order[i]
        lo = 0
        hi = n - 1
        pset = c.preds[j]
        sset = c.succs[j]
        if pset or sset:
            for k in range(i - 1, -1, -1):
                if order[k] in pset:
                    lo = k + 1
                    break
            for k in range(i + 1, n):
                if order[k] in sset:
                    hi = k - 1
                    break
        t = self.rng.randint(lo, hi)
        if t != i:
            del order[i]
            order.insert(t, j)

    # -- main loop --------------------------------------------------------------------
    def run(self, seeds: list[list[int]]) -> Individual:
        c = self.c
        rng = self.rng
        n = c.n
        pop: list[Individual] = []
        for order in seeds:
            if self.done() and self.best is not None:
                return self.best
            ind = self.decode(order)
            if ind is not None:
                pop.append(ind)
        if self.done():
            assert self.best is not None
            return self.best
        size = _pop_size(self.budget, n)
        lft = c.lft()
        base = self._base_priority(lft)
        span = max(1, max(lft, default=1))
        # Initial population: random perturbations of the LFT priority (biased sampling),
        # with a noise amplitude drawn per individual so that some lists stay close to
        # LFT and some are nearly random. Small problems may have fewer distinct
        # schedules than the population size: stop trying after a few rounds.
        attempts = 0
        while len(pop) < size and attempts < 3 * size and not self.done():
            attempts += 1
            noise = rng.uniform(*INIT_NOISE) * span
            keys = [base[j] + noise * rng.random() for j in range(n)]
            ind = self.decode(topo_by_keys(c, keys))
            if ind is not None:
                pop.append(ind)
        pop = self._select(pop, size)
        self.fbi_limit = self._fbi_limit(pop)
        pm = MUTATION_RATE
        while not self.done():
            rng.shuffle(pop)
            children: list[Individual] = []
            # A population of one (tiny problems) mates with itself: crossover is then a
            # no-op and the shift mutation does the work. Every generation decodes at
            # least one child, so the budget always runs down.
            mates = pop if len(pop) > 1 else pop * 2
            for a in range(0, len(mates) - 1, 2):
                mom, dad = mates[a], mates[a + 1]
                for m, d in ((mom, dad), (dad, mom)):
                    if self.done():
                        break
                    child = self.crossover(m.order, d.order)
                    self.mutate(child, pm)
                    if rng.random() < SHIFT_RATE:
                        self.shift(child)
                    ind = self.decode(child)
                    if ind is not None:
                        children.append(ind)
            pop = self._select(pop + children, size)
            self.fbi_limit = self._fbi_limit(pop)
        assert self.best is not None
        return self.best

    @staticmethod
    def _fbi_limit(pop: list[Individual]) -> int:
        """Children longer than this are not worth two justification passes: even
        improved they would rarely enter the population."""
        worst = max(ind.ms for ind in pop)
        return int(worst * (1 + FBI_SLACK))

    def _base_priority(self, lft: list[int]) -> list[float]:
        if self.objective != "tiers" or not self.c.groups:
            return [float(x) for x in lft]
        tr = tier_rank(self.c)
        big = (max(lft, default=0) + 1) * 2
        return [float(tr[j] * big + lft[j]) for j in range(self.c.n)]

    def _select(self, pop: list[Individual], size: int) -> list[Individual]:
        """The best ``size`` distinct schedules (ties by arrival: deterministic)."""
        pop = sorted(pop, key=lambda ind: ind.key)
        out: list[Individual] = []
        seen: set[tuple[int, ...]] = set()
        for ind in pop:
            sig = tuple(ind.starts)
            if sig in seen:
                continue
            seen.add(sig)
            out.append(ind)
            if len(out) == size:
                break
        return out


def _pop_size(budget: int, n: int) -> int:
    """Population size: POP_FACTOR * sqrt(children), e.g. 14 at 1,000 schedules and 32
    at 5,000 (a child costs about three SGS passes with its FBI)."""
    per_child = 3
    children = budget // per_child
    size: int = round((children**0.5) * POP_FACTOR)
    return max(4, min(80, size - size % 2))
