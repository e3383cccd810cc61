"""The Analysis tab: what the resilience analysis found, without a scenario asked for.

* **Worst single failures**: every site and domain, and each rack and server whose loss
  changes something, worst first; a line counts the racks and servers that change
  nothing. A click selects the failure's component (floor, tree).
* **Findings**, most severe first: a click selects the items the finding names in the
  whole program (the document's one selection: floor, dependency view, tree).
* **Cut sets** of the service selected anywhere (or named first by the finding picked):
  restore and impacted sets, with the chain for each single point.
* **What one change buys**, and **Make scenario**: the finding or change picked becomes
  a scenario failing what shows it (one undo step; undo removes it).

The analysis runs off the GUI thread (:class:`AnalysisController`) while the tab is
shown (hidden, edits only mark it out of date); while a newer one is computed,
everything shown is greyed and the status says so; past a second, a progress bar and
Cancel appear.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QItemSelection, Qt, QTimer
from PySide6.QtGui import QAction, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from planner.analysis import Finding
from planner.analysis.findings import is_tooling, steps_needing_tooling
from planner.analysis.whatif import WhatIf
from planner.analysis.wording import single_point_sentence
from planner.gui import style
from planner.gui.analysis_controller import AnalysisController
from planner.gui.analysis_links import scenario_for, selection_of
from planner.gui.analysis_models import (
    ROW_ROLE,
    AnalysisRowsModel,
    CutSetsModel,
    FailuresModel,
    FindingsModel,
    WhatIfModel,
)
from planner.gui.document import PlanDocument, Selection
from planner.gui.recovery_controller import RecoveryController
from planner.model.text import printable

#: The progress bar and Cancel appear once an analysis has taken this long.
SHOW_PROGRESS_AFTER_MS = 1000


def _table(
    model: AnalysisRowsModel,  # type: ignore[type-arg]
    stretch: int,
    widths: dict[int, int] | None = None,
) -> QTableView:
    """A read-only table of ``model``, one row picked at a time; column ``stretch``
    takes the room left, ``widths`` (in characters) are columns the user may resize."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 6)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    char = view.fontMetrics().averageCharWidth()
    for column, chars in (widths or {}).items():
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, chars * char)
    return view


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def _detail() -> QLabel:
    """The whole sentence of the row picked, under its table (the cells elide it)."""
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _section(title: QLabel, *widgets: QWidget) -> QWidget:
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(4, 4, 4, 0)
    column.setSpacing(3)
    column.addWidget(title)
    for widget in widgets:
        column.addWidget(widget, 1 if isinstance(widget, QTableView) else 0)
    return box


class AnalysisTab(QWidget):
    """The resilience analysis of the document's plan (see the module docstring)."""

    def __init__(
        self,
        document: PlanDocument,
        controller: AnalysisController,
        recovery: RecoveryController | None = None,
        heat_action: QAction | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.controller = controller
        self.recovery = recovery
        self.message: Callable[[str], None] = lambda _text: None
        self._chosen: Finding | WhatIf | None = None  # what Make scenario turns into one
        self._shown_analysis: object = None  # the analysis the tables hold
        self._sized = False
        self._restoring = False  # a pick kept across a new analysis: selects nothing

        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.setVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the analysis; what is shown stays, marked out of date")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(controller.cancel)
        self.recompute_button = QPushButton("Recompute")
        self.recompute_button.setToolTip("Analyse the plan as it is now")
        self.recompute_button.clicked.connect(controller.recompute_now)
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 0)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.progress)
        bar.addWidget(self.cancel_button)
        bar.addWidget(self.recompute_button)
        self.heat_button: QToolButton | None = None
        if heat_action is not None:
            self.heat_button = QToolButton()
            self.heat_button.setDefaultAction(heat_action)
            self.heat_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            bar.addWidget(self.heat_button)

        # The recovery steps of the scenario shown (Recovery view) that need recovery
        # tooling the scenario takes down: flagged here, as the runbook flags them.
        self.tooling_label = QLabel()
        self.tooling_label.setObjectName("analysis-tooling")
        self.tooling_label.setWordWrap(True)
        self.tooling_label.setTextFormat(Qt.TextFormat.PlainText)
        self.tooling_label.setStyleSheet(f"color: {style.CRITICAL};")
        self.tooling_label.setVisible(False)

        self.failures_model = FailuresModel(self)
        self.failures = _table(self.failures_model, 7, {0: 24, 1: 8})
        self.failures.setObjectName("analysis-failures")
        self.unchanged_label = QLabel()
        self.unchanged_label.setStyleSheet(f"color: {style.MUTED_TEXT};")
        self.findings_model = FindingsModel(self)
        self.findings = _table(self.findings_model, 1)
        self.findings.setObjectName("analysis-findings")
        self.cuts_model = CutSetsModel(self)
        self.cuts = _table(self.cuts_model, 2, {1: 15})
        self.cuts.setObjectName("analysis-cut-sets")
        self.cuts_title = _heading("Cut sets")
        self.cuts_hint = QLabel()
        self.cuts_hint.setWordWrap(True)
        self.cuts_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.cuts_hint.setStyleSheet(f"color: {style.MUTED_TEXT};")
        self.what_if_model = WhatIfModel(self)
        self.what_if = _table(self.what_if_model, 0, {1: 9})
        self.what_if.setObjectName("analysis-what-if")
        self.make_button = QPushButton("Make scenario")
        self.make_button.setToolTip(
            "Turn the finding or change selected into a scenario failing what shows it "
            "(Ctrl+Z removes it)"
        )
        self.make_button.clicked.connect(self.make_scenario)
        self.finding_text = _detail()
        self.what_if_text = _detail()
        self.what_if_note = QLabel()
        self.what_if_note.setStyleSheet(f"color: {style.MUTED_TEXT};")
        make_row = QWidget()
        row = QHBoxLayout(make_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.what_if_note, 1)
        row.addWidget(self.make_button)

        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(
            _section(_heading("Worst single failures"), self.failures, self.unchanged_label)
        )
        left.addWidget(_section(_heading("Findings"), self.findings, self.finding_text))
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(_section(self.cuts_title, self.cuts_hint, self.cuts))
        right.addWidget(
            _section(_heading("What one change buys"), self.what_if, self.what_if_text, make_row)
        )
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 3)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(bar)
        column.addWidget(self.tooling_label)
        column.addWidget(self.splitter, 1)

        self._progress_timer = QTimer(self)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.setInterval(SHOW_PROGRESS_AFTER_MS)
        self._progress_timer.timeout.connect(self._show_progress)
        controller.resultChanged.connect(self._result_changed)
        controller.busyChanged.connect(self._busy_changed)
        controller.progressed.connect(self._progressed)
        document.selectionChanged.connect(self._selection_changed)
        if recovery is not None:
            recovery.resultChanged.connect(self._recovery_changed)
        self.failures.selectionModel().selectionChanged.connect(self._failure_picked)
        self.findings.selectionModel().selectionChanged.connect(self._finding_picked)
        self.what_if.selectionModel().selectionChanged.connect(self._what_if_picked)
        self._result_changed()

    # ------------------------------------------------------------------ showing

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:
            self._sized = True  # half and half: the tables' own hints would squeeze one
            width = self.splitter.width()
            self.splitter.setSizes([width * 52 // 100, width - width * 52 // 100])
        self.controller.want("tab", True)  # nothing is analysed before the tab is shown
        self._show_tooling()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.controller.want("tab", False)  # hidden, edits only mark it out of date

    def _result_changed(self) -> None:
        controller = self.controller
        analysis = controller.analysis
        if analysis is not self._shown_analysis:
            self._shown_analysis = analysis
            chosen, self._chosen = self._chosen, None
            self.finding_text.setText(
                "Click a finding to select what it names on the floor and in every view."
                if analysis and analysis.findings
                else ""
            )
            self.what_if_text.setText("")
            self.failures_model.set_rows(analysis.domains if analysis else [])
            self.findings_model.set_rows(analysis.findings if analysis else [])
            useful = [
                w
                for w in (analysis.what_if if analysis else ())
                if w.saved_minutes > 0 or w.saved_critical_minutes > 0
            ]
            self.what_if_model.set_rows(useful)
            tried = len(analysis.what_if) if analysis else 0
            self.what_if_note.setText(
                f"{tried - len(useful)} other changes tried save nothing"
                if tried > len(useful)
                else ""
            )
            self.unchanged_label.setText(self._unchanged_text())
            self._show_cuts()
            self._pick_again(chosen)
        stale = not controller.is_current
        for model in (
            self.failures_model,
            self.findings_model,
            self.cuts_model,
            self.what_if_model,
        ):
            model.set_stale(stale)
        self.status.setText(self._status_text())
        self._update_make_button()

    def _pick_again(self, chosen: Finding | WhatIf | None) -> None:
        """Keep the finding or change picked across a new analysis, when it is still
        there (same kind and ids, or same change), without selecting anything anew."""
        if isinstance(chosen, Finding):
            view, key = self.findings, (chosen.kind, chosen.ids)
            rows: list[Finding] | list[WhatIf] = self.findings_model.rows
            row = next(
                (i for i, f in enumerate(self.findings_model.rows) if (f.kind, f.ids) == key),
                None,
            )
        elif isinstance(chosen, WhatIf):
            view, change = self.what_if, chosen.rank_key()[2:]
            rows = self.what_if_model.rows
            row = next(
                (i for i, w in enumerate(self.what_if_model.rows) if w.rank_key()[2:] == change),
                None,
            )
        else:
            return
        if row is None:
            return
        self._restoring = True
        try:
            view.selectRow(row)
        finally:
            self._restoring = False
        self._chosen = picked = rows[row]
        if isinstance(picked, Finding):
            self.finding_text.setText(printable(f"{picked.severity}: {picked.message}"))
        else:
            self.what_if_text.setText(printable(picked.sentence()))

    def _unchanged_text(self) -> str:
        analysis = self.controller.analysis
        if analysis is None:
            return ""
        parts = [
            f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in analysis.unchanged.items() if n
        ]
        listed = f"{len(analysis.domains)} listed"
        return f"{listed}; {', '.join(parts)} change nothing" if parts else listed

    def _status_text(self) -> str:
        controller = self.controller
        analysis = controller.analysis
        if controller.busy:
            if analysis is None and controller.error is None:
                return "Analysing every single failure of the plan…"
            return "Out of date — recomputing…"
        if controller.cancelled:
            return "Out of date: the analysis was cancelled (Recompute analyses the plan as it is)"
        if controller.error is not None:
            first = controller.error.splitlines()[0] if controller.error else ""
            return f"Cannot analyse the plan: {first}"
        if analysis is None:
            return "Not analysed yet"
        if not controller.is_current:
            return "Out of date: the plan changed"
        return (
            f"Cut sets to order {analysis.order}; {len(analysis.findings)} findings; "
            f"{len(analysis.single_points)} services with a single point of failure"
            + (f"; worst scenario: {self._worst_name()}" if analysis.worst_scenario else "")
        )

    def _worst_name(self) -> str:
        """The worst scenario's name (a named one), else what it fails."""
        analysis = self.controller.analysis
        worst = analysis.worst_scenario if analysis is not None else None
        named = [s.name for s in (analysis.scenarios if analysis else ()) if s.id == worst]
        return named[0] if named else worst or ""

    def _busy_changed(self, busy: bool) -> None:
        if busy:
            if not self._progress_timer.isActive() and not self.progress.isVisible():
                self.progress.setRange(0, 0)
                self._progress_timer.start()
        else:
            self._progress_timer.stop()
            self.progress.setVisible(False)
            self.cancel_button.setVisible(False)
        self._result_changed()

    def _show_progress(self) -> None:
        if self.controller.busy:
            self.progress.setVisible(True)
            self.cancel_button.setVisible(True)

    def _progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))

    # ------------------------------------------------------------------ recovery tooling

    def _recovery_changed(self) -> None:
        if self.isVisible():
            self._show_tooling()  # hidden: when next shown

    def _show_tooling(self) -> None:
        """Flag the steps of the scenario shown that need recovery tooling it takes down."""
        recovery = self.recovery
        result = recovery.result if recovery is not None else None
        text = ""
        if result is not None and recovery is not None and recovery.is_current:
            plan = self.document.plan
            steps = steps_needing_tooling(plan, result)
            tools = {s.id for s in plan.services if is_tooling(s)}
            down = [r.id for r in result.services if r.id in tools and r.state != "unaffected"]
            if down:
                scenario = plan.scenario(recovery.scenario_id) if recovery.scenario_id else None
                where = scenario.name if scenario is not None else "the failures chosen"
                listed = ", ".join(list(steps)[:8]) + (", …" if len(steps) > 8 else "")
                text = f"{where} takes down recovery tooling {', '.join(down)}" + (
                    f": {len(steps)} recovery steps need it ({listed})" if steps else ""
                )
                self.tooling_label.setToolTip(
                    printable(
                        "\n".join(f"{sid} needs {', '.join(need)}" for sid, need in steps.items())
                    )
                )
        self.tooling_label.setText(printable(text))
        self.tooling_label.setVisible(bool(text))

    # ------------------------------------------------------------------ cut sets

    def _selection_changed(self, _selection: Selection) -> None:
        self._show_cuts()

    def _service_shown(self) -> str | None:
        """The service whose cut sets are shown: the first selected anywhere."""
        return next((i for k, i in self.document.selection if k == "service"), None)

    def _show_cuts(self) -> None:
        plan = self.document.plan
        analysis = self.controller.analysis
        service_id = self._service_shown()
        service = plan.service(service_id) if service_id is not None else None
        services = {s.id: s for s in plan.services}
        self.cuts_model.show(analysis, service, services)
        self.cuts_model.set_stale(not self.controller.is_current)
        if service is None:
            self.cuts_title.setText("Cut sets")
            self.cuts_hint.setText(
                "Select a service (here, in the plan tree or in any view) to see which "
                "failures take it down."
            )
            return
        name = printable(service.name.strip() or service.id)
        cuts = analysis.cuts(service.id) if analysis is not None else None
        self.cuts_title.setText(f"Cut sets of {name}" + (f" (order {cuts.order})" if cuts else ""))
        if cuts is None:
            self.cuts_hint.setText("Not analysed yet." if analysis is None else "Not analysed.")
        elif not cuts.restore and not cuts.impacted:
            self.cuts_hint.setText(
                f"No failure of at most {cuts.order} components takes {service.id} down."
            )
        elif analysis is not None:
            ones = sum(1 for c in cuts.restore if len(c) <= 1)
            headline = single_point_sentence(cuts, analysis.components, services) if ones else ""
            self.cuts_hint.setText(
                f"{len(cuts.restore)} restore and {len(cuts.impacted)} impacted cut sets"
                + (f"; {ones} single points of failure: {printable(headline)}" if ones else "")
            )

    # ------------------------------------------------------------------ picking

    def _picked(self, view: QTableView, selected: QItemSelection) -> object:
        indexes = selected.indexes()
        if not indexes:
            return None
        return view.model().data(indexes[0], ROW_ROLE)

    def _failure_picked(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        if self._restoring:
            return
        radius = self._picked(self.failures, selected)
        if radius is not None:
            self.document.select(selection_of(self.document.plan, [radius.id]))  # type: ignore[attr-defined]

    def _finding_picked(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        if self._restoring:
            return
        finding = self._picked(self.findings, selected)
        if isinstance(finding, Finding):
            self._chosen = finding
            self.what_if.clearSelection()
            self.finding_text.setText(printable(f"{finding.severity}: {finding.message}"))
            self.select_ids(finding.ids)
        self._update_make_button()

    def _what_if_picked(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        if self._restoring:
            return
        change = self._picked(self.what_if, selected)
        if isinstance(change, WhatIf):
            self._chosen = change
            self.findings.clearSelection()
            self.what_if_text.setText(printable(change.sentence()))
            self.select_ids([change.target])
        self._update_make_button()

    def select_ids(self, ids: Sequence[str]) -> None:
        """Select ``ids`` in the whole program (floor, dependency view, tree)."""
        self.document.select(selection_of(self.document.plan, ids))

    # ------------------------------------------------------------------ make scenario

    def _failed_of(self, chosen: Finding | WhatIf | None) -> tuple[list[str], str, str | None]:
        """The ids a scenario showing ``chosen`` fails, what it is about, and the named
        scenario it is about already (if any)."""
        if isinstance(chosen, Finding):
            return list(chosen.failed), chosen.kind.replace("_", " "), chosen.scenario
        if isinstance(chosen, WhatIf):
            scenario = self.document.plan.scenario(chosen.scenario)
            if scenario is not None:
                return list(scenario.failed), chosen.change, scenario.id
            return chosen.scenario.split(","), chosen.change, None
        return [], "", None

    def _update_make_button(self) -> None:
        failed, _, named = self._failed_of(self._chosen)
        self.make_button.setEnabled(bool(failed))
        self.make_button.setText("Show scenario" if named else "Make scenario")

    def make_scenario(self) -> bool:
        """Turn the finding or change picked into a scenario (one undo step) and show it
        in the Recovery view; a scenario failing the same already is shown instead."""
        failed, about, named = self._failed_of(self._chosen)
        if not failed:
            self.message("Pick a finding or a change that a failure shows first")
            return False
        planned = scenario_for(self.document.plan, failed, about, named)
        if planned.existing is not None:
            scenario = self.document.plan.scenario(planned.existing)
            name = scenario.name if scenario else planned.existing
            self.message(f"It is scenario {name} already: shown in Recovery")
        elif planned.edit is None:
            self.message("What shows this is no longer in the plan")
            return False
        elif self.document.push_or_refusal(planned.edit, origin=self) is not None:
            return False
        else:
            self.message(f"Added scenario {planned.edit.item.name}; Ctrl+Z removes it")
        assert planned.scenario_id is not None
        self.document.select([("scenario", planned.scenario_id)])
        if self.recovery is not None:
            self.recovery.set_scenario(planned.scenario_id)
        return True


__all__ = ["SHOW_PROGRESS_AFTER_MS", "AnalysisTab"]
