"""Minimal cut sets of order <= 2: the smallest sets of components whose joint loss
brings a service down, as in fault-tree analysis.

Two events per service (docs/analysis.md):

- *impacted*: its state under the failure is anything but unaffected, that is, it or
  a service in its dependency closure has a recovery task;
- *restore*: it or a service in its dependency closure needs a restore (a task that no
  failover can spare).

Both are monotone (losing more never helps), and each is the OR over the closure of a
service's *own* event, so the cut sets of a service are the minimal sets among its own
and those of its dependencies. Its own cut sets come from the engine's rule on its
active and standby instances (docs/engine.md): a task when fewer than ``min_instances``
active instances survive; a restore when, in addition, no failover is defined or the
surviving active and standby instances do not reach ``min_instances``. Untested
failovers count as working here; the findings name them separately.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from planner.analysis.components import Components, Pair
from planner.model.graph import dependency_order
from planner.model.plan import Service

Cut = tuple[str, ...]  # component ids, sorted; () when nothing need fail


@dataclass(frozen=True)
class OwnCuts:
    """The cut sets of a service's own task and own restore (not its dependencies')."""

    task: tuple[Cut, ...]
    restore: tuple[Cut, ...]


NO_CUTS = OwnCuts((), ())


def sort_cuts(cuts: Iterable[Cut]) -> tuple[Cut, ...]:
    """Cut sets by size, then ids."""
    return tuple(sorted(cuts, key=lambda c: (len(c), c)))


def minimal(cuts: Iterable[Cut]) -> tuple[Cut, ...]:
    """The minimal sets among ``cuts`` (each of size <= 2), sorted."""
    every = set(cuts)
    if () in every:
        return ((),)
    singles = {c[0] for c in every if len(c) == 1}
    return sort_cuts(c for c in every if len(c) == 1 or singles.isdisjoint(c))


def own_cuts(service: Service, components: Components, order: int) -> OwnCuts:
    """The minimal cut sets (size <= ``order``) of ``service``'s own task and restore."""
    active = list(dict.fromkeys(service.servers))
    standby = list(dict.fromkeys(service.standby_servers))
    if not active and not standby:
        return NO_CUTS
    need = service.min_instances
    n_active, n_standby = len(active), len(standby)
    failover = service.failover_minutes is not None

    def state(lost_active: int, lost_standby: int) -> tuple[bool, bool]:
        up = n_active - lost_active
        if up >= need:
            return False, False
        return True, not (failover and up + n_standby - lost_standby >= need)

    task0, restore0 = state(0, 0)
    if restore0:
        return OwnCuts(((),), ((),))
    hit_a = _hits(active, components)
    hit_b = _hits(standby, components)
    joint_a = _joint_hits(active, components)
    joint_b = _joint_hits(standby, components)
    empty: frozenset[str] = frozenset()
    task_single: set[str] = set()
    restore_single: set[str] = set()
    for c in {**hit_a, **hit_b}:
        t, r = state(len(hit_a.get(c, empty)), len(hit_b.get(c, empty)))
        if t:
            task_single.add(c)
        if r:
            restore_single.add(c)
    task_cuts: list[Cut] = [] if not task0 else [()]
    restore_cuts: list[Cut] = [(c,) for c in restore_single]
    if not task0:
        task_cuts += [(c,) for c in task_single]
    if order >= 2:

        def check(a: str, b: str, joint: bool) -> None:
            lost_a = hit_a.get(a, empty) | hit_a.get(b, empty)
            lost_b = hit_b.get(a, empty) | hit_b.get(b, empty)
            if joint:
                lost_a = lost_a | joint_a.get((a, b), empty)
                lost_b = lost_b | joint_b.get((a, b), empty)
            t, r = state(len(lost_a), len(lost_b))
            if t and not task0 and a not in task_single and b not in task_single:
                task_cuts.append((a, b))
            if r and a not in restore_single and b not in restore_single:
                restore_cuts.append((a, b))

        pairs = set(joint_a).union(joint_b)
        for a, b in sorted(pairs):
            check(a, b, True)
        # Every other pair loses what its two members lose alone: only pairs losing at
        # least the active instances a task needs can matter (restore implies task).
        at_least = n_active - need + 1
        ranked = sorted({**hit_a, **hit_b}, key=lambda c: (-len(hit_a.get(c, empty)), c))
        sizes = [len(hit_a.get(c, empty)) for c in ranked]
        for i, a in enumerate(ranked):
            if sizes[i] + (sizes[i + 1] if i + 1 < len(sizes) else 0) < at_least:
                break
            for j in range(i + 1, len(ranked)):
                if sizes[i] + sizes[j] < at_least:
                    break
                b = ranked[j]
                x, y = (a, b) if a < b else (b, a)
                if (x, y) in pairs:
                    continue
                both_single = x in restore_single or y in restore_single
                if both_single and (task0 or x in task_single or y in task_single):
                    continue
                check(x, y, False)
    return OwnCuts(minimal(task_cuts), minimal(restore_cuts))


def _hits(servers: Sequence[str], components: Components) -> dict[str, frozenset[str]]:
    """Component -> the servers of ``servers`` it takes down alone."""
    found: dict[str, set[str]] = {}
    for s in servers:
        for c in components.killers.get(s, (s,)):
            found.setdefault(c, set()).add(s)
    return {c: frozenset(v) for c, v in found.items()}


def _joint_hits(servers: Sequence[str], components: Components) -> dict[Pair, frozenset[str]]:
    found: dict[Pair, set[str]] = {}
    for s in servers:
        for pair in components.joint.get(s, ()):
            found.setdefault(pair, set()).add(s)
    return {p: frozenset(v) for p, v in found.items()}


@dataclass(frozen=True)
class ServiceCuts:
    """The minimal cut sets of one service's two events, and the order computed.

    ``chains`` gives, for each order-1 restore cut set, the dependency chain from the
    service to the service whose own restore that component forces (the service itself
    when the chain has one element).
    """

    id: str
    order: int
    impacted: tuple[Cut, ...]
    restore: tuple[Cut, ...]
    chains: dict[str, tuple[str, ...]]


def closure_orders(services: Sequence[Service], tiers: Iterable[int], order: int) -> dict[str, int]:
    """The order each service's cut sets are computed to: ``order`` for the services of
    ``tiers`` and everything they depend on (their cut sets are built from those), 1
    for the rest."""
    by_id = {s.id: s for s in services}
    wanted = set(tiers)
    orders = dict.fromkeys(by_id, 1)
    if order < 2:
        return orders
    todo = deque(s.id for s in services if s.tier in wanted)
    while todo:
        sid = todo.popleft()
        if orders[sid] == order:
            continue
        orders[sid] = order
        todo.extend(d for d in by_id[sid].depends_on if d in by_id and orders[d] != order)
    return orders


def service_cuts(
    services: Sequence[Service],
    components: Components,
    orders: Mapping[str, int],
) -> tuple[dict[str, ServiceCuts], dict[str, OwnCuts]]:
    """Every service's cut sets (``orders`` as :func:`closure_orders` gives them), and
    each service's own ones."""
    by_id = {s.id: s for s in services}
    own = {s.id: own_cuts(s, components, orders[s.id]) for s in services}
    impacted: dict[str, tuple[Cut, ...]] = {}
    restore: dict[str, tuple[Cut, ...]] = {}
    for sid in dependency_order(services):
        limit = orders[sid]
        deps = [d for d in dict.fromkeys(by_id[sid].depends_on) if d in by_id]
        mine = own[sid]
        if not deps:
            impacted[sid], restore[sid] = mine.task, mine.restore
            continue
        imp: list[Cut] = list(mine.task)
        res: list[Cut] = list(mine.restore)
        for d in deps:
            imp += [c for c in impacted[d] if len(c) <= limit]
            res += [c for c in restore[d] if len(c) <= limit]
        impacted[sid], restore[sid] = minimal(imp), minimal(res)
    result: dict[str, ServiceCuts] = {}
    for service in services:
        sid = service.id
        singles = [c[0] for c in restore[sid] if len(c) == 1]
        chains = _chains(sid, singles, by_id, own) if singles else {}
        result[sid] = ServiceCuts(sid, orders[sid], impacted[sid], restore[sid], chains)
    return result, own


def _chains(
    start: str,
    singles: Sequence[str],
    by_id: Mapping[str, Service],
    own: Mapping[str, OwnCuts],
) -> dict[str, tuple[str, ...]]:
    """For each component, the shortest dependency chain from ``start`` to a service
    whose own restore it forces (breadth first, dependencies in their listed order)."""
    wanted = set(singles)
    found: dict[str, tuple[str, ...]] = {}
    parent: dict[str, str | None] = {start: None}
    todo = deque([start])
    while todo and wanted:
        sid = todo.popleft()
        hits = wanted.intersection(c[0] for c in own[sid].restore if len(c) == 1)
        if hits:
            path = [sid]
            while (up := parent[path[-1]]) is not None:
                path.append(up)
            chain = tuple(reversed(path))
            for c in hits:
                found[c] = chain
            wanted -= hits
        for d in by_id[sid].depends_on:
            if d in by_id and d not in parent:
                parent[d] = sid
                todo.append(d)
    return {c: found[c] for c in singles if c in found}
