"""File > Export > Dependency graph… and Schedule of the scenario shown…: written off the
GUI thread, the graph with the states of the scenario shown, the schedule only with one."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
from openpyxl import load_workbook

from tests.gui.test_table_import import window_on_example


def test_the_export_menu_holds_both(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = window_on_example(qtbot, tmp_path)
    actions = window.export_menu.actions()
    assert window.other_exports.graph_action in actions
    assert window.other_exports.schedule_action in actions


def test_the_graph_carries_the_states_of_the_scenario_shown(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = window_on_example(qtbot, tmp_path)
    exports = window.other_exports
    messages: list[str] = []
    exports.done.connect(messages.append)
    plain = tmp_path / "plain.graphml"
    assert exports.export_graph(str(plain))
    qtbot.waitUntil(lambda: bool(messages), timeout=30_000)
    assert messages[-1] == f"Exported the dependency graph (GRAPHML) to {plain}"
    graph = nx.read_graphml(plain)
    assert graph.number_of_nodes() == len(window.document.plan.services)
    assert "state" not in graph.nodes["login"]

    window.recovery.set_scenario("pangyo-fire")
    assert window.recovery.wait_until_current()
    qtbot.waitUntil(exports.schedule_action.isEnabled, timeout=30_000)
    fire = tmp_path / "fire"  # no suffix: GraphML is added
    assert exports.export_graph(str(fire))
    qtbot.waitUntil(lambda: len(messages) == 2, timeout=30_000)
    assert messages[-1].endswith(f"with the scenario's states to {fire}.graphml")
    states = nx.read_graphml(f"{fire}.graphml").nodes["login"]
    assert states["state"] != "unaffected"


def test_the_schedule_needs_a_scenario(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = window_on_example(qtbot, tmp_path)
    exports = window.other_exports
    messages: list[str] = []
    exports.done.connect(messages.append)
    assert not exports.schedule_action.isEnabled()
    assert not exports.export_schedule(str(tmp_path / "none.xlsx"))
    assert messages == ["Show a scenario in the Recovery view first: its schedule is exported"]
    window.recovery.set_scenario("pangyo-fire")
    assert window.recovery.wait_until_current()
    qtbot.waitUntil(exports.schedule_action.isEnabled, timeout=30_000)
    target = tmp_path / "schedule.xlsx"
    assert exports.export_schedule(str(target))
    qtbot.waitUntil(lambda: len(messages) == 2, timeout=30_000)
    assert messages[-1].startswith("Exported the schedule (") and messages[-1].endswith(
        f"services) to {target}"
    )
    sheet = load_workbook(target).active
    assert sheet is not None and sheet.max_row > 1


def test_a_failed_write_is_one_error_line(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = window_on_example(qtbot, tmp_path)
    errors: list[str] = []
    window.show_error = errors.append  # type: ignore[method-assign]
    assert window.other_exports.export_graph(str(tmp_path / "missing" / "deps.dot"))
    qtbot.waitUntil(lambda: bool(errors), timeout=30_000)
    assert errors[0].startswith("Not exported: ") and "deps.dot" in errors[0]
