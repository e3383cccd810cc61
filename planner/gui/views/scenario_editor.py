"""The scenario editor: what fails in the scenario shown, when it is back, when the
incident is declared, and which failovers are automatic.

It edits the scenario chosen in the Recovery view (:attr:`RecoveryController.scenario_id`);
ad-hoc failures have nowhere to keep times, so the editor says to add a scenario first.
Every gesture is one edit of :mod:`planner.model.edits.scenarios` through the undo stack:

* the failed items, each with its return time (``T+30:00`` or ``never``), edited in
  the table (type over the cell, or F2; Enter commits), added by id (with completion)
  and removed with Delete or the Remove button;
* the declaration delay (``h:mm``; no recovery task starts before it but automatic
  failovers);
* whether failovers that were never tested (or not recently) fail, and the scenario's
  date they are aged against (ISO, blank: today);
* the services that can fail over (those with a failover time), each with a checkbox
  for ``automatic_failover``.

Text that is not a time is refused at the field: a red mark and one line under it naming
the item and the problem (also in the status bar); the plan does not change. The editor
follows ``document.changed`` for what it shows only: its scenario's fields, the names of
the items it lists, and the services' failover fields.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QStringListModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QCompleter,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.engine import data as data_words
from planner.gui import style
from planner.gui.actions import view_action
from planner.gui.document import PlanDocument
from planner.gui.recovery_controller import RecoveryController
from planner.layout.domains import kind_word
from planner.model import fields
from planner.model.clock import clock
from planner.model.edits import Change, Edit, EditRefused
from planner.model.edits import copies as copy_edits
from planner.model.edits import scenarios as scenario_edits
from planner.model.plan import Scenario

_Index = QModelIndex | QPersistentModelIndex
ID_ROLE = Qt.ItemDataRole.UserRole
ERROR_ROLE = Qt.ItemDataRole.UserRole + 1
COL_ITEM, COL_BACK = 0, 1
INVALID_STYLE = f"border: 1px solid {style.INVALID};"
_NAMED_KINDS = ("domain", "site", "rack", "server")


class FailedModel(QAbstractTableModel):
    """The failed items of one scenario and their return times; the time is editable.

    ``setData`` parses the text and pushes one edit; text that does not parse (or an
    edit the plan refuses) marks the cell (``ERROR_ROLE``) and emits :attr:`refused`.
    """

    refused = Signal(str)  # one line: the item and the problem
    accepted = Signal()

    def __init__(self, editor: ScenarioEditor) -> None:
        super().__init__(editor)
        self.editor = editor
        self.ids: list[str] = []
        self.errors: dict[str, str] = {}

    @property
    def plan(self) -> Any:
        return self.editor.document.plan

    def scenario(self) -> Scenario | None:
        return self.editor.scenario()

    def reload(self) -> None:
        """Follow the scenario: rows added or removed reset the (short) list; else only
        the cells repaint."""
        scenario = self.scenario()
        ids = list(dict.fromkeys(scenario.failed)) if scenario is not None else []
        if ids != self.ids:
            self.beginResetModel()
            self.ids = ids
            self.errors = {k: v for k, v in self.errors.items() if k in ids}
            self.endResetModel()
        elif ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(ids) - 1, 1))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ("Failed item", "Back at")[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return (
                "Sites, racks, servers and failure domains this scenario fails",
                "When the item is back (h:mm after the incident), or never: type over it",
            )[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return flags | Qt.ItemFlag.ItemIsEditable if index.column() == COL_BACK else flags

    def describe(self, item_id: str) -> str:
        """ "Power feed P1 (domain)", "Rack R3 (rack)", "x9 (not in the plan)"."""
        plan = self.plan
        kind = scenario_edits.failable_kind(plan, item_id)
        if kind is None:
            return f"{item_id} (not in the plan)"
        name = scenario_edits.item_name(plan, item_id)
        if kind == "domain":
            domain = plan.domain(item_id)
            return f"{name} ({kind_word(domain.kind)})"
        return f"{name} ({kind})"

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.ids):
            return None
        item_id = self.ids[index.row()]
        scenario = self.scenario()
        back = scenario.returns.get(item_id) if scenario is not None else None
        if role == ID_ROLE:
            return item_id
        if index.column() == COL_ITEM:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.describe(item_id)
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"id: {item_id}"
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return scenario_edits.format_return(back)
        if role == ERROR_ROLE or (role == Qt.ItemDataRole.ToolTipRole and item_id in self.errors):
            return self.errors.get(item_id)
        if role == Qt.ItemDataRole.ForegroundRole and back is None:
            return QColor(style.MUTED_TEXT)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != COL_BACK or role != Qt.ItemDataRole.EditRole:
            return False
        item_id = self.ids[index.row()]
        scenario = self.scenario()
        if scenario is None:
            return False
        name = self.describe(item_id)
        try:
            minutes = scenario_edits.parse_return(str(value))
        except ValueError as error:
            return self._refuse(index, item_id, f"{name}: {error}")
        if minutes == scenario.returns.get(item_id):
            self._clear(index, item_id)
            return True  # the same time typed another way: nothing to do
        try:
            edit = scenario_edits.set_return(self.plan, scenario.id, item_id, minutes)
        except EditRefused as refusal:
            return self._refuse(index, item_id, f"{name}: {refusal}")
        refusal = self.editor.push(edit)
        if refusal is not None:
            return self._refuse(index, item_id, f"{name}: {refusal}")
        self._clear(index, item_id)
        return True

    def _refuse(self, index: _Index, item_id: str, text: str) -> bool:
        self.errors[item_id] = text
        self.dataChanged.emit(index, index)
        self.refused.emit(text)
        return False

    def _clear(self, index: _Index, item_id: str) -> None:
        if self.errors.pop(item_id, None) is not None:
            self.dataChanged.emit(index, index)
        if not self.errors:
            self.accepted.emit()


class _MarkingDelegate(QStyledItemDelegate):
    """A red border round a cell whose last typed value was refused."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        super().paint(painter, option, index)
        if index.data(ERROR_ROLE):
            painter.save()
            painter.setPen(QPen(QColor(style.INVALID), 2))
            painter.drawRect(option.rect.adjusted(1, 1, -1, -1))
            painter.restore()


class ScenarioEditor(QWidget):
    """Edits the scenario the Recovery view shows; see the module docstring.

    Public: ``heading``, ``declared_edit`` (with ``declared_error``), ``table`` and
    ``failed_model`` (with ``failed_error``), ``add_edit`` / ``add_button`` /
    ``remove_button``, ``failovers`` (a checkable list; item data ``ID_ROLE`` is the
    service id), ``message`` (the status bar's callback).
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
        self.message = lambda _text: None
        self._syncing = False

        column = QVBoxLayout(self)
        column.setContentsMargins(6, 4, 6, 6)
        column.setSpacing(4)
        # Names and typed text are shown as written: never read as Qt rich text.
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-weight: bold; padding: 2px 0;")
        column.addWidget(self.heading)
        self.hint = QLabel()
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {style.MUTED_TEXT};")
        column.addWidget(self.hint)

        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(4)
        column.addWidget(self.body, 1)

        declared = QHBoxLayout()
        declared_label = QLabel("Declared af&ter (h:mm):")
        self.declared_edit = QLineEdit()
        self.declared_edit.setObjectName("field-declared_after_minutes")
        self.declared_edit.setToolTip(
            "No recovery task starts before the incident is declared, except the "
            "automatic failovers below"
        )
        declared_label.setBuddy(self.declared_edit)
        self.declared_edit.editingFinished.connect(self._commit_declared)
        self.declared_edit.textEdited.connect(lambda _t: self._set_error(self.declared_error, ""))
        declared.addWidget(declared_label)
        declared.addWidget(self.declared_edit, 1)
        body.addLayout(declared)
        self.declared_error = self._error_label()
        body.addWidget(self.declared_error)

        tests = QHBoxLayout()
        self.untested_box = QCheckBox("&Untested failovers fail")
        self.untested_box.setObjectName("field-untested_failovers_fail")
        self.untested_box.setToolTip(
            "Checked, a failover never tested, or tested longer ago than the plan's limit on "
            "the date at the right, is not available: the service restores instead"
        )
        self.untested_box.toggled.connect(self._untested_toggled)
        as_of_label = QLabel("as &of:")
        self.as_of_edit = QLineEdit()
        self.as_of_edit.setObjectName("field-as_of")
        self.as_of_edit.setPlaceholderText("today")
        self.as_of_edit.setToolTip(
            "The scenario's date (2026-03-01), against which failover tests are aged; blank: today"
        )
        self.as_of_edit.setMaximumWidth(self.fontMetrics().horizontalAdvance("0000-00-00") + 20)
        as_of_label.setBuddy(self.as_of_edit)
        self.as_of_edit.editingFinished.connect(self._commit_as_of)
        self.as_of_edit.textEdited.connect(lambda _t: self._set_error(self.as_of_error, ""))
        tests.addWidget(self.untested_box)
        tests.addStretch(1)
        tests.addWidget(as_of_label)
        tests.addWidget(self.as_of_edit)
        body.addLayout(tests)
        self.as_of_error = self._error_label()
        body.addWidget(self.as_of_error)

        failed_label = QLabel("Failed &items and when they are back:")
        body.addWidget(failed_label)
        self.failed_model = FailedModel(self)
        self.table = QTableView()
        failed_label.setBuddy(self.table)
        self.table.setModel(self.failed_model)
        self.table.setItemDelegate(_MarkingDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_ITEM, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_BACK, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(COL_BACK, self.fontMetrics().horizontalAdvance("T+0000:00") + 16)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.selectionModel().currentChanged.connect(self._update_buttons)
        self.failed_model.refused.connect(self._failed_refused)
        self.failed_model.accepted.connect(lambda: self._set_error(self.failed_error, ""))
        self.failed_model.modelReset.connect(self._update_buttons)
        body.addWidget(self.table, 3)
        self.failed_error = self._error_label()
        body.addWidget(self.failed_error)

        adding = QHBoxLayout()
        self.add_edit = QLineEdit()
        self.add_edit.setObjectName("field-add_failed")
        self.add_edit.setPlaceholderText("id of a site, rack, server or domain")
        self._completions = QStringListModel(self)
        completer = QCompleter(self._completions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.add_edit.setCompleter(completer)
        self.add_edit.returnPressed.connect(self.add_typed)
        self.add_edit.textEdited.connect(lambda _t: self._set_error(self.add_error, ""))
        self.add_button = QPushButton("A&dd")
        self.add_button.clicked.connect(self.add_typed)
        self.remove_button = QPushButton("&Remove")
        self.remove_button.setToolTip("Take the selected items off the failed list (Delete)")
        self.remove_button.clicked.connect(self.remove_selected)
        adding.addWidget(self.add_edit, 1)
        adding.addWidget(self.add_button)
        adding.addWidget(self.remove_button)
        body.addLayout(adding)
        self.add_error = self._error_label()
        body.addWidget(self.add_error)
        delete = [QKeySequence.StandardKey.Delete]
        self.delete_action = view_action(
            self.table, "Remove failed item", self.remove_selected, delete
        )

        failovers_label = QLabel("Automatic fail&overs (no wait for the declaration):")
        failovers_label.setWordWrap(True)
        body.addWidget(failovers_label)
        self.failovers = QListWidget()
        failovers_label.setBuddy(self.failovers)
        self.failovers.itemChanged.connect(self._failover_toggled)
        body.addWidget(self.failovers, 2)
        self.no_failovers = QLabel("No service can fail over (none has a failover time).")
        self.no_failovers.setStyleSheet(f"color: {style.MUTED_TEXT};")
        body.addWidget(self.no_failovers)

        document.changed.connect(self._plan_changed)
        recovery.scenarioChanged.connect(self._scenario_changed)
        self._failover_rows: dict[str, QListWidgetItem] = {}
        self._fill_failovers()
        self._scenario_changed()

    # ------------------------------------------------------------------ helpers

    def _error_label(self) -> QLabel:
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setStyleSheet(f"color: {style.INVALID};")
        label.setVisible(False)
        return label

    def _set_error(self, label: QLabel, text: str) -> None:
        label.setText(text)
        label.setVisible(bool(text))
        if label is self.declared_error:
            self.declared_edit.setStyleSheet(INVALID_STYLE if text else "")
        elif label is self.as_of_error:
            self.as_of_edit.setStyleSheet(INVALID_STYLE if text else "")
        elif label is self.add_error:
            self.add_edit.setStyleSheet(INVALID_STYLE if text else "")
        if text:
            self.message(text)

    def scenario(self) -> Scenario | None:
        """The scenario being edited: the Recovery view's, if it is a named one."""
        scenario_id = self.recovery.scenario_id
        return self.document.plan.scenario(scenario_id) if scenario_id else None

    def push(self, edit: Edit) -> str | None:
        """Push ``edit``; None when done, else why it was refused."""
        return self.document.push_or_refusal(edit, origin=self)

    # ------------------------------------------------------------------ model -> widgets

    def _scenario_changed(self) -> None:
        scenario = self.scenario()
        self.body.setVisible(scenario is not None)
        if scenario is None:
            self.heading.setText("Scenario")
            adhoc = bool(self.recovery.adhoc_failed)
            self.hint.setText(
                "Ad-hoc failures have no times to edit: add a scenario from them "
                "(Scenario > Add scenario from failures) and edit it here."
                if adhoc
                else "Choose a scenario in the Recovery view to edit what fails, when it "
                "is back and when the incident is declared."
            )
            self.hint.setVisible(True)
        else:
            self.hint.setVisible(False)
            for label in (self.declared_error, self.failed_error, self.add_error, self.as_of_error):
                self._set_error(label, "")
            self.failed_model.errors.clear()
        self._refresh_scenario()

    def _refresh_scenario(self) -> None:
        scenario = self.scenario()
        if scenario is None:
            self.failed_model.reload()
            return
        self.heading.setText(f"Scenario {scenario.name.strip() or scenario.id}")
        shown = clock(scenario.declared_after_minutes)
        # What the user typed and did not commit stays; a refused text is replaced by
        # the plan's value once the plan changes it (an undo, say).
        typing = self.declared_edit.isModified() and not self.declared_error.isVisible()
        if not typing and self.declared_edit.text() != shown:
            self.declared_edit.setText(shown)
            self._set_error(self.declared_error, "")
        self._syncing = True
        try:
            self.untested_box.setChecked(bool(scenario.untested_failovers_fail))
        finally:
            self._syncing = False
        as_of = scenario.as_of.isoformat() if scenario.as_of is not None else ""
        typing_date = self.as_of_edit.isModified() and not self.as_of_error.isVisible()
        if not typing_date and self.as_of_edit.text() != as_of:
            self.as_of_edit.setText(as_of)
            self._set_error(self.as_of_error, "")
        self.failed_model.reload()
        self._update_buttons()
        self._show_failovers()

    def _show_failovers(self) -> None:
        """Every row again (the scenario's date or the plan's test age changed)."""
        self._syncing = True
        try:
            for row in self._failover_rows.values():
                self._show_failover(row)
        finally:
            self._syncing = False

    def _plan_changed(self, change: Change | None, _origin: object = None) -> None:
        scenario_id = self.recovery.scenario_id
        if change is None:
            self._completions.setStringList([])
            self._fill_failovers()
            self._scenario_changed()
            return
        if change.added or change.removed:
            # Made again now if shown, else when next shown.
            self._completions.setStringList(self.completions() if self.isVisible() else [])
        if (
            "scenario" in change.kinds
            and scenario_id is not None
            and (
                scenario_id in change.changed_ids("scenario")
                or scenario_id in change.added_ids("scenario")
            )
        ):
            self._refresh_scenario()
        elif any(k in change.kinds for k in _NAMED_KINDS) and self.failed_model.ids:
            shown = set(self.failed_model.ids)
            touched = {i for k, i, _ in change.changed if k in _NAMED_KINDS}
            touched |= {i for k, i in change.added | change.removed if k in _NAMED_KINDS}
            if touched & shown:
                self.failed_model.reload()
        if "service" in change.kinds:
            self._update_failovers(change)
        if "plan" in change.kinds:
            self._show_failovers()  # the failover test age may have changed

    def _fill_failovers(self) -> None:
        self._syncing = True
        try:
            self.failovers.clear()
            self._failover_rows = {}
            for service in self.document.plan.services:
                if service.failover_minutes is None or service.id in self._failover_rows:
                    continue
                row = QListWidgetItem()
                row.setData(ID_ROLE, service.id)
                row.setFlags(
                    Qt.ItemFlag.ItemIsEnabled
                    | Qt.ItemFlag.ItemIsSelectable
                    | Qt.ItemFlag.ItemIsUserCheckable
                )
                row.setCheckState(Qt.CheckState.Unchecked)  # the box shows even when unticked
                self._failover_rows[service.id] = row
                self.failovers.addItem(row)
                self._show_failover(row)
        finally:
            self._syncing = False
        self.no_failovers.setVisible(not self._failover_rows)
        self.failovers.setVisible(bool(self._failover_rows))

    def _show_failover(self, row: QListWidgetItem) -> None:
        service = self.document.plan.service(row.data(ID_ROLE))
        if service is None:
            return
        name = service.name.strip() or service.id
        plan, scenario = self.document.plan, self.scenario()
        as_of = scenario.as_of if scenario is not None and scenario.as_of else date.today()
        stale = data_words.failover_test_stale(service, as_of, plan.failover_test_max_age_days)
        tested = service.failover_tested_on
        untested = ", untested" if stale else ""
        row.setText(f"{name}  (failover {clock(service.failover_minutes)}{untested})")
        row.setToolTip(
            f"{service.id}: checked, it fails over at T+0 without waiting for the "
            "declaration (the switch is automatic)\n"
            + (f"Failover last tested {tested.isoformat()}" if tested else "Failover never tested")
            + (
                f"; more than {plan.failover_test_max_age_days} days before {as_of.isoformat()}"
                if stale and tested
                else ""
            )
        )
        state = Qt.CheckState.Checked if service.automatic_failover else Qt.CheckState.Unchecked
        if row.checkState() != state:
            row.setCheckState(state)

    def _update_failovers(self, change: Change) -> None:
        """Rows of services added, removed or whose failover changed; others stay."""
        if (
            change.added_ids("service")
            or change.removed_ids("service")
            or any(
                name in ("id", "failover_minutes")
                for k, _, name in change.changed
                if k == "service"
            )
        ):
            self._fill_failovers()
            return
        self._syncing = True
        try:
            for service_id in change.changed_ids("service"):
                row = self._failover_rows.get(service_id)
                if row is not None:
                    self._show_failover(row)
        finally:
            self._syncing = False

    def _update_buttons(self, *_args: object) -> None:
        self.remove_button.setEnabled(bool(self._selected_ids()))

    # ------------------------------------------------------------------ gestures

    def _commit_declared(self) -> None:
        scenario = self.scenario()
        if scenario is None:
            return
        text = self.declared_edit.text()
        if text.strip() == clock(scenario.declared_after_minutes):
            self._set_error(self.declared_error, "")
            return
        try:
            minutes = fields.parse("scenario", "declared_after_minutes", text)
        except fields.ParseError as error:
            self._set_error(self.declared_error, f"Declared after: {error}")
            return
        if minutes == scenario.declared_after_minutes:
            self.declared_edit.setText(clock(minutes))
            self._set_error(self.declared_error, "")
            return
        try:
            edit = scenario_edits.set_declared_after(self.document.plan, scenario.id, minutes)
        except EditRefused as refusal:
            self._set_error(self.declared_error, f"Declared after: {refusal}")
            return
        refusal = self.push(edit)
        self._set_error(self.declared_error, f"Declared after: {refusal}" if refusal else "")
        self.declared_edit.setModified(False)

    def _untested_toggled(self, checked: bool) -> None:
        scenario = self.scenario()
        if self._syncing or scenario is None or bool(scenario.untested_failovers_fail) == checked:
            return
        try:
            edit = copy_edits.set_untested_failovers_fail(self.document.plan, scenario.id, checked)
        except EditRefused as refusal:
            self.message(str(refusal))
            return
        if self.push(edit) is not None:
            self._refresh_scenario()

    def _commit_as_of(self) -> None:
        scenario = self.scenario()
        if scenario is None:
            return
        try:
            when = fields.parse("scenario", "as_of", self.as_of_edit.text())
        except fields.ParseError as error:
            self._set_error(self.as_of_error, f"As of: {error}")
            return
        self.as_of_edit.setModified(False)
        if when == scenario.as_of:
            self.as_of_edit.setText(when.isoformat() if when is not None else "")
            self._set_error(self.as_of_error, "")
            return
        try:
            edit = copy_edits.set_as_of(self.document.plan, scenario.id, when)
        except EditRefused as refusal:
            self._set_error(self.as_of_error, f"As of: {refusal}")
            return
        refusal = self.push(edit)
        self._set_error(self.as_of_error, f"As of: {refusal}" if refusal else "")

    def _failed_refused(self, text: str) -> None:
        self._set_error(self.failed_error, text)

    def _selected_ids(self) -> list[str]:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        return [self.failed_model.ids[r] for r in sorted(rows) if r < len(self.failed_model.ids)]

    def completions(self) -> list[str]:
        """Ids a scenario may fail, for the Add field's completer (made when needed): the
        same sites, domains, racks and servers a data copy may live on."""
        return copy_edits.location_ids(self.document.plan)

    def add_typed(self) -> bool:
        """Fail the items typed in the Add field (ids, commas between)."""
        scenario = self.scenario()
        if scenario is None:
            return False
        text = self.add_edit.text()
        ids = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
        try:
            edit = scenario_edits.add_failed(self.document.plan, scenario.id, ids)
        except EditRefused as refusal:
            self._set_error(self.add_error, f"Add failed item: {refusal}")
            return False
        refusal = self.push(edit)
        if refusal is not None:
            self._set_error(self.add_error, f"Add failed item: {refusal}")
            return False
        self._set_error(self.add_error, "")
        self.add_edit.clear()
        return True

    def remove_selected(self) -> bool:
        scenario = self.scenario()
        ids = self._selected_ids()
        if scenario is None or not ids:
            return False
        try:
            edit = scenario_edits.remove_failed(self.document.plan, scenario.id, ids)
        except EditRefused as refusal:
            self._set_error(self.failed_error, str(refusal))
            return False
        return self.push(edit) is None

    def _failover_toggled(self, row: QListWidgetItem) -> None:
        if self._syncing:
            return
        service_id = row.data(ID_ROLE)
        automatic = row.checkState() == Qt.CheckState.Checked
        service = self.document.plan.service(service_id)
        if service is None or service.automatic_failover == automatic:
            return
        try:
            edit = scenario_edits.set_automatic_failover(self.document.plan, service_id, automatic)
        except EditRefused as refusal:
            self.message(str(refusal))
            self._syncing = True
            self._show_failover(row)
            self._syncing = False
            return
        if self.push(edit) is not None:
            self._syncing = True
            self._show_failover(row)
            self._syncing = False

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._completions.stringList():
            self._completions.setStringList(self.completions())


__all__ = ["ERROR_ROLE", "ID_ROLE", "FailedModel", "ScenarioEditor"]
