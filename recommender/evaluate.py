"""Offline evaluation: the hybrid against a popularity baseline on the same split."""

from __future__ import annotations

import time
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from recommender.config import Config
from recommender.content import ItemInfo
from recommender.data import IdMap, Interaction, Interactions
from recommender.metrics import (
    average_precision_at_k,
    item_coverage,
    ndcg_at_k,
    precision_at_k,
    recall_at_k,
)
from recommender.splits import split
from recommender.training import as_interactions, fit

METRICS = ("precision", "recall", "ndcg", "map", "coverage")


@dataclass
class Scores:
    """Mean metrics over the evaluated users, and catalogue coverage."""

    precision: float
    recall: float
    ndcg: float
    map: float
    coverage: float
    users: int


@dataclass
class Evaluation:
    """One protocol's results: `models` maps "hybrid" and "popularity" to their scores."""

    protocol: str
    k: int
    seed: int
    models: dict[str, Scores]
    train_rows: int
    test_users: int
    fit_seconds: float
    tuning: dict[str, Any] = field(default_factory=dict)

    def table(self) -> str:
        """A plain-text table, one row per model."""
        header = f"{'model':<12}" + "".join(
            f"{f'{m}@{self.k}' if m != 'coverage' else m:>12}" for m in METRICS
        )
        lines = [
            f"protocol={self.protocol} k={self.k} seed={self.seed} train_rows={self.train_rows} "
            f"test_users={self.test_users} fit={self.fit_seconds:.1f}s",
            header,
        ]
        for name, scores in self.models.items():
            values = "".join(f"{getattr(scores, metric):>12.4f}" for metric in METRICS)
            lines.append(f"{name:<12}{values}")
        return "\n".join(lines)


def score_lists(
    lists: Mapping[Hashable, Sequence[Hashable]],
    test: dict[Hashable, set[Hashable]],
    k: int,
    catalogue_size: int,
) -> Scores:
    """Mean P/R/NDCG/MAP@k over users with held-out items, and coverage of the lists."""
    users = [user for user in test if test[user]]
    if not users:
        return Scores(0.0, 0.0, 0.0, 0.0, 0.0, 0)
    columns = np.array(
        [
            [
                precision_at_k(lists.get(u, ()), test[u], k),
                recall_at_k(lists.get(u, ()), test[u], k),
                ndcg_at_k(lists.get(u, ()), test[u], k),
                average_precision_at_k(lists.get(u, ()), test[u], k),
            ]
            for u in users
        ]
    ).mean(axis=0)
    coverage = item_coverage((lists.get(u, ())[:k] for u in users), catalogue_size)
    precision, recall, ndcg, average_precision = (float(v) for v in columns)
    return Scores(precision, recall, ndcg, average_precision, coverage, len(users))


def popularity_lists(
    train: Interactions, users: Iterable[Hashable], k: int
) -> dict[Hashable, list[Hashable]]:
    """Most distinct training users first, each user's training items removed."""
    items = IdMap(train.items.tolist())
    user_map = IdMap(train.users.tolist())
    item_index = items.encode(train.items.tolist())
    user_index = user_map.encode(train.users.tolist())
    pairs = np.unique(user_index * len(items) + item_index)
    counts = np.bincount(pairs % len(items), minlength=len(items))
    ranking = np.lexsort((np.arange(len(items)), -counts))
    seen: dict[Hashable, set[Hashable]] = {}
    for user, item in zip(train.users.tolist(), train.items.tolist(), strict=True):
        seen.setdefault(user, set()).add(item)
    ranked_ids = [items.ids[i] for i in ranking.tolist()]
    result: dict[Hashable, list[Hashable]] = {}
    for user in users:
        mine = seen.get(user, set())
        chosen: list[Hashable] = []
        for item in ranked_ids:
            if item not in mine:
                chosen.append(item)
                if len(chosen) == k:
                    break
        result[user] = chosen
    return result


def evaluate(
    interactions: Interactions | Iterable[Interaction | Sequence[Any]],
    protocol: str = "random",
    k: int = 10,
    seed: int = 42,
    *,
    items: Iterable[ItemInfo] | None = None,
    config: Config | None = None,
) -> Evaluation:
    """Split, fit the hybrid on the training part (tuned on a split of it), score both models.

    Protocols: "random" (per user with >= 2 items, a seeded random 25% held out) and "time"
    (per user, the latest 20% held out, at least one). Training items are never recommended.
    """
    data = as_interactions(interactions)
    parts = split(data, protocol=protocol, seed=seed)
    config = replace(config or Config(), seed=seed, validation=protocol, tuning_k=k)
    started = time.perf_counter()
    model = fit(parts.train, items=items, config=config)
    fit_seconds = time.perf_counter() - started
    users = [user for user in parts.test if parts.test[user]]
    catalogue = len(set(parts.train.items.tolist()))
    hybrid = {user: [r.item for r in model.recommend(user, k)] for user in users}
    baseline = popularity_lists(parts.train, users, k)
    return Evaluation(
        protocol=protocol,
        k=k,
        seed=seed,
        models={
            "hybrid": score_lists(hybrid, parts.test, k, catalogue),
            "popularity": score_lists(baseline, parts.test, k, catalogue),
        },
        train_rows=len(parts.train),
        test_users=len(users),
        fit_seconds=fit_seconds,
        tuning=model.tuning,
    )
