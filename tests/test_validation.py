"""Every validation rule, each with a plan that breaks it and the exact message it gives."""

from __future__ import annotations

import copy
import json
import math
import random
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.scale_plan import scale_plan
from planner.cli.main import main
from planner.model import Plan, Pool, Rack, Scenario, Server, Service, Site, validate
from planner.model.edits import (
    ITEM_KINDS,
    PLAN_ID,
    AddItem,
    Change,
    Composite,
    Edit,
    EditRefused,
    PlaceServers,
    RemoveItem,
    RenameId,
    Rewrite,
    SetFields,
    add_dependency,
    delete_items,
)
from planner.model.incremental import CHECKED_FIELDS, IncrementalValidator, PendingChange
from planner.model.plan import COPY_KINDS, MAX_COUNT, MAX_MINUTES, DataCopy, Domain
from planner.model.validate import dependency_cycles
from planner.storage import plan_from_json, plan_to_json, save_plan
from tests import validate_oracle
from tests.strategies import plans
from tests.test_edits import draw_edit, small_plans


def base_plan() -> Plan:
    """A valid plan: two sites, two power feeds and a room, two racks, four servers, a
    pool, three services."""
    return Plan(
        name="Pangyo",
        sites=[Site("pangyo", "Pangyo IDC"), Site("gasan", "Gasan IDC")],
        domains=[
            Domain("feed-a", "Feed A", "power", site="pangyo"),
            Domain("feed-b", "Feed B", "power", site="pangyo"),
            Domain("room", "Room 3", "room"),
        ],
        racks=[
            Rack("r1", "pangyo", "Rack 1", domains=["feed-a", "feed-b"]),
            Rack("r2", "gasan", "Rack 2", units=20),
        ],
        servers=[
            Server("s1", "r1", "db-1", position=1, height=2, domains=["room"]),
            Server("s2", "r1", "web-1", position=3),
            Server("s3", "r2", "db-2", position=1, height=2),
            Server("s4", "r2", "web-2", position=20),
        ],
        pools=[Pool("vm", "VM pool", capacity=8)],
        services=[
            Service(
                "db",
                "Database",
                tier=0,
                rto_minutes=60,
                restore_minutes=30,
                failover_minutes=5,
                failover_needs={},
                automatic_failover=True,
                restart_minutes=20,
                restart_needs={"vm": 1},
                rpo_minutes=15,
                data=[
                    DataCopy("primary", ["s1"]),
                    DataCopy("replica", ["s3", "gasan"], lag_minutes=1, kind="replica"),
                    DataCopy("tape", ["room"], lag_minutes=1440, kind="backup"),
                ],
                failover_tested_on=date(2026, 3, 1),
                servers=["s1"],
                standby_servers=["s3"],
                needs={"vm": 2},
            ),
            Service(
                "web",
                "Web",
                tier=1,
                restore_minutes=12.5,
                servers=["s2", "s4"],
                min_instances=2,
                needs={"vm": 8},
                depends_on=["db"],
            ),
            Service("batch", "Batch", tier=3, depends_on=["web", "db"]),
        ],
        scenarios=[
            Scenario("fire", "Fire in Pangyo", failed=["pangyo"]),
            Scenario("rack", "Rack and server", failed=["r2", "s2"]),
            Scenario(
                "power",
                "Both feeds",
                failed=["feed-a", "feed-b", "room"],
                returns={"feed-a": 1380, "room": 0},
                declared_after_minutes=40,
            ),
        ],
    )


def test_the_base_plan_is_valid() -> None:
    assert validate(base_plan()) == []


def _service(plan: Plan, service_id: str) -> Service:
    service = plan.service(service_id)
    assert service is not None
    return service


def _server(plan: Plan, server_id: str) -> Server:
    server = plan.server(server_id)
    assert server is not None
    return server


def dup_service(p: Plan) -> None:
    p.services.append(Service("web", "Second web"))


def dup_site_server(p: Plan) -> None:
    p.servers.append(Server("pangyo", "r2", "named like the site", position=5))


def dup_rack_server(p: Plan) -> None:
    p.servers.append(Server("r1", "r2", "named like the rack", position=5))


def dup_pool(p: Plan) -> None:
    p.pools.append(Pool("vm", "again", capacity=8))


def dup_scenario(p: Plan) -> None:
    p.scenarios.append(Scenario("fire", "again", failed=["gasan"]))


def three_times(p: Plan) -> None:
    p.sites += [Site("gasan", "copy"), Site("gasan", "copy")]


def rack_site(p: Plan) -> None:
    p.racks.append(Rack("r9", "nowhere", "Rack 9"))


def rack_units(p: Plan) -> None:
    p.racks.append(Rack("r0", "gasan", "empty rack", units=0))


def server_rack(p: Plan) -> None:
    _server(p, "s2").rack = "r404"


def server_height(p: Plan) -> None:
    _server(p, "s2").height = 0


def server_above(p: Plan) -> None:
    _server(p, "s4").height = 2  # units 20-21 in a 20-unit rack


def server_below(p: Plan) -> None:
    _server(p, "s2").position = 0


def server_overlap(p: Plan) -> None:
    _server(p, "s2").position = 2  # s1 holds units 1-2


def server_inside(p: Plan) -> None:
    p.servers.append(Server("s5", "r2", "inside", position=2))  # s3 holds units 1-2


def pool_capacity(p: Plan) -> None:
    p.pools.append(Pool("gpu", "GPU pool", capacity=0))


def tier_high(p: Plan) -> None:
    _service(p, "db").tier = 4


def tier_low(p: Plan) -> None:
    _service(p, "batch").tier = -1


def rto_negative(p: Plan) -> None:
    _service(p, "db").rto_minutes = -1


def restore_negative(p: Plan) -> None:
    _service(p, "web").restore_minutes = -0.5


def failover_negative(p: Plan) -> None:
    _service(p, "db").failover_minutes = -3


def restore_infinite(p: Plan) -> None:
    _service(p, "db").restore_minutes = float("inf")


def unknown_server(p: Plan) -> None:
    _service(p, "db").servers.append("ghost")


def unknown_standby(p: Plan) -> None:
    _service(p, "db").standby_servers.append("phantom")


def repeated_server(p: Plan) -> None:
    _service(p, "web").servers.append("s2")


def repeated_standby(p: Plan) -> None:
    _service(p, "db").standby_servers.append("s3")


def both_roles(p: Plan) -> None:
    _service(p, "db").standby_servers.append("s1")


def unknown_dependency(p: Plan) -> None:
    _service(p, "web").depends_on.append("nosvc")


def repeated_dependency(p: Plan) -> None:
    _service(p, "batch").depends_on.append("db")


def min_instances_zero(p: Plan) -> None:
    _service(p, "db").min_instances = 0


def min_instances_high(p: Plan) -> None:
    _service(p, "web").min_instances = 3


def needs_unknown_pool(p: Plan) -> None:
    _service(p, "db").needs["gpu"] = 1


def needs_zero(p: Plan) -> None:
    _service(p, "db").needs["vm"] = 0


def needs_too_many(p: Plan) -> None:
    _service(p, "web").needs["vm"] = 9


def scenario_unknown(p: Plan) -> None:
    p.scenarios[1].failed.append("atlantis")


def dup_domain_rack(p: Plan) -> None:
    p.domains.append(Domain("r2", "named like the rack", "power"))


def dup_domain_site(p: Plan) -> None:
    p.sites.append(Site("room", "named like the room"))


def domain_kind_blank(p: Plan) -> None:
    p.domains[2].kind = "  "


def domain_site(p: Plan) -> None:
    p.domains[0].site = "seoul"


def rack_domain(p: Plan) -> None:
    p.racks[1].domains = ["feed-c"]


def server_domain(p: Plan) -> None:
    _server(p, "s4").domains = ["room", "r1"]  # a rack is not a domain


def server_domain_unknown_rack(p: Plan) -> None:
    _server(p, "s4").rack = "r404"
    _server(p, "s4").domains = ["nowhere"]


def restart_negative(p: Plan) -> None:
    _service(p, "web").restart_minutes = -1


def restart_nan(p: Plan) -> None:
    _service(p, "web").restart_minutes = float("nan")


def failover_needs_unknown_pool(p: Plan) -> None:
    _service(p, "db").failover_needs = {"gpu": 1}


def failover_needs_too_many(p: Plan) -> None:
    _service(p, "web").failover_needs = {"vm": 9}


def restart_needs_zero(p: Plan) -> None:
    _service(p, "db").restart_needs = {"vm": 0}


def scenario_fails_domain_unknown(p: Plan) -> None:
    p.scenarios[2].failed.append("feed-z")


def returns_not_failed(p: Plan) -> None:
    p.scenarios[2].returns["s2"] = 60


def returns_negative(p: Plan) -> None:
    p.scenarios[2].returns["feed-a"] = -5


def returns_infinite(p: Plan) -> None:
    p.scenarios[2].returns["room"] = float("inf")


def returns_too_long(p: Plan) -> None:
    p.scenarios[2].returns["room"] = MAX_MINUTES + 1


def declared_negative(p: Plan) -> None:
    p.scenarios[0].declared_after_minutes = -40


def declared_nan(p: Plan) -> None:
    p.scenarios[0].declared_after_minutes = float("nan")


def cycle_three(p: Plan) -> None:
    _service(p, "db").depends_on.append("batch")  # batch -> web -> db -> batch


def cycle_self(p: Plan) -> None:
    _service(p, "db").depends_on.append("db")


def cycle_two(p: Plan) -> None:
    p.services += [
        Service("a", "A", depends_on=["b"]),
        Service("b", "B", depends_on=["a"]),
    ]


def copy_unknown(p: Plan) -> None:
    _service(p, "db").data[2].on = ["room", "nowhere"]


def copy_on_nothing(p: Plan) -> None:
    _service(p, "db").data[2].on = []


def copy_lag_negative(p: Plan) -> None:
    _service(p, "db").data[2].lag_minutes = -5


def copy_lag_nan(p: Plan) -> None:
    _service(p, "db").data[1].lag_minutes = math.nan


def copy_lag_too_large(p: Plan) -> None:
    _service(p, "db").data[2].lag_minutes = MAX_MINUTES + 1


def copy_lag_infinite(p: Plan) -> None:
    _service(p, "db").data[2].lag_minutes = math.inf


def copy_duplicate(p: Plan) -> None:
    _service(p, "db").data[1].id = "primary"


def copy_blank_id(p: Plan) -> None:
    _service(p, "db").data[1].id = " "


def copy_kind(p: Plan) -> None:
    _service(p, "db").data[2].kind = "tape"  # type: ignore[assignment]


def copy_several(p: Plan) -> None:
    p.services[1].data = [DataCopy("c", [], lag_minutes=-1, kind="disk")]  # type: ignore[arg-type]


def rpo_negative(p: Plan) -> None:
    _service(p, "db").rpo_minutes = -15


def last_test_datetime(p: Plan) -> None:
    _service(p, "db").failover_tested_on = datetime(2026, 3, 1, 12)


def last_test_text(p: Plan) -> None:
    _service(p, "web").failover_tested_on = "2026-03-01"  # type: ignore[assignment]


def as_of_text(p: Plan) -> None:
    p.scenarios[0].as_of = "today"  # type: ignore[assignment]


def max_age_negative(p: Plan) -> None:
    p.failover_test_max_age_days = -1


def max_age_float(p: Plan) -> None:
    p.failover_test_max_age_days = 1.5  # type: ignore[assignment]


def max_age_huge(p: Plan) -> None:
    p.failover_test_max_age_days = MAX_COUNT + 1


CASES: list[tuple[Callable[[Plan], None], list[str]]] = [
    (dup_service, ["service 'web': id: duplicate id, 2 times"]),
    (dup_site_server, ["site 'pangyo': id: duplicate id, 2 times (used by server and site)"]),
    (dup_rack_server, ["rack 'r1': id: duplicate id, 2 times (used by rack and server)"]),
    (dup_pool, ["pool 'vm': id: duplicate id, 2 times"]),
    (dup_scenario, ["scenario 'fire': id: duplicate id, 2 times"]),
    (three_times, ["site 'gasan': id: duplicate id, 3 times"]),
    (rack_site, ["rack 'r9': site: unknown site 'nowhere'"]),
    (rack_units, ["rack 'r0': units: must be >= 1, got 0"]),
    (server_rack, ["server 's2': rack: unknown rack 'r404'"]),
    (server_height, ["server 's2': height: must be >= 1, got 0"]),
    (
        server_above,
        ["server 's4': position: units 20-21 lie outside rack 'r2' (units 1-20)"],
    ),
    (
        server_below,
        ["server 's2': position: units 0-0 lie outside rack 'r1' (units 1-42)"],
    ),
    (
        server_overlap,
        ["server 's2': position: overlaps server 's1' in rack 'r1' (units 2-2)"],
    ),
    (
        server_inside,
        ["server 's5': position: overlaps server 's3' in rack 'r2' (units 2-2)"],
    ),
    (pool_capacity, ["pool 'gpu': capacity: must be >= 1, got 0"]),
    (tier_high, ["service 'db': tier: must be 0, 1, 2 or 3, got 4"]),
    (tier_low, ["service 'batch': tier: must be 0, 1, 2 or 3, got -1"]),
    (rto_negative, ["service 'db': rto_minutes: must be a number >= 0, got -1"]),
    (restore_negative, ["service 'web': restore_minutes: must be a number >= 0, got -0.5"]),
    (failover_negative, ["service 'db': failover_minutes: must be a number >= 0, got -3"]),
    (restore_infinite, ["service 'db': restore_minutes: must be a number >= 0, got inf"]),
    (unknown_server, ["service 'db': servers: unknown server 'ghost'"]),
    (unknown_standby, ["service 'db': standby_servers: unknown server 'phantom'"]),
    (repeated_server, ["service 'web': servers: 's2' is listed 2 times"]),
    (repeated_standby, ["service 'db': standby_servers: 's3' is listed 2 times"]),
    (both_roles, ["service 'db': standby_servers: server 's1' is both active and standby"]),
    (unknown_dependency, ["service 'web': depends_on: unknown service 'nosvc'"]),
    (repeated_dependency, ["service 'batch': depends_on: 'db' is listed 2 times"]),
    (min_instances_zero, ["service 'db': min_instances: must be >= 1, got 0"]),
    (
        min_instances_high,
        ["service 'web': min_instances: 3 is more than its 2 active and standby instances"],
    ),
    (needs_unknown_pool, ["service 'db': needs: unknown pool 'gpu'"]),
    (needs_zero, ["service 'db': needs: 0 units of 'vm': must be >= 1"]),
    (needs_too_many, ["service 'web': needs: 9 units of pool 'vm', which has only 8"]),
    (
        scenario_unknown,
        ["scenario 'rack': failed: unknown site, rack, server or domain 'atlantis'"],
    ),
    (dup_domain_rack, ["domain 'r2': id: duplicate id, 2 times (used by domain and rack)"]),
    (dup_domain_site, ["site 'room': id: duplicate id, 2 times (used by domain and site)"]),
    (
        domain_kind_blank,
        [
            "domain 'room': kind: is blank: name what fails together, e.g. power, ups, room, "
            "network, cooling"
        ],
    ),
    (domain_site, ["domain 'feed-a': site: unknown site 'seoul'"]),
    (rack_domain, ["rack 'r2': domains: unknown failure domain 'feed-c'"]),
    (server_domain, ["server 's4': domains: unknown failure domain 'r1'"]),
    (
        server_domain_unknown_rack,
        [
            "server 's4': rack: unknown rack 'r404'",
            "server 's4': domains: unknown failure domain 'nowhere'",
        ],
    ),
    (restart_negative, ["service 'web': restart_minutes: must be a number >= 0, got -1"]),
    (restart_nan, ["service 'web': restart_minutes: must be a number >= 0, got nan"]),
    (failover_needs_unknown_pool, ["service 'db': failover_needs: unknown pool 'gpu'"]),
    (
        failover_needs_too_many,
        ["service 'web': failover_needs: 9 units of pool 'vm', which has only 8"],
    ),
    (restart_needs_zero, ["service 'db': restart_needs: 0 units of 'vm': must be >= 1"]),
    (
        scenario_fails_domain_unknown,
        ["scenario 'power': failed: unknown site, rack, server or domain 'feed-z'"],
    ),
    (
        returns_not_failed,
        ["scenario 'power': returns: 's2' is not one of this scenario's failed items"],
    ),
    (returns_negative, ["scenario 'power': returns: 'feed-a': must be a number >= 0, got -5"]),
    (returns_infinite, ["scenario 'power': returns: 'room': must be a number >= 0, got inf"]),
    (
        returns_too_long,
        [
            "scenario 'power': returns: 'room': must be at most 5,256,000 (ten years in "
            "minutes), got 5.256e+06"
        ],
    ),
    (
        declared_negative,
        ["scenario 'fire': declared_after_minutes: must be a number >= 0, got -40"],
    ),
    (declared_nan, ["scenario 'fire': declared_after_minutes: must be a number >= 0, got nan"]),
    (
        copy_unknown,
        ["service 'db': data: copy 'tape': unknown site, rack, server or domain 'nowhere'"],
    ),
    (
        copy_on_nothing,
        [
            "service 'db': data: copy 'tape': is on no location: name the servers, racks, "
            "sites or failure domains holding it"
        ],
    ),
    (
        copy_lag_negative,
        ["service 'db': data: copy 'tape': lag_minutes must be a number >= 0, got -5"],
    ),
    (
        copy_lag_nan,
        ["service 'db': data: copy 'replica': lag_minutes must be a number >= 0, got nan"],
    ),
    (
        copy_lag_too_large,
        [
            "service 'db': data: copy 'tape': lag_minutes must be at most 5,256,000 (ten years "
            "in minutes), got 5.256e+06"
        ],
    ),
    (
        copy_lag_infinite,
        ["service 'db': data: copy 'tape': lag_minutes must be a number >= 0, got inf"],
    ),
    (
        copy_duplicate,
        ["service 'db': data: copy 'primary' is listed 2 times: each copy needs its own id"],
    ),
    (copy_blank_id, ["service 'db': data: copy #2: the id is blank"]),
    (
        copy_kind,
        [
            "service 'db': data: copy 'tape': kind must be one of primary, replica, backup, "
            "offline, got 'tape'"
        ],
    ),
    (
        copy_several,
        [
            "service 'web': data: copy 'c': kind must be one of primary, replica, backup, "
            "offline, got 'disk'",
            "service 'web': data: copy 'c': is on no location: name the servers, racks, sites "
            "or failure domains holding it",
            "service 'web': data: copy 'c': lag_minutes must be a number >= 0, got -1",
        ],
    ),
    (rpo_negative, ["service 'db': rpo_minutes: must be a number >= 0, got -15"]),
    (
        last_test_datetime,
        [
            "service 'db': failover_tested_on: must be a date (YYYY-MM-DD), got "
            "datetime.datetime(2026, 3, 1, 12, 0)"
        ],
    ),
    (
        last_test_text,
        ["service 'web': failover_tested_on: must be a date (YYYY-MM-DD), got '2026-03-01'"],
    ),
    (as_of_text, ["scenario 'fire': as_of: must be a date (YYYY-MM-DD), got 'today'"]),
    (max_age_negative, ["plan: failover_test_max_age_days: must be >= 0, got -1"]),
    (
        max_age_float,
        ["plan: failover_test_max_age_days: must be a whole number of days, got 1.5"],
    ),
    (max_age_huge, ["plan: failover_test_max_age_days: must be at most 1,000,000, got 1,000,001"]),
    (cycle_three, ["service 'db': depends_on: dependency cycle db -> batch -> web -> db"]),
    (cycle_self, ["service 'db': depends_on: dependency cycle db -> db"]),
    (cycle_two, ["service 'a': depends_on: dependency cycle a -> b -> a"]),
]


@pytest.mark.parametrize(("break_it", "expected"), CASES, ids=[c[0].__name__ for c in CASES])
def test_each_rule_reports_its_own_message(
    break_it: Callable[[Plan], None], expected: list[str]
) -> None:
    plan = base_plan()
    break_it(plan)
    assert [str(problem) for problem in validate(plan)] == expected
    assert validate_oracle.validate(plan) == validate(plan)


def test_cycles_are_printed_in_dependency_order() -> None:
    plan = Plan(
        services=[
            Service("a", "A", depends_on=["b"]),
            Service("b", "B", depends_on=["c"]),
            Service("c", "C", depends_on=["a"]),
            Service("d", "D", depends_on=["a"]),  # depends on the cycle, not in it
        ]
    )
    assert dependency_cycles(plan) == [["a", "b", "c", "a"]]
    assert [str(p) for p in validate(plan)] == [
        "service 'a': depends_on: dependency cycle a -> b -> c -> a"
    ]


# ------------------------------------------------------------------- type problems


def _json_plan(**service: Any) -> str:
    record = {"id": "web", "name": "Web", "restore_minutes": 10, **service}
    return json.dumps(
        {"format": "drplanner", "version": 1, "name": "t", "services": [record]},
        ensure_ascii=False,
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("restore_minutes", "soon", "service 'web': restore_minutes: must be a number, got 'soon'"),
        ("rto_minutes", "1h", "service 'web': rto_minutes: must be a number, got '1h'"),
        ("failover_minutes", True, "service 'web': failover_minutes: must be a number, got True"),
        ("failover_minutes", [5], "service 'web': failover_minutes: must be a number, got [5]"),
        ("min_instances", 1.5, "service 'web': min_instances: must be a whole number, got 1.5"),
        ("tier", "gold", "service 'web': tier: must be a number, got 'gold'"),
        ("servers", "s1", "service 'web': servers: must be a list of ids, got 's1'"),
        ("needs", {"vm": "two"}, "service 'web': needs: pool 'vm': must be a number, got 'two'"),
    ],
)
def test_non_numeric_and_mistyped_fields_are_type_problems_when_decoding(
    field: str, value: Any, message: str
) -> None:
    plan, problems = plan_from_json(_json_plan(**{field: value}))
    assert [str(p) for p in problems] == [message]
    assert plan.service("web") is not None  # the item is kept, with a neutral value


def test_whole_numbers_written_as_floats_are_accepted() -> None:
    plan, problems = plan_from_json(_json_plan(min_instances=2.0, restore_minutes=7.0))
    assert problems == []
    service = _service(plan, "web")
    assert (service.min_instances, service.restore_minutes) == (2, 7)
    assert isinstance(service.restore_minutes, int)


def test_missing_fields_and_non_objects_are_named_by_index() -> None:
    text = json.dumps(
        {
            "format": "drplanner",
            "version": 1,
            "racks": "none",
            "servers": [{"id": "s1", "name": "x", "position": 1}, 7, {"name": "no id"}],
        }
    )
    _, problems = plan_from_json(text)
    assert [str(p) for p in problems] == [
        "plan: racks: must be a list, got 'none'",
        "server 's1': rack: missing",
        "server #2: must be an object",
        "server #3: id: missing",
        "server #3: rack: missing",
        "server #3: position: missing",
    ]


# ------------------------------------------------------------------- through the CLI


def ten_mistakes() -> dict[str, Any]:
    plan = base_plan()
    dup_site_server(plan)  # 1
    rack_site(plan)  # 2
    server_rack(plan)  # 3: s2 now in no rack, so no overlap with s1 either
    server_inside(plan)  # 4
    unknown_standby(plan)  # 5
    needs_too_many(plan)  # 6
    failover_negative(plan)  # 7
    scenario_unknown(plan)  # 8
    cycle_three(plan)  # 9
    data = json.loads(plan_to_json(plan))
    web = next(s for s in data["services"] if s["id"] == "web")
    web["restore_minutes"] = "ten"  # 10: a type problem, found while reading
    return data


TEN = [
    "service 'web': restore_minutes: must be a number, got 'ten'",
    "site 'pangyo': id: duplicate id, 2 times (used by server and site)",
    "rack 'r9': site: unknown site 'nowhere'",
    "server 's2': rack: unknown rack 'r404'",
    "server 's5': position: overlaps server 's3' in rack 'r2' (units 2-2)",
    "service 'db': failover_minutes: must be a number >= 0, got -3",
    "service 'db': standby_servers: unknown server 'phantom'",
    "service 'web': needs: 9 units of pool 'vm', which has only 8",
    "scenario 'rack': failed: unknown site, rack, server or domain 'atlantis'",
    "service 'db': depends_on: dependency cycle db -> batch -> web -> db",
]


def test_validate_reports_all_ten_mistakes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ten mistakes.json"
    path.write_text(json.dumps(ten_mistakes(), ensure_ascii=False), encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 11
    assert all(line.startswith(f"{path}: ") for line in lines)
    messages = [line.removeprefix(f"{path}: ") for line in lines]
    assert messages[:10] == TEN  # type problems first, then the rules in a stable order
    assert messages[10] == "10 problems"


def test_validate_accepts_a_valid_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("valid.json", "valid.drplan"):
        path = tmp_path / name
        save_plan(base_plan(), path)
        assert main(["validate", str(path)]) == 0
        out, err = capsys.readouterr()
        assert err == ""
        assert out == (
            f"{path}: valid plan 'Pangyo' (2 sites, 2 racks, 4 servers, 3 services, "
            "1 pool, 3 scenarios)\n"
        )


# ------------------------------------------------------------------- at scale, grouped


def _crowded_rack(count: int, same_id: bool = False) -> Plan:
    plan = Plan(sites=[Site("site", "Site")], racks=[Rack("r1", "site", "Rack 1")])
    plan.servers = [
        Server("dup" if same_id else f"s{i}", "r1", "n", position=1) for i in range(count)
    ]
    return plan


def _timed_validate(plan: Plan) -> tuple[list[str], float]:
    import time

    started = time.perf_counter()
    lines = [str(p) for p in validate(plan)]
    return lines, time.perf_counter() - started


@pytest.mark.parametrize("count", [3_000, 10_000])
def test_servers_crowded_into_one_unit_are_one_line(count: int) -> None:
    lines, seconds = _timed_validate(_crowded_rack(count))
    assert lines == [
        f"server 's0': position: units 1-1 of rack 'r1' hold {count:,} overlapping servers: "
        f"'s0', 's1', 's2', … and {count - 3:,} more"
    ]
    assert seconds < 2.0  # pairs were 50 million lines for 10,000 servers


def test_overlap_groups_chain_and_pairs_keep_their_own_message() -> None:
    plan = Plan(sites=[Site("site", "Site")], racks=[Rack("r1", "site", "Rack 1")])
    plan.servers = [
        Server("a", "r1", "a", position=1, height=3),  # 1-3
        Server("b", "r1", "b", position=3, height=2),  # 3-4, overlaps a
        Server("c", "r1", "c", position=4),  # 4, overlaps b only: same group
        Server("d", "r1", "d", position=10, height=2),  # 10-11
        Server("e", "r1", "e", position=11),  # overlaps d: a pair
        Server("f", "r1", "f", position=20),  # alone
    ]
    assert [str(p) for p in validate(plan)] == [
        "server 'a': position: units 1-4 of rack 'r1' hold 3 overlapping servers: 'a', 'b', 'c'",
        "server 'e': position: overlaps server 'd' in rack 'r1' (units 11-11)",
    ]


def test_twenty_thousand_duplicate_ids_are_capped_and_fast() -> None:
    plan = Plan(sites=[Site("site", "Site")], racks=[Rack("r1", "site", "Rack 1", units=40)])
    plan.servers = [
        Server(f"d{i // 2}", "r1", "n", position=1 + i % 40) for i in range(20_000)
    ]  # 10,000 ids, each twice; 500 servers in each unit
    lines, seconds = _timed_validate(plan)
    assert seconds < 3.0
    ids = [line for line in lines if ": id: " in line]
    assert ids[:2] == [
        "server 'd0': id: duplicate id, 2 times",
        "server 'd1': id: duplicate id, 2 times",
    ]
    assert len(ids) == 11 and ids[-1] == "servers: id: 9,990 more like the ones above (not listed)"
    positions = [line for line in lines if ": position: " in line]
    assert len(positions) == 11
    assert positions[-1] == "servers: position: 30 more like the ones above (not listed)"
    assert len(lines) == 22


def test_one_id_twenty_thousand_times_is_one_line() -> None:
    lines, seconds = _timed_validate(_crowded_rack(20_000, same_id=True))
    assert lines[0] == "server 'dup': id: duplicate id, 20,000 times"
    assert len(lines) == 2 and seconds < 3.0


def test_a_summary_line_keeps_the_kind_and_field_it_sums_up() -> None:
    from planner.model.problems import MAX_PER_FIELD

    plan = base_plan()
    plan.services[0].servers += [f"ghost{i}" for i in range(50)]
    problems = validate(plan)
    assert len(problems) == MAX_PER_FIELD + 1
    summary = problems[-1]
    assert (summary.kind, summary.item, summary.field, summary.count) == (
        "service",
        None,
        "servers",
        50 - MAX_PER_FIELD,
    )
    assert str(summary) == "services: servers: 40 more like the ones above (not listed)"
    assert sum(p.count for p in problems) == 50


@pytest.mark.parametrize(
    ("break_it", "expected"),
    [
        (
            lambda p: setattr(_service(p, "db"), "restore_minutes", 6_000_000),
            "service 'db': restore_minutes: must be at most 5,256,000 (ten years in minutes), "
            "got 6e+06",
        ),
        (
            lambda p: setattr(p.racks[0], "units", 2_000_000),
            "rack 'r1': units: must be at most 1,000,000, got 2,000,000",
        ),
        (
            lambda p: setattr(p.pools[0], "capacity", 10**12),
            "pool 'vm': capacity: must be at most 1,000,000, got 1,000,000,000,000",
        ),
    ],
    ids=["restore", "units", "capacity"],
)
def test_numbers_beyond_the_bounds_built_in_memory(
    break_it: Callable[[Plan], None], expected: str
) -> None:
    plan = base_plan()
    break_it(plan)
    assert [str(p) for p in validate(plan)] == [expected]


def test_a_problem_line_escapes_terminal_controls_from_the_plan() -> None:
    """Wherever a problem is shown (terminal, dialog, log), a plan's id cannot repaint the
    screen, forge a second line or reverse the text after it."""
    from planner.model.problems import Problem

    line = str(Problem("service", "a\x1b[2Jb\u202e", "name", "bad\nline"))
    assert line == "service 'a\\x1b[2Jb\\u202e': name: bad\\nline"
    assert str(Problem("service", "정상", "name", "ok")) == "service '정상': name: ok"


# ------------------------------------------------------------------- the oracle
# validate() was made fast for issue 12 without changing a single line it reports:
# tests/validate_oracle.py is the validation of main before that work, and every plan
# below must get exactly the same problems from both, in the same order and words.

_FEW = ["a", "b", "c", "d"]
_few_ids = st.sampled_from(_FEW)
_counts = st.one_of(st.integers(-2, 6), st.sampled_from([MAX_COUNT, MAX_COUNT + 1, 10**7]))
_minutes = st.one_of(
    st.none(),
    st.integers(-5, 100),
    st.sampled_from(
        [0.5, -0.5, MAX_MINUTES, MAX_MINUTES + 1, MAX_MINUTES + 0.5, 1e300, math.inf, -math.inf]
    ),
    st.just(math.nan),
)
_some_minutes = _minutes.filter(lambda m: m is not None)
_kinds = st.sampled_from(["power", "room", "", "  "])
_mode_needs = st.none() | st.dictionaries(_few_ids, _counts, max_size=2)
_returns = st.dictionaries(_few_ids, _some_minutes, max_size=3)
# Dates and what a program may put in their place.
_dates = st.one_of(
    st.none(),
    st.dates(),
    st.sampled_from([date(2026, 3, 1), datetime(2026, 3, 1, 12), "2026-03-01"]),
)
_copy_kinds = st.sampled_from([*COPY_KINDS, "tape", ""])
_max_ages = st.one_of(st.integers(-2, 400), st.sampled_from([MAX_COUNT + 1, 1.5, True]))
_copy_ids = st.sampled_from(["a", "b", "", " "])


def copy_lists(locations: st.SearchStrategy[str]) -> st.SearchStrategy[list[DataCopy]]:
    """A service's data: copies whose ids may repeat or be blank, on known, unknown or no
    locations, of any kind, with any lag."""
    copies = st.builds(
        DataCopy,
        _copy_ids,
        st.lists(locations, max_size=3),
        lag_minutes=_some_minutes,
        kind=_copy_kinds,
    )
    return st.lists(copies, max_size=3)


@st.composite
def hostile_plans(draw: st.DrawFn) -> Plan:
    """Plans over four ids: repeated ids in and across namespaces, dangling references,
    servers crowded into a few units of small racks, cycles, numbers out of bounds."""
    lists = st.lists
    sites = draw(lists(st.builds(Site, _few_ids, st.just("S")), max_size=3))
    domains = draw(
        lists(
            st.builds(Domain, _few_ids, st.just("D"), _kinds, site=st.none() | _few_ids),
            max_size=3,
        )
    )
    racks = draw(
        lists(
            st.builds(
                Rack,
                _few_ids,
                _few_ids,
                st.just("R"),
                units=_counts,
                domains=lists(_few_ids, max_size=2),
            ),
            max_size=4,
        )
    )
    servers = draw(
        lists(
            st.builds(
                Server,
                _few_ids,
                _few_ids,
                st.just("H"),
                position=_counts,
                height=_counts,
                domains=lists(_few_ids, max_size=2),
            ),
            max_size=12,
        )
    )
    pools = draw(lists(st.builds(Pool, _few_ids, st.just("P"), capacity=_counts), max_size=3))
    services = draw(
        lists(
            st.builds(
                Service,
                _few_ids,
                st.just("V"),
                tier=st.integers(-1, 4),
                rto_minutes=_minutes,
                restore_minutes=_minutes.filter(lambda m: m is not None),
                failover_minutes=_minutes,
                failover_needs=_mode_needs,
                restart_minutes=_minutes,
                restart_needs=_mode_needs,
                servers=lists(_few_ids, max_size=4),
                standby_servers=lists(_few_ids, max_size=3),
                min_instances=_counts,
                needs=st.dictionaries(_few_ids, _counts, max_size=3),
                depends_on=lists(_few_ids, max_size=4),
                rpo_minutes=_minutes,
                data=copy_lists(_few_ids),
                failover_tested_on=_dates,
            ),
            max_size=6,
        )
    )
    scenarios = draw(
        lists(
            st.builds(
                Scenario,
                _few_ids,
                st.just("F"),
                lists(_few_ids, max_size=4),
                returns=_returns,
                declared_after_minutes=_some_minutes,
                untested_failovers_fail=st.booleans(),
                as_of=_dates,
            ),
            max_size=3,
        )
    )
    return Plan(
        failover_test_max_age_days=draw(_max_ages),
        sites=sites,
        domains=domains,
        racks=racks,
        servers=servers,
        pools=pools,
        services=services,
        scenarios=scenarios,
    )


def _same_as_oracle(plan: Plan) -> None:
    assert validate(plan) == validate_oracle.validate(plan)
    assert dependency_cycles(plan) == validate_oracle.dependency_cycles(plan)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_plans())
def test_validate_reports_what_the_old_validation_reported_on_hostile_plans(plan: Plan) -> None:
    _same_as_oracle(plan)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(max_items=6))
def test_validate_reports_what_the_old_validation_reported_on_any_plan(plan: Plan) -> None:
    _same_as_oracle(plan)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_plans())
def test_validate_reports_what_the_old_validation_reported_on_small_plans(plan: Plan) -> None:
    _same_as_oracle(plan)


def _broken_scale_plan(seed: int) -> Plan:
    """A small scale plan with a hundred random mistakes of every sort (so that the
    ``capped`` summaries and the overlap groups are compared too)."""
    rng = random.Random(seed)
    plan = scale_plan(racks=30, servers_per_rack=8, services=120, dependencies=300, seed=seed)
    for _ in range(100):
        what = rng.randrange(12)
        server = rng.choice(plan.servers)
        service = rng.choice(plan.services)
        if what == 0:
            server.position = rng.randint(-1, 9)
        elif what == 1:
            server.height = rng.randint(0, 4)
        elif what == 2:
            server.rack = rng.choice(["rack1", "rack2", "nowhere"])
        elif what == 3:
            server.id = rng.choice(plan.servers).id  # a repeated id
        elif what == 4:
            service.depends_on = [*service.depends_on, rng.choice(plan.services).id]
        elif what == 5:
            service.servers = [*service.servers, rng.choice(["ghost", server.id])]
        elif what == 6:
            service.needs = {rng.choice(["dba", "oncall", "gpu"]): rng.randint(0, 50)}
        elif what == 7:
            service.restore_minutes = rng.choice([-1, math.nan, MAX_MINUTES * 2])
        elif what == 8:
            service.id = rng.choice(plan.services).id
        elif what == 9:
            rng.choice(plan.racks).units = rng.randint(0, 8)
        elif what == 10:
            plan.scenarios[0].failed.append(rng.choice(["atlantis", server.id, "site1"]))
        else:
            service.min_instances = rng.randint(0, 30)
    return plan


@pytest.mark.parametrize("seed", range(12))
def test_validate_reports_what_the_old_validation_reported_on_broken_scale_plans(
    seed: int,
) -> None:
    plan = _broken_scale_plan(seed)
    assert len(validate_oracle.validate(plan)) > 20  # broken in many ways
    _same_as_oracle(plan)


def test_validate_of_the_scale_plan_and_its_crowded_racks_matches_the_old() -> None:
    plan = scale_plan(racks=50, services=300, dependencies=800)
    _same_as_oracle(plan)
    for plan in (_crowded_rack(500), _crowded_rack(500, same_id=True)):
        _same_as_oracle(plan)


# ------------------------------------------------------------------- incremental


def _referenced(plan: Plan) -> list[str]:
    """Every id the plan refers to, resolved or dangling, and a few more."""
    refs = [r.site for r in plan.racks] + [s.rack for s in plan.servers]
    refs += [d.site for d in plan.domains if d.site is not None]
    for member in (*plan.racks, *plan.servers):
        refs += member.domains
    for service in plan.services:
        refs += service.servers + service.standby_servers + service.depends_on
        refs += list(service.needs)
        refs += list(service.failover_needs or {}) + list(service.restart_needs or {})
        for data_copy in service.data:
            refs += data_copy.on
    for scenario in plan.scenarios:
        refs += scenario.failed + list(scenario.returns)
    return sorted(set(refs) | set(_FEW))


_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "units": _counts,
    "position": _counts,
    "height": _counts,
    "capacity": _counts,
    "min_instances": _counts,
    "tier": st.integers(-1, 4),
    "rto_minutes": _minutes,
    "restore_minutes": _minutes.filter(lambda m: m is not None),
    "failover_minutes": _minutes,
    "restart_minutes": _minutes,
    "declared_after_minutes": _some_minutes,
    "kind": _kinds,
    "rpo_minutes": _minutes,
    "failover_tested_on": _dates,
    "as_of": _dates,
}


def draw_checked_edit(data: st.DataObject, plan: Plan) -> Edit:
    """An edit aimed at what validation reads: a checked field set to a value that is
    often wrong, an item added or renamed to an id the plan already refers to (so a
    dangling reference resolves), an item removed and put back in one step."""
    kind = data.draw(st.sampled_from([*ITEM_KINDS, "plan"]), label="kind")
    if kind == "plan":
        return SetFields("plan", PLAN_ID, failover_test_max_age_days=data.draw(_max_ages))
    present = [item.id for item in getattr(plan, kind + "s")]
    refs = st.sampled_from(_referenced(plan))
    op = data.draw(st.sampled_from(["field", "field", "add", "rename", "again"]), label="op")
    if op == "field" and present and CHECKED_FIELDS[kind]:
        name = data.draw(st.sampled_from(sorted(CHECKED_FIELDS[kind])), label="field")
        if name in _VALUES:
            value = data.draw(_VALUES[name])
        elif name == "needs":
            value = data.draw(st.dictionaries(refs, _counts, max_size=2))
        elif name in ("failover_needs", "restart_needs"):
            value = data.draw(st.none() | st.dictionaries(refs, _counts, max_size=2))
        elif name == "returns":
            value = data.draw(st.dictionaries(refs, _some_minutes, max_size=2))
        elif name == "data":
            value = data.draw(copy_lists(refs))
        elif kind == "domain" and name == "site":
            value = data.draw(st.none() | refs)
        elif name in ("site", "rack"):
            value = data.draw(refs)
        else:
            value = data.draw(st.lists(refs, max_size=3))
        return SetFields(kind, data.draw(st.sampled_from(present)), **{name: value})
    if op == "rename" and present:
        return RenameId(kind, data.draw(st.sampled_from(present)), data.draw(refs))
    if op == "again" and present:
        index = data.draw(st.integers(0, len(present) - 1))
        item = copy.deepcopy(getattr(plan, kind + "s")[index])
        for name in sorted(CHECKED_FIELDS[kind] & set(_VALUES)):
            setattr(item, name, data.draw(_VALUES[name]))  # not quite the same item
        removal = RemoveItem(kind, item.id, index=index)
        return Composite("Again", [removal, AddItem(kind, item, data.draw(st.integers(0, index)))])
    new_id = data.draw(refs)
    item: Any = {
        "site": Site(new_id, "S"),
        "domain": Domain(new_id, "D", data.draw(_kinds), site=data.draw(st.none() | refs)),
        "rack": Rack(new_id, data.draw(refs), "R", units=data.draw(_counts)),
        "server": Server(new_id, data.draw(refs), "H", data.draw(_counts), data.draw(_counts)),
        "pool": Pool(new_id, "P", data.draw(_counts)),
        "service": Service(
            new_id,
            "V",
            depends_on=data.draw(st.lists(refs, max_size=2)),
            data=data.draw(copy_lists(refs)),
        ),
        "scenario": Scenario(new_id, "F", failed=data.draw(st.lists(refs, max_size=2))),
    }[kind]
    return AddItem(kind, item, data.draw(st.one_of(st.none(), st.integers(0, len(present)))))


def _undoable_edits(data: st.DataObject, plan: Plan, validator: IncrementalValidator) -> None:
    """Random edits, undos and redos; after each, the validator equals a full run."""
    done: list[Edit] = []
    undone: list[Edit] = []
    for _ in range(data.draw(st.integers(1, 10), label="steps")):
        step = data.draw(st.sampled_from(["edit", "edit", "edit", "undo", "redo"]))
        if step == "undo" and done:
            edit = done.pop()
            change = edit.revert(plan)
            undone.append(edit)
        elif step == "redo" and undone:
            edit = undone.pop()
            change = edit.apply(plan)
            done.append(edit)
        else:
            draw = data.draw(st.sampled_from([draw_edit, draw_checked_edit]), label="drawer")
            try:
                edit = draw(data, plan)
                change = edit.apply(plan)
            except EditRefused:
                continue
            done.append(edit)
            undone.clear()
        assert validator.update(plan, change) == validate(plan)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_incremental_validation_equals_a_full_one_after_any_edits(data: st.DataObject) -> None:
    plan = data.draw(st.one_of(small_plans(), hostile_plans()), label="plan")
    validator = IncrementalValidator()
    assert validator.update(plan, None) == validate(plan) == validate_oracle.validate(plan)
    _undoable_edits(data, plan, validator)
    assert validator.problems == validate_oracle.validate(plan)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_incremental_validation_of_snapshots_after_several_edits_at_once(
    data: st.DataObject,
) -> None:
    """As the GUI's recovery worker uses it: the changes of several edits composed by a
    PendingChange, then one update on a copy of the plan's lists."""
    plan = data.draw(st.one_of(small_plans(), hostile_plans()), label="plan")
    validator = IncrementalValidator()
    pending = PendingChange()
    for _ in range(data.draw(st.integers(1, 4), label="rounds")):
        for _ in range(data.draw(st.integers(0, 4), label="edits")):
            draw = data.draw(st.sampled_from([draw_edit, draw_checked_edit]), label="drawer")
            try:
                pending.add(draw(data, plan).apply(plan), None)
            except EditRefused:
                continue
        snapshot = copy.copy(plan)
        for name in ("sites", "domains", "racks", "servers", "pools", "services", "scenarios"):
            setattr(snapshot, name, list(getattr(plan, name)))
        assert validator.update(snapshot, pending.take()) == validate(plan)


def test_a_pending_change_starts_whole_and_gives_up_past_its_limit() -> None:
    pending = PendingChange(limit=3)
    assert pending.take() is None  # nothing validated yet
    assert pending.take() == Change()
    pending.add(Change.item_added("site", "a"))
    pending.add(Change.item_added("site", "b"))
    assert pending.take() == Change(added=frozenset({("site", "a"), ("site", "b")}))
    for name in "abcd":
        pending.add(Change.item_added("site", name))
    assert pending.take() is None
    pending.add(Change.item_added("site", "a"))
    pending.add(None)
    pending.add(Change.item_added("site", "b"))
    assert pending.take() is None


def test_an_update_that_fails_is_followed_by_a_full_validation() -> None:
    plan = base_plan()
    validator = IncrementalValidator()
    validator.update(plan, None)
    with pytest.raises(AttributeError):
        validator.update(cast(Plan, None), Change.item_removed("server", "s1"))
    plan.services[0].servers = ["ghost"]  # changed without a change: only a full run sees it
    assert [str(p) for p in validator.update(plan, Change())] == [
        "service 'db': servers: unknown server 'ghost'"
    ]


@pytest.mark.parametrize("seed", range(3))
def test_incremental_validation_of_typical_edits_on_a_broken_scale_plan(seed: int) -> None:
    plan = _broken_scale_plan(seed)
    validator = IncrementalValidator()
    validator.update(plan, None)
    service, other = plan.services[5], plan.services[90]
    builders: list[Callable[[], Edit]] = [
        lambda: RenameId("service", service.id, "renamed"),
        lambda: SetFields("service", other.id, restore_minutes=-5),
        lambda: PlaceServers({plan.servers[3].id: (plan.racks[2].id, 1)}),
        lambda: add_dependency(plan, plan.services[0].id, other.id),
        lambda: add_dependency(plan, other.id, plan.services[100].id),
        lambda: delete_items(plan, [("rack", plan.racks[1].id)]),
        lambda: RenameId("server", plan.servers[-1].id, plan.servers[0].id + "-x"),
    ]
    edits: list[Edit] = []
    for build in builders:
        try:
            edit = build()
            change = edit.apply(plan)
        except EditRefused:
            continue
        edits.append(edit)
        assert validator.update(plan, change) == validate_oracle.validate(plan)
    assert len(edits) >= 5
    for edit in reversed(edits):
        assert validator.update(plan, edit.revert(plan)) == validate_oracle.validate(plan)


def _put_back_changed(kind: str, item_id: str, **values: Any) -> Callable[[Plan], Edit]:
    """Remove an item and add a changed copy in one step: its change names every field."""

    def build(plan: Plan) -> Edit:
        items = getattr(plan, kind + "s")
        index = next(i for i, item in enumerate(items) if item.id == item_id)
        again = copy.deepcopy(items[index])
        for name, value in values.items():
            setattr(again, name, value)
        return Composite("Again", [RemoveItem(kind, item_id, index=index), AddItem(kind, again)])

    return build


# Each rule of what an edit touches, with an edit that needs it: a validator that
# skipped the rule would keep an old problem or miss a new one.
TOUCHED: list[tuple[str, Callable[[Plan], Edit]]] = [
    ("site comes: its rack resolves", lambda p: AddItem("site", Site("nowhere", "N"))),
    ("site goes: its racks dangle", lambda p: RemoveItem("site", "gasan")),
    ("rack shrinks: a server sticks out", lambda p: SetFields("rack", "r2", units=19)),
    ("rack in an unknown site", lambda p: SetFields("rack", "r1", site="nowhere")),
    ("rack goes: its servers dangle", lambda p: RemoveItem("rack", "r2")),
    ("rack comes: a server resolves", lambda p: AddItem("rack", Rack("r404", "gasan", "R"))),
    ("server renamed: services dangle", lambda p: Rewrite("x", [("server", 0, "rack", "r2")])),
    ("server goes: services dangle", lambda p: RemoveItem("server", "s3")),
    (
        "server comes: a service resolves",
        lambda p: AddItem("server", Server("ghost", "r1", "G", 9)),
    ),
    ("server moves onto another", lambda p: PlaceServers({"s2": ("r1", 2)})),
    ("server leaves an overlap", lambda p: PlaceServers({"s5": ("r1", 30)})),
    ("server grows into another", lambda p: SetFields("server", "s1", height=3)),
    ("pool shrinks below a need", lambda p: Rewrite("x", [("pool", 1, "capacity", 7)])),
    ("pool goes: needs dangle", lambda p: RemoveItem("pool", "vm")),
    ("pool comes: a need resolves", lambda p: AddItem("pool", Pool("gpu", "G", 1))),
    ("service comes: a dependency resolves", lambda p: AddItem("service", Service("nosvc", "N"))),
    ("service goes: dependencies dangle", lambda p: RemoveItem("service", "db")),
    ("service renamed", lambda p: RenameId("service", "web", "www")),
    ("dependency opens a cycle", lambda p: SetFields("service", "loop1", depends_on=[])),
    ("service in a cycle goes", lambda p: RemoveItem("service", "loop2")),
    ("location renamed: scenario dangles", lambda p: RenameId("server", "s1", "s9")),
    ("location comes: scenario resolves", lambda p: AddItem("site", Site("atlantis", "A"))),
    ("a service's tier", lambda p: Rewrite("x", [("service", 2, "tier", 9)])),
    ("duplicate goes (and comes back on undo)", lambda p: RemoveItem("pool", "vm", index=1)),
    ("put back changed", _put_back_changed("server", "s4", position=19, height=5)),
    ("put back changed service", _put_back_changed("service", "web", servers=["s2", "zz"])),
    ("put back changed rack", _put_back_changed("rack", "r2", units=2)),
    ("location renamed: copies follow, one resolves", lambda p: RenameId("server", "s3", "vault")),
    ("location goes: a copy dangles", lambda p: RemoveItem("server", "s3")),
    ("location comes: a copy resolves", lambda p: AddItem("site", Site("vault", "V"))),
    (
        "a copy's lag",
        lambda p: SetFields("service", "db", data=[DataCopy("primary", ["s1"], lag_minutes=-1)]),
    ),
    ("a service's RPO", lambda p: SetFields("service", "web", rpo_minutes=-1)),
    (
        "a failover test's date",
        lambda p: SetFields("service", "web", failover_tested_on="soon"),
    ),
    ("a scenario's date", lambda p: SetFields("scenario", "fire", as_of="soon")),
    (
        "the plan's test age",
        lambda p: SetFields("plan", PLAN_ID, failover_test_max_age_days=-1),
    ),
    (
        "put back changed copies",
        _put_back_changed("service", "batch", data=[DataCopy("b", ["atlantis"])]),
    ),
]


def _touchy_plan() -> Plan:
    """The base plan with one dangling reference or conflict of each sort."""
    plan = base_plan()
    plan.racks.append(Rack("r3", "nowhere", "R3"))
    plan.servers.append(Server("s5", "r1", "S5", position=2))  # overlaps s1
    plan.servers.append(Server("s6", "r404", "S6", position=1))
    plan.services[0].servers.append("ghost")
    plan.services[1].depends_on.append("nosvc")
    plan.services[2].needs = {"gpu": 1}
    plan.services[2].depends_on = ["web", "db"]
    plan.pools.append(Pool("vm", "again", capacity=8))
    plan.scenarios[1].failed.append("atlantis")
    plan.scenarios[1].failed.append("s1")
    plan.services[2].data = [DataCopy("vaulted", ["vault"], kind="offline")]
    plan.services.append(Service("loop1", "L1", depends_on=["loop2"]))
    plan.services.append(Service("loop2", "L2", depends_on=["loop1"]))
    return plan


@pytest.mark.parametrize(("what", "build"), TOUCHED, ids=[t[0] for t in TOUCHED])
def test_incremental_validation_follows_what_an_edit_touched(
    what: str, build: Callable[[Plan], Edit]
) -> None:
    plan = _touchy_plan()
    validator = IncrementalValidator()
    before = validator.update(plan, None)
    edit = build(plan)
    after = validator.update(plan, edit.apply(plan))
    assert after == validate_oracle.validate(plan)
    assert after != before  # the edit changed what validation says
    assert validator.update(plan, edit.revert(plan)) == before


def test_validating_a_plan_without_cycles_does_not_import_networkx(tmp_path: Path) -> None:
    """networkx only names cycles: `drplanner validate` of a plan without one never
    imports it (about a third of a second of start-up); a plan with one does."""
    import subprocess
    import sys

    save_plan(base_plan(), tmp_path / "valid.drplan")
    cyclic = base_plan()
    cycle_two(cyclic)
    save_plan(cyclic, tmp_path / "cyclic.drplan")
    code = (
        "import sys\nfrom planner.cli.main import main\n"
        "status = main(['validate', sys.argv[1]])\n"
        "print(status, 'networkx' in sys.modules)\n"
    )
    for name, expected in (("valid", "0 False"), ("cyclic", "2 True")):
        done = subprocess.run(
            [sys.executable, "-c", code, str(tmp_path / f"{name}.drplan")],
            cwd=Path(__file__).resolve().parent.parent,
            capture_output=True,
            text=True,
            check=True,
        )
        assert done.stdout.splitlines()[-1] == expected
