"""The real-window suite: Qt's xcb platform on a private Xvfb screen, real input.

Run apart from the offscreen suite (one process holds one QApplication on one platform):
``DRPLANNER_REALWINDOW=1 pytest tests/realwindow`` (``make test`` does both). Xvfb is
started here, before anything imports Qt, and stopped when the session ends.
"""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# Qt objects a test made die within it, as in the offscreen GUI suite.
from tests.gui.conftest import _collect_qt_objects  # noqa: F401
from tests.realwindow.display import start_xvfb

_xvfb, _display = start_xvfb()
atexit.register(_xvfb.kill)
os.environ["DISPLAY"] = _display
os.environ["QT_QPA_PLATFORM"] = "xcb"
os.environ.pop("WAYLAND_DISPLAY", None)


def private_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment for a program under test: this screen, a private home."""
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_RUNTIME_DIR=str(home / "runtime"),
        DISPLAY=_display,
        QT_QPA_PLATFORM="xcb",
        PYTHONFAULTHANDLER="1",
    )
    (home / "runtime").mkdir(mode=0o700, parents=True, exist_ok=True)
    env.update(extra)
    return env


class Program:
    """``drplanner`` running as its own process on this screen (for kill -9 and the like)."""

    def __init__(self, args: list[str], home: Path, **env: str) -> None:
        self.home = home
        self.log = home / f"drplanner-{len(list(home.glob('drplanner-*.log')))}.log"
        self._log_file = self.log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "planner", *args],
            env=private_env(home, **env),
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL, as a crash or a power cut would end it: no handler runs."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=60)
        self._log_file.close()

    def output(self) -> str:
        self._log_file.flush()
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=60)
        self._log_file.close()


@pytest.fixture
def launch(tmp_path: Path) -> Iterator[object]:
    """``launch(args, **env)`` starts drplanner in its own process with a private home
    (``tmp_path / "home"``, the same for every launch in one test, so a second start sees
    what the first left); every process still running is killed at the end."""
    started: list[Program] = []
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)

    def start(args: list[str], **env: str) -> Program:
        program = Program(args, home, **env)
        started.append(program)
        return program

    yield start
    for program in started:
        program.stop()
