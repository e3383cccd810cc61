"""A plan built only through the window's actions, mouse and keyboard; saved, reopened,
then undone back to nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox

from planner.engine.recovery import compute
from planner.gui.main_window import MainWindow
from planner.gui.models.results_model import format_minutes
from planner.gui.tree import PlanTree
from planner.model import Plan
from planner.storage import load_plan


def window_for(qtbot, tmp_path: Path, name: str) -> MainWindow:
    settings = QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, autosave_dir=tmp_path / f"autosave-{name}")
    # A failing test closes the window with unsaved work: never wait on a question.
    window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def click_tree(qtbot, tree: PlanTree, kind: str, item_id: str) -> None:
    item = tree.item_for(kind, item_id)
    assert item is not None, f"{kind} {item_id} is not in the tree"
    tree.scrollToItem(item)
    qtbot.mouseClick(
        tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(item).center()
    )


def type_into(qtbot, window: MainWindow, field: str, text: str) -> None:
    editor = window.properties.editors[field]
    assert isinstance(editor, QLineEdit)
    qtbot.mouseClick(editor, Qt.MouseButton.LeftButton)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def run_on(window: MainWindow, server_id: str) -> None:
    """Run the selected service on a server through the server list, as a user picks it."""
    servers = window.assignment
    servers.server_filter.setText(server_id)
    view = servers.server_list
    matches = [view.model().index(row, 0) for row in range(view.model().rowCount())]
    view.setCurrentIndex(matches[0])
    servers.add_active_button.click()


def test_build_compute_save_reopen_and_undo_everything(qtbot, tmp_path: Path) -> None:
    window = window_for(qtbot, tmp_path, "build")
    doc, actions = window.document, window.actions
    empty = Plan()
    assert doc.plan == empty

    actions["add_site"].trigger()
    actions["add_rack"].trigger()  # in the selected site
    actions["add_server"].trigger()  # in the selected rack, first free unit
    actions["add_server"].trigger()  # a server is selected: same rack, next unit
    plan = doc.plan
    assert [s.id for s in plan.sites] == ["site1"] and plan.racks[0].site == "site1"
    assert [(s.rack, s.position) for s in plan.servers] == [("rack1", 1), ("rack1", 2)]

    click_tree(qtbot, window.tree, "server", "server1")
    actions["add_service"].trigger()  # on no server, whatever is selected
    assert plan.service("service1").servers == []  # type: ignore[union-attr]
    run_on(window, "server1")  # running it somewhere is a choice of its own
    type_into(qtbot, window, "name", "Main database")  # QTest types ASCII only
    type_into(qtbot, window, "restore_minutes", "90")
    type_into(qtbot, window, "rto_minutes", "60")
    actions["add_service"].trigger()
    run_on(window, "server2")
    type_into(qtbot, window, "restore_minutes", "30")
    type_into(qtbot, window, "depends_on", "service1")
    actions["add_pool"].trigger()
    click_tree(qtbot, window.tree, "service", "service2")
    type_into(qtbot, window, "needs", "pool1=1")
    assert plan.service("service1").servers == ["server1"]  # type: ignore[union-attr]
    assert plan.service("service2").depends_on == ["service1"]  # type: ignore[union-attr]
    assert plan.service("service2").needs == {"pool1": 1}  # type: ignore[union-attr]

    click_tree(qtbot, window.tree, "site", "site1")
    qtbot.keyClick(window.tree, Qt.Key.Key_F8)  # fail the selected site
    actions["add_scenario"].trigger()  # a named scenario from the failures
    assert [(s.id, s.failed) for s in plan.scenarios] == [("scenario1", ["site1"])]

    expected = compute(plan, scenario_id="scenario1")
    view = window.recovery_view
    qtbot.waitUntil(lambda: window.recovery.is_current and window.recovery.result is not None)
    window.tabs.setCurrentWidget(view)  # a hidden tab shows the result once it is shown
    qtbot.waitUntil(lambda: view.recovery_label.text() == format_minutes(expected.recovery_minutes))
    assert expected.recovery_minutes == 120
    model = view.results_model
    rows = {model.service_at(r).id: model.service_at(r) for r in range(model.rowCount())}
    assert {sid: (r.state, r.recovered) for sid, r in rows.items()} == {
        s.id: (s.state, s.recovered) for s in expected.services
    }
    assert rows["service1"].meets_rto is False
    assert doc.modified and window.windowTitle().startswith("Untitled *")

    target = tmp_path / "built.drplan"
    window.ask_save_path = lambda *_args: str(target)  # type: ignore[method-assign]
    actions["save"].trigger()
    assert not doc.modified and target.exists()
    assert window.windowTitle().startswith("built.drplan —")
    reopened = window_for(qtbot, tmp_path, "reopen")
    assert reopened.open_path(target)
    assert reopened.document.plan == doc.plan == load_plan(target)[0]

    steps = doc.undo_stack.count()
    assert steps >= 13
    while doc.undo_stack.canUndo():
        actions["undo"].trigger()
    assert doc.plan == empty
    assert doc.modified  # the file holds the built plan; the window now differs from it
    qtbot.waitUntil(lambda: window.recovery.is_current)
    while doc.undo_stack.canRedo():
        actions["redo"].trigger()
    assert doc.plan == reopened.document.plan and not doc.modified


def test_closing_with_unsaved_changes_asks_first(qtbot, tmp_path: Path) -> None:
    window = window_for(qtbot, tmp_path, "close")
    window.actions["add_site"].trigger()
    answers = [QMessageBox.StandardButton.Cancel]
    window.ask_unsaved = lambda: answers.pop(0)  # type: ignore[method-assign]
    assert not window.close() and window.isVisible()
    answers.append(QMessageBox.StandardButton.Discard)
    assert window.close()


def test_opening_a_broken_file_shows_one_line_and_keeps_the_plan(qtbot, tmp_path: Path) -> None:
    window = window_for(qtbot, tmp_path, "broken")
    window.actions["add_site"].trigger()
    window.document.undo_stack.setClean()
    broken = tmp_path / "broken.drplan"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 50)
    errors: list[str] = []
    window.show_error = errors.append  # type: ignore[method-assign]
    assert not window.open_path(broken)
    assert len(errors) == 1 and "\n" not in errors[0] and str(broken) in errors[0]
    assert [s.id for s in window.document.plan.sites] == ["site1"]


PANGYO = Path(__file__).resolve().parents[2] / "resources" / "examples" / "pangyo.drplan"


def test_deleting_a_rack_says_what_went_and_which_services_lost_servers(
    qtbot, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from planner.model.edits import delete_items

    window = window_for(qtbot, tmp_path, "delete")
    window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
    assert window.open_path(PANGYO, offer_recovery=False)
    doc = window.document
    plan = doc.plan
    rack = plan.rack("pg-a01")
    assert rack is not None
    in_rack = {s.id for s in plan.servers if s.rack == rack.id}
    users = [s for s in plan.services if set(s.servers + s.standby_servers) & in_rack]
    stranded = [s for s in users if set(s.servers + s.standby_servers) <= in_rack]
    assert users and stranded  # the example has both kinds

    # From the tree, with the window's Delete.
    click_tree(qtbot, window.tree, "rack", rack.id)
    window.actions["delete"].trigger()
    assert plan.rack("pg-a01") is None
    message = window.statusBar().currentMessage()
    assert message.startswith(f"Deleted rack {rack.name} with {len(in_rack)} servers")
    assert "lost servers" in message and users[0].name in message
    assert "now on no server" in message and stranded[0].name in message
    assert "undoes it" in message and "\n" not in message
    doc.undo_stack.undo()
    assert plan.rack("pg-a01") is not None

    # The floor's own Delete (another path to the same edit) says the same.
    window.statusBar().clearMessage()
    floor = window.floor
    doc.select([("site", "pangyo")])
    assert floor.delete_selection()
    message = window.statusBar().currentMessage()
    assert message.startswith("Deleted site ") and "racks and " in message
    assert "lost servers" in message
    doc.undo_stack.undo()

    # Servers, as the rack view deletes them: which services lost them.
    window.statusBar().clearMessage()
    server = next(s for s in plan.servers if s.id in users[0].servers)
    doc.push(delete_items(plan, [("server", server.id)]))
    message = window.statusBar().currentMessage()
    assert message.startswith(f"Deleted server {server.name}") and users[0].name in message
    doc.undo_stack.undo()
    window.statusBar().clearMessage()
    doc.undo_stack.redo()  # a redo says it again
    assert window.statusBar().currentMessage().startswith(f"Deleted server {server.name}")
