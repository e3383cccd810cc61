"""The navigation base of the zoomable views (planner.gui.views.canvas), on small views of
its own: limits, anchors, the wheel, fit, pans and tooltips."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QHelpEvent, QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QGraphicsScene, QGraphicsView

from planner.gui.views.canvas import Navigation, ZoomPanView

NO_MODIFIER = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier


class Board(ZoomPanView):
    """A 2,000 x 1,000 scene with limits of its own."""

    MIN_ZOOM = 0.1
    MAX_ZOOM = 3.0
    FIT_MAX = 1.5
    SPACE_PANS = True

    def __init__(self, scene: QGraphicsScene) -> None:
        super().__init__(scene)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.content = QRectF(0, 0, 2000, 1000)
        self.zooms: list[float] = []
        self.zoomChanged.connect(self.zooms.append)
        self.asked: list[QPoint] = []

    def fit_rect(self) -> QRectF | None:
        return None if self.content.isEmpty() else self.content

    def tooltip_at(self, pos: QPoint) -> str | None:
        self.asked.append(pos)
        return None if pos.x() < 100 else ""  # the left strip: the item's own tooltip


class Timeline(Navigation, QAbstractScrollArea):
    """A scroll area zooming in x only, with Ctrl+wheel, like the Gantt timeline."""

    WHEEL_ZOOM_NEEDS_CTRL = True
    SIDEWAYS_WHEEL_SCROLLS = False

    def __init__(self) -> None:
        super().__init__()
        self.factors: list[tuple[float, QPointF | None]] = []
        self.horizontalScrollBar().setRange(0, 1000)
        self.verticalScrollBar().setRange(0, 1000)

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        self.factors.append((factor, anchor))


@pytest.fixture
def board(qtbot) -> Iterator[Board]:
    scene = QGraphicsScene()
    scene.setSceneRect(-500, -500, 3000, 2000)
    rect = scene.addRect(QRectF(0, 0, 2000, 1000))
    rect.setToolTip("the board")
    view = Board(scene)
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)
    view.set_zoom(1.0)
    view.centerOn(1000, 500)
    scene.setParent(view)  # it lives as long as the view
    yield view


def wheel(
    widget: QAbstractScrollArea,
    at: QPoint,
    dy: int,
    dx: int = 0,
    modifiers: Qt.KeyboardModifier = NO_MODIFIER,
) -> QWheelEvent:
    event = QWheelEvent(
        QPointF(at),
        QPointF(widget.viewport().mapToGlobal(at)),
        QPoint(0, 0),
        QPoint(dx, dy),
        Qt.MouseButton.NoButton,
        modifiers,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget.viewport(), event)
    return event


def test_the_wheel_zooms_about_the_cursor_within_the_limits(board: Board) -> None:
    anchor = QPoint(450, 120)
    under = board.mapToScene(anchor)
    wheel(board, anchor, 120)
    assert board.zoom == pytest.approx(1.2)
    assert board.mapToScene(anchor).x() == pytest.approx(under.x(), abs=1.5)
    assert board.mapToScene(anchor).y() == pytest.approx(under.y(), abs=1.5)
    for _ in range(20):
        wheel(board, anchor, 120)
    assert board.zoom == pytest.approx(Board.MAX_ZOOM)
    for _ in range(40):
        wheel(board, anchor, -240)
    assert board.zoom == pytest.approx(Board.MIN_ZOOM)
    assert board.zooms[-1] == pytest.approx(Board.MIN_ZOOM)
    count = len(board.zooms)
    wheel(board, anchor, -120)
    assert len(board.zooms) == count  # at the limit nothing changes, nothing is said


def test_keys_and_set_zoom_step_and_clamp_about_the_middle(board: Board) -> None:
    middle = board.mapToScene(board.viewport().rect().center())
    board.zoom_in()
    assert board.zoom == pytest.approx(1.25)
    board.zoom_out()
    board.zoom_out()
    assert board.zoom == pytest.approx(0.8)
    now = board.mapToScene(board.viewport().rect().center())
    assert (now - middle).manhattanLength() < 3
    board.set_zoom(100.0)
    assert board.zoom == pytest.approx(Board.MAX_ZOOM)
    board.set_zoom(0.0)
    assert board.zoom == pytest.approx(Board.MIN_ZOOM)


def test_a_sideways_wheel_scrolls_where_the_view_says_so(board: Board) -> None:
    bar = board.horizontalScrollBar()
    before = bar.value()
    wheel(board, QPoint(300, 200), 0, dx=-120)
    assert bar.value() > before and board.zoom == pytest.approx(1.0)
    board.SIDEWAYS_WHEEL_SCROLLS = False
    before = bar.value()
    event = wheel(board, QPoint(300, 200), 0, dx=-120)
    assert bar.value() == before and event.isAccepted()


def test_fit_shows_everything_but_never_closer_than_fit_max(board: Board) -> None:
    board.set_zoom(3.0)
    board.fit_all()
    shown = board.mapToScene(board.viewport().rect()).boundingRect()
    assert shown.contains(board.content)
    assert board.zoom < 1.0 and board.zooms[-1] == board.zoom
    board.content = QRectF(900, 450, 40, 20)  # small: fitted it would be 10x
    board.fit_all()
    assert board.zoom == pytest.approx(Board.FIT_MAX)
    centre = board.mapToScene(board.viewport().rect().center())
    assert (centre - board.content.center()).manhattanLength() < 3
    board.content = QRectF()
    board.fit_all()  # nothing to fit: nothing moves
    assert board.zoom == pytest.approx(Board.FIT_MAX)


def test_the_middle_button_pans_and_never_reaches_the_scene(qtbot, board: Board) -> None:
    viewport = board.viewport()
    h, v = board.horizontalScrollBar(), board.verticalScrollBar()
    x, y = h.value(), v.value()
    middle = Qt.MouseButton.MiddleButton
    qtbot.mousePress(viewport, middle, NO_MODIFIER, QPoint(300, 200))
    assert viewport.cursor().shape() == Qt.CursorShape.ClosedHandCursor
    qtbot.mouseMove(viewport, QPoint(250, 170))
    qtbot.mouseRelease(viewport, middle, NO_MODIFIER, QPoint(250, 170))
    assert (h.value(), v.value()) == (x + 50, y + 30)
    assert viewport.cursor().shape() == Qt.CursorShape.ArrowCursor
    assert board.scene().selectedItems() == []


def test_space_turns_the_left_button_into_a_pan_until_released(qtbot, board: Board) -> None:
    board.setFocus()
    qtbot.keyPress(board, Qt.Key.Key_Space)
    assert board.space_panning and not board.isInteractive()
    assert board.dragMode() == QGraphicsView.DragMode.ScrollHandDrag
    qtbot.keyRelease(board, Qt.Key.Key_Space)
    assert not board.space_panning and board.isInteractive()
    assert board.dragMode() == QGraphicsView.DragMode.RubberBandDrag  # the mode it had


def test_tooltips_come_from_tooltip_at_or_from_the_item(board: Board) -> None:
    viewport = board.viewport()
    inside = QPoint(300, 200)
    event = QHelpEvent(QEvent.Type.ToolTip, inside, viewport.mapToGlobal(inside))
    QApplication.sendEvent(viewport, event)
    assert board.asked == [inside]
    assert not event.isAccepted()  # no text: the tip hides, the parents may answer
    left = QPoint(50, 200)  # tooltip_at says None: Qt shows the item's tooltip
    event = QHelpEvent(QEvent.Type.ToolTip, left, viewport.mapToGlobal(left))
    QApplication.sendEvent(viewport, event)
    assert board.asked[-1] == left and event.isAccepted()


def test_a_scroll_area_zooms_with_ctrl_wheel_only(qtbot) -> None:
    timeline = Timeline()
    qtbot.addWidget(timeline)
    timeline.resize(400, 300)
    timeline.show()
    bar = timeline.verticalScrollBar()
    wheel(timeline, QPoint(100, 50), -120)
    assert timeline.factors == [] and bar.value() > 0  # the plain wheel scrolls
    wheel(timeline, QPoint(100, 50), 240, modifiers=CTRL)
    assert timeline.factors == [(pytest.approx(Navigation.WHEEL_STEP**2), QPointF(100, 50))]
    timeline.zoom_in()
    timeline.zoom_out()
    assert [f for f, _ in timeline.factors[1:]] == [1.25, pytest.approx(1 / 1.25)]
