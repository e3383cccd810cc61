"""File > Export services table… and Import services table…: the spreadsheet round trip
of services (planner.interop.service_table) in the window.

Both files are read and written off the GUI thread, on a copy of the plan. An import
shows what it would do (added, changed with old and new values, warnings) in
:class:`TableImportDialog`; Apply pushes it as one undo step, Cancel leaves the plan as
it was. A table with problems is refused with its lines, nothing applied.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.gui.document import PlanDocument, describe_save_failure
from planner.gui.jobs import Job, JobRunner
from planner.gui.recovery_controller import snapshot
from planner.interop.service_table import (
    TableError,
    TableImport,
    import_edit,
    read_service_table,
    write_service_table,
)
from planner.model.text import printable

TABLE_FILTER = "Spreadsheets (*.xlsx *.csv);;Excel workbooks (*.xlsx);;CSV files (*.csv)"
MAX_PROBLEM_LINES = 30  # an error dialog beyond that is a wall: the rest are counted


class TableImportDialog(QDialog):
    """What an import would do, in three lists (Added, Changed, Warnings); Apply or
    Cancel."""

    def __init__(self, result: TableImport, source: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import services table")
        self.result = result
        layout = QVBoxLayout(self)
        heading = QLabel(f"<b>{_html(Path(source).name)}</b>: {_html(result.summary())}")
        heading.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(heading)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        layout.addWidget(self.tree, 1)
        self.sections: dict[str, QTreeWidgetItem] = {}
        by_id = {s.id: s for s in result.services}
        added = [f"{s.name} ({s.id})" for s in result.added]
        changed: list[tuple[str, list[str]]] = []
        for service_id, changes in result.changed.items():
            name = by_id[service_id].name
            values = [f"{c.label}: {_value(c.before)} → {_value(c.after)}" for c in changes]
            changed.append(
                (f"{name} ({service_id}): {', '.join(c.label for c in changes)}", values)
            )
        self._section("Added", [(line, []) for line in added])
        self._section("Changed", changed)
        self._section("Warnings", [(line, []) for line in result.warnings], expanded=False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = buttons.addButton("Apply", QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setEnabled(bool(result))
        self.apply_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 480)

    def _section(
        self, title: str, entries: list[tuple[str, list[str]]], expanded: bool = True
    ) -> None:
        section = QTreeWidgetItem(self.tree, [f"{title} ({len(entries)})"])
        font = section.font(0)
        font.setBold(True)
        section.setFont(0, font)
        for line, details in entries:
            item = QTreeWidgetItem(section, [printable(line)])
            for detail in details:
                QTreeWidgetItem(item, [printable(detail)])
            item.setExpanded(len(details) <= 3)
        section.setExpanded(expanded and bool(entries))
        self.sections[title] = section

    def lines(self, title: str) -> list[str]:
        """The top-level lines of a section, as shown (for tests)."""
        section = self.sections[title]
        return [section.child(i).text(0) for i in range(section.childCount())]


def _value(text: str) -> str:
    return f"'{text}'" if text else "(blank)"


def _html(text: str) -> str:
    return printable(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class ServicesTableIO(QObject):
    """The two File menu actions and the jobs behind them, for one window.

    ``window`` provides ``document``, ``ask_open_path``, ``ask_save_path``,
    ``show_error`` and ``show_message`` (the main window does).
    """

    done = Signal(str)  # a one-line outcome for the status bar

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.export_action = QAction("Export services &table…", self)
        self.export_action.setStatusTip("Write the services as a spreadsheet (.xlsx or .csv)")
        self.export_action.triggered.connect(lambda: self.export_table())
        self.import_action = QAction("Import services ta&ble…", self)
        self.import_action.setStatusTip(
            "Update and add services from a spreadsheet; shows what changes first"
        )
        self.import_action.triggered.connect(lambda: self.import_table())
        self.actions = [self.export_action, self.import_action]
        self.dialog: TableImportDialog | None = None
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
        if path is None:
            path = self.window.ask_save_path(  # type: ignore[attr-defined]
                "Export services table", TABLE_FILTER
            )
        if not path:
            return False
        target = Path(path)
        if target.suffix.lower() not in (".xlsx", ".csv"):
            target = target.with_name(target.name + ".xlsx")
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
        self.dialog = TableImportDialog(value, path, self.window)
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
