"""A private Xvfb screen for the real-window suite, started before Qt is imported.

The suite runs Qt's xcb platform against a real X server (Xvfb, 1366x768, the laptop
size the window must fit), so real platform code and real input events (xdotool through
XTEST) are exercised: offscreen tests once passed while the first dependency drawn in a
real window crashed the program.
"""

from __future__ import annotations

import os
import shutil
import subprocess

SCREEN = (1366, 768)

DEBIAN_PACKAGES = (
    "xvfb xdotool imagemagick libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 "
    "libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 "
    "libxkbcommon-x11-0"
)


class MissingTool(RuntimeError):
    pass


def require(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        raise MissingTool(
            f"the real-window suite needs '{tool}': apt-get install {DEBIAN_PACKAGES}"
        )
    return found


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    """Start Xvfb on a free display; return the process and the display name (':N')."""
    xvfb = require("Xvfb")
    read_end, write_end = os.pipe()
    width, height = SCREEN
    process = subprocess.Popen(
        [
            xvfb,
            "-displayfd",
            str(write_end),
            "-screen",
            "0",
            f"{width}x{height}x24",
            "-nolisten",
            "tcp",
            "-noreset",
        ],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    # Xvfb writes the display number to the pipe once it accepts connections.
    with os.fdopen(read_end) as pipe:
        number = pipe.readline().strip()
    if not number:
        process.kill()
        raise MissingTool("Xvfb did not start")
    return process, f":{number}"
