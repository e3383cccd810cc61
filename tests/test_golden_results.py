"""No speed work changes a result: every per-service result of every example scenario
(both objectives) and of four scale-plan scenarios equals the recorded one, field by field.

The recorded files are written by ``tests/golden_results.py``; see there when to rewrite.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from planner.engine.recovery import RecoveryResult
from tests.golden_results import (
    EXAMPLE_FILE,
    SCALE_FILE,
    example_cases,
    lines_of,
    read_lines,
    scale_cases,
)


def _first_difference(expected: list[str], actual: list[str]) -> str:
    for number, (want, got) in enumerate(zip(expected, actual, strict=False), 1):
        if want != got:
            return f"line {number} differs:\n  recorded {want}\n  computed {got}"
    return f"{len(expected)} lines recorded, {len(actual)} computed"


@pytest.mark.parametrize(
    ("path", "cases"),
    [(EXAMPLE_FILE, example_cases), (SCALE_FILE, scale_cases)],
    ids=["examples", "scale"],
)
def test_results_equal_the_recorded_ones(
    path: Path, cases: Callable[[], Iterator[tuple[str, RecoveryResult]]]
) -> None:
    expected = read_lines(path)
    actual = lines_of(cases())
    assert len(expected) > 100
    assert actual == expected, _first_difference(expected, actual)
