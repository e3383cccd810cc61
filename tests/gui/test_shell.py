"""Plan tree, properties dock and autosave, each against the model and the undo stack."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from planner.gui.autosave import Autosaver
from planner.gui.document import PlanDocument
from planner.gui.properties import PropertiesPanel
from planner.gui.tree import KEY_ROLE, PlanTree
from planner.model import Plan, Pool, Rack, Scenario, Server, Service, Site
from planner.model.edits import SetFields
from planner.storage import load_plan, save_plan


def plan() -> Plan:
    return Plan(
        name="small",
        sites=[Site("A", "판교 Pangyo")],
        racks=[Rack("r", "A", "R1")],
        servers=[Server("h1", "r", "H1", 1), Server("h2", "r", "H2", 3, 2)],
        pools=[Pool("crew", "Crew", 2)],
        services=[
            Service("db", "DB", restore_minutes=90, servers=["h1"], tier=0),
            Service("web", "Web", restore_minutes=30, servers=["h2"], depends_on=["db"], tier=0),
        ],
        scenarios=[Scenario("fire", "Fire", ["A"])],
    )


def test_tree_mirrors_plan_and_shares_selection(qtbot) -> None:
    doc = PlanDocument(plan())
    tree = PlanTree(doc)
    qtbot.addWidget(tree)
    rack = tree.item_for("rack", "r")
    assert rack is not None and rack.text(0) == "R1  (2)"
    rack.setExpanded(True)  # servers appear only when their rack opens
    assert [rack.child(i).data(0, KEY_ROLE)[1] for i in range(rack.childCount())] == ["h2", "h1"]
    tree.item_for("service", "web").setSelected(True)  # type: ignore[union-attr]
    assert doc.selection == [("service", "web")]
    doc.select([("pool", "crew")])
    assert [i.data(0, KEY_ROLE) for i in tree.selectedItems()] == [("pool", "crew")]
    doc.push(SetFields("site", "A", name="Anyang"))
    assert tree.item_for("site", "A").text(0) == "Anyang"  # type: ignore[union-attr]
    assert tree.item_for("rack", "r").isExpanded()  # type: ignore[union-attr]


def test_properties_edit_one_item_by_typing(qtbot) -> None:
    doc = PlanDocument(plan())
    panel = PropertiesPanel(doc)
    qtbot.addWidget(panel)
    panel.show()
    doc.select([("service", "db")])
    editor = panel.editors["rto_minutes"]
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, "45")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert doc.plan.service("db").rto_minutes == 45  # type: ignore[union-attr]
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert doc.plan.service("db").rto_minutes is None  # type: ignore[union-attr]
    doc.undo_stack.redo()
    assert doc.plan.service("db").rto_minutes == 45  # type: ignore[union-attr]


def test_properties_refuse_a_bad_number(qtbot) -> None:
    doc = PlanDocument(plan())
    panel = PropertiesPanel(doc)
    qtbot.addWidget(panel)
    messages: list[str] = []
    panel.message = messages.append
    doc.select([("service", "db")])
    panel.editors["restore_minutes"].setText("soon")
    panel.editors["restore_minutes"].editingFinished.emit()
    assert doc.plan.service("db").restore_minutes == 90  # type: ignore[union-attr]
    assert doc.undo_stack.count() == 0 and "not a number" in messages[0]


def test_properties_multi_selection_edits_shared_field_in_one_step(qtbot) -> None:
    doc = PlanDocument(plan())
    panel = PropertiesPanel(doc)
    qtbot.addWidget(panel)
    doc.select([("service", "db"), ("service", "web")])
    assert panel.editors["tier"].text() == "0"
    assert panel.editors["restore_minutes"].placeholderText() == "(various)"
    panel.editors["tier"].setText("1")
    panel.editors["tier"].editingFinished.emit()
    assert [s.tier for s in doc.plan.services] == [1, 1]
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert [s.tier for s in doc.plan.services] == [0, 0]


def test_properties_rename_id_rewrites_references(qtbot) -> None:
    doc = PlanDocument(plan())
    panel = PropertiesPanel(doc)
    qtbot.addWidget(panel)
    doc.select([("service", "db")])
    panel.editors["id"].setText("database")
    panel.editors["id"].editingFinished.emit()
    assert doc.plan.service("web").depends_on == ["database"]  # type: ignore[union-attr]
    assert doc.selection == [("service", "database")]
    doc.undo_stack.undo()
    assert doc.plan.service("web").depends_on == ["db"]  # type: ignore[union-attr]


def test_autosave_writes_a_copy_and_saving_removes_it(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "p.drplan"
    save_plan(plan(), path)
    doc = PlanDocument(load_plan(path)[0], path)
    saver = Autosaver(doc, tmp_path / "autosave", interval_ms=60_000)
    assert saver.save_copy() is None  # nothing unsaved, nothing written
    doc.push(SetFields("site", "A", name="Changed"))
    copy_path = saver.save_copy()
    assert copy_path is not None and load_plan(copy_path)[0].site("A").name == "Changed"  # type: ignore[union-attr]
    found = saver.find_copy(path)
    assert found is not None and found.load() == doc.plan
    doc.save()
    assert not copy_path.exists() and saver.find_copy(path) is None


# ---------------------------------------------------------------- recovery copies and saves


def make_window(qtbot, tmp_path: Path, restore: bool | None = None):  # type: ignore[no-untyped-def]
    """A window with private settings and recovery folder; ``restore`` answers the offer
    (None: an offer fails the test). ``window.offers`` records (text, copy still there)."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QMessageBox

    from planner.gui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, autosave_dir=tmp_path / "autosave")
    qtbot.addWidget(window)
    window.offers = []
    window.errors = []

    def ask_restore(text: str) -> bool:
        copies = list((tmp_path / "autosave").glob("*.drplan"))
        window.offers.append((text, bool(copies)))
        assert restore is not None, f"unexpected offer: {text}"
        return restore

    window.ask_restore = ask_restore
    window.show_error = window.errors.append
    window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # no dialog at teardown
    return window


def crashed_session(tmp_path: Path, path: Path | None) -> Path:
    """A session that edited ``path`` (None: a new plan) and wrote its recovery copy,
    then ended without closing, as kill -9 would; the copy's path."""
    from planner.model.edits import AddItem

    document = PlanDocument(load_plan(path)[0] if path else Plan(name="New plan"), path)
    saver = Autosaver(document, tmp_path / "autosave", interval_ms=60_000)
    saver.timer.stop()
    document.push(AddItem("site", Site("B", "Added before the crash")))
    copy = saver.save_copy()
    assert copy is not None and copy.exists()
    return copy


def saved_plan(tmp_path: Path) -> Path:
    path = tmp_path / "p.drplan"
    save_plan(plan(), path)
    return path


def test_opening_a_plan_offers_its_copy_before_anything_deletes_it(qtbot, tmp_path: Path) -> None:
    path = saved_plan(tmp_path)
    copy = crashed_session(tmp_path, path)
    window = make_window(qtbot, tmp_path, restore=True)
    changes: list[object] = []
    window.document.changed.connect(lambda change, _origin: changes.append(change))
    assert window.open_path(path)
    assert len(window.offers) == 1 and window.offers[0][1], "offered while the copy existed"
    assert "p.drplan" in window.offers[0][0]
    assert changes == [None], "the views switch once, to the restored plan"
    assert len(window.document.plan.sites) == 2 and window.document.modified
    assert copy.exists(), "the restored work keeps its copy until it is saved"
    assert window.save()
    assert len(load_plan(path)[0].sites) == 2 and not copy.exists()


def test_a_declined_copy_is_deleted_and_the_file_opens(qtbot, tmp_path: Path) -> None:
    path = saved_plan(tmp_path)
    copy = crashed_session(tmp_path, path)
    window = make_window(qtbot, tmp_path, restore=False)
    assert window.open_path(path)
    assert len(window.offers) == 1 and not copy.exists()
    assert len(window.document.plan.sites) == 1 and not window.document.modified


def test_an_untitled_copy_is_offered_at_start_before_the_last_plan_opens(
    qtbot, tmp_path: Path
) -> None:
    from planner.gui.app import open_first_plan

    path = saved_plan(tmp_path)
    copy = crashed_session(tmp_path, None)
    assert copy.name == "untitled.drplan"
    window = make_window(qtbot, tmp_path, restore=True)
    open_first_plan(window, path)
    assert len(window.offers) == 1 and window.offers[0][1]
    assert window.document.path is None and window.document.modified
    assert (window.document.plan.name, len(window.document.plan.sites)) == ("New plan", 1)
    assert copy.exists()


def test_a_declined_untitled_copy_goes_and_the_last_plan_opens(qtbot, tmp_path: Path) -> None:
    from planner.gui.app import open_first_plan

    path = saved_plan(tmp_path)
    copy = crashed_session(tmp_path, None)
    window = make_window(qtbot, tmp_path, restore=False)
    open_first_plan(window, path)
    assert len(window.offers) == 1 and not copy.exists()
    assert window.document.path == path and not window.document.modified


def test_a_copy_left_by_a_crash_survives_other_plans_opening_and_saving(
    qtbot, tmp_path: Path
) -> None:
    path = saved_plan(tmp_path)
    copy = crashed_session(tmp_path, path)
    other = tmp_path / "other.drplan"
    save_plan(plan(), other)
    window = make_window(qtbot, tmp_path)  # an offer of the other plan's copy would fail
    assert window.open_path(other)
    window.add_site()
    assert window.autosaver.save_copy() is not None
    assert window.save()
    window.new_plan()
    window.add_site()
    window.autosaver.save_copy()
    window.close()
    assert copy.exists(), "only its own copies are a session's to delete"
    assert list((tmp_path / "autosave").glob("*.drplan")) == [copy]


def deep_plan(levels: int = 986) -> Plan:
    """The small plan with an unknown field nested ``levels`` deep in a site's extra."""
    value: object = "bottom"
    for _ in range(levels):
        value = {"nested": value}
    deep = plan()
    deep.sites[0].extra["x"] = value
    return deep


def test_a_save_that_cannot_encode_says_so_and_keeps_the_work(qtbot, tmp_path: Path) -> None:
    """An unknown field nested ~1,000 deep (kept from a file) made the save raise
    RecursionError with no message; whatever a save raises, the window says so in one
    line, stays open and keeps the plan modified."""
    path = saved_plan(tmp_path)
    window = make_window(qtbot, tmp_path)
    window.document.replace(deep_plan(), path)  # as if read from a file that allowed it
    window.add_site()
    assert not window.save()
    assert len(window.errors) == 1 and "\n" not in window.errors[0]
    assert window.errors[0].startswith(f"Not saved: {path}: ")
    assert window.document.modified and window.document.path == path
    assert len(load_plan(path)[0].sites) == 1  # the file is as it was


def test_closing_with_work_whose_save_fails_keeps_the_window(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    import planner.gui.document as document_module

    def broken(_plan: Plan, _path: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    path = saved_plan(tmp_path)
    window = make_window(qtbot, tmp_path)
    assert window.open_path(path)
    window.show()
    window.add_site()
    monkeypatch.setattr(document_module, "save_plan", broken)
    window.ask_unsaved = lambda: QMessageBox.StandardButton.Save
    assert not window.close()
    assert window.isVisible() and window.document.modified
    assert window.errors == [
        f"Not saved: {path}: the plan is nested too deeply (unknown fields inside each other)"
    ]
    assert window.autosaver.find_copy(path) is not None, "a recovery copy keeps the work"


def test_an_autosave_that_fails_reports_once_and_keeps_going(qtbot, tmp_path: Path) -> None:
    doc = PlanDocument(deep_plan())
    saver = Autosaver(doc, tmp_path / "autosave", interval_ms=60_000)
    messages: list[str] = []
    saver.failed.connect(messages.append)
    doc.push(SetFields("site", "A", name="renamed"))
    assert saver.save_copy() is None and saver.save_copy() is None
    assert len(messages) == 1 and messages[0].startswith("Recovery copy not written: ")
    assert "\n" not in messages[0]
    doc.plan.sites[0].extra.clear()  # the encodable plan is written at the next tick
    assert saver.save_copy() is not None


def test_the_autosave_interval_comes_from_the_environment(monkeypatch) -> None:
    from planner.gui.autosave import INTERVAL_MS, interval_from_environment

    monkeypatch.setenv("DRPLANNER_AUTOSAVE_MS", "250")
    assert interval_from_environment() == (250, None)
    for bad in ("soon", "0", "-5"):
        monkeypatch.setenv("DRPLANNER_AUTOSAVE_MS", bad)
        interval, warning = interval_from_environment()
        assert interval == INTERVAL_MS and warning and "DRPLANNER_AUTOSAVE_MS" in warning
    monkeypatch.delenv("DRPLANNER_AUTOSAVE_MS")
    assert interval_from_environment() == (INTERVAL_MS, None)


# ---------------------------------------------------------------- opening a big plan


def test_every_view_shows_the_new_plan_when_open_returns(qtbot, tmp_path: Path) -> None:
    """No view may be left on the previous plan (the floor overview redrew 150 ms later,
    after the tree and the floor had switched: two plans on screen at once)."""
    from planner.resources import example_plan

    path = saved_plan(tmp_path)
    window = make_window(qtbot, tmp_path)
    window.resize(1366, 768)
    window.show()
    assert window.open_path(example_plan())
    qtbot.waitUntil(lambda: window.floor.overview._pixmap is not None)
    old_pixmap = window.floor.overview._pixmap
    assert window.open_path(path)  # no event processed between this and the checks
    assert window.tree._groups["service"].childCount() == 2
    assert set(window.floor.scene.rack_items) == {"r"}
    assert window.services.model.rowCount() == 2
    assert not window.floor.overview._timer.isActive(), "the overview redraw is not deferred"
    assert window.floor.overview._pixmap is not old_pixmap
    assert window.updatesEnabled()


def test_the_file_is_read_off_the_gui_thread_with_a_busy_dialog(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    """A slow read (the 32,000-server plan) keeps the window painting and shows a busy
    dialog past a delay; the plan shows once the read is done."""
    import threading

    from PySide6.QtCore import QTimer

    import planner.gui.busy as busy
    import planner.gui.main_window as main_window

    path = saved_plan(tmp_path)
    release = threading.Event()
    readers: list[threading.Thread] = []
    real_load = main_window.load_plan

    def slow_load(target: Path) -> object:
        readers.append(threading.current_thread())
        assert release.wait(30), "the busy dialog never showed"
        return real_load(target)

    seen: list[str] = []

    def watch() -> None:  # runs on the GUI thread while the read is in progress
        dialogs = [w for w in window.findChildren(busy.BusyDialog) if w.isVisible()]
        if dialogs:
            seen.append(dialogs[0].labelText())
            release.set()
        else:
            QTimer.singleShot(10, watch)

    monkeypatch.setattr(busy, "SHOW_AFTER_MS", 50)
    monkeypatch.setattr(main_window, "load_plan", slow_load)
    window = make_window(qtbot, tmp_path)
    window.show()
    QTimer.singleShot(0, watch)
    assert window.open_path(path)
    assert readers and readers[0] is not threading.main_thread()
    assert seen == ["Opening p.drplan…"]
    assert window.document.path == path
    assert not [w for w in window.findChildren(busy.BusyDialog) if w.isVisible()]


def test_a_read_that_raises_anything_is_one_line_and_changes_nothing(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    import planner.gui.main_window as main_window

    def broken(_path: Path) -> object:
        raise RecursionError("maximum recursion depth exceeded")

    path = saved_plan(tmp_path)
    window = make_window(qtbot, tmp_path)
    assert window.open_path(path)
    monkeypatch.setattr(main_window, "load_plan", broken)
    assert not window.open_path(tmp_path / "deep.json")
    assert window.errors == [
        f"Not opened: {tmp_path / 'deep.json'}: the plan is nested too deeply "
        "(unknown fields inside each other)"
    ]
    assert window.document.path == path


def test_status_messages_and_the_title_escape_controls_from_the_plan(qtbot, tmp_path: Path) -> None:
    window = make_window(qtbot, tmp_path)
    window.show_message("rack 'a\x1b[2J\u202eb' deleted\nforged line")
    assert window.statusBar().currentMessage() == ("rack 'a\\x1b[2J\\u202eb' deleted\\nforged line")
    window.document.replace(Plan(name="x"), tmp_path / "evil\u202eplan.drplan")
    assert "\u202e" not in window.windowTitle()
    assert "evil\\u202eplan.drplan" in window.windowTitle()


def test_properties_undo_text_names_the_field_as_the_form_does(qtbot) -> None:
    doc = PlanDocument(plan())
    panel = PropertiesPanel(doc)
    qtbot.addWidget(panel)
    doc.select([("service", "db")])
    panel.editors["rto_minutes"].setText("1:30")
    panel.editors["rto_minutes"].editingFinished.emit()
    name = doc.plan.service("db").name  # type: ignore[union-attr]
    assert doc.undo_stack.undoText() == f"Set RTO of {name}"
    doc.select([("service", "db"), ("service", "web")])
    panel.editors["tier"].setText("3")
    panel.editors["tier"].editingFinished.emit()
    assert doc.undo_stack.undoText() == "Set Tier of 2 services"
