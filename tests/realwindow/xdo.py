"""Real input from outside the program: xdotool (XTEST) on the suite's Xvfb screen.

Events go through the X server exactly as a person's would; the Qt side sees them only
when its event loop runs, so a test follows each gesture with ``qtbot.waitUntil`` on the
state it expects (never a sleep).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from tests.realwindow.display import require


def xdotool(*args: object) -> str:
    done = subprocess.run(
        [require("xdotool"), *(str(a) for a in args)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env=os.environ.copy(),
    )
    return done.stdout


def pointer() -> tuple[int, int]:
    values = dict(part.split(":", 1) for part in xdotool("getmouselocation").split() if ":" in part)
    return int(values["x"]), int(values["y"])


def _move_args(x: int, y: int, at: tuple[int, int] | None) -> list[object]:
    # ``mousemove --sync`` waits for the pointer to move, forever when it is already there.
    return ["mousemove", x, y] if at == (x, y) else ["mousemove", "--sync", x, y]


def move(x: int, y: int) -> None:
    xdotool(*_move_args(x, y, pointer()))


def click(x: int, y: int, button: int = 1) -> None:
    xdotool(*_move_args(x, y, pointer()), "click", button)


def drag(
    start: tuple[int, int],
    end: tuple[int, int],
    modifiers: Sequence[str] = (),
    steps: int = 12,
    button: int = 1,
) -> None:
    """Press at ``start``, move in ``steps`` to ``end``, release; with keys held down."""
    (x0, y0), (x1, y1) = start, end
    args: list[object] = []
    for key in modifiers:
        args += ["keydown", key]
    args += [*_move_args(x0, y0, pointer()), "mousedown", button]
    at = (x0, y0)
    for step in range(1, steps + 1):
        point = (round(x0 + (x1 - x0) * step / steps), round(y0 + (y1 - y0) * step / steps))
        args += _move_args(*point, at)
        at = point
    args += ["mouseup", button]
    for key in reversed(modifiers):
        args += ["keyup", key]
    xdotool(*args)


def key(*keys: str) -> None:
    """Key chords as xdotool names them: ``key("ctrl+o")``, ``key("Return")``."""
    xdotool("key", "--clearmodifiers", *keys)


def type_text(text: str) -> None:
    xdotool("type", "--delay", 20, text)


def window_ids(name: str | None = None, pid: int | None = None) -> list[str]:
    """Visible windows by title (a regular expression) or by process id, maybe none."""
    args: list[object] = ["search", "--onlyvisible"]
    if pid is not None:
        args += ["--all", "--pid", pid]  # --all: both conditions, not either
    args += ["--name", name or "."]
    done = subprocess.run(
        [require("xdotool"), *(str(a) for a in args)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done.stdout.split()


def window_geometry(window: str) -> tuple[int, int, int, int]:
    """x, y, width, height of an X window on the screen."""
    values: dict[str, str] = {}
    for line in xdotool("getwindowgeometry", "--shell", window).splitlines():
        name, _, value = line.partition("=")
        values[name] = value
    return int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"])


def screenshot(path: Path) -> Path:
    """The whole screen as a PNG (ImageMagick's import), for a person to look at."""
    subprocess.run([require("import"), "-window", "root", str(path)], check=True, timeout=60)
    return path
