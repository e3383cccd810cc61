"""The plan tree: sites > racks > servers, failure domains, services, pools, scenarios.

It mirrors the model: ``document.changed`` updates only the rows its change names
(rows added, removed, moved to another parent or re-labelled; every other row stays
the same object, with its expansion and selection), and a whole-plan change rebuilds
it. Servers are filled in only when their rack is expanded, so a 32,000-server plan
opens at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem, QWidget

from planner.gui.copies import LOCATION_MIME, location_mime
from planner.gui.document import PlanDocument
from planner.model.edits import Change
from planner.model.edits.change import LISTS
from planner.model.plan import Plan, Rack, Server

KEY_ROLE = Qt.ItemDataRole.UserRole
_PLACEHOLDER = ("placeholder", "")
GROUPS = (
    ("site", "Sites"),
    ("domain", "Domains"),
    ("service", "Services"),
    ("pool", "Pools"),
    ("scenario", "Scenarios"),
)
# The plan's list of each kind of row (domains too, whichever edits know them).
_LISTS = {**LISTS, "domain": "domains"}

Key = tuple[str, str]
_LOCATION_KINDS = ("server", "rack", "site", "domain")  # what may drag out


class PlanTree(QTreeWidget):
    """Left-hand outline of the plan; selection is shared with every other view."""

    activated = Signal(str, str)  # kind, id: double-click (the window opens a view for it)

    def __init__(self, document: PlanDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.setHeaderHidden(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setUniformRowHeights(True)
        # Servers, racks, sites and domains drag out (onto a service's data copies).
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        # True while the tree itself changes which rows are selected (following the
        # document, or rows leaving with an update): Qt reports that as a user's
        # selection, which must not go back to the document.
        self._syncing = False
        self._groups: dict[str, QTreeWidgetItem] = {}
        self._items: dict[Key, QTreeWidgetItem] = {}  # every row but groups and placeholders
        # Some kind repeats an id (a file may; edits never make one): rows cannot be
        # told apart by key, so every change rebuilds until the repeat is gone.
        self._repeated = False
        self._rack_of: dict[str, str] = {}  # server id -> rack id, as counted
        self._rack_counts: Counter[str] = Counter()  # servers per rack id, as labelled
        # During one update: rows taken out (forgotten at its end unless put back
        # elsewhere) and the keys of those that were open (reopened if put back).
        self._detached: list[QTreeWidgetItem] = []
        self._was_open: set[Key] = set()
        self.itemExpanded.connect(self._fill_rack)
        self.itemSelectionChanged.connect(self._selection_to_document)
        self.itemDoubleClicked.connect(self._double_clicked)
        document.changed.connect(self._plan_changed)
        document.selectionChanged.connect(self._selection_from_document)
        self.rebuild()

    def _plan_changed(self, change: Change | None, _origin: object = None) -> None:
        # The tree never edits the plan, so there is no change of its own to skip.
        if change is None or self._repeated or self._repeats(change):
            self.rebuild()
        elif change:
            self._update(change)

    def _repeats(self, change: Change) -> bool:
        """Whether ``change`` added an item whose id another item of its kind still has
        (an undo bringing back one of two items a file repeated): rows cannot be told
        apart by key then, so the tree is rebuilt, as for a plan that repeats ids."""
        plan = self.document.plan
        for kind, item_id in change.added:
            if (kind, item_id) in self._items and kind in _LISTS:
                items = getattr(plan, _LISTS[kind])
                if sum(1 for item in items if item.id == item_id) > 1:
                    return True
        return False

    # ------------------------------------------------------------------ whole tree

    def rebuild(self) -> None:
        expanded = self._expanded_keys()
        self._syncing = True
        self.clear()
        plan = self.document.plan
        self._groups, self._items = {}, {}
        self._repeated = any(
            len({item.id for item in items}) != len(items)
            for items in (getattr(plan, name) for name in _LISTS.values())
        )
        self._rack_of = {server.id: server.rack for server in plan.servers}
        self._rack_counts = Counter(self._rack_of.values())
        for kind, _title in GROUPS:
            group = QTreeWidgetItem(self, [self._group_text(kind)])
            group.setData(0, KEY_ROLE, ("group", kind))
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self._groups[kind] = group
        racks_by_site: dict[str, list[Rack]] = {}
        for rack in plan.racks:
            racks_by_site.setdefault(rack.site, []).append(rack)
        for kind, group in self._groups.items():
            for obj in getattr(plan, _LISTS[kind]):
                group.addChild(self._make(kind, obj))
        for site_item in self._children(self._groups["site"]):
            for rack in racks_by_site.get(site_item.data(0, KEY_ROLE)[1], []):
                rack_item = self._make("rack", rack)
                site_item.addChild(rack_item)
                self._sync_rack(rack_item, None, frozenset(), frozenset())
        for group in self._groups.values():
            group.setExpanded(("group", group.data(0, KEY_ROLE)[1]) not in expanded["collapsed"])
        for item in self._all_items():
            if item.data(0, KEY_ROLE) in expanded["open"]:
                item.setExpanded(True)
        self._syncing = False
        self._selection_from_document(self.document.selection)

    # ------------------------------------------------------------------ one change

    def _update(self, change: Change) -> None:
        """Bring the rows ``change`` names up to date; leave every other row alone."""
        plan = self.document.plan
        kinds = change.kinds
        self._syncing = True
        try:
            new_sites: set[str] = set()
            for kind, _title in GROUPS:
                if kind in kinds:
                    made = self._sync_group(kind, change)
                    if kind == "site":
                        new_sites = made
            counts_changed = self._recount(plan, change) if "server" in kinds else set()
            new_racks = self._sync_sites(plan, change, new_sites)
            self._sync_racks(plan, change, new_racks, counts_changed)
            for key in self._was_open:
                item = self._items.get(key)
                if item is not None and item.treeWidget() is self:
                    item.setExpanded(True)
            for root in self._detached:  # rows that left and did not come back elsewhere
                for item in _subtree(root):
                    key = item.data(0, KEY_ROLE)
                    if self._items.get(key) is item and item.treeWidget() is not self:
                        del self._items[key]
        finally:
            self._detached, self._was_open = [], set()
            self._syncing = False
        self._keep_selection()

    def _sync_group(self, kind: str, change: Change) -> set[str]:
        """Update one group's rows (every item of ``kind``); return the ids of rows made.

        Edits never reorder a plan's list, so after the rows of removed items go, the
        rows left are the plan's items but the added ones, in order: each added item
        goes in at its index in the list, lowest first. Only a change that replaced an
        item by another of the same id (its ``id`` field "changed") is re-listed whole.
        """
        group = self._groups[kind]
        objects = getattr(self.document.plan, _LISTS[kind])
        added, removed = change.added_ids(kind), change.removed_ids(kind)
        changed = change.changed_ids(kind)
        made: set[str] = set()
        replaced = any(name == "id" for k, _, name in change.changed if k == kind)
        quick = not replaced and not any((kind, item_id) in self._items for item_id in added)
        if quick:
            for item_id in removed:
                item = self._items.get((kind, item_id))
                if item is not None and item.parent() is group:
                    self._detach(item)
            for index, obj in enumerate(objects):
                if obj.id in added:
                    group.insertChild(index, self._make(kind, obj))
                    made.add(obj.id)
                elif obj.id in changed and (item := self._items.get((kind, obj.id))):
                    item.setText(0, self._text(kind, obj))
        if not quick or group.childCount() != len(objects):
            made |= self._sync_children(group, kind, objects, change)  # whole: safe, slower
        group.setText(0, self._group_text(kind))
        return made

    def _recount(self, plan: Plan, change: Change) -> set[str]:
        """Follow servers that came, went or changed rack; return the racks whose
        count changed."""
        moved = change.added_ids("server") | change.removed_ids("server")
        moved |= {i for k, i, name in change.changed if k == "server" and name in ("rack", "id")}
        if not moved:
            return set()
        now = {server.id: server.rack for server in plan.servers if server.id in moved}
        recounted: set[str] = set()
        for server_id in moved:
            old = self._rack_of.pop(server_id, None)
            if old is not None:
                self._rack_counts[old] -= 1
                recounted.add(old)
            new = now.get(server_id)
            if new is not None:
                self._rack_of[server_id] = new
                self._rack_counts[new] += 1
                recounted.add(new)
        return recounted

    def _sync_sites(self, plan: Plan, change: Change, new_sites: set[str]) -> set[str]:
        """Re-list the racks of sites that gained or lost one; return racks made anew."""
        sites = set(new_sites)
        if "rack" in change.kinds:
            touched = change.added_ids("rack") | change.removed_ids("rack")
            touched |= change.changed_ids("rack")
            racks = {rack.id: rack for rack in plan.racks}
            for rack_id in touched:
                if rack_id in racks:
                    sites.add(racks[rack_id].site)
                item = self._items.get(("rack", rack_id))
                parent = item.parent() if item is not None else None
                if parent is not None:
                    sites.add(parent.data(0, KEY_ROLE)[1])
        made: set[str] = set()
        if not sites:
            return made
        by_site: dict[str, list[Rack]] = {site_id: [] for site_id in sites}
        for rack in plan.racks:
            if rack.site in by_site:
                by_site[rack.site].append(rack)
        for site_id, racks_here in by_site.items():
            site_item = self._items.get(("site", site_id))
            if site_item is not None and site_item.treeWidget() is self:
                made |= self._sync_children(site_item, "rack", racks_here, change)
        return made

    def _sync_racks(
        self, plan: Plan, change: Change, new_racks: set[str], counts_changed: set[str]
    ) -> None:
        """Relabel and refill the racks whose name, server count or servers changed."""
        racks = set(new_racks) | counts_changed | change.changed_ids("rack")
        racks |= change.added_ids("rack")
        if "server" in change.kinds:
            touched = change.added_ids("server") | change.removed_ids("server")
            touched |= change.changed_ids("server")
            racks |= {self._rack_of[i] for i in touched if i in self._rack_of}
            for server_id in touched:
                item = self._items.get(("server", server_id))
                parent = item.parent() if item is not None else None
                if parent is not None:
                    racks.add(parent.data(0, KEY_ROLE)[1])
        shown = {
            rack_id: item
            for rack_id in racks
            if (item := self._items.get(("rack", rack_id))) is not None
            and item.treeWidget() is self
        }
        if not shown:
            return
        filled = {rack_id for rack_id, item in shown.items() if _is_filled(item)}
        servers: dict[str, list[Server]] = {rack_id: [] for rack_id in filled}
        if filled:
            for server in plan.servers:
                if server.rack in servers:
                    servers[server.rack].append(server)
        rack_of = {rack.id: rack for rack in plan.racks if rack.id in shown}
        added, changed = change.added_ids("server"), change.changed_ids("server")
        for rack_id, item in shown.items():
            if rack_id not in rack_of:  # cannot be: a rack gone from the plan left its site
                continue
            item.setText(0, self._text("rack", rack_of[rack_id]))
            self._sync_rack(item, servers.get(rack_id), added, changed)

    def _sync_rack(
        self,
        item: QTreeWidgetItem,
        servers: Sequence[Server] | None,
        added: frozenset[str],
        changed: frozenset[str],
    ) -> None:
        """A rack's children: none, a placeholder until it opens, or its servers
        (``servers``, given when the rack was already filled) top unit first."""
        count = self._rack_counts[item.data(0, KEY_ROLE)[1]]
        if count == 0:
            for child in self._children(item):
                self._detach(child)
        elif servers is not None and _is_filled(item):
            ordered = sorted(servers, key=lambda s: -s.position)
            self._sync_children(item, "server", ordered, Change(), added, changed)
        elif item.childCount() == 0:
            placeholder = QTreeWidgetItem(item, ["…"])
            placeholder.setData(0, KEY_ROLE, _PLACEHOLDER)
            if item.isExpanded():
                self._fill_rack(item)

    def _sync_children(
        self,
        parent: QTreeWidgetItem,
        kind: str,
        objects: Iterable[Any],
        change: Change,
        added: frozenset[str] | None = None,
        changed: frozenset[str] | None = None,
    ) -> set[str]:
        """Make ``parent``'s children the rows of ``objects`` in order, with as few
        moves as possible: a row is kept (or taken from another parent), relabelled when
        its item was added or changed, made when missing. Returns the ids of the rows
        made."""
        added = change.added_ids(kind) if added is None else added
        changed = change.changed_ids(kind) if changed is None else changed
        relabel = added | changed
        wanted: list[QTreeWidgetItem] = []
        made: set[str] = set()
        for obj in objects:
            item = self._items.get((kind, obj.id))
            if item is None:
                item = self._make(kind, obj)
                made.add(obj.id)
            elif obj.id in relabel and kind != "rack":  # a rack's label needs its count
                item.setText(0, self._text(kind, obj))
            wanted.append(item)
        keep = {id(item) for item in wanted}
        current = self._children(parent)
        for item in current:
            if id(item) not in keep:
                self._detach(item)
        current = [item for item in current if id(item) in keep]
        here = {id(item) for item in current}
        for row, item in enumerate(wanted):
            if row < len(current) and current[row] is item:
                continue
            if id(item) in here:  # further down: move it up
                del current[next(i for i, row in enumerate(current) if row is item)]
                self._detach(item)
            elif item.parent() is not None:  # under another parent (a rack moved)
                self._detach(item)
            parent.insertChild(row, item)
            current.insert(row, item)
            here.add(id(item))
        return made

    def _detach(self, item: QTreeWidgetItem) -> None:
        """Take a row out of the tree, remembering which of its rows were open; it is
        forgotten at the end of the update unless it was put back somewhere."""
        for row in _subtree(item):
            if row.isExpanded():
                self._was_open.add(row.data(0, KEY_ROLE))
        parent = item.parent()
        if parent is not None:
            parent.takeChild(parent.indexOfChild(item))
        self._detached.append(item)

    def _keep_selection(self) -> None:
        """Rows that left or came back with an update: select what the document says."""
        selected = {tuple(item.data(0, KEY_ROLE)) for item in self.selectedItems()}
        if selected != set(self.document.selection):
            self._apply_selection(self.document.selection, scroll=False)

    # ------------------------------------------------------------------ rows

    def _group_text(self, kind: str) -> str:
        title = dict(GROUPS)[kind]
        return f"{title} ({len(getattr(self.document.plan, _LISTS[kind]))})"

    def _text(self, kind: str, obj: Any) -> str:
        if kind == "rack":
            return f"{obj.name}  ({self._rack_counts[obj.id]})"
        if kind == "server":
            return f"U{obj.position}  {obj.name}"
        if kind == "pool":
            return f"{obj.name}  ×{obj.capacity}"
        if kind == "domain":
            return f"{obj.name}  ({obj.kind})"
        return str(obj.name)

    def mimeTypes(self) -> list[str]:
        return [LOCATION_MIME]

    def mimeData(self, items: Sequence[QTreeWidgetItem]) -> QMimeData:
        """The dragged rows that are locations (servers, racks, sites, domains), by id."""
        keys = [item.data(0, KEY_ROLE) for item in items]
        return location_mime([k[1] for k in keys if k and k[0] in _LOCATION_KINDS])

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def _make(self, kind: str, obj: Any) -> QTreeWidgetItem:
        """A new row for ``obj`` (not yet in the tree)."""
        item = QTreeWidgetItem([self._text(kind, obj)])
        item.setData(0, KEY_ROLE, (kind, obj.id))
        if kind not in _LOCATION_KINDS:
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsDragEnabled)
        item.setToolTip(0, f"{kind} {obj.id}")
        if (kind, obj.id) in self._items:
            self._repeated = True  # a file repeating an id: the next change rebuilds
        else:
            self._items[(kind, obj.id)] = item
        return item

    def _fill_rack(self, item: QTreeWidgetItem) -> None:
        key = item.data(0, KEY_ROLE)
        if not key or key[0] != "rack":
            return
        if item.childCount() == 1 and item.child(0).data(0, KEY_ROLE) == _PLACEHOLDER:
            item.takeChild(0)
            servers = [s for s in self.document.plan.servers if s.rack == key[1]]
            for server in sorted(servers, key=lambda s: -s.position):
                item.addChild(self._make("server", server))

    def _expanded_keys(self) -> dict[str, set]:
        open_keys, collapsed = set(), set()
        for item in self._all_items():
            key = item.data(0, KEY_ROLE)
            if key and key[0] == "group" and not item.isExpanded():
                collapsed.add(key)
            elif key and item.isExpanded():
                open_keys.add(key)
        return {"open": open_keys, "collapsed": collapsed}

    @staticmethod
    def _children(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
        return [item.child(i) for i in range(item.childCount())]

    def _all_items(self) -> list[QTreeWidgetItem]:
        items: list[QTreeWidgetItem] = []
        for i in range(self.topLevelItemCount()):
            items += _subtree(self.topLevelItem(i))
        return items

    def item_for(self, kind: str, item_id: str) -> QTreeWidgetItem | None:
        if kind == "server" and ("server", item_id) not in self._items:
            server = self.document.plan.server(item_id)
            rack = self._items.get(("rack", server.rack)) if server else None
            if rack is not None:
                self._fill_rack(rack)
        return self._items.get((kind, item_id))

    # ------------------------------------------------------------------ selection

    def _selection_to_document(self) -> None:
        if self._syncing:
            return
        keys = [item.data(0, KEY_ROLE) for item in self.selectedItems()]
        self.document.select([tuple(k) for k in keys if k and k[0] not in ("group", "placeholder")])

    def _selection_from_document(self, selection: list) -> None:
        self._apply_selection(selection, scroll=True)

    def _apply_selection(self, selection: list, scroll: bool) -> None:
        self._syncing = True
        try:
            self.clearSelection()
            for kind, item_id in selection:
                item = self.item_for(kind, item_id)
                if item is not None and item.treeWidget() is self:
                    item.setSelected(True)
                    if scroll:
                        self.scrollToItem(item)
        finally:
            self._syncing = False

    def _double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        key = item.data(0, KEY_ROLE)
        if key and key[0] not in ("group", "placeholder"):
            self.activated.emit(key[0], key[1])


def _subtree(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    """``item`` and every row under it."""
    rows, stack = [], [item]
    while stack:
        row = stack.pop()
        rows.append(row)
        stack.extend(row.child(i) for i in range(row.childCount()))
    return rows


def _is_filled(rack: QTreeWidgetItem) -> bool:
    """Whether a rack row lists its servers (rather than a placeholder, or nothing)."""
    return rack.childCount() > 0 and rack.child(0).data(0, KEY_ROLE) != _PLACEHOLDER
