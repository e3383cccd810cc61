"""The README's table of hostile-input cases per family is the suite's own count."""

from __future__ import annotations

import importlib
import re

from tests.conftest import REPO

FAMILIES = {
    "broken JSON": "test_broken_json",
    "nasty semantics": "test_nasty_semantics",
    "damaged SQLite": "test_damaged_sqlite",
    "PDF text": "test_pdf_text",
    "save faults": "test_save_faults",
    "CLI arguments": "test_cli_arguments",
}


def counts() -> dict[str, int]:
    return {
        family: len(importlib.import_module(f"tests.hostile.{module}").CASES)
        for family, module in FAMILIES.items()
    }


def test_every_family_has_cases_and_the_readme_says_how_many() -> None:
    found = counts()
    assert all(number > 0 for number in found.values()), found
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    listed = {
        family: int(number.replace(",", ""))
        for family, number in re.findall(r"^\| (.+?) \| ([\d,]+) \|", readme, re.MULTILINE)
        if family in FAMILIES
    }
    assert listed == found, f"README says {listed}, the suite has {found}"
    total = re.search(r"^\| \*\*all families\*\* \| \*\*([\d,]+)\*\* \|", readme, re.MULTILINE)
    assert total is not None and int(total.group(1).replace(",", "")) == sum(found.values())
