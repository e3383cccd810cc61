"""File > Export/Import services table: the dialog lists what changes, Apply is one undo
step, Cancel and a bad table change nothing."""

from __future__ import annotations

import copy
from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from planner.gui.main_window import MainWindow
from tests.conftest import EXAMPLES


def window_on_example(qtbot, tmp_path: Path) -> MainWindow:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, autosave_dir=tmp_path / "autosave")
    qtbot.addWidget(window)
    assert window.open_path(EXAMPLES / "pangyo.drplan", offer_recovery=False)
    window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
    return window


def exported(qtbot, window: MainWindow, path: Path) -> None:
    messages: list[str] = []
    window.table_io.done.connect(messages.append)
    assert window.table_io.export_table(str(path))
    qtbot.waitUntil(lambda: bool(messages))
    assert messages == [f"Exported 36 services to {path}"]


def set_cell(path: Path, service: str, header: str, value: object) -> None:
    workbook = load_workbook(path)
    sheet = workbook["Services"]
    column = [c.value for c in sheet[1]].index(header) + 1
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == service)
    sheet.cell(row, column).value = value
    workbook.save(path)


def test_the_menu_has_both_actions(qtbot, tmp_path: Path) -> None:
    window = window_on_example(qtbot, tmp_path)
    assert window.table_io.import_action in window.import_menu.actions()
    assert window.table_io.export_action in window.export_menu.actions()
    file_menu = window.menuBar().actions()[0].menu()
    assert {window.import_menu.menuAction(), window.export_menu.menuAction()} <= set(
        file_menu.actions()
    )


def test_import_is_shown_then_applied_as_one_undo_step(qtbot, tmp_path: Path) -> None:
    window = window_on_example(qtbot, tmp_path)
    document = window.document
    path = tmp_path / "services.xlsx"
    exported(qtbot, window, path)
    set_cell(path, "login", "RTO", "0:30")
    set_cell(path, "login", "Owner", "새 담당자")
    before = copy.deepcopy(document.plan)
    steps = document.undo_stack.count()
    assert window.table_io.import_table(str(path))
    qtbot.waitUntil(lambda: window.table_io.dialog is not None)
    dialog = window.table_io.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.lines("Added") == []
    assert dialog.lines("Changed") == [
        "service '로그인 / login' (login): RTO '1:00' -> '0:30'; "
        "Owner '박민준 (Park Min-jun)' -> '새 담당자'"
    ]
    assert dialog.lines("Warnings") == []
    assert document.plan == before  # nothing until Apply
    dialog.apply_button.click()
    assert document.undo_stack.count() == steps + 1
    login = document.plan.service("login")
    assert login is not None and (login.rto_minutes, login.owner) == (30, "새 담당자")
    assert login.steps == before.service("login").steps  # type: ignore[union-attr]
    document.undo_stack.undo()
    assert document.plan == before
    document.undo_stack.redo()
    assert document.plan.service("login").rto_minutes == 30  # type: ignore[union-attr]


def test_cancel_changes_nothing(qtbot, tmp_path: Path) -> None:
    window = window_on_example(qtbot, tmp_path)
    path = tmp_path / "services.csv"
    exported(qtbot, window, path)
    text = path.read_bytes().decode("utf-8-sig").replace("\r\nlogin,", "\r\nlogin-2,", 1)
    path.write_bytes(text.encode("utf-8-sig"))
    before = copy.deepcopy(window.document.plan)
    window.table_io.import_table(str(path))
    qtbot.waitUntil(lambda: window.table_io.dialog is not None)
    dialog = window.table_io.dialog
    assert dialog is not None
    assert dialog.lines("Added") == ["service '로그인 / login' (login-2)"]
    assert dialog.lines("Warnings") == [
        "service '로그인 / login' (login) is not in the sheet: left as it is"
    ]
    dialog.reject()
    assert window.document.plan == before
    assert not window.document.modified


def test_a_bad_table_is_refused_with_its_lines(qtbot, tmp_path: Path) -> None:
    window = window_on_example(qtbot, tmp_path)
    errors: list[str] = []
    window.show_error = errors.append  # type: ignore[method-assign]
    path = tmp_path / "services.xlsx"
    exported(qtbot, window, path)
    set_cell(path, "login", "RTO", "1:75")
    set_cell(path, "dns", "Servers", "no-such-server")
    before = copy.deepcopy(window.document.plan)
    window.table_io.import_table(str(path))
    qtbot.waitUntil(lambda: bool(errors))
    lines = errors[0].splitlines()
    assert lines[0] == "Nothing was imported:"
    assert any("column RTO: '1:75' is not a number of minutes" in line for line in lines)
    assert (
        "services.xlsx, sheet 'Services', row 3, column Servers: unknown server "
        "'no-such-server'" in lines
    )
    assert window.table_io.dialog is None
    assert window.document.plan == before


def test_an_edit_while_reading_drops_the_stale_result(qtbot, tmp_path: Path) -> None:
    window = window_on_example(qtbot, tmp_path)
    messages: list[str] = []
    window.table_io.done.connect(messages.append)
    path = tmp_path / "services.csv"
    exported(qtbot, window, path)
    messages.clear()
    window.table_io.import_table(str(path))
    window.table_io._plan_changed()  # as an edit landing before the worker is done
    qtbot.waitUntil(lambda: bool(messages))
    assert messages == ["The plan changed while the table was read: import it again"]
    assert window.table_io.dialog is None
