"""Tuning on a validation split carved from the training data: popularity and profile
half-lives, the neighbour settings, then the blend weights."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np
import scipy.sparse as sp

from recommender import neighbours as neighbour_lists
from recommender.components import ease_source, popularity_vector, uses_ease
from recommender.config import Config
from recommender.data import Interactions, decay, event_weights, reference_time, weighted_matrix
from recommender.hybrid import (
    CONTENT,
    NEIGHBOURS,
    POPULARITY,
    Blend,
    normalise,
    steady_choice,
    tune,
    validation_ndcg,
)
from recommender.model import Model
from recommender.neighbours import EaseBasis, Neighbours

VALIDATION_CELLS = 8_000_000  # validation users x items scored while tuning
# what tuning may change in the configuration of the final fit
TUNED_SETTINGS = (
    "half_life_days",
    "ease_popularity_exponent",
    "ease_regularisation",
    "ease_penalty",
    "similarity_shrink",
)


def tune_on_validation(
    inner: Model,
    train: Interactions,
    held_out: dict[Hashable, set[Hashable]],
    config: Config,
) -> tuple[Blend, float | None, dict[str, Any]]:
    """Blend weights, popularity half-life and neighbour settings that score best on the
    held-out items; `inner` was built on `train` without neighbour lists."""
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
    args = (seen, relevant, inner.warm, 0.0, config.tuning_k)

    # popularity: the half-life that ranks held-out items best on its own
    item_index = inner.items.encode(train.items.tolist())
    lives = list(config.trending_half_lives or (None,))
    only = np.array([[1.0, 0.0, 0.0, 0.0]])
    per_life = []
    for life in lives:
        vector = popularity_vector(train, item_index, n_items, config, life)
        components[POPULARITY] = vector[np.newaxis, :]
        per_life.append(validation_ndcg(components, only, *args)[0])
    best_life = lives[steady_choice(np.array(per_life), 0)]
    popularity = popularity_vector(train, item_index, n_items, config, best_life)
    components[POPULARITY] = popularity[np.newaxis, :]

    base = inner.components_many(np.array(rows, dtype=np.int64))
    components[NEIGHBOURS:] = base[NEIGHBOURS:]
    del base
    user_index = inner.users.encode(train.users.tolist())
    profiles = _profiles(train, user_index, item_index, inner.history.shape, rows, config)
    chosen = _tune_neighbours(inner, train, profiles, components, relevant, config)
    profile = profiles[chosen["half_life_days"]]
    if inner.content is not None and chosen["half_life_days"] != config.half_life_days:
        components[CONTENT] = normalise(
            CONTENT,
            inner.content.score(profile),
            absolute=config.normalisation == "absolute",
            warm=inner.warm,
            mass=_mass(profile),
        )
    blend, report = tune(
        components,
        seen,
        relevant,
        np.diff(seen.indptr),
        inner.warm,
        inner.available,
        bounds=config.activity_buckets,
        new_item_weight=config.new_item_weight,
        k=config.tuning_k,
        min_bucket_users=config.min_bucket_users,
        absolute=config.normalisation == "absolute",
    )
    summary: dict[str, Any] = {
        "validation_users": len(rows),
        "popularity_half_life": best_life,
        **chosen,
        "buckets": report,
        "weights": blend.weights.round(4).tolist(),
    }
    return blend, best_life, summary


def _profiles(
    train: Interactions,
    user_index: np.ndarray,
    item_index: np.ndarray,
    shape: tuple[int, int],
    rows: list[int],
    config: Config,
) -> dict[float | None, sp.csr_matrix]:
    """The validation users' profiles under each candidate recency half-life."""
    now = reference_time(train)
    base = event_weights(train, config)
    lives = dict.fromkeys([config.half_life_days, *config.profile_half_lives])
    result: dict[float | None, sp.csr_matrix] = {}
    for life in lives:
        weights = base * decay(train.timestamps, now, life)
        result[life] = weighted_matrix(user_index, item_index, weights, shape)[rows]
    return result


def _mass(profile: sp.csr_matrix) -> np.ndarray:
    counts = np.maximum(np.diff(profile.indptr), 1)
    mass = (np.asarray(profile.sum(axis=1)).ravel() / counts)[:, np.newaxis]
    mass[mass == 0] = 1.0
    return mass


def _tune_neighbours(
    inner: Model,
    train: Interactions,
    profiles: dict[float | None, sp.csr_matrix],
    components: np.ndarray,
    relevant: sp.csr_matrix,
    config: Config,
) -> dict[str, Any]:
    """The profile half-life and neighbour settings whose lists alone rank held-out items best
    (`steady_choice` against the configured ones); fills `components[NEIGHBOURS]`.

    EASE: the Gram matrix is computed once and decomposed once per popularity exponent;
    every penalty then costs one matrix product. The penalty found on the (smaller) inner
    training data is handed on as an absolute value (`ease_penalty`): relative to the mean
    diagonal it would grow with the data, and the inner split would over-regularise.
    """
    n_items = len(inner.items)
    absolute = config.normalisation == "absolute"
    masses = {life: _mass(profile) for life, profile in profiles.items()}
    seen = profiles[config.half_life_days]
    only = np.array([[0.0, 1.0, 0.0, 0.0]])
    args = (seen, relevant, inner.warm, 0.0, config.tuning_k)
    settings: list[dict[str, Any]] = []
    scores: list[np.ndarray] = []
    kept: dict[int, np.ndarray] = {}  # only the anchor's and the best mean's scores
    ease = uses_ease(config, n_items)
    current: dict[str, Any] = {"half_life_days": config.half_life_days}
    current.update(
        {"ease_popularity_exponent": config.ease_popularity_exponent}
        if ease
        else {"similarity_shrink": config.similarity_shrink}
    )
    if ease:
        current["ease_regularisation"] = config.ease_regularisation

    def consider(setting: dict[str, Any], lists: Neighbours | np.ndarray) -> None:
        for life, profile in profiles.items():
            raw = lists.score(profile) if isinstance(lists, Neighbours) else profile @ lists
            components[NEIGHBOURS] = normalise(
                NEIGHBOURS, np.asarray(raw), absolute=absolute, warm=inner.warm, mass=masses[life]
            )
            scores.append(validation_ndcg(components, only, *args)[0])
            settings.append({"half_life_days": life, **setting})
            number = len(settings) - 1
            best = int(np.argmax([row.mean() for row in scores]))
            anchor = _same(settings[number], current)
            for old in [key for key in kept if key != best and not _same(settings[key], current)]:
                del kept[old]
            if number == best or anchor:
                kept[number] = components[NEIGHBOURS].copy()

    if ease:
        user_index = inner.users.encode(train.users.tolist())
        item_index = inner.items.encode(train.items.tolist())
        source = ease_source(train, user_index, item_index, inner.history.shape, config)
        gram = neighbour_lists.gram(source)
        frequency = neighbour_lists.item_frequency(source)
        exact = n_items <= config.ease_dense_max_items
        exponents = config.ease_popularity_exponents or (config.ease_popularity_exponent,)
        for exponent in exponents:
            basis = EaseBasis.from_gram(gram, frequency, exponent)
            for relative in config.ease_regularisations or (config.ease_regularisation,):
                weights = basis.weights(relative)
                # exact lists score as the dense weights do, without building them
                lists = (
                    weights
                    if exact
                    else neighbour_lists.from_dense(weights, width=config.neighbours, exact=False)
                )
                setting = {
                    "ease_popularity_exponent": exponent,
                    "ease_regularisation": relative,
                    "ease_penalty": round(relative * basis.mean_diagonal, 6),
                }
                consider(setting, lists)
    else:
        for shrink in config.similarity_shrinks or (config.similarity_shrink,):
            lists = neighbour_lists.item_item(
                inner.history,
                width=config.neighbours,
                shrink=shrink,
                damping=config.user_activity_damping,
            )
            consider({"similarity_shrink": shrink}, lists)
    anchor = next((n for n, s in enumerate(settings) if _same(s, current)), 0)
    choice = steady_choice(np.array(scores), anchor)
    components[NEIGHBOURS] = kept[choice]
    return settings[choice]


def _same(setting: dict[str, Any], current: dict[str, Any]) -> bool:
    return all(setting.get(key) == value for key, value in current.items())
