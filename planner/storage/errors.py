"""Typed errors of plan files; each prints as one line naming the file."""

from __future__ import annotations

from pathlib import Path

from planner.model.problems import Problem


class PlanFileError(Exception):
    """A plan file could not be read or written. ``str()`` is one line: ``path: what``."""

    def __init__(self, path: str | Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = str(path)
        self.message = message


class NotAPlanError(PlanFileError):
    """The file is not a DR Planner plan (another format, another application's data)."""


class DamagedPlanError(PlanFileError):
    """The file claims to be a plan but its contents are broken or tampered with."""


class NewerVersionError(PlanFileError):
    """The file was written by a newer DR Planner than this one."""


class InvalidPlanError(PlanFileError):
    """The plan was read but some of its items are invalid; ``problems`` lists them all."""

    def __init__(self, path: str | Path, problems: list[Problem]) -> None:
        count = len(problems)
        super().__init__(path, f"{count} problem{'s' if count != 1 else ''} in the plan")
        self.problems = problems
