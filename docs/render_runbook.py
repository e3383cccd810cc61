"""Render the sample runbook to PNG pages for a look (needs ``pdftoppm``, poppler-utils).

Usage: ``python docs/render_runbook.py [--regenerate] [OUT_DIR] [--dpi N]``. With
``--regenerate`` it first rewrites ``docs/samples/pangyo-fire-runbook.pdf`` from the
example plan (scenario "pangyo-fire", fixed date), then writes ``page-NN.png`` files
to OUT_DIR (default: a ``runbook-pages`` folder in the system's temporary directory).
A script for people, not a test.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "docs" / "samples" / "pangyo-fire-runbook.pdf"
SAMPLE_DATE = "2026-01-01"


def regenerate() -> None:
    from planner.engine.recovery import compute
    from planner.resources import example_plan
    from planner.runbook.export import export_runbook
    from planner.storage import load_plan

    plan, problems = load_plan(example_plan())
    if problems:
        raise SystemExit(f"example plan has problems: {problems}")
    result = compute(plan, "pangyo-fire")
    pages = export_runbook(plan, result, SAMPLE, date=SAMPLE_DATE)
    print(f"{SAMPLE}: {pages} pages")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "out", nargs="?", default=str(Path(tempfile.gettempdir()) / "runbook-pages")
    )
    parser.add_argument("--dpi", type=int, default=60)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args(argv)
    if args.regenerate:
        regenerate()
    if shutil.which("pdftoppm") is None:
        print("pdftoppm not found: apt-get install poppler-utils", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(args.dpi), str(SAMPLE), str(out / "page")], check=True
    )
    for png in sorted(out.glob("page-*.png")):
        print(png)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
