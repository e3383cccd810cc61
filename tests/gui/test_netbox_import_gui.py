"""File > Import from NetBox in the window: files read off the GUI thread, the diff
dialog, Apply as one undo step, Cancel and errors leaving the plan as it was, the
source dialog's checks at the field, and a re-sync keeping what the user added."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox, QPushButton

from planner.gui.import_dialog import ImportDiffDialog
from planner.gui.main_window import MainWindow
from planner.gui.netbox_import import NetboxSource, NetboxSourceDialog
from planner.interop.netbox import NetboxImport
from planner.model.edits import AddItem
from planner.model.plan import Service
from planner.storage import plan_to_json
from tests.test_netbox_import import DEMO, _rest_v4


def _window(qtbot, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, autosave_dir=tmp_path / "autosave")
    qtbot.addWidget(window)
    window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
    return window


def test_import_from_files_is_one_undo_step(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, tmp_path)
    before = plan_to_json(window.document.plan)
    shown: list[NetboxImport] = []
    window.netbox_importer.ask_apply = lambda result: shown.append(result) or True  # type: ignore[method-assign]
    messages: list[str] = []
    window.netbox_importer.done.connect(messages.append)
    window.netbox_importer.start(NetboxSource(files=(str(DEMO),)))
    qtbot.waitUntil(lambda: bool(messages), timeout=60_000)
    assert messages == [
        "Imported from NetBox: 190 added, 0 moved, 0 changed, 0 removed, 2 warnings"
    ]
    plan = window.document.plan
    assert (len(plan.sites), len(plan.racks), len(plan.servers)) == (24, 42, 72)
    assert window.document.undo_stack.count() == 1
    assert window.tree.item_for("server", plan.servers[0].id) is not None  # the views follow
    window.document.undo_stack.undo()
    assert plan_to_json(window.document.plan) == before
    window.document.undo_stack.redo()
    assert len(window.document.plan.servers) == 72


def test_the_diff_dialog_lists_each_change(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from planner.interop.netbox import import_inventory
    from planner.interop.netbox_read import from_rest
    from planner.model.plan import Plan

    result = import_inventory(Plan(name="x"), from_rest(_rest_v4()))
    dialog = ImportDiffDialog("Import from NetBox", result.summary(), result.diff, None)
    qtbot.addWidget(dialog)
    added = dialog.lists["Added"]
    assert added.count() == len(result.diff.added) > 0
    assert dialog.lists["Warnings"].count() == len(result.warnings)
    assert dialog.tabs.tabText(0) == f"Added ({len(result.diff.added):,})"
    assert not dialog.tabs.isTabEnabled(3)  # nothing removed on a first import
    same = import_inventory(result.plan, from_rest(_rest_v4()))
    unchanged = ImportDiffDialog("Import from NetBox", same.summary(), same.diff, None)
    qtbot.addWidget(unchanged)
    assert "changes nothing" in unchanged.verdict.text()
    assert not unchanged.buttons.buttons()[0].isEnabled() or not same.diff


def test_declining_or_a_bad_file_changes_nothing(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, tmp_path)
    before = plan_to_json(window.document.plan)
    window.netbox_importer.ask_apply = lambda _result: False  # type: ignore[method-assign]
    messages: list[str] = []
    window.netbox_importer.done.connect(messages.append)
    window.netbox_importer.start(NetboxSource(files=(str(DEMO),)))
    qtbot.waitUntil(lambda: bool(messages), timeout=60_000)
    assert messages == ["NetBox import not applied"]
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2", encoding="utf-8")
    errors: list[str] = []
    window.show_error = errors.append  # type: ignore[method-assign]
    window.netbox_importer.start(NetboxSource(files=(str(bad),)))
    qtbot.waitUntil(lambda: len(messages) == 2, timeout=60_000)
    assert errors == [messages[1]] and messages[1].startswith(
        "NetBox import failed: bad.json: not JSON"
    )
    assert plan_to_json(window.document.plan) == before and window.document.undo_stack.count() == 0


def test_cancel_stops_the_read(qtbot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import planner.gui.netbox_import as module

    gate = threading.Event()
    real = module._read

    def gated(source, job):  # type: ignore[no-untyped-def]
        assert gate.wait(30)
        return real(source, job)

    monkeypatch.setattr(module, "_read", gated)
    window = _window(qtbot, tmp_path)
    messages: list[str] = []
    window.netbox_importer.done.connect(messages.append)
    asked: list[object] = []
    window.netbox_importer.ask_apply = lambda result: asked.append(result) or False  # type: ignore[method-assign]
    job = window.netbox_importer.start(NetboxSource(files=(str(DEMO),)))
    progress = window.netbox_importer.progress
    assert progress is not None
    progress.findChild(QPushButton).click()  # the progress dialog's Cancel button
    gate.set()
    qtbot.waitUntil(lambda: bool(messages), timeout=60_000)
    assert job.cancelled() and messages == ["NetBox import cancelled"] and asked == []
    assert window.document.plan.servers == []


def test_an_edit_during_the_read_is_kept(qtbot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import planner.gui.netbox_import as module

    gate = threading.Event()
    real = module._read
    monkeypatch.setattr(module, "_read", lambda s, j: (gate.wait(30), real(s, j))[1])
    window = _window(qtbot, tmp_path)
    window.netbox_importer.ask_apply = lambda _result: True  # type: ignore[method-assign]
    messages: list[str] = []
    window.netbox_importer.done.connect(messages.append)
    window.netbox_importer.start(NetboxSource(files=(str(DEMO),)))
    window.document.push(AddItem("service", Service("mine", "Mine", restore_minutes=5)))
    gate.set()
    qtbot.waitUntil(lambda: bool(messages), timeout=60_000)
    plan = window.document.plan
    assert plan.service("mine") is not None and len(plan.servers) == 72


def test_the_source_dialog_checks_each_field(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    dialog = NetboxSourceDialog(settings, None)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.buttons()[0]
    dialog.from_server.setChecked(True)
    dialog.url.setText("netbox:8000")
    assert "http://" in dialog.error.text() and not ok.isEnabled()
    dialog.url.setText("http://127.0.0.1:8977")
    assert dialog.error.text().startswith("Token file:")
    token = tmp_path / "token"
    token.write_text("secret", encoding="utf-8")
    dialog.token_file.setText(str(token))
    assert dialog.error.text() == "" and ok.isEnabled()
    dialog.from_files.setChecked(True)
    assert dialog.error.text() == "Files: choose the exported files"
    dialog.files.setText(str(tmp_path / "missing.json"))
    assert dialog.error.text().startswith("Files: there is no")
    export = tmp_path / "nb.json"
    export.write_text(json.dumps(_rest_v4()), encoding="utf-8")
    dialog.files.setText(str(export))
    assert dialog.source() == NetboxSource(files=(str(export),))
    # The server fields are remembered, never the token itself.
    dialog.from_server.setChecked(True)
    dialog._accept()
    assert settings.value("netbox/url") == "http://127.0.0.1:8977"
    settings.sync()
    assert "secret" not in Path(settings.fileName()).read_text(encoding="utf-8")
