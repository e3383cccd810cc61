"""The plan: plain typed dataclasses, no Qt and no I/O.

A plan holds sites, failure domains (power feeds, rooms, ...), racks, servers (one
shared id namespace: a scenario may fail any of them), recovery pools, services and
scenarios. Times are minutes. Optional fields
exist for the GUI and the runbook (positions, colours, notes, owners, runbook steps);
``extra`` keeps fields written by other tools so that a round trip loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

Number = int | float
DEFAULT_RACK_UNITS = 42
DEFAULT_TIER = 2
TIERS = (0, 1, 2, 3)

# Bounds of the numbers a plan may hold (the file format refuses others): generous for
# any real plan, small enough that sums over a 100,000-service plan stay exact floats.
MAX_MINUTES = 10 * 365 * 24 * 60  # ten years: 5,256,000 minutes
MAX_COUNT = 1_000_000  # rack units, positions, heights, capacities, instances, pool units
MAX_COORDINATE = 1_000_000_000  # canvas units of a layout hint (x, y, width, height)
DEFAULT_FAILOVER_TEST_MAX_AGE_DAYS = 365

CopyKind = Literal["primary", "replica", "backup", "offline"]
COPY_KINDS: tuple[CopyKind, ...] = ("primary", "replica", "backup", "offline")


@dataclass
class Site:
    id: str
    name: str
    x: Number | None = None
    y: Number | None = None
    width: Number | None = None
    height: Number | None = None
    color: str | None = None
    notes: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Domain:
    """A failure domain: something whose loss takes down every rack and server in it.

    ``kind`` is free text ("power", "ups", "room", "network", "cooling", ...). Within one
    kind, a server is down only while *every* domain of that kind it belongs to is down
    (a dual-fed server survives one feed); see docs/engine.md.
    """

    id: str
    name: str
    kind: str
    site: str | None = None
    notes: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Rack:
    id: str
    site: str
    name: str
    units: int = DEFAULT_RACK_UNITS
    domains: list[str] = field(default_factory=list)
    x: Number | None = None
    y: Number | None = None
    notes: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Server:
    id: str
    rack: str
    name: str
    position: int
    height: int = 1
    domains: list[str] = field(default_factory=list)  # besides those of its rack
    notes: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def top(self) -> int:
        """Highest unit the server occupies (1-based, inclusive)."""
        return self.position + self.height - 1


@dataclass
class Pool:
    id: str
    name: str
    capacity: int
    notes: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class DataCopy:
    """One copy of a service's data: where it lives and how far behind it is.

    ``on`` lists ids of servers, racks, sites or domains; the copy survives while any of
    them is up, is unavailable while all are down, and is destroyed when all are failed
    for good (docs/engine.md, "Data"). ``lag_minutes`` is 0 for a synchronous copy.
    ``id`` is unique within its service.
    """

    id: str
    on: list[str] = field(default_factory=list)
    lag_minutes: Number = 0
    kind: CopyKind = "primary"
    notes: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Service:
    id: str
    name: str
    tier: int = DEFAULT_TIER
    rto_minutes: Number | None = None
    restore_minutes: Number = 0
    failover_minutes: Number | None = None
    failover_needs: dict[str, int] | None = None  # None: the same as ``needs``
    automatic_failover: bool = False  # fails over without waiting for the declaration
    restart_minutes: Number | None = None  # restart in place once its servers are back
    restart_needs: dict[str, int] | None = None  # None: the same as ``needs``
    rpo_minutes: Number | None = None  # the most data (minutes of writes) it may lose
    data: list[DataCopy] = field(default_factory=list)  # where its data lives
    failover_tested_on: date | None = None  # the last failover test; None: never tested
    recovery_tooling: bool = False  # the recovery itself needs it (console, deploy, ...)
    servers: list[str] = field(default_factory=list)
    standby_servers: list[str] = field(default_factory=list)
    min_instances: int = 1
    needs: dict[str, int] = field(default_factory=dict)
    depends_on: list[str] = field(default_factory=list)
    owner: str | None = None
    team: str | None = None
    notes: str | None = None
    steps: list[str] = field(default_factory=list)
    color: str | None = None
    x: Number | None = None
    y: Number | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Scenario:
    id: str
    name: str
    failed: list[str] = field(default_factory=list)
    returns: dict[str, Number] = field(default_factory=dict)  # failed id -> back at T+minutes
    declared_after_minutes: Number = 0  # no recovery task starts earlier (but automatic failovers)
    untested_failovers_fail: bool = False  # a failover not tested recently is not available
    as_of: date | None = None  # the scenario's date, for the age of failover tests (None: today)
    notes: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    name: str = "Untitled plan"
    sites: list[Site] = field(default_factory=list)
    domains: list[Domain] = field(default_factory=list)
    racks: list[Rack] = field(default_factory=list)
    servers: list[Server] = field(default_factory=list)
    pools: list[Pool] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    scenarios: list[Scenario] = field(default_factory=list)
    failover_test_max_age_days: int = DEFAULT_FAILOVER_TEST_MAX_AGE_DAYS
    notes: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def site(self, site_id: str) -> Site | None:
        return next((s for s in self.sites if s.id == site_id), None)

    def domain(self, domain_id: str) -> Domain | None:
        return next((d for d in self.domains if d.id == domain_id), None)

    def rack(self, rack_id: str) -> Rack | None:
        return next((r for r in self.racks if r.id == rack_id), None)

    def server(self, server_id: str) -> Server | None:
        return next((s for s in self.servers if s.id == server_id), None)

    def pool(self, pool_id: str) -> Pool | None:
        return next((p for p in self.pools if p.id == pool_id), None)

    def service(self, service_id: str) -> Service | None:
        return next((s for s in self.services if s.id == service_id), None)

    def scenario(self, scenario_id: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.id == scenario_id), None)
