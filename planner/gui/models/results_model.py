"""The per-service recovery results as a Qt table, plus the proxy that sorts and filters it.

The model only translates a :class:`~planner.engine.recovery.RecoveryResult`: one row per
service (plan order until sorted), nothing computed here beyond formatting. It is
read-only (the results follow from the plan; the plan is edited elsewhere).

Sorting is by raw values (:data:`SORT_ROLE`), so "10:00" sorts after "9:30", and is done
by the model itself with one Python ``sorted`` call: a ``QSortFilterProxyModel`` sort
calls ``data()`` for every comparison, which takes half a second on 3,000 rows and would
be paid again on every new result (:mod:`planner.gui.models.sorting`). The proxy
therefore only filters, in C++.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from planner.engine.recovery import (
    OUT_OF_REACH,
    RecoveryResult,
    ServiceRecovery,
    miss_reason_text,
)
from planner.gui import style
from planner.gui.models.sorting import FilterProxy, SortedRowsModel
from planner.model.clock import clock

ID_ROLE = Qt.ItemDataRole.UserRole  # the service id, on every column
SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # a raw value to sort by
AFFECTED_ROLE = Qt.ItemDataRole.UserRole + 2  # "yes" unless the scenario leaves it alone

COLUMNS = (
    "Service",
    "Tier",
    "State",
    "Mode",
    "Earliest",
    "Start",
    "Recovered",
    "RTO",
    "Met?",
    "RPO",
    "Data loss",
)
(
    COL_SERVICE,
    COL_TIER,
    COL_STATE,
    COL_MODE,
    COL_EARLIEST,
    COL_START,
    COL_RECOVERED,
    COL_RTO,
    COL_MET,
    COL_RPO,
    COL_LOSS,
) = range(11)
LOST_TEXT = "lost"  # the data-loss cell of a service whose every copy is destroyed

#: How the table and the timeline name the mode of a task (the engine's Mode).
MODE_TEXT = {"failover": "Failover", "restore": "Restore", "restart": "Restart in place"}
_MODE_ORDER = {"restore": 0, "restart": 1, "failover": 2}

MISS_REASONS = {
    "own": "own restore longer than RTO",
    "path": "chain too long",
    "resources": "too few crews",
}
MISS_EXPLANATIONS = {
    "own": "Its own restore (or failover) alone takes longer than the RTO.",
    "path": "Even with unlimited crews the dependency chain takes longer than the RTO.",
    "resources": "The dependency chain fits the RTO; the pools (crews, streams) are too small.",
}
# States in the order an operator reads them: the worst first when sorting ascending.
_STATE_ORDER = {"restore": 0, "restart": 1, "failover": 2, "dependency": 3, "unaffected": 4}
_Index = QModelIndex | QPersistentModelIndex


def format_minutes(minutes: float | None) -> str:
    """Minutes as ``h:mm`` (5040 -> ``84:00``); None as an em dash."""
    return clock(minutes)


def state_label(state: str) -> str:
    """The palette's label for an engine state ("unaffected" is shown as Up)."""
    return style.STATE_LABELS[style.ENGINE_STATE.get(state, state)]


def state_color(state: str) -> str:
    return style.STATE_COLORS[style.ENGINE_STATE.get(state, state)]


def mode_text(row: ServiceRecovery) -> str:
    """The mode of the service's own task ("Restart in place"), or an em dash."""
    return MODE_TEXT.get(row.mode or "", "—")


def met_text(row: ServiceRecovery) -> str:
    """✓ / ✗ with the reason of a miss / — when the service has no RTO."""
    if row.meets_rto is None:
        return "—"
    if row.meets_rto:
        return "✓"
    return f"✗ {miss_reason_text(row)}".rstrip()


def loss_text(row: ServiceRecovery) -> str:
    """The data-loss cell: "lost" when every copy is destroyed, "none" for a synchronous
    copy left, the lag ``h:mm`` otherwise, an em dash for a service with no copies; a
    missed RPO gets a ✗."""
    if row.data_lost:
        return LOST_TEXT
    if row.data_loss_minutes is None:
        return "—"
    text = "none" if row.data_loss_minutes == 0 else format_minutes(row.data_loss_minutes)
    return f"{text} ✗" if row.meets_rpo is False else text


def release_text(row: ServiceRecovery, names: dict[str, str]) -> str:
    """What a task waits for before it may start: "Power feed P1 back T+30:00" (the item
    named from ``names``, else its id), "declared T+0:40", or "" when it may start at 0."""
    release = row.earliest_start
    if release is None or release <= 0:
        return ""
    if row.released_by:
        name = names.get(row.released_by, row.released_by)
        return f"{name} back T+{format_minutes(release)}"
    return f"declared T+{format_minutes(release)}"


class ResultsModel(SortedRowsModel[ServiceRecovery]):
    """One row per service of the shown result; greyed while that result is stale.

    Sorting (:meth:`sort`) is kept for every later result.
    """

    column_count = len(COLUMNS)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._services: tuple[ServiceRecovery, ...] = ()  # plan order; _rows: display order
        self._critical: frozenset[str] = frozenset()
        self._stale = False
        self._bold = QFont()
        self._bold.setBold(True)
        self._muted = QBrush(QColor(style.MUTED_TEXT))
        self._missed = QBrush(QColor(style.CRITICAL))
        self._met = QBrush(QColor(style.STATE_COLORS["up"]).darker(130))
        self._swatches = {name: QColor(value) for name, value in style.STATE_COLORS.items()}

    # ------------------------------------------------------------------ content

    def set_result(self, result: RecoveryResult | None) -> None:
        """Show ``result`` (None: no rows). One reset: cheap even for 3,000 services."""
        self.beginResetModel()
        self._services = result.services if result is not None else ()
        self._rows = self._ordered(self._services)
        self._critical = frozenset(result.critical_path) if result is not None else frozenset()
        self.endResetModel()

    def set_stale(self, stale: bool) -> None:
        """Grey every cell while the shown result no longer matches the plan."""
        if stale != self._stale:
            self._stale = stale
            if self._rows:
                last = self.index(len(self._rows) - 1, len(COLUMNS) - 1)
                self.dataChanged.emit(self.index(0, 0), last, [Qt.ItemDataRole.ForegroundRole])

    @property
    def stale(self) -> bool:
        return self._stale

    def _unsorted(self) -> tuple[ServiceRecovery, ...]:
        return self._services

    def service_at(self, row: int) -> ServiceRecovery:
        return self._rows[row]

    def row_of(self, service_id: str) -> int:
        """The row of a service, or -1."""
        for row, service in enumerate(self._rows):
            if service.id == service_id:
                return row
        return -1

    def rows_of(self, service_ids: set[str]) -> list[int]:
        return [row for row, service in enumerate(self._rows) if service.id in service_ids]

    # ------------------------------------------------------------------ Qt interface

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return _HEADER_TIPS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == SORT_ROLE:
            return self._sort_value(row, column)
        if role == ID_ROLE:
            return row.id
        if role == AFFECTED_ROLE:
            return "no" if row.state == "unaffected" else "yes"
        if role == Qt.ItemDataRole.ForegroundRole:
            if self._stale:
                return self._muted
            if column == COL_MET and row.meets_rto is not None:
                return self._met if row.meets_rto else self._missed
            if column == COL_RECOVERED and row.meets_rto is False:
                return self._missed
            if column == COL_LOSS and (row.data_lost or row.meets_rpo is False):
                return self._missed
            return None
        if role == Qt.ItemDataRole.FontRole:
            if column == COL_LOSS and row.data_lost:
                return self._bold
            return self._bold if column == COL_SERVICE and row.id in self._critical else None
        if role == Qt.ItemDataRole.DecorationRole and column == COL_STATE:
            return self._swatches[style.ENGINE_STATE.get(row.state, row.state)]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column not in (
            COL_SERVICE,
            COL_STATE,
            COL_MODE,
        ):
            if column == COL_MET:
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    # ------------------------------------------------------------------ cells

    def _display(self, row: ServiceRecovery, column: int) -> str:
        if column == COL_SERVICE:
            return row.name
        if column == COL_TIER:
            return str(row.tier)
        if column == COL_STATE:
            return state_label(row.state)
        if column == COL_MODE:
            return mode_text(row)
        if column == COL_EARLIEST:
            return format_minutes(row.earliest_start)
        if column == COL_START:
            return format_minutes(row.start)
        if column == COL_RECOVERED:
            return format_minutes(row.recovered)
        if column == COL_RTO:
            return format_minutes(row.rto_minutes)
        if column == COL_RPO:
            return format_minutes(row.rpo_minutes)
        if column == COL_LOSS:
            return loss_text(row)
        return met_text(row)

    def _sort_value(self, row: ServiceRecovery, column: int) -> Any:
        if column == COL_SERVICE:
            return row.name.casefold()
        if column == COL_TIER:
            return row.tier
        if column == COL_STATE:
            return _STATE_ORDER.get(row.state, 9)
        if column == COL_MODE:
            return _MODE_ORDER.get(row.mode or "", 9)
        if column == COL_EARLIEST:
            return -1.0 if row.earliest_start is None else float(row.earliest_start)
        if column == COL_START:
            return -1.0 if row.start is None else float(row.start)
        if column == COL_RECOVERED:
            return float(row.recovered)
        if column == COL_RTO:
            return math.inf if row.rto_minutes is None else float(row.rto_minutes)
        if column == COL_RPO:
            return math.inf if row.rpo_minutes is None else float(row.rpo_minutes)
        if column == COL_LOSS:  # lost first (when sorted down: the most loss first)
            if row.data_lost:
                return math.inf
            return -1.0 if row.data_loss_minutes is None else float(row.data_loss_minutes)
        # Misses first (by reason), then met, then no RTO.
        if row.meets_rto is None:
            return 3
        return 2 if row.meets_rto else (0 if row.miss_reason in OUT_OF_REACH else 1)

    def _tooltip(self, row: ServiceRecovery, column: int) -> str | None:
        if column == COL_SERVICE:
            critical = "\nOn the critical path." if row.id in self._critical else ""
            return f"{row.name}\nid: {row.id}{critical}"
        if column == COL_MET and row.meets_rto is False:
            late = format_minutes(row.recovered - (row.rto_minutes or 0))
            reason = MISS_EXPLANATIONS.get(row.miss_reason or "", "")
            return f"Misses its RTO by {late}. {reason}".strip()
        if column == COL_EARLIEST and row.earliest_start is not None:
            return release_text(row, {}) or None
        if column == COL_LOSS and (row.data_lost or row.copies):
            return _copies_tip(row)
        if column == COL_RECOVERED and row.waits_for:
            return "Waits for: " + ", ".join(row.waits_for)
        return None


_COPY_STATES = {"available": "available", "unavailable": "unavailable", "destroyed": "destroyed"}


def _copies_tip(row: ServiceRecovery) -> str:
    """What the scenario leaves of each copy, under the loss in words."""
    if row.data_lost:
        head = "Data lost for good: every copy is destroyed."
    elif row.meets_rpo is False:
        head = (
            f"Loses up to {format_minutes(row.data_loss_minutes)} of writes: more than its "
            f"RPO of {format_minutes(row.rpo_minutes)}."
        )
    elif row.data_loss_minutes == 0:
        head = "Loses no writes: a synchronous copy survives."
    else:
        head = f"Loses up to {format_minutes(row.data_loss_minutes)} of writes."
    lines = [head]
    for state in row.copies:
        until = f" until T+{format_minutes(state.until)}" if state.until is not None else ""
        lines.append(f"{state.id}: {_COPY_STATES.get(state.state, state.state)}{until}")
    if row.restore_from:
        lines.append(f"Restores from {row.restore_from}")
    return "\n".join(lines)


_HEADER_TIPS = (
    "Service name (bold: on the critical path)",
    "Tier (0 is the most critical)",
    "What the service must do in this scenario",
    "How its own task brings it back: failover, restore, or restart in place when its "
    "servers are back",
    "The earliest its task may start: the declaration, or when its servers are back "
    "(h:mm after the incident)",
    "When its own failover, restore or restart starts (h:mm after the incident)",
    "When it is back, its dependencies included (h:mm after the incident)",
    "Recovery time objective",
    "Whether it is back within its RTO; for a miss, why",
    "Recovery point objective: the most writes (h:mm) it may lose",
    "Writes lost: the lag of the freshest copy that survives; lost: every copy destroyed",
)


class ResultsProxy(FilterProxy):
    """Hides the services the scenario leaves untouched, on request; sorting goes to the model.

    The filter is a fixed string matched against :data:`AFFECTED_ROLE` by Qt itself (an
    empty filter accepts every row without asking), so no Python runs per row.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)  # rows only change by a reset, which refilters
        self.setFilterRole(AFFECTED_ROLE)
        self.setFilterKeyColumn(COL_SERVICE)
        self._affected_only = False

    @property
    def affected_only(self) -> bool:
        return self._affected_only

    def set_affected_only(self, affected_only: bool) -> None:
        if affected_only != self._affected_only:
            self._affected_only = affected_only
            self.setFilterFixedString("yes" if affected_only else "")


__all__ = [
    "AFFECTED_ROLE",
    "COLUMNS",
    "ID_ROLE",
    "SORT_ROLE",
    "ResultsModel",
    "ResultsProxy",
    "format_minutes",
    "loss_text",
    "met_text",
    "mode_text",
    "release_text",
    "state_color",
    "state_label",
]
