"""The self-sorting table model and its filter-only proxy (planner.gui.models.sorting)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QStringListModel,
    Qt,
)

from planner.gui.models.sorting import FilterProxy, SortedRowsModel

NAME, SIZE = 0, 1
ASC, DESC = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder


@dataclass(eq=False)  # rows are told apart by identity, as plan items are
class Item:
    name: str
    size: int


class Items(SortedRowsModel[Item]):
    column_count = 2

    def __init__(self, items: list[Item]) -> None:
        super().__init__()
        self.items = items  # the unsorted order
        self._rows = self._ordered(items)
        self.data_calls = 0
        self.reordered = 0

    def _unsorted(self) -> list[Item]:
        return self.items

    def _sort_value(self, row: Item, column: int) -> Any:
        return row.name if column == NAME else row.size

    def _rows_reordered(self) -> None:
        self.reordered += 1

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        self.data_calls += 1
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self._rows[index.row()]
        return row.name if index.column() == NAME else str(row.size)


def make_items() -> list[Item]:
    # Sizes tie in pairs, so stability shows: (b 2) before (a 2), (d 1) before (c 1).
    return [Item("b", 2), Item("d", 1), Item("a", 2), Item("c", 1), Item("e", 3)]


def names(model: Items) -> list[str]:
    return [row.name for row in model._rows]


def test_sorting_is_stable_both_ways_and_minus_one_is_the_unsorted_order(qtmodeltester) -> None:
    model = Items(make_items())
    qtmodeltester.check(model)
    model.sort(SIZE, ASC)
    assert names(model) == ["d", "c", "b", "a", "e"]
    model.sort(SIZE, DESC)  # ties keep the unsorted order, not the reverse of it
    assert names(model) == ["e", "b", "a", "d", "c"]
    model.sort(NAME, DESC)
    assert names(model) == ["e", "d", "c", "b", "a"]
    model.sort(-1)
    assert names(model) == ["b", "d", "a", "c", "e"]
    assert (model.sort_column, model.sort_order) == (-1, ASC)
    assert model.reordered == 4


def test_a_sort_is_kept_for_new_rows(qtmodeltester) -> None:
    model = Items(make_items())
    qtmodeltester.check(model)
    model.sort(NAME, ASC)
    model.beginResetModel()
    model.items = [Item("z", 0), *model.items]
    model._rows = model._ordered(model.items)
    model.endResetModel()
    assert names(model) == ["a", "b", "c", "d", "e", "z"]


def test_selection_and_current_follow_their_rows_through_the_proxy(qtmodeltester) -> None:
    model = Items(make_items())
    proxy = FilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    selection = QItemSelectionModel(proxy)
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in (0, 2):  # b and a
        selection.select(proxy.index(row, NAME), flags)
    selection.setCurrentIndex(proxy.index(4, SIZE), QItemSelectionModel.SelectionFlag.NoUpdate)
    held = QPersistentModelIndex(model.index(1, NAME))  # d

    proxy.sort(SIZE, DESC)

    assert names(model) == ["e", "b", "a", "d", "c"]
    selected = sorted(proxy.data(i) for i in selection.selectedRows(NAME))
    assert selected == ["a", "b"]
    current = selection.currentIndex()
    assert (proxy.index(current.row(), NAME).data(), current.column()) == ("e", SIZE)
    assert held.isValid() and held.data() == "d" and held.row() == 3


def test_the_proxy_hands_sort_to_the_model_without_asking_data() -> None:
    """The reason the piece exists: a proxy sort would call data() per comparison."""
    model = Items(make_items())
    proxy = FilterProxy()
    proxy.setSourceModel(model)
    model.data_calls = 0
    proxy.sort(NAME, DESC)
    assert model.data_calls == 0
    assert (model.sort_column, model.sort_order) == (NAME, DESC)
    assert proxy.sortColumn() == -1  # the proxy itself never sorts
    assert [proxy.index(row, NAME).data() for row in range(5)] == ["e", "d", "c", "b", "a"]


def test_the_proxy_filters_and_the_rows_it_keeps_come_sorted(qtmodeltester) -> None:
    model = Items(make_items())
    proxy = FilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    proxy.setFilterKeyColumn(SIZE)
    proxy.setFilterFixedString("2")
    assert [proxy.index(row, NAME).data() for row in range(proxy.rowCount())] == ["b", "a"]
    proxy.sort(NAME, ASC)
    assert [proxy.index(row, NAME).data() for row in range(proxy.rowCount())] == ["a", "b"]


def test_another_source_is_sorted_by_qt() -> None:
    source = QStringListModel(["b", "c", "a"])
    proxy = FilterProxy()
    proxy.setSourceModel(source)
    proxy.sort(0, ASC)
    assert [proxy.index(row, 0).data() for row in range(3)] == ["a", "b", "c"]
    assert source.stringList() == ["b", "c", "a"]
