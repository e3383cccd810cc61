"""Hostile input, family "nasty semantics": well-formed plans that mean nonsense.

Dependency cycles (up to 1,000 services) and self-dependencies, references to nothing,
servers sharing units (up to 10,000 in one unit), 20,000 servers under one id, durations
of 1e308, zero and negative capacities, empty names and blank ids in every kind. Each is
saved by DR Planner itself (as JSON, and as .drplan where it can be) and run through
every reading command: exit 0 or 2, a bounded number of lines, quickly, the file unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from planner.model import Plan, Rack, Scenario, Server, Service
from planner.storage import plan_to_json, save_plan
from tests.hostile.commands import run_every_reader, sample_plan

Break = Callable[[Plan], None]


@dataclass(frozen=True)
class Case:
    id: str
    change: Break
    formats: tuple[str, ...] = ("json", "drplan")
    invalid: bool = True  # validate must exit 2


def _service(plan: Plan, service_id: str) -> Service:
    return next(s for s in plan.services if s.id == service_id)


def _chain(count: int, cycle: bool) -> Break:
    def change(plan: Plan) -> None:
        plan.services += [
            Service(
                f"c{i}",
                f"chain {i}",
                restore_minutes=5,
                servers=["s1"],
                depends_on=[f"c{(i + 1) % count}"] if cycle or i + 1 < count else [],
            )
            for i in range(count)
        ]

    return change


def _crowd(count: int, same_id: bool = False, positions: int = 1) -> Break:
    def change(plan: Plan) -> None:
        plan.servers += [
            Server("dup" if same_id else f"x{i}", "r1", "crowd", position=1 + i % positions)
            for i in range(count)
        ]

    return change


def _set(get: Callable[[Plan], object], field: str, value: object) -> Break:
    return lambda plan: setattr(get(plan), field, value)


def _cycles() -> list[Case]:
    return [
        Case("self-dependency", _set(lambda p: _service(p, "db"), "depends_on", ["db"])),
        Case("two-cycle", _set(lambda p: _service(p, "db"), "depends_on", ["web"])),
        Case("cycle-of-3", _chain(3, cycle=True)),
        Case("cycle-of-1000", _chain(1000, cycle=True)),
        Case(
            "two-cycles",
            lambda p: (_chain(4, cycle=True)(p), _service(p, "db").depends_on.append("db")),
        ),
    ]


def _dangling() -> list[Case]:
    return [
        Case("rack-in-no-site", _set(lambda p: p.racks[0], "site", "atlantis")),
        Case("server-in-no-rack", _set(lambda p: p.servers[0], "rack", "nowhere")),
        Case("service-on-no-server", _set(lambda p: _service(p, "db"), "servers", ["ghost"])),
        Case("standby-unknown", _set(lambda p: _service(p, "db"), "standby_servers", ["ghost"])),
        Case("needs-unknown-pool", _set(lambda p: _service(p, "db"), "needs", {"gpu": 1})),
        Case("depends-on-unknown", _set(lambda p: _service(p, "web"), "depends_on", ["nosvc"])),
        Case("scenario-fails-unknown", _set(lambda p: p.scenarios[0], "failed", ["atlantis"])),
        Case(
            "everything-dangles",
            lambda p: (
                setattr(p, "sites", []),
                setattr(p, "pools", []),
                setattr(p, "servers", []),
            ),
        ),
        Case(
            "20000-unknown-servers",
            _set(lambda p: _service(p, "db"), "servers", [f"ghost{i}" for i in range(20_000)]),
            formats=("json",),
        ),
    ]


def _units() -> list[Case]:
    return [
        Case("two-in-one-unit", _set(lambda p: p.servers[1], "position", 2)),
        Case("below-the-rack", _set(lambda p: p.servers[1], "position", 0)),
        Case("above-the-rack", _set(lambda p: p.servers[1], "position", 43)),
        Case("height-zero", _set(lambda p: p.servers[1], "height", 0)),
        Case("height-negative", _set(lambda p: p.servers[1], "height", -5)),
        Case("rack-of-zero-units", _set(lambda p: p.racks[0], "units", 0)),
        Case("3000-in-one-unit", _crowd(3_000)),
        Case("10000-in-one-unit", _crowd(10_000), formats=("json",)),
        Case("20000-same-id", _crowd(20_000, same_id=True, positions=40), formats=("json",)),
        Case(
            "10000-ids-twice",
            lambda p: p.servers.extend(
                Server(f"d{i // 2}", "r2", "twice", position=1 + i % 20) for i in range(20_000)
            ),
            formats=("json",),
        ),
    ]


def _numbers() -> list[Case]:
    return [
        Case("restore-1e308", _set(lambda p: _service(p, "db"), "restore_minutes", 1e308)),
        Case(
            "chained-1e308",
            lambda p: (
                _set(lambda q: _service(q, "db"), "restore_minutes", 1e308)(p),
                _set(lambda q: _service(q, "db"), "failover_minutes", None)(p),
                _set(lambda q: _service(q, "web"), "restore_minutes", 1e308)(p),
            ),
        ),
        Case("rto-negative", _set(lambda p: _service(p, "db"), "rto_minutes", -1)),
        Case("restore-negative", _set(lambda p: _service(p, "web"), "restore_minutes", -0.5)),
        Case(
            "restore-ten-years",
            _set(lambda p: _service(p, "web"), "restore_minutes", 5_256_000),
            invalid=False,
        ),
        Case(
            "10000-chain-of-ten-years",
            lambda p: (
                _chain(10_000, cycle=False)(p),
                [setattr(s, "restore_minutes", 5_256_000) for s in p.services],
            ),
            formats=("json",),
            invalid=False,
        ),
        Case("capacity-zero", _set(lambda p: p.pools[0], "capacity", 0)),
        Case("capacity-negative", _set(lambda p: p.pools[0], "capacity", -3)),
        Case("needs-zero", _set(lambda p: _service(p, "db"), "needs", {"crew": 0})),
        Case("needs-beyond-capacity", _set(lambda p: _service(p, "db"), "needs", {"crew": 99})),
        Case("min-instances-zero", _set(lambda p: _service(p, "db"), "min_instances", 0)),
        Case("min-instances-huge", _set(lambda p: _service(p, "db"), "min_instances", 999_999)),
        Case("tier-9", _set(lambda p: _service(p, "db"), "tier", 9)),
        Case("tier-negative", _set(lambda p: _service(p, "db"), "tier", -1)),
    ]


_KINDS = ("sites", "domains", "racks", "servers", "pools", "services", "scenarios")


def _names_and_ids() -> list[Case]:
    cases = []
    for kind in _KINDS:
        cases.append(
            Case(
                f"{kind}-empty-name",
                lambda p, k=kind: setattr(getattr(p, k)[0], "name", ""),
                invalid=False,
            )
        )
        cases.append(
            Case(f"{kind}-duplicate-id", lambda p, k=kind: getattr(p, k).append(getattr(p, k)[0]))
        )
        cases.append(
            Case(f"{kind}-blank-id", lambda p, k=kind: setattr(getattr(p, k)[0], "id", " "))
        )
    cases += [
        Case("plan-empty-name", _set(lambda p: p, "name", ""), invalid=False),
        Case("rack-id-is-a-site-id", lambda p: p.racks.append(Rack("pangyo", "gasan", "clash"))),
        Case("empty-plan", lambda p: [getattr(p, k).clear() for k in _KINDS], invalid=False),
        Case(
            "control-characters-in-ids",
            lambda p: p.scenarios.append(Scenario("\x1b[2J\r\n\u202e", "x", ["\x00nul"])),
        ),
    ]
    return cases


CASES: list[Case] = [*_cycles(), *_dangling(), *_units(), *_numbers(), *_names_and_ids()]


def _save(plan: Plan, path: Path) -> None:
    if path.suffix == ".json":
        # Written as text so that values the reader refuses (1e308, a blank id) get in.
        path.write_text(json.dumps(json.loads(plan_to_json(plan))), encoding="utf-8")
    else:
        save_plan(plan, path)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_nasty_semantics(tmp_path: Path, case: Case) -> None:
    plan = sample_plan()
    case.change(plan)
    for suffix in case.formats:
        path = tmp_path / f"plan.{suffix}"
        _save(plan, path)
        outcomes = run_every_reader(path, tmp_path / f"out-{suffix}")
        validate = outcomes[0]
        assert validate.code == (2 if case.invalid else 0), validate.err[-2000:]
        assert len(validate.err.splitlines()) <= 40
