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


def _lab(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* of a ``#rrggbb`` colour (sRGB, D65)."""

    def linear(c: float) -> float:
        return ((c + 0.055) / 1.055) ** 2.4 if c > 0.04045 else c / 12.92

    r, g, b = (linear(int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5))
    x = (r * 0.4124 + g * 0.3576 + b * 0.1805) / 0.95047
    y = r * 0.2126 + g * 0.7152 + b * 0.0722
    z = (r * 0.0193 + g * 0.1192 + b * 0.9505) / 1.08883

    def f(v: float) -> float:
        return v ** (1 / 3) if v > 0.008856 else 7.787 * v + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def test_every_state_colour_is_told_apart_from_the_others_and_the_selection() -> None:
    import itertools
    import math

    colours = {**states.COLOURS, "selection": style.SELECTION}
    assert "restart" in states.COLOURS and states.LABELS["restart"] == "Restart in place"
    for (a, first), (b, second) in itertools.combinations(colours.items(), 2):
        distance = math.dist(_lab(first), _lab(second))
        assert distance >= 20, f"{a} and {b} look alike (ΔE {distance:.0f})"
