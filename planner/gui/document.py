"""The open plan: one model, one undo stack, one "changed" signal, one selection.

Views read ``document.plan`` and never assign to it: every edit goes through
:meth:`PlanDocument.push`, which wraps a Qt-free :class:`~planner.model.edits.Edit` in a
``QUndoCommand``. Views refresh from :attr:`PlanDocument.changed`, which carries the
:class:`~planner.model.edits.Change` (``None`` when the whole plan was replaced) and the
*origin*: the object that pushed the edit, on its first application only. A view that
already shows what it pushed skips that change; undo and redo carry no origin, so every
view follows them.
"""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from planner.model import Plan
from planner.model.edits import Change, Edit, EditRefused
from planner.storage import PlanFileError, save_plan

Selection = list[tuple[str, str]]  # (kind, id), kind as in planner.model.edits.KINDS

MESSAGE_LIMIT = 300  # characters of one message line

#: A plan with this many items (sites, racks, servers, services) or more is kept out of
#: Python's full garbage collections once it is set (see :func:`settle_heap`).
FREEZE_FROM = 5_000


def settle_heap(plan: Plan) -> bool:
    """Keep a large plan out of the cyclic garbage collector's full collections; True if
    it was large enough to be.

    A full collection walks every tracked object; with the 32,000-server plan open that
    is ~150-280 ms, and it strikes at random, mostly inside the allocation burst of an
    edit or a result (on the GUI thread or, holding the GIL, on the worker). The plan's
    objects live as long as the document holds them, so after one collection (the cyclic
    garbage of the plan replaced goes now, not in the middle of an edit) everything
    alive is moved to the permanent generation (:func:`gc.freeze`): later collections
    walk only what was made since. Reference counting still frees a frozen object (an
    item deleted by an edit, the old plan when another replaces it, large or small);
    only a cycle among frozen objects waits until the next large plan is set, which
    unfreezes first. A small plan costs a full collection little: nothing is done.
    """
    size = len(plan.sites) + len(plan.racks) + len(plan.servers) + len(plan.services)
    if size < FREEZE_FROM:
        return False
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    return True


def describe_save_failure(error: BaseException, path: str | Path | None = None) -> str:
    """One line naming the file and what went wrong, whatever a save (or read) raised.

    Saving encodes untrusted content (unknown fields kept from the file), so anything
    can come out of the encoder: the window must say so and keep the work, not crash.
    """
    if isinstance(error, PlanFileError):
        where, what = error.path, error.message
    elif isinstance(error, OSError):
        where, what = error.filename or path, error.strerror or str(error)
    elif isinstance(error, RecursionError):
        where, what = path, "the plan is nested too deeply (unknown fields inside each other)"
    elif isinstance(error, MemoryError):
        where, what = path, "not enough memory to write the plan"
    else:
        where, what = path, f"{type(error).__name__}: {error}"
    text = f"{where}: {what}" if where else str(what)
    line = " ".join(text.split())  # one line, whatever the message held
    return line if len(line) <= MESSAGE_LIMIT else line[: MESSAGE_LIMIT - 1] + "…"


class EditCommand(QUndoCommand):
    """A Qt undo step around one edit; the first redo may be refused (then it vanishes)."""

    def __init__(self, document: PlanDocument, edit: Edit, origin: object = None) -> None:
        super().__init__(edit.label)
        # Weak: the document's undo stack owns this command, and a strong reference back
        # made a cycle through Qt's ownership that the garbage collector broke in an
        # order that crashed PySide (a document dropped after an add and a delete).
        self._document = weakref.ref(document)
        self.edit = edit
        self.refusal: str | None = None
        self._origin = origin  # only the first redo (inside push) names its origin

    @property
    def document(self) -> PlanDocument:
        document = self._document()
        assert document is not None, "an undo step outlived its document"
        return document

    def redo(self) -> None:
        try:
            change = self.edit.apply(self.document.plan)
        except EditRefused as refusal:
            # QUndoStack.push drops a command that is obsolete after its redo().
            self.refusal = str(refusal)
            self.setObsolete(True)
            return
        origin, self._origin = self._origin, None
        self.document.changed.emit(change, origin)

    def undo(self) -> None:
        self.document.changed.emit(self.edit.revert(self.document.plan), None)


class PlanDocument(QObject):
    """The plan being edited, its file, its undo history and the shared selection."""

    changed = Signal(object, object)  # Change (None: the whole plan replaced), origin
    refused = Signal(str)  # an edit was refused; the text is for the user
    selectionChanged = Signal(list)  # Selection
    fileChanged = Signal()  # path or modified state changed (window title)

    def __init__(self, plan: Plan | None = None, path: str | Path | None = None) -> None:
        super().__init__()
        self.plan = plan if plan is not None else Plan()
        self.path: Path | None = Path(path) if path is not None else None
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._clean_changed)
        self.selection: Selection = []
        self._restored_unsaved = False  # a recovery copy was loaded: unsaved until saved
        self._plan_set()

    def _plan_set(self) -> None:
        if settle_heap(self.plan):
            # The views build their items for the new plan after this (on changed(None),
            # or the window made after the document): they join the frozen heap once the
            # event loop runs (an O(1) move of the collector's lists; nothing is walked).
            QTimer.singleShot(0, self, gc.freeze)

    def _clean_changed(self, _clean: bool) -> None:
        self.fileChanged.emit()

    # ------------------------------------------------------------------ edits

    def push(self, edit: Edit, origin: object = None) -> bool:
        """Apply ``edit`` as one undo step; False (and ``refused`` emitted) if refused.

        Steps never merge: a gesture is pushed once, when it is complete (a drag on
        release, a field when editing finishes). ``origin`` (the pushing view) is passed
        with the change of this first application, so that view may skip it.
        """
        return self.push_or_refusal(edit, origin) is None

    def push_or_refusal(self, edit: Edit, origin: object = None) -> str | None:
        """:meth:`push`, answering why the edit was refused (None: it was applied)."""
        command = EditCommand(self, edit, origin)
        self.undo_stack.push(command)
        if command.refusal is not None:
            self.refused.emit(command.refusal)
        return command.refusal

    def replace(self, plan: Plan, path: str | Path | None) -> None:
        """Start over on another plan (New, Open): history and selection are cleared."""
        self.plan = plan
        self.path = Path(path) if path is not None else None
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self._restored_unsaved = False
        self.select([])
        self._plan_set()
        self.changed.emit(None, None)
        self.fileChanged.emit()

    # ------------------------------------------------------------------ file

    @property
    def modified(self) -> bool:
        return self._restored_unsaved or not self.undo_stack.isClean()

    def mark_unsaved(self) -> None:
        """The plan differs from its file without an undo step (a restored recovery copy)."""
        self._restored_unsaved = True
        self.fileChanged.emit()

    def save(self, path: str | Path | None = None) -> None:
        """Save atomically; the undo stack is marked clean. A failed save raises (anything
        the encoder raised) and changes nothing: the plan stays modified."""
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("no file name to save to")
        save_plan(self.plan, target)
        if target.suffix.lower() != ".json":
            self.path = target
            self._restored_unsaved = False
            self.undo_stack.setClean()
        self.fileChanged.emit()

    @property
    def title(self) -> str:
        name = self.path.name if self.path is not None else "Untitled"
        return f"{name}{' *' if self.modified else ''}"

    # ------------------------------------------------------------------ selection

    def select(self, items: Selection) -> None:
        items = list(dict.fromkeys(items))
        if items != self.selection:
            self.selection = items
            self.selectionChanged.emit(items)


__all__ = ["Change", "EditCommand", "PlanDocument", "Selection", "settle_heap"]
