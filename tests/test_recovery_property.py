"""On random plans, every schedule keeps precedence and capacity, and the bound holds;
with data copies (failures for good: a copy is destroyed or available), the loss, the RPO
check and the copy a restore uses follow docs/engine.md, "Data"."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.engine.recovery import RecoveryResult, compute
from planner.model import Plan, Pool, Rack, Server, Service, Site
from planner.model.plan import DataCopy

SERVERS = [f"h{i}" for i in range(8)]
LOCATIONS = ["A", "B", "ra", "rb", *SERVERS]


@st.composite
def recovery_plans(draw: st.DrawFn) -> tuple[Plan, list[str]]:
    plan = Plan(name="random")
    plan.sites = [Site("A", "A"), Site("B", "B")]
    plan.racks = [Rack("ra", "A", "ra"), Rack("rb", "B", "rb")]
    plan.servers = [Server(h, "ra" if i < 4 else "rb", h, i % 4 + 1) for i, h in enumerate(SERVERS)]
    pools = draw(st.lists(st.integers(1, 3), max_size=3))
    plan.pools = [Pool(f"p{i}", f"P{i}", cap) for i, cap in enumerate(pools)]
    count = draw(st.integers(1, 12))
    durations = st.one_of(st.integers(0, 120), st.sampled_from([0.5, 7.25, 12.5]))
    for i in range(count):
        active = draw(st.lists(st.sampled_from(SERVERS), max_size=3, unique=True))
        rest = [h for h in SERVERS if h not in active]
        standby = draw(st.lists(st.sampled_from(rest), max_size=2, unique=True)) if rest else []
        needs = {}
        for p, cap in enumerate(pools):
            if draw(st.booleans()):
                needs[f"p{p}"] = draw(st.integers(1, cap))
        deps = (
            draw(st.lists(st.sampled_from([f"s{j}" for j in range(i)]), unique=True)) if i else []
        )
        plan.services.append(
            Service(
                id=f"s{i}",
                name=f"S{i}",
                tier=draw(st.integers(0, 3)),
                rto_minutes=draw(st.one_of(st.none(), st.integers(0, 300))),
                restore_minutes=draw(durations),
                failover_minutes=draw(st.one_of(st.none(), durations)),
                servers=active,
                standby_servers=standby,
                min_instances=draw(st.integers(1, max(1, len(active) + len(standby)))),
                needs=needs,
                depends_on=deps,
                rpo_minutes=draw(st.one_of(st.none(), st.sampled_from([0, 15, 1440]))),
                data=[
                    DataCopy(
                        f"c{k}",
                        draw(st.lists(st.sampled_from(LOCATIONS), min_size=1, max_size=3)),
                        draw(st.sampled_from([0, 5, 60, 1440, 2.5])),
                    )
                    for k in range(draw(st.integers(0, 3)))
                ],
            )
        )
    failed = draw(st.lists(st.sampled_from(LOCATIONS), min_size=1))
    return plan, failed


def check(plan: Plan, result: RecoveryResult) -> None:
    by_id = {s.id: s for s in result.services}
    services = {s.id: s for s in plan.services}
    running = []
    for sid, rec in by_id.items():
        deps_ready = max((by_id[d].recovered for d in services[sid].depends_on), default=0)
        if rec.start is None:
            assert rec.state in ("unaffected", "dependency")
            assert rec.recovered == deps_ready
        else:
            assert rec.start >= deps_ready  # precedence
            service = services[sid]
            length = (
                service.failover_minutes if rec.state == "failover" else service.restore_minutes
            )
            assert abs(rec.finish - rec.start - length) < 1e-9  # type: ignore[operator]
            assert rec.recovered == max(rec.finish, deps_ready)  # type: ignore[type-var]
            if rec.finish > rec.start:  # type: ignore[operator]
                running.append((rec.start, rec.finish, service.needs))
    for start, _, _ in running:  # capacity at every moment a task starts
        for pool in plan.pools:
            held = sum(n.get(pool.id, 0) for s, f, n in running if s <= start < f)
            assert held <= pool.capacity
    assert result.recovery_minutes == max((r.recovered for r in result.services), default=0)
    assert result.lower_bound_minutes <= result.recovery_minutes
    check_data(plan, result)


def check_data(plan: Plan, result: RecoveryResult) -> None:
    """Failures without returns are for good: a copy is destroyed when every location is
    lost (a server through its rack and site), else available, and no restore waits."""
    failed = set(result.failed)
    lost_racks = {r.id for r in plan.racks if r.id in failed or r.site in failed}
    lost = failed | lost_racks | {s.id for s in plan.servers if s.rack in lost_racks}
    for service in plan.services:
        rec = result.service(service.id)
        assert rec is not None
        gone = [set(c.on) <= lost for c in service.data]
        assert [(c.id, c.state, c.until) for c in rec.copies] == [
            (c.id, "destroyed" if g else "available", None)
            for c, g in zip(service.data, gone, strict=True)
        ]
        kept = [c for c, g in zip(service.data, gone, strict=True) if not g]
        assert rec.data_lost == bool(service.data and not kept)
        assert rec.data_loss_minutes == (min(c.lag_minutes for c in kept) if kept else None)
        if service.rpo_minutes is None or not service.data:
            assert rec.meets_rpo is None
        else:
            assert rec.meets_rpo == bool(kept and rec.data_loss_minutes <= service.rpo_minutes)  # type: ignore[operator]
        if rec.start is not None:
            assert rec.earliest_start == 0  # nothing comes back: no restore waits
        if rec.state == "restore" and kept:
            best = min(kept, key=lambda c: c.lag_minutes)  # min keeps the first of ties
            assert rec.restore_from == best.id
        else:
            assert rec.restore_from is None
    assert list(result.data_lost) == [s.id for s in result.services if s.data_lost]
    assert list(result.rpo_misses) == [s.id for s in result.services if s.meets_rpo is False]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(recovery_plans(), st.sampled_from(["time", "tiers"]))
def test_schedules_keep_precedence_capacity_and_bound(
    case: tuple[Plan, list[str]], objective: str
) -> None:
    plan, failed = case
    result = compute(plan, failed=failed, objective=objective)  # type: ignore[arg-type]
    check(plan, result)
    again = compute(plan, failed=failed, objective=objective)  # type: ignore[arg-type]
    assert again == result  # deterministic
