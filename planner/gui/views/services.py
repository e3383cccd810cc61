"""The services table and the widget assigning a service to servers.

:class:`ServicesView` lists every service (one row each, no per-row widgets, so 3,000
rows are instant) with a text filter on id, name, team and owner and a tier filter.
Name, tier, RTO, restore and failover times, dependencies, owner and team are edited in
place; each edit is one undo step, and a refused value (text that does not parse, a
dependency cycle) is said on ``document.refused``, outlined red in its cell and spelled
out under the table until fixed. An Add service button (the window's action) and, for
an empty plan, a hint say how to start. The state, recovered time and RTO columns appear when the
chosen scenario has a result. Rows drag out as MIME type
``application/x-drplanner-service`` (the ids, UTF-8, one per line; see
:mod:`planner.gui.models.services_model`), which the floor and rack views may accept
on servers.

:class:`ServiceAssignmentWidget` (for the properties dock) lists the servers a service
runs on, active and standby, and adds or removes them with ``assign_service`` and
``unassign_service``.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    QStringListModel,
    Qt,
)
from PySide6.QtGui import QAction, QColor, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from planner.gui import style
from planner.gui.document import PlanDocument
from planner.gui.models.services_model import (
    COLUMN,
    COLUMNS,
    ERROR_ROLE,
    ID_ROLE,
    RESULT_COLUMNS,
    SERVICE_MIME,
    ServicesModel,
    ServicesProxy,
)
from planner.gui.recovery_controller import RecoveryController
from planner.model import TIERS, Server
from planner.model.edits import Change, EditRefused, assign_service, delete_items, unassign_service

_Index = QModelIndex | QPersistentModelIndex
# Starting widths in font-height units: wide enough for typical values, no measuring
# of 3,000 rows (ResizeToContents would ask every row).
_WIDTHS = {
    "id": 7,
    "name": 14,
    "tier": 2.6,
    "rto": 3.8,
    "restore": 3.8,
    "failover": 3.8,
    "servers": 3.8,
    "depends": 10,
    "needs": 7.5,
    "owner": 8,
    "team": 8.5,
    "state": 6.5,
    "recovered": 5.8,
    "met": 5,
}


class _MarkingDelegate(QStyledItemDelegate):
    """Draws a red border round a cell whose last typed value was refused."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        super().paint(painter, option, index)
        if index.data(ERROR_ROLE):
            painter.save()
            painter.setPen(QPen(QColor(style.INVALID), 2))
            painter.drawRect(option.rect.adjusted(1, 1, -1, -1))
            painter.restore()


class _TierDelegate(_MarkingDelegate):
    """Edits the tier with a list of the allowed tiers."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        combo = QComboBox(parent)
        for tier in TIERS:
            combo.addItem(f"Tier {tier}", tier)
        return combo

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        if isinstance(editor, QComboBox):
            value = index.data(Qt.ItemDataRole.EditRole)
            position = editor.findData(int(value)) if str(value).isdigit() else -1
            editor.setCurrentIndex(max(position, 0))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, str(editor.currentData()), Qt.ItemDataRole.EditRole)


class ServicesView(QWidget):
    """A sortable, filterable table of the plan's services.

    Public: ``model`` (:class:`ServicesModel`), ``proxy`` (:class:`ServicesProxy`),
    ``table``, ``filter_edit``, ``tier_combo``, ``add_button``, ``empty_hint``,
    ``error_label``, ``set_filter(text)``, ``set_tier(tier)``,
    ``select_services(ids)``, ``selected_ids()``. Actions (also in ``actions()``):
    ``find_action`` (Ctrl+F: focus the filter), ``delete_action`` (Delete: delete the
    selected services; active while the table has focus).
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
        self.model = ServicesModel(document, recovery, self)
        self.proxy = ServicesProxy(self)
        self.proxy.setSourceModel(self.model)
        self._syncing = False

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter by id, name, team or owner")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.set_filter)
        self.tier_combo = QComboBox(self)
        self.tier_combo.addItem("All tiers", None)
        for tier in TIERS:
            self.tier_combo.addItem(f"Tier {tier}", tier)
        self.tier_combo.currentIndexChanged.connect(
            lambda _: self.set_tier(self.tier_combo.currentData())
        )
        self.count_label = QLabel(self)
        # The window gives it the Add service action (setDefaultAction).
        self.add_button = QToolButton(self)
        self.add_button.setText("Add service")
        self.add_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 6, 6, 0)
        bar.addWidget(self.add_button)
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.tier_combo)
        bar.addWidget(self.count_label)

        table = QTableView(self)
        self.table = table
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setDragEnabled(True)
        table.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        table.setDefaultDropAction(Qt.DropAction.CopyAction)
        table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        table.setItemDelegate(_MarkingDelegate(table))
        table.setItemDelegateForColumn(COLUMN["tier"], _TierDelegate(table))
        table.verticalHeader().hide()
        rows = table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(round(table.fontMetrics().height() * 1.7))
        header = table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        unit = table.fontMetrics().height()
        for i, column in enumerate(COLUMNS):
            # in font heights; a column added to the field registry gets a middling width
            header.resizeSection(i, round(_WIDTHS.get(column.key, 8) * unit))
        self.empty_hint = QLabel(
            "No services yet. Add one with <b>Add service</b> (Ctrl+Shift+4, also in the "
            "Add menu), then edit it here or in Properties; draw its dependencies in the "
            "Dependencies tab.",
            self,
        )
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setContentsMargins(8, 4, 8, 4)
        self.error_label = QLabel(self)  # why the last value typed into a cell was refused
        self.error_label.setWordWrap(True)
        self.error_label.setContentsMargins(8, 0, 8, 4)
        self.error_label.setStyleSheet(f"color: {style.INVALID};")
        self.error_label.hide()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(4)
        box.addLayout(bar)
        box.addWidget(self.empty_hint)
        box.addWidget(table, 1)
        box.addWidget(self.error_label)

        self.find_action = QAction("&Find service", self)
        self.find_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        self.find_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.find_action.triggered.connect(self._focus_filter)
        self.addAction(self.find_action)
        self.delete_action = QAction("&Delete services", self)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_action.triggered.connect(self.delete_selected)
        table.addAction(self.delete_action)

        table.selectionModel().selectionChanged.connect(self._table_selection_changed)
        self.model.modelReset.connect(self._after_reset)
        self.model.rowsSettled.connect(self._after_reset)  # rows came back: select them
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)
        self.model.errorsChanged.connect(self._show_errors)
        document.selectionChanged.connect(self._document_selection_changed)
        recovery.resultChanged.connect(self._update_result_columns)
        self._update_result_columns()
        self._after_reset()

    def actions(self) -> list[QAction]:
        return [self.find_action, self.delete_action]

    # ------------------------------------------------------------------ filters

    def set_filter(self, text: str) -> None:
        """Show rows whose id, name, team or owner contains ``text`` (any case)."""
        if self.filter_edit.text() != text:
            self.filter_edit.setText(text)  # comes back here through textChanged
            return
        self.proxy.set_text(text)
        self._update_count()

    def set_tier(self, tier: int | None) -> None:
        """Show one tier only (None: all)."""
        position = self.tier_combo.findData(tier) if tier is not None else 0
        if self.tier_combo.currentIndex() != position:
            self.tier_combo.setCurrentIndex(position)  # comes back here
            return
        self.proxy.set_tier(tier)
        self._update_count()

    def _focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def _show_errors(self) -> None:
        errors = list(self.model.errors.values())
        self.error_label.setText(errors[-1] if errors else "")
        self.error_label.setVisible(bool(errors))

    def _update_count(self, *_: object) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.empty_hint.setVisible(total == 0)
        noun = "service" if total == 1 else "services"
        text = f"{total} {noun}" if shown == total else f"{shown} of {total} {noun}"
        self.count_label.setText(text)

    def _update_result_columns(self) -> None:
        hidden = self.recovery.result is None
        for column in RESULT_COLUMNS:
            self.table.setColumnHidden(column, hidden)

    # ------------------------------------------------------------------ selection

    def selected_ids(self) -> list[str]:
        rows = self.table.selectionModel().selectedRows()
        return [str(index.data(ID_ROLE)) for index in sorted(rows, key=lambda i: i.row())]

    def select_services(self, service_ids: list[str]) -> None:
        """Select these services' rows (those shown) and scroll to the first."""
        selection = QItemSelection()
        first: QModelIndex | None = None
        last_column = self.proxy.columnCount() - 1
        for service_id in service_ids:
            row = self.model.row_of(service_id)
            if row < 0:
                continue
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            if not index.isValid():
                continue
            selection.select(index, index.siblingAtColumn(last_column))
            first = first or index
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self._syncing = True
        try:
            self.table.selectionModel().select(selection, flags)
        finally:
            self._syncing = False
        if first is not None:
            self.table.scrollTo(first)

    def _table_selection_changed(self, *_: object) -> None:
        # Rows removed for an edit drop out of the selection; that is not the user
        # choosing, and the document keeps its selection as it would after a reset.
        if not self._syncing and not self.model.restructuring:
            self._syncing = True
            try:
                self.document.select([("service", sid) for sid in self.selected_ids()])
            finally:
                self._syncing = False

    def _document_selection_changed(self, selection: list[tuple[str, str]]) -> None:
        if self._syncing:
            return
        wanted = [item_id for kind, item_id in selection if kind == "service"]
        if wanted != self.selected_ids():
            self.select_services(wanted)

    def _after_reset(self) -> None:
        self._update_count()
        self._document_selection_changed(self.document.selection)

    # ------------------------------------------------------------------ edits

    def delete_selected(self) -> bool:
        """Delete the selected services (dependencies on them go too): one undo step."""
        ids = self.selected_ids()
        if not ids:
            return False
        return self.document.push(delete_items(self.document.plan, [("service", i) for i in ids]))


class ServiceAssignmentWidget(QWidget):
    """The servers a service runs on (active / standby), with add and remove.

    Shows the service given to :meth:`set_service`, or (``follow_selection``) the one
    selected in the document when exactly one service is. Every change is one
    ``assign_service`` / ``unassign_service`` edit.
    """

    def __init__(
        self,
        document: PlanDocument,
        parent: QWidget | None = None,
        follow_selection: bool = True,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.service_id: str | None = None
        self.follow_selection = follow_selection
        self._server_ids: list[str] = []

        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.active_list = QListWidget(self)
        self.standby_list = QListWidget(self)
        for widget in (self.active_list, self.standby_list):
            widget.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
            widget.setMinimumHeight(60)
            widget.itemSelectionChanged.connect(self._update_buttons)
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.setToolTip("Stop running the service on the selected servers")
        self.remove_button.clicked.connect(self._remove_clicked)

        self.server_filter = QLineEdit(self)
        self.server_filter.setPlaceholderText("Find a server (id, name, rack)")
        self.server_filter.setClearButtonEnabled(True)
        self._servers_model = QStringListModel(self)
        self._servers_proxy = QSortFilterProxyModel(self)
        self._servers_proxy.setSourceModel(self._servers_model)
        self._servers_proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.server_filter.textChanged.connect(self._servers_proxy.setFilterFixedString)
        self.server_list = QListView(self)
        self.server_list.setModel(self._servers_proxy)
        self.server_list.setUniformItemSizes(True)
        self.server_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.server_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.server_list.doubleClicked.connect(lambda _: self.add_selected(standby=False))
        self.server_list.selectionModel().selectionChanged.connect(self._update_buttons)
        self.add_active_button = QPushButton("Add as active", self)
        self.add_active_button.clicked.connect(lambda: self.add_selected(standby=False))
        self.add_standby_button = QPushButton("Add as standby", self)
        self.add_standby_button.clicked.connect(lambda: self.add_selected(standby=True))

        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.title)
        box.addWidget(QLabel("Active", self))
        box.addWidget(self.active_list, 1)
        box.addWidget(QLabel("Standby", self))
        box.addWidget(self.standby_list, 1)
        box.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignRight)
        box.addWidget(QLabel("Add servers", self))
        box.addWidget(self.server_filter)
        box.addWidget(self.server_list, 2)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.add_active_button)
        buttons.addWidget(self.add_standby_button)
        box.addLayout(buttons)

        document.changed.connect(self._document_changed)
        document.selectionChanged.connect(self._selection_changed)
        self._fill_servers()
        self._selection_changed(document.selection)
        if self.service_id is None:
            self._fill_assigned()

    # ------------------------------------------------------------------ content

    def set_service(self, service_id: str | None) -> None:
        """Show this service (None: none)."""
        self.service_id = service_id
        self._fill_assigned()

    def _selection_changed(self, selection: list[tuple[str, str]]) -> None:
        if not self.follow_selection:
            return
        services = [item_id for kind, item_id in selection if kind == "service"]
        if len(services) == 1 and services[0] != self.service_id:
            self.set_service(services[0])

    def _document_changed(self, change: Change | None, origin: object = None) -> None:
        # Its own assignments too: the lists show them only once this refills them.
        if change is None or change.kinds & {"server", "rack", "site"}:
            self._fill_servers()
        if self.service_id is not None and self.document.plan.service(self.service_id) is None:
            self.service_id = None
        if (
            change is None
            or change.removed_ids("service")
            or change.added_ids("service")
            or self.service_id in change.changed_ids("service")
            or "server" in change.kinds
        ):
            self._fill_assigned()

    @staticmethod
    def _label(server: Server) -> str:
        """ "name · rack": the name alone when it already shows the id."""
        name = " ".join(server.name.split())
        if not name:
            shown = server.id
        elif server.id in name:
            shown = name
        else:
            shown = f"{name} ({server.id})"
        return f"{shown} · {server.rack}"

    def _fill_servers(self) -> None:
        plan = self.document.plan
        self._server_ids = [server.id for server in plan.servers]
        self._servers_model.setStringList([self._label(server) for server in plan.servers])

    def _fill_assigned(self) -> None:
        service = self.document.plan.service(self.service_id) if self.service_id else None
        for widget, ids in (
            (self.active_list, service.servers if service else []),
            (self.standby_list, service.standby_servers if service else []),
        ):
            widget.clear()
            for server_id in ids:
                server = self.document.plan.server(server_id)
                item = QListWidgetItem(
                    self._label(server) if server is not None else f"{server_id} (missing)"
                )
                item.setData(Qt.ItemDataRole.UserRole, server_id)
                if server is not None:
                    rack = self.document.plan.rack(server.rack)
                    where = f"{rack.name} ({rack.id})" if rack is not None else server.rack
                    item.setToolTip(f"{server.name} ({server.id})\nRack {where}")
                widget.addItem(item)
        if service is None:
            self.title.setText("Select one service to see the servers it runs on.")
        else:
            self.title.setText(f"Servers of <b>{_html(service.name or service.id)}</b>")
        for widget in (
            self.active_list,
            self.standby_list,
            self.server_filter,
            self.server_list,
        ):
            widget.setEnabled(service is not None)
        self._update_buttons()

    def _update_buttons(self, *_: object) -> None:
        has_service = self.service_id is not None
        chosen = bool(self.server_list.selectionModel().selectedRows())
        self.add_active_button.setEnabled(has_service and chosen)
        self.add_standby_button.setEnabled(has_service and chosen)
        self.remove_button.setEnabled(
            has_service
            and bool(self.active_list.selectedItems() or self.standby_list.selectedItems())
        )

    # ------------------------------------------------------------------ edits

    def chosen_servers(self) -> list[str]:
        """Ids of the servers selected in the "add" list."""
        rows = sorted(self.server_list.selectionModel().selectedRows(), key=lambda i: i.row())
        return [self._server_ids[self._servers_proxy.mapToSource(i).row()] for i in rows]

    def add_selected(self, standby: bool = False) -> bool:
        return self.add_servers(self.chosen_servers(), standby=standby)

    def add_servers(self, server_ids: list[str], standby: bool = False) -> bool:
        """Run the service on these servers (one undo step); refusals go to ``refused``."""
        if self.service_id is None or not server_ids:
            return False
        try:
            edit = assign_service(self.document.plan, self.service_id, server_ids, standby)
        except EditRefused as refusal:
            self.document.refused.emit(str(refusal))
            return False
        return self.document.push(edit)

    def _remove_clicked(self) -> None:
        chosen = self.active_list.selectedItems() + self.standby_list.selectedItems()
        self.remove_servers([str(item.data(Qt.ItemDataRole.UserRole)) for item in chosen])

    def remove_servers(self, server_ids: list[str]) -> bool:
        """Stop running the service on these servers (one undo step)."""
        if self.service_id is None or not server_ids:
            return False
        try:
            edit = unassign_service(self.document.plan, self.service_id, server_ids)
        except EditRefused as refusal:
            self.document.refused.emit(str(refusal))
            return False
        return self.document.push(edit)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = ["SERVICE_MIME", "ServiceAssignmentWidget", "ServicesView"]
