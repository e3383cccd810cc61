"""A document dropped after edits is freed without crashing the program.

Undo steps once held their document strongly: a cycle through Qt's ownership (document
-> undo stack -> step -> document) that the garbage collector broke in an order that
crashed PySide after an add and a delete. A crash kills the process, so it runs in one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import gc
from PySide6.QtWidgets import QApplication
app = QApplication([])
from planner.gui.document import PlanDocument
from planner.gui.models.services_model import COLUMN, ServicesModel
from planner.model import Plan, Service
from planner.model.edits import AddItem, delete_items

def edit_and_drop():
    doc = PlanDocument(Plan(services=[Service("c", "C"), Service("a", "A", depends_on=["c"])]))
    model = ServicesModel(doc)
    model.setData(model.index(0, COLUMN["tier"]), "7")
    doc.push(AddItem("service", Service("b", "B")))
    doc.push(delete_items(doc.plan, [("service", "c")]))
    doc.undo_stack.undo()

for _ in range(5):
    edit_and_drop()
    gc.collect()
print("freed")
"""


def test_a_document_dropped_after_an_add_and_a_delete_is_freed_without_a_crash() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=120
    )
    assert (done.returncode, done.stdout.strip()) == (0, "freed"), done.stderr[-2000:]
