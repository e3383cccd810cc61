"""The edits of a service's data copies and of a scenario's failover-test settings (no Qt).

Each builder reads the plan and returns one unapplied :class:`SetFields` (of the
service, with its whole new ``data`` list, or of the scenario), so every gesture of the
copies editor is one undo step; a gesture that makes no sense is refused with
:class:`EditRefused`, its message for the user. The rules they keep: copy ids are unique
within their service and never blank; a copy's locations (``on``) are ids of servers,
racks, sites or failure domains the plan has, each once; a lag is between 0
(synchronous) and ten years; a kind is one of :data:`~planner.model.plan.COPY_KINDS`.
"""

from __future__ import annotations

import copy as _copy
import math
from collections.abc import Iterable
from datetime import date
from typing import Any

from planner.model import Plan
from planner.model.clock import clock
from planner.model.edits.base import EditRefused
from planner.model.edits.items import SetFields
from planner.model.plan import COPY_KINDS, MAX_MINUTES, DataCopy, Number, Scenario, Service

#: The kinds of item a copy may live on, as the editor names them.
LOCATION_KINDS = ("server", "rack", "site", "domain")


def _service(plan: Plan, service_id: str) -> Service:
    service = plan.service(service_id)
    if service is None:
        raise EditRefused(f"there is no service '{service_id}'")
    return service


def _data(service: Service) -> list[DataCopy]:
    """The service's copies (a plan read by an older reader may hold None)."""
    return list(service.data or ())


def _called(item: Service | Scenario) -> str:
    return item.name.strip() or item.id


def _index(service: Service, copy_id: str) -> int:
    for index, data_copy in enumerate(_data(service)):
        if data_copy.id == copy_id:
            return index
    raise EditRefused(f"{_called(service)} has no data copy '{copy_id}'")


def location_kind(plan: Plan, item_id: str) -> str | None:
    """What a copy may live on under ``item_id``: "server", "rack", "site", "domain"."""
    for kind, find in (
        ("server", plan.server),
        ("rack", plan.rack),
        ("site", plan.site),
        ("domain", plan.domain),
    ):
        if find(item_id) is not None:
            return kind
    return None


def location_name(plan: Plan, item_id: str) -> str:
    """How the editor shows a location: its name ("Pangyo"), else its id; an id the plan
    does not have is shown as it is, marked ("srv-9 (unknown)")."""
    for find in (plan.server, plan.rack, plan.site, plan.domain):
        item = find(item_id)
        if item is not None:
            return str(item.name).strip() or item_id
    return f"{item_id} (unknown)"


def location_ids(plan: Plan) -> list[str]:
    """Every id a copy may live on, sites and domains first (for a completer)."""
    ids = [s.id for s in plan.sites] + [d.id for d in plan.domains]
    ids += [r.id for r in plan.racks] + [s.id for s in plan.servers]
    return list(dict.fromkeys(ids))


def new_copy_id(service: Service, kind: str = "primary") -> str:
    """A copy id not used in the service: ``replica``, ``replica-2``, ..."""
    used = {c.id for c in _data(service)}
    base = kind if kind in COPY_KINDS else "copy"
    if base not in used:
        return base
    number = 2
    while f"{base}-{number}" in used:
        number += 1
    return f"{base}-{number}"


def _check_locations(plan: Plan, on: Iterable[str]) -> list[str]:
    wanted = [i.strip() for i in on if i.strip()]
    for item_id in wanted:
        if location_kind(plan, item_id) is None:
            raise EditRefused(f"'{item_id}' is not a server, rack, site or failure domain")
    return list(dict.fromkeys(wanted))


def check_lag(minutes: Any) -> Number:
    """A lag a copy may have (minutes, 0 = synchronous); EditRefused otherwise."""
    if (
        isinstance(minutes, bool)
        or not isinstance(minutes, int | float)
        or not math.isfinite(minutes)
        or not 0 <= minutes <= MAX_MINUTES
    ):
        raise EditRefused(f"a lag is between 0:00 (synchronous) and ten years, not {minutes}")
    return minutes


def _set_data(service: Service, data: list[DataCopy], label: str) -> SetFields:
    return SetFields("service", service.id, label=label, data=data)


def add_copy(
    plan: Plan,
    service_id: str,
    *,
    on: Iterable[str] = (),
    kind: str = "primary",
    lag_minutes: Number = 0,
    copy_id: str | None = None,
) -> SetFields:
    """Add a copy to the end of the service's list (id made from the kind if not given)."""
    service = _service(plan, service_id)
    if kind not in COPY_KINDS:
        raise EditRefused(f"a copy's kind is one of {', '.join(COPY_KINDS)}, not '{kind}'")
    locations = _check_locations(plan, on)
    lag = check_lag(lag_minutes)
    new_id = new_copy_id(service, kind) if copy_id is None else copy_id.strip()
    if not new_id:
        raise EditRefused("a copy's id cannot be blank")
    if any(c.id == new_id for c in _data(service)):
        raise EditRefused(f"{_called(service)} already has a copy '{new_id}'")
    made = DataCopy(id=new_id, on=locations, lag_minutes=lag, kind=kind)
    where = ""
    if locations:
        where = " on " + ", ".join(location_name(plan, i) for i in locations[:3])
        where += f" and {len(locations) - 3} more" if len(locations) > 3 else ""
    return _set_data(
        service,
        [*_copy.deepcopy(_data(service)), made],
        f"Add {kind} copy of {_called(service)}{where}",
    )


def remove_copies(plan: Plan, service_id: str, copy_ids: Iterable[str]) -> SetFields:
    """Remove copies of a service (one undo step for several)."""
    service = _service(plan, service_id)
    gone = list(dict.fromkeys(copy_ids))
    if not gone:
        raise EditRefused("choose a copy to remove")
    for copy_id in gone:
        _index(service, copy_id)
    what = f"copy {gone[0]}" if len(gone) == 1 else f"{len(gone)} copies"
    kept = [_copy.deepcopy(c) for c in _data(service) if c.id not in gone]
    return _set_data(service, kept, f"Remove {what} of {_called(service)}")


def _change_copy(plan: Plan, service_id: str, copy_id: str, label: str, **values: Any) -> SetFields:
    service = _service(plan, service_id)
    index = _index(service, copy_id)
    current = _data(service)[index]
    if all(getattr(current, name) == value for name, value in values.items()):
        raise EditRefused(f"copy {copy_id} of {_called(service)} is already so")
    data = _copy.deepcopy(_data(service))
    for name, value in values.items():
        setattr(data[index], name, _copy.deepcopy(value))
    return _set_data(service, data, f"{label} of {_called(service)}")


def rename_copy(plan: Plan, service_id: str, copy_id: str, new_id: str) -> SetFields:
    """Change a copy's id (unique within the service, not blank)."""
    service = _service(plan, service_id)
    wanted = new_id.strip()
    if not wanted:
        raise EditRefused("a copy's id cannot be blank")
    if wanted != copy_id and any(c.id == wanted for c in _data(service)):
        raise EditRefused(f"{_called(service)} already has a copy '{wanted}'")
    return _change_copy(plan, service_id, copy_id, f"Rename copy {copy_id} to {wanted}", id=wanted)


def set_copy_kind(plan: Plan, service_id: str, copy_id: str, kind: str) -> SetFields:
    if kind not in COPY_KINDS:
        raise EditRefused(f"a copy's kind is one of {', '.join(COPY_KINDS)}, not '{kind}'")
    return _change_copy(plan, service_id, copy_id, f"Copy {copy_id} a {kind}", kind=kind)


def set_copy_lag(plan: Plan, service_id: str, copy_id: str, minutes: Number) -> SetFields:
    lag = check_lag(minutes)
    what = "synchronous" if lag == 0 else f"{clock(lag)} behind"
    return _change_copy(plan, service_id, copy_id, f"Copy {copy_id} {what}", lag_minutes=lag)


def set_copy_locations(plan: Plan, service_id: str, copy_id: str, on: Iterable[str]) -> SetFields:
    """Say where a copy lives (replacing its list); refuses ids the plan does not have."""
    locations = _check_locations(plan, on)
    return _change_copy(plan, service_id, copy_id, f"Set locations of copy {copy_id}", on=locations)


def add_copy_locations(
    plan: Plan, service_id: str, copy_id: str, item_ids: Iterable[str]
) -> SetFields:
    """Add locations to a copy (a drop onto its row); those it has already are skipped,
    and a drop that adds nothing is refused."""
    service = _service(plan, service_id)
    current = _data(service)[_index(service, copy_id)]
    wanted = [i for i in _check_locations(plan, item_ids) if i not in current.on]
    if not wanted:
        raise EditRefused(f"copy {copy_id} of {_called(service)} is already there")
    what = location_name(plan, wanted[0]) if len(wanted) == 1 else f"{len(wanted)} locations"
    return _change_copy(
        plan, service_id, copy_id, f"Copy {copy_id} also on {what}", on=[*current.on, *wanted]
    )


def set_untested_failovers_fail(plan: Plan, scenario_id: str, fail: bool) -> SetFields:
    """Whether failovers whose test is missing or too old are unavailable in a scenario."""
    scenario = plan.scenario(scenario_id)
    if scenario is None:
        raise EditRefused(f"there is no scenario '{scenario_id}'")
    if scenario.untested_failovers_fail == fail:
        raise EditRefused(f"{_called(scenario)} already {'fails' if fail else 'keeps'} them")
    return SetFields(
        "scenario",
        scenario_id,
        label=f"Untested failovers {'fail' if fail else 'work'} in {_called(scenario)}",
        untested_failovers_fail=fail,
    )


def set_as_of(plan: Plan, scenario_id: str, when: date | None) -> SetFields:
    """The scenario's date, against which failover tests are aged (None: today)."""
    scenario = plan.scenario(scenario_id)
    if scenario is None:
        raise EditRefused(f"there is no scenario '{scenario_id}'")
    if scenario.as_of == when:
        raise EditRefused(f"{_called(scenario)} is already dated {when or 'today'}")
    return SetFields(
        "scenario",
        scenario_id,
        label=f"Date {_called(scenario)} {when.isoformat() if when else 'today'}",
        as_of=when,
    )


__all__ = [
    "LOCATION_KINDS",
    "add_copy",
    "add_copy_locations",
    "check_lag",
    "location_ids",
    "location_kind",
    "location_name",
    "new_copy_id",
    "remove_copies",
    "rename_copy",
    "set_as_of",
    "set_copy_kind",
    "set_copy_lag",
    "set_copy_locations",
    "set_untested_failovers_fail",
]
