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

"Colour by" shows racks in their recovery state (the default) or by their failure
domains of one kind (power, room, ...): one colour per domain, named in a legend under
the toolbar; a rack in two domains of the kind is split into stripes. A domain is failed
with a click on its legend entry, or from a rack's context menu ("Fail power feed P1
in Fire"): in a named scenario that is one edit of its failed list (undoable); with
ad-hoc failures it is an ad-hoc failure like a click on the floor.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QMimeData,
    QPointF,
    QRectF,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QIcon,
    QKeySequence,
    QPainter,
    QPixmap,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from planner.gui import placement, style
from planner.gui.actions import FIT_KEYS, ZOOM_IN_KEYS, ZOOM_OUT_KEYS, view_action
from planner.gui.document import PlanDocument
from planner.gui.flow import FlowLayout
from planner.gui.palette import DragSourceButton
from planner.gui.recovery_controller import RecoveryController
from planner.gui.views.floor_canvas import FLOOR_MIME, MAX_SCALE, FloorCanvas, Overview
from planner.gui.views.floor_heat import HeatMap
from planner.gui.views.floor_items import snap
from planner.gui.views.floor_scene import FloorScene, differs
from planner.layout import domains as domain_rules
from planner.layout.floor import NEW_SITE_SIZE
from planner.model import Rack, Site, new_items
from planner.model.clock import clock
from planner.model.edits import (
    AddItem,
    Change,
    Composite,
    Edit,
    EditRefused,
    Item,
    MoveItems,
    copy_items,
    delete_items,
    move_rack_to_site,
    paste_items,
)
from planner.model.edits import scenarios as scenario_edits

PASTE_OFFSET = 2 * style.GRID_SIZE

# Shared by every floor view of the program, like the system clipboard would be.
_clipboard: list[Item] = []
_paste_count = 0


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


def _pair(first: QWidget, second: QWidget) -> QWidget:
    """Two widgets kept together on one row of the wrapping legend."""
    pair = QWidget()
    layout = QHBoxLayout(pair)
    layout.setContentsMargins(4, 0, 4, 0)
    layout.setSpacing(4)
    layout.addWidget(first)
    layout.addWidget(second)
    return pair


def _clear(row: FlowLayout) -> None:
    """Take every widget out of a legend row (they go at the next event loop turn)."""
    while row.count():
        taken = row.takeAt(0)
        widget = taken.widget() if taken is not None else None
        if widget is not None:
            widget.deleteLater()


def _swatch_icon(colour: str, failed: bool, hatched: bool = False) -> QIcon:
    """A legend swatch: the domain's colour; failed, crossed by a dashed red outline."""
    ratio = 2.0
    pixmap = QPixmap(round(14 * ratio), round(14 * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setPen(QColor(colour).darker(130))
    if hatched:
        painter.setBrush(QColor("#ffffff"))
        painter.drawRect(1, 1, 12, 12)
        painter.setBrush(QBrush(QColor(colour).darker(140), Qt.BrushStyle.Dense5Pattern))
    else:
        painter.setBrush(QColor(colour))
    painter.drawRect(1, 1, 12, 12)
    if failed:
        pen = painter.pen()
        pen.setColor(QColor(style.STATE_COLORS["lost"]))
        pen.setWidthF(2.0)
        painter.setPen(pen)
        painter.drawLine(2, 2, 12, 12)
        painter.drawLine(12, 2, 2, 12)
    painter.end()
    return QIcon(pixmap)


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
        self.colour_combo = QComboBox(self)
        self.colour_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.colour_combo.setToolTip(
            "Colour racks by their recovery state, or by their failure domains of one kind"
        )
        self.colour_combo.currentIndexChanged.connect(self._colour_picked)
        colour_label = QLabel("Colour &by:", self)
        colour_label.setBuddy(self.colour_combo)
        bar.addWidget(colour_label)
        bar.addWidget(self.colour_combo)
        self.zoom_label = QLabel(self)
        self.zoom_label.setMinimumWidth(self.zoom_label.fontMetrics().horizontalAdvance("8888%"))
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.zoom_label.setStyleSheet(f"color: {style.MUTED_TEXT};")
        bar.addWidget(self.zoom_label)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addLayout(bar)
        # The legend wraps onto more rows rather than widening the window (1366 px).
        self.legend = QWidget(self)
        self.legend_row = FlowLayout(self.legend, spacing=2, row_spacing=0)
        self.legend_row.setContentsMargins(6, 0, 6, 2)
        self.legend.setVisible(False)
        self.legend_buttons: dict[str, QToolButton] = {}
        column.addWidget(self.legend)
        # The heat map's legend (the Analysis tab's "Heat map" action shows it).
        self.heat_legend = QWidget(self)
        self.heat_row = FlowLayout(self.heat_legend, spacing=2, row_spacing=0)
        self.heat_row.setContentsMargins(6, 0, 6, 2)
        self.heat_legend.setVisible(False)
        column.addWidget(self.heat_legend)
        column.addWidget(self.canvas, 1)

        self.fail_action.toggled.connect(self._fail_mode)
        self.overview = Overview(self.canvas, self)
        self.overview_action.toggled.connect(self.overview.setVisible)
        self.canvas.installEventFilter(self)
        self._fitted = False
        self.scene.selectionChanged.connect(self._update_actions)
        document.changed.connect(self._plan_replaced)
        self.scene.colouringChanged.connect(self._colouring_changed)
        recovery.scenarioChanged.connect(self._fill_legend)
        self._fill_colour_combo()
        self._update_actions()
        self.setFocusProxy(self.canvas)

    # ------------------------------------------------------------------ actions

    def _make_actions(self) -> None:
        keys = QKeySequence.StandardKey
        self.fail_action = view_action(
            self,
            "Fail on click",
            lambda: None,
            tip="Click a site, rack or server to fail or restore it (Alt+click does it too)",
        )
        self.fail_action.setCheckable(True)
        self.delete_action = view_action(self, "Delete", self.delete_selection, [keys.Delete])
        self.copy_action = view_action(self, "Copy", self.copy_selection, [keys.Copy])
        self.paste_action = view_action(self, "Paste", self.paste, [keys.Paste])
        self.select_all_action = view_action(self, "Select all", self.select_all, [keys.SelectAll])
        self.zoom_in_action = view_action(
            self, "Zoom in", lambda: self.canvas.zoom_in(), ZOOM_IN_KEYS
        )
        self.zoom_out_action = view_action(
            self, "Zoom out", lambda: self.canvas.zoom_out(), ZOOM_OUT_KEYS
        )
        self.fit_action = view_action(
            self, "Fit", lambda: self.canvas.fit_all(), FIT_KEYS, "Show the whole floor"
        )
        self.overview_action = view_action(self, "Show overview", lambda: None)
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
        if change is None or "domain" in change.kinds:
            self._fill_colour_combo()
        elif "scenario" in change.kinds and self.scene.colour_kind:
            self._fill_legend()  # which domains the scenario fails
        if change is None:
            # Another plan: show all of it, now or (hidden, its size unknown) when shown.
            self._fitted = self.isVisible()
            if self._fitted:
                self.canvas.fit_all()

    # ------------------------------------------------------------------ colour by domain

    def _fill_colour_combo(self) -> None:
        combo = self.colour_combo
        combo.blockSignals(True)
        try:
            combo.clear()
            combo.addItem("Recovery state", domain_rules.BY_STATE)
            for kind in domain_rules.kinds(self.document.plan):
                combo.addItem(f"{kind.capitalize()} domains", kind)
            combo.setCurrentIndex(max(combo.findData(self.scene.colour_kind), 0))
        finally:
            combo.blockSignals(False)
        combo.setEnabled(combo.count() > 1)

    def _colour_picked(self, index: int) -> None:
        if index >= 0:
            self.scene.set_colour_by(self.colour_combo.itemData(index))

    def colour_by(self, kind: str) -> None:
        """Colour racks by their domains of ``kind`` ("" : by recovery state), as the
        Colour by control does."""
        index = self.colour_combo.findData(kind)
        if index < 0:
            raise ValueError(f"the plan has no failure domain of kind {kind!r}")
        self.colour_combo.setCurrentIndex(index)

    def _colouring_changed(self) -> None:
        index = self.colour_combo.findData(self.scene.colour_kind)
        if index >= 0 and index != self.colour_combo.currentIndex():
            self.colour_combo.blockSignals(True)
            self.colour_combo.setCurrentIndex(index)
            self.colour_combo.blockSignals(False)
        self._fill_legend()

    def _fill_legend(self) -> None:
        """One button per domain of the kind shown: its colour and name; a click fails
        it (or restores it) in the scenario shown."""
        row = self.legend_row
        _clear(row)
        self.legend_buttons = {}
        kind = self.scene.colour_kind
        self.legend.setVisible(bool(kind))
        if not kind:
            return
        plan = self.document.plan
        failed = self.recovery.failed_ids()
        where = self._scenario_words()
        intro = QLabel(f"{kind.capitalize()}:")
        intro.setTextFormat(Qt.TextFormat.PlainText)  # a kind is typed text
        intro.setToolTip(f"Click a {domain_rules.kind_word(kind)} to fail or restore it {where}")
        intro.setStyleSheet(f"color: {style.MUTED_TEXT};")
        row.addWidget(intro)
        for domain_id, colour in self.scene.domain_colours.items():
            domain = plan.domain(domain_id)
            name = (domain.name.strip() if domain else "") or domain_id
            button = QToolButton()
            button.setObjectName(f"legend-{domain_id}")
            button.setAutoRaise(True)
            button.setCheckable(True)
            button.setChecked(domain_id in failed)
            button.setIcon(_swatch_icon(colour, domain_id in failed))
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            back = self._return_of(domain_id)
            text = (
                f"{name} (failed{', back ' + back if back else ''})"
                if domain_id in failed
                else name
            )
            button.setText(text.replace("&", "&&"))  # a button's "&" marks a shortcut key
            verb = "Restore" if domain_id in failed else "Fail"
            button.setToolTip(
                f"{verb} {domain_rules.describe(plan, domain_id)} {where} "
                f"(id {domain_id}); undo with Ctrl+Z"
            )
            button.clicked.connect(lambda _c=False, d=domain_id: self.fail_domain(d))
            self.legend_buttons[domain_id] = button
            row.addWidget(button)
        none = QLabel()
        none.setPixmap(_swatch_icon(domain_rules.NO_DOMAIN, False, hatched=True).pixmap(14, 14))
        none_text = QLabel(f"no {kind} domain")
        none_text.setStyleSheet(f"color: {style.MUTED_TEXT};")
        row.addWidget(_pair(none, none_text))
        for widget in self.legend.findChildren(QWidget):
            widget.show()

    # ------------------------------------------------------------------ heat map

    def show_heat(self, heat: HeatMap | None, note: str = "") -> None:
        """Colour every rack and site by ``heat`` (None: the colours chosen before), with
        its legend under the toolbar; ``note`` follows the legend ("out of date")."""
        self.scene.set_heat(heat)
        row = self.heat_row
        _clear(row)
        self.heat_legend.setVisible(heat is not None)
        if heat is None:
            return
        intro = QLabel("Heat map, services a loss impacts:")
        intro.setToolTip(
            "Each rack and site coloured by how many services its loss alone impacts "
            "(the Analysis tab's worst single failures)"
        )
        intro.setStyleSheet(f"color: {style.MUTED_TEXT};")
        row.addWidget(intro)
        for colour, label in heat.bins():
            swatch = QLabel()
            swatch.setPixmap(_swatch_icon(colour, False).pixmap(14, 14))
            row.addWidget(_pair(swatch, QLabel(label)))
        if note:
            muted = QLabel(note)
            muted.setStyleSheet(f"color: {style.MUTED_TEXT};")
            row.addWidget(muted)
        for widget in self.heat_legend.findChildren(QWidget):
            widget.show()

    def _return_of(self, item_id: str) -> str:
        """ "T+23:00" when the scenario shown brings ``item_id`` back, else ""."""
        scenario_id = self.recovery.scenario_id
        scenario = self.document.plan.scenario(scenario_id) if scenario_id else None
        if scenario is None or item_id not in scenario.returns:
            return ""
        return f"T+{clock(scenario.returns[item_id])}"

    def _scenario_words(self) -> str:
        scenario_id = self.recovery.scenario_id
        scenario = self.document.plan.scenario(scenario_id) if scenario_id else None
        if scenario is None:
            return "(ad hoc)"
        return f"in {scenario.name.strip() or scenario.id}"

    def fail_domain(self, item_id: str) -> bool:
        """Fail ``item_id`` (a domain, or any failable item) in the scenario shown, or
        restore it if it fails already: one edit of the scenario's failed list. With
        ad-hoc failures it is toggled ad hoc (not an edit of the plan)."""
        scenario_id = self.recovery.scenario_id
        if scenario_id is None or self.document.plan.scenario(scenario_id) is None:
            self.recovery.toggle_failed(item_id)
            return True
        try:
            edit = scenario_edits.toggle_failed(self.document.plan, scenario_id, item_id)
        except EditRefused as refusal:
            self.document.refused.emit(str(refusal))
            return False
        return self.document.push(edit, origin=self)

    def rack_menu(self, rack_id: str) -> QMenu:
        """The context menu of a rack: fail (or restore) it or one of its domains in the
        scenario shown."""
        plan = self.document.plan
        menu = QMenu(self)
        rack = plan.rack(rack_id)
        if rack is None:
            return menu
        failed = self.recovery.failed_ids()
        where = self._scenario_words()
        for item_id in [*rack.domains, rack_id]:
            what = (
                domain_rules.describe(plan, item_id)
                if item_id != rack_id
                else f"rack {rack.name.strip() or rack.id}"
            )
            verb = "Restore" if item_id in failed else "Fail"
            action = menu.addAction(f"{verb} {what} {where}")
            action.setData(item_id)
            action.triggered.connect(lambda _c=False, i=item_id: self.fail_domain(i))
        menu.addSeparator()
        menu.addAction("Open rack", lambda: self.rackActivated.emit(rack_id))
        return menu

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
            if differs(where, layout.sites[key][:2]):
                moved_sites[key] = where
        moved_racks: dict[str, tuple[float, float]] = {}
        for key, item in scene.rack_items.items():
            position = item.scenePos()
            where = (position.x(), position.y())
            if differs(where, layout.racks[key]):
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
            edits.extend(move_rack_to_site(self.document.plan, key, site))
        edit = Composite(self._move_label(moved_sites, moved_racks, new_site), edits)
        if not self.document.push(edit, origin=self):
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
        if not self.document.push(AddItem(kind, item), origin=self):
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
        if not self.document.push(placement.add_rack_edit(plan, rack), origin=self):
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
        return self.document.push(edit, origin=self)

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
        if not self.document.push(edit, origin=self):
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


__all__ = [
    "FLOOR_MIME",
    "MAX_SCALE",
    "FloorCanvas",
    "FloorScene",
    "FloorView",
    "Overview",
    "PaletteButton",
]
