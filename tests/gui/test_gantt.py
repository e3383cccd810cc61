"""The recovery timeline's bar labels keep clear of the RTO diamonds."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF

from planner.engine.recovery import compute
from planner.gui.views.gantt import GanttView, label_rect
from planner.model import Plan, Rack, Scenario, Server, Service, Site


def _plan(rto: int) -> Plan:
    return Plan(
        sites=[Site("A", "A")],
        racks=[Rack("r", "A", "R")],
        servers=[Server("h", "r", "H", 1)],
        services=[Service("db", "DB", tier=1, restore_minutes=240, rto_minutes=rto, servers=["h"])],
        scenarios=[Scenario("fire", "Fire", ["A"])],
    )


@pytest.mark.parametrize("rto", [120, 60, 200, 239])
def test_a_bar_label_is_never_drawn_over_its_rto_diamond(qtbot, rto: int) -> None:
    view = GanttView()
    qtbot.addWidget(view)
    view.resize(900, 300)
    view.show()
    view.set_result(compute(_plan(rto), "fire"))
    text, where, diamond = view.bar_label("db")
    bar = view.bar_rect("db")
    assert text == "4:00" and bar is not None and diamond is not None
    assert bar.left() < diamond.center().x() < bar.right()  # the RTO falls inside the bar
    if rto == 120:  # the label as it was drawn, centred on the bar, covered the diamond
        centred = label_rect(bar, where.width() - 8 if where else 30)
        assert centred is not None and centred.intersects(diamond)
    assert where is not None, "the bar is long enough for its label beside the diamond"
    assert not where.intersects(diamond)
    assert bar.contains(where)


def test_label_rect_centres_when_clear_and_gives_up_when_nothing_fits() -> None:
    bar = QRectF(0, 0, 200, 20)
    assert label_rect(bar, 30) == bar
    centred = label_rect(bar, 30, (180, 190))
    assert centred is not None and centred.right() < 178
    assert label_rect(bar, 30, (95, 105)) is not None
    assert label_rect(QRectF(0, 0, 40, 20), 30, (15, 25)) is None  # no room either side
    assert label_rect(QRectF(0, 0, 20, 20), 30) is None  # too short anyway
