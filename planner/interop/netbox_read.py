"""Read the three forms a NetBox gives out into one :class:`Inventory`.

- **REST JSON**: what ``/api/dcim/devices/`` and friends answer (pages with ``results``,
  nested objects ``{"id": ...}``, choices ``{"value", "label"}``), saved as one JSON
  object mapping endpoint names to a page, a list of pages or a list of objects; or a
  single page or list whose objects carry their ``url`` (which names the endpoint).
  :func:`from_rest` takes the same as Python objects (pynetbox's records as dicts).
- **Bulk CSV**: one file per object type as NetBox's export writes it, the type taken
  from the file name (``devices.csv``, ``power-feeds.csv``...) or else from its headers;
  headers are matched without case, by field name or display label; references are by
  name, resolved here.
- **dumpdata**: Django's ``manage.py dumpdata`` JSON, a list of
  ``{"model", "pk", "fields"}``, references by primary key.

Field names of NetBox 3.x and 4.x are both read: ``device_role``/``role``, rack
``type``/``form_factor``, a cluster's ``site``/``scope``. Untrusted input: an object
that cannot be read is one line in :attr:`Inventory.problems`, never an exception;
:class:`NetboxFormatError` is raised only when the whole input is not a NetBox export.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from planner.interop.netbox_records import (
    Inventory,
    NbCluster,
    NbDevice,
    NbDeviceType,
    NbLocation,
    NbPowerFeed,
    NbPowerPanel,
    NbRack,
    NbReservation,
    NbSite,
    NbVirtualMachine,
)


class NetboxFormatError(ValueError):
    """The input is not a NetBox export this program reads; the message says why."""


# Endpoint names as they appear in REST URLs, and the dumpdata model of each.
ENDPOINTS = {
    "sites": "dcim.site",
    "locations": "dcim.location",
    "racks": "dcim.rack",
    "device-types": "dcim.devicetype",
    "devices": "dcim.device",
    "power-panels": "dcim.powerpanel",
    "power-feeds": "dcim.powerfeed",
    "rack-reservations": "dcim.rackreservation",
    "clusters": "virtualization.cluster",
    "virtual-machines": "virtualization.virtualmachine",
    "power-ports": "dcim.powerport",
    "power-outlets": "dcim.poweroutlet",
}
_MODELS = {model: endpoint for endpoint, model in ENDPOINTS.items()}


# ------------------------------------------------------------------ values


def _value(raw: Any) -> Any:
    """A choice's value (``{"value": "front", "label": "Front"}`` -> ``"front"``)."""
    return raw["value"] if isinstance(raw, dict) and "value" in raw else raw


def _ref(raw: Any) -> int | None:
    """A reference: a nested object's id, a bare id, or None."""
    if isinstance(raw, dict):
        raw = raw.get("id")
    if isinstance(raw, bool) or raw is None or raw == "":
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw)
    raise ValueError(f"is not a reference: {raw!r}")


_UNITS_SUFFIX = re.compile(r"\s*[uU]$")


def _number(raw: Any) -> float | None:
    raw = _value(raw)
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise ValueError(f"is not a number: {raw!r}")
    if isinstance(raw, str):
        raw = _UNITS_SUFFIX.sub("", raw)  # the web UI's export writes heights as "42U"
    try:
        number = float(raw)
    except (TypeError, ValueError):
        raise ValueError(f"is not a number: {raw!r}") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"is not a finite number: {raw!r}")
    return number


def _int(raw: Any, default: int) -> int:
    number = _number(raw)
    return default if number is None else int(number)


def _text(raw: Any) -> str | None:
    raw = _value(raw)
    if raw is None:
        return None
    if isinstance(raw, dict):
        raw = raw.get("name") or raw.get("display") or raw.get("slug")
    text = str(raw).strip()
    return text or None


def _bool(raw: Any) -> bool:
    raw = _value(raw)
    if isinstance(raw, str):
        return raw.strip().lower() in ("true", "1", "yes", "y")
    return bool(raw)


def _get(obj: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        if name in obj and obj[name] is not None:
            return obj[name]
    return None


def _cluster_site(obj: Mapping[str, Any]) -> int | None:
    """A cluster's site: ``site`` (3.x) or its scope when that is a site (4.2)."""
    if obj.get("site") is not None:
        return _ref(obj["site"])
    scope_type = _value(obj.get("scope_type"))
    if isinstance(scope_type, list):  # dumpdata: ["dcim", "site"]
        scope_type = ".".join(str(part) for part in scope_type)
    if scope_type == "dcim.site":
        return _ref(_get(obj, "scope", "scope_id"))
    if isinstance(obj.get("_site"), int):  # 4.2 caches the scope's site
        return _ref(obj["_site"])
    return None


# Each builder turns one object (REST or dumpdata fields, id given) into its record.
def _site(i: int, o: Mapping[str, Any]) -> NbSite:
    return NbSite(i, _text(o.get("name")) or f"site {i}", _text(o.get("slug")) or str(i))


def _location(i: int, o: Mapping[str, Any]) -> NbLocation:
    return NbLocation(
        i,
        _text(o.get("name")) or f"location {i}",
        _text(o.get("slug")) or str(i),
        _ref(o.get("site")),
        _ref(o.get("parent")),
    )


def _rack(i: int, o: Mapping[str, Any]) -> NbRack:
    return NbRack(
        i,
        _text(o.get("name")) or "",
        _ref(o.get("site")),
        _ref(o.get("location")),
        _int(o.get("u_height"), 42),
        _int(o.get("starting_unit"), 1),
        _bool(o.get("desc_units")),
        _text(_get(o, "form_factor", "type")),
    )


def _device_type(i: int, o: Mapping[str, Any]) -> NbDeviceType:
    height = _number(o.get("u_height"))
    return NbDeviceType(
        i,
        _text(o.get("model")) or f"device type {i}",
        1.0 if height is None else height,
        _bool(o["is_full_depth"]) if o.get("is_full_depth") is not None else True,
    )


def _device(i: int, o: Mapping[str, Any]) -> NbDevice:
    return NbDevice(
        i,
        _text(o.get("name")),
        _ref(o.get("site")),
        _ref(o.get("rack")),
        _number(o.get("position")),
        _text(o.get("face")),
        _ref(o.get("device_type")),
        _ref(o.get("location")),
        _text(o.get("serial")),
        _text(o.get("asset_tag")),
        _text(_get(o, "role", "device_role")),
        _text(o.get("status")),
        None if _text(o.get("name")) else _text(o.get("display")),
    )


def _panel(i: int, o: Mapping[str, Any]) -> NbPowerPanel:
    return NbPowerPanel(
        i, _text(o.get("name")) or f"panel {i}", _ref(o.get("site")), _ref(o.get("location"))
    )


def _feed(i: int, o: Mapping[str, Any]) -> NbPowerFeed:
    return NbPowerFeed(
        i,
        _text(o.get("name")) or f"feed {i}",
        _ref(o.get("power_panel")),
        _ref(o.get("rack")),
        _text(o.get("status")),
        _text(o.get("type")),
    )


def _reservation(i: int, o: Mapping[str, Any]) -> NbReservation:
    units = o.get("units") or []
    if isinstance(units, str):  # CSV: "1,2,3" (bulk import) or "1-10,20" (web UI export)
        units = _unit_list(units)
    return NbReservation(
        i, _ref(o.get("rack")), tuple(_int(u, 0) for u in units), _text(o.get("description")) or ""
    )


def _unit_list(text: str) -> list[int]:
    units: list[int] = []
    for part in (p for p in re.split(r"[,\s]+", text.strip("[] ")) if p):
        low, dash, high = part.partition("-")
        if dash and low.isdigit() and high.isdigit() and int(low) <= int(high) <= 10_000:
            units.extend(range(int(low), int(high) + 1))
        else:
            units.append(_int(part, 0))
    return units


def _cluster(i: int, o: Mapping[str, Any]) -> NbCluster:
    return NbCluster(i, _text(o.get("name")) or f"cluster {i}", _cluster_site(o))


def _vm(i: int, o: Mapping[str, Any]) -> NbVirtualMachine:
    return NbVirtualMachine(
        i, _text(o.get("name")) or f"vm {i}", _ref(o.get("cluster")), _ref(o.get("site"))
    )


_BUILDERS: dict[str, tuple[str, Callable[[int, Mapping[str, Any]], Any]]] = {
    "sites": ("sites", _site),
    "locations": ("locations", _location),
    "racks": ("racks", _rack),
    "device-types": ("device_types", _device_type),
    "devices": ("devices", _device),
    "power-panels": ("power_panels", _panel),
    "power-feeds": ("power_feeds", _feed),
    "rack-reservations": ("reservations", _reservation),
    "clusters": ("clusters", _cluster),
    "virtual-machines": ("virtual_machines", _vm),
}
_SINGULAR = {
    "sites": "site",
    "locations": "location",
    "racks": "rack",
    "device-types": "device type",
    "devices": "device",
    "power-panels": "power panel",
    "power-feeds": "power feed",
    "rack-reservations": "rack reservation",
    "clusters": "cluster",
    "virtual-machines": "virtual machine",
    "power-ports": "power port",
    "power-outlets": "power outlet",
}


def _called(endpoint: str, i: object, obj: Mapping[str, Any]) -> str:
    name = obj.get("name") if isinstance(obj.get("name"), str) else None
    what = _SINGULAR.get(endpoint, endpoint)
    return f"{what} '{name}' (id {i})" if name else f"{what} (id {i})"


def _add(inventory: Inventory, endpoint: str, i: Any, obj: Any) -> None:
    if endpoint not in _BUILDERS:
        return
    if not isinstance(obj, Mapping):
        inventory.problems.append(f"{_SINGULAR[endpoint]}: not an object, skipped: {obj!r:.60}")
        return
    try:
        object_id = _ref(i)
        if object_id is None:
            raise ValueError("has no id")
        record = _BUILDERS[endpoint][1](object_id, obj)
    except ValueError as error:
        field = next(
            (k for k, v in obj.items() if str(v) in str(error)), None
        )  # name the field when the message quotes its value
        where = f" field '{field}'" if field else ""
        inventory.problems.append(f"{_called(endpoint, i, obj)}:{where} {error}; skipped")
        return
    getattr(inventory, _BUILDERS[endpoint][0]).append(record)


# ------------------------------------------------------------------ REST


def _endpoint(name: str) -> str | None:
    """``"dcim/power-feeds"``, ``"/api/dcim/power_feeds/"``, ``"power-feeds"`` ->
    ``"power-feeds"``; None for an endpoint this import does not read."""
    parts = [p for p in name.strip().lower().replace("_", "-").split("/") if p]
    for part in reversed(parts):
        if part in ENDPOINTS:
            return part
        if not part.isdigit():
            break
    return None


def _objects(data: Any) -> list[Any]:
    """The objects of a page (``results``), a list of pages, or a list of objects."""
    if isinstance(data, Mapping):
        return list(data.get("results") or []) if "results" in data else [data]
    if isinstance(data, list):
        out: list[Any] = []
        for entry in data:
            if isinstance(entry, Mapping) and "results" in entry:
                out.extend(entry.get("results") or [])
            else:
                out.append(entry)
        return out
    return []


def from_rest(endpoints: Mapping[str, Any]) -> Inventory:
    """An inventory from REST answers: endpoint name -> page(s) or objects. Objects that
    carry a ``url`` are filed under the endpoint it names, whatever key holds them."""
    inventory = Inventory(form="rest")
    ports: list[Mapping[str, Any]] = []
    outlets: dict[int, Mapping[str, Any]] = {}
    for key, data in endpoints.items():
        for obj in _objects(data):
            url = obj.get("url") if isinstance(obj, Mapping) else None
            endpoint = (_endpoint(url) if isinstance(url, str) else None) or _endpoint(key)
            if endpoint is None:
                continue
            if endpoint == "power-ports" and isinstance(obj, Mapping):
                ports.append(obj)
            elif endpoint == "power-outlets" and isinstance(obj, Mapping):
                if isinstance(obj.get("id"), int):
                    outlets[obj["id"]] = obj
            else:
                _add(inventory, endpoint, obj.get("id") if isinstance(obj, Mapping) else None, obj)
    inventory.device_feeds = _rest_feeds(ports, outlets)
    if not any(getattr(inventory, attr) for attr, _ in _BUILDERS.values()) and not (
        inventory.problems
    ):
        raise NetboxFormatError("holds no NetBox sites, racks, devices or power feeds")
    return inventory


def _peers(port: Mapping[str, Any]) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for kind_key, list_key in (
        ("connected_endpoints_type", "connected_endpoints"),
        ("link_peers_type", "link_peers"),
    ):
        kind = port.get(kind_key)
        for peer in port.get(list_key) or []:
            if (
                isinstance(kind, str)
                and isinstance(peer, Mapping)
                and isinstance(peer.get("id"), int)
            ):
                out.append((kind, peer["id"]))
    return out


def _rest_feeds(
    ports: Sequence[Mapping[str, Any]], outlets: Mapping[int, Mapping[str, Any]]
) -> dict[int, tuple[int, ...]]:
    by_port: dict[int, tuple[int | None, list[tuple[str, int]]]] = {}
    for port in ports:
        try:
            port_id, device = _ref(port.get("id")), _ref(port.get("device"))
        except ValueError:
            continue
        if port_id is not None:
            by_port[port_id] = (device, _peers(port))

    def feeds_of(port_id: int, depth: int = 0) -> set[int]:
        found: set[int] = set()
        for kind, peer in by_port.get(port_id, (None, []))[1]:
            if kind == "dcim.powerfeed":
                found.add(peer)
            elif kind == "dcim.poweroutlet" and depth < 3 and peer in outlets:
                try:
                    inlet = _ref(outlets[peer].get("power_port"))
                except ValueError:
                    inlet = None
                if inlet is not None:
                    found |= feeds_of(inlet, depth + 1)
        return found

    result: dict[int, set[int]] = {}
    for port_id, (device, _) in by_port.items():
        if device is not None and (feeds := feeds_of(port_id)):
            result.setdefault(device, set()).update(feeds)
    return {device: tuple(sorted(feeds)) for device, feeds in result.items()}


# ------------------------------------------------------------------ dumpdata


def from_dumpdata(records: Sequence[Any]) -> Inventory:
    """An inventory from a Django ``dumpdata`` list."""
    inventory = Inventory(form="dumpdata")
    ports: dict[int, Mapping[str, Any]] = {}
    outlets: dict[int, Mapping[str, Any]] = {}
    ends: dict[int, list[tuple[str, int]]] = {}
    for record in records:
        if not isinstance(record, Mapping) or not isinstance(record.get("fields"), Mapping):
            continue
        model, pk, fields = record.get("model"), record.get("pk"), record["fields"]
        if model == "dcim.powerport" and isinstance(pk, int):
            ports[pk] = fields
        elif model == "dcim.poweroutlet" and isinstance(pk, int):
            outlets[pk] = fields
        elif model == "dcim.cabletermination":
            kind = fields.get("termination_type")
            cable, target = fields.get("cable"), fields.get("termination_id")
            if isinstance(kind, list) and isinstance(cable, int) and isinstance(target, int):
                ends.setdefault(cable, []).append((".".join(map(str, kind)), target))
        elif isinstance(model, str) and model in _MODELS:
            _add(inventory, _MODELS[model], pk, fields)
    if not inventory.sites and not inventory.devices and not inventory.racks:
        raise NetboxFormatError("holds no NetBox sites, racks or devices (dcim.site ...)")

    def feeds_of(port_id: int, depth: int = 0) -> set[int]:
        cable = ports.get(port_id, {}).get("cable")
        found: set[int] = set()
        for kind, target in ends.get(cable, []) if isinstance(cable, int) else []:
            if kind == "dcim.powerfeed":
                found.add(target)
            elif kind == "dcim.poweroutlet" and depth < 3:
                inlet = outlets.get(target, {}).get("power_port")
                if isinstance(inlet, int):
                    found |= feeds_of(inlet, depth + 1)
        return found

    feeds: dict[int, set[int]] = {}
    for port_id, port in ports.items():
        device = port.get("device")
        if isinstance(device, int) and (found := feeds_of(port_id)):
            feeds.setdefault(device, set()).update(found)
    inventory.device_feeds = {d: tuple(sorted(f)) for d, f in feeds.items()}
    return inventory


# ------------------------------------------------------------------ CSV

# Header (lower case: field name or display label) -> field name, per object type.
_CSV_ALIASES: dict[str, dict[str, str]] = {
    "sites": {"name": "name", "slug": "slug", "id": "id"},
    "locations": {"name": "name", "slug": "slug", "site": "site", "parent": "parent", "id": "id"},
    "racks": {
        "name": "name",
        "site": "site",
        "location": "location",
        "u_height": "u_height",
        "height (u)": "u_height",
        "height": "u_height",
        "starting_unit": "starting_unit",
        "starting unit": "starting_unit",
        "desc_units": "desc_units",
        "descending units": "desc_units",
        "descending": "desc_units",
        "form_factor": "form_factor",
        "form factor": "form_factor",
        "type": "form_factor",
        "id": "id",
    },
    "device-types": {
        "model": "model",
        "device type": "model",
        "slug": "slug",
        "u_height": "u_height",
        "u height": "u_height",
        "height (u)": "u_height",
        "is_full_depth": "is_full_depth",
        "full depth": "is_full_depth",
        "id": "id",
    },
    "devices": {
        "name": "name",
        "site": "site",
        "location": "location",
        "rack": "rack",
        "position": "position",
        "position (u)": "position",
        "face": "face",
        "rack face": "face",
        "device_type": "device_type",
        "device type": "device_type",
        "type": "device_type",
        "role": "role",
        "device_role": "role",
        "device role": "role",
        "serial": "serial",
        "serial number": "serial",
        "asset_tag": "asset_tag",
        "asset tag": "asset_tag",
        "status": "status",
        "id": "id",
    },
    "power-panels": {"name": "name", "site": "site", "location": "location", "id": "id"},
    "power-feeds": {
        "name": "name",
        "site": "site",
        "power_panel": "power_panel",
        "power panel": "power_panel",
        "panel": "power_panel",
        "rack": "rack",
        "location": "location",
        "status": "status",
        "type": "type",
        "id": "id",
    },
    "clusters": {"name": "name", "site": "site", "scope": "site", "id": "id"},
    "virtual-machines": {"name": "name", "cluster": "cluster", "site": "site", "id": "id"},
    "rack-reservations": {
        "rack": "rack",
        "site": "site",
        "location": "location",
        "units": "units",
        "description": "description",
        "id": "id",
    },
}
# The headers that tell a file's type when its name does not.
_CSV_SIGNATURES = (
    ("devices", {"device_type", "position"}),
    ("power-feeds", {"power_panel"}),
    ("racks", {"u_height"}),
    ("rack-reservations", {"units"}),
    ("device-types", {"model"}),
    ("virtual-machines", {"cluster"}),
    ("locations", {"parent"}),
    ("power-panels", {"site", "name"}),
    ("sites", {"slug"}),
)
# Read in this order, so a reference is known before it is used.
_CSV_ORDER = (
    "sites",
    "locations",
    "device-types",
    "racks",
    "power-panels",
    "power-feeds",
    "devices",
    "rack-reservations",
    "clusters",
    "virtual-machines",
)


def _csv_type(name: str, headers: Iterable[str]) -> str | None:
    stem = re.sub(r"^netbox[-_ ]?", "", Path(name).stem.lower()).replace("_", "-")
    stem = re.sub(r"[-\s]?(export|\d+)$", "", stem)
    for endpoint in ENDPOINTS:
        if stem in (endpoint, endpoint.rstrip("s"), endpoint.replace("-", "")):
            return endpoint
    fields = set()
    for header in headers:
        for aliases in _CSV_ALIASES.values():
            if header.strip().lower() in aliases:
                fields.add(aliases[header.strip().lower()])
    for endpoint, signature in _CSV_SIGNATURES:
        if signature <= fields:
            return endpoint
    return None


def from_csv(files: Mapping[str, str]) -> Inventory:
    """An inventory from CSV texts (file name -> text), references resolved by name."""
    inventory = Inventory(form="csv")
    typed: dict[str, list[tuple[str, dict[str, str]]]] = {}
    for name, text in files.items():
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        headers = reader.fieldnames or []
        endpoint = _csv_type(name, headers)
        if endpoint is None or endpoint not in _CSV_ALIASES:
            inventory.problems.append(
                f"{Path(name).name}: not a NetBox export of sites, locations, racks, device "
                "types, devices, power panels, power feeds, reservations, clusters or "
                "virtual machines (name the file devices.csv ...); skipped"
            )
            continue
        aliases = _CSV_ALIASES[endpoint]  # other columns (tags, comments...) are not needed
        rows = typed.setdefault(endpoint, [])
        for number, row in enumerate(reader, start=2):
            fields: dict[str, str] = {}
            for key, value in row.items():
                field = aliases.get(key.strip().lower()) if key else None
                # Two headers may name one field (the web UI's racks have "Type", the rack
                # type, beside "Form factor"): a blank one does not hide a filled one.
                if field is not None and isinstance(value, str) and value.strip():
                    fields[field] = value.strip()
                elif field is not None:
                    fields.setdefault(field, "")
            rows.append((f"{Path(name).name}, row {number}", fields))
    if not typed:
        raise NetboxFormatError("no NetBox CSV export among the files")
    _Resolver(inventory).read(typed)
    return inventory


class _Resolver:
    """Gives CSV objects ids (their ``id`` column, else a new one) and turns the names
    they refer to into those ids."""

    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory
        self.next_id = 1_000_000_000
        self.sites: dict[str, int] = {}
        self.locations: dict[tuple[int | None, str], int] = {}
        self.types: dict[str, int] = {}
        self.racks: dict[tuple[int | None, str], list[tuple[int | None, int]]] = {}
        self.panels: dict[tuple[int | None, str], int] = {}
        self.clusters: dict[str, int] = {}
        self.used: dict[str, set[int]] = {}  # NetBox numbers each object type on its own

    def _id(self, endpoint: str, raw: str) -> int:
        used = self.used.setdefault(endpoint, set())
        if raw.isdigit() and int(raw) not in used:
            used.add(int(raw))
            return int(raw)
        while self.next_id in used:
            self.next_id += 1
        used.add(self.next_id)
        return self.next_id

    def read(self, typed: Mapping[str, list[tuple[str, dict[str, str]]]]) -> None:
        for endpoint in _CSV_ORDER:
            for where, fields in typed.get(endpoint, []):
                try:
                    self._row(endpoint, where, fields)
                except ValueError as error:
                    self.inventory.problems.append(f"{where}: {error}; skipped")

    def _site(self, fields: Mapping[str, str], where: str, need: bool = False) -> int | None:
        name = fields.get("site", "")
        if not name:
            if need:
                raise ValueError("no site")
            return None
        if name.lower() not in self.sites:
            raise ValueError(f"site '{name}' is not among the sites")
        return self.sites[name.lower()]

    def _location(self, site: int | None, name: str) -> int | None:
        if not name:
            return None
        found = self.locations.get((site, name.lower()))
        if found is None:
            raise ValueError(f"location '{name}' is not among the locations of its site")
        return found

    def _rack(self, site: int | None, location: int | None, name: str) -> int | None:
        if not name:
            return None
        matches = self.racks.get((site, name.lower()), [])
        exact = [r for loc, r in matches if location is None or loc == location]
        if len(exact) == 1:
            return exact[0]
        if not exact:
            raise ValueError(f"rack '{name}' is not among the racks of its site")
        raise ValueError(f"rack '{name}' is in several locations of its site: give the location")

    def _row(self, endpoint: str, where: str, f: dict[str, str]) -> None:
        i = self._id(endpoint, f.get("id", ""))
        if endpoint == "sites":
            site = _site(i, {"name": f.get("name"), "slug": f.get("slug")})
            self.sites[site.name.lower()] = i
            self.sites.setdefault(site.slug.lower(), i)
            self.inventory.sites.append(site)
        elif endpoint == "locations":
            site_id = self._site(f, where, need=True)
            parent = self._location(site_id, f.get("parent", ""))
            loc = _location(i, {"name": f.get("name"), "slug": f.get("slug"), "site": site_id})
            loc = NbLocation(loc.id, loc.name, loc.slug, loc.site, parent)
            self.locations[(site_id, loc.name.lower())] = i
            self.locations.setdefault((site_id, loc.slug.lower()), i)
            self.inventory.locations.append(loc)
        elif endpoint == "device-types":
            kind = _device_type(i, f)
            self.types[kind.model.lower()] = i
            if f.get("slug"):
                self.types.setdefault(f["slug"].lower(), i)
            self.inventory.device_types.append(kind)
        elif endpoint == "racks":
            site_id = self._site(f, where, need=True)
            location = self._location(site_id, f.get("location", ""))
            rack = _rack(i, {**f, "site": site_id, "location": location})
            self.racks.setdefault((site_id, rack.name.lower()), []).append((location, i))
            self.inventory.racks.append(rack)
        elif endpoint == "power-panels":
            site_id = self._site(f, where, need=True)
            location = self._location(site_id, f.get("location", ""))
            self.panels[(site_id, f.get("name", "").lower())] = i
            self.inventory.power_panels.append(
                _panel(i, {"name": f.get("name"), "site": site_id, "location": location})
            )
        elif endpoint == "power-feeds":
            site_id = self._site(f, where, need=True)
            panel = self.panels.get((site_id, f.get("power_panel", "").lower()))
            if panel is None:
                raise ValueError(
                    f"power panel '{f.get('power_panel', '')}' is not among the panels"
                )
            location = self._location(site_id, f.get("location", ""))
            rack_id = self._rack(site_id, location, f.get("rack", ""))
            self.inventory.power_feeds.append(
                _feed(i, {**f, "power_panel": panel, "rack": rack_id})
            )
        elif endpoint == "devices":
            if f.get("name", "").lower() == "unnamed device":  # the web UI's stand-in
                f["name"] = ""
            site_id = self._site(f, where)
            location = self._location(site_id, f.get("location", ""))
            rack_id = self._rack(site_id, location, f.get("rack", ""))
            kind_name = f.get("device_type", "")
            type_id = self.types.get(kind_name.lower()) if kind_name else None
            if kind_name and type_id is None:
                self.inventory.problems.append(
                    f"{where}: device type '{kind_name}' is not among the device types "
                    "(export device-types.csv too); its height is taken as 1U"
                )
            self.inventory.devices.append(
                _device(
                    i,
                    {
                        **f,
                        "site": site_id,
                        "location": location,
                        "rack": rack_id,
                        "device_type": type_id,
                    },
                )
            )
        elif endpoint == "rack-reservations":
            site_id = self._site(f, where)
            location = self._location(site_id, f.get("location", ""))
            rack_id = self._rack(site_id, location, f.get("rack", ""))
            self.inventory.reservations.append(_reservation(i, {**f, "rack": rack_id}))
        elif endpoint == "clusters":
            cluster = _cluster(i, {"name": f.get("name"), "site": self._site(f, where)})
            self.clusters[cluster.name.lower()] = i
            self.inventory.clusters.append(cluster)
        elif endpoint == "virtual-machines":
            cluster_id = self.clusters.get(f.get("cluster", "").lower())
            self.inventory.virtual_machines.append(
                _vm(i, {"name": f.get("name"), "cluster": cluster_id, "site": self._site(f, where)})
            )


# ------------------------------------------------------------------ files


def read_inventory(paths: Sequence[str | Path]) -> Inventory:
    """The inventory in ``paths``: one JSON file (REST or dumpdata), or CSV files, or a
    folder of them. Raises :class:`NetboxFormatError` (or OSError) for what is not."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in (".csv", ".json")))
        else:
            files.append(path)
    if not files:
        raise NetboxFormatError("no .json or .csv files to read")
    jsons = [p for p in files if p.suffix.lower() == ".json"]
    csvs = [p for p in files if p.suffix.lower() == ".csv"]
    if jsons and csvs:
        raise NetboxFormatError("give either JSON or CSV files, not both")
    if csvs:
        return from_csv({str(p): _text_of(p) for p in csvs})
    inventories = [_json_inventory(p) for p in jsons]
    if len(inventories) == 1:
        return inventories[0]
    merged: dict[str, Any] = {}
    for path in jsons:
        data = json.loads(_text_of(path))
        if not isinstance(data, Mapping):
            data = {path.stem: data}
        for key, value in data.items():
            merged.setdefault(key, []).extend(_objects(value))
    return from_rest(merged)


def _text_of(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NetboxFormatError(f"{path.name}: not UTF-8 text ({error.reason})") from None


def _json_inventory(path: Path) -> Inventory:
    try:
        data = json.loads(_text_of(path))
    except json.JSONDecodeError as error:
        raise NetboxFormatError(
            f"{path.name}: not JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except RecursionError:
        raise NetboxFormatError(f"{path.name}: nested too deep to be a NetBox export") from None
    if (
        isinstance(data, list)
        and data
        and all(isinstance(r, Mapping) and "model" in r and "fields" in r for r in data[:50])
    ):
        return from_dumpdata(data)
    if isinstance(data, Mapping) and "results" in data:
        return from_rest({path.stem: data})
    if isinstance(data, Mapping):
        return from_rest(data)
    if isinstance(data, list):
        return from_rest({path.stem: data})
    raise NetboxFormatError(f"{path.name}: not a NetBox export (REST JSON or dumpdata)")
