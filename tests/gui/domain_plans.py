"""A small plan with power feeds and rooms, shared by the tests of the domain views."""

from __future__ import annotations

from planner.model import Plan, Rack, Scenario, Server, Service, Site
from planner.model.plan import Domain


def powered_plan() -> Plan:
    """Two rooms of one site; racks fed by P1, P2 or both; a scenario losing P1 (back at
    T+30:00) and the room R2 (never), declared after 40 minutes."""
    return Plan(
        name="powered",
        sites=[Site("pg", "Pangyo"), Site("an", "Anyang")],
        domains=[
            Domain("P1", "Power feed 1", "power", site="pg"),
            Domain("P2", "Power feed 2", "power", site="pg"),
            Domain("R1", "Room 1", "room", site="pg"),
            Domain("R2", "Room 2", "room", site="pg"),
        ],
        racks=[
            Rack("r1", "pg", "Rack 1", domains=["P1", "R1"]),
            Rack("r2", "pg", "Rack 2", domains=["P1", "P2", "R1"]),
            Rack("r3", "pg", "Rack 3", domains=["P2", "R2"]),
            Rack("a1", "an", "Anyang 1"),
        ],
        servers=[
            Server("s1", "r1", "db-1", 1),
            Server("s2", "r2", "web-1", 1),
            Server("s3", "r3", "mail-1", 1, domains=["P1"]),
            Server("b1", "a1", "db-standby", 1),
        ],
        services=[
            Service("db", "Database", restore_minutes=240, failover_minutes=15,
                    restart_minutes=20, servers=["s1"], standby_servers=["b1"]),
            Service("web", "Web", restore_minutes=60, servers=["s2"], depends_on=["db"]),
            Service("mail", "Mail", restore_minutes=300, restart_minutes=30, servers=["s3"],
                    failover_minutes=45),
        ],
        scenarios=[
            Scenario("fire", "Battery room fire", ["P1", "R2"], returns={"P1": 1800},
                     declared_after_minutes=40),
            Scenario("none", "Nothing", []),
        ],
    )  # fmt: skip
