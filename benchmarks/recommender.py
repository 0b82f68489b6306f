"""Recommender benchmark: fit time and per-user scoring latency on synthetic data.

Default size: 10,000 items, 50,000 users, 1,000,000 interactions (latent-factor synthetic data
with popularity skew). Prints fit time (with validation tuning, which fits twice) and p50 / p99
of scoring every item for one user, and of a full `recommend(k=10)` call; with `--evaluate`,
the wall time of `evaluate` under the random and the global time protocol too.

    .venv/bin/python -m benchmarks.recommender [--users 50000 --items 10000 --interactions 1000000]
        [--threads 1] [--evaluate]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from recommender import Config, evaluate, fit
from recommender.synthetic import generate

FIT_FLOOR_SECONDS = 60.0
EVALUATE_FLOOR_SECONDS = 90.0


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--factors", type=int, default=32, help="SVD factors at this scale")
    parser.add_argument("--epochs", type=int, default=10, help="SVD epochs at this scale")
    parser.add_argument(
        "--max-ratings", type=int, default=2_000_000, help="positives + sampled negatives cap"
    )
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (0: all)")
    parser.add_argument("--evaluate", action="store_true", help="also time `evaluate`")
    args = parser.parse_args()
    threads = args.threads or None

    started = time.perf_counter()
    data = generate(
        users=args.users,
        items=args.items,
        interactions=args.interactions,
        min_per_user=5,
        events=True,
        seed=1,
    ).interactions
    print(
        f"data: {len(data):,} interactions, {args.users:,} users, {args.items:,} items "
        f"(generated in {time.perf_counter() - started:.1f}s)"
    )
    config = Config(
        factors=args.factors,
        epochs=args.epochs,
        max_training_ratings=args.max_ratings,
        threads=threads,
    )
    started = time.perf_counter()
    model = fit(data, config=config)
    fit_seconds = time.perf_counter() - started
    print(
        f"fit: {fit_seconds:.1f}s (floor < {FIT_FLOOR_SECONDS:.0f}s; {threads or 'all'} BLAS "
        f"threads; tuned on a validation split, so components are built twice; "
        f"SVD {args.factors} factors x {args.epochs} epochs, <= {args.max_ratings:,} ratings)"
    )
    if args.evaluate:
        for protocol in ("random", "time"):
            started = time.perf_counter()
            result = evaluate(data, protocol=protocol, config=config)
            print(
                f"evaluate {protocol}: {time.perf_counter() - started:.1f}s "
                f"(floor < {EVALUATE_FLOOR_SECONDS:.0f}s; fit {result.fit_seconds:.1f}s, "
                f"scoring {result.score_seconds:.1f}s)"
            )

    rng = np.random.default_rng(0)
    users = [model.users.ids[i] for i in rng.integers(0, len(model.users), args.requests)]
    for user in users[:50]:  # warm up
        model.scores(user)
    scoring: list[float] = []
    for user in users:
        begin = time.perf_counter()
        model.scores(user)
        scoring.append((time.perf_counter() - begin) * 1000)
    recommending: list[float] = []
    for user in users:
        begin = time.perf_counter()
        model.recommend(user, 10)
        recommending.append((time.perf_counter() - begin) * 1000)
    for name, samples in (("score all items", scoring), ("recommend k=10", recommending)):
        p50, p99 = _percentiles(samples)
        print(f"{name:<16} p50 {p50:.3f} ms   p99 {p99:.3f} ms   ({len(samples)} users)")


if __name__ == "__main__":
    main()
