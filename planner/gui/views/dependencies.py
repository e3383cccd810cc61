"""The dependency view: services as nodes, dependencies as arrows, laid out in layers.

Reading it: an arrow ``A → B`` means *B depends on A* (A must be recovered first), so
recovery flows left to right. Nodes are coloured by the recovery state of the chosen
scenario (``style.STATE_COLORS``); the critical path is outlined in ``style.CRITICAL``.

Rules:

* The scene mirrors the plan: one :class:`NodeItem` per service id, one
  :class:`EdgeItem` per ``(dependency, dependent)`` pair. Items hold display state
  only; the plan changes only through ``document.push``.
* A node stands at the service's ``x, y`` (the box's top-left corner) when both are
  set; otherwise at its place in an automatic layered layout
  (:mod:`planner.layout.dependencies`), computed once per full rebuild and
  cached; services added later are placed next to their dependencies without
  moving anything else. While no node stands where a person put it (no stored
  position) and the graph is small (``FOLLOW_LIMIT`` services), the layout follows
  every change of the dependencies, so a graph drawn from scratch stays layered.
  "Re-layout" recomputes it and clears every stored position (one undo step).
* Dragging nodes is one :class:`MoveItems` on release (positions snap to 10 units).
* Connecting: Shift+drag from node A to node B, or drag from A's handle (the dot on
  its right edge), or any drag in Connect mode, makes B depend on A. A refused cycle
  is drawn in red (until the next click or a few seconds) and its text goes out
  through ``document.refused``.
* Delete removes the selected dependencies (arrows) and deletes the selected services.
* Selection follows ``document.select`` both ways (services only).
* Lazy: a plan replaced while the view is hidden (another tab shown) is not built,
  laid out or coloured until the view is first shown (or :meth:`ensure_current` is
  called); until then the scene is empty and :attr:`stale` is True, and changes, results
  and selections pass it by (the build reads them all). Once built, the view follows
  every change, shown or not, as it is cheap by then.
"""

from __future__ import annotations

import html
import itertools
from collections import deque
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QPointF, QRectF, QTimer
from PySide6.QtGui import (
    QColor,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QVBoxLayout,
    QWidget,
)

from planner.engine.recovery import RecoveryResult, ServiceRecovery, miss_reason_text
from planner.gui import style
from planner.gui.actions import FIT_KEYS, ZOOM_IN_KEYS, ZOOM_OUT_KEYS, view_action
from planner.gui.document import PlanDocument
from planner.gui.recovery_controller import RecoveryController
from planner.gui.views.dependency_canvas import DependencyCanvas
from planner.gui.views.dependency_items import (
    NODE_H,
    NODE_W,
    PARAMS,
    SHORT_STATE,
    EdgeItem,
    EdgeKey,
    NodeItem,
    NodeLook,
    blend,
)
from planner.gui.views.dependency_scene import DependencyScene
from planner.gui.when_shown import WhenShown
from planner.layout.dependencies import (
    Point,
    graph_signature,
    layered_layout,
    place_nodes,
)
from planner.model import Service
from planner.model.clock import clock
from planner.model.edits import (
    Change,
    Composite,
    CycleRefused,
    Edit,
    EditRefused,
    MoveItems,
    SetFields,
    add_dependency,
    delete_items,
    remove_dependency,
)
from planner.model.heap import collector_paused

# Up to this many services a fresh layered layout costs a few ms, so it can follow each
# dependency edit; past it, positions stay until "Re-layout" (the layout takes ~0.5 s at
# 3,000 services).
FOLLOW_LIMIT = 400
CYCLE_MS = 4000
OVERVIEW_ZOOM = 0.25  # below this the edges are drawn as one path by one item


def hours_minutes(minutes: float | None) -> str:
    """``h:mm``; an em dash for no value."""
    return clock(minutes)


class DependencyView(QWidget):
    """Services and their dependencies as a layered graph; see the module docstring.

    Actions (also in ``actions()``): ``relayout_action``, ``connect_action`` (checkable),
    ``zoom_in_action`` (Ctrl+=, Ctrl++), ``zoom_out_action`` (Ctrl+-), ``fit_action``
    (Ctrl+0), ``delete_action`` (Delete; active while the view has focus).
    """

    def __init__(
        self,
        document: PlanDocument,
        recovery: RecoveryController,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.recovery = recovery
        self.scene = DependencyScene(self)
        self.canvas = DependencyCanvas(self)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.canvas)
        self._auto: dict[str, Point] = {}  # positions of services without stored x, y
        self._layout_key: tuple[object, ...] | None = None
        self._states: dict[str, ServiceRecovery] = {}
        self._critical_nodes: set[str] = set()
        self._critical_edges: set[EdgeKey] = set()
        self._cycle_items: list[QGraphicsItem] = []
        # True while the scene follows the document's selection: the scene's own
        # selectionChanged must not be sent back as a new selection (it is not an edit,
        # so there is no origin to tell the echo by).
        self._syncing = False
        self._fitted = False
        self._cycle_timer = QTimer(self)
        self._cycle_timer.setSingleShot(True)
        self._cycle_timer.setInterval(CYCLE_MS)
        self._cycle_timer.timeout.connect(self.clear_cycle)
        # True while the scene is not built for the plan (see the module docstring).
        self.stale = True
        self._make_actions()
        self.scene.selectionChanged.connect(self._scene_selection_changed)
        document.changed.connect(self._document_changed)
        document.selectionChanged.connect(self._document_selection_changed)
        # Hidden (another tab current), a result is shown here once the view is shown.
        self._when_shown = WhenShown(self)
        recovery.resultChanged.connect(self._result_arrived)
        self.rebuild()  # the plan the window starts with (empty, or given): built now

    # ------------------------------------------------------------------ actions

    def _make_actions(self) -> None:
        self.relayout_action = view_action(self, "Re-&layout dependencies", self.relayout)
        self.relayout_action.setStatusTip(
            "Lay the dependency graph out again, dropping the positions you set"
        )
        self.connect_action = view_action(self, "&Connect mode", lambda: None)
        self.connect_action.setCheckable(True)
        self.connect_action.setStatusTip("Drag from one service to another to add a dependency")
        self.connect_action.toggled.connect(self._connect_mode_toggled)
        self.zoom_in_action = view_action(self, "Zoom &in", self.zoom_in, ZOOM_IN_KEYS)
        self.zoom_out_action = view_action(self, "Zoom &out", self.zoom_out, ZOOM_OUT_KEYS)
        self.fit_action = view_action(self, "&Fit dependencies", self.fit, FIT_KEYS)
        self.delete_action = view_action(
            self, "&Delete", self.delete_selected, [QKeySequence.StandardKey.Delete]
        )
        self.delete_action.setStatusTip("Remove the selected dependencies and services")

    def _connect_mode_toggled(self, on: bool) -> None:
        for node in self.scene.nodes.values():
            node.show_handle = on
            node.update()

    # ------------------------------------------------------------------ building

    def _dependency_pairs(self, services: Iterable[Service]) -> list[EdgeKey]:
        known = {s.id for s in self.document.plan.services}
        pairs: dict[EdgeKey, None] = {}
        for service in services:
            for dep in service.depends_on:
                if dep in known and dep != service.id:
                    pairs[(dep, service.id)] = None
        return list(pairs)

    def _unique_services(self) -> dict[str, Service]:
        """Services by id; a broken plan repeating an id shows the first, as lookups do."""
        services: dict[str, Service] = {}
        for service in self.document.plan.services:
            services.setdefault(service.id, service)
        return services

    def ensure_current(self) -> None:
        """Build the scene now if the plan was replaced since it was last built."""
        if self.stale:
            self.rebuild()

    def _go_stale(self) -> None:
        """Another plan while hidden: drop the old plan's items (their memory too) and
        build the new plan's when shown."""
        self.canvas.abandon_gesture()
        self.clear_cycle()
        if self.scene.nodes or self.scene.edges:
            self.scene.clear_all()
        self.scene.layout = None
        self._layout_key = None
        self._auto = {}
        self._states = {}
        self._critical_nodes = set()
        self._critical_edges = set()
        self.stale = True

    def rebuild(self) -> None:
        """Build every item again (a new plan, or ``changed(None)``)."""
        self.canvas.abandon_gesture()
        self.clear_cycle()
        self.stale = False
        scene = self.scene
        scene.clear_all()
        services = self._unique_services()
        edges = self._dependency_pairs(services.values())
        positions = self._positions(services, edges, fresh=False)
        for sid in services:
            scene.add_node(sid, positions[sid])
        for key in edges:
            scene.add_edge(key)
        scene.reroute_all()
        self._take_result()
        self._refresh_looks(services)
        self._apply_result_flags()
        self._update_scene_rect()
        self._document_selection_changed(self.document.selection)
        self.canvas.legend.set_states(self.recovery.result is not None)
        self.canvas.place_legend()

    def _plan_replaced(self) -> None:
        """Another plan: show all of it, now or (hidden, its size unknown) when shown."""
        self._fitted = self.isVisible()
        if self._fitted:
            self.fit()

    def _positions(
        self, services: dict[str, Service], edges: list[EdgeKey], fresh: bool
    ) -> dict[str, Point]:
        """Stored positions, else the (cached) layout's, nudged off stored ones."""
        stored = {
            sid: (float(s.x), float(s.y))
            for sid, s in services.items()
            if s.x is not None and s.y is not None
        }
        free = [sid for sid in services if sid not in stored]
        if not free:
            return stored
        key = graph_signature(list(services), edges)
        if fresh or self.scene.layout is None or key != self._layout_key:
            self.scene.layout = layered_layout(list(services), edges, PARAMS)
            self._layout_key = key
        layout = self.scene.layout
        if not stored:
            self._auto = dict(layout.positions)
            return dict(layout.positions)
        deps = {sid: [d for d in s.depends_on if d in services] for sid, s in services.items()}
        order = sorted(free, key=lambda sid: layout.layers.get(sid, 0))
        self._auto = place_nodes(order, deps, stored, hints=layout.positions, params=PARAMS)
        return {**stored, **self._auto}

    def _position_of(self, service: Service) -> Point:
        if service.x is not None and service.y is not None:
            return (float(service.x), float(service.y))
        if service.id in self._auto:
            return self._auto[service.id]
        placed = {
            sid: (node.x(), node.y()) for sid, node in self.scene.nodes.items() if sid != service.id
        }
        deps = {service.id: [d for d in service.depends_on if d in placed]}
        spot = place_nodes([service.id], deps, placed, params=PARAMS)[service.id]
        self._auto[service.id] = spot
        return spot

    def _update_scene_rect(self) -> None:
        bounds = self.nodes_rect().adjusted(-300, -300, 400, 300).united(QRectF(0, 0, 400, 300))
        self.scene.setSceneRect(bounds)
        self.scene.overview.set_bounds(bounds)

    # ------------------------------------------------------------------ looks

    def _look(self, service: Service) -> NodeLook:
        state = self._states.get(service.id)
        tooltip = [
            f"<b>{html.escape(service.name)}</b> ({html.escape(service.id)})",
            f"Tier {service.tier}",
        ]
        if service.rto_minutes is not None:
            tooltip.append(f"RTO {hours_minutes(service.rto_minutes)}")
        if service.depends_on:
            tooltip.append("Depends on " + html.escape(", ".join(service.depends_on)))
        if state is None:
            strip = QColor(service.color) if service.color else QColor(style.SITE_BORDER)
            if not strip.isValid():
                strip = QColor(style.SITE_BORDER)
            fill = QColor("white")
            border = QColor(style.SITE_BORDER)
            status = service.id
            right = f"RTO {hours_minutes(service.rto_minutes)}" if service.rto_minutes else ""
            right_color = style.MUTED_TEXT
        else:
            name = style.ENGINE_STATE.get(state.state, "up")
            strip = QColor(style.STATE_COLORS[name])
            fill = blend(strip, QColor("white"), 0.8)
            border = strip.darker(125)
            status = SHORT_STATE.get(name, name)
            if name != "up":
                status += f" · {hours_minutes(state.recovered)}"
            tooltip.append(
                f"{style.STATE_LABELS[name]}, recovered at {hours_minutes(state.recovered)}"
            )
            if state.meets_rto is None:
                right, right_color = "", style.MUTED_TEXT
            elif state.meets_rto:
                right, right_color = "RTO ✓", style.STATE_COLORS["up"]
                tooltip.append("Meets its RTO")
            else:
                right, right_color = "RTO ✗", style.INVALID
                why = miss_reason_text(state)
                tooltip.append(f"Misses its RTO ({why})")
        return NodeLook(
            name=service.name or service.id,
            tier=service.tier,
            status=status,
            status_right=right,
            right_color=right_color,
            fill=fill,
            border=border,
            strip=strip,
            tooltip="<br>".join(tooltip),
        )

    def _refresh_looks(
        self, services: dict[str, Service], ids: Iterable[str] | None = None
    ) -> None:
        for sid in services if ids is None else ids:
            node = self.scene.nodes.get(sid)
            if node is not None and sid in services:
                node.set_look(self._look(services[sid]))

    # ------------------------------------------------------------------ document

    def _document_changed(self, change: Change | None, origin: object = None) -> None:
        if change is None:
            if self.isVisible():
                self.rebuild()
            else:
                self._go_stale()
            self._plan_replaced()
            return
        if self.stale or "service" not in change.kinds:
            return
        if origin is self and _moves_only(change):
            # This view's drag (on release) or re-layout: its nodes already stand where
            # the edit puts them, with their arrows routed, and a move changes nothing
            # else a node shows. An undo or redo of it (origin None) is followed below.
            return
        self.clear_cycle()
        scene = self.scene
        services = self._unique_services()
        removed = change.removed_ids("service")
        added = [sid for sid in change.added_ids("service") if sid in services]
        changed = change.changed_ids("service")
        if any(sid not in services for sid in removed):
            self.canvas.abandon_gesture()  # it may hold a node that goes now
        for sid in removed:
            if sid not in services:
                for key in [k for k in scene.edges if sid in k]:
                    scene.remove_edge(key)
                scene.remove_node(sid)
                self._auto.pop(sid, None)
        for sid in added:
            if sid not in scene.nodes:
                scene.add_node(sid, (0.0, 0.0))
        structural = bool(removed or added) or any(
            "depends_on" in change.changed_fields("service", sid) for sid in changed
        )
        moved: set[str] = set(added)
        for sid in changed:
            fields = change.changed_fields("service", sid)
            if "x" in fields or "y" in fields:
                moved.add(sid)
        for sid in sorted(moved, key=lambda s: len(services[s].depends_on) if s in services else 0):
            if sid in services and sid in scene.nodes:
                x, y = self._position_of(services[sid])
                scene.nodes[sid].setPos(x, y)
        if structural:
            wanted = set(self._dependency_pairs(services.values()))
            gone = [k for k in scene.edges if k not in wanted]
            for key in gone:
                scene.remove_edge(key)
            new_edges = [k for k in wanted if k not in scene.edges]
            for key in new_edges:
                scene.add_edge(key)
            touched = moved | {sid for key in new_edges for sid in key}
            touched |= {sid for sid in changed if sid in scene.nodes}
            if (gone or new_edges) and self._layout_follows(services):
                self._follow_layout(services, self._dependency_pairs(services.values()))
                touched = set(scene.nodes)
        else:
            touched = moved
        if len(touched) > 300:
            scene.reroute_all()
        elif touched:
            scene.reroute_nodes(touched)
        self._refresh_looks(services, (set(added) | changed) & set(services))
        if structural:
            self._compute_critical()
        self._apply_result_flags()
        self._update_scene_rect()

    def _document_selection_changed(self, selection: list[tuple[str, str]]) -> None:
        if self.stale:
            return  # the build selects what is selected then
        wanted = {item_id for kind, item_id in selection if kind == "service"}
        self._syncing = True
        try:
            for node in self.scene.selectedItems():
                if isinstance(node, NodeItem) and node.service_id not in wanted:
                    node.setSelected(False)
            for sid in wanted:
                node = self.scene.nodes.get(sid)
                if node is not None and not node.isSelected():
                    node.setSelected(True)
        finally:
            self._syncing = False
        if len(wanted) == 1 and self.isVisible():
            node = self.scene.nodes.get(next(iter(wanted)))
            if node is not None:
                self.canvas.ensureVisible(node, 40, 40)

    def _scene_selection_changed(self) -> None:
        if self._syncing:
            return
        chosen = [
            ("service", item.service_id)
            for item in self.scene.selectedItems()
            if isinstance(item, NodeItem)
        ]
        # The document's echo (_document_selection_changed) finds the scene as chosen
        # and changes nothing, so this needs no guard of its own.
        self.document.select(chosen)

    # ------------------------------------------------------------------ recovery

    def _result_arrived(self) -> None:
        self._when_shown.run("result", self._result_changed)

    def _result_changed(self) -> None:
        if self.stale:
            return  # the build colours the nodes by the result of then
        changed = self._take_result()
        # Only the nodes whose recovery changed: an edit changes a few of 3,000.
        services = self._unique_services()
        self._refresh_looks(services, changed & services.keys())
        self._apply_result_flags()
        self.canvas.legend.set_states(self.recovery.result is not None)
        self.canvas.place_legend()

    def _take_result(self) -> set[str]:
        """The states and the critical path of the controller's result, for the nodes;
        returns the services whose recovery differs from the one taken before."""
        result: RecoveryResult | None = self.recovery.result
        old = self._states
        self._states = {s.id: s for s in result.services} if result is not None else {}
        self._compute_critical()
        changed = {sid for sid, state in self._states.items() if old.get(sid) != state}
        changed.update(sid for sid in old if sid not in self._states)
        return changed

    def _compute_critical(self) -> None:
        """Critical nodes from the result; edges along the dependency chain between them
        (through services without a task of their own, which the engine looks through)."""
        result = self.recovery.result
        self._critical_nodes = set()
        self._critical_edges = set()
        if result is None:
            return
        chain = [sid for sid in result.critical_path if sid in self.scene.nodes]
        self._critical_nodes = set(chain)
        incoming = self.scene.incoming
        for earlier, later in itertools.pairwise(chain):
            # Breadth-first from the later task back along depends_on to the earlier one.
            came: dict[str, str | None] = {later: None}
            queue = deque([later])
            while queue:
                current = queue.popleft()
                if current == earlier:
                    while (nxt := came[current]) is not None:
                        self._critical_edges.add((current, nxt))
                        current = nxt
                    break
                for dep in incoming.get(current, ()):
                    if dep not in came:
                        came[dep] = current
                        queue.append(dep)

    def _apply_result_flags(self) -> None:
        for sid, node in self.scene.nodes.items():
            critical = sid in self._critical_nodes
            if node.critical != critical:
                node.critical = critical
                node.update()
        for key, edge in self.scene.edges.items():
            critical = key in self._critical_edges
            if edge.critical != critical:
                edge.critical = critical
                edge.setZValue(1 if critical else 0)
                edge.update()
        self.scene.overview.update()

    # ------------------------------------------------------------------ gestures

    def add_dependency(self, service_id: str, depends_on_id: str) -> bool:
        """Make ``service_id`` depend on ``depends_on_id``; a refused cycle is shown."""
        try:
            edit = add_dependency(self.document.plan, service_id, depends_on_id)
        except CycleRefused as refusal:
            self.show_cycle(refusal.cycle)
            self.document.refused.emit(str(refusal))
            return False
        except EditRefused as refusal:
            self.document.refused.emit(str(refusal))
            return False
        return self.document.push(edit, origin=self)

    def show_cycle(self, cycle: Sequence[str]) -> None:
        """Draw ``cycle`` (``a, b, ..., a``: each depends on the next) in red for a while;
        its first link is the refused new one, drawn dashed."""
        self.clear_cycle()
        scene = self.scene
        for sid in cycle:
            node = scene.nodes.get(sid)
            if node is not None:
                node.in_cycle = True
                node.update()
                self._cycle_items.append(node)
        for i, (user, dep) in enumerate(itertools.pairwise(cycle)):
            key = (dep, user)
            if i > 0 and key in scene.edges:
                edge = scene.edges[key]
                edge.in_cycle = True
                edge.setZValue(1.5)
                edge.update()
                self._cycle_items.append(edge)
            elif i == 0 and dep in scene.nodes and user in scene.nodes:
                proposed = EdgeItem(key, proposed=True)
                tail, head = scene.nodes[dep], scene.nodes[user]
                proposed.set_route(
                    [
                        QPointF(tail.x() + NODE_W, tail.y() + NODE_H / 2),
                        QPointF(head.x() - 1, head.y() + NODE_H / 2),
                    ]
                )
                scene.addItem(proposed)
                self._cycle_items.append(proposed)
        self.scene.overview.update()
        self._cycle_timer.start()

    @property
    def showing_cycle(self) -> bool:
        return bool(self._cycle_items)

    def clear_cycle(self) -> None:
        self._cycle_timer.stop()
        for item in self._cycle_items:
            if isinstance(item, EdgeItem) and item.proposed:
                if item.scene() is not None:
                    self.scene.removeItem(item)
            elif isinstance(item, NodeItem | EdgeItem):
                item.in_cycle = False
                if isinstance(item, EdgeItem):
                    item.setZValue(1 if item.critical else 0)
                item.update()
        if self._cycle_items:
            self.scene.overview.update()
        self._cycle_items = []

    def finish_drag(self, start: dict[str, QPointF]) -> bool:
        """Push one move for the nodes dragged from ``start`` (their press positions)."""
        positions: dict[str, tuple[float, float]] = {}
        for sid, origin in start.items():
            node = self.scene.nodes.get(sid)
            if node is not None and node.pos() != origin:
                positions[sid] = (_tidy(node.x()), _tidy(node.y()))
        if not positions:
            return False
        pushed = self.document.push(MoveItems("service", positions), origin=self)
        if not pushed:  # put the nodes back where the model says they are
            self.rebuild()
        self._update_scene_rect()
        return pushed

    def delete_selected(self) -> bool:
        """Remove the selected dependencies and delete the selected services, as one step."""
        plan = self.document.plan
        nodes = [i.service_id for i in self.scene.selectedItems() if isinstance(i, NodeItem)]
        edges = [i.key for i in self.scene.selectedItems() if isinstance(i, EdgeItem)]
        doomed = set(nodes)
        edges = [key for key in edges if key[0] not in doomed and key[1] not in doomed]
        edits: list[Edit] = []
        if nodes:
            edits.append(delete_items(plan, [("service", sid) for sid in nodes]))
        by_user: dict[str, set[str]] = {}
        for dep, user in edges:
            by_user.setdefault(user, set()).add(dep)
        if len(edges) == 1 and not nodes:
            edits.append(remove_dependency(plan, edges[0][1], edges[0][0]))
        else:
            services = self._unique_services()
            for user, deps in by_user.items():
                # Final values, applied after the deletion (which may drop others).
                kept = [d for d in services[user].depends_on if d not in deps and d not in doomed]
                edits.append(SetFields("service", user, depends_on=kept))
        if not edits:
            return False
        if len(edits) == 1:
            edit = edits[0]
        else:
            parts = []
            if nodes:
                parts.append(f"{len(nodes)} service{'s' if len(nodes) != 1 else ''}")
            if edges:
                parts.append(f"{len(edges)} dependenc{'ies' if len(edges) != 1 else 'y'}")
            edit = Composite("Delete " + " and ".join(parts), edits)
        return self.document.push(edit, origin=self)

    def _layout_follows(self, services: dict[str, Service]) -> bool:
        """The automatic layout may move every node: none was placed by hand."""
        return len(services) <= FOLLOW_LIMIT and all(
            s.x is None and s.y is None for s in services.values()
        )

    def _follow_layout(self, services: dict[str, Service], edges: list[EdgeKey]) -> None:
        """Move every node to a fresh layered layout of the changed graph."""
        self.scene.layout = layered_layout(list(services), edges, PARAMS)
        self._layout_key = graph_signature(list(services), edges)
        self._auto = dict(self.scene.layout.positions)
        for sid, node in self.scene.nodes.items():
            if sid in self._auto:
                node.setPos(*self._auto[sid])
        shown = self.canvas.mapToScene(self.canvas.viewport().rect()).boundingRect()
        if self.isVisible() and not shown.contains(self.nodes_rect()):
            # The graph grew out of sight: show all of it (the user placed nothing, so
            # there is no view of theirs to keep).
            self.fit()

    def relayout(self) -> None:
        """Lay the graph out afresh; clearing the stored positions is one undo step."""
        self.ensure_current()  # the View menu reaches a hidden view too
        services = self._unique_services()
        edges = self._dependency_pairs(services.values())
        key = graph_signature(list(services), edges)
        self.scene.layout = layered_layout(list(services), edges, PARAMS)
        self._layout_key = key
        self._auto = dict(self.scene.layout.positions)
        stored = {
            sid: (None, None) for sid, s in services.items() if s.x is not None or s.y is not None
        }
        if stored:
            label = "Re-layout dependencies"
            self.document.push(MoveItems("service", stored, label=label), origin=self)
        for sid, node in self.scene.nodes.items():
            if sid in services:
                x, y = self._position_of(services[sid])
                node.setPos(x, y)
        self.scene.reroute_all()
        self._update_scene_rect()
        self.fit()

    # ------------------------------------------------------------------ zoom

    def zoom_in(self) -> None:
        self.canvas.zoom_in()

    def zoom_out(self) -> None:
        self.canvas.zoom_out()

    def zoom(self) -> float:
        return self.canvas.zoom

    def set_zoom(self, zoom: float, centre: QPointF | None = None) -> None:
        """Scale to ``zoom`` (1 = 100 %, within the canvas's limits), optionally centred
        on a scene point."""
        self.canvas.set_zoom(zoom)
        if centre is not None:
            self.canvas.centerOn(centre)

    def zoom_changed(self) -> None:
        """The canvas zoomed: far out, the edges are drawn as one path."""
        self.scene.set_overview(self.zoom() < OVERVIEW_ZOOM)

    def nodes_rect(self) -> QRectF:
        """The box around every node (cheaper than asking Qt for every item's bounds)."""
        nodes = self.scene.nodes.values()
        if not nodes:
            return QRectF()
        xs = [n.x() for n in nodes]
        ys = [n.y() for n in nodes]
        return QRectF(min(xs), min(ys), max(xs) - min(xs) + NODE_W, max(ys) - min(ys) + NODE_H)

    def fit(self) -> None:
        """Show every node; never zoom in beyond 100 %."""
        self.canvas.fit_all()

    def _build_shown(self) -> None:
        """The first show of a replaced plan: build it, before the view shows (the
        layered layout of 3,000 services takes about a second)."""
        with collector_paused():  # thousands of items and a layout that all stay
            self.rebuild()

    def showEvent(self, event: QShowEvent) -> None:
        if self.stale:
            self._build_shown()
        super().showEvent(event)
        if not self._fitted:
            self._fitted = True
            self.fit()


def _moves_only(change: Change) -> bool:
    """The change sets service positions (``x``, ``y``) and nothing else."""
    return (
        not change.added
        and not change.removed
        and all(kind == "service" and name in ("x", "y") for kind, _, name in change.changed)
    )


def _tidy(value: float) -> float | int:
    """Whole numbers as int, so the plan file stays tidy."""
    return int(value) if float(value).is_integer() else round(value, 2)


__all__ = ["DependencyView", "EdgeItem", "NodeItem", "hours_minutes"]
