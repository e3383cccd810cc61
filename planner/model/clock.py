"""Minutes as a clock reading, ``h:mm``: one rule for the CLI, the GUI and the runbook."""

from __future__ import annotations

import math


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
