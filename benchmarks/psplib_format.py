"""A small reader for PSPLIB single-mode ``.sm`` files and their result tables.

PyPI ``psplib`` is deliberately not a dependency: the format is simple enough that this
module reads it in a few dozen lines, and the benchmark and tests only need durations,
successors, demands, capacities and the MPM (critical path) time.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SmInstance:
    """One PSPLIB instance; jobs are renumbered from 0 (the file numbers them from 1)."""

    name: str
    durations: tuple[int, ...]
    successors: tuple[tuple[int, ...], ...]
    demands: tuple[tuple[int, ...], ...]
    capacities: tuple[int, ...]
    mpm_time: int | None

    def predecessors(self) -> tuple[tuple[int, ...], ...]:
        """Predecessor lists derived from the successor lists of the file."""
        preds: list[list[int]] = [[] for _ in self.durations]
        for i, succ in enumerate(self.successors):
            for j in succ:
                preds[j].append(i)
        return tuple(tuple(p) for p in preds)


def default_psplib_dir(repo_root: Path | None = None) -> Path:
    """``$PSPLIB_DIR`` if set, else ``<repo>/../shared/benchmarks/psplib``."""
    env = os.environ.get("PSPLIB_DIR")
    if env:
        return Path(env)
    root = repo_root if repo_root is not None else Path(__file__).resolve().parent.parent
    return root.parent / "shared" / "benchmarks" / "psplib"


def _section(lines: list[str], title: str) -> int:
    for k, line in enumerate(lines):
        if line.strip().upper().startswith(title):
            return k
    raise ValueError(f"section {title!r} not found")


def parse_sm(path: Path) -> SmInstance:
    """Parse a single-mode PSPLIB file (renewable resources only)."""
    lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    mpm: int | None = None
    k = _section(lines, "PROJECT INFORMATION")
    fields = lines[k + 2].split()
    if len(fields) >= 6:
        mpm = int(fields[5])

    k = _section(lines, "PRECEDENCE RELATIONS") + 2
    succ: list[tuple[int, ...]] = []
    while not lines[k].startswith("*"):
        f = [int(x) for x in lines[k].split()]
        n_succ = f[2]
        succ.append(tuple(x - 1 for x in f[3 : 3 + n_succ]))
        k += 1

    k = _section(lines, "REQUESTS/DURATIONS") + 3
    durations: list[int] = []
    demands: list[tuple[int, ...]] = []
    while not lines[k].startswith("*"):
        f = [int(x) for x in lines[k].split()]
        durations.append(f[2])
        demands.append(tuple(f[3:]))
        k += 1

    k = _section(lines, "RESOURCEAVAILABILITIES") + 2
    capacities = tuple(int(x) for x in lines[k].split())
    if len(succ) != len(durations):
        raise ValueError(f"{path}: {len(succ)} precedence rows but {len(durations)} jobs")
    return SmInstance(
        name=Path(path).stem,
        durations=tuple(durations),
        successors=tuple(succ),
        demands=tuple(demands),
        capacities=capacities,
        mpm_time=mpm,
    )


_NAME = re.compile(r"j(\d+?)(\d+)_(\d+)\.sm$")


def instance_key(set_size: int, path: Path) -> tuple[int, int]:
    """(parameter group, instance) from a file name such as ``j3012_7.sm``."""
    stem = Path(path).name
    prefix = f"j{set_size}"
    if not stem.startswith(prefix):
        raise ValueError(f"unexpected file name {stem}")
    par, inst = stem[len(prefix) :].removesuffix(".sm").split("_")
    return int(par), int(inst)


def read_par_inst_table(path: Path, value_col: int = 2) -> dict[tuple[int, int], int]:
    """Rows ``par inst value ...`` of the classic PSPLIB tables (opt, hrs, lb files)."""
    out: dict[tuple[int, int], int] = {}
    for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
        f = line.split()
        if len(f) > value_col and all(x.isdigit() for x in f[: value_col + 1]):
            out[(int(f[0]), int(f[1]))] = int(f[value_col])
    return out


def read_lb_table(path: Path) -> dict[tuple[int, int], tuple[int, int]]:
    """``j*lb.sm``: (par, inst) -> (upper bound, lower bound)."""
    out: dict[tuple[int, int], tuple[int, int]] = {}
    for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
        f = line.split()
        if len(f) >= 4 and all(x.isdigit() for x in f[:4]):
            out[(int(f[0]), int(f[1]))] = (int(f[2]), int(f[3]))
    return out


def read_bks_csv(path: Path) -> dict[int, tuple[str, int]]:
    """``J*_BKS.csv``/``J60_C.csv``: sequential ID -> (type, value); ID 10*(par-1)+inst."""
    out: dict[int, tuple[str, int]] = {}
    for line in Path(path).read_text(encoding="utf-8-sig", errors="replace").splitlines():
        f = line.split(";")
        if len(f) >= 3 and f[0].strip().isdigit() and f[2].strip().isdigit():
            out[int(f[0])] = (f[1].strip(), int(f[2]))
    return out
