"""Opening a plan file safely: a regular file of bounded size, never a pipe or a device.

Opening a FIFO for reading blocks until a writer appears, and ``/dev/zero`` or
``/dev/urandom`` never end; both would hang or exhaust memory. So the file is opened
without blocking, checked with ``fstat`` on that very descriptor (no race between the
check and the read) and read with a limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from planner.storage.errors import NotAPlanError, PlanFileError

# The 32,000-server scale plan is 6 MB of JSON and 3 MB as .drplan; 40 times that is not
# a plan but a mistake or an attack, and parsing it would take gigabytes of memory.
MAX_PLAN_BYTES = 256 * 1024 * 1024

# Opening a FIFO without O_NONBLOCK waits for a writer (POSIX; Windows has no FIFOs).
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)

_KINDS = (
    (stat.S_ISDIR, "is a folder, not a plan file"),
    (stat.S_ISFIFO, "is a named pipe (FIFO), not a plan file"),
    (stat.S_ISCHR, "is a device, not a plan file"),
    (stat.S_ISBLK, "is a device, not a plan file"),
    (stat.S_ISSOCK, "is a socket, not a plan file"),
)


def _open_regular(path: Path) -> int:
    """A descriptor of ``path`` (symlinks followed) once it is known to be a regular file."""
    flags = os.O_RDONLY | _NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise PlanFileError(path, "no such file") from None
    except OSError as error:
        raise PlanFileError(path, f"cannot read: {error.strerror or error}") from None
    try:
        mode = os.fstat(fd).st_mode
        for test, message in _KINDS:
            if test(mode):
                raise PlanFileError(path, message)
        if not stat.S_ISREG(mode):
            raise PlanFileError(path, "is not a regular file, not a plan file")
        if _NONBLOCK:
            os.set_blocking(fd, True)  # a regular file: ordinary reads from here on
    except BaseException:
        os.close(fd)
        raise
    return fd


def check_plan_file(path: str | Path, size_limit: int = MAX_PLAN_BYTES) -> int:
    """Raise a :class:`PlanFileError` unless ``path`` is a readable regular file of at
    most ``size_limit`` bytes; return its size."""
    path = Path(path)
    fd = _open_regular(path)
    try:
        size = os.fstat(fd).st_size
    finally:
        os.close(fd)
    _check_size(path, size, size_limit)
    return size


def read_plan_bytes(path: str | Path, count: int | None = None) -> bytes:
    """The first ``count`` bytes of ``path`` (all of it when None, within the limit)."""
    path = Path(path)
    fd = _open_regular(path)
    try:
        _check_size(path, os.fstat(fd).st_size, MAX_PLAN_BYTES)
        # A regular file may still grow, or lie about its size (/proc): read one byte
        # past the limit at most, and refuse if it is there.
        wanted = MAX_PLAN_BYTES + 1 if count is None else count
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(wanted)
    except OSError as error:
        raise PlanFileError(path, f"cannot read: {error.strerror or error}") from None
    finally:
        os.close(fd)
    if count is None:
        _check_size(path, len(data), MAX_PLAN_BYTES)
    return data


def _check_size(path: Path, size: int, limit: int) -> None:
    if size > limit:
        raise NotAPlanError(
            path, f"is too large to be a plan ({size:,} bytes; the limit is {limit:,})"
        )
