"""The edits of the scenario editor and of a domain failed from the floor (no Qt here).

Each builder reads the plan and returns one unapplied :class:`SetFields` of a scenario
(or of a service, for ``automatic_failover``), so every gesture is one undo step; a
gesture that makes no sense is refused with :class:`EditRefused`, its message for the
user. The rule they keep: a scenario's ``returns`` only name items it fails, so taking an
item off the failed list drops its return time in the same edit.
"""

from __future__ import annotations

from collections.abc import Iterable

from planner.model import Plan
from planner.model.clock import clock, parse_clock
from planner.model.edits.base import EditRefused
from planner.model.edits.items import SetFields
from planner.model.plan import MAX_MINUTES, Number, Scenario

#: What a return-time cell accepts for "this item never comes back".
NEVER_TEXTS = ("", "never", "-", "—")
NEVER = "never"


def _scenario(plan: Plan, scenario_id: str) -> Scenario:
    scenario = plan.scenario(scenario_id)
    if scenario is None:
        raise EditRefused(f"there is no scenario '{scenario_id}'")
    return scenario


def _called(scenario: Scenario) -> str:
    return scenario.name.strip() or scenario.id


def failable_kind(plan: Plan, item_id: str) -> str | None:
    """What a scenario may fail under ``item_id``: "domain", "site", "rack", "server"."""
    if plan.domain(item_id) is not None:
        return "domain"
    for kind, find in (("site", plan.site), ("rack", plan.rack), ("server", plan.server)):
        if find(item_id) is not None:
            return kind
    return None


def item_name(plan: Plan, item_id: str) -> str:
    """The name of a failable item ("Power feed P1"), its id when unnamed or unknown."""
    for find in (plan.domain, plan.site, plan.rack, plan.server):
        item = find(item_id)
        if item is not None:
            return str(item.name).strip() or item_id
    return item_id


def add_failed(plan: Plan, scenario_id: str, item_ids: Iterable[str]) -> SetFields:
    """Fail more items in a scenario (appended); refuses unknown ids and repeats."""
    scenario = _scenario(plan, scenario_id)
    wanted = [i.strip() for i in dict.fromkeys(item_ids) if i.strip()]
    if not wanted:
        raise EditRefused("name a site, rack, server or failure domain to fail")
    for item_id in wanted:
        if failable_kind(plan, item_id) is None:
            raise EditRefused(f"'{item_id}' is not a site, rack, server or failure domain")
        if item_id in scenario.failed:
            raise EditRefused(f"'{item_id}' already fails in {_called(scenario)}")
    what = item_name(plan, wanted[0]) if len(wanted) == 1 else f"{len(wanted)} items"
    return SetFields(
        "scenario",
        scenario_id,
        label=f"Fail {what} in {_called(scenario)}",
        failed=[*scenario.failed, *wanted],
    )


def remove_failed(plan: Plan, scenario_id: str, item_ids: Iterable[str]) -> SetFields:
    """Take items off a scenario's failed list, with their return times."""
    scenario = _scenario(plan, scenario_id)
    gone = set(item_ids)
    if not gone & set(scenario.failed):
        raise EditRefused(f"{_called(scenario)} does not fail {', '.join(sorted(gone))}")
    values: dict[str, object] = {"failed": [i for i in scenario.failed if i not in gone]}
    if gone & set(scenario.returns):
        values["returns"] = {k: v for k, v in scenario.returns.items() if k not in gone}
    shown = [i for i in scenario.failed if i in gone]
    what = item_name(plan, shown[0]) if len(shown) == 1 else f"{len(shown)} items"
    return SetFields(
        "scenario", scenario_id, label=f"Restore {what} in {_called(scenario)}", **values
    )


def toggle_failed(plan: Plan, scenario_id: str, item_id: str) -> SetFields:
    """Fail ``item_id`` in the scenario, or take it off if it fails already (a click)."""
    scenario = _scenario(plan, scenario_id)
    if item_id in scenario.failed:
        return remove_failed(plan, scenario_id, [item_id])
    return add_failed(plan, scenario_id, [item_id])


def parse_return(text: str) -> Number | None:
    """Minutes after T+0 from what a person typed in a return cell; None is never.

    Accepts ``never`` (or a blank), ``T+30:00``, ``30:00``, ``90``, ``1h30m``; refuses
    anything else and negative times with ValueError, its message for the user.
    """
    cleaned = text.strip()
    if cleaned.lower() in NEVER_TEXTS:
        return None
    if cleaned[:2].lower() == "t+":
        cleaned = cleaned[2:]
    elif cleaned.startswith("-"):
        raise ValueError(f"'{text.strip()}' is before the incident: a return is T+0 or later")
    try:
        return parse_clock(cleaned)
    except ValueError:
        raise ValueError(
            f"'{text.strip()}' is not a time: write h:mm after the incident (e.g. 30:00), "
            "minutes (e.g. 90), or 'never'"
        ) from None


def format_return(minutes: Number | None) -> str:
    """A return time as the editor shows it: ``T+30:00``, or ``never``."""
    return NEVER if minutes is None else f"T+{clock(minutes)}"


def set_return(plan: Plan, scenario_id: str, item_id: str, minutes: Number | None) -> SetFields:
    """Say when a failed item is back (None: never); refuses an item the scenario does
    not fail, a negative or too large time, and a change that changes nothing."""
    scenario = _scenario(plan, scenario_id)
    if item_id not in scenario.failed:
        raise EditRefused(f"'{item_id}' does not fail in {_called(scenario)}: fail it first")
    if minutes is not None and not 0 <= minutes <= MAX_MINUTES:
        raise EditRefused(f"a return time is between T+0 and ten years, not {minutes}")
    returns = dict(scenario.returns)
    if minutes is None:
        if item_id not in returns:
            raise EditRefused(f"'{item_id}' already never comes back")
        del returns[item_id]
    else:
        if returns.get(item_id) == minutes:
            raise EditRefused(f"'{item_id}' is already back at {format_return(minutes)}")
        returns[item_id] = minutes
    what = item_name(plan, item_id)
    when = format_return(minutes)
    return SetFields(
        "scenario",
        scenario_id,
        label=f"{what} back {when} in {_called(scenario)}"
        if minutes is not None
        else f"{what} never back in {_called(scenario)}",
        returns=returns,
    )


def set_declared_after(plan: Plan, scenario_id: str, minutes: Number) -> SetFields:
    """The scenario's declaration delay (no task starts before it but automatic
    failovers)."""
    scenario = _scenario(plan, scenario_id)
    if not 0 <= minutes <= MAX_MINUTES:
        raise EditRefused(f"a declaration delay is between 0:00 and ten years, not {minutes}")
    if scenario.declared_after_minutes == minutes:
        raise EditRefused(f"{_called(scenario)} is already declared at T+{clock(minutes)}")
    return SetFields(
        "scenario",
        scenario_id,
        label=f"Declare {_called(scenario)} at T+{clock(minutes)}",
        declared_after_minutes=minutes,
    )


def set_automatic_failover(plan: Plan, service_id: str, automatic: bool) -> SetFields:
    """Whether a service fails over without waiting for the declaration."""
    service = plan.service(service_id)
    if service is None:
        raise EditRefused(f"there is no service '{service_id}'")
    if service.failover_minutes is None and automatic:
        raise EditRefused(f"{service.name or service.id} cannot fail over: it has no failover time")
    what = service.name.strip() or service.id
    return SetFields(
        "service",
        service_id,
        label=f"{'Automatic' if automatic else 'Manual'} failover of {what}",
        automatic_failover=automatic,
    )


__all__ = [
    "NEVER",
    "add_failed",
    "failable_kind",
    "format_return",
    "item_name",
    "parse_return",
    "remove_failed",
    "set_automatic_failover",
    "set_declared_after",
    "set_return",
    "toggle_failed",
]
