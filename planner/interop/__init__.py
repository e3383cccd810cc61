"""Plans in and out of the tools people already use (Qt-free).

NetBox inventories (``netbox``), the services spreadsheet, and exports of the
dependency graph and of a scenario's schedule. Every import computes the plan it wants
from the plan it was given and applies it as one undoable edit
(:class:`planner.model.edits.ReplaceItems`); :mod:`planner.interop.diff` says what it
changes before it is applied.
"""
