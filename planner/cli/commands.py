"""The ``drplanner`` subcommands; each returns an exit status.

Every line they print goes through :mod:`planner.cli.output`, which escapes the control
characters a plan or an argument may hold.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
from collections.abc import Iterator
from pathlib import Path

from planner.cli.output import (
    UsageError,
    not_a_plain_file,
    say,
    shown,
    unicode_out,
    warn,
    write_out,
)
from planner.model import Plan, Problem
from planner.model import validate as validate_plan
from planner.model.text import printable
from planner.storage import PlanFileError, load_plan, save_plan

EXIT_OK, EXIT_INVALID = 0, 2
MAX_PROBLEM_LINES = 20  # compute, export and convert; 'validate' lists every problem


# One entry per command running: whether the collector was on when it started, and
# whether the command froze the heap (see plan_left_out_of_collection).
_collection: list[list[bool]] = []


@contextlib.contextmanager
def plan_left_out_of_collection() -> Iterator[None]:
    """Around a command: the plan it reads (:func:`_read`) is never walked by the cyclic
    garbage collector, which is paused until the plan is read and then sees only what
    is allocated after it.

    The plan lives until the command ends anyway, and a collection of the oldest
    generation walks every object alive (at 10x, each walk costs a third of a second,
    and reading and computing would start several). The collector is left as found.
    """
    enabled = gc.isenabled()
    gc.disable()
    _collection.append([enabled, False])
    try:
        yield
    finally:
        enabled, froze = _collection.pop()
        if froze:
            gc.unfreeze()
        if enabled:
            gc.enable()


def _read(source: str | Path) -> tuple[Plan, list[Problem]]:
    plan, problems = load_plan(source)
    if _collection and not _collection[-1][1]:
        state = _collection[-1]
        if gc.get_freeze_count() == 0:  # nobody else's frozen objects to disturb
            gc.freeze()  # O(1): the plan joins the permanent generation unwalked
            state[1] = True
        if state[0]:
            gc.enable()
    return plan, problems


def _describe(plan: Plan) -> str:
    parts = [
        (len(plan.sites), "site"),
        (len(plan.racks), "rack"),
        (len(plan.servers), "server"),
        (len(plan.services), "service"),
        (len(plan.pools), "pool"),
        (len(plan.scenarios), "scenario"),
    ]
    return ", ".join(f"{n} {word}{'' if n == 1 else 's'}" for n, word in parts)


def _plan_argument(text: str, what: str = "PLAN") -> Path:
    """A plan named on the command line: a file name, not empty, not '-'."""
    if not text:
        raise UsageError(f"{what} is an empty name; give a plan file")
    if text == "-":
        raise UsageError(f"{what} '-': plans are read from a file, not from standard input")
    return _file_name(text, what)


def _file_name(text: str, what: str) -> Path:
    if "\0" in text:  # no file name holds one; the OS calls would raise ValueError
        raise UsageError(f"{what} '{text}': a file name cannot hold a NUL character")
    return Path(text)


def _report(source: str | Path, lines: list[str], cap: int | None = MAX_PROBLEM_LINES) -> None:
    """One line per problem on stderr, each naming ``source``; at most ``cap`` of them."""
    shown_lines = lines if cap is None else lines[:cap]
    for line in shown_lines:
        warn(f"{shown(source)}: {line}")
    if len(lines) > len(shown_lines):
        warn(
            f"{shown(source)}: ... and {len(lines) - len(shown_lines)} more; "
            f"'drplanner validate {shown(source)}' lists every problem"
        )


def _same_file(first: Path, second: Path) -> bool:
    # realpath, unlike Path.resolve, does not raise on a symlink loop (the reader then
    # refuses the loop in one line).
    if os.path.realpath(first) == os.path.realpath(second):
        return True
    return first.exists() and second.exists() and os.path.samefile(first, second)


def _check_output(source: Path, output: Path) -> bool:
    """Refuse an output that would destroy the plan being read or something that is not
    a plain file; return whether an existing file will be replaced."""
    if _same_file(source, output):
        raise UsageError(
            f"{shown(output)}: is the plan being read ({shown(source)}); give another output name"
        )
    kind = not_a_plain_file(output)
    if kind is not None:
        raise UsageError(f"{shown(output)}: is {kind}, not a file to write; give a file name")
    return output.exists()


def _replaced(output: Path) -> None:
    warn(f"drplanner: replaced the existing file {shown(output)}")


def validate(args: argparse.Namespace) -> int:
    source = _plan_argument(args.plan)
    plan, problems = _read(source)
    problems = problems + validate_plan(plan)
    _report(args.plan, [str(p) for p in problems], cap=None)
    if problems:
        count = len(problems)
        warn(f"{shown(args.plan)}: {count} problem{'s' if count != 1 else ''}")
        return EXIT_INVALID
    say(f"{shown(args.plan)}: valid plan '{plan.name}' ({_describe(plan)})")
    return EXIT_OK


def convert(args: argparse.Namespace) -> int:
    source = _plan_argument(args.input, "IN")
    if not args.output:
        raise UsageError("OUT is an empty name; give a .json or .drplan file name")
    output = _file_name(args.output, "OUT")
    if output.suffix.lower() not in (".json", ".drplan"):
        raise PlanFileError(output, "the output name must end in .json or .drplan")
    replacing = _check_output(source, output)
    plan, problems = _read(source)
    if problems:
        _report(args.input, [str(p) for p in problems])
        return EXIT_INVALID
    save_plan(plan, output)
    if replacing:
        _replaced(output)
    remaining = validate_plan(plan)
    if remaining:
        warn(
            f"{shown(output)}: written, but the plan has {len(remaining)} problem(s); "
            f"'drplanner validate {shown(output)}' lists them"
        )
    return EXIT_OK


def compute(args: argparse.Namespace) -> int:
    from planner.cli.report import result_to_json_text, result_to_text
    from planner.engine.exact import ExactUnavailable
    from planner.engine.impact import ScenarioError
    from planner.engine.recovery import compute as compute_recovery

    if args.scenario is None and not args.fail:
        warn("drplanner compute: give --scenario ID or --fail ID")
        return EXIT_INVALID
    plan, problems = _read(_plan_argument(args.plan))
    if problems:
        _report(args.plan, [str(p) for p in problems])
        return EXIT_INVALID
    try:
        result = compute_recovery(
            plan,
            scenario_id=args.scenario,
            failed=args.fail,
            objective=args.objective,
            exact_seconds=args.exact,
            as_of=args.as_of,
        )
    except ScenarioError as error:
        _report(args.plan, error.lines)
        return EXIT_INVALID
    except (ExactUnavailable, ImportError) as error:
        # Only the optional exact mode imports lazily; say plainly what is missing.
        warn(f"drplanner compute: {error}")
        return EXIT_INVALID
    if args.format == "json":
        write_out(result_to_json_text(result, ascii_only=not unicode_out(), plan=plan))
    else:
        write_out(result_to_text(result, plan.name, plan))
    return EXIT_OK


def analyze(args: argparse.Namespace) -> int:
    from planner.analysis import analyze as analyze_plan
    from planner.analysis import to_json
    from planner.cli.analysis_report import analysis_to_text
    from planner.cli.report import json_report_text
    from planner.engine.impact import ScenarioError

    plan, problems = _read(_plan_argument(args.plan))
    if problems:
        _report(args.plan, [str(p) for p in problems])
        return EXIT_INVALID
    try:
        analysis = analyze_plan(plan, order=args.order, tiers=args.tiers, as_of=args.as_of)
    except ScenarioError as error:
        _report(args.plan, error.lines)
        return EXIT_INVALID
    if args.format == "json":
        write_out(json_report_text(to_json(analysis), ascii_only=not unicode_out()))
    else:
        write_out(analysis_to_text(analysis, plan))
    return EXIT_OK


def export(args: argparse.Namespace) -> int:
    from planner.engine.impact import ScenarioError
    from planner.engine.recovery import compute as compute_recovery
    from planner.runbook.export import export_runbook

    if args.scenario is None and not args.fail:
        warn("drplanner export: give --scenario ID or --fail ID")
        return EXIT_INVALID
    source = _plan_argument(args.plan)
    output = _file_name(args.output, "FILE.pdf")
    if output.suffix.lower() != ".pdf":
        warn(f"drplanner export: the output name must end in .pdf: {shown(output)}")
        return EXIT_INVALID
    if not output.parent.is_dir():
        warn(f"drplanner export: no such folder: {shown(output.parent)}")
        return EXIT_INVALID
    replacing = _check_output(source, output)
    plan, problems = _read(source)
    if problems:
        _report(args.plan, [str(p) for p in problems])
        return EXIT_INVALID
    try:
        result = compute_recovery(
            plan,
            scenario_id=args.scenario,
            failed=args.fail,
            objective=args.objective,
            as_of=args.as_of,
        )
    except ScenarioError as error:
        _report(args.plan, error.lines)
        return EXIT_INVALID
    analysis = None
    if getattr(args, "with_findings", False):
        from planner.analysis import analyze

        analysis = analyze(plan, as_of=args.as_of, check=False)  # computable: compute ran
    try:
        pages = export_runbook(
            plan, result, output, paper=args.paper, date=args.date, analysis=analysis
        )
    except OSError as error:
        # A read-only or foreign folder, a full disk, a name too long: the file system's
        # word for it, about the file the user named (not the temporary beside it).
        raise PlanFileError(output, f"cannot write the runbook: {_reason(error)}") from error
    if replacing:
        _replaced(output)
    say(f"{shown(output)}: runbook, {pages} pages, {len(result.tasks)} steps")
    return EXIT_OK


def _reason(error: OSError) -> str:
    return printable(error.strerror or type(error).__name__)


def show(args: argparse.Namespace) -> int:
    plan, problems = _read(_plan_argument(args.plan))
    say(f"{plan.name}  ({shown(args.plan)})")
    say(f"  {_describe(plan)}")
    sites = {s.id: s for s in plan.sites}
    racks_per_site = {s.id: 0 for s in plan.sites}
    for rack in plan.racks:
        if rack.site in racks_per_site:
            racks_per_site[rack.site] += 1
    for site_id, count in racks_per_site.items():
        say(f"  site {site_id}: {sites[site_id].name} ({count} racks)")
    for scenario in plan.scenarios:
        say(f"  scenario {scenario.id}: {scenario.name} (fails {', '.join(scenario.failed)})")
    problems = problems + validate_plan(plan)
    if problems:
        say(f"  {len(problems)} problem(s): run 'drplanner validate {shown(args.plan)}'")
    return EXIT_OK


def import_(args: argparse.Namespace) -> int:
    from planner.cli import netbox_command

    return netbox_command.run(args)
