"""Offline evaluation of the feed model against popularity, from an interactions CSV."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from recommender import Config, Interactions, evaluate


@dataclass
class EvaluationReport:
    rows: int
    tables: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def evaluate_csv(
    *, path: Path, protocols: list[str], k: int, seed: int, threads: int | None = 1
) -> EvaluationReport:
    """Hybrid vs popularity per protocol; raises ValueError for a malformed file."""
    data = Interactions.from_csv(path)
    report = EvaluationReport(rows=len(data))
    chosen = list(protocols)
    timed = [protocol for protocol in chosen if protocol != "random"]
    if timed and not data.has_timestamps:
        report.notes.append(
            f"no timestamp on every row, so {' and '.join(timed)} protocol(s) skipped"
        )
        chosen = [protocol for protocol in chosen if protocol == "random"]
    config = Config(threads=threads)
    for protocol in chosen:
        result = evaluate(data, protocol=protocol, k=k, seed=seed, config=config)
        report.tables.append(result.table())
    return report
