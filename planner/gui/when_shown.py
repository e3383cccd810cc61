"""Work a hidden view owes the plan, done once when the view is shown."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget


class WhenShown(QObject):
    """What a view owes the document while it is hidden, done once when it is shown.

    A view in a tab that is not current (or in a hidden dock) need not follow every edit
    and result at once: ``run(key, work)`` calls ``work()`` now when the view is shown,
    or would be as soon as its window is, and otherwise keeps the latest ``work`` for
    that ``key`` until the view's next show event, when everything waiting runs once, in
    the order first deferred. A widget that is a window of its own is never deferred.
    ``catch_up()`` runs what waits now (for accessors read while hidden).
    """

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.widget = widget
        self.pending: dict[str, Callable[[], object]] = {}
        widget.installEventFilter(self)

    def hidden(self) -> bool:
        """True while the widget or an ancestor below its window is hidden."""
        widget: QWidget | None = self.widget
        while widget is not None and not widget.isWindow():
            if widget.isHidden():
                return True
            widget = widget.parentWidget()
        return False

    def run(self, key: str, work: Callable[[], object]) -> None:
        if self.hidden():
            self.pending[key] = work
            return
        self.pending.pop(key, None)
        self.catch_up()  # shown without a show event (its window is not shown yet)
        work()

    def catch_up(self) -> None:
        pending, self.pending = self.pending, {}
        for work in pending.values():
            work()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and self.pending:
            self.catch_up()
        return False
