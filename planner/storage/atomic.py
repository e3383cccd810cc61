"""Atomic replacement of a file: write beside it, flush to disk, then rename over it."""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path


@contextlib.contextmanager
def _temporary_beside(target: Path) -> Iterator[Path]:
    # Same folder as the target, so that os.replace is a rename on one file system.
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
    finally:
        temporary.unlink(missing_ok=True)


def _fsync_path(path: Path, directory: bool = False) -> None:
    flags = os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if directory else 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return  # some platforms cannot open a directory; the rename is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def replace_atomically(target: str | Path, write: Callable[[Path], object]) -> None:
    """Call ``write(temporary_path)``, then move the result over ``target`` in one step.

    A crash or kill at any moment leaves either the old file or the new one, never a
    mixture; a temporary file may be left behind, which is harmless.
    """
    target = Path(target)
    with _temporary_beside(target) as temporary:
        write(temporary)
        _fsync_path(temporary)
        # mkstemp creates 0600 files: give the result the mode any other program's new
        # file would have (0666 less the umask), or keep the mode of the file it replaces.
        os.chmod(temporary, mode_for(target))
        os.replace(temporary, target)
    _fsync_path(target.parent, directory=True)
    _remove_stale_temporaries(target)


STALE_AFTER_S = 600  # a save still writing after ten minutes is not ours to race


def _remove_stale_temporaries(target: Path) -> None:
    """Delete temporaries that a killed save left beside ``target`` (old ones only)."""
    now = time.time()
    for leftover in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        try:
            if now - leftover.stat().st_mtime > STALE_AFTER_S:
                leftover.unlink()
        except OSError:
            pass  # gone already, or not ours to delete: harmless either way


def write_bytes_atomically(target: str | Path, data: bytes) -> None:
    """Replace ``target`` with ``data`` atomically (e.g. an exported PDF)."""
    replace_atomically(target, lambda temporary: temporary.write_bytes(data))


def mode_for(target: Path) -> int:
    """Permission bits for a file written to ``target``."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        return 0o666 & ~current_umask()


def current_umask() -> int:
    """The process umask, read without changing it where the system allows."""
    # os.umask can only be read by setting it; between the two calls another thread's
    # new file would get umask 0. Linux reports it in /proc (since 4.7).
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
