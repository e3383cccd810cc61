"""The items of the dependency graph: service nodes, dependency arrows, the far-out overview.

They hold display state only (a look, flags for critical, cycle, hover); the scene
(:mod:`planner.gui.views.dependency_scene`) keys them by id and routes the arrows.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
    QTextLayout,
)
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsItem,
    QGraphicsSceneHoverEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from planner.gui import style
from planner.layout.dependencies import (
    LayoutParams,
)

PARAMS = LayoutParams()
NODE_W = PARAMS.node_width
NODE_H = PARAMS.node_height
HANDLE_R = 5.5
ARROW_LEN = 10.0
LABEL_LOD = 0.45  # below this zoom nodes are plain boxes, edges plain lines
EdgeKey = tuple[str, str]  # (dependency, dependent): the arrow's tail and head
# Opaque on purpose: Qt's raster engine draws translucent cosmetic lines ~20x slower.
EDGE_COLOR = "#8f99a4"  # style.MUTED_TEXT lightened toward white
OVERVIEW_EDGE_COLOR = "#b5bcc4"
SHORT_STATE = {
    "up": "Up",
    "failover": "Failover",
    "restart": "Restart",
    "restore": "Restore",
    "dependency": "Waiting",
}


def blend(color: QColor, toward: QColor, amount: float) -> QColor:
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


@runtime_checkable
class HoverListener(Protocol):
    """A scene that highlights a node's arrows while the mouse is over the node."""

    def hover_node(self, service_id: str, on: bool) -> None: ...


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
        if isinstance(scene, HoverListener):
            scene.hover_node(self.service_id, True)
        self.update()

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.hovered = False
        scene = self.scene()
        if isinstance(scene, HoverListener):
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
        fill = blend(look.fill, QColor("white"), 0.35) if self.hovered else look.fill
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


class EdgeOverview(QGraphicsItem):
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


__all__ = [
    "NODE_H",
    "NODE_W",
    "EdgeItem",
    "EdgeKey",
    "EdgeOverview",
    "HoverListener",
    "NodeItem",
    "NodeLook",
]
