"""The page layout: one frame, header and footer on every page, TOC entries and bookmarks.

Flowables that should appear in the table of contents or the PDF outline carry an
``outline`` attribute (an :class:`OutlineMark`); :meth:`RunbookDoc.afterFlowable`
registers them. The total page count for "page n of N" comes from the previous
``multiBuild`` pass through :class:`PageCount`, an indexing flowable that is only
satisfied once the count stops changing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Table, TableStyle

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


class PageCount(Flowable):
    """Zero-size marker at the end of the story: records the page count of each pass."""

    def __init__(self) -> None:
        super().__init__()
        self.previous: int | None = None
        self.current: int | None = None

    def isIndexing(self) -> int:
        return 1

    def beforeBuild(self) -> None:
        self.previous, self.current = self.current, None

    def afterBuild(self) -> None:
        pass

    def notify(self, kind: str, stuff: object) -> None:
        pass  # multiBuild tells every indexing flowable of every entry; we need none

    def isSatisfied(self) -> bool:
        return self.current is not None and self.current == self.previous

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0.0, 0.0

    def draw(self) -> None:
        self.current = self.canv.getPageNumber()


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


class RunbookDoc(BaseDocTemplate):
    """A :class:`BaseDocTemplate` with the runbook's page furniture and bookkeeping."""

    def __init__(
        self,
        target: Any,
        *,
        pagesize: tuple[float, float],
        plan_name: str,
        scenario: str,
        fingerprint: str,
        page_count: PageCount | None = None,
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
        self.page_count = page_count if page_count is not None else PageCount()
        self.progress = progress
        self.total_hint = max(1, total_hint)
        self.done = 0
        frame = Frame(
            self.leftMargin, self.bottomMargin, self.width, self.height, id="body", showBoundary=0
        )
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._furniture)])

    # -- page furniture
    def _furniture(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        width, height = self.pagesize
        canvas.saveState()
        canvas.setFillColor(GREY)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        top = height - MARGIN
        room = width - 2 * MARGIN
        _draw(canvas, MARGIN, top, fit(self.plan_name, True, 8, room * 0.5), 8)
        right = fit(self.scenario, False, 8, room * 0.48)
        _draw(canvas, width - MARGIN - runs_width(right, 8), top, right, 8)
        canvas.line(MARGIN, top - 5, width - MARGIN, top - 5)
        bottom = MARGIN
        canvas.line(MARGIN, bottom + 10, width - MARGIN, bottom + 10)
        total = self.page_count.previous
        page = canvas.getPageNumber()
        canvas.setFont(REGULAR, 8)
        canvas.drawString(MARGIN, bottom, f"plan fingerprint {self.fingerprint[:12]}")
        canvas.drawCentredString(width / 2, bottom, "DR Planner recovery runbook")
        label = f"page {page} of {total}" if total else f"page {page}"
        canvas.setFont(BOLD, 8)
        canvas.drawRightString(width - MARGIN, bottom, label)
        canvas.restoreState()

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
        """Bookmark the current page under ``mark`` and list it in the contents."""
        self.canv.bookmarkPage(mark.key)
        title = plain(short(mark.title))
        self.canv.addOutlineEntry(title, mark.key, level=mark.level, closed=mark.level > 0)
        if mark.toc:
            text = mark.toc_text if mark.toc_text is not None else mark.title
            self.notify("TOCEntry", (mark.level, text, self.page, mark.key))


def _draw(canvas: Canvas, x: float, y: float, runs: list[Run], size: float) -> None:
    """Draw ``runs`` (from :func:`fit`) left to right from ``x``."""
    for font, text, _marker in runs:
        canvas.setFont(font, size)
        canvas.drawString(x, y, text)
        x += canvas.stringWidth(text, font, size)
