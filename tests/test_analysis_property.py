"""On small random plans, the analysis agrees with brute force on the engine itself.

Cut sets: every set of at most two components (sites, domains, racks, servers) is
failed for good with :func:`planner.engine.impact.analyse`; a service is *impacted*
when it or a service in its dependency closure gets a task, and needs a *restore* when
one of them gets a restore. The minimal such sets must be exactly the analysis's cut
sets. Blast radius: each single component is failed with :func:`compute` on the whole
plan, and the radius must match it field by field.
"""

from __future__ import annotations

from itertools import combinations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.analysis.blast import BlastRadii, blast_radii
from planner.analysis.components import components_of
from planner.analysis.cutsets import closure_orders, service_cuts
from planner.engine.impact import analyse
from planner.engine.recovery import compute
from planner.model import Plan, Pool, Rack, Server, Service, Site
from planner.model.plan import DataCopy, Domain

DOMAINS = [("pa", "power", "A"), ("pb", "power", "A"), ("pc", "power", None), ("hall", "room", "B")]
RACKS = [("r1", "A"), ("r2", "A"), ("r3", "B")]
SERVERS = [(f"h{i}", RACKS[i % 3][0]) for i in range(6)]


@st.composite
def small_plans(draw: st.DrawFn) -> Plan:
    plan = Plan(name="random analysis")
    plan.sites = [Site("A", "A"), Site("B", "B")]
    plan.domains = [Domain(d, d, kind, site) for d, kind, site in DOMAINS]
    domain_ids = [d for d, _, _ in DOMAINS]
    plan.racks = [
        Rack(
            r, site, r, domains=draw(st.lists(st.sampled_from(domain_ids), max_size=3, unique=True))
        )
        for r, site in RACKS
    ]
    plan.servers = [
        Server(
            h,
            rack,
            h,
            i + 1,
            domains=draw(st.lists(st.sampled_from(domain_ids), max_size=2, unique=True)),
        )
        for i, (h, rack) in enumerate(SERVERS)
    ]
    plan.pools = [Pool("p", "P", draw(st.integers(1, 2)))]
    names = [h for h, _ in SERVERS]
    locations = ["A", "B", *[r for r, _ in RACKS], *names, *domain_ids]
    for i in range(draw(st.integers(1, 6))):
        active = draw(st.lists(st.sampled_from(names), max_size=3, unique=True))
        standby = draw(st.lists(st.sampled_from(names), max_size=2, unique=True))
        placed = len(active) + len(standby)
        plan.services.append(
            Service(
                id=f"s{i}",
                name=f"S{i}",
                tier=draw(st.integers(0, 3)),
                rto_minutes=draw(st.one_of(st.none(), st.integers(0, 120))),
                restore_minutes=draw(st.integers(0, 60)),
                failover_minutes=draw(st.one_of(st.none(), st.integers(0, 30))),
                automatic_failover=draw(st.booleans()),
                servers=active,
                standby_servers=standby,
                min_instances=draw(st.integers(1, max(1, placed))),
                needs={"p": 1} if draw(st.booleans()) else {},
                depends_on=draw(st.lists(st.sampled_from([f"s{j}" for j in range(i)]), unique=True))
                if i
                else [],
                data=[
                    DataCopy(
                        f"c{k}", draw(st.lists(st.sampled_from(locations), min_size=1, max_size=2))
                    )
                    for k in range(draw(st.integers(0, 2)))
                ],
            )
        )
    return plan


def closure(plan: Plan, sid: str) -> set[str]:
    by_id = {s.id: s for s in plan.services}
    seen, todo = {sid}, [sid]
    while todo:
        for d in by_id[todo.pop()].depends_on:
            if d not in seen:
                seen.add(d)
                todo.append(d)
    return seen


def every_component(plan: Plan) -> list[str]:
    return [
        *[s.id for s in plan.sites],
        *[d.id for d in plan.domains],
        *[r.id for r in plan.racks],
        *[s.id for s in plan.servers],
    ]


def brute_force_cuts(plan: Plan) -> dict[str, tuple[set[tuple[str, ...]], set[tuple[str, ...]]]]:
    sets: list[tuple[str, ...]] = [()]
    comps = every_component(plan)
    sets += [(c,) for c in comps]
    sets += [tuple(sorted(p)) for p in combinations(comps, 2)]
    outcome = {f: analyse(plan, f).actions for f in sets}
    found: dict[str, tuple[set[tuple[str, ...]], set[tuple[str, ...]]]] = {}
    for service in plan.services:
        mine = closure(plan, service.id)
        imp = {f for f in sets if any(t in outcome[f] for t in mine)}
        res = {f for f in sets if any(outcome[f].get(t) == "restore" for t in mine)}

        def minimal(cuts: set[tuple[str, ...]]) -> set[tuple[str, ...]]:
            return {c for c in cuts if not any(set(o) < set(c) for o in cuts)}

        found[service.id] = (minimal(imp), minimal(res))
    return found


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_plans())
def test_cut_sets_are_the_brute_force_minimal_sets(plan: Plan) -> None:
    components = components_of(plan)
    cuts, _own = service_cuts(
        plan.services, components, closure_orders(plan.services, (0, 1, 2, 3), 2)
    )
    expected = brute_force_cuts(plan)
    for service in plan.services:
        got = cuts[service.id]
        imp, res = expected[service.id]
        assert set(got.impacted) == imp, service.id
        assert set(got.restore) == res, service.id
        assert list(got.restore) == sorted(got.restore, key=lambda c: (len(c), c))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_plans())
def test_order_one_is_the_singletons_of_order_two(plan: Plan) -> None:
    components = components_of(plan)
    two, _ = service_cuts(plan.services, components, closure_orders(plan.services, (0, 1, 2, 3), 2))
    one, _ = service_cuts(plan.services, components, closure_orders(plan.services, (0, 1, 2, 3), 1))
    for service in plan.services:
        assert one[service.id].restore == tuple(c for c in two[service.id].restore if len(c) <= 1)
        assert one[service.id].impacted == tuple(c for c in two[service.id].impacted if len(c) <= 1)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_plans())
def test_blast_radius_is_the_engine_on_the_whole_plan(plan: Plan) -> None:
    components = components_of(plan)
    _cuts, own = service_cuts(
        plan.services, components, closure_orders(plan.services, (0, 1, 2, 3), 1)
    )
    radii = BlastRadii(plan, components, own)
    by_id = {s.id: s for s in plan.services}
    for radius in blast_radii(radii):
        result = compute(plan, failed=[radius.id], check=False)
        impacted = tuple(r.id for r in result.services if r.state != "unaffected")
        restore = tuple(
            s.id
            for s in plan.services
            if any(result.impact.actions.get(t) == "restore" for t in closure(plan, s.id))
        )
        assert radius.impacted == impacted, radius.id
        assert radius.restore == restore, radius.id
        assert radius.data_lost == result.data_lost, radius.id
        assert radius.recovery_minutes == result.recovery_minutes, radius.id
        assert radius.rto_misses == tuple(r.id for r in result.services if r.meets_rto is False)
        tiers = [by_id[s].tier for s in impacted]
        assert radius.worst_tier == (min(tiers) if tiers else None)
        assert radius.changes_anything == bool(impacted or result.data_lost), radius.id
