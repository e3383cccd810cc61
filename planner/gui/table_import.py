"""File > Export > Services table… and File > Import > Services table…: the spreadsheet
round trip of services (planner.interop.service_table) in the window.

Both files are read and written off the GUI thread, on a copy of the plan. An import
shows what it would do (added, changed with old and new values, warnings) in
:class:`planner.gui.import_dialog.ImportDiffDialog`, the dialog every import shows;
Apply pushes it as one undo step, Cancel leaves the plan as it was. A table with problems
is refused with its lines, nothing applied.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from planner.gui.document import PlanDocument, describe_save_failure
from planner.gui.import_dialog import ImportDiffDialog
from planner.gui.jobs import Job, JobRunner
from planner.gui.recovery_controller import snapshot
from planner.gui.save_target import save_target
from planner.interop.service_table import (
    TableError,
    TableImport,
    import_edit,
    read_service_table,
    write_service_table,
)

TABLE_FILTER = "Spreadsheets (*.xlsx *.csv);;Excel workbooks (*.xlsx);;CSV files (*.csv)"
MAX_PROBLEM_LINES = 30  # an error dialog beyond that is a wall: the rest are counted


class ServicesTableIO(QObject):
    """The two File menu actions and the jobs behind them, for one window.

    ``window`` provides ``document``, ``ask_open_path``, ``ask_save_path``,
    ``show_error`` and ``show_message`` (the main window does).
    """

    done = Signal(str)  # a one-line outcome for the status bar

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.export_action = QAction("Services &table…", self)
        self.export_action.setStatusTip("Write the services as a spreadsheet (.xlsx or .csv)")
        self.export_action.triggered.connect(lambda: self.export_table())
        self.import_action = QAction("Services &table…", self)
        self.import_action.setStatusTip(
            "Update and add services from a spreadsheet; shows what changes first"
        )
        self.import_action.triggered.connect(lambda: self.import_table())
        self.actions = [self.export_action, self.import_action]
        self.dialog: ImportDiffDialog | None = None
        self.jobs = JobRunner(self)
        self.jobs.finished.connect(self._finished)
        self.jobs.failed.connect(self._failed)
        self.done.connect(self._say)
        # Every change of the plan, so that a table read against an older plan is not
        # applied to a newer one (the worker's copy shares the items: see snapshot).
        self._generation = 0
        self.document.changed.connect(self._plan_changed)

    def _plan_changed(self, *_args: object) -> None:
        self._generation += 1

    @property
    def document(self) -> PlanDocument:
        document: PlanDocument = self.window.document  # type: ignore[attr-defined]
        return document

    def _say(self, message: str) -> None:
        self.window.show_message(message)  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ export

    def export_table(self, path: str | None = None) -> bool:
        """Write the table (asking where when ``path`` is None), off the GUI thread."""
        target = save_target(
            self.window, path, "Export services table", TABLE_FILTER, (".xlsx", ".csv")
        )
        if target is None:
            return False
        copied = snapshot(self.document.plan)
        self.jobs.start(
            lambda _job: write_service_table(copied, target), context=("export", target)
        )
        return True

    # ------------------------------------------------------------------ import

    def import_table(self, path: str | None = None) -> bool:
        """Read a table against a copy of the plan, off the GUI thread; the dialog
        follows (:attr:`dialog`)."""
        if path is None:
            path = self.window.ask_open_path(  # type: ignore[attr-defined]
                "Import services table", TABLE_FILTER
            )
        if not path:
            return False
        copied = snapshot(self.document.plan)
        self.jobs.start(
            lambda _job: read_service_table(copied, path, display=Path(path).name),
            context=("import", path, self._generation),
        )
        return True

    def wait(self, timeout_ms: int = 60_000) -> bool:
        return self.jobs.wait(timeout_ms)

    def _finished(self, job: Job, value: object) -> None:
        what, *rest = job.context  # type: ignore[misc]
        if what == "export":
            self.done.emit(f"Exported {value} services to {rest[0]}")
            return
        path, generation = rest
        if generation != self._generation:
            # Edited while the file was read: the comparison was made against another
            # plan. Say so rather than apply stale values.
            self.done.emit("The plan changed while the table was read: import it again")
            return
        assert isinstance(value, TableImport)
        self.dialog = ImportDiffDialog(
            "Import services table",
            f"{Path(path).name}: {value.summary()}",
            value.diff(),
            self.window,
        )
        self.dialog.accepted.connect(lambda: self._apply(value))
        self.dialog.open()  # window-modal, not exec(): the event loop keeps running

    def _apply(self, result: TableImport) -> None:
        refusal = self.document.push_or_refusal(
            import_edit(self.document.plan, result), origin=self
        )
        if refusal is None:
            self.done.emit(f"Imported the services table: {result.summary()}")

    def _failed(self, job: Job, error: BaseException) -> None:
        what, *rest = job.context  # type: ignore[misc]
        if what == "export":
            self.window.show_error(  # type: ignore[attr-defined]
                f"Not exported: {describe_save_failure(error, rest[0])}"
            )
            return
        if isinstance(error, TableError):
            lines = error.lines[:MAX_PROBLEM_LINES]
            if len(error.lines) > len(lines):
                lines.append(f"… and {len(error.lines) - len(lines)} more")
            text = "Nothing was imported:\n" + "\n".join(lines)
        else:
            text = f"Nothing was imported: {describe_save_failure(error, rest[0])}"
        self.window.show_error(text)  # type: ignore[attr-defined]
