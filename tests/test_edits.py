"""The edit layer: every edit and builder does, undoes and redoes exactly.

Each test applies an edit, checks the model, reverts it (the plan must equal a deep
copy taken before, with the same JSON bytes), and applies it again (the plan must
equal the applied state). A Hypothesis property does the same for random sequences.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.model import Plan, Pool, Rack, Scenario, Server, Service, Site, validate
from planner.model.edits import (
    ITEM_KINDS,
    PLAN_ID,
    AddItem,
    Change,
    Composite,
    CycleRefused,
    Edit,
    EditRefused,
    MoveItems,
    PlaceServers,
    RemoveItem,
    RenameId,
    Rewrite,
    SetFields,
    add_dependency,
    assign_service,
    copy_items,
    delete_items,
    new_id,
    paste_items,
    place_servers,
    remove_dependency,
    unassign_service,
)
from planner.model.plan import Domain
from planner.storage import plan_to_json


def sample_plan() -> Plan:
    """Two sites, three racks, five servers, two pools, four services, three scenarios."""
    return Plan(
        name="HaneulTalk",
        sites=[Site("pg", "Pangyo", x=0, y=0), Site("ay", "Anyang", x=500, y=0)],
        racks=[
            Rack("pg-a01", "pg", "A01", x=10, y=20),
            Rack("pg-a02", "pg", "A02", units=12),
            Rack("ay-b01", "ay", "B01", x=510, y=20),
        ],
        servers=[
            Server("pg-web-01", "pg-a01", "web 1", 1),
            Server("pg-db-01", "pg-a01", "db 1", 3, height=2),
            Server("pg-web-02", "pg-a02", "web 2", 1),
            Server("ay-db-01", "ay-b01", "db 2", 1, height=2),
            Server("ay-web-01", "ay-b01", "web 3", 5),
        ],
        pools=[Pool("dba", "DBAs", 2), Pool("net", "Network team", 1)],
        services=[
            Service(
                "db",
                "Database",
                tier=0,
                restore_minutes=60,
                servers=["pg-db-01"],
                standby_servers=["ay-db-01"],
                needs={"dba": 1},
            ),
            Service(
                "auth",
                "Login",
                restore_minutes=20,
                servers=["pg-web-01", "ay-web-01"],
                needs={"net": 1, "dba": 1},
                depends_on=["db"],
                x=100,
                y=50,
            ),
            Service(
                "web",
                "Web",
                servers=["pg-web-02", "pg-web-01"],
                depends_on=["auth", "db"],
                steps=["restart", "check"],
            ),
            Service("mail", "Mail", depends_on=["auth"], x=5.5, y=-3),
        ],
        scenarios=[
            Scenario("fire", "Pangyo fire", failed=["pg"]),
            Scenario("rack", "Rack loss", failed=["pg-a01", "ay-db-01"]),
            Scenario("mixed", "Mixed", failed=["pg-db-01", "ay", "pg-a02"]),
        ],
        notes="sample",
    )


@pytest.fixture
def plan() -> Plan:
    made = sample_plan()
    assert validate(made) == []
    return made


def do_undo_redo(
    plan: Plan, edit: Edit, check: Callable[[Plan], None] | None = None
) -> tuple[Change, Change]:
    """Apply, check, revert (must restore exactly), apply again (must equal the first
    apply). Leaves the plan applied; returns the apply and revert changes."""
    before, before_json = copy.deepcopy(plan), plan_to_json(plan)
    change = edit.apply(plan)
    after, after_json = copy.deepcopy(plan), plan_to_json(plan)
    if check is not None:
        assert check(plan) is not False  # a check may assert, or return a bool
    undone = edit.revert(plan)
    assert plan == before
    assert plan_to_json(plan) == before_json
    assert edit.apply(plan) == change
    assert plan == after
    assert plan_to_json(plan) == after_json
    return change, undone


def ids(items: list) -> list[str]:
    return [item.id for item in items]


# Change


def test_change_composes_to_the_net_effect() -> None:
    added = Change.item_added("rack", "r")
    removed = Change.item_removed("rack", "r")
    assert not added.then(removed)
    replaced = removed.then(added)
    assert replaced.changed_ids("rack") == {"r"}
    assert "site" in replaced.changed_fields("rack", "r")
    name = Change.fields_changed("site", "s", {"name"})
    assert name.then(Change.fields_changed("site", "s", {"x"})).changed_fields("site", "s") == {
        "name",
        "x",
    }
    assert name.then(Change.item_removed("site", "s")) == Change.item_removed("site", "s")
    assert added.then(Change.fields_changed("rack", "r", {"x"})) == added
    assert name.kinds == {"site"} and not Change()
    assert (added.added_ids("rack"), removed.removed_ids("rack")) == ({"r"}, {"r"})


def test_apply_and_revert_must_alternate(plan: Plan) -> None:
    edit = SetFields("site", "pg", name="P")
    with pytest.raises(RuntimeError):
        edit.revert(plan)
    edit.apply(plan)
    with pytest.raises(RuntimeError, match="already applied"):
        edit.apply(plan)
    assert edit.applied


# AddItem / RemoveItem


def test_add_item_appends_or_inserts(plan: Plan) -> None:
    rack = Rack("pg-a03", "pg", "A03")
    change, undone = do_undo_redo(plan, AddItem("rack", rack))
    assert ids(plan.racks)[-1] == "pg-a03"
    assert change == Change.item_added("rack", "pg-a03")
    assert undone == Change.item_removed("rack", "pg-a03")
    edit = AddItem("pool", Pool("ops", "Ops", 3), index=0)
    assert edit.label == "Add pool Ops"
    do_undo_redo(plan, edit, lambda p: ids(p.pools) == ["ops", "dba", "net"])
    assert ids(plan.pools) == ["ops", "dba", "net"]


def test_add_item_never_aliases_the_callers_object(plan: Plan) -> None:
    service = Service("new", "New", servers=["pg-web-01"])
    edit = AddItem("service", service)
    edit.apply(plan)
    service.servers.append("junk")
    service.name = "changed"
    assert plan.services[-1] == Service("new", "New", servers=["pg-web-01"])
    assert plan.services[-1] is not service


def test_add_item_refuses_taken_blank_and_wrong_type(plan: Plan) -> None:
    before = copy.deepcopy(plan)
    # Sites, racks and servers share one namespace.
    with pytest.raises(EditRefused, match="already used"):
        AddItem("server", Server("pg", "pg-a01", "x", 10)).apply(plan)
    with pytest.raises(EditRefused, match="non-empty"):
        AddItem("pool", Pool(" ", "x", 1)).apply(plan)
    with pytest.raises(EditRefused, match="cannot insert"):
        AddItem("pool", Pool("p", "x", 1), index=7).apply(plan)
    with pytest.raises(TypeError):
        AddItem("rack", Site("s", "S"))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown kind"):
        AddItem("racks", Rack("r", "pg", "r"))
    assert plan == before


def test_remove_item_puts_the_same_object_back_at_its_index(plan: Plan) -> None:
    rack = plan.racks[1]
    edit = RemoveItem("rack", "pg-a02")
    change, _ = do_undo_redo(plan, edit, lambda p: ids(p.racks) == ["pg-a01", "ay-b01"])
    assert ids(plan.racks) == ["pg-a01", "ay-b01"]
    assert change == Change.item_removed("rack", "pg-a02")
    edit.revert(plan)
    assert plan.racks[1] is rack  # the very object, even after a redo
    fresh = sample_plan()
    RemoveItem("rack", "pg-a02").apply(fresh)
    with pytest.raises(EditRefused):
        RemoveItem("rack", "pg-a02").apply(fresh)
    with pytest.raises(EditRefused, match="at 0"):
        RemoveItem("rack", "ay-b01", index=0).apply(fresh)


# SetFields


def test_set_fields_sets_and_restores(plan: Plan) -> None:
    edit = SetFields("service", "web", name="Website", tier=1)
    change, undone = do_undo_redo(plan, edit)
    assert (plan.service("web").name, plan.service("web").tier) == ("Website", 1)
    assert change.changed == {("service", "web", "name"), ("service", "web", "tier")}
    assert undone == change
    assert edit.label == "Set name, tier of service web"


def test_set_fields_of_the_plan_itself(plan: Plan) -> None:
    change, _ = do_undo_redo(plan, SetFields("plan", PLAN_ID, name="DR 2027", notes=None))
    assert (plan.name, plan.notes) == ("DR 2027", None)
    assert change.changed_fields("plan", PLAN_ID) == {"name", "notes"}
    with pytest.raises(ValueError):
        SetFields("plan", "x", name="n")


def test_set_fields_copies_lists_and_dicts(plan: Plan) -> None:
    servers = ["pg-web-01"]
    needs = {"net": 1}
    edit = SetFields("service", "mail", servers=servers, needs=needs)
    servers.append("late")  # the caller keeps using its list
    edit.apply(plan)
    assert plan.service("mail").servers == ["pg-web-01"]
    assert plan.service("mail").servers is not edit.new_values["servers"]
    plan.service("mail").needs["dba"] = 1  # someone breaks the rule ...
    assert edit.new_values["needs"] == {"net": 1}  # ... the edit's value is not hit
    assert needs == {"net": 1}


def test_set_fields_checks_field_names_and_refuses_id() -> None:
    with pytest.raises(ValueError, match="no field 'colour'"):
        SetFields("site", "pg", colour="red")
    with pytest.raises(ValueError, match="RenameId"):
        SetFields("site", "pg", id="x")
    with pytest.raises(ValueError):
        SetFields("site", "pg")


def test_set_fields_on_a_missing_item_is_refused(plan: Plan) -> None:
    before = copy.deepcopy(plan)
    with pytest.raises(EditRefused, match="no site 'nowhere'"):
        SetFields("site", "nowhere", name="x").apply(plan)
    assert plan == before


def test_move_items_moves_several_at_once(plan: Plan) -> None:
    edit = MoveItems("rack", {"pg-a01": (15, 25), "pg-a02": (40.5, 25)})
    change, _ = do_undo_redo(plan, edit)
    assert [(r.x, r.y) for r in plan.racks] == [(15, 25), (40.5, 25), (510, 20)]
    assert change.changed_ids("rack") == {"pg-a01", "pg-a02"}
    assert change.changed_fields("rack", "pg-a02") == {"x", "y"}
    assert edit.label == "Move 2 racks"
    assert MoveItems("service", {"mail": (0, 0)}).label == "Move service mail"


def test_move_items_is_all_or_nothing(plan: Plan) -> None:
    before = copy.deepcopy(plan)
    with pytest.raises(EditRefused):
        MoveItems("site", {"pg": (1, 2), "gone": (3, 4)}).apply(plan)
    assert plan == before
    with pytest.raises(ValueError):
        MoveItems("server", {"pg-web-01": (1, 2)})


def test_place_servers_moves_between_racks(plan: Plan) -> None:
    edit = PlaceServers({"pg-web-01": ("ay-b01", 8), "pg-web-02": ("pg-a01", 1)})
    change, _ = do_undo_redo(plan, edit)
    assert (plan.server("pg-web-01").rack, plan.server("pg-web-01").position) == ("ay-b01", 8)
    assert change.changed_fields("server", "pg-web-02") == {"rack", "position"}
    before = copy.deepcopy(plan)
    with pytest.raises(EditRefused, match="no rack 'r9'"):
        PlaceServers({"pg-web-01": ("pg-a01", 1), "ay-db-01": ("r9", 1)}).apply(plan)
    assert plan == before


def test_place_servers_refuses_overlaps_and_units_outside(plan: Plan) -> None:
    with pytest.raises(EditRefused, match="overlap server 'pg-db-01'"):
        place_servers(plan, {"pg-web-02": ("pg-a01", 4)})
    with pytest.raises(EditRefused, match="units 12-13"):
        place_servers(plan, {"ay-db-01": ("pg-a02", 12)})
    with pytest.raises(EditRefused, match="overlap server 'pg-web-02'"):
        place_servers(plan, {"pg-web-02": ("ay-b01", 10), "ay-web-01": ("ay-b01", 10)})
    # Swapping two servers is fine: neither stays where the other lands.
    swap = place_servers(plan, {"pg-web-01": ("pg-a02", 1), "pg-web-02": ("pg-a01", 1)})
    do_undo_redo(plan, swap)
    assert validate(plan) == []


# Composite


def test_composite_applies_in_order_and_reverts_in_reverse(plan: Plan) -> None:
    edit = Composite(
        "Add and place",
        [
            AddItem("rack", Rack("pg-a03", "pg", "A03")),
            AddItem("server", Server("pg-new", "pg-a03", "new", 1)),
            SetFields("rack", "pg-a03", name="A03 (new)"),
        ],
    )
    change, undone = do_undo_redo(plan, edit)
    assert plan.rack("pg-a03").name == "A03 (new)"
    assert change.added == {("rack", "pg-a03"), ("server", "pg-new")}
    assert not change.changed  # fields of a new item are part of "added"
    assert undone.removed == change.added


def test_composite_is_atomic_when_a_child_refuses(plan: Plan) -> None:
    before = copy.deepcopy(plan)
    edit = Composite(
        "Broken",
        [SetFields("site", "pg", name="X"), RemoveItem("rack", "pg-a01"), RemoveItem("rack", "?")],
    )
    with pytest.raises(EditRefused):
        edit.apply(plan)
    assert plan == before
    assert not edit.applied and not any(child.applied for child in edit.edits)


# RenameId


def test_rename_site_rewrites_racks_and_scenarios(plan: Plan) -> None:
    change, undone = do_undo_redo(plan, RenameId("site", "pg", "pangyo"))
    assert ids(plan.sites) == ["pangyo", "ay"]
    assert [r.site for r in plan.racks] == ["pangyo", "pangyo", "ay"]
    assert plan.scenario("fire").failed == ["pangyo"]
    assert change.removed == {("site", "pg")} and change.added == {("site", "pangyo")}
    assert change.changed_ids("rack") == {"pg-a01", "pg-a02"}
    assert change.changed_fields("scenario", "fire") == {"failed"}
    assert undone.removed == {("site", "pangyo")} and undone.added == {("site", "pg")}
    assert validate(plan) == []


def test_rename_server_rewrites_services_and_scenarios_in_place(plan: Plan) -> None:
    do_undo_redo(plan, RenameId("server", "pg-web-01", "web-a"))
    assert plan.service("auth").servers == ["web-a", "ay-web-01"]
    assert plan.service("web").servers == ["pg-web-02", "web-a"]  # order kept
    do_undo_redo(plan, RenameId("server", "ay-db-01", "db-b"))
    assert plan.service("db").standby_servers == ["db-b"]
    assert plan.scenario("rack").failed == ["pg-a01", "db-b"]
    do_undo_redo(plan, RenameId("rack", "pg-a01", "A1"))
    assert [s.rack for s in plan.servers[:2]] == ["A1", "A1"]
    assert plan.scenario("rack").failed == ["A1", "db-b"]
    assert validate(plan) == []


def test_rename_pool_keeps_the_order_of_needs(plan: Plan) -> None:
    do_undo_redo(plan, RenameId("pool", "net", "network"))
    assert list(plan.service("auth").needs.items()) == [("network", 1), ("dba", 1)]


def test_rename_service_rewrites_depends_on_including_its_own(plan: Plan) -> None:
    plan.service("mail").depends_on.append("mail")  # a broken plan: a self-dependency
    do_undo_redo(plan, RenameId("service", "auth", "login"))
    assert plan.service("web").depends_on == ["login", "db"]
    do_undo_redo(plan, RenameId("service", "mail", "post"))
    assert plan.service("post").depends_on == ["login", "post"]


def test_rename_refuses_taken_blank_and_same_ids(plan: Plan) -> None:
    before = copy.deepcopy(plan)
    with pytest.raises(EditRefused, match="already used"):
        RenameId("server", "pg-web-01", "ay").apply(plan)  # a site's id: one namespace
    with pytest.raises(EditRefused, match="non-empty"):
        RenameId("pool", "net", "").apply(plan)
    with pytest.raises(EditRefused, match="already called"):
        RenameId("pool", "net", "net").apply(plan)
    with pytest.raises(EditRefused, match="no pool"):
        RenameId("pool", "nope", "x").apply(plan)
    assert plan == before
    # A pool id may equal a server id: pools have their own namespace.
    do_undo_redo(plan, RenameId("pool", "net", "pg-web-01"))


def test_rename_of_a_repeated_id_renames_one_and_leaves_references(plan: Plan) -> None:
    plan.racks.append(Rack("pg", "ay", "same id as a site"))  # broken: shared namespace
    do_undo_redo(plan, RenameId("rack", "pg", "ay-b02"))
    assert ids(plan.racks)[-1] == "ay-b02"
    assert plan.scenario("fire").failed == ["pg"]  # still means the site
    assert validate(plan) == []


# delete_items


def test_deleting_a_site_is_one_composite_that_restores_every_reference(plan: Plan) -> None:
    original = copy.deepcopy(plan)
    edit = delete_items(plan, [("site", "pg")])
    assert isinstance(edit, Composite)
    assert edit.label == "Delete site Pangyo"

    def check(p: Plan) -> None:
        assert ids(p.sites) == ["ay"]
        assert ids(p.racks) == ["ay-b01"]
        assert ids(p.servers) == ["ay-db-01", "ay-web-01"]
        assert p.service("db").servers == [] and p.service("db").standby_servers == ["ay-db-01"]
        assert p.service("auth").servers == ["ay-web-01"]
        assert p.service("web").servers == []
        assert p.scenario("fire").failed == []
        assert p.scenario("rack").failed == ["ay-db-01"]
        assert p.scenario("mixed").failed == ["ay"]
        assert validate(p) == []

    change, undone = do_undo_redo(plan, edit, check)
    assert change.removed_ids("site") == {"pg"}
    assert change.removed_ids("rack") == {"pg-a01", "pg-a02"}
    assert change.removed_ids("server") == {"pg-web-01", "pg-db-01", "pg-web-02"}
    assert change.changed_ids("service") == {"db", "auth", "web"}
    assert change.changed_ids("scenario") == {"fire", "rack", "mixed"}
    assert undone.added == change.removed
    edit.revert(plan)
    assert plan == original
    # Every reference is back in its original order, not just the same set.
    assert plan.service("web").servers == ["pg-web-02", "pg-web-01"]
    assert plan.scenario("mixed").failed == ["pg-db-01", "ay", "pg-a02"]
    assert [ids(getattr(plan, n)) for n in ("sites", "racks", "servers")] == [
        ids(getattr(original, n)) for n in ("sites", "racks", "servers")
    ]


def test_deleting_a_rack_takes_its_servers_and_scenario_entries(plan: Plan) -> None:
    edit = delete_items(plan, [("rack", "pg-a01")])
    do_undo_redo(plan, edit)
    assert ids(plan.racks) == ["pg-a02", "ay-b01"]
    assert ids(plan.servers) == ["pg-web-02", "ay-db-01", "ay-web-01"]
    assert plan.scenario("rack").failed == ["ay-db-01"]
    assert plan.scenario("mixed").failed == ["ay", "pg-a02"]
    assert validate(plan) == []


def test_deleting_services_pools_and_scenarios_drops_their_references(plan: Plan) -> None:
    edit = delete_items(plan, [("service", "auth"), ("pool", "dba"), ("scenario", "fire")])
    assert edit.label == "Delete 3 items"
    do_undo_redo(plan, edit)
    assert plan.service("web").depends_on == ["db"]
    assert plan.service("mail").depends_on == []
    assert plan.service("db").needs == {}
    assert ids(plan.scenarios) == ["rack", "mixed"]
    assert validate(plan) == []


def test_delete_handles_repeats_and_refuses_unknown_items(plan: Plan) -> None:
    edit = delete_items(
        plan, [("server", "pg-web-01"), ("server", "pg-web-01"), ("server", "pg-web-02")]
    )
    assert edit.label == "Delete 2 servers"
    assert sum(isinstance(e, RemoveItem) for e in edit.edits) == 2
    do_undo_redo(plan, edit)
    assert plan.service("web").servers == []
    # A site together with one of its racks: the rack is deleted once.
    both = delete_items(plan, [("rack", "pg-a01"), ("site", "pg")])
    assert sum(isinstance(e, RemoveItem) for e in both.edits) == 4
    do_undo_redo(plan, both)
    with pytest.raises(EditRefused, match="no rack 'zz'"):
        delete_items(plan, [("rack", "zz")])
    with pytest.raises(EditRefused, match="nothing"):
        delete_items(plan, [])


def test_delete_keeps_references_that_still_resolve_in_a_broken_plan(plan: Plan) -> None:
    # A rack repeating a site's id: deleting the site leaves "pg" meaning the rack.
    plan.racks.append(Rack("pg", "ay", "oddly named"))
    edit = delete_items(plan, [("site", "pg")])
    do_undo_redo(plan, edit)
    assert plan.scenario("fire").failed == ["pg"]
    # Two servers with one id: deleting one keeps the services' references.
    plan.servers.append(Server("ay-web-01", "ay-b01", "twin", 9))
    do_undo_redo(plan, delete_items(plan, [("server", "ay-web-01")]))
    assert plan.service("auth").servers == ["ay-web-01"]
    assert ids(plan.servers).count("ay-web-01") == 1
    assert plan.servers[-1].name == "twin"  # the first one went, as Plan.server() finds


# Dependencies


def test_add_and_remove_dependency(plan: Plan) -> None:
    edit = add_dependency(plan, "mail", "db")
    assert edit.label == "Make Mail depend on Database"
    do_undo_redo(plan, edit)
    assert plan.service("mail").depends_on == ["auth", "db"]
    edit = remove_dependency(plan, "web", "auth")
    do_undo_redo(plan, edit)
    assert plan.service("web").depends_on == ["db"]
    with pytest.raises(EditRefused, match="does not depend"):
        remove_dependency(plan, "web", "auth")
    with pytest.raises(EditRefused, match="already depends"):
        add_dependency(plan, "web", "db")
    with pytest.raises(EditRefused, match="no service 'ghost'"):
        add_dependency(plan, "web", "ghost")


@pytest.mark.parametrize(
    ("service", "dependency", "cycle"),
    [
        ("db", "db", "db -> db"),
        ("db", "web", "db -> web -> db"),
        ("db", "mail", "db -> mail -> auth -> db"),
        ("auth", "mail", "auth -> mail -> auth"),
    ],
)
def test_add_dependency_refuses_a_cycle_and_names_it(
    plan: Plan, service: str, dependency: str, cycle: str
) -> None:
    before = copy.deepcopy(plan)
    with pytest.raises(CycleRefused) as refused:
        add_dependency(plan, service, dependency)
    assert cycle in str(refused.value)
    assert " -> ".join(refused.value.cycle) == cycle
    assert isinstance(refused.value, EditRefused)
    assert plan == before


def typed_cycle_plan() -> Plan:
    """The issue's plan: reports needs db, db needs dns; dns is about to need reports."""
    return Plan(
        name="typed",
        services=[
            Service("dns", "DNS"),
            Service("reports", "Reports", depends_on=["db"]),
            Service("db", "Database", depends_on=["dns"]),
        ],
    )


def refused_cycle(plan: Plan, edit: Edit) -> tuple[str, ...]:
    """Apply ``edit``, which must be refused as a cycle leaving the plan untouched."""
    before, before_json = copy.deepcopy(plan), plan_to_json(plan)
    with pytest.raises(CycleRefused) as refused:
        edit.apply(plan)
    assert plan == before and plan_to_json(plan) == before_json
    assert not edit.applied
    assert " -> ".join(refused.value.cycle) in str(refused.value)
    return refused.value.cycle


def test_typed_depends_on_that_closes_a_cycle_is_refused_with_the_cycle_named() -> None:
    plan = typed_cycle_plan()
    edit = SetFields("service", "dns", depends_on=["reports"])  # what the properties field pushes
    assert refused_cycle(plan, edit) == ("dns", "reports", "db", "dns")
    # the canvas's gesture gets the same rule and the same words
    with pytest.raises(CycleRefused) as drawn:
        add_dependency(plan, "dns", "reports")
    with pytest.raises(CycleRefused) as typed:
        edit.apply(plan)
    assert str(drawn.value) == str(typed.value)


def test_every_field_edit_path_gets_the_cycle_rule() -> None:
    plan = typed_cycle_plan()
    assert refused_cycle(plan, SetFields("service", "dns", depends_on=["dns"])) == ("dns", "dns")
    # a multi-selection edit: the second child closes the cycle, the first is undone too
    composite = Composite(
        "Set depends_on of 2 services",
        [
            SetFields("service", "reports", depends_on=["db", "dns"]),
            SetFields("service", "dns", depends_on=["reports"]),
        ],
    )
    assert refused_cycle(plan, composite)[0] == "dns"
    rewrite = Rewrite("Drop references", [("service", 0, "depends_on", ["db"])])
    assert refused_cycle(plan, rewrite) == ("dns", "db", "dns")


def test_adding_or_renaming_a_service_cannot_close_a_cycle_through_a_dangling_link() -> None:
    plan = typed_cycle_plan()
    plan.services[0].depends_on = ["ghost"]  # dns -> ghost, unknown until ghost exists
    added = AddItem("service", Service("ghost", "Ghost", depends_on=["reports"]))
    assert refused_cycle(plan, added) == ("ghost", "reports", "db", "dns", "ghost")
    plan.services.append(Service("spare", "Spare", depends_on=["db"]))
    assert refused_cycle(plan, RenameId("service", "spare", "ghost"))[0] == "ghost"


def test_removing_links_or_keeping_old_ones_is_never_refused() -> None:
    plan = typed_cycle_plan()
    plan.services[0].depends_on = ["reports"]  # a cycle already in a broken plan
    do_undo_redo(plan, SetFields("service", "dns", depends_on=["reports", "dns-cache"]))
    do_undo_redo(plan, SetFields("service", "dns", depends_on=[]))
    assert plan.service("dns").depends_on == []
    do_undo_redo(plan, SetFields("service", "db", depends_on=["dns", "reports-cache"]))


# Assigning services to servers


def test_assign_service_appends_and_moves_between_active_and_standby(plan: Plan) -> None:
    edit = assign_service(plan, "mail", ["pg-web-02", "ay-web-01", "pg-web-02"])
    assert edit.label == "Assign Mail to 2 servers"
    do_undo_redo(plan, edit)
    assert plan.service("mail").servers == ["pg-web-02", "ay-web-01"]
    edit = assign_service(plan, "mail", ["ay-web-01"], standby=True)
    assert edit.label == "Assign Mail to server web 3 as standby"
    do_undo_redo(plan, edit)
    assert plan.service("mail").servers == ["pg-web-02"]
    assert plan.service("mail").standby_servers == ["ay-web-01"]
    with pytest.raises(EditRefused, match="already runs"):
        assign_service(plan, "mail", ["pg-web-02"])
    with pytest.raises(EditRefused, match="no server 'nope'"):
        assign_service(plan, "mail", ["nope"])
    assert validate(plan) == []


def test_unassign_service_takes_servers_from_both_lists(plan: Plan) -> None:
    edit = unassign_service(plan, "db", ["pg-db-01", "ay-db-01"])
    change, _ = do_undo_redo(plan, edit)
    assert plan.service("db").servers == [] and plan.service("db").standby_servers == []
    assert change.changed_fields("service", "db") == {"servers", "standby_servers"}
    with pytest.raises(EditRefused, match="does not run on"):
        unassign_service(plan, "db", ["pg-db-01"])


# new_id, copy and paste


def test_new_id_respects_the_shared_namespace(plan: Plan) -> None:
    plan.sites.append(Site("rack-1", "a site with a rack-like id"))
    assert new_id(plan, "rack", "rack-") == "rack-2"
    assert new_id(plan, "server", "rack-", taken={"rack-2"}) == "rack-3"
    assert new_id(plan, "pool", "rack-") == "rack-1"  # pools are their own namespace
    with pytest.raises(ValueError):
        new_id(plan, "plan", "x")


def test_pasting_a_rack_copies_its_servers_with_fresh_ids(plan: Plan) -> None:
    clipboard = copy_items(plan, [("rack", "pg-a01")])
    assert [type(i).__name__ for i in clipboard] == ["Rack", "Server", "Server"]
    edit = paste_items(plan, clipboard, offset=(30, 40))
    assert edit.label == "Paste 3 items"
    change, _ = do_undo_redo(plan, edit)
    rack = plan.racks[-1]
    assert (rack.id, rack.site, rack.x, rack.y) == ("pg-a01-copy-1", "pg", 40, 60)
    assert [(s.id, s.rack, s.position) for s in plan.servers[-2:]] == [
        ("pg-web-01-copy-1", "pg-a01-copy-1", 1),
        ("pg-db-01-copy-1", "pg-a01-copy-1", 3),
    ]
    assert change.added_ids("server") == {"pg-web-01-copy-1", "pg-db-01-copy-1"}
    assert validate(plan) == []
    # Pasting again gives other fresh ids.
    again = paste_items(plan, clipboard)
    do_undo_redo(plan, again)
    assert plan.racks[-1].id == "pg-a01-copy-2"
    assert validate(plan) == []


def test_paste_remaps_references_inside_the_copied_set_only(plan: Plan) -> None:
    clipboard = copy_items(
        plan,
        [("site", "ay"), ("service", "db"), ("service", "auth"), ("pool", "net")],
    )
    clipboard += copy_items(plan, [("scenario", "mixed")])
    do_undo_redo(plan, paste_items(plan, clipboard, offset=(0, 100)))
    db, auth = plan.services[-2:]
    assert (db.id, auth.id) == ("db-copy-1", "auth-copy-1")
    assert db.servers == ["pg-db-01"]  # not copied: still the original server
    assert db.standby_servers == ["ay-db-01-copy-1"]  # copied with its site
    assert auth.depends_on == ["db-copy-1"]
    assert list(auth.needs) == ["net-copy-1", "dba"]
    assert plan.scenarios[-1].failed == ["pg-db-01", "ay-copy-1", "pg-a02"]
    assert (plan.sites[-1].x, plan.sites[-1].y) == (500, 100)
    assert auth.x == 100 and auth.y == 150 and db.x is None
    assert validate(plan) == []


def test_cut_and_paste_restores_a_deleted_site(plan: Plan) -> None:
    clipboard = copy_items(plan, [("site", "pg")])
    delete_items(plan, [("site", "pg")]).apply(plan)
    edit = paste_items(plan, clipboard)
    do_undo_redo(plan, edit)
    assert ids(plan.sites) == ["ay", "pg-copy-1"]
    assert [r.site for r in plan.racks] == ["ay", "pg-copy-1", "pg-copy-1"]
    assert validate(plan) == []
    with pytest.raises(EditRefused):
        paste_items(plan, [])
    single = paste_items(plan, [Pool("p", "Spare", 1)])
    assert single.label == "Paste pool Spare"


def test_rewrite_checks_fields_and_indices(plan: Plan) -> None:
    with pytest.raises(ValueError):
        Rewrite("x", [("site", 0, "id", "new")])
    with pytest.raises(EditRefused):
        Rewrite("x", [("site", 9, "name", "new")]).apply(plan)


def test_the_edit_layer_does_not_import_qt() -> None:
    import subprocess
    import sys

    code = (
        "import planner.model.edits, sys; print(any(m.startswith('PySide6') for m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


# Properties

IDS = ["a", "b", "c", "서울", "x y"]
_id = st.sampled_from(IDS)
_xy = st.one_of(st.none(), st.integers(-100, 100), st.sampled_from([0.5, -2.25]))
_names = st.sampled_from(["", "A", "판교", "a b"])


@st.composite
def small_plans(draw: st.DrawFn) -> Plan:
    """Plans over a few ids: references sometimes dangle, ids sometimes repeat."""
    lists = st.lists
    return Plan(
        name=draw(_names),
        sites=draw(lists(st.builds(Site, _id, _names, x=_xy, y=_xy), max_size=3)),
        domains=draw(
            lists(st.builds(Domain, _id, _names, _names, site=st.none() | _id), max_size=2)
        ),
        racks=draw(
            lists(
                st.builds(Rack, _id, _id, _names, domains=lists(_id, max_size=2), x=_xy, y=_xy),
                max_size=3,
            )
        ),
        servers=draw(
            lists(
                st.builds(
                    Server, _id, _id, _names, st.integers(1, 5), domains=lists(_id, max_size=1)
                ),
                max_size=4,
            )
        ),
        pools=draw(lists(st.builds(Pool, _id, _names, st.integers(1, 3)), max_size=2)),
        services=draw(
            lists(
                st.builds(
                    Service,
                    _id,
                    _names,
                    servers=lists(_id, max_size=3),
                    standby_servers=lists(_id, max_size=2),
                    needs=st.dictionaries(_id, st.integers(1, 3), max_size=2),
                    failover_needs=st.none() | st.dictionaries(_id, st.integers(1, 3), max_size=1),
                    restart_needs=st.none() | st.dictionaries(_id, st.integers(1, 3), max_size=1),
                    depends_on=lists(_id, max_size=3),
                    x=_xy,
                ),
                max_size=4,
            )
        ),
        scenarios=draw(
            lists(
                st.builds(
                    Scenario,
                    _id,
                    _names,
                    lists(_id, max_size=3),
                    returns=st.dictionaries(_id, st.integers(0, 90), max_size=2),
                ),
                max_size=2,
            )
        ),
    )


def _some(data: st.DataObject, plan: Plan, kind: str) -> str:
    present = [item.id for item in getattr(plan, kind + "s")]
    return data.draw(st.sampled_from(present + IDS))


def draw_edit(data: st.DataObject, plan: Plan) -> Edit:
    """A random edit for the plan as it is now (it may still refuse when applied)."""
    kind = data.draw(st.sampled_from(ITEM_KINDS))
    fresh = new_id(plan, kind, "n")
    op = data.draw(
        st.sampled_from(
            [
                "add",
                "remove",
                "set",
                "plan",
                "move",
                "place",
                "rename",
                "delete",
                "dependency",
                "undepend",
                "assign",
                "unassign",
                "paste",
                "composite",
            ]
        )
    )
    if op == "add":
        item = {
            "site": Site(fresh, "S", x=1),
            "domain": Domain(fresh, "D", "power", site=_some(data, plan, "site")),
            "rack": Rack(
                fresh, _some(data, plan, "site"), "R", domains=[_some(data, plan, "domain")]
            ),
            "server": Server(fresh, _some(data, plan, "rack"), "H", 2),
            "pool": Pool(fresh, "P", 2),
            "service": Service(fresh, "V", servers=[_some(data, plan, "server")]),
            "scenario": Scenario(fresh, "F", failed=[_some(data, plan, "site")]),
        }[kind]
        size = len(getattr(plan, kind + "s"))
        return AddItem(kind, item, data.draw(st.one_of(st.none(), st.integers(0, size))))
    if op == "remove":
        return RemoveItem(kind, _some(data, plan, kind))
    if op == "set":
        return SetFields(kind, _some(data, plan, kind), name=data.draw(_names), notes="n")
    if op == "plan":
        return SetFields("plan", PLAN_ID, name=data.draw(_names), extra={"k": [1]})
    if op == "move":
        movable = data.draw(st.sampled_from(["site", "rack", "service"]))
        chosen = data.draw(st.lists(st.sampled_from(IDS), min_size=1, max_size=3))
        return MoveItems(movable, {i: (data.draw(_xy), data.draw(_xy)) for i in chosen})
    if op == "place":
        return PlaceServers({_some(data, plan, "server"): (_some(data, plan, "rack"), 3)})
    if op == "rename":
        return RenameId(
            kind, _some(data, plan, kind), data.draw(st.sampled_from([*IDS, fresh, fresh]))
        )
    if op == "delete":
        targets = [
            (k, _some(data, plan, k))
            for k in data.draw(st.lists(st.sampled_from(ITEM_KINDS), max_size=3))
        ]
        return delete_items(plan, targets)
    if op == "dependency":
        return add_dependency(plan, _some(data, plan, "service"), _some(data, plan, "service"))
    if op == "undepend":
        return remove_dependency(plan, _some(data, plan, "service"), _some(data, plan, "service"))
    if op == "assign":
        servers = [_some(data, plan, "server") for _ in range(data.draw(st.integers(1, 2)))]
        return assign_service(plan, _some(data, plan, "service"), servers, data.draw(st.booleans()))
    if op == "unassign":
        return unassign_service(plan, _some(data, plan, "service"), [_some(data, plan, "server")])
    if op == "paste":
        targets = [
            (k, _some(data, plan, k))
            for k in data.draw(st.lists(st.sampled_from(ITEM_KINDS), max_size=3))
        ]
        return paste_items(plan, copy_items(plan, targets), (1, 2))
    return Composite(
        "Several", [draw_edit(data, plan) for _ in range(data.draw(st.integers(0, 2)))]
    )


def _exists(plan: Plan, kind: str, item_id: str) -> bool:
    if kind == "plan":
        return item_id == PLAN_ID
    return any(item.id == item_id for item in getattr(plan, kind + "s"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_edits_reverted_in_reverse_order_restore_the_plan(data: st.DataObject) -> None:
    plan = data.draw(small_plans())
    original, original_json = copy.deepcopy(plan), plan_to_json(plan)
    history: list[tuple[Edit, Plan]] = []
    for _ in range(data.draw(st.integers(1, 8))):
        before = copy.deepcopy(plan)
        try:
            edit = draw_edit(data, plan)
            change = edit.apply(plan)
        except EditRefused:
            assert plan == before  # a refusal leaves the plan untouched
            continue
        # A view may look up everything a change says was added or changed.
        for kind, item_id in change.added:
            assert _exists(plan, kind, item_id)
        for kind, item_id, _ in change.changed:
            assert _exists(plan, kind, item_id)
        after = copy.deepcopy(plan)
        edit.revert(plan)
        assert plan == before
        edit.apply(plan)
        assert plan == after
        history.append((edit, before))
    for edit, before in reversed(history):
        edit.revert(plan)
        assert plan == before
    assert plan == original
    assert plan_to_json(plan) == original_json


ALL_ITEMS = [(kind, item.id) for kind in ITEM_KINDS for item in getattr(sample_plan(), kind + "s")]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(ALL_ITEMS), min_size=1, max_size=6))
def test_deleting_anything_from_a_valid_plan_leaves_it_valid(targets: list) -> None:
    plan = sample_plan()
    original = copy.deepcopy(plan)
    edit = delete_items(plan, targets)
    edit.apply(plan)
    assert validate(plan) == []
    for kind, item_id in targets:
        assert not _exists(plan, kind, item_id)
    edit.revert(plan)
    assert plan == original
