"""Minutes as a clock reading, ``h:mm``: one rule for the CLI, the GUI and the runbook.

:func:`clock` writes a duration, :func:`parse_clock` reads what a person typed; every
field that edits a duration (the properties panel, the services table) uses both, so a
time is shown and typed the same way everywhere.
"""

from __future__ import annotations

import math
import re

from planner.model.plan import MAX_MINUTES

_DURATION = re.compile(r"^(?:(?P<h>\d+(?:\.\d+)?)\s*h)?\s*(?:(?P<m>\d+(?:\.\d+)?)\s*m?)?$")
CLOCK_HINT = "minutes or h:mm, e.g. 90 or 1:30"
_NOT_A_TIME = "'{}' is not a number of minutes or a time: write " + CLOCK_HINT


def clock(minutes: float | None, missing: str = "—") -> str:
    """``h:mm`` with unbounded hours (5040 -> ``84:00``); ``missing`` for no value.

    Fractions of a minute round half up, the same in every view of a result.
    """
    if minutes is None:
        return missing
    total = math.floor(float(minutes) + 0.5)
    sign = "-" if total < 0 else ""
    hours, mins = divmod(abs(total), 60)
    return f"{sign}{hours}:{mins:02d}"


def parse_clock(text: str) -> int | float:
    """Minutes from ``90``, ``1:30``, ``1h30m``, ``2h``, ``45m`` or ``1.5h``.

    Raises ValueError (its message for the user) for anything else and for negative
    times. Whole numbers come back as int, so the plan file stays tidy.
    """
    cleaned = text.strip().lower().replace(",", ".")
    minutes: float
    if ":" in cleaned:
        hours, _, mins = cleaned.partition(":")
        if not hours.strip().isdigit() or not mins.strip().isdigit() or int(mins) >= 60:
            raise ValueError(_NOT_A_TIME.format(text))
        minutes = int(hours) * 60 + int(mins)
    else:
        match = _DURATION.match(cleaned)
        if not cleaned or match is None or not (match["h"] or match["m"]):
            raise ValueError(_NOT_A_TIME.format(text))
        minutes = float(match["h"] or 0) * 60 + float(match["m"] or 0)
    if not math.isfinite(minutes) or minutes < 0:
        raise ValueError(_NOT_A_TIME.format(text))
    if minutes > MAX_MINUTES:  # the plan format's bound: a file could not hold it
        raise ValueError(f"'{text}' is longer than ten years ({MAX_MINUTES:,} minutes)")
    return int(minutes) if float(minutes).is_integer() else minutes
