"""Render the sample runbook to PNG pages for a look (needs ``pdftoppm``, poppler-utils).

Usage: ``python docs/render_runbook.py [--regenerate] [OUT_DIR] [--dpi N]``. With
``--regenerate`` it first rewrites ``docs/samples/pangyo-fire-runbook.pdf`` from the
example plan (scenario "pangyo-fire", fixed date, with the resilience findings) and
``docs/screenshots/runbook-data.png`` (the first page of the "Data" section, found by its
bookmark, of the runbook of scenario "pangyo-lost", where data is lost for good), then
writes ``page-NN.png`` files to OUT_DIR (default: a ``runbook-pages`` folder in the system's
temporary directory).
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
DATA_PNG = ROOT / "docs" / "screenshots" / "runbook-data.png"
DATA_PNG_DPI = 80  # legible in the README at its width
DATA_SCENARIO = "pangyo-lost"  # the before-fix plan with Pangyo lost for good: data lost


def _example_runbook(scenario: str, out: Path, with_findings: bool = False) -> int:
    from datetime import date

    from planner.analysis import analyze
    from planner.engine.recovery import compute
    from planner.resources import example_plan
    from planner.runbook.export import export_runbook
    from planner.storage import load_plan

    plan, problems = load_plan(example_plan())
    if problems:
        raise SystemExit(f"example plan has problems: {problems}")
    analysis = (
        analyze(plan, as_of=date.fromisoformat(SAMPLE_DATE), check=False) if with_findings else None
    )
    result = compute(plan, scenario)
    return export_runbook(plan, result, out, date=SAMPLE_DATE, analysis=analysis)


def regenerate() -> None:
    pages = _example_runbook("pangyo-fire", SAMPLE, with_findings=True)
    print(f"{SAMPLE}: {pages} pages")


def section_page(pdf: Path, title: str) -> int:
    """The 1-based page where the section ``title`` begins (its outline bookmark)."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    for item in reader.outline:
        if not isinstance(item, list) and item.title == title:
            number = reader.get_destination_page_number(item)
            if number is not None:
                return number + 1
    raise SystemExit(f"{pdf}: no section '{title}' in the outline")


def screenshot_data_page(out: Path = DATA_PNG, scenario: str = DATA_SCENARIO) -> None:
    """The first page of the "Data" section of the example's runbook as a PNG."""
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "runbook.pdf"
        _example_runbook(scenario, pdf)
        _page_png(pdf, section_page(pdf, "Data"), out)


def _page_png(pdf: Path, number: int, out: Path) -> None:
    page = str(number)
    command = ["pdftoppm", "-png", "-r", str(DATA_PNG_DPI), "-f", page, "-l", page]
    subprocess.run([*command, "-singlefile", str(pdf), str(out.with_suffix(""))], check=True)
    print(f"{out}: page {page}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "out", nargs="?", default=str(Path(tempfile.gettempdir()) / "runbook-pages")
    )
    parser.add_argument("--dpi", type=int, default=60)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args(argv)
    if shutil.which("pdftoppm") is None:
        print("pdftoppm not found: apt-get install poppler-utils", file=sys.stderr)
        return 2
    if args.regenerate:
        regenerate()
        screenshot_data_page()
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
