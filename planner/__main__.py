"""``python -m planner`` is the ``drplanner`` command."""

import sys

from planner.cli.main import main

sys.exit(main())
