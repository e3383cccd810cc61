"""The properties dock: edits whatever is selected; several items edit their shared fields.

Each field's editor pushes one edit when the user finishes typing (a ``SetFields``, or
a ``Composite`` of them for a multi-selection); a value that does not parse is refused
with a message and nothing changes. Fields whose values differ across the selection show
"(various)" and are left alone unless edited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from planner.gui.document import PlanDocument
from planner.model.edits import PLAN_ID, Composite, RenameId, SetFields
from planner.model.edits.base import items_of

VARIOUS = "(various)"


class ParseError(ValueError):
    """The text typed into a field is not a valid value; the message says why."""


def _text(value: str) -> str:
    return value


def _optional_text(value: str) -> str | None:
    return value if value.strip() else None


def _int(value: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise ParseError(f"'{value}' is not a whole number") from None


def _number(value: str) -> int | float:
    try:
        number = float(value.strip().replace(",", "."))
    except ValueError:
        raise ParseError(f"'{value}' is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ParseError(f"'{value}' is not a finite number")
    return int(number) if number.is_integer() else number


def _optional_number(value: str) -> int | float | None:
    return _number(value) if value.strip() else None


def _id_list(value: str) -> list[str]:
    return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]


def _needs(value: str) -> dict[str, int]:
    needs: dict[str, int] = {}
    for part in _id_list(value):
        pool, _, units = part.partition("=")
        if not units:
            raise ParseError(f"'{part}': write pool=units, e.g. dba=1")
        needs[pool.strip()] = _int(units)
    return needs


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


# kind -> [(field, label, parser)]; multi-line fields use None as the parser marker below
FIELDS: dict[str, list[tuple[str, str, Callable[[str], Any]]]] = {
    "plan": [("name", "Plan name", _text), ("notes", "Notes", _optional_text)],
    "site": [
        ("name", "Name", _text),
        ("color", "Colour", _optional_text),
        ("notes", "Notes", _optional_text),
    ],
    "rack": [
        ("name", "Name", _text),
        ("site", "Site", _text),
        ("units", "Units", _int),
        ("notes", "Notes", _optional_text),
    ],
    "server": [
        ("name", "Name", _text),
        ("rack", "Rack", _text),
        ("position", "Lowest unit", _int),
        ("height", "Height (U)", _int),
        ("notes", "Notes", _optional_text),
    ],
    "pool": [
        ("name", "Name", _text),
        ("capacity", "Capacity", _int),
        ("notes", "Notes", _optional_text),
    ],
    "service": [
        ("name", "Name", _text),
        ("tier", "Tier (0-3)", _int),
        ("rto_minutes", "RTO (min)", _optional_number),
        ("restore_minutes", "Restore (min)", _number),
        ("failover_minutes", "Failover (min)", _optional_number),
        ("min_instances", "Min. instances", _int),
        ("servers", "Active on", _id_list),
        ("standby_servers", "Standby on", _id_list),
        ("depends_on", "Depends on", _id_list),
        ("needs", "Needs (pool=units)", _needs),
        ("owner", "Owner", _optional_text),
        ("team", "Team", _optional_text),
        ("notes", "Notes", _optional_text),
        ("steps", "Runbook steps", _text),  # one per line, edited in a text box
    ],
    "scenario": [
        ("name", "Name", _text),
        ("failed", "Failed items", _id_list),
        ("notes", "Notes", _optional_text),
    ],
}
_MULTILINE = {"notes", "steps"}


class PropertiesPanel(QWidget):
    """Shows and edits the selected items (or the plan itself when nothing is selected)."""

    def __init__(self, document: PlanDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.message: Callable[[str], None] = lambda _text: None
        self.editors: dict[str, QLineEdit | QPlainTextEdit] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-weight: bold; padding: 6px;")
        outer.addWidget(self.heading)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.form_host = QWidget()
        column = QVBoxLayout(self.form_host)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        column.addLayout(self.form)
        column.addStretch(1)  # fields stay at the top instead of spreading down the dock
        scroll.setWidget(self.form_host)
        outer.addWidget(scroll)
        self._shown: tuple[str, tuple[str, ...]] = ("", ())
        document.selectionChanged.connect(self._selection_changed)
        document.changed.connect(self._plan_changed)
        self.rebuild()

    def _selection_changed(self, _selection: list) -> None:
        self.rebuild()

    def _plan_changed(self, _change: object) -> None:
        kind, items = self.targets()
        if (kind, tuple(getattr(i, "id", "") for i in items)) != self._shown:
            self.rebuild()  # the edited items were renamed or deleted
        else:
            self.refresh()

    # ------------------------------------------------------------------ what is edited

    def targets(self) -> tuple[str, list[Any]]:
        """The kind and items being edited: the selection if it is of one kind."""
        selection = self.document.selection
        kinds = {kind for kind, _ in selection}
        if len(kinds) != 1:
            return "plan", [self.document.plan]
        kind = kinds.pop()
        wanted = {item_id for _, item_id in selection}
        items = [item for item in items_of(self.document.plan, kind) if item.id in wanted]
        return (kind, items) if items else ("plan", [self.document.plan])

    def rebuild(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors = {}
        kind, items = self.targets()
        self._shown = (kind, tuple(getattr(i, "id", "") for i in items))
        if kind == "plan":
            mixed = len({k for k, _ in self.document.selection}) > 1
            self.heading.setText("Mixed selection: showing the plan" if mixed else "Plan")
        elif len(items) == 1:
            self.heading.setText(f"{kind.capitalize()} {items[0].id}")
        else:
            self.heading.setText(f"{len(items)} {kind}s: shared fields")
        if kind != "plan" and len(items) == 1:
            id_edit = QLineEdit(items[0].id)
            id_edit.setObjectName("field-id")
            id_edit.editingFinished.connect(lambda e=id_edit: self._rename(kind, e))
            self.form.addRow("Id", id_edit)
            self.editors["id"] = id_edit
        for name, label, parser in FIELDS[kind]:
            editor: QLineEdit | QPlainTextEdit
            if name in _MULTILINE:
                editor = QPlainTextEdit()
                editor.setFixedHeight(70 if name == "notes" else 90)
                editor.installEventFilter(self)
            else:
                editor = QLineEdit()
                editor.editingFinished.connect(
                    lambda n=name, p=parser, e=editor: self._commit(n, p, e.text())
                )
            editor.setObjectName(f"field-{name}")
            self.form.addRow(label, editor)
            self.editors[name] = editor
        self.refresh()

    def refresh(self) -> None:
        kind, items = self.targets()
        if kind != "plan" and not items:
            return
        for name, editor in self.editors.items():
            values = [getattr(item, name) for item in items]
            if name == "steps":
                text = "\n".join(values[0]) if len(items) == 1 else ""
            else:
                text = _show(values[0]) if all(v == values[0] for v in values) else ""
            various = len(items) > 1 and any(v != values[0] for v in values)
            if isinstance(editor, QLineEdit):
                if editor.text() != text and not editor.hasFocus():
                    editor.setText(text)
                editor.setPlaceholderText(VARIOUS if various else "")
            elif editor.toPlainText() != text and not editor.hasFocus():
                editor.setPlainText(text)

    # ------------------------------------------------------------------ editing

    def eventFilter(self, watched: Any, event: Any) -> bool:
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.FocusOut and isinstance(watched, QPlainTextEdit):
            name = watched.objectName().removeprefix("field-")
            text = watched.toPlainText()
            if name == "steps":
                self._commit_value(name, [line for line in text.splitlines() if line.strip()])
            else:
                self._commit_value(name, text if text.strip() else None)
        return super().eventFilter(watched, event)

    def _commit(self, name: str, parser: Callable[[str], Any], text: str) -> None:
        _kind, items = self.targets()
        if (
            len(items) > 1
            and not text
            and any(getattr(i, name) != getattr(items[0], name) for i in items)
        ):
            return  # "(various)" left untouched
        try:
            value = parser(text)
        except ParseError as error:
            self.message(f"{name}: {error}")
            self.refresh()
            return
        self._commit_value(name, value)

    def _commit_value(self, name: str, value: Any) -> None:
        kind, items = self.targets()
        changed = [item for item in items if getattr(item, name) != value]
        if not changed:
            return
        edits = [
            SetFields(kind, PLAN_ID if kind == "plan" else item.id, **{name: value})
            for item in changed
        ]
        edit = (
            edits[0] if len(edits) == 1 else Composite(f"Set {name} of {len(edits)} {kind}s", edits)
        )
        self.document.push(edit)

    def _rename(self, kind: str, editor: QLineEdit) -> None:
        _, items = self.targets()
        new = editor.text().strip()
        if len(items) != 1 or new == items[0].id:
            return
        old = items[0].id
        if self.document.push(RenameId(kind, old, new)):
            self.document.select([(kind, new)])
        else:
            editor.setText(old)
