"""Benchmark: the runbook of the 32,000-server scale plan (scenario "everything").

Run ``python -m benchmarks.runbook [OUT.pdf]``; prints progress, then a Markdown row
with the compute time, the runbook time and the page count (target: runbook <= 60 s).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

# Runnable as a script too: the repository root holds the benchmarks package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.scale_plan import scale_plan
from planner.engine.recovery import compute
from planner.runbook.export import export_runbook

TARGET_SECONDS = 60.0


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else Path(tempfile.gettempdir()) / "scale-runbook.pdf"
    plan = scale_plan()
    started = time.perf_counter()
    result = compute(plan, "everything")
    computed = time.perf_counter() - started
    last = [0.0]

    def progress(done: int, total: int) -> bool:
        now = time.perf_counter()
        if now - last[0] >= 2 or done == total:
            last[0] = now
            print(f"  layout {100 * done / total:5.1f}%", file=sys.stderr, flush=True)
        return True

    started = time.perf_counter()
    pages = export_runbook(plan, result, out, date="2026-01-01", progress=progress)
    seconds = time.perf_counter() - started
    verdict = "met" if seconds <= TARGET_SECONDS else "NOT met"
    print("| plan | steps | compute (s) | runbook (s) | pages | target <= 60 s |")
    print("|---|---|---|---|---|---|")
    print(
        f"| {len(plan.servers)} servers / {len(plan.services)} services | "
        f"{len(result.tasks)} | {computed:.1f} | {seconds:.1f} | {pages} | {verdict} |"
    )
    print(f"written to {out}", file=sys.stderr)
    return 0 if seconds <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
