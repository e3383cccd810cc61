"""The ``drplanner`` subcommands; each returns an exit status."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from planner.model import Plan
from planner.model import validate as validate_plan
from planner.storage import PlanFileError, load_plan, save_plan

EXIT_OK, EXIT_INVALID = 0, 2


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


def validate(args: argparse.Namespace) -> int:
    plan, problems = load_plan(args.plan)
    problems = problems + validate_plan(plan)
    for problem in problems:
        print(f"{args.plan}: {problem}", file=sys.stderr)
    if problems:
        count = len(problems)
        print(f"{args.plan}: {count} problem{'s' if count != 1 else ''}", file=sys.stderr)
        return EXIT_INVALID
    print(f"{args.plan}: valid plan '{plan.name}' ({_describe(plan)})")
    return EXIT_OK


def convert(args: argparse.Namespace) -> int:
    output = Path(args.output)
    if output.suffix.lower() not in (".json", ".drplan"):
        raise PlanFileError(output, "the output name must end in .json or .drplan")
    plan, problems = load_plan(args.input)
    if problems:
        for problem in problems:
            print(f"{args.input}: {problem}", file=sys.stderr)
        return EXIT_INVALID
    save_plan(plan, output)
    remaining = validate_plan(plan)
    if remaining:
        print(
            f"{output}: written, but the plan has {len(remaining)} problem(s); "
            f"'drplanner validate {output}' lists them",
            file=sys.stderr,
        )
    return EXIT_OK


def compute(args: argparse.Namespace) -> int:
    from planner.cli.report import result_to_json_text, result_to_text
    from planner.engine.exact import ExactUnavailable
    from planner.engine.impact import ScenarioError
    from planner.engine.recovery import compute as compute_recovery

    if args.scenario is None and not args.fail:
        print("drplanner compute: give --scenario ID or --fail ID", file=sys.stderr)
        return EXIT_INVALID
    plan, problems = load_plan(args.plan)
    if problems:
        for problem in problems:
            print(f"{args.plan}: {problem}", file=sys.stderr)
        return EXIT_INVALID
    try:
        result = compute_recovery(
            plan,
            scenario_id=args.scenario,
            failed=args.fail,
            objective=args.objective,
            exact_seconds=args.exact,
        )
    except ScenarioError as error:
        for line in error.lines:
            print(f"{args.plan}: {line}", file=sys.stderr)
        return EXIT_INVALID
    except (ExactUnavailable, ImportError) as error:
        # Only the optional exact mode imports lazily; say plainly what is missing.
        print(f"drplanner compute: {error}", file=sys.stderr)
        return EXIT_INVALID
    if args.format == "json":
        sys.stdout.write(result_to_json_text(result))
    else:
        sys.stdout.write(result_to_text(result, plan.name))
    return EXIT_OK


def export(args: argparse.Namespace) -> int:
    from planner.engine.impact import ScenarioError
    from planner.engine.recovery import compute as compute_recovery
    from planner.runbook.export import export_runbook

    if args.scenario is None and not args.fail:
        print("drplanner export: give --scenario ID or --fail ID", file=sys.stderr)
        return EXIT_INVALID
    output = Path(args.output)
    if output.suffix.lower() != ".pdf":
        print(f"drplanner export: the output name must end in .pdf: {output}", file=sys.stderr)
        return EXIT_INVALID
    if not output.parent.is_dir():
        print(f"drplanner export: no such folder: {output.parent}", file=sys.stderr)
        return EXIT_INVALID
    plan, problems = load_plan(args.plan)
    if problems:
        for problem in problems:
            print(f"{args.plan}: {problem}", file=sys.stderr)
        return EXIT_INVALID
    try:
        result = compute_recovery(
            plan, scenario_id=args.scenario, failed=args.fail, objective=args.objective
        )
    except ScenarioError as error:
        for line in error.lines:
            print(f"{args.plan}: {line}", file=sys.stderr)
        return EXIT_INVALID
    pages = export_runbook(plan, result, output, paper=args.paper, date=args.date)
    print(f"{output}: runbook, {pages} pages, {len(result.tasks)} steps")
    return EXIT_OK


def show(args: argparse.Namespace) -> int:
    plan, problems = load_plan(args.plan)
    print(f"{plan.name}  ({args.plan})")
    print(f"  {_describe(plan)}")
    sites = {s.id: s for s in plan.sites}
    racks_per_site = {s.id: 0 for s in plan.sites}
    for rack in plan.racks:
        if rack.site in racks_per_site:
            racks_per_site[rack.site] += 1
    for site_id, count in racks_per_site.items():
        print(f"  site {site_id}: {sites[site_id].name} ({count} racks)")
    for scenario in plan.scenarios:
        print(f"  scenario {scenario.id}: {scenario.name} (fails {', '.join(scenario.failed)})")
    problems = problems + validate_plan(plan)
    if problems:
        print(f"  {len(problems)} problem(s): run 'drplanner validate {args.plan}'")
    return EXIT_OK
