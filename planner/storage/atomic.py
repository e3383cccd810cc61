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


def replace_atomically(target: str | Path, write: Callable[[Path], None]) -> None:
    """Call ``write(temporary_path)``, then move the result over ``target`` in one step.

    A crash or kill at any moment leaves either the old file or the new one, never a
    mixture; a temporary file may be left behind, which is harmless.
    """
    target = Path(target)
    with _temporary_beside(target) as temporary:
        write(temporary)
        _fsync_path(temporary)
        if target.exists():
            # mkstemp creates 0600 files; keep the permissions the user gave the plan.
            os.chmod(temporary, target.stat().st_mode & 0o777)
        else:
            os.chmod(temporary, 0o666 & ~_umask())
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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
