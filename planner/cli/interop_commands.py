"""``drplanner export-table``, ``import-table``, ``export-graph`` and
``export-schedule``: the spreadsheet round trip of services and the files other tools
read (planner.interop). Each command is registered by :func:`add_commands` and returns
an exit status, with every problem one line on stderr (exit 2) as the other commands do.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from planner.cli.output import UsageError, say, shown, warn

if TYPE_CHECKING:
    from planner.engine.recovery import RecoveryResult
    from planner.model import Plan

# planner.cli.commands (and the storage layer under it) is imported where a command
# runs: the parser is built for --version and --help too, which need neither.
EXIT_OK, EXIT_INVALID = 0, 2


def _plan_argument(text: str) -> Path:
    from planner.cli.commands import _plan_argument as plan_argument

    return plan_argument(text)


def _file_name(text: str, what: str) -> Path:
    from planner.cli.commands import _file_name as file_name

    return file_name(text, what)


def _check_output(source: Path, output: Path) -> bool:
    from planner.cli.commands import _check_output as check_output

    return check_output(source, output)


def _replaced(output: Path) -> None:
    warn(f"drplanner: replaced the existing file {shown(output)}")


def _read(source: Path) -> tuple[Plan, list[str]]:
    """The plan, and its problems as lines (reported by the caller)."""
    from planner.cli.commands import _read as read

    plan, problems = read(source)
    return plan, [str(p) for p in problems]


def _report(source: str, lines: list[str]) -> None:
    from planner.cli.commands import _report as report

    report(source, lines)


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the four commands to the ``drplanner`` parser; each parser's ``run`` default
    is the function that carries it out."""
    table = sub.add_parser(
        "export-table",
        help="write the services as a spreadsheet (.xlsx or .csv)",
        description="Write one row per service (id, name, tier, RTO, RPO, restore, "
        "failover and restart times, min. instances, servers, standbys, dependencies, "
        "needs, owner, team) to an Excel workbook or a CSV file (UTF-8), to edit and "
        "read back with import-table.",
    )
    table.add_argument("plan", metavar="PLAN", help="a .drplan or .json plan")
    table.add_argument("output", metavar="OUT", help="the table to write (.xlsx or .csv)")
    table.set_defaults(run=export_table)

    read = sub.add_parser(
        "import-table",
        help="update and add services from a spreadsheet (.xlsx or .csv)",
        description="Read a services table (as export-table writes it, or by hand) into "
        "the plan: rows update the services with their id (only the table's columns), "
        "new ids add services; services not in the table are left as they are. "
        "Every bad cell is reported by row and column and nothing is changed. Without "
        "--dry-run or -o the plan is saved in place.",
    )
    read.add_argument("plan", metavar="PLAN", help="a .drplan or .json plan")
    read.add_argument("table", metavar="IN", help="the table to read (.xlsx or .csv)")
    read.add_argument(
        "--dry-run", action="store_true", help="print what would change; write nothing"
    )
    read.add_argument(
        "-o", "--output", metavar="OUT", help="save the result here (.json or .drplan)"
    )
    read.set_defaults(run=import_table)

    graph = sub.add_parser(
        "export-graph",
        help="write the dependency graph as GraphML (yEd, Gephi) or DOT (Graphviz)",
        description="Write the services and their dependencies as GraphML or DOT (by "
        "OUT's extension), with name, tier and RTO on each node; with --scenario also "
        "the state, mode and recovery time the scenario gives each service.",
    )
    graph.add_argument("plan", metavar="PLAN", help="a .drplan or .json plan")
    graph.add_argument("output", metavar="OUT", help="the file to write (.graphml or .dot)")
    graph.add_argument("--scenario", metavar="ID", help="a scenario of the plan")
    graph.set_defaults(run=export_graph)

    schedule = sub.add_parser(
        "export-schedule",
        help="write a scenario's recovery schedule as a spreadsheet (.csv or .xlsx)",
        description="Write each service the scenario touches with its mode, start, "
        "finish and recovery time (h:mm after the event), RTO, whether it is met, and "
        "the crews its task holds.",
    )
    schedule.add_argument("plan", metavar="PLAN", help="a .drplan or .json plan")
    schedule.add_argument("--scenario", metavar="ID", required=True, help="a scenario")
    schedule.add_argument("output", metavar="OUT", help="the table to write (.csv or .xlsx)")
    schedule.set_defaults(run=export_schedule)


def _output(source: Path, text: str, suffixes: tuple[str, ...], what: str) -> tuple[Path, bool]:
    """The output named on the command line, checked: its suffix, its folder, not the
    plan itself nor a folder or device. Returns it and whether a file is replaced."""
    if not text:
        raise UsageError(f"OUT is an empty name; give a {what} file name")
    output = _file_name(text, "OUT")
    if output.suffix.lower() not in suffixes:
        names = " or ".join(suffixes)
        raise UsageError(f"{shown(output)}: the name must end in {names}")
    if not output.parent.is_dir():
        raise UsageError(f"no such folder: {shown(output.parent)}")
    return output, _check_output(source, output)


def _written(output: Path, replacing: bool, line: str) -> int:
    if replacing:
        _replaced(output)
    say(line)
    return EXIT_OK


def export_table(args: argparse.Namespace) -> int:
    from planner.interop.service_table import write_service_table

    source = _plan_argument(args.plan)
    output, replacing = _output(source, args.output, (".xlsx", ".csv"), "table")
    plan, problems = _read(source)
    if problems:
        _report(args.plan, problems)
        return EXIT_INVALID
    rows = write_service_table(plan, output)
    return _written(output, replacing, f"{shown(output)}: {rows} services")


def import_table(args: argparse.Namespace) -> int:
    from planner.interop.service_table import TableError, import_edit, read_service_table
    from planner.storage import save_plan

    source = _plan_argument(args.plan)
    table = _file_name(args.table, "IN") if args.table else None
    if table is None:
        raise UsageError("IN is an empty name; give a .xlsx or .csv table")
    target = source
    replacing = True
    if (
        args.output is None
        and not args.dry_run
        and source.suffix.lower()
        not in (
            ".json",
            ".drplan",
        )
    ):
        raise UsageError(
            f"{shown(source)}: saving in place needs a .json or .drplan name; give -o OUT"
        )
    if args.output is not None and not args.dry_run:
        target = _file_name(args.output, "OUT") if args.output else Path("")
        if not args.output or target.suffix.lower() not in (".json", ".drplan"):
            raise UsageError(f"{shown(args.output)}: the output name must end in .json or .drplan")
        replacing = _check_output(source, target)
    plan, problems = _read(source)
    if problems:
        _report(args.plan, problems)
        return EXIT_INVALID
    try:
        result = read_service_table(plan, table, display=args.table)
    except TableError as error:
        for line in error.lines:
            warn(line)
        count = len(error.lines)
        warn(f"{shown(args.table)}: {count} problem{'s' if count != 1 else ''}; nothing imported")
        return EXIT_INVALID
    for line in result.lines():
        say(line)
    if args.dry_run:
        say(f"{shown(args.table)}: {result.summary()} (dry run: nothing written)")
        return EXIT_OK
    if not result and target == source:
        say(f"{shown(args.table)}: {result.summary()}; the plan is as it was")
        return EXIT_OK
    import_edit(plan, result).apply(plan)
    save_plan(plan, target)  # atomic: a temporary beside it, then a rename
    if replacing and target != source:
        _replaced(target)
    say(f"{shown(args.table)}: {result.summary()}; saved {shown(target)}")
    return EXIT_OK


def _result(args: argparse.Namespace, plan: Plan, scenario: str) -> RecoveryResult | None:
    from planner.engine.impact import ScenarioError
    from planner.engine.recovery import compute

    try:
        return compute(plan, scenario_id=scenario)
    except ScenarioError as error:
        _report(args.plan, error.lines)
        return None


def export_graph(args: argparse.Namespace) -> int:
    from planner.interop.graph_export import GRAPH_SUFFIXES, write_graph

    source = _plan_argument(args.plan)
    output, replacing = _output(source, args.output, GRAPH_SUFFIXES, ".graphml or .dot")
    plan, problems = _read(source)
    if problems:
        _report(args.plan, problems)
        return EXIT_INVALID
    result: RecoveryResult | None = None
    if args.scenario is not None:
        result = _result(args, plan, args.scenario)
        if result is None:
            return EXIT_INVALID
    kind = write_graph(plan, output, result)
    count = len({s.id for s in plan.services})
    return _written(output, replacing, f"{shown(output)}: {kind.upper()}, {count} services")


def export_schedule(args: argparse.Namespace) -> int:
    from planner.interop.schedule_export import write_schedule

    source = _plan_argument(args.plan)
    output, replacing = _output(source, args.output, (".csv", ".xlsx"), "table")
    plan, problems = _read(source)
    if problems:
        _report(args.plan, problems)
        return EXIT_INVALID
    result = _result(args, plan, args.scenario)
    if result is None:
        return EXIT_INVALID
    rows = write_schedule(result, output)
    return _written(output, replacing, f"{shown(output)}: {rows} services in the schedule")
