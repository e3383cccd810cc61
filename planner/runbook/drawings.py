"""Vector drawings of the runbook: Gantt pages, the layered dependency graph, rack elevations.

Each function is pure: data in, :class:`reportlab.graphics.shapes.Drawing` objects out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth

from planner.layout import states
from planner.model.clock import clock
from planner.runbook.fonts import BOLD, MARKER_COLOUR, REGULAR, fit, runs_width

# State colours come from the one table the screen uses too (planner.layout.states).
STATE_COLOURS = {name: colors.HexColor(hex_colour) for name, hex_colour in states.COLOURS.items()}
FAILOVER = STATE_COLOURS["failover"]
RESTORE = STATE_COLOURS["restore"]
# A restart in place (issue 13): the table's colour once it has one, else a blue of the
# paper's own, so that a restart never looks like a restore.
RESTART_HEX = states.COLOURS.get("restart", "#3d85c6")
RESTART_WORD = states.STATES["restart"].word if "restart" in states.STATES else "blue"
RESTART = colors.HexColor(RESTART_HEX)
BAR_FILL = {"failover": FAILOVER, "restore": RESTORE, "restart": RESTART}
NODE_FILL = {**states.COLOURS, "restart": RESTART_HEX}  # dependency boxes, by engine state
LOST = STATE_COLOURS["lost"]
CRITICAL = colors.HexColor(states.CRITICAL)
# Paper only: servers that survive, the time grid, text.
KEPT = Color(0.82, 0.85, 0.88)
GRID = Color(0.85, 0.85, 0.85)
INK = Color(0.15, 0.15, 0.15)


def label(
    d: Drawing,
    x: float,
    y: float,
    text: str,
    *,
    size: float,
    width: float,
    bold: bool = False,
    anchor: str = "start",
    fill: Color = INK,
) -> None:
    """Add ``text`` to ``d``, cut with an ellipsis to ``width``, each character in a face
    that has it (one String per run); markers for what no face has are grey."""
    runs = fit(text, bold, size, width)
    total = runs_width(runs, size)
    if anchor == "middle":
        x -= total / 2
    elif anchor == "end":
        x -= total
    for font, part, is_marker in runs:
        colour = colors.HexColor(MARKER_COLOUR) if is_marker else fill
        d.add(String(x, y, part, fontName=font, fontSize=size, fillColor=colour))
        x += stringWidth(part, font, size)


def hm(minutes: float) -> str:
    return clock(minutes)


@dataclass(frozen=True)
class Bar:
    step: int
    label: str
    action: str  # "failover" | "restore" | "restart"
    start: float
    finish: float
    rto: float | None
    critical: bool
    # A restart that waits for a failed item to return: (its return, T+minutes; what to
    # write in the band of the wait before the bar, e.g. "Feed B back T+30:00").
    wait: tuple[float, str] | None = None


WAIT_FILL = Color(0.9, 0.93, 0.97)
WAIT_LINE = Color(0.55, 0.62, 0.72)


def _wait_band(d: Drawing, left: float, bottom: float, width: float, height: float) -> None:
    """A pale band with a dashed outline: one shape, however many steps wait (hatching
    with lines cost a second for a thousand waits on the scale plan)."""
    d.add(
        Rect(
            left,
            bottom,
            width,
            height,
            fillColor=WAIT_FILL,
            strokeColor=WAIT_LINE,
            strokeWidth=0.6,
            strokeDashArray=[2, 1.5],
        )
    )


def _tick_step(span: float) -> float:
    """Minutes between axis ticks: about eight ticks across ``span``."""
    for step in (15, 30, 60, 120, 180, 240, 360, 480, 720, 1440, 2880, 5760):
        if span / step <= 10:
            return step
    return 10080


def gantt_pages(
    bars: Sequence[Bar], width: float, rows_per_page: int, horizon: float
) -> list[Drawing]:
    """The schedule as Gantt drawings of at most ``rows_per_page`` rows, one axis for all."""
    pages = []
    for first in range(0, len(bars), rows_per_page):
        pages.append(_gantt(bars[first : first + rows_per_page], width, horizon))
    return pages


def _gantt(bars: Sequence[Bar], width: float, horizon: float) -> Drawing:
    row = 15.0
    label_w = 170.0
    axis_h = 22.0
    legend_h = 18.0
    height = axis_h + legend_h + row * len(bars) + 4
    d = Drawing(width, height)
    x0, x1 = label_w + 6, width - 8
    span = max(horizon, 1.0)

    def x(minutes: float) -> float:
        return x0 + (x1 - x0) * min(minutes, span) / span

    top = height - axis_h
    tick = _tick_step(span)
    t = 0.0
    while t <= span + 1e-9:
        d.add(Line(x(t), top, x(t), legend_h, strokeColor=GRID, strokeWidth=0.4))
        d.add(
            String(x(t), top + 6, f"T+{hm(t)}", fontName=REGULAR, fontSize=6.5, textAnchor="middle")
        )
        t += tick
    for i, bar in enumerate(bars):
        y = top - (i + 1) * row
        if i % 2 == 0:
            d.add(Rect(0, y, width, row, fillColor=Color(0.96, 0.96, 0.96), strokeColor=None))
        label(d, 2, y + 4.5, f"{bar.step}. {bar.label}", size=7, width=label_w)
        if bar.wait is not None and bar.wait[0] > 0:
            until = x(bar.wait[0])
            _wait_band(d, x0, y + 3, until - x0, row - 6)
            if until - x0 > 40:  # room for words: they end at the release
                label(
                    d, until - 3, y + 5.5, bar.wait[1], size=6, width=until - x0 - 8, anchor="end"
                )
        fill = BAR_FILL.get(bar.action, RESTORE)
        w = max(x(bar.finish) - x(bar.start), 1.2)
        d.add(
            Rect(
                x(bar.start),
                y + 3,
                w,
                row - 6,
                fillColor=fill,
                strokeColor=CRITICAL if bar.critical else None,
                strokeWidth=1.6 if bar.critical else 0,
            )
        )
        if bar.rto is not None and bar.rto <= span:
            rx = x(bar.rto)
            d.add(Line(rx, y + 1, rx, y + row - 1, strokeColor=CRITICAL, strokeWidth=1.2))
            d.add(
                Polygon(
                    [rx - 2.5, y + row - 1, rx + 2.5, y + row - 1, rx, y + row - 4],
                    fillColor=CRITICAL,
                    strokeColor=None,
                )
            )
    _legend(d, 2, 3, waits=any(bar.wait is not None for bar in bars))
    return d


def _legend(d: Drawing, x: float, y: float, waits: bool = False) -> None:
    items: list[tuple[Color | None, Color | None, str]] = [
        (FAILOVER, None, "failover"),
        (RESTORE, None, "restore"),
        (RESTART, None, "restart in place"),
    ]
    if waits:
        items.append((None, None, "waiting for a return"))
    items.append((colors.white, CRITICAL, "critical path (red outline)"))
    for fill, stroke, text in items:
        if fill is None:
            _wait_band(d, x, y, 14, 8)
        else:
            d.add(Rect(x, y, 14, 8, fillColor=fill, strokeColor=stroke, strokeWidth=1.4))
        d.add(String(x + 18, y + 1.5, text, fontName=REGULAR, fontSize=7))
        x += 24 + stringWidth(text, REGULAR, 7) + 10
    d.add(Line(x + 4, y - 1, x + 4, y + 10, strokeColor=CRITICAL, strokeWidth=1.2))
    d.add(String(x + 10, y + 1.5, "RTO of the service", fontName=REGULAR, fontSize=7))


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    state: str
    critical: bool


def dependency_drawing(
    layers: Sequence[Sequence[Node]], edges: Sequence[tuple[str, str]], width: float
) -> Drawing:
    """Layers left to right (dependencies first); an edge (a, b) means b depends on a."""
    columns = max(len(layers), 1)
    gap = 14.0
    box_w = min(110.0, (width - gap * (columns - 1)) / columns)
    box_h = 24.0
    pitch = 30.0
    tallest = max((len(layer) for layer in layers), default=1)
    height = tallest * pitch + 30
    d = Drawing(width, height)
    where: dict[str, tuple[float, float]] = {}
    for c, layer in enumerate(layers):
        x = c * (box_w + gap)
        d.add(
            String(
                x + box_w / 2,
                height - 10,
                f"layer {c + 1}",
                fontName=BOLD,
                fontSize=7,
                textAnchor="middle",
                fillColor=INK,
            )
        )
        offset = (tallest - len(layer)) * pitch / 2
        for r, node in enumerate(layer):
            y = height - 24 - offset - (r + 1) * pitch + (pitch - box_h)
            where[node.id] = (x, y)
    for a, b in edges:
        if a in where and b in where:
            ax, ay = where[a]
            bx, by = where[b]
            d.add(
                Line(
                    ax + box_w,
                    ay + box_h / 2,
                    bx,
                    by + box_h / 2,
                    strokeColor=Color(0.55, 0.55, 0.55),
                    strokeWidth=0.5,
                )
            )
            d.add(
                Polygon(
                    [bx, by + box_h / 2, bx - 4, by + box_h / 2 + 2, bx - 4, by + box_h / 2 - 2],
                    fillColor=Color(0.45, 0.45, 0.45),
                    strokeColor=None,
                )
            )
    for layer in layers:
        for node in layer:
            x, y = where[node.id]
            # Engine states are the table's names, but for "unaffected": left white.
            fill = NODE_FILL.get(node.state, "#ffffff")
            d.add(
                Rect(
                    x,
                    y,
                    box_w,
                    box_h,
                    rx=3,
                    ry=3,
                    fillColor=colors.HexColor(fill),
                    strokeColor=CRITICAL if node.critical else INK,
                    strokeWidth=1.8 if node.critical else 0.4,
                )
            )
            ink = INK if states.dark_text_on(fill) else colors.white  # the screen's rule
            first, _, second = node.label.partition(" / ")
            label(d, x + 3, y + 14, first, size=6.5, width=box_w - 6, bold=True, fill=ink)
            label(d, x + 3, y + 4.5, second or node.id, size=6, width=box_w - 6, fill=ink)
    return d


@dataclass(frozen=True)
class Slot:
    name: str
    position: int
    height: int
    lost: bool


@dataclass(frozen=True)
class RackView:
    """A rack, or the part of it from unit ``first`` to unit ``last`` (a tall rack is
    drawn in parts at the common scale: see :func:`rack_parts`)."""

    title: str
    id: str
    units: int
    slots: tuple[Slot, ...]
    lost: bool
    first: int = 1
    last: int = 0  # 0: the top unit

    @property
    def top(self) -> int:
        return self.last or self.units

    @property
    def span(self) -> int:
        return self.top - self.first + 1


UNIT_H = 6.5
RACK_FURNITURE_H = 44.0


def rack_parts(view: RackView, max_units: int, max_parts: int) -> tuple[list[RackView], int]:
    """``view`` cut into parts of at most ``max_units`` units, keeping only the parts that
    hold a server (the first part if none does), at most ``max_parts`` of them; and how
    many parts with servers were left out."""
    if view.units <= max_units:
        return [view], 0
    per = max(1, max_units)
    occupied: set[int] = set()
    for slot in view.slots:
        low = max(slot.position, 1)
        high = min(slot.position + max(slot.height, 1) - 1, view.units)
        if low <= high:
            occupied.update(range((low - 1) // per, (high - 1) // per + 1))
    chosen = sorted(occupied) or [0]
    parts = []
    for index in chosen[:max_parts]:
        first = index * per + 1
        last = min(first + per - 1, view.units)
        slots = tuple(
            s for s in view.slots if s.position <= last and s.position + s.height - 1 >= first
        )
        parts.append(RackView(view.title, view.id, view.units, slots, view.lost, first, last))
    return parts, max(0, len(chosen) - max_parts)


def rack_row(racks: Sequence[RackView], width: float, unit_h: float = UNIT_H) -> Drawing:
    """Elevations of up to four racks (or rack parts) side by side: U1 at the bottom, lost
    servers red."""
    per = 4
    gap = 16.0
    rack_w = (width - gap * (per - 1)) / per
    tallest = max((r.span for r in racks), default=42)
    height = tallest * unit_h + RACK_FURNITURE_H
    d = Drawing(width, height)
    for i, rack in enumerate(racks):
        _rack(d, rack, i * (rack_w + gap), rack_w, unit_h)
    return d


def _rack(d: Drawing, rack: RackView, x: float, rack_w: float, unit_h: float) -> None:
    base = 4.0
    body_h = rack.span * unit_h
    first, _, second = rack.title.partition(" / ")
    centre = x + rack_w / 2
    label(d, centre, base + body_h + 25, first, size=8, width=rack_w, bold=True, anchor="middle")
    if second:
        label(d, centre, base + body_h + 16, second, size=7, width=rack_w, anchor="middle")
    note = "rack lost" if rack.lost else "some servers lost"
    where = (
        f"{rack.units}U"
        if rack.span == rack.units
        else f"U{rack.first}-{rack.top} of {rack.units}U"
    )
    label(
        d,
        centre,
        base + body_h + 6,
        f"{rack.id} · {where} · {note}",
        size=6.5,
        width=rack_w,
        anchor="middle",
        fill=LOST if rack.lost else INK,
    )
    inner = x + 12
    inner_w = rack_w - 14
    d.add(Rect(x, base - 2, rack_w, body_h + 4, fillColor=Color(0.3, 0.3, 0.32), strokeColor=None))
    d.add(Rect(inner, base, inner_w, body_h, fillColor=colors.white, strokeColor=None))
    for u in range(rack.first, rack.top + 1):
        if u % 5 == 0 or u == 1:
            d.add(
                String(
                    x + 6,
                    base + (u - rack.first) * unit_h + 1,
                    str(u),
                    fontName=REGULAR,
                    fontSize=4.5 if u < 1000 else 3.2,
                    textAnchor="middle",
                    fillColor=colors.white,
                )
            )
    for slot in rack.slots:
        low = max(slot.position, rack.first)
        high = min(slot.position + slot.height - 1, rack.top)
        if low > high:
            continue
        h = (high - low + 1) * unit_h
        y = base + (low - rack.first) * unit_h
        d.add(
            Rect(
                inner + 1,
                y + 0.4,
                inner_w - 2,
                h - 0.8,
                fillColor=LOST if slot.lost else KEPT,
                strokeColor=INK,
                strokeWidth=0.3,
            )
        )
        size = min(5.5, h - 1.5)
        if size >= 3:
            text = ("X " if slot.lost else "") + slot.name
            ink = colors.white if slot.lost else INK
            label(
                d, inner + 3, y + (h - size) / 2 + 0.6, text, size=size, width=inner_w - 6, fill=ink
            )
