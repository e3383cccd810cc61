"""A generated NetBox REST export the size of the scale plan, for the import benchmark.

:func:`netbox_export` builds what ``/api/dcim/...`` would answer for 4 sites, 2
locations each (a rack name repeats in both, as "Comms closet" does in the demo), 1,000
racks of 42U, two power feeds per rack from one panel per location, 32,000 devices of
1U and 2U types, in the REST shapes of NetBox 4.2 (nested objects, choices as
``{"value", "label"}``, positions as floats). :func:`changed` applies ``count`` changes
a re-sync meets: moves, renames, deletions and additions, a quarter each.
"""

from __future__ import annotations

import copy
import random
from typing import Any

SITES = 4
LOCATIONS_PER_SITE = 2
RACKS = 1_000
DEVICES = 32_000
RACK_UNITS = 42


def _ref(kind: str, i: int, **more: Any) -> dict[str, Any]:
    return {"id": i, "url": f"http://netbox.invalid/api/dcim/{kind}/{i}/", **more}


def _choice(value: str) -> dict[str, str]:
    return {"value": value, "label": value.title()}


def netbox_export(
    racks: int = RACKS, devices: int = DEVICES, seed: int = 15
) -> dict[str, list[dict[str, Any]]]:
    """Endpoint name -> objects, as :func:`planner.interop.netbox_read.from_rest` reads."""
    rng = random.Random(seed)
    sites = [{"id": s, "name": f"DC {s}", "slug": f"dc-{s}"} for s in range(1, SITES + 1)]
    locations = []
    for s in range(1, SITES + 1):
        for n in range(1, LOCATIONS_PER_SITE + 1):
            i = s * 10 + n
            locations.append(
                {
                    "id": i,
                    "name": f"Hall {n}",
                    "slug": f"hall-{n}",
                    "site": _ref("sites", s),
                    "parent": None,
                }
            )
    types = [
        {"id": 1, "model": "1U server", "u_height": 1.0, "is_full_depth": True},
        {"id": 2, "model": "2U server", "u_height": 2.0, "is_full_depth": True},
    ]
    panels = [
        {
            "id": loc["id"],
            "name": f"Panel {loc['slug']}",
            "site": loc["site"],
            "location": _ref("locations", loc["id"]),
        }
        for loc in locations
    ]
    rack_list, feeds = [], []
    for r in range(1, racks + 1):
        loc = locations[(r - 1) % len(locations)]
        # The first rack of every hall is a "Comms closet", as in NetBox's demo.
        name = "Comms closet" if r <= len(locations) else f"R{r:04d}"
        rack_list.append(
            {
                "id": r,
                "name": name,
                "site": loc["site"],
                "location": _ref("locations", loc["id"]),
                "u_height": RACK_UNITS,
                "starting_unit": 1,
                "desc_units": False,
                "form_factor": _choice("4-post-cabinet"),
                "status": _choice("active"),
            }
        )
        for side in ("A", "B"):
            feeds.append(
                {
                    "id": len(feeds) + 1,
                    "name": f"{name}-{side}",
                    "power_panel": _ref("power-panels", loc["id"]),
                    "rack": _ref("racks", r),
                    "status": _choice("active"),
                    "type": _choice("primary"),
                }
            )
    per_rack = max(1, devices // racks)
    device_list = []
    for d in range(1, devices + 1):
        rack = rack_list[(d - 1) // per_rack % racks]
        slot = (d - 1) % per_rack
        height = 2 if rng.random() < 0.1 and slot * 1 + 2 <= RACK_UNITS else 1
        device_list.append(
            {
                "id": d,
                "name": f"host-{d:05d}",
                "site": rack["site"],
                "rack": _ref("racks", rack["id"]),
                "position": float(slot + 1),
                "face": _choice("front"),
                "device_type": _ref("device-types", height),
                "role": {"id": 1, "name": "Server"},
                "status": _choice("active"),
                "serial": f"S{d:07d}",
            }
        )
    # A 2U device at slot k would overlap slot k + 1: make the next one 1U higher up.
    by_rack: dict[int, list[dict[str, Any]]] = {}
    for device in device_list:
        by_rack.setdefault(device["rack"]["id"], []).append(device)
    for members in by_rack.values():
        top = 0
        for device in members:
            device["position"] = float(top + 1)
            top += device["device_type"]["id"]
            if top > RACK_UNITS:
                device["position"] = None  # a device with no room: the import says so
    return {
        "sites": sites,
        "locations": locations,
        "device-types": types,
        "racks": rack_list,
        "power-panels": panels,
        "power-feeds": feeds,
        "devices": device_list,
    }


def changed(export: dict[str, list[dict[str, Any]]], count: int, seed: int = 16) -> dict[str, Any]:
    """The export after ``count`` changes: a quarter each moved to a free-by-swap unit
    (two devices of one rack swap places), renamed, deleted, added."""
    rng = random.Random(seed)
    out = copy.deepcopy(export)
    devices = out["devices"]
    quarter = count // 4
    picks = rng.sample(range(len(devices)), 3 * quarter)
    moves, renames, deletions = picks[:quarter], picks[quarter : 2 * quarter], picks[2 * quarter :]
    for i in moves:
        a = devices[i]
        b = next((d for d in devices[i + 1 : i + 40] if d["rack"] == a["rack"]), None)
        if b is not None and a["device_type"] == b["device_type"]:
            a["position"], b["position"] = b["position"], a["position"]
    for i in renames:
        devices[i]["name"] = devices[i]["name"] + "-renamed"
    gone = {devices[i]["id"] for i in deletions}
    freed = [(devices[i]["rack"], devices[i]["position"], devices[i]["site"]) for i in deletions]
    out["devices"] = [d for d in devices if d["id"] not in gone]
    next_id = max(d["id"] for d in devices) + 1
    for n, (rack, position, site) in enumerate(freed[: count - 3 * quarter]):
        out["devices"].append(
            {
                "id": next_id + n,
                "name": f"new-{n:04d}",
                "site": site,
                "rack": rack,
                "position": position,
                "face": _choice("front"),
                "device_type": _ref("device-types", 1),
                "status": _choice("active"),
            }
        )
    return out
