"""The live NetBox suite: a real NetBox 4.2 on 127.0.0.1, started by ../shared/netbox.

``start.sh`` is run under an exclusive lock (``$TMPDIR/drplanner-netbox.lock``), which
``.ci/run`` also takes while it starts NetBox in the background before the other
suites: here the test waits on the lock, never on a timer. When NetBox cannot start,
the tests fail with the script's own line saying why; they are never skipped.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
SHARED = Path(os.environ.get("DRPLANNER_SHARED", REPO.parent / "shared"))
START = SHARED / "netbox" / "start.sh"
LOCK = Path(tempfile.gettempdir()) / "drplanner-netbox.lock"


@dataclass(frozen=True)
class LiveNetbox:
    url: str
    token_file: Path


@pytest.fixture(scope="session")
def netbox() -> Iterator[LiveNetbox]:
    if not START.exists():
        pytest.fail(f"NetBox cannot start: {START} is missing (../shared/netbox/)")
    with LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # until a start in progress elsewhere is done
        done = subprocess.run(
            ["bash", str(START)], capture_output=True, text=True, timeout=3600, check=False
        )
    if done.returncode != 0:
        why = [line for line in done.stderr.splitlines() if line.strip()][-1:] or ["no output"]
        pytest.fail(f"NetBox did not start: {why[0]}")
    found = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    yield LiveNetbox(found["NETBOX_URL"], Path(found["NETBOX_TOKEN_FILE"]))
