"""The plan tree: sites > racks > servers, services, pools, scenarios.

It mirrors the model and is rebuilt from ``document.changed``; servers are filled in
only when their rack is expanded, so a 32,000-server plan opens at once.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem, QWidget

from planner.gui.document import PlanDocument

KEY_ROLE = Qt.ItemDataRole.UserRole
_PLACEHOLDER = ("placeholder", "")
GROUPS = (("site", "Sites"), ("service", "Services"), ("pool", "Pools"), ("scenario", "Scenarios"))


class PlanTree(QTreeWidget):
    """Left-hand outline of the plan; selection is shared with every other view."""

    activated = Signal(str, str)  # kind, id: double-click (the window opens a view for it)

    def __init__(self, document: PlanDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.setHeaderHidden(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setUniformRowHeights(True)
        self._syncing = False
        self._groups: dict[str, QTreeWidgetItem] = {}
        self.itemExpanded.connect(self._fill_rack)
        self.itemSelectionChanged.connect(self._selection_to_document)
        self.itemDoubleClicked.connect(self._double_clicked)
        document.changed.connect(self._plan_changed)
        document.selectionChanged.connect(self._selection_from_document)
        self.rebuild()

    def _plan_changed(self, _change: object, _origin: object = None) -> None:
        self.rebuild()

    def rebuild(self) -> None:
        expanded = self._expanded_keys()
        self._syncing = True
        self.clear()
        plan = self.document.plan
        self._groups = {}
        for kind, title in GROUPS:
            count = len(getattr(plan, f"{kind}s"))
            group = QTreeWidgetItem(self, [f"{title} ({count})"])
            group.setData(0, KEY_ROLE, ("group", kind))
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self._groups[kind] = group
        racks_by_site: dict[str, list] = {}
        for rack in plan.racks:
            racks_by_site.setdefault(rack.site, []).append(rack)
        servers_per_rack: dict[str, int] = {}
        for server in plan.servers:
            servers_per_rack[server.rack] = servers_per_rack.get(server.rack, 0) + 1
        for site in plan.sites:
            site_item = self._leaf(self._groups["site"], "site", site.id, site.name)
            for rack in racks_by_site.get(site.id, []):
                count = servers_per_rack.get(rack.id, 0)
                rack_item = self._leaf(site_item, "rack", rack.id, f"{rack.name}  ({count})")
                if count:
                    placeholder = QTreeWidgetItem(rack_item, ["…"])
                    placeholder.setData(0, KEY_ROLE, _PLACEHOLDER)
        for service in plan.services:
            self._leaf(self._groups["service"], "service", service.id, service.name)
        for pool in plan.pools:
            self._leaf(self._groups["pool"], "pool", pool.id, f"{pool.name}  ×{pool.capacity}")
        for scenario in plan.scenarios:
            self._leaf(self._groups["scenario"], "scenario", scenario.id, scenario.name)
        for group in self._groups.values():
            group.setExpanded(("group", group.data(0, KEY_ROLE)[1]) not in expanded["collapsed"])
        for item in self._all_items():
            if item.data(0, KEY_ROLE) in expanded["open"]:
                item.setExpanded(True)
        self._syncing = False
        self._selection_from_document(self.document.selection)

    def _leaf(self, parent: QTreeWidgetItem, kind: str, item_id: str, text: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [text])
        item.setData(0, KEY_ROLE, (kind, item_id))
        item.setToolTip(0, f"{kind} {item_id}")
        return item

    def _fill_rack(self, item: QTreeWidgetItem) -> None:
        key = item.data(0, KEY_ROLE)
        if not key or key[0] != "rack":
            return
        if item.childCount() == 1 and item.child(0).data(0, KEY_ROLE) == _PLACEHOLDER:
            item.takeChild(0)
            servers = [s for s in self.document.plan.servers if s.rack == key[1]]
            for server in sorted(servers, key=lambda s: -s.position):
                self._leaf(item, "server", server.id, f"U{server.position}  {server.name}")

    def _expanded_keys(self) -> dict[str, set]:
        open_keys, collapsed = set(), set()
        for item in self._all_items():
            key = item.data(0, KEY_ROLE)
            if key and key[0] == "group" and not item.isExpanded():
                collapsed.add(key)
            elif key and item.isExpanded():
                open_keys.add(key)
        return {"open": open_keys, "collapsed": collapsed}

    def _all_items(self) -> list[QTreeWidgetItem]:
        items: list[QTreeWidgetItem] = []
        stack = [self.topLevelItem(i) for i in range(self.topLevelItemCount())]
        while stack:
            item = stack.pop()
            items.append(item)
            stack.extend(item.child(i) for i in range(item.childCount()))
        return items

    def item_for(self, kind: str, item_id: str) -> QTreeWidgetItem | None:
        if kind == "server":
            server = self.document.plan.server(item_id)
            rack = self.item_for("rack", server.rack) if server else None
            if rack is not None:
                self._fill_rack(rack)
        for item in self._all_items():
            if item.data(0, KEY_ROLE) == (kind, item_id):
                return item
        return None

    def _selection_to_document(self) -> None:
        if self._syncing:
            return
        keys = [item.data(0, KEY_ROLE) for item in self.selectedItems()]
        self.document.select([tuple(k) for k in keys if k and k[0] not in ("group", "placeholder")])

    def _selection_from_document(self, selection: list) -> None:
        self._syncing = True
        try:
            self.clearSelection()
            for kind, item_id in selection:
                item = self.item_for(kind, item_id)
                if item is not None:
                    item.setSelected(True)
                    self.scrollToItem(item)
        finally:
            self._syncing = False

    def _double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        key = item.data(0, KEY_ROLE)
        if key and key[0] not in ("group", "placeholder"):
            self.activated.emit(key[0], key[1])
