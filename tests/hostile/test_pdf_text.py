"""Hostile-input family "PDF text": what a plan can hold that the runbook must print.

Each case is a small valid plan with one hostile value in one place (plan name, service
name or id, scenario name, runbook steps, owner and team, notes, rack and server names):
10,000 characters, a long unbroken word, markup-like text, control characters, Arabic,
Hebrew, emoji, combining marks, a right-to-left override, Hangul, zero-width characters;
plus a few big plans (a 10,000-unit rack, 10,000-service dependency chains). Each is
exported through the CLI and must behave (exit 0, no traceback), give a PDF that pypdf
opens with a page count in range, and, for the text cases, print the text as written or
the visible marker of a character no bundled font has (``[U+1F525]``), never ``?``.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.hostile.harness import assert_behaved, run_cli

LONG = " ".join(f"word{i:05d}" for i in range(1100))  # about 10,000 characters
WORD = "Unbroken" * 1250  # 10,000 characters, no break
TEXTS: dict[str, tuple[str, tuple[str, ...]]] = {
    # name: (value, what the extracted text must hold, whitespace removed)
    "long": (LONG, ("word00000word00001", "word00010")),
    "word": (WORD, ("UnbrokenUnbrokenUnbroken",)),
    "markup": ("<b>&amp;</b> <para> & <br/> </font>", ("<b>&amp;</b><para>&<br/></font>",)),
    "controls": ("ctl\x00nul\x1b[31mred\x07bell\rret\nline", ("[U+0000]nul[U+001B][31mred",)),
    # pypdf gives right-to-left words back in logical order, the words in page order.
    "arabic": ("خدمة البريد الإلكتروني 2", ("خدمة", "البريد", "الإلكتروني")),
    "hebrew": ("שירות דואר (ראשי)", ("שירות", "דואר", "ראשי")),
    "emoji": ("fire 🔥 sun ☀ thumbs 👍", ("fire[U+1F525]sun☀thumbs[U+1F44D]",)),
    "combining": ("Cafe\u0301 n\u0303o", ("Cafe\u0301",)),
    "rtl-override": ("safe\u202eexe.txt", ("safe[U+202E]exe.txt",)),
    "hangul": ("메일 서비스 복구", ("메일서비스복구",)),
    "zero-width": ("zero\u200bwidth\u200djoin\ufeffbom", ("zero", "width", "join", "bom")),
    # The plan reader refuses lone surrogates today; if one gets through, a marker.
    "surrogate": ("half \ud800 pair", ("half[U+D800]pair",)),
}
MAY_BE_REFUSED = {"surrogate"}
# Where a value goes, and whether the runbook prints it whole (else cut with an ellipsis
# at 160 characters, so only the start of a long value is looked for there).
PLACES: dict[str, bool] = {
    "plan-name": True,
    "service-name": True,
    "service-id": False,
    "scenario-name": True,
    "steps": True,
    "contacts": False,
    "notes": True,
    "rack-server-names": False,
}


@dataclass(frozen=True)
class Case:
    id: str
    plan: dict[str, Any]
    pages: tuple[int, int]  # inclusive range
    expect: tuple[str, ...] = ()
    seconds: float = 20.0
    codes: tuple[int, ...] = (0,)


def _plan(**changes: Any) -> dict[str, Any]:
    """A small valid plan: one site, one rack, three servers, services a <- b."""
    service_a: dict[str, Any] = {
        "id": "a",
        "name": "alpha",
        "tier": 1,
        "rto_minutes": 60,
        "restore_minutes": 30,
        "servers": ["s0"],
        "depends_on": [],
        "steps": ["Restore from backup"],
        "owner": "Kim",
        "team": "Ops",
        "notes": "",
    }
    service_b = {
        "id": "b",
        "name": "bravo",
        "tier": 1,
        "rto_minutes": 60,
        "restore_minutes": 30,
        "servers": ["s1"],
        "depends_on": ["a"],
    }
    plan: dict[str, Any] = {
        "format": "drplanner",
        "version": 1,
        "name": "Hostile text",
        "sites": [{"id": "site", "name": "Site", "x": 0, "y": 0, "width": 100, "height": 100}],
        "racks": [{"id": "r1", "site": "site", "name": "Rack 1", "units": 42, "x": 0, "y": 0}],
        "servers": [
            {"id": f"s{i}", "rack": "r1", "name": f"server {i}", "position": i + 1, "height": 1}
            for i in range(3)
        ],
        "pools": [],
        "services": [service_a, service_b],
        "scenarios": [{"id": "fire", "name": "Fire", "failed": ["site"]}],
    }
    for key, value in changes.items():
        _place(plan, key, value)
    return plan


def _place(plan: dict[str, Any], place: str, value: str) -> None:
    service = plan["services"][0]
    if place == "plan-name":
        plan["name"] = value
    elif place == "service-name":
        service["name"] = value
    elif place == "service-id":
        service["id"] = value
        plan["services"][1]["depends_on"] = [value]
    elif place == "scenario-name":
        plan["scenarios"][0]["name"] = value
    elif place == "steps":
        service["steps"] = [value, "then " + value]
    elif place == "contacts":
        service["owner"], service["team"] = value, value
    elif place == "notes":
        service["notes"] = value
    elif place == "rack-server-names":
        plan["racks"][0]["name"] = value
        plan["servers"][0]["name"] = value
    else:
        raise AssertionError(place)


def _text_cases() -> list[Case]:
    cases = []
    for place, whole in PLACES.items():
        for name, (value, expect) in TEXTS.items():
            big = len(value) > 1000
            if big and not whole:
                expect = tuple(e[:60] for e in expect[:1])  # only the start is printed
            refusable = name in MAY_BE_REFUSED or (place == "service-id" and name == "controls")
            codes = (0, 2) if refusable else (0,)
            pages = (8, 60) if big else (8, 16)
            cases.append(Case(f"{place}-{name}", _plan(**{place: value}), pages, expect, 20, codes))
    return cases


def _chain(length: int, lost: bool) -> dict[str, Any]:
    """``length`` services, each depending on the one before; ``lost``: each on a lost
    server of its own (one step each), else only the first is (the rest wait)."""
    plan = _plan()
    plan["racks"][0]["units"] = max(42, length if lost else 3)
    plan["servers"] = [
        {"id": f"s{i}", "rack": "r1", "name": f"server {i}", "position": i + 1, "height": 1}
        for i in range(length if lost else 3)
    ]
    plan["services"] = [
        {
            "id": f"c{i}",
            "name": f"chain {i}",
            "tier": 1,
            "rto_minutes": 60,
            "restore_minutes": 1,
            "servers": [f"s{i}"] if lost or i == 0 else [],
            "depends_on": [f"c{i - 1}"] if i else [],
        }
        for i in range(length)
    ]
    return plan


def _big_rack(units: int, servers: int) -> dict[str, Any]:
    plan = _plan()
    plan["racks"][0]["units"] = units
    step = max(1, units // max(servers, 1))
    plan["servers"] = [
        {"id": f"s{i}", "rack": "r1", "name": f"server {i}", "position": i * step + 1, "height": 1}
        for i in range(servers)
    ]
    return plan


def _big_cases() -> list[Case]:
    return [
        # A 10,000-unit rack with servers at the bottom, middle and top: three parts.
        Case("rack-10000-units", _big_rack(10_000, 3), (9, 14), ("U1-", "of 10000U")),
        # Servers spread over the whole rack: the parts drawn are capped.
        Case("rack-10000-units-full", _big_rack(10_000, 400), (9, 20), ("more parts",)),
        Case("chain-10000-waiting", _chain(10_000, lost=False), (8, 30), ("1-10000",), 30),
        # 3,000 steps, each waiting for the one before: the compact procedure and a long
        # critical path, laid out in time linear in the steps.
        Case("chain-3000-lost", _chain(3_000, lost=True), (80, 250), ("3000 steps",), 60),
        Case(
            "plan-name-10000-unbroken",
            _plan(**{"plan-name": WORD, "service-name": WORD}),
            (8, 60),
            ("UnbrokenUnbroken",),
        ),
    ]


CASES: list[Case] = _text_cases() + _big_cases()


def _squeeze(text: str) -> str:
    return re.sub(r"[\s\u200b\u200d\ufeff]+", "", text)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_pdf_text(case: Case, tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(case.plan), encoding="utf-8")
    out = tmp_path / "runbook.pdf"
    started = time.monotonic()
    outcome = run_cli(["export", str(plan), "--scenario", "fire", "-o", str(out)])
    took = time.monotonic() - started
    assert_behaved(outcome, codes=case.codes)
    assert took < case.seconds, f"export took {took:.1f} s"
    if outcome.code != 0:
        assert not out.exists()
        return
    reader = PdfReader(out)
    low, high = case.pages
    assert low <= len(reader.pages) <= high, len(reader.pages)
    # The expected text is in the first pages (cover to procedure); skip the rest.
    text = _squeeze("".join(page.extract_text() or "" for page in reader.pages[:60]))
    for wanted in case.expect:
        assert _squeeze(wanted) in text, wanted
