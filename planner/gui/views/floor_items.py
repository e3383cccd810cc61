"""The floor's graphics items (sites and racks) and their painting helpers.

Where the items go is decided by the Qt-free layout rules in :mod:`planner.layout.floor`.
Items are keyed by id and hold no domain data: they read the model and the derived
view state (servers per rack, states) from the :class:`FloorScene` that owns them.
Racks paint their servers themselves when zoomed in, so a 32,000-server plan has a
thousand rack items and no server item.
"""

from __future__ import annotations

from dataclasses import dataclass
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

from planner.gui import style
from planner.layout import states
from planner.layout.floor import RACK_HEADER, RACK_WIDTH, SITE_HEADER, UNIT_HEIGHT, rack_height
from planner.model import DEFAULT_RACK_UNITS, Rack, Server

if TYPE_CHECKING:
    from planner.gui.views.floor_scene import FloorScene

# Level of detail, in screen pixels per rack unit.
SLICES_FROM_PX = 2.5  # below this a rack is one block in its state colour
SERVER_TEXT_FROM_PX = 11.0  # server names from here on


def snap(value: float, grid: float = style.GRID_SIZE) -> float:
    return round(value / grid) * grid


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
    """Dark or white text, whichever reads better on ``background`` (the table's rule)."""
    return QColor(style.TEXT) if states.dark_text_on(background.name()) else QColor("#ffffff")


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
        heat = floor.heat_brush(self.key).color() if floor.heat is not None else None
        if heat is not None:  # the site's own blast radius: pale behind its racks, and its rim
            fill = QColor(heat)
            fill.setAlpha(90)
            painter.setBrush(QColor(style.SITE_FILL))
            painter.drawRect(rect)
            painter.setBrush(fill)
        else:
            painter.setBrush(QColor(style.SITE_FILL) if not lost else tint("lost", 0.12))
        painter.drawRect(rect)
        painter.fillRect(header, accent)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        failed = self.key in floor.failed_ids
        border = style.SELECTION if selected else (accent if lost else style.SITE_BORDER)
        width = 2.5 if selected or lost else 1.0
        if heat is not None and not selected:
            border, width = heat.name(), 4.0
        painter.setPen(_cosmetic(border, width, failed and not lost))
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
        if floor.heat is not None:
            self.setBrush(floor.heat_brush(self.key))
        elif floor.colour_kind:
            self.setBrush(floor.domain_brush(self.key))
        else:
            self.setBrush(floor.state_brushes[floor.rack_state.get(self.key, "up")])
        if self.isSelected():
            self.setPen(floor.selection_pen)
        elif floor.rack_failed(self.key):
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
        heat = floor.heat is not None
        by_domain = bool(floor.colour_kind) or heat
        painter.setPen(floor.block_pen)
        if heat:  # the heat map behind pale servers, as the domains' colours are
            painter.setBrush(floor.heat_brush(key))
        elif by_domain:  # the domains' colours behind pale servers: both read at once
            painter.setBrush(floor.domain_brush(key))
        else:
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
        # The heat map reads from the whole block while servers are slices (a veil over
        # them would pale the rack's colour); names need the veil to be read on it.
        veil = Qt.BrushStyle.NoBrush if heat and not named else floor.veil_brush
        for server_state, rects in picture.fills.items():
            painter.setBrush(veil if by_domain else fills[server_state])
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
        elif floor.rack_failed(key):
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
        for state in states.STATES
    }
