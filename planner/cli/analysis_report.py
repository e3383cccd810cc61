"""The text report of ``drplanner analyze`` (the JSON one is planner.analysis.to_json)."""

from __future__ import annotations

from collections.abc import Sequence

from planner.analysis import Analysis
from planner.analysis.cutsets import Cut
from planner.analysis.wording import headline_cut, single_point_sentence
from planner.model.clock import clock
from planner.model.plan import Plan

TOP_FAILURES = 15
TOP_LINES = 12


def _tiers(tiers: Sequence[int]) -> str:
    if list(tiers) == list(range(tiers[0], tiers[-1] + 1)) and len(tiers) > 1:
        return f"tiers {tiers[0]}-{tiers[-1]}"
    return ("tier " if len(tiers) == 1 else "tiers ") + ", ".join(map(str, tiers))


def _more(shown: int, total: int) -> list[str]:
    left = total - shown
    return [f"  ... {left} more in --format json"] if left > 0 else []


def _cut(cut: Cut) -> str:
    return " + ".join(cut) if cut else "(nothing: down already)"


def analysis_to_text(analysis: Analysis, plan: Plan) -> str:
    """The report: worst single failures, single points of failure with their chains,
    findings, N-1/N-2 by site, and what one change buys."""
    c = analysis.components
    lines = [
        f"Resilience analysis: {plan.name}",
        f"  cut sets to order {analysis.order} for {_tiers(analysis.tiers)}; failover "
        f"tests as of {analysis.as_of.isoformat()}; {len(plan.sites)} sites, "
        f"{len(plan.domains)} domains, {len(plan.racks)} racks, {len(plan.servers)} servers, "
        f"{len(plan.services)} services",
        "",
    ]
    quiet = ", ".join(
        f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in analysis.unchanged.items()
    )
    listed = analysis.domains
    lines.append(
        f"Worst single failures ({len(listed)} listed"
        + (f"; {quiet} change nothing" if quiet else "")
        + ")"
    )
    lines.append("  impacted  restore  data lost  recovery  RTO misses  worst tier  failure")
    for r in listed[:TOP_FAILURES]:
        tier = "-" if r.worst_tier is None else str(r.worst_tier)
        lines.append(
            f"  {len(r.impacted):>8}  {len(r.restore):>7}  {len(r.data_lost):>9}  "
            f"{clock(r.recovery_minutes):>8}  {len(r.rto_misses):>10}  {tier:>10}  "
            f"{c.label(r.id)}"
        )
    lines += _more(min(len(listed), TOP_FAILURES), len(listed))
    lines.append("")
    tier = {s.id: s.tier for s in plan.services}
    singles = sorted(analysis.single_points, key=lambda sid: tier[sid])  # stable: plan order
    lines.append(
        f"Single points of failure: {len(singles)} of the analysed services have an "
        "order-1 restore cut set"
    )
    by_id = {s.id: s for s in analysis.services}
    services = {s.id: s for s in plan.services}
    for sid in singles[:TOP_LINES]:
        cuts = by_id[sid]
        others = [x[0] for x in cuts.restore if len(x) == 1]
        head = headline_cut(cuts, c)
        rest = [o for o in others if o != head]
        more = f" (also: {', '.join(rest[:6])}{', ...' if len(rest) > 6 else ''})" if rest else ""
        lines.append(f"  {single_point_sentence(cuts, c, services)}{more}")
    lines += _more(min(len(singles), TOP_LINES), len(singles))
    lines.append("")
    lines.append(f"Findings ({len(analysis.findings)})")
    for f in analysis.findings[: TOP_LINES * 2]:
        lines.append(f"  [{f.severity}] {f.kind}: {f.message}")
    lines += _more(min(len(analysis.findings), TOP_LINES * 2), len(analysis.findings))
    lines.append("")
    if analysis.site_n1:
        lines.append("N-1 by site: what one more failure would force to a restore")
        for n in analysis.site_n1:
            still = ", ".join(n.still_single[:8]) + (", ..." if len(n.still_single) > 8 else "")
            lines.append(
                f"  after losing {c.label(n.site)}: {len(n.still_single)} still single"
                + (f" ({still})" if still else "")
                + (
                    f"; no standby left: {', '.join(n.no_standby_left)}"
                    if n.no_standby_left
                    else ""
                )
            )
        for n2 in analysis.site_n2:
            lines.append(
                f"  losing {n2.sites[0]} and {n2.sites[1]}: "
                f"{len(n2.restore)} analysed services need a restore"
            )
        lines.append("")
    lines.append(
        "What one change buys"
        + (f" (worst scenario: {analysis.worst_scenario})" if analysis.worst_scenario else "")
    )
    useful = [w for w in analysis.what_if if w.saved_minutes > 0 or w.saved_critical_minutes > 0]
    for w in useful[:TOP_LINES]:
        lines.append(f"  {w.sentence()}")
    if not useful:
        lines.append("  no single change tried shortens a recovery")
    lines += _more(min(len(useful), TOP_LINES), len(useful))
    return "\n".join(lines) + "\n"
