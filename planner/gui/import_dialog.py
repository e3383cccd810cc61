"""The dialog an import shows before it changes anything: what it adds, moves, changes and
removes, and its warnings, each a list; Apply makes it one undo step, Cancel nothing."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from planner.interop.diff import PlanDiff
from planner.model.text import printable


class ImportDiffDialog(QDialog):
    """``diff`` shown as tabs of lists, under ``summary`` (what came in)."""

    def __init__(self, title: str, summary: str, diff: PlanDiff, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(760, 520)
        layout = QVBoxLayout(self)
        self.summary = QLabel(printable(summary))
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.verdict = QLabel(
            f"This import changes: {diff.summary()}."
            if diff
            else "This import changes nothing: the plan already matches."
        )
        self.verdict.setWordWrap(True)
        layout.addWidget(self.verdict)
        self.tabs = QTabWidget()
        self.lists: dict[str, QListWidget] = {}
        for name, lines in (
            ("Added", [d.text for d in diff.added]),
            ("Moved", [d.text for d in diff.moved]),
            ("Changed", [d.text for d in diff.changed]),
            ("Removed", [d.text for d in diff.removed]),
            ("Warnings", list(diff.warnings)),
        ):
            listing = QListWidget()
            listing.setUniformItemSizes(True)  # tens of thousands of rows stay quick
            listing.addItems([printable(line) for line in lines])
            self.lists[name] = listing
            index = self.tabs.addTab(listing, f"{name} ({len(lines):,})")
            self.tabs.setTabEnabled(index, bool(lines))
        first = next((i for i in range(self.tabs.count()) if self.tabs.isTabEnabled(i)), 0)
        self.tabs.setCurrentIndex(first)
        layout.addWidget(self.tabs, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Cancel
        )
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.apply_button.setEnabled(bool(diff))
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def lines(self, name: str) -> list[str]:
        """The lines of one list ("Added", "Moved", "Changed", "Removed", "Warnings")."""
        listing = self.lists[name]
        return [listing.item(row).text() for row in range(listing.count())]
