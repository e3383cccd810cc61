"""Text and JSON renderings of a recovery result for the command line."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Any

from planner.engine.data import loss_sentence, restore_sentence, untested_sentence
from planner.engine.recovery import OUT_OF_REACH, RecoveryResult, miss_reason_text
from planner.model.clock import clock
from planner.model.plan import Plan
from planner.model.text import printable

# JSON's structure is ASCII, so anything else is inside a string, where \uXXXX means the
# same character to every reader: escape there what printable() escapes for a terminal.
_NOT_PLAIN_ASCII = re.compile(r"[^\x20-\x7e\n]+")


@functools.lru_cache(maxsize=1 << 16)
def hours_minutes(minutes: float | None) -> str:
    """``h:mm`` after the disaster, ``-`` for no value (a 10x plan's table asks 120,000
    times, for far fewer distinct times)."""
    return clock(minutes, "-")


def result_to_json(result: RecoveryResult) -> dict[str, Any]:
    as_of = result.as_of.isoformat() if result.as_of is not None else None
    return {
        "scenario": result.scenario,
        "failed": list(result.failed),
        "objective": result.objective,
        "recovery_minutes": result.recovery_minutes,
        "lower_bound_minutes": result.lower_bound_minutes,
        "proven_optimal": result.proven_optimal,
        "method": result.method,
        "tier_minutes": {str(tier): m for tier, m in result.tier_minutes.items()},
        "declared_after_minutes": result.declared_after_minutes,
        "returns": dict(result.returns),
        "lost": {
            "sites": list(result.impact.lost_sites),
            "racks": list(result.impact.lost_racks),
            "servers": len(result.impact.lost_servers),
            "domains": list(result.impact.lost_domains),
        },
        "services": [
            {
                "id": s.id,
                "name": s.name,
                "tier": s.tier,
                "state": s.state,
                "mode": s.mode,
                "earliest_start": s.earliest_start,
                "released_by": s.released_by,
                "start": s.start,
                "finish": s.finish,
                "recovered": s.recovered,
                "rto_minutes": s.rto_minutes,
                "meets_rto": s.meets_rto,
                "miss_reason": s.miss_reason,
                "recovered_unlimited": s.recovered_unlimited,
                "rpo_minutes": s.rpo_minutes,
                "data_loss_minutes": s.data_loss_minutes,
                "data_lost": s.data_lost,
                "meets_rpo": s.meets_rpo,
                "copies": [{"id": c.id, "state": c.state, "until": c.until} for c in s.copies],
                "restore_from": s.restore_from,
                "failover_untested": s.failover_untested,
            }
            for s in result.services
        ],
        "critical_path": list(result.critical_path),
        "rto_unreachable": [s.id for s in result.services if s.miss_reason in OUT_OF_REACH],
        "data_lost": list(result.data_lost),
        "rpo_misses": list(result.rpo_misses),
        "untested_failovers_fail": result.untested_failovers_fail,
        "as_of": as_of,
    }


def result_to_json_text(
    result: RecoveryResult, ascii_only: bool = False, plan: Plan | None = None
) -> str:
    """The JSON report of a recovery result (see :func:`json_report_text`); with
    ``plan`` it holds "tooling" (:func:`tooling_json`)."""
    value = result_to_json(result)
    if plan is not None:
        value["tooling"] = tooling_json(result, plan)
    return json_report_text(value, ascii_only)


def json_report_text(value: Any, ascii_only: bool = False) -> str:
    """A JSON report, indented; control and bidi characters escaped, everything
    non-ASCII too when ``ascii_only`` (an output that cannot encode it)."""
    text = indented_json(value, ascii_only=ascii_only) + "\n"
    return _NOT_PLAIN_ASCII.sub(_json_escape_unsafe, text)


_SCALARS = frozenset({str, int, float, bool, type(None)})


@functools.cache
def _flat_encoder(depth: int, ascii_only: bool) -> Callable[[Any], str]:
    # The C encoder, writing each item of a list or object on its own indented line.
    separators = (",\n" + "  " * (depth + 1), ": ")
    return json.JSONEncoder(ensure_ascii=ascii_only, separators=separators).encode


def indented_json(value: Any, ascii_only: bool = False) -> str:
    """The text of ``json.dumps(value, ensure_ascii=ascii_only, indent=2)``, mostly
    written by the C encoder: Python writes indented JSON with its pure-Python encoder,
    2.5 times slower on the 30,000 services of a 10x plan's result.

    Each list or object holding only text, numbers, booleans and nulls is one call of
    the C encoder with the line break and indentation as its separator (JSON text never
    holds a raw line break, so a separator cannot be confused with content); the nesting
    around them is written here, and any other value is left to ``json.dumps``.
    """
    string = encode_basestring_ascii if ascii_only else encode_basestring

    def encode(item: Any, depth: int) -> str:
        kind = type(item)
        if kind not in (dict, list, tuple) or not item:
            return json.dumps(item, ensure_ascii=ascii_only, indent=2)
        values = item.values() if kind is dict else item
        inner, close = "\n" + "  " * (depth + 1), "\n" + "  " * depth
        if set(map(type, values)) <= _SCALARS:
            flat = _flat_encoder(depth, ascii_only)(item)
            return flat[0] + inner + flat[1:-1] + close + flat[-1]
        if kind is dict:
            if not all(type(k) is str for k in item):
                raise _NotPlain
            parts = [f"{string(k)}: {encode(v, depth + 1)}" for k, v in item.items()]
            return "{" + inner + ("," + inner).join(parts) + close + "}"
        parts = [encode(v, depth + 1) for v in item]
        return "[" + inner + ("," + inner).join(parts) + close + "]"

    try:
        return encode(value, 0)
    except _NotPlain:
        return json.dumps(value, ensure_ascii=ascii_only, indent=2)


class _NotPlain(Exception):
    """A key that is not text: json.dumps has its own rules for those."""


def _json_escape_unsafe(match: re.Match[str]) -> str:
    run = match.group()
    if printable(run) == run:
        return run
    return "".join(c if printable(c) == c else _json_escape(c) for c in run)


def _json_escape(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # a UTF-16 surrogate pair, as JSON spells characters past U+FFFF
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _time_lines(result: RecoveryResult) -> list[str]:
    """The declaration delay, the returns, and which services wait for a return."""
    lines = []
    if result.declared_after_minutes:
        lines.append(
            f"declared after {hours_minutes(result.declared_after_minutes)}: no recovery task "
            "starts before it, except automatic failovers"
        )
    if result.returns:
        back = ", ".join(
            f"{printable(item)} at {hours_minutes(minutes)}"
            for item, minutes in sorted(result.returns.items(), key=lambda kv: (kv[1], kv[0]))
        )
        lines.append(f"back: {back}")
    waiting = [s for s in result.services if s.released_by is not None]
    if waiting:
        lines.append("waiting for a return (power, room) before restarting in place:")
        for s in sorted(waiting, key=lambda s: (s.earliest_start or 0, s.id)):
            lines.append(
                f"  {printable(s.id)} until {hours_minutes(s.earliest_start)} "
                f"({printable(s.released_by or '')} back)"
            )
    return lines


def _data_lines(result: RecoveryResult, plan: Plan) -> list[str]:
    """The "Data" block: data lost for good first, in words a manager reads, then the
    RPO misses, the loss of every service with copies, and untested failovers. Empty
    when the plan says nothing about data (no copies, no RPO, no untested failover)."""
    with_copies = [s for s in result.services if s.copies]
    rpo_only = [s for s in result.services if s.rpo_minutes is not None and not s.copies]
    untested = [s for s in result.services if s.failover_untested]
    if not (with_copies or rpo_only or untested):
        return []
    lines = ["", "Data:"]
    lost = [s for s in with_copies if s.data_lost]
    if lost:
        names = ", ".join(printable(s.id) for s in lost)
        lines.append(f"  DATA LOST FOR GOOD: {len(lost)} service{'s' * (len(lost) != 1)} ({names})")
        for s in lost:
            line = loss_sentence(plan, result, s)
            if s.mode == "restore":
                line += "; rebuilt empty, no copy to restore from"
            lines.append(f"    {printable(line)}")
    misses = list(result.rpo_misses)
    lines.append(
        f"  RPO misses: {len(misses)}"
        + (f" ({', '.join(map(printable, misses))})" if misses else "")
    )
    kept = [s for s in with_copies if not s.data_lost]
    if kept:
        lines.append("  loss per service:")
        for s in kept:
            line = loss_sentence(plan, result, s)
            if s.restore_from is not None:
                line += f"; {restore_sentence(plan, s, s.restore_from)}"
            lines.append(f"    {printable(line)}")
    if rpo_only:
        names = ", ".join(printable(s.id) for s in rpo_only)
        lines.append(f"  RPO set but no data copies recorded: {names}")
    if untested:
        as_of = f", as of {result.as_of.isoformat()}" if result.as_of else ""
        rule = "fail in this scenario" if result.untested_failovers_fail else "still used"
        lines.append(
            f"  untested failovers (no test within {plan.failover_test_max_age_days} days"
            f"{as_of}; {rule}):"
        )
        lines.extend(f"    {printable(untested_sentence(plan, result, s))}" for s in untested)
    return lines


def _tooling_lines(result: RecoveryResult, plan: Plan) -> list[str]:
    """The "Recovery tooling" block: the tooling the scenario takes down and the steps
    that need it (empty when it takes none down)."""
    from planner.analysis.findings import is_tooling, steps_needing_tooling

    steps = steps_needing_tooling(plan, result)
    tools = {s.id for s in plan.services if is_tooling(s)}
    down = [s for s in result.services if s.id in tools and s.state != "unaffected"]
    if not down:
        return []
    lines = ["", "Recovery tooling taken down:"]
    lines += [f"  {printable(s.id)}: back at {hours_minutes(s.recovered)}" for s in down]
    if steps:
        lines.append(f"  {len(steps)} recovery step{'s' if len(steps) != 1 else ''} need it:")
        lines += [
            f"    {printable(sid)} needs {', '.join(map(printable, needed))}"
            for sid, needed in steps.items()
        ]
    return lines


def tooling_json(result: RecoveryResult, plan: Plan) -> dict[str, Any]:
    """``{"down": [tooling ids], "steps": {step: [tooling ids it needs]}}``."""
    from planner.analysis.findings import is_tooling, steps_needing_tooling

    tools = {s.id for s in plan.services if is_tooling(s)}
    return {
        "down": [s.id for s in result.services if s.id in tools and s.state != "unaffected"],
        "steps": {k: list(v) for k, v in steps_needing_tooling(plan, result).items()},
    }


def result_to_text(result: RecoveryResult, plan_name: str, plan: Plan | None = None) -> str:
    """The text report; with ``plan`` it ends with the "Data" block (see _data_lines)."""
    # Names and ids come from the plan: escaped before the table measures them.
    lines: list[str] = []
    title = f"scenario '{printable(result.scenario)}'" if result.scenario else "ad-hoc scenario"
    failed = ", ".join(map(printable, result.failed)) or "nothing"
    lines.append(f"{printable(plan_name)}: {title}, failed: {failed}")
    impact = result.impact
    lost = (
        (len(impact.lost_sites), "site"),
        (len(impact.lost_racks), "rack"),
        (len(impact.lost_servers), "server"),
    )
    if impact.lost_domains:
        lost += ((len(impact.lost_domains), "domain"),)
    lines.append("lost: " + ", ".join(f"{n} {word}{'s' if n != 1 else ''}" for n, word in lost))
    lines.extend(_time_lines(result))
    gap = result.recovery_minutes - result.lower_bound_minutes
    if result.proven_optimal or gap <= 0:
        quality = "optimal: it equals the lower bound" if gap <= 0 else "proven optimal"
    else:
        quality = f"at most {gap:g} min above the best possible"
    bound = result.lower_bound_minutes
    lines.append(
        f"recovery time {hours_minutes(result.recovery_minutes)} "
        f"({result.recovery_minutes:g} min); lower bound {hours_minutes(bound)} "
        f"({quality}; {result.method})"
    )
    tiers = ", ".join(f"tier {t} {hours_minutes(m)}" for t, m in result.tier_minutes.items())
    lines.append(f"by tier: {tiers}")
    misses = result.rto_misses
    lines.append(
        f"RTO misses: {len(misses)}"
        + (f" ({', '.join(printable(s.id) for s in misses)})" if misses else "")
    )
    unreachable = [printable(s.id) for s in result.services if s.miss_reason in OUT_OF_REACH]
    if unreachable:
        lines.append(f"RTO out of reach even with unlimited crews: {', '.join(unreachable)}")
    lines.append(f"critical path: {' -> '.join(map(printable, result.critical_path)) or '-'}")
    lines.append("")
    rows = [("service", "tier", "state", "start", "finish", "recovered", "RTO", "met")]
    order = sorted(result.services, key=lambda s: (s.recovered, s.start is None, s.id))
    for s in order:
        met = "-" if s.meets_rto is None else "yes" if s.meets_rto else "NO"
        if s.meets_rto is False and s.miss_reason:
            met += f" ({miss_reason_text(s)})"
        rows.append(
            (
                printable(s.id),
                str(s.tier),
                s.state,
                hours_minutes(s.start),
                hours_minutes(s.finish),
                hours_minutes(s.recovered),
                hours_minutes(s.rto_minutes),
                met,
            )
        )
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [
            cell.rjust(w) for cell, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    if plan is not None:
        lines.extend(_data_lines(result, plan))
        lines.extend(_tooling_lines(result, plan))
    lines.append("")
    lines.append("times are h:mm after the disaster")
    return "\n".join(lines) + "\n"
