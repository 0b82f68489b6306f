"""Offline evaluation of the feed model against popularity, from an interactions CSV."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from recommender import Interactions, evaluate


@dataclass
class EvaluationReport:
    rows: int
    tables: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def evaluate_csv(*, path: Path, protocols: list[str], k: int, seed: int) -> EvaluationReport:
    """Hybrid vs popularity per protocol; raises ValueError for a malformed file."""
    data = Interactions.from_csv(path)
    report = EvaluationReport(rows=len(data))
    chosen = list(protocols)
    if "time" in chosen and not data.has_timestamps:
        report.notes.append("no timestamp on every row, so the time protocol is skipped")
        chosen.remove("time")
    for protocol in chosen:
        report.tables.append(evaluate(data, protocol=protocol, k=k, seed=seed).table())
    return report
