"""Fonts of the runbook: the GUI's bundled NanumGothic for every string, plus a fallback.

NanumGothic covers Hangul, Latin and common punctuation. Glyphs it lacks (Cyrillic,
Greek, arrows, ...) are set in a fallback face: DejaVu Sans when the system has it,
else reportlab's own Bitstream Vera, which is always installed. Only Paragraph text
gets the fallback (through :func:`markup`); strings drawn in charts use NanumGothic
alone, and :func:`plain` replaces a glyph it lacks with ``?`` there.
"""

from __future__ import annotations

import os
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from planner.resources import resource_path

REGULAR = "RunbookSans"
BOLD = "RunbookSans-Bold"
FALLBACK = "RunbookFallback"
FALLBACK_BOLD = "RunbookFallback-Bold"

_SYSTEM_FALLBACKS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
    Path("/Library/Fonts/DejaVuSans.ttf"),
)
_registered = False
_covered: frozenset[int] = frozenset()


def _fallback_files() -> tuple[Path, Path]:
    """Regular and bold fallback faces (the regular one twice if no bold is found)."""
    for candidate in _SYSTEM_FALLBACKS:
        if candidate.is_file():
            bold = candidate.with_name("DejaVuSans-Bold.ttf")
            return candidate, bold if bold.is_file() else candidate
    vera = Path(os.path.dirname(reportlab.__file__)) / "fonts"
    return vera / "Vera.ttf", vera / "VeraBd.ttf"


def register_fonts() -> None:
    """Register the runbook faces with reportlab once per process."""
    global _registered, _covered
    if _registered:
        return
    regular = TTFont(REGULAR, str(resource_path("fonts", "NanumGothic.ttf")))
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(TTFont(BOLD, str(resource_path("fonts", "NanumGothicBold.ttf"))))
    fallback, fallback_bold = _fallback_files()
    pdfmetrics.registerFont(TTFont(FALLBACK, str(fallback)))
    pdfmetrics.registerFont(TTFont(FALLBACK_BOLD, str(fallback_bold)))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
    addMapping(FALLBACK, 0, 0, FALLBACK)
    addMapping(FALLBACK, 1, 0, FALLBACK_BOLD)
    addMapping(FALLBACK, 0, 1, FALLBACK)
    addMapping(FALLBACK, 1, 1, FALLBACK_BOLD)
    _covered = frozenset(regular.face.charToGlyph)
    _registered = True


def covered(char: str) -> bool:
    """Whether NanumGothic has a glyph for ``char`` (whitespace always counts)."""
    register_fonts()
    return char.isspace() or ord(char) in _covered


def markup(text: object) -> str:
    """``text`` escaped for Paragraph markup, glyphs NanumGothic lacks in the fallback face.

    Every user string goes through here: a service named ``<b>&</b>`` prints literally.
    """
    register_fonts()
    value = str(text)
    if all(covered(c) for c in value):
        return escape(value)
    parts: list[str] = []
    run: list[str] = []
    run_covered = True
    for char in value:
        ok = covered(char)
        if ok != run_covered and run:
            parts.append(_run(run, run_covered))
            run = []
        run_covered = ok
        run.append(char)
    if run:
        parts.append(_run(run, run_covered))
    return "".join(parts)


def _run(chars: list[str], is_covered: bool) -> str:
    text = escape("".join(chars))
    return text if is_covered else f'<font name="{FALLBACK}">{text}</font>'


def plain(text: object) -> str:
    """``text`` for a chart label: glyphs no font of ours has become ``?``."""
    value = str(text)
    return "".join(c if covered(c) else "?" for c in value)
