"""The runbook's content: a pure function from plan and result to platypus flowables.

Every user string passes through :func:`planner.runbook.fonts.markup` (escaped, with
the fallback face for glyphs NanumGothic lacks). Large plans switch to compact forms
so that a 32,000-server plan still prints in reasonable size: the procedure becomes one
table row per step, and the dependency drawing, rack elevations and server lists are
capped, each saying what it leaves out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import TypeVar

from reportlab.lib import colors
from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from planner.analysis.findings import steps_needing_tooling
from planner.analysis.run import Analysis
from planner.engine import data as data_words
from planner.engine.recovery import (
    CopyState,
    RecoveryResult,
    ServiceRecovery,
    miss_reason_text,
)
from planner.layout import states
from planner.layout.dependencies import layered_layout, layers_of
from planner.model import fields
from planner.model.clock import clock
from planner.model.plan import Plan
from planner.runbook import drawings
from planner.runbook.fonts import (
    BOLD,
    MARKER_COLOUR,
    REGULAR,
    SizedRun,
    markup,
    one_line,
    plain,
    register_fonts,
    short,
)
from planner.runbook.template import Anchor, ChunkedTable, Contents, OutlineMark, TocEntry

# Above these sizes the compact forms are used (see the module docstring).
FULL_PROCEDURE_MAX = 300
TOC_STEPS_MAX = 120
DEPENDENCY_DRAWING_MAX = 60
RACKS_DRAWN_MAX = 24
SERVERS_LISTED_MAX = 400
SERVICES_LISTED_MAX = 400
MISSES_LISTED_MAX = 60
DRAWN_NEIGHBOURS = 40
DRAWN_LAYERS = 6
RACKS_LISTED_MAX = 60
LAYERS_LISTED_MAX = 60
CRITICAL_LISTED_MAX = 300
RETURNS_LISTED_MAX = 60  # failed items with their return times, in the summary
WAITING_LISTED_MAX = 60  # steps that wait for a return, in the summary
DOMAINS_LISTED_MAX = 60  # lost failure domains named in the impact section
DATA_LOST_LISTED_MAX = 60  # services whose data is lost for good, one red line each
DATA_ROWS_MAX = 400  # services in the data table (lost ones and RPO misses first)
COPIES_LISTED_MAX = 8  # copies named in one row of the data table
UNTESTED_LISTED_MAX = 60  # untested failovers, one line each
SENTENCE_CHARS = 600  # a sentence of the engine's wording (names in it) is cut here
TIMELINE_BARS_MAX = 3000  # 75 pages of chart; the procedure lists every step
RACK_PARTS_MAX = 8  # parts of one tall rack drawn (see drawings.rack_parts)
RACK_VIEWS_MAX = 48  # racks and rack parts drawn in all
SERVICES_PER_CONTACT_MAX = 40
LONG_TABLE_ROWS = 60  # above this a table is laid out a page at a time (ChunkedTable)
NAME_CHARS = 160  # names in cells, headings, drawings and the outline are cut here
ID_CHARS = 80

SHADE = Color(0.93, 0.94, 0.96)
HEAD = Color(0.2, 0.27, 0.36)
ALERT = Color(0.75, 0.1, 0.1)
LINE = Color(0.6, 0.6, 0.6)

SECTIONS = (
    "Contents",
    "Summary",
    "Impact",
    "Data",
    "Restore procedure",
    "Timeline",
    "Dependencies",
    "Racks",
    "Contacts",
    "Sign-off",
)


@dataclass(frozen=True)
class Meta:
    """What the runbook says about itself."""

    scenario_title: str
    date: str
    fingerprint: str
    frame_width: float
    frame_height: float


def hm(minutes: float | None) -> str:
    """``T+h:mm``, or a dash when there is no time."""
    return "-" if minutes is None else f"T+{clock(minutes)}"


def duration(minutes: float | None) -> str:
    return clock(minutes, "-")


def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("Body", fontName=REGULAR, fontSize=9.5, leading=12.5, spaceAfter=4)
    return {
        "body": base,
        "small": ParagraphStyle("Small", parent=base, fontSize=8, leading=10, spaceAfter=0),
        "cell": ParagraphStyle("Cell", parent=base, fontSize=8.5, leading=10.5, spaceAfter=0),
        "mode": ParagraphStyle(
            "Mode", parent=base, fontSize=9.5, leading=12, spaceAfter=1, textColor=HEAD
        ),
        "cellb": ParagraphStyle(
            "CellBold", parent=base, fontName=BOLD, fontSize=8.5, leading=10.5, spaceAfter=0
        ),
        "head": ParagraphStyle(
            "HeadCell",
            parent=base,
            fontName=BOLD,
            fontSize=8.5,
            leading=10.5,
            spaceAfter=0,
            textColor=colors.white,
        ),
        "h1": ParagraphStyle(
            "H1",
            parent=base,
            fontName=BOLD,
            fontSize=17,
            leading=21,
            spaceBefore=2,
            spaceAfter=10,
            textColor=HEAD,
            keepWithNext=1,
        ),
        "h2split": ParagraphStyle(
            "H2Split",
            parent=base,
            fontName=BOLD,
            fontSize=12,
            leading=15,
            spaceBefore=10,
            spaceAfter=5,
            textColor=HEAD,
        ),
        "h2": ParagraphStyle(
            "H2",
            parent=base,
            fontName=BOLD,
            fontSize=12,
            leading=15,
            spaceBefore=10,
            spaceAfter=5,
            textColor=HEAD,
            keepWithNext=1,
        ),
        "group": ParagraphStyle(
            "Group",
            parent=base,
            fontName=BOLD,
            fontSize=10,
            leading=13,
            spaceBefore=8,
            spaceAfter=3,
            backColor=SHADE,
            borderPadding=(3, 4, 3, 4),
            textColor=HEAD,
            keepWithNext=1,
        ),
        "title": ParagraphStyle(
            "Title", parent=base, fontName=BOLD, fontSize=26, leading=32, spaceAfter=8
        ),
        "subtitle": ParagraphStyle(
            "Subtitle", parent=base, fontName=BOLD, fontSize=15, leading=20, spaceAfter=6
        ),
        "stepno": ParagraphStyle(
            "StepNo",
            parent=base,
            fontName=BOLD,
            fontSize=15,
            leading=18,
            alignment=TA_CENTER,
            spaceAfter=0,
        ),
        "toc0": ParagraphStyle(
            # Leadings 14 and 10.5: the bundled example's contents (29 steps) fit a page.
            "TOC0",
            parent=base,
            fontName=BOLD,
            fontSize=10.5,
            leading=14,
            leftIndent=0,
        ),
        "toc1": ParagraphStyle(
            "TOC1", parent=base, fontSize=8.5, leading=10.5, leftIndent=16, spaceAfter=0
        ),
    }


# Named table styles: one look per kind of table.
GRID_STYLE = TableStyle(
    [
        ("BACKGROUND", (0, 0), (-1, 0), HEAD),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, LINE),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, Color(0.97, 0.97, 0.98)]),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
)
COMPACT_STYLE = TableStyle(
    [
        *GRID_STYLE.getCommands(),
        ("FONTNAME", (0, 1), (-1, -1), REGULAR),
        ("FONTSIZE", (0, 1), (-1, -1), 8.5),
        ("LEADING", (0, 1), (-1, -1), 10.5),
    ]
)
FORM_STYLE = TableStyle(
    [
        ("BACKGROUND", (0, 0), (-1, 0), HEAD),
        ("GRID", (0, 0), (-1, -1), 0.6, LINE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white]),
    ]
)
KEY_VALUE_STYLE = TableStyle(
    [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, Color(0.8, 0.8, 0.8)),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
)
STEP_STYLE = TableStyle(
    [
        ("BOX", (0, 0), (-1, -1), 0.8, Color(0.4, 0.4, 0.45)),
        ("BACKGROUND", (0, 0), (0, -1), SHADE),
        ("LINEAFTER", (0, 0), (0, -1), 0.5, LINE),
        ("LINEABOVE", (1, -1), (-1, -1), 0.4, LINE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
)


class Para(Paragraph):
    """A Paragraph that keeps its lines for the width it was last wrapped to: a Table
    wraps every cell to measure its row and again, at the same width, to draw it, and a
    page-at-a-time table measures the rows that did not fit again on the next page.
    (A Paragraph's lines depend on the width only; its parts after a split are new
    Paras, wrapped afresh.)"""

    _wrapped: tuple[float, tuple[float, float], object] | None = None

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        wrapped = self._wrapped
        # Kept only while the lines are those it made (split() may drop or replace them).
        if wrapped and wrapped[0] == avail_width and wrapped[2] is getattr(self, "blPara", None):
            return wrapped[1]
        size: tuple[float, float] = super().wrap(avail_width, avail_height)
        self._wrapped = (avail_width, size, self.blPara)
        return size


class CheckBox(Flowable):
    """An empty square to tick with a pen."""

    def __init__(self, size: float = 13) -> None:
        super().__init__()
        self.size = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        self.canv.setLineWidth(1)
        self.canv.rect(0, 0, self.size, self.size)


F = TypeVar("F", bound=Flowable)


def _marked(flowable: F, mark: OutlineMark) -> F:
    flowable.outline = mark  # type: ignore[attr-defined]
    return flowable


class _Ctx:
    """What the section builders share: plan, result, styles, step numbers."""

    def __init__(self, plan: Plan, result: RecoveryResult, meta: Meta) -> None:
        self.plan = plan
        self.result = result
        self.meta = meta
        self.s = _styles()
        self.tasks = result.tasks
        self.step_of = {t.id: n for n, t in enumerate(self.tasks, start=1)}
        self.services = {s.id: s for s in plan.services}
        self.pools = {p.id: p for p in plan.pools}
        self.width = meta.frame_width
        self.toc: list[TocEntry] = []  # the contents, in story order (see :meth:`mark`)
        self._items: dict[str, tuple[str, str]] | None = None  # see :meth:`item`
        self._servers_named = False
        self.lost_servers: set[str] = set()  # made with server_sites
        self.server_sites: dict[str, str] | None = None  # see :func:`_restore_sites`
        # Steps that need recovery tooling the scenario takes down: {step: tooling ids}
        # (filled by build_story when the findings appendix is asked for).
        self.tooling_steps: dict[str, tuple[str, ...]] = {}

    def mark(self, mark: OutlineMark) -> OutlineMark:
        """``mark``, listed in the contents when it says so. Marks are made in story
        order, which is the order they are drawn in, so the contents are known before
        the layout: it needs no second pass."""
        if mark.toc:
            text = mark.toc_text if mark.toc_text is not None else mark.title
            self.toc.append((mark.level, text, mark.key))
        return mark

    def h2(self, text: str) -> list[Flowable]:
        """A subheading that never ends a page: it moves on unless 120 pt remain."""
        return [CondPageBreak(120), Para(text, self.s["h2"])]

    def p(self, text: str, style: str = "body") -> Paragraph:
        return Para(text, self.s[style])

    def name(self, service_id: str, full: bool = False) -> str:
        """The service's name as markup, cut to ``NAME_CHARS`` unless ``full``."""
        service = self.services.get(service_id)
        value = service.name if service else service_id
        return markup(value if full else short(value, NAME_CHARS))

    def ident(self, item_id: str) -> str:
        return markup(short(item_id, ID_CHARS))

    def item(self, item_id: str) -> tuple[str, str]:
        """The name and kind of a site, failure domain, rack or server (a domain's kind
        is its own: "power", "room", ...); the id and "item" when the plan has none."""
        plan = self.plan
        if self._items is None:  # servers are gathered only when an id is none of these
            items = {x.id: (x.name, "rack") for x in plan.racks}
            items.update((x.id, (x.name, x.kind)) for x in plan.domains)
            items.update((x.id, (x.name, "site")) for x in plan.sites)
            self._items = items
        if item_id not in self._items and not self._servers_named:
            self._items.update((x.id, (x.name, "server")) for x in plan.servers)
            self._servers_named = True
        return self._items.get(item_id, (item_id, "item"))

    def item_label(self, item_id: str) -> str:
        """An item's name as markup, with its id after it, smaller, when they differ."""
        name = self.item(item_id)[0]
        if name == item_id:
            return markup(short(name, NAME_CHARS))
        return f"{markup(short(name, NAME_CHARS))} <font size=7>({self.ident(item_id)})</font>"

    def heading(self, title: str, key: str) -> Paragraph:
        return _marked(self.p(markup(title), "h1"), self.mark(OutlineMark(key, title, 0)))

    def table(
        self,
        rows: list[list[object]],
        widths: list[float],
        style: TableStyle = GRID_STYLE,
        split_in_row: bool = True,
    ) -> Flowable:
        """A table with a header row; a long one is laid out a page at a time, so its rows
        must be short (cut names), while a short one may split inside a tall row unless
        ``split_in_row`` is False (rows of a few lines read better whole)."""
        if len(rows) > LONG_TABLE_ROWS:
            return ChunkedTable(rows[0], rows[1:], widths, style)
        split = 1 if split_in_row else 0
        table = Table(rows, colWidths=widths, repeatRows=1, style=style, splitInRow=split)
        table.hAlign = "LEFT"
        return table

    def header_row(self, *titles: str) -> list[object]:
        return [self.p(markup(t), "head") for t in titles]


def build_story(
    plan: Plan, result: RecoveryResult, meta: Meta, analysis: Analysis | None = None
) -> list[Flowable]:
    """The runbook as flowables, in the order of the issue: cover to sign-off, then,
    given an ``analysis``, the "Resilience findings" appendix (and the restore steps
    that need recovery tooling this scenario takes down are flagged)."""
    ctx = _Ctx(plan, result, meta)
    if analysis is not None:
        ctx.tooling_steps = steps_needing_tooling(plan, result)
    story: list[Flowable] = []
    story += _cover(ctx)
    story += _contents(ctx)
    story += _summary(ctx)
    story += _impact(ctx)
    story += _data(ctx)
    story += _procedure(ctx)
    story += _timeline(ctx)
    story += _dependencies(ctx)
    story += _racks(ctx)
    story += _contacts(ctx)
    story += _sign_off(ctx)
    if analysis is not None:
        from planner.runbook.findings import findings_appendix

        story += findings_appendix(ctx, analysis)
    for flowable in story:
        if isinstance(flowable, Contents):
            flowable.entries = ctx.toc
    return story


# ---------------------------------------------------------------- cover and contents


def _cover(ctx: _Ctx) -> list[Flowable]:
    r = ctx.result
    out: list[Flowable] = [Spacer(1, 30)]
    out.append(_marked(ctx.p("Recovery runbook", "title"), OutlineMark("cover", "Cover", 0, False)))
    out.append(ctx.p(markup(ctx.plan.name), "subtitle"))
    out.append(Spacer(1, 12))
    named = {x.id: x.name for x in ctx.plan.sites}
    named.update((x.id, x.name) for x in ctx.plan.domains)
    named.update((x.id, x.name) for x in ctx.plan.racks)
    if len(r.failed) <= 30:
        named.update((x.id, x.name) for x in ctx.plan.servers if x.id in set(r.failed))
    shown = [
        short(f"{named[i]} ({i})" if named.get(i, i) != i else i, NAME_CHARS) for i in r.failed[:30]
    ]
    more = f" and {len(r.failed) - 30} more" if len(r.failed) > 30 else ""
    failed = (", ".join(shown) or "nothing") + more
    rows = [
        ["Scenario", markup(ctx.meta.scenario_title)],
        ["Failed", markup(failed)],
        ["Generated", markup(ctx.meta.date)],
        ["Plan fingerprint", f"<font size=7.5>{markup(ctx.meta.fingerprint)}</font>"],
        ["Recovery time", f"<b>{duration(r.recovery_minutes)}</b> (h:mm) after the disaster"],
        ["Steps", _steps_text(ctx)],
    ]
    out.append(
        Table(
            [[ctx.p(k, "cellb"), ctx.p(v, "cell")] for k, v in rows],
            colWidths=[110, ctx.width - 110],
            style=KEY_VALUE_STYLE,
            splitInRow=1,  # a scenario name of pages is printed whole
        )
    )
    out.append(Spacer(1, 14))
    out.append(
        ctx.p(
            "Times are hours:minutes after the disaster (T+h:mm). Work through the restore "
            "procedure in step order; steps under one start time may run at the same time "
            "when crews allow. Write down what really happened in the blanks.",
            "body",
        )
    )
    out.append(Spacer(1, 16))
    out += ctx.h2("Approval")
    head = ctx.header_row("", "Name", "Role", "Date", "Signature")
    rows_a: list[list[object]] = [head]
    for what in ("Prepared by", "Reviewed by", "Approved by"):
        rows_a.append([ctx.p(what, "cellb"), "", "", "", ""])
    w = ctx.width
    table = Table(
        rows_a,
        colWidths=[80, w * 0.26, w * 0.2, 70, w - 150 - w * 0.46],
        rowHeights=[None, 34, 34, 34],
        repeatRows=1,
        style=FORM_STYLE,
    )
    out.append(table)
    out.append(PageBreak())
    return out


def _steps_text(ctx: _Ctx) -> str:
    """ "27 steps: 20 restore, 5 failover, 2 restart in place"."""
    counts = {mode: 0 for mode in ("restore", "failover", "restart")}
    for task in ctx.tasks:
        counts[mode_of(task)] = counts.get(mode_of(task), 0) + 1
    words = {"restart": "restart in place"}
    parts = [f"{n} {words.get(mode, mode)}" for mode, n in counts.items() if n]
    return f"{len(ctx.tasks)} steps" + (": " + ", ".join(parts) if parts else "")


def _contents(ctx: _Ctx) -> list[Flowable]:
    toc = Contents(dotsMinLevel=0)  # its entries are set when the story is complete
    toc.levelStyles = [ctx.s["toc0"], ctx.s["toc1"]]
    contents = ctx.p("Contents", "h1")
    out: list[Flowable] = [_marked(contents, OutlineMark("contents", "Contents", 0, False))]
    if len(ctx.tasks) > TOC_STEPS_MAX:
        out.append(
            ctx.p(
                f"The {len(ctx.tasks)} steps are listed in the PDF outline (bookmarks), not here.",
                "small",
            )
        )
    out += [toc, PageBreak()]
    return out


# ---------------------------------------------------------------- summary and impact


def _summary(ctx: _Ctx) -> list[Flowable]:
    r = ctx.result
    out: list[Flowable] = [ctx.heading("Summary", "summary")]
    gap = r.recovery_minutes - r.lower_bound_minutes
    if gap <= 0:
        quality = "This schedule equals the lower bound: no schedule can be shorter."
    elif r.proven_optimal:
        quality = "This schedule is proven optimal."
    else:
        quality = f"This schedule is at most {duration(gap)} (h:mm) above the best possible."
    rows = [
        ["Recovery time", f"<b>{duration(r.recovery_minutes)}</b> ({r.recovery_minutes:g} min)"],
        ["Lower bound", f"{duration(r.lower_bound_minutes)} ({r.lower_bound_minutes:g} min)"],
        ["Schedule", markup(f"{quality} Objective: {r.objective}; method: {r.method}.")],
        ["Declared", _declared_text(ctx)],
    ]
    data_text = _data_summary(ctx)
    if data_text:
        rows.append(["Data loss", data_text])
    out.append(
        Table(
            [[ctx.p(k, "cellb"), ctx.p(v, "cell")] for k, v in rows],
            colWidths=[110, ctx.width - 110],
            style=KEY_VALUE_STYLE,
        )
    )
    out += _returns(ctx)
    out += ctx.h2("Recovery time per tier")
    tier_rows: list[list[object]] = [
        ctx.header_row(fields.label("service", "tier"), "Every service of the tier back by")
    ]
    for tier, minutes in r.tier_minutes.items():
        tier_rows.append([ctx.p(str(tier), "cell"), ctx.p(hm(minutes), "cell")])
    out.append(ctx.table(tier_rows, [60, 200]))
    misses = r.rto_misses
    out += ctx.h2(f"RTO misses ({len(misses)})")
    if misses:
        out.append(
            ctx.p(
                "<i>Own restore longer than RTO</i>: the service's own restore (or "
                "failover or restart) alone takes longer than its "
                "RTO. <i>Waits for</i> an item <i>to return</i> or <i>cannot start before "
                "the declaration</i>: its earliest start plus its own step already pass the RTO. "
                "<i>Chain too long</i>: each step "
                "fits, but even with unlimited crews the dependency chain takes longer than "
                "the RTO. <i>Too few crews</i>: the chain fits, but the pools cannot run "
                "everything at once.",
                "small",
            )
        )
        out.append(Spacer(1, 4))
        rows_m: list[list[object]] = [
            ctx.header_row(
                "Step",
                "Service",
                fields.label("service", "tier"),
                fields.label("service", "rto_minutes"),
                "Recovered",
                "Reason",
            )
        ]
        ordered = sorted(misses, key=lambda m: (m.recovered, m.id))
        if len(ordered) > MISSES_LISTED_MAX:
            by_own = sum(1 for m in misses if m.miss_reason == "own")
            by_path = sum(1 for m in misses if m.miss_reason == "path")
            by_release = sum(1 for m in misses if m.miss_reason == "release")
            waits = f"{by_release} because they wait for a return or the declaration, "
            out.append(
                ctx.p(
                    f"{by_own} misses because the service's own restore is longer than its "
                    f"RTO, {waits if by_release else ''}{by_path} because the chain is too "
                    f"long, {len(misses) - by_own - by_path - by_release} because of too few "
                    f"crews. The table lists the first {MISSES_LISTED_MAX} by recovery time.",
                    "small",
                )
            )
            out.append(Spacer(1, 4))
        for s in ordered[:MISSES_LISTED_MAX]:
            reason = _miss_text(ctx, s)
            step = ctx.step_of.get(s.id)
            rows_m.append(
                [
                    ctx.p(str(step) if step else "-", "cell"),
                    ctx.p(f"{ctx.name(s.id)} <font size=7>({ctx.ident(s.id)})</font>", "cell"),
                    ctx.p(str(s.tier), "cell"),
                    ctx.p(duration(s.rto_minutes), "cell"),
                    ctx.p(duration(s.recovered), "cell"),
                    ctx.p(reason, "cell"),
                ]
            )
        w = ctx.width
        out.append(ctx.table(rows_m, [34, w - 34 - 34 - 50 - 60 - 90, 34, 50, 60, 90]))
    else:
        out.append(ctx.p("Every service meets its RTO.", "body"))
    out += ctx.h2("Critical path")
    if r.critical_path:
        out.append(
            ctx.p(
                "The chain of steps that sets the recovery time: any delay here delays "
                "the whole recovery.",
                "small",
            )
        )
        out.append(Spacer(1, 4))
        rows_c: list[list[object]] = [ctx.header_row("Step", "Service", "Start", "Finish")]
        if len(r.critical_path) > CRITICAL_LISTED_MAX:
            out.append(
                ctx.p(
                    f"The path has {len(r.critical_path)} steps; the table lists the first "
                    f"{CRITICAL_LISTED_MAX}. The timeline outlines each step of the path in red.",
                    "small",
                )
            )
            out.append(Spacer(1, 4))
        for sid in r.critical_path[:CRITICAL_LISTED_MAX]:
            on_path = r.service(sid)
            rows_c.append(
                [
                    ctx.p(str(ctx.step_of.get(sid, "-")), "cell"),
                    ctx.p(f"{ctx.name(sid)} <font size=7>({ctx.ident(sid)})</font>", "cell"),
                    ctx.p(hm(on_path.start if on_path else None), "cell"),
                    ctx.p(hm(on_path.finish if on_path else None), "cell"),
                ]
            )
        w = ctx.width
        out.append(ctx.table(rows_c, [40, w - 40 - 140, 70, 70]))
    else:
        out.append(ctx.p("No step: nothing to recover.", "body"))
    out.append(PageBreak())
    return out


def _data_summary(ctx: _Ctx) -> str | None:
    """The summary's data row: lost data (in red) first, then RPO misses and untested
    failovers; None when the plan records no copies and no failover is untested."""
    r = ctx.result
    kept = [s for s in r.services if s.copies]
    untested = sum(1 for s in r.services if s.failover_untested)
    if not kept and not untested:
        return None
    parts = []
    if kept:
        lost = [s for s in kept if s.data_lost]
        if lost:
            names = ", ".join(ctx.name(s.id) for s in lost[:5])
            more = f" and {len(lost) - 5} more" if len(lost) > 5 else ""
            parts.append(_red(f"<b>Data lost for good: {names}{more}</b>"))
        else:
            parts.append("No data lost for good")
        missed = sum(1 for s in kept if s.meets_rpo is False)
        if missed:
            parts.append(_red(f"{missed} RPO miss(es)"))
        elif any(s.meets_rpo for s in kept):
            parts.append("every RPO met")
    else:
        parts.append("No data copies recorded")
    if untested:
        parts.append(_red(f"{untested} untested failover(s)"))
    return "; ".join(parts) + ". The Data section gives each service."


def _miss_text(ctx: _Ctx, service: ServiceRecovery) -> str:
    """Why ``service`` misses its RTO, as markup: the engine's words, but a return is
    named by the item's name (an id or name is untrusted text)."""
    if service.miss_reason == "release" and service.released_by is not None:
        at = service.earliest_start
        if at is None:
            at = ctx.result.returns.get(service.released_by)
        return f"waits for {ctx.item_label(service.released_by)} to return at {hm(at)}"
    return markup(miss_reason_text(service))


def _declared_text(ctx: _Ctx) -> str:
    declared = float(ctx.result.declared_after_minutes)
    if declared <= 0:
        return "At once (T+0:00): steps start as soon as what they wait for allows."
    automatic = sum(
        1
        for t in ctx.tasks
        if mode_of(t) == "failover" and (s := ctx.services.get(t.id)) and s.automatic_failover
    )
    text = (
        f"<b>{hm(declared)}</b>: the disaster is declared {duration(declared)} (h:mm) after "
        "it begins; no step starts before then"
    )
    if automatic:
        return text + f" but the {automatic} automatic failover(s), which start at once."
    return text + "."


def _returns(ctx: _Ctx) -> list[Flowable]:
    """The failed items with their return times, then the steps that wait for a return."""
    r = ctx.result
    out: list[Flowable] = []
    if not r.failed:
        return out
    out += ctx.h2("Failed items and their return")
    out.append(
        ctx.p(
            "What the scenario fails and when each is back (power restored, room open "
            "again), hours:minutes after the disaster. An item not given a time does not "
            "return within the plan.",
            "small",
        )
    )
    out.append(Spacer(1, 4))
    back = {i: float(m) for i, m in r.returns.items()}
    ordered = sorted(r.failed, key=lambda i: (i not in back, back.get(i, 0.0)))
    rows: list[list[object]] = [ctx.header_row("Failed item", "Kind", "Back")]
    for item_id in ordered[:RETURNS_LISTED_MAX]:
        kind = ctx.item(item_id)[1]
        when = f"at <b>{hm(back[item_id])}</b>" if item_id in back else "does not return"
        rows.append(
            [
                ctx.p(ctx.item_label(item_id), "cell"),
                ctx.p(markup(short(kind, NAME_CHARS)), "cell"),
                ctx.p(when, "cell"),
            ]
        )
    w = ctx.width
    out.append(ctx.table(rows, [w - 100 - 110, 100, 110]))
    if len(ordered) > RETURNS_LISTED_MAX:
        rest = ordered[RETURNS_LISTED_MAX:]
        returning = [i for i in rest if i in back]
        text = f"{len(rest)} more failed items are not listed: {len(rest) - len(returning)} "
        text += "do not return"
        if returning:
            text += f", {len(returning)} return by {hm(max(back[i] for i in returning))}"
        out.append(ctx.p(text + ".", "small"))
    waiting = sorted(
        (t for t in ctx.tasks if mode_of(t) in WAITING_MODES and t.released_by is not None),
        key=lambda t: (t.earliest_start or 0, ctx.step_of[t.id]),
    )
    if not waiting and not back:
        return out  # nothing returns and nothing waits: the table says it all
    out += ctx.h2(f"Steps that wait for a return ({len(waiting)})")
    if not waiting:
        out.append(ctx.p("No step waits for a return: each is recovered elsewhere.", "body"))
        return out
    text = (
        "These services are restarted in place, on their own servers, once the item "
        "they wait for is back; the step cannot start earlier. Until then their "
        "dependants wait too."
    )
    if any(mode_of(t) == "restore" for t in waiting):
        text += (
            " A restore listed here waits for the item that holds the copy of its data "
            "it restores from."
        )
    out.append(ctx.p(text, "small"))
    out.append(Spacer(1, 4))
    rows_w: list[list[object]] = [
        ctx.header_row("Step", "Service", "Waits for", "Until", "Planned start")
    ]
    for task in waiting[:WAITING_LISTED_MAX]:
        released_by = task.released_by or ""
        until = task.earliest_start
        if until is None:
            until = back.get(released_by)
        rows_w.append(
            [
                ctx.p(str(ctx.step_of[task.id]), "cell"),
                ctx.p(f"{ctx.name(task.id)} <font size=7>({ctx.ident(task.id)})</font>", "cell"),
                ctx.p(ctx.item_label(released_by), "cell"),
                ctx.p(hm(until), "cell"),
                ctx.p(hm(task.start), "cell"),
            ]
        )
    rest_w = (w - 34 - 60 - 70) / 2
    out.append(ctx.table(rows_w, [34, rest_w, rest_w, 60, 70]))
    if len(waiting) > WAITING_LISTED_MAX:
        last = max(t.earliest_start or 0 for t in waiting)
        out.append(
            ctx.p(
                f"The table lists the first {WAITING_LISTED_MAX} of the {len(waiting)} steps "
                f"that wait for a return; the last may start at {hm(last)}.",
                "small",
            )
        )
    return out


def _impact(ctx: _Ctx) -> list[Flowable]:
    r, plan = ctx.result, ctx.plan
    imp = r.impact
    out: list[Flowable] = [ctx.heading("Impact", "impact")]
    out.append(
        ctx.p(
            f"Lost: <b>{len(imp.lost_sites)}</b> site(s), <b>{len(imp.lost_racks)}</b> "
            f"rack(s), <b>{len(imp.lost_servers)}</b> server(s)"
            + (f", <b>{len(imp.lost_domains)}</b> failure domain(s)" if imp.lost_domains else "")
            + ". The summary gives when each failed item returns.",
            "body",
        )
    )
    if imp.lost_domains:
        shown_domains = imp.lost_domains[:DOMAINS_LISTED_MAX]
        named = "; ".join(
            f"{ctx.item_label(d)}, {markup(short(ctx.item(d)[1], NAME_CHARS))}"
            for d in shown_domains
        )
        more = len(imp.lost_domains) - len(shown_domains)
        named += f" and {more} more" if more else ""
        out.append(ctx.p(f"<b>Failure domains:</b> {named}", "body"))
    if imp.lost_sites:
        names = ", ".join(
            markup(short(f"{s.name} ({s.id})", NAME_CHARS))
            for s in plan.sites
            if s.id in set(imp.lost_sites)
        )
        out.append(ctx.p(f"<b>Sites:</b> {names}", "body"))
    lost_by_rack: dict[str, list[str]] = {}
    servers = {s.id: s for s in plan.servers}
    for sid in imp.lost_servers:
        server = servers.get(sid)
        if server is not None:
            lost_by_rack.setdefault(server.rack, []).append(short(server.name, NAME_CHARS))
    racks = {rk.id: rk for rk in plan.racks}
    out += ctx.h2("Racks and servers lost")
    listed = len(imp.lost_servers) <= SERVERS_LISTED_MAX
    if not listed:
        out.append(
            ctx.p(
                f"{len(imp.lost_servers)} servers are lost: too many to list; each rack "
                "shows its count.",
                "small",
            )
        )
        out.append(Spacer(1, 3))
    if len(lost_by_rack) > RACKS_LISTED_MAX:
        per_site: dict[str, list[str]] = {}
        for rack_id, lost_names in lost_by_rack.items():
            rack = racks.get(rack_id)
            site = rack.site if rack else "-"
            per_site.setdefault(site, []).append(f"{short(rack_id, ID_CHARS)} ({len(lost_names)})")
        out.append(
            ctx.p(
                f"{len(lost_by_rack)} racks hold lost servers; per site, each rack with its "
                "count of lost servers:",
                "small",
            )
        )
        for site, items in per_site.items():
            out.append(ctx.p(f"<b>{ctx.ident(site)}</b>: {markup(', '.join(items))}", "small"))
            out.append(Spacer(1, 3))
        lost_by_rack = {}
    rows: list[list[object]] = [
        ctx.header_row("Rack", "Site", "Lost servers" if listed else "Lost servers (count)")
    ]
    for rack_id, lost_names in lost_by_rack.items():
        rack = racks.get(rack_id)
        label = f"{rack.name} ({rack_id})" if rack else rack_id
        what = ", ".join(lost_names) if listed else str(len(lost_names))
        rows.append(
            [
                ctx.p(markup(short(label, NAME_CHARS)), "cell"),
                ctx.p(ctx.ident(rack.site if rack else "-"), "cell"),
                ctx.p(markup(what), "cell"),
            ]
        )
    w = ctx.width
    if len(rows) > 1:
        out.append(ctx.table(rows, [130, 70, w - 200]))
    out += ctx.h2("Services by state")
    meaning = {
        "restore": "rebuilt or restored from backup (a step of its own)",
        "failover": "switched to standby instances (a step of its own)",
        "restart": "restarted in place once its servers are back (a step of its own)",
        "dependency": "not lost itself, but waits for a lost service it depends on",
        "unaffected": "keeps running",
    }
    rows_s: list[list[object]] = [ctx.header_row("State", "Count", "Services")]
    for state in ("restore", "failover", "restart", "dependency", "unaffected"):
        members = [s for s in r.services if s.state == state]
        if state == "restart" and not members:
            continue  # a plan without restarts reads as before
        if len(members) <= SERVICES_LISTED_MAX:
            names = ", ".join(markup(short(s.name, NAME_CHARS)) for s in members) or "-"
        else:
            names = f"{len(members)} services (see the restore procedure)"
        rows_s.append(
            [
                ctx.p(f"<b>{state}</b><br/><font size=7>{meaning[state]}</font>", "cell"),
                ctx.p(str(len(members)), "cell"),
                ctx.p(names, "cell"),
            ]
        )
    out.append(ctx.table(rows_s, [130, 40, w - 170]))
    out.append(PageBreak())
    return out


# ---------------------------------------------------------------- data

RED = "#b00000"  # the colour of what is lost or missed, in text (ALERT in drawings)


def _red(text: str) -> str:
    return f"<font color='{RED}'>{text}</font>"


def _sentence(text: str) -> str:
    """One of the engine's sentences (planner/engine/data.py) as markup: it names the
    plan's items, so it is untrusted text, escaped and cut."""
    return markup(short(text, SENTENCE_CHARS))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _copy_words(ctx: _Ctx, task: ServiceRecovery, state: CopyState) -> str:
    """One copy's line in the data table: ``the Gasan backup, 24 h: available``."""
    service = ctx.services.get(task.id)
    copy = next((c for c in service.data if c.id == state.id), None) if service else None
    if service is None or copy is None:
        label = markup(short(state.id, ID_CHARS))
    else:
        label_text = data_words.copy_label(ctx.plan, service, copy)
        what = f"{label_text}, {data_words.lag_text(copy.lag_minutes)}"
        label = markup(short(what, NAME_CHARS))
    words = markup(data_words.copy_state_text(state))
    return f"{label}: {_red(f'<b>{words}</b>') if state.state == 'destroyed' else words}"


def _data(ctx: _Ctx) -> list[Flowable]:
    """What the scenario leaves of each service's data: lost data first, in red, then
    the loss and the RPO of every service with copies, then the untested failovers."""
    r = ctx.result
    out: list[Flowable] = [ctx.heading("Data", "data")]
    kept = [s for s in r.services if s.copies]
    if not kept:
        out.append(
            ctx.p(
                "No service in the plan records where its data lives, so this runbook "
                "cannot say what data the scenario leaves. Record each service's copies "
                "(where each lives, how far behind it is) and its RPO to see it here.",
                "body",
            )
        )
    else:
        out.append(
            ctx.p(
                "A copy is <i>destroyed</i> when everything it lives on is lost for good, "
                "<i>unavailable</i> until the first of its places returns, else "
                "<i>available</i>. A service loses the writes its freshest surviving copy "
                "is behind (a synchronous copy: none); when no copy survives its data is "
                "lost for good and it can only be rebuilt empty.",
                "small",
            )
        )
        out += _data_lost(ctx, kept)
        out += _data_table(ctx, kept)
    out += _untested(ctx)
    out.append(PageBreak())
    return out


def _data_lost(ctx: _Ctx, kept: list[ServiceRecovery]) -> list[Flowable]:
    lost = [s for s in kept if s.data_lost]
    out: list[Flowable] = [CondPageBreak(120)]
    if not lost:
        out.append(ctx.p("Data lost for good: none", "h2"))
        out.append(ctx.p("Every service with copies keeps at least one: no data is lost for good."))
        return out
    out.append(ctx.p(_red(f"Data lost for good ({len(lost)})"), "h2"))
    for task in lost[:DATA_LOST_LISTED_MAX]:
        words = _sentence(data_words.loss_sentence(ctx.plan, ctx.result, task))
        step = ctx.step_of.get(task.id)
        after = f" Step {step} rebuilds it empty." if step is not None else ""
        out.append(ctx.p(_red(f"<b>{words}.</b>{after}"), "body"))
    if len(lost) > DATA_LOST_LISTED_MAX:
        more = len(lost) - DATA_LOST_LISTED_MAX
        out.append(ctx.p(_red(f"<b>and {more} more services</b> (see the table)."), "body"))
    return out


def _data_table(ctx: _Ctx, kept: list[ServiceRecovery]) -> list[Flowable]:
    """Every service with copies: lost ones first, then RPO misses, then plan order."""
    misses = [s for s in kept if s.meets_rpo is False]
    # Not kept with the table (keepWithNext would move a table of most of a page, whole,
    # to the next one): 120 pt are left for the heading and the first rows.
    title = f"Data loss per service ({len(kept)}; {len(misses)} miss their RPO)"
    out: list[Flowable] = [CondPageBreak(120), ctx.p(title, "h2split")]
    # Stable: plan order within lost, missed, the rest.
    ordered = sorted(kept, key=lambda s: 0 if s.data_lost else 1 if s.meets_rpo is False else 2)
    rows: list[list[object]] = [
        ctx.header_row(
            "Service", fields.label("service", "rpo_minutes"), "Loses", "RPO met", "Copies"
        )
    ]
    for task in ordered[:DATA_ROWS_MAX]:
        loses = _loses_text(ctx, task)
        rpo = "-" if task.rpo_minutes is None else markup(data_words.lag_text(task.rpo_minutes))
        met = {True: "yes", False: _red("<b>no</b>"), None: "-"}[task.meets_rpo]
        copies = [_copy_words(ctx, task, c) for c in task.copies[:COPIES_LISTED_MAX]]
        if len(task.copies) > COPIES_LISTED_MAX:
            copies.append(f"and {len(task.copies) - COPIES_LISTED_MAX} more")
        rows.append(
            [
                ctx.p(f"{ctx.name(task.id)} <font size=7>({ctx.ident(task.id)})</font>", "cell"),
                ctx.p(rpo, "cell"),
                ctx.p(loses, "cell"),
                ctx.p(met, "cell"),
                ctx.p("<br/>".join(copies), "cell"),
            ]
        )
    w = ctx.width
    widths = [w - 42 - 110 - 52 - 190, 42, 110, 52, 190]
    out.append(ctx.table(rows, widths, split_in_row=False))  # a row's copies stay together
    if len(ordered) > DATA_ROWS_MAX:
        out.append(
            ctx.p(
                f"The table lists the first {DATA_ROWS_MAX} of the {len(ordered)} services "
                "with copies: those that lose data for good and those that miss their RPO "
                "come first.",
                "small",
            )
        )
    return out


def _loses_text(ctx: _Ctx, task: ServiceRecovery) -> str:
    """What a service loses, as markup: the engine's loss (the freshest copy not
    destroyed), when that copy is back if it is not available at once, and what the
    planned restore loses when it uses an older copy that is there sooner."""
    if task.data_lost:
        return _red("<b>all: lost for good</b>")
    loss = float(task.data_loss_minutes or 0)
    text = "nothing" if loss <= 0 else f"up to {markup(data_words.lag_text(loss))}"
    service = ctx.services.get(task.id)
    lags = {c.id: float(c.lag_minutes) for c in service.data} if service else {}
    freshest = [c for c in task.copies if c.state != "destroyed" and lags.get(c.id) == loss]
    if freshest and all(c.state == "unavailable" for c in freshest):
        until = min((c.until for c in freshest if c.until is not None), default=None)
        if until is not None:
            text += f" once its copy is back at {hm(until)}"
    used = lags.get(task.restore_from or "")
    if used is not None and used > loss and mode_of(task) == "restore":
        step = ctx.step_of.get(task.id, "?")
        text += f"; step {step} restores from a copy {markup(data_words.lag_text(used))} behind"
    return text


def _untested(ctx: _Ctx) -> list[Flowable]:
    """The failovers nobody has tested recently, and what the scenario assumes of them."""
    r = ctx.result
    untested = [s for s in r.services if s.failover_untested]
    limit = ctx.plan.failover_test_max_age_days
    as_of = f" on {r.as_of.isoformat()}" if r.as_of is not None else ""
    if not untested:
        failovers = [ctx.services.get(t.id) for t in ctx.tasks if mode_of(t) == "failover"]
        # Claimed only when the plan gives every one a test date (the engine aged them).
        if not failovers or any(s is None or s.failover_tested_on is None for s in failovers):
            return []
        out = ctx.h2("Untested failovers: none")
        out.append(ctx.p(f"Every failover of this scenario was tested within {limit} days{as_of}."))
        return out
    out = [CondPageBreak(120), ctx.p(_red(f"Untested failovers ({len(untested)})"), "h2")]
    if r.untested_failovers_fail:
        assumed = (
            "This scenario counts an untested failover as failing: these services "
            "restore or restart instead, and their steps say so."
        )
    else:
        assumed = (
            "This scenario still counts on them; if one does not work on the day, its "
            "service must be restored instead, which takes longer. Their steps are marked."
        )
    out.append(
        ctx.p(
            f"A failover counts as untested when it has no test or its last test is older "
            f"than {limit} days{as_of}. {assumed}",
            "small",
        )
    )
    for task in untested[:UNTESTED_LISTED_MAX]:
        words = _sentence(data_words.untested_sentence(ctx.plan, r, task))
        step = ctx.step_of.get(task.id)
        where = f"Step {step} · " if step is not None else ""
        out.append(ctx.p(_red(f"{where}{words}."), "body"))
    if len(untested) > UNTESTED_LISTED_MAX:
        out.append(ctx.p(f"and {len(untested) - UNTESTED_LISTED_MAX} more.", "body"))
    return out


# ---------------------------------------------------------------- restore procedure


def _needs_text(ctx: _Ctx, task: ServiceRecovery) -> str:
    parts = []
    for pool_id, units in task.needs.items():
        pool = ctx.pools.get(pool_id)
        parts.append(f"{units} × {markup(short(pool.name if pool else pool_id, NAME_CHARS))}")
    return "; ".join(parts) or "none"


def _confirm_text(ctx: _Ctx, task: ServiceRecovery) -> str:
    checks = [f"<b>step {ctx.step_of.get(d, '?')}</b> {ctx.name(d)}" for d in task.waits_for]
    if task.released_by is not None and mode_of(task) in WAITING_MODES:
        checks.insert(0, f"<b>{ctx.item_label(task.released_by)} is back</b>")
    return "; ".join(checks) or "nothing: may start at once"


# Modes whose step may wait for a failed item's return (``released_by``): a restart for
# its own servers, a restore for the place that holds the copy it restores from.
WAITING_MODES = ("restart", "restore")


def mode_of(task: ServiceRecovery) -> str:
    """The mode of a step: the engine's choice, or its state when it names none."""
    return task.mode or task.state


def mode_text(ctx: _Ctx, task: ServiceRecovery) -> str:
    """How the step brings its service back, as markup an operator follows under stress:
    what to do, and what it waits for (a return, the declaration) with the time."""
    r = ctx.result
    declared = float(r.declared_after_minutes)
    mode = mode_of(task)
    if mode == "restart":
        if task.released_by is not None:
            at = task.earliest_start
            if at is None:
                at = r.returns.get(task.released_by)
            expected = f", expected {hm(at)}" if at is not None else ""
            return f"Restart in place when {ctx.item_label(task.released_by)} returns{expected}"
        if declared > 0:
            return f"Restart in place after the declaration at {hm(declared)}"
        return "Restart in place"
    if mode == "failover":
        service = ctx.services.get(task.id)
        if service is not None and service.automatic_failover:
            return "Fail over to standbys (automatic)"
        if declared > 0:
            return f"Fail over to standbys after the declaration at {hm(declared)}"
        return "Fail over to standbys"
    where, why = _restore_sites(ctx, task.id)
    if not where:
        text = "Restore"
    else:
        names = [markup(short(name, NAME_CHARS)) for name in where[:3]]
        more = f" or {len(where) - 3} other sites" if len(where) > 3 else ""
        places = (", ".join(names[:-1]) + " or " + names[-1]) if len(names) > 1 else names[0]
        text = f"Restore in {places}{more} <font size=7 color='#555555'>({why})</font>"
    return text


def restore_text(ctx: _Ctx, task: ServiceRecovery) -> str | None:
    """Which copy a restore step restores from, as markup ("Restore from the Gasan
    backup, 24 h behind"), with the return it waits for; that its data is gone when no
    copy survives; None for another mode or a service without copies."""
    if mode_of(task) != "restore" or not task.copies:
        return None
    if task.data_lost:
        return _red("No copy of its data survives: rebuild it empty. Its data is lost for good.")
    service = ctx.services.get(task.id)
    if task.restore_from is None or service is None:
        return None
    text = _sentence(_capital(data_words.restore_sentence(ctx.plan, service, task.restore_from)))
    if task.released_by is not None:
        at = task.earliest_start
        if at is None:
            at = ctx.result.returns.get(task.released_by)
        expected = f", expected {hm(at)}" if at is not None else ""
        text += f", once {ctx.item_label(task.released_by)} returns{expected}"
    return text


def _data_lines(ctx: _Ctx, task: ServiceRecovery) -> list[str]:
    """The step's data lines: the copy it restores from; that its failover is untested."""
    lines = []
    restore = restore_text(ctx, task)
    if restore is not None:
        lines.append(restore)
    if task.failover_untested:
        # The engine's sentence starts with the service's id: never capitalised.
        words = _sentence(data_words.untested_sentence(ctx.plan, ctx.result, task))
        lines.append(_red(words))
    return lines


def _restore_sites(ctx: _Ctx, service_id: str) -> tuple[list[str], str]:
    """Where a restore can honestly be said to happen: the sites of the service's standby
    servers that survive, else of its own servers that survive (names, in plan order),
    with the reason in words; none when every server of it is lost."""
    service = ctx.services.get(service_id)
    if service is None:
        return [], ""
    if ctx.server_sites is None:
        rack_site = {rk.id: rk.site for rk in ctx.plan.racks}
        ctx.server_sites = {x.id: rack_site.get(x.rack, "") for x in ctx.plan.servers}
        ctx.lost_servers = set(ctx.result.impact.lost_servers)
    sites, lost = ctx.server_sites, ctx.lost_servers
    for servers, why in (
        (service.standby_servers, "where its standby servers survive"),
        (service.servers, "beside its surviving servers"),
    ):
        found = dict.fromkeys(sites[x] for x in servers if x not in lost and sites.get(x))
        if found:
            names = {site.id: site.name for site in ctx.plan.sites}
            return [names.get(site, site) for site in found], why
    return [], ""


def _procedure(ctx: _Ctx) -> list[Flowable]:
    tasks = ctx.tasks
    out: list[Flowable] = [ctx.heading("Restore procedure", "procedure")]
    out.append(
        ctx.p(
            f"{len(tasks)} steps in schedule order. Steps under one start time have no "
            "dependency between them and may run in parallel when the crews are free. "
            "Before a step, confirm that the steps it waits for are done; tick the box "
            "when the service is back and write down the real times.",
            "body",
        )
    )
    if not tasks:
        out.append(ctx.p("Nothing to recover in this scenario.", "body"))
        out.append(PageBreak())
        return out
    compact = len(tasks) > FULL_PROCEDURE_MAX
    if compact:
        out += _procedure_compact(ctx)
    else:
        out += _procedure_full(ctx)
    out.append(PageBreak())
    return out


def _groups(tasks: list[ServiceRecovery]) -> Iterable[tuple[float, list[ServiceRecovery]]]:
    for start, members in groupby(tasks, key=lambda t: t.start):
        yield (start or 0), list(members)


def _group_title(start: float, count: int) -> str:
    if count == 1:
        return f"Start at {hm(start)}: 1 step"
    return f"Start at {hm(start)}: {count} steps in parallel"


def _procedure_full(ctx: _Ctx) -> list[Flowable]:
    out: list[Flowable] = []
    w = ctx.width
    critical = set(ctx.result.critical_path)
    for start, members in _groups(ctx.tasks):
        # The group's title travels with its first step: never alone at a page foot.
        lead: list[Flowable] = [ctx.p(_group_title(start, len(members)), "group")]
        for place, task in enumerate(members, start=1):
            n = ctx.step_of[task.id]
            service = ctx.services[task.id]
            together = f" · {place} of {len(members)} starting together" if len(members) > 1 else ""
            title = (
                f"{ctx.name(task.id, full=True)} "
                f"<font size=8 color='#555555'>({markup(task.id)})</font>"
            )
            flags = []
            if task.id in critical:
                flags.append("<font color='#b00000'><b>critical path</b></font>")
            if task.failover_untested:
                flags.append(_red("<b>untested failover</b>"))
            if task.meets_rto is False:
                why = _miss_text(ctx, task)
                flags.append(f"<font color='#b00000'>misses RTO ({why})</font>")
            if task.id in ctx.tooling_steps:
                flags.append(_red(f"<b>{tooling_text(ctx, task.id)}</b>"))
            rto = ""
            if task.rto_minutes is not None:
                rto = f"{fields.label('service', 'rto_minutes')} {duration(task.rto_minutes)}"
            when = (
                f"Tier {task.tier} · planned <b>{hm(task.start)}</b> to "
                f"<b>{hm(task.finish)}</b> ({duration((task.finish or 0) - (task.start or 0))})"
                + (f" · {rto}" if rto else "")
                + together
                + (" · " + " · ".join(flags) if flags else "")
            )
            body: list[Flowable] = [
                ctx.p(f"<b>{title}</b>", "body"),
                ctx.p(f"<b>{mode_text(ctx, task)}</b>", "mode"),
                *[ctx.p(f"<b>{line}</b>", "mode") for line in _data_lines(ctx, task)],
                ctx.p(when, "cell"),
                ctx.p(f"<b>Crews:</b> {_needs_text(ctx, task)}", "cell"),
                ctx.p(f"<b>Confirm first:</b> {_confirm_text(ctx, task)}", "cell"),
            ]
            if service.steps:
                items = "".join(
                    f"<br/>&nbsp;&nbsp;{i}. {markup(step)}"
                    for i, step in enumerate(service.steps, start=1)
                )
                body.append(ctx.p(f"<b>Do:</b>{items}", "cell"))
            if service.notes:
                body.append(ctx.p(f"<b>Notes:</b> {markup(service.notes)}", "cell"))
            owner = " · ".join(
                markup(short(x, NAME_CHARS)) for x in (service.owner, service.team) if x
            )
            if owner:
                body.append(ctx.p(f"<b>Owner:</b> {owner}", "cell"))
            blanks = ctx.p(
                "Started ______________ &nbsp; Finished ______________ &nbsp; "
                "By ________________________",
                "cell",
            )
            number = [ctx.p(str(n), "stepno"), Spacer(1, 6), CheckBox()]
            table = Table(
                [[number, body], ["", blanks]],
                colWidths=[44, w - 44],
                style=STEP_STYLE,
                splitInRow=1,
            )
            mark = ctx.mark(
                OutlineMark(
                    f"step-{n}",
                    f"{n}. {service.name} ({task.id})",
                    1,
                    toc=len(ctx.tasks) <= TOC_STEPS_MAX,
                    toc_text=f"{n}. {ctx.name(task.id)}",
                )
            )
            table.hAlign = "LEFT"
            # Whole on one page when it fits; the anchor bookmarks where the block starts.
            out.append(KeepTogether([*lead, Anchor(mark), table]))
            lead = []
            out.append(Spacer(1, 5))
    return out


class TextLine(Flowable):
    """Runs of text on one line, drawn where a one-line Paragraph of them draws them, but
    without its markup parser and line breaker, which a Table runs for every cell twice
    (to measure it, to draw it). Made only for text that fits (:func:`fonts.one_line`);
    the text is drawn as it is, never read as markup."""

    MARKER = colors.HexColor(MARKER_COLOUR)

    def __init__(self, runs: list[SizedRun], leading: float, colour: Color = colors.black) -> None:
        super().__init__()
        self.runs = runs
        self.leading = leading
        self.colour = colour
        # A Paragraph's first baseline sits its largest font size below its top.
        self.baseline = leading - max(size for _, size, _, _ in runs)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return avail_width, self.leading  # as a Paragraph: the width it is given

    def draw(self) -> None:
        text = self.canv.beginText(0, self.baseline)
        for font, size, chars, is_marker in self.runs:
            text.setFillColor(self.MARKER if is_marker else self.colour)
            text.setFont(font, size)
            text.textOut(chars)
        self.canv.drawText(text)


class StepNumber(Flowable):
    """A step's number in bold that bookmarks its page when drawn: outline entries for
    table rows (a plain flowable: a Paragraph per row costs seconds on 10,000 rows)."""

    def __init__(self, number: int, mark: OutlineMark, size: float = 8.5) -> None:
        super().__init__()
        self.text = str(number)
        self.mark = mark
        self.size = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return min(avail_width, self.size * len(self.text)), self.size * 1.2

    def draw(self) -> None:
        self.canv.setFont(BOLD, self.size)
        self.canv.drawString(0, self.size * 0.25, self.text)
        self.canv.bookmarkPage(self.mark.key)
        title = plain(short(self.mark.title, NAME_CHARS))
        self.canv.addOutlineEntry(title, self.mark.key, level=self.mark.level)


def tooling_text(ctx: _Ctx, service_id: str) -> str:
    """ "Needs ops-tooling, which this scenario takes down" (names as markup)."""
    names = ", ".join(ctx.name(t) for t in ctx.tooling_steps.get(service_id, ()))
    return f"Needs {names}, which this scenario takes down"


def _compact_restore(ctx: _Ctx, task: ServiceRecovery) -> str | None:
    text = restore_text(ctx, task)
    if task.id not in ctx.tooling_steps:
        return text
    flag = _red(f"<b>{tooling_text(ctx, task.id)}</b>")
    return flag if text is None else f"{text} · {flag}"


def _procedure_compact(ctx: _Ctx) -> list[Flowable]:
    out: list[Flowable] = [
        ctx.p(
            f"This plan has {len(ctx.tasks)} steps, one row each. Consecutive rows in one "
            "shaded band start at the same time and may run in parallel. Action "
            "<i>restart</i>: restart in place once its servers are back (the summary "
            "lists what waits for which return). Each step is in the PDF outline (bookmarks).",
            "small",
        ),
        Spacer(1, 4),
    ]
    w = ctx.width
    widths = [34, w - 34 - 50 - 96 - 120 - 22, 50, 96, 120, 22]
    head = ctx.header_row("Step", "Service", "Action", "Planned", "Confirm first (steps)", "")
    rows: list[list[object]] = []
    tints: list[Color | None] = []
    for group_no, (_start, members) in enumerate(_groups(ctx.tasks), start=1):
        tint = SHADE if group_no % 2 else colors.white
        for task in members:
            n = ctx.step_of[task.id]
            deps = _step_list(ctx, task.waits_for)
            mark = OutlineMark(f"step-{n}", f"{n}. {task.name} ({task.id})", 1, False)
            rows.append(
                [
                    StepNumber(n, mark),
                    _name_cell(ctx, task.id, widths[1], _compact_restore(ctx, task)),
                    _cell(ctx, _action_word(task), widths[2]),
                    _cell(ctx, f"{hm(task.start)} to {hm(task.finish)}", widths[3]),
                    _cell(ctx, deps, widths[4]),
                    CheckBox(10),
                ]
            )
            tints.append(tint)
    # One table laid out a page at a time, the header row on every page.
    out.append(ChunkedTable(head, rows, widths, COMPACT_STYLE, tints))
    return out


def _action_word(task: ServiceRecovery) -> str:
    if task.failover_untested and mode_of(task) == "failover":
        return "failover, untested"
    return task.state


def _name_cell(ctx: _Ctx, service_id: str, width: float, restore: str | None = None) -> Flowable:
    """The service's name and, smaller, its id: one line drawn as it is when it fits the
    column (a 9,000-step procedure has 9,000 of these), else a Paragraph that wraps; a
    step with data says under it (``restore``, markup) which copy it restores from."""
    if restore is not None:
        head = f"{ctx.name(service_id)} <font size=7>({ctx.ident(service_id)})</font>"
        return ctx.p(f"{head}<br/><font size=7>{restore}</font>", "cell")
    service = ctx.services.get(service_id)
    name = short(service.name if service else service_id, NAME_CHARS)
    ident = f"({short(service_id, ID_CHARS)})"
    style = ctx.s["cell"]
    runs = one_line([(name + " ", style.fontSize), (ident, 7)], width - 12)  # 6 pt padding
    if runs is not None:
        return TextLine(runs, style.leading)
    return ctx.p(f"{ctx.name(service_id)} <font size=7>({ctx.ident(service_id)})</font>", "cell")


def _cell(ctx: _Ctx, text: str, width: float) -> object:
    """Our own short text (no markup) as a plain string when it fits on one line, which is
    cheap to lay out, else as a Paragraph that wraps."""
    if stringWidth(text, REGULAR, 8.5) <= width - 12:  # 6 pt padding either side
        return text
    return ctx.p(markup(text), "cell")


def _step_list(ctx: _Ctx, ids: Sequence[str], shown: int = 200) -> str:
    """Step numbers of ``ids``, the first ``shown`` of them and a count of the rest."""
    text = ", ".join(str(ctx.step_of.get(d, "?")) for d in ids[:shown]) or "-"
    return text + (f" and {len(ids) - shown} more" if len(ids) > shown else "")


# ---------------------------------------------------------------- drawings


def _timeline(ctx: _Ctx) -> list[Flowable]:
    r = ctx.result
    out: list[Flowable] = [ctx.heading("Timeline", "timeline")]
    critical = set(r.critical_path)
    bars = [
        drawings.Bar(
            step=ctx.step_of[t.id],
            label=t.name,
            action=t.state,
            start=float(t.start or 0),
            finish=float(t.finish or 0),
            rto=float(t.rto_minutes) if t.rto_minutes is not None else None,
            critical=t.id in critical,
            wait=_wait_of(ctx, t),
        )
        for t in ctx.tasks
    ]
    if not bars:
        out.append(ctx.p("Nothing to schedule.", "body"))
        out.append(PageBreak())
        return out
    out.append(
        ctx.p(
            "Planned steps over time (T+h:mm). Bars are failovers "
            f"({states.STATES['failover'].word}), restores "
            f"({states.STATES['restore'].word}) and restarts in place "
            f"({drawings.RESTART_WORD}); a pale dashed band before a bar is its wait for "
            "the item it needs back (a restart's servers, a restore's copy of its data); "
            "a red outline marks the critical path; "
            "a red tick marks the service's RTO.",
            "small",
        )
    )
    horizon = max(float(r.recovery_minutes), max(b.finish for b in bars), 1.0)
    if len(bars) > TIMELINE_BARS_MAX:
        out.append(
            ctx.p(
                f"The chart shows the first {TIMELINE_BARS_MAX} of the {len(bars)} steps; "
                "the restore procedure lists every one.",
                "small",
            )
        )
        bars = bars[:TIMELINE_BARS_MAX]
    out.append(Spacer(1, 6))
    # Drawing height: 44 pt of axis and legend plus 15 pt a row. The first page also
    # carries the heading and the legend text; later ones a "continued" line.
    first = int((ctx.meta.frame_height - 110 - 48) // 15)
    rows = int((ctx.meta.frame_height - 30 - 48) // 15)
    pages = drawings.gantt_pages(bars[:first], ctx.width, first, horizon)
    if len(bars) > first:
        pages += drawings.gantt_pages(bars[first:], ctx.width, rows, horizon)
    for i, page in enumerate(pages):
        if i:
            out.append(PageBreak())
            out.append(ctx.p(f"Timeline, continued ({i + 1} of {len(pages)})", "small"))
        out.append(page)
    out.append(PageBreak())
    return out


def _wait_of(ctx: _Ctx, task: ServiceRecovery) -> tuple[float, str] | None:
    """A restart's wait for a return, for the timeline: until when, and the words."""
    if task.released_by is None or mode_of(task) not in WAITING_MODES:
        return None
    until = task.earliest_start
    if until is None:
        until = ctx.result.returns.get(task.released_by)
    if until is None:
        return None
    return float(until), f"{ctx.item(task.released_by)[0]} back {hm(until)}"


def _layers(ctx: _Ctx, ids: list[str], *, ordered: bool = False) -> list[list[str]]:
    """``ids`` in the dependency view's layers, dependencies first; ``ordered``: each layer
    top to bottom as the view orders it (crossings reduced), else in ``ids`` order."""
    chosen = set(ids)
    edges = [(d, sid) for sid in ids for d in ctx.services[sid].depends_on if d in chosen]
    if ordered:
        return layered_layout(ids, edges).columns()
    return layers_of(ids, edges)


def _neighbourhood(ctx: _Ctx, roots: Iterable[str], impacted: set[str]) -> list[str]:
    """Up to ``DRAWN_NEIGHBOURS`` services: ``roots`` then their dependencies, breadth first,
    stopping before the drawing would need more than ``DRAWN_LAYERS`` layers."""
    chosen: list[str] = []
    frontier = list(roots)
    while frontier and len(chosen) < DRAWN_NEIGHBOURS:
        ring = [sid for sid in dict.fromkeys(frontier) if sid not in chosen]
        ring = ring[: DRAWN_NEIGHBOURS - len(chosen)]
        trial = chosen + ring
        if chosen and len(_layers(ctx, trial)) > DRAWN_LAYERS:
            break
        chosen = trial
        frontier = [d for sid in ring for d in ctx.services[sid].depends_on if d in impacted]
    return chosen


def _dependencies(ctx: _Ctx) -> list[Flowable]:
    r = ctx.result
    out: list[Flowable] = [ctx.heading("Dependencies", "dependencies")]
    impacted = [s.id for s in r.services if s.state != "unaffected"]
    if not impacted:
        out.append(ctx.p("No service is impacted.", "body"))
        out.append(PageBreak())
        return out
    critical = set(r.critical_path)
    if len(impacted) > DEPENDENCY_DRAWING_MAX:
        layers_all = _layers(ctx, impacted)
        shown = _neighbourhood(ctx, r.critical_path[-1:] or impacted[:1], set(impacted))
        last = r.critical_path[-1] if r.critical_path else impacted[0]
        out.append(
            ctx.p(
                f"{len(impacted)} services are impacted, in {len(layers_all)} layers: too "
                f"many to draw. The drawing shows the last step of the critical path, "
                f"{ctx.name(last)}, and what it waits for, nearest first "
                f"({len(shown)} services); the table counts every layer.",
                "body",
            )
        )
        out.append(ctx.table(_layer_rows(ctx, layers_all), [90, 140]))
        out.append(Spacer(1, 8))
    else:
        shown = impacted
        out.append(
            ctx.p(
                "Impacted services in layers, dependencies on the left: a service can "
                "come back only after every service it points from. "
                f"{states.STATES['failover'].word.capitalize()}: failover; "
                f"{states.STATES['restore'].word}: restore; "
                f"{drawings.RESTART_WORD}: restart in place; "
                f"{states.STATES['dependency'].word}: waits for a dependency; "
                "red outline: critical path.",
                "small",
            )
        )
        out.append(Spacer(1, 6))
    layers = _layers(ctx, shown, ordered=True)
    state = {s.id: s.state for s in r.services}
    nodes = [
        [drawings.Node(sid, ctx.services[sid].name, state[sid], sid in critical) for sid in layer]
        for layer in layers
    ]
    shown_set2 = set(shown)
    edges = [(d, sid) for sid in shown for d in ctx.services[sid].depends_on if d in shown_set2]
    max_rows = int((ctx.meta.frame_height - 120) // 30)
    if max(len(layer) for layer in layers) > max_rows:
        # Too tall for one page: split each layer into columns of at most max_rows.
        split: list[list[drawings.Node]] = []
        for column in nodes:
            for first in range(0, len(column), max_rows):
                split.append(column[first : first + max_rows])
        nodes = split
    out.append(drawings.dependency_drawing(nodes, edges, ctx.width))
    out.append(PageBreak())
    return out


def _layer_rows(ctx: _Ctx, layers: list[list[str]]) -> list[list[object]]:
    """The layer table: runs of layers of one size in one row ("1-10000: 1 each"), at most
    ``LAYERS_LISTED_MAX`` rows, so a 10,000-long chain takes one line."""
    runs: list[tuple[int, int, int]] = []  # first layer, last layer, services per layer
    for number, layer in enumerate(layers, start=1):
        if runs and runs[-1][2] == len(layer):
            runs[-1] = (runs[-1][0], number, len(layer))
        else:
            runs.append((number, number, len(layer)))
    rows: list[list[object]] = [ctx.header_row("Layers", "Services in each")]
    for first, last, size in runs[:LAYERS_LISTED_MAX]:
        which = str(first) if first == last else f"{first}-{last}"
        rows.append([ctx.p(which, "cell"), ctx.p(str(size), "cell")])
    if len(runs) > LAYERS_LISTED_MAX:
        rest = sum(len(layer) for layer in layers[runs[LAYERS_LISTED_MAX][0] - 1 :])
        rows.append(
            [
                ctx.p(f"{runs[LAYERS_LISTED_MAX][0]}-{len(layers)}", "cell"),
                ctx.p(f"{rest} in all", "cell"),
            ]
        )
    return rows


def _racks(ctx: _Ctx) -> list[Flowable]:
    r, plan = ctx.result, ctx.plan
    out: list[Flowable] = [ctx.heading("Racks", "racks")]
    lost_servers = set(r.impact.lost_servers)
    lost_racks = set(r.impact.lost_racks)
    by_rack: dict[str, list[drawings.Slot]] = {}
    touched: set[str] = set(lost_racks)
    for server in plan.servers:
        lost = server.id in lost_servers
        if lost:
            touched.add(server.rack)
        by_rack.setdefault(server.rack, []).append(
            drawings.Slot(server.name, server.position, server.height, lost)
        )
    affected = [rk for rk in plan.racks if rk.id in touched]
    if not affected:
        out.append(ctx.p("No rack is affected.", "body"))
        out.append(PageBreak())
        return out
    drawn = affected[:RACKS_DRAWN_MAX]
    text = (
        f"Elevations of the {len(affected)} affected rack(s), unit 1 at the bottom. "
        "Red with an X: lost server; grey: server still running."
    )
    if len(drawn) < len(affected):
        text += (
            f" Only the first {len(drawn)} of {len(affected)} affected racks are drawn; "
            "the impact section lists the rest."
        )
    out.append(ctx.p(text, "small"))
    out.append(Spacer(1, 6))
    # A rack taller than a page is drawn in parts at the common scale (6.5 pt a unit,
    # labels legible) rather than shrunk: a 10,000-unit rack on one page would give each
    # unit 0.07 pt. Parts without servers are left out, and the text says what was.
    # Leave room for the heading and the notes above the first row of parts.
    room = ctx.meta.frame_height - drawings.RACK_FURNITURE_H - 120
    per_part = max(1, int(room // drawings.UNIT_H))
    views: list[drawings.RackView] = []
    for rk in drawn:
        whole = drawings.RackView(
            short(rk.name, NAME_CHARS),
            short(rk.id, ID_CHARS),
            rk.units,
            tuple(by_rack.get(rk.id, ())),
            rk.id in lost_racks,
        )
        parts, left_out = drawings.rack_parts(whole, per_part, RACK_PARTS_MAX)
        if len(views) + len(parts) > RACK_VIEWS_MAX:
            out.append(ctx.p(f"Racks from {ctx.ident(rk.id)} on are not drawn.", "small"))
            break
        if len(parts) > 1 or parts[0].span < rk.units:
            out.append(ctx.p(_parts_note(ctx, rk.id, rk.units, per_part, parts, left_out), "small"))
        views += parts
    for first in range(0, len(views), 4):
        out.append(drawings.rack_row(views[first : first + 4], ctx.width))
        out.append(Spacer(1, 10))
    out.append(PageBreak())
    return out


def _parts_note(
    ctx: _Ctx,
    rack_id: str,
    units: int,
    per_part: int,
    parts: list[drawings.RackView],
    left_out: int,
) -> str:
    shown = ", ".join(f"U{p.first}-{p.top}" for p in parts)
    text = (
        f"Rack {ctx.ident(rack_id)} has {units} units, too tall for a page: it is drawn in "
        f"parts of up to {per_part} units ({shown}); units without servers are left out."
    )
    if left_out:
        text += f" {left_out} more parts with servers are not drawn."
    return text


# ---------------------------------------------------------------- contacts and sign-off


def _contacts(ctx: _Ctx) -> list[Flowable]:
    r = ctx.result
    out: list[Flowable] = [ctx.heading("Contacts", "contacts")]
    impacted = {s.id for s in r.services if s.state != "unaffected"}
    people: dict[tuple[str, str], list[str]] = {}
    for service in ctx.plan.services:
        if service.owner or service.team:
            key = (service.owner or "-", service.team or "-")
            people.setdefault(key, []).append(service.id)
    if not people:
        out.append(ctx.p("The plan records no owners or teams.", "body"))
    else:
        out.append(
            ctx.p(
                "Owners and teams recorded in the plan; <b>bold</b> services are impacted "
                "by this scenario. Write phone numbers in by hand if the plan has none.",
                "small",
            )
        )
        out.append(Spacer(1, 4))
        rows: list[list[object]] = [
            ctx.header_row(
                fields.label("service", "owner"),
                fields.label("service", "team"),
                "Services",
                "Phone",
            )
        ]
        ordered = sorted(people.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        for (owner, team), ids in ordered:
            names = ", ".join(
                f"<b>{ctx.name(i)}</b>" if i in impacted else ctx.name(i)
                for i in ids[:SERVICES_PER_CONTACT_MAX]
            )
            if len(ids) > SERVICES_PER_CONTACT_MAX:
                names += f" and {len(ids) - SERVICES_PER_CONTACT_MAX} more"
            rows.append(
                [
                    ctx.p(markup(short(owner, NAME_CHARS)), "cell"),
                    ctx.p(markup(short(team, NAME_CHARS)), "cell"),
                    ctx.p(names, "cell"),
                    "",
                ]
            )
        w = ctx.width
        out.append(ctx.table(rows, [110, 100, w - 290, 80]))
    out.append(PageBreak())
    return out


def _sign_off(ctx: _Ctx) -> list[Flowable]:
    out: list[Flowable] = [ctx.heading("Sign-off", "sign-off")]
    out.append(
        ctx.p(
            f"Planned recovery time: <b>{duration(ctx.result.recovery_minutes)}</b> (h:mm). "
            "<br/>Recovery declared complete at: ______________________ &nbsp; "
            "Actual recovery time: ______________",
            "body",
        )
    )
    out.append(Spacer(1, 8))
    out.append(
        ctx.p(
            "Every step above is ticked, every service owner has confirmed their service, "
            "and the deviations from the plan are written down below.",
            "body",
        )
    )
    out.append(Spacer(1, 8))
    rows: list[list[object]] = [ctx.header_row("Role", "Name", "Date and time", "Signature")]
    for role in (
        "Incident commander",
        "Recovery lead",
        "Service owners' representative",
        "Security / compliance",
        "Management",
    ):
        rows.append([ctx.p(role, "cellb"), "", "", ""])
    w = ctx.width
    out.append(
        Table(
            rows,
            colWidths=[130, (w - 130) * 0.35, (w - 130) * 0.25, (w - 130) * 0.4],
            rowHeights=[None] + [36] * (len(rows) - 1),
            repeatRows=1,
            style=FORM_STYLE,
        )
    )
    out.append(Spacer(1, 14))
    out += ctx.h2("Deviations from the plan")
    lined = Table(
        [[""] for _ in range(8)],
        colWidths=[w],
        rowHeights=[24] * 8,
        style=TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.5, LINE)]),
    )
    out.append(lined)
    return out
