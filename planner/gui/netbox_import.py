"""File > Import > From NetBox: a server (URL and a token file) or exported files, read
and mapped off the GUI thread with a cancellable progress, then the diff dialog; Apply
is one undo step. The token is read from its file on the worker and never stored: only
the URL and the token file's path are remembered."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from planner.gui import style
from planner.gui.document import PlanDocument
from planner.gui.import_dialog import ImportDiffDialog
from planner.gui.jobs import Job, JobRunner
from planner.gui.recovery_controller import snapshot
from planner.interop.netbox import NetboxImport
from planner.interop.netbox_records import Inventory
from planner.model import Plan


@dataclass(frozen=True)
class NetboxSource:
    """Where the inventory comes from: ``url`` and ``token_file``, or ``files``."""

    url: str = ""
    token_file: str = ""
    files: tuple[str, ...] = ()
    with_vms: bool = False


def _read(source: NetboxSource, job: Job) -> Inventory:
    from planner.interop.netbox_live import fetch, read_token
    from planner.interop.netbox_read import read_inventory

    if source.url:
        token = read_token(source.token_file)
        return fetch(source.url, token, with_vms=source.with_vms, progress=job.progress)
    job.progress(0, 1)
    return read_inventory(list(source.files))


def _work(source: NetboxSource, plan: Plan, job: Job) -> tuple[Inventory, NetboxImport]:
    from planner.interop.netbox import import_inventory

    inventory = _read(source, job)
    if job.cancelled():
        raise RuntimeError("cancelled")
    return inventory, import_inventory(plan, inventory, with_vms=source.with_vms)


class NetboxSourceDialog(QDialog):
    """Server or files, each field checked where it is typed."""

    def __init__(self, settings: QSettings, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle("Import from NetBox")
        layout = QVBoxLayout(self)
        self.from_server = QRadioButton("From a NetBox server")
        self.from_files = QRadioButton("From exported files (REST JSON, CSV or dumpdata)")
        form = QFormLayout()
        self.url = QLineEdit(str(settings.value("netbox/url", "") or ""))
        self.url.setPlaceholderText("http://netbox.example:8000")
        self.token_file = QLineEdit(str(settings.value("netbox/token_file", "") or ""))
        self.token_file.setPlaceholderText("a file holding the API token")
        token_row = QHBoxLayout()
        token_row.addWidget(self.token_file, 1)
        browse_token = QPushButton("Browse…")
        browse_token.clicked.connect(self._browse_token)
        token_row.addWidget(browse_token)
        self.files = QLineEdit()
        self.files.setPlaceholderText("one or more .json or .csv files, or a folder")
        files_row = QHBoxLayout()
        files_row.addWidget(self.files, 1)
        browse_files = QPushButton("Browse…")
        browse_files.clicked.connect(self._browse_files)
        files_row.addWidget(browse_files)
        self.with_vms = QCheckBox("Also virtual machines (one rack per cluster)")
        layout.addWidget(self.from_server)
        form.addRow("URL", self.url)
        form.addRow("Token file", token_row)
        layout.addLayout(form)
        layout.addWidget(self.from_files)
        files_form = QFormLayout()
        files_form.addRow("Files", files_row)
        layout.addLayout(files_form)
        layout.addWidget(self.with_vms)
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {style.INVALID};")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import…")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        (self.from_server if self.url.text() else self.from_files).setChecked(True)
        for widget in (self.url, self.token_file, self.files):
            widget.textChanged.connect(self._check)
        self.from_server.toggled.connect(self._check)
        self._check()

    def source(self) -> NetboxSource:
        if self.from_server.isChecked():
            return NetboxSource(
                url=self.url.text().strip(),
                token_file=self.token_file.text().strip(),
                with_vms=self.with_vms.isChecked(),
            )
        files = tuple(p.strip() for p in self.files.text().split(";") if p.strip())
        return NetboxSource(files=files, with_vms=self.with_vms.isChecked())

    def problem(self) -> str:
        """Why the dialog cannot import yet, or ''."""
        source = self.source()
        if self.from_server.isChecked():
            if not source.url.startswith(("http://", "https://")):
                return "URL: give the server's address, starting with http:// or https://"
            if not source.token_file:
                return "Token file: give the file that holds the API token"
            if not Path(source.token_file).is_file():
                return f"Token file: there is no file {source.token_file}"
            return ""
        if not source.files:
            return "Files: choose the exported files"
        missing = [f for f in source.files if not Path(f).exists()]
        return f"Files: there is no {missing[0]}" if missing else ""

    def _check(self) -> None:
        server = self.from_server.isChecked()
        for widget in (self.url, self.token_file):
            widget.setEnabled(server)
        self.files.setEnabled(not server)
        problem = self.problem()
        self.error.setText(problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)

    def _accept(self) -> None:
        if self.problem():
            return
        source = self.source()
        if source.url:
            self.settings.setValue("netbox/url", source.url)
            self.settings.setValue("netbox/token_file", source.token_file)
        self.accept()

    def _browse_token(self) -> None:
        path = QFileDialog.getOpenFileName(self, "Token file", "", "All files (*)")[0]
        if path:
            self.token_file.setText(path)

    def _browse_files(self) -> None:
        paths = QFileDialog.getOpenFileNames(
            self, "NetBox export", "", "NetBox exports (*.json *.csv);;All files (*)"
        )[0]
        if paths:
            self.files.setText(";".join(paths))


class NetboxImporter(QObject):
    """Runs one import at a time; ``done`` carries the one-line outcome."""

    done = Signal(str)

    def __init__(self, document: PlanDocument, parent: QWidget) -> None:
        super().__init__(parent)
        self.document = document
        self.parent_widget = parent
        self.progress: QProgressDialog | None = None
        self.last: NetboxImport | None = None
        self.dialog: ImportDiffDialog | None = None  # the diff shown, until answered
        self.jobs = JobRunner(self)
        self.jobs.progress.connect(self._progress)
        self.jobs.finished.connect(self._finished)
        self.jobs.cancelled.connect(lambda _job: self._end("NetBox import cancelled"))
        self.jobs.failed.connect(lambda _job, error: self._end(f"NetBox import failed: {error}"))
        self._generation = 0

    def start(self, source: NetboxSource) -> Job:
        self.progress = QProgressDialog("Reading NetBox…", "Cancel", 0, 0, self.parent_widget)
        self.progress.setWindowTitle("Import from NetBox")
        self.progress.setMinimumDuration(1000)  # shown only when it takes a while
        self._generation = self.document.undo_stack.index()
        copied = snapshot(self.document.plan)
        job = self.jobs.start(lambda job: _work(source, copied, job), context=source)
        self.progress.canceled.connect(job.cancel)
        return job

    def ask_apply(self, result: NetboxImport) -> bool | None:
        """Show the diff dialog, window-modal without a nested event loop (so real input
        and tests drive it as any window): its answer comes to :meth:`decide`. Returns
        None; a test may answer at once by returning True or False instead."""
        dialog = ImportDiffDialog(
            "Import from NetBox", result.summary(), result.diff, self.parent_widget
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.decide(result, True))
        dialog.rejected.connect(lambda: self.decide(result, False))
        self.dialog = dialog
        dialog.open()
        return None

    def _progress(self, _job: Job, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.setMaximum(total)
            self.progress.setValue(done)

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.reset()
            self.progress.deleteLater()
            self.progress = None

    def _finished(self, job: Job, outcome: object) -> None:
        from planner.interop.netbox import import_inventory

        self._close_progress()
        assert isinstance(outcome, tuple)
        inventory, result = outcome
        source = job.context
        assert isinstance(source, NetboxSource)
        if self.document.undo_stack.index() != self._generation:
            # The plan changed while NetBox was read: map again onto the plan as it is.
            result = import_inventory(self.document.plan, inventory, with_vms=source.with_vms)
        self.last = result
        answer = self.ask_apply(result)
        if answer is not None:
            self.decide(result, answer)

    def decide(self, result: NetboxImport, apply: bool) -> None:
        """Apply ``result`` as one undo step, or not, and say which."""
        self.dialog = None
        if not apply:
            self.done.emit("NetBox import not applied")
            return
        refusal = self.document.push_or_refusal(result.edit())
        if refusal is not None:
            self.done.emit(f"NetBox import not applied: {refusal}")
            return
        self.done.emit(f"Imported from NetBox: {result.diff.summary()}")

    def _end(self, message: str) -> None:
        self._close_progress()
        self.done.emit(message)

    def wait(self, timeout_ms: int = 120_000) -> bool:
        return self.jobs.wait(timeout_ms)
