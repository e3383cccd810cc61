"""Render resources/icons/drplanner.svg into the hicolor PNG sizes, and from those the
Windows .ico and the macOS .icns (with Pillow, which reportlab brings). Run after
changing the SVG; the results are committed.

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/linux/render_icons.py
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

APP_ID = "io.github.drplanner.DRPlanner"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent.parent / "resources" / "icons" / "drplanner.svg"


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"cannot read {SOURCE}", file=sys.stderr)
        return 1
    root = HERE / "icons" / "hicolor"
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        target = root / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target), "PNG"):
            print(f"cannot write {target}", file=sys.stderr)
            return 1
        print(target.relative_to(HERE))
    scalable = root / "scalable" / "apps" / f"{APP_ID}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SOURCE, scalable)
    print(scalable.relative_to(HERE))
    return platform_icons(root)


def platform_icons(root: Path) -> int:
    """packaging/windows/drplanner.ico and packaging/macos/drplanner.icns from the PNGs."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    try:
        from PIL import Image
    except ImportError:
        print("Pillow is missing: no .ico/.icns", file=sys.stderr)
        return 1
    large = HERE.parent / "build-icon-1024.png"
    renderer = QSvgRenderer(str(SOURCE))
    image = QImage(1024, 1024, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    image.save(str(large), "PNG")
    try:
        with Image.open(large) as big:
            ico = HERE.parent / "windows" / "drplanner.ico"
            ico.parent.mkdir(exist_ok=True)
            big.save(ico, sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
            print(ico.relative_to(HERE.parent))
            icns = HERE.parent / "macos" / "drplanner.icns"
            icns.parent.mkdir(exist_ok=True)
            big.save(icns)
            print(icns.relative_to(HERE.parent))
    finally:
        large.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
