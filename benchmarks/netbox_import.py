"""NetBox import benchmark (issue 16).

Run: ``.venv/bin/python benchmarks/netbox_import.py [--repeats N]``. Prints a table:

- the NetBox demo dump (``../shared/data/netbox/netbox-demo-v3.6.json``, dumpdata):
  read and import into an empty plan;
- a generated REST export of 32,000 devices in 1,000 racks
  (:mod:`benchmarks.netbox_export`): read and import into an empty plan (target <= 10 s);
- re-sync of that plan, with services on its servers, after 500 changes in NetBox
  (moves, renames, deletions, additions; target <= 10 s), diff included;

each next to the same run's ``json.loads`` of the same input as text (the least any
import must do) and their ratio. Every time is the best of ``--repeats`` rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.netbox_export import changed, netbox_export
from benchmarks.scale import best_of
from planner.interop.netbox import import_inventory
from planner.interop.netbox_read import from_dumpdata, from_rest
from planner.model.plan import Plan, Service

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DRPLANNER_SHARED", REPO.parent / "shared"))
DEMO = SHARED / "data" / "netbox" / "netbox-demo-v3.6.json"


def _with_services(plan: Plan, count: int = 3000) -> Plan:
    servers = [s.id for s in plan.servers]
    step = max(1, len(servers) // count)
    plan.services = [
        Service(
            f"svc-{i}", f"Service {i}", restore_minutes=30, servers=servers[i * step : i * step + 2]
        )
        for i in range(min(count, len(servers) // step))
    ]
    return plan


def rows(repeats: int) -> list[tuple[str, float, float, str]]:
    out: list[tuple[str, float, float, str]] = []
    demo_text = DEMO.read_text(encoding="utf-8")

    def demo() -> object:
        return import_inventory(Plan(name="demo"), from_dumpdata(json.loads(demo_text)))

    t, ref = best_of(repeats, demo, lambda: json.loads(demo_text))
    out.append(("NetBox demo dump (dumpdata, 72 devices)", t, ref, ""))

    export = netbox_export()
    text = json.dumps(export)
    large = lambda: import_inventory(Plan(name="large"), from_rest(json.loads(text)))  # noqa: E731
    t, ref = best_of(repeats, large, lambda: json.loads(text))
    out.append(("REST export, 32,000 devices, first import", t, ref, "<= 10 s"))

    plan = _with_services(import_inventory(Plan(name="large"), from_rest(export)).plan)
    after_text = json.dumps(changed(export, 500))
    resync: Callable[[], object] = lambda: import_inventory(  # noqa: E731
        plan, from_rest(json.loads(after_text))
    )
    t, ref = best_of(repeats, resync, lambda: json.loads(after_text))
    result = import_inventory(plan, from_rest(json.loads(after_text)))
    note = f"<= 10 s ({result.diff.summary()})"
    out.append(("re-sync after 500 changes, 3,000 services", t, ref, note))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print("| measure | time | json.loads of the input | ratio | target |")
    print("|---|---|---|---|---|")
    for name, t, ref, target in rows(args.repeats):
        print(f"| {name} | {t:.3f} s | {ref:.3f} s | {t / ref:.0f}x | {target} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
