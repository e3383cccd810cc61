"""The properties panel: fits its dock, starts at the top, shows durations as h:mm, and
shows a refused value at the field (a parse error or a dependency cycle)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLineEdit

from planner.gui.document import PlanDocument
from planner.gui.main_window import MainWindow
from planner.gui.properties import INVALID_STYLE, PropertiesPanel
from planner.model import Plan, Service


def typed_plan() -> Plan:
    long_notes = "\n".join(f"note line {i}" for i in range(30))
    return Plan(
        name="typed",
        services=[
            Service("dns", "DNS", rto_minutes=90, restore_minutes=30.4, notes=long_notes,
                    steps=[f"step {i}" for i in range(30)]),
            Service("reports", "Reports", depends_on=["db"]),
            Service("db", "Database", depends_on=["dns"], failover_minutes=5),
        ],
    )  # fmt: skip


@pytest.fixture
def panel(qtbot) -> PropertiesPanel:
    widget = PropertiesPanel(PlanDocument(typed_plan()))
    qtbot.addWidget(widget)
    widget.resize(320, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def line(panel: PropertiesPanel, name: str) -> QLineEdit:
    editor = panel.editors[name]
    assert isinstance(editor, QLineEdit)
    return editor


def finish(panel: PropertiesPanel, name: str, text: str) -> None:
    """Type ``text`` into a field and leave it, as the user does."""
    editor = line(panel, name)
    editor.setText(text)
    editor.editingFinished.emit()


@pytest.mark.parametrize("size", [None, (1366, 768)], ids=["default", "1366x768"])
def test_the_service_form_fits_without_scrolling(qtbot, tmp_path: Path, size) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(PlanDocument(typed_plan()), settings, tmp_path / "autosave")
    qtbot.addWidget(window)
    if size is not None:
        window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    window.document.select([("service", "dns")])
    scroll = window.properties.scroll
    qtbot.waitUntil(lambda: window.properties.editors["steps"].isVisible())
    assert window.height() <= (size or (10_000, 10_000))[1]
    assert scroll.verticalScrollBar().maximum() == 0, "the form scrolls"
    steps = window.properties.editors["steps"]
    bottom = steps.mapTo(scroll.viewport(), steps.rect().bottomLeft()).y()
    assert bottom <= scroll.viewport().height()
    # the servers it runs on are a tab of their own, shown for one service
    tabs = window.side_tabs
    assert tabs.isTabVisible(tabs.indexOf(window.assignment))
    assert "servers" not in window.properties.editors
    window.document.select([("service", "dns"), ("service", "db")])
    assert not tabs.isTabVisible(tabs.indexOf(window.assignment))


def test_a_new_selection_starts_at_the_top_of_the_form(panel, qtbot) -> None:
    panel.resize(320, 160)  # small enough that the form scrolls
    panel.document.select([("service", "dns")])
    bar = panel.scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())
    panel.document.select([("service", "reports")])
    assert bar.value() == 0
    bar.setValue(bar.maximum())
    panel.document.select([("service", "dns")])
    assert bar.value() == 0


def test_durations_are_h_mm_and_accept_minutes_or_h_mm(panel) -> None:
    doc = panel.document
    doc.select([("service", "dns")])
    assert line(panel, "rto_minutes").text() == "1:30"
    assert line(panel, "restore_minutes").text() == "0:30"
    finish(panel, "rto_minutes", "2:15")
    assert doc.plan.service("dns").rto_minutes == 135  # type: ignore[union-attr]
    assert line(panel, "rto_minutes").text() == "2:15"
    finish(panel, "rto_minutes", "45")
    assert doc.plan.service("dns").rto_minutes == 45  # type: ignore[union-attr]
    assert line(panel, "rto_minutes").text() == "0:45"
    finish(panel, "failover_minutes", "")
    assert doc.plan.service("dns").failover_minutes is None  # type: ignore[union-attr]
    assert doc.undo_stack.count() == 2
    # leaving a field unchanged changes nothing, even a value h:mm rounds
    line(panel, "restore_minutes").editingFinished.emit()
    assert doc.plan.service("dns").restore_minutes == 30.4  # type: ignore[union-attr]
    assert doc.undo_stack.count() == 2


def test_a_bad_value_is_shown_at_the_field_until_fixed(panel, qtbot) -> None:
    doc = panel.document
    messages: list[str] = []
    panel.message = messages.append
    doc.select([("service", "dns")])
    finish(panel, "rto_minutes", "soon")
    editor = line(panel, "rto_minutes")
    label = panel.error_label("rto_minutes")
    assert doc.plan.service("dns").rto_minutes == 90  # type: ignore[union-attr]
    assert editor.text() == "soon" and editor.styleSheet() == INVALID_STYLE
    qtbot.waitUntil(label.isVisible)  # a row's widgets are shown from the event loop
    assert "'soon'" in label.text()
    assert messages == [f"RTO (h:mm): {label.text()}"]  # the status bar names the field
    finish(panel, "rto_minutes", "1:45")
    assert doc.plan.service("dns").rto_minutes == 105  # type: ignore[union-attr]
    assert editor.styleSheet() == "" and label.isHidden()
    assert panel.errors == {}


def test_typing_a_dependency_cycle_is_refused_at_the_field(panel) -> None:
    doc = panel.document
    doc.select([("service", "dns")])
    finish(panel, "depends_on", "reports")
    assert doc.plan.service("dns").depends_on == []  # type: ignore[union-attr]
    assert doc.undo_stack.count() == 0
    assert "dns -> reports -> db -> dns" in panel.errors["depends_on"]
    assert line(panel, "depends_on").text() == "reports"  # kept for the user to fix
    finish(panel, "depends_on", "")
    assert panel.errors == {}
    doc.select([("service", "reports")])
    finish(panel, "depends_on", "db, dns")
    assert doc.plan.service("reports").depends_on == ["db", "dns"]  # type: ignore[union-attr]


def test_a_refused_rename_is_shown_at_the_id_field(panel) -> None:
    doc = panel.document
    doc.select([("service", "dns")])
    finish(panel, "id", "db")
    assert doc.plan.service("dns") is not None
    assert "already used" in panel.errors["id"]
    finish(panel, "id", "resolver")
    assert doc.selection == [("service", "resolver")] and panel.errors == {}


def test_numbers_past_the_plan_format_bounds_are_refused_at_the_field(panel) -> None:
    """A value no plan file may hold (see planner.model.plan) never reaches the plan, so
    a save cannot fail later on something typed now."""
    doc = panel.document
    doc.select([("service", "dns")])
    finish(panel, "rto_minutes", "99999999")
    assert doc.plan.service("dns").rto_minutes == 90  # type: ignore[union-attr]
    assert "longer than ten years" in panel.errors["rto_minutes"]
    finish(panel, "min_instances", "5000000")
    assert "more than 1,000,000" in panel.errors["min_instances"]
    assert doc.undo_stack.count() == 0
