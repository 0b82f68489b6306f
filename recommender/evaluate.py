"""Offline evaluation: the hybrid against a popularity baseline on the same split."""

from __future__ import annotations

import time
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from recommender.config import Config
from recommender.content import ItemInfo
from recommender.data import IdMap, Interaction, Interactions
from recommender.metrics import (
    average_precision_at_k,
    average_precision_over_relevant,
    item_coverage,
    ndcg_at_k,
    precision_at_k,
    recall_at_k,
)
from recommender.splits import split
from recommender.training import as_interactions, fit

METRICS = ("precision", "recall", "ndcg", "map", "map_rel", "coverage")
LEGEND = (
    "map: AP@k over min(|relevant|, k); map_rel: AP@k over |relevant| (the definition of the "
    "published Microsoft Recommenders figures)"
)


@dataclass
class Scores:
    """Mean metrics over the evaluated users, and catalogue coverage."""

    precision: float
    recall: float
    ndcg: float
    map: float  # AP over min(|relevant|, k)
    map_rel: float  # AP over |relevant|
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
    train_users: int = 0
    train_items: int = 0
    test_pairs: int = 0
    cutoff: float | None = None
    cold_users: int = 0
    unknown_pairs: int = 0
    score_seconds: float = 0.0

    def table(self) -> str:
        """A plain-text table, one row per model, with the seed, the split and the settings."""
        header = f"{'model':<12}" + "".join(
            f"{f'{m}@{self.k}' if m != 'coverage' else m:>12}" for m in METRICS
        )
        split = (
            f"split: train {self.train_rows} rows / {self.train_users} users / "
            f"{self.train_items} items; test {self.test_users} users / {self.test_pairs} pairs"
        )
        if self.cutoff is not None:
            when = datetime.fromtimestamp(self.cutoff, UTC).isoformat(timespec="seconds")
            split += (
                f"; cutoff {when} (not scored: {self.cold_users} users new after it, "
                f"{self.unknown_pairs} pairs of items new after it)"
            )
        lines = [
            f"protocol={self.protocol} k={self.k} seed={self.seed} "
            f"({PROTOCOL_NAMES.get(self.protocol, self.protocol)}) "
            f"fit={self.fit_seconds:.1f}s score={self.score_seconds:.1f}s",
            split,
            f"chosen: {chosen_parameters(self.tuning)}",
            header,
        ]
        for name, scores in self.models.items():
            values = "".join(f"{getattr(scores, metric):>12.4f}" for metric in METRICS)
            lines.append(f"{name:<12}{values}")
        lines.append(LEGEND)
        return "\n".join(lines)


PROTOCOL_NAMES = {
    "random": "per-user random 75/25",
    "time": "global time: one cutoff, latest 20% of rows held out",
    "user-time": "per-user time: each user's latest 20%",
}


def chosen_parameters(tuning: dict[str, Any]) -> str:
    """The tuned settings in one line (empty tuning: "untuned")."""
    if not tuning:
        return "untuned"
    parts = [f"validation={tuning.get('protocol')} ({tuning.get('validation_users')} users)"]
    for key in (
        "half_life_days",
        "ease_popularity_exponent",
        "ease_regularisation",
        "ease_penalty",
        "similarity_shrink",
    ):
        if key in tuning:
            parts.append(f"{key}={tuning[key]}")
    parts.append(f"popularity_half_life={tuning.get('popularity_half_life')}")
    weights = tuning.get("weights") or []
    if weights:
        distinct = {tuple(row) for row in weights}
        label = "blend(pop,nbr,fac,content)"
        if len(distinct) == 1:
            parts.append(f"{label}={list(weights[0])}")
        else:
            parts.append(f"{label} per history bucket={[list(row) for row in weights]}")
    return " ".join(parts)


def score_lists(
    lists: Mapping[Hashable, Sequence[Hashable]],
    test: dict[Hashable, set[Hashable]],
    k: int,
    catalogue_size: int,
) -> Scores:
    """Mean P/R/NDCG/MAP@k over users with held-out items, and coverage of the lists."""
    users = [user for user in test if test[user]]
    if not users:
        return Scores(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0)
    columns = np.array(
        [
            [
                precision_at_k(lists.get(u, ()), test[u], k),
                recall_at_k(lists.get(u, ()), test[u], k),
                ndcg_at_k(lists.get(u, ()), test[u], k),
                average_precision_at_k(lists.get(u, ()), test[u], k),
                average_precision_over_relevant(lists.get(u, ()), test[u], k),
            ]
            for u in users
        ]
    ).mean(axis=0)
    coverage = item_coverage((lists.get(u, ())[:k] for u in users), catalogue_size)
    precision, recall, ndcg, average_precision, over_relevant = (float(v) for v in columns)
    return Scores(precision, recall, ndcg, average_precision, over_relevant, coverage, len(users))


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

    Protocols (`recommender.splits.split`): "random" (per user with >= 2 items, a seeded
    random 25% held out), "time" (one global cutoff: the latest 20% of rows held out) and
    "user-time" (per user, the latest 20%). The tuning split inside the training part uses
    the same protocol. Training items are never recommended.
    """
    data = as_interactions(interactions)
    parts = split(data, protocol=protocol, seed=seed)
    config = replace(config or Config(), seed=seed, validation=protocol, tuning_k=k)
    started = time.perf_counter()
    model = fit(parts.train, items=items, config=config)
    fit_seconds = time.perf_counter() - started
    users = [user for user in parts.test if parts.test[user]]
    catalogue = len(set(parts.train.items.tolist()))
    started = time.perf_counter()
    with threadpool_limits(limits=config.threads):
        hybrid = model.rank(users, k)
    baseline = popularity_lists(parts.train, users, k)
    models = {
        "hybrid": score_lists(hybrid, parts.test, k, catalogue),
        "popularity": score_lists(baseline, parts.test, k, catalogue),
    }
    return Evaluation(
        protocol=protocol,
        k=k,
        seed=seed,
        models=models,
        train_rows=len(parts.train),
        test_users=len(users),
        fit_seconds=fit_seconds,
        tuning=model.tuning,
        train_users=len(set(parts.train.users.tolist())),
        train_items=catalogue,
        test_pairs=parts.test_pairs,
        cutoff=parts.cutoff,
        cold_users=parts.cold_users,
        unknown_pairs=parts.unknown_pairs,
        score_seconds=time.perf_counter() - started,
    )
