"""The floor's heat map switch: a checkable action that colours the floor by the
analysis's blast radii, asking for the analysis when it is switched on."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from planner.gui.analysis_controller import AnalysisController
from planner.gui.views.floor import FloorView
from planner.gui.views.floor_heat import HeatMap


class FloorHeat(QObject):
    """``action`` (View > Heat map, and the Analysis tab's button) on: every rack and
    site of ``floor`` in the colour of its blast radius, following each new analysis;
    off: the floor's own colours again. While it is on, edits recompute the analysis,
    as while the Analysis tab is shown."""

    def __init__(self, controller: AnalysisController, floor: FloorView) -> None:
        super().__init__(floor)
        self.controller = controller
        self.floor = floor
        self.action = QAction("&Heat map: blast radius", self)
        self.action.setCheckable(True)
        self.action.setToolTip(
            "Colour every rack and site on the floor by how many services its loss "
            "alone impacts (from the resilience analysis)"
        )
        self.action.toggled.connect(self._toggled)
        controller.resultChanged.connect(self._result_changed)

    def _toggled(self, on: bool) -> None:
        self.controller.want("heat map", on)
        self._show()

    def _result_changed(self) -> None:
        if self.action.isChecked():
            self._show()

    def _show(self) -> None:
        analysis = self.controller.analysis
        if not self.action.isChecked():
            self.floor.show_heat(None)
            return
        if analysis is None:
            self.floor.show_heat(HeatMap({}), "(analysing…)")
            return
        note = "" if self.controller.is_current else "(out of date — recomputing)"
        if self.controller.cancelled:
            note = "(out of date: analysis cancelled)"
        self.floor.show_heat(HeatMap.of(analysis), note)


__all__ = ["FloorHeat"]
