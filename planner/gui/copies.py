"""The data-copies editor: where one service's data lives and how far behind each copy is.

Shown in the Properties dock (its "Data" tab) when one service is selected. A table has
one row per copy (id, kind, lag ``h:mm`` with 0 as "synchronous", the locations by
name); every cell is edited in place and every gesture is one edit of
:mod:`planner.model.edits.copies` through the undo stack:

* Add copy / Remove (or Delete) below the table;
* a location picked from the plan by id or name (with completion) and added to the
  selected copy, or a new copy when none is selected;
* a server, rack, site or domain dragged from the plan tree (or a server from the rack
  view) and dropped on a row is added to that copy; dropped below the rows it makes a
  new copy there.

Text that does not parse, or an edit the plan refuses, is shown under the table (and in
the status bar) and nothing changes. The editor follows ``document.changed`` only for
its service and the names of locations.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QStringListModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.engine import data as data_words
from planner.gui import style
from planner.gui.actions import view_action
from planner.gui.document import PlanDocument
from planner.gui.recovery_controller import RecoveryController
from planner.gui.views.rack import SERVER_MIME  # a server dragged in the rack view
from planner.model.clock import clock, parse_clock
from planner.model.edits import Change, Edit, EditRefused
from planner.model.edits import copies as copy_edits
from planner.model.plan import COPY_KINDS, DataCopy, Service

#: Mime type of locations dragged from the plan tree: a JSON list of ids.
LOCATION_MIME = "application/x-drplanner-locations"

_Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Copy", "Kind", "Lag", "Locations")
COL_ID, COL_KIND, COL_LAG, COL_ON = range(4)
SYNC_TEXTS = ("sync", "synchronous", "0", "0:00")
INVALID_STYLE = f"border: 1px solid {style.INVALID};"


def lag_text(minutes: float) -> str:
    """A copy's lag as the table shows it: "sync" for 0 (synchronous), else ``h:mm``."""
    return "sync" if minutes == 0 else clock(minutes)


def parse_lag(text: str) -> float | int:
    """Minutes from what a person typed in a lag cell; ValueError with a message."""
    cleaned = text.strip().lower()
    if cleaned in SYNC_TEXTS:
        return 0
    try:
        return parse_clock(cleaned)
    except ValueError:
        raise ValueError(
            f"'{text.strip()}' is not a lag: write h:mm (e.g. 0:15, 24:00), minutes, "
            "or 'synchronous'"
        ) from None


def location_ids_from_mime(data: QMimeData) -> list[str]:
    """The location ids a drag carries (the plan tree's list, or a rack view's server)."""
    ids: list[str] = []
    if data.hasFormat(LOCATION_MIME):
        try:
            value = json.loads(bytes(data.data(LOCATION_MIME).data()).decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            value = None
        if isinstance(value, list):
            ids += [v for v in value if isinstance(v, str) and v]
    if data.hasFormat(SERVER_MIME):
        try:
            server = json.loads(bytes(data.data(SERVER_MIME).data()).decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            server = None
        if isinstance(server, dict) and isinstance(server.get("id"), str):
            ids.append(server["id"])
    return list(dict.fromkeys(ids))


def location_mime(ids: list[str]) -> QMimeData:
    """A drag payload of locations (what the plan tree starts)."""
    data = QMimeData()
    data.setData(LOCATION_MIME, json.dumps(ids).encode("utf-8"))
    return data


class CopiesModel(QAbstractTableModel):
    """The copies of the editor's service; ``setData`` pushes one edit per cell."""

    refused = Signal(str)

    def __init__(self, editor: DataCopiesEditor) -> None:
        super().__init__(editor)
        self.editor = editor
        self.copies: list[DataCopy] = []

    def reload(self) -> None:
        service = self.editor.service()
        copies = list(service.data or ()) if service is not None else []
        if [c.id for c in copies] != [c.id for c in self.copies]:
            self.beginResetModel()
            self.copies = copies
            self.endResetModel()
        else:
            self.copies = copies
            if copies:
                self.dataChanged.emit(self.index(0, 0), self.index(len(copies) - 1, COL_ON))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.copies)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                "The copy's id (unique in this service)",
                "primary, replica, backup or offline",
                "How far behind the live data the copy is (h:mm; 0 is synchronous)",
                "Servers, racks, sites or failure domains it lives on: it survives while "
                "any of them is up. Drop items from the plan tree here.",
            )[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsEditable
            | Qt.ItemFlag.ItemIsDropEnabled
        )

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.copies):
            return None
        data_copy = self.copies[index.row()]
        column = index.column()
        plan = self.editor.document.plan
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_ID:
                return data_copy.id
            if column == COL_KIND:
                return data_copy.kind
            if column == COL_LAG:
                return lag_text(data_copy.lag_minutes)
            names = [copy_edits.location_name(plan, i) for i in data_copy.on]
            return ", ".join(names) if names else "(nowhere: drop a location here)"
        if role == Qt.ItemDataRole.EditRole:
            if column == COL_LAG:
                return "0" if data_copy.lag_minutes == 0 else clock(data_copy.lag_minutes)
            if column == COL_ON:
                return ", ".join(data_copy.on)
            return data_copy.id if column == COL_ID else data_copy.kind
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_LAG:
            return f"{data_words.lag_text(data_copy.lag_minutes)} behind the live data"
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_ID:
            return data_words.copy_label(plan, self.editor.service() or "", data_copy)
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_ON:
            lines = [
                f"{copy_edits.location_name(plan, i)} ({copy_edits.location_kind(plan, i) or '?'}"
                f" {i})"
                for i in data_copy.on
            ]
            return "\n".join(lines) or "No location: the copy cannot survive anything"
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_ON:
            unknown = any(copy_edits.location_kind(plan, i) is None for i in data_copy.on)
            if unknown or not data_copy.on:
                return style.color(style.INVALID)
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        service = self.editor.service()
        if service is None or index.row() >= len(self.copies):
            return False
        data_copy = self.copies[index.row()]
        plan = self.editor.document.plan
        text = str(value)
        column = index.column()
        try:
            if column == COL_ID:
                if text.strip() == data_copy.id:
                    return False
                edit: Edit = copy_edits.rename_copy(plan, service.id, data_copy.id, text)
            elif column == COL_KIND:
                if text.strip() == data_copy.kind:
                    return False
                edit = copy_edits.set_copy_kind(plan, service.id, data_copy.id, text.strip())
            elif column == COL_LAG:
                minutes = parse_lag(text)
                if minutes == data_copy.lag_minutes:
                    return False
                edit = copy_edits.set_copy_lag(plan, service.id, data_copy.id, minutes)
            else:
                ids = self.editor.resolve(text)
                if ids == list(data_copy.on):
                    return False
                edit = copy_edits.set_copy_locations(plan, service.id, data_copy.id, ids)
        except (ValueError, EditRefused) as refusal:
            self.refused.emit(f"Copy {data_copy.id}: {refusal}")
            return False
        refusal_text = self.editor.push(edit)
        if refusal_text is not None:
            self.refused.emit(f"Copy {data_copy.id}: {refusal_text}")
            return False
        return True

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [LOCATION_MIME, SERVER_MIME]


class _KindDelegate(QStyledItemDelegate):
    """A combo box for the kind column; the other columns edit as text."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        if index.column() != COL_KIND:
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        combo.addItems(list(COPY_KINDS))
        return combo

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentText(str(index.data(Qt.ItemDataRole.EditRole)))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: Any, index: _Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)


class CopiesTable(QTableView):
    """The copy list; accepts locations dropped from the plan tree or the rack view."""

    dropped = Signal(list, int)  # location ids, the row dropped on (-1: below the rows)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)

    def _accepts(self, event: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> bool:
        if not location_ids_from_mime(event.mimeData()):
            return False
        # A copy when the source offers one (the tree); the rack view's server drag is a
        # move only, and a move here changes nothing where it came from.
        if event.possibleActions() & Qt.DropAction.CopyAction:
            event.setDropAction(Qt.DropAction.CopyAction)
        else:
            event.setDropAction(event.proposedAction())
        return True

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._accepts(event):
            event.accept()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._accepts(event):
            event.accept()
            row = self.indexAt(event.position().toPoint()).row()
            if row >= 0:
                self.selectRow(row)  # where it goes, before the button is let go
            else:
                self.clearSelection()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        if not self._accepts(event):
            event.ignore()
            return
        ids = location_ids_from_mime(event.mimeData())
        event.accept()
        self.dropped.emit(ids, self.indexAt(event.position().toPoint()).row())


class DataCopiesEditor(QWidget):
    """Edits one service's data copies (see the module docstring).

    Public: ``heading``, ``table`` and ``model``, ``add_button`` / ``remove_button``,
    ``location_edit`` / ``location_button``, ``error`` (the line under the table),
    ``message`` (the status bar's callback).
    """

    def __init__(
        self,
        document: PlanDocument,
        recovery: RecoveryController | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.recovery = recovery
        self.message = lambda _text: None
        self.service_id: str | None = None

        column = QVBoxLayout(self)
        column.setContentsMargins(6, 4, 6, 6)
        column.setSpacing(4)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-weight: bold; padding: 2px 0;")
        column.addWidget(self.heading)
        self.hint = QLabel(
            "Where its data lives: drop servers, racks or sites from the plan tree on a copy "
            "(or below the rows for a new copy)."
        )
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {style.MUTED_TEXT};")
        column.addWidget(self.hint)

        self.model = CopiesModel(self)
        self.table = CopiesTable()
        self.table.setObjectName("data-copies")
        self.table.setModel(self.model)
        self.table.setItemDelegate(_KindDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        em = self.fontMetrics().horizontalAdvance("0")
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COL_ID, em * 11)
        header.resizeSection(COL_KIND, em * 7)
        header.resizeSection(COL_LAG, em * 6)
        header.setSectionResizeMode(COL_ON, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(em * 4)
        self.table.dropped.connect(self.drop_locations)
        self.model.refused.connect(self.show_error)
        self.model.modelReset.connect(self._update_buttons)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        column.addWidget(self.table, 1)

        buttons = QHBoxLayout()
        self.add_button = QPushButton("Add &copy")
        self.add_button.setToolTip("Add a copy (the location below, if one is typed)")
        self.add_button.clicked.connect(self.add_copy)
        self.remove_button = QPushButton("Remo&ve")
        self.remove_button.setToolTip("Remove the selected copies (Delete)")
        self.remove_button.clicked.connect(self.remove_selected)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        column.addLayout(buttons)

        picking = QHBoxLayout()
        self.location_edit = QLineEdit()
        self.location_edit.setObjectName("field-copy_location")
        self.location_edit.setPlaceholderText("a server, rack, site or domain")
        self._completions = QStringListModel(self)
        completer = QCompleter(self._completions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.location_edit.setCompleter(completer)
        self.location_edit.returnPressed.connect(self.add_typed_location)
        self.location_edit.textEdited.connect(lambda _t: self.show_error(""))
        self.location_button = QPushButton("&Put it there")
        self.location_button.setToolTip(
            "Add the location to the selected copy (no copy selected: a new copy on it)"
        )
        self.location_button.clicked.connect(self.add_typed_location)
        picking.addWidget(self.location_edit, 1)
        picking.addWidget(self.location_button)
        column.addLayout(picking)

        # What the scenario shown in the Recovery view leaves of these copies.
        self.outcome = QLabel()
        self.outcome.setObjectName("data-outcome")
        self.outcome.setTextFormat(Qt.TextFormat.PlainText)
        self.outcome.setWordWrap(True)
        self.outcome.setVisible(False)
        column.insertWidget(column.indexOf(self.table) + 1, self.outcome)

        self.error = QLabel()
        self.error.setObjectName("error-data")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {style.INVALID};")
        self.error.setVisible(False)
        column.addWidget(self.error)

        self.delete_action = view_action(
            self.table, "Remove data copy", self.remove_selected, [QKeySequence.StandardKey.Delete]
        )
        document.changed.connect(self._plan_changed)
        if recovery is not None:
            recovery.resultChanged.connect(self.show_outcome)
            recovery.busyChanged.connect(self.show_outcome)
        self.set_service(None)

    # ------------------------------------------------------------------ what is edited

    def service(self) -> Service | None:
        return self.document.plan.service(self.service_id) if self.service_id else None

    def set_service(self, service_id: str | None) -> None:
        """Edit this service's copies (None: nothing to edit)."""
        changed = service_id != self.service_id
        self.service_id = service_id
        service = self.service()
        if service is None:
            self.heading.setText("Data copies: select one service")
        else:
            self.heading.setText(f"Data copies of {service.name.strip() or service.id}")
        for widget in (self.table, self.add_button, self.location_edit, self.location_button):
            widget.setEnabled(service is not None)
        if changed:
            self.show_error("")
        self.model.reload()
        self._update_buttons()
        self.show_outcome()

    def show_outcome(self, *_args: object) -> None:
        """One line under the table: what the Recovery view's scenario does to this
        service's data ("every copy was in Pangyo; 0 of 2 copies survive"), in red when
        the data is lost; greyed while the result is being recomputed."""
        recovery, service = self.recovery, self.service()
        result = recovery.result if recovery is not None else None
        row = None
        if result is not None and service is not None:
            row = next((s for s in result.services if s.id == service.id), None)
        if row is None or not row.copies or recovery is None:
            self.outcome.setVisible(False)
            return
        plan = self.document.plan
        scenario = plan.scenario(recovery.scenario_id) if recovery.scenario_id else None
        where = (scenario.name.strip() or scenario.id) if scenario is not None else "Ad hoc"
        sentence = data_words.loss_sentence(plan, result, row)  # type: ignore[arg-type]
        states = ", ".join(f"{c.id} {data_words.copy_state_text(c)}" for c in row.copies)
        self.outcome.setText(f"In {where}: {sentence.partition(': ')[2]} ({states})")
        colour = (
            style.MUTED_TEXT
            if recovery.busy
            else (style.INVALID if row.data_lost or row.meets_rpo is False else style.TEXT)
        )
        weight = "bold" if row.data_lost else "normal"
        self.outcome.setStyleSheet(f"color: {colour}; font-weight: {weight};")
        self.outcome.setVisible(True)

    def _plan_changed(self, change: Change | None, _origin: object = None) -> None:
        if change is None:
            self._completions.setStringList([])
            self.set_service(self.service_id if self.service() is not None else None)
            return
        if change.added or change.removed:
            self._completions.setStringList(self._completion_list() if self.isVisible() else [])
        if self.service_id is not None and self.service() is None:
            self.set_service(None)  # renamed or deleted: the properties dock reselects
            return
        touched = any(k in change.kinds for k in ("server", "rack", "site", "domain"))
        if touched or self.service_id in change.changed_ids("service"):
            self.set_service(self.service_id)

    def _update_buttons(self, *_args: object) -> None:
        self.remove_button.setEnabled(self.service() is not None and bool(self.selected_ids()))

    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.copies[r].id for r in rows if r < len(self.model.copies)]

    def _completion_list(self) -> list[str]:
        return copy_edits.location_ids(self.document.plan)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._completions.stringList():
            self._completions.setStringList(self._completion_list())

    # ------------------------------------------------------------------ gestures

    def push(self, edit: Edit) -> str | None:
        """Push ``edit``; None when done, else why it was refused."""
        refusal = self.document.push_or_refusal(edit, origin=self)
        if refusal is None:
            self.show_error("")
        return refusal

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))
        self.location_edit.setStyleSheet(INVALID_STYLE if text and self._typing() else "")
        if text:
            self.message(text)

    def _typing(self) -> bool:
        return bool(self.location_edit.text().strip())

    def resolve(self, text: str) -> list[str]:
        """Location ids from typed text: ids or names, commas between; a name is taken
        when exactly one item has it. Unknown words are kept (the edit names them)."""
        plan = self.document.plan
        out = []
        for part in [p.strip() for p in text.replace(";", ",").split(",")]:
            if not part:
                continue
            if copy_edits.location_kind(plan, part) is not None:
                out.append(part)
                continue
            named = [
                item.id
                for items in (plan.sites, plan.domains, plan.racks, plan.servers)
                for item in items
                if item.name.strip().casefold() == part.casefold()
            ]
            out.append(named[0] if len(set(named)) == 1 else part)
        return list(dict.fromkeys(out))

    def _run(self, build: Any) -> bool:
        try:
            edit = build()
        except (ValueError, EditRefused) as refusal:
            self.show_error(f"Data copies: {refusal}")
            return False
        refusal = self.push(edit)
        if refusal is not None:
            self.show_error(f"Data copies: {refusal}")
            return False
        return True

    def add_copy(self) -> bool:
        """A new copy (kind from the one before it: the first is the primary), on the
        typed location when there is one."""
        service = self.service()
        if service is None:
            return False
        on = self.resolve(self.location_edit.text())
        kind = "primary" if not service.data else "replica"
        plan = self.document.plan
        if self._run(lambda: copy_edits.add_copy(plan, service.id, on=on, kind=kind)):
            self.location_edit.clear()
            self.table.selectRow(len(self.model.copies) - 1)
            return True
        return False

    def remove_selected(self) -> bool:
        service = self.service()
        ids = self.selected_ids()
        if service is None or not ids:
            return False
        plan = self.document.plan
        return self._run(lambda: copy_edits.remove_copies(plan, service.id, ids))

    def add_typed_location(self) -> bool:
        """The typed location(s) to the selected copy, or a new copy on them."""
        service = self.service()
        ids = self.resolve(self.location_edit.text())
        if service is None:
            return False
        if not ids:
            self.show_error("Data copies: type a server, rack, site or domain first")
            return False
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        row = rows[0] if rows else -1
        if self.drop_locations(ids, row):
            self.location_edit.clear()
            return True
        return False

    def drop_locations(self, ids: list[str], row: int) -> bool:
        """Locations dropped on a copy's row (or -1: below the rows, a new copy)."""
        service = self.service()
        if service is None:
            self.show_error("Data copies: select one service first")
            return False
        plan = self.document.plan
        if 0 <= row < len(self.model.copies):
            copy_id = self.model.copies[row].id
            done = self._run(lambda: copy_edits.add_copy_locations(plan, service.id, copy_id, ids))
            if done:
                self.table.selectRow(row)
            return done
        kind = "primary" if not service.data else "replica"
        if self._run(lambda: copy_edits.add_copy(plan, service.id, on=ids, kind=kind)):
            self.table.selectRow(len(self.model.copies) - 1)
            return True
        return False


__all__ = [
    "LOCATION_MIME",
    "CopiesModel",
    "DataCopiesEditor",
    "lag_text",
    "location_ids_from_mime",
    "location_mime",
    "parse_lag",
]
