"""The floor's layout rules and its graphics items (sites and racks).

Layout: a site or rack whose position is not in the plan is placed by the view, and
nothing is written to the plan until the user moves something. Sites without ``x, y``
stand side by side, left to right in plan order, after the sites that have a
position; racks without ``x, y`` fill a grid of slots inside their site, one slot per
rack of the site in plan order, so that a rack placed by hand leaves its slot empty
and no other rack moves. A site without ``width, height`` is as large as its grid.
Rack positions are floor coordinates (not relative to the site), as in the format.
A rack is drawn in the site the plan puts it in: a stored position whose centre lies
in another site's box (the rack's site was changed, in Properties say) is left out,
and the rack takes its slot in its own site.

Items are keyed by id and hold no domain data: they read the model and the derived
view state (servers per rack, states) from the :class:`FloorScene` that owns them.
Racks paint their servers themselves when zoomed in, so a 32,000-server plan has a
thousand rack items and no server item.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsRectItem,
    QGraphicsSceneMouseEvent,
    QStyle,
    QStyleOptionGraphicsItem,
    QWidget,
)

from planner.engine.recovery import RecoveryResult
from planner.gui import style
from planner.model import DEFAULT_RACK_UNITS, Plan, Rack, Server, Site

if TYPE_CHECKING:
    from planner.gui.views.floor_scene import FloorScene

# Floor geometry, in floor units (one unit is one pixel at 100% zoom).
RACK_WIDTH = 120.0
RACK_HEADER = 26.0
UNIT_HEIGHT = 8.0
RACK_GAP_X = 30.0
RACK_PITCH_X = RACK_WIDTH + RACK_GAP_X
RACK_GAP_Y = 50.0
SITE_HEADER = 40.0
SITE_PAD_X = 30.0
SITE_PAD_TOP = 70.0
SITE_PAD_BOTTOM = 30.0
SITE_GAP = 40.0
MIN_SITE_SIZE = (320.0, 240.0)
NEW_SITE_SIZE = (640.0, 460.0)
ORPHAN_GAP = 80.0  # racks whose site is missing sit in a row this far below the sites

# Level of detail, in screen pixels per rack unit.
SLICES_FROM_PX = 2.5  # below this a rack is one block in its state colour
SERVER_TEXT_FROM_PX = 11.0  # server names from here on

STATE_RANK = {"up": 0, "dependency": 1, "failover": 2, "restore": 3, "lost": 4}


def rack_height(units: int) -> float:
    """Height of a rack block: a header and one slice per unit (at least one)."""
    return RACK_HEADER + max(int(units), 1) * UNIT_HEIGHT


def snap(value: float, grid: float = style.GRID_SIZE) -> float:
    return round(value / grid) * grid


def _set(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


# --------------------------------------------------------------------------- layout


@dataclass
class FloorLayout:
    """Where everything is drawn: site boxes ``(x, y, w, h)`` and rack top-left corners.

    ``auto_sites`` / ``auto_racks`` name the items whose position came from the
    layout rules rather than from the plan.
    """

    sites: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)
    racks: dict[str, tuple[float, float]] = field(default_factory=dict)
    auto_sites: set[str] = field(default_factory=set)
    auto_racks: set[str] = field(default_factory=set)
    _bounds: tuple[float, float, float, float] | None = field(default=None, repr=False)

    def bounds(self) -> tuple[float, float, float, float]:
        """``(left, top, right, bottom)`` of everything, or a default box when empty."""
        if self._bounds is None:
            boxes = list(self.sites.values())
            tallest = rack_height(DEFAULT_RACK_UNITS)
            boxes += [(x, y, RACK_WIDTH, tallest) for x, y in self.racks.values()]
            if not boxes:
                self._bounds = (0.0, 0.0, *NEW_SITE_SIZE)
            else:
                self._bounds = (
                    min(b[0] for b in boxes),
                    min(b[1] for b in boxes),
                    max(b[0] + b[2] for b in boxes),
                    max(b[1] + b[3] for b in boxes),
                )
        return self._bounds


def _columns(count: int, row_pitch: float, aspect: float) -> int:
    """Columns of a rack grid whose box is about ``aspect`` (width / height)."""
    if count <= 1:
        return 1
    return max(1, min(count, math.ceil(math.sqrt(count * row_pitch * aspect / RACK_PITCH_X))))


def _grid(site: Site, racks: list[Rack], aspect: float) -> tuple[int, float]:
    """Columns and row pitch of a site's grid of racks: as many columns as its own width
    holds, else a grid of about the view's aspect."""
    tallest = max((rack_height(r.units) for r in racks), default=0.0)
    row_pitch = max(tallest, rack_height(DEFAULT_RACK_UNITS)) + RACK_GAP_Y
    if _set(site.width) and site.width > 0:  # type: ignore[operator]
        usable = float(site.width) - 2 * SITE_PAD_X + RACK_GAP_X  # type: ignore[arg-type]
        return max(1, int(usable // RACK_PITCH_X)), row_pitch
    return _columns(len(racks), row_pitch, aspect), row_pitch


def _grid_size(site: Site, racks: list[Rack], aspect: float) -> tuple[float, float]:
    """A site's box size from its own width and height, else from its grid of racks."""
    cols, row_pitch = _grid(site, racks, aspect)
    rows = math.ceil(len(racks) / cols) if racks else 0
    width = 2 * SITE_PAD_X + min(cols, len(racks)) * RACK_PITCH_X - RACK_GAP_X
    height = SITE_PAD_TOP + rows * row_pitch - RACK_GAP_Y + SITE_PAD_BOTTOM
    width, height = max(width, MIN_SITE_SIZE[0]), max(height, MIN_SITE_SIZE[1])
    if _set(site.width) and site.width > 0:  # type: ignore[operator]
        width = float(site.width)  # type: ignore[arg-type]
    if _set(site.height) and site.height > 0:  # type: ignore[operator]
        height = float(site.height)  # type: ignore[arg-type]
    return width, height


def _in_other_site(
    rack: Rack, site_id: str, boxes: dict[str, tuple[float, float, float, float]]
) -> bool:
    """True when the rack's stored centre is in another site's box and not in its own."""
    cx = float(rack.x) + RACK_WIDTH / 2  # type: ignore[arg-type]
    cy = float(rack.y) + rack_height(rack.units) / 2  # type: ignore[arg-type]

    def inside(box: tuple[float, float, float, float]) -> bool:
        x, y, w, h = box
        return x <= cx <= x + w and y <= cy <= y + h

    own = boxes.get(site_id)
    if own is not None and inside(own):
        return False
    return any(inside(box) for key, box in boxes.items() if key != site_id)


def compute_layout(plan: Plan) -> FloorLayout:
    """Apply the layout rules (module docstring) to ``plan``; never changes it.

    A repeated id is laid out once (the first item, as ``Plan.site()`` finds it).
    """
    layout = FloorLayout()
    racks_of: dict[str, list[Rack]] = {}
    seen_racks: set[str] = set()
    for rack in plan.racks:
        if rack.id not in seen_racks:
            seen_racks.add(rack.id)
            racks_of.setdefault(rack.site, []).append(rack)
    sites = []
    seen_sites: set[str] = set()
    for site in plan.sites:
        if site.id not in seen_sites:
            seen_sites.add(site.id)
            sites.append(site)
    placed = [s for s in sites if _set(s.x) and _set(s.y)]
    auto = [s for s in sites if not (_set(s.x) and _set(s.y))]
    # Side by side: with many sites, each is taller than wide so the floor stays wide.
    aspect = max(0.5, 1.6 / max(1, len(auto)))

    slots: dict[str, tuple[float, float]] = {}
    sizes: dict[str, tuple[float, float]] = {}
    grid_sizes = {site.id: _grid_size(site, racks_of.get(site.id, []), aspect) for site in sites}
    # Placed sites' boxes before they grow around hand-placed racks: where a rack whose
    # site was changed still stands.
    base_boxes = {s.id: (float(s.x), float(s.y), *grid_sizes[s.id]) for s in placed}  # type: ignore[arg-type]
    for site in sites:
        racks = racks_of.get(site.id, [])
        cols, row_pitch = _grid(site, racks, aspect)
        for i, rack in enumerate(racks):
            slots[rack.id] = (
                SITE_PAD_X + (i % cols) * RACK_PITCH_X,
                SITE_PAD_TOP + (i // cols) * row_pitch,
            )
        width, height = grid_sizes[site.id]
        if _set(site.x) and _set(site.y):
            # A placed site without a size also holds the racks placed by hand in it.
            for rack in racks:
                if _set(rack.x) and _set(rack.y) and not _in_other_site(rack, site.id, base_boxes):
                    width = max(width, float(rack.x) + RACK_WIDTH + SITE_PAD_X - float(site.x))  # type: ignore[arg-type]
                    height = max(
                        height,
                        float(rack.y)  # type: ignore[arg-type]
                        + rack_height(rack.units)
                        + SITE_PAD_BOTTOM
                        - float(site.y),  # type: ignore[arg-type]
                    )
        if _set(site.width) and site.width > 0:  # type: ignore[operator]
            width = float(site.width)  # type: ignore[arg-type]
        if _set(site.height) and site.height > 0:  # type: ignore[operator]
            height = float(site.height)  # type: ignore[arg-type]
        sizes[site.id] = (width, height)

    for site in placed:
        layout.sites[site.id] = (float(site.x), float(site.y), *sizes[site.id])  # type: ignore[arg-type]
    cursor_x = max((x + w for x, _, w, _ in layout.sites.values()), default=-SITE_GAP) + SITE_GAP
    top = min((y for _, y, _, _ in layout.sites.values()), default=0.0)
    for site in auto:
        width, height = sizes[site.id]
        layout.sites[site.id] = (cursor_x, top, width, height)
        layout.auto_sites.add(site.id)
        cursor_x += width + SITE_GAP

    bottom = max((y + h for _, y, _, h in layout.sites.values()), default=-ORPHAN_GAP)
    orphan_x = 0.0
    for site_id, racks in racks_of.items():
        box = layout.sites.get(site_id)
        for rack in racks:
            if _set(rack.x) and _set(rack.y) and not _in_other_site(rack, site_id, layout.sites):
                layout.racks[rack.id] = (float(rack.x), float(rack.y))  # type: ignore[arg-type]
                continue
            layout.auto_racks.add(rack.id)
            if box is not None:
                dx, dy = slots[rack.id]
                layout.racks[rack.id] = (box[0] + dx, box[1] + dy)
            else:
                layout.racks[rack.id] = (orphan_x, bottom + ORPHAN_GAP)
                orphan_x += RACK_PITCH_X
    return layout


# --------------------------------------------------------------------------- states


def state_maps(
    plan: Plan, result: RecoveryResult | None
) -> tuple[dict[str, str], dict[str, str], set[str]]:
    """``(server_state, rack_state, lost_sites)`` as the floor and the racks show them.

    A lost server or rack is "lost"; otherwise a server takes the worst state (by
    :data:`STATE_RANK`) of the services running or standing by on it, and a rack the
    worst state of its servers. Items missing from the maps are "up". Without a
    result everything is up.
    """
    if result is None:
        return {}, {}, set()
    service_state = {s.id: style.ENGINE_STATE.get(s.state, "up") for s in result.services}
    rank = STATE_RANK
    server_state: dict[str, str] = {}
    for service in plan.services:
        state = service_state.get(service.id, "up")
        if state == "up":
            continue
        for server_id in (*service.servers, *service.standby_servers):
            if rank[state] > rank[server_state.get(server_id, "up")]:
                server_state[server_id] = state
    for server_id in result.impact.lost_servers:
        server_state[server_id] = "lost"
    rack_of = {s.id: s.rack for s in plan.servers}
    rack_state: dict[str, str] = {}
    for server_id, state in server_state.items():
        rack_id = rack_of.get(server_id)
        if rack_id is not None and rank[state] > rank[rack_state.get(rack_id, "up")]:
            rack_state[rack_id] = state
    for rack_id in result.impact.lost_racks:
        rack_state[rack_id] = "lost"
    return server_state, rack_state, set(result.impact.lost_sites)


def services_by_server(plan: Plan, server_ids: Iterable[str]) -> dict[str, list[str]]:
    """For each server, the names of the services on it (standbys marked), plan order."""
    wanted = set(server_ids)
    found: dict[str, list[str]] = {sid: [] for sid in wanted}
    for service in plan.services:
        name = service.name.strip() or service.id
        for server_id in service.servers:
            if server_id in wanted:
                found[server_id].append(name)
        for server_id in service.standby_servers:
            if server_id in wanted:
                found[server_id].append(f"{name} (standby)")
    return found


# --------------------------------------------------------------------------- painting helpers


def tint(state: str, amount: float = 0.28) -> QColor:
    """The state colour mixed into white: a fill that text can sit on."""
    base = style.color(state)
    white = 255 * (1 - amount)
    return QColor(
        round(white + base.red() * amount),
        round(white + base.green() * amount),
        round(white + base.blue() * amount),
    )


def text_color_on(background: QColor) -> QColor:
    """Dark or white text, whichever reads better on ``background``."""
    luma = 0.299 * background.red() + 0.587 * background.green() + 0.114 * background.blue()
    return QColor(style.TEXT) if luma > 150 else QColor("#ffffff")


def lod_of(painter: QPainter) -> float:
    return QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())


def _cosmetic(color: QColor | str, width: float = 1.0, dashed: bool = False) -> QPen:
    pen = QPen(QColor(color), width)
    pen.setCosmetic(True)
    if dashed:
        pen.setStyle(Qt.PenStyle.DashLine)
    return pen


@dataclass
class RackPicture:
    """Prepared drawing of one rack's servers, in rack-local coordinates."""

    fills: dict[str, list[QRectF]]  # state -> server rectangles
    names: list[tuple[str, QRectF, str, str]]  # (server id, rect, name, state)
    units: dict[int, str]  # unit -> server id, for hit tests


def rack_picture(rack: Rack, servers: list[Server], server_state: dict[str, str]) -> RackPicture:
    """Server rectangles by state, bottom-up units, clipped to the rack."""
    fills: dict[str, list[QRectF]] = {}
    names: list[tuple[str, QRectF, str, str]] = []
    units: dict[int, str] = {}
    total = max(int(rack.units), 1)
    for server in servers:
        bottom = max(int(server.position), 1)
        top = min(int(server.position) + max(int(server.height), 1) - 1, total)
        if top < bottom:
            continue  # outside the rack: validation names it; nothing to draw
        y = RACK_HEADER + (total - top) * UNIT_HEIGHT
        rect = QRectF(3.0, y + 0.5, RACK_WIDTH - 6.0, (top - bottom + 1) * UNIT_HEIGHT - 1.0)
        state = server_state.get(server.id, "up")
        fills.setdefault(state, []).append(rect)
        names.append((server.id, rect, server.name.strip() or server.id, state))
        for unit in range(bottom, top + 1):
            units.setdefault(unit, server.id)
    return RackPicture(fills, names, units)


# --------------------------------------------------------------------------- items


class SiteItem(QGraphicsItem):
    """A site's box: a coloured header with its name and the floor area of its racks.

    Only the header grabs the mouse (select, drag): a press on the body is left to the
    view, so a rubber band can start inside a site.
    """

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self._size = (0.0, 0.0)
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        )
        self.label = SiteLabel(self)
        self._before: QPointF | None = None  # position before a drag step

    def set_size(self, width: float, height: float) -> None:
        if (width, height) != self._size:
            self.prepareGeometryChange()
            self._size = (width, height)

    def rect(self) -> QRectF:
        return QRectF(0.0, 0.0, *self._size)

    def boundingRect(self) -> QRectF:
        return self.rect().adjusted(-2, -2, 2, 2)

    def header_rect(self) -> QRectF:
        return QRectF(0.0, 0.0, self._size[0], SITE_HEADER)

    def floor(self) -> FloorScene:
        return self.scene()  # type: ignore[return-value]

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        floor = self.floor()
        site = floor.site_by_id.get(self.key)
        if site is None:
            return
        rect, header = self.rect(), self.header_rect()
        lost = self.key in floor.lost_sites
        accent = QColor(style.STATE_COLORS["lost"] if lost else (site.color or style.SITE_BORDER))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(style.SITE_FILL) if not lost else tint("lost", 0.12))
        painter.drawRect(rect)
        painter.fillRect(header, accent)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        failed = self.key in floor.failed_ids
        border = style.SELECTION if selected else (accent if lost else style.SITE_BORDER)
        painter.setPen(_cosmetic(border, 2.5 if selected or lost else 1.0, failed and not lost))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect)
        if floor.overview_rendering:
            return
        self._paint_label(painter, header, site.name.strip() or site.id, accent)

    def _paint_label(self, painter: QPainter, header: QRectF, name: str, accent: QColor) -> None:
        """The name in the header, when the header is tall enough on screen for it.

        A thinner header leaves the name to the :class:`SiteLabel` tab above the box.
        """
        screen = painter.worldTransform().mapRect(header)
        pixels = label_pixels(screen.height())
        if pixels is None or screen.width() < 30:
            return
        painter.save()
        painter.resetTransform()
        font = QFont(painter.font())
        font.setBold(True)
        font.setPixelSize(pixels)
        metrics = QFontMetricsF(font)
        pad = min(8.0, screen.height() * 0.25)
        text = metrics.elidedText(name, Qt.TextElideMode.ElideRight, screen.width() - 2 * pad)
        painter.setFont(font)
        painter.setPen(text_color_on(accent))
        painter.drawText(
            screen.adjusted(pad, 0, -pad, 0),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            text,
        )
        painter.restore()

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if not self.header_rect().contains(event.pos()):
            event.ignore()  # the view starts a rubber band
            return
        super().mousePressEvent(event)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: object) -> object:
        dragged = self.scene() is not None and self.floor().snapping
        if (
            change == QGraphicsItem.GraphicsItemChange.ItemPositionChange
            and isinstance(value, QPointF)
            and dragged
        ):
            self._before = self.pos()
            return QPointF(snap(value.x()), snap(value.y()))
        if (
            change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged
            and dragged
            and self._before is not None
        ):
            moved = self.pos() - self._before
            self._before = None
            self.floor().carry_racks(self.key, moved.x(), moved.y())
        return super().itemChange(change, value)


def label_pixels(header_pixels: float) -> int | None:
    """Font size for a site name in a header this tall on screen; None if it does not fit."""
    size = int(min(header_pixels * 0.55, 20.0))
    return size if size >= 11 else None


class SiteLabel(QGraphicsItem):
    """A site's name as a tab on top of its box, at screen size, when zoomed out.

    Ignores the view's scaling (always readable) and sits above the box rather than on
    it, so no rack hides it. Shown only while the header is too thin for the name.
    """

    HEIGHT = 20.0
    MAX_WIDTH = 420.0

    def __init__(self, site: SiteItem) -> None:
        super().__init__(site)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(5)

    def boundingRect(self) -> QRectF:
        return QRectF(0.0, -self.HEIGHT, self.MAX_WIDTH, self.HEIGHT)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        site_item: SiteItem = self.parentItem()  # type: ignore[assignment]
        floor = site_item.floor()
        site = floor.site_by_id.get(site_item.key)
        if site is None or floor.overview_rendering:
            return
        if label_pixels(SITE_HEADER * floor.zoom) is not None:
            return  # the header shows the name
        width = min(site_item.rect().width() * floor.zoom, self.MAX_WIDTH)
        if width < 30:
            return
        font = floor.screen_font(11, bold=True)
        metrics = floor.screen_metrics(11, bold=True)
        text = metrics.elidedText(
            site.name.strip() or site.id, Qt.TextElideMode.ElideRight, width - 12
        )
        tab = QRectF(
            0.0, -self.HEIGHT, min(metrics.horizontalAdvance(text) + 12, width), self.HEIGHT
        )
        lost = site.id in floor.lost_sites
        accent = QColor(style.STATE_COLORS["lost"] if lost else (site.color or style.SITE_BORDER))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(accent)
        painter.drawRect(tab)
        painter.setFont(font)
        painter.setPen(text_color_on(accent))
        painter.drawText(tab, Qt.AlignmentFlag.AlignCenter, text)


class RackItem(QGraphicsRectItem):
    """A rack: a block in its state colour, painted by Qt itself (no Python per frame).

    Zoomed in, its :class:`RackDetail` child draws the servers over the block. A
    top-level item at its floor position; a dragged site carries it along.
    """

    def __init__(self, key: str) -> None:
        super().__init__(0.0, 0.0, RACK_WIDTH, rack_height(DEFAULT_RACK_UNITS))
        self.key = key
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        )
        self.setZValue(1)
        self.detail = RackDetail(self)

    def set_units(self, units: int) -> None:
        height = rack_height(units)
        if height != self.rect().height():
            self.setRect(0.0, 0.0, RACK_WIDTH, height)
            self.detail.set_height(height)

    def floor(self) -> FloorScene:
        return self.scene()  # type: ignore[return-value]

    def refresh_look(self) -> None:
        """Brush from the rack's state; pen from selection and failure (Qt paints)."""
        floor = self.floor()
        self.setBrush(floor.state_brushes[floor.rack_state.get(self.key, "up")])
        if self.isSelected():
            self.setPen(floor.selection_pen)
        elif self.key in floor.failed_ids:
            self.setPen(floor.failed_pen)
        else:
            self.setPen(floor.block_pen)

    def server_at(self, local: QPointF) -> str | None:
        """The server drawn under ``local`` (item coordinates), if any."""
        floor = self.floor()
        rack = floor.rack_by_id.get(self.key)
        if rack is None or local.y() < RACK_HEADER or not 0 <= local.x() <= RACK_WIDTH:
            return None
        unit = max(int(rack.units), 1) - int((local.y() - RACK_HEADER) // UNIT_HEIGHT)
        return floor.picture(self.key).units.get(unit)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: object) -> object:
        if (
            change == QGraphicsItem.GraphicsItemChange.ItemPositionChange
            and isinstance(value, QPointF)
            and self.scene() is not None
            and self.floor().snapping
            and not self.floor().carrying
        ):
            return QPointF(snap(value.x()), snap(value.y()))
        if (
            change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged
            and self.scene() is not None
        ):
            self.refresh_look()
        return super().itemChange(change, value)


class RackDetail(QGraphicsItem):
    """The near view of a rack, over its block: header, server slices, names.

    Visible only while the floor is zoomed in enough for slices (the scene toggles
    it), so a zoomed-out floor makes no Python call per rack. Takes no mouse button:
    clicks go to the rack.
    """

    def __init__(self, rack: RackItem) -> None:
        super().__init__(rack)
        self._bounds = QRectF(-2.0, -2.0, RACK_WIDTH + 4.0, rack.rect().height() + 4.0)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        self.setVisible(False)

    def set_height(self, height: float) -> None:
        self.prepareGeometryChange()
        self._bounds = QRectF(-2.0, -2.0, RACK_WIDTH + 4.0, height + 4.0)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        rack_item: RackItem = self.parentItem()  # type: ignore[assignment]
        floor = rack_item.floor()
        rack = floor.rack_by_id.get(rack_item.key)
        unit_px = lod_of(painter) * UNIT_HEIGHT
        if rack is None or unit_px < SLICES_FROM_PX:
            return
        key = rack_item.key
        state = floor.rack_state.get(key, "up")
        rect = rack_item.rect()
        lost = state == "lost"
        painter.setPen(floor.block_pen)
        painter.setBrush(floor.lost_rack_brush if lost else floor.rack_brush)
        painter.drawRect(rect)
        header = QRectF(0.0, 0.0, RACK_WIDTH, RACK_HEADER)
        painter.fillRect(header, floor.state_brushes["lost"] if lost else floor.header_brush)
        # A bar under the header in the rack's worst state: readable at a glance.
        painter.fillRect(
            QRectF(0.0, RACK_HEADER - 4.0, RACK_WIDTH, 4.0), floor.state_brushes[state]
        )
        picture = floor.picture(key)
        named = unit_px >= SERVER_TEXT_FROM_PX
        # Far: servers in their state colour (as strong as the blocks further out).
        # Near: a pale fill that names can sit on, and a state bar 6 px wide on screen.
        fills = floor.server_brushes if named else floor.slice_brushes
        painter.setPen(floor.server_pen if unit_px >= 5 else Qt.PenStyle.NoPen)
        for server_state, rects in picture.fills.items():
            painter.setBrush(fills[server_state])
            painter.drawRects(rects)
        if named:
            bar = 6.0 * UNIT_HEIGHT / unit_px
            exposed = option.exposedRect
            painter.setPen(Qt.PenStyle.NoPen)
            for _, r, _, server_state in picture.names:
                if server_state != "lost" and exposed.intersects(r):
                    painter.setBrush(floor.state_brushes[server_state])
                    painter.drawRect(QRectF(r.left(), r.top(), bar, r.height()))
        if floor.overview_rendering:
            return
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if rack_item.isSelected():
            painter.setPen(floor.selection_pen)
            painter.drawRect(rect)
        elif key in floor.failed_ids:
            painter.setPen(floor.failed_pen)
            painter.drawRect(rect)
        chosen = floor.selected_servers
        if chosen:
            painter.setPen(floor.selection_pen)
            for server_id, r, _, _ in picture.names:
                if server_id in chosen:
                    painter.drawRect(r)
        self._paint_text(painter, option, floor, rack, picture, unit_px)

    def _paint_text(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        floor: FloorScene,
        rack: Rack,
        picture: RackPicture,
        unit_px: float,
    ) -> None:
        """Rack name and server names, drawn at screen size (a few sizes, cached glyphs)."""
        transform = painter.worldTransform()
        header = transform.mapRect(QRectF(0.0, 0.0, RACK_WIDTH, RACK_HEADER - 4.0))
        header_px = int(min(header.height() * 0.62, 14.0))
        name_px = int(min(unit_px * 0.72, 13.0)) if unit_px >= SERVER_TEXT_FROM_PX else 0
        if header_px < 8 and name_px == 0:
            return
        exposed = option.exposedRect
        painter.save()
        painter.resetTransform()
        if header_px >= 8 and header.width() >= 24:
            painter.setFont(floor.screen_font(header_px, bold=True))
            painter.setPen(floor.light_pen)
            inner = header.adjusted(4, 0, -4, 0)
            metrics = floor.screen_metrics(header_px, bold=True)
            name = rack.name.strip() or rack.id
            text = metrics.elidedText(name, Qt.TextElideMode.ElideRight, inner.width())
            painter.drawText(
                inner, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text
            )
        if name_px:
            painter.setFont(floor.screen_font(name_px))
            metrics = floor.screen_metrics(name_px)
            for _, r, name, server_state in picture.names:
                if not exposed.intersects(r):
                    continue
                painter.setPen(floor.light_pen if server_state == "lost" else floor.text_pen)
                box = transform.mapRect(r).adjusted(12, 0, -3, 0)
                text = metrics.elidedText(name, Qt.TextElideMode.ElideRight, box.width())
                painter.drawText(box, Qt.AlignmentFlag.AlignVCenter, text)
        painter.restore()


def brushes(amount: float | None = None) -> dict[str, QBrush]:
    """One brush per state: full colour, or tinted by ``amount``."""
    return {
        state: QBrush(style.color(state) if amount is None else tint(state, amount))
        for state in STATE_RANK
    }
