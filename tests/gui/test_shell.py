"""Plan tree, properties dock and autosave, each against the model and the undo stack."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from planner.gui.autosave import Autosaver
from planner.gui.document import PlanDocument
from planner.gui.properties import PropertiesPanel
from planner.gui.tree import KEY_ROLE, PlanTree
from planner.model import Plan, Pool, Rack, Scenario, Server, Service, Site
from planner.model.edits import SetFields
from planner.storage import load_plan, save_plan


def plan() -> Plan:
    return Plan(
        name="small",
        sites=[Site("A", "판교 Pangyo")],
        racks=[Rack("r", "A", "R1")],
        servers=[Server("h1", "r", "H1", 1), Server("h2", "r", "H2", 3, 2)],
        pools=[Pool("crew", "Crew", 2)],
        services=[
            Service("db", "DB", restore_minutes=90, servers=["h1"], tier=0),
            Service("web", "Web", restore_minutes=30, servers=["h2"], depends_on=["db"], tier=0),
        ],
        scenarios=[Scenario("fire", "Fire", ["A"])],
    )


def test_tree_mirrors_plan_and_shares_selection(qtbot) -> None:
    doc = PlanDocument(plan())
    tree = PlanTree(doc)
    qtbot.addWidget(tree)
    rack = tree.item_for("rack", "r")
    assert rack is not None and rack.text(0) == "R1  (2)"
    rack.setExpanded(True)  # servers appear only when their rack opens
    assert [rack.child(i).data(0, KEY_ROLE)[1] for i in range(rack.childCount())] == ["h2", "h1"]
    tree.item_for("service", "web").setSelected(True)  # type: ignore[union-attr]
    assert doc.selection == [("service", "web")]
    doc.select([("pool", "crew")])
    assert [i.data(0, KEY_ROLE) for i in tree.selectedItems()] == [("pool", "crew")]
    doc.push(SetFields("site", "A", name="Anyang"))
    assert tree.item_for("site", "A").text(0) == "Anyang"  # type: ignore[union-attr]
    assert tree.item_for("rack", "r").isExpanded()  # type: ignore[union-attr]


def test_properties_edit_one_item_by_typing(qtbot) -> None:
    doc = PlanDocument(plan())
    panel = PropertiesPanel(doc)
    qtbot.addWidget(panel)
    panel.show()
    doc.select([("service", "db")])
    editor = panel.editors["rto_minutes"]
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, "45")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert doc.plan.service("db").rto_minutes == 45  # type: ignore[union-attr]
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert doc.plan.service("db").rto_minutes is None  # type: ignore[union-attr]
    doc.undo_stack.redo()
    assert doc.plan.service("db").rto_minutes == 45  # type: ignore[union-attr]


def test_properties_refuse_a_bad_number(qtbot) -> None:
    doc = PlanDocument(plan())
    panel = PropertiesPanel(doc)
    qtbot.addWidget(panel)
    messages: list[str] = []
    panel.message = messages.append
    doc.select([("service", "db")])
    panel.editors["restore_minutes"].setText("soon")
    panel.editors["restore_minutes"].editingFinished.emit()
    assert doc.plan.service("db").restore_minutes == 90  # type: ignore[union-attr]
    assert doc.undo_stack.count() == 0 and "not a number" in messages[0]


def test_properties_multi_selection_edits_shared_field_in_one_step(qtbot) -> None:
    doc = PlanDocument(plan())
    panel = PropertiesPanel(doc)
    qtbot.addWidget(panel)
    doc.select([("service", "db"), ("service", "web")])
    assert panel.editors["tier"].text() == "0"
    assert panel.editors["restore_minutes"].placeholderText() == "(various)"
    panel.editors["tier"].setText("1")
    panel.editors["tier"].editingFinished.emit()
    assert [s.tier for s in doc.plan.services] == [1, 1]
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert [s.tier for s in doc.plan.services] == [0, 0]


def test_properties_rename_id_rewrites_references(qtbot) -> None:
    doc = PlanDocument(plan())
    panel = PropertiesPanel(doc)
    qtbot.addWidget(panel)
    doc.select([("service", "db")])
    panel.editors["id"].setText("database")
    panel.editors["id"].editingFinished.emit()
    assert doc.plan.service("web").depends_on == ["database"]  # type: ignore[union-attr]
    assert doc.selection == [("service", "database")]
    doc.undo_stack.undo()
    assert doc.plan.service("web").depends_on == ["db"]  # type: ignore[union-attr]


def test_autosave_writes_a_copy_and_saving_removes_it(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "p.drplan"
    save_plan(plan(), path)
    doc = PlanDocument(load_plan(path)[0], path)
    saver = Autosaver(doc, tmp_path / "autosave", interval_ms=60_000)
    assert saver.save_copy() is None  # nothing unsaved, nothing written
    doc.push(SetFields("site", "A", name="Changed"))
    copy_path = saver.save_copy()
    assert copy_path is not None and load_plan(copy_path)[0].site("A").name == "Changed"  # type: ignore[union-attr]
    found = saver.find_copy(path)
    assert found is not None and found.load() == doc.plan
    doc.save()
    assert not copy_path.exists() and saver.find_copy(path) is None
