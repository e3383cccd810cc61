"""The 2022 replay side by side: what was observed, what the example plan computes.

    .venv/bin/python resources/examples/milestones_table.py [PLAN] [MILESTONES]

computes scenario ``pangyo-fire`` of PLAN (default: ``pangyo.drplan`` beside this file)
and prints a Markdown table with one row per milestone of MILESTONES (default:
``pangyo-2022-milestones.json``): the service, the observed time, the replayed time
(the service's ``recovered``; for ``everything``, the scenario's recovery time), the
difference in per cent of the observed time, and how the replay brings it back. The
table in README.md beside this file is this script's output (a test checks it).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent.parent) not in sys.path:  # run as a script from a source checkout
    sys.path.insert(0, str(HERE.parent.parent))

from planner.engine.recovery import RecoveryResult, compute  # noqa: E402
from planner.model.clock import clock  # noqa: E402
from planner.storage import load_plan  # noqa: E402

PLAN = HERE / "pangyo.drplan"
MILESTONES = HERE / "pangyo-2022-milestones.json"
SCENARIO = "pangyo-fire"
EVERYTHING = "everything"  # the milestone that stands for the scenario's recovery time
TOLERANCE = 0.25  # the replay lands within 25 % of every milestone


@dataclass(frozen=True)
class Row:
    key: str  # a service id, or EVERYTHING
    label: str
    observed: float
    replayed: float
    how: str

    @property
    def difference(self) -> float:
        """(replayed - observed) / observed."""
        return (self.replayed - self.observed) / self.observed


def read_milestones(path: Path = MILESTONES) -> dict[str, dict[str, object]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: expected an object of milestones")
    return data


_MODES = {"failover": "failover to the standby", "restore": "restore elsewhere"}


def _how(result: RecoveryResult, service_id: str) -> str:
    service = next(s for s in result.services if s.id == service_id)
    if service.mode == "restart" and service.released_by is not None:
        back = clock(service.earliest_start)
        return f"restart in place ({service.released_by} back at {back})"
    if service.mode is not None:
        return _MODES.get(service.mode, service.mode)
    return str(service.state)


def rows(result: RecoveryResult, milestones: dict[str, dict[str, object]]) -> list[Row]:
    by_id = {s.id: s for s in result.services}
    out: list[Row] = []
    for key, milestone in milestones.items():
        observed = milestone["observed_minutes"]
        if not isinstance(observed, int | float) or observed <= 0:
            raise ValueError(f"milestone {key!r}: observed_minutes must be a positive number")
        if key == EVERYTHING:
            last = max(result.services, key=lambda s: s.recovered)
            out.append(
                Row(
                    key,
                    "everything (recovery time)",
                    float(observed),
                    result.recovery_minutes,
                    f"last: `{last.id}`, {_how(result, last.id)}",
                )
            )
            continue
        if key not in by_id:
            raise ValueError(f"milestone {key!r}: no such service in the plan")
        service = by_id[key]
        label = f"`{key}` {service.name}"
        out.append(Row(key, label, float(observed), service.recovered, _how(result, key)))
    return out


def markdown(table: list[Row]) -> str:
    lines = [
        "| service | observed | replayed | difference | how the replay brings it back |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for row in table:
        lines.append(
            f"| {row.label} | {clock(row.observed)} | {clock(row.replayed)} "
            f"| {row.difference:+.1%} | {row.how} |"
        )
    return "\n".join(lines) + "\n"


def table_for(plan_path: Path = PLAN, milestones_path: Path = MILESTONES) -> list[Row]:
    plan, problems = load_plan(plan_path)
    if problems:
        raise ValueError(f"{plan_path.name}: {problems[0]}")
    return rows(compute(plan, SCENARIO), read_milestones(milestones_path))


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    plan_path = Path(args[0]) if args else PLAN
    milestones_path = Path(args[1]) if len(args) > 1 else MILESTONES
    sys.stdout.write(markdown(table_for(plan_path, milestones_path)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
