"""A problem found in a plan, named by the item and field it concerns."""

from __future__ import annotations

from dataclasses import dataclass

from planner.model.text import printable


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
    count: int = 1  # how many problems this line stands for (a summary line: several)

    def __str__(self) -> str:
        # Ids and names come from the plan file: escaped, so that wherever the line is
        # shown (terminal, dialog, log) it cannot repaint the screen or forge a line.
        return printable(self._text())

    def _text(self) -> str:
        if self.kind == "plan":
            where = "plan"
        elif self.item is not None:
            where = f"{self.kind} '{self.item}'"
        elif self.index is None:
            where = f"{self.kind}s"  # a summary of several items
        else:
            where = f"{self.kind} #{self.index + 1}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


# A plan built by a broken script may hold 20,000 problems of one sort; a screenful of
# examples says as much as all of them, and printing all of them takes minutes.
MAX_PER_FIELD = 10


def capped(problems: list[Problem], limit: int = MAX_PER_FIELD) -> list[Problem]:
    """``problems`` with at most ``limit`` lines per kind and field; the rest of each
    sort become one summary line (same kind and field, ``count`` says how many), in the
    place where the first of them was."""
    lines: dict[tuple[str, str | None], int] = {}
    for problem in problems:
        key = (problem.kind, problem.field)
        lines[key] = lines.get(key, 0) + 1
    if all(n <= limit for n in lines.values()):
        return problems
    kept: list[Problem] = []
    listed: dict[tuple[str, str | None], int] = {}
    left_out: dict[tuple[str, str | None], int] = {}
    summaries: dict[tuple[str, str | None], int] = {}  # key -> index of its summary line
    for problem in problems:
        key = (problem.kind, problem.field)
        if listed.get(key, 0) < limit or lines[key] <= limit:
            kept.append(problem)
            listed[key] = listed.get(key, 0) + 1
            continue
        left_out[key] = left_out.get(key, 0) + problem.count
        if key not in summaries:
            summaries[key] = len(kept)
            kept.append(problem)  # a placeholder, replaced below
    for key, where in summaries.items():
        rest = left_out[key]
        more = f"{rest:,} more like the ones above (not listed)"
        kept[where] = Problem(key[0], None, key[1], more, count=rest)
    return kept
