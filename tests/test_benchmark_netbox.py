"""The NetBox import benchmark's generated export is a real-shaped, clean inventory,
and its change set is what the benchmark says (the timings themselves are not tested)."""

from __future__ import annotations

from benchmarks.netbox_export import changed, netbox_export
from planner.interop.netbox import import_inventory
from planner.interop.netbox_read import from_rest
from planner.model import validate
from planner.model.plan import Plan


def test_the_generated_export_imports_cleanly_and_the_changes_land() -> None:
    export = netbox_export(racks=16, devices=400)
    first = import_inventory(Plan(name="b"), from_rest(export))
    assert first.counts["devices"] == 400 and first.counts["power feeds"] == 32
    assert first.warnings == () and validate(first.plan) == []
    closets = [r for r in first.plan.racks if r.name == "Comms closet"]
    assert len(closets) == 8  # one per hall: names repeat across locations
    again = import_inventory(first.plan, from_rest(changed(export, 40)))
    counts = again.diff.counts()
    assert (counts["added"], counts["removed"]) == (10, 10)
    assert counts["moved"] > 0 and counts["changed"] >= 10 and again.warnings == ()
    assert validate(again.plan) == []
