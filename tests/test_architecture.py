"""The layers point one way: the core never imports Qt."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "planner.model",
    "planner.storage",
    "planner.engine",
    "planner.layout",
    "planner.analysis",
    "planner.interop",
    "planner.runbook",
    "planner.cli",
]


def test_core_imports_without_qt() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        f"for name in {CORE!r}:\n"
        "    package = importlib.import_module(name)\n"
        "    for info in pkgutil.walk_packages(package.__path__, name + '.'):\n"
        "        if info.name.endswith('.exact'):\n"
        "            continue  # optional OR-Tools\n"
        "        importlib.import_module(info.name)\n"
        "qt = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(','.join(qt))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"core imported Qt: {done.stdout}"
