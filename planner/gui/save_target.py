"""Where an export goes: the path given, or the one the user picks, with the first of
the export's suffixes added when the name has none of them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QWidget


def save_target(
    window: QWidget, path: str | None, title: str, file_filter: str, suffixes: Sequence[str]
) -> Path | None:
    """``path``, or the answer of ``window.ask_save_path(title, file_filter)``; None when
    the user cancels. ``deps`` becomes ``deps.graphml`` for ``(".graphml", ".dot")``."""
    if path is None:
        path = window.ask_save_path(title, file_filter)  # type: ignore[attr-defined]
    if not path:
        return None
    target = Path(path)
    if target.suffix.lower() not in suffixes:
        target = target.with_name(target.name + suffixes[0])
    return target
