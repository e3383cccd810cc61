"""The floor view: sites and racks on a zoomable plan of the floor.

Gestures and their edits (each one undo step):

* drag racks or sites (a site by its header): one ``Composite`` of ``MoveItems`` (and
  a ``SetFields`` of ``site`` for each rack that lands in another site's box), pushed
  on release. Positions snap to ``GRID_SIZE``. A floor laid out by the view (positions
  missing from the plan) is written down where the gesture touches it: every site
  without a position, and every rack of the sites the gesture involves, so that
  nothing else jumps when the layout rules see a changed plan;
* drop "New site" / "New rack" from the palette: ``AddItem`` with a fresh id (a rack
  must land inside a site);
* Delete: ``delete_items``; Ctrl+C / Ctrl+V: ``copy_items`` / ``paste_items``, each
  paste further offset.

Clicking with "Fail on click" on (or Alt+click) fails or restores the site, rack or,
when servers are drawn, the server under the cursor in the recovery controller: it is
not an edit of the plan. Double-clicking a rack emits :attr:`FloorView.rackActivated`.
"""

from __future__ import annotations

import math

from PySide6.QtCore import (
    QEvent,
    QLine,
    QMimeData,
    QObject,
    QPoint,
    QPointF,
    QRectF,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QKeySequence,
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
    QApplication,
    QFrame,
    QGraphicsItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from planner.gui import placement, style
from planner.gui.document import PlanDocument
from planner.gui.palette import DragSourceButton
from planner.gui.recovery_controller import RecoveryController
from planner.gui.views.floor_items import (
    NEW_SITE_SIZE,
    RACK_WIDTH,
    SLICES_FROM_PX,
    UNIT_HEIGHT,
    FloorLayout,
    RackDetail,
    RackItem,
    RackPicture,
    SiteItem,
    brushes,
    compute_layout,
    rack_height,
    rack_picture,
    services_by_server,
    snap,
    state_maps,
    tint,
)
from planner.model import DEFAULT_RACK_UNITS, Rack, Server, Site, new_items
from planner.model.edits import (
    AddItem,
    Change,
    Composite,
    Edit,
    EditRefused,
    Item,
    MoveItems,
    SetFields,
    copy_items,
    delete_items,
    paste_items,
)

#: Mime type of a palette drag: the payload is the kind to create ("site" or "rack").
FLOOR_MIME = "application/x-drplanner-floor-new"
MAX_SCALE = 8.0  # the closest zoom: a rack unit is 64 px
ZOOM_STEP = 1.25
PASTE_OFFSET = 2 * style.GRID_SIZE
_EPSILON = 1e-6

# Shared by every floor view of the program, like the system clipboard would be.
_clipboard: list[Item] = []
_paste_count = 0


def _differs(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return abs(a[0] - b[0]) > _EPSILON or abs(a[1] - b[1]) > _EPSILON


# --------------------------------------------------------------------------- scene


class FloorScene(QGraphicsScene):
    """Mirrors the plan's sites and racks as items keyed by id.

    Keeps the derived state the items paint from: the layout, the servers of each
    rack, the states from the recovery result and the failed ids. Refreshes from
    ``document.changed`` (incrementally; everything on ``None``) and from the
    recovery controller. ``contentChanged`` tells the overview to redraw.
    """

    contentChanged = Signal()

    def __init__(
        self, document: PlanDocument, recovery: RecoveryController, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.recovery = recovery
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self.site_by_id: dict[str, Site] = {}
        self.rack_by_id: dict[str, Rack] = {}
        self.racks_by_site: dict[str, list[str]] = {}
        self.servers_by_rack: dict[str, list[Server]] = {}
        self.rack_of_server: dict[str, str] = {}
        self.site_items: dict[str, SiteItem] = {}
        self.rack_items: dict[str, RackItem] = {}
        self.layout = FloorLayout()
        self.server_state: dict[str, str] = {}
        self.rack_state: dict[str, str] = {}
        self.lost_sites: set[str] = set()
        self.failed_ids: set[str] = set()
        self.selected_servers: set[str] = set()
        #: True while the mouse drags items: positions snap to the grid only then.
        self.snapping = False
        #: True while a dragged site carries its racks (they keep their offsets).
        self.carrying = False
        #: True while the overview renders the scene: items skip labels and outlines.
        self.overview_rendering = False
        self._pictures: dict[str, RackPicture] = {}
        self._following_selection = False

        self.state_brushes = brushes()
        self.server_brushes = brushes(0.22)
        self.server_brushes["lost"] = self.state_brushes["lost"]
        self.slice_brushes = brushes(0.75)
        self.slice_brushes["lost"] = self.state_brushes["lost"]
        self.rack_brush = QBrush(QColor(style.RACK_FILL))
        self.lost_rack_brush = QBrush(tint("lost", 0.2))
        self.header_brush = QBrush(QColor(style.RACK_BORDER))
        self.block_pen = _pen(style.RACK_BORDER, 0.0)
        self.server_pen = _pen(QColor(style.RACK_BORDER).lighter(130), 0.0)
        self.selection_pen = _pen(style.SELECTION, 2.5)
        self.failed_pen = _pen(style.STATE_COLORS["lost"], 2.0, Qt.PenStyle.DashLine)
        self.text_pen = _pen(style.TEXT, 1.0)
        self.light_pen = _pen("#ffffff", 1.0)
        self._fonts: dict[tuple[int, bool], tuple[QFont, QFontMetricsF]] = {}
        #: Whether racks draw their servers (the canvas sets it from its zoom).
        self.detail_on = False
        #: The canvas's scale, for items that ignore it (the site name tabs).
        self.zoom = 1.0

        document.changed.connect(self.apply_change)
        document.selectionChanged.connect(self.follow_selection)
        recovery.resultChanged.connect(self.refresh_states)
        recovery.scenarioChanged.connect(self.refresh_failed)
        self.selectionChanged.connect(self._selection_to_document)
        self.rebuild()

    # ------------------------------------------------------------------ drawing helpers

    def _font(self, pixels: int, bold: bool) -> tuple[QFont, QFontMetricsF]:
        found = self._fonts.get((pixels, bold))
        if found is None:
            font = QFont(QApplication.font())
            font.setPixelSize(pixels)
            font.setBold(bold)
            found = self._fonts[(pixels, bold)] = (font, QFontMetricsF(font))
        return found

    def screen_font(self, pixels: int, bold: bool = False) -> QFont:
        return self._font(pixels, bold)[0]

    def screen_metrics(self, pixels: int, bold: bool = False) -> QFontMetricsF:
        return self._font(pixels, bold)[1]

    def set_detail(self, on: bool) -> None:
        """Show or hide every rack's servers (one toggle per rack, only on a change)."""
        if on != self.detail_on:
            self.detail_on = on
            for item in self.rack_items.values():
                item.detail.setVisible(on)

    # ------------------------------------------------------------------ model lookups

    def picture(self, rack_id: str) -> RackPicture:
        """The rack's prepared server drawing, made on first paint and kept until a change."""
        picture = self._pictures.get(rack_id)
        if picture is None:
            rack = self.rack_by_id[rack_id]
            servers = self.servers_by_rack.get(rack_id, [])
            picture = rack_picture(rack, servers, self.server_state)
            self._pictures[rack_id] = picture
        return picture

    def key_of(self, item: QGraphicsItem) -> tuple[str, str] | None:
        if isinstance(item, SiteItem):
            return ("site", item.key)
        if isinstance(item, RackItem):
            return ("rack", item.key)
        return None

    def selected_keys(self) -> list[tuple[str, str]]:
        keys = [self.key_of(item) for item in self.selectedItems()]
        return sorted(k for k in keys if k is not None)

    # ------------------------------------------------------------------ sync

    def _index_locations(self) -> None:
        plan = self.document.plan
        self.site_by_id = {}
        for site in plan.sites:
            self.site_by_id.setdefault(site.id, site)
        self.rack_by_id = {}
        for rack in plan.racks:
            self.rack_by_id.setdefault(rack.id, rack)
        self.racks_by_site = {}
        for key, rack in self.rack_by_id.items():
            self.racks_by_site.setdefault(rack.site, []).append(key)

    def _index_servers(self) -> None:
        by_rack: dict[str, list[Server]] = {}
        rack_of: dict[str, str] = {}
        for server in self.document.plan.servers:
            if server.id not in rack_of:
                rack_of[server.id] = server.rack
                by_rack.setdefault(server.rack, []).append(server)
        self.servers_by_rack, self.rack_of_server = by_rack, rack_of
        self._pictures.clear()

    def rebuild(self) -> None:
        """Forget every item and build the floor again from the plan."""
        self._following_selection = True
        try:
            # Only the items it made: the canvas's drop ghost, shown during a palette
            # drag, must outlive a plan replaced under it.
            for item in [*self.rack_items.values(), *self.site_items.values()]:
                self.removeItem(item)
            self.site_items.clear()
            self.rack_items.clear()
            self._index_locations()
            self._index_servers()
            self._sync_items()
            self._compute_states()
            self._refresh_looks()
        finally:
            self._following_selection = False
        self.follow_selection(self.document.selection)
        self.contentChanged.emit()

    def apply_change(self, change: Change | None, origin: object = None) -> None:
        """Refresh what ``change`` touched; ``None`` rebuilds everything."""
        if change is None:
            self.rebuild()
            return
        kinds = change.kinds
        if "server" in kinds or "rack" in kinds:
            self._index_servers()
        if kinds & {"site", "rack"}:
            self._index_locations()
            self._following_selection = True
            try:
                self._sync_items()
            finally:
                self._following_selection = False
        if "scenario" in kinds:
            self.failed_ids = self.recovery.failed_ids()
            self._refresh_looks()
        if kinds & {"site", "rack", "server", "scenario"}:
            self.update()
            self.contentChanged.emit()

    def _sync_items(self) -> None:
        """Create, remove and place items to match the plan and its layout.

        Racks are top-level items (not children of their site's item), so that the
        scene's index culls them one by one: a visible site does not make Qt visit
        every rack it holds on every frame.
        """
        self.layout = layout = compute_layout(self.document.plan)
        for key in [k for k in self.site_items if k not in self.site_by_id]:
            self.removeItem(self.site_items.pop(key))
        for key in [k for k in self.rack_items if k not in self.rack_by_id]:
            self.removeItem(self.rack_items.pop(key))
        for key, (x, y, width, height) in layout.sites.items():
            site_item = self.site_items.get(key)
            if site_item is None:
                site_item = self.site_items[key] = SiteItem(key)
                self.addItem(site_item)
            site_item.set_size(width, height)
            if _differs((site_item.pos().x(), site_item.pos().y()), (x, y)):
                site_item.setPos(x, y)
        for key, rack in self.rack_by_id.items():
            rack_item = self.rack_items.get(key)
            if rack_item is None:
                rack_item = self.rack_items[key] = RackItem(key)
                rack_item.detail.setVisible(self.detail_on)
                self.addItem(rack_item)
                rack_item.refresh_look()
            rack_item.set_units(rack.units)
            x, y = layout.racks[key]
            if _differs((rack_item.pos().x(), rack_item.pos().y()), (x, y)):
                rack_item.setPos(x, y)
        left, top, right, bottom = layout.bounds()
        margin = max(right - left, bottom - top) * 0.5 + 400.0
        self.setSceneRect(
            QRectF(
                left - margin, top - margin, right - left + 2 * margin, bottom - top + 2 * margin
            )
        )

    def carry_racks(self, site_id: str, dx: float, dy: float) -> None:
        """A site is being dragged: its racks go along (those not dragged themselves)."""
        self.carrying = True
        try:
            for key in self.racks_by_site.get(site_id, []):
                item = self.rack_items.get(key)
                if item is not None and not item.isSelected():
                    item.moveBy(dx, dy)
        finally:
            self.carrying = False

    def restore_positions(self) -> None:
        """Put every item back where the layout says (after a refused or empty move)."""
        self._sync_items()

    def content_rect(self) -> QRectF:
        left, top, right, bottom = self.layout.bounds()
        return QRectF(left, top, right - left, bottom - top)

    # ------------------------------------------------------------------ states

    def _compute_states(self) -> None:
        result = self.recovery.result
        self.server_state, self.rack_state, self.lost_sites = state_maps(self.document.plan, result)
        self.failed_ids = self.recovery.failed_ids()
        self._pictures.clear()

    def _refresh_looks(self) -> None:
        for item in self.rack_items.values():
            item.refresh_look()

    def refresh_states(self) -> None:
        """A new recovery result: recolour everything."""
        self._compute_states()
        self._refresh_looks()
        self.update()
        self.contentChanged.emit()

    def refresh_failed(self) -> None:
        """The failed ids changed: outline them at once, before the result lands."""
        self.failed_ids = self.recovery.failed_ids()
        self._refresh_looks()
        self.update()

    # ------------------------------------------------------------------ selection

    def _selection_to_document(self) -> None:
        if self._following_selection:
            return
        self.document.select(self.selected_keys())

    def follow_selection(self, selection: list[tuple[str, str]]) -> None:
        """Select the sites and racks the document selects; outline its servers."""
        wanted = {(kind, key) for kind, key in selection}
        self._following_selection = True
        try:
            for item in self.selectedItems():
                if self.key_of(item) not in wanted:
                    item.setSelected(False)
            for kind, key in wanted:
                found = (
                    self.site_items.get(key)
                    if kind == "site"
                    else self.rack_items.get(key)
                    if kind == "rack"
                    else None
                )
                if found is not None and not found.isSelected():
                    found.setSelected(True)
        finally:
            self._following_selection = False
        servers = {key for kind, key in wanted if kind == "server"}
        if servers != self.selected_servers:
            touched = servers ^ self.selected_servers
            self.selected_servers = servers
            for server_id in touched:
                rack_item = self.rack_items.get(self.rack_of_server.get(server_id, ""))
                if rack_item is not None:
                    rack_item.update()

    # ------------------------------------------------------------------ hit tests

    def item_at(self, scene_pos: QPointF) -> SiteItem | RackItem | None:
        """The topmost rack at ``scene_pos``, else the site."""
        site = None
        for item in self.items(scene_pos):
            if isinstance(item, RackDetail):
                item = item.parentItem()  # the servers drawn over a rack are the rack
            if isinstance(item, RackItem):
                return item
            if isinstance(item, SiteItem) and site is None:
                site = item
        return site

    def site_at(self, scene_pos: QPointF, exclude: str | None = None) -> str | None:
        """The site whose box holds ``scene_pos`` (the topmost), if any."""
        for item in self.items(scene_pos):
            if isinstance(item, SiteItem) and item.key != exclude:
                return item.key
        return None

    def location_at(self, scene_pos: QPointF, servers_drawn: bool) -> str | None:
        """The id a fail click at ``scene_pos`` means: server (when drawn), rack or site."""
        item = self.item_at(scene_pos)
        if isinstance(item, RackItem):
            if servers_drawn:
                server = item.server_at(item.mapFromScene(scene_pos))
                if server is not None:
                    return server
            return item.key
        return item.key if item is not None else None

    def tooltip_at(self, scene_pos: QPointF, servers_drawn: bool) -> str:
        item = self.item_at(scene_pos)
        plan = self.document.plan
        if isinstance(item, RackItem):
            rack = self.rack_by_id.get(item.key)
            if rack is None:
                return ""
            server_id = item.server_at(item.mapFromScene(scene_pos)) if servers_drawn else None
            if server_id is not None:
                return self._server_tooltip(server_id)
            servers = self.servers_by_rack.get(rack.id, [])
            used = sum(max(int(s.height), 1) for s in servers)
            site = self.site_by_id.get(rack.site)
            state = style.STATE_LABELS[self.rack_state.get(rack.id, "up")]
            return (
                f"<b>{_html(rack.name or rack.id)}</b> ({_html(rack.id)})<br>"
                f"Site: {_html(site.name if site else rack.site)}<br>"
                f"{len(servers)} servers, {used} of {rack.units} units used<br>State: {state}"
            )
        if isinstance(item, SiteItem):
            site = self.site_by_id.get(item.key)
            if site is None:
                return ""
            racks = sum(1 for r in plan.racks if r.site == site.id)
            lost = " — lost" if site.id in self.lost_sites else ""
            return f"<b>{_html(site.name or site.id)}</b> ({_html(site.id)}){lost}<br>{racks} racks"
        return ""

    def _server_tooltip(self, server_id: str) -> str:
        rack_id = self.rack_of_server.get(server_id, "")
        server = next((s for s in self.servers_by_rack.get(rack_id, []) if s.id == server_id), None)
        if server is None:
            return ""
        services = services_by_server(self.document.plan, [server_id])[server_id]
        state = style.STATE_LABELS[self.server_state.get(server_id, "up")]
        units = (
            f"unit {server.position}"
            if server.height <= 1
            else f"units {server.position}–{server.top}"
        )
        carried = ", ".join(_html(name) for name in services) or "no service"
        return (
            f"<b>{_html(server.name or server.id)}</b> ({_html(server.id)})<br>"
            f"{units}<br>Services: {carried}<br>State: {state}"
        )


def _pen(color: QColor | str, width: float, line: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(QColor(color), width, line)
    pen.setCosmetic(True)
    return pen


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --------------------------------------------------------------------------- view


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


# --------------------------------------------------------------------------- palette


class PaletteButton(DragSourceButton):
    """A palette entry: drag it onto the floor to create one; a click creates one too."""

    def __init__(self, kind: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setText(text)
        self.setToolTip(f"Drag onto the floor to add a {kind} (or click to add one in view)")

    def mime_data(self) -> QMimeData:
        data = QMimeData()
        data.setData(FLOOR_MIME, self.kind.encode())
        return data


# --------------------------------------------------------------------------- widget


class FloorView(QWidget):
    """The floor of the plan: sites, racks, their state; the public face of this module.

    Actions (also in ``actions()``, shortcuts active while the view has focus):
    ``fail_action`` (checkable "Fail on click"), ``delete_action`` (Delete),
    ``copy_action`` (Ctrl+C), ``paste_action`` (Ctrl+V), ``select_all_action``
    (Ctrl+A), ``zoom_in_action`` (Ctrl++ / Ctrl+=), ``zoom_out_action`` (Ctrl+-),
    ``fit_action`` (Ctrl+0), ``overview_action`` (checkable, shows the minimap).
    """

    rackActivated = Signal(str)

    def __init__(
        self, document: PlanDocument, recovery: RecoveryController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.recovery = recovery
        self.scene = FloorScene(document, recovery, self)
        self._make_actions()
        self.canvas = FloorCanvas(self.scene, self)
        self.canvas.rackActivated.connect(self.rackActivated)
        self.canvas.zoomChanged.connect(self._show_zoom)

        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 4)
        bar.setSpacing(4)
        self.new_site_button = PaletteButton("site", "▭ New site", self)
        self.new_rack_button = PaletteButton("rack", "▯ New rack", self)
        self.new_site_button.clicked.connect(lambda: self.create_in_view("site"))
        self.new_rack_button.clicked.connect(lambda: self.create_in_view("rack"))
        bar.addWidget(self.new_site_button)
        bar.addWidget(self.new_rack_button)
        bar.addStretch(1)
        for action in (
            self.fail_action,
            self.zoom_out_action,
            self.fit_action,
            self.zoom_in_action,
        ):
            button = QToolButton(self)
            button.setDefaultAction(action)
            bar.addWidget(button)
        self.zoom_label = QLabel(self)
        self.zoom_label.setMinimumWidth(self.zoom_label.fontMetrics().horizontalAdvance("8888%"))
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.zoom_label.setStyleSheet(f"color: {style.MUTED_TEXT};")
        bar.addWidget(self.zoom_label)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addLayout(bar)
        column.addWidget(self.canvas, 1)

        self.fail_action.toggled.connect(self._fail_mode)
        self.overview = Overview(self.canvas, self)
        self.overview_action.toggled.connect(self.overview.setVisible)
        self.canvas.installEventFilter(self)
        self._fitted = False
        self.scene.selectionChanged.connect(self._update_actions)
        document.changed.connect(self._plan_replaced)
        self._update_actions()
        self.setFocusProxy(self.canvas)

    # ------------------------------------------------------------------ actions

    def _action(
        self,
        text: str,
        shortcuts: list[QKeySequence.StandardKey | str],
        slot: object,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        sequences: list[QKeySequence] = []
        for shortcut in shortcuts:
            for sequence in (
                QKeySequence.keyBindings(shortcut)
                if isinstance(shortcut, QKeySequence.StandardKey)
                else [QKeySequence(shortcut)]
            ):
                if sequence not in sequences:  # the same key twice is "ambiguous" to Qt
                    sequences.append(sequence)
        action.setShortcuts(sequences)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        if tip:
            action.setToolTip(tip)
        action.triggered.connect(slot)  # type: ignore[arg-type]
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        self.fail_action = self._action(
            "Fail on click",
            [],
            lambda: None,
            "Click a site, rack or server to fail or restore it (Alt+click does it too)",
        )
        self.fail_action.setCheckable(True)
        self.delete_action = self._action(
            "Delete", [QKeySequence.StandardKey.Delete], self.delete_selection
        )
        self.copy_action = self._action(
            "Copy", [QKeySequence.StandardKey.Copy], self.copy_selection
        )
        self.paste_action = self._action("Paste", [QKeySequence.StandardKey.Paste], self.paste)
        self.select_all_action = self._action(
            "Select all", [QKeySequence.StandardKey.SelectAll], self.select_all
        )
        self.zoom_in_action = self._action(
            "Zoom in", [QKeySequence.StandardKey.ZoomIn, "Ctrl+="], lambda: self.canvas.zoom_in()
        )
        self.zoom_out_action = self._action(
            "Zoom out", [QKeySequence.StandardKey.ZoomOut, "Ctrl+-"], lambda: self.canvas.zoom_out()
        )
        self.fit_action = self._action(
            "Fit", ["Ctrl+0"], lambda: self.canvas.fit_all(), "Show the whole floor"
        )
        self.overview_action = self._action("Show overview", [], lambda: None)
        self.overview_action.setCheckable(True)
        self.overview_action.setChecked(True)

    def _update_actions(self) -> None:
        has_selection = bool(self.scene.selectedItems())
        self.delete_action.setEnabled(has_selection)
        self.copy_action.setEnabled(has_selection)
        self.paste_action.setEnabled(bool(_clipboard))

    def _fail_mode(self, on: bool) -> None:
        if on:
            self.canvas.viewport().setCursor(Qt.CursorShape.CrossCursor)
        else:
            self.canvas.viewport().unsetCursor()

    def _show_zoom(self, zoom: float) -> None:
        self.zoom_label.setText(f"{zoom * 100:.0f}%")

    # ------------------------------------------------------------------ layout of children

    def eventFilter(self, watched: object, event: QEvent) -> bool:
        if watched is self.canvas and event.type() == QEvent.Type.Resize:
            self._place_overview()
        return super().eventFilter(watched, event)  # type: ignore[arg-type]

    def _place_overview(self) -> None:
        area = self.canvas.geometry()
        scrollbar = self.canvas.verticalScrollBar()
        right_pad = 12 + (scrollbar.width() if scrollbar.isVisible() else 0)
        hbar = self.canvas.horizontalScrollBar()
        bottom_pad = 12 + (hbar.height() if hbar.isVisible() else 0)
        width = max(120, min(240, area.width() // 5))
        height = max(80, min(160, area.height() // 5))
        self.overview.setGeometry(
            area.right() - right_pad - width, area.bottom() - bottom_pad - height, width, height
        )
        self.overview.raise_()

    def showEvent(self, event: QEvent) -> None:  # type: ignore[override]
        super().showEvent(event)  # type: ignore[arg-type]
        if not self._fitted:
            self._fitted = True
            self.canvas.fit_all()
            self._place_overview()

    def _plan_replaced(self, change: Change | None, origin: object = None) -> None:
        self._update_actions()
        if change is None:
            # Another plan: show all of it, now or (hidden, its size unknown) when shown.
            self._fitted = self.isVisible()
            if self._fitted:
                self.canvas.fit_all()

    # ------------------------------------------------------------------ gestures

    def commit_moves(self) -> bool:
        """Push the move the mouse just made as one edit; False if nothing moved.

        Reads where the items were dragged to, compares with the layout and writes
        the rules of the module docstring. A refused edit puts the items back.
        """
        scene = self.scene
        layout = scene.layout
        moved_sites: dict[str, tuple[float, float]] = {}
        for key, item in scene.site_items.items():
            where = (item.pos().x(), item.pos().y())
            if _differs(where, layout.sites[key][:2]):
                moved_sites[key] = where
        moved_racks: dict[str, tuple[float, float]] = {}
        for key, item in scene.rack_items.items():
            position = item.scenePos()
            where = (position.x(), position.y())
            if _differs(where, layout.racks[key]):
                moved_racks[key] = where
        if not moved_sites and not moved_racks:
            return False
        new_site: dict[str, str] = {}
        for key in moved_racks:
            rack = scene.rack_by_id[key]
            if rack.site in moved_sites:
                continue  # it went along with its site
            rack_item = scene.rack_items[key]
            centre = rack_item.mapToScene(rack_item.rect().center())
            landed = scene.site_at(centre)
            if landed is not None and landed != rack.site:
                new_site[key] = landed
        touched = set(moved_sites) | set(new_site.values())
        touched |= {scene.rack_by_id[k].site for k in moved_racks}
        site_positions = dict(moved_sites)
        for key in layout.auto_sites:
            site_positions.setdefault(key, layout.sites[key][:2])
        rack_positions = dict(moved_racks)
        for key, rack in scene.rack_by_id.items():
            if rack.site in touched and key in layout.auto_racks:
                rack_positions.setdefault(key, layout.racks[key])
        edits: list[Edit] = []
        if site_positions:
            edits.append(MoveItems("site", site_positions))
        if rack_positions:
            edits.append(MoveItems("rack", rack_positions))
        for key, site in new_site.items():
            edits.append(SetFields("rack", key, site=site))
        edit = Composite(self._move_label(moved_sites, moved_racks, new_site), edits)
        if not self.document.push(edit):
            scene.restore_positions()
            return False
        return True

    def _move_label(
        self,
        sites: dict[str, tuple[float, float]],
        racks: dict[str, tuple[float, float]],
        new_site: dict[str, str],
    ) -> str:
        scene = self.scene
        dragged_racks = [k for k in racks if scene.rack_by_id[k].site not in sites]
        if sites and not dragged_racks:
            if len(sites) == 1:
                site = scene.site_by_id[next(iter(sites))]
                return f"Move site {site.name.strip() or site.id}"
            return f"Move {len(sites)} sites"
        if not sites and len(dragged_racks) == 1:
            rack = scene.rack_by_id[dragged_racks[0]]
            label = f"Move rack {rack.name.strip() or rack.id}"
            if rack.id in new_site:
                target = scene.site_by_id[new_site[rack.id]]
                label += f" to {target.name.strip() or target.id}"
            return label
        if not sites:
            return f"Move {len(dragged_racks)} racks"
        return f"Move {len(sites) + len(dragged_racks)} items"

    def create(self, kind: str, top_left: QPointF, site: str | None = None) -> bool:
        """Add a new site (at ``top_left``) or rack (in ``site``) as one step; select it."""
        plan = self.document.plan
        x, y = snap(top_left.x()), snap(top_left.y())
        if kind == "site":
            item: Site | Rack = new_items.new_site(plan, x, y, *NEW_SITE_SIZE)
        else:
            if site is None:
                self.document.refused.emit("A rack must be placed inside a site")
                return False
            item = new_items.new_rack(plan, site, x=x, y=y)
        if not self.document.push(AddItem(kind, item)):
            return False
        self.document.select([(kind, item.id)])
        return True

    def create_in_view(self, kind: str) -> bool:
        """The palette clicked: a site in the middle of what is shown if that is free, else
        next to the other sites; a rack in the selected site (else the site in the middle
        of the view, else the nearest), in a free spot (see :mod:`planner.gui.placement`)."""
        plan = self.document.plan
        centre = self.canvas.mapToScene(self.canvas.viewport().rect().center())
        if kind == "site":
            width, height = NEW_SITE_SIZE
            x, y = snap(centre.x() - width / 2), snap(centre.y() - height / 2)
            if not placement.site_is_free(plan, (x, y, width, height)):
                x, y = placement.new_site_position(plan)
            if not self.create("site", QPointF(x, y)):
                return False
            self.canvas.ensureVisible(QRectF(x, y, width, height), 20, 20)
            return True
        site = placement.selected_site(plan, self.document.selection)
        if site is None:
            site = self.scene.site_at(centre)
        if site is None and self.scene.site_items:
            nearest = min(
                self.scene.site_items.values(),
                key=lambda s: (s.sceneBoundingRect().center() - centre).manhattanLength(),
            )
            site = nearest.key
        if site is None:
            return self.create("rack", centre, None)  # refused: a rack needs a site
        rack = new_items.new_rack(plan, site)
        if not self.document.push(placement.add_rack_edit(plan, rack)):
            return False
        self.document.select([("rack", rack.id)])
        return True

    def delete_selection(self) -> bool:
        targets = self.scene.selected_keys()
        if not targets:
            return False
        try:
            edit = delete_items(self.document.plan, targets)
        except EditRefused as refusal:
            self.document.refused.emit(str(refusal))
            return False
        return self.document.push(edit)

    def copy_selection(self) -> bool:
        """Copy the selected sites and racks (with what they hold) to the floor clipboard.

        Positions the view made up are written into the copies, so the pastes land
        beside the originals.
        """
        global _paste_count
        targets = self.scene.selected_keys()
        if not targets:
            return False
        items = copy_items(self.document.plan, targets)
        layout = self.scene.layout
        for item in items:
            if isinstance(item, Site) and item.id in layout.auto_sites:
                item.x, item.y = layout.sites[item.id][:2]
            elif isinstance(item, Rack) and item.id in layout.auto_racks:
                item.x, item.y = layout.racks[item.id]
        _clipboard[:] = items
        _paste_count = 0
        self._update_actions()
        return True

    def paste(self) -> bool:
        """Paste the clipboard as one step, each paste further down and right; select it."""
        global _paste_count
        if not _clipboard:
            return False
        offset = PASTE_OFFSET * (_paste_count + 1)
        try:
            edit = paste_items(self.document.plan, _clipboard, (offset, offset))
        except EditRefused as refusal:
            self.document.refused.emit(str(refusal))
            return False
        if not self.document.push(edit):
            return False
        _paste_count += 1
        pasted = [
            (child.kind, child.item.id)
            for child in edit.edits
            if isinstance(child, AddItem) and child.kind in ("site", "rack")
        ]
        self.document.select(pasted)
        return True

    def select_all(self) -> None:
        keys = [("site", k) for k in self.scene.site_items]
        keys += [("rack", k) for k in self.scene.rack_items]
        self.document.select(keys)


__all__ = ["FLOOR_MIME", "FloorCanvas", "FloorScene", "FloorView", "Overview", "PaletteButton"]
