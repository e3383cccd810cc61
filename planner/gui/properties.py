"""The properties dock: edits whatever is selected; several items edit their shared fields.

Each field's editor pushes one edit when the user finishes typing (a ``SetFields``, or
a ``Composite`` of them for a multi-selection), and only when its text was changed; a
value that does not parse, or an edit the plan refuses (a dependency cycle), is shown at
the field (red border, the message under it) and in the status bar, and nothing
changes; the mark goes when the field is fixed. Fields whose values differ across the
selection show "(various)" and are left alone unless edited. Which fields a kind shows,
their labels, how typed text is parsed and how a value is shown all come from the
field registry (:mod:`planner.model.fields`), as in the services table: durations are
``h:mm`` and accept ``90`` or ``1:30``, a tier is 0-3, a name cannot be blank.

Undo and redo keys in a field whose text is unchanged go to the window (the plan's
undo), not to the field's own text history, so window shortcuts work from the form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from planner.gui import style
from planner.gui.document import PlanDocument
from planner.model import fields
from planner.model.edits import PLAN_ID, Composite, RenameId, SetFields
from planner.model.edits.base import items_of

VARIOUS = "(various)"
ParseError = fields.ParseError  # what a field's parser raises; the message is for the user

# kind -> the fields its form shows, in order: labels, parsers and formatters are the
# registry's (planner.model.fields), the same as the services table's.
FIELDS: dict[str, list[fields.Field]] = {kind: fields.form_fields(kind) for kind in fields.KINDS}
INVALID_STYLE = f"border: 1px solid {style.INVALID};"


class PropertiesPanel(QWidget):
    """Shows and edits the selected items (or the plan itself when nothing is selected).

    Public: ``editors`` (field name -> editor, ``"id"`` included), ``errors`` (field
    name -> the message shown under it), ``scroll`` (the form's scroll area, back at the
    top on every new selection), ``message`` (the status bar's callback).
    """

    def __init__(self, document: PlanDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.message: Callable[[str], None] = lambda _text: None
        self.editors: dict[str, QLineEdit | QPlainTextEdit] = {}
        self.errors: dict[str, str] = {}
        self._error_labels: dict[str, QLabel] = {}
        self._shown_text: dict[str, str] = {}  # what refresh() put in each editor
        self._refusals: list[str] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-weight: bold; padding: 4px 6px;")
        outer.addWidget(self.heading)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.form_host = QWidget()
        column = QVBoxLayout(self.form_host)
        column.setContentsMargins(6, 0, 6, 6)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setVerticalSpacing(4)
        column.addLayout(self.form)
        column.addStretch(1)  # fields stay at the top instead of spreading down the dock
        self.scroll.setWidget(self.form_host)
        outer.addWidget(self.scroll)
        self._shown: tuple[str, tuple[str, ...]] = ("", ())
        document.selectionChanged.connect(self._selection_changed)
        document.changed.connect(self._plan_changed)
        document.refused.connect(self._refusals.append)
        self.rebuild()

    def _selection_changed(self, _selection: list) -> None:
        self.rebuild()

    def _plan_changed(self, _change: object, _origin: object = None) -> None:
        # Its own edits too: the refresh shows the value as stored ("90" as "1:30").
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
        self.editors, self.errors, self._error_labels, self._shown_text = {}, {}, {}, {}
        kind, items = self.targets()
        shown = (kind, tuple(getattr(i, "id", "") for i in items))
        if shown != self._shown:
            self.scroll.verticalScrollBar().setValue(0)  # a new selection starts at the top
        self._shown = shown
        if kind == "plan":
            mixed = len({k for k, _ in self.document.selection}) > 1
            self.heading.setText("Mixed selection: showing the plan" if mixed else "Plan")
        elif len(items) == 1:
            self.heading.setText(f"{kind.capitalize()} {items[0].id}")
        else:
            self.heading.setText(f"{len(items)} {kind}s: shared fields")
        if kind != "plan" and len(items) == 1:
            id_edit = QLineEdit(items[0].id)
            id_edit.editingFinished.connect(lambda e=id_edit: self._rename(kind, e))
            self._add_row("id", "Id", id_edit)
            self._shown_text["id"] = items[0].id
        for field in FIELDS[kind]:
            editor: QLineEdit | QPlainTextEdit
            if field.lines > 1:
                editor = QPlainTextEdit()
                editor.setFixedHeight(editor.fontMetrics().lineSpacing() * field.lines + 12)
            else:
                editor = QLineEdit()
                editor.editingFinished.connect(
                    lambda n=field.name, e=editor: self._commit(n, e.text())
                )
            self._add_row(field.name, field.form_label, editor)
        self.refresh()

    def _add_row(self, name: str, label: str, editor: QLineEdit | QPlainTextEdit) -> None:
        """A form row: the editor with its error line (hidden until there is an error)."""
        editor.setObjectName(f"field-{name}")
        editor.installEventFilter(self)
        error = QLabel()
        error.setObjectName(f"error-{name}")
        error.setWordWrap(True)
        error.setStyleSheet(f"color: {style.INVALID};")
        self.form.addRow(label, editor)
        self.form.addRow(error)  # under the field, the dock's full width
        self.form.setRowVisible(error, False)
        self.editors[name] = editor
        self._error_labels[name] = error

    def refresh(self) -> None:
        """Show the model's values; a field holding the user's unfinished text keeps it."""
        kind, items = self.targets()
        if kind != "plan" and not items:
            return
        for name, editor in self.editors.items():
            if name == "id":
                continue
            field = fields.get(kind, name)
            values = [getattr(item, name) for item in items]
            shared = all(v == values[0] for v in values)
            if field.lines > 1 and field.type.is_list:
                shared = len(items) == 1  # a list of lines is edited for one item at a time
            text = field.format(values[0]) if shared else ""
            various = len(items) > 1 and any(v != values[0] for v in values)
            if not self.is_dirty(name):
                if _text_of(editor) != text:
                    _set_text(editor, text)
                self._shown_text[name] = text
            if isinstance(editor, QLineEdit):
                editor.setPlaceholderText(VARIOUS if various else "")

    def is_dirty(self, name: str) -> bool:
        """Whether the field holds text the user typed and has not committed."""
        editor = self.editors[name]
        return name in self._shown_text and _text_of(editor) != self._shown_text[name]

    # ------------------------------------------------------------------ field errors

    def show_error(self, name: str, text: str) -> None:
        """Mark a field as refused: red border, ``text`` under it, and (with the field's
        label) the status bar."""
        self.errors[name] = text
        self.editors[name].setStyleSheet(INVALID_STYLE)
        label = self._error_labels[name]
        label.setText(text)
        self.form.setRowVisible(label, True)
        self.message(f"{self._label(name)}: {text}")

    def error_label(self, name: str) -> QLabel:
        """The line under a field that says why its value was refused."""
        return self._error_labels[name]

    def clear_error(self, name: str) -> None:
        if self.errors.pop(name, None) is not None:
            self.editors[name].setStyleSheet("")
            self.form.setRowVisible(self._error_labels[name], False)

    # ------------------------------------------------------------------ editing

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        name = watched.objectName().removeprefix("field-")
        if name not in self.editors or self.editors[name] is not watched:
            return super().eventFilter(watched, event)
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            keys = QKeySequence.StandardKey
            if (event.matches(keys.Undo) or event.matches(keys.Redo)) and not self.is_dirty(name):
                # Nothing typed here to undo: let the window's Undo/Redo have the key.
                event.ignore()
                return True
        elif event.type() == QEvent.Type.FocusOut and isinstance(watched, QPlainTextEdit):
            self._commit_text(name, watched.toPlainText())
        return super().eventFilter(watched, event)

    def commit_pending(self) -> None:
        """Commit what the user is typing in a field, before a window action uses the plan
        (Ctrl+S while typing saves what was typed)."""
        for name, editor in list(self.editors.items()):
            if editor.hasFocus() and self.is_dirty(name):
                if isinstance(editor, QPlainTextEdit):
                    self._commit_text(name, editor.toPlainText())
                else:
                    editor.editingFinished.emit()  # the commit may rebuild the form
                return

    def _commit_text(self, name: str, text: str) -> None:
        self._commit(name, text)

    def _commit(self, name: str, text: str) -> None:
        if name not in self.editors:
            return
        if not self.is_dirty(name):
            self.clear_error(name)  # back to the plan's value (or "(various)" untouched)
            return
        kind, _ = self.targets()
        try:
            value = fields.parse(kind, name, text)
        except ParseError as error:
            self.show_error(name, str(error))
            return
        self._commit_value(name, value)

    def _commit_value(self, name: str, value: Any) -> None:
        kind, items = self.targets()
        changed = [item for item in items if getattr(item, name) != value]
        if not changed:
            self._shown_text.pop(name, None)  # same value typed another way: show it tidily
            self.clear_error(name)
            self.refresh()
            return
        # The Undo menu names the field as the form does ("Set RTO of Payments").
        what = fields.label(kind, name)
        edits = [
            SetFields(
                kind,
                PLAN_ID if kind == "plan" else item.id,
                label=f"Set {what} of {_called(kind, item)}",
                **{name: value},
            )
            for item in changed
        ]
        edit = (
            edits[0] if len(edits) == 1 else Composite(f"Set {what} of {len(edits)} {kind}s", edits)
        )
        typed = self._shown_text.pop(name, None)  # the refresh after the edit shows the value
        del self._refusals[:]
        if self.document.push(edit):
            self.clear_error(name)
            return
        if name in self.editors:
            if typed is not None:
                self._shown_text[name] = typed
            self.show_error(name, self._refusals[-1] if self._refusals else "refused")

    def _label(self, name: str) -> str:
        kind, _ = self.targets()
        labels = {field.name: field.form_label for field in FIELDS[kind]}
        return labels.get(name, "Id")

    def _rename(self, kind: str, editor: QLineEdit) -> None:
        _, items = self.targets()
        new = editor.text().strip()
        if len(items) != 1 or new == items[0].id:
            self.clear_error("id")
            return
        old = items[0].id
        del self._refusals[:]
        if self.document.push(RenameId(kind, old, new)):
            self.document.select([(kind, new)])
        elif "id" in self.editors:
            self.show_error("id", self._refusals[-1] if self._refusals else "refused")


def _text_of(editor: QLineEdit | QPlainTextEdit) -> str:
    return editor.text() if isinstance(editor, QLineEdit) else editor.toPlainText()


def _set_text(editor: QLineEdit | QPlainTextEdit, text: str) -> None:
    if isinstance(editor, QLineEdit):
        editor.setText(text)
        if not editor.hasFocus():
            editor.setCursorPosition(0)  # a long value shows its start
    else:
        editor.setPlainText(text)


def _called(kind: str, item: Any) -> str:
    """How the Undo menu names an item: its name, else its id; the plan is "the plan"."""
    if kind == "plan":
        return "the plan"
    return str(item.name).strip() or str(item.id)
