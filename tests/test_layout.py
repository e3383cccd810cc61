"""planner.layout: one layering for the dependency view and the runbook, one state table."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors

from planner.engine.recovery import compute
from planner.layout import states
from planner.layout.dependencies import layered_layout, layers_of
from planner.model import Plan, Rack, Scenario, Server, Service, Site
from planner.runbook import drawings
from planner.runbook.story import Meta, build_story
from planner.storage import load_plan

EXAMPLE = Path(__file__).resolve().parent.parent / "resources" / "examples" / "pangyo.drplan"

names = st.lists(st.sampled_from("abcdefghij"), min_size=0, max_size=10, unique=True)


@given(names, st.lists(st.tuples(st.sampled_from("abcdefghijk"), st.sampled_from("abcdefghijk"))))
def test_layers_of_are_the_layouts_layers(nodes: list[str], edges: list[tuple[str, str]]) -> None:
    """Cycles, self-loops, unknown nodes and repeats included."""
    layout = layered_layout(nodes, edges)
    layers = layers_of(nodes, edges)
    assert [sorted(layer) for layer in layers] == [sorted(c) for c in layout.columns()]
    assert {node: i for i, layer in enumerate(layers) for node in layer} == layout.layers
    for layer in layers:
        assert layer == [node for node in nodes if node in layer]  # in the nodes' order


def test_columns_run_top_to_bottom() -> None:
    edges = [("a", "x"), ("b", "x"), ("c", "y"), ("a", "y")]
    layout = layered_layout(["a", "b", "c", "x", "y"], edges)
    columns = layout.columns()
    assert sorted(columns[0]) == ["a", "b", "c"] and sorted(columns[1]) == ["x", "y"]
    for column in columns:
        heights = [layout.positions[node][1] for node in column]
        assert heights == sorted(heights) and len(set(heights)) == len(heights)


def test_dark_text_on_the_state_colours() -> None:
    assert states.dark_text_on("#ffffff") and not states.dark_text_on("#000000")
    assert states.dark_text_on(states.COLOURS["failover"])  # amber is light
    assert not states.dark_text_on(states.COLOURS["restore"])
    assert not states.dark_text_on(states.COLOURS["lost"])


def _hex(colour: object) -> str:
    assert isinstance(colour, colors.Color)
    return "#" + colour.hexval()[2:]


def _shapes(drawing: Drawing, kind: type) -> list:
    return [shape for shape in drawing.contents if isinstance(shape, kind)]


def test_paper_bars_take_their_colours_from_the_table() -> None:
    bars = [
        drawings.Bar(1, "switch", "failover", 0, 30, None, False),
        drawings.Bar(2, "rebuild", "restore", 30, 90, 60, True),
    ]
    [page] = drawings.gantt_pages(bars, 500, 10, 120)
    fills = [_hex(r.fillColor) for r in _shapes(page, Rect) if r.y > 18 and r.height == 9]
    assert fills == [states.COLOURS["failover"], states.COLOURS["restore"]]
    outlined = [r for r in _shapes(page, Rect) if r.strokeWidth == 1.6]
    assert [_hex(r.strokeColor) for r in outlined] == [states.CRITICAL]
    legend = [_hex(r.fillColor) for r in _shapes(page, Rect) if r.height == 8]
    assert legend[:2] == [states.COLOURS["failover"], states.COLOURS["restore"]]


def test_paper_nodes_and_racks_take_their_colours_from_the_table() -> None:
    nodes = [
        [drawings.Node("f", "F", "failover", False)],
        [drawings.Node("r", "R", "restore", True), drawings.Node("d", "D", "dependency", False)],
    ]
    drawing = drawings.dependency_drawing(nodes, [("f", "r"), ("f", "d")], 400)
    boxes = [r for r in _shapes(drawing, Rect) if r.rx == 3]
    assert [_hex(r.fillColor) for r in boxes] == [
        states.COLOURS["failover"],
        states.COLOURS["restore"],
        states.COLOURS["dependency"],
    ]
    assert _hex(boxes[1].strokeColor) == states.CRITICAL
    # Text on a node: dark on light amber, white on the darker orange (the screen's rule).
    ink = {s.text: _hex(s.fillColor) for s in _shapes(drawing, String)}
    assert ink["F"] == _hex(drawings.INK) and ink["R"] == "#ffffff"
    rack = drawings.RackView("A / a", "a", 4, (drawings.Slot("db", 1, 1, True),), False)
    slots = [r for r in _shapes(drawings.rack_row([rack], 400), Rect) if r.strokeWidth == 0.3]
    assert [_hex(r.fillColor) for r in slots] == [states.COLOURS["lost"]]


def _meta() -> Meta:
    return Meta("test", "2026-01-01", "0" * 16, 480, 700)


def _dependency_drawing(plan: Plan, scenario: str) -> Drawing:
    story = build_story(plan, compute(plan, scenario), _meta())
    found = [
        f
        for f in story
        if isinstance(f, Drawing) and any(s.text == "layer 1" for s in _shapes(f, String))
    ]
    assert len(found) == 1
    return found[0]


def _drawn_columns(drawing: Drawing) -> list[list[str]]:
    """Node ids by column, each top to bottom, read back from the drawing's node boxes
    and their second label line (the id, for services named with one word)."""
    boxes = sorted({(round(r.x, 3), round(r.y, 3)) for r in _shapes(drawing, Rect) if r.rx == 3})
    ids = {
        (round(s.x - 3, 3), round(s.y - 4.5, 3)): s.text
        for s in _shapes(drawing, String)
        if s.fontSize == 6
    }
    xs = sorted({x for x, _ in boxes})
    return [[ids[(x, y)] for bx, y in sorted(boxes, key=lambda b: -b[1]) if bx == x] for x in xs]


def test_the_runbook_draws_the_dependency_views_layers() -> None:
    """``d`` is used only by ``c``: the view puts it next to ``c``, and so does the paper
    (the runbook's own layering put it in the first layer)."""
    plan = Plan(name="layers")
    plan.sites.append(Site("A", "A"))
    plan.racks.append(Rack("r", "A", "r"))
    plan.servers.append(Server("s", "r", "s", 1))
    for sid, deps in (("a", []), ("b", ["a"]), ("c", ["b", "d"]), ("d", [])):
        plan.services.append(
            Service(sid, sid.upper(), restore_minutes=10, servers=["s"], depends_on=deps)
        )
    plan.scenarios.append(Scenario("fire", "Fire", ["A"]))
    drawn = _drawn_columns(_dependency_drawing(plan, "fire"))
    assert drawn[0] == ["a"] and sorted(drawn[1]) == ["b", "d"] and drawn[2] == ["c"]
    edges = [(d, s.id) for s in plan.services for d in s.depends_on]
    assert drawn == layered_layout([s.id for s in plan.services], edges).columns()


def test_the_example_runbook_draws_the_layouts_order() -> None:
    plan, problems = load_plan(EXAMPLE)
    assert not problems
    for service in plan.services:
        service.name = service.id  # one run of text per label, readable back
    result = compute(plan, "pangyo-fire")
    impacted = [s.id for s in result.services if s.state != "unaffected"]
    chosen = set(impacted)
    by_id = {s.id: s for s in plan.services}
    edges = [(d, sid) for sid in impacted for d in by_id[sid].depends_on if d in chosen]
    expected = layered_layout(impacted, edges).columns()
    assert len(expected) > 3 and max(len(c) for c in expected) > 3  # an order to get wrong
    assert _drawn_columns(_dependency_drawing(plan, "pangyo-fire")) == expected
