"""The recovery view: what a scenario costs and in which order services come back.

It shows :attr:`RecoveryController.result` (computed off the GUI thread) and never
computes anything itself. Rules:

* A result that no longer matches the plan (an edit, another scenario or objective
  is pending) is never shown as current: the busy bar runs, the status says
  "Updating…", the numbers, the timeline and the table are greyed until the new
  result lands.
* An error (a dependency cycle, say) replaces the results with its message.
* The view edits no plan data. Clicking a table row or a timeline bar selects the
  service in the document; the document's selection highlights rows and bars.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPointF,
    Qt,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QBrush,
    QColor,
    QFont,
    QKeySequence,
    QPainter,
    QPixmap,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from planner.engine import data as data_words
from planner.engine.recovery import RecoveryResult
from planner.gui import style
from planner.gui.actions import FIT_KEYS, ZOOM_IN_KEYS, ZOOM_OUT_KEYS, Shortcut, key_sequences
from planner.gui.document import PlanDocument, Selection
from planner.gui.flow import FlowLayout as _FlowLayout
from planner.gui.models.results_model import (
    COL_EARLIEST,
    COL_LOSS,
    COL_MET,
    COL_MODE,
    COL_RECOVERED,
    COL_RPO,
    COL_RTO,
    COL_SERVICE,
    COL_START,
    COL_STATE,
    COL_TIER,
    ID_ROLE,
    ResultsModel,
    ResultsProxy,
    format_minutes,
)
from planner.gui.recovery_controller import RecoveryController
from planner.gui.views.gantt import UNTESTED_COLOR, GanttView
from planner.gui.when_shown import WhenShown
from planner.model import Plan
from planner.model.edits import Change

ADHOC = ""  # the picker's data for "Ad hoc": never a scenario id (ids are non-blank)
ADHOC_TEXT = "Ad hoc"  # the line under the bar says how: click items on the floor
OBJECTIVES = (("Fastest total", "time"), ("Critical tiers first", "tiers"))
_MAX_FAILED_SHOWN = 12
_LOCATION_KINDS = ("site", "rack", "server")
_ERROR_STYLE = (
    f"QLabel {{ background: #fdecea; border: 1px solid {style.CRITICAL}; border-radius: 6px;"
    f" padding: 14px; color: {style.TEXT}; }}"
)
_HINT_STYLE = f"QLabel {{ padding: 14px; color: {style.MUTED_TEXT}; }}"
_BANNER_STYLE = (
    "QLabel {{ background: {colour}; color: white; font-weight: bold; border-radius: 4px;"
    " padding: 6px 10px; }}"
)
_MAX_BANNER_NAMES = 6


def data_banner_text(result: RecoveryResult, plan: Plan | None = None) -> tuple[str, str]:
    """The lost-data banner's line and its tooltip (one line per service, in the words
    of the CLI and the runbook when ``plan`` is given), or ("", "") when no data is
    lost and no RPO missed."""
    names = {s.id: s.name.strip() or s.id for s in result.services}
    by_id = {s.id: s for s in result.services}

    def listed(ids: Sequence[str]) -> str:
        shown = [names.get(i, i) for i in ids[:_MAX_BANNER_NAMES]]
        more = len(ids) - _MAX_BANNER_NAMES
        return ", ".join(shown) + (f" and {more} more" if more > 0 else "")

    parts = []
    if result.data_lost:
        parts.append(f"Data lost for good: {listed(result.data_lost)} (every copy destroyed)")
    if result.rpo_misses:
        misses = len(result.rpo_misses)
        parts.append(
            f"RPO missed by {misses} service{'s' if misses != 1 else ''}: "
            f"{listed(result.rpo_misses)}"
        )
    tips = []
    for service_id in dict.fromkeys((*result.data_lost, *result.rpo_misses)):
        row = by_id.get(service_id)
        if row is None:
            continue
        if plan is not None:
            tips.append(data_words.loss_sentence(plan, result, row))
        elif row.data_lost:
            n = len(row.copies)
            tips.append(
                f"{names[service_id]}: 0 of {n} cop{'y survives' if n == 1 else 'ies survive'}"
            )
        else:
            tips.append(
                f"{names[service_id]}: loses up to {format_minutes(row.data_loss_minutes)} of "
                f"writes (RPO {format_minutes(row.rpo_minutes)})"
            )
    return "  ·  ".join(parts), "\n".join(tips)


def _group(*widgets: QWidget, spacing: int = 6) -> QWidget:
    """Widgets kept together on one row of a flow layout (a label with its field)."""
    group = QWidget()
    layout = QHBoxLayout(group)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(spacing)
    for widget in widgets:
        layout.addWidget(widget)
    return group


class _ElidingCombo(QComboBox):
    """A combo box whose current text ends in "…" when it is narrower than the text
    (Qt clips it mid-letter); the full text is in the tooltip and the popup."""

    def paintEvent(self, _event: object) -> None:
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        field = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, self
        )
        option.currentText = self.fontMetrics().elidedText(
            option.currentText, Qt.TextElideMode.ElideRight, max(field.width() - 4, 0)
        )
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)


class _Stat(QFrame):
    """A headline number: a caption, the value in large type, a short note under it."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stat")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        self.caption = QLabel(caption)
        self.value = QLabel("—")
        self.note = QLabel("")
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for label in (self.caption, self.value, self.note):
            label.setWordWrap(True)  # a narrow window wraps a card's text, never clips it
            layout.addWidget(label)
        self._accent: str | None = None
        self._stale = False
        self._note = ""
        self._restyle()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._restyle()

    def set(self, value: str, note: str = "", accent: str | None = None) -> None:
        self.value.setText(value)
        self._note = note
        if not self._stale:
            self.note.setText(note)
        if accent != self._accent:
            self._accent = accent
            self._restyle()

    def set_stale(self, stale: bool, stale_note: str | None = None) -> None:
        """Grey the value; ``stale_note`` replaces the note meanwhile (the value stays)."""
        if stale != self._stale:
            self._stale = stale
            self.note.setText(stale_note if stale and stale_note else self._note)
            self._restyle()

    def _restyle(self) -> None:
        base = self.font().pointSizeF()
        big = QFont(self.font())
        big.setPointSizeF(base * 2.0)
        big.setBold(True)
        self.value.setFont(big)
        small = QFont(self.font())
        small.setPointSizeF(base * 0.9)
        self.caption.setFont(small)
        self.note.setFont(small)
        value_color = style.MUTED_TEXT if self._stale else (self._accent or style.TEXT)
        self.value.setStyleSheet(f"color: {value_color};")
        self.caption.setStyleSheet(f"color: {style.MUTED_TEXT};")
        self.note.setStyleSheet(f"color: {style.MUTED_TEXT};")


def _touches(change: Change | None, kind: str, fields: set[str]) -> bool:
    """Whether ``change`` (None: the whole plan) added or removed an item of ``kind``
    or changed one of its ``fields``."""
    if change is None or change.added_ids(kind) or change.removed_ids(kind):
        return True
    return any(k == kind and name in fields for k, _, name in change.changed)


def _swatch(
    color: str, outline: str | None = None, diamond: bool = False, hatched: bool = False
) -> QPixmap:
    ratio = 2.0  # drawn at twice the size so that the legend stays crisp at 200 %
    pixmap = QPixmap(round(14 * ratio), round(14 * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor(outline) if outline else QColor(color).darker(125))
    painter.setBrush(QColor(color))
    if diamond:
        painter.drawPolygon(
            QPolygonF([QPointF(7, 1.5), QPointF(12.5, 7), QPointF(7, 12.5), QPointF(1.5, 7)])
        )
    elif hatched:  # the wait before a release, as the timeline hatches it
        painter.setPen(QColor(color).darker(125))
        painter.setBrush(QBrush(QColor(color).darker(115), Qt.BrushStyle.BDiagPattern))
        painter.drawRect(1, 3, 12, 8)
    else:
        painter.drawRoundedRect(1, 3, 12, 8, 2, 2)
    painter.end()
    return pixmap


class RecoveryView(QWidget):
    """Scenario picker, headline numbers, Gantt timeline and per-service results table.

    Public actions, added to the widget so that Qt's ``actions()`` lists them:
    ``zoom_in_action`` (Ctrl++), ``zoom_out_action`` (Ctrl+-), ``fit_action`` (Ctrl+0),
    ``lanes_tier_action`` / ``lanes_pool_action`` (exclusive), ``show_waiting_action``,
    ``affected_only_action``, ``clear_failures_action`` and ``recompute_action`` (F5).
    Their shortcuts work while the focus is inside this view (other views may use the
    same keys for their own zoom).
    """

    def __init__(
        self,
        document: PlanDocument,
        recovery: RecoveryController,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.recovery = recovery
        self._syncing = False  # True while the view itself updates a widget from the model
        self._shown: RecoveryResult | None = None
        self._shown_error: str | None = None
        self._make_actions()
        self._build()
        document.changed.connect(self._document_changed)
        document.selectionChanged.connect(self._selection_from_document)
        # Hidden (another tab current), a result is shown here once the view is shown:
        # the timeline and the table of 3,000 tasks are not laid out for nobody.
        self._when_shown = WhenShown(self)
        recovery.resultChanged.connect(self._result_arrived)
        recovery.busyChanged.connect(self._busy_changed)
        recovery.scenarioChanged.connect(self._choice_changed)
        self._fill_scenarios()
        self._gantt_pools()
        self._choice_changed()
        self._result_changed()

    # ------------------------------------------------------------------ construction

    def _make_actions(self) -> None:
        def action(text: str, shortcuts: Sequence[Shortcut] = ()) -> QAction:
            made = QAction(text, self)
            made.setShortcuts(key_sequences(shortcuts))
            made.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(made)
            return made

        # The canvases' keys: Ctrl+= zooms in too, as on the floor and the graph.
        self.zoom_in_action = action("Zoom timeline in", ZOOM_IN_KEYS)
        self.zoom_out_action = action("Zoom timeline out", ZOOM_OUT_KEYS)
        self.fit_action = action("Fit timeline", FIT_KEYS)
        self.lanes_tier_action = action("Lanes by tier")
        self.lanes_pool_action = action("Lanes by pool")
        lanes = QActionGroup(self)
        for made in (self.lanes_tier_action, self.lanes_pool_action):
            made.setCheckable(True)
            lanes.addAction(made)
        self.lanes_tier_action.setChecked(True)
        self.show_waiting_action = action("Show services waiting on a dependency")
        self.show_waiting_action.setCheckable(True)
        self.affected_only_action = action("Only affected services in the table")
        self.affected_only_action.setCheckable(True)
        self.clear_failures_action = action("Clear ad-hoc failures")
        refresh = (QKeySequence.StandardKey.Refresh,)
        self.recompute_action = action("Recompute recovery now", refresh)
        # Short texts for the timeline's tool buttons; menus show the full text.
        for made, short, tip in (
            (self.zoom_in_action, "+", "Zoom the timeline in (Ctrl+wheel over it)"),
            (self.zoom_out_action, "−", "Zoom the timeline out"),
            (self.fit_action, "Fit", "Fit the whole recovery into the width"),
            (self.lanes_tier_action, "By tier", "One lane per tier"),
            (
                self.lanes_pool_action,
                "By pool",
                "One lane per pool; a task holding two pools is in both",
            ),
            (
                self.show_waiting_action,
                "Waiting",
                "Also show services that only wait for a dependency",
            ),
        ):
            made.setIconText(short)
            made.setToolTip(tip)

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.setSpacing(6)

        # One row on a wide window; on a laptop it wraps instead of widening the window.
        bar = _FlowLayout(spacing=12, row_spacing=6)
        self.scenario_combo = _ElidingCombo()
        self.scenario_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.scenario_combo.setMinimumContentsLength(18)
        self.scenario_combo.currentIndexChanged.connect(self._scenario_picked)
        self.scenario_combo.currentTextChanged.connect(self.scenario_combo.setToolTip)
        self.clear_button = QPushButton("Clear ad-hoc failures")
        self.clear_button.clicked.connect(self.clear_failures_action.trigger)
        self.clear_failures_action.triggered.connect(self._clear_failures)
        bar.addWidget(_group(QLabel("Scenario:"), self.scenario_combo, self.clear_button))
        self.objective_combo = QComboBox()
        for text, objective in OBJECTIVES:
            self.objective_combo.addItem(text, objective)
        self.objective_combo.setToolTip(
            "Fastest total: the shortest overall recovery (ties: earlier tiers first).\n"
            "Critical tiers first: tier 0 as early as possible, then tier 1, … then the total."
        )
        self.objective_combo.currentIndexChanged.connect(self._objective_picked)
        bar.addWidget(_group(QLabel("Objective:"), self.objective_combo))
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)  # indeterminate
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setFixedWidth(64)
        self.busy_bar.setMaximumHeight(14)
        keep = self.busy_bar.sizePolicy()
        keep.setRetainSizeWhenHidden(True)  # the bar appearing must not shift the layout
        self.busy_bar.setSizePolicy(keep)
        self.status_label = QLabel()
        metrics = self.fontMetrics()
        self.status_label.setMinimumWidth(
            max(metrics.horizontalAdvance(t) for t in ("Updating…", "Computing…", "Up to date"))
            + metrics.horizontalAdvance("M")
        )
        bar.addWidget(_group(self.busy_bar, self.status_label, spacing=8))
        outer.addLayout(bar)

        self.failed_label = QLabel()
        self.failed_label.setWordWrap(True)
        self.failed_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.failed_label)

        self.stack = QStackedWidget()
        outer.addWidget(self.stack, 1)
        self.stack.addWidget(self._build_results())
        self.message_page = QWidget()
        message_layout = QVBoxLayout(self.message_page)
        message_layout.setContentsMargins(24, 24, 24, 24)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setTextFormat(Qt.TextFormat.RichText)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.setMaximumWidth(self.fontMetrics().horizontalAdvance("M") * 60)
        # Centred by stretches, not an alignment flag: an aligned word-wrapping label is
        # given its one-line height and clips the rest.
        centred = QHBoxLayout()
        centred.addStretch(1)
        centred.addWidget(self.message_label, 100)
        centred.addStretch(1)
        message_layout.addLayout(centred)
        message_layout.addStretch(1)
        self.stack.addWidget(self.message_page)

    def _build_results(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)

        # Data gone for good is the headline's first line: it cannot be won back.
        self.data_banner = QLabel()
        self.data_banner.setObjectName("data-lost-banner")
        self.data_banner.setTextFormat(Qt.TextFormat.PlainText)  # names as written
        self.data_banner.setWordWrap(True)
        self.data_banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.data_banner.setVisible(False)
        layout.addWidget(self.data_banner)

        stats = QHBoxLayout()
        stats.setSpacing(8)
        self.recovery_stat = _Stat("Recovery time")
        self.bound_stat = _Stat("Lower bound")
        self.tier0_stat = _Stat("Tier 0 back")
        self.misses_stat = _Stat("RTO misses")
        self.lost_stat = _Stat("Lost")
        self.stats = (
            self.recovery_stat,
            self.bound_stat,
            self.tier0_stat,
            self.misses_stat,
            self.lost_stat,
        )
        for stat in self.stats:
            stat.setFrameShape(QFrame.Shape.StyledPanel)
            stat.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            stats.addWidget(stat, 1)
        stats.setStretch(len(self.stats) - 1, 2)
        self.recovery_label = self.recovery_stat.value
        self.bound_label = self.bound_stat.value
        self.tier0_label = self.tier0_stat.value
        self.misses_label = self.misses_stat.value
        self.lost_label = self.lost_stat.value
        layout.addLayout(stats)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)

        timeline = QWidget()
        timeline_layout = QVBoxLayout(timeline)
        timeline_layout.setContentsMargins(0, 0, 0, 0)
        timeline_layout.setSpacing(4)
        tools = _FlowLayout(spacing=10, row_spacing=2)
        title = QLabel("Timeline")
        bold = QFont(title.font())
        bold.setBold(True)
        title.setFont(bold)
        lane_buttons = [
            self._tool_button(made)
            for made in (self.lanes_tier_action, self.lanes_pool_action, self.show_waiting_action)
        ]
        tools.addWidget(_group(title, *lane_buttons, spacing=4))
        zoom_buttons = [
            self._tool_button(made)
            for made in (self.zoom_out_action, self.zoom_in_action, self.fit_action)
        ]
        tools.addWidget(_group(*zoom_buttons, spacing=4))
        for entry in self._legend():
            tools.addWidget(entry)
        timeline_layout.addLayout(tools)
        self.gantt = GanttView()
        self.gantt.selectionRequested.connect(self._selection_from_gantt)
        timeline_layout.addWidget(self.gantt, 1)
        splitter.addWidget(timeline)

        self.zoom_in_action.triggered.connect(self.gantt.zoom_in)
        self.zoom_out_action.triggered.connect(self.gantt.zoom_out)
        self.fit_action.triggered.connect(self.gantt.fit)
        self.lanes_tier_action.triggered.connect(lambda: self.gantt.set_lane_mode("tier"))
        self.lanes_pool_action.triggered.connect(lambda: self.gantt.set_lane_mode("pool"))
        self.show_waiting_action.toggled.connect(self.gantt.set_show_waiting)
        self.recompute_action.triggered.connect(self.recovery.recompute_now)

        table_page = QWidget()
        table_layout = QVBoxLayout(table_page)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.setSpacing(4)
        table_tools = QHBoxLayout()
        table_title = QLabel("Services")
        table_title.setFont(bold)
        table_tools.addWidget(table_title)
        table_tools.addSpacing(10)
        self.affected_only_box = QCheckBox("Only affected services")
        self.affected_only_box.toggled.connect(self.affected_only_action.setChecked)
        self.affected_only_action.toggled.connect(self.affected_only_box.setChecked)
        table_tools.addWidget(self.affected_only_box)
        table_tools.addStretch(1)
        table_layout.addLayout(table_tools)

        self.results_model = ResultsModel(self)
        self.proxy = ResultsProxy(self)
        self.proxy.setSourceModel(self.results_model)
        self.affected_only_action.toggled.connect(self.proxy.set_affected_only)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # plan order until asked
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setVisible(False)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        # Fixed widths from the font, never ResizeToContents: measuring 3,000 rows on
        # every result would stall the GUI thread.
        em = self.fontMetrics().horizontalAdvance("0")
        widths = {
            # Narrow enough that the service names keep room on a 1366-pixel screen with
            # the RPO and Data loss columns shown: long states, modes and reasons elide
            # (the Met? tooltip has the reason whole).
            COL_TIER: em * 4,
            COL_STATE: em * 13,
            COL_MODE: em * 10,
            COL_EARLIEST: em * 7,
            COL_START: em * 7,
            COL_RECOVERED: em * 8,
            COL_RTO: em * 6,
            COL_MET: em * 9,
            COL_RPO: em * 6,
            COL_LOSS: em * 8,
        }
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in widths.items():
            header.resizeSection(column, width)
        header.setSectionResizeMode(COL_SERVICE, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._selection_from_table)
        table_layout.addWidget(self.table, 1)
        splitter.addWidget(table_page)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([560, 360])
        return page

    def _tool_button(self, action: QAction) -> QToolButton:
        button = QToolButton()
        button.setDefaultAction(action)
        button.setAutoRaise(True)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        return button

    def _legend(self) -> list[QWidget]:
        """One widget per legend entry (swatch and text), so that the row can wrap."""
        entries = (
            (_swatch(style.STATE_COLORS["failover"]), "Failover"),
            (_swatch(style.STATE_COLORS["restore"]), "Restore"),
            (_swatch(style.STATE_COLORS["restart"]), "Restart in place"),
            (_swatch(style.STATE_COLORS["dependency"]), "Waiting"),
            (_swatch(style.STATE_COLORS["restart"], hatched=True), "Until release"),
            (_swatch("#ffffff", style.CRITICAL), "Critical path"),
            (_swatch(style.CRITICAL, diamond=True), "RTO missed"),
            (_swatch("#ffffff", style.MUTED_TEXT, diamond=True), "RTO met"),
            (_swatch(UNTESTED_COLOR), "Untested failover"),
        )
        made = []
        for pixmap, text in entries:
            icon = QLabel()
            icon.setPixmap(pixmap)
            label = QLabel(text)
            label.setStyleSheet(f"color: {style.MUTED_TEXT};")
            made.append(_group(icon, label, spacing=4))
        return made

    # ------------------------------------------------------------------ state for callers

    @property
    def is_stale(self) -> bool:
        """True while what the view shows no longer matches the plan and the choice."""
        return self.recovery.busy

    @property
    def showing_error(self) -> bool:
        return self.stack.currentWidget() is self.message_page and self._shown_error is not None

    def select_scenario(self, scenario_id: str | None) -> None:
        """Pick a scenario in the picker (None: ad hoc), as the user would."""
        index = self.scenario_combo.findData(scenario_id or ADHOC)
        if index >= 0:
            self.scenario_combo.setCurrentIndex(index)

    # ------------------------------------------------------------------ the user's choices

    def _scenario_picked(self, index: int) -> None:
        if self._syncing or index < 0:
            return
        scenario_id = self.scenario_combo.itemData(index)
        self.recovery.set_scenario(scenario_id or None)

    def _objective_picked(self, index: int) -> None:
        if self._syncing or index < 0:
            return
        self.recovery.set_objective(self.objective_combo.itemData(index))

    def _clear_failures(self) -> None:
        if self.recovery.adhoc_failed:
            self.recovery.set_scenario(self.recovery.scenario_id)

    # ------------------------------------------------------------------ model -> widgets

    def _fill_scenarios(self) -> None:
        self._syncing = True
        try:
            combo = self.scenario_combo
            combo.clear()
            for scenario in self.document.plan.scenarios:
                combo.addItem(scenario.name, scenario.id)
                combo.setItemData(
                    combo.count() - 1,
                    f"{scenario.id}: {len(scenario.failed)} failed item(s)",
                    Qt.ItemDataRole.ToolTipRole,
                )
            if combo.count():
                combo.insertSeparator(combo.count())
            combo.addItem(ADHOC_TEXT, ADHOC)
            self._sync_scenario_combo()
        finally:
            self._syncing = False

    def _sync_scenario_combo(self) -> None:
        was = self._syncing
        self._syncing = True
        try:
            index = self.scenario_combo.findData(self.recovery.scenario_id or ADHOC)
            self.scenario_combo.setCurrentIndex(max(index, 0))
            objective = self.objective_combo.findData(self.recovery.objective)
            self.objective_combo.setCurrentIndex(max(objective, 0))
        finally:
            self._syncing = was

    def _gantt_pools(self) -> None:
        self.gantt.set_pools([(p.id, p.name, p.capacity) for p in self.document.plan.pools])

    def _document_changed(self, change: Change | None, origin: object = None) -> None:
        # The view pushes no edit, so no change is its own. Each part is redone only
        # when a field it shows changed: a drag on the floor redoes nothing here.
        if change is None:
            self.gantt.fit()  # another plan: its whole timeline, not the last one's zoom
        if _touches(change, "scenario", {"name", "failed"}):
            self._fill_scenarios()
        if _touches(change, "pool", {"name", "capacity"}):
            self._gantt_pools()
        if _touches(change, "scenario", {"failed", "returns", "declared_after_minutes"}) or any(
            _touches(change, kind, {"name"}) for kind in (*_LOCATION_KINDS, "domain")
        ):
            self._show_failed()
        self._busy_changed()

    def _choice_changed(self) -> None:
        self._sync_scenario_combo()
        self._show_failed()
        has_adhoc = bool(self.recovery.adhoc_failed)
        self.clear_failures_action.setEnabled(has_adhoc)
        self.clear_button.setEnabled(has_adhoc)

    def _show_failed(self) -> None:
        plan = self.document.plan
        scenario = plan.scenario(self.recovery.scenario_id) if self.recovery.scenario_id else None
        named = list(scenario.failed) if scenario is not None else []
        adhoc = [i for i in self.recovery.adhoc_failed if i not in named]
        if not named and not adhoc:
            if scenario is not None:
                self.failed_label.setText("Failed: nothing (the scenario fails no item)")
            else:
                self.failed_label.setText(
                    "Failed: nothing yet — click sites, racks or servers on the floor"
                )
            return
        wanted = set(named) | set(adhoc)
        names: dict[str, str] = {}
        for items in (plan.sites, plan.domains, plan.racks):
            names.update((item.id, item.name) for item in items if item.id in wanted)
        if len(names) < len(wanted):  # servers only when needed: a plan may hold 32,000
            names.update((s.id, s.name) for s in plan.servers if s.id in wanted)

        returns = scenario.returns if scenario is not None else {}

        def describe(ids: list[str]) -> str:
            shown = [
                (f"{i} ({names[i]})" if names.get(i, i) != i else i)
                + (f" back T+{format_minutes(returns[i])}" if i in returns else "")
                for i in ids[:_MAX_FAILED_SHOWN]
            ]
            more = len(ids) - _MAX_FAILED_SHOWN
            return ", ".join(shown) + (f" and {more} more" if more > 0 else "")

        parts = []
        if named:
            parts.append(describe(named))
        if adhoc:
            parts.append(("ad hoc: " if named else "") + describe(adhoc))
        declared = scenario.declared_after_minutes if scenario is not None else 0
        when = f"  ·  declared T+{format_minutes(declared)}" if declared else ""
        self.failed_label.setText("Failed: " + "; ".join(parts) + when)

    def _busy_changed(self, _busy: bool | None = None) -> None:
        """Show whether the numbers on screen are current; grey them while they are not."""
        busy = self.recovery.busy
        showing = self._shown is not None or self._shown_error is not None
        self.busy_bar.setVisible(busy)
        if busy:
            text = "Updating…" if showing else "Computing…"
            self.status_label.setText(text)
            self.status_label.setStyleSheet(f"color: {style.STATE_COLORS['failover']};")
            self.status_label.setToolTip(
                "The numbers below are from before the last change and will be replaced."
                if showing
                else ""
            )
        else:
            current = self._shown is not None and self.recovery.active
            self.status_label.setText("Up to date" if current else "")
            self.status_label.setStyleSheet(f"color: {style.MUTED_TEXT};")
            self.status_label.setToolTip("")
        stale = busy and showing
        for stat in self.stats:
            stat.set_stale(stale, "previous result · updating…" if stat is self.stats[0] else None)
        self.gantt.set_stale(stale)
        self.results_model.set_stale(stale)

    def _result_arrived(self) -> None:
        self._when_shown.run("result", self._result_changed)

    def _result_changed(self) -> None:
        recovery = self.recovery
        error = recovery.error
        result = recovery.result
        if error is not None:
            self._shown, self._shown_error = None, error
            problems = "".join(f"<li>{html.escape(line)}</li>" for line in error.splitlines())
            self.message_label.setText(
                f"<p style='font-size: large; font-weight: bold; color: {style.CRITICAL}'>"
                "Cannot compute the recovery</p>"
                f"<ul>{problems}</ul>"
                "<p>Fix the plan (or undo the last edit): the recovery is recomputed at once.</p>"
            )
            self.message_label.setStyleSheet(_ERROR_STYLE)
            self.stack.setCurrentWidget(self.message_page)
        elif result is None:
            self._shown, self._shown_error = None, None
            if recovery.active:
                self.message_label.setText("<p>Computing the recovery…</p>")
            else:
                self.message_label.setText(
                    "<p>Choose a scenario above, or choose <b>Ad hoc</b> and click sites, "
                    "racks or servers on the floor to fail them.</p>"
                )
            self.message_label.setStyleSheet(_HINT_STYLE)
            self.stack.setCurrentWidget(self.message_page)
            self.gantt.set_result(None)
            self.results_model.set_result(None)
        else:
            self._shown, self._shown_error = result, None
            self._show_headline(result)
            self.stack.setCurrentIndex(0)
            self.gantt.set_item_names(self._release_names(result))
            self.gantt.set_result(result, "No service needs a failover or restore.")
            self.results_model.set_result(result)
            self._show_data_columns(result)
            self._selection_from_document(self.document.selection)
        self._busy_changed()

    def _show_data_columns(self, result: RecoveryResult) -> None:
        """RPO and Data loss only when some service has an RPO or copies: a plan that says
        nothing of its data keeps the room for the service names."""
        with_rpo = any(s.rpo_minutes is not None for s in result.services)
        with_copies = any(s.copies or s.data_lost for s in result.services)
        self.table.setColumnHidden(COL_RPO, not (with_rpo or with_copies))
        self.table.setColumnHidden(COL_LOSS, not (with_rpo or with_copies))

    def _release_names(self, result: RecoveryResult) -> dict[str, str]:
        """Names of the failed items whose return releases a task (for the timeline)."""
        wanted = {s.released_by for s in result.services if s.released_by}
        plan = self.document.plan
        names: dict[str, str] = {}
        for items in (plan.domains, plan.sites, plan.racks):
            names.update((i.id, i.name.strip() or i.id) for i in items if i.id in wanted)
        if len(names) < len(wanted):  # servers only when needed: a plan may hold 32,000
            names.update((s.id, s.name.strip() or s.id) for s in plan.servers if s.id in wanted)
        return names

    def _show_data_banner(self, result: RecoveryResult) -> None:
        """ "Data lost for good: Media storage, Login cache (every copy destroyed)" in red;
        RPO misses after it (alone, in amber); hidden when the scenario loses no data and
        every RPO holds."""
        text, tip = data_banner_text(result, self.document.plan)
        self.data_banner.setText(text)
        self.data_banner.setToolTip(tip)
        colour = style.CRITICAL if result.data_lost else style.STATE_COLORS["failover"]
        self.data_banner.setStyleSheet(_BANNER_STYLE.format(colour=colour))
        self.data_banner.setVisible(bool(text))

    def _show_headline(self, result: RecoveryResult) -> None:
        self._show_data_banner(result)
        total = result.recovery_minutes
        self.recovery_stat.set(
            format_minutes(total),
            "h:mm after the incident · "
            + ("fastest total" if result.objective == "time" else "critical tiers first"),
        )
        bound = result.lower_bound_minutes
        if result.proven_optimal or bound >= total:
            bound_note = "optimal: no schedule is faster"
        else:
            bound_note = f"at most {format_minutes(total - bound)} to gain"
        self.bound_stat.set(format_minutes(bound), bound_note)
        tier0 = result.tier_minutes.get(0)
        tier0_services = sum(1 for s in result.services if s.tier == 0)
        self.tier0_stat.set(
            format_minutes(tier0) if tier0_services else "—",
            f"{tier0_services} tier-0 service{'s' if tier0_services != 1 else ''}",
        )
        misses = len(result.rto_misses)
        with_rto = sum(1 for s in result.services if s.rto_minutes is not None)
        self.misses_stat.set(
            str(misses),
            f"of {with_rto} service{'s' if with_rto != 1 else ''} with an RTO",
            style.CRITICAL if misses else style.STATE_COLORS["up"],
        )
        impact = result.impact

        def count(n: int, word: str) -> str:
            return f"{n} {word}{'s' if n != 1 else ''}"

        lost = [count(len(impact.lost_racks), "rack"), count(len(impact.lost_servers), "server")]
        if impact.lost_sites or not impact.lost_domains:
            lost.insert(0, count(len(impact.lost_sites), "site"))
        if impact.lost_domains:
            lost.insert(0, count(len(impact.lost_domains), "domain"))
        self.lost_stat.set(
            " · ".join(lost),
            f"{len(result.tasks)} recovery tasks",
        )

    # ------------------------------------------------------------------ selection

    def _selection_from_table(self, *_args: object) -> None:
        if self._syncing:
            return
        rows = self.table.selectionModel().selectedRows(COL_SERVICE)
        ids = [index.data(ID_ROLE) for index in sorted(rows, key=QModelIndex.row)]
        self.document.select([("service", service_id) for service_id in ids])

    def _selection_from_gantt(self, ids: list[str], additive: bool) -> None:
        if not additive:
            self.document.select([("service", service_id) for service_id in ids])
            return
        current = list(self.document.selection)
        for service_id in ids:
            key = ("service", service_id)
            if key in current:
                current.remove(key)
            else:
                current.append(key)
        self.document.select(current)

    def _selection_from_document(self, selection: Selection) -> None:
        ids = [item_id for kind, item_id in selection if kind == "service"]
        self.gantt.set_highlighted(set(ids))
        if ids:
            self.gantt.ensure_visible(ids[0])
        wanted = set(ids)
        model = self.table.selectionModel()
        current = {index.data(ID_ROLE) for index in model.selectedRows(COL_SERVICE)}
        if current == wanted:
            return
        self._syncing = True
        try:
            chosen = QItemSelection()
            for row in self.results_model.rows_of(wanted):
                source = self.results_model.index(row, 0)
                proxy = self.proxy.mapFromSource(source)
                if proxy.isValid():
                    chosen.select(proxy, proxy)
            flags = (
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows
            )
            model.select(chosen, flags)
            if not chosen.isEmpty():
                self.table.scrollTo(chosen.indexes()[0])
        finally:
            self._syncing = False


__all__ = ["ADHOC", "ADHOC_TEXT", "OBJECTIVES", "RecoveryView", "data_banner_text"]
