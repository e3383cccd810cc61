"""Registers the bundled Hangul-capable font so Korean names render on any machine."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from planner.resources import resource_path

FONT_FILES = ("NanumGothic.ttf", "NanumGothicBold.ttf")
FAMILY = "NanumGothic"


def register_fonts(app: QApplication | None = None, point_size: float | None = None) -> str:
    """Load the bundled fonts and make NanumGothic the application font; return its family."""
    family = FAMILY
    for name in FONT_FILES:
        font_id = QFontDatabase.addApplicationFont(str(resource_path("fonts", name)))
        if font_id >= 0:
            families = QFontDatabase.applicationFontFamilies(font_id)
            if families:
                family = families[0]
    if app is not None:
        font = QFont(family)
        font.setPointSizeF(point_size or max(app.font().pointSizeF(), 9.5))
        app.setFont(font)
    return family


def font_files() -> list[Path]:
    return [resource_path("fonts", name) for name in FONT_FILES]
