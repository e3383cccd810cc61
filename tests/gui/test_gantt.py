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
    assert text in ("Restore 4:00", "4:00") and bar is not None and diamond is not None
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


def test_no_axis_label_is_drawn_under_the_all_back_badge(qtbot) -> None:
    from planner.storage import load_plan
    from tests.conftest import EXAMPLES

    plan, _ = load_plan(EXAMPLES / "pangyo.drplan")
    view = GanttView()
    qtbot.addWidget(view)
    view.resize(740, 300)
    view.show()
    view.set_result(compute(plan, "pangyo-fire"))  # all back at 126:00, on a tick
    badge = view.all_back_badge()
    assert badge is not None and badge[1] == "All back 126:00"
    labels = view.tick_labels()
    assert labels and all(not spot.intersects(badge[0]) for _text, spot in labels)
    texts = [text for text, _spot in labels]
    assert texts[0] == "T+0h"
    # A tick the badge stands on has its mark but no label (the badge names that time);
    # every other tick keeps its label.
    _step, minutes = view._ticks()
    on_screen = [m for m in minutes if view._x(m) >= view._label_width - 1]
    unlabelled = [m for m in on_screen if f"T+{m / 60:g}h" not in texts]
    assert unlabelled and len(texts) + len(unlabelled) == len(on_screen)
    badge_rect = badge[0]
    for m in unlabelled:  # within a label's half width of the badge
        assert badge_rect.left() - 40 <= view._x(m) <= badge_rect.right() + 40


def _released_result():  # type: ignore[no-untyped-def]
    """The powered plan's fire, with Mail restarted in place once feed P1 is back."""
    import dataclasses

    from tests.gui.domain_plans import powered_plan

    result = compute(powered_plan(), "fire", check=False)
    services = tuple(
        dataclasses.replace(s, state="restart", mode="restart", start=1800, finish=1830,
                            recovered=1830, earliest_start=1800, released_by="P1")
        if s.id == "mail" else s
        for s in result.services
    )  # fmt: skip
    return dataclasses.replace(result, services=services, recovery_minutes=1830)


def test_the_wait_before_a_release_is_hatched_and_names_what_it_waits_for(qtbot) -> None:
    from planner.gui.models.results_model import COL_EARLIEST, COL_MODE, ResultsModel

    view = GanttView()
    qtbot.addWidget(view)
    view.resize(1000, 300)
    view.show()
    result = _released_result()
    view.set_item_names({"P1": "Power feed 1"})
    view.set_result(result)
    text, box = view.release_label("mail")
    bar = view.bar_rect("mail")
    assert text == "Power feed 1 back T+30:00"
    assert box is not None and bar is not None
    assert abs(box.right() - bar.left()) < 1  # the wait ends where the restart starts
    assert abs(box.left() - view._x(0)) < 1
    declared, box = view.release_label("db")  # a failover waits for the declaration
    assert declared == "declared T+0:40" and box is not None
    assert view.bar_label("mail")[0] == "0:30"  # a short bar: no room for its mode
    tip = view.tooltip_at(bar.center().toPoint())
    assert "Mode: Restart in place" in tip and "Waits until Power feed 1 back T+30:00" in tip
    assert view.bar_label("db")[0] in ("Failover 0:15", "0:15")
    image = view.viewport().grab().toImage()
    # The hatch is in the restart colour, over a pale fill: some pixels of each.
    box = view.release_label("mail")[1]
    row = round(box.center().y())
    seen = {image.pixelColor(x, row).name() for x in range(round(box.left()) + 2, 400)}
    assert len(seen) > 1
    model = ResultsModel()
    model.set_result(result)
    mail = model.row_of("mail")
    assert model.index(mail, COL_MODE).data() == "Restart in place"
    assert model.index(mail, COL_EARLIEST).data() == "30:00"
    assert model.index(model.row_of("web"), COL_MODE).data() == "—"
