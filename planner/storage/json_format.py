"""The interchange format v1: a plan as JSON (see docs/plan-format.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from planner.model.plan import Plan
from planner.model.problems import Problem
from planner.storage.atomic import replace_atomically
from planner.storage.errors import NotAPlanError, PlanFileError
from planner.storage.records import PlanFormatError, decode_plan, encode_plan

# Plans are small documents; a multi-gigabyte "plan" is an attack or a mistake.
MAX_JSON_BYTES = 512 * 1024 * 1024


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number in JSON")


def plan_to_json(plan: Plan) -> str:
    """Canonical JSON text of ``plan``: same plan, same bytes."""
    return records_to_json(encode_plan(plan))


def records_to_json(records: dict[str, Any]) -> str:
    """Format-v1 records as canonical JSON text (2-space indent, UTF-8, final newline)."""
    return json.dumps(records, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def plan_from_json(text: str, path: str | Path = "<json>") -> tuple[Plan, list[Problem]]:
    """Parse JSON text into a plan and the type problems of its items."""
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as error:
        raise NotAPlanError(path, f"not valid JSON ({_short(error)})") from None
    if "\\u" in text and not _is_unicode(data):
        # JSON may escape half of a surrogate pair ("\ud800"): not text, cannot be saved.
        raise NotAPlanError(path, "not valid JSON (a \\u escape is a lone surrogate)")
    try:
        return decode_plan(data)
    except PlanFormatError as error:
        raise NotAPlanError(path, str(error)) from None


def read_json(path: str | Path) -> tuple[Plan, list[Problem]]:
    path = Path(path)
    try:
        if path.stat().st_size > MAX_JSON_BYTES:
            raise NotAPlanError(path, "file is too large to be a plan")
        raw = path.read_bytes()
    except OSError as error:
        raise PlanFileError(path, f"cannot read: {error.strerror or error}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotAPlanError(path, "not a JSON plan (not UTF-8 text)") from None
    return plan_from_json(text, path)


def write_json(plan: Plan, path: str | Path) -> None:
    text = plan_to_json(plan)
    try:
        replace_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    except OSError as error:
        raise PlanFileError(path, f"cannot write: {error.strerror or error}") from None


def _is_unicode(data: Any) -> bool:
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _short(error: Exception) -> str:
    text = str(error)
    return text if len(text) <= 120 else text[:117] + "..."
