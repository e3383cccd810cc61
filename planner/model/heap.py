"""The cyclic garbage collector around work that builds a big plan's objects."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside (reference counting still frees).

    Reading a big plan or building its views allocates hundreds of thousands of objects
    that all live on, and each allocation burst would start collections that walk the
    growing heap again and again for nothing (about half the time of reading the scale
    plan, or of laying out its dependency graph). The collector is left as it was
    found, so nesting is fine.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
