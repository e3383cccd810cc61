"""Registers the bundled fonts so names in Hangul, Arabic and other scripts render on any
machine: NanumGothic first (Hangul, Latin), then DejaVu Sans for what NanumGothic lacks
(Arabic, Hebrew, Greek, Cyrillic, many symbols). Qt shapes and orders the text itself."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from planner.resources import resource_path

# Primary face first: the application font tries the families in this order per character.
FACES = (
    ("NanumGothic", ("NanumGothic.ttf", "NanumGothicBold.ttf")),
    ("DejaVu Sans", ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")),
)
FONT_FILES = tuple(name for _, files in FACES for name in files)
FAMILY = FACES[0][0]


def register_fonts(app: QApplication | None = None, point_size: float | None = None) -> str:
    """Load the bundled fonts and make NanumGothic, then DejaVu Sans, the application
    font; return the primary family."""
    families = [_load(family, files) for family, files in FACES]
    if app is not None:
        font = QFont()
        font.setFamilies(families)
        font.setPointSizeF(point_size or max(app.font().pointSizeF(), 9.5))
        app.setFont(font)
    return families[0]


def _load(family: str, files: tuple[str, ...]) -> str:
    """Register ``files``; the family name the font database gives them."""
    for name in files:
        font_id = QFontDatabase.addApplicationFont(str(resource_path("fonts", name)))
        loaded = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if loaded:
            family = loaded[0]
    return family


def font_files() -> list[Path]:
    return [resource_path("fonts", name) for name in FONT_FILES]
