"""The dependency graph's scene: node and edge items keyed by id, and the arrows' routes."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QPointF
from PySide6.QtGui import (
    QColor,
)
from PySide6.QtWidgets import (
    QGraphicsScene,
    QWidget,
)

from planner.gui.views.dependency_items import (
    NODE_H,
    NODE_W,
    EdgeItem,
    EdgeKey,
    EdgeOverview,
    NodeItem,
)
from planner.layout.dependencies import (
    Layout,
    Point,
)


class DependencyScene(QGraphicsScene):
    """Node and edge items keyed by id, with the routing of edges between ports."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.nodes: dict[str, NodeItem] = {}
        self.edges: dict[EdgeKey, EdgeItem] = {}
        self.outgoing: dict[str, list[str]] = {}  # dependency -> dependents
        self.incoming: dict[str, list[str]] = {}  # dependent -> dependencies
        self.out_port: dict[EdgeKey, float] = {}
        self.in_port: dict[EdgeKey, float] = {}
        self.layout: Layout | None = None  # waypoints are used while both ends sit there
        self.overview_on = False
        self.overview = EdgeOverview(self.edges)
        self.addItem(self.overview)
        self.setBackgroundBrush(QColor("#fbfcfd"))

    # ------------------------------------------------------------------ structure

    def clear_all(self) -> None:
        self.removeItem(self.overview)
        self.clear()
        self.addItem(self.overview)
        self.overview.dirty = True
        self.nodes.clear()
        self.edges.clear()
        self.outgoing.clear()
        self.incoming.clear()
        self.out_port.clear()
        self.in_port.clear()

    def add_node(self, service_id: str, pos: Point) -> NodeItem:
        node = NodeItem(service_id)
        node.setPos(pos[0], pos[1])
        self.addItem(node)
        self.nodes[service_id] = node
        self.outgoing.setdefault(service_id, [])
        self.incoming.setdefault(service_id, [])
        return node

    def remove_node(self, service_id: str) -> None:
        node = self.nodes.pop(service_id, None)
        if node is not None:
            self.removeItem(node)
        self.outgoing.pop(service_id, None)
        self.incoming.pop(service_id, None)

    def add_edge(self, key: EdgeKey) -> EdgeItem:
        edge = EdgeItem(key)
        edge.setVisible(not self.overview_on)
        self.addItem(edge)
        self.edges[key] = edge
        self.overview.dirty = True
        self.outgoing[key[0]].append(key[1])
        self.incoming[key[1]].append(key[0])
        return edge

    def remove_edge(self, key: EdgeKey) -> None:
        edge = self.edges.pop(key)
        self.removeItem(edge)
        self.overview.dirty = True
        self.out_port.pop(key, None)
        self.in_port.pop(key, None)
        if key[0] in self.outgoing:
            self.outgoing[key[0]].remove(key[1])
        if key[1] in self.incoming:
            self.incoming[key[1]].remove(key[0])

    # ------------------------------------------------------------------ routing

    def centre_y(self, service_id: str) -> float:
        return self.nodes[service_id].y() + NODE_H / 2

    def refresh_ports(self, ids: Iterable[str]) -> set[EdgeKey]:
        """Spread each node's arrows over its side in the order of the far ends' heights,
        so arrows entering or leaving one node do not cross each other there.
        Returns the edges whose ports were recomputed."""
        touched: set[EdgeKey] = set()
        for sid in ids:
            if sid not in self.nodes:
                continue
            outs = sorted(self.outgoing.get(sid, ()), key=self.centre_y)
            for i, other in enumerate(outs):
                key = (sid, other)
                self.out_port[key] = 10 + (NODE_H - 20) * (i + 1) / (len(outs) + 1)
                touched.add(key)
            ins = sorted(self.incoming.get(sid, ()), key=self.centre_y)
            for i, other in enumerate(ins):
                key = (other, sid)
                self.in_port[key] = 10 + (NODE_H - 20) * (i + 1) / (len(ins) + 1)
                touched.add(key)
        return touched

    def route(self, key: EdgeKey) -> None:
        """Path of one edge: right side of the dependency to the left side of the dependent,
        through the layout's waypoints while both ends stand where the layout put them."""
        edge = self.edges[key]
        tail, head = self.nodes[key[0]], self.nodes[key[1]]
        start = QPointF(tail.x() + NODE_W, tail.y() + self.out_port.get(key, NODE_H / 2))
        end = QPointF(head.x() - 1, head.y() + self.in_port.get(key, NODE_H / 2))
        points = [start]
        layout = self.layout
        if layout is not None and key in layout.waypoints:
            a, b = layout.positions.get(key[0]), layout.positions.get(key[1])
            if a == (tail.x(), tail.y()) and b == (head.x(), head.y()):
                points += [QPointF(x, y) for x, y in layout.waypoints[key]]
        points.append(end)
        edge.set_route(points)
        if not self.overview.dirty:
            self.overview.dirty = True
            self.overview.update()

    def set_overview(self, on: bool) -> None:
        """Draw the edges as one path (far out) or as items (clickable, with arrowheads)."""
        if on == self.overview_on:
            return
        self.overview_on = on
        for edge in self.edges.values():
            edge.setVisible(not on)
        self.overview.setVisible(on)

    def reroute_nodes(self, ids: Iterable[str]) -> None:
        """After nodes moved: their ports, their neighbours' ports, and those edges."""
        ids = set(ids)
        around = set(ids)
        for sid in ids:
            around.update(self.outgoing.get(sid, ()))
            around.update(self.incoming.get(sid, ()))
        for key in self.refresh_ports(around):
            self.route(key)

    def reroute_all(self) -> None:
        self.refresh_ports(list(self.nodes))
        for key in self.edges:
            self.route(key)

    # ------------------------------------------------------------------ hover

    def hover_node(self, service_id: str, on: bool) -> None:
        for other in self.outgoing.get(service_id, ()):
            self._highlight((service_id, other), on)
        for other in self.incoming.get(service_id, ()):
            self._highlight((other, service_id), on)

    def _highlight(self, key: EdgeKey, on: bool) -> None:
        edge = self.edges.get(key)
        if edge is not None:
            edge.highlighted = on
            edge.setZValue(1 if on else 0)
            edge.update()
            if self.overview_on:
                self.overview.update()


__all__ = ["DependencyScene"]
