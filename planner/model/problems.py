"""A problem found in a plan, named by the item and field it concerns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a plan: ``kind 'id': field: message`` when printed.

    ``kind`` is the item's kind ("site", "rack", "server", "pool", "service",
    "scenario" or "plan"); ``item`` its id (None for the plan itself or an item
    without a usable id, then ``index`` says which entry of its list it is).
    """

    kind: str
    item: str | None
    field: str | None
    message: str
    index: int | None = None

    def __str__(self) -> str:
        if self.kind == "plan":
            where = "plan"
        elif self.item is not None:
            where = f"{self.kind} '{self.item}'"
        else:
            where = f"{self.kind} #{(self.index or 0) + 1}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )
