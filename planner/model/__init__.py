"""The plan model: plain typed dataclasses and the rules a plan must follow."""

from planner.model.plan import (
    DEFAULT_RACK_UNITS,
    DEFAULT_TIER,
    TIERS,
    Number,
    Plan,
    Pool,
    Rack,
    Scenario,
    Server,
    Service,
    Site,
)
from planner.model.problems import Problem
from planner.model.validate import validate

__all__ = [
    "DEFAULT_RACK_UNITS",
    "DEFAULT_TIER",
    "TIERS",
    "Number",
    "Plan",
    "Pool",
    "Problem",
    "Rack",
    "Scenario",
    "Server",
    "Service",
    "Site",
    "validate",
]
