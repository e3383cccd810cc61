"""Recovery copies: the open plan is saved aside every minute while it has unsaved changes.

A copy lives in the user's data folder under a name derived from the plan's path (or
"untitled"), beside a small JSON note naming the original. A copy still there at the next
start means the program ended unexpectedly, and the window offers to restore it.

A session deletes only the copy it owns: the one it wrote, or one it restored and adopted.
A copy left by an earlier session is never removed behind the user's back (opening its
plan, a new plan or a save does not touch it); it goes when the user declines the offer.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer, Signal

from planner.gui.document import PlanDocument, describe_save_failure
from planner.model import Plan
from planner.storage import PlanFileError, load_plan, save_plan

INTERVAL_MS = 60_000
INTERVAL_VARIABLE = "DRPLANNER_AUTOSAVE_MS"  # tests set a short interval through this


def default_directory() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".drplanner") / "autosave"


def interval_from_environment(default: int = INTERVAL_MS) -> tuple[int, str | None]:
    """The interval set by ``DRPLANNER_AUTOSAVE_MS`` (else ``default``) and a warning if
    the value is not a whole number of milliseconds from 100 to 86,400,000."""
    raw = os.environ.get(INTERVAL_VARIABLE, "").strip()
    if not raw:
        return default, None
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if not 100 <= value <= 86_400_000:
        return default, (
            f"{INTERVAL_VARIABLE}={raw!r} ignored: give milliseconds from 100 to 86400000"
        )
    return value, None


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
        except (PlanFileError, OSError, RecursionError, ValueError):
            return None
        return None if problems else plan


class Autosaver(QObject):
    """Writes the recovery copy of one document on a timer; deletes it once saved."""

    failed = Signal(str)  # a copy could not be written; one line for the user

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
        self._owned: str | None = None  # key of the copy this session wrote or adopted
        self._last_failure: str | None = None
        document.fileChanged.connect(self._file_changed)

    def copy_paths(self, path: Path | None) -> tuple[Path, Path]:
        return self._paths_for(_key(path))

    def _paths_for(self, key: str) -> tuple[Path, Path]:
        """The recovery copy and its note, for a plan's key."""
        return self.directory / f"{key}.drplan", self.directory / f"{key}.json"

    def save_copy(self) -> Path | None:
        """Write the recovery copy now if there are unsaved changes; return its path.

        A failure never interrupts the user and never raises (this runs from a timer);
        it is reported once through :attr:`failed`, and the next tick retries."""
        if not self.document.modified:
            return None
        key = _key(self.document.path)
        plan_copy, note = self._paths_for(key)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            save_plan(self.document.plan, plan_copy)
            original = str(self.document.path) if self.document.path else None
            note.write_text(json.dumps({"original": original, "saved_at": time.time()}))
        except Exception as error:  # whatever the encoder raises: keep going
            message = f"Recovery copy not written: {describe_save_failure(error)}"
            if message != self._last_failure:
                self._last_failure = message
                self.failed.emit(message)
            return None
        self._last_failure = None
        if self._owned is not None and self._owned != key:
            self._delete(self._owned)  # the plan now has another name; its old copy is stale
        self._owned = key
        return plan_copy

    def adopt(self, path: Path | None) -> None:
        """Own the copy of ``path`` (it was restored): deleted once the plan is saved."""
        if self._owned is not None and self._owned != _key(path):
            self._delete(self._owned)
        self._owned = _key(path)

    def discard(self) -> None:
        """Delete this session's copy (the plan was saved, or its changes dropped)."""
        if self._owned is not None:
            self._delete(self._owned)
            self._owned = None

    def discard_left(self, path: Path | None) -> None:
        """Delete the copy of ``path`` left by an earlier session (the user declined it)."""
        self._delete(_key(path))
        if self._owned == _key(path):
            self._owned = None

    def _delete(self, key: str) -> None:
        for stale in self._paths_for(key):
            stale.unlink(missing_ok=True)

    def _file_changed(self) -> None:
        if not self.document.modified:
            self.discard()  # saved, or another plan replaced it: this session's copy goes

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
