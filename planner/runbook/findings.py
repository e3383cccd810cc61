"""The runbook's optional "Resilience findings" appendix (``--with-findings``).

It prints what :func:`planner.analysis.analyze` found, so the paper plan carries its own
warnings: the findings ranked, the worst single failures, the single points of failure
with their chains, each site at N-1, and what one change buys. Every name and message
comes from the plan, so it is untrusted text and goes through
:func:`planner.runbook.fonts.markup` like the rest of the runbook.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportlab.platypus import Flowable, Spacer

from planner.analysis.run import Analysis
from planner.model.clock import clock
from planner.runbook.fonts import markup, short

if TYPE_CHECKING:
    from planner.runbook.story import _Ctx

WORST_ROWS = 10
WHAT_IF_ROWS = 10
FINDING_ROWS = 60
SINGLE_POINT_ROWS = 40
LISTED_NAMES = 8  # services named in a cell before "and N more"
MESSAGE_CHARS = 600

SEVERITY_COLOUR = {
    "critical": "#b00000",
    "high": "#c05800",
    "medium": "#8a6d00",
    "low": "#555555",
}


def badge(severity: str) -> str:
    colour = SEVERITY_COLOUR.get(severity, "#555555")
    return f"<font color='{colour}'><b>{markup(severity.upper())}</b></font>"


def _names(ctx: _Ctx, ids: tuple[str, ...] | list[str], limit: int = LISTED_NAMES) -> str:
    shown = ", ".join(ctx.name(i) for i in ids[:limit])
    more = len(ids) - limit
    return f"{shown} and {more} more" if more > 0 else shown


def findings_appendix(ctx: _Ctx, analysis: Analysis) -> list[Flowable]:
    out: list[Flowable] = [ctx.heading("Resilience findings", "findings")]
    tiers = ", ".join(str(t) for t in analysis.tiers)
    out.append(
        ctx.p(
            "What the resilience analysis of this plan finds, every single failure and "
            f"pair of failures considered (cut sets of order &lt;= {analysis.order} for "
            f"tiers {tiers}), without being asked; not only this runbook's scenario.",
            "body",
        )
    )
    out += _findings(ctx, analysis)
    out += _worst(ctx, analysis)
    out += _single_points(ctx, analysis)
    out += _site_n1(ctx, analysis)
    out += _what_if(ctx, analysis)
    return out


def _findings(ctx: _Ctx, analysis: Analysis) -> list[Flowable]:
    out = ctx.h2("Findings, worst first")
    found = analysis.findings
    if not found:
        return [*out, ctx.p("No findings.", "body")]
    w = ctx.width
    rows: list[list[object]] = [ctx.header_row("#", "Severity", "Finding")]
    for n, f in enumerate(found[:FINDING_ROWS], start=1):
        rows.append(
            [
                ctx.p(str(n), "cell"),
                ctx.p(badge(f.severity), "cell"),
                ctx.p(markup(short(f.message, MESSAGE_CHARS)), "cell"),
            ]
        )
    out.append(ctx.table(rows, [24, 62, w - 86]))
    if len(found) > FINDING_ROWS:
        out.append(ctx.p(f"{len(found) - FINDING_ROWS} more findings not shown.", "small"))
    return out


def _worst(ctx: _Ctx, analysis: Analysis) -> list[Flowable]:
    out = ctx.h2("Worst single failures")
    listed = [r for r in analysis.domains if r.changes_anything][:WORST_ROWS]
    if not listed:
        return [*out, ctx.p("No single failure impacts any service.", "body")]
    w = ctx.width
    rows: list[list[object]] = [
        ctx.header_row("Failure", "Impacted", "Restore", "Data lost", "Recovery", "RTO misses")
    ]
    for r in listed:
        rows.append(
            [
                ctx.p(markup(short(analysis.components.label(r.id), 160)), "cell"),
                ctx.p(str(len(r.impacted)), "cell"),
                ctx.p(str(len(r.restore)), "cell"),
                ctx.p(str(len(r.data_lost)), "cell"),
                ctx.p(clock(r.recovery_minutes), "cell"),
                ctx.p(_names(ctx, r.rto_misses, 4) or "-", "cell"),
            ]
        )
    out.append(ctx.table(rows, [w - 52 * 4 - 140, 52, 52, 52, 52, 140]))
    counted = ", ".join(f"{n} {kind}s" for kind, n in sorted(analysis.unchanged.items()))
    if counted:
        out.append(ctx.p(f"Failures that change nothing (not listed): {counted}.", "small"))
    return out


def _single_points(ctx: _Ctx, analysis: Analysis) -> list[Flowable]:
    out = ctx.h2("Single points of failure")
    single = analysis.single_points
    if not single:
        return [
            *out,
            ctx.p("No analysed service has a single failure that forces its restore.", "body"),
        ]
    for sid in single[:SINGLE_POINT_ROWS]:
        cuts = analysis.cuts(sid)
        singles = [c for c in cuts.restore if len(c) == 1] if cuts is not None else []
        components = [next(iter(c)) for c in singles]
        labels = [markup(short(analysis.components.label(c), 120)) for c in components]
        text = f"<b>{ctx.name(sid)}</b>: forced to a restore by the loss of any one of "
        text += ", ".join(labels[:4]) + (f" and {len(labels) - 4} more" if len(labels) > 4 else "")
        # The longest chain explains most: the redundancy that a dependency undoes.
        chains = [(cuts.chains.get(c, (sid,)), c) for c in components] if cuts else []
        if chains:
            chain, component = max(chains, key=lambda x: len(x[0]))
            if len(chain) > 1:
                path = " -&gt; ".join(ctx.name(x) for x in chain)
                label = markup(short(analysis.components.label(component), 120))
                text += f".<br/>&nbsp;&nbsp;Through: {path} (lost with {label})"
        out.append(ctx.p(text + ".", "cell"))
        out.append(Spacer(1, 3))
    if len(single) > SINGLE_POINT_ROWS:
        out.append(ctx.p(f"{len(single) - SINGLE_POINT_ROWS} more not shown.", "small"))
    return out


def _site_n1(ctx: _Ctx, analysis: Analysis) -> list[Flowable]:
    out = ctx.h2("Each site lost (N-1)")
    if not analysis.site_n1:
        return [*out, ctx.p("The plan has no sites.", "body")]
    for n1 in analysis.site_n1:
        site = markup(short(analysis.components.label(n1.site), 160))
        if not n1.still_single and not n1.no_standby_left:
            text = f"After losing {site}: no service has a single point of failure left."
        else:
            parts = []
            if n1.still_single:
                parts.append(
                    f"{len(n1.still_single)} services one more failure forces to a restore "
                    f"({_names(ctx, n1.still_single)})"
                )
            if n1.no_standby_left:
                parts.append(
                    f"{len(n1.no_standby_left)} tier 0-1 services with no standby left "
                    f"({_names(ctx, n1.no_standby_left)})"
                )
            text = f"After losing {site}: " + "; ".join(parts) + "."
        out.append(ctx.p(text, "body"))
    return out


def _what_if(ctx: _Ctx, analysis: Analysis) -> list[Flowable]:
    out = ctx.h2("What one change buys")
    changes = analysis.what_if[:WHAT_IF_ROWS]
    if not changes:
        return [*out, ctx.p("No change measured.", "body")]
    for n, change in enumerate(changes, start=1):
        out.append(ctx.p(f"{n}. {markup(short(change.sentence(), MESSAGE_CHARS))}", "body"))
    return out
