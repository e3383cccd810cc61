"""Test set-up: Qt runs offscreen, before anything imports it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The real-window suite (Xvfb, xcb, real input) needs its own process and QApplication:
# ``DRPLANNER_REALWINDOW=1 pytest tests/realwindow`` runs it (``make test`` does both).
collect_ignore = [] if os.environ.get("DRPLANNER_REALWINDOW") else ["realwindow"]
# The live NetBox suite starts a real NetBox (minutes the first time on a machine):
# ``DRPLANNER_LIVE_NETBOX=1 pytest tests/live`` runs it, last in ``make test``.
if not os.environ.get("DRPLANNER_LIVE_NETBOX"):
    collect_ignore.append("live")

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "resources" / "examples"


@pytest.fixture
def repo() -> Path:
    return REPO
