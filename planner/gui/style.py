"""One palette for the whole program: states, items and the calm chrome around them."""

from __future__ import annotations

from PySide6.QtGui import QColor

# Service / item states, used identically by the floor, racks, Gantt, tables and legend.
STATE_COLORS: dict[str, str] = {
    "up": "#4caf7a",  # running, unaffected
    "failover": "#e0a526",  # switching to a standby
    "restore": "#d9653b",  # rebuilt from backup
    "dependency": "#8e7cc3",  # itself fine, waits for something that is not
    "lost": "#c62828",  # destroyed by the scenario
}
STATE_LABELS: dict[str, str] = {
    "up": "Up",
    "failover": "Failover",
    "restore": "Restore",
    "dependency": "Waiting on a dependency",
    "lost": "Lost",
}
# "unaffected" is the engine's name for up.
ENGINE_STATE = {
    "unaffected": "up",
    "dependency": "dependency",
    "failover": "failover",
    "restore": "restore",
}

TIER_COLORS = {0: "#1f4e79", 1: "#2e75b6", 2: "#7fa7d4", 3: "#b7c9e2"}

SITE_FILL = "#eef2f6"
SITE_BORDER = "#9aa8b8"
RACK_FILL = "#d8dee6"
RACK_BORDER = "#5d6b7a"
SERVER_FILL = "#f7f9fb"
SELECTION = "#1e88e5"
CRITICAL = "#b71c1c"
GRID = "#e3e8ee"
TEXT = "#1f2933"
MUTED_TEXT = "#6b7785"
INVALID = "#e53935"  # a refused drop or an overlapping ghost

GRID_SIZE = 20.0  # floor units per grid step; racks snap to it


def color(name: str) -> QColor:
    """A QColor from a state name or a colour literal."""
    return QColor(STATE_COLORS.get(name, name))
