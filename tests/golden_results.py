"""Every per-service result of the example scenarios and four scale-plan scenarios, as text.

Speed work must not change a single result: ``tests/test_golden_results.py`` computes
these cases and compares them line by line with the files in ``tests/data/golden/``,
written by::

    PYTHONPATH=. .venv/bin/python tests/golden_results.py

and ``... tests/golden_results.py --check-old-fields`` first lists the recorded lines a
rewrite would change other than by adding fields. Rewrite them only when a change of
results is intended (a new engine rule), and say so
in the commit.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import random
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:  # run as a script from a source checkout
    sys.path.insert(0, str(HERE.parent))

from benchmarks.scale_plan import scale_plan  # noqa: E402
from planner.engine.recovery import RecoveryResult, compute  # noqa: E402
from planner.model import Plan, Scenario  # noqa: E402
from planner.storage import load_plan  # noqa: E402

GOLDEN = HERE / "data" / "golden"
EXAMPLES = HERE.parent / "resources" / "examples"
EXAMPLE_FILE = GOLDEN / "examples.jsonl"
SCALE_FILE = GOLDEN / "scale.jsonl.gz"
#: The date failover tests are aged against where a scenario names none: fixed, so that
#: the recorded results do not change with the day they are checked.
AS_OF = date(2026, 3, 1)
#: Fields added with data copies (issue 14); a result recorded before them has none.
DATA_HEAD = ("data_lost", "rpo_misses", "untested_failovers_fail", "as_of")


def result_lines(case: str, result: RecoveryResult) -> Iterator[str]:
    """One line for the scenario as a whole, then one per service with every field."""
    head = {
        "case": case,
        "scenario": result.scenario,
        "failed": list(result.failed),
        "lost_sites": list(result.impact.lost_sites),
        "lost_racks": list(result.impact.lost_racks),
        "lost_servers": list(result.impact.lost_servers),
        "actions": {k: repr(v) for k, v in result.impact.actions.items()},
        "recovery_minutes": result.recovery_minutes,
        "lower_bound_minutes": result.lower_bound_minutes,
        "proven_optimal": result.proven_optimal,
        "method": result.method,
        "objective": result.objective,
        "critical_path": list(result.critical_path),
        "tier_minutes": {str(k): v for k, v in result.tier_minutes.items()},
        "schedules_evaluated": result.schedules_evaluated,
        "lost_domains": list(result.impact.lost_domains),
        "declared_after_minutes": result.declared_after_minutes,
        "returns": result.returns,
        "data_lost": list(result.data_lost),
        "rpo_misses": list(result.rpo_misses),
        "untested_failovers_fail": result.untested_failovers_fail,
        "as_of": result.as_of.isoformat() if result.as_of else None,
    }
    yield json.dumps(head, sort_keys=True, ensure_ascii=False)
    for service in result.services:
        row = dataclasses.asdict(service)
        row["case"] = case
        yield json.dumps(row, sort_keys=True, ensure_ascii=False)


#: The bundled examples as they were before failure domains (issue 13): version-2
#: ``.drplan`` files written by the code of that time, kept so that the answers of a plan
#: without domains or time are held as well as those of today's examples.
V1_EXAMPLES = Path(__file__).parent / "data" / "golden" / "v1-examples"


def example_cases() -> Iterator[tuple[str, RecoveryResult]]:
    paths = [(p, p.name) for p in sorted(EXAMPLES.glob("*.drplan"))]
    paths += [(p, f"v1-examples/{p.name}") for p in sorted(V1_EXAMPLES.glob("*.drplan"))]
    for path, name in paths:
        plan, _ = load_plan(path)
        for scenario in plan.scenarios:
            for objective in ("time", "tiers"):
                case = f"{name} {scenario.id} {objective}"
                yield case, compute(plan, scenario.id, objective=objective, as_of=AS_OF)


def scale_scenarios(plan: Plan) -> list[Scenario]:
    """The scale plan's own scenario and three more: one site, 40 racks, 600 servers."""
    rng = random.Random(7)
    racks = rng.sample([r.id for r in plan.racks], 40)
    servers = rng.sample([s.id for s in plan.servers], 600)
    return [
        *plan.scenarios,
        Scenario("site1", "Site 1 lost", ["site1"]),
        Scenario("racks", "40 racks lost", racks),
        Scenario("servers", "600 servers lost", servers),
    ]


def scale_cases() -> Iterator[tuple[str, RecoveryResult]]:
    plan = scale_plan()
    plan.scenarios = scale_scenarios(plan)
    for scenario in plan.scenarios:
        yield f"scale {scenario.id}", compute(plan, scenario.id, as_of=AS_OF)


def lines_of(cases: Iterator[tuple[str, RecoveryResult]]) -> list[str]:
    return [line for case, result in cases for line in result_lines(case, result)]


def read_lines(path: Path) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as file:
        return file.read().splitlines()


def write_lines(path: Path, lines: list[str]) -> None:
    data = ("\n".join(lines) + "\n").encode("utf-8")
    if path.suffix == ".gz":
        data = gzip.compress(data, mtime=0)
    path.write_bytes(data)


def changed_fields(path: Path, lines: list[str]) -> list[str]:
    """The recorded lines of ``path`` whose recorded fields ``lines`` change: fields a
    newer engine adds are left out, so a rewrite that only adds fields shows none."""
    recorded = read_lines(path)
    if len(recorded) != len(lines):
        return [f"{len(recorded)} lines recorded, {len(lines)} computed"]
    out = []
    for want, got in zip(recorded, lines, strict=True):
        old, new = json.loads(want), json.loads(got)
        if {k: new.get(k) for k in old} != old:
            out.append(f"recorded {want}\ncomputed {got}")
    return out


if __name__ == "__main__" and "--check-old-fields" in sys.argv:
    # Before a rewrite: which recorded results would change other than by new fields.
    for path, cases in ((EXAMPLE_FILE, example_cases), (SCALE_FILE, scale_cases)):
        changes = changed_fields(path, lines_of(cases()))
        print(f"{path.name}: {len(changes)} recorded lines change")
        for change in changes[:5]:
            print(change)
elif __name__ == "__main__":
    GOLDEN.mkdir(exist_ok=True)
    write_lines(EXAMPLE_FILE, lines_of(example_cases()))
    write_lines(SCALE_FILE, lines_of(scale_cases()))
    print(f"wrote {EXAMPLE_FILE} and {SCALE_FILE}")
