"""Actions of one view (its menu entries and keys), made one way.

A view's action works while the view or one of its children has focus, so two views can
use the same keys (Ctrl+0 fits the floor on the floor and the graph on the graph). A
standard key brings every binding the platform has for it; a key named twice is kept
once, because Qt refuses a shortcut an action holds twice as "ambiguous" and does
nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

Shortcut = QKeySequence.StandardKey | str

ZOOM_IN_KEYS: tuple[Shortcut, ...] = (QKeySequence.StandardKey.ZoomIn, "Ctrl+=")
ZOOM_OUT_KEYS: tuple[Shortcut, ...] = (QKeySequence.StandardKey.ZoomOut, "Ctrl+-")
FIT_KEYS: tuple[Shortcut, ...] = ("Ctrl+0",)


def key_sequences(shortcuts: Sequence[Shortcut]) -> list[QKeySequence]:
    """Every binding of ``shortcuts``, each once, in order."""
    sequences: list[QKeySequence] = []
    for shortcut in shortcuts:
        bindings = (
            QKeySequence.keyBindings(shortcut)
            if isinstance(shortcut, QKeySequence.StandardKey)
            else [QKeySequence(shortcut)]
        )
        for sequence in bindings:
            if sequence not in sequences:
                sequences.append(sequence)
    return sequences


def view_action(
    owner: QWidget,
    text: str,
    slot: Callable[[], object],
    shortcuts: Sequence[Shortcut] = (),
    tip: str = "",
) -> QAction:
    """An action of ``owner`` (added to it) that runs ``slot``, with keys active while
    ``owner`` or a child has focus; ``tip`` is its tooltip."""
    action = QAction(text, owner)
    action.setShortcuts(key_sequences(shortcuts))
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    if tip:
        action.setToolTip(tip)
    action.triggered.connect(lambda _checked=False: slot())
    owner.addAction(action)
    return action


__all__ = ["FIT_KEYS", "ZOOM_IN_KEYS", "ZOOM_OUT_KEYS", "key_sequences", "view_action"]
