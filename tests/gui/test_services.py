"""The services table (sort, filter, inline edits, drag data) and the assignment widget."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QLineEdit

from planner.gui.document import PlanDocument
from planner.gui.models.services_model import (
    COLUMN,
    ERROR_ROLE,
    SERVICE_MIME,
    ServicesModel,
    format_minutes,
    parse_minutes,
    service_ids_from_mime,
)
from planner.gui.recovery_controller import RecoveryController
from planner.gui.views.services import ServiceAssignmentWidget, ServicesView
from planner.model import Plan, Rack, Scenario, Server, Service, Site
from planner.model.edits import AddItem, SetFields


def small_plan() -> Plan:
    return Plan(
        name="small",
        sites=[Site("A", "A"), Site("B", "B")],
        racks=[Rack("r", "A", "R"), Rack("s", "B", "S")],
        servers=[
            Server("h1", "r", "H1", 1),
            Server("h2", "r", "H2", 2),
            Server("b1", "s", "Backup one", 1),
        ],
        services=[
            Service("db", "데이터베이스 / database", tier=0, rto_minutes=60, restore_minutes=90,
                    servers=["h1"], owner="Kim", team="Data"),
            Service("web", "Web", tier=2, rto_minutes=240, restore_minutes=30, servers=["h2"],
                    depends_on=["db"], owner="Lee", team="Front"),
            Service("mail", "Mail", tier=1, restore_minutes=45, failover_minutes=10,
                    servers=["h2"], standby_servers=["b1"], team="Front"),
        ],
        scenarios=[Scenario("fire", "Fire", ["A"])],
    )  # fmt: skip


@pytest.fixture
def view(qtbot) -> ServicesView:
    document = PlanDocument(small_plan())
    recovery = RecoveryController(document, debounce_ms=5)
    widget = ServicesView(document, recovery)
    qtbot.addWidget(widget)
    widget.resize(1200, 500)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def shown_ids(view: ServicesView) -> list[str]:
    proxy = view.proxy
    return [proxy.index(row, COLUMN["id"]).data() for row in range(proxy.rowCount())]


def cell(view: ServicesView, service_id: str, key: str) -> QModelIndex:
    row = view.model.row_of(service_id)
    return view.proxy.mapFromSource(view.model.index(row, COLUMN[key]))


def test_durations_parse_and_format() -> None:
    assert parse_minutes("90") == 90
    assert parse_minutes("1:30") == 90
    assert parse_minutes("1h30m") == 90
    assert parse_minutes("2h") == 120
    assert parse_minutes("1.5h") == 90
    assert parse_minutes(" 45m ") == 45
    assert parse_minutes("0.5") == 0.5
    for bad in ("abc", "", "-5", "1:75", "h", "1:x"):
        with pytest.raises(ValueError):
            parse_minutes(bad)
    assert format_minutes(90) == "1:30" and format_minutes(5040) == "84:00"
    assert format_minutes(None) == "—"


def test_header_click_sorts_and_sorting_survives_edits(view, qtbot) -> None:
    assert shown_ids(view) == ["db", "web", "mail"]
    header = view.table.horizontalHeader()
    column = COLUMN["tier"]
    pos = QPoint(
        header.sectionViewportPosition(column) + header.sectionSize(column) // 2,
        header.height() // 2,
    )
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert header.sortIndicatorSection() == column
    ascending = header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    assert shown_ids(view) == (["db", "mail", "web"] if ascending else ["web", "mail", "db"])
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert shown_ids(view) == (["web", "mail", "db"] if ascending else ["db", "mail", "web"])
    view.table.sortByColumn(COLUMN["rto"], Qt.SortOrder.DescendingOrder)
    assert shown_ids(view) == ["mail", "web", "db"]  # no RTO counts as the longest
    view.table.sortByColumn(COLUMN["name"], Qt.SortOrder.AscendingOrder)
    assert shown_ids(view) == ["mail", "web", "db"]  # Hangul after Latin
    # An edit of the sorted field moves the row; the selection follows it.
    view.document.select([("service", "db")])
    assert view.proxy.setData(cell(view, "db", "name"), "Alpha")
    assert shown_ids(view) == ["db", "mail", "web"]
    assert view.selected_ids() == ["db"]


def test_filter_by_text_and_tier(view) -> None:
    view.set_filter("front")
    assert shown_ids(view) == ["web", "mail"]
    assert view.count_label.text() == "2 of 3 services"
    view.set_filter("KIM")
    assert shown_ids(view) == ["db"]
    view.set_filter("데이터")
    assert shown_ids(view) == ["db"]
    view.set_filter("")
    view.set_tier(1)
    assert shown_ids(view) == ["mail"]
    view.filter_edit.setText("w")  # typing in the line edit filters too
    assert shown_ids(view) == []
    view.tier_combo.setCurrentIndex(0)
    assert shown_ids(view) == ["web"]
    assert view.count_label.text() == "1 of 3 services"


def test_inline_edit_of_name_and_rto_is_one_step_each(view) -> None:
    doc = view.document
    assert view.proxy.setData(cell(view, "web", "name"), "Website")
    assert doc.plan.service("web").name == "Website"
    assert doc.undo_stack.count() == 1
    assert cell(view, "web", "name").data() == "Website"
    assert view.proxy.setData(cell(view, "web", "rto"), "1:30")
    assert doc.plan.service("web").rto_minutes == 90
    assert cell(view, "web", "rto").data() == "1:30"
    assert doc.undo_stack.count() == 2
    doc.undo_stack.undo()
    assert doc.plan.service("web").rto_minutes == 240
    doc.undo_stack.undo()
    assert doc.plan.service("web").name == "Web"
    assert cell(view, "web", "name").data() == "Web"
    doc.undo_stack.redo()
    doc.undo_stack.redo()
    assert doc.plan.service("web").name == "Website"
    assert doc.plan.service("web").rto_minutes == 90
    # Blank RTO means none; the same value again makes no step.
    assert view.proxy.setData(cell(view, "web", "rto"), "")
    assert doc.plan.service("web").rto_minutes is None
    count = doc.undo_stack.count()
    assert view.proxy.setData(cell(view, "web", "rto"), "")
    assert doc.undo_stack.count() == count


def test_a_bad_rto_is_refused_with_a_message(view, qtbot) -> None:
    doc = view.document
    with qtbot.waitSignal(doc.refused, timeout=1000) as refusal:
        assert not view.proxy.setData(cell(view, "db", "rto"), "soon")
    assert "RTO" in refusal.args[0] and "soon" in refusal.args[0]
    assert doc.plan.service("db").rto_minutes == 60
    assert doc.undo_stack.count() == 0
    for key, bad in (("restore", ""), ("tier", "7"), ("name", "  "), ("failover", "-3")):
        assert not view.proxy.setData(cell(view, "mail", key), bad)
    assert doc.undo_stack.count() == 0
    assert not view.proxy.setData(cell(view, "mail", "servers"), "3")  # not editable
    assert view.proxy.setData(cell(view, "mail", "tier"), "3")
    assert doc.plan.service("mail").tier == 3


def test_edit_through_the_table_editor(view, qtbot) -> None:
    index = cell(view, "mail", "team")
    view.table.setCurrentIndex(index)
    view.table.edit(index)
    editor = view.table.viewport().findChild(QLineEdit)
    assert editor is not None and editor.text() == "Front"
    editor.selectAll()
    qtbot.keyClicks(editor, "Messaging")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits in a queued call
    qtbot.waitUntil(lambda: view.document.plan.service("mail").team == "Messaging")
    assert view.document.undo_stack.count() == 1
    view.document.undo_stack.undo()
    assert view.document.plan.service("mail").team == "Front"


def test_result_columns_appear_with_a_result(view, qtbot) -> None:
    state = COLUMN["state"]
    assert view.table.isColumnHidden(state)
    with qtbot.waitSignal(view.recovery.resultChanged, timeout=10_000):
        view.recovery.set_scenario("fire")
    view.recovery.wait_until_current()
    assert not view.table.isColumnHidden(state)
    assert cell(view, "db", "state").data() == "Restore"
    assert cell(view, "db", "recovered").data() == "1:30"
    assert cell(view, "db", "met").data() == "✗ own"  # no dependency: its own restore
    assert cell(view, "web", "recovered").data() == "2:00"
    view.table.sortByColumn(COLUMN["recovered"], Qt.SortOrder.DescendingOrder)
    assert shown_ids(view)[0] == "web"


def test_selection_sync_drag_data_and_delete(view) -> None:
    doc = view.document
    doc.select([("service", "mail")])
    assert view.selected_ids() == ["mail"]
    selection = view.table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    selection.select(cell(view, "db", "id"), flags)
    assert doc.selection == [("service", "db"), ("service", "mail")]
    mime = view.proxy.mimeData([cell(view, "db", "name"), cell(view, "mail", "id")])
    assert mime.hasFormat(SERVICE_MIME)
    assert service_ids_from_mime(mime) == ["db", "mail"]
    assert SERVICE_MIME in view.model.mimeTypes()
    assert view.model.flags(cell(view, "db", "id")) & Qt.ItemFlag.ItemIsDragEnabled
    view.delete_action.trigger()
    assert [s.id for s in doc.plan.services] == ["web"]
    assert doc.plan.service("web").depends_on == []
    assert view.model.rowCount() == 1
    doc.undo_stack.undo()
    assert [s.id for s in doc.plan.services] == ["db", "web", "mail"]
    assert view.model.rowCount() == 3 and shown_ids(view) == ["db", "web", "mail"]


def test_a_large_plan_fills_the_model_without_per_row_widgets(qtbot) -> None:
    plan = small_plan()
    plan.services = [Service(f"s{i}", f"Service {i}", tier=i % 4) for i in range(3000)]
    document = PlanDocument(plan)
    model = ServicesModel(document)
    assert model.rowCount() == 3000
    model.sort(COLUMN["tier"], Qt.SortOrder.DescendingOrder)
    assert model.service_at(0).tier == 3 and model.service_at(2999).tier == 0


# ---------------------------------------------------------------------- assignment


@pytest.fixture
def assignment(qtbot) -> ServiceAssignmentWidget:
    document = PlanDocument(small_plan())
    widget = ServiceAssignmentWidget(document)
    qtbot.addWidget(widget)
    widget.resize(360, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_assignment_follows_the_selection(assignment) -> None:
    assert assignment.service_id is None and not assignment.server_list.isEnabled()
    assignment.document.select([("service", "mail")])
    assert assignment.service_id == "mail"
    assert assignment.active_list.count() == 1 and assignment.standby_list.count() == 1
    assert assignment.standby_list.item(0).data(Qt.ItemDataRole.UserRole) == "b1"


def test_assignment_adds_and_removes_servers_undoably(assignment, qtbot) -> None:
    doc = assignment.document
    assignment.set_service("db")
    assignment.server_filter.setText("h2")
    proxy = assignment.server_list.model()
    assert proxy.rowCount() == 1
    assignment.server_list.selectionModel().select(
        proxy.index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
    )
    assert assignment.add_standby_button.isEnabled()
    qtbot.mouseClick(assignment.add_standby_button, Qt.MouseButton.LeftButton)
    assert doc.plan.service("db").standby_servers == ["h2"]
    assert assignment.standby_list.count() == 1
    doc.undo_stack.undo()
    assert doc.plan.service("db").standby_servers == []
    assert assignment.standby_list.count() == 0
    doc.undo_stack.redo()
    assert doc.plan.service("db").standby_servers == ["h2"]

    assignment.server_filter.setText("backup")  # matches the server's name
    assignment.server_list.selectionModel().select(
        proxy.index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
    )
    qtbot.mouseClick(assignment.add_active_button, Qt.MouseButton.LeftButton)
    assert doc.plan.service("db").servers == ["h1", "b1"]

    assignment.active_list.item(0).setSelected(True)
    assert assignment.remove_button.isEnabled()
    qtbot.mouseClick(assignment.remove_button, Qt.MouseButton.LeftButton)
    assert doc.plan.service("db").servers == ["b1"]
    assert doc.undo_stack.count() == 3
    doc.undo_stack.undo()
    assert doc.plan.service("db").servers == ["h1", "b1"]
    doc.undo_stack.redo()
    assert doc.plan.service("db").servers == ["b1"]


def test_assignment_refusal_goes_to_the_status_bar(assignment, qtbot) -> None:
    assignment.set_service("db")
    with qtbot.waitSignal(assignment.document.refused, timeout=1000):
        assert not assignment.add_servers(["h1"])  # already runs there
    assert assignment.document.undo_stack.count() == 0


# ---------------------------------------------------------------------- discoverable, errors


def test_the_depends_on_column_edits_and_refuses_a_cycle_at_the_cell(view, qtbot) -> None:
    doc = view.document
    assert view.proxy.setData(cell(view, "mail", "depends"), "db, web")
    assert doc.plan.service("mail").depends_on == ["db", "web"]
    assert doc.undo_stack.count() == 1
    with qtbot.waitSignal(doc.refused, timeout=1000) as refusal:
        assert not view.proxy.setData(cell(view, "db", "depends"), "web")
    assert "db -> web -> db" in refusal.args[0]
    assert doc.plan.service("db").depends_on == [] and doc.undo_stack.count() == 1
    assert "db -> web -> db" in cell(view, "db", "depends").data(ERROR_ROLE)
    qtbot.waitUntil(view.error_label.isVisible)
    assert "db -> web -> db" in view.error_label.text()
    assert view.proxy.setData(cell(view, "db", "depends"), "")  # fixed: the mark goes
    assert cell(view, "db", "depends").data(ERROR_ROLE) is None
    assert view.error_label.isHidden()


def test_a_refused_time_marks_its_cell_until_fixed(view, qtbot) -> None:
    assert not view.proxy.setData(cell(view, "db", "rto"), "soon")
    error = cell(view, "db", "rto").data(ERROR_ROLE)
    assert "soon" in error and "RTO" in error
    assert cell(view, "db", "rto").data(Qt.ItemDataRole.ToolTipRole) == error
    qtbot.waitUntil(view.error_label.isVisible)
    assert view.error_label.text() == error
    assert view.proxy.setData(cell(view, "db", "rto"), "90")  # minutes, shown as h:mm
    assert view.document.plan.service("db").rto_minutes == 90
    assert cell(view, "db", "rto").data() == "1:30"
    assert cell(view, "db", "rto").data(ERROR_ROLE) is None and view.error_label.isHidden()


def test_an_unchanged_cell_keeps_its_exact_value(view) -> None:
    doc = view.document
    doc.push(SetFields("service", "db", restore_minutes=90.4))
    count = doc.undo_stack.count()
    text = cell(view, "db", "restore").data(Qt.ItemDataRole.EditRole)
    assert text == "1:30"
    assert view.proxy.setData(cell(view, "db", "restore"), text)  # the editor closed as is
    assert doc.plan.service("db").restore_minutes == 90.4 and doc.undo_stack.count() == count


def test_an_empty_plan_shows_how_to_add_a_service(qtbot) -> None:
    document = PlanDocument(Plan(name="empty"))
    view = ServicesView(document, RecoveryController(document, debounce_ms=5))
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    assert view.add_button.isVisible()
    assert view.empty_hint.isVisible() and "Add service" in view.empty_hint.text()
    document.push(AddItem("service", Service("s", "S")))
    assert view.empty_hint.isHidden()
