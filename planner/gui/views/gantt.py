"""The recovery timeline: one bar per failover or restore task, grouped into lanes.

A custom-painted :class:`QAbstractScrollArea`: the time axis stays at the top and the
name column at the left while the body scrolls, and only the visible rows are painted,
so a 3,000-task recovery scrolls as smoothly as a 30-task one.

Rules of the picture:

* Each task has its own row, from its start to its finish, coloured by action
  (``style.STATE_COLORS``). Rows are grouped into lanes, per tier (the default) or per
  pool. In pool lanes a task that holds several pools appears in the lane of **each**
  pool it holds, because a pool's lane is meant to show everything competing for that
  pool; tasks that hold no pool go to a "No pool" lane. Within a lane rows are in
  schedule order.
* Critical-path tasks have a ``style.CRITICAL`` outline and a bold name.
* A diamond on each row marks the service's RTO: red when missed (joined to the bar by
  a dotted red line when the task starts after its RTO), hollow grey when met.
* A task whose mode may not start at once (the declaration delay, or a restart in place
  that waits for its servers' power or room to come back) has the wait before its
  release drawn hatched from T+0 to the release and labelled ("Power feed P1 back
  T+30:00", "declared T+0:40"): the item is named from ``released_by``.
* Each bar names its mode (failover / restore / restart in place) before its duration
  when the bar is wide enough, else only the duration.
* A failover bar whose failover was never tested, or not within the plan's limit, has
  an "untested" badge just after it (amber; the tooltip says why).
* Services that only wait for a dependency may be shown (``set_show_waiting``) as thin
  bars from T+0 to the moment they are back.
* The view holds no domain data of its own beyond the result it is given; clicking a
  row asks for the service to be selected (:attr:`GanttView.selectionRequested`), and the
  owner answers with :meth:`GanttView.set_highlighted`.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from typing import Literal

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from planner.engine.recovery import RecoveryResult, ServiceRecovery, miss_reason_text
from planner.gui import style
from planner.gui.models.results_model import (
    MODE_TEXT,
    format_minutes,
    release_text,
    state_color,
    state_label,
)
from planner.gui.views.canvas import Navigation

LaneMode = Literal["tier", "pool"]
UNTESTED_TEXT = "untested"  # the badge on a failover bar whose test is missing or stale
UNTESTED_COLOR = "#b26a00"  # amber, dark enough for white text
NO_POOL = ""  # lane key of tasks that hold no pool

ZOOM_STEP = 1.25
MAX_SCALE = 12.0  # pixels per minute: one minute is plenty wide at this point
_TICK_STEPS = (5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 4320, 10080, 20160, 43200)


@dataclass(frozen=True)
class Bar:
    """One drawn bar: a task in a lane (or a dependency wait, ``waiting=True``)."""

    service_id: str
    lane: str
    start: float
    finish: float
    critical: bool
    waiting: bool


@dataclass
class _Row:
    top: int
    height: int
    lane: str
    title: str = ""  # lane headers only
    detail: str = ""  # lane headers only
    service: ServiceRecovery | None = None  # None: a lane header
    waiting: bool = False


def _hours_label(minutes: float, step: float) -> str:
    if step >= 60 and minutes % 60 == 0:
        return f"T+{int(minutes // 60)}h"
    return "T+" + format_minutes(minutes)


def label_rect(
    bar: QRectF, text_width: float, avoid: tuple[float, float] | None = None
) -> QRectF | None:
    """Where a bar's duration label goes: centred on the bar, else (the RTO diamond,
    spanning ``avoid``, is in the way) centred in the wider part of the bar beside the
    diamond; None when it fits nowhere, so no label is drawn over a diamond."""
    need = text_width + 8
    parts = [bar]
    if avoid is not None and avoid[0] - 2 < bar.right() and avoid[1] + 2 > bar.left():
        left, right = avoid[0] - 2, avoid[1] + 2
        centred = QRectF(bar.center().x() - need / 2, bar.top(), need, bar.height())
        if centred.right() <= left or centred.left() >= right:
            parts = [centred]
        else:
            parts = sorted(
                (
                    QRectF(bar.left(), bar.top(), left - bar.left(), bar.height()),
                    QRectF(right, bar.top(), bar.right() - right, bar.height()),
                ),
                key=lambda part: -part.width(),
            )
    for part in parts:
        if part.width() >= need:
            return part
    return None


def _text_on(fill: QColor) -> QColor:
    """Black or white, whichever reads better on ``fill``."""
    luminance = 0.299 * fill.redF() + 0.587 * fill.greenF() + 0.114 * fill.blueF()
    return QColor(style.TEXT) if luminance > 0.55 else QColor("#ffffff")


class GanttView(Navigation, QAbstractScrollArea):
    """Timeline of a :class:`RecoveryResult`; see the module docstring for what it draws.

    It zooms in time only, from the fitted timeline to ``MAX_SCALE``; Ctrl+wheel zooms
    about the cursor, the plain wheel scrolls.
    """

    ZOOM_STEP = ZOOM_STEP
    WHEEL_STEP = ZOOM_STEP
    WHEEL_ZOOM_NEEDS_CTRL = True
    SIDEWAYS_WHEEL_SCROLLS = False

    selectionRequested = Signal(list, bool)  # service ids, additive (Ctrl held)
    zoomChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.viewport().setMouseTracking(True)
        self.viewport().setBackgroundRole(self.viewport().backgroundRole())
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._result: RecoveryResult | None = None
        self._lane_mode: LaneMode = "tier"
        self._show_waiting = False
        self._pools: list[tuple[str, str, int]] = []  # id, name, capacity
        self._highlighted: frozenset[str] = frozenset()
        self._item_names: dict[str, str] = {}  # failed id -> name, for the release labels
        self._critical: frozenset[str] = frozenset()
        self._stale = False
        self._message = "No recovery to show."
        self._rows: list[_Row] = []
        self._tops: list[int] = []
        self._content_height = 0
        self._extent = 60.0  # minutes the time axis must cover
        self._scale = 1.0  # pixels per minute
        self._fit = True  # keep fitting the whole timeline to the width
        self._measure()

    # ------------------------------------------------------------------ public API

    def set_result(self, result: RecoveryResult | None, message: str = "") -> None:
        """Show ``result``; ``message`` is drawn instead when there is no task to show."""
        self._result = result
        self._critical = frozenset(result.critical_path) if result is not None else frozenset()
        self._message = message
        self._relayout()

    def set_item_names(self, names: dict[str, str]) -> None:
        """Names of the failed items a release waits for (``released_by`` -> name)."""
        if names != self._item_names:
            self._item_names = dict(names)
            self.viewport().update()

    def release_label(self, service_id: str) -> tuple[str, QRectF | None]:
        """A task's release wait: its label and the hatched box, in viewport coordinates
        ("", None when the task may start at T+0)."""
        for row in self._rows:
            service = row.service
            if service is not None and service.id == service_id and not row.waiting:
                box = self._release_rect(row)
                return (release_text(service, self._item_names), box) if box else ("", None)
        return "", None

    def set_pools(self, pools: list[tuple[str, str, int]]) -> None:
        """Pool ids, names and capacities, for the pool lanes' titles (plan order)."""
        if pools != self._pools:
            self._pools = list(pools)
            if self._lane_mode == "pool":
                self._relayout()

    def set_lane_mode(self, mode: LaneMode) -> None:
        if mode not in ("tier", "pool"):
            raise ValueError(f"unknown lane mode {mode!r}")
        if mode != self._lane_mode:
            self._lane_mode = mode
            self._relayout()

    @property
    def lane_mode(self) -> LaneMode:
        return self._lane_mode

    def set_show_waiting(self, show: bool) -> None:
        if show != self._show_waiting:
            self._show_waiting = show
            self._relayout()

    @property
    def show_waiting(self) -> bool:
        return self._show_waiting

    def set_highlighted(self, service_ids: set[str] | frozenset[str]) -> None:
        """Mark the rows of these services as selected (the document's selection)."""
        ids = frozenset(service_ids)
        if ids != self._highlighted:
            self._highlighted = ids
            self.viewport().update()

    @property
    def highlighted(self) -> frozenset[str]:
        return self._highlighted

    def set_stale(self, stale: bool) -> None:
        """Dim the timeline and say "Updating…" while it no longer matches the plan."""
        if stale != self._stale:
            self._stale = stale
            self.viewport().update()

    @property
    def stale(self) -> bool:
        return self._stale

    def bars(self) -> list[Bar]:
        """The bars as laid out, top to bottom (for tests and tools)."""
        bars = []
        for row in self._rows:
            service = row.service
            if service is None:
                continue
            if row.waiting:
                start, finish = 0.0, float(service.recovered)
            else:
                start, finish = float(service.start or 0), float(service.finish or 0)
            critical = service.id in self._critical and not row.waiting
            bars.append(Bar(service.id, row.lane, start, finish, critical, row.waiting))
        return bars

    def lanes(self) -> list[str]:
        """Lane titles, top to bottom."""
        return [row.title for row in self._rows if row.service is None]

    def bar_rect(self, service_id: str) -> QRectF | None:
        """The first bar of a service in viewport coordinates (it may be scrolled away)."""
        for row in self._rows:
            if row.service is not None and row.service.id == service_id:
                return self._bar_rect(row)
        return None

    def bar_label(self, service_id: str) -> tuple[str, QRectF | None, QRectF | None]:
        """A service's first bar: its duration label, where it is drawn (None: not at
        all) and its RTO diamond's box (None: no RTO), in viewport coordinates."""
        for row in self._rows:
            service = row.service
            if service is not None and service.id == service_id and not row.waiting:
                text, where = self._label(row, self._bar_rect(row), self._small_metrics())
                diamond = None
                if service.rto_minutes is not None:
                    left, right = self._rto_span(row)
                    cy, r = self._y(row) + row.height / 2, self._rto_radius(row)
                    diamond = QRectF(left, cy - r, right - left, 2 * r)
                return text, where, diamond
        return "", None, None

    def _small_metrics(self) -> QFontMetrics:
        return QFontMetrics(self._small_font())

    def _small_font(self) -> QFont:
        small = QFont(self.font())
        small.setPointSizeF(max(6.0, self.font().pointSizeF() * 0.85))
        return small

    def _label(self, row: _Row, rect: QRectF, metrics: QFontMetrics) -> tuple[str, QRectF | None]:
        """A task bar's duration and where it goes, clear of the RTO diamond."""
        service = row.service
        assert service is not None
        if row.waiting or service.finish is None or service.start is None:
            return "", None
        duration = format_minutes(float(service.finish) - float(service.start))
        diamond = self._rto_span(row) if service.rto_minutes is not None else None
        mode = MODE_TEXT.get(service.mode or "")
        if mode:  # the mode first when the bar holds it: "Restart in place 0:20"
            text = f"{mode} {duration}"
            where = label_rect(rect, metrics.horizontalAdvance(text), diamond)
            if where is not None:
                return text, where
        return duration, label_rect(rect, metrics.horizontalAdvance(duration), diamond)

    def ensure_visible(self, service_id: str) -> None:
        """Scroll so the first row of ``service_id`` is in view, and its bar when zoomed in."""
        for row in self._rows:
            if row.service is not None and row.service.id == service_id:
                bar = self.verticalScrollBar()
                page = self._body_height()
                if row.top < bar.value():
                    bar.setValue(row.top)
                elif row.top + row.height > bar.value() + page:
                    bar.setValue(row.top + row.height - page)
                rect = self._bar_rect(row)
                if rect.right() < self._label_width or rect.left() > self.viewport().width():
                    horizontal = self.horizontalScrollBar()
                    middle = rect.center().x() - self._label_width + horizontal.value()
                    horizontal.setValue(round(middle - self._body_width() / 2))
                return

    # zoom ----------------------------------------------------------------

    @property
    def scale(self) -> float:
        """Pixels per minute."""
        return self._scale

    @property
    def fitting(self) -> bool:
        return self._fit

    def fit(self) -> None:
        """Fit the whole timeline to the width; it stays fitted until zoomed."""
        self._fit = True
        self._scale = self._fit_scale()
        self.horizontalScrollBar().setValue(0)
        self._update_scrollbars()
        self.viewport().update()
        self.zoomChanged.emit()

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom horizontally keeping the moment under ``anchor`` (viewport pixels) in
        place; by default the middle of the timeline.

        Never narrower than the fitted timeline, never wider than MAX_SCALE px/minute.
        """
        fit_scale = self._fit_scale()
        new_scale = min(max(self._scale * factor, fit_scale), max(MAX_SCALE, fit_scale))
        if math.isclose(new_scale, self._scale):
            return
        anchor_x = self._label_width + self._body_width() / 2 if anchor is None else anchor.x()
        offset = max(0.0, anchor_x - self._label_width)
        minute = (offset + self.horizontalScrollBar().value()) / self._scale
        self._scale = new_scale
        self._fit = math.isclose(new_scale, fit_scale)
        self._update_scrollbars()
        self.horizontalScrollBar().setValue(round(minute * new_scale - offset))
        self.viewport().update()
        self.zoomChanged.emit()

    # ------------------------------------------------------------------ layout

    def _measure(self) -> None:
        metrics = QFontMetrics(self.font())
        self._row_height = metrics.height() + 8
        self._header_height = metrics.height() + 10
        self._axis_height = metrics.height() + 14
        self._label_width = max(200, min(320, metrics.horizontalAdvance("M") * 20))

    def _lane_keys(self, service: ServiceRecovery) -> list[str]:
        if self._lane_mode == "tier":
            return [str(service.tier)]
        if service.state not in ("failover", "restore", "restart"):
            return [NO_POOL]
        used = [pool for pool, units in service.needs.items() if units]
        return used or [NO_POOL]

    def _relayout(self) -> None:
        """Rebuild the row list from the result, lane mode and waiting option."""
        result = self._result
        rows: list[_Row] = []
        lanes: dict[str, list[tuple[tuple[float, float, int], ServiceRecovery, bool]]] = {}
        extent = 60.0
        if result is not None:
            for order, service in enumerate(result.services):
                waiting = service.state == "dependency"
                if service.start is None and not (waiting and self._show_waiting):
                    continue
                if waiting:
                    key = (float(service.recovered), float(service.recovered), order)
                    extent = max(extent, float(service.recovered))
                    keys = [str(service.tier)] if self._lane_mode == "tier" else ["waiting"]
                else:
                    key = (float(service.start or 0), float(service.finish or 0), order)
                    extent = max(extent, float(service.finish or 0))
                    if service.earliest_start is not None:
                        extent = max(extent, float(service.earliest_start))
                    keys = self._lane_keys(service)
                if service.rto_minutes is not None:
                    extent = max(extent, float(service.rto_minutes))
                for lane in keys:
                    lanes.setdefault(lane, []).append((key, service, waiting))
            extent = max(extent, float(result.recovery_minutes))
        top = 0
        for lane, title, detail in self._lane_titles(lanes):
            rows.append(_Row(top, self._header_height, lane, title, detail))
            top += self._header_height
            for _key, service, waiting in sorted(lanes[lane], key=lambda item: item[0]):
                rows.append(_Row(top, self._row_height, lane, service=service, waiting=waiting))
                top += self._row_height
        self._rows = rows
        self._tops = [row.top for row in rows]
        self._content_height = top
        self._extent = extent * 1.03  # a little air after the last finish
        if self._fit:
            self._scale = self._fit_scale()
        else:
            self._scale = max(self._scale, self._fit_scale())
        self._update_scrollbars()
        self.viewport().update()

    def _lane_titles(
        self, lanes: dict[str, list[tuple[tuple[float, float, int], ServiceRecovery, bool]]]
    ) -> list[tuple[str, str, str]]:
        """(lane key, title, detail) for the non-empty lanes, in display order."""
        out: list[tuple[str, str, str]] = []
        result = self._result
        if self._lane_mode == "tier":
            for key in sorted(lanes, key=int):
                tier = int(key)
                tasks = sum(1 for _, _, waiting in lanes[key] if not waiting)
                back = result.tier_minutes.get(tier) if result is not None else None
                detail = f"{tasks} task{'s' if tasks != 1 else ''}"
                if back is not None:
                    detail += f" · all back by {format_minutes(back)}"
                out.append((key, f"Tier {tier}", detail))
            return out
        names = {pool_id: (name, capacity) for pool_id, name, capacity in self._pools}
        order = [pool_id for pool_id, _, _ in self._pools]
        order += sorted(k for k in lanes if k not in names and k not in (NO_POOL, "waiting"))
        for key in [*order, NO_POOL, "waiting"]:
            if key not in lanes:
                continue
            count = len(lanes[key])
            if key == NO_POOL:
                out.append((key, "No pool", f"{count} task{'s' if count != 1 else ''}"))
            elif key == "waiting":
                out.append((key, "Waiting on a dependency", f"{count} services"))
            else:
                name, capacity = names.get(key, (key, 0))
                detail = f"capacity {capacity} · {count} task{'s' if count != 1 else ''}"
                out.append((key, name, detail))
        return out

    def _body_width(self) -> int:
        return max(1, self.viewport().width() - self._label_width)

    def _body_height(self) -> int:
        return max(1, self.viewport().height() - self._axis_height)

    def _fit_scale(self) -> float:
        return max(1e-4, (self._body_width() - 12) / self._extent)

    def _update_scrollbars(self) -> None:
        width = math.ceil(self._extent * self._scale)
        horizontal = self.horizontalScrollBar()
        horizontal.setRange(0, max(0, width - self._body_width()))
        horizontal.setPageStep(self._body_width())
        horizontal.setSingleStep(24)
        vertical = self.verticalScrollBar()
        vertical.setRange(0, max(0, self._content_height - self._body_height()))
        vertical.setPageStep(self._body_height())
        vertical.setSingleStep(self._row_height)

    # ------------------------------------------------------------------ geometry

    def _x(self, minutes: float) -> float:
        return self._label_width + minutes * self._scale - self.horizontalScrollBar().value()

    def _y(self, row: _Row) -> int:
        return self._axis_height + row.top - self.verticalScrollBar().value()

    def _bar_rect(self, row: _Row) -> QRectF:
        service = row.service
        assert service is not None
        y = self._y(row)
        if row.waiting:
            thickness = max(4.0, row.height * 0.22)
            x0, x1 = self._x(0), self._x(float(service.recovered))
            return QRectF(x0, y + (row.height - thickness) / 2, max(2.0, x1 - x0), thickness)
        x0 = self._x(float(service.start or 0))
        x1 = self._x(float(service.finish or 0))
        return QRectF(x0, y + 3, max(3.0, x1 - x0), row.height - 6)

    def _release_rect(self, row: _Row) -> QRectF | None:
        """The hatched wait before a task's release: T+0 to ``earliest_start``."""
        service = row.service
        if service is None or row.waiting or not service.earliest_start:
            return None
        if float(service.earliest_start) <= 0:
            return None
        y = self._y(row)
        x0, x1 = self._x(0), self._x(float(service.earliest_start))
        return QRectF(x0, y + 5, max(2.0, x1 - x0), row.height - 10)

    def _row_at(self, y: float) -> _Row | None:
        if y < self._axis_height:
            return None
        content_y = y - self._axis_height + self.verticalScrollBar().value()
        index = bisect.bisect_right(self._tops, content_y) - 1
        if 0 <= index < len(self._rows):
            row = self._rows[index]
            if content_y < row.top + row.height:
                return row
        return None

    # ------------------------------------------------------------------ Qt overrides

    def sizeHint(self) -> QSize:
        return QSize(900, 420)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._measure()
            self._relayout()
        super().changeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fit:
            self._scale = self._fit_scale()
        else:
            self._scale = max(self._scale, self._fit_scale())
        self._update_scrollbars()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        self.viewport().update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        additive = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        row = self._row_at(event.position().y())
        if row is not None and row.service is not None:
            self.selectionRequested.emit([row.service.id], additive)
        elif not additive and event.position().y() >= self._axis_height:
            self.selectionRequested.emit([], False)
        event.accept()

    def tooltip_at(self, pos: QPoint) -> str:
        row = self._row_at(pos.y())
        return self._tooltip(row) if row is not None else ""

    def _tooltip(self, row: _Row) -> str:
        service = row.service
        if service is None:
            return f"{row.title}\n{row.detail}"
        lines = [service.name, f"id: {service.id}"]
        if row.waiting:
            lines.append(
                f"{state_label(service.state)}: back at {format_minutes(service.recovered)}"
            )
        else:
            lines.append(
                f"{state_label(service.state)}: {format_minutes(service.start)} – "
                f"{format_minutes(service.finish)}"
            )
            if service.mode:
                lines.append(f"Mode: {MODE_TEXT.get(service.mode, service.mode)}")
            if service.failover_untested:
                lines.append(
                    "Untested failover: its test is missing or too old"
                    + (" (relied on here)" if service.mode == "failover" else "")
                )
            wait = release_text(service, self._item_names)
            if wait:
                lines.append(f"Waits until {wait}")
            lines.append(f"Recovered: {format_minutes(service.recovered)}")
        if service.rto_minutes is None:
            lines.append("RTO: none")
        elif service.meets_rto:
            lines.append(f"RTO: {format_minutes(service.rto_minutes)} (met)")
        else:
            late = format_minutes(service.recovered - service.rto_minutes)
            reason = miss_reason_text(service)
            lines.append(
                f"RTO: {format_minutes(service.rto_minutes)} — missed by {late} ({reason})"
            )
        if service.needs:
            names = {pool_id: name for pool_id, name, _ in self._pools}
            held = ", ".join(
                f"{names.get(p, p)} ×{units}" for p, units in service.needs.items() if units
            )
            lines.append(f"Pools: {held}")
        if service.waits_for:
            lines.append("Waits for: " + ", ".join(service.waits_for))
        if service.id in self._critical:
            lines.append("On the critical path")
        return "\n".join(lines)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        width, height = self.viewport().width(), self.viewport().height()
        painter.fillRect(QRect(0, 0, width, height), QColor("#ffffff"))
        if not self._rows:
            painter.setPen(QColor(style.MUTED_TEXT))
            painter.drawText(
                QRect(0, 0, width, height),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self._message or "No failover or restore task in this scenario.",
            )
            painter.end()
            return
        first = max(0, bisect.bisect_right(self._tops, self.verticalScrollBar().value()) - 1)
        visible: list[_Row] = []
        for row in self._rows[first:]:
            if self._y(row) > height:
                break
            visible.append(row)
        ticks = self._ticks()
        self._paint_rows(painter, visible, ticks, width)
        self._paint_labels(painter, visible)
        self._paint_axis(painter, ticks, width)
        if self._stale:
            self._paint_stale(painter, width, height)
        painter.end()

    # ------------------------------------------------------------------ painting

    def _ticks(self) -> tuple[float, list[float]]:
        metrics = QFontMetrics(self.font())
        min_gap = metrics.horizontalAdvance("T+0000h") + 18
        step = next((s for s in _TICK_STEPS if s * self._scale >= min_gap), _TICK_STEPS[-1])
        while step * self._scale < min_gap:
            step *= 2
        first_minute = max(0.0, self.horizontalScrollBar().value() / self._scale)
        minute = math.floor(first_minute / step) * step
        last_minute = first_minute + self._body_width() / self._scale
        ticks = []
        while minute <= last_minute + step:
            ticks.append(float(minute))
            minute += step
        return float(step), ticks

    def _paint_rows(
        self, painter: QPainter, rows: list[_Row], ticks: tuple[float, list[float]], width: int
    ) -> None:
        left = self._label_width
        painter.save()
        painter.setClipRect(QRect(left, self._axis_height, width - left, self.viewport().height()))
        # Lane bands and selection tint first, then gridlines, then the bars on top.
        selected = QColor(style.SELECTION)
        selected.setAlpha(40)
        for row in rows:
            y = self._y(row)
            if row.service is None:
                painter.fillRect(QRectF(left, y, width - left, row.height), QColor("#f3f5f8"))
            elif row.service.id in self._highlighted:
                painter.fillRect(QRectF(left, y, width - left, row.height), selected)
        painter.setPen(QPen(QColor(style.GRID), 1))
        _step, minutes = ticks
        bottom = self.viewport().height()
        for minute in minutes:
            x = round(self._x(minute)) + 0.5
            painter.drawLine(QPointF(x, self._axis_height), QPointF(x, bottom))
        if self._result is not None:
            done = self._x(float(self._result.recovery_minutes))
            painter.setPen(QPen(QColor(style.CRITICAL), 1, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(done, self._axis_height), QPointF(done, bottom))
        bold = QFont(self.font())
        bold.setBold(True)
        small = self._small_font()
        small_metrics = QFontMetrics(small)
        for row in rows:
            if row.service is not None:
                self._paint_bar(painter, row, small, small_metrics)
        painter.restore()

    def _paint_bar(self, painter: QPainter, row: _Row, font: QFont, metrics: QFontMetrics) -> None:
        service = row.service
        assert service is not None
        rect = self._bar_rect(row)
        fill = QColor(state_color(service.state))
        self._paint_release(painter, row, fill)
        if self._paint_offscreen(painter, row, rect, fill, font, metrics):
            if service.rto_minutes is not None:
                self._paint_rto(painter, row, rect)
            self._paint_release_label(painter, row, font, metrics)
            return
        critical = service.id in self._critical and not row.waiting
        highlighted = service.id in self._highlighted
        if highlighted:
            pen = QPen(QColor(style.SELECTION), 2.5)
        elif critical:
            pen = QPen(QColor(style.CRITICAL), 2)
        else:
            pen = QPen(fill.darker(125), 1)
        painter.setPen(pen)
        painter.setBrush(QBrush(fill))
        painter.drawRoundedRect(rect, 3, 3)
        if highlighted and critical:  # keep the critical mark visible under the selection
            painter.setPen(QPen(QColor(style.CRITICAL), 1.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(2.5, 2.5, -2.5, -2.5), 2, 2)
        text, where = self._label(row, rect, metrics)
        if where is not None:
            painter.setFont(font)
            painter.setPen(_text_on(fill))
            painter.drawText(where, Qt.AlignmentFlag.AlignCenter, text)
        if service.rto_minutes is not None:
            self._paint_rto(painter, row, rect)
        self._paint_untested(painter, row, font, metrics)
        self._paint_release_label(painter, row, font, metrics)

    def _untested_rect(self, row: _Row, metrics: QFontMetrics) -> QRectF | None:
        """Where a failover bar's "untested" badge goes: just after the bar, else at the
        bar's right end inside it (None: not a failover relying on an untested path)."""
        service = row.service
        if service is None or row.waiting or service.mode != "failover":
            return None
        if not service.failover_untested:
            return None
        bar = self._bar_rect(row)
        width = metrics.horizontalAdvance(UNTESTED_TEXT) + 10
        height = min(bar.height(), metrics.height() + 2)
        top = bar.center().y() - height / 2
        spot = QRectF(bar.right() + 4, top, width, height)
        if service.rto_minutes is not None:
            left, right = self._rto_span(row)
            if spot.left() - 2 <= right and spot.right() + 2 >= left:
                spot.moveLeft(right + 3)  # clear of the RTO diamond
        if spot.right() > self.viewport().width() - 2:
            spot.moveRight(bar.right() - 2)
        return spot

    def untested_badge(self, service_id: str) -> QRectF | None:
        """The "untested" badge of a service's failover bar, in viewport coordinates."""
        for row in self._rows:
            if row.service is not None and row.service.id == service_id and not row.waiting:
                return self._untested_rect(row, self._small_metrics())
        return None

    def _paint_untested(
        self, painter: QPainter, row: _Row, font: QFont, metrics: QFontMetrics
    ) -> None:
        spot = self._untested_rect(row, metrics)
        if spot is None:
            return
        painter.setPen(QPen(QColor(UNTESTED_COLOR).darker(120), 1))
        painter.setBrush(QColor(UNTESTED_COLOR))
        painter.drawRoundedRect(spot, 3, 3)
        painter.setFont(font)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(spot, Qt.AlignmentFlag.AlignCenter, UNTESTED_TEXT)

    def _paint_release(self, painter: QPainter, row: _Row, fill: QColor) -> None:
        """The wait before the task's release, hatched in its colour (labelled later,
        by :meth:`_paint_release_label`)."""
        box = self._release_rect(row)
        if box is None or row.service is None:
            return
        pale = QColor(fill)
        pale.setAlpha(40)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(pale)
        painter.drawRect(box)
        hatch = QBrush(fill.darker(115), Qt.BrushStyle.BDiagPattern)
        painter.setBrush(hatch)
        painter.drawRect(box)
        painter.setPen(QPen(fill.darker(125), 1, Qt.PenStyle.DashLine))
        painter.drawLine(box.topRight(), box.bottomRight())

    def _paint_release_label(
        self, painter: QPainter, row: _Row, font: QFont, metrics: QFontMetrics
    ) -> None:
        """The release's label, over everything else of the row (the dotted line of a
        missed RTO included: the label says why)."""
        box = self._release_rect(row)
        if box is None or row.service is None:
            return
        text = release_text(row.service, self._item_names)
        if not text:
            return
        # In the hatch, clear of the RTO diamond (none: the tooltip still says it), on a
        # white backing so that the hatch and a missed RTO's dotted line stay behind it.
        band = QRectF(box.left(), self._y(row) + 2.0, box.width(), row.height - 4.0)
        diamond = self._rto_span(row) if row.service.rto_minutes is not None else None
        width = metrics.horizontalAdvance(text) + 10
        where = label_rect(band, width - 8, diamond)
        if where is not None:
            spot = QRectF(where.center().x() - width / 2, band.top(), width, band.height())
        else:  # the hatch is too short on screen: after the bar, if it starts at once
            bar = self._bar_rect(row)
            if bar.left() - box.right() > 24:
                return  # the task waited for more than its release: the tooltip says it
            spot = QRectF(bar.right() + 6, band.top(), width, band.height())
            if spot.right() > self.viewport().width():
                return  # no room after the bar either
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 255, 255, 225))
        painter.drawRoundedRect(spot, 2, 2)
        painter.setFont(font)
        painter.setPen(QColor(style.TEXT))
        painter.drawText(spot, Qt.AlignmentFlag.AlignCenter, text)

    def _rto_radius(self, row: _Row) -> float:
        return max(3.5, row.height * 0.22)

    def _rto_span(self, row: _Row) -> tuple[float, float]:
        """Left and right x of the row's RTO diamond."""
        assert row.service is not None and row.service.rto_minutes is not None
        x, r = self._x(float(row.service.rto_minutes)), self._rto_radius(row)
        return x - r, x + r

    def _paint_offscreen(
        self,
        painter: QPainter,
        row: _Row,
        rect: QRectF,
        fill: QColor,
        font: QFont,
        metrics: QFontMetrics,
    ) -> bool:
        """Zoomed in, a bar scrolled out of sight leaves an arrow and its time at the edge.

        Returns True when the bar is out of sight (nothing else is drawn for it then).
        """
        service = row.service
        assert service is not None
        left = self._label_width + 2.0
        right = float(self.viewport().width()) - 2.0
        if rect.right() >= left and rect.left() <= right:
            return False
        cy = rect.center().y()
        size = 5.0
        painter.setFont(font)
        if rect.right() < left:
            text = (
                f"ended {format_minutes(service.finish if not row.waiting else service.recovered)}"
            )
            arrow = [
                QPointF(left, cy),
                QPointF(left + size, cy - size),
                QPointF(left + size, cy + size),
            ]
            text_rect = QRectF(left + size + 4, rect.top() - 4, 200, rect.height() + 8)
            align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        else:
            text = f"starts {format_minutes(service.start if not row.waiting else 0)}"
            arrow = [
                QPointF(right, cy),
                QPointF(right - size, cy - size),
                QPointF(right - size, cy + size),
            ]
            text_rect = QRectF(right - size - 204, rect.top() - 4, 200, rect.height() + 8)
            align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawPolygon(QPolygonF(arrow))
        painter.setPen(QColor(style.MUTED_TEXT))
        painter.drawText(text_rect, align, text)
        return True

    def _paint_rto(self, painter: QPainter, row: _Row, bar: QRectF) -> None:
        service = row.service
        assert service is not None and service.rto_minutes is not None
        x = self._x(float(service.rto_minutes))
        cy = self._y(row) + row.height / 2
        r = self._rto_radius(row)
        diamond = QPolygonF(
            [QPointF(x, cy - r), QPointF(x + r, cy), QPointF(x, cy + r), QPointF(x - r, cy)]
        )
        if service.meets_rto is False:
            red = QColor(style.CRITICAL)
            overrun = QColor(red)
            overrun.setAlpha(150)
            painter.setPen(QPen(overrun, 1, Qt.PenStyle.DotLine))
            if bar.left() > x + r:  # the overrun up to the bar; never across its label
                painter.drawLine(QPointF(x + r, cy), QPointF(bar.left(), cy))
            painter.setPen(QPen(red.darker(120), 1))
            painter.setBrush(QBrush(red))
        else:
            painter.setPen(QPen(QColor(style.MUTED_TEXT), 1.3))
            painter.setBrush(QBrush(QColor("#ffffff")))
        painter.drawPolygon(diamond)

    def _paint_labels(self, painter: QPainter, rows: list[_Row]) -> None:
        left = self._label_width
        height = self.viewport().height()
        painter.save()
        painter.setClipRect(QRect(0, self._axis_height, left, height))
        painter.fillRect(QRect(0, self._axis_height, left, height), QColor("#fbfcfd"))
        font = QFont(self.font())
        bold = QFont(self.font())
        bold.setBold(True)
        metrics, bold_metrics = QFontMetrics(font), QFontMetrics(bold)
        muted = QColor(style.MUTED_TEXT)
        selected = QColor(style.SELECTION)
        selected.setAlpha(40)
        pad = 8
        for row in rows:
            y = self._y(row)
            if row.service is None:
                painter.fillRect(QRectF(0, y, left, row.height), QColor("#f3f5f8"))
                swatch = (
                    style.TIER_COLORS.get(int(row.lane), style.MUTED_TEXT)
                    if (self._lane_mode == "tier" and row.lane.isdigit())
                    else style.MUTED_TEXT
                )
                painter.fillRect(QRectF(0, y + 2, 4, row.height - 4), QColor(swatch))
                painter.setFont(bold)
                painter.setPen(QColor(style.TEXT))
                title_width = min(bold_metrics.horizontalAdvance(row.title), left - 2 * pad)
                title = bold_metrics.elidedText(
                    row.title, Qt.TextElideMode.ElideRight, left - 2 * pad
                )
                painter.drawText(
                    QRectF(pad + 2, y, left - 2 * pad, row.height),
                    Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                    title,
                )
                # The lane's detail runs on into the body, where the band is empty.
                painter.setClipping(False)
                painter.setFont(font)
                painter.setPen(muted)
                detail_x = pad + 2 + title_width + 12
                painter.drawText(
                    QRectF(detail_x, y, 2000, row.height),
                    Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                    row.detail,
                )
                painter.setClipRect(QRect(0, self._axis_height, left, height))
                continue
            service = row.service
            if service.id in self._highlighted:
                painter.fillRect(QRectF(0, y, left, row.height), selected)
            critical = service.id in self._critical and not row.waiting
            painter.setFont(bold if critical else font)
            painter.setPen(muted if row.waiting else QColor(style.TEXT))
            used = bold_metrics if critical else metrics
            dot = 8
            painter.setBrush(QColor(state_color(service.state)))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawEllipse(QRectF(pad + 4, y + (row.height - dot) / 2, dot, dot))
            painter.setPen(muted if row.waiting else QColor(style.TEXT))
            text_left = pad + 4 + dot + 6
            name = used.elidedText(
                service.name, Qt.TextElideMode.ElideRight, left - text_left - pad
            )
            painter.drawText(
                QRectF(text_left, y, left - text_left - pad, row.height),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                name,
            )
        painter.setClipping(False)
        painter.setPen(QPen(QColor(style.SITE_BORDER), 1))
        painter.drawLine(QPointF(left - 0.5, self._axis_height), QPointF(left - 0.5, height))
        painter.restore()

    def _paint_axis(self, painter: QPainter, ticks: tuple[float, list[float]], width: int) -> None:
        left, axis = self._label_width, self._axis_height
        painter.save()
        painter.fillRect(QRect(0, 0, width, axis), QColor("#ffffff"))
        painter.setPen(QPen(QColor(style.SITE_BORDER), 1))
        painter.drawLine(QPointF(0, axis - 0.5), QPointF(width, axis - 0.5))
        painter.setPen(QColor(style.MUTED_TEXT))
        caption = "Lanes: tier" if self._lane_mode == "tier" else "Lanes: pool"
        painter.drawText(QRect(10, 0, left - 20, axis), Qt.AlignmentFlag.AlignVCenter, caption)
        painter.setClipRect(QRect(left, 0, width - left, axis))
        metrics = QFontMetrics(self.font())
        for minute in ticks[1]:
            x = round(self._x(minute)) + 0.5
            painter.setPen(QPen(QColor(style.SITE_BORDER), 1))
            painter.drawLine(QPointF(x, axis - 6), QPointF(x, axis))
        painter.setPen(QColor(style.TEXT))
        for text, spot in self.tick_labels(ticks):
            painter.drawText(spot.bottomLeft() - QPointF(0, metrics.descent()), text)
        badge = self.all_back_badge()
        if badge is not None:
            box, text = badge
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(style.CRITICAL))
            painter.drawRoundedRect(box, 3, 3)
            painter.setPen(QColor("#ffffff"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def all_back_badge(self) -> tuple[QRectF, str] | None:
        """Where the "All back h:mm" badge stands on the axis, and its text."""
        if self._result is None:
            return None
        metrics = QFontMetrics(self.font())
        done_minutes = float(self._result.recovery_minutes)
        done = self._x(done_minutes)
        text = f"All back {format_minutes(done_minutes)}"
        text_width = metrics.horizontalAdvance(text) + 10
        box = QRectF(done - text_width, 2, text_width, self._axis_height - 10)
        if box.left() < self._label_width:
            box.moveLeft(done)
        return box, text

    def tick_labels(
        self, ticks: tuple[float, list[float]] | None = None
    ) -> list[tuple[str, QRectF]]:
        """The axis's time labels and their boxes: none cut at the left edge, none under
        the "All back" badge (it names the time that matters there)."""
        step, minutes = ticks if ticks is not None else self._ticks()
        metrics = QFontMetrics(self.font())
        badge = self.all_back_badge()
        baseline = self._axis_height - 7
        labels = []
        for minute in minutes:
            x = round(self._x(minute)) + 0.5
            if x < self._label_width - 1:
                continue  # half a label at the edge reads as a different time
            text = _hours_label(minute, step)
            spot = QRectF(
                x + 4,
                baseline - metrics.height(),
                metrics.horizontalAdvance(text),
                metrics.height(),
            )
            if badge is not None and spot.intersects(badge[0]):
                continue
            labels.append((text, spot))
        return labels

    def _paint_stale(self, painter: QPainter, width: int, height: int) -> None:
        veil = QColor("#ffffff")
        veil.setAlpha(150)
        painter.fillRect(QRect(0, 0, width, height), veil)  # the axis too: "All back" is stale
        text = "Updating…  (the timeline shows the previous result)"
        metrics = QFontMetrics(self.font())
        box = QRectF(0, 0, metrics.horizontalAdvance(text) + 24, metrics.height() + 12)
        box.moveCenter(QPointF(width / 2, self._axis_height + 12 + box.height() / 2))
        painter.setPen(QPen(QColor(style.SITE_BORDER), 1))
        painter.setBrush(QColor("#fff8e1"))
        painter.drawRoundedRect(box, 4, 4)
        painter.setPen(QColor(style.TEXT))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


__all__ = ["Bar", "GanttView", "LaneMode", "label_rect"]
