"""``drplanner import netbox``: a NetBox inventory into a plan, from files or a server.

Prints what came in (one summary line), the warnings (one line each, naming the
NetBox object), and what the import changes; ``--dry-run`` prints the whole diff and
writes nothing. A plan file that does not exist yet is created.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from planner.cli.output import UsageError, say, shown, warn

EXIT_OK, EXIT_INVALID = 0, 2
MAX_WARNING_LINES = 40


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = sub.add_parser(
        "import",
        help="import an inventory (NetBox) into a plan, keeping what you added",
        description="Import sites, racks, devices, power feeds and locations from NetBox "
        "into PLAN: from exported files (REST JSON, bulk CSV or dumpdata JSON) or from "
        "a running NetBox. Importing again updates the plan and keeps every service, "
        "dependency, pool and scenario.",
    )
    command.add_argument("source", choices=("netbox",), help="where the inventory comes from")
    command.add_argument(
        "plan",
        metavar="PLAN",
        help="the .drplan or .json plan to update (created if it does not exist)",
    )
    given = command.add_argument_group("the inventory (one of)")
    given.add_argument(
        "--file",
        metavar="PATH",
        action="append",
        default=[],
        help="a NetBox export: a REST or dumpdata .json, .csv files, or a folder of them "
        "(repeatable)",
    )
    given.add_argument("--url", metavar="URL", help="a NetBox server, http://host:port")
    given.add_argument(
        "--token-file", metavar="FILE", help="a file holding the NetBox API token (with --url)"
    )
    command.add_argument(
        "--with-vms", action="store_true", help="also virtual machines, one rack per cluster"
    )
    command.add_argument(
        "--dry-run", action="store_true", help="print what would change; write nothing"
    )
    command.add_argument(
        "-o", "--output", metavar="OUT", help="write the result here instead of PLAN"
    )


def run(args: argparse.Namespace) -> int:
    from planner.interop.netbox import import_inventory
    from planner.interop.netbox_live import NetboxConnectionError, fetch, read_token
    from planner.interop.netbox_read import NetboxFormatError, read_inventory
    from planner.model import Plan
    from planner.storage import load_plan, save_plan

    if bool(args.file) == bool(args.url):
        raise UsageError("import netbox: give either --file PATH or --url URL --token-file FILE")
    if args.url and not args.token_file:
        raise UsageError("import netbox: --url needs --token-file FILE (the API token)")
    if args.token_file and not args.url:
        raise UsageError("import netbox: --token-file goes with --url")
    if not args.plan:
        raise UsageError("PLAN is an empty name; give a plan file")
    plan_path = Path(args.plan)
    output = Path(args.output) if args.output else plan_path
    if output.suffix.lower() not in (".drplan", ".json"):
        raise UsageError(f"{shown(output)}: the plan's name must end in .drplan or .json")
    if plan_path.exists():
        plan, problems = load_plan(plan_path)
        if problems:
            for problem in problems[:20]:
                warn(f"{shown(plan_path)}: {problem}")
            return EXIT_INVALID
    else:
        plan = Plan(name=plan_path.stem)
    try:
        if args.url:
            inventory = fetch(args.url, read_token(args.token_file), with_vms=args.with_vms)
        else:
            inventory = read_inventory(args.file)
    except (NetboxFormatError, NetboxConnectionError) as error:
        warn(f"drplanner: import netbox: {error}")
        return EXIT_INVALID
    result = import_inventory(plan, inventory, with_vms=args.with_vms)
    say(result.summary())
    shown_warnings = result.warnings[:MAX_WARNING_LINES] if not args.dry_run else result.warnings
    for line in shown_warnings:
        warn(f"warning: {line}")
    if len(result.warnings) > len(shown_warnings):
        warn(
            f"warning: ... and {len(result.warnings) - len(shown_warnings)} more "
            "(--dry-run lists all)"
        )
    if args.dry_run:
        for line in result.diff.lines(warnings=False):
            say(line)
        say(f"dry run: {result.diff.summary()}; nothing written")
        return EXIT_OK
    if not result.diff and plan_path.exists() and output == plan_path:
        say(f"{shown(output)}: already up to date")
        return EXIT_OK
    save_plan(result.plan, output)
    say(f"{shown(output)}: {result.diff.summary()}")
    return EXIT_OK
