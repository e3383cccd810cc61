"""Exports other tools read: GraphML (networkx reads it back with its attributes), DOT
(quoted so that hostile names cannot break it) and a scenario's schedule table."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import networkx as nx
import pytest
from openpyxl import load_workbook

from planner.engine.recovery import compute
from planner.interop.graph_export import (
    GraphFormatError,
    dot_string,
    dot_text,
    edges,
    write_graph,
)
from planner.interop.schedule_export import HEADER, schedule_rows, write_schedule
from planner.model import Plan, Pool, Rack, Scenario, Server, Service, Site
from planner.storage import read_plan

ROOT = Path(__file__).resolve().parent.parent
PANGYO = ROOT / "resources" / "examples" / "pangyo.json"

HOSTILE = 'say "hi" \\ back\nslash\r\t; } -> digraph { 판교'


def small_plan() -> Plan:
    return Plan(
        name='The "plan" \\ 판교',
        sites=[Site("pangyo", "Pangyo"), Site("gasan", "Gasan")],
        racks=[Rack("r1", "pangyo", "R1"), Rack("r2", "gasan", "R2")],
        servers=[Server("s1", "r1", "s1", 1), Server("s2", "r2", "s2", 1)],
        pools=[Pool("dba", "DBA", 1)],
        services=[
            Service("db", HOSTILE, tier=0, rto_minutes=60, restore_minutes=90, servers=["s1"]),
            Service(
                'we"b',
                "Web",
                tier=1,
                restore_minutes=30,
                servers=["s1"],
                depends_on=["db"],
                needs={"dba": 1},
            ),
            Service("static", "Static", tier=2, restore_minutes=5, servers=["s2"]),
        ],
        scenarios=[Scenario("fire", "Fire", failed=["pangyo"])],
    )


def test_graphml_reads_back_with_its_attributes(tmp_path: Path) -> None:
    plan = small_plan()
    result = compute(plan, "fire")
    path = tmp_path / "g.graphml"
    assert write_graph(plan, path, result) == "graphml"
    graph = nx.read_graphml(path)
    assert set(graph.nodes) == {"db", 'we"b', "static"}
    assert set(graph.edges) == {("db", 'we"b')}  # from what recovers first
    db = graph.nodes["db"]
    assert db["name"] == HOSTILE.replace("\r", "\n")  # XML reads a carriage return as \n
    assert (db["tier"], db["rto_minutes"], db["state"], db["mode"]) == (
        0,
        60.0,
        "restore",
        "restore",
    )
    assert db["recovered_minutes"] == 90.0 and db["meets_rto"] is False
    assert graph.nodes['we"b']["recovered_minutes"] == 120.0
    assert graph.nodes["static"]["state"] == "unaffected"
    assert "rto_minutes" not in graph.nodes["static"]


def test_graphml_without_a_scenario_has_no_states(tmp_path: Path) -> None:
    plan = read_plan(PANGYO)
    path = tmp_path / "g.graphml"
    write_graph(plan, path)
    graph = nx.read_graphml(path)
    assert graph.number_of_nodes() == len(plan.services)
    assert graph.number_of_edges() == sum(len(s.depends_on) for s in plan.services)
    assert all("state" not in attributes for _, attributes in graph.nodes(data=True))
    assert graph.nodes["login"]["name"] == "로그인 / login"


_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')


def _statements(text: str) -> list[str]:
    """The DOT text with every quoted string replaced by Q, split into statements."""
    assert text.count('"') - len(re.findall(r'\\"', text)) == 2 * len(_QUOTED.findall(text))
    bare = _QUOTED.sub("Q", text)
    assert '"' not in bare and "\\" not in bare  # every quote and backslash was inside one
    return [line.strip() for line in bare.splitlines() if line.strip()]


def test_dot_quotes_hostile_names_and_has_every_node_and_edge() -> None:
    plan = small_plan()
    text = dot_text(plan, compute(plan, "fire"))
    statements = _statements(text)
    assert statements[0] == "digraph Q {" and statements[-1] == "}"
    nodes = [s for s in statements if re.fullmatch(r"Q \[.*\];", s)]
    arrows = [s for s in statements if re.fullmatch(r"Q -> Q;", s)]
    assert len(nodes) == len(plan.services)
    assert len(arrows) == len(edges(plan)) == 1
    assert len(statements) == 3 + len(nodes) + len(arrows) + 1  # header, graph, node, ...
    # Each node statement starts with the service's id as a DOT string.
    ids = [_QUOTED.match(line.strip()).group(0) for line in text.splitlines()[3:6]]  # type: ignore[union-attr]
    assert ids == [dot_string("db"), dot_string('we"b'), dot_string("static")]
    assert f"{dot_string('db')} -> {dot_string('we' + chr(34) + 'b')};" in text
    assert "\n" not in dot_string(HOSTILE) and "\r" not in dot_string(HOSTILE)
    assert dot_string('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'
    assert 'state="restore"' in text and "fillcolor=" in text


def test_dot_of_the_example(tmp_path: Path) -> None:
    plan = read_plan(PANGYO)
    path = tmp_path / "g.dot"
    assert write_graph(plan, path, compute(plan, "pangyo-fire")) == "dot"
    statements = _statements(path.read_text(encoding="utf-8"))
    assert (
        sum(1 for s in statements if s.endswith("];") and " -> " not in s) == len(plan.services) + 2
    )  # and the graph and node defaults
    assert sum(1 for s in statements if re.fullmatch(r"Q -> Q;", s)) == len(edges(plan))


def test_a_graph_name_must_say_its_format(tmp_path: Path) -> None:
    with pytest.raises(GraphFormatError, match=r"must end in \.graphml or \.dot"):
        write_graph(small_plan(), tmp_path / "g.png")


def test_the_schedule_table() -> None:
    plan = small_plan()
    rows = schedule_rows(compute(plan, "fire"))
    assert rows == [
        ["db", HOSTILE, "restore", "restore", "0:00", "1:30", "1:30", "1:00", "no", ""],
        ['we"b', "Web", "restore", "restore", "1:30", "2:00", "2:00", "", "", "dba=1"],
    ]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_schedule_of_the_example(tmp_path: Path, suffix: str) -> None:
    plan = read_plan(PANGYO)
    result = compute(plan, "pangyo-fire")
    path = tmp_path / f"schedule{suffix}"
    count = write_schedule(result, path)
    assert count == sum(1 for s in result.services if s.state != "unaffected")
    if suffix == ".csv":
        table = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    else:
        sheet = load_workbook(path)["Schedule"]
        table = [
            [c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)
        ]
    assert tuple(table[0]) == HEADER
    login = next(row for row in table if row[0] == "login")
    assert login[1:4] == ["로그인 / login", "failover", "failover"]
    assert login[6] == "18:40" and login[7] == "1:00" and login[8] == "no"
    starts = [row[4] for row in table[1:] if row[4]]
    minutes = [int(h) * 60 + int(m) for h, m in (s.split(":") for s in starts)]
    assert minutes == sorted(minutes)  # in the order the recovery starts them
