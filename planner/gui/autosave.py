"""Recovery copies: the open plan is saved aside every minute while it has unsaved changes.

A copy lives in the user's data folder under a name derived from the plan's path (or
"untitled"), beside a small JSON note naming the original. Saving the plan or closing
it normally deletes the copy; a copy still there at the next start means the program
ended unexpectedly, and the window offers to restore it.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer

from planner.gui.document import PlanDocument
from planner.model import Plan
from planner.storage import PlanFileError, load_plan, save_plan

INTERVAL_MS = 60_000


def default_directory() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".drplanner") / "autosave"


def _key(path: Path | None) -> str:
    if path is None:
        return "untitled"
    return hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class RecoveryCopy:
    copy_path: Path
    original: Path | None
    saved_at: float

    def load(self) -> Plan | None:
        try:
            plan, problems = load_plan(self.copy_path)
        except PlanFileError:
            return None
        return None if problems else plan


class Autosaver(QObject):
    """Writes the recovery copy of one document on a timer; deletes it once saved."""

    def __init__(
        self,
        document: PlanDocument,
        directory: Path | None = None,
        interval_ms: int = INTERVAL_MS,
    ) -> None:
        super().__init__()
        self.document = document
        self.directory = directory or default_directory()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.save_copy)
        self.timer.start()
        self._copy_key = _key(document.path)
        document.fileChanged.connect(self._file_changed)

    def copy_paths(self, path: Path | None) -> tuple[Path, Path]:
        return self._paths_for(_key(path))

    def _paths_for(self, key: str) -> tuple[Path, Path]:
        """The recovery copy and its note, for a plan's key."""
        return self.directory / f"{key}.drplan", self.directory / f"{key}.json"

    def save_copy(self) -> Path | None:
        """Write the recovery copy now if there are unsaved changes; return its path."""
        if not self.document.modified:
            return None
        self.directory.mkdir(parents=True, exist_ok=True)
        plan_copy, note = self.copy_paths(self.document.path)
        try:
            save_plan(self.document.plan, plan_copy)
            original = str(self.document.path) if self.document.path else None
            note.write_text(json.dumps({"original": original, "saved_at": time.time()}))
        except (PlanFileError, OSError):
            return None  # autosave must never interrupt the user; the next tick retries
        self._copy_key = _key(self.document.path)
        return plan_copy

    def discard(self, path: Path | None = None) -> None:
        for stale in self.copy_paths(path if path is not None else self.document.path):
            stale.unlink(missing_ok=True)

    def _file_changed(self) -> None:
        if _key(self.document.path) != self._copy_key:
            # Saved under a new name: the copy kept under the old name is obsolete.
            for stale in self._paths_for(self._copy_key):
                stale.unlink(missing_ok=True)
            self._copy_key = _key(self.document.path)
        if not self.document.modified:
            self.discard()

    def find_copy(self, path: Path | None) -> RecoveryCopy | None:
        """A recovery copy for ``path`` newer than the file itself, if one was left."""
        plan_copy, note = self.copy_paths(path)
        if not plan_copy.exists():
            return None
        try:
            saved_at = float(json.loads(note.read_text()).get("saved_at", 0))
        except (OSError, ValueError, AttributeError):
            saved_at = plan_copy.stat().st_mtime
        if path is not None and path.exists() and path.stat().st_mtime > saved_at:
            return None  # the file was saved after the copy: nothing to recover
        return RecoveryCopy(plan_copy, path, saved_at)
