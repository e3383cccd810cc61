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

from PySide6.QtCore import QEvent, QObject, QSize, Qt
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
from planner.layout import domains as domain_rules
from planner.model import fields
from planner.model.edits import PLAN_ID, Composite, RenameId, SetFields
from planner.model.edits.base import items_of

VARIOUS = "(various)"
ParseError = fields.ParseError  # what a field's parser raises; the message is for the user

# kind -> the fields its form shows, in order: labels, parsers and formatters are the
# registry's (planner.model.fields), the same as the services table's. A rack's and a
# server's domains are shown by kind instead (one row per kind, see below).
FIELDS: dict[str, list[fields.Field]] = {
    kind: [f for f in fields.form_fields(kind) if f.name != "domains"] for kind in fields.KINDS
}
#: Kinds whose form shows failure-domain membership, one row per domain kind.
MEMBER_KINDS = ("rack", "server")
INVALID_STYLE = f"border: 1px solid {style.INVALID};"
DOCK_WIDTH_CHARS = 42  # the widest the panel asks to be, in digits of its font
SHORT_HINT = 6  # a field's hint or unit longer than this goes in the field, not the label


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
        #: Domain kind -> the editor of the item's domains of that kind (one rack or server).
        self.domain_editors: dict[str, QLineEdit] = {}
        #: Domain kind -> the domains a server has through its rack (read-only).
        self.inherited: dict[str, QLabel] = {}
        self._error_labels: dict[str, QLabel] = {}
        self._shown_text: dict[str, str] = {}  # what refresh() put in each editor
        self._hints: dict[str, str] = {}  # field name -> the hint its field shows, not its label
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
        self.rebuild()

    def sizeHint(self) -> QSize:
        # The dock's width is its own, not that of the longest label or hint a form may
        # show (the plan's "Failover test max. age" made it 100 pixels wider): the
        # central views keep their room on a 1366-pixel screen; a long row elides.
        hint = super().sizeHint()
        cap = self.fontMetrics().horizontalAdvance("0") * DOCK_WIDTH_CHARS
        return QSize(min(hint.width(), cap), hint.height())

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
        if kind not in FIELDS:  # a kind the registry does not describe (yet)
            return "plan", [self.document.plan]
        wanted = {item_id for _, item_id in selection}
        items = [item for item in items_of(self.document.plan, kind) if item.id in wanted]
        return (kind, items) if items else ("plan", [self.document.plan])

    def rebuild(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors, self.errors, self._error_labels, self._shown_text = {}, {}, {}, {}
        self.domain_editors, self.inherited = {}, {}
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
        self._hints = {
            f.name: extra for f in FIELDS[kind] if len(extra := f.hint or f.unit or "") > SHORT_HINT
        }
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
        if kind in MEMBER_KINDS and len(items) == 1:
            self._add_domain_rows(kind, items[0])
        self.refresh()

    # ------------------------------------------------------------------ domain membership

    def _add_domain_rows(self, kind: str, item: Any) -> None:
        """One row per domain kind of the plan: the item's own domains of that kind
        (ids, commas between; editable), and for a server those of its rack (read-only)."""
        plan = self.document.plan
        kinds = domain_rules.kinds(plan)
        if not kinds:
            return
        title = QLabel("Failure domains")
        title.setStyleSheet("font-weight: bold; padding-top: 6px;")
        self.form.addRow(title)
        for domain_kind in kinds:
            editor = QLineEdit()
            name = f"domains:{domain_kind}"
            of_kind = [d.id for d in plan.domains if d.kind == domain_kind]
            editor.setToolTip(
                f"The {domain_rules.kind_word(domain_kind)}s this {kind} is in (ids, commas "
                f"between): {', '.join(of_kind)}"
            )
            editor.setPlaceholderText("none")
            editor.editingFinished.connect(
                lambda k=domain_kind, e=editor: self._commit_domains(k, e.text())
            )
            self.domain_editors[domain_kind] = editor
            self._add_row(name, domain_kind.capitalize(), editor)
            del self.editors[name]  # not a registry field: refreshed on its own
            if kind == "server":
                inherited = QLabel()
                inherited.setObjectName(f"inherited-{domain_kind}")
                inherited.setWordWrap(True)
                inherited.setStyleSheet(f"color: {style.MUTED_TEXT};")
                self.inherited[domain_kind] = inherited
                self.form.addRow("", inherited)
        self._refresh_domains()

    def _refresh_domains(self) -> None:
        kind, items = self.targets()
        if kind not in MEMBER_KINDS or len(items) != 1 or not self.domain_editors:
            return
        item, plan = items[0], self.document.plan
        own = list(item.domains or ())
        rack = plan.rack(item.rack) if kind == "server" else None
        from_rack = list(rack.domains or ()) if rack is not None else []
        for domain_kind, editor in self.domain_editors.items():
            text = ", ".join(domain_rules.domains_of_kind(plan, own, domain_kind))
            name = f"domains:{domain_kind}"
            if not (editor.isModified() and name in self.errors) and editor.text() != text:
                editor.setText(text)
                editor.setModified(False)
            label = self.inherited.get(domain_kind)
            if label is not None:
                shown = domain_rules.domains_of_kind(plan, from_rack, domain_kind)
                names = ", ".join(domain_rules.describe(plan, d) for d in shown)
                label.setText(
                    f"inherited from rack {rack.name.strip() or rack.id}: {names} (read-only)"
                    if shown and rack is not None
                    else "none inherited from its rack"
                )

    def _commit_domains(self, domain_kind: str, text: str) -> None:
        kind, items = self.targets()
        editor = self.domain_editors.get(domain_kind)
        if kind not in MEMBER_KINDS or len(items) != 1 or editor is None:
            return
        item, plan = items[0], self.document.plan
        name = f"domains:{domain_kind}"
        wanted = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
        of_kind = [d.id for d in plan.domains if d.kind == domain_kind]
        for domain_id in wanted:
            if domain_id not in of_kind:
                other = plan.domain(domain_id)
                why = (
                    f"'{domain_id}' is a {other.kind} domain, not a {domain_kind} domain"
                    if other is not None
                    else f"there is no failure domain '{domain_id}'"
                )
                self.show_error(name, f"{why} ({domain_kind}: {', '.join(of_kind) or 'none'})")
                return
        own = list(item.domains or ())
        keep = [d for d in own if d not in of_kind]
        new = keep + list(dict.fromkeys(wanted))
        if new == own:
            self.clear_error(name)
            editor.setModified(False)
            self._refresh_domains()
            return
        label = f"Set {domain_kind} domains of {_called(kind, item)}"
        refusal = self.document.push_or_refusal(SetFields(kind, item.id, label=label, domains=new))
        if refusal is None:
            self.clear_error(name)
            editor.setModified(False)
        else:
            self.show_error(name, refusal)

    def _add_row(self, name: str, label: str, editor: QLineEdit | QPlainTextEdit) -> None:
        """A form row: the editor with its error line (hidden until there is an error)."""
        editor.setObjectName(f"field-{name}")
        editor.installEventFilter(self)
        error = QLabel()
        error.setObjectName(f"error-{name}")
        error.setWordWrap(True)
        error.setStyleSheet(f"color: {style.INVALID};")
        # A long hint ("Failover tested on (YYYY-MM-DD; blank: never)") would push the
        # field out of the dock: the label keeps a short one, the field shows the rest.
        hint = self._hints.get(name, "")
        caption = QLabel(label if not hint else label.removesuffix(f" ({hint})"))
        caption.setObjectName(f"label-{name}")
        caption.setTextFormat(Qt.TextFormat.PlainText)
        caption.setBuddy(editor)
        if hint:
            caption.setToolTip(label)
            editor.setToolTip(label)
            if isinstance(editor, QLineEdit):
                editor.setPlaceholderText(hint)
        self.form.addRow(caption, editor)
        self.form.addRow(error)  # under the field, the dock's full width
        self.form.setRowVisible(error, False)
        self.editors[name] = editor
        self._error_labels[name] = error

    def refresh(self) -> None:
        """Show the model's values; a field holding the user's unfinished text keeps it."""
        kind, items = self.targets()
        if kind != "plan" and not items:
            return
        self._refresh_domains()
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
                editor.setPlaceholderText(VARIOUS if various else self._hints.get(name, ""))

    def is_dirty(self, name: str) -> bool:
        """Whether the field holds text the user typed and has not committed."""
        editor = self.editors[name]
        return name in self._shown_text and _text_of(editor) != self._shown_text[name]

    # ------------------------------------------------------------------ field errors

    def show_error(self, name: str, text: str) -> None:
        """Mark a field as refused: red border, ``text`` under it, and (with the field's
        label) the status bar."""
        self.errors[name] = text
        self._editor(name).setStyleSheet(INVALID_STYLE)
        label = self._error_labels[name]
        label.setText(text)
        self.form.setRowVisible(label, True)
        self.message(f"{self._label(name)}: {text}")

    def _editor(self, name: str) -> QLineEdit | QPlainTextEdit:
        if name.startswith("domains:"):
            return self.domain_editors[name.removeprefix("domains:")]
        return self.editors[name]

    def error_label(self, name: str) -> QLabel:
        """The line under a field that says why its value was refused."""
        return self._error_labels[name]

    def clear_error(self, name: str) -> None:
        if self.errors.pop(name, None) is not None:
            self._editor(name).setStyleSheet("")
            self.form.setRowVisible(self._error_labels[name], False)

    # ------------------------------------------------------------------ editing

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        name = watched.objectName().removeprefix("field-")
        if name.startswith("domains:"):
            editor = self.domain_editors.get(name.removeprefix("domains:"))
            if (
                editor is watched
                and event.type() == QEvent.Type.ShortcutOverride
                and isinstance(event, QKeyEvent)
                and (
                    event.matches(QKeySequence.StandardKey.Undo)
                    or event.matches(QKeySequence.StandardKey.Redo)
                )
                and not editor.isModified()
            ):
                event.ignore()  # nothing typed here: the window's Undo/Redo has the key
                return True
            return super().eventFilter(watched, event)
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
        refusal = self.document.push_or_refusal(edit)
        if refusal is None:
            self.clear_error(name)
            return
        if name in self.editors:
            if typed is not None:
                self._shown_text[name] = typed
            self.show_error(name, refusal)

    def _label(self, name: str) -> str:
        if name.startswith("domains:"):
            return f"{name.removeprefix('domains:').capitalize()} domains"
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
        refusal = self.document.push_or_refusal(RenameId(kind, old, new))
        if refusal is None:
            self.document.select([(kind, new)])
        elif "id" in self.editors:
            self.show_error("id", refusal)


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
