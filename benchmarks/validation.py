"""Validation at scale: what it adds to ``compute``, and what an edit costs incrementally.

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/validation.py [--rounds N] [--scale K]``.
On the scale plan (``benchmarks/scale_plan.py``, 1x = 32,000 servers, 3,000 services),
interleaved round by round (A B A B ...), medians:

* ``compute(plan, "everything")`` against ``compute(..., check=False)`` (the reference;
  issue 12's target: at most 2x);
* ``validate(plan)`` whole;
* :class:`~planner.model.incremental.IncrementalValidator` ``.update`` after a typical
  edit (rename a service, change a duration, move a server, add and remove a
  dependency) against a full ``validate`` in the same round; each round applies the
  edit, times the update, then reverts it (the revert's update is not timed);
* the GUI thread's share: ``PendingChange.add`` of the edit's change.

:func:`rows` returns the table for ``benchmarks/end_to_end.py``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # runnable as a script: the repository root holds benchmarks
    sys.path.insert(0, str(ROOT))

from benchmarks.scale_plan import scale_plan  # noqa: E402
from benchmarks.timing import interleaved, median  # noqa: E402
from planner.engine.recovery import compute  # noqa: E402
from planner.model import Plan, validate  # noqa: E402
from planner.model.edits import (  # noqa: E402
    Edit,
    PlaceServers,
    RenameId,
    SetFields,
    add_dependency,
    remove_dependency,
)
from planner.model.incremental import IncrementalValidator, PendingChange  # noqa: E402

SCENARIO = "everything"


@dataclass
class Row:
    what: str
    seconds: float
    reference: str
    reference_seconds: float

    @property
    def ratio(self) -> float:
        return self.seconds / self.reference_seconds


def _typical_edits(plan: Plan) -> dict[str, Callable[[], Edit]]:
    """Builders of the typical edits, for the plan as it is each time (reverted after)."""
    last, first = plan.services[-1], plan.services[0]
    server = plan.servers[0]
    free = max(s.top for s in plan.servers if s.rack == server.rack) + 1  # a free unit
    dependency = next(d for d in last.depends_on)
    return {
        "rename a service": lambda: RenameId("service", first.id, first.id + "-renamed"),
        "change a duration": lambda: SetFields("service", last.id, restore_minutes=77),
        "move a server": lambda: PlaceServers({server.id: (server.rack, free)}),
        "add a dependency": lambda: add_dependency(
            plan, last.id, next(s.id for s in plan.services if s.id not in last.depends_on)
        ),
        "remove a dependency": lambda: remove_dependency(plan, last.id, dependency),
    }


def rows(plan: Plan | None = None, rounds: int = 7) -> list[Row]:
    """The table: every row timed against its reference in the same rounds."""
    plan = plan if plan is not None else scale_plan()
    table: list[Row] = []
    checked, bare = interleaved(
        rounds,
        lambda: compute(plan, SCENARIO),
        lambda: compute(plan, SCENARIO, check=False),
    )
    whole, bare_again = interleaved(
        rounds, lambda: validate(plan), lambda: compute(plan, SCENARIO, check=False)
    )
    reference = "compute without validation"
    table.append(Row("compute with validation", median(checked), reference, median(bare)))
    table.append(Row("validate, whole plan", median(whole), reference, median(bare_again)))
    validator = IncrementalValidator()
    validator.update(plan, None)
    for what, build in _typical_edits(plan).items():
        updates: list[float] = []
        adds: list[float] = []
        fulls: list[float] = []
        for _ in range(rounds):
            edit = build()
            change = edit.apply(plan)
            began = time.perf_counter()
            validator.update(plan, change)
            updates.append(time.perf_counter() - began)
            began = time.perf_counter()
            PendingChange().add(change)
            adds.append(time.perf_counter() - began)
            began = time.perf_counter()
            full = validate(plan)
            fulls.append(time.perf_counter() - began)
            assert validator.problems == full  # the benchmark measures a correct update
            validator.update(plan, edit.revert(plan))
        table.append(Row(f"incremental: {what}", median(updates), "validate", median(fulls)))
        table.append(Row(f"GUI thread: note '{what}'", median(adds), "validate", median(fulls)))
    return table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--scale", type=int, default=1, help="racks, services x K")
    args = parser.parse_args()
    k = args.scale
    plan = scale_plan(racks=1000 * k, services=3000 * k, dependencies=8000 * k)
    print(f"{plan.name}, {args.rounds} rounds, medians")
    print("| what | seconds | reference | reference seconds | ratio |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows(plan, args.rounds):
        print(
            f"| {row.what} | {row.seconds:.6f} | {row.reference} | "
            f"{row.reference_seconds:.4f} | {row.ratio:.3f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
