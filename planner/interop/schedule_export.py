"""A scenario's recovery schedule as a table (CSV or XLSX) for spreadsheets and
ticketing tools.

One row per service the scenario touches (every service whose state is not
"unaffected"), in the order the recovery starts them (a service without a task of its
own at the time it is back), then plan order. Times are ``h:mm`` after the event (T+0);
"never" for a service that does not come back. ``compute --format json`` stays the
machine contract; this is the table a person opens.
"""

from __future__ import annotations

import math
from pathlib import Path

from planner.engine.recovery import RecoveryResult, ServiceRecovery
from planner.interop.tabular import Cell, minutes_text, table_format, write_csv, write_xlsx
from planner.model.fields import format_value

HEADER = (
    "Service",
    "Name",
    "State",
    "Mode",
    "Start",
    "Finish",
    "Recovered",
    "RTO",
    "Met",
    "Crews",
)
SHEET_NAME = "Schedule"


def _when(service: ServiceRecovery) -> float:
    if service.start is not None:
        return service.start
    return service.recovered if math.isfinite(service.recovered) else math.inf


def _met(service: ServiceRecovery) -> str:
    if service.meets_rto is None:
        return ""
    return "yes" if service.meets_rto else "no"


def schedule_rows(result: RecoveryResult) -> list[list[Cell]]:
    """The rows of the table (see the module's docstring)."""
    touched = [
        (index, service)
        for index, service in enumerate(result.services)
        if service.state != "unaffected"
    ]
    touched.sort(key=lambda pair: (_when(pair[1]), pair[0]))
    rows: list[list[Cell]] = []
    for _, service in touched:
        own_task = service.mode is not None
        crews = format_value("service", "needs", service.needs) if own_task else ""
        rows.append(
            [
                service.id,
                service.name,
                service.state,
                service.mode or "",
                minutes_text(service.start),
                minutes_text(service.finish),
                minutes_text(service.recovered),
                minutes_text(service.rto_minutes),
                _met(service),
                crews,
            ]
        )
    return rows


def write_schedule(result: RecoveryResult, path: str | Path) -> int:
    """Write the schedule to ``path`` (.csv or .xlsx by suffix), atomically; return the
    number of rows. TableFileError for another suffix."""
    path = Path(path)
    kind = table_format(path)
    rows = schedule_rows(result)
    if kind == "csv":
        write_csv(path, HEADER, rows)
    else:
        write_xlsx(path, SHEET_NAME, HEADER, rows)
    return len(rows)
