"""The floor's graphics views: the canvas (zoom, pan, moves, drops, fail clicks) and the
overview minimap."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import (
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
    QContextMenuEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsRectItem,
    QGraphicsView,
    QMenu,
    QWidget,
)

from planner.gui import style
from planner.gui.views.canvas import ZoomPanView
from planner.gui.views.floor_items import SLICES_FROM_PX, RackItem, snap
from planner.gui.views.floor_scene import FloorScene
from planner.layout.floor import NEW_SITE_SIZE, RACK_WIDTH, UNIT_HEIGHT, rack_height
from planner.model import DEFAULT_RACK_UNITS

if TYPE_CHECKING:
    from planner.gui.views.floor import FloorView

#: Mime type of a palette drag: the payload is the kind to create ("site" or "rack").
FLOOR_MIME = "application/x-drplanner-floor-new"
MAX_SCALE = 8.0  # the closest zoom: a rack unit is 64 px


class FloorCanvas(ZoomPanView):
    """The graphics view of the floor: zoom, pan, moves, drops and fail clicks.

    Zoom from half the fitted floor (at most 100 %) to ``MAX_SCALE``; the wheel zooms
    about the cursor (sideways it scrolls), the keys about the middle; middle or space
    drag pans; a fit never shows more than 150 %.
    """

    MAX_ZOOM = MAX_SCALE
    FIT_MAX = 1.5
    SPACE_PANS = True

    rackActivated = Signal(str)
    viewMoved = Signal()

    def __init__(self, scene: FloorScene, owner: FloorView) -> None:
        super().__init__(scene)
        self.floor = scene
        self.owner = owner
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.ContainsItemShape)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing, True)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        self.setAcceptDrops(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setBackgroundBrush(QColor("#fbfcfd"))
        self._grid_pen = QPen(QColor(style.GRID), 1.0)
        self._swallow_release = False
        self._ghost: QGraphicsRectItem | None = None
        self.last_menu: QMenu | None = None  # the rack menu shown last (for tests)
        self.horizontalScrollBar().valueChanged.connect(self.viewMoved)
        self.verticalScrollBar().valueChanged.connect(self.viewMoved)

    # ------------------------------------------------------------------ zoom

    def min_zoom(self) -> float:
        """The farthest zoom: half the scale that fits the floor, and at least down to 100 %."""
        rect = self.floor.content_rect()
        view = self.viewport().size()
        if rect.isEmpty() or view.isEmpty():
            return 0.01
        fit = min(view.width() / rect.width(), view.height() / rect.height())
        return min(fit * 0.5, 1.0)

    def servers_drawn(self) -> bool:
        return self.zoom * UNIT_HEIGHT >= 2 * SLICES_FROM_PX

    def _zoomed(self) -> None:
        self.floor.zoom = self.zoom
        self.floor.set_detail(self.zoom * UNIT_HEIGHT >= SLICES_FROM_PX)
        super()._zoomed()
        self.viewMoved.emit()

    def fit_rect(self) -> QRectF:
        return self.floor.content_rect()

    def fit_margin(self, rect: QRectF) -> float:
        return max(rect.width(), rect.height()) * 0.03 + 20.0

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
        if event.button() == Qt.MouseButton.LeftButton and not self.space_panning:
            self.floor.snapping = True
        super().mousePressEvent(event)
        # A dragged site goes over its neighbours (racks are above every site anyway).
        for site_item in self.floor.site_items.values():
            site_item.setZValue(0.5 if site_item.isSelected() else 0.0)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
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

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """A rack's menu: fail it or one of its domains (the Menu key: the selected rack)."""
        if event.reason() == QContextMenuEvent.Reason.Mouse:
            item = self.floor.item_at(self.mapToScene(event.pos()))
            rack_id = item.key if isinstance(item, RackItem) else None
        else:
            racks = [key for kind, key in self.floor.selected_keys() if kind == "rack"]
            rack_id = racks[0] if racks else None
        if rack_id is None:
            super().contextMenuEvent(event)
            return
        menu = self.owner.rack_menu(rack_id)
        self.last_menu = menu
        menu.popup(event.globalPos())
        event.accept()

    def tooltip_at(self, pos: QPoint) -> str:
        return self.floor.tooltip_at(self.mapToScene(pos), self.servers_drawn())

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
