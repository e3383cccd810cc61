"""Import from a real NetBox 4.2 with the demo data, and re-sync after changes made in it.

A test that changes NetBox creates its own objects and deletes them again, so the demo
data stays as it was for every other test.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pynetbox

from planner.interop.netbox import NETBOX_KEY, import_inventory
from planner.interop.netbox_live import fetch, read_token
from planner.interop.netbox_read import from_dumpdata
from planner.model.plan import Plan, Service
from planner.storage import load_plan, save_plan
from tests.live.conftest import SHARED, LiveNetbox

DEMO = SHARED / "data" / "netbox" / "netbox-demo-v3.6.json"


def _drplanner(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "planner", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def test_the_live_demo_comes_in_whole_and_as_the_dump_does(netbox: LiveNetbox) -> None:
    import json

    inventory = fetch(netbox.url, read_token(netbox.token_file), with_vms=True)
    result = import_inventory(Plan(name="live"), inventory, with_vms=True)
    counts = result.counts
    assert (counts["sites"], counts["racks"], counts["devices"], counts["power feeds"]) == (
        24,
        42,
        72,
        48,
    )
    assert counts["virtual machines"] == 180
    dumped = import_inventory(
        Plan(name="dump"), from_dumpdata(json.loads(DEMO.read_text(encoding="utf-8")))
    ).plan

    def keys(plan: Plan, kind: str) -> set[str]:
        items = plan.racks if kind == "dcim.rack" else plan.servers
        return {i.extra[NETBOX_KEY]["key"] for i in items if i.extra[NETBOX_KEY]["type"] == kind}

    # The 4.2 server and the 3.6 dump hold the same racks and devices.
    assert keys(result.plan, "dcim.rack") == keys(dumped, "dcim.rack")
    assert keys(result.plan, "dcim.device") == keys(dumped, "dcim.device")


def test_a_resync_follows_netbox_and_keeps_the_dr_fields(
    netbox: LiveNetbox, tmp_path: Path
) -> None:
    token = read_token(netbox.token_file)
    plan_path = tmp_path / "live.drplan"
    first = _drplanner(
        "import",
        "netbox",
        str(plan_path),
        "--url",
        netbox.url,
        "--token-file",
        str(netbox.token_file),
    )
    assert first.returncode == 0, first.stderr
    assert "24 sites" in first.stdout and "72 devices" in first.stdout
    plan, _ = load_plan(plan_path)
    counted = {r.id: sum(s.rack == r.id for s in plan.servers) for r in plan.racks}
    rack = next(r for r in plan.racks if counted[r.id] == max(counted.values()))
    used = {u for s in plan.servers if s.rack == rack.id for u in range(s.position, s.top + 1)}
    free = next(u for u in range(1, rack.units) if u not in used and u + 1 not in used)
    web = next(s for s in plan.servers if s.rack == rack.id)
    plan.services.append(Service("web", "Web", tier=1, restore_minutes=30, servers=[web.id]))
    save_plan(plan, plan_path)

    api = pynetbox.api(netbox.url, token=token)
    nb_rack = api.dcim.racks.get(rack.extra[NETBOX_KEY]["id"])
    nb_web = api.dcim.devices.get(web.extra[NETBOX_KEY]["id"])
    name = f"drplanner-live-{os.getpid()}"
    created = api.dcim.devices.create(
        name=name,
        device_type=nb_web.device_type.id,
        role=nb_web.role.id,
        site=nb_rack.site.id,
        rack=nb_rack.id,
        position=free,
        face="front",
    )
    try:
        dry = _drplanner(
            "import",
            "netbox",
            str(plan_path),
            "--url",
            netbox.url,
            "--token-file",
            str(netbox.token_file),
            "--dry-run",
        )
        assert dry.returncode == 0, dry.stderr
        shared = sum(r.name == rack.name for r in plan.racks) > 1  # then told by its site
        site = plan.site(rack.site)
        where = f"'{rack.name}' ({site.name})" if shared and site else f"'{rack.name}'"
        assert f"  server {name} in rack {where} U{free}" in dry.stdout.splitlines()
        assert "dry run: 1 added, 0 moved, 0 changed, 0 removed" in dry.stdout
        assert load_plan(plan_path)[0] == plan  # a dry run writes nothing
        again = _drplanner(
            "import",
            "netbox",
            str(plan_path),
            "--url",
            netbox.url,
            "--token-file",
            str(netbox.token_file),
        )
        assert again.returncode == 0, again.stderr
        synced, _ = load_plan(plan_path)
        added = next(s for s in synced.servers if s.name == name)
        assert (added.rack, added.position) == (rack.id, free)
        assert synced.service("web").servers == [web.id]  # the DR field kept
    finally:
        created.delete()
    gone = _drplanner(
        "import",
        "netbox",
        str(plan_path),
        "--url",
        netbox.url,
        "--token-file",
        str(netbox.token_file),
    )
    assert gone.returncode == 0 and "1 removed" in gone.stdout
    final, _ = load_plan(plan_path)
    assert not any(s.name == name for s in final.servers)
    assert final.service("web").servers == [web.id]
    # The token is in no output and not in the plan.
    for text in (
        first.stdout + first.stderr,
        gone.stdout,
        plan_path.read_bytes().decode("latin-1"),
    ):
        assert token not in text


def test_a_wrong_token_is_one_line_and_exit_2(netbox: LiveNetbox, tmp_path: Path) -> None:
    bad = tmp_path / "token"
    bad.write_text("0" * 40, encoding="utf-8")
    done = _drplanner(
        "import",
        "netbox",
        str(tmp_path / "p.drplan"),
        "--url",
        netbox.url,
        "--token-file",
        str(bad),
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"drplanner: import netbox: NetBox at {netbox.url} refused the token (HTTP 403)"
    ]
    assert not (tmp_path / "p.drplan").exists()


# The lists NetBox's web UI exports ("Export > All data (CSV)"; device types as the table,
# since their full export is YAML), each saved under the name a user would give it.
UI_EXPORTS = {
    "sites.csv": "dcim/sites/?export",
    "locations.csv": "dcim/locations/?export",
    "racks.csv": "dcim/racks/?export",
    "device-types.csv": "dcim/device-types/?export=table",
    "devices.csv": "dcim/devices/?export",
    "power-panels.csv": "dcim/power-panels/?export",
    "power-feeds.csv": "dcim/power-feeds/?export",
    "rack-reservations.csv": "dcim/rack-reservations/?export",
}


def test_the_web_ui_csv_export_comes_in_as_the_api_does(netbox: LiveNetbox, tmp_path: Path) -> None:
    """A person without an API token exports the lists from NetBox's web pages: those
    CSV files (display labels as headers, "42U", "1-10", "Unnamed device") place every
    device where the REST API does, on the same sites, racks and power domains."""
    import json
    import re
    import secrets

    import requests

    from planner.interop.netbox_read import read_inventory
    from planner.storage import plan_to_json

    api = pynetbox.api(netbox.url, token=read_token(netbox.token_file))
    password = secrets.token_urlsafe(16)
    user = api.users.users.create(username=f"drp-csv-{secrets.token_hex(4)}", password=password)
    permission = api.users.permissions.create(
        name=f"{user.username}-view",
        object_types=[
            "dcim.site",
            "dcim.location",
            "dcim.rack",
            "dcim.devicetype",
            "dcim.device",
            "dcim.powerpanel",
            "dcim.powerfeed",
            "dcim.rackreservation",
        ],
        actions=["view"],
        users=[user.id],
    )
    try:
        session = requests.Session()
        page = session.get(f"{netbox.url}/login/", timeout=60)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert found, "no login form"
        login = session.post(
            f"{netbox.url}/login/",
            data={
                "csrfmiddlewaretoken": found.group(1),
                "username": user.username,
                "password": password,
                "next": "/",
            },
            headers={"Referer": f"{netbox.url}/login/"},
            timeout=60,
        )
        assert "sessionid" in session.cookies, f"login refused ({login.status_code})"
        folder = tmp_path / "export"
        folder.mkdir()
        for name, path in UI_EXPORTS.items():
            response = session.get(f"{netbox.url}/{path}", timeout=120)
            assert response.status_code == 200, f"{path}: {response.status_code}"
            assert response.headers["Content-Type"].startswith("text/csv"), path
            (folder / name).write_bytes(response.content)
    finally:
        permission.delete()
        user.delete()

    from_ui = import_inventory(Plan(name="ui"), read_inventory([folder]))
    from_api = import_inventory(Plan(name="api"), fetch(netbox.url, read_token(netbox.token_file)))
    counts = from_ui.counts
    assert (counts["sites"], counts["racks"], counts["devices"], counts["power feeds"]) == (
        24,
        42,
        72,
        48,
    )
    assert counts["placed"] == 72 and counts["reservations"] == 2
    assert from_ui.summary() == from_api.summary()
    ui, rest = json.loads(plan_to_json(from_ui.plan)), json.loads(plan_to_json(from_api.plan))
    for kind in ("sites", "racks", "domains"):
        assert ui[kind] == rest[kind], kind

    def placed(plan: dict[str, list[dict[str, object]]]) -> dict[object, object]:
        return {
            s[NETBOX_KEY]["id"]: (s["rack"], s.get("position"), s.get("height"))  # type: ignore[index]
            for s in plan["servers"]
        }

    assert placed(ui) == placed(rest)
