"""Hypothesis strategies for plans, for round-trip and fuzz tests.

``plans()`` draws sites, racks, servers, pools, services and scenarios whose ids come
from a small shared pool (so that references sometimes resolve, sometimes dangle, and
ids sometimes repeat) mixed with arbitrary text: Korean, quotes, markup, control
characters. The plans are well typed (a file decodes them without type problems) but
need not be semantically valid.

With ``canonical=True`` (the default) every number is already in the form a decoded
plan holds: integral values are ints, floats are non-integral, so ``plan -> file ->
plan`` must give back the very same JSON bytes. With ``canonical=False`` integral floats
(``3.0``, ``-0.0``, ``2.0**29``) appear too, and callers compare canonical forms. Numbers
stay within the format's bounds (``MAX_COUNT``, ``MAX_COORDINATE``; durations are small).
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from planner.model import fields
from planner.model.edits.change import CLASSES
from planner.model.plan import (
    COPY_KINDS,
    MAX_COORDINATE,
    MAX_COUNT,
    DataCopy,
    Plan,
)
from planner.storage.records import COPY_FIELDS, PLAN_KEYS, SPECS

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

ODD_IDS = [
    "서울-DC1",
    "판교 랙 A",
    "웹서버-01",
    "데이터베이스",
    "it's",
    'say "hi"',
    "<b>&</b>",
    "a\\b",
    "tab\there",
    "new\nline",
    "🔥 fire",
    "zero\u200bwidth",
    "NUL\x00inside",
    "'; DROP TABLE servers; --",
    "x",
    "y",
    "1",
    "ord",
    "meta",
]

ODD_TEXT = [*ODD_IDS, "", " ", "장애 복구 계획", "<script>alert(1)</script>", "%s %d {0}"]

# Keys a file may hold that DR Planner does not know: kept as they are.
EXTRA_KEYS = st.one_of(
    st.sampled_from(["vendor", "x-ticket", "담당자", "meta", "ord", "extra", "<b>&</b>"]),
    st.text(min_size=1, max_size=8),
)


# Most ids come from a few shared ones, so that references often resolve and ids
# sometimes repeat; the rest is arbitrary non-blank text.
IDS: st.SearchStrategy[str] = st.one_of(
    st.sampled_from(ODD_IDS[:5]),
    st.sampled_from(ODD_IDS),
    st.text(min_size=1, max_size=12).filter(lambda s: s.strip() != ""),
)
TEXTS: st.SearchStrategy[str] = st.one_of(st.sampled_from(ODD_TEXT), st.text(max_size=20))
# The format bounds whole numbers to MAX_COUNT and layout coordinates to MAX_COORDINATE.
SMALL_INTS: st.SearchStrategy[int] = st.one_of(
    st.integers(-3, 60), st.integers(-MAX_COUNT, MAX_COUNT), st.sampled_from([MAX_COUNT])
)
# Any JSON value: an extra field keeps numbers exactly as written, even 3.0 or 10**30.
JSON_VALUES: st.SearchStrategy[Any] = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        TEXTS,
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXTS, inner, max_size=3)),
    max_leaves=6,
)


def ids() -> st.SearchStrategy[str]:
    """A usable id: any text that is not blank, often one of a few shared ids."""
    return IDS


def texts() -> st.SearchStrategy[str]:
    return TEXTS


def _is_canonical_float(value: float) -> bool:
    return not value.is_integer() or not INT64_MIN < value < 2**63


def numbers(canonical: bool = True) -> st.SearchStrategy[int | float]:
    """A finite JSON number: ints (within int64) and floats, integral or not."""
    finite = st.floats(-MAX_COORDINATE, MAX_COORDINATE, allow_nan=False, allow_infinity=False)
    floats = finite.filter(_is_canonical_float) if canonical else finite
    special = [0.5, -0.25, 1e-300, 5e-324, 1e9 - 0.5, -1e9, float(MAX_COORDINATE)]
    if not canonical:
        special += [3.0, -0.0, 0.0, 2.0**29, 2.0**20 + 0.0, -(2.0**28), 1e9]
    return st.one_of(
        st.integers(-1000, 1000),
        st.integers(-MAX_COORDINATE, MAX_COORDINATE),
        floats,
        st.sampled_from(special),
    )


def durations(canonical: bool = True) -> st.SearchStrategy[int | float]:
    """Minutes: whole or fractional; occasionally negative (a semantic problem only)."""
    fractional = st.floats(0, 10_000, allow_nan=False)
    if canonical:
        fractional = fractional.filter(lambda v: not v.is_integer())
    return st.one_of(st.integers(0, 10_000), fractional, st.sampled_from([0, 0.5, 90, -1]))


def extras(known: set[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Unknown fields of an item (never a name the format knows)."""
    return st.one_of(
        st.just({}),
        st.dictionaries(EXTRA_KEYS.filter(lambda k: k not in known), JSON_VALUES, max_size=3),
    )


def _known(list_name: str) -> set[str]:
    return {spec.name for spec in SPECS[list_name][1]}


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def _type_strategies(canonical: bool) -> dict[str, st.SearchStrategy[Any]]:
    """A strategy for each value type of the field registry (planner.model.fields)."""
    minutes = durations(canonical)
    return {
        "id": IDS,
        "text": TEXTS,
        "optional_text": optional(TEXTS),
        "count": SMALL_INTS,
        "minutes": minutes,
        "optional_minutes": optional(minutes),
        "coordinate": optional(numbers(canonical)),
        "id_list": st.lists(IDS, max_size=3),
        "text_list": st.lists(TEXTS, max_size=3),
        "needs": st.dictionaries(IDS, SMALL_INTS, max_size=2),
        "optional_id": optional(IDS),
        # None ("the same as needs") and {} ("no pool") are different values.
        "optional_needs": optional(st.dictionaries(IDS, SMALL_INTS, max_size=2)),
        "bool": st.booleans(),
        "returns": st.dictionaries(IDS, minutes, max_size=2),
        "optional_date": optional(st.dates()),
        "copies": st.lists(copies(canonical), max_size=3),
    }


def copies(canonical: bool = True) -> st.SearchStrategy[DataCopy]:
    """A data copy: its locations often ids of the plan, its kind now and then one that
    is not a copy kind (a semantic problem only), unknown fields of its own."""
    return st.builds(
        DataCopy,
        id=IDS,
        on=st.lists(IDS, max_size=3),
        lag_minutes=durations(canonical),
        kind=st.one_of(st.sampled_from(COPY_KINDS), st.sampled_from(["tape", ""])),
        notes=optional(TEXTS),
        extra=extras(set(COPY_FIELDS)),
    )


# Fields drawn otherwise than their type: colours look like colours, fewer standbys.
_OVERRIDES: dict[tuple[str, str], st.SearchStrategy[Any]] = {
    ("site", "color"): optional(st.sampled_from(["#ff0000", "red", "hsl(0, 100%, 50%)", ""])),
    ("service", "color"): optional(st.sampled_from(["#00ff00", "blue"])),
    ("service", "standby_servers"): st.lists(IDS, max_size=2),
}


def _field_strategies(kind: str, canonical: bool) -> dict[str, st.SearchStrategy[Any]]:
    by_type = _type_strategies(canonical)
    return {
        f.name: _OVERRIDES.get((kind, f.name), by_type[f.type.name]) for f in fields.fields_of(kind)
    }


def _item_strategies(canonical: bool) -> dict[str, st.SearchStrategy[Any]]:
    """Every field of every kind, drawn by its registry type: a new field is drawn too."""
    return {
        list_name: st.builds(
            CLASSES[kind],
            **_field_strategies(kind, canonical),
            extra=extras(_known(list_name)),
        )
        for kind, list_name in fields.LIST_OF_KIND.items()
    }


_PLAN_KEYS = set(PLAN_KEYS)
_PLANS: dict[tuple[bool, int], st.SearchStrategy[Plan]] = {}


def plans(canonical: bool = True, max_items: int = 4) -> st.SearchStrategy[Plan]:
    """A well-typed plan; references and ids may dangle or repeat."""
    key = (canonical, max_items)
    if key not in _PLANS:
        items = _item_strategies(canonical)
        _PLANS[key] = st.builds(
            Plan,
            **_field_strategies("plan", canonical),
            **{name: st.lists(item, max_size=max_items) for name, item in items.items()},
            extra=extras(_PLAN_KEYS),
        )
    return _PLANS[key]
