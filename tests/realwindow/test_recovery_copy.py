"""A crash with unsaved work, for real: edit in a drplanner process, kill -9 it, start again.

The recovery copy must be offered (not deleted) at the next start, for a saved plan and for
an untitled one, and the restored work must reach the file on the next save. Everything
goes through the X server: key chords and the dialogs are driven with xdotool.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from planner.storage import load_plan
from tests.conftest import EXAMPLES
from tests.realwindow import xdo

if TYPE_CHECKING:  # importing the conftest at run time would start a second Xvfb
    from tests.realwindow.conftest import Program

AUTOSAVE_MS = "300"  # DRPLANNER_AUTOSAVE_MS: the copy appears soon after the first edit
TIMEOUT_S = 60.0
RESTORE_TITLE = "Restore unsaved changes"


def wait_for(condition: Callable[[], object], what: str, program: Program) -> object:
    """Poll ``condition`` until it is truthy (bounded); fail naming ``what`` otherwise."""
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if program.process.poll() is not None:
            raise AssertionError(f"drplanner exited before {what}:\n{program.output()}")
        time.sleep(0.1)  # a poll interval, not synchronisation: the condition decides
    raise AssertionError(f"timed out waiting for {what}:\n{program.output()}")


def windows(program: Program, title: str) -> list[str]:
    """Visible windows of ``program`` whose title matches ``title`` (both must hold:
    xdotool's search matches any one criterion unless told --all)."""
    criteria = ["--all", "--onlyvisible", "--pid", str(program.pid), "--name", title]
    done = subprocess.run(
        ["xdotool", "search", *criteria],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done.stdout.split()


def main_window(program: Program, title: str = "DR Planner") -> str:
    ids = wait_for(
        lambda: windows(program, title),
        f"a window titled {title!r}",
        program,
    )
    return ids[-1]  # type: ignore[index]


def focus(window: str) -> None:
    """Pointer over the window and keyboard focus in it, as a click on its title would."""
    x, y, width, height = xdo.window_geometry(window)
    xdo.move(x + width // 2, y + height // 2)
    xdo.xdotool("windowfocus", "--sync", window)


def recovery_copies(home: Path) -> list[Path]:
    """Complete recovery copies under the private home: the plan and its note, readable."""
    found = []
    for copy in home.glob("data/**/autosave/*.drplan"):
        try:
            json.loads(copy.with_suffix(".json").read_text())
        except (OSError, ValueError):
            continue  # the note is written just after the copy
        found.append(copy)
    return found


def crash_with_unsaved_site(launch, args: list[str], before: Callable[[Program], None]) -> Path:  # type: ignore[no-untyped-def]
    """Start drplanner, run ``before`` on it, add a site (Ctrl+Shift+1), wait for
    the recovery copy, kill -9; the copy's path."""
    program = launch(args, DRPLANNER_AUTOSAVE_MS=AUTOSAVE_MS)
    window = main_window(program)
    focus(window)
    before(program)
    xdo.key("ctrl+shift+1")  # Add > Add site
    wait_for(lambda: windows(program, r"\* — DR Planner"), "an edit", program)
    copies = wait_for(lambda: recovery_copies(program.home), "the recovery copy", program)
    program.kill()
    (copy,) = copies  # type: ignore[misc]
    return copy


def restore_after_restart(launch, args: list[str], copy: Path) -> Program:  # type: ignore[no-untyped-def]
    """Start again; the restore dialog must come while the copy is still there; accept it."""
    program = launch(args, DRPLANNER_AUTOSAVE_MS=AUTOSAVE_MS)

    def offered() -> list[str]:
        dialogs = windows(program, RESTORE_TITLE)
        if not dialogs and not copy.exists():
            raise AssertionError(f"the recovery copy was deleted, not offered:\n{program.output()}")
        return dialogs

    dialog = wait_for(offered, "the restore offer", program)[-1]  # type: ignore[index]
    focus(dialog)
    xdo.key("Return")  # the default button: Restore
    wait_for(lambda: not windows(program, RESTORE_TITLE), "restore", program)
    wait_for(
        lambda: windows(program, r"\* — DR Planner"),
        "the restored, unsaved plan",
        program,
    )
    assert copy.exists(), "the restored copy must stay until the work is saved"
    return program


def test_a_saved_plan_edited_then_killed_is_offered_back_and_saves(launch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plan_path = tmp_path / "plan.drplan"
    shutil.copyfile(EXAMPLES / "pangyo.drplan", plan_path)
    sites_before = len(load_plan(plan_path)[0].sites)

    copy = crash_with_unsaved_site(launch, [str(plan_path)], lambda _program: None)
    assert len(load_plan(copy)[0].sites) == sites_before + 1
    assert len(load_plan(plan_path)[0].sites) == sites_before  # the kill saved nothing

    program = restore_after_restart(launch, [str(plan_path)], copy)
    saved_at = plan_path.stat().st_mtime_ns
    focus(main_window(program, r"plan\.drplan \* — DR Planner"))
    xdo.key("ctrl+s")
    wait_for(lambda: plan_path.stat().st_mtime_ns != saved_at, "the save", program)
    wait_for(
        lambda: windows(program, r"^plan\.drplan — DR Planner"),
        "the saved title",
        program,
    )
    assert len(load_plan(plan_path)[0].sites) == sites_before + 1
    assert not copy.exists(), "saving the restored work retires its recovery copy"


def test_an_untitled_plan_killed_is_offered_back_and_saves(launch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    def new_plan(program: Program) -> None:
        xdo.key("ctrl+n")  # File > New (the example it opened on is unmodified)
        main_window(program, r"^Untitled — DR Planner")

    copy = crash_with_unsaved_site(launch, [], new_plan)
    assert copy.name == "untitled.drplan"
    plan = load_plan(copy)[0]
    assert (plan.name, len(plan.sites)) == ("New plan", 1)

    program = restore_after_restart(launch, [], copy)
    focus(main_window(program, r"Untitled \* — DR Planner"))
    xdo.key("ctrl+s")  # an untitled plan: Save As asks for a name
    dialog = main_window(program, "Save plan as")
    focus(dialog)
    target = tmp_path / "rescued.drplan"
    xdo.type_text(str(target))
    xdo.key("Return")
    wait_for(target.exists, "the saved file", program)
    wait_for(
        lambda: windows(program, r"^rescued\.drplan — DR Planner"),
        "the saved title",
        program,
    )
    plan = load_plan(target)[0]
    assert (plan.name, len(plan.sites)) == ("New plan", 1)
    assert not copy.exists()
