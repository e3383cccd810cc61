"""Tables of Python objects that sort themselves, and the proxy that only filters them.

Why the model sorts and not the proxy: a ``QSortFilterProxyModel`` sort calls ``data()``
from C++ for every comparison, which takes half a second on 3,000 rows and would be
paid again on every new result and every edit of the sorted column. A
:class:`SortedRowsModel` sorts its rows with one Python ``sort`` on raw values and moves
the persistent indexes (the selection, the current cell) with their rows; a
:class:`FilterProxy` filters (in C++, or in a subclass's ``filterAcceptsRow``) and hands
``sort()`` to the model.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

Row = TypeVar("Row")
_Index = QModelIndex | QPersistentModelIndex


class SortedRowsModel(QAbstractTableModel, Generic[Row]):
    """A flat table with one Python object per row in ``_rows``, in display order.

    A subclass sets ``column_count`` and gives ``_unsorted()`` (its rows in the order
    shown while unsorted: plan order) and ``_sort_value(row, column)`` (the raw value a
    column sorts by). ``sort(column, order)`` is kept for later changes: the subclass
    calls ``_ordered(rows)`` when it replaces its rows and ``_resort()`` when the sorted
    values may have changed. Ties keep the unsorted order (Python's sort is stable, and
    stays so with ``reverse``).
    """

    column_count: ClassVar[int] = 0

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []
        self._sort_column = -1  # -1: unsorted
        self._sort_order = Qt.SortOrder.AscendingOrder

    # ------------------------------------------------------------------ to give

    def _unsorted(self) -> Sequence[Row]:
        """The rows shown, in the order they have while unsorted."""
        raise NotImplementedError

    def _sort_value(self, row: Row, column: int) -> Any:
        """What ``row`` sorts by in ``column``: a raw value, never display text."""
        raise NotImplementedError

    def _rows_reordered(self) -> None:
        """Called after ``_rows`` changed order, before the persistent indexes move:
        rebuild lookups by row here."""

    # ------------------------------------------------------------------ sorting

    @property
    def sort_column(self) -> int:
        return self._sort_column

    @property
    def sort_order(self) -> Qt.SortOrder:
        return self._sort_order

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order rows by ``column`` (-1: unsorted), now and after later changes.

        Ties keep the unsorted order. Persistent indexes (the selection) follow their rows.
        """
        self._sort_column, self._sort_order = column, order
        self._resort()

    def _ordered(self, rows: Iterable[Row]) -> list[Row]:
        """``rows``, given in their unsorted order, in the current sort order."""
        ordered = list(rows)
        column = self._sort_column
        if 0 <= column < self.column_count:
            descending = self._sort_order == Qt.SortOrder.DescendingOrder
            ordered.sort(key=lambda row: self._sort_value(row, column), reverse=descending)
        return ordered

    def _resort(self) -> None:
        """Put the rows in the current sort order again; a layout change, not a reset,
        so the selection and the current cell stay on their rows."""
        if not self._rows:
            return
        self.layoutAboutToBeChanged.emit()
        old_row = {id(row): number for number, row in enumerate(self._rows)}
        self._rows = self._ordered(self._unsorted())
        moved = {old_row[id(row)]: number for number, row in enumerate(self._rows)}
        self._rows_reordered()
        persistent = self.persistentIndexList()
        self.changePersistentIndexList(
            persistent, [self.index(moved[index.row()], index.column()) for index in persistent]
        )
        self.layoutChanged.emit()

    # ------------------------------------------------------------------ Qt interface

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.column_count


class FilterProxy(QSortFilterProxyModel):
    """Filters rows; ``sort()`` goes to a :class:`SortedRowsModel` source, which sorts
    itself (see the module docstring). Any other source is sorted by Qt as usual."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # The model sorts itself; rows are refiltered when they are reset or inserted.
        self.setDynamicSortFilter(False)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        model = self.sourceModel()
        if isinstance(model, SortedRowsModel):
            model.sort(column, order)
        else:
            super().sort(column, order)


__all__ = ["FilterProxy", "SortedRowsModel"]
