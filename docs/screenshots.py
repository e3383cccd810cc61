"""Writes PNGs of each main view of the example plan into docs/screenshots/.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots.py [--scale 2]``.
The window is real (offscreen platform), with the bundled font, at 1400x900.
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
    args = parser.parse_args()
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
    for name, show in shots:
        show()
        for _ in range(5):
            app.processEvents()
        target = args.out / f"{name}{suffix}.png"
        window.grab().save(str(target))
        print(target)
    # The README's story: drag the operations rack out of the burning building.
    from planner.model.edits import SetFields

    anyang = plan.site("anyang")
    if plan.rack("pg-a01") is not None and anyang is not None and anyang.x is not None:
        window.document.push(
            SetFields("rack", "pg-a01", site="anyang", x=anyang.x + 480, y=(anyang.y or 0) + 70)
        )
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
    settings_file.unlink(missing_ok=True)
    window.document.undo_stack.setClean()
    window.close()


if __name__ == "__main__":
    main()
