"""Write the runbook PDF: compute nothing, lay out the story, write the file atomically."""

from __future__ import annotations

import datetime as _dt
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from reportlab.lib.pagesizes import A4, LETTER

from planner.analysis.run import Analysis
from planner.engine.recovery import RecoveryResult
from planner.model.plan import Plan
from planner.runbook.fonts import plain, register_fonts, short
from planner.runbook.story import Meta, build_story
from planner.runbook.template import RunbookCancelled, RunbookDoc
from planner.storage.atomic import write_bytes_atomically

Paper = Literal["a4", "letter"]
PAPERS: dict[str, tuple[float, float]] = {"a4": A4, "letter": LETTER}

__all__ = ["RunbookCancelled", "export_runbook", "render_runbook"]


def _scenario_title(plan: Plan, result: RecoveryResult) -> str:
    if result.scenario:
        scenario = plan.scenario(result.scenario)
        name = scenario.name if scenario else result.scenario
        return f"{name} ({result.scenario})"
    return "ad hoc: " + ", ".join(result.failed)


def render_runbook(
    plan: Plan,
    result: RecoveryResult,
    paper: Paper = "a4",
    date: _dt.date | str | None = None,
    progress: Callable[[int, int], bool] | None = None,
    analysis: Analysis | None = None,
) -> bytes:
    """The runbook of ``result`` as PDF bytes; the same inputs give the same bytes.

    ``date`` is printed as the generation date (today, UTC, when None); the PDF's own
    creation date is reportlab's invariant one, so only ``date`` varies the output.
    ``progress(done, total)`` is called as pages are laid out; returning False cancels
    with :class:`RunbookCancelled`. Given an ``analysis`` (:func:`planner.analysis.analyze`
    of the same plan), the runbook ends with the "Resilience findings" appendix.
    """
    from planner.storage.drplan_format import fingerprint

    register_fonts()
    if paper not in PAPERS:
        raise ValueError(f"unknown paper '{paper}' (a4 or letter)")
    if date is None:
        date = _dt.datetime.now(_dt.UTC).date()
    date_text = date.isoformat() if isinstance(date, _dt.date) else str(date)
    pagesize = PAPERS[paper]
    plan_print = fingerprint(plan)
    scenario = _scenario_title(plan, result)
    buffer = io.BytesIO()
    doc = RunbookDoc(
        buffer,
        pagesize=pagesize,
        plan_name=plan.name,
        scenario=scenario,
        fingerprint=plan_print,
        progress=progress,
        # Metadata is shown by the viewer in its own fonts: cut, controls made visible.
        title=plain(short(f"Recovery runbook: {plan.name}", 200)),
        subject=plain(short(scenario, 200)),
        author="DR Planner",
        creator="DR Planner",
        producer="DR Planner",
    )
    meta = Meta(scenario, date_text, plan_print, doc.width, doc.height)
    story = build_story(plan, result, meta, analysis)
    doc.total_hint = len(story)
    doc.build(story)  # one layout pass: the page numbers are filled in at the end
    if progress is not None:
        progress(doc.total_hint, doc.total_hint)
    return buffer.getvalue()


def export_runbook(
    plan: Plan,
    result: RecoveryResult,
    path: str | os.PathLike[str],
    paper: Paper = "a4",
    date: _dt.date | str | None = None,
    progress: Callable[[int, int], bool] | None = None,
    analysis: Analysis | None = None,
) -> int:
    """Write the runbook to ``path`` (atomically) and return its page count."""
    data = render_runbook(
        plan, result, paper=paper, date=date, progress=progress, analysis=analysis
    )
    # Beside the target, then renamed over it, with the mode any new file gets (umask).
    write_bytes_atomically(Path(path), data)
    return page_count_of(data)


def page_count_of(data: bytes) -> int:
    """Pages of a runbook we wrote (reportlab writes one ``/Type /Page`` per page)."""
    return data.count(b"/Type /Page\n") or data.count(b"/Type /Page ") or _count_pages(data)


def _count_pages(data: bytes) -> int:
    import re

    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))
