"""Data copies under a scenario: the words every view uses, and the rules behind them.

The CLI, the runbook and the GUI say what a scenario leaves of a service's data in
the same words; they come from here (docs/engine.md, "Data", states the rules):

- :func:`lag_text`: how far behind a copy is ("synchronous", "15 min", "24 h", "1:30");
- :func:`copy_label`: a copy by where it lives and what it is ("the Gasan backup");
- :func:`copy_state_text`: what the scenario leaves of it ("unavailable until T+2:00");
- :func:`loss_sentence`: a service's data loss and its RPO, lost data first;
- :func:`restore_sentence`: which copy a restore uses ("restore from the Gasan backup,
  24 h behind");
- :func:`untested_sentence`: a failover nobody has tested recently.

:func:`failover_test_stale` is the untested rule itself, shared by the engine and views.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from planner.model.clock import clock
from planner.model.plan import DataCopy, Domain, Plan, Rack, Server, Service, Site

if TYPE_CHECKING:
    from planner.engine.recovery import CopyState, RecoveryResult, ServiceRecovery

_KIND_WORDS = {
    "primary": "primary copy",
    "replica": "replica",
    "backup": "backup",
    "offline": "offline copy",
}


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def lag_text(minutes: float) -> str:
    """How far behind a copy is: "synchronous" (0), "15 min" (under an hour), "24 h"
    (whole hours), else ``h:mm`` ("1:30")."""
    if minutes <= 0:
        return "synchronous"
    if minutes < 60:
        return f"{_number(minutes)} min"
    if float(minutes).is_integer() and int(minutes) % 60 == 0:
        return f"{int(minutes) // 60} h"
    return clock(minutes)


def _join(words: Sequence[str], last: str = "and") -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


_LISTS = ("sites", "racks", "servers", "domains", "services")
_LOCATIONS = ("sites", "racks", "servers", "domains")  # one id namespace, in this order
# The positions of each list's ids in the last plan asked about: a report words every
# service of a 32,000-server plan, and a linear look-up per location would take minutes.
_last_index: tuple[int, dict[str, dict[str, tuple[str, int]]]] | None = None


def _build_index(plan: Plan) -> dict[str, dict[str, tuple[str, int]]]:
    index: dict[str, dict[str, tuple[str, int]]] = {}
    for name in _LISTS:
        positions: dict[str, tuple[str, int]] = {}
        for k, item in enumerate(getattr(plan, name)):
            positions.setdefault(item.id, (name, k))  # the first of repeated ids
        index[name] = positions
    locations: dict[str, tuple[str, int]] = {}
    for name in _LOCATIONS:
        for item_id, hit in index[name].items():
            locations.setdefault(item_id, hit)
    index["locations"] = locations
    return index


def _find(plan: Plan, kind: str, item_id: str) -> Any:
    """The item of ``plan.<kind>`` with ``item_id`` (None: none; the first of repeated
    ids, as ``plan.site()`` and its kin); ``kind`` "locations" looks among sites, racks,
    servers and domains in that order. Through an index of positions rebuilt whenever
    the indexed position no longer holds that id (an edit replaced, moved or removed
    it) or the id is not indexed (an item added since, or an unknown id). Attributes
    are read from the item itself, so edits made in place are always seen."""
    global _last_index
    for fresh in (False, True):
        if fresh or _last_index is None or _last_index[0] != id(plan):
            _last_index = (id(plan), _build_index(plan))
        hit = _last_index[1][kind].get(item_id)
        if hit is not None:
            items = getattr(plan, hit[0])
            if hit[1] < len(items) and items[hit[1]].id == item_id:
                return items[hit[1]]
    return None


def location_site(plan: Plan, location_id: str) -> str | None:
    """The site id a copy location lies in (a server's rack's site, a rack's site, the
    site itself, a domain's site), None when it has none or is unknown."""
    item = _find(plan, "locations", location_id)
    if isinstance(item, Site):
        return item.id
    if isinstance(item, Rack):
        return item.site
    if isinstance(item, Server):
        home = _find(plan, "racks", item.rack)
        return home.site if isinstance(home, Rack) else None
    if isinstance(item, Domain):
        return item.site
    return None


def _place_names(plan: Plan, locations: Iterable[str]) -> list[str]:
    """Distinct names of the sites of ``locations`` in order; a location with no site
    (a domain of no site, an unknown id) by its own name (or id)."""
    names: list[str] = []
    for location in locations:
        site_id = location_site(plan, location)
        name: str
        if site_id is not None:
            site = _find(plan, "sites", site_id)
            name = str(site.name) if site is not None else site_id
        else:
            item = _find(plan, "domains", location)
            name = str(item.name) if item is not None else location
        if name not in names:
            names.append(name)
    return names


def _service_of(plan: Plan, svc: Service | ServiceRecovery | str) -> Service | None:
    if isinstance(svc, Service):
        return svc
    found = _find(plan, "services", svc if isinstance(svc, str) else svc.id)
    return found if isinstance(found, Service) else None


def copy_label(plan: Plan, service: Service | ServiceRecovery | str, copy: DataCopy | str) -> str:
    """A copy named for a manager: the sites it lives in and its kind ("the Gasan
    backup", "the Pangyo and Gasan replica"). When two copies of the service would read
    the same, the copy's id follows in brackets ("the Gasan backup (nightly)")."""
    model = _service_of(plan, service)
    copies = model.data if model is not None else []
    if isinstance(copy, str):
        found = next((c for c in copies if c.id == copy), None)
        if found is None:
            return f"copy {copy}"
        copy = found

    def base(c: DataCopy) -> str:
        places = _join(_place_names(plan, c.on)) or "nowhere"
        return f"the {places} {_KIND_WORDS.get(c.kind, c.kind)}"

    label = base(copy)
    if any(c is not copy and c.id != copy.id and base(c) == label for c in copies):
        label += f" ({copy.id})"
    return label


def copy_state_text(state: CopyState) -> str:
    """ "available", "unavailable until T+2:00" or "destroyed"."""
    if state.state == "unavailable":
        return f"unavailable until T+{clock(state.until, '?')}"
    return state.state


def _copies(n: int) -> str:
    return f"{n} cop{'y' if n == 1 else 'ies'}"


def _survive(n: int) -> str:
    return "survives" if n == 1 else "survive"


def loss_sentence(plan: Plan, result: RecoveryResult, svc: ServiceRecovery) -> str:
    """One line on what ``svc`` loses in ``result``'s scenario.

    Lost data: "media-storage: every copy was in Pangyo; 0 of 2 copies survive".
    Otherwise: "talk-text: loses up to 5 min of writes (RPO 15 min): met"; "loses no
    writes" for a synchronous copy; no RPO part without an RPO; "no data copies
    recorded" for a service with none.
    """
    del result  # the result gives the context; the service's fields say it all
    model = _service_of(plan, svc)
    if not svc.copies:
        return f"{svc.id}: no data copies recorded"
    total = len(svc.copies)
    if svc.data_lost:
        places = _join(
            _place_names(plan, [loc for c in (model.data if model else []) for loc in c.on])
        )
        where = f"every copy was in {places}" if places else "every copy was destroyed"
        return f"{svc.id}: {where}; 0 of {_copies(total)} {_survive(total)}"
    loss = svc.data_loss_minutes or 0
    text = "loses no writes" if loss <= 0 else f"loses up to {lag_text(loss)} of writes"
    if svc.rpo_minutes is not None:
        verdict = "met" if svc.meets_rpo else "missed"
        text += f" (RPO {lag_text(svc.rpo_minutes) if svc.rpo_minutes else '0 min'}): {verdict}"
    destroyed = sum(1 for c in svc.copies if c.state == "destroyed")
    if destroyed:
        text += f"; {total - destroyed} of {_copies(total)} {_survive(total)}"
    return f"{svc.id}: {text}"


def restore_sentence(plan: Plan, svc: Service | ServiceRecovery | str, copy_id: str) -> str:
    """Which copy a restore uses: "restore from the Gasan backup, 24 h behind"
    ("..., up to date" for a synchronous copy)."""
    model = _service_of(plan, svc)
    copy = next((c for c in model.data if c.id == copy_id), None) if model else None
    if copy is None:
        return f"restore from copy {copy_id}"
    label = copy_label(plan, model or svc, copy)
    behind = "up to date" if copy.lag_minutes <= 0 else f"{lag_text(copy.lag_minutes)} behind"
    return f"restore from {label}, {behind}"


def failover_test_stale(service: Service, as_of: date, max_age_days: int) -> bool:
    """The untested rule: no test on record, or one more than ``max_age_days`` days
    before ``as_of`` (a test exactly ``max_age_days`` old still counts)."""
    tested = service.failover_tested_on
    return tested is None or (as_of - tested).days > max_age_days


def untested_sentence(plan: Plan, result: RecoveryResult, svc: ServiceRecovery) -> str:
    """One line on an untested failover ("" when ``svc`` has none):
    "talk-text: failover never tested; relied on" /
    "talk-text: failover last tested 2025-01-10, 415 days before 2026-03-01 (limit 365
    days); not used: untested failovers fail in this scenario"."""
    if not svc.failover_untested:
        return ""
    model = _service_of(plan, svc)
    tested = model.failover_tested_on if model is not None else None
    limit = plan.failover_test_max_age_days
    if tested is None:
        what = "failover never tested"
    elif result.as_of is not None:
        age = (result.as_of - tested).days
        what = (
            f"failover last tested {tested.isoformat()}, {age} days before "
            f"{result.as_of.isoformat()} (limit {limit} days)"
        )
    else:
        what = f"failover last tested {tested.isoformat()} (limit {limit} days)"
    if result.untested_failovers_fail:
        how = "not used: untested failovers fail in this scenario"
    elif svc.mode == "failover":
        how = "relied on"
    else:
        how = "not used"
    return f"{svc.id}: {what}; {how}"
