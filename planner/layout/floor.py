"""The floor's layout rules, and the state of each server and rack, without Qt.

A site or rack whose position is not in the plan is placed by the view, and nothing is
written to the plan until the user moves something. Sites without ``x, y`` stand side by
side, left to right in plan order, after the sites that have a position; racks without
``x, y`` fill a grid of slots inside their site, one slot per rack of the site in plan
order, so that a rack placed by hand leaves its slot empty and no other rack moves. A
site without ``width, height`` is as large as its grid. Rack positions are floor
coordinates (not relative to the site), as in the format. A rack is drawn in the site the
plan puts it in: a stored position whose centre lies in another site's box (the rack's
site was changed, in Properties say) is left out, and the rack takes its slot in its own
site.

The floor view, the rack view and the placement of new items all use these rules.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import cast

from planner.engine.recovery import RecoveryResult
from planner.layout import states
from planner.model import DEFAULT_RACK_UNITS, Plan, Rack, Site

# Floor geometry, in floor units (one unit is one pixel at 100% zoom).
RACK_WIDTH = 120.0
RACK_HEADER = 26.0
UNIT_HEIGHT = 8.0
RACK_GAP_X = 30.0
RACK_PITCH_X = RACK_WIDTH + RACK_GAP_X
RACK_GAP_Y = 50.0
SITE_HEADER = 40.0
SITE_PAD_X = 30.0
SITE_PAD_TOP = 70.0
SITE_PAD_BOTTOM = 30.0
SITE_GAP = 40.0
MIN_SITE_SIZE = (320.0, 240.0)
NEW_SITE_SIZE = (640.0, 460.0)
ORPHAN_GAP = 80.0  # racks whose site is missing sit in a row this far below the sites


def rack_height(units: int) -> float:
    """Height of a rack block: a header and one slice per unit (at least one)."""
    return RACK_HEADER + max(int(units), 1) * UNIT_HEIGHT


def _set(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


# --------------------------------------------------------------------------- layout


@dataclass
class FloorLayout:
    """Where everything is drawn: site boxes ``(x, y, w, h)`` and rack top-left corners.

    ``auto_sites`` / ``auto_racks`` name the items whose position came from the
    layout rules rather than from the plan.
    """

    sites: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)
    racks: dict[str, tuple[float, float]] = field(default_factory=dict)
    auto_sites: set[str] = field(default_factory=set)
    auto_racks: set[str] = field(default_factory=set)
    _bounds: tuple[float, float, float, float] | None = field(default=None, repr=False)

    def bounds(self) -> tuple[float, float, float, float]:
        """``(left, top, right, bottom)`` of everything, or a default box when empty."""
        if self._bounds is None:
            boxes = list(self.sites.values())
            tallest = rack_height(DEFAULT_RACK_UNITS)
            boxes += [(x, y, RACK_WIDTH, tallest) for x, y in self.racks.values()]
            if not boxes:
                self._bounds = (0.0, 0.0, *NEW_SITE_SIZE)
            else:
                self._bounds = (
                    min(b[0] for b in boxes),
                    min(b[1] for b in boxes),
                    max(b[0] + b[2] for b in boxes),
                    max(b[1] + b[3] for b in boxes),
                )
        return self._bounds


def _columns(count: int, row_pitch: float, aspect: float) -> int:
    """Columns of a rack grid whose box is about ``aspect`` (width / height)."""
    if count <= 1:
        return 1
    return max(1, min(count, math.ceil(math.sqrt(count * row_pitch * aspect / RACK_PITCH_X))))


def _grid(site: Site, racks: list[Rack], aspect: float) -> tuple[int, float]:
    """Columns and row pitch of a site's grid of racks: as many columns as its own width
    holds, else a grid of about the view's aspect."""
    tallest = max((rack_height(r.units) for r in racks), default=0.0)
    row_pitch = max(tallest, rack_height(DEFAULT_RACK_UNITS)) + RACK_GAP_Y
    if _set(site.width) and site.width > 0:  # type: ignore[operator]
        usable = float(site.width) - 2 * SITE_PAD_X + RACK_GAP_X  # type: ignore[arg-type]
        return max(1, int(usable // RACK_PITCH_X)), row_pitch
    return _columns(len(racks), row_pitch, aspect), row_pitch


def _grid_size(site: Site, racks: list[Rack], aspect: float) -> tuple[float, float]:
    """A site's box size from its own width and height, else from its grid of racks."""
    cols, row_pitch = _grid(site, racks, aspect)
    rows = math.ceil(len(racks) / cols) if racks else 0
    width = 2 * SITE_PAD_X + min(cols, len(racks)) * RACK_PITCH_X - RACK_GAP_X
    height = SITE_PAD_TOP + rows * row_pitch - RACK_GAP_Y + SITE_PAD_BOTTOM
    width, height = max(width, MIN_SITE_SIZE[0]), max(height, MIN_SITE_SIZE[1])
    if _set(site.width) and site.width > 0:  # type: ignore[operator]
        width = float(site.width)  # type: ignore[arg-type]
    if _set(site.height) and site.height > 0:  # type: ignore[operator]
        height = float(site.height)  # type: ignore[arg-type]
    return width, height


def _in_other_site(
    rack: Rack, site_id: str, boxes: dict[str, tuple[float, float, float, float]]
) -> bool:
    """True when the rack's stored centre is in another site's box and not in its own."""
    cx = float(rack.x) + RACK_WIDTH / 2  # type: ignore[arg-type]
    cy = float(rack.y) + rack_height(rack.units) / 2  # type: ignore[arg-type]

    def inside(box: tuple[float, float, float, float]) -> bool:
        x, y, w, h = box
        return x <= cx <= x + w and y <= cy <= y + h

    own = boxes.get(site_id)
    if own is not None and inside(own):
        return False
    return any(inside(box) for key, box in boxes.items() if key != site_id)


def compute_layout(plan: Plan) -> FloorLayout:
    """Apply the layout rules (module docstring) to ``plan``; never changes it.

    A repeated id is laid out once (the first item, as ``Plan.site()`` finds it).
    """
    layout = FloorLayout()
    racks_of: dict[str, list[Rack]] = {}
    seen_racks: set[str] = set()
    for rack in plan.racks:
        if rack.id not in seen_racks:
            seen_racks.add(rack.id)
            racks_of.setdefault(rack.site, []).append(rack)
    sites = []
    seen_sites: set[str] = set()
    for site in plan.sites:
        if site.id not in seen_sites:
            seen_sites.add(site.id)
            sites.append(site)
    placed = [s for s in sites if _set(s.x) and _set(s.y)]
    auto = [s for s in sites if not (_set(s.x) and _set(s.y))]
    # Side by side: with many sites, each is taller than wide so the floor stays wide.
    aspect = max(0.5, 1.6 / max(1, len(auto)))

    slots: dict[str, tuple[float, float]] = {}
    sizes: dict[str, tuple[float, float]] = {}
    grid_sizes = {site.id: _grid_size(site, racks_of.get(site.id, []), aspect) for site in sites}
    # Placed sites' boxes before they grow around hand-placed racks: where a rack whose
    # site was changed still stands.
    base_boxes = {s.id: (float(s.x), float(s.y), *grid_sizes[s.id]) for s in placed}  # type: ignore[arg-type]
    for site in sites:
        racks = racks_of.get(site.id, [])
        cols, row_pitch = _grid(site, racks, aspect)
        for i, rack in enumerate(racks):
            slots[rack.id] = (
                SITE_PAD_X + (i % cols) * RACK_PITCH_X,
                SITE_PAD_TOP + (i // cols) * row_pitch,
            )
        width, height = grid_sizes[site.id]
        if _set(site.x) and _set(site.y):
            # A placed site without a size also holds the racks placed by hand in it.
            for rack in racks:
                if _set(rack.x) and _set(rack.y) and not _in_other_site(rack, site.id, base_boxes):
                    width = max(width, float(rack.x) + RACK_WIDTH + SITE_PAD_X - float(site.x))  # type: ignore[arg-type]
                    height = max(
                        height,
                        float(rack.y)  # type: ignore[arg-type]
                        + rack_height(rack.units)
                        + SITE_PAD_BOTTOM
                        - float(site.y),  # type: ignore[arg-type]
                    )
        if _set(site.width) and site.width > 0:  # type: ignore[operator]
            width = float(site.width)  # type: ignore[arg-type]
        if _set(site.height) and site.height > 0:  # type: ignore[operator]
            height = float(site.height)  # type: ignore[arg-type]
        sizes[site.id] = (width, height)

    for site in placed:
        layout.sites[site.id] = (float(site.x), float(site.y), *sizes[site.id])  # type: ignore[arg-type]
    cursor_x = max((x + w for x, _, w, _ in layout.sites.values()), default=-SITE_GAP) + SITE_GAP
    top = min((y for _, y, _, _ in layout.sites.values()), default=0.0)
    for site in auto:
        width, height = sizes[site.id]
        layout.sites[site.id] = (cursor_x, top, width, height)
        layout.auto_sites.add(site.id)
        cursor_x += width + SITE_GAP

    bottom = max((y + h for _, y, _, h in layout.sites.values()), default=-ORPHAN_GAP)
    orphan_x = 0.0
    for site_id, racks in racks_of.items():
        box = layout.sites.get(site_id)
        for rack in racks:
            if _set(rack.x) and _set(rack.y) and not _in_other_site(rack, site_id, layout.sites):
                layout.racks[rack.id] = (float(rack.x), float(rack.y))  # type: ignore[arg-type]
                continue
            layout.auto_racks.add(rack.id)
            if box is not None:
                dx, dy = slots[rack.id]
                layout.racks[rack.id] = (box[0] + dx, box[1] + dy)
            else:
                layout.racks[rack.id] = (orphan_x, bottom + ORPHAN_GAP)
                orphan_x += RACK_PITCH_X
    return layout


# --------------------------------------------------------------------------- states


def state_maps(
    plan: Plan, result: RecoveryResult | None
) -> tuple[dict[str, str], dict[str, str], set[str]]:
    """``(server_state, rack_state, lost_sites)`` as the floor and the racks show them.

    A lost server or rack is "lost"; otherwise a server takes the worst state (by
    :data:`planner.layout.states.RANK`) of the services running or standing by on it, and a rack the
    worst state of its servers. Items missing from the maps are "up". Without a
    result everything is up.
    """
    if result is None:
        return {}, {}, set()
    engine_state = states.ENGINE_STATE
    rank = states.RANK
    # "lost" is the worst state, so a lost server never takes another: lost servers are
    # left out of the loops below, which is most of the plan when whole sites burn (the
    # set tests run in C, the loops in Python).
    lost = frozenset(result.impact.lost_servers)
    service_state: dict[str, str] = {}
    for recovery in result.services:
        shown = engine_state.get(recovery.state, "up")
        if shown != "up":
            service_state[recovery.id] = shown
    affected: dict[str, str] = {}  # servers not lost: the worst state of their services
    for service in plan.services:
        state = service_state.get(service.id)
        if state is None or (
            lost.issuperset(service.servers) and lost.issuperset(service.standby_servers)
        ):
            continue
        level = rank[state]
        for server_id in (*service.servers, *service.standby_servers):
            if server_id not in lost:
                known = affected.get(server_id)
                if known is None or rank[known] < level:
                    affected[server_id] = state
    server_state = dict.fromkeys(result.impact.lost_servers, "lost")
    server_state.update(affected)
    rack_of = {s.id: s.rack for s in plan.servers}
    rack_state: dict[str, str] = dict.fromkeys(result.impact.lost_racks, "lost")
    racks_of_lost: set[str | None] = set(map(rack_of.get, result.impact.lost_servers))
    racks_of_lost.discard(None)  # a server in no rack the plan knows
    rack_state.update(dict.fromkeys(cast("set[str]", racks_of_lost), "lost"))
    for server_id, state in affected.items():
        rack_id = rack_of.get(server_id)
        if rack_id is not None:
            known = rack_state.get(rack_id)
            if known is None or rank[known] < rank[state]:
                rack_state[rack_id] = state
    return server_state, rack_state, set(result.impact.lost_sites)


def changed_keys(old: Mapping[str, str], new: Mapping[str, str]) -> set[str]:
    """The keys whose state differs between two state maps (a missing key is "up")."""
    if old is new:
        return set()
    # The symmetric difference of the item views runs in C: 32,000 servers in ~2 ms.
    changed = {key for key, _ in old.items() ^ new.items()}
    return {key for key in changed if old.get(key, "up") != new.get(key, "up")}


def services_by_server(plan: Plan, server_ids: Iterable[str]) -> dict[str, list[str]]:
    """For each server, the names of the services on it (standbys marked), plan order."""
    wanted = set(server_ids)
    found: dict[str, list[str]] = {sid: [] for sid in wanted}
    for service in plan.services:
        name = service.name.strip() or service.id
        for server_id in service.servers:
            if server_id in wanted:
                found[server_id].append(name)
        for server_id in service.standby_servers:
            if server_id in wanted:
                found[server_id].append(f"{name} (standby)")
    return found
