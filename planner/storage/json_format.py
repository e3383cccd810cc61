"""The interchange format: a plan as JSON (see docs/plan-format.md); older versions are
upgraded as they are read (:mod:`planner.storage.migrations`)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from planner.model.plan import Plan
from planner.model.problems import Problem
from planner.storage.atomic import replace_atomically
from planner.storage.errors import NewerVersionError, NotAPlanError, PlanFileError
from planner.storage.files import read_plan_bytes
from planner.storage.records import (
    NewerFormatError,
    PlanFormatError,
    decode_plan,
    encode_plan,
    unsavable_fields,
)


class StrictJSONError(ValueError):
    """JSON that Python's parser would take but a plan may not hold."""


def _reject_constant(name: str) -> Any:
    raise StrictJSONError(f"{name} is not a number in JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        # 1e999 parses as infinity, which no JSON writer can write back
        raise StrictJSONError(f"the number {text[:40]} is too large")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                shown = key if len(key) <= 40 else key[:37] + "..."
                raise StrictJSONError(f"the key '{shown}' appears twice in one object")
            seen.add(key)
    return result


def strict_loads(text: str) -> Any:
    """``json.loads`` that refuses NaN, Infinity, numbers beyond a float and repeated keys
    (Python's parser keeps the last of them silently). Raises ValueError or RecursionError.
    """
    return json.loads(
        text,
        parse_constant=_reject_constant,
        parse_float=_finite_float,
        object_pairs_hook=_unique_keys,
    )


def plan_to_json(plan: Plan) -> str:
    """Canonical JSON text of ``plan``: same plan, same bytes."""
    return records_to_json(encode_plan(plan))


def records_to_json(records: dict[str, Any]) -> str:
    """Plan records as canonical JSON text (2-space indent, UTF-8, final newline)."""
    return json.dumps(records, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def plan_from_json(text: str, path: str | Path = "<json>") -> tuple[Plan, list[Problem]]:
    """Parse JSON text into a plan and the type problems of its items."""
    try:
        data = strict_loads(text)
    except RecursionError:
        raise NotAPlanError(path, "not valid JSON (nested too deeply)") from None
    except ValueError as error:
        raise NotAPlanError(path, f"not valid JSON ({_short(error)})") from None
    if "\\u" in text and not _is_unicode(data):
        # JSON may escape half of a surrogate pair ("\ud800"): not text, cannot be saved.
        raise NotAPlanError(path, "not valid JSON (a \\u escape is a lone surrogate)")
    try:
        return decode_plan(data)
    except NewerFormatError as error:
        raise NewerVersionError(path, str(error)) from None
    except PlanFormatError as error:
        raise NotAPlanError(path, str(error)) from None


def read_json(path: str | Path) -> tuple[Plan, list[Problem]]:
    path = Path(path)
    raw = read_plan_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotAPlanError(path, "not a JSON plan (not UTF-8 text)") from None
    return plan_from_json(text, path)


def write_json(plan: Plan, path: str | Path) -> None:
    text = encodable_text(plan, path, plan_to_json)
    try:
        replace_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    except OSError as error:
        raise PlanFileError(path, f"cannot write: {error.strerror or error}") from None


def encodable_text(plan: Plan, path: str | Path, encode: Callable[[Plan], str]) -> str:
    """``encode(plan)``, or a :class:`PlanFileError` naming what JSON cannot hold."""
    check_savable(plan, path)
    try:
        return encode(plan)
    except (ValueError, TypeError, RecursionError) as error:
        # A known field set to NaN by a program, say: still one line, never a traceback.
        raise PlanFileError(path, f"cannot save: {_short(error)}") from None


def check_savable(plan: Plan, path: str | Path) -> None:
    """Raise a :class:`PlanFileError` naming the first unknown field JSON cannot hold
    (nested too deep, NaN, a value of another type), before any encoder recurses on it."""
    flaws = list(unsavable_fields(plan))
    if flaws:
        more = f" (and {len(flaws) - 1} more)" if len(flaws) > 1 else ""
        raise PlanFileError(path, f"cannot save: {flaws[0]}{more}")


def _is_unicode(data: Any) -> bool:
    # Walked with a stack, not json.dumps: the data may nest deeper than any recursion.
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
    return True


def _short(error: Exception) -> str:
    text = str(error)
    return text if len(text) <= 120 else text[:117] + "..."
