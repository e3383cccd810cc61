"""The main window: plan tree, views in tabs, properties dock, menus, files."""

from __future__ import annotations

import platform
from collections.abc import Callable
from pathlib import Path

from PySide6 import __version__ as PYSIDE_VERSION
from PySide6.QtCore import QSettings, Qt, qVersion
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QTabWidget,
    QWidget,
)

from planner import __version__
from planner.gui import placement
from planner.gui.analysis_controller import AnalysisController
from planner.gui.analysis_heat import FloorHeat
from planner.gui.analysis_tab import AnalysisTab
from planner.gui.autosave import Autosaver
from planner.gui.busy import BusyDialog, Cancelled, run_with_progress
from planner.gui.copies import DataCopiesEditor
from planner.gui.document import PlanDocument, describe_save_failure
from planner.gui.jobs import JobRunner
from planner.gui.netbox_import import NetboxImporter, NetboxSourceDialog
from planner.gui.other_exports import OtherExports
from planner.gui.properties import PropertiesPanel
from planner.gui.recovery_controller import RecoveryController
from planner.gui.runbook_export import RunbookExporter
from planner.gui.table_import import ServicesTableIO
from planner.gui.tree import PlanTree
from planner.gui.views.dependencies import DependencyView
from planner.gui.views.floor import FloorView
from planner.gui.views.rack import RackView
from planner.gui.views.recovery import RecoveryView
from planner.gui.views.scenario_editor import ScenarioEditor
from planner.gui.views.services import ServiceAssignmentWidget, ServicesView
from planner.model import Plan, new_items
from planner.model.clock import clock
from planner.model.edits import AddItem, EditRefused, delete_items
from planner.model.edits.copies import LOCATION_KINDS
from planner.model.heap import collector_paused
from planner.model.text import printable
from planner.resources import resource_path
from planner.storage import PlanFileError, load_plan

MAX_RECENT = 8
FAILABLE_KINDS = ("site", "domain", "rack", "server")  # what a scenario may fail
PLAN_FILTER = "DR Planner plans (*.drplan);;JSON plans (*.json);;All files (*)"


def icon(name: str) -> QIcon:
    return QIcon(str(resource_path("icons", f"{name}.svg")))


class MainWindow(QMainWindow):
    """One window per plan. ``ask_unsaved`` and the file dialogs are methods so that
    tests can answer them without a person."""

    def __init__(
        self,
        document: PlanDocument | None = None,
        settings: QSettings | None = None,
        autosave_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.document = document or PlanDocument()
        self.settings = settings or QSettings("DR Planner", "DR Planner")
        self.recovery = RecoveryController(self.document)
        # Reads plan files off the GUI thread; one for the window, so a cancelled read
        # can finish in the background (its outcome dropped) without blocking anything.
        self.reader = JobRunner(self)
        self.autosaver = Autosaver(self.document, autosave_dir)
        self.autosaver.failed.connect(self.show_message)
        self.setWindowIcon(icon("drplanner"))
        available = self.screen().availableGeometry()  # a laptop's 1366x768 included
        self.resize(min(1400, available.width()), min(900, available.height()))

        self.tree = PlanTree(self.document)
        self.floor = FloorView(self.document, self.recovery)
        self.rack_view = RackView(self.document, self.recovery)
        self.services = ServicesView(self.document, self.recovery)
        self.dependencies = DependencyView(self.document, self.recovery)
        self.recovery_view = RecoveryView(self.document, self.recovery)
        # The resilience analysis runs only once its tab (or the heat map) is first shown.
        self.analysis = AnalysisController(self.document)
        self.floor_heat = FloorHeat(self.analysis, self.floor)
        self.analysis_tab = AnalysisTab(
            self.document, self.analysis, self.recovery, self.floor_heat.action
        )
        self.analysis_tab.message = self.show_message
        self.properties = PropertiesPanel(self.document)
        self.properties.message = self.show_message

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for widget, title, name in (
            (self.floor, "Floor", "site"),
            (self.rack_view, "Rack", "rack"),
            (self.services, "Services", "service"),
            (self.dependencies, "Dependencies", "service"),
            (self.recovery_view, "Recovery", "scenario"),
            (self.analysis_tab, "Analysis", "analysis"),
        ):
            self.tabs.addTab(widget, icon(name), title)
        self.setCentralWidget(self.tabs)
        self._dock("Plan", self.tree, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.assignment = ServiceAssignmentWidget(self.document)
        # The servers a service runs on get their own tab, so the fields fit the dock
        # without scrolling on a 1366x768 screen.
        self.side_tabs = QTabWidget()
        self.side_tabs.setDocumentMode(True)
        self.side_tabs.addTab(self.properties, "Fields")
        self.side_tabs.addTab(self.assignment, icon("server"), "Servers")
        # A service's data copies get their own tab too (drop items from the tree there).
        self.copies_editor = DataCopiesEditor(self.document, self.recovery)
        self.copies_editor.message = self.show_message
        self.side_tabs.addTab(self.copies_editor, "Data")
        self.scenario_editor = ScenarioEditor(self.document, self.recovery)
        self.scenario_editor.message = self.show_message
        self.side_tabs.addTab(self.scenario_editor, icon("scenario"), "Scenario")
        self._dock("Properties", self.side_tabs, Qt.DockWidgetArea.RightDockWidgetArea)
        self.document.selectionChanged.connect(self._show_assignment)
        self._show_assignment(self.document.selection)

        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(90)
        self.busy.setVisible(False)
        self.headline = QLabel()
        self.statusBar().addPermanentWidget(self.headline)
        self.statusBar().addPermanentWidget(self.busy)

        self.runbook_exporter = RunbookExporter(self)
        self.runbook_exporter.done.connect(self.show_message)
        self.netbox_importer = NetboxImporter(self.document, self)
        self.netbox_source_dialog: NetboxSourceDialog | None = None
        self.netbox_importer.done.connect(self._netbox_done)
        self.table_io = ServicesTableIO(self)  # File > Export/Import services table
        self.other_exports = OtherExports(self, self.recovery)  # graph and schedule
        self.other_exports.done.connect(self.show_message)
        self.notice: QMessageBox | None = None  # the last non-blocking notice shown
        self.actions: dict[str, QAction] = {}
        self._build_actions()
        self._build_menus()

        self.document.fileChanged.connect(self._update_title)
        self.document.refused.connect(self.show_message)
        self.document.undo_stack.indexChanged.connect(self._report_deletion)
        self.recovery.busyChanged.connect(self._busy_changed)
        self.recovery.resultChanged.connect(self._update_headline)
        self.tree.activated.connect(self._activate)
        self.floor.rackActivated.connect(self.open_rack)
        self._update_title()

    # ------------------------------------------------------------------ layout

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{title.lower()}")
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(area, dock)
        dock.setMinimumWidth(260)
        return dock

    def _action(
        self,
        name: str,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        icon_name: str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon_name:
            action.setIcon(icon(icon_name))
        # What is being typed in Properties counts: Ctrl+S saves it, Add comes after it.
        action.triggered.connect(lambda _checked=False: (self.properties.commit_pending(), slot()))
        self.actions[name] = action
        return action

    def _build_actions(self) -> None:
        keys = QKeySequence.StandardKey
        self._action("new", "&New", self.new_plan, keys.New, "new")
        self._action("open", "&Open…", self.open_dialog, keys.Open, "open")
        self._action("save", "&Save", self.save, keys.Save, "save")
        self._action("save_as", "Save &As…", self.save_as, keys.SaveAs)
        self._action("import_json", "&JSON plan…", self.import_json)
        self._action("export_json", "&JSON plan…", self.export_json)
        self._action("import_netbox", "From &NetBox…", self.import_netbox)
        self._action(
            "export_runbook",
            "Export &runbook PDF…",
            self.export_runbook,
            "Ctrl+Shift+P",
            "export-pdf",
        )
        self._action("quit", "&Quit", self.close, keys.Quit)
        undo = self.document.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence(keys.Undo))
        undo.setIcon(icon("undo"))
        redo = self.document.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence(keys.Redo), QKeySequence("Ctrl+Y")])
        redo.setIcon(icon("redo"))
        self.actions["undo"], self.actions["redo"] = undo, redo
        self._action("delete", "&Delete", self.delete_selection, keys.Delete, "delete")
        self._action("add_site", "Add &site", self.add_site, "Ctrl+Shift+1", "site")
        self._action("add_rack", "Add &rack", self.add_rack, "Ctrl+Shift+2", "rack")
        self._action("add_server", "Add ser&ver", self.add_server, "Ctrl+Shift+3", "server")
        self._action("add_service", "Add servi&ce", self.add_service, "Ctrl+Shift+4", "service")
        self._action("add_pool", "Add &pool", self.add_pool, "Ctrl+Shift+5", "pool")
        self._action("add_domain", "Add failure &domain", self.add_domain, "Ctrl+Shift+6", "fail")
        self._action(
            "add_scenario", "Add sce&nario from failures", self.add_scenario, None, "scenario"
        )
        self._action("fail_selected", "&Fail selected items", self.fail_selected, "F8", "fail")
        self._action("clear_failures", "&Clear ad-hoc failures", self.clear_failures, "Shift+F8")
        self._action("about", "&About DR Planner", self.about)
        # The context-sensitive Delete lives in the views too; the window's acts on the
        # shared selection, so only one must own the shortcut.
        self.actions["delete"].setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.tree.addAction(self.actions["delete"])
        # Copy and paste are the floor's (sites and racks with what they hold); the Edit
        # menu shows them, enabled while there is something to copy or paste.
        self.actions["copy"], self.actions["paste"] = (
            self.floor.copy_action,
            self.floor.paste_action,
        )
        self.services.add_button.setDefaultAction(self.actions["add_service"])

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for name in ("new", "open"):
            file_menu.addAction(self.actions[name])
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        for name in ("save", "save_as"):
            file_menu.addAction(self.actions[name])
        file_menu.addSeparator()
        # Import and Export gather the other tools' formats; the runbook stays on top.
        import_menu = file_menu.addMenu("&Import")
        import_menu.addAction(self.actions["import_json"])
        import_menu.addAction(self.actions["import_netbox"])
        import_menu.addAction(self.table_io.import_action)
        export_menu = file_menu.addMenu("E&xport")
        export_menu.addAction(self.actions["export_json"])
        export_menu.addAction(self.table_io.export_action)
        export_menu.addActions(self.other_exports.actions)
        self.import_menu, self.export_menu = import_menu, export_menu
        if runbook_available():
            file_menu.addAction(self.actions["export_runbook"])
            file_menu.addAction(self.runbook_exporter.findings_action)
        file_menu.addSeparator()
        file_menu.addAction(self.actions["quit"])
        edit_menu = bar.addMenu("&Edit")
        for name in ("undo", "redo"):
            edit_menu.addAction(self.actions[name])
        edit_menu.addSeparator()
        for name in ("copy", "paste", "delete"):
            edit_menu.addAction(self.actions[name])
        add_menu = bar.addMenu("&Add")
        for name in ("add_site", "add_rack", "add_server", "add_service", "add_pool", "add_domain"):
            add_menu.addAction(self.actions[name])
        scenario_menu = bar.addMenu("&Scenario")
        for name in ("fail_selected", "clear_failures", "add_scenario"):
            scenario_menu.addAction(self.actions[name])
        view_menu = bar.addMenu("&View")
        for view in (self.floor, self.dependencies, self.rack_view, self.recovery_view):
            view_actions = getattr(view, "actions", None)
            if callable(view_actions):
                for action in view_actions():
                    view_menu.addAction(action)
                view_menu.addSeparator()
        view_menu.addAction(self.floor_heat.action)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.actions["about"])

        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("toolbar-main")
        for name in ("new", "open", "save", None, "undo", "redo", None):
            if name is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(self.actions[name])
        for name in ("add_site", "add_rack", "add_server", "add_service", "add_pool", None):
            if name is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(self.actions[name])
        toolbar.addAction(self.actions["fail_selected"])

    def _show_assignment(self, selection: list) -> None:
        one_service = len(selection) == 1 and selection[0][0] == "service"
        # Locations picked (a press in the tree that starts a drag onto the copies selects
        # the server) keep the service's Data tab: its heading says whose copies they are.
        locations = bool(selection) and all(k in LOCATION_KINDS for k, _ in selection)
        if one_service:
            self.copies_editor.set_service(selection[0][1])
        elif not (locations and self.copies_editor.service() is not None):
            self.copies_editor.set_service(None)
        shown = {
            self.assignment: one_service,
            self.copies_editor: self.copies_editor.service() is not None,
        }
        for widget, visible in shown.items():
            self.side_tabs.setTabVisible(self.side_tabs.indexOf(widget), visible)
            if not visible and self.side_tabs.currentWidget() is widget:
                self.side_tabs.setCurrentWidget(self.properties)

    # ------------------------------------------------------------------ status

    def show_message(self, text: str) -> None:
        # Messages name ids and files from the plan: escaped, as on the terminal, so a
        # right-to-left override or a line break in a name cannot forge what is shown.
        self.statusBar().showMessage(printable(text), 8000)

    def _update_title(self) -> None:
        self.setWindowTitle(f"{printable(self.document.title)} — DR Planner")

    def _busy_changed(self, busy: bool) -> None:
        self.busy.setVisible(busy and self.recovery.active)

    def _update_headline(self) -> None:
        result = self.recovery.result
        if result is None:
            self.headline.setText(
                self.recovery.error.splitlines()[0] if self.recovery.error else ""
            )
            return
        misses = len(result.rto_misses)
        self.headline.setText(
            f"Recovery {clock(result.recovery_minutes)}  ·  "
            f"bound {clock(result.lower_bound_minutes)}  ·  RTO misses {misses}"
        )

    # ------------------------------------------------------------------ files

    def ask_unsaved(self) -> QMessageBox.StandardButton:
        buttons = (
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        return QMessageBox.question(
            self,
            "Unsaved changes",
            f"Save the changes to {self.document.title.rstrip(' *')} first?",
            buttons,
            QMessageBox.StandardButton.Save,
        )

    def ask_open_path(self, title: str, file_filter: str) -> str:
        return QFileDialog.getOpenFileName(self, title, self._last_dir(), file_filter)[0]

    def ask_save_path(self, title: str, file_filter: str) -> str:
        return QFileDialog.getSaveFileName(self, title, self._last_dir(), file_filter)[0]

    def show_error(self, text: str) -> None:
        lines = "\n".join(printable(line) for line in text.split("\n"))
        QMessageBox.warning(self, "DR Planner", lines)

    def maybe_save(self) -> bool:
        """True when it is fine to drop the current plan (saved, discarded or clean)."""
        if not self.document.modified:
            return True
        answer = self.ask_unsaved()
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def new_plan(self) -> None:
        if self.maybe_save():
            self.autosaver.discard()
            self.document.replace(Plan(name="New plan"), None)

    def open_dialog(self) -> None:
        path = self.ask_open_path("Open plan", PLAN_FILTER)
        if path:
            self.open_path(Path(path))

    def open_path(self, path: Path, offer_recovery: bool = True) -> bool:
        """Open a plan file; errors show as one-line messages and change nothing.

        The file is read on a worker thread (a progress dialog with Cancel past a second;
        a cancelled open leaves the current plan as it was); a recovery copy left by a
        crash is offered before the plan is shown; then every view switches to the new
        plan in one repaint, so no two plans are ever on screen together. Views on tabs
        not shown build the new plan when first shown."""
        if not self.maybe_save():
            return False
        busy = BusyDialog(self, f"Opening {path.name}…", cancellable=True)
        try:
            loaded = self._read_plan(path, busy)
            busy.stop_waiting()  # shown only if the read took long; it stays for the switch
            if loaded is None:
                return False
            busy.set_cancellable(False)  # from here the plan is replaced
            self.autosaver.discard()  # the user saved or dropped the current plan's changes
            native = path.suffix.lower() != ".json"
            # A JSON import is not the file a recovery copy was made for.
            restored = self._recovered_plan(path) if offer_recovery and native else None
            busy.set_text(f"Showing {path.name}…")
            self._switch_views(
                lambda: (
                    self._show_restored(restored, path)
                    if restored is not None
                    else self.document.replace(loaded, path if native else None)
                )
            )
        finally:
            busy.done_with()
        if native:
            self._add_recent(path)
        self.show_message(f"{'Restored unsaved changes to' if restored else 'Opened'} {path}")
        return True

    def _read_plan(self, path: Path, busy: BusyDialog) -> Plan | None:
        """The plan in ``path``, read off the GUI thread; None (and said why) if unusable
        or if the user cancelled."""
        try:
            with collector_paused():  # a big plan is millions of objects that all stay
                plan, problems = run_with_progress(self.reader, lambda _job: load_plan(path), busy)
        except Cancelled:
            self.show_message(f"Not opened: {path} (cancelled); the plan shown is unchanged")
            return None
        except PlanFileError as error:
            self.show_error(str(error))
            return None
        except Exception as error:  # an unexpected reader failure still gets one line
            self.show_error(f"Not opened: {describe_save_failure(error, path)}")
            return None
        if problems:
            lines = "\n".join(str(p) for p in problems[:20])
            self.show_error(f"{path}: the plan has invalid items:\n{lines}")
            return None
        return plan

    def _switch_views(self, replace: Callable[[], object]) -> None:
        """Replace the plan with the window's painting held, and finish the work views
        defer (the floor overview), so every view shows the new plan in the same paint."""
        self.setUpdatesEnabled(False)
        try:
            with collector_paused():  # the views build thousands of items that all stay
                replace()
            self.floor.overview.render_floor()
        finally:
            self.setUpdatesEnabled(True)

    def _offer_recovery(self, path: Path | None) -> bool:
        """Offer the recovery copy of ``path`` (None: the untitled plan); True if restored."""
        plan = self._recovered_plan(path)
        if plan is None:
            return False
        self._show_restored(plan, path)
        return True

    def _recovered_plan(self, path: Path | None) -> Plan | None:
        """The plan of a recovery copy left for ``path``, if there is one and the user
        wants it back; a declined copy is deleted, an unreadable one kept and named."""
        found = self.autosaver.find_copy(path)
        if found is None:
            return None
        plan = found.load()
        if plan is None:
            self.show_message(f"A recovery copy could not be read; it is kept at {found.copy_path}")
            return None
        from datetime import datetime

        when = datetime.fromtimestamp(found.saved_at).strftime("%Y-%m-%d %H:%M")
        name = path.name if path is not None else "an untitled plan"
        if self.ask_restore(
            f"A recovery copy of {name} from {when} holds changes that were never saved "
            "(the program ended unexpectedly). Restore them? Discard deletes the copy."
        ):
            return plan
        self.autosaver.discard_left(path)
        return None

    def _show_restored(self, plan: Plan, path: Path | None) -> None:
        self.document.replace(plan, path)
        self.document.mark_unsaved()
        self.autosaver.adopt(path)  # kept until the restored work is saved

    def ask_restore(self, text: str) -> bool:
        buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Discard
        box = QMessageBox(
            QMessageBox.Icon.Question, "Restore unsaved changes?", text, buttons, self
        )
        box.button(QMessageBox.StandardButton.Yes).setText("&Restore")
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        return box.exec() == QMessageBox.StandardButton.Yes

    def save(self) -> bool:
        if self.document.path is None:
            return self.save_as()
        return self._save_to(self.document.path)

    def save_as(self) -> bool:
        path = self.ask_save_path("Save plan as", "DR Planner plans (*.drplan)")
        if not path:
            return False
        target = Path(path)
        if target.suffix.lower() != ".drplan":
            target = (
                target.with_suffix(target.suffix + ".drplan")
                if target.suffix
                else target.with_suffix(".drplan")
            )
        return self._save_to(target)

    def _save_to(self, path: Path) -> bool:
        try:
            self.document.save(path)
        except Exception as error:  # the encoder may raise anything: keep the work
            self.autosaver.save_copy()  # the work is unsaved: keep a copy if one can be written
            self.show_error(f"Not saved: {describe_save_failure(error, path)}")
            return False
        self.autosaver.discard()
        self._add_recent(path)
        self.show_message(f"Saved {path}")
        return True

    def import_json(self) -> None:
        path = self.ask_open_path("Import JSON plan", "JSON plans (*.json);;All files (*)")
        if path:
            self.open_path(Path(path))

    def import_netbox(self) -> None:
        """Sites, racks, devices and power from NetBox, as one undo step after the diff."""
        dialog = NetboxSourceDialog(self.settings, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.netbox_importer.start(dialog.source()))
        dialog.finished.connect(lambda _result: setattr(self, "netbox_source_dialog", None))
        self.netbox_source_dialog = dialog  # window-modal, no nested event loop
        dialog.open()

    def _netbox_done(self, message: str) -> None:
        if message.startswith("NetBox import failed"):
            self.show_error(message)
        else:
            self.show_message(message)

    def export_json(self) -> None:
        path = self.ask_save_path("Export JSON", "JSON plans (*.json)")
        if not path:
            return
        target = Path(path) if path.lower().endswith(".json") else Path(path + ".json")
        try:
            self.document.save(target)
        except Exception as error:  # the encoder may raise anything: keep the work
            self.show_error(f"Not exported: {describe_save_failure(error, target)}")
            return
        self.show_message(f"Exported {target}")

    def export_runbook(self) -> bool:
        """Write the PDF runbook of the scenario shown in the Recovery view."""
        result = self.recovery.result
        if result is None or not self.recovery.is_current:
            self.tabs.setCurrentWidget(self.recovery_view)
            waiting = self.recovery.active and self.recovery.error is None
            text = (
                "The recovery is still being worked out: export the runbook when its "
                "result is shown."
                if waiting
                else "Choose a scenario in the Recovery view (or fail some sites, racks or "
                "servers) first: the runbook is the recovery of that scenario."
            )
            self.show_message(text)
            # Said where the user is, without blocking (open(), not exec()).
            self.notice = QMessageBox(
                QMessageBox.Icon.Information, "Export runbook", text, parent=self
            )
            self.notice.open()
            return False
        path = self.ask_save_path("Export runbook", "PDF files (*.pdf)")
        if not path:
            return False
        target = Path(path) if path.lower().endswith(".pdf") else Path(path + ".pdf")
        self.runbook_exporter.start(self.document.plan, result, target)
        return True

    def _last_dir(self) -> str:
        return str(self.document.path.parent) if self.document.path else str(Path.home())

    def recent_files(self) -> list[str]:
        value = self.settings.value("recent", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _add_recent(self, path: Path) -> None:
        entry = str(path.resolve())
        recent = [entry] + [p for p in self.recent_files() if p != entry]
        self.settings.setValue("recent", recent[:MAX_RECENT])
        self.settings.setValue("last", entry)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for entry in self.recent_files():
            action = self.recent_menu.addAction(entry)
            action.triggered.connect(lambda _c=False, p=entry: self.open_path(Path(p)))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(none)").setEnabled(False)

    def closeEvent(self, event: QCloseEvent) -> None:
        # A close event is accepted unless ignored: a save that fails must keep the window.
        event.ignore()
        if self.maybe_save():
            self.autosaver.discard()
            event.accept()

    # ------------------------------------------------------------------ adding

    def _selected(self, kind: str) -> list[str]:
        return [item_id for k, item_id in self.document.selection if k == kind]

    def _add(self, kind: str, item: object) -> bool:
        if self.document.push(AddItem(kind, item)):
            self.document.select([(kind, item.id)])  # type: ignore[attr-defined]
            return True
        return False

    def add_site(self) -> bool:
        """A new site next to the sites already drawn, never on top of one."""
        plan = self.document.plan
        x, y = placement.new_site_position(plan)
        return self._add("site", new_items.new_site(plan, x, y, *placement.NEW_SITE_SIZE))

    def add_rack(self) -> bool:
        """A new rack in the selected site (or the site of the selected rack or server),
        in a free spot; with nothing selected, in the first site, and the status bar says so."""
        plan = self.document.plan
        site_id = placement.selected_site(plan, self.document.selection)
        chosen = site_id is not None
        if site_id is None and plan.sites:
            site_id = plan.sites[0].id
        if site_id is None:
            self.show_message("Add a site first: racks stand in a site")
            return False
        rack = new_items.new_rack(plan, site_id)
        if not self.document.push(placement.add_rack_edit(plan, rack)):
            return False
        self.document.select([("rack", rack.id)])
        if not chosen:
            site = plan.site(site_id)
            self.show_message(
                f"{rack.name} added to {site.name if site else site_id}: "
                "select a site first to choose where a new rack goes"
            )
        return True

    def add_server(self) -> bool:
        """A new server in the lowest free unit of the selected rack (or of the selected
        server's rack); with nothing selected, in the first rack, and the status bar says so."""
        plan = self.document.plan
        rack_id = placement.selected_rack(plan, self.document.selection)
        chosen = rack_id is not None
        rack = plan.rack(rack_id) if rack_id is not None else None
        if rack is None and plan.racks:
            rack = plan.racks[0]
        if rack is None:
            self.show_message("Add a rack first: servers sit in a rack")
            return False
        free = placement.free_unit(plan, rack)
        if free is None:
            self.show_message(f"Rack {rack.name} is full")
            return False
        server = new_items.new_server(plan, rack.id, free)
        if not self._add("server", server):
            return False
        if not chosen:
            self.show_message(
                f"{server.name} added to {rack.name} (U{free}): "
                "select a rack first to choose where a new server goes"
            )
        return True

    def add_service(self) -> bool:
        """A new service on no server: running it somewhere is a choice of its own
        (Properties > Active on, or the server lists), never a side effect of selection."""
        plan = self.document.plan
        service = new_items.new_service(plan)
        if not self._add("service", service):
            return False
        self.show_message(f"{service.name} added on no server yet: choose the servers it runs on")
        return True

    def add_pool(self) -> bool:
        plan = self.document.plan
        return self._add("pool", new_items.new_pool(plan))

    def add_domain(self) -> bool:
        """A new failure domain (a power feed unless a domain of another kind is
        selected), in the selected site if there is one; racks join it in Properties."""
        plan = self.document.plan
        selection = self.document.selection
        chosen = [plan.domain(i) for k, i in selection if k == "domain"]
        kind = next((d.kind for d in chosen if d is not None), "power")
        site = placement.selected_site(plan, selection)
        domain = new_items.new_domain(plan, kind, site)
        added = self._add("domain", domain)
        if added:
            self.show_message(f"{domain.name} ({kind}) added: put racks in it in their Properties")
        return added

    def add_scenario(self) -> bool:
        """A named scenario from the current failures (or the selected locations)."""
        plan = self.document.plan
        failed = sorted(self.recovery.failed_ids()) or [
            i for k, i in self.document.selection if k in FAILABLE_KINDS
        ]
        if not failed:
            self.show_message("Fail some sites, racks or servers first (F8), then add a scenario")
            return False
        scenario = new_items.new_scenario(plan, failed)
        if not self._add("scenario", scenario):
            return False
        self.recovery.set_scenario(scenario.id)
        return True

    def delete_selection(self) -> None:
        if self.document.selection:
            try:
                edit = delete_items(self.document.plan, self.document.selection)
            except (EditRefused, ValueError) as refusal:
                self.show_message(f"Not deleted: {refusal}")
                return
            self.document.push(edit)
            self.document.select([])

    def _report_deletion(self, index: int) -> None:
        """A delete done (or redone) in any view says in the status bar what went with it
        and which services lost their servers: the summary the delete edit carries."""
        previous, self._stack_index = getattr(self, "_stack_index", 0), index
        if index <= previous:
            return  # an undo, or the history cleared
        command = self.document.undo_stack.command(index - 1)
        edit = getattr(command, "edit", None)
        parts = [edit, *getattr(edit, "edits", ())]
        summaries = [text for part in parts if (text := getattr(part, "summary", ""))]
        if summaries:
            undo = self.actions["undo"].shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            self.statusBar().showMessage(f"{'; '.join(summaries)}  ·  {undo} undoes it", 15_000)

    def fail_selected(self) -> None:
        locations = [i for k, i in self.document.selection if k in FAILABLE_KINDS]
        if not locations:
            self.show_message("Select sites, racks, servers or failure domains to fail")
            return
        for item_id in locations:
            self.recovery.toggle_failed(item_id)
        self.tabs.setCurrentWidget(self.recovery_view)

    def clear_failures(self) -> None:
        self.recovery.set_scenario(None)

    # ------------------------------------------------------------------ navigation

    def open_rack(self, rack_id: str) -> None:
        self.rack_view.set_rack(rack_id)
        self.tabs.setCurrentWidget(self.rack_view)

    def _activate(self, kind: str, item_id: str) -> None:
        if kind == "rack":
            self.open_rack(item_id)
        elif kind == "server":
            server = self.document.plan.server(item_id)
            if server is not None:
                self.open_rack(server.rack)
        elif kind == "scenario":
            self.recovery.set_scenario(item_id)
            self.tabs.setCurrentWidget(self.recovery_view)
            self.side_tabs.setCurrentWidget(self.scenario_editor)
        elif kind == "service":
            self.tabs.setCurrentWidget(self.dependencies)
        elif kind == "site":
            self.tabs.setCurrentWidget(self.floor)
        elif kind == "domain":
            domain = self.document.plan.domain(item_id)
            self.tabs.setCurrentWidget(self.floor)
            if domain is not None:
                self.floor.colour_by(domain.kind)

    def about(self) -> None:
        QMessageBox.about(self, "About DR Planner", about_text())


def runbook_available() -> bool:
    """The runbook module is part of this build (File > Export runbook is shown)."""
    import importlib.util

    return importlib.util.find_spec("planner.runbook.export") is not None


def about_text() -> str:
    return (
        f"<b>DR Planner {__version__}</b><br>"
        "What a disaster takes down, the restore order, and how long it takes.<br><br>"
        f"Qt {qVersion()} · PySide6 {PYSIDE_VERSION} · Python {platform.python_version()}<br>"
        "Korean text in NanumGothic (SIL Open Font License 1.1)."
    )
