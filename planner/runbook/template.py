"""The page layout: one frame, header and footer on every page, TOC entries and bookmarks.

The document is laid out in one pass (``build``, not ``multiBuild``). What only the end
of that pass knows, the page numbers, is not what the layout depends on: the contents
(:class:`Contents`) know their entries from the story, so they take the same room with
any page numbers, and the footer's "page n of N" is right-aligned below the frame. Both
are drawn as form XObjects that each page refers to where the number goes and that
:class:`RunbookCanvas` defines, with the numbers known, just before the PDF is written.

Flowables that should appear in the table of contents or the PDF outline carry an
``outline`` attribute (an :class:`OutlineMark`); :meth:`RunbookDoc.afterFlowable`
registers them and records their page.
"""

from __future__ import annotations

from ast import literal_eval
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Table, TableStyle
from reportlab.platypus.tableofcontents import TableOfContents, drawPageNumbers

from planner.runbook.fonts import BOLD, REGULAR, Run, fit, plain, runs_width, short

MARGIN = 42.0
HEADER_GAP = 24.0
GREY = Color(0.35, 0.35, 0.35)
RULE = Color(0.7, 0.7, 0.7)


class RunbookCancelled(Exception):
    """The progress callback asked to stop; nothing is written."""


@dataclass(frozen=True)
class OutlineMark:
    """Where a flowable goes in the outline (``level``) and, if ``toc``, the contents."""

    key: str
    title: str  # plain text for the outline
    level: int
    toc: bool = True
    toc_text: str | None = None  # Paragraph markup for the contents (escaped)


TocEntry = tuple[int, str, str]  # level, Paragraph markup (escaped), outline key


class Contents(TableOfContents):
    """The table of contents, laid out in the one pass of the document.

    Its entries (level, text, key) are given up front, from the story, so it takes the
    same room whatever their page numbers: they are drawn at the end of the line, where
    the text never reaches. Each entry's dots and page number are a form that
    :meth:`RunbookDoc.define_forms` fills in once the page of the entry's key is known;
    the line links to that page as before (the text through its ``<a>``, the number's
    place through a link over the rest of the line).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.entries: list[TocEntry] = []

    def isIndexing(self) -> int:
        return 0  # nothing to wait for: no second pass

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        # The base class lays out its last pass's entries; ours are known, page 0 for now.
        self._lastEntries = [(level, text, 0, key) for level, text, key in self.entries]
        size: tuple[float, float] = super().wrap(avail_width, avail_height)
        self.canv.setNamedCB("drawTOCEntryEnd", self._entry_end(avail_width, avail_height))
        return size

    def _entry_end(
        self, avail_width: float, avail_height: float
    ) -> Callable[[Canvas, str, str], None]:
        def entry_end(canvas: Canvas, kind: str, label: str) -> None:
            # The label is the base class's "page,level,key"; the page is not known yet.
            _page, level_text, key_text = label.split(",")
            level, key = int(level_text), literal_eval(key_text)
            style = self.getLevelStyle(level)
            dot = " . " if 0 <= self.dotsMinLevel <= level else ""
            info = canvas._curr_tx_info  # where the entry's text ended (set by Paragraph)
            x, y = info["cur_x"], info["cur_y"]
            doc = canvas._doctemplate
            assert isinstance(doc, RunbookDoc)

            def number(form: Canvas) -> None:
                form._curr_tx_info = {"cur_x": x, "cur_y": y}
                pages = [(doc.page_of[key], None)]  # no link from inside a form
                drawPageNumbers(form, style, pages, avail_width, avail_height, dot)

            name = doc.defer(f"RunbookToc{len(doc.deferred)}", number)
            canvas.doForm(name)
            if key:
                canvas.linkRect("", key, (x, y, avail_width, y + style.leading), relative=1)

        return entry_end


class Anchor(Flowable):
    """Zero-size flowable that registers its mark where it is drawn (inside containers
    such as KeepTogether, whose parts :meth:`RunbookDoc.afterFlowable` never sees whole)."""

    def __init__(self, mark: OutlineMark) -> None:
        super().__init__()
        self.mark = mark

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0.0, 0.0

    def draw(self) -> None:
        doc = getattr(self.canv, "_doctemplate", None)
        if isinstance(doc, RunbookDoc):
            doc.register(self.mark)


class ChunkedTable(Flowable):
    """A long table laid out a page at a time, so its cost grows with its rows, not their
    square (reportlab measures every remaining row of a Table each time it splits one).

    Each page gets a Table of the rows that fit there, the header row on top; ``tints``
    (one per body row, or None) are row backgrounds. Rows must each fit on a page.
    """

    WINDOW = 48  # rows measured per page: more than a page of one-line rows (16.5 pt) holds

    def __init__(
        self,
        head: list[object],
        rows: list[list[object]],
        widths: list[float],
        style: TableStyle,
        tints: list[Color | None] | None = None,
    ) -> None:
        super().__init__()
        self.head, self.rows, self.widths, self.style = head, rows, widths, style
        self.tints = tints if tints is not None else [None] * len(rows)
        self.hAlign = "LEFT"
        self._whole: Table | None = None

    def _table(self, count: int, heights: list[float] | None = None) -> Table:
        table = Table(
            [self.head, *self.rows[:count]],
            colWidths=self.widths,
            rowHeights=heights,
            repeatRows=1,
            style=self.style,
        )
        shading = [
            ("BACKGROUND", (0, row), (-1, row), tint)
            for row, tint in enumerate(self.tints[:count], start=1)
            if tint is not None
        ]
        if shading:
            table.setStyle(TableStyle(shading))
        return table

    def _rest(self, start: int) -> ChunkedTable:
        return ChunkedTable(
            self.head, self.rows[start:], self.widths, self.style, self.tints[start:]
        )

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if len(self.rows) <= self.WINDOW:
            self._whole = self._table(len(self.rows))
            return self._whole.wrap(avail_width, avail_height)
        self._whole = None
        return sum(self.widths), avail_height + 1  # more rows follow than a page holds: split

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        window = self._table(min(self.WINDOW, len(self.rows)))
        window.wrap(avail_width, avail_height)
        heights = window._rowHeights
        used, fitting = heights[0], 0
        for height in heights[1:]:
            if used + height > avail_height:
                break
            used += height
            fitting += 1
        if fitting == 0:
            return []
        # The rows just measured keep their heights: each is measured once.
        page = self._table(fitting, list(heights[: fitting + 1]))
        if fitting >= len(self.rows):
            return [page]
        return [page, self._rest(fitting)]

    def draw(self) -> None:
        assert self._whole is not None
        self._whole.drawOn(self.canv, 0, 0)


class RunbookCanvas(Canvas):
    """A canvas that calls ``before_save`` before it writes the PDF: there the document
    defines the forms its pages refer to (:meth:`RunbookDoc.define_forms`). A form may be
    used before it is defined, as long as it is defined by the time the PDF is saved."""

    before_save: Callable[[Canvas], None] | None = None

    def save(self) -> None:
        if self.before_save is not None:
            self.before_save(self)
        super().save()


class RunbookDoc(BaseDocTemplate):
    """A :class:`BaseDocTemplate` with the runbook's page furniture and bookkeeping,
    built in one pass (see the module docstring)."""

    def __init__(
        self,
        target: Any,
        *,
        pagesize: tuple[float, float],
        plan_name: str,
        scenario: str,
        fingerprint: str,
        progress: Callable[[int, int], bool] | None = None,
        total_hint: int = 1,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            target,
            pagesize=pagesize,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN + HEADER_GAP,
            bottomMargin=MARGIN + HEADER_GAP,
            invariant=1,
            **kwargs,
        )
        self.plan_name = plan_name
        self.scenario = scenario
        self.fingerprint = fingerprint
        self.progress = progress
        self.total_hint = max(1, total_hint)
        self.done = 0
        self.pages = 0  # pages begun so far: the total once the build is done
        self.page_of: dict[str, int] = {}  # outline key -> page it was registered on
        # Forms drawn once the pages are known, by name, in the order they were deferred.
        self.deferred: dict[str, Callable[[Canvas], None]] = {}
        room = pagesize[0] - 2 * MARGIN
        # The header is the same on every page: cut its names to width once.
        self._header = (fit(plan_name, True, 8, room * 0.5), fit(scenario, False, 8, room * 0.48))
        frame = Frame(
            self.leftMargin, self.bottomMargin, self.width, self.height, id="body", showBoundary=0
        )
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._furniture)])

    def build(
        self,
        flowables: list[Flowable],
        filename: Any = None,
        canvasmaker: type[Canvas] = RunbookCanvas,
    ) -> None:
        """Lay out ``flowables`` once and write the PDF (on a :class:`RunbookCanvas`,
        which defines the deferred forms before saving)."""
        super().build(flowables, filename=filename, canvasmaker=canvasmaker)

    def beforeDocument(self) -> None:
        if isinstance(self.canv, RunbookCanvas):
            self.canv.before_save = self.define_forms

    # -- page furniture
    def _furniture(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        width, height = self.pagesize
        canvas.saveState()
        canvas.setFillColor(GREY)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        top = height - MARGIN
        left, right = self._header
        _draw(canvas, MARGIN, top, left, 8)
        _draw(canvas, width - MARGIN - runs_width(right, 8), top, right, 8)
        canvas.line(MARGIN, top - 5, width - MARGIN, top - 5)
        bottom = MARGIN
        canvas.line(MARGIN, bottom + 10, width - MARGIN, bottom + 10)
        page = canvas.getPageNumber()
        self.pages = max(self.pages, page)
        canvas.setFont(REGULAR, 8)
        canvas.drawString(MARGIN, bottom, f"plan fingerprint {self.fingerprint[:12]}")
        canvas.drawCentredString(width / 2, bottom, "DR Planner recovery runbook")
        # "page n of N", N known at the end: a form of this page's own, drawn then.
        canvas.doForm(self.defer(f"RunbookPage{page}", lambda form: self._page_label(form, page)))
        canvas.restoreState()

    def _page_label(self, canvas: Canvas, page: int) -> None:
        canvas.setFillColor(GREY)
        canvas.setFont(BOLD, 8)
        canvas.drawRightString(self.pagesize[0] - MARGIN, MARGIN, f"page {page} of {self.pages}")

    # -- bookkeeping
    def afterFlowable(self, flowable: Flowable) -> None:
        self.done += 1
        if self.progress is not None and self.done % 25 == 0:
            shown = min(self.done, self.total_hint - 1)
            if self.progress(shown, self.total_hint) is False:
                raise RunbookCancelled("runbook export cancelled")
        mark: OutlineMark | None = getattr(flowable, "outline", None)
        if mark is not None:
            self.register(mark)

    def register(self, mark: OutlineMark) -> None:
        """Bookmark the current page under ``mark``, put it in the outline and record
        its page for the contents."""
        self.canv.bookmarkPage(mark.key)
        title = plain(short(mark.title))
        self.canv.addOutlineEntry(title, mark.key, level=mark.level, closed=mark.level > 0)
        self.page_of[mark.key] = self.page

    def defer(self, name: str, draw: Callable[[Canvas], None]) -> str:
        """Have ``draw`` fill the form ``name`` when the PDF is saved; returns ``name``
        for :meth:`Canvas.doForm`."""
        self.deferred[name] = draw
        return name

    def define_forms(self, canvas: Canvas) -> None:
        """Define every deferred form, now that every page number is known."""
        width, height = self.pagesize
        for name, draw in self.deferred.items():
            # Forms are drawn where they are used, in that place's coordinates.
            canvas.beginForm(name, -width, -height, 2 * width, 2 * height)
            draw(canvas)
            canvas.endForm()
        self.deferred.clear()


def _draw(canvas: Canvas, x: float, y: float, runs: list[Run], size: float) -> None:
    """Draw ``runs`` (from :func:`fit`) left to right from ``x``."""
    for font, text, _marker in runs:
        canvas.setFont(font, size)
        canvas.drawString(x, y, text)
        x += canvas.stringWidth(text, font, size)
