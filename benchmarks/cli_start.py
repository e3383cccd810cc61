"""How long a ``drplanner`` process takes to start, against Python's own start.

Run ``.venv/bin/python benchmarks/cli_start.py [--repeats N]``. Each row is a fresh
process, wall time from spawn to exit, timed interleaved in one run with the references
``python -c pass`` and ``python -S -c pass`` (no site packages), medians printed:

- ``drplanner --version``
- ``drplanner validate`` of the bundled 10-service example plan (resources/examples)

Each process runs ``python -m planner`` with this checkout first on ``PYTHONPATH``, the
same interpreter as this script, with its bytecode cached as an installed program has
it (pip compiles at install): ``PYTHONDONTWRITEBYTECODE`` is dropped and the cache goes
to a temporary ``PYTHONPYCACHEPREFIX``, filled by one untimed run of each command.
Target (issue 12): <= 0.3 s wall each. The modules each command must never import
(PySide6 for ``--version``; pandas, numpy and sqlite_utils for both; networkx for
``validate`` of a plan without cycles) are checked here too, from ``-X importtime``, and
by ``tests/test_cli.py``.

``measure(repeats)`` returns the figures for ``benchmarks/end_to_end.py``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "resources" / "examples" / "pangyo.drplan"
TARGET_S = 0.3

REFERENCES = {"python -c pass": ["-c", "pass"], "python -S -c pass": ["-S", "-c", "pass"]}
COMMANDS = {
    "drplanner --version": (["-m", "planner", "--version"], ("PySide6", "pandas", "numpy")),
    f"drplanner validate {EXAMPLE.name}": (
        ["-m", "planner", "validate", str(EXAMPLE)],
        ("PySide6", "pandas", "numpy", "sqlite_utils", "networkx"),
    ),
}
ALWAYS_FORBIDDEN = ("sqlite_utils",)


@dataclass(frozen=True)
class Row:
    what: str
    wall_s: float  # median wall time of the process
    reference: bool  # a reference row (Python alone), not a target
    imported: tuple[str, ...] = ()  # forbidden modules it imported (empty: none)

    @property
    def met(self) -> bool:
        return self.reference or (self.wall_s <= TARGET_S and not self.imported)


_BYTECODE = tempfile.mkdtemp(prefix="drplanner-bytecode-")


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = _BYTECODE
    return env


def _run(arguments: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, *arguments],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return time.perf_counter() - start


def imported_modules(arguments: list[str]) -> set[str]:
    """The top-level packages a process imports, read from ``-X importtime``."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *arguments],
        env=environment(),
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    found = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            found.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return found


def measure(repeats: int = 15) -> list[Row]:
    """One row per reference and per command, timed interleaved, medians."""
    env = environment()
    runs = {**{k: v for k, v in REFERENCES.items()}, **{k: v[0] for k, v in COMMANDS.items()}}
    for arguments in runs.values():
        _run(arguments, env)  # warm the file cache and the bytecode cache
    times: dict[str, list[float]] = {what: [] for what in runs}
    for _ in range(repeats):
        for what, arguments in runs.items():
            times[what].append(_run(arguments, env))
    rows = [Row(what, statistics.median(times[what]), True) for what in REFERENCES]
    for what, (arguments, forbidden) in COMMANDS.items():
        seen = imported_modules(arguments)
        bad = (set(forbidden) | set(ALWAYS_FORBIDDEN)) & seen
        rows.append(Row(what, statistics.median(times[what]), False, tuple(sorted(bad))))
    return rows


def table(rows: list[Row]) -> str:
    reference = next(r.wall_s for r in rows if r.what == "python -c pass")
    lines = [f"{'process':<38} {'wall':>9} {'vs python':>10}  target"]
    for row in rows:
        if row.reference:
            verdict = "(reference)"
        else:
            verdict = f"<= {TARGET_S:g} s {'met' if row.met else 'NOT met'}"
            if row.imported:
                verdict += f"; imported {', '.join(row.imported)}"
        ratio = row.wall_s / reference
        lines.append(f"{row.what:<38} {row.wall_s * 1000:>6.0f} ms {ratio:>9.1f}x  {verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args(argv)
    print(table(measure(args.repeats)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
