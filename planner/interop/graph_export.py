"""The dependency graph for other tools: GraphML (yEd, Gephi, networkx) and DOT
(Graphviz).

Nodes are services, keyed by id, with ``name``, ``label`` (the name, what yEd and Gephi
show), ``tier`` and ``rto_minutes`` (absent when the service has none); with a scenario
also ``state``, ``mode`` (absent without a task of its own) and ``recovered_minutes``
(absent when it never comes back), ``meets_rto``. An edge runs from a dependency to the
service that depends on it: from what recovers first, as the window's Dependencies view
draws it. A dependency on an id that is not a service is left out.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from planner.engine.recovery import RecoveryResult
from planner.model.clock import clock
from planner.model.plan import Plan
from planner.storage.atomic import replace_atomically

GRAPH_SUFFIXES = (".graphml", ".dot", ".gv")


class GraphFormatError(ValueError):
    """The output name names no graph format; the message says so in one line."""


def graph_format(path: Path) -> str:
    """ "graphml" or "dot" by the suffix (``.gv`` is DOT too)."""
    suffix = path.suffix.lower()
    if suffix not in GRAPH_SUFFIXES:
        raise GraphFormatError(
            f"{path.name}: the name must end in .graphml or .dot, not '{path.suffix or path.name}'"
        )
    return "graphml" if suffix == ".graphml" else "dot"


def node_attributes(plan: Plan, result: RecoveryResult | None = None) -> dict[str, dict[str, Any]]:
    """Each service's attributes, by id, in plan order (the first of a repeated id)."""
    recovery = {s.id: s for s in result.services} if result is not None else {}
    nodes: dict[str, dict[str, Any]] = {}
    for service in plan.services:
        if service.id in nodes:
            continue
        attributes: dict[str, Any] = {
            "name": service.name,
            "label": service.name,
            "tier": service.tier,
        }
        if service.rto_minutes is not None:
            attributes["rto_minutes"] = float(service.rto_minutes)
        state = recovery.get(service.id)
        if state is not None:
            attributes["state"] = state.state
            if state.mode is not None:
                attributes["mode"] = state.mode
            if math.isfinite(state.recovered):
                attributes["recovered_minutes"] = float(state.recovered)
            if state.meets_rto is not None:
                attributes["meets_rto"] = state.meets_rto
        nodes[service.id] = attributes
    return nodes


def edges(plan: Plan) -> list[tuple[str, str]]:
    """``(dependency, dependent)`` pairs, in plan order, once each."""
    known = {s.id for s in plan.services}
    pairs: dict[tuple[str, str], None] = {}
    for service in plan.services:
        for dependency in service.depends_on:
            if dependency in known:
                pairs[(dependency, service.id)] = None
    return list(pairs)


def dependency_graph(plan: Plan, result: RecoveryResult | None = None) -> Any:
    """The graph as a ``networkx.DiGraph`` with the attributes above."""
    import networkx as nx

    graph = nx.DiGraph(name=plan.name)
    for node, attributes in node_attributes(plan, result).items():
        graph.add_node(node, **attributes)
    graph.add_edges_from(edges(plan))
    return graph


def write_graphml(plan: Plan, path: Path, result: RecoveryResult | None = None) -> None:
    """Write GraphML with networkx, atomically."""
    import networkx as nx

    graph = dependency_graph(plan, result)
    # GraphML is XML 1.0, which cannot hold most control characters even escaped.
    for _, attributes in graph.nodes(data=True):
        for key, value in attributes.items():
            if isinstance(value, str):
                attributes[key] = _xml_safe(value)
    graph.graph["name"] = _xml_safe(plan.name)
    replace_atomically(path, lambda temporary: nx.write_graphml(graph, temporary))


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


# ---------------------------------------------------------------- DOT

_STATE_COLOURS = {
    "unaffected": "#ffffff",
    "dependency": "#fdf2c4",
    "failover": "#cfe2f3",
    "restore": "#f4c7c3",
    "restart": "#c9ebe4",
}


def dot_string(text: str) -> str:
    """``text`` as a DOT quoted string: backslashes and quotes escaped, a line break as
    Graphviz's ``\\n``, other control characters as a space."""
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    text = "".join(" " if ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 else c for c in text)
    return f'"{text}"'


def _dot_value(value: Any) -> str:
    if isinstance(value, bool):
        return '"true"' if value else '"false"'
    if isinstance(value, int | float):
        number = float(value)
        return f'"{int(number)}"' if number.is_integer() else f'"{number!r}"'
    return dot_string(str(value))


def dot_text(plan: Plan, result: RecoveryResult | None = None) -> str:
    """The graph in Graphviz's DOT language: one node statement per service (label: the
    name, the tier and RTO; with a scenario filled by state and showing the time it is
    back), one edge per dependency."""
    lines = [
        f"digraph {dot_string(plan.name)} {{",
        "  graph [rankdir=LR];",
        '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="sans"];',
    ]
    for node, attributes in node_attributes(plan, result).items():
        label = f"{attributes['name']}\ntier {attributes['tier']}"
        if "rto_minutes" in attributes:
            label += f", RTO {clock(attributes['rto_minutes'])}"
        if "state" in attributes:
            back = attributes.get("recovered_minutes")
            label += f"\n{attributes['state']}, back {clock(back) if back is not None else 'never'}"
        shown = dict(attributes, label=label)
        if "state" in attributes:
            shown["fillcolor"] = _STATE_COLOURS.get(attributes["state"], "#ffffff")
        body = ", ".join(f"{key}={_dot_value(value)}" for key, value in shown.items())
        lines.append(f"  {dot_string(node)} [{body}];")
    for dependency, dependent in edges(plan):
        lines.append(f"  {dot_string(dependency)} -> {dot_string(dependent)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_dot(plan: Plan, path: Path, result: RecoveryResult | None = None) -> None:
    """Write DOT (UTF-8), atomically."""
    data = dot_text(plan, result).encode("utf-8", errors="replace")
    replace_atomically(path, lambda temporary: temporary.write_bytes(data))


def write_graph(plan: Plan, path: str | Path, result: RecoveryResult | None = None) -> str:
    """Write the graph in the format ``path``'s suffix names; return that format."""
    path = Path(path)
    kind = graph_format(path)
    if kind == "graphml":
        write_graphml(plan, path, result)
    else:
        write_dot(plan, path, result)
    return kind
