"""Sentences about components and single points of failure, shared by the CLI report,
the findings, the runbook appendix and the GUI."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from planner.analysis.components import Components
from planner.analysis.cutsets import ServiceCuts
from planner.model.plan import Service

# Smaller components first when one must stand for several ("runs only on rack X").
_GRAIN = {"server": 0, "rack": 1, "domain": 2, "site": 3}


def smallest(components: Components, ids: Sequence[str]) -> str:
    """The finest-grained of ``ids`` (server, then rack, domain, site), then by id."""
    kind = components.kind
    return min(ids, key=lambda c: (_GRAIN.get(kind.get(c, "site"), 9), c))


def placement(components: Components, service: Service, component: str) -> str:
    """How ``component`` holds ``service``: "runs only on rack PG-A01 (pg-a01)", "runs
    only in site ...", "hangs on power domain ... alone", or "goes down with ..."."""
    kind = components.kind.get(component)
    label = components.label(component)
    every = list(dict.fromkeys([*service.servers, *service.standby_servers]))
    if kind == "server":
        return f"runs only on {label}" if every == [component] else f"needs {label}"
    if kind == "rack" and all(components.rack_of.get(s) == component for s in every):
        return f"runs only on {label}"
    if kind == "site" and all(components.site_of.get(s) == component for s in every):
        return f"runs only in {label}"
    if kind == "domain":
        return f"hangs on {label} alone"
    return f"goes down with {label}"


def headline_cut(cuts: ServiceCuts, components: Components) -> str | None:
    """The order-1 restore cut set that best explains a single point of failure: one
    of its own instances' if any, else through the shortest chain; finest grain first."""
    ones = [c[0] for c in cuts.restore if len(c) == 1]
    if not ones:
        return None
    shortest = min(len(cuts.chains.get(c, (cuts.id,))) for c in ones)
    best = [c for c in ones if len(cuts.chains.get(c, (cuts.id,))) == shortest]
    return smallest(components, best)


def single_point_sentence(
    cuts: ServiceCuts, components: Components, services: Mapping[str, Service]
) -> str:
    """ "talk-text -> ops-console, which runs only on rack PG-A01 (pg-a01)", or
    "ops-console runs only on rack PG-A01 (pg-a01)" for its own instances."""
    if () in cuts.restore:
        return f"{cuts.id} needs a restore with nothing failed (too few active instances)"
    where = headline_cut(cuts, components)
    if where is None:
        return ""
    chain = cuts.chains.get(where, (cuts.id,))
    culprit = services.get(chain[-1])
    how = (
        placement(components, culprit, where)
        if culprit is not None
        else f"goes down with {components.label(where)}"
    )
    if len(chain) == 1:
        return f"{cuts.id} {how}"
    return f"{' -> '.join(chain)}, which {how}"
