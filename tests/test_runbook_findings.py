"""The runbook's optional "Resilience findings" appendix (issue 15)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from planner.analysis import Analysis, analyze
from planner.engine.recovery import RecoveryResult, compute
from planner.model import Plan
from planner.runbook.export import render_runbook
from planner.storage import load_plan

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "resources" / "examples" / "pangyo.drplan"
HOSTILE = "<b>ops</b> & <font color='red'>tool</font>"


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", "\n".join(page.extract_text() or "" for page in reader.pages))


@pytest.fixture(scope="module")
def built() -> tuple[Plan, RecoveryResult, Analysis, str, str]:
    plan, problems = load_plan(EXAMPLE)
    assert not problems
    ops = plan.service("ops-tooling")
    assert ops is not None
    ops.name = HOSTILE  # markup characters must print literally
    object.__setattr__(ops, "recovery_tooling", True)
    result = compute(plan, "pangyo-fire")
    analysis = analyze(plan)
    plain = _text(render_runbook(plan, result, date="2026-01-02"))
    flagged = _text(render_runbook(plan, result, date="2026-01-02", analysis=analysis))
    return plan, result, analysis, plain, flagged


def test_the_appendix_is_there_with_the_analysis_and_absent_without(
    built: tuple[Plan, RecoveryResult, Analysis, str, str],
) -> None:
    _, _, _, plain, flagged = built
    for title in ("Findings, worst first", "Worst single failures", "Each site lost (N-1)"):
        assert title in flagged
        assert title not in plain
    assert "What one change buys" in flagged
    assert "Resilience findings" not in plain


def test_the_top_findings_message_is_printed(
    built: tuple[Plan, RecoveryResult, Analysis, str, str],
) -> None:
    _, _, analysis, _, flagged = built
    assert analysis.findings
    top = re.sub(r"\s+", " ", analysis.findings[0].message)
    appendix = flagged[flagged.rindex("Findings, worst first") :]
    assert top[:60] in appendix


def test_a_hostile_name_prints_literally(
    built: tuple[Plan, RecoveryResult, Analysis, str, str],
) -> None:
    _, _, _, _, flagged = built
    appendix = flagged[flagged.rindex("Findings, worst first") :]
    assert HOSTILE in appendix


def test_steps_needing_downed_tooling_are_flagged_only_with_the_appendix(
    built: tuple[Plan, RecoveryResult, Analysis, str, str],
) -> None:
    _, _, _, plain, flagged = built
    assert "which this scenario takes down" in flagged
    assert "which this scenario takes down" not in plain


def test_the_window_exports_the_appendix_when_the_option_is_checked(qtbot, tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    from planner.gui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, autosave_dir=tmp_path / "autosave")
    qtbot.addWidget(window)
    assert window.open_path(EXAMPLE, offer_recovery=False)
    messages: list[str] = []
    window.runbook_exporter.done.connect(messages.append)
    window.runbook_exporter.findings_action.setChecked(True)
    target = tmp_path / "fire.pdf"
    window.ask_save_path = lambda *_args: str(target)  # type: ignore[method-assign]
    window.recovery.set_scenario("pangyo-fire")
    qtbot.waitUntil(lambda: window.recovery.is_current and window.recovery.result is not None)
    assert window.export_runbook()
    qtbot.waitUntil(lambda: bool(messages), timeout=120_000)
    assert messages == [f"Runbook written to {target}"]
    assert "Worst single failures" in _text(target.read_bytes())
