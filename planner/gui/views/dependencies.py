"""The dependency view: services as nodes, dependencies as arrows, laid out in layers.

Reading it: an arrow ``A → B`` means *B depends on A* (A must be recovered first), so
recovery flows left to right. Nodes are coloured by the recovery state of the chosen
scenario (``style.STATE_COLORS``); the critical path is outlined in ``style.CRITICAL``.

Rules:

* The scene mirrors the plan: one :class:`NodeItem` per service id, one
  :class:`EdgeItem` per ``(dependency, dependent)`` pair. Items hold display state
  only; the plan changes only through ``document.push``.
* A node stands at the service's ``x, y`` (the box's top-left corner) when both are
  set; otherwise at its place in an automatic layered layout
  (:mod:`planner.layout.dependencies`), computed once per full rebuild and
  cached; services added later are placed next to their dependencies without
  moving anything else. While no node stands where a person put it (no stored
  position) and the graph is small (``FOLLOW_LIMIT`` services), the layout follows
  every change of the dependencies, so a graph drawn from scratch stays layered.
  "Re-layout" recomputes it and clears every stored position (one undo step).
* Dragging nodes is one :class:`MoveItems` on release (positions snap to 10 units).
* Connecting: Shift+drag from node A to node B, or drag from A's handle (the dot on
  its right edge), or any drag in Connect mode, makes B depend on A. A refused cycle
  is drawn in red (until the next click or a few seconds) and its text goes out
  through ``document.refused``.
* Delete removes the selected dependencies (arrows) and deletes the selected services.
* Selection follows ``document.select`` both ways (services only).
"""

from __future__ import annotations

import functools
import html
import itertools
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QLineF, QPoint, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPaintEvent,
    QPen,
    QPolygonF,
    QShowEvent,
    QTextLayout,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsSceneHoverEvent,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QVBoxLayout,
    QWidget,
)

from planner.engine.recovery import RecoveryResult, ServiceRecovery, miss_reason_text
from planner.gui import style
from planner.gui.document import PlanDocument
from planner.gui.recovery_controller import RecoveryController
from planner.layout.dependencies import (
    Layout,
    LayoutParams,
    Point,
    graph_signature,
    layered_layout,
    place_nodes,
)
from planner.model import Service
from planner.model.clock import clock
from planner.model.edits import (
    Change,
    Composite,
    CycleRefused,
    Edit,
    EditRefused,
    MoveItems,
    SetFields,
    add_dependency,
    delete_items,
    remove_dependency,
)

PARAMS = LayoutParams()
NODE_W = PARAMS.node_width
NODE_H = PARAMS.node_height
SNAP = 10.0
# Up to this many services a fresh layered layout costs a few ms, so it can follow each
# dependency edit; past it, positions stay until "Re-layout" (the layout takes ~0.5 s at
# 3,000 services).
FOLLOW_LIMIT = 400
HANDLE_R = 5.5
ARROW_LEN = 10.0
CYCLE_MS = 4000
MIN_ZOOM, MAX_ZOOM = 0.02, 4.0
LABEL_LOD = 0.45  # below this zoom nodes are plain boxes, edges plain lines
OVERVIEW_ZOOM = 0.25  # below this the edges are drawn as one path by one item
EdgeKey = tuple[str, str]  # (dependency, dependent): the arrow's tail and head
# Opaque on purpose: Qt's raster engine draws translucent cosmetic lines ~20x slower.
EDGE_COLOR = "#8f99a4"  # style.MUTED_TEXT lightened toward white
OVERVIEW_EDGE_COLOR = "#b5bcc4"
_SHORT_STATE = {"up": "Up", "failover": "Failover", "restore": "Restore", "dependency": "Waiting"}


def hours_minutes(minutes: float | None) -> str:
    """``h:mm``; an em dash for no value."""
    return clock(minutes)


def _blend(color: QColor, toward: QColor, amount: float) -> QColor:
    """``color`` moved ``amount`` (0..1) of the way to ``toward``."""
    return QColor.fromRgbF(
        color.redF() + (toward.redF() - color.redF()) * amount,
        color.greenF() + (toward.greenF() - color.greenF()) * amount,
        color.blueF() + (toward.blueF() - color.blueF()) * amount,
    )


@functools.lru_cache(maxsize=16)
def _cached_font(family: str, pixel_size: float, bold: bool) -> QFont:
    font = QFont(QApplication.font())
    font.setPixelSize(round(pixel_size))
    font.setBold(bold)
    return font


def _font(pixel_size: float, bold: bool = False) -> QFont:
    """The application font at a size in scene units (so text scales with the zoom)."""
    return _cached_font(QApplication.font().family(), pixel_size, bold)


def _wrap(text: str, font: QFont, widths: Sequence[float]) -> list[str]:
    """``text`` in at most ``len(widths)`` lines of those widths, the last one elided.

    A bilingual name "한국어 / English" goes one language per line when both fit that
    way, which reads better than a wrap in the middle of either.
    """
    metrics = QFontMetricsF(font)
    text = " ".join(text.split())
    if metrics.horizontalAdvance(text) <= widths[0]:
        return [text]
    parts = text.split(" / ", 1)
    if len(widths) > 1 and len(parts) == 2:
        return [
            metrics.elidedText(part, Qt.TextElideMode.ElideRight, width)
            for part, width in zip(parts, widths, strict=False)
        ]
    layout = QTextLayout(text, font)
    lines: list[str] = []
    layout.beginLayout()
    for i, width in enumerate(widths):
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        start = line.textStart()
        if i == len(widths) - 1:
            rest = text[start:]
            lines.append(metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width))
        else:
            lines.append(text[start : start + line.textLength()].rstrip())
    layout.endLayout()
    return [line for line in lines if line]


@dataclass
class NodeLook:
    """What a node shows; derived from the plan and the recovery result."""

    name: str
    tier: int
    status: str
    status_right: str
    right_color: str
    fill: QColor
    border: QColor
    strip: QColor
    tooltip: str


class NodeItem(QGraphicsItem):
    """A service box. Position = the service's top-left corner in scene units."""

    def __init__(self, service_id: str) -> None:
        super().__init__()
        self.service_id = service_id
        self.look: NodeLook | None = None
        self._title: list[str] | None = None
        self.critical = False
        self.in_cycle = False
        self.connect_target = False
        self.hovered = False
        self.show_handle = False
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setAcceptHoverEvents(True)
        self.setZValue(2)

    def set_look(self, look: NodeLook) -> None:
        if self.look is None or self.look.name != look.name:
            self._title = None  # wrapped on the next paint
        self.look = look
        self.setToolTip(look.tooltip)
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(-4, -4, NODE_W + HANDLE_R + 8, NODE_H + 8)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(QRectF(0, 0, NODE_W, NODE_H), 8, 8)
        path.addEllipse(self.handle_center(), HANDLE_R + 2, HANDLE_R + 2)
        return path

    def handle_center(self) -> QPointF:
        return QPointF(NODE_W, NODE_H / 2)

    def on_handle(self, scene_pos: QPointF) -> bool:
        """True when ``scene_pos`` is on the connect handle (a little generous)."""
        local = self.mapFromScene(scene_pos)
        return QLineF(local, self.handle_center()).length() <= HANDLE_R + 4

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.hovered = True
        scene = self.scene()
        if isinstance(scene, DependencyScene):
            scene.hover_node(self.service_id, True)
        self.update()

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.hovered = False
        scene = self.scene()
        if isinstance(scene, DependencyScene):
            scene.hover_node(self.service_id, False)
        self.update()

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        look = self.look
        if look is None:
            return
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        rect = QRectF(0, 0, NODE_W, NODE_H)
        selected = self.isSelected()
        if lod < LABEL_LOD:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            border = (
                QColor(style.SELECTION)
                if selected
                else QColor(style.INVALID)
                if self.in_cycle
                else QColor(style.CRITICAL)
                if self.critical
                else look.border
            )
            pen = QPen(border, 0 if not (selected or self.critical or self.in_cycle) else 3)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(look.strip if lod < 0.12 else look.fill)
            painter.drawRect(rect)
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        fill = _blend(look.fill, QColor("white"), 0.35) if self.hovered else look.fill
        painter.setPen(QPen(look.border, 1.2))
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, 8, 8)
        clip = QPainterPath()
        clip.addRoundedRect(rect, 8, 8)
        painter.save()
        painter.setClipPath(clip)
        painter.fillRect(QRectF(0, 0, 6, NODE_H), look.strip)
        painter.restore()

        badge = QRectF(NODE_W - 34, 7, 27, 16)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(style.TIER_COLORS.get(look.tier, style.MUTED_TEXT)))
        painter.drawRoundedRect(badge, 4, 4)
        painter.setFont(_font(10.5, bold=True))
        painter.setPen(QColor("white") if look.tier <= 1 else QColor(style.TEXT))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, f"T{look.tier}")

        painter.setFont(_font(12.5))
        painter.setPen(QColor(style.TEXT))
        if self._title is None:
            self._title = _wrap(look.name, _font(12.5), [NODE_W - 54, NODE_W - 24])
        top = 6.0 if len(self._title) > 1 else 11.0
        for i, line in enumerate(self._title):
            width = NODE_W - 14 - (40 if i == 0 else 10)
            painter.drawText(
                QRectF(14, top + i * 16.5, width, 17),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                line,
            )
        painter.setFont(_font(10.5))
        status_rect = QRectF(14, NODE_H - 21, NODE_W - 24, 15)
        painter.setPen(QColor(style.MUTED_TEXT))
        painter.drawText(
            status_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, look.status
        )
        painter.setPen(QColor(look.right_color))
        painter.drawText(
            status_rect,
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            look.status_right,
        )

        outline: QPen | None = None
        if self.in_cycle:
            outline = QPen(QColor(style.INVALID), 3.2)
        elif self.critical:
            outline = QPen(QColor(style.CRITICAL), 2.6)
        if outline is not None:
            painter.setPen(outline)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect, 8, 8)
        if selected or self.connect_target:
            pen = QPen(QColor(style.SELECTION), 2.4)
            if self.connect_target:
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(-2.5, -2.5, 2.5, 2.5), 10, 10)
        if self.hovered or selected or self.show_handle:
            painter.setPen(QPen(QColor(style.SELECTION), 1.5))
            painter.setBrush(QColor("white"))
            painter.drawEllipse(self.handle_center(), HANDLE_R, HANDLE_R)
            c = self.handle_center()
            painter.drawLine(QPointF(c.x() - 2.5, c.y()), QPointF(c.x() + 2.5, c.y()))
            painter.drawLine(QPointF(c.x(), c.y() - 2.5), QPointF(c.x(), c.y() + 2.5))


class EdgeItem(QGraphicsItem):
    """An arrow from a dependency to its dependent; ``key`` is ``(dependency, dependent)``.

    The route is kept as one cubic piece per layer gap: a frame strokes only the pieces
    it exposes, because antialiased stroking of a long curve costs its whole length
    even when most of it is off screen (a big plan has thousands of long edges).
    """

    def __init__(self, key: EdgeKey, proposed: bool = False) -> None:
        super().__init__()
        self.key = key
        self.proposed = proposed  # the refused new dependency of a cycle, drawn dashed
        self.critical = False
        self.in_cycle = proposed
        self.highlighted = False
        self.points = QPolygonF()  # the route as a polyline, for drawing zoomed out
        self.pieces: list[tuple[QRectF, QPainterPath]] = []
        self._path = QPainterPath()
        self._bounds = QRectF()
        self._shape: QPainterPath | None = None
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        if not proposed:
            self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
            self.setToolTip(f"{key[1]} depends on {key[0]}")
        self.setZValue(0.5 if proposed else 0)

    def set_route(self, points: Sequence[QPointF]) -> None:
        """Route through ``points`` (tail port, waypoints, head port) with horizontal
        tangents at each point, so the curve leaves and enters nodes straight. The
        curves are built on first paint: far out only the polyline is drawn."""
        self.prepareGeometryChange()
        self.points = QPolygonF(list(points))
        xs = [p.x() for p in points]
        ys = [p.y() for p in points]
        # The control points stick out horizontally by at most the bend (>= 40).
        reach = max(40.0, max((abs(b - a) for a, b in itertools.pairwise(xs)), default=0) / 2)
        self._bounds = QRectF(
            min(xs) - reach - 6,
            min(ys) - 6,
            max(xs) - min(xs) + 2 * reach + 12,
            max(ys) - min(ys) + 12,
        )
        self.pieces = []
        self._path = QPainterPath()
        self._shape = None
        self.update()

    @property
    def routed(self) -> bool:
        """A route has two ends at least; before that there is nothing to draw or hit.

        Qt paints an item as soon as it is in a scene and its (empty) bounds touch an
        exposed area (a zero-sized box at the origin does, in a small fresh graph), and
        an exception raised in ``paint`` during a real window's repaint kills PySide6.
        """
        return self.points.size() >= 2

    def _build(self) -> None:
        points = list(self.points)
        if len(points) < 2:
            self.pieces, self._path = [], QPainterPath()
            return
        path = QPainterPath(points[0])
        pieces = []
        for p, q in itertools.pairwise(points):
            bend = max(abs(q.x() - p.x()) / 2, 40.0)
            c1, c2 = QPointF(p.x() + bend, p.y()), QPointF(q.x() - bend, q.y())
            piece = QPainterPath(p)
            piece.cubicTo(c1, c2, q)
            pieces.append((piece.controlPointRect().adjusted(-3, -3, 3, 3), piece))
            path.cubicTo(c1, c2, q)
        self.pieces = pieces
        self._path = path

    def path(self) -> QPainterPath:
        if not self.pieces and self.routed:
            self._build()
        return self._path

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        # Only hit tests under the mouse need it: built on first use.
        if self._shape is None:
            stroker = QPainterPathStroker()
            stroker.setWidth(9)
            self._shape = stroker.createStroke(self.path())
        return self._shape

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if not self.routed:
            return
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        selected = self.isSelected()
        if self.in_cycle:
            color, width = QColor(style.INVALID), 2.6
        elif selected:
            color, width = QColor(style.SELECTION), 2.6
        elif self.critical:
            color, width = QColor(style.CRITICAL), 2.4
        elif self.highlighted:
            color, width = QColor(style.SELECTION), 1.8
        else:
            color, width = QColor(EDGE_COLOR), 1.2
        if lod < LABEL_LOD:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            pen = QPen(color, 0 if width < 2 else 2)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.drawPolyline(self.points)
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        # A plain edge is a 1 px cosmetic line: Qt draws those with a fast stroker that
        # clips each segment, while a wider pen outlines the whole (possibly very long)
        # curve first. Emphasised edges are few, so they may be wide.
        pen = QPen(color, width if width > 1.5 else 0)
        pen.setCosmetic(width <= 1.5)
        if self.proposed:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        exposed = option.exposedRect
        if not self.pieces:
            self._build()
        for bounds, piece in self.pieces:
            if bounds.intersects(exposed):
                painter.drawPath(piece)
        tip = self._path.currentPosition()
        head = QPolygonF(
            [
                tip,
                QPointF(tip.x() - ARROW_LEN, tip.y() - ARROW_LEN * 0.45),
                QPointF(tip.x() - ARROW_LEN, tip.y() + ARROW_LEN * 0.45),
            ]
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawPolygon(head)


class _Overview(QGraphicsItem):
    """Every edge as one path, shown instead of the edge items when zoomed far out.

    Thousands of edge items each painting from Python make a zoomed-out frame slow;
    one cosmetic path is drawn by Qt in one call. Rebuilt lazily after routing changes.
    """

    def __init__(self, edges: dict[EdgeKey, EdgeItem]) -> None:
        super().__init__()
        self._edges = edges
        self._path = QPainterPath()
        self._bounds = QRectF()
        self.dirty = True
        self.setZValue(0)
        self.setVisible(False)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def set_bounds(self, bounds: QRectF) -> None:
        if bounds != self._bounds:
            self.prepareGeometryChange()
            self._bounds = QRectF(bounds)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if self.dirty:
            path = QPainterPath()
            for edge in self._edges.values():
                path.addPolygon(edge.points)
            self._path = path
            self.dirty = False
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        pen = QPen(QColor(OVERVIEW_EDGE_COLOR), 0)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        for edge in self._edges.values():
            if edge.in_cycle or edge.critical or edge.isSelected() or edge.highlighted:
                special = QColor(
                    style.INVALID
                    if edge.in_cycle
                    else style.SELECTION
                    if edge.isSelected() or edge.highlighted
                    else style.CRITICAL
                )
                strong = QPen(special, 2)
                strong.setCosmetic(True)
                painter.setPen(strong)
                painter.drawPolyline(edge.points)


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
        self.overview = _Overview(self.edges)
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


class _Legend(QWidget):
    """The key to colours and arrows, in the view's bottom-left corner."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.with_states = False
        self._rows: list[list[tuple[str, str]]] = []
        self.row_h = 0.0
        self.set_states(False)

    def set_states(self, with_states: bool) -> None:
        """Show the state colours (when there is a result) or only the arrow and the hint."""
        self.with_states = with_states
        metrics = QFontMetricsF(self.font())
        rows: list[list[tuple[str, str]]] = [
            [("arrow", "A → B: B depends on A (A recovers first)")]
        ]
        if with_states:
            rows.append([(s, _SHORT_STATE[s]) for s in ("up", "failover", "restore", "dependency")])
            rows.append([("critical", "Critical path")])
        rows.append([("hint", "Shift+drag from A to B (or drag A's ⊕) to add one")])
        self._rows = rows
        width = max(
            sum(32 + metrics.horizontalAdvance(text) + 12 for _, text in row) for row in rows
        )
        self.row_h = metrics.height() + 5
        self.setFixedSize(round(width + 8), round(len(rows) * self.row_h + 10))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(QPen(QColor(style.SITE_BORDER), 1))
        background = QColor("white")
        background.setAlphaF(0.92)
        painter.setBrush(background)
        painter.drawRoundedRect(box, 6, 6)
        metrics = QFontMetricsF(self.font())
        y = 5.0
        for row in self._rows:
            x = 10.0
            mid = y + self.row_h / 2
            for kind, text in row:
                self._swatch(painter, kind, QRectF(x, mid - 6, 22, 12))
                painter.setPen(QColor(style.MUTED_TEXT if kind == "hint" else style.TEXT))
                advance = metrics.horizontalAdvance(text)
                painter.drawText(
                    QRectF(x + 30, y, advance + 4, self.row_h),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    text,
                )
                x += 30 + advance + 14
            y += self.row_h

    @staticmethod
    def _swatch(painter: QPainter, kind: str, box: QRectF) -> None:
        mid = box.center().y()
        if kind == "arrow":
            painter.setPen(QPen(QColor(style.MUTED_TEXT), 1.4))
            painter.drawLine(QPointF(box.left(), mid), QPointF(box.right() - 6, mid))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(style.MUTED_TEXT))
            tip = box.right()
            painter.drawPolygon(
                QPolygonF([QPointF(tip, mid), QPointF(tip - 8, mid - 4), QPointF(tip - 8, mid + 4)])
            )
        elif kind == "critical":
            painter.setPen(QPen(QColor(style.CRITICAL), 2.4))
            painter.setBrush(QColor("white"))
            painter.drawRoundedRect(box, 3, 3)
        elif kind == "hint":
            c = box.center()
            painter.setPen(QPen(QColor(style.SELECTION), 1.4))
            painter.setBrush(QColor("white"))
            painter.drawEllipse(c, 5, 5)
            painter.drawLine(QPointF(c.x() - 2.5, mid), QPointF(c.x() + 2.5, mid))
            painter.drawLine(QPointF(c.x(), mid - 2.5), QPointF(c.x(), mid + 2.5))
        else:
            color = QColor(style.STATE_COLORS[kind])
            painter.setPen(QPen(color.darker(125), 1))
            painter.setBrush(_blend(color, QColor("white"), 0.6))
            painter.drawRoundedRect(box, 3, 3)


class DependencyCanvas(QGraphicsView):
    """The graphics view: zoom, pan, node drags and the connect gesture."""

    def __init__(self, owner: DependencyView) -> None:
        super().__init__(owner.scene, owner)
        self.owner = owner
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemBoundingRect)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._drag: tuple[QPointF, dict[str, QPointF]] | None = None
        self._dragged = False
        self._connect_from: str | None = None
        self._connect_line: EdgeItem | None = None
        self._connect_target: NodeItem | None = None
        self._pan: QPoint | None = None
        self.legend = _Legend(self)

    # ------------------------------------------------------------------ helpers

    def node_at(self, view_pos: QPoint) -> NodeItem | None:
        for item in self.items(view_pos):
            if isinstance(item, NodeItem):
                return item
        return None

    def zoom_by(self, factor: float) -> None:
        current = self.transform().m11()
        factor = max(MIN_ZOOM / current, min(MAX_ZOOM / current, factor))
        self.scale(factor, factor)
        self.owner.zoom_changed()

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.place_legend()
        return super().viewportEvent(event)

    def place_legend(self) -> None:
        """Bottom-left of the viewport, above the scroll bar."""
        area = self.viewport().geometry()
        self.legend.move(area.left() + 10, area.bottom() - self.legend.height() - 9)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(1.15**steps)
        event.accept()

    # ------------------------------------------------------------------ mouse

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.owner.clear_cycle()
        if event.button() == Qt.MouseButton.MiddleButton:
            self._pan = event.position().toPoint()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        if event.button() == Qt.MouseButton.LeftButton:
            node = self.node_at(event.position().toPoint())
            scene_pos = self.mapToScene(event.position().toPoint())
            if node is not None and (
                self.owner.connect_action.isChecked()
                or event.modifiers() & Qt.KeyboardModifier.ShiftModifier
                or node.on_handle(scene_pos)
            ):
                self._start_connect(node, scene_pos)
                event.accept()
                return
            super().mousePressEvent(event)
            if node is not None:
                selected = [
                    item for item in self.owner.scene.selectedItems() if isinstance(item, NodeItem)
                ]
                if node not in selected:
                    selected = [node]
                self._drag = (scene_pos, {n.service_id: n.pos() for n in selected})
                self._dragged = False
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pan is not None:
            delta = event.position().toPoint() - self._pan
            self._pan = event.position().toPoint()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - delta.y())
            event.accept()
            return
        if self._connect_from is not None:
            self._update_connect(event.position().toPoint())
            event.accept()
            return
        if self._drag is not None:
            press, start = self._drag
            scene_pos = self.mapToScene(event.position().toPoint())
            offset = scene_pos - press
            if not self._dragged:
                distance = self.mapFromScene(scene_pos) - self.mapFromScene(press)
                if distance.manhattanLength() < QApplication.startDragDistance():
                    return
                self._dragged = True
            scene = self.owner.scene
            for sid, origin in start.items():
                node = scene.nodes.get(sid)
                if node is not None:
                    node.setPos(
                        round((origin.x() + offset.x()) / SNAP) * SNAP,
                        round((origin.y() + offset.y()) / SNAP) * SNAP,
                    )
            scene.reroute_nodes(start)
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan is not None and event.button() == Qt.MouseButton.MiddleButton:
            self._pan = None
            self.viewport().unsetCursor()
            event.accept()
            return
        if self._connect_from is not None:
            target = self.node_at(event.position().toPoint())
            source = self._connect_from
            self._end_connect()
            if target is not None and target.service_id != source:
                self.owner.add_dependency(target.service_id, source)
            event.accept()
            return
        super().mouseReleaseEvent(event)
        if self._drag is not None:
            _, start = self._drag
            dragged = self._dragged
            self._drag = None
            self._dragged = False
            if dragged:
                self.owner.finish_drag(start)

    # ------------------------------------------------------------------ connect

    def _start_connect(self, node: NodeItem, scene_pos: QPointF) -> None:
        self._connect_from = node.service_id
        line = EdgeItem(("", ""), proposed=True)
        line.in_cycle = False
        line.highlighted = True
        # Routed before it joins the scene: it may be painted before the first move.
        line.set_route([QPointF(node.x() + NODE_W, node.y() + NODE_H / 2), scene_pos])
        self.owner.scene.addItem(line)
        self._connect_line = line
        self.viewport().setCursor(Qt.CursorShape.CrossCursor)

    def _update_connect(self, view_pos: QPoint) -> None:
        source = self.owner.scene.nodes.get(self._connect_from or "")
        line = self._connect_line
        if source is None or line is None:
            return
        target = self.node_at(view_pos)
        if target is source:
            target = None
        if target is not self._connect_target:
            if self._connect_target is not None:
                self._connect_target.connect_target = False
                self._connect_target.update()
            self._connect_target = target
            if target is not None:
                target.connect_target = True
                target.update()
        start = QPointF(source.x() + NODE_W, source.y() + NODE_H / 2)
        if target is not None:
            end = QPointF(target.x() - 1, target.y() + NODE_H / 2)
        else:
            end = self.mapToScene(view_pos)
        line.set_route([start, end])

    def abandon_gesture(self) -> None:
        """Drop a drag or connect in progress: the items it holds are about to go (the
        scene is rebuilt, or nodes removed, while the button is still down)."""
        self._end_connect()
        self._drag = None
        self._dragged = False

    def _end_connect(self) -> None:
        if self._connect_line is not None and self._connect_line.scene() is not None:
            self.owner.scene.removeItem(self._connect_line)
        if self._connect_target is not None:
            self._connect_target.connect_target = False
            self._connect_target.update()
        self._connect_from = None
        self._connect_line = None
        self._connect_target = None
        self.viewport().unsetCursor()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self._connect_from is not None:
            self._end_connect()
            event.accept()
            return
        if event.matches(QKeySequence.StandardKey.Delete) or event.key() == Qt.Key.Key_Backspace:
            self.owner.delete_selected()
            event.accept()
            return
        super().keyPressEvent(event)


class DependencyView(QWidget):
    """Services and their dependencies as a layered graph; see the module docstring.

    Actions (also in ``actions()``): ``relayout_action``, ``connect_action`` (checkable),
    ``zoom_in_action`` (Ctrl+=, Ctrl++), ``zoom_out_action`` (Ctrl+-), ``fit_action``
    (Ctrl+0), ``delete_action`` (Delete; active while the view has focus).
    """

    def __init__(
        self,
        document: PlanDocument,
        recovery: RecoveryController,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.recovery = recovery
        self.scene = DependencyScene(self)
        self.canvas = DependencyCanvas(self)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.canvas)
        self._auto: dict[str, Point] = {}  # positions of services without stored x, y
        self._layout_key: tuple[object, ...] | None = None
        self._states: dict[str, ServiceRecovery] = {}
        self._critical_nodes: set[str] = set()
        self._critical_edges: set[EdgeKey] = set()
        self._cycle_items: list[QGraphicsItem] = []
        self._syncing = False
        self._fitted = False
        self._cycle_timer = QTimer(self)
        self._cycle_timer.setSingleShot(True)
        self._cycle_timer.setInterval(CYCLE_MS)
        self._cycle_timer.timeout.connect(self.clear_cycle)
        self._make_actions()
        self.scene.selectionChanged.connect(self._scene_selection_changed)
        document.changed.connect(self._document_changed)
        document.selectionChanged.connect(self._document_selection_changed)
        recovery.resultChanged.connect(self._result_changed)
        self.rebuild()

    # ------------------------------------------------------------------ actions

    def _make_actions(self) -> None:
        def action(text: str, slot: object, *keys: QKeySequence | str) -> QAction:
            act = QAction(text, self)
            if keys:
                act.setShortcuts([QKeySequence(k) for k in keys])
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        keys = QKeySequence.StandardKey
        self.relayout_action = action("Re-&layout dependencies", self.relayout)
        self.relayout_action.setStatusTip(
            "Lay the dependency graph out again, dropping the positions you set"
        )
        self.connect_action = action("&Connect mode", lambda: None)
        self.connect_action.setCheckable(True)
        self.connect_action.setStatusTip("Drag from one service to another to add a dependency")
        self.connect_action.toggled.connect(self._connect_mode_toggled)
        self.zoom_in_action = action("Zoom &in", self.zoom_in, keys.ZoomIn, "Ctrl+=")
        self.zoom_out_action = action("Zoom &out", self.zoom_out, keys.ZoomOut, "Ctrl+-")
        self.fit_action = action("&Fit dependencies", self.fit, "Ctrl+0")
        self.delete_action = action("&Delete", self.delete_selected, keys.Delete)
        self.delete_action.setStatusTip("Remove the selected dependencies and services")

    def _connect_mode_toggled(self, on: bool) -> None:
        for node in self.scene.nodes.values():
            node.show_handle = on
            node.update()

    # ------------------------------------------------------------------ building

    def _dependency_pairs(self, services: Iterable[Service]) -> list[EdgeKey]:
        known = {s.id for s in self.document.plan.services}
        pairs: dict[EdgeKey, None] = {}
        for service in services:
            for dep in service.depends_on:
                if dep in known and dep != service.id:
                    pairs[(dep, service.id)] = None
        return list(pairs)

    def _unique_services(self) -> dict[str, Service]:
        """Services by id; a broken plan repeating an id shows the first, as lookups do."""
        services: dict[str, Service] = {}
        for service in self.document.plan.services:
            services.setdefault(service.id, service)
        return services

    def rebuild(self) -> None:
        """Build every item again (a new plan, or ``changed(None)``)."""
        self.canvas.abandon_gesture()
        self.clear_cycle()
        scene = self.scene
        scene.clear_all()
        services = self._unique_services()
        edges = self._dependency_pairs(services.values())
        positions = self._positions(services, edges, fresh=False)
        for sid in services:
            scene.add_node(sid, positions[sid])
        for key in edges:
            scene.add_edge(key)
        scene.reroute_all()
        self._refresh_looks(services)
        self._apply_result_flags()
        self._update_scene_rect()
        self._document_selection_changed(self.document.selection)
        self.canvas.legend.set_states(self.recovery.result is not None)
        self.canvas.place_legend()

    def _plan_replaced(self) -> None:
        """Another plan: show all of it, now or (hidden, its size unknown) when shown."""
        self._fitted = self.isVisible()
        if self._fitted:
            self.fit()

    def _positions(
        self, services: dict[str, Service], edges: list[EdgeKey], fresh: bool
    ) -> dict[str, Point]:
        """Stored positions, else the (cached) layout's, nudged off stored ones."""
        stored = {
            sid: (float(s.x), float(s.y))
            for sid, s in services.items()
            if s.x is not None and s.y is not None
        }
        free = [sid for sid in services if sid not in stored]
        if not free:
            return stored
        key = graph_signature(list(services), edges)
        if fresh or self.scene.layout is None or key != self._layout_key:
            self.scene.layout = layered_layout(list(services), edges, PARAMS)
            self._layout_key = key
        layout = self.scene.layout
        if not stored:
            self._auto = dict(layout.positions)
            return dict(layout.positions)
        deps = {sid: [d for d in s.depends_on if d in services] for sid, s in services.items()}
        order = sorted(free, key=lambda sid: layout.layers.get(sid, 0))
        self._auto = place_nodes(order, deps, stored, hints=layout.positions, params=PARAMS)
        return {**stored, **self._auto}

    def _position_of(self, service: Service) -> Point:
        if service.x is not None and service.y is not None:
            return (float(service.x), float(service.y))
        if service.id in self._auto:
            return self._auto[service.id]
        placed = {
            sid: (node.x(), node.y()) for sid, node in self.scene.nodes.items() if sid != service.id
        }
        deps = {service.id: [d for d in service.depends_on if d in placed]}
        spot = place_nodes([service.id], deps, placed, params=PARAMS)[service.id]
        self._auto[service.id] = spot
        return spot

    def _update_scene_rect(self) -> None:
        bounds = self.nodes_rect().adjusted(-300, -300, 400, 300).united(QRectF(0, 0, 400, 300))
        self.scene.setSceneRect(bounds)
        self.scene.overview.set_bounds(bounds)

    # ------------------------------------------------------------------ looks

    def _look(self, service: Service) -> NodeLook:
        state = self._states.get(service.id)
        tooltip = [
            f"<b>{html.escape(service.name)}</b> ({html.escape(service.id)})",
            f"Tier {service.tier}",
        ]
        if service.rto_minutes is not None:
            tooltip.append(f"RTO {hours_minutes(service.rto_minutes)}")
        if service.depends_on:
            tooltip.append("Depends on " + html.escape(", ".join(service.depends_on)))
        if state is None:
            strip = QColor(service.color) if service.color else QColor(style.SITE_BORDER)
            if not strip.isValid():
                strip = QColor(style.SITE_BORDER)
            fill = QColor("white")
            border = QColor(style.SITE_BORDER)
            status = service.id
            right = f"RTO {hours_minutes(service.rto_minutes)}" if service.rto_minutes else ""
            right_color = style.MUTED_TEXT
        else:
            name = style.ENGINE_STATE.get(state.state, "up")
            strip = QColor(style.STATE_COLORS[name])
            fill = _blend(strip, QColor("white"), 0.8)
            border = strip.darker(125)
            status = _SHORT_STATE.get(name, name)
            if name != "up":
                status += f" · {hours_minutes(state.recovered)}"
            tooltip.append(
                f"{style.STATE_LABELS[name]}, recovered at {hours_minutes(state.recovered)}"
            )
            if state.meets_rto is None:
                right, right_color = "", style.MUTED_TEXT
            elif state.meets_rto:
                right, right_color = "RTO ✓", style.STATE_COLORS["up"]
                tooltip.append("Meets its RTO")
            else:
                right, right_color = "RTO ✗", style.INVALID
                why = miss_reason_text(state)
                tooltip.append(f"Misses its RTO ({why})")
        return NodeLook(
            name=service.name or service.id,
            tier=service.tier,
            status=status,
            status_right=right,
            right_color=right_color,
            fill=fill,
            border=border,
            strip=strip,
            tooltip="<br>".join(tooltip),
        )

    def _refresh_looks(
        self, services: dict[str, Service], ids: Iterable[str] | None = None
    ) -> None:
        for sid in services if ids is None else ids:
            node = self.scene.nodes.get(sid)
            if node is not None and sid in services:
                node.set_look(self._look(services[sid]))

    # ------------------------------------------------------------------ document

    def _document_changed(self, change: Change | None, origin: object = None) -> None:
        if change is None:
            self.rebuild()
            self._plan_replaced()
            return
        if "service" not in change.kinds:
            return
        self.clear_cycle()
        scene = self.scene
        services = self._unique_services()
        removed = change.removed_ids("service")
        added = [sid for sid in change.added_ids("service") if sid in services]
        changed = change.changed_ids("service")
        if any(sid not in services for sid in removed):
            self.canvas.abandon_gesture()  # it may hold a node that goes now
        for sid in removed:
            if sid not in services:
                for key in [k for k in scene.edges if sid in k]:
                    scene.remove_edge(key)
                scene.remove_node(sid)
                self._auto.pop(sid, None)
        for sid in added:
            if sid not in scene.nodes:
                scene.add_node(sid, (0.0, 0.0))
        structural = bool(removed or added) or any(
            "depends_on" in change.changed_fields("service", sid) for sid in changed
        )
        moved: set[str] = set(added)
        for sid in changed:
            fields = change.changed_fields("service", sid)
            if "x" in fields or "y" in fields:
                moved.add(sid)
        for sid in sorted(moved, key=lambda s: len(services[s].depends_on) if s in services else 0):
            if sid in services and sid in scene.nodes:
                x, y = self._position_of(services[sid])
                scene.nodes[sid].setPos(x, y)
        if structural:
            wanted = set(self._dependency_pairs(services.values()))
            gone = [k for k in scene.edges if k not in wanted]
            for key in gone:
                scene.remove_edge(key)
            new_edges = [k for k in wanted if k not in scene.edges]
            for key in new_edges:
                scene.add_edge(key)
            touched = moved | {sid for key in new_edges for sid in key}
            touched |= {sid for sid in changed if sid in scene.nodes}
            if (gone or new_edges) and self._layout_follows(services):
                self._follow_layout(services, self._dependency_pairs(services.values()))
                touched = set(scene.nodes)
        else:
            touched = moved
        if len(touched) > 300:
            scene.reroute_all()
        elif touched:
            scene.reroute_nodes(touched)
        self._refresh_looks(services, (set(added) | changed) & set(services))
        if structural:
            self._compute_critical()
        self._apply_result_flags()
        self._update_scene_rect()

    def _document_selection_changed(self, selection: list[tuple[str, str]]) -> None:
        wanted = {item_id for kind, item_id in selection if kind == "service"}
        self._syncing = True
        try:
            for node in self.scene.selectedItems():
                if isinstance(node, NodeItem) and node.service_id not in wanted:
                    node.setSelected(False)
            for sid in wanted:
                node = self.scene.nodes.get(sid)
                if node is not None and not node.isSelected():
                    node.setSelected(True)
        finally:
            self._syncing = False
        if len(wanted) == 1 and self.isVisible():
            node = self.scene.nodes.get(next(iter(wanted)))
            if node is not None:
                self.canvas.ensureVisible(node, 40, 40)

    def _scene_selection_changed(self) -> None:
        if self._syncing:
            return
        chosen = [
            ("service", item.service_id)
            for item in self.scene.selectedItems()
            if isinstance(item, NodeItem)
        ]
        self._syncing = True
        try:
            self.document.select(chosen)
        finally:
            self._syncing = False

    # ------------------------------------------------------------------ recovery

    def _result_changed(self) -> None:
        result: RecoveryResult | None = self.recovery.result
        self._states = {s.id: s for s in result.services} if result is not None else {}
        self._compute_critical()
        self._refresh_looks(self._unique_services())
        self._apply_result_flags()
        self.canvas.legend.set_states(result is not None)
        self.canvas.place_legend()

    def _compute_critical(self) -> None:
        """Critical nodes from the result; edges along the dependency chain between them
        (through services without a task of their own, which the engine looks through)."""
        result = self.recovery.result
        self._critical_nodes = set()
        self._critical_edges = set()
        if result is None:
            return
        chain = [sid for sid in result.critical_path if sid in self.scene.nodes]
        self._critical_nodes = set(chain)
        incoming = self.scene.incoming
        for earlier, later in itertools.pairwise(chain):
            # Breadth-first from the later task back along depends_on to the earlier one.
            came: dict[str, str | None] = {later: None}
            queue = deque([later])
            while queue:
                current = queue.popleft()
                if current == earlier:
                    while (nxt := came[current]) is not None:
                        self._critical_edges.add((current, nxt))
                        current = nxt
                    break
                for dep in incoming.get(current, ()):
                    if dep not in came:
                        came[dep] = current
                        queue.append(dep)

    def _apply_result_flags(self) -> None:
        for sid, node in self.scene.nodes.items():
            critical = sid in self._critical_nodes
            if node.critical != critical:
                node.critical = critical
                node.update()
        for key, edge in self.scene.edges.items():
            critical = key in self._critical_edges
            if edge.critical != critical:
                edge.critical = critical
                edge.setZValue(1 if critical else 0)
                edge.update()
        self.scene.overview.update()

    # ------------------------------------------------------------------ gestures

    def add_dependency(self, service_id: str, depends_on_id: str) -> bool:
        """Make ``service_id`` depend on ``depends_on_id``; a refused cycle is shown."""
        try:
            edit = add_dependency(self.document.plan, service_id, depends_on_id)
        except CycleRefused as refusal:
            self.show_cycle(refusal.cycle)
            self.document.refused.emit(str(refusal))
            return False
        except EditRefused as refusal:
            self.document.refused.emit(str(refusal))
            return False
        return self.document.push(edit)

    def show_cycle(self, cycle: Sequence[str]) -> None:
        """Draw ``cycle`` (``a, b, ..., a``: each depends on the next) in red for a while;
        its first link is the refused new one, drawn dashed."""
        self.clear_cycle()
        scene = self.scene
        for sid in cycle:
            node = scene.nodes.get(sid)
            if node is not None:
                node.in_cycle = True
                node.update()
                self._cycle_items.append(node)
        for i, (user, dep) in enumerate(itertools.pairwise(cycle)):
            key = (dep, user)
            if i > 0 and key in scene.edges:
                edge = scene.edges[key]
                edge.in_cycle = True
                edge.setZValue(1.5)
                edge.update()
                self._cycle_items.append(edge)
            elif i == 0 and dep in scene.nodes and user in scene.nodes:
                proposed = EdgeItem(key, proposed=True)
                tail, head = scene.nodes[dep], scene.nodes[user]
                proposed.set_route(
                    [
                        QPointF(tail.x() + NODE_W, tail.y() + NODE_H / 2),
                        QPointF(head.x() - 1, head.y() + NODE_H / 2),
                    ]
                )
                scene.addItem(proposed)
                self._cycle_items.append(proposed)
        self.scene.overview.update()
        self._cycle_timer.start()

    @property
    def showing_cycle(self) -> bool:
        return bool(self._cycle_items)

    def clear_cycle(self) -> None:
        self._cycle_timer.stop()
        for item in self._cycle_items:
            if isinstance(item, EdgeItem) and item.proposed:
                if item.scene() is not None:
                    self.scene.removeItem(item)
            elif isinstance(item, NodeItem | EdgeItem):
                item.in_cycle = False
                if isinstance(item, EdgeItem):
                    item.setZValue(1 if item.critical else 0)
                item.update()
        if self._cycle_items:
            self.scene.overview.update()
        self._cycle_items = []

    def finish_drag(self, start: dict[str, QPointF]) -> bool:
        """Push one move for the nodes dragged from ``start`` (their press positions)."""
        positions: dict[str, tuple[float, float]] = {}
        for sid, origin in start.items():
            node = self.scene.nodes.get(sid)
            if node is not None and node.pos() != origin:
                positions[sid] = (_tidy(node.x()), _tidy(node.y()))
        if not positions:
            return False
        pushed = self.document.push(MoveItems("service", positions))
        if not pushed:  # put the nodes back where the model says they are
            self.rebuild()
        self._update_scene_rect()
        return pushed

    def delete_selected(self) -> bool:
        """Remove the selected dependencies and delete the selected services, as one step."""
        plan = self.document.plan
        nodes = [i.service_id for i in self.scene.selectedItems() if isinstance(i, NodeItem)]
        edges = [i.key for i in self.scene.selectedItems() if isinstance(i, EdgeItem)]
        doomed = set(nodes)
        edges = [key for key in edges if key[0] not in doomed and key[1] not in doomed]
        edits: list[Edit] = []
        if nodes:
            edits.append(delete_items(plan, [("service", sid) for sid in nodes]))
        by_user: dict[str, set[str]] = {}
        for dep, user in edges:
            by_user.setdefault(user, set()).add(dep)
        if len(edges) == 1 and not nodes:
            edits.append(remove_dependency(plan, edges[0][1], edges[0][0]))
        else:
            services = self._unique_services()
            for user, deps in by_user.items():
                # Final values, applied after the deletion (which may drop others).
                kept = [d for d in services[user].depends_on if d not in deps and d not in doomed]
                edits.append(SetFields("service", user, depends_on=kept))
        if not edits:
            return False
        if len(edits) == 1:
            edit = edits[0]
        else:
            parts = []
            if nodes:
                parts.append(f"{len(nodes)} service{'s' if len(nodes) != 1 else ''}")
            if edges:
                parts.append(f"{len(edges)} dependenc{'ies' if len(edges) != 1 else 'y'}")
            edit = Composite("Delete " + " and ".join(parts), edits)
        return self.document.push(edit)

    def _layout_follows(self, services: dict[str, Service]) -> bool:
        """The automatic layout may move every node: none was placed by hand."""
        return len(services) <= FOLLOW_LIMIT and all(
            s.x is None and s.y is None for s in services.values()
        )

    def _follow_layout(self, services: dict[str, Service], edges: list[EdgeKey]) -> None:
        """Move every node to a fresh layered layout of the changed graph."""
        self.scene.layout = layered_layout(list(services), edges, PARAMS)
        self._layout_key = graph_signature(list(services), edges)
        self._auto = dict(self.scene.layout.positions)
        for sid, node in self.scene.nodes.items():
            if sid in self._auto:
                node.setPos(*self._auto[sid])
        shown = self.canvas.mapToScene(self.canvas.viewport().rect()).boundingRect()
        if self.isVisible() and not shown.contains(self.nodes_rect()):
            # The graph grew out of sight: show all of it (the user placed nothing, so
            # there is no view of theirs to keep).
            self.fit()

    def relayout(self) -> None:
        """Lay the graph out afresh; clearing the stored positions is one undo step."""
        services = self._unique_services()
        edges = self._dependency_pairs(services.values())
        key = graph_signature(list(services), edges)
        self.scene.layout = layered_layout(list(services), edges, PARAMS)
        self._layout_key = key
        self._auto = dict(self.scene.layout.positions)
        stored = {
            sid: (None, None) for sid, s in services.items() if s.x is not None or s.y is not None
        }
        if stored:
            self.document.push(MoveItems("service", stored, label="Re-layout dependencies"))
        for sid, node in self.scene.nodes.items():
            if sid in services:
                x, y = self._position_of(services[sid])
                node.setPos(x, y)
        self.scene.reroute_all()
        self._update_scene_rect()
        self.fit()

    # ------------------------------------------------------------------ zoom

    def zoom_in(self) -> None:
        self.canvas.zoom_by(1.25)

    def zoom_out(self) -> None:
        self.canvas.zoom_by(1 / 1.25)

    def zoom(self) -> float:
        return self.canvas.transform().m11()

    def set_zoom(self, zoom: float, centre: QPointF | None = None) -> None:
        """Scale to ``zoom`` (1 = 100 %), optionally centred on a scene point."""
        zoom = max(MIN_ZOOM, min(MAX_ZOOM, zoom))
        self.canvas.resetTransform()
        self.canvas.scale(zoom, zoom)
        if centre is not None:
            self.canvas.centerOn(centre)
        self.zoom_changed()

    def zoom_changed(self) -> None:
        self.scene.set_overview(self.zoom() < OVERVIEW_ZOOM)

    def nodes_rect(self) -> QRectF:
        """The box around every node (cheaper than asking Qt for every item's bounds)."""
        nodes = self.scene.nodes.values()
        if not nodes:
            return QRectF()
        xs = [n.x() for n in nodes]
        ys = [n.y() for n in nodes]
        return QRectF(min(xs), min(ys), max(xs) - min(xs) + NODE_W, max(ys) - min(ys) + NODE_H)

    def fit(self) -> None:
        """Show every node; never zoom in beyond 100 %."""
        bounds = self.nodes_rect()
        if bounds.isEmpty():
            return
        self.canvas.fitInView(bounds.adjusted(-30, -30, 30, 30), Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom() > 1.0:
            self.set_zoom(1.0, bounds.center())
        elif self.zoom() < MIN_ZOOM:
            self.set_zoom(MIN_ZOOM, bounds.center())
        self.zoom_changed()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._fitted:
            self._fitted = True
            self.fit()


def _tidy(value: float) -> float | int:
    """Whole numbers as int, so the plan file stays tidy."""
    return int(value) if float(value).is_integer() else round(value, 2)


__all__ = ["DependencyView", "EdgeItem", "NodeItem", "hours_minutes"]
