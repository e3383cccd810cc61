"""File > Import > From NetBox against the real server, in the window (offscreen): the read
reports progress, the import is one undo step, and the token is in neither the plan
file, the settings nor any message."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from planner.gui.main_window import MainWindow
from planner.gui.netbox_import import NetboxSource, NetboxSourceDialog
from planner.interop.netbox_live import read_token
from tests.live.conftest import LiveNetbox


def test_the_window_imports_from_the_server_and_keeps_no_token(
    qtbot, netbox: LiveNetbox, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    token = read_token(netbox.token_file)
    settings_file = tmp_path / "settings.ini"
    settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, autosave_dir=tmp_path / "autosave")
    qtbot.addWidget(window)
    window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]

    dialog = NetboxSourceDialog(settings, window)
    qtbot.addWidget(dialog)
    dialog.from_server.setChecked(True)
    dialog.url.setText(netbox.url)
    dialog.token_file.setText(str(netbox.token_file))
    assert dialog.error.text() == ""
    dialog._accept()
    source = dialog.source()
    assert source == NetboxSource(url=netbox.url, token_file=str(netbox.token_file))

    importer = window.netbox_importer
    steps: list[tuple[int, int]] = []
    importer.jobs.progress.connect(lambda _job, done, total: steps.append((done, total)))
    messages: list[str] = []
    importer.done.connect(messages.append)
    importer.ask_apply = lambda _result: True  # type: ignore[method-assign]
    importer.start(source)
    qtbot.waitUntil(lambda: bool(messages), timeout=300_000)
    assert messages[0].startswith("Imported from NetBox: "), messages
    assert steps and steps[-1][0] == steps[-1][1] > 0  # the read said how far it was
    plan = window.document.plan
    assert (len(plan.sites), len(plan.racks), len(plan.servers)) == (24, 42, 72)
    assert window.document.undo_stack.count() == 1

    saved = tmp_path / "live.drplan"
    window.document.save(saved)
    settings.sync()
    assert token.encode() not in saved.read_bytes()
    assert token not in settings_file.read_text(encoding="utf-8")
    assert settings.value("netbox/url") == netbox.url
    assert all(token not in m for m in messages)
