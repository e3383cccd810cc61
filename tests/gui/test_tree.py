"""The plan tree updates the rows a change names and leaves the others alone."""

from __future__ import annotations

import contextlib
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtWidgets import QTreeWidgetItem

from planner.gui.document import PlanDocument
from planner.gui.tree import KEY_ROLE, PlanTree
from planner.model import Plan, Pool, Rack, Scenario, Server, Service, Site
from planner.model.edits import (
    AddItem,
    EditRefused,
    RenameId,
    SetFields,
    delete_items,
    place_servers,
)
from planner.model.edits.change import LISTS
from tests.test_edits import draw_edit, small_plans


def plan() -> Plan:
    return Plan(
        name="tree",
        sites=[Site("A", "Anyang"), Site("B", "Busan")],
        racks=[Rack("r1", "A", "R1"), Rack("r2", "A", "R2"), Rack("r3", "B", "R3")],
        servers=[
            Server("h1", "r1", "H1", 1),
            Server("h2", "r1", "H2", 3),
            Server("h3", "r2", "H3", 1),
            Server("h4", "r3", "H4", 5),
        ],
        pools=[Pool("crew", "Crew", 2)],
        services=[Service("db", "DB", servers=["h1"]), Service("web", "Web", depends_on=["db"])],
        scenarios=[Scenario("fire", "Fire", ["A"])],
    )


def rows(tree: PlanTree) -> dict[tuple[str, str], QTreeWidgetItem]:
    """Every row but placeholders by key, walking the widget (not the tree's own index)."""
    found: dict[tuple[str, str], QTreeWidgetItem] = {}
    stack = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while stack:
        item = stack.pop()
        if item.text(0) != "…":  # a placeholder: a rack's servers not listed yet
            found[tuple(item.data(0, KEY_ROLE))] = item
        stack.extend(item.child(i) for i in range(item.childCount()))
    return found


def shape(item: QTreeWidgetItem) -> tuple[Any, ...]:
    children = tuple(shape(item.child(i)) for i in range(item.childCount()))
    return (tuple(item.data(0, KEY_ROLE)), item.text(0), item.toolTip(0), children)


def same_as_fresh(tree: PlanTree) -> None:
    """The tree equals one built from scratch on the same plan (racks filled alike)."""
    fresh = PlanTree(PlanDocument(tree.document.plan))

    def fill_like(kept: QTreeWidgetItem, built: QTreeWidgetItem) -> None:
        listed = kept.childCount() and kept.child(0).text(0) != "…"
        if kept.data(0, KEY_ROLE)[0] == "rack" and listed:
            built.setExpanded(True)  # lists its servers, as the kept one does
        for i in range(min(kept.childCount(), built.childCount())):
            fill_like(kept.child(i), built.child(i))

    for i in range(min(tree.topLevelItemCount(), fresh.topLevelItemCount())):
        fill_like(tree.topLevelItem(i), fresh.topLevelItem(i))
    built = [shape(fresh.topLevelItem(i)) for i in range(fresh.topLevelItemCount())]
    kept = [shape(tree.topLevelItem(i)) for i in range(tree.topLevelItemCount())]
    fresh.deleteLater()
    assert kept == built


def test_an_edit_replaces_no_row_it_does_not_name(qtbot) -> None:
    doc = PlanDocument(plan())
    tree = PlanTree(doc)
    qtbot.addWidget(tree)
    tree.item_for("rack", "r1").setExpanded(True)  # type: ignore[union-attr]
    tree.item_for("site", "B").setExpanded(False)  # type: ignore[union-attr]
    doc.select([("service", "web"), ("server", "h2")])
    before = rows(tree)

    doc.push(SetFields("service", "db", name="Database"))
    after = rows(tree)
    assert after.keys() == before.keys()
    assert all(after[key] is before[key] for key in before)
    assert after[("service", "db")].text(0) == "Database"

    doc.push(AddItem("service", Service("api", "API"), index=1))
    after = rows(tree)
    assert all(after[key] is before[key] for key in before)
    services = after[("group", "service")]
    assert [services.child(i).text(0) for i in range(3)] == ["Database", "API", "Web"]
    assert services.text(0) == "Services (3)"

    doc.push(place_servers(doc.plan, {"h3": ("r1", 10)}))  # from r2 (closed) into r1 (open)
    after = rows(tree)
    assert all(after[key] is before[key] for key in before if key != ("server", "h3"))
    assert after[("rack", "r1")].text(0) == "R1  (3)"
    assert after[("rack", "r2")].text(0) == "R2  (0)"
    assert after[("rack", "r1")].isExpanded() and not after[("site", "B")].isExpanded()

    doc.push(RenameId("site", "A", "C"))  # racks r1, r2 move to the new site row
    after = rows(tree)
    assert ("site", "A") not in after and after[("site", "C")].text(0) == "Anyang"
    assert after[("rack", "r1")] is before[("rack", "r1")]
    assert after[("rack", "r1")].parent() is after[("site", "C")]
    assert after[("rack", "r1")].isExpanded()
    assert all(after[key] is before[key] for key in before if key[0] in ("pool", "scenario"))
    assert {tuple(i.data(0, KEY_ROLE)) for i in tree.selectedItems()} == set(doc.selection)
    same_as_fresh(tree)

    while doc.undo_stack.canUndo():
        doc.undo_stack.undo()
        same_as_fresh(tree)
    assert rows(tree)[("service", "web")] is before[("service", "web")]
    assert rows(tree)[("service", "web")].isSelected()


def test_deleting_a_site_takes_its_rows_and_undo_brings_them_back(qtbot) -> None:
    doc = PlanDocument(plan())
    tree = PlanTree(doc)
    qtbot.addWidget(tree)
    kept = rows(tree)[("service", "db")]
    doc.push(delete_items(doc.plan, [("site", "A")]))
    assert ("rack", "r1") not in rows(tree) and tree.item_for("rack", "r1") is None
    assert tree.item_for("site", "A") is None
    same_as_fresh(tree)
    doc.undo_stack.undo()
    assert rows(tree)[("service", "db")] is kept
    same_as_fresh(tree)


def without_repeated_ids(plan: Plan) -> Plan:
    """The plan with each kind's later repeats of an id dropped (a broken plan that
    repeats one is rebuilt whole, so random plans mostly must not)."""
    for name in LISTS.values():
        unique = {item.id: item for item in reversed(getattr(plan, name))}
        setattr(plan, name, [item for item in getattr(plan, name) if unique[item.id] is item])
    return plan


PLANS = st.one_of(*[small_plans().map(without_repeated_ids)] * 3, small_plans())


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_after_random_edits_and_undos_the_tree_equals_a_fresh_one(qapp, data) -> None:
    doc = PlanDocument(data.draw(PLANS))
    tree = PlanTree(doc)
    for key, item in rows(tree).items():  # some racks open (filled), some not
        if key[0] == "rack" and data.draw(st.booleans()):
            item.setExpanded(True)
    for _ in range(data.draw(st.integers(1, 16))):
        step = data.draw(st.sampled_from(["edit"] * 5 + ["undo", "redo", "select"]))
        if step == "undo":
            doc.undo_stack.undo()
        elif step == "redo":
            doc.undo_stack.redo()
        elif step == "select":
            keys = [key for key in rows(tree) if key[0] not in ("group", "placeholder")]
            doc.select(data.draw(st.lists(st.sampled_from(keys), max_size=2)) if keys else [])
        else:
            with contextlib.suppress(EditRefused):  # a builder refused: nothing pushed
                doc.push(draw_edit(data, doc.plan))
        same_as_fresh(tree)
        shown = {tuple(i.data(0, KEY_ROLE)) for i in tree.selectedItems()}
        assert shown == {key for key in doc.selection if key in rows(tree)}
    tree.deleteLater()
