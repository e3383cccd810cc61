"""The NetBox import: the three forms, the mapping's edge cases, and re-sync without loss.

The demo export is read from ``../shared/data/netbox/`` (never copied into the repo);
hand-made inventories cover what it lacks (unnamed devices, duplicate rack names in
two locations, rear-face, half-U, desc_units, a device above its rack, no type, 0U,
power through a PDU, NetBox 3 and 4 field names).
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest

from planner.interop.netbox import NETBOX_KEY, import_inventory
from planner.interop.netbox_read import (
    NetboxFormatError,
    from_csv,
    from_dumpdata,
    from_rest,
    read_inventory,
)
from planner.model import validate
from planner.model.plan import DataCopy, Domain, Plan, Pool, Scenario, Service
from planner.storage import plan_to_json

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DRPLANNER_SHARED", REPO.parent / "shared"))
DEMO = SHARED / "data" / "netbox" / "netbox-demo-v3.6.json"


def _demo() -> list[Any]:
    if not DEMO.exists():
        pytest.fail(f"the NetBox demo export is missing: {DEMO} (../shared/data/netbox/)")
    return json.loads(DEMO.read_text(encoding="utf-8"))


def _choice(value: str) -> dict[str, str]:
    return {"value": value, "label": value.title()}


def _ref(i: int, **more: Any) -> dict[str, Any]:
    return {"id": i, "url": f"http://nb/api/x/{i}/", **more}


def _rest_v4(**overrides: Any) -> dict[str, Any]:
    """A small NetBox 4.2 REST answer set: two sites, two locations in one with a rack
    named "Comms closet" in each, a 42U and a descending 10U rack from unit 5, two feeds
    on one rack, and devices covering the edge cases."""
    data: dict[str, Any] = {
        "sites": {
            "count": 2,
            "next": None,
            "results": [
                {"id": 1, "name": "Seoul 1", "slug": "seoul-1"},
                {"id": 2, "name": "부산", "slug": "busan"},
            ],
        },
        "locations": [
            {"id": 10, "name": "Hall A", "slug": "hall-a", "site": _ref(1), "parent": None},
            {"id": 11, "name": "Hall B", "slug": "hall-b", "site": _ref(1), "parent": None},
            {"id": 12, "name": "Cage 7", "slug": "cage-7", "site": _ref(1), "parent": _ref(11)},
        ],
        "racks": [
            {
                "id": 20,
                "name": "Comms closet",
                "site": _ref(1),
                "location": _ref(10),
                "u_height": 42,
                "starting_unit": 1,
                "desc_units": False,
                "form_factor": _choice("4-post-cabinet"),
            },
            {
                "id": 21,
                "name": "Comms closet",
                "site": _ref(1),
                "location": _ref(12),
                "u_height": 42,
                "starting_unit": 1,
                "desc_units": False,
                "form_factor": None,
            },
            {
                "id": 22,
                "name": "Small",
                "site": _ref(2),
                "location": None,
                "u_height": 10,
                "starting_unit": 5,
                "desc_units": True,
            },
        ],
        "device-types": [
            {"id": 30, "model": "1U server", "u_height": 1.0, "is_full_depth": True},
            {"id": 31, "model": "2U server", "u_height": 2.0, "is_full_depth": True},
            {"id": 32, "model": "Half-depth patch", "u_height": 1.0, "is_full_depth": False},
            {"id": 33, "model": "0U PDU", "u_height": 0.0, "is_full_depth": False},
            {"id": 34, "model": "Half U", "u_height": 0.5, "is_full_depth": False},
        ],
        "devices": [
            {
                "id": 40,
                "name": "web-01",
                "site": _ref(1),
                "rack": _ref(20),
                "position": 1.0,
                "face": _choice("front"),
                "device_type": _ref(31),
                "role": {"id": 1, "name": "Web"},
            },
            {
                "id": 41,
                "name": "",
                "serial": "SN123",
                "site": _ref(1),
                "rack": _ref(20),
                "position": 3.0,
                "face": _choice("front"),
                "device_type": _ref(30),
            },
            {
                "id": 42,
                "name": None,
                "serial": "",
                "asset_tag": "AT-9",
                "site": _ref(1),
                "rack": _ref(21),
                "position": 1.0,
                "face": _choice("rear"),
                "device_type": _ref(32),
            },
            {
                "id": 43,
                "name": None,
                "site": _ref(1),
                "rack": _ref(21),
                "position": 2.5,
                "face": _choice("front"),
                "device_type": _ref(30),
            },
            {
                "id": 44,
                "name": "edge-sw-03",
                "site": _ref(1),
                "rack": _ref(20),
                "position": 47.0,
                "face": _choice("front"),
                "device_type": _ref(30),
            },
            {
                "id": 45,
                "name": "pdu-a",
                "site": _ref(1),
                "rack": _ref(20),
                "position": None,
                "face": None,
                "device_type": _ref(33),
            },
            {
                "id": 46,
                "name": "no-type",
                "site": _ref(1),
                "rack": _ref(20),
                "position": 10.0,
                "face": _choice("front"),
                "device_type": None,
            },
            {
                "id": 47,
                "name": "loose",
                "site": _ref(1),
                "rack": None,
                "position": None,
                "device_type": _ref(30),
            },
            {
                "id": 48,
                "name": "top",
                "site": _ref(2),
                "rack": _ref(22),
                "position": 5.0,
                "face": _choice("front"),
                "device_type": _ref(31),
            },
            {
                "id": 49,
                "name": "bottom",
                "site": _ref(2),
                "rack": _ref(22),
                "position": 14.0,
                "face": _choice("front"),
                "device_type": _ref(30),
            },
            {
                "id": 50,
                "name": "clash",
                "site": _ref(1),
                "rack": _ref(20),
                "position": 2.0,
                "face": _choice("front"),
                "device_type": _ref(30),
            },
            {
                "id": 51,
                "name": "tiny",
                "site": _ref(1),
                "rack": _ref(20),
                "position": 20.0,
                "face": _choice("front"),
                "device_type": _ref(34),
            },
        ],
        "power-panels": [{"id": 60, "name": "MDF", "site": _ref(1), "location": None}],
        "power-feeds": [
            {
                "id": 70,
                "name": "A",
                "power_panel": _ref(60),
                "rack": _ref(20),
                "status": _choice("active"),
                "type": _choice("primary"),
            },
            {
                "id": 71,
                "name": "B",
                "power_panel": _ref(60),
                "rack": _ref(20),
                "status": _choice("active"),
                "type": _choice("redundant"),
            },
            {"id": 72, "name": "C", "power_panel": _ref(60), "rack": None},
        ],
        "power-ports": [
            # web-01's PSU on a PDU outlet; the PDU's inlet on feed C.
            {
                "id": 80,
                "device": _ref(40),
                "connected_endpoints_type": "dcim.poweroutlet",
                "connected_endpoints": [{"id": 90}],
            },
            {
                "id": 81,
                "device": _ref(45),
                "connected_endpoints_type": "dcim.powerfeed",
                "connected_endpoints": [{"id": 72}],
            },
        ],
        "power-outlets": [{"id": 90, "device": _ref(45), "power_port": _ref(81)}],
        "rack-reservations": [
            {"id": 95, "rack": _ref(22), "units": [5, 6, 7, 9], "description": "spare"}
        ],
        "clusters": [
            {"id": 100, "name": "k8s", "scope_type": "dcim.site", "scope_id": 2, "scope": _ref(2)},
        ],
        "virtual-machines": [
            {"id": 110, "name": "vm-a", "cluster": _ref(100), "site": None},
            {"id": 111, "name": "vm-b", "cluster": _ref(100), "site": None},
        ],
    }
    data.update(overrides)
    return data


def _servers(plan: Plan) -> dict[str, Any]:
    return {s.extra[NETBOX_KEY]["id"]: s for s in plan.servers}


# ------------------------------------------------------------------ the demo export


def test_the_demo_dumpdata_is_all_accounted_for() -> None:
    inventory = from_dumpdata(_demo())
    result = import_inventory(Plan(name="demo"), inventory)
    counts = result.counts
    assert (counts["sites"], counts["racks"], counts["devices"], counts["power feeds"]) == (
        24,
        42,
        72,
        48,
    )
    assert counts["locations"] == 4 and counts["placed"] + counts["unplaced"] == 72
    assert result.summary().startswith("NetBox: 24 sites, 4 locations, 4 power panels, 48 power")
    plan = result.plan
    assert (len(plan.sites), len(plan.servers)) == (24, 72)
    assert len(plan.domains) == 4 + 48
    assert validate(plan) == []
    # 13 racks are all called "Comms closet": 13 racks here, one per site.
    closets = [r for r in plan.racks if r.name == "Comms closet"]
    assert len(closets) == 13 and len({r.id for r in closets}) == 13
    # 22 devices have no name: keyed and named by their id, none lost.
    unnamed = [s for s in plan.servers if s.extra[NETBOX_KEY]["key"].startswith("id:")]
    assert len(unnamed) == 22 and all(s.name for s in unnamed)
    # The two reservations are warnings naming their racks.
    reserved = [w for w in result.warnings if w.startswith("rack reservation")]
    assert reserved == [
        "rack reservation (id 1): rack 'IDF128' units 1-10 reserved: Reserved for future projects",
        "rack reservation (id 2): rack 'R101' units 20-21 reserved: Damaged - DO NOT USE",
    ]
    # Every feed is on a rack: those racks are in the feed's power domain.
    powered = [r for r in plan.racks if any(plan.domain(d).kind == "power" for d in r.domains)]
    assert powered and all(len(r.domains) >= 1 for r in powered)


def test_dumpdata_power_through_a_pdu_and_straight_from_a_feed() -> None:
    """In a dump, cables are ``dcim.cabletermination`` rows naming their ends by natural
    key; a server with one supply on a PDU outlet (the PDU on feed A) and one straight on
    feed B is dual-fed, though its rack has no feed."""

    def row(kind: str, pk: int, **fields: Any) -> dict[str, Any]:
        return {"model": kind, "pk": pk, "fields": fields}

    def cable(pk: int, *ends: tuple[str, int]) -> list[dict[str, Any]]:
        return [row("dcim.cable", pk, status="connected")] + [
            row(
                "dcim.cabletermination",
                pk * 10 + n,
                cable=pk,
                cable_end="AB"[n],
                termination_type=["dcim", kind],
                termination_id=target,
            )
            for n, (kind, target) in enumerate(ends)
        ]

    records = [
        row("dcim.site", 1, name="Seoul 1", slug="seoul-1"),
        row("dcim.rack", 1, name="R1", site=1, location=None, u_height=42),
        row("dcim.devicetype", 1, **{"model": "1U server", "u_height": "1.0"}),
        row("dcim.devicetype", 2, **{"model": "0U PDU", "u_height": "0.0"}),
        row("dcim.device", 1, name="pdu-1", site=1, rack=1, position=None, device_type=2),
        row("dcim.device", 2, name="db-1", site=1, rack=1, position="10.0", device_type=1),
        row("dcim.powerpanel", 1, name="Panel 1", site=1, location=None),
        row("dcim.powerfeed", 1, name="A", power_panel=1, rack=None, status="active"),
        row("dcim.powerfeed", 2, name="B", power_panel=1, rack=None, status="active"),
        row("dcim.powerport", 1, device=1, name="inlet", cable=1),
        row("dcim.poweroutlet", 1, device=1, name="out-1", power_port=1, cable=2),
        row("dcim.powerport", 2, device=2, name="PSU1", cable=2),
        row("dcim.powerport", 3, device=2, name="PSU2", cable=3),
        *cable(1, ("powerport", 1), ("powerfeed", 1)),
        *cable(2, ("powerport", 2), ("poweroutlet", 1)),
        *cable(3, ("powerport", 3), ("powerfeed", 2)),
    ]
    plan = import_inventory(Plan(name="pdu"), from_dumpdata(records)).plan
    feeds = {d.name: d.id for d in plan.domains if d.kind == "power"}
    by_id = _servers(plan)
    assert sorted(by_id[2].domains) == sorted([feeds["Panel 1 / A"], feeds["Panel 1 / B"]])
    assert by_id[2].position == 10
    (rack,) = [r for r in plan.racks if r.extra[NETBOX_KEY]["type"] == "dcim.rack"]
    assert not any(plan.domain(d).kind == "power" for d in rack.domains)


def test_the_demo_virtual_machines_come_only_when_asked() -> None:
    inventory = from_dumpdata(_demo())
    without = import_inventory(Plan(name="demo"), inventory)
    assert "virtual machines" not in without.counts and len(without.plan.servers) == 72
    with_vms = import_inventory(Plan(name="demo"), inventory, with_vms=True)
    assert with_vms.counts["virtual machines"] == 180
    assert len(with_vms.plan.servers) == 72 + 180
    # The demo's clusters have no site: each gets one of its own, said once per cluster.
    lonely = [w for w in with_vms.warnings if w.startswith("cluster '")]
    assert lonely and all("no site in NetBox" in w for w in lonely)
    assert validate(with_vms.plan) == []


# ------------------------------------------------------------------ REST, v3 and v4


def test_rest_v4_edge_cases_are_placed_or_said() -> None:
    result = import_inventory(Plan(name="x"), from_rest(_rest_v4()), with_vms=True)
    plan, warnings = result.plan, result.warnings
    by_id = _servers(plan)
    racks = {
        r.extra[NETBOX_KEY]["id"]: r
        for r in plan.racks
        if r.extra[NETBOX_KEY]["type"] == "dcim.rack"
    }
    # Two racks of one name in two locations: two racks, keyed by site, location, name.
    assert racks[20].name == racks[21].name == "Comms closet" and racks[20].id != racks[21].id
    assert racks[20].extra[NETBOX_KEY]["key"] == "seoul-1/hall-a/Comms closet"
    assert racks[21].extra[NETBOX_KEY]["key"] == "seoul-1/hall-b/cage-7/Comms closet"
    # A rack in a location inside a location is in both rooms.
    rooms = {d.name: d.id for d in plan.domains if d.kind == "room"}
    assert set(racks[21].domains) >= {rooms["Cage 7"], rooms["Hall B"]}
    # Both feeds on the rack: dual-fed.
    feeds = {d.name: d.id for d in plan.domains if d.kind == "power"}
    assert {feeds["MDF / A"], feeds["MDF / B"]} <= set(racks[20].domains)
    # web-01 is fed through the PDU from feed C as well, on top of its rack's feeds.
    assert by_id[40].domains == [feeds["MDF / C"]]
    assert (by_id[40].position, by_id[40].height) == (1, 2)
    # Unnamed: by serial, then asset tag, then id.
    assert by_id[41].extra[NETBOX_KEY]["key"] == "serial:SN123" and "SN123" in by_id[41].name
    assert by_id[42].extra[NETBOX_KEY]["key"] == "asset:AT-9"
    assert by_id[43].extra[NETBOX_KEY]["key"] == "id:43"
    # The rear-face half-depth device sits at its unit.
    assert (by_id[42].rack, by_id[42].position) == (racks[21].id, 1)
    # Half a unit is rounded down, with a warning.
    assert (by_id[43].rack, by_id[43].position) == (racks[21].id, 2)
    assert "device (id 43): position 2.5 rounded down to 2" in warnings
    # Descending units from 5: NetBox's unit 5 is the top; 14 the bottom.
    assert (by_id[48].position, by_id[48].height) == (9, 2)  # units 5-6 from the top
    assert by_id[49].position == 1
    # What cannot be placed goes to the companion rack and says why.
    companion = plan.rack(by_id[44].rack)
    assert companion is not None and companion.name == "Comms closet: unplaced devices"
    assert companion.site == racks[20].site and set(companion.domains) == set(racks[20].domains)
    assert (
        "device 'edge-sw-03' (id 44): position 47 is above rack 'Comms closet' (42U); put in "
        "rack 'Comms closet: unplaced devices'" in warnings
    )
    assert by_id[45].rack == companion.id  # 0U
    assert any(w.startswith("device 'pdu-a' (id 45): 0U") for w in warnings)
    assert by_id[50].rack == companion.id  # shares unit 2 with web-01
    assert any("'clash' (id 50): shares units with 'web-01'" in w for w in warnings)
    # No type: 1U, said.
    assert "device 'no-type' (id 46): no device type in the export; taken as 1U" in warnings
    assert (by_id[46].rack, by_id[46].position, by_id[46].height) == (racks[20].id, 10, 1)
    # Half-U height: one unit, said.
    assert "device 'tiny' (id 51): height 0.5U taken as 1U" in warnings
    # Unracked: the site's unracked rack.
    assert plan.rack(by_id[47].rack).name == "Seoul 1: unracked devices"
    # The reservation, and the VMs in their cluster's rack at the cluster's site (4.2 scope).
    assert "rack reservation (id 95): rack 'Small' units 5-7, 9 reserved: spare" in warnings
    vm_rack = plan.rack(by_id[110].rack)
    assert vm_rack.name == "cluster k8s" and plan.site(vm_rack.site).name == "부산"
    assert result.counts["devices"] == 12 and result.counts["unplaced"] == 4
    assert validate(plan) == []


def test_rest_v3_field_names_read_as_v4() -> None:
    v4 = _rest_v4()
    v3 = copy.deepcopy(v4)
    for rack in v3["racks"]:
        rack["type"] = rack.pop("form_factor", None)
        rack.pop("starting_unit")  # 3.x has none: units start at 1
    v3["racks"][2]["starting_unit"] = 5  # kept for the one rack where it matters
    for device in v3["devices"]:
        if "role" in device:
            device["device_role"] = device.pop("role")
    v3["clusters"] = [{"id": 100, "name": "k8s", "site": _ref(2)}]
    a, b = from_rest(v4), from_rest(v3)
    assert a.racks[0].form_factor == b.racks[0].form_factor == "4-post-cabinet"
    assert [d.role for d in a.devices] == [d.role for d in b.devices] and a.devices[0].role == "Web"
    assert a.clusters == b.clusters
    one = import_inventory(Plan(name="x"), a, with_vms=True).plan
    other = import_inventory(Plan(name="x"), b, with_vms=True).plan
    assert plan_to_json(one) == plan_to_json(other)


def test_rest_pages_and_url_typed_objects() -> None:
    # A list of pages under any key: the objects' urls say what they are.
    page = {
        "count": 2,
        "next": "http://nb/api/dcim/sites/?offset=1",
        "results": [{"id": 1, "url": "http://nb/api/dcim/sites/1/", "name": "A", "slug": "a"}],
    }
    page2 = {
        "count": 2,
        "next": None,
        "results": [{"id": 2, "url": "http://nb/api/dcim/sites/2/", "name": "B", "slug": "b"}],
    }
    inventory = from_rest({"whatever": [page, page2]})
    assert [s.name for s in inventory.sites] == ["A", "B"]


def test_rest_bad_objects_are_one_line_each_and_the_rest_comes_in() -> None:
    data = _rest_v4()
    data["devices"].append(
        {
            "id": 99,
            "name": "bad-pos",
            "site": _ref(1),
            "rack": _ref(20),
            "position": "high",
            "device_type": _ref(30),
        }
    )
    data["devices"].append({"name": "no-id", "site": _ref(1)})
    data["racks"].append("not an object")
    inventory = from_rest(data)
    assert "device 'bad-pos' (id 99): field 'position' is not a number: 'high'; skipped" in (
        inventory.problems
    )
    assert "device 'no-id' (id None): has no id; skipped" in inventory.problems
    assert any(p.startswith("rack: not an object, skipped") for p in inventory.problems)
    result = import_inventory(Plan(name="x"), inventory)
    assert result.counts["devices"] == 12  # the good ones
    assert set(inventory.problems) <= set(result.warnings)


def test_not_a_netbox_export_is_refused_in_one_line(tmp_path: Path) -> None:
    for name, text in (
        ("plan.json", '{"format": "drplanner", "version": 4}'),
        ("broken.json", '{"sites": ['),
        ("list.json", "[1, 2, 3]"),
    ):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(NetboxFormatError) as caught:
            read_inventory([path])
        assert "\n" not in str(caught.value)
    (tmp_path / "a.csv").write_text("x,y\n1,2\n", encoding="utf-8")
    with pytest.raises(NetboxFormatError):
        read_inventory([tmp_path / "a.csv"])


# ------------------------------------------------------------------ CSV


def _csv_files() -> dict[str, str]:
    return {
        "sites.csv": "\ufeffName,Slug,ID\nSeoul 1,seoul-1,1\n부산,busan,2\n",
        "locations.csv": "name,slug,site,parent\nHall A,hall-a,Seoul 1,\nHall B,hall-b,seoul-1,\n",
        "device-types.csv": "Manufacturer,Model,Height (U),Full depth\nX,1U server,1,True\n"
        "X,2U server,2,True\n",
        "racks.csv": "Site,Location,Name,Height (U),Descending units,Starting unit\n"
        "Seoul 1,Hall A,Comms closet,42,False,1\nSeoul 1,Hall B,Comms closet,42,False,1\n"
        "부산,,Small,10,True,5\n",
        "power-panels.csv": "site,name\nSeoul 1,MDF\n",
        "power-feeds.csv": "Site,Power panel,Rack,Location,Name,Status\n"
        "Seoul 1,MDF,Comms closet,Hall A,A,active\n",
        "devices.csv": "NAME,Site,Location,Rack,Position,Face,Type,Role,Serial number\n"
        "web-01,Seoul 1,Hall A,Comms closet,1,front,2U server,Web,\n"
        ",Seoul 1,Hall B,Comms closet,3,rear,1U server,Web,SN9\n"
        "top,부산,,Small,5,front,2U server,Web,\n"
        "ghost,Seoul 1,,Comms closet,4,front,1U server,Web,\n"
        "odd,Nowhere,,,,,1U server,,\n",
    }


def test_csv_headers_labels_and_names_resolve() -> None:
    inventory = from_csv(_csv_files())
    result = import_inventory(Plan(name="csv"), inventory)
    plan = result.plan
    assert result.counts["sites"] == 2 and result.counts["racks"] == 3
    assert result.counts["power feeds"] == 1 and result.counts["devices"] == 3
    names = {s.name: s for s in plan.servers}
    hall_a = next(
        r for r in plan.racks if r.extra[NETBOX_KEY]["key"] == "seoul-1/hall-a/Comms closet"
    )
    assert names["web-01"].rack == hall_a.id and names["web-01"].height == 2
    assert any(d for d in hall_a.domains if plan.domain(d).kind == "power")
    assert names["top"].position == 9  # descending from 5, as in REST
    unnamed = next(s for s in plan.servers if s.extra[NETBOX_KEY]["key"] == "serial:SN9")
    assert unnamed.position == 3
    # A rack name two locations share, given without its location: refused, said.
    assert any(
        w.startswith("devices.csv, row 5: rack 'Comms closet' is in several locations")
        for w in result.warnings
    )
    assert any(
        w.startswith("devices.csv, row 6: site 'Nowhere' is not among the sites")
        for w in result.warnings
    )


def test_the_web_ui_export_reads_as_the_bulk_csv_does() -> None:
    """NetBox's web pages export lists with display labels ("U Height", "Rack face"),
    heights as "42U", reserved units as ranges, "Unnamed device" for a device with no
    name, a blank rack "Type" beside its "Form factor", and ids numbered per type (the
    live suite checks a real export against the API)."""
    files = {
        "sites.csv": "Name,Status,Facility,ID,Slug,Devices\nSeoul 1,Active,,1,seoul-1,2\n",
        "locations.csv": "Name,Site,Status,ID,Slug\nHall A,Seoul 1,Active,1,hall-a\n",
        "device-types.csv": (
            "Device Type,Manufacturer,Part number,U Height,Full Depth,Instances\n"
            "PP-48,Panduit,X,2,False,1\nR650,Dell,Y,1,True,1\n"
        ),
        "racks.csv": (
            "Name,Site,Location,Status,Type,Height,Form factor,Starting unit,ID\n"
            "R1,Seoul 1,Hall A,Active,,42U,4-post frame,1,1\n"
        ),
        "devices.csv": (
            "Name,Status,Site,Location,Rack,Role,Type,ID,Serial number,Position,Rack face\n"
            "Unnamed device,Active,Seoul 1,Hall A,R1,Patch,PP-48,1,,10,Front\n"
            "web-01,Active,Seoul 1,Hall A,R1,Server,R650,2,,20.5,Rear\n"
        ),
        "power-panels.csv": "Name,Site,Location,Power Feeds,ID\nPanel 1,Seoul 1,Hall A,1,1\n",
        "power-feeds.csv": (
            "Name,Power Panel,Rack,Status,Type,Supply,ID,Site\n"
            "P1-A,Panel 1,R1,Active,Primary,AC,1,Seoul 1\n"
        ),
        "rack-reservations.csv": (
            "Reservation,Site,Rack,Units,User,Description,ID,Location\n"
            "1,Seoul 1,R1,30-32,kim,Spare,1,Hall A\n"
        ),
    }
    result = import_inventory(Plan(name="ui"), from_csv(files))
    plan = result.plan
    assert result.counts["racks"] == 1 and result.counts["placed"] == 2
    (rack,) = [r for r in plan.racks if r.extra[NETBOX_KEY]["type"] == "dcim.rack"]
    assert rack.units == 42 and rack.extra[NETBOX_KEY]["id"] == 1
    panel, web = sorted(plan.servers, key=lambda s: s.extra[NETBOX_KEY]["id"])
    assert (panel.extra[NETBOX_KEY]["key"], panel.height, panel.position) == ("id:1", 2, 10)
    assert (web.name, web.position) == ("web-01", 20)
    assert [plan.domain(d).kind for d in rack.domains] == ["room", "power"]
    assert "rack 'R1' units 30-32 reserved: Spare" in " ".join(result.warnings)


def test_a_csv_folder_reads_like_its_files(tmp_path: Path) -> None:
    for name, text in _csv_files().items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    from_folder = read_inventory([tmp_path])
    assert from_folder.devices == from_csv(_csv_files()).devices


# ------------------------------------------------------------------ re-sync


def _with_dr_fields(plan: Plan) -> Plan:
    """The plan after a user's work: services on imported servers, a dependency, a pool,
    a scenario failing an imported rack, a data copy, floor positions, a domain of
    their own on an imported rack."""
    by_id = _servers(plan)
    racks = {
        r.extra[NETBOX_KEY]["id"]: r
        for r in plan.racks
        if r.extra[NETBOX_KEY]["type"] == "dcim.rack"
    }
    plan.pools.append(Pool("dba", "DBAs", 2))
    plan.domains.append(Domain("my-ups", "Our UPS", "power", site=plan.sites[0].id))
    racks[20].domains.append("my-ups")
    plan.sites[0].x, plan.sites[0].y, plan.sites[0].notes = 100, 50, "our notes"
    racks[20].notes = "keep me"
    plan.services = [
        Service(
            "db",
            "Database",
            tier=0,
            rto_minutes=60,
            restore_minutes=120,
            servers=[by_id[40].id],
            standby_servers=[by_id[48].id],
            needs={"dba": 1},
            data=[DataCopy("main", [by_id[40].id])],
            steps=["Promote"],
            owner="Kim",
        ),
        Service(
            "web", "Web", tier=1, restore_minutes=30, servers=[by_id[41].id], depends_on=["db"]
        ),
        Service("gone", "On a server NetBox will drop", restore_minutes=5, servers=[by_id[49].id]),
    ]
    plan.scenarios = [Scenario("hall", "Hall A lost", [racks[20].id, by_id[49].id])]
    return plan


def test_resync_keeps_every_dr_field_on_surviving_items() -> None:
    first = import_inventory(Plan(name="x"), from_rest(_rest_v4())).plan
    plan = _with_dr_fields(first)
    before = copy.deepcopy(plan)
    changed = _rest_v4()
    devices = {d["id"]: d for d in changed["devices"]}
    devices[40]["position"] = 30.0  # moved
    devices[41]["serial"] = "SN123"
    devices[48]["name"] = "top-renamed"  # renamed in NetBox: the same server here
    del devices[49]  # removed
    changed["devices"] = [
        *devices.values(),
        {
            "id": 120,
            "name": "new-01",
            "site": _ref(2),
            "rack": _ref(22),
            "position": 12.0,
            "device_type": _ref(30),
        },
    ]
    changed["racks"][0]["name"] = "Comms closet A"  # a rack renamed
    result = import_inventory(plan, from_rest(changed))
    after = result.plan
    assert plan_to_json(plan) == plan_to_json(before)  # the given plan is untouched
    new_ids = _servers(after)
    old_ids = _servers(before)
    # Ids of surviving items are stable; the new device is added, the removed one gone.
    assert new_ids[40].id == old_ids[40].id and new_ids[48].id == old_ids[48].id
    assert 49 not in new_ids and 120 in new_ids
    assert new_ids[40].position == 30 and new_ids[48].name == "top-renamed"
    # Services, their servers where they survive, dependencies, pools, data, steps: kept.
    db, web, gone = after.services
    assert (db.servers, db.standby_servers) == ([old_ids[40].id], [old_ids[48].id])
    assert db.needs == {"dba": 1} and db.data == before.services[0].data
    assert db.steps == ["Promote"] and db.owner == "Kim" and web.depends_on == ["db"]
    assert after.pools == before.pools
    # The removed server left its service and its scenario; the service is named.
    assert gone.servers == [] and result.orphaned == ("gone",)
    assert "service 'gone' has no server left: its servers were removed from NetBox" in (
        result.warnings
    )
    assert after.scenarios[0].failed == [before.scenarios[0].failed[0]]
    # The site's floor position and notes, the rack's notes and the user's own domain.
    assert (after.sites[0].x, after.sites[0].y, after.sites[0].notes) == (100, 50, "our notes")
    rack = next(r for r in after.racks if r.extra[NETBOX_KEY].get("id") == 20)
    assert rack.name == "Comms closet A" and rack.notes == "keep me" and "my-ups" in rack.domains
    assert after.domain("my-ups") is not None
    # The diff says it.
    diff = result.diff
    assert [d.id for d in diff.added] == [new_ids[120].id]
    assert old_ids[49].id in {d.id for d in diff.removed}
    assert old_ids[40].id in {d.id for d in diff.moved}
    assert validate(after) == []


def test_resync_of_the_same_inventory_changes_nothing() -> None:
    inventory = from_rest(_rest_v4())
    plan = _with_dr_fields(import_inventory(Plan(name="x"), inventory, with_vms=True).plan)
    again = import_inventory(plan, inventory, with_vms=True)
    assert not again.diff, again.diff.lines()
    assert plan_to_json(again.plan) == plan_to_json(plan)


def test_the_import_is_one_undo_step() -> None:
    plan = _with_dr_fields(import_inventory(Plan(name="x"), from_rest(_rest_v4())).plan)
    before = plan_to_json(plan)
    changed = _rest_v4()
    changed["devices"] = changed["devices"][:3]
    result = import_inventory(plan, from_rest(changed))
    edit = result.edit()
    change = edit.apply(plan)
    assert plan_to_json(plan) == plan_to_json(result.plan)
    assert change.removed_ids("server") and change == result.diff.change
    edit.revert(plan)
    assert plan_to_json(plan) == before


def test_items_the_user_drew_are_never_touched() -> None:
    plan = import_inventory(Plan(name="x"), from_rest(_rest_v4())).plan
    from planner.model.plan import Rack, Server, Site

    plan.sites.append(Site("lab", "Lab"))
    plan.racks.append(Rack("lab-r1", "lab", "Lab rack"))
    plan.servers.append(Server("lab-s1", "lab-r1", "lab box", 1))
    result = import_inventory(plan, from_rest(_rest_v4(devices=[])))
    assert result.plan.server("lab-s1") is not None and result.plan.rack("lab-r1") is not None
    assert not any(d.id in ("lab", "lab-r1", "lab-s1") for d in result.diff.removed)
