"""``drplanner`` opens the window, or says in one line why it cannot."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import EXAMPLES


def run_drplanner(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    # A private home, so that settings and recovery copies of the user are not touched.
    clean.update(
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
    )
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "planner", *args],
        capture_output=True,
        text=True,
        env=clean,
        timeout=120,
        check=False,
    )


def test_without_a_display_it_says_so_in_one_line(tmp_path: Path) -> None:
    for args in ([], [str(EXAMPLES / "pangyo.drplan")]):
        done = run_drplanner(args, tmp_path)
        assert done.returncode == 2
        lines = done.stderr.strip().splitlines()
        assert (
            len(lines) == 1
            and "no display" in lines[0]
            and "drplanner validate|compute" in lines[0]
        )


def test_opens_the_plan_given_and_closes_cleanly(tmp_path: Path) -> None:
    done = run_drplanner(
        [str(EXAMPLES / "pangyo.drplan")],
        tmp_path,
        QT_QPA_PLATFORM="offscreen",
        DRPLANNER_QUIT_AFTER_MS="1500",
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    settings = next((tmp_path / "config").rglob("*.conf")).read_text()
    assert "pangyo.drplan" in settings  # remembered as the last plan for the next start
