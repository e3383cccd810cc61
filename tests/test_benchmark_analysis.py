"""Smoke test of benchmarks/analysis.py on a tiny plan."""

from __future__ import annotations

from benchmarks import analysis


def test_analysis_benchmark_runs_on_a_tiny_plan(capsys: object) -> None:
    table = analysis.main(["--repeats", "1"], racks=8, services=30, dependencies=60)
    names = [k for k, _ in table]
    assert any(k.startswith("(a) analyze order 2") for k in names)
    assert any(k.startswith("(b) blast radius") for k in names)
    assert "growth exponent (a)" in names
    assert all(v for _, v in table)
