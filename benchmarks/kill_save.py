"""SIGKILL a process saving a large plan, many times, and tabulate what is left.

    .venv/bin/python benchmarks/kill_save.py [--kills 50] [--servers 20000] [--seed N]

Each round starts tests/save_loop.py, which saves version 0, 1, 2, ... of a plan with
SERVERS servers to one .drplan path and prints a line after each save; after the first
line a random extra delay passes and the process is killed. Then the file is opened:
it must hold the last version confirmed ("old") or the one being saved ("new"). Stale
temporary files (``.NAME.*.tmp``, left when the kill lands mid-save) are counted, not
removed, so the last column grows with each kill that interrupted a write.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from save_loop import kill_once, temporaries


def run(kills: int, servers: int, max_delay: float, seed: int) -> int:
    rng = random.Random(seed)
    which: Counter[str] = Counter()
    openable = 0
    started = time.perf_counter()
    print(f"# {kills} kills of a process saving {servers} servers; seed {seed}")
    header = f"{'kill':>4}  {'delay s':>7}  {'openable':>8}  {'version':<10}  "
    print(header + f"{'stale temp files':>16}")
    with tempfile.TemporaryDirectory(prefix="kill_save.") as folder:
        path = Path(folder) / "plan.drplan"
        for kill in range(1, kills + 1):
            result = kill_once(path, servers, delay=rng.uniform(0.0, max_delay))
            openable += result.openable
            which[result.which] += 1
            stale = len(temporaries(path))
            print(
                f"{kill:>4}  {result.delay:>7.3f}  {'yes' if result.openable else 'NO':>8}  "
                f"{result.which:<10}  {stale:>16}",
                flush=True,
            )
            if result.error:
                print(f"      {result.error}", flush=True)
        stale = len(temporaries(path))
    elapsed = time.perf_counter() - started
    versions = ", ".join(f"{name} {count}" for name, count in sorted(which.items()))
    print()
    print(f"{'kills':>5}  {'openable':>8}  {'which version':<24}  {'stale temp files left':>21}")
    print(f"{kills:>5}  {openable:>8}  {versions:<24}  {stale:>21}")
    print(f"# {elapsed:.1f} s in all")
    return 0 if openable == kills and which["old"] + which["new"] == kills else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--servers", type=int, default=20_000)
    parser.add_argument("--max-delay", type=float, default=1.2, help="seconds (default 1.2)")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    seed = random.randrange(2**32) if args.seed is None else args.seed
    return run(args.kills, args.servers, args.max_delay, seed)


if __name__ == "__main__":
    sys.exit(main())
