"""The floor's heat map: every rack and site coloured by its blast radius (how many
services its loss alone impacts, from the resilience analysis), on one sequential ramp
shared by racks and sites, with the legend's bins."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from planner.analysis import Analysis

#: Light to dark (ColorBrewer YlOrRd, 5 classes): more services impacted, darker.
RAMP = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
#: A component whose loss changes nothing.
NOTHING = "#e8ecf0"


@dataclass(frozen=True)
class HeatMap:
    """``values[id]``: the services a rack's or a site's loss alone impacts (racks not
    listed by the analysis change nothing: 0)."""

    values: Mapping[str, int]
    top: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "top", max(self.values.values(), default=0))

    @classmethod
    def of(cls, analysis: Analysis) -> HeatMap:
        values = {r.id: len(r.impacted) for r in analysis.domains if r.kind in ("site", "rack")}
        return cls(values)

    def level(self, item_id: str) -> int:
        """0 (changes nothing) to ``len(RAMP)`` (the most impacted)."""
        value = self.values.get(item_id, 0)
        if value <= 0 or self.top <= 0:
            return 0
        return min(len(RAMP), max(1, math.ceil(len(RAMP) * value / self.top)))

    def colour(self, item_id: str) -> str:
        level = self.level(item_id)
        return RAMP[level - 1] if level else NOTHING

    def bins(self) -> list[tuple[str, str]]:
        """The legend: ``(colour, "4–6")`` per level that some count falls in, then none."""
        shown: list[tuple[str, str]] = []
        steps = len(RAMP)
        for level in range(1, steps + 1):
            low = math.floor(self.top * (level - 1) / steps) + 1
            high = math.floor(self.top * level / steps)
            if low > high:
                continue
            shown.append((RAMP[level - 1], str(low) if low == high else f"{low}–{high}"))
        shown.append((NOTHING, "0"))
        return shown


__all__ = ["NOTHING", "RAMP", "HeatMap"]
