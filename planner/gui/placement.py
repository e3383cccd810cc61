"""Where a new item goes: into the selected container, in free space.

One rule for the window's Add actions and the floor's palette: a new site stands next
to the sites already drawn (never on one of them), a new rack stands in the selected
site (the site of a selected rack or server counts) in a free spot, a new server takes
the lowest free units of the selected rack. Positions are the floor's drawn ones
(:func:`~planner.layout.floor.compute_layout`), so sites and racks laid out
automatically are avoided as well as those placed by hand.
"""

from __future__ import annotations

import dataclasses

from planner.layout.floor import (
    NEW_SITE_SIZE,
    RACK_GAP_Y,
    RACK_PITCH_X,
    RACK_WIDTH,
    SITE_GAP,
    SITE_PAD_BOTTOM,
    SITE_PAD_TOP,
    SITE_PAD_X,
    compute_layout,
    rack_height,
)
from planner.model import Plan, Rack
from planner.model.edits import AddItem, Composite, Edit, SetFields

Box = tuple[float, float, float, float]  # x, y, width, height
Selection = list[tuple[str, str]]

__all__ = [
    "NEW_SITE_SIZE",
    "add_rack_edit",
    "free_unit",
    "new_rack_position",
    "new_site_position",
    "selected_rack",
    "selected_site",
    "site_growth",
    "site_is_free",
]


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _inside(inner: Box, outer: Box) -> bool:
    return (
        inner[0] >= outer[0]
        and inner[1] >= outer[1]
        and inner[0] + inner[2] <= outer[0] + outer[2]
        and inner[1] + inner[3] <= outer[1] + outer[3]
    )


def site_is_free(plan: Plan, box: Box) -> bool:
    """True if ``box`` overlaps no site as the floor draws it."""
    return not any(_overlaps(box, drawn) for drawn in compute_layout(plan).sites.values())


def new_site_position(plan: Plan, size: tuple[float, float] = NEW_SITE_SIZE) -> tuple[float, float]:
    """Top-left of a new site: right of every site drawn, level with the topmost one."""
    del size  # every site is to the left of the spot, whatever the new one's size
    drawn = list(compute_layout(plan).sites.values())
    if not drawn:
        return (0.0, 0.0)
    right = max(x + w for x, _, w, _ in drawn)
    top = min(y for _, y, _, _ in drawn)
    return (right + SITE_GAP, top)


def selected_site(plan: Plan, selection: Selection) -> str | None:
    """The site the selection points at: a site, else a rack's site, else a server's."""
    kinds = {kind: [i for k, i in selection if k == kind] for kind in ("site", "rack", "server")}
    for site_id in kinds["site"]:
        if plan.site(site_id) is not None:
            return site_id
    for rack_id in kinds["rack"]:
        rack = plan.rack(rack_id)
        if rack is not None and plan.site(rack.site) is not None:
            return rack.site
    rack_id = selected_rack(plan, [("server", i) for i in kinds["server"]])
    rack = plan.rack(rack_id) if rack_id is not None else None
    return rack.site if rack is not None and plan.site(rack.site) is not None else None


def selected_rack(plan: Plan, selection: Selection) -> str | None:
    """The rack the selection points at: a rack, else the rack of a selected server."""
    for kind, item_id in selection:
        if kind == "rack" and plan.rack(item_id) is not None:
            return item_id
    for kind, item_id in selection:
        server = plan.server(item_id) if kind == "server" else None
        if server is not None and plan.rack(server.rack) is not None:
            return server.rack
    return None


def new_rack_position(plan: Plan, rack: Rack) -> tuple[float, float] | None:
    """Where ``rack`` (not yet in ``plan``) goes in its site: None if the floor's own
    layout already puts it in a free spot inside the site, else a free spot found on the
    site's rack grid (or below every rack of the site when the grid is full)."""
    trial = dataclasses.replace(plan, racks=[*plan.racks, rack])
    layout = compute_layout(trial)
    site_box = layout.sites.get(rack.site)
    if site_box is None:
        return None
    others = [
        (x, y, RACK_WIDTH, rack_height(other.units))
        for other in plan.racks
        if other.site == rack.site and (pos := layout.racks.get(other.id)) is not None
        for x, y in [pos]
    ]
    height = rack_height(rack.units)

    def free(x: float, y: float) -> bool:
        box = (x, y, RACK_WIDTH, height)
        return _inside(box, site_box) and not any(_overlaps(box, o) for o in others)

    auto = layout.racks.get(rack.id)
    if auto is not None and free(*auto):
        return None
    left, top, width, box_height = site_box
    row_pitch = max([height, *(o[3] for o in others)]) + RACK_GAP_Y
    x0, y0 = left + SITE_PAD_X, top + SITE_PAD_TOP
    columns = max(1, int((width - 2 * SITE_PAD_X + RACK_PITCH_X - RACK_WIDTH) // RACK_PITCH_X))
    rows = max(1, int((box_height - SITE_PAD_TOP - SITE_PAD_BOTTOM + RACK_GAP_Y) // row_pitch))
    for row in range(rows):
        for column in range(columns):
            x, y = x0 + column * RACK_PITCH_X, y0 + row * row_pitch
            if free(x, y):
                return (x, y)
    bottom = max((o[1] + o[3] for o in others), default=y0 - RACK_GAP_Y)
    return (x0, bottom + RACK_GAP_Y)  # the site is full: a new row (site_growth makes room)


def site_growth(plan: Plan, rack: Rack, spot: tuple[float, float]) -> dict[str, float]:
    """Fields of the rack's site to set so that ``rack`` at ``spot`` is inside it: the
    height of a site drawn at a fixed size that a new row of racks outgrows, else none."""
    site = plan.site(rack.site)
    box = compute_layout(plan).sites.get(rack.site)
    if site is None or box is None or not site.height:
        return {}
    needed = spot[1] + rack_height(rack.units) + SITE_PAD_BOTTOM - box[1]
    return {"height": needed} if needed > box[3] else {}


def free_unit(plan: Plan, rack: Rack, height: int = 1) -> int | None:
    """The lowest unit from which ``height`` units of ``rack`` are free (None: full)."""
    used = {u for s in plan.servers if s.rack == rack.id for u in range(s.position, s.top + 1)}
    for bottom in range(1, rack.units - height + 2):
        if all(u not in used for u in range(bottom, bottom + height)):
            return bottom
    return None


def add_rack_edit(plan: Plan, rack: Rack) -> Edit:
    """Add ``rack`` in a free spot of its site as one step (the site grows when full).

    The rack added has ``x``/``y`` set when the floor's own layout would not find it
    room (``rack`` itself is left as it is).
    """
    spot = new_rack_position(plan, rack)
    if spot is None:
        return AddItem("rack", rack)
    grow = site_growth(plan, rack, spot)
    rack = dataclasses.replace(rack, x=spot[0], y=spot[1])
    add = AddItem("rack", rack)
    if not grow:
        return add
    return Composite(add.label, [add, SetFields("site", rack.site, **grow)])
