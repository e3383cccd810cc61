"""The floor's scene: the plan's sites and racks as items keyed by id, and the state
they paint from (layout, servers per rack, recovery states, failed ids)."""

from __future__ import annotations

from PySide6.QtCore import (
    QObject,
    QPointF,
    QRectF,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QLinearGradient,
    QPen,
)
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsItem,
    QGraphicsScene,
    QWidget,
)

from planner.gui import style
from planner.gui.document import PlanDocument
from planner.gui.recovery_controller import RecoveryController
from planner.gui.views.floor_heat import HeatMap
from planner.gui.views.floor_items import (
    RackDetail,
    RackItem,
    RackPicture,
    SiteItem,
    brushes,
    rack_picture,
    tint,
)
from planner.gui.when_shown import WhenShown
from planner.layout import domains as domain_rules
from planner.layout.floor import (
    RACK_WIDTH,
    FloorLayout,
    changed_keys,
    compute_layout,
    services_by_server,
)
from planner.model import Rack, Server, Site
from planner.model.edits import (
    Change,
)

_EPSILON = 1e-6


def differs(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return abs(a[0] - b[0]) > _EPSILON or abs(a[1] - b[1]) > _EPSILON


class FloorScene(QGraphicsScene):
    """Mirrors the plan's sites and racks as items keyed by id.

    Keeps the derived state the items paint from: the layout, the servers of each
    rack, the states from the recovery result and the failed ids. Refreshes from
    ``document.changed`` (incrementally; everything on ``None``) and from the
    recovery controller. ``contentChanged`` tells the overview to redraw.
    """

    contentChanged = Signal()
    colouringChanged = Signal()  # the kind coloured by, or the domains shown, changed

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
        #: What racks are coloured by: "" (their recovery state) or a domain kind.
        self.colour_kind: str = domain_rules.BY_STATE
        self.rack_domains: dict[str, list[str]] = {}  # rack -> its domains of that kind
        self.domain_colours: dict[str, str] = {}  # domain of that kind -> colour
        self._domain_brushes: dict[tuple[str, ...], QBrush] = {}
        #: The heat map shown over every other colouring (None: off).
        self.heat: HeatMap | None = None
        self._heat_brushes: dict[str, QBrush] = {}
        #: True while the mouse drags items: positions snap to the grid only then.
        self.snapping = False
        #: True while a dragged site carries its racks (they keep their offsets).
        self.carrying = False
        #: True while the overview renders the scene: items skip labels and outlines.
        self.overview_rendering = False
        self._pictures: dict[str, RackPicture] = {}
        # True while the scene's selection is set from the document, or items are
        # removed and made (a rebuild, a change from any origin, undo included): the
        # selectionChanged that causes is not the user's and must not be sent back.
        # Selection is not an edit, so there is no origin to tell that echo by.
        self._following_selection = False

        self.state_brushes = brushes()
        self.server_brushes = brushes(0.22)
        self.server_brushes["lost"] = self.state_brushes["lost"]
        self.slice_brushes = brushes(0.75)
        self.slice_brushes["lost"] = self.state_brushes["lost"]
        self.rack_brush = QBrush(QColor(style.RACK_FILL))
        self.veil_brush = QBrush(QColor(255, 255, 255, 150))  # servers over domain colours
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
        # In a window, the floor follows a result only while its view is shown (another
        # tab current: once, when it is shown again).
        self._when_shown = WhenShown(parent) if isinstance(parent, QWidget) else None
        recovery.resultChanged.connect(self._result_changed)
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
            self._compute_domains()
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
        domains_touched = "domain" in kinds or any(
            name == "domains" for _, _, name in change.changed
        )
        if self.colour_kind and (
            change.added
            or change.removed
            or any(name in ("id", "rack") for _, _, name in change.changed)
        ):
            domains_touched = True
        if domains_touched:
            self._compute_domains()
            self._refresh_looks()
        if "scenario" in kinds:
            self.failed_ids = self.recovery.failed_ids()
            self._refresh_looks()
        if kinds & {"site", "rack", "server", "scenario", "domain"}:
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
            if differs((site_item.pos().x(), site_item.pos().y()), (x, y)):
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
            if differs((rack_item.pos().x(), rack_item.pos().y()), (x, y)):
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

    # ------------------------------------------------------------------ domains

    def set_colour_by(self, kind: str) -> None:
        """Colour racks by their recovery state (``""``) or by their domains of ``kind``."""
        if kind != self.colour_kind:
            self.colour_kind = kind
            self._compute_domains()
            self._refresh_looks()
            self.update()
            self.contentChanged.emit()

    def _compute_domains(self) -> None:
        plan = self.document.plan
        kind = self.colour_kind
        if kind and kind not in domain_rules.kinds(plan):
            self.colour_kind = kind = domain_rules.BY_STATE  # its last domain went
        self.rack_domains = domain_rules.rack_domains(plan, kind) if kind else {}
        self.domain_colours = domain_rules.domain_colours(plan, kind) if kind else {}
        self._domain_brushes = {}
        self.colouringChanged.emit()

    def domain_brush(self, rack_id: str) -> QBrush:
        """The rack's fill by domain: one colour, or one stripe per domain of the kind
        shown (a rack fed by two feeds is split down the middle); none: a pale hatch."""
        shown = tuple(self.rack_domains.get(rack_id, ()))
        brush = self._domain_brushes.get(shown)
        if brush is None:
            brush = self._domain_brushes[shown] = _stripes(
                [self.domain_colours.get(d, domain_rules.NO_DOMAIN) for d in shown]
            )
        return brush

    # ------------------------------------------------------------------ heat map

    def set_heat(self, heat: HeatMap | None) -> None:
        """Colour every rack and site by ``heat`` (None: back to the colouring chosen).
        Only the racks whose colour changes are touched."""
        old = self.heat
        if heat is None and old is None:
            return
        self.heat = heat
        self._heat_brushes = {}
        for key, item in self.rack_items.items():
            before = old.colour(key) if old is not None else None
            after = heat.colour(key) if heat is not None else None
            if before != after:
                item.refresh_look()
                item.detail.update()
        for site_item in self.site_items.values():
            site_item.update()
        self.contentChanged.emit()

    def heat_brush(self, item_id: str) -> QBrush:
        """The heat map's fill of a rack or site (shared brushes, one per colour)."""
        colour = self.heat.colour(item_id) if self.heat is not None else style.RACK_FILL
        brush = self._heat_brushes.get(colour)
        if brush is None:
            brush = self._heat_brushes[colour] = QBrush(QColor(colour))
        return brush

    def rack_failed(self, rack_id: str) -> bool:
        """The rack, or a domain it or its rack list names, is failed in the scenario."""
        if rack_id in self.failed_ids:
            return True
        rack = self.rack_by_id.get(rack_id)
        return rack is not None and any(d in self.failed_ids for d in rack.domains or ())

    # ------------------------------------------------------------------ states

    def _compute_states(self) -> None:
        self.server_state, self.rack_state, self.lost_sites = self.recovery.floor_states()
        self.failed_ids = self.recovery.failed_ids()
        self._pictures.clear()

    def _refresh_looks(self) -> None:
        for item in self.rack_items.values():
            item.refresh_look()

    def _result_changed(self) -> None:
        if self._when_shown is None:
            self.refresh_states()
        else:
            self._when_shown.run("states", self.refresh_states)

    def refresh_states(self) -> None:
        """A new recovery result: recolour what it changed.

        The maps come from the controller (made once per result for every view); only
        the racks whose own state or a server's state changed are redrawn, unless the
        lost sites or the failed ids changed (a new scenario), which recolours all.
        """
        old_servers, old_racks = self.server_state, self.rack_state
        old_lost, old_failed = self.lost_sites, self.failed_ids
        self.server_state, self.rack_state, self.lost_sites = self.recovery.floor_states()
        self.failed_ids = self.recovery.failed_ids()
        if self.lost_sites != old_lost or self.failed_ids != old_failed:
            self._pictures.clear()
            self._refresh_looks()
            self.update()
            self.contentChanged.emit()
            return
        racks = changed_keys(old_racks, self.rack_state)
        rack_of = self.rack_of_server
        for server_id in changed_keys(old_servers, self.server_state):
            rack_id = rack_of.get(server_id)
            if rack_id is not None:
                racks.add(rack_id)
        for rack_id in racks:
            self._pictures.pop(rack_id, None)
            item = self.rack_items.get(rack_id)
            if item is not None:
                item.refresh_look()
                item.detail.update()
        if racks:
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
            failed = self.failed_ids
            fed = ", ".join(
                _html(domain_rules.describe(plan, d)) + (" (failed)" if d in failed else "")
                for d in rack.domains or ()
            )
            return (
                f"<b>{_html(rack.name or rack.id)}</b> ({_html(rack.id)})<br>"
                f"Site: {_html(site.name if site else rack.site)}<br>"
                f"{len(servers)} servers, {used} of {rack.units} units used<br>State: {state}"
                + (f"<br>Domains: {fed}" if fed else "")
                + self._heat_line(rack.id)
            )
        if isinstance(item, SiteItem):
            site = self.site_by_id.get(item.key)
            if site is None:
                return ""
            racks = sum(1 for r in plan.racks if r.site == site.id)
            lost = " — lost" if site.id in self.lost_sites else ""
            return (
                f"<b>{_html(site.name or site.id)}</b> ({_html(site.id)}){lost}<br>{racks} racks"
                + self._heat_line(site.id)
            )
        return ""

    def _heat_line(self, item_id: str) -> str:
        """The heat map's count for a rack or site tooltip ("" while the map is off)."""
        if self.heat is None:
            return ""
        count = self.heat.values.get(item_id, 0)
        return f"<br>Its loss alone impacts {count} service{'s' if count != 1 else ''}"

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


def _stripes(colours: list[str]) -> QBrush:
    """Vertical stripes of equal width across a rack, hard-edged; a hatch for none."""
    if not colours:
        return QBrush(QColor(domain_rules.NO_DOMAIN), Qt.BrushStyle.Dense5Pattern)
    if len(colours) == 1:
        return QBrush(QColor(colours[0]))
    gradient = QLinearGradient(0.0, 0.0, RACK_WIDTH, 0.0)
    step = 1.0 / len(colours)
    for i, colour in enumerate(colours):
        gradient.setColorAt(i * step, QColor(colour))
        gradient.setColorAt(min(1.0, (i + 1) * step - 1e-4), QColor(colour))
    return QBrush(gradient)


def _pen(color: QColor | str, width: float, line: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(QColor(color), width, line)
    pen.setCosmetic(True)
    return pen


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = ["FloorScene", "differs"]
