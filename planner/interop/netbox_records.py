"""A NetBox inventory, normalised: what the three export forms have in common.

The readers (:mod:`planner.interop.netbox_read`) turn REST JSON, bulk CSV and Django
``dumpdata`` into these records, with references as NetBox object ids (a CSV names its
references; its reader resolves them), choices as their value, and versions' field names
settled (``device_role``/``role``, rack ``type``/``form_factor``, a cluster's
``site``/scope). The mapping to a plan (:mod:`planner.interop.netbox`) sees only these.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class NbSite:
    id: int
    name: str
    slug: str


@dataclass(frozen=True)
class NbLocation:
    id: int
    name: str
    slug: str
    site: int | None
    parent: int | None = None


@dataclass(frozen=True)
class NbRack:
    id: int
    name: str
    site: int | None
    location: int | None = None
    u_height: int = 42
    starting_unit: int = 1
    desc_units: bool = False
    form_factor: str | None = None


@dataclass(frozen=True)
class NbDeviceType:
    id: int
    model: str
    u_height: float = 1.0
    is_full_depth: bool = True


@dataclass(frozen=True)
class NbDevice:
    id: int
    name: str | None
    site: int | None
    rack: int | None = None
    position: float | None = None
    face: str | None = None
    device_type: int | None = None
    location: int | None = None
    serial: str | None = None
    asset_tag: str | None = None
    role: str | None = None
    status: str | None = None
    display: str | None = None  # what NetBox shows for it (REST), for an unnamed device


@dataclass(frozen=True)
class NbPowerPanel:
    id: int
    name: str
    site: int | None
    location: int | None = None


@dataclass(frozen=True)
class NbPowerFeed:
    id: int
    name: str
    power_panel: int | None
    rack: int | None = None
    status: str | None = None
    type: str | None = None


@dataclass(frozen=True)
class NbReservation:
    id: int
    rack: int | None
    units: tuple[int, ...]
    description: str = ""


@dataclass(frozen=True)
class NbCluster:
    id: int
    name: str
    site: int | None = None


@dataclass(frozen=True)
class NbVirtualMachine:
    id: int
    name: str
    cluster: int | None
    site: int | None = None


@dataclass
class Inventory:
    """Every object of one NetBox export, and what its reader could not read."""

    sites: list[NbSite] = field(default_factory=list)
    locations: list[NbLocation] = field(default_factory=list)
    racks: list[NbRack] = field(default_factory=list)
    device_types: list[NbDeviceType] = field(default_factory=list)
    devices: list[NbDevice] = field(default_factory=list)
    power_panels: list[NbPowerPanel] = field(default_factory=list)
    power_feeds: list[NbPowerFeed] = field(default_factory=list)
    reservations: list[NbReservation] = field(default_factory=list)
    clusters: list[NbCluster] = field(default_factory=list)
    virtual_machines: list[NbVirtualMachine] = field(default_factory=list)
    # device id -> the power feeds its power ports reach (directly or through a PDU).
    device_feeds: dict[int, tuple[int, ...]] = field(default_factory=dict)
    # One line per object a reader skipped or read with a substitute value.
    problems: list[str] = field(default_factory=list)
    form: str = ""  # "rest", "csv" or "dumpdata"
