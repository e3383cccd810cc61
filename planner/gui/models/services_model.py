"""The plan's services as a Qt table: the model translates, the document edits.

One row per service (plan order until sorted). ``setData`` parses what was typed,
pushes one :class:`~planner.model.edits.SetFields` and returns True; text that does not
parse is refused with a message on ``document.refused`` and nothing changes, and the
cell is marked (``ERROR_ROLE``) until a value is accepted there. Editable inline: the
service fields the field registry gives a column (:mod:`planner.model.fields`: name,
tier, RTO, restore and failover times, depends on, owner, team), parsed and shown by
the registry, as in Properties: durations are ``h:mm`` and accept minutes (``90``),
``h:mm`` (``1:30``) or ``1h30m``, a blank RTO or failover time means none, a tier is
0-3, a name cannot be blank, a cycle of dependencies is refused, naming it.

Sorting is done here with one Python ``sorted`` on raw values: a
``QSortFilterProxyModel`` sort would call ``data()`` from C++ for every comparison
(:mod:`planner.gui.models.sorting`). :class:`ServicesProxy` only filters (text on id,
name, team, owner; tier).

Drag and drop: dragging rows gives MIME type :data:`SERVICE_MIME`
(``application/x-drplanner-service``), whose payload is the dragged service ids as
UTF-8 text, one per line (also offered as ``text/plain``). Read it with
:func:`service_ids_from_mime`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from planner.engine.recovery import OUT_OF_REACH, ServiceRecovery, miss_reason_text
from planner.gui import style
from planner.gui.document import PlanDocument
from planner.gui.models.sorting import FilterProxy, SortedRowsModel
from planner.gui.recovery_controller import RecoveryController
from planner.model import Service, fields
from planner.model.clock import clock, parse_clock
from planner.model.edits import Change, SetFields

SERVICE_MIME = "application/x-drplanner-service"
ID_ROLE = Qt.ItemDataRole.UserRole  # the service id, on every column
SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # the raw value sorting uses
ERROR_ROLE = Qt.ItemDataRole.UserRole + 2  # why the last value typed into the cell was refused
_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    tip: str
    field: str | None = None  # the Service field edited inline, if any
    result: bool = False  # shown only when there is a recovery result


# The table's own columns (not one field edited inline), by their place in the table.
_OWN_COLUMNS: tuple[tuple[int, Column], ...] = (
    (0, Column("id", "Id", "The service's id (references use it)")),
    (6, Column("servers", "Servers", "Active / standby servers it runs on")),
    (8, Column("needs", "Pools needed", "Units of each recovery pool its recovery holds")),
    (100, Column("state", "State", "What it must do in the chosen scenario", result=True)),
    (
        101,
        Column("recovered", "Recovered", "When it is back (h:mm after the incident)", result=True),
    ),
    (102, Column("met", "Met RTO", "Whether it is back within its RTO", result=True)),
)
# Short keys of some field columns (what views and tests call them) and their tips; a
# field without one is keyed by its name and tipped with its description.
_KEYS = {
    "rto_minutes": "rto",
    "restore_minutes": "restore",
    "failover_minutes": "failover",
    "depends_on": "depends",
}
_TIPS = {
    "name": "Service name",
    "tier": "Tier: 0 is the most critical",
    "rto_minutes": "Recovery time objective (h:mm); blank: none",
    "restore_minutes": "Time to restore from backup (h:mm)",
    "failover_minutes": "Time to fail over to a standby (h:mm); blank: no failover",
    "depends_on": "Services that must be up before this one (ids, comma-separated)",
    "owner": "Who owns the service",
    "team": "The team running it",
}


def _field_column(field: fields.Field) -> Column:
    tip = _TIPS.get(field.name) or field.doc or field.label
    return Column(_KEYS.get(field.name, field.name), field.label, tip, field=field.name)


# The service fields with a place in the table (planner.model.fields) are edited inline:
# their titles, parsers and formatters are the registry's, the same as in Properties.
COLUMNS: tuple[Column, ...] = tuple(
    column
    for _, column in sorted(
        [
            *_OWN_COLUMNS,
            *((f.column, _field_column(f)) for f in fields.fields_of("service") if f.column),
        ],
        key=lambda entry: entry[0],
    )
)
COLUMN = {column.key: i for i, column in enumerate(COLUMNS)}
RESULT_COLUMNS = tuple(i for i, column in enumerate(COLUMNS) if column.result)
# field -> the columns that show it (a column shows its field; a few show more than one)
_FIELD_COLUMNS: dict[str, tuple[int, ...]] = {
    "id": (COLUMN["id"],),
    "servers": (COLUMN["servers"],),
    "standby_servers": (COLUMN["servers"],),
    "needs": (COLUMN["needs"],),
    **{c.field: (i,) for i, c in enumerate(COLUMNS) if c.field is not None},
}
_STATE_ORDER = {"restore": 0, "restart": 1, "failover": 2, "dependency": 3, "unaffected": 4}


def format_minutes(minutes: float | None) -> str:
    """Minutes as ``h:mm``; None as an em dash."""
    return clock(minutes)


def parse_minutes(text: str) -> int | float:
    """Minutes from what was typed (see :func:`planner.model.clock.parse_clock`)."""
    return parse_clock(text)


def service_ids_from_mime(mime: QMimeData) -> list[str]:
    """The service ids a :data:`SERVICE_MIME` drag carries ([] for other data)."""
    if not mime.hasFormat(SERVICE_MIME):
        return []
    text = bytes(mime.data(SERVICE_MIME).data()).decode("utf-8")
    return [line for line in text.split("\n") if line]


def state_name(state: str) -> str:
    """The palette's name for an engine state ("unaffected" is "up")."""
    return style.ENGINE_STATE.get(state, state)


class ServicesModel(SortedRowsModel[Service]):
    """One row per service of ``document.plan``; result columns from ``recovery``.

    Sorting (:meth:`sort`; ties keep plan order) is kept across edits.

    A value refused in a cell (it does not parse, or the plan refuses it) marks the
    cell: ``errors`` holds why, ``data(ERROR_ROLE)`` gives it, ``errorsChanged`` tells.
    """

    errorsChanged = Signal()
    column_count = len(COLUMNS)
    # Rows were inserted or removed for a change and the model is consistent again
    # (row_of() and the rest answer for the new rows): views may map ids to rows now.
    rowsSettled = Signal()

    def __init__(
        self,
        document: PlanDocument,
        recovery: RecoveryController | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.recovery = recovery
        self._row_of: dict[str, int] = {}
        self._results: dict[str, ServiceRecovery] = {}
        self._search: list[str] = []  # per row: id, name, team, owner casefolded
        # (service id, column key) -> why the value typed there was refused; a cell
        # keeps its mark until a value is accepted there (or the service goes).
        self.errors: dict[tuple[str, str], str] = {}
        # True while rows are inserted and removed for a change: selection changes Qt
        # makes meanwhile are not the user's.
        self.restructuring = False
        self._muted = QBrush(QColor(style.MUTED_TEXT))
        self._missed = QBrush(QColor(style.INVALID))
        self._met = QBrush(QColor(style.STATE_COLORS["up"]).darker(130))
        self._swatches = {name: QColor(value) for name, value in style.STATE_COLORS.items()}
        document.changed.connect(self._document_changed)
        if recovery is not None:
            recovery.resultChanged.connect(self._result_changed)
            self._take_result()
        self._reset()

    # ------------------------------------------------------------------ content

    def _reset(self) -> None:
        self.beginResetModel()
        self._rows = self._ordered(self.document.plan.services)
        self._reindex()
        self.endResetModel()

    def _reindex(self) -> None:
        self._row_of = {}
        for row, service in enumerate(self._rows):
            self._row_of.setdefault(service.id, row)
        self._search = [self._search_text(s) for s in self._rows]

    @staticmethod
    def _search_text(service: Service) -> str:
        parts = (service.id, service.name, service.team or "", service.owner or "")
        return "\n".join(parts).casefold()

    def _document_changed(self, change: Change | None, origin: object = None) -> None:
        # No skip for the model's own edits (setData): the row must show the value as
        # stored and formatted, and may have to move when the table is sorted.
        if change is None:
            if self.errors:
                self.errors.clear()
                self.errorsChanged.emit()
            self._reset()
            return
        if "service" not in change.kinds:
            return
        replaced = any(kind == "service" and name == "id" for kind, _, name in change.changed)
        if change.added_ids("service") or change.removed_ids("service") or replaced:
            self._insert_and_remove(change)
        ids = change.changed_ids("service")
        if not ids:
            return
        resort = False
        sort_key = COLUMNS[self._sort_column].key if self._sort_column >= 0 else None
        for service_id in ids:
            row = self._row_of.get(service_id)
            if row is None:
                continue
            self._search[row] = self._search_text(self._rows[row])
            fields = change.changed_fields("service", service_id)
            columns = sorted({c for f in fields for c in _FIELD_COLUMNS.get(f, ())})
            if sort_key is not None and self._sort_column in columns:
                resort = True
            if columns:
                self.dataChanged.emit(self.index(row, columns[0]), self.index(row, columns[-1]))
        if resort:
            self._resort()

    def _insert_and_remove(self, change: Change) -> None:
        """Remove the rows of services gone, insert rows for services come.

        Rows hold the plan's service objects, so they are matched by identity, not id:
        a renamed service keeps its row (and its selection); only its cells change.
        New rows go where the order (plan order, or the sort) puts them.
        """
        self.restructuring = True
        try:
            kept = self._remove_and_insert_rows()
        finally:
            self.restructuring = False
        ids = {service.id for service in self.document.plan.services}
        went = [cell for cell in self.errors if cell[0] not in ids]
        for cell in went:
            del self.errors[cell]
        if went:
            self.errorsChanged.emit()  # the marks of services that went go with them
        for service_id in change.added_ids("service"):  # renamed: same row, new id
            row = self._row_of.get(service_id)
            if row is not None and id(self._rows[row]) in kept:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        self.rowsSettled.emit()

    def _remove_and_insert_rows(self) -> set[int]:
        """The rows moves of :meth:`_insert_and_remove`; returns the ``id()`` of the
        services whose rows stayed."""
        services = self.document.plan.services
        alive = {id(service) for service in services}
        gone = [row for row, service in enumerate(self._rows) if id(service) not in alive]
        for first, last in reversed(_runs(gone)):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._rows[first : last + 1]
            del self._search[first : last + 1]
            self.endRemoveRows()
        have = {id(service) for service in self._rows}
        new = [service for service in services if id(service) not in have]
        if new:
            fresh = {id(service) for service in new}
            # _ordered takes rows in plan order: every service is now either kept or new.
            target = self._ordered(services)
            kept = [id(service) for service in target if id(service) not in fresh]
            in_place = kept == [id(service) for service in self._rows]
            at = [row for row, service in enumerate(target) if id(service) in fresh]
            if not in_place:  # rows already here must move too: add at the end, then sort
                at = list(range(len(self._rows), len(self._rows) + len(new)))
                target = self._rows + new
            for first, last in _runs(at):
                self.beginInsertRows(QModelIndex(), first, last)
                self._rows[first:first] = target[first : last + 1]
                self._search[first:first] = [self._search_text(s) for s in target[first : last + 1]]
                self.endInsertRows()
            if not in_place:
                self._resort()
        self._reindex()
        return have

    def _take_result(self) -> None:
        result = self.recovery.result if self.recovery is not None else None
        self._results = {s.id: s for s in result.services} if result is not None else {}

    def _result_changed(self) -> None:
        self._take_result()
        if self._rows:
            first, last = RESULT_COLUMNS[0], RESULT_COLUMNS[-1]
            self.dataChanged.emit(self.index(0, first), self.index(len(self._rows) - 1, last))
        if self._sort_column in RESULT_COLUMNS:
            self._resort()

    @property
    def has_result(self) -> bool:
        return bool(self._results)

    def service_at(self, row: int) -> Service:
        return self._rows[row]

    def row_of(self, service_id: str) -> int:
        """The row of a service, or -1."""
        return self._row_of.get(service_id, -1)

    def matches(self, row: int, needle: str, tier: int | None) -> bool:
        """Whether ``row`` passes a filter: ``needle`` (casefolded) in its id, name,
        team or owner, and its tier equal to ``tier`` unless that is None."""
        if tier is not None and self._rows[row].tier != tier:
            return False
        return not needle or needle in self._search[row]

    # ------------------------------------------------------------------ sorting

    def _unsorted(self) -> list[Service]:
        """The rows in plan order."""
        plan_order = {id(s): i for i, s in enumerate(self.document.plan.services)}
        return sorted(self._rows, key=lambda s: plan_order.get(id(s), 0))

    def _rows_reordered(self) -> None:
        self._reindex()

    def _sort_value(self, service: Service, column: int) -> Any:
        key = COLUMNS[column].key
        if key == "id":
            return service.id.casefold()
        name = COLUMNS[column].field
        if name is not None:  # a registry field: by its raw value, blanks last
            return _field_sort_key(getattr(service, name))
        if key == "servers":
            return (len(service.servers), len(service.standby_servers))
        if key == "needs":
            return (sum(service.needs.values()), ", ".join(service.needs).casefold())
        state = self._results.get(service.id)
        if key == "state":
            return _STATE_ORDER.get(state.state, 9) if state is not None else 10
        if key == "recovered":
            return float(state.recovered) if state is not None else -1.0
        # Met RTO: misses first, then met, then no RTO, then no result.
        if state is None:
            return 4
        if state.meets_rto is None:
            return 3
        return 2 if state.meets_rto else (0 if state.miss_reason in OUT_OF_REACH else 1)

    # ------------------------------------------------------------------ Qt interface

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].title
        if role == Qt.ItemDataRole.ToolTipRole:
            return COLUMNS[section].tip
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        flags = (
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        )
        if COLUMNS[index.column()].field is not None:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        service = self._rows[index.row()]
        key = COLUMNS[index.column()].key
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._display(service, key, edit=role == Qt.ItemDataRole.EditRole)
        if role == ID_ROLE:
            return service.id
        if role == ERROR_ROLE:
            return self.errors.get((service.id, key))
        if role == SORT_ROLE:
            return self._sort_value(service, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and key in (
            "tier",
            "rto",
            "restore",
            "failover",
            "servers",
            "recovered",
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        state = self._results.get(service.id)
        if role == Qt.ItemDataRole.DecorationRole and key == "state" and state is not None:
            return self._swatches[state_name(state.state)]
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "id":
                return self._muted
            if key in ("met", "recovered") and state is not None and state.meets_rto is not None:
                if not state.meets_rto:
                    return self._missed
                return self._met if key == "met" else None
            if key in ("rto", "failover") and self._display(service, key) == "—":
                return self._muted
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.errors.get((service.id, key)) or self._tooltip(service, key, state)
        return None

    def _display(self, service: Service, key: str, edit: bool = False) -> str:
        column = COLUMNS[COLUMN[key]]
        if column.field is not None:
            field = fields.get("service", column.field)
            text = field.format(getattr(service, column.field))
            if not text and not edit and field.type is fields.OPTIONAL_MINUTES:
                return "—"  # no time: a dash that stands out from a blank text
            return text
        if key == "id":
            return service.id
        if key == "servers":
            return f"{len(service.servers)} / {len(service.standby_servers)}"
        if key == "needs":
            return ", ".join(f"{pool} × {units}" for pool, units in service.needs.items())
        state = self._results.get(service.id)
        if state is None:
            return ""
        if key == "state":
            return style.STATE_LABELS[state_name(state.state)]
        if key == "recovered":
            return format_minutes(state.recovered)
        if state.meets_rto is None:
            return "—"
        if state.meets_rto:
            return "✓"
        return {"own": "✗ own", "path": "✗ chain"}.get(state.miss_reason or "", "✗ pools")

    def _tooltip(self, service: Service, key: str, state: ServiceRecovery | None) -> str | None:
        if key in ("id", "name"):
            return f"{service.name}\nid: {service.id}"
        if key == "servers":
            active = ", ".join(service.servers) or "none"
            standby = ", ".join(service.standby_servers) or "none"
            return f"Active: {active}\nStandby: {standby}"
        if key == "depends" and service.depends_on:
            return "Depends on " + ", ".join(service.depends_on)
        if key == "met" and state is not None and state.meets_rto is False:
            if state.miss_reason == "own":
                return f"Its {miss_reason_text(state)}."
            if state.miss_reason == "path":
                return "Even with unlimited crews the dependency chain takes longer than the RTO."
            return "The dependency chain fits the RTO; the pools are too small (or busy)."
        if COLUMNS[COLUMN[key]].field is not None:
            return "Double-click to edit"
        return None

    # ------------------------------------------------------------------ editing

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Parse ``value`` and push one edit; refuse (message, False) what does not parse.

        A refusal marks the cell (``errors``) and says why on ``document.refused``.
        """
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        column = COLUMNS[index.column()]
        if column.field is None:
            return False
        service = self._rows[index.row()]
        what = f"{column.title} of {service.name.strip() or service.id}"
        if str(value if value is not None else "").strip() == self._display(
            service, column.key, edit=True
        ):
            self._mark(index, service.id, column.key, None)
            return True  # the text shown, unchanged (a rounded h:mm stays exact)
        try:
            new = fields.parse("service", column.field, "" if value is None else str(value))
        except fields.ParseError as refusal:
            self._mark(index, service.id, column.key, f"{what}: {refusal}")
            self.document.refused.emit(f"{what}: {refusal}")
            return False
        old = getattr(service, column.field)
        if old == new and type(old) is type(new):
            self._mark(index, service.id, column.key, None)
            return True  # nothing to change: no undo step
        label = f"Set {column.title.lower()} of {service.name.strip() or service.id}"
        refusal_text = self.document.push_or_refusal(
            SetFields("service", service.id, label=label, **{column.field: new})
        )
        if refusal_text is None:
            self._mark(self.index(self.row_of(service.id), index.column()), service.id,
                       column.key, None)  # fmt: skip
            return True
        self._mark(index, service.id, column.key, f"{what}: {refusal_text}")
        return False

    def _mark(self, index: _Index, service_id: str, key: str, error: str | None) -> None:
        """Set or clear the refusal mark of one cell."""
        cell = (service_id, key)
        if error is None and cell not in self.errors:
            return
        if error is None:
            del self.errors[cell]
        else:
            self.errors[cell] = error
        if index.isValid():
            self.dataChanged.emit(index, index)
        self.errorsChanged.emit()

    # ------------------------------------------------------------------ drag

    def mimeTypes(self) -> list[str]:
        return [SERVICE_MIME, "text/plain"]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({index.row() for index in indexes if index.isValid()})
        ids = list(dict.fromkeys(self._rows[row].id for row in rows))
        mime = QMimeData()
        payload = "\n".join(ids)
        mime.setData(SERVICE_MIME, payload.encode("utf-8"))
        mime.setText(payload)
        return mime

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.LinkAction


def _field_sort_key(value: Any) -> tuple[bool, Any]:
    """How a field column sorts: none last, text without case, lists by length, then
    their items; any field the registry gives a column sorts without a case of its own."""
    if value is None:
        return (True, 0)
    if isinstance(value, str):
        return (False, value.casefold())
    if isinstance(value, list):
        return (False, (len(value), ", ".join(map(str, value)).casefold()))
    return (False, float(value))


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as ``(first, last)`` runs of consecutive rows, in order."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


class ServicesProxy(FilterProxy):
    """Filters rows by text and tier; sorting is forwarded to :class:`ServicesModel`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._needle = ""
        self._tier: int | None = None

    def set_text(self, text: str) -> None:
        needle = text.strip().casefold()
        if needle != self._needle:
            self._refilter(needle, self._tier)

    def set_tier(self, tier: int | None) -> None:
        if tier != self._tier:
            self._refilter(self._needle, tier)

    def _refilter(self, needle: str, tier: int | None) -> None:
        # Qt 6.9 brought begin/endFilterChange and deprecated invalidateRowsFilter.
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            self._needle, self._tier = needle, tier
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - PySide6 < 6.9
            self._needle, self._tier = needle, tier
            self.invalidateRowsFilter()

    @property
    def text(self) -> str:
        return self._needle

    @property
    def tier(self) -> int | None:
        return self._tier

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, ServicesModel) or (not self._needle and self._tier is None):
            return True
        return model.matches(source_row, self._needle, self._tier)


__all__ = [
    "COLUMNS",
    "ERROR_ROLE",
    "ID_ROLE",
    "SERVICE_MIME",
    "SORT_ROLE",
    "ServicesModel",
    "ServicesProxy",
    "format_minutes",
    "parse_minutes",
    "service_ids_from_mime",
]
