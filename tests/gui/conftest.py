"""GUI tests: Qt objects a test made are destroyed within that test, not at a random
later garbage collection, so a crash on destruction points at the test that caused it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _collect_qt_objects(qapp: object) -> Iterator[None]:
    yield
    from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool

    QThreadPool.globalInstance().waitForDone(30_000)
    gc.collect()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()


@pytest.fixture(autouse=True)
def _gui_never_assigns_to_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """While a GUI test runs, code under ``planner.gui`` that writes a field of an open
    plan or of one of its items fails the test: the GUI changes a plan only by pushing
    edits. Copies and new objects (a clipboard, a snapshot) may be written, and so may
    edits, storage and the tests themselves. ``tests/test_gui_never_assigns.py`` scans
    the sources for item writes and list changes as well."""
    import sys
    import weakref

    from planner.gui.document import PlanDocument
    from planner.model.edits.change import CLASSES, LISTS

    documents: weakref.WeakSet[PlanDocument] = weakref.WeakSet()
    opened = PlanDocument.__init__

    def register(self: PlanDocument, *args: object, **kwargs: object) -> None:
        opened(self, *args, **kwargs)  # passed on unchanged
        documents.add(self)

    def in_a_plan(obj: object) -> bool:
        for document in list(documents):
            plan = document.plan
            if obj is plan or any(obj is i for name in LISTS.values() for i in getattr(plan, name)):
                return True
        return False

    def guarded(self: object, name: str, value: object) -> None:
        if name in self.__dict__:  # a write, not the first assignment in __init__
            writer = sys._getframe(1).f_globals.get("__name__", "")
            if writer.startswith("planner.gui") and in_a_plan(self):
                raise AssertionError(
                    f"{writer} assigns {type(self).__name__}.{name}: push an edit instead"
                )
        object.__setattr__(self, name, value)

    monkeypatch.setattr(PlanDocument, "__init__", register)
    for cls in CLASSES.values():
        monkeypatch.setattr(cls, "__setattr__", guarded)
