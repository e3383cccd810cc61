"""The dependency graph's graphics view: zoom, pan, node drags, the connect gesture, the legend."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsView,
    QWidget,
)

from planner.gui import style
from planner.gui.views.canvas import ZoomPanView
from planner.gui.views.dependency_items import (
    NODE_H,
    NODE_W,
    SHORT_STATE,
    EdgeItem,
    NodeItem,
    blend,
)

if TYPE_CHECKING:
    from planner.gui.views.dependencies import DependencyView

SNAP = 10.0
MIN_ZOOM, MAX_ZOOM = 0.02, 4.0


class Legend(QWidget):
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
            shown = ("up", "failover", "restart", "restore", "dependency")
            rows.append([(s, SHORT_STATE[s]) for s in shown])
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
            painter.setBrush(blend(color, QColor("white"), 0.6))
            painter.drawRoundedRect(box, 3, 3)


class DependencyCanvas(ZoomPanView):
    """The graphics view: zoom, pan, node drags and the connect gesture.

    Zoom from ``MIN_ZOOM`` to ``MAX_ZOOM``, the wheel and the keys about the cursor; the
    middle button pans; a fit shows every node, never beyond 100 %.
    """

    MIN_ZOOM = MIN_ZOOM
    MAX_ZOOM = MAX_ZOOM
    WHEEL_STEP = 1.15
    SIDEWAYS_WHEEL_SCROLLS = False
    ZOOM_AT_CURSOR = True

    def __init__(self, owner: DependencyView) -> None:
        super().__init__(owner.scene, owner)
        self.owner = owner
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemBoundingRect)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._drag: tuple[QPointF, dict[str, QPointF]] | None = None
        self._dragged = False
        self._connect_from: str | None = None
        self._connect_line: EdgeItem | None = None
        self._connect_target: NodeItem | None = None
        self.legend = Legend(self)

    # ------------------------------------------------------------------ helpers

    def node_at(self, view_pos: QPoint) -> NodeItem | None:
        for item in self.items(view_pos):
            if isinstance(item, NodeItem):
                return item
        return None

    def _zoomed(self) -> None:
        super()._zoomed()
        self.owner.zoom_changed()

    def fit_rect(self) -> QRectF | None:
        bounds = self.owner.nodes_rect()
        return None if bounds.isEmpty() else bounds

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.place_legend()
        elif event.type() == QEvent.Type.MouseButtonPress:
            self.owner.clear_cycle()  # any click ends the red cycle, a pan's too
        return super().viewportEvent(event)

    def place_legend(self) -> None:
        """Bottom-left of the viewport, above the scroll bar."""
        area = self.viewport().geometry()
        self.legend.move(area.left() + 10, area.bottom() - self.legend.height() - 9)

    # ------------------------------------------------------------------ mouse

    def mousePressEvent(self, event: QMouseEvent) -> None:
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


__all__ = ["DependencyCanvas", "Legend"]
