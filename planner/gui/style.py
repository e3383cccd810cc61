"""One palette for the whole program: states, items and the calm chrome around them."""

from __future__ import annotations

from PySide6.QtGui import QColor

from planner.layout import states

# Service / item states, used identically by the floor, racks, Gantt, tables and legend:
# the screen's names for the one state table that the runbook's PDF uses too.
STATE_COLORS: dict[str, str] = states.COLOURS
STATE_LABELS: dict[str, str] = states.LABELS
ENGINE_STATE: dict[str, str] = states.ENGINE_STATE

TIER_COLORS = {0: "#1f4e79", 1: "#2e75b6", 2: "#7fa7d4", 3: "#b7c9e2"}

SITE_FILL = "#eef2f6"
SITE_BORDER = "#9aa8b8"
RACK_FILL = "#d8dee6"
RACK_BORDER = "#5d6b7a"
SERVER_FILL = "#f7f9fb"
SELECTION = "#1e88e5"
CRITICAL = states.CRITICAL
GRID = "#e3e8ee"
TEXT = "#1f2933"
MUTED_TEXT = "#6b7785"
INVALID = "#e53935"  # a refused drop or an overlapping ghost

GRID_SIZE = 20.0  # floor units per grid step; racks snap to it


def color(name: str) -> QColor:
    """A QColor from a state name or a colour literal."""
    return QColor(STATE_COLORS.get(name, name))
