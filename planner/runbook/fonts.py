"""Fonts of the runbook and the one way user text reaches the page.

Every character is set in the first bundled face that has it: NanumGothic (Hangul, Latin,
common punctuation), then DejaVu Sans (Arabic, Hebrew, Greek, Cyrillic, combining marks,
many symbols and some emoji). Both are bundled under ``resources/fonts`` so the PDF does
not depend on the machine. What neither face has, characters past U+FFFF (most emoji:
see :func:`kind`) and every control character (C0/C1, the bidirectional overrides and
isolates, lone surrogates) are printed as a visible marker such as ``[U+1F525]``: never a
silent ``?`` or an empty box, and never a raw control that could reorder or hide the text
around it. Tab, newline and carriage return become spaces.

reportlab here neither shapes nor reorders right-to-left text. Its own shaping (with
``uharfbuzz``) needs ``rlbidi``, which is not on PyPI, for the order of words, and in
reportlab 5.1 it fails on a word set in two faces (``abc`` + Arabic). So :func:`joined`
gives each Arabic letter its contextual form (initial, medial, final, isolated, and the
lam-alef ligatures) from Unicode's Arabic Presentation Forms, which DejaVu Sans draws,
using ``arabic-reshaper``; and :func:`visual` puts each right-to-left run of a string in
display order (a light form of the Unicode bidi algorithm with a left-to-right base: runs
reversed, numbers inside them kept left to right, brackets mirrored, combining marks put
before their letter, where DejaVu's right-to-left marks reach over it). Marks are not
stacked (two on one letter overlap). The faces' ToUnicode maps give the letters behind
the presentation forms (:class:`_Face`), so pypdf's text extraction gives the text as
typed, in logical order (poppler too, bar the two letters of a lam-alef ligature, which
it swaps). A right-to-left run longer than a line wraps from its end.

:func:`markup` is for Paragraph text, :func:`fit` for strings drawn in charts and page
furniture (cut with an ellipsis to a width), :func:`plain` for the PDF outline and
metadata (the viewer's fonts draw those), :func:`short` caps a string's length where a
cell or a heading cannot grow without bound.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator
from xml.sax.saxutils import escape

from arabic_reshaper import ArabicReshaper
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFDocument
from reportlab.pdfbase.ttfonts import TTFont

from planner.resources import resource_path

REGULAR = "RunbookSans"
BOLD = "RunbookSans-Bold"
FALLBACK = "RunbookFallback"
FALLBACK_BOLD = "RunbookFallback-Bold"
ELLIPSIS = "…"
MARKER_COLOUR = "#6b6b6b"

_FILES = {
    REGULAR: "NanumGothic.ttf",
    BOLD: "NanumGothicBold.ttf",
    FALLBACK: "DejaVuSans.ttf",
    FALLBACK_BOLD: "DejaVuSans-Bold.ttf",
}
# Format characters that change how the text around them is ordered or shown.
_BIDI_CONTROLS = frozenset([0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_SPACES = {"\t": " ", "\n": " ", "\r": " "}
_registered = False
_primary: frozenset[int] = frozenset()
_fallback: frozenset[int] = frozenset()

# What a character becomes: set in the primary face, in the fallback face, or a marker.
PRIMARY, SECOND, MARKER = 0, 1, 2


# A ToUnicode entry of a presentation form: <code> <FE8E>.
_FORM_ENTRY = re.compile(r"^(<[0-9A-F]{2}> )<(F[B-E][0-9A-F]{2})>$", re.MULTILINE)
_FORMS = ("<initial>", "<medial>", "<final>", "<isolated>")


def _letters(entry: re.Match[str]) -> str:
    """The ToUnicode entry of a presentation form, pointed at the letters it draws."""
    form = chr(int(entry.group(2), 16))
    if not unicodedata.decomposition(form).startswith(_FORMS):
        return entry.group(0)
    letters = unicodedata.normalize("NFKC", form).encode("utf-16-be").hex().upper()
    return f"{entry.group(1)}<{letters}>"


class _Face(TTFont):
    """A TrueType face whose ToUnicode maps give the letters behind Arabic presentation
    forms (U+FEE3 copies as U+0645, the lam-alef ligature as lam and alef)."""

    def addObjects(self, doc: PDFDocument) -> None:
        # The subsets are known only until the base class has written them.
        count = len(self.state[doc].subsets)
        names = [self.getSubsetInternalName(n, doc)[1:] for n in range(count)]
        super().addObjects(doc)
        fonts = doc.idToObject["BasicFonts"].dict
        for name in names:
            cmap = doc.idToObject[fonts[name].ToUnicode.name]
            cmap.content = _FORM_ENTRY.sub(_letters, cmap.content)


def register_fonts() -> None:
    """Register the runbook faces with reportlab once per process."""
    global _registered, _primary, _fallback
    if _registered:
        return
    faces = {name: _Face(name, str(resource_path("fonts", f))) for name, f in _FILES.items()}
    for face in faces.values():
        pdfmetrics.registerFont(face)
    for family, bold in ((REGULAR, BOLD), (FALLBACK, FALLBACK_BOLD)):
        for italic in (0, 1):
            addMapping(family, 0, italic, family)
            addMapping(family, 1, italic, bold)
    # A character counts as covered only when both weights of the face have it.
    _primary = frozenset(faces[REGULAR].face.charToGlyph) & frozenset(faces[BOLD].face.charToGlyph)
    _fallback = frozenset(faces[FALLBACK].face.charToGlyph) & frozenset(
        faces[FALLBACK_BOLD].face.charToGlyph
    )
    _registered = True


def marker(char: str) -> str:
    return f"[U+{ord(char):04X}]"


def _is_control(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cs") or ord(char) in _BIDI_CONTROLS


def kind(char: str) -> int:
    """Which face sets ``char`` (:data:`PRIMARY`, :data:`SECOND`) or :data:`MARKER`."""
    register_fonts()
    code = ord(char)
    if _is_control(char) or code > 0xFFFF:
        # Past the BMP, reportlab 5.1 writes a broken ToUnicode entry (<1F600> is read as
        # U+1F60), so the glyph would copy and search as another character: a marker.
        return MARKER
    if code in _primary or char == " ":
        return PRIMARY
    if code in _fallback:
        return SECOND
    return MARKER


_RTL = frozenset(("R", "AL"))
_IN_RTL_RUN = frozenset(("R", "AL", "NSM", "WS", "ON", "CS", "ES", "ET", "BN", "EN", "AN"))
_NUMBER = frozenset(("EN", "AN"))
_MIRROR = dict(zip("()[]{}<>«»", ")(][}{><»«", strict=True))


# Keep the text as typed: the marks (harakat) stay, and only the ligatures Arabic writing
# requires (lam with alef, on by default) are made, not word ligatures such as U+FDF2.
# The empty file stands for the one PYTHON_ARABIC_RESHAPER_CONFIGURATION_FILE may name.
_RESHAPER = ArabicReshaper(
    configuration={"delete_harakat": False, "ARABIC LIGATURE ALLAH": False},
    configuration_file=os.devnull,
)
# A run of Arabic letters, with the joiners inside or around it.
_ARABIC = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff"
_ARABIC_RUN = re.compile(f"[\u200c\u200d]*[{_ARABIC}][{_ARABIC}\u200c\u200d]*")


def joined(text: str) -> str:
    """``text`` with each Arabic letter in its contextual (joined) form, in logical order."""
    return _ARABIC_RUN.sub(_join_run, text)


def _join_run(run: re.Match[str]) -> str:
    register_fonts()
    forms = _RESHAPER.reshape(run.group(0))
    # A form the fallback face lacks would print as a marker: keep the letters then.
    return forms if all(ord(c) in _fallback or ord(c) < 0xFB50 for c in forms) else run.group(0)


def visual(text: str) -> str:
    """``text`` with each right-to-left run in display order (left to right on the page)."""
    if not any(unicodedata.bidirectional(c) in _RTL for c in text):
        return text
    classes = [unicodedata.bidirectional(c) for c in text]
    out: list[str] = []
    i = 0
    while i < len(text):
        if classes[i] not in _RTL:
            out.append(text[i])
            i += 1
            continue
        end = i  # the run: from an RTL letter to the last RTL letter or number it reaches
        j = i
        while j < len(text) and classes[j] in _IN_RTL_RUN:
            # Numbers after right-to-left letters join their run (rules W2, W7, N1, I1).
            if classes[j] in _RTL | _NUMBER or (classes[j] == "NSM" and j == end + 1):
                end = j
            j += 1
        end = _close_brackets(text, i, end)
        out.append(_reverse_run(text[i : end + 1], classes[i : end + 1]))
        i = end + 1
    return "".join(out)


_CLOSERS = {"(": ")", "[": "]", "{": "}", "<": ">", "«": "»"}


def _close_brackets(text: str, start: int, end: int) -> int:
    """``end`` moved past the closing brackets of pairs opened inside the run: a pair
    that opens inside a right-to-left run belongs to it (rule N0)."""
    waiting: list[str] = []
    for char in text[start : end + 1]:
        if char in _CLOSERS:
            waiting.append(_CLOSERS[char])
        elif waiting and char == waiting[-1]:
            waiting.pop()
    while waiting and end + 1 < len(text) and text[end + 1] == waiting[-1]:
        waiting.pop()
        end += 1
    return end


def _reverse_run(run: str, classes: list[str]) -> str:
    """A right-to-left run reversed by clusters: a letter with its marks, or a number.

    A letter's marks go before it, reversed like the letters: a right-to-left face draws
    a mark from its origin to the right (its pen moves left), so drawn left to right it
    must start where its letter does; and text extraction, which reverses the run, gives
    the marks back in the order typed.
    """
    clusters: list[str] = []
    k = 0
    while k < len(run):
        start = k
        k += 1
        if classes[start] in _NUMBER:
            while k < len(run) and (
                classes[k] in _NUMBER
                or (classes[k] in ("CS", "ES") and k + 1 < len(run) and classes[k + 1] in _NUMBER)
            ):
                k += 1
        base = k
        while k < len(run) and classes[k] == "NSM":
            k += 1
        marks = run[base:k][::-1]
        clusters.append(marks + "".join(_MIRROR.get(c, c) for c in run[start:base]))
    return "".join(reversed(clusters))


def pieces(text: object) -> Iterator[tuple[int, str]]:
    """``text`` as runs of (kind, text) in display order; a marker run holds the
    characters it stands for."""
    register_fonts()
    run: list[str] = []
    run_kind = PRIMARY
    for char in visual(joined(str(text))):
        char = _SPACES.get(char, char)
        k = kind(char)
        if k != run_kind and run:
            yield run_kind, "".join(run)
            run = []
        run_kind = k
        run.append(char)
    if run:
        yield run_kind, "".join(run)


def _markers(chars: str) -> str:
    return "".join(marker(c) for c in chars)


def markup(text: object) -> str:
    """``text`` escaped for Paragraph markup, each character in a face that has it.

    Every user string goes through here: a service named ``<b>&</b>`` prints literally.
    """
    parts: list[str] = []
    for k, chars in pieces(text):
        if k == PRIMARY:
            parts.append(escape(chars))
        elif k == SECOND:
            parts.append(f'<font name="{FALLBACK}">{escape(chars)}</font>')
        else:
            parts.append(f'<font color="{MARKER_COLOUR}">{_markers(chars)}</font>')
    return "".join(parts)


def plain(text: object) -> str:
    """``text`` for the outline and metadata: controls become markers, the rest stays."""
    value = str(text)
    if not any(_is_control(c) or c in _SPACES for c in value):
        return value
    return "".join(_SPACES.get(c) or (marker(c) if _is_control(c) else c) for c in value)


def short(text: object, limit: int = 160) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis (cells, headings, outline)."""
    value = str(text)
    return value if len(value) <= limit else value[: limit - 1] + ELLIPSIS


def face(k: int, bold: bool) -> str:
    """The font name for a run of kind ``k`` (markers use the primary face)."""
    if k == SECOND:
        return FALLBACK_BOLD if bold else FALLBACK
    return BOLD if bold else REGULAR


Run = tuple[str, str, bool]  # font name, text, is a marker


def fit(text: object, bold: bool, size: float, width: float) -> list[Run]:
    """``text`` as runs (font, text, marker) cut with an ellipsis to fit ``width`` points.

    Only the first characters that could fit are looked at, so a 10,000-character name
    costs what its first line costs.
    """
    register_fonts()
    value = str(text)
    # No glyph we print is narrower than a tenth of the size, bar zero-width marks.
    limit = int(width / (size * 0.1)) + 16
    overflow = len(value) > limit
    ellipsis = pdfmetrics.stringWidth(ELLIPSIS, face(PRIMARY, bold), size)
    out: list[Run] = []
    used = 0.0
    for k, chars in pieces(value[:limit] if overflow else value):
        name = face(k, bold)
        font = pdfmetrics.getFont(name)
        units = [marker(c) for c in chars] if k == MARKER else list(chars)
        whole = font.stringWidth("".join(units), size)
        if used + whole <= width:  # the usual case: the run fits, measured in one call
            used += whole
            out.append((name, "".join(units), k == MARKER))
            continue
        taken: list[str] = []
        for unit in units:
            w = font.stringWidth(unit, size)
            if used + w > width:
                _cut(out, taken, name, k == MARKER, used, width - ellipsis, size, bold)
                return out
            used += w
            taken.append(unit)
        out.append((name, "".join(taken), k == MARKER))
    if overflow:
        name, last, flag = out.pop()
        _cut(out, list(last), name, flag, used, width - ellipsis, size, bold)
    return out


def _cut(
    out: list[Run],
    taken: list[str],
    name: str,
    is_marker: bool,
    used: float,
    room: float,
    size: float,
    bold: bool,
) -> None:
    """Finish ``out`` with as much of ``taken`` as leaves ``room`` for the ellipsis."""
    out.append((name, "".join(taken), is_marker))
    while out and used > room:
        font_name, text, flag = out[-1]
        if not text:
            out.pop()
            continue
        last = _last_unit(text, flag)
        used -= pdfmetrics.getFont(font_name).stringWidth(last, size)
        out[-1] = (font_name, text[: len(text) - len(last)], flag)
    out.append((face(PRIMARY, bold), ELLIPSIS, False))


def _last_unit(text: str, is_marker: bool) -> str:
    """The last character of a run, or its last whole marker."""
    return text[text.rindex("[") :] if is_marker else text[-1]


def runs_width(runs: list[Run], size: float) -> float:
    return sum(pdfmetrics.stringWidth(text, name, size) for name, text, _ in runs)


SizedRun = tuple[str, float, str, bool]  # font name, size, text, is a marker


def one_line(parts: list[tuple[str, float]], width: float) -> list[SizedRun] | None:
    """``parts`` (plain text, font size) as runs drawn left to right, when together they
    fit on one line of ``width`` points and a Paragraph of their :func:`markup` would
    print them exactly so; else None (wrap them in a Paragraph then).

    A Paragraph collapses and strips white space and treats format characters (soft
    hyphens, zero-width spaces and joiners) as break or hyphenation points: text with
    any of those, or with more than single spaces between words, is left to it.
    """
    register_fonts()
    runs: list[SizedRun] = []
    used = 0.0
    for text, size in parts:
        for k, chars in pieces(text):
            drawn = _markers(chars) if k == MARKER else chars
            if not _plain_words(drawn):
                return None
            name = face(k, False)
            used += pdfmetrics.stringWidth(drawn, name, size)
            if used > width:
                return None
            runs.append((name, size, drawn, k == MARKER))
    whole = "".join(text for _, _, text, _ in runs)
    if whole.startswith(" ") or whole.endswith(" ") or "  " in whole:
        return None
    return runs


def _plain_words(text: str) -> bool:
    """Words and single spaces only: no other white space, no format characters."""
    if text.isascii():
        return text.isprintable()
    return all(
        c == " " or not (c.isspace() or unicodedata.category(c) in ("Cf", "Cc", "Cs", "Co"))
        for c in text
    )
