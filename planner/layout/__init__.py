"""Qt-free layout shared by the window and the runbook: where things go and how states look.

:mod:`~planner.layout.dependencies` lays out the dependency graph in layers,
:mod:`~planner.layout.floor` places sites and racks on the floor and derives the state of
each server and rack, and :mod:`~planner.layout.states` is the one table of state colours
and labels. The GUI draws these with Qt and the runbook with reportlab; neither keeps a
copy of the rules.
"""
