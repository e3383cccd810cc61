"""How every zoomable view moves: zoom steps and limits, the wheel, panning, fit, tooltips.

Written once for the floor, the dependency graph, the Gantt timeline and the rack:

* :class:`Navigation`, a mixin for any ``QAbstractScrollArea``: ``zoom_in``/``zoom_out``
  by ``ZOOM_STEP``; a wheel notch zooms by ``WHEEL_STEP`` about the cursor (with Ctrl
  held only, where ``WHEEL_ZOOM_NEEDS_CTRL``: the plain wheel scrolls); tooltips of the
  viewport come from :meth:`Navigation.tooltip_at`. The Gantt timeline, which paints
  itself and zooms only in time, uses it with its own ``zoom_by``.
* :class:`ZoomPanView`, the ``QGraphicsView`` base of the floor and dependency canvases:
  one uniform scale clamped to ``min_zoom() .. MAX_ZOOM`` that keeps the scene point
  under the anchor still, middle-button drag to pan (and space + left drag where
  ``SPACE_PANS``), and :meth:`ZoomPanView.fit_all` (never closer than ``FIT_MAX``).
* :func:`show_tooltip`, the one way a view answers a tooltip event (the rack's
  elevation, a plain widget, uses it directly).

Rules: a view never zooms past its limits, whatever asks (keys, wheel, ``set_zoom``);
every change of scale ends in :meth:`ZoomPanView._zoomed`, which emits ``zoomChanged``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QCursor, QHelpEvent, QKeyEvent, QMouseEvent, QTransform, QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QGraphicsScene, QGraphicsView, QToolTip, QWidget

if TYPE_CHECKING:
    # The mixin's methods run on a QAbstractScrollArea; at run time it must be a plain
    # class (PySide6 crashes on a class with two Qt bases).
    _ScrollArea = QAbstractScrollArea
else:
    _ScrollArea = object


def show_tooltip(event: QHelpEvent, text: str, widget: QWidget) -> None:
    """Show ``text`` for a tooltip ``event`` over ``widget``; no text hides the tip and
    leaves the event to the widget's parents."""
    if text:
        QToolTip.showText(event.globalPos(), text, widget)
    else:
        QToolTip.hideText()
        event.ignore()


class Navigation(_ScrollArea):
    """Zoom keys, wheel zoom and tooltips for a scroll area; see the module docstring.

    A subclass implements :meth:`zoom_by` and may override :meth:`tooltip_at`.
    """

    ZOOM_STEP = 1.25  # one zoom_in / zoom_out
    WHEEL_STEP = 1.2  # one wheel notch (120 eighths of a degree)
    WHEEL_ZOOM_NEEDS_CTRL = False  # else the plain wheel zooms
    SIDEWAYS_WHEEL_SCROLLS = True  # a wheel turned only sideways scrolls (else nothing)

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom by ``factor`` keeping what is under ``anchor`` (viewport pixels) still."""
        raise NotImplementedError

    def zoom_in(self) -> None:
        self.zoom_by(self.ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom_by(1 / self.ZOOM_STEP)

    def tooltip_at(self, pos: QPoint) -> str | None:
        """The tooltip at viewport ``pos``: "" for none; None lets Qt answer (a graphics
        view then shows the tooltip of the item there)."""
        return None

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.WHEEL_ZOOM_NEEDS_CTRL and not (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            super().wheelEvent(event)
            return
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(self.WHEEL_STEP**steps, event.position())
        elif self.SIDEWAYS_WHEEL_SCROLLS:
            super().wheelEvent(event)
            return
        event.accept()

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(event.pos())
            if text is not None:
                show_tooltip(event, text, self.viewport())
                return True
        return super().viewportEvent(event)


class ZoomPanView(Navigation, QGraphicsView):
    """A graphics view that zooms uniformly within limits, pans and fits; see the module
    docstring. A subclass sets the limits and implements :meth:`fit_rect`."""

    zoomChanged = Signal(float)  # the new scale

    MIN_ZOOM = 0.01  # the default of min_zoom()
    MAX_ZOOM = 8.0
    FIT_MAX = 1.0  # fit_all never shows things larger than this
    SPACE_PANS = False  # space held: the left button pans instead of selecting
    ZOOM_AT_CURSOR = False  # zoom_in/zoom_out about the cursor when it is over the view

    def __init__(self, scene: QGraphicsScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        # set_zoom keeps its own anchor; a resize keeps the middle of what is shown.
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self._pan_from: QPoint | None = None
        self._space_down = False
        self._drag_mode = self.dragMode()

    # ------------------------------------------------------------------ zoom

    @property
    def zoom(self) -> float:
        """The scale: 1.0 shows one scene unit as one pixel."""
        return self.transform().m11()

    def min_zoom(self) -> float:
        return self.MIN_ZOOM

    def set_zoom(self, scale: float, anchor: QPointF | None = None) -> None:
        """Zoom to ``scale`` (clamped), keeping the scene point under ``anchor`` still
        (default: the cursor where ``ZOOM_AT_CURSOR`` and it is over the view, else the
        middle of the viewport)."""
        scale = max(self.min_zoom(), min(self.MAX_ZOOM, scale))
        if abs(scale - self.zoom) < 1e-9:
            return
        view_point = (anchor if anchor is not None else self._zoom_anchor()).toPoint()
        scene_point = self.mapToScene(view_point)
        self.setTransform(QTransform.fromScale(scale, scale))
        moved = self.mapFromScene(scene_point) - view_point
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + moved.x())
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + moved.y())
        self._zoomed()

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        self.set_zoom(self.zoom * factor, anchor)

    def _zoom_anchor(self) -> QPointF:
        if self.ZOOM_AT_CURSOR and self.underMouse():
            return QPointF(self.viewport().mapFromGlobal(QCursor.pos()))
        return QPointF(self.viewport().rect().center())

    def _zoomed(self) -> None:
        """The scale changed (or a fit ran): tell whoever follows the zoom."""
        self.zoomChanged.emit(self.zoom)

    # ------------------------------------------------------------------ fit

    def fit_rect(self) -> QRectF | None:
        """What :meth:`fit_all` shows, in scene units; None when there is nothing."""
        return None

    def fit_margin(self, rect: QRectF) -> float:
        """Scene units of room around ``rect`` when fitting."""
        return 30.0

    def fit_all(self) -> None:
        """Show all of :meth:`fit_rect` with a margin, within the zoom limits and never
        closer than ``FIT_MAX``."""
        rect = self.fit_rect()
        if rect is None:
            return
        margin = self.fit_margin(rect)
        self.fitInView(
            rect.adjusted(-margin, -margin, margin, margin), Qt.AspectRatioMode.KeepAspectRatio
        )
        clamped = max(self.min_zoom(), min(self.FIT_MAX, self.MAX_ZOOM, self.zoom))
        if clamped != self.zoom:
            self.setTransform(QTransform.fromScale(clamped, clamped))
            self.centerOn(rect.center())
        self._zoomed()

    # ------------------------------------------------------------------ pan

    @property
    def space_panning(self) -> bool:
        """Space is held (where ``SPACE_PANS``): the left button pans."""
        return self._space_down

    def viewportEvent(self, event: QEvent) -> bool:
        # The middle button pans whatever a subclass does with the mouse.
        if isinstance(event, QMouseEvent) and self._middle_pan(event):
            return True
        return super().viewportEvent(event)

    def _middle_pan(self, event: QMouseEvent) -> bool:
        kind = event.type()
        middle = event.button() == Qt.MouseButton.MiddleButton
        if kind == QEvent.Type.MouseButtonPress and middle:
            self._pan_from = event.position().toPoint()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
        elif kind == QEvent.Type.MouseMove and self._pan_from is not None:
            now = event.position().toPoint()
            delta = now - self._pan_from
            self._pan_from = now
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - delta.y())
        elif kind == QEvent.Type.MouseButtonRelease and middle and self._pan_from is not None:
            self._pan_from = None
            self.viewport().unsetCursor()
        else:
            return False
        event.accept()
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.SPACE_PANS and event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            # Qt's hand drag scrolls; not interactive, so nothing is selected or moved.
            self._space_down = True
            self._drag_mode = self.dragMode()
            self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
            self.setInteractive(False)
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if self._space_down and event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = False
            self.setDragMode(self._drag_mode)
            self.setInteractive(True)
            event.accept()
            return
        super().keyReleaseEvent(event)


__all__ = ["Navigation", "ZoomPanView", "show_tooltip"]
