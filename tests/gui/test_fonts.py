"""The window's fonts: the bundled faces draw Hangul and Arabic on a machine without fonts.

The probe runs in its own process under a fontconfig that knows no font directory, so
the only faces Qt has are the ones the program bundles (this machine's own DejaVu Sans
would otherwise hide a missing registration). Qt lays the text out with the application
font and reports which face set each run and with which glyphs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ARABIC = "خدمة البريد"

PROBE = """
import json, sys
from PySide6.QtGui import QTextLayout
from PySide6.QtWidgets import QApplication
from planner.gui.fonts import register_fonts

app = QApplication([])
register_fonts(app)
out = {"families": app.font().families()}
for key, text in (("arabic", sys.argv[1]), ("hangul", "메일 서비스")):
    layout = QTextLayout(text, app.font())
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    out[key] = [
        {
            "family": run.rawFont().familyName(),
            "glyphs": list(run.glyphIndexes()),
            "nominal": list(run.rawFont().glyphIndexesForString(text)),
            "rtl": run.isRightToLeft(),
        }
        for run in layout.glyphRuns()
    ]
print(json.dumps(out))
"""


def _probe(tmp_path: Path) -> dict:
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        f"<?xml version='1.0'?><fontconfig><dir>{empty}</dir>"
        f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "FONTCONFIG_FILE": str(conf),
        "PYTHONPATH": str(REPO),
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE, ARABIC],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_bundled_faces_draw_hangul_and_joined_arabic_without_system_fonts(
    tmp_path: Path,
) -> None:
    found = _probe(tmp_path)
    (hangul,) = found["hangul"]
    assert hangul["family"] == "NanumGothic" and 0 not in hangul["glyphs"]
    runs = found["arabic"]  # the space between the words may come from NanumGothic
    assert all(run["glyphs"] and 0 not in run["glyphs"] for run in runs)  # no empty boxes
    (arabic,) = [run for run in runs if len(run["glyphs"]) > 1]
    assert arabic["family"] == "DejaVu Sans"
    assert arabic["rtl"]
    # Joined: Qt shapes, so glyphs of initial, medial and final forms appear that the
    # letters' own (isolated) glyphs do not hold.
    assert len(set(arabic["glyphs"]) - set(arabic["nominal"])) >= 3
    assert found["families"][:2] == ["NanumGothic", "DejaVu Sans"]
