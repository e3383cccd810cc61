"""The screen takes its state colours from the one table the runbook uses too."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor

from planner.engine.recovery import compute
from planner.gui import style
from planner.gui.models.results_model import state_color, state_label
from planner.gui.views.floor_items import brushes, text_color_on
from planner.gui.views.gantt import GanttView
from planner.layout import states
from planner.model import Plan, Rack, Scenario, Server, Service, Site
from planner.runbook import drawings


def test_the_palette_is_the_table() -> None:
    assert style.STATE_COLORS is states.COLOURS
    assert style.STATE_LABELS is states.LABELS
    assert style.ENGINE_STATE is states.ENGINE_STATE
    assert style.CRITICAL == states.CRITICAL
    assert style.color("failover").name() == states.COLOURS["failover"] == "#e0a526"


def test_floor_tables_and_paper_agree_on_every_state() -> None:
    full = brushes()
    assert {name: brush.color().name() for name, brush in full.items()} == states.COLOURS
    for engine, shown in states.ENGINE_STATE.items():
        assert state_color(engine) == states.COLOURS[shown]
        assert state_label(engine) == states.LABELS[shown]
    for name, hex_colour in states.COLOURS.items():
        paper = drawings.STATE_COLOURS[name]
        assert "#" + paper.hexval()[2:] == hex_colour, name
        dark = text_color_on(QColor(hex_colour)) == QColor(style.TEXT)
        assert dark == states.dark_text_on(hex_colour), name


def _plan() -> Plan:
    return Plan(
        sites=[Site("A", "A"), Site("B", "B")],
        racks=[Rack("ra", "A", "RA"), Rack("rb", "B", "RB")],
        servers=[Server("a", "ra", "a", 1), Server("b", "rb", "b", 1)],
        services=[
            Service("web", "Web", restore_minutes=240, servers=["a"]),
            Service("db", "DB", failover_minutes=240, servers=["a"], standby_servers=["b"]),
        ],
        scenarios=[Scenario("fire", "Fire", ["A"])],
    )


@pytest.mark.parametrize(("service", "state"), [("db", "failover"), ("web", "restore")])
def test_a_gantt_bar_is_painted_in_the_tables_colour(qtbot, service: str, state: str) -> None:
    view = GanttView()
    qtbot.addWidget(view)
    view.resize(900, 300)
    view.show()
    result = compute(_plan(), "fire")
    assert result.service(service).state == state  # type: ignore[union-attr]
    view.set_result(result)
    bar = view.bar_rect(service)
    assert bar is not None and bar.width() > 40
    image = view.viewport().grab().toImage()
    pixel = image.pixelColor(round(bar.left() + 8), round(bar.center().y()))
    assert pixel.name() == states.COLOURS[state]
