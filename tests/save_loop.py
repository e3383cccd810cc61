"""Kill a process that is saving a plan, and check what it leaves behind.

Run as a script, this is the victim: ``python tests/save_loop.py PATH SERVERS`` saves
version 0, 1, 2, ... of a large plan to PATH with ``save_plan`` and prints
``saved N`` after each save returns. ``kill_once`` is the killer, shared by
tests/test_atomic_save.py and benchmarks/kill_save.py: it starts the victim, waits for
its first ``saved`` line, lets a random extra moment pass, SIGKILLs it, and reports
whether the file opens and which version it holds.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from planner.model import Plan, Rack, Server, Service, Site
from planner.storage import PlanFileError, load_plan, plan_to_json, save_plan

HERE = Path(__file__).resolve().parent


def make_plan(version: int, servers: int) -> Plan:
    """Version ``version`` of the big plan: every server and the count differ per version."""
    count = servers + version % 5
    racks = max(1, count // 40)
    return Plan(
        name=f"version {version}",
        sites=[Site("pangyo", "Pangyo")],
        racks=[Rack(f"r{i}", "pangyo", f"rack {i}") for i in range(racks)],
        servers=[
            Server(f"s{i}", f"r{i % racks}", f"server {i} v{version}", position=1 + i // racks % 42)
            for i in range(count)
        ],
        services=[Service("all", "Everything", restore_minutes=version, servers=["s0"])],
    )


def temporaries(path: Path) -> list[Path]:
    """Temporary files a save beside ``path`` may leave when killed mid-save."""
    return sorted(path.parent.glob(f".{path.name}.*.tmp"))


@dataclass
class KillResult:
    confirmed: int  # the last version the victim said it had saved
    found: int | None  # the version in the file afterwards (None: it did not open)
    error: str | None  # why it did not open, or why its contents are wrong
    delay: float  # seconds between the first "saved" line and the kill

    @property
    def openable(self) -> bool:
        return self.found is not None and self.error is None

    @property
    def which(self) -> str:
        if not self.openable or self.found is None:
            return "unreadable"
        if self.found == self.confirmed:
            return "old"  # the save under way when killed did not take effect
        if self.found == self.confirmed + 1:
            return "new"  # it took effect, the kill came before "saved" was printed
        return f"unexpected version {self.found}"


def kill_once(path: Path, servers: int, delay: float, start_timeout: float = 120) -> KillResult:
    """Start the victim, SIGKILL it ``delay`` seconds after its first save, check ``path``."""
    victim = subprocess.Popen(
        [sys.executable, str(HERE / "save_loop.py"), str(path), str(servers)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert victim.stdout is not None
        first = victim.stdout.readline()  # blocks until version 0 is completely saved
        if not first.startswith("saved "):
            raise RuntimeError(f"the saving process did not start: {first!r}")
        time.sleep(delay)  # where in the save loop the kill lands: chosen at random
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(timeout=start_timeout)
        rest = victim.stdout.read()
    finally:
        if victim.poll() is None:
            victim.kill()
            victim.wait()
        if victim.stdout is not None:
            victim.stdout.close()
    assert victim.returncode == -signal.SIGKILL
    lines = [first, *rest.splitlines()]
    confirmed = max(int(line.split()[1]) for line in lines if line.startswith("saved "))
    try:
        plan, problems = load_plan(path)
    except PlanFileError as error:
        return KillResult(confirmed, None, str(error), delay)
    found = int(plan.name.split()[1])
    if problems or plan_to_json(plan) != plan_to_json(make_plan(found, servers)):
        return KillResult(confirmed, found, "contents differ from the version saved", delay)
    return KillResult(confirmed, found, None, delay)


def main(argv: list[str]) -> int:
    path, servers = Path(argv[0]), int(argv[1])
    version = 0
    while True:
        save_plan(make_plan(version, servers), path)
        print(f"saved {version}", flush=True)
        version += 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
