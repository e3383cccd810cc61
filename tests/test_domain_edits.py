"""The generic edits on failure domains (kind "domain") and on the fields of issue 13.

Domains share the id namespace of sites, racks and servers; renaming one rewrites the
racks' and servers' ``domains`` and the scenarios' ``failed`` and ``returns`` keys,
deleting one drops those references; renaming or deleting a pool rewrites the
failover and restart needs as it does ``needs``. Each edit is applied, reverted and
applied again (the plan and its JSON restored exactly).
"""

from __future__ import annotations

import copy

import pytest

from planner.model.edits import (
    AddItem,
    EditRefused,
    RemoveItem,
    RenameId,
    SetFields,
    copy_items,
    delete_items,
    paste_items,
)
from planner.model.edits.base import Edit
from planner.model.edits.change import CLASSES, ITEM_KINDS, LISTS, LOCATION_KINDS, Change
from planner.model.new_items import new_domain
from planner.model.plan import Domain, Plan, Pool, Rack, Scenario, Server, Service, Site
from planner.storage import plan_to_json


def _plan() -> Plan:
    return Plan(
        sites=[Site("pg", "Pangyo"), Site("ay", "Anyang")],
        domains=[
            Domain("P1", "Feed 1", "power", site="pg"),
            Domain("P2", "Feed 2", "power", site="pg"),
            Domain("room", "Room", "room"),
        ],
        racks=[Rack("r1", "pg", "R1", domains=["P1", "P2"]), Rack("r2", "ay", "R2")],
        servers=[
            Server("h1", "r1", "H1", 1, domains=["room"]),
            Server("h2", "r2", "H2", 1, domains=["P1"]),
        ],
        pools=[Pool("dba", "DBA", 2)],
        services=[
            Service(
                "db",
                "DB",
                servers=["h1"],
                needs={"dba": 1},
                failover_needs={"dba": 2},
                restart_needs={},
            ),
            Service("web", "Web", servers=["h2"], failover_needs=None),
        ],
        scenarios=[
            Scenario("fire", "Fire", ["P1", "room", "r2"], returns={"P1": 1380, "room": 90}),
        ],
    )


def _round_trip(edit: Edit, plan: Plan) -> tuple[Change, Plan]:
    """Apply, revert (exactly back), apply again; the change and the plan after."""
    before, before_json = copy.deepcopy(plan), plan_to_json(plan)
    change = edit.apply(plan)
    after = copy.deepcopy(plan)
    edit.revert(plan)
    assert plan == before and plan_to_json(plan) == before_json
    assert edit.apply(plan) == change
    assert plan == after
    return change, plan


def test_domain_is_a_kind_of_every_table() -> None:
    assert "domain" in ITEM_KINDS and "domain" in LOCATION_KINDS
    assert CLASSES["domain"] is Domain and LISTS["domain"] == "domains"


def test_add_a_domain_and_its_id_is_in_the_shared_namespace() -> None:
    plan = _plan()
    change, plan = _round_trip(AddItem("domain", new_domain(plan, "ups", "ay")), plan)
    assert change.added == {("domain", "domain1")}
    assert plan.domain("domain1") == Domain("domain1", "Domain 1", "ups", site="ay")
    for kind, taken in (("domain", "pg"), ("site", "P1"), ("rack", "room"), ("server", "P2")):
        item = CLASSES[kind](taken, "x", "x") if kind != "server" else Server(taken, "r1", "x", 9)
        with pytest.raises(EditRefused, match="already used"):
            AddItem(kind, item).apply(plan)


def test_set_the_fields_of_a_domain() -> None:
    change, plan = _round_trip(SetFields("domain", "room", kind="cooling", site="ay"), _plan())
    assert change.changed == {("domain", "room", "kind"), ("domain", "room", "site")}
    assert plan.domain("room") == Domain("room", "Room", "cooling", site="ay")


def test_set_the_new_fields_of_services_racks_and_scenarios() -> None:
    plan = _plan()
    edits = [
        SetFields("rack", "r2", domains=["room"]),
        SetFields("service", "web", automatic_failover=True, restart_minutes=15),
        SetFields("service", "web", failover_needs={}, restart_needs={"dba": 1}),
        SetFields("scenario", "fire", returns={"P1": 60}, declared_after_minutes=40),
    ]
    for edit in edits:
        _round_trip(edit, plan)
    web = plan.service("web")
    assert web is not None
    assert (web.automatic_failover, web.restart_minutes) == (True, 15)
    assert (web.failover_needs, web.restart_needs) == ({}, {"dba": 1})
    fire = plan.scenario("fire")
    assert fire is not None and (fire.returns, fire.declared_after_minutes) == ({"P1": 60}, 40)


def test_renaming_a_domain_rewrites_every_reference() -> None:
    change, plan = _round_trip(RenameId("domain", "P1", "feed-1"), _plan())
    assert [r.domains for r in plan.racks] == [["feed-1", "P2"], []]
    assert [s.domains for s in plan.servers] == [["room"], ["feed-1"]]
    fire = plan.scenarios[0]
    assert fire.failed == ["feed-1", "room", "r2"]
    assert list(fire.returns.items()) == [("feed-1", 1380), ("room", 90)]  # order kept
    assert change.added == {("domain", "feed-1")} and change.removed == {("domain", "P1")}
    assert ("rack", "r1", "domains") in change.changed
    assert ("server", "h2", "domains") in change.changed
    assert {("scenario", "fire", "failed"), ("scenario", "fire", "returns")} <= change.changed


def test_renaming_a_site_rewrites_its_domains_and_the_returns_keys() -> None:
    plan = _plan()
    plan.scenarios[0].failed.append("pg")
    plan.scenarios[0].returns["pg"] = 5
    _, plan = _round_trip(RenameId("site", "pg", "pangyo"), plan)
    assert [d.site for d in plan.domains] == ["pangyo", "pangyo", None]
    assert plan.scenarios[0].returns == {"P1": 1380, "room": 90, "pangyo": 5}


def test_renaming_a_rack_or_server_rewrites_the_returns_keys() -> None:
    plan = _plan()
    plan.scenarios[0].returns["r2"] = 30
    _, plan = _round_trip(RenameId("rack", "r2", "rack-2"), plan)
    assert plan.scenarios[0].returns == {"P1": 1380, "room": 90, "rack-2": 30}
    assert plan.servers[1].rack == "rack-2"


def test_a_rename_that_would_merge_two_returns_is_refused() -> None:
    plan = _plan()
    plan.scenarios[0].returns["ghost"] = 5  # a key that names nothing (validate reports it)
    before = copy.deepcopy(plan)
    with pytest.raises(EditRefused, match="scenario 'fire' \\(returns\\) already names 'ghost'"):
        RenameId("domain", "P1", "ghost").apply(plan)
    assert plan == before


def test_renaming_a_pool_rewrites_the_needs_of_every_mode() -> None:
    _, plan = _round_trip(RenameId("pool", "dba", "dbas"), _plan())
    db = plan.services[0]
    assert (db.needs, db.failover_needs, db.restart_needs) == ({"dbas": 1}, {"dbas": 2}, {})
    assert plan.services[1].failover_needs is None  # "the same as needs" stays so


def test_deleting_a_domain_drops_its_references() -> None:
    edit = delete_items(_plan(), [("domain", "P1")])
    change, plan = _round_trip(edit, _plan())
    assert [d.id for d in plan.domains] == ["P2", "room"]
    assert [r.domains for r in plan.racks] == [["P2"], []]
    assert [s.domains for s in plan.servers] == [["room"], []]
    assert plan.scenarios[0].failed == ["room", "r2"]
    assert plan.scenarios[0].returns == {"room": 90}
    assert change.removed == {("domain", "P1")}


def test_deleting_a_site_takes_its_domains() -> None:
    edit = delete_items(_plan(), [("site", "pg")])
    assert "with 2 domains" in edit.summary
    _, plan = _round_trip(edit, _plan())
    assert [d.id for d in plan.domains] == ["room"]
    assert [(s.id, s.domains) for s in plan.servers] == [("h2", [])]  # h2 was on feed P1
    assert plan.scenarios[0].returns == {"room": 90}


def test_deleting_a_pool_drops_it_from_the_needs_of_every_mode() -> None:
    _, plan = _round_trip(delete_items(_plan(), [("pool", "dba")]), _plan())
    db = plan.services[0]
    assert (db.needs, db.failover_needs, db.restart_needs) == ({}, {}, {})
    assert plan.services[1].failover_needs is None


def test_a_removed_domain_comes_back_on_revert() -> None:
    change, plan = _round_trip(RemoveItem("domain", "room"), _plan())
    assert plan.domain("room") is None and change.removed == {("domain", "room")}


def test_copy_and_paste_a_site_with_its_domains() -> None:
    plan = _plan()
    clipboard = copy_items(plan, [("site", "pg")])
    assert [type(item).__name__ for item in clipboard].count("Domain") == 2
    _, plan = _round_trip(paste_items(plan, clipboard), plan)
    pasted = {d.id: d for d in plan.domains}
    assert pasted["P1-copy-1"].site == "pg-copy-1"
    assert plan.rack("r1-copy-1") is not None
    assert plan.racks[-1].domains == ["P1-copy-1", "P2-copy-1"]


def test_a_rack_moved_to_another_site_leaves_that_sites_domains() -> None:
    from planner.model.edits import Composite, move_rack_to_site
    from planner.model.plan import Domain, Plan, Rack, Server, Site

    plan = Plan(
        sites=[Site("pg", "Pangyo"), Site("ay", "Anyang")],
        domains=[
            Domain("feed-a", "Feed A", "power", site="pg"),
            Domain("net", "Backbone", "network"),  # no site: follows the rack anywhere
            Domain("ay-room", "Anyang room 2", "room", site="ay"),
        ],
        racks=[Rack("r1", "pg", "R1", domains=["feed-a", "net"])],
        servers=[
            Server("s1", "r1", "s1", 1, domains=["feed-a"]),
            Server("s2", "r1", "s2", 2, domains=["ay-room"]),
        ],
    )
    edit = Composite("Move rack R1 to Anyang", move_rack_to_site(plan, "r1", "ay"))
    change = edit.apply(plan)
    rack = plan.rack("r1")
    assert rack is not None and rack.site == "ay" and rack.domains == ["net"]
    assert [s.domains for s in plan.servers] == [[], ["ay-room"]]
    assert ("server", "s1", "domains") in change.changed
    assert ("server", "s2", "domains") not in change.changed
    edit.revert(plan)
    assert plan.rack("r1").domains == ["feed-a", "net"] and plan.rack("r1").site == "pg"  # type: ignore[union-attr]
    assert plan.servers[0].domains == ["feed-a"]
