"""The printable runbook: sections, schedule order, text safety, determinism, CLI."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from pypdf import PdfReader

from planner.engine.recovery import RecoveryResult, compute
from planner.model import Plan
from planner.runbook.export import RunbookCancelled, export_runbook, render_runbook
from planner.runbook.story import SECTIONS
from planner.storage import load_plan

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "resources" / "examples" / "pangyo.drplan"
MARKUP_NAME = "<b>&</b> 메일 / mail"
FALLBACK_NAME = "검색 / Ärger-Suche ✓ Ωμέγα"  # Ä, ✓ and έ are not in NanumGothic


def _plan() -> Plan:
    plan, problems = load_plan(EXAMPLE)
    assert not problems
    mail = plan.service("mail")
    assert mail is not None
    mail.name = MARKUP_NAME  # markup characters must print literally
    search = plan.service("search")
    assert search is not None
    search.name = FALLBACK_NAME
    return plan


@pytest.fixture(scope="module")
def built() -> tuple[Plan, RecoveryResult, bytes]:
    plan = _plan()
    result = compute(plan, "pangyo-fire")
    return plan, result, render_runbook(plan, result, date="2026-01-02")


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_every_section_is_present_in_order(built: tuple[Plan, RecoveryResult, bytes]) -> None:
    _, _, data = built
    text = _text(data)
    assert "Recovery runbook" in text
    body = text[text.index("Sign-off") + 1 :]  # past the contents page
    positions = [body.find(f"\n{title}\n") for title in SECTIONS[1:]]
    assert all(p >= 0 for p in positions), dict(zip(SECTIONS[1:], positions, strict=True))
    assert positions == sorted(positions)


def test_steps_follow_the_schedule_order(built: tuple[Plan, RecoveryResult, bytes]) -> None:
    _, result, data = built
    text = _flat(_text(data))
    procedure = text[text.index("steps in schedule order") : text.index("Planned steps over time")]
    position = 0
    for n, task in enumerate(result.tasks, start=1):
        found = procedure.find(f"{n} {_flat(task.name)} ({task.id})", position)
        if found < 0:  # the number sits beside the block; the name follows it
            found = procedure.find(f"{_flat(task.name)} ({task.id})", position)
        assert found >= position, f"step {n} {task.id} out of order"
        position = found
    assert len(result.tasks) == 27


def test_korean_and_markup_print_literally(built: tuple[Plan, RecoveryResult, bytes]) -> None:
    _, _, data = built
    text = _text(data)
    assert "메시지 전송" in text
    assert "판교 데이터센터 화재" in text
    assert "<b>&</b> 메일" in text
    assert FALLBACK_NAME in text


def test_outline_has_every_section_and_step(built: tuple[Plan, RecoveryResult, bytes]) -> None:
    _, result, data = built
    reader = PdfReader(io.BytesIO(data))

    def titles(items: Sequence[object]) -> list[str]:
        out: list[str] = []
        for item in items:
            if isinstance(item, list):
                out += titles(item)
            else:
                out.append(item.title)  # type: ignore[attr-defined]
        return out

    outline = titles(reader.outline)
    for title in SECTIONS:
        assert title in outline
    for n, task in enumerate(result.tasks, start=1):
        assert f"{n}. {task.name} ({task.id})" in outline


def test_page_n_of_total_in_every_footer(built: tuple[Plan, RecoveryResult, bytes]) -> None:
    _, _, data = built
    reader = PdfReader(io.BytesIO(data))
    total = len(reader.pages)
    for n, page in enumerate(reader.pages, start=1):
        assert f"page {n} of {total}" in (page.extract_text() or "")


def test_same_inputs_same_bytes(built: tuple[Plan, RecoveryResult, bytes]) -> None:
    plan, result, data = built
    again = render_runbook(plan, compute(plan, "pangyo-fire"), date="2026-01-02")
    assert again == data
    other_day = render_runbook(plan, result, date="2026-01-03")
    assert other_day != data


def test_letter_paper_and_cancel(tmp_path: Path) -> None:
    plan = _plan()
    result = compute(plan, "rack-pg-a03")
    pages = export_runbook(plan, result, tmp_path / "r.pdf", paper="letter", date="2026-01-02")
    reader = PdfReader(tmp_path / "r.pdf")
    assert len(reader.pages) == pages
    assert round(float(reader.pages[0].mediabox.width)) == 612
    with pytest.raises(RunbookCancelled):
        export_runbook(plan, result, tmp_path / "c.pdf", progress=lambda done, total: False)
    assert not (tmp_path / "c.pdf").exists()
    assert not list(tmp_path.glob(".runbook-*"))


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DRPLANNER_DEBUG"}
    return subprocess.run(
        [sys.executable, "-m", "planner", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )


def test_cli_export(tmp_path: Path) -> None:
    out = tmp_path / "runbook.pdf"
    done = _run(
        "export", str(EXAMPLE), "--scenario", "pangyo-fire", "-o", str(out), "--date", "2026-01-02"
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF")
    assert "Pangyo data centre fire" in _text(out.read_bytes())


def test_cli_export_wrong_scenario_is_one_line(tmp_path: Path) -> None:
    out = tmp_path / "runbook.pdf"
    done = _run("export", str(EXAMPLE), "--scenario", "nope", "-o", str(out))
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "unknown scenario 'nope'" in done.stderr
    assert not out.exists()


def test_large_plan_uses_the_compact_forms() -> None:
    from benchmarks.scale_plan import scale_plan

    plan = scale_plan(sites=2, racks=80, servers_per_rack=8, services=400, dependencies=800)
    result = compute(plan, "everything")
    assert len(result.tasks) > 300  # above FULL_PROCEDURE_MAX: one row per step
    data = render_runbook(plan, result, date="2026-01-02")
    reader = PdfReader(io.BytesIO(data))
    text = _flat(_text(data))
    assert "one row each" in text
    assert "too many to draw" in text
    assert f"Only the first 24 of {len(plan.racks)} affected racks are drawn" in text
    steps = next(item for item in reader.outline if isinstance(item, list))
    assert len(steps) == len(result.tasks)
    assert getattr(steps[0], "title", None) == f"1. {result.tasks[0].name} ({result.tasks[0].id})"
