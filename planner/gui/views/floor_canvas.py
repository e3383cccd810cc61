"""The floor's graphics views: the canvas (zoom, pan, moves, drops, fail clicks) and the
overview minimap."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QLine,
    QPoint,
    QPointF,
    QRectF,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsRectItem,
    QGraphicsView,
    QToolTip,
    QWidget,
)

from planner.gui import style
from planner.gui.views.floor_items import (
    NEW_SITE_SIZE,
    RACK_WIDTH,
    SLICES_FROM_PX,
    UNIT_HEIGHT,
    RackItem,
    rack_height,
    snap,
)
from planner.gui.views.floor_scene import FloorScene
from planner.model import DEFAULT_RACK_UNITS

if TYPE_CHECKING:
    from planner.gui.views.floor import FloorView

#: Mime type of a palette drag: the payload is the kind to create ("site" or "rack").
FLOOR_MIME = "application/x-drplanner-floor-new"
MAX_SCALE = 8.0  # the closest zoom: a rack unit is 64 px
ZOOM_STEP = 1.25


class FloorCanvas(QGraphicsView):
    """The graphics view of the floor: zoom, pan, moves, drops and fail clicks."""

    rackActivated = Signal(str)
    zoomChanged = Signal(float)
    viewMoved = Signal()

    def __init__(self, scene: FloorScene, owner: FloorView) -> None:
        super().__init__(scene)
        self.floor = scene
        self.owner = owner
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.ContainsItemShape)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing, True)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        self.setAcceptDrops(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setBackgroundBrush(QColor("#fbfcfd"))
        self._grid_pen = QPen(QColor(style.GRID), 1.0)
        self._pan_from: QPoint | None = None
        self._space_down = False
        self._swallow_release = False
        self._ghost: QGraphicsRectItem | None = None
        self.horizontalScrollBar().valueChanged.connect(self.viewMoved)
        self.verticalScrollBar().valueChanged.connect(self.viewMoved)

    # ------------------------------------------------------------------ zoom

    @property
    def zoom(self) -> float:
        return self.transform().m11()

    def min_scale(self) -> float:
        rect = self.floor.content_rect()
        view = self.viewport().size()
        if rect.isEmpty() or view.isEmpty():
            return 0.01
        fit = min(view.width() / rect.width(), view.height() / rect.height())
        return min(fit * 0.5, 1.0)

    def servers_drawn(self) -> bool:
        return self.zoom * UNIT_HEIGHT >= 2 * SLICES_FROM_PX

    def set_zoom(self, scale: float, anchor: QPointF | None = None) -> None:
        """Zoom to ``scale`` (clamped), keeping the scene point under ``anchor`` still."""
        scale = max(self.min_scale(), min(MAX_SCALE, scale))
        current = self.zoom
        if abs(scale - current) < 1e-9:
            return
        anchor_point = anchor if anchor is not None else QPointF(self.viewport().rect().center())
        view_point = anchor_point.toPoint()
        scene_point = self.mapToScene(view_point)
        factor = scale / current
        self.scale(factor, factor)
        moved = self.mapFromScene(scene_point) - view_point
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + moved.x())
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + moved.y())
        self._zoomed()

    def _zoomed(self) -> None:
        self.floor.zoom = self.zoom
        self.floor.set_detail(self.zoom * UNIT_HEIGHT >= SLICES_FROM_PX)
        self.zoomChanged.emit(self.zoom)
        self.viewMoved.emit()

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom / ZOOM_STEP)

    def fit_all(self) -> None:
        """Show every site and rack, with a margin; never enlarge beyond 150%."""
        rect = self.floor.content_rect()
        margin = max(rect.width(), rect.height()) * 0.03 + 20.0
        self.fitInView(
            rect.adjusted(-margin, -margin, margin, margin), Qt.AspectRatioMode.KeepAspectRatio
        )
        if self.zoom > 1.5:
            self.setTransform(QTransform.fromScale(1.5, 1.5))
            self.centerOn(rect.center())
        self._zoomed()

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps == 0:
            super().wheelEvent(event)  # a horizontal wheel scrolls
            return
        self.set_zoom(self.zoom * 1.2**steps, event.position())
        event.accept()

    # ------------------------------------------------------------------ background

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        """Plain fill and the grid, drawn as whole-pixel lines in viewport coordinates.

        Whole-pixel lines without a transform are the cheapest to draw; the grid thins
        out (x5) until its lines are at least 16 px apart, so there are never more
        than about 150 of them.
        """
        painter.fillRect(rect, self.backgroundBrush())
        step = style.GRID_SIZE
        while step * self.zoom < 16.0:
            step *= 5
        screen = self.mapFromScene(rect).boundingRect()
        lines: list[QLine] = []
        x = math.floor(rect.left() / step) * step
        while x <= rect.right():
            px = self.mapFromScene(QPointF(x, 0.0)).x()
            lines.append(QLine(px, screen.top(), px, screen.bottom()))
            x += step
        y = math.floor(rect.top() / step) * step
        while y <= rect.bottom():
            py = self.mapFromScene(QPointF(0.0, y)).y()
            lines.append(QLine(screen.left(), py, screen.right(), py))
            y += step
        painter.save()
        painter.resetTransform()
        painter.setPen(self._grid_pen)
        painter.drawLines(lines)
        painter.restore()

    # ------------------------------------------------------------------ mouse

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._swallow_release = False
        if event.button() == Qt.MouseButton.MiddleButton:
            self._pan_from = event.position().toPoint()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        if event.button() == Qt.MouseButton.LeftButton and (
            self.owner.fail_action.isChecked()
            or event.modifiers() & Qt.KeyboardModifier.AltModifier
        ):
            target = self.floor.location_at(
                self.mapToScene(event.position().toPoint()), self.servers_drawn()
            )
            if target is not None:
                self.owner.recovery.toggle_failed(target)
            self._swallow_release = True
            event.accept()
            return
        if event.button() == Qt.MouseButton.LeftButton and not self._space_down:
            self.floor.snapping = True
        super().mousePressEvent(event)
        # A dragged site goes over its neighbours (racks are above every site anyway).
        for site_item in self.floor.site_items.values():
            site_item.setZValue(0.5 if site_item.isSelected() else 0.0)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            now = event.position().toPoint()
            delta = now - self._pan_from
            self._pan_from = now
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - delta.y())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.MiddleButton and self._pan_from is not None:
            self._pan_from = None
            self.viewport().unsetCursor()
            event.accept()
            return
        if self._swallow_release:
            self._swallow_release = False
            event.accept()
            return
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            self.floor.snapping = False
            self.owner.commit_moves()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        item = self.floor.item_at(self.mapToScene(event.position().toPoint()))
        if isinstance(item, RackItem) and event.button() == Qt.MouseButton.LeftButton:
            self.rackActivated.emit(item.key)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            scene_pos = self.mapToScene(event.pos())
            text = self.floor.tooltip_at(scene_pos, self.servers_drawn())
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    # ------------------------------------------------------------------ keys

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            # Space held: the left button pans instead of selecting or moving.
            self._space_down = True
            self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
            self.setInteractive(False)
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = False
            self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
            self.setInteractive(True)
            event.accept()
            return
        super().keyReleaseEvent(event)

    # ------------------------------------------------------------------ palette drops

    def _drop_kind(self, event: QDropEvent | QDragMoveEvent) -> str | None:
        data = event.mimeData()
        if not data.hasFormat(FLOOR_MIME):
            return None
        kind = bytes(data.data(FLOOR_MIME).data()).decode("utf-8", "replace")
        return kind if kind in ("site", "rack") else None

    def _drop_rect(self, kind: str, view_pos: QPointF) -> QRectF:
        """Where a dropped item goes: centred on the cursor, top-left on the grid."""
        centre = self.mapToScene(view_pos.toPoint())
        width, height = (
            NEW_SITE_SIZE if kind == "site" else (RACK_WIDTH, rack_height(DEFAULT_RACK_UNITS))
        )
        return QRectF(snap(centre.x() - width / 2), snap(centre.y() - height / 2), width, height)

    def _show_ghost(self, kind: str, rect: QRectF, valid: bool) -> None:
        if self._ghost is None:
            self._ghost = QGraphicsRectItem()
            self._ghost.setZValue(10)
            self.floor.addItem(self._ghost)
        colour = QColor(style.SELECTION if valid else style.INVALID)
        pen = QPen(colour, 2.0, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        fill = QColor(colour)
        fill.setAlpha(40)
        self._ghost.setPen(pen)
        self._ghost.setBrush(fill)
        self._ghost.setRect(rect)

    def _hide_ghost(self) -> None:
        if self._ghost is not None:
            self.floor.removeItem(self._ghost)
            self._ghost = None

    def _drop_target(self, kind: str, rect: QRectF) -> tuple[bool, str | None]:
        """(valid, site): a rack needs a site under its centre; a site goes anywhere."""
        if kind == "site":
            return True, None
        site = self.floor.site_at(rect.center())
        return site is not None, site

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._drop_kind(event) is None:
            event.ignore()
            return
        # Accepted whatever the position: a widget that ignores the enter gets no moves.
        kind = self._drop_kind(event)
        assert kind is not None
        rect = self._drop_rect(kind, event.position())
        self._show_ghost(kind, rect, self._drop_target(kind, rect)[0])
        event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        kind = self._drop_kind(event)
        if kind is None:
            event.ignore()
            return
        rect = self._drop_rect(kind, event.position())
        valid, _ = self._drop_target(kind, rect)
        self._show_ghost(kind, rect, valid)
        if valid:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._hide_ghost()
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:
        self._hide_ghost()
        kind = self._drop_kind(event)
        if kind is None:
            event.ignore()
            return
        rect = self._drop_rect(kind, event.position())
        valid, site = self._drop_target(kind, rect)
        if not valid or not self.owner.create(kind, rect.topLeft(), site):
            event.ignore()
            return
        event.acceptProposedAction()


# --------------------------------------------------------------------------- overview


class Overview(QGraphicsView):
    """The minimap: the whole floor, small, with the main view's visible rectangle.

    The floor is rendered once into a pixmap after each change (debounced), so a pan
    or zoom of the main view only redraws the rectangle. Click or drag to look there.
    """

    def __init__(self, canvas: FloorCanvas, parent: QWidget) -> None:
        super().__init__(canvas.floor, parent)
        self.canvas = canvas
        self.setInteractive(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.Box)
        self.setStyleSheet(f"QGraphicsView {{ border: 1px solid {style.SITE_BORDER}; }}")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Overview: click or drag to look there")
        self._pixmap: QPixmap | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.render_floor)
        canvas.floor.contentChanged.connect(self.mark_dirty)
        canvas.viewMoved.connect(self.viewport().update)

    def mark_dirty(self) -> None:
        self._timer.start()

    def render_floor(self) -> None:
        """Draw the whole floor into the cached pixmap."""
        self._timer.stop()
        size = self.viewport().size()
        if size.isEmpty():
            return
        rect = self.canvas.floor.content_rect()
        margin = max(rect.width(), rect.height()) * 0.04
        self.fitInView(
            rect.adjusted(-margin, -margin, margin, margin), Qt.AspectRatioMode.KeepAspectRatio
        )
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap(size * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(QColor("#ffffff"))
        painter = QPainter(pixmap)
        source = self.mapToScene(self.viewport().rect()).boundingRect()
        floor = self.canvas.floor
        floor.overview_rendering = True
        try:
            floor.render(painter, QRectF(0, 0, size.width(), size.height()), source)
        finally:
            floor.overview_rendering = False
            painter.end()
        self._pixmap = pixmap
        self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._pixmap is None:
            self.render_floor()
        painter = QPainter(self.viewport())
        if self._pixmap is not None:
            painter.drawPixmap(0, 0, self._pixmap)
        visible = self.canvas.mapToScene(self.canvas.viewport().rect()).boundingRect()
        shown = self.mapFromScene(visible).boundingRect()
        fill = QColor(style.SELECTION)
        fill.setAlpha(30)
        painter.setPen(QPen(QColor(style.SELECTION), 1.5))
        painter.setBrush(fill)
        painter.drawRect(shown.intersected(self.viewport().rect().adjusted(0, 0, -1, -1)))
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._pixmap = None

    def _look(self, event: QMouseEvent) -> None:
        self.canvas.centerOn(self.mapToScene(event.position().toPoint()))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._look(event)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._look(event)
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        event.accept()

    def wheelEvent(self, event: QWheelEvent) -> None:
        event.accept()


__all__ = ["FLOOR_MIME", "MAX_SCALE", "FloorCanvas", "Overview"]
