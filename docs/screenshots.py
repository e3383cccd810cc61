"""Writes PNGs of each main view of the example plan into docs/screenshots/.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots.py [--scale 2]``.
The window is real (offscreen platform), with the bundled font, at 1400x900.

The failure-domain views (the floor coloured by power feed, the scenario editor, the
timeline with its release waits) are shot on the example plan when it has power domains,
else on :func:`powered_plan` below: three rack groups on their own feeds (and one rack
fed by two), power back after 23, 30 and 86 hours, a 40-minute declaration.

The data shots: the Data tab of the service with the most copies (``data-copies.png``)
and the recovery view of the first scenario that loses data for good, its red banner at
the top (``recovery-data-lost.png``).

The analysis shots, at 1366x768: the Analysis tab with its results, the single-homed
operations tooling's finding picked (``analysis-tab.png``), and the floor's heat map
(``heat-map.png``).

The import shots: the dialog every import shows before it changes anything, for a NetBox
re-sync of the demo dump after a few changes in NetBox (``netbox-import-diff.png``) and
for a services table with two edited cells (``services-table-import.png``).

``--only analysis`` (or ``views``, ``domains``, ``data``, ``imports``; comma separated)
writes only those groups.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--scale", type=float, default=1.0, help="QT_SCALE_FACTOR")
    parser.add_argument("--plan", type=Path, default=REPO / "resources/examples/pangyo.drplan")
    parser.add_argument("--scenario", default="pangyo-fire")
    parser.add_argument(
        "--only",
        default=",".join(GROUPS),
        help=f"comma-separated groups of shots to write (of {', '.join(GROUPS)})",
    )
    args = parser.parse_args()
    only = {g.strip() for g in args.only.split(",") if g.strip()}
    unknown = only - set(GROUPS)
    if unknown:
        parser.error(f"unknown group(s): {', '.join(sorted(unknown))}")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.scale != 1.0:
        os.environ["QT_SCALE_FACTOR"] = str(args.scale)

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from planner.gui.fonts import register_fonts
    from planner.gui.main_window import MainWindow

    app = QApplication([])
    register_fonts(app)
    settings_file = args.out / ".screenshot-settings.ini"
    settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, autosave_dir=args.out / ".autosave")
    window.resize(1400, 900)
    window.show()
    window.open_path(args.plan, offer_recovery=False)
    window.recovery.set_scenario(args.scenario)
    window.recovery.wait_until_current()
    args.out.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.scale == 1.0 else f"@{args.scale:g}x"
    plan = window.document.plan
    lost_racks = window.recovery.result.impact.lost_racks if window.recovery.result else ()
    rack_id = lost_racks[0] if lost_racks else plan.racks[0].id
    shots = [
        (
            "floor",
            lambda: (window.tabs.setCurrentWidget(window.floor), window.floor.fit_action.trigger()),
        ),
        ("rack", lambda: window.open_rack(rack_id)),
        (
            "dependencies",
            lambda: (
                window.tabs.setCurrentWidget(window.dependencies),
                window.dependencies.fit_action.trigger(),
            ),
        ),
        ("services", lambda: window.tabs.setCurrentWidget(window.services)),
        ("recovery", lambda: window.tabs.setCurrentWidget(window.recovery_view)),
    ]
    for name, show in shots if "views" in only else ():
        show()
        for _ in range(5):
            app.processEvents()
        target = args.out / f"{name}{suffix}.png"
        window.grab().save(str(target))
        print(target)
    # The README's story: drag the operations rack out of the burning building.
    from planner.model.edits import Composite, MoveItems, move_rack_to_site

    anyang = plan.site("anyang")
    if (
        "views" in only
        and plan.rack("pg-a01") is not None
        and anyang is not None
        and anyang.x is not None
    ):
        where = {"pg-a01": (anyang.x + 480, (anyang.y or 0) + 70)}
        moves = [MoveItems("rack", where), *move_rack_to_site(plan, "pg-a01", "anyang")]
        window.document.push(Composite("Move rack PG-A01 to Anyang", moves))
        window.recovery.wait_until_current()
        for name, widget in (
            ("after-move-floor", window.floor),
            ("after-move-recovery", window.recovery_view),
        ):
            window.tabs.setCurrentWidget(widget)
            if widget is window.floor:
                window.floor.fit_action.trigger()
            for _ in range(5):
                app.processEvents()
            target = args.out / f"{name}{suffix}.png"
            window.grab().save(str(target))
            print(target)
    window.document.undo_stack.setClean()
    if "domains" in only:
        domain_shots(window, app, args.out, suffix, args.plan, args.scenario)
    if "data" in only:
        data_shots(window, app, args.out, suffix, args.plan)
    if "analysis" in only:
        analysis_shots(window, app, args.out, suffix, args.plan, args.scenario)
    if "imports" in only:
        import_shots(window, app, args.out, suffix, args.plan)
    settings_file.unlink(missing_ok=True)
    window.document.undo_stack.setClean()
    window.close()


GROUPS = ("views", "domains", "data", "analysis", "imports")


def powered_plan():  # type: ignore[no-untyped-def]
    """A Pangyo-like plan on power domains (used when the example has none)."""
    from planner.model import Plan, Pool, Rack, Scenario, Server, Service, Site
    from planner.model.plan import Domain

    feeds = [("P1", "Feed A (UPS 1)"), ("P2", "Feed B (UPS 2)"), ("P3", "Feed C (UPS 3)")]
    domains = [Domain(i, name, "power", site="pangyo") for i, name in feeds]
    domains += [Domain("H1", "Hall 1", "room", site="pangyo"),
                Domain("H2", "Hall 2", "room", site="pangyo")]  # fmt: skip
    racks = [
        Rack("pg-a01", "pangyo", "A01", domains=["P1", "H1"]),
        Rack("pg-a02", "pangyo", "A02", domains=["P1", "H1"]),
        Rack("pg-b01", "pangyo", "B01", domains=["P2", "H1"]),
        Rack("pg-b02", "pangyo", "B02", domains=["P2", "H1"]),
        Rack("pg-c01", "pangyo", "C01", domains=["P3", "H2"]),
        Rack("pg-d01", "pangyo", "D01 (dual feed)", domains=["P2", "P3", "H2"]),
        Rack("an-01", "anyang", "Anyang 01"),
        Rack("an-02", "anyang", "Anyang 02"),
    ]
    servers = [Server(f"{rack.id}-s{n}", rack.id, f"{rack.name} srv {n}", 2 * n - 1, 2)
               for rack in racks for n in (1, 2, 3)]  # fmt: skip

    def on(rack: str, n: int = 1) -> list[str]:
        return [f"{rack}-s{n}"]

    services = [
        Service("dns", "DNS", tier=0, rto_minutes=30, restore_minutes=240, failover_minutes=10,
                automatic_failover=True, servers=on("pg-a01"), standby_servers=on("an-01")),
        Service("talk", "카카오톡 메시지", tier=0, rto_minutes=120, restore_minutes=900,
                failover_minutes=60, servers=on("pg-a01", 2), standby_servers=on("an-01", 2),
                depends_on=["dns"], needs={"ops": 1}),
        Service("login", "로그인 (PC)", tier=1, rto_minutes=240, restore_minutes=1800,
                restart_minutes=30, servers=on("pg-a02"), depends_on=["dns"], needs={"ops": 1}),
        Service("pay", "카카오페이 결제", tier=0, rto_minutes=180, restore_minutes=2400,
                restart_minutes=45, servers=on("pg-b01"), depends_on=["login"],
                needs={"ops": 1}),
        Service("photos", "사진·동영상", tier=2, restore_minutes=600, restart_minutes=40,
                servers=on("pg-d01"), depends_on=["login"], needs={"ops": 1}),
        Service("mail", "다음 메일", tier=2, restore_minutes=3000, restart_minutes=60,
                servers=on("pg-c01"), depends_on=["dns"], needs={"ops": 1}),
        Service("taxi", "택시", tier=1, rto_minutes=600, restore_minutes=1200,
                failover_minutes=90, servers=on("pg-b02"), standby_servers=on("an-02"),
                depends_on=["pay"], needs={"ops": 1}),
    ]  # fmt: skip
    return Plan(
        name="Pangyo on power domains",
        sites=[Site("pangyo", "판교 데이터센터 (Pangyo)"), Site("anyang", "안양 (Anyang)")],
        domains=domains,
        racks=racks,
        servers=servers,
        pools=[Pool("ops", "On-site crew", 2)],
        services=services,
        scenarios=[
            Scenario("power-cut", "Battery room fire: service power cut",
                     ["P1", "P2", "P3"], returns={"P1": 1380, "P2": 1800, "P3": 5160},
                     declared_after_minutes=40),
        ],
    )  # fmt: skip


def domain_shots(window, app, out: Path, suffix: str, plan_path: Path, scenario: str) -> None:  # type: ignore[no-untyped-def]
    """The floor by power feed, the scenario editor and the timeline with release waits."""
    from planner.layout import domains as domain_rules

    kinds = domain_rules.kinds(window.document.plan)
    if "power" not in kinds:  # the example has no power domains yet: a plan of our own
        window.document.replace(powered_plan(), None)
        scenario = "power-cut"
    window.recovery.set_scenario(scenario)
    window.recovery.wait_until_current()

    def settle() -> None:
        for _ in range(5):
            app.processEvents()

    window.tabs.setCurrentWidget(window.floor)
    window.floor.colour_by("power")
    settle()
    window.floor.fit_action.trigger()
    settle()

    def shoot(name: str, widget) -> None:  # type: ignore[no-untyped-def]
        target = out / f"{name}{suffix}.png"
        widget.grab().save(str(target))
        print(target)

    shoot("floor-power", window)
    window.tabs.setCurrentWidget(window.recovery_view)
    window.side_tabs.setCurrentWidget(window.scenario_editor)
    window.scenario_editor.table.selectRow(0)
    settle()
    shoot("scenario-editor", window)
    gantt = window.recovery_view.gantt
    gantt.fit()
    result = window.recovery.result
    waiting = [s for s in result.tasks if s.released_by] if result else []
    if waiting:  # scroll to the first task that waits for power, as a reader would
        gantt.ensure_visible(waiting[0].id)
    settle()
    shoot("recovery-release", window.recovery_view)


def data_shots(window, app, out: Path, suffix: str, plan_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The Data tab of a service with copies, and the recovery view of the first scenario
    that loses data for good (its red banner at the top)."""
    from planner.engine.recovery import compute

    window.open_path(plan_path, offer_recovery=False)
    plan = window.document.plan
    if not any(s.data for s in plan.services):
        print(f"{plan_path.name} records no data copies: no data shots")
        return

    def settle() -> None:
        for _ in range(5):
            app.processEvents()

    def shoot(name: str, widget) -> None:  # type: ignore[no-untyped-def]
        target = out / f"{name}{suffix}.png"
        widget.grab().save(str(target))
        print(target)

    losing = None
    for scenario in plan.scenarios:
        if compute(plan, scenario.id, check=False).data_lost:
            losing = scenario.id
            break
    window.recovery.set_scenario(losing or plan.scenarios[0].id)
    window.recovery.wait_until_current()
    with_copies = sorted(plan.services, key=lambda s: -len(s.data or ()))[0]
    window.tabs.setCurrentWidget(window.recovery_view)
    window.document.select([("service", with_copies.id)])
    window.side_tabs.setCurrentWidget(window.copies_editor)
    settle()
    shoot("data-copies", window)
    if losing is None:
        print("no scenario loses data for good: no recovery-data-lost shot")
    else:
        from PySide6.QtCore import Qt

        from planner.gui.models.results_model import COL_LOSS

        window.document.select([])
        view = window.recovery_view
        view.table.sortByColumn(COL_LOSS, Qt.SortOrder.DescendingOrder)  # lost data first
        view.table.scrollToTop()
        result = window.recovery.result
        untested = [s.id for s in result.tasks if s.failover_untested] if result else []
        if untested:  # an untested failover's badge in sight, as a reader would look
            view.gantt.ensure_visible(untested[0])
        settle()
        shoot("recovery-data-lost", view)
        view.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    window.document.undo_stack.setClean()


def analysis_shots(window, app, out: Path, suffix: str, plan_path: Path, scenario: str) -> None:  # type: ignore[no-untyped-def]
    """The Analysis tab with its results (the first finding about the operations tooling
    picked, so its cut sets show; ``scenario`` in the Recovery view, so the steps that
    need the tooling it takes down are flagged) and the floor's heat map (no scenario),
    in a 1366x768 window."""
    from planner.analysis import Finding
    from planner.gui.analysis_models import ROW_ROLE

    window.open_path(plan_path, offer_recovery=False)
    if window.document.plan.scenario(scenario) is not None:
        window.recovery.set_scenario(scenario)
        window.recovery.wait_until_current()
    size = window.size()
    window.resize(1366, 768)

    def settle() -> None:
        for _ in range(5):
            app.processEvents()

    def shoot(name: str) -> None:
        target = out / f"{name}{suffix}.png"
        window.grab().save(str(target))
        print(target)

    tab = window.analysis_tab
    window.tabs.setCurrentWidget(tab)
    settle()
    if not window.analysis.wait_until_current(120_000):
        print("the analysis did not finish: no analysis shots")
        return
    settle()
    model = tab.findings_model
    rows = [model.data(model.index(r, 0), ROW_ROLE) for r in range(model.rowCount())]
    picked = next(
        (r for r, f in enumerate(rows) if isinstance(f, Finding) and "ops-tooling" in f.ids[:1]),
        0 if rows else None,
    )
    if picked is not None:
        tab.findings.selectRow(picked)
        tab.findings.scrollTo(model.index(picked, 0))
    settle()
    shoot("analysis-tab")
    window.document.select([])
    window.recovery.set_scenario(None)  # the floor in its own colours under the heat map
    window.recovery.wait_until_current()
    window.floor_heat.action.setChecked(True)
    window.tabs.setCurrentWidget(window.floor)
    settle()
    window.floor.fit_action.trigger()
    settle()
    shoot("heat-map")
    window.floor_heat.action.setChecked(False)
    window.resize(size)


NETBOX_DEMO = REPO.parent / "shared" / "data" / "netbox" / "netbox-demo-v3.6.json"


def import_shots(window, app, out: Path, suffix: str, plan_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The import dialog of a NetBox re-sync (the demo dump imported, a service put on one
    of its switches, then NetBox changed: two devices moved, one removed, one added) on
    its Moved list, and of a services table of the example plan with two cells edited."""
    import dataclasses
    import json
    import tempfile

    from openpyxl import load_workbook

    from planner.gui.import_dialog import ImportDiffDialog
    from planner.interop.netbox import import_inventory
    from planner.interop.netbox_read import from_dumpdata
    from planner.interop.service_table import read_service_table, write_service_table
    from planner.model import Plan
    from planner.model.plan import Service

    def shoot(dialog: ImportDiffDialog, name: str) -> None:
        dialog.resize(900, 520)
        dialog.show()
        for _ in range(5):
            app.processEvents()
        target = out / f"{name}{suffix}.png"
        dialog.grab().save(str(target))
        dialog.close()
        print(target)

    if NETBOX_DEMO.is_file():
        inventory = from_dumpdata(json.loads(NETBOX_DEMO.read_text(encoding="utf-8")))
        plan = import_inventory(Plan(name="NetBox demo"), inventory).plan
        switch = next(s for s in plan.servers if s.name == "dmi01-akron-sw01")
        plan.services.append(
            Service("branch-lan", "Branch LAN", tier=1, restore_minutes=30, servers=[switch.id])
        )
        by_name = {d.name: d for d in inventory.devices}
        moved = {"dmi01-nashua-rtr01": 3.0, "dmi01-utica-sw01": 6.0}
        devices = [
            dataclasses.replace(d, position=moved[d.name]) if d.name in moved else d
            for d in inventory.devices
            if d.name != "dmi01-akron-sw01"
        ]
        template = by_name["dmi01-utica-sw01"]
        devices.append(
            dataclasses.replace(template, id=9001, name="dmi01-utica-sw02", position=8.0)
        )
        changed = dataclasses.replace(inventory, devices=devices, problems=[])
        result = import_inventory(plan, changed)
        dialog = ImportDiffDialog("Import from NetBox", result.summary(), result.diff, window)
        dialog.tabs.setCurrentIndex(1)  # Moved
        shoot(dialog, "netbox-import-diff")
    else:
        print(f"no NetBox demo dump at {NETBOX_DEMO}: no netbox-import-diff shot")

    window.open_path(plan_path, offer_recovery=False)
    with tempfile.TemporaryDirectory() as folder:
        table = Path(folder) / "services.xlsx"
        write_service_table(window.document.plan, table)
        workbook = load_workbook(table)
        sheet = workbook["Services"]
        headers = [c.value for c in sheet[1]]
        for row in range(2, sheet.max_row + 1):
            if sheet.cell(row, 1).value == "login":
                sheet.cell(row, headers.index("RTO") + 1).value = "0:30"
                sheet.cell(row, headers.index("Owner") + 1).value = "새 담당자"
        workbook.save(table)
        imported = read_service_table(window.document.plan, table, display=table.name)
    dialog = ImportDiffDialog(
        "Import services table", f"{table.name}: {imported.summary()}", imported.diff(), window
    )
    shoot(dialog, "services-table-import")


if __name__ == "__main__":
    main()
