"""The rack elevation: one rack, its units bottom-up, its servers where they sit.

Gestures and their edits (each one undo step, pushed on release or drop):

* drag a server to other units: ``place_servers`` (refuses overlap and overflow);
  while dragging, a ghost snaps to whole units and turns red where the server would
  not fit, and a red ghost's drop is refused (no step);
* drag a server out of the view sideways: it becomes a drag-and-drop that another
  rack view accepts (the server moves to that rack, same rules);
* drop "New 1U server" / "New 2U server" from the palette: ``AddItem`` with a fresh id;
* Delete: ``delete_items`` of the selected server.

A server shows the services it carries (active and standby) in its tooltip, and on a
second line or beside its name when there is room. Lost servers (from the recovery
result) are red; the others carry the colour of the worst state of their services.
"""

from __future__ import annotations

import json
import math

from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QDrag,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from planner.gui import style
from planner.gui.document import PlanDocument
from planner.gui.models.services_model import service_ids_from_mime
from planner.gui.palette import DragSourceButton
from planner.gui.recovery_controller import RecoveryController
from planner.gui.views.canvas import show_tooltip
from planner.gui.views.floor_items import text_color_on, tint
from planner.gui.when_shown import WhenShown
from planner.layout.floor import services_by_server
from planner.model import Rack, Server, new_items
from planner.model.edits import (
    AddItem,
    Change,
    Composite,
    EditRefused,
    assign_service,
    delete_items,
    place_servers,
)

#: A server dragged from a rack view: JSON ``{"id": server id, "grab": unit offset}``
#: (which of its units, counted from its bottom, is under the cursor).
SERVER_MIME = "application/x-drplanner-server"
#: A new server from the palette: JSON ``{"height": units}``.
NEW_SERVER_MIME = "application/x-drplanner-new-server"
MARGIN = 14.0
RAIL = 7.0  # the rack's side rails, in pixels
MAX_RACK_WIDTH = 560.0


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _count(number: int, noun: str) -> str:
    """``1 server``, ``9 servers``."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _payload(data: QMimeData, mime: str) -> dict[str, object] | None:
    if not data.hasFormat(mime):
        return None
    try:
        value = json.loads(bytes(data.data(mime).data()).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


class Ghost:
    """Where a dragged server would land: ``position`` (bottom unit), ``height``, ``valid``."""

    def __init__(self, position: int, height: int, valid: bool, reason: str = "") -> None:
        self.position, self.height, self.valid, self.reason = position, height, valid, reason

    def __repr__(self) -> str:
        return f"Ghost({self.position}, {self.height}, valid={self.valid})"


class RackCanvas(QWidget):
    """Paints the elevation and handles the mouse, drags and drops on it."""

    def __init__(self, view: RackView) -> None:
        super().__init__(view)
        self.view = view
        self.setAcceptDrops(True)
        self.setMouseTracking(False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        #: The ghost of the drag in progress (None when nothing is dragged).
        self.ghost: Ghost | None = None
        self._press: tuple[str, int, QPoint] | None = None  # server, grab, where
        self._dragging = False

    # ------------------------------------------------------------------ geometry

    def _fonts(self) -> tuple[QFont, QFont, QFontMetricsF, QFontMetricsF]:
        name_font = QFont(self.font())
        small = QFont(self.font())
        small.setPointSizeF(max(self.font().pointSizeF() * 0.85, 7.0))
        return name_font, small, QFontMetricsF(name_font), QFontMetricsF(small)

    def min_unit_height(self) -> float:
        return math.ceil(QFontMetricsF(self.font()).height() + 3)

    def units(self) -> int:
        rack = self.view.rack()
        return max(int(rack.units), 1) if rack is not None else 0

    def unit_height(self) -> float:
        units = self.units()
        if not units:
            return self.min_unit_height()
        available = (self.height() - 2 * MARGIN) / units
        low = self.min_unit_height()
        return max(low, min(available, 2 * low + 6))

    def gutter(self) -> float:
        return QFontMetricsF(self.font()).horizontalAdvance("888") + 10

    def rack_rect(self) -> QRectF:
        """The units area (inside the rails)."""
        width = min(self.width() - 2 * (self.gutter() + RAIL) - 2 * MARGIN, MAX_RACK_WIDTH)
        width = max(width, 120.0)
        left = (self.width() - width) / 2
        height = self.units() * self.unit_height()
        return QRectF(left, MARGIN, width, height)

    def unit_rect(self, position: int, height: int = 1) -> QRectF:
        """The rectangle of units ``position`` .. ``position + height - 1`` (may overflow)."""
        rack = self.rack_rect()
        step = self.unit_height()
        top_unit = position + height - 1
        y = rack.top() + (self.units() - top_unit) * step
        return QRectF(rack.left(), y, rack.width(), height * step)

    def unit_at(self, y: float) -> int:
        """The unit at height ``y``; beyond the rack it keeps counting (0, -1 / units+1 ...)."""
        step = self.unit_height()
        return self.units() - math.floor((y - self.rack_rect().top()) / step)

    def server_at(self, point: QPointF) -> Server | None:
        rack = self.rack_rect()
        if not (rack.left() <= point.x() <= rack.right()):
            return None
        unit = self.unit_at(point.y())
        for server in self.view.servers():
            if server.position <= unit <= server.top:
                return server
        return None

    def sizeHint(self) -> QSize:
        units = max(self.units(), 1)
        return QSize(420, int(units * self.min_unit_height() + 2 * MARGIN))

    def minimumSizeHint(self) -> QSize:
        units = max(self.units(), 1)
        return QSize(260, int(units * self.min_unit_height() + 2 * MARGIN))

    # ------------------------------------------------------------------ painting

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        rack = self.view.rack()
        if rack is None:
            painter.setPen(QColor(style.MUTED_TEXT))
            painter.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                "No rack to show.\nDouble-click a rack on the floor, or choose one above.",
            )
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        area = self.rack_rect()
        step = self.unit_height()
        units = self.units()
        name_font, small_font, name_metrics, small_metrics = self._fonts()
        # Frame: rails either side, empty units in the rack colour.
        frame = area.adjusted(-RAIL, -RAIL, RAIL, RAIL)
        painter.fillRect(frame, QColor(style.RACK_BORDER))
        painter.fillRect(area, QColor(style.RACK_FILL))
        painter.setPen(QPen(QColor(style.RACK_FILL).darker(108), 1))
        for unit in range(1, units):
            y = round(area.top() + unit * step)
            painter.drawLine(round(area.left()), y, round(area.right()), y)
        # Unit numbers on both sides, bottom-up; fewer when the units are thin.
        painter.setFont(small_font)
        painter.setPen(QColor(style.MUTED_TEXT))
        every = 1 if step >= small_metrics.height() else 5
        gutter = self.gutter()
        for unit in range(1, units + 1):
            if unit % every and unit != 1:
                continue
            row = self.unit_rect(unit)
            left = QRectF(frame.left() - gutter, row.top(), gutter - 6, row.height())
            right = QRectF(frame.right() + 6, row.top(), gutter - 6, row.height())
            align = Qt.AlignmentFlag.AlignVCenter
            painter.drawText(left, align | Qt.AlignmentFlag.AlignRight, str(unit))
            painter.drawText(right, align | Qt.AlignmentFlag.AlignLeft, str(unit))
        selected = self.view.selected_servers()
        for server in self.view.servers():
            self._paint_server(
                painter, server, server.id in selected, name_font, small_font, name_metrics
            )
        if self.ghost is not None:
            self._paint_ghost(painter, self.ghost)
        painter.end()

    def _paint_server(
        self,
        painter: QPainter,
        server: Server,
        selected: bool,
        name_font: QFont,
        small_font: QFont,
        name_metrics: QFontMetricsF,
    ) -> None:
        units = self.units()
        bottom, top = max(server.position, 1), min(server.top, units)
        if top < bottom:
            return  # outside the rack: validation reports it
        rect = self.unit_rect(bottom, top - bottom + 1).adjusted(1, 1, -1, -1)
        state = self.view.server_state.get(server.id, "up")
        fill = style.color("lost") if state == "lost" else QColor(style.SERVER_FILL)
        if state not in ("up", "lost"):
            fill = tint(state, 0.2)
        painter.setPen(QPen(QColor(style.RACK_BORDER), 1))
        painter.setBrush(fill)
        painter.drawRect(rect)
        if state != "lost":
            painter.fillRect(QRectF(rect.left(), rect.top(), 5, rect.height()), style.color(state))
        ink = text_color_on(fill)
        inner = rect.adjusted(12, 0, -8, 0)
        name = server.name.strip() or server.id
        services = self.view.services_of.get(server.id, [])
        carried = ", ".join(services)
        small_metrics = QFontMetricsF(small_font)
        two_lines = rect.height() >= name_metrics.height() + small_metrics.height() + 6
        painter.setFont(name_font)
        painter.setPen(ink)
        if two_lines and carried:
            block = name_metrics.height() + small_metrics.height()
            top_y = rect.center().y() - block / 2
            line = QRectF(inner.left(), top_y, inner.width(), name_metrics.height())
            painter.drawText(
                line,
                Qt.AlignmentFlag.AlignVCenter,
                name_metrics.elidedText(name, Qt.TextElideMode.ElideRight, inner.width()),
            )
            painter.setFont(small_font)
            painter.setPen(self._muted(ink))
            below = QRectF(inner.left(), line.bottom(), inner.width(), small_metrics.height())
            painter.drawText(
                below,
                Qt.AlignmentFlag.AlignVCenter,
                small_metrics.elidedText(carried, Qt.TextElideMode.ElideRight, inner.width()),
            )
        else:
            name_width = min(name_metrics.horizontalAdvance(name), inner.width())
            painter.drawText(
                inner,
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                name_metrics.elidedText(name, Qt.TextElideMode.ElideRight, inner.width()),
            )
            room = inner.width() - name_width - 16
            if carried and room >= 60:
                painter.setFont(small_font)
                painter.setPen(self._muted(ink))
                painter.drawText(
                    inner,
                    Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                    small_metrics.elidedText(carried, Qt.TextElideMode.ElideRight, room),
                )
        if selected:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(QColor(style.SELECTION), 2.5))
            painter.drawRect(rect.adjusted(1, 1, -1, -1))

    @staticmethod
    def _muted(ink: QColor) -> QColor:
        muted = QColor(ink if ink.lightness() > 128 else QColor(style.MUTED_TEXT))
        if ink.lightness() > 128:
            muted.setAlpha(210)
        return muted

    def _paint_ghost(self, painter: QPainter, ghost: Ghost) -> None:
        rect = self.unit_rect(ghost.position, ghost.height).adjusted(1, 1, -1, -1)
        colour = QColor(style.SELECTION if ghost.valid else style.INVALID)
        fill = QColor(colour)
        fill.setAlpha(60)
        pen = QPen(colour, 2, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(fill)
        painter.drawRect(rect)
        top = ghost.position + ghost.height - 1
        label = f"U{ghost.position}" if ghost.height == 1 else f"U{ghost.position}–{top}"
        if not ghost.valid and ghost.reason:
            label += f": {ghost.reason}"
        painter.setPen(colour.darker(130))
        painter.drawText(
            rect.adjusted(12, 0, -8, 0),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
            label,
        )

    # ------------------------------------------------------------------ placing

    def check(self, server_id: str | None, position: int, height: int) -> Ghost:
        """Would a server (an existing one, or a new one of ``height``) fit at ``position``?"""
        rack = self.view.rack()
        if rack is None:
            return Ghost(position, height, False, "no rack")
        top = position + height - 1
        if position < 1 or top > rack.units:
            return Ghost(position, height, False, f"outside units 1–{rack.units}")
        for other in self.view.servers():
            if other.id != server_id and other.position <= top and position <= other.top:
                return Ghost(position, height, False, f"overlaps {other.name or other.id}")
        if server_id is not None:
            try:
                place_servers(self.view.document.plan, {server_id: (rack.id, position)})
            except EditRefused as refusal:
                return Ghost(position, height, False, str(refusal))
        return Ghost(position, height, True)

    def _ghost_for(self, server_id: str | None, height: int, grab: int, y: float) -> Ghost:
        return self.check(server_id, self.unit_at(y) - grab, height)

    def _move(self, server_id: str, ghost: Ghost) -> bool:
        """Push the move of ``server_id`` to the ghost's units of this rack (one step)."""
        rack = self.view.rack()
        server = self.view.document.plan.server(server_id)
        if rack is None or server is None or not ghost.valid:
            return False
        if server.rack == rack.id and server.position == ghost.position:
            return False  # dropped where it was
        try:
            edit = place_servers(self.view.document.plan, {server_id: (rack.id, ghost.position)})
        except EditRefused as refusal:
            self.view.document.refused.emit(str(refusal))
            return False
        return self.view.document.push(edit)

    # ------------------------------------------------------------------ mouse

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        server = self.server_at(event.position())
        if server is None:
            self.view.document.select([])
            self._press = None
            return
        grab = self.unit_at(event.position().y()) - server.position
        self._press = (server.id, grab, event.position().toPoint())
        self._dragging = False
        self.view.document.select([("server", server.id)])
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None or not event.buttons() & Qt.MouseButton.LeftButton:
            return
        server_id, grab, start = self._press
        where = event.position()
        if not self._dragging:
            if (where.toPoint() - start).manhattanLength() < QApplication.startDragDistance():
                return
            self._dragging = True
        server = self.view.document.plan.server(server_id)
        if server is None:
            return
        if where.x() < 0 or where.x() > self.width():
            self._start_external_drag(server, grab)
            return
        self.ghost = self._ghost_for(server_id, max(server.height, 1), grab, where.y())
        self.setCursor(
            Qt.CursorShape.ClosedHandCursor if self.ghost.valid else Qt.CursorShape.ForbiddenCursor
        )
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mouseReleaseEvent(event)
            return
        press, ghost, dragging = self._press, self.ghost, self._dragging
        self._press, self.ghost, self._dragging = None, None, False
        self.unsetCursor()
        self.update()
        if press is not None and dragging and ghost is not None:
            self._move(press[0], ghost)

    def _start_external_drag(self, server: Server, grab: int) -> None:
        """The cursor left the view: carry the server to another view by drag and drop."""
        self._press, self.ghost, self._dragging = None, None, False
        self.unsetCursor()
        self.update()
        data = QMimeData()
        data.setData(SERVER_MIME, json.dumps({"id": server.id, "grab": grab}).encode())
        drag = QDrag(self)
        drag.setMimeData(data)
        drag.exec(Qt.DropAction.MoveAction)

    # ------------------------------------------------------------------ drops

    def _drop_ghost(self, event: QDropEvent | QDragMoveEvent) -> tuple[Ghost, str | None] | None:
        data = event.mimeData()
        moved = _payload(data, SERVER_MIME)
        if moved is not None:
            server = self.view.document.plan.server(str(moved.get("id", "")))
            if server is None:
                return None
            grab = moved.get("grab", 0)
            grab = grab if isinstance(grab, int) else 0
            height = max(server.height, 1)
            return self._ghost_for(server.id, height, grab, event.position().y()), server.id
        new = _payload(data, NEW_SERVER_MIME)
        if new is not None:
            height = new.get("height", 1)
            height = height if isinstance(height, int) and height >= 1 else 1
            return self._ghost_for(None, height, 0, event.position().y()), None
        return None

    def _service_target(self, event: QDropEvent | QDragMoveEvent) -> Server | None:
        """The server under a dragged service (services are assigned by dropping them)."""
        if not service_ids_from_mime(event.mimeData()):
            return None
        return self.server_at(event.position())

    def _assign_dropped_services(self, event: QDropEvent) -> bool:
        server = self._service_target(event)
        if server is None:
            return False
        plan = self.view.document.plan
        edits = [
            assign_service(plan, service_id, [server.id])
            for service_id in service_ids_from_mime(event.mimeData())
            if plan.service(service_id) is not None
            and server.id not in plan.service(service_id).servers  # type: ignore[union-attr]
        ]
        if not edits:
            return False
        edit = edits[0] if len(edits) == 1 else Composite(f"Assign {len(edits)} services", edits)
        return self.view.document.push(edit)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if service_ids_from_mime(event.mimeData()) and self.view.rack() is not None:
            event.acceptProposedAction()  # refused per position in dragMoveEvent
            return
        # Accepted whatever the position: a widget that ignores the enter gets no moves.
        found = self._drop_ghost(event) if self.view.rack() is not None else None
        if found is None:
            event.ignore()
            return
        self.ghost = found[0]
        self.update()
        event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if service_ids_from_mime(event.mimeData()):
            if self._service_target(event) is not None:
                event.acceptProposedAction()
            else:
                event.ignore()
            return
        found = self._drop_ghost(event)
        if found is None:
            event.ignore()
            return
        self.ghost = found[0]
        self.update()
        if self.ghost.valid:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.ghost = None
        self.update()

    def dropEvent(self, event: QDropEvent) -> None:
        if service_ids_from_mime(event.mimeData()):
            if self._assign_dropped_services(event):
                event.acceptProposedAction()
            else:
                event.ignore()
            return
        found = self._drop_ghost(event)
        self.ghost = None
        self.update()
        if found is None or not found[0].valid:
            event.ignore()
            return
        ghost, server_id = found
        done = self._move(server_id, ghost) if server_id else self.view.add_server(ghost)
        if done:
            event.acceptProposedAction()
        else:
            event.ignore()

    # ------------------------------------------------------------------ tooltips

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            server = self.server_at(QPointF(event.pos()))
            show_tooltip(event, self.view.tooltip(server) if server is not None else "", self)
            return True
        return super().event(event)


class ServerPaletteButton(DragSourceButton):
    """ "New 1U server" and the like: drag onto a rack; a click adds one at the lowest gap."""

    def __init__(self, height: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.units = height
        self.setText(f"New {height}U server")
        self.setToolTip(f"Drag onto the rack to add a {height}U server (or click: lowest free gap)")

    def mime_data(self) -> QMimeData:
        data = QMimeData()
        data.setData(NEW_SERVER_MIME, json.dumps({"height": self.units}).encode())
        return data


class RackView(QWidget):
    """One rack's elevation, chosen with :meth:`set_rack` (or the chooser at the top).

    Actions (also in ``actions()``): ``delete_action`` (Delete: the selected servers).
    ``rackChanged(str)`` is emitted when the shown rack changes ("" for none).
    """

    rackChanged = Signal(str)

    def __init__(
        self, document: PlanDocument, recovery: RecoveryController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.recovery = recovery
        self.rack_id: str | None = None
        self.server_state: dict[str, str] = {}
        self.services_of: dict[str, list[str]] = {}
        self._servers: list[Server] = []

        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setMinimumWidth(40)  # a long name is cut, never widens the view
        title_font = QFont(self.title.font())
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.1)
        self.title.setFont(title_font)
        self.subtitle = QLabel(self)
        self.subtitle.setTextFormat(Qt.TextFormat.PlainText)
        self.subtitle.setMinimumWidth(40)
        self.subtitle.setWordWrap(True)  # a narrow view wraps it, never cuts it off
        self.subtitle.setStyleSheet(f"color: {style.MUTED_TEXT};")
        self.chooser = QComboBox(self)
        self.chooser.setToolTip("Rack to show")
        self.chooser.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.chooser.setMinimumContentsLength(18)
        self.chooser.activated.connect(self._chosen)
        self.new_1u_button = ServerPaletteButton(1, self)
        self.new_2u_button = ServerPaletteButton(2, self)
        self.new_1u_button.clicked.connect(lambda: self.add_server_in_gap(1))
        self.new_2u_button.clicked.connect(lambda: self.add_server_in_gap(2))

        self.canvas = RackCanvas(self)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.canvas)

        top = QHBoxLayout()
        top.setContentsMargins(10, 6, 8, 0)
        top.addWidget(self.title, 1)
        top.addWidget(self.chooser)
        top.addWidget(self.new_1u_button)
        top.addWidget(self.new_2u_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addLayout(top)
        # The whole width below the controls: a long site name leaves the counts readable.
        self.subtitle.setContentsMargins(10, 0, 8, 6)
        column.addWidget(self.subtitle)
        column.addWidget(self.scroll, 1)

        self.delete_action = QAction("Delete server", self)
        self.delete_action.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.delete_action.triggered.connect(self.delete_selection)
        self.addAction(self.delete_action)

        # Hidden (another tab is current), the view follows edits and results only when
        # it is shown again: a 32,000-server plan costs nothing here while it is away.
        self._when_shown = WhenShown(self)
        document.changed.connect(self._plan_changed)
        document.selectionChanged.connect(self._selection_changed)
        recovery.resultChanged.connect(self._result_changed)
        self._fill_chooser()
        self._refresh()

    # ------------------------------------------------------------------ model

    def rack(self) -> Rack | None:
        return self.document.plan.rack(self.rack_id) if self.rack_id is not None else None

    def servers(self) -> list[Server]:
        """The servers of the shown rack, bottom-up."""
        self._when_shown.catch_up()
        return self._servers

    def selected_servers(self) -> set[str]:
        return {key for kind, key in self.document.selection if kind == "server"}

    def set_rack(self, rack_id: str | None) -> None:
        """Show ``rack_id`` (None or an unknown id: nothing)."""
        if rack_id == self.rack_id:
            return
        self.rack_id = rack_id
        index = self.chooser.findData(rack_id) if rack_id is not None else -1
        self.chooser.setCurrentIndex(index)
        self._refresh()
        # Racks fill from unit 1 up: show the bottom first (once the layout has settled).
        QTimer.singleShot(0, self._show_bottom)
        self.rackChanged.emit(rack_id or "")

    def _show_bottom(self) -> None:
        bar = self.scroll.verticalScrollBar()
        bar.setValue(bar.maximum())

    def _chosen(self, index: int) -> None:
        self.set_rack(self.chooser.itemData(index))

    def _fill_chooser(self) -> None:
        plan = self.document.plan
        sites = {s.id: s.name for s in plan.sites}
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for rack in plan.racks:
            where = sites.get(rack.site, rack.site)
            self.chooser.addItem(f"{rack.name or rack.id} — {where}", rack.id)
        self.chooser.setCurrentIndex(
            self.chooser.findData(self.rack_id) if self.rack_id is not None else -1
        )
        self.chooser.blockSignals(False)

    def _refresh(self) -> None:
        """Re-read the shown rack's servers, their services and states."""
        rack = self.rack()
        plan = self.document.plan
        if rack is None:
            self._servers = []
            self.title.setText("No rack")
            self.subtitle.setText("")
        else:
            self._servers = sorted(
                (s for s in plan.servers if s.rack == rack.id), key=lambda s: s.position
            )
            site = plan.site(rack.site)
            used = sum(max(s.height, 1) for s in self._servers)
            self.title.setText(rack.name or rack.id)
            count = len(self._servers)
            self.subtitle.setText(
                f"{site.name if site else rack.site} · {_count(count, 'server')} · "
                f"{used} of {_count(rack.units, 'unit')} used"
            )
        self.services_of = services_by_server(plan, [s.id for s in self._servers])
        self._refresh_states()
        for button in (self.new_1u_button, self.new_2u_button):
            button.setEnabled(rack is not None)
        self.canvas.updateGeometry()
        self.canvas.update()

    def _refresh_states(self) -> None:
        self.server_state = self.recovery.floor_states()[0]
        self.canvas.update()

    def _result_changed(self) -> None:
        self._when_shown.run("states", self._refresh_states)

    def _plan_changed(self, change: Change | None, origin: object = None) -> None:
        if change is None or change.kinds & {"rack", "site"}:
            self._when_shown.run("chooser", self._fill_chooser)
        if change is None or change.kinds & {"rack", "site", "server", "service"}:
            self._when_shown.run("refresh", self._refresh)

    def _selection_changed(self, selection: list[tuple[str, str]]) -> None:
        # The view follows the rack the user picked elsewhere (tree, floor): a rack, or
        # the rack of a server; a selection spanning several racks leaves it as it is.
        plan = self.document.plan
        racks = {key for kind, key in selection if kind == "rack"} | {
            server.rack
            for kind, key in selection
            if kind == "server" and (server := plan.server(key)) is not None
        }
        if len(racks) == 1:
            self.set_rack(racks.pop())
        self.canvas.update()

    def tooltip(self, server: Server) -> str:
        services = self.services_of.get(server.id, [])
        state = style.STATE_LABELS[self.server_state.get(server.id, "up")]
        units = f"U{server.position}" if server.height <= 1 else f"U{server.position}–{server.top}"
        carried = "<br>".join(f"• {_html(s)}" for s in services) or "no service"
        return (
            f"<b>{_html(server.name or server.id)}</b> ({_html(server.id)})<br>{units}, "
            f"state: {state}<br>{carried}"
        )

    # ------------------------------------------------------------------ edits

    def add_server(self, ghost: Ghost) -> bool:
        """Add a new server of the ghost's height at its units, as one step; select it."""
        rack = self.rack()
        if rack is None or not ghost.valid:
            return False
        plan = self.document.plan
        server = new_items.new_server(plan, rack.id, ghost.position, ghost.height)
        if not self.document.push(AddItem("server", server)):
            return False
        self.document.select([("server", server.id)])
        return True

    def add_server_in_gap(self, height: int) -> bool:
        """The palette clicked: a new server in the lowest gap it fits (refused if none)."""
        rack = self.rack()
        if rack is None:
            return False
        for position in range(1, rack.units - height + 2):
            ghost = self.canvas.check(None, position, height)
            if ghost.valid:
                return self.add_server(ghost)
        self.document.refused.emit(f"No {height} free units in a row in {rack.name or rack.id}")
        return False

    def delete_selection(self) -> bool:
        chosen = [("server", s.id) for s in self.servers() if s.id in self.selected_servers()]
        if not chosen:
            return False
        try:
            edit = delete_items(self.document.plan, chosen)
        except EditRefused as refusal:
            self.document.refused.emit(str(refusal))
            return False
        return self.document.push(edit)


__all__ = [
    "NEW_SERVER_MIME",
    "SERVER_MIME",
    "Ghost",
    "RackCanvas",
    "RackView",
    "ServerPaletteButton",
]
