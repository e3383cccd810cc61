"""Plan files: the interchange JSON (format v3) and the native ``.drplan`` (SQLite)."""

from __future__ import annotations

from pathlib import Path

from planner.model.plan import Plan
from planner.model.problems import Problem
from planner.storage.drplan_format import SQLITE_MAGIC, read_drplan, write_drplan
from planner.storage.errors import (
    DamagedPlanError,
    InvalidPlanError,
    NewerVersionError,
    NotAPlanError,
    PlanFileError,
)
from planner.storage.files import check_plan_file, read_plan_bytes
from planner.storage.json_format import plan_from_json, plan_to_json, read_json, write_json

__all__ = [
    "DamagedPlanError",
    "InvalidPlanError",
    "NewerVersionError",
    "NotAPlanError",
    "PlanFileError",
    "load_plan",
    "plan_from_json",
    "plan_to_json",
    "read_plan",
    "save_plan",
]

PLAN_SUFFIXES = (".drplan", ".json")


def _is_json_path(path: Path) -> bool:
    if path.suffix.lower() == ".json":
        return True
    if path.suffix.lower() == ".drplan":
        return False
    return not read_plan_bytes(path, 16).startswith(SQLITE_MAGIC)


def load_plan(path: str | Path) -> tuple[Plan, list[Problem]]:
    """Read a plan in either format, with the type problems of its items (if any).

    The format is chosen by the extension (``.json`` or ``.drplan``), else by content.
    Raises a :class:`PlanFileError` subclass when the file is not a readable plan: also
    when it is a folder, a pipe, a device or larger than any plan.
    """
    path = Path(path)
    check_plan_file(path)
    if not _is_json_path(path):
        return read_drplan(path)
    try:
        return read_json(path)
    except NotAPlanError as error:
        if path.suffix.lower() == ".json" or error.message.startswith("is too large"):
            raise
        raise NotAPlanError(
            path, "not a DR Planner plan (neither a .drplan file nor a JSON plan)"
        ) from error


def read_plan(path: str | Path) -> Plan:
    """Like :func:`load_plan`, but any type problem raises :class:`InvalidPlanError`."""
    plan, problems = load_plan(path)
    if problems:
        raise InvalidPlanError(path, problems)
    return plan


def save_plan(plan: Plan, path: str | Path) -> None:
    """Save atomically, as JSON when the name ends in ``.json``, else as ``.drplan``."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        write_json(plan, path)
    else:
        write_drplan(plan, path)
