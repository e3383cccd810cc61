"""The one table of state colours and labels, for the screen and the paper alike.

A service, server or rack is shown in one of the states below. The window
(:mod:`planner.gui.style`) and the PDF runbook (:mod:`planner.runbook.drawings`) both
take their colours from :data:`STATES`, so a failover is the same amber on screen and on
paper. Colours are ``#rrggbb`` strings: each side makes its own colour objects (QColor,
reportlab's HexColor) and this module imports neither.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class State:
    """How one state looks: its colour, its label, and the colour's name for a sentence."""

    colour: str  # "#rrggbb"
    label: str
    word: str  # "amber", for a legend written out in words


# From the best to the worst: a server shows the worst state of its services, a rack the
# worst of its servers (see planner.layout.floor.state_maps).
STATES: dict[str, State] = {
    "up": State("#4caf7a", "Up", "green"),  # running, unaffected
    "dependency": State("#8e7cc3", "Waiting on a dependency", "purple"),  # waits for another
    "failover": State("#e0a526", "Failover", "amber"),  # switching to a standby
    # Restarted where it ran once its servers are back (power restored): teal, far from
    # the green of up, the blue of a selection and the warm colours of the others.
    "restart": State("#168a9c", "Restart in place", "teal"),
    "restore": State("#d9653b", "Restore", "orange"),  # rebuilt from backup
    "lost": State("#c62828", "Lost", "red"),  # destroyed by the scenario
}
COLOURS: dict[str, str] = {name: state.colour for name, state in STATES.items()}
LABELS: dict[str, str] = {name: state.label for name, state in STATES.items()}
RANK: dict[str, int] = {name: rank for rank, name in enumerate(STATES)}

# The engine's state names as shown: "unaffected" is the engine's name for up.
ENGINE_STATE: dict[str, str] = {
    "unaffected": "up",
    "dependency": "dependency",
    "failover": "failover",
    "restore": "restore",
    "restart": "restart",
}

# Not a state but the same meaning everywhere: the critical path and a missed RTO.
CRITICAL = "#b71c1c"


def dark_text_on(background: str) -> bool:
    """True when dark text reads better than white on ``background`` (``#rrggbb``)."""
    red, green, blue = (int(background.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return 0.299 * red + 0.587 * green + 0.114 * blue > 150
