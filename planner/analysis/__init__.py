"""Resilience analysis, unprompted: the blast radius of every single failure, minimal
cut sets of order <= 2, N-1 and N-2 by site, typed findings and what one change buys
(docs/analysis.md). Qt-free; built on the engine, never on storage."""

from planner.analysis.blast import AnalysisCancelled, BlastRadius
from planner.analysis.findings import Finding
from planner.analysis.run import Analysis, analyze, to_json

__all__ = ["Analysis", "AnalysisCancelled", "BlastRadius", "Finding", "analyze", "to_json"]
