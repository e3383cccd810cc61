"""The ``drplanner`` command: a thin shell over the core.

Exit status: 0 success, 2 invalid input or an output that cannot be written (one line per
problem on stderr), 1 internal error, 141 when the reader of standard output went away
(``drplanner show PLAN | head``: quiet, and the status a shell gives any tool killed by
SIGPIPE, so ``set -o pipefail`` scripts see it as they see ``yes | head``).

Bare ``drplanner`` opens the desktop window (on the last plan or the example),
``drplanner PLAN`` opens the window on that plan.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from planner import __version__
from planner.cli.output import (
    EXIT_CLOSED_PIPE,
    OutputFailed,
    UsageError,
    flush_out,
    say,
    shown,
    silence_failed_streams,
    tolerate_encodings,
    warn,
    write_err,
    write_out,
)
from planner.model.text import printable

# Imported where a command runs, not here: ``drplanner --version`` and ``--help`` need
# neither the storage layer nor the engine (a process starts in a tenth of a second).

EXIT_OK, EXIT_INTERNAL, EXIT_INVALID = 0, 1, 2

__all__ = ["EXIT_CLOSED_PIPE", "UsageError", "build_parser", "main", "version_text"]


class _Parser(argparse.ArgumentParser):
    """argparse, with the arguments it quotes in its errors escaped like every message."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_INVALID, f"{self.prog}: error: {printable(message)}\n")

    def _print_message(self, message: str, file: object = None) -> None:
        # Help and usage are ours, several lines; escape each line, keep the breaks.
        # argparse would drop a failed write and leave the interpreter's exit to complain.
        escaped = "\n".join(map(printable, message.split("\n")))
        if file is sys.stdout:
            write_out(escaped)
        elif file is None or file is sys.stderr:
            write_err(escaped)
        else:
            file.write(escaped)  # type: ignore[attr-defined]


def version_text() -> str:
    """``drplanner X.Y.Z`` then the Python, PySide6 and Qt versions it runs on."""
    import platform

    return f"drplanner {__version__}\nPython {platform.python_version()}, {_qt_versions()}"


def _qt_versions() -> str:
    """``PySide6 X.Y.Z, Qt X.Y.Z``; from the installed wheels' names when they say it
    all, since importing PySide6 costs more than the rest of the command."""
    pyside, essentials = _wheel_version("PySide6"), _wheel_version("PySide6_Essentials")
    if pyside is not None and pyside == essentials:
        # The Qt for Python wheels (PySide6 with PySide6_Essentials) bundle the Qt of
        # their own release: Qt 6.8.1 in PySide6 6.8.1 and in a hotfix 6.8.1.1 alike.
        return f"PySide6 {pyside}, Qt {'.'.join(pyside.split('.')[:3])}"
    try:
        # Any other install may run on another Qt: ask it. Through planner.gui, since
        # only the GUI package imports Qt (pyproject's import contracts).
        from planner.gui.versions import qt_version_text

        return qt_version_text()
    except ImportError:
        return "Qt not installed"


def _wheel_version(name: str) -> str | None:
    """The version of the wheel ``name`` installed beside the PySide6 package, from its
    ``name-version.dist-info`` folder (the wheel format's own naming), or None.

    Not importlib.metadata: it parses the whole METADATA file with the email package,
    which alone costs a fifth of the time ``--version`` may take.
    """
    import importlib.util

    try:
        spec = importlib.util.find_spec("PySide6")  # finds, does not import
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))).parent
    prefix, suffix = f"{name.lower()}-", ".dist-info"
    try:
        names = [entry.name for entry in os.scandir(folder)]
    except OSError:
        return None
    found = [n for n in names if n.lower().startswith(prefix) and n.lower().endswith(suffix)]
    return found[0][len(prefix) : -len(suffix)] if len(found) == 1 else None


class _VersionAction(argparse.Action):
    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, **kwargs)  # type: ignore[arg-type]

    def __call__(self, parser: argparse.ArgumentParser, *_args: object) -> None:
        for line in version_text().splitlines():
            say(line)
        flush_out()
        parser.exit()


def _add_scenario_arguments(command: argparse.ArgumentParser) -> None:
    """PLAN, the scenario (named and/or ad hoc) and the objective: compute and export."""
    command.add_argument("plan", metavar="PLAN", help="a .drplan or .json plan")
    which = command.add_argument_group("scenario (one or both)")
    which.add_argument("--scenario", metavar="ID", help="a scenario of the plan")
    which.add_argument(
        "--fail",
        metavar="ID",
        action="append",
        default=[],
        help="a site, rack, server or failure domain to fail (repeatable)",
    )
    command.add_argument(
        "--objective",
        choices=("time", "tiers"),
        default="time",
        help="time: shortest total recovery, critical tiers first among equals; "
        "tiers: tier 0 as early as possible, then tier 1, ...",
    )
    command.add_argument(
        "--as-of",
        metavar="DATE",
        type=_as_of_date,
        default=None,
        help="the date failover tests are aged against (YYYY-MM-DD) when the scenario "
        "names none; default today",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="drplanner",
        description=(
            "DR Planner: if this site, rack, server or power feed is lost, what goes down, in what "
            "order do we bring it back, and how long does it take? Plans are .drplan "
            "(native) or .json (interchange format v3; v1 and v2 still open) files."
        ),
        epilog="Without a command, 'drplanner [PLAN]' opens the desktop window. "
        "Run 'drplanner COMMAND --help' for the options of a command.",
    )
    parser.add_argument(
        "--version", action=_VersionAction, help="show the version with the Python and Qt versions"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    validate = sub.add_parser(
        "validate",
        help="check a plan and list every problem",
        description="Check a plan and print every problem, one per line, naming item and field.",
    )
    validate.add_argument("plan", metavar="PLAN", help="a .drplan or .json plan")

    convert = sub.add_parser(
        "convert",
        help="convert a plan between .json and .drplan",
        description="Convert a plan between the JSON interchange format and .drplan, "
        "losslessly. The output format follows OUT's extension.",
    )
    convert.add_argument("input", metavar="IN", help="a .drplan or .json plan")
    convert.add_argument("output", metavar="OUT", help="the file to write (.json or .drplan)")

    compute = sub.add_parser(
        "compute",
        help="what a scenario takes down, the restore schedule and recovery times",
        description="Evaluate a scenario: what is lost, the restore/failover schedule, "
        "each service's recovery time against its RTO, the critical path and a lower "
        "bound on the recovery time.",
    )
    _add_scenario_arguments(compute)
    compute.add_argument("--format", choices=("text", "json"), default="text")
    compute.add_argument(
        "--exact",
        metavar="SECONDS",
        type=_positive_seconds,
        help="improve and prove the schedule with OR-Tools CP-SAT for up to SECONDS",
    )

    analyze = sub.add_parser(
        "analyze",
        help="every single failure, single points of failure, findings, what one change buys",
        description="Analyse the plan without a scenario: the blast radius of losing each "
        "site, domain, rack and server; minimal cut sets (the smallest sets of components "
        "whose loss takes a service down or forces its restore); N-1 and N-2 by site; "
        "ranked findings; and what making a service redundant or adding a pool unit buys "
        "in the worst scenario.",
    )
    analyze.add_argument("plan", metavar="PLAN", help="a .drplan or .json plan")
    analyze.add_argument(
        "--order",
        type=int,
        choices=(1, 2),
        default=2,
        help="the largest cut sets to find (default 2: pairs)",
    )
    analyze.add_argument(
        "--tiers",
        metavar="LIST",
        type=_tier_list,
        default=None,
        help="comma-separated tiers whose services get cut sets to --order and are judged "
        "(e.g. 0,1; default: every tier)",
    )
    analyze.add_argument("--format", choices=("text", "json"), default="text")
    analyze.add_argument(
        "--as-of",
        metavar="DATE",
        type=_as_of_date,
        default=None,
        help="the date failover tests are aged against (YYYY-MM-DD); default today",
    )

    export = sub.add_parser(
        "export",
        help="write the printable recovery runbook (PDF) of a scenario",
        description="Write the recovery runbook of a scenario as a PDF: cover, summary, "
        "impact, the numbered restore procedure, timeline, dependencies, racks, contacts "
        "and sign-off.",
    )
    _add_scenario_arguments(export)
    export.add_argument("-o", "--output", metavar="FILE.pdf", required=True)
    export.add_argument("--paper", choices=("a4", "letter"), default="a4")
    export.add_argument(
        "--date", metavar="YYYY-MM-DD", type=_iso_date, help="generation date to print"
    )
    export.add_argument(
        "--with-findings",
        action="store_true",
        help="end with the 'Resilience findings' appendix (drplanner analyze's findings)",
    )

    show = sub.add_parser(
        "show",
        help="print a summary of a plan",
        description="Print what a plan holds: sites, racks, servers, services, scenarios.",
    )
    show.add_argument("plan", metavar="PLAN", help="a .drplan or .json plan")
    from planner.cli import netbox_command
    from planner.cli.interop_commands import add_commands  # tables, graphs, schedules

    netbox_command.add_parser(sub)
    add_commands(sub)
    return parser


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: '{text}'") from None
    if not 0 < value <= 86_400:
        raise argparse.ArgumentTypeError(f"must be between 0 and 86400 seconds, got {text}")
    return value


def _tier_list(text: str) -> list[int]:
    from planner.model.plan import TIERS

    tiers: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if not part.isdigit() or int(part) not in TIERS:
            known = ", ".join(map(str, TIERS))
            raise argparse.ArgumentTypeError(f"not a tier ({known}): '{part}' in '{text}'")
        tiers.append(int(part))
    return tiers


def _iso_date(text: str) -> str:
    import datetime

    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: '{text}'") from None


def _as_of_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: '{text}'") from None


def main(argv: Sequence[str] | None = None) -> int:
    tolerate_encodings()
    try:
        try:
            return _main(argv)
        finally:
            flush_out()  # a full or closed output is reported here, not at interpreter exit
    except BrokenPipeError:
        # The reader left (``| head``): not an error of ours, and nobody to tell.
        silence_failed_streams()
        return EXIT_CLOSED_PIPE
    except OutputFailed as error:
        silence_failed_streams()
        warn(f"drplanner: cannot write the output: {error}")
        return EXIT_INVALID


def _main(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not args_list or _is_plan_argument(args_list, parser):
        # The desktop window: bare ``drplanner`` or ``drplanner PLAN``.
        from planner.gui.app import run

        return run(args_list[0] if args_list else None)
    args = parser.parse_args(args_list)
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    # Each subcommand is the function of its name in planner.cli.commands.
    from planner.cli import commands
    from planner.storage.errors import PlanFileError

    try:
        with commands.plan_left_out_of_collection():
            run = getattr(args, "run", None) or getattr(commands, _function_name(args.command))
            return int(run(args))
    except (BrokenPipeError, OutputFailed):
        raise  # main's to report
    except PlanFileError as error:
        warn(f"drplanner: {shown(error.path)}: {error.message}")
        return EXIT_INVALID
    except UsageError as error:
        warn(f"drplanner: {error}")
        return EXIT_INVALID
    except OSError as error:
        # The file system refused a file the user named (too long a name, a folder of
        # another user, ...): the user's to fix, said in one line.
        warn(f"drplanner: {_os_error_line(error)}")
        return EXIT_INVALID
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the promise is one line, never a traceback
        if os.environ.get("DRPLANNER_DEBUG"):
            raise
        message = " ".join(str(error).split())  # a message may span lines; ours may not
        warn(
            f"drplanner: internal error: {type(error).__name__}: {message} "
            "(set DRPLANNER_DEBUG=1 for details)"
        )
        return EXIT_INTERNAL


def _function_name(command: str) -> str:
    """The function of a subcommand in planner.cli.commands: ``export-table`` is
    ``export_table``, ``import`` (a keyword) is ``import_``."""
    import keyword

    name = command.replace("-", "_")
    return f"{name}_" if keyword.iskeyword(name) else name


def _os_error_line(error: OSError) -> str:
    reason = error.strerror or type(error).__name__
    name = error.filename2 if error.filename2 is not None else error.filename
    if name is None:
        return reason
    return f"{shown(os.fsdecode(name) if isinstance(name, bytes) else str(name))}: {reason}"


def _is_plan_argument(args_list: list[str], parser: argparse.ArgumentParser) -> bool:
    first = args_list[0]
    return (
        len(args_list) == 1
        and not first.startswith("-")
        and first not in _command_names(parser)
        and (Path(first).suffix.lower() in (".drplan", ".json") or Path(first).exists())
    )


def _command_names(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._subparsers._group_actions if parser._subparsers else []:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


if __name__ == "__main__":
    sys.exit(main())
