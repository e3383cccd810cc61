"""DR Planner: what a disaster takes down, the restore order, and how long it takes."""

__version__ = "0.1.0"
