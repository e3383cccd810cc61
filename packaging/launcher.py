"""Entry point of the frozen (PyInstaller) ``drplanner``: the same ``main`` as the
console script, so one executable is both the window and the command line."""

import sys

from planner.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
