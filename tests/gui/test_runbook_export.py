"""File > Export runbook writes the PDF off the GUI thread and reports back."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QPushButton

from planner.gui.main_window import MainWindow, runbook_available
from tests.conftest import EXAMPLES


def test_export_runbook_from_the_window(qtbot, tmp_path: Path) -> None:
    assert runbook_available()
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, autosave_dir=tmp_path / "autosave")
    qtbot.addWidget(window)
    assert window.open_path(EXAMPLES / "pangyo.drplan", offer_recovery=False)
    messages: list[str] = []
    window.runbook_exporter.done.connect(messages.append)
    target = tmp_path / "fire.pdf"
    window.ask_save_path = lambda *_args: str(target)  # type: ignore[method-assign]
    assert not window.export_runbook()  # no scenario chosen yet: nothing to print
    window.recovery.set_scenario("pangyo-fire")
    qtbot.waitUntil(lambda: window.recovery.is_current and window.recovery.result is not None)
    assert window.export_runbook()
    qtbot.waitUntil(lambda: bool(messages), timeout=60_000)
    assert messages == [f"Runbook written to {target}"]
    text = PdfReader(str(target)).pages[0].extract_text()
    assert "Recovery runbook" in text and "126:00" in text


def test_cancelling_the_export_keeps_the_file_already_there(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    import threading

    import planner.runbook.export as export

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, autosave_dir=tmp_path / "autosave")
    qtbot.addWidget(window)
    assert window.open_path(EXAMPLES / "pangyo.drplan", offer_recovery=False)
    window.recovery.set_scenario("pangyo-fire")
    qtbot.waitUntil(lambda: window.recovery.is_current and window.recovery.result is not None)
    target = tmp_path / "fire.pdf"
    target.write_text("the runbook printed last week")
    window.ask_save_path = lambda *_args: str(target)  # type: ignore[method-assign]
    gate = threading.Event()
    real_export = export.export_runbook

    def gated(*args: object, **kwargs: object) -> int:
        assert gate.wait(30), "never released"
        return real_export(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(export, "export_runbook", gated)
    messages: list[str] = []
    window.runbook_exporter.done.connect(messages.append)
    assert window.export_runbook()
    dialog = window.runbook_exporter.dialog
    assert dialog is not None
    (button,) = dialog.findChildren(QPushButton)
    button.click()  # Cancel, before the first page is laid out
    gate.set()
    qtbot.waitUntil(lambda: bool(messages), timeout=60_000)
    assert messages == ["Runbook export cancelled"]
    assert target.read_text() == "the runbook printed last week"
    assert window.runbook_exporter.dialog is None
