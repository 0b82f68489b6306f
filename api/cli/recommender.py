"""`shopgraph recommender evaluate` and `train`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from api.cli.common import _with_db
from api.settings import Settings


def cmd_recommender_evaluate(args: argparse.Namespace, settings: Settings) -> int:
    from services.feed.evaluation import evaluate_csv

    path = Path(args.events)
    if not path.exists():
        print(f"error: {path} does not exist", file=sys.stderr)
        return 2
    protocols = {"both": ["random", "time"], "all": ["random", "time", "user-time"]}.get(
        args.protocol, [args.protocol]
    )
    try:
        report = evaluate_csv(
            path=path, protocols=protocols, k=args.k, seed=args.seed, threads=args.threads
        )
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"{path.name}: {report.rows} rows")
    for table in report.tables:
        print()
        print(table)
    return 0


def cmd_recommender_train(args: argparse.Namespace, settings: Settings) -> int:
    from services.feed.training import TrainingBusy, train

    directory = Path(args.model_dir) if args.model_dir else None
    try:
        report = asyncio.run(
            _with_db(settings, lambda: train(directory=directory, progress=not args.quiet))
        )
    except TrainingBusy as busy:
        print(f"skipped: {busy}")
        return 0
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(
        f"published feed model {report.version}: {report.events} events, {report.shoppers} "
        f"shoppers, {report.items} products; read {report.read_seconds:.1f}s, "
        f"fit {report.fit_seconds:.1f}s -> {report.path}"
    )
    return 0
