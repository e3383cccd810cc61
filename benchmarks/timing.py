"""Timing helpers the benchmarks share: interleaved rounds, medians, percentiles, growth."""

from __future__ import annotations

import math
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence


def interleaved(rounds: int, *works: Callable[[], object]) -> list[list[float]]:
    """Seconds of each work in each of ``rounds`` rounds; a round runs every work once, so
    works compared as a ratio see the same moments of a busy machine."""
    times: list[list[float]] = [[] for _ in works]
    for _ in range(rounds):
        for k, work in enumerate(works):
            began = time.perf_counter()
            work()
            times[k].append(time.perf_counter() - began)
    return times


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], fraction: float) -> float:
    """The ``fraction`` quantile (0.9 = p90) by the nearest-rank rule."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def growth_exponent(
    small_size: float, small_time: float, big_size: float, big_time: float
) -> float:
    """The k in time ~ size**k through two measurements."""
    return math.log(big_time / small_time) / math.log(big_size / small_size)


def process_seconds(argv: Sequence[str], env: Mapping[str, str] | None = None) -> float:
    """Wall seconds of one child process, from start to exit (its output discarded).
    Raises when the child fails: a benchmark of a failing command measures nothing."""
    began = time.perf_counter()
    done = subprocess.run(list(argv), capture_output=True, check=False, env=env)
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode(errors='replace')}"
        )
    return seconds


PYTHON = sys.executable
