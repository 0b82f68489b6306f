"""`fit`: build every component, tune the blend on a validation split carved from training."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import scipy.sparse as sp

from recommender import factors as factor_model
from recommender import neighbours as neighbour_lists
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
    CONTENT,
    FACTORS,
    NEIGHBOURS,
    POPULARITY,
    Blend,
    normalise,
    tune,
    validation_ndcg,
)
from recommender.model import Model
from recommender.splits import split

VALIDATION_CELLS = 4_000_000  # validation users x items scored while tuning


def as_interactions(data: Interactions | Iterable[Interaction | Sequence[Any]]) -> Interactions:
    """Accept `Interactions` or any iterable of records."""
    return data if isinstance(data, Interactions) else Interactions.from_records(data)


def fit(
    interactions: Interactions | Iterable[Interaction | Sequence[Any]],
    items: Iterable[ItemInfo] | None = None,
    config: Config | None = None,
) -> Model:
    """Fit the hybrid model; with `config.tune`, blend weights come from a validation split."""
    config = config or Config()
    data = as_interactions(interactions)
    if len(data) == 0:
        raise ValueError("cannot fit on no interactions")
    infos = list(items or ())
    blend: Blend | None = None
    half_life = config.trending_half_lives[0] if config.trending_half_lives else None
    report: dict[str, Any] = {}
    if config.tune:
        protocol = "time" if config.validation == "time" and data.has_timestamps else "random"
        parts = split(data, protocol=protocol, seed=config.seed)
        if parts.test:
            inner = build(parts.train, infos, config, popularity_half_life=None)
            blend, half_life, report = _tune(inner, parts.train, parts.test, config)
            report["protocol"] = protocol
            tuned = {
                key: report[key]
                for key in ("ease_regularisation", "similarity_shrink")
                if key in report
            }
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
) -> Model:
    """Every component from the data, with an untuned blend."""
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

    if uses_ease(config, n_items):
        neighbours = neighbour_lists.ease(
            _damped(binary if config.ease_binary else history, config.user_activity_damping),
            width=config.neighbours,
            regularisation=config.ease_regularisation,
        )
    else:
        neighbours = neighbour_lists.item_item(
            history,
            width=config.neighbours,
            shrink=config.similarity_shrink,
            damping=config.user_activity_damping,
        )
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
        neighbours=neighbours,
        content=content,
        features=features,
        categories=categories,
        factors=factors,
        blend=Blend.uniform(config.activity_buckets, available),
        reference_time=now,
        popularity_half_life=popularity_half_life,
    )


def uses_ease(config: Config, n_items: int) -> bool:
    """Whether the neighbour lists come from EASE (else from cosine)."""
    return config.neighbour_model == "ease" or (
        config.neighbour_model == "auto" and n_items <= config.ease_max_items
    )


def _damped(matrix: sp.csr_matrix, damping: float) -> sp.csr_matrix:
    counts = np.maximum(np.diff(matrix.indptr).astype(np.float64), 1.0)
    return sp.csr_matrix(sp.diags(np.power(counts, -damping / 2.0)) @ matrix)


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


def popularity_vector(
    data: Interactions,
    item_index: np.ndarray,
    n_items: int,
    config: Config,
    half_life: float | None,
) -> np.ndarray:
    """Distinct-user popularity, each user-item pair time-decayed (None: all time); max 1."""
    now = reference_time(data)
    stamps = np.where(np.isfinite(data.timestamps), data.timestamps, now)
    user_index = IdMap(data.users.tolist()).encode(data.users.tolist())
    keys = user_index * n_items + item_index
    order = np.argsort(stamps, kind="stable")
    pair_keys, pair_rows = np.unique(keys[order][::-1], return_index=True)
    last_time = stamps[order][::-1][pair_rows]
    weights = decay(last_time, now, half_life)
    scores = np.bincount(pair_keys % n_items, weights=weights, minlength=n_items)
    absolute = config.normalisation == "absolute"
    users = len(IdMap(data.users.tolist()))
    return normalise(
        POPULARITY, scores.astype(np.float64), absolute=absolute, warm=scores > 0, users=users
    )


def _tune(
    inner: Model,
    train: Interactions,
    held_out: dict[Hashable, set[Hashable]],
    config: Config,
) -> tuple[Blend, float | None, dict[str, Any]]:
    """Blend weights and the popularity half-life that score best on the held-out items."""
    n_items = len(inner.items)
    rows: list[int] = []
    targets: list[list[int]] = []
    for user, wanted in held_out.items():
        row = inner.users.get(user)
        found = [i for i in inner.items.encode(list(wanted)).tolist() if i >= 0]
        if row is not None and found:
            rows.append(row)
            targets.append(found)
    limit = max(100, min(config.validation_users, VALIDATION_CELLS // max(1, n_items)))
    if len(rows) > limit:
        pick = np.sort(np.random.default_rng(config.seed).choice(len(rows), limit, replace=False))
        rows = [rows[i] for i in pick]
        targets = [targets[i] for i in pick]
    if not rows:
        return inner.blend, None, {}
    relevant = sp.csr_matrix(
        (
            np.ones(sum(len(t) for t in targets)),
            (np.repeat(np.arange(len(rows)), [len(t) for t in targets]), np.concatenate(targets)),
        ),
        shape=(len(rows), n_items),
    )
    seen = inner.history[rows]
    components = np.zeros((4, len(rows), n_items), dtype=np.float32)

    # popularity: pick the half-life that ranks held-out items best on its own
    item_index = inner.items.encode(train.items.tolist())
    best_life: float | None = None
    best_score = -1.0
    only = np.array([[1.0, 0.0, 0.0, 0.0]])
    for life in config.trending_half_lives or (None,):
        vector = popularity_vector(train, item_index, n_items, config, life)
        components[POPULARITY] = vector[np.newaxis, :]
        value = float(
            validation_ndcg(
                components, only, seen, relevant, inner.warm, 0.0, config.tuning_k
            ).mean()
        )
        if value > best_score + 1e-9:
            best_life, best_score = life, value
    popularity = popularity_vector(train, item_index, n_items, config, best_life)
    components[POPULARITY] = popularity[np.newaxis, :]

    absolute = config.normalisation == "absolute"
    mass = (
        np.asarray(seen.sum(axis=1)).reshape(-1, 1)
        / np.maximum(np.diff(seen.indptr), 1)[:, np.newaxis]
    )
    mass[mass == 0] = 1.0
    raw = (seen @ inner.neighbours.as_matrix()).toarray()
    components[NEIGHBOURS] = normalise(
        NEIGHBOURS, raw, absolute=absolute, warm=inner.warm, mass=mass
    )
    # the EASE penalty (or cosine shrinkage) whose neighbours alone rank held-out items best
    ease = uses_ease(config, n_items)
    setting = "ease_regularisation" if ease else "similarity_shrink"
    current = config.ease_regularisation if ease else config.similarity_shrink
    candidates = config.ease_regularisations if ease else config.similarity_shrinks
    chosen = current
    if len(candidates) > 1:
        only = np.array([[0.0, 1.0, 0.0, 0.0]])
        args = (seen, relevant, inner.warm, 0.0, config.tuning_k)
        best_score = float(validation_ndcg(components, only, *args).mean())
        source = inner.history.copy()
        if config.ease_binary:
            source.data = np.ones_like(source.data)
        damped = _damped(source, config.user_activity_damping)
        for candidate in candidates:
            if candidate == current:
                continue
            if ease:
                lists = neighbour_lists.ease(
                    damped, width=config.neighbours, regularisation=candidate
                )
            else:
                lists = neighbour_lists.item_item(
                    inner.history,
                    width=config.neighbours,
                    shrink=candidate,
                    damping=config.user_activity_damping,
                )
            raw = (seen @ lists.as_matrix()).toarray()
            previous = components[NEIGHBOURS].copy()
            components[NEIGHBOURS] = normalise(
                NEIGHBOURS, raw, absolute=absolute, warm=inner.warm, mass=mass
            )
            value = float(validation_ndcg(components, only, *args).mean())
            if value > best_score + 1e-9:
                best_score, chosen = value, candidate
            else:
                components[NEIGHBOURS] = previous
    if inner.content is not None:
        raw = (seen @ inner.content.as_matrix()).toarray()
        components[CONTENT] = normalise(CONTENT, raw, absolute=absolute, warm=inner.warm, mass=mass)
    if inner.factors is not None:
        raw = inner.factors.user[rows] @ inner.factors.item.T + inner.factors.item_bias
        raw = raw.astype(np.float64) + inner.factors.global_mean
        components[FACTORS] = normalise(FACTORS, raw, absolute=absolute, warm=inner.warm)
    sizes = np.diff(seen.indptr)
    blend, report = tune(
        components,
        seen,
        relevant,
        sizes,
        inner.warm,
        inner.available,
        bounds=config.activity_buckets,
        new_item_weight=config.new_item_weight,
        k=config.tuning_k,
        min_bucket_users=config.min_bucket_users,
        absolute=absolute,
    )
    summary: dict[str, Any] = {
        "validation_users": len(rows),
        "popularity_half_life": best_life,
        setting: chosen,
        "buckets": report,
        "weights": blend.weights.round(4).tolist(),
    }
    return blend, best_life, summary
