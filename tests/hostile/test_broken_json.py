"""Hostile input, family "broken JSON": JSON plans broken in every way a file can be.

Truncated text, a wrong type at every field of every kind, repeated keys, NaN and
Infinity, numbers past every bound, deep nesting, byte-order marks, text that is not
UTF-8, empty and huge files, and paths that are not files at all (a named pipe, links to
/dev/zero and /dev/urandom, a folder). Each case runs every reading command
(:func:`tests.hostile.commands.run_every_reader`): exit 0 or 2, one clear line, no
traceback, no hang, the file unchanged.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from planner.storage import plan_to_json
from planner.storage.files import MAX_PLAN_BYTES
from planner.storage.records import SPECS
from tests.hostile.commands import run_every_reader, sample_plan

BASE_TEXT = plan_to_json(sample_plan())
BASE: dict[str, Any] = json.loads(BASE_TEXT)


@dataclass(frozen=True)
class Case:
    id: str
    make: Callable[[Path], Path]  # writes the hostile file into a folder, returns its path
    process: bool = False  # a pipe or a device: each command in its own process
    expect: str = "behaves"  # or "refused" (every command exits 2), "invalid" (validate does)


def _bytes(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return make


def _document(data: Any, name: str = "plan.json") -> Callable[[Path], Path]:
    return _bytes(name, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def _changed(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    document = copy.deepcopy(BASE)
    target: Any = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return document


def _deep(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = [value]
    return value


# ------------------------------------------------------------------- the table


def _refused(cases: list[Case]) -> list[Case]:
    return [Case(c.id, c.make, c.process, "refused") for c in cases]


def _truncated() -> list[Case]:
    data = BASE_TEXT.encode("utf-8")
    cuts = sorted({1, 2, 10, 37, len(data) // 3, len(data) // 2, len(data) - 2, len(data) - 1})
    cuts += [len(data) * k // 12 for k in range(1, 12)]
    # Cutting the final newline leaves valid JSON; every shorter cut must be refused.
    return [
        Case(f"truncated-at-{n}", _bytes("plan.json", data[:n]), expect="refused")
        for n in sorted(set(cuts))
        if n < len(data) - 1
    ]


# A value of another type for each kind of field, and one that is wrong in any field.
_WRONG = {"text": 7, "number": "ten", "list": "not a list", "object": [1], "any": {"k": [None]}}


def _wrong_types() -> list[Case]:
    cases = []
    for list_name, (_, specs) in SPECS.items():
        for spec in specs:
            current = BASE[list_name][0].get(spec.name)
            kind = (
                "list"
                if isinstance(current, list)
                else "object"
                if isinstance(current, dict)
                else "number"
                if isinstance(current, int | float)
                else "text"
            )
            for label in (kind, "any"):
                value = _WRONG[label]
                path = (list_name, 0, spec.name)
                cases.append(
                    Case(f"{list_name}-{spec.name}-{label}", _document(_changed(path, value)))
                )
            cases.append(Case(f"{list_name}-{spec.name}-bool", _document(_changed(path, True))))
        cases.append(Case(f"{list_name}-item-not-object", _document(_changed((list_name, 0), 3))))
        cases.append(Case(f"{list_name}-not-a-list", _document(_changed((list_name,), {}))))
    for key, value in [("name", 5), ("notes", []), ("format", "other"), ("version", 1.5)]:
        cases.append(Case(f"top-{key}-wrong", _document(_changed((key,), value))))
    for top in ("null", "[]", '"plan"', "3", "true", "{}"):
        cases.append(Case(f"top-level-{top}", _bytes("plan.json", top.encode())))
    return cases


def _repeated_keys() -> list[Case]:
    text = BASE_TEXT
    return _refused(
        [
            Case(
                "repeated-top-key",
                _bytes("plan.json", text.replace('"name":', '"name": "a", "name":', 1).encode()),
            ),
            Case(
                "repeated-item-key",
                _bytes(
                    "plan.json",
                    text.replace('"id": "pangyo"', '"id": "pangyo", "id": "x"').encode(),
                ),
            ),
            Case(
                "repeated-needs-key",
                _bytes("plan.json", text.replace('"crew": 1', '"crew": 1, "crew": 2').encode()),
            ),
            Case(
                "repeated-unknown-key",
                _bytes("plan.json", text.replace('"rev": 3', '"rev": 3, "rev": 4').encode()),
            ),
        ]
    )


def _constants() -> list[Case]:
    cases = []
    for word in ("NaN", "Infinity", "-Infinity", "1e999", "-1e999"):
        for where, old in [
            ("restore", '"restore_minutes": 30'),
            ("x", '"x": 10'),
            ("unknown", '"rev": 3'),
        ]:
            key = old.split(":")[0]
            text = BASE_TEXT.replace(old, f"{key}: {word}", 1)
            cases.append(Case(f"{word}-in-{where}", _bytes("plan.json", text.encode())))
    return _refused(cases)


_NUMERIC = [
    ("services", "restore_minutes"),
    ("services", "rto_minutes"),
    ("services", "failover_minutes"),
    ("services", "tier"),
    ("services", "min_instances"),
    ("racks", "units"),
    ("servers", "position"),
    ("servers", "height"),
    ("pools", "capacity"),
    ("sites", "x"),
    ("sites", "width"),
    ("services", "y"),
]


def _huge_numbers() -> list[Case]:
    cases = []
    for list_name, field in _NUMERIC:
        for label, value in [("1e308", 1e308), ("-1e308", -1e308), ("10e400", 10**400)]:
            document = _changed((list_name, 0, field), value)
            cases.append(Case(f"{list_name}-{field}-{label}", _document(document)))
    chained = _changed(("services", 0, "restore_minutes"), 1e308)
    chained["services"][0]["failover_minutes"] = None  # so that db restores, then web
    chained["services"][1]["restore_minutes"] = 1e308
    cases.append(Case("two-chained-1e308-restores", _document(chained)))
    needs = _changed(("services", 0, "needs"), {"crew": 10**30})
    cases.append(Case("needs-10e30", _document(needs)))
    return [Case(c.id, c.make, expect="invalid") for c in cases]


def _nesting() -> list[Case]:
    cases = []
    # Up to what the parser takes, a problem naming the item; past it, the file is refused.
    for levels in (33, 200, 900, 990, 5000, 100_000):
        document = _changed(("services", 0, "x-deep"), _deep(levels))
        expect = "invalid" if levels < 990 else "refused"
        cases.append(
            Case(f"unknown-field-{levels}-deep", _document_text(document, levels), expect=expect)
        )
    for levels in (40, 900):
        cases.append(
            Case(
                f"plan-unknown-{levels}-deep",
                _document_text(_changed(("x-deep",), _deep(levels)), levels),
                expect="invalid",
            )
        )
    whole = b"[" * 100_000 + b"]" * 100_000
    objects = b'{"a":' * 50_000 + b"1" + b"}" * 50_000
    cases.append(Case("whole-file-nested", _bytes("plan.json", whole), expect="refused"))
    cases.append(Case("object-nested", _bytes("plan.json", objects), expect="refused"))
    return cases


def _document_text(document: dict[str, Any], levels: int) -> Callable[[Path], Path]:
    # json.dumps itself recurses: write the deep value by hand past its limit.
    marker = "__DEEP__"
    text = json.dumps(_replace_deep(document, marker))
    text = text.replace(f'"{marker}"', "[" * levels + "1" + "]" * levels)
    return _bytes("plan.json", text.encode())


def _replace_deep(document: dict[str, Any], marker: str) -> dict[str, Any]:
    done = copy.copy(document)
    if "x-deep" in done:
        done["x-deep"] = marker
    done["services"] = [
        {**s, "x-deep": marker} if "x-deep" in s else s for s in document["services"]
    ]
    return done


def _encodings() -> list[Case]:
    text = BASE_TEXT
    return [
        Case("utf8-bom", _bytes("plan.json", b"\xef\xbb\xbf" + text.encode("utf-8"))),
        Case("utf8-bom-no-suffix", _bytes("plan", b"\xef\xbb\xbf" + text.encode("utf-8"))),
        *_refused(
            [
                Case("utf16-le-bom", _bytes("plan.json", text.encode("utf-16"))),
                Case("utf16-be", _bytes("plan.json", text.encode("utf-16-be"))),
                Case("utf32", _bytes("plan.json", text.encode("utf-32"))),
                Case(
                    "latin1-name",
                    _bytes(
                        "plan.json",
                        text.replace("판교 sample", "Café").encode("latin-1", "replace"),
                    ),
                ),
                Case(
                    "invalid-utf8-byte",
                    _bytes("plan.json", text.encode("utf-8").replace(b"sample", b"s\xffmple")),
                ),
                Case(
                    "overlong-utf8",
                    _bytes("plan.json", text.encode("utf-8").replace(b"sample", b"s\xc0\xafmple")),
                ),
                Case(
                    "lone-surrogate-escape",
                    _bytes("plan.json", text.replace("sample", "\\ud800").encode()),
                ),
                Case(
                    "nul-bytes", _bytes("plan.json", text.encode().replace(b"sample", b"s\x00mple"))
                ),
                Case("bom-only", _bytes("plan.json", b"\xef\xbb\xbf")),
            ]
        ),
    ]


def _files() -> list[Case]:
    def sparse(name: str) -> Callable[[Path], Path]:
        def make(folder: Path) -> Path:
            path = folder / name
            with path.open("wb") as handle:
                handle.write(BASE_TEXT.encode()[:-3])
                handle.truncate(MAX_PLAN_BYTES + 1)
            return path

        return make

    def fifo(name: str) -> Callable[[Path], Path]:
        def make(folder: Path) -> Path:
            path = folder / name
            os.mkfifo(path)
            return path

        return make

    def link(name: str, target: str) -> Callable[[Path], Path]:
        def make(folder: Path) -> Path:
            path = folder / name
            path.symlink_to(target)
            return path

        return make

    def folder_named(name: str) -> Callable[[Path], Path]:
        def make(folder: Path) -> Path:
            path = folder / name
            path.mkdir()
            return path

        return make

    cases = [
        Case("empty.json", _bytes("plan.json", b"")),
        Case("empty-no-suffix", _bytes("plan", b"")),
        Case("whitespace-only", _bytes("plan.json", b" \n\t\n")),
        Case("huge-sparse.json", sparse("huge.json")),
        Case("huge-sparse-no-suffix", sparse("huge")),
        Case("folder.json", folder_named("plan.json")),
        Case("broken-symlink", link("plan.json", "/nonexistent/plan.json")),
        Case("self-symlink", link("loop.json", "loop.json")),
    ]
    for name in ("plan.json", "plan.drplan", "plan"):
        cases.append(Case(f"fifo-{name}", fifo(name), process=True))
    for device in ("/dev/zero", "/dev/urandom"):
        for name in ("plan.json", "plan"):
            cases.append(Case(f"link-to-{device[5:]}-{name}", link(name, device), process=True))
    return _refused(cases)


CASES: list[Case] = [
    *_truncated(),
    *_wrong_types(),
    *_repeated_keys(),
    *_constants(),
    *_huge_numbers(),
    *_nesting(),
    *_encodings(),
    *_files(),
]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_broken_json(tmp_path: Path, case: Case) -> None:
    path = case.make(tmp_path)
    outcomes = run_every_reader(path, tmp_path / "out", process=case.process)
    if case.expect == "refused":
        assert [o.code for o in outcomes] == [2] * len(outcomes), outcomes[0].err
    elif case.expect == "invalid":
        assert outcomes[0].code == 2 and outcomes[0].out == "", outcomes[0]
