"""`fit`: build every component, tune the blend on a validation split carved from training."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

from recommender import factors as factor_model
from recommender import neighbours as neighbour_lists
from recommender.components import ease_source, neighbour_lists_for, popularity_vector
from recommender.config import Config
from recommender.content import ItemInfo, build_features
from recommender.data import (
    SECONDS_PER_DAY,
    IdMap,
    Interaction,
    Interactions,
    decay,
    event_weights,
    reference_time,
    weighted_matrix,
)
from recommender.hybrid import (
    Blend,
)
from recommender.model import Model
from recommender.neighbours import Neighbours
from recommender.splits import split
from recommender.tuning import TUNED_SETTINGS, tune_on_validation


def as_interactions(data: Interactions | Iterable[Interaction | Sequence[Any]]) -> Interactions:
    """Accept `Interactions` or any iterable of records."""
    return data if isinstance(data, Interactions) else Interactions.from_records(data)


def fit(
    interactions: Interactions | Iterable[Interaction | Sequence[Any]],
    items: Iterable[ItemInfo] | None = None,
    config: Config | None = None,
) -> Model:
    """Fit the hybrid model; with `config.tune`, blend weights come from a validation split.

    BLAS uses `config.threads` threads meanwhile (None: the library's default).
    """
    config = config or Config()
    with threadpool_limits(limits=config.threads):
        return _fit(as_interactions(interactions), list(items or ()), config)


def _fit(data: Interactions, infos: list[ItemInfo], config: Config) -> Model:
    if len(data) == 0:
        raise ValueError("cannot fit on no interactions")
    blend: Blend | None = None
    half_life = config.trending_half_lives[0] if config.trending_half_lives else None
    report: dict[str, Any] = {}
    if config.tune:
        protocol = config.validation if data.has_timestamps else "random"
        parts = split(
            data, protocol=protocol, seed=config.seed, test_fraction=config.validation_fraction
        )
        if parts.test and len(parts.train):
            # the inner neighbours are built per candidate setting while tuning
            inner = build(parts.train, infos, config, popularity_half_life=None, neighbours=False)
            blend, half_life, report = tune_on_validation(inner, parts.train, parts.test, config)
            report["protocol"] = protocol
            tuned = {key: report[key] for key in TUNED_SETTINGS if key in report}
            config = replace(config, **tuned)
    model = build(data, infos, config, popularity_half_life=half_life)
    model.blend = blend or Blend.uniform(config.activity_buckets, model.available)
    model.tuning = report
    return model


def build(
    data: Interactions,
    infos: Sequence[ItemInfo],
    config: Config,
    *,
    popularity_half_life: float | None,
    neighbours: bool = True,
) -> Model:
    """Every component from the data, with an untuned blend (no neighbour lists if not
    `neighbours`)."""
    users = IdMap(data.users.tolist())
    items = IdMap(data.items.tolist())
    described: dict[Hashable, ItemInfo] = {}
    for info in infos:
        items.add(info.item)
        described[info.item] = info
    n_users, n_items = len(users), len(items)
    user_index = users.encode(data.users.tolist())
    item_index = items.encode(data.items.tolist())
    now = reference_time(data)
    base = event_weights(data, config)
    weights = base * decay(data.timestamps, now, config.half_life_days)
    history = weighted_matrix(user_index, item_index, weights, (n_users, n_items))

    event_names: list[str | None] = [None, *sorted(set(config.event_weights) | _names(data))]
    history_events = _strongest_events(data, base, user_index, item_index, history, event_names)

    binary = history.copy()
    binary.data = np.ones_like(binary.data)
    user_counts = np.asarray(binary.sum(axis=0)).ravel()
    warm = user_counts > 0
    popularity = popularity_vector(data, item_index, n_items, config, popularity_half_life)

    recent = np.isfinite(data.timestamps) & (
        data.timestamps >= now - config.trending_window_days * SECONDS_PER_DAY
    )
    overall_share = np.bincount(item_index, minlength=n_items) / max(1, len(data))
    recent_share = np.bincount(item_index[recent], minlength=n_items) / max(1, int(recent.sum()))
    first_seen = np.full(n_items, np.inf)
    np.minimum.at(
        first_seen, item_index, np.where(np.isfinite(data.timestamps), data.timestamps, np.inf)
    )
    first_seen[~np.isfinite(first_seen)] = np.nan

    lists = None
    if neighbours:
        source = ease_source(data, user_index, item_index, (n_users, n_items), config)
        lists = neighbour_lists_for(history, source, config)
    features = None
    content = None
    categories: list[str | None] = [None] * n_items
    if described:
        ordered = [described.get(raw) for raw in items.ids]
        features = build_features(ordered, n_items)
        content = neighbour_lists.content(features.matrix, width=config.content_neighbours)
        for position, entry in enumerate(ordered):
            if entry is not None and entry.categories():
                categories[position] = "/".join(entry.categories())
            if entry is not None and not np.isfinite(first_seen[position]):
                first_seen[position] = features.created_at[position]
    factors = None
    if binary.nnz >= config.min_factor_interactions:
        factors = factor_model.train(
            binary,
            factors=config.factors,
            epochs=config.epochs,
            learning_rate=config.learning_rate,
            regularisation=config.regularisation,
            negatives_per_positive=config.negatives_per_positive,
            max_ratings=config.max_training_ratings,
            seed=config.seed,
        )
    available = np.array([True, True, factors is not None, content is not None])
    return Model(
        config=config,
        users=users,
        items=items,
        history=history,
        history_events=history_events,
        event_names=event_names,
        popularity=popularity,
        user_counts=user_counts,
        recent_share=recent_share,
        overall_share=overall_share,
        first_seen=first_seen,
        warm=warm,
        neighbours=lists if lists is not None else Neighbours.empty(n_items),
        content=content,
        features=features,
        categories=categories,
        factors=factors,
        blend=Blend.uniform(config.activity_buckets, available),
        reference_time=now,
        popularity_half_life=popularity_half_life,
    )


def _names(data: Interactions) -> set[str]:
    return {name for name in set(data.events.tolist()) if name is not None}


def _strongest_events(
    data: Interactions,
    base: np.ndarray,
    user_index: np.ndarray,
    item_index: np.ndarray,
    history: sp.csr_matrix,
    event_names: list[str | None],
) -> np.ndarray:
    """Per history entry, the code of the heaviest event type seen on that user-item pair."""
    lookup = {name: code for code, name in enumerate(event_names)}
    codes = np.fromiter((lookup[event] for event in data.events), dtype=np.int64, count=len(data))
    n_items = history.shape[1]
    keys = user_index * n_items + item_index
    order = np.lexsort((base, keys))  # per key, heaviest event last
    last = np.r_[keys[order][1:] != keys[order][:-1], True]
    pair_keys = keys[order][last]
    pair_codes = codes[order][last]
    rows = np.repeat(np.arange(history.shape[0]), np.diff(history.indptr))
    entry_keys = rows * n_items + history.indices
    slot = np.searchsorted(pair_keys, entry_keys)
    return pair_codes[np.minimum(slot, len(pair_codes) - 1)].astype(np.int8)
