"""The services model inserts and removes rows for an edit instead of resetting."""

from __future__ import annotations

import contextlib
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester

from planner.gui.document import PlanDocument
from planner.gui.models.services_model import COLUMN, COLUMNS, ID_ROLE, ServicesModel
from planner.model import Plan, Service
from planner.model.edits import AddItem, EditRefused, RenameId, SetFields, delete_items
from tests.gui.test_tree import PLANS
from tests.test_edits import draw_edit


def table(model: ServicesModel) -> list[list[Any]]:
    """Every cell's text and the row's id, row by row."""
    return [
        [model.index(row, 0).data(ID_ROLE)]
        + [model.index(row, column).data() for column in range(len(COLUMNS))]
        for row in range(model.rowCount())
    ]


def same_as_fresh(model: ServicesModel, column: int, order: Qt.SortOrder) -> None:
    fresh = ServicesModel(PlanDocument(model.document.plan))
    fresh.sort(column, order)
    assert table(model) == table(fresh)


class Structure:
    """Counts the model's structural signals."""

    def __init__(self, model: ServicesModel) -> None:
        self.resets = 0
        self.inserted: list[tuple[int, int]] = []
        self.removed: list[tuple[int, int]] = []
        model.modelReset.connect(self._reset)
        model.rowsInserted.connect(lambda _p, first, last: self.inserted.append((first, last)))
        model.rowsRemoved.connect(lambda _p, first, last: self.removed.append((first, last)))

    def _reset(self) -> None:
        self.resets += 1


def plan() -> Plan:
    return Plan(
        services=[
            Service("c", "Cobalt"),
            Service("a", "Amber", depends_on=["c"]),
            Service("e", "Ebony"),
        ]
    )


def test_adding_and_deleting_insert_and_remove_rows_where_the_sort_puts_them(qapp) -> None:
    doc = PlanDocument(plan())
    model = ServicesModel(doc)
    tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning)
    model.sort(COLUMN["name"], Qt.SortOrder.AscendingOrder)
    seen = Structure(model)
    ebony = QPersistentModelIndex(model.index(2, COLUMN["name"]))

    doc.push(AddItem("service", Service("b", "Birch")))
    assert seen.inserted == [(1, 1)] and seen.resets == 0
    assert [row[0] for row in table(model)] == ["a", "b", "c", "e"]
    assert ebony.isValid() and ebony.row() == 3 and ebony.data() == "Ebony"

    doc.push(delete_items(doc.plan, [("service", "c")]))  # "a" loses its dependency too
    assert seen.removed == [(2, 2)] and seen.resets == 0
    assert model.index(0, COLUMN["depends"]).data() == ""

    doc.push(RenameId("service", "e", "z"))  # the same service: its row stays
    assert seen.inserted == [(1, 1)] and seen.removed == [(2, 2)]
    assert ebony.isValid() and model.index(ebony.row(), 0).data(ID_ROLE) == "z"

    while doc.undo_stack.canUndo():
        doc.undo_stack.undo()
        same_as_fresh(model, COLUMN["name"], Qt.SortOrder.AscendingOrder)
    assert seen.resets == 0
    del tester


def test_a_cell_mark_goes_with_its_service_only(qapp) -> None:
    doc = PlanDocument(plan())
    model = ServicesModel(doc)
    assert not model.setData(model.index(0, COLUMN["tier"]), "7")
    assert model.setData(model.index(1, COLUMN["rto"]), "soon") is False
    doc.push(AddItem("service", Service("b", "Birch")))
    assert {cell[0] for cell in model.errors} == {"c", "a"}
    doc.push(delete_items(doc.plan, [("service", "c")]))
    assert {cell[0] for cell in model.errors} == {"a"}


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_after_random_edits_and_undos_the_rows_equal_a_fresh_model(qapp, qtlog, data) -> None:
    doc = PlanDocument(data.draw(PLANS))
    model = ServicesModel(doc)
    tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning)
    column = data.draw(st.integers(-1, len(COLUMNS) - 1))
    order = data.draw(st.sampled_from([Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder]))
    model.sort(column, order)
    kept = [QPersistentModelIndex(model.index(row, 0)) for row in range(model.rowCount())]
    services = [model.service_at(row) for row in range(model.rowCount())]
    seen = Structure(model)
    warned = len(qtlog.records)
    for _ in range(data.draw(st.integers(1, 12))):
        step = data.draw(st.sampled_from(["edit"] * 4 + ["undo", "redo"]))
        if step == "undo":
            doc.undo_stack.undo()
        elif step == "redo":
            doc.undo_stack.redo()
        else:
            with contextlib.suppress(EditRefused):  # a builder refused: nothing pushed
                doc.push(draw_edit(data, doc.plan))
        same_as_fresh(model, column, order)
        assert seen.resets == 0
    # A row that stayed holds the service it held (renamed, perhaps, or moved).
    for index, service in zip(kept, services, strict=True):
        if index.isValid():
            assert model.service_at(index.row()) is service
    problems = [
        r.message for r in qtlog.records[warned:] if "QAbstractItemModelTester" in r.message
    ]
    assert problems == []
    del tester


def test_a_change_to_another_kind_leaves_the_rows_alone(qapp) -> None:
    doc = PlanDocument(plan())
    model = ServicesModel(doc)
    seen = Structure(model)
    changed: list[QModelIndex] = []
    model.dataChanged.connect(lambda first, _last: changed.append(first))
    doc.push(SetFields("plan", "", name="renamed"))
    assert (seen.resets, seen.inserted, seen.removed, changed) == (0, [], [], [])


def test_every_field_column_sorts_by_its_raw_value_blanks_last(qtbot) -> None:
    services = [
        Service("x", "beta", tier=3, rto_minutes=90, restore_minutes=600, team="ops"),
        Service("y", "Alpha", tier=0, rto_minutes=None, restore_minutes=45, team=None),
        Service("z", "gamma", tier=1, rto_minutes=30, restore_minutes=120, team="Dba"),
    ]
    model = ServicesModel(PlanDocument(Plan(services=services)))
    expected = {
        "name": ["y", "x", "z"],  # without case: Alpha, beta, gamma
        "tier": ["y", "z", "x"],
        "rto": ["z", "x", "y"],  # 0:30, 1:30, none last
        "restore": ["y", "z", "x"],  # minutes, not the text "10:00" < "2:00"
        "team": ["z", "x", "y"],  # Dba, ops, none last
    }
    for key, ids in expected.items():
        model.sort(COLUMN[key], Qt.SortOrder.AscendingOrder)
        assert [model.service_at(row).id for row in range(3)] == ids, key
