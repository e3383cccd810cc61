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
    assert len(result.tasks) == 29


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


# ---------------------------------------------------------------- text no font of ours has


def test_scripts_take_the_fallback_face_and_unknown_glyphs_a_marker() -> None:
    from planner.runbook.fonts import FALLBACK, fit, markup

    text = "메일 خدمة 🔥 x \x1b[2J שלום"
    marked = markup(text)
    assert f'<font name="{FALLBACK}">' in marked  # Arabic and Hebrew: DejaVu Sans
    assert "[U+1F525]" in marked and "[U+001B]" in marked
    assert "\x1b" not in marked
    drawn = fit(text, False, 7, 1000)
    joined = "\ufe94\ufee3\ufeaa\ufea7"  # خدمة joined, in display order
    assert "".join(part for _, part, _ in drawn) == f"메일 {joined} [U+1F525] x [U+001B][2J םולש"
    assert {font for font, _, _ in drawn} == {"RunbookSans", "RunbookFallback"}
    assert not any("?" in part for _, part, _ in drawn)


def test_right_to_left_runs_are_put_in_display_order() -> None:
    from planner.runbook.fonts import visual

    assert visual("abc خدمة البريد def") == "abc ديربلا ةمدخ def"
    assert visual("שירות דואר (ראשי)") == "(ישאר) ראוד תוריש"  # the pair mirrored, kept
    assert visual("abc (שלום) x") == "abc (םולש) x"
    assert visual("שרת 42") == "42 תרש"  # numbers keep their order
    assert visual("Cafe\u0301") == "Cafe\u0301"


def test_arabic_letters_take_their_joined_forms() -> None:
    import unicodedata

    from planner.runbook.fonts import fit, visual

    def names(text: str) -> list[str]:
        return [unicodedata.name(c).removeprefix("ARABIC ") for c in text]

    drawn = "".join(part for _, part, _ in fit("خدمة البريد", False, 7, 1000))
    assert names(drawn) == [
        *("LETTER DAL FINAL FORM", "LETTER YEH INITIAL FORM", "LETTER REH FINAL FORM"),
        *("LETTER BEH MEDIAL FORM", "LETTER LAM INITIAL FORM", "LETTER ALEF ISOLATED FORM"),
        "SPACE",
        *("LETTER TEH MARBUTA FINAL FORM", "LETTER MEEM INITIAL FORM"),
        *("LETTER DAL FINAL FORM", "LETTER KHAH INITIAL FORM"),
    ]
    # Lam before alef is one ligature; a mark is kept, drawn before its letter (DejaVu's
    # right-to-left marks reach right from their origin); other text is kept.
    assert names(fit("لا", False, 7, 1000)[0][1]) == ["LIGATURE LAM WITH ALEF ISOLATED FORM"]
    assert names(fit("بِ", False, 7, 1000)[0][1]) == ["KASRA", "LETTER BEH ISOLATED FORM"]
    assert visual("שָׁל") == "\u05dc\u05c1\u05b8\u05e9"  # shin's dot and qamats first
    assert "".join(part for _, part, _ in fit("a\u200db", False, 7, 1000)) == "a\u200db"


def test_joined_arabic_copies_as_the_letters_typed(tmp_path: Path) -> None:
    plan = _plan()
    mail = plan.service("mail")
    assert mail is not None
    mail.name = "خدمة الإلكتروني لا"  # lam-alef ligatures: one glyph, two letters
    plan.name = "خطة التعافي اللَّهِ שָׁלוֹם"  # marks, two on one letter
    data = render_runbook(plan, compute(plan, "pangyo-fire"), date="2026-01-02")
    text = _text(data)
    for word in ("خدمة", "الإلكتروني", "لا", "خطة", "التعافي", "اللَّهِ", "שָׁלוֹם"):
        assert word in text, word
    assert not re.search("[\ufb50-\ufdff\ufe70-\ufefe]", text)  # no presentation forms


def test_fit_cuts_a_huge_name_in_time_of_its_first_line() -> None:
    import time

    from planner.runbook.fonts import fit, runs_width

    started = time.perf_counter()
    for _ in range(50):  # the header fits the plan name on every page of every pass
        runs = fit("N" * 100_000, True, 8, 250)
    assert time.perf_counter() - started < 1.0
    assert runs[-1][1] == "…"
    assert runs_width(runs, 8) <= 250


def test_a_rack_taller_than_a_page_is_drawn_in_parts() -> None:
    from planner.runbook.drawings import RackView, Slot, rack_parts, rack_row

    slots = tuple(Slot(f"s{u}", u, 1, True) for u in (1, 5_000, 10_000))
    rack = RackView("Tall", "tall", 10_000, slots, False)
    parts, left_out = rack_parts(rack, 90, 8)
    assert [(p.first, p.top) for p in parts] == [(1, 90), (4951, 5040), (9991, 10000)]
    assert left_out == 0 and all(len(p.slots) == 1 for p in parts)
    drawing = rack_row(parts, 500)
    assert drawing.height <= 90 * 6.5 + 44
    many = RackView(
        "Full", "full", 10_000, tuple(Slot("x", u, 1, False) for u in range(1, 10_001, 50)), False
    )
    parts, left_out = rack_parts(many, 90, 8)
    assert len(parts) == 8 and left_out == len({(u - 1) // 90 for u in range(1, 10_001, 50)}) - 8


def test_drawings_print_arabic_and_the_marker(tmp_path: Path) -> None:
    plan = _plan()
    mail = plan.service("mail")
    assert mail is not None
    mail.name = "خدمة البريد 🔥"
    result = compute(plan, "pangyo-fire")
    reader = PdfReader(io.BytesIO(render_runbook(plan, result, date="2026-01-02")))
    pages = [page.extract_text() or "" for page in reader.pages]
    timeline = next(text for text in pages if "Planned steps over time" in text)
    assert "خدمة" in timeline and "البريد" in timeline and "[U+1F525]" in timeline
    assert "?" not in timeline


# ---------------------------------------------------------------- one layout pass


def _contents(reader: PdfReader) -> list[tuple[str, int]]:
    """(entry, page number) of the contents, read from the pages that follow the one
    headed "Contents" up to the first section; each page number (with its dots) is
    extracted just before its entry."""
    entries: list[tuple[str, int]] = []
    number: int | None = None
    for page in reader.pages[1:4]:
        lines = (page.extract_text() or "").splitlines()
        for line in lines[lines.index("Contents") + 1 if "Contents" in lines else 0 :]:
            dots = re.fullmatch(r"[\s.]*\.\s+(\d+)", line)
            if dots:
                number = int(dots.group(1))
            elif number is not None:
                entries.append((line.strip(), number))
                number = None
    return entries


def _outline_pages(reader: PdfReader) -> dict[str, int]:
    """Outline title -> page number (1-based) of its destination."""
    pages: dict[str, int] = {}

    def walk(items: Sequence[object]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                pages[item.title] = reader.get_destination_page_number(item) + 1  # type: ignore[attr-defined, arg-type]

    walk(reader.outline)
    return pages


def test_contents_point_at_the_pages_of_their_sections_and_steps(
    built: tuple[Plan, RecoveryResult, bytes],
) -> None:
    plan, result, data = built
    reader = PdfReader(io.BytesIO(data))
    entries = _contents(reader)
    sections = [title for title in SECTIONS[1:]]
    steps = [f"{n}. {_flat(plan.service(t.id).name)}" for n, t in enumerate(result.tasks, 1)]  # type: ignore[union-attr]
    head = sections.index("Restore procedure") + 1  # the steps are listed under it
    assert [entry for entry, _ in entries] == [*sections[:head], *steps, *sections[head:]]
    outline = _outline_pages(reader)
    texts = [page.extract_text() or "" for page in reader.pages]
    for (entry, page), task in zip(entries[head : head + len(steps)], result.tasks, strict=True):
        # The step's block begins on that page: its bookmark is there, and so is its name.
        assert outline[f"{entry} ({task.id})"] == page, entry
        assert _flat(plan.service(task.id).name) in _flat(texts[page - 1]), entry  # type: ignore[union-attr]
    for entry, page in entries[:head] + entries[head + len(steps) :]:
        assert outline[entry] == page, entry
        assert f"\n{entry}\n" in texts[page - 1], entry  # the section's heading
    numbers = [page for _, page in entries]
    assert numbers == sorted(numbers) and numbers[0] == 3  # after the cover and contents


def test_the_document_is_laid_out_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every bookmark is registered once: no second layout pass for the page numbers."""
    from reportlab.platypus import BaseDocTemplate

    from planner.runbook.template import RunbookDoc

    registered: list[str] = []
    real_register = RunbookDoc.register

    def counting(self: RunbookDoc, mark: object) -> None:
        registered.append(mark.key)  # type: ignore[attr-defined]
        real_register(self, mark)  # type: ignore[arg-type]

    def no_passes(*args: object, **kwargs: object) -> int:
        raise AssertionError("multiBuild lays the document out again for each pass")

    monkeypatch.setattr(RunbookDoc, "register", counting)
    monkeypatch.setattr(BaseDocTemplate, "multiBuild", no_passes)
    plan = _plan()
    result = compute(plan, "pangyo-fire")
    data = render_runbook(plan, result, date="2026-01-02")
    assert len(registered) == len(set(registered)) == len(SECTIONS) + 1 + len(result.tasks)
    reader = PdfReader(io.BytesIO(data))
    total = len(reader.pages)
    assert f"page {total} of {total}" in (reader.pages[-1].extract_text() or "")


# ---------------------------------------------------------------- the compact procedure

ODD_NAMES = {
    "svc3": MARKUP_NAME,
    "svc5": FALLBACK_NAME,
    "svc7": "긴 이름 " * 60,  # cut to 160 characters, wraps over lines
    "svc9": "two  spaces",  # a Paragraph collapses them: it prints this one
    "svc11": "탭\t제어\x1b문자",  # a tab and a control character
}


@pytest.fixture(scope="module")
def large() -> tuple[Plan, RecoveryResult, PdfReader]:
    from benchmarks.scale_plan import scale_plan

    plan = scale_plan(sites=2, racks=80, servers_per_rack=8, services=400, dependencies=800)
    for service_id, name in ODD_NAMES.items():
        service = plan.service(service_id)
        assert service is not None
        service.name = name
    result = compute(plan, "everything")
    assert len(result.tasks) > 300  # the compact form: one table row per step
    return plan, result, PdfReader(io.BytesIO(render_runbook(plan, result, date="2026-01-02")))


def _procedure_pages(reader: PdfReader) -> list[str]:
    texts = [page.extract_text() or "" for page in reader.pages]
    first = next(i for i, text in enumerate(texts) if "one row each" in text)
    last = next(i for i, text in enumerate(texts) if "\nTimeline\n" in text and i > first)
    return texts[first:last]


def test_the_long_procedure_table_is_split_and_lists_every_step_once(
    large: tuple[Plan, RecoveryResult, PdfReader],
) -> None:
    _, result, reader = large
    pages = _procedure_pages(reader)
    assert len(pages) > 5  # one table over many pages
    # The step number (not the last step waited for, just above it), the name (over
    # lines when it wraps), the id and the action.
    row = re.compile(r"\n(\d+)\n(?!\d+\n)[^()]*?\((svc\d+)\)\s*(?:restore|failover)\n")
    found = [(int(n), sid) for text in pages for n, sid in row.findall(text)]
    assert found == [(n, t.id) for n, t in enumerate(result.tasks, start=1)]
    for text in pages:  # the header row on top of every page of the table
        assert "\nStep\nService\nAction\nPlanned\nConfirm first (steps)\n" in text


def test_compact_rows_print_names_literally_in_their_fonts(
    large: tuple[Plan, RecoveryResult, PdfReader],
) -> None:
    _, _, reader = large
    text = _flat("".join(_procedure_pages(reader)))
    assert f"{MARKUP_NAME} (svc3)" in text
    assert f"{FALLBACK_NAME} (svc5)" in text
    assert "긴 이름 긴 이름" in text and "…" in text  # cut, wrapped, whole
    assert "two spaces (svc9)" in text
    assert "탭 제어[U+001B]문자 (svc11)" in text
    # The glyphs NanumGothic lacks come from DejaVu Sans, the rest from NanumGothic.
    page = next(p for p in reader.pages if "(svc5)" in (p.extract_text() or ""))
    faces: dict[str, set[str]] = {}

    def visit(text: str, cm: object, tm: object, font: object, size: object) -> None:
        if font is not None and text.strip():
            faces.setdefault(text.strip(), set()).add(str(font["/BaseFont"]))  # type: ignore[index]

    page.extract_text(visitor_text=visit)
    assert {f for t, fs in faces.items() if "✓" in t for f in fs} == {"/AAAAAA+DejaVuSans"}
    assert any("NanumGothic" in f for t, fs in faces.items() if "검색" in t for f in fs)


def test_name_cells_are_one_line_runs_unless_they_wrap() -> None:
    from planner.runbook.story import Meta, Para, TextLine, _Ctx, _name_cell

    plan = _plan()
    ctx = _Ctx(plan, compute(plan, "pangyo-fire"), Meta("t", "d", "f", 500, 700))
    mail = _name_cell(ctx, "mail", 200)
    assert isinstance(mail, TextLine)  # "<b>&</b> 메일 / mail (mail)" drawn as it is
    assert "".join(text for _, _, text, _ in mail.runs) == f"{MARKUP_NAME} (mail)"
    assert {size for _, size, _, _ in mail.runs} == {8.5, 7}
    assert isinstance(_name_cell(ctx, "mail", 60), Para)  # too narrow: wraps
    search = _name_cell(ctx, "search", 300)
    assert isinstance(search, TextLine)
    assert {font for font, _, _, _ in search.runs} == {"RunbookSans", "RunbookFallback"}


def test_a_paragraph_keeps_its_lines_for_the_width_it_was_wrapped_to(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from reportlab.platypus import Paragraph

    from planner.runbook.story import Para, _styles

    breaks: list[float] = []
    real = Paragraph.breakLines

    def counting(self: Paragraph, width: object) -> object:
        breaks.append(1)
        return real(self, width)

    monkeypatch.setattr(Paragraph, "breakLines", counting)
    para = Para("word " * 200, _styles()["cell"])
    first = para.wrap(100, 1000)
    assert para.wrap(100, 50) == first and len(breaks) == 1  # measured, then drawn
    assert para.wrap(200, 1000) != first and len(breaks) == 2  # another width: again
    assert para.split(200, 5) == []  # no room: split() drops the lines it had
    assert para.wrap(200, 1000) and len(breaks) == 3


@pytest.mark.parametrize("length", [10_000, 10_100])
def test_a_step_a_page_tall_splits_over_pages(length: int) -> None:
    """A step whose block is about a page tall once split (an id of 10,000 characters
    without a break) is laid out over pages: the step's number cell spans no rows, so
    the table may split between its body and its blanks too (with the span, these
    lengths raised a LayoutError: the plan of tests/hostile/test_pdf_text.py)."""
    from planner.model.plan import Rack, Scenario, Server, Service, Site

    word = ("Unbroken" * 2000)[:length]
    plan = Plan(name="Hostile text")
    plan.sites = [Site("site", "Site")]
    plan.racks = [Rack("r1", "site", "Rack 1")]
    plan.servers = [Server(f"s{i}", "r1", f"server {i}", i + 1) for i in range(3)]
    plan.services = [
        Service(
            word,
            "alpha",
            rto_minutes=60,
            restore_minutes=30,
            servers=["s0"],
            steps=["Restore from backup"],
            owner="Kim",
            team="Ops",
        ),
        Service(
            "b", "bravo", rto_minutes=60, restore_minutes=30, servers=["s1"], depends_on=[word]
        ),
    ]
    plan.scenarios = [Scenario("fire", "Fire", ["site"])]
    data = render_runbook(plan, compute(plan, "fire"), date="2026-01-02")
    assert "UnbrokenUnbroken" in _text(data)
