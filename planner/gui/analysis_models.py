"""The Analysis tab's tables: rows from a Qt-free :class:`~planner.analysis.Analysis`.

The models only translate (one analysis object per row, in the analysis's own order:
worst first, most severe first). While the analysis shown is out of date, ``stale``
greys every cell: it is never shown as current.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from planner.analysis import Analysis, BlastRadius, Finding
from planner.analysis.components import Components
from planner.analysis.cutsets import Cut, ServiceCuts
from planner.analysis.whatif import WhatIf
from planner.analysis.wording import single_point_sentence
from planner.gui import style
from planner.model.clock import clock
from planner.model.plan import Service
from planner.model.text import printable

Row = TypeVar("Row")
_Index = QModelIndex | QPersistentModelIndex

#: The role holding a row's object (a BlastRadius, a Finding, a WhatIf, a cut-set row).
ROW_ROLE = Qt.ItemDataRole.UserRole + 1

SEVERITY_COLOURS = {
    "critical": "#c62828",
    "high": "#ef6c00",
    "medium": "#f9a825",
    "low": "#90a4ae",
}


class AnalysisRowsModel(QAbstractTableModel, Generic[Row]):
    """A read-only table of ``rows``; a subclass gives ``headers`` and ``text``."""

    headers: ClassVar[tuple[str, ...]] = ()
    numeric: ClassVar[frozenset[int]] = frozenset()  # right-aligned columns
    header_tips: ClassVar[dict[int, str]] = {}

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Row] = []
        self.stale = False

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def set_stale(self, stale: bool) -> None:
        if stale != self.stale:
            self.stale = stale
            if self.rows:
                last = self.index(len(self.rows) - 1, len(self.headers) - 1)
                self.dataChanged.emit(self.index(0, 0), last, [Qt.ItemDataRole.ForegroundRole])

    def text(self, row: Row, column: int) -> str:
        raise NotImplementedError

    def tooltip(self, row: Row, column: int) -> str | None:
        return None

    def background(self, row: Row, column: int) -> QColor | None:
        return None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.header_tips.get(section)
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return printable(self.text(row, column))  # names from the plan: escaped
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = self.tooltip(row, column)
            return printable(tip) if tip else None
        if role == Qt.ItemDataRole.ForegroundRole and self.stale:
            return QColor(style.MUTED_TEXT)
        if role == Qt.ItemDataRole.BackgroundRole:
            return self.background(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ROW_ROLE:
            return row
        return None


def _listed(ids: Sequence[str], limit: int = 12) -> str:
    head = ", ".join(ids[:limit])
    return head + (f", +{len(ids) - limit} more" if len(ids) > limit else "")


class FailuresModel(AnalysisRowsModel[BlastRadius]):
    """Worst single failures: one row per listed component, worst first."""

    headers = (
        "Failure",
        "Kind",
        "Impacted",
        "Restore",
        "Data lost",
        "Recovery",
        "RTO miss",
        "Tier",
    )
    numeric = frozenset({2, 3, 4, 5, 6, 7})

    def text(self, row: BlastRadius, column: int) -> str:
        if column == 0:
            return row.name if row.name else row.id
        if column == 1:
            return f"{row.domain_kind} domain" if row.kind == "domain" else row.kind
        if column == 5:
            return clock(row.recovery_minutes)
        if column == 7:
            return "—" if row.worst_tier is None else str(row.worst_tier)
        counts = {2: row.impacted, 3: row.restore, 4: row.data_lost, 6: row.rto_misses}
        return str(len(counts[column]))

    def tooltip(self, row: BlastRadius, column: int) -> str | None:
        lines = [f"{row.name} ({row.id})" if row.name != row.id else row.id]
        for title, ids in (
            ("impacted", row.impacted),
            ("need a restore", row.restore),
            ("data lost", row.data_lost),
            ("miss their RTO", row.rto_misses),
        ):
            if ids:
                lines.append(f"{title}: {_listed(ids)}")
        return "\n".join(lines)


class FindingsModel(AnalysisRowsModel[Finding]):
    """Findings, most severe first: severity and the finding's sentence."""

    headers = ("Severity", "Finding")

    def text(self, row: Finding, column: int) -> str:
        return row.severity if column == 0 else row.message

    def tooltip(self, row: Finding, column: int) -> str | None:
        kind = row.kind.replace("_", " ")
        return f"{row.severity} · {kind}\n{row.message}\nitems: {_listed(row.ids)}"

    def background(self, row: Finding, column: int) -> QColor | None:
        if column != 0:
            return None
        colour = QColor(SEVERITY_COLOURS.get(row.severity, style.MUTED_TEXT))
        colour.setAlpha(60 if self.stale else 110)
        return colour


class WhatIfModel(AnalysisRowsModel[WhatIf]):
    """What one change buys, most saved first."""

    headers = ("Change", "Scenario", "Before → after", "Saved")
    header_tips: ClassVar[dict[int, str]] = {3: "Time saved on tier 0-1 (their recovery)"}
    numeric = frozenset({2, 3})

    def text(self, row: WhatIf, column: int) -> str:
        if column == 0:
            return row.change
        if column == 1:
            return row.scenario
        if column == 2:
            before, after = clock(row.recovery_minutes_before), clock(row.recovery_minutes_after)
            return f"{before} → {after}"
        return clock(row.saved_critical_minutes)

    def tooltip(self, row: WhatIf, column: int) -> str | None:
        return f"{row.sentence()}\nscenario: {row.scenario_name} ({row.scenario})"


#: One row of the cut-set table: the event, the cut set and why (for an order-1 cut).
CutRow = tuple[str, Cut, str]


def chain_sentence(
    cuts: ServiceCuts, components: Components, services: Mapping[str, Service], component: str
) -> str:
    """Why ``component`` alone forces ``cuts``'s service to a restore: "login ->
    session-cache, which runs only on rack PG-A03 (pg-a03)": the report's sentence for a
    single point of failure, said of this one of its order-1 cut sets."""
    return single_point_sentence(replace(cuts, restore=((component,),)), components, services)


def cut_rows(
    cuts: ServiceCuts, components: Components, services: Mapping[str, Service]
) -> list[CutRow]:
    """The restore cut sets, then the impacted ones (each by size, then ids), with the
    chain sentence for each order-1 restore cut."""
    rows: list[CutRow] = []
    for cut in cuts.restore:
        why = chain_sentence(cuts, components, services, cut[0]) if len(cut) == 1 else ""
        if cut == ():
            why = "needs a restore with nothing failed (too few active instances)"
        rows.append(("restore", cut, why))
    for cut in cuts.impacted:
        rows.append(("impacted", cut, "" if cut else "has a task with nothing failed"))
    return rows


class CutSetsModel(AnalysisRowsModel[CutRow]):
    """The minimal cut sets of one service: event, components, and the chain."""

    headers = ("Event", "Cut set", "Why")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.components: Components | None = None

    def show(
        self,
        analysis: Analysis | None,
        service: Service | None,
        plan_services: Mapping[str, Service],
    ) -> None:
        cuts = analysis.cuts(service.id) if analysis is not None and service is not None else None
        self.components = analysis.components if analysis is not None else None
        if cuts is None or analysis is None:
            self.set_rows([])
            return
        self.set_rows(cut_rows(cuts, analysis.components, plan_services))

    def text(self, row: CutRow, column: int) -> str:
        event, cut, why = row
        if column == 0:
            return event
        if column == 1:
            return " + ".join(cut) if cut else "(nothing)"
        return why

    def tooltip(self, row: CutRow, column: int) -> str | None:
        event, cut, why = row
        label = self.components.label if self.components is not None else str
        names = " + ".join(label(c) for c in cut) if cut else "nothing failed"
        return f"{event}: {names}" + (f"\n{why}" if why else "")

    def background(self, row: CutRow, column: int) -> QColor | None:
        if column == 0 and row[0] == "restore" and len(row[1]) <= 1:
            colour = QColor(SEVERITY_COLOURS["critical"])
            colour.setAlpha(50 if self.stale else 90)
            return colour
        return None


__all__ = [
    "ROW_ROLE",
    "CutSetsModel",
    "FailuresModel",
    "FindingsModel",
    "WhatIfModel",
    "chain_sentence",
    "cut_rows",
]
